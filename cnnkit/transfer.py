"""Helpers and figures for the transfer-learning assignment (w2a2): alpaca / not alpaca.

- ``alpaca_directory()``: the picture folder to give ``tf.keras.utils.image_dataset_from_directory``
  (sub-folders ``alpaca/`` and ``not alpaca/``: labels 0 and 1).  The original course folder
  at ``<datasets>/alpaca/`` wins when it is there; otherwise the synthetic folder
  ``<datasets>/synthetic/alpaca/`` (``cnnkit.alpacas``), drawn first if it is missing.
- ``mobilenet_base_weights(alpha=1.0, rows=160)``: what to pass as ``weights=`` to
  ``tf.keras.applications.MobileNetV2(include_top=False)``: ``"imagenet"`` when the official
  no-top file is already in the local Keras cache, otherwise the path of the course's own base
  (trained on drawn pictures, see its model card).  It never downloads anything.
- Figures (``matplotlib.figure.Figure``, drawn without pyplot): ``augmented_grid`` (one
  picture through the augmentation layers nine times), ``finetune_curves`` (accuracy and loss
  before and after fine-tuning on one plot), ``prediction_grid`` (a model's verdict on
  validation pictures).
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure

from cnnkit import files

__all__ = ["ALPACA_CLASSES", "WEIGHTS_FILE", "alpaca_directory", "original_alpaca_dir", "official_weights_name",
           "keras_cache_dirs", "shipped_base_weights", "mobilenet_base_weights", "augmented_grid",
           "finetune_curves", "prediction_grid"]

ALPACA_CLASSES = ("alpaca", "not alpaca")
#: The course's own base (never the ImageNet file name).
WEIGHTS_FILE = "mobilenetv2_synthetic_no_top.weights.h5"
_IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".gif"}


def _images_in(folder: Path) -> int:
    if not folder.is_dir():
        return 0
    return sum(1 for p in folder.iterdir() if p.suffix.lower() in _IMAGE_SUFFIXES)


def original_alpaca_dir() -> Path:
    """``<datasets>/alpaca``: where the original course's ``dataset/`` folder goes."""
    return files.datasets_dir() / "alpaca"


def alpaca_directory(source: str = "auto") -> str:
    """The alpaca picture folder, as a string for ``image_dataset_from_directory``.

    ``source="auto"``: the original folder ``<datasets>/alpaca/`` (with ``alpaca/`` and
    ``not alpaca/`` inside) when it is there, else the synthetic one; ``"original"`` or
    ``"synthetic"`` ask for one of them.  The synthetic folder is drawn (about 10 s) when it
    is missing or incomplete, and its files are checked against the manifest when they are
    the shipped ones.  Prints one line that names the folder used.
    """
    if source not in ("auto", "original", "synthetic"):
        raise ValueError(f"source must be 'auto', 'original' or 'synthetic', not {source!r}")
    orig = original_alpaca_dir()
    if source == "original" or (source == "auto" and orig.exists()):
        counts = {c: _images_in(orig / c) for c in ALPACA_CLASSES}
        if not all(counts.values()):
            raise FileNotFoundError(
                f"{files.display_path(orig)} should hold two sub-folders of pictures, 'alpaca/' and 'not alpaca/' "
                f"(the original course's dataset/ folder); found {counts}. Move the pictures there, or remove "
                f"(rename) {files.display_path(orig)} to use the synthetic pictures.")
        print(f"Alpaca pictures: the original folder {files.display_path(orig)} "
              f"({counts['alpaca']} alpaca, {counts['not alpaca']} not alpaca)")
        return str(orig)
    from cnnkit import alpacas

    folder = alpacas.synthetic_alpaca_dir()
    expected = alpacas.expected_files(folder)
    if all(p.is_file() for p in expected):
        keys = set(_shipped_keys(folder))
        listed = [p for p in expected if files.manifest_key(p) in keys]
        for p in listed:
            files.verify(p, "a synthetic alpaca picture")
        note = "shipped, checked against the manifest" if len(listed) == len(expected) else "drawn earlier"
    else:
        alpacas.generate_alpaca_folder(folder, progress=True)
        note = f"drawn now by cnnkit.alpacas {alpacas.GENERATOR_VERSION}"
    counts = alpacas.folder_counts(folder)
    print(f"Alpaca pictures: the synthetic folder {files.display_path(folder)} ({note}; "
          f"{counts['alpaca']} alpaca, {counts['not alpaca']} not alpaca)")
    return str(folder)


def _shipped_keys(folder: Path) -> list:
    try:
        prefix = files.manifest_key(folder) + "/"
    except ValueError:
        return []
    return sorted(k for k in files.read_manifest()["files"] if k.startswith(prefix))


# --------------------------------------------------------------------------------------
# Base weights
# --------------------------------------------------------------------------------------
def official_weights_name(alpha: float = 1.0, rows: int = 160) -> str:
    """The file name Keras gives the official ImageNet no-top MobileNetV2 weights."""
    return f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{int(rows)}_no_top.h5"


def keras_cache_dirs() -> list:
    """Where Keras looks for downloaded weights: ``<keras home>/models`` (and ``/tmp/.keras/models``
    when the home is not writable), the home being ``$KERAS_HOME`` or ``~/.keras`` as Keras read it."""
    try:
        from keras.src.backend import config

        home = config.keras_home()
    except Exception:  # pragma: no cover - private location moved
        home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    dirs = [Path(os.path.expanduser(home)) / "models"]
    if not os.access(os.path.expanduser(home), os.W_OK):
        dirs.append(Path("/tmp/.keras/models"))
    return dirs


def shipped_base_weights() -> str:
    """Path of the course's MobileNetV2 no-top base, checked against the manifest."""
    path = files.weights_dir() / WEIGHTS_FILE
    files.verify(path, "the course's MobileNetV2 base weights")
    return str(path)


def mobilenet_base_weights(alpha: float = 1.0, rows: int = 160) -> str:
    """``weights=`` for ``MobileNetV2(include_top=False, alpha=alpha)`` at ``rows x rows``: never downloads.

    ``"imagenet"`` when ``official_weights_name(alpha, rows)`` is already in the Keras cache
    (Keras then loads that file without going online); otherwise the path of the course's
    own base (``shipped_base_weights()``; alpha 1.0 only, any input size).
    """
    name = official_weights_name(alpha, rows)
    for folder in keras_cache_dirs():
        if (folder / name).is_file() and (folder / name).stat().st_size > 0:
            return "imagenet"
    if float(alpha) != 1.0:
        raise FileNotFoundError(
            f"no weights for MobileNetV2 alpha={alpha}: the official file {name} is not in "
            f"{', '.join(str(d) for d in keras_cache_dirs())}, and the course ships a base for alpha=1.0 only.")
    return shipped_base_weights()


# --------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------
def _first_image(dataset):
    for images, labels in dataset.take(1):
        return np.asarray(images[0]), int(np.asarray(labels[0]))
    raise ValueError("the dataset is empty")


def _show(ax, image, title=None, colour="#1f2430"):
    ax.imshow(np.clip(np.asarray(image), 0, 255).astype("uint8"))
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title, fontsize=9, color=colour)


def augmented_grid(dataset, data_augmentation, n: int = 9, class_names=ALPACA_CLASSES) -> Figure:
    """The first picture of ``dataset`` and ``n - 1`` versions of it through ``data_augmentation``.

    ``dataset`` yields ``(images (m, H, W, 3) in [0, 255], labels (m,))``;
    ``data_augmentation`` is called with ``training=True`` (random layers are active only then).
    """
    image, label = _first_image(dataset)
    cols = int(np.ceil(np.sqrt(n)))
    rows = int(np.ceil(n / cols))
    fig = Figure(figsize=(2.3 * cols, 2.4 * rows))
    batch = np.repeat(image[None], n - 1, axis=0)
    out = np.asarray(data_augmentation(batch, training=True))
    name = class_names[label] if 0 <= label < len(class_names) else str(label)
    for k in range(n):
        ax = fig.add_subplot(rows, cols, k + 1)
        _show(ax, image if k == 0 else out[k - 1], f"original ({name})" if k == 0 else f"augmented {k}")
    fig.suptitle("One training picture through the augmentation layers", fontsize=11)
    fig.tight_layout()
    return fig


def _hist(h) -> dict:
    h = getattr(h, "history", h)
    if not isinstance(h, dict):
        raise TypeError("expected a keras History (what fit returns) or its .history dict")
    return h


def finetune_curves(history, history_fine, initial_epochs: int) -> Figure:
    """Accuracy and loss (training and validation) before and after fine-tuning, on one plot.

    ``history``: what the first ``fit`` returned (frozen base, ``initial_epochs`` epochs);
    ``history_fine``: what the fine-tuning ``fit`` returned.  The curves are drawn one epoch
    after the other, with a line where fine-tuning starts.
    """
    h0, h1 = _hist(history), _hist(history_fine)
    fig = Figure(figsize=(9, 6.4))
    n0 = len(h0.get("loss", []))
    if n0 == 0:
        raise ValueError("the first history has no epochs")
    if n0 != initial_epochs:
        initial_epochs = n0  # the curves tell the truth even when the argument does not
    for row, (metric, label) in enumerate((("accuracy", "accuracy"), ("loss", "loss"))):
        ax = fig.add_subplot(2, 1, row + 1)
        for key, colour, name in ((metric, "#2b6cb0", "training"), (f"val_{metric}", "#d9480f", "validation")):
            values = list(h0.get(key, [])) + list(h1.get(key, []))
            if values:
                ax.plot(np.arange(1, len(values) + 1), values, "o-", ms=3, color=colour, label=f"{name} {label}")
        ax.axvline(initial_epochs + 0.5, color="#6b7280", ls="--", lw=1)
        ax.text(initial_epochs + 0.6, ax.get_ylim()[1], " start of fine-tuning", va="top", fontsize=8, color="#6b7280")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right" if metric == "accuracy" else "upper right", fontsize=8)
    ax.set_xlabel("epochs run (frozen base, then fine-tuning)")
    fig.suptitle("Training and validation curves before and after fine-tuning", fontsize=11)
    fig.tight_layout()
    return fig


def prediction_grid(model, dataset, class_names=ALPACA_CLASSES, n: int = 12) -> Figure:
    """``n`` pictures of ``dataset`` with the model's verdict (green: right, red: wrong).

    The model outputs one logit per picture; ``sigmoid(logit) > 0.5`` means ``class_names[1]``
    ("not alpaca").  The probability shown is that of the predicted class.
    """
    images, labels = [], []
    for x, y in dataset:
        images.append(np.asarray(x))
        labels.append(np.asarray(y).reshape(-1))
        if sum(len(b) for b in images) >= n:
            break
    if not images:
        raise ValueError("the dataset is empty")
    X = np.concatenate(images)[:n]
    y = np.concatenate(labels)[:n].astype(int)
    logits = np.asarray(model(X, training=False)).reshape(len(X), -1)
    if logits.shape[1] != 1:
        raise ValueError(f"expected one logit per picture, got outputs of shape {logits.shape}")
    z = logits[:, 0].astype("float64")
    p = np.exp(-np.logaddexp(0.0, -z))  # sigmoid without overflow warnings for large logits
    pred = (p > 0.5).astype(int)
    cols = 4 if n > 9 else 3
    rows = int(np.ceil(len(X) / cols))
    fig = Figure(figsize=(2.5 * cols, 2.7 * rows))
    for k in range(len(X)):
        ax = fig.add_subplot(rows, cols, k + 1)
        conf = p[k] if pred[k] == 1 else 1 - p[k]
        ok = pred[k] == y[k]
        _show(ax, X[k], f"{class_names[pred[k]]} ({conf:.0%})" + ("" if ok else f"\ntruth: {class_names[y[k]]}"),
              "#2f9e44" if ok else "#c0392b")
    right = int((pred == y).sum())
    fig.suptitle(f"Predictions on validation pictures: {right} of {len(X)} right", fontsize=11)
    fig.tight_layout()
    return fig
