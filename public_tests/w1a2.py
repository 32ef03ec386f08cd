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

from cnnkit.setup import quiet_tensorflow
from cnnkit.testing import comparator, quiet, summary
from public_tests._common import _check

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

# What is probably wrong, by (layer class, field) of the first difference; the hidden tests use
# the same tables, so a student reads the same advice in both.
_RELU = {("ReLU", f): "use ReLU() with its defaults (no negative_slope, max_value or threshold): a plain ReLU "
                      "keeps positive values and sets negative ones to 0"
         for f in ("negative_slope", "max_value", "threshold")}
_RELU[("ReLU", "class")] = ("use a ReLU layer (tfl.ReLU()) here, not Activation('relu') and not an activation= "
                            "argument: the layer class is part of the required structure")
_COMMON = {
    **_RELU,
    "trainable": "leave every layer trainable (the default)",
    "inputs": "each layer must take the output of the layer listed just before it (a straight chain)",
    ("Conv2D", "kernel_initializer"): "keep the default kernel initializer of Conv2D (GlorotUniform)",
    ("Conv2D", "use_bias"): "keep the conv bias (use_bias=True, the default)",
    ("Conv2D", "dilation_rate"): "use an ordinary (not dilated) convolution",
    ("Dense", "kernel_initializer"): "keep the default kernel initializer of Dense (GlorotUniform)",
    ("Dense", "use_bias"): "keep the Dense bias (use_bias=True, the default)",
    ("Flatten", "class"): "flatten the pooled feature maps (Flatten()) right before the Dense output layer",
}
HAPPY_HINTS = {
    **_COMMON,
    ("ZeroPadding2D", "class"): "the model starts with ZeroPadding2D(padding=3) on the 64x64x3 input",
    ("ZeroPadding2D", "padding"): "pad 3 pixels on every side: ZeroPadding2D(padding=3)",
    ("Conv2D", "class"): "a Conv2D with 32 filters of 7x7 follows the zero padding",
    ("Conv2D", "kernel_size"): "the Happy model's conv has a 7x7 kernel: Conv2D(32, 7) or kernel_size=(7, 7)",
    ("Conv2D", "strides"): "the Happy model's conv uses stride 1",
    ("Conv2D", "padding"): "the Happy model's conv uses 'valid' padding (the default): the ZeroPadding2D layer "
                           "already pads the input, so 70x70 becomes 64x64",
    ("Conv2D", "activation"): "the Conv2D has no activation of its own (linear, the default): the ReLU layer after "
                              "the BatchNormalization applies it",
    ("Conv2D", "output shape"): "the conv has 32 filters, a 7x7 kernel, stride 1 and 'valid' padding",
    ("BatchNormalization", "class"): "a BatchNormalization(axis=3) layer comes right after the Conv2D, before the ReLU",
    ("BatchNormalization", "axis"): "normalise over the channel axis: BatchNormalization(axis=3) (or axis=-1)",
    ("BatchNormalization", "momentum"): "keep BatchNormalization's default momentum (0.99)",
    ("BatchNormalization", "epsilon"): "keep BatchNormalization's default epsilon (0.001)",
    ("MaxPooling2D", "class"): "a MaxPool2D() layer comes after the ReLU",
    **{("MaxPooling2D", f): "use MaxPool2D() with its defaults: a 2x2 window, stride 2, 'valid' padding"
       for f in ("pool_size", "strides", "padding", "output shape")},
    ("Dense", "activation"): "the output layer is Dense(1, activation='sigmoid'): one probability of 'smiling', "
                             "for the binary cross-entropy loss",
    ("Dense", "output shape"): "the output layer has a single unit: Dense(1, activation='sigmoid')",
    ("Dense", "class"): "the model ends with Dense(1, activation='sigmoid')",
    "length": "the Happy model has exactly 7 layers after its input: ZeroPadding2D, Conv2D, BatchNormalization, "
              "ReLU, MaxPool2D, Flatten, Dense, and nothing after the sigmoid output",
}
SIGNS_HINTS = {
    **_COMMON,
    ("InputLayer", "class"): "start from tf.keras.Input(shape=input_shape)",
    ("InputLayer", "output shape"): "build the input from the argument: tf.keras.Input(shape=input_shape)",
    ("Conv2D", "kernel_size"): "the first conv has 8 filters of 4x4, the second 16 filters of 2x2",
    ("Conv2D", "strides"): "both convs use stride 1",
    ("Conv2D", "padding"): "both convs use padding='same'",
    ("Conv2D", "activation"): "the convs have no activation of their own (linear, the default): the ReLU layer "
                              "after each conv applies it",
    ("Conv2D", "output shape"): "the first conv has 8 filters of 4x4, the second 16 filters of 2x2, both with "
                                "stride 1 and padding='same'",
    ("Conv2D", "class"): "each block is Conv2D -> ReLU -> MaxPool2D",
    ("MaxPooling2D", "class"): "each block is Conv2D -> ReLU -> MaxPool2D",
    **{("MaxPooling2D", f): "the first pool is MaxPool2D(pool_size=8, strides=8, padding='same'), the second "
                            "MaxPool2D(pool_size=4, strides=4, padding='same'); with 'same' padding the pooled "
                            "size is ceil(n / stride)"
       for f in ("pool_size", "strides", "padding", "output shape")},
    ("Dense", "activation"): "the output layer is Dense(6, activation='softmax'): a probability for each of the "
                             "6 classes, which must sum to 1 (sigmoid scores each class on its own)",
    ("Dense", "output shape"): "the output layer has 6 units, one per class: Dense(6, activation='softmax')",
    ("Dense", "class"): "the model ends with Flatten() and Dense(6, activation='softmax')",
    "length": "the SIGNS model has exactly 9 layers: Input, Conv2D, ReLU, MaxPool2D, Conv2D, ReLU, MaxPool2D, "
              "Flatten, Dense, and nothing after the softmax output",
}


def _build(builder, what: str, *args):
    keras = quiet_tensorflow().keras
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
    keras = quiet_tensorflow().keras
    model = _build(happyModel, "happyModel()")
    _check(isinstance(model, keras.Sequential),
           f"happyModel() returned a {type(model).__name__}; use the Sequential API: tf.keras.Sequential([...])")
    _check(tuple(model.inputs[0].shape) == (None, 64, 64, 3),
           f"the model's input shape is {tuple(model.inputs[0].shape)}, expected (None, 64, 64, 3)")
    _compare(model, HAPPY_TABLE, HAPPY_HINTS, "happyModel()")
    print("All tests passed.")


def convolutional_model_test(convolutional_model):
    """A functional model whose summary matches the SIGNS table, for two input shapes."""
    keras = quiet_tensorflow().keras
    for shape, table in (((64, 64, 3), SIGNS_TABLE), (SIGNS_GREY_SHAPE, SIGNS_GREY_TABLE)):
        what = f"convolutional_model({shape})"
        model = _build(convolutional_model, what, shape)
        _check(not isinstance(model, keras.Sequential),
               f"{what} returned a Sequential model; use the Functional API: call each layer on the previous "
               "tensor and build the model from its input and output tensors, tf.keras.Model(inputs=..., outputs=...)")
        _compare(model, table, SIGNS_HINTS, what)
    print("All tests passed.")
