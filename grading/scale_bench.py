"""Benchmark of class-wide grading (``cnn-course grade --bench``): submissions per hour against workers.

On a generated class (``grading.classgen``: correct, wrong, blank, crashing and mangled
submissions) of one assignment, measures:

- the notebook's own compute: the correct submission executed by nbclient in a plain kernel
  (kernel start included), no nbgrader, no sandbox, no hidden checks;
- serial ``nbgrader autograde`` of the whole class (one process, one submission after another);
- ``grade --workers W`` for each W (a fresh LocalCluster each time, its start included);

and writes ``build/bench/grading.md`` and ``grading.csv``: wall clock, submissions per hour,
speed-up and efficiency against one worker, and the per-submission overhead beyond the
notebook's own compute.  The machine's load average is recorded before each measurement: on a
shared machine, numbers taken under load say so.  With ``build/bench/benchmark.csv`` (``cnn-course
bench``: every notebook's own execution time) it also projects a 500-student class.
"""
from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from grading import notebook as nbu

MINI = "w1a1_mini"
MINI_SOURCE = "w1a1_conv_step_by_step"
MINI_EXERCISES = ["zero_pad", "conv_single_step"]
CLASS = 500


def _load() -> float:
    return os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")


class CpuMeter:
    """CPU seconds used by this process and everything it starts while measuring (kernels and
    sandboxes included), through a cgroup-v1 ``cpuacct`` group when the machine lets us make one:
    unlike wall clocks, this does not grow with other people's load.  ``seconds`` is None otherwise."""

    ROOT = Path("/sys/fs/cgroup/cpuacct")

    def __init__(self):
        self.seconds = None
        self._group = None

    def __enter__(self):
        import uuid

        try:
            own = next(line.split(":", 2)[2] for line in Path("/proc/self/cgroup").read_text().splitlines()
                       if "cpuacct" in line.split(":", 2)[1].split(","))
            self._home = self.ROOT / own.lstrip("/")
            group = self._home / f"cnn-bench-{uuid.uuid4().hex[:8]}"
            group.mkdir()
            (group / "cgroup.procs").write_text(str(os.getpid()))
            self._group = group
        except (OSError, StopIteration):
            self._group = None
        return self

    def __exit__(self, *exc):
        if self._group is None:
            return
        try:
            self.seconds = int((self._group / "cpuacct.usage").read_text()) / 1e9
            (self._home / "cgroup.procs").write_text(str(os.getpid()))
            for _ in range(50):
                try:
                    self._group.rmdir()
                    break
                except OSError:   # processes still leaving
                    time.sleep(0.2)
        except OSError:
            pass


def build_class(folder: Path, assignment: str, students: int, no_sandbox: bool):
    """A course in ``folder`` holding ``students`` generated submissions of ``assignment``
    (``w1a1_mini``: the two-exercise cut of w1a1 the tests grade)."""
    from grading.classgen import mini_assignment, set_due_date, submit_class
    from grading.course import Course, make_course

    source = MINI_SOURCE if assignment == MINI else assignment
    course = make_course(folder, [source], extra_config='c.LateSubmissionPlugin.penalty_method = "zero"')
    if assignment == MINI:
        mini_assignment(course.root, source, MINI_EXERCISES, MINI)
        shutil.rmtree(course.root / "solutions" / source)
        course = Course(course.root, [MINI])
    course.generate()
    set_due_date(course, assignment)
    described = submit_class(course, assignment, students)
    return course, described


def notebook_compute(course, assignment: str, repeats: int = 2) -> float:
    """Seconds to run the correct submission in a plain kernel (the best of ``repeats``)."""
    from grading.bench import execute_notebook

    folder = course.root / "bench-notebook"
    folder.mkdir(exist_ok=True)
    path = nbu.write(nbu.fill(nbu.read(course.release_notebook(assignment)), course.correct_code(assignment)),
                     folder / f"{assignment}.ipynb")
    return min(execute_notebook(path)[1] for _ in range(repeats))


def serial_autograde(root: Path, assignment: str, no_sandbox: bool) -> float:
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    if no_sandbox:
        env["CNN_COURSE_NO_SANDBOX"] = "1"
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nbgrader", "autograde", assignment, "--force"], cwd=root, env=env,
                   capture_output=True, timeout=24 * 3600)
    return time.perf_counter() - t0


def run_grading_bench(out: Path | None = None, workers: str = "1,2", students: int = 24,
                      assignment: str | None = None, no_sandbox: bool = False) -> Path:
    import tempfile

    assignment = assignment or MINI
    out = Path(out or nbu.repo_root() / "build" / "bench")
    out.mkdir(parents=True, exist_ok=True)
    # the class lives in /tmp: the grading sandbox hides the repository's build/ from student code,
    # so a course there cannot be graded by plain nbgrader autograde
    base = Path(tempfile.mkdtemp(prefix="cnn-grading-bench-", dir="/tmp" if os.path.isdir("/tmp") else None))
    try:
        return _bench(base, out, workers, students, assignment, no_sandbox)
    finally:
        shutil.rmtree(base, ignore_errors=True)


def _bench(base: Path, out: Path, workers: str, students: int, assignment: str, no_sandbox: bool) -> Path:
    from grading.scale import grade
    counts = [int(w) for w in str(workers).split(",") if w.strip()]
    print(f"building a class of {students} submissions of {assignment} in {base} ...", flush=True)
    course, _ = build_class(base / "pristine", assignment, students, no_sandbox)
    rows = []

    load = _load()
    compute = notebook_compute(course, assignment)
    print(f"the notebook's own compute: {compute:.1f} s (load {load:.1f})", flush=True)

    def fresh(name: str) -> Path:
        dst = base / name
        if dst.exists():
            shutil.rmtree(dst)
        shutil.copytree(course.root, dst, symlinks=True)
        return dst

    root = fresh("serial")
    load = _load()
    with CpuMeter() as cpu:
        seconds = serial_autograde(root, assignment, no_sandbox)
    graded = len(list((root / "autograded").glob(f"*/{assignment}/*.ipynb")))
    assert graded == students, f"serial nbgrader autograde graded {graded} of {students} submissions"
    rows.append({"engine": "nbgrader autograde (serial)", "workers": 1, "seconds": seconds, "load_before": load,
                 "load_after": _load(), "cpu": cpu.seconds})
    print(f"serial nbgrader autograde: {seconds:.1f} s (load {load:.1f})", flush=True)
    for w in counts:
        root = fresh(f"workers{w}")
        load = _load()
        t0 = time.perf_counter()
        with CpuMeter() as cpu:
            report = grade(root, [assignment], workers=w, no_sandbox=no_sandbox, progress=False,
                           echo=lambda *_: None)
        total = time.perf_counter() - t0
        done = len(report.graded) + len(report.failed)
        assert done == students, report.summary()
        rows.append({"engine": "grade (LocalCluster)", "workers": w, "seconds": total, "load_before": load,
                     "load_after": _load(), "startup": total - report.seconds + report.startup_seconds,
                     "cpu": cpu.seconds})
        print(f"grade --workers {w}: {total:.1f} s (start-up {rows[-1]['startup']:.1f} s, load {load:.1f})", flush=True)
    one = next((r["seconds"] for r in rows if r["workers"] == 1 and r["engine"].startswith("grade")), None)
    for r in rows:
        r["cpu_per_submission"] = r["cpu"] / students if r.get("cpu") is not None else None
        r["per_hour"] = 3600.0 * students / r["seconds"]
        r["per_submission"] = r["seconds"] * r["workers"] / students
        r["overhead"] = r["per_submission"] - compute
        r["speedup"] = one / r["seconds"] if one and r["engine"].startswith("grade") else None
    path = write_tables(out, rows, assignment, students, compute)
    print(path.read_text())
    return path


def write_tables(out: Path, rows: list[dict], assignment: str, students: int, compute: float) -> Path:
    cols = ["engine", "workers", "seconds", "per_hour", "per_submission", "overhead", "speedup", "startup",
            "cpu_per_submission", "load_before", "load_after"]
    with open(out / "grading.csv", "w", newline="") as fh:
        w = csv.DictWriter(fh, cols, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: (f"{v:.3f}" if isinstance(v, float) else v) for k, v in r.items()})
    f = lambda v, fmt: "-" if v is None else format(v, fmt)  # noqa: E731
    lines = [f"# Class-wide grading: {students} submissions of `{assignment}`", "",
             f"CPU cores: {os.cpu_count()}; the notebook's own compute (correct submission, plain kernel): "
             f"{compute:.1f} s.", "",
             "| engine | workers | wall s | submissions/hour | s per submission per worker | overhead s "
             "| speed-up vs 1 worker | efficiency | CPU s per submission | load before/after |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        eff = r["speedup"] / r["workers"] if r.get("speedup") else None
        lines.append(f"| {r['engine']} | {r['workers']} | {r['seconds']:.1f} | {r['per_hour']:.0f} | "
                     f"{r['per_submission']:.1f} | {r['overhead']:.1f} | {f(r.get('speedup'), '.2f')} | "
                     f"{f(eff, '.2f')} | {f(r.get('cpu_per_submission'), '.2f')} | "
                     f"{r['load_before']:.1f}/{r['load_after']:.1f} |")
    lines += ["", "Per-submission overhead = wall s × workers / submissions − the notebook's own compute "
              "(nbgrader, the sandbox, the hidden checks, intake, Dask, the writer). `grade` times are the whole "
              "command: reading the course, starting the local cluster (start-up column) and grading. CPU s "
              "(cgroup cpuacct, every process involved) does not grow with other users' load; wall clocks do."]
    lines += projection(out, rows, compute)
    path = out / "grading.md"
    path.write_text("\n".join(lines) + "\n")
    return path


def projection(out: Path, rows: list[dict], compute: float) -> list[str]:
    """A 500-student class from every notebook's own execution time (``benchmark.csv``), the
    measured per-submission overhead and the measured efficiency."""
    bench = out / "benchmark.csv"
    if not bench.exists():
        return ["", f"(No {bench}: run `python3 course.py bench` for the 500-student projection.)"]
    with open(bench) as fh:
        costs = {r["assignment"]: float(r["execute_s"]) for r in csv.DictReader(fh)}
    one = next(r for r in rows if r["engine"].startswith("grade") and r["workers"] == 1)
    best = max((r for r in rows if r.get("speedup")), key=lambda r: r["workers"])
    eff = min(1.0, best["speedup"] / best["workers"])
    per_student = sum(costs.values()) + len(costs) * one["overhead"]
    lines = ["", f"## Projection: {CLASS} students × {len(costs)} notebooks", "",
             f"Own compute per student (all notebooks, `benchmark.csv`): {sum(costs.values()):.0f} s; plus "
             f"{one['overhead']:.1f} s overhead per notebook; efficiency {eff:.2f} (measured at "
             f"{best['workers']} workers).", "", "| workers | hours |", "|---|---|",
             f"| 1 (serial) | {CLASS * per_student / 3600:.1f} |"]
    for w in (2, 16, 64, 256):
        lines.append(f"| {w} | {CLASS * per_student / (w * eff) / 3600:.2f} |")
    return lines
