"""Checking tools shared by public tests, hidden tests and students.

- ``grad_check``: the one numerical gradient check used by every backward test.
- ``relative_error``: a scale-aware distance between two arrays.
- ``quiet``: a context manager that keeps warnings off stderr while a test runs
  (under nbgrader, anything on stderr zeroes a test cell).
"""
from __future__ import annotations

import contextlib
import warnings
from typing import Callable, Sequence

import numpy as np


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
