"""Variants of the graded functions of ``w2a1_resnets``.

Mutants are mistakes a student plausibly makes (each must lose that exercise's points);
alternatives are correct blocks or networks written differently from the notebook's
solution (each must keep full marks).  Every variant is the code a student would put in
the solution cell: it uses the notebook's globals (``tf``, ``np``, the layers ``Input``,
``Add``, ``Dense``, ``Activation``, ``ZeroPadding2D``, ``BatchNormalization``, ``Flatten``,
``Conv2D``, ``AveragePooling2D``, ``MaxPooling2D``, the initializer factories
``random_uniform`` and ``glorot_uniform``, and — for ``ResNet50`` — the two block functions).

Identity block: [1x1 valid -> BN -> relu] -> [f x f same -> BN -> relu] -> [1x1 valid -> BN]
-> Add(with X) -> relu.  Convolutional block: the same with strides (s, s) on the first 1x1,
plus a shortcut 1x1 conv with strides (s, s) and BN.  ``ResNet50``: zero padding 3, stage 1
(7x7/2 conv, BN, relu, 3x3/2 max pool), stages of 1 conv block + 2/3/5/2 identity blocks,
AveragePooling2D(2), Flatten, Dense(softmax).
"""
# ruff: noqa: F811, F821, N802, N803, N806  (slugs repeat across targets; names come from the notebook)
from grading.mutation import Registry

REGISTRY = Registry("w2a1_resnets")
mutant, alternative = REGISTRY.mutant, REGISTRY.alternative
RELU_LAYER = ("from tensorflow.keras.layers import ReLU",)  # decorators must stay on one line
# Default arguments are evaluated when this module defines the functions; the variants' sources are
# executed again in the notebook's namespace, where these names are the Keras initializer factories.
random_uniform = glorot_uniform = None


# =============================================================================== identity_block
@mutant("identity_block", "the skip is added after the final relu (relu, then Add, no relu after it)")
def skip_after_relu(X, f, filters, training=True, initializer=random_uniform):
    F1, F2, F3 = filters
    X_shortcut = X
    X = Conv2D(F1, 1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F2, f, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Add()([X, X_shortcut])
    return X


@mutant("identity_block", "a relu between the third BatchNormalization and the Add (as well as after it)")
def relu_before_add(X, f, filters, training=True, initializer=random_uniform):
    F1, F2, F3 = filters
    X_shortcut = X
    X = Conv2D(F1, 1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F2, f, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


@mutant("identity_block", "no BatchNormalization after the third conv")
def missing_third_batchnorm(X, f, filters, training=True, initializer=random_uniform):
    F1, F2, F3 = filters
    X_shortcut = X
    X = Conv2D(F1, 1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F2, f, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


@mutant("identity_block", "padding='same' on the 1x1 convs (same values; the structure says 'valid')")
def same_padding_1x1(X, f, filters, training=True, initializer=random_uniform):
    F1, F2, F3 = filters
    X_shortcut = X
    X = Conv2D(F1, 1, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F2, f, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


@mutant("identity_block", "the middle conv uses 'valid' padding: the main path shrinks and the Add fails")
def valid_padding_middle(X, f, filters, training=True, initializer=random_uniform):
    F1, F2, F3 = filters
    X_shortcut = X
    X = Conv2D(F1, 1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F2, f, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


@mutant("identity_block", "a hard-coded random_uniform(seed=0) instead of the initializer argument")
def hardcoded_initializer(X, f, filters, training=True, initializer=random_uniform):
    F1, F2, F3 = filters
    X_shortcut = X
    X = Conv2D(F1, 1, padding="valid", kernel_initializer=random_uniform(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F2, f, padding="same", kernel_initializer=random_uniform(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, padding="valid", kernel_initializer=random_uniform(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


@mutant("identity_block", "initializer() called without seed=0")
def initializer_without_seed(X, f, filters, training=True, initializer=random_uniform):
    F1, F2, F3 = filters
    X_shortcut = X
    X = Conv2D(F1, 1, padding="valid", kernel_initializer=initializer())(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F2, f, padding="same", kernel_initializer=initializer())(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, padding="valid", kernel_initializer=initializer())(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


@mutant("identity_block", "BatchNormalization over the height axis (axis=1)")
def batchnorm_wrong_axis(X, f, filters, training=True, initializer=random_uniform):
    F1, F2, F3 = filters
    X_shortcut = X
    X = Conv2D(F1, 1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=1)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F2, f, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=1)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=1)(X, training=training)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


@mutant("identity_block", "the training flag is not passed to BatchNormalization")
def training_flag_ignored(X, f, filters, training=True, initializer=random_uniform):
    F1, F2, F3 = filters
    X_shortcut = X
    X = Conv2D(F1, 1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X)
    X = Activation("relu")(X)
    X = Conv2D(F2, f, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


@mutant("identity_block", "BatchNormalization always in training mode (training=True hard-coded)")
def training_always_true(X, f, filters, training=True, initializer=random_uniform):
    F1, F2, F3 = filters
    X_shortcut = X
    X = Conv2D(F1, 1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=True)
    X = Activation("relu")(X)
    X = Conv2D(F2, f, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=True)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=True)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


@mutant("identity_block", "filters used in the wrong order: F2 in the first conv, F1 in the middle one")
def wrong_filter_order(X, f, filters, training=True, initializer=random_uniform):
    F1, F2, F3 = filters
    X_shortcut = X
    X = Conv2D(F2, 1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F1, f, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


@mutant("identity_block", "ReLU() layers instead of Activation('relu')", imports=RELU_LAYER)
def relu_layers(X, f, filters, training=True, initializer=random_uniform):
    F1, F2, F3 = filters
    X_shortcut = X
    X = Conv2D(F1, 1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = ReLU()(X)
    X = Conv2D(F2, f, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = ReLU()(X)
    X = Conv2D(F3, 1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Add()([X, X_shortcut])
    X = ReLU()(X)
    return X


@alternative("identity_block", "layers.add([shortcut, X]) with the operands swapped, activations as functions")
def functional_add_swapped(X, f, filters, training=True, initializer=random_uniform):
    F1, F2, F3 = filters
    skip = X
    h = Conv2D(filters=F1, kernel_size=(1, 1), strides=(1, 1), padding="valid",
               kernel_initializer=initializer(seed=0))(X)
    h = BatchNormalization(axis=-1)(h, training=training)
    h = Activation(tf.keras.activations.relu)(h)
    h = Conv2D(filters=F2, kernel_size=(f, f), strides=(1, 1), padding="same",
               kernel_initializer=initializer(seed=0))(h)
    h = BatchNormalization(axis=-1)(h, training=training)
    h = Activation(tf.keras.activations.relu)(h)
    h = Conv2D(filters=F3, kernel_size=(1, 1), strides=(1, 1), padding="valid",
               kernel_initializer=initializer(seed=0))(h)
    h = BatchNormalization(axis=-1)(h, training=training)
    return Activation("relu")(tf.keras.layers.add([skip, h]))


@alternative("identity_block", "a loop over (filters, kernel size, padding), named layers")
def loop_with_names(X, f, filters, training=True, initializer=random_uniform):
    shortcut = X
    settings = list(zip(filters, (1, f, 1), ("valid", "same", "valid")))
    for k, (n, size, pad) in enumerate(settings):
        X = Conv2D(n, size, padding=pad, kernel_initializer=initializer(seed=0), name=None)(X)
        X = BatchNormalization(axis=3)(X, training=training)
        if k < len(settings) - 1:
            X = Activation("relu")(X)
    X = Add(name=None)([X, shortcut])
    return Activation("relu")(X)


@alternative("identity_block", "tf.keras.layers spelled out, integer sizes and strides, positional seed")
def keras_namespace(X, f, filters, training=True, initializer=random_uniform):
    L = tf.keras.layers
    F1, F2, F3 = filters
    main = L.Conv2D(F1, 1, strides=1, kernel_initializer=initializer(0))(X)
    main = L.Activation("relu")(L.BatchNormalization(axis=3)(main, training=training))
    main = L.Conv2D(F2, f, strides=1, padding="same", kernel_initializer=initializer(0))(main)
    main = L.Activation("relu")(L.BatchNormalization(axis=3)(main, training=training))
    main = L.Conv2D(F3, 1, strides=1, kernel_initializer=initializer(0))(main)
    main = L.BatchNormalization(axis=3)(main, training=training)
    return L.Activation("relu")(L.Add()([main, X]))


# =============================================================================== convolutional_block
@mutant("convolutional_block", "the stride sits on the middle f x f conv instead of the first 1x1 conv")
def stride_on_middle_conv(X, f, filters, s=2, training=True, initializer=glorot_uniform):
    F1, F2, F3 = filters
    X_shortcut = X
    X = Conv2D(F1, 1, strides=1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F2, f, strides=s, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, strides=1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X_shortcut = Conv2D(F3, 1, strides=s, padding="valid", kernel_initializer=initializer(seed=0))(X_shortcut)
    X_shortcut = BatchNormalization(axis=3)(X_shortcut, training=training)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


@mutant("convolutional_block", "no stride on the shortcut conv (shapes disagree when s > 1)")
def shortcut_without_stride(X, f, filters, s=2, training=True, initializer=glorot_uniform):
    F1, F2, F3 = filters
    X_shortcut = X
    X = Conv2D(F1, 1, strides=s, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F2, f, strides=1, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, strides=1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X_shortcut = Conv2D(F3, 1, strides=1, padding="valid", kernel_initializer=initializer(seed=0))(X_shortcut)
    X_shortcut = BatchNormalization(axis=3)(X_shortcut, training=training)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


@mutant("convolutional_block", "the shortcut has its conv but no BatchNormalization")
def shortcut_without_batchnorm(X, f, filters, s=2, training=True, initializer=glorot_uniform):
    F1, F2, F3 = filters
    X_shortcut = X
    X = Conv2D(F1, 1, strides=s, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F2, f, strides=1, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, strides=1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X_shortcut = Conv2D(F3, 1, strides=s, padding="valid", kernel_initializer=initializer(seed=0))(X_shortcut)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


@mutant("convolutional_block", "no BatchNormalization after the middle conv")
def missing_middle_batchnorm(X, f, filters, s=2, training=True, initializer=glorot_uniform):
    F1, F2, F3 = filters
    X_shortcut = X
    X = Conv2D(F1, 1, strides=s, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F2, f, strides=1, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, strides=1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X_shortcut = Conv2D(F3, 1, strides=s, padding="valid", kernel_initializer=initializer(seed=0))(X_shortcut)
    X_shortcut = BatchNormalization(axis=3)(X_shortcut, training=training)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


@mutant("convolutional_block", "padding='same' on the strided 1x1 convs (same shapes and values)")
def same_padding_1x1(X, f, filters, s=2, training=True, initializer=glorot_uniform):
    F1, F2, F3 = filters
    X_shortcut = X
    X = Conv2D(F1, 1, strides=s, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F2, f, strides=1, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, strides=1, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X_shortcut = Conv2D(F3, 1, strides=s, padding="same", kernel_initializer=initializer(seed=0))(X_shortcut)
    X_shortcut = BatchNormalization(axis=3)(X_shortcut, training=training)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


@mutant("convolutional_block", "the skip is added after the final relu")
def skip_after_relu(X, f, filters, s=2, training=True, initializer=glorot_uniform):
    F1, F2, F3 = filters
    X_shortcut = X
    X = Conv2D(F1, 1, strides=s, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F2, f, strides=1, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, strides=1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X_shortcut = Conv2D(F3, 1, strides=s, padding="valid", kernel_initializer=initializer(seed=0))(X_shortcut)
    X_shortcut = BatchNormalization(axis=3)(X_shortcut, training=training)
    X = Add()([X, X_shortcut])
    return X


@mutant("convolutional_block", "a relu on the main path right before the Add")
def relu_before_add(X, f, filters, s=2, training=True, initializer=glorot_uniform):
    F1, F2, F3 = filters
    X_shortcut = X
    X = Conv2D(F1, 1, strides=s, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F2, f, strides=1, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, strides=1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X_shortcut = Conv2D(F3, 1, strides=s, padding="valid", kernel_initializer=initializer(seed=0))(X_shortcut)
    X_shortcut = BatchNormalization(axis=3)(X_shortcut, training=training)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


@mutant("convolutional_block", "a hard-coded glorot_uniform(seed=0) instead of the initializer argument")
def hardcoded_initializer(X, f, filters, s=2, training=True, initializer=glorot_uniform):
    F1, F2, F3 = filters
    X_shortcut = X
    X = Conv2D(F1, 1, strides=s, padding="valid", kernel_initializer=glorot_uniform(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F2, f, strides=1, padding="same", kernel_initializer=glorot_uniform(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, strides=1, padding="valid", kernel_initializer=glorot_uniform(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X_shortcut = Conv2D(F3, 1, strides=s, padding="valid", kernel_initializer=glorot_uniform(seed=0))(X_shortcut)
    X_shortcut = BatchNormalization(axis=3)(X_shortcut, training=training)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


@mutant("convolutional_block", "one initializer object shared by all four convs (one call instead of one per conv)")
def one_shared_initializer(X, f, filters, s=2, training=True, initializer=glorot_uniform):
    F1, F2, F3 = filters
    init = initializer(seed=0)
    X_shortcut = X
    X = Conv2D(F1, 1, strides=s, padding="valid", kernel_initializer=init)(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F2, f, strides=1, padding="same", kernel_initializer=init)(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, strides=1, padding="valid", kernel_initializer=init)(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X_shortcut = Conv2D(F3, 1, strides=s, padding="valid", kernel_initializer=init)(X_shortcut)
    X_shortcut = BatchNormalization(axis=3)(X_shortcut, training=training)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


@mutant("convolutional_block", "the shortcut's BatchNormalization ignores the training flag")
def shortcut_training_flag_ignored(X, f, filters, s=2, training=True, initializer=glorot_uniform):
    F1, F2, F3 = filters
    X_shortcut = X
    X = Conv2D(F1, 1, strides=s, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F2, f, strides=1, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, strides=1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X_shortcut = Conv2D(F3, 1, strides=s, padding="valid", kernel_initializer=initializer(seed=0))(X_shortcut)
    X_shortcut = BatchNormalization(axis=3)(X_shortcut)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


@mutant("convolutional_block", "the shortcut conv is applied to the main path's output instead of the block input")
def shortcut_from_main_path(X, f, filters, s=2, training=True, initializer=glorot_uniform):
    F1, F2, F3 = filters
    X = Conv2D(F1, 1, strides=s, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X_shortcut = X
    X = Conv2D(F2, f, strides=1, padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F3, 1, strides=1, padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X_shortcut = Conv2D(F3, 1, strides=1, padding="valid", kernel_initializer=initializer(seed=0))(X_shortcut)
    X_shortcut = BatchNormalization(axis=3)(X_shortcut, training=training)
    X = Add()([X, X_shortcut])
    X = Activation("relu")(X)
    return X


@alternative("convolutional_block", "the shortcut built first and Add()([shortcut, X]): parallel rows swap places")
def shortcut_first_add_swapped(X, f, filters, s=2, training=True, initializer=glorot_uniform):
    F1, F2, F3 = filters
    X_shortcut = Conv2D(F3, (1, 1), strides=(s, s), padding="valid", kernel_initializer=initializer(seed=0))(X)
    X_shortcut = BatchNormalization(axis=3)(X_shortcut, training=training)
    X = Conv2D(F1, (1, 1), strides=(s, s), padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F2, (f, f), strides=(1, 1), padding="same", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Activation("relu")(X)
    X = Conv2D(F3, (1, 1), strides=(1, 1), padding="valid", kernel_initializer=initializer(seed=0))(X)
    X = BatchNormalization(axis=3)(X, training=training)
    X = Add()([X_shortcut, X])
    X = Activation("relu")(X)
    return X


@alternative("convolutional_block", "integer strides and kernel sizes, axis=-1, tf.keras.layers.add, named layers")
def integer_arguments_functional_add(X, f, filters, s=2, training=True, initializer=glorot_uniform):
    F1, F2, F3 = filters
    main = Conv2D(F1, 1, strides=s, kernel_initializer=initializer(seed=0), name=None)(X)
    main = BatchNormalization(axis=-1)(main, training=training)
    main = Activation("relu")(main)
    main = Conv2D(F2, f, padding="same", kernel_initializer=initializer(seed=0))(main)
    main = BatchNormalization(axis=-1)(main, training=training)
    main = Activation("relu")(main)
    main = Conv2D(F3, 1, kernel_initializer=initializer(seed=0))(main)
    side = Conv2D(F3, 1, strides=s, kernel_initializer=initializer(seed=0))(X)
    main = BatchNormalization(axis=-1)(main, training=training)
    side = BatchNormalization(axis=-1)(side, training=training)
    return Activation(tf.keras.activations.relu)(tf.keras.layers.add([main, side]))


@alternative("convolutional_block", "a helper function for conv + BN, and a loop over the main path")
def helper_and_loop(X, f, filters, s=2, training=True, initializer=glorot_uniform):
    def conv_bn(x, n, size, stride, pad):
        x = Conv2D(n, (size, size), strides=(stride, stride), padding=pad,
                   kernel_initializer=initializer(seed=0))(x)
        return BatchNormalization(axis=3)(x, training=training)

    block_input = X
    steps = [(filters[0], 1, s, "valid"), (filters[1], f, 1, "same"), (filters[2], 1, 1, "valid")]
    for k, (n, size, stride, pad) in enumerate(steps):
        X = conv_bn(X, n, size, stride, pad)
        if k < 2:
            X = Activation("relu")(X)
    shortcut = conv_bn(block_input, filters[2], 1, s, "valid")
    return Activation("relu")(Add()([X, shortcut]))


# =============================================================================== ResNet50
@mutant("ResNet50", "stage 2's convolutional block uses s=2 (the spatial size halves one stage too early)")
def stage2_stride_2(input_shape=(64, 64, 3), classes=6):
    X_input = Input(input_shape)
    X = ZeroPadding2D((3, 3))(X_input)
    X = Conv2D(64, (7, 7), strides=(2, 2), kernel_initializer=glorot_uniform(seed=0))(X)
    X = BatchNormalization(axis=3)(X)
    X = Activation("relu")(X)
    X = MaxPooling2D((3, 3), strides=(2, 2))(X)
    X = convolutional_block(X, f=3, filters=[64, 64, 256], s=2)
    X = identity_block(X, 3, [64, 64, 256])
    X = identity_block(X, 3, [64, 64, 256])
    X = convolutional_block(X, f=3, filters=[128, 128, 512], s=2)
    for _ in range(3):
        X = identity_block(X, 3, [128, 128, 512])
    X = convolutional_block(X, f=3, filters=[256, 256, 1024], s=2)
    for _ in range(5):
        X = identity_block(X, 3, [256, 256, 1024])
    X = convolutional_block(X, f=3, filters=[512, 512, 2048], s=2)
    X = identity_block(X, 3, [512, 512, 2048])
    X = identity_block(X, 3, [512, 512, 2048])
    X = AveragePooling2D((2, 2), padding="same")(X)
    X = Flatten()(X)
    X = Dense(classes, activation="softmax", kernel_initializer=glorot_uniform(seed=0))(X)
    return tf.keras.Model(inputs=X_input, outputs=X)


@mutant("ResNet50", "stage 4 with filters [256, 256, 512] instead of [256, 256, 1024]")
def stage4_wrong_filters(input_shape=(64, 64, 3), classes=6):
    X_input = Input(input_shape)
    X = ZeroPadding2D((3, 3))(X_input)
    X = Conv2D(64, (7, 7), strides=(2, 2), kernel_initializer=glorot_uniform(seed=0))(X)
    X = BatchNormalization(axis=3)(X)
    X = Activation("relu")(X)
    X = MaxPooling2D((3, 3), strides=(2, 2))(X)
    X = convolutional_block(X, f=3, filters=[64, 64, 256], s=1)
    X = identity_block(X, 3, [64, 64, 256])
    X = identity_block(X, 3, [64, 64, 256])
    X = convolutional_block(X, f=3, filters=[128, 128, 512], s=2)
    for _ in range(3):
        X = identity_block(X, 3, [128, 128, 512])
    X = convolutional_block(X, f=3, filters=[256, 256, 512], s=2)
    for _ in range(5):
        X = identity_block(X, 3, [256, 256, 512])
    X = convolutional_block(X, f=3, filters=[512, 512, 2048], s=2)
    X = identity_block(X, 3, [512, 512, 2048])
    X = identity_block(X, 3, [512, 512, 2048])
    X = AveragePooling2D((2, 2))(X)
    X = Flatten()(X)
    X = Dense(classes, activation="softmax", kernel_initializer=glorot_uniform(seed=0))(X)
    return tf.keras.Model(inputs=X_input, outputs=X)


@mutant("ResNet50", "stage 4 has 4 identity blocks instead of 5")
def missing_identity_block(input_shape=(64, 64, 3), classes=6):
    X_input = Input(input_shape)
    X = ZeroPadding2D((3, 3))(X_input)
    X = Conv2D(64, (7, 7), strides=(2, 2), kernel_initializer=glorot_uniform(seed=0))(X)
    X = BatchNormalization(axis=3)(X)
    X = Activation("relu")(X)
    X = MaxPooling2D((3, 3), strides=(2, 2))(X)
    X = convolutional_block(X, f=3, filters=[64, 64, 256], s=1)
    X = identity_block(X, 3, [64, 64, 256])
    X = identity_block(X, 3, [64, 64, 256])
    X = convolutional_block(X, f=3, filters=[128, 128, 512], s=2)
    for _ in range(3):
        X = identity_block(X, 3, [128, 128, 512])
    X = convolutional_block(X, f=3, filters=[256, 256, 1024], s=2)
    for _ in range(4):
        X = identity_block(X, 3, [256, 256, 1024])
    X = convolutional_block(X, f=3, filters=[512, 512, 2048], s=2)
    X = identity_block(X, 3, [512, 512, 2048])
    X = identity_block(X, 3, [512, 512, 2048])
    X = AveragePooling2D((2, 2))(X)
    X = Flatten()(X)
    X = Dense(classes, activation="softmax", kernel_initializer=glorot_uniform(seed=0))(X)
    return tf.keras.Model(inputs=X_input, outputs=X)


@mutant("ResNet50", "MaxPooling2D((3, 3)) without strides=(2, 2): the stride defaults to 3")
def maxpool_without_stride(input_shape=(64, 64, 3), classes=6):
    X_input = Input(input_shape)
    X = ZeroPadding2D((3, 3))(X_input)
    X = Conv2D(64, (7, 7), strides=(2, 2), kernel_initializer=glorot_uniform(seed=0))(X)
    X = BatchNormalization(axis=3)(X)
    X = Activation("relu")(X)
    X = MaxPooling2D((3, 3))(X)
    X = convolutional_block(X, f=3, filters=[64, 64, 256], s=1)
    X = identity_block(X, 3, [64, 64, 256])
    X = identity_block(X, 3, [64, 64, 256])
    X = convolutional_block(X, f=3, filters=[128, 128, 512], s=2)
    for _ in range(3):
        X = identity_block(X, 3, [128, 128, 512])
    X = convolutional_block(X, f=3, filters=[256, 256, 1024], s=2)
    for _ in range(5):
        X = identity_block(X, 3, [256, 256, 1024])
    X = convolutional_block(X, f=3, filters=[512, 512, 2048], s=2)
    X = identity_block(X, 3, [512, 512, 2048])
    X = identity_block(X, 3, [512, 512, 2048])
    X = AveragePooling2D((2, 2), padding="same")(X)
    X = Flatten()(X)
    X = Dense(classes, activation="softmax", kernel_initializer=glorot_uniform(seed=0))(X)
    return tf.keras.Model(inputs=X_input, outputs=X)


@mutant("ResNet50", "GlobalAveragePooling2D instead of AveragePooling2D((2, 2)) + Flatten")
def global_average_pooling(input_shape=(64, 64, 3), classes=6):
    X_input = Input(input_shape)
    X = ZeroPadding2D((3, 3))(X_input)
    X = Conv2D(64, (7, 7), strides=(2, 2), kernel_initializer=glorot_uniform(seed=0))(X)
    X = BatchNormalization(axis=3)(X)
    X = Activation("relu")(X)
    X = MaxPooling2D((3, 3), strides=(2, 2))(X)
    X = convolutional_block(X, f=3, filters=[64, 64, 256], s=1)
    X = identity_block(X, 3, [64, 64, 256])
    X = identity_block(X, 3, [64, 64, 256])
    X = convolutional_block(X, f=3, filters=[128, 128, 512], s=2)
    for _ in range(3):
        X = identity_block(X, 3, [128, 128, 512])
    X = convolutional_block(X, f=3, filters=[256, 256, 1024], s=2)
    for _ in range(5):
        X = identity_block(X, 3, [256, 256, 1024])
    X = convolutional_block(X, f=3, filters=[512, 512, 2048], s=2)
    X = identity_block(X, 3, [512, 512, 2048])
    X = identity_block(X, 3, [512, 512, 2048])
    X = tf.keras.layers.GlobalAveragePooling2D()(X)
    X = Dense(classes, activation="softmax", kernel_initializer=glorot_uniform(seed=0))(X)
    return tf.keras.Model(inputs=X_input, outputs=X)


@mutant("ResNet50", "the Dense layer's glorot_uniform() has no seed")
def dense_without_seed(input_shape=(64, 64, 3), classes=6):
    X_input = Input(input_shape)
    X = ZeroPadding2D((3, 3))(X_input)
    X = Conv2D(64, (7, 7), strides=(2, 2), kernel_initializer=glorot_uniform(seed=0))(X)
    X = BatchNormalization(axis=3)(X)
    X = Activation("relu")(X)
    X = MaxPooling2D((3, 3), strides=(2, 2))(X)
    X = convolutional_block(X, f=3, filters=[64, 64, 256], s=1)
    X = identity_block(X, 3, [64, 64, 256])
    X = identity_block(X, 3, [64, 64, 256])
    X = convolutional_block(X, f=3, filters=[128, 128, 512], s=2)
    for _ in range(3):
        X = identity_block(X, 3, [128, 128, 512])
    X = convolutional_block(X, f=3, filters=[256, 256, 1024], s=2)
    for _ in range(5):
        X = identity_block(X, 3, [256, 256, 1024])
    X = convolutional_block(X, f=3, filters=[512, 512, 2048], s=2)
    X = identity_block(X, 3, [512, 512, 2048])
    X = identity_block(X, 3, [512, 512, 2048])
    X = AveragePooling2D((2, 2))(X)
    X = Flatten()(X)
    X = Dense(classes, activation="softmax", kernel_initializer=glorot_uniform())(X)
    return tf.keras.Model(inputs=X_input, outputs=X)


@mutant("ResNet50", "no ZeroPadding2D at the start")
def no_zero_padding(input_shape=(64, 64, 3), classes=6):
    X_input = Input(input_shape)
    X = Conv2D(64, (7, 7), strides=(2, 2), kernel_initializer=glorot_uniform(seed=0))(X_input)
    X = BatchNormalization(axis=3)(X)
    X = Activation("relu")(X)
    X = MaxPooling2D((3, 3), strides=(2, 2))(X)
    X = convolutional_block(X, f=3, filters=[64, 64, 256], s=1)
    X = identity_block(X, 3, [64, 64, 256])
    X = identity_block(X, 3, [64, 64, 256])
    X = convolutional_block(X, f=3, filters=[128, 128, 512], s=2)
    for _ in range(3):
        X = identity_block(X, 3, [128, 128, 512])
    X = convolutional_block(X, f=3, filters=[256, 256, 1024], s=2)
    for _ in range(5):
        X = identity_block(X, 3, [256, 256, 1024])
    X = convolutional_block(X, f=3, filters=[512, 512, 2048], s=2)
    X = identity_block(X, 3, [512, 512, 2048])
    X = identity_block(X, 3, [512, 512, 2048])
    X = AveragePooling2D((2, 2), padding="same")(X)
    X = Flatten()(X)
    X = Dense(classes, activation="softmax", kernel_initializer=glorot_uniform(seed=0))(X)
    return tf.keras.Model(inputs=X_input, outputs=X)


@mutant("ResNet50", "the Dense layer always has 6 units, whatever `classes` says")
def hardcoded_classes(input_shape=(64, 64, 3), classes=6):
    X_input = Input(input_shape)
    X = ZeroPadding2D((3, 3))(X_input)
    X = Conv2D(64, (7, 7), strides=(2, 2), kernel_initializer=glorot_uniform(seed=0))(X)
    X = BatchNormalization(axis=3)(X)
    X = Activation("relu")(X)
    X = MaxPooling2D((3, 3), strides=(2, 2))(X)
    X = convolutional_block(X, f=3, filters=[64, 64, 256], s=1)
    X = identity_block(X, 3, [64, 64, 256])
    X = identity_block(X, 3, [64, 64, 256])
    X = convolutional_block(X, f=3, filters=[128, 128, 512], s=2)
    for _ in range(3):
        X = identity_block(X, 3, [128, 128, 512])
    X = convolutional_block(X, f=3, filters=[256, 256, 1024], s=2)
    for _ in range(5):
        X = identity_block(X, 3, [256, 256, 1024])
    X = convolutional_block(X, f=3, filters=[512, 512, 2048], s=2)
    X = identity_block(X, 3, [512, 512, 2048])
    X = identity_block(X, 3, [512, 512, 2048])
    X = AveragePooling2D((2, 2))(X)
    X = Flatten()(X)
    X = Dense(6, activation="softmax", kernel_initializer=glorot_uniform(seed=0))(X)
    return tf.keras.Model(inputs=X_input, outputs=X)


@alternative("ResNet50", "the stages from a table in a loop, positional Model arguments")
def stage_table_loop(input_shape=(64, 64, 3), classes=6):
    stages = [([64, 64, 256], 1, 2), ([128, 128, 512], 2, 3), ([256, 256, 1024], 2, 5), ([512, 512, 2048], 2, 2)]
    X_input = Input(shape=input_shape)
    X = ZeroPadding2D(padding=(3, 3))(X_input)
    X = Conv2D(64, 7, strides=2, kernel_initializer=glorot_uniform(seed=0))(X)
    X = BatchNormalization(axis=-1)(X)
    X = Activation("relu")(X)
    X = MaxPooling2D(pool_size=3, strides=2)(X)
    for filters, s, n_identity in stages:
        X = convolutional_block(X, 3, filters, s=s)
        for _ in range(n_identity):
            X = identity_block(X, f=3, filters=filters)
    X = AveragePooling2D(pool_size=2)(X)
    X = Flatten()(X)
    outputs = Dense(units=classes, activation="softmax", kernel_initializer=glorot_uniform(seed=0))(X)
    return tf.keras.Model(X_input, outputs)


@alternative("ResNet50", "tf.keras.layers spelled out, named layers, tf.keras.models.Model")
def keras_namespace_names(input_shape=(64, 64, 3), classes=6):
    L = tf.keras.layers
    X_input = L.Input(input_shape, name="image")
    X = L.ZeroPadding2D(3, name="pad")(X_input)
    X = L.Conv2D(64, (7, 7), strides=(2, 2), padding="valid", name="stem_conv",
                 kernel_initializer=tf.keras.initializers.GlorotUniform(seed=0))(X)
    X = L.BatchNormalization(axis=3, name="stem_bn")(X)
    X = L.Activation("relu", name="stem_relu")(X)
    X = L.MaxPooling2D((3, 3), strides=(2, 2), name="stem_pool")(X)
    X = convolutional_block(X, f=3, filters=[64, 64, 256], s=1)
    X = identity_block(X, 3, [64, 64, 256])
    X = identity_block(X, 3, [64, 64, 256])
    X = convolutional_block(X, f=3, filters=[128, 128, 512], s=2)
    X = identity_block(X, 3, [128, 128, 512])
    X = identity_block(X, 3, [128, 128, 512])
    X = identity_block(X, 3, [128, 128, 512])
    X = convolutional_block(X, f=3, filters=[256, 256, 1024], s=2)
    X = identity_block(X, 3, [256, 256, 1024])
    X = identity_block(X, 3, [256, 256, 1024])
    X = identity_block(X, 3, [256, 256, 1024])
    X = identity_block(X, 3, [256, 256, 1024])
    X = identity_block(X, 3, [256, 256, 1024])
    X = convolutional_block(X, f=3, filters=[512, 512, 2048], s=2)
    X = identity_block(X, 3, [512, 512, 2048])
    X = identity_block(X, 3, [512, 512, 2048])
    X = L.AveragePooling2D((2, 2), name="avg_pool")(X)
    X = L.Flatten(name="flatten")(X)
    X = L.Dense(classes, activation="softmax", name="fc",
                kernel_initializer=tf.keras.initializers.GlorotUniform(seed=0))(X)
    return tf.keras.models.Model(inputs=X_input, outputs=X, name="my_resnet50")
