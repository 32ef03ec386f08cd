"""Shared fixtures: one graded scratch course per test session, reused by every test.

Every submission of ``grading.harness.plan`` is written into one scratch course and
autograded by one ``nbgrader autograde`` call per assignment: each notebook runs once.
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest

from grading import harness
from grading import notebook as nbu
from grading.course import Course, make_course


@dataclass
class GradedCourse:
    course: Course
    plans: dict[str, dict[str, harness.Submission]]  # assignment -> student -> submission


@pytest.fixture(scope="session")
def graded_course(tmp_path_factory) -> GradedCourse:
    root = tmp_path_factory.mktemp("course") / "course"
    course = make_course(root, nbu.assignment_ids())
    course.generate()
    plans = {}
    for a in course.assignments:
        plans[a] = {}
        for sub in harness.plan(a, course.correct_code(a)):
            if sub.replacements is None:
                course.submit(sub.student, a, nbu.read(course.release_notebook(a)))
            else:
                course.submit_filled(sub.student, a, sub.replacements)
            plans[a][sub.student] = sub
    for a in course.assignments:
        course.autograde(a)
    return GradedCourse(course, plans)
