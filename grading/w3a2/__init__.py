"""Hidden-test logic for ``w3a2_unet`` (instructor only).

One entry point per graded function, called from the notebook's HIDDEN TESTS regions::

    from grading.w3a2 import check_conv_block
    check_conv_block(conv_block)

Every check only *calls* the learner's function (with Keras symbolic inputs or arrays) and
reads what it returns, so it can run in the grader's own process (issue 15):

``check_conv_block``
    For several input sizes, filters, dropout rates (0 and > 0) and both ``max_pooling``
    settings, passed by keyword and by position: the block applied to a symbolic input,
    wrapped in a model with both outputs, must have the reference's
    ``cnnkit.testing.layer_details`` (classes, shapes, parameters, kernel sizes, strides,
    padding, activations, initializer classes, dropout rate, pooling window, wiring).
    Explicit graph checks first, for clear messages: the skip connection is produced by
    the Dropout layer when ``dropout_prob > 0`` and the MaxPooling2D reads that same
    tensor; without pooling both outputs are one tensor and no pooling layer exists; with
    ``dropout_prob = 0`` there is no Dropout layer.  Values: weights copied from a seeded
    draw into both the learner's and the reference block, outputs compared on random
    inputs; an eager call on an array returns tensors of the right shapes.
``check_upsampling_block``
    The same for the decoder block: the Concatenate's first input is the
    Conv2DTranspose (kernel 3, strides 2, 'same', linear, Glorot uniform), its second the
    contractive input, on the channel axis; values with copied weights (a swapped
    concatenation gives other values with the same weights).
``check_unet_model``
    The learner's ``unet_model`` with *reference* blocks swapped in (a mistake in a block
    costs that block's exercise only), for the defaults, another size, channel count,
    filter count and class count (by position and by keyword): full ``layer_details``
    (35 rows, lengths first), each Concatenate fed by a Conv2DTranspose first and by the
    encoder level of the same size second, the parameter count, every layer trainable,
    and the logits of the learner's model equal those of the reference model after its
    weights are copied over (layer order is the same).
"""
from __future__ import annotations

import numpy as np

from cnnkit.setup import quiet_tensorflow
from cnnkit.testing import first_difference, layer_details
from grading.common import GradingError, check_signature, expect, hidden_test, isolated_globals
from grading.w3a2 import reference as ref

SEED = 3202


def prepare_data() -> None:
    """Draw the synthetic CARLA folder the notebook reads, before grading runs the notebook in the
    read-only sandbox (called by ``grading.course.prepare_data``; ``cnnkit.seg.prepare_carla_folder``)."""
    from cnnkit import seg

    seg.prepare_carla_folder()
ATOL = 1e-4

# =============================================================================== hints
_CONV = {
    ("Conv2D", "class"): "each level has two Conv2D(n_filters, 3, activation='relu', padding='same', "
                         "kernel_initializer='he_normal') layers",
    ("Conv2D", "kernel_size"): "the convs use a 3x3 kernel: Conv2D(n_filters, 3, ...)",
    ("Conv2D", "padding"): "the convs use padding='same', so that the height and width do not change",
    ("Conv2D", "activation"): "the 3x3 convs use activation='relu'",
    ("Conv2D", "kernel_initializer"): "the 3x3 convs use kernel_initializer='he_normal'",
    ("Conv2D", "strides"): "the convs use strides 1 (the default)",
    ("Conv2D", "output shape"): "each conv has n_filters filters",
    ("Conv2D", "parameters"): "check the filters (n_filters) and the 3x3 kernel size",
    ("Conv2D", "use_bias"): "keep the convs' bias (the default)",
    "trainable": "leave every layer trainable",
}
CONV_HINTS = {
    **_CONV,
    ("Dropout", "class"): "add Dropout(dropout_prob) after the second conv only when dropout_prob > 0",
    ("Dropout", "rate"): "use Dropout(dropout_prob) with the argument's rate",
    ("MaxPooling2D", "class"): "pool with MaxPooling2D(pool_size=(2, 2)) only when max_pooling is True, after the "
                               "dropout",
    ("MaxPooling2D", "pool_size"): "pool with MaxPooling2D(pool_size=(2, 2))",
    ("MaxPooling2D", "strides"): "MaxPooling2D(pool_size=(2, 2)) has strides (2, 2) (the default: the pool size)",
    ("MaxPooling2D", "padding"): "MaxPooling2D keeps its default 'valid' padding",
    "inputs": "check the wiring: conv -> conv -> (dropout) -> (max-pool), and the skip connection is the tensor "
              "after the dropout",
    "length": "the block adds two Conv2D layers, a Dropout when dropout_prob > 0 and a MaxPooling2D when "
              "max_pooling is True, nothing else",
}
UP_HINTS = {
    **_CONV,
    ("Conv2DTranspose", "class"): "upsample with Conv2DTranspose(n_filters, 3, strides=2, padding='same') applied to "
                                  "expansive_input",
    ("Conv2DTranspose", "kernel_size"): "the transposed conv uses a 3x3 kernel: Conv2DTranspose(n_filters, 3, ...)",
    ("Conv2DTranspose", "strides"): "the transposed conv uses strides=2, which doubles the height and width",
    ("Conv2DTranspose", "padding"): "the transposed conv uses padding='same' (then its output is exactly twice as "
                                    "high and wide)",
    ("Conv2DTranspose", "activation"): "the transposed conv has no activation (linear)",
    ("Conv2DTranspose", "kernel_initializer"): "the transposed conv keeps its default initializer (Glorot uniform)",
    ("Conv2DTranspose", "output shape"): "the transposed conv has n_filters filters and strides=2",
    ("Conv2DTranspose", "parameters"): "the transposed conv has n_filters filters and a 3x3 kernel",
    ("Concatenate", "class"): "merge with concatenate([up, contractive_input], axis=3)",
    ("Concatenate", "axis"): "concatenate on the channel axis: axis=3 (or -1)",
    ("Concatenate", "inputs"): "concatenate the upsampled tensor first: concatenate([up, contractive_input], axis=3)",
    "inputs": "check the wiring: expansive_input -> Conv2DTranspose -> concatenate with contractive_input -> conv "
              "-> conv",
    "length": "the block adds a Conv2DTranspose, a Concatenate and two Conv2D layers",
}
UNET_HINTS = {
    **CONV_HINTS, **{k: v for k, v in UP_HINTS.items() if not isinstance(k, str)},
    ("Conv2D", "class"): "follow the table: 5 encoder levels (the last without pooling), 4 upsampling blocks, then "
                         "conv9 (3x3, relu, he_normal) and conv10 = Conv2D(n_classes, 1, padding='same')",
    ("Conv2D", "output shape"): "check the filters of each level: n_filters, 2, 4, 8, 16 times n_filters down, then "
                                "8, 4, 2, 1 times n_filters up; the last conv has n_classes filters",
    ("Conv2D", "parameters"): "check the filters of each level (n_filters times 1, 2, 4, 8, 16, then 8, 4, 2, 1) and "
                              "the kernels (3x3, the last one 1x1)",
    ("Conv2D", "activation"): "the 3x3 convs use relu; the last conv (conv10) is linear: its outputs are logits",
    ("Conv2D", "kernel_initializer"): "the 3x3 convs, conv9 included, use he_normal; conv10 keeps the default "
                                      "initializer",
    ("Conv2D", "kernel_size"): "conv9 is 3x3, conv10 is 1x1",
    ("Dropout", "class"): "blocks 4 and 5 use dropout_prob=0.3, the others no dropout",
    ("Dropout", "rate"): "blocks 4 and 5 use dropout_prob=0.3",
    ("MaxPooling2D", "class"): "blocks 1 to 4 pool, block 5 is called with max_pooling=False",
    ("Concatenate", "class"): "four upsampling blocks: ublock6 from cblock5[0] and cblock4[1], ublock7 with cblock3[1], "
                              "ublock8 with cblock2[1], ublock9 with cblock1[1]",
    ("InputLayer", "output shape"): "build the input from the argument: inputs = Input(input_size)",
    "inputs": "check the wiring: each conv_block takes the previous block's first output (next_layer); each "
              "upsampling_block takes the previous decoder output and the skip connection (second output) of the "
              "encoder level with the same size",
    "output shape": "check the filters of each level",
    "length": "the U-Net has 35 layers: the input, 5 conv blocks (2 convs each, dropout in blocks 4 and 5, pooling "
              "in blocks 1-4), 4 upsampling blocks (4 layers each), conv9 and conv10",
}


# =============================================================================== helpers
def _row_index(model, tensor):
    """Index in ``model.layers`` of the layer that produced ``tensor`` (and which of its outputs)."""
    history = getattr(tensor, "_keras_history", None)
    if history is None:
        return None, None
    layer = history[0]
    for k, candidate in enumerate(model.layers):
        if candidate is layer:
            return k, history[2]
    return None, None


def _compare(model, reference, hints, what):
    mine, theirs = layer_details(model), layer_details(reference)
    diff = first_difference(mine, theirs)
    if diff is not None:
        raise GradingError(f"{what}: {diff.message(hints)}")
    return mine


def _weights_like(model, salt):
    """Seeded values for every weight of ``model`` (kernels scaled like He normal, biases small)."""
    rng = np.random.default_rng((SEED, salt))
    out = []
    for w in model.weights:
        shape = tuple(w.shape)
        fan_in = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
        scale = np.sqrt(2.0 / fan_in) if len(shape) > 1 else 0.05
        out.append((rng.normal(0.0, scale, size=shape)).astype(np.float32))
    return out


def _inputs(shape, salt):
    """Random inputs that vary across examples, rows, columns and channels."""
    rng = np.random.default_rng((SEED, 7, salt, *shape))
    x = rng.uniform(0, 1, size=shape)
    x += np.linspace(-0.4, 0.6, shape[1])[None, :, None, None] * np.linspace(0.5, 1.5, shape[3])
    return x.astype(np.float32)


def _same_weights(model, reference, what):
    got = [tuple(w.shape) for w in model.weights]
    exp = [tuple(w.shape) for w in reference.weights]
    expect(got == exp, f"{what} has weights of shapes {got}, expected {exp}: check the layers' filters and kernels")


def _close(a, b):
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    return a.shape == b.shape and np.allclose(a, b, atol=ATOL * max(1.0, float(np.abs(b).max())), rtol=1e-4)


# =============================================================================== conv_block
CONV_CASES = (  # (input shape without batch, n_filters, dropout_prob, max_pooling, call style)
    ((16, 24, 3), 8, 0.25, True, "keyword"),
    ((10, 14, 5), 4, 0, True, "keyword"),
    ((12, 20, 6), 6, 0.3, False, "positional"),
    ((6, 10, 2), 5, 0, False, "keyword"),
)


def _call_conv(conv_block, x, n, p, pool, style):
    if style == "positional":
        return conv_block(x, n, p, pool)
    return conv_block(inputs=x, n_filters=n, dropout_prob=p, max_pooling=pool)


def _conv_outputs(out, what):
    expect(out is not None, f"{what} returned None: return next_layer, skip_connection")
    expect(isinstance(out, (tuple, list)) and len(out) == 2,
           f"{what} returned {type(out).__name__}; return the pair (next_layer, skip_connection)")
    return out


@hidden_test
def check_conv_block(conv_block):
    """Graph (skip after dropout, pooling and dropout switches), layer_details, values, eager calls, defaults."""
    tf = quiet_tensorflow()
    check_signature(conv_block, None, 8, dropout_prob=0, max_pooling=True, what="conv_block")
    for k, (shape, n, p, pool, style) in enumerate(CONV_CASES):
        what = f"conv_block(input {(None, *shape)}, n_filters={n}, dropout_prob={p}, max_pooling={pool})"
        inp = tf.keras.Input(shape)
        nxt, skip = _conv_outputs(_call_conv(conv_block, inp, n, p, pool, style), what)
        model = tf.keras.Model(inp, [nxt, skip])
        classes = [type(layer).__name__ for layer in model.layers]
        n_drop, n_pool = classes.count("Dropout"), classes.count("MaxPooling2D")
        expect(not (p == 0 and n_drop), f"{what} created a Dropout layer: add Dropout only when dropout_prob > 0")
        expect(not (p > 0 and not n_drop), f"{what} has no Dropout layer: with dropout_prob > 0 apply "
                                           "Dropout(dropout_prob) to the second conv's output")
        expect(not (not pool and n_pool), f"{what} created a pooling layer: with max_pooling=False, next_layer is "
                                          "the conv (or dropout) output itself")
        expect(not (pool and not n_pool), f"{what} has no MaxPooling2D layer: with max_pooling=True, next_layer = "
                                          "MaxPooling2D(pool_size=(2, 2))(conv)")
        skip_row, skip_slot = _row_index(model, skip)
        next_row, next_slot = _row_index(model, nxt)
        expect(skip_row is not None, f"{what}: the skip connection was not made by one of the block's layers")
        if p > 0:
            expect(classes[skip_row] == "Dropout",
                   f"{what}: the skip connection comes from a {classes[skip_row]} layer; take it after the dropout "
                   "(skip_connection = conv, where conv is the Dropout's output)")
        if pool:
            expect(classes[next_row] == "MaxPooling2D",
                   f"{what}: next_layer comes from a {classes[next_row]} layer; it is the MaxPooling2D output")
            rows = layer_details(model)
            expect(rows[next_row][-1]["inputs"] == (skip_row,),
                   f"{what}: the MaxPooling2D does not read the skip-connection tensor: pool the same tensor you "
                   "return as skip_connection (after the dropout)")
        else:
            expect((next_row, next_slot) == (skip_row, skip_slot),
                   f"{what}: with max_pooling=False next_layer and skip_connection must be the same tensor "
                   "(next_layer = conv)")
        expect(tuple(skip.shape) == (None, *shape[:2], n),
               f"{what}: the skip connection has shape {tuple(skip.shape)}, expected {(None, *shape[:2], n)}: the "
               "convs use padding='same' (the height and width stay the same) and n_filters filters")
        r_inp = tf.keras.Input(shape)
        reference = tf.keras.Model(r_inp, list(ref.conv_block(r_inp, n, p, pool)))
        _compare(model, reference, CONV_HINTS, what)
        _same_weights(model, reference, what)
        values = _weights_like(reference, k)
        model.set_weights(values)
        reference.set_weights(values)
        x = _inputs((2, *shape), k)
        got = [np.asarray(t) for t in model(x, training=False)]
        exp = [np.asarray(t) for t in reference(x, training=False)]
        for name, g, e in zip(("next_layer", "skip_connection"), got, exp):
            expect(_close(g, e), f"{what}: {name} has other values than expected with the same weights (largest "
                                 f"difference {float(np.max(np.abs(g - e))) if g.shape == e.shape else 'shape'}): "
                                 "check the order conv -> conv -> dropout -> pool and the relu activations")
    # eagerly, on an array, with the defaults
    x = _inputs((1, 8, 12, 3), 99)
    nxt, skip = _conv_outputs(conv_block(tf.constant(x)), "conv_block(an array of shape (1, 8, 12, 3))")
    expect(tuple(nxt.shape) == (1, 4, 6, 32) and tuple(skip.shape) == (1, 8, 12, 32),
           f"conv_block(x) with the defaults returned shapes {tuple(nxt.shape)} and {tuple(skip.shape)}, expected "
           "(1, 4, 6, 32) and (1, 8, 12, 32): defaults n_filters=32, dropout_prob=0, max_pooling=True")
    expect(isinstance(nxt, tf.Tensor) and isinstance(skip, tf.Tensor),
           "conv_block called on an array must return tensors (call the layers on the input)")


# =============================================================================== upsampling_block
UP_CASES = (  # (expansive shape, contractive shape, n_filters, call style)
    ((4, 6, 16), (8, 12, 8), 8, "keyword"),
    ((3, 5, 12), (6, 10, 20), 5, "positional"),
    ((5, 4, 6), (10, 8, 6), 6, "keyword"),
)


@hidden_test
def check_upsampling_block(upsampling_block):
    """Concatenate order and axis by graph and by value, transposed conv settings, layer_details, defaults."""
    tf = quiet_tensorflow()
    check_signature(upsampling_block, None, None, n_filters=8, what="upsampling_block")
    for k, (e_shape, c_shape, n, style) in enumerate(UP_CASES):
        what = (f"upsampling_block(expansive_input {(None, *e_shape)}, contractive_input {(None, *c_shape)}, "
                f"n_filters={n})")
        e_in, c_in = tf.keras.Input(e_shape), tf.keras.Input(c_shape)
        try:
            out = (upsampling_block(e_in, c_in, n) if style == "positional"
                   else upsampling_block(expansive_input=e_in, contractive_input=c_in, n_filters=n))
        except ValueError as err:
            raise GradingError(f"{what} failed: {str(err).splitlines()[0][:200]}. The transposed conv must double "
                               "the height and width (strides=2, padding='same') so that it matches the skip, and the "
                               "concatenation joins the channels (axis=3)") from None
        expect(out is not None, f"{what} returned None: return the output of the second conv")
        model = tf.keras.Model([e_in, c_in], out)
        classes = [type(layer).__name__ for layer in model.layers]
        expect("Conv2DTranspose" in classes, f"{what} has no Conv2DTranspose layer: upsample with "
                                             "Conv2DTranspose(n_filters, 3, strides=2, padding='same')")
        expect(classes.count("Concatenate") == 1, f"{what} has {classes.count('Concatenate')} Concatenate layers, "
                                                  "expected 1: concatenate([up, contractive_input], axis=3)")
        rows = layer_details(model)
        cat = classes.index("Concatenate")
        sources = rows[cat][-1]["inputs"]
        expect(len(sources) == 2 and classes[sources[0]] == "Conv2DTranspose",
               f"{what}: the Concatenate's first input comes from {classes[sources[0]] if sources else 'nothing'}; "
               "put the upsampled tensor first: concatenate([up, contractive_input], axis=3)")
        c_row = next(i for i, layer in enumerate(model.layers) if type(layer).__name__ == "InputLayer"
                     and tuple(rows[i][1][0]) == (None, *c_shape))
        expect(sources[1] == c_row, f"{what}: the Concatenate's second input must be contractive_input itself")
        expect(rows[cat][-1]["axis"] == 3, f"{what}: concatenate on the channel axis (axis=3), not "
                                           f"axis={rows[cat][-1]['axis']}")
        re_in, rc_in = tf.keras.Input(e_shape), tf.keras.Input(c_shape)
        reference = tf.keras.Model([re_in, rc_in], ref.upsampling_block(re_in, rc_in, n))
        _compare(model, reference, UP_HINTS, what)
        _same_weights(model, reference, what)
        values = _weights_like(reference, 10 + k)
        model.set_weights(values)
        reference.set_weights(values)
        xe, xc = _inputs((2, *e_shape), 10 + k), _inputs((2, *c_shape), 20 + k)
        got, exp = np.asarray(model([xe, xc])), np.asarray(reference([xe, xc]))
        expect(_close(got, exp), f"{what} gives other values than expected with the same weights (largest difference "
                                 f"{float(np.max(np.abs(got - exp))):.3g}): concatenate the upsampled tensor first, "
                                 "then the skip, on axis 3, and apply the two relu convs after the concatenation")
    xe, xc = _inputs((1, 3, 4, 10), 98), _inputs((1, 6, 8, 7), 97)
    out = upsampling_block(tf.constant(xe), tf.constant(xc))
    expect(isinstance(out, tf.Tensor) and tuple(out.shape) == (1, 6, 8, 32),
           f"upsampling_block on arrays with the default n_filters returned shape {tuple(getattr(out, 'shape', ()))}, "
           "expected (1, 6, 8, 32)")


# =============================================================================== unet_model
UNET_CASES = (  # (args, kwargs, input size, n_filters, n_classes)
    ((), {}, (96, 128, 3), 32, 23),
    (((64, 96, 1), 8, 5), {}, (64, 96, 1), 8, 5),
    ((), {"input_size": (32, 48, 4), "n_filters": 4, "n_classes": 3}, (32, 48, 4), 4, 3),
)
_REFERENCE_ROWS: dict = {}


def _build(unet_model, what, *args, **kwargs):
    tf = quiet_tensorflow()
    check_signature(unet_model, *args, what="unet_model", **kwargs)
    with isolated_globals(unet_model, conv_block=ref.conv_block, upsampling_block=ref.upsampling_block):
        try:
            model = unet_model(*args, **kwargs)
        except ValueError as err:
            raise GradingError(f"{what} failed: {str(err).splitlines()[0][:200]}. Check which tensors each block "
                               "gets: conv blocks take the previous block's next_layer (output 0), upsampling blocks "
                               "the previous decoder output and the skip connection (output 1) of the encoder level "
                               "with the same size") from None
    expect(model is not None, f"{what} returned None: return tf.keras.Model(inputs=inputs, outputs=conv10)")
    expect(isinstance(model, tf.keras.Model) and not isinstance(model, tf.keras.Sequential),
           f"{what} returned a {type(model).__name__}; return tf.keras.Model(inputs=inputs, outputs=conv10)")
    return model


def _skips(model, what):
    """Each Concatenate: first input a Conv2DTranspose, second an encoder tensor of the same height and width."""
    rows = layer_details(model)
    classes = [r[0] for r in rows]
    cats = [k for k, c in enumerate(classes) if c == "Concatenate"]
    expect(len(cats) == 4, f"{what} has {len(cats)} Concatenate layers, expected 4 (one per upsampling block)")
    bottleneck = max((k for k, c in enumerate(classes) if c == "Dropout"), default=None)
    for level, k in enumerate(cats):
        src = rows[k][-1]["inputs"]
        expect(classes[src[0]] == "Conv2DTranspose",
               f"{what}: upsampling block {6 + level} concatenates {classes[src[1]]} first; the upsampled tensor "
               "(Conv2DTranspose) comes first")
        expect(rows[src[1]][1][1:3] == rows[k][1][1:3] and (bottleneck is None or src[1] < bottleneck),
               f"{what}: upsampling block {6 + level} gets the wrong skip connection; use the second output of the "
               "encoder block with the same height and width (cblock4[1], cblock3[1], cblock2[1], cblock1[1])")


@hidden_test
def check_unet_model(unet_model):
    """With reference blocks: full layer_details for several sizes, skips per level, parameters, logits by value."""
    tf = quiet_tensorflow()
    for k, (args, kwargs, size, nf, nc) in enumerate(UNET_CASES):
        what = f"unet_model(input_size={size}, n_filters={nf}, n_classes={nc})"
        tf.keras.utils.set_random_seed(SEED)
        model = _build(unet_model, what, *args, **kwargs)
        expect(tuple(model.inputs[0].shape) == (None, *size),
               f"{what} takes inputs of shape {tuple(model.inputs[0].shape)}, expected {(None, *size)}: "
               "inputs = Input(input_size)")
        expect(tuple(model.outputs[0].shape) == (None, *size[:2], nc),
               f"{what} has outputs of shape {tuple(model.outputs[0].shape)}, expected {(None, *size[:2], nc)}: one "
               "logit per class and pixel from conv10 = Conv2D(n_classes, 1, padding='same')")
        _skips(model, what)
        reference = ref.unet_model(size, nf, nc)
        _compare(model, reference, UNET_HINTS, what)
        expect(model.count_params() == reference.count_params(),
               f"{what} has {model.count_params():,} parameters, expected {reference.count_params():,}")
        expect(all(layer.trainable for layer in model.layers), f"{what}: leave every layer trainable")
        if k == 1:  # values: the learner's weights in the reference network give the same logits
            _same_weights(model, reference, what)
            reference.set_weights(model.get_weights())
            x = _inputs((2, *size), 30)
            got, exp = np.asarray(model(x, training=False)), np.asarray(reference(x, training=False))
            expect(_close(got, exp),
                   f"{what}: with the same weights your model's logits differ from the expected ones (largest "
                   f"difference {float(np.max(np.abs(got - exp))):.3g}): conv10 is linear (no activation, no "
                   "softmax), and each upsampling block concatenates its upsampled tensor with the matching skip")
