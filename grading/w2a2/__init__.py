"""Hidden-test logic for ``w2a2_transfer_learning`` (instructor only).

One entry point per exercise, called from the notebook's HIDDEN TESTS regions::

    from grading.w2a2 import check_data_augmenter; check_data_augmenter(data_augmenter)
    from grading.w2a2 import check_alpaca_model; check_alpaca_model(alpaca_model)
    from grading.w2a2 import check_fine_tuning; check_fine_tuning(globals())

- ``check_data_augmenter``: a Sequential of exactly two layers, ``RandomFlip`` with mode
  ``"horizontal"`` then ``RandomRotation`` whose factor, normalised to a ``(lower, upper)``
  pair (Keras 3 stores ``(-0.2, 0.2)`` for ``0.2``), is ``(-0.2, 0.2)``; inference mode leaves
  pictures alone, training mode changes them, and a new call returns new layers.
- ``check_alpaca_model`` (with a reference augmentation model passed in, by position and by
  keyword): the full ``summary`` against the reference model's (lengths first); the passed
  augmentation model is layer 1; the base is not trainable and the model's trainable weights
  are only the Dense kernel and bias; the graph node that calls the base carries
  ``training=False``; the tensor the graph feeds into the base is ``preprocess_input`` of the
  input (in inference mode); the base's weights equal those of a MobileNetV2 the test loads from the
  notebook's weight source (``mobilenet_base_weights()``); the output for pictures in
  ``[0, 255]`` equals ``Dense(GAP(base(preprocess_input(x))))`` computed with the model's own layers.
- ``check_fine_tuning`` (the state the cell leaves): ``base_model.trainable is True``; every
  layer before ``block_13_pad`` (looked up by name, index 119 under Keras 3) frozen and every
  layer from it on trainable; ``fine_tune_at`` is that index; ``loss_function`` a
  ``BinaryCrossentropy`` with ``from_logits=True``; ``optimizer`` an ``Adam`` whose learning rate is
  ``base_learning_rate / 10`` (isclose; ``base_learning_rate`` unchanged at 0.001); ``metrics`` is
  ``["accuracy"]`` or one ``BinaryAccuracy`` named ``"accuracy"`` with threshold 0.5.
"""
from __future__ import annotations

import inspect
import math

import numpy as np

from cnnkit.setup import quiet_tensorflow
from cnnkit.testing import _graph_nodes, first_difference, summary
from grading.common import GradingError, expect, hidden_test, reads
from grading.w2a2 import reference as ref

SEED = 2202
BASE_NAME = "mobilenetv2_1.00_160"
#: Layers whose weights are compared with the weights the notebook's source gives.
WEIGHT_PROBES = ("Conv1", "expanded_conv_depthwise", "block_6_project", "block_13_expand_BN", "Conv_1")

MODEL_HINTS = {
    "length": "the model has 6 layers: the Input, the data_augmentation model, the MobileNetV2 base, "
              "GlobalAveragePooling2D, Dropout(0.2) and Dense(1) (preprocess_input adds no layer)",
    ("Sequential", "class"): "apply the data_augmentation argument to the inputs first: x = data_augmentation(inputs)",
    ("Functional", "class"): "after the augmentation and preprocess_input, call the base: x = base_model(x, training=False)",
    ("Functional", "output shape"): "build the base without its classifier: MobileNetV2(input_shape=input_shape, "
                                    "include_top=False, weights=BASE_WEIGHTS)",
    ("Functional", "parameters"): "build the base without its classifier (include_top=False, alpha 1.0): "
                                  "2,257,984 parameters",
    ("GlobalAveragePooling2D", "class"): "pool with tfl.GlobalAveragePooling2D() (the average over the 5 x 5 "
                                         "positions, not the maximum, and no Flatten)",
    ("Dropout", "class"): "put tfl.Dropout(0.2) between the pooling and the Dense layer",
    ("Dropout", "rate"): "the dropout rate is 0.2: tfl.Dropout(0.2)",
    ("Dense", "class"): "the model ends with tfl.Dense(1)",
    ("Dense", "activation"): "the Dense layer has no activation (one logit): BinaryCrossentropy(from_logits=True) "
                             "applies the sigmoid itself",
    ("Dense", "output shape"): "one output unit: tfl.Dense(1) (a logit for 'not alpaca'), not one per class",
    ("Dense", "parameters"): "one output unit: tfl.Dense(1) on the 1280 pooled features",
    ("InputLayer", "output shape"): "build the input from the argument: inputs = tf.keras.Input(shape=image_shape + (3,))",
}


# =============================================================================== helpers
def _bind(func, what, *args, **kwargs):
    try:
        inspect.signature(func).bind(*args, **kwargs)
    except (TypeError, ValueError) as err:
        raise GradingError(f"could not call {what} ({err}); keep the signature given in the notebook") from None


def _factor_pair(factor) -> tuple:
    """RandomRotation's factor as ``(lower, upper)`` (a single number f means ``(-f, f)``)."""
    if isinstance(factor, (int, float)):
        return (-float(factor), float(factor))
    return tuple(float(f) for f in factor)


def call_training_flag(model, layer):
    """The ``training`` argument of the call that puts ``layer`` into ``model`` (``None`` if not given).

    Reads the layer's inbound node in this model's graph (Keras 3 keeps the call's keyword
    arguments there; ``_graph_nodes`` picks the node that belongs to this model).
    """
    nodes = _graph_nodes(model).get(id(layer)) or []
    if not nodes:
        return None
    arguments = getattr(nodes[0], "arguments", None)
    kwargs = getattr(arguments, "kwargs", {}) or {}
    return kwargs.get("training", None)


def base_input(model, layer):
    """The symbolic tensor that ``model``'s graph feeds into ``layer`` (``None`` if it has not exactly one)."""
    nodes = _graph_nodes(model).get(id(layer)) or []
    tensors = list(getattr(nodes[0], "input_tensors", [])) if nodes else []
    return tensors[0] if len(tensors) == 1 else None


def _pictures(n=2, size=160):
    rng = np.random.default_rng(SEED)
    smooth = rng.uniform(0, 255, (n, 8, 8, 3))
    tf = quiet_tensorflow()
    big = tf.image.resize(smooth, (size, size), method="bilinear").numpy()
    return np.clip(big + rng.normal(0, 20, big.shape), 0, 255).astype("float32")


# =============================================================================== data_augmenter
@hidden_test
def check_data_augmenter(data_augmenter):
    tf = quiet_tensorflow()
    _bind(data_augmenter, "data_augmenter()")
    aug = data_augmenter()
    expect(isinstance(aug, tf.keras.Sequential),
           f"data_augmenter() should return a tf.keras.Sequential model, not {type(aug).__name__}")
    names = [type(layer).__name__ for layer in aug.layers]
    expect(len(names) == 2, f"the model should hold exactly two layers (RandomFlip, then RandomRotation), "
                            f"it holds {len(names)}: {names}")
    expect(names == ["RandomFlip", "RandomRotation"],
           f"the layers should be RandomFlip then RandomRotation, in that order; got {names}")
    flip, rotation = aug.layers
    expect(flip.mode == "horizontal",
           f"RandomFlip should mirror left-right only: RandomFlip('horizontal'), not mode {flip.mode!r}")
    pair = _factor_pair(rotation.factor)
    expect(len(pair) == 2 and np.allclose(pair, (-0.2, 0.2), atol=1e-6),
           f"RandomRotation(0.2) turns by up to 0.2 of a full turn either way (factor (-0.2, 0.2)); "
           f"your rotation's factor is {pair}")
    x = _pictures(3, 24)
    expect(np.allclose(np.asarray(aug(x, training=False)), x),
           "with training=False the augmentation model must return the pictures unchanged")
    tf.keras.utils.set_random_seed(SEED)
    moved = np.asarray(aug(np.repeat(x, 3, axis=0), training=True))
    expect(not np.allclose(moved, np.repeat(x, 3, axis=0), atol=1e-3),
           "with training=True the layers should flip and rotate the pictures")
    again = data_augmenter()
    expect(again is not aug and again.layers[0] is not flip,
           "data_augmenter() should create new layers each time it is called (not return one shared model)")


# =============================================================================== alpaca_model
_REFERENCE: dict = {}


def _reference(tf):
    """``(summary rows, base)`` of the reference model for the notebook's weight source (built once)."""
    source = ref.resolve_base_weights(ref.DEFAULT, ref.IMG_SIZE[0])
    if source not in _REFERENCE:
        tf.keras.utils.set_random_seed(SEED)
        model = ref.alpaca_model(ref.IMG_SIZE, ref.data_augmenter(), base_weights=source)
        _REFERENCE.clear()
        _REFERENCE[source] = (summary(model), ref.base_of(model))
    return _REFERENCE[source]


def _check_model(tf, model, augmentation, expected_rows, reference_base):
    expect(isinstance(model, tf.keras.Model),
           f"alpaca_model should return a tf.keras.Model, not {type(model).__name__}")
    for layer in model.layers:
        if isinstance(layer, tf.keras.Model) and any(sub.name == "predictions" for sub in layer.layers):
            raise GradingError("build the base without its ImageNet classifier: MobileNetV2(input_shape=input_shape, "
                               "include_top=False, weights=BASE_WEIGHTS)")
    diff = first_difference(summary(model), expected_rows)
    expect(diff is None, diff.message(MODEL_HINTS) if diff is not None else "")
    # graded outside the notebook, the model comes back rebuilt from its config: the passed model is
    # recognised by its name (unique to this call) and layers, not by identity
    passed = model.layers[1]
    same = passed is augmentation or (
        passed.name == augmentation.name and [type(layer).__name__ for layer in getattr(passed, "layers", [])]
        == [type(layer).__name__ for layer in augmentation.layers])
    expect(same,
           "apply the data_augmentation model passed as the argument (x = data_augmentation(inputs)); "
           "do not create another one inside alpaca_model")
    base = model.layers[2]
    expect(base.name == BASE_NAME, f"layer 2 should be the MobileNetV2 base named {BASE_NAME!r}, not {base.name!r}: "
                                   "build it with tf.keras.applications.MobileNetV2(input_shape=input_shape, ...)")
    expect(not base.trainable, "freeze the base: base_model.trainable = False (before you build the model)")
    dense = model.layers[5]
    trainable = {id(v) for v in model.trainable_weights}
    expect(trainable == {id(dense.kernel), id(dense.bias)},
           f"only the Dense layer's kernel and bias should be trainable; trainable now: "
           f"{[v.path for v in model.trainable_weights][:6]}")
    flag = call_training_flag(model, base)
    expect(flag is False,
           "call the base with training=False (x = base_model(x, training=False)) so that its BatchNormalization "
           f"layers keep their pretrained statistics; the call has training={flag!r}")
    for name in WEIGHT_PROBES:
        got = [w.numpy() for w in base.get_layer(name).weights]
        want = [w.numpy() for w in reference_base.get_layer(name).weights]
        same = len(got) == len(want) and all(a.shape == b.shape and np.allclose(a, b, atol=1e-6)
                                             for a, b in zip(got, want))
        expect(same, f"the base's weights (layer {name}) are not the pretrained ones: build it with "
                     "weights=BASE_WEIGHTS (the notebook's weight source), not weights=None")
    x = _pictures()
    fed = base_input(model, base)
    if fed is not None:  # what reaches the base, whatever its weights (a random base can hide the scale)
        seen = np.asarray(tf.keras.Model(model.inputs, fed)(x, training=False))
        expect(seen.shape == x.shape and np.allclose(seen, x / 127.5 - 1.0, atol=1e-4),
               "the base should receive preprocess_input(augmented inputs), that is the pictures mapped from "
               f"[0, 255] to [-1, 1]; for pictures in [0, 255] your base receives values in "
               f"[{seen.min():.3g}, {seen.max():.3g}] (apply preprocess_input, and nothing else such as x / 255)")
    out = np.asarray(model(x, training=False))
    features = base(tf.keras.applications.mobilenet_v2.preprocess_input(tf.constant(x)), training=False)
    expected = np.asarray(dense(model.layers[3](features)))
    expect(out.shape == expected.shape and np.allclose(out, expected, atol=1e-4, rtol=1e-4),
           "for pictures in [0, 255] the model's output should be Dense(GAP(base(preprocess_input(x)))); "
           "apply preprocess_input (which maps [0, 255] to [-1, 1]) to the augmented inputs, before the base, "
           "and nothing else (no x / 255)")


@hidden_test
def check_alpaca_model(alpaca_model):
    tf = quiet_tensorflow()
    _bind(alpaca_model, "alpaca_model(image_shape, data_augmentation)", ref.IMG_SIZE, None)
    rows, reference_base = _reference(tf)
    for how in ("position", "keyword"):
        augmentation = ref.data_augmenter(name=f"augmentation_passed_by_{how}_{np.random.randint(10 ** 6)}")
        tf.keras.utils.set_random_seed(SEED)
        if how == "position":
            model = alpaca_model(ref.IMG_SIZE, augmentation)
        else:
            model = alpaca_model(image_shape=ref.IMG_SIZE, data_augmentation=augmentation)
        _check_model(tf, model, augmentation, rows, reference_base)


# =============================================================================== fine-tuning
def _lr(optimizer) -> float:
    lr = optimizer.learning_rate
    if callable(lr) and not hasattr(lr, "numpy"):
        raise GradingError("use a constant learning rate for fine-tuning (a number, not a schedule)")
    return float(np.asarray(lr))


def _accuracy_metric_ok(tf, metrics) -> str | None:
    """``None`` when ``metrics`` is ``["accuracy"]`` (or its one-unit meaning), else what is wrong."""
    if not isinstance(metrics, (list, tuple)):
        return f"metrics should be a list, [\"accuracy\"], not a {type(metrics).__name__}"
    if len(metrics) != 1:
        return f"metrics should hold exactly one entry, the accuracy; it holds {len(metrics)}"
    m = metrics[0]
    if isinstance(m, str):
        return None if m == "accuracy" else f"use metrics = [\"accuracy\"] (the history keys 'accuracy' and " \
                                            f"'val_accuracy' are read later), not {m!r}"
    if type(m).__name__ == "Accuracy":
        return ("tf.keras.metrics.Accuracy() counts exact equality between labels and logits (about 0 here); "
                "use metrics = [\"accuracy\"], which Keras turns into a BinaryAccuracy for one output unit")
    if isinstance(m, tf.keras.metrics.BinaryAccuracy):
        if m.name != "accuracy":
            return f"name the BinaryAccuracy 'accuracy' (the history keys are read later), not {m.name!r}"
        if not math.isclose(float(m.threshold), 0.5):
            return "keep BinaryAccuracy's threshold at 0.5"
        return None
    return f"metrics should be [\"accuracy\"], not [{type(m).__name__}]"


@hidden_test
@reads("base_model", "fine_tune_at", "loss_function", "optimizer", "metrics", "base_learning_rate")
def check_fine_tuning(namespace):
    tf = quiet_tensorflow()
    for name in ("base_model", "loss_function", "optimizer", "metrics"):
        expect(name in namespace, f"{name} is not defined after the fine-tuning cell")
    base = namespace["base_model"]
    names = [layer.name for layer in getattr(base, "layers", [])]
    expect(ref.FINE_TUNE_LAYER in names,
           "base_model should be the MobileNetV2 base of model2 (it has no layer 'block_13_pad')")
    start = names.index(ref.FINE_TUNE_LAYER)
    expect(base.trainable is True, "make the base trainable again: base_model.trainable = True")
    # an InputLayer has no weights and its config no ``trainable``: rebuilt from the notebook's
    # export (grading outside the kernel) it is trainable whatever the student set, so it is not judged
    flags = [bool(layer.trainable) if not isinstance(layer, tf.keras.layers.InputLayer) else k >= start
             for k, layer in enumerate(base.layers)]
    judged_early = [k for k in range(start) if not isinstance(base.layers[k], tf.keras.layers.InputLayer)]
    unfrozen_early = [k for k in judged_early if flags[k]]
    frozen_late = [k for k in range(start, len(flags)) if not flags[k]]
    if unfrozen_early or frozen_late:
        if len(unfrozen_early) == len(judged_early):
            hint = "every layer before fine_tune_at is still trainable: freeze base_model.layers[:fine_tune_at]"
        elif frozen_late and frozen_late[0] == start and len(frozen_late) < 3:
            hint = (f"layer {start} ({names[start]}) is frozen: freeze only the layers *before* fine_tune_at "
                    "(base_model.layers[:fine_tune_at]; under Keras 3 block 13 starts at index 119, not 120)")
        elif len(frozen_late) == len(flags) - start:
            hint = "the layers from fine_tune_at on should be trainable (set base_model.trainable = True first)"
        else:
            first = (unfrozen_early or frozen_late)[0]
            hint = (f"layer {first} ({names[first]}) is {'trainable' if flags[first] else 'frozen'}: freeze exactly "
                    f"the layers before block_13_pad (index {start}) and leave the rest trainable")
        raise GradingError(f"wrong frozen/trainable pattern: {hint}")
    if "fine_tune_at" in namespace:
        expect(namespace["fine_tune_at"] == start,
               f"fine_tune_at should be the index of block_13_pad ({start}), not {namespace['fine_tune_at']!r}")
    loss = namespace["loss_function"]
    expect(isinstance(loss, tf.keras.losses.BinaryCrossentropy),
           f"loss_function should be tf.keras.losses.BinaryCrossentropy, not {type(loss).__name__}")
    expect(bool(loss.get_config().get("from_logits")) is True,
           "the model outputs a logit (Dense(1) without activation): use BinaryCrossentropy(from_logits=True)")
    optimizer = namespace["optimizer"]
    expect(type(optimizer).__name__ == "Adam",
           f"optimizer should be tf.keras.optimizers.Adam, not {type(optimizer).__name__}")
    base_lr = namespace.get("base_learning_rate", ref.BASE_LEARNING_RATE)
    expect(isinstance(base_lr, (int, float)) and math.isclose(float(base_lr), ref.BASE_LEARNING_RATE),
           f"keep base_learning_rate = {ref.BASE_LEARNING_RATE} (it is set before the first training)")
    lr = _lr(optimizer)
    expect(math.isclose(lr, 0.1 * ref.BASE_LEARNING_RATE, rel_tol=1e-5),
           f"the fine-tuning learning rate should be ten times smaller than base_learning_rate "
           f"({0.1 * ref.BASE_LEARNING_RATE:g}); the optimizer has {lr:g}")
    problem = _accuracy_metric_ok(tf, namespace["metrics"])
    expect(problem is None, problem or "")
