"""Reference Keras model builders for the hidden tests (instructor only, never shipped).

Each builder follows the architecture table of its assignment's spec, layer by layer,
with every hyper-parameter written out.  Hidden tests build a fresh reference at test
time and compare ``cnnkit.testing.summary`` / ``layer_details`` of the learner's model
with it, so no expected structure is stored as literals.

Assignments and builders:

- ``w1a2_conv_application``: ``happy_model()`` (Sequential), ``convolutional_model(input_shape)``
  (functional).

TensorFlow is imported lazily and silently (``cnnkit.setup.quiet_tensorflow``), so that
importing this module from a test cell prints nothing.
"""

from cnnkit.setup import quiet_tensorflow

# =============================================================================== w1a2
HAPPY_INPUT_SHAPE = (64, 64, 3)
SIGNS_CLASSES = 6


def happy_model():
    """Happy House binary classifier, Sequential API (spec w1a2 §2.1).

    ZeroPadding2D(3) -> Conv2D(32, 7x7, stride 1, valid, linear, GlorotUniform)
    -> BatchNormalization over channels -> ReLU -> MaxPooling2D(2x2, stride 2, valid)
    -> Flatten -> Dense(1, sigmoid).  37,633 parameters (64 non-trainable).
    """
    tf = quiet_tensorflow()
    k = tf.keras
    stack = [
        k.Input(shape=HAPPY_INPUT_SHAPE),
        k.layers.ZeroPadding2D(padding=((3, 3), (3, 3))),
        k.layers.Conv2D(filters=32, kernel_size=(7, 7), strides=(1, 1), padding="valid", activation=None,
                        use_bias=True, kernel_initializer=k.initializers.GlorotUniform()),
        k.layers.BatchNormalization(axis=-1, momentum=0.99, epsilon=1e-3),
        k.layers.ReLU(negative_slope=0.0, max_value=None, threshold=0.0),
        k.layers.MaxPooling2D(pool_size=(2, 2), strides=(2, 2), padding="valid"),
        k.layers.Flatten(),
        k.layers.Dense(units=1, activation="sigmoid", use_bias=True,
                       kernel_initializer=k.initializers.GlorotUniform()),
    ]
    model = k.Sequential(name="reference_happy")
    for layer in stack:
        model.add(layer)
    return model


def convolutional_model(input_shape):
    """SIGNS six-class classifier, Functional API (spec w1a2 §2.2).

    Input -> Conv2D(8, 4x4, same) -> ReLU -> MaxPooling2D(8x8, stride 8, same)
    -> Conv2D(16, 2x2, same) -> ReLU -> MaxPooling2D(4x4, stride 4, same) -> Flatten
    -> Dense(6, softmax).  Both convs: stride 1, linear, GlorotUniform.  1,310 parameters
    for a 64x64x3 input; spatial sizes follow ceil(n / stride) for any input shape.
    """
    tf = quiet_tensorflow()
    k = tf.keras
    glorot = k.initializers.GlorotUniform
    blocks = (  # (filters, kernel, pool)
        (8, (4, 4), (8, 8)),
        (16, (2, 2), (4, 4)),
    )
    image = k.Input(shape=tuple(input_shape), name="reference_signs_image")
    x = image
    for filters, kernel, pool in blocks:
        x = k.layers.Conv2D(filters=filters, kernel_size=kernel, strides=(1, 1), padding="same", activation=None,
                            kernel_initializer=glorot())(x)
        x = k.layers.ReLU()(x)
        x = k.layers.MaxPooling2D(pool_size=pool, strides=pool, padding="same")(x)
    x = k.layers.Flatten()(x)
    probabilities = k.layers.Dense(units=SIGNS_CLASSES, activation="softmax", kernel_initializer=glorot())(x)
    return k.Model(inputs=image, outputs=probabilities, name="reference_signs")


def probes():
    """Calls whose models no student-facing helper may build (``grading.leaks``)."""
    from grading.leaks import Probe

    return [Probe("happyModel", happy_model),
            Probe("convolutional_model", convolutional_model, (HAPPY_INPUT_SHAPE,))]
