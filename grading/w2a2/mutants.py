"""Variants of the graded exercises of ``w2a2_transfer_learning``.

Mutants are mistakes a student plausibly makes (each must lose that exercise's points);
alternatives are correct answers written differently from the notebook's solution (each must keep
full marks).  Every variant is the code a student would put in the solution cell and uses the
notebook's globals: ``tf``, ``np``, ``tfl`` (``tensorflow.keras.layers``), ``RandomFlip``,
``RandomRotation``, ``IMG_SIZE``, ``BASE_WEIGHTS``, ``preprocess_input``, ``data_augmenter``; the
fine-tuning cells also ``base_model`` and ``base_learning_rate``.

The fine-tuning exercise defines no function: its variants are whole cells
(``cell_mutant`` / ``cell_alternative``), graded by the state they leave.
"""
# ruff: noqa: F811, F821, N802, N803, N806  (slugs repeat across targets; names come from the notebook)
from grading.mutation import Registry

REGISTRY = Registry("w2a2_transfer_learning")
mutant, alternative = REGISTRY.mutant, REGISTRY.alternative
# Default arguments are evaluated when this module defines the functions; the variants' sources are
# executed again in the notebook's namespace, where these names are the notebook's.
IMG_SIZE = (160, 160)


def data_augmenter():  # placeholder for the defaults below (never used as a variant)
    return None


# =============================================================================== data_augmenter
@mutant("data_augmenter", "flips vertically as well: RandomFlip('horizontal_and_vertical')")
def flip_both_ways():
    data_augmentation = tf.keras.Sequential()
    data_augmentation.add(RandomFlip("horizontal_and_vertical"))
    data_augmentation.add(RandomRotation(0.2))
    return data_augmentation


@mutant("data_augmenter", "rotation factor 0.1 instead of 0.2")
def rotation_too_small():
    data_augmentation = tf.keras.Sequential()
    data_augmentation.add(RandomFlip("horizontal"))
    data_augmentation.add(RandomRotation(0.1))
    return data_augmentation


@mutant("data_augmenter", "an extra RandomZoom layer")
def extra_zoom_layer():
    data_augmentation = tf.keras.Sequential()
    data_augmentation.add(RandomFlip("horizontal"))
    data_augmentation.add(RandomRotation(0.2))
    data_augmentation.add(tf.keras.layers.RandomZoom(0.1))
    return data_augmentation


@mutant("data_augmenter", "the rotation comes first, then the flip")
def rotation_first():
    data_augmentation = tf.keras.Sequential()
    data_augmentation.add(RandomRotation(0.2))
    data_augmentation.add(RandomFlip("horizontal"))
    return data_augmentation


@mutant("data_augmenter", "no rotation layer")
def flip_only():
    data_augmentation = tf.keras.Sequential()
    data_augmentation.add(RandomFlip("horizontal"))
    return data_augmentation


@mutant("data_augmenter", "the rotation in degrees: RandomRotation(72) (72 full turns, not 72 degrees)")
def rotation_in_degrees():
    data_augmentation = tf.keras.Sequential()
    data_augmentation.add(RandomFlip("horizontal"))
    data_augmentation.add(RandomRotation(72))
    return data_augmentation


@mutant("data_augmenter", "an upside-down flip: RandomFlip('vertical')")
def flip_vertical():
    data_augmentation = tf.keras.Sequential()
    data_augmentation.add(RandomFlip("vertical"))
    data_augmentation.add(RandomRotation(0.2))
    return data_augmentation


@mutant("data_augmenter", "a Rescaling(1/255) layer in front (preprocess_input comes later in the model)")
def rescaling_in_augmenter():
    data_augmentation = tf.keras.Sequential()
    data_augmentation.add(tf.keras.layers.Rescaling(1.0 / 255))
    data_augmentation.add(RandomFlip("horizontal"))
    data_augmentation.add(RandomRotation(0.2))
    return data_augmentation


@alternative("data_augmenter", "the layers as a list, keyword arguments: mode= and factor=")
def list_with_keywords():
    return tf.keras.Sequential([RandomFlip(mode="horizontal"), RandomRotation(factor=0.2)])


@alternative("data_augmenter", "RandomRotation((-0.2, 0.2)), the layers from tf.keras.layers")
def rotation_as_pair():
    data_augmentation = tf.keras.Sequential()
    data_augmentation.add(tf.keras.layers.RandomFlip("horizontal"))
    data_augmentation.add(tf.keras.layers.RandomRotation((-0.2, 0.2)))
    return data_augmentation


@alternative("data_augmenter", "Sequential started with its own name, layers added in a loop")
def added_in_a_loop():
    data_augmentation = tf.keras.Sequential(name="augmentation")
    for layer in (tfl.RandomFlip("horizontal"), tfl.RandomRotation(0.2)):
        data_augmentation.add(layer)
    return data_augmentation


# =============================================================================== alpaca_model
@mutant("alpaca_model", "the base is left trainable (base_model.trainable = False missing)")
def base_left_trainable(image_shape=IMG_SIZE, data_augmentation=data_augmenter()):
    input_shape = image_shape + (3,)
    base_model = tf.keras.applications.MobileNetV2(input_shape=input_shape, include_top=False, weights=BASE_WEIGHTS)
    inputs = tf.keras.Input(shape=input_shape)
    x = data_augmentation(inputs)
    x = preprocess_input(x)
    x = base_model(x, training=False)
    x = tfl.GlobalAveragePooling2D()(x)
    x = tfl.Dropout(0.2)(x)
    outputs = tfl.Dense(1)(x)
    return tf.keras.Model(inputs, outputs)


@mutant("alpaca_model", "the base is called with training=True")
def base_training_true(image_shape=IMG_SIZE, data_augmentation=data_augmenter()):
    input_shape = image_shape + (3,)
    base_model = tf.keras.applications.MobileNetV2(input_shape=input_shape, include_top=False, weights=BASE_WEIGHTS)
    base_model.trainable = False
    inputs = tf.keras.Input(shape=input_shape)
    x = data_augmentation(inputs)
    x = preprocess_input(x)
    x = base_model(x, training=True)
    x = tfl.GlobalAveragePooling2D()(x)
    x = tfl.Dropout(0.2)(x)
    outputs = tfl.Dense(1)(x)
    return tf.keras.Model(inputs, outputs)


@mutant("alpaca_model", "the base is called without a training argument")
def base_no_training_flag(image_shape=IMG_SIZE, data_augmentation=data_augmenter()):
    input_shape = image_shape + (3,)
    base_model = tf.keras.applications.MobileNetV2(input_shape=input_shape, include_top=False, weights=BASE_WEIGHTS)
    base_model.trainable = False
    inputs = tf.keras.Input(shape=input_shape)
    x = data_augmentation(inputs)
    x = preprocess_input(x)
    x = base_model(x)
    x = tfl.GlobalAveragePooling2D()(x)
    x = tfl.Dropout(0.2)(x)
    outputs = tfl.Dense(1)(x)
    return tf.keras.Model(inputs, outputs)


@mutant("alpaca_model", "no preprocess_input: the base gets pixels in [0, 255]")
def no_preprocessing(image_shape=IMG_SIZE, data_augmentation=data_augmenter()):
    input_shape = image_shape + (3,)
    base_model = tf.keras.applications.MobileNetV2(input_shape=input_shape, include_top=False, weights=BASE_WEIGHTS)
    base_model.trainable = False
    inputs = tf.keras.Input(shape=input_shape)
    x = data_augmentation(inputs)
    x = base_model(x, training=False)
    x = tfl.GlobalAveragePooling2D()(x)
    x = tfl.Dropout(0.2)(x)
    outputs = tfl.Dense(1)(x)
    return tf.keras.Model(inputs, outputs)


@mutant("alpaca_model", "pixels divided by 255 instead of preprocess_input ([0, 1] instead of [-1, 1])")
def divide_by_255(image_shape=IMG_SIZE, data_augmentation=data_augmenter()):
    input_shape = image_shape + (3,)
    base_model = tf.keras.applications.MobileNetV2(input_shape=input_shape, include_top=False, weights=BASE_WEIGHTS)
    base_model.trainable = False
    inputs = tf.keras.Input(shape=input_shape)
    x = data_augmentation(inputs)
    x = x / 255.0
    x = base_model(x, training=False)
    x = tfl.GlobalAveragePooling2D()(x)
    x = tfl.Dropout(0.2)(x)
    outputs = tfl.Dense(1)(x)
    return tf.keras.Model(inputs, outputs)


@mutant("alpaca_model", "GlobalMaxPooling2D instead of GlobalAveragePooling2D")
def global_max_pooling(image_shape=IMG_SIZE, data_augmentation=data_augmenter()):
    input_shape = image_shape + (3,)
    base_model = tf.keras.applications.MobileNetV2(input_shape=input_shape, include_top=False, weights=BASE_WEIGHTS)
    base_model.trainable = False
    inputs = tf.keras.Input(shape=input_shape)
    x = data_augmentation(inputs)
    x = preprocess_input(x)
    x = base_model(x, training=False)
    x = tfl.GlobalMaxPooling2D()(x)
    x = tfl.Dropout(0.2)(x)
    outputs = tfl.Dense(1)(x)
    return tf.keras.Model(inputs, outputs)


@mutant("alpaca_model", "no Dropout layer")
def no_dropout(image_shape=IMG_SIZE, data_augmentation=data_augmenter()):
    input_shape = image_shape + (3,)
    base_model = tf.keras.applications.MobileNetV2(input_shape=input_shape, include_top=False, weights=BASE_WEIGHTS)
    base_model.trainable = False
    inputs = tf.keras.Input(shape=input_shape)
    x = data_augmentation(inputs)
    x = preprocess_input(x)
    x = base_model(x, training=False)
    x = tfl.GlobalAveragePooling2D()(x)
    outputs = tfl.Dense(1)(x)
    return tf.keras.Model(inputs, outputs)


@mutant("alpaca_model", "Dropout(0.5) instead of Dropout(0.2)")
def dropout_half(image_shape=IMG_SIZE, data_augmentation=data_augmenter()):
    input_shape = image_shape + (3,)
    base_model = tf.keras.applications.MobileNetV2(input_shape=input_shape, include_top=False, weights=BASE_WEIGHTS)
    base_model.trainable = False
    inputs = tf.keras.Input(shape=input_shape)
    x = data_augmentation(inputs)
    x = preprocess_input(x)
    x = base_model(x, training=False)
    x = tfl.GlobalAveragePooling2D()(x)
    x = tfl.Dropout(0.5)(x)
    outputs = tfl.Dense(1)(x)
    return tf.keras.Model(inputs, outputs)


@mutant("alpaca_model", "Dense(1, activation='sigmoid'): a probability, which from_logits=True then squashes again")
def sigmoid_output(image_shape=IMG_SIZE, data_augmentation=data_augmenter()):
    input_shape = image_shape + (3,)
    base_model = tf.keras.applications.MobileNetV2(input_shape=input_shape, include_top=False, weights=BASE_WEIGHTS)
    base_model.trainable = False
    inputs = tf.keras.Input(shape=input_shape)
    x = data_augmentation(inputs)
    x = preprocess_input(x)
    x = base_model(x, training=False)
    x = tfl.GlobalAveragePooling2D()(x)
    x = tfl.Dropout(0.2)(x)
    outputs = tfl.Dense(1, activation="sigmoid")(x)
    return tf.keras.Model(inputs, outputs)


@mutant("alpaca_model", "Dense(2): one output per class")
def two_outputs(image_shape=IMG_SIZE, data_augmentation=data_augmenter()):
    input_shape = image_shape + (3,)
    base_model = tf.keras.applications.MobileNetV2(input_shape=input_shape, include_top=False, weights=BASE_WEIGHTS)
    base_model.trainable = False
    inputs = tf.keras.Input(shape=input_shape)
    x = data_augmentation(inputs)
    x = preprocess_input(x)
    x = base_model(x, training=False)
    x = tfl.GlobalAveragePooling2D()(x)
    x = tfl.Dropout(0.2)(x)
    outputs = tfl.Dense(2)(x)
    return tf.keras.Model(inputs, outputs)


@mutant("alpaca_model", "include_top=True with weights=None (the 1000-way ImageNet classifier kept, untrained)")
def include_top(image_shape=IMG_SIZE, data_augmentation=data_augmenter()):
    input_shape = image_shape + (3,)
    base_model = tf.keras.applications.MobileNetV2(input_shape=input_shape, include_top=True, weights=None)
    base_model.trainable = False
    inputs = tf.keras.Input(shape=input_shape)
    x = data_augmentation(inputs)
    x = preprocess_input(x)
    x = base_model(x, training=False)
    x = tfl.Dropout(0.2)(x)
    outputs = tfl.Dense(1)(x)
    return tf.keras.Model(inputs, outputs)


@mutant("alpaca_model", "weights=None: a randomly initialised base")
def random_base(image_shape=IMG_SIZE, data_augmentation=data_augmenter()):
    input_shape = image_shape + (3,)
    base_model = tf.keras.applications.MobileNetV2(input_shape=input_shape, include_top=False, weights=None)
    base_model.trainable = False
    inputs = tf.keras.Input(shape=input_shape)
    x = data_augmentation(inputs)
    x = preprocess_input(x)
    x = base_model(x, training=False)
    x = tfl.GlobalAveragePooling2D()(x)
    x = tfl.Dropout(0.2)(x)
    outputs = tfl.Dense(1)(x)
    return tf.keras.Model(inputs, outputs)


@mutant("alpaca_model", "ignores the data_augmentation argument and builds a new augmenter inside")
def own_augmenter(image_shape=IMG_SIZE, data_augmentation=data_augmenter()):
    input_shape = image_shape + (3,)
    base_model = tf.keras.applications.MobileNetV2(input_shape=input_shape, include_top=False, weights=BASE_WEIGHTS)
    base_model.trainable = False
    inputs = tf.keras.Input(shape=input_shape)
    x = data_augmenter()(inputs)
    x = preprocess_input(x)
    x = base_model(x, training=False)
    x = tfl.GlobalAveragePooling2D()(x)
    x = tfl.Dropout(0.2)(x)
    outputs = tfl.Dense(1)(x)
    return tf.keras.Model(inputs, outputs)


@alternative("alpaca_model", "preprocess_input before the augmentation (flips and reflect-filled rotations commute with it)")
def preprocess_before_augmentation(image_shape=IMG_SIZE, data_augmentation=data_augmenter()):
    input_shape = image_shape + (3,)
    base_model = tf.keras.applications.MobileNetV2(input_shape=input_shape, include_top=False, weights=BASE_WEIGHTS)
    base_model.trainable = False
    inputs = tf.keras.Input(shape=input_shape)
    x = preprocess_input(inputs)
    x = data_augmentation(x)
    x = base_model(x, training=False)
    x = tfl.GlobalAveragePooling2D()(x)
    x = tfl.Dropout(0.2)(x)
    outputs = tfl.Dense(1)(x)
    return tf.keras.Model(inputs, outputs)


@alternative("alpaca_model", "tfl.Input, named head layers, the base frozen after the head is built")
def named_layers_freeze_late(image_shape=IMG_SIZE, data_augmentation=data_augmenter()):
    input_shape = image_shape + (3,)
    base_model = tf.keras.applications.MobileNetV2(input_shape=input_shape, include_top=False, weights=BASE_WEIGHTS)
    inputs = tfl.Input(shape=input_shape, name="pictures")
    x = data_augmentation(inputs)
    x = preprocess_input(x)
    x = base_model(x, training=False)
    x = tfl.GlobalAveragePooling2D(name="average")(x)
    x = tfl.Dropout(rate=0.2, name="drop")(x)
    outputs = tfl.Dense(units=1, name="logit")(x)
    base_model.trainable = False
    return tf.keras.Model(inputs=inputs, outputs=outputs)


@alternative("alpaca_model", "mobilenet_v2.preprocess_input written out, activation='linear', keyword arguments")
def spelled_out(image_shape=IMG_SIZE, data_augmentation=data_augmenter()):
    input_shape = tuple(image_shape) + (3,)
    base_model = tf.keras.applications.MobileNetV2(weights=BASE_WEIGHTS, include_top=False, input_shape=input_shape)
    base_model.trainable = False
    inputs = tf.keras.Input(input_shape)
    augmented = data_augmentation(inputs)
    scaled = tf.keras.applications.mobilenet_v2.preprocess_input(augmented)
    features = base_model(scaled, training=False)
    pooled = tf.keras.layers.GlobalAveragePooling2D()(features)
    dropped = tf.keras.layers.Dropout(0.2)(pooled)
    logit = tf.keras.layers.Dense(1, activation="linear")(dropped)
    return tf.keras.Model(inputs, logit)


@alternative("alpaca_model", "the GlobalAvgPool2D alias")
def avg_pool_alias(image_shape=IMG_SIZE, data_augmentation=data_augmenter()):
    input_shape = image_shape + (3,)
    base_model = tf.keras.applications.MobileNetV2(input_shape=input_shape, include_top=False, weights=BASE_WEIGHTS)
    base_model.trainable = False
    inputs = tf.keras.Input(shape=input_shape)
    x = preprocess_input(data_augmentation(inputs))
    x = tfl.GlobalAvgPool2D()(base_model(x, training=False))
    outputs = tfl.Dense(1)(tfl.Dropout(0.2)(x))
    return tf.keras.Model(inputs, outputs)


# =============================================================================== fine-tuning (cells)
_HEAD = '''
fine_tune_at = [layer.name for layer in base_model.layers].index("block_13_pad")
'''
cell_mutant, cell_alternative = REGISTRY.cell_mutant, REGISTRY.cell_alternative

cell_mutant("fine_tuning", "base_still_frozen", "the layers are frozen but base_model.trainable = True is missing",
            _HEAD + '''
for layer in base_model.layers[:fine_tune_at]:
    layer.trainable = False
loss_function = tf.keras.losses.BinaryCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(learning_rate=0.1 * base_learning_rate)
metrics = ["accuracy"]
''')
cell_mutant("fine_tuning", "keras2_index_120", "fine_tune_at = 120 hard-coded (the Keras 2 index: block_13_depthwise)",
            '''
fine_tune_at = 120
base_model.trainable = True
for layer in base_model.layers[:fine_tune_at]:
    layer.trainable = False
loss_function = tf.keras.losses.BinaryCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(learning_rate=0.1 * base_learning_rate)
metrics = ["accuracy"]
''')
cell_mutant("fine_tuning", "everything_unfrozen", "the whole base is unfrozen (no layer frozen again)", _HEAD + '''
base_model.trainable = True
loss_function = tf.keras.losses.BinaryCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(learning_rate=0.1 * base_learning_rate)
metrics = ["accuracy"]
''')
cell_mutant("fine_tuning", "top_frozen_instead", "the top is frozen and the bottom trained (layers[fine_tune_at:])",
            _HEAD + '''
base_model.trainable = True
for layer in base_model.layers[fine_tune_at:]:
    layer.trainable = False
loss_function = tf.keras.losses.BinaryCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(learning_rate=0.1 * base_learning_rate)
metrics = ["accuracy"]
''')
cell_mutant("fine_tuning", "from_logits_false", "BinaryCrossentropy() without from_logits=True", _HEAD + '''
base_model.trainable = True
for layer in base_model.layers[:fine_tune_at]:
    layer.trainable = False
loss_function = tf.keras.losses.BinaryCrossentropy()
optimizer = tf.keras.optimizers.Adam(learning_rate=0.1 * base_learning_rate)
metrics = ["accuracy"]
''')
cell_mutant("fine_tuning", "same_learning_rate", "the learning rate is not divided by 10", _HEAD + '''
base_model.trainable = True
for layer in base_model.layers[:fine_tune_at]:
    layer.trainable = False
loss_function = tf.keras.losses.BinaryCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(learning_rate=base_learning_rate)
metrics = ["accuracy"]
''')
cell_mutant("fine_tuning", "sgd_optimizer", "SGD instead of Adam", _HEAD + '''
base_model.trainable = True
for layer in base_model.layers[:fine_tune_at]:
    layer.trainable = False
loss_function = tf.keras.losses.BinaryCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1 * base_learning_rate)
metrics = ["accuracy"]
''')
cell_mutant("fine_tuning", "accuracy_metric_object", "tf.keras.metrics.Accuracy(): exact equality of labels and logits",
            _HEAD + '''
base_model.trainable = True
for layer in base_model.layers[:fine_tune_at]:
    layer.trainable = False
loss_function = tf.keras.losses.BinaryCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(learning_rate=0.1 * base_learning_rate)
metrics = [tf.keras.metrics.Accuracy()]
''')
cell_mutant("fine_tuning", "one_layer_too_many", "freezes layers[:fine_tune_at + 1]: block_13_pad stays frozen",
            _HEAD + '''
base_model.trainable = True
for layer in base_model.layers[:fine_tune_at + 1]:
    layer.trainable = False
loss_function = tf.keras.losses.BinaryCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(learning_rate=0.1 * base_learning_rate)
metrics = ["accuracy"]
''')
cell_mutant("fine_tuning", "learning_rate_times_ten", "the learning rate is multiplied by 10", _HEAD + '''
base_model.trainable = True
for layer in base_model.layers[:fine_tune_at]:
    layer.trainable = False
loss_function = tf.keras.losses.BinaryCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(learning_rate=10 * base_learning_rate)
metrics = ["accuracy"]
''')

cell_alternative("fine_tuning", "comprehension_and_binary_accuracy",
                 "freezing with a comprehension, BinaryAccuracy(name='accuracy'), learning rate base / 10", _HEAD + '''
base_model.trainable = True
[setattr(layer, "trainable", False) for layer in base_model.layers[:fine_tune_at]]
loss_function = tf.keras.losses.BinaryCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(learning_rate=base_learning_rate / 10)
metrics = [tf.keras.metrics.BinaryAccuracy(name="accuracy")]
''')
cell_alternative("fine_tuning", "enumerate_loop", "an enumerate loop over all layers, a named loss, Adam(0.0001)",
                 _HEAD + '''
base_model.trainable = True
for index, layer in enumerate(base_model.layers):
    layer.trainable = index >= fine_tune_at
loss_function = tf.keras.losses.BinaryCrossentropy(from_logits=True, name="bce")
optimizer = tf.keras.optimizers.Adam(0.0001)
metrics = ["accuracy"]
''')
cell_alternative("fine_tuning", "lookup_by_layer", "fine_tune_at from get_layer, layers frozen by a while loop",
                 '''
fine_tune_at = base_model.layers.index(base_model.get_layer("block_13_pad"))
base_model.trainable = True
k = 0
while k < fine_tune_at:
    base_model.layers[k].trainable = False
    k += 1
loss_function = tf.keras.losses.BinaryCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(learning_rate=base_learning_rate * 0.1)
metrics = ["accuracy"]
''')
