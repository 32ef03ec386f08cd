"""Grading a whole class fast: many submissions at once, on one machine or on a Dask cluster.

    python3 course.py grade <id> [<id> ...]          (or: cnn-course grade, in the course folder)

writes exactly the grades that ``nbgrader autograde`` writes, into nbgrader's own gradebook, so
formgrader, ``generate_feedback`` and ``export`` work as before.  How:

- **One task grades one submission** with the real ``nbgrader autograde`` (so the course's whole
  grading path: intake hook, sandboxed kernel, hidden checks in a sandboxed worker, ...) in a
  private scratch course built from what the task carries: the course's ``nbgrader_config.py``,
  the assignment's release and (non-notebook) source files, a throwaway SQLite gradebook holding
  only the assignment's records (copied from the real gradebook: the cells nbgrader restores
  from), and the student's submitted folder with its timestamp.  The task returns the autograded
  folder (and the submitted folder, which the intake hook may have repaired).  nbgrader's start-up
  (seconds of imports) is paid once per worker thread, not per submission: each thread keeps a
  pre-started nbgrader (``grading.zygote``) that forks a fresh copy of itself for every run.
- **The engine is Dask distributed**: a ``LocalCluster`` of worker processes by default
  (``--workers N``), or any running scheduler (``--scheduler tcp://host:port`` or
  ``--scheduler-file``), which covers dask-jobqueue (Slurm, PBS, ...), dask-kubernetes and Dask
  Gateway.  A worker needs the course's software (this package, nbgrader, bubblewrap) and nothing
  of the course folder; a task that was running on a worker that died is run again elsewhere by
  Dask's scheduler.  At most a few tasks per worker thread are in flight at a time, so a class
  of thousands does not sit in the scheduler's memory.
- **One writer** (this process) records each result as it arrives, with nbgrader's own code:
  ``Autograde.init_assignment`` (the student, the submission and its timestamp, zero for a
  missing notebook), the worker's autograded folder, then the course's autograde preprocessors
  from ``SaveAutoGrades`` on (``SaveAutoGrades``, ``AssignLatePenalties``, ...) on the returned
  notebook against the real gradebook: SQLite (default) or any database nbgrader's ``db_url``
  takes (PostgreSQL).
- **Resumable**: beside the autograded notebooks, ``autograded/.grading-state/<id>/<student>.json``
  records a key (sha256 of the submitted folder, the assignment's source and release, the
  gradebook's record of the assignment, ``nbgrader_config.py``, the grading code of the
  assignment and the grading mode) and the autograded files' hashes; a submission whose key and
  files are unchanged is skipped (``--force`` regrades).  Every result is written when it arrives,
  so an interrupted run loses only the submissions still in flight.  The grading log of every
  submission is kept there too (``<student>.log``).
"""
from __future__ import annotations

import contextlib
import datetime as _dt
import hashlib
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

STATE_DIR = ".grading-state"
KEY_VERSION = "cnn-course-grade-1"
TASK_TIMEOUT_S = 3 * 3600
"""Wall clock of one task (the notebook's own clock, ``ResilientExecute.notebook_timeout``, is shorter)."""
IN_FLIGHT_PER_THREAD = 2
LOG_TAIL = 200_000

# Files of ``grading`` whose change changes grades (with ``grading/<week>/`` and ``public_tests/<week>.py``).
GRADING_PATH = ("execute.py", "isolation.py", "sandbox.py", "intake.py", "worker.py", "rpc.py", "wire.py",
                "common.py", "notebook.py")

# Run ``nbgrader`` so that it dies with the worker thread that started it (a worker killed mid-task
# must not leave a grading process behind: its task runs again elsewhere).
_LAUNCH = """\
import os, runpy, sys
if sys.platform.startswith("linux"):
    import ctypes, signal
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    if os.getppid() != int(os.environ.get("CNN_GRADE_PARENT_PID", os.getppid())):
        sys.exit(3)
# jsonschema's optional IRI format checker compiles a grammar when imported (half of nbgrader's
# start-up, paid once per submission here); nothing autograde validates has an IRI format.
sys.modules.setdefault("rfc3987_syntax", None)
sys.argv = ["nbgrader"] + sys.argv[1:]
runpy.run_module("nbgrader", run_name="__main__", alter_sys=True)
"""


class GradingSetupError(RuntimeError):
    """The course, the gradebook or the cluster is not ready for grading; the message says why."""


# ---------------------------------------------------------------------------------------------
# files <-> plain data (what a task carries)

def read_tree(folder: Path, skip=lambda rel: False) -> dict[str, tuple[bytes, int]]:
    """``{relative path: (bytes, mode)}`` of every file below ``folder`` (symlinks followed)."""
    folder = Path(folder)
    out = {}
    if not folder.is_dir():
        return out
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            rel = path.relative_to(folder).as_posix()
            if not skip(rel):
                out[rel] = (path.read_bytes(), path.stat().st_mode & 0o777)
    return out


def write_tree(folder: Path, files: dict[str, tuple[bytes, int]]) -> None:
    folder = Path(folder)
    for rel, (data, mode) in files.items():
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            path.chmod(0o600)
            path.unlink()
        path.write_bytes(data)
        path.chmod(mode | 0o400)


def _rmtree(folder: Path) -> None:
    def unlock(func, path, _):
        os.chmod(os.path.dirname(path), 0o700)
        os.chmod(path, 0o700)
        func(path)

    if Path(folder).exists():
        shutil.rmtree(folder, onerror=unlock)


def tree_digest(files: dict[str, tuple[bytes, int]]) -> str:
    h = hashlib.sha256()
    for rel in sorted(files):
        h.update(rel.encode() + b"\0" + hashlib.sha256(files[rel][0]).digest())
    return h.hexdigest()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---------------------------------------------------------------------------------------------
# the task: one submission, graded by real `nbgrader autograde` in a scratch course

def _scratch_parent() -> str:
    # /tmp on Linux: every sandbox (grading.sandbox) mounts a fresh /tmp, so student code can see
    # nothing of the scratch course (its gradebook holds the hidden tests) but its own folder.
    return "/tmp" if os.path.isdir("/tmp") and sys.platform != "win32" else tempfile.gettempdir()


def _link_shared(root: Path) -> None:
    """``images/`` and ``datasets/`` of the installed course, as ``grading.course.make_course`` links them."""
    try:
        from cnnkit.files import course_root
    except ImportError:   # pragma: no cover - another course's software
        return
    for name in ("images", "datasets"):
        target = course_root() / name
        if target.exists() and not (root / name).exists():
            (root / name).symlink_to(target, target_is_directory=True)


def _prepare_data(assignment: str) -> None:
    try:
        from grading.course import prepare_data
    except ImportError:   # pragma: no cover
        return
    prepare_data(assignment)


def grade_submission(task: dict) -> dict:
    """Grade one submission (a Dask task; runs on a worker).

    ``task`` is plain data: ``assignment``, ``student``, ``files`` (``{path below the course
    root: (bytes, mode)}``: config, release and source files), ``submission`` (the same, for the
    submitted folder), ``gradebook`` (SQLite bytes), ``submitted``/``autograded`` (the folders'
    paths below the course root), ``env`` and ``timeout``.  Returns the autograded and the
    submitted folder as plain data, with the log, the exit status and the time taken.
    """
    t0 = time.perf_counter()
    a, s = task["assignment"], task["student"]
    base = Path(tempfile.mkdtemp(prefix="cnn-grade-", dir=_scratch_parent()))
    result = {"assignment": a, "student": s, "key": task["key"], "ok": False, "returncode": None,
              "autograded": {}, "submitted": {}, "log": "", "seconds": 0.0, "cpu_seconds": 0.0,
              "worker": f"{socket.gethostname()}:{os.getpid()}"}
    try:
        root = base / "course"
        root.mkdir()
        write_tree(root, task["files"])
        write_tree(root / task["submitted"], task["submission"])
        db = root / "gradebook.db"
        db.write_bytes(task["gradebook"])
        _link_shared(root)
        env = dict(os.environ, **task.get("env", {}))
        env["PYTHONUNBUFFERED"] = "1"
        env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
        env["CNN_GRADE_PARENT_PID"] = str(os.getpid())
        for k in [k for k, v in task.get("env", {}).items() if v is None]:
            env.pop(k, None)
        with _env(task.get("env", {})):
            _prepare_data(a)
        args = ["autograde", a, f"--student={s}", "--force",
                f"--CourseDirectory.root={root}", f"--CourseDirectory.db_url=sqlite:///{db}"]
        log_path = base / "autograde.log"
        code, cpu = _autograde(args, root, env, log_path, task.get("timeout", TASK_TIMEOUT_S))
        result["returncode"], result["cpu_seconds"] = code, cpu
        result["log"] = log_path.read_bytes()[-LOG_TAIL:].decode("utf-8", "replace")
        if code == -signal.SIGKILL and task.get("timeout"):
            result["log"] += f"\n[grade] nbgrader was stopped after {task['timeout']} s\n"
        result["autograded"] = read_tree(root / task["autograded"])
        result["submitted"] = read_tree(root / task["submitted"])
        result["ok"] = code == 0 and any(p.endswith(".ipynb") for p in result["autograded"])
    except Exception as err:  # noqa: BLE001 - reported to the writer, which records the failure
        result["log"] += f"\n[grade] the task failed: {type(err).__name__}: {err}\n"
    finally:
        _rmtree(base)
        result["seconds"] = time.perf_counter() - t0
    return result


@contextlib.contextmanager
def _env(values: dict):
    saved = {k: os.environ.get(k) for k in values}
    try:
        for k, v in values.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


_ZYGOTES = threading.local()


class Zygote:
    """A pre-started nbgrader (``grading.zygote``) that forks one ``nbgrader`` run per request;
    one per worker thread, dying with it."""

    def __init__(self):
        env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
        self.proc = subprocess.Popen([sys.executable, "-m", "grading.zygote", str(os.getpid())], env=env,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     text=True)
        hello = json.loads(self.proc.stdout.readline() or '{"error": "it exited"}')
        if "ready" not in hello:
            self.close()
            raise RuntimeError(f"the pre-started nbgrader failed: {hello.get('error')}")

    def alive(self) -> bool:
        return self.proc.poll() is None

    def run(self, args: list, cwd: Path, env: dict, log: Path, timeout: float) -> tuple[int, float]:
        self.proc.stdin.write(json.dumps({"args": args, "cwd": str(cwd), "env": env, "log": str(log)}) + "\n")
        self.proc.stdin.flush()
        started = json.loads(self.proc.stdout.readline())
        pid = started["pid"]

        def stop():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGKILL)

        timer = threading.Timer(timeout, stop)
        timer.daemon = True
        timer.start()
        try:
            line = self.proc.stdout.readline()
        finally:
            timer.cancel()
        if not line:
            raise RuntimeError("the pre-started nbgrader exited during a run")
        done = json.loads(line)
        return done["code"], done["cpu"]

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.proc.stdin.close()
        with contextlib.suppress(Exception):
            self.proc.kill()
            self.proc.wait(timeout=10)


def _autograde(args: list, cwd: Path, env: dict, log: Path, timeout: float) -> tuple[int, float]:
    """Run ``nbgrader <args>``: forked from this thread's pre-started nbgrader (started on first
    use; started again if it died), or as a fresh process where that cannot work."""
    if hasattr(os, "fork") and sys.platform != "darwin":
        zygote = getattr(_ZYGOTES, "zygote", None)
        try:
            if zygote is None or not zygote.alive():
                zygote = _ZYGOTES.zygote = Zygote()
            return zygote.run(args, cwd, env, log, timeout)
        except (RuntimeError, OSError, ValueError) as err:
            if zygote is not None:
                zygote.close()
            _ZYGOTES.zygote = None
            with open(log, "a") as fh:
                fh.write(f"\n[grade] the pre-started nbgrader failed ({err}); running nbgrader afresh\n")
    with open(log, "ab") as logf:
        return _run([sys.executable, "-c", _LAUNCH, *args], cwd, env, logf, timeout)


def _run(argv: list, cwd: Path, env: dict, logf, timeout: float) -> tuple[int, float]:
    """Run ``argv`` in its own process group; return (exit status, CPU seconds of it and its children)."""
    proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=logf, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL, start_new_session=True)

    def stop():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)

    timer = threading.Timer(timeout, stop)
    timer.daemon = True
    timer.start()
    try:
        if hasattr(os, "wait4"):
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            cpu = usage.ru_utime + usage.ru_stime
        else:  # pragma: no cover
            proc.wait()
            cpu = 0.0
    except BaseException:
        stop()
        raise
    finally:
        timer.cancel()
    with contextlib.suppress(ProcessLookupError):   # anything the grader left behind
        os.killpg(proc.pid, signal.SIGKILL)
    return proc.returncode, cpu


def worker_preflight(no_sandbox: bool) -> str:
    """Run on every worker before grading: '' if it can grade, else why not."""
    try:
        import importlib.util

        if importlib.util.find_spec("nbgrader") is None:
            return "nbgrader is not installed"
        from grading import sandbox
        if not no_sandbox:
            sandbox.check()
    except Exception as err:  # noqa: BLE001
        return f"{type(err).__name__}: {err}"
    return ""


# ---------------------------------------------------------------------------------------------
# the writer: the course, its gradebook, the jobs

@dataclass
class Job:
    assignment: str
    student: str
    folder: Path            # the submitted folder
    key: str = ""
    submission: dict = field(default_factory=dict, repr=False)


@dataclass
class GradeReport:
    """What a grading run did; ``seconds`` is the wall clock of the grading itself."""

    graded: list = field(default_factory=list)      # (assignment, student)
    failed: list = field(default_factory=list)      # (assignment, student, why)
    skipped: list = field(default_factory=list)     # (assignment, student): unchanged since last graded
    empty: list = field(default_factory=list)       # submitted folders without a notebook (nbgrader skips them)
    task_seconds: list = field(default_factory=list)
    task_cpu_seconds: list = field(default_factory=list)
    seconds: float = 0.0
    startup_seconds: float = 0.0                    # until the cluster was ready (included in seconds)
    workers: int = 0
    engine: str = ""

    @property
    def per_hour(self) -> float:
        done = len(self.graded) + len(self.failed)
        return 3600.0 * done / self.seconds if self.seconds > 0 and done else 0.0

    def summary(self) -> str:
        lines = [f"graded {len(self.graded)}, failed {len(self.failed)}, unchanged (skipped) {len(self.skipped)}"
                 + (f", without a notebook {len(self.empty)}" if self.empty else "")
                 + (f" in {self.seconds:.1f} s on {self.engine}" if self.engine else "")]
        if self.task_seconds:
            n = len(self.task_seconds)
            lines.append(f"{self.per_hour:.0f} submissions/hour; per submission {sum(self.task_seconds) / n:.1f} s "
                         f"wall, {sum(self.task_cpu_seconds) / n:.1f} s CPU (mean of {n})")
        for a, s, why in self.failed:
            lines.append(f"FAILED {a} / {s}: {why}")
        return "\n".join(lines)


def _nbgrader_app(root: Path):
    """nbgrader's autograde application, configured exactly as ``nbgrader autograde`` run in ``root``."""
    from nbgrader.apps.autogradeapp import AutogradeApp

    app = AutogradeApp()
    app.initialize([], root=str(root))
    return app


class ClassGrader:
    """The one writer of a course's gradebook; grades through a Dask client."""

    def __init__(self, course: Path, *, quick: bool = False, no_sandbox: bool = False, force: bool = False,
                 log_file: Path | None = None):
        from nbgrader.converters.autograde import Autograde
        from nbgrader.preprocessors import SaveAutoGrades

        self.root = Path(course).resolve()
        if not (self.root / "nbgrader_config.py").exists():
            raise GradingSetupError(f"{self.root} is not an nbgrader course folder (no nbgrader_config.py); "
                                    "run this in the course folder or pass --course")
        self.quick, self.no_sandbox, self.force = quick, no_sandbox, force
        bindir = str(Path(sys.executable).parent)   # nbgrader runs `alembic` from PATH for a new gradebook
        if bindir not in os.environ.get("PATH", "").split(os.pathsep):
            os.environ["PATH"] = os.pathsep.join([bindir, os.environ.get("PATH", "")])
        self._cwd = os.getcwd()
        os.chdir(self.root)   # nbgrader also reads the config of the current folder: be where it would be
        self.app = _nbgrader_app(self.root)
        self.coursedir = self.app.coursedir
        self.converter = Autograde(coursedir=self.coursedir, parent=self.app)
        self.converter.force = True
        self._quiet_nbgrader(log_file)
        steps = list(self.converter.autograde_preprocessors)
        first = next((k for k, p in enumerate(steps) if issubclass(p, SaveAutoGrades)), None)
        if first is None:
            raise GradingSetupError("the course's Autograde.autograde_preprocessors has no SaveAutoGrades: "
                                    "nothing would record the grades")
        self.recording_steps = [p(parent=self.converter) for p in steps[first:]]
        self._bundles: dict[str, dict] = {}

    def close(self) -> None:
        os.chdir(self._cwd)

    def _quiet_nbgrader(self, log_file: Path | None) -> None:
        """nbgrader's log (late submissions, missing notebooks, ...) goes to a file, not over the progress bar."""
        log = self.app.log
        for h in list(log.handlers):
            log.removeHandler(h)
        path = log_file or self.state_root() / "writer.log"
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    # -- layout ----------------------------------------------------------------------------
    def rel(self, step: str, student: str, assignment: str) -> str:
        path = os.path.normpath(self.coursedir.format_path(step, student, assignment))
        return Path(os.path.relpath(path, os.path.normpath(self.coursedir.root))).as_posix()

    def state_root(self) -> Path:
        return self.root / self.coursedir.autograded_directory / STATE_DIR

    def state_path(self, assignment: str, student: str) -> Path:
        return self.state_root() / assignment / f"{student}.json"

    @property
    def db_url(self) -> str:
        return self.coursedir.db_url

    def assignments_with_submissions(self) -> list[str]:
        """The assignments that have a submitted folder (``submitted/*/<id>``)."""
        import glob

        pattern = self.coursedir.format_path(self.coursedir.submitted_directory, "*", "*")
        found = sorted({Path(p).name for p in glob.glob(pattern) if os.path.isdir(p)})
        return [a for a in found if self.submitted_folders(a)]

    def submitted_folders(self, assignment: str) -> dict[str, Path]:
        """``{student: folder}`` as ``nbgrader autograde`` finds them (``student_id_exclude`` honoured)."""
        import glob

        pattern = self.coursedir.format_path(self.coursedir.submitted_directory, "*", assignment)
        regexp = re.compile(self.coursedir.format_path(self.coursedir.submitted_directory, "(?P<student_id>[^/]+)",
                                                       re.escape(assignment), escape=True) + "$")
        exclude = set(filter(None, self.coursedir.student_id_exclude.split(",")))
        found = {}
        for folder in sorted(glob.glob(pattern)):
            m = regexp.match(folder)
            if m and os.path.isdir(folder) and m.group("student_id") not in exclude:
                found[m.group("student_id")] = Path(folder)
        return found

    # -- what a task carries ------------------------------------------------------------------
    def bundle(self, assignment: str) -> dict:
        """The course's part of every task of ``assignment`` (built once per run) and its digest."""
        if assignment not in self._bundles:
            self._bundles[assignment] = self._make_bundle(assignment)
        return self._bundles[assignment]

    def _make_bundle(self, assignment: str) -> dict:
        cd = self.coursedir
        files = {"nbgrader_config.py": ((self.root / "nbgrader_config.py").read_bytes(), 0o644)}
        digest_parts = [KEY_VERSION.encode(), files["nbgrader_config.py"][0]]
        release = self.rel(cd.release_directory, ".", assignment)
        source = self.rel(cd.source_directory, ".", assignment)
        release_files = read_tree(self.root / release)
        if not any(p.endswith(".ipynb") for p in release_files):
            raise GradingSetupError(f"no released notebook in {self.root / release}: run "
                                    f"`nbgrader generate_assignment {assignment}` first")
        source_files = read_tree(self.root / source)
        for rel, item in release_files.items():
            files[f"{release}/{rel}"] = item
        for rel, item in source_files.items():   # the worker needs no solution notebook
            if not rel.endswith(".ipynb"):
                files[f"{source}/{rel}"] = item
        digest_parts += [tree_digest(release_files).encode(), tree_digest(source_files).encode()]
        gradebook, structure = self._template_gradebook(assignment)
        digest_parts.append(structure.encode())
        digest_parts.append(grading_code_digest(assignment).encode())
        env = {"CNN_COURSE_NO_SANDBOX": "1" if self.no_sandbox else None}
        from cnnkit.setup import QUICK_TRAIN_ENV
        env[QUICK_TRAIN_ENV] = "1" if self.quick else None
        digest_parts.append(json.dumps(env, sort_keys=True).encode())
        return {"files": files, "gradebook": gradebook, "env": env,
                "digest": _sha(b"\0".join(digest_parts))}

    def _template_gradebook(self, assignment: str) -> tuple[bytes, str]:
        """A fresh SQLite gradebook holding only ``assignment``'s records (copied row for row from the
        real gradebook: nbgrader restores locked cells, tests and points from them), and a digest."""
        from nbgrader.api import Base, Gradebook, MissingEntry
        from sqlalchemy import insert, select

        t = Base.metadata.tables
        with Gradebook(self.db_url, self.coursedir.course_id) as gb:
            try:
                gb.find_assignment(assignment)
            except MissingEntry:
                raise GradingSetupError(f"the gradebook has no assignment {assignment!r}: run "
                                        f"`nbgrader generate_assignment {assignment}` first") from None
            q = lambda table, cond: [dict(r) for r in gb.db.execute(select(t[table]).where(cond)).mappings()]  # noqa: E731
            rows = {"assignment": q("assignment", t["assignment"].c.name == assignment)}
            aid = rows["assignment"][0]["id"]
            rows["notebook"] = q("notebook", t["notebook"].c.assignment_id == aid)
            nb_ids = [r["id"] for r in rows["notebook"]]
            rows["base_cell"] = q("base_cell", t["base_cell"].c.notebook_id.in_(nb_ids))
            cell_ids = [r["id"] for r in rows["base_cell"]]
            for table in ("grade_cells", "solution_cells", "task_cells"):
                rows[table] = q(table, t[table].c.id.in_(cell_ids))
            rows["source_cell"] = q("source_cell", t["source_cell"].c.notebook_id.in_(nb_ids))
        for table in rows:
            rows[table].sort(key=lambda r: r["id"])
        with tempfile.TemporaryDirectory(prefix="cnn-gradebook-") as tmp:
            path = Path(tmp) / "gradebook.db"
            with Gradebook(f"sqlite:///{path}", self.coursedir.course_id) as new:
                for table in ("assignment", "notebook", "base_cell", "grade_cells", "solution_cells", "task_cells",
                              "source_cell"):
                    if rows[table]:
                        new.db.execute(insert(t[table]), rows[table])
                new.db.commit()
            data = path.read_bytes()
        return data, json.dumps(rows, sort_keys=True, default=str)

    def job(self, assignment: str, student: str, folder: Path) -> Job:
        submission = read_tree(folder)
        key = _sha("\0".join([self.bundle(assignment)["digest"], assignment, student,
                              tree_digest(submission)]).encode())
        return Job(assignment, student, folder, key, submission)

    def task(self, job: Job) -> dict:
        b = self.bundle(job.assignment)
        return {"assignment": job.assignment, "student": job.student, "key": job.key,
                "files": b["files"], "gradebook": b["gradebook"], "submission": job.submission,
                "submitted": self.rel(self.coursedir.submitted_directory, job.student, job.assignment),
                "autograded": self.rel(self.coursedir.autograded_directory, job.student, job.assignment),
                "env": b["env"], "timeout": TASK_TIMEOUT_S}

    # -- resuming ---------------------------------------------------------------------------------
    def up_to_date(self, job: Job, graded_students: set) -> bool:
        if self.force or job.student not in graded_students:
            return False
        path = self.state_path(job.assignment, job.student)
        try:
            state = json.loads(path.read_text())
        except (OSError, ValueError):
            return False
        if not state.get("ok") or state.get("key") != job.key:
            return False
        dest = self.root / self.rel(self.coursedir.autograded_directory, job.student, job.assignment)
        for rel, digest in state.get("notebooks", {}).items():
            p = dest / rel
            if not p.exists() or _sha(p.read_bytes()) != digest:
                return False
        return bool(state.get("notebooks"))

    def graded_students(self, assignment: str) -> set:
        from nbgrader.api import Gradebook, MissingEntry

        with Gradebook(self.db_url, self.coursedir.course_id) as gb:
            try:
                return {sub.student_id for sub in gb.find_assignment(assignment).submissions}
            except MissingEntry:
                return set()

    # -- recording a result --------------------------------------------------------------------
    def record(self, job: Job, result: dict) -> str:
        """Write one task's result into the course, as ``nbgrader autograde --force`` would have.
        Returns '' on success, else why the submission has no grade."""
        import warnings

        from sqlalchemy.exc import SAWarning

        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", SAWarning)   # nbgrader's own, on every new submission
                return self._record(job, result)
        except Exception as err:  # noqa: BLE001 - as nbgrader: this submission fails, the others go on
            dest = self.root / self.rel(self.coursedir.autograded_directory, job.student, job.assignment)
            _rmtree(dest)
            self.app.log.error("recording %s / %s failed", job.assignment, job.student, exc_info=True)
            return self._failed(self.state_path(job.assignment, job.student), {"key": job.key, "ok": False},
                                f"{type(err).__name__}: {err} (log: "
                                f"{self.state_path(job.assignment, job.student).with_suffix('.log')})")

    def _record(self, job: Job, result: dict) -> str:
        import nbformat

        a, s = job.assignment, job.student
        sub_dir = job.folder
        dest = self.root / self.rel(self.coursedir.autograded_directory, s, a)
        state_path = self.state_path(a, s)
        state_path.parent.mkdir(parents=True, exist_ok=True)
        state_path.with_suffix(".log").write_text(result.get("log", ""))
        state = {"key": job.key, "ok": False, "graded_at": _dt.datetime.now(_dt.timezone.utc).isoformat(),
                 "seconds": round(result.get("seconds", 0.0), 3), "cpu_seconds": round(result.get("cpu_seconds", 0.0), 3),
                 "worker": result.get("worker", "")}
        # 1. the intake hook may have repaired the submission (a renamed or damaged notebook): keep
        #    its repair, as a serial run does, unless the student handed in something new meanwhile
        if result.get("submitted") and result["submitted"] != job.submission:
            if tree_digest(read_tree(sub_dir)) == tree_digest(job.submission):
                for rel in set(job.submission) - set(result["submitted"]):
                    (sub_dir / rel).unlink(missing_ok=True)
                write_tree(sub_dir, {r: v for r, v in result["submitted"].items() if job.submission.get(r) != v})
                job.submission = result["submitted"]
                job.key = _sha("\0".join([self.bundle(a)["digest"], a, s, tree_digest(job.submission)]).encode())
                state["key"] = job.key
            else:
                return self._failed(state_path, state, "the submission changed while it was being graded; grade again")
        # 2. nbgrader's own bookkeeping: the student, the submission and its timestamp, zero for a
        #    notebook that was not handed in (Autograde.init_assignment, as --force runs it)
        _rmtree(dest)
        self.converter.notebooks = notebooks_in(sub_dir)
        self.converter.init_assignment(a, s)
        notebooks = list(self.converter.notebooks)
        _rmtree(dest)
        if not result.get("ok"):
            tail = [ln for ln in result.get("log", "").splitlines() if ln.strip()][-3:]
            return self._failed(state_path, state, f"nbgrader autograde failed (exit {result.get('returncode')}); "
                                f"log: {state_path.with_suffix('.log')}" + ("\n    " + "\n    ".join(tail) if tail else ""))
        # 3. the autograded folder, exactly as the worker's nbgrader wrote it
        write_tree(dest, result["autograded"])
        # 4. the grades, by the course's own recording steps (SaveAutoGrades, AssignLatePenalties, ...)
        digests = {}
        for nb_path in notebooks:
            name = Path(nb_path).stem
            out = dest / f"{name}.ipynb"
            if not out.exists():
                return self._failed(state_path, state, f"the worker returned no {out.name}")
            data = out.read_bytes()
            nb = nbformat.reads(data.decode("utf-8"), as_version=nbformat.NO_CONVERT)
            resources = {"unique_key": name, "output_files_dir": f"{name}_files",
                         "metadata": {"path": str(dest), "name": name},
                         "nbgrader": {"student": s, "assignment": a, "notebook": name, "db_url": self.db_url}}
            for step in self.recording_steps:
                nb, resources = step(nb, resources)
            digests[out.name] = _sha(data)
        self.converter.set_permissions(a, s)
        state.update(ok=True, notebooks=digests)
        _write_json(state_path, state)
        return ""

    @staticmethod
    def _failed(path: Path, state: dict, why: str) -> str:
        state["why"] = why
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_json(path, state)
        return why


def notebooks_in(folder: Path) -> list[str]:
    """The notebooks ``nbgrader autograde`` grades in a submitted folder (``glob``: no hidden files)."""
    import glob

    return sorted(glob.glob(os.path.join(glob.escape(str(folder)), "*.ipynb")))


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True))
    tmp.replace(path)


def grading_code_digest(assignment: str) -> str:
    """sha256 of the grading code that decides ``assignment``'s grades (the grading path, the
    assignment's hidden checks and its public tests)."""
    import grading

    pkg = Path(grading.__file__).resolve().parent
    week = assignment.split("_")[0]
    paths = [pkg / n for n in GRADING_PATH]
    if (pkg / week).is_dir():
        paths += sorted((pkg / week).rglob("*.py"))
    paths.append(pkg.parent / "public_tests" / f"{week}.py")
    h = hashlib.sha256()
    for p in paths:
        if p.is_file():
            h.update(p.name.encode() + b"\0" + p.read_bytes())
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# the engine

@contextlib.contextmanager
def dask_client(workers: int | None = None, scheduler: str | None = None, scheduler_file: str | None = None,
                client=None):
    """A Dask client: ``client`` itself (e.g. from Dask Gateway: ``cluster.get_client()``), one on a
    running scheduler, or one on a fresh ``LocalCluster`` of ``workers`` single-threaded worker
    processes (closed afterwards)."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as err:   # pragma: no cover
        raise GradingSetupError("Dask is not installed: `pip install 'dask[distributed]'`") from err
    if client is not None:
        yield client, f"the Dask cluster of {client.scheduler.address}"
        return
    if scheduler or scheduler_file:
        client = Client(scheduler, scheduler_file=scheduler_file, timeout="60s")
        try:
            yield client, f"the Dask scheduler at {client.scheduler.address}"
        finally:
            client.close()
        return
    n = workers or os.cpu_count() or 1
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None,
                           silence_logs=logging.ERROR)
    client = Client(cluster)
    try:
        yield client, f"a local Dask cluster of {n} worker process{'es' if n > 1 else ''}"
    finally:
        client.close()
        cluster.close()


def grade(course: Path, assignments: list[str] | None = None, students: list[str] | None = None, *,
          workers: int | None = None, scheduler: str | None = None, scheduler_file: str | None = None,
          force: bool = False, quick: bool = False, no_sandbox: bool = False, progress: bool = True,
          echo=print, client=None) -> GradeReport:
    """Grade every submission of ``assignments`` (default: all with submissions) in ``course``.

    See the module docstring.  ``students`` limits the run to those students.  The engine is
    ``client`` (a ``dask.distributed.Client``) if given, else a client on ``scheduler`` or
    ``scheduler_file``, else a ``LocalCluster`` of ``workers`` processes.  Returns a
    ``GradeReport``; the gradebook, ``autograded/`` and the grading state are written as results
    arrive.
    """
    from tqdm.auto import tqdm

    report = GradeReport()
    grader = ClassGrader(course, quick=quick, no_sandbox=no_sandbox, force=force)
    try:
        assignments = assignments or grader.assignments_with_submissions()
        if not assignments:
            echo(f"nothing to grade: no submissions in {grader.root / grader.coursedir.submitted_directory}")
            return report
        jobs = []
        for a in assignments:
            folders = grader.submitted_folders(a)
            if students:
                folders = {s: f for s, f in folders.items() if s in students}
            graded = grader.graded_students(a)
            todo = skipped = 0
            for s, folder in folders.items():
                if not notebooks_in(folder):
                    report.empty.append((a, s))   # nbgrader skips such a folder too ("No notebooks were matched")
                    continue
                job = grader.job(a, s, folder)
                if grader.up_to_date(job, graded):
                    report.skipped.append((a, s))
                    skipped += 1
                else:
                    jobs.append(job)
                    todo += 1
            echo(f"{a}: {len(folders)} submitted, {skipped} unchanged since graded (skipped), {todo} to grade")
        if not jobs:
            return report
        if not no_sandbox:
            from grading import sandbox
            sandbox.check()   # before any worker starts: say what to do on this machine
        t0 = time.perf_counter()
        with dask_client(workers, scheduler, scheduler_file, client) as (client, engine):
            report.engine = engine
            problems = {w: p for w, p in client.run(worker_preflight, no_sandbox).items() if p}
            if problems:
                raise GradingSetupError("these Dask workers cannot grade:\n" + "\n".join(
                    f"  {w}: {p}" for w, p in problems.items()))
            report.workers = len(client.scheduler_info().get("workers", {}))
            report.startup_seconds = time.perf_counter() - t0
            if not report.workers:
                echo("no Dask worker has joined the scheduler yet: grading starts when one does")
            echo(f"grading {len(jobs)} submission{'s' if len(jobs) != 1 else ''} on {engine}")
            _run_jobs(client, grader, jobs, report, tqdm(total=len(jobs), unit="sub", disable=not progress,
                                                        dynamic_ncols=True, smoothing=0.1))
        report.seconds = time.perf_counter() - t0
        return report
    finally:
        grader.close()


def _run_jobs(client, grader: ClassGrader, jobs: list[Job], report: GradeReport, bar) -> None:
    from dask.distributed import as_completed

    pending = iter(jobs)
    running: dict[str, Job] = {}
    done = as_completed()

    def submit_next() -> bool:
        job = next(pending, None)
        if job is None:
            return False
        future = client.submit(grade_submission, grader.task(job), pure=False,
                               key=f"grade-{job.assignment}-{job.student}-{job.key[:10]}")
        running[future.key] = job
        done.add(future)
        return True

    def window() -> int:
        threads = sum(client.nthreads().values()) or 1
        return max(2, IN_FLIGHT_PER_THREAD * threads)

    for _ in range(window()):
        if not submit_next():
            break
    try:
        for future in done:
            job = running.pop(future.key)
            try:
                result = future.result()
            except Exception as err:  # noqa: BLE001 - e.g. KilledWorker: not recorded, a re-run grades it
                report.failed.append((job.assignment, job.student, f"{type(err).__name__}: {err}"))
            else:
                why = grader.record(job, result)
                report.task_seconds.append(result["seconds"])
                report.task_cpu_seconds.append(result["cpu_seconds"])
                if why:
                    report.failed.append((job.assignment, job.student, why))
                else:
                    report.graded.append((job.assignment, job.student))
            bar.update(1)
            bar.set_postfix_str(f"{job.assignment}/{job.student}" + (f", {len(report.failed)} failed"
                                                                    if report.failed else ""), refresh=False)
            while len(running) < window() and submit_next():
                pass
    finally:
        bar.close()
        for key in list(running):
            client.cancel(key)


# ---------------------------------------------------------------------------------------------
# comparing gradebooks (tests, and instructors moving between engines)

def gradebook_snapshot(db_url: str, course_id: str) -> dict:
    """Everything autograding writes into a gradebook, keyed by names (not row ids):
    ``{(assignment, student): {"timestamp", "notebooks": {notebook: {"late_penalty", "grades",
    "comments"}}}}``, with ``grades[grade_id] = (auto_score, manual_score, extra_credit,
    needs_manual_grade)`` and ``comments[name] = (auto_comment, manual_comment)``; and the
    students under ``"students"``."""
    from nbgrader.api import Gradebook

    snap: dict = {}
    with Gradebook(db_url, course_id) as gb:
        snap["students"] = sorted(st.id for st in gb.students)
        for a in gb.assignments:
            for sub in a.submissions:
                entry = {"timestamp": str(sub.timestamp), "notebooks": {}}
                for nb in sub.notebooks:
                    entry["notebooks"][nb.name] = {
                        "late_penalty": nb.late_submission_penalty,
                        "grades": {g.name: (g.auto_score, g.manual_score, g.extra_credit, g.needs_manual_grade)
                                   for g in nb.grades},
                        "comments": {c.name: (c.auto_comment, c.manual_comment) for c in nb.comments},
                    }
                snap[(a.name, sub.student_id)] = entry
    return snap


def notebook_scores(path: Path) -> dict:
    """``{grade_id: (score, max_score)}`` as nbgrader reads them from an autograded notebook."""
    import nbformat
    from nbgrader import utils

    nb = nbformat.read(str(path), as_version=4)
    return {c.metadata["nbgrader"]["grade_id"]: utils.determine_grade(c, logging.getLogger("scores"))
            for c in nb.cells if utils.is_grade(c)}
