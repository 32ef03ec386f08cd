"""Submission intake: make every submitted notebook gradable, or say exactly why it is not.

Stock nbgrader stops on a submission it cannot read (invalid JSON, a notebook that fails
validation), grades a renamed notebook as an unknown notebook, and gives no points for an
exercise whose cells a student deleted, reordered or retyped.  ``normalize_submission`` runs
as nbgrader's own ``pre_convert_hook`` of ``autograde`` (set in ``nbgrader_config.py``, so the
instructor's ``nbgrader autograde`` and the course's jobs take the same path) and repairs what
can be repaired without trusting the submission:

- a notebook under another file name (the only ``.ipynb`` in the folder, else the newest) is
  renamed to the assignment's notebook name;
- an older nbformat is converted to 4.5; huge outputs are dropped (grading clears outputs anyway);
- a file that cannot be read as a notebook at all is replaced by the blank student version, so
  the student still gets a grade record (zero) with the reason;
- graded and read-only cells are matched to the instructor's release by ``grade_id``, or by the
  cell's own id when its ``grade_id`` was edited; a cell whose type was changed gets its type
  back; a duplicated cell keeps its last copy (as nbgrader's ``DeduplicateIds`` does); a deleted
  read-only, test or solution cell is put back from the release (a deleted solution comes back as
  the blank stub); cells moved out of order are put back in the release's order, each student
  cell travelling with the graded cell it followed.

Points, tests and read-only cells always come from the instructor's source (nbgrader's
``OverwriteCells``), never from the submission.  Each repair is written into a markdown cell at
the top of the notebook ("Note from the grader"), which the instructor sees in formgrader and
the student in the feedback, and is logged; the file as handed in is kept in
``.intake/original/`` beside it.  A submission that needs no repair is not touched.
"""
from __future__ import annotations

import copy
import json
import logging
from pathlib import Path

import nbformat
from nbformat.v4 import new_markdown_cell

from grading import notebook as nbu

HUGE_BYTES = 20 << 20
NOTE_ID = "grader-note"
log = logging.getLogger("cnn_course.intake")


def _note(reasons: list[str]):
    text = "**Note from the grader.** Your submission was changed before grading:\n\n" + "\n".join(
        f"- {r}" for r in reasons)
    cell = new_markdown_cell(text, id=NOTE_ID)
    cell.metadata["cnn_course"] = {"grader_note": True}
    return cell


def _graded(cell) -> bool:
    m = nbu.meta(cell)
    return bool(m.get("grade_id")) and bool(m.get("solution") or m.get("grade") or m.get("locked"))


def normalize_submission(folder: Path, assignment: str, release: Path) -> list[str]:
    """Fix the submitted notebook in ``folder`` in place; return what was done (empty: nothing)."""
    folder = Path(folder)
    expected = folder / f"{assignment}.ipynb"
    reasons: list[str] = []
    if not expected.exists():
        others = sorted(p for p in folder.glob("*.ipynb") if not p.name.startswith("."))
        if len(others) == 1:
            others[0].rename(expected)
            reasons.append(f"the notebook was named `{others[0].name}`; it was graded as `{expected.name}`")
        elif others:
            pick = max(others, key=lambda p: p.stat().st_mtime)
            pick.rename(expected)
            reasons.append(f"the folder held {len(others)} notebooks ({', '.join(p.name for p in others)}); the "
                           f"newest, `{pick.name}`, was graded")
        else:
            return []   # nothing submitted: nbgrader records the missing submission itself
    raw = expected.read_bytes()
    try:
        data = json.loads(raw)
        old = int(data.get("nbformat", 4)) if isinstance(data, dict) else 4
        nb = nbformat.reads(json.dumps(data), as_version=4)
        if old < 4:
            reasons.append(f"the notebook was in the old format nbformat {old}; it was converted to nbformat 4")
        nb.nbformat_minor = max(nb.get("nbformat_minor", 0), 5)
        for k, cell in enumerate(nb.cells):   # nbformat 4.5 wants cell ids
            cell.setdefault("id", f"cell-{k}")
        nbformat.validate(nb)
    except Exception as err:  # noqa: BLE001 - any unreadable file gets the same treatment
        nb = nbu.read(release)
        reasons.append(f"the file `{expected.name}` could not be read as a notebook ({type(err).__name__}: "
                       f"{str(err).splitlines()[0][:200] if str(err) else 'unreadable'}); the blank notebook was "
                       "graded in its place, so every exercise scores 0. Submit the notebook file itself, saved by "
                       "Jupyter.")
    if len(raw) > HUGE_BYTES:
        nb = nbu.strip_outputs(nb)
        reasons.append(f"the notebook was {len(raw) / 1e6:.0f} MB, mostly outputs; the outputs were dropped "
                       "(grading runs every cell again anyway)")
    earlier = [c for c in nb.cells if c.get("id") == NOTE_ID]
    nb.cells = [c for c in nb.cells if c.get("id") != NOTE_ID]
    reasons += _repair_cells(nb, nbu.read(release))
    if not reasons:
        if earlier:   # graded again: the repairs of the first intake stand, and so does their note
            nb.cells.insert(0, earlier[0])
        return []
    original = folder / ".intake" / "original"
    if not original.exists():   # what the student handed in, kept for the instructor
        original.mkdir(parents=True)
        (original / expected.name).write_bytes(raw)
    nb.cells.insert(0, _note(reasons))
    for r in reasons:
        log.warning("%s: %s", folder, r)
    nbformat.validate(nb)
    nbu.write(nb, expected)
    return reasons


def _repair_cells(nb, release) -> list[str]:
    """Match the submission's graded cells to the release's; repair ids, types, copies, gaps and order."""
    reasons: list[str] = []
    ref = [c for c in release.cells if _graded(c)]
    order = {nbu.meta(c)["grade_id"]: k for k, c in enumerate(ref)}
    by_cell_id = {c.get("id"): nbu.meta(c)["grade_id"] for c in ref if c.get("id")}
    by_gid = {nbu.meta(c)["grade_id"]: c for c in ref}

    # 1. a graded cell whose grade_id was edited is known again by its cell id
    for cell in nb.cells:
        m = nbu.meta(cell)
        gid = m.get("grade_id")
        if gid and gid not in order and cell.get("id") in by_cell_id:
            real = by_cell_id[cell["id"]]
            cell.metadata["nbgrader"] = copy.deepcopy(nbu.meta(by_gid[real]))
            reasons.append(f"the cell `{real}` had its grade id changed to `{gid}`; it was changed back")

    # 2. retyped cells get their type back
    for k, cell in enumerate(nb.cells):
        gid = nbu.meta(cell).get("grade_id")
        if gid in by_gid and _graded(cell) and cell.cell_type != by_gid[gid].cell_type:
            want = by_gid[gid].cell_type
            reasons.append(f"the graded cell `{gid}` had been turned into a {cell.cell_type} cell; it was turned "
                           f"back into a {want} cell")
            make = nbformat.v4.new_code_cell if want == "code" else nbformat.v4.new_markdown_cell
            nb.cells[k] = make(cell.source, metadata={"nbgrader": nbu.meta(cell)}, id=cell.get("id"))

    # 3. duplicates: the last copy counts (nbgrader's DeduplicateIds keeps the last one too)
    seen: set = set()
    for cell in reversed(nb.cells):
        gid = nbu.meta(cell).get("grade_id")
        if gid in order and _graded(cell):
            if gid in seen:
                cell.metadata.pop("nbgrader", None)
                reasons.append(f"the graded cell `{gid}` appeared more than once; the last copy was graded")
            seen.add(gid)

    # 4. grading settings come from the release: edited points, flags or schema versions are put back,
    #    and grading metadata on a cell the release does not grade is removed (nbgrader would stop on it)
    for cell in nb.cells:
        m = nbu.meta(cell)
        if not m:
            continue
        gid = m.get("grade_id")
        if gid in by_gid and _graded(cell):
            want = copy.deepcopy(nbu.meta(by_gid[gid]))
            changed = sorted(k for k in set(m) | set(want) if k != "checksum" and m.get(k) != want.get(k))
            if changed:
                reasons.append(f"the grading settings of `{gid}` had been edited ({', '.join(changed)}); "
                               "the assignment's were put back")
            cell.metadata["nbgrader"] = want
        else:
            cell.metadata.pop("nbgrader", None)
            reasons.append(f"a cell of your own carried grading settings (`{gid or 'no id'}`); they were removed")

    # 5. segments: a graded cell with the student's own cells that follow it
    head: list = []
    segments: list[tuple[str, list]] = []
    for cell in nb.cells:
        gid = nbu.meta(cell).get("grade_id")
        if gid in order and _graded(cell):
            segments.append((gid, [cell]))
        elif segments:
            segments[-1][1].append(cell)
        else:
            head.append(cell)
    present = {gid for gid, _ in segments}
    missing = [gid for gid in order if gid not in present]
    for gid in missing:
        segments.append((gid, [copy.deepcopy(by_gid[gid])]))
        kind = ("solution" if nbu.meta(by_gid[gid]).get("solution") else
                "test" if nbu.meta(by_gid[gid]).get("grade") else "read-only")
        reasons.append(f"the {kind} cell `{gid}` had been deleted; it was put back from the assignment"
                       + (" (as the blank stub, so that exercise scores 0)" if kind == "solution" else ""))
    ranked = sorted(segments, key=lambda s: order[s[0]])
    submitted_order = [g for g, _ in segments if g not in missing]
    if submitted_order != sorted(submitted_order, key=order.get):
        reasons.append("graded cells had been moved out of order; they were put back in the assignment's order, "
                       "each with the cells you added after it")
    nb.cells = head + [c for _, cells in ranked for c in cells]
    return reasons


def release_notebook(course_root: Path, assignment: str) -> Path:
    """The student version of ``assignment`` in a course folder (nbgrader's release directory, as the
    running nbgrader application is configured; ``notebooks/`` in this course)."""
    names = []
    try:
        from traitlets.config import Application

        if Application.initialized():
            names.append(Application.instance().coursedir.release_directory)
    except Exception:  # noqa: BLE001 - not inside an nbgrader application
        pass
    names += ["notebooks", "release"]
    for name in dict.fromkeys(names):
        found = sorted((Path(course_root) / name / assignment).glob("*.ipynb"))
        if found:
            return found[0]
    raise FileNotFoundError(f"no released notebook for {assignment} in {course_root}/{names[0]}: run "
                            "`nbgrader generate_assignment` first")


def pre_convert_hook(assignment=None, student=None, notebooks=None, **_):
    """nbgrader ``Autograde.pre_convert_hook``: normalise each submission folder before grading.

    ``notebooks`` is nbgrader's own list of the files it is about to grade; it is updated in place
    when a notebook had to be renamed.
    """
    if not notebooks:
        return
    folders = sorted({Path(p).parent for p in notebooks})
    fixed = []
    for folder in folders:
        a = folder.name
        if not str(folder.parent.parent.name).startswith("submitted"):
            continue   # only submissions (autograde's sanitising pass), never autograded copies
        course_root = folder.parent.parent.parent
        try:
            normalize_submission(folder, a, release_notebook(course_root, a))
        except Exception:  # noqa: BLE001 - nbgrader grades the file as it is, and says what it finds
            log.exception("intake could not prepare %s; it is graded as submitted", folder)
        fixed += sorted(str(p) for p in folder.glob("*.ipynb") if not p.name.startswith("."))
    notebooks[:] = fixed or notebooks
