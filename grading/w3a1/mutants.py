"""Variants of the graded functions of ``w3a1_yolo``.

Mutants are plausible mistakes (each must lose that exercise's points); alternatives are
correct solutions written differently from the notebook's (each must keep full marks).
Every variant is the code a student would put in the solution cell: it uses ``tf`` and
``np`` and the notebook's helpers (``yolo_boxes_to_corners``, ``scale_boxes``) and the
other graded functions by their notebook names.
"""
# ruff: noqa: F811, F821  (slugs repeat across targets; tf/np/helpers come from the notebook namespace)
from grading.mutation import Registry

REGISTRY = Registry("w3a1_yolo")
mutant, alternative = REGISTRY.mutant, REGISTRY.alternative


# =============================================================================== 1 yolo_filter_boxes
@mutant("yolo_filter_boxes", "strict > at the threshold drops boxes whose score equals it")
def strict_threshold(boxes, box_confidence, box_class_probs, threshold=.6):
    box_scores = box_confidence * box_class_probs
    box_classes = tf.math.argmax(box_scores, axis=-1)
    box_class_scores = tf.math.reduce_max(box_scores, axis=-1)
    mask = box_class_scores > threshold
    return (tf.boolean_mask(box_class_scores, mask), tf.boolean_mask(boxes, mask),
            tf.boolean_mask(box_classes, mask))


@mutant("yolo_filter_boxes", "score = box confidence alone, class probabilities ignored")
def confidence_only(boxes, box_confidence, box_class_probs, threshold=.6):
    box_scores = box_confidence * tf.ones_like(box_class_probs)
    box_classes = tf.math.argmax(box_class_probs, axis=-1)
    box_class_scores = tf.math.reduce_max(box_scores, axis=-1)
    mask = box_class_scores >= threshold
    return (tf.boolean_mask(box_class_scores, mask), tf.boolean_mask(boxes, mask),
            tf.boolean_mask(box_classes, mask))


@mutant("yolo_filter_boxes", "score = class probability alone, confidence ignored")
def probability_only(boxes, box_confidence, box_class_probs, threshold=.6):
    box_scores = box_class_probs
    box_classes = tf.math.argmax(box_scores, axis=-1)
    box_class_scores = tf.math.reduce_max(box_scores, axis=-1)
    mask = box_class_scores >= threshold
    return (tf.boolean_mask(box_class_scores, mask), tf.boolean_mask(boxes, mask),
            tf.boolean_mask(box_classes, mask))


@mutant("yolo_filter_boxes", "argmax and max over the first axis instead of the classes")
def wrong_axis(boxes, box_confidence, box_class_probs, threshold=.6):
    box_scores = box_confidence * box_class_probs
    box_classes = tf.math.argmax(box_scores, axis=0)
    box_class_scores = tf.math.reduce_max(box_scores, axis=0)
    mask = box_class_scores >= threshold
    return (tf.boolean_mask(box_class_scores, mask), tf.boolean_mask(boxes, mask),
            tf.boolean_mask(box_classes, mask))


@mutant("yolo_filter_boxes", "threshold hard-coded to 0.6")
def fixed_threshold(boxes, box_confidence, box_class_probs, threshold=.6):
    box_scores = box_confidence * box_class_probs
    box_classes = tf.math.argmax(box_scores, axis=-1)
    box_class_scores = tf.math.reduce_max(box_scores, axis=-1)
    mask = box_class_scores >= 0.6
    return (tf.boolean_mask(box_class_scores, mask), tf.boolean_mask(boxes, mask),
            tf.boolean_mask(box_classes, mask))


@mutant("yolo_filter_boxes", "classes cast to int32")
def int32_classes(boxes, box_confidence, box_class_probs, threshold=.6):
    box_scores = box_confidence * box_class_probs
    box_classes = tf.cast(tf.math.argmax(box_scores, axis=-1), tf.int32)
    box_class_scores = tf.math.reduce_max(box_scores, axis=-1)
    mask = box_class_scores >= threshold
    return (tf.boolean_mask(box_class_scores, mask), tf.boolean_mask(boxes, mask),
            tf.boolean_mask(box_classes, mask))


@mutant("yolo_filter_boxes", "returns the scores of class 0 instead of the best class")
def first_class_score(boxes, box_confidence, box_class_probs, threshold=.6):
    box_scores = box_confidence * box_class_probs
    box_classes = tf.math.argmax(box_scores, axis=-1)
    box_class_scores = tf.math.reduce_max(box_scores, axis=-1)
    mask = box_class_scores >= threshold
    return (tf.boolean_mask(box_scores[..., 0], mask), tf.boolean_mask(boxes, mask),
            tf.boolean_mask(box_classes, mask))


@alternative("yolo_filter_boxes", "tf.where + tf.gather_nd instead of tf.boolean_mask")
def where_gather_nd(boxes, box_confidence, box_class_probs, threshold=.6):
    box_scores = box_confidence * box_class_probs
    box_classes = tf.argmax(box_scores, axis=-1)
    box_class_scores = tf.reduce_max(box_scores, axis=-1)
    idx = tf.where(box_class_scores >= threshold)
    return tf.gather_nd(box_class_scores, idx), tf.gather_nd(boxes, idx), tf.gather_nd(box_classes, idx)


@alternative("yolo_filter_boxes", "flatten first, then tf.where + tf.gather; tf.keras.backend.max")
def flatten_then_gather(boxes, box_confidence, box_class_probs, threshold=.6):
    C = tf.shape(box_class_probs)[-1]
    scores = tf.reshape(box_confidence * box_class_probs, [-1, C])
    flat_boxes = tf.reshape(boxes, [-1, 4])
    best = tf.keras.backend.max(scores, axis=-1)
    cls = tf.math.argmax(scores, axis=-1, output_type=tf.int64)
    keep = tf.reshape(tf.where(tf.logical_not(best < threshold)), [-1])
    return tf.gather(best, keep), tf.gather(flat_boxes, keep), tf.gather(cls, keep)


@alternative("yolo_filter_boxes", "best-class score gathered with the argmax (take_along_axis style)")
def gather_best(boxes, box_confidence, box_class_probs, threshold=.6):
    box_scores = tf.multiply(box_confidence, box_class_probs)
    box_classes = tf.math.argmax(box_scores, axis=-1)
    box_class_scores = tf.gather(box_scores, box_classes, batch_dims=len(box_scores.shape) - 1)
    mask = tf.math.greater_equal(box_class_scores, threshold)
    return (tf.boolean_mask(box_class_scores, mask), tf.boolean_mask(boxes, mask),
            tf.boolean_mask(box_classes, mask))


# =============================================================================== 2 iou
@mutant("iou", "only the intersection width is clamped at 0")
def clamp_width_only(box1, box2):
    (b1x1, b1y1, b1x2, b1y2), (b2x1, b2y1, b2x2, b2y2) = box1, box2
    inter = max(min(b1x2, b2x2) - max(b1x1, b2x1), 0) * (min(b1y2, b2y2) - max(b1y1, b2y1))
    union = (b1x2 - b1x1) * (b1y2 - b1y1) + (b2x2 - b2x1) * (b2y2 - b2y1) - inter
    return inter / union


@mutant("iou", "only the intersection height is clamped at 0")
def clamp_height_only(box1, box2):
    (b1x1, b1y1, b1x2, b1y2), (b2x1, b2y1, b2x2, b2y2) = box1, box2
    inter = (min(b1x2, b2x2) - max(b1x1, b2x1)) * max(min(b1y2, b2y2) - max(b1y1, b2y1), 0)
    union = (b1x2 - b1x1) * (b1y2 - b1y1) + (b2x2 - b2x1) * (b2y2 - b2y1) - inter
    return inter / union


@mutant("iou", "clamps the product instead of each side")
def clamp_product(box1, box2):
    (b1x1, b1y1, b1x2, b1y2), (b2x1, b2y1, b2x2, b2y2) = box1, box2
    inter = max((min(b1x2, b2x2) - max(b1x1, b2x1)) * (min(b1y2, b2y2) - max(b1y1, b2y1)), 0)
    union = (b1x2 - b1x1) * (b1y2 - b1y1) + (b2x2 - b2x1) * (b2y2 - b2y1) - inter
    return inter / union


@mutant("iou", "no clamping at all")
def no_clamp(box1, box2):
    (b1x1, b1y1, b1x2, b1y2), (b2x1, b2y1, b2x2, b2y2) = box1, box2
    inter = (min(b1x2, b2x2) - max(b1x1, b2x1)) * (min(b1y2, b2y2) - max(b1y1, b2y1))
    union = (b1x2 - b1x1) * (b1y2 - b1y1) + (b2x2 - b2x1) * (b2y2 - b2y1) - inter
    return inter / union


@mutant("iou", "x and y swapped when unpacking the first box only")
def xy_swapped_one_box(box1, box2):
    (b1y1, b1x1, b1y2, b1x2), (b2x1, b2y1, b2x2, b2y2) = box1, box2
    inter = max(min(b1x2, b2x2) - max(b1x1, b2x1), 0) * max(min(b1y2, b2y2) - max(b1y1, b2y1), 0)
    union = (b1x2 - b1x1) * (b1y2 - b1y1) + (b2x2 - b2x1) * (b2y2 - b2y1) - inter
    return inter / union


@mutant("iou", "union without subtracting the intersection")
def union_plus_inter(box1, box2):
    (b1x1, b1y1, b1x2, b1y2), (b2x1, b2y1, b2x2, b2y2) = box1, box2
    inter = max(min(b1x2, b2x2) - max(b1x1, b2x1), 0) * max(min(b1y2, b2y2) - max(b1y1, b2y1), 0)
    union = (b1x2 - b1x1) * (b1y2 - b1y1) + (b2x2 - b2x1) * (b2y2 - b2y1)
    return inter / union


@mutant("iou", "min and max swapped for the intersection corners")
def min_max_swapped(box1, box2):
    (b1x1, b1y1, b1x2, b1y2), (b2x1, b2y1, b2x2, b2y2) = box1, box2
    inter = max(max(b1x2, b2x2) - min(b1x1, b2x1), 0) * max(max(b1y2, b2y2) - min(b1y1, b2y1), 0)
    union = (b1x2 - b1x1) * (b1y2 - b1y1) + (b2x2 - b2x1) * (b2y2 - b2y1) - inter
    return inter / union


@alternative("iou", "NumPy arrays and np.clip; returns np.float64")
def numpy_iou(box1, box2):
    a, b = np.asarray(box1, dtype=float), np.asarray(box2, dtype=float)
    lo = np.maximum(a[:2], b[:2])
    hi = np.minimum(a[2:], b[2:])
    inter = np.prod(np.clip(hi - lo, 0, None))
    area = lambda z: (z[2] - z[0]) * (z[3] - z[1])  # noqa: E731
    return inter / (area(a) + area(b) - inter)


@alternative("iou", "both boxes unpacked as (y1, x1, y2, x2): IoU is symmetric in the two axes")
def both_boxes_yx(box1, box2):
    (b1y1, b1x1, b1y2, b1x2) = box1
    (b2y1, b2x1, b2y2, b2x2) = box2
    w = max(0.0, min(b1x2, b2x2) - max(b1x1, b2x1))
    h = max(0.0, min(b1y2, b2y2) - max(b1y1, b2y1))
    inter = w * h
    return inter / ((b1x2 - b1x1) * (b1y2 - b1y1) + (b2x2 - b2x1) * (b2y2 - b2y1) - inter)


@alternative("iou", "overlap of intervals with a helper; float() result")
def interval_helper(box1, box2):
    def overlap(lo1, hi1, lo2, hi2):
        return max(0, min(hi1, hi2) - max(lo1, lo2))

    inter = overlap(box1[0], box1[2], box2[0], box2[2]) * overlap(box1[1], box1[3], box2[1], box2[3])
    a1 = (box1[2] - box1[0]) * (box1[3] - box1[1])
    a2 = (box2[2] - box2[0]) * (box2[3] - box2[1])
    return float(inter) / float(a1 + a2 - inter)


# =============================================================================== 3 yolo_non_max_suppression
@mutant("yolo_non_max_suppression", "NMS per class instead of over all boxes")
def per_class_nms(scores, boxes, classes, max_boxes=10, iou_threshold=0.5):
    keep = []
    for c in np.unique(classes.numpy()):
        idx = tf.reshape(tf.where(classes == c), [-1])
        sel = tf.image.non_max_suppression(tf.gather(boxes, idx), tf.gather(scores, idx), max_boxes,
                                           iou_threshold=iou_threshold)
        keep.append(tf.gather(idx, sel))
    keep = tf.concat(keep, 0) if keep else tf.zeros([0], tf.int64)
    order = tf.argsort(tf.gather(scores, keep), direction="DESCENDING")[:max_boxes]
    keep = tf.gather(keep, order)
    return tf.gather(scores, keep), tf.gather(boxes, keep), tf.gather(classes, keep)


@mutant("yolo_non_max_suppression", "max_boxes hard-coded to 10")
def fixed_max_boxes(scores, boxes, classes, max_boxes=10, iou_threshold=0.5):
    idx = tf.image.non_max_suppression(boxes, scores, 10, iou_threshold=iou_threshold)
    return tf.gather(scores, idx), tf.gather(boxes, idx), tf.gather(classes, idx)


@mutant("yolo_non_max_suppression", "iou_threshold not passed on (TF's default 0.5 is used)")
def default_iou_threshold(scores, boxes, classes, max_boxes=10, iou_threshold=0.5):
    idx = tf.image.non_max_suppression(boxes, scores, max_boxes)
    return tf.gather(scores, idx), tf.gather(boxes, idx), tf.gather(classes, idx)


@mutant("yolo_non_max_suppression", "classes gathered with the wrong indices (not reordered)")
def classes_not_gathered(scores, boxes, classes, max_boxes=10, iou_threshold=0.5):
    idx = tf.image.non_max_suppression(boxes, scores, max_boxes, iou_threshold=iou_threshold)
    return tf.gather(scores, idx), tf.gather(boxes, idx), classes[:tf.size(idx)]


@mutant("yolo_non_max_suppression", "top max_boxes scores without any suppression")
def no_suppression(scores, boxes, classes, max_boxes=10, iou_threshold=0.5):
    idx = tf.argsort(scores, direction="DESCENDING")[:max_boxes]
    return tf.gather(scores, idx), tf.gather(boxes, idx), tf.gather(classes, idx)


@alternative("yolo_non_max_suppression", "the original's tf.Variable for max_boxes")
def variable_max_boxes(scores, boxes, classes, max_boxes=10, iou_threshold=0.5):
    max_boxes_tensor = tf.Variable(max_boxes, dtype="int32")
    nms_indices = tf.image.non_max_suppression(boxes, scores, max_boxes_tensor, iou_threshold=iou_threshold)
    return (tf.gather(scores, nms_indices), tf.gather(boxes, nms_indices), tf.gather(classes, nms_indices))


@alternative("yolo_non_max_suppression", "tf.image.non_max_suppression_with_scores (hard NMS)")
def with_scores(scores, boxes, classes, max_boxes=10, iou_threshold=0.5):
    idx, _ = tf.image.non_max_suppression_with_scores(boxes, scores, max_output_size=max_boxes,
                                                      iou_threshold=iou_threshold, soft_nms_sigma=0.0)
    return tf.gather(scores, idx), tf.gather(boxes, idx), tf.gather(classes, idx)


@alternative("yolo_non_max_suppression", "hand-written greedy NMS with the notebook's iou")
def greedy_with_iou(scores, boxes, classes, max_boxes=10, iou_threshold=0.5):
    s, b = scores.numpy(), boxes.numpy()
    keep = []
    for i in np.argsort(-s, kind="stable"):
        if len(keep) == max_boxes:
            break
        y1, x1, y2, x2 = b[i]
        if all(iou((x1, y1, x2, y2), (b[j][1], b[j][0], b[j][3], b[j][2])) <= iou_threshold for j in keep):
            keep.append(int(i))
    keep = tf.constant(keep, dtype=tf.int32)
    return tf.gather(scores, keep), tf.gather(boxes, keep), tf.gather(classes, keep)


# =============================================================================== 4 yolo_eval
@mutant("yolo_eval", "score_threshold and iou_threshold swapped")
def thresholds_swapped(yolo_outputs, image_shape=(720, 1280), max_boxes=10, score_threshold=.6, iou_threshold=.5):
    box_xy, box_wh, box_confidence, box_class_probs = yolo_outputs
    boxes = yolo_boxes_to_corners(box_xy, box_wh)
    scores, boxes, classes = yolo_filter_boxes(boxes, box_confidence, box_class_probs, iou_threshold)
    boxes = scale_boxes(boxes, image_shape)
    return yolo_non_max_suppression(scores, boxes, classes, max_boxes, score_threshold)


@mutant("yolo_eval", "score_threshold not passed to yolo_filter_boxes")
def score_threshold_dropped(yolo_outputs, image_shape=(720, 1280), max_boxes=10, score_threshold=.6,
                            iou_threshold=.5):
    box_xy, box_wh, box_confidence, box_class_probs = yolo_outputs
    boxes = yolo_boxes_to_corners(box_xy, box_wh)
    scores, boxes, classes = yolo_filter_boxes(boxes, box_confidence, box_class_probs)
    boxes = scale_boxes(boxes, image_shape)
    return yolo_non_max_suppression(scores, boxes, classes, max_boxes, iou_threshold)


@mutant("yolo_eval", "max_boxes not passed to yolo_non_max_suppression")
def max_boxes_dropped(yolo_outputs, image_shape=(720, 1280), max_boxes=10, score_threshold=.6, iou_threshold=.5):
    box_xy, box_wh, box_confidence, box_class_probs = yolo_outputs
    boxes = yolo_boxes_to_corners(box_xy, box_wh)
    scores, boxes, classes = yolo_filter_boxes(boxes, box_confidence, box_class_probs, score_threshold)
    boxes = scale_boxes(boxes, image_shape)
    return yolo_non_max_suppression(scores, boxes, classes, iou_threshold=iou_threshold)


@mutant("yolo_eval", "iou_threshold not passed to yolo_non_max_suppression")
def iou_threshold_dropped(yolo_outputs, image_shape=(720, 1280), max_boxes=10, score_threshold=.6,
                          iou_threshold=.5):
    box_xy, box_wh, box_confidence, box_class_probs = yolo_outputs
    boxes = yolo_boxes_to_corners(box_xy, box_wh)
    scores, boxes, classes = yolo_filter_boxes(boxes, box_confidence, box_class_probs, score_threshold)
    boxes = scale_boxes(boxes, image_shape)
    return yolo_non_max_suppression(scores, boxes, classes, max_boxes)


@mutant("yolo_eval", "boxes scaled with [w, h, w, h]")
def scaled_width_height(yolo_outputs, image_shape=(720, 1280), max_boxes=10, score_threshold=.6, iou_threshold=.5):
    box_xy, box_wh, box_confidence, box_class_probs = yolo_outputs
    boxes = yolo_boxes_to_corners(box_xy, box_wh)
    scores, boxes, classes = yolo_filter_boxes(boxes, box_confidence, box_class_probs, score_threshold)
    boxes = scale_boxes(boxes, (image_shape[1], image_shape[0]))
    return yolo_non_max_suppression(scores, boxes, classes, max_boxes, iou_threshold)


@mutant("yolo_eval", "corners not computed: raw (x, y, w, h) passed on")
def no_corners(yolo_outputs, image_shape=(720, 1280), max_boxes=10, score_threshold=.6, iou_threshold=.5):
    box_xy, box_wh, box_confidence, box_class_probs = yolo_outputs
    boxes = tf.concat([box_xy, box_wh], axis=-1)
    scores, boxes, classes = yolo_filter_boxes(boxes, box_confidence, box_class_probs, score_threshold)
    boxes = scale_boxes(boxes, image_shape)
    return yolo_non_max_suppression(scores, boxes, classes, max_boxes, iou_threshold)


@mutant("yolo_eval", "boxes never scaled to the image")
def not_scaled(yolo_outputs, image_shape=(720, 1280), max_boxes=10, score_threshold=.6, iou_threshold=.5):
    box_xy, box_wh, box_confidence, box_class_probs = yolo_outputs
    boxes = yolo_boxes_to_corners(box_xy, box_wh)
    scores, boxes, classes = yolo_filter_boxes(boxes, box_confidence, box_class_probs, score_threshold)
    return yolo_non_max_suppression(scores, boxes, classes, max_boxes, iou_threshold)


@alternative("yolo_eval", "boxes scaled after NMS (IoU does not change when each axis is scaled)")
def scale_after_nms(yolo_outputs, image_shape=(720, 1280), max_boxes=10, score_threshold=.6, iou_threshold=.5):
    box_xy, box_wh, box_confidence, box_class_probs = yolo_outputs
    boxes = yolo_boxes_to_corners(box_xy, box_wh)
    scores, boxes, classes = yolo_filter_boxes(boxes, box_confidence, box_class_probs, score_threshold)
    scores, boxes, classes = yolo_non_max_suppression(scores, boxes, classes, max_boxes, iou_threshold)
    return scores, scale_boxes(boxes, image_shape), classes


@alternative("yolo_eval", "keyword arguments and indexing instead of unpacking")
def keywords(yolo_outputs, image_shape=(720, 1280), max_boxes=10, score_threshold=.6, iou_threshold=.5):
    corners = yolo_boxes_to_corners(box_xy=yolo_outputs[0], box_wh=yolo_outputs[1])
    scores, boxes, classes = yolo_filter_boxes(boxes=corners, box_confidence=yolo_outputs[2],
                                               box_class_probs=yolo_outputs[3], threshold=score_threshold)
    boxes = scale_boxes(boxes=boxes, image_shape=image_shape)
    return yolo_non_max_suppression(scores=scores, boxes=boxes, classes=classes, max_boxes=max_boxes,
                                    iou_threshold=iou_threshold)
