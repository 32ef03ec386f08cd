"""Render the course figures into ``images/`` (``cnn-course figures``).

The drawing code is student-facing (``cnnkit.plots``); the numbers a figure shows that
would give an exercise away (a padded array, pooled outputs) are computed here with the
instructor-only references.
"""
from __future__ import annotations

import os
from typing import Iterable

import numpy as np
from matplotlib import rc_context, style
from matplotlib.figure import Figure

from cnnkit import plots
from grading import reference


def _figures_w1a1() -> Iterable[tuple[str, Figure]]:
    rng = np.random.default_rng(2024)
    x = rng.normal(size=(1, 4, 5, 1))
    yield "w1a1_padding.png", plots.show_padding(x, reference.zero_pad(x, 2))
    yield "w1a1_conv_window.png", plots.show_conv_window()
    grid = np.random.default_rng(7).integers(0, 10, size=(1, 4, 4, 1)).astype(float)
    hp = {"f": 2, "stride": 2}
    pooled_max, _ = reference.pool_forward(grid, hp, mode="max")
    pooled_avg, _ = reference.pool_forward(grid, hp, mode="average")
    yield "w1a1_pooling.png", plots.show_pooling(grid, pooled_max, pooled_avg, **hp)
    yield "w1a1_backward_flow.png", plots.show_backward_flow()


def render_course_figures(out_dir) -> list[str]:
    """Write the course figures as PNG files into ``out_dir`` and return their paths.

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
    return paths
