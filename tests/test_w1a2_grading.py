"""Grading of ``w1a2_conv_application``, checked directly (fast; no nbgrader).

(a) the structure toolkit ``cnnkit.testing``: ``summary``, ``layer_details``, ``comparator``;
(b) the reference builders match the spec tables;
(c) the hidden checks pass on the references, quietly and quickly;
(d) every mutant fails its hidden check, every alternative passes, with useful messages;
(e) the public tests pass on the references and alternatives and catch typical mutants;
(f) nothing reaches stderr, even for a model built with ``input_shape=``.
"""
import inspect
import math
import os
import subprocess
import sys
import textwrap
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from helpers import checks_of

import grading.w1a2 as hidden
import grading.w1a2.reference as ref
import public_tests.w1a2 as public
from cnnkit.testing import (
    Unordered,
    comparator,
    first_difference,
    layer_details,
    summary,
)
from grading.common import GradingError
from grading.w1a2.mutants import REGISTRY

TARGETS = ("happyModel", "convolutional_model")
REFERENCES = {"happyModel": ref.happy_model, "convolutional_model": ref.convolutional_model}
ROOT = Path(__file__).resolve().parents[1]



@pytest.fixture(scope="module")
def ns(tf):
    """The notebook's namespace, as the setup cell leaves it."""
    return {"tf": tf, "np": np, "tfl": tf.keras.layers}


variant = REGISTRY.get


hidden_check, public_check = checks_of("w1a2")


def _id(v) -> str:
    return v.id


def _small_functional(tf, first_pool=None):
    tfl = tf.keras.layers
    x0 = tf.keras.Input((9, 7, 2))
    x = tfl.ZeroPadding2D(1)(x0)
    x = tfl.Conv2D(3, 3, padding="valid", activation="relu")(x)
    x = (first_pool or tfl.MaxPooling2D(2, padding="same"))(x)
    x = tfl.Dropout(0.25)(tfl.Flatten()(x))
    return tf.keras.Model(x0, tfl.Dense(4, activation="softmax")(x))


# ============================================================================ (a) toolkit
def test_importing_cnnkit_testing_does_not_import_tensorflow():
    code = "import sys, cnnkit.testing; assert not {'tensorflow', 'keras'} & set(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_summary_rows_extras_and_no_compile(tf):
    model = _small_functional(tf)
    rows = summary(model)
    assert rows == [
        ["InputLayer", [(None, 9, 7, 2)], 0],
        ["ZeroPadding2D", (None, 11, 9, 2), 0, ((1, 1), (1, 1))],
        ["Conv2D", (None, 9, 7, 3), 3 * 3 * 2 * 3 + 3, "valid", "relu", "GlorotUniform"],
        ["MaxPooling2D", (None, 5, 4, 3), 0, (2, 2), (2, 2), "same"],
        ["Flatten", (None, 60), 0],
        ["Dropout", (None, 60), 0, 0.25],
        ["Dense", (None, 4), 60 * 4 + 4, "softmax"],
    ]
    assert not model.compiled and getattr(model, "optimizer", None) is None
    seq = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(2)])
    assert summary(seq) == [["Dense", (None, 2), 10, "linear"]]  # a Sequential does not list its input
    assert not seq.compiled


def test_comparator_checks_length_first_and_names_the_difference(tf):
    expected = summary(_small_functional(tf))
    comparator(summary(_small_functional(tf, tf.keras.layers.MaxPool2D(2, padding="same"))), expected)
    longer = expected + [["Dropout", (None, 4), 0, 0.5]]
    with pytest.raises(AssertionError, match=r"has 8 layers, expected 7: extra layer\(s\) at the end: Dropout"):
        comparator(longer, expected)
    broken_and_longer = [["Conv2D", (1,), 0]] + longer  # a difference in row 0, but lengths come first
    with pytest.raises(AssertionError, match="has 9 layers, expected 7"):
        comparator(broken_and_longer, expected)
    with pytest.raises(AssertionError, match="missing at the end: Dense"):
        comparator(expected[:-1], expected)
    wrong = [list(r) for r in expected]
    wrong[2][3] = "same"
    with pytest.raises(AssertionError, match=r"^layer 2 \(Conv2D\) has padding 'same', expected 'valid'\. Pad!$"):
        comparator(wrong, expected, hints={("Conv2D", "padding"): "pad!"})
    wrong = [list(r) for r in expected]
    wrong[5][0] = "SpatialDropout2D"
    with pytest.raises(AssertionError, match="layer 5 is SpatialDropout2D, expected Dropout"):
        comparator(wrong, expected)
    aliased = [list(r) for r in expected]
    aliased[3][0] = "MaxPool2D"
    comparator(aliased, expected)
    assert first_difference(expected, aliased) is None
    wrapped = [list(r) for r in expected]
    wrapped[0][1] = (None, 9, 7, 2)  # the InputLayer's shape is wrapped in a list
    with pytest.raises(AssertionError, match="layer 0"):
        comparator(wrapped, expected)


def test_layer_details_normalise_what_may_differ_and_keep_what_may_not(tf):
    tfl = tf.keras.layers

    def model(axis, kernel, relu=None, name=None):
        return tf.keras.Sequential([tf.keras.Input((6, 6, 2)), tfl.Conv2D(4, kernel, name=name),
                                    tfl.BatchNormalization(axis=axis), relu or tfl.ReLU(), tfl.Flatten(),
                                    tfl.Dense(1, kernel_initializer="glorot_uniform")])

    base = layer_details(model(3, 3))
    assert base[0][-1] == {"kernel_size": (3, 3), "strides": (1, 1), "dilation_rate": (1, 1), "use_bias": True,
                           "trainable": True, "inputs": ("input",)}
    assert base[1][-1] == {"axis": 3, "momentum": 0.99, "epsilon": 0.001, "trainable": True, "inputs": (0,)}
    assert base[2][-1] == {"negative_slope": 0.0, "max_value": None, "threshold": 0.0, "trainable": True,
                           "inputs": (1,)}
    assert base[4][-1]["kernel_initializer"] == "GlorotUniform" and base[4][-1]["use_bias"] is True
    comparator(layer_details(model(-1, (3, 3), name="any_name")), base)
    with pytest.raises(AssertionError, match=r"layer 2 \(ReLU\) has negative_slope 0\.1, expected 0"):
        comparator(layer_details(model(3, 3, tfl.ReLU(negative_slope=0.1))), base)
    with pytest.raises(AssertionError, match=r"layer 1 \(BatchNormalization\) has axis 1, expected 3"):
        comparator(layer_details(model(1, 3)), base)


def test_layer_details_graph_edges(tf):
    tfl = tf.keras.layers

    def model(add_swapped=False, concat_swapped=False):
        # a chain x0 -> a -> b, so that swapping operands keeps the row order (depth-first walk)
        x0 = tf.keras.Input((4, 4, 2))
        a = tfl.Conv2D(2, 1)(x0)
        b = tfl.Conv2D(2, 3, padding="same")(a)
        s = tfl.Add()([b, a] if add_swapped else [a, b])
        c = tfl.Concatenate(axis=-1)([a, s] if concat_swapped else [s, a])
        return tf.keras.Model(x0, c)

    rows = layer_details(model())
    assert [r[0] for r in rows] == ["InputLayer", "Conv2D", "Conv2D", "Add", "Concatenate"]
    assert [r[-1]["inputs"] for r in rows] == [(), (0,), (1,), Unordered((1, 2)), (3, 1)]
    assert isinstance(rows[3][-1]["inputs"], Unordered) and repr(rows[3][-1]["inputs"]) == "{1, 2}"
    assert rows[4][-1]["axis"] == 3
    comparator(layer_details(model(add_swapped=True)), rows)  # Add is commutative
    with pytest.raises(AssertionError, match=r"layer 4 \(Concatenate\) has inputs \(1, 3\), expected \(3, 1\)"):
        comparator(layer_details(model(concat_swapped=True)), rows)  # Concatenate is not
    shared = tfl.Dense(3)
    x0 = tf.keras.Input((3,))
    twice = tf.keras.Model(x0, shared(shared(x0)))
    assert layer_details(twice)[1][-1]["inputs"] == ((0,), (1,))


# ============================================================================ (b) references
def test_reference_builders_match_the_spec_tables(tf):
    happy = ref.happy_model()
    assert isinstance(happy, tf.keras.Sequential)
    comparator(summary(happy), public.HAPPY_TABLE)
    assert happy.count_params() == 37_633
    assert sum(math.prod(w.shape) for w in happy.trainable_weights) == 37_569
    assert sum(math.prod(w.shape) for w in happy.non_trainable_weights) == 64
    signs = ref.convolutional_model((64, 64, 3))
    assert not isinstance(signs, tf.keras.Sequential)
    comparator(summary(signs), public.SIGNS_TABLE)
    assert signs.count_params() == 1_310 and len(signs.non_trainable_weights) == 0
    comparator(summary(ref.convolutional_model(public.SIGNS_GREY_SHAPE)), public.SIGNS_GREY_TABLE)


@pytest.mark.parametrize("shape", hidden.SIGNS_SHAPES)
def test_reference_signs_shapes_follow_the_ceil_rule(tf, shape):
    rows = summary(ref.convolutional_model(shape))
    h, w, c = shape
    h1, w1 = math.ceil(h / 8), math.ceil(w / 8)
    h2, w2 = math.ceil(h1 / 4), math.ceil(w1 / 4)
    assert [r[1] for r in rows] == [[(None, h, w, c)], (None, h, w, 8), (None, h, w, 8), (None, h1, w1, 8),
                                    (None, h1, w1, 16), (None, h1, w1, 16), (None, h2, w2, 16),
                                    (None, h2 * w2 * 16), (None, 6)]
    assert [r[2] for r in rows] == [0, 4 * 4 * c * 8 + 8, 0, 0, 2 * 2 * 8 * 16 + 16, 0, 0, 0, h2 * w2 * 16 * 6 + 6]


def test_odd_signs_shape_separates_ceil_from_floor():
    h, w, _ = hidden.SIGNS_SHAPES[-1]
    ceil = (math.ceil(math.ceil(h / 8) / 4), math.ceil(math.ceil(w / 8) / 4))
    floor = ((h // 8) // 4, (w // 8) // 4)
    assert ceil != floor and h % 8 and w % 8


# ============================================================================ (c) hidden checks on references
@pytest.mark.parametrize("target", TARGETS)
def test_hidden_check_passes_on_reference_quietly_and_quickly(target, tf, capfd):
    start = time.perf_counter()
    hidden_check(target)(REFERENCES[target])
    assert time.perf_counter() - start < 6.0
    out, err = capfd.readouterr()
    assert out == f"check_{target}: hidden tests passed.\n"
    assert err == ""


# ============================================================================ (d) mutation harness
def test_registry_covers_both_graded_functions():
    assert REGISTRY.assignment == "w1a2_conv_application"
    assert REGISTRY.targets() == list(TARGETS)
    for target in TARGETS:
        assert len(REGISTRY.mutants(target)) >= 6, target
        assert len(REGISTRY.alternatives(target)) >= 3, target


@pytest.mark.parametrize("v", REGISTRY.variants, ids=_id)
def test_variant_keeps_the_notebook_signature(v, ns):
    assert inspect.signature(v.build(ns)) == inspect.signature(REFERENCES[v.target])


@pytest.mark.parametrize("v", REGISTRY.mutants(), ids=_id)
def test_mutant_fails_hidden_check(v, ns):
    with pytest.raises(GradingError):
        hidden_check(v.target)(v.build(ns))


@pytest.mark.parametrize("v", REGISTRY.alternatives(), ids=_id)
def test_alternative_passes_hidden_check_quietly(v, ns, capfd):
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        hidden_check(v.target)(v.build(ns))
    assert time.perf_counter() - start < 6.0, "a hidden test cell must finish within a few seconds"
    assert caught == []
    out, err = capfd.readouterr()
    assert out == f"check_{v.target}: hidden tests passed.\n" and err == ""


MESSAGES = {
    ("happyModel", "same_padding"): ("layer 1 (Conv2D) has padding 'same', expected 'valid'", "ZeroPadding2D"),
    ("happyModel", "kernel_5x5"): ("kernel_size (5, 5), expected (7, 7)",),
    ("happyModel", "missing_batchnorm"): ("expected BatchNormalization", "after the Conv2D"),
    ("happyModel", "conv_activation_too"): ("activation 'relu', expected 'linear'",),
    ("happyModel", "dense_without_sigmoid"): ("'sigmoid'",),
    ("happyModel", "extra_dropout_at_end"): ("8 layers, expected 7", "Dropout"),
    ("happyModel", "functional_model"): ("Sequential API",),
    ("happyModel", "activation_layer_not_relu"): ("layer 3 is Activation, expected ReLU", "not Activation('relu')"),
    ("happyModel", "leaky_relu"): ("negative_slope",),
    ("happyModel", "dense_zero_initializer"): ("GlorotUniform",),
    ("happyModel", "frozen_conv"): ("trainable",),
    ("happyModel", "no_input"): ("never built", "tf.keras.Input(shape=(64, 64, 3))"),
    ("convolutional_model", "dense_sigmoid"): ("'softmax'", "sum to 1"),
    ("convolutional_model", "valid_pooling"): ("padding 'valid', expected 'same'", "ceil(n / stride)"),
    ("convolutional_model", "first_pool_2x2"): ("pool_size (2, 2), expected (8, 8)",),
    ("convolutional_model", "hardcoded_input_shape"): ("tf.keras.Input(shape=input_shape)",),
    ("convolutional_model", "sequential_model"): ("Functional API",),
    ("convolutional_model", "activation_layer_not_relu"): ("expected ReLU", "not Activation('relu')"),
    ("convolutional_model", "relu6"): ("max_value 6, expected None",),
}


@pytest.mark.parametrize("key", MESSAGES, ids=lambda k: f"{k[0]}:{k[1]}")
def test_failure_messages_say_what_is_wrong(key, ns):
    with pytest.raises(GradingError) as info:
        hidden_check(key[0])(variant(*key).build(ns))
    for phrase in MESSAGES[key]:
        assert phrase in str(info.value), (phrase, str(info.value))


def test_behaviour_checks_catch_what_the_structure_cannot(tf):
    tfl = tf.keras.layers
    X = hidden._batch((8, 8, 3), np.zeros((4, 1)))
    logits = tf.keras.Sequential([tf.keras.Input((8, 8, 3)), tfl.Flatten(), tfl.Dense(3)])
    with pytest.raises(GradingError, match=r"outside \[0, 1\]|sum to"):
        hidden._expect_probabilities(logits, X * 50, "m", 3, sums_to_one=True)
    scores = tf.keras.Sequential([tf.keras.Input((8, 8, 3)), tfl.Flatten(), tfl.Dense(3, activation="sigmoid")])
    with pytest.raises(GradingError, match="softmax"):
        hidden._expect_probabilities(scores, X, "m", 3, sums_to_one=True)
    frozen = tf.keras.Sequential([tf.keras.Input((8, 8, 3)), tfl.Flatten(),
                                  tfl.Dense(1, activation="sigmoid", trainable=False)])
    with pytest.raises(GradingError, match="no trainable weights"):
        hidden._expect_learns(frozen, X, np.ones((4, 1), np.float32), tf.keras.losses.BinaryCrossentropy(), "m", 0.1)
    still = tf.keras.Sequential([tf.keras.Input((8, 8, 3)), tfl.Flatten(), tfl.Dense(1, activation="sigmoid")])
    with pytest.raises(GradingError, match="did not reduce the loss"):
        hidden._expect_learns(still, X, np.ones((4, 1), np.float32), tf.keras.losses.BinaryCrossentropy(), "m", 0.0)


# ============================================================================ (e) public tests
PUBLIC_CATCHES = {
    "happyModel": ("same_padding", "wrong_filter_count", "kernel_5x5", "missing_batchnorm", "conv_activation_too",
                   "dense_without_sigmoid", "extra_dropout_at_end", "functional_model", "activation_layer_not_relu",
                   "batchnorm_wrong_axis", "no_input"),
    "convolutional_model": ("dense_sigmoid", "first_pool_2x2", "wrong_filter_count", "valid_pooling",
                            "activation_layer_not_relu", "hardcoded_input_shape", "extra_dropout_at_end",
                            "sequential_model", "second_kernel_4x4"),
}


@pytest.mark.parametrize("target", TARGETS)
def test_public_test_passes_on_reference_quietly(target, tf, capfd):
    public_check(target)(REFERENCES[target])
    out, err = capfd.readouterr()
    assert out == "All tests passed.\n" and err == ""


@pytest.mark.parametrize("v", REGISTRY.alternatives(), ids=_id)
def test_public_test_passes_on_alternative(v, ns, capfd):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        public_check(v.target)(v.build(ns))
    assert caught == []
    out, err = capfd.readouterr()
    assert out == "All tests passed.\n" and err == ""


@pytest.mark.parametrize("v", [variant(t, n) for t, names in PUBLIC_CATCHES.items() for n in names], ids=_id)
def test_public_test_catches_mutant(v, ns):
    with pytest.raises(AssertionError):
        public_check(v.target)(v.build(ns))


def test_public_messages_name_the_difference(ns):
    with pytest.raises(AssertionError, match=r"layer 3 is Activation, expected ReLU\. Use a ReLU layer"):
        public.happyModel_test(variant("happyModel", "activation_layer_not_relu").build(ns))
    with pytest.raises(AssertionError, match=r"padding 'valid', expected 'same'.*ceil"):
        public.convolutional_model_test(variant("convolutional_model", "valid_pooling").build(ns))


def test_public_tests_hold_no_grading_import_or_solution():
    source = Path(public.__file__).read_text()
    assert "grading" not in source
    for name in TARGETS:
        assert f"def {name}(" not in source
    assert "tfl." not in source.replace("tfl.ReLU()", "")  # structure tables only, no model code
    assert public.__all__ == ["happyModel_test", "convolutional_model_test"]


# ============================================================================ (f) stderr, for real
def test_input_shape_warning_never_reaches_stderr():
    """Outside pytest (which records warnings itself): the notebook's kernel setup, then the checks."""
    script = textwrap.dedent("""
        import sys, warnings
        from cnnkit.setup import quiet_tensorflow
        tf = quiet_tensorflow()
        import numpy as np
        from grading.w1a2.mutants import REGISTRY
        from grading.w1a2.reference import convolutional_model
        from grading.w1a2 import check_convolutional_model, check_happyModel
        from public_tests.w1a2 import convolutional_model_test, happyModel_test
        v = next(v for v in REGISTRY.alternatives("happyModel") if v.name == "input_shape_argument")
        happyModel = v.build({"tf": tf, "np": np, "tfl": tf.keras.layers})
        sys.stdout.flush()
        check_happyModel(happyModel)
        happyModel_test(happyModel)
        check_convolutional_model(convolutional_model)
        convolutional_model_test(convolutional_model)
        sys.stdout.flush()
        sys.stderr.write("CONTROL\\n")
        happyModel()  # outside the checks: Keras warns on stderr
    """)
    env = {**os.environ, "PYTHONWARNINGS": "default"}
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ("check_happyModel: hidden tests passed.\nAll tests passed.\n"
                           "check_convolutional_model: hidden tests passed.\nAll tests passed.\n")
    before, _, after = done.stderr.partition("CONTROL\n")
    assert before == ""
    assert "input_shape" in after  # the control shows that the warning would have been seen
