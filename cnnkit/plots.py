"""Generic figures drawn by code for the course notebooks, and the drawing toolkit they share.

Every figure function builds and returns a :class:`matplotlib.figure.Figure`.  The
figures are created without ``pyplot``: nothing is registered with the notebook's
backend and nothing is shown as a side effect, so a figure appears exactly once, when
it is the value of the last line of a cell (or when it is passed to ``display``).  They
can also be saved with ``fig.savefig(...)``.

This module is student-facing.  It contains no implementation of a graded function:
numbers that would give an exercise away are passed in by the caller.

Generic figures: ``image_grid`` (a few examples with their labels), ``history_curves``
(loss and accuracy per epoch, training versus validation), ``misclassified`` (the test
images a trained model gets wrong), ``show_prediction`` (one picture and its class
probabilities).  Figures of one topic live with that topic: ``cnnkit.conv`` (w1a1),
``cnnkit.resnet`` (w2a1), ``cnnkit.yolo`` (w3a1) ...; they draw with the colour scheme
and grid helpers below (``_cell``, ``_outline``, ...), which are shared within cnnkit.
"""
from __future__ import annotations

import numpy as np
from matplotlib import patches
from matplotlib.figure import Figure

__all__ = ["image_grid", "history_curves", "misclassified", "show_prediction"]


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
