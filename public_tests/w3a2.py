"""Public checks for "Image segmentation with U-Net" (w3a2).

Run them from the notebook, right after each exercise::

    conv_block_test(conv_block)
    upsampling_block_test(upsampling_block)
    unet_model_test(unet_model)

Each check applies your function to symbolic Keras inputs, reads the layers it adds
(class, output shape, parameter count and a few settings: ``cnnkit.testing.summary`` and
``layer_details``) and compares them with the tables below, which are the ones of the
assignment's text.  They also check the wiring the tables cannot show: which tensor the
skip connection is, which tensor the pooling reads, which input the concatenation takes
first.  The graded tests go further: other sizes and filter counts, arguments by position
and by keyword, and the output *values* with the same weights as a reference.

Shapes are channels-last: ``(batch, height, width, channels)``.
"""
from __future__ import annotations

from cnnkit.setup import quiet_tensorflow
from cnnkit.testing import first_difference, layer_details, quiet, summary
from public_tests._common import _check, _passed, depends_on

__all__ = ["conv_block_test", "upsampling_block_test", "unet_model_test", "UNET_TABLE"]


def _conv(shape, c_in, c_out, act="relu", init="HeNormal", k=3):
    return ["Conv2D", shape + (c_out,), k * k * c_in * c_out + c_out, "same", act, init]


def _pool(shape, c):
    return ["MaxPooling2D", shape + (c,), 0, (2, 2), (2, 2), "valid"]


# conv_block(Input((96, 128, 3)), n_filters=32) with the defaults (no dropout, pooling)
CONV_TABLE = [["InputLayer", [(None, 96, 128, 3)], 0], _conv((None, 96, 128), 3, 32),
              _conv((None, 96, 128), 32, 32), _pool((None, 48, 64), 32)]

# conv_block(Input((12, 16, 8)), n_filters=16, dropout_prob=0.3, max_pooling=True)
CONV_DROPOUT_TABLE = [["InputLayer", [(None, 12, 16, 8)], 0], _conv((None, 12, 16), 8, 16),
                      _conv((None, 12, 16), 16, 16), ["Dropout", (None, 12, 16, 16), 0, 0.3],
                      _pool((None, 6, 8), 16)]

# upsampling_block(Input((12, 16, 256)), Input((24, 32, 128)), n_filters=128): rows 17-20 of the U-Net
UP_TABLE = [["InputLayer", [(None, 12, 16, 256)], 0], ["Conv2DTranspose", (None, 24, 32, 128), 295040],
            ["InputLayer", [(None, 24, 32, 128)], 0], ["Concatenate", (None, 24, 32, 256), 0],
            _conv((None, 24, 32), 256, 128), _conv((None, 24, 32), 128, 128)]


def _unet_table(size=(96, 128, 3), nf=32, n_classes=23):
    """The 35 summary rows of unet_model(size, nf, n_classes), as the assignment's table lists them."""
    H, W, C = size
    rows = [["InputLayer", [(None, H, W, C)], 0]]
    c_in = C
    for level in range(5):
        hw = (None, H >> level, W >> level)
        n = nf << level
        rows += [_conv(hw, c_in, n), _conv(hw, n, n)]
        if level >= 3:
            rows.append(["Dropout", hw + (n,), 0, 0.3])
        if level < 4:
            rows.append(_pool((None, H >> (level + 1), W >> (level + 1)), n))
        c_in = n
    for level in (3, 2, 1, 0):
        hw = (None, H >> level, W >> level)
        n = nf << level
        rows += [["Conv2DTranspose", hw + (n,), 9 * c_in * n + n], ["Concatenate", hw + (2 * n,), 0],
                 _conv(hw, 2 * n, n), _conv(hw, n, n)]
        c_in = n
    rows += [_conv((None, H, W), nf, nf), _conv((None, H, W), nf, n_classes, act="linear", init="GlorotUniform", k=1)]
    return rows


UNET_TABLE = _unet_table()

_HINTS = {
    ("Conv2D", "padding"): "the 3x3 convs use padding='same', so that the height and width stay the same",
    ("Conv2D", "activation"): "the 3x3 convs use activation='relu'",
    ("Conv2D", "kernel_initializer"): "the 3x3 convs use kernel_initializer='he_normal'",
    ("Conv2D", "parameters"): "check the filters (n_filters) and the kernel size (3)",
    ("Conv2D", "output shape"): "each conv has n_filters filters",
    ("MaxPooling2D", "class"): "pool with MaxPooling2D(pool_size=(2, 2)) when max_pooling is True, after the dropout",
    ("Dropout", "class"): "add Dropout(dropout_prob) after the second conv only when dropout_prob > 0",
    ("Conv2DTranspose", "output shape"): "upsample with Conv2DTranspose(n_filters, 3, strides=2, padding='same')",
    ("Conv2DTranspose", "parameters"): "the transposed conv has n_filters filters and a 3x3 kernel",
    ("Concatenate", "output shape"): "concatenate on the channel axis: concatenate([up, contractive_input], axis=3)",
}
_UNET_HINTS = {
    **_HINTS,
    ("Conv2D", "output shape"): "check the filters of each level: n_filters times 1, 2, 4, 8, 16 down, then 8, 4, 2, "
                                "1 up; conv10 has n_classes filters",
    ("Conv2D", "activation"): "the 3x3 convs use relu; conv10 has no activation (its outputs are logits)",
    ("Conv2D", "kernel_initializer"): "the 3x3 convs (conv9 too) use he_normal; conv10 keeps the default initializer",
    ("Dropout", "class"): "blocks 4 and 5 use dropout_prob=0.3, the others none",
    ("MaxPooling2D", "class"): "blocks 1 to 4 pool; block 5 is called with max_pooling=False",
    "length": "the U-Net has 35 layers: the input, 5 conv blocks, 4 upsampling blocks, conv9 and conv10",
}


def _rows_match(rows, table, what, hints):
    diff = first_difference(rows, table)
    _check(diff is None, f"{what}: {diff.message(hints) if diff else ''}")


def _producer(model, tensor):
    """``(index, class name)`` of the layer of ``model`` that made ``tensor`` (or ``(None, None)``)."""
    history = getattr(tensor, "_keras_history", None)
    if history is None:
        return None, None
    for k, layer in enumerate(model.layers):
        if layer is history[0]:
            return k, type(layer).__name__
    return None, None


def _pair(out, what):
    _check(isinstance(out, (tuple, list)) and len(out) == 2,
           f"{what} should return two tensors (next_layer, skip_connection), got {type(out).__name__}")
    return out


# ----------------------------------------------------------------------------- exercise 1
def conv_block_test(conv_block):
    """The table for the defaults, the dropout and pooling switches, and which tensor the skip is."""
    tf = quiet_tensorflow()
    with quiet():
        inp = tf.keras.Input((96, 128, 3))
        nxt, skip = _pair(conv_block(inp, n_filters=32), "conv_block")
        model = tf.keras.Model(inp, [nxt, skip])
    _check(tuple(nxt.shape) == (None, 48, 64, 32) and tuple(skip.shape) == (None, 96, 128, 32),
           f"conv_block(Input((96, 128, 3)), n_filters=32) should return next_layer of shape (None, 48, 64, 32) and "
           f"skip_connection of shape (None, 96, 128, 32); got {tuple(nxt.shape)} and {tuple(skip.shape)}. "
           "next_layer is the pooled map, skip_connection the map before pooling")
    _rows_match(summary(model), CONV_TABLE, "conv_block with the defaults", {
        **_HINTS, "length": "with the defaults the block adds two Conv2D layers and a MaxPooling2D (no Dropout: "
                            "dropout_prob=0)"})

    with quiet():
        inp = tf.keras.Input((12, 16, 8))
        nxt, skip = _pair(conv_block(inp, 16, dropout_prob=0.3, max_pooling=True), "conv_block")
        model = tf.keras.Model(inp, [nxt, skip])
    _rows_match(summary(model), CONV_DROPOUT_TABLE, "conv_block(..., n_filters=16, dropout_prob=0.3)", {
        **_HINTS, "length": "with dropout_prob > 0 the block adds two Conv2D layers, a Dropout and a MaxPooling2D"})
    k_skip, made_by = _producer(model, skip)
    _check(made_by == "Dropout", f"with dropout_prob=0.3 the skip connection comes from a {made_by} layer; take it "
           "after the dropout: skip_connection = conv, where conv is the Dropout's output")
    rows = layer_details(model)
    _check(rows[-1][-1]["inputs"] == (k_skip,),
           "the MaxPooling2D should read the same tensor you return as skip_connection (the Dropout's output)")

    with quiet():
        inp = tf.keras.Input((12, 16, 8))
        nxt, skip = _pair(conv_block(inp, 16, dropout_prob=0.3, max_pooling=False), "conv_block")
        model = tf.keras.Model(inp, [nxt, skip])
    classes = [type(layer).__name__ for layer in model.layers]
    _check("MaxPooling2D" not in classes and "MaxPool2D" not in classes,
           "with max_pooling=False the block must not pool: next_layer is the conv (or dropout) output itself")
    _check(nxt is skip, "with max_pooling=False, next_layer and skip_connection should be the same tensor "
                        "(next_layer = conv)")
    _check(tuple(nxt.shape) == (None, 12, 16, 16),
           f"with max_pooling=False the output keeps its height and width: expected (None, 12, 16, 16), got "
           f"{tuple(nxt.shape)}")
    _passed()


# ----------------------------------------------------------------------------- exercise 2
def upsampling_block_test(upsampling_block):
    """The table of rows 17-20 of the U-Net, the concatenation order and axis, the transposed conv."""
    tf = quiet_tensorflow()
    with quiet():
        e, c = tf.keras.Input((12, 16, 256)), tf.keras.Input((24, 32, 128))
        try:
            out = upsampling_block(e, c, n_filters=128)
        except ValueError as err:
            raise AssertionError(f"upsampling_block failed: {str(err).splitlines()[0][:200]}. The transposed conv "
                                 "must double the height and width (strides=2, padding='same') to match the skip "
                                 "connection, and the concatenation joins the channels (axis=3)") from None
        _check(out is not None, "upsampling_block returned None: return the output of the second conv")
        model = tf.keras.Model([e, c], out)
    _check(tuple(out.shape) == (None, 24, 32, 128),
           f"upsampling_block(Input((12, 16, 256)), Input((24, 32, 128)), n_filters=128) should return shape "
           f"(None, 24, 32, 128), got {tuple(out.shape)}")
    rows = layer_details(model)
    classes = [r[0] for r in rows]
    _check("Concatenate" in classes, "merge the two paths with concatenate([up, contractive_input], axis=3)")
    cat = rows[classes.index("Concatenate")][-1]
    first = classes[cat["inputs"][0]] if cat["inputs"] else None
    _check(first == "Conv2DTranspose",
           f"the concatenation's first input comes from {first}; put the upsampled tensor first: "
           "concatenate([up, contractive_input], axis=3)")
    _check(cat.get("axis") == 3, f"concatenate on the channel axis (axis=3 or -1), not axis={cat.get('axis')}")
    if "Conv2DTranspose" in classes:
        t = rows[classes.index("Conv2DTranspose")][-1]
        _check(t["kernel_size"] == (3, 3) and t["strides"] == (2, 2) and t["padding"] == "same",
               f"the transposed conv should be Conv2DTranspose(n_filters, 3, strides=2, padding='same'); got kernel "
               f"{t['kernel_size']}, strides {t['strides']}, padding {t['padding']!r}")
    _rows_match(summary(model), UP_TABLE, "upsampling_block", {
        **_HINTS, "length": "the block adds a Conv2DTranspose, a Concatenate and two Conv2D layers"})
    _passed()


# ----------------------------------------------------------------------------- exercise 3
def _build_unet(unet_model, *args, **kwargs):
    with quiet():
        try:
            return unet_model(*args, **kwargs)
        except ValueError as err:
            raise AssertionError(
                f"unet_model failed: {str(err).splitlines()[0][:200]}. Check which tensors each block gets: a "
                "conv_block takes the previous block's next_layer (output 0), an upsampling_block the previous "
                "decoder output and the skip connection (output 1) of the encoder level with the same size; block 5 "
                "does not pool (max_pooling=False)") from None


@depends_on(conv_block=conv_block_test, upsampling_block=upsampling_block_test)
def unet_model_test(unet_model):
    """The 35-row table of the defaults, and another input size, filter count and class count."""
    tf = quiet_tensorflow()
    model = _build_unet(unet_model, (96, 128, 3), n_filters=32, n_classes=23)
    _check(isinstance(model, tf.keras.Model), f"unet_model should return a tf.keras.Model, got {type(model).__name__}")
    _rows_match(summary(model), UNET_TABLE, "unet_model() with the defaults", _UNET_HINTS)
    _check(model.count_params() == 8_640_471, f"the U-Net should have 8,640,471 parameters, got "
                                             f"{model.count_params():,}")
    rows = layer_details(model)
    classes = [r[0] for r in rows]
    for level, k in enumerate(i for i, name in enumerate(classes) if name == "Concatenate"):
        first, second = rows[k][-1]["inputs"]
        _check(classes[first] == "Conv2DTranspose",
               f"upsampling block {6 + level}: its concatenation should take the upsampled tensor first")
        _check(rows[second][1][1:3] == rows[k][1][1:3] and classes[second] == ("Dropout" if level == 0 else "Conv2D"),
               f"upsampling block {6 + level} gets the wrong skip connection: pass the second output of the encoder "
               "block with the same height and width (cblock4[1], cblock3[1], cblock2[1], cblock1[1])")
    other = _build_unet(unet_model, (64, 96, 1), 8, 5)
    _check(tuple(other.inputs[0].shape) == (None, 64, 96, 1) and tuple(other.outputs[0].shape) == (None, 64, 96, 5),
           f"unet_model((64, 96, 1), 8, 5) should map (None, 64, 96, 1) to (None, 64, 96, 5), got "
           f"{tuple(other.inputs[0].shape)} -> {tuple(other.outputs[0].shape)}: build the input from input_size and "
           "give conv10 n_classes filters")
    _rows_match(summary(other), _unet_table((64, 96, 1), 8, 5), "unet_model((64, 96, 1), 8, 5)", _UNET_HINTS)
    _passed()
