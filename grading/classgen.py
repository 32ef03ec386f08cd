"""Generated classes for testing and benchmarking class-wide grading (``grading.scale``).

- ``mini_assignment``: a small real assignment cut from a course notebook (its setup cell and a
  few exercises with their grade cells; the hidden checks still run through ``grading.<week>``),
  so that a class of dozens of submissions grades in minutes on two cores;
- ``submit_class``: ``n`` students' submissions of mixed quality: correct, correct alternatives,
  blank, one function wrong (each mutant of ``grading.<week>.mutants`` in turn), everything
  wrong, crashing (the kernel exits; infinite recursion; a syntax error), mangled files (a
  renamed notebook, a file that is not a notebook) and late submissions.
"""
from __future__ import annotations

import datetime as _dt
import itertools
from pathlib import Path

from grading import notebook as nbu

DUE = _dt.datetime(2026, 3, 2, 12, 0, 0)
"""The due date ``set_due_date`` gives a generated class's assignment (UTC)."""


def mini_assignment(root: Path, source: str, exercises: list[str], name: str) -> Path:
    """Write ``<root>/solutions/<name>/<name>.ipynb``: ``source``'s notebook (in ``<root>/solutions``)
    cut to its cells up to the setup cell and, for each exercise in ``exercises``, the cells after
    the previous exercise's grade cell up to and including its own grade cell."""
    nb = nbu.read(nbu.notebook_path(source, "solutions", root=Path(root)))
    cells = nb.cells
    setup = next(k for k, c in enumerate(cells) if nbu.meta(c).get("grade_id") == "setup")
    by_id = {g.grade_id: g.function for g in nbu.grade_cells(nb)}
    grade_at = {by_id[nbu.meta(c)["grade_id"]]: k for k, c in enumerate(cells) if nbu.is_grade(c)}
    missing = set(exercises) - set(grade_at)
    if missing:
        raise ValueError(f"{source} has no exercises {sorted(missing)} (it has {sorted(grade_at)})")
    bounds = sorted(grade_at.values())
    keep = list(range(setup + 1))
    for ex in exercises:
        end = grade_at[ex]
        start = max([b for b in bounds if b < end] + [setup]) + 1
        keep += range(start, end + 1)
    nb.cells = [cells[k] for k in sorted(set(keep))]
    return nbu.write(nb, Path(root) / "solutions" / name / f"{name}.ipynb")


def class_plan(assignment: str, correct: dict[str, str], n: int) -> list[tuple[str, str, object]]:
    """``[(student, description, submission)]`` for ``n`` students.  ``submission`` is a dict of
    ``{function: code}`` to fill into the release, ``None`` for the blank release, or a
    ``(file name, bytes)`` pair for a mangled file."""
    from grading.mutation import registry

    reg = registry(assignment)
    fns = list(correct)
    mutants = {f: reg.mutants(f) for f in fns}
    alts = {f: reg.alternatives(f) for f in fns}
    first = fns[0]
    crash = {first: f"def {first}(*args, **kwargs):\n    import os\n    os._exit(1)\n"}
    recursion = {first: f"def {first}(*args, **kwargs):\n    return {first}(*args, **kwargs)\n"}
    syntax = {first: f"def {first}(*args, **kwargs)\n    return None\n"}
    special = [
        ("correct", dict(correct)),
        ("blank", None),
        *[(f"wrong {f}: {mutants[f][0].description}", {**correct, f: mutants[f][0].cell_source()}) for f in fns],
        ("alternative 0", {**correct, **{f: alts[f][0].cell_source() for f in fns if alts[f]}}),
        ("crash: the kernel exits", {**correct, **crash}),
        ("everything wrong", {**correct, **{f: mutants[f][-1].cell_source() for f in fns}}),
        ("syntax error", {**correct, **syntax}),
        ("renamed notebook", "rename"),
        ("late, correct", "late"),
        ("not a notebook", ("homework.ipynb", b"{this is not a notebook")),
        ("infinite recursion", {**correct, **recursion}),
    ]
    rest = [(f"wrong {f}: {m.description}", {**correct, f: m.cell_source()})
            for f in fns for m in mutants[f][1:]]
    rest += [(f"alternative {k}", {**correct, **{f: alts[f][k].cell_source() for f in fns if len(alts[f]) > k}})
             for k in range(1, max(len(a) for a in alts.values()))]
    rest += [(f"everything wrong {k}", {**correct, **{f: mutants[f][k].cell_source() for f in fns
                                                       if len(mutants[f]) > k}}) for k in range(2)]
    filler = itertools.cycle([("correct", dict(correct)), ("blank", None), ("late, correct", "late")])
    chosen = (special + rest)[:n]
    while len(chosen) < n:
        chosen.append(next(filler))
    return [(f"s{k:03d}", what, sub) for k, (what, sub) in enumerate(chosen)]


def submit_class(course, assignment: str, n: int) -> dict[str, str]:
    """Submit ``n`` students to ``course`` (a ``grading.course.Course`` whose release of ``assignment``
    exists); every submission gets a ``timestamp.txt``, late ones after ``DUE``.  Returns
    ``{student: description}``."""
    release = nbu.read(course.release_notebook(assignment))
    correct = course.correct_code(assignment)
    described = {}
    for k, (student, what, sub) in enumerate(class_plan(assignment, correct, n)):
        late = sub == "late"
        if sub in ("late", "rename"):
            path = course.submit_filled(student, assignment, correct)
            if sub == "rename":
                path.rename(path.with_name("my_work.ipynb"))
        elif isinstance(sub, tuple):
            folder = course.submitted(student, assignment).parent
            folder.mkdir(parents=True, exist_ok=True)
            (folder / sub[0]).write_bytes(sub[1])
        elif sub is None:
            course.submit(student, assignment, release)
        else:
            course.submit_filled(student, assignment, sub)
        when = DUE + (_dt.timedelta(hours=5 + k) if late else -_dt.timedelta(hours=1 + k))
        (course.submitted(student, assignment).parent / "timestamp.txt").write_text(
            when.strftime("%Y-%m-%d %H:%M:%S.%f UTC"))
        described[student] = what
    return described


def set_due_date(course, assignment: str, due: _dt.datetime = DUE, db_url: str | None = None) -> None:
    """Give ``assignment`` a due date in the course's gradebook (as ``nbgrader db assignment add
    --duedate`` does)."""
    from nbgrader.api import Gradebook

    from grading.course import COURSE_ID

    with Gradebook(db_url or f"sqlite:///{course.root / 'gradebook.db'}", course_id=COURSE_ID) as gb:
        gb.update_or_create_assignment(assignment, duedate=due)
