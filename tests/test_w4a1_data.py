"""Tests of the w4a1 data, encoders and helpers (cnnkit.portraits, cnnkit.face, images/w4a1).

- the portrait generator is deterministic, people differ, photos of one person vary,
  siblings are near-duplicates, splits are different people;
- the shipped pictures match the manifest and load as 160x160 RGB (the RGBA one too);
- ``img_to_encoding`` gives float32 ``(1, 128)`` unit vectors; ``build_database`` keeps its order;
- ``load_face_model()`` loads the shipped encoder; the real path rebuilds Inception-ResNet-v1
  (its layer facts are checked) and loads weights that the test itself saves, both as a Keras 3
  ``.weights.h5`` and as a legacy Keras-2 ``.h5``;
- the shipped encoder recognises a known camera picture and rejects the unknown one;
- the figures draw without writing to stderr.
"""
from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from PIL import Image

from cnnkit import face, files, portraits
from cnnkit.setup import quiet_tensorflow

tf = quiet_tensorflow()


# ----------------------------------------------------------------------------- generator
def test_generator_is_deterministic():
    a = portraits.identity(5, "train")
    b = portraits.identity(5, "train")
    assert a.traits == b.traits and a.marks == b.marks
    im1 = np.asarray(portraits.render(a, 3))
    im2 = np.asarray(portraits.render(b, 3))
    assert im1.shape == (96, 96, 3) and im1.dtype == np.uint8
    assert np.array_equal(im1, im2)
    X, y = portraits.photo_array("eval", [4, 9], 3)
    X2, y2 = portraits.photo_array("eval", [4], 2)
    assert X.shape == (6, 96, 96, 3) and list(y) == [4, 4, 4, 9, 9, 9]
    assert np.array_equal(X[:2], X2) and list(y2) == [4, 4]   # a subset is a prefix


def test_people_differ_and_photos_vary():
    people = [portraits.identity(i, "train") for i in range(40)]
    keys = ["head_ratio", "jaw", "skin", "eye_sep", "nose_len", "mouth_w", "hairline"]
    vecs = np.array([[p.traits[k] for k in keys] for p in people])
    assert len({tuple(v) for v in vecs}) == 40
    assert len({p.traits["hair_style"] for p in people}) >= 6
    assert len({p.traits["eye_color_name"] for p in people}) >= 4
    assert len({p.traits["beard"] for p in people}) >= 3
    # photos of one person vary (pose, light, background)
    ident = people[0]
    photos = np.stack([np.asarray(portraits.render(ident, k), np.float64) for k in range(6)])
    diffs = [np.abs(photos[i] - photos[j]).mean() for i in range(6) for j in range(i + 1, 6)]
    assert min(diffs) > 8.0, diffs
    # the enrolment portrait differs from the snapshots and is near-frontal with a plain background
    portrait = np.asarray(portraits.render(ident, 0, kind="portrait"), np.float64)
    assert np.abs(portrait - photos[0]).mean() > 8.0
    with pytest.raises(ValueError, match="kind"):
        portraits.render(ident, 0, kind="selfie")
    with pytest.raises(ValueError, match="split"):
        portraits.identity(0, "test")


def test_splits_are_different_people_and_siblings_are_close():
    tr, ev = portraits.identity(0, "train"), portraits.identity(0, "eval")
    assert tr.traits != ev.traits
    sibs = [portraits.identity(i, "train") for i in range(1, 200, 2)]
    sibs = [s for s in sibs if s.sibling_of is not None]
    share = len(sibs) / 100
    assert 0.2 < share < 0.5, share
    keys = [k for k in portraits._RANGES]
    span = np.array([hi - lo for lo, hi in portraits._RANGES.values()])

    def gap(p, q):
        return float(np.mean(np.abs(np.array([p.traits[k] for k in keys]) - np.array([q.traits[k] for k in keys])) / span))

    sib_gaps = [gap(s, portraits.identity(s.sibling_of, "train")) for s in sibs]
    other_gaps = [gap(portraits.identity(i, "train"), portraits.identity(i + 50, "train")) for i in range(0, 60, 2)]
    assert np.mean(sib_gaps) < 0.5 * np.mean(other_gaps)
    assert all(s.traits["skin"] == pytest.approx(portraits.identity(s.sibling_of, "train").traits["skin"], abs=0.1)
               for s in sibs)


# ----------------------------------------------------------------------------- shipped pictures
def _shipped():
    paths = [face.database_image(n) for n in face.DATABASE_NAMES]
    paths += [face.camera_image(k) for k in range(face.N_CAMERA_IMAGES)]
    return paths


def test_shipped_pictures_match_manifest_and_load():
    modes = Counter()
    for p in _shipped():
        rec = files.verify(p)
        assert rec["made_by"] == "python scripts/w4a1_make_images.py"
        with Image.open(p) as im:
            assert im.size == (96, 96)
            modes[(im.format, im.mode)] += 1
        img = tf.keras.preprocessing.image.load_img(str(p), target_size=(160, 160))
        arr = np.asarray(img)
        assert arr.shape == (160, 160, 3) and arr.dtype == np.uint8
    assert modes[("PNG", "RGBA")] == 1, modes
    assert modes[("JPEG", "RGB")] == len(_shipped()) - 1, modes
    shows = [files.entry(face.camera_image(k))["shows"] for k in range(face.N_CAMERA_IMAGES)]
    assert "someone not in the database" in shows
    assert any(s in face.DATABASE_NAMES for s in shows)


def test_rgba_picture_converts_like_its_colour_channels():
    rgba = next(p for p in _shipped() if Image.open(p).mode == "RGBA")
    with Image.open(rgba) as im:
        alpha = np.asarray(im)[..., 3]
        colour = np.asarray(im.convert("RGB").resize((160, 160), Image.NEAREST))
    assert alpha.min() == 0 and alpha.max() == 255      # the alpha channel is really used
    loaded = np.asarray(tf.keras.preprocessing.image.load_img(str(rgba), target_size=(160, 160)))
    assert np.array_equal(loaded, colour)


# ----------------------------------------------------------------------------- encodings
@pytest.fixture(scope="module")
def encoder():
    return face.load_face_model()


def test_default_model_and_img_to_encoding(encoder):
    assert tuple(encoder.input.shape) == (None, 160, 160, 3)
    assert tuple(encoder.output.shape) == (None, 128)
    assert 1_000_000 <= encoder.count_params() <= 3_000_000
    enc = face.img_to_encoding(str(face.database_image(face.DATABASE_NAMES[0])), encoder)
    assert enc.shape == (1, 128) and enc.dtype == np.float32
    assert np.linalg.norm(enc) == pytest.approx(1.0, abs=1e-5)
    # the RGBA picture goes through the same path
    rgba = face.img_to_encoding(str(face.database_image("galina")), encoder)
    assert rgba.shape == (1, 128) and np.isfinite(rgba).all()
    # the array helper gives the same numbers as img_to_encoding on a lossless file
    img = np.asarray(Image.open(face.database_image("galina")).convert("RGB"))
    assert np.allclose(face.encode_images(img[None], encoder), rgba, atol=1e-5)


def test_build_database_order_and_shapes(encoder, tmp_path):
    db = face.build_database(encoder)
    assert list(db) == list(face.DATABASE_NAMES)
    assert all(v.shape == (1, 128) and v.dtype == np.float32 for v in db.values())
    # a folder of the user's own pictures: every <name>.jpg except camera_*, sorted
    for name in ("zed", "abe"):
        Image.open(face.database_image(face.DATABASE_NAMES[0])).save(tmp_path / f"{name}.jpg")
    Image.open(face.camera_image(0)).save(tmp_path / "camera_0.jpg")
    own = face.build_database(encoder, image_dir=tmp_path)
    assert list(own) == ["abe", "zed"]
    assert np.allclose(own["abe"], own["zed"])
    with pytest.raises(FileNotFoundError, match="nobody"):
        face.build_database(encoder, names=["nobody"], image_dir=tmp_path)


def test_shipped_encoder_recognises_known_and_rejects_unknown(encoder):
    db = face.build_database(encoder)
    names = list(db)
    E = np.concatenate([db[n] for n in names]).astype(np.float64)
    results = {}
    for k in range(face.N_CAMERA_IMAGES):
        e = face.img_to_encoding(str(face.camera_image(k)), encoder).astype(np.float64)
        d = np.linalg.norm(E - e, axis=1)
        results[k] = (names[int(np.argmin(d))], float(d.min()), files.entry(face.camera_image(k))["shows"])
    known = [k for k, (_, _, who) in results.items() if who in names]
    unknown = [k for k, (_, _, who) in results.items() if who not in names]
    k0 = known[0]
    assert results[k0][0] == results[k0][2] and results[k0][1] < 0.7, results
    for k in unknown:
        assert results[k][1] >= 0.7, results


def test_shipped_encoder_separates_unseen_people(encoder):
    """A small fresh sample of unseen people: same-person distances mostly below 0.7, others above."""
    _, labels, enc = face.portrait_gallery(encoder, people=6, photos=4, start=300)
    same, diff = face.pair_distances(enc, labels)
    acc = 0.5 * (np.mean(same < 0.7) + np.mean(diff >= 0.7))
    assert acc > 0.85, (np.round(same, 2), np.round(diff, 2))


def test_manifest_and_card_report_the_targets_on_unseen_people():
    entry = files.verify(files.weights_dir() / face.ENCODER_FILE)
    assert entry["threshold"] == 0.7
    assert entry["verification_accuracy"] >= 0.95 and entry["rank1_accuracy"] >= 0.95
    card = files.weights_dir() / "face_encoder.md"
    files.verify(card)
    assert f"{entry['verification_accuracy']:.4f}" in card.read_text()


# ----------------------------------------------------------------------------- the real path
@pytest.fixture(scope="module")
def facenet():
    tf.keras.utils.set_random_seed(3)
    return face.inception_resnet_v1()


def test_inception_resnet_v1_layer_facts(facenet):
    m = facenet
    assert tuple(m.input.shape) == (None, 160, 160, 3) and tuple(m.output.shape) == (None, 128)
    assert len(m.layers) == 426
    kinds = Counter(type(l).__name__ for l in m.layers)
    assert kinds == Counter({"Conv2D": 132, "Activation": 131, "BatchNormalization": 112, "Concatenate": 23,
                             "ScaledResidual": 21, "MaxPooling2D": 3, "InputLayer": 1,
                             "GlobalAveragePooling2D": 1, "Dropout": 1, "Dense": 1})
    assert not any(type(l).__name__ == "Lambda" for l in m.layers)
    bns = [l for l in m.layers if type(l).__name__ == "BatchNormalization"]
    assert {(l.momentum, l.epsilon, l.scale) for l in bns} == {(0.995, 0.001, False)}
    scales = [l.scale for l in m.layers if type(l).__name__ == "ScaledResidual"]
    assert scales == [0.17] * 5 + [0.1] * 10 + [0.2] * 5 + [1.0] or sorted(scales) == sorted(
        [0.17] * 5 + [0.1] * 10 + [0.2] * 5 + [1.0])
    assert Counter(scales) == Counter({0.17: 5, 0.1: 10, 0.2: 5, 1.0: 1})
    assert [l.rate for l in m.layers if type(l).__name__ == "Dropout"] == [0.2]
    dense = next(l for l in m.layers if type(l).__name__ == "Dense")
    assert dense.units == 128 and not dense.use_bias
    assert type(m.layers[-1]).__name__ == "BatchNormalization"
    assert m.count_params() == 22_808_144
    assert sum(int(np.prod(v.shape)) for v in m.trainable_weights) == 22_779_312
    # the scaled-residual layer is registered and round-trips through its config
    layer = next(l for l in m.layers if type(l).__name__ == "ScaledResidual")
    import keras

    clone = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert type(clone).__name__ == "ScaledResidual" and clone.scale == layer.scale
    x, r = np.ones((1, 2, 2, 3), np.float32), np.full((1, 2, 2, 3), 2.0, np.float32)
    assert np.allclose(clone([x, r]), 1 + 2 * layer.scale)


def _perturb_bn(model):
    """Give BatchNorm non-trivial statistics so that a wrong loader shows in the outputs."""
    rng = np.random.default_rng(0)
    for l in model.layers:
        if type(l).__name__ == "BatchNormalization":
            l.moving_mean.assign(rng.normal(0, 0.05, l.moving_mean.shape).astype(np.float32))
            l.moving_variance.assign(rng.uniform(0.5, 1.5, l.moving_variance.shape).astype(np.float32))
            l.beta.assign(rng.normal(0, 0.05, l.beta.shape).astype(np.float32))


def _same_weights(a, b) -> bool:
    wa, wb = a.get_weights(), b.get_weights()
    return len(wa) == len(wb) and all(x.shape == y.shape and np.array_equal(x, y) for x, y in zip(wa, wb))


def test_real_path_loads_facenet_weights_the_test_saves(facenet, tmp_path):
    _perturb_bn(facenet)
    # Keras 3 weights file
    path = tmp_path / "facenet_keras.weights.h5"
    facenet.save_weights(str(path))
    loaded = face.load_face_model(weights=path)
    assert loaded.name == "inception_resnet_v1" and len(loaded.layers) == 426
    assert _same_weights(loaded, facenet)
    # legacy Keras-2 layout (the original course's .h5), loaded by layer name
    import h5py
    from keras.src.legacy.saving import legacy_h5_format

    legacy = tmp_path / "facenet_keras.h5"
    with h5py.File(legacy, "w") as f:
        legacy_h5_format.save_weights_to_hdf5_group(f, facenet)
    loaded2 = face.load_face_model(weights=legacy)
    assert _same_weights(loaded2, facenet)
    # the loaded network computes what the saved one computes, and img_to_encoding works with it
    x = np.asarray(tf.keras.preprocessing.image.load_img(str(face.camera_image(0)), target_size=(160, 160)))
    x = np.around(x / 255.0, decimals=12)[None]
    expected = facenet(x, training=False).numpy()
    enc = face.img_to_encoding(str(face.camera_image(0)), loaded2)
    assert enc.shape == (1, 128) and np.linalg.norm(enc) == pytest.approx(1.0, abs=1e-5)
    assert np.allclose(enc, expected / np.linalg.norm(expected), atol=1e-4)


def test_load_face_model_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="not found"):
        face.load_face_model(weights=tmp_path / "missing.h5")
    (tmp_path / "model.json").write_text("{}")
    with pytest.raises(ValueError, match="JSON"):
        face.load_face_model(weights=tmp_path / "model.json")
    (tmp_path / "weights.bin").write_bytes(b"x")
    with pytest.raises(ValueError, match="expected"):
        face.load_face_model(weights=tmp_path / "weights.bin")


# ----------------------------------------------------------------------------- figures
def test_figures_draw_without_stderr(encoder, capfd):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    capfd.readouterr()
    fig = face.triplet_examples(model=encoder)
    assert len(fig.axes) == 9
    images, labels, enc = face.portrait_gallery(encoder, people=5, photos=4)
    assert images.shape == (20, 96, 96, 3) and enc.shape == (20, 128)
    fig2 = face.embedding_projection(enc, labels)
    same, diff = face.pair_distances(enc, labels)
    assert len(same) == 5 * 6 and len(diff) == 190 - 30
    fig3 = face.distance_histogram(same, diff, threshold=0.7)
    for f in (fig, fig2, fig3):
        f.canvas.draw()
        plt.close(f)
    out = capfd.readouterr()
    assert out.err == "", out.err
    with pytest.raises(ValueError):
        face.distance_histogram([], [1.0])
