"""Render the course figures into ``images/`` (``cnn-course figures``).

The drawing code is student-facing (``cnnkit.conv``); the numbers a figure shows that
would give an exercise away (a padded array, pooled outputs) are computed here with the
instructor-only references.
"""
from __future__ import annotations

import os
from typing import Iterable

import numpy as np
from matplotlib import rc_context, style
from matplotlib.figure import Figure

from cnnkit import conv, files
from grading.w1a1 import reference


def _figures_w1a1() -> Iterable[tuple[str, Figure]]:
    rng = np.random.default_rng(2024)
    x = rng.normal(size=(1, 4, 5, 1))
    yield "w1a1_padding.png", conv.show_padding(x, reference.zero_pad(x, 2))
    yield "w1a1_conv_window.png", conv.show_conv_window()
    grid = np.random.default_rng(7).integers(0, 10, size=(1, 4, 4, 1)).astype(float)
    hp = {"f": 2, "stride": 2}
    pooled_max, _ = reference.pool_forward(grid, hp, mode="max")
    pooled_avg, _ = reference.pool_forward(grid, hp, mode="average")
    yield "w1a1_pooling.png", conv.show_pooling(grid, pooled_max, pooled_avg, **hp)
    yield "w1a1_backward_flow.png", conv.show_backward_flow()


MADE_BY = "python3 course.py figures"


def render_course_figures(out_dir, record: bool = False) -> list[str]:
    """Write the course figures as PNG files into ``out_dir`` and return their paths.

    ``record=True`` (the ``figures`` job, writing into ``images/``) also updates each
    file's manifest entry.

    Deterministic: fixed seeds, matplotlib's default style, dpi 100 and no "Software"
    metadata.  Figures draw on their own Agg canvases, so no global backend changes.
    """
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    with rc_context(), style.context("default"):
        for name, fig in _figures_w1a1():
            path = os.path.join(str(out_dir), name)
            fig.savefig(path, dpi=100, metadata={"Software": None}, facecolor="white")
            paths.append(path)
            if record:
                files.record(path, made_by=MADE_BY)
    return paths
