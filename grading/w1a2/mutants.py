"""Variants of the graded functions of ``w1a2_conv_application``.

Mutants are mistakes a student plausibly makes (each must lose that exercise's points);
alternatives are correct models written differently from the notebook's solution (each
must keep full marks).  Every variant is the code a student would put in the solution
cell: it uses the notebook's globals ``tf``, ``np`` and ``tfl`` (``tensorflow.keras.layers``);
anything else it needs is listed in ``imports=``.

Happy model (Sequential): ZeroPadding2D(3) -> Conv2D(32, 7x7, stride 1, valid)
-> BatchNormalization(axis=3) -> ReLU -> MaxPool2D() -> Flatten -> Dense(1, sigmoid).
SIGNS model (Functional): Input -> [Conv2D(8, 4, same) -> ReLU -> MaxPool2D(8, 8, same)]
-> [Conv2D(16, 2, same) -> ReLU -> MaxPool2D(4, 4, same)] -> Flatten -> Dense(6, softmax).
"""
# ruff: noqa: F811, F821  (slugs repeat across targets; tf and tfl come from the notebook)
from grading.mutation import Registry

REGISTRY = Registry("w1a2_conv_application")
mutant, alternative = REGISTRY.mutant, REGISTRY.alternative
KERAS = ("from tensorflow import keras",)  # decorators must stay on one line (the registry drops them)


# =============================================================================== happyModel
@mutant("happyModel", "'same' padding on the conv, on top of the ZeroPadding2D (70x70 stays 70x70)")
def same_padding():
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(64, 64, 3)),
        tfl.ZeroPadding2D(padding=3),
        tfl.Conv2D(32, 7, strides=1, padding="same"),
        tfl.BatchNormalization(axis=3),
        tfl.ReLU(),
        tfl.MaxPool2D(),
        tfl.Flatten(),
        tfl.Dense(1, activation="sigmoid"),
    ])
    return model


@mutant("happyModel", "16 filters instead of 32")
def wrong_filter_count():
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(64, 64, 3)),
        tfl.ZeroPadding2D(padding=3),
        tfl.Conv2D(16, 7, strides=1),
        tfl.BatchNormalization(axis=3),
        tfl.ReLU(),
        tfl.MaxPool2D(),
        tfl.Flatten(),
        tfl.Dense(1, activation="sigmoid"),
    ])
    return model


@mutant("happyModel", "a 5x5 kernel instead of 7x7")
def kernel_5x5():
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(64, 64, 3)),
        tfl.ZeroPadding2D(padding=3),
        tfl.Conv2D(32, 5, strides=1),
        tfl.BatchNormalization(axis=3),
        tfl.ReLU(),
        tfl.MaxPool2D(),
        tfl.Flatten(),
        tfl.Dense(1, activation="sigmoid"),
    ])
    return model


@mutant("happyModel", "no BatchNormalization layer")
def missing_batchnorm():
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(64, 64, 3)),
        tfl.ZeroPadding2D(padding=3),
        tfl.Conv2D(32, 7, strides=1),
        tfl.ReLU(),
        tfl.MaxPool2D(),
        tfl.Flatten(),
        tfl.Dense(1, activation="sigmoid"),
    ])
    return model


@mutant("happyModel", "activation='relu' inside the conv as well as the ReLU layer")
def conv_activation_too():
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(64, 64, 3)),
        tfl.ZeroPadding2D(padding=3),
        tfl.Conv2D(32, 7, strides=1, activation="relu"),
        tfl.BatchNormalization(axis=3),
        tfl.ReLU(),
        tfl.MaxPool2D(),
        tfl.Flatten(),
        tfl.Dense(1, activation="sigmoid"),
    ])
    return model


@mutant("happyModel", "Dense(1) without the sigmoid: a logit, not a probability")
def dense_without_sigmoid():
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(64, 64, 3)),
        tfl.ZeroPadding2D(padding=3),
        tfl.Conv2D(32, 7, strides=1),
        tfl.BatchNormalization(axis=3),
        tfl.ReLU(),
        tfl.MaxPool2D(),
        tfl.Flatten(),
        tfl.Dense(1),
    ])
    return model


@mutant("happyModel", "an extra Dropout layer after the output")
def extra_dropout_at_end():
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(64, 64, 3)),
        tfl.ZeroPadding2D(padding=3),
        tfl.Conv2D(32, 7, strides=1),
        tfl.BatchNormalization(axis=3),
        tfl.ReLU(),
        tfl.MaxPool2D(),
        tfl.Flatten(),
        tfl.Dense(1, activation="sigmoid"),
        tfl.Dropout(0.2),
    ])
    return model


@mutant("happyModel", "the right layers, but wired with the Functional API")
def functional_model():
    inputs = tf.keras.Input(shape=(64, 64, 3))
    x = tfl.ZeroPadding2D(padding=3)(inputs)
    x = tfl.Conv2D(32, 7, strides=1)(x)
    x = tfl.BatchNormalization(axis=3)(x)
    x = tfl.ReLU()(x)
    x = tfl.MaxPool2D()(x)
    x = tfl.Flatten()(x)
    outputs = tfl.Dense(1, activation="sigmoid")(x)
    return tf.keras.Model(inputs=inputs, outputs=outputs)


@mutant("happyModel", "Activation('relu') instead of a ReLU layer")
def activation_layer_not_relu():
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(64, 64, 3)),
        tfl.ZeroPadding2D(padding=3),
        tfl.Conv2D(32, 7, strides=1),
        tfl.BatchNormalization(axis=3),
        tfl.Activation("relu"),
        tfl.MaxPool2D(),
        tfl.Flatten(),
        tfl.Dense(1, activation="sigmoid"),
    ])
    return model


@mutant("happyModel", "a leaky ReLU: ReLU(negative_slope=0.1) keeps the class name")
def leaky_relu():
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(64, 64, 3)),
        tfl.ZeroPadding2D(padding=3),
        tfl.Conv2D(32, 7, strides=1),
        tfl.BatchNormalization(axis=3),
        tfl.ReLU(negative_slope=0.1),
        tfl.MaxPool2D(),
        tfl.Flatten(),
        tfl.Dense(1, activation="sigmoid"),
    ])
    return model


@mutant("happyModel", "BatchNormalization over the height axis (axis=1) instead of the channels")
def batchnorm_wrong_axis():
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(64, 64, 3)),
        tfl.ZeroPadding2D(padding=3),
        tfl.Conv2D(32, 7, strides=1),
        tfl.BatchNormalization(axis=1),
        tfl.ReLU(),
        tfl.MaxPool2D(),
        tfl.Flatten(),
        tfl.Dense(1, activation="sigmoid"),
    ])
    return model


@mutant("happyModel", "the output Dense starts from zeros instead of GlorotUniform")
def dense_zero_initializer():
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(64, 64, 3)),
        tfl.ZeroPadding2D(padding=3),
        tfl.Conv2D(32, 7, strides=1),
        tfl.BatchNormalization(axis=3),
        tfl.ReLU(),
        tfl.MaxPool2D(),
        tfl.Flatten(),
        tfl.Dense(1, activation="sigmoid", kernel_initializer="zeros"),
    ])
    return model


@mutant("happyModel", "the conv layer frozen (trainable=False): same summary, but it cannot learn")
def frozen_conv():
    model = tf.keras.Sequential([
        tf.keras.Input(shape=(64, 64, 3)),
        tfl.ZeroPadding2D(padding=3),
        tfl.Conv2D(32, 7, strides=1, trainable=False),
        tfl.BatchNormalization(axis=3),
        tfl.ReLU(),
        tfl.MaxPool2D(),
        tfl.Flatten(),
        tfl.Dense(1, activation="sigmoid"),
    ])
    return model


@mutant("happyModel", "no Input and no input_shape: the model is never built")
def no_input():
    model = tf.keras.Sequential([
        tfl.ZeroPadding2D(padding=3),
        tfl.Conv2D(32, 7, strides=1),
        tfl.BatchNormalization(axis=3),
        tfl.ReLU(),
        tfl.MaxPool2D(),
        tfl.Flatten(),
        tfl.Dense(1, activation="sigmoid"),
    ])
    return model


@alternative("happyModel", "input_shape= on the first layer (Keras warns on stderr), as in the original course")
def input_shape_argument():
    model = tf.keras.Sequential([
        tfl.ZeroPadding2D(padding=3, input_shape=(64, 64, 3)),
        tfl.Conv2D(32, 7, strides=1),
        tfl.BatchNormalization(axis=3),
        tfl.ReLU(),
        tfl.MaxPool2D(),
        tfl.Flatten(),
        tfl.Dense(1, activation="sigmoid"),
    ])
    return model


@alternative("happyModel", "MaxPooling2D with explicit arguments, kernel_size=(7, 7), BN axis=-1, named layers")
def explicit_arguments_and_names():
    model = tf.keras.Sequential(name="happy_house")
    model.add(tf.keras.Input(shape=(64, 64, 3), name="face"))
    model.add(tfl.ZeroPadding2D(padding=(3, 3), name="pad3"))
    model.add(tfl.Conv2D(filters=32, kernel_size=(7, 7), strides=(1, 1), padding="valid", name="conv0"))
    model.add(tfl.BatchNormalization(axis=-1, name="bn0"))
    model.add(tfl.ReLU(name="relu0"))
    model.add(tfl.MaxPooling2D(pool_size=(2, 2), strides=(2, 2), padding="valid", name="max_pool"))
    model.add(tfl.Flatten(name="flatten"))
    model.add(tfl.Dense(units=1, activation=tf.keras.activations.sigmoid, name="smile_probability"))
    return model


@alternative("happyModel", "layers from keras imported by name, an InputLayer, add() in a loop", imports=KERAS)
def keras_namespace_loop():
    model = keras.Sequential()
    model.add(keras.layers.InputLayer(shape=(64, 64, 3)))
    for layer in (keras.layers.ZeroPadding2D(((3, 3), (3, 3))),
                  keras.layers.Conv2D(32, (7, 7), kernel_initializer="glorot_uniform"),
                  keras.layers.BatchNormalization(axis=3),
                  keras.layers.ReLU(),
                  keras.layers.MaxPool2D(pool_size=2),
                  keras.layers.Flatten(),
                  keras.layers.Dense(1, "sigmoid")):
        model.add(layer)
    return model


# =============================================================================== convolutional_model
@mutant("convolutional_model", "Dense(6, activation='sigmoid'): class scores that do not sum to 1")
def dense_sigmoid(input_shape):
    input_img = tf.keras.Input(shape=input_shape)
    Z1 = tfl.Conv2D(8, 4, strides=1, padding="same")(input_img)
    A1 = tfl.ReLU()(Z1)
    P1 = tfl.MaxPool2D(pool_size=8, strides=8, padding="same")(A1)
    Z2 = tfl.Conv2D(16, 2, strides=1, padding="same")(P1)
    A2 = tfl.ReLU()(Z2)
    P2 = tfl.MaxPool2D(pool_size=4, strides=4, padding="same")(A2)
    F = tfl.Flatten()(P2)
    outputs = tfl.Dense(6, activation="sigmoid")(F)
    return tf.keras.Model(inputs=input_img, outputs=outputs)


@mutant("convolutional_model", "a 2x2 first pool instead of 8x8")
def first_pool_2x2(input_shape):
    input_img = tf.keras.Input(shape=input_shape)
    Z1 = tfl.Conv2D(8, 4, strides=1, padding="same")(input_img)
    A1 = tfl.ReLU()(Z1)
    P1 = tfl.MaxPool2D(pool_size=2, strides=2, padding="same")(A1)
    Z2 = tfl.Conv2D(16, 2, strides=1, padding="same")(P1)
    A2 = tfl.ReLU()(Z2)
    P2 = tfl.MaxPool2D(pool_size=4, strides=4, padding="same")(A2)
    F = tfl.Flatten()(P2)
    outputs = tfl.Dense(6, activation="softmax")(F)
    return tf.keras.Model(inputs=input_img, outputs=outputs)


@mutant("convolutional_model", "16 filters in the first conv instead of 8")
def wrong_filter_count(input_shape):
    input_img = tf.keras.Input(shape=input_shape)
    Z1 = tfl.Conv2D(16, 4, strides=1, padding="same")(input_img)
    A1 = tfl.ReLU()(Z1)
    P1 = tfl.MaxPool2D(pool_size=8, strides=8, padding="same")(A1)
    Z2 = tfl.Conv2D(16, 2, strides=1, padding="same")(P1)
    A2 = tfl.ReLU()(Z2)
    P2 = tfl.MaxPool2D(pool_size=4, strides=4, padding="same")(A2)
    F = tfl.Flatten()(P2)
    outputs = tfl.Dense(6, activation="softmax")(F)
    return tf.keras.Model(inputs=input_img, outputs=outputs)


@mutant("convolutional_model", "'valid' pooling: identical for 64x64 inputs, floor instead of ceil elsewhere")
def valid_pooling(input_shape):
    input_img = tf.keras.Input(shape=input_shape)
    Z1 = tfl.Conv2D(8, 4, strides=1, padding="same")(input_img)
    A1 = tfl.ReLU()(Z1)
    P1 = tfl.MaxPool2D(pool_size=8, strides=8)(A1)
    Z2 = tfl.Conv2D(16, 2, strides=1, padding="same")(P1)
    A2 = tfl.ReLU()(Z2)
    P2 = tfl.MaxPool2D(pool_size=4, strides=4)(A2)
    F = tfl.Flatten()(P2)
    outputs = tfl.Dense(6, activation="softmax")(F)
    return tf.keras.Model(inputs=input_img, outputs=outputs)


@mutant("convolutional_model", "activation='relu' inside both convs as well as the ReLU layers")
def conv_activation_too(input_shape):
    input_img = tf.keras.Input(shape=input_shape)
    Z1 = tfl.Conv2D(8, 4, strides=1, padding="same", activation="relu")(input_img)
    A1 = tfl.ReLU()(Z1)
    P1 = tfl.MaxPool2D(pool_size=8, strides=8, padding="same")(A1)
    Z2 = tfl.Conv2D(16, 2, strides=1, padding="same", activation="relu")(P1)
    A2 = tfl.ReLU()(Z2)
    P2 = tfl.MaxPool2D(pool_size=4, strides=4, padding="same")(A2)
    F = tfl.Flatten()(P2)
    outputs = tfl.Dense(6, activation="softmax")(F)
    return tf.keras.Model(inputs=input_img, outputs=outputs)


@mutant("convolutional_model", "Activation('relu') layers instead of ReLU layers")
def activation_layer_not_relu(input_shape):
    input_img = tf.keras.Input(shape=input_shape)
    Z1 = tfl.Conv2D(8, 4, strides=1, padding="same")(input_img)
    A1 = tfl.Activation("relu")(Z1)
    P1 = tfl.MaxPool2D(pool_size=8, strides=8, padding="same")(A1)
    Z2 = tfl.Conv2D(16, 2, strides=1, padding="same")(P1)
    A2 = tfl.Activation("relu")(Z2)
    P2 = tfl.MaxPool2D(pool_size=4, strides=4, padding="same")(A2)
    F = tfl.Flatten()(P2)
    outputs = tfl.Dense(6, activation="softmax")(F)
    return tf.keras.Model(inputs=input_img, outputs=outputs)


@mutant("convolutional_model", "ignores input_shape: the Input is always 64x64x3")
def hardcoded_input_shape(input_shape):
    input_img = tf.keras.Input(shape=(64, 64, 3))
    Z1 = tfl.Conv2D(8, 4, strides=1, padding="same")(input_img)
    A1 = tfl.ReLU()(Z1)
    P1 = tfl.MaxPool2D(pool_size=8, strides=8, padding="same")(A1)
    Z2 = tfl.Conv2D(16, 2, strides=1, padding="same")(P1)
    A2 = tfl.ReLU()(Z2)
    P2 = tfl.MaxPool2D(pool_size=4, strides=4, padding="same")(A2)
    F = tfl.Flatten()(P2)
    outputs = tfl.Dense(6, activation="softmax")(F)
    return tf.keras.Model(inputs=input_img, outputs=outputs)


@mutant("convolutional_model", "an extra hidden Dense(64, relu) layer before the output")
def extra_dense_at_end(input_shape):
    input_img = tf.keras.Input(shape=input_shape)
    Z1 = tfl.Conv2D(8, 4, strides=1, padding="same")(input_img)
    A1 = tfl.ReLU()(Z1)
    P1 = tfl.MaxPool2D(pool_size=8, strides=8, padding="same")(A1)
    Z2 = tfl.Conv2D(16, 2, strides=1, padding="same")(P1)
    A2 = tfl.ReLU()(Z2)
    P2 = tfl.MaxPool2D(pool_size=4, strides=4, padding="same")(A2)
    F = tfl.Flatten()(P2)
    D = tfl.Dense(64, activation="relu")(F)
    outputs = tfl.Dense(6, activation="softmax")(D)
    return tf.keras.Model(inputs=input_img, outputs=outputs)


@mutant("convolutional_model", "a Dropout layer after the softmax output")
def extra_dropout_at_end(input_shape):
    input_img = tf.keras.Input(shape=input_shape)
    Z1 = tfl.Conv2D(8, 4, strides=1, padding="same")(input_img)
    A1 = tfl.ReLU()(Z1)
    P1 = tfl.MaxPool2D(pool_size=8, strides=8, padding="same")(A1)
    Z2 = tfl.Conv2D(16, 2, strides=1, padding="same")(P1)
    A2 = tfl.ReLU()(Z2)
    P2 = tfl.MaxPool2D(pool_size=4, strides=4, padding="same")(A2)
    F = tfl.Flatten()(P2)
    outputs = tfl.Dropout(0.3)(tfl.Dense(6, activation="softmax")(F))
    return tf.keras.Model(inputs=input_img, outputs=outputs)


@mutant("convolutional_model", "the same layers in a Sequential model")
def sequential_model(input_shape):
    return tf.keras.Sequential([
        tf.keras.Input(shape=input_shape),
        tfl.Conv2D(8, 4, strides=1, padding="same"),
        tfl.ReLU(),
        tfl.MaxPool2D(pool_size=8, strides=8, padding="same"),
        tfl.Conv2D(16, 2, strides=1, padding="same"),
        tfl.ReLU(),
        tfl.MaxPool2D(pool_size=4, strides=4, padding="same"),
        tfl.Flatten(),
        tfl.Dense(6, activation="softmax"),
    ])


@mutant("convolutional_model", "a 4x4 kernel in the second conv too (instead of 2x2)")
def second_kernel_4x4(input_shape):
    input_img = tf.keras.Input(shape=input_shape)
    Z1 = tfl.Conv2D(8, 4, strides=1, padding="same")(input_img)
    A1 = tfl.ReLU()(Z1)
    P1 = tfl.MaxPool2D(pool_size=8, strides=8, padding="same")(A1)
    Z2 = tfl.Conv2D(16, 4, strides=1, padding="same")(P1)
    A2 = tfl.ReLU()(Z2)
    P2 = tfl.MaxPool2D(pool_size=4, strides=4, padding="same")(A2)
    F = tfl.Flatten()(P2)
    outputs = tfl.Dense(6, activation="softmax")(F)
    return tf.keras.Model(inputs=input_img, outputs=outputs)


@mutant("convolutional_model", "ReLU(max_value=6) (a ReLU6) keeps the class name")
def relu6(input_shape):
    input_img = tf.keras.Input(shape=input_shape)
    Z1 = tfl.Conv2D(8, 4, strides=1, padding="same")(input_img)
    A1 = tfl.ReLU(max_value=6)(Z1)
    P1 = tfl.MaxPool2D(pool_size=8, strides=8, padding="same")(A1)
    Z2 = tfl.Conv2D(16, 2, strides=1, padding="same")(P1)
    A2 = tfl.ReLU(max_value=6)(Z2)
    P2 = tfl.MaxPool2D(pool_size=4, strides=4, padding="same")(A2)
    F = tfl.Flatten()(P2)
    outputs = tfl.Dense(6, activation="softmax")(F)
    return tf.keras.Model(inputs=input_img, outputs=outputs)


@mutant("convolutional_model", "the second conv is fed the first ReLU's output: the first pool is left out")
def skips_first_pool(input_shape):
    input_img = tf.keras.Input(shape=input_shape)
    Z1 = tfl.Conv2D(8, 4, strides=1, padding="same")(input_img)
    A1 = tfl.ReLU()(Z1)
    P1 = tfl.MaxPool2D(pool_size=8, strides=8, padding="same")(A1)
    Z2 = tfl.Conv2D(16, 2, strides=1, padding="same")(A1)
    A2 = tfl.ReLU()(Z2)
    P2 = tfl.MaxPool2D(pool_size=4, strides=4, padding="same")(A2)
    F = tfl.Flatten()(P2)
    outputs = tfl.Dense(6, activation="softmax")(F)
    return tf.keras.Model(inputs=input_img, outputs=outputs)


@alternative("convolutional_model", "nested calls, MaxPooling2D, kernel_size tuples and named layers")
def nested_calls_with_names(input_shape):
    image = tf.keras.layers.Input(shape=input_shape, name="hand")
    block1 = tfl.MaxPooling2D((8, 8), strides=(8, 8), padding="same", name="pool1")(
        tfl.ReLU(name="relu1")(tfl.Conv2D(8, (4, 4), padding="same", name="conv1")(image)))
    block2 = tfl.MaxPooling2D((4, 4), strides=(4, 4), padding="same", name="pool2")(
        tfl.ReLU(name="relu2")(tfl.Conv2D(16, (2, 2), padding="same", name="conv2")(block1)))
    probs = tfl.Dense(6, activation="softmax", name="classes")(tfl.Flatten(name="flat")(block2))
    return tf.keras.Model(image, probs, name="signs")


@alternative("convolutional_model", "layers listed first, then applied in a loop")
def layer_list_loop(input_shape):
    stack = [tfl.Conv2D(filters=8, kernel_size=4, padding="same"), tfl.ReLU(),
             tfl.MaxPool2D(pool_size=(8, 8), padding="same"),
             tfl.Conv2D(filters=16, kernel_size=2, padding="same"), tfl.ReLU(),
             tfl.MaxPool2D(pool_size=(4, 4), padding="same"),
             tfl.Flatten(), tfl.Dense(units=6, activation="softmax")]
    inputs = tf.keras.Input(input_shape)
    x = inputs
    for layer in stack:
        x = layer(x)
    return tf.keras.Model(inputs=inputs, outputs=x)


@alternative("convolutional_model", "a helper function per block, keras imported by name", imports=KERAS)
def block_helper(input_shape):
    def block(x, filters, kernel, pool):
        x = keras.layers.Conv2D(filters, kernel, strides=(1, 1), padding="same", use_bias=True)(x)
        x = keras.layers.ReLU(negative_slope=0.0, threshold=0.0)(x)
        return keras.layers.MaxPooling2D(pool_size=pool, strides=pool, padding="same")(x)

    inputs = keras.Input(shape=tuple(input_shape))
    x = block(block(inputs, 8, 4, 8), 16, 2, 4)
    outputs = keras.layers.Dense(6, activation=keras.activations.softmax)(keras.layers.Flatten()(x))
    return keras.Model(inputs=inputs, outputs=outputs)
