"""Hidden-test logic for ``w1a2_conv_application`` (instructor only).

One entry point per graded function, called from the notebook's HIDDEN TESTS regions::

    from grading.w1a2 import check_happyModel
    check_happyModel(happyModel)

Each entry point builds the learner's model (seeded, warnings silenced: ``input_shape=``
on the first layer of a Sequential makes Keras warn on stderr, which would zero the
cell), then checks

1. the model type: ``tf.keras.Sequential`` for Happy, a functional ``tf.keras.Model``
   with exactly one ``InputLayer`` for SIGNS, and the input shape;
2. the full structure, ``cnnkit.testing.layer_details`` (the ``summary`` rows plus kernel
   sizes, strides, initializers, BatchNormalization axis, ReLU config, wiring…), against
   a reference built at test time by ``grading.w1a2.reference``; for SIGNS with several
   input shapes, so that output shapes follow the ``ceil(n / stride)`` rule of "same"
   pooling and parameter counts follow the channel count;
3. the trainable / non-trainable parameter split;
4. behaviour: a fixed small batch gives probabilities (in ``[0, 1]``, summing to 1 for
   SIGNS), and five seeded Adam steps with ``tf.GradientTape`` reduce the loss.

What legitimately differs is normalised before comparing: layer names are not part of
the structure, ``MaxPool2D`` is ``MaxPooling2D``, kernel sizes are stored as tuples,
the BatchNormalization axis is made non-negative (3 and -1 agree), and a Sequential
model's ``InputLayer`` (which Keras 3 does not list) is dropped if it is ever listed.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from cnnkit.setup import quiet_tensorflow
from cnnkit.testing import first_difference, layer_details
from grading.common import GradingError, call_checked, expect, hidden_test
from grading.w1a2 import reference as ref
from public_tests.w1a2 import HAPPY_HINTS, SIGNS_HINTS

SEED = 4102
"""Base seed of this assignment (weights, batches and optimiser steps)."""
TRAIN_STEPS = 5
SIGNS_SHAPES = ((64, 64, 3), (32, 48, 3), (64, 64, 1), (50, 37, 2))
"""Input shapes for ``convolutional_model``: the notebook's, one whose sides differ, one grey
channel, and odd sizes that no pool stride divides (7x5 then 2x2 with ceil; floor gives 6x4, 1x1)."""


# =============================================================================== building
def _build(builder: Callable, what: str, *args, **kwargs):
    """Call a learner's builder with seeded weights; return the model it made."""
    tf = quiet_tensorflow()
    tf.keras.utils.set_random_seed(SEED)
    model = call_checked(builder, *args, **kwargs)
    expect(model is not None, f"{what} returned None: did you forget `return model`?")
    expect(isinstance(model, tf.keras.Model),
           f"{what} returned a {type(model).__name__}, not a Keras model: return the model object itself, not a "
           "tensor or a layer")
    return model


def _input_shape(model, what: str, expected: tuple):
    """The model's single input must have shape ``(None, *expected)``."""
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    expect(bool(inputs), f"{what} has no input shape yet, so it was never built: start it with "
                         f"tf.keras.Input(shape={expected})")
    expect(len(inputs) == 1, f"{what} has {len(inputs)} inputs; expected one image input")
    got = tuple(inputs[0].shape)
    expect(got == (None, *expected),
           f"{what} takes inputs of shape {got}, expected {(None, *expected)}"
           + ("; build the Input from the argument: tf.keras.Input(shape=input_shape)" if got[1:] != expected
              else ""))


def _structure(model, reference, hints: dict, what: str) -> None:
    """Full ``layer_details`` comparison (summary rows included), lengths first."""
    mine, theirs = layer_details(model), layer_details(reference)
    if isinstance(model, quiet_tensorflow().keras.Sequential):  # Keras 3 never lists it; drop it if some version does
        mine = [row for k, row in enumerate(mine) if not (k == 0 and row[0] == "InputLayer")]
    diff = first_difference(mine, theirs)
    if diff is not None:
        raise GradingError(f"{what}: {diff.message(hints)}")


def _weights_split(model, reference, what: str) -> None:
    def count(weights):
        return int(sum(math.prod(w.shape) for w in weights))

    got = count(model.trainable_weights), count(model.non_trainable_weights)
    expected = count(reference.trainable_weights), count(reference.non_trainable_weights)
    expect(got == expected,
           f"{what} has {got[0]:,} trainable and {got[1]:,} non-trainable parameters, expected {expected[0]:,} and "
           f"{expected[1]:,} (only the BatchNormalization moving statistics are non-trainable): leave every layer "
           "trainable")


# =============================================================================== behaviour
def _batch(shape: tuple, labels: np.ndarray):
    rng = np.random.default_rng((SEED, len(labels), *shape))
    X = rng.uniform(0.0, 1.0, size=(len(labels), *shape)).astype(np.float32)
    X[..., 0] += np.linspace(0.0, 0.3, shape[1], dtype=np.float32)  # varies across space and channels
    return np.clip(X, 0.0, 1.0)


def _expect_probabilities(model, X, what: str, n_out: int, sums_to_one: bool) -> None:
    tf = quiet_tensorflow()
    out = model(tf.constant(X), training=False)
    out = np.asarray(out)
    expect(out.shape == (len(X), n_out), f"{what} maps a batch of {len(X)} images to an output of shape {out.shape}, "
                                         f"expected {(len(X), n_out)}")
    expect(np.all(np.isfinite(out)), f"{what} outputs values that are not finite")
    expect(np.all((out >= 0.0) & (out <= 1.0)),
           f"{what} outputs values outside [0, 1] (from {out.min():.3g} to {out.max():.3g}): the output layer "
           "must produce probabilities (" + ("softmax" if sums_to_one else "sigmoid") + ")")
    if sums_to_one:
        expect(np.allclose(out.sum(axis=1), 1.0, atol=1e-4),
               f"{what}: the 6 class probabilities of an image sum to {out.sum(axis=1).round(3).tolist()}, not 1: "
               "use activation='softmax' on the output layer")


def _expect_learns(model, X, y, loss_fn, what: str, learning_rate: float) -> None:
    """Five seeded Adam steps on one fixed batch must lower the training loss."""
    tf = quiet_tensorflow()
    tf.keras.utils.set_random_seed(SEED)
    X, y = tf.constant(X), tf.constant(y)
    variables = model.trainable_variables
    expect(len(variables) > 0, f"{what} has no trainable weights: leave the layers trainable")
    optimizer = tf.keras.optimizers.Adam(learning_rate=learning_rate)
    losses = []
    for step in range(TRAIN_STEPS + 1):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(X, training=True))
        losses.append(float(loss))
        if step == TRAIN_STEPS:
            break
        grads = tape.gradient(loss, variables)
        missing = [v.path if hasattr(v, "path") else v.name for v, g in zip(variables, grads) if g is None]
        expect(not missing, f"{what}: no gradient reaches {missing[:3]}; every trainable weight must take part in "
                            "computing the output")
        optimizer.apply_gradients(zip(grads, variables))
    expect(all(np.isfinite(losses)), f"{what}: the training loss became {losses[-1]} after {TRAIN_STEPS} Adam steps")
    expect(losses[-1] < losses[0] - 1e-3,
           f"{what}: {TRAIN_STEPS} Adam steps on a fixed batch of {len(X)} images did not reduce the loss "
           f"({losses[0]:.4f} -> {losses[-1]:.4f}); check that the layers are trainable and wired in order")


# =============================================================================== happyModel
@hidden_test
def check_happyModel(happyModel):
    """Sequential type, full structure vs the reference, parameter split, probabilities, learning."""
    tf = quiet_tensorflow()
    what = "happyModel()"
    model = _build(happyModel, what)
    expect(isinstance(model, tf.keras.Sequential),
           f"{what} returned a {type(model).__name__}; the Happy model must use the Sequential API: "
           "tf.keras.Sequential([tf.keras.Input(shape=(64, 64, 3)), ...layers...])")
    _input_shape(model, what, ref.HAPPY_INPUT_SHAPE)
    tf.keras.utils.set_random_seed(SEED)
    reference = ref.happy_model()
    _structure(model, reference, HAPPY_HINTS, what)
    _weights_split(model, reference, what)

    labels = np.array([[0], [1], [1], [0], [1], [0]], dtype=np.float32)
    X = _batch(ref.HAPPY_INPUT_SHAPE, labels)
    _expect_probabilities(model, X, what, 1, sums_to_one=False)
    # The Dense layer sees 32,768 features: with Adam's per-weight steps, 1e-5 already moves the logit by
    # about 0.1 per step, and larger rates overshoot on a 6-image batch (the loss then jumps around).
    _expect_learns(model, X, labels, tf.keras.losses.BinaryCrossentropy(), what, learning_rate=1e-5)


# =============================================================================== convolutional_model
@hidden_test
def check_convolutional_model(convolutional_model):
    """Functional type with one Input, full structure for four input shapes, probabilities, learning."""
    tf = quiet_tensorflow()
    first = None
    for k, shape in enumerate(SIGNS_SHAPES):
        what = f"convolutional_model({shape})"
        if k % 2:
            model = _build(convolutional_model, what, input_shape=shape)
        else:
            model = _build(convolutional_model, what, shape)
        expect(not isinstance(model, tf.keras.Sequential),
               f"{what} returned a Sequential model; this exercise uses the Functional API: "
               "input_img = tf.keras.Input(shape=input_shape), call each layer on the previous tensor, and return "
               "tf.keras.Model(inputs=input_img, outputs=outputs)")
        n_inputs = sum(type(layer).__name__ == "InputLayer" for layer in model.layers)
        expect(n_inputs == 1, f"{what} has {n_inputs} InputLayers; expected exactly one, "
                              "tf.keras.Input(shape=input_shape), as the model's input")
        _input_shape(model, what, shape)
        tf.keras.utils.set_random_seed(SEED)
        reference = ref.convolutional_model(shape)
        _structure(model, reference, SIGNS_HINTS, what)
        _weights_split(model, reference, what)
        if first is None:
            first = model

    what = f"convolutional_model({SIGNS_SHAPES[0]})"
    labels = np.eye(ref.SIGNS_CLASSES, dtype=np.float32)[[0, 1, 2, 3, 4, 5, 2, 4]]
    X = _batch(SIGNS_SHAPES[0], labels)
    _expect_probabilities(first, X, what, ref.SIGNS_CLASSES, sums_to_one=True)
    _expect_learns(first, X, labels, tf.keras.losses.CategoricalCrossentropy(), what, learning_rate=1e-2)
