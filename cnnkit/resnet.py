"""A ResNet-50 for 64x64 images, built from a plan of units (used to load trained weights).

``build_resnet50(input_shape, classes)`` makes the network of the ResNet assignment
(``w2a1``) so that ``cnnkit.weights.load_pretrained_resnet50`` can load the course's
trained weights into it.  The network is described as data: ``PLAN`` lists the four
stages and ``_bottleneck_unit`` reads each unit's settings from a small record.  It is
meant for loading and running the network; the assignment asks you to write the blocks
yourself, layer by layer, with the ``training`` and ``initializer`` arguments.

Layer order and kinds (what ``cnnkit.testing.summary`` lists) are the same as in the
assignment's ``ResNet50``, so weights can be copied layer by layer in ``model.layers``
order between the two.
"""
from __future__ import annotations

from typing import NamedTuple

__all__ = ["PLAN", "Unit", "build_resnet50", "plan_units"]


class Unit(NamedTuple):
    """One bottleneck unit: widths ``(narrow, narrow, wide)``, window, step, projected shortcut."""

    widths: tuple
    window: int
    step: int
    projection: bool


# (widths, number of units, step of the first unit); the first unit of a stage projects its shortcut.
PLAN = (
    ((64, 64, 256), 3, 1),
    ((128, 128, 512), 4, 2),
    ((256, 256, 1024), 6, 2),
    ((512, 512, 2048), 3, 2),
)
STEM = {"pad": 3, "width": 64, "window": 7, "step": 2, "pool": 3, "pool_step": 2}


def plan_units(plan=PLAN) -> list[Unit]:
    """Flatten ``PLAN`` into one ``Unit`` per bottleneck unit (16 for ResNet-50)."""
    units = []
    for widths, count, step in plan:
        for k in range(count):
            units.append(Unit(tuple(widths), 3, step if k == 0 else 1, k == 0))
    return units


def _bottleneck_unit(x, unit: Unit, layers, inits):
    """Apply one unit to tensor ``x``; ``inits`` maps "projection"/"plain" to initializer objects."""
    init = inits["projection" if unit.projection else "plain"]
    kinds = [(1, unit.step, "valid"), (unit.window, 1, "same"), (1, 1, "valid")]
    branch = x
    for j, (width, (window, step, pad)) in enumerate(zip(unit.widths, kinds)):
        branch = layers.Conv2D(width, window, strides=step, padding=pad, kernel_initializer=init)(branch)
        branch = layers.BatchNormalization(axis=-1)(branch)
        if j < len(kinds) - 1:
            branch = layers.Activation("relu")(branch)
    side = x
    if unit.projection:
        side = layers.Conv2D(unit.widths[-1], 1, strides=unit.step, padding="valid", kernel_initializer=init)(x)
        side = layers.BatchNormalization(axis=-1)(side)
    merged = layers.Add()([branch, side])
    return layers.Activation("relu")(merged)


def build_resnet50(input_shape=(64, 64, 3), classes: int = 6, plan=PLAN):
    """The assignment's ResNet-50 as an (uncompiled) ``tf.keras.Model``."""
    from cnnkit.setup import quiet_tensorflow

    tf = quiet_tensorflow()
    layers = tf.keras.layers
    inits = {"projection": tf.keras.initializers.GlorotUniform(seed=0),
             "plain": tf.keras.initializers.RandomUniform(seed=0)}
    inputs = tf.keras.Input(shape=input_shape)
    x = layers.ZeroPadding2D(STEM["pad"])(inputs)
    x = layers.Conv2D(STEM["width"], STEM["window"], strides=STEM["step"],
                      kernel_initializer=tf.keras.initializers.GlorotUniform(seed=0))(x)
    x = layers.BatchNormalization(axis=-1)(x)
    x = layers.Activation("relu")(x)
    x = layers.MaxPooling2D(STEM["pool"], strides=STEM["pool_step"])(x)
    for unit in plan_units(plan):
        x = _bottleneck_unit(x, unit, layers, inits)
    x = layers.AveragePooling2D(2)(x)
    x = layers.Flatten()(x)
    outputs = layers.Dense(classes, activation="softmax",
                           kernel_initializer=tf.keras.initializers.GlorotUniform(seed=0))(x)
    return tf.keras.Model(inputs=inputs, outputs=outputs, name="resnet50_signs")
