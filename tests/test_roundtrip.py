"""Real nbgrader round trips: generate -> autograde -> feedback, on every assignment.

Uses the session's graded course (tests/conftest.py): each submission was executed once.
"""
from __future__ import annotations

import pytest
from helpers import selected_assignments

from grading import harness
from grading import notebook as nbu
from grading.course import nbgrader, read_grades_csv

ASSIGNMENTS = selected_assignments()


def _by_function(graded, assignment, student):
    scores = graded.scores(assignment, student)
    cells = nbu.grade_cells(nbu.read(graded.course(assignment, student).source_notebook(assignment)))
    return {c.function: scores[c.grade_id] for c in cells}


def _mismatches(graded, assignment, student):
    sub = graded.plans[assignment][student]
    got = _by_function(graded, assignment, student)
    bad = []
    for fn, full in sub.expect_full.items():
        score, maximum = got[fn]
        what = sub.variants.get(fn, "solution" if full else "blank")
        if full and score != maximum:
            bad.append(f"{fn}: {score:g}/{maximum:g} with {what}, expected full marks")
        if not full and score != 0:
            bad.append(f"{fn}: {score:g}/{maximum:g} with {what}, expected 0")
    return bad


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_gets_full_marks(graded_course, assignment):
    assert _mismatches(graded_course, assignment, "solution") == []
    scores = graded_course.scores(assignment, "solution")
    assert sum(s for s, _ in scores.values()) == sum(m for _, m in scores.values()) > 0


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_run_writes_no_error_and_nothing_on_stderr(graded_course, assignment):
    from grading.bench import cell_problems

    nb = nbu.read(graded_course.autograded(assignment, "solution"))
    assert cell_problems(nb) == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_student_version_gets_zero_and_every_cell_runs(graded_course, assignment):
    scores = graded_course.scores(assignment, "blank")
    assert scores and all(score == 0 for score, _ in scores.values()), scores
    assert graded_course.course(assignment, "blank").unexecuted_cells(assignment, "blank") == []


def _students(prefix):
    return [(a, s) for a in ASSIGNMENTS for s in harness.student_names(a) if s.startswith(prefix)]


@pytest.mark.parametrize("assignment,student", _students("wrong-"))
def test_one_wrong_function_loses_exactly_its_points(graded_course, assignment, student):
    assert _mismatches(graded_course, assignment, student) == []


@pytest.mark.parametrize("assignment,student", _students("mutants-"))
def test_every_mutant_loses_its_exercise_points_under_autograde(graded_course, assignment, student):
    assert _mismatches(graded_course, assignment, student) == []


@pytest.mark.parametrize("assignment,student", _students("alternatives-"))
def test_correct_alternatives_keep_full_marks_under_autograde(graded_course, assignment, student):
    assert _mismatches(graded_course, assignment, student) == []


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_and_export(graded_course, assignment):
    course = graded_course.course(assignment, "solution")
    html = graded_course.feedback(assignment, "solution").read_text()
    assert "BEGIN SOLUTION" not in html and "Score" in html
    rows = [r for r in read_grades_csv(course.export()) if r["assignment"] == assignment]
    by_student = {r["student_id"]: float(r["score"]) for r in rows}
    maximum = float(rows[0]["max_score"])
    assert maximum > 0 and by_student["solution"] == maximum
    for student, score in by_student.items():
        expected = graded_course.scores(assignment, student)
        assert score == pytest.approx(sum(s for s, _ in expected.values())), student


#: ``nbgrader validate`` executes the whole notebook again, and what it checks (the solution passes every
#: test, the blank release fails every one) is what autograde already proved above on every assignment.  The
#: default suite proves the student's validate button on one NumPy and one Keras notebook (the fastest
#: two); the others are rare heavy checks (``python3 course.py test --heavy``), about 50 s each.
VALIDATE_IN_DEFAULT_SUITE = ("w1a1_conv_step_by_step", "w4a1_face_recognition")
assert set(VALIDATE_IN_DEFAULT_SUITE) <= set(nbu.assignment_ids()), "rename VALIDATE_IN_DEFAULT_SUITE's assignments"


@pytest.mark.parametrize("assignment", [a if a in VALIDATE_IN_DEFAULT_SUITE
                                        else pytest.param(a, marks=pytest.mark.heavy) for a in ASSIGNMENTS])
def test_validate_passes_on_solution_and_inverted_validate_fails_every_student_test(graded_course, assignment):
    course = graded_course.shards[0]
    ok = nbgrader(["validate", str(course.source_notebook(assignment))], course.root)
    assert "Success! Your notebook passes all the tests." in ok.stdout, ok.stdout[-2000:]
    inv = nbgrader(["validate", "--invert", str(course.release_notebook(assignment))], course.root)
    assert "Success! The notebook does not pass any tests." in inv.stdout, inv.stdout[-2000:]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_says_which_hidden_checks_failed_but_never_shows_their_source(graded_course, assignment):
    import html as html_lib

    student = next(s for s in harness.student_names(assignment) if s.startswith("wrong-"))
    page = graded_course.feedback(assignment, student).read_text()
    assert "BEGIN HIDDEN" not in page and "from grading" not in page
    assert "GradingError" in page or "check_" in page       # the failed checks are named, with their message
    week = assignment.split("_")[0]
    root = nbu.repo_root() / "grading" / week
    leaked = []
    for module in (root / "__init__.py", root / "reference.py"):
        for line in module.read_text().splitlines():
            line = line.strip()
            if len(line) >= 40 and not line.startswith(("#", '"', "'", "f\"", "f'")):
                if html_lib.escape(line) in page or line in page:
                    leaked.append(f"{module.name}: {line}")
    assert leaked == []
