"""The plain-data wire between the grader and the sandboxed process that runs student code.

Nothing crosses but data: JSON for structure and raw NumPy buffers (``allow_pickle=False``)
for arrays, so a hostile peer cannot run code in the grader by what it sends, and an object
cannot lie about itself (an always-equal ``__eq__``, a patched ``np.allclose``): the grader
compares values it rebuilt itself.

A message is ``[4-byte length][JSON header][for each buffer: 8-byte length, bytes]``.
Values are encoded as JSON trees with tags:

==================  ==================================================================
Python value        encoding (decoded into)
==================  ==================================================================
None, bool, str     themselves
int, float          themselves; non-finite floats as ``{"$float": "nan"}`` ...
list / tuple        ``{"$list": [...]}`` / ``{"$tuple": [...]}``
dict                ``{"$dict": [[key, value], ...]}``
numpy array/scalar  ``{"$nd": buffer}`` / ``{"$npscalar": buffer}`` (arrays of numbers and bools only)
tf.Tensor           ``{"$tensor": buffer}`` -> an eager ``tf.constant``
tf.Variable         ``{"$variable": buffer}`` -> a ``tf.Variable``
Keras model         ``{"$keras_model": config, "weights": [buffers]}`` -> rebuilt in safe mode
other Keras object  ``{"$keras": serialized}`` (losses, optimizers, metrics, layers, initializers)
KerasTensor         ``{"$symbolic": shape, "dtype": ...}`` (grader -> worker only)
anything else       ``{"$handle": id, "name": ..., "type": ...}``: a reference the peer can call
==================  ==================================================================

This module is imported inside the sandbox too (by ``grading/worker.py``), so it needs only
the standard library and NumPy; TensorFlow and Keras are imported when a value needs them.
"""
from __future__ import annotations

import io
import json
import math
import struct
import sys
from typing import Any, BinaryIO, Callable

import numpy as np

MAX_MESSAGE = 2 << 30
MAX_DEPTH = 40


class WireError(RuntimeError):
    """A malformed or oversized message."""


# ------------------------------------------------------------------------------ framing
def send(stream: BinaryIO, header: dict, buffers: list[bytes]) -> None:
    text = json.dumps(header, allow_nan=False).encode()
    parts = [struct.pack("<I", len(text)), text, struct.pack("<I", len(buffers))]
    for b in buffers:
        parts += [struct.pack("<Q", len(b)), b]
    stream.write(b"".join(parts))
    stream.flush()


def _read_exact(stream: BinaryIO, n: int) -> bytes:
    if n > MAX_MESSAGE:
        raise WireError(f"message part of {n} bytes is too big")
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            raise EOFError("the peer closed the connection")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def receive(stream: BinaryIO) -> tuple[dict, list[bytes]]:
    (n,) = struct.unpack("<I", _read_exact(stream, 4))
    header = json.loads(_read_exact(stream, n))
    if not isinstance(header, dict):
        raise WireError("a message header must be a JSON object")
    (k,) = struct.unpack("<I", _read_exact(stream, 4))
    if k > 100_000:
        raise WireError("too many buffers")
    buffers = [_read_exact(stream, struct.unpack("<Q", _read_exact(stream, 8))[0]) for _ in range(k)]
    return header, buffers


# ------------------------------------------------------------------------------ arrays
def _array_bytes(a: np.ndarray) -> bytes:
    buf = io.BytesIO()
    a = np.asarray(a)
    # np.ascontiguousarray returns at least 1-d: keep the shape, so 0-d arrays and scalars stay 0-d
    np.lib.format.write_array(buf, np.ascontiguousarray(a).reshape(a.shape), allow_pickle=False)
    return buf.getvalue()


def _bytes_array(b: bytes) -> np.ndarray:
    a = np.lib.format.read_array(io.BytesIO(b), allow_pickle=False)
    if a.dtype.kind not in "biufc":
        raise WireError(f"arrays of dtype {a.dtype} do not cross the wire")
    return a


def _tf():
    return sys.modules.get("tensorflow")


def _is_keras_model(v) -> bool:
    keras = sys.modules.get("keras")
    return keras is not None and isinstance(v, keras.Model)


def _is_keras_object(v) -> bool:
    keras = sys.modules.get("keras")
    if keras is None:
        return False
    kinds = (keras.layers.Layer, keras.losses.Loss, keras.optimizers.Optimizer, keras.metrics.Metric,
             keras.initializers.Initializer)
    return isinstance(v, kinds)


def _is_symbolic(v) -> bool:
    keras = sys.modules.get("keras")
    return keras is not None and isinstance(v, keras.KerasTensor)


# ------------------------------------------------------------------------------ encoding
class Encoder:
    """Turns a value into ``(tree, buffers)``; unknown objects become handles via ``register``."""

    def __init__(self, register: Callable[[Any], dict]):
        self.register = register

    def encode(self, value) -> tuple[Any, list[bytes]]:
        buffers: list[bytes] = []
        return self._enc(value, buffers, 0), buffers

    def _enc(self, v, bufs, depth):
        if depth > MAX_DEPTH:
            raise WireError("value nested too deeply")
        if v is None or isinstance(v, (bool, str)):
            return v
        if isinstance(v, int) and not isinstance(v, bool):
            return v if abs(v) < 2 ** 62 else {"$bigint": str(v)}
        if isinstance(v, float):
            return v if math.isfinite(v) else {"$float": repr(v)}
        if isinstance(v, np.ndarray) and v.dtype.kind in "biufc":
            bufs.append(_array_bytes(v))
            return {"$nd": len(bufs) - 1}
        if isinstance(v, np.generic) and np.asarray(v).dtype.kind in "biufc":
            bufs.append(_array_bytes(np.asarray(v)))
            return {"$npscalar": len(bufs) - 1}
        if isinstance(v, (list, tuple)):
            return {"$list" if isinstance(v, list) else "$tuple": [self._enc(x, bufs, depth + 1) for x in v]}
        if isinstance(v, dict):
            return {"$dict": [[self._enc(k, bufs, depth + 1), self._enc(x, bufs, depth + 1)] for k, x in v.items()]}
        tf = _tf()
        if _is_symbolic(v):
            return {"$symbolic": [d for d in v.shape], "dtype": str(v.dtype)}
        if tf is not None and isinstance(v, tf.Variable):
            bufs.append(_array_bytes(v.numpy()))
            return {"$variable": len(bufs) - 1}
        if tf is not None and isinstance(v, tf.Tensor) and hasattr(v, "numpy"):
            try:
                bufs.append(_array_bytes(v.numpy()))
                return {"$tensor": len(bufs) - 1}
            except Exception:  # noqa: BLE001 - a graph tensor: a handle instead
                pass
        if _is_keras_model(v):
            try:
                config = v.to_json()
                start = len(bufs)
                bufs.extend(_array_bytes(np.asarray(w)) for w in v.get_weights())
                return {"$keras_model": config, "weights": list(range(start, len(bufs)))}
            except Exception:  # noqa: BLE001 - a model Keras cannot serialise: a handle
                pass
        if _is_keras_object(v):
            try:
                import keras

                return {"$keras": json.loads(json.dumps(keras.saving.serialize_keras_object(v)))}
            except Exception:  # noqa: BLE001
                pass
        return self.register(v)


class Decoder:
    """Turns ``(tree, buffers)`` back into a value; handles become what ``resolve`` makes of them."""

    def __init__(self, resolve: Callable[[dict], Any], symbolic: Callable[[dict], Any] | None = None,
                 variable: Callable[[Any], Any] | None = None):
        self.resolve = resolve
        self.symbolic = symbolic
        self.variable = variable      # told of every tf.Variable decoded (so it can be copied back)

    def decode(self, tree, buffers):
        return self._dec(tree, buffers, 0)

    def _dec(self, t, bufs, depth):
        if depth > MAX_DEPTH:
            raise WireError("value nested too deeply")
        if t is None or isinstance(t, (bool, str, int, float)):
            return t
        if isinstance(t, list):
            raise WireError("untagged list")
        if not isinstance(t, dict) or len(t) == 0:
            raise WireError(f"bad value {type(t).__name__}")
        tag = next(iter(t))
        if tag == "$bigint":
            return int(t[tag])
        if tag == "$float":
            return float(t[tag])
        if tag == "$nd":
            return _bytes_array(bufs[t[tag]])
        if tag == "$npscalar":
            return _bytes_array(bufs[t[tag]])[()]
        if tag in ("$list", "$tuple"):
            items = [self._dec(x, bufs, depth + 1) for x in t[tag]]
            return items if tag == "$list" else tuple(items)
        if tag == "$dict":
            return {_hashable(self._dec(k, bufs, depth + 1)): self._dec(x, bufs, depth + 1) for k, x in t[tag]}
        if tag == "$tensor":
            import tensorflow as tf

            return tf.constant(_bytes_array(bufs[t[tag]]))
        if tag == "$variable":
            import tensorflow as tf

            var = tf.Variable(_bytes_array(bufs[t[tag]]))
            if self.variable is not None:
                self.variable(var)
            return var
        if tag == "$keras_model":
            return rebuild_model(t[tag], [_bytes_array(bufs[i]) for i in t["weights"]])
        if tag == "$keras":
            return _keras_with_course_classes().saving.deserialize_keras_object(t[tag], safe_mode=True)
        if tag == "$symbolic":
            if self.symbolic is None:
                raise WireError("this end does not take symbolic tensors")
            return self.symbolic(t)
        if tag == "$handle":
            return self.resolve(t)
        raise WireError(f"unknown tag {tag!r}")


def _hashable(k):
    if isinstance(k, (list, dict, np.ndarray)):
        raise WireError("dict keys must be plain values")
    return k


def _keras_with_course_classes():
    """Keras, with the classes the course registers (cnnkit's test initializer, YOLO's SpaceToDepth)."""
    from cnnkit.setup import quiet_tensorflow

    quiet_tensorflow()
    import keras

    from cnnkit import testing

    testing.shaped_initializer_class()
    return keras


def _fresh_names(config_json: str, keras) -> str:
    """The config with every layer given a new unique name (rewritten wherever a string value names
    it; dict keys are left alone), so that its layers can join a graph that uses the same names."""
    config = json.loads(config_json)
    inner = config.get("config", {})
    names = {layer.get("name") for layer in inner.get("layers", []) if layer.get("name")} | {inner.get("name")}
    mapping = {n: f"{n}__g{keras.backend.get_uid('cnnkit_replay')}" for n in sorted(filter(None, names))}

    def walk(v):
        if isinstance(v, str):
            return mapping.get(v, v)
        if isinstance(v, list):
            return [walk(x) for x in v]
        if isinstance(v, dict):
            return {k: walk(x) for k, x in v.items()}
        return v

    return json.dumps(walk(config))


def rebuild_model(config_json: str, weights: list[np.ndarray], fresh_names: bool = False):
    """A Keras model from its JSON config, in safe mode (no Lambda bytecode, registered classes only)."""
    keras = _keras_with_course_classes()
    if fresh_names:
        config_json = _fresh_names(config_json, keras)

    model = keras.saving.deserialize_keras_object(json.loads(config_json), safe_mode=True)
    model.set_weights(weights)
    return model
