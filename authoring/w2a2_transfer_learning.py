"""The one editable source of the notebook ``w2a2_transfer_learning``.

Transfer learning with MobileNetV2: alpaca / not alpaca (course 4, week 2, assignment 2).

``python authoring/w2a2_transfer_learning.py`` (or ``python3 course.py build``) writes
``solutions/w2a2_transfer_learning/w2a2_transfer_learning.ipynb``; then ``python3 course.py generate``
makes the student version.  ``tests/test_notebooks.py`` fails when the committed notebook differs
from what this file builds.
"""
from grading.authoring import Notebook, code, main, markdown


def build() -> Notebook:
    nb = Notebook("w2a2_transfer_learning")

    # ---------------------------------------------------------------------- introduction
    nb.md('md-intro', r"""
# Transfer learning with MobileNetV2

**Course 4, week 2, assignment 2** — an alpaca detector built on a pretrained network.

Training a convolutional network from scratch needs many labelled pictures and a lot of compute.
A few hundred pictures of alpacas are not enough to learn what a neck, an ear or a woolly coat
looks like. But a network that was trained on a *different*, larger task has already learned
such features in its convolutional layers. **Transfer learning** reuses those layers: you drop
the old classifier, freeze what was learned, put a small new classifier on top and train only
that — then, once it works, you **fine-tune** the top of the pretrained part with a small
learning rate.

In this assignment you will:

- load a folder of pictures as a `tf.data` pipeline with `image_dataset_from_directory`;
- write a small **data augmentation** model (random mirror images and rotations) that is active
  only while training;
- build a classifier on **MobileNetV2**, a network designed to be fast on phones and laptops:
  its pretrained convolutional part (the *base*), frozen, with a new head that outputs one logit;
- **fine-tune**: unfreeze the top blocks of the base, keep the rest frozen, and continue training
  with a learning rate ten times smaller;
- compare the learning curves before and after fine-tuning, and look at the predictions.

**Table of contents**

- [1 — Setup](#setup)
- [2 — The data: a folder of pictures](#data)
    - [Exercise 1 — data_augmenter (20 points)](#ex1)
- [3 — A pretrained base: MobileNetV2](#mobilenet)
    - [Exercise 2 — alpaca_model (45 points)](#ex2)
- [4 — Fine-tuning the top of the base](#finetune)
    - [Exercise 3 — fine-tuning settings (35 points)](#ex3)
- [5 — Results](#results)

## How this assignment is graded

- **3 exercises, 100 points**: `data_augmenter` (20), `alpaca_model` (45), and the fine-tuning
  settings (35). Each is graded in its own cell.
- Edit only the cells that contain `raise NotImplementedError()`, and keep the names the notebook
  uses (`data_augmenter`, `alpaca_model`, `base_model`, `loss_function`, `optimizer`, `metrics`).
- The test cell after each exercise runs the **public tests** now and prints `All tests passed.`.
  When your work is graded, **hidden tests** also run: they check the augmentation layers and
  their settings, the whole layer list of your model, that the base is frozen and called with
  `training=False`, that it holds the pretrained weights, that your model's output equals the
  chain *preprocess → base → pooling → dense* computed from its own layers, and the exact
  frozen/trainable pattern and training settings after Exercise 3.
- Your `alpaca_model` is graded with a correct augmentation model passed in, so a mistake in
  Exercise 1 costs Exercise 1's points only.
- Training is not graded. A cell that prints warnings on the error stream can lose its points, so
  keep your code warning-free. Do not add, delete or copy cells.
- The whole notebook runs in about two minutes on a laptop CPU.
""")

    # ---------------------------------------------------------------------- 1 — Setup
    nb.md('md-setup', r"""
<a name="setup"></a>
## 1 — Setup

The setup cell imports TensorFlow quietly and seeds it. `tfl` is short for `tensorflow.keras.layers`;
`RandomFlip` and `RandomRotation` are the two augmentation layers of Exercise 1. From the course's
helper package come `alpaca_directory` (where the pictures are), `mobilenet_base_weights` (which
pretrained weights to load), this assignment's figures, `summary` for reading a model's layers, and
the public tests.
""")
    nb.setup(r"""
from cnnkit.setup import init_notebook, quick_training, training_epochs
init_notebook(tensorflow=True)
import numpy as np
import tensorflow as tf
import tensorflow.keras.layers as tfl
from tensorflow.keras.layers import RandomFlip, RandomRotation
from cnnkit import plots
from cnnkit.transfer import (alpaca_directory, mobilenet_base_weights, augmented_grid, finetune_curves,
                             prediction_grid)
from cnnkit.testing import summary
from public_tests.w2a2 import *
%matplotlib inline
""")

    # ---------------------------------------------------------------------- 2 — Data
    nb.md('md-data', r"""
<a name="data"></a>
## 2 — The data: a folder of pictures

The pictures live in one folder with one sub-folder per class:

```text
alpaca/          pictures that show at least one alpaca        -> label 0
not alpaca/      everything else                                -> label 1
```

Keras reads such a folder with `tf.keras.utils.image_dataset_from_directory`. It takes the class
names from the sub-folder names in **alphabetical order**, so `"alpaca"` gets label 0 and
`"not alpaca"` label 1. It resizes every picture to `image_size` (the pictures have different
sizes and shapes) and yields batches of `(images, labels)`: images of shape
`(batch, 160, 160, 3)` as float32 values in `[0, 255]`, labels as int32. With
`validation_split=0.2`, the two calls below split the same shuffled list of files 80/20 into a
training and a validation subset; they must use the **same `seed`**, or the subsets overlap.

`alpaca_directory()` returns the folder: the original course's pictures if you have put them in
`datasets/alpaca/`, otherwise the course's own **synthetic** pictures (drawn by code: alpacas
in many coats, poses and scenes, and as "not alpaca" sheep, goats, horses, dogs, camels, deer,
empty fields and alpaca-coloured hay and bushes). It prints which one it uses.
""")
    nb.given('given_sizes', r"""
BATCH_SIZE = 32
IMG_SIZE = (160, 160)
""")
    nb.code('data', r"""
directory = alpaca_directory()
train_dataset = tf.keras.utils.image_dataset_from_directory(directory, shuffle=True, batch_size=BATCH_SIZE,
                                                            image_size=IMG_SIZE, validation_split=0.2,
                                                            subset="training", seed=42)
validation_dataset = tf.keras.utils.image_dataset_from_directory(directory, shuffle=True, batch_size=BATCH_SIZE,
                                                                 image_size=IMG_SIZE, validation_split=0.2,
                                                                 subset="validation", seed=42)
class_names = train_dataset.class_names
print("classes:", class_names)
""")
    nb.code('data-grid', r"""
images, labels = next(iter(train_dataset))
plots.image_grid(images.numpy().astype("uint8"), labels.numpy(), class_names=class_names, n=12, cols=6,
                 title="Training pictures (resized to 160 x 160)")
""")
    nb.md('md-prefetch', r"""
`prefetch` lets the pipeline prepare the next batch while the model trains on the current one
(`tf.data.AUTOTUNE` picks how many batches to keep ready). When the course's automatic checks run
the notebook (`quick_training()`), only a few batches are used; you always get the full data.
""")
    nb.code('prefetch', r"""
AUTOTUNE = tf.data.AUTOTUNE
if quick_training():   # the course's automatic checks: a few batches are enough
    train_dataset, validation_dataset = train_dataset.take(2), validation_dataset.take(1)
train_dataset = train_dataset.prefetch(buffer_size=AUTOTUNE)
validation_dataset = validation_dataset.prefetch(buffer_size=AUTOTUNE)
""")
    nb.md('md-ex1', r"""
### Data augmentation

With a few hundred pictures, a network soon memorises the training set. **Data augmentation**
shows it a slightly different version of each picture in every epoch: an alpaca seen in a mirror
is still an alpaca, and so is a tilted photo. In Keras the random transformations are *layers*,
so they become part of the model: they transform the batch when the model is called with
`training=True` (as `fit` does) and pass it through unchanged otherwise (`evaluate`, `predict`),
so validation pictures are never altered.

<a name="ex1"></a>
### Exercise 1 — data_augmenter (20 points)

Return a `tf.keras.Sequential` model with exactly two layers, in this order:

1. `RandomFlip('horizontal')`: a left-right mirror image, half of the time;
2. `RandomRotation(0.2)`: a rotation by a random angle of up to 0.2 of a full turn (±72°) either way.

You can pass the layers as a list to `tf.keras.Sequential([...])`, or create an empty
`Sequential()` and `add` them one by one.
""")
    nb.exercise(
        'data_augmenter', number=1, points=20, grade_id='data_augmenter_layers_and_factors',
        solution=r'''
def data_augmenter():
    """
    Create a Sequential model of two random augmentation layers: a horizontal flip and a rotation.

    Returns:
    data_augmentation -- tf.keras.Sequential with RandomFlip("horizontal") then RandomRotation(0.2)
    """
    ### BEGIN SOLUTION
    data_augmentation = tf.keras.Sequential()
    data_augmentation.add(RandomFlip("horizontal"))
    data_augmentation.add(RandomRotation(0.2))
    ### END SOLUTION
    return data_augmentation
''',
        demo=[
            code('data_augmenter-demo', r"""
data_augmentation = data_augmenter()
augmented_grid(train_dataset, data_augmentation)
"""),
            markdown('md-ex1-demo', r"""
Each augmented version is mirrored or not, and turned by its own random angle; the corners that
the rotation uncovers are filled by reflecting the picture (`fill_mode="reflect"`, the default).
Under Keras 3, `RandomRotation(0.2).factor` is stored as the pair `(-0.2, 0.2)`: the lower and
upper limit of the angle, as fractions of a turn.
"""),
        ])

    # ---------------------------------------------------------------------- 3 — MobileNetV2
    nb.md('md-mobilenet', r"""
<a name="mobilenet"></a>
## 3 — A pretrained base: MobileNetV2

MobileNetV2 (Sandler et al., 2018) was designed to classify pictures quickly on small devices.
Its building block, the **inverted residual block**, works like this:

1. a 1×1 convolution *expands* the channels (by a factor 6);
2. a 3×3 **depthwise** convolution filters each channel on its own — far cheaper than a full
   3×3 convolution over all channels;
3. a 1×1 convolution *projects* back to few channels, **without** an activation (a "linear
   bottleneck": a ReLU on so few channels would destroy information);
4. when the input and output shapes match, a skip connection adds the block's input.

Keras builds the network with `tf.keras.applications.MobileNetV2`. With `include_top=False` it
leaves out the ImageNet classifier (the last pooling and the 1000-way Dense layer) and returns the
**base**: 154 layers whose output for a 160×160 picture is a 5×5×1280 feature map.

### Which pretrained weights

The original course uses `weights="imagenet"`: weights learned on 1.2 million photographs, which
Keras downloads the first time. This course runs offline, so `mobilenet_base_weights()` decides:

- if the official ImageNet file is **already in your Keras cache** (`~/.keras/models/`), it
  returns `"imagenet"` and Keras loads that file;
- otherwise it returns the path of the course's **own** MobileNetV2 base, trained by the course
  on tens of thousands of drawn pictures of 152 other classes (sheep, horses, camels, a hundred
  invented four-legged species, houses, cars, shapes, textures, … — no alpacas). Its model card
  (`datasets/weights/mobilenetv2_synthetic_no_top.md`) says how it was trained and how well it
  transfers.

Either way the base expects inputs in `[-1, 1]`. `tf.keras.applications.mobilenet_v2.preprocess_input`
maps `[0, 255]` to that range (`x / 127.5 - 1`); the next cell calls it `preprocess_input`.
""")
    nb.given('given_base_weights', r"""
preprocess_input = tf.keras.applications.mobilenet_v2.preprocess_input
BASE_WEIGHTS = mobilenet_base_weights(alpha=1.0, rows=IMG_SIZE[0])
print("MobileNetV2 base weights:", BASE_WEIGHTS)
""", grade_id='given_base_weights')
    nb.code('base-look', r"""
base_demo = tf.keras.applications.MobileNetV2(input_shape=IMG_SIZE + (3,), include_top=False, weights=BASE_WEIGHTS)
print(base_demo.name, "-", len(base_demo.layers), "layers,", f"{base_demo.count_params():,} parameters")
for layer in base_demo.layers[-12:]:
    print(f"{layer.name:24s} {type(layer).__name__:22s} {tuple(layer.output.shape)}")
features = base_demo(preprocess_input(images[:4]), training=False)
print("feature maps of 4 pictures:", tuple(features.shape))
""")
    nb.md('md-base-look', r"""
The last layers are block 16 (expand, depthwise, project), then `Conv_1`, a 1×1 convolution to
1280 channels with BatchNormalization and ReLU6. The base turns each picture into 5×5 positions
with 1280 features each. The new head will average them over the positions
(`GlobalAveragePooling2D`) into one vector of 1280 numbers per picture.

### The new model

You will build the classifier with the Functional API:

```text
inputs (160, 160, 3) in [0, 255]
  -> data_augmentation          (random flips and rotations, training only)
  -> preprocess_input           ([0, 255] -> [-1, 1])
  -> base_model(x, training=False)
  -> GlobalAveragePooling2D     (5 x 5 x 1280 -> 1280)
  -> Dropout(0.2)
  -> Dense(1)                   (one logit, no activation)
```

Two details matter:

- **Freeze the base** (`base_model.trainable = False`): only the Dense layer is trained, so the
  pretrained features are not destroyed by the large gradients of a fresh random head.
- **Call the base with `training=False`.** The base contains BatchNormalization layers. In
  inference mode they normalise with the statistics stored during pretraining; in training mode
  they would use each batch's statistics instead. Passing `training=False` when you build the
  model keeps them in inference mode.

The output is a single **logit** `z` for the class with label 1: `sigmoid(z)` is the predicted
probability of **"not alpaca"**, so `sigmoid(z) > 0.5` (that is, `z > 0`) means "not alpaca" and
`z < 0` means "alpaca". The loss, `BinaryCrossentropy(from_logits=True)`, applies the sigmoid
itself — which is why the Dense layer has no activation.
""")
    nb.md('md-ex2', r"""
<a name="ex2"></a>
### Exercise 2 — alpaca_model (45 points)

Build the model above.

1. `base_model = tf.keras.applications.MobileNetV2(input_shape=input_shape, include_top=False, weights=BASE_WEIGHTS)`
2. freeze it: `base_model.trainable = False`
3. `inputs = tf.keras.Input(shape=input_shape)`
4. apply `data_augmentation` (the argument), then `preprocess_input`
5. call the base with `training=False`
6. `tfl.GlobalAveragePooling2D()`, then `tfl.Dropout(0.2)`
7. `outputs = tfl.Dense(1)` — one unit, linear
""")
    nb.exercise(
        'alpaca_model', number=2, points=45, grade_id='alpaca_model_structure_frozen_base_values',
        solution=r'''
def alpaca_model(image_shape=IMG_SIZE, data_augmentation=data_augmenter()):
    """
    A binary classifier: a frozen pretrained MobileNetV2 base with a new one-logit head.

    Arguments:
    image_shape -- (height, width) of the input pictures
    data_augmentation -- a model of random augmentation layers, applied first

    Returns:
    model -- tf.keras.Model from pictures (m, height, width, 3) in [0, 255] to logits (m, 1);
             a logit > 0 means "not alpaca"
    """
    input_shape = image_shape + (3,)
    ### BEGIN SOLUTION
    base_model = tf.keras.applications.MobileNetV2(input_shape, include_top=False, weights=BASE_WEIGHTS)
    base_model.trainable = False
    inputs = tf.keras.Input(shape=input_shape)
    x = data_augmentation(inputs)
    x = preprocess_input(x)
    x = base_model(x, training=False)
    x = tfl.GlobalAveragePooling2D()(x)
    x = tfl.Dropout(0.2)(x)
    outputs = tfl.Dense(1)(x)
    ### END SOLUTION
    model = tf.keras.Model(inputs, outputs)
    return model
''',
        demo=[
            code('alpaca_model-demo', r"""
model2 = alpaca_model(IMG_SIZE, data_augmentation)
for row in summary(model2):
    print(row)
print("trainable weights:", [w.path for w in model2.trainable_weights])
"""),
            markdown('md-ex2-demo', r"""
**Expected output:**

```text
['InputLayer', [(None, 160, 160, 3)], 0]
['Sequential', (None, 160, 160, 3), 0]
['Functional', (None, 5, 5, 1280), 2257984]
['GlobalAveragePooling2D', (None, 1280), 0]
['Dropout', (None, 1280), 0, 0.2]
['Dense', (None, 1), 1281, 'linear']
trainable weights: ['dense/kernel', 'dense/bias']
```

(The Dense layer's name may carry a number, e.g. `dense_1`.) `preprocess_input` is a plain
function, so it adds no row. Of the base's 2,257,984 parameters, none is trainable now: the model
learns 1,281 numbers.
"""),
        ])

    nb.md('md-train', r"""
### Training the new head

Adam with a learning rate of 0.001 and the binary cross-entropy on logits; accuracy is measured
with a threshold of 0.5 on the sigmoid (0 on the logit). `shuffle=False` only tells `fit` not to
shuffle on its own: `image_dataset_from_directory` already reshuffles the training pictures in
every epoch.
""")
    nb.code('train', r"""
base_learning_rate = 0.001
model2.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=base_learning_rate),
               loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
               metrics=["accuracy"])
initial_epochs = training_epochs(5)
history = model2.fit(train_dataset, validation_data=validation_dataset, epochs=initial_epochs,
                     shuffle=False, verbose=2)
""")
    nb.md('md-train-2', r"""
The head alone already separates most pictures: the frozen base's features say a lot about necks,
ears, wool and body shapes, although the base never saw an alpaca. (The augmented training
pictures are harder than the validation pictures, so the training accuracy is often the lower one.)
""")

    # ---------------------------------------------------------------------- 4 — Fine-tuning
    nb.md('md-finetune', r"""
<a name="finetune"></a>
## 4 — Fine-tuning the top of the base

The early layers of a convolutional network detect edges, colours and simple textures, which are
useful for almost any picture. The late layers combine them into parts that fit the original
task. **Fine-tuning** lets the late layers adapt to the new task: you unfreeze the top of the base,
keep the lower layers frozen, and continue training with a **much smaller learning rate**, so
that the pretrained weights are adjusted rather than overwritten.

The cell below takes the base out of the model **by name**. (Under Keras 3 the model's layer list
has 6 entries and the base is `model2.layers[2]`; the original course's `layers[4]` would be the
Dropout layer.)
""")
    nb.given('base-by-name', r"""
base_model = model2.get_layer("mobilenetv2_1.00_160")
print("The base has", len(base_model.layers), "layers; block 13 starts at",
      [layer.name for layer in base_model.layers].index("block_13_pad"))
""", grade_id='base_by_name')
    nb.md('md-ex3', r"""
<a name="ex3"></a>
### Exercise 3 — fine-tuning settings (35 points)

Fine-tune from block 13 on. The cell defines `fine_tune_at`, the index of block 13's first layer
(`block_13_pad`) in `base_model.layers` — 119 under Keras 3 (the original course's 120 now points
one layer further, at `block_13_depthwise`). Then:

1. make the base trainable again: `base_model.trainable = True` (this unfreezes all of its layers);
2. freeze every layer **before** `fine_tune_at` again (`layer.trainable = False`), so that the
   layers from `fine_tune_at` on are the only trainable ones;
3. define the training settings for the model's second `compile`:
    - `loss_function`: the binary cross-entropy **on logits**;
    - `optimizer`: Adam with a learning rate **ten times smaller** than `base_learning_rate`
      (use `learning_rate=`; the old `lr=` is an error in Keras 3);
    - `metrics`: a list with the accuracy, as in the first `compile`.
""")
    nb.exercise(
        'fine_tuning', number=3, points=35, grade_id='fine_tuning_frozen_pattern_and_settings',
        public_test='fine_tuning_test(globals())', check_args='globals()',
        solution=r'''
# the index of the first layer of block 13 in the base
fine_tune_at = [layer.name for layer in base_model.layers].index("block_13_pad")

### BEGIN SOLUTION
# unfreeze the base, then freeze everything before block 13 again
base_model.trainable = True
for layer in base_model.layers[:fine_tune_at]:
    layer.trainable = False

# binary cross-entropy on logits, Adam with a tenth of the learning rate, accuracy
loss_function = tf.keras.losses.BinaryCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(learning_rate=0.1 * base_learning_rate)
metrics = ["accuracy"]
### END SOLUTION

n_trainable = sum(layer.trainable for layer in base_model.layers)
print(n_trainable, "of", len(base_model.layers), "base layers are trainable")
''')
    nb.md('md-bn-freeze', r"""
### One more detail: BatchNormalization during fine-tuning

Under Keras 3, when `fit` calls the model with `training=True`, that flag **overrides** the
`training=False` you passed to the base when you built the model (keras-team/keras#20285). While
the base was frozen this did not matter: a frozen BatchNormalization layer always runs in
inference mode. Now the unfrozen BatchNormalization layers of blocks 13 to 16 and `Conv_1` would
switch to the statistics of each batch of 32 pictures and overwrite the statistics learned in
pretraining. The read-only cell below keeps them frozen (their scale and shift stay as they are);
the convolutions around them are still trained.
""")
    nb.given('freeze-batchnorm', r"""
top_bn = [lay for lay in base_model.layers[fine_tune_at:] if isinstance(lay, tf.keras.layers.BatchNormalization)]
for bn in top_bn:
    bn.trainable = False
print(f"kept {len(top_bn)} BatchNormalization layers of the top blocks in inference mode;",
      sum(layer.trainable for layer in base_model.layers), "base layers are trained")
""", grade_id='freeze_batchnorm')
    nb.md('md-finetune-train', r"""
Changing `trainable` only takes effect after compiling again. The second `fit` continues the
epoch count: with `initial_epoch=history.epoch[-1]` (the index of the last epoch run, 4 after five
epochs) and `epochs=total_epochs`, Keras runs the epochs `initial_epoch, …, total_epochs - 1`, that
is `fine_tune_epochs + 1` of them.
""")
    nb.code('finetune-train', r"""
model2.compile(loss=loss_function, optimizer=optimizer, metrics=metrics)
fine_tune_epochs = training_epochs(5)
total_epochs = initial_epochs + fine_tune_epochs
history_fine = model2.fit(train_dataset, epochs=total_epochs, initial_epoch=history.epoch[-1],
                          validation_data=validation_dataset, shuffle=False, verbose=2)
""")

    # ---------------------------------------------------------------------- 5 — Results
    nb.md('md-results', r"""
<a name="results"></a>
## 5 — Results

The curves below show every epoch run, the frozen-base epochs first and the fine-tuning epochs
after the dashed line.
""")
    nb.code('curves', r"""
finetune_curves(history, history_fine, initial_epochs)
""")
    nb.md('md-predictions', r"""
Finally the model's verdict on validation pictures, which it never trained on. Each title gives
the predicted class and its probability (`sigmoid(logit)` for "not alpaca", one minus that for
"alpaca"); red titles are mistakes, with the true class below.
""")
    nb.code('predictions', r"""
prediction_grid(model2, validation_dataset, class_names, n=12)
""")
    nb.code('course-metrics', r"""
frozen_accuracy = float(history.history["val_accuracy"][-1])
fine_tuned_accuracy = float(history_fine.history["val_accuracy"][-1])
COURSE_METRICS = {
    "base_weights": "imagenet" if BASE_WEIGHTS == "imagenet" else "course synthetic base",
    "validation_accuracy_frozen_base": frozen_accuracy,
    "validation_accuracy_fine_tuned": fine_tuned_accuracy,
    "epochs_run": int(len(history.epoch) + len(history_fine.epoch)),
}
for name, value in COURSE_METRICS.items():
    print(f"{name:34s} {value:.4f}" if isinstance(value, float) else f"{name:34s} {value}")
""")
    nb.md('md-summary', r"""
### What you learned

- `image_dataset_from_directory` turns a folder with one sub-folder per class into batches of
  resized pictures and integer labels; the same `seed` in both calls gives disjoint training and
  validation subsets.
- Augmentation layers (`RandomFlip`, `RandomRotation`) are part of the model and act only when
  it is called in training mode.
- Transfer learning reuses a pretrained base without its classifier (`include_top=False`):
  freeze it, apply the base's own preprocessing, call it with `training=False`, and train a small
  head — here global average pooling, dropout and a single logit for
  `BinaryCrossentropy(from_logits=True)`.
- Fine-tuning unfreezes the top of the base (from `block_13_pad` on), keeps the rest frozen and
  continues with a learning rate ten times smaller; under Keras 3, keep the unfrozen
  BatchNormalization layers in inference mode.
- A base pretrained on a different task transfers: the course's base never saw an alpaca, and
  the model card compares it with the same model trained from random initialisation.
""")
    return nb


if __name__ == "__main__":
    raise SystemExit(main(build))
