"""What students receive holds no answers: no solution code, hidden test or reference."""
from __future__ import annotations

import inspect
import zipfile

import pytest

import grading.reference
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
            if len(ln.strip()) > 24 and not ln.strip().startswith(("#", '"', "'", "def ", "return "))}


def test_bundle_contains_no_solution_code(bundle):
    texts = _text(bundle)
    for a in nbu.assignment_ids():
        answers = _distinctive(nbu.solution_region_lines(nbu.read(nbu.notebook_path(a))))
        assert answers
        for name, text in texts.items():
            leaked = [ln for ln in answers if ln in text]
            assert not leaked, f"{name} holds solution lines of {a}: {leaked[:3]}"


def test_bundle_contains_no_reference_implementation(bundle):
    texts = _text(bundle)
    refs = _distinctive(inspect.getsource(grading.reference).splitlines())
    assert refs
    for name, text in texts.items():
        leaked = [ln for ln in refs if ln in text]
        assert not leaked, f"{name} holds reference-implementation lines: {leaked[:3]}"
