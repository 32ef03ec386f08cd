"""Grading of ``w3a2_unet``, checked directly (in-process, no nbgrader).

(a) the references are the spec's model: the public table, parameter counts, other sizes;
(b) the hidden checks pass on the references and on the notebook's solutions, quietly;
(c) every registered mutant fails its hidden check (some with a message that names the mistake),
    every alternative passes; the spec's list of mutants is covered;
(d) check_unet_model grades the learner's network with reference blocks (a broken block costs only
    its own exercise) and restores the learner's globals afterwards;
(e) public tests pass on the solutions and the alternatives, catch typical mutants, and hold neither
    a grading import nor a solution.
"""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from helpers import checks_of, variant_id

import grading.w3a2 as hidden
import grading.w3a2.reference as ref
import public_tests.w3a2 as public
from cnnkit.testing import first_difference, summary
from grading import notebook as nbu
from grading.common import GradingError
from grading.w3a2.mutants import REGISTRY

TARGETS = ("conv_block", "upsampling_block", "unet_model")
REFERENCES = {"conv_block": ref.conv_block, "upsampling_block": ref.upsampling_block, "unet_model": ref.unet_model}
hidden_check, public_check = checks_of("w3a2")


@pytest.fixture(scope="module")
def ns(tf):
    """The notebook's namespace: the setup cell and the instructor's solutions."""
    return nbu.solution_namespace("w3a2_unet")


@pytest.fixture(scope="module")
def ref_ns(ns):
    """The notebook's namespace with the reference blocks (what the unet_model variants call)."""
    return dict(ns, conv_block=ref.conv_block, upsampling_block=ref.upsampling_block)


# ============================================================================ (a) references
def test_reference_unet_matches_the_public_table(tf):
    model = ref.unet_model()
    assert first_difference(summary(model), public.UNET_TABLE) is None
    assert len(public.UNET_TABLE) == 35 and model.count_params() == 8_640_471
    assert all(w.trainable for w in model.weights)
    for size, nf, nc in (((64, 96, 1), 8, 5), ((32, 48, 4), 4, 3)):
        other = ref.unet_model(size, nf, nc)
        assert first_difference(summary(other), public._unet_table(size, nf, nc)) is None
        assert tuple(other.outputs[0].shape) == (None, *size[:2], nc)
    # the parameter rules of the spec
    t = public.UNET_TABLE
    assert t[17][2] == 9 * 512 * 256 + 256 and t[34][2] == 32 * 23 + 23 and t[18][1][-1] == 256 + 256


def test_reference_blocks_compute_what_the_spec_says(tf):
    """conv_block on an array: relu(conv(relu(conv(x)))) pooled 2x2; recomputed with tf.nn from its weights."""
    x = hidden._inputs((2, 8, 12, 3), 5)
    inp = tf.keras.Input((8, 12, 3))
    model = tf.keras.Model(inp, list(ref.conv_block(inp, 4, 0.5)))
    model.set_weights(hidden._weights_like(model, 1))
    k1, b1, k2, b2 = model.get_weights()
    h = tf.nn.relu(tf.nn.conv2d(x, k1, 1, "SAME") + b1)
    h = tf.nn.relu(tf.nn.conv2d(h, k2, 1, "SAME") + b2).numpy()
    nxt, skip = (np.asarray(t) for t in model(x, training=False))
    np.testing.assert_allclose(skip, h, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(nxt, h.reshape(2, 4, 2, 6, 2, 4).max(axis=(2, 4)), rtol=1e-5, atol=1e-5)


# ============================================================================ (b) hidden checks on correct code
@pytest.mark.parametrize("target", TARGETS)
def test_hidden_check_passes_on_reference_quietly(target, tf, capfd):
    hidden_check(target)(REFERENCES[target])
    out, err = capfd.readouterr()
    assert out == f"check_{target}: hidden tests passed.\n" and err == ""


@pytest.mark.parametrize("target", TARGETS)
def test_hidden_check_passes_on_the_notebook_solution(target, ns, capfd):
    hidden_check(target)(ns[target])
    out, err = capfd.readouterr()
    assert out == f"check_{target}: hidden tests passed.\n" and err == ""


# ============================================================================ (c) mutation harness
def test_registry_covers_the_graded_functions_and_the_spec_list():
    assert REGISTRY.assignment == "w3a2_unet"
    assert REGISTRY.targets() == list(TARGETS)
    for target in TARGETS:
        assert len(REGISTRY.mutants(target)) >= 5 and len(REGISTRY.alternatives(target)) >= 2, target
    spec_list = {
        "conv_block": ("skip_before_dropout", "glorot_initializer", "valid_padding", "always_pool", "dropout_always"),
        "upsampling_block": ("concat_swapped", "concat_wrong_axis", "transpose_stride_one", "transpose_kernel_two"),
        "unet_model": ("missing_final_conv", "softmax_head", "relu_head", "glorot_conv9", "valid_conv9", "no_dropout",
                       "pool_in_block5", "linear_filters", "skips_shifted"),
    }
    for target, names in spec_list.items():
        for name in names:
            assert not REGISTRY.get(target, name).correct


MESSAGES = {
    ("conv_block", "skip_before_dropout"): ("skip connection comes from a Conv2D layer", "after the dropout"),
    ("conv_block", "always_pool"): ("created a pooling layer",),
    ("conv_block", "dropout_always"): ("created a Dropout layer",),
    ("conv_block", "glorot_initializer"): ("kernel_initializer 'GlorotUniform', expected 'HeNormal'",),
    ("conv_block", "valid_padding"): ("padding='same'",),
    ("conv_block", "outputs_swapped"): ("skip connection comes from a MaxPooling2D layer",),
    ("upsampling_block", "concat_swapped"): ("first input comes from InputLayer",),
    ("upsampling_block", "concat_wrong_axis"): ("axis=3",),
    ("upsampling_block", "transpose_stride_one"): ("strides=2",),
    ("upsampling_block", "transpose_kernel_two"): ("3x3 kernel",),
    ("unet_model", "missing_final_conv"): ("layers",),
    ("unet_model", "softmax_head"): ("activation 'softmax', expected 'linear'",),
    ("unet_model", "relu_head"): ("activation 'relu', expected 'linear'",),
    ("unet_model", "no_dropout"): ("dropout_prob=0.3",),
    ("unet_model", "skips_shifted"): ("skip connection",),
    ("unet_model", "pool_in_block5"): ("failed",),
}
"""Phrases the failure message of some mutants must contain (it says what is probably wrong)."""


@pytest.mark.parametrize("v", REGISTRY.mutants(), ids=variant_id)
def test_mutant_fails_hidden_check_with_a_useful_message(v, ns, ref_ns):
    fn = v.build(ref_ns if v.target == "unet_model" else ns)
    with pytest.raises(GradingError) as info:
        hidden_check(v.target)(fn)
    for phrase in MESSAGES.get((v.target, v.name), ()):
        assert phrase in str(info.value), (phrase, str(info.value))


@pytest.mark.parametrize("v", REGISTRY.alternatives(), ids=variant_id)
def test_alternative_passes_hidden_check_quietly(v, ns, capfd):
    if v.target == "unet_model":  # broken blocks in the notebook must not cost the unet_model exercise
        ns = dict(ns, conv_block=REGISTRY.get("conv_block", "skip_before_dropout").build(ns),
                  upsampling_block=REGISTRY.get("upsampling_block", "concat_swapped").build(ns))
    start = time.perf_counter()
    fn = v.build(ns)
    hidden_check(v.target)(fn)
    if v.target == "unet_model":
        assert fn.__globals__["conv_block"] is not ref.conv_block  # restored after the check
        assert fn.__globals__["conv_block"].__name__ == "conv_block"
    assert time.perf_counter() - start < 60.0
    out, err = capfd.readouterr()
    assert out == f"check_{v.target}: hidden tests passed.\n" and err == ""


# ============================================================================ (d) isolation
def test_unet_check_uses_reference_blocks_and_restores_the_learners(ns):
    broken_conv = REGISTRY.get("conv_block", "glorot_initializer").build(ns)
    broken_up = REGISTRY.get("upsampling_block", "concat_wrong_axis").build(ns)
    learner = dict(ns, conv_block=broken_conv, upsampling_block=broken_up)
    exec(compile(nbu.solutions(nbu.read(nbu.notebook_path("w3a2_unet")))["unet_model"], "<unet>", "exec"), learner)
    hidden.check_unet_model(learner["unet_model"])
    assert learner["conv_block"] is broken_conv and learner["upsampling_block"] is broken_up


def test_unet_values_check_catches_a_swap_the_summary_cannot_see(tf, ns):
    """With concat_swapped blocks the full summary is identical; the logits with copied weights are not."""
    swapped = REGISTRY.get("upsampling_block", "concat_swapped").build(ns)
    unet = dict(ns, upsampling_block=swapped)
    exec(compile(nbu.solutions(nbu.read(nbu.notebook_path("w3a2_unet")))["unet_model"], "<unet>", "exec"), unet)
    model = unet["unet_model"]((32, 48, 3), 4, 3)
    reference = ref.unet_model((32, 48, 3), 4, 3)
    assert summary(model) == summary(reference)
    reference.set_weights(model.get_weights())
    x = hidden._inputs((1, 32, 48, 3), 1)
    assert not np.allclose(np.asarray(model(x, training=False)), np.asarray(reference(x, training=False)), atol=1e-3)


# ============================================================================ (e) public tests
PUBLIC_CATCHES = {
    "conv_block": ("skip_before_dropout", "always_pool", "dropout_always", "dropout_never", "glorot_initializer",
                   "valid_padding", "second_conv_linear", "outputs_swapped", "pool_stride_one"),
    "upsampling_block": ("concat_swapped", "concat_wrong_axis", "transpose_stride_one", "transpose_kernel_two",
                         "one_conv", "half_filters_up", "upsampling_layer"),
    "unet_model": ("missing_final_conv", "softmax_head", "relu_head", "glorot_conv9", "no_dropout", "pool_in_block5",
                   "linear_filters", "decoder_filters_constant", "skips_shifted", "hardcoded_input", "head_n_filters"),
}


@pytest.mark.parametrize("target", TARGETS)
def test_public_test_passes_on_the_solution_quietly(target, ns, capfd):
    public_check(target)(ns[target])
    out, err = capfd.readouterr()
    assert out == "All tests passed.\n" and err == ""


@pytest.mark.parametrize("v", REGISTRY.alternatives(), ids=variant_id)
def test_public_test_passes_on_alternative(v, ns, capfd):
    public_check(v.target)(v.build(ns))
    out, err = capfd.readouterr()
    assert out == "All tests passed.\n" and err == ""


@pytest.mark.parametrize("v", [REGISTRY.get(t, n) for t, names in PUBLIC_CATCHES.items() for n in names],
                         ids=variant_id)
def test_public_test_catches_mutant(v, ns, ref_ns):
    with pytest.raises(AssertionError):
        public_check(v.target)(v.build(ref_ns if v.target == "unet_model" else ns))


def test_public_unet_test_blames_a_broken_block_instead_of_failing(ns, capsys):
    broken = dict(ns, conv_block=REGISTRY.get("conv_block", "valid_padding").build(ns))
    unet = REGISTRY.get("unet_model", "loops").build(broken)
    assert public.unet_model_test(unet) is None
    out = capsys.readouterr().out
    assert "`conv_block`, which fails its own test" in out and "All tests passed" not in out


def test_public_tests_hold_no_grading_import_or_solution():
    source = Path(public.__file__).read_text()
    assert "grading" not in source
    for name in TARGETS:
        assert f"def {name}(" not in source
    assert public.__all__ == ["conv_block_test", "upsampling_block_test", "unet_model_test", "UNET_TABLE"]
