"""A failed public check shows its message, not a screen of the checking code (cnnkit.setup).

Run in a real Jupyter kernel: the setup cell's ``init_notebook()`` installs the short display;
the cell still ends in an ``AssertionError`` (Validate and grading see the error), errors in the
student's own code keep IPython's full traceback, and ``%tb`` still shows the full one.
"""
from __future__ import annotations

import re

import nbformat
from nbclient import NotebookClient

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _run(cells: list[str]) -> list:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3").execute()
    return nb.cells


def _error(cell):
    errors = [o for o in cell.outputs if o.output_type == "error"]
    assert len(errors) == 1, cell.outputs
    return errors[0], ANSI.sub("", "\n".join(errors[0].traceback))


def test_a_failed_public_check_shows_its_message_and_nothing_of_the_checking_code():
    cells = _run([
        "from cnnkit.setup import init_notebook\ninit_notebook()\nimport numpy as np\n"
        "from public_tests.w1a1 import zero_pad_test",
        # a plausible mistake: every axis padded
        "def zero_pad(X, pad):\n    return np.pad(X, pad)\nzero_pad_test(zero_pad)",
        "%tb",
        # the student's own assert, inside their function: full traceback, their line shown
        "def zero_pad(X, pad):\n    assert pad >= 0 and False, 'my own check'\nzero_pad_test(zero_pad)",
        # a plain failing assert typed in a cell: IPython's traceback as usual
        "assert 1 == 2, 'typed in a cell'",
        # the public check passes: its message, no error
        "def zero_pad(X, pad):\n    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))\nzero_pad_test(zero_pad)",
    ])
    error, text = _error(cells[1])
    assert error.ename == "AssertionError"
    assert "every axis was padded" in error.evalue
    lines = text.splitlines()
    assert lines[0].startswith("AssertionError: zero_pad(X, 2)"), text
    assert len(lines) <= 6, f"the failure should be a few lines, got {len(lines)}:\n{text}"
    assert max(map(len, lines)) <= 100, "lines are wrapped (Validate's dialog does not wrap them)"
    assert " ".join(ln.strip() for ln in lines).count(error.evalue.split(":")[0]) == 1, text
    assert "_check" not in text and "shape_hints" not in text, "the checking code should not be shown"
    assert "zero_pad_test" in text, "the message should name the public test that failed"

    full = "".join(o.get("text", "") for o in cells[2].outputs) + "".join(
        ANSI.sub("", "\n".join(o.get("traceback", []))) for o in cells[2].outputs)
    assert "_check" in full and "every axis was padded" in full, "%tb should show the full traceback"

    _, own = _error(cells[3])
    assert "my own check" in own and "assert pad >= 0 and False" in own, own
    assert len(own.splitlines()) > 5, "an error in the student's own code keeps its full traceback"

    _, typed = _error(cells[4])
    assert "typed in a cell" in typed and "assert 1 == 2" in typed, typed

    out = "".join(o.get("text", "") for o in cells[5].outputs)
    assert "All tests passed." in out and not [o for o in cells[5].outputs if o.output_type == "error"]
