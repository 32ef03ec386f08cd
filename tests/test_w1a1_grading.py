"""Grading of w1a1 (conv and pool step by step), checked directly, without nbgrader.

(a) the NumPy references agree with the TensorFlow ones and with numerical gradients;
(b) every hidden check passes on the references, quietly;
(c) every registered mutant loses its exercise's points, (d) every alternative keeps them;
(e) public tests pass on the references and alternatives and catch typical mutants;
(f) hidden checks isolate the helpers a graded function calls.

Exercise numbers: 1 zero_pad, 2 conv_single_step, 3 conv_forward, 4 pool_forward,
5 conv_backward, 6 create_mask_from_window, 7 distribute_value, 8 pool_backward.
"""
import inspect
import time
from pathlib import Path

import numpy as np
import pytest
from helpers import checks_of

import grading.w1a1 as hidden
import grading.w1a1.reference as ref
import public_tests.w1a1 as public
from cnnkit.testing import grad_check
from grading.w1a1.mutants import REGISTRY

EXERCISES = {name: k for k, name in enumerate(ref.GRADED, start=1)}
HELPERS = {"conv_forward": ("zero_pad", "conv_single_step"), "conv_backward": ("zero_pad",),
           "pool_backward": ("create_mask_from_window", "distribute_value")}


def namespace(**overrides) -> dict:
    """A notebook-like namespace: ``np`` and the reference versions of the graded functions."""
    return {"np": np, **{name: getattr(ref, name) for name in ref.GRADED}, **overrides}


variant = REGISTRY.get


hidden_check, public_check = checks_of("w1a1")


def _id(v) -> str:
    return v.name


# ============================================================================ (a) references
@pytest.mark.parametrize("seed", range(4))
def test_reference_conv_matches_tensorflow(seed):
    rng = np.random.default_rng(seed)
    case = hidden._random_conv_case(rng)
    A_prev, W, b, hparameters = hidden._conv_inputs(rng, case)
    Z, cache = ref.conv_forward(A_prev, W, b, hparameters)
    assert Z.shape == (case.m, ref.output_size(case.n_H_prev, case.f, case.stride, case.pad),
                       ref.output_size(case.n_W_prev, case.f, case.stride, case.pad), case.n_C)
    np.testing.assert_allclose(Z, ref.tf_conv_forward(A_prev, W, b, hparameters), rtol=1e-10, atol=1e-12)
    assert cache[0] is A_prev and cache[1] is W and cache[2] is b and cache[3] is hparameters
    dZ = rng.standard_normal(Z.shape)
    for mine, theirs in zip(ref.conv_backward(dZ, cache), ref.tf_conv_backward(dZ, cache)):
        assert mine.shape == theirs.shape
        np.testing.assert_allclose(mine, theirs, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("mode", ["max", "average"])
def test_reference_pool_matches_tensorflow(seed, mode):
    rng = np.random.default_rng(seed)
    A_prev, hparameters = hidden._pool_inputs(rng, hidden._random_pool_case(rng))
    A, cache = ref.pool_forward(A_prev, hparameters, mode)
    np.testing.assert_allclose(A, ref.tf_pool_forward(A_prev, hparameters, mode), rtol=1e-12)
    dA = rng.standard_normal(A.shape)
    np.testing.assert_allclose(ref.pool_backward(dA, cache, mode), ref.tf_pool_backward(dA, cache, mode),
                               rtol=1e-10, atol=1e-12)


def test_reference_backward_matches_numerical_gradients():
    rng = np.random.default_rng(7)
    A_prev, W, b, hparameters = hidden._conv_inputs(rng, hidden.ConvCase(2, 4, 5, 2, 3, 3, 2, 1))
    Z, cache = ref.conv_forward(A_prev, W, b, hparameters)
    dZ = rng.standard_normal(Z.shape)
    numerical = grad_check(lambda *x: ref.conv_forward(*x, hparameters), (A_prev, W, b), dZ)
    for mine, num in zip(ref.conv_backward(dZ, cache), numerical):
        np.testing.assert_allclose(mine, num, rtol=1e-6, atol=1e-7)
    for mode in ("max", "average"):
        X, hp = hidden._pool_inputs(rng, hidden.PoolCase(2, 5, 6, 2, 3, 1))
        dA = rng.standard_normal(ref.pool_forward(X, hp, mode)[0].shape)
        num, = grad_check(lambda x: ref.pool_forward(x, hp, mode), (X,), dA)
        np.testing.assert_allclose(ref.pool_backward(dA, (X, hp), mode), num, rtol=1e-6, atol=1e-7)


def test_reference_small_functions_and_contracts():
    X = np.arange(24.0).reshape(1, 2, 3, 4)
    np.testing.assert_array_equal(ref.zero_pad(X, 2), np.pad(X, ((0, 0), (2, 2), (2, 2), (0, 0))))
    a, W = np.random.default_rng(0).standard_normal((2, 2, 3, 4))
    Z = ref.conv_single_step(a, W, np.array([[[0.5]]]))
    assert type(Z) is np.float64 and np.isclose(Z, np.sum(a * W) + 0.5)
    np.testing.assert_array_equal(ref.create_mask_from_window(np.array([[1.0, 3.0], [3.0, 0.0]])),
                                  [[False, True], [True, False]])
    np.testing.assert_array_equal(ref.distribute_value(3.0, (2, 3)), np.full((2, 3), 0.5))
    np.testing.assert_array_equal(ref.window_coverage(4, 5, 3, 1, 1), np.outer([2, 3, 3, 2], [2, 3, 3, 3, 2]))
    for fn, args in ((ref.pool_forward, (X, {"f": 2, "stride": 1})), (ref.tf_pool_forward, (X, {"f": 2, "stride": 1})),
                     (ref.pool_backward, (np.ones((1, 1, 2, 4)), (X, {"f": 2, "stride": 1})))):
        with pytest.raises(ValueError):
            fn(*args, mode="min")


# ============================================================================ (b) hidden checks on references
@pytest.mark.parametrize("target", ref.GRADED)
def test_hidden_check_passes_on_reference_quietly(target, capfd):
    hidden_check(target)(getattr(ref, target))
    out, err = capfd.readouterr()
    assert out == f"check_{target}: hidden tests passed.\n"
    assert err == ""


@pytest.fixture(scope="module")
def tensorflow_imported():
    """Import TensorFlow once, as the notebook's setup would, so timings measure the checks only."""
    ref.tf_pool_forward(np.ones((1, 2, 2, 1)), {"f": 1, "stride": 1})


# ============================================================================ (c), (d) mutation harness
def test_registry_covers_every_graded_function():
    assert REGISTRY.targets() == list(ref.GRADED)
    for target in ref.GRADED:
        assert len(REGISTRY.mutants(target)) >= 6, target
        assert len(REGISTRY.alternatives(target)) >= 2, target


@pytest.mark.parametrize("v", REGISTRY.variants, ids=lambda v: v.id)
def test_variant_keeps_the_notebook_signature(v):
    assert inspect.signature(v.build(namespace())) == inspect.signature(getattr(ref, v.target))


def _exercise_tests(target: str, number: int):
    """``test_ex<n>_<target>_mutant_loses_points`` and ``..._alternative_keeps_points``."""

    @pytest.mark.parametrize("v", REGISTRY.mutants(target), ids=_id)
    def mutant_loses_points(v):
        with pytest.raises(AssertionError):
            hidden_check(target)(v.build(namespace()))

    @pytest.mark.parametrize("v", REGISTRY.alternatives(target), ids=_id)
    def alternative_keeps_points(v, tensorflow_imported):
        start = time.perf_counter()
        hidden_check(target)(v.build(namespace()))
        assert time.perf_counter() - start < 3.0, "a hidden test cell must finish within a few seconds"

    tests = {}
    for kind, fn in (("mutant_loses_points", mutant_loses_points),
                     ("alternative_keeps_points", alternative_keeps_points)):
        fn.__name__ = fn.__qualname__ = f"test_ex{number}_{target}_{kind}"
        tests[fn.__name__] = fn
    return tests


for _target, _number in EXERCISES.items():
    globals().update(_exercise_tests(_target, _number))
del _target, _number


def test_failure_messages_explain_the_mistake():
    cases = {
        ("conv_forward", "ceil_output_size"): "floor",
        ("conv_forward", "n_W_from_heights"): "n_W is computed from the heights",
        ("conv_forward", "padded_input_cached"): "unpadded",
        ("conv_single_step", "returns_array"): "b.item()",
        ("conv_single_step", "float_of_bias"): "NumPy 2",
        ("zero_pad", "pads_all_axes"): "per-axis widths",
        ("pool_forward", "unknown_mode_silent"): "ValueError",
        ("conv_backward", "minus_pad_slicing"): "pad = 0",
        ("conv_backward", "flipped_kernel"): "flipped",
        ("create_mask_from_window", "first_max_only"): "tied",
        ("distribute_value", "all_in_one_cell"): "evenly",
        ("pool_backward", "assign_instead_of_accumulate"): "+=",
        ("pool_backward", "average_without_division"): "f*f",
    }
    for (target, name), phrase in cases.items():
        with pytest.raises(AssertionError) as info:
            hidden_check(target)(variant(target, name).build(namespace()))
        assert phrase in str(info.value), (target, name, str(info.value))


# ============================================================================ (e) public tests
PUBLIC_CATCHES = {
    "zero_pad": ("pads_all_axes", "one_side_only", "nonzero_constant", "integer_zeros"),
    "conv_single_step": ("bias_inside_sum", "forgets_bias", "returns_array", "float_of_bias", "squeezed_0d_array"),
    "conv_forward": ("window_start_h_not_h_stride", "n_W_from_heights", "single_filter_for_all_channels",
                     "bias_wrong_channel", "padded_input_cached", "flipped_kernel", "cache_wrong_order"),
    "pool_forward": ("max_over_all_channels", "stride_ignored", "ceil_output_size", "average_computes_sum",
                     "unknown_mode_silent"),
    "conv_backward": ("assign_instead_of_accumulate", "flipped_kernel", "not_unpadded", "minus_pad_slicing",
                      "dW_assign", "stride_ignored"),
    "create_mask_from_window": ("first_max_only", "marks_minimum", "integer_mask", "normalizes_in_place"),
    "distribute_value": ("all_in_one_cell", "no_division", "transposed_shape"),
    "pool_backward": ("assign_instead_of_accumulate", "average_without_division", "stride_ignored",
                      "first_max_only", "mask_over_all_channels"),
}


@pytest.mark.parametrize("target", ref.GRADED)
def test_public_test_passes_on_reference_quietly(target, capfd):
    public_check(target)(getattr(ref, target))
    out, err = capfd.readouterr()
    assert out == "All tests passed.\n"
    assert err == ""


@pytest.mark.parametrize("v", REGISTRY.alternatives(), ids=lambda v: v.id)
def test_public_test_passes_on_alternative(v, capsys):
    public_check(v.target)(v.build(namespace()))


@pytest.mark.parametrize("v", [variant(t, n) for t, names in PUBLIC_CATCHES.items() for n in names],
                         ids=lambda v: v.id)
def test_public_test_catches_mutant(v):
    with pytest.raises(AssertionError):
        public_check(v.target)(v.build(namespace()))


def test_public_tests_hold_no_grading_import_or_graded_definition():
    source = Path(public.__file__).read_text()
    assert "grading" not in source
    for name in ref.GRADED:
        assert f"def {name}(" not in source
    assert "sliding_window_view" not in source and "np.pad(" not in source


# ============================================================================ (f) isolation
@pytest.mark.parametrize("target, helper, broken", [
    ("conv_forward", "zero_pad", "pads_all_axes"),
    ("conv_forward", "conv_single_step", "forgets_bias"),
    ("conv_backward", "zero_pad", "pads_all_axes"),
    ("pool_backward", "create_mask_from_window", "marks_minimum"),
    ("pool_backward", "distribute_value", "no_division"),
])
def test_broken_helper_only_costs_its_own_exercise(target, helper, broken, capsys):
    bad_helper = variant(helper, broken).build(namespace())
    solution = variant(target, "loops_with_helpers").build(namespace(**{helper: bad_helper}))
    # The public test blames the broken helper instead of failing this exercise too.
    public_check(target)(solution)
    assert f"calls `{helper}`, which fails its own test" in capsys.readouterr().out
    assert helper in HELPERS[target]
    hidden_check(target)(solution)
    assert solution.__globals__[helper] is bad_helper  # the learner's helper is restored afterwards
