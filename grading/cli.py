"""``cnn-course``: the course's jobs in one command.

    cnn-course build      write solutions/<id>/<id>.ipynb from its source authoring/<id>.py
    cnn-course generate   regenerate notebooks/ (student versions) from solutions/
    cnn-course demo       instructor loop on the bundled demo class; prints a score table
    cnn-course bench      per-notebook execution and autograde times (+ model metrics)
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
        ("bundle", _bundle, "build the student bundle"),
        ("figures", _figures, "redraw images/"),
    ]:
        p = sub.add_parser(name, help=helptext)
        p.set_defaults(func=func)
        if name in ("build", "generate", "demo", "bench"):
            p.add_argument("assignment", nargs="*", help="assignment ids (default: all)")
        if name == "demo":
            p.add_argument("--dir", help="course directory (default: build/demo_course)")
        if name in ("bench", "bundle"):
            p.add_argument("--out", help="output path")
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
