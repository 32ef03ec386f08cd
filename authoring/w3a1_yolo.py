"""The one editable source of the notebook ``w3a1_yolo``.

Car detection with YOLO: score filtering, IoU, non-max suppression, yolo_eval (course 4, week 3, assignment 1).

``python authoring/w3a1_yolo.py`` (or ``python3 course.py build``) writes
``solutions/w3a1_yolo/w3a1_yolo.ipynb``; then ``python3 course.py generate`` makes the student version.
``tests/test_notebooks.py`` fails when the committed notebook differs from what this file builds.
"""
from grading.authoring import Notebook, main


def build() -> Notebook:
    nb = Notebook("w3a1_yolo")

    # ---------------------------------------------------------------------- Car detection with YOLO
    nb.md('md-01', r"""
# Car detection with YOLO

**Course 4, week 3, assignment 1** — object detection.

A classifier answers *what* is in a picture. A **detector** also answers *where*: it returns a
list of boxes, each with a class and a score. In this assignment you take the raw output of a
YOLO-style network — one tensor of numbers — and turn it into such a list, on pictures of road
scenes that a car's front camera could see.

The network itself is given and already trained. Your work is the part that every YOLO user has to
get right and that the network does not do: deciding which of its many guesses to believe.

By the end you will be able to:

- explain how a YOLOv2-style network encodes detections: a grid of cells, a few **anchor boxes** per
  cell, and for each anchor the box's position and size, an **objectness** confidence and class
  probabilities;
- compute a **score** per box and class (confidence × class probability), keep each box's best
  class and drop the boxes whose score is too low;
- compute the **intersection over union** (IoU) of two boxes, including boxes that do not overlap;
- remove duplicate detections with **non-max suppression** (NMS);
- chain the steps into one function and draw the result on an image;
- reason about the thresholds: what you gain and lose when you raise or lower them.
""")

    # ---------------------------------------------------------------------- Table of contents
    nb.md('md-02', r"""
## Table of contents

- [1 — Setup](#setup)
- [2 — How YOLO describes what it sees](#encoding)
- [3 — Filtering by score](#filter)
    - [Exercise 1 — yolo_filter_boxes (25 points)](#ex1)
- [4 — Intersection over union](#iou)
    - [Exercise 2 — iou (20 points)](#ex2)
- [5 — Non-max suppression](#nms)
    - [Exercise 3 — yolo_non_max_suppression (25 points)](#ex3)
- [6 — The whole pipeline](#pipeline)
    - [Exercise 4 — yolo_eval (30 points)](#ex4)
- [7 — Detecting objects in road scenes](#predict)
- [8 — How good is the detector?](#map)
- [9 — What you learned](#wrapup)

## How this assignment is graded

- There are **4 exercises worth 100 points** in total (25, 20, 25 and 30). Each exercise is graded
  in its own cell.
- Each exercise has **one cell for you to edit**: replace the line `raise NotImplementedError()`
  with your code, inside the function that is already defined. Keep the function's name and its
  arguments exactly as they are.
- After each exercise there is a **test cell**. It runs the **public tests** right away and prints
  `All tests passed.` when they succeed. When your work is graded, the same cell also runs
  **hidden tests**: other shapes and numbers of classes, scores exactly at the threshold, boxes
  that touch or do not overlap, non-default arguments.
- Exercise 4 uses your functions from exercises 1 and 3. Its hidden tests run it with correct
  versions of them, so a mistake in an earlier exercise costs that exercise only.
- Do not add, delete or copy cells, and do not edit the test cells. Keep your code free of
  warnings: text on the error stream can cost points.
""")

    # ---------------------------------------------------------------------- 1 — Setup
    nb.md('md-03', r"""
<a name="setup"></a>
## 1 — Setup

The first cell imports the libraries and the course's helper package `cnnkit`:

- `init_notebook` silences TensorFlow's start-up messages and seeds the random generators;
  `evaluation_images(n)` returns `n` (the course's automatic checks set it lower, to save time);
- `cnnkit.yolo` holds the YOLO helpers: `yolo_head` decodes the network's output,
  `yolo_boxes_to_corners` and `scale_boxes` change the box format, `preprocess_image` loads and
  resizes a picture, `read_classes` and `read_anchors` read the model's files, `draw_boxes` draws
  the detections, and `load_yolo_model` builds the detector and loads its weights;
- the `*_test` functions are the public tests.
""")
    nb.setup(r"""
from cnnkit.setup import init_notebook, evaluation_images
init_notebook(tensorflow=True)
import os
import numpy as np
import tensorflow as tf
import matplotlib.pyplot as plt
from PIL import Image
from cnnkit.yolo import (yolo_head, yolo_boxes_to_corners, scale_boxes, preprocess_image, read_classes,
                         read_anchors, draw_boxes, get_colors_for_classes, load_yolo_model, evaluate_map,
                         read_annotations, show_grid_and_anchors, show_iou_cases, show_detections, drawn,
                         showcase_dir)
from public_tests.w3a1 import *
IMAGES_DIR = showcase_dir()    # the showcase road scenes (datasets/yolo/images)
%matplotlib inline
""")

    # ---------------------------------------------------------------------- 2 — How YOLO describes what it sees
    nb.md('md-04', r"""
<a name="encoding"></a>
## 2 — How YOLO describes what it sees

### The road scenes

The pictures come from a camera mounted behind a car's windscreen: 1280 pixels wide and 720
high. They show cars, buses, trucks, people, bicycles, motorbikes, traffic lights and stop signs,
near and far, sometimes hidden behind each other or cut off by the edge of the picture. They are
drawn by a program, so that the course can ship them and know exactly where every object is.
The detector you will use was trained on such drawings only; the code you write in this
assignment works unchanged with a detector trained on photographs (section 9 says how to use
the original YOLOv2).

### The detector

"You Only Look Once" networks look at the whole picture in a single forward pass. The one used
here follows YOLOv2:

- The picture is resized to **608 × 608** pixels and goes through a convolutional network with
  five stride-2 layers, each halving the width and the height: 608 / 2⁵ = 19. What comes out is a
  **19 × 19 grid**: one cell for each 32 × 32 patch of the input. (The original YOLOv2 halves the
  size with 2 × 2 max-pooling layers instead; the result is the same grid.)
- Each cell predicts **5 boxes**, one per **anchor box**. An anchor is a typical box shape (a
  width and a height) found in the training data: tall and thin for people and traffic lights,
  wide for cars seen from the side, large for a bus right in front of the camera. Each
  prediction starts from its anchor and says how to stretch and shift it.
- For each of the 5 boxes of a cell the network outputs **5 + C numbers**, where C is the number of
  classes: `t_x, t_y` (where the box centre lies inside the cell), `t_w, t_h` (how much to stretch
  the anchor), `t_o` (how sure it is that the box holds an object at all), and C class scores.

So the output has shape `(m, 19, 19, 5 · (5 + C))`. With the course's 8 classes that is
`(m, 19, 19, 65)`; the original YOLOv2 with the 80 COCO classes outputs `(m, 19, 19, 425)`.

`yolo_head` turns those raw numbers into four tensors you will work with:

| tensor | shape | meaning |
|---|---|---|
| `box_xy` | `(m, 19, 19, 5, 2)` | box centre `(x, y)` as a fraction of the image: `(sigmoid(t) + cell index) / 19` |
| `box_wh` | `(m, 19, 19, 5, 2)` | box width and height as a fraction of the image: `exp(t) · anchor / 19` |
| `box_confidence` | `(m, 19, 19, 5, 1)` | `p_o = sigmoid(t_o)`, the probability that the box holds an object |
| `box_class_probs` | `(m, 19, 19, 5, C)` | `softmax` of the class scores: the probability of each class **if** there is an object |

Each anchor in a cell only looks for objects **whose centre falls in that cell**. The next
cell loads the detector and shows this for the largest object of one picture.
""")
    nb.code('load-model', r"""
yolo_model, class_names, anchors = load_yolo_model()
print("input shape: ", yolo_model.input_shape)
print("output shape:", yolo_model.output_shape)
print("classes:     ", class_names)
print("anchors (w, h) in grid cells:")
print(anchors)
""")
    nb.code('grid-figure', r"""
image = Image.open(os.path.join(IMAGES_DIR, "test.jpg"))
show_grid_and_anchors(image, anchors, boxes=read_annotations("test.jpg"), class_names=class_names)
plt.show()
""")
    nb.md('md-05', r"""
Even with a single object in a cell, the network makes 19 · 19 · 5 = 1805 box predictions per
picture, most of them for empty road and sky. Two steps cut them down to a few good ones:

1. **Score filtering**: drop the boxes that are unlikely to hold an object of any class.
2. **Non-max suppression**: when several boxes describe the same object, keep the best one.
""")

    # ---------------------------------------------------------------------- 3 — Filtering by score
    nb.md('md-06', r"""
<a name="filter"></a>
## 3 — Filtering by score

The network splits its belief in two: `p_o`, the probability that a box holds an object, and
`p(c | object)`, the probability of each class given that it does. Their product is the
probability that the box holds an object **of class c**; that is the box's **score** for class c:

$$\text{score}_c = p_o \times p(c \mid \text{object})$$

A box gets one score per class. Keep the largest: it gives the box's class (the argmax) and its
score (the max). Then keep only the boxes whose score is at least a threshold.

<a name="ex1"></a>
### Exercise 1 — yolo_filter_boxes (25 points)

Implement `yolo_filter_boxes(boxes, box_confidence, box_class_probs, threshold=.6)`:

1. Compute `box_scores` by multiplying `box_confidence` (shape `(..., 1)`) with `box_class_probs`
   (shape `(..., C)`). Broadcasting repeats the confidence over the classes.
2. For every box, find the index of the best class and its score, **over the last axis**:
   `tf.math.argmax` and `tf.math.reduce_max` with `axis=-1`.
3. Build a boolean mask that is `True` where the best score is **at least** `threshold` (`>=`).
4. Apply the mask to the scores, the boxes and the classes with `tf.boolean_mask`: the result has
   one row per kept box, in the same order as the boxes came in.

Your function must work for any leading shape: `(19, 19, 5)`, with a batch axis `(1, 19, 19, 5)`,
or a flat list of boxes. Return the classes exactly as `tf.math.argmax` gives them (`int64`).
""")
    nb.exercise(
        'yolo_filter_boxes', number=1, points=25, grade_id='yolo_filter_boxes_scores_classes_and_threshold',
        solution=r'''
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
''')

    # ---------------------------------------------------------------------- 4 — Intersection over union
    nb.md('md-07', r"""
<a name="iou"></a>
## 4 — Intersection over union

A detector often fires several times on one object: neighbouring cells and anchors all see the
same car and predict slightly different boxes. To recognise such duplicates we need to measure how
much two boxes overlap. The standard measure is the **intersection over union**:

$$\text{IoU}(A, B) = \frac{\text{area}(A \cap B)}{\text{area}(A \cup B)}
= \frac{\text{area}(A \cap B)}{\text{area}(A) + \text{area}(B) - \text{area}(A \cap B)}$$

It is 1 for identical boxes and 0 for boxes that do not overlap.

In this exercise a box is `(x1, y1, x2, y2)`: the upper-left corner `(x1, y1)` and the lower-right
corner `(x2, y2)`. The origin is the top-left corner of the image, x grows to the right and **y
grows downwards**, so `y1 < y2`. The intersection of two boxes is again a box: its upper-left
corner is the larger of the two upper-left corners (coordinate by coordinate), its lower-right
corner the smaller of the two lower-right corners. When the boxes do not overlap, this
"intersection" comes out with a negative width or height, and that is where mistakes hide:
look at the third and fourth pairs below.
""")
    nb.code('iou-cases', r"""
iou_cases = [
    ((2, 1, 4, 3), (1, 2, 3, 4), "overlapping"),
    ((1, 1, 3, 3), (2, 4, 4, 6), "overlap in x only"),
    ((1, 1, 2, 2), (3, 3, 5, 5), "no overlap at all"),
    ((1, 2, 3, 4), (3, 2, 5, 4), "touching edges"),
    ((0, 0, 6, 4), (1, 1, 3, 3), "one inside the other"),
]
show_iou_cases(iou_cases)
plt.show()
""")
    nb.md('md-08', r"""
<a name="ex2"></a>
### Exercise 2 — iou (20 points)

Implement `iou(box1, box2)`:

1. The intersection's corners: `xi1 = max(box1_x1, box2_x1)`, `yi1 = max(box1_y1, box2_y1)`,
   `xi2 = min(box1_x2, box2_x2)`, `yi2 = min(box1_y2, box2_y2)`.
2. Its width and height, **each** clamped at zero: `max(xi2 - xi1, 0)` and `max(yi2 - yi1, 0)`.
   Clamping only one of them fails when both are negative (their product is positive!), and
   clamping neither gives negative areas.
3. The areas of both boxes, and the union `box1_area + box2_area - inter_area`.
4. Return `inter_area / union_area`.

The coordinates can be integers or floats; use Python's `max` and `min`.
""")
    nb.exercise(
        'iou', number=2, points=20, grade_id='iou_overlaps_and_corner_cases',
        solution=r'''
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
''')
    nb.code('iou-demo', r"""
show_iou_cases(iou_cases, iou)
plt.show()
""")

    # ---------------------------------------------------------------------- 5 — Non-max suppression
    nb.md('md-09', r"""
<a name="nms"></a>
## 5 — Non-max suppression

After filtering, an object usually still has several boxes. **Non-max suppression** keeps the
best of them:

1. Take the box with the highest score and keep it.
2. Remove every remaining box whose IoU with it is larger than `iou_threshold`.
3. Repeat with the highest-scoring box that is left, until no box is left or `max_boxes` are kept.

Here NMS is **class-agnostic**, as in the original YOLOv2 post-processing: boxes compete whatever
their class. When a truck's box and a car's box overlap strongly, only the more confident one
survives. (Running NMS once per class is another common choice; it lets a person stand in front of
a bus without one of the two boxes being removed, at the price of more duplicates when the network
hesitates between two classes.)

TensorFlow implements the loop above: `tf.image.non_max_suppression(boxes, scores,
max_output_size, iou_threshold=...)` returns the **indices** of the kept boxes, highest score first.
Its boxes are `[y1, x1, y2, x2]`, the format of the pipeline's tensors; IoU does not depend on the
order of the coordinates as long as both boxes use the same one.

<a name="ex3"></a>
### Exercise 3 — yolo_non_max_suppression (25 points)

Implement `yolo_non_max_suppression(scores, boxes, classes, max_boxes=10, iou_threshold=0.5)`:

1. Get the indices of the kept boxes with `tf.image.non_max_suppression`, passing on **this
   function's** `max_boxes` and `iou_threshold`.
2. Select the same entries of `scores`, `boxes` and `classes` with `tf.gather`.
""")
    nb.exercise(
        'yolo_non_max_suppression', number=3, points=25, grade_id='yolo_non_max_suppression_class_agnostic',
        solution=r'''
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
''')

    # ---------------------------------------------------------------------- 6 — The whole pipeline
    nb.md('md-10', r"""
<a name="pipeline"></a>
## 6 — The whole pipeline

Two helpers convert between box formats:

- `yolo_boxes_to_corners(box_xy, box_wh)` turns centres and sizes into corners
  `[y1, x1, y2, x2]` (still fractions of the image);
- `scale_boxes(boxes, image_shape)` multiplies them by `[height, width, height, width]`, giving
  pixels of the original picture: `[top, left, bottom, right]`.

<a name="ex4"></a>
### Exercise 4 — yolo_eval (30 points)

Implement `yolo_eval(yolo_outputs, image_shape=(720, 1280), max_boxes=10, score_threshold=.6,
iou_threshold=.5)`. `yolo_outputs` is what `yolo_head` returns; `image_shape` is
`(height, width)` of the original picture.

1. Unpack `box_xy, box_wh, box_confidence, box_class_probs` from `yolo_outputs`.
2. Convert the boxes to corners with `yolo_boxes_to_corners`.
3. Filter them with your `yolo_filter_boxes`, using `score_threshold`.
4. Scale them to the picture with `scale_boxes(boxes, image_shape)`.
5. Remove duplicates with your `yolo_non_max_suppression`, using `max_boxes` and `iou_threshold`.

Pass every argument on: the tests call `yolo_eval` with values other than the defaults.
""")
    nb.exercise(
        'yolo_eval', number=4, points=30, grade_id='yolo_eval_pipeline_and_arguments',
        solution=r'''
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
''')
    nb.md('md-11', r"""
Does it matter whether you scale the boxes before or after NMS? No: stretching the x axis by the
width and the y axis by the height multiplies every area, intersections included, by the same
factor, so the IoU of two boxes and therefore NMS's choices stay the same. Scaling first gives
NMS boxes in pixels, which is easier to reason about.
""")

    # ---------------------------------------------------------------------- 7 — Detecting objects in road scenes
    nb.md('md-12', r"""
<a name="predict"></a>
## 7 — Detecting objects in road scenes

`predict` runs the whole chain on a picture from the `images` folder: load and resize it, run the
network, decode the output with `yolo_head`, post-process it with **your** `yolo_eval`, then draw
and save the boxes. It uses a score threshold of 0.3, lower than the default, so that it also
shows the objects the network is less sure about.
""")
    nb.given('predict', r"""
def predict(image_file):
    # Read-only: runs your yolo_eval on one picture of the images folder.
    image, image_data = preprocess_image(os.path.join(IMAGES_DIR, image_file), model_image_size=(608, 608))
    yolo_model_outputs = yolo_model(image_data, training=False)
    yolo_outputs = yolo_head(yolo_model_outputs, anchors, len(class_names))
    out_scores, out_boxes, out_classes = yolo_eval(yolo_outputs, [image.size[1], image.size[0]], 10, 0.3, 0.5)
    print(f"Found {len(out_boxes)} boxes for images/{image_file}")
    draw_boxes(image, out_boxes, out_classes, class_names, out_scores)
    os.makedirs("out", exist_ok=True)
    image.save(os.path.join("out", image_file), quality=100)
    plt.figure(figsize=(12, 7))
    plt.imshow(image)
    plt.axis("off")
    plt.show()
    return out_scores, out_boxes, out_classes
""")
    nb.code('predict-test', r"""
out_scores, out_boxes, out_classes = predict("test.jpg")
""")
    nb.md('md-13', r"""
Each printed line gives the class, the score and the box's corners `(left, top) (right, bottom)` in
pixels.

### Before and after non-max suppression

The next cell runs your `yolo_eval` twice on the same network output: once with
`iou_threshold=1.0`, which suppresses nothing (no IoU is larger than 1), and once with the usual
0.5. On the left you see the clusters of boxes that neighbouring cells and anchors predict for one
object; on the right, what NMS keeps.
""")
    nb.code('nms-figure', r"""
image, image_data = preprocess_image(os.path.join(IMAGES_DIR, "0001.jpg"), model_image_size=(608, 608))
outputs = yolo_head(yolo_model(image_data, training=False), anchors, len(class_names))
shape = [image.size[1], image.size[0]]
before = yolo_eval(outputs, shape, max_boxes=100, score_threshold=0.3, iou_threshold=1.0)
after = yolo_eval(outputs, shape, max_boxes=100, score_threshold=0.3, iou_threshold=0.5)
show_detections([
    (drawn(image, before[1], before[2], class_names, before[0]), f"before NMS: {len(before[0])} boxes"),
    (drawn(image, after[1], after[2], class_names, after[0]), f"after NMS: {len(after[0])} boxes"),
])
plt.show()
""")
    nb.md('md-14', r"""
### More scenes

Run the detector on the other pictures. Look for the hard cases: small objects far away, objects
cut off by the border, a person in front of a vehicle, traffic lights at night.
""")
    nb.code('predict-more', r"""
for image_file in ["0002.jpg", "0003.jpg", "0004.jpg", "0005.jpg"]:
    predict(image_file)
""")
    nb.md('md-15', r"""
### Precision and recall: choosing the score threshold

The score threshold trades two kinds of mistakes:

- a **high** threshold keeps only confident boxes: few false alarms (high **precision**) but the
  small, dark or half-hidden objects are missed (low **recall**);
- a **low** threshold finds more of the objects, at the price of more false alarms.

The cell below draws one picture with a low and a high threshold side by side.
""")
    nb.code('threshold-figure', r"""
low = yolo_eval(outputs, shape, max_boxes=30, score_threshold=0.1, iou_threshold=0.5)
high = yolo_eval(outputs, shape, max_boxes=30, score_threshold=0.7, iou_threshold=0.5)
show_detections([
    (drawn(image, low[1], low[2], class_names, low[0]), f"score_threshold=0.1: {len(low[0])} boxes"),
    (drawn(image, high[1], high[2], class_names, high[0]), f"score_threshold=0.7: {len(high[0])} boxes"),
])
plt.show()
""")

    # ---------------------------------------------------------------------- 8 — How good is the detector?
    nb.md('md-16', r"""
<a name="map"></a>
## 8 — How good is the detector?

Detectors are compared with the **mean average precision** (mAP). For one class, sort all its
detections over a set of test pictures by score; walk down the list and call a detection correct
when it overlaps a not yet found object of that class with IoU ≥ 0.5. Along the way, precision
(the fraction of detections so far that are correct) falls and recall (the fraction of objects
found so far) rises; the **average precision** is the area under that precision–recall curve. The
mAP@0.5 is its mean over the classes.

The cell below measures it on 100 road scenes the network has never seen, with **your**
`yolo_eval` (score threshold 0.1, so that the curve reaches low-confidence detections, and at most
20 boxes per picture) and **your** `iou` to match detections with objects. It takes about ten
seconds. The course's model card (`datasets/weights/yolo_small.md`) gives the same measurement on
300 scenes, with the reference implementation.
""")
    nb.code('map-eval', r"""
yolo_map50, ap_per_class = evaluate_map(yolo_eval, iou, yolo_model, anchors, class_names,
                                         n_images=evaluation_images(100))
for name, ap in ap_per_class.items():
    print(f"AP@0.5 {name:14s} {ap:.3f}")
print(f"mAP@0.5 {yolo_map50:.3f}")
""")
    nb.code('course-metrics', r"""
COURSE_METRICS = {"yolo_map50": float(yolo_map50)}
for name, value in COURSE_METRICS.items():
    print(f"{name:12s} {value:.4f}")
""")

    # ---------------------------------------------------------------------- 9 — What you learned
    nb.md('md-17', r"""
<a name="wrapup"></a>
## 9 — What you learned

- A YOLOv2-style network predicts, for every cell of a grid and every anchor box, a box (centre
  offset and anchor stretch), an objectness confidence and class probabilities, all in one
  forward pass.
- A box's **score** for a class is confidence × class probability; keep each box's best class and
  drop scores below a threshold (inclusive).
- **IoU** measures overlap; both the width and the height of the intersection must be clamped at
  zero.
- **Non-max suppression** keeps the best box of each cluster of overlapping boxes; here it is
  class-agnostic, and it gives the same result whether boxes are scaled before or after it.
- `yolo_eval` chains corners → filtering → scaling → NMS; every threshold you pass on changes the
  balance between precision and recall, which the **mAP** summarises.

### Using the original YOLOv2

The course ships a small detector trained on synthetic road scenes. If you have the original
YOLOv2 Keras weights for the 80 COCO classes, put `yolo.h5` (or `yolo.weights.h5`),
`coco_classes.txt` and `yolo_anchors.txt` in `datasets/yolo/model_data/`: `load_yolo_model` then
builds the full YOLOv2 network and uses them, and the same `predict` and `yolo_eval` work
unchanged.

### References

- J. Redmon, S. Divvala, R. Girshick, A. Farhadi, *You Only Look Once: Unified, Real-Time Object
  Detection* (2016).
- J. Redmon, A. Farhadi, *YOLO9000: Better, Faster, Stronger* (2017).
""")
    return nb


if __name__ == "__main__":
    raise SystemExit(main(build))
