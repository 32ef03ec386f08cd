"""Benchmark: how long each solution notebook takes to execute and to autograde.

Writes ``build/bench/benchmark.md`` and ``benchmark.csv``: one row per assignment with the
execution time of the solution notebook (nbclient, one kernel), the time of
``nbgrader autograde`` on the correct demo submission (sandboxed, as graded, and once more
without the sandbox: ``sandbox_overhead_s`` is the sandbox's cost), and any model metrics the notebook
publishes in a global dict ``COURSE_METRICS`` (e.g. ``{"test_accuracy": 0.97}``).
"""
from __future__ import annotations

import contextlib
import csv
import json
import os
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from grading import notebook as nbu

_METRICS_TAG = "__COURSE_METRICS__"


def execute_notebook(path: Path, timeout: int = 600):
    """Execute a notebook in its own folder; return ``(executed nb, seconds, metrics)``."""
    nb = nbu.strip_outputs(nbu.read(path))
    nb.cells.append(nbformat.v4.new_code_cell(
        f"import json as _j; print('{_METRICS_TAG}' + _j.dumps(globals().get('COURSE_METRICS', {{}})))"))
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    t0 = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - t0
    metrics = {}
    for out in nb.cells[-1].get("outputs", []):
        if out.get("name") == "stdout" and _METRICS_TAG in out.get("text", ""):
            metrics = json.loads(out["text"].split(_METRICS_TAG, 1)[1])
    nb.cells.pop()
    return nb, seconds, metrics


def cell_problems(nb) -> list[str]:
    """Errors and stderr output of an executed notebook, one line each."""
    problems = []
    for i, cell in enumerate(nb.cells):
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                problems.append(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
            elif out.get("output_type") == "stream" and (out.get("name") == "stderr"
                                                          or out.get("text", "").startswith("(stderr) ")):
                problems.append(f"cell {i}: stderr: {out.get('text', '')[:200]!r}")
    return problems


@contextlib.contextmanager
def _no_sandbox():
    from grading.sandbox import NO_SANDBOX_ENV

    saved = os.environ.get(NO_SANDBOX_ENV)
    os.environ[NO_SANDBOX_ENV] = "1"
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop(NO_SANDBOX_ENV, None)
        else:
            os.environ[NO_SANDBOX_ENV] = saved


def run_bench(out_dir: Path | None = None, assignments: list[str] | None = None) -> Path:
    from grading.course import make_course

    root = nbu.repo_root()
    out_dir = out_dir or root / "build" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    assignments = assignments or nbu.assignment_ids(root)
    rows = []
    with tempfile.TemporaryDirectory(prefix="cnn-bench-") as tmp:
        course = make_course(Path(tmp) / "course", assignments)
        course.generate()
        for a in assignments:
            load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
            nb, seconds, metrics = execute_notebook(course.source_notebook(a))
            problems = cell_problems(nb)
            course.submit_filled("bench", a, course.correct_code(a))
            course.autograde(a, "bench")
            sandboxed = course.timings[f"autograde:{a}"]
            scores = course.scores(a, "bench")
            with _no_sandbox():   # the same grading path, student code unsandboxed: the sandbox's cost
                course.autograde(a, "bench")
            plain = course.timings[f"autograde:{a}"]
            rows.append({
                "assignment": a,
                "execute_s": f"{seconds:.1f}",
                "autograde_s": f"{sandboxed:.1f}",
                "autograde_unsandboxed_s": f"{plain:.1f}",
                "sandbox_overhead_s": f"{sandboxed - plain:+.1f}",
                "load_before": f"{load:.1f}",
                "score": f"{sum(s for s, _ in scores.values()):g}/{sum(m for _, m in scores.values()):g}",
                "problems": len(problems),
                "metrics": ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}"
                                     for k, v in metrics.items()) or "-",
            })
            print(f"{a}: executed in {seconds:.1f} s, autograded in {sandboxed:.1f} s "
                  f"({plain:.1f} s without the sandbox)", flush=True)
            for p in problems:
                print("   ", p)
    cpu = os.cpu_count()
    head = list(rows[0].keys())
    md = [f"Benchmark on {cpu} CPU cores, {time.strftime('%Y-%m-%d %H:%M')}", "",
          f"load_before: 1-minute load average when the notebook started; above {cpu} other work "
          "was competing for the cores and the times are inflated.", "",
          "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    md += ["| " + " | ".join(str(r[h]) for h in head) + " |" for r in rows]
    (out_dir / "benchmark.md").write_text("\n".join(md) + "\n")
    with open(out_dir / "benchmark.csv", "w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=head)
        w.writeheader()
        w.writerows(rows)
    print("\n" + "\n".join(md))
    print(f"\nwritten: {out_dir / 'benchmark.md'}, {out_dir / 'benchmark.csv'}")
    return out_dir / "benchmark.md"
