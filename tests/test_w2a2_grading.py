"""Grading of ``w2a2_transfer_learning``, checked directly (fast; no nbgrader).

(a) the references have the spec's structure (6 rows, base at index 2, block_13_pad at 119);
(b) the hidden checks pass on the notebook's solution cells and on the references, quietly;
(c) every mutant fails its hidden check with a useful message, every alternative passes;
(d) the public tests pass on the solution and alternatives and catch typical mutants;
(e) the probes for the bundle leak scan.
"""
from __future__ import annotations

import numpy as np
import pytest
from helpers import checks_of

import grading.w2a2.reference as ref
from cnnkit import transfer
from cnnkit.testing import summary
from grading import notebook as nbu
from grading.common import GradingError
from grading.w2a2.mutants import REGISTRY

ASSIGNMENT = "w2a2_transfer_learning"
hidden_check, public_check = checks_of("w2a2")


@pytest.fixture(scope="module")
def ns(tf):
    """The notebook's namespace after the setup cell and the given cells (correct data_augmenter)."""
    return {"tf": tf, "np": np, "tfl": tf.keras.layers, "RandomFlip": tf.keras.layers.RandomFlip,
            "RandomRotation": tf.keras.layers.RandomRotation, "IMG_SIZE": (160, 160),
            "BASE_WEIGHTS": transfer.mobilenet_base_weights(),
            "preprocess_input": tf.keras.applications.mobilenet_v2.preprocess_input,
            "data_augmenter": ref.data_augmenter}


@pytest.fixture(scope="module")
def solutions():
    return nbu.solutions(nbu.read(nbu.notebook_path(ASSIGNMENT)))


@pytest.fixture(scope="module")
def notebook_functions(ns, solutions):
    out = dict(ns)
    for key in ("data_augmenter", "alpaca_model"):
        exec(compile(solutions[key], f"<solution {key}>", "exec"), out)
    return out


@pytest.fixture(scope="module")
def model2(tf):
    tf.keras.utils.set_random_seed(0)
    return ref.alpaca_model(ref.IMG_SIZE, ref.data_augmenter())


@pytest.fixture
def fine_tune_ns(ns, model2):
    """The namespace the fine-tuning cell runs in: a frozen base taken from model2 by name."""
    base = model2.get_layer("mobilenetv2_1.00_160")
    for layer in base.layers:
        layer.trainable = True
    base.trainable = False
    return {**ns, "model2": model2, "base_model": base, "base_learning_rate": 0.001}


def _quiet(capfd):
    out, err = capfd.readouterr()
    assert err == "", err
    return out


# ============================================================================ (a) references
def test_reference_structure_matches_the_spec(tf, model2):
    rows = summary(model2)
    assert [r[0] for r in rows] == ["InputLayer", "Sequential", "Functional", "GlobalAveragePooling2D", "Dropout",
                                    "Dense"]
    assert rows[2][1:] == [(None, 5, 5, 1280), 2257984] and rows[5][1:] == [(None, 1), 1281, "linear"]
    base = model2.layers[2]
    assert base.name == "mobilenetv2_1.00_160" and len(base.layers) == 154
    assert ref.fine_tune_index(base) == 119 and base.layers[120].name == "block_13_depthwise"
    aug = ref.data_augmenter()
    assert tuple(aug.layers[1].factor) == (-0.2, 0.2)
    import public_tests.w2a2 as public

    assert rows == public.ALPACA_SUMMARY


def test_unfreeze_and_batchnorm_freeze_helpers(tf, fine_tune_ns):
    base = fine_tune_ns["base_model"]
    start = ref.unfreeze_from(base)
    assert base.trainable and [layer.trainable for layer in base.layers] == [k >= start for k in range(154)]
    frozen = ref.freeze_batchnorm(base, start)
    assert "Conv_1_bn" in frozen and "block_13_depthwise_BN" in frozen and len(frozen) == 12
    assert "block_13_expand_BN" not in frozen  # block 13 expands before its padding layer


# ============================================================================ (b) solution passes quietly
def test_hidden_checks_pass_on_the_solution(notebook_functions, solutions, fine_tune_ns, capfd):
    hidden_check("data_augmenter")(notebook_functions["data_augmenter"])
    hidden_check("alpaca_model")(notebook_functions["alpaca_model"])
    state = dict(fine_tune_ns)
    exec(compile(solutions["fine_tuning"], "<solution fine_tuning>", "exec"), state)
    hidden_check("fine_tuning")(state)
    out = _quiet(capfd)
    assert out.count("hidden tests passed.") == 3


def test_hidden_checks_pass_on_the_references(tf, fine_tune_ns, capfd):
    hidden_check("data_augmenter")(ref.data_augmenter)
    hidden_check("alpaca_model")(lambda image_shape=ref.IMG_SIZE, data_augmentation=None:
                                 ref.alpaca_model(image_shape, data_augmentation))
    state = dict(fine_tune_ns)
    ref.unfreeze_from(state["base_model"])
    loss, opt, metrics = ref.fine_tune_settings()
    hidden_check("fine_tuning")({**state, "loss_function": loss, "optimizer": opt, "metrics": metrics})
    _quiet(capfd)


def test_public_tests_pass_on_the_solution(notebook_functions, solutions, fine_tune_ns, capfd):
    public_check("data_augmenter")(notebook_functions["data_augmenter"])
    public_check("alpaca_model")(notebook_functions["alpaca_model"])
    state = dict(fine_tune_ns)
    exec(compile(solutions["fine_tuning"], "<solution fine_tuning>", "exec"), state)
    public_check("fine_tuning")(state)
    assert _quiet(capfd).count("All tests passed.") == 3


# ============================================================================ (c) mutants and alternatives
def _run(variant, ns, fine_tune_ns):
    if variant.cell:
        return hidden_check(variant.target)(variant.build(dict(fine_tune_ns)))
    return hidden_check(variant.target)(variant.build(ns))


def _message_is_useful(err):
    text = str(err)
    assert text.startswith("check_") and len(text) > 40, text
    assert "def " not in text and "expect(" not in text, text  # no hidden-test source in the feedback


#: What the message must say for some mutants (the mistake, in the student's words).
MESSAGES = {
    "alpaca_model:base_left_trainable": "trainable = False", "alpaca_model:base_training_true": "training=False",
    "alpaca_model:base_no_training_flag": "training=None", "alpaca_model:no_preprocessing": "preprocess_input",
    "alpaca_model:divide_by_255": "preprocess_input", "alpaca_model:global_max_pooling": "GlobalAveragePooling2D",
    "alpaca_model:no_dropout": "Dropout", "alpaca_model:dropout_half": "0.2",
    "alpaca_model:sigmoid_output": "no activation", "alpaca_model:two_outputs": "one output unit",
    "alpaca_model:include_top": "include_top=False", "alpaca_model:random_base": "weights=BASE_WEIGHTS",
    "alpaca_model:own_augmenter": "argument",
    "data_augmenter:flip_both_ways": "horizontal", "data_augmenter:rotation_too_small": "0.2",
    "data_augmenter:extra_zoom_layer": "exactly two", "data_augmenter:rotation_first": "order",
    "fine_tuning:base_still_frozen": "base_model.trainable = True", "fine_tuning:keras2_index_120": "119",
    "fine_tuning:everything_unfrozen": "still trainable", "fine_tuning:from_logits_false": "from_logits=True",
    "fine_tuning:same_learning_rate": "ten times smaller", "fine_tuning:sgd_optimizer": "Adam",
    "fine_tuning:accuracy_metric_object": "exact equality", "fine_tuning:one_layer_too_many": "before",
}


@pytest.mark.parametrize("variant", REGISTRY.mutants(), ids=lambda v: v.id)
def test_every_mutant_fails_its_hidden_check_with_a_useful_message(variant, ns, fine_tune_ns, capfd):
    with pytest.raises(GradingError) as err:
        _run(variant, ns, fine_tune_ns)
    _message_is_useful(err.value)
    if variant.id in MESSAGES:
        assert MESSAGES[variant.id].lower() in str(err.value).lower(), str(err.value)
    _quiet(capfd)


@pytest.mark.parametrize("variant", REGISTRY.alternatives(), ids=lambda v: v.id)
def test_every_alternative_passes(variant, ns, fine_tune_ns, capfd):
    _run(variant, ns, fine_tune_ns)
    assert "hidden tests passed." in _quiet(capfd)


def test_registry_counts_and_spec_mutants():
    for target in ("data_augmenter", "alpaca_model", "fine_tuning"):
        assert len(REGISTRY.mutants(target)) >= 5 and len(REGISTRY.alternatives(target)) >= 2, target
    assert set(MESSAGES) <= {v.id for v in REGISTRY.mutants()}
    names = {v.name for v in REGISTRY.variants}
    spec = {"base_left_trainable", "base_training_true", "base_no_training_flag", "no_preprocessing", "divide_by_255",
            "global_max_pooling", "no_dropout", "dropout_half", "sigmoid_output", "two_outputs", "include_top",
            "random_base", "flip_both_ways", "rotation_too_small", "extra_zoom_layer", "keras2_index_120",
            "everything_unfrozen", "from_logits_false", "same_learning_rate", "sgd_optimizer",
            "accuracy_metric_object", "list_with_keywords", "rotation_as_pair", "comprehension_and_binary_accuracy"}
    assert spec <= names, spec - names


# ============================================================================ (d) public tests
@pytest.mark.parametrize("variant", REGISTRY.alternatives(), ids=lambda v: v.id)
def test_public_tests_pass_on_alternatives(variant, ns, fine_tune_ns, capfd):
    built = variant.build(dict(fine_tune_ns) if variant.cell else ns)
    public_check(variant.target)(built)
    assert "All tests passed." in _quiet(capfd)


@pytest.mark.parametrize("target,name", [
    ("data_augmenter", "flip_both_ways"), ("data_augmenter", "rotation_too_small"), ("data_augmenter", "extra_zoom_layer"),
    ("alpaca_model", "base_left_trainable"), ("alpaca_model", "global_max_pooling"), ("alpaca_model", "no_dropout"),
    ("alpaca_model", "sigmoid_output"), ("alpaca_model", "include_top"),
    ("fine_tuning", "base_still_frozen"), ("fine_tuning", "everything_unfrozen"), ("fine_tuning", "sgd_optimizer")])
def test_public_tests_catch_typical_mutants(target, name, ns, fine_tune_ns):
    variant = REGISTRY.get(target, name)
    built = variant.build(dict(fine_tune_ns) if variant.cell else ns)
    with pytest.raises(AssertionError):
        public_check(target)(built)


# ============================================================================ (e) probes
def test_probes_and_unprobed():
    probes = ref.probes()
    assert {p.target for p in probes} == {"alpaca_model"}
    assert set(ref.UNPROBED) == {"data_augmenter", "fine_tuning"}


# ============================================================================ (f) graded outside the kernel
def _through_the_wire(value):
    """``value`` encoded and rebuilt as the grader's wire does it (a model comes back from its config)."""
    from grading import wire

    tree, buffers = wire.Encoder(lambda v: pytest.fail(f"{type(v).__name__} did not cross the wire")).encode(value)
    return wire.Decoder(lambda t: None).decode(tree, buffers)


def _exported(namespace, names, capsys):
    """What autograde's export of ``names`` from a kernel with these globals rebuilds (grading.execute)."""
    from grading.execute import decode_export, export_source, exported_bytes

    capsys.readouterr()
    exec(compile(export_source(names), "<export>", "exec"), namespace)
    data = exported_bytes([{"output_type": "stream", "name": "stdout", "text": capsys.readouterr().out}])
    assert data is not None
    return decode_export(data)


def test_the_fine_tuning_check_declares_what_it_reads():
    from grading.execute import state_reads
    from grading.w2a2 import check_fine_tuning

    cell = nbu.BEGIN_HIDDEN + "\nfrom grading.w2a2 import check_fine_tuning; check_fine_tuning(globals())\n" + nbu.END_HIDDEN
    assert state_reads(cell) == check_fine_tuning.reads
    assert {"base_model", "loss_function", "optimizer", "metrics", "fine_tune_at"} <= set(check_fine_tuning.reads)
    assert state_reads(cell.replace("globals()", "data_augmenter")) == ()


@pytest.mark.parametrize("variant", [None, *[v for v in REGISTRY.variants if v.target == "fine_tuning"]],
                         ids=lambda v: "solution" if v is None else v.id)
def test_fine_tuning_state_graded_from_the_exported_snapshot(variant, solutions, fine_tune_ns, capsys):
    """Autograde checks the fine-tuning state rebuilt from an export of the kernel's globals."""
    from grading.w2a2 import check_fine_tuning

    state = dict(fine_tune_ns)
    exec(compile(solutions["fine_tuning"] if variant is None else variant.cell_source(), "<cell>", "exec"), state)
    rebuilt = _exported(state, check_fine_tuning.reads, capsys)
    assert set(rebuilt) == set(check_fine_tuning.reads)
    if variant is None or variant.correct:
        check_fine_tuning(rebuilt)
    else:
        with pytest.raises(GradingError):
            check_fine_tuning(rebuilt)


@pytest.mark.parametrize("name", [None, "own_augmenter", "base_training_true", "no_preprocessing", "spelled_out"])
def test_alpaca_model_graded_on_a_rebuilt_model(name, ns, notebook_functions, capfd):
    """Graded outside the kernel, the model comes back rebuilt from its config (no identities kept)."""
    build = notebook_functions["alpaca_model"] if name is None else REGISTRY.get("alpaca_model", name).build(ns)

    def rebuilt(*args, **kwargs):
        return _through_the_wire(build(*args, **kwargs))

    variant = None if name is None else REGISTRY.get("alpaca_model", name)
    if variant is None or variant.correct:
        hidden_check("alpaca_model")(rebuilt)
    else:
        with pytest.raises(GradingError):
            hidden_check("alpaca_model")(rebuilt)
    capfd.readouterr()
