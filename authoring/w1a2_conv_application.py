"""The one editable source of the notebook ``w1a2_conv_application``.

Keras: the Happy House (Sequential API) and SIGNS (Functional API) (course 4, week 1, assignment 2).

``python authoring/w1a2_conv_application.py`` (or ``python3 course.py build``) writes
``solutions/w1a2_conv_application/w1a2_conv_application.ipynb``; then ``python3 course.py generate`` makes the student version.
``tests/test_notebooks.py`` fails when the committed notebook differs from what this file builds.
"""
from grading.authoring import Notebook, code, main, markdown


def build() -> Notebook:
    nb = Notebook("w1a2_conv_application")

    # ---------------------------------------------------------------------- Convolutional networks in Keras: the Happy House and SIGNS
    nb.md('md-01', r"""
# Convolutional networks in Keras: the Happy House and SIGNS

**Course 4, week 1, assignment 2** — TensorFlow and Keras.

In the previous assignment you wrote convolution and pooling layers yourself, loop by loop. From
now on a framework does that work: Keras provides the same layers, vectorized, with their
gradients computed for you, and it runs the training loop. Your job moves up one level: you decide
**which layers** to stack, **how they are connected**, and **how the network is trained**.

You will build and train two small convolutional networks:

- **Happy House** — a binary classifier that tells whether the person in a picture is smiling.
  You write it with the **Sequential API**, where a model is a plain list of layers.
- **SIGNS** — a six-class classifier that reads how many fingers a hand holds up (0 to 5). You
  write it with the **Functional API**, where you wire the layers together yourself.

By the end you will be able to:

- load an image dataset, scale its pixels and put its labels in the form a loss function expects
  (one column of 0/1 values, or one-hot rows);
- say when the Sequential API is enough and why the Functional API is needed for networks with
  branches and skip connections (next week's ResNets);
- pick the output layer and the loss that go together: sigmoid with binary cross-entropy, softmax
  with categorical cross-entropy;
- train with `fit`, measure accuracy on held-out images with `evaluate`, and read the training and
  validation curves to spot over- and under-fitting;
- read a model summary: output shapes, parameter counts, and which layers have weights at all.
""")

    # ---------------------------------------------------------------------- Table of contents
    nb.md('md-02', r"""
## Table of contents

- [1 — Setup](#setup)
- [2 — Two ways to build a Keras model](#apis)
- [3 — The Happy House (Sequential API)](#happy)
    - [Exercise 1 — happyModel (50 points)](#ex1)
    - [Train, evaluate, look at the mistakes](#happy-train)
- [4 — SIGNS (Functional API)](#signs)
    - [Exercise 2 — convolutional_model (50 points)](#ex2)
    - [Train, evaluate, look at the mistakes](#signs-train)
- [5 — Your results, and what you learned](#wrapup)

## How this assignment is graded

- There are **2 exercises worth 100 points** in total, 50 points each. Each exercise is graded in
  its own cell.
- Each exercise has **one cell for you to edit**: replace the line `raise NotImplementedError()`
  with your code, inside the function that is already defined. Keep the function's name and its
  argument exactly as they are, and **return the model without compiling it**.
- After each exercise there is a demo cell and a **test cell**. The test cell runs the **public
  tests** immediately and prints `All tests passed.` when they succeed. When your work is graded,
  the same cell also runs **hidden tests**: they compare every layer of your model with the
  description (kernel sizes, strides, padding, pool sizes, initializers, activations,
  BatchNormalization's axis, the ReLU layer's settings), try other input shapes, and check that a
  few training steps on a small batch reduce the loss.
- The training cells are **not** graded: the accuracy you reach does not change your score. They
  are there so that you see your network learn.
- Do not add, delete or copy cells, and do not edit the test cells.
- A cell that prints warnings (text on the error stream) can lose its points even when the model
  is right, so keep your code warning-free. Section 2 shows the one Keras warning you are most
  likely to meet, and how to avoid it.
- Before you submit, run **Kernel → Restart Kernel and Run All Cells** and check that both test
  cells print `All tests passed.` The whole notebook runs in about a minute and a half on an
  ordinary laptop CPU; no GPU is needed.
""")

    # ---------------------------------------------------------------------- 1 — Setup
    nb.md('md-03', r"""
<a name="setup"></a>
## 1 — Setup

Run the cell below first. It imports TensorFlow without log noise, seeds the random generators,
and imports the course helpers:

- `tfl` is short for `tensorflow.keras.layers`: you will write `tfl.Conv2D(...)`, `tfl.ReLU()`…
- `load_happy_dataset`, `load_signs_dataset` and `convert_to_one_hot` read and prepare the data;
- `plots` draws the figures (sample images, training curves, misclassified images);
- `summary` turns a model into one short row per layer (`comparator` compares two such lists), and
  the `*_test` functions are the public tests;
- `training_epochs(n)` returns `n`. The course's own automatic checks set an environment variable
  that makes it return 1, so that they run quickly; you do not need to do anything about it.
""")
    nb.setup(r"""
from cnnkit.setup import init_notebook, training_epochs
init_notebook(tensorflow=True)
import numpy as np
import tensorflow as tf
import tensorflow.keras.layers as tfl
import matplotlib.pyplot as plt
from cnnkit import plots
from cnnkit.data import load_happy_dataset, load_signs_dataset, convert_to_one_hot
from cnnkit.testing import summary, comparator
from public_tests.w1a2 import *
%matplotlib inline
""")

    # ---------------------------------------------------------------------- 2 — Two ways to build a Keras model
    nb.md('md-04', r"""
<a name="apis"></a>
## 2 — Two ways to build a Keras model

A Keras **model** is a set of layers plus the description of how data flows between them. Keras
offers two ways to write that description down.

### The Sequential API: a list of layers

`tf.keras.Sequential([...])` takes a list. The data enters the first layer, the output of each
layer is the input of the next one, and the output of the last layer is the model's output:

```python
toy = tf.keras.Sequential([
    tf.keras.Input(shape=(10,)),        # what one example looks like (the batch axis is implicit)
    tfl.Dense(4),
    tfl.ReLU(),
    tfl.Dense(3, activation="softmax"),
])
```

That is all it can express: **one input, one output, and a single straight path** between them.
For many networks, like the Happy House model below, that is exactly what you need, and the list
reads like the network's diagram.

### The Functional API: call layers like functions

In the Functional API you create a symbolic input tensor, **call** each layer on a tensor to get
a new tensor, and finally tell `tf.keras.Model` where the graph starts and ends:

```python
inputs = tf.keras.Input(shape=(10,))
h = tfl.Dense(4)(inputs)              # a layer object, called on a tensor
h = tfl.ReLU()(h)
outputs = tfl.Dense(3, activation="softmax")(h)
toy = tf.keras.Model(inputs=inputs, outputs=outputs)
```

This builds the same network as above. The difference is that *you* say which tensor goes into
which layer, so nothing forces the path to be a straight line. A tensor can feed two layers, two
paths can be merged with `tfl.Add()` or `tfl.Concatenate()`, a model can have several inputs or
outputs, and one layer can be reused in several places. Next week's residual networks add a
layer's input to its output (a **skip connection**); the U-Net of week 3 concatenates early
feature maps with late ones. Neither fits in a list, and both are a few lines in the Functional
API.

| | Sequential | Functional |
|---|---|---|
| how you write it | a list of layers | layers called on tensors, then `tf.keras.Model(inputs=..., outputs=...)` |
| topology | one straight path | any directed acyclic graph |
| inputs / outputs | exactly one of each | as many as you need |
| skip connections, branches, shared layers | no | yes |
| in this notebook | `happyModel` | `convolutional_model` |

Both kinds of model are trained, evaluated and saved with exactly the same methods (`compile`,
`fit`, `evaluate`, `predict`).

### A Keras 3 detail: declare the input with `tf.keras.Input`

Older tutorials give the input shape to the first layer, for example
`tfl.ZeroPadding2D(padding=3, input_shape=(64, 64, 3))`. Keras 3 still accepts this, but it
prints a `UserWarning` on the error stream every time the model is built, and under the grader a
cell with text on the error stream can lose its points. Start the list with
`tf.keras.Input(shape=(64, 64, 3))` instead, as in the examples above. An `Input` is not a layer
with weights: a Sequential model does not even list it in `model.layers`.

The cell below builds a toy model both ways, and then a third model with a skip connection that
only the Functional API can describe. Look at the rows `summary` prints: the class of each layer,
its output shape (`None` stands for the batch size, which is not fixed) and its number of
parameters.
""")
    nb.code('apis-demo', r"""
tf.keras.utils.set_random_seed(0)

toy_sequential = tf.keras.Sequential([
    tf.keras.Input(shape=(10,)),
    tfl.Dense(4),
    tfl.ReLU(),
    tfl.Dense(3, activation="softmax"),
])

inputs = tf.keras.Input(shape=(10,))
h = tfl.Dense(4)(inputs)
h = tfl.ReLU()(h)
outputs = tfl.Dense(3, activation="softmax")(h)
toy_functional = tf.keras.Model(inputs=inputs, outputs=outputs)

print("Sequential:")
for row in summary(toy_sequential):
    print("  ", row)
print("Functional (the InputLayer is listed too):")
for row in summary(toy_functional):
    print("  ", row)

# A skip connection: the block's input is added to its output.
inputs = tf.keras.Input(shape=(10,))
h = tfl.Dense(10)(inputs)
h = tfl.ReLU()(h)
h = tfl.Add()([h, inputs])
outputs = tfl.Dense(3, activation="softmax")(h)
toy_skip = tf.keras.Model(inputs=inputs, outputs=outputs)
print("With a skip connection:")
for row in summary(toy_skip):
    print("  ", row)
""")
    nb.md('apis-demo-expected', r"""
**Expected output:**

```text
Sequential:
   ['Dense', (None, 4), 44, 'linear']
   ['ReLU', (None, 4), 0]
   ['Dense', (None, 3), 15, 'softmax']
Functional (the InputLayer is listed too):
   ['InputLayer', [(None, 10)], 0]
   ['Dense', (None, 4), 44, 'linear']
   ['ReLU', (None, 4), 0]
   ['Dense', (None, 3), 15, 'softmax']
With a skip connection:
   ['InputLayer', [(None, 10)], 0]
   ['Dense', (None, 10), 110, 'linear']
   ['ReLU', (None, 10), 0]
   ['Add', (None, 10), 0]
   ['Dense', (None, 3), 33, 'softmax']
```

A `Dense` layer from 10 inputs to 4 units has `10 · 4` weights and 4 biases: 44 parameters. `ReLU`
and `Add` only compute, so they have none.
""")

    # ---------------------------------------------------------------------- 3 — The Happy House (Sequential API)
    nb.md('md-05', r"""
<a name="happy"></a>
## 3 — The Happy House (Sequential API)

A group of friends shares a house with one house rule: whoever comes in has to be in a good mood.
A camera at the front door takes a 64 × 64 colour picture of every visitor, and the door should
open only for people who **smile**. Your first network makes that decision.

The dataset has 600 training pictures and 150 test pictures, each labelled 1 (smiling) or 0 (not
smiling); the two classes are about equally frequent. Unless you placed the original course files
in the `datasets/` folder, the pictures are **synthetic**: the course draws them from a fixed
seed, with varied faces, hair, glasses and hats, head positions and tilts, lighting, rooms in the
background, and some hard cases — faint smiles, neutral faces, a hand or a cup in front of the
face. The loader prints one line that says which files it used.

The loader returns the labels as a row of shape `(1, m)`. Keras wants one label per example,
**one example per row**, so the labels are transposed into a column of shape `(m, 1)`. The pixels
are divided by 255 so that every value lies in `[0, 1]`: inputs of a moderate size keep the first
training steps well behaved.
""")
    nb.code('happy-data', r"""
X_train_orig, Y_train_orig, X_test_orig, Y_test_orig, classes = load_happy_dataset()

# Normalize the pixels to [0, 1] and put one label per row.
X_train = X_train_orig / 255.
X_test = X_test_orig / 255.
Y_train = Y_train_orig.T
Y_test = Y_test_orig.T

print("number of training examples =", X_train.shape[0])
print("number of test examples =", X_test.shape[0])
print("X_train shape:", X_train.shape)
print("Y_train shape:", Y_train.shape)
print("X_test shape:", X_test.shape)
print("Y_test shape:", Y_test.shape)
print("pixel range after scaling:", X_train.min(), "to", X_train.max())
print("fraction of smiling people (train):", round(float(Y_train.mean()), 3))
""")
    nb.md('happy-data-expected', r"""
**Expected output** (after the line that names the data source; the last line depends on the
data set):

```text
number of training examples = 600
number of test examples = 150
X_train shape: (600, 64, 64, 3)
Y_train shape: (600, 1)
X_test shape: (150, 64, 64, 3)
Y_test shape: (150, 1)
pixel range after scaling: 0.0 to 1.0
fraction of smiling people (train): ...
```

Here are the first 16 training pictures with their labels. Can you see what a network has to
look at, and what it should ignore?
""")
    nb.code('happy-grid', r"""
plots.image_grid(X_train_orig, Y_train_orig, class_names=["not smiling", "smiling"],
                 title="Happy House: the first 16 training pictures")
""")
    nb.md('md-06', r"""
<a name="ex1"></a>
### Exercise 1 — happyModel (50 points)

Build the Happy House classifier with the **Sequential API**: the function returns a
`tf.keras.Sequential` model made of these layers, in this order.

| # | layer | settings | output shape |
|---|---|---|---|
| – | `tf.keras.Input` | `shape=(64, 64, 3)` | `(None, 64, 64, 3)` |
| 1 | `ZeroPadding2D` | `padding=3` | `(None, 70, 70, 3)` |
| 2 | `Conv2D` | 32 filters of size 7 × 7, stride 1, `"valid"` padding (the default), **no activation** | `(None, 64, 64, 32)` |
| 3 | `BatchNormalization` | `axis=3`, the channel axis | `(None, 64, 64, 32)` |
| 4 | `ReLU` | **a `ReLU` layer**, with its default settings | `(None, 64, 64, 32)` |
| 5 | `MaxPool2D` | the defaults: a 2 × 2 window, stride 2 | `(None, 32, 32, 32)` |
| 6 | `Flatten` | | `(None, 32768)` |
| 7 | `Dense` | 1 unit, `activation="sigmoid"` | `(None, 1)` |

A few things to notice:

- **Padding, then a "valid" convolution.** The 3-pixel border of zeros turns 64 × 64 into 70 × 70,
  and the 7 × 7 filters fit `70 − 7 + 1 = 64` times along each axis: the same size as the input.
  (It is the `(f − 1) / 2` rule of the previous assignment, written as an explicit layer.)
- **The activation is its own layer.** The convolution stays linear (no `activation=` argument),
  its output is normalized, and only then comes **a `ReLU` layer**, `tfl.ReLU()`. Do not write
  `activation="relu"` inside the `Conv2D` (that would apply ReLU *before* the normalization), and do
  not use `tfl.Activation("relu")` either: it computes the same function, but it is a different
  layer class, and the graded structure asks for a `ReLU` layer.
- **BatchNormalization** normalizes each of the 32 channels over the batch and then rescales it
  with two learned numbers per channel, γ and β. It also keeps running averages of the mean and
  the variance for prediction time. `axis=3` names the channel axis of a `(m, n_H, n_W, n_C)`
  tensor (`axis=-1` means the same).
- **One sigmoid unit** outputs the probability that the person smiles.

Keras documentation:
[ZeroPadding2D](https://keras.io/api/layers/reshaping_layers/zero_padding2d/),
[Conv2D](https://keras.io/api/layers/convolution_layers/convolution2d/),
[BatchNormalization](https://keras.io/api/layers/normalization_layers/batch_normalization/),
[ReLU](https://keras.io/api/layers/activation_layers/relu/),
[MaxPooling2D](https://keras.io/api/layers/pooling_layers/max_pooling2d/),
[Flatten](https://keras.io/api/layers/reshaping_layers/flatten/),
[Dense](https://keras.io/api/layers/core_layers/dense/).

**Hint.** The whole body is one `tf.keras.Sequential([...])` call with eight entries (the `Input`
and the seven layers), followed by `return model`. Return the model **without** compiling it:
compiling is done further down.
""")
    nb.exercise(
        'happyModel', number=1, points=50, grade_id='happyModel_layers_and_training',
        solution=r'''
def happyModel():
    """
    Build the Happy House classifier with the Sequential API.

    Layers, in order, and the output shape of each for a batch of m pictures:
        tf.keras.Input(shape=(64, 64, 3))                     -> (m, 64, 64, 3)
        ZeroPadding2D(padding=3)                              -> (m, 70, 70, 3)
        Conv2D(32, 7 x 7, stride 1, "valid", no activation)   -> (m, 64, 64, 32)
        BatchNormalization(axis=3)                            -> (m, 64, 64, 32)
        ReLU()  -- a ReLU layer                               -> (m, 64, 64, 32)
        MaxPool2D()  -- 2 x 2 window, stride 2                -> (m, 32, 32, 32)
        Flatten()                                             -> (m, 32768)
        Dense(1, activation="sigmoid")                        -> (m, 1)

    Arguments:
    None

    Returns:
    model -- a tf.keras.Sequential model, not compiled
    """
    ### BEGIN SOLUTION
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(64, 64, 3)),
        tfl.ZeroPadding2D(padding=3),
        tfl.Conv2D(filters=32, kernel_size=(7, 7), strides=(1, 1)),
        tfl.BatchNormalization(axis=3),
        tfl.ReLU(),
        tfl.MaxPool2D(),
        tfl.Flatten(),
        tfl.Dense(1, activation="sigmoid"),
    ])
    return model
    ### END SOLUTION
''',
        demo=[
            code('happyModel-demo', r"""
happy_model = happyModel()
for row in summary(happy_model):
    print(row)

n_trainable = sum(int(np.prod(w.shape)) for w in happy_model.trainable_weights)
n_frozen = sum(int(np.prod(w.shape)) for w in happy_model.non_trainable_weights)
print(f"parameters: {happy_model.count_params()} in total, {n_trainable} trainable, {n_frozen} non-trainable")
"""),
            markdown('happyModel-demo-expected', r"""
**Expected output:**

```text
['ZeroPadding2D', (None, 70, 70, 3), 0, ((3, 3), (3, 3))]
['Conv2D', (None, 64, 64, 32), 4736, 'valid', 'linear', 'GlorotUniform']
['BatchNormalization', (None, 64, 64, 32), 128]
['ReLU', (None, 64, 64, 32), 0]
['MaxPooling2D', (None, 32, 32, 32), 0, (2, 2), (2, 2), 'valid']
['Flatten', (None, 32768), 0]
['Dense', (None, 1), 32769, 'sigmoid']
parameters: 37633 in total, 37569 trainable, 64 non-trainable
```

How to read the rows: each one gives the layer's class, its output shape, its number of
parameters, and a few settings (padding, activation and initializer of a `Conv2D`; pool size,
strides and padding of a pooling layer; the activation of a `Dense` layer).

- The convolution has `7 · 7 · 3` weights per filter plus one bias: `(147 + 1) · 32 = 4736`.
- BatchNormalization has 4 numbers per channel, `4 · 32 = 128`: γ and β are learned, while the
  running mean and variance (64 numbers) are updated by averaging, not by gradient descent. They
  are the 64 non-trainable parameters.
- The Dense layer has one weight per input plus a bias: `32768 + 1 = 32769`. Almost 90 % of the
  parameters sit in this last layer.

Keras's own summary table, `happy_model.summary()`, shows the same information with the layers'
names; try it in a new cell if you like (and delete that cell afterwards).
"""),
        ])
    nb.md('md-07', r"""
<a name="happy-train"></a>
### Train, evaluate, look at the mistakes

A model has to be **compiled** before training. `compile` chooses three things:

- the **optimizer**, which turns gradients into weight updates. Adam keeps a running average of
  each weight's gradient and of its square, and so adapts the step size weight by weight; it
  works well with its default settings on problems like this one;
- the **loss**. The output is one probability $\hat y$ from a sigmoid, so the loss is the **binary
  cross-entropy** $-\big(y \log \hat y + (1 - y)\log(1 - \hat y)\big)$, averaged over the batch;
- the **metrics** to report. `"accuracy"` counts a prediction as "smiling" when $\hat y \ge 0.5$.

`fit` then runs the training loop: it shuffles the training set, cuts it into mini-batches of
16 pictures (38 steps per epoch), and after each step updates the weights. One **epoch** is one
pass over the whole training set. With `validation_data`, Keras also measures the loss and the
accuracy on the given pictures at the end of each epoch, **without learning from them**; here the
test set plays that role, so that you can watch the test accuracy evolve. (In a real project you
would keep a separate validation set for such decisions and touch the test set only once, at the
end.)

The cell below trains for 10 epochs and prints one line per epoch. It takes well under a minute
on a laptop CPU.
""")
    nb.code('happy-train', r"""
tf.keras.utils.set_random_seed(1)          # same initial weights and same batches at every run
happy_model = happyModel()
happy_model.compile(optimizer="adam",
                    loss="binary_crossentropy",
                    metrics=["accuracy"])
happy_history = happy_model.fit(X_train, Y_train, epochs=training_epochs(10), batch_size=16,
                                validation_data=(X_test, Y_test), verbose=2)
""")
    nb.md('md-08', r"""
`evaluate` computes the loss and the metrics on a data set, in inference mode: BatchNormalization
now uses its running averages instead of the statistics of the batch.
""")
    nb.code('happy-evaluate', r"""
happy_test_loss, happy_test_accuracy = happy_model.evaluate(X_test, Y_test, verbose=0)
print(f"test loss     = {happy_test_loss:.4f}")
print(f"test accuracy = {happy_test_accuracy:.4f}")
print(f"validation accuracy after the first epoch = {happy_history.history['val_accuracy'][0]:.4f}")
""")
    nb.md('md-09', r"""
With the course's data you should see a test accuracy of about 0.95 or more, well above the
accuracy after the first epoch. (Exact numbers change a little between computers, and with
other data.)

#### Reading the training curves

`fit` returned a `History` object; its dictionary `history.history` holds one list per quantity,
with one value per epoch: `loss`, `accuracy`, `val_loss` and `val_accuracy`. The next cell draws
them.

- Both losses going down together: the network is learning something that carries over to new
  pictures.
- Training accuracy close to 1 while the validation accuracy stays clearly below it, or a
  validation loss that goes back up while the training loss keeps falling: **over-fitting**. The
  network starts memorizing the training pictures. With 32,769 weights in its last layer and only
  600 pictures, this model can memorize quite well.
- Both accuracies low and flat: **under-fitting**; the model is too small, the learning rate badly
  chosen, or the training too short.
- The validation curve of this model is bumpy: one epoch can fall well below its neighbours and
  the next one recover. BatchNormalization normalizes with the statistics of each batch during
  training, but with running averages of them at evaluation time, and those averages trail
  behind weights that still change quickly. The bumps fade once the training accuracy settles
  near 1.
""")
    nb.code('happy-curves', r"""
plots.history_curves(happy_history, title="Happy House: training and validation (test set)")
""")
    nb.md('md-10', r"""
Numbers alone hide *which* pictures are hard. `predict` returns the sigmoid output for every test
picture; the cell below shows the pictures on which the thresholded prediction is wrong, with the
probability the network gave to its (wrong) answer.
""")
    nb.code('happy-mistakes', r"""
happy_probabilities = happy_model.predict(X_test, verbose=0)
plots.misclassified(X_test_orig, Y_test, happy_probabilities,
                    class_names=["not smiling", "smiling"], n=8)
""")
    nb.md('md-11', r"""
Look at the mistakes, if there are any. Are they faint smiles, faces seen at an angle, a hand
over the mouth, dim lighting? A mistake made with a probability near 0.5 is a hesitation; one made
with a probability near 0 or 1 is a confident error, and usually the more interesting one.
""")

    # ---------------------------------------------------------------------- 4 — SIGNS (Functional API)
    nb.md('md-12', r"""
<a name="signs"></a>
## 4 — SIGNS (Functional API)

The second data set holds pictures of a hand showing a number with its fingers: 0 (a fist) to 5
(an open hand). There are 1080 training pictures and 120 test pictures, 64 × 64 in colour, and the
six classes are equally frequent. As before, the pictures are synthetic unless you supplied the
original files: the hands vary in skin tone, size, position, rotation, finger spread and thumb
pose, in front of plain or textured backgrounds under varied light.

With six classes the network ends in **six** outputs, one probability per class, and the labels
become **one-hot** rows: label 2 turns into `[0, 0, 1, 0, 0, 0]`. `convert_to_one_hot(Y, 6)`
returns one column per example, of shape `(6, m)`, so it is transposed to `(m, 6)`, one row per
example, as Keras expects.
""")
    nb.code('signs-data', r"""
X_train_orig, Y_train_orig, X_test_orig, Y_test_orig, classes = load_signs_dataset()

X_train = X_train_orig / 255.
X_test = X_test_orig / 255.
Y_train = convert_to_one_hot(Y_train_orig, 6).T
Y_test = convert_to_one_hot(Y_test_orig, 6).T

print("number of training examples =", X_train.shape[0])
print("number of test examples =", X_test.shape[0])
print("X_train shape:", X_train.shape)
print("Y_train shape:", Y_train.shape)
print("X_test shape:", X_test.shape)
print("Y_test shape:", Y_test.shape)
print("classes:", classes)
print("first five labels:", Y_train_orig[0, :5])
print("their one-hot rows:\n", Y_train[:5])
""")
    nb.md('signs-data-expected', r"""
**Expected output** (after the line that names the data source; the last six lines depend on the
data set, but each one-hot row must have a single 1, in the column of its label):

```text
number of training examples = 1080
number of test examples = 120
X_train shape: (1080, 64, 64, 3)
Y_train shape: (1080, 6)
X_test shape: (120, 64, 64, 3)
Y_test shape: (120, 6)
classes: [0 1 2 3 4 5]
first five labels: ...
their one-hot rows:
 ...
```
""")
    nb.code('signs-grid', r"""
plots.image_grid(X_train_orig, Y_train_orig, n=16, cols=8,
                 title="SIGNS: the first 16 training pictures (label = raised fingers)")
""")
    nb.md('md-13', r"""
<a name="ex2"></a>
### Exercise 2 — convolutional_model (50 points)

Build the SIGNS classifier with the **Functional API**. `convolutional_model(input_shape)` starts
from `input_img = tf.keras.Input(shape=input_shape)`, calls each layer on the output of the
previous one, and returns `tf.keras.Model(inputs=input_img, outputs=outputs)`. The layers, in
order (output shapes for `input_shape=(64, 64, 3)`):

| # | layer | settings | output shape |
|---|---|---|---|
| 0 | `tf.keras.Input` | `shape=input_shape` | `(None, 64, 64, 3)` |
| 1 | `Conv2D` | 8 filters of size 4 × 4, stride 1, `padding="same"`, no activation | `(None, 64, 64, 8)` |
| 2 | `ReLU` | a `ReLU` layer | `(None, 64, 64, 8)` |
| 3 | `MaxPool2D` | window 8 × 8, stride 8, `padding="same"` | `(None, 8, 8, 8)` |
| 4 | `Conv2D` | 16 filters of size 2 × 2, stride 1, `padding="same"`, no activation | `(None, 8, 8, 16)` |
| 5 | `ReLU` | a `ReLU` layer | `(None, 8, 8, 16)` |
| 6 | `MaxPool2D` | window 4 × 4, stride 4, `padding="same"` | `(None, 2, 2, 16)` |
| 7 | `Flatten` | | `(None, 64)` |
| 8 | `Dense` | 6 units, `activation="softmax"` | `(None, 6)` |

Notes:

- **"same" padding.** With stride 1, a `"same"` convolution pads the input so that the output
  keeps its height and width; with an even filter size (4 × 4, 2 × 2) the padding is simply one
  row or column larger on one side. For pooling with stride `s`, `"same"` gives
  $\lceil n / s \rceil$ positions along an axis of length `n`. So the model works for any input
  size: `(32, 48, 3)` gives `(4, 6, 8)` after the first pooling and `(1, 2, 16)` after the second.
  Do not write `64` anywhere: use `input_shape`.
- **Aggressive pooling.** Windows of 8 × 8 and then 4 × 4 shrink 64 × 64 to 2 × 2. The network stays
  tiny (1,310 parameters) and fast to train, at the price of a coarse view of the hand.
- **Softmax** turns the six outputs into probabilities that sum to 1. It pairs with the
  categorical cross-entropy loss used below.
- As in exercise 1, each activation is **a `ReLU` layer** of its own.

A pattern to follow, for one layer: `Z1 = tfl.Conv2D(filters=..., kernel_size=..., strides=...,
padding=...)(input_img)`. A layer object is created *and then called* on a tensor; the second pair
of parentheses is the call.
""")
    nb.exercise(
        'convolutional_model', number=2, points=50, grade_id='convolutional_model_layers_and_training',
        solution=r'''
def convolutional_model(input_shape):
    """
    Build the SIGNS classifier with the Functional API.

    Layers, in order, and the output shape of each for input_shape = (64, 64, 3):
        Input(shape=input_shape), called input_img below           -> (m, 64, 64, 3)
        Conv2D(8, 4 x 4, stride 1, "same", no activation)          -> (m, 64, 64, 8)
        ReLU()                                                     -> (m, 64, 64, 8)
        MaxPool2D(pool 8 x 8, stride 8, "same")                    -> (m, 8, 8, 8)
        Conv2D(16, 2 x 2, stride 1, "same", no activation)         -> (m, 8, 8, 16)
        ReLU()                                                     -> (m, 8, 8, 16)
        MaxPool2D(pool 4 x 4, stride 4, "same")                    -> (m, 2, 2, 16)
        Flatten()                                                  -> (m, 64)
        Dense(6, activation="softmax")                             -> (m, 6)
    For another input shape (n_H, n_W, n_C), the pooled sizes are ceil(n / stride).

    Arguments:
    input_shape -- tuple (n_H, n_W, n_C), the shape of one input picture

    Returns:
    model -- a functional tf.keras.Model(inputs=input_img, outputs=outputs), not compiled
    """
    ### BEGIN SOLUTION
    input_img = tf.keras.Input(shape=input_shape)
    Z1 = tfl.Conv2D(filters=8, kernel_size=(4, 4), strides=(1, 1), padding="same")(input_img)
    A1 = tfl.ReLU()(Z1)
    P1 = tfl.MaxPool2D(pool_size=(8, 8), strides=(8, 8), padding="same")(A1)
    Z2 = tfl.Conv2D(filters=16, kernel_size=(2, 2), strides=(1, 1), padding="same")(P1)
    A2 = tfl.ReLU()(Z2)
    P2 = tfl.MaxPool2D(pool_size=(4, 4), strides=(4, 4), padding="same")(A2)
    F = tfl.Flatten()(P2)
    outputs = tfl.Dense(units=6, activation="softmax")(F)
    model = tf.keras.Model(inputs=input_img, outputs=outputs)
    return model
    ### END SOLUTION
''',
        demo=[
            code('convolutional_model-demo', r"""
conv_model = convolutional_model((64, 64, 3))
for row in summary(conv_model):
    print(row)
print("parameters:", conv_model.count_params())

small = convolutional_model((32, 48, 3))
print("output shapes for (32, 48, 3):", [tuple(layer.output.shape) for layer in small.layers[1:]])
"""),
            markdown('convolutional_model-demo-expected', r"""
**Expected output:**

```text
['InputLayer', [(None, 64, 64, 3)], 0]
['Conv2D', (None, 64, 64, 8), 392, 'same', 'linear', 'GlorotUniform']
['ReLU', (None, 64, 64, 8), 0]
['MaxPooling2D', (None, 8, 8, 8), 0, (8, 8), (8, 8), 'same']
['Conv2D', (None, 8, 8, 16), 528, 'same', 'linear', 'GlorotUniform']
['ReLU', (None, 8, 8, 16), 0]
['MaxPooling2D', (None, 2, 2, 16), 0, (4, 4), (4, 4), 'same']
['Flatten', (None, 64), 0]
['Dense', (None, 6), 390, 'softmax']
parameters: 1310
output shapes for (32, 48, 3): [(None, 32, 48, 8), (None, 32, 48, 8), (None, 4, 6, 8), (None, 4, 6, 16), (None, 4, 6, 16), (None, 1, 2, 16), (None, 32), (None, 6)]
```

Check the counts: the first convolution has `(4 · 4 · 3 + 1) · 8 = 392` parameters, the second
`(2 · 2 · 8 + 1) · 16 = 528`, and the Dense layer `(64 + 1) · 6 = 390`. Unlike the Sequential
model, a functional model lists its `InputLayer`.
"""),
        ])
    nb.md('md-14', r"""
<a name="signs-train"></a>
### Train, evaluate, look at the mistakes

The output is now a softmax over six classes, so the loss is the **categorical cross-entropy**
$-\sum_{k} y_k \log \hat y_k$, which only looks at the probability given to the true class. The
optimizer is Adam again, with its default learning rate of 0.001.

This time the data goes through a `tf.data.Dataset`, the TensorFlow input pipeline: 
`from_tensor_slices` cuts the arrays into examples, and `.batch(64)` groups them into
mini-batches. For a small in-memory set it makes no difference, but the same code scales to data
read from disk, augmented on the fly, or prefetched while the model trains. The training set is shuffled again before every epoch by the `Dataset` itself (`.shuffle(..., seed=1)` gives a new but reproducible order each time), so `fit` must not try to shuffle it: pass `shuffle=False`. Keras 3.15 would otherwise print a warning on the error stream that it ignores `shuffle=True` for a `Dataset`.

Training for 100 epochs takes about half a minute: an epoch is only 17 mini-batches through
a network with 1,310 weights.
""")
    nb.code('signs-train', r"""
tf.keras.utils.set_random_seed(1)
conv_model = convolutional_model((64, 64, 3))
conv_model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.001),
                   loss="categorical_crossentropy",
                   metrics=["accuracy"])

train_dataset = tf.data.Dataset.from_tensor_slices((X_train, Y_train)).shuffle(len(X_train), seed=1).batch(64)
test_dataset = tf.data.Dataset.from_tensor_slices((X_test, Y_test)).batch(64)
signs_history = conv_model.fit(train_dataset, epochs=training_epochs(100),
                               validation_data=test_dataset, shuffle=False, verbose=2)
""")
    nb.code('signs-evaluate', r"""
signs_test_loss, signs_test_accuracy = conv_model.evaluate(test_dataset, verbose=0)
print(f"test loss     = {signs_test_loss:.4f}")
print(f"test accuracy = {signs_test_accuracy:.4f}")
print(f"validation accuracy after the first epoch = {signs_history.history['val_accuracy'][0]:.4f}")
""")
    nb.md('md-15', r"""
With the course's data the test accuracy should reach about 0.90 or more, starting from around
chance level (1/6 ≈ 0.17) after the first epoch. Compare the two curves below: how far apart are
training and validation accuracy at the end, and is the gap growing?
""")
    nb.code('signs-curves', r"""
plots.history_curves(signs_history, title="SIGNS: training and validation (test set)")
""")
    nb.code('signs-mistakes', r"""
signs_probabilities = conv_model.predict(test_dataset, verbose=0)
plots.misclassified(X_test_orig, Y_test, signs_probabilities, n=8)
""")
    nb.md('md-16', r"""
Which counts get confused? Neighbouring counts (3 and 4, 4 and 5) are typical: they differ by a
single thin finger, and after pooling down to 2 × 2 positions the network sees the hand only very
coarsely. Next week's residual network is much deeper, keeps far more detail, and uses skip
connections that only the Functional API can express.
""")

    # ---------------------------------------------------------------------- 5 — Your results, and what you learned
    nb.md('md-17', r"""
<a name="wrapup"></a>
## 5 — Your results, and what you learned

The last cell collects your four key numbers in one dictionary. The course's benchmark reads it
to check that the notebook still trains as intended; for you it is a summary of this notebook.
""")
    nb.code('course-metrics', r"""
COURSE_METRICS = {
    "happy_test_accuracy": float(happy_test_accuracy),
    "signs_test_accuracy": float(signs_test_accuracy),
    "happy_first_epoch_val_accuracy": float(happy_history.history["val_accuracy"][0]),
    "signs_first_epoch_val_accuracy": float(signs_history.history["val_accuracy"][0]),
}
for name, value in COURSE_METRICS.items():
    print(f"{name:32s} {value:.4f}")
""")
    nb.md('md-18', r"""
### What you learned

- **Preparing data for Keras**: scale the pixels to `[0, 1]`, one example per row, labels as a 0/1
  column for a binary task and as one-hot rows for several classes.
- **The Sequential API** describes a network as a list of layers, one straight path from one
  input to one output. Declare the input with `tf.keras.Input(shape=...)`; passing `input_shape=`
  to the first layer makes Keras 3 print a warning.
- **The Functional API** creates tensors by calling layers on tensors, and
  `tf.keras.Model(inputs=..., outputs=...)` names the ends of the graph. It can express branches,
  merges, several inputs or outputs and skip connections, which the next assignments need.
- **Output layer and loss go together**: one sigmoid unit with binary cross-entropy, a softmax
  over C units with categorical cross-entropy.
- **Reading a summary**: output shapes follow from the padding, stride and pool size rules of the
  previous assignment; parameter counts are `(f · f · n_C_prev + 1) · n_C` for a convolution and
  `(inputs + 1) · units` for a Dense layer; ReLU, pooling and Flatten have none, and
  BatchNormalization has running statistics that are not trained by gradient descent.
- **Training and judging a model**: `compile` picks the optimizer, loss and metrics, `fit` runs the
  epochs, `evaluate` scores held-out data, and the training and validation curves tell learning
  apart from memorizing. Looking at the misclassified pictures shows *what* the model still gets
  wrong.
""")
    return nb


if __name__ == "__main__":
    raise SystemExit(main(build))
