"""Reference U-Net pieces for the ``w3a2_unet`` hidden tests (instructor only, never shipped).

The three builders have the notebook's signatures and follow the spec (w3a2 §2) layer by
layer; the hidden tests compare a learner's structure (``cnnkit.testing.layer_details``)
and values (with copied weights) against them, and ``scripts/w3a2_train_unet.py`` trains
``unet_model()`` to make the shipped weights.

Shapes (channels-last, ``nf = n_filters``)::

    conv_block:        (m, H, W, C)  -> next (m, H/2, W/2, nf) [or (m, H, W, nf) without pooling],
                                        skip (m, H, W, nf)
    upsampling_block:  (m, h, w, C1), (m, 2h, 2w, C2) -> (m, 2h, 2w, nf)
    unet_model:        (None, H, W, C) -> logits (None, H, W, n_classes); H, W divisible by 16
"""
from __future__ import annotations

import numpy as np

from cnnkit.setup import quiet_tensorflow



def conv_block(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    """Two 3x3 'same' ReLU convs (He normal), optional dropout, optional 2x2 max-pool.

    Returns ``(next_layer, skip_connection)``; the skip is taken after the dropout and is
    the tensor the pooling reads.  Without pooling both are the same tensor.
    """
    tfl = quiet_tensorflow().keras.layers
    conv = tfl.Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(inputs)
    conv = tfl.Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)
    if dropout_prob > 0:
        conv = tfl.Dropout(dropout_prob)(conv)
    next_layer = tfl.MaxPooling2D(pool_size=(2, 2))(conv) if max_pooling else conv
    skip_connection = conv
    return (next_layer, skip_connection)


def upsampling_block(expansive_input, contractive_input, n_filters=32):
    """3x3 stride-2 transposed conv (doubles H, W), concatenated before the skip, two 3x3 convs."""
    tf = quiet_tensorflow()
    tfl = tf.keras.layers
    up = tfl.Conv2DTranspose(n_filters, 3, strides=2, padding="same")(expansive_input)
    merge = tfl.concatenate([up, contractive_input], axis=3)
    conv = tfl.Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(merge)
    conv = tfl.Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)
    return conv


def unet_model(input_size=(96, 128, 3), n_filters=32, n_classes=23, blocks=None):
    """The U-Net of the assignment: 4 pooled encoder levels, a bottleneck, 4 decoder levels, 1x1 head.

    ``blocks`` (optional ``(conv_block, upsampling_block)``) replaces the two block
    builders; the hidden test of ``unet_model`` uses it the other way round (reference
    blocks inside the learner's model).
    """
    tf = quiet_tensorflow()
    tfl = tf.keras.layers
    cb, ub = blocks if blocks is not None else (conv_block, upsampling_block)
    inputs = tf.keras.Input(input_size)
    cblock1 = cb(inputs, n_filters)
    cblock2 = cb(cblock1[0], n_filters * 2)
    cblock3 = cb(cblock2[0], n_filters * 4)
    cblock4 = cb(cblock3[0], n_filters * 8, dropout_prob=0.3)
    cblock5 = cb(cblock4[0], n_filters * 16, dropout_prob=0.3, max_pooling=False)
    ublock6 = ub(cblock5[0], cblock4[1], n_filters * 8)
    ublock7 = ub(ublock6, cblock3[1], n_filters * 4)
    ublock8 = ub(ublock7, cblock2[1], n_filters * 2)
    ublock9 = ub(ublock8, cblock1[1], n_filters)
    conv9 = tfl.Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(ublock9)
    conv10 = tfl.Conv2D(n_classes, 1, padding="same")(conv9)
    return tf.keras.Model(inputs=inputs, outputs=conv10)


def probes():
    """Calls whose answers no student-facing helper may give (``grading.leaks``): block outputs on arrays
    (the scan seeds TensorFlow before each call, so He-normal weights are the same) and the model."""
    from grading.leaks import Probe

    rng = np.random.default_rng(3232)
    X = rng.normal(size=(2, 8, 12, 3)).astype(np.float32)
    E = rng.normal(size=(2, 4, 6, 16)).astype(np.float32)
    C = rng.normal(size=(2, 8, 12, 8)).astype(np.float32)
    return [Probe("conv_block", conv_block, (X, 8), {"dropout_prob": 0.2}),
            Probe("conv_block", conv_block, (X, 8, 0, False)),
            Probe("upsampling_block", upsampling_block, (E, C, 8)),
            Probe("unet_model", unet_model),
            Probe("unet_model", unet_model, ((32, 48, 1), 8, 5))]
