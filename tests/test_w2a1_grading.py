"""Grading of ``w2a1_resnets``, checked directly (fast; no nbgrader).

(a) the residual-order helper and the test initializer;
(b) the references agree with each other: Keras blocks vs the plain-TF forward pass, the
    reference ResNet50 vs the public table;
(c) the hidden checks pass on the references, quietly;
(d) every mutant fails its hidden check, every alternative passes, with useful messages;
(e) public tests pass on references and alternatives and catch typical mutants;
(f) weights: int8 quantisation round trip, save/load with the manifest check, the shipped network.
"""
import math
import time
from pathlib import Path

import numpy as np
import pytest
from helpers import checks_of

import grading.w2a1 as hidden
import grading.w2a1.reference as ref
import public_tests.w2a1 as public
from cnnkit import files, resnet, weights
from cnnkit.testing import (
    Unordered,
    canonical_residual_order,
    comparator,
    layer_details,
    summary,
)
from grading.common import GradingError
from grading.w2a1.mutants import REGISTRY

TARGETS = ("identity_block", "convolutional_block", "ResNet50")
REFERENCES = {"identity_block": ref.identity_block, "convolutional_block": ref.convolutional_block,
              "ResNet50": ref.ResNet50}



@pytest.fixture(scope="module")
def ns(tf):
    """The notebook's namespace after the setup cell and correct block definitions."""
    L = tf.keras.layers
    names = ("Input Add Dense Activation ZeroPadding2D BatchNormalization Flatten Conv2D AveragePooling2D "
             "MaxPooling2D").split()
    return {"tf": tf, "np": np, **{n: getattr(L, n) for n in names}, "Model": tf.keras.Model,
            "random_uniform": tf.keras.initializers.random_uniform,
            "glorot_uniform": tf.keras.initializers.glorot_uniform,
            "identity_block": ref.identity_block, "convolutional_block": ref.convolutional_block}


def _id(v) -> str:
    return v.id


hidden_check, public_check = checks_of("w2a1")


# ============================================================================ (a) helpers
def test_shaped_values_depend_only_on_shape_and_vary_along_every_axis():
    a = hidden.shaped_values((3, 3, 4, 5))
    np.testing.assert_array_equal(a, hidden.shaped_values((3, 3, 4, 5)))
    for axis in range(4):
        assert np.all(np.abs(np.diff(a, axis=axis)).max(axis=axis) > 1e-3), axis
    assert not np.allclose(hidden.shaped_values((1, 1, 4, 5)).ravel(), a.ravel()[:20])


def test_recording_factory_accepts_and_records_seed():
    factory = hidden.RecordingFactory()
    init = factory(seed=0)
    factory(0)
    factory()
    assert factory.seeds() == [0, 0, None]
    np.testing.assert_allclose(np.asarray(init((1, 1, 2, 3))), hidden.shaped_values((1, 1, 2, 3)), rtol=1e-6)


def test_canonical_order_makes_add_operands_order_free(tf):
    def block(swapped):
        x = tf.keras.Input((5, 5, 5))  # 5 input channels: the shortcut conv has more weights than main 3
        m = ref.convolutional_block(x, 3, [2, 3, 4], s=2)
        if not swapped:
            return tf.keras.Model(x, m)
        v = REGISTRY.get("convolutional_block", "shortcut_first_add_swapped")
        fn = v.build({**_plain_ns(tf), "glorot_uniform": tf.keras.initializers.glorot_uniform})
        return tf.keras.Model(x, fn(x, 3, [2, 3, 4], s=2))

    plain, swapped = layer_details(block(False)), layer_details(block(True))
    assert [r[0] for r in plain][7:11] == ["Conv2D", "Conv2D", "BatchNormalization", "BatchNormalization"]
    assert plain[7][2] != swapped[7][2]  # Keras lists the parallel rows in the other order
    assert canonical_residual_order(plain) == plain  # the notebook's order is canonical already
    comparator(canonical_residual_order(swapped), plain)
    assert isinstance(canonical_residual_order(swapped)[11][-1]["inputs"], Unordered)


def _plain_ns(tf):
    L = tf.keras.layers
    return {n: getattr(L, n) for n in ("Conv2D", "BatchNormalization", "Activation", "Add")} | {"tf": tf}


# ============================================================================ (b) references
def test_keras_reference_blocks_match_the_plain_tf_forward_pass(tf):
    X = hidden._inputs((2, 7, 9, 3), 99)
    params = {**hidden._conv_params({"conv1": (1, 1, 3, 4), "conv2": (3, 3, 4, 5), "conv3": (1, 1, 5, 6),
                                      "conv_sc": (1, 1, 3, 6)}),
              "bn1": ref.fresh_bn(4), "bn2": ref.fresh_bn(5), "bn3": ref.fresh_bn(6), "bn_sc": ref.fresh_bn(6)}
    for training in (True, False):
        got = ref.convolutional_block(tf.constant(X), 3, [4, 5, 6], s=2, training=training,
                                      initializer=hidden.RecordingFactory())
        expected = ref.forward_convolutional(X, params, 2, training)
        assert got.shape == (2, 4, 5, 6)
        np.testing.assert_allclose(np.asarray(got), expected, atol=1e-4, rtol=1e-4)


def test_reference_resnet50_matches_spec_table(tf):
    model = ref.ResNet50((64, 64, 3), 6)
    rows = summary(model)
    assert len(rows) == 177 and model.count_params() == 23_600_006
    assert sum(math.prod(w.shape) for w in model.non_trainable_weights) == 53_120
    comparator([r[:-1] for r in canonical_residual_order(layer_details(model))], public.RESNET50_TABLE)
    counts = {}
    for r in rows:
        counts[r[0]] = counts.get(r[0], 0) + 1
    assert counts == {"InputLayer": 1, "ZeroPadding2D": 1, "Conv2D": 53, "BatchNormalization": 53,
                      "Activation": 49, "MaxPooling2D": 1, "Add": 16, "AveragePooling2D": 1, "Flatten": 1,
                      "Dense": 1}


# ============================================================================ (c) hidden checks on references
@pytest.mark.parametrize("target", TARGETS)
def test_hidden_check_passes_on_reference_quietly(target, tf, capfd):
    hidden_check(target)(REFERENCES[target])
    out, err = capfd.readouterr()
    assert out == f"check_{target}: hidden tests passed.\n" and err == ""


# ============================================================================ (d) mutation harness
def test_registry_covers_the_graded_functions():
    assert REGISTRY.assignment == "w2a1_resnets"
    assert REGISTRY.targets() == list(TARGETS)
    for target in ("identity_block", "convolutional_block"):
        assert len(REGISTRY.mutants(target)) >= 6 and len(REGISTRY.alternatives(target)) >= 3, target
    assert len(REGISTRY.mutants("ResNet50")) >= 6 and len(REGISTRY.alternatives("ResNet50")) >= 2


# Every ResNet50 check builds a 177-layer model (a few seconds each); three ResNet50 mutants run by
# default, the others with the rare heavy checks (the round-trip tests grade all of them anyway).
FAST_RESNET_MUTANTS = ("stage2_stride_2", "global_average_pooling", "hardcoded_classes")


def _mutant_params():
    return [pytest.param(v, id=v.id, marks=() if v.target != "ResNet50" or v.name in FAST_RESNET_MUTANTS
                         else pytest.mark.heavy) for v in REGISTRY.mutants()]


MESSAGES = {
    ("identity_block", "skip_after_relu"): ("expected Add", "before the final relu"),
    ("identity_block", "same_padding_1x1"): ("padding 'same', expected 'valid'",),
    ("identity_block", "initializer_without_seed"): ("'seed': None",),
    ("identity_block", "training_flag_ignored"): ("training=training",),
    ("identity_block", "training_always_true"): ("training=False normalised with the batch",),
    ("identity_block", "relu_layers"): ("is ReLU, expected Activation",),
    ("identity_block", "valid_padding_middle"): ("same shape at the Add",),
    ("convolutional_block", "stride_on_middle_conv"): ("strides (1, 1), expected (2, 2)",),
    ("convolutional_block", "shortcut_without_stride"): ("same shape at the Add",),
    ("convolutional_block", "one_shared_initializer"): ("called initializer 1 times for 4 convs",),
    ("convolutional_block", "shortcut_training_flag_ignored"): ("training=True",),
    ("ResNet50", "stage2_stride_2"): ("s=1",),
    ("ResNet50", "global_average_pooling"): ("not GlobalAveragePooling2D",),
    ("ResNet50", "hardcoded_classes"): ("(None, 4)",),
}
"""Phrases the failure message of some mutants must contain (it says what is probably wrong)."""


@pytest.mark.parametrize("v", _mutant_params())
def test_mutant_fails_hidden_check_with_a_useful_message(v, ns):
    with pytest.raises(GradingError) as info:
        hidden_check(v.target)(v.build(ns))
    for phrase in MESSAGES.get((v.target, v.name), ()):
        assert phrase in str(info.value), (phrase, str(info.value))


@pytest.mark.parametrize("v", REGISTRY.alternatives(), ids=_id)
def test_alternative_passes_hidden_check_quietly(v, ns, capfd):
    if v.target == "ResNet50":  # broken blocks in the notebook must not cost the ResNet50 exercise
        ns = dict(ns, identity_block=REGISTRY.get("identity_block", "skip_after_relu").build(ns),
                  convolutional_block=REGISTRY.get("convolutional_block", "relu_before_add").build(ns))
    start = time.perf_counter()
    fn = v.build(ns)
    hidden_check(v.target)(fn)
    if v.target == "ResNet50":
        assert fn.__globals__["identity_block"] is not ref.identity_block  # restored after the check
    assert time.perf_counter() - start < 60.0
    out, err = capfd.readouterr()
    assert out == f"check_{v.target}: hidden tests passed.\n" and err == ""


# ============================================================================ (e) public tests
PUBLIC_CATCHES = {
    "identity_block": ("skip_after_relu", "relu_before_add", "missing_third_batchnorm", "same_padding_1x1",
                       "valid_padding_middle", "hardcoded_initializer", "initializer_without_seed",
                       "training_flag_ignored", "relu_layers"),
    "convolutional_block": ("stride_on_middle_conv", "shortcut_without_stride", "shortcut_without_batchnorm",
                            "same_padding_1x1", "relu_before_add", "one_shared_initializer"),
    "ResNet50": ("missing_identity_block",),
}


@pytest.mark.parametrize("target", TARGETS)
def test_public_test_passes_on_reference_quietly(target, tf, capfd):
    public_check(target)(REFERENCES[target])
    out, err = capfd.readouterr()
    assert out == "All tests passed.\n" and err == ""


@pytest.mark.parametrize("v", REGISTRY.alternatives(), ids=_id)
def test_public_test_passes_on_alternative(v, ns, capfd):
    public_check(v.target)(v.build(ns))
    out, err = capfd.readouterr()
    assert out == "All tests passed.\n" and err == ""


@pytest.mark.parametrize("v", [REGISTRY.get(t, n) for t, names in PUBLIC_CATCHES.items() for n in names], ids=_id)
def test_public_test_catches_mutant(v, ns):
    with pytest.raises(AssertionError):
        public_check(v.target)(v.build(ns))


def test_public_tests_hold_no_grading_import_or_solution():
    source = Path(public.__file__).read_text()
    assert "grading" not in source
    for name in TARGETS:
        assert f"def {name}(" not in source
    assert public.__all__ == ["identity_block_test", "convolutional_block_test", "ResNet50_test"]


# ============================================================================ (f) weights
def test_quantize_round_trip_error_is_at_most_half_a_step():
    rng = np.random.default_rng(0)
    w = rng.normal(0, 0.1, size=(3, 3, 4, 8)).astype(np.float32)
    w[..., 5] = 0.0
    q, scale = weights.quantize_array(w)
    assert q.dtype == np.int8 and scale.shape == (8,) and scale.dtype == np.float32
    back = weights.dequantize_array(q, scale)
    assert np.all(np.abs(back - w) <= scale / 2 + 1e-7)
    assert np.all(back[..., 5] == 0.0)
    assert np.abs(q).max() == 127


def test_save_and_load_quantized_tiny_model_with_hash_check(tf, tmp_path, monkeypatch):
    L = tf.keras.layers
    tf.keras.utils.set_random_seed(3)

    def tiny():
        x = tf.keras.Input((6, 6, 2))
        h = L.BatchNormalization()(L.Conv2D(4, 3)(x))
        return tf.keras.Model(x, L.Dense(3, activation="softmax")(L.Flatten()(h)))

    model = tiny()
    bn = model.layers[2]
    bn.moving_mean.assign(np.arange(4, dtype=np.float32) * 0.1)
    path = tmp_path / "tiny.npz"
    card = weights.save_quantized(model, path)
    assert card["sha256"] == files.sha256_file(path) and card["n_weights"] == len(model.weights)
    assert weights.save_quantized(model, tmp_path / "again.npz")["sha256"] == card["sha256"]  # reproducible bytes
    assert [e["stored"] for e in weights.read_layout(path)["weights"]][:2] == ["int8", "float32"]
    other = tiny()
    weights.load_quantized(other, path)
    np.testing.assert_array_equal(other.layers[2].moving_mean.numpy(), bn.moving_mean.numpy())  # float32 as is
    X = np.random.default_rng(1).uniform(size=(5, 6, 6, 2)).astype(np.float32)
    np.testing.assert_allclose(other(X).numpy(), model(X).numpy(), atol=2e-2)
    with pytest.raises(weights.WeightsError, match="not found"):
        weights.load_quantized(tiny(), tmp_path / "missing.npz")
    with pytest.raises(weights.WeightsError, match="not the same architecture"):
        weights.load_quantized(tf.keras.Sequential([tf.keras.Input((3,)), L.Dense(2)]), path)
    # a shipped file (inside the datasets folder) is checked against the manifest first
    monkeypatch.setenv("CNN_COURSE_DATASETS", str(tmp_path))
    shipped = tmp_path / "weights" / "tiny.npz"
    weights.save_quantized(model, shipped, made_by="python scripts/tiny.py", accuracy=0.5)
    assert weights.load_quantized(tiny(), shipped)["accuracy"] == 0.5
    data = bytearray(shipped.read_bytes())
    data[-30] ^= 0xFF
    shipped.write_bytes(bytes(data))
    with pytest.raises(files.IntegrityError, match="(?s)damaged or was replaced.*python scripts/tiny.py"):
        weights.load_quantized(tiny(), shipped)


def test_shipped_resnet50_weights_and_model_card():
    path = files.weights_dir() / f"{resnet.RESNET50_SIGNS}.npz"
    entry = files.verify(path)
    assert entry["n_parameters"] == 23_600_006 and entry["n_weights"] == 53 * 6 + 2
    assert entry["test_accuracy_after_quantization"] >= 0.95
    assert "w2a1_train_resnet50.py" in entry["made_by"]
    assert path.stat().st_size < 30e6
    text = path.with_suffix(".md").read_text()
    assert entry["sha256"] in text and "w2a1_train_resnet50.py" in text
    files.verify(path.with_name(f"{resnet.RESNET50_SIGNS}.keras.json"))


def test_pretrained_resnet50_loads_without_a_builder_and_is_accurate(tf, capsys):
    model = resnet.load_pretrained_resnet50()
    assert "sha256 checked" in capsys.readouterr().out
    from cnnkit.data import convert_to_one_hot, load_signs_dataset

    _, _, X_test, Y_test, _ = load_signs_dataset(source="synthetic")
    _, acc = model.evaluate(X_test / 255.0, convert_to_one_hot(Y_test, 6).T, verbose=0)
    assert acc >= 0.95
    assert summary(model) == summary(ref.ResNet50((64, 64, 3), 6))


def test_loader_falls_back_when_original_file_is_unreadable(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "resnet50.h5"
    bad.write_bytes(b"not an h5 file")
    assert resnet._load_full_model(bad) is None
    assert "using the course's own weights instead" in capsys.readouterr().out


def test_public_resnet_test_blames_a_broken_block_instead_of_failing(ns, capsys):
    broken = dict(ns, identity_block=REGISTRY.get("identity_block", "skip_after_relu").build(ns))
    resnet = REGISTRY.get("ResNet50", "stage_table_loop").build(broken)
    assert public.ResNet50_test(resnet) is None
    out = capsys.readouterr().out
    assert "`identity_block`, which fails its own test" in out and "All tests passed" not in out
