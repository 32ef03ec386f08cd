"""Checking tools shared by public tests, hidden tests and students.

- ``grad_check``: the one numerical gradient check used by every backward test.
- ``relative_error``: a scale-aware distance between two arrays.
- ``as_numpy``: a tensor, array, list or number as a NumPy array (no TensorFlow import).
- ``quiet``: a context manager that keeps warnings off stderr while a test runs
  (under nbgrader, anything on stderr zeroes a test cell).
- ``summary``, ``layer_details``: a Keras model's structure as plain lists, one row per
  entry of ``model.layers`` (never compiles the model; TensorFlow is not imported here).
- ``comparator``, ``first_difference``: compare two such lists, lengths first, and name
  the first differing layer and what differs.
"""
from __future__ import annotations

import contextlib
import math
import warnings
from typing import Callable, Sequence

import numpy as np


def as_numpy(x) -> np.ndarray:
    """``x`` as a NumPy array: tensors through ``.numpy()``, anything else through ``np.asarray``."""
    return np.asarray(x.numpy() if hasattr(x, "numpy") else x)


def relative_error(a, b, floor: float = 1e-8) -> float:
    """max |a - b| / max(|a|, |b|, floor), element-wise maximum over the arrays."""
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    if a.size == 0:
        return 0.0
    denom = np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)
    return float(np.max(np.abs(a - b) / denom))


def grad_check(f: Callable[..., np.ndarray], inputs: Sequence[np.ndarray], dout: np.ndarray,
               eps: float = 1e-6, wrt: Sequence[int] | None = None) -> list[np.ndarray]:
    """Numerical gradients of ``L = sum(f(*inputs) * dout)`` by central differences.

    Parameters
    ----------
    f : callable
        ``f(*inputs)`` returns an array shaped like ``dout`` (extra return values are
        allowed when ``f`` returns a tuple: only the first element is used, so a forward
        function that returns ``(out, cache)`` can be passed as it is).
    inputs : sequence of float64 arrays
        The point at which to differentiate.  They are not modified.
    dout : array
        Upstream gradient: the random projection that turns the output into a scalar.
    eps : float
        Step of the central difference.
    wrt : sequence of int, optional
        Which inputs to differentiate (default: all).

    Returns
    -------
    list of arrays
        ``dL/d inputs[k]`` for each ``k`` in ``wrt``, each shaped like ``inputs[k]``.
        Compare them with an analytic backward pass using ``relative_error``.
    """
    inputs = [np.array(x, dtype=np.float64, copy=True) for x in inputs]
    dout = np.asarray(dout, dtype=np.float64)
    wrt = range(len(inputs)) if wrt is None else wrt

    def loss() -> float:
        out = f(*inputs)
        if isinstance(out, tuple):
            out = out[0]
        return float(np.sum(np.asarray(out, dtype=np.float64) * dout))

    grads = []
    for k in wrt:
        x = inputs[k]
        grad = np.zeros_like(x)
        it = np.nditer(x, flags=["multi_index"])
        for _ in it:
            idx = it.multi_index
            old = x[idx]
            x[idx] = old + eps
            plus = loss()
            x[idx] = old - eps
            minus = loss()
            x[idx] = old
            grad[idx] = (plus - minus) / (2 * eps)
        grads.append(grad)
    return grads


@contextlib.contextmanager
def quiet():
    """Silence Python warnings and NumPy floating-point warnings inside the block."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            yield


# =============================================================================== Keras models
# ``summary``, ``layer_details`` and ``comparator`` describe a Keras model as plain Python
# lists, so that a structure can be written out as a table and compared row by row.  They
# only read attributes of the model: TensorFlow is never imported here (NumPy-only
# notebooks import this module too), and the model is neither compiled nor called.

SUMMARY_EXTRAS = {
    "Conv2D": ("padding", "activation", "kernel_initializer"),
    "MaxPooling2D": ("pool_size", "strides", "padding"),
    "Dropout": ("rate",),
    "ZeroPadding2D": ("padding",),
    "Dense": ("activation",),
}
"""Extra summary fields per layer class, in row order, after name, output shape and parameters."""

LAYER_ALIASES = {"MaxPool2D": "MaxPooling2D", "AvgPool2D": "AveragePooling2D",
                 "GlobalAvgPool2D": "GlobalAveragePooling2D", "GlobalMaxPool2D": "GlobalMaxPooling2D",
                 "Convolution2D": "Conv2D"}
"""Other spellings of a class name; in Keras 3 ``MaxPool2D is MaxPooling2D`` (the summary shows the latter)."""

_ROW_FIELDS = ("class", "output shape", "parameters")
_MERGES_IN_ANY_ORDER = {"Add", "Multiply", "Average", "Maximum", "Minimum"}


class Unordered(tuple):
    """The inputs of a layer whose result does not depend on their order (``Add``).

    Stored sorted, so that two of them are equal when they hold the same sources; shown
    as a set, ``{3, 7}``.
    """

    def __new__(cls, items=()):
        return super().__new__(cls, sorted(items, key=lambda v: (type(v).__name__, v)))

    def __repr__(self) -> str:
        return "{" + ", ".join(repr(v) for v in self) + "}"


def _name_of(obj) -> str:
    """``__name__`` of an activation function (``linear``, ``relu``…), else its class name."""
    return getattr(obj, "__name__", type(obj).__name__)


def _output_shape(layer, node=None):
    """``tuple(layer.output.shape)``; for a layer called more than once, the output of this model's call."""
    if node is not None and len(getattr(layer, "_inbound_nodes", ())) > 1 and node.output_tensors:
        return tuple(node.output_tensors[0].shape)
    try:
        return tuple(layer.output.shape)
    except (AttributeError, ValueError, RuntimeError):
        if node is not None and node.output_tensors:
            return tuple(node.output_tensors[0].shape)
        raise ValueError(f"layer {layer.name!r} ({type(layer).__name__}) has no output yet: the model was never "
                         "built. Give it an input, e.g. start with tf.keras.Input(shape=...)") from None


def _summary_extras(layer, cls: str) -> list:
    if cls == "Conv2D":
        return [layer.padding, _name_of(layer.activation), type(layer.kernel_initializer).__name__]
    if cls == "MaxPooling2D":
        return [tuple(layer.pool_size), tuple(layer.strides), layer.padding]
    if cls == "Dropout":
        return [layer.rate]
    if cls == "ZeroPadding2D":
        return [layer.padding]
    if cls == "Dense":
        return [_name_of(layer.activation)]
    return []


def _graph_nodes(model) -> dict:
    """``{id(layer): [its nodes inside this model]}``, in the layer's own call order.

    A layer called in several models (or twice in one) has several inbound nodes; only the
    ones that belong to this model's graph describe its wiring here.  A Sequential model
    keeps its graph in an internal functional model.
    """
    graph = getattr(model, "_functional", None)
    if graph is None:
        graph = model
    keys = getattr(graph, "_nodes", None)
    found = {}
    for layer in model.layers:
        nodes = list(getattr(layer, "_inbound_nodes", []))
        if keys is not None:
            mine = [n for k, n in enumerate(nodes) if f"{id(layer)}_ib-{k}" in keys]
            nodes = mine or nodes[:1]
        found[id(layer)] = nodes
    return found


def _sources(node, index: dict) -> tuple:
    """Where each input of ``node`` comes from, in slot order: a layer index, or ``"input"``.

    ``"input"`` marks the model input of a Sequential model, whose InputLayer is not
    listed in ``model.layers``.
    """
    out = []
    for tensor in node.input_tensors:
        history = getattr(tensor, "_keras_history", None)
        op = history[0] if history is not None else None
        out.append(index.get(id(op), "input" if op is None or type(op).__name__ == "InputLayer" else op.name))
    return tuple(out)


def summary(model) -> list:
    """The structure of a Keras model: one list per entry of ``model.layers``.

    Each row is ``[class name, output shape, count_params(), *extras]``; the output shape
    is ``tuple(layer.output.shape)``, wrapped in a list for an ``InputLayer``.  Extras by
    class (``SUMMARY_EXTRAS``): Conv2D padding, activation name and kernel-initializer
    class; MaxPooling2D pool size, strides and padding; Dropout rate; ZeroPadding2D
    padding; Dense activation name.  The model is not compiled.

    >>> summary(model)[1]                                   # doctest: +SKIP
    ['Conv2D', (None, 64, 64, 32), 4736, 'valid', 'linear', 'GlorotUniform']
    """
    nodes = _graph_nodes(model)
    rows = []
    for layer in model.layers:
        cls = type(layer).__name__
        mine = nodes.get(id(layer)) or [None]
        shape = _output_shape(layer, mine[0])
        rows.append([cls, [shape] if cls == "InputLayer" else shape, layer.count_params(),
                     *_summary_extras(layer, cls)])
    return rows


def _axis(axis, rank: int):
    if isinstance(axis, (list, tuple)):
        return tuple(a % rank for a in axis) if rank else tuple(axis)
    return axis % rank if rank and isinstance(axis, int) else axis


def _details(layer, cls: str, rank: int) -> dict:
    d = {}
    if hasattr(layer, "kernel_size"):  # convolutions of every kind
        d["kernel_size"] = tuple(layer.kernel_size)
        d["strides"] = tuple(layer.strides)
        if hasattr(layer, "dilation_rate"):
            d["dilation_rate"] = tuple(layer.dilation_rate)
        if cls != "Conv2D":  # Conv2D's padding, activation and initializer are in the summary
            d["padding"] = layer.padding
            d["activation"] = _name_of(layer.activation)
            for attr in ("kernel_initializer", "depthwise_initializer"):
                if hasattr(layer, attr):
                    d[attr] = type(getattr(layer, attr)).__name__
        d["use_bias"] = bool(layer.use_bias)
    elif hasattr(layer, "units") and hasattr(layer, "kernel_initializer"):  # Dense
        d["kernel_initializer"] = type(layer.kernel_initializer).__name__
        d["use_bias"] = bool(layer.use_bias)
    if hasattr(layer, "pool_size") and cls != "MaxPooling2D":  # AveragePooling2D…
        d["pool_size"] = tuple(layer.pool_size)
        d["strides"] = tuple(layer.strides)
        d["padding"] = layer.padding
    if cls == "BatchNormalization":
        d["axis"] = _axis(layer.axis, rank)
        d["momentum"] = float(layer.momentum)
        d["epsilon"] = float(layer.epsilon)
    elif cls == "Concatenate":
        d["axis"] = _axis(layer.axis, rank)
    elif cls == "ReLU":
        max_value = layer.max_value
        d["negative_slope"] = float(layer.negative_slope)
        d["max_value"] = None if max_value is None else float(max_value)
        d["threshold"] = float(layer.threshold)
    elif cls == "Activation":
        d["activation"] = _name_of(layer.activation)
    if cls != "InputLayer":
        d["trainable"] = bool(layer.trainable)
    return d


def layer_details(model) -> list:
    """``summary(model)`` with one more entry per row: a dict of details.

    The dict holds, where they apply: ``kernel_size``, ``strides``, ``dilation_rate`` and
    ``use_bias`` of convolutions (plus padding, activation and initializer of the ones that
    are not plain Conv2D); Dense ``kernel_initializer`` and ``use_bias``; pool size, strides
    and padding of other pooling layers; BatchNormalization ``axis`` (as a non-negative
    index), ``momentum`` and ``epsilon``; the ReLU config (``negative_slope``,
    ``max_value``, ``threshold``); an Activation layer's ``activation``; Concatenate
    ``axis``; ``trainable``; and ``inputs``: which entries of ``model.layers`` feed the
    layer, in slot order (``"input"`` for the input of a Sequential model).  The inputs of
    ``Add`` (and other order-free merges) are an ``Unordered`` tuple.  A layer used twice
    in the model gets one tuple of sources per call.
    """
    rows = summary(model)
    nodes = _graph_nodes(model)
    index = {id(layer): i for i, layer in enumerate(model.layers)}
    for row, layer in zip(rows, model.layers):
        cls = row[0]
        shape = row[1][0] if cls == "InputLayer" else row[1]
        details = _details(layer, cls, len(shape) if isinstance(shape, tuple) else 0)
        wiring = []
        for node in nodes.get(id(layer), []):
            sources = _sources(node, index)
            wiring.append(Unordered(sources) if cls in _MERGES_IN_ANY_ORDER else sources)
        details["inputs"] = wiring[0] if len(wiring) == 1 else tuple(wiring)
        row.append(details)
    return rows


# ----------------------------------------------------------------------------- comparing
class StructureDifference:
    """The first place where two structures (``summary`` or ``layer_details`` lists) differ.

    ``index`` is the row (layer) index, ``layer`` the expected class name there (or
    ``None``), and ``fields`` a list of ``(field, got, expected)`` tuples, causes first
    (class, then settings and details, then output shape and parameter count).  ``field``
    is ``"length"`` when the lists have different lengths.
    """

    def __init__(self, index, layer, fields, text):
        self.index, self.layer, self.fields, self.text = index, layer, fields, text

    def __repr__(self) -> str:
        return f"StructureDifference({self.text!r})"

    def hint(self, hints) -> str:
        """The first entry of ``hints`` that matches a differing field.

        Keys are ``(class name, field)`` or a bare ``field``; fields are ``"class"``,
        ``"length"``, ``"output shape"``, ``"parameters"``, an extra's name from
        ``SUMMARY_EXTRAS`` or a key of the details dict.
        """
        if not hints:
            return ""
        for field, _, _ in self.fields:
            for key in ((self.layer, field), field):
                if key in hints:
                    return hints[key]
        return ""

    def message(self, hints=None) -> str:
        hint = self.hint(hints)
        return self.text + (f". {hint[:1].upper()}{hint[1:]}" if hint else "")


def _canonical(name):
    return LAYER_ALIASES.get(name, name) if isinstance(name, str) else name


def _same(a, b) -> bool:
    """Equality for structure entries: floats with a tolerance, containers element by element."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12) if isinstance(a, float) or isinstance(b, float) \
            else a == b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return isinstance(a, list) == isinstance(b, list) and len(a) == len(b) and all(map(_same, a, b))
    return a == b


def _show(value, field: str = "") -> str:
    if field == "parameters" and isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:g}"
    return repr(value)


class _Missing:
    def __repr__(self) -> str:
        return "<not set>"


_MISSING = _Missing()


def _row_fields(row) -> list:
    """``[(field, value)]`` of a row, settings and details before output shape and parameters."""
    cls = _canonical(row[0]) if row else None
    named = list(zip(_ROW_FIELDS, row))
    extras = row[3:]
    details = extras[-1] if extras and isinstance(extras[-1], dict) else None
    if details is not None:
        extras = extras[:-1]
    labels = SUMMARY_EXTRAS.get(cls, ())
    fields = [(labels[k] if k < len(labels) else f"extra {k + 1}", v) for k, v in enumerate(extras)]
    if details is not None:
        fields += list(details.items())
    return named[:1] + fields + named[1:]


def _row_difference(k: int, got, exp):
    got_name, exp_name = _canonical(got[0]), _canonical(exp[0])
    if got_name != exp_name:
        return StructureDifference(k, exp_name, [("class", got[0], exp[0])],
                                   f"layer {k} is {got[0]}, expected {exp[0]}")
    got_fields, exp_fields = dict(_row_fields(got)[1:]), _row_fields(exp)[1:]  # names compared above
    diffs = []
    for field, value in exp_fields:
        mine = got_fields.get(field, _MISSING)
        if not _same(mine, value):
            diffs.append((field, mine, value))
    for field, mine in got_fields.items():
        if field not in dict(exp_fields):
            diffs.append((field, mine, _MISSING))
    if not diffs:
        return None
    parts = []
    for field, mine, value in diffs:
        if field == "parameters":
            parts.append(f"{_show(mine, field)} parameters, expected {_show(value, field)}")
        else:
            parts.append(f"{field} {_show(mine, field)}, expected {_show(value, field)}")
    return StructureDifference(k, exp_name, diffs, f"layer {k} ({exp_name}) has " + "; ".join(parts))


def first_difference(learner, expected):
    """The first difference between two structure lists, or ``None`` when they match.

    Lengths are checked first: a model with an extra layer at the end never passes.
    """
    learner, expected = list(learner), list(expected)
    if len(learner) != len(expected):
        names = [_canonical(r[0]) for r in learner], [_canonical(r[0]) for r in expected]
        k = next((i for i, (a, b) in enumerate(zip(*names)) if a != b), min(len(learner), len(expected)))
        text = f"the model has {len(learner)} layers, expected {len(expected)}: "
        if k < min(len(learner), len(expected)):
            guess = "missing" if len(learner) < len(expected) else "extra"
            text += f"layer {k} is {learner[k][0]}, expected {expected[k][0]} (a {guess} layer?)"
            return StructureDifference(k, names[1][k], [("class", learner[k][0], expected[k][0]),
                                                        ("length", len(learner), len(expected))], text)
        if len(learner) > len(expected):
            text += "extra layer(s) at the end: " + ", ".join(r[0] for r in learner[k:])
        else:
            text += "missing at the end: " + ", ".join(r[0] for r in expected[k:])
        before = next(filter(None, (_row_difference(i, a, b) for i, (a, b) in enumerate(zip(learner, expected)))),
                      None)
        if before is not None:
            text += f" (and {before.text})"
        return StructureDifference(k, None, [("length", len(learner), len(expected))], text)
    for k, (got, exp) in enumerate(zip(learner, expected)):
        diff = _row_difference(k, got, exp)
        if diff is not None:
            return diff
    return None


def comparator(learner, expected, hints=None) -> None:
    """Compare two structure lists (``summary`` or ``layer_details``) and raise on a difference.

    The lengths are compared first, then the rows in order; the ``AssertionError`` names
    the first differing layer (its index and class) and every field of it that differs,
    for example ``layer 1 (Conv2D) has padding 'same', expected 'valid'``.  ``MaxPool2D``
    and ``MaxPooling2D`` (the same class in Keras 3) count as equal names.  ``hints``
    maps ``(class name, field)`` or ``field`` to an explanation that is appended to the
    message (see ``StructureDifference.hint``).
    """
    diff = first_difference(learner, expected)
    if diff is not None:
        raise AssertionError(diff.message(hints))


# ----------------------------------------------------------------------------- residual networks
def _remap_inputs(value, new_index: dict):
    """Replace layer indices in a ``details["inputs"]`` entry (tuple, ``Unordered`` or tuple of tuples)."""
    if isinstance(value, Unordered):
        return Unordered(new_index.get(v, v) for v in value)
    if isinstance(value, tuple):
        return tuple(_remap_inputs(v, new_index) if isinstance(v, tuple) else new_index.get(v, v) for v in value)
    return value


def _sole_input(row):
    inputs = row[-1].get("inputs") if row and isinstance(row[-1], dict) else None
    return inputs[0] if isinstance(inputs, tuple) and len(inputs) == 1 and not isinstance(inputs[0], tuple) \
        else None


def canonical_residual_order(rows) -> list:
    """``layer_details`` rows with each projection block's parallel layers in one fixed order.

    Keras lists the layers of a model by a depth-first walk from the output that takes a
    merge's inputs in slot order, so ``Add()([main, shortcut])`` and ``Add()([shortcut,
    main])`` list the two parallel Conv2D rows (and the two BatchNormalization rows after
    them) in opposite orders, although the networks are the same.  This puts the main-path
    layer first in every such pair: of two consecutive Conv2D rows ``k, k + 1``, the one
    fed by row ``k - 1`` (the main path's activation) goes first; of two consecutive
    BatchNormalization rows, the one fed by the first Conv2D goes first.  Row indices
    inside ``inputs`` are renumbered to match.  Other rows are left as they are.
    """
    rows = [list(r) for r in rows]
    if not rows or not isinstance(rows[0][-1], dict):
        raise ValueError("canonical_residual_order needs layer_details rows (with their inputs)")

    def swap(k):
        new_index = {k: k + 1, k + 1: k}
        rows[k], rows[k + 1] = rows[k + 1], rows[k]
        for r in rows:
            r[-1] = {**r[-1], "inputs": _remap_inputs(r[-1].get("inputs"), new_index)}

    for k in range(1, len(rows) - 1):
        a, b = _canonical(rows[k][0]), _canonical(rows[k + 1][0])
        if a == b == "Conv2D" and _sole_input(rows[k + 1]) == k - 1 and _sole_input(rows[k]) != k - 1:
            swap(k)
        elif a == b == "BatchNormalization" and k >= 2 and _sole_input(rows[k]) == k - 1 \
                and _sole_input(rows[k + 1]) == k - 2:
            swap(k)
    return rows


# ===================================================================================== test initializer
def shaped_values(shape) -> np.ndarray:
    """Deterministic kernel values that depend only on ``shape`` and vary along every axis.

    A sine of the flat index (so moving one step along any axis changes the value) with a
    phase that depends on the shape, scaled by ``1 / sqrt(fan_in)`` so activations keep a
    moderate size through a block.  Used by tests to give two models the same weights without
    copying them.
    """
    import math

    shape = tuple(int(d) for d in shape)
    n = math.prod(shape)
    i = np.arange(n, dtype=np.float64)
    values = np.sin(1.7 * i + 0.37 * len(shape) + 0.011 * n) + 0.35 * np.cos(0.61 * i)
    fan_in = math.prod(shape[:-1]) if len(shape) > 1 else 1
    return (values / math.sqrt(max(fan_in, 1))).reshape(shape)


_SHAPED = []


def shaped_initializer_class():
    """``ShapedInitializer``: a Keras initializer giving ``shaped_values(shape)`` (``seed`` accepted, ignored).

    Registered with Keras as ``cnnkit>ShapedInitializer``, so models that use it can be saved and
    rebuilt from their config.
    """
    if not _SHAPED:
        from cnnkit.setup import quiet_tensorflow

        tf = quiet_tensorflow()
        import keras

        @keras.saving.register_keras_serializable(package="cnnkit")
        class ShapedInitializer(tf.keras.initializers.Initializer):
            def __init__(self, seed=None):
                self.seed = seed

            def __call__(self, shape, dtype=None, **kwargs):
                return tf.constant(shaped_values(shape), dtype=dtype or "float32")

            def get_config(self):
                return {"seed": self.seed}

        _SHAPED.append(ShapedInitializer)
    return _SHAPED[0]
