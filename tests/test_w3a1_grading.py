"""Grading and helpers of w3a1 (car detection with YOLO), checked directly, without nbgrader.

(a) the references agree with each other (NumPy filter, pure-Python IoU, TF NMS vs greedy NMS);
(b) every hidden check passes on the notebook's solutions, quietly;
(c) every registered mutant loses its exercise's points, (d) every alternative keeps them;
(e) public tests pass on the solutions and alternatives and catch the mutants;
(f) the hidden check of yolo_eval isolates the helpers it calls;
(g) cnnkit.yolo helpers, the road-scene generator (determinism), the shipped files and weights.
"""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import numpy as np
import pytest

from cnnkit.setup import quiet_tensorflow

tf = quiet_tensorflow()

import grading.w3a1 as hidden  # noqa: E402
import grading.w3a1.reference as ref  # noqa: E402
import public_tests.w3a1 as public  # noqa: E402
from cnnkit import files, roads  # noqa: E402
from cnnkit import yolo as Y  # noqa: E402
from grading.w3a1.mutants import REGISTRY  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "solutions" / "w3a1_yolo" / "w3a1_yolo.ipynb"


def _solution_sources() -> dict[str, str]:
    """The instructor's solutions, from the source notebook."""
    from grading import notebook as nbu

    return nbu.solutions(nbu.read(NOTEBOOK))


def namespace(**overrides) -> dict:
    ns = {"tf": tf, "np": np, "yolo_boxes_to_corners": Y.yolo_boxes_to_corners, "scale_boxes": Y.scale_boxes}
    for src in _solution_sources().values():
        exec(compile(src, "<solution>", "exec"), ns)
    ns.update(overrides)
    return ns


NS = namespace()


def _id(v):
    return v.id


# ============================================================================ (a) references
@pytest.mark.parametrize("seed", range(4))
def test_reference_nms_matches_greedy(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 40))
    boxes = hidden._random_boxes(rng, n)
    scores = rng.permutation(np.linspace(0.05, 0.95, n)).astype(np.float32)
    classes = rng.integers(0, 4, n)
    for max_boxes, thr in ((10, 0.5), (3, 0.3), (50, 0.7)):
        s, b, c = ref.non_max_suppression(scores, boxes, classes, max_boxes, thr)
        keep = ref.greedy_nms_indices(scores, boxes, max_boxes, thr)
        np.testing.assert_allclose(s.numpy(), scores[keep])
        np.testing.assert_array_equal(c.numpy(), classes[keep])


def test_reference_iou_and_filter():
    rng = np.random.default_rng(0)
    for _ in range(50):
        a, c = rng.uniform(0, 5, 2), rng.uniform(0, 5, 2)
        b1 = (*a, *(a + rng.uniform(0.1, 3, 2)))
        b2 = (*c, *(c + rng.uniform(0.1, 3, 2)))
        # independent formulation: rasterise on a fine grid
        v = ref.iou(b1, b2)
        assert 0.0 <= v <= 1.0 and v == pytest.approx(ref.iou(b2, b1))
    assert ref.iou((0, 0, 2, 2), (1, 1, 3, 3)) == pytest.approx(1 / 7)
    assert ref.iou((0, 0, 2, 2), (2, 0, 4, 2)) == 0.0
    boxes, conf, probs = hidden._filter_inputs(rng, (3, 4, 2), 5)
    s, b, c = ref.filter_boxes(boxes, conf, probs, 0.3)
    s2, b2, c2 = NS["yolo_filter_boxes"](boxes, conf, probs, 0.3)
    np.testing.assert_allclose(s, s2.numpy(), rtol=1e-6)
    np.testing.assert_array_equal(c, c2.numpy())


# ============================================================================ (b) solution
@pytest.mark.parametrize("target", hidden.GRADED)
def test_hidden_check_passes_on_solution_quietly(target, capfd):
    getattr(hidden, f"check_{target}")(NS[target])
    out, err = capfd.readouterr()
    assert out.strip() == f"check_{target}: hidden tests passed." and err == ""


def test_registry_covers_every_graded_function():
    assert REGISTRY.targets() == list(hidden.GRADED)
    for fn in hidden.GRADED:
        assert REGISTRY.mutants(fn) and REGISTRY.alternatives(fn)


@pytest.mark.parametrize("v", REGISTRY.variants, ids=_id)
def test_variant_keeps_the_notebook_signature(v):
    built = v.build(NS)
    assert inspect.signature(built) .parameters.keys() == inspect.signature(NS[v.target]).parameters.keys()


# ============================================================================ (c)(d) variants
@pytest.mark.parametrize("v", REGISTRY.mutants(), ids=_id)
def test_mutant_loses_points(v):
    with pytest.raises(AssertionError):
        getattr(hidden, f"check_{v.target}")(v.build(NS))


@pytest.mark.parametrize("v", REGISTRY.alternatives(), ids=_id)
def test_alternative_keeps_points(v):
    getattr(hidden, f"check_{v.target}")(v.build(NS))


# ============================================================================ (e) public tests
@pytest.mark.parametrize("target", hidden.GRADED)
def test_public_test_passes_on_solution(target, capfd):
    getattr(public, f"{target}_test")(NS[target])
    out, err = capfd.readouterr()
    assert out.strip() == "All tests passed." and err == ""


@pytest.mark.parametrize("v", REGISTRY.alternatives(), ids=_id)
def test_public_test_passes_on_alternative(v, capsys):
    getattr(public, f"{v.target}_test")(v.build(NS))


@pytest.mark.parametrize("v", REGISTRY.mutants(), ids=_id)
def test_public_test_catches_mutant(v):
    with pytest.raises(Exception):
        getattr(public, f"{v.target}_test")(v.build(NS))


def test_public_tests_hold_no_grading_import():
    src = Path(public.__file__).read_text()
    assert "grading" not in re.sub(r'""".*?"""', "", src, flags=re.S).replace("graded", "")
    assert not re.search(r"^def (yolo_filter_boxes|iou|yolo_non_max_suppression|yolo_eval)\(", src, re.M)


# ============================================================================ (f) isolation
@pytest.mark.parametrize("helper, mutant", [("yolo_filter_boxes", "confidence_only"),
                                            ("yolo_non_max_suppression", "per_class_nms")])
def test_broken_helper_only_costs_its_own_exercise(helper, mutant, capsys):
    broken = REGISTRY.get(helper, mutant)
    ns = dict(NS)
    ns[helper] = broken.build(ns)
    exec(compile(_solution_sources()["yolo_eval"], "<solution>", "exec"), ns)
    hidden.check_yolo_eval(ns["yolo_eval"])                      # graded with correct helpers
    assert ns[helper].__name__ == helper                         # and the learner's helper is restored
    public.yolo_eval_test(ns["yolo_eval"])                       # the public test blames the helper
    assert f"`{helper}`" in capsys.readouterr().out


# ============================================================================ (g) helpers and data
def test_yolo_head_non_square_grid():
    rng = np.random.default_rng(1)
    S_h, S_w, A, C = 3, 5, 2, 4
    feats = rng.normal(size=(1, S_h, S_w, A * (5 + C))).astype(np.float32)
    anchors = np.array([[1.0, 2.0], [3.0, 0.5]])
    xy, wh, conf, probs = (t.numpy() for t in Y.yolo_head(tf.constant(feats), anchors, C))
    f = feats.reshape(1, S_h, S_w, A, 5 + C)
    sig = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    i, j, a = 2, 4, 1  # row 2, column 4
    assert xy[0, i, j, a, 0] == pytest.approx((sig(f[0, i, j, a, 0]) + j) / S_w, rel=1e-5)
    assert xy[0, i, j, a, 1] == pytest.approx((sig(f[0, i, j, a, 1]) + i) / S_h, rel=1e-5)
    assert wh[0, i, j, a, 0] == pytest.approx(np.exp(f[0, i, j, a, 2]) * 3.0 / S_w, rel=1e-5)
    assert wh[0, i, j, a, 1] == pytest.approx(np.exp(f[0, i, j, a, 3]) * 0.5 / S_h, rel=1e-5)
    assert conf.shape == (1, S_h, S_w, A, 1) and probs.shape == (1, S_h, S_w, A, C)
    np.testing.assert_allclose(probs.sum(-1), 1, rtol=1e-5)
    corners = Y.yolo_boxes_to_corners(tf.constant([[0.5, 0.25]]), tf.constant([[0.2, 0.1]])).numpy()
    np.testing.assert_allclose(corners, [[0.2, 0.4, 0.3, 0.6]], rtol=1e-6)
    np.testing.assert_allclose(Y.scale_boxes(corners, (100, 200)).numpy(), [[20, 80, 30, 120]], rtol=1e-6)


def test_files_parse_and_match_manifest():
    assert Y.read_classes(Y.model_data_dir() / "classes.txt") == roads.CLASS_NAMES
    anchors = Y.read_anchors(Y.model_data_dir() / "anchors.txt")
    assert anchors.shape == (5, 2) and np.all(anchors > 0)
    shipped = [p for p in Y.yolo_dir().rglob("*") if p.is_file()] + [Y.weights_path()]
    for path in shipped:
        files.verify(path)
    assert sum(p.stat().st_size for p in shipped) < 10e6


def test_generator_is_deterministic_and_matches_shipped_annotations():
    assert roads.scenes_checksum("test", 2) == roads.scenes_checksum("test", 2)
    img, boxes = roads.scene("test", 1)
    _, again = next(iter(roads.iter_scenes("test", 1, start=1)))
    np.testing.assert_array_equal(boxes, again)
    assert img.size == (1280, 720) and boxes.shape[1] == 5 and len(boxes) <= 15
    assert np.all(boxes[:, 1] >= 0) and np.all(boxes[:, 3] <= 1280) and np.all(boxes[:, 4] <= 720)
    assert roads.scene("train", 0)[1].tolist() != roads.scene("test", 0)[1].tolist()
    name = "0002.jpg"
    index = files.entry(Y.showcase_dir() / name)["showcase_index"]
    np.testing.assert_allclose(roads.scene("showcase", index)[1][:, 1:], Y.read_annotations(name)[:, 1:], atol=0.06)


def test_weights_hash_and_model():
    entry = files.verify(Y.weights_path())
    assert entry["map50_heldout"] >= 0.7 and "w3a1_train_yolo.py" in entry["made_by"]
    assert Y.weights_path().stat().st_size < 10e6
    model, names, anchors = Y.load_yolo_model(verbose=False)
    assert model.output_shape == (None, 19, 19, 5 * (5 + len(names)))
    assert not any(type(layer).__name__ == "Lambda" for layer in model.layers)


def test_draw_boxes_prints_and_stays_quiet(capfd):
    from PIL import Image

    img = Image.new("RGB", (320, 180), (40, 40, 40))
    Y.draw_boxes(img, np.array([[10, 20, 100, 150], [-5, 300, 200, 400]]), np.array([0, 7]), roads.CLASS_NAMES,
                 np.array([0.91, 0.5]))
    out, err = capfd.readouterr()
    assert "car 0.91" in out and "stop sign 0.50" in out and err == ""
    assert len(set(Y.get_colors_for_classes(8))) == 8


def test_legacy_keras2_h5_loader(tmp_path):
    """The loader for the original Keras-2 weights file, on a file written in that layout."""
    import h5py
    import keras

    src = Y.small_yolo_body(keras.Input((64, 64, 3)), 2, 3, width=0.5)
    for w in src.weights:
        w.assign(np.random.default_rng(0).normal(size=w.shape).astype("float32") * 0.1)
    path = tmp_path / "yolo.h5"
    with h5py.File(path, "w") as f:
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = [layer.name.encode() for layer in src.layers]
        for layer in src.layers:
            lg = g.create_group(layer.name)
            names = [f"{layer.name}/{w.name}:0".encode() for w in layer.weights]
            lg.attrs["weight_names"] = names
            for n, w in zip(names, layer.weights):
                lg.create_dataset(n.decode(), data=np.asarray(w))
    dst = Y.small_yolo_body(keras.Input((64, 64, 3)), 2, 3, width=0.5)
    Y._load_legacy_h5(dst, path)
    x = np.random.default_rng(1).uniform(size=(1, 64, 64, 3)).astype("float32")
    np.testing.assert_allclose(dst(x).numpy(), src(x).numpy(), rtol=1e-5, atol=1e-6)


def test_original_yolov2_path(tmp_path, monkeypatch, capsys):
    """Users who bring the original files: they win over the course's weights, and the network
    built for them is YOLOv2 exactly (the spec's parameter counts), without Lambda layers."""
    import keras

    assert Y.resolve_yolo_weights(verbose=False) == ("course", Y.weights_path())
    monkeypatch.setattr(Y, "model_data_dir", lambda: tmp_path)
    (tmp_path / "yolo.h5").write_bytes(b"stand-in")
    assert Y.resolve_yolo_weights() == ("original", tmp_path / "yolo.h5")
    assert "original YOLOv2 weights" in capsys.readouterr().out
    model = Y.yolo_body(keras.Input((608, 608, 3)), 5, 80)
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert (model.count_params(), trainable) == (50_983_561, 50_962_889)
    assert tuple(model.output.shape) == (None, 19, 19, 425)
    assert not any(type(layer).__name__ == "Lambda" for layer in model.layers)
    with pytest.raises(FileNotFoundError, match="weights file not found"):
        Y.resolve_yolo_weights(tmp_path / "missing.h5")
