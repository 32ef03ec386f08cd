"""The round-trip plan: which submissions prove that grading separates right from wrong.

For every assignment with a mutant registry:

- ``solution``         the instructor's code in the student version   -> full marks
- ``blank``            the student version as released                 -> zero, all cells run
- ``wrong-<function>`` one graded function replaced by its first mutant -> exactly its points lost
- ``mutants-<k>``      the k-th mutant of every function at once        -> every mutated exercise 0
- ``alternatives-<k>`` the k-th correct alternative of every function  -> full marks

Batching mutants is sound because each hidden test isolates the helpers it depends on; the
``wrong-*`` submissions prove that isolation end to end under real ``nbgrader autograde``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from grading.mutation import registry


@dataclass(frozen=True)
class Submission:
    student: str
    replacements: dict | None         # {function: code}; None means the blank student version
    expect_full: dict                 # {function: True if that exercise must get full marks}
    variants: dict = field(default_factory=dict)  # {function: variant id}, for messages


def plan(assignment: str, correct: dict[str, str]) -> list[Submission]:
    """Submissions for ``assignment`` given the instructor's code ``{function: code}``."""
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
    for kind, pick in (("mutants", reg.mutants), ("alternatives", reg.alternatives)):
        for k in range(max(len(pick(fn)) for fn in functions)):
            chosen = {fn: pick(fn)[k] for fn in functions if len(pick(fn)) > k}
            subs.append(sub(f"{kind}-{k}", chosen, set() if kind == "alternatives" else set(chosen)))
    return subs


def student_names(assignment: str) -> list[str]:
    """The students ``plan`` creates, computable without reading the notebook."""
    reg = registry(assignment)
    fake = {fn: "" for fn in reg.targets()}
    return [s.student for s in plan(assignment, fake)]
