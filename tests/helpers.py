"""Shared pieces of the per-assignment grading tests (``tests/test_<week>_grading.py``).

The ``tf`` fixture lives in ``conftest.py``; this module holds the plain helpers::

    from helpers import checks_of, variant_id
    hidden_check, public_check = checks_of("w2a1")
    hidden_check("identity_block")      # grading.w2a1.check_identity_block
    public_check("identity_block")      # public_tests.w2a1.identity_block_test
"""
from __future__ import annotations

import importlib
import os
from typing import Callable

from grading import notebook as nbu

SELECT_ENV = "CNN_COURSE_ASSIGNMENTS"


CODE_WIDTH = 115
"""The widest code line JupyterLab's editor shows whole in a laptop window (1366 px wide, file browser
open): tests/test_notebooks.py checks the characters, tests/test_browser.py the pixels in Chromium."""


def selected_assignments() -> list[str]:
    """The assignments the notebook-level tests cover: all, or those named (comma-separated) in
    ``$CNN_COURSE_ASSIGNMENTS``, for working on one assignment without grading all of them."""
    every = nbu.assignment_ids()
    wanted = [a.strip() for a in os.environ.get(SELECT_ENV, "").split(",") if a.strip()]
    unknown = sorted(set(wanted) - set(every))
    if unknown:
        raise ValueError(f"{SELECT_ENV} names unknown assignments {unknown}; known: {every}")
    return [a for a in every if a in wanted] if wanted else every


#: The demo class of the default suite holds one NumPy and one Keras assignment: what it proves (the README's
#: instructor loop, formgrader showing a class) does not grow with the number of assignments, and the round
#: trip already grades correct, blank and partly wrong work of all eight (the browser's feedback pages are
#: the round trip's). The demo class of every assignment is a rare heavy check (tests/test_demo.py).
DEMO_IN_DEFAULT_SUITE = ("w1a1_conv_step_by_step", "w4a1_face_recognition")
assert set(DEMO_IN_DEFAULT_SUITE) <= set(nbu.assignment_ids()), "rename DEMO_IN_DEFAULT_SUITE's assignments"


def demo_assignments() -> list[str]:
    """The selected assignments of ``DEMO_IN_DEFAULT_SUITE`` (the first selected one when none is)."""
    selected = selected_assignments()
    return [a for a in selected if a in DEMO_IN_DEFAULT_SUITE] or selected[:1]


def checks_of(week: str) -> tuple[Callable[[str], Callable], Callable[[str], Callable]]:
    """``(hidden_check, public_check)`` lookups for one assignment's exercises."""
    hidden = importlib.import_module(f"grading.{week}")
    public = importlib.import_module(f"public_tests.{week}")

    def hidden_check(target: str) -> Callable:
        return getattr(hidden, f"check_{target}")

    def public_check(target: str) -> Callable:
        return getattr(public, f"{target}_test")

    return hidden_check, public_check


def variant_id(v) -> str:
    """Test id of a mutation-registry variant: ``<target>:<name>``."""
    return v.id
