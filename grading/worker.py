"""The sandboxed process that holds a student's graded definitions (``python -m grading.worker``).

It speaks ``grading.rpc`` on its standard input and output and does only what the grader asks:
run cells (the notebook's setup and read-only helper cells, then the student's definitions),
look up names, call functions.  Inside the sandbox this module, ``grading.rpc`` and
``grading.wire`` are the only parts of ``grading`` it can see (``grading.sandbox`` mounts a copy
of these three files; the real package, the solutions and the hidden tests are not visible).
Whatever the student's code prints goes to the grader with each answer, never onto the wire
itself: file descriptor 1 is pointed at 2 before any student code runs.
"""
from __future__ import annotations

import os
import sys


def main() -> int:
    wire_in = os.fdopen(os.dup(0), "rb", buffering=0)
    wire_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.dup2(2, 1)                      # stray C-level writes to stdout cannot corrupt the wire
    sys.stdin = open(os.devnull)
    sys.stdout = os.fdopen(os.dup(2), "w", buffering=1)
    from grading.rpc import Peer

    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    Peer(wire_in, wire_out, "worker", namespace).serve_forever()
    return 0


if __name__ == "__main__":
    sys.exit(main())
