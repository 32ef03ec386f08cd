"""The round-trip plan: which submissions prove that grading separates right from wrong.

For every assignment with a mutant registry:

- ``solution``         the instructor's code in the student version   -> full marks
- ``blank``            the student version as released                 -> zero, all cells run
- ``wrong-<function>`` one graded function replaced by its first mutant -> exactly its points lost
- ``mutants-<k>``      the k-th mutant of every function at once        -> every mutated exercise 0
- ``alternatives-<k>`` the k-th correct alternative of every function  -> full marks

Batching mutants is sound because each hidden test isolates the helpers it depends on; the
``wrong-*`` submissions prove that isolation end to end under real ``nbgrader autograde``.

Real autograde runs only as many batches as it takes to prove the wiring
(``MUTANT_BATCHES`` and ``ALTERNATIVE_BATCHES``; ``CNN_COURSE_ALL_BATCHES=1`` runs them all):
every variant is also run through its exercise's hidden and public checks directly, in
``tests/test_<week>_grading.py``, and each alone under real autograde by the heavy check
(``tests/test_mutants_heavy.py``, ``python3 course.py test --heavy``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from grading.mutation import registry


@dataclass(frozen=True)
class Submission:
    student: str
    replacements: dict | None         # {function: code}; None means the blank student version
    expect_full: dict                 # {function: True if that exercise must get full marks}
    variants: dict = field(default_factory=dict)  # {function: variant id}, for messages


MUTANT_BATCHES = 1
ALTERNATIVE_BATCHES = 1
ALL_BATCHES_ENV = "CNN_COURSE_ALL_BATCHES"


def plan(assignment: str, correct: dict[str, str], all_batches: bool | None = None) -> list[Submission]:
    """Submissions for ``assignment`` given the instructor's code ``{function: code}``.

    ``all_batches`` (default: ``$CNN_COURSE_ALL_BATCHES``) keeps every mutant and alternative batch
    instead of the first ``MUTANT_BATCHES`` / ``ALTERNATIVE_BATCHES``.
    """
    if all_batches is None:
        all_batches = os.environ.get(ALL_BATCHES_ENV, "").strip() not in ("", "0")
    reg = registry(assignment)
    functions = list(correct)
    missing = set(functions) ^ set(reg.targets())
    if missing:
        raise ValueError(f"{assignment}: registry and notebook disagree on graded functions {missing}")

    def sub(student, chosen, wrong):
        code = {**correct, **{fn: v.cell_source() for fn, v in chosen.items()}}
        return Submission(student, code, {f: f not in wrong for f in functions},
                          {fn: v.id for fn, v in chosen.items()})

    subs = [Submission("solution", dict(correct), {f: True for f in functions}),
            Submission("blank", None, {f: False for f in functions})]
    for fn in functions:
        subs.append(sub(f"wrong-{fn}", {fn: reg.mutants(fn)[0]}, {fn}))
    # the first mutant of every function is already a ``wrong-*`` submission: capped mutant batches start at 1
    for kind, pick, first, cap in (("mutants", reg.mutants, 1, MUTANT_BATCHES),
                                   ("alternatives", reg.alternatives, 0, ALTERNATIVE_BATCHES)):
        batches = max(len(pick(fn)) for fn in functions)
        for k in (range(batches) if all_batches else range(first, min(first + cap, batches))):
            chosen = {fn: pick(fn)[k] for fn in functions if len(pick(fn)) > k}
            subs.append(sub(f"{kind}-{k}", chosen, set() if kind == "alternatives" else set(chosen)))
    return subs


def student_names(assignment: str) -> list[str]:
    """The students ``plan`` creates, computable without reading the notebook."""
    reg = registry(assignment)
    fake = {fn: "" for fn in reg.targets()}
    return [s.student for s in plan(assignment, fake)]
