"""``cnn-course``: the course's jobs in one command.

    cnn-course build      write solutions/<id>/<id>.ipynb from its source authoring/<id>.py
    cnn-course generate   regenerate notebooks/ (student versions) from solutions/
    cnn-course demo       instructor loop on the bundled demo class; prints a score table
    cnn-course bench      per-notebook execution and autograde times (+ model metrics)
    cnn-course grade      grade every submission of a course, in parallel (Dask), resumable
    cnn-course bundle     build the student bundle (no answers inside)
    cnn-course figures    redraw the figures in images/
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from grading import notebook as nbu


def _build(args) -> int:
    from grading.authoring import write_notebook

    for a in args.assignment or nbu.assignment_ids():
        path = write_notebook(a)
        print(f"wrote {path.relative_to(nbu.repo_root())} from authoring/{a}.py")
    return 0


def _generate(args) -> int:
    from grading.course import regenerate_release

    for path in regenerate_release(assignments=args.assignment or None):
        print(f"wrote {path.relative_to(nbu.repo_root())}")
    return 0


def _demo(args) -> int:
    from grading.course import DEMO_STUDENTS, demo_mistakes, run_demo, score_table

    root = nbu.repo_root()
    course = run_demo(Path(args.dir or root / "build" / "demo_course"), args.assignment or None)
    print("\nDemo class:")
    for student, what in DEMO_STUDENTS.items():
        print(f"  {student:4s} {what}")
    print(score_table(course, list(DEMO_STUDENTS)))
    for a in course.assignments:
        print(f"\ncy's mistakes in {a}:")
        for v in demo_mistakes(a):
            print(f"  {v.target}: {v.description}")
    print(f"\nFeedback (HTML): {course.root / 'feedback'}/<student>/<assignment>/")
    print(f"Grades (CSV):    {course.root / 'grades.csv'}")
    return 0


def _bench(args) -> int:
    from grading.bench import run_bench

    run_bench(Path(args.out) if args.out else None, args.assignment or None)
    return 0


def _grade(args) -> int:
    import os

    from grading.sandbox import SandboxUnavailable, disabled
    from grading.scale import GradingSetupError, grade

    no_sandbox = bool(args.no_sandbox) or disabled()
    if args.bench:
        from grading.scale_bench import run_grading_bench

        run_grading_bench(Path(args.out) if args.out else None, workers=args.bench_workers,
                          students=args.bench_students, assignment=args.assignment[0] if args.assignment else None,
                          no_sandbox=no_sandbox)
        return 0
    try:
        report = grade(Path(args.course or os.getcwd()), args.assignment or None, args.student or None,
                       workers=args.workers, scheduler=args.scheduler, scheduler_file=args.scheduler_file,
                       force=args.force, quick=args.quick, no_sandbox=no_sandbox)
    except (GradingSetupError, SandboxUnavailable) as err:
        print(f"cnn-course grade: {err}", file=sys.stderr)
        return 2
    print(report.summary())
    return 1 if report.failed else 0


def _bundle(args) -> int:
    from grading.bundle import build_bundle

    path = build_bundle(Path(args.out) if args.out else None)
    print(f"student bundle: {path}")
    return 0


def _figures(args) -> int:
    from grading.figures import render_course_figures

    from cnnkit.files import images_dir

    for path in render_course_figures(images_dir(), record=True):
        print(f"wrote {path}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cnn-course", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func, helptext in [
        ("build", _build, "write solutions/ from authoring/"),
        ("generate", _generate, "regenerate notebooks/ from solutions/"),
        ("demo", _demo, "run the instructor loop on the demo class"),
        ("bench", _bench, "write the benchmark table"),
        ("grade", _grade, "grade a whole class in parallel (Dask), resumable"),
        ("bundle", _bundle, "build the student bundle"),
        ("figures", _figures, "redraw images/"),
    ]:
        p = sub.add_parser(name, help=helptext)
        p.set_defaults(func=func)
        if name in ("build", "generate", "demo", "bench"):
            p.add_argument("assignment", nargs="*", help="assignment ids (default: all)")
        if name == "demo":
            p.add_argument("--dir", help="course directory (default: build/demo_course)")
            p.add_argument("--no-sandbox", action="store_true", help="run student code without the grading "
                           "sandbox (local experiments only: student code can then read and write anything)")
        if name in ("bench", "bundle"):
            p.add_argument("--out", help="output path")
        if name == "grade":
            p.add_argument("assignment", nargs="*", help="assignment ids (default: every assignment with submissions)")
            p.add_argument("--course", help="the nbgrader course folder (default: the current folder)")
            p.add_argument("--student", action="append", help="grade only this student (repeatable)")
            p.add_argument("--workers", type=int, help="worker processes of the local Dask cluster "
                           "(default: one per CPU core)")
            p.add_argument("--scheduler", help="grade on a running Dask scheduler instead, e.g. tcp://host:8786 "
                           "(`dask scheduler`, dask-jobqueue, dask-kubernetes; Dask Gateway: see the README)")
            p.add_argument("--scheduler-file", help="the same, through the scheduler's JSON file "
                           "(`dask scheduler --scheduler-file`)")
            p.add_argument("--force", action="store_true", help="regrade submissions that are unchanged since "
                           "they were graded")
            p.add_argument("--quick", action="store_true", help="training cells run one epoch (as in the demo; "
                           "grades do not depend on it)")
            p.add_argument("--no-sandbox", action="store_true", help="run student code without the grading "
                           "sandbox (local experiments only: student code can then read and write anything)")
            p.add_argument("--bench", action="store_true", help="instead of grading a course, measure "
                           "submissions per hour against workers on a generated class of the given assignment "
                           "(default: w1a1_mini, two exercises cut from w1a1); writes build/bench/grading.md")
            p.add_argument("--bench-workers", default="1,2", help="worker counts to measure (default 1,2)")
            p.add_argument("--bench-students", type=int, default=24, help="submissions in the generated class")
            p.add_argument("--out", help="--bench: output folder (default build/bench)")
    args = parser.parse_args(argv)
    if getattr(args, "no_sandbox", False):
        import os

        from grading.sandbox import NO_SANDBOX_ENV

        print("WARNING: grading without the sandbox: student code runs with your rights.", file=sys.stderr)
        os.environ[NO_SANDBOX_ENV] = "1"
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
