"""Public checks for "Convolution and pooling, step by step" (w1a1).

Run them from the notebook, right after each exercise::

    from public_tests.w1a1 import conv_forward_test
    conv_forward_test(conv_forward)

Each check prints ``All tests passed.`` or raises an ``AssertionError`` that says what is
probably wrong.  They test the contract (shapes, dtype, cache) and properties that any
correct layer has, on small fixed inputs: a zero kernel gives the bias, a 1x1 kernel
copies (strided, padded) pixels, a one-pixel kernel shifts the image, max >= average,
channels stay separate, gradients add up where windows overlap...  Passing them does not
prove a function right: the graded tests use more cases.

All arrays are channels-last: ``(m, n_H, n_W, n_C)``; kernels ``W`` are
``(f, f, n_C_prev, n_C)`` and biases ``b`` are ``(1, 1, 1, n_C)``.
"""
from __future__ import annotations

import copy

import numpy as np

from cnnkit.testing import grad_check, quiet
from public_tests._common import _check, _passed, depends_on

SEED = 2024
NUMPY2_FLOAT_PITFALL = ("under NumPy 2, float(b) raises TypeError for an array of shape (1, 1, 1) "
                        "('only 0-dimensional arrays can be converted to Python scalars'): use b.item() "
                        "or np.squeeze(b) instead")


def _close(a, b, tol=1e-7) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    return a.shape == b.shape and bool(np.allclose(a, b, rtol=tol, atol=tol))


def _check_array(out, shape, name: str, dtype=np.float64, shape_hints=None) -> None:
    """``out`` is an ndarray of ``shape`` and ``dtype``; ``shape_hints`` explain usual wrong shapes."""
    _check(isinstance(out, np.ndarray), f"{name} should be a NumPy array, got {type(out).__name__}")
    hint = (shape_hints or {}).get(out.shape, "")
    _check(out.shape == tuple(shape), f"{name} has shape {out.shape}, expected {tuple(shape)}"
           + (f": {hint}" if hint else ""))
    _check(out.dtype == dtype, f"{name} has dtype {out.dtype}, expected {np.dtype(dtype)}")


def _unchanged(before, after, name: str) -> None:
    same = all(np.array_equal(x, y) if isinstance(x, np.ndarray) else x == y for x, y in zip(before, after))
    _check(same, f"{name} modified one of its inputs in place; leave the arguments unchanged")


# ----------------------------------------------------------------------------- exercise 1
def zero_pad_test(zero_pad):
    """Shape, dtype, zero border, copied interior, pad = 0."""
    with quiet():
        X = np.arange(1.0, 1.0 + 2 * 3 * 4 * 2).reshape(2, 3, 4, 2)
        keep = X.copy()
        X_pad = zero_pad(X, 2)
        _unchanged([keep], [X], "zero_pad")
        _check_array(X_pad, (2, 7, 8, 2), "zero_pad(X, 2) for X of shape (2, 3, 4, 2)", shape_hints={
            (6, 7, 8, 6): "every axis was padded (np.pad with a single width does that); pad only height and "
                          "width, with ((0, 0), (pad, pad), (pad, pad), (0, 0))",
            (2, 5, 6, 2): "only one side of each spatial axis was padded; use (pad, pad)"})
        _check(np.array_equal(X_pad[:, 2:5, 2:6, :], X),
               "the centre X_pad[:, pad:pad+n_H, pad:pad+n_W, :] must be an exact copy of X")
        border = X_pad.copy()
        border[:, 2:5, 2:6, :] = 0
        _check(np.all(border == 0), "the border must be filled with zeros (constant_values=0)")
        try:
            same = zero_pad(X, 0)
        except ValueError as err:
            raise AssertionError(f"zero_pad(X, 0) raised ValueError ({err}): x[pad:-pad] is an empty slice when "
                                 "pad = 0; slice with pad:pad+n_H and pad:pad+n_W") from None
        _check(isinstance(same, np.ndarray) and same.shape == X.shape and np.array_equal(same, X),
               "zero_pad(X, 0) must return X unchanged (note that x[pad:-pad] is empty when pad = 0)")
    _passed()


# ----------------------------------------------------------------------------- exercise 2
def _single_step(conv_single_step, a, W, b):
    """Call the learner's function, explaining the NumPy 2 float(b) pitfall and array results."""
    try:
        Z = conv_single_step(a, W, b)
    except TypeError as err:
        raise AssertionError(f"conv_single_step raised TypeError ({err}). Probably {NUMPY2_FLOAT_PITFALL}") from None
    if isinstance(Z, np.ndarray):
        raise AssertionError(
            f"conv_single_step returned a NumPy array of shape {Z.shape}, not a number. Σ(a_slice_prev * W) + b "
            "with b of shape (1, 1, 1) broadcasts to a (1, 1, 1) array: add the bias as a scalar, b.item() or "
            "np.squeeze(b) (not float(b), which raises TypeError under NumPy 2)")
    _check(isinstance(Z, (float, np.floating)) and not isinstance(Z, bool),
           f"conv_single_step returned {type(Z).__name__}; expected a real number (np.float64)")
    return Z


def conv_single_step_test(conv_single_step):
    """A real scalar; zero kernel gives b; one-hot kernel picks a value; linear in W; bias once."""
    with quiet():
        rng = np.random.default_rng(SEED + 2)
        a, W = rng.standard_normal((2, 3, 3, 4))
        b = np.array([[[0.75]]])
        Z = _single_step(conv_single_step, a, W, b)
        _check(np.isfinite(Z), "conv_single_step returned a value that is not finite")
        _check(np.isclose(_single_step(conv_single_step, a, np.zeros_like(W), b), 0.75),
               "with W = 0 the result must be the bias b (add b exactly once, after the sum)")
        one_hot = np.zeros_like(W)
        one_hot[1, 2, 3] = 1.0
        _check(np.isclose(_single_step(conv_single_step, a, one_hot, b), a[1, 2, 3] + 0.75),
               "with a single 1 in W at [1, 2, 3], the result must be a_slice_prev[1, 2, 3] + b: multiply "
               "element-wise, then sum over all three axes")
        ones = _single_step(conv_single_step, a, np.ones_like(W), b)
        _check(not np.isclose(ones, a.sum() + 36 * 0.75),
               "the bias was added to every element (inside the sum); add it once, after the sum")
        _check(np.isclose(ones, a.sum() + 0.75),
               "with W all ones the result must be the sum of every element of a_slice_prev, plus b")
        twice = _single_step(conv_single_step, a, 2 * W, b)
        _check(np.isclose(twice - 0.75, 2 * (Z - 0.75)), "Z - b must be linear in W: doubling W doubles it")
    _passed()


# ----------------------------------------------------------------------------- exercise 3
@depends_on(zero_pad=zero_pad_test, conv_single_step=conv_single_step_test)
def conv_forward_test(conv_forward):
    """Output size, cache, bias, 1x1 and one-pixel kernels (stride, padding, no flip), linearity."""
    with quiet():
        rng = np.random.default_rng(SEED + 3)
        A_prev = rng.standard_normal((2, 8, 9, 3))
        W = rng.standard_normal((3, 3, 3, 4))
        b = rng.standard_normal((1, 1, 1, 4))
        hparameters = {"pad": 1, "stride": 2}
        inputs = copy.deepcopy([A_prev, W, b, hparameters])
        out = conv_forward(A_prev, W, b, hparameters)
        _unchanged(inputs, [A_prev, W, b, hparameters], "conv_forward")
        _check(isinstance(out, tuple) and len(out) == 2, "conv_forward must return the tuple (Z, cache)")
        Z, cache = out
        # n_H = floor((8 - 3 + 2) / 2) + 1 = 4 (ceil and round give 5), n_W = floor((9 - 3 + 2) / 2) + 1 = 5
        _check_array(Z, (2, 4, 5, 4), "Z for A_prev (2, 8, 9, 3), f=3, pad=1, stride=2", shape_hints={
            (2, 5, 5, 4): "the height rounds up; use n_H = floor((n_H_prev - f + 2*pad) / stride) + 1 (//)",
            (2, 4, 4, 4): "n_W was computed from the heights; use n_W_prev",
            (2, 3, 4, 4): "the output size ignores the padding: n_H = floor((n_H_prev - f + 2*pad) / stride) + 1"})
        _check(isinstance(cache, tuple) and len(cache) == 4, "cache must be the tuple (A_prev, W, b, hparameters)")
        _check(np.shape(cache[0]) == A_prev.shape, "cache[0] must be the original, unpadded A_prev")
        _check(np.array_equal(cache[0], A_prev) and np.array_equal(cache[1], W) and np.array_equal(cache[2], b)
               and cache[3] == hparameters, "cache must be (A_prev, W, b, hparameters), in this order")

        Z0, _ = conv_forward(A_prev, np.zeros_like(W), b, hparameters)
        _check(_close(Z0, np.broadcast_to(b, Z0.shape)),
               "with W = 0 every Z[i, h, w, c] must equal b[0, 0, 0, c]: add the bias of channel c once")

        # 1x1 kernel sending input channel k to output channel order[k]: Z is the strided input, permuted
        order = np.array([2, 0, 1])
        W1 = np.zeros((1, 1, 3, 3))
        W1[0, 0, np.arange(3), order] = 1.0
        b1 = np.array([0.5, -1.0, 2.0]).reshape(1, 1, 1, 3)
        Z1, _ = conv_forward(A_prev, W1, b1, {"pad": 0, "stride": 2})
        _check(_close(Z1, A_prev[:, ::2, ::2, :][..., np.argsort(order)] + b1),
               "with a 1x1 kernel, stride 2 and pad 0, Z[i, h, w, c] must be the input pixel (2h, 2w) of the input "
               "channel that W[:, :, :, c] selects, plus b[..., c]: check the window start h*stride, the filter "
               "W[:, :, :, c] and the bias b[:, :, :, c]")
        Z2, _ = conv_forward(A_prev, np.eye(3).reshape(1, 1, 3, 3), np.zeros((1, 1, 1, 3)), {"pad": 2, "stride": 1})
        _check(Z2.shape == (2, 12, 13, 3) and _close(Z2[:, 2:-2, 2:-2, :], A_prev)
               and np.allclose(Z2[:, :2], 0) and np.allclose(Z2[:, -2:], 0)
               and np.allclose(Z2[:, :, :2], 0) and np.allclose(Z2[:, :, -2:], 0),
               "with a 1x1 identity kernel and pad = 2, Z must be the zero-padded input")

        # one-pixel kernel: only W[0, 0] is non-zero, so Z[:, h, w] = padded input at (h, w) = input at (h-1, w-1)
        corner = np.zeros((3, 3, 3, 3))
        corner[0, 0] = np.eye(3)
        Z3, _ = conv_forward(A_prev, corner, np.zeros((1, 1, 1, 3)), {"pad": 1, "stride": 1})
        _check(Z3.shape == A_prev.shape and _close(Z3[:, 1:, 1:, :], A_prev[:, :-1, :-1, :])
               and np.allclose(Z3[:, 0], 0) and np.allclose(Z3[:, :, 0], 0),
               "with a kernel whose only non-zero weight is its top-left corner W[0, 0], Z[:, h, w] must be the "
               "padded input at (h, w) (the image shifted down and right): is the kernel flipped? This layer "
               "is a cross-correlation, as in tf.nn.conv2d")

        W_a, W_b = rng.standard_normal((2, 3, 3, 3, 4))
        zero_b = np.zeros_like(b)
        Za, _ = conv_forward(A_prev, W_a, zero_b, hparameters)
        Zb, _ = conv_forward(A_prev, W_b, zero_b, hparameters)
        Zab, _ = conv_forward(A_prev, W_a + W_b, zero_b, hparameters)
        _check(_close(Zab, Za + Zb), "without bias, Z must be linear in W")
    _passed()


# ----------------------------------------------------------------------------- exercise 4
def pool_forward_test(pool_forward):
    """Output size, cache, both modes on a ramp, max >= average, separate channels, unknown mode."""
    with quiet():
        rng = np.random.default_rng(SEED + 4)
        A_prev = rng.standard_normal((2, 8, 9, 3))
        hparameters = {"f": 3, "stride": 2}
        inputs = copy.deepcopy([A_prev, hparameters])
        out = pool_forward(A_prev, hparameters)
        _unchanged(inputs, [A_prev, hparameters], "pool_forward")
        _check(isinstance(out, tuple) and len(out) == 2, "pool_forward must return the tuple (A, cache)")
        A, cache = out
        # n_H = floor(1 + (8 - 3) / 2) = 3 (ceil would give 4), n_W = floor(1 + (9 - 3) / 2) = 4
        _check_array(A, (2, 3, 4, 3), "A for A_prev (2, 8, 9, 3), f=3, stride=2", shape_hints={
            (2, 4, 4, 3): "the height rounds up; use n_H = floor(1 + (n_H_prev - f) / stride)",
            (2, 3, 3, 3): "n_W was computed from the heights; use n_W_prev",
            (2, 2, 3, 3): "the output size is missing the 1 +"})
        _check(isinstance(cache, tuple) and len(cache) == 2 and np.array_equal(cache[0], A_prev)
               and cache[1] == hparameters, "cache must be the tuple (A_prev, hparameters)")
        A_max, _ = pool_forward(A_prev, hparameters, mode="max")
        A_avg, _ = pool_forward(A_prev, hparameters, mode="average")
        _check(_close(A, A_max), "the default mode must be 'max'")
        _check(np.all(A_max >= A_avg - 1e-12), "max pooling must be >= average pooling everywhere")

        # a ramp, increasing down and right: each window's max is its bottom-right corner, its mean its centre
        ramp = (100.0 * np.arange(8)[:, None] + np.arange(9)[None, :])[None, :, :, None] + np.array([0.0, 1000.0])
        R_max, _ = pool_forward(ramp, hparameters, "max")
        R_avg, _ = pool_forward(ramp, hparameters, "average")
        _check(_close(R_max, ramp[:, 2::2, 2::2, :][:, :3, :4]),
               "on an increasing ramp, max pooling must return the bottom-right pixel of each window, "
               "A_prev[i, h*stride + f-1, w*stride + f-1, c]: check the window start h*stride and its size f")
        _check(_close(R_avg, ramp[:, 1::2, 1::2, :][:, :3, :4]),
               "on an increasing ramp, average pooling must return the centre pixel of each 3x3 window "
               "(the mean of the window, divided by f*f)")

        spike = np.zeros((1, 4, 4, 2))
        spike[0, 1, 1, 0] = 100.0
        for mode in ("max", "average"):
            S, _ = pool_forward(spike, {"f": 2, "stride": 2}, mode)
            _check(S.shape == (1, 2, 2, 2) and np.allclose(S[..., 1], 0) and S[0, 0, 0, 0] > 0,
                   f"mode={mode!r}: a large value in channel 0 leaked into channel 1; pool each channel "
                   "separately (A_prev[i, rows, cols, c])")
            I, _ = pool_forward(A_prev, {"f": 1, "stride": 1}, mode)
            _check(_close(I, A_prev), f"mode={mode!r} with f = 1 and stride = 1 must return A_prev unchanged")
        for bad in ("min", "avg"):
            try:
                pool_forward(A_prev, hparameters, mode=bad)
            except ValueError:
                continue
            except Exception as err:
                raise AssertionError(f"mode={bad!r} raised {type(err).__name__}; an unknown mode must raise "
                                     "ValueError") from None
            raise AssertionError(f"mode={bad!r} did not raise; any mode other than 'max' or 'average' must raise "
                                 "ValueError")
    _passed()


# ----------------------------------------------------------------------------- exercise 5
@depends_on(zero_pad=zero_pad_test)
def conv_backward_test(conv_backward):
    """Shapes, db, 1x1 matrix products, window counts, no flip, pad 0, dA_prev consistent with dW."""
    with quiet():
        rng = np.random.default_rng(SEED + 5)
        A_prev = rng.standard_normal((2, 5, 4, 3))
        W = rng.standard_normal((3, 3, 3, 2))
        b = rng.standard_normal((1, 1, 1, 2))
        hparameters = {"stride": 2, "pad": 1}
        dZ = rng.standard_normal((2, 3, 2, 2))  # n_H = (5 - 3 + 2) // 2 + 1 = 3, n_W = 2
        cache = (A_prev, W, b, hparameters)
        before = copy.deepcopy([dZ, A_prev, W, b, hparameters])
        out = conv_backward(dZ, cache)
        _unchanged(before, [dZ, A_prev, W, b, hparameters], "conv_backward")
        _check(isinstance(out, tuple) and len(out) == 3, "conv_backward must return the tuple (dA_prev, dW, db)")
        dA_prev, dW, db = out
        _check_array(dA_prev, A_prev.shape, "dA_prev", shape_hints={
            (2, 7, 6, 3): "the padding was not removed: return dA_prev_pad[:, pad:pad+n_H_prev, pad:pad+n_W_prev, :]"})
        _check_array(dW, W.shape, "dW")
        _check_array(db, b.shape, "db", shape_hints={(2,): "db must have the shape of b, (1, 1, 1, n_C)"})
        _check(_close(db, dZ.sum(axis=(0, 1, 2)).reshape(b.shape)),
               "db should be dZ summed over m, n_H and n_W, for each channel")

        no_pad = conv_backward(dZ[:, :2, :1], (A_prev, W, b, {"stride": 2, "pad": 0}))[0]
        _check(np.shape(no_pad) == A_prev.shape,
               f"with pad = 0, dA_prev has shape {np.shape(no_pad)}: x[pad:-pad] is empty when pad = 0; "
               "use pad:pad+n_H_prev and pad:pad+n_W_prev")

        # f = 1, stride 2, pad 0: Z[:, h, w] = A_prev[:, 2h, 2w] @ W[0, 0] + b, so the gradients are matrix
        # products on the pixels (2h, 2w), and the other pixels get no gradient
        W1 = rng.standard_normal((1, 1, 3, 2))
        dZ1 = rng.standard_normal((2, 3, 2, 2))
        dA1, dW1, _ = conv_backward(dZ1, (A_prev, W1, b, {"stride": 2, "pad": 0}))
        strided = np.zeros_like(A_prev)
        strided[:, ::2, ::2, :] = dZ1 @ W1[0, 0].T
        _check(_close(dA1, strided), "with a 1x1 kernel and stride 2, dA_prev[i, 2h, 2w, :] must be W[0, 0] @ "
                                     "dZ[i, h, w, :] and the other pixels 0: check the window start h*stride")
        _check(_close(dW1[0, 0], np.einsum("mhwc,mhwn->cn", A_prev[:, ::2, ::2, :], dZ1)),
               "with a 1x1 kernel and stride 2, dW[0, 0, k, c] must be the sum over i, h, w of "
               "A_prev[i, 2h, 2w, k] * dZ[i, h, w, c]")

        # all-ones kernel and dZ, f = 3, stride 1, pad 1: dA_prev counts the windows covering each pixel
        ones = np.ones((1, 4, 5, 1))
        counts, _, _ = conv_backward(ones, (ones, np.ones((3, 3, 1, 1)), np.zeros((1, 1, 1, 1)),
                                            {"stride": 1, "pad": 1}))
        _check(_close(np.squeeze(counts), np.outer([2, 3, 3, 2], [2, 3, 3, 3, 2])),
               "with W and dZ all ones (f = 3, stride = 1, pad = 1), dA_prev must count how many windows cover each "
               "pixel (4 in the corners, 9 inside): overlapping windows must accumulate (+=), and the padding must "
               "be removed from both sides")

        # one-pixel kernel W[0, 0] = 1: Z[h, w] = A_prev[h-1, w-1], so dA_prev[h, w] = dZ[h+1, w+1]
        corner = np.zeros((3, 3, 1, 1))
        corner[0, 0] = 1.0
        dZ2 = rng.standard_normal((1, 4, 5, 1))
        shifted, _, _ = conv_backward(dZ2, (ones, corner, np.zeros((1, 1, 1, 1)), {"stride": 1, "pad": 1}))
        _check(_close(shifted[:, :-1, :-1], dZ2[:, 1:, 1:]) and np.allclose(shifted[:, -1], 0)
               and np.allclose(shifted[:, :, -1], 0),
               "with a kernel whose only non-zero weight is W[0, 0], dA_prev must be dZ shifted up and left: "
               "is the kernel flipped? Use W[:, :, :, c] as it is")

        # numerical gradient check: sum(dW * W) = sum(dZ * Z without bias), whose gradient in A_prev is dA_prev
        small = rng.standard_normal((1, 4, 3, 2))
        W3, dZ3 = rng.standard_normal((3, 3, 2, 2)), rng.standard_normal((1, 4, 3, 2))
        hp3 = {"stride": 1, "pad": 1}
        b3 = np.zeros((1, 1, 1, 2))
        numerical, = grad_check(lambda x: conv_backward(dZ3, (x, W3, b3, hp3))[1], [small], W3)
        _check(_close(conv_backward(dZ3, (small, W3, b3, hp3))[0], numerical, tol=1e-5),
               "dA_prev and dW do not fit together: the numerical gradient of Σ dW·W with respect to A_prev "
               "(both equal Σ dZ·Z without bias) must equal dA_prev. Check that both use the same window "
               "(rows h*stride ... h*stride+f-1 of the padded input) and accumulate with +=")
    _passed()


# ----------------------------------------------------------------------------- exercise 6
def create_mask_from_window_test(create_mask_from_window):
    """Boolean mask of the maximum, negative windows, every tied maximum True."""
    with quiet():
        cases = (
            (np.array([[1.0, 4.0, -2.0], [0.5, 3.0, 2.0], [-1.0, 0.0, 1.5]]), [[0, 1, 0], [0, 0, 0], [0, 0, 0]], ""),
            (np.array([[-3.0, -1.0], [-2.0, -4.0]]), [[0, 1], [0, 0]], " (all values negative)"),
            (np.array([[2.0, 5.0], [5.0, -1.0]]), [[0, 1], [1, 0]],
             ": every position equal to the maximum must be True, also when the maximum is tied (np.argmax "
             "keeps only the first one; use x == np.max(x))"),
        )
        for x, expected, hint in cases:
            keep = x.copy()
            mask = create_mask_from_window(x)
            _unchanged([keep], [x], "create_mask_from_window")
            _check_array(mask, x.shape, f"the mask of {x.tolist()}", dtype=np.bool_)
            _check(np.array_equal(mask, np.array(expected, dtype=bool)),
                   f"the mask of {x.tolist()} is {mask.tolist()}; expected True exactly where x equals its "
                   f"maximum{hint}")
    _passed()


# ----------------------------------------------------------------------------- exercise 7
def distribute_value_test(distribute_value):
    """Full arrays: every cell holds dz / (n_H * n_W); non-square shapes."""
    with quiet():
        for dz, shape, each in ((3.0, (2, 3), 0.5), (-2.0, (4, 1), -0.5), (1.0, (2, 2), 0.25)):
            a = distribute_value(dz, shape)
            _check_array(a, shape, f"distribute_value({dz}, {shape})",
                         shape_hints={shape[::-1]: "the shape is transposed; use shape = (n_H, n_W) as given"})
            _check(np.isclose(a.sum(), dz), f"the values of distribute_value({dz}, {shape}) must add up to dz")
            _check(np.allclose(a, each), f"distribute_value({dz}, {shape}) must hold {each} = dz / (n_H * n_W) "
                                         f"in every cell, got {a.tolist()}")
    _passed()


# ----------------------------------------------------------------------------- exercise 8
@depends_on(create_mask_from_window=create_mask_from_window_test,
            distribute_value=distribute_value_test)
def pool_backward_test(pool_backward):
    """Shapes, accumulation, max routing (ties too), average spreading, numerical check."""
    with quiet():
        rng = np.random.default_rng(SEED + 8)
        A_prev = rng.standard_normal((2, 5, 6, 2))
        hparameters = {"f": 2, "stride": 2}
        dA = rng.standard_normal((2, 2, 3, 2))
        before = copy.deepcopy([dA, A_prev, hparameters])
        for mode in ("max", "average"):
            dA_prev = pool_backward(dA, (A_prev, hparameters), mode)
            _check_array(dA_prev, A_prev.shape, f"dA_prev ({mode})",
                         shape_hints={dA.shape: "dA_prev must have the shape of A_prev, not of dA"})
            _check(np.isclose(dA_prev.sum(), dA.sum()),
                   f"mode={mode!r}: the total of dA_prev must equal the total of dA (each dA[i, h, w, c] is "
                   "passed on once: to the max of its window, or split evenly over it)")
            _check(np.allclose(dA_prev[:, 4], 0), f"mode={mode!r}: the last row is in no window (5 rows, f = 2, "
                                                  "stride = 2), so its gradient must be 0")
        _unchanged(before, [dA, A_prev, hparameters], "pool_backward")
        _check(_close(pool_backward(dA, (A_prev, hparameters)), pool_backward(dA, (A_prev, hparameters), "max")),
               "the default mode must be 'max'")

        ones = np.ones((1, 2, 3, 1))  # f = 3, stride = 1 on 4 x 5: windows overlap
        spread = pool_backward(ones, (np.zeros((1, 4, 5, 1)), {"f": 3, "stride": 1}), "average")
        _check(_close(np.squeeze(spread), np.outer([1, 2, 2, 1], [1, 2, 3, 2, 1]) / 9),
               "average mode with overlapping windows (f = 3, stride = 1) and dA all ones: each pixel must get "
               "1/9 per window that covers it. Divide by f*f and accumulate with +=")

        ramp = (10.0 * np.arange(4)[:, None] + np.arange(5))[None, :, :, None]  # max at each window's bottom right
        dA2 = rng.standard_normal((1, 3, 4, 1))
        routed = pool_backward(dA2, (ramp, {"f": 2, "stride": 1}), "max")
        _check(_close(routed[:, 1:, 1:], dA2) and np.allclose(routed[:, 0], 0) and np.allclose(routed[:, :, 0], 0),
               "max mode: on an increasing ramp each dA[i, h, w, c] must go to the bottom-right pixel of its window "
               "(h*stride + f-1, w*stride + f-1), where the maximum is")
        peaks = np.array([[9.0, -1, -2, -3], [-4, -5, -6, 8], [-7, 7, -8, -9], [-1, -2, 6, -3]])[None, :, :, None]
        dA4 = rng.standard_normal((1, 2, 2, 1))
        found = np.zeros_like(peaks)
        found[0, [0, 1, 2, 3], [0, 3, 1, 2], 0] = dA4.ravel()
        _check(_close(pool_backward(dA4, (peaks, {"f": 2, "stride": 2}), "max"), found),
               "max mode: each dA[i, h, w, c] must go to the maximum of its own window "
               "A_prev[i, h*stride:h*stride+f, w*stride:w*stride+f, c], the same window as in the forward pass")
        peak = np.zeros((1, 5, 5, 1))
        peak[0, 2, 2, 0] = 1.0
        dA3 = rng.standard_normal((1, 3, 3, 1))
        gathered = pool_backward(dA3, (peak, {"f": 3, "stride": 1}), "max")
        _check(np.isclose(gathered[0, 2, 2, 0], dA3.sum()) and np.isclose(np.abs(gathered).sum(), abs(dA3.sum())),
               "max mode: the centre pixel is the maximum of all 9 overlapping windows, so it must receive the sum "
               "of dA: accumulate with += (not =)")
        tied = pool_backward(np.array([[[[2.0]]]]), (np.ones((1, 2, 2, 1)), {"f": 2, "stride": 2}), "max")
        _check(_close(tied, np.full((1, 2, 2, 1), 2.0)),
               "max mode: in a window whose values are all equal, every tied maximum receives dA "
               "(create_mask_from_window marks all of them)")

        # numerical gradient check on global pooling (one window covering the whole 4 x 4 image)
        X = rng.standard_normal((2, 4, 4, 3))
        dX = rng.standard_normal((2, 1, 1, 3))
        whole = {"f": 4, "stride": 1}
        for mode, reduce in (("max", np.max), ("average", np.mean)):
            numerical, = grad_check(lambda x: reduce(x, axis=(1, 2), keepdims=True), [X], dX)
            _check(_close(pool_backward(dX, (X, whole), mode), numerical, tol=1e-5),
                   f"mode={mode!r}: dA_prev disagrees with a numerical gradient check of global {mode} pooling "
                   "(one window covering each channel of each example)")
    _passed()
