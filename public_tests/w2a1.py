"""Public checks for "Residual networks" (w2a1).

Run them from the notebook, right after each exercise::

    identity_block_test(identity_block)
    convolutional_block_test(convolutional_block)
    ResNet50_test(ResNet50)

The block checks apply your block to a symbolic input and compare the layers it adds
(class, output shape, parameter count, a few settings; see ``cnnkit.testing.summary``)
with the tables below, check that ``initializer`` is called once per conv with
``seed=0``, and call the block on a small batch (eagerly) to check the output's shape,
that it is non-negative, that ``training`` changes the result, and — for the identity
block — that with all-zero kernels the block returns ``relu(X)``.  The graded tests also
compare the output values with a reference on random inputs, for several sizes and
strides.  ``ResNet50_test`` compares the whole 177-layer summary; when it fails because a block
fails its own test, it says so instead of failing (``public_tests._common.depends_on``).

Tables list the parallel Conv2D and BatchNormalization rows of a convolutional block
main path first, whatever the order of the ``Add`` inputs (see
``cnnkit.testing.canonical_residual_order``).
"""
from __future__ import annotations

import math

import numpy as np

from cnnkit.setup import quiet_tensorflow
from cnnkit.testing import canonical_residual_order, comparator, layer_details, quiet
from public_tests._common import _check, depends_on

__all__ = ["identity_block_test", "convolutional_block_test", "ResNet50_test"]

# identity_block(X, f=3, filters=[2, 4, 6]) on X of shape (None, 4, 5, 6), default initializer.
IDENTITY_TABLE = [
    ["InputLayer", [(None, 4, 5, 6)], 0],
    ["Conv2D", (None, 4, 5, 2), 14, "valid", "linear", "RandomUniform"],
    ["BatchNormalization", (None, 4, 5, 2), 8],
    ["Activation", (None, 4, 5, 2), 0],
    ["Conv2D", (None, 4, 5, 4), 76, "same", "linear", "RandomUniform"],
    ["BatchNormalization", (None, 4, 5, 4), 16],
    ["Activation", (None, 4, 5, 4), 0],
    ["Conv2D", (None, 4, 5, 6), 30, "valid", "linear", "RandomUniform"],
    ["BatchNormalization", (None, 4, 5, 6), 24],
    ["Add", (None, 4, 5, 6), 0],
    ["Activation", (None, 4, 5, 6), 0],
]

# convolutional_block(X, f=3, filters=[2, 3, 4], s=2) on X of shape (None, 5, 7, 5): ceil(5/2) = 3, ceil(7/2) = 4.
CONVOLUTIONAL_TABLE = [
    ["InputLayer", [(None, 5, 7, 5)], 0],
    ["Conv2D", (None, 3, 4, 2), 12, "valid", "linear", "GlorotUniform"],
    ["BatchNormalization", (None, 3, 4, 2), 8],
    ["Activation", (None, 3, 4, 2), 0],
    ["Conv2D", (None, 3, 4, 3), 57, "same", "linear", "GlorotUniform"],
    ["BatchNormalization", (None, 3, 4, 3), 12],
    ["Activation", (None, 3, 4, 3), 0],
    ["Conv2D", (None, 3, 4, 4), 16, "valid", "linear", "GlorotUniform"],   # main path, third conv
    ["Conv2D", (None, 3, 4, 4), 24, "valid", "linear", "GlorotUniform"],   # shortcut
    ["BatchNormalization", (None, 3, 4, 4), 16],
    ["BatchNormalization", (None, 3, 4, 4), 16],
    ["Add", (None, 3, 4, 4), 0],
    ["Activation", (None, 3, 4, 4), 0],
]


def _resnet50_table(classes: int = 6) -> list:
    """The 177 summary rows of ResNet50((64, 64, 3), classes), written out stage by stage."""
    def conv(shape, c_in, c_out, k, pad, init):
        return ["Conv2D", shape + (c_out,), k * k * c_in * c_out + c_out, pad, "linear", init]

    def bn(shape, c):
        return ["BatchNormalization", shape + (c,), 4 * c]

    def act(shape, c):
        return ["Activation", shape + (c,), 0]

    rows = [["InputLayer", [(None, 64, 64, 3)], 0], ["ZeroPadding2D", (None, 70, 70, 3), 0, ((3, 3), (3, 3))],
            conv((None, 32, 32), 3, 64, 7, "valid", "GlorotUniform"), bn((None, 32, 32), 64),
            act((None, 32, 32), 64), ["MaxPooling2D", (None, 15, 15, 64), 0, (3, 3), (2, 2), "valid"]]
    c_in, size = 64, 15
    for (F1, F2, F3), n_id, s in (((64, 64, 256), 2, 1), ((128, 128, 512), 3, 2),
                                        ((256, 256, 1024), 5, 2), ((512, 512, 2048), 2, 2)):
        size = math.ceil(size / s)
        hw = (None, size, size)
        g = "GlorotUniform"
        rows += [conv(hw, c_in, F1, 1, "valid", g), bn(hw, F1), act(hw, F1),
                 conv(hw, F1, F2, 3, "same", g), bn(hw, F2), act(hw, F2),
                 conv(hw, F2, F3, 1, "valid", g), conv(hw, c_in, F3, 1, "valid", g), bn(hw, F3), bn(hw, F3),
                 ["Add", hw + (F3,), 0], act(hw, F3)]
        r = "RandomUniform"
        for _ in range(n_id):
            rows += [conv(hw, F3, F1, 1, "valid", r), bn(hw, F1), act(hw, F1),
                     conv(hw, F1, F2, 3, "same", r), bn(hw, F2), act(hw, F2),
                     conv(hw, F2, F3, 1, "valid", r), bn(hw, F3), ["Add", hw + (F3,), 0], act(hw, F3)]
        c_in = F3
    rows += [["AveragePooling2D", (None, 1, 1, 2048), 0], ["Flatten", (None, 2048), 0],
             ["Dense", (None, classes), 2048 * classes + classes, "softmax"]]
    return rows


RESNET50_TABLE = _resnet50_table()

_BLOCK_HINTS = {
    ("Conv2D", "padding"): "the 1x1 convs use padding='valid', the f x f conv padding='same'",
    ("Conv2D", "kernel_initializer"): "create each conv with kernel_initializer=initializer(seed=0)",
    ("Conv2D", "activation"): "the convs have no activation of their own; Activation('relu') layers apply it",
    ("Conv2D", "output shape"): "check the filters F1, F2, F3 of each conv (and, in the convolutional block, the "
                                "strides (s, s) of the first 1x1 conv and of the shortcut conv)",
    ("Conv2D", "parameters"): "check the kernel sizes (1x1, f x f, 1x1) and the filters F1, F2, F3",
    ("BatchNormalization", "class"): "every conv is followed by BatchNormalization(axis=3)(X, training=training)",
    ("BatchNormalization", "parameters"): "normalise the channels: BatchNormalization(axis=3)",
    ("ReLU", "class"): "use Activation('relu') layers, not ReLU(): the required structure lists Activation",
    ("Activation", "class"): "the main path is conv -> BN -> relu, conv -> BN -> relu, conv -> BN (no relu), then Add, "
                             "then Activation('relu')",
    ("Add", "class"): "add the shortcut after the third BatchNormalization and before the final relu",
}
IDENTITY_HINTS = {**_BLOCK_HINTS, "length": "the identity block adds exactly 10 layers (see the table)"}
CONVOLUTIONAL_HINTS = {
    **_BLOCK_HINTS,
    ("Conv2D", "class"): "the shortcut is Conv2D(F3, (1, 1), strides=(s, s)) followed by BatchNormalization; there "
                         "is no relu before the Add",
    "length": "the convolutional block adds exactly 12 layers (see the table): the shortcut has a Conv2D and a "
              "BatchNormalization",
}
RESNET_HINTS = {
    ("ZeroPadding2D", "class"): "start with ZeroPadding2D((3, 3)) on the input",
    ("MaxPooling2D", "strides"): "stage 1 ends with MaxPooling2D((3, 3), strides=(2, 2))",
    ("MaxPooling2D", "output shape"): "stage 1 ends with MaxPooling2D((3, 3), strides=(2, 2))",
    ("Conv2D", "output shape"): "check each stage's filters and the s of its convolutional block (s=1 in stage 2, "
                                "s=2 in stages 3 to 5)",
    ("Conv2D", "parameters"): "check each stage's filters",
    ("Conv2D", "kernel_initializer"): "call the blocks with their default initializer; stage 1's conv uses "
                                      "glorot_uniform(seed=0)",
    ("AveragePooling2D", "class"): "the head is AveragePooling2D((2, 2)), Flatten(), Dense(classes, softmax)",
    ("Dense", "activation"): "the output layer is Dense(classes, activation='softmax')",
    "length": "ResNet50 has 177 layers: 4 convolutional blocks and 2 + 3 + 5 + 2 identity blocks between stage 1 "
              "and the head",
}


class _Factory:
    """Records calls; returns a Keras initializer (all zeros when ``zeros=True``)."""

    def __init__(self, zeros: bool = False):
        self.calls, self.zeros = [], zeros

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        import tensorflow as tf

        return tf.keras.initializers.Zeros() if self.zeros else tf.keras.initializers.GlorotUniform(seed=0)

    def seeds(self):
        return [kw.get("seed", args[0] if args else None) for args, kw in self.calls]


def _rows(model) -> list:
    return [row[:-1] for row in canonical_residual_order(layer_details(model))]


def _symbolic(block, shape, what, **kwargs):
    tf = quiet_tensorflow()
    inputs = tf.keras.Input(shape=shape)
    try:
        with quiet():
            out = block(inputs, **kwargs)
    except ValueError as err:
        if "shape" not in str(err).lower():
            raise
        raise AssertionError(f"{what} failed: {str(err).splitlines()[0]}. The main path and the shortcut must have "
                             "the same shape at the Add: 'valid' padding on the 1x1 convs, 'same' on the f x f conv, "
                             "and (convolutional block) strides (s, s) on the first 1x1 conv and on the shortcut "
                             "conv") from None
    _check(out is not None, f"{what} returned None: did you forget `return X`?")
    _check(hasattr(out, "shape") and not isinstance(out, tf.keras.layers.Layer),
           f"{what} returned a {type(out).__name__}: return the output tensor of the last Activation('relu')")
    return tf.keras.Model(inputs, out)


def _batch(shape, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 1.0, size=shape) + np.linspace(-1.0, 1.0, shape[2])[None, None, :, None]
    return X.astype(np.float32)


def _eager_checks(block, X, expected_shape, what, **kwargs):
    tf = quiet_tensorflow()
    with quiet():
        outs = {t: block(tf.constant(X), training=t, **kwargs) for t in (True, False)}
    for t, out in outs.items():
        _check(out is not None, f"{what} returned None: did you forget `return X`?")
        _check(tuple(out.shape) == expected_shape,
               f"{what} with training={t} returned shape {tuple(out.shape)}, expected {expected_shape}")
        _check(np.all(np.asarray(out) >= 0), f"{what} returned negative values: the block ends with "
                                             "Activation('relu') after the Add")
    _check(not np.allclose(np.asarray(outs[True]), np.asarray(outs[False]), atol=1e-4),
           f"{what} gives the same output with training=True and training=False: pass training=training to every "
           "BatchNormalization call (training mode normalises with the batch's statistics, inference mode with the "
           "moving averages)")


def _factory_checks(block, shape, n_convs, what, **kwargs):
    factory = _Factory()
    _symbolic(block, shape, what, initializer=factory, **kwargs)
    _check(len(factory.calls) == n_convs,
           f"{what} called initializer {len(factory.calls)} times; expected {n_convs}, one call per conv: "
           "kernel_initializer=initializer(seed=0)")
    _check(all(s == 0 for s in factory.seeds()),
           f"{what} called initializer with seeds {factory.seeds()}; use initializer(seed=0) for every conv")


def identity_block_test(identity_block):
    """Structure table, initializer calls, shape and sign, the training flag, and zero kernels -> relu(X)."""
    what = "identity_block(X, f=3, filters=[2, 4, 6])"
    model = _symbolic(identity_block, (4, 5, 6), what, f=3, filters=[2, 4, 6])
    try:
        comparator(_rows(model), IDENTITY_TABLE, IDENTITY_HINTS)
    except AssertionError as err:
        raise AssertionError(f"{what}: {err}") from None
    _factory_checks(identity_block, (4, 5, 6), 3, what, f=3, filters=[2, 4, 6])
    X = _batch((3, 4, 5, 6), 1)
    _eager_checks(identity_block, X, X.shape, what, f=3, filters=[2, 4, 6])
    tf = quiet_tensorflow()
    with quiet():
        out = identity_block(tf.constant(X), f=3, filters=[2, 4, 6], training=False, initializer=_Factory(zeros=True))
    _check(np.allclose(np.asarray(out), np.maximum(X, 0.0), atol=1e-5),
           f"{what} with all-zero kernels should return relu(X) (the main path is then 0, so only the shortcut "
           "remains): the shortcut must be X itself, added before the final relu, with no relu on the sum's inputs")
    print("All tests passed.")


def convolutional_block_test(convolutional_block):
    """Structure table (s=2, odd sizes), initializer calls, shapes ceil(n / s) for s = 1, 2, 3, the training flag."""
    what = "convolutional_block(X, f=3, filters=[2, 3, 4], s=2)"
    model = _symbolic(convolutional_block, (5, 7, 5), what, f=3, filters=[2, 3, 4], s=2)
    try:
        comparator(_rows(model), CONVOLUTIONAL_TABLE, CONVOLUTIONAL_HINTS)
    except AssertionError as err:
        raise AssertionError(f"{what}: {err}") from None
    _factory_checks(convolutional_block, (5, 7, 5), 4, what, f=3, filters=[2, 3, 4], s=2)
    for s in (1, 2, 3):
        X = _batch((2, 7, 5, 3), s)
        what = f"convolutional_block(X of shape {X.shape}, f=3, filters=[2, 3, 4], s={s})"
        _eager_checks(convolutional_block, X, (2, math.ceil(7 / s), math.ceil(5 / s), 4), what,
                      f=3, filters=[2, 3, 4], s=s)
    print("All tests passed.")


@depends_on(identity_block=identity_block_test, convolutional_block=convolutional_block_test)
def ResNet50_test(ResNet50):  # noqa: N802 - named after the exercise
    """The full 177-row summary of ResNet50((64, 64, 3), 6), lengths first.

    If it fails while one of your blocks fails its own test, the message says to fix the block
    first and the cell does not fail (your ResNet50 is graded with correct blocks).
    """
    tf = quiet_tensorflow()
    with quiet():
        model = ResNet50(input_shape=(64, 64, 3), classes=6)
    _check(model is not None, "ResNet50 returned None: did you forget `return model`?")
    _check(isinstance(model, tf.keras.Model), f"ResNet50 returned a {type(model).__name__}, not a Keras model")
    try:
        comparator(_rows(model), RESNET50_TABLE, RESNET_HINTS)
    except AssertionError as err:
        raise AssertionError(f"ResNet50((64, 64, 3), 6): {err}") from None
    print("All tests passed.")
