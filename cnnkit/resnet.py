"""ResNet-50 (w2a1): the trained network the notebook loads after the exercises, and the topic figures.

``load_pretrained_resnet50()`` gives the course's ResNet-50 trained on synthetic SIGNS
without any Python builder of the graded architecture: the layer graph is read from a
Keras model config (``datasets/weights/resnet50_signs.keras.json``, written by
``scripts/w2a1_train_resnet50.py`` from the instructor-side reference) and the weights
from ``resnet50_signs.npz`` (int8 kernels, see ``cnnkit.weights``); both are checked
against the manifest.  A user's original full model file is used instead when present.

Figures: ``gradient_norms`` (measured gradient norms of a deep plain network with and
without skip connections) and ``show_residual_blocks`` (the two block diagrams).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib import patches
from matplotlib.figure import Figure

from cnnkit import files
from cnnkit.weights import WeightsError, load_quantized
from cnnkit.plots import (GRID_EDGE, MUTED, TEXT, _colour, _tint)

__all__ = ["RESNET50_SIGNS", "ORIGINAL_RESNET50_FILES", "load_pretrained_resnet50", "measure_gradient_norms",
           "gradient_norms", "show_residual_blocks"]

RESNET50_SIGNS = "resnet50_signs"
"""Shipped files: ``datasets/weights/resnet50_signs.npz`` (weights), ``.keras.json`` (layer graph), ``.md`` (card)."""
ORIGINAL_RESNET50_FILES = ("resnet50.h5", "ResNet50.h5", "resnet50.keras")
"""File names under which a user may place the original course's full ResNet-50 model."""


def _compile(model):
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def _find_original() -> Path | None:
    for folder in (files.datasets_dir(), Path.cwd()):
        for name in ORIGINAL_RESNET50_FILES:
            if (folder / name).is_file():
                return folder / name
    return None


def _load_full_model(path: Path):
    """The original course's full model file (legacy H5 or .keras), or ``None`` with a message."""
    from cnnkit.setup import quiet_tensorflow
    from cnnkit.testing import quiet

    tf = quiet_tensorflow()
    try:
        with quiet():
            model = tf.keras.models.load_model(str(path), compile=False)
    except Exception as err:  # noqa: BLE001 - any failure means: fall back to ours
        print(f"Could not load {path} with Keras {tf.keras.__version__} ({type(err).__name__}: "
              f"{str(err).splitlines()[0][:160]}); using the course's own weights instead.")
        return None
    shape = tuple(model.inputs[0].shape[1:]), tuple(model.outputs[0].shape[1:])
    if shape != ((64, 64, 3), (6,)):
        print(f"{path} maps inputs {shape[0]} to outputs {shape[1]}, not (64, 64, 3) to (6,); using the "
              "course's own weights instead.")
        return None
    print(f"Loaded the original full ResNet-50 model from {path}.")
    return model


def _shipped_architecture():
    """The ResNet-50 layer graph from the shipped Keras config (verified), untrained."""
    from cnnkit.setup import quiet_tensorflow

    tf = quiet_tensorflow()
    config = files.weights_dir() / f"{RESNET50_SIGNS}.keras.json"
    files.verify(config, "the ResNet-50 architecture")
    return tf.keras.models.model_from_json(config.read_text())


def load_pretrained_resnet50(weights=None):
    """A compiled ResNet-50 for SIGNS with trained weights.

    Parameters
    ----------
    weights : None or path
        ``None``: the original course's full model file if a user placed one in
        ``datasets/`` or the current folder (``ORIGINAL_RESNET50_FILES``; loaded with
        ``tf.keras.models.load_model``, falling back with a message if Keras 3 cannot read
        it), else the course's own weights ``datasets/weights/resnet50_signs.npz``.
        A path: an ``.npz`` written by ``cnnkit.weights.save_quantized``, a ``.weights.h5``
        file for this architecture, or a full model file (``.h5``/``.keras``).

    Returns
    -------
    tf.keras.Model
        Input ``(None, 64, 64, 3)`` in [0, 1], output ``(None, 6)`` softmax; compiled with
        Adam, categorical cross-entropy and accuracy, like the notebook's model.
    """
    path = Path(weights) if weights is not None else None
    if path is None:
        original = _find_original()
        if original is not None:
            model = _load_full_model(original)
            if model is not None:
                return _compile(model)
        path = files.weights_dir() / f"{RESNET50_SIGNS}.npz"
    elif path.suffix in (".h5", ".keras") and not path.name.endswith(".weights.h5"):
        model = _load_full_model(path)
        if model is not None:
            return _compile(model)
        path = files.weights_dir() / f"{RESNET50_SIGNS}.npz"

    model = _shipped_architecture()
    if path.name.endswith(".weights.h5"):
        model.load_weights(str(path))
        print(f"Loaded ResNet-50 weights from {path}.")
        return _compile(model)
    if not path.exists():
        raise WeightsError(f"ResNet-50 weights {files.display_path(path)} not found")
    rec = load_quantized(model, path, "the ResNet-50 weights")
    acc = rec.get("test_accuracy_after_quantization")
    extra = f"; test accuracy {acc:.3f} on synthetic SIGNS" if isinstance(acc, (int, float)) else ""
    print(f"Loaded the course's ResNet-50 weights ({path.name}, int8 kernels + float32 BatchNorm"
          f"{', sha256 checked' if rec else ''}{extra}).")
    return _compile(model)


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

