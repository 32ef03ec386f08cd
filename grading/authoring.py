"""Writing a solution notebook from its one editable source, ``authoring/<id>.py``.

Each assignment's notebook is written by a small Python file, reviewable as text::

    from grading.authoring import Notebook, code, markdown

    def build() -> Notebook:
        nb = Notebook("w2a1_resnets")
        nb.md("intro", "# Residual networks ...")
        nb.setup("from cnnkit.setup import init_notebook ...")
        nb.exercise("identity_block", number=1, points=35,
                    grade_id="identity_block_values_and_training_flag",
                    solution='''def identity_block(...): ... ### BEGIN SOLUTION ... ### END SOLUTION ...''',
                    demo=[code("identity_block-demo", "...")])
        ...
        return nb

    if __name__ == "__main__":
        main(build)

``python authoring/<id>.py`` (or ``python3 course.py build``) writes
``solutions/<id>/<id>.ipynb``: a validated nbformat 4.5 notebook without outputs whose
metadata names its source.  ``tests/test_notebooks.py`` rebuilds every notebook and fails
when it differs from the committed one, so a hand edit of the ``.ipynb`` cannot be lost
silently: edit the source, then rebuild.

``exercise()`` writes the two cells every graded exercise has, in the course's fixed form:

- the **solution cell** (``grade_id = <key>_solution``; nbgrader replaces the region between
  ``### BEGIN SOLUTION`` and ``### END SOLUTION`` with a stub in the student version);
- optional cells in between (``demo``: a worked example, a figure);
- the locked **grade cell** (a descriptive ``grade_id``, the points): the public test, then a
  one-line hidden region ``from grading.<week> import check_<key>; check_<key>(<args>)``.

The exercise *key* is the graded function's name, or for an exercise graded through the
state a cell leaves (e.g. w2a2's fine-tuning settings) a name of its own.

A picture of the course in markdown, ``![alt](../../images/<file>)``, is embedded in the cell as
an attachment (``attachment:<file>``): a relative link would break wherever the notebook is not
two folders below ``images/`` as served — JupyterLab started on ``notebooks/`` (the student's
``jupyter lab notebooks/``), the feedback HTML and formgrader's views.
"""
from __future__ import annotations

import argparse
import base64
import importlib.util
import mimetypes
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Callable, Iterable

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from grading import notebook as nbu

__all__ = ["Notebook", "markdown", "code", "locked", "load_source", "source_path", "build_notebook",
           "write_notebook", "main"]

SCHEMA = 3


def _meta(grade_id: str, *, grade=False, solution=False, locked=False, points=None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": SCHEMA,
            "solution": solution, "task": False}
    if points is not None:
        meta["points"] = points
    return meta


_COURSE_IMAGE = re.compile(r"!\[([^\]]*)\]\(\.\./\.\./images/([^)\s]+)\)")


def markdown(cell_id: str, text: str):
    """A markdown cell (leading and trailing newlines of ``text`` are dropped).

    Links to the course's pictures, ``![alt](../../images/<file>)``, become attachments of the
    cell, so that the picture shows wherever the notebook is opened (see the module docstring).
    """
    attachments = {}

    def embed(match: re.Match) -> str:
        path = nbu.repo_root() / "images" / match.group(2)
        if not path.is_file():
            raise FileNotFoundError(f"{cell_id}: {path} does not exist (linked as {match.group(0)})")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        attachments[path.name] = {mime: base64.b64encode(path.read_bytes()).decode("ascii")}
        return f"![{match.group(1)}](attachment:{path.name})"

    cell = new_markdown_cell(_COURSE_IMAGE.sub(embed, text.strip("\n")), id=cell_id)
    if attachments:
        cell.attachments = attachments
    return cell


def code(cell_id: str, text: str, nbgrader: dict | None = None):
    """A code cell, editable unless ``nbgrader`` metadata says otherwise."""
    cell = new_code_cell(text.strip("\n"), id=cell_id)
    if nbgrader is not None:
        cell.metadata["nbgrader"] = nbgrader
    return cell


def locked(grade_id: str) -> dict:
    """nbgrader metadata of a read-only cell (its grade_id names it)."""
    return _meta(grade_id, locked=True)


class Notebook:
    """The cells of one solution notebook, in order."""

    def __init__(self, assignment: str):
        self.assignment = assignment
        self.week = assignment.split("_")[0]
        self.cells: list = []
        self.exercises: list[str] = []

    # -- cells -----------------------------------------------------------------
    def add(self, *cells) -> "Notebook":
        ids = {c.id for c in self.cells}
        for cell in cells:
            if cell.id in ids:
                raise ValueError(f"{self.assignment}: duplicate cell id {cell.id!r}")
            ids.add(cell.id)
            self.cells.append(cell)
        return self

    def md(self, cell_id: str, text: str) -> "Notebook":
        return self.add(markdown(cell_id, text))

    def code(self, cell_id: str, text: str) -> "Notebook":
        """An ordinary (editable, ungraded) code cell."""
        return self.add(code(cell_id, text))

    def given(self, cell_id: str, text: str, grade_id: str | None = None) -> "Notebook":
        """A read-only code cell.  A ``grade_id`` starting with ``given_`` marks a helper that
        graded code calls (``grading.notebook.solution_namespace`` runs those cells too)."""
        return self.add(code(cell_id, text, locked(grade_id or cell_id)))

    def setup(self, text: str) -> "Notebook":
        """The one locked setup cell (``grade_id = "setup"``) every notebook starts with."""
        return self.add(code("setup", text, locked("setup")))

    def exercise(self, key: str, *, number: int, points: float, grade_id: str, solution: str,
                 public_test: str | None = None, check_args: str | None = None,
                 demo: Iterable = ()) -> "Notebook":
        """The solution cell of exercise ``number``, optional ``demo`` cells, and its grade cell.

        ``public_test`` defaults to ``<key>_test(<key>)`` and ``check_args`` (what the hidden
        check receives) to ``<key>``.
        """
        if nbu.BEGIN_SOLUTION not in solution or nbu.END_SOLUTION not in solution:
            raise ValueError(f"{self.assignment}:{key}: the solution needs {nbu.BEGIN_SOLUTION} / {nbu.END_SOLUTION}")
        if key in self.exercises:
            raise ValueError(f"{self.assignment}: exercise {key!r} twice")
        self.exercises.append(key)
        public_test = public_test or f"{key}_test({key})"
        check_args = check_args or key
        test = (f"# Exercise {number} test — {points:g} points. The public checks below run now; hidden checks run "
                f"when your work is graded.\n{public_test}\n{nbu.BEGIN_HIDDEN}\n"
                f"from grading.{self.week} import check_{key}; check_{key}({check_args})\n{nbu.END_HIDDEN}")
        self.add(code(f"{key}-solution", solution, _meta(f"{key}_solution", solution=True)))
        self.add(*demo)
        return self.add(code(f"{key}-test", test, _meta(grade_id, grade=True, locked=True, points=points)))

    # -- output ----------------------------------------------------------------
    def notebook(self) -> nbformat.NotebookNode:
        """The validated notebook (nbformat 4.5, no outputs); its metadata names the source."""
        nb = new_notebook(cells=list(self.cells), metadata={
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            "cnn_course": {"assignment": self.assignment,
                           "generated_from": source_path(self.assignment).relative_to(nbu.repo_root()).as_posix(),
                           "edit": "edit the source, then run `python3 course.py build` (this file is generated)"},
        })
        nb.nbformat, nb.nbformat_minor = 4, 5
        nbformat.validate(nb)
        return nb


def source_path(assignment: str, root: Path | None = None) -> Path:
    """``authoring/<id>.py``: the one editable source of an assignment's notebook."""
    return (root or nbu.repo_root()) / "authoring" / f"{assignment}.py"


def load_source(assignment: str, root: Path | None = None) -> ModuleType:
    """Import ``authoring/<id>.py`` as a module (it defines ``build() -> Notebook``)."""
    path = source_path(assignment, root)
    if not path.is_file():
        raise FileNotFoundError(f"{assignment}: no notebook source {path}")
    spec = importlib.util.spec_from_file_location(f"authoring_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_notebook(assignment: str, root: Path | None = None) -> nbformat.NotebookNode:
    """The solution notebook that ``authoring/<id>.py`` writes."""
    nb = load_source(assignment, root).build()
    if nb.assignment != assignment:
        raise ValueError(f"{source_path(assignment, root)} builds {nb.assignment!r}, not {assignment!r}")
    return nb.notebook()


def write_notebook(assignment: str, root: Path | None = None) -> Path:
    """Build and write ``solutions/<id>/<id>.ipynb``; return its path."""
    out = (root or nbu.repo_root()) / "solutions" / assignment / f"{assignment}.ipynb"
    return nbu.write(build_notebook(assignment, root), out)


def main(build: Callable[[], Notebook], argv: list[str] | None = None) -> int:
    """Command line of a notebook source: write its solution notebook (or to ``--out``)."""
    nb = build()
    parser = argparse.ArgumentParser(description=f"Write solutions/{nb.assignment}/{nb.assignment}.ipynb "
                                     "from this source.")
    parser.add_argument("--out", default=None, help="write here instead (to try a change)")
    args = parser.parse_args(argv)
    path = Path(args.out) if args.out else nbu.repo_root() / "solutions" / nb.assignment / f"{nb.assignment}.ipynb"
    notebook = nb.notebook()
    nbu.write(notebook, path)
    print(f"wrote {path} ({len(notebook.cells)} cells); next: python3 course.py generate {nb.assignment}")
    return 0


if __name__ == "__main__":  # pragma: no cover - use authoring/<id>.py or course.py build
    sys.exit("run `python authoring/<id>.py` or `python3 course.py build`")
