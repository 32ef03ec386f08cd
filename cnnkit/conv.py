"""Figures of the convolution assignment (w1a1): padding, the sliding window, pooling, backprop.

Each function returns a :class:`matplotlib.figure.Figure` (see ``cnnkit.plots``).  The
numbers a figure shows that would give an exercise away (a padded array, pooled outputs)
are passed in by the caller: ``grading.figures`` renders ``images/w1a1_*.png`` with the
instructor-only references, and a notebook may pass the student's own results.
"""
from __future__ import annotations

import numpy as np
from matplotlib import patches
from matplotlib.figure import Figure

from cnnkit.plots import (GRAD, GRID_EDGE, INPUT_FACE, MUTED, OUTPUT_FACE, PAD_EDGE, PAD_FACE, TEXT, VALUE_CMAP, _as_2d, _cell, _clean_axes, _colour, _fmt, _index_labels, _outline, _tint)

__all__ = ["show_padding", "show_conv_window", "show_pooling", "show_backward_flow"]



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
