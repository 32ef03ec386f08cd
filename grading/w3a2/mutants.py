"""Variants of the graded functions of ``w3a2_unet``.

Mutants are mistakes a student plausibly makes (each must lose that exercise's points);
alternatives are correct blocks or networks written differently from the notebook's
solution (each must keep full marks).  Every variant is the code a student would put in
the solution cell: it uses the notebook's globals (``tf``, ``np``, the layers ``Input``,
``Conv2D``, ``MaxPooling2D``, ``Dropout``, ``Conv2DTranspose``, ``concatenate``, and — for
``unet_model`` — the two block functions).

conv_block: two 3x3 'same' relu he_normal convs, Dropout only if dropout_prob > 0, a 2x2
max-pool if max_pooling; the skip is taken after the dropout.  upsampling_block: a 3x3
stride-2 'same' transposed conv, concatenate([up, skip], axis=3), two 3x3 convs.
unet_model: filters nf, 2nf, 4nf, 8nf (+dropout), 16nf (+dropout, no pooling), decoder 8nf,
4nf, 2nf, nf with the matching skips, conv9 (3x3 relu) and conv10 (1x1 linear).
"""
# ruff: noqa: F811, F821, N802, N803, N806  (slugs repeat across targets; names come from the notebook)
from grading.mutation import Registry

REGISTRY = Registry("w3a2_unet")
mutant, alternative = REGISTRY.mutant, REGISTRY.alternative
MAXPOOL2D = ("from tensorflow.keras.layers import MaxPool2D",)
CONCATENATE = ("from tensorflow.keras.layers import Concatenate",)
UPSAMPLING = ("from tensorflow.keras.layers import UpSampling2D",)


# =============================================================================== conv_block
@mutant("conv_block", "the skip connection is taken before the dropout (identical summary, other graph)")
def skip_before_dropout(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(inputs)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)
    skip_connection = conv
    if dropout_prob > 0:
        conv = Dropout(dropout_prob)(conv)
    next_layer = MaxPooling2D(pool_size=(2, 2))(conv) if max_pooling else conv
    return next_layer, skip_connection


@mutant("conv_block", "pools even when max_pooling is False")
def always_pool(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(inputs)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)
    if dropout_prob > 0:
        conv = Dropout(dropout_prob)(conv)
    next_layer = MaxPooling2D(pool_size=(2, 2))(conv)
    return next_layer, conv


@mutant("conv_block", "a Dropout layer even when dropout_prob is 0")
def dropout_always(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(inputs)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)
    conv = Dropout(dropout_prob)(conv)
    next_layer = MaxPooling2D(pool_size=(2, 2))(conv) if max_pooling else conv
    return next_layer, conv


@mutant("conv_block", "dropout_prob ignored: never any dropout")
def dropout_never(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(inputs)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)
    next_layer = MaxPooling2D(pool_size=(2, 2))(conv) if max_pooling else conv
    return next_layer, conv


@mutant("conv_block", "glorot_uniform (the default) instead of he_normal")
def glorot_initializer(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    conv = Conv2D(n_filters, 3, activation="relu", padding="same")(inputs)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same")(conv)
    if dropout_prob > 0:
        conv = Dropout(dropout_prob)(conv)
    next_layer = MaxPooling2D(pool_size=(2, 2))(conv) if max_pooling else conv
    return next_layer, conv


@mutant("conv_block", "'valid' padding: the convs shrink the map by 2 pixels each")
def valid_padding(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    conv = Conv2D(n_filters, 3, activation="relu", padding="valid", kernel_initializer="he_normal")(inputs)
    conv = Conv2D(n_filters, 3, activation="relu", padding="valid", kernel_initializer="he_normal")(conv)
    if dropout_prob > 0:
        conv = Dropout(dropout_prob)(conv)
    next_layer = MaxPooling2D(pool_size=(2, 2))(conv) if max_pooling else conv
    return next_layer, conv


@mutant("conv_block", "the second conv has no activation (linear)")
def second_conv_linear(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(inputs)
    conv = Conv2D(n_filters, 3, padding="same", kernel_initializer="he_normal")(conv)
    if dropout_prob > 0:
        conv = Dropout(dropout_prob)(conv)
    next_layer = MaxPooling2D(pool_size=(2, 2))(conv) if max_pooling else conv
    return next_layer, conv


@mutant("conv_block", "the second conv is applied to the block input again (conv 1 is unused)")
def second_conv_on_input(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(inputs)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(inputs)
    if dropout_prob > 0:
        conv = Dropout(dropout_prob)(conv)
    next_layer = MaxPooling2D(pool_size=(2, 2))(conv) if max_pooling else conv
    return next_layer, conv


@mutant("conv_block", "the two outputs swapped: (skip_connection, next_layer)")
def outputs_swapped(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(inputs)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)
    if dropout_prob > 0:
        conv = Dropout(dropout_prob)(conv)
    next_layer = MaxPooling2D(pool_size=(2, 2))(conv) if max_pooling else conv
    return conv, next_layer


@mutant("conv_block", "max-pool with strides=1 (the map is not halved)")
def pool_stride_one(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(inputs)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)
    if dropout_prob > 0:
        conv = Dropout(dropout_prob)(conv)
    next_layer = MaxPooling2D(pool_size=(2, 2), strides=1)(conv) if max_pooling else conv
    return next_layer, conv


@mutant("conv_block", "the dropout applied after the pooling (the skip has no dropout)")
def dropout_after_pool(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(inputs)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)
    next_layer = MaxPooling2D(pool_size=(2, 2))(conv) if max_pooling else conv
    if dropout_prob > 0:
        next_layer = Dropout(dropout_prob)(next_layer)
    return next_layer, conv


@alternative("conv_block", "MaxPool2D, kernel_size=(3, 3), initializer objects, named layers", imports=MAXPOOL2D)
def maxpool2d_named(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    init = tf.keras.initializers.HeNormal
    x = inputs
    for k in (1, 2):
        x = Conv2D(filters=n_filters, kernel_size=(3, 3), activation="relu", padding="same",
                   kernel_initializer=init(), name=f"enc{n_filters}_{x.shape[1]}_{k}")(x)
    if dropout_prob > 0:
        x = Dropout(rate=dropout_prob)(x)
    skip_connection = x
    if max_pooling:
        next_layer = MaxPool2D(pool_size=2, strides=2, padding="valid")(x)
    else:
        next_layer = x
    return next_layer, skip_connection


@alternative("conv_block", "tf.keras.layers spelled out, relu as a function object, early return")
def keras_namespace(inputs=None, n_filters=32, dropout_prob=0, max_pooling=True):
    layers = tf.keras.layers
    conv = layers.Conv2D(n_filters, (3, 3), activation=tf.keras.activations.relu, padding="same",
                         kernel_initializer=tf.keras.initializers.HeNormal())(inputs)
    conv = layers.Conv2D(n_filters, (3, 3), activation="relu", padding="same",
                         kernel_initializer="he_normal")(conv)
    if dropout_prob:
        conv = layers.Dropout(dropout_prob)(conv)
    if not max_pooling:
        return conv, conv
    return layers.MaxPooling2D((2, 2))(conv), conv


# =============================================================================== upsampling_block
@mutant("upsampling_block", "concatenate([skip, up]): the order swapped (identical summary in the full U-Net)")
def concat_swapped(expansive_input, contractive_input, n_filters=32):
    up = Conv2DTranspose(n_filters, 3, strides=2, padding="same")(expansive_input)
    merge = concatenate([contractive_input, up], axis=3)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(merge)
    return Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)


@mutant("upsampling_block", "concatenation on the height axis (axis=1)")
def concat_wrong_axis(expansive_input, contractive_input, n_filters=32):
    up = Conv2DTranspose(n_filters, 3, strides=2, padding="same")(expansive_input)
    merge = concatenate([up, contractive_input], axis=1)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(merge)
    return Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)


@mutant("upsampling_block", "the transposed conv with strides=1 (no upsampling: the shapes disagree)")
def transpose_stride_one(expansive_input, contractive_input, n_filters=32):
    up = Conv2DTranspose(n_filters, 3, strides=1, padding="same")(expansive_input)
    merge = concatenate([up, contractive_input], axis=3)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(merge)
    return Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)


@mutant("upsampling_block", "kernel_size=2 in the transposed conv (same output shape, other layer)")
def transpose_kernel_two(expansive_input, contractive_input, n_filters=32):
    up = Conv2DTranspose(n_filters, 2, strides=2, padding="same")(expansive_input)
    merge = concatenate([up, contractive_input], axis=3)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(merge)
    return Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)


@mutant("upsampling_block", "a relu on the transposed conv")
def transpose_relu(expansive_input, contractive_input, n_filters=32):
    up = Conv2DTranspose(n_filters, 3, strides=2, padding="same", activation="relu")(expansive_input)
    merge = concatenate([up, contractive_input], axis=3)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(merge)
    return Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)


@mutant("upsampling_block", "he_normal on the transposed conv as well (the spec keeps Glorot uniform there)")
def transpose_he_normal(expansive_input, contractive_input, n_filters=32):
    up = Conv2DTranspose(n_filters, 3, strides=2, padding="same", kernel_initializer="he_normal")(expansive_input)
    merge = concatenate([up, contractive_input], axis=3)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(merge)
    return Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)


@mutant("upsampling_block", "UpSampling2D instead of a learned transposed conv", imports=UPSAMPLING)
def upsampling_layer(expansive_input, contractive_input, n_filters=32):
    up = UpSampling2D(2)(expansive_input)
    merge = concatenate([up, contractive_input], axis=3)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(merge)
    return Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)


@mutant("upsampling_block", "only one conv after the concatenation")
def one_conv(expansive_input, contractive_input, n_filters=32):
    up = Conv2DTranspose(n_filters, 3, strides=2, padding="same")(expansive_input)
    merge = concatenate([up, contractive_input], axis=3)
    return Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(merge)


@mutant("upsampling_block", "the second conv reads the concatenation instead of the first conv")
def second_conv_on_merge(expansive_input, contractive_input, n_filters=32):
    up = Conv2DTranspose(n_filters, 3, strides=2, padding="same")(expansive_input)
    merge = concatenate([up, contractive_input], axis=3)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(merge)
    return Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(merge)


@mutant("upsampling_block", "the transposed conv has half the filters")
def half_filters_up(expansive_input, contractive_input, n_filters=32):
    up = Conv2DTranspose(n_filters // 2, 3, strides=2, padding="same")(expansive_input)
    merge = concatenate([up, contractive_input], axis=3)
    conv = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(merge)
    return Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(conv)


@alternative("upsampling_block", "Concatenate(axis=3) layer, (3, 3) kernels, HeNormal(), names", imports=CONCATENATE)
def concatenate_layer(expansive_input, contractive_input, n_filters=32):
    up = Conv2DTranspose(filters=n_filters, kernel_size=(3, 3), strides=(2, 2), padding="same",
                         name=f"up_{n_filters}_{expansive_input.shape[1]}")(expansive_input)
    merge = Concatenate(axis=3)([up, contractive_input])
    conv = merge
    for _ in range(2):
        conv = Conv2D(n_filters, (3, 3), activation="relu", padding="same",
                      kernel_initializer=tf.keras.initializers.HeNormal())(conv)
    return conv


@alternative("upsampling_block", "axis=-1, tf.keras.layers.concatenate, positional arguments")
def axis_minus_one(expansive_input, contractive_input, n_filters=32):
    L = tf.keras.layers
    up = L.Conv2DTranspose(n_filters, 3, 2, "same")(expansive_input)
    merge = L.concatenate([up, contractive_input], axis=-1)
    conv = L.Conv2D(n_filters, 3, 1, "same", activation="relu", kernel_initializer="he_normal")(merge)
    conv = L.Conv2D(n_filters, 3, 1, "same", activation="relu", kernel_initializer="he_normal")(conv)
    return conv


# =============================================================================== unet_model
@mutant("unet_model", "no final 1x1 conv: the model ends with conv9")
def missing_final_conv(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    inputs = Input(input_size)
    c1 = conv_block(inputs, n_filters)
    c2 = conv_block(c1[0], 2 * n_filters)
    c3 = conv_block(c2[0], 4 * n_filters)
    c4 = conv_block(c3[0], 8 * n_filters, dropout_prob=0.3)
    c5 = conv_block(c4[0], 16 * n_filters, dropout_prob=0.3, max_pooling=False)
    u6 = upsampling_block(c5[0], c4[1], 8 * n_filters)
    u7 = upsampling_block(u6, c3[1], 4 * n_filters)
    u8 = upsampling_block(u7, c2[1], 2 * n_filters)
    u9 = upsampling_block(u8, c1[1], n_filters)
    conv9 = Conv2D(n_classes, 3, activation="relu", padding="same", kernel_initializer="he_normal")(u9)
    return tf.keras.Model(inputs=inputs, outputs=conv9)


@mutant("unet_model", "a softmax on the final conv (the loss expects logits)")
def softmax_head(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    inputs = Input(input_size)
    c1 = conv_block(inputs, n_filters)
    c2 = conv_block(c1[0], 2 * n_filters)
    c3 = conv_block(c2[0], 4 * n_filters)
    c4 = conv_block(c3[0], 8 * n_filters, dropout_prob=0.3)
    c5 = conv_block(c4[0], 16 * n_filters, dropout_prob=0.3, max_pooling=False)
    u6 = upsampling_block(c5[0], c4[1], 8 * n_filters)
    u7 = upsampling_block(u6, c3[1], 4 * n_filters)
    u8 = upsampling_block(u7, c2[1], 2 * n_filters)
    u9 = upsampling_block(u8, c1[1], n_filters)
    conv9 = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(u9)
    conv10 = Conv2D(n_classes, 1, padding="same", activation="softmax")(conv9)
    return tf.keras.Model(inputs=inputs, outputs=conv10)


@mutant("unet_model", "a relu on the final conv")
def relu_head(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    inputs = Input(input_size)
    c1 = conv_block(inputs, n_filters)
    c2 = conv_block(c1[0], 2 * n_filters)
    c3 = conv_block(c2[0], 4 * n_filters)
    c4 = conv_block(c3[0], 8 * n_filters, dropout_prob=0.3)
    c5 = conv_block(c4[0], 16 * n_filters, dropout_prob=0.3, max_pooling=False)
    u6 = upsampling_block(c5[0], c4[1], 8 * n_filters)
    u7 = upsampling_block(u6, c3[1], 4 * n_filters)
    u8 = upsampling_block(u7, c2[1], 2 * n_filters)
    u9 = upsampling_block(u8, c1[1], n_filters)
    conv9 = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(u9)
    conv10 = Conv2D(n_classes, 1, padding="same", activation="relu")(conv9)
    return tf.keras.Model(inputs=inputs, outputs=conv10)


@mutant("unet_model", "conv9 with glorot_uniform instead of he_normal")
def glorot_conv9(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    inputs = Input(input_size)
    c1 = conv_block(inputs, n_filters)
    c2 = conv_block(c1[0], 2 * n_filters)
    c3 = conv_block(c2[0], 4 * n_filters)
    c4 = conv_block(c3[0], 8 * n_filters, dropout_prob=0.3)
    c5 = conv_block(c4[0], 16 * n_filters, dropout_prob=0.3, max_pooling=False)
    u6 = upsampling_block(c5[0], c4[1], 8 * n_filters)
    u7 = upsampling_block(u6, c3[1], 4 * n_filters)
    u8 = upsampling_block(u7, c2[1], 2 * n_filters)
    u9 = upsampling_block(u8, c1[1], n_filters)
    conv9 = Conv2D(n_filters, 3, activation="relu", padding="same")(u9)
    conv10 = Conv2D(n_classes, 1, padding="same")(conv9)
    return tf.keras.Model(inputs=inputs, outputs=conv10)


@mutant("unet_model", "'valid' padding in conv9 (the logits come out 2 pixels smaller each way)")
def valid_conv9(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    inputs = Input(input_size)
    c1 = conv_block(inputs, n_filters)
    c2 = conv_block(c1[0], 2 * n_filters)
    c3 = conv_block(c2[0], 4 * n_filters)
    c4 = conv_block(c3[0], 8 * n_filters, dropout_prob=0.3)
    c5 = conv_block(c4[0], 16 * n_filters, dropout_prob=0.3, max_pooling=False)
    u6 = upsampling_block(c5[0], c4[1], 8 * n_filters)
    u7 = upsampling_block(u6, c3[1], 4 * n_filters)
    u8 = upsampling_block(u7, c2[1], 2 * n_filters)
    u9 = upsampling_block(u8, c1[1], n_filters)
    conv9 = Conv2D(n_filters, 3, activation="relu", padding="valid", kernel_initializer="he_normal")(u9)
    conv10 = Conv2D(n_classes, 1, padding="same")(conv9)
    return tf.keras.Model(inputs=inputs, outputs=conv10)


@mutant("unet_model", "no dropout in blocks 4 and 5")
def no_dropout(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    inputs = Input(input_size)
    c1 = conv_block(inputs, n_filters)
    c2 = conv_block(c1[0], 2 * n_filters)
    c3 = conv_block(c2[0], 4 * n_filters)
    c4 = conv_block(c3[0], 8 * n_filters)
    c5 = conv_block(c4[0], 16 * n_filters, max_pooling=False)
    u6 = upsampling_block(c5[0], c4[1], 8 * n_filters)
    u7 = upsampling_block(u6, c3[1], 4 * n_filters)
    u8 = upsampling_block(u7, c2[1], 2 * n_filters)
    u9 = upsampling_block(u8, c1[1], n_filters)
    conv9 = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(u9)
    conv10 = Conv2D(n_classes, 1, padding="same")(conv9)
    return tf.keras.Model(inputs=inputs, outputs=conv10)


@mutant("unet_model", "block 5 pools too (max_pooling=False forgotten): too small for the first upsampling block")
def pool_in_block5(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    inputs = Input(input_size)
    c1 = conv_block(inputs, n_filters)
    c2 = conv_block(c1[0], 2 * n_filters)
    c3 = conv_block(c2[0], 4 * n_filters)
    c4 = conv_block(c3[0], 8 * n_filters, dropout_prob=0.3)
    c5 = conv_block(c4[0], 16 * n_filters, dropout_prob=0.3)
    u6 = upsampling_block(c5[0], c4[1], 8 * n_filters)
    u7 = upsampling_block(u6, c3[1], 4 * n_filters)
    u8 = upsampling_block(u7, c2[1], 2 * n_filters)
    u9 = upsampling_block(u8, c1[1], n_filters)
    conv9 = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(u9)
    conv10 = Conv2D(n_classes, 1, padding="same")(conv9)
    return tf.keras.Model(inputs=inputs, outputs=conv10)


@mutant("unet_model", "wrong filter multipliers: 1, 2, 3, 4, 5 times n_filters down the encoder")
def linear_filters(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    inputs = Input(input_size)
    c1 = conv_block(inputs, n_filters)
    c2 = conv_block(c1[0], 2 * n_filters)
    c3 = conv_block(c2[0], 3 * n_filters)
    c4 = conv_block(c3[0], 4 * n_filters, dropout_prob=0.3)
    c5 = conv_block(c4[0], 5 * n_filters, dropout_prob=0.3, max_pooling=False)
    u6 = upsampling_block(c5[0], c4[1], 4 * n_filters)
    u7 = upsampling_block(u6, c3[1], 3 * n_filters)
    u8 = upsampling_block(u7, c2[1], 2 * n_filters)
    u9 = upsampling_block(u8, c1[1], n_filters)
    conv9 = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(u9)
    conv10 = Conv2D(n_classes, 1, padding="same")(conv9)
    return tf.keras.Model(inputs=inputs, outputs=conv10)


@mutant("unet_model", "the decoder's filters stay at 16 n_filters (not halved per level)")
def decoder_filters_constant(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    inputs = Input(input_size)
    c1 = conv_block(inputs, n_filters)
    c2 = conv_block(c1[0], 2 * n_filters)
    c3 = conv_block(c2[0], 4 * n_filters)
    c4 = conv_block(c3[0], 8 * n_filters, dropout_prob=0.3)
    c5 = conv_block(c4[0], 16 * n_filters, dropout_prob=0.3, max_pooling=False)
    u6 = upsampling_block(c5[0], c4[1], 8 * n_filters)
    u7 = upsampling_block(u6, c3[1], 8 * n_filters)
    u8 = upsampling_block(u7, c2[1], 8 * n_filters)
    u9 = upsampling_block(u8, c1[1], 8 * n_filters)
    conv9 = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(u9)
    conv10 = Conv2D(n_classes, 1, padding="same")(conv9)
    return tf.keras.Model(inputs=inputs, outputs=conv10)


@mutant("unet_model", "upsampling blocks get the pooled outputs (cblock[0]) as skips: shapes disagree")
def skip_from_pooled(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    inputs = Input(input_size)
    c1 = conv_block(inputs, n_filters)
    c2 = conv_block(c1[0], 2 * n_filters)
    c3 = conv_block(c2[0], 4 * n_filters)
    c4 = conv_block(c3[0], 8 * n_filters, dropout_prob=0.3)
    c5 = conv_block(c4[0], 16 * n_filters, dropout_prob=0.3, max_pooling=False)
    u6 = upsampling_block(c5[0], c4[0], 8 * n_filters)
    u7 = upsampling_block(u6, c3[0], 4 * n_filters)
    u8 = upsampling_block(u7, c2[0], 2 * n_filters)
    u9 = upsampling_block(u8, c1[0], n_filters)
    conv9 = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(u9)
    conv10 = Conv2D(n_classes, 1, padding="same")(conv9)
    return tf.keras.Model(inputs=inputs, outputs=conv10)


@mutant("unet_model", "the skips wired to the wrong levels (cblock3 with ublock6 ...)")
def skips_shifted(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    inputs = Input(input_size)
    c1 = conv_block(inputs, n_filters)
    c2 = conv_block(c1[0], 2 * n_filters)
    c3 = conv_block(c2[0], 4 * n_filters)
    c4 = conv_block(c3[0], 8 * n_filters, dropout_prob=0.3)
    c5 = conv_block(c4[0], 16 * n_filters, dropout_prob=0.3, max_pooling=False)
    u6 = upsampling_block(c5[0], c3[1], 8 * n_filters)
    u7 = upsampling_block(u6, c2[1], 4 * n_filters)
    u8 = upsampling_block(u7, c1[1], 2 * n_filters)
    u9 = upsampling_block(u8, inputs, n_filters)
    conv9 = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(u9)
    conv10 = Conv2D(n_classes, 1, padding="same")(conv9)
    return tf.keras.Model(inputs=inputs, outputs=conv10)


@mutant("unet_model", "the input size is hard-coded to (96, 128, 3)")
def hardcoded_input(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    inputs = Input((96, 128, 3))
    c1 = conv_block(inputs, n_filters)
    c2 = conv_block(c1[0], 2 * n_filters)
    c3 = conv_block(c2[0], 4 * n_filters)
    c4 = conv_block(c3[0], 8 * n_filters, dropout_prob=0.3)
    c5 = conv_block(c4[0], 16 * n_filters, dropout_prob=0.3, max_pooling=False)
    u6 = upsampling_block(c5[0], c4[1], 8 * n_filters)
    u7 = upsampling_block(u6, c3[1], 4 * n_filters)
    u8 = upsampling_block(u7, c2[1], 2 * n_filters)
    u9 = upsampling_block(u8, c1[1], n_filters)
    conv9 = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(u9)
    conv10 = Conv2D(n_classes, 1, padding="same")(conv9)
    return tf.keras.Model(inputs=inputs, outputs=conv10)


@mutant("unet_model", "conv10 has n_filters outputs instead of n_classes")
def head_n_filters(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    inputs = Input(input_size)
    c1 = conv_block(inputs, n_filters)
    c2 = conv_block(c1[0], 2 * n_filters)
    c3 = conv_block(c2[0], 4 * n_filters)
    c4 = conv_block(c3[0], 8 * n_filters, dropout_prob=0.3)
    c5 = conv_block(c4[0], 16 * n_filters, dropout_prob=0.3, max_pooling=False)
    u6 = upsampling_block(c5[0], c4[1], 8 * n_filters)
    u7 = upsampling_block(u6, c3[1], 4 * n_filters)
    u8 = upsampling_block(u7, c2[1], 2 * n_filters)
    u9 = upsampling_block(u8, c1[1], n_filters)
    conv9 = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(u9)
    conv10 = Conv2D(n_filters, 1, padding="same")(conv9)
    return tf.keras.Model(inputs=inputs, outputs=conv10)


@alternative("unet_model", "the encoder and decoder as loops, tf.keras.Input(shape=...), positional Model")
def loops(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    inputs = tf.keras.Input(shape=input_size)
    x, skips = inputs, []
    for level in range(5):
        x, skip = conv_block(x, n_filters * 2 ** level, dropout_prob=0.3 if level >= 3 else 0,
                             max_pooling=level < 4)
        skips.append(skip)
    for level in (3, 2, 1, 0):
        x = upsampling_block(x, skips[level], n_filters * 2 ** level)
    x = tf.keras.layers.Conv2D(n_filters, (3, 3), activation="relu", padding="same",
                               kernel_initializer=tf.keras.initializers.HeNormal())(x)
    x = tf.keras.layers.Conv2D(n_classes, (1, 1), padding="same", name="logits")(x)
    return tf.keras.Model(inputs, x)


@alternative("unet_model", "unpacked block outputs, keyword arguments, multipliers written as products")
def unpacked(input_size=(96, 128, 3), n_filters=32, n_classes=23):
    inputs = Input(shape=input_size, name="image")
    p1, s1 = conv_block(inputs=inputs, n_filters=n_filters)
    p2, s2 = conv_block(inputs=p1, n_filters=n_filters * 2)
    p3, s3 = conv_block(inputs=p2, n_filters=n_filters * 4)
    p4, s4 = conv_block(inputs=p3, n_filters=n_filters * 8, dropout_prob=0.3)
    b, _ = conv_block(inputs=p4, n_filters=n_filters * 16, dropout_prob=0.3, max_pooling=False)
    u = upsampling_block(expansive_input=b, contractive_input=s4, n_filters=n_filters * 8)
    u = upsampling_block(expansive_input=u, contractive_input=s3, n_filters=n_filters * 4)
    u = upsampling_block(expansive_input=u, contractive_input=s2, n_filters=n_filters * 2)
    u = upsampling_block(expansive_input=u, contractive_input=s1, n_filters=n_filters)
    conv9 = Conv2D(n_filters, 3, activation="relu", padding="same", kernel_initializer="he_normal")(u)
    conv10 = Conv2D(filters=n_classes, kernel_size=1, padding="same", activation=None)(conv9)
    return tf.keras.Model(inputs=inputs, outputs=conv10)
