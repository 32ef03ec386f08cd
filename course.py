#!/usr/bin/env python3
"""Set up and run the course with nothing but python3 (>= 3.11) and pip.

    python3 course.py course     create .venv and install (if needed), regenerate the student
                                 notebooks, run the instructor loop on the demo class and
                                 print its score table
    python3 course.py test       create .venv and install (if needed), run the test suite
                                 (extra arguments go to pytest; --heavy adds the rare heavy checks)

    python3 course.py grade [<id> ...]
                                 grade every submission of the course in the current folder (or
                                 --course DIR) in parallel on a Dask cluster (local by default),
                                 resumable; --help lists the options

Other jobs: lab (JupyterLab on notebooks/), build (authoring/<id>.py -> solutions/), generate
(solutions/ -> notebooks/), demo, bench, bundle, figures.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".course-installed"
LOG = VENV / "install.log"


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(cmd: list, **kw) -> int:
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, **kw)


def install_fingerprint() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def create_venv() -> None:
    if venv_python().exists():
        return
    print(f"Creating the virtual environment {VENV} ...", flush=True)
    if run([sys.executable, "-m", "venv", VENV]) == 0 and venv_python().exists():
        return
    # Debian/Ubuntu ship venv without ensurepip unless python3-venv is installed.
    print("python3 -m venv failed; trying virtualenv instead ...", flush=True)
    if run([sys.executable, "-m", "virtualenv", "--version"], stdout=subprocess.DEVNULL) != 0:
        run([sys.executable, "-m", "pip", "install", "--user", "-q", "virtualenv"])
    if run([sys.executable, "-m", "virtualenv", VENV]) != 0:
        sys.exit("Could not create a virtual environment. Install your system's python3-venv "
                 "package (e.g. `apt install python3-venv`) and try again.")


def ensure_installed() -> None:
    """Create .venv and `pip install -e .` unless pyproject.toml is unchanged since last time."""
    if sys.version_info < (3, 11):
        sys.exit(f"Python >= 3.11 is needed; this is {sys.version.split()[0]}.")
    create_venv()
    if STAMP.exists() and STAMP.read_text() == install_fingerprint():
        return
    print(f"Installing the course and its dependencies into .venv (a few minutes; log: {LOG}) ...",
          flush=True)
    with open(LOG, "w") as log:
        code = run([venv_python(), "-m", "pip", "install", "--disable-pip-version-check",
                    "-e", "."], stdout=log, stderr=subprocess.STDOUT)
    if code != 0:
        tail = LOG.read_text().splitlines()[-25:]
        sys.exit("Installation failed; the end of the log:\n" + "\n".join(tail))
    STAMP.write_text(install_fingerprint())
    print("Installed.", flush=True)


def cli(*args: str) -> int:
    return run([venv_python(), "-m", "grading", *args])


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help", "help"):
        print(__doc__)
        return 0
    job, rest = argv[0], argv[1:]
    if job not in ("course", "test", "lab", "build", "generate", "demo", "bench", "bundle", "figures", "grade"):
        print(f"unknown job {job!r}\n{__doc__}")
        return 2
    ensure_installed()
    if job == "course":
        return cli("generate") or cli("demo", *rest)
    if job == "test":
        marks = [] if "--heavy" in rest else ["-m", "not heavy"]
        rest = [a for a in rest if a != "--heavy"]
        return run([venv_python(), "-m", "pytest", *marks, *rest])
    if job == "lab":
        return run([venv_python(), "-m", "jupyter", "lab", "notebooks/", *rest])
    if job == "grade" and not any(a == "--course" or a.startswith("--course=") for a in rest):
        rest = [*rest, "--course", os.getcwd()]   # the jobs run in the repository: grade where we were called
    return cli(job, *rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
