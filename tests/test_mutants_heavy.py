"""Rare heavy check: every mutant alone, each in its own submission, under real autograde.

The default suite batches mutants (tests/test_roundtrip.py); this proves, one submission
per mutant, that each loses exactly its own exercise's points and nothing else.
Run with ``python3 course.py test --heavy`` (or ``pytest -m heavy``).
"""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from helpers import selected_assignments

from grading import notebook as nbu
from grading.course import make_course
from grading.mutation import registry

pytestmark = pytest.mark.heavy
ASSIGNMENTS = selected_assignments()


@pytest.fixture(scope="module")
def single_mutant_course(tmp_path_factory):
    shards = [make_course(tmp_path_factory.mktemp("heavy") / f"s{k}", ASSIGNMENTS) for k in range(2)]
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda c: c.generate(), shards))
    home = {}
    for a in ASSIGNMENTS:
        correct = shards[0].correct_code(a)
        for k, v in enumerate(registry(a).variants):
            student = f"{'alt' if v.correct else 'mut'}-{v.target}-{v.name}".replace("_", "-")
            shards[k % 2].submit_filled(student, a, {**correct, v.target: v.cell_source()})
            home[(a, v.id)] = (shards[k % 2], student, v)
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda c: [c.autograde(a, quick=True) for a in ASSIGNMENTS], shards))
    return home


@pytest.mark.parametrize("assignment,variant", [(a, v.id) for a in ASSIGNMENTS for v in registry(a).variants])
def test_each_variant_alone_scores_as_expected(single_mutant_course, assignment, variant):
    course, student, v = single_mutant_course[(assignment, variant)]
    scores = course.scores(assignment, student)
    cells = nbu.grade_cells(nbu.read(course.source_notebook(assignment)))
    for cell in cells:
        score, maximum = scores[cell.grade_id]
        if cell.function == v.target and not v.correct:
            assert score == 0, f"{v.id} ({v.description}) kept {score:g}/{maximum:g}"
        else:
            assert score == maximum, f"{v.id}: {cell.function} got {score:g}/{maximum:g}, expected full marks"
