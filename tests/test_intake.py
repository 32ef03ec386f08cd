"""Submission intake (grading.intake): mangled notebooks are repaired or replaced, with a reason.

Fast and in-process: each test mangles a copy of the w1a1 student version filled with the
solution, runs ``normalize_submission`` and checks the repaired notebook.  The same hook
under real ``nbgrader autograde`` is covered by tests/test_redteam.py.
"""
from __future__ import annotations

import copy
import json

import nbformat
import pytest

from grading import intake
from grading import notebook as nbu

A = "w1a1_conv_step_by_step"


@pytest.fixture(scope="module")
def release():
    return nbu.read(nbu.notebook_path(A, "notebooks"))


@pytest.fixture()
def solved(release):
    return nbu.fill(release, nbu.solutions(nbu.read(nbu.notebook_path(A))))


def _graded_ids(nb):
    return [nbu.meta(c)["grade_id"] for c in nb.cells if intake._graded(c)]


def _submit(tmp_path, nb, name=f"{A}.ipynb"):
    folder = tmp_path / "submitted" / "student" / A
    folder.mkdir(parents=True)
    nbu.write(nb, folder / name)
    return folder


def _normalize(folder, release_path):
    reasons = intake.normalize_submission(folder, A, release_path)
    nb = nbu.read(folder / f"{A}.ipynb")
    nbformat.validate(nb)
    return reasons, nb


@pytest.fixture(scope="module")
def release_path():
    return nbu.notebook_path(A, "notebooks")


def test_an_intact_submission_is_left_alone(tmp_path, solved, release_path):
    folder = _submit(tmp_path, solved)
    before = (folder / f"{A}.ipynb").read_text()
    reasons, nb = _normalize(folder, release_path)
    assert reasons == []
    assert nb.cells[0].get("id") != intake.NOTE_ID
    assert json.loads((folder / f"{A}.ipynb").read_text())["cells"] == json.loads(before)["cells"]


def test_a_renamed_notebook_is_graded_under_its_name(tmp_path, solved, release_path):
    folder = _submit(tmp_path, solved, name="my homework (1).ipynb")
    reasons, nb = _normalize(folder, release_path)
    assert [p.name for p in folder.glob("*.ipynb")] == [f"{A}.ipynb"]
    assert any("my homework (1).ipynb" in r for r in reasons)
    assert nb.cells[0].id == intake.NOTE_ID and "my homework" in nb.cells[0].source


def test_invalid_json_becomes_the_blank_notebook_with_the_reason(tmp_path, release, release_path):
    folder = tmp_path / "submitted" / "student" / A
    folder.mkdir(parents=True)
    (folder / f"{A}.ipynb").write_text('{"cells": [ this is not JSON')
    reasons, nb = _normalize(folder, release_path)
    assert len(reasons) == 1 and "could not be read as a notebook" in reasons[0]
    assert _graded_ids(nb) == _graded_ids(release)


def test_an_old_nbformat_is_converted(tmp_path, solved, release_path):
    v3 = nbformat.convert(copy.deepcopy(solved), 3)
    folder = tmp_path / "submitted" / "student" / A
    folder.mkdir(parents=True)
    (folder / f"{A}.ipynb").write_text(nbformat.writes(v3, version=3))
    reasons, nb = _normalize(folder, release_path)
    assert any("nbformat 3" in r for r in reasons)
    assert nb.nbformat == 4
    assert nbu.solutions(nb).keys() >= {"zero_pad", "conv_forward"}


def test_deleted_reordered_and_retyped_cells_are_put_back(tmp_path, solved, release, release_path):
    nb = copy.deepcopy(solved)
    ids = _graded_ids(nb)
    test_cell = next(c for c in nb.cells if nbu.meta(c).get("grade_id") == "zero_pad_pads_spatial_axes_only")
    nb.cells.remove(test_cell)                                       # a deleted test cell
    k = next(i for i, c in enumerate(nb.cells) if nbu.meta(c).get("grade_id") == "pool_forward_solution")
    moved = nb.cells.pop(k)
    mine = nbformat.v4.new_code_cell("x = 1  # the student's own scratch cell", id="mine")
    nb.cells.insert(3, mine)
    nb.cells.insert(3, moved)                                        # a solution moved to the top
    conv = next(i for i, c in enumerate(nb.cells) if nbu.meta(c).get("grade_id") == "conv_forward_solution")
    nb.cells[conv] = nbformat.v4.new_markdown_cell(nb.cells[conv].source, id=nb.cells[conv].id,
                                                   metadata=dict(nb.cells[conv].metadata))  # retyped
    folder = _submit(tmp_path, nb)
    reasons, fixed = _normalize(folder, release_path)
    assert _graded_ids(fixed) == ids
    text = " ".join(reasons)
    assert "zero_pad_pads_spatial_axes_only` had been deleted" in text
    assert "out of order" in text and "turned back into a code cell" in text
    after_pool = fixed.cells[[c.get("id") for c in fixed.cells].index(moved.id) + 1]
    assert after_pool.get("id") == "mine"                            # the student's cell travels with it
    pool = next(c for c in fixed.cells if nbu.meta(c).get("grade_id") == "pool_forward_solution")
    assert "def pool_forward" in pool.source and nbu.BEGIN_SOLUTION not in pool.source  # the answer is kept


def test_a_deleted_solution_comes_back_as_the_stub(tmp_path, solved, release_path):
    nb = copy.deepcopy(solved)
    nb.cells = [c for c in nb.cells if nbu.meta(c).get("grade_id") != "zero_pad_solution"]
    folder = _submit(tmp_path, nb)
    reasons, fixed = _normalize(folder, release_path)
    assert any("solution cell `zero_pad_solution` had been deleted" in r and "scores 0" in r for r in reasons)
    cell = next(c for c in fixed.cells if nbu.meta(c).get("grade_id") == "zero_pad_solution")
    assert "NotImplementedError" in cell.source


def test_duplicates_keep_the_last_copy_and_edited_ids_are_restored(tmp_path, solved, release_path):
    nb = copy.deepcopy(solved)
    k = next(i for i, c in enumerate(nb.cells) if nbu.meta(c).get("grade_id") == "zero_pad_solution")
    copy_cell = copy.deepcopy(nb.cells[k])
    copy_cell.id = "copied"
    nb.cells.insert(k + 1, copy_cell)
    test = next(c for c in nb.cells if nbu.meta(c).get("grade_id") == "conv_forward_shapes_and_values")
    test.metadata["nbgrader"]["grade_id"] = "my_own_id"
    test.metadata["nbgrader"]["points"] = 100
    other = next(c for c in nb.cells if nbu.meta(c).get("grade_id") == "pool_forward_max_and_average")
    other.metadata["nbgrader"]["schema_version"] = 1          # nbgrader would stop the whole run on this
    other.metadata["nbgrader"]["points"] = 1000
    own = nbformat.v4.new_code_cell("y = 2", id="own", metadata={"nbgrader": {"grade": True, "grade_id": "free",
                                                                              "points": 50, "schema_version": 3}})
    nb.cells.append(own)
    folder = _submit(tmp_path, nb)
    reasons, fixed = _normalize(folder, release_path)
    text = " ".join(reasons)
    assert "appeared more than once" in text and "grade id changed to `my_own_id`" in text
    assert "settings of `pool_forward_max_and_average` had been edited (points, schema_version)" in text
    assert "carried grading settings (`free`)" in text and not nbu.meta(fixed.cells[-1])
    assert _graded_ids(fixed) == _graded_ids(nbu.read(release_path))
    restored_other = next(c for c in fixed.cells if nbu.meta(c).get("grade_id") == "pool_forward_max_and_average")
    assert nbu.meta(restored_other)["schema_version"] == 3 and nbu.meta(restored_other)["points"] != 1000
    restored = next(c for c in fixed.cells if c.get("id") == test.id)
    assert nbu.meta(restored)["grade_id"] == "conv_forward_shapes_and_values"
    assert nbu.meta(restored)["points"] != 100
    assert _graded_ids(fixed).count("zero_pad_solution") == 1
    assert nbu.meta(next(c for c in fixed.cells if c.get("id") == "copied"))["grade_id"] == "zero_pad_solution"


def test_huge_outputs_are_dropped(tmp_path, solved, release_path, monkeypatch):
    monkeypatch.setattr(intake, "HUGE_BYTES", 50_000)
    nb = copy.deepcopy(solved)
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="x" * 200_000)]
    folder = _submit(tmp_path, nb)
    reasons, fixed = _normalize(folder, release_path)
    assert any("outputs were dropped" in r for r in reasons)
    assert all(not c.get("outputs") for c in fixed.cells if c.cell_type == "code")


def test_normalizing_twice_changes_nothing_more(tmp_path, solved, release_path):
    nb = copy.deepcopy(solved)
    nb.cells = nb.cells[::-1]
    folder = _submit(tmp_path, nb)
    first, once = _normalize(folder, release_path)
    again, twice = _normalize(folder, release_path)
    assert first and again == []
    assert [c.get("id") for c in once.cells] == [c.get("id") for c in twice.cells]
    assert twice.cells[0].id == intake.NOTE_ID                   # the first intake's note stays
    kept = folder / ".intake" / "original" / f"{A}.ipynb"
    assert [c.get("id") for c in nbu.read(kept).cells] == [c.get("id") for c in nb.cells]
