"""Independent references for the YOLO assignment (w3a1), instructor only.

Written differently from the notebook's solutions on purpose: the filter selects with
``np.nonzero`` in NumPy, IoU is computed from interval overlaps in pure Python, and NMS is
``tf.image.non_max_suppression`` plus a gather (the spec's definition); a pure-Python
greedy NMS serves as a second opinion in the unit tests.
"""
from __future__ import annotations

import numpy as np

from cnnkit.setup import quiet_tensorflow
from cnnkit.testing import as_numpy
from cnnkit.yolo import scale_boxes, yolo_boxes_to_corners

_np = as_numpy


def filter_boxes(boxes, box_confidence, box_class_probs, threshold=0.6):
    """``(scores (N,), boxes (N, 4), classes (N,) int64)`` as NumPy arrays, row-major order."""
    boxes = _np(boxes).astype(np.float32)
    conf = _np(box_confidence).astype(np.float32)
    probs = _np(box_class_probs).astype(np.float32)
    scores = conf * probs
    best = scores.argmax(axis=-1)
    best_score = np.take_along_axis(scores, best[..., None], axis=-1)[..., 0]
    keep = np.nonzero((best_score >= np.float32(threshold)).reshape(-1))[0]
    return (best_score.reshape(-1)[keep], boxes.reshape(-1, 4)[keep],
            best.reshape(-1)[keep].astype(np.int64))


def _overlap(a0, a1, b0, b1):
    return max(0.0, min(a1, b1) - max(a0, b0))


def iou(box1, box2):
    """IoU of two ``(x1, y1, x2, y2)`` boxes: interval overlaps in x and y."""
    ax1, ay1, ax2, ay2 = (float(v) for v in box1)
    bx1, by1, bx2, by2 = (float(v) for v in box2)
    inter = _overlap(ax1, ax2, bx1, bx2) * _overlap(ay1, ay2, by1, by2)
    union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter
    return inter / union


def non_max_suppression(scores, boxes, classes, max_boxes=10, iou_threshold=0.5):
    """Class-agnostic NMS: ``tf.image.non_max_suppression`` then gather."""
    tf = quiet_tensorflow()
    scores = tf.convert_to_tensor(scores)
    boxes = tf.convert_to_tensor(boxes)
    idx = tf.image.non_max_suppression(tf.cast(boxes, tf.float32), tf.cast(scores, tf.float32),
                                       int(max_boxes), iou_threshold=float(iou_threshold))
    return tf.gather(scores, idx), tf.gather(boxes, idx), tf.gather(tf.convert_to_tensor(classes), idx)


def greedy_nms_indices(scores, boxes, max_boxes, iou_threshold):
    """Pure-Python greedy NMS on ``[y1, x1, y2, x2]`` boxes (suppress when IoU > threshold)."""
    scores, boxes = _np(scores), _np(boxes)
    order = sorted(range(len(scores)), key=lambda i: (-float(scores[i]), i))
    kept = []
    for i in order:
        if len(kept) >= max_boxes:
            break
        y1, x1, y2, x2 = boxes[i]
        ok = True
        for j in kept:
            b1, a1, b2, a2 = boxes[j]
            if iou((min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)),
                   (min(a1, a2), min(b1, b2), max(a1, a2), max(b1, b2))) > iou_threshold:
                ok = False
                break
        if ok:
            kept.append(i)
    return kept


def yolo_eval(yolo_outputs, image_shape=(720, 1280), max_boxes=10, score_threshold=0.6, iou_threshold=0.5):
    """The whole pipeline with the references above (corners, filter, scale, NMS)."""
    tf = quiet_tensorflow()
    box_xy, box_wh, box_confidence, box_class_probs = yolo_outputs
    corners = yolo_boxes_to_corners(box_xy, box_wh)
    scores, boxes, classes = filter_boxes(corners, box_confidence, box_class_probs, score_threshold)
    boxes = scale_boxes(tf.constant(boxes.reshape(-1, 4)), image_shape)
    return non_max_suppression(tf.constant(scores), boxes, tf.constant(classes), max_boxes, iou_threshold)


# Stand-ins with the notebook's signatures, returning tensors: ``check_yolo_eval`` swaps
# them in for the learner's helpers so that a mistake there costs that exercise only.
def yolo_filter_boxes(boxes, box_confidence, box_class_probs, threshold=.6):
    tf = quiet_tensorflow()
    scores, kept, classes = filter_boxes(boxes, box_confidence, box_class_probs, threshold)
    return tf.constant(scores, tf.float32), tf.constant(kept.reshape(-1, 4), tf.float32), tf.constant(classes, tf.int64)


def yolo_non_max_suppression(scores, boxes, classes, max_boxes=10, iou_threshold=0.5):
    return non_max_suppression(scores, boxes, classes, max_boxes, iou_threshold)


def probes():
    """Arguments on which no student-facing helper may give these references' answers (``grading.leaks``)."""
    from grading.leaks import Probe

    tf = quiet_tensorflow()
    rng = np.random.default_rng(3131)
    boxes = tf.constant(rng.uniform(size=(4, 4, 3, 4)), tf.float32)
    conf = tf.constant(rng.uniform(size=(4, 4, 3, 1)), tf.float32)
    probs = tf.constant(rng.dirichlet(np.ones(5), size=(4, 4, 3)), tf.float32)
    corners = rng.uniform(0, 100, size=(12, 2))
    nms_boxes = tf.constant(np.concatenate([corners, corners + rng.uniform(5, 40, size=(12, 2))], 1), tf.float32)
    nms_scores = tf.constant(rng.uniform(size=12), tf.float32)
    nms_classes = tf.constant(rng.integers(0, 5, size=12), tf.int64)
    outputs = (tf.constant(rng.uniform(size=(4, 4, 3, 2)), tf.float32),
               tf.constant(rng.uniform(0.05, 0.4, size=(4, 4, 3, 2)), tf.float32), conf, probs)
    return [
        Probe("yolo_filter_boxes", yolo_filter_boxes, (boxes, conf, probs), {"threshold": 0.3}),
        Probe("iou", iou, ((2.0, 1.0, 4.0, 3.0), (1.0, 2.0, 3.0, 4.0))),
        Probe("yolo_non_max_suppression", yolo_non_max_suppression, (nms_scores, nms_boxes, nms_classes)),
        Probe("yolo_eval", yolo_eval, (outputs,), {"score_threshold": 0.3}),
    ]
