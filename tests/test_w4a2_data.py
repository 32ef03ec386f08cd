"""w4a2 data, weights and helpers: the pictures, the texture task, the feature network, ``cnnkit.nst``.

- the shipped pictures are what ``cnnkit.paintings`` draws (deterministic, 400x300 RGB,
  in the manifest) and the styles differ clearly in texture statistics;
- the textured-shape task is deterministic, prefix-stable and not solvable by a linear
  classifier on pixels;
- ``load_vgg19``: by default the shipped mini-VGG19 (sha256 verified, frozen, VGG19 layer
  names and roles); the real path (an official-named ImageNet file in a temporary
  ``KERAS_HOME``) is used without any download, and so is a user's file;
- ``get_layer_outputs``, ``clip_0_1``, ``tensor_to_image``, ``load_image`` and the figures.
"""
from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cnnkit import files, nst, paintings, textures


@pytest.fixture(scope="module")
def tf():
    from cnnkit.setup import quiet_tensorflow

    return quiet_tensorflow()


@pytest.fixture(scope="module")
def vgg64(tf):
    return nst.load_vgg19(64, weights="mini", verbose=False)


def _no_cache(monkeypatch, tmp_path):
    """No Keras cache holds the official file: point every cache folder at an empty one."""
    empty = tmp_path / "empty_keras" / "models"
    monkeypatch.setattr(nst, "keras_cache_dirs", lambda: [empty])


# ============================================================================ pictures
SHIPPED = [("content", nst.content_path())] + [(s, nst.style_path(s)) for s in paintings.STYLES]


@pytest.mark.parametrize("name,path", SHIPPED, ids=[n for n, _ in SHIPPED])
def test_shipped_picture_is_in_the_manifest_and_is_what_the_code_draws(name, path):
    rec = files.verify(path)
    assert rec["generator_version"] == paintings.GENERATOR_VERSION
    assert rec["made_by"].startswith("python scripts/w4a2_make_images.py")
    shipped = Image.open(path)
    assert shipped.mode == "RGB" and shipped.size == (400, 300)
    drawn = paintings.content_picture() if name == "content" else paintings.style_picture(name)
    assert drawn.size == (400, 300) and drawn.mode == "RGB"
    buf = io.BytesIO()
    drawn.save(buf, format="JPEG", quality=rec["jpeg_quality"], subsampling=0)
    diff = np.abs(np.asarray(Image.open(buf), float) - np.asarray(shipped, float)).mean()
    assert diff < 1.0, f"{path.name} is stale (mean difference {diff:.1f}): run python scripts/w4a2_make_images.py"


def test_pictures_are_deterministic():
    a, b = paintings.style_picture("mosaic"), paintings.style_picture("mosaic")
    assert np.array_equal(np.asarray(a), np.asarray(b))
    assert np.array_equal(np.asarray(paintings.content_picture()), np.asarray(paintings.content_picture()))
    with pytest.raises(ValueError, match="unknown style"):
        paintings.style_picture("cubism")


def test_styles_differ_clearly_in_gram_statistics(tf, vgg64):
    """The Gram matrices of the two halves of a style agree far better than those of two styles."""
    probe = nst.get_layer_outputs(vgg64, [("block1_conv1", 1), ("block2_conv1", 1)])

    def grams(img):
        out = []
        for a in probe(tf.constant(img.astype(np.float32) / 255.0)):
            a = a.numpy()[0].reshape(-1, a.shape[-1])
            out.append(a.T @ a / len(a))
        return out

    def halves(name):
        img = np.asarray(Image.open(nst.style_path(name)).convert("RGB"))
        return [np.asarray(Image.fromarray(img[:, k * 200:(k + 1) * 200]).resize((64, 64), Image.LANCZOS))[None]
                for k in (0, 1)]

    g = {name: [grams(h) for h in halves(name)] for name in paintings.STYLES}

    def dist(x, y):
        return sum(float(((a - b) ** 2).sum()) for a, b in zip(x, y))

    for a in paintings.STYLES:   # each half is at least twice closer to the other half than to any other style
        within = dist(g[a][0], g[a][1])
        for k in (0, 1):
            between = min(dist(g[a][k], g[b][j]) for b in paintings.STYLES if b != a for j in (0, 1))
            assert between > 2 * within, (a, k, within, between)


# ============================================================================ the texture task
def test_textured_shapes_are_deterministic_and_prefix_stable():
    X5, s5, t5 = textures.generate_textured_shapes("train", 5)
    X3, s3, t3 = textures.generate_textured_shapes("train", 3)
    assert X5.shape == (5, 64, 64, 3) and X5.dtype == np.uint8
    assert np.array_equal(X5[:3], X3) and np.array_equal(s5[:3], s3) and np.array_equal(t5[:3], t3)
    X2, _, _ = textures.generate_textured_shapes("train", 2, start=3)
    assert np.array_equal(X2, X5[3:])
    Xt, _, _ = textures.generate_textured_shapes("test", 3)
    assert not np.array_equal(Xt, X3), "the held-out split must come from its own seed"


def test_every_texture_and_shape_draws():
    rng = np.random.default_rng(0)
    for name in textures.TEXTURES:
        field, levels = textures.texture_field(name, rng, 48)
        assert field.shape == (48, 48) and 0 <= field.min() and field.max() <= levels - 1 + 1e-9
        assert field.std() > 0.05, f"texture {name} is almost flat"
    for name in textures.SHAPES:
        mask = textures.shape_mask(name, 64, 32, 32, 20, 0.3)
        assert 0.05 < mask.mean() < 0.6, name


def test_texture_task_is_not_linearly_separable():
    """Ridge regression on 16x16 pixels stays near chance on held-out pictures."""
    X, ys, yt = textures.generate_textured_shapes("train", 1500)
    Xh, sh, th = textures.generate_textured_shapes("test", 400)

    def small(X):
        return X.reshape(len(X), 16, 4, 16, 4, 3).mean(axis=(2, 4)).reshape(len(X), -1) / 255.0

    A, Ah = small(X), small(Xh)
    A1, Ah1 = np.c_[A, np.ones(len(A))], np.c_[Ah, np.ones(len(Ah))]
    for y, yh, n in ((ys, sh, len(textures.SHAPES)), (yt, th, len(textures.TEXTURES))):
        Y = np.eye(n)[y]
        W = np.linalg.solve(A1.T @ A1 + 10.0 * np.eye(A1.shape[1]), A1.T @ Y)
        acc = float((np.argmax(Ah1 @ W, 1) == yh).mean())
        assert acc < 2.2 / n, f"a linear classifier reaches {acc:.2f} (chance {1 / n:.2f})"
        counts = np.bincount(y, minlength=n)
        assert counts.min() > 0.5 * len(y) / n


# ============================================================================ weights and model card
def test_model_card_and_manifest_report_the_measured_numbers():
    """The card and the manifest carry the training script's measurements of the shipped file.

    The trunk's features name shape and texture far better than the same linear read-out on pixels
    (the trained heads' accuracy when the training run wrote the card, else linear probes on the
    frozen trunk), and style transfer with them beats random weights (issue 14).
    """
    path = nst.mini_weights_path()
    rec = files.verify(path)
    card = path.with_suffix(".md")
    files.verify(card)
    text = card.read_text()
    assert rec["sha256"] in text and "w4a2_train_vgg19_mini.py" in files.entry(card)["made_by"]
    for k in ("shape", "texture"):
        top1 = rec.get(f"heldout_top1_{k}", rec.get(f"probe_top1_{k}"))
        assert top1 is not None and top1 > rec["linear_baseline_top1"][k] + 0.3, (k, top1)
        assert f"{top1:.4f}" in text
    st = rec["style_transfer"]
    assert st["trained"]["style_drop_min"] >= 0.5 and st["trained"]["content_ratio_max"] <= 0.5
    assert st["trained"]["style_drop_mean"] > st["random"]["style_drop_mean"] + 0.3
    assert st["trained"]["judged_by_filter_bank_mean"] > st["random"]["judged_by_filter_bank_mean"]
    assert rec["style_transfer_settings"]["steps"] > 0 and len(st) == 2
    assert path.stat().st_size < 3e6


def test_damaged_weights_are_refused(tf, tmp_path, monkeypatch, capsys):
    copy = tmp_path / "datasets"
    (copy / "weights").mkdir(parents=True)
    shutil.copy(files.manifest_path(), copy / "MANIFEST.json")
    data = bytearray(nst.mini_weights_path().read_bytes())
    data[len(data) // 2] ^= 0xFF
    (copy / "weights" / nst.MINI_WEIGHTS_FILE).write_bytes(bytes(data))
    monkeypatch.setenv(files.DATASETS_ENV, str(copy))
    _no_cache(monkeypatch, tmp_path)
    with pytest.raises(files.IntegrityError, match="damaged or was replaced"):
        nst.load_vgg19(64)


# ============================================================================ load_vgg19
def _conv_and_pool_roles(model):
    rows = []
    for layer in model.layers[1:]:
        cfg = layer.get_config()
        if layer.name.split("_")[1].startswith("conv"):
            rows.append((layer.name, type(layer).__name__, tuple(cfg["kernel_size"]), tuple(cfg["strides"]),
                         cfg["padding"], cfg["activation"], cfg["use_bias"]))
        else:
            rows.append((layer.name, type(layer).__name__, tuple(cfg["pool_size"]), tuple(cfg["strides"]),
                         cfg["padding"]))
    return rows


def test_load_vgg19_default_uses_the_shipped_weights(tf, tmp_path, monkeypatch, capsys):
    _no_cache(monkeypatch, tmp_path)
    vgg = nst.load_vgg19(96)
    out = capsys.readouterr().out
    assert "mini-VGG19" in out and "sha256 checked" in out
    assert vgg.trainable is False and all(not layer.trainable for layer in vgg.layers)
    assert [layer.name for layer in vgg.layers[1:]] == list(nst.VGG19_LAYER_NAMES)
    reference = tf.keras.applications.VGG19(include_top=False, weights=None, input_shape=(96, 96, 3))
    assert _conv_and_pool_roles(vgg) == _conv_and_pool_roles(reference)
    assert vgg.input.shape[1:] == (96, 96, 3)
    widths = {layer.name: layer.output.shape[-1] for layer in vgg.layers[1:]}
    assert [widths[f"block{b}_conv1"] for b in range(1, 6)] == list(nst.MINI_WIDTHS)
    assert vgg.get_layer("block5_conv4").output.shape[1:3] == (6, 6)
    assert vgg.get_layer("block5_pool").output.shape[1:] == (3, 3, nst.MINI_WIDTHS[-1])
    # the loaded kernels are the shipped ones (int8 round trip), not a fresh initialisation
    from cnnkit.weights import dequantize_array

    with np.load(nst.mini_weights_path()) as d:
        assert np.allclose(vgg.get_layer("block3_conv2").kernel.numpy(),
                           dequantize_array(d["q010"], d["s010"]))


def test_full_width_builder_matches_keras_vgg19(tf):
    full = nst.mini_vgg19((400, 400, 3), widths=nst.VGG19_WIDTHS)
    assert full.count_params() == 20_024_384
    keras_vgg = tf.keras.applications.VGG19(include_top=False, weights=None, input_shape=(400, 400, 3))
    assert [(layer.name, tuple(layer.output.shape)) for layer in full.layers[1:]] == \
           [(layer.name, tuple(layer.output.shape)) for layer in keras_vgg.layers[1:]]


def _write_legacy_notop_file(model, path):
    """Save ``model``'s weights in the layout of Keras' official VGG19 files (Keras 2 HDF5)."""
    import h5py

    with h5py.File(path, "w") as f:
        f.attrs["layer_names"] = [layer.name.encode() for layer in model.layers]
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.2.4"
        for layer in model.layers:
            g = f.create_group(layer.name)
            names = [f"{layer.name}/{w.name}:0" for w in layer.weights]
            g.attrs["weight_names"] = [n.encode() for n in names]
            for n, w in zip(names, layer.weights):
                g.create_dataset(n, data=w.numpy())


@pytest.fixture
def fake_imagenet(tf, tmp_path, monkeypatch):
    """A randomly initialised full VGG19 saved under the official no-top name in a temporary KERAS_HOME.

    Every way to download is switched off: a download attempt fails the test.
    """
    home = tmp_path / "keras_home"
    (home / "models").mkdir(parents=True)
    tf.keras.utils.set_random_seed(3)
    model = tf.keras.applications.VGG19(include_top=False, weights=None, input_shape=(64, 64, 3))
    path = home / "models" / nst.IMAGENET_NOTOP_FILE
    _write_legacy_notop_file(model, path)
    monkeypatch.setenv("KERAS_HOME", str(home))

    def no_download(*args, **kwargs):
        raise AssertionError("load_vgg19 tried to download weights")

    import urllib.request

    import keras.src.utils.file_utils as file_utils

    monkeypatch.setattr(file_utils, "get_file", no_download)
    monkeypatch.setattr(urllib.request, "urlretrieve", no_download)
    monkeypatch.setattr(urllib.request, "urlopen", no_download)
    return path, model


def test_real_path_uses_the_cached_imagenet_file_without_download(fake_imagenet, capsys):
    path, model = fake_imagenet
    assert nst.keras_cache_dirs()[0] == path.parent
    assert nst.imagenet_notop_path() == path
    for weights in (None, "imagenet"):
        vgg = nst.load_vgg19(64, weights=weights)
        assert "ImageNet VGG19 weights from the Keras cache" in capsys.readouterr().out
        assert vgg.trainable is False
        assert vgg.count_params() == 20_024_384
        for name in ("block1_conv1", "block4_conv3", "block5_conv4"):
            for got, want in zip(vgg.get_layer(name).weights, model.get_layer(name).weights):
                np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_imagenet_without_the_cached_file_is_a_clear_error(tf, tmp_path, monkeypatch):
    _no_cache(monkeypatch, tmp_path)
    with pytest.raises(FileNotFoundError, match="nothing is downloaded"):
        nst.load_vgg19(64, weights="imagenet")


def test_user_supplied_files(fake_imagenet, tmp_path, monkeypatch, capsys):
    path, model = fake_imagenet
    mine = tmp_path / "my_vgg19_notop.h5"
    shutil.copy(path, mine)
    monkeypatch.delenv("KERAS_HOME")
    vgg = nst.load_vgg19(64, weights=str(mine))
    assert "the VGG19 weights you supplied" in capsys.readouterr().out
    np.testing.assert_array_equal(vgg.get_layer("block2_conv2").kernel.numpy(),
                                  model.get_layer("block2_conv2").kernel.numpy())
    own = tmp_path / "my_mini.npz"
    shutil.copy(nst.mini_weights_path(), own)
    vgg = nst.load_vgg19(64, weights=own)
    assert "your mini-VGG19 weights" in capsys.readouterr().out and vgg.trainable is False
    with pytest.raises(FileNotFoundError, match="weights file not found"):
        nst.load_vgg19(64, weights=tmp_path / "missing.h5")
    with pytest.raises(ValueError, match="too small"):
        nst.load_vgg19(16, weights="mini")


# ============================================================================ small helpers
def test_get_layer_outputs_keeps_the_order_given(tf, vgg64):
    names = [("block5_conv4", 1), ("block1_conv1", 0.2), ("block3_conv1", 0.2)]
    model = nst.get_layer_outputs(vgg64, names)
    x = tf.random.stateless_uniform((1, 64, 64, 3), seed=(1, 2))
    outs = model(x)
    assert [tuple(o.shape) for o in outs] == [(1, 4, 4, 128), (1, 64, 64, 16), (1, 16, 16, 64)]
    for (name, _), o in zip(names, outs):
        direct = tf.keras.Model(vgg64.input, vgg64.get_layer(name).output)(x)
        np.testing.assert_allclose(o.numpy(), direct.numpy(), rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="no layer 'block6_conv1'"):
        nst.get_layer_outputs(vgg64, [("block6_conv1", 1)])


def test_clip_0_1(tf):
    x = tf.constant([[-0.5, 0.0, 0.3], [1.0, 1.7, 0.999]])
    y = nst.clip_0_1(x)
    np.testing.assert_array_equal(y.numpy(), np.array([[0, 0, 0.3], [1, 1, 0.999]], np.float32))
    assert y.dtype == tf.float32 and y.shape == x.shape
    v = tf.Variable(tf.fill((1, 4, 4, 3), 2.0))
    v.assign(nst.clip_0_1(v))
    assert float(tf.reduce_max(v)) == 1.0


def test_tensor_to_image(tf):
    x = np.linspace(0, 1, 5 * 7 * 3, dtype=np.float32).reshape(1, 5, 7, 3)
    img = nst.tensor_to_image(tf.constant(x))
    assert isinstance(img, Image.Image) and img.size == (7, 5) and img.mode == "RGB"
    np.testing.assert_array_equal(np.asarray(img), (x[0] * 255).astype(np.uint8))
    assert nst.tensor_to_image(tf.Variable(x)).size == (7, 5)
    assert nst.tensor_to_image(x[0]).size == (7, 5)            # no batch axis: nothing dropped
    three = np.full((3, 5, 7, 3), 0.5, np.float32)              # the first axis is not a batch of one
    with pytest.raises(ValueError, match="batch of 3"):
        nst.tensor_to_image(three)
    over = nst.tensor_to_image(np.array([[[1.5, -0.2, 0.5]]], np.float32))
    assert np.asarray(over).tolist() == [[[255, 0, 127]]]


def test_load_image_shipped_and_user_pictures(tmp_path):
    c = nst.load_image(nst.content_path(), 80)
    assert c.shape == (1, 80, 80, 3) and c.dtype == np.uint8
    user = tmp_path / "holiday.png"
    Image.new("RGBA", (123, 57), (10, 200, 30, 128)).save(user)
    u = nst.load_image(user, 48)
    assert u.shape == (1, 48, 48, 3) and u.dtype == np.uint8 and tuple(u[0, 0, 0]) == (10, 200, 30)
    (tmp_path / "notes.txt").write_text("not a picture")
    with pytest.raises(ValueError, match="not an image"):
        nst.load_image(tmp_path / "notes.txt", 48)
    with pytest.raises(FileNotFoundError):
        nst.load_image(tmp_path / "absent.jpg", 48)
    with pytest.raises(ValueError, match="no shipped style"):
        nst.style_path("cubism")


# ============================================================================ figures and the bundle rule
def test_figures_draw_without_stderr(tf, vgg64, capfd):
    names = [("block1_conv1", 0.2), ("block3_conv1", 0.2), ("block5_conv4", 1)]
    x = nst.load_image(nst.content_path(), 64).astype(np.float32) / 255.0
    acts = nst.get_layer_outputs(vgg64, names)(tf.constant(x))
    grams = []
    for a in acts[:2]:
        m = a.numpy()[0].reshape(-1, a.shape[-1])
        grams.append(m.T @ m)
    figs = [nst.feature_maps(acts, names, image=x, channels=4),
            nst.gram_heatmap(grams, ["block1_conv1", "block3_conv1"]),
            nst.progress_grid({0: x, 50: x[0], 100: (x * 255).astype(np.uint8)}, columns=2),
            nst.cost_curve(np.geomspace(100, 1, 60)),
            nst.cost_curve({"trained": [3, 2, 1], "random": [3, 2.5, 2]}, log=False)]
    for fig in figs:
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        assert buf.tell() > 1000
    out, err = capfd.readouterr()
    assert err == ""
    with pytest.raises(ValueError):
        nst.gram_heatmap([np.zeros((3, 4))])
    with pytest.raises(ValueError):
        nst.feature_maps(acts, names[:2])


def test_cnnkit_holds_no_graded_function():
    import cnnkit

    graded = ("compute_content_cost", "gram_matrix", "compute_layer_style_cost", "total_cost", "train_step")
    for path in Path(cnnkit.__file__).parent.glob("*.py"):
        text = path.read_text()
        for name in graded:
            assert not re.search(rf"def {name}\b", text), f"{path.name} defines {name}"
    assert not set(graded) & set(dir(nst))
