"""Notebooks: each is built from its one source, follows the course's conventions, and its student version is up to date."""
from __future__ import annotations

import json

import pytest
from helpers import CODE_WIDTH, selected_assignments

from grading import authoring, harness
from grading import notebook as nbu
from grading.course import make_course
from grading.mutation import registry

ASSIGNMENTS = selected_assignments()


def test_there_is_at_least_one_assignment():
    assert "w1a1_conv_step_by_step" in ASSIGNMENTS


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_notebook_is_committed_without_outputs(assignment):
    nb = nbu.read(nbu.notebook_path(assignment))
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    assert dirty == [], f"cells {dirty} carry outputs: clear them before committing"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_graded_function_has_one_solution_cell_one_grade_cell_and_a_hidden_test(assignment):
    nb = nbu.read(nbu.notebook_path(assignment))
    sols = [nbu.exercise_key(c) for c in nb.cells if nbu.is_solution(c)]
    assert len(sols) == len(set(sols)) and None not in sols, sols
    cells = nbu.grade_cells(nb)
    assert [c.function for c in cells] == sols, "grade cells must follow the solution cells' order"
    for cell in nb.cells:
        if nbu.is_grade(cell):
            assert nbu.BEGIN_HIDDEN in cell.source and nbu.END_HIDDEN in cell.source
            assert cell.metadata["nbgrader"]["locked"] is True
            gid = cell.metadata["nbgrader"]["grade_id"]
            assert gid.split("_")[0] in cell.source, f"grade id {gid} should name what it grades"
    for cell in nb.cells:
        if nbu.is_solution(cell):
            assert nbu.BEGIN_SOLUTION in cell.source and nbu.END_SOLUTION in cell.source
            defined = nbu.defined_function(cell)
            assert defined in (None, nbu.exercise_key(cell)), f"{cell.id} defines {defined}, not its exercise"
        if nbu.is_grade(cell):   # the hidden region is one line that calls into grading/
            hidden = cell.source.partition(nbu.BEGIN_HIDDEN)[2].partition(nbu.END_HIDDEN)[0].strip()
            assert "\n" not in hidden and hidden.startswith(f"from grading.{assignment.split('_')[0]} import check_"), hidden
    # points are written in the exercise headings
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for c in cells:
        assert f"{c.points:g} points" in text, f"{c.function}: '{c.points:g} points' not stated"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_mutation_registry_covers_every_graded_function(assignment):
    reg = registry(assignment)
    functions = list(nbu.solutions(nbu.read(nbu.notebook_path(assignment))))
    assert sorted(reg.targets()) == sorted(functions)
    for fn in functions:
        assert len(reg.mutants(fn)) >= 5, f"{fn}: fewer than 5 mutants"
        assert len(reg.alternatives(fn)) >= 2, f"{fn}: fewer than 2 correct alternatives"
    assert len(harness.student_names(assignment)) == len(set(harness.student_names(assignment)))


def _canonical(nb) -> str:
    return json.dumps(nb, sort_keys=True, indent=1)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_notebook_is_what_its_source_builds(assignment):
    """``authoring/<id>.py`` is the one editable source: the committed notebook must be its output."""
    committed = nbu.read(nbu.notebook_path(assignment))
    assert committed.metadata.get("cnn_course", {}).get("generated_from") == f"authoring/{assignment}.py"
    fresh = authoring.build_notebook(assignment)
    assert _canonical(fresh) == _canonical(committed), (
        f"solutions/{assignment} differs from what authoring/{assignment}.py builds: edit the source (not the "
        "notebook), then run `python3 course.py build` and `python3 course.py generate`")


def test_every_assignment_has_a_source_and_every_source_an_assignment():
    sources = sorted(p.stem for p in (nbu.repo_root() / "authoring").glob("*.py"))
    assert sources == nbu.assignment_ids()


def test_student_notebooks_are_generated_from_the_current_solutions(tmp_path):
    course = make_course(tmp_path / "course", ASSIGNMENTS)
    course.generate()
    stale = []
    for a in ASSIGNMENTS:
        fresh = nbu.read(course.release_notebook(a))
        try:
            committed = nbu.read(nbu.notebook_path(a, "notebooks"))
        except FileNotFoundError:
            stale.append(f"{a}: notebooks/{a} is missing")
            continue
        if _canonical(fresh) != _canonical(committed):
            stale.append(a)
    assert stale == [], f"notebooks/ is stale for {stale}: run `python3 course.py generate`"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_student_version_holds_no_solution_and_no_hidden_test(assignment):
    nb = nbu.read(nbu.notebook_path(assignment, "notebooks"))
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for marker in (nbu.BEGIN_SOLUTION, nbu.BEGIN_HIDDEN, "grading."):
        assert marker not in code
    answers = [ln for ln in nbu.solution_region_lines(nbu.read(nbu.notebook_path(assignment)))
               if len(ln) > 20 and not ln.startswith("#")]
    leaked = [ln for ln in answers if ln in code]
    assert answers and not leaked, f"solution lines found in the student version: {leaked[:3]}"



@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_code_line_is_wider_than_a_laptop_editor(assignment):
    nb = nbu.read(nbu.notebook_path(assignment))
    wide = [(k, len(ln)) for k, c in enumerate(nb.cells) if c.cell_type == "code"
            for ln in c.source.splitlines() if len(ln) > CODE_WIDTH]
    assert wide == [], (f"(cell, characters) of code lines wider than {CODE_WIDTH} characters, which a student "
                        f"reading at 1366x768 must scroll sideways to see: {wide}; wrap them in authoring/{assignment}.py")
