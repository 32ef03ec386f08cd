"""Public checks for "Convolutional neural networks: application" (w1a2).

Run them from the notebook, right after each exercise::

    happyModel_test(happyModel)
    convolutional_model_test(convolutional_model)

Each check builds your model, compares ``summary(model)`` with the expected structure
table written out below (class, output shape, parameter count and a few settings per
layer; see ``cnnkit.testing.summary``), and prints ``All tests passed.``; otherwise it
raises an ``AssertionError`` that names the first layer that differs and what is probably
wrong.  Passing them does not prove a model right: the graded tests also check kernel
sizes, initializers, the BatchNormalization axis, the ReLU settings, other input shapes
and that the model learns.
"""
from __future__ import annotations

from cnnkit.testing import comparator, quiet, summary

__all__ = ["happyModel_test", "convolutional_model_test"]

# Expected structures (one row per entry of model.layers).  A Sequential model does not
# list its input, so the Happy table starts with the ZeroPadding2D layer.
HAPPY_TABLE = [
    ["ZeroPadding2D", (None, 70, 70, 3), 0, ((3, 3), (3, 3))],
    ["Conv2D", (None, 64, 64, 32), 4736, "valid", "linear", "GlorotUniform"],
    ["BatchNormalization", (None, 64, 64, 32), 128],
    ["ReLU", (None, 64, 64, 32), 0],
    ["MaxPooling2D", (None, 32, 32, 32), 0, (2, 2), (2, 2), "valid"],
    ["Flatten", (None, 32768), 0],
    ["Dense", (None, 1), 32769, "sigmoid"],
]

SIGNS_TABLE = [
    ["InputLayer", [(None, 64, 64, 3)], 0],
    ["Conv2D", (None, 64, 64, 8), 392, "same", "linear", "GlorotUniform"],
    ["ReLU", (None, 64, 64, 8), 0],
    ["MaxPooling2D", (None, 8, 8, 8), 0, (8, 8), (8, 8), "same"],
    ["Conv2D", (None, 8, 8, 16), 528, "same", "linear", "GlorotUniform"],
    ["ReLU", (None, 8, 8, 16), 0],
    ["MaxPooling2D", (None, 2, 2, 16), 0, (4, 4), (4, 4), "same"],
    ["Flatten", (None, 64), 0],
    ["Dense", (None, 6), 390, "softmax"],
]

# The same model for a 48x40 grey-level input: 48/8 = 6, 40/8 = 5, then ceil(6/4) = 2 and ceil(5/4) = 2.
SIGNS_GREY_SHAPE = (48, 40, 1)
SIGNS_GREY_TABLE = [
    ["InputLayer", [(None, 48, 40, 1)], 0],
    ["Conv2D", (None, 48, 40, 8), 136, "same", "linear", "GlorotUniform"],
    ["ReLU", (None, 48, 40, 8), 0],
    ["MaxPooling2D", (None, 6, 5, 8), 0, (8, 8), (8, 8), "same"],
    ["Conv2D", (None, 6, 5, 16), 528, "same", "linear", "GlorotUniform"],
    ["ReLU", (None, 6, 5, 16), 0],
    ["MaxPooling2D", (None, 2, 2, 16), 0, (4, 4), (4, 4), "same"],
    ["Flatten", (None, 64), 0],
    ["Dense", (None, 6), 390, "softmax"],
]

_RELU_LAYER = ("use a ReLU layer, tfl.ReLU(), not Activation('relu') or an activation= argument: the layer "
               "class is part of the required structure")

HAPPY_HINTS = {
    ("ZeroPadding2D", "class"): "start with ZeroPadding2D(padding=3) on the 64x64x3 input",
    ("ZeroPadding2D", "padding"): "pad 3 pixels on every side: padding=3",
    ("Conv2D", "padding"): "this conv uses 'valid' padding (the default): the ZeroPadding2D layer already pads",
    ("Conv2D", "activation"): "the Conv2D has no activation of its own; the ReLU layer applies it",
    ("Conv2D", "output shape"): "check the number of filters (32), the kernel size (7x7) and the stride (1)",
    ("Conv2D", "parameters"): "check the number of filters (32) and the kernel size (7x7)",
    ("BatchNormalization", "class"): "BatchNormalization(axis=3) comes right after the Conv2D",
    ("BatchNormalization", "parameters"): "normalise the channel axis: BatchNormalization(axis=3)",
    ("ReLU", "class"): _RELU_LAYER,
    ("MaxPooling2D", "class"): "a MaxPool2D() layer follows the ReLU",
    ("MaxPooling2D", "pool_size"): "use MaxPool2D() with its defaults (2x2, stride 2, 'valid')",
    ("MaxPooling2D", "strides"): "use MaxPool2D() with its defaults (2x2, stride 2, 'valid')",
    ("MaxPooling2D", "padding"): "use MaxPool2D() with its defaults (2x2, stride 2, 'valid')",
    ("Dense", "activation"): "the output is one probability: Dense(1, activation='sigmoid')",
    ("Dense", "output shape"): "the output is one probability: Dense(1, activation='sigmoid')",
    "length": "the model has exactly the 7 layers of the table, and nothing after the sigmoid output",
}

SIGNS_HINTS = {
    ("InputLayer", "output shape"): "build the input from the argument: tf.keras.Input(shape=input_shape)",
    ("Conv2D", "activation"): "the convs have no activation of their own; the ReLU layers apply it",
    ("Conv2D", "padding"): "both convs use padding='same'",
    ("Conv2D", "output shape"): "the first conv has 8 filters of 4x4, the second 16 of 2x2, stride 1, 'same'",
    ("Conv2D", "parameters"): "the first conv has 8 filters of 4x4, the second 16 of 2x2",
    ("ReLU", "class"): _RELU_LAYER,
    ("MaxPooling2D", "pool_size"): "the pools are 8x8 with stride 8, then 4x4 with stride 4, both 'same'",
    ("MaxPooling2D", "strides"): "the pools are 8x8 with stride 8, then 4x4 with stride 4, both 'same'",
    ("MaxPooling2D", "padding"): "both pools use padding='same': the pooled size is ceil(n / stride)",
    ("MaxPooling2D", "output shape"): "with padding='same' the pooled size is ceil(n / stride)",
    ("Dense", "activation"): "6 class probabilities that sum to 1: Dense(6, activation='softmax')",
    ("Dense", "output shape"): "one output per class: Dense(6, activation='softmax')",
    "length": "the model has exactly the 9 layers of the table, and nothing after the softmax output",
}


def _check(condition, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def _keras():
    from cnnkit.setup import quiet_tensorflow

    tf = quiet_tensorflow()  # already imported by the notebook's setup cell
    return tf.keras


def _build(builder, what: str, *args):
    keras = _keras()
    with quiet():  # input_shape= on a Sequential's first layer warns on stderr
        model = builder(*args)
    _check(model is not None, f"{what} returned None: did you forget `return model`?")
    _check(isinstance(model, keras.Model), f"{what} returned a {type(model).__name__}, not a Keras model")
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    _check(bool(inputs), f"{what} has no input yet: start it with tf.keras.Input(shape=...)")
    return model


def _compare(model, table, hints, what: str) -> None:
    try:
        comparator(summary(model), table, hints)
    except AssertionError as err:
        raise AssertionError(f"{what}: {err}") from None


def happyModel_test(happyModel):
    """A Sequential model whose summary matches the Happy table."""
    keras = _keras()
    model = _build(happyModel, "happyModel()")
    _check(isinstance(model, keras.Sequential),
           f"happyModel() returned a {type(model).__name__}; use the Sequential API: tf.keras.Sequential([...])")
    _check(tuple(model.inputs[0].shape) == (None, 64, 64, 3),
           f"the model's input shape is {tuple(model.inputs[0].shape)}, expected (None, 64, 64, 3)")
    _compare(model, HAPPY_TABLE, HAPPY_HINTS, "happyModel()")
    print("All tests passed.")


def convolutional_model_test(convolutional_model):
    """A functional model whose summary matches the SIGNS table, for two input shapes."""
    keras = _keras()
    for shape, table in (((64, 64, 3), SIGNS_TABLE), (SIGNS_GREY_SHAPE, SIGNS_GREY_TABLE)):
        what = f"convolutional_model({shape})"
        model = _build(convolutional_model, what, shape)
        _check(not isinstance(model, keras.Sequential),
               f"{what} returned a Sequential model; use the Functional API: call each layer on the previous "
               "tensor and build the model from its input and output tensors, tf.keras.Model(inputs=..., outputs=...)")
        _compare(model, table, SIGNS_HINTS, what)
    print("All tests passed.")
