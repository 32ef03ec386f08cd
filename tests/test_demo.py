"""The README's main job: the instructor loop on the demo class (real nbgrader commands)."""
from __future__ import annotations

import pytest
from helpers import demo_assignments, selected_assignments

from grading import notebook as nbu
from grading.course import (
    DEMO_STUDENTS,
    Course,
    demo_partial,
    read_grades_csv,
    run_demo,
    score_table,
)


def check_demo_class(course: Course, assignments: list[str]) -> None:
    """ada full marks, ben zero, cy loses exactly the exercises that were mutated; everyone's feedback."""
    assert course.assignments == assignments
    rows = read_grades_csv(course.root / "grades.csv")
    for a in assignments:
        got = {r["student_id"]: (float(r["score"]), float(r["max_score"])) for r in rows if r["assignment"] == a}
        assert set(got) == set(DEMO_STUDENTS), a
        full = got["ada"][1]
        assert got["ada"][0] == full > 0, (a, got)
        assert got["ben"][0] == 0, (a, got)
        assert 0 < got["cy"][0] < full, (a, got)
        cells = nbu.grade_cells(nbu.read(course.source_notebook(a)))
        lost = {c.function for c in cells if course.scores(a, "cy")[c.grade_id][0] == 0}
        assert lost == set(demo_partial(a)), a
        for student in DEMO_STUDENTS:
            assert course.feedback(student, a).exists(), (a, student)
    table = score_table(course, list(DEMO_STUDENTS))
    assert all(f"\n{a}" in table for a in assignments) and all(s in table for s in DEMO_STUDENTS), table


def test_demo_class_scores_full_zero_and_partial(demo_course):
    """``demo_course`` (conftest.py) is ``run_demo`` on ``demo_assignments()``: one NumPy and one Keras
    assignment in the default suite."""
    check_demo_class(demo_course, demo_assignments())


@pytest.mark.heavy
def test_demo_class_of_every_assignment_scores_full_zero_and_partial(tmp_path):
    """What ``python3 course.py course`` does: the demo class on every selected assignment (24 autogrades
    for eight, about 11 minutes on 2 cores)."""
    assignments = selected_assignments()
    check_demo_class(run_demo(tmp_path / "course", assignments, log=lambda *_: None), assignments)
