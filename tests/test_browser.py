"""The student's and the instructor's day, in a real browser (issue 17).

JupyterLab with nbgrader's extensions runs on loopback with a token; Debian's Chromium, driven
by Playwright (nothing downloaded), does what people do:

- a **student** unpacks the student bundle, starts ``jupyter lab notebooks/`` in it (as the
  bundle's README says) and, for every assignment found in ``notebooks/``: opens the notebook at
  a laptop's window size (1366 x 768), looks at its figures, runs the setup cell (no traceback,
  no wall of warnings), types the answer of the first exercise and runs its public test (the
  pass message), makes a plausible mistake (a mutant from ``grading/<week>/mutants.py`` that
  the public test catches) and reads the failure message, then clicks nbgrader's **Validate**
  and reads its verdict;
- an **instructor** starts ``jupyter lab`` in the graded demo course (``run_demo``: ada, ben,
  cy, on ``DEMO_IN_DEFAULT_SUITE``'s assignments), opens formgrader from the Nbgrader menu, sees
  the class's scores and one submission; then opens, through JupyterLab, the feedback pages of
  every assignment, from the round trip's graded courses (``graded_course``: the solution run in
  full, a submission with one mistake): every figure of every page (the notebooks' output
  figures) loads, and each shows its score.

Every step leaves a screenshot in ``build/browser/<group>/NN-<step>.png``; open
``build/browser/index.html`` to look through them.

Run alone: ``python3 course.py test -m browser`` (or ``make browser``; it grades the round trip's
courses first, about 17 minutes for all eight assignments); part of the default run.
Only the setup cell and one public test run per notebook (no training); Validate runs the
notebook in quick mode (``CNN_COURSE_QUICK_TRAIN=1``).  Without Playwright or Chromium
(Debian package ``chromium``) the module is skipped and says why.
"""
from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

import pytest
from helpers import CODE_WIDTH, selected_assignments

from grading import notebook as nbu
from grading.bundle import bundle_members
from grading.course import DEMO_STUDENTS
from grading.mutation import registry

pytestmark = pytest.mark.browser

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright for Python is not installed (it is in pyproject.toml: `pip install -e .`)")

from labdriver import (  # noqa: E402 - after the skip
    CHROMIUM_ARGS,
    LAPTOP,
    LabServer,
    NotebookPage,
    Shots,
    broken_images,
    chromium_path,
)

CHROMIUM = chromium_path()
if CHROMIUM is None:
    named = os.environ.get("CNN_COURSE_CHROMIUM", "").strip()
    pytest.skip((f"CNN_COURSE_CHROMIUM={named} is not a file" if named else
                 "Chromium is not installed (Debian: `apt-get install chromium`; or set CNN_COURSE_CHROMIUM "
                 "to a Chromium binary)") + ": the browser tests need it", allow_module_level=True)

ROOT = nbu.repo_root()
SHOTS = Shots(ROOT / "build" / "browser")
QUICK = {"CNN_COURSE_QUICK_TRAIN": "1"}
# What a setup cell may print before it counts as "a wall": a few lines (e.g. which data set).
SETUP_MAX_LINES = 6


def notebook_assignments() -> list[str]:
    """Every assignment found in ``notebooks/`` (``notebooks/<id>/<id>.ipynb``), limited to
    ``$CNN_COURSE_ASSIGNMENTS`` when that is set."""
    found = sorted(p.parent.name for p in (ROOT / "notebooks").glob("*/*.ipynb")
                   if p.stem == p.parent.name and ".ipynb_checkpoints" not in p.parts)
    wanted = set(selected_assignments()) if os.environ.get("CNN_COURSE_ASSIGNMENTS") else None
    return [a for a in found if wanted is None or a in wanted]


ASSIGNMENTS = notebook_assignments()


@pytest.fixture(scope="module", autouse=True)
def fresh_screenshots():
    shutil.rmtree(SHOTS.folder, ignore_errors=True)
    SHOTS.items.clear()
    yield
    SHOTS.write_index()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def student_lab(tmp_path_factory):
    """The student bundle unpacked in a scratch folder, and ``jupyter lab notebooks/`` in it.

    Everything of the bundle is written but the data sets, which are linked (the kernels read
    data through the installed ``cnnkit``, whose files are the repository's anyway).
    """
    home = tmp_path_factory.mktemp("student") / "cnn-course"
    for name, data in bundle_members(ROOT).items():
        if name.startswith("datasets/"):
            continue
        path = home / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (home / "datasets").symlink_to(ROOT / "datasets", target_is_directory=True)
    with LabServer(home, "notebooks/", home.parent / "jupyter", env=QUICK) as lab:
        yield lab


@pytest.fixture(scope="module")
def context(browser):
    ctx = browser.new_context(viewport=LAPTOP)
    yield ctx
    ctx.close()


# -- the student's day ---------------------------------------------------------------------

def _first_exercise(nb) -> tuple[int, int, str, list[int]]:
    """``(solution cell, test cell, exercise key, read-only cells to run before)`` of exercise 1."""
    sol = next(i for i, c in enumerate(nb.cells) if nbu.is_solution(c))
    test = next(i for i, c in enumerate(nb.cells) if i > sol and nbu.is_grade(c))
    before = [i for i, c in enumerate(nb.cells[:sol]) if c.cell_type == "code"
              and nbu.meta(c).get("locked") and nbu.meta(c).get("grade_id") != "setup"]
    return sol, test, nbu.exercise_key(nb.cells[sol]), before


def _markdown_images(nb) -> int:
    return sum(len(re.findall(r"!\[[^\]]*\]\(|<img\b", c.source)) for c in nb.cells if c.cell_type == "markdown")


def _text(outputs: list[dict]) -> str:
    return "\n".join(o["text"] for o in outputs)


def _errors(outputs: list[dict]) -> list[dict]:
    return [o for o in outputs if "stderr" in o["mime"] or "error" in o["mime"]]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_student_opens_runs_a_public_test_makes_a_mistake_and_validates(assignment, student_lab, context):
    release = nbu.read(ROOT / "notebooks" / assignment / f"{assignment}.ipynb")
    sol, test, key, before = _first_exercise(release)
    setup = next(i for i, c in enumerate(release.cells) if nbu.meta(c).get("grade_id") == "setup")
    correct = nbu.solutions(nbu.read(nbu.notebook_path(assignment)))[key]
    page = context.new_page()
    try:
        nb = NotebookPage(page, student_lab, f"{assignment}/{assignment}.ipynb").open(len(release.cells))
        assert nb.cell_count() == len(release.cells)
        SHOTS.take(page, assignment, "opened", "the notebook as it opens at 1366 x 768")

        # Every figure renders, and the notebook reads without sideways scrolling.
        nb.render_all()
        n_images, broken = broken_images(page, ".jp-NotebookPanel .jp-Notebook")
        assert n_images >= _markdown_images(release), f"{n_images} pictures shown, {_markdown_images(release)} in the markdown"
        assert broken == [], f"pictures that do not load: {broken}"
        first_image = nb.first_image_cell()
        if first_image is not None:
            nb.scroll_to(first_image)
            SHOTS.take(page, assignment, "figure", "the first figure of the notebook renders")
        overflow = nb.horizontal_overflow()
        wide_text = [o for o in overflow if o["kind"] == "text"]
        assert wide_text == [], f"text wider than the notebook at {LAPTOP['width']} px: {wide_text}"
        wide_code = {o["cell"]: max(release.cells[o["cell"]].source.splitlines(), key=len)
                     for o in overflow if o["kind"] == "code"}

        # The setup cell: quiet.
        nb.run(setup, timeout=300)
        out = nb.outputs(setup)
        assert _errors(out) == [], f"the setup cell wrote an error or on stderr:\n{_text(out)}"
        assert len(_text(out).splitlines()) <= SETUP_MAX_LINES, f"the setup cell prints a wall:\n{_text(out)}"
        nb.scroll_to(setup)
        SHOTS.take(page, assignment, "setup", "the setup cell ran: no traceback, no warnings")
        for i in before:   # read-only cells the exercise needs (settings, given helpers)
            nb.run(i, timeout=300)
            assert _errors(nb.outputs(i)) == [], f"read-only cell {i} failed:\n{_text(nb.outputs(i))}"

        # Exercise 1, answered correctly: the public test passes.
        nb.type_into(sol, correct)
        nb.run(sol)
        assert _errors(nb.outputs(sol)) == [], _text(nb.outputs(sol))
        nb.run(test, timeout=300)
        out = nb.outputs(test)
        assert "All tests passed." in _text(out) and _errors(out) == [], _text(out)
        nb.scroll_to(test, top=False)
        SHOTS.take(page, assignment, "public-test-passes", f"exercise 1 ({key}) answered: the public test passes")

        # A plausible mistake: the first mutant that the public test catches.
        for mutant in registry(assignment).mutants(key)[:6]:
            nb.type_into(sol, mutant.cell_source())
            nb.run(sol)
            nb.run(test, timeout=300)
            out = nb.outputs(test)
            if _errors(out):
                break
        else:
            pytest.fail(f"{assignment}: none of the first mutants of {key} fails its public test")
        failure = _text(_errors(out))
        assert failure.startswith("AssertionError:"), f"{mutant.id}: not a public-test verdict:\n{failure}"
        assert len(failure.splitlines()) <= 8 and len(failure) > 40, (
            f"{mutant.id}: the message should be a few helpful lines:\n{failure}")
        nb.scroll_to(test, top=False)
        SHOTS.take(page, assignment, "mistake", f"a mistake ({mutant.description}): the public test says what is wrong")

        # Validate (nbgrader's toolbar button): it saves, runs the notebook and lists what fails.
        t0 = time.monotonic()
        title, text = nb.validate()
        SHOTS.take(page, assignment, "validate", f"Validate's verdict ({time.monotonic() - t0:.0f} s)")
        assert "Validation" in title, title
        test_line = next(ln for ln in release.cells[test].source.splitlines() if ln.strip() and not ln.startswith("#"))
        assert "failed" in text.lower() and test_line in text, (
            f"Validate should list exercise 1's test cell as failing:\n{text[:2000]}")
        assert failure.splitlines()[0][len("AssertionError: "):][:40] in text, (
            "Validate should show the same message as the notebook:\n" + text[:2000])
        assert "init_notebook" not in text, "Validate reports the setup cell as failing:\n" + text[:2000]
        nb.close_dialog()

        # Checked last, so that every step above has run and left its screenshot.
        assert wide_code == {}, (
            f"code lines wider than the editor at {LAPTOP['width']} x {LAPTOP['height']} (the reader scrolls "
            f"sideways): {wide_code}; break them below about {CODE_WIDTH} characters in authoring/{assignment}.py")
    finally:
        page.close()
        student_lab.shutdown_kernels()


# -- the instructor's day ------------------------------------------------------------------

@pytest.fixture(scope="module")
def instructor_lab(demo_course, tmp_path_factory):
    """``jupyter lab`` started in the graded demo course directory (where nbgrader_config.py is)."""
    with LabServer(demo_course.root, None, tmp_path_factory.mktemp("instructor-jupyter")) as lab:
        yield lab


def _open_formgrader(page):
    """Nbgrader menu > Formgrader (again if JupyterLab was still starting); formgrader's frame."""
    page.locator(".jp-DirListing-item").first.wait_for(timeout=120_000)   # JupyterLab is up
    for _ in range(3):
        page.get_by_role("menuitem", name="Nbgrader").click(timeout=60_000)
        page.get_by_role("menuitem", name="Formgrader").click(timeout=30_000)
        for _ in range(80):
            frame = next((f for f in page.frames if "/formgrader" in f.url), None)
            if frame is not None:
                return frame
            time.sleep(0.25)
    SHOTS.take(page, "instructor", "formgrader-missing", "formgrader did not open")
    raise AssertionError(f"formgrader did not open in JupyterLab; frames: {[f.url for f in page.frames]}")


def _table(frame) -> list[list[str]]:
    """The rows of the page's table, once formgrader has filled it in."""
    frame.wait_for_function("""() => { const rows = document.querySelectorAll('table tbody tr');
        return rows.length > 0 && !Array.from(rows).some(r => /Loading/.test(r.innerText)); }""", timeout=120_000)
    return frame.eval_on_selector_all(
        "table tbody tr", "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))")


def test_instructor_sees_the_demo_class_in_formgrader(demo_course, instructor_lab, context):
    course = demo_course
    students = sorted(DEMO_STUDENTS)
    page = context.new_page()
    try:
        # Nbgrader menu -> Formgrader, inside JupyterLab.
        page.goto(instructor_lab.url("/lab"), wait_until="domcontentloaded")
        frame = _open_formgrader(page)
        rows = {r[0]: r for r in _table(frame)}
        for a in course.assignments:
            assert a in rows, f"formgrader does not list {a}: {list(rows)}"
            assert str(len(students)) in rows[a], f"{a}: not {len(students)} submissions in {rows[a]}"
        SHOTS.take(page, "instructor", "formgrader", "Nbgrader > Formgrader: the assignments and their submissions")

        # The class's scores, as the gradebook has them.
        frame.get_by_role("link", name="Manage Students").first.click()
        frame.wait_for_url("**/formgrader/manage_students", timeout=60_000)
        shown = {r[1]: r[3] for r in _table(frame)}
        for s in students:
            got = sum(score for a in course.assignments for score, _ in course.scores(a, s).values())
            full = sum(m for a in course.assignments for _, m in course.scores(a, s).values())
            assert shown.get(s) == f"{got:g} / {full:g}", f"{s}: formgrader shows {shown.get(s)!r}, gradebook {got:g} / {full:g}"
        SHOTS.take(page, "instructor", "students", "Manage Students: ada full marks, ben zero, cy in between")

        # One graded submission: cy's (partly wrong), as the instructor reviews it.
        a = course.assignments[-1]
        frame.goto(instructor_lab.url(f"/formgrader/manage_students/cy/{a}"))
        frame.locator("table tbody tr a").first.click()
        frame.wait_for_url("**/formgrader/submissions/**", timeout=60_000)
        frame.wait_for_selector(".cell", timeout=120_000)
        failed = frame.locator(".output_error").first     # a test cell that lost its points
        if failed.count():
            failed.scroll_into_view_if_needed()
        SHOTS.take(page, "instructor", "submission", f"cy's graded {a} in formgrader, at a test cell that failed")
        n_images, broken = broken_images(frame, "body")
        assert broken == [], f"cy's {a} in formgrader: pictures that do not load: {broken}"
    finally:
        page.close()


@pytest.fixture(scope="module")
def roundtrip_lab(graded_course, tmp_path_factory):
    """``jupyter lab`` started in the folder of the round trip's graded courses (conftest.py), whose
    submissions (the solution run in full, every single mistake) give the feedback pages of every
    assignment without grading a second class."""
    with LabServer(graded_course.root, None, tmp_path_factory.mktemp("roundtrip-jupyter")) as lab:
        yield lab


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_pages_show_scores_and_every_figure(assignment, graded_course, roundtrip_lab, context):
    """The feedback HTML a student receives (``feedback/<student>/<id>/<id>.html``), opened through
    JupyterLab as the instructor does: the solution's holds every output figure of the notebook, all
    of which must load; a submission with one mistake shows the points it lost."""
    if assignment not in graded_course.plans:
        pytest.skip(f"{assignment} is in notebooks/ but has no solution notebook to grade")
    mistaken = next(s for s in graded_course.plans[assignment] if s.startswith("wrong-"))
    page = context.new_page()
    try:
        for student in ("solution", mistaken):
            feedback = graded_course.feedback(assignment, student)
            path = feedback.relative_to(graded_course.root).as_posix()
            response = page.goto(roundtrip_lab.url(f"/files/{path}"), wait_until="load")
            assert response.status == 200, f"{path}: HTTP {response.status}"
            n_images, broken = broken_images(page, "body")
            assert broken == [], f"{path}: pictures that do not load: {broken}"
            text = page.locator("body").inner_text()
            scores = graded_course.scores(assignment, student)
            total, full = sum(s for s, _ in scores.values()), sum(m for _, m in scores.values())
            assert f"(Score: {total:.1f} / {full:.1f})" in text, text[:500]
            if student == mistaken:
                assert total < full, f"{student} kept full marks in {assignment}"
                SHOTS.take(page, "instructor", f"feedback-{assignment}",
                           f"feedback for {assignment} with one mistake ({student}): {total:g} / {full:g}")
            else:   # every picture of the graded notebook: its markdown's and its output figures
                graded = nbu.read(graded_course.autograded(assignment, student))
                figures = sum(1 for c in graded.cells if c.cell_type == "code" for o in c.outputs
                              if {"image/png", "image/jpeg"} & set(o.get("data", {})))
                assert n_images >= _markdown_images(graded) + figures, (
                    f"{path}: {n_images} pictures, but the graded notebook has {_markdown_images(graded)} in its "
                    f"markdown and {figures} output figures")
    finally:
        page.close()
