"""Helpers shared by the notebook builders in ``wip/<id>/build_notebook.py``.

A builder appends cells with ``md`` and ``code`` (nbgrader metadata from ``locked``,
``solution`` and ``grade``), then calls ``write(out)``: a validated nbformat 4.5 notebook
without outputs.
"""
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

cells = []


def md(cid, text):
    cells.append(new_markdown_cell(text.strip("\n"), id=cid))


def code(cid, text, nbgrader=None):
    c = new_code_cell(text.strip("\n"), id=cid)
    if nbgrader is not None:
        c.metadata["nbgrader"] = nbgrader
    cells.append(c)


def locked(grade_id):
    return {"grade": False, "grade_id": grade_id, "locked": True, "schema_version": 3,
            "solution": False, "task": False}


def solution(grade_id):
    return {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": 3,
            "solution": True, "task": False}


def grade(grade_id, points):
    return {"grade": True, "grade_id": grade_id, "locked": True, "points": points,
            "schema_version": 3, "solution": False, "task": False}


def write(out):
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    nb.nbformat, nb.nbformat_minor = 4, 5
    nbformat.validate(nb)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(out))
    print("wrote", out, len(cells), "cells")
