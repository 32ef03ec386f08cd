"""Independent reference implementations for the hidden tests (instructor only).

Everything is channels-last and float64:

- activations ``A``: ``(m, n_H, n_W, n_C)``
- conv kernels ``W``: ``(f, f, n_C_prev, n_C)``, biases ``b``: ``(1, 1, 1, n_C)``
- conv ``hparameters``: ``{"stride": int, "pad": int}``; pool: ``{"f": int, "stride": int}``
- caches: conv ``(A_prev, W, b, hparameters)`` with the *unpadded* ``A_prev``;
  pool ``(A_prev, hparameters)``

The NumPy functions have the exact signatures of the graded notebook functions of
``w1a1_conv_step_by_step`` but are written differently from the notebook's loops: every
window is taken at once with ``sliding_window_view`` and contracted with ``einsum``;
the backward passes scatter window gradients back with one slice-add per kernel offset
(``_fold``).  The ``tf_*`` functions are a second, fully independent cross-reference
through ``tf.nn.conv2d`` / ``tf.nn.max_pool2d`` / ``tf.nn.avg_pool2d`` and
``tf.GradientTape``; TensorFlow is imported lazily (and silently) on first use.
"""
# No ``from __future__ import annotations`` here: tests/test_bundle.py flags any long line
# of this module that appears in the student bundle, and that line is in cnnkit too.
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from cnnkit.setup import quiet_tensorflow

POOL_MODES = ("max", "average")


# ----------------------------------------------------------------------------- helpers
def output_size(n_prev: int, f: int, stride: int, pad: int = 0) -> int:
    """``floor((n_prev - f + 2*pad) / stride) + 1``: output length along one axis."""
    return (n_prev - f + 2 * pad) // stride + 1


def _windows(A: np.ndarray, f: int, stride: int) -> np.ndarray:
    """All ``f x f`` windows of ``A (m, n_H_in, n_W_in, n_C)`` taken with ``stride``.

    Returns a read-only view ``(m, n_H, n_W, n_C, f, f)`` whose ``[i, h, w, c]`` entry
    is ``A[i, h*stride : h*stride+f, w*stride : w*stride+f, c]``.
    """
    return sliding_window_view(A, (f, f), axis=(1, 2))[:, ::stride, ::stride]


def _fold(window_grads: np.ndarray, shape: tuple, stride: int) -> np.ndarray:
    """Adjoint of ``_windows``: sum window gradients back into an array of ``shape``.

    ``window_grads`` is ``(m, n_H, n_W, n_C, f, f)``; overlapping windows accumulate.
    """
    m, n_H, n_W, n_C, f, _ = window_grads.shape
    out = np.zeros(shape, dtype=np.float64)
    for r in range(f):
        for s in range(f):
            out[:, r:r + stride * n_H:stride, s:s + stride * n_W:stride, :] += window_grads[..., r, s]
    return out


def window_coverage(n_H_prev: int, n_W_prev: int, f: int, stride: int, pad: int = 0) -> np.ndarray:
    """How many ``f x f`` windows (taken with ``stride`` on the padded input) cover each
    input position: an int array ``(n_H_prev, n_W_prev)``; above 1 where windows overlap."""
    n_H, n_W = output_size(n_H_prev, f, stride, pad), output_size(n_W_prev, f, stride, pad)
    counts = _fold(np.ones((1, n_H, n_W, 1, f, f)), (1, n_H_prev + 2 * pad, n_W_prev + 2 * pad, 1), stride)
    return counts[0, pad:pad + n_H_prev, pad:pad + n_W_prev, 0].astype(int)


def _check_mode(mode: str) -> None:
    if mode not in POOL_MODES:
        raise ValueError(f"mode must be one of {POOL_MODES}, got {mode!r}")


# ----------------------------------------------------------------------------- forward
def zero_pad(X, pad):
    """Zero-pad the two spatial axes of ``X (m, n_H, n_W, n_C)`` by ``pad`` on each side.

    Returns a new array ``(m, n_H + 2*pad, n_W + 2*pad, n_C)`` of ``X``'s dtype.
    """
    X = np.asarray(X)
    m, n_H, n_W, n_C = X.shape
    X_pad = np.zeros((m, n_H + 2 * pad, n_W + 2 * pad, n_C), dtype=X.dtype)
    X_pad[:, pad:pad + n_H, pad:pad + n_W, :] = X
    return X_pad


def conv_single_step(a_slice_prev, W, b):
    """``sum(a_slice_prev * W) + b`` for one window; all ``(f, f, n_C_prev)``, ``b (1, 1, 1)``.

    Returns an ``np.float64`` scalar.
    """
    return np.float64(np.einsum("ijk,ijk->", a_slice_prev, W) + np.asarray(b).item())


def conv_forward(A_prev, W, b, hparameters):
    """Convolution (cross-correlation) layer, forward.

    ``A_prev (m, n_H_prev, n_W_prev, n_C_prev)``, ``W (f, f, n_C_prev, n_C)``,
    ``b (1, 1, 1, n_C)``, ``hparameters = {"stride", "pad"}``.
    Returns ``(Z, cache)``: ``Z (m, n_H, n_W, n_C)`` with
    ``n_H = floor((n_H_prev - f + 2*pad)/stride) + 1`` (same on widths) and
    ``cache = (A_prev, W, b, hparameters)``.
    """
    stride, pad = hparameters["stride"], hparameters["pad"]
    windows = _windows(zero_pad(A_prev, pad), W.shape[0], stride)
    Z = np.einsum("mhwcrs,rscn->mhwn", windows, W) + np.reshape(b, (1, 1, 1, -1))
    return Z, (A_prev, W, b, hparameters)


def pool_forward(A_prev, hparameters, mode="max"):
    """Max or average pooling, forward, each channel separately, no padding.

    ``A_prev (m, n_H_prev, n_W_prev, n_C)``, ``hparameters = {"f", "stride"}``.
    Returns ``(A, cache)``: ``A (m, n_H, n_W, n_C)`` with
    ``n_H = floor(1 + (n_H_prev - f)/stride)`` and ``cache = (A_prev, hparameters)``.
    Any mode other than ``"max"`` / ``"average"`` raises ``ValueError``.
    """
    _check_mode(mode)
    windows = _windows(A_prev, hparameters["f"], hparameters["stride"])
    reduce = np.max if mode == "max" else np.mean
    A = reduce(windows, axis=(-2, -1)).astype(np.float64)
    return A, (A_prev, hparameters)


# ----------------------------------------------------------------------------- backward
def conv_backward(dZ, cache):
    """Convolution layer, backward.

    ``dZ (m, n_H, n_W, n_C)``; ``cache = (A_prev, W, b, hparameters)`` from ``conv_forward``.
    Returns ``(dA_prev, dW, db)`` shaped like ``A_prev``, ``W`` and ``b``.
    """
    A_prev, W, b, hparameters = cache
    stride, pad = hparameters["stride"], hparameters["pad"]
    A_pad = zero_pad(A_prev, pad)
    windows = _windows(A_pad, W.shape[0], stride)
    dW = np.einsum("mhwcrs,mhwn->rscn", windows, dZ)
    db = np.sum(dZ, axis=(0, 1, 2)).reshape(np.shape(b))
    dA_pad = _fold(np.einsum("mhwn,rscn->mhwcrs", dZ, W), A_pad.shape, stride)
    n_H_prev, n_W_prev = A_prev.shape[1:3]
    dA_prev = dA_pad[:, pad:pad + n_H_prev, pad:pad + n_W_prev, :]
    return dA_prev, dW, db


def create_mask_from_window(x):
    """Boolean mask of ``x (f, f)``: True at *every* position equal to the maximum."""
    return np.asarray(x) == np.max(x)


def distribute_value(dz, shape):
    """A float64 array of ``shape = (n_H, n_W)`` filled with ``dz / (n_H * n_W)``."""
    n_H, n_W = shape
    return np.full((n_H, n_W), dz / (n_H * n_W), dtype=np.float64)


def pool_backward(dA, cache, mode="max"):
    """Pooling layer, backward.

    ``dA (m, n_H, n_W, n_C)``; ``cache = (A_prev, hparameters)`` from ``pool_forward``.
    Returns ``dA_prev`` shaped like ``A_prev``.  Max mode routes each ``dA`` entry to
    every tied maximum of its window; average mode spreads it evenly over the window.
    """
    _check_mode(mode)
    A_prev, hparameters = cache
    f, stride = hparameters["f"], hparameters["stride"]
    upstream = np.asarray(dA, dtype=np.float64)[..., None, None]
    if mode == "max":
        windows = _windows(A_prev, f, stride)
        mask = windows == windows.max(axis=(-2, -1), keepdims=True)
        window_grads = mask * upstream
    else:
        window_grads = np.broadcast_to(upstream / (f * f), upstream.shape[:4] + (f, f))
    return _fold(window_grads, np.shape(A_prev), stride)


# ----------------------------------------------------------------------------- TensorFlow

def _tf_conv(tf, A_prev, W, b, hparameters):
    """Symbolic conv forward in TF: explicit zero padding, VALID ``conv2d``, plus bias."""
    pad = hparameters["pad"]
    A_pad = tf.pad(A_prev, [[0, 0], [pad, pad], [pad, pad], [0, 0]])
    Z = tf.nn.conv2d(A_pad, W, strides=hparameters["stride"], padding="VALID")
    return Z + tf.reshape(b, [-1])


def _tf_pool(tf, A_prev, hparameters, mode):
    _check_mode(mode)
    pool = tf.nn.max_pool2d if mode == "max" else tf.nn.avg_pool2d
    return pool(A_prev, ksize=hparameters["f"], strides=hparameters["stride"], padding="VALID")


def _tf_float64(tf, *arrays):
    return [tf.constant(np.asarray(x, dtype=np.float64)) for x in arrays]


def tf_conv_forward(A_prev, W, b, hparameters):
    """``Z`` of ``conv_forward`` computed by ``tf.nn.conv2d``; returns a float64 array."""
    tf = quiet_tensorflow()
    return _tf_conv(tf, *_tf_float64(tf, A_prev, W, b), hparameters).numpy()


def tf_pool_forward(A_prev, hparameters, mode="max"):
    """``A`` of ``pool_forward`` computed by ``tf.nn.max_pool2d`` / ``avg_pool2d``."""
    tf = quiet_tensorflow()
    return _tf_pool(tf, *_tf_float64(tf, A_prev), hparameters, mode).numpy()


def tf_conv_backward(dZ, cache):
    """``(dA_prev, dW, db)`` of ``conv_backward`` by ``tf.GradientTape`` through ``conv2d``."""
    tf = quiet_tensorflow()
    A_prev, W, b, hparameters = cache
    inputs = _tf_float64(tf, A_prev, W, b)
    upstream, = _tf_float64(tf, dZ)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        loss = tf.reduce_sum(_tf_conv(tf, *inputs, hparameters) * upstream)
    return tuple(g.numpy() for g in tape.gradient(loss, inputs))


def tf_pool_backward(dA, cache, mode="max"):
    """``dA_prev`` of ``pool_backward`` by ``tf.GradientTape`` (use inputs without ties)."""
    tf = quiet_tensorflow()
    A_prev, hparameters = cache
    x, upstream = _tf_float64(tf, A_prev, dA)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(_tf_pool(tf, x, hparameters, mode) * upstream)
    return tape.gradient(loss, x).numpy()


GRADED = ("zero_pad", "conv_single_step", "conv_forward", "pool_forward", "conv_backward",
          "create_mask_from_window", "distribute_value", "pool_backward")
"""The graded functions of w1a1, in exercise order (exercise ``k`` is ``GRADED[k-1]``)."""


def probes():
    """Arguments on which no student-facing helper may give these references' answers (``grading.leaks``)."""
    from grading.leaks import Probe

    rng = np.random.default_rng(90210)
    A = rng.normal(size=(2, 5, 7, 3))
    W, b = rng.normal(size=(3, 3, 3, 4)), rng.normal(size=(1, 1, 1, 4))
    conv_hp, pool_hp = {"stride": 2, "pad": 1}, {"f": 2, "stride": 2}
    Z, conv_cache = conv_forward(A, W, b, conv_hp)
    P, pool_cache = pool_forward(A, pool_hp)
    return [
        Probe("zero_pad", zero_pad, (A, 2)),
        Probe("conv_single_step", conv_single_step, (A[0, :3, :3], W[..., 0], b[..., :1].reshape(1, 1, 1))),
        Probe("conv_forward", conv_forward, (A, W, b, conv_hp)),
        Probe("pool_forward", pool_forward, (A, pool_hp)),
        Probe("pool_forward", pool_forward, (A, pool_hp), {"mode": "average"}),
        Probe("conv_backward", conv_backward, (rng.normal(size=Z.shape), conv_cache)),
        Probe("create_mask_from_window", create_mask_from_window, (rng.normal(size=(3, 4)),)),
        Probe("distribute_value", distribute_value, (3.0, (2, 3))),
        Probe("pool_backward", pool_backward, (rng.normal(size=P.shape), pool_cache)),
        Probe("pool_backward", pool_backward, (rng.normal(size=P.shape), pool_cache), {"mode": "average"}),
    ]
