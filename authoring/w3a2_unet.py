"""The one editable source of the notebook ``w3a2_unet``.

Image segmentation with U-Net on synthetic driving scenes in the CARLA layout (course 4, week 3, assignment 2).

``python authoring/w3a2_unet.py`` (or ``python3 course.py build``) writes
``solutions/w3a2_unet/w3a2_unet.ipynb``; then ``python3 course.py generate`` makes the student version.
``tests/test_notebooks.py`` fails when the committed notebook differs from what this file builds.
"""
from grading.authoring import Notebook, code, main, markdown


def build() -> Notebook:
    nb = Notebook("w3a2_unet")

    # ---------------------------------------------------------------------- introduction
    nb.md('md-intro', r"""
# Image segmentation with U-Net

**Course 4, week 3, assignment 2** — semantic segmentation of driving scenes.

A detector such as YOLO answers *where are the cars?* with boxes. **Semantic segmentation** answers a
finer question: *which class does every pixel belong to?* Its output is a **mask** as large as the
picture, holding a class id per pixel: road, sidewalk, car, pedestrian, pole, sky... A self-driving car
needs exactly this to know where the drivable surface ends, or where a pedestrian's feet are.

In this assignment you will:

- load pairs of pictures and masks from files with `tf.data` and look at how a mask stores its classes;
- build the **U-Net** (Ronneberger et al., 2015) with the Keras Functional API: an **encoder** that
  shrinks the picture into coarse, meaningful features, a **decoder** that grows them back to full size,
  and the **skip connections** that hand the decoder the encoder's fine details;
- train it for a few steps, then load weights the course trained for longer into *your* network and
  measure it on scenes it has never seen, class by class.

**Table of contents**

- [1 — Setup](#setup)
- [2 — The data: pictures and masks](#data)
- [3 — The U-Net](#unet)
    - [Exercise 1 — conv_block (35 points)](#ex1)
    - [Exercise 2 — upsampling_block (30 points)](#ex2)
    - [Exercise 3 — unet_model (35 points)](#ex3)
- [4 — Training](#train)
- [5 — The trained network on unseen scenes](#eval)

## How this assignment is graded

- **3 exercises, 100 points**: `conv_block` (35), `upsampling_block` (30), `unet_model` (35). Each is
  graded in its own cell.
- Edit only the cells that contain `raise NotImplementedError()`: replace that line with your code
  inside the function that is already defined, and keep the function's name and arguments.
- The test cell after each exercise runs the **public tests** now and prints `All tests passed.`.
  When your work is graded, **hidden tests** also run: they check each layer's settings (kernel size,
  strides, padding, activation, initializer, dropout rate, pooling window), the wiring (which tensor the
  skip connection is, which input the concatenation takes first, which encoder level feeds each decoder
  level), other input sizes, filter and class counts, and the output *values* with the same weights as
  a reference network.
- Your `unet_model` is graded with correct blocks swapped in, so a mistake in a block costs that
  block's points only.
- Training is not graded. A cell that prints warnings on the error stream can lose its points, so keep
  your code warning-free. Do not add, delete or copy cells.
- The notebook runs in about two minutes on a laptop CPU once the scenes are on disk; the first run
  draws them (about a minute, once).
""")

    # ---------------------------------------------------------------------- 1 — Setup
    nb.md('md-setup', r"""
<a name="setup"></a>
## 1 — Setup

The setup cell imports TensorFlow quietly and seeds it, and imports what the exercises use: the
Keras layers `Input`, `Conv2D`, `MaxPooling2D`, `Dropout`, `Conv2DTranspose` and the function
`concatenate`; the data helpers of `cnnkit.seg` (`carla_directories`, `list_pairs`, `process_path`,
`preprocess`, `load_heldout`), the display helpers (`display`, `create_mask`), the metrics, the figures,
`summary` for reading a model's layers, and the public tests.
""")
    nb.setup(r"""
from cnnkit.setup import init_notebook, quick_training, training_epochs, evaluation_images
init_notebook(tensorflow=True)
import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import Input, Conv2D, MaxPooling2D, Dropout, Conv2DTranspose, concatenate
from cnnkit import seg
from cnnkit.seg import (CLASS_NAMES, carla_directories, list_pairs, process_path, preprocess, create_mask,
                        display, load_heldout, evaluate_segmentation, iou_table, load_unet_weights)
from cnnkit.testing import summary
from public_tests.w3a2 import *
%matplotlib inline
""")

    # ---------------------------------------------------------------------- 2 — Data
    nb.md('md-data', r"""
<a name="data"></a>
## 2 — The data: pictures and masks

The data follows the layout of the CARLA driving simulator's camera output, as the original assignment
used it: two folders, `CameraRGB/` with the pictures and `CameraMask/` with the masks, where a picture
and its mask have the **same file name**. Both are 480×640 PNG files.

Our scenes are synthetic: the course draws them with its own code (`cnnkit/streets.py`), from a seed per
scene. Streets are straight, curved or crossed by a side road, seen from different heights and angles,
by day, at dusk and at night, with cars, buses, cyclists and pedestrians at many distances. Colours do
not give the class away: asphalt, walls, cars, poles and bridges share the same greys, so the network
has to use shapes and context. `carla_directories()` returns the two folders; the first time, it draws
the scenes into `datasets/synthetic/carla/` (if you have the original CARLA folders, put them in
`datasets/carla/` and it uses them instead).

`list_pairs` lists both folders and matches the files by name. (`os.listdir` returns files in an
arbitrary order, so two separate listings need not line up.)
""")
    nb.code('folders', r"""
image_dir, mask_dir = carla_directories()
image_list, mask_list = list_pairs(image_dir, mask_dir)
print(len(image_list), "pairs; the first:", image_list[0].split("/")[-1], mask_list[0].split("/")[-1])
""")
    nb.md('md-mask', r"""
### How a mask stores the classes

A mask file is an RGB picture too, but its pixels are not colours: the **red channel holds the class id**
(0 to 22) and the green and blue channels are 0. Viewed as a picture it is almost black, since ids up
to 22 out of 255 are very dark reds. The cell below reads one mask and counts its pixels per class.
""")
    nb.code('mask-channels', r"""
raw_mask = tf.io.decode_png(tf.io.read_file(mask_list[0]), channels=3).numpy()
print("mask array:", raw_mask.shape, raw_mask.dtype)
print("largest value in the green and blue channels:", raw_mask[..., 1:].max())
ids, counts = np.unique(raw_mask[..., 0], return_counts=True)
for k, n in sorted(zip(ids, counts), key=lambda t: -t[1]):
    print(f"  id {k:2d}  {CLASS_NAMES[k]:14s} {100 * n / counts.sum():5.1f} % of the pixels")
""")
    nb.md('md-classes', r"""
The 23 ids are the simulator's classes: 0 unlabeled (here: the hood of our own car), 1 building,
2 fence, 3 other (street props: benches, bins, billboards, kiosks), 4 pedestrian, 5 pole, 6 road line,
7 road, 8 sidewalk, 9 vegetation, 10 vehicle, 11 wall, 12 traffic sign, 13 sky, 14 ground, 15 bridge,
16 rail track, 17 guard rail, 18 traffic light, 19 static, 20 dynamic, 21 water, 22 terrain. The
network has one output per id. Our scenes use 20 of them: at the resolution we train on, the simulator's
split of small props into *static*, *dynamic* and *other* cannot be told apart, so every prop is
*other*, and paved areas beside the street are *sidewalk* rather than *ground*.

### A `tf.data` pipeline

`tf.data.Dataset.from_tensor_slices` turns the two lists of paths into a dataset of pairs of strings.
Two functions are then mapped over it:

- `process_path(image_path, mask_path)` reads both files, decodes the PNGs, converts the picture to
  `float32` in `[0, 1]`, and collapses the mask's three channels with their maximum (the red one), which
  gives a `(480, 640, 1)` mask of class ids;
- `preprocess(image, mask)` resizes both to 96×128 with **nearest-neighbour** sampling. Any other method
  would blend neighbouring values, and a blend of class 7 (road) and class 9 (vegetation) would be class 8
  (sidewalk): nonsense. Nearest neighbour also keeps the mask's `uint8` type.

The datasets are lazy: nothing is read until an element is used.
""")
    nb.code('pipeline', r"""
dataset = tf.data.Dataset.from_tensor_slices((image_list, mask_list))
image_ds = dataset.map(process_path)
processed_image_ds = image_ds.map(preprocess)
print(processed_image_ds.element_spec)
for image, mask in processed_image_ds.take(1):
    print("image", image.shape, image.dtype, " mask", mask.shape, mask.dtype)
display([image, mask])
""")

    # ---------------------------------------------------------------------- 3 — U-Net
    nb.md('md-unet', r"""
<a name="unet"></a>
## 3 — The U-Net

A classifier such as ResNet ends with one vector per picture; a segmenter must end with one vector
**per pixel**: 23 numbers (logits) for each of the 96×128 positions, one per class. U-Net gets there in
two halves.

**The encoder (contracting path)** is an ordinary convolutional network. Each level applies two 3×3
convolutions with ReLU, then a 2×2 max-pooling that halves the height and width; the next level doubles
the number of filters. After four poolings a 96×128 picture has become a 6×8 map with 512 channels:
each position now "sees" a large part of the scene and knows *what* is there (a car, a building front),
but 16×16 pixels share one position, so it no longer knows exactly *where* the edges are.

**The decoder (expanding path)** undoes the shrinking in four steps. Each step uses a **transposed
convolution** with stride 2: every input position paints a learned 3×3 patch onto a grid twice as large
(the patches overlap and are summed), so the map doubles in height and width. Learning these patches
lets the network upsample in a way that suits its features, instead of simply repeating values.

**The skip connections** carry the sharp, early feature maps of each encoder level across the U to the
decoder level of the same size, where they are **concatenated** with the upsampled map along the
channel axis. The decoder's convolutions then combine the two: coarse but meaningful features from
below, precise but local details from the side. Without skips, the decoder would have to guess the
exact outline of a pole from a 6×8 map; with them, it can trace the edges the first layers saw.

Two details matter for the exercises:

- in the two deepest levels a **Dropout** follows the convolutions, and the skip connection is taken
  **after** it, from the very tensor that the max-pooling reads;
- the last level (the bottleneck) does not pool; the network ends with a 3×3 convolution and a **1×1
  convolution** to `n_classes` channels with **no activation**: it returns logits, and the loss applies
  the softmax.

The figure is drawn from the model's numbers: each box is a feature map `height × width × channels`.
""")
    nb.code('diagram', r"""
seg.unet_diagram(input_size=(96, 128, 3), n_filters=32, n_classes=23)
""")

    nb.md('md-ex1', r"""
<a name="ex1"></a>
### Exercise 1 — conv_block (35 points)

Implement one level of the encoder.

| step | code |
|---|---|
| conv 1 | `Conv2D(n_filters, 3, activation='relu', padding='same', kernel_initializer='he_normal')(inputs)` |
| conv 2 | the same, applied to conv 1's output |
| dropout | **only if** `dropout_prob > 0`: `Dropout(dropout_prob)` applied to conv 2's output |
| pooling | if `max_pooling`: `next_layer = MaxPooling2D(pool_size=(2, 2))(conv)`; otherwise `next_layer = conv` |
| skip | `skip_connection = conv` — the tensor after the dropout (when there is one) |

Return `next_layer, skip_connection`. With `max_pooling=False` both are the same tensor.
""")
    nb.exercise(
        'conv_block', number=1, points=35, grade_id='conv_block_graph_switches_and_values',
        solution=r'''
def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    """
    One encoder level of the U-Net: two 3x3 convs, optional dropout, optional 2x2 max-pooling.

    Arguments:
    inputs -- input tensor of shape (m, n_H, n_W, n_C)
    n_filters -- number of filters of both convs
    dropout_prob -- dropout rate; no Dropout layer when it is 0
    max_pooling -- whether to halve the height and width with a 2x2 max-pooling

    Returns:
    next_layer -- the input of the next level: (m, n_H/2, n_W/2, n_filters) with pooling,
                  else the same tensor as skip_connection
    skip_connection -- the map handed to the decoder, (m, n_H, n_W, n_filters)
    """
    ### BEGIN SOLUTION
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(inputs)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)

    # dropout only when asked for; the skip connection is taken after it
    if dropout_prob > 0:
        conv = Dropout(dropout_prob)(conv)

    if max_pooling:
        next_layer = MaxPooling2D(pool_size=(2, 2))(conv)
    else:
        next_layer = conv

    skip_connection = conv
    ### END SOLUTION
    return next_layer, skip_connection
''',
        demo=[
            code('conv_block-demo', r"""
inputs = Input((96, 128, 3))
for p, pool in ((0, True), (0.3, True), (0.3, False)):
    next_layer, skip = conv_block(inputs, 32, dropout_prob=p, max_pooling=pool)
    layers = [row[0] for row in summary(tf.keras.Model(inputs, [next_layer, skip]))[1:]]
    print(f"dropout_prob={p}, max_pooling={pool!s:5}: next {tuple(next_layer.shape)}, skip {tuple(skip.shape)}; "
          f"layers {layers}")
"""),
            markdown('md-ex1-demo', r"""
**Expected output:**

```text
dropout_prob=0, max_pooling=True : next (None, 48, 64, 32), skip (None, 96, 128, 32); layers ['Conv2D', 'Conv2D', 'MaxPooling2D']
dropout_prob=0.3, max_pooling=True : next (None, 48, 64, 32), skip (None, 96, 128, 32); layers ['Conv2D', 'Conv2D', 'Dropout', 'MaxPooling2D']
dropout_prob=0.3, max_pooling=False: next (None, 96, 128, 32), skip (None, 96, 128, 32); layers ['Conv2D', 'Conv2D', 'Dropout']
```

Note what a layer list cannot show: whether the skip connection is the Dropout's output or the second
conv's. Both give the same list, so the graded tests follow the tensors themselves.
"""),
        ])

    nb.md('md-ex2', r"""
<a name="ex2"></a>
### Exercise 2 — upsampling_block (30 points)

Implement one level of the decoder. `expansive_input` comes from the level below (half the height and
width); `contractive_input` is the skip connection of the encoder level of the target size.

| step | code |
|---|---|
| up | `up = Conv2DTranspose(n_filters, 3, strides=2, padding='same')(expansive_input)` — linear, default initializer; doubles the height and width |
| merge | `merge = concatenate([up, contractive_input], axis=3)` — the upsampled tensor **first** |
| convs | two `Conv2D(n_filters, 3, activation='relu', padding='same', kernel_initializer='he_normal')` |

Return the second conv's output.
""")
    nb.exercise(
        'upsampling_block', number=2, points=30, grade_id='upsampling_block_order_axis_and_values',
        solution=r'''
def upsampling_block(expansive_input, contractive_input, n_filters=32):
    """
    One decoder level of the U-Net: upsample, concatenate with the skip connection, two 3x3 convs.

    Arguments:
    expansive_input -- tensor from the level below, (m, n_H, n_W, n_C)
    contractive_input -- skip connection from the encoder, (m, 2 n_H, 2 n_W, n_C_skip)
    n_filters -- number of filters of the transposed conv and of both convs

    Returns:
    conv -- tensor of shape (m, 2 n_H, 2 n_W, n_filters)
    """
    ### BEGIN SOLUTION
    up = Conv2DTranspose(n_filters, 3, strides=2, padding="same")(expansive_input)

    # the upsampled map first, then the skip connection, along the channels
    merge = concatenate([up, contractive_input], axis=3)

    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(merge)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)
    ### END SOLUTION
    return conv
''',
        demo=[
            code('upsampling_block-demo', r"""
expansive, contractive = Input((12, 16, 256)), Input((24, 32, 128))
out = upsampling_block(expansive, contractive, n_filters=128)
for row in summary(tf.keras.Model([expansive, contractive], out)):
    print(row)
"""),
            markdown('md-ex2-demo', r"""
**Expected output:**

```text
['InputLayer', [(None, 12, 16, 256)], 0]
['Conv2DTranspose', (None, 24, 32, 128), 295040]
['InputLayer', [(None, 24, 32, 128)], 0]
['Concatenate', (None, 24, 32, 256), 0]
['Conv2D', (None, 24, 32, 128), 295040, 'same', 'relu', 'HeNormal']
['Conv2D', (None, 24, 32, 128), 147584, 'same', 'relu', 'HeNormal']
```

The transposed conv has `3·3·256·128 + 128 = 295,040` parameters: a 3×3 patch of 128 values for each of
the 256 input channels. The concatenation has 128 + 128 = 256 channels. Swapping its inputs would give
the same list; only the order of the channels differs, which the next conv's weights would see.
"""),
        ])

    nb.md('md-ex3', r"""
<a name="ex3"></a>
### Exercise 3 — unet_model (35 points)

Assemble the network from your blocks (`nf` is `n_filters`):

| part | code |
|---|---|
| input | `inputs = Input(input_size)` |
| encoder | `cblock1 = conv_block(inputs, nf)`; `cblock2 = conv_block(cblock1[0], 2*nf)`; `cblock3 = conv_block(cblock2[0], 4*nf)`; `cblock4 = conv_block(cblock3[0], 8*nf, dropout_prob=0.3)`; `cblock5 = conv_block(cblock4[0], 16*nf, dropout_prob=0.3, max_pooling=False)` |
| decoder | `ublock6 = upsampling_block(cblock5[0], cblock4[1], 8*nf)`; `ublock7 = upsampling_block(ublock6, cblock3[1], 4*nf)`; `ublock8 = upsampling_block(ublock7, cblock2[1], 2*nf)`; `ublock9 = upsampling_block(ublock8, cblock1[1], nf)` |
| head | `conv9` (given); `conv10 = Conv2D(n_classes, 1, padding='same')(conv9)` — no activation |

Each encoder block passes its **first** output (`next_layer`) down and its **second** (`skip_connection`)
across. Return `tf.keras.Model(inputs=inputs, outputs=conv10)`. The height and width of the input must
be divisible by 16 (four poolings).
""")
    nb.exercise(
        'unet_model', number=3, points=35, grade_id='unet_model_structure_skips_and_logits',
        solution=r'''
def unet_model(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    """
    The U-Net: 4 encoder levels with pooling, a bottleneck, 4 decoder levels, a 1x1 conv to logits.

    Arguments:
    input_size -- shape of one input picture, (n_H, n_W, n_C); n_H and n_W divisible by 16
    n_filters -- number of filters of the first level (the levels below use 2, 4, 8, 16 times as many)
    n_classes -- number of classes: the channels of the output

    Returns:
    model -- tf.keras.Model mapping (m, n_H, n_W, n_C) pictures to (m, n_H, n_W, n_classes) logits
    """
    inputs = Input(input_size)
    ### BEGIN SOLUTION
    # encoder: each level doubles the filters; the last two use dropout, the last one does not pool
    cblock1 = conv_block(inputs, n_filters)
    cblock2 = conv_block(cblock1[0], n_filters * 2)
    cblock3 = conv_block(cblock2[0], n_filters * 4)
    cblock4 = conv_block(cblock3[0], n_filters * 8, dropout_prob=0.3)
    cblock5 = conv_block(cblock4[0], n_filters * 16, dropout_prob=0.3, max_pooling=False)

    # decoder: upsample the level below, merge the skip connection of the same size
    ublock6 = upsampling_block(cblock5[0], cblock4[1], n_filters * 8)
    ublock7 = upsampling_block(ublock6, cblock3[1], n_filters * 4)
    ublock8 = upsampling_block(ublock7, cblock2[1], n_filters * 2)
    ublock9 = upsampling_block(ublock8, cblock1[1], n_filters)
    ### END SOLUTION

    conv9 = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(ublock9)

    ### BEGIN SOLUTION
    # one logit per class and pixel: a linear 1x1 conv
    conv10 = Conv2D(n_classes, 1, padding="same")(conv9)
    ### END SOLUTION

    model = tf.keras.Model(inputs=inputs, outputs=conv10)
    return model
''',
        demo=[
            code('unet_model-demo', r"""
img_height, img_width, num_channels = 96, 128, 3
unet = unet_model((img_height, img_width, num_channels))
rows = summary(unet)
print(len(rows), "layers;", f"{unet.count_params():,} parameters")
for k in (0, 3, 12, 16, 17, 18, 30, 34):
    print(k, rows[k])
"""),
            markdown('md-ex3-demo', r"""
**Expected output:**

```text
35 layers; 8,640,471 parameters
0 ['InputLayer', [(None, 96, 128, 3)], 0]
3 ['MaxPooling2D', (None, 48, 64, 32), 0, (2, 2), (2, 2), 'valid']
12 ['Dropout', (None, 12, 16, 256), 0, 0.3]
16 ['Dropout', (None, 6, 8, 512), 0, 0.3]
17 ['Conv2DTranspose', (None, 12, 16, 256), 1179904]
18 ['Concatenate', (None, 12, 16, 512), 0]
30 ['Concatenate', (None, 96, 128, 64), 0]
34 ['Conv2D', (None, 96, 128, 23), 759, 'same', 'linear', 'GlorotUniform']
```

More than half of the 8.6 million parameters sit in the two deepest levels (rows 14, 15, 17 and 19),
where the maps are smallest but the channels most numerous.
"""),
        ])

    # ---------------------------------------------------------------------- 4 — Training
    nb.md('md-train', r"""
<a name="train"></a>
## 4 — Training

### The loss

For every pixel the network returns 23 logits. `SparseCategoricalCrossentropy(from_logits=True)`
applies a softmax to them and takes the negative log-probability of the true class (an integer id,
hence *sparse*: no one-hot masks needed), averaged over all pixels of the batch. The metric
`"accuracy"` is then the share of pixels whose largest logit is the true class: the **pixel accuracy**.

### A short run

The U-Net has 8.6 million parameters and every picture has 12,288 pixels to classify: on two CPU cores
one epoch over a thousand pictures takes several minutes. The course trained the same network for about
two hours (section 5). Here we run a dozen optimiser steps from scratch on the first 32 pictures of
the folder, enough to watch the loss fall and to see what an almost untrained U-Net predicts. The
pipeline is the original's: `cache()` keeps the decoded pairs in memory after the first epoch,
`shuffle` mixes them, `batch` groups them.
""")
    nb.code('compile', r"""
unet.compile(optimizer="adam",
             loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
             metrics=["accuracy"])
""")
    nb.code('train', r"""
EPOCHS = training_epochs(3)
BUFFER_SIZE = 500
BATCH_SIZE = 8      # the original used 32; smaller batches give more steps for the same computation
N_TRAIN = 32        # pictures used for this short run
train_dataset = processed_image_ds.take(N_TRAIN).cache().shuffle(BUFFER_SIZE).batch(BATCH_SIZE)
log = seg.StepLog()
# the dataset shuffles itself: shuffle=False only tells fit not to try
model_history = unet.fit(train_dataset, epochs=EPOCHS, shuffle=False, callbacks=[log], verbose=2)
seg.training_curves(log, title=f"{EPOCHS} epochs over {N_TRAIN} pictures, from scratch")
""")
    nb.md('md-train-2', r"""
The first steps mostly learn the class frequencies: predicting *road* and *sky* everywhere is already
right for about half of the pixels. Telling a pole from a wall needs far more steps than this notebook
can afford.

### Predictions

`create_mask` turns the logits of a batch into a mask: the class with the largest logit at every pixel
(`argmax` over the last axis), with a channel axis added, for the first picture of the batch.
`show_predictions` shows a picture, its true mask and the predicted mask side by side.
""")
    nb.given('show-predictions', r"""
def show_predictions(dataset=None, num=1):
    # Read-only: picture, true mask and predicted mask of `unet` for the first picture of `num` batches
    # of `dataset`, or for one held-out scene when no dataset is given.
    return seg.show_predictions(unet, dataset, num, sample=(X_heldout[0], Y_heldout[0]))
""")
    nb.code('heldout', r"""
X_heldout, Y_heldout = load_heldout(evaluation_images(100))
print("held-out scenes:", X_heldout.shape, Y_heldout.shape)
brief = evaluate_segmentation(unet, X_heldout[:20], Y_heldout[:20])
print(f"after the short run, on 20 of them: pixel accuracy {brief['pixel_accuracy']:.3f}, "
      f"mean IoU {brief['mean_iou']:.3f}")
show_predictions(train_dataset, 1)
""")

    # ---------------------------------------------------------------------- 5 — Evaluation
    nb.md('md-eval', r"""
<a name="eval"></a>
## 5 — The trained network on unseen scenes

The course trained `unet_model()` for about two hours on 3,000 scenes with the script
`scripts/w3a2_train_unet.py`; the model card `datasets/weights/unet_carla.md` gives the data, the
settings, the time and the results. The weights are stored compactly (8-bit integers with a scale per
filter), and every number on the card is measured after that round trip. `load_unet_weights` checks
that **your** model has the structure the weights were trained with, layer by layer, and loads them
into it.

### Measuring a segmentation

Pixel accuracy is dominated by the big classes: a network that never finds a pole loses only the 1 %
of pixels that poles cover. The **intersection over union** of a class, computed over all held-out
pixels, is fairer to small classes:

$$IoU_k = \frac{|\text{predicted } k \cap \text{true } k|}{|\text{predicted } k \cup \text{true } k|}
= \frac{TP_k}{TP_k + FP_k + FN_k}$$

It is 1 only when the class is found everywhere it is and nowhere else. The **mean IoU** averages it
over the classes present in the true masks, so a pole counts as much as the road.

The held-out scenes come from seeds the training never used (split `"test"` of `cnnkit.streets`), as
`process_path` and `preprocess` would give them.
""")
    nb.code('pretrained', r"""
info = load_unet_weights(unet)
result = evaluate_segmentation(unet, X_heldout, Y_heldout)
print(iou_table(result))
""")
    nb.code('iou-figure', r"""
seg.iou_figure(result)
""")
    nb.md('md-predict', r"""
The network with the trained weights on held-out scenes. Look for what it gets wrong: the far end of
the street, where everything is a few pixels tall; thin poles against grey walls; night scenes.
""")
    nb.code('predictions', r"""
heldout_dataset = tf.data.Dataset.from_tensor_slices((X_heldout, Y_heldout)).batch(1)
show_predictions(heldout_dataset, 3)
""")
    nb.code('course-metrics', r"""
COURSE_METRICS = {
    "unet_heldout_pixel_accuracy": float(result["pixel_accuracy"]),
    "unet_heldout_mean_iou": float(result["mean_iou"]),
    "unet_heldout_scenes": int(result["images"]),
    "brief_training_pixel_accuracy": float(brief["pixel_accuracy"]),
    "brief_training_steps": int(len(log.steps)),
    **{"iou_" + name.replace(" ", "_"): float(v) for name, v in result["class_iou"].items()},
}
for name, value in COURSE_METRICS.items():
    print(f"{name:32s} {value:.4f}" if isinstance(value, float) else f"{name:32s} {value}")
""")
    nb.md('md-summary', r"""
### What you learned

- Semantic segmentation classifies every pixel; its labels are masks of class ids, which must be
  resized with nearest-neighbour sampling so that no id is blended with another.
- The U-Net's **encoder** trades resolution for meaning (two 3×3 convs and a 2×2 max-pooling per
  level, twice the filters each time); its **decoder** restores the resolution with stride-2
  transposed convolutions.
- **Skip connections** concatenate each encoder level's map, taken after its dropout, with the
  upsampled map of the same size, upsampled tensor first: they bring back the details the pooling
  threw away.
- The network ends with a linear 1×1 convolution to one logit per class; the loss is the sparse
  categorical cross-entropy from logits, and `argmax` over the classes gives the predicted mask.
- Pixel accuracy flatters a segmenter; per-class IoU and its mean show how it does on the small
  classes that matter for driving.

### References

- O. Ronneberger, P. Fischer, T. Brox, *U-Net: Convolutional Networks for Biomedical Image
  Segmentation* (2015).
- A. Dosovitskiy, G. Ros, F. Codevilla, A. López, V. Koltun, *CARLA: An Open Urban Driving Simulator*
  (2017).
""")
    return nb


if __name__ == "__main__":
    raise SystemExit(main(build))
