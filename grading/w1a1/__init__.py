"""Hidden-test logic for ``w1a1_conv_step_by_step`` (instructor only).

One entry point per graded function, called from the notebook's HIDDEN TESTS regions::

    from grading.w1a1 import check_conv_forward
    check_conv_forward(conv_forward)

Each entry point takes the learner's function and raises ``GradingError`` (an
``AssertionError``) whose message says what is probably wrong.  Expected values are
computed at test time by the independent references in ``grading.w1a1.reference``: the
vectorized NumPy versions on every case, ``tf.nn.*`` / ``tf.GradientTape`` on some cases,
and ``cnnkit.testing.grad_check`` (central differences) for every backward function.

Conventions: channels-last float64 arrays (``A (m, n_H, n_W, n_C)``, ``W (f, f, n_C_prev,
n_C)``, ``b (1, 1, 1, n_C)``); inputs come from ``np.random.default_rng`` with this
module's seeds; shapes are small (m <= 3, spatial <= 9, channels <= 4) so that a learner's
quadruple loops finish well within the per-cell time.  A graded function that calls other
graded functions runs with those notebook globals swapped for the references
(``isolated_globals``), so a wrong helper only costs the helper's exercise.
"""
from __future__ import annotations

import copy
from typing import Callable, NamedTuple

import numpy as np

from cnnkit.testing import grad_check
from grading.common import (
    GradingError,
    check_signature,
    expect,
    hidden_test,
    isolated_globals,
)
from grading.w1a1 import reference as ref

SEED = 4101
"""Base seed of this assignment; exercise ``k`` draws from ``default_rng((SEED, k))``."""
RTOL, ATOL = 1e-7, 1e-9            # learner vs. an exact reference
GRAD_RTOL, GRAD_ATOL = 1e-5, 1e-6  # learner vs. central differences

CONV_SIZE = "floor((n_prev - f + 2*pad) / stride) + 1"
POOL_SIZE = "floor(1 + (n_prev - f) / stride)"


# =============================================================================== cases
class ConvCase(NamedTuple):
    m: int
    n_H_prev: int
    n_W_prev: int
    n_C_prev: int
    n_C: int
    f: int
    stride: int
    pad: int


class PoolCase(NamedTuple):
    m: int
    n_H_prev: int
    n_W_prev: int
    n_C: int
    f: int
    stride: int


CONV_FORWARD_CASES = (
    ConvCase(2, 8, 5, 3, 2, 3, 2, 1),  # 7/2 on heights: floor 4, ceil and round 5; non-square output
    ConvCase(1, 9, 7, 2, 3, 2, 3, 0),  # pad 0, stride 3 > f, stride divides neither axis
    ConvCase(2, 5, 6, 1, 2, 5, 1, 3),  # f 5, pad 3
    ConvCase(3, 6, 4, 4, 1, 1, 2, 2),  # 1x1 kernel, strided, 9/2 and 7/2
    ConvCase(1, 7, 9, 2, 2, 4, 3, 2),  # even f, stride 3
)
CONV_BACKWARD_CASES = (
    ConvCase(2, 5, 4, 2, 3, 3, 1, 0),  # pad 0 (x[pad:-pad] is empty), overlapping windows
    ConvCase(1, 4, 5, 3, 2, 3, 2, 1),  # stride < f with padding, 3/2 on heights
    ConvCase(2, 6, 5, 1, 2, 2, 3, 2),  # stride > f: rows no window reaches
    ConvCase(1, 3, 4, 2, 1, 5, 1, 3),  # kernel larger than the input
    ConvCase(1, 5, 7, 2, 2, 4, 2, 1),  # even f, overlapping
)
POOL_FORWARD_CASES = (
    PoolCase(2, 8, 9, 3, 3, 2),  # 5/2 on heights
    PoolCase(1, 9, 7, 2, 2, 3),  # stride > f, divides neither axis
    PoolCase(3, 5, 6, 4, 4, 1),
    PoolCase(2, 6, 5, 1, 1, 2),  # 1x1 window = subsampling
    PoolCase(1, 7, 8, 2, 5, 3),
)
POOL_BACKWARD_CASES = (
    PoolCase(2, 5, 6, 2, 3, 1),  # overlapping windows
    PoolCase(1, 7, 6, 3, 3, 2),  # overlapping, 3/2 on widths
    PoolCase(2, 6, 7, 1, 2, 3),  # stride > f: gaps
    PoolCase(1, 4, 5, 2, 2, 2),  # tiling, 3/2 on widths
)
TIED_WINDOWS = (  # hand-made windows whose maximum is tied; learners only ever get copies
    ((1.0, 3.0), (3.0, 2.0)),
    ((-2.0,) * 3,) * 3,
    ((-5.0, -1.0, -3.0), (-1.0, -4.0, -2.0), (-6.0, -7.0, -1.0)),
    ((0.5, 0.5, 0.1, 0.5), (0.2, 0.3, 0.4, 0.1), (0.0, 0.5, 0.2, 0.3), (0.1, 0.1, 0.1, 0.1)),
)
DISTRIBUTE_CASES = ((2.0, (2, 3)), (np.float64(-1.5), (3, 2)), (0.7, (1, 4)), (3.25, (5, 5)), (-4.0, (4, 1)))


def _rng(exercise: int) -> np.random.Generator:
    return np.random.default_rng((SEED, exercise))


def _random_conv_case(rng, max_m=3, max_n=9, max_c=4) -> ConvCase:
    """Random conv configuration: f 1-5, stride 1-3, pad 0-3, odd/non-square sizes."""
    f, stride, pad = (int(v) for v in (rng.integers(1, 6), rng.integers(1, 4), rng.integers(0, 4)))
    low = max(1, f - 2 * pad)
    n_H, n_W = (int(rng.integers(low, max(low, max_n) + 1)) for _ in range(2))
    m, n_C_prev, n_C = int(rng.integers(1, max_m + 1)), int(rng.integers(1, max_c + 1)), int(rng.integers(1, max_c + 1))
    return ConvCase(m, n_H, n_W, n_C_prev, n_C, f, stride, pad)


def _random_pool_case(rng, max_m=3, max_n=9, max_c=4) -> PoolCase:
    f, stride = int(rng.integers(1, 6)), int(rng.integers(1, 4))
    n_H, n_W = (int(rng.integers(f, max(f, max_n) + 1)) for _ in range(2))
    return PoolCase(int(rng.integers(1, max_m + 1)), n_H, n_W, int(rng.integers(1, max_c + 1)), f, stride)


def _conv_inputs(rng, case: ConvCase):
    """``(A_prev, W, b, hparameters)`` for a case; every entry random and non-zero."""
    A_prev = rng.standard_normal((case.m, case.n_H_prev, case.n_W_prev, case.n_C_prev))
    W = rng.standard_normal((case.f, case.f, case.n_C_prev, case.n_C))
    b = rng.standard_normal((1, 1, 1, case.n_C))
    return A_prev, W, b, {"stride": case.stride, "pad": case.pad}


def _pool_inputs(rng, case: PoolCase):
    """``(A_prev, hparameters)``; channel ``c`` is offset by ``5c`` so that mixing channels shows."""
    A_prev = rng.standard_normal((case.m, case.n_H_prev, case.n_W_prev, case.n_C)) + 5.0 * np.arange(case.n_C)
    return A_prev, {"f": case.f, "stride": case.stride}


# =============================================================================== calling
_EXCEPTION_HINTS = (
    (TypeError, ("0-dimensional arrays",),
     "float(b) on an array of shape (1, 1, 1) raises TypeError under NumPy 2: use b.item() or np.squeeze(b)"),
    (TypeError, ("cannot be interpreted as an integer",),
     "a size or loop bound is a float: compute output sizes with integer division // (floor), not /"),
    (ValueError, ("could not broadcast", "could not be broadcast"),
     "two arrays have different shapes, e.g. a window cut short at the border: check the output-size formula "
     "(floor, not ceil), the window bounds (vert_start = h * stride, vert_end = vert_start + f) and that "
     "x[pad:-pad] is empty when pad = 0"),
    (ValueError, ("zero-size array",),
     "a window is empty: check the output-size formula and the window bounds (h*stride ... h*stride+f-1)"),
    (IndexError, ("out of bounds",), "an index is out of range: check the output-size formula and the window bounds"),
)


def _same(a, b) -> bool:
    """Deep equality for the inputs of a call (arrays exactly, dicts and tuples by item)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return np.shape(a) == np.shape(b) and np.array_equal(a, b, equal_nan=True)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)) and isinstance(b, (tuple, list)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b


def _call(func: Callable, *args, **kwargs):
    """Call a learner function; translate well-known crashes and check it left its inputs alone."""
    names = check_signature(func, *args, **kwargs)
    before = copy.deepcopy(names)
    try:
        out = func(*args, **kwargs)
    except Exception as err:
        for kind, texts, hint in _EXCEPTION_HINTS:
            if isinstance(err, kind) and any(text in str(err) for text in texts):
                raise GradingError(f"your function raised {type(err).__name__}: {err}. Probably {hint}") from None
        raise
    for name, value in names.items():
        expect(_same(before[name], value),
               f"your function modified its input `{name}` in place; work on new arrays "
               "(np.zeros, np.pad and slicing copies) and leave the arguments unchanged")
    return out


def _mode_style(k: int, mode: str) -> str:
    """How case ``k`` passes ``mode``: left out (``"default"``, max only), by position or by keyword."""
    return "default" if mode == "max" and k % 3 == 0 else ("keyword" if k % 2 else "positional")


def _call_with_mode(func: Callable, style: str, args: dict, mode: str):
    """Call a pooling function with ``args`` (name -> value, in order) and ``mode`` passed as ``style``."""
    if style == "keyword":
        return _call(func, **args, mode=mode)
    return _call(func, *args.values(), *(() if style == "default" else (mode,)))


def _mode_text(mode: str, style: str) -> str:
    how = {"default": "left out: the default", "positional": "passed by position", "keyword": "passed by keyword"}
    return f"mode={mode!r} ({how[style]})"


def _expect_tuple(out, n: int, what: str):
    expect(isinstance(out, tuple) and len(out) == n,
           f"{what} should be a tuple of {n} items, got {type(out).__name__}"
           + (f" of length {len(out)}" if isinstance(out, (tuple, list)) else ""))
    return out


# =============================================================================== comparing
def _fmt(v) -> str:
    return f"{float(v):.6g}"


def _close(out, expected, rtol=RTOL, atol=ATOL) -> bool:
    out, expected = np.asarray(out), np.asarray(expected)
    if out.shape != expected.shape:
        return False
    if expected.dtype == bool or out.dtype == bool:
        return np.array_equal(out, expected)
    return bool(np.allclose(out, expected, rtol=rtol, atol=atol))


def _like(make: Callable[[], np.ndarray]) -> Callable[[np.ndarray], bool]:
    """Diagnosis predicate: the learner's output equals the array ``make()`` (computed lazily)."""
    return lambda out: _close(out, make())


def _expect_array(out, expected, what: str, *, dtype=np.float64, shape_hints=None, diagnoses=(),
                  hint: str = "", rtol=RTOL, atol=ATOL) -> None:
    """Compare a full output array with its expected value, explaining the first problem.

    ``shape_hints`` maps wrong shapes to explanations; ``diagnoses`` is a sequence of
    ``(message, predicate)`` tried in order (on the learner's output) when values differ.
    """
    expect(isinstance(out, np.ndarray), f"{what} should be a NumPy array, got {type(out).__name__}")
    if out.shape != expected.shape:
        reason = (shape_hints or {}).get(out.shape)
        raise GradingError(f"{what} has shape {out.shape}; expected {expected.shape}"
                           + (f": {reason}" if reason else (f". {hint}" if hint else "")))
    expect(out.dtype == dtype, f"{what} has dtype {out.dtype}; expected {np.dtype(dtype)}"
           + ("; return the comparison itself (a boolean array), without converting it" if dtype == np.bool_
              else "; build float arrays (np.zeros and np.ones give float64 by default)"))
    if _close(out, expected, rtol, atol):
        return
    for message, matches in diagnoses:
        if matches(out):
            raise GradingError(f"{what} is wrong: {message}")
    if expected.dtype == bool:
        idx = tuple(int(i) for i in np.argwhere(out != expected)[0])
    else:
        idx = tuple(int(i) for i in np.argwhere(~np.isclose(out, expected, rtol=rtol, atol=atol))[0])
    raise GradingError(f"{what} is wrong, for example at index {idx}: got {_fmt(out[idx])}, "
                       f"expected {_fmt(expected[idx])}" + (f". {hint}" if hint else ""))


def _size_hints(case, pad: int, n_C: int, formula: str) -> dict:
    """Explanations for output shapes produced by the usual wrong output-size formulas."""
    def shape(size):
        return (case.m, size(case.n_H_prev), size(case.n_W_prev), n_C)

    f, s = case.f, case.stride
    expected = shape(lambda n: (n - f + 2 * pad) // s + 1)
    wrong = (
        (lambda n: -(-(n - f + 2 * pad) // s) + 1, "the output size rounds up (ceil)"),
        (lambda n: round((n - f + 2 * pad) / s) + 1, "the output size uses round()"),
        (lambda n: (n - f) // s + 1, "the output size ignores the padding"),
        (lambda n: (n - f + 2 * pad) // s, "the output size is missing the + 1"),
        (lambda n: n - f + 2 * pad + 1, "the output size ignores the stride"),
    )
    hints = {}
    for size, message in wrong:
        hints.setdefault(shape(size), f"{message}; expected {formula} on heights and on widths")
    hints.setdefault((case.m, expected[1], expected[1], n_C),
                     "n_W is computed from the heights; use n_W_prev (A_prev.shape[2]) for the width")
    hints.setdefault((case.m, expected[2], expected[2], n_C),
                     "n_H is computed from the widths; use n_H_prev (A_prev.shape[1]) for the height")
    hints.pop(expected, None)
    return hints


def _expect_cache(cache, entries: tuple, fn: str, special=None) -> None:
    """``cache`` must be the tuple of ``entries = ((name, value), ...)`` in this order.

    ``special`` maps ``(name, shape)`` of a wrong entry to an explanation.
    """
    layout = "(" + ", ".join(name for name, _ in entries) + ")"
    _expect_tuple(cache, len(entries), f"the cache returned by {fn} {layout}")
    for got, (name, value) in zip(cache, entries):
        if _same(got, value):
            continue
        reason = (special or {}).get((name, np.shape(got)))
        expect(reason is None, f"cache entry `{name}` is wrong: {reason}")
        expect(not any(_same(got, other) for _, other in entries),
               f"the cache entries are in the wrong order; expected {layout}")
        raise GradingError(f"cache entry `{name}` should be the {name} passed to {fn}; cache must be {layout}")


def _overlap_only(expected, coverage, message: str):
    """Diagnosis: right where at most one window covers a position, wrong where windows overlap."""
    single = (coverage <= 1)[None, :, :, None] & np.ones(expected.shape, dtype=bool)

    def matches(out):
        return coverage.max() > 1 and _close(out[single], expected[single])

    return message, matches


def _expect_conv_gradients(got: tuple, expected: tuple, where: str, source: str, shape_hints: dict,
                           diagnoses: dict, hints: dict, tol=(RTOL, ATOL)) -> None:
    """Compare the learner's ``(dA_prev, dW, db)`` with ``expected``, computed by ``source``."""
    for out, exp, name in zip(got, expected, ("dA_prev", "dW", "db")):
        _expect_array(out, exp, f"{name}{where} (compared with {source})", shape_hints=shape_hints.get(name),
                      diagnoses=diagnoses.get(name, ()), hint=hints.get(name, ""), rtol=tol[0], atol=tol[1])


# =============================================================================== ex. 1
@hidden_test
def check_zero_pad(zero_pad):
    """Exercise 1: spatial-only zero padding, full comparison, pad 0-3, keyword calls."""
    rng = _rng(1)
    for k, (m, n_H, n_W, n_C, pad) in enumerate(((2, 3, 5, 2, 2), (1, 4, 1, 3, 3), (3, 2, 2, 1, 1), (2, 5, 3, 4, 0))):
        X = rng.standard_normal((m, n_H, n_W, n_C)) + 3.0
        X_pad = _call(zero_pad, X, pad) if k % 2 == 0 else _call(zero_pad, X=X, pad=pad)
        p = pad
        border = ref.zero_pad(np.ones_like(X), pad) == 0
        _expect_array(
            X_pad, ref.zero_pad(X, pad), f"zero_pad(X, pad={pad}) for X of shape {X.shape}",
            shape_hints={
                (m + 2 * p, n_H + 2 * p, n_W + 2 * p, n_C + 2 * p):
                    "the batch and channel axes are padded too; np.pad(X, pad) with a single width pads every "
                    "axis, so give per-axis widths ((0, 0), (pad, pad), (pad, pad), (0, 0))",
                (m, n_H + p, n_W + p, n_C): "only one side of each spatial axis is padded; use (pad, pad)",
                (m, n_H + 2 * p, n_W, n_C): "only the height is padded; pad axes 1 and 2 (height and width)",
                (m, n_H, n_W + 2 * p, n_C): "only the width is padded; pad axes 1 and 2 (height and width)",
                (m, n_H + 2 * p, n_W, n_C + 2 * p): "height and channels are padded; pad height and width only",
            },
            diagnoses=(
                ("the border is not zero; pad with the constant 0 (mode='constant', constant_values=0)",
                 lambda out: not np.all(out[border] == 0)),
            ),
            hint="the centre X_pad[:, pad:pad+n_H, pad:pad+n_W, :] must be an exact copy of X")


# =============================================================================== ex. 2
def _expect_real_scalar(Z) -> None:
    if isinstance(Z, np.ndarray):
        expect(Z.shape != (1, 1, 1),
               "the result is an array of shape (1, 1, 1), not a number: Σ(a_slice_prev * W) + b with b of "
               "shape (1, 1, 1) broadcasts to an array. Add the bias as a scalar: b.item() or np.squeeze(b) "
               "(float(b) raises TypeError under NumPy 2)")
        expect(Z.ndim != 0, "the result is a 0-d NumPy array, not a number; return a scalar, e.g. add "
                            "b.item() to np.sum(...) or call .item() on the result")
        raise GradingError(f"the result is an array of shape {Z.shape}; return one real number "
                           "(sum over every element of the window)")
    expect(not isinstance(Z, (bool, np.bool_)),
           "the result is a boolean; return the real number Σ(a_slice_prev * W) + b")
    expect(isinstance(Z, (float, np.floating)),
           f"the result has type {type(Z).__name__}; expected a real scalar (np.float64 or float)")


@hidden_test
def check_conv_single_step(conv_single_step):
    """Exercise 2: several random windows; a real scalar (not an array) equal to Σ(a*W) + b."""
    rng = _rng(2)
    for k, (f, n_C_prev) in enumerate(((3, 4), (1, 1), (2, 3), (5, 2), (4, 1))):
        a, W = rng.standard_normal((2, f, f, n_C_prev))
        b = rng.standard_normal((1, 1, 1))
        if k % 2:
            Z = _call(conv_single_step, a_slice_prev=a, W=W, b=b)
        else:
            Z = _call(conv_single_step, a, W, b)
        _expect_real_scalar(Z)
        expected, bias = ref.conv_single_step(a, W, b), b.item()
        if np.isclose(Z, expected, rtol=RTOL, atol=ATOL):
            continue
        products = expected - bias
        for wrong, message in (
            (products, "the bias is missing; add b once after the sum"),
            (products + f * f * n_C_prev * bias,
             "the bias is added inside the sum, once per element (f*f*n_C_prev times); add it once, after the sum"),
            (products - bias, "the bias is subtracted; add it"),
            (np.mean(a * W) + bias, "this is the mean of a_slice_prev * W; use the sum"),
        ):
            expect(not np.isclose(Z, wrong, rtol=RTOL, atol=ATOL), message)
        raise GradingError(f"for a window of shape {a.shape} got {_fmt(Z)}, expected Σ(a_slice_prev * W) + b "
                           f"= {_fmt(expected)}")


# =============================================================================== ex. 3
def _conv_forward_diagnoses(A_prev, W, b, hparameters, expected):
    n_H, n_W, n_C = expected.shape[1:]
    without_bias = expected - b

    def only_bias_wrong(out):
        shift = out - without_bias
        return np.allclose(shift, shift[:1, :1, :1, :], rtol=RTOL, atol=ATOL)

    return (
        ("the window starts at h (and w) instead of h*stride (and w*stride)",
         _like(lambda: ref.conv_forward(A_prev, W, b, {**hparameters, "stride": 1})[0][:, :n_H, :n_W, :])),
        ("the kernel is flipped; this layer computes a cross-correlation, use W[:, :, :, c] as it is",
         _like(lambda: ref.conv_forward(A_prev, W[::-1, ::-1], b, hparameters)[0])),
        ("every output channel uses the same filter; channel c must use W[:, :, :, c]",
         _like(lambda: ref.conv_forward(A_prev, np.repeat(W[..., :1], n_C, axis=3), b, hparameters)[0])),
        ("the bias is missing; add b[:, :, :, c] to every output of channel c", _like(lambda: without_bias)),
        ("only the bias is wrong: channel c must add b[:, :, :, c] once (wrong channel?)", only_bias_wrong),
    )


@hidden_test
def check_conv_forward(conv_forward):
    """Exercise 3: full Z against NumPy and tf.nn.conv2d references, size formula, full cache."""
    rng = _rng(3)
    cases = CONV_FORWARD_CASES + tuple(_random_conv_case(rng) for _ in range(2))
    with isolated_globals(conv_forward, zero_pad=ref.zero_pad, conv_single_step=ref.conv_single_step):
        for k, case in enumerate(cases):
            A_prev, W, b, hparameters = _conv_inputs(rng, case)
            if k % 2:
                out = _call(conv_forward, A_prev=A_prev, W=W, b=b, hparameters=hparameters)
            else:
                out = _call(conv_forward, A_prev, W, b, hparameters)
            Z, cache = _expect_tuple(out, 2, "the result of conv_forward (Z, cache)")
            expected = ref.tf_conv_forward(A_prev, W, b, hparameters) if k < 2 else \
                ref.conv_forward(A_prev, W, b, hparameters)[0]
            _expect_array(
                Z, expected,
                f"Z for A_prev {A_prev.shape}, W {W.shape}, stride={case.stride}, pad={case.pad}",
                shape_hints=_size_hints(case, case.pad, case.n_C, CONV_SIZE),
                diagnoses=_conv_forward_diagnoses(A_prev, W, b, hparameters, expected),
                hint="Z[i, h, w, c] must use rows h*stride ... h*stride+f-1 and columns w*stride ... w*stride+f-1 "
                     "of the padded example i, all input channels, W[:, :, :, c] and b[:, :, :, c]")
            _expect_cache(cache, (("A_prev", A_prev), ("W", W), ("b", b), ("hparameters", hparameters)),
                          "conv_forward",
                          special={("A_prev", ref.zero_pad(A_prev, case.pad).shape):
                                   "it is the padded input; store the original (unpadded) A_prev"}
                          if case.pad else None)


# =============================================================================== ex. 4
def _pool_forward_diagnoses(A_prev, hparameters, mode, n_H, n_W):
    f, stride = hparameters["f"], hparameters["stride"]
    other = "average" if mode == "max" else "max"
    pooled = ref.pool_forward(A_prev, hparameters, mode)[0]
    diagnoses = [
        ("the window covers all channels together; pool each channel separately (A_prev[i, rows, cols, c])",
         _like(lambda: np.broadcast_to((np.max if mode == "max" else np.mean)(pooled, axis=3, keepdims=True),
                                       pooled.shape))),
        ("the window starts at h (and w) instead of h*stride (and w*stride)",
         _like(lambda: ref.pool_forward(A_prev, {"f": f, "stride": 1}, mode)[0][:, :n_H, :n_W, :])),
        (f"mode={mode!r} computes the {other} (modes swapped?)",
         _like(lambda: ref.pool_forward(A_prev, hparameters, other)[0])),
    ]
    if mode == "average":
        diagnoses.append(("mode='average' computes the sum of the window; take the mean (divide by f*f)",
                          _like(lambda: pooled * f * f)))
    return diagnoses


def _expect_unknown_mode_raises(pool_forward, A_prev, hparameters) -> None:
    for bad in ("min", "avg"):
        try:
            pool_forward(A_prev, hparameters, mode=bad)
        except ValueError:
            continue
        except Exception as err:
            raise GradingError(f"pool_forward(..., mode={bad!r}) raised {type(err).__name__}; an unknown mode "
                               "must raise ValueError") from None
        raise GradingError(f"pool_forward(..., mode={bad!r}) returned without raising; any mode other than "
                           "'max' or 'average' must raise ValueError (e.g. else: raise ValueError(...))")


@hidden_test
def check_pool_forward(pool_forward):
    """Exercise 4: both modes against NumPy and tf.nn pooling, stride != f, cache, unknown mode."""
    rng = _rng(4)
    for k, case in enumerate(POOL_FORWARD_CASES + (_random_pool_case(rng),)):
        A_prev, hparameters = _pool_inputs(rng, case)
        for mode in ("max", "average"):
            style = _mode_style(k, mode)
            out = _call_with_mode(pool_forward, style, {"A_prev": A_prev, "hparameters": hparameters}, mode)
            A, cache = _expect_tuple(out, 2, "the result of pool_forward (A, cache)")
            expected = ref.tf_pool_forward(A_prev, hparameters, mode) if k < 2 else \
                ref.pool_forward(A_prev, hparameters, mode)[0]
            diagnoses = _pool_forward_diagnoses(A_prev, hparameters, mode, *expected.shape[1:3])
            if style == "default":
                diagnoses.insert(0, ("without a mode argument the default must be mode='max'",
                                     _like(lambda: ref.pool_forward(A_prev, hparameters, "average")[0])))
            _expect_array(
                A, expected,
                f"A for {_mode_text(mode, style)}, A_prev {A_prev.shape}, f={case.f}, stride={case.stride}",
                shape_hints=_size_hints(case, 0, case.n_C, POOL_SIZE), diagnoses=diagnoses,
                hint=f"A[i, h, w, c] is the {mode} of A_prev[i, h*stride:h*stride+f, w*stride:w*stride+f, c]")
            _expect_cache(cache, (("A_prev", A_prev), ("hparameters", hparameters)), "pool_forward")
    _expect_unknown_mode_raises(pool_forward, A_prev, hparameters)


# =============================================================================== ex. 5
def _conv_backward_hints(case: ConvCase, A_prev, W, b, hparameters, dZ, expected):
    """Shape hints, value diagnoses and generic hints for ``(dA_prev, dW, db)``."""
    m, n_H, n_W, n_C = dZ.shape
    p = case.pad
    padded = (m, case.n_H_prev + 2 * p, case.n_W_prev + 2 * p, case.n_C_prev)
    shape_hints = {
        "dA_prev": {padded: "the padding was not removed; return dA_prev_pad[:, pad:pad+n_H_prev, pad:pad+n_W_prev, :]",
                    (m, 0, 0, case.n_C_prev): "slicing with [pad:-pad] gives an empty array when pad = 0; "
                                              "use pad:pad+n_H_prev and pad:pad+n_W_prev"},
        "db": {(n_C,): "db must have the shape of b, (1, 1, 1, n_C)"},
    }
    coverage = ref.window_coverage(case.n_H_prev, case.n_W_prev, case.f, case.stride, p)
    last_window = ref.zero_pad(A_prev, p)[-1, (n_H - 1) * case.stride:(n_H - 1) * case.stride + case.f,
                                          (n_W - 1) * case.stride:(n_W - 1) * case.stride + case.f, :]
    diagnoses = {
        "dA_prev": (
            ("the kernel is flipped; the forward pass is a cross-correlation, use W[:, :, :, c] as it is",
             _like(lambda: ref.conv_backward(dZ, (A_prev, W[::-1, ::-1], b, hparameters))[0])),
            _overlap_only(expected[0], coverage,
                          "it is wrong only where windows overlap (stride < f): accumulate with += into dA_prev_pad"),
        ),
        "dW": (
            ("dW keeps only the last window's contribution; accumulate with += over every i, h, w",
             _like(lambda: np.einsum("rsk,n->rskn", last_window, dZ[-1, -1, -1]))),
        ),
        "db": (
            ("db keeps only the last position's dZ; accumulate with += over every i, h, w",
             _like(lambda: np.reshape(dZ[-1, -1, -1], b.shape))),
        ),
    }
    overlap = " Windows overlap here (stride < f), so every update must use +=." if coverage.max() > 1 else ""
    hints = {
        "dA_prev": "for every (i, h, w, c) add W[:, :, :, c] * dZ[i, h, w, c] into the window of dA_prev_pad, "
                   "then remove the padding." + overlap,
        "dW": "dW[:, :, :, c] is the sum over i, h, w of a_slice * dZ[i, h, w, c], a_slice being the window of "
              "the PADDED input A_prev_pad[i]." + overlap,
        "db": "db[:, :, :, c] is dZ[..., c] summed over m, n_H and n_W",
    }
    return shape_hints, diagnoses, hints


@hidden_test
def check_conv_backward(conv_backward):
    """Exercise 5: full (dA_prev, dW, db) against NumPy, tf.GradientTape and central differences."""
    rng = _rng(5)
    cases = CONV_BACKWARD_CASES + (_random_conv_case(rng, max_m=2, max_n=7, max_c=3),)
    with isolated_globals(conv_backward, zero_pad=ref.zero_pad):
        for k, case in enumerate(cases):
            A_prev, W, b, hparameters = _conv_inputs(rng, case)
            Z, cache = ref.conv_forward(A_prev, W, b, hparameters)
            dZ = rng.standard_normal(Z.shape)
            got = _expect_tuple(_call(conv_backward, dZ, cache) if k % 2 else
                                _call(conv_backward, dZ=dZ, cache=cache),
                                3, "the result of conv_backward (dA_prev, dW, db)")
            expected = ref.conv_backward(dZ, cache)
            where = f" for A_prev {A_prev.shape}, W {W.shape}, stride={case.stride}, pad={case.pad}"
            shape_hints, diagnoses, hints = _conv_backward_hints(case, A_prev, W, b, hparameters, dZ, expected)
            check = dict(where=where, shape_hints=shape_hints, diagnoses=diagnoses, hints=hints)
            _expect_conv_gradients(got, expected, source="the reference", **check)
            if k < 2:
                _expect_conv_gradients(got, ref.tf_conv_backward(dZ, cache), source="tf.GradientTape", **check)
                numerical = grad_check(lambda *x: ref.conv_forward(*x, hparameters)[0], (A_prev, W, b), dZ)
                _expect_conv_gradients(got, numerical, source="a numerical gradient check",
                                       tol=(GRAD_RTOL, GRAD_ATOL), **check)


# =============================================================================== ex. 6
@hidden_test
def check_create_mask_from_window(create_mask_from_window):
    """Exercise 6: boolean mask, all tied maxima True, negative windows, several sizes."""
    rng = _rng(6)
    windows = [rng.standard_normal((f, f)) - 2.0 for f in (1, 2, 3, 5)] + [np.array(w) for w in TIED_WINDOWS]
    for x in windows:
        mask = _call(create_mask_from_window, x=x) if x.size % 2 else _call(create_mask_from_window, x)
        expected = ref.create_mask_from_window(x)
        _expect_array(
            mask, expected, f"the mask of the window {np.round(x, 4).tolist()}", dtype=np.bool_,
            diagnoses=(
                ("only one of the tied maxima is True (np.argmax keeps the first one); every position equal to "
                 "the maximum must be True: x == np.max(x)",
                 lambda out: expected.sum() > 1 and out.sum() == 1 and not np.any(out & ~expected)),
                ("it marks the minimum; mark the maximum", _like(lambda: x == np.min(x))),
                ("it compares with the maximum of each row or column; use the maximum of the whole window",
                 lambda out: _close(out, x == x.max(axis=0)) or _close(out, x == x.max(axis=1, keepdims=True))),
            ),
            hint="the mask is True exactly where x equals the maximum of the whole window: x == np.max(x)")


# =============================================================================== ex. 7
@hidden_test
def check_distribute_value(distribute_value):
    """Exercise 7: the full array (not only its sum) on non-square shapes."""
    for k, (dz, shape) in enumerate(DISTRIBUTE_CASES):
        n_H, n_W = shape
        out = _call(distribute_value, dz=dz, shape=shape) if k % 2 else _call(distribute_value, dz, shape)
        expected = ref.distribute_value(dz, shape)

        def uniform(value):
            return lambda out: _close(out, np.full(shape, value))

        _expect_array(
            out, expected, f"distribute_value({dz}, {shape})",
            shape_hints={(n_W, n_H): "the shape is transposed; build the array with shape = (n_H, n_W)",
                         (n_H, n_H): "the width is taken from n_H; the array has shape (n_H, n_W)",
                         (n_W, n_W): "the height is taken from n_W; the array has shape (n_H, n_W)"},
            diagnoses=(
                ("dz is not divided; every cell gets dz / (n_H * n_W)", uniform(dz)),
                ("dz is divided by n_H only; divide by n_H * n_W", uniform(dz / n_H)),
                ("dz is divided by n_W only; divide by n_H * n_W", uniform(dz / n_W)),
                ("dz is divided by n_H + n_W; divide by n_H * n_W", uniform(dz / (n_H + n_W))),
                ("dz is multiplied by the window size; divide by n_H * n_W", uniform(dz * n_H * n_W)),
                ("the values add up to dz but are not spread evenly; every cell gets dz / (n_H * n_W)",
                 lambda out: np.isclose(out.sum(), dz) and not np.allclose(out, out.flat[0])),
            ),
            hint="every cell must hold dz / (n_H * n_W)")


# =============================================================================== ex. 8
def _pool_backward_diagnoses(dA, cache, mode, expected, default: bool):
    A_prev, hparameters = cache
    f = hparameters["f"]
    other = "average" if mode == "max" else "max"
    coverage = ref.window_coverage(*A_prev.shape[1:3], f, hparameters["stride"])
    diagnoses = [
        (f"mode={mode!r} gives the gradient of {other} pooling" + (" (the default must be mode='max')"
                                                                    if default else " (modes swapped?)"),
         _like(lambda: ref.pool_backward(dA, cache, other))),
        _overlap_only(expected, coverage,
                      "it is wrong only where windows overlap (stride < f): accumulate with += into dA_prev"),
    ]
    if mode == "average":
        diagnoses.append(("average mode does not divide by f*f; use distribute_value(dA[i, h, w, c], (f, f))",
                          _like(lambda: expected * f * f)))
    return diagnoses


@hidden_test
def check_pool_backward(pool_backward):
    """Exercise 8: both modes, overlapping windows, gaps, ties; NumPy, TF and numerical references."""
    rng = _rng(8)
    hints = {"max": "add create_mask_from_window(A_prev[i, rows, cols, c]) * dA[i, h, w, c] into "
                    "dA_prev[i, rows, cols, c], rows = h*stride ... h*stride+f-1 (columns likewise)",
             "average": "add distribute_value(dA[i, h, w, c], (f, f)) into dA_prev[i, rows, cols, c], "
                        "rows = h*stride ... h*stride+f-1 (columns likewise)"}
    cases = [(case, *_pool_inputs(rng, case)) for case in POOL_BACKWARD_CASES]
    tied = PoolCase(2, 5, 4, 2, 2, 1)
    cases.append((tied, rng.integers(0, 3, tied[:4]).astype(np.float64), {"f": tied.f, "stride": tied.stride}))
    with isolated_globals(pool_backward, create_mask_from_window=ref.create_mask_from_window,
                          distribute_value=ref.distribute_value):
        for k, (case, A_prev, hparameters) in enumerate(cases):
            has_ties = case is tied
            A, cache = ref.pool_forward(A_prev, hparameters)
            dA = rng.standard_normal(A.shape)
            for mode in ("max",) if has_ties else ("max", "average"):
                style = _mode_style(k, mode)
                got = _call_with_mode(pool_backward, style, {"dA": dA, "cache": cache}, mode)
                expected = ref.pool_backward(dA, cache, mode)
                what = f"dA_prev for {_mode_text(mode, style)}, A_prev {A_prev.shape}, f={case.f}, stride={case.stride}"
                check = dict(diagnoses=_pool_backward_diagnoses(dA, cache, mode, expected, style == "default"),
                             hint=hints[mode] + (". With tied maxima in a window, every tied position receives "
                                                 "dA[i, h, w, c]" if has_ties else ""))
                _expect_array(got, expected, what + " (compared with the reference)",
                              shape_hints={A.shape: "dA_prev must have the shape of A_prev, not of dA"}, **check)
                if k < 2:
                    _expect_array(got, ref.tf_pool_backward(dA, cache, mode), what + " (compared with "
                                  "tf.GradientTape)", **check)
                    numerical, = grad_check(lambda x: ref.pool_forward(x, hparameters, mode)[0], (A_prev,), dA)
                    _expect_array(got, numerical, what + " (compared with a numerical gradient check)",
                                  rtol=GRAD_RTOL, atol=GRAD_ATOL, **check)
