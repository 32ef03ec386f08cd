"""Bad input gets a clear error, and a grade for what did run (real nbgrader autograde).

One scratch course (w1a1, whose cells are fast) with a short per-cell limit, and
submissions that misbehave: an infinite loop, a loop that swallows the interrupt, a kernel crash, edited test cells plus code
that emits warnings, and a file that is not a notebook at all.
"""
from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from grading import notebook as nbu
from grading.course import make_course

A = "w1a1_conv_step_by_step"
TIMEOUT = 15


def _with_first_statement(code: str, statement: str) -> str:
    """Insert ``statement`` as the first line of the function body (after the docstring)."""
    head, sep, body = code.partition('"""\n')          # opening of the docstring
    doc, sep2, rest = body.partition('"""\n')          # end of the docstring
    return head + sep + doc + sep2 + f"    {statement}\n" + rest


@pytest.fixture(scope="module")
def misbehaving(tmp_path_factory):
    base = tmp_path_factory.mktemp("robust")
    extra = f"c.Execute.timeout = {TIMEOUT}\nc.RunHiddenChecks.check_timeout = {2 * TIMEOUT}"
    courses = [make_course(base / f"c{k}", [A], extra_config=extra) for k in range(2)]
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda c: c.generate(), courses))
    loop_course, other = courses
    correct = other.correct_code(A)

    loop_course.submit_filled("infinite-loop", A, {
        **correct, "pool_forward": _with_first_statement(correct["pool_forward"], "while True: pass")})
    deaf = "import time\n    while True:\n        try:\n            time.sleep(0.1)\n        except KeyboardInterrupt:\n            pass"
    loop_course.submit_filled("deaf-loop", A, {
        **correct, "pool_forward": _with_first_statement(correct["pool_forward"], deaf)})
    other.submit_filled("kernel-crash", A, {
        **correct, "pool_forward": _with_first_statement(correct["pool_forward"], "import os; os._exit(1)")})
    noisy = _with_first_statement(correct["conv_single_step"],
                                  "import sys, warnings; warnings.warn('a warning from student code'); "
                                  "print('debugging output on stderr', file=sys.stderr)")
    edited = nbu.fill(nbu.read(other.release_notebook(A)), {**correct, "conv_single_step": noisy})
    for cell in edited.cells:
        if nbu.meta(cell).get("grade_id") == "distribute_value_even_split":
            cell.source = "pass  # the student replaced the test"
    other.submit("edited-tests", A, edited)
    corrupt = other.submitted("not-a-notebook", A)
    corrupt.parent.mkdir(parents=True)
    corrupt.write_text('{"cells": [ this is not JSON')

    def autograde(course):
        cmd = [sys.executable, "-m", "nbgrader", "autograde", A, "--force"]
        return subprocess.run(cmd, cwd=course.root, capture_output=True, text=True, timeout=1200)

    with ThreadPoolExecutor(2) as pool:
        loop_run, other_run = pool.map(autograde, courses)
    return {"infinite-loop": loop_course, "deaf-loop": loop_course, "kernel-crash": other, "edited-tests": other,
            "other_log": other_run.stdout + other_run.stderr, "loop_rc": loop_run.returncode}


def _by_function(course, student):
    scores = course.scores(A, student)
    return {c.function: scores[c.grade_id] for c in nbu.grade_cells(nbu.read(course.source_notebook(A)))}


@pytest.mark.parametrize("student", ["infinite-loop", "deaf-loop", "kernel-crash"])
def test_a_runaway_function_costs_only_its_exercise(misbehaving, student):
    scores = _by_function(misbehaving[student], student)
    assert scores.pop("pool_forward")[0] == 0
    assert all(score == maximum for score, maximum in scores.values()), scores


def test_the_timeout_and_the_dead_kernel_are_explained_in_the_graded_notebook(misbehaving):
    for student, words in (("infinite-loop", "interrupted"), ("deaf-loop", "ignored the interrupt"),
                           ("kernel-crash", "kernel died")):
        nb = nbu.read(misbehaving[student].autograded(student, A))
        errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
        assert any(words in (o.get("evalue", "") + "".join(o.get("traceback", []))).lower() for o in errors)
    assert misbehaving["loop_rc"] == 0


def test_edited_test_cells_are_restored_and_student_warnings_cost_nothing(misbehaving):
    scores = _by_function(misbehaving["edited-tests"], "edited-tests")
    assert all(score == maximum for score, maximum in scores.values()), scores


def test_a_file_that_is_not_a_notebook_gets_a_zero_grade_with_the_reason(misbehaving):
    course = misbehaving["kernel-crash"]
    scores = course.scores(A, "not-a-notebook")
    assert scores and all(score == 0 for score, _ in scores.values()), scores
    note = nbu.read(course.autograded("not-a-notebook", A)).cells[0]
    assert "could not be read as a notebook" in note.source
    assert "not-a-notebook" in misbehaving["other_log"]
    assert course.scores(A, "kernel-crash")  # graded in the same run
