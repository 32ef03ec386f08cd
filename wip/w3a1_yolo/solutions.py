"""The instructor's solutions of w3a1_yolo, one source string per graded function.

``build_notebook.py`` pastes them into the solution cells between the ``### BEGIN SOLUTION``
markers; the unit tests execute them in a notebook-like namespace.
"""

SOLUTIONS = {
    "yolo_filter_boxes": '''
def yolo_filter_boxes(boxes, box_confidence, box_class_probs, threshold=.6):
    """Keep the boxes whose best class score is at least ``threshold``.

    Arguments:
        boxes -- tensor of shape (..., 4): the box corners
        box_confidence -- tensor of shape (..., 1): probability that the box holds an object
        box_class_probs -- tensor of shape (..., C): class probabilities given an object
        threshold -- keep a box if its best class score is >= threshold

    Returns:
        scores -- tensor of shape (N,): the class score of each kept box
        boxes -- tensor of shape (N, 4): the corners of each kept box
        classes -- tensor of shape (N,), int64: the best class of each kept box
    """
    ### BEGIN SOLUTION
    # Step 1: score of every (box, class) pair (broadcast over the last axis)
    box_scores = box_confidence * box_class_probs

    # Step 2: best class and its score for every box
    box_classes = tf.math.argmax(box_scores, axis=-1)
    box_class_scores = tf.math.reduce_max(box_scores, axis=-1)

    # Step 3: a boolean mask of the boxes to keep (inclusive threshold)
    filtering_mask = box_class_scores >= threshold

    # Step 4: apply the same mask to scores, boxes and classes
    scores = tf.boolean_mask(box_class_scores, filtering_mask)
    boxes = tf.boolean_mask(boxes, filtering_mask)
    classes = tf.boolean_mask(box_classes, filtering_mask)
    ### END SOLUTION
    return scores, boxes, classes
''',
    "iou": '''
def iou(box1, box2):
    """Intersection over union of two boxes given as (x1, y1, x2, y2).

    Arguments:
        box1 -- first box: (x1, y1) upper-left corner, (x2, y2) lower-right corner
        box2 -- second box, same format

    Returns:
        iou -- a float, the area of the intersection divided by the area of the union
    """
    (box1_x1, box1_y1, box1_x2, box1_y2) = box1
    (box2_x1, box2_y1, box2_x2, box2_y2) = box2

    ### BEGIN SOLUTION
    # Intersection rectangle, and its area (zero when the boxes do not overlap)
    xi1 = max(box1_x1, box2_x1)
    yi1 = max(box1_y1, box2_y1)
    xi2 = min(box1_x2, box2_x2)
    yi2 = min(box1_y2, box2_y2)
    inter_width = max(xi2 - xi1, 0)
    inter_height = max(yi2 - yi1, 0)
    inter_area = inter_width * inter_height

    # Union = area1 + area2 - intersection
    box1_area = (box1_x2 - box1_x1) * (box1_y2 - box1_y1)
    box2_area = (box2_x2 - box2_x1) * (box2_y2 - box2_y1)
    union_area = box1_area + box2_area - inter_area

    iou = inter_area / union_area
    ### END SOLUTION
    return iou
''',
    "yolo_non_max_suppression": '''
def yolo_non_max_suppression(scores, boxes, classes, max_boxes=10, iou_threshold=0.5):
    """Non-max suppression over all the boxes, whatever their class.

    Arguments:
        scores -- tensor of shape (N,)
        boxes -- tensor of shape (N, 4), corners [y1, x1, y2, x2]
        classes -- tensor of shape (N,)
        max_boxes -- the largest number of boxes to keep
        iou_threshold -- a box is removed when its IoU with a higher-scoring kept box exceeds this

    Returns:
        scores, boxes, classes -- the kept boxes, highest score first: shapes (K,), (K, 4), (K,), K <= max_boxes
    """
    ### BEGIN SOLUTION
    # Indices of the boxes to keep, highest score first
    nms_indices = tf.image.non_max_suppression(boxes, scores, max_boxes, iou_threshold=iou_threshold)

    # Select the same boxes in scores, boxes and classes
    scores = tf.gather(scores, nms_indices)
    boxes = tf.gather(boxes, nms_indices)
    classes = tf.gather(classes, nms_indices)
    ### END SOLUTION
    return scores, boxes, classes
''',
    "yolo_eval": '''
def yolo_eval(yolo_outputs, image_shape=(720, 1280), max_boxes=10, score_threshold=.6, iou_threshold=.5):
    """From the decoded network output to the final boxes.

    Arguments:
        yolo_outputs -- (box_xy, box_wh, box_confidence, box_class_probs), as returned by yolo_head
        image_shape -- (height, width) of the original image, in pixels
        max_boxes -- the largest number of boxes to keep
        score_threshold -- drop the boxes whose best class score is below this
        iou_threshold -- the IoU threshold of non-max suppression

    Returns:
        scores -- tensor of shape (K,)
        boxes -- tensor of shape (K, 4): [top, left, bottom, right] in pixels
        classes -- tensor of shape (K,)
    """
    ### BEGIN SOLUTION
    # The four outputs of yolo_head
    box_xy, box_wh, box_confidence, box_class_probs = yolo_outputs

    # Centres and sizes -> corners
    boxes = yolo_boxes_to_corners(box_xy, box_wh)

    # Drop the boxes whose score is below score_threshold
    scores, boxes, classes = yolo_filter_boxes(boxes, box_confidence, box_class_probs, score_threshold)

    # Fractions of the image -> pixels
    boxes = scale_boxes(boxes, image_shape)

    # Remove duplicates
    scores, boxes, classes = yolo_non_max_suppression(scores, boxes, classes, max_boxes, iou_threshold)
    ### END SOLUTION
    return scores, boxes, classes
''',
}
