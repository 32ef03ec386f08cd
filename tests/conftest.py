"""Shared fixtures: one graded scratch course per test session, reused by every test.

Every submission of ``grading.harness.plan`` is autograded once by real ``nbgrader
autograde``.  The submissions are dealt round-robin over a few identical scratch courses
(shards) that are autograded concurrently — each shard has its own gradebook, so there is
no database contention — which roughly halves the wall time on two cores.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest

from grading import harness
from grading import notebook as nbu
from grading.course import Course, make_course

SHARDS = int(os.environ.get("CNN_COURSE_TEST_SHARDS", str(min(2, os.cpu_count() or 1))))


@dataclass
class GradedCourse:
    shards: list[Course]
    home: dict[tuple[str, str], Course]                  # (assignment, student) -> its shard
    plans: dict[str, dict[str, harness.Submission]]      # assignment -> student -> submission

    def course(self, assignment: str, student: str) -> Course:
        return self.home[(assignment, student)]

    def scores(self, assignment: str, student: str):
        return self.course(assignment, student).scores(assignment, student)

    def autograded(self, assignment: str, student: str):
        return self.course(assignment, student).autograded(student, assignment)


@pytest.fixture(scope="session")
def graded_course(tmp_path_factory) -> GradedCourse:
    base = tmp_path_factory.mktemp("course")
    assignments = nbu.assignment_ids()
    shards = [make_course(base / f"shard{k}", assignments) for k in range(SHARDS)]
    with ThreadPoolExecutor(len(shards)) as pool:
        list(pool.map(Course.generate, shards))
    plans, home = {}, {}
    for a in assignments:
        plans[a] = {}
        correct = shards[0].correct_code(a)
        for k, sub in enumerate(harness.plan(a, correct)):
            shard = shards[k % len(shards)]
            if sub.replacements is None:
                shard.submit(sub.student, a, nbu.read(shard.release_notebook(a)))
            else:
                shard.submit_filled(sub.student, a, sub.replacements)
            plans[a][sub.student] = sub
            home[(a, sub.student)] = shard

    def grade(shard: Course) -> None:
        for a in assignments:
            shard.autograde(a)

    with ThreadPoolExecutor(len(shards)) as pool:
        list(pool.map(grade, shards))
    return GradedCourse(shards, home, plans)
