"""nbgrader preprocessors of the course's grading path (enabled in ``nbgrader_config.py``).

``autograde`` runs, after nbgrader's own sanitising (which restores every locked cell, the
tests and their points from the instructor's source):

1. ``StripHiddenChecks``: takes the hidden-test line out of every grade cell, so the student's
   kernel never runs a hidden check (code in the notebook could otherwise neuter it);
2. ``ResilientExecute``: runs the notebook in a **sandboxed** kernel (``grading.sandbox``) with
   a per-cell and a per-notebook wall clock.  Stock nbgrader gives up on the whole submission
   when the kernel dies (a segfault, ``os._exit``, running out of memory); this marks the cell
   that killed it with a clear error, starts a fresh kernel, replays the cells before it and
   carries on, so the student gets the points of every cell that did run;
3. ``RunHiddenChecks``: runs each grade cell's hidden line in the grader itself, against a fresh
   sandboxed worker that holds only the student's definitions (``grading.isolation``), and
   writes the verdict into the grade cell: a pass line, or an error (the check's message,
   never its source) that makes nbgrader give the cell no points.  The hidden-test line
   itself is left out of the graded notebook (``feedback`` setting: "summary", "none" or
   "full", also per assignment);
4. ``HarmlessStderr``: text on stderr in a grade cell is kept as output but costs nothing.

A *state* exercise (graded by the globals a cell leaves, hidden line ``check_<key>(globals())``)
declares the names its check reads (``grading.common.reads``). Right after its grade cell runs,
``ResilientExecute`` exports exactly those globals from the student's kernel as plain data
(``grading.wire``: Keras configs and arrays, no pickle), and ``RunHiddenChecks`` gives the check
the values rebuilt from that snapshot as ``globals()``.

A failure of the grader itself (the kernel cannot be restarted any more, a check worker
cannot start) still leaves a graded notebook: the cells that ran keep their outcome, the rest
get a ``GradingStopped`` error with the reason, and the submission gets a grade record.
Submissions are made gradable before all this by ``grading.intake`` (nbgrader's
``pre_convert_hook``).
"""
from __future__ import annotations

import copy
import os
import time

from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_sync
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute, NbGraderPreprocessor
from traitlets import Bool, Dict, Enum, Integer

from grading import notebook as nbu
from grading.sandbox import SandboxedKernelManager

try:  # jupyter_core >= 5
    from jupyter_core.utils import ensure_async
except ImportError:  # pragma: no cover
    from nbclient.util import ensure_async

KERNEL_DIED = ("The kernel died while running this cell (a crash, os._exit, or too much "
               "memory?). Grading went on in a fresh kernel, after re-running the cells above.")


KERNEL_STUCK = ("This cell ran past its time limit and ignored the interrupt, so the kernel was restarted; "
                "grading went on after re-running the cells above.")
GRADING_STOPPED = ("The grader could not run this cell ({error}), so it scores no points; the cells before "
                   "it were graded. Tell your instructor: this is recorded in the grading log.")
NOTEBOOK_TIMEOUT = ("NotebookTimeout: the notebook ran longer than {limit} s in all, so this cell and the "
                    "ones after it were not run")


class ResilientExecute(Execute):
    """``Execute`` in the sandbox, that restarts a dead kernel and goes on with the next cell."""

    max_restarts = 10
    notebook_timeout = Integer(1800, help="wall clock for the whole notebook, in seconds").tag(config=True)

    def preprocess(self, nb, resources=None, km=None):
        from grading import sandbox

        self._restarts = 0
        self._killers: set[int] = set()  # cells that killed the kernel: never replayed
        self._started = time.monotonic()
        SandboxedKernelManager.sandbox = sandbox.current()     # raises with advice if bwrap is missing
        SandboxedKernelManager.scratch = str((resources or {}).get("metadata", {}).get("path") or os.getcwd())
        self.kernel_manager_class = SandboxedKernelManager
        self._index = -1
        try:
            return super().preprocess(nb, resources, km=km)
        except Exception as err:  # noqa: BLE001 - the grader itself failed: grade what did run, say why
            self.log.error("Grading stopped at cell %d: %s: %s", self._index, type(err).__name__, err)
            text = GRADING_STOPPED.format(error=f"{type(err).__name__}: {str(err)[:300]}")
            for k, cell in enumerate(nb.cells):
                done = k < self._index or any(o.get("output_type") == "error" for o in cell.get("outputs", []))
                if cell.cell_type == "code" and cell.source.strip() and not done:
                    cell.outputs = list(cell.get("outputs", [])) + [NotebookNode(
                        output_type="error", ename="GradingStopped", evalue=text, traceback=[f"GradingStopped: {text}"])]
            return nb, resources
        finally:
            sandbox.sweep_cgroups()

    def preprocess_cell(self, cell, resources, index):
        self._index = index
        if cell.cell_type == "code" and time.monotonic() - self._started > self.notebook_timeout:
            text = NOTEBOOK_TIMEOUT.format(limit=self.notebook_timeout)
            cell.outputs = [NotebookNode(output_type="error", ename="NotebookTimeout", evalue=text,
                                         traceback=[text])]
            return cell, resources
        try:
            try:
                result = super().preprocess_cell(cell, resources, index)
                stuck = _timed_out(cell) and not self._responsive(index)
            except CellTimeoutError:   # interrupted at its time limit, the kernel never went idle
                result, stuck = (cell, resources), True
            if stuck:
                # the cell ignored the interrupt: without a restart every later cell would wait behind it
                self._killers.add(index)
                self._restarts += 1
                self.log.warning("Kernel stuck after the timeout of cell %d; restarting", index)
                cell.outputs.append(NotebookNode(output_type="error", ename="KernelStuck", evalue=KERNEL_STUCK,
                                                 traceback=[f"KernelStuck: {KERNEL_STUCK}"]))
                run_sync(self._async_restart)()
                self._replay(index)
            else:
                self._export_state(cell, resources, index)
            return result
        except DeadKernelError:
            self._killers.add(index)
            self._restarts += 1
            if self._restarts > self.max_restarts:
                raise
            self.log.warning("Kernel died in cell %d; restarting and replaying cells 0-%d", index, index - 1)
            cell.outputs.append(NotebookNode(output_type="error", ename="KernelDied",
                                             evalue=KERNEL_DIED, traceback=[f"KernelDied: {KERNEL_DIED}"]))
            run_sync(self._async_restart)()
            self._replay(index)
            return cell, self.resources

    def _export_state(self, cell, resources, index: int) -> None:
        """After the grade cell of a state exercise: snapshot the globals its check reads (see the module doc)."""
        gid = nbu.meta(cell).get("grade_id")
        hidden = ((resources or {}).get(_HIDDEN_KEY) or {}).get(gid)
        names = state_reads(hidden) if hidden else ()
        if not names:
            return
        probe = NotebookNode(cell_type="code", source=export_source(names), outputs=[], metadata={},
                             execution_count=None)
        try:
            self._run_aside(probe, index)
            data = exported_bytes(probe.outputs)
        except Exception as err:  # noqa: BLE001 - no snapshot: the check then finds the names missing
            self.log.warning("Could not export the globals of %s: %s: %s", gid, type(err).__name__, err)
            return
        if data is not None:
            resources.setdefault(_EXPORT_KEY, {})[gid] = data

    def _responsive(self, index: int, seconds: int = 20) -> bool:
        """Does the kernel answer a trivial cell within ``seconds`` (after an interrupted timeout)?"""
        probe = NotebookNode(cell_type="code", source="pass", outputs=[], metadata={}, execution_count=None)
        saved, self.timeout = self.timeout, seconds
        try:
            self._run_aside(probe, index)
        except (DeadKernelError, CellTimeoutError):
            return False
        finally:
            self.timeout = saved
        return not _timed_out(probe)

    def _run_aside(self, cell, index: int) -> None:
        """Execute ``cell`` in the kernel without recording it in the notebook (nbclient stores
        every cell it executes at its index, which would replace the graded cell there)."""
        kept = self.nb.cells[index]
        try:
            run_sync(self.async_execute_cell)(cell, index, store_history=False)
        finally:
            self.nb.cells[index] = kept

    async def _async_restart(self) -> None:
        if self.kc is not None:
            await ensure_async(self.kc.stop_channels())
            self.kc = None
        await ensure_async(self.km.restart_kernel(now=True))
        await self.async_start_new_kernel_client()

    def _replay(self, upto: int) -> None:
        """Re-run code cells ``[0, upto)`` on copies (recorded outputs stay as they were),
        skipping every cell that killed the kernel before."""
        while self._restarts <= self.max_restarts:
            for j, earlier in enumerate(self.nb.cells[:upto]):
                if earlier.cell_type != "code" or not earlier.source.strip() or j in self._killers:
                    continue
                try:
                    self._run_aside(copy.deepcopy(earlier), j)
                except DeadKernelError:  # this one kills it too now: skip it, start over
                    self._killers.add(j)
                    self._restarts += 1
                    run_sync(self._async_restart)()
                    break
            else:
                return


def _timed_out(cell) -> bool:
    return any(o.get("output_type") == "error" and o.get("ename") == "CellTimeoutError"
               for o in cell.get("outputs", []))


_HIDDEN_KEY = "cnn_course_hidden_checks"
_EXPORT_KEY = "cnn_course_exported_globals"
_EXPORT_TAG = "__CNN_COURSE_EXPORT__"


def state_reads(cell_source: str) -> tuple:
    """The globals a state exercise's check reads (``grading.common.reads``), from its grade cell's
    hidden region ``from grading.<week> import check_<key>; check_<key>(globals())``; ``()`` otherwise."""
    import importlib
    import re

    hidden = cell_source.partition(nbu.BEGIN_HIDDEN)[2].partition(nbu.END_HIDDEN)[0]
    if "globals()" not in hidden:
        return ()
    names = []
    for module, check in re.findall(r"from\s+(grading\.[\w.]+)\s+import\s+(check_\w+)", hidden):
        try:
            names += list(getattr(getattr(importlib.import_module(module), check), "reads", ()))
        except (ImportError, AttributeError):
            continue
    return tuple(dict.fromkeys(names))


def export_source(names) -> str:
    """Code run in the student's kernel: print the globals ``names`` (those defined) as one wire message.

    The kernel cannot import ``grading`` (hidden in the sandbox), so the encoder travels as source.
    """
    from pathlib import Path

    wire_source = (Path(__file__).parent / "wire.py").read_text()
    return (
        "def __cnn_course_export(names, wire_source):\n"
        "    import base64, io, types\n"
        "    wire = types.ModuleType('cnn_course_wire')\n"
        "    exec(compile(wire_source, '<grading.wire>', 'exec'), wire.__dict__)\n"
        "    space = globals()\n"
        "    values = {n: space[n] for n in names if n in space}\n"
        "    opaque = lambda v: {'$handle': 0, 'name': repr(v)[:80], 'type': type(v).__name__}\n"
        "    tree, buffers = wire.Encoder(opaque).encode(values)\n"
        "    out = io.BytesIO()\n"
        "    wire.send(out, {'value': tree}, buffers)\n"
        f"    print({_EXPORT_TAG!r} + base64.b64encode(out.getvalue()).decode())\n"
        f"__cnn_course_export({list(names)!r}, {wire_source!r})\n"
        "del __cnn_course_export\n")


def exported_bytes(outputs) -> bytes | None:
    """The wire message that ``export_source`` printed, from the probe cell's outputs."""
    import base64

    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stdout")
    if _EXPORT_TAG not in text:
        return None
    return base64.b64decode(text.rsplit(_EXPORT_TAG, 1)[1].split()[0])


class Unexported:
    """A global the export could not turn into plain data (its type name only)."""

    def __init__(self, name: str, type_name: str):
        self.name, self.type_name = name, type_name

    def __repr__(self) -> str:
        return f"<{self.type_name} that could not leave the notebook: {self.name}>"


def decode_export(data: bytes) -> dict:
    """``{name: value}`` rebuilt from an exported snapshot (safe mode: data only, no code)."""
    import io

    from grading import wire

    header, buffers = wire.receive(io.BytesIO(data))
    values = wire.Decoder(lambda t: Unexported(str(t.get("name")), str(t.get("type")))).decode(header.get("value"),
                                                                                               buffers)
    if not isinstance(values, dict):
        raise wire.WireError("an export must be a dict of globals")
    return values
FEEDBACK_MODES = ("summary", "none", "full")
HIDDEN_PLACEHOLDER = "# Hidden checks of this exercise ran here, in the grader, outside your notebook; their result is below."


class StripHiddenChecks(NbGraderPreprocessor):
    """Move every grade cell's hidden-test region out of the cell (into ``resources``)."""

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        stripped = {}
        for cell in nb.cells:
            if nbu.is_grade(cell) and cell.cell_type == "code" and nbu.BEGIN_HIDDEN in cell.source:
                gid = nbu.meta(cell)["grade_id"]
                stripped[gid] = cell.source
                cell.source = nbu.strip_hidden_tests(cell.source)
        resources[_HIDDEN_KEY] = stripped
        return nb, resources


class RunHiddenChecks(NbGraderPreprocessor):
    """Run the hidden checks outside the student's kernel and record each verdict in its grade cell."""

    enabled = Bool(True).tag(config=True)
    check_timeout = Integer(300, help="wall clock of one exercise's hidden checks, in seconds").tag(config=True)
    feedback = Enum(FEEDBACK_MODES, default_value="summary", help=(
        "what the graded notebook (and so the feedback) shows of the hidden checks: 'summary' = which "
        "checks failed and their short message; 'none' = only that a hidden check failed; 'full' = also the "
        "hidden-test line itself. Never the checks' source.")).tag(config=True)
    feedback_by_assignment = Dict(help="per-assignment override of `feedback`, e.g. {'w1a1_conv_step_by_step': "
                                  "'none'}").tag(config=True)

    def preprocess(self, nb, resources):
        from grading import sandbox
        from grading.isolation import CheckResult, CheckSession, plan_notebook

        originals = resources.pop(_HIDDEN_KEY, {})
        exports = resources.pop(_EXPORT_KEY, {})
        if not originals:
            return nb, resources
        assignment = (resources.get("nbgrader") or {}).get("assignment")
        mode = self.feedback_by_assignment.get(assignment, self.feedback)
        if mode not in FEEDBACK_MODES:
            raise ValueError(f"RunHiddenChecks.feedback_by_assignment[{assignment!r}] = {mode!r}: use one of "
                             f"{FEEDBACK_MODES}")
        stripped = {}
        for cell in nb.cells:   # the cells as the instructor wrote them, hidden region included
            gid = nbu.meta(cell).get("grade_id")
            if nbu.is_grade(cell) and gid in originals:
                stripped[gid] = cell.source
                cell.source = originals[gid]
        plan = plan_notebook(nb)
        path = (resources.get("metadata") or {}).get("path") or os.getcwd()
        results = {}
        session = CheckSession(plan.cells, cwd=path, sandbox=sandbox.current(), check_seconds=self.check_timeout)
        try:
            for gid, code in plan.hidden.items():
                try:
                    session.exported = decode_export(exports[gid]) if gid in exports else {}
                except Exception as err:  # noqa: BLE001 - a snapshot that does not rebuild: this exercise fails
                    results[gid] = CheckResult(gid, False, error=f"ExportFailed: the variables this exercise leaves "
                                               f"could not be rebuilt outside the notebook ({type(err).__name__}: "
                                               f"{str(err)[:200]})")
                    continue
                try:
                    results[gid] = session.run(gid, code)
                except Exception as err:  # noqa: BLE001 - the grader failed on this one: it still gets a record
                    results[gid] = CheckResult(gid, False, error=f"GradingStopped: the grader could not run the "
                                               f"hidden checks ({type(err).__name__}: {str(err)[:200]})")
                self.log.info("hidden checks %s: %s", gid, "passed" if results[gid].passed else results[gid].error[:200])
        finally:
            session.stop()
            sandbox.sweep_cgroups()
        for cell in nb.cells:
            gid = nbu.meta(cell).get("grade_id")
            if gid in stripped and mode != "full":
                cell.source = stripped[gid].rstrip("\n") + "\n" + HIDDEN_PLACEHOLDER
            if gid in results:
                r = results[gid]
                if r.output:
                    cell.outputs.append(NotebookNode(output_type="stream", name="stdout", text=r.output))
                if not r.passed:
                    ename, _, evalue = r.error.partition(": ")
                    ename, evalue = ename or "HiddenCheckFailed", evalue or r.error
                    if mode == "none":
                        evalue = "a hidden check of this exercise failed"
                    cell.outputs.append(NotebookNode(output_type="error", ename=ename, evalue=evalue,
                                                     traceback=[wrap_for_reading(f"{ename}: {evalue}")]))
        return nb, resources


def wrap_for_reading(text: str, width: int = 100) -> str:
    """``text`` with every line longer than ``width`` broken at spaces (continuations indented),
    so that a failure message reads without sideways scrolling in JupyterLab, formgrader and the
    feedback page (a traceback is shown as preformatted text)."""
    import textwrap

    return "\n".join(textwrap.fill(line, width, subsequent_indent="    ", break_long_words=False,
                                    break_on_hyphens=False) if len(line) > width else line
                     for line in text.split("\n"))


class HarmlessStderr(NbGraderPreprocessor):
    """Text on stderr in a grade cell is shown, not punished.

    nbgrader gives a test cell no points when anything appears on stderr, even when every test
    passed: a library warning or a student's debugging print would cost an honest student the
    exercise.  Correctness is decided by the tests (errors) alone, so stderr text in grade cells
    is kept, as stdout marked "(stderr)".
    """

    enabled = Bool(True).tag(config=True)

    def preprocess(self, nb, resources):
        for cell in nb.cells:
            if nbu.is_grade(cell) and cell.cell_type == "code":
                for out in cell.outputs:
                    if out.get("output_type") == "stream" and out.get("name") == "stderr":
                        out["name"] = "stdout"
                        out["text"] = "(stderr) " + out.get("text", "")
        return nb, resources
