"""Hidden-test logic for ``w2a1_resnets`` (instructor only).

One entry point per graded function, called from the notebook's HIDDEN TESTS regions::

    from grading.w2a1 import check_identity_block
    check_identity_block(identity_block)

The block checks run in three steps:

1. **Structure.**  The block is applied to a symbolic input and wrapped in a model; its
   ``cnnkit.testing.layer_details`` (classes, output shapes, parameter counts, kernel
   sizes, strides, padding, initializer classes and configs, BatchNormalization axis,
   Activation functions, wiring) must equal those of the reference block in
   ``grading.w2a1.reference``.  The two parallel layers of a projection block are put
   in a canonical order first (``canonical_residual_order``), so the ``Add`` operands may
   come in either order.  The initializer factory records its calls: one
   ``initializer(seed=0)`` per conv.
2. **Values, eagerly.**  Random inputs that vary in space and channel, an initializer
   whose values depend only on the kernel shape and vary along every axis, and both
   ``training=True`` (batch statistics) and ``training=False`` (a fresh layer's moving
   statistics, 0 and 1): the full output must match a forward pass written in plain
   TensorFlow ops (``grading.w2a1.reference.forward_*``).  The convolutional block is
   tried with strides 1, 2 and 3 on odd sizes (5x5, 7x9), where ``ceil(n / s)`` matters.
3. **Stored statistics.**  A model built from the block with ``training=False`` gets
   random gamma, beta, moving mean and moving variance; its output must match the
   reference forward pass with those values.

``check_ResNet50`` builds the learner's network with reference blocks swapped in (a
mistake in a block costs that block's exercise only) and compares its full
``layer_details`` (177 rows, lengths first) plus initializer configs with the reference
``ResNet50``, then the parameter split and a second call with other arguments.
"""
from __future__ import annotations

import inspect
import math

import numpy as np

from cnnkit.setup import quiet_tensorflow
from cnnkit.testing import (
    canonical_residual_order,
    first_difference,
    layer_details,
    shaped_initializer_class,
    shaped_values,
)
from grading.common import (
    GradingError,
    check_signature,
    expect,
    hidden_test,
    isolated_globals,
)
from grading.w2a1 import reference as ref

SEED = 2101
ATOL, RTOL = 2e-4, 2e-4


# =============================================================================== test initializers
# ``shaped_values`` / ``ShapedInitializer`` live in cnnkit.testing (registered with Keras), so that a
# model built with them can be rebuilt from its config on both sides of the grading sandbox.


def _initializer_class():
    return shaped_initializer_class()


class RecordingFactory:
    """An initializer factory that records how it is called: ``factory(seed=0)`` -> ``ShapedInitializer``."""

    def __init__(self):
        self.calls: list = []
        self.cls = _initializer_class()

    def __call__(self, *args, **kwargs):
        self.calls.append((args, kwargs))
        return self.cls(*args, **kwargs)

    def seeds(self) -> list:
        out = []
        for args, kwargs in self.calls:
            try:
                bound = inspect.signature(self.cls.__init__).bind(None, *args, **kwargs)
            except TypeError:
                out.append("<bad arguments>")
                continue
            out.append(bound.arguments.get("seed", None))
        return out


# =============================================================================== hints
_BLOCK = {
    ("Conv2D", "kernel_initializer"): "create every conv with kernel_initializer=initializer(seed=0), using the "
                                      "initializer argument (the graders pass their own), not a fixed glorot_uniform",
    ("Conv2D", "padding"): "the 1x1 convs use padding='valid', the middle f x f conv padding='same'",
    ("Conv2D", "kernel_size"): "the main path is 1x1, then f x f, then 1x1 (and the shortcut conv is 1x1)",
    ("Conv2D", "activation"): "the convs have no activation of their own: the Activation('relu') layers apply it",
    ("Conv2D", "use_bias"): "keep the conv bias (use_bias=True, the default)",
    ("Conv2D", "output shape"): "check the number of filters of each conv: F1, F2, F3 from filters = [F1, F2, F3]",
    ("Conv2D", "class"): "each step of the main path is Conv2D -> BatchNormalization -> Activation('relu')",
    ("BatchNormalization", "class"): "every conv is followed by BatchNormalization(axis=3)(..., training=training)",
    ("BatchNormalization", "axis"): "normalise over the channels: BatchNormalization(axis=3) (or axis=-1)",
    ("BatchNormalization", "momentum"): "keep BatchNormalization's default momentum",
    ("BatchNormalization", "epsilon"): "keep BatchNormalization's default epsilon",
    ("Activation", "class"): "use Activation('relu') layers (not ReLU()), after the first two BatchNormalizations "
                             "and after the Add; there is no relu between the third BatchNormalization and the Add",
    ("ReLU", "class"): "use Activation('relu') layers, not ReLU(): the required structure lists Activation",
    ("Activation", "activation"): "the activations are relu: Activation('relu')",
    ("Add", "class"): "add the shortcut to the main path after the third BatchNormalization and before the final "
                      "relu: Add()([X, X_shortcut]), then Activation('relu')",
    "trainable": "leave every layer trainable",
}
IDENTITY_HINTS = {
    **_BLOCK,
    ("Conv2D", "strides"): "every conv of the identity block uses strides (1, 1)",
    ("Add", "inputs"): "the Add takes the main path's third BatchNormalization and the block's input X itself",
    "inputs": "check the wiring: conv -> BN -> relu -> conv -> BN -> relu -> conv -> BN -> Add(with X) -> relu",
    "length": "the identity block adds 10 layers: Conv2D, BatchNormalization, Activation, Conv2D, "
              "BatchNormalization, Activation, Conv2D, BatchNormalization, Add, Activation",
}
CONVOLUTIONAL_HINTS = {
    **_BLOCK,
    ("Conv2D", "strides"): "only the first 1x1 conv of the main path and the shortcut's 1x1 conv use strides "
                           "(s, s); the f x f conv and the last 1x1 conv use (1, 1)",
    ("Conv2D", "output shape"): "check the filters (F1, F2, F3; the shortcut has F3) and the strides: the first "
                                "1x1 conv and the shortcut conv use strides (s, s)",
    ("BatchNormalization", "class"): "every conv is followed by BatchNormalization(axis=3)(..., training=training), "
                                     "the shortcut's 1x1 conv too",
    ("Conv2D", "class"): "the block has 4 Conv2D layers, each followed by its BatchNormalization: three on the main "
                         "path (a relu after the first two BNs only) and one on the shortcut; the Add joins the two "
                         "BNs, and the relu comes after the Add",
    ("Add", "inputs"): "the Add takes the main path's third BatchNormalization and the shortcut's BatchNormalization",
    "inputs": "check the wiring: the shortcut is Conv2D(F3, 1x1, strides (s, s)) applied to the block's input X, "
              "then BatchNormalization; the Add joins it with the main path",
    "length": "the convolutional block adds 12 layers: the 8 of the main path (3 Conv2D, 3 BatchNormalization, 2 "
              "Activation), Conv2D and BatchNormalization on the shortcut, Add and Activation",
}
RESNET_HINTS = {
    **{k: v for k, v in _BLOCK.items() if k[0] not in ("Conv2D",)},
    ("ZeroPadding2D", "class"): "start with X = ZeroPadding2D((3, 3))(X_input)",
    ("ZeroPadding2D", "padding"): "pad the input by 3 on each side: ZeroPadding2D((3, 3))",
    **{(c, "class"): "check the stages: stage 1 is Conv2D, BatchNormalization, Activation, MaxPooling2D; then each "
                     "stage has one convolutional_block followed by 2, 3, 5 and 2 identity blocks"
       for c in ("Conv2D", "BatchNormalization", "Activation", "Add")},
    ("Conv2D", "kernel_size"): "stage 1 uses Conv2D(64, (7, 7), strides=(2, 2)); the blocks use f=3",
    ("Conv2D", "strides"): "stage 1's conv uses strides (2, 2); stage 2's convolutional_block uses s=1, stages 3 to "
                           "5 use s=2",
    ("Conv2D", "output shape"): "check the filters of each stage ([64, 64, 256], [128, 128, 512], [256, 256, 1024], "
                                "[512, 512, 2048]) and the strides (s=1 in stage 2, s=2 in stages 3 to 5)",
    ("Conv2D", "parameters"): "check the filters of each stage ([64, 64, 256], [128, 128, 512], [256, 256, 1024], "
                              "[512, 512, 2048])",
    ("Conv2D", "kernel_initializer"): "call the blocks with their default initializers, and use "
                                      "kernel_initializer=glorot_uniform(seed=0) for stage 1's conv",
    ("Conv2D", "init_config"): "use glorot_uniform(seed=0) for stage 1's conv and the Dense layer, and call the "
                               "blocks with their default initializers",
    ("Dense", "init_config"): "use kernel_initializer=glorot_uniform(seed=0) for the Dense layer",
    ("Dense", "kernel_initializer"): "use kernel_initializer=glorot_uniform(seed=0) for the Dense layer",
    ("Dense", "activation"): "the output layer is Dense(classes, activation='softmax')",
    ("Dense", "output shape"): "the output layer has `classes` units: Dense(classes, activation='softmax')",
    ("MaxPooling2D", "class"): "stage 1 ends with MaxPooling2D((3, 3), strides=(2, 2))",
    **{("MaxPooling2D", f): "stage 1 ends with MaxPooling2D((3, 3), strides=(2, 2))"
       for f in ("pool_size", "strides", "padding", "output shape")},
    ("AveragePooling2D", "class"): "the head is AveragePooling2D((2, 2)), then Flatten(), then the Dense layer "
                                   "(not GlobalAveragePooling2D)",
    **{("AveragePooling2D", f): "the head uses AveragePooling2D(pool_size=(2, 2)) with its default stride and "
                                "'valid' padding" for f in ("pool_size", "strides", "padding")},
    ("Flatten", "class"): "the head is AveragePooling2D((2, 2)), then Flatten(), then the Dense layer",
    ("InputLayer", "output shape"): "build the input from the argument: X_input = Input(input_shape)",
    "output shape": "check the strides and filters of each stage",
    "inputs": "check the wiring of the stages: each block takes the previous block's output",
    "length": "ResNet50 has 177 layers: the input, zero padding, stage 1 (Conv2D, BatchNormalization, Activation, "
              "MaxPooling2D), 4 convolutional blocks of 12 layers and 12 identity blocks of 10 layers (stages with 2, "
              "3, 5 and 2 identity blocks), AveragePooling2D, Flatten and Dense",
}


# =============================================================================== helpers
def _bind(func, what, *args, **kwargs):
    check_signature(func, *args, what=what, **kwargs)


def _with_init_configs(model, rows):
    """Add each Conv2D/Dense kernel initializer's config (seed, range) to its details."""
    for row, layer in zip(rows, model.layers):
        init = getattr(layer, "kernel_initializer", None)
        if init is not None and row[0] in ("Conv2D", "Dense"):
            config = init.get_config() if hasattr(init, "get_config") else {}
            row[-1]["init_config"] = {k: v for k, v in sorted(config.items())}
    return rows


def _canonical_rows(model):
    return canonical_residual_order(_with_init_configs(model, layer_details(model)))


_REFERENCE_CACHE: dict = {}


def _reference_resnet(input_shape, classes):
    """(canonical rows, (trainable, non-trainable) counts) of the reference ResNet50, built once per process."""
    key = (tuple(input_shape), classes)
    if key not in _REFERENCE_CACHE:
        reference = ref.ResNet50(input_shape, classes)
        _REFERENCE_CACHE[key] = (_canonical_rows(reference), (_count(reference.trainable_weights),
                                                              _count(reference.non_trainable_weights)))
    return _REFERENCE_CACHE[key]


def _structure(model, reference, hints, what):
    """Compare canonical ``layer_details`` rows; ``reference`` is a model or its canonical rows."""
    mine = _canonical_rows(model)
    theirs = reference if isinstance(reference, list) else _canonical_rows(reference)
    diff = first_difference(mine, theirs)
    if diff is not None:
        raise GradingError(f"{what}: {diff.message(hints)}")
    return mine


def _block_model(block, X_shape, kwargs, what):
    """Apply ``block`` to a symbolic input; return (model, factory)."""
    tf = quiet_tensorflow()
    factory = RecordingFactory()
    inputs = tf.keras.Input(shape=X_shape[1:])
    try:
        out = block(inputs, **kwargs, initializer=factory)
    except ValueError as err:
        if "incompatible shapes" not in str(err) and "shape" not in str(err).lower():
            raise
        raise GradingError(f"{what} failed: {str(err).splitlines()[0]}. The main path and the shortcut must have the "
                           "same shape at the Add: 'valid' padding on the 1x1 convs, 'same' on the f x f conv, and "
                           "(convolutional block) strides (s, s) on both the first 1x1 conv and the shortcut conv, "
                           "F3 filters on both") from None
    expect(out is not None, f"{what} returned None: did you forget `return X`?")
    expect(hasattr(out, "shape") and not isinstance(out, tf.keras.layers.Layer),
           f"{what} returned a {type(out).__name__}; return the output tensor of the final Activation('relu')")
    return tf.keras.Model(inputs, out), factory


def _reference_model(block, X_shape, kwargs):
    tf = quiet_tensorflow()
    factory = RecordingFactory()
    inputs = tf.keras.Input(shape=X_shape[1:])
    return tf.keras.Model(inputs, block(inputs, **kwargs, initializer=factory))


def _expect_factory_calls(factory, n_convs, what):
    n = len(factory.calls)
    expect(n == n_convs,
           f"{what} called initializer {n} times for {n_convs} convs: create each conv's initializer with its own "
           "call, kernel_initializer=initializer(seed=0)")
    seeds = factory.seeds()
    expect(all(s == 0 for s in seeds),
           f"{what} called initializer with seeds {seeds}: use initializer(seed=0) for every conv, so that the "
           "block is reproducible")


def _inputs(shape, salt):
    """Random inputs that vary across examples, rows, columns and channels."""
    rng = np.random.default_rng((SEED, salt, *shape))
    X = rng.normal(0.0, 1.0, size=shape)
    X += np.linspace(-0.5, 0.7, shape[1])[None, :, None, None] * np.linspace(0.2, 1.3, shape[3])
    return X.astype(np.float32)


def _conv_params(shapes: dict) -> dict:
    return {name: (shaped_values(shape), np.zeros(shape[-1])) for name, shape in shapes.items()}


def _eager(block, X, what, **kwargs):
    tf = quiet_tensorflow()
    out = block(tf.constant(X), **kwargs)
    expect(out is not None, f"{what} returned None: did you forget `return X`?")
    return np.asarray(out, dtype=np.float64)


def _close(got, expected) -> bool:
    return got.shape == expected.shape and np.allclose(got, expected, atol=ATOL * max(1.0, np.abs(expected).max()),
                                                       rtol=RTOL)


def _compare_training_modes(block, X, params_fresh, forward, what, kwargs):
    """Eager calls with training=True and training=False against the reference forward pass."""
    tf = quiet_tensorflow()
    results = {}
    for training in (True, False):
        factory = RecordingFactory()
        tf.keras.utils.set_random_seed(SEED)
        got = _eager(block, X, what, **kwargs, training=training, initializer=factory)
        results[training] = got
    exp = {t: forward(X, params_fresh, t) for t in (True, False)}
    for training in (True, False):
        got = results[training]
        expect(got.shape == exp[training].shape,
               f"{what} on an input of shape {X.shape} returned shape {got.shape}, expected {exp[training].shape}")
    ok = {t: _close(results[t], exp[t]) for t in (True, False)}
    if ok[True] and ok[False]:
        return
    if ok[True] and _close(results[False], exp[True]):
        raise GradingError(f"{what} with training=False normalised with the batch's statistics: pass "
                           "training=training to every BatchNormalization call")
    if ok[False] and _close(results[True], exp[False]):
        raise GradingError(f"{what} with training=True used the moving statistics: pass training=training to "
                           "every BatchNormalization call")
    t = True if not ok[True] else False
    err = float(np.max(np.abs(results[t] - exp[t])))
    raise GradingError(
        f"{what} with training={t} gives different values from the expected block (largest difference {err:.3g}): "
        "check the order conv -> BatchNormalization -> relu on the main path, that the shortcut is added after the "
        "third BatchNormalization with no relu before the Add, that the final relu comes after the Add, and that "
        "BatchNormalization uses axis=3")


def _roles(model, rows, kernel_roles: dict):
    """``{role: layer}`` for convs (by kernel shape) and ``{"bn" + role suffix: layer}`` for the BN after each."""
    found = {}
    for row, layer in zip(rows, model.layers):
        if row[0] == "Conv2D":
            role = kernel_roles.get(tuple(layer.kernel.shape))
            if role is not None:
                found[role] = layer
    by_id = {id(layer): i for i, layer in enumerate(model.layers)}
    for row, layer in zip(rows, model.layers):
        if row[0] == "BatchNormalization":
            src = row[-1]["inputs"][0]
            for role, conv in list(found.items()):
                if role.startswith("conv") and by_id.get(id(conv)) == src:
                    found["bn" + role[4:]] = layer
    return found


def _stored_statistics(model, rows, kernel_roles, forward, X, what):
    """Random BN parameters and moving statistics in a model built with training=False."""
    rng = np.random.default_rng(SEED + 7)
    roles = _roles(model, rows, kernel_roles)
    params = {}
    for role, shape in ((r, s) for s, r in kernel_roles.items()):
        conv = roles.get(role)
        expect(conv is not None, f"{what}: could not find the conv with kernel shape {shape}")
        params[role] = (shaped_values(shape), np.zeros(shape[-1]))
        bn = roles.get("bn" + role[4:])
        expect(bn is not None, f"{what}: the conv with kernel shape {shape} is not followed by a BatchNormalization")
        c = shape[-1]
        values = {"gamma": rng.uniform(0.5, 1.5, c), "beta": rng.normal(0, 0.3, c),
                  "moving_mean": rng.normal(0, 0.5, c), "moving_variance": rng.uniform(0.5, 2.0, c)}
        for var, key in zip((bn.gamma, bn.beta, bn.moving_mean, bn.moving_variance),
                            ("gamma", "beta", "moving_mean", "moving_variance")):
            var.assign(values[key].astype(np.float32))
        params["bn" + role[4:]] = values
    tf = quiet_tensorflow()
    got = np.asarray(model(tf.constant(X)), dtype=np.float64)
    expected = forward(X, params, False)
    expect(_close(got, expected),
           f"{what} built with training=False and then given non-default BatchNormalization statistics (gamma, "
           f"beta, moving mean and variance) gives different values from the expected block (largest difference "
           f"{float(np.max(np.abs(got - expected))):.3g}): pass training=training to every BatchNormalization call "
           "and normalise over the channels (axis=3)")


# =============================================================================== identity_block
IDENTITY_CASES = (  # (X shape, f, filters)
    ((2, 5, 7, 6), 3, [3, 5, 6]),
    ((3, 5, 5, 4), 5, [2, 3, 4]),
)


@hidden_test
def check_identity_block(identity_block):
    """Structure, factory calls, values in both training modes, stored BN statistics."""
    tf = quiet_tensorflow()
    for k, (shape, f, filters) in enumerate(IDENTITY_CASES):
        what = f"identity_block(X of shape {shape}, f={f}, filters={filters})"
        _bind(identity_block, "identity_block", None, f, filters, training=False, initializer=None)
        kwargs = {"f": f, "filters": filters, "training": False}
        tf.keras.utils.set_random_seed(SEED)
        model, factory = _block_model(identity_block, shape, kwargs, what)
        expect(tuple(model.outputs[0].shape) == (None, *shape[1:]),
               f"{what} returned a tensor of shape {tuple(model.outputs[0].shape)}, expected {(None, *shape[1:])} "
               "(the same shape as X)")
        rows = _structure(model, _reference_model(ref.identity_block, shape, kwargs), IDENTITY_HINTS, what)
        _expect_factory_calls(factory, 3, what)

        F1, F2, F3 = filters
        C = shape[-1]
        kernel_roles = {(1, 1, C, F1): "conv1", (f, f, F1, F2): "conv2", (1, 1, F2, F3): "conv3"}
        fresh = {**_conv_params({v: k_ for k_, v in kernel_roles.items()}),
                 **{f"bn{j}": ref.fresh_bn(w) for j, w in zip((1, 2, 3), filters)}}
        X = _inputs(shape, k)
        _compare_training_modes(identity_block, X, fresh, ref.forward_identity, what, {"f": f, "filters": filters})
        if k == 0:
            _stored_statistics(model, rows, kernel_roles, ref.forward_identity, X, what)


# =============================================================================== convolutional_block
CONVOLUTIONAL_CASES = (  # (X shape, f, filters, s)
    ((2, 7, 9, 3), 3, [4, 5, 6], 2),
    ((2, 5, 5, 4), 3, [3, 2, 5], 1),
    ((3, 7, 9, 2), 3, [3, 4, 5], 3),
)


@hidden_test
def check_convolutional_block(convolutional_block):
    """As the identity block, with strides 1, 2 and 3 on odd sizes and the projection shortcut."""
    tf = quiet_tensorflow()
    for k, (shape, f, filters, s) in enumerate(CONVOLUTIONAL_CASES):
        what = f"convolutional_block(X of shape {shape}, f={f}, filters={filters}, s={s})"
        _bind(convolutional_block, "convolutional_block", None, f, filters, s=s, training=False, initializer=None)
        kwargs = {"f": f, "filters": filters, "s": s, "training": False}
        tf.keras.utils.set_random_seed(SEED)
        model, factory = _block_model(convolutional_block, shape, kwargs, what)
        F1, F2, F3 = filters
        out_shape = (None, math.ceil(shape[1] / s), math.ceil(shape[2] / s), F3)
        expect(tuple(model.outputs[0].shape) == out_shape,
               f"{what} returned a tensor of shape {tuple(model.outputs[0].shape)}, expected {out_shape}: the first "
               "1x1 conv and the shortcut conv use strides (s, s) and padding 'valid', giving ceil(n / s)")
        rows = _structure(model, _reference_model(ref.convolutional_block, shape, kwargs), CONVOLUTIONAL_HINTS, what)
        _expect_factory_calls(factory, 4, what)

        C = shape[-1]
        kernel_roles = {(1, 1, C, F1): "conv1", (f, f, F1, F2): "conv2", (1, 1, F2, F3): "conv3",
                        (1, 1, C, F3): "conv_sc"}
        fresh = {**_conv_params({v: k_ for k_, v in kernel_roles.items()}),
                 **{f"bn{j}": ref.fresh_bn(w) for j, w in zip((1, 2, 3), filters)}, "bn_sc": ref.fresh_bn(F3)}

        def forward(X_, params, training, s=s):
            return ref.forward_convolutional(X_, params, s, training)

        X = _inputs(shape, 10 + k)
        _compare_training_modes(convolutional_block, X, fresh, forward, what,
                                {"f": f, "filters": filters, "s": s})
        if k == 0:
            _stored_statistics(model, rows, kernel_roles, forward, X, what)


# =============================================================================== ResNet50
def _build_resnet(ResNet50, what, *args, **kwargs):
    tf = quiet_tensorflow()
    _bind(ResNet50, "ResNet50", *args, **kwargs)
    tf.keras.utils.set_random_seed(SEED)
    with isolated_globals(ResNet50, identity_block=ref.identity_block, convolutional_block=ref.convolutional_block):
        model = ResNet50(*args, **kwargs)
    expect(model is not None, f"{what} returned None: did you forget `return model`?")
    expect(isinstance(model, tf.keras.Model),
           f"{what} returned a {type(model).__name__}, not a Keras model: return "
           "tf.keras.Model(inputs=X_input, outputs=X)")
    return model


def _count(weights) -> int:
    return int(sum(math.prod(w.shape) for w in weights))


@hidden_test
def check_ResNet50(ResNet50):  # noqa: N802
    """Full structure (177 rows) with initializer configs and canonical block order; parameter split; arguments."""
    tf = quiet_tensorflow()
    what = "ResNet50(input_shape=(64, 64, 3), classes=6)"
    model = _build_resnet(ResNet50, what, input_shape=(64, 64, 3), classes=6)
    expect(not isinstance(model, tf.keras.Sequential),
           f"{what} returned a Sequential model; build it with the Functional API")
    reference_rows, exp = _reference_resnet((64, 64, 3), 6)
    _structure(model, reference_rows, RESNET_HINTS, what)
    got = _count(model.trainable_weights), _count(model.non_trainable_weights)
    expect(got == exp, f"{what} has {got[0]:,} trainable and {got[1]:,} non-trainable parameters, expected "
                       f"{exp[0]:,} and {exp[1]:,}: leave every layer trainable")

    what = "ResNet50(input_shape=(64, 64, 1), classes=4)"
    other = _build_resnet(ResNet50, what, (64, 64, 1), 4)
    expect(tuple(other.inputs[0].shape) == (None, 64, 64, 1),
           f"{what} takes inputs of shape {tuple(other.inputs[0].shape)}, expected (None, 64, 64, 1): build the "
           "input from the argument, X_input = Input(input_shape)")
    expect(tuple(other.outputs[0].shape) == (None, 4),
           f"{what} has outputs of shape {tuple(other.outputs[0].shape)}, expected (None, 4): the Dense layer has "
           "`classes` units")
