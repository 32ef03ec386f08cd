"""The student bundle: what students receive, and nothing that gives answers away.

Contents: ``notebooks/`` (student versions), the helper package ``cnnkit/``, the public
tests ``public_tests/``, ``datasets/``, ``images/``, a student README, a ``pyproject.toml``
that installs only ``cnnkit`` and ``public_tests``, and an ``nbgrader_config.py`` that gives
Validate the course's per-cell time limit.  Left out: the
solutions, the instructor package ``grading`` (hidden tests, references, mutants), tests
and CI.
"""
from __future__ import annotations

import tomllib
import zipfile
from pathlib import Path

from grading import notebook as nbu

INCLUDED_DIRS = ("notebooks", "cnnkit", "public_tests", "datasets", "images")
_SKIP_PARTS = {"__pycache__", ".ipynb_checkpoints"}

STUDENT_README = """\
# CNN course: student bundle

Install once (Python >= 3.11), from this folder:

    python3 -m venv .venv && .venv/bin/pip install -e .

Then open the notebooks:

    .venv/bin/jupyter lab notebooks/

Each notebook starts with one setup cell; run it first.  After each exercise, run the test
cell below it: the public checks say what is probably wrong.  More checks (hidden tests)
run when your instructor grades the notebook.  Before you submit, use JupyterLab's
*Validate* button (or `nbgrader validate notebooks/<id>/<id>.ipynb`).
"""


INSTRUCTOR_ONLY = ("pytest", "dask", "psycopg2", "playwright")
"""Dependencies of grading and of the course's own tests, which students do not need."""

STUDENT_NBGRADER_CONFIG = """\
# nbgrader settings for students: `nbgrader validate` (and JupyterLab's Validate button) runs
# each cell with the same time limit as grading does.
c = get_config()  # noqa: F821
c.Execute.timeout = {timeout}
"""


def student_pyproject(root: Path) -> str:
    """A pyproject that installs the student-facing packages with the course's dependencies
    (those of grading and testing left out)."""
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    deps = "".join(f'    "{d}",\n' for d in project["dependencies"]
                   if not d.lower().startswith(INSTRUCTOR_ONLY))
    return (
        '[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "cnn-course-student"\nversion = "{project["version"]}"\n'
        f'requires-python = "{project["requires-python"]}"\ndependencies = [\n{deps}]\n\n'
        '[tool.setuptools.packages.find]\ninclude = ["cnnkit*", "public_tests*"]\n'
    )


def bundle_members(root: Path | None = None) -> dict[str, bytes]:
    """``{path inside the bundle: content}``."""
    root = root or nbu.repo_root()
    members: dict[str, bytes] = {
        "README.md": STUDENT_README.encode(),
        "pyproject.toml": student_pyproject(root).encode(),
        "nbgrader_config.py": STUDENT_NBGRADER_CONFIG.format(timeout=_cell_timeout(root)).encode(),
    }
    for top in INCLUDED_DIRS:
        base = root / top
        if not base.exists():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_file() and not (_SKIP_PARTS & set(path.parts)):
                members[str(path.relative_to(root))] = path.read_bytes()
    return members


def _cell_timeout(root: Path) -> int:
    """The per-cell time limit the course grades with (``c.Execute.timeout`` in nbgrader_config.py)."""
    import re

    found = re.search(r"^c\.Execute\.timeout\s*=\s*(\d+)", (root / "nbgrader_config.py").read_text(), re.MULTILINE)
    return int(found.group(1)) if found else 120


def build_bundle(out: Path | None = None, root: Path | None = None) -> Path:
    root = root or nbu.repo_root()
    out = out or root / "build" / "student_bundle.zip"
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in bundle_members(root).items():
            zf.writestr(f"cnn-course/{name}", data)
    return out
