"""Course operations on a scratch nbgrader course: generate, submit, autograde, report.

Everything goes through nbgrader's real command-line tools (run as subprocesses in the
course directory) so that the tests and the demo exercise exactly what an instructor runs.
"""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from grading import notebook as nbu

COURSE_ID = "cnn-course"


class CourseError(RuntimeError):
    """An nbgrader command failed; the message holds the tail of its log."""


def nbgrader(args: list[str], cwd: Path, timeout: float = 1800,
             env: dict | None = None) -> subprocess.CompletedProcess:
    """Run ``nbgrader <args>`` in ``cwd`` with this interpreter; raise ``CourseError`` on failure.

    ``env`` adds environment variables; kernels started by nbgrader inherit them.
    """
    cmd = [sys.executable, "-m", "nbgrader", *args]
    # nbgrader runs helper programs (``alembic``) from PATH: put this environment's first.
    bindir = str(Path(sys.executable).parent)
    env = dict(os.environ, PYTHONUNBUFFERED="1",
               PATH=os.pathsep.join([bindir, os.environ.get("PATH", "")]), **(env or {}))
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr)[-4000:]
        raise CourseError(f"`nbgrader {' '.join(args)}` failed in {cwd} (exit {proc.returncode}):\n{tail}")
    return proc


@dataclass
class Course:
    """A scratch nbgrader course directory built from the repository's sources."""

    root: Path
    assignments: list[str]
    timings: dict[str, float] = field(default_factory=dict)

    # -- paths -----------------------------------------------------------------
    def release_notebook(self, assignment: str) -> Path:
        return nbu.notebook_path(assignment, "notebooks", root=self.root)

    def source_notebook(self, assignment: str) -> Path:
        return nbu.notebook_path(assignment, "solutions", root=self.root)

    def submitted(self, student: str, assignment: str) -> Path:
        return self.root / "submitted" / student / assignment / self.release_notebook(assignment).name

    def autograded(self, student: str, assignment: str) -> Path:
        return self.root / "autograded" / student / assignment / self.release_notebook(assignment).name

    def feedback(self, student: str, assignment: str) -> Path:
        name = self.release_notebook(assignment).with_suffix(".html").name
        return self.root / "feedback" / student / assignment / name

    # -- steps -----------------------------------------------------------------
    def generate(self) -> None:
        """``nbgrader generate_assignment`` for every assignment (fills ``notebooks/``)."""
        for a in self.assignments:
            t0 = time.perf_counter()
            nbgrader(["generate_assignment", a, "--force"], self.root)
            self.timings[f"generate:{a}"] = time.perf_counter() - t0

    def submit(self, student: str, assignment: str, nb) -> Path:
        """Place a notebook as ``student``'s submission of ``assignment``."""
        return nbu.write(nbu.strip_outputs(nb), self.submitted(student, assignment))

    def submit_filled(self, student: str, assignment: str, replacements: dict[str, str]) -> Path:
        """Submit the student version with the named solution cells filled in."""
        release = nbu.read(self.release_notebook(assignment))
        return self.submit(student, assignment, nbu.fill(release, replacements))

    def correct_code(self, assignment: str) -> dict[str, str]:
        """The instructor's solution code for every graded function of ``assignment``."""
        return nbu.solutions(nbu.read(self.source_notebook(assignment)))

    def autograde(self, assignment: str, student: str | None = None, quick: bool = False) -> None:
        """``nbgrader autograde`` for every submitted student, or one.

        ``quick`` sets ``CNN_COURSE_QUICK_TRAIN=1`` for the kernels: training cells then run
        one epoch (see ``cnnkit.setup.training_epochs``); grading does not depend on it.
        """
        from cnnkit.setup import QUICK_TRAIN_ENV

        args = ["autograde", assignment, "--force"] + ([f"--student={student}"] if student else [])
        t0 = time.perf_counter()
        prepare_data(assignment)
        nbgrader(args, self.root, env={QUICK_TRAIN_ENV: "1"} if quick else None)
        self.timings[f"autograde:{assignment}"] = time.perf_counter() - t0

    def generate_feedback(self, assignment: str) -> None:
        nbgrader(["generate_feedback", assignment, "--force"], self.root)

    def export(self) -> Path:
        """``nbgrader export``: one CSV row per student and assignment."""
        nbgrader(["export"], self.root)
        return self.root / "grades.csv"

    # -- results ---------------------------------------------------------------
    def scores(self, assignment: str, student: str) -> dict[str, tuple[float, float]]:
        """``{grade_id: (score, max_score)}`` of one autograded submission, from the gradebook."""
        from nbgrader.api import Gradebook

        with Gradebook(f"sqlite:///{self.root / 'gradebook.db'}", course_id=COURSE_ID) as gb:
            sub = gb.find_submission(assignment, student)
            return {g.name: (float(g.score), float(g.max_score))
                    for nb in sub.notebooks for g in nb.grades}

    def unexecuted_cells(self, assignment: str, student: str) -> list[int]:
        """Indices of code cells that autograde did not execute (should be empty)."""
        nb = nbu.read(self.autograded(student, assignment))
        return [i for i, c in enumerate(nb.cells)
                if c.cell_type == "code" and c.source.strip() and c.execution_count is None]


def prepare_data(assignment: str) -> None:
    """Make the data an assignment's notebook would draw on first use, before grading runs it.

    Student code runs in a read-only sandbox (``grading.sandbox``), where a notebook cannot
    write to ``datasets/``; an assignment whose data is generated rather than shipped offers
    ``grading.<week>.prepare_data()`` (optional), called here, outside the sandbox.
    """
    import importlib

    try:
        module = importlib.import_module(f"grading.{assignment.split('_')[0]}")
    except ImportError:
        return
    prepare = getattr(module, "prepare_data", None)
    if callable(prepare):
        prepare()


def make_course(course_dir: Path, assignments: list[str] | None = None,
                repo: Path | None = None, extra_config: str = "") -> Course:
    """Create a scratch course in ``course_dir`` from the repository.

    Copies ``nbgrader_config.py`` and ``solutions/<id>``; links ``images/`` and
    ``datasets/`` so relative links in notebooks resolve.  ``extra_config`` is appended to
    the copied ``nbgrader_config.py`` (e.g. ``c.Execute.timeout = 10`` for a test).
    """
    repo = repo or nbu.repo_root()
    assignments = assignments or nbu.assignment_ids(repo)
    course_dir = Path(course_dir)
    if course_dir.exists():
        shutil.rmtree(course_dir)
    course_dir.mkdir(parents=True)
    config = (repo / "nbgrader_config.py").read_text()
    (course_dir / "nbgrader_config.py").write_text(config + ("\n" + extra_config + "\n" if extra_config else ""))
    for a in assignments:
        shutil.copytree(repo / "solutions" / a, course_dir / "solutions" / a,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    for shared in ("images", "datasets"):
        if (repo / shared).exists():
            (course_dir / shared).symlink_to(repo / shared, target_is_directory=True)
    return Course(course_dir, assignments)


def regenerate_release(repo: Path | None = None, assignments: list[str] | None = None) -> list[Path]:
    """Regenerate the committed student versions ``notebooks/<id>`` from ``solutions/<id>``.

    Runs ``nbgrader generate_assignment`` in a scratch course (so no gradebook or logs
    land in the repository) and copies the result over ``notebooks/<id>``.
    """
    import tempfile

    repo = repo or nbu.repo_root()
    assignments = assignments or nbu.assignment_ids(repo)
    written = []
    with tempfile.TemporaryDirectory(prefix="cnn-generate-") as tmp:
        course = make_course(Path(tmp) / "course", assignments, repo)
        course.generate()
        for a in assignments:
            dst = repo / "notebooks" / a
            if dst.exists():
                shutil.rmtree(dst)
            shutil.copytree(course.root / "notebooks" / a, dst)
            written.extend(sorted(dst.rglob("*.ipynb")))
    return written


# -- demo class ------------------------------------------------------------------

DEMO_STUDENTS = {
    "ada": "correct: every exercise solved",
    "ben": "blank: the student version as released",
    "cy": "partly wrong: two exercises with a plausible mistake",
}


def demo_mistakes(assignment: str) -> list:
    """The partly wrong student's mistakes: the first mutant of two graded functions (of one
    when the assignment has only two, so that the student still earns some points)."""
    from grading.mutation import registry

    reg = registry(assignment)
    targets = reg.targets()
    chosen = [targets[len(targets) // 2 - 1], targets[-1]] if len(targets) > 2 else targets[-1:]
    return [reg.mutants(t)[0] for t in chosen]


def demo_partial(assignment: str) -> dict[str, str]:
    """The partly wrong student's code for the mutated functions, ``{function: code}``."""
    return {v.target: v.cell_source() for v in demo_mistakes(assignment)}


def run_demo(course_dir: Path, assignments: list[str] | None = None, log=print) -> Course:
    """The instructor loop on the demo class: generate, autograde, feedback, export."""
    course = make_course(course_dir, assignments)
    log(f"Course directory: {course.root}")
    log("1/4 nbgrader generate_assignment ...")
    course.generate()
    for a in course.assignments:
        correct = course.correct_code(a)
        course.submit_filled("ada", a, correct)
        course.submit("ben", a, nbu.read(course.release_notebook(a)))
        course.submit_filled("cy", a, {**correct, **demo_partial(a)})
    log("2/4 nbgrader autograde (3 submissions per assignment; training cells run one epoch) ...")
    for a in course.assignments:
        course.autograde(a, quick=True)
    log("3/4 nbgrader generate_feedback ...")
    for a in course.assignments:
        course.generate_feedback(a)
    log("4/4 nbgrader export ...")
    course.export()
    return course


def score_table(course: Course, students: list[str]) -> str:
    """A plain-text table: one row per (assignment, student), one column per exercise."""
    lines = []
    for a in course.assignments:
        cells = nbu.grade_cells(nbu.read(course.source_notebook(a)))
        head = ["student", "total"] + [c.function for c in cells]
        rows = []
        for s in students:
            sc = course.scores(a, s)
            total = sum(v[0] for v in sc.values())
            maximum = sum(v[1] for v in sc.values())
            rows.append([s, f"{total:g}/{maximum:g}"] + [f"{sc[c.grade_id][0]:g}/{c.points:g}" for c in cells])
        widths = [max(len(str(r[i])) for r in [head] + rows) for i in range(len(head))]
        lines.append(f"\n{a}")
        for r in [head] + rows:
            lines.append("  " + "  ".join(str(v).ljust(w) for v, w in zip(r, widths)))
    return "\n".join(lines)


def read_grades_csv(path: Path) -> list[dict]:
    with open(path, newline="") as fh:
        return list(csv.DictReader(fh))
