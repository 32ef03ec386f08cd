"""Grading of w4a1 (face recognition), checked directly, without nbgrader.

(a) the references agree (TF triplet loss vs NumPy; who_is_it reference semantics);
(b) every hidden check passes on the notebook's solutions, quietly, and restores img_to_encoding;
(c) every registered mutant loses its exercise's points, (d) every alternative keeps them;
(e) public tests pass on the solutions and alternatives and catch the mutants;
(f) the spec's required mutants are all registered.
"""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import numpy as np
import pytest

from cnnkit.setup import quiet_tensorflow

tf = quiet_tensorflow()

import grading.w4a1 as hidden  # noqa: E402
import grading.w4a1.reference as ref  # noqa: E402
import public_tests.w4a1 as public  # noqa: E402
from cnnkit import face  # noqa: E402
from grading.w4a1.mutants import REGISTRY  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "solutions" / "w4a1_face_recognition" / "w4a1_face_recognition.ipynb"


def _solution_sources() -> dict[str, str]:
    from grading import notebook as nbu

    return nbu.solutions(nbu.read(NOTEBOOK))


def namespace(**overrides) -> dict:
    ns = {"tf": tf, "np": np, "img_to_encoding": face.img_to_encoding}
    for src in _solution_sources().values():
        exec(compile(src, "<solution>", "exec"), ns)
    ns.update(overrides)
    return ns


NS = namespace()


def _id(v):
    return v.id


# ============================================================================ (a) references
@pytest.mark.parametrize("seed", range(3))
def test_reference_triplet_loss_matches_numpy(seed):
    rng = np.random.default_rng(seed)
    for m, d in ((1, 2), (5, 16), (8, 128)):
        a, p, n = (rng.normal(size=(m, d)).astype(np.float32) for _ in range(3))
        for alpha in (0.2, -0.5, 2.0):
            got = ref.triplet_loss(None, (a, p, n), alpha)
            stacked = ref.triplet_loss(None, tf.constant(np.stack([a, p, n])), alpha)
            exp = ref.triplet_loss_numpy(a, p, n, alpha)
            assert float(got) == pytest.approx(exp, rel=1e-5, abs=1e-5)
            assert float(stacked) == pytest.approx(exp, rel=1e-5, abs=1e-5)
            assert got.dtype == tf.float32 and got.shape == ()


def test_reference_who_is_it_first_minimum_and_far_face():
    e = np.eye(3)[None]
    db = {"x": e[:, 0], "y": e[:, 1], "z": e[:, 1].copy()}
    assert ref.who_is_it_reference(e[:, 1], db) == (0.0, "y")
    far = -np.array([[0.5, 0.6, 0.6]]) / np.linalg.norm([0.5, 0.6, 0.6])
    dist, who = ref.who_is_it_reference(far, db)
    assert who == "x" and 0.7 < dist < 2
    assert ref.verify_reference(np.array([[0.7, 0.0]]), "a", {"a": np.zeros((1, 2))}) == (0.7, False)


def test_probes_are_consistent():
    probes = ref.probes()
    assert {p.target for p in probes} == set(hidden.GRADED)
    for p in probes:
        out = p.reference(*p.args, **p.kwargs)
        assert out is not None


# ============================================================================ (b) solution
@pytest.mark.parametrize("target", hidden.GRADED)
def test_hidden_check_passes_on_solution_quietly(target, capfd):
    getattr(hidden, f"check_{target}")(NS[target])
    out, err = capfd.readouterr()
    assert out.strip() == f"check_{target}: hidden tests passed." and err == ""
    assert NS["img_to_encoding"] is face.img_to_encoding        # the stub was taken away again


def test_registry_covers_every_graded_function():
    assert REGISTRY.targets() == list(hidden.GRADED)
    for fn in hidden.GRADED:
        assert len(REGISTRY.mutants(fn)) >= 5 and len(REGISTRY.alternatives(fn)) >= 2


@pytest.mark.parametrize("v", REGISTRY.variants, ids=_id)
def test_variant_keeps_the_notebook_signature(v):
    built = v.build(NS)
    assert inspect.signature(built).parameters.keys() == inspect.signature(NS[v.target]).parameters.keys()


# ============================================================================ (c)(d) variants
@pytest.mark.parametrize("v", REGISTRY.mutants(), ids=_id)
def test_mutant_loses_points(v):
    with pytest.raises(AssertionError) as info:
        getattr(hidden, f"check_{v.target}")(v.build(NS))
    assert len(str(info.value)) > 40          # says what is probably wrong


@pytest.mark.parametrize("v", REGISTRY.alternatives(), ids=_id)
def test_alternative_keeps_points(v):
    getattr(hidden, f"check_{v.target}")(v.build(NS))


def test_failure_messages_name_the_mistake():
    msgs = {}
    for name in ("no_clamp", "mean_not_sum", "clamp_after_sum", "unsquared", "no_axis"):
        with pytest.raises(AssertionError) as info:
            hidden.check_triplet_loss(REGISTRY.get("triplet_loss", name).build(NS))
        msgs[name] = str(info.value)
    assert "clamp" in msgs["no_clamp"] and "sum" in msgs["mean_not_sum"]
    assert "after" in msgs["clamp_after_sum"] and "squared" in msgs["unsquared"]
    assert "axis" in msgs["no_axis"]
    with pytest.raises(AssertionError, match="exactly 0.7"):
        hidden.check_verify(REGISTRY.get("verify", "verify_less_equal").build(NS))
    with pytest.raises(AssertionError, match="squared"):
        hidden.check_verify(REGISTRY.get("verify", "verify_squared").build(NS))
    with pytest.raises(AssertionError, match="img_to_encoding"):
        hidden.check_verify(REGISTRY.get("verify", "verify_bypass").build(NS))
    with pytest.raises(AssertionError, match="first"):
        hidden.check_who_is_it(REGISTRY.get("who_is_it", "who_last_tie").build(NS))
    with pytest.raises(AssertionError, match="nearest name"):
        hidden.check_who_is_it(REGISTRY.get("who_is_it", "who_none").build(NS))


def test_stub_is_restored_when_the_learner_code_crashes():
    def verify(image_path, identity, database, model):
        img_to_encoding(image_path, model)  # noqa: F821
        raise ValueError("boom")

    ns = dict(NS)
    exec(compile(inspect.getsource(verify).replace("    def", "def").replace("\n    ", "\n"), "<x>", "exec"), ns)
    with pytest.raises(AssertionError, match="ValueError"):
        hidden.check_verify(ns["verify"])
    assert ns["img_to_encoding"] is face.img_to_encoding


# ============================================================================ (e) public tests
@pytest.mark.parametrize("target", hidden.GRADED)
def test_public_test_passes_on_solution(target, capfd):
    getattr(public, f"{target}_test")(NS[target])
    out, err = capfd.readouterr()
    assert out.strip() == "All tests passed." and err == ""
    assert NS["img_to_encoding"] is face.img_to_encoding


@pytest.mark.parametrize("v", REGISTRY.alternatives(), ids=_id)
def test_public_test_passes_on_alternative(v, capsys):
    getattr(public, f"{v.target}_test")(v.build(NS))


CAUGHT_BY_PUBLIC = {"no_clamp", "mean_not_sum", "no_axis", "alpha_subtracted", "numpy_result", "verify_squared",
                    "verify_reversed", "verify_bypass", "verify_same_message", "who_none", "who_bypass",
                    "who_squared", "who_small_start"}


@pytest.mark.parametrize("v", [v for v in REGISTRY.mutants() if v.name in CAUGHT_BY_PUBLIC], ids=_id)
def test_public_test_catches_mutant(v):
    with pytest.raises(Exception):
        getattr(public, f"{v.target}_test")(v.build(NS))


def test_public_tests_hold_no_grading_import():
    src = Path(public.__file__).read_text()
    assert "grading" not in re.sub(r'""".*?"""', "", src, flags=re.S).replace("graded", "")
    assert not re.search(r"^def (triplet_loss|verify|who_is_it)\(", src, re.M)


# ============================================================================ (f) spec coverage
def test_spec_mutants_and_alternatives_are_registered():
    names = {v.name for v in REGISTRY.variants}
    required = {"no_clamp", "mean_not_sum", "clamp_after_sum", "unsquared", "no_axis", "anchor_negative_swapped",
                "verify_squared", "verify_less_equal", "verify_reversed", "verify_threshold_05", "verify_bypass",
                "who_no_identity_update", "who_last_tie", "who_none", "who_bypass",
                "norm_squared_relu", "verify_sqrt_sum", "who_min_dict"}
    assert required <= names, required - names


# ============================================================================ (g) across the wire
def test_scalar_results_keep_their_shape_across_the_wire():
    """Graded outside the kernel, triplet_loss's scalar tensor (and NumPy scalars such as verify's dist)
    come back through grading.wire: they must stay 0-d, or the check reports a shape (1,)."""
    from grading import wire

    enc, dec = wire.Encoder(lambda v: {"$handle": 0}), wire.Decoder(lambda t: None)
    loss = ref.triplet_loss(None, (tf.ones((2, 3)), tf.zeros((2, 3)), tf.ones((2, 3))))
    for value in (loss, np.float64(0.7), np.array(0.7), np.bool_(True), (np.float32(0.5), "kai")):
        tree, buffers = enc.encode(value)
        back = dec.decode(tree, buffers)
        assert np.shape(back) == np.shape(value)
    assert isinstance(dec.decode(*enc.encode(loss)), tf.Tensor)
