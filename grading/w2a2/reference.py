"""Reference pieces for ``w2a2_transfer_learning`` (instructor only, never shipped).

The notebook's graded builders written out once more, for the hidden tests (structure and
values are compared with these) and for ``scripts/w2a2_transfer_gain.py``:

- ``data_augmenter()``: ``Sequential([RandomFlip("horizontal"), RandomRotation(0.2)])``;
- ``alpaca_model(image_shape, data_augmentation, base_weights)``: frozen MobileNetV2 base
  called with ``training=False`` on ``preprocess_input``-ed inputs, then
  ``GlobalAveragePooling2D``, ``Dropout(0.2)``, ``Dense(1)`` (one logit for "not alpaca");
- ``unfreeze_from(base, layer_name)``: the fine-tuning exercise's frozen pattern, and
  ``fine_tune_settings(base_learning_rate)``: its loss, optimizer and metrics;
- ``freeze_batchnorm(base, start)``: what the read-only cell after the exercise does (keeps
  the BatchNorm layers of the unfrozen part in inference mode, keras-team/keras#20285).
"""
from __future__ import annotations

IMG_SIZE = (160, 160)
BATCH_SIZE = 32
BASE_LEARNING_RATE = 0.001
FINE_TUNE_LAYER = "block_13_pad"
DEFAULT = "course"  # base_weights=DEFAULT: the notebook's BASE_WEIGHTS (mobilenet_base_weights())


def _tf():
    from cnnkit import setup

    return setup.quiet_tensorflow()


def data_augmenter(name=None):
    """Random mirror (left-right) and random rotation of up to 0.2 turn (+-72 degrees)."""
    tf = _tf()
    return tf.keras.Sequential([tf.keras.layers.RandomFlip("horizontal"), tf.keras.layers.RandomRotation(0.2)],
                               name=name)


def resolve_base_weights(base_weights, rows: int):
    """``DEFAULT`` -> ``cnnkit.transfer.mobilenet_base_weights(rows=rows)``; anything else unchanged."""
    if isinstance(base_weights, str) and base_weights == DEFAULT:
        from cnnkit.transfer import mobilenet_base_weights

        return mobilenet_base_weights(1.0, rows)
    return base_weights


def alpaca_model(image_shape=IMG_SIZE, data_augmentation=None, base_weights=DEFAULT):
    """The notebook's model; ``base_weights=None`` gives a randomly initialised base."""
    tf = _tf()
    augment = data_augmenter() if data_augmentation is None else data_augmentation
    shape = tuple(image_shape) + (3,)
    mobilenet = tf.keras.applications.MobileNetV2(input_shape=shape, include_top=False,
                                                  weights=resolve_base_weights(base_weights, shape[0]))
    mobilenet.trainable = False
    picture = tf.keras.Input(shape=shape)
    h = augment(picture)
    h = tf.keras.applications.mobilenet_v2.preprocess_input(h)
    h = mobilenet(h, training=False)
    h = tf.keras.layers.GlobalAveragePooling2D()(h)
    h = tf.keras.layers.Dropout(0.2)(h)
    logit = tf.keras.layers.Dense(1)(h)
    return tf.keras.Model(picture, logit)


def base_of(model):
    """The MobileNetV2 inside ``model`` (the one nested Functional model)."""
    tf = _tf()
    inner = [layer for layer in model.layers if isinstance(layer, tf.keras.Model)]
    named = [layer for layer in inner if layer.name.startswith("mobilenetv2")]
    return (named or inner)[0]


def fine_tune_index(base, layer_name: str = FINE_TUNE_LAYER) -> int:
    """Index of ``layer_name`` in ``base.layers`` (119 for ``block_13_pad`` under Keras 3)."""
    return [layer.name for layer in base.layers].index(layer_name)


def unfreeze_from(base, layer_name: str = FINE_TUNE_LAYER) -> int:
    """``base.trainable = True``, then every layer before ``layer_name`` frozen again; returns its index."""
    base.trainable = True
    start = fine_tune_index(base, layer_name)
    for layer in base.layers[:start]:
        layer.trainable = False
    return start


def fine_tune_settings(base_learning_rate: float = BASE_LEARNING_RATE):
    """``(loss_function, optimizer, metrics)`` of the fine-tuning exercise."""
    tf = _tf()
    return (tf.keras.losses.BinaryCrossentropy(from_logits=True),
            tf.keras.optimizers.Adam(learning_rate=0.1 * base_learning_rate), ["accuracy"])


def freeze_batchnorm(base, start: int) -> list:
    """Set the BatchNorm layers from ``start`` on to non-trainable; returns their names."""
    tf = _tf()
    names = []
    for layer in base.layers[start:]:
        if isinstance(layer, tf.keras.layers.BatchNormalization):
            layer.trainable = False
            names.append(layer.name)
    return names


UNPROBED = {
    "data_augmenter": "returns an unbuilt Sequential, which has no structure summary to compare; "
                      "tests/test_w2a2_data.py checks that cnnkit holds no augmentation layers at all",
    "fine_tuning": "graded by the state a notebook cell leaves (no function a helper could imitate)",
}


def probes():
    """Calls whose answers no student-facing helper may give (``grading.leaks``): the model, by
    default arguments and with the notebook's image size."""
    from grading.leaks import Probe

    return [Probe("alpaca_model", alpaca_model), Probe("alpaca_model", alpaca_model, (IMG_SIZE,))]
