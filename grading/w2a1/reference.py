"""Reference ResNet pieces for the ``w2a1_resnets`` hidden tests (instructor only, never shipped).

Two independent references:

- Keras blocks written out layer by layer, with the notebook's signatures
  (``identity_block``, ``convolutional_block``, ``ResNet50``): the *structure* reference
  (``cnnkit.testing.layer_details`` of a learner's model is compared with these).
  ``scripts/w2a1_train_resnet50.py`` trains this ``ResNet50`` and ships its Keras config, which
  ``cnnkit.resnet.load_pretrained_resnet50`` reads (students get no builder of the network).
- ``forward_identity`` / ``forward_convolutional``: the *value* reference, a forward pass
  in plain TensorFlow ops (``tf.nn.conv2d`` and BatchNormalization written out), from
  explicit parameter arrays.  No Keras layer is involved.
"""
from __future__ import annotations

import numpy as np

from cnnkit.setup import quiet_tensorflow

def _initializers():
    tf = quiet_tensorflow()
    return tf.keras.initializers.random_uniform, tf.keras.initializers.glorot_uniform


random_uniform, glorot_uniform = _initializers()
BN_EPSILON = 1e-3  # Keras' default


# =============================================================================== Keras references
def identity_block(X, f, filters, training=True, initializer=random_uniform):
    """Bottleneck unit whose shortcut is the input itself (spec w2a1 §2.1)."""
    tfl = quiet_tensorflow().keras.layers
    F1, F2, F3 = filters
    shortcut = X
    y = tfl.Conv2D(F1, (1, 1), strides=(1, 1), padding="valid", kernel_initializer=initializer(seed=0))(X)
    y = tfl.BatchNormalization(axis=3)(y, training=training)
    y = tfl.Activation("relu")(y)
    y = tfl.Conv2D(F2, (f, f), strides=(1, 1), padding="same", kernel_initializer=initializer(seed=0))(y)
    y = tfl.BatchNormalization(axis=3)(y, training=training)
    y = tfl.Activation("relu")(y)
    y = tfl.Conv2D(F3, (1, 1), strides=(1, 1), padding="valid", kernel_initializer=initializer(seed=0))(y)
    y = tfl.BatchNormalization(axis=3)(y, training=training)
    y = tfl.Add()([y, shortcut])
    return tfl.Activation("relu")(y)


def convolutional_block(X, f, filters, s=2, training=True, initializer=glorot_uniform):
    """Bottleneck unit with a strided 1x1 projection + BN on the shortcut (spec w2a1 §2.2)."""
    tfl = quiet_tensorflow().keras.layers
    F1, F2, F3 = filters
    y = tfl.Conv2D(F1, (1, 1), strides=(s, s), padding="valid", kernel_initializer=initializer(seed=0))(X)
    y = tfl.BatchNormalization(axis=3)(y, training=training)
    y = tfl.Activation("relu")(y)
    y = tfl.Conv2D(F2, (f, f), strides=(1, 1), padding="same", kernel_initializer=initializer(seed=0))(y)
    y = tfl.BatchNormalization(axis=3)(y, training=training)
    y = tfl.Activation("relu")(y)
    y = tfl.Conv2D(F3, (1, 1), strides=(1, 1), padding="valid", kernel_initializer=initializer(seed=0))(y)
    shortcut = tfl.Conv2D(F3, (1, 1), strides=(s, s), padding="valid", kernel_initializer=initializer(seed=0))(X)
    y = tfl.BatchNormalization(axis=3)(y, training=training)
    shortcut = tfl.BatchNormalization(axis=3)(shortcut, training=training)
    y = tfl.Add()([y, shortcut])
    return tfl.Activation("relu")(y)


STAGES = (  # (filters, identity blocks after the conv block, stride of the conv block)
    ([64, 64, 256], 2, 1),
    ([128, 128, 512], 3, 2),
    ([256, 256, 1024], 5, 2),
    ([512, 512, 2048], 2, 2),
)


def ResNet50(input_shape=(64, 64, 3), classes=6, identity=None, convolutional=None):  # noqa: N802
    """ResNet-50 of spec w2a1 §2.3; ``identity``/``convolutional`` replace the blocks if given."""
    tf = quiet_tensorflow()
    tfl = tf.keras.layers
    identity = identity or identity_block
    convolutional = convolutional or convolutional_block
    X_input = tfl.Input(input_shape)
    X = tfl.ZeroPadding2D((3, 3))(X_input)
    X = tfl.Conv2D(64, (7, 7), strides=(2, 2), kernel_initializer=glorot_uniform(seed=0))(X)
    X = tfl.BatchNormalization(axis=3)(X)
    X = tfl.Activation("relu")(X)
    X = tfl.MaxPooling2D((3, 3), strides=(2, 2))(X)
    for filters, n_identity, s in STAGES:
        X = convolutional(X, f=3, filters=filters, s=s)
        for _ in range(n_identity):
            X = identity(X, 3, filters)
    X = tfl.AveragePooling2D((2, 2))(X)
    X = tfl.Flatten()(X)
    X = tfl.Dense(classes, activation="softmax", kernel_initializer=glorot_uniform(seed=0))(X)
    return tf.keras.Model(inputs=X_input, outputs=X)


# =============================================================================== value references
def _conv(x, kernel, bias, stride, padding):
    tf = quiet_tensorflow()
    y = tf.nn.conv2d(tf.cast(x, tf.float64), tf.cast(kernel, tf.float64), strides=[1, stride, stride, 1],
                     padding=padding.upper())
    return y + tf.cast(bias, tf.float64)


def _batch_norm(x, bn: dict, training: bool):
    """``gamma * (x - mu) / sqrt(var + eps) + beta`` over the channel axis.

    ``training=True``: mu and var are the batch's (biased) mean and variance over
    (examples, rows, columns); ``False``: the stored moving statistics in ``bn``.
    """
    tf = quiet_tensorflow()
    if training:
        mu = tf.reduce_mean(x, axis=(0, 1, 2))
        var = tf.reduce_mean(tf.square(x - mu), axis=(0, 1, 2))
    else:
        mu, var = tf.cast(bn["moving_mean"], tf.float64), tf.cast(bn["moving_variance"], tf.float64)
    gamma, beta = tf.cast(bn["gamma"], tf.float64), tf.cast(bn["beta"], tf.float64)
    return gamma * (x - mu) / tf.sqrt(var + BN_EPSILON) + beta


def fresh_bn(channels: int) -> dict:
    """Parameters of a newly created BatchNormalization layer."""
    return {"gamma": np.ones(channels), "beta": np.zeros(channels),
            "moving_mean": np.zeros(channels), "moving_variance": np.ones(channels)}


def forward_identity(X, params: dict, training: bool) -> np.ndarray:
    """Identity block from parameters ``{"conv1": (kernel, bias), "bn1": {...}, ...}`` (float64)."""
    tf = quiet_tensorflow()
    x = tf.cast(X, tf.float64)
    y = tf.nn.relu(_batch_norm(_conv(x, *params["conv1"], 1, "valid"), params["bn1"], training))
    y = tf.nn.relu(_batch_norm(_conv(y, *params["conv2"], 1, "same"), params["bn2"], training))
    y = _batch_norm(_conv(y, *params["conv3"], 1, "valid"), params["bn3"], training)
    return tf.nn.relu(y + x).numpy()


def forward_convolutional(X, params: dict, s: int, training: bool) -> np.ndarray:
    """Convolutional block from parameters (``conv1..3``, ``bn1..3``, ``conv_sc``, ``bn_sc``)."""
    tf = quiet_tensorflow()
    x = tf.cast(X, tf.float64)
    y = tf.nn.relu(_batch_norm(_conv(x, *params["conv1"], s, "valid"), params["bn1"], training))
    y = tf.nn.relu(_batch_norm(_conv(y, *params["conv2"], 1, "same"), params["bn2"], training))
    y = _batch_norm(_conv(y, *params["conv3"], 1, "valid"), params["bn3"], training)
    shortcut = _batch_norm(_conv(x, *params["conv_sc"], s, "valid"), params["bn_sc"], training)
    return tf.nn.relu(y + shortcut).numpy()


def probes():
    """Calls whose answers no student-facing helper may give (``grading.leaks``): block outputs on
    an array (the blocks' own seeded initializers make them deterministic) and the model."""
    from grading.leaks import Probe

    X = np.random.default_rng(2024).normal(size=(2, 4, 4, 6)).astype(np.float32)
    return [Probe("identity_block", identity_block, (X, 2, [2, 3, 6])),
            Probe("convolutional_block", convolutional_block, (X, 2, [2, 3, 8])),
            Probe("ResNet50", ResNet50),
            Probe("ResNet50", ResNet50, ((64, 64, 3), 6))]
