"""The one editable source of the notebook ``w2a1_resnets``.

Residual networks: identity and convolutional blocks, ResNet-50 on SIGNS (course 4, week 2, assignment 1).

``python authoring/w2a1_resnets.py`` (or ``python3 course.py build``) writes
``solutions/w2a1_resnets/w2a1_resnets.ipynb``; then ``python3 course.py generate`` makes the student version.
``tests/test_notebooks.py`` fails when the committed notebook differs from what this file builds.
"""
from grading.authoring import Notebook, code, main, markdown


def build() -> Notebook:
    nb = Notebook("w2a1_resnets")

    # ---------------------------------------------------------------------- Residual networks
    nb.md('md-01', r"""
# Residual networks

**Course 4, week 2, assignment 1** — ResNet-50 in Keras.

Deeper networks can, in principle, represent everything a shallower one can and more: the extra
layers could simply copy their input. In practice, stacking more plain layers often makes a
network *harder* to train, and past some depth even the training error gets worse. Residual
networks (He et al., 2015) fix this with one small change: each block adds its input back to its
output, so a block only has to learn a **correction** to the identity.

In this assignment you will:

- measure how the gradient shrinks on its way back through a deep plain network, and see that a
  skip connection keeps it alive;
- build the two building blocks of ResNet with the Functional API — the **identity block** and
  the **convolutional block** — with BatchNormalization driven by an explicit `training` flag;
- assemble **ResNet-50** (50 layers with weights, 177 Keras layers) from those blocks;
- train it briefly on the SIGNS images (hands showing 0 to 5 fingers), then load weights that
  were trained for longer, evaluate them and classify a single picture.

**Table of contents**

- [1 — Setup](#setup)
- [2 — Why very deep plain networks are hard to train](#vanishing)
- [3 — Residual blocks](#blocks)
    - [Exercise 1 — identity_block (35 points)](#ex1)
    - [Exercise 2 — convolutional_block (35 points)](#ex2)
- [4 — ResNet-50](#resnet50)
    - [Exercise 3 — ResNet50 (30 points)](#ex3)
- [5 — Training, pretrained weights and a prediction](#train)

## How this assignment is graded

- **3 exercises, 100 points**: `identity_block` (35), `convolutional_block` (35), `ResNet50` (30).
  Each is graded in its own cell.
- Edit only the cells that contain `raise NotImplementedError()`: replace that line with your code
  inside the function that is already defined, and keep the function's name and arguments.
- The test cell after each exercise runs the **public tests** now and prints `All tests passed.`.
  When your work is graded, **hidden tests** also run: they compare your block's output *values*
  with a reference on random inputs (several sizes, strides 1, 2 and 3, both `training` modes),
  check every layer's settings (kernel size, strides, padding, BatchNormalization axis,
  initializers) and the whole ResNet-50 layer list.
- Your `ResNet50` is graded with correct blocks swapped in, so a mistake in a block costs that
  block's points only.
- Training is not graded. A cell that prints warnings on the error stream can lose its points, so
  keep your code warning-free. Do not add, delete or copy cells.
- The whole notebook runs in about two minutes on a laptop CPU.
""")

    # ---------------------------------------------------------------------- 1 — Setup
    nb.md('md-setup', r"""
<a name="setup"></a>
## 1 — Setup

The setup cell imports TensorFlow quietly and seeds it, and imports what the exercises use:

- the Keras layers `Input`, `Add`, `Dense`, `Activation`, `ZeroPadding2D`, `BatchNormalization`,
  `Flatten`, `Conv2D`, `AveragePooling2D`, `MaxPooling2D`, and `Model`;
- the initializer **factories** `random_uniform` and `glorot_uniform` (call one, e.g.
  `glorot_uniform(seed=0)`, to get an initializer object);
- `load_dataset` and `convert_to_one_hot` for the SIGNS data, `load_pretrained_resnet50` for the
  trained network, `gradient_norms` and `show_residual_blocks` for this assignment's figures, `plots`
  for the generic ones, `summary` for reading a model's layers, and the public tests.
""")
    nb.setup(r"""
from cnnkit.setup import init_notebook, quick_training
init_notebook(tensorflow=True)
import numpy as np
import tensorflow as tf
from tensorflow.keras.layers import (Input, Add, Dense, Activation, ZeroPadding2D, BatchNormalization,
                                     Flatten, Conv2D, AveragePooling2D, MaxPooling2D)
from tensorflow.keras.initializers import random_uniform, glorot_uniform
from tensorflow.keras.models import Model
from cnnkit import plots
from cnnkit.data import load_dataset, convert_to_one_hot
from cnnkit.resnet import load_pretrained_resnet50, gradient_norms, show_residual_blocks
from cnnkit.testing import summary
from public_tests.w2a1 import *
%matplotlib inline
""")

    # ---------------------------------------------------------------------- 2 — Why very deep plain networks are hard to train
    nb.md('md-vanishing', r"""
<a name="vanishing"></a>
## 2 — Why very deep plain networks are hard to train

Backpropagation computes the gradient of the loss for layer 1 by the chain rule: the gradient that
arrives at the output is multiplied, layer after layer, by each layer's local derivative (its
weight matrix times the derivative of its activation). When these factors are mostly smaller than
1, the product **shrinks geometrically** with depth: the layers near the input get almost no
gradient and barely change during training (*vanishing gradients*). When they are mostly larger
than 1, the product blows up (*exploding gradients*). Careful initialisation and BatchNormalization
keep the factors near 1 at the start of training, but they do not remove a second symptom that He
et al. observed: beyond a few dozen layers, a plain network's **training** error goes up with
depth (*degradation*) — the optimiser simply fails to find a solution that a shallower network
plus a few "copy" layers would give.

A **skip connection** changes the local derivative of a block. If a block computes
`a = x + F(x)` instead of `a = F(x)`, then `da/dx = I + dF/dx`: the identity term carries the
gradient back unchanged, whatever `F` does. The block also starts close to the identity function
when `F`'s weights are small, so adding blocks cannot make the starting point worse.

The cell below **measures** this. It builds two networks of 20 layers of width 64 with sigmoid
activations — a textbook case for vanishing gradients, since the sigmoid's slope is at most 1/4 —
one plain and one where every layer's output is added to its input, with the *same* weights. It
then computes the gradient of the loss for one batch and plots the norm of the gradient reaching
each layer's weight matrix.
""")
    nb.code('gradient-norms', r"""
fig = gradient_norms(depth=20, width=64, activation="sigmoid")
plain, residual = fig.norms["plain"], fig.norms["residual"]
print(f"plain network:    layer 1 gets {plain[0]:.2e}, layer 20 gets {plain[-1]:.2e} "
      f"(ratio {plain[0] / plain[-1]:.1e})")
print(f"residual network: layer 1 gets {residual[0]:.2e}, layer 20 gets {residual[-1]:.2e} "
      f"(ratio {residual[0] / residual[-1]:.1e})")
fig
""")
    nb.md('md-vanishing-2', r"""
The plain network's first layer receives a gradient many orders of magnitude smaller than its last
layer: with a learning rate that suits the last layers, the first ones would not move at all. With
skip connections all twenty layers receive gradients of a similar size. (ResNet uses ReLU and
BatchNormalization rather than sigmoids; the skip connections matter there for the same reason once
networks are 50 or more layers deep.)
""")

    # ---------------------------------------------------------------------- 3 — Residual blocks
    nb.md('md-blocks', r"""
<a name="blocks"></a>
## 3 — Residual blocks

ResNet-50 is built from **bottleneck** blocks. The main path of a block has three convolutions:

1. a **1×1** convolution that reduces the number of channels (to `F1`),
2. an **f×f** convolution (`F2` channels, `"same"` padding, so the height and width do not change),
3. a **1×1** convolution that expands the channels again (to `F3`).

Each convolution is followed by BatchNormalization over the channel axis. A ReLU follows the
first two; the third BatchNormalization's output is **added to the shortcut first**, and the ReLU
comes **after the addition**. Putting the ReLU before the addition would force the correction `F(x)`
to be non-negative, and putting the addition after the final ReLU would let negative values of the
shortcut pass through: either way the block is no longer `ReLU(x + F(x))`.

There are two kinds of block, depending on whether the shortcut can be the input itself:

- the **identity block** is used when the input and the output have the same shape (same height,
  width and number of channels `F3`): the shortcut is `X` itself;
- the **convolutional block** is used when the shape changes: the first 1×1 convolution of the
  main path has strides `(s, s)`, and the shortcut gets its own **1×1 convolution with strides
  `(s, s)` and `F3` filters, followed by BatchNormalization**, so that both paths have the same
  shape at the addition.
""")
    nb.code('block-diagrams', r"""
show_residual_blocks()
""")
    nb.md('md-bn', r"""
### BatchNormalization and the `training` flag

A BatchNormalization layer normalises each channel, `γ · (x − μ) / √(σ² + ε) + β`, where `γ` and
`β` are learned. Which `μ` and `σ²` it uses depends on the mode:

- **training mode** (`training=True`): the mean and variance of the current batch, over the
  examples, rows and columns of each channel; at the same time it updates **moving averages** of
  these statistics;
- **inference mode** (`training=False`): the moving averages, so that a prediction for one image
  does not depend on which other images are in the batch.

Your blocks take a `training` argument and must pass it on to **every** BatchNormalization call:
`BatchNormalization(axis=3)(X, training=training)`. (In Keras 3, `model.fit` and
`model.predict` set the mode of the whole model themselves; the flag matters when a block is
called directly, as the tests do.)

### Initializers as factories

The blocks also take an `initializer` argument: a **factory** such as `random_uniform` or
`glorot_uniform`. Call it once for each convolution you create, always with `seed=0`:
`Conv2D(..., kernel_initializer=initializer(seed=0))`. The seed makes the block reproducible, and
the tests pass their own factory to check the values your block computes.

### Layer names the tests expect

Use `Activation('relu')` layers for the ReLUs (not `ReLU()` layers and not `activation=` inside the
convolutions), `Add()` for the addition, and `BatchNormalization(axis=3)`: the expected layer list
shows `Activation`, `Add` and `BatchNormalization` rows.
""")
    nb.md('md-ex1', r"""
<a name="ex1"></a>
### Exercise 1 — identity_block (35 points)

Implement the identity block. `X` has shape `(m, n_H, n_W, F3)`; the output has the same shape.

| step | layers |
|---|---|
| save the shortcut | `X_shortcut = X` |
| first component | `Conv2D(F1, (1, 1), strides=(1, 1), padding='valid', kernel_initializer=initializer(seed=0))`, `BatchNormalization(axis=3)(…, training=training)`, `Activation('relu')` |
| second component | `Conv2D(F2, (f, f), strides=(1, 1), padding='same', …)`, BatchNormalization, `Activation('relu')` |
| third component | `Conv2D(F3, (1, 1), strides=(1, 1), padding='valid', …)`, BatchNormalization — **no ReLU** |
| merge | `Add()([X, X_shortcut])`, then `Activation('relu')` |

Call each layer on a tensor with the Functional API: `X = Conv2D(...)(X)`.
""")
    nb.exercise(
        'identity_block', number=1, points=35, grade_id='identity_block_values_and_training_flag',
        solution=r'''
def identity_block(X, f, filters, training=True, initializer=random_uniform):
    """
    Identity block of ResNet: three conv components on the main path, the input itself as shortcut.

    Arguments:
    X -- input tensor of shape (m, n_H, n_W, n_C), with n_C == F3
    f -- integer, kernel size of the middle conv of the main path
    filters -- list of three integers [F1, F2, F3], the number of filters of the three convs
    training -- True: BatchNormalization uses the batch's statistics; False: its moving averages
    initializer -- initializer factory; each conv uses initializer(seed=0)

    Returns:
    X -- output of the block, a tensor of shape (m, n_H, n_W, F3)
    """
    F1, F2, F3 = filters
    X_shortcut = X
    ### BEGIN SOLUTION
    # component 1: shrink the channels
    X = Conv2D(filters=F1, kernel_size=(1, 1), strides=(1, 1), padding="valid",
               kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    # component 2: the spatial f x f filter, size kept by 'same' padding
    X = Conv2D(filters=F2, kernel_size=(f, f), strides=(1, 1), padding="same",
               kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    # component 3: expand back to F3 channels; the ReLU waits until after the addition
    X = Conv2D(filters=F3, kernel_size=(1, 1), strides=(1, 1), padding="valid",
               kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    # merge the shortcut, then the final ReLU
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    ### END SOLUTION
    return X
''',
        demo=[
            code('identity_block-demo', r"""
X_demo = np.random.default_rng(0).normal(size=(3, 4, 4, 6)).astype(np.float32)
out_train = identity_block(X_demo, f=2, filters=[2, 3, 6], training=True, initializer=glorot_uniform)
out_infer = identity_block(X_demo, f=2, filters=[2, 3, 6], training=False, initializer=glorot_uniform)
print("output shape:", tuple(out_train.shape))
print("training=True,  first example, first row, channel 0:", np.round(out_train[0, 0, :, 0].numpy(), 4))
print("training=False, first example, first row, channel 0:", np.round(out_infer[0, 0, :, 0].numpy(), 4))
"""),
            markdown('md-ex1-demo', r"""
The two modes give different numbers: in training mode each channel of the third BatchNormalization
is normalised with the statistics of these three examples, in inference mode with the moving
averages of freshly created layers (mean 0, variance 1), which almost leaves the values as they
are. All values are non-negative because the block ends with a ReLU.
"""),
        ])
    nb.md('md-ex2', r"""
<a name="ex2"></a>
### Exercise 2 — convolutional_block (35 points)

Implement the convolutional block. With input `(m, n_H, n_W, n_C)` the output has shape
`(m, ⌈n_H / s⌉, ⌈n_W / s⌉, F3)`.

| step | layers |
|---|---|
| save the shortcut | `X_shortcut = X` |
| first component | `Conv2D(F1, (1, 1), strides=(s, s), padding='valid', kernel_initializer=initializer(seed=0))`, `BatchNormalization(axis=3)(…, training=training)`, `Activation('relu')` |
| second component | `Conv2D(F2, (f, f), strides=(1, 1), padding='same', …)`, BatchNormalization, `Activation('relu')` |
| third component | `Conv2D(F3, (1, 1), strides=(1, 1), padding='valid', …)`, BatchNormalization — no ReLU |
| shortcut path | `Conv2D(F3, (1, 1), strides=(s, s), padding='valid', …)` applied to `X_shortcut`, then BatchNormalization |
| merge | `Add()([X, X_shortcut])`, then `Activation('relu')` |

The stride goes on the **first** 1×1 convolution of the main path (not on the f×f one) and on the
shortcut's convolution. Each of the four convolutions gets its own `initializer(seed=0)`.
""")
    nb.exercise(
        'convolutional_block', number=2, points=35, grade_id='convolutional_block_values_strides_and_shortcut',
        solution=r'''
def convolutional_block(X, f, filters, s=2, training=True, initializer=glorot_uniform):
    """
    Convolutional block of ResNet: like the identity block, with a strided 1x1 conv + BN on the shortcut.

    Arguments:
    X -- input tensor of shape (m, n_H, n_W, n_C)
    f -- integer, kernel size of the middle conv of the main path
    filters -- list of three integers [F1, F2, F3], the number of filters of the main path's convs
    s -- integer, stride of the first 1x1 conv and of the shortcut's conv
    training -- True: BatchNormalization uses the batch's statistics; False: its moving averages
    initializer -- initializer factory; each conv uses initializer(seed=0)

    Returns:
    X -- output of the block, a tensor of shape (m, ceil(n_H / s), ceil(n_W / s), F3)
    """
    F1, F2, F3 = filters
    X_shortcut = X
    ### BEGIN SOLUTION
    # main path, component 1: the stride s sits here
    X = Conv2D(filters=F1, kernel_size=(1, 1), strides=(s, s), padding="valid",
               kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    # component 2
    X = Conv2D(filters=F2, kernel_size=(f, f), strides=(1, 1), padding="same",
               kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    # component 3, no ReLU yet
    X = Conv2D(filters=F3, kernel_size=(1, 1), strides=(1, 1), padding="valid",
               kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    # shortcut: project to F3 channels with the same stride
    X_shortcut = Conv2D(filters=F3, kernel_size=(1, 1), strides=(s, s), padding="valid",
                        kernel_initializer=initializer(seed=0))(X_shortcut)
    X_shortcut = BatchNormalization(axis=3)(X_shortcut, training=training)
    # merge, then the final ReLU
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    ### END SOLUTION
    return X
''',
        demo=[
            code('convolutional_block-demo', r"""
X_demo = np.random.default_rng(1).normal(size=(2, 7, 9, 3)).astype(np.float32)
for s in (1, 2, 3):
    out = convolutional_block(X_demo, f=3, filters=[2, 4, 6], s=s, training=False)
    print(f"s={s}: input {X_demo.shape} -> output {tuple(out.shape)}")
"""),
            markdown('md-ex2-demo', r"""
**Expected output:**

```text
s=1: input (2, 7, 9, 3) -> output (2, 7, 9, 6)
s=2: input (2, 7, 9, 3) -> output (2, 4, 5, 6)
s=3: input (2, 7, 9, 3) -> output (2, 3, 3, 6)
```

A 1×1 convolution with stride `s` and `"valid"` padding keeps every `s`-th row and column, starting
with the first, which gives `⌈n / s⌉` of them.
"""),
        ])

    # ---------------------------------------------------------------------- 4 — ResNet-50
    nb.md('md-ex3', r"""
<a name="resnet50"></a>
## 4 — ResNet-50

<a name="ex3"></a>
### Exercise 3 — ResNet50 (30 points)

Assemble the network from your blocks. "CONVBLOCK" is `convolutional_block`, "IDBLOCK" is
`identity_block`; call both with their **default** `training` and `initializer` (so identity blocks
get `random_uniform` and convolutional blocks `glorot_uniform`), with `f=3`.

| stage | layers | output for a 64×64×3 input |
|---|---|---|
| input | `X_input = Input(input_shape)`, `ZeroPadding2D((3, 3))` | 70×70×3 |
| 1 | `Conv2D(64, (7, 7), strides=(2, 2), kernel_initializer=glorot_uniform(seed=0))`, `BatchNormalization(axis=3)`, `Activation('relu')`, `MaxPooling2D((3, 3), strides=(2, 2))` | 15×15×64 |
| 2 | CONVBLOCK `[64, 64, 256]`, **s = 1**; 2 × IDBLOCK `[64, 64, 256]` | 15×15×256 |
| 3 | CONVBLOCK `[128, 128, 512]`, s = 2; 3 × IDBLOCK `[128, 128, 512]` | 8×8×512 |
| 4 | CONVBLOCK `[256, 256, 1024]`, s = 2; 5 × IDBLOCK `[256, 256, 1024]` | 4×4×1024 |
| 5 | CONVBLOCK `[512, 512, 2048]`, s = 2; 2 × IDBLOCK `[512, 512, 2048]` | 2×2×2048 |
| head | `AveragePooling2D((2, 2))`, `Flatten()`, `Dense(classes, activation='softmax', kernel_initializer=glorot_uniform(seed=0))` | `classes` |

Return `Model(inputs=X_input, outputs=X)`. Counting the convolutions and the Dense layer: 1 + 3·16 + 4
(the shortcut convolutions) + 1 = 54 layers with weights, of which the "50" counts the 49 on the
main path plus the Dense layer.
""")
    nb.exercise(
        'ResNet50', number=3, points=30, grade_id='ResNet50_full_layer_list',
        solution=r'''
def ResNet50(input_shape=(64, 64, 3), classes=6):
    """
    ResNet-50: stage 1, four stages of residual blocks, average pooling and a softmax layer.

    Arguments:
    input_shape -- shape of one image, (n_H, n_W, n_C)
    classes -- number of classes

    Returns:
    model -- a tf.keras.Model, not compiled
    """
    X_input = Input(input_shape)
    X = ZeroPadding2D((3, 3))(X_input)

    ### BEGIN SOLUTION
    # stage 1
    X = Conv2D(64, (7, 7), strides=(2, 2), kernel_initializer=glorot_uniform(seed=0))(X)
    X = BatchNormalization(axis=3)(X)
    X = Activation("relu")(X)
    X = MaxPooling2D((3, 3), strides=(2, 2))(X)

    # stage 2
    X = convolutional_block(X, f=3, filters=[64, 64, 256], s=1)
    X = identity_block(X, 3, [64, 64, 256])
    X = identity_block(X, 3, [64, 64, 256])

    # stage 3
    X = convolutional_block(X, f=3, filters=[128, 128, 512], s=2)
    for _ in range(3):
        X = identity_block(X, 3, [128, 128, 512])

    # stage 4
    X = convolutional_block(X, f=3, filters=[256, 256, 1024], s=2)
    for _ in range(5):
        X = identity_block(X, 3, [256, 256, 1024])

    # stage 5
    X = convolutional_block(X, f=3, filters=[512, 512, 2048], s=2)
    for _ in range(2):
        X = identity_block(X, 3, [512, 512, 2048])

    # head
    X = AveragePooling2D((2, 2))(X)
    X = Flatten()(X)
    X = Dense(classes, activation="softmax", kernel_initializer=glorot_uniform(seed=0))(X)
    ### END SOLUTION

    model = Model(inputs=X_input, outputs=X)
    return model
''',
        demo=[
            code('ResNet50-demo', r"""
model = ResNet50(input_shape=(64, 64, 3), classes=6)
rows = summary(model)
print(len(rows), "layers;", f"{model.count_params():,} parameters")
for k in (0, 1, 2, 5, 17, 49, 91, 153, 176):
    print(k, rows[k])
"""),
            markdown('md-ex3-demo', r"""
**Expected output:**

```text
177 layers; 23,600,006 parameters
0 ['InputLayer', [(None, 64, 64, 3)], 0]
1 ['ZeroPadding2D', (None, 70, 70, 3), 0, ((3, 3), (3, 3))]
2 ['Conv2D', (None, 32, 32, 64), 9472, 'valid', 'linear', 'GlorotUniform']
5 ['MaxPooling2D', (None, 15, 15, 64), 0, (3, 3), (2, 2), 'valid']
17 ['Activation', (None, 15, 15, 256), 0]
49 ['Activation', (None, 8, 8, 512), 0]
91 ['Activation', (None, 4, 4, 1024), 0]
153 ['Activation', (None, 2, 2, 2048), 0]
176 ['Dense', (None, 6), 12294, 'softmax']
```

Rows 17, 49, 91 and 153 are the outputs of the four convolutional blocks. Of the 23.6 million
parameters, 53,120 are the BatchNormalization moving means and variances, which are not trained by
gradient descent.
"""),
        ])

    # ---------------------------------------------------------------------- 5 — Training, pretrained weights and a prediction
    nb.md('md-train', r"""
<a name="train"></a>
## 5 — Training, pretrained weights and a prediction

### The SIGNS data

The images are 64×64 colour pictures of a hand showing 0 to 5 fingers, 1080 for training and 120
for testing (the course generates them with its own code). Pixels are scaled to `[0, 1]` and the
labels are turned into one-hot rows.
""")
    nb.code('data', r"""
X_train_orig, Y_train_orig, X_test_orig, Y_test_orig, classes = load_dataset()
X_train = X_train_orig / 255.
X_test = X_test_orig / 255.
Y_train = convert_to_one_hot(Y_train_orig, 6).T
Y_test = convert_to_one_hot(Y_test_orig, 6).T
print("X_train:", X_train.shape, " Y_train:", Y_train.shape)
print("X_test: ", X_test.shape, " Y_test: ", Y_test.shape)
plots.image_grid(X_train_orig, Y_train_orig, n=12, cols=6)
""")
    nb.md('md-train-2', r"""
### A short training run

ResNet-50 has 23.6 million parameters; one epoch over the 1080 training images takes about a minute
on two CPU cores, and the course's weights below took 20 epochs. To keep this notebook quick, the cell
below only shows the mechanics: **one epoch on the first 96 images** (32 when the course's
automatic checks run it), i.e. 3 optimiser steps. Expect a high loss and a test accuracy
near chance (1/6).

`run_eagerly=True` makes Keras run the training step as ordinary Python instead of first compiling it
into a TensorFlow graph. For a long training run the graph is faster, but compiling the step of a
177-layer network takes longer than the few steps we run here.
""")
    nb.code('train', r"""
model = ResNet50(input_shape=(64, 64, 3), classes=6)
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"], run_eagerly=True)
n_train = 32 if quick_training() else 96
history = model.fit(X_train[:n_train], Y_train[:n_train], epochs=1, batch_size=32, verbose=2)
brief_loss, brief_accuracy = model.evaluate(X_test, Y_test, batch_size=120, verbose=0)
print(f"after one short epoch: test loss {brief_loss:.3f}, test accuracy {brief_accuracy:.3f}")
""")
    nb.md('md-pretrained', r"""
### Loading trained weights

The course trained the same network for longer (the script `scripts/w2a1_train_resnet50.py`; the
model card `datasets/weights/resnet50_signs.md` lists the data, epochs, time and accuracy). To keep
the repository small, the weights are stored compactly: every convolution and Dense kernel as 8-bit
integers with one scale per output channel, the BatchNormalization values as 32-bit floats. The
accuracy on the model card is measured after that round trip, on exactly the weights you load here.

`load_pretrained_resnet50()` reads the same architecture as your `ResNet50` from a saved Keras model
configuration (no Python code of the network ships with the course), checks both files' SHA-256
hashes against the course's manifest and loads the weights. (If you have the original course's model file, put it in
`datasets/` as `resnet50.h5`: the loader tries it first and says which weights it used.)
""")
    nb.code('pretrained', r"""
pretrained = load_pretrained_resnet50()
pretrained_loss, pretrained_accuracy = pretrained.evaluate(X_test, Y_test, batch_size=120, verbose=0)
print(f"pretrained weights: test loss {pretrained_loss:.3f}, test accuracy {pretrained_accuracy:.3f}")
""")
    nb.md('md-predict', r"""
### Classifying one picture

A Keras model takes a batch, so a single image is given an extra leading axis of size 1. Calling
the model on it with `training=False` (what `model.predict` does for each batch) gives one row of six
probabilities.
""")
    nb.code('predict', r"""
k = int(np.flatnonzero(Y_test_orig[0] == 3)[0])   # the first test picture showing three fingers
image = X_test[k:k + 1]
probabilities = pretrained(image, training=False).numpy()[0]
print("true label:", int(Y_test_orig[0, k]), "  predicted:", int(np.argmax(probabilities)))
plots.show_prediction(X_test_orig[k], probabilities,
                      title=f"true: {int(Y_test_orig[0, k])} fingers, predicted: {int(np.argmax(probabilities))}")
""")
    nb.code('course-metrics', r"""
COURSE_METRICS = {
    "resnet50_pretrained_test_accuracy": float(pretrained_accuracy),
    "resnet50_brief_training_test_accuracy": float(brief_accuracy),
    "resnet50_brief_training_images": int(n_train),
}
for name, value in COURSE_METRICS.items():
    print(f"{name:40s} {value:.4f}" if isinstance(value, float) else f"{name:40s} {value}")
""")
    nb.md('md-summary', r"""
### What you learned

- Gradients reach the first layers of a deep plain network through a long product of local
  derivatives, and they can vanish (or explode) on the way; a skip connection adds an identity
  term to every block's derivative and keeps them alive.
- A residual block computes `ReLU(shortcut + F(X))`: the main path learns a correction, the
  addition comes after the last BatchNormalization and before the final ReLU.
- The **identity block** uses `X` itself as the shortcut; the **convolutional block** changes the
  shape with strided 1×1 convolutions on both paths, plus BatchNormalization on the shortcut.
- BatchNormalization normalises with batch statistics in training mode and with moving averages in
  inference mode; a block passes its `training` flag to every BatchNormalization call.
- ResNet-50 stacks one convolutional block and several identity blocks per stage; it is too big to
  train well in a couple of minutes on a CPU, so loading weights trained elsewhere is the practical
  route.
""")
    return nb


if __name__ == "__main__":
    raise SystemExit(main(build))
