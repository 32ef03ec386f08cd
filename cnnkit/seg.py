"""Semantic segmentation helpers for the U-Net assignment (w3a2): data pipeline, masks, metrics, figures.

Data (CARLA layout: pairs of PNG files with the same name)::

    <image_dir>/000123.png   RGB picture, uint8 (480, 640, 3)
    <mask_dir>/000123.png    class map: red channel = class id 0..22, green = blue = 0

- ``carla_directories()`` -> ``(image_dir, mask_dir)``: ``datasets/carla/CameraRGB`` and
  ``datasets/carla/CameraMask`` if you put the original folders there, else the synthetic
  scenes in ``datasets/synthetic/carla/`` (drawn by ``cnnkit.streets`` on first use, or
  beforehand with ``python scripts/w3a2_make_carla.py``).
- ``list_pairs(image_dir, mask_dir)`` -> two sorted lists of paths, matched by file name.
- ``process_path(image_path, mask_path)`` -> image float32 ``(480, 640, 3)`` in [0, 1],
  mask uint8 ``(480, 640, 1)`` (the class ids).
- ``preprocess(image, mask)`` -> image float32 ``(96, 128, 3)``, mask uint8 ``(96, 128, 1)``
  (nearest-neighbour resizing, which keeps class ids intact).

Held-out scenes: ``load_heldout()`` -> images float32 ``(n, 96, 128, 3)`` and masks uint8
``(n, 96, 128, 1)`` of split ``"test"`` (other seeds than the folder), shipped in
``datasets/synthetic/carla_heldout.npz`` exactly as ``process_path`` + ``preprocess`` give
them; ``heldout_scenes(n)`` draws more of them in memory.

Predictions: ``create_mask(pred_mask)`` turns logits ``(m, H, W, n_classes)`` into the
mask ``(H, W, 1)`` of the first example (argmax over classes).  ``display`` and
``show_predictions`` draw pictures and masks side by side with a legend.

Metrics, from the confusion matrix ``C[t, p]`` (pixels of true class ``t`` predicted as
``p``): pixel accuracy ``sum_k C[k, k] / sum C``; intersection over union of class ``k``
``IoU_k = C[k, k] / (sum_p C[k, p] + sum_t C[t, k] - C[k, k])``; mean IoU: the average of
``IoU_k`` over the classes present in the true masks.

Nothing here builds the U-Net: you write it in the notebook.  ``load_unet_weights``
loads the course's trained weights into *your* model when its structure matches.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from cnnkit import files, streets
from cnnkit.setup import quiet_tensorflow

__all__ = ["CLASS_NAMES", "CLASS_PALETTE", "N_CLASSES", "IMAGE_SIZE", "WEIGHTS_NAME", "carla_directories",
           "list_pairs", "process_path", "preprocess", "create_mask", "colorize", "display", "show_predictions",
           "confusion_matrix", "pixel_accuracy", "class_iou", "mean_iou", "evaluate_segmentation",
           "heldout_scenes", "heldout_path", "load_heldout", "default_count", "prepare_carla_folder", "iou_table", "iou_figure",
           "unet_diagram", "StepLog", "training_curves", "weights_path", "load_unet_weights", "SegmentationError"]

CLASS_NAMES = streets.CLASS_NAMES
CLASS_PALETTE = streets.CLASS_PALETTE
N_CLASSES = streets.N_CLASSES
#: (height, width) the notebook trains on.
IMAGE_SIZE = (96, 128)
WEIGHTS_NAME = "unet_carla.npz"
HELDOUT_NAME = "carla_heldout.npz"
#: ``CNN_COURSE_CARLA_COUNT`` sets how many synthetic pairs ``carla_directories()`` asks for.
COUNT_ENV = "CNN_COURSE_CARLA_COUNT"
#: Pairs the folder needs in quick mode (``cnnkit.setup.quick_training``): what a quick run reads.
QUICK_COUNT = 48


class SegmentationError(ValueError):
    """Folders, masks or a model that do not fit what the segmentation helpers expect."""



# ============================================================================= data
def _synthetic_root() -> Path:
    return files.datasets_dir() / "synthetic" / "carla"


def default_count() -> int:
    """Synthetic pairs ``carla_directories()`` asks for: ``$CNN_COURSE_CARLA_COUNT`` if set, else
    ``cnnkit.streets.DEFAULT_COUNT`` (1060, as many as the original), or ``QUICK_COUNT`` (48) in
    the course's quick mode (``cnnkit.setup.quick_training``)."""
    from cnnkit.setup import quick_training

    value = os.environ.get(COUNT_ENV, "").strip()
    if value:
        try:
            count = int(value)
        except ValueError:
            raise SegmentationError(f"{COUNT_ENV} must be a whole number of image pairs, not {value!r}") from None
        if count < 1:
            raise SegmentationError(f"{COUNT_ENV} must be at least 1, not {count}")
        return count
    return QUICK_COUNT if quick_training() else streets.DEFAULT_COUNT


def _writable(folder: Path) -> bool:
    """Whether ``folder`` (or its nearest existing parent) accepts new files."""
    p = folder
    while not p.exists() and p != p.parent:
        p = p.parent
    return os.access(p, os.W_OK)


def carla_directories(count: int | None = None, verbose: bool = True) -> tuple[str, str]:
    """``(image_dir, mask_dir)`` of the CARLA-layout picture and mask folders.

    Precedence: the original folders ``<datasets>/carla/CameraRGB`` and
    ``<datasets>/carla/CameraMask`` when you placed them there (both must exist), else the
    synthetic set ``<datasets>/synthetic/carla/{CameraRGB,CameraMask}``, drawn now if it
    is missing, cut off or from another generator version (a progress bar, then one
    line; about a minute for 1060 pairs on two cores).  ``count`` (default
    ``default_count()``: 1060) is how many synthetic pairs the folder must hold at least;
    a folder with more is used as it is.  When the datasets folder is read-only (a grading
    sandbox), missing scenes are drawn into a folder under the temporary directory instead.
    Prints one line naming the source.  ``<datasets>`` is ``cnnkit.files.datasets_dir()``.
    """
    root = files.datasets_dir() / "carla"
    rgb, msk = root / "CameraRGB", root / "CameraMask"
    if rgb.is_dir() or msk.is_dir():
        if not (rgb.is_dir() and msk.is_dir()):
            have, miss = (rgb, msk) if rgb.is_dir() else (msk, rgb)
            raise FileNotFoundError(
                f"found {files.display_path(have)} but not {files.display_path(miss)}: put both original "
                f"folders (CameraRGB with the pictures, CameraMask with the masks, same file names) under "
                f"{files.display_path(root)}, or remove the one there to use the synthetic scenes.")
        images, _ = list_pairs(rgb, msk)
        if verbose:
            print(f"CARLA data: original folders in {files.display_path(root)}: {len(images)} image/mask pairs.")
        return str(rgb), str(msk)
    count = default_count() if count is None else int(count)
    syn = _synthetic_root()
    if not streets.folder_is_complete(syn, count) and not _writable(syn):
        import tempfile

        scratch = Path(tempfile.gettempdir()) / "cnn-course" / "carla"
        if verbose:
            print(f"{files.display_path(syn)} cannot be written here; drawing the scenes into {scratch} instead.")
        syn = scratch
    if not streets.folder_is_complete(syn, count):
        streets.write_carla_folder(syn, count, progress=verbose)
    stamp = streets.read_stamp(syn) or {}
    if verbose:
        print(f"CARLA data: synthetic street scenes in {files.display_path(syn)} (cnnkit.streets "
              f"{stamp.get('generator_version', '?')}, seed {stamp.get('seed', '?')}): "
              f"{stamp.get('count', '?')} image/mask pairs.")
    return str(syn / "CameraRGB"), str(syn / "CameraMask")


def prepare_carla_folder(count: int | None = None, verbose: bool = True) -> None:
    """Draw the synthetic folder now (``count`` pairs, default ``default_count()``), unless the original
    folders are in place.  Processes that call it at once wait for each other (a file lock), so the
    folder is drawn once.  Graders call it before running notebooks in a read-only sandbox."""
    if (files.datasets_dir() / "carla" / "CameraRGB").is_dir():
        return
    syn = _synthetic_root()
    count = default_count() if count is None else int(count)
    syn.mkdir(parents=True, exist_ok=True)
    with open(syn / ".lock", "a") as fh:
        try:
            import fcntl

            fcntl.flock(fh, fcntl.LOCK_EX)
        except ImportError:  # pragma: no cover - Windows: no lock
            pass
        if not streets.folder_is_complete(syn, count):
            streets.write_carla_folder(syn, count, progress=verbose)


_IMAGE_SUFFIXES = {".png"}


def list_pairs(image_dir, mask_dir) -> tuple[list[str], list[str]]:
    """Sorted, name-matched paths of the pictures and masks: ``(image_paths, mask_paths)``.

    ``image_paths[k]`` and ``mask_paths[k]`` have the same file name.  PNG files only;
    hidden files are skipped.  Raises ``SegmentationError`` when a folder is missing or
    empty, or when a file has no partner (naming a few of them).  Never rely on
    ``os.listdir`` order: it is arbitrary.
    """
    names = []
    for folder, what in ((image_dir, "image"), (mask_dir, "mask")):
        folder = Path(folder)
        if not folder.is_dir():
            raise SegmentationError(f"{what} folder {files.display_path(folder)} does not exist")
        found = {p.name for p in folder.iterdir()
                 if p.suffix.lower() in _IMAGE_SUFFIXES and not p.name.startswith(".") and p.is_file()}
        if not found:
            raise SegmentationError(f"{what} folder {files.display_path(folder)} holds no .png files")
        names.append(found)
    only_img, only_mask = sorted(names[0] - names[1]), sorted(names[1] - names[0])
    if only_img or only_mask:
        parts = []
        if only_img:
            parts.append(f"{len(only_img)} picture(s) without a mask (e.g. {', '.join(only_img[:3])})")
        if only_mask:
            parts.append(f"{len(only_mask)} mask(s) without a picture (e.g. {', '.join(only_mask[:3])})")
        raise SegmentationError(f"{files.display_path(image_dir)} and {files.display_path(mask_dir)} do not match: "
                                + "; ".join(parts) + ". Every picture needs a mask with the same file name.")
    common = sorted(names[0])
    return ([os.path.join(str(image_dir), n) for n in common], [os.path.join(str(mask_dir), n) for n in common])


def process_path(image_path, mask_path):
    """Read one pair: image float32 ``(H, W, 3)`` in [0, 1], mask uint8 ``(H, W, 1)`` of class ids.

    The mask PNG is decoded with 3 channels and reduced with the maximum over channels
    (``keepdims``): the id sits in the red channel and the others are 0.
    """
    tf = quiet_tensorflow()
    img = tf.io.read_file(image_path)
    img = tf.image.decode_png(img, channels=3)
    img = tf.image.convert_image_dtype(img, tf.float32)
    mask = tf.io.read_file(mask_path)
    mask = tf.image.decode_png(mask, channels=3)
    mask = tf.math.reduce_max(mask, axis=-1, keepdims=True)
    return img, mask


def preprocess(image, mask):
    """Resize a pair to ``IMAGE_SIZE`` (96, 128) with nearest neighbour (keeps dtypes and class ids)."""
    tf = quiet_tensorflow()
    input_image = tf.image.resize(image, IMAGE_SIZE, method="nearest")
    input_mask = tf.image.resize(mask, IMAGE_SIZE, method="nearest")
    return input_image, input_mask


def create_mask(pred_mask):
    """Logits ``(m, H, W, n_classes)`` -> predicted mask ``(H, W, 1)`` (int64) of the first example."""
    tf = quiet_tensorflow()
    pred_mask = tf.argmax(pred_mask, axis=-1)
    pred_mask = pred_mask[..., tf.newaxis]
    return pred_mask[0]


def heldout_scenes(n: int, split: str = "test", start: int = 0, progress: bool = False):
    """``n`` scenes never written to the training folder, as the pipeline would give them.

    Drawn in memory by ``cnnkit.streets`` (split ``"test"``: other seeds than the files),
    then resized like ``preprocess``.  Returns images float32 ``(n, 96, 128, 3)`` in [0, 1]
    and masks uint8 ``(n, 96, 128, 1)``.
    """
    tf = quiet_tensorflow()
    X = np.empty((n,) + IMAGE_SIZE + (3,), np.float32)
    Y = np.empty((n,) + IMAGE_SIZE + (1,), np.uint8)
    it = streets.scenes(split, n, start)
    bar = None
    if progress:
        import sys

        from tqdm import tqdm

        bar = tqdm(total=n, file=sys.stdout, desc=f"Drawing {split} scenes", unit="scene", ascii=True, leave=False)
    for k, (img, mask) in enumerate(it):
        image = tf.image.convert_image_dtype(tf.constant(img), tf.float32)
        x, y = preprocess(image, tf.constant(mask[..., None]))
        X[k], Y[k] = x.numpy(), y.numpy()
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    return X, Y


def heldout_path() -> Path:
    """``<datasets>/synthetic/carla_heldout.npz``: the shipped held-out scenes (``load_heldout``)."""
    return files.datasets_dir() / "synthetic" / HELDOUT_NAME


def load_heldout(n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The first ``n`` (default: all) shipped held-out scenes, as the pipeline gives them.

    Returns images float32 ``(n, 96, 128, 3)`` in [0, 1] and masks uint8 ``(n, 96, 128, 1)``:
    scenes ``0 .. n-1`` of split ``"test"`` (seeds the training folder never uses), drawn by
    ``cnnkit.streets`` and resized exactly like ``process_path`` + ``preprocess``.  The file
    is checked against the manifest first (``cnnkit.files.IntegrityError`` names the
    command that rebuilds it: ``python scripts/w3a2_make_heldout.py``).
    """
    path = heldout_path()
    rec = files.verify(path, "the held-out street scenes")
    if rec.get("generator_version") not in (None, streets.GENERATOR_VERSION):
        raise SegmentationError(f"{files.display_path(path)} was drawn by cnnkit.streets {rec['generator_version']}, "
                                f"not {streets.GENERATOR_VERSION}: rebuild it with {rec.get('made_by')}")
    with np.load(path) as d:
        images, masks = d["images"], d["masks"]
    if n is not None:
        if not 0 < n <= len(images):
            raise SegmentationError(f"n must lie in 1..{len(images)} (the scenes in {HELDOUT_NAME}), not {n}")
        images, masks = images[:n], masks[:n]
    return images.astype(np.float32) / np.float32(255.0), masks[..., None].copy()


# ============================================================================= metrics
def confusion_matrix(y_true, y_pred, n_classes: int = N_CLASSES) -> np.ndarray:
    """``C[t, p]``: pixels of true class ``t`` predicted as ``p``; int64 ``(n_classes, n_classes)``.

    ``y_true`` and ``y_pred`` hold class ids of the same number of pixels (any shapes
    with equal sizes, e.g. ``(m, H, W, 1)`` and ``(m, H, W)``).
    """
    t = np.asarray(y_true).reshape(-1).astype(np.int64)
    p = np.asarray(y_pred).reshape(-1).astype(np.int64)
    if t.size != p.size:
        raise SegmentationError(f"{t.size} true pixels but {p.size} predicted pixels")
    for a, what in ((t, "true"), (p, "predicted")):
        if a.size and (a.min() < 0 or a.max() >= n_classes):
            raise SegmentationError(f"{what} class ids must lie in 0..{n_classes - 1}, found {a.min()}..{a.max()}")
    return np.bincount(t * n_classes + p, minlength=n_classes * n_classes).reshape(n_classes, n_classes)


def pixel_accuracy(cm) -> float:
    """Share of pixels whose class is right: ``trace(C) / sum(C)``."""
    cm = np.asarray(cm)
    total = cm.sum()
    return float(np.trace(cm) / total) if total else float("nan")


def class_iou(cm) -> np.ndarray:
    """IoU per class, ``C[k,k] / (row_k + col_k - C[k,k])``; ``nan`` for classes absent from the true masks."""
    cm = np.asarray(cm, np.float64)
    tp = np.diag(cm)
    union = cm.sum(axis=1) + cm.sum(axis=0) - tp
    present = cm.sum(axis=1) > 0
    out = np.full(len(tp), np.nan)
    out[present] = tp[present] / union[present]
    return out


def mean_iou(cm) -> float:
    """Mean of ``class_iou`` over the classes present in the true masks."""
    iou = class_iou(cm)
    return float(np.nanmean(iou)) if np.any(~np.isnan(iou)) else float("nan")


def evaluate_segmentation(model, images, masks, batch_size: int = 16) -> dict:
    """Run ``model`` (logits ``(m, H, W, n_classes)``) on ``images`` and score it against ``masks``.

    Returns ``{"pixel_accuracy", "mean_iou", "class_iou" (name -> IoU, present classes only),
    "confusion" (C), "images"}``.
    """
    tf = quiet_tensorflow()
    images, masks = np.asarray(images, np.float32), np.asarray(masks)
    if len(images) != len(masks):
        raise SegmentationError(f"{len(images)} images but {len(masks)} masks")
    n_classes = None
    cm = None
    predict = tf.function(lambda x: tf.argmax(model(x, training=False), axis=-1))
    for k in range(0, len(images), batch_size):
        x = tf.constant(images[k:k + batch_size])
        if n_classes is None:
            n_classes = int(model(x[:1], training=False).shape[-1])
            cm = np.zeros((n_classes, n_classes), np.int64)
        pred = predict(x).numpy()
        cm += confusion_matrix(masks[k:k + batch_size], pred, n_classes)
    iou = class_iou(cm)
    names = CLASS_NAMES if n_classes == N_CLASSES else [f"class {k}" for k in range(n_classes)]
    return {"pixel_accuracy": pixel_accuracy(cm), "mean_iou": mean_iou(cm),
            "class_iou": {names[k]: float(v) for k, v in enumerate(iou) if not np.isnan(v)},
            "confusion": cm, "images": int(len(images))}


def iou_table(result: dict) -> str:
    """A text table of an ``evaluate_segmentation`` result (per-class IoU, worst first)."""
    lines = [f"pixel accuracy {result['pixel_accuracy']:.3f}   mean IoU {result['mean_iou']:.3f} "
             f"over {len(result['class_iou'])} classes present ({result['images']} images)"]
    for name, v in sorted(result["class_iou"].items(), key=lambda kv: kv[1]):
        lines.append(f"  {name:14s} {v:.3f}  " + "#" * int(round(20 * v)))
    return "\n".join(lines)


# ============================================================================= figures
def colorize(mask) -> np.ndarray:
    """Class ids ``(H, W)`` or ``(H, W, 1)`` -> RGB uint8 ``(H, W, 3)`` with ``CLASS_PALETTE``."""
    m = np.asarray(mask)
    if m.ndim == 3 and m.shape[-1] == 1:
        m = m[..., 0]
    if m.ndim != 2:
        raise SegmentationError(f"a mask is (H, W) or (H, W, 1), got shape {np.asarray(mask).shape}")
    pal = np.array(CLASS_PALETTE, np.uint8)
    return pal[np.clip(m.astype(np.int64), 0, len(pal) - 1)]


def _as_array(x):
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def _is_mask(a) -> bool:
    return a.ndim == 2 or (a.ndim == 3 and a.shape[-1] == 1)


def _legend(fig, ids, ncol=None):
    from matplotlib.patches import Patch

    handles = [Patch(facecolor=np.array(CLASS_PALETTE[k]) / 255, edgecolor="#444", label=f"{k} {CLASS_NAMES[k]}")
               for k in sorted(ids)]
    if handles:
        fig.legend(handles=handles, loc="lower center", ncol=ncol or min(6, len(handles)), fontsize=8,
                   frameon=False, handlelength=1.2, columnspacing=1.0)


def _panel_rows(rows, titles=None):
    from matplotlib.figure import Figure

    titles = titles or ["Input Image", "True Mask", "Predicted Mask"]
    n_rows, n_cols = len(rows), max(len(r) for r in rows)
    ids = set()
    arrays = [[_as_array(x) for x in r] for r in rows]
    for r in arrays:
        for a in r:
            if _is_mask(a):
                ids |= set(np.unique(a).astype(int).tolist())
    n_legend_rows = -(-len(ids) // 6) if ids else 0
    fig = Figure(figsize=(3.6 * n_cols, 2.9 * n_rows + 0.22 * n_legend_rows + 0.3))
    legend_h = (0.22 * n_legend_rows + 0.25) / fig.get_figheight()
    fig.subplots_adjust(left=0.02, right=0.98, top=0.93 if n_rows == 1 else 0.96, bottom=legend_h + 0.02,
                        wspace=0.05, hspace=0.15)
    for i, r in enumerate(arrays):
        for j, a in enumerate(r):
            ax = fig.add_subplot(n_rows, n_cols, i * n_cols + j + 1)
            if _is_mask(a):
                ax.imshow(colorize(a), interpolation="nearest")
            else:
                ax.imshow(np.clip(a.astype(np.float32) / (255.0 if a.dtype == np.uint8 else 1.0), 0, 1),
                          interpolation="nearest")
            if i == 0 or n_rows > 1:
                ax.set_title(titles[j] if j < len(titles) else "", fontsize=10)
            ax.axis("off")
    _legend(fig, ids)
    return fig


def display(display_list, titles=None):
    """One row of panels: ``[image, true mask]`` or ``[image, true mask, predicted mask]``.

    Images are ``(H, W, 3)`` floats in [0, 1] (or uint8); masks ``(H, W)`` or ``(H, W, 1)``
    class ids, coloured with ``CLASS_PALETTE``, with a legend of the classes shown.
    Titles default to Input Image / True Mask / Predicted Mask.  Returns the
    matplotlib ``Figure`` (shown when it is the last value of a notebook cell).
    """
    return _panel_rows([list(display_list)], titles)


def show_predictions(model, dataset=None, num: int = 1, sample=None):
    """Image / true mask / predicted mask for ``num`` batches of ``dataset`` (first example of each).

    ``dataset`` yields batches ``(images (b, H, W, 3), masks (b, H, W, 1))``; without one,
    ``sample = (image (H, W, 3), mask (H, W, 1))`` is shown.  ``model`` returns logits.
    Returns one ``Figure`` with a row per example.
    """
    tf = quiet_tensorflow()
    rows = []
    if dataset is not None:
        for image, mask in dataset.take(num):
            pred_mask = model(image, training=False)
            rows.append([image[0], mask[0], create_mask(pred_mask)])
    else:
        if sample is None:
            raise SegmentationError("pass a batched dataset, or sample=(image, mask)")
        image, mask = sample
        pred_mask = model(tf.convert_to_tensor(image)[tf.newaxis, ...], training=False)
        rows.append([image, mask, create_mask(pred_mask)])
    if not rows:
        raise SegmentationError("the dataset yielded no batch")
    return _panel_rows(rows)


def iou_figure(result: dict, title: str | None = None):
    """Bar chart of per-class IoU from ``evaluate_segmentation`` (bars in the class colours)."""
    from matplotlib.figure import Figure

    items = sorted(result["class_iou"].items(), key=lambda kv: kv[1])
    fig = Figure(figsize=(7, 0.26 * len(items) + 1.0))
    ax = fig.add_subplot(1, 1, 1)
    idx = {n: k for k, n in enumerate(CLASS_NAMES)}
    colours = [np.array(CLASS_PALETTE[idx[n]]) / 255 if n in idx else "#888" for n, _ in items]
    ax.barh(range(len(items)), [v for _, v in items], color=colours, edgecolor="#333", linewidth=0.5)
    ax.set_yticks(range(len(items)))
    ax.set_yticklabels([n for n, _ in items], fontsize=8)
    ax.set_xlim(0, 1)
    ax.axvline(result["mean_iou"], color="#c0392b", lw=1.2, ls="--")
    ax.set_xlabel("IoU")
    ax.set_title(title or f"pixel accuracy {result['pixel_accuracy']:.3f}, mean IoU {result['mean_iou']:.3f} (dashed)",
                 fontsize=10)
    fig.tight_layout()
    return fig


class StepLog:
    """Keras callback factory: ``StepLog()`` is a callback that records the loss and accuracy of every
    training batch (``.steps``, ``.loss``, ``.accuracy``) and of every epoch (``.epoch_loss``,
    ``.epoch_accuracy``), for ``training_curves``.  Pass it in ``model.fit(..., callbacks=[log])``."""

    def __new__(cls):
        tf = quiet_tensorflow()

        class _StepLog(tf.keras.callbacks.Callback):
            def __init__(self):
                super().__init__()
                self.steps, self.loss, self.accuracy = [], [], []
                self.epoch_loss, self.epoch_accuracy, self.epoch_steps = [], [], []

            def on_train_batch_end(self, batch, logs=None):
                logs = logs or {}
                self.steps.append(len(self.steps) + 1)
                self.loss.append(float(logs.get("loss", np.nan)))
                self.accuracy.append(float(logs.get("accuracy", np.nan)))

            def on_epoch_end(self, epoch, logs=None):
                logs = logs or {}
                self.epoch_loss.append(float(logs.get("loss", np.nan)))
                self.epoch_accuracy.append(float(logs.get("accuracy", np.nan)))
                self.epoch_steps.append(len(self.steps))

        return _StepLog()


def training_curves(log, title: str | None = None):
    """Loss and pixel accuracy of a training run, per batch (thin) and per epoch (dots), from a ``StepLog``.

    Keras reports a batch's numbers as the running average over the epoch so far, so the
    thin line restarts at every epoch; the dots are the epoch averages.
    """
    from matplotlib.figure import Figure

    fig = Figure(figsize=(10, 3.6))
    for j, (name, batch, epoch) in enumerate((("loss", log.loss, log.epoch_loss),
                                              ("pixel accuracy", log.accuracy, log.epoch_accuracy))):
        ax = fig.add_subplot(1, 2, j + 1)
        ax.plot(log.steps, batch, color="#2b6cb0", lw=1.2, label="running average in the epoch")
        ax.plot(log.epoch_steps, epoch, "o", color="#c0392b", ms=6, label="epoch average")
        ax.set_xlabel("training step (batch)")
        ax.set_title(name, fontsize=11)
        ax.grid(True, color="#e3e6eb")
        if name != "loss":
            ax.set_ylim(0, 1)
        else:
            ax.set_ylim(bottom=0)
        ax.legend(frameon=False, fontsize=8)
    if title:
        fig.suptitle(title, fontsize=12)
    fig.tight_layout()
    return fig


def unet_diagram(input_size=(96, 128, 3), n_filters: int = 32, n_classes: int = N_CLASSES, levels: int = 5):
    """The U-Net drawn as a U: encoder levels on the left, decoder on the right, skips across.

    Each box is a feature map labelled ``H x W x C``; arrows down are 2x2 max-pooling,
    arrows up are 3x3 stride-2 transposed convolutions, horizontal arrows copy the
    encoder's map (after dropout) to be concatenated after the upsampled one, and the
    last 1x1 convolution turns ``n_filters`` channels into ``n_classes`` logits.
    """
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    H, W, C = input_size
    fig = Figure(figsize=(11, 5.6))
    ax = fig.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, 11)
    ax.set_ylim(-0.6, levels + 0.7)
    ax.axis("off")
    enc, dec, skip, pool, up, head = "#2b6cb0", "#2f9e44", "#7048e8", "#d9480f", "#0c8599", "#a0522d"

    def box(x, y, text, colour, w=1.55, h=0.55):
        ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.03", fc=colour, ec="#222",
                                    alpha=0.22, lw=1))
        ax.add_patch(FancyBboxPatch((x - w / 2, y - h / 2), w, h, boxstyle="round,pad=0.03", fc="none", ec=colour,
                                    lw=1.5))
        ax.text(x, y, text, ha="center", va="center", fontsize=8.5)

    def arrow(a, b, colour, text=None, offset=(0, 0), style="-|>", ls="-"):
        ax.add_patch(FancyArrowPatch(a, b, arrowstyle=style, mutation_scale=12, color=colour, lw=1.5, ls=ls))
        if text:
            ax.text((a[0] + b[0]) / 2 + offset[0], (a[1] + b[1]) / 2 + offset[1], text, fontsize=7.5, color=colour,
                    ha="center", va="center")

    ys = [levels - k for k in range(levels)]
    box(0.6, ys[0], f"input\n{H}x{W}x{C}", "#888", w=1.0)
    for k in range(levels):
        h, w, c = H // 2 ** k, W // 2 ** k, n_filters * 2 ** k
        xe = 2.2 + 0.55 * k
        extra = " +drop" if k >= levels - 2 else ""
        box(xe, ys[k], f"{h}x{w}x{c}{extra}", enc)
        if k == 0:
            arrow((1.1, ys[0]), (xe - 0.8, ys[0]), enc, "2x conv3x3", offset=(0, 0.22))
        if k < levels - 1:
            arrow((xe + 0.1, ys[k] - 0.3), (xe + 0.45, ys[k + 1] + 0.3), pool, "max-pool 2x2", offset=(0.55, 0.05))
            xd = 8.8 - 0.55 * k
            box(xd, ys[k], f"{h}x{w}x{c}", dec)
            arrow((xe + 0.8, ys[k]), (xd - 0.8, ys[k]), skip, "skip: copy, concatenate after the upsampled map",
                  offset=(0, 0.2) if k == 0 else (0, 0.16), ls="--")
            arrow((xd + 0.45 - 0.55 + 0.1, ys[k + 1] + 0.3), (xd - 0.1 + 0.2, ys[k] - 0.3), up,
                  "up: transposed\nconv 3x3, stride 2" if k == levels - 2 else None, offset=(0.75, 0))
    xb = 2.2 + 0.55 * (levels - 1)
    ax.text(xb, ys[-1] - 0.5, "bottleneck: no pooling", fontsize=8, ha="center", color=enc)
    box(10.35, ys[0], f"logits\n{H}x{W}x{n_classes}", head, w=1.05)
    arrow((9.6, ys[0]), (9.82, ys[0]), head)
    ax.text(10.35, ys[0] - 0.55, "conv3x3, then\n1x1 conv", fontsize=7.5, ha="center", color=head)
    ax.text(0.3, -0.35, "blue: encoder (two 3x3 ReLU convs per level)   green: decoder (upsample, concatenate, two 3x3 "
            "convs)   purple: skip connections", fontsize=8, color="#333")
    return fig


# ============================================================================= shipped weights
def weights_path() -> Path:
    """``<datasets>/weights/unet_carla.npz``: the course's U-Net trained on the synthetic scenes."""
    return files.weights_dir() / WEIGHTS_NAME


def _jsonable(rows):
    return json.loads(json.dumps(rows, default=lambda o: list(o) if isinstance(o, tuple) else str(o)))


def load_unet_weights(model, path=None, verbose: bool = True) -> dict:
    """Load trained U-Net weights into ``model`` (a U-Net you built with the assignment's structure).

    ``path`` defaults to the shipped file ``weights_path()``, which is checked against the
    manifest first; its manifest entry records the structure it was trained with
    (``cnnkit.testing.summary`` rows) and ``model`` must match it row by row, or a
    ``SegmentationError`` names the first layer that differs.  A file of your own
    (written by ``cnnkit.weights.save_quantized``) is loaded after a check of the number
    and shapes of the weights.  Returns the manifest entry (held-out metrics, data
    version) or ``{}`` for a file of your own.
    """
    from cnnkit import testing, weights

    path = weights_path() if path is None else Path(path)
    rec = files.entry(path) if path.exists() and weights._in_datasets(path) else None
    expected = (rec or {}).get("structure")
    if expected is not None:
        got = _jsonable(testing.summary(model))
        diff = testing.first_difference(got, expected)
        if diff is not None:
            raise SegmentationError(
                f"this model does not have the structure the weights in {path.name} were trained with: {diff.text}. "
                f"Build it with unet_model() as in the assignment: input {tuple(expected[0][1][0][1:])}, "
                f"{len(expected)} layers, {sum(r[2] for r in expected):,} parameters.")
    try:
        info = weights.load_quantized(model, path, what="the trained U-Net weights")
    except weights.WeightsError as err:
        raise SegmentationError(f"{err}. The weights fit the assignment's unet_model() (35 layers, 8,640,471 "
                                "parameters for the defaults); check your model's structure.") from err
    if verbose:
        where = files.display_path(path)
        if info:
            print(f"Loaded the course's U-Net weights from {where} (held-out pixel accuracy "
                  f"{info.get('pixel_accuracy', float('nan')):.3f}, mean IoU {info.get('mean_iou', float('nan')):.3f}).")
        else:
            print(f"Loaded U-Net weights from {where}.")
    return info
