"""Helpers for the neural style transfer assignment (w4a2): the feature network, images, figures.

Student-facing: the graded cost functions and the training step are *not* here (the
notebook defines them); these helpers only load networks and pictures, pick layers,
convert tensors to pictures and draw figures.

Conventions
-----------
- Images are channels-last with a batch axis of 1: ``(1, img_size, img_size, 3)``.  The
  feature network sees floats in ``[0, 1]`` **without** mean subtraction.
- Activations of a layer are ``(1, n_H, n_W, n_C)``.

The feature network
-------------------
``load_vgg19(img_size, weights=None)`` returns a frozen VGG19-architecture network without
its classifier (``include_top=False``).  It chooses its weights like this:

1. an explicit ``weights`` argument: ``"imagenet"`` (the official file must already be in the
   local Keras cache: nothing is ever downloaded), a path to a Keras VGG19 no-top weight file
   (``.h5``), a path to a file written by ``cnnkit.weights.save_quantized`` for the course's
   mini network (``.npz``), or ``"mini"`` for the shipped mini network;
2. ``weights=None``: the official ImageNet no-top file if it is in the Keras cache
   (``$KERAS_HOME/models`` or ``~/.keras/models``), else the course's mini-VGG19
   ``datasets/weights/vgg19_mini.npz``.

The mini-VGG19 has the same layer names and roles as VGG19 (``block1``-``block5`` with
2, 2, 4, 4, 4 convolutions ``blockK_convJ``: 3x3, "same", ReLU; 2x2 stride-2 max-pools
``blockK_pool``) with fewer channels (``MINI_WIDTHS``).  It was trained by
``scripts/w4a2_train_vgg19_mini.py`` to name the shape and the fill texture of synthetic
pictures (``cnnkit.textures``); see its model card ``datasets/weights/vgg19_mini.md``.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from cnnkit.setup import quiet_tensorflow

from cnnkit import files

__all__ = ["VGG19_BLOCKS", "MINI_WIDTHS", "VGG19_WIDTHS", "VGG19_LAYER_NAMES", "IMAGENET_NOTOP_FILE",
           "mini_vgg19", "mini_weights_path", "keras_cache_dirs", "imagenet_notop_path", "load_vgg19",
           "get_layer_outputs", "clip_0_1", "tensor_to_image", "content_path", "style_path", "style_names",
           "load_image", "images_folder", "feature_maps", "gram_heatmap", "progress_grid", "cost_curve"]

#: Convolutions per block of VGG19.
VGG19_BLOCKS = (2, 2, 4, 4, 4)
#: Channels per block: the real VGG19, and the course's mini network.
VGG19_WIDTHS = (64, 128, 256, 512, 512)
MINI_WIDTHS = (16, 32, 64, 128, 128)
#: The official Keras file name of the ImageNet VGG19 weights without the classifier.
IMAGENET_NOTOP_FILE = "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5"
MINI_WEIGHTS_FILE = "vgg19_mini.npz"



def _layer_names():
    names = []
    for b, n in enumerate(VGG19_BLOCKS, 1):
        names += [f"block{b}_conv{j}" for j in range(1, n + 1)] + [f"block{b}_pool"]
    return names


#: Every layer after the input, in order: ``block1_conv1`` ... ``block5_pool``.
VGG19_LAYER_NAMES = tuple(_layer_names())


# ============================================================================ the network
def mini_vgg19(input_shape=(None, None, 3), widths=MINI_WIDTHS, name="vgg19_mini"):
    """The VGG19 feature extractor (no classifier) with ``widths`` channels per block.

    Layers: ``input_layer`` then, for block K = 1..5, ``VGG19_BLOCKS[K-1]`` convolutions
    ``blockK_convJ`` (``widths[K-1]`` filters, 3x3, stride 1, "same", ReLU, with bias) and a
    max-pool ``blockK_pool`` (2x2, stride 2).  An input ``(m, H, W, 3)`` in ``[0, 1]`` gives
    ``blockK_convJ`` outputs ``(m, H / 2**(K-1), W / 2**(K-1), widths[K-1])`` (floor division
    by each pool) and ``block5_pool`` ``(m, H / 32, W / 32, widths[4])``.  With
    ``widths=VGG19_WIDTHS`` this is exactly Keras' ``VGG19(include_top=False)`` layer list
    (20,024,384 parameters).
    """
    tf = quiet_tensorflow()
    layers = tf.keras.layers
    if len(widths) != 5:
        raise ValueError(f"widths needs one channel count per block (5 numbers), got {widths!r}")
    inputs = tf.keras.Input(shape=tuple(input_shape))
    x = inputs
    for b, (n, w) in enumerate(zip(VGG19_BLOCKS, widths), 1):
        for j in range(1, n + 1):
            x = layers.Conv2D(int(w), 3, padding="same", activation="relu", name=f"block{b}_conv{j}")(x)
        x = layers.MaxPooling2D(2, strides=2, name=f"block{b}_pool")(x)
    return tf.keras.Model(inputs, x, name=name)


def mini_weights_path() -> Path:
    """``<datasets>/weights/vgg19_mini.npz``: the course's trained mini-VGG19 (no classifier)."""
    return files.weights_dir() / MINI_WEIGHTS_FILE


def keras_cache_dirs() -> list[Path]:
    """Folders where Keras keeps downloaded application weights, in the order they are searched.

    ``$KERAS_HOME/models`` (read now), the folder Keras itself was started with
    (``keras.config`` reads ``KERAS_HOME`` once, at import), ``~/.keras/models`` and Keras'
    fallback ``/tmp/.keras/models``.
    """
    dirs = []
    env = os.environ.get("KERAS_HOME", "").strip()
    if env:
        dirs.append(Path(env).expanduser() / "models")
    try:
        from keras.src.backend import config as _config

        dirs.append(Path(_config.keras_home()).expanduser() / "models")
    except (ImportError, AttributeError):  # pragma: no cover - other Keras layouts
        pass
    dirs += [Path("~/.keras").expanduser() / "models", Path("/tmp/.keras/models")]
    unique = []
    for d in dirs:
        if d not in unique:
            unique.append(d)
    return unique


def imagenet_notop_path() -> Path | None:
    """The official ImageNet VGG19 no-top file if it is in a Keras cache folder, else ``None``."""
    for folder in keras_cache_dirs():
        candidate = folder / IMAGENET_NOTOP_FILE
        if candidate.is_file():
            return candidate
    return None


def _resolve_weights(weights):
    """``(kind, path)``: kind ``"imagenet"`` (Keras VGG19 file), ``"keras-file"`` or ``"mini"``."""
    if weights is None:
        cached = imagenet_notop_path()
        if cached is not None:
            return "imagenet", cached
        return "mini", mini_weights_path()
    if isinstance(weights, str) and weights == "imagenet":
        cached = imagenet_notop_path()
        if cached is None:
            raise FileNotFoundError(
                f"weights='imagenet' needs the official file {IMAGENET_NOTOP_FILE} in a Keras cache folder "
                f"({', '.join(str(d) for d in keras_cache_dirs()[:3])}); nothing is downloaded. Copy the file "
                "there, pass its path as weights=, or use weights=None for the course's mini-VGG19.")
        return "imagenet", cached
    if isinstance(weights, str) and weights == "mini":
        return "mini", mini_weights_path()
    path = Path(weights).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"weights file not found: {path}. Pass 'imagenet', None (automatic), 'mini', "
                                "or the path of a VGG19 no-top weight file (.h5) or a mini-VGG19 file (.npz).")
    if path.suffix == ".npz":
        return "mini", path
    if path.name.endswith((".h5", ".hdf5")):
        return "keras-file", path
    raise ValueError(f"{path.name}: expected a Keras VGG19 weight file (.h5, .weights.h5) or a mini-VGG19 file "
                     "written by cnnkit.weights.save_quantized (.npz)")


def _mini_widths(path) -> tuple:
    """Channel widths of a mini-VGG19 weight file, read from its stored layout."""
    from cnnkit.weights import read_layout

    kernels = [e["shape"] for e in read_layout(path)["weights"] if len(e["shape"]) == 4]
    if len(kernels) != sum(VGG19_BLOCKS):
        raise ValueError(f"{Path(path).name} holds {len(kernels)} convolution kernels; a VGG19 has "
                         f"{sum(VGG19_BLOCKS)}")
    starts = np.cumsum((0,) + VGG19_BLOCKS[:-1])
    return tuple(int(kernels[s][-1]) for s in starts)


def load_vgg19(img_size, weights=None, verbose=True):
    """The frozen feature network (VGG19 architecture, no classifier) for ``(img_size, img_size, 3)`` inputs.

    Parameters
    ----------
    img_size : int
        Side of the square input images; the input is ``(None, img_size, img_size, 3)``
        floats in ``[0, 1]``.
    weights : None, "imagenet", "mini" or a path
        ``None``: the official ImageNet file if it is in the local Keras cache, else the
        course's mini-VGG19; ``"imagenet"``: the official file (an error if it is not
        cached: nothing is downloaded); ``"mini"``: the course's shipped file (sha256
        checked); a path: a Keras VGG19 no-top weight file (``.h5``) or a mini-VGG19 file
        (``.npz``).
    verbose : bool
        Print one line (stdout) that names the weights used.

    Returns
    -------
    A ``tf.keras.Model`` with ``trainable = False`` whose layers are ``input_layer``,
    ``block1_conv1`` ... ``block5_pool`` (``VGG19_LAYER_NAMES``).
    """
    tf = quiet_tensorflow()
    if int(img_size) < 32:
        raise ValueError(f"img_size={img_size} is too small: five 2x2 pools need at least 32 pixels")
    shape = (int(img_size), int(img_size), 3)
    kind, path = _resolve_weights(weights)
    if kind in ("imagenet", "keras-file"):
        # A path is passed even for the cached official file: Keras then loads it as it is
        # and never tries to download (weights="imagenet" re-downloads a file whose hash differs).
        vgg = tf.keras.applications.VGG19(include_top=False, weights=str(path), input_shape=shape)
        what = ("the ImageNet VGG19 weights from the Keras cache" if kind == "imagenet"
                else "the VGG19 weights you supplied")
    else:
        from cnnkit.weights import load_quantized

        vgg = mini_vgg19(shape, widths=_mini_widths(path))
        load_quantized(vgg, path, "the course's mini-VGG19 weights")
        what = ("the course's mini-VGG19 trained on synthetic textures (sha256 checked)"
                if path.resolve() == mini_weights_path().resolve() else "your mini-VGG19 weights")
    vgg.trainable = False
    if verbose:
        print(f"Feature network: {what} ({files.display_path(path)}), {vgg.count_params():,} parameters, "
              f"input {shape}.")
    return vgg


def get_layer_outputs(vgg, layer_names):
    """A model from ``vgg.input`` to the outputs of the named layers, in the order given.

    ``layer_names``: a list of ``(name, weight)`` pairs such as ``STYLE_LAYERS +
    content_layer``; only the names are used.  Calling the model on a
    ``(1, img_size, img_size, 3)`` image returns a list of activations ``(1, n_H, n_W, n_C)``.
    """
    tf = quiet_tensorflow()
    names = [pair[0] if isinstance(pair, (tuple, list)) else pair for pair in layer_names]
    known = {layer.name for layer in vgg.layers}
    missing = [n for n in names if n not in known]
    if missing:
        raise ValueError(f"the network has no layer {missing[0]!r}; its layers are "
                         f"{[layer.name for layer in vgg.layers]}")
    outputs = [vgg.get_layer(name).output for name in names]
    return tf.keras.Model(inputs=[vgg.input], outputs=outputs)


def clip_0_1(image):
    """Clip every pixel value to ``[0, 1]`` (same shape and dtype as ``image``).

    Called inside ``@tf.function`` code (``train_step``): AutoGraph converts what this calls,
    so it uses the TensorFlow module already imported (any tensor means it is) and does not
    go through ``quiet_tensorflow`` (whose ``os.environ`` calls AutoGraph would warn about).
    """
    import sys

    tf = sys.modules.get("tensorflow")
    if tf is None:
        tf = quiet_tensorflow()
    return tf.clip_by_value(image, clip_value_min=0.0, clip_value_max=1.0)


def tensor_to_image(tensor):
    """A ``PIL.Image`` from floats in ``[0, 1]``: ``(1, H, W, 3)`` or ``(H, W, 3)``.

    Values are multiplied by 255, clipped to ``[0, 255]`` and truncated to uint8.  The
    first axis is dropped only when it is a batch of one.
    """
    from PIL import Image

    arr = np.asarray(tensor.numpy() if hasattr(tensor, "numpy") else tensor, dtype=np.float32)
    if arr.ndim == 4:
        if arr.shape[0] != 1:
            raise ValueError(f"tensor_to_image got a batch of {arr.shape[0]} images {arr.shape}; "
                             "pass one image, e.g. tensor[0] or tensor[k:k+1]")
        arr = arr[0]
    if arr.ndim != 3 or arr.shape[-1] != 3:
        raise ValueError(f"expected an image (1, H, W, 3) or (H, W, 3), got shape {arr.shape}")
    return Image.fromarray(np.clip(arr * 255.0, 0, 255).astype(np.uint8))


# ============================================================================ pictures
def images_folder() -> Path:
    """``<course>/images/w4a2``: the content and style pictures drawn by ``cnnkit.paintings``."""
    return files.images_dir() / "w4a2"


def content_path() -> Path:
    """The shipped content picture ``images/w4a2/content.jpg`` (a city by a river, 400x300)."""
    return images_folder() / "content.jpg"


def style_names() -> list[str]:
    """Names of the shipped style pictures (``cnnkit.paintings.STYLES``)."""
    from cnnkit.paintings import STYLES

    return list(STYLES)


def style_path(name: str = "swirl") -> Path:
    """The shipped style picture ``images/w4a2/style_<name>.jpg`` (400x300)."""
    if name not in style_names():
        raise ValueError(f"no shipped style {name!r}; choose one of {style_names()} or pass your own file "
                         "as style_path=")
    return images_folder() / f"style_{name}.jpg"


def load_image(path, img_size):
    """A picture as a batch of one: uint8 ``(1, img_size, img_size, 3)``.

    Any format Pillow reads; converted to RGB and resized to ``(img_size, img_size)`` (the
    aspect ratio is not kept).  A shipped picture is checked against the manifest first.
    """
    from PIL import Image, UnidentifiedImageError

    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"image not found: {files.display_path(path)}")
    try:
        inside = path.resolve().relative_to(files.images_dir().resolve())
    except ValueError:
        inside = None
    if inside is not None and files.entry(path) is not None:
        files.verify(path)
    try:
        with Image.open(path) as im:
            im = im.convert("RGB").resize((int(img_size), int(img_size)), Image.LANCZOS)
    except UnidentifiedImageError as err:
        raise ValueError(f"{files.display_path(path)} is not an image Pillow can read") from err
    return np.asarray(im, dtype=np.uint8)[None]


# ============================================================================ figures
def _figure(w, h):
    from matplotlib.figure import Figure

    return Figure(figsize=(w, h), layout="constrained")


def _as_hw3(image):
    arr = np.asarray(image.numpy() if hasattr(image, "numpy") else image)
    if arr.ndim == 4:
        arr = arr[0]
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 1)
    return arr


def feature_maps(activations, names, image=None, channels=6):
    """Feature maps of several layers: one row per layer, ``channels`` maps per row.

    ``activations``: a list of arrays ``(1, n_H, n_W, n_C)`` (e.g. ``vgg_model_outputs(x)``),
    ``names``: their layer names (strings or ``(name, weight)`` pairs).  Each row shows the
    channels with the largest mean activation, each scaled to its own range.  ``image``
    (optional) is drawn at the start of the first row.
    """
    names = [n[0] if isinstance(n, (tuple, list)) else n for n in names]
    if len(names) != len(activations):
        raise ValueError(f"{len(activations)} activations but {len(names)} names")
    extra = 1 if image is not None else 0
    fig = _figure(1.6 * (channels + extra), 1.7 * len(names))
    axes = fig.subplots(len(names), channels + extra, squeeze=False)
    for r, (a, name) in enumerate(zip(activations, names)):
        a = np.asarray(a.numpy() if hasattr(a, "numpy") else a)[0]
        order = np.argsort(-a.mean(axis=(0, 1)), kind="stable")[:channels]
        for c in range(channels + extra):
            ax = axes[r, c]
            ax.set_xticks([])
            ax.set_yticks([])
            if extra and c == 0:
                if r == 0:
                    ax.imshow(_as_hw3(image))
                    ax.set_title("input", fontsize=9)
                else:
                    ax.axis("off")
                continue
            k = c - extra
            if k < len(order):
                ax.imshow(a[:, :, order[k]], cmap="magma")
                ax.set_title(f"ch {order[k]}", fontsize=8)
            else:
                ax.axis("off")
        axes[r, extra].set_ylabel(f"{name}\n{a.shape[0]}x{a.shape[1]}x{a.shape[2]}", fontsize=8)
    fig.suptitle("What the feature network sees: shallow layers respond to edges and colours, deep ones to parts",
                 fontsize=10)
    return fig


def gram_heatmap(grams, titles=None, max_channels=32):
    """Gram matrices as heat maps, side by side (one shared colour scale per matrix).

    ``grams``: a list of ``(n_C, n_C)`` matrices (computed by the caller, e.g. with the
    notebook's ``gram_matrix``); ``titles``: one string each.  Only the first
    ``max_channels`` channels are shown.
    """
    grams = [np.asarray(g.numpy() if hasattr(g, "numpy") else g, dtype=np.float64) for g in grams]
    titles = list(titles) if titles is not None else [f"G{k}" for k in range(len(grams))]
    if len(titles) != len(grams):
        raise ValueError(f"{len(grams)} Gram matrices but {len(titles)} titles")
    fig = _figure(3.2 * len(grams), 3.3)
    axes = fig.subplots(1, len(grams), squeeze=False)[0]
    vmax = max(float(np.abs(g[:max_channels, :max_channels]).max()) for g in grams) or 1.0
    for ax, g, title in zip(axes, grams, titles):
        if g.ndim != 2 or g.shape[0] != g.shape[1]:
            raise ValueError(f"a Gram matrix is square (n_C, n_C), got shape {g.shape}")
        im = ax.imshow(g[:max_channels, :max_channels], cmap="viridis", vmin=0, vmax=vmax)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("channel")
        ax.set_ylabel("channel")
    fig.colorbar(im, ax=list(axes), shrink=0.8)
    return fig


def progress_grid(snapshots, columns=4, title="The generated image during the optimisation"):
    """Pictures taken during the optimisation in a grid.

    ``snapshots``: ``{step: image}`` or a list of ``(step, image)``, images ``(1, H, W, 3)``
    or ``(H, W, 3)`` in ``[0, 1]`` (or uint8, or ``PIL.Image``).
    """
    items = list(snapshots.items()) if isinstance(snapshots, dict) else list(snapshots)
    if not items:
        raise ValueError("progress_grid needs at least one (step, image) pair")
    columns = max(1, min(columns, len(items)))
    rows = -(-len(items) // columns)
    fig = _figure(2.6 * columns, 2.75 * rows)
    axes = fig.subplots(rows, columns, squeeze=False).ravel()
    for ax in axes:
        ax.axis("off")
    for ax, (step, img) in zip(axes, items):
        ax.imshow(_as_hw3(img))
        ax.set_title(f"step {step}" if not isinstance(step, str) else step, fontsize=9)
    fig.suptitle(title, fontsize=10)
    return fig


def cost_curve(costs, log=True):
    """The total cost per step (one curve, or several given as ``{label: costs}``), log scale by default."""
    series = costs if isinstance(costs, dict) else {"J (total cost)": costs}
    fig = _figure(6.0, 3.2)
    ax = fig.subplots()
    for label, values in series.items():
        values = np.asarray([float(v) for v in values])
        ax.plot(np.arange(1, len(values) + 1), values, label=label)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("cost")
    ax.grid(alpha=0.3)
    ax.legend()
    ax.set_title("The cost falls as the pixels are optimised")
    return fig
