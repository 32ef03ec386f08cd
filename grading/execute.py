"""An nbgrader ``Execute`` preprocessor that survives a crashing kernel.

Stock nbgrader gives up on the whole submission when the kernel dies (a segfault,
``os._exit``, running out of memory): every cell then scores zero.  ``ResilientExecute``
instead marks the cell that killed the kernel with a clear error, starts a fresh kernel,
replays the cells before it (so that definitions and data exist again) and carries on.
The student gets the points of every cell that did run.

Enabled in ``nbgrader_config.py``; all ``Execute`` settings (timeouts...) still apply.
"""
from __future__ import annotations

import copy

from nbclient.exceptions import DeadKernelError
from nbclient.util import run_sync
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute

try:  # jupyter_core >= 5
    from jupyter_core.utils import ensure_async
except ImportError:  # pragma: no cover
    from nbclient.util import ensure_async

KERNEL_DIED = ("The kernel died while running this cell (a crash, os._exit, or too much "
               "memory?). Grading went on in a fresh kernel, after re-running the cells above.")


class ResilientExecute(Execute):
    """``Execute`` that restarts a dead kernel and goes on with the next cell."""

    max_restarts = 10

    def preprocess(self, nb, resources=None, km=None):
        self._restarts = 0
        self._killers: set[int] = set()  # cells that killed the kernel: never replayed
        return super().preprocess(nb, resources, km=km)

    def preprocess_cell(self, cell, resources, index):
        try:
            return super().preprocess_cell(cell, resources, index)
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
                    run_sync(self.async_execute_cell)(copy.deepcopy(earlier), j, store_history=False)
                except DeadKernelError:  # this one kills it too now: skip it, start over
                    self._killers.add(j)
                    self._restarts += 1
                    run_sync(self._async_restart)()
                    break
            else:
                return
