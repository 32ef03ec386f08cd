"""The sandbox around every process that runs student code while grading (bubblewrap).

Each student kernel and each hidden-check worker (``grading.worker``) runs under ``bwrap`` with:

- **no network** and its own pid, ipc and uts namespaces; an unprivileged user inside, no
  capabilities; every process dies with its sandbox (``--die-with-parent``, a pid namespace),
  so nothing outlives the grade;
- a **read-only** view of the machine, in which the instructor's material is **hidden**:
  ``solutions/``, ``source/``, ``grading/`` (the hidden tests and references), ``authoring/``,
  ``tests/``, the gradebook, ``submitted/``, ``autograded/`` and ``feedback/`` of every student,
  the exchange and ``.git``; the worker sees a copy of the three files of ``grading`` it needs
  (``wire``, ``rpc``, ``worker``) and nothing else of it;
- **writes only** to its own scratch folder (the notebook's autograded folder, or a temporary
  folder for a worker) and a private, empty ``/tmp/private`` (its ``HOME`` and ``TMPDIR``); the
  rest of its ``/tmp`` is an empty read-only view;
- **caps**: memory and process count through a cgroup where the machine allows one (cgroup v1
  or v2 writable), else an address-space rlimit; wall clocks are the callers' (per cell and per
  notebook in ``grading.execute``, per exercise in ``grading.isolation``).

``Sandbox.check()`` says whether bubblewrap works here.  Grading refuses to run student code
without it unless the instructor passes ``--no-sandbox`` (``CNN_COURSE_NO_SANDBOX=1``), which is
meant for local experiments only.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

NO_SANDBOX_ENV = "CNN_COURSE_NO_SANDBOX"
MEMORY_ENV = "CNN_COURSE_SANDBOX_MEMORY_MB"
MEMORY_BYTES = 6 << 30          # per sandbox (``$CNN_COURSE_SANDBOX_MEMORY_MB`` overrides it)
ADDRESS_SPACE_BYTES = 16 << 30  # the rlimit fallback (TensorFlow maps far more than it uses)
MAX_PROCESSES = 256

HIDDEN_IN_COURSE = ("solutions", "source", "grading", "authoring", "tests", "submitted", "autograded",
                    "feedback", "exchange", "release", ".git", "build", "gradebook.db", ".ci")
"""Paths below the course folder (and the repository) that student code must not see."""
WORKER_FILES = ("wire.py", "rpc.py", "worker.py")
PRIVATE = "/tmp/private"
"""Inside the sandbox: the one writable folder besides the scratch folder (HOME and TMPDIR), empty at start."""


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or does not work on this machine."""


def disabled() -> bool:
    """True when the instructor chose to grade without a sandbox (``CNN_COURSE_NO_SANDBOX=1``)."""
    return os.environ.get(NO_SANDBOX_ENV, "").strip() not in ("", "0")


def check() -> None:
    """Raise ``SandboxUnavailable`` with what to do, unless bubblewrap runs a process here."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable(
            "bubblewrap (bwrap) is not installed, so student code cannot be sandboxed. Install it "
            "(Debian/Ubuntu: `apt install bubblewrap`), or, for a local experiment only, grade without "
            f"the sandbox: `{NO_SANDBOX_ENV}=1` (`python3 course.py ... --no-sandbox`).")
    proc = subprocess.run([bwrap, "--unshare-all", "--die-with-parent", "--ro-bind", "/", "/", "--dev", "/dev",
                           "--proc", "/proc", "true"], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SandboxUnavailable(f"bubblewrap is installed but cannot create a sandbox here "
                                 f"({proc.stderr.strip()[:300]}); allow unprivileged user namespaces, or grade "
                                 f"without the sandbox for a local experiment only ({NO_SANDBOX_ENV}=1)")


def current() -> "Sandbox | None":
    """The sandbox grading should use now: ``None`` when disabled, else one (checked to work)."""
    if disabled():
        return None
    check()
    memory_mb = os.environ.get(MEMORY_ENV, "").strip()
    if memory_mb and not memory_mb.isdigit():
        raise ValueError(f"{MEMORY_ENV}={memory_mb!r}: give the sandbox's memory cap in MiB, e.g. 6144")
    return Sandbox(memory_bytes=int(memory_mb) << 20) if memory_mb else Sandbox()


def _needed_under_tmp(roots) -> list[Path]:
    """The folders below ``/tmp`` that sandboxed code still needs to read, outermost only: the
    Python installation (a virtual environment's prefix and its base) and the repository and
    course folders (``roots``), wherever one of them was installed or cloned into ``/tmp``,
    which the sandbox otherwise replaces by an empty folder.  Their instructor files are hidden
    afterwards like anywhere else."""
    import sys

    tmp = Path("/tmp").resolve()
    found = set()
    for p in [sys.prefix, sys.base_prefix, sys.executable, *roots]:
        p = Path(p).resolve()
        if p.is_file():
            p = p.parent
        if p != tmp and tmp in p.parents:
            found.add(p)
    return sorted(p for p in found if not any(q in p.parents for q in found))


@dataclass
class Sandbox:
    """How to run one command sandboxed; ``wrap`` turns an argv into the sandboxed argv."""

    hidden_roots: list = field(default_factory=list)     # course folders whose instructor files to hide
    memory_bytes: int = MEMORY_BYTES
    max_processes: int = MAX_PROCESSES

    def __post_init__(self):
        from grading import notebook as nbu

        roots = {Path(p).resolve() for p in self.hidden_roots}
        try:
            roots.add(nbu.repo_root().resolve())
        except FileNotFoundError:
            pass
        self.hidden_roots = sorted(roots)
        self._worker_dir: Path | None = None

    # -- the worker's view of grading -------------------------------------------------
    def worker_path(self) -> Path:
        """A folder holding a ``grading`` package with only the worker's three modules."""
        if self._worker_dir is None:
            import grading

            base = Path(tempfile.mkdtemp(prefix="cnn-worker-"))
            pkg = base / "grading"
            pkg.mkdir()
            (pkg / "__init__.py").write_text('"""The grading worker\'s view: wire, rpc and worker only."""\n')
            for name in WORKER_FILES:
                shutil.copy(Path(grading.__file__).parent / name, pkg / name)
            self._worker_dir = base
        return self._worker_dir

    # -- the command -------------------------------------------------------------------
    def wrap(self, argv: list, env: dict, scratch: Path, extra_writable=(), worker: bool = False) -> tuple[list, dict]:
        """The sandboxed form of ``argv`` (run it with the returned env), writable only in ``scratch``
        (and ``extra_writable``); ``worker=True`` adds the worker's view of ``grading``."""
        scratch = Path(scratch).resolve()
        cmd = [shutil.which("bwrap") or "bwrap", "--unshare-all", "--die-with-parent",
               "--unshare-user", "--uid", "1000", "--gid", "1000", "--cap-drop", "ALL",
               "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp", "--dir", PRIVATE]
        for path in _needed_under_tmp(self.hidden_roots):   # a course or Python installed below /tmp
            cmd += ["--ro-bind", str(path), str(path)]
        for root in self.hidden_roots:
            for name in HIDDEN_IN_COURSE:
                path = root / name
                if path.is_dir() and not path.is_symlink():
                    cmd += ["--tmpfs", str(path), "--remount-ro", str(path)]   # empty, and stays empty
                elif path.exists():
                    cmd += ["--ro-bind", "/dev/null", str(path)]
        for path in [scratch, *map(Path, extra_writable)]:
            cmd += ["--bind", str(path), str(path)]
        settings = {"HOME": f"{PRIVATE}/home", "TMPDIR": PRIVATE, "MPLCONFIGDIR": f"{PRIVATE}/mpl",
                    "CNN_COURSE_SANDBOXED": "1"}
        if worker:
            cmd += ["--ro-bind", str(self.worker_path()), "/tmp/cnn-grader"]
            settings["PYTHONPATH"] = os.pathsep.join(["/tmp/cnn-grader"] + [
                p for p in env.get("PYTHONPATH", "").split(os.pathsep)
                if p and Path(p).resolve() not in self.hidden_roots])
        # /tmp holds only the mount points made above (the scratch folder's path among them): read-only,
        # but for a private, empty temporary folder that dies with the sandbox
        cmd += ["--remount-ro", "/tmp", "--tmpfs", PRIVATE, "--dir", f"{PRIVATE}/home", "--dir", f"{PRIVATE}/mpl"]
        for key, value in settings.items():
            cmd += ["--setenv", key, value]
        # argv runs under a shell, not as the first process of the pid namespace: a Jupyter kernel
        # whose parent is pid 1 believes it was orphaned and exits.
        cmd += ["--chdir", str(scratch), "--", "/bin/sh", "-c", '"$@"; exit $?', "sandboxed"]
        return self.limits() + cmd + list(argv), env

    def limits(self) -> list:
        """A prefix (outside bwrap, so the whole sandbox inherits it) that caps memory and processes:
        a fresh cgroup where possible, else prlimit's address-space limit."""
        group = _cgroup(self.memory_bytes, self.max_processes)
        if group:
            return group
        prlimit = shutil.which("prlimit")
        return [prlimit, f"--as={ADDRESS_SPACE_BYTES}", "--"] if prlimit else []


def _cgroup(memory_bytes: int, max_processes: int) -> list:
    """``[sh, -c, 'echo $$ > …/cgroup.procs; exec "$@"', …]`` for a fresh cgroup, or ``[]`` if none can be made."""
    v1 = Path("/sys/fs/cgroup/memory"), Path("/sys/fs/cgroup/pids")
    name = f"cnn-grading-{uuid.uuid4().hex[:12]}"
    procs = []
    try:
        if v1[0].is_dir() and v1[1].is_dir():
            mem, pids = v1[0] / name, v1[1] / name
            mem.mkdir()
            pids.mkdir()
            (mem / "memory.limit_in_bytes").write_text(str(memory_bytes))
            (pids / "pids.max").write_text(str(max_processes))
            procs = [mem / "cgroup.procs", pids / "cgroup.procs"]
            try:   # absent without swap accounting
                (mem / "memory.memsw.limit_in_bytes").write_text(str(memory_bytes))
            except OSError:
                pass
        elif (Path("/sys/fs/cgroup") / "cgroup.controllers").exists():
            group = Path("/sys/fs/cgroup") / name
            group.mkdir()
            (group / "memory.max").write_text(str(memory_bytes))
            (group / "pids.max").write_text(str(max_processes))
            procs = [group / "cgroup.procs"]
    except OSError:
        return []
    join = "; ".join(f"echo $$ > {p}" for p in procs)
    return ["/bin/sh", "-c", f'{join}; exec "$@"', "sandbox"]


def sweep_cgroups() -> None:
    """Remove the empty cgroups earlier sandboxes left (a cgroup can be removed once its processes exited)."""
    for top in (Path("/sys/fs/cgroup/memory"), Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
        if top.is_dir():
            for group in top.glob("cnn-grading-*"):
                try:
                    group.rmdir()
                except OSError:
                    pass


try:
    # nbclient drives its kernel from an asyncio loop: a blocking manager (and the blocking client it
    # hands out) would make every wait block that loop, so no cell timeout could ever fire.
    from jupyter_client.manager import AsyncKernelManager as _KernelManager
except ImportError:  # pragma: no cover - jupyter_client comes with nbgrader
    _KernelManager = object


class SandboxedKernelManager(_KernelManager):
    """A Jupyter kernel manager whose kernels start inside the sandbox.

    The kernel talks to nbgrader over Unix sockets (ZMQ ``ipc``) in a private folder that is
    the only other place it may write, since it has no network at all.  ``sandbox`` and
    ``scratch`` are set by ``grading.execute.ResilientExecute`` for the notebook it runs.
    """

    sandbox: Sandbox | None = None
    scratch: str | None = None

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._ipc_dir = None
        if type(self).sandbox is not None:
            self._ipc_dir = tempfile.mkdtemp(prefix="cnnk-", dir="/tmp")
            self.transport = "ipc"
            self.ip = os.path.join(self._ipc_dir, "k")
            self.connection_file = os.path.join(self._ipc_dir, "kernel.json")

    async def _async_pre_start_kernel(self, **kw):
        cmd, kw = await super()._async_pre_start_kernel(**kw)
        if type(self).sandbox is not None and self.kernel_spec is not None:
            self.kernel_spec.interrupt_mode = "message"   # signals do not cross into the sandbox
        return cmd, kw

    def format_kernel_cmd(self, extra_arguments=None):
        cmd = super().format_kernel_cmd(extra_arguments)
        sandbox = type(self).sandbox
        if sandbox is None:
            return cmd
        argv, _ = sandbox.wrap(cmd, {}, Path(type(self).scratch or os.getcwd()), extra_writable=[self._ipc_dir])
        return argv

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if self._ipc_dir and not restart:
            shutil.rmtree(self._ipc_dir, ignore_errors=True)
