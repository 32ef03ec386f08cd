"""Calls across the wire (``grading.wire``): the grader uses the worker's functions as if local.

Both ends run a ``Peer``.  A value that is not plain data stays where it lives and travels as
a *handle*; the other end gets a ``Remote`` proxy for it.  Calling a proxy sends a request and
waits for the answer, serving the peer's own requests meanwhile (so a student's ``conv_forward``
running in the worker can call the grader's reference ``zero_pad``, and so on, to any depth).

The grader's side of a proxy offers what the hidden checks use of a function: calling it (with
arrays, tensors, KerasTensors: a call with symbolic inputs is rebuilt in the grader from the
model config the worker returns), ``__name__``, ``inspect.signature``, attributes
(``python_function``), and ``__globals__`` for ``grading.common.isolated_globals``.
Whatever the student's code prints during a call is captured in the worker and printed again in
the grader, so a check can read it.
"""
from __future__ import annotations

import builtins
import contextlib
import inspect
import io
import sys
import traceback
from typing import Any, BinaryIO

from grading import wire

MISSING = {"$missing": True}


class RemoteError(Exception):
    """An exception raised on the other side whose type has no built-in equivalent here."""


_ERROR_TYPES: dict[str, type] = {}


def remote_exception(name: str, message: str) -> BaseException:
    """An exception of the built-in type ``name`` if there is one, else a ``RemoteError`` subclass
    of that name (so messages keep the original type's name)."""
    cls = getattr(builtins, name, None)
    if isinstance(cls, type) and issubclass(cls, Exception) and cls.__module__ == "builtins":
        try:
            return cls(message)
        except Exception:  # noqa: BLE001 - an odd constructor
            pass
    if name not in _ERROR_TYPES:
        _ERROR_TYPES[name] = type(name, (RemoteError,), {})
    return _ERROR_TYPES[name](message)


class Peer:
    """One end of the wire: a table of this side's objects that the other side may use."""

    def __init__(self, rfile: BinaryIO, wfile: BinaryIO, role: str, namespace: dict | None = None):
        self.rfile, self.wfile, self.role = rfile, wfile, role
        self.namespace = namespace if namespace is not None else {}
        self.objects: dict[int, Any] = {}
        self._ids: dict[int, int] = {}
        self._next = 0
        self._saved_globals: dict[int, dict] = {}
        self.encoder = wire.Encoder(self._register)
        self.decoder = wire.Decoder(self._resolve, self._symbolic,
                                    (lambda var: self._variables_in.append(var)) if role == "worker" else None)
        self._symbolic_inputs: list = []
        self._variables_in: list = []
        self.capture = role == "worker"
        self.closed = False

    # -- handles -------------------------------------------------------------------
    def _register(self, obj) -> dict:
        if isinstance(obj, Remote):
            if obj._peer is not self:
                raise wire.WireError("a proxy of another connection")
            return dict(obj._handle)
        key = id(obj)
        if key not in self._ids:
            self._next += 1
            self._ids[key] = self._next
            self.objects[self._next] = obj
        info = {"$handle": self._ids[key], "owner": self.role, "type": type(obj).__qualname__,
                "name": str(getattr(obj, "__name__", "") or ""), "callable": callable(obj)}
        if callable(obj):
            info["signature"] = _signature_info(obj, self.encoder)
        return info

    def _resolve(self, handle: dict):
        if handle.get("owner") == self.role:
            try:
                return self.objects[int(handle["$handle"])]
            except (KeyError, ValueError, TypeError):
                raise wire.WireError("unknown handle") from None
        return Remote(self, handle)

    def _symbolic(self, tree: dict):
        keras = wire._keras_with_course_classes()

        shape = tuple(None if d is None else int(d) for d in tree["$symbolic"])
        tensor = keras.Input(shape=shape[1:], dtype=tree.get("dtype", "float32"))
        self._symbolic_inputs.append(tensor)
        return tensor

    # -- messages --------------------------------------------------------------------
    def _send(self, header: dict, values: dict) -> None:
        buffers: list[bytes] = []
        for key, value in values.items():
            tree, bufs = self.encoder.encode(value)
            header[key] = _shift(tree, len(buffers))
            buffers.extend(bufs)
        wire.send(self.wfile, header, buffers)

    def request(self, op: str, **values):
        """Send a request and return its answer, serving the peer's requests while waiting."""
        if self.closed:
            raise EOFError("the connection is closed")
        self._next += 1
        rid = self._next
        self._send({"op": op, "id": rid}, values)
        while True:
            header, buffers = wire.receive(self.rfile)
            if header.get("reply") == rid:
                if self.role == "grader" and header.get("stdout"):
                    sys.stdout.write(header["stdout"])
                if "error" in header:
                    err = header["error"]
                    raise remote_exception(str(err.get("type", "Exception")), str(err.get("message", "")))
                if "variables" in header:
                    after = self.decoder.decode(header["variables"], buffers)
                    sent = [v for v in _flat_variables(values.get("args", ()))
                            + _flat_variables(values.get("kwargs", {}))]
                    for var, value in zip(sent, after):
                        var.assign(value)
                return self.decoder.decode(header.get("value"), buffers)
            if "op" in header:
                self._serve(header, buffers)
            else:
                raise wire.WireError("an answer to no question")

    def serve_forever(self) -> None:
        while not self.closed:
            try:
                header, buffers = wire.receive(self.rfile)
            except EOFError:
                return
            self._serve(header, buffers)

    def _serve(self, header: dict, buffers: list[bytes]) -> None:
        rid = header.get("id")
        out = io.StringIO()
        try:
            self._symbolic_inputs = []
            self._variables_in = []
            args = {k: self.decoder.decode(v, buffers) for k, v in header.items() if k not in ("op", "id")}
            variables = list(self._variables_in)
            with _captured(out, self.capture):
                value = self._dispatch(header["op"], args)
            reply, values = {"reply": rid}, {"value": value}
            if variables and header.get("op") == "call":   # tf.Variable arguments are copied back
                values["variables"] = [v.numpy() for v in variables]
        except BaseException as err:  # noqa: BLE001 - any failure of the student's code is reported
            if isinstance(err, (KeyboardInterrupt, GeneratorExit)) and self.role == "grader":
                raise
            name = type(err).__name__
            message = str(err)
            if isinstance(err, SystemExit):
                name, message = "SystemExit", f"sys.exit({err.code!r}) was called"
            reply, values = {"reply": rid, "error": {"type": name, "message": message[:4000],
                                                     "where": _where(err)}}, {}
        reply["stdout"] = out.getvalue()[-20000:]
        try:
            self._send(reply, values)
        except wire.WireError as err:   # the value cannot cross: say so instead
            self._send({"reply": rid, "stdout": reply["stdout"],
                        "error": {"type": "TypeError", "message": f"the result cannot be graded: {err}"}}, {})

    def _dispatch(self, op: str, a: dict):
        if op == "call":
            return a["target"](*a.get("args", ()), **a.get("kwargs", {}))
        if op == "symbolic_call":
            return self._symbolic_call(a["target"], a.get("args", ()), a.get("kwargs", {}))
        if op == "getattr":
            name = a["name"]
            if not isinstance(name, str) or (name.startswith("__") and name not in ("__name__", "__doc__")):
                raise AttributeError(name)
            return getattr(a["target"], name)
        if op == "lookup":
            if a["name"] not in self.namespace:
                raise NameError(f"name {a['name']!r} is not defined")
            return self.namespace[a["name"]]
        if op == "getglobal":
            ns = getattr(a["target"], "__globals__", None)
            return MISSING if ns is None or a["name"] not in ns else ns[a["name"]]
        if op == "setglobal":
            ns = getattr(a["target"], "__globals__", None)
            if ns is not None:
                ns[a["name"]] = a["value"]
            return None
        if op == "delglobal":
            ns = getattr(a["target"], "__globals__", None)
            if ns is not None:
                ns.pop(a["name"], None)
            return None
        if op == "exec":
            return self._exec(a["cells"])
        if op == "shutdown":
            self.closed = True
            return None
        raise wire.WireError(f"unknown operation {op!r}")

    # -- worker-side operations ------------------------------------------------------
    def _symbolic_call(self, func, args, kwargs):
        """Call ``func`` on Keras inputs; return the model from those inputs to what it returned."""
        import keras

        inputs = list(self._symbolic_inputs)
        result = func(*args, **kwargs)
        outputs: list = []

        def walk(v):
            if isinstance(v, keras.KerasTensor):
                for k, seen in enumerate(outputs):
                    if seen is v:
                        return {"$out": k}
                outputs.append(v)
                return {"$out": len(outputs) - 1}
            if isinstance(v, (list, tuple)):
                return type(v)(walk(x) for x in v)
            return v

        structure = walk(result)
        if not outputs:
            return {"structure": structure}
        try:
            model = keras.Model(inputs=inputs, outputs=outputs)
        except Exception as err:
            raise ValueError(f"what your function returned does not come from its input tensor ({err})") from None
        return {"structure": structure, "graph": model.to_json(), "weights": [w for w in model.get_weights()]}

    def _exec(self, cells: list):
        """Run cells ``[(label, source)]`` in the namespace; return ``{label: error text}``."""
        errors = {}
        for label, source in cells:
            try:
                exec(compile(source, f"<{label}>", "exec"), self.namespace)
            except BaseException as err:  # noqa: BLE001 - a broken cell costs its exercise only
                errors[label] = f"{type(err).__name__}: {err}"
        return errors


def _shift(tree, offset: int):
    """Renumber buffer indices of an encoded tree by ``offset`` (several values in one message)."""
    if offset == 0:
        return tree
    if isinstance(tree, dict):
        out = {}
        for k, v in tree.items():
            if k in ("$nd", "$npscalar", "$tensor", "$variable") and isinstance(v, int):
                out[k] = v + offset
            elif k == "weights" and isinstance(v, list):
                out[k] = [i + offset for i in v]
            elif k == "signature":
                out[k] = v   # encoded separately, no buffers
            else:
                out[k] = _shift(v, offset)
        return out
    if isinstance(tree, list):
        return [_shift(v, offset) for v in tree]
    return tree


def _signature_info(obj, encoder) -> list | None:
    """Parameters of a callable as plain data: ``[[name, kind, default-or-MISSING], ...]``."""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    params = []
    for p in sig.parameters.values():
        default = MISSING
        if p.default is not inspect.Parameter.empty:
            d = p.default
            default = d if d is None or isinstance(d, (bool, int, float, str)) else {"$default": repr(d)[:200]}
        params.append([p.name, int(p.kind), default])
    return params


@contextlib.contextmanager
def _captured(out: io.StringIO, active: bool):
    if not active:
        yield
        return
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        yield


def _where(err: BaseException) -> str:
    frames = traceback.extract_tb(err.__traceback__)
    student = [f for f in frames if f.filename.startswith("<") and not f.filename.startswith("<frozen")]
    if not student:
        return ""
    f = student[-1]
    return f"{f.filename} line {f.lineno}: {f.line or ''}".strip()


class _Default:
    """A parameter default that is not plain data, shown by its repr (e.g. an initializer factory)."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return self.text


class Remote:
    """A proxy for an object that lives on the other side."""

    __slots__ = ("_peer", "_handle", "__signature__", "__name__")

    def __init__(self, peer: Peer, handle: dict):
        object.__setattr__(self, "_peer", peer)
        object.__setattr__(self, "_handle", {k: handle[k] for k in ("$handle", "owner")})
        object.__setattr__(self, "__name__", handle.get("name") or handle.get("type", "object"))
        object.__setattr__(self, "__signature__", _rebuild_signature(handle.get("signature")))

    def __call__(self, *args, **kwargs):
        if _has_symbolic((args, kwargs)):
            answer = self._peer.request("symbolic_call", target=self, args=args, kwargs=kwargs)
            return _replay(answer, [t for t in _flat_symbolic((args, kwargs))])
        return self._peer.request("call", target=self, args=args, kwargs=kwargs)

    def __getattr__(self, name: str):
        if name.startswith("__") and name != "__doc__":
            if name == "__globals__":
                return RemoteGlobals(self)
            raise AttributeError(name)
        return self._peer.request("getattr", target=self, name=name)

    def __repr__(self) -> str:
        return f"<remote {self.__name__}>"


class RemoteGlobals:
    """``func.__globals__`` of a remote function, as much as ``isolated_globals`` needs."""

    def __init__(self, func: Remote):
        self.func = func

    def get(self, name, default=None):
        value = self.func._peer.request("getglobal", target=self.func, name=name)
        return default if isinstance(value, dict) and value.get("$missing") else value

    def __contains__(self, name) -> bool:
        value = self.func._peer.request("getglobal", target=self.func, name=name)
        return not (isinstance(value, dict) and value.get("$missing"))

    def __getitem__(self, name):
        value = self.func._peer.request("getglobal", target=self.func, name=name)
        if isinstance(value, dict) and value.get("$missing"):
            raise KeyError(name)
        return value

    def __setitem__(self, name, value) -> None:
        self.func._peer.request("setglobal", target=self.func, name=name, value=value)

    def update(self, values: dict) -> None:
        for name, value in values.items():
            self[name] = value

    def pop(self, name, default=None):
        self.func._peer.request("delglobal", target=self.func, name=name)
        return default


def _rebuild_signature(params) -> inspect.Signature | None:
    if not params:
        return None if params is None else inspect.Signature([])
    try:
        out = []
        for name, kind, default in params:
            if isinstance(default, dict) and default.get("$missing"):
                default = inspect.Parameter.empty
            elif isinstance(default, dict) and "$default" in default:
                default = _Default(default["$default"])
            out.append(inspect.Parameter(str(name), inspect._ParameterKind(int(kind)), default=default))
        return inspect.Signature(out)
    except (TypeError, ValueError):
        return None


def _is_symbolic(v) -> bool:
    keras = sys.modules.get("keras")
    return keras is not None and isinstance(v, keras.KerasTensor)


def _flat_symbolic(v) -> list:
    if _is_symbolic(v):
        return [v]
    if isinstance(v, (list, tuple)):
        return [t for x in v for t in _flat_symbolic(x)]
    if isinstance(v, dict):
        return [t for x in v.values() for t in _flat_symbolic(x)]
    return []


def _flat_variables(v) -> list:
    tf = sys.modules.get("tensorflow")
    if tf is not None and isinstance(v, tf.Variable):
        return [v]
    if isinstance(v, (list, tuple)):
        return [t for x in v for t in _flat_variables(x)]
    if isinstance(v, dict):
        return [t for x in v.values() for t in _flat_variables(x)]
    return []


def _has_symbolic(v) -> bool:
    return bool(_flat_symbolic(v))


def _replay(answer: dict, inputs: list):
    """Rebuild what a symbolic call returned on the grader's own input tensors.

    The worker sent the model from its inputs to the returned tensors; its layers (rebuilt from
    the config, Keras classes only) are called again, node by node, on ``inputs``, so the
    grader's graph holds the same layers and wiring as if the student's function had run here.
    """
    structure = answer["structure"]
    if "graph" not in answer:
        return structure
    model = wire.rebuild_model(answer["graph"], list(answer["weights"]), fresh_names=True)
    outputs = model._run_through_graph(list(inputs), operation_fn=lambda op: op)
    outputs = outputs if isinstance(outputs, (list, tuple)) else [outputs]

    def fill(v):
        if isinstance(v, dict) and set(v) == {"$out"}:
            return outputs[v["$out"]]
        if isinstance(v, (list, tuple)):
            return type(v)(fill(x) for x in v)
        return v

    return fill(structure)
