"""What students receive holds no answers: no solution code, hidden test or reference."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
import zipfile

import nbformat
import pytest

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
    for a in nbu.assignment_ids():
        assert any(n.startswith(f"cnn-course/notebooks/{a}/") and n.endswith(".ipynb") for n in bundle)
    assert "cnn-course/pyproject.toml" in bundle and "cnn-course/README.md" in bundle
    assert 'include = ["cnnkit*", "public_tests*"]' in bundle["cnn-course/pyproject.toml"].decode()


def test_bundle_has_no_instructor_files(bundle):
    forbidden = ("grading/", "solutions/", "tests/", ".ci/", "nbgrader_config.py")
    assert [n for n in bundle if any(n.startswith("cnn-course/" + f) for f in forbidden)] == []


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
    return {nbu.defined_function(c): _distinctive(nbu.solution_region_lines(nbformat.v4.new_notebook(cells=[c])))
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
    for a in nbu.assignment_ids():
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
    """Every instructor-only reference implementation: grading/reference*.py."""
    import grading

    names = sorted(m.name for m in pkgutil.iter_modules(grading.__path__) if m.name.startswith("reference"))
    assert {"reference", "reference_models"} <= set(names), names
    return [importlib.import_module(f"grading.{name}") for name in names]


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
