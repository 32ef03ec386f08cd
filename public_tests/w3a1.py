"""Public checks for "Car detection with YOLO" (w3a1).

Run them from the notebook, right after each exercise::

    from public_tests.w3a1 import yolo_filter_boxes_test
    yolo_filter_boxes_test(yolo_filter_boxes)

Each check prints ``All tests passed.`` or raises an ``AssertionError`` that says what is
probably wrong.  They test the contract (shapes, dtypes, argument order) and properties
any correct implementation has, on small hand-made inputs whose answers can be worked out
by hand.  Passing them does not prove a function right: the graded tests use more cases.

Box formats: ``iou`` takes ``(x1, y1, x2, y2)``; the tensors of the pipeline hold
``[y1, x1, y2, x2]`` (fractions of the image, then pixels after ``scale_boxes``).
"""
from __future__ import annotations

import numpy as np

from cnnkit.setup import quiet_tensorflow
from cnnkit.testing import as_numpy, quiet
from public_tests._common import _check, _passed, depends_on

_np = as_numpy


def _triple(out, name: str):
    _check(isinstance(out, (tuple, list)) and len(out) == 3,
           f"{name} should return three values (scores, boxes, classes), got {type(out).__name__}")
    return tuple(_np(o) for o in out)


# ----------------------------------------------------------------------------- exercise 1
def yolo_filter_boxes_test(yolo_filter_boxes):
    """A 2x2 grid with 2 anchors and 3 classes, worked out by hand; threshold inclusive; int64."""
    tf = quiet_tensorflow()
    with quiet():
        boxes = tf.reshape(tf.range(2 * 2 * 2 * 4, dtype=tf.float32) / 32.0, (2, 2, 2, 4))
        conf = tf.constant([[[[1.0], [0.5]], [[0.9], [0.2]]], [[[0.8], [1.0]], [[0.0], [0.6]]]])
        probs = tf.constant([[[[0.1, 0.7, 0.2], [0.2, 0.2, 0.6]], [[0.6, 0.3, 0.1], [0.1, 0.1, 0.8]]],
                             [[[0.25, 0.25, 0.5], [0.5, 0.25, 0.25]], [[0.0, 0.0, 1.0], [0.0, 1.0, 0.0]]]])
        # scores (confidence x probability) of the best class, per box in row-major order:
        #   0.7 (class 1), 0.3 (2), 0.54 (0), 0.16 (2), 0.4 (2), 0.5 (0), 0.0, 0.6 (1)
        scores, kept, classes = _triple(yolo_filter_boxes(boxes, conf, probs, threshold=0.5), "yolo_filter_boxes")
    _check(scores.shape == (4,) and kept.shape == (4, 4) and classes.shape == (4,),
           f"with threshold=0.5, four boxes should be kept (scores 0.7, 0.54, 0.5, 0.6); got shapes {scores.shape}, "
           f"{kept.shape}, {classes.shape}. A box's score is box_confidence * box_class_probs for its best class, "
           "and a score equal to the threshold is kept (>=)")
    _check(np.allclose(scores, [0.7, 0.54, 0.5, 0.6], atol=1e-6),
           f"scores should be [0.7, 0.54, 0.5, 0.6] (confidence x best probability, in row-major order); got {scores}")
    _check(classes.dtype == np.int64, f"classes should be int64 (what tf.math.argmax returns), got {classes.dtype}")
    _check(np.array_equal(classes, [1, 0, 0, 1]), f"classes should be [1, 0, 0, 1] (argmax over the last axis); "
           f"got {classes}")
    flat = _np(boxes).reshape(-1, 4)
    _check(np.allclose(kept, flat[[0, 2, 5, 7]]), "boxes should be the corners of the kept boxes, selected with the "
           "same mask as the scores")
    with quiet():
        empty = _triple(yolo_filter_boxes(boxes, conf, probs, threshold=0.95), "yolo_filter_boxes")
    _check(empty[0].shape == (0,) and empty[1].shape == (0, 4),
           f"with no score above the threshold, expected shapes (0,) and (0, 4); got {empty[0].shape}, {empty[1].shape}")
    _passed()


# ----------------------------------------------------------------------------- exercise 2
def iou_test(iou):
    """Overlap, no overlap, overlap along one axis only, touching, containment, identical."""
    cases = (
        ((2, 1, 4, 3), (1, 2, 3, 4), 1 / 7, "two 2x2 squares sharing a 1x1 corner"),
        ((1, 2, 3, 4), (2, 1, 4, 3), 1 / 7, "the same boxes, arguments swapped"),
        ((1, 1, 2, 2), (3, 1, 4, 2), 0.0, "boxes side by side, not touching"),
        ((1, 1, 2, 2), (3, 3, 5, 5), 0.0, "boxes apart in both x and y"),
        ((0, 0, 6, 2), (1, 3, 5, 7), 0.0, "boxes that overlap in x but not in y"),
        ((0, 0, 2, 6), (3, 1, 7, 5), 0.0, "boxes that overlap in y but not in x"),
        ((1, 2, 3, 4), (1, 4, 3, 6), 0.0, "boxes touching along an edge"),
        ((0, 0, 4, 4), (1, 1, 3, 3), 0.25, "a 2x2 box inside a 4x4 box"),
        ((0.5, 0.5, 2.5, 1.5), (0.5, 0.5, 2.5, 1.5), 1.0, "identical boxes"),
    )
    with quiet():
        for box1, box2, expected, name in cases:
            out = iou(box1, box2)
            value = float(_np(out))
            hint = ""
            if expected == 0 and value < 0:
                hint = (" A negative IoU means an overlap was not clamped: use max(xi2 - xi1, 0) and "
                        "max(yi2 - yi1, 0), both of them")
            elif expected == 0 and value > 0:
                hint = " Clamp the intersection width and the height separately, before multiplying"
            _check(abs(value - expected) < 1e-7, f"iou{box1, box2} ({name}) should be {expected:.6g}, got {value:.6g}."
                   + hint)
    _passed()


# ----------------------------------------------------------------------------- exercise 3
def yolo_non_max_suppression_test(yolo_non_max_suppression):
    """Duplicates removed across classes, max_boxes and iou_threshold honoured, dtypes kept."""
    tf = quiet_tensorflow()
    scores = tf.constant([0.6, 0.9, 0.75, 0.8, 0.3], tf.float32)
    boxes = tf.constant([[0.10, 0.10, 0.50, 0.50],    # A
                         [0.12, 0.10, 0.52, 0.50],    # B: almost A (IoU 0.9)
                         [0.60, 0.60, 0.90, 0.90],    # C: alone
                         [0.10, 0.30, 0.50, 0.70],    # D: overlaps A and B with IoU 1/3 and 0.29
                         [0.61, 0.61, 0.90, 0.90]],   # E: almost C
                        tf.float32)
    classes = tf.constant([0, 1, 2, 0, 2], tf.int64)
    with quiet():
        s, b, c = _triple(yolo_non_max_suppression(scores, boxes, classes), "yolo_non_max_suppression")
    _check(s.shape == (3,) and b.shape == (3, 4) and c.shape == (3,),
           f"with the defaults, 3 of the 5 boxes should be kept (B, D, C: A is removed by B even though their classes "
           f"differ, E by C); got shapes {s.shape}, {b.shape}, {c.shape}. NMS here is class-agnostic: call "
           "tf.image.non_max_suppression once on all the boxes, with max_boxes and iou_threshold")
    _check(s.dtype == np.float32 and c.dtype == np.int64, f"dtypes should stay float32 and int64, got {s.dtype}, {c.dtype}")
    _check(np.allclose(s, [0.9, 0.8, 0.75]),
           f"with the defaults, the kept scores should be [0.9, 0.8, 0.75] (highest first): A is removed by B even "
           f"though their classes differ, E by C; got {np.round(s, 3).tolist()}")
    _check(np.array_equal(c, [1, 0, 2]) and np.allclose(b[0], _np(boxes)[1]),
           "classes and boxes must be gathered with the same indices as the scores")
    with quiet():
        s2, _, _ = _triple(yolo_non_max_suppression(scores, boxes, classes, max_boxes=2), "yolo_non_max_suppression")
        s3, _, _ = _triple(yolo_non_max_suppression(scores, boxes, classes, 10, 0.25), "yolo_non_max_suppression")
    _check(s2.shape == (2,) and np.allclose(s2, [0.9, 0.8]), f"with max_boxes=2, expected scores [0.9, 0.8]; got {np.round(s2, 3).tolist()}. "
           "Pass max_boxes on to tf.image.non_max_suppression")
    _check(s3.shape == (2,) and np.allclose(s3, [0.9, 0.75]), f"with iou_threshold=0.25, D overlaps B too much: expected scores [0.9, 0.75]; "
           f"got {np.round(s3, 3).tolist()}. Pass iou_threshold on to tf.image.non_max_suppression")
    _passed()


# ----------------------------------------------------------------------------- exercise 4
@depends_on(yolo_filter_boxes=yolo_filter_boxes_test, yolo_non_max_suppression=yolo_non_max_suppression_test)
def yolo_eval_test(yolo_eval):
    """Hand-made yolo_outputs: two confident boxes and a duplicate; pixels; arguments passed on."""
    tf = quiet_tensorflow()
    xy = np.zeros((1, 2, 2, 1, 2), np.float32)
    wh = np.full((1, 2, 2, 1, 2), 0.1, np.float32)
    conf = np.zeros((1, 2, 2, 1, 1), np.float32)
    probs = np.full((1, 2, 2, 1, 3), 1 / 3, np.float32)
    # cell (0, 0): a car-like box centred at x=0.25, y=0.5, 0.2 wide and 0.4 high, score 0.9 (class 2)
    xy[0, 0, 0, 0], wh[0, 0, 0, 0], conf[0, 0, 0, 0], probs[0, 0, 0, 0] = (0.25, 0.5), (0.2, 0.4), 1.0, (0.05, 0.05, 0.9)
    # cell (0, 1): almost the same box, score 0.8 (class 0): a duplicate
    xy[0, 0, 1, 0], wh[0, 0, 1, 0], conf[0, 0, 1, 0], probs[0, 0, 1, 0] = (0.26, 0.5), (0.2, 0.4), 0.8, (1.0, 0.0, 0.0)
    # cell (1, 1): another box, score 0.7 (class 1)
    xy[0, 1, 1, 0], wh[0, 1, 1, 0], conf[0, 1, 1, 0], probs[0, 1, 1, 0] = (0.75, 0.25), (0.1, 0.2), 0.875, (0.2, 0.8, 0.0)
    outputs = tuple(tf.constant(a) for a in (xy, wh, conf, probs))
    with quiet():
        s, b, c = _triple(yolo_eval(outputs, (100, 200), 10, 0.5, 0.5), "yolo_eval")
    _check(b.shape == (2, 4), f"expected 2 boxes (the duplicate removed by NMS), got boxes of shape {b.shape}")
    _check(np.allclose(s, [0.9, 0.7], atol=1e-6), f"scores should be [0.9, 0.7], got {np.round(s, 4).tolist()}")
    _check(np.array_equal(c, [2, 1]), f"classes should be [2, 1], got {c.tolist()}")
    expected = np.array([[30.0, 30.0, 70.0, 70.0], [15.0, 140.0, 35.0, 160.0]])
    if np.allclose(b, expected / np.array([100, 200, 100, 200])):
        raise AssertionError("boxes are still fractions of the image: scale them with scale_boxes(boxes, image_shape)")
    _check(np.allclose(b, expected, atol=1e-3),
           f"boxes should be [top, left, bottom, right] in pixels {expected.tolist()}, got {np.round(b, 2).tolist()}. "
           "Use yolo_boxes_to_corners, then scale_boxes(boxes, image_shape) with image_shape = (height, width)")
    with quiet():
        s1, _, _ = _triple(yolo_eval(outputs, (100, 200), 1, 0.5, 0.5), "yolo_eval")
        s2, _, _ = _triple(yolo_eval(outputs, (100, 200), 10, 0.75, 0.5), "yolo_eval")
        s3, _, _ = _triple(yolo_eval(outputs, (100, 200), 10, 0.5, 0.95), "yolo_eval")
    _check(len(s1) == 1, f"with max_boxes=1 expected 1 box, got {len(s1)}: pass max_boxes to yolo_non_max_suppression")
    _check(len(s2) == 1,
           f"with score_threshold=0.75 expected 1 box (0.9; the duplicate 0.8 is removed by NMS), got {len(s2)}: pass "
           "score_threshold to yolo_filter_boxes")
    _check(len(s3) == 3, f"with iou_threshold=0.95 the duplicate survives: expected 3 boxes, got {len(s3)}: pass "
           "iou_threshold to yolo_non_max_suppression")
    _passed()
