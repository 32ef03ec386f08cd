"""Grading of w4a2 (neural style transfer), checked directly, without nbgrader.

(a) the references agree with each other (TensorFlow and NumPy float64) and with the spec's formulas;
(b) every hidden check passes on the notebook's solutions, quietly;
(c) every registered mutant loses its exercise's points, (d) every alternative keeps them;
(e) public tests pass on the solutions and alternatives and catch the mutants they are meant to;
(f) the hidden checks isolate the helpers: a broken gram_matrix or broken cost functions cost their own
    exercises only, and check_train_step restores the notebook's globals;
(g) the checks work across the wire, as in autograde: the student's definitions in a worker process
    (decorators kept), the train_step references and the image variable placed beside them there.
"""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import numpy as np
import pytest

from cnnkit.setup import quiet_tensorflow

tf = quiet_tensorflow()

import grading.w4a2 as hidden  # noqa: E402
import grading.w4a2.reference as ref  # noqa: E402
import public_tests.w4a2 as public  # noqa: E402
from grading import notebook as nbu  # noqa: E402
from grading.w4a2.mutants import REGISTRY  # noqa: E402

ASSIGNMENT = "w4a2_style_transfer"
NS = nbu.solution_namespace(ASSIGNMENT)


def _id(v):
    return v.id


def _notebook_globals(ns, rng=np.random.default_rng(0)):
    """What the notebook defines before exercise 5, on a small network and small pictures."""
    model = hidden._small_network(rng)
    x = {k: tf.constant(rng.uniform(0, 1, hidden.TRAIN_SHAPE).astype(np.float32)) for k in ("C", "S", "G")}
    ns.update(vgg_model_outputs=model, a_C=model(x["C"]), a_S=model(x["S"]),
              generated_image=tf.Variable(x["G"]), optimizer=tf.keras.optimizers.Adam(learning_rate=0.01),
              clip_0_1=lambda image: tf.clip_by_value(image, 0.0, 1.0))
    ns["STYLE_LAYERS"] = hidden.TRAIN_STYLE_LAYERS
    return ns


# ============================================================================ (a) references
@pytest.mark.parametrize("shape", [(1, 3, 5, 2), (1, 6, 2, 7), (1, 4, 4, 9)])
def test_references_agree(shape):
    rng = np.random.default_rng(sum(shape))
    a, b = rng.normal(size=shape).astype(np.float32), rng.normal(size=shape).astype(np.float32)
    _, h, w, c = shape
    assert float(ref.compute_content_cost([b, a], [a, b])) == pytest.approx(ref.np_content_cost(a, b), rel=1e-5)
    assert ref.np_content_cost(a, b) == pytest.approx(((a - b) ** 2).sum() / (4 * h * w * c), rel=1e-6)
    unrolled = a.reshape(h * w, c).T                                  # (n_C, n_H n_W), positions first
    np.testing.assert_allclose(ref._channels_by_positions(a).numpy(), unrolled)
    np.testing.assert_allclose(ref.gram_matrix(unrolled).numpy(), unrolled @ unrolled.T, rtol=1e-5, atol=1e-5)
    assert float(ref.compute_layer_style_cost(a, b)) == pytest.approx(ref.np_layer_style_cost(a, b), rel=1e-4)
    # the style cost ignores positions: shuffling them (all channels alike) changes nothing
    perm = rng.permutation(h * w)
    shuffled = a.reshape(h * w, c)[perm].reshape(shape)
    assert ref.np_layer_style_cost(a, shuffled) == pytest.approx(0, abs=1e-9)
    # compute_style_cost: weighted sum over the layers, the last element (content layer) left out
    layers = [("x", 0.3), ("y", 0.7)]
    J = float(ref.compute_style_cost([a, b, a], [b, b, b], layers))
    assert J == pytest.approx(0.3 * ref.np_layer_style_cost(a, b), rel=1e-4)
    assert float(ref.total_cost(2.0, 3.0)) == 10 * 2 + 40 * 3


def test_reference_step_is_adam_then_clip():
    rng = np.random.default_rng(4)
    model = hidden._small_network(rng)
    a_C = model(tf.constant(rng.uniform(0, 1, hidden.TRAIN_SHAPE).astype(np.float32)))
    a_S = model(tf.constant(rng.uniform(0, 1, hidden.TRAIN_SHAPE).astype(np.float32)))
    start = hidden._start_image(rng)
    var = tf.Variable(start)
    J = ref.reference_step(model, a_S, a_C, tf.keras.optimizers.Adam(0.01), var, style_layers=hidden.TRAIN_STYLE_LAYERS)
    with tf.GradientTape() as tape:
        x = tf.Variable(start)
        out = model(x)
        J2 = 10 * ref.compute_content_cost(a_C, out) + 40 * ref.compute_style_cost(a_S, out, hidden.TRAIN_STYLE_LAYERS)
    g = tape.gradient(J2, x).numpy().astype(np.float64)
    adam = start - 0.01 * g / (np.abs(g) + 1e-7)                     # Adam's first step: lr * m_hat / (sqrt(v_hat) + eps)
    assert float(J) == pytest.approx(float(J2), rel=1e-5)
    np.testing.assert_allclose(var.numpy(), np.clip(adam, 0, 1), atol=2e-6)
    assert (start == 0).mean() > 0.2 and (start == 1).mean() > 0.2


# ============================================================================ (b) solution
@pytest.mark.parametrize("target", hidden.GRADED)
def test_hidden_check_passes_on_solution_quietly(target, capfd):
    getattr(hidden, f"check_{target}")(NS[target])
    out, err = capfd.readouterr()
    assert out.strip() == f"check_{target}: hidden tests passed." and err == ""


def test_registry_covers_every_graded_function():
    assert REGISTRY.targets() == list(hidden.GRADED)
    for fn in hidden.GRADED:
        assert len(REGISTRY.mutants(fn)) >= 5 and len(REGISTRY.alternatives(fn)) >= 2


@pytest.mark.parametrize("v", REGISTRY.variants, ids=_id)
def test_variant_keeps_the_notebook_signature(v):
    built = getattr(v.build(NS), "python_function", v.build(NS))
    solution = getattr(NS[v.target], "python_function", NS[v.target])
    assert list(inspect.signature(built).parameters) == list(inspect.signature(solution).parameters)


# ============================================================================ (c)(d) variants
@pytest.mark.parametrize("v", REGISTRY.mutants(), ids=_id)
def test_mutant_loses_points(v):
    with pytest.raises(AssertionError):
        getattr(hidden, f"check_{v.target}")(v.build(NS))


@pytest.mark.parametrize("v", REGISTRY.alternatives(), ids=_id)
def test_alternative_keeps_points(v):
    getattr(hidden, f"check_{v.target}")(v.build(NS))


def test_the_spec_mistakes_are_registered():
    names = {v.id for v in REGISTRY.mutants()}
    for needed in ("compute_content_cost:no_four", "compute_content_cost:reduce_mean", "compute_content_cost:first_layer",
                   "gram_matrix:transpose_first", "compute_layer_style_cost:direct_reshape",
                   "compute_layer_style_cost:small_denominator", "total_cost:swapped", "total_cost:fixed_beta",
                   "train_step:no_clip", "train_step:not_applied", "train_step:style_against_content",
                   "train_step:new_optimizer"):
        assert needed in names


# ============================================================================ (e) public tests
PUBLIC_GRADED = [t for t in hidden.GRADED if t != "train_step"]


@pytest.mark.parametrize("target", PUBLIC_GRADED)
def test_public_test_passes_on_solution(target, capfd):
    getattr(public, f"{target}_test")(NS[target])
    out, err = capfd.readouterr()
    assert out.strip() == "All tests passed." and err == ""


@pytest.mark.parametrize("v", [v for v in REGISTRY.alternatives() if v.target != "train_step"], ids=_id)
def test_public_test_passes_on_alternative(v, capsys):
    getattr(public, f"{v.target}_test")(v.build(NS))
    assert capsys.readouterr().out.strip() == "All tests passed."


#: Mistakes the public tests are not meant to catch (only the hidden tests do): their worked
#: examples and properties hold for these.  Every other mutant fails its public test.
PUBLIC_MISSES = {"compute_content_cost:absolute"}


@pytest.mark.parametrize("v", [v for v in REGISTRY.mutants() if v.target != "train_step"], ids=_id)
def test_public_test_catches_mutant(v):
    if v.id in PUBLIC_MISSES:
        getattr(public, f"{v.target}_test")(v.build(NS))   # passes: listed as a miss on purpose
    else:
        with pytest.raises(AssertionError):
            getattr(public, f"{v.target}_test")(v.build(NS))


def _train_step_ns(v=None):
    ns = _notebook_globals(dict(NS))
    if v is None:
        exec(compile(nbu.solutions(nbu.read(nbu.notebook_path(ASSIGNMENT)))["train_step"], "<solution>", "exec"), ns)
        return ns["train_step"], ns
    fn = v.build(ns)
    return fn, getattr(fn, "python_function", fn).__globals__


@pytest.mark.parametrize("v", [None] + [v for v in REGISTRY.variants if v.target == "train_step"],
                         ids=lambda v: "solution" if v is None else v.id)
def test_public_train_step_test(v, capsys):
    fn, ns = _train_step_ns(v)
    before = (ns["optimizer"], ns["generated_image"].numpy().copy())
    if v is None or v.correct:
        public.train_step_test(fn)
        assert capsys.readouterr().out.strip() == "All tests passed."
    else:
        with pytest.raises(AssertionError):
            public.train_step_test(fn)
    assert ns["optimizer"] is before[0] and int(before[0].iterations.numpy()) == 0   # the notebook's optimizer untouched
    np.testing.assert_array_equal(ns["generated_image"].numpy(), before[1])


def test_public_tests_hold_no_grading_import():
    src = Path(public.__file__).read_text()
    assert "grading" not in re.sub(r'""".*?"""', "", src, flags=re.S).replace("graded", "")
    assert not re.search(r"^def (compute_content_cost|gram_matrix|compute_layer_style_cost|total_cost|train_step)\(",
                         src, re.M)


# ============================================================================ (f) isolation
def test_broken_gram_matrix_only_costs_its_own_exercise():
    ns = dict(NS)
    ns["gram_matrix"] = REGISTRY.get("gram_matrix", "transpose_first").build(ns)
    exec(compile(nbu.solutions(nbu.read(nbu.notebook_path(ASSIGNMENT)))["compute_layer_style_cost"], "<solution>",
                 "exec"), ns)
    hidden.check_compute_layer_style_cost(ns["compute_layer_style_cost"])
    assert ns["gram_matrix"].__name__ == "gram_matrix" and ns["gram_matrix"] is not ref.gram_matrix


@pytest.mark.parametrize("helper, mutant", [("compute_content_cost", "first_layer"), ("total_cost", "swapped"),
                                            ("compute_layer_style_cost", "direct_reshape")])
def test_broken_cost_functions_only_cost_their_own_exercise(helper, mutant, capsys):
    fn, ns = _train_step_ns()
    ns[helper] = REGISTRY.get(helper, mutant).build(ns)
    saved = {k: ns[k] for k in ("vgg_model_outputs", "a_S", "a_C", "optimizer", "compute_content_cost",
                                "compute_style_cost", "total_cost")}
    hidden.check_train_step(fn)                              # graded with the reference costs
    assert all(ns[k] is v for k, v in saved.items())         # and the notebook's globals are restored
    public.train_step_test(fn)                               # consistent with the learner's own (wrong) costs
    assert "All tests passed." in capsys.readouterr().out


def test_public_train_step_test_fails_on_the_blank_notebook_and_excuses_unfinished_helpers(capsys):
    ns = _notebook_globals(dict(NS))
    for name in ("compute_content_cost", "gram_matrix", "compute_layer_style_cost", "total_cost"):
        exec(f"def {name}(*args, **kwargs):\n    raise NotImplementedError()\n", ns)
    exec("def train_step(generated_image):\n    with tf.GradientTape() as tape:\n        raise NotImplementedError()\n"
         "    return J\n", ns)
    with pytest.raises(AssertionError):                        # the blank notebook: nothing excuses it
        public.train_step_test(ns["train_step"])
    fn, ns2 = _train_step_ns()
    for name in ("compute_content_cost", "total_cost"):
        exec(f"def {name}(*args, **kwargs):\n    raise NotImplementedError()\n", ns2)
    public.train_step_test(fn)                                 # a written train_step, unfinished helpers
    assert "finish exercises 1-4 first" in capsys.readouterr().out


def test_references_beside_the_step_keep_the_notebook_parameter_names():
    h = ref.harness()
    given = {"compute_content_cost": NS["compute_content_cost"], "total_cost": NS["total_cost"],
             "compute_style_cost": NS["compute_style_cost"]}
    swapped = {"compute_content_cost": h["compute_content_cost"], "total_cost": h["total_cost"],
               "compute_style_cost": h["make_style_cost"](hidden.TRAIN_STYLE_LAYERS)}
    for name, fn in given.items():
        fn = getattr(fn, "python_function", fn)
        assert list(inspect.signature(swapped[name]).parameters) == list(inspect.signature(fn).parameters), name


def test_check_train_step_sees_a_missing_optimizer_step():
    """A train_step that steps a *different* global optimizer than the one the test installs."""
    fn, ns = _train_step_ns(REGISTRY.get("train_step", "new_optimizer"))
    with pytest.raises(AssertionError, match="made 0 steps"):
        hidden.check_train_step(fn)


# ============================================================================ (g) across the wire
def test_checks_run_against_a_worker_like_autograde():
    """The real grading path (sandbox aside): definitions only, decorators kept, checks here."""
    from grading.isolation import CheckSession, definitions_only, plan_notebook

    kept, dropped = definitions_only("import tensorflow as tf\nx = tf.ones(2)\n@tf.function()\ndef f(a):\n"
                                     "    return a\n")
    assert "@tf.function()\ndef f(a):" in kept and dropped == ["x = tf.ones(2)"]
    nb = nbu.read(nbu.notebook_path(ASSIGNMENT))
    plan = plan_notebook(nb)
    assert [label for label, _ in plan.cells] == ["setup", "compute_content_cost", "gram_matrix",
                                                  "compute_layer_style_cost", "given_compute_style_cost",
                                                  "total_cost", "train_step"]
    wrong = REGISTRY.get("train_step", "no_clip")
    cells = [(label, wrong.cell_source() if label == "train_step" else src) for label, src in plan.cells]
    root = Path(nbu.repo_root())
    with CheckSession(plan.cells, cwd=root, sandbox=None) as session:
        assert session.load_errors == {}
        results = {gid: session.run(gid, code) for gid, code in plan.hidden.items()}
    assert all(r.passed for r in results.values()), {g: r.error for g, r in results.items() if not r.passed}
    with CheckSession(cells, cwd=root, sandbox=None) as session:
        gid = "train_step_gradient_update_and_clip"
        r = session.run(gid, plan.hidden[gid])
        assert not r.passed and "outside [0, 1]" in r.error
        assert session.peer.request("exec", cells=[("probe", "_probe = '_w4a2_hidden_harness' in globals()")]) == {}
        assert session.peer.request("lookup", name="_probe") is False     # the references were taken away again
