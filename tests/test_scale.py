"""Class-wide grading (``grading.scale``, ``cnn-course grade``) writes exactly what serial
``nbgrader autograde`` writes, in parallel (a LocalCluster), on a real Dask cluster of worker
processes (one of them killed mid-run) and into a PostgreSQL gradebook; re-runs skip what is
unchanged and regrade what changed.

The class: 40 submissions of a small real assignment cut from w1a1 (its setup cell and two
exercises, hidden checks through ``grading.w1a1``): correct, alternatives, blank, each mutant of
both functions, everything wrong, crashing (the kernel exits; infinite recursion; a syntax
error), mangled files (renamed, not a notebook), late submissions (penalty: zero) and the demo
class (ada: correct, ben: blank, cy: one plausible mistake), then nbgrader's feedback and export.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pgserver
import pytest

from grading import notebook as nbu
from grading.classgen import mini_assignment, set_due_date, submit_class
from grading.course import COURSE_ID, DEMO_STUDENTS, Course, make_course, read_grades_csv
from grading.mutation import registry
from grading.scale import STATE_DIR, gradebook_snapshot, notebook_scores, read_tree

pytestmark = pytest.mark.slow

SOURCE = "w1a1_conv_step_by_step"
MINI = "w1a1_mini"
CLASS_SIZE = 40
LATE_PENALTY = 'c.LateSubmissionPlugin.penalty_method = "zero"'
SUMMARY = re.compile(r"graded (\d+), failed (\d+), unchanged \(skipped\) (\d+)")
BIN = Path(sys.executable).parent


def _env() -> dict:
    return dict(os.environ, PATH=os.pathsep.join([str(BIN), os.environ.get("PATH", "")]), PYTHONUNBUFFERED="1")


class SerialRun:
    """Plain ``nbgrader autograde --force`` of a course, started in the background so that it runs
    on one core while the parallel grading under test uses the others; ``wait()`` returns the
    course folder once it is done.  Exit 1 is allowed: nbgrader then failed some submissions,
    which parallel grading must fail the same way (the gradebooks are compared)."""

    def __init__(self, root: Path, assignment: str):
        self.root, self.t0 = root, time.perf_counter()
        self.log = open(root.parent / f"{root.name}-autograde.log", "w")
        self.proc = subprocess.Popen([sys.executable, "-m", "nbgrader", "autograde", assignment, "--force"],
                                     cwd=root, env=_env(), stdout=self.log, stderr=subprocess.STDOUT)

    def wait(self) -> Path:
        if self.proc is not None:
            code = self.proc.wait(timeout=3600)
            self.log.close()
            assert code in (0, 1), Path(self.log.name).read_text()[-3000:]
            print(f"\nserial nbgrader autograde of {CLASS_SIZE} submissions: {time.perf_counter() - self.t0:.1f} s "
                  "(alongside the parallel run)")
            self.proc = None
        return self.root


def grade_cli(root: Path, *args: str, timeout: float = 1200) -> tuple[str, tuple[int, int, int]]:
    proc = subprocess.run([sys.executable, "-m", "grading", "grade", "--course", str(root), *args],
                          env=_env(), capture_output=True, text=True, timeout=timeout)
    assert proc.returncode in (0, 1), proc.stdout[-3000:] + proc.stderr[-3000:]
    found = SUMMARY.search(proc.stdout)
    assert found, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout, tuple(int(x) for x in found.groups())


def copy_course(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


def assert_same_grading(serial: Path, other: Path, db_url: str | None = None, students=None) -> dict:
    """Every record autograding writes is the same in both courses: grades (auto, manual, extra
    credit, needs manual grade), comments, submissions (timestamps), late penalties, students, the
    scores in the autograded notebooks, and the submitted folders (intake repairs)."""
    want = gradebook_snapshot(f"sqlite:///{serial / 'gradebook.db'}", COURSE_ID)
    got = gradebook_snapshot(db_url or f"sqlite:///{other / 'gradebook.db'}", COURSE_ID)
    keys = [k for k in want if k != "students" and (students is None or k[1] in students)]
    assert keys, "nothing was graded"
    assert sorted(k for k in got if k != "students") == sorted(keys)
    assert got["students"] == sorted(k[1] for k in keys)
    for k in keys:
        assert got[k] == want[k], f"{k}: parallel {got[k]}\n serial {want[k]}"
    for a, s in keys:
        mine = sorted((serial / "autograded" / s / a).glob("*.ipynb"))
        theirs = sorted((other / "autograded" / s / a).glob("*.ipynb"))
        assert [p.name for p in mine] == [p.name for p in theirs], (a, s)
        for p, q in zip(mine, theirs):
            assert notebook_scores(p) == notebook_scores(q), (a, s)
        assert read_tree(serial / "submitted" / s / a) == read_tree(other / "submitted" / s / a), (a, s)
    return want


def expected_scores(course: Course, described: dict[str, str], snapshot: dict) -> None:
    """The class's grades are the right ones (not merely the same): correct work gets full marks,
    a mistake in one function costs exactly that exercise, late work is zeroed by the penalty."""
    cells = nbu.grade_cells(nbu.read(course.source_notebook(MINI)))
    first = cells[0].function
    for student, what in described.items():
        entry = snapshot.get((MINI, student))
        assert entry is not None, f"{student} ({what}) has no submission record"
        (nb,) = entry["notebooks"].values()
        scores = {c.function: nb["grades"][c.grade_id][0] for c in cells}
        full = {c.function: c.points for c in cells}
        if what in ("renamed notebook", "not a notebook") and set(scores.values()) == {None}:
            continue   # nbgrader could not grade it: serial and parallel alike (compared elsewhere)
        if what.startswith(("correct", "alternative", "late", "renamed")):
            want = full
        elif what.startswith(("blank", "everything wrong", "not a notebook")):
            want = {f: 0 for f in full}
        elif what.startswith("wrong "):
            fn = what.split()[1].rstrip(":")
            want = {**full, fn: 0}
        else:   # crash, recursion, syntax error: in the first function
            want = {**full, first: 0}
        assert scores == want, f"{student} ({what}): {scores}"
        late = what.startswith("late")
        assert (nb["late_penalty"] or 0) == (sum(full.values()) if late else 0), (student, what, nb["late_penalty"])


@pytest.fixture(scope="module")
def mini_class(tmp_path_factory):
    """(pristine course: generated and submitted, not graded; the same course being graded serially
    (``SerialRun``); {student: what they handed in})."""
    base = tmp_path_factory.mktemp("scale")
    course = make_course(base / "pristine", [SOURCE], extra_config=LATE_PENALTY)
    mini_assignment(course.root, SOURCE, ["zero_pad", "conv_single_step"], MINI)
    shutil.rmtree(course.root / "solutions" / SOURCE)
    course = Course(course.root, [MINI])
    course.generate()
    set_due_date(course, MINI)
    described = submit_class(course, MINI, CLASS_SIZE - len(DEMO_STUDENTS))
    # and the demo class as `cnn-course demo` makes it: correct, blank, and (two graded functions)
    # the first mutant of the last function
    correct = course.correct_code(MINI)
    mistake = registry(MINI).mutants(list(correct)[-1])[0]
    course.submit_filled("ada", MINI, correct)
    course.submit("ben", MINI, nbu.read(course.release_notebook(MINI)))
    course.submit_filled("cy", MINI, {**correct, mistake.target: mistake.cell_source()})
    described.update(ada="correct", ben="blank", cy=f"wrong {mistake.target}: {mistake.description}")
    serial = SerialRun(copy_course(course.root, base / "serial"), MINI)
    yield course, serial, described
    if serial.proc is not None:
        serial.proc.kill()


def test_parallel_grading_writes_what_serial_nbgrader_writes_and_resumes(mini_class, tmp_path):
    pristine, serial, described = mini_class
    root = copy_course(pristine.root, tmp_path / "parallel")
    t0 = time.perf_counter()
    out, (graded, failed, skipped) = grade_cli(root, "--workers", "2")
    print(f"grade --workers 2: {time.perf_counter() - t0:.1f} s\n{out[-600:]}")
    assert graded + failed == CLASS_SIZE and skipped == 0
    snapshot = assert_same_grading(serial.wait(), root)
    expected_scores(pristine, described, snapshot)
    assert failed == sum(1 for s in described if all(
        g[0] is None for nb in snapshot[(MINI, s)]["notebooks"].values() for g in nb["grades"].values()))

    # a re-run grades nothing that was graded (only what failed is tried again)
    out, (graded2, failed2, skipped2) = grade_cli(root)
    assert skipped2 == graded and graded2 == 0 and failed2 == failed, out[-1500:]

    # a changed submission is graded again, and only that one: the blank one becomes correct
    blank = next(s for s, what in described.items() if what == "blank")
    other = next(s for s, what in described.items() if what == "correct")
    Course(root, [MINI]).submit_filled(blank, MINI, pristine.correct_code(MINI))
    out, (graded3, failed3, skipped3) = grade_cli(root, "--workers", "1", "--student", blank, "--student", other)
    assert (graded3, failed3, skipped3) == (1, 0, 1), out[-1500:]
    state = json.loads((root / "autograded" / STATE_DIR / MINI / f"{blank}.json").read_text())
    assert state["ok"] and state["notebooks"]
    new = gradebook_snapshot(f"sqlite:///{root / 'gradebook.db'}", COURSE_ID)[(MINI, blank)]
    assert all(g[0] > 0 for nb in new["notebooks"].values() for g in nb["grades"].values()), new
    # formgrader, feedback and export work on what grade wrote
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_feedback", MINI, "--force", "--student=ada"],
                   cwd=root, env=_env(), check=True, capture_output=True, timeout=600)
    subprocess.run([sys.executable, "-m", "nbgrader", "export"], cwd=root, env=_env(), check=True,
                   capture_output=True, timeout=300)
    rows = {r["student_id"]: r for r in read_grades_csv(root / "grades.csv")}
    assert set(rows) == set(described)
    assert float(rows[blank]["score"]) == float(rows[blank]["max_score"]) > 0
    subprocess.run([sys.executable, "-m", "nbgrader", "export"], cwd=serial.wait(), env=_env(), check=True,
                   capture_output=True, timeout=300)
    before = {r["student_id"]: r for r in read_grades_csv(serial.wait() / "grades.csv")}
    assert {s: r for s, r in rows.items() if s != blank} == {s: r for s, r in before.items() if s != blank}
    assert (root / "feedback" / "ada" / MINI / f"{MINI}.html").exists()


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return found


def _graders(pid: int) -> list[int]:
    """A worker's pre-started nbgrader processes (``grading.zygote``) and the ``nbgrader
    autograde`` runs they forked."""
    zygotes = []
    for child in _children(pid):
        try:
            if b"grading.zygote" in Path(f"/proc/{child}/cmdline").read_bytes():
                zygotes.append(child)
        except OSError:
            pass
    runs = [g for z in zygotes for g in _children(z)]
    return zygotes + runs if runs else []


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_a_dask_cluster_of_worker_processes_grades_the_same_though_a_worker_is_killed(mini_class, tmp_path):
    pristine, serial, described = mini_class
    root = copy_course(pristine.root, tmp_path / "cluster")
    scheduler_file = tmp_path / "scheduler.json"
    procs = []
    logs = open(tmp_path / "dask.log", "w")
    try:
        procs.append(subprocess.Popen([str(BIN / "dask"), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                       "--no-dashboard", "--scheduler-file", str(scheduler_file)],
                                      stdout=logs, stderr=subprocess.STDOUT, env=_env()))
        for k in range(3):
            procs.append(subprocess.Popen([str(BIN / "dask"), "worker", "--scheduler-file", str(scheduler_file),
                                           "--nthreads", "1", "--no-nanny", "--no-dashboard", "--name", f"w{k}",
                                           "--local-directory", str(tmp_path / f"w{k}")],
                                          stdout=logs, stderr=subprocess.STDOUT, env=_env()))
        from dask.distributed import Client

        deadline = time.time() + 180
        while not scheduler_file.exists() and time.time() < deadline:
            time.sleep(0.5)
        deadline = time.time() + 1200
        with Client(scheduler_file=str(scheduler_file), timeout="120s") as client:
            client.wait_for_workers(3, timeout=180)
            address = client.scheduler.address
        t0 = time.perf_counter()
        grading = subprocess.Popen([sys.executable, "-m", "grading", "grade", "--course", str(root),
                                    "--scheduler", address], env=_env(), stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, text=True)
        # kill the first worker in the middle of a submission (its nbgrader is running)
        victim, state_dir = procs[1], root / "autograded" / STATE_DIR / MINI
        while time.time() < deadline:
            recorded = len(list(state_dir.glob("*.json"))) if state_dir.exists() else 0
            if recorded >= 3 and _graders(victim.pid):
                break
            assert grading.poll() is None, grading.stdout.read()[-3000:]
            time.sleep(0.2)
        orphans = _graders(victim.pid)
        assert orphans, "the worker to kill was not grading"
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        for _ in range(100):   # its nbgrader dies with it (PR_SET_PDEATHSIG)
            if not any(_alive(p) for p in orphans):
                break
            time.sleep(0.2)
        assert not any(_alive(p) for p in orphans), "the killed worker's grading process survived it"
        out, _ = grading.communicate(timeout=1800)
        print(f"grade --scheduler (3 workers, one killed): {time.perf_counter() - t0:.1f} s\n{out[-600:]}")
        assert grading.returncode in (0, 1), out[-3000:]
        graded, failed, skipped = map(int, SUMMARY.search(out).groups())
        assert graded + failed == CLASS_SIZE and skipped == 0, out[-3000:]
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    p.kill()
        logs.close()
    assert_same_grading(serial.wait(), root)


@pytest.fixture(scope="module")
def postgres_factory():
    try:
        import psycopg2  # noqa: F401
    except ImportError:
        pytest.skip("psycopg2 is not installed (pip install psycopg2-binary): the PostgreSQL gradebook is untested")
    bindir, why = pgserver.find_or_install()
    if bindir is None:
        pytest.skip(f"no PostgreSQL server for the test: {why}")
    with pgserver.server(bindir) as make_database:
        yield make_database


def test_a_postgresql_gradebook_gets_the_same_grades(mini_class, postgres_factory, tmp_path):
    pristine, serial, described = mini_class
    url = postgres_factory("gradebook")
    root = copy_course(pristine.root, tmp_path / "pg")
    (root / "gradebook.db").unlink()
    with open(root / "nbgrader_config.py", "a") as fh:
        fh.write(f"\nc.CourseDirectory.db_url = {url!r}\n")
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", MINI, "--force"], cwd=root,
                   env=_env(), check=True, capture_output=True, timeout=600)
    set_due_date(Course(root, [MINI]), MINI, db_url=url)
    chosen = {}
    for s, what in described.items():   # one of each main kind of submission
        kind = what.split(":")[0].split(" ")[0].rstrip(",")
        if kind in ("correct", "blank", "wrong", "late"):
            chosen.setdefault(kind, s)
    students = sorted(chosen.values())
    args = [a for s in students for a in ("--student", s)]
    out, (graded, failed, skipped) = grade_cli(root, "--workers", "2", *args)
    assert graded + failed == len(students) and skipped == 0, out[-2000:]
    assert not (root / "gradebook.db").exists()
    assert_same_grading(serial.wait(), root, db_url=url, students=set(students))
