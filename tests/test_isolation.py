"""Hidden checks outside the student's kernel (grading.isolation, grading.rpc, grading.wire).

A ``CheckSession`` holds only the student's definitions in a worker process and runs each
check in the grader; these tests give it small cells and checks directly (no notebook), with
and without the bubblewrap sandbox.
"""
from __future__ import annotations

import copy

import numpy as np
import pytest

from grading import sandbox as sb
from grading import wire
from grading.isolation import CheckSession, definitions_only

CHECK = "import numpy as np\nout = double(np.arange(4.0))\nassert np.array_equal(np.asarray(out), np.arange(4.0) * 2), out\n"


def _session(tmp_path, cells, sandboxed=False, seconds=60):
    box = sb.current() if sandboxed else None
    return CheckSession(cells, cwd=tmp_path, sandbox=box, check_seconds=seconds)


def test_definitions_only_keeps_defs_imports_and_literals_and_drops_statements():
    source = ("import numpy as np\nfrom math import pi\nLIMIT = 3\nnp.allclose = lambda *a, **k: True\n"
              "get_ipython().input_transformers_cleanup.append(lambda lines: [])\nimport sys; sys.settrace(print)\n"
              "def f(x):\n    return x\nclass C:\n    pass\nprint('hello')\n")
    kept, dropped = definitions_only(source)
    assert "def f(x)" in kept and "class C" in kept and "LIMIT = 3" in kept and "from math import pi" in kept
    assert "allclose" not in kept and "settrace" not in kept and "input_transformers" not in kept
    assert len(dropped) == 4
    assert definitions_only("def broken(:\n")[0] == "def broken(:\n"   # the SyntaxError shows when it runs


@pytest.mark.parametrize("sandboxed", [False, True], ids=["plain", "sandboxed"])
def test_a_correct_definition_passes_and_top_level_tampering_never_reaches_the_check(tmp_path, sandboxed):
    if sandboxed:
        pytest.importorskip("grading.sandbox").check()
    student = ("import numpy as np\nnp.array_equal = lambda *a, **k: True\n"
               "def double(x):\n    return x * 2\n")
    cells = [("double", definitions_only(student)[0])]
    with _session(tmp_path, cells, sandboxed) as s:
        result = s.run("double_test", CHECK)
    assert result.passed, result.error


def test_an_object_that_claims_to_equal_everything_cannot_pass(tmp_path):
    student = ("class Yes:\n    def __eq__(self, other):\n        return True\n    __array_priority__ = 1000\n"
               "def double(x):\n    return Yes()\n")
    with _session(tmp_path, [("double", student)]) as s:
        result = s.run("double_test", CHECK)
    assert not result.passed
    assert "AssertionError" in result.error or "Error" in result.error


def test_patching_numpy_inside_the_function_patches_only_the_worker(tmp_path):
    student = ("import numpy as np\ndef double(x):\n    np.array_equal = lambda *a, **k: True\n"
               "    np.testing.assert_allclose = lambda *a, **k: None\n    return x * 3\n")
    with _session(tmp_path, [("double", student)]) as s:
        result = s.run("double_test", CHECK)
    assert not result.passed and "AssertionError" in result.error
    assert np.array_equal(np.zeros(1), np.zeros(1)) and not np.array_equal(np.zeros(1), np.ones(1))


def test_a_crash_costs_its_check_only_and_the_next_check_gets_a_fresh_worker(tmp_path):
    cells = [("double", "def double(x):\n    return x * 2\n"),
             ("boom", "import os\ndef boom():\n    os._exit(3)\n")]
    with _session(tmp_path, cells) as s:
        crashed = s.run("boom_test", "boom()")
        after = s.run("double_test", CHECK)
    assert not crashed.passed and crashed.error.startswith("WorkerDied"), crashed.error
    assert after.passed, after.error


def test_a_cell_that_kills_the_worker_while_being_defined_costs_its_own_exercise(tmp_path):
    cells = [("double", "def double(x):\n    return x * 2\n"),
             ("evil", "import os\nclass evil:\n    os._exit(1)\n")]
    with _session(tmp_path, cells) as s:
        first = s.run("double_test", CHECK)
        second = s.run("evil_test", "evil()")
    assert first.passed, first.error
    assert not second.passed and "stopped the process" in second.error, second.error


def test_a_runaway_check_is_stopped_at_its_wall_clock_and_grading_goes_on(tmp_path):
    cells = [("double", "def double(x):\n    return x * 2\n"),
             ("spin", "def spin():\n    while True:\n        pass\n")]
    with _session(tmp_path, cells, seconds=3) as s:
        stuck = s.run("spin_test", "spin()")
        after = s.run("double_test", CHECK)
    assert not stuck.passed and stuck.error.startswith("HiddenCheckTimeout"), stuck.error
    assert 2.5 < stuck.seconds < 30
    assert after.passed, after.error


def test_what_the_student_prints_is_kept_apart_from_the_wire(tmp_path):
    student = ("import os, sys\ndef double(x):\n    print('from print')\n    os.write(1, b'raw bytes on fd 1')\n"
               "    return x * 2\n")
    with _session(tmp_path, [("double", student)]) as s:
        result = s.run("double_test", CHECK)
    assert result.passed, result.error
    assert "from print" in result.output


def test_the_wire_carries_data_only():
    buffers: list[bytes] = []
    enc = wire.Encoder(lambda obj: {"$handle": 1, "type": type(obj).__name__})
    tree, buffers = enc.encode({"a": np.arange(3), "b": (1.5, float("nan"), None), "c": "text"})
    dec = wire.Decoder(lambda h: ("handle", h), None, None)
    back = dec.decode(tree, buffers)
    assert np.array_equal(back["a"], np.arange(3)) and back["c"] == "text" and np.isnan(back["b"][1])
    obj_tree, _ = enc.encode(np.array([object()], dtype=object))
    assert "$handle" in str(obj_tree)     # object arrays are never unpickled: they stay references


@pytest.mark.parametrize("mode", ["summary", "none", "full"])
def test_what_the_graded_notebook_shows_of_the_hidden_checks(tmp_path, mode):
    """RunHiddenChecks on a w1a1 submission with one wrong function, in each feedback mode."""
    from grading import notebook as nbu
    from grading.execute import HIDDEN_PLACEHOLDER, RunHiddenChecks, StripHiddenChecks
    from grading.mutation import registry

    a = "w1a1_conv_step_by_step"
    source = nbu.read(nbu.notebook_path(a))
    code = nbu.solutions(source)
    code["zero_pad"] = registry(a).mutants("zero_pad")[0].cell_source()
    nb = copy.deepcopy(source)
    for cell in nb.cells:
        if nbu.exercise_key(cell) in code:
            cell.source = code[nbu.exercise_key(cell)]
    resources = {"metadata": {"path": str(tmp_path)}, "nbgrader": {"assignment": a}}
    nb, resources = StripHiddenChecks().preprocess(nb, resources)
    assert all(nbu.BEGIN_HIDDEN not in c.source for c in nb.cells)
    nb, _ = RunHiddenChecks(feedback=mode, config=None).preprocess(nb, resources)
    grade = {nbu.meta(c)["grade_id"]: c for c in nb.cells if nbu.is_grade(c)}
    failed = [o for o in grade["zero_pad_pads_spatial_axes_only"].outputs if o.output_type == "error"]
    passed = grade["conv_forward_shapes_and_values"]
    assert len(failed) == 1 and not [o for o in passed.outputs if o.output_type == "error"]
    assert "hidden tests passed" in "".join(o.get("text", "") for o in passed.outputs)
    shown = failed[0].evalue + " ".join(failed[0].traceback)
    if mode == "none":
        assert shown.count("a hidden check of this exercise failed") == 2
    else:
        assert "zero_pad" in shown and len(shown) > 60
    if mode == "full":
        assert "check_zero_pad(zero_pad)" in grade["zero_pad_pads_spatial_axes_only"].source
    else:
        assert all(HIDDEN_PLACEHOLDER in c.source and "from grading" not in c.source for c in grade.values())


def test_long_failure_messages_are_wrapped_for_reading_and_keep_every_word():
    from grading.execute import wrap_for_reading

    message = "AssertionError: conv_forward: " + " ".join(f"value{k}" for k in range(60)) + "\nsecond line"
    shown = wrap_for_reading(message)
    assert max(len(line) for line in shown.splitlines()) <= 100
    assert shown.split() == message.split() and shown.splitlines()[-1] == "second line"
    assert wrap_for_reading("short: unchanged") == "short: unchanged"
