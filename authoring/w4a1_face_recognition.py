"""The one editable source of the notebook ``w4a1_face_recognition``.

Face recognition: the triplet loss, face verification and face identification (course 4, week 4, assignment 1).

``python authoring/w4a1_face_recognition.py`` (or ``python3 course.py build``) writes
``solutions/w4a1_face_recognition/w4a1_face_recognition.ipynb``; then ``python3 course.py generate``
makes the student version.  ``tests/test_notebooks.py`` fails when the committed notebook differs
from what this file builds.
"""
from grading.authoring import Notebook, main


def build() -> Notebook:
    nb = Notebook("w4a1_face_recognition")

    # ---------------------------------------------------------------------- title
    nb.md('md-01', r"""
# Face recognition

**Course 4, week 4, assignment 1** — comparing faces with encodings and the triplet loss.

A small office wants its door to open for the people who work there. At the door there is a
camera. Two questions can be asked about the face it sees:

- **Face verification** (1:1): *is this the person they claim to be?* Someone swipes the badge
  of "corvin"; the system compares the camera picture with corvin's picture only and answers
  yes or no. A phone unlocked by its owner's face works this way.
- **Face recognition** (1:K): *who is this?* Nobody claims anything; the system compares the
  picture with every person it knows and names the closest one, or says that the face is
  unknown. This is harder: with K people there are K chances to be wrong.

Both questions meet the **one-shot learning** problem: the database holds *one* picture per
person, and a new colleague must be added without training anything again. A classifier with
one output per person cannot do that (it needs many pictures of each class, and a new person
is a new output). Instead, a network learns once to map any face to a vector of 128 numbers,
its **encoding**, such that two pictures of the same person give close vectors and pictures of
different people give distant ones. Adding a person is then just storing one more vector, and
both questions become questions about distances.

By the end you will be able to:

- explain why comparing encodings solves the one-shot problem, and what the distance between
  two unit vectors means;
- implement the **triplet loss** that trains such an encoder (anchor, positive, negative,
  margin α, clamp at zero, sum over the batch);
- implement **verification** with a distance threshold and **recognition** as a nearest
  neighbour search with a rejection threshold;
- read a histogram of same-person and different-person distances to reason about the
  threshold: false accepts against false rejects.
""")
    nb.md('md-02', r"""
## Table of contents

- [1 — Setup](#setup)
- [2 — The people and the camera](#people)
- [3 — Encoding faces](#encoding)
- [4 — The triplet loss](#triplet)
    - [Exercise 1 — triplet_loss (30 points)](#ex1)
- [5 — The database](#database)
- [6 — Face verification](#verification)
    - [Exercise 2 — verify (35 points)](#ex2)
- [7 — Face recognition](#recognition)
    - [Exercise 3 — who_is_it (35 points)](#ex3)
- [8 — Choosing the threshold](#threshold)
- [9 — What you learned](#wrapup)

## How this assignment is graded

- There are **3 exercises worth 100 points** in total (30, 35 and 35). Each exercise is graded in
  its own cell.
- Each exercise has **one cell for you to edit**: replace the line `raise NotImplementedError()`
  with your code, inside the function that is already defined. Keep the function's name and its
  arguments exactly as they are.
- After each exercise there is a **test cell**. It runs the **public tests** right away and prints
  `All tests passed.` when they succeed. When your work is graded, the same cell also runs
  **hidden tests**: other batch sizes and margins, distances exactly at the threshold, ties,
  faces far from everyone.
- `verify` and `who_is_it` must compute the camera picture's encoding with the notebook's
  `img_to_encoding(image_path, model)`, exactly once: the tests replace that function with one
  that returns chosen encodings, so that your code is graded on the decision it makes and not on
  the network.
- Do not add, delete or copy cells, and do not edit the test cells. Keep your code free of
  warnings: text on the error stream can cost points.
""")

    # ---------------------------------------------------------------------- 1 setup
    nb.md('md-03', r"""
<a name="setup"></a>
## 1 — Setup

The first cell imports the libraries and the course's helper package `cnnkit`:

- `init_notebook` silences TensorFlow's start-up messages and seeds the random generators;
  `evaluation_images(n)` returns `n` (the course's automatic checks set it lower, to save time);
- `cnnkit.face` holds the face helpers: `load_face_model` loads the encoder, `img_to_encoding`
  turns a picture file into its encoding, `build_database` encodes everyone's picture,
  `database_image` and `camera_image` give the paths of the pictures, `portrait_gallery` draws
  fresh photos of people nobody has seen before, and three figures (`triplet_examples`,
  `embedding_projection`, `distance_histogram`);
- the `*_test` functions are the public tests.
""")
    nb.setup(r"""
from cnnkit.setup import init_notebook, evaluation_images
init_notebook(tensorflow=True)
import contextlib
import io
import os
import tempfile
import numpy as np
import tensorflow as tf
import matplotlib.pyplot as plt
from PIL import Image
from cnnkit.face import (img_to_encoding, load_face_model, build_database, database_image, camera_image,
                         DATABASE_NAMES, portrait_gallery, pair_distances, triplet_examples,
                         embedding_projection, distance_histogram)
from public_tests.w4a1 import *
%matplotlib inline
""")

    # ---------------------------------------------------------------------- 2 people
    nb.md('md-04', r"""
<a name="people"></a>
## 2 — The people and the camera

The office has twelve employees. Each of them gave **one** photo when they joined, a passport-like
portrait: facing the camera, even light, plain background. The pictures are 96 × 96 pixels and lie
in `images/w4a1/`, one file per person, `<name>.jpg`.

The people are invented. A program draws them from a set of traits that belong to the person —
the shape of the face and jaw, skin tone, the shape, spacing and colour of the eyes, brows, nose,
mouth, ears, hair style and colour, beard, moles, freckles or a scar, and whether and how often they
wear glasses — and from conditions that belong to each photo: the turn and tilt of the head, the
expression, the light, the background, the framing, blur, noise and JPEG compression, sometimes a
hat. Some of the people are **siblings**: they share most of their traits. Two of the employees,
kestra and lunet, are siblings.

Below the employees are six pictures the door camera took today, `camera_0.jpg` … `camera_5.jpg`.
Not everyone who comes to the door works here.
""")
    nb.code('show-people', r"""
fig, axes = plt.subplots(3, 6, figsize=(11, 6.2))
for ax, name in zip(axes[:2].ravel(), DATABASE_NAMES):
    ax.imshow(Image.open(database_image(name)).convert("RGB"))
    ax.set_title(name, fontsize=10)
for k, ax in enumerate(axes[2]):
    ax.imshow(Image.open(camera_image(k)).convert("RGB"))
    ax.set_title(f"camera_{k}.jpg", fontsize=9, color="#1f4e8c")
for ax in axes.ravel():
    ax.set_xticks([]), ax.set_yticks([])
fig.suptitle("The database (two rows) and the door camera (last row)", fontsize=11)
plt.tight_layout()
plt.show()
""")
    nb.md('md-05', r"""
Comparing pictures pixel by pixel does not work: two photos of the same person taken in different
light, with the head turned, in front of another wall, differ in almost every pixel, more than two
photos of different people taken in the same room. We need a representation that keeps what
belongs to the *person* and forgets what belongs to the *photo*.
""")

    # ---------------------------------------------------------------------- 3 encoding
    nb.md('md-06', r"""
<a name="encoding"></a>
## 3 — Encoding faces

The encoder is a convolutional network $f$ that takes a face picture of 160 × 160 × 3 values in
$[0, 1]$ and returns 128 numbers. The original course used **FaceNet** (Schroff et al., 2015), an
Inception-ResNet-v1 network with 22.8 million parameters trained on millions of photographs. This
course ships a much smaller encoder with the same interface (about 2 million parameters), trained
on the drawn faces with the triplet loss of section 4; its model card
(`datasets/weights/face_encoder.md`) tells how, and how well it does on people it has never seen.
`load_face_model()` loads it (section 9 says how to use the original FaceNet instead).
""")
    nb.code('load-model', r"""
FRmodel = load_face_model()
print("input shape: ", FRmodel.input_shape)
print("output shape:", FRmodel.output_shape)
print("parameters:  ", f"{FRmodel.count_params():,}")
""")
    nb.md('md-07', r"""
The network's 128 outputs are not normalised. The helper `img_to_encoding(image_path, model)`
does four things:

1. load the picture with `tf.keras.preprocessing.image.load_img(image_path, target_size=(160, 160))`,
   which also converts it to RGB (one of the employees' pictures is really a PNG with a
   transparency channel);
2. divide by 255 (`np.around(np.array(img) / 255.0, decimals=12)`) and add a batch axis:
   shape `(1, 160, 160, 3)`;
3. run the network: `model.predict_on_batch(x)`, shape `(1, 128)`;
4. divide the result by its L2 norm.

So every **encoding** is a unit vector of shape `(1, 128)`, a point on a sphere. The distance
between two unit vectors is at most 2 (opposite points), and $\sqrt 2 \approx 1.41$ for
perpendicular ones. `img_to_encoding` is a **global** of this notebook: your functions in
exercises 2 and 3 must call it by that name.
""")
    nb.code('encoding-demo', r"""
enc = img_to_encoding(str(database_image("amaro")), FRmodel)
print("shape:", enc.shape, " dtype:", enc.dtype, " norm:", round(float(np.linalg.norm(enc)), 6))
print("first values:", np.round(enc[0, :6], 4))
""")

    # ---------------------------------------------------------------------- 4 triplet loss
    nb.md('md-08', r"""
<a name="triplet"></a>
## 4 — The triplet loss

How do we train $f$ so that distances mean something? FaceNet's answer is to look at **three**
pictures at a time:

- an **anchor** $A$, a picture of some person;
- a **positive** $P$, another picture of the *same* person;
- a **negative** $N$, a picture of *someone else*.

We want the anchor to be closer to the positive than to the negative, by a **margin** $\alpha$:

$$\| f(A) - f(P) \|_2^2 + \alpha \;<\; \| f(A) - f(N) \|_2^2 .$$

The distances here are **squared** L2 distances. The loss of one triplet is how much this
inequality is violated, and zero when it holds; the loss of a batch of $m$ triplets is the **sum**:

$$\mathcal{J} = \sum_{i=1}^{m} \max\Big( \underbrace{\| f(A^{(i)}) - f(P^{(i)}) \|_2^2}_{\text{pos\_dist}}
\;-\; \underbrace{\| f(A^{(i)}) - f(N^{(i)}) \|_2^2}_{\text{neg\_dist}} \;+\; \alpha,\; 0 \Big).$$

What each piece does:

- the **first term** pulls the two pictures of one person together;
- the **second term** pushes pictures of different people apart;
- the **margin** $\alpha$ (0.2 here) asks for more than "a bit closer": without it, the trivial
  encoder that maps every face to the same vector would have zero loss;
- the **clamp at zero** (per triplet) says that a triplet that already satisfies the inequality
  teaches nothing: without it, the network would keep pushing easy negatives farther away
  instead of fixing the hard cases, and the loss could become as negative as it likes.

Which triplets are used matters as much as the formula. Random triplets are mostly easy (two
random people look different) and give zero loss. The course's encoder was trained with
**semi-hard** negatives: for each anchor and positive, the closest picture of another person that
is still farther away than the positive. The figure shows three triplets with the distances the
shipped encoder gives them. The last row's negative is the anchor's sibling.
""")
    nb.code('triplet-figure', r"""
triplet_examples(model=FRmodel)
plt.show()
""")
    nb.md('md-09', r"""
<a name="ex1"></a>
### Exercise 1 — triplet_loss (30 points)

Implement `triplet_loss(y_true, y_pred, alpha=0.2)` with TensorFlow operations:

1. Read the three encodings: `anchor, positive, negative = y_pred[0], y_pred[1], y_pred[2]`, each of
   shape `(m, d)`. (`y_pred` may be a tuple of three tensors or one tensor of shape `(3, m, d)`;
   indexing works for both. `y_true` is not used: it is there because Keras losses take it.)
2. `pos_dist`: the squared distance between anchor and positive **for each example**:
   `tf.reduce_sum(tf.square(anchor - positive), axis=-1)`, shape `(m,)`.
3. `neg_dist`: the same between anchor and negative.
4. `basic_loss = pos_dist - neg_dist + alpha`.
5. `loss`: clamp each example at zero with `tf.maximum(basic_loss, 0.0)`, then **sum** over the
   batch with `tf.reduce_sum`. Return this scalar tensor.
""")
    nb.exercise(
        'triplet_loss', number=1, points=30, grade_id='triplet_loss_squared_margin_clamp_sum',
        solution=r'''
def triplet_loss(y_true, y_pred, alpha=0.2):
    """The triplet loss of a batch of triplets.

    Arguments:
        y_true -- unused (Keras losses take the labels as their first argument)
        y_pred -- (anchor, positive, negative), each a tensor of shape (m, d),
                  or one tensor of shape (3, m, d)
        alpha -- the margin

    Returns:
        loss -- a scalar tensor: sum over the examples of max(pos_dist - neg_dist + alpha, 0)
    """
    anchor, positive, negative = y_pred[0], y_pred[1], y_pred[2]

    ### BEGIN SOLUTION
    # Step 1: squared distance between anchor and positive, one per example
    pos_dist = tf.reduce_sum(tf.square(tf.subtract(anchor, positive)), axis=-1)
    # Step 2: squared distance between anchor and negative, one per example
    neg_dist = tf.reduce_sum(tf.square(tf.subtract(anchor, negative)), axis=-1)
    # Step 3: the margin
    basic_loss = tf.add(tf.subtract(pos_dist, neg_dist), alpha)
    # Step 4: clamp each example at zero, then sum over the batch
    loss = tf.reduce_sum(tf.maximum(basic_loss, 0.0))
    ### END SOLUTION
    return loss
''',
        demo=[])
    nb.code('triplet-demo', r"""
rng = np.random.default_rng(1)
y_pred = tuple(tf.constant(rng.normal(0, 1, (3, 128)), tf.float32) for _ in range(3))
print("loss of 3 random triplets:", float(triplet_loss(None, y_pred)))
same = (y_pred[0], y_pred[0], y_pred[1])
print("anchor = positive, any negative far away:", float(triplet_loss(None, same)))
""")
    nb.md('md-10', r"""
With random 128-d vectors the two distances are about equal and each triplet costs about α or
more. When the positive is the anchor itself and the negative is far, every triplet is clamped to
zero.
""")

    # ---------------------------------------------------------------------- 5 database
    nb.md('md-11', r"""
<a name="database"></a>
## 5 — The database

The database maps each name to the encoding of that person's one picture:

```python
database = {}
for name in DATABASE_NAMES:
    database[name] = img_to_encoding(str(database_image(name)), FRmodel)
```

`build_database(FRmodel)` does exactly this (and checks the pictures against the course's
manifest). Adding a new colleague means adding one entry; nothing is trained.
""")
    nb.code('build-database', r"""
database = build_database(FRmodel)
print(len(database), "people:", ", ".join(database))
print("each entry:", database["amaro"].shape)
""")
    nb.md('md-12', r"""
What do the encodings look like? The next cell draws fresh photos of ten people **that the encoder
never saw during training** (eight photos each: an enrolment portrait and seven camera snapshots),
encodes them, and projects the 128-d encodings onto the plane of their two main directions
(principal component analysis). Each colour is one person. Photos of one person land close
together, even though they differ in pose, light and background; the clusters of siblings may
touch.
""")
    nb.code('projection-figure', r"""
gallery_images, gallery_labels, gallery_enc = portrait_gallery(FRmodel, people=10, photos=8, start=20)
embedding_projection(gallery_enc, gallery_labels, names={i: f"person {i}" for i in set(gallery_labels)})
plt.show()
""")
    nb.md('md-13', r"""
A 2-D projection keeps only part of the picture (the axis labels say how much of the variance):
people that overlap here can still be far apart in the other 126 directions. The distances that
decide are the ones in 128 dimensions.
""")

    # ---------------------------------------------------------------------- 6 verification
    nb.md('md-14', r"""
<a name="verification"></a>
## 6 — Face verification

Someone swipes a badge and looks into the camera. The door opens if the camera picture's encoding
is close enough to the badge owner's entry in the database:

$$\text{dist} = \| \text{encoding} - \text{database}[\text{identity}] \|_2 , \qquad
\text{door\_open} = \text{dist} < 0.7 .$$

This is the **plain** L2 distance (not squared) between unit vectors, and 0.7 is the threshold the
encoder was trained for.

<a name="ex2"></a>
### Exercise 2 — verify (35 points)

Implement `verify(image_path, identity, database, model)`:

1. Compute the encoding of the picture: `img_to_encoding(image_path, model)` (once).
2. Compute `dist`, the L2 distance to `database[identity]`, with `np.linalg.norm`.
3. If `dist < 0.7`, print `"It's " + str(identity) + ", welcome in!"` and set `door_open = True`;
   otherwise print `"It's not " + str(identity) + ", please go away"` and set `door_open = False`.
4. Return `dist, door_open`.
""")
    nb.exercise(
        'verify', number=2, points=35, grade_id='verify_distance_threshold_and_message',
        solution=r'''
def verify(image_path, identity, database, model):
    """Is the person in the picture the one they claim to be?

    Arguments:
        image_path -- path of the camera picture
        identity -- the name the person claims (a key of database)
        database -- dict: name -> encoding of shape (1, 128)
        model -- the face encoder, passed on to img_to_encoding

    Returns:
        dist -- the L2 distance between the picture's encoding and database[identity]
        door_open -- True if dist < 0.7, else False
    """
    ### BEGIN SOLUTION
    # Step 1: the encoding of the camera picture
    encoding = img_to_encoding(image_path, model)
    # Step 2: distance to the claimed identity's entry
    dist = np.linalg.norm(encoding - database[identity])
    # Step 3: open the door if the distance is below the threshold
    if dist < 0.7:
        print("It's " + str(identity) + ", welcome in!")
        door_open = True
    else:
        print("It's not " + str(identity) + ", please go away")
        door_open = False
    ### END SOLUTION
    return dist, door_open
''')
    nb.md('md-15', r"""
corvin comes to the door (`camera_0.jpg`) and swipes their own badge:
""")
    nb.code('verify-demo-1', r"""
dist, door_open = verify(str(camera_image(0)), "corvin", database, FRmodel)
print("distance:", round(float(dist), 4), " door open:", door_open)
""")
    nb.md('md-16', r"""
The person in `camera_1.jpg` found kestra's badge in the car park and tries it:
""")
    nb.code('verify-demo-2', r"""
dist, door_open = verify(str(camera_image(1)), "kestra", database, FRmodel)
print("distance:", round(float(dist), 4), " door open:", door_open)
""")

    # ---------------------------------------------------------------------- 7 recognition
    nb.md('md-17', r"""
<a name="recognition"></a>
## 7 — Face recognition

Badges get lost and lent. A face recognition system needs none: it compares the camera picture
with **every** entry of the database and takes the nearest one. If even the nearest entry is
farther than the threshold, the person is not in the database.

<a name="ex3"></a>
### Exercise 3 — who_is_it (35 points)

Implement `who_is_it(image_path, database, model)`:

1. Compute the encoding of the picture with `img_to_encoding(image_path, model)` (once).
2. Start with `min_dist = 100` (any value larger than the largest possible distance, 2) and
   `identity = None`.
3. Loop over `database.items()`. For each `(name, db_enc)`, compute the L2 distance
   `dist = np.linalg.norm(encoding - db_enc)`; if `dist < min_dist` (strictly), set
   `min_dist = dist` and `identity = name`. On a tie the first name in the database wins.
4. If `min_dist > 0.7`, print `"Not in the database."`; otherwise print
   `"it's " + str(identity) + ", the distance is " + str(min_dist)`.
5. Return `min_dist, identity` — the nearest name **even** when it printed "Not in the database.";
   the caller decides what to do with it.
""")
    nb.exercise(
        'who_is_it', number=3, points=35, grade_id='who_is_it_nearest_and_unknown',
        solution=r'''
def who_is_it(image_path, database, model):
    """Who is the person in the picture?

    Arguments:
        image_path -- path of the camera picture
        database -- dict: name -> encoding of shape (1, 128)
        model -- the face encoder, passed on to img_to_encoding

    Returns:
        min_dist -- the smallest L2 distance between the picture's encoding and a database entry
        identity -- the name of that entry (the first one on a tie)
    """
    ### BEGIN SOLUTION
    # Step 1: the encoding of the camera picture
    encoding = img_to_encoding(image_path, model)

    # Step 2: the nearest entry of the database
    min_dist = 100
    identity = None
    for (name, db_enc) in database.items():
        dist = np.linalg.norm(encoding - db_enc)
        if dist < min_dist:
            min_dist = dist
            identity = name

    # Step 3: known or not?
    if min_dist > 0.7:
        print("Not in the database.")
    else:
        print("it's " + str(identity) + ", the distance is " + str(min_dist))
    ### END SOLUTION
    return min_dist, identity
''')
    nb.code('who-demo-1', r"""
min_dist, identity = who_is_it(str(camera_image(2)), database, FRmodel)
""")
    nb.code('who-demo-2', r"""
min_dist, identity = who_is_it(str(camera_image(3)), database, FRmodel)
print("nearest entry:", identity, " at", round(float(min_dist), 4))
""")
    nb.md('md-18', r"""
The whole morning at the door:
""")
    nb.code('who-demo-all', r"""
for k in range(6):
    print(f"camera_{k}.jpg: ", end="")
    who_is_it(str(camera_image(k)), database, FRmodel)
""")

    # ---------------------------------------------------------------------- 8 threshold
    nb.md('md-19', r"""
<a name="threshold"></a>
## 8 — Choosing the threshold

Every threshold makes two kinds of mistakes:

- a **false reject**: an employee whose camera picture is farther than the threshold from their
  own entry (bad light, head turned, new glasses) stays outside;
- a **false accept**: a stranger — or a sibling — who is closer than the threshold gets in.

Raising the threshold trades the first for the second. The cell below draws photos of people the
encoder has never seen (an enrolment portrait and five snapshots each), encodes them, and plots the
distances of all pairs of photos of one person (green) and of two different people (red). It also
measures the two numbers the model card reports: the **verification accuracy** at 0.7 (the mean
of the share of same-person pairs below 0.7 and of different-person pairs at or above it) and the
**rank-1 accuracy** of your `who_is_it` on 12-person databases of these new people (enrolled with
their portrait; the probes are their snapshots).
""")
    nb.code('threshold-figure', r"""
people = evaluation_images(36)
images, labels, encodings = portrait_gallery(FRmodel, people=people, photos=6, start=200)
same, different = pair_distances(encodings, labels)
verification_accuracy = 0.5 * (np.mean(same < 0.7) + np.mean(different >= 0.7))
distance_histogram(same, different, threshold=0.7)
plt.show()
print(f"verification accuracy at 0.7: {verification_accuracy:.3f}")
""")
    nb.code('rank1', r"""
hits = total = 0
with tempfile.TemporaryDirectory() as folder:
    paths = []
    for i, img in enumerate(images):                  # save losslessly, then go through img_to_encoding
        paths.append(os.path.join(folder, f"photo_{i}.png"))
        Image.fromarray(img).save(paths[-1])
    person_ids = sorted(set(labels))
    for start in range(0, len(person_ids), 12):
        group = person_ids[start:start + 12]
        first = {p: int(np.flatnonzero(labels == p)[0]) for p in group}      # the portrait of each person
        db = {f"person {p}": img_to_encoding(paths[first[p]], FRmodel) for p in group}
        for i, p in enumerate(labels):
            if p in first and i != first[p]:
                with contextlib.redirect_stdout(io.StringIO()):           # who_is_it prints; keep it quiet
                    _, name = who_is_it(paths[i], db, FRmodel)
                hits += int(name == f"person {p}")
                total += 1
rank1_accuracy = hits / total
print(f"rank-1 accuracy of who_is_it on {total} probes: {rank1_accuracy:.3f}")
""")
    nb.md('md-20', r"""
Things to notice:

- the two distributions overlap a little: no threshold is free of mistakes. A door that must
  never let a stranger in needs a lower threshold (and more false rejects: employees who have to
  try twice); a door that must never annoy anyone needs a higher one;
- the red pairs closest to the threshold are mostly **siblings**; the encoder can tell them
  apart less well than strangers, because they really share most of their traits;
- the enrolment picture matters: a clear, frontal portrait is a better database entry than a
  blurred snapshot, because every comparison starts from it.
""")
    nb.code('course-metrics', r"""
COURSE_METRICS = {"verification_accuracy": float(verification_accuracy), "rank1_accuracy": float(rank1_accuracy)}
for name, value in COURSE_METRICS.items():
    print(f"{name:22s} {value:.4f}")
""")

    # ---------------------------------------------------------------------- 9 wrap-up
    nb.md('md-21', r"""
<a name="wrapup"></a>
## 9 — What you learned

- **Verification** (1:1) compares a picture with one claimed identity; **recognition** (1:K)
  searches the nearest of K identities and needs a rejection threshold for strangers.
- An encoder that maps faces to unit vectors turns both into distance computations and solves
  the **one-shot** problem: one picture per person, nothing retrained when someone joins.
- The **triplet loss** $\sum_i \max(\|f(A)-f(P)\|^2 - \|f(A)-f(N)\|^2 + \alpha, 0)$ pulls pictures
  of one person together and pushes other people away by a margin; the clamp makes easy
  triplets cost nothing, and mining hard-enough triplets is what makes training work.
- The threshold trades false accepts against false rejects; a histogram of same-person and
  different-person distances shows where it sits.

### Using the original FaceNet

If you have the original course's FaceNet Keras weights, put the weights file (for example
`facenet_keras_weights.h5`) in `datasets/weights/` and load it with
`FRmodel = load_face_model(weights="datasets/weights/facenet_keras_weights.h5")`. The
Inception-ResNet-v1 architecture is rebuilt in code (`cnnkit.face.inception_resnet_v1`) and only the
weights are read: the original `model.json` holds Lambda layers with Python bytecode that Keras 3
refuses to load. If you also put the original face pictures in a folder of yours,
`build_database(FRmodel, image_dir=...)` builds a database from them. The threshold 0.7 was chosen
for the original network; with it, the decisions depend on that network's distances.

### References

- F. Schroff, D. Kalenichenko, J. Philbin, *FaceNet: A Unified Embedding for Face Recognition and
  Clustering* (2015).
- Y. Taigman, M. Yang, M. Ranzato, L. Wolf, *DeepFace: Closing the Gap to Human-Level Performance
  in Face Verification* (2014).
""")
    return nb


if __name__ == "__main__":
    raise SystemExit(main(build))
