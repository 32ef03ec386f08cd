"""Hidden-test logic for ``w3a1_yolo`` (instructor only).

One entry point per graded function, called from the notebook's HIDDEN TESTS regions::

    from grading.w3a1 import check_yolo_eval
    check_yolo_eval(yolo_eval)

Expected values come from ``grading.w3a1.reference``: a NumPy filter, an IoU written from
interval overlaps, and ``tf.image.non_max_suppression`` plus gather.  Inputs are random
but proper (sigmoid confidences, softmax probabilities, boxes with positive size) and
drawn from ``np.random.default_rng((SEED, exercise))``; hand-made cases cover the corner
cases of spec §6: scores exactly at the threshold, no box above it, boxes that overlap in
one axis only, touching and zero-area boxes, ``max_boxes`` binding and not, class-agnostic
suppression, non-default arguments passed by position and by keyword, with and without a
batch axis.  ``yolo_eval`` runs with the learner's ``yolo_filter_boxes`` and
``yolo_non_max_suppression`` swapped for the references (``isolated_globals``).
"""
from __future__ import annotations


import numpy as np

from cnnkit.setup import quiet_tensorflow
from cnnkit.testing import as_numpy
from cnnkit.yolo import scale_boxes, yolo_boxes_to_corners, yolo_head
from grading.common import (
    GradingError,
    call_checked,
    expect,
    hidden_test,
    isolated_globals,
)
from grading.w3a1 import reference as ref

SEED = 5301
GRADED = ("yolo_filter_boxes", "iou", "yolo_non_max_suppression", "yolo_eval")


def _rng(exercise: int) -> np.random.Generator:
    return np.random.default_rng((SEED, exercise))


_np = as_numpy


_bind = call_checked


def _triple(out, what: str):
    expect(isinstance(out, (tuple, list)) and len(out) == 3,
           f"{what} should return a tuple of 3 items (scores, boxes, classes), got {type(out).__name__}"
           + (f" of length {len(out)}" if isinstance(out, (tuple, list)) else ""))
    return tuple(_np(o) for o in out)


def _compare_triple(got, expected, what: str, *, atol=1e-5, diagnoses=()):
    """Compare ``(scores, boxes, classes)`` with the reference, explaining the first difference."""
    scores, boxes, classes = got
    e_scores, e_boxes, e_classes = (_np(v) for v in expected)
    expect(boxes.ndim == 2 and boxes.shape[-1] == 4 or boxes.size == 0 and boxes.shape[-1:] == (4,),
           f"{what}: boxes should have shape (N, 4), got {boxes.shape}")
    if scores.shape != e_scores.shape or boxes.shape != e_boxes.shape or classes.shape != e_classes.shape:
        for message, matches in diagnoses:
            if matches(got):
                raise GradingError(f"{what}: {message}")
        raise GradingError(f"{what}: expected {e_scores.shape[0]} boxes, got scores {scores.shape}, "
                           f"boxes {boxes.shape}, classes {classes.shape}")
    ok = (np.allclose(scores, e_scores, rtol=1e-5, atol=atol * 1e-2) and np.allclose(boxes, e_boxes, rtol=1e-5, atol=atol)
          and np.array_equal(classes.astype(np.int64), e_classes.astype(np.int64)))
    if not ok:
        for message, matches in diagnoses:
            if matches(got):
                raise GradingError(f"{what}: {message}")
        for name, a, b in (("scores", scores, e_scores), ("boxes", boxes, e_boxes), ("classes", classes, e_classes)):
            if not np.allclose(a.astype(np.float64), b.astype(np.float64), rtol=1e-5, atol=atol):
                idx = tuple(int(i) for i in np.argwhere(~np.isclose(a.astype(np.float64), b.astype(np.float64),
                                                                     rtol=1e-5, atol=atol))[0])
                raise GradingError(f"{what}: {name} differ from the expected ones, for example at index {idx}: "
                                   f"got {a[idx]}, expected {b[idx]}")


# =============================================================================== inputs
def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _filter_inputs(rng, lead: tuple, C: int, sharp=2.5):
    """Proper inputs: boxes (lead, 4), sigmoid confidences (lead, 1), softmax probabilities (lead, C)."""
    tf = quiet_tensorflow()
    boxes = rng.uniform(0, 1, lead + (4,)).astype(np.float32)
    conf = _sigmoid(rng.normal(0.5, 2.0, lead + (1,))).astype(np.float32)
    probs = _softmax(rng.normal(0, sharp, lead + (C,))).astype(np.float32)
    return tf.constant(boxes), tf.constant(conf), tf.constant(probs)


def _random_boxes(rng, n, spread=1.0):
    """``n`` boxes ``[y1, x1, y2, x2]`` clustered so that some overlap."""
    centres = rng.uniform(0.1, 0.9, (max(1, n // 3), 2))
    c = centres[rng.integers(len(centres), size=n)] + rng.normal(0, 0.05 * spread, (n, 2))
    hw = rng.uniform(0.05, 0.3, (n, 2))
    return np.concatenate([c - hw / 2, c + hw / 2], axis=1).astype(np.float32)


# =============================================================================== ex. 1
@hidden_test
def check_yolo_filter_boxes(yolo_filter_boxes):
    """Exercise 1: scores, best class, inclusive threshold, int64 classes, any shape."""
    tf = quiet_tensorflow()
    rng = _rng(1)
    cases = (((19, 19, 5), 80, None), ((1, 7, 9, 3), 8, 0.35), ((6, 4), 3, 0.2), ((2, 3, 5, 2), 11, 0.5),
             ((40,), 1, 0.45))
    for k, (lead, C, threshold) in enumerate(cases):
        boxes, conf, probs = _filter_inputs(rng, lead, C)
        what = (f"yolo_filter_boxes on boxes of shape {tuple(boxes.shape)} with {C} classes, "
                + ("the default threshold" if threshold is None else f"threshold={threshold}"))
        if threshold is None:
            out = _bind(yolo_filter_boxes, boxes, conf, probs)
            threshold = 0.6
        elif k % 2:
            out = _bind(yolo_filter_boxes, boxes, conf, probs, threshold)
        else:
            out = _bind(yolo_filter_boxes, boxes=boxes, box_confidence=conf, box_class_probs=probs, threshold=threshold)
        got = _triple(out, "yolo_filter_boxes")
        expected = ref.filter_boxes(boxes, conf, probs, threshold)
        expect(got[2].dtype == np.int64, f"{what}: classes have dtype {got[2].dtype}; expected int64 "
               "(the dtype tf.argmax / tf.math.argmax returns; do not cast it)")
        conf_np = _np(conf)
        conf_only = ref.filter_boxes(boxes, conf_np, np.ones_like(_np(probs)), threshold)
        _compare_triple(got, expected, what, diagnoses=(
            ("the scores are the box confidences alone; a box's score for class c is box_confidence * "
             "box_class_probs[..., c] (multiply, then take the max over classes)",
             lambda g: g[0].shape == conf_only[0].shape and np.allclose(g[0], conf_only[0])),
            ("the number of kept boxes is wrong: keep the boxes whose best class score is >= threshold; take "
             "max/argmax over the last axis (classes) and apply one mask to scores, boxes and classes",
             lambda g: True),
        ))
    # scores exactly at the threshold (exactly representable values) must be kept
    boxes = tf.constant(rng.uniform(0, 1, (2, 3, 4)).astype(np.float32))
    conf = tf.constant(np.array([[[1.0], [0.5], [1.0]], [[0.25], [1.0], [0.5]]], np.float32))
    probs = tf.constant(np.array([[[0.75, 0.25], [0.5, 0.5], [0.125, 0.875]],
                                  [[0.5, 0.5], [0.25, 0.75], [1.0, 0.0]]], np.float32))
    got = _triple(_bind(yolo_filter_boxes, boxes, conf, probs, threshold=0.75), "yolo_filter_boxes")
    expected = ref.filter_boxes(boxes, conf, probs, 0.75)
    _compare_triple(got, expected, "yolo_filter_boxes with box scores exactly equal to threshold=0.75", diagnoses=(
        ("boxes whose score equals the threshold were dropped: keep scores >= threshold (inclusive)",
         lambda g: len(g[0]) < len(expected[0])),))
    # nothing above the threshold -> three empty results with the right trailing shape
    boxes, conf, probs = _filter_inputs(rng, (5, 5, 3), 4)
    got = _triple(_bind(yolo_filter_boxes, boxes, conf, probs, threshold=1.01), "yolo_filter_boxes")
    expect(got[0].shape == (0,) and got[1].shape == (0, 4) and got[2].shape == (0,),
           f"yolo_filter_boxes with no score above the threshold should return shapes (0,), (0, 4), (0,); got "
           f"{got[0].shape}, {got[1].shape}, {got[2].shape}")


# =============================================================================== ex. 2
IOU_CASES = (
    ((2, 1, 4, 3), (1, 2, 3, 4), "partly overlapping squares"),
    ((1, 2, 3, 4), (2, 1, 4, 3), "the same squares, arguments swapped"),
    ((0, 0, 6, 2), (1, 3, 5, 7), "boxes that overlap in x but not in y"),
    ((0, 0, 2, 6), (3, 1, 7, 5), "boxes that overlap in y but not in x"),
    ((1, 1, 2, 2), (3, 3, 5, 5), "disjoint boxes (no overlap in either axis)"),
    ((0, 0, 2, 2), (2, 0, 4, 2), "boxes touching along a vertical edge"),
    ((0, 0, 2, 2), (0, 2, 2, 4), "boxes touching along a horizontal edge"),
    ((0, 0, 2, 2), (2, 2, 3, 3), "boxes touching at a corner"),
    ((0, 0, 10, 8), (2, 3, 5, 4), "one box inside the other"),
    ((1.5, 2.25, 4.0, 6.5), (1.5, 2.25, 4.0, 6.5), "identical boxes"),
    ((0.1, 0.2, 0.7, 0.45), (0.3, 0.05, 0.9, 0.3), "float coordinates"),
    ((10, 20, 110, 60), (50, 10, 80, 200), "boxes of different shapes (wide and tall)"),
    ((3, 3, 3, 7), (0, 0, 6, 6), "a zero-width box"),
    ((0, 0, 4, 1), (1, -2, 3, 5), "a cross: each box sticks out of the other"),
)


@hidden_test
def check_iou(iou):
    """Exercise 2: IoU of corner boxes, both overlaps clamped, floats, symmetry."""
    rng = _rng(2)
    cases = list(IOU_CASES)
    for _ in range(12):
        a = rng.uniform(0, 10, 2)
        b = a + rng.uniform(0.2, 6, 2)
        c = rng.uniform(0, 10, 2)
        d = c + rng.uniform(0.2, 6, 2)
        cases.append((tuple(float(v) for v in (*a, *b)), tuple(float(v) for v in (*c, *d)), "random float boxes"))
    for k, (b1, b2, name) in enumerate(cases):
        args = (list(b1), list(b2)) if k % 3 == 2 else (b1, b2)
        out = _bind(iou, *args) if k % 2 == 0 else _bind(iou, box1=args[0], box2=args[1])
        arr = _np(out)
        expect(arr.shape == () and np.issubdtype(arr.dtype, np.number),
               f"iou{b1, b2} should return a single number, got {type(out).__name__}"
               + (f" of shape {arr.shape}" if arr.shape else ""))
        value, expected = float(arr), ref.iou(b1, b2)
        if abs(value - expected) <= 1e-6 * max(1.0, abs(expected)):
            continue
        ix = min(b1[2], b2[2]) - max(b1[0], b2[0])
        iy = min(b1[3], b2[3]) - max(b1[1], b2[1])
        if expected == 0 and (ix < 0) != (iy < 0):
            raise GradingError(f"iou{b1, b2} ({name}) = {value:.6g}, expected 0. Clamp both the intersection "
                               "width and height at 0: max(xi2 - xi1, 0) * max(yi2 - yi1, 0); a product of two "
                               "negative numbers is positive")
        area1 = (b1[2] - b1[0]) * (b1[3] - b1[1])
        area2 = (b2[2] - b2[0]) * (b2[3] - b2[1])
        inter = max(ix, 0) * max(iy, 0)
        if area1 + area2 > 0 and abs(value - inter / (area1 + area2)) < 1e-9:
            raise GradingError(f"iou{b1, b2} ({name}) = {value:.6g}, expected {expected:.6g}: the union must "
                               "subtract the intersection (area1 + area2 - inter)")
        raise GradingError(f"iou{b1, b2} ({name}) = {value:.6g}, expected {expected:.6g}. Boxes are (x1, y1, x2, y2): "
                           "xi1 = max of the x1s, yi1 = max of the y1s, xi2 = min of the x2s, yi2 = min of the y2s")


# =============================================================================== ex. 3
def _nms_case(rng, n, C=5):
    tf = quiet_tensorflow()
    boxes = _random_boxes(rng, n)
    scores = rng.permutation(np.linspace(0.05, 0.99, n)).astype(np.float32) if n else np.zeros(0, np.float32)
    classes = rng.integers(0, C, n).astype(np.int64)
    return tf.constant(scores), tf.constant(boxes.reshape(-1, 4)), tf.constant(classes)


def _nms_diagnoses(scores, boxes, classes, max_boxes, iou_threshold):
    expected = [_np(v) for v in ref.non_max_suppression(scores, boxes, classes, max_boxes, iou_threshold)]

    def classes_only(g):
        return (g[0].shape == expected[0].shape and np.allclose(g[0], expected[0]) and np.allclose(g[1], expected[1])
                and not np.array_equal(g[2], expected[2]))

    def per_class(g):
        s, b, c = (_np(v) for v in (scores, boxes, classes))
        keep = []
        for cls in np.unique(c):
            idx = np.nonzero(c == cls)[0]
            sel = ref.greedy_nms_indices(s[idx], b[idx], max_boxes, iou_threshold)
            keep += list(idx[sel])
        keep = sorted(keep, key=lambda i: -s[i])[:max_boxes]
        return len(g[0]) == len(keep) and np.allclose(np.sort(g[0]), np.sort(s[keep]))

    def with_defaults(g):
        e = ref.non_max_suppression(scores, boxes, classes, 10, 0.5)
        return len(g[0]) == len(_np(e[0])) and np.allclose(g[0], _np(e[0]))

    return (
        ("scores and boxes are right but the classes are not: gather classes with the same indices as the "
         "scores and boxes", classes_only),
        ("this looks like NMS done separately per class; the notebook's NMS is class-agnostic: call "
         "tf.image.non_max_suppression once on all the boxes", per_class),
        ("the result is what the default max_boxes=10 and iou_threshold=0.5 give: pass the function's own "
         "max_boxes and iou_threshold arguments on to tf.image.non_max_suppression", with_defaults),
        ("keep the boxes tf.image.non_max_suppression(boxes, scores, max_boxes, iou_threshold=iou_threshold) "
         "selects, and gather scores, boxes and classes with the same indices (tf.gather)", lambda g: True),
    )


@hidden_test
def check_yolo_non_max_suppression(yolo_non_max_suppression):
    """Exercise 3: class-agnostic NMS with the given max_boxes and iou_threshold."""
    tf = quiet_tensorflow()
    rng = _rng(3)
    cases = ((30, None, None), (25, 4, None), (40, 15, 0.3), (12, 50, 0.7), (35, 7, 0.45), (1, 3, 0.5), (60, 10, 0.5))
    for k, (n, max_boxes, iou_threshold) in enumerate(cases):
        scores, boxes, classes = _nms_case(rng, n)
        mb = 10 if max_boxes is None else max_boxes
        it = 0.5 if iou_threshold is None else iou_threshold
        if max_boxes is None:
            out = _bind(yolo_non_max_suppression, scores, boxes, classes)
        elif iou_threshold is None:
            out = _bind(yolo_non_max_suppression, scores, boxes, classes, max_boxes)
        elif k % 2:
            out = _bind(yolo_non_max_suppression, scores, boxes, classes, max_boxes=mb, iou_threshold=it)
        else:
            out = _bind(yolo_non_max_suppression, scores, boxes, classes, mb, it)
        what = f"yolo_non_max_suppression on {n} boxes with max_boxes={mb}, iou_threshold={it}"
        got = _triple(out, "yolo_non_max_suppression")
        expected = ref.non_max_suppression(scores, boxes, classes, mb, it)
        expect(got[0].dtype == np.float32 and got[1].dtype == np.float32 and got[2].dtype == np.int64,
               f"{what}: the dtypes should stay float32, float32, int64; got {got[0].dtype}, {got[1].dtype}, "
               f"{got[2].dtype}")
        _compare_triple(got, expected, what, diagnoses=_nms_diagnoses(scores, boxes, classes, mb, it))
    # class-agnostic: overlapping boxes of different classes
    scores = tf.constant([0.9, 0.8, 0.7], tf.float32)
    boxes = tf.constant([[0.1, 0.1, 0.5, 0.5], [0.12, 0.1, 0.52, 0.5], [0.6, 0.6, 0.9, 0.9]], tf.float32)
    classes = tf.constant([2, 5, 5], tf.int64)
    got = _triple(_bind(yolo_non_max_suppression, scores, boxes, classes), "yolo_non_max_suppression")
    expect(len(got[0]) == 2 and np.allclose(np.sort(got[0]), [0.7, 0.9]),
           "yolo_non_max_suppression: two strongly overlapping boxes of different classes should leave only the "
           f"higher-scoring one (NMS is class-agnostic here); got scores {np.round(got[0], 3).tolist()}")
    # empty input
    scores, boxes, classes = _nms_case(rng, 0)
    got = _triple(_bind(yolo_non_max_suppression, scores, boxes, classes, 5, 0.5), "yolo_non_max_suppression")
    expect(got[0].shape == (0,) and got[1].shape == (0, 4) and got[2].shape == (0,),
           f"yolo_non_max_suppression with no boxes should return shapes (0,), (0, 4), (0,); got "
           f"{got[0].shape}, {got[1].shape}, {got[2].shape}")


# =============================================================================== ex. 4
def _yolo_outputs(rng, grid=(19, 19), A=5, C=8, batch=True, obj_bias=0.5):
    tf = quiet_tensorflow()
    feats = rng.normal(0, 1.0, (1, *grid, A * (5 + C))).astype(np.float32)
    feats = feats.reshape(1, *grid, A, 5 + C)
    feats[..., 4] += obj_bias
    feats[..., 5:] *= 3.0
    anchors = rng.uniform(0.3, 4.0, (A, 2))
    outs = yolo_head(tf.constant(feats.reshape(1, *grid, -1)), anchors, C)
    return outs if batch else tuple(o[0] for o in outs)


YOLO_EVAL_CASES = (
    # grid, A, C, batch, image_shape, max_boxes, score_threshold, iou_threshold, how
    ((19, 19), 5, 80, True, None, None, None, None, "defaults"),
    ((19, 19), 5, 8, True, (720, 1280), 10, 0.3, 0.5, "positional"),
    ((7, 9), 3, 4, False, (480.0, 640.0), 4, 0.4, 0.6, "keyword"),
    ((13, 13), 5, 8, True, [600, 300], 40, 0.75, 0.3, "positional"),
    ((10, 6), 2, 3, False, (300, 900), 6, 0.35, 0.45, "keyword"),
    ((6, 5), 3, 3, False, (200, 500), 60, 0.25, 0.55, "positional"),   # max_boxes does not bind
)


@hidden_test
def check_yolo_eval(yolo_eval):
    """Exercise 4: corners, filter, scale (before or after NMS), NMS; arguments passed on."""
    rng = _rng(4)
    with isolated_globals(yolo_eval, yolo_filter_boxes=ref.yolo_filter_boxes,
                          yolo_non_max_suppression=ref.yolo_non_max_suppression,
                          yolo_boxes_to_corners=yolo_boxes_to_corners, scale_boxes=scale_boxes):
        for grid, A, C, batch, shape, mb, st, it, how in YOLO_EVAL_CASES:
            outputs = _yolo_outputs(rng, grid, A, C, batch)
            if how == "defaults":
                out = _bind(yolo_eval, outputs)
                shape, mb, st, it = (720, 1280), 10, 0.6, 0.5
            elif how == "positional":
                out = _bind(yolo_eval, outputs, shape, mb, st, it)
            else:
                out = _bind(yolo_eval, outputs, image_shape=shape, max_boxes=mb, score_threshold=st, iou_threshold=it)
            what = (f"yolo_eval on a {grid[0]}x{grid[1]}x{A} grid with {C} classes "
                    f"({'with' if batch else 'without'} a batch axis), image_shape={tuple(shape)}, max_boxes={mb}, "
                    f"score_threshold={st}, iou_threshold={it}")
            got = _triple(out, "yolo_eval")
            expected = ref.yolo_eval(outputs, shape, mb, st, it)
            _compare_triple(got, expected, what, atol=1e-3, diagnoses=_eval_diagnoses(outputs, shape, mb, st, it))


def _eval_diagnoses(outputs, shape, mb, st, it):
    def alt(**kw):
        args = dict(image_shape=shape, max_boxes=mb, score_threshold=st, iou_threshold=it)
        args.update(kw)
        e = [_np(v) for v in ref.yolo_eval(outputs, **args)]
        return lambda g: (g[1].shape == e[1].shape and np.allclose(g[0], e[0], atol=1e-6)
                          and np.allclose(g[1], e[1], atol=1e-3) and np.array_equal(g[2], e[2]))

    def unscaled(g):
        e = ref.yolo_eval(outputs, (1, 1), mb, st, it)
        return len(g[0]) == len(_np(e[0])) and np.allclose(g[1], _np(e[1]), atol=1e-5)

    return (
        ("the boxes are fractions of the image: scale them to pixels with scale_boxes(boxes, image_shape)", unscaled),
        ("the boxes are scaled with width and height swapped: image_shape is (height, width) and scale_boxes "
         "takes it as it is", alt(image_shape=(shape[1], shape[0]))),
        ("the result is what score_threshold=0.6 gives: pass score_threshold on to yolo_filter_boxes",
         alt(score_threshold=0.6)),
        ("the result is what max_boxes=10 gives: pass max_boxes on to yolo_non_max_suppression", alt(max_boxes=10)),
        ("the result is what iou_threshold=0.5 gives: pass iou_threshold on to yolo_non_max_suppression",
         alt(iou_threshold=0.5)),
        ("score_threshold and iou_threshold look swapped: pass score_threshold to yolo_filter_boxes and "
         "iou_threshold to yolo_non_max_suppression", alt(score_threshold=it, iou_threshold=st)),
        ("follow the steps: boxes = yolo_boxes_to_corners(box_xy, box_wh); filter with score_threshold; "
         "scale_boxes(boxes, image_shape); yolo_non_max_suppression with max_boxes and iou_threshold",
         lambda g: True),
    )
