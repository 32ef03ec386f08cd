"""Reading and editing nbgrader notebooks: find graded cells, fill or replace solutions.

Conventions the course's source notebooks follow (written by ``grading.authoring``, checked
by tests/test_notebooks.py):

- every exercise has a *key*: the graded function's name, or a name of its own for an
  exercise graded through the state its cell leaves (w2a2's fine-tuning settings);
- one solution cell per exercise, ``grade_id = <key>_solution``, holding the answer between
  ``### BEGIN SOLUTION`` / ``### END SOLUTION`` lines (for a function: defining ``def <key>(``);
- one grade cell per exercise, whose hidden region calls ``check_<key>(...)`` from
  ``grading.<week>``: that is how a grade cell is tied to the exercise it grades;
- a setup cell with ``grade_id == "setup"`` (and optionally read-only ``given_*`` cells).
"""
from __future__ import annotations

import copy
import os
import re
from dataclasses import dataclass
from pathlib import Path

import nbformat

BEGIN_SOLUTION = "### BEGIN SOLUTION"
END_SOLUTION = "### END SOLUTION"
BEGIN_HIDDEN = "### BEGIN HIDDEN TESTS"
END_HIDDEN = "### END HIDDEN TESTS"
_CHECK_CALL = re.compile(r"\bcheck_(\w+)\(")
_DEF = re.compile(r"^def\s+(\w+)\s*\(", re.MULTILINE)


def repo_root() -> Path:
    """The course repository (``CNN_COURSE_ROOT`` overrides the package location)."""
    env = os.environ.get("CNN_COURSE_ROOT")
    root = Path(env) if env else Path(__file__).resolve().parents[1]
    if not (root / "solutions").is_dir():
        raise FileNotFoundError(
            f"{root} has no solutions/ folder; set CNN_COURSE_ROOT to the course repository"
        )
    return root


def assignment_ids(root: Path | None = None) -> list[str]:
    """Assignment ids: the folders of ``solutions/`` that hold a notebook."""
    root = root or repo_root()
    return sorted(p.name for p in (root / "solutions").iterdir()
                  if p.is_dir() and any(p.glob("*.ipynb")))


def notebook_path(assignment: str, folder: str = "solutions", root: Path | None = None) -> Path:
    """The single notebook of an assignment in ``solutions/`` or ``notebooks/``."""
    root = root or repo_root()
    found = sorted((root / folder / assignment).glob("*.ipynb"))
    if len(found) != 1:
        raise FileNotFoundError(f"expected one notebook in {root / folder / assignment}, found {found}")
    return found[0]


def read(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(str(path), as_version=4)


def write(nb: nbformat.NotebookNode, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, str(path))
    return path


def meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def is_solution(cell) -> bool:
    return cell.cell_type == "code" and bool(meta(cell).get("solution"))


def is_grade(cell) -> bool:
    return cell.cell_type == "code" and bool(meta(cell).get("grade"))


def defined_function(cell) -> str | None:
    """Name of the first top-level function a code cell defines, if any."""
    match = _DEF.search(cell.source)
    return match.group(1) if match else None


SOLUTION_SUFFIX = "_solution"


def exercise_key(cell) -> str | None:
    """The exercise a solution cell answers (its grade_id without ``_solution``), if any."""
    gid = str(meta(cell).get("grade_id", ""))
    return gid[: -len(SOLUTION_SUFFIX)] if is_solution(cell) and gid.endswith(SOLUTION_SUFFIX) else None


@dataclass(frozen=True)
class GradeCell:
    grade_id: str
    function: str  # the exercise key: the graded function (or state) the hidden check receives
    points: float


def grade_cells(nb) -> list[GradeCell]:
    """Grade cells of a *source* notebook, each tied to the function its hidden test checks."""
    cells = []
    for cell in nb.cells:
        if is_grade(cell):
            hidden = cell.source.partition(BEGIN_HIDDEN)[2].partition(END_HIDDEN)[0]
            match = _CHECK_CALL.search(hidden)
            if not match:
                raise ValueError(f"grade cell {meta(cell).get('grade_id')} calls no check_<name>(...)")
            cells.append(GradeCell(meta(cell)["grade_id"], match.group(1), float(meta(cell)["points"])))
    return cells


def solution_code(cell) -> str:
    """A solution cell's source with the BEGIN/END SOLUTION marker lines removed."""
    lines = [ln for ln in cell.source.splitlines()
             if ln.strip() not in (BEGIN_SOLUTION, END_SOLUTION)]
    return "\n".join(lines)


def solution_region_lines(nb) -> list[str]:
    """Every line between BEGIN/END SOLUTION markers in a source notebook (stripped)."""
    lines, inside = [], False
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for ln in cell.source.splitlines():
            if ln.strip() == BEGIN_SOLUTION:
                inside = True
            elif ln.strip() == END_SOLUTION:
                inside = False
            elif inside:
                lines.append(ln.strip())
    return lines


def solutions(nb) -> dict[str, str]:
    """``{exercise key: full solution code}`` for every solution cell of a source notebook."""
    return {exercise_key(cell): solution_code(cell) for cell in nb.cells if exercise_key(cell)}


def fill(release_nb, replacements: dict[str, str]):
    """Copy of a student notebook with the solution cells of the named exercises replaced.

    A solution cell in the student version holds the signature, docstring and a stub; it
    is matched by its exercise key.  Raises ``KeyError`` for a key with no cell.
    """
    nb = copy.deepcopy(release_nb)
    todo = dict(replacements)
    for cell in nb.cells:
        key = exercise_key(cell)
        if key in todo:
            cell.source = todo.pop(key)
    if todo:
        raise KeyError(f"no solution cell answers {sorted(todo)}")
    return nb


def strip_hidden_tests(source: str) -> str:
    """Remove hidden-test regions (markers included) from a cell's source."""
    return re.sub(rf"[ \t]*{re.escape(BEGIN_HIDDEN)}.*?{re.escape(END_HIDDEN)}[ \t]*\n?", "",
                  source, flags=re.DOTALL)


def strip_outputs(nb):
    """Copy of ``nb`` without outputs and execution counts."""
    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    return nb


def solution_namespace(assignment: str, root: Path | None = None) -> dict:
    """Execute the setup cell and every solution cell of a source notebook; return its globals.

    Gives the instructor's correct functions as a notebook would define them, for fast
    tests that do not need a kernel.  IPython magics (``%matplotlib``) are skipped.
    """
    nb = read(notebook_path(assignment, root=root))
    ns: dict = {"__name__": f"solution_{assignment}"}
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        gid = str(meta(cell).get("grade_id", ""))
        if gid == "setup" or gid.startswith("given_") or is_solution(cell):
            code = "\n".join(ln for ln in cell.source.splitlines() if not ln.lstrip().startswith(("%", "!")))
            exec(compile(code, f"<{assignment}:{gid}>", "exec"), ns)
    return ns
