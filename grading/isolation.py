"""Hidden checks outside the student's kernel: the grader's side of ``grading.worker``.

``CheckSession`` starts a fresh worker process (inside the sandbox of ``grading.sandbox``), gives
it the notebook's setup cell and read-only helper cells (the instructor's, as nbgrader restored
them) and only the *definitions* of the student's solution cells (imports, functions, classes,
constants: no top-level statements, so nothing a student runs at top level — input
transformers, monkeypatches, trace hooks — exists there), and then runs each exercise's hidden
check **here**, in the grader, with proxies for the student's functions (``grading.rpc``).
The check compares plain data it rebuilt itself with references computed here.

A check that runs too long, or student code that kills the worker, costs that exercise only:
the worker is started again for the next one.
"""
from __future__ import annotations

import ast
import contextlib
import io
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from grading import rpc

CHECK_SECONDS = 300
"""Wall clock for one exercise's hidden checks (the worker is killed after it)."""


@dataclass
class CheckResult:
    grade_id: str
    passed: bool
    output: str = ""          # what the check printed (its pass line, the student's prints)
    error: str = ""           # why it failed: GradingError message, timeout, crash
    seconds: float = 0.0


def definitions_only(source: str) -> tuple[str, list[str]]:
    """The imports, function and class definitions and literal constants of a cell; and what was dropped.

    Returns ``(source, dropped)`` where ``dropped`` lists the first line of every top-level
    statement left out.  A cell that does not parse is returned as it is (running it raises the
    same SyntaxError the student saw).
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source, []
    keep, dropped = [], []
    for node in tree.body:
        ok = isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            try:
                ast.literal_eval(node.value)
                ok = all(isinstance(t, ast.Name) for t in targets)
            except ValueError:
                ok = False
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):   # a docstring
            ok = True
        (keep if ok else dropped).append(node)
    lines = source.splitlines()
    dropped_text = [lines[n.lineno - 1].strip()[:100] for n in dropped]

    def segment(node) -> str:
        decorators = getattr(node, "decorator_list", None)
        if decorators:   # a decorated definition, decorators included (@tf.function changes what it returns)
            return "\n".join(lines[min(d.lineno for d in decorators) - 1:node.end_lineno])
        return ast.get_source_segment(source, node, padded=True) or ""

    return "\n".join(segment(n) for n in keep) + "\n", dropped_text


def strip_magics(source: str) -> str:
    return "\n".join(ln for ln in source.splitlines() if not ln.lstrip().startswith(("%", "!")))


class _LazyNames(dict):
    """Local names of a hidden-test line: its own, else the worker's (proxies), else builtins."""

    def __init__(self, session: "CheckSession"):
        super().__init__()
        self.session = session

    def __missing__(self, name):
        if name == "globals":
            return lambda: self.session.exported
        try:
            value = self.session.peer.request("lookup", name=name)
        except NameError:
            if name in self.session.load_errors:   # its cell failed to define it: say why
                raise NameError(f"{name} is not defined: its cell failed ({self.session.load_errors[name]})") from None
            raise KeyError(name) from None
        self[name] = value
        return value


class CheckSession:
    """One worker process and the checks of one submission."""

    def __init__(self, cells: list[tuple[str, str]], cwd: Path, sandbox=None, env: dict | None = None,
                 check_seconds: int = CHECK_SECONDS, exported: dict | None = None):
        self.cells, self.cwd, self.sandbox = cells, Path(cwd), sandbox
        self.env = env or {}
        self.check_seconds = check_seconds
        self.exported = exported or {}
        self.proc: subprocess.Popen | None = None
        self.peer: rpc.Peer | None = None
        self.load_errors: dict[str, str] = {}
        self.killers: dict[str, str] = {}     # cells that killed the worker while being defined
        self.timed_out = False

    # -- the worker --------------------------------------------------------------
    def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("JPY_", "JUPYTER"))}
        env.update(self.env, PYTHONUNBUFFERED="1", MPLBACKEND="Agg")
        argv = [sys.executable, "-m", "grading.worker"]
        if self.sandbox is not None:
            argv, env = self.sandbox.wrap(argv, env, self.cwd, worker=True)
        self.proc = subprocess.Popen(argv, cwd=self.cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, start_new_session=True)
        self.peer = rpc.Peer(self.proc.stdout, self.proc.stdin, "grader")
        self.load_errors = {}
        for label, source in self.cells:   # one request a cell: a cell that kills the worker is known
            if label in self.killers:
                self.load_errors[label] = self.killers[label]
                continue
            try:
                self.load_errors.update(self.peer.request("exec", cells=[(label, source)]))
            except (EOFError, BrokenPipeError, ConnectionError):
                if self.timed_out:   # defining it never finished: the next start goes without it
                    self.killers[label] = ("HiddenCheckTimeout: defining this cell never finished (code that runs at "
                                           "definition time: a class body, a default value?)")
                    raise
                self.killers[label] = ("WorkerDied: defining this cell stopped the process that runs the hidden "
                                       "checks (code that runs at definition time: a class body, a default value?)")
                _kill_group(self.proc)
                self.proc = self.peer = None
                return self.start()     # again, without that cell

    def stop(self) -> None:
        if self.proc is None:
            return
        try:
            if self.proc.poll() is None and self.peer is not None and not self.timed_out:
                self.peer.request("shutdown")
        except Exception:  # noqa: BLE001 - it is going away anyway
            pass
        _kill_group(self.proc)
        self.proc = self.peer = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    # -- checks ------------------------------------------------------------------
    def run(self, grade_id: str, hidden_code: str) -> CheckResult:
        """Run one grade cell's hidden line here; the worker answers for the student's names.

        Starting a worker (importing TensorFlow, defining the student's cells) has a wall clock of its
        own, so a slow start costs no exercise its time; the checks then get ``check_seconds``.
        """
        self.timed_out = False
        out = io.StringIO()
        names = _LazyNames(self)
        t0 = time.perf_counter()
        dead = False
        try:
            if self.proc is None or self.proc.poll() is not None:
                with self._clock():
                    self.start()
            with self._clock(), contextlib.redirect_stdout(out):
                exec(compile(hidden_code, f"<hidden checks {grade_id}>", "exec"), {"__name__": "__hidden__"}, names)
            return CheckResult(grade_id, True, out.getvalue(), seconds=time.perf_counter() - t0)
        except BaseException as err:  # noqa: BLE001 - every failure becomes this exercise's reason
            dead = self._worker_gone(err)
            return CheckResult(grade_id, False, out.getvalue(), self._reason(err, dead), time.perf_counter() - t0)
        finally:
            if self.proc is not None and (dead or self.proc.poll() is not None):   # crashed or killed: start afresh
                _kill_group(self.proc)
                self.proc = self.peer = None

    @contextlib.contextmanager
    def _clock(self):
        """``check_seconds`` of wall clock for what runs inside; then the worker is killed."""
        timer = threading.Timer(self.check_seconds, self._time_out)
        timer.start()
        try:
            yield
        finally:
            timer.cancel()

    def _time_out(self) -> None:
        self.timed_out = True
        if self.proc is not None:
            _kill_group(self.proc)

    def _worker_gone(self, err: BaseException) -> bool:
        """Did this failure lose the worker?  The connection broke somewhere in the error's chain
        (hidden checks wrap the errors of the student's code), or the process has exited.  A worker
        whose pipe just closed may take a moment to be reaped, so wait for it briefly."""
        if self.timed_out:
            return True
        broken, seen = False, set()
        while err is not None and id(err) not in seen:
            seen.add(id(err))
            broken |= isinstance(err, (EOFError, BrokenPipeError, ConnectionError))
            err = err.__cause__ or err.__context__
        if self.proc is None:
            return broken
        if broken:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=5)
            return True
        return self.proc.poll() is not None

    def _reason(self, err: BaseException, dead: bool = False) -> str:
        if self.timed_out:
            return (f"HiddenCheckTimeout: the hidden checks ran longer than {self.check_seconds} s and were "
                    "stopped (an infinite loop, or a much slower method than needed?)")
        if dead:
            code = self.proc.poll() if self.proc is not None else None
            return (f"WorkerDied: your code stopped the process that runs the hidden checks (exit code {code}: "
                    "a crash, os._exit, sys.exit, or too much memory?)")
        return f"{type(err).__name__}: {err}"


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass
    for stream in (proc.stdin, proc.stdout):
        with contextlib.suppress(Exception):
            stream.close()


@dataclass
class NotebookPlan:
    """What the worker runs for one submission, and each grade cell's hidden line."""

    cells: list = field(default_factory=list)        # [(label, source)]
    hidden: dict = field(default_factory=dict)       # grade_id -> hidden code
    dropped: dict = field(default_factory=dict)      # solution key -> top-level lines left out


def plan_notebook(nb) -> NotebookPlan:
    """Setup and ``given_*`` cells as they are, solution cells as definitions only, hidden lines."""
    from grading import notebook as nbu

    plan = NotebookPlan()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        gid = str(nbu.meta(cell).get("grade_id", ""))
        if gid == "setup" or gid.startswith("given_"):
            plan.cells.append((gid, strip_magics(cell.source)))
        elif nbu.is_solution(cell):
            key = nbu.exercise_key(cell) or gid
            source, dropped = definitions_only(strip_magics(cell.source))
            plan.cells.append((key, source))
            if dropped:
                plan.dropped[key] = dropped
        if nbu.is_grade(cell) and nbu.BEGIN_HIDDEN in cell.source:
            plan.hidden[gid] = cell.source.partition(nbu.BEGIN_HIDDEN)[2].partition(nbu.END_HIDDEN)[0].strip()
    return plan
