"""Shared fixtures: one graded scratch course per test session, reused by every test.

Every submission of ``grading.harness.plan`` is autograded once by real ``nbgrader
autograde``, in identical scratch courses (shards) that are autograded concurrently, each
with its own gradebook (no database contention):

- shard 0 holds the ``solution`` submission alone and runs it exactly as students would,
  training cells included: this is the one full execution of every solution notebook;
- the other shards hold every other submission and run in quick mode
  (``CNN_COURSE_QUICK_TRAIN=1``: one training epoch), which grading does not depend on.
"""
from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from helpers import demo_assignments, selected_assignments

from grading import harness
from grading import notebook as nbu
from grading.course import Course, make_course

QUICK_SHARDS = int(os.environ.get("CNN_COURSE_TEST_SHARDS", "2"))


@dataclass
class GradedCourse:
    shards: list[Course]
    home: dict[tuple[str, str], Course]                  # (assignment, student) -> its shard
    plans: dict[str, dict[str, harness.Submission]]      # assignment -> student -> submission
    _feedback_made: set = field(default_factory=set)     # (shard root, assignment) with feedback generated

    @property
    def root(self) -> Path:
        """The folder that holds every shard."""
        return self.shards[0].root.parent

    def course(self, assignment: str, student: str) -> Course:
        return self.home[(assignment, student)]

    def scores(self, assignment: str, student: str):
        return self.course(assignment, student).scores(assignment, student)

    def autograded(self, assignment: str, student: str):
        return self.course(assignment, student).autograded(student, assignment)

    def feedback(self, assignment: str, student: str) -> Path:
        """The feedback HTML of one graded submission; ``nbgrader generate_feedback`` runs once per
        shard and assignment (it writes every student's of that shard)."""
        course = self.course(assignment, student)
        if (course.root, assignment) not in self._feedback_made:
            course.generate_feedback(assignment)
            self._feedback_made.add((course.root, assignment))
        return course.feedback(student, assignment)


@pytest.fixture(scope="session")
def graded_course(tmp_path_factory) -> GradedCourse:
    base = tmp_path_factory.mktemp("course")
    assignments = selected_assignments()
    shards = [make_course(base / f"shard{k}", assignments) for k in range(1 + QUICK_SHARDS)]
    with ThreadPoolExecutor(len(shards)) as pool:
        list(pool.map(Course.generate, shards))
    plans, home = {}, {}
    for a in assignments:
        plans[a] = {}
        correct = shards[0].correct_code(a)
        for k, sub in enumerate(harness.plan(a, correct)):
            shard = shards[0] if sub.student == "solution" else shards[1 + k % QUICK_SHARDS]
            if sub.replacements is None:
                shard.submit(sub.student, a, nbu.read(shard.release_notebook(a)))
            else:
                shard.submit_filled(sub.student, a, sub.replacements)
            plans[a][sub.student] = sub
            home[(a, sub.student)] = shard

    def grade(shard: Course) -> None:
        for a in assignments:
            shard.autograde(a, quick=shard is not shards[0])

    with ThreadPoolExecutor(min(len(shards), os.cpu_count() or 1)) as pool:
        list(pool.map(grade, shards))
    return GradedCourse(shards, home, plans)


@pytest.fixture(scope="session")
def demo_course(tmp_path_factory) -> Course:
    """The README's demo class (ada correct, ben blank, cy partly wrong) on ``demo_assignments()``,
    graded once per session through ``grading.course.run_demo``: tests/test_demo.py checks its scores,
    tests/test_browser.py shows it to an instructor in formgrader."""
    from grading.course import run_demo

    return run_demo(tmp_path_factory.mktemp("demo") / "course", demo_assignments(), log=lambda *_: None)


@pytest.fixture(scope="session")
def tf():
    """TensorFlow, imported quietly (as every notebook's setup cell does)."""
    from cnnkit.setup import quiet_tensorflow

    return quiet_tensorflow()
