"""What students receive holds no answers: no solution code, hidden test or reference."""
from __future__ import annotations

import importlib
import inspect
import zipfile

import nbformat
import pytest
from helpers import selected_assignments

from grading import notebook as nbu
from grading.bundle import build_bundle


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    path = build_bundle(tmp_path_factory.mktemp("bundle") / "student.zip")
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _text(bundle):
    out = {}
    for name, data in bundle.items():
        try:
            out[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            continue  # images, h5 files
    return out


def test_bundle_has_what_students_need(bundle):
    names = {n.split("/", 2)[1] for n in bundle if n.count("/") >= 2}
    assert {"notebooks", "cnnkit", "public_tests", "images"} <= names
    for a in selected_assignments():
        assert any(n.startswith(f"cnn-course/notebooks/{a}/") and n.endswith(".ipynb") for n in bundle)
    assert "cnn-course/pyproject.toml" in bundle and "cnn-course/README.md" in bundle
    assert 'include = ["cnnkit*", "public_tests*"]' in bundle["cnn-course/pyproject.toml"].decode()


def test_bundle_has_no_instructor_files(bundle):
    forbidden = ("grading/", "solutions/", "tests/", ".ci/")
    assert [n for n in bundle if any(n.startswith("cnn-course/" + f) for f in forbidden)] == []
    config = bundle["cnn-course/nbgrader_config.py"].decode()   # the students' own: Validate's time limit only
    assert "c.Execute.timeout = 120" in config and "grading" not in config.replace("grading does", "")
    deps = bundle["cnn-course/pyproject.toml"].decode()
    assert not any(tool in deps for tool in ("pytest", "dask", "psycopg2", "playwright")), deps


def test_bundle_has_no_solution_markers_hidden_tests_or_grading_imports(bundle):
    for name, text in _text(bundle).items():
        for marker in (nbu.BEGIN_SOLUTION, nbu.BEGIN_HIDDEN, "from grading", "import grading"):
            assert marker not in text, f"{name} contains {marker!r}"


def _distinctive(lines):
    return {ln.strip() for ln in lines
            if len(ln.strip()) > 24 and not ln.strip().startswith(("#", '"', "'", "def "))}


def _solution_cells(assignment):
    """Distinctive answer lines of each solution cell of a source notebook."""
    nb = nbu.read(nbu.notebook_path(assignment))
    cells = [c for c in nb.cells if nbu.is_solution(c)]
    return {nbu.exercise_key(c): _distinctive(nbu.solution_region_lines(nbformat.v4.new_notebook(cells=[c])))
            for c in cells}


def _split_notebook(text):
    nb = nbformat.reads(text, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    prose = "\n".join(c.source for c in nb.cells if c.cell_type != "code")
    return code, prose


def test_bundle_contains_no_solution_code(bundle):
    """No answer line in any code (helpers, public tests, student code cells).

    The notebook's text may hint at a line or two of a function (``cache = (A_prev, W, b,
    hparameters)``, the output-size formula), but never at most of it.
    """
    texts = _text(bundle)
    for a in selected_assignments():
        per_function = _solution_cells(a)
        assert per_function and any(per_function.values())
        student_nb = texts[f"cnn-course/{nbu.notebook_path(a, 'notebooks').relative_to(nbu.repo_root())}"]
        _, given_prose = _split_notebook(student_nb)
        for fn, answers in per_function.items():
            hinted = [ln for ln in answers if ln in given_prose]
            assert len(hinted) < max(2, len(answers) / 2), f"the text gives away most of {fn}: {hinted}"
            secret = [ln for ln in answers if ln not in given_prose]  # hints the text gives are fine
            for name, text in texts.items():
                code = _split_notebook(text)[0] if name.endswith(".ipynb") else text
                leaked = [ln for ln in secret if ln in code]
                assert not leaked, f"{name} holds solution lines of {a}:{fn}: {leaked[:3]}"


def _reference_modules():
    """Every instructor-only reference implementation: grading/<week>/reference.py, one per assignment."""
    names = [f"grading.{a.split('_')[0]}.reference" for a in nbu.assignment_ids()]
    return [importlib.import_module(name) for name in names]


#: Framework boilerplate that reference code and student-facing helpers both need; these
#: lines reveal nothing about an answer.
GENERIC_LINES = {"with tf.GradientTape() as tape:", "return quiet_tensorflow()", "tf = quiet_tensorflow()"}


def test_bundle_contains_no_reference_implementation(bundle):
    texts = _text(bundle)
    prose = "\n".join(_split_notebook(t)[1] for n, t in texts.items() if n.endswith(".ipynb"))
    sources = "\n".join(inspect.getsource(m) for m in _reference_modules())
    refs = {ln for ln in _distinctive(sources.splitlines())
            if not ln.startswith(("from ", "import ")) and ln not in prose and ln not in GENERIC_LINES}
    assert refs
    for name, text in texts.items():
        leaked = [ln for ln in refs if ln in text]
        assert not leaked, f"{name} holds reference-implementation lines: {leaked[:3]}"


# ----------------------------------------------------------------------------------- behaviour
PLANTED = '''
import numpy as np


def pad_borders(X, pad):
    """An equivalent rewrite of the graded zero_pad: the scan must flag it."""
    return np.pad(X, [(0, 0), (pad, pad), (pad, pad), (0, 0)])


def smile_detector():
    """A copy of the graded happyModel structure: the scan must flag it."""
    from grading.w1a2.reference import happy_model
    return happy_model()
'''


def _sandbox(tmp_path, drop=()):
    """A scratch datasets folder: the same tree, each shipped file a link to the real one (a copied
    manifest), minus the files named in ``drop``.  Files are written by replacing them
    (``os.replace``), so a function that rewrites data replaces the link, never the real file."""
    from cnnkit import files

    real = files.datasets_dir()
    ds = tmp_path / "datasets"
    for item in sorted(real.rglob("*")):
        target = ds / item.relative_to(real)
        if item.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif item.name == "MANIFEST.json" and item.parent == real:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(item.read_bytes())
        elif item.name not in drop and not item.name.startswith("."):
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(item)
    return ds


@pytest.fixture(scope="module")
def scan_result(tmp_path_factory):
    """``python -m grading.leaks`` over the bundle plus a planted leak, in a scratch folder."""
    import json
    import os
    import subprocess
    import sys

    tmp = tmp_path_factory.mktemp("leaks")
    (tmp / "planted_leak.py").write_text(PLANTED)
    env = dict(os.environ, CNN_COURSE_DATASETS=str(_sandbox(tmp)), MPLBACKEND="Agg",
               PYTHONPATH=os.pathsep.join([str(tmp), os.environ.get("PYTHONPATH", "")]))
    proc = subprocess.run([sys.executable, "-m", "grading.leaks", "--json", "--extra-module", "planted_leak"],
                          cwd=tmp, env=env, capture_output=True, text=True, timeout=1800)
    assert proc.stdout.strip(), proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_no_bundle_function_builds_a_graded_model_or_computes_a_graded_answer(scan_result):
    """Behaviour, not text: every public cnnkit/public_tests function that accepts a graded exercise's
    arguments is called with them, and none gives the reference's answer."""
    leaks = [tuple(x) for x in scan_result["leaks"] if not x[0].startswith("planted_leak.")]
    assert leaks == [], f"student-facing functions give graded answers: {leaks}"
    assert scan_result["calls"] > 100 and scan_result["functions"] > 50


def test_the_scan_catches_an_equivalent_rewrite(scan_result):
    planted = sorted(tuple(x) for x in scan_result["leaks"] if x[0].startswith("planted_leak."))
    assert planted == [("planted_leak.pad_borders", "zero_pad"), ("planted_leak.smile_detector", "happyModel")]


def test_every_graded_exercise_is_probed(scan_result):
    keys = {c.function for a in nbu.assignment_ids() for c in nbu.grade_cells(nbu.read(nbu.notebook_path(a)))}
    covered = set(scan_result["probed"]) | set(scan_result["unprobed"])
    assert sorted(keys - covered) == [], "add a probe to grading/<week>/reference.py:probes() (or UNPROBED with why)"


def test_the_pretrained_resnet_is_loaded_not_built(scan_result, tmp_path, monkeypatch):
    """The one allowed loader returns the graded architecture only by reading the shipped config."""
    from cnnkit import files, resnet

    assert ["cnnkit.resnet.load_pretrained_resnet50", "ResNet50"] in scan_result["loaders"]
    monkeypatch.setenv("CNN_COURSE_DATASETS", str(_sandbox(tmp_path, drop=("resnet50_signs.keras.json",))))
    with pytest.raises(files.IntegrityError, match="resnet50_signs.keras.json"):
        resnet.load_pretrained_resnet50()


def test_skipped_functions_exist():
    from grading import leaks

    callables = leaks.bundle_callables()
    assert [name for name in list(leaks.SKIP) + list(leaks.LOADERS) if name not in callables] == []
