"""The README's main job: the instructor loop on the demo class (real nbgrader commands)."""
from __future__ import annotations

from helpers import selected_assignments

from grading import notebook as nbu
from grading.course import (
    DEMO_STUDENTS,
    demo_partial,
    read_grades_csv,
    score_table,
)


def test_demo_class_scores_full_zero_and_partial(demo_course):
    """``demo_course`` (conftest.py) is ``run_demo`` on the selected assignments."""
    assignments = selected_assignments()
    course = demo_course
    assert course.assignments == assignments
    rows = read_grades_csv(course.root / "grades.csv")
    for a in assignments:
        got = {r["student_id"]: (float(r["score"]), float(r["max_score"])) for r in rows if r["assignment"] == a}
        assert set(got) == set(DEMO_STUDENTS)
        full = got["ada"][1]
        assert got["ada"][0] == full > 0
        assert got["ben"][0] == 0
        assert 0 < got["cy"][0] < full
        # cy loses exactly the exercises that were mutated
        cells = nbu.grade_cells(nbu.read(course.source_notebook(a)))
        lost = {c.function for c in cells if course.scores(a, "cy")[c.grade_id][0] == 0}
        assert lost == set(demo_partial(a))
        for student in DEMO_STUDENTS:
            assert course.feedback(student, a).exists()
    table = score_table(course, list(DEMO_STUDENTS))
    assert "ada" in table and "ben" in table and "cy" in table
