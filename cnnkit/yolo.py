"""Helpers for the YOLO assignment (w3a1): decoding, drawing, files, the detector, mAP.

Student-facing: the four graded functions (``yolo_filter_boxes``, ``iou``,
``yolo_non_max_suppression``, ``yolo_eval``) are *not* here; ``evaluate_map`` takes the
learner's ``yolo_eval`` as an argument.

Conventions (as in the original assignment)
-------------------------------------------
- ``yolo_head`` turns the raw network output ``(m, S_h, S_w, A*(5+C))`` into
  ``(box_xy, box_wh, box_confidence, box_class_probs)``; ``xy``/``wh`` are fractions of
  the image, x along the width, y along the height; anchors are ``(w, h)`` in grid cells.
- boxes handed to NMS and drawing are ``[y_min, x_min, y_max, x_max]`` (``[top, left,
  bottom, right]`` once scaled to pixels).

The detector
------------
``load_yolo_model()`` builds a detector in code and loads weights, choosing them like this:

1. the original YOLOv2 weights, if the user placed them in ``datasets/yolo/model_data/``
   (``yolo.h5`` or ``yolo.weights.h5``, with ``coco_classes.txt`` and ``yolo_anchors.txt``):
   the full ``yolo_body`` (Darknet-19 with passthrough) for 80 classes;
2. otherwise the course's small detector ``datasets/weights/yolo_small.weights.h5``,
   trained by ``scripts/w3a1_train_yolo.py`` on synthetic road scenes (``cnnkit.roads``).

It prints which one it used.  Both take a 608x608x3 input in ``[0, 1]`` and output a
19x19 grid with 5 anchors, so the notebook's code runs unchanged with either.
"""
from __future__ import annotations

import colorsys
import random
from pathlib import Path
from typing import Callable

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from cnnkit import files
from cnnkit.setup import quiet_tensorflow

__all__ = ["yolo_head", "yolo_boxes_to_corners", "scale_boxes", "preprocess_image", "read_classes",
           "read_anchors", "get_colors_for_classes", "draw_boxes", "yolo_body", "small_yolo_body",
           "SpaceToDepth", "load_yolo_model", "resolve_yolo_weights", "evaluate_map", "average_precision",
           "yolo_dir", "model_data_dir", "showcase_dir", "weights_path", "MODEL_IMAGE_SIZE",
           "show_grid_and_anchors", "show_iou_cases", "show_detections", "drawn", "mean_average_precision",
           "read_annotations"]

MODEL_IMAGE_SIZE = (608, 608)
ORIGINAL_WEIGHTS = ("yolo.h5", "yolo.weights.h5")
ORIGINAL_CLASSES = "coco_classes.txt"
ORIGINAL_ANCHORS = "yolo_anchors.txt"


def yolo_dir() -> Path:
    """``<datasets>/yolo``: showcase pictures and the detector's class and anchor files."""
    return files.datasets_dir() / "yolo"


def model_data_dir() -> Path:
    """``<datasets>/yolo/model_data``: ``classes.txt`` and ``anchors.txt`` (and the original
    YOLOv2 files, if a user puts them there)."""
    return yolo_dir() / "model_data"


def showcase_dir() -> Path:
    """``<datasets>/yolo/images``: the showcase road scenes and ``annotations.csv``."""
    return yolo_dir() / "images"


def weights_path() -> Path:
    """``<datasets>/weights/yolo_small.weights.h5``: the course's small detector."""
    return files.weights_dir() / "yolo_small.weights.h5"


# ============================================================================ decoding
def yolo_head(feats, anchors, num_classes):
    """Decode raw YOLOv2 output into box centres, sizes, confidences and class probabilities.

    Parameters
    ----------
    feats : tensor ``(m, S_h, S_w, A*(5+C))``; per anchor ``t_x, t_y, t_w, t_h, t_o`` then ``C`` logits.
    anchors : array ``(A, 2)`` of anchor ``(w, h)`` in grid cells.
    num_classes : int, ``C``.

    Returns
    -------
    box_xy ``(m, S_h, S_w, A, 2)``, box_wh ``(m, S_h, S_w, A, 2)``, box_confidence
    ``(m, S_h, S_w, A, 1)``, box_class_probs ``(m, S_h, S_w, A, C)``.
    """
    tf = quiet_tensorflow()
    feats = tf.convert_to_tensor(feats, dtype=tf.float32)
    anchors = np.asarray(anchors, dtype=np.float32).reshape(-1, 2)
    num_anchors = anchors.shape[0]
    shape = tf.shape(feats)
    grid_h, grid_w = shape[1], shape[2]
    feats = tf.reshape(feats, [-1, grid_h, grid_w, num_anchors, num_classes + 5])
    # cell indices: x (column) along the width, y (row) along the height
    col = tf.cast(tf.range(grid_w), tf.float32)
    row = tf.cast(tf.range(grid_h), tf.float32)
    cx, cy = tf.meshgrid(col, row)                      # (S_h, S_w) each
    grid = tf.stack([cx, cy], axis=-1)[None, :, :, None, :]   # (1, S_h, S_w, 1, 2)
    dims = tf.cast(tf.stack([grid_w, grid_h]), tf.float32)    # (x, y) order
    box_xy = (tf.sigmoid(feats[..., 0:2]) + grid) / dims
    box_wh = tf.exp(feats[..., 2:4]) * tf.constant(anchors)[None, None, None] / dims
    box_confidence = tf.sigmoid(feats[..., 4:5])
    box_class_probs = tf.nn.softmax(feats[..., 5:], axis=-1)
    return box_xy, box_wh, box_confidence, box_class_probs


def yolo_boxes_to_corners(box_xy, box_wh):
    """Centre/size boxes to corners ``[y_min, x_min, y_max, x_max]`` on the last axis."""
    tf = quiet_tensorflow()
    box_xy = tf.convert_to_tensor(box_xy, dtype=tf.float32)
    box_wh = tf.convert_to_tensor(box_wh, dtype=tf.float32)
    mins = box_xy - box_wh / 2.0
    maxes = box_xy + box_wh / 2.0
    return tf.concat([mins[..., 1:2], mins[..., 0:1], maxes[..., 1:2], maxes[..., 0:1]], axis=-1)


def scale_boxes(boxes, image_shape):
    """Scale fractional corner boxes to pixels: multiply by ``[h, w, h, w]`` (float32)."""
    tf = quiet_tensorflow()
    height = float(image_shape[0])
    width = float(image_shape[1])
    dims = tf.reshape(tf.constant([height, width, height, width], dtype=tf.float32), [1, 4])
    return tf.cast(boxes, tf.float32) * dims


# ============================================================================ files
def preprocess_image(img_path, model_image_size):
    """Open an image and prepare it for the network.

    Returns ``(image, image_data)``: the original-size RGB PIL image, and a float32 array
    ``(1, h, w, 3)`` in ``[0, 1]`` resized (BICUBIC) to ``model_image_size = (h, w)``.
    """
    image = Image.open(img_path).convert("RGB")
    resized = image.resize(tuple(reversed(tuple(int(v) for v in model_image_size))), Image.BICUBIC)
    image_data = np.asarray(resized, dtype=np.float32) / 255.0
    return image, np.expand_dims(image_data, 0)


def read_classes(classes_path):
    """Class names, one per line (blank lines ignored)."""
    with open(classes_path, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]


def read_anchors(anchors_path):
    """Anchors from one line of comma-separated floats: ``np.ndarray`` of shape ``(A, 2)``."""
    with open(anchors_path, encoding="utf-8") as f:
        values = [float(v) for v in f.readline().split(",") if v.strip()]
    if len(values) % 2:
        raise ValueError(f"{anchors_path}: expected an even number of values (w, h pairs), got {len(values)}")
    return np.array(values, dtype=np.float64).reshape(-1, 2)


# ============================================================================ drawing
def get_colors_for_classes(num_classes):
    """``num_classes`` distinct RGB tuples: evenly spaced hues, shuffled with a fixed seed."""
    hsv = [(k / max(1, num_classes), 0.85, 0.95) for k in range(num_classes)]
    colors = [tuple(int(255 * c) for c in colorsys.hsv_to_rgb(*v)) for v in hsv]
    random.Random(10101).shuffle(colors)
    return colors


def _font(size):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # pragma: no cover - Pillow without FreeType
        return ImageFont.load_default()


def _text_color(rgb):
    luminance = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]
    return (0, 0, 0) if luminance > 140 else (255, 255, 255)


def draw_boxes(image, boxes, box_classes, class_names, scores=None):
    """Draw pixel boxes ``[top, left, bottom, right]`` with ``"<class> <score>"`` labels on ``image``.

    Boxes are clipped to the image; one line per box is printed with the label and the
    corners ``(left, top) (right, bottom)``.  The PIL image is modified in place.
    """
    boxes = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)
    box_classes = np.asarray(box_classes).reshape(-1)
    scores = None if scores is None else np.asarray(scores, dtype=np.float64).reshape(-1)
    colors = get_colors_for_classes(len(class_names))
    width, height = image.size
    font = _font(max(12, int(round(height * 0.022))))
    thickness = max(2, (width + height) // 500)
    draw = ImageDraw.Draw(image)
    for i in reversed(range(len(boxes))):
        c = int(box_classes[i])
        label = class_names[c] if scores is None else f"{class_names[c]} {scores[i]:.2f}"
        top, left, bottom, right = boxes[i]
        top = max(0, int(np.floor(top + 0.5)))
        left = max(0, int(np.floor(left + 0.5)))
        bottom = min(height - 1, int(np.floor(bottom + 0.5)))
        right = min(width - 1, int(np.floor(right + 0.5)))
        bottom, right = max(bottom, top), max(right, left)
        print(label, (left, top), (right, bottom))
        color = colors[c]
        for t in range(thickness):
            draw.rectangle([left + t, top + t, max(left + t, right - t), max(top + t, bottom - t)], outline=color)
        x0, y0, x1, y1 = draw.textbbox((0, 0), label, font=font)
        tw, th = x1 - x0 + 6, y1 - y0 + 6
        ty = top - th if top - th >= 0 else top + 1
        tx = min(left, max(0, width - tw))
        draw.rectangle([tx, ty, tx + tw, ty + th], fill=color)
        draw.text((tx + 3 - x0, ty + 3 - y0), label, fill=_text_color(color), font=font)
    return image


# ============================================================================ networks
def _keras():
    quiet_tensorflow()
    import keras

    return keras


def _space_to_depth_class():
    keras = _keras()
    tf = quiet_tensorflow()

    @keras.saving.register_keras_serializable(package="cnnkit")
    class SpaceToDepth(keras.layers.Layer):
        """``tf.nn.space_to_depth`` as a layer (YOLOv2's passthrough, no Lambda)."""

        def __init__(self, block_size=2, **kwargs):
            super().__init__(**kwargs)
            self.block_size = int(block_size)

        def call(self, inputs):
            return tf.nn.space_to_depth(inputs, self.block_size)

        def compute_output_shape(self, input_shape):
            b = self.block_size
            n, h, w, c = input_shape
            return (n, None if h is None else h // b, None if w is None else w // b, None if c is None else c * b * b)

        def get_config(self):
            return {**super().get_config(), "block_size": self.block_size}

    return SpaceToDepth


_S2D = None


def SpaceToDepth(block_size=2, **kwargs):  # noqa: N802 - a layer factory
    """Create the passthrough layer (class built lazily so importing cnnkit stays TF-free)."""
    global _S2D
    if _S2D is None:
        _S2D = _space_to_depth_class()
    return _S2D(block_size, **kwargs)


def _conv(x, filters, size, name, strides=1, dilation=1):
    keras = _keras()
    L = keras.layers
    x = L.Conv2D(filters, size, strides=strides, padding="same", use_bias=False, dilation_rate=dilation,
                 name=f"{name}_conv")(x)
    x = L.BatchNormalization(name=f"{name}_bn")(x)
    return L.LeakyReLU(negative_slope=0.1, name=f"{name}_leaky")(x)


def small_yolo_body(inputs, num_anchors, num_classes, width=1.0):
    """The course's small YOLOv2-style detector (about 1.5 M parameters at ``width=1``).

    Five stride-2 3x3 convolutions take 608x608 to a 19x19 grid (32 px per cell); each is
    a conv-BN-LeakyReLU(0.1) block, as in Darknet, but strided instead of followed by a
    2x2 max pool, which costs a quarter of the arithmetic on a CPU. Between them, 3x3 and
    1x1 blocks; at 19x19 a dilated 3x3 block widens the receptive field for buses and
    trucks close to the camera, and a passthrough (space-to-depth of the 38x38 features,
    as in YOLOv2) brings back detail for thin and far objects (traffic lights, people).
    Fully convolutional: any input whose sides are multiples of 32 works (training uses
    crops of the 608x608 image).

    Output ``(m, S_h, S_w, num_anchors * (5 + num_classes))``, decoded by ``yolo_head``.
    """
    keras = _keras()
    L = keras.layers
    f = lambda n: max(4, int(round(n * width)))  # noqa: E731
    x = _conv(inputs, f(16), 3, "c1", strides=2)              # 304
    x = _conv(x, f(32), 3, "c2", strides=2)                   # 152
    x = _conv(x, f(32), 3, "c3")
    x = _conv(x, f(64), 3, "c4", strides=2)                   # 76
    x = _conv(x, f(64), 3, "c5")
    x = _conv(x, f(128), 3, "c6", strides=2)                  # 38
    x = _conv(x, f(64), 1, "c7")
    x = _conv(x, f(128), 3, "c8")
    skip = x
    x = _conv(x, f(256), 3, "c9", strides=2)                  # 19
    x = _conv(x, f(128), 1, "c10")
    x = _conv(x, f(256), 3, "c11", dilation=2)
    skip = _conv(skip, f(32), 1, "pass")
    skip = SpaceToDepth(2, name="space_to_depth")(skip)
    x = L.Concatenate(name="concat")([skip, x])
    x = _conv(x, f(192), 3, "c12")
    return keras.Model(inputs, L.Conv2D(num_anchors * (5 + num_classes), 1, name="head")(x), name="yolo_small")


def yolo_body(inputs, num_anchors, num_classes):
    """YOLOv2 (Darknet-19 with passthrough) built in code, without Lambda layers.

    Layer order follows the original Keras port, so its ``.h5`` weights load by order
    (``model.load_weights(path)`` on a Keras-2 weights file may need ``by_name``-free
    loading through ``h5py``; see ``load_yolo_model``).
    """
    keras = _keras()
    L = keras.layers
    counter = [0]

    def conv(x, filters, size):
        counter[0] += 1
        k = counter[0]
        x = L.Conv2D(filters, size, padding="same", use_bias=False, name=f"conv2d_{k}")(x)
        x = L.BatchNormalization(name=f"batch_normalization_{k}")(x)
        return L.LeakyReLU(negative_slope=0.1, name=f"leaky_re_lu_{k}")(x)

    x = inputs
    for filters in (32, 64):
        x = conv(x, filters, 3)
        x = L.MaxPooling2D(2)(x)
    for filters in (128, 256):
        x = conv(x, filters, 3)
        x = conv(x, filters // 2, 1)
        x = conv(x, filters, 3)
        x = L.MaxPooling2D(2)(x)
    x = conv(x, 512, 3)
    x = conv(x, 256, 1)
    x = conv(x, 512, 3)
    x = conv(x, 256, 1)
    x = conv(x, 512, 3)
    passthrough = x
    x = L.MaxPooling2D(2)(x)
    for _ in range(2):
        x = conv(x, 1024, 3)
        x = conv(x, 512, 1)
    x = conv(x, 1024, 3)
    x = conv(x, 1024, 3)
    x = conv(x, 1024, 3)
    p = conv(passthrough, 64, 1)
    p = SpaceToDepth(2, name="space_to_depth_x2")(p)
    x = L.Concatenate()([p, x])
    x = conv(x, 1024, 3)
    out = L.Conv2D(num_anchors * (num_classes + 5), 1, name=f"conv2d_{counter[0] + 1}")(x)
    return keras.Model(inputs, out, name="yolov2")


# ============================================================================ weights
def resolve_yolo_weights(weights=None, verbose=True):
    """Which weights to load: ``(kind, path)`` with kind ``"original"`` or ``"course"``.

    An explicit ``weights`` path wins (its kind is guessed from its size: the original
    YOLOv2 file holds about 51 M parameters).  Otherwise the original weights in
    ``datasets/yolo/model_data/`` are used if present, else the course's small detector.
    """
    if weights is not None:
        path = Path(weights)
        if not path.exists():
            raise FileNotFoundError(f"weights file not found: {path}")
        kind = "original" if path.stat().st_size > 100e6 else "course"
        return kind, path
    for name in ORIGINAL_WEIGHTS:
        candidate = model_data_dir() / name
        if candidate.exists():
            if verbose:
                print(f"Using the original YOLOv2 weights found at {candidate}.")
            return "original", candidate
    path = weights_path()
    files.verify(path, "the course's YOLO weights")   # raises with the rebuild command
    if verbose:
        print(f"Using the course's small YOLO trained on synthetic road scenes ({path.name}, sha256 checked); "
              f"place the original yolo.h5 in {files.display_path(model_data_dir())} to use YOLOv2 instead.")
    return "course", path


def load_yolo_model(weights=None, classes_path=None, anchors_path=None, verbose=True):
    """Build the detector in code and load its weights; returns ``(model, class_names, anchors)``."""
    keras = _keras()
    kind, path = resolve_yolo_weights(weights, verbose)
    if kind == "original":
        classes_path = classes_path or model_data_dir() / ORIGINAL_CLASSES
        anchors_path = anchors_path or model_data_dir() / ORIGINAL_ANCHORS
    else:
        classes_path = classes_path or model_data_dir() / "classes.txt"
        anchors_path = anchors_path or model_data_dir() / "anchors.txt"
        for shipped in (classes_path, anchors_path):
            if Path(shipped).parent == model_data_dir():
                files.verify(shipped)
    class_names = read_classes(classes_path)
    anchors = read_anchors(anchors_path)
    inputs = keras.Input(shape=(*MODEL_IMAGE_SIZE, 3))
    build = yolo_body if kind == "original" else small_yolo_body
    model = build(inputs, len(anchors), len(class_names))
    if str(path).endswith(".weights.h5"):
        model.load_weights(path)
    else:
        _load_legacy_h5(model, path)
    return model, class_names, anchors


def _load_legacy_h5(model, path):
    """Load a Keras-2 ``.h5`` (the original port) into ``model``: by layer name when every name
    matches (``conv2d_k``, ``batch_normalization_k``), else layer by layer in file order."""
    import h5py

    def _s(v):
        return v.decode() if isinstance(v, bytes) else v

    with h5py.File(path, "r") as f:
        group = f["model_weights"] if "model_weights" in f else f
        stored = {}
        order = []
        for n in (_s(v) for v in group.attrs["layer_names"]):
            g = group[n]
            wn = [_s(w) for w in g.attrs["weight_names"]]
            if wn:
                stored[n] = [np.asarray(g[w]) for w in wn]
                order.append(n)
    layers = [layer for layer in model.layers if layer.weights]
    if all(layer.name in stored for layer in layers):
        pairs = [(layer, stored[layer.name]) for layer in layers]
    else:
        if len(layers) != len(order):
            raise ValueError(f"{path}: {len(order)} layers with weights, the model built in code has {len(layers)}")
        pairs = [(layer, stored[n]) for layer, n in zip(layers, order)]
    for layer, w in pairs:
        layer.set_weights(w)


# ============================================================================ evaluation
def average_precision(recall, precision):
    """Area under the precision-recall curve, all points interpolated (PASCAL VOC 2010+)."""
    r = np.concatenate([[0.0], recall, [1.0]])
    p = np.concatenate([[0.0], precision, [0.0]])
    p = np.maximum.accumulate(p[::-1])[::-1]
    idx = np.nonzero(r[1:] != r[:-1])[0]
    return float(np.sum((r[idx + 1] - r[idx]) * p[idx + 1]))


def mean_average_precision(detections, ground_truth, num_classes, iou, iou_threshold=0.5):
    """mAP over the classes present in the ground truth (PASCAL VOC style, all points).

    ``detections``: per image ``(scores (K,), boxes (K, 4) [top, left, bottom, right], classes (K,))``;
    ``ground_truth``: per image ``(n, 5)`` rows ``class, x_min, y_min, x_max, y_max``;
    ``iou(box1, box2)``: IoU of two ``(x1, y1, x2, y2)`` boxes (the notebook passes its own).
    Returns ``(mAP, {class: AP})``.  Detections of a class are taken by decreasing score;
    each is a true positive when its best IoU with a not yet matched ground-truth box of
    its class is >= ``iou_threshold``.
    """
    aps = {}
    for c in range(num_classes):
        records = []
        n_gt = 0
        for img, ((scores, boxes, classes), gt) in enumerate(zip(detections, ground_truth)):
            g = gt[gt[:, 0] == c][:, 1:5].astype(np.float64)
            n_gt += len(g)
            sel = np.asarray(classes).reshape(-1) == c
            if not np.any(sel):
                continue
            b = np.asarray(boxes, dtype=np.float64).reshape(-1, 4)[sel][:, [1, 0, 3, 2]]  # -> x1 y1 x2 y2
            for s, bb in zip(np.asarray(scores).reshape(-1)[sel], b):
                records.append((float(s), img, bb))
        if n_gt == 0:
            continue
        records.sort(key=lambda r: -r[0])
        matched = {}
        tp = np.zeros(len(records))
        for k, (_, img, bb) in enumerate(records):
            gt = ground_truth[img]
            g = gt[gt[:, 0] == c][:, 1:5].astype(np.float64)
            if len(g) == 0:
                continue
            ious = np.array([iou(tuple(float(v) for v in bb), tuple(float(v) for v in gg)) for gg in g])
            used = matched.setdefault(img, np.zeros(len(g), dtype=bool))
            ious[used] = -1
            j = int(np.argmax(ious))
            if ious[j] >= iou_threshold:
                used[j] = True
                tp[k] = 1
        ctp = np.cumsum(tp)
        recall = ctp / n_gt
        precision = ctp / np.arange(1, len(records) + 1)
        aps[c] = average_precision(recall, precision) if len(records) else 0.0
    return (float(np.mean(list(aps.values()))) if aps else 0.0), aps


def detect(model, images, anchors, num_classes, yolo_eval, image_shape=(720, 1280), max_boxes=20,
           score_threshold=0.1, iou_threshold=0.5, batch_size=8):
    """Run ``model`` on preprocessed images ``(n, 608, 608, 3)`` and post-process each with ``yolo_eval``."""
    out = []
    for i in range(0, len(images), batch_size):
        feats = model(images[i:i + batch_size], training=False)
        for k in range(int(feats.shape[0])):
            outputs = yolo_head(feats[k:k + 1], anchors, num_classes)
            s, b, c = yolo_eval(outputs, image_shape, max_boxes, score_threshold, iou_threshold)
            out.append((np.asarray(s), np.asarray(b), np.asarray(c)))
    return out


def evaluate_map(yolo_eval: Callable, iou: Callable, model=None, anchors=None, class_names=None, n_images=120,
                 split="test", max_boxes=20, score_threshold=0.1, iou_threshold=0.5, progress=False):
    """mAP@0.5 of the detector on ``n_images`` held-out synthetic scenes through ``yolo_eval``.

    ``iou`` matches detections with the ground truth (the notebook passes its own ``iou``).

    Each scene is drawn at 1280x720, resized to 608x608 with BICUBIC exactly as
    ``preprocess_image`` does, run through ``model`` and ``yolo_head``, and post-processed
    by the given ``yolo_eval(outputs, (720, 1280), max_boxes, score_threshold,
    iou_threshold)``.  Returns ``(mAP, {class name: AP})``.
    """
    from cnnkit import roads

    if model is None:
        model, class_names, anchors = load_yolo_model(verbose=False)
    X, gts = roads.generate_scenes(split, n_images, size=(MODEL_IMAGE_SIZE[1], MODEL_IMAGE_SIZE[0]),
                                   progress=progress)
    images = X.astype(np.float32) / 255.0
    dets = detect(model, images, anchors, len(class_names), yolo_eval, (roads.IMAGE_HEIGHT, roads.IMAGE_WIDTH),
                  max_boxes, score_threshold, iou_threshold)
    m, aps = mean_average_precision(dets, gts, len(class_names), iou)
    return m, {class_names[c]: ap for c, ap in aps.items()}


# ============================================================================ figures
def _plt():
    import matplotlib.pyplot as plt

    return plt


def show_grid_and_anchors(image, anchors, boxes=None, grid=(19, 19), model_image_size=MODEL_IMAGE_SIZE,
                          class_names=None, highlight=None):
    """The image as the network sees it (608x608), its grid, one object and the anchors of its cell.

    ``boxes`` are ground-truth rows ``class, x_min, y_min, x_max, y_max`` in pixels of
    ``image``; the largest one is highlighted (or row ``highlight``): its centre picks the
    cell, and the anchors are drawn centred on that cell, in grid-cell units.
    """
    import matplotlib.patches as patches

    plt = _plt()
    H, W = model_image_size
    sx, sy = W / image.size[0], H / image.size[1]
    resized = np.asarray(image.convert("RGB").resize((W, H), Image.BICUBIC))
    fig, axes = plt.subplots(1, 2, figsize=(12, 6.2))
    cell_w, cell_h = W / grid[1], H / grid[0]
    obj = None
    if boxes is not None and len(boxes):
        boxes = np.asarray(boxes, dtype=float)
        k = int(np.argmax((boxes[:, 3] - boxes[:, 1]) * (boxes[:, 4] - boxes[:, 2]))) if highlight is None else highlight
        obj = boxes[k]
    for ax in axes:
        ax.imshow(resized)
        for i in range(1, grid[0]):
            ax.axhline(i * cell_h, color="white", lw=0.5, alpha=0.7)
        for j in range(1, grid[1]):
            ax.axvline(j * cell_w, color="white", lw=0.5, alpha=0.7)
        ax.set_xlim(0, W)
        ax.set_ylim(H, 0)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[0].set_title(f"input {W}x{H}, grid {grid[0]}x{grid[1]} (one cell = {cell_w:.0f}x{cell_h:.0f} px)")
    if obj is not None:
        c, x1, y1, x2, y2 = obj
        x1, x2, y1, y2 = x1 * sx, x2 * sx, y1 * sy, y2 * sy
        cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
        row, col = int(cy // cell_h), int(cx // cell_w)
        name = class_names[int(c)] if class_names else f"class {int(c)}"
        for ax in axes:
            ax.add_patch(patches.Rectangle((x1, y1), x2 - x1, y2 - y1, fill=False, ec="#ffd43b", lw=2.5))
            ax.add_patch(patches.Rectangle((col * cell_w, row * cell_h), cell_w, cell_h, fc="#ff6b6b", alpha=0.6))
            ax.plot([cx], [cy], "o", color="#ff6b6b", ms=6, mec="black")
        colors = get_colors_for_classes(len(anchors))
        ccx, ccy = (col + 0.5) * cell_w, (row + 0.5) * cell_h
        for a, (aw, ah) in enumerate(np.asarray(anchors)):
            w, h = aw * cell_w, ah * cell_h
            axes[1].add_patch(patches.Rectangle((ccx - w / 2, ccy - h / 2), w, h, fill=False,
                                                ec=np.array(colors[a]) / 255, lw=2, ls="--"))
        axes[0].set_title(f"the {name}'s centre falls in cell (row {row}, column {col})")
        axes[1].set_title(f"the {len(anchors)} anchor boxes of that cell (dashed)")
    fig.tight_layout()
    return fig


def show_iou_cases(cases, iou=None):
    """Panels of box pairs ``((x1, y1, x2, y2), (x1, y1, x2, y2), title)``; with ``iou``, its value."""
    import matplotlib.patches as patches

    plt = _plt()
    fig, axes = plt.subplots(1, len(cases), figsize=(3.2 * len(cases), 3.4))
    for ax, (b1, b2, title) in zip(np.atleast_1d(axes), cases):
        for b, col in ((b1, "#1c7ed6"), (b2, "#e8590c")):
            ax.add_patch(patches.Rectangle((b[0], b[1]), b[2] - b[0], b[3] - b[1], fc=col, alpha=0.35, ec=col, lw=2))
        xs = [b1[0], b1[2], b2[0], b2[2]]
        ys = [b1[1], b1[3], b2[1], b2[3]]
        ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
        ax.set_ylim(max(ys) + 0.5, min(ys) - 0.5)   # y grows downwards, as in an image
        ax.set_aspect("equal")
        ax.grid(True, lw=0.3)
        text = title if iou is None else f"{title}\nIoU = {float(np.asarray(iou(b1, b2))):.3f}"
        ax.set_title(text, fontsize=10)
    fig.tight_layout()
    return fig


def show_detections(panels, figsize=None):
    """Side-by-side PIL images ``[(image, title), ...]`` (e.g. before and after NMS)."""
    plt = _plt()
    fig, axes = plt.subplots(1, len(panels), figsize=figsize or (7.5 * len(panels), 4.6))
    for ax, (img, title) in zip(np.atleast_1d(axes), panels):
        ax.imshow(np.asarray(img))
        ax.set_title(title)
        ax.axis("off")
    fig.tight_layout()
    return fig


def drawn(image, boxes, classes, class_names, scores=None):
    """A copy of ``image`` with ``draw_boxes`` applied, without the printed lines."""
    import contextlib
    import io

    img = image.copy()
    with contextlib.redirect_stdout(io.StringIO()):
        draw_boxes(img, np.asarray(boxes), np.asarray(classes), class_names,
                   None if scores is None else np.asarray(scores))
    return img


def read_annotations(image_file, path=None):
    """Ground-truth rows ``(n, 5)``: ``class_id, x_min, y_min, x_max, y_max`` of a showcase image."""
    import csv

    path = Path(path) if path else showcase_dir() / "annotations.csv"
    with open(path, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["image"] == image_file]
    return np.array([[float(r[k]) for k in ("class_id", "x_min", "y_min", "x_max", "y_max")] for r in rows],
                    dtype=np.float32).reshape(-1, 5)
