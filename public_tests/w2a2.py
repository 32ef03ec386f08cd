"""Public checks for "Transfer learning with MobileNetV2" (w2a2).

Run them from the notebook, right after each exercise::

    data_augmenter_test(data_augmenter)
    alpaca_model_test(alpaca_model)
    fine_tuning_test(globals())

``data_augmenter_test`` looks at the two layers of the returned Sequential model (classes, flip
mode, rotation limits as Keras 3 stores them) and checks that it changes a picture in training
mode and leaves it alone in inference mode.  ``alpaca_model_test`` compares the model's layer
list (``cnnkit.testing.summary``, lengths first) with the table below and checks that only the
Dense layer is trainable.  ``fine_tuning_test`` checks that the base is trainable again, that
some layers at the bottom are frozen and the top is not, and the types of ``loss_function`` and
``optimizer``.  The graded tests are stricter (see the notebook's introduction).
"""
from __future__ import annotations

import numpy as np

from cnnkit.setup import quiet_tensorflow
from cnnkit.testing import comparator, quiet, summary
from public_tests._common import _check, _passed

__all__ = ["data_augmenter_test", "alpaca_model_test", "fine_tuning_test", "ALPACA_SUMMARY"]

#: ``summary(alpaca_model((160, 160), data_augmenter()))`` under Keras 3 (6 rows: preprocess_input adds none).
ALPACA_SUMMARY = [
    ["InputLayer", [(None, 160, 160, 3)], 0],
    ["Sequential", (None, 160, 160, 3), 0],
    ["Functional", (None, 5, 5, 1280), 2257984],
    ["GlobalAveragePooling2D", (None, 1280), 0],
    ["Dropout", (None, 1280), 0, 0.2],
    ["Dense", (None, 1), 1281, "linear"],
]


def _factor_pair(factor):
    if isinstance(factor, (int, float)):
        return (-float(factor), float(factor))
    return tuple(float(f) for f in factor)


def data_augmenter_test(target):
    tf = quiet_tensorflow()
    with quiet():
        augmenter = target()
        _check(isinstance(augmenter, tf.keras.Sequential),
               f"data_augmenter() should return a tf.keras.Sequential model, not {type(augmenter).__name__}")
        layers = augmenter.layers
        names = [type(layer).__name__ for layer in layers]
        _check(names == ["RandomFlip", "RandomRotation"],
               f"expected exactly two layers, RandomFlip then RandomRotation; got {names}")
        flip, rotation = layers
        _check(flip.mode == "horizontal",
               f"the flip should mirror left-right only: RandomFlip('horizontal'), not mode {flip.mode!r}")
        pair = _factor_pair(rotation.factor)
        _check(np.allclose(pair, (-0.2, 0.2)),
               f"RandomRotation(0.2) rotates by up to 0.2 of a turn either way (Keras stores (-0.2, 0.2)); "
               f"yours stores {pair}")
        x = np.arange(2 * 20 * 24 * 3, dtype="float32").reshape(2, 20, 24, 3) % 251
        same = np.asarray(augmenter(x, training=False))
        _check(np.allclose(same, x), "in inference mode (training=False) the augmentation must leave pictures unchanged")
        tf.keras.utils.set_random_seed(3)
        changed = np.asarray(augmenter(np.repeat(x, 4, axis=0), training=True))
        _check(not np.allclose(changed, np.repeat(x, 4, axis=0)), "in training mode the layers should change the pictures")
    _passed()


def alpaca_model_test(target):
    tf = quiet_tensorflow()
    with quiet():
        augmentation = tf.keras.Sequential([tf.keras.layers.RandomFlip("horizontal"),
                                            tf.keras.layers.RandomRotation(0.2)])
        model = target((160, 160), augmentation)
        _check(isinstance(model, tf.keras.Model), f"alpaca_model should return a tf.keras.Model, not {type(model).__name__}")
        comparator(summary(model), ALPACA_SUMMARY)
        _check(model.layers[1] is augmentation,
               "call the data_augmentation model passed as the argument on the Input, before preprocess_input")
        base = model.layers[2]
        _check(base.name == "mobilenetv2_1.00_160",
               f"layer 2 should be the MobileNetV2 base (mobilenetv2_1.00_160), not {base.name!r}")
        _check(not base.trainable, "freeze the base before building the model: base_model.trainable = False")
        n_trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
        _check(n_trainable == 1281,
               f"only the Dense layer (1,281 numbers) should be trainable; the model has {n_trainable:,} trainable numbers")
    _passed()


def fine_tuning_test(namespace):
    tf = quiet_tensorflow()
    for name in ("base_model", "loss_function", "optimizer", "metrics"):
        _check(name in namespace, f"{name} is not defined: run the exercise cell (and the cells before it)")
    base = namespace["base_model"]
    _check(base.trainable is True, "make the base trainable again first: base_model.trainable = True")
    flags = [layer.trainable for layer in base.layers]
    _check(not flags[0] and not flags[len(flags) // 2],
           "freeze the layers before fine_tune_at again (layer.trainable = False for base_model.layers[:fine_tune_at])")
    _check(flags[-1], "the layers from fine_tune_at on stay trainable; only the ones before it are frozen")
    loss = namespace["loss_function"]
    _check(isinstance(loss, tf.keras.losses.BinaryCrossentropy),
           f"loss_function should be a tf.keras.losses.BinaryCrossentropy, not {type(loss).__name__}")
    optimizer = namespace["optimizer"]
    _check(isinstance(optimizer, tf.keras.optimizers.Adam),
           f"optimizer should be tf.keras.optimizers.Adam, not {type(optimizer).__name__}")
    _check(isinstance(namespace["metrics"], (list, tuple)) and len(namespace["metrics"]) == 1,
           "metrics should be a list with one entry, the accuracy")
    _passed()
