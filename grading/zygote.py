"""A pre-started ``nbgrader`` for class-wide grading (``grading.scale``): ``python -m grading.zygote``.

Starting ``nbgrader`` costs seconds of CPU (it imports Jupyter's server, nbconvert, SQLAlchemy,
...), which serial ``nbgrader autograde`` pays once and a task that grades one submission would
pay for every submission.  This process imports all that once, then for each request forks a
child that runs exactly ``nbgrader <args>`` (``nbgrader.apps.nbgraderapp.main``, as ``python -m
nbgrader`` does) in the request's folder, environment and log file; the child is a fresh copy of
this single-threaded process, so nothing carries over from one submission to the next.

Protocol (one JSON object per line): the parent writes ``{"args", "cwd", "env", "log"}``; this
process answers ``{"pid": <child>}`` when the child started and ``{"code": <exit status>,
"cpu": <CPU seconds of the child and its children>}`` when it ended.  It exits when its stdin
closes or its parent dies (Linux: ``PR_SET_PDEATHSIG``); a child dies with it.
"""
from __future__ import annotations

import json
import os
import signal
import sys


def _die_with_parent(parent: int) -> None:
    if sys.platform.startswith("linux"):
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)   # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(3)


def _child(req: dict, proto_fd: int) -> int:
    os.setsid()
    _die_with_parent(int(req["parent"]))
    os.close(proto_fd)
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    log = os.open(req["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    sys.stdout = open(1, "w", buffering=1, closefd=False)
    sys.stderr = open(2, "w", buffering=1, closefd=False)
    os.chdir(req["cwd"])
    os.environ.clear()
    os.environ.update(req["env"])
    sys.argv = ["nbgrader", *req["args"]]
    try:
        from nbgrader.apps.nbgraderapp import main

        main()
        return 0
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    except BaseException:  # noqa: BLE001 - reported in the log, as a crashed nbgrader would
        import traceback

        traceback.print_exc()
        return 1
    finally:
        sys.stdout.flush()
        sys.stderr.flush()


def serve(parent: int) -> None:
    _die_with_parent(parent)
    proto = os.fdopen(os.dup(1), "w", buffering=1)   # the protocol; stray output of imports goes to stderr
    os.dup2(2, 1)
    # jsonschema's optional IRI format checker compiles a grammar when imported; nothing autograde
    # validates has an IRI format.
    sys.modules.setdefault("rfc3987_syntax", None)
    try:
        import nbgrader.apps.nbgraderapp  # noqa: F401 - the slow part, once
        import nbgrader.converters.autograde  # noqa: F401
        try:   # what this course's nbgrader_config.py imports
            import grading.execute  # noqa: F401
            import grading.intake  # noqa: F401
        except ImportError:
            pass
    except BaseException as err:  # noqa: BLE001
        proto.write(json.dumps({"error": f"{type(err).__name__}: {err}"}) + "\n")
        return
    proto.write(json.dumps({"ready": os.getpid()}) + "\n")
    for line in sys.stdin:
        req = json.loads(line)
        req["parent"] = os.getpid()
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                code = _child(req, proto.fileno())
            finally:
                os._exit(code if isinstance(code, int) and 0 <= code < 256 else 1)
        proto.write(json.dumps({"pid": pid}) + "\n")
        _, status, usage = os.wait4(pid, 0)
        proto.write(json.dumps({"code": os.waitstatus_to_exitcode(status),
                                "cpu": usage.ru_utime + usage.ru_stime}) + "\n")


if __name__ == "__main__":
    serve(int(sys.argv[1]))
