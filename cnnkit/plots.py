"""Figures drawn by code for the course notebooks (and for ``images/``).

Every ``show_*`` function builds and returns a :class:`matplotlib.figure.Figure`.
The figures are created without ``pyplot``: nothing is registered with the
notebook's backend and nothing is shown as a side effect, so a figure appears
exactly once, when it is the value of the last line of a cell (or when it is
passed to ``display``).  They can also be saved with ``fig.savefig(...)``.

This module is student-facing.  It contains no implementation of a graded
function: numbers that would give an exercise away (a padded array, pooled
outputs) are passed in by the caller, e.g. computed with the student's own code.

``grading.figures.render_course_figures`` (instructor side) writes the PNG files that the
notebooks embed.

Figures for the Keras notebooks follow the same rules: ``image_grid`` (a few examples
with their labels), ``history_curves`` (loss and accuracy per epoch, training versus
validation) and ``misclassified`` (the test images a trained model gets wrong).
"""
from __future__ import annotations

import numpy as np
from matplotlib import patches
from matplotlib.figure import Figure

__all__ = [
    "show_padding",
    "show_conv_window",
    "show_pooling",
    "show_backward_flow",
    "image_grid",
    "history_curves",
    "misclassified",
    "measure_gradient_norms",
    "gradient_norms",
    "show_residual_blocks",
    "show_prediction",
]

# --------------------------------------------------------------------------------------
# One colour scheme for every figure of the course.
# --------------------------------------------------------------------------------------
INPUT_FACE = "#e9eef6"     # ordinary input cells
PAD_FACE = "#fbe0b8"       # zero-padding border
PAD_EDGE = "#d9822b"
OUTPUT_FACE = "#f4f4f4"    # output cells not highlighted
GRID_EDGE = "#7f8796"
TEXT = "#1f2430"
MUTED = "#6b7280"
GRAD = "#c0392b"           # gradient arrows and highlights
# Window colours: blue, orange-red, green, purple, teal, brown (colour-blind friendly order).
WINDOW_COLOURS = ["#2b6cb0", "#d9480f", "#2f9e44", "#7048e8", "#0c8599", "#a0522d"]
VALUE_CMAP = "RdBu_r"      # diverging map: zero is white, so padding reads as "blank"


def _colour(k: int) -> str:
    return WINDOW_COLOURS[k % len(WINDOW_COLOURS)]


def _tint(colour: str, amount: float = 0.75) -> tuple:
    """Mix ``colour`` with white (amount = 1 gives white)."""
    from matplotlib.colors import to_rgb

    r, g, b = to_rgb(colour)
    return (r + (1 - r) * amount, g + (1 - g) * amount, b + (1 - b) * amount)


def _as_2d(a, example: int = 0, channel: int = 0) -> np.ndarray:
    """A 2-D view of one channel: (n_H, n_W) as is, (n_H, n_W, n_C) or (m, n_H, n_W, n_C)."""
    a = np.asarray(a)
    if a.ndim == 2:
        return a
    if a.ndim == 3:
        return a[:, :, channel]
    if a.ndim == 4:
        return a[example, :, :, channel]
    raise ValueError(f"expected an array with 2, 3 or 4 axes, got shape {a.shape}")


def _clean_axes(ax, n_rows: int, n_cols: int, margin: float = 0.05) -> None:
    ax.set_xlim(-margin, n_cols + margin)
    ax.set_ylim(n_rows + margin, -margin)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)


def _cell(ax, row, col, face, edge=GRID_EDGE, lw=0.8, text=None, fontsize=10,
          weight="normal", colour=TEXT, hatch=None, size=1.0, zorder=1):
    ax.add_patch(patches.Rectangle((col, row), size, size, facecolor=face, edgecolor=edge,
                                   linewidth=lw, hatch=hatch, zorder=zorder))
    if text is not None:
        ax.text(col + size / 2, row + size / 2, text, ha="center", va="center",
                fontsize=fontsize, fontweight=weight, color=colour, zorder=zorder + 3)


def _outline(ax, row, col, height, width, colour, inset=0.0, lw=2.6, fill_alpha=0.0,
             zorder=5, linestyle="-"):
    if fill_alpha > 0:
        ax.add_patch(patches.Rectangle((col, row), width, height, facecolor=colour,
                                       alpha=fill_alpha, edgecolor="none", zorder=zorder - 1))
    ax.add_patch(patches.Rectangle((col + inset, row + inset), width - 2 * inset,
                                   height - 2 * inset, facecolor="none", edgecolor=colour,
                                   linewidth=lw, linestyle=linestyle, zorder=zorder))


def _index_labels(ax, n_rows, n_cols, fontsize=8, offset=0):
    """Row numbers on the left, column numbers on top (``offset`` shifts the numbering)."""
    for r in range(n_rows):
        ax.text(-0.18, r + 0.5, str(r + offset), ha="right", va="center", fontsize=fontsize,
                color=MUTED)
    for c in range(n_cols):
        ax.text(c + 0.5, -0.15, str(c + offset), ha="center", va="bottom", fontsize=fontsize,
                color=MUTED)


def _fmt(v: float, decimals: int = 1) -> str:
    """Exact zeros print as "0"; tiny non-zero values keep their decimals ("0.0")."""
    if v == 0:
        return "0"
    text = f"{v:.{decimals}f}"
    return text.lstrip("-") if text.lstrip("-").strip("0.") == "" else text


# --------------------------------------------------------------------------------------
# 1. Padding
# --------------------------------------------------------------------------------------
def show_padding(x, x_pad, example: int = 0, channel: int = 0) -> Figure:
    """One channel of one example before and after zero padding, side by side.

    Parameters
    ----------
    x, x_pad : arrays of shape (m, n_H, n_W, n_C), (n_H, n_W, n_C) or (n_H, n_W)
        The input and its padded version (for example ``zero_pad(x, pad)``).
    example, channel : int
        Which example and which channel to draw.

    The padded border is hatched and the original area is outlined, so one can check
    at a glance that the values were copied to the interior and that the border is 0.
    """
    a = np.asarray(_as_2d(x, example, channel), dtype=float)
    ap = np.asarray(_as_2d(x_pad, example, channel), dtype=float)
    pad_h = (ap.shape[0] - a.shape[0]) // 2
    pad_w = (ap.shape[1] - a.shape[1]) // 2
    vmax = float(max(np.max(np.abs(a)) if a.size else 0.0,
                     np.max(np.abs(ap)) if ap.size else 0.0, 1e-12))
    annotate = max(ap.shape) <= 12

    cell_in = 0.55
    width = cell_in * (a.shape[1] + ap.shape[1]) + 2.4
    height = cell_in * ap.shape[0] + 1.9
    fig = Figure(figsize=(max(width, 7.0), max(height, 3.6)))
    gs = fig.add_gridspec(1, 3, width_ratios=[a.shape[1] + 0.6, ap.shape[1] + 0.6, 0.35],
                          left=0.04, right=0.93, top=0.78, bottom=0.06, wspace=0.12)
    ax_before = fig.add_subplot(gs[0, 0])
    ax_after = fig.add_subplot(gs[0, 1])
    ax_bar = fig.add_subplot(gs[0, 2])

    image = None
    for ax, arr in ((ax_before, a), (ax_after, ap)):
        image = ax.imshow(arr, cmap=VALUE_CMAP, vmin=-vmax, vmax=vmax,
                          extent=(0, arr.shape[1], arr.shape[0], 0), interpolation="nearest")
        for r in range(arr.shape[0] + 1):
            ax.plot([0, arr.shape[1]], [r, r], color="white", lw=1.0)
        for c in range(arr.shape[1] + 1):
            ax.plot([c, c], [0, arr.shape[0]], color="white", lw=1.0)
        if annotate:
            for r in range(arr.shape[0]):
                for c in range(arr.shape[1]):
                    v = arr[r, c]
                    ax.text(c + 0.5, r + 0.5, _fmt(v), ha="center", va="center", fontsize=8,
                            color="white" if abs(v) > 0.6 * vmax else TEXT)
        _clean_axes(ax, arr.shape[0], arr.shape[1])

    # Hatch the border of the padded channel and outline the original area.
    rows, cols = ap.shape
    for r in range(rows):
        for c in range(cols):
            inside = pad_h <= r < rows - pad_h and pad_w <= c < cols - pad_w
            if not inside:
                ax_after.add_patch(patches.Rectangle((c, r), 1, 1, facecolor=PAD_FACE,
                                                     alpha=0.55, edgecolor=PAD_EDGE,
                                                     hatch="//", linewidth=0.0, zorder=2))
    if pad_h or pad_w:
        _outline(ax_after, pad_h, pad_w, a.shape[0], a.shape[1], TEXT, lw=2.0,
                 linestyle="--")
    _outline(ax_before, 0, 0, a.shape[0], a.shape[1], TEXT, lw=2.0, linestyle="--")

    where = "" if np.ndim(x) == 2 else (
        f"[{example}, :, :, {channel}]" if np.ndim(x) == 4 else f"[:, :, {channel}]")
    ax_before.set_title(f"before: x{where}\n{a.shape[0]} × {a.shape[1]}", fontsize=11,
                        color=TEXT)
    pad_text = f"pad = {pad_h}" if pad_h == pad_w else f"pad = ({pad_h}, {pad_w})"
    ax_after.set_title(f"after: x_pad{where}  ({pad_text})\n"
                       f"{ap.shape[0]} × {ap.shape[1]}", fontsize=11, color=TEXT)

    cbar = fig.colorbar(image, cax=ax_bar)
    cbar.ax.tick_params(labelsize=8)
    cbar.set_label("value", fontsize=9, color=TEXT)
    fig.suptitle("Zero padding: a border of zeros around every channel", fontsize=13,
                 color=TEXT, y=0.97)
    legend = [patches.Patch(facecolor=PAD_FACE, edgecolor=PAD_EDGE, hatch="//",
                            label="padding (all zeros)"),
              patches.Patch(facecolor="none", edgecolor=TEXT, linestyle="--",
                            label="original values")]
    fig.legend(handles=legend, loc="upper center", ncol=2, frameon=False, fontsize=9,
               bbox_to_anchor=(0.5, 0.905))
    return fig


# --------------------------------------------------------------------------------------
# 2. A convolution window sliding with a stride
# --------------------------------------------------------------------------------------
def _size_line(name: str, n: int, f: int, stride: int, pad: int) -> str:
    num = n - f + 2 * pad
    out = num // stride + 1
    ratio = num / stride
    ratio_text = f"{ratio:g}" if ratio == int(ratio) else f"{ratio:.2f}".rstrip("0")
    return (rf"$n_{{{name}}} = \lfloor ({n} - {f} + 2 \cdot {pad})\, /\, {stride} \rfloor + 1"
            rf" = \lfloor {ratio_text} \rfloor + 1 = {out}$")


def show_conv_window(n_H_prev: int = 7, n_W_prev: int = 9, f: int = 3, stride: int = 2,
                     pad: int = 1) -> Figure:
    """A padded input grid with a few successive window positions, and the output grid.

    The first windows of the first output row are outlined (moving right by ``stride``),
    then the first window of the second output row (moving down by ``stride``).  The
    output cell that each window produces has the same colour and number.  Input cells
    that no window reaches (when the stride does not divide ``n - f + 2·pad``) are
    crossed out.  The output-size formula is written under the grids.
    """
    if f < 1 or stride < 1 or pad < 0:
        raise ValueError("need f >= 1, stride >= 1 and pad >= 0")
    Hp, Wp = n_H_prev + 2 * pad, n_W_prev + 2 * pad
    if f > Hp or f > Wp:
        raise ValueError("the window is larger than the padded input")
    n_H = (Hp - f) // stride + 1
    n_W = (Wp - f) // stride + 1

    positions = [(0, w) for w in range(min(3, n_W))]
    if n_H > 1:
        positions.append((1, 0))

    cell_in = 0.48
    grid_h = cell_in * (max(Hp, n_H) + 1.2)
    fig_w = max(cell_in * (Wp + n_W) + 3.2, 9.0)
    fig_h = grid_h + 3.0
    fig = Figure(figsize=(fig_w, fig_h))
    gs = fig.add_gridspec(1, 2, width_ratios=[Wp + 1.2, max(n_W, 3) + 1.2],
                          left=0.04, right=0.98, top=1 - 1.45 / fig_h,
                          bottom=1.45 / fig_h, wspace=0.12)
    ax_in = fig.add_subplot(gs[0, 0])
    ax_out = fig.add_subplot(gs[0, 1])

    # Which padded-input cells does at least one window cover?
    covered_rows = (n_H - 1) * stride + f
    covered_cols = (n_W - 1) * stride + f
    for r in range(Hp):
        for c in range(Wp):
            is_pad = not (pad <= r < Hp - pad and pad <= c < Wp - pad)
            _cell(ax_in, r, c, PAD_FACE if is_pad else INPUT_FACE,
                  hatch="//" if is_pad else None,
                  edge=PAD_EDGE if is_pad else GRID_EDGE, lw=0.6)
            if r >= covered_rows or c >= covered_cols:
                ax_in.plot([c + 0.2, c + 0.8], [r + 0.2, r + 0.8], color=MUTED, lw=1.0, zorder=3)
                ax_in.plot([c + 0.2, c + 0.8], [r + 0.8, r + 0.2], color=MUTED, lw=1.0, zorder=3)
    _index_labels(ax_in, Hp, Wp)

    for k, (h, w) in enumerate(positions):
        colour = _colour(k)
        top, left = h * stride, w * stride
        _outline(ax_in, top, left, f, f, colour, inset=0.05 + 0.07 * k, fill_alpha=0.16)
        ax_in.text(left + 0.2 + 0.07 * k, top + 0.3 + 0.07 * k, str(k + 1), ha="left",
                   va="center", fontsize=10, fontweight="bold", color="white", zorder=7,
                   bbox=dict(boxstyle="circle,pad=0.18", facecolor=colour, edgecolor="none"))
    _clean_axes(ax_in, Hp, Wp, margin=0.6)
    ax_in.set_title(f"padded input  ({n_H_prev} × {n_W_prev}, pad = {pad} → {Hp} × {Wp})\n"
                    f"window f × f = {f} × {f}, moved by stride = {stride}",
                    fontsize=11, color=TEXT)

    highlight = {pos: k for k, pos in enumerate(positions)}
    for h in range(n_H):
        for w in range(n_W):
            if (h, w) in highlight:
                k = highlight[(h, w)]
                _cell(ax_out, h, w, _tint(_colour(k), 0.55), edge=_colour(k), lw=2.2,
                      text=str(k + 1), weight="bold", colour=TEXT, fontsize=11, zorder=4)
            else:
                _cell(ax_out, h, w, OUTPUT_FACE, text=f"{h},{w}", fontsize=7, colour=MUTED)
    _index_labels(ax_out, n_H, n_W)
    _clean_axes(ax_out, max(n_H, 1), max(n_W, 3), margin=0.6)
    ax_out.set_title(f"output Z[i, :, :, c]\n{n_H} × {n_W}", fontsize=11, color=TEXT)

    fig.suptitle("A convolution window slides over the padded input", fontsize=13,
                 color=TEXT, y=1 - 0.3 / fig_h)
    fig.text(0.5, 0.95 / fig_h, _size_line("H", n_H_prev, f, stride, pad), ha="center",
             va="center", fontsize=13, color=TEXT)
    fig.text(0.5, 0.4 / fig_h, _size_line("W", n_W_prev, f, stride, pad), ha="center",
             va="center", fontsize=13, color=TEXT)
    legend = [patches.Patch(facecolor=PAD_FACE, edgecolor=PAD_EDGE, hatch="//",
                            label="zero padding"),
              patches.Patch(facecolor=INPUT_FACE, edgecolor=GRID_EDGE, label="input")]
    if covered_rows < Hp or covered_cols < Wp:
        legend.append(patches.Patch(facecolor="white", edgecolor=MUTED, hatch="xx",
                                    label="never inside a window (floor)"))
    fig.legend(handles=legend, loc="upper center", ncol=len(legend), frameon=False,
               fontsize=9, bbox_to_anchor=(0.5, 1 - 0.55 / fig_h))
    return fig


# --------------------------------------------------------------------------------------
# 3. Max pooling versus average pooling
# --------------------------------------------------------------------------------------
def show_pooling(x, A_max, A_avg, f: int = 2, stride: int = 2) -> Figure:
    """A small input grid, its max-pooled and its average-pooled outputs side by side.

    Parameters
    ----------
    x : array of shape (n_H_prev, n_W_prev), (n_H_prev, n_W_prev, n_C) or (m, n_H_prev, n_W_prev, n_C)
        Input; the first example and channel are drawn.
    A_max, A_avg : arrays shaped like ``x`` but with (n_H, n_W) spatial sizes
        The max-pooled and average-pooled outputs (e.g. from your ``pool_forward``), where
        n_H = floor((n_H_prev - f) / stride) + 1 and likewise n_W.
    f, stride : int
        Window size and stride.

    Each window gets its own colour in the input and in both outputs; the maximum of
    each window is circled.
    """
    a = np.asarray(_as_2d(x), dtype=float)
    maxima = np.asarray(_as_2d(A_max), dtype=float)
    means = np.asarray(_as_2d(A_avg), dtype=float)
    n_H_prev, n_W_prev = a.shape
    n_H, n_W = maxima.shape
    if means.shape != maxima.shape:
        raise ValueError(f"A_max and A_avg differ in shape: {maxima.shape} vs {means.shape}")
    integer_input = bool(np.all(a == np.round(a)))
    in_decimals = 0 if integer_input else 1

    # Where each window's maximum sits (to circle it), read off the given outputs.
    argmax = {}
    for h in range(n_H):
        for w in range(n_W):
            rows = slice(h * stride, h * stride + f)
            cols = slice(w * stride, w * stride + f)
            hits = np.argwhere(np.isclose(a[rows, cols], maxima[h, w]))
            r, c = hits[0] if len(hits) else (0, 0)
            argmax[(h, w)] = (h * stride + r, w * stride + c)

    cell_in = 0.62
    fig = Figure(figsize=(max(cell_in * (n_W_prev + 2 * n_W) + 4.0, 9.5),
                          max(cell_in * n_H_prev + 2.6, 4.4)))
    gs = fig.add_gridspec(1, 3, width_ratios=[n_W_prev + 1, n_W + 1, n_W + 1],
                          left=0.03, right=0.98, top=0.74, bottom=0.1, wspace=0.25)
    ax_in, ax_max, ax_avg = (fig.add_subplot(gs[0, k]) for k in range(3))

    tiled = stride >= f
    for r in range(n_H_prev):
        for c in range(n_W_prev):
            face = INPUT_FACE
            if tiled:
                h, hr = divmod(r, stride)
                w, wr = divmod(c, stride)
                if h < n_H and w < n_W and hr < f and wr < f:
                    face = _tint(_colour(h * n_W + w), 0.72)
            _cell(ax_in, r, c, face, text=_fmt(a[r, c], in_decimals), fontsize=11)
    # Tiled windows: colour all of them.  Overlapping windows: only the first few, so
    # that the outlines stay readable.
    if tiled:
        shown = {(h, w): h * n_W + w for h in range(n_H) for w in range(n_W)}
    else:
        first = [(0, w) for w in range(min(2, n_W))] + ([(1, 0)] if n_H > 1 else [])
        shown = {pos: k for k, pos in enumerate(first)}
    for (h, w), k in shown.items():
        inset = 0.04 if tiled else 0.05 + 0.08 * k
        _outline(ax_in, h * stride, w * stride, f, f, _colour(k), inset=inset, lw=2.2,
                 fill_alpha=0.0 if tiled else 0.12)
        r, c = argmax[(h, w)]
        ax_in.add_patch(patches.Circle((c + 0.5, r + 0.5), 0.34 - 0.04 * (0 if tiled else k),
                                       facecolor="none", edgecolor=_colour(k),
                                       linewidth=2.0, zorder=6))
    _clean_axes(ax_in, n_H_prev, n_W_prev)
    ax_in.set_title(f"input  {n_H_prev} × {n_W_prev}\n(max of each window circled)",
                    fontsize=11, color=TEXT)

    for ax, values, title, decimals in (
            (ax_max, maxima, "max pooling", in_decimals),
            (ax_avg, means, "average pooling", 2)):
        for h in range(n_H):
            for w in range(n_W):
                if (h, w) in shown:
                    k = shown[(h, w)]
                    _cell(ax, h, w, _tint(_colour(k), 0.72), edge=_colour(k), lw=2.0,
                          text=_fmt(values[h, w], decimals), fontsize=12, weight="bold",
                          zorder=3)
                else:
                    _cell(ax, h, w, OUTPUT_FACE, text=_fmt(values[h, w], decimals),
                          fontsize=12)
        _clean_axes(ax, max(n_H, n_H_prev), n_W)
        ax.set_title(f"{title}\n{n_H} × {n_W}", fontsize=11, color=TEXT)

    # Spell out the first window's two summaries under the outputs.
    first = a[0:f, 0:f].ravel()
    if first.size <= 9:
        items = ", ".join(_fmt(v, in_decimals) for v in first)
        for ax, text in ((ax_max, f"max({items})\n= {_fmt(maxima[0, 0], in_decimals)}"),
                         (ax_avg, f"({' + '.join(_fmt(v, in_decimals) for v in first)})"
                                  f" / {first.size}\n= {_fmt(means[0, 0], 2)}")):
            ax.text(n_W / 2, n_H + 0.35, text, ha="center", va="top", fontsize=9.5,
                    color=_colour(0))
    fig.suptitle(f"Pooling one channel with f = {f}, stride = {stride}", fontsize=13,
                 color=TEXT, y=0.97)
    fig.text(0.5, 0.87, "Same windows, two summaries: the largest value or the mean. "
             "No weights and no bias, so nothing to learn.",
             ha="center", va="center", fontsize=10, color=MUTED)
    return fig


# --------------------------------------------------------------------------------------
# 4. How gradients flow back
# --------------------------------------------------------------------------------------
def _grid_block(ax, top, left, n_rows, n_cols, face=INPUT_FACE, values=None, fontsize=9,
                decimals=1, edge=GRID_EDGE, lw=0.7, faces=None):
    for r in range(n_rows):
        for c in range(n_cols):
            text = None if values is None else _fmt(values[r][c], decimals)
            cell_face = face if faces is None else faces[r][c]
            _cell(ax, top + r, left + c, cell_face, edge=edge, lw=lw, text=text,
                  fontsize=fontsize)


def _arrow(ax, start, end, colour=GRAD, rad=0.0, lw=2.0, label=None, label_xy=None,
           fontsize=10):
    ax.add_patch(patches.FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=16,
                                         color=colour, linewidth=lw,
                                         connectionstyle=f"arc3,rad={rad}", zorder=8,
                                         shrinkA=2, shrinkB=2))
    if label is not None:
        x, y = label_xy if label_xy is not None else ((start[0] + end[0]) / 2,
                                                      (start[1] + end[1]) / 2)
        ax.text(x, y, label, ha="center", va="center", fontsize=fontsize, color=colour,
                zorder=9, bbox=dict(boxstyle="round,pad=0.25", facecolor="white",
                                    edgecolor="none", alpha=0.9))


def show_backward_flow() -> Figure:
    """How one output gradient travels back through a conv layer and a pooling layer.

    Top: a single entry ``dZ[i, h, w, c]`` is added into three places: the window of
    ``dA_prev`` it was computed from (weighted by ``W[..., c]``), the filter gradient
    ``dW[..., c]`` (weighted by the input window) and the bias gradient ``db[c]``.
    Bottom: max pooling sends the whole gradient to the position of the maximum;
    average pooling spreads it evenly over the window.
    """
    fig = Figure(figsize=(12.5, 11.5))
    gs = fig.add_gridspec(2, 1, height_ratios=[16.2, 6.4], left=0.02, right=0.98,
                          top=0.93, bottom=0.02, hspace=0.1)
    ax_conv = fig.add_subplot(gs[0, 0])
    ax_pool = fig.add_subplot(gs[1, 0])

    # ---------------- convolution ----------------
    ax = ax_conv
    f, stride, h, w = 3, 1, 1, 2
    win_colour = _colour(0)
    # dZ[i, :, :, c] on the right, with the entry (h, w) highlighted.
    dz_top, dz_left, n_out = 2.5, 22.5, 4
    faces = [[OUTPUT_FACE] * n_out for _ in range(n_out)]
    faces[h][w] = _tint(GRAD, 0.55)
    _grid_block(ax, dz_top, dz_left, n_out, n_out, faces=faces)
    _outline(ax, dz_top + h, dz_left + w, 1, 1, GRAD, lw=2.6)
    ax.text(dz_left + n_out / 2, dz_top - 0.35, "dZ[i, :, :, c]\n(upstream gradient)",
            ha="center", va="bottom", fontsize=11, color=TEXT)
    ax.text(dz_left + w + 0.5, dz_top + n_out + 0.3, "entry (h, w) = (1, 2)", ha="center",
            va="top", fontsize=9, color=MUTED)
    src = (dz_left + w + 0.05, dz_top + h + 0.5)

    # dA_prev_pad[i] (one channel drawn) on the left with the window outlined.
    a_top, a_left, n_in = 0.5, 0.5, 6
    faces = [[INPUT_FACE] * n_in for _ in range(n_in)]
    for r in range(n_in):
        for c in range(n_in):
            if r in (0, n_in - 1) or c in (0, n_in - 1):
                faces[r][c] = PAD_FACE
    _grid_block(ax, a_top, a_left, n_in, n_in, faces=faces)
    _outline(ax, a_top + h * stride, a_left + w * stride, f, f, win_colour, inset=0.04,
             fill_alpha=0.22, lw=2.6)
    ax.text(a_left + n_in / 2, a_top - 0.3, "dA_prev_pad[i]  (one channel shown)",
            ha="center", va="bottom", fontsize=11, color=TEXT)
    ax.text(a_left + n_in / 2, a_top + n_in + 0.3,
            "window: rows h·stride … h·stride+f−1,\ncolumns w·stride … w·stride+f−1",
            ha="center", va="top", fontsize=9, color=MUTED)

    # dW[:, :, :, c] in the middle and db[c] below it.
    w_top, w_left = 5.2, 12.0
    _grid_block(ax, w_top, w_left, f, f, face=_tint(_colour(2), 0.7))
    ax.text(w_left + f / 2, w_top - 0.3, "dW[:, :, :, c]", ha="center", va="bottom",
            fontsize=11, color=TEXT)
    b_top, b_left = 9.6, 13.0
    _cell(ax, b_top, b_left, _tint(_colour(3), 0.65), lw=1.2)
    ax.text(b_left + 0.5, b_top - 0.3, "db[c]", ha="center", va="bottom", fontsize=11,
            color=TEXT)

    target_a = (a_left + w * stride + f + 0.1, a_top + h * stride + 1.5)
    _arrow(ax, src, target_a, rad=0.0, label="× W[:, :, :, c]",
           label_xy=(15.5, src[1] + (target_a[1] - src[1]) * (src[0] - 15.5) / (src[0] - target_a[0])))
    target_w = (w_left + f + 0.1, w_top + 1.5)
    _arrow(ax, src, target_w, rad=0.0, label="× a_slice",
           label_xy=(18.5, src[1] + (target_w[1] - src[1]) * (src[0] - 18.5) / (src[0] - target_w[0])))
    _arrow(ax, src, (b_left + 1.1, b_top + 0.5), rad=-0.12,
           label="× 1", label_xy=(18.6, 8.75))

    lines = [
        (win_colour, "dA_prev_pad[i, rows, cols, :]  += W[:, :, :, c] · dZ[i, h, w, c]"),
        (_colour(2), "dW[:, :, :, c]  += a_slice · dZ[i, h, w, c]     (a_slice: the same "
                     "window of the padded input)"),
        (_colour(3), "db[:, :, :, c]  += dZ[i, h, w, c]"),
    ]
    for k, (colour, text) in enumerate(lines):
        ax.text(0.5, 12.0 + 0.85 * k, text, ha="left", va="center", fontsize=11,
                color=colour, family="monospace")
    ax.text(0.5, 14.6, "Windows overlap when stride < f, so every update must accumulate (+=). "
            "At the end, crop the padding from dA_prev_pad to get dA_prev.", ha="left",
            va="center", fontsize=10.5, color=TEXT)
    ax.set_xlim(0, 27.5)
    ax.set_ylim(15.2, -1.0)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("Convolution: one entry dZ[i, h, w, c] is added into three gradients",
                 fontsize=13, color=TEXT, loc="left")

    # ---------------- pooling ----------------
    ax = ax_pool
    window = [[1.0, 3.0], [2.0, 0.5]]
    g = 0.8
    for left, mode in ((0.5, "max"), (14.5, "average")):
        ax.text(left, -0.3, f"{mode} pooling", ha="left", va="bottom", fontsize=12.5,
                color=TEXT, fontweight="bold")
        top = 1.0
        # forward window of A_prev
        faded = mode == "average"
        _grid_block(ax, top, left, 2, 2, values=window, fontsize=11, decimals=1,
                    face="#f7f7f7" if faded else INPUT_FACE)
        ax.text(left + 1, top - 0.2, "A_prev window", ha="center", va="bottom",
                fontsize=9.5, color=MUTED)
        if mode == "max":
            ax.add_patch(patches.Circle((left + 1.5, top + 0.5), 0.36, facecolor="none",
                                        edgecolor=_colour(1), linewidth=2.0, zorder=6))
            mask = [[0, 1], [0, 0]]
            mask_text = [["F", "T"], ["F", "F"]]
            mask_title = "mask (x == max)"
            note = ("create_mask_from_window: True where the window equals its max;\n"
                    "the whole gradient goes to the position of the maximum")
        else:
            mask = [[1, 1], [1, 1]]
            mask_text = [["1/4"] * 2 for _ in range(2)]
            mask_title = "1 / (f·f) each"
            note = ("distribute_value: only the window's shape matters, not its values;\n"
                    "every cell gets the same share dA / (f·f)")
        _arrow(ax, (left + 2.15, top + 1.0), (left + 3.35, top + 1.0), colour=MUTED, lw=1.4)
        for r in range(2):
            for c in range(2):
                _cell(ax, top + r, left + 3.5 + c,
                      _tint(_colour(1), 0.6) if mask[r][c] else OUTPUT_FACE,
                      text=mask_text[r][c], fontsize=10.5)
        ax.text(left + 4.5, top - 0.2, mask_title, ha="center", va="bottom", fontsize=9.5,
                color=MUTED)
        ax.text(left + 6.05, top + 1.0, "×", ha="center", va="center", fontsize=16,
                color=TEXT)
        _cell(ax, top + 0.5, left + 6.6, _tint(GRAD, 0.55), edge=GRAD, lw=2.0, text=_fmt(g),
              fontsize=11, weight="bold")
        ax.text(left + 7.1, top + 0.3, "dA[i, h, w, c]", ha="center", va="bottom",
                fontsize=9.5, color=MUTED)
        ax.text(left + 8.15, top + 1.0, "=", ha="center", va="center", fontsize=16,
                color=TEXT)
        result = [[g * m / (1 if mode == "max" else 4) for m in row] for row in mask]
        faces = [[_tint(GRAD, 0.55) if v else OUTPUT_FACE for v in row] for row in result]
        _grid_block(ax, top, left + 8.7, 2, 2, values=result, fontsize=11, decimals=1,
                    faces=faces)
        ax.text(left + 9.7, top - 0.2, "+= into dA_prev window", ha="center", va="bottom",
                fontsize=9.5, color=MUTED)
        ax.text(left, top + 2.9, note, ha="left", va="top", fontsize=10, color=TEXT)
    ax.plot([13.9, 13.9], [-0.4, 4.9], color="#d0d4dc", lw=1.0)
    ax.set_xlim(0, 27.5)
    ax.set_ylim(5.2, -1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    ax.set_title("Pooling: no parameters, so only dA_prev; the rule depends on the mode",
                 fontsize=13, color=TEXT, loc="left")
    fig.suptitle("Backward propagation, one output entry at a time", fontsize=15,
                 color=TEXT, y=0.985)
    return fig


# --------------------------------------------------------------------------------------
# 5. Keras notebooks: examples, training curves, mistakes
# --------------------------------------------------------------------------------------
TRAIN_COLOUR = WINDOW_COLOURS[0]   # blue: training set
VAL_COLOUR = WINDOW_COLOURS[1]     # orange-red: validation / test set
RIGHT = WINDOW_COLOURS[2]          # green: a correct label
WRONG = GRAD                       # red: a wrong prediction


def _displayable(image) -> tuple[np.ndarray, str | None]:
    """An image as ``imshow`` wants it, and the colour map to use (None for RGB).

    Accepts uint8 pictures (0..255) and float pictures (0..1, e.g. after ``X / 255.``);
    floats are clipped to [0, 1].  A single channel is drawn in grey.
    """
    a = np.asarray(image)
    if a.ndim == 3 and a.shape[-1] == 1:
        a = a[..., 0]
    if a.ndim not in (2, 3):
        raise ValueError(f"expected one image of shape (H, W), (H, W, 1) or (H, W, 3), got {a.shape}")
    if np.issubdtype(a.dtype, np.integer):
        a = np.clip(a, 0, 255).astype(np.uint8)
    else:
        a = np.clip(a.astype(float), 0.0, 1.0)
    return a, ("gray" if a.ndim == 2 else None)


def _labels_of(y, m: int | None = None, name: str = "labels") -> tuple[np.ndarray, np.ndarray | None]:
    """Class indices from any usual label layout, and a confidence when ``y`` holds probabilities.

    Understands integer labels ``(m,)``, a row ``(1, m)`` (as the loaders return them), a
    column ``(m, 1)`` of 0/1 labels or of sigmoid outputs (thresholded at 0.5), and one-hot
    rows or softmax outputs ``(m, C)`` (argmax).  The confidence is the probability the
    model gave to the class it predicted, or None for plain labels.
    """
    a = np.asarray(y)
    if a.ndim == 2 and a.shape[0] == 1 and (m is None or a.shape[1] == m) and a.shape[1] != 1:
        a = a.reshape(-1)
    if a.ndim == 2 and a.shape[1] > 1:          # one-hot labels or softmax outputs
        idx = np.argmax(a, axis=1)
        probs = a.astype(float)
        is_prob = not np.all((probs == 0) | (probs == 1))
        return idx.astype(int), (probs[np.arange(len(idx)), idx] if is_prob else None)
    if a.ndim == 2 and a.shape[1] == 1:
        a = a[:, 0]
    if a.ndim == 0:
        a = a.reshape(1)
    if a.ndim != 1:
        raise ValueError(f"{name}: cannot read class labels from an array of shape {np.shape(y)}")
    if np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.bool_):
        return a.astype(int), None
    a = a.astype(float)
    if np.all(a == np.round(a)):
        return a.astype(int), None
    if np.all((a >= 0) & (a <= 1)):             # sigmoid outputs: probability of class 1
        idx = (a >= 0.5).astype(int)
        return idx, np.where(idx == 1, a, 1 - a)
    raise ValueError(f"{name}: values are neither class indices nor probabilities in [0, 1]")


def _class_text(k: int, class_names) -> str:
    if class_names is not None and 0 <= int(k) < len(class_names):
        return str(class_names[int(k)])
    return str(int(k))


def _image_axes(fig, n_panels: int, cols: int, top: float, bottom: float = 0.02,
                hspace: float = 0.42):
    rows = max(1, int(np.ceil(n_panels / cols)))
    gs = fig.add_gridspec(rows, cols, left=0.01, right=0.99, top=top, bottom=bottom,
                          wspace=0.06, hspace=hspace)
    axes = []
    for k in range(rows * cols):
        ax = fig.add_subplot(gs[k // cols, k % cols])
        ax.set_xticks([])
        ax.set_yticks([])
        if k >= n_panels:
            ax.axis("off")
        axes.append(ax)
    return axes


def image_grid(images, labels=None, class_names=None, n: int = 16, cols: int = 8,
               title=None) -> Figure:
    """The first ``n`` images of a set in a grid, each with its label.

    Parameters
    ----------
    images : array (m, H, W, C)
        uint8 pictures (0..255) or floats in [0, 1] (for example ``X_train_orig`` or
        ``X_train``).  One channel is drawn in grey.
    labels : array, optional
        Class labels in any usual layout: ``(m,)``, ``(1, m)`` as the loaders return them,
        ``(m, 1)``, or one-hot rows ``(m, C)``.
    class_names : sequence of str, optional
        Text for each class index; without it the index itself is written.
    n, cols : int
        How many images, and how many per row.
    title : str, optional
        A title above the grid.
    """
    images = np.asarray(images)
    if images.ndim == 3:        # a single image, or a stack of grey images
        images = images[..., None] if images.shape[-1] not in (1, 3) else images[None]
    n = int(max(0, min(n, len(images))))
    if n == 0:
        raise ValueError("image_grid needs at least one image")
    cols = int(max(1, min(cols, n)))
    rows = int(np.ceil(n / cols))
    idx = None
    if labels is not None:
        idx, _ = _labels_of(labels, len(images), "labels")
        if len(idx) < n:
            raise ValueError(f"got {len(idx)} labels for {n} images")
    head = 0.55 if title else 0.1
    fig = Figure(figsize=(1.45 * cols, 1.65 * rows + head))
    axes = _image_axes(fig, n, cols, top=1 - head / (1.65 * rows + head), hspace=0.25)
    for k in range(n):
        picture, cmap = _displayable(images[k])
        axes[k].imshow(picture, cmap=cmap, vmin=0, vmax=255 if picture.dtype == np.uint8 else 1)
        if idx is not None:
            axes[k].set_title(_class_text(idx[k], class_names), fontsize=9, color=TEXT, pad=3)
        for spine in axes[k].spines.values():
            spine.set_color("#d0d4dc")
    if title:
        fig.suptitle(title, fontsize=12, color=TEXT, y=1 - 0.12 / (1.65 * rows + head))
    return fig


def history_curves(history, title=None) -> Figure:
    """Loss and accuracy per epoch, training versus validation, in two panels.

    Parameters
    ----------
    history : keras ``History`` or dict
        What ``model.fit`` returns, or its ``.history`` dict, with the keys ``loss`` and
        ``accuracy`` and, when ``fit`` got ``validation_data``, ``val_loss`` and
        ``val_accuracy``.
    title : str, optional
        A title above both panels.

    The best validation accuracy is marked.  A validation loss that rises while the
    training loss keeps falling is the usual sign of over-fitting; two curves that stay
    high together point to under-fitting.
    """
    hist = getattr(history, "history", history)
    if not isinstance(hist, dict) or "loss" not in hist:
        raise ValueError("history_curves expects a keras History or its .history dict "
                         "(with at least the key 'loss')")
    fig = Figure(figsize=(10.5, 3.9))
    gs = fig.add_gridspec(1, 2, left=0.07, right=0.98, top=0.80 if title else 0.86,
                          bottom=0.14, wspace=0.22)
    for j, (metric, label) in enumerate((("loss", "loss"), ("accuracy", "accuracy"))):
        ax = fig.add_subplot(gs[0, j])
        found = False
        for key, name, colour, style in ((metric, "training", TRAIN_COLOUR, "-"),
                                         ("val_" + metric, "validation", VAL_COLOUR, "--")):
            values = np.asarray(hist.get(key, []), dtype=float).reshape(-1)
            if values.size == 0:
                continue
            found = True
            epochs = np.arange(1, values.size + 1)
            ax.plot(epochs, values, linestyle=style, color=colour, lw=2.0, marker="o",
                    markersize=3.5 if values.size <= 40 else 0, label=name)
            if key == "val_accuracy":
                best = int(np.argmax(values))
                ax.plot(epochs[best], values[best], marker="*", markersize=13, color=colour,
                        markeredgecolor=TEXT, markeredgewidth=0.6, linestyle="none",
                        label=f"best validation: {values[best]:.3f} (epoch {best + 1})")
        if not found:
            ax.text(0.5, 0.5, f"no '{metric}' in this history", ha="center", va="center",
                    transform=ax.transAxes, color=MUTED)
        n_epochs = max((len(v) for v in hist.values() if np.ndim(v) == 1), default=1)
        ax.set_xlim(0.5, max(n_epochs, 1) + 0.5)
        if n_epochs <= 12:
            ax.set_xticks(np.arange(1, n_epochs + 1))
        else:
            from matplotlib.ticker import MaxNLocator

            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        if metric == "accuracy":
            ax.set_ylim(-0.02, 1.02)
        else:
            ax.set_ylim(bottom=0)
        ax.grid(True, color="#e3e6eb", lw=0.8)
        ax.set_axisbelow(True)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        ax.set_xlabel("epoch", color=TEXT)
        ax.set_title(label, fontsize=12, color=TEXT)
        if found:
            ax.legend(frameon=False, fontsize=9,
                      loc="lower right" if metric == "accuracy" else "upper right")
    if title:
        fig.suptitle(title, fontsize=13, color=TEXT, y=0.97)
    return fig


def misclassified(images, y_true, y_pred, class_names=None, n: int = 8) -> Figure:
    """Test images the model got wrong, each with its true and its predicted label.

    Parameters
    ----------
    images : array (m, H, W, C)
        uint8 pictures or floats in [0, 1].
    y_true : array
        True labels: ``(m,)``, ``(1, m)``, ``(m, 1)`` or one-hot ``(m, C)``.
    y_pred : array
        Predictions: class indices, or what ``model.predict`` returns -- sigmoid outputs
        ``(m, 1)`` (thresholded at 0.5) or softmax outputs ``(m, C)`` (argmax).  With
        probabilities, the confidence of each wrong prediction is shown too.
    class_names : sequence of str, optional
        Text for each class index.
    n : int
        At most this many mistakes are drawn (the first ones in the set's order).

    When the model makes no mistake, the figure says so instead of showing an empty grid.
    """
    images = np.asarray(images)
    m = len(images)
    true_idx, _ = _labels_of(y_true, m, "y_true")
    pred_idx, conf = _labels_of(y_pred, m, "y_pred")
    if not (len(true_idx) == len(pred_idx) == m):
        raise ValueError(f"got {m} images, {len(true_idx)} true labels and {len(pred_idx)} predictions")
    wrong = np.flatnonzero(true_idx != pred_idx)
    shown = wrong[:max(0, int(n))]
    if shown.size == 0:
        fig = Figure(figsize=(7.0, 1.6))
        ax = fig.add_subplot(1, 1, 1)
        ax.axis("off")
        if wrong.size == 0:
            message = f"No misclassified images: all {m} predictions are correct."
        else:
            message = f"{wrong.size} misclassified images (n = {n}: none drawn)."
        ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=13,
                color=RIGHT if wrong.size == 0 else TEXT, transform=ax.transAxes)
        return fig
    cols = int(min(len(shown), 8))
    rows = int(np.ceil(len(shown) / cols))
    head, foot = 0.6, 0.45
    height = 2.25 * rows + head
    fig = Figure(figsize=(max(1.6 * cols, 6.0), height))
    axes = _image_axes(fig, len(shown), cols, top=1 - head / height, bottom=foot / height,
                       hspace=0.62)
    for ax, i in zip(axes, shown):
        picture, cmap = _displayable(images[i])
        ax.imshow(picture, cmap=cmap, vmin=0, vmax=255 if picture.dtype == np.uint8 else 1)
        for spine in ax.spines.values():
            spine.set_color(WRONG)
            spine.set_linewidth(1.6)
        ax.set_title(f"#{i}  true: {_class_text(true_idx[i], class_names)}", fontsize=8.5,
                     color=RIGHT, pad=3)
        guess = f"predicted: {_class_text(pred_idx[i], class_names)}"
        if conf is not None:
            guess += f"\n(p = {conf[i]:.2f})"
        ax.set_xlabel(guess, fontsize=8.5, color=WRONG, labelpad=2)
    fig.suptitle(f"{wrong.size} of {m} images misclassified ({100 * wrong.size / m:.1f} %)"
                 + (f", first {len(shown)} shown" if len(shown) < wrong.size else ""),
                 fontsize=12, color=TEXT, y=1 - 0.15 / height)
    return fig


# ======================================================================================
# Residual networks (w2a1): measured gradient norms, block diagrams, one prediction.
# ======================================================================================
def measure_gradient_norms(depth: int = 20, width: int = 64, activation: str = "sigmoid",
                           residual: bool = False, batch: int = 128, seed: int = 0) -> np.ndarray:
    """Norm of the loss gradient for each hidden layer's weight matrix of a freshly initialised deep network.

    The network is ``depth`` layers ``x -> activation(x W + b)`` of width ``width``, then a
    6-way softmax layer; with ``residual=True`` every layer's output is added to its input
    (``x -> x + activation(x W + b)``), nothing else changes (same weights).  Weights are
    Glorot-uniform, biases zero (Keras' defaults).  The loss is the categorical cross-entropy
    of random inputs against fixed labels.  Returns ``depth`` norms ``||dL/dW_l||``, first
    layer first.
    """
    from cnnkit.setup import quiet_tensorflow

    tf = quiet_tensorflow()
    act = tf.keras.activations.get(activation)
    init = tf.keras.initializers.GlorotUniform(seed=seed)
    weights = [tf.Variable(init((width, width))) for _ in range(depth)]
    head = tf.Variable(tf.keras.initializers.GlorotUniform(seed=seed + 1)((width, 6)))
    rng = np.random.default_rng(seed)
    X = tf.constant(rng.normal(size=(batch, width)).astype(np.float32))
    y = tf.one_hot(np.arange(batch) % 6, 6)
    with tf.GradientTape() as tape:
        x = X
        for W in weights:
            h = act(x @ W)
            x = x + h if residual else h
        loss = tf.reduce_mean(tf.keras.losses.categorical_crossentropy(y, tf.nn.softmax(x @ head)))
    grads = tape.gradient(loss, weights)
    return np.array([float(tf.norm(g)) for g in grads])


def gradient_norms(depth: int = 20, width: int = 64, activation: str = "sigmoid", seed: int = 0) -> Figure:
    """Measured per-layer gradient norms of a plain deep network and of the same network with skips.

    Both networks are built and differentiated on the spot (``measure_gradient_norms``);
    the figure plots ``||dL/dW_l||`` against the layer index on a log scale.  In the plain
    stack the gradient shrinks by a roughly constant factor per layer on its way back to the
    input (each sigmoid multiplies it by at most 0.25), so the first layers barely learn;
    with skip connections every layer receives a gradient of similar size.  The two arrays
    are also attached to the figure as ``fig.norms = {"plain": ..., "residual": ...}``.
    """
    plain = measure_gradient_norms(depth, width, activation, residual=False, seed=seed)
    residual = measure_gradient_norms(depth, width, activation, residual=True, seed=seed)
    fig = Figure(figsize=(9.0, 3.9))
    ax = fig.add_axes([0.09, 0.15, 0.88, 0.72])
    layers = np.arange(1, depth + 1)
    floor = 1e-38  # below float32's smallest normal number: shown as "underflow"
    ax.semilogy(layers, np.maximum(plain, floor), marker="o", ms=4, lw=2, color=_colour(1),
                label=f"plain: x -> {activation}(xW + b)")
    ax.semilogy(layers, np.maximum(residual, floor), marker="s", ms=4, lw=2, color=_colour(0),
                label=f"residual: x -> x + {activation}(xW + b)")
    ax.set_xlabel("layer (1 = next to the input)", color=TEXT)
    ax.set_ylabel("gradient norm ||dL/dW||", color=TEXT)
    ax.grid(True, which="major", color="#e3e6eb", lw=0.8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(frameon=False, fontsize=9, loc="lower right")
    ax.set_title(f"Measured at initialisation: {depth} layers of width {width}, one batch of random inputs",
                 fontsize=11, color=TEXT)
    fig.norms = {"plain": plain, "residual": residual}
    return fig


def _box(ax, x, y, text, face, w=1.7, h=0.5, fontsize=9):
    ax.add_patch(patches.FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.04",
                                        facecolor=face, edgecolor=GRID_EDGE, lw=1.0))
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, color=TEXT)


def _flow(ax, start, end, colour=TEXT, rad=0.0, lw=1.4):
    ax.add_patch(patches.FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=11, lw=lw,
                                         color=colour, connectionstyle=f"arc3,rad={rad}"))


def show_residual_blocks() -> Figure:
    """Diagrams of the two ResNet blocks: the identity block and the convolutional block.

    The main path runs left to right (1x1 conv, f x f conv, 1x1 conv, each followed by
    BatchNorm, with a ReLU after the first two); the shortcut runs above it, either
    unchanged (identity block) or through a strided 1x1 conv and BatchNorm (convolutional
    block).  The two paths meet at the addition, and the final ReLU comes after it.
    """
    fig = Figure(figsize=(12.0, 5.2))
    conv_face, bn_face, relu_face = _tint(_colour(0), 0.7), _tint(_colour(2), 0.7), _tint(_colour(1), 0.7)
    sc_face = _tint(_colour(3), 0.7)
    titles = ("Identity block: input and output have the same shape",
              "Convolutional block: the shortcut changes the shape with a strided 1x1 conv")
    for row, (title, projection) in enumerate(zip(titles, (False, True))):
        ax = fig.add_axes([0.01, 0.52 - 0.5 * row, 0.98, 0.45])
        ax.set_xlim(-0.6, 17.4)
        ax.set_ylim(-0.8, 2.2)
        ax.axis("off")
        ax.text(-0.5, 2.05, title, fontsize=11, color=TEXT, weight="bold", va="top")
        y = 0.0
        steps = [("1x1 conv" + (",\nstride s" if projection else ""), conv_face), ("BatchNorm", bn_face),
                 ("ReLU", relu_face), ("f x f conv\n'same'", conv_face), ("BatchNorm", bn_face),
                 ("ReLU", relu_face), ("1x1 conv", conv_face), ("BatchNorm", bn_face)]
        ax.text(0.0, y, "X", ha="center", va="center", fontsize=12, color=TEXT, weight="bold")
        x_prev = 0.25
        for k, (text, face) in enumerate(steps):
            x = 1.45 + 1.75 * k
            _box(ax, x, y, text, face, w=1.45)
            _flow(ax, (x_prev, y), (x - 0.75, y))
            x_prev = x + 0.75
        add_x = 1.45 + 1.75 * len(steps) + 0.1
        ax.add_patch(patches.Circle((add_x, y), 0.28, facecolor="white", edgecolor=TEXT, lw=1.2))
        ax.text(add_x, y, "+", ha="center", va="center", fontsize=14, color=TEXT)
        _flow(ax, (x_prev, y), (add_x - 0.3, y))
        _box(ax, add_x + 1.2, y, "ReLU", relu_face, w=1.0)
        _flow(ax, (add_x + 0.3, y), (add_x + 0.68, y))
        if projection:
            top = 1.25
            ax.plot([0.0, 0.0, 4.6], [0.25, top, top], color=_colour(3), lw=1.6)
            _box(ax, 5.8, top, "1x1 conv, stride s", sc_face, w=2.3)
            _box(ax, 8.9, top, "BatchNorm", bn_face, w=1.45)
            _flow(ax, (6.95, top), (8.15, top), colour=_colour(3))
            ax.plot([9.65, add_x, add_x], [top, top, 0.3], color=_colour(3), lw=1.6)
            _flow(ax, (add_x, 0.6), (add_x, 0.3), colour=_colour(3))
            ax.text(12.2, top + 0.3, "shortcut (projection)", fontsize=9, color=_colour(3))
        else:
            top = 1.05
            ax.plot([0.0, 0.0, add_x, add_x], [0.25, top, top, 0.6], color=_colour(3), lw=1.6)
            _flow(ax, (add_x, 0.6), (add_x, 0.3), colour=_colour(3))
            ax.text(6.5, top + 0.12, "shortcut: X itself (identity)", fontsize=9, color=_colour(3))
        ax.text(add_x + 1.2, -0.55, "output", ha="center", fontsize=9, color=MUTED)
        ax.text(7.6, -0.6, "main path: learns the correction F(X); the block returns ReLU(F(X) + shortcut)",
                ha="center", fontsize=9, color=MUTED)
    return fig


def show_prediction(image, probabilities, class_names=None, title=None) -> Figure:
    """One picture next to a bar chart of the model's class probabilities (the winner highlighted)."""
    probabilities = np.asarray(probabilities, dtype=float).reshape(-1)
    img, cmap = _displayable(image)
    fig = Figure(figsize=(8.0, 3.2))
    ax_img = fig.add_axes([0.02, 0.08, 0.32, 0.8])
    ax_img.imshow(img, cmap=cmap)
    ax_img.axis("off")
    ax = fig.add_axes([0.45, 0.17, 0.52, 0.7])
    k = int(np.argmax(probabilities))
    names = [_class_text(j, class_names) for j in range(probabilities.size)]
    colours = [_colour(0) if j == k else _tint(_colour(0), 0.6) for j in range(probabilities.size)]
    ax.bar(np.arange(probabilities.size), probabilities, color=colours)
    ax.set_xticks(np.arange(probabilities.size))
    ax.set_xticklabels(names)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("probability", color=TEXT)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_title(title or f"prediction: {names[k]} ({probabilities[k]:.2f})", fontsize=11, color=TEXT)
    return fig
