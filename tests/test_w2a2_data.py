"""Tests of the w2a2 data, base weights and helpers: cnnkit.alpacas, cnnkit.objects, cnnkit.transfer.

Fast (well under a minute): generators are exercised on a few pictures, which are identical to
the first pictures of the full sets; the real ``weights="imagenet"`` path is shown in a
subprocess whose ``KERAS_HOME`` holds a file the test makes.
"""
from __future__ import annotations

import importlib.util
import io
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cnnkit import alpacas, files, objects, transfer

ROOT = Path(__file__).resolve().parents[1]
N_PARAMS = 2_257_984


@pytest.fixture
def tmp_datasets(tmp_path, monkeypatch):
    """An empty datasets folder selected through CNN_COURSE_DATASETS."""
    root = tmp_path / "datasets"
    root.mkdir()
    monkeypatch.setenv("CNN_COURSE_DATASETS", str(root))
    return root


@pytest.fixture
def empty_keras_cache(tmp_path, monkeypatch):
    """Keras looks for downloaded files in an empty folder (its home is read once at import)."""
    from keras.src.backend import config

    home = tmp_path / "keras_home"
    (home / "models").mkdir(parents=True)
    monkeypatch.setattr(config, "_KERAS_DIR", str(home))
    return home


# ================================================================== the alpaca pictures
def test_plan_is_balanced_and_prefix_stable():
    plan = [alpacas.picture_plan(k) for k in range(alpacas.N_IMAGES)]
    share = np.mean([label == 0 for label, _ in plan])
    assert 0.4 <= share <= 0.6
    for n in (20, 60, 200):  # every prefix of whole blocks holds 45 % alpacas
        assert sum(label == 0 for label, _ in plan[:n]) == 9 * n // 20
    kinds = Counter(kind for label, kind in plan if label == 1)
    assert set(kinds) == set(alpacas.NEGATIVE_KINDS), kinds
    assert all(count >= 8 for count in kinds.values()), kinds  # every kind of hard negative is there
    assert all((label == 0) == (kind == "alpaca") for label, kind in plan)
    assert [alpacas.picture_plan(k, seed=7) for k in range(40)] != plan[:40]


def test_pictures_are_deterministic_and_sized():
    for k in (0, 3, 11):
        a, label, kind = alpacas.render_picture(k)
        b, _, _ = alpacas.render_picture(k)
        np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
        assert (label, kind) == alpacas.picture_plan(k)
        assert a.mode == "RGB" and 200 <= min(a.size) and max(a.size) <= 600
        assert np.asarray(a).std() > 15
    other, _, _ = alpacas.render_picture(0, seed=999)
    assert not np.array_equal(np.asarray(other.resize((64, 64))), np.asarray(alpacas.render_picture(0)[0].resize((64, 64))))
    small, _, _ = alpacas.render_picture(5, size=(240, 200))
    assert small.size == (240, 200)


def test_shipped_folder_is_complete_and_in_the_manifest():
    folder = alpacas.synthetic_alpaca_dir()
    expected = alpacas.expected_files(folder)
    assert sorted(expected) == sorted(p for c in alpacas.CLASS_NAMES for p in (folder / c).glob("*.jpg"))
    sizes, total = [], 0
    for k, path in enumerate(expected):
        entry = files.verify(path)
        assert entry["made_by"] == "python scripts/w2a2_make_alpacas.py"
        assert entry["index"] == k and entry["label"] == alpacas.picture_plan(k)[0]
        assert entry["generator_version"] == alpacas.GENERATOR_VERSION
        with Image.open(path) as im:
            assert im.format == "JPEG" and im.mode == "RGB"
            assert im.size == (entry["width"], entry["height"])
            sizes.append(im.size)
        total += path.stat().st_size
    counts = alpacas.folder_counts(folder)
    assert sum(counts.values()) == alpacas.N_IMAGES == 327
    assert 0.4 <= counts["alpaca"] / 327 <= 0.6
    w, h = np.array(sizes).T
    assert w.min() >= 200 and h.min() >= 200 and max(w.max(), h.max()) <= 600
    assert (w / h).min() < 0.8 and (w / h).max() > 1.4  # portrait and landscape pictures
    assert total < 12e6


def test_the_code_redraws_the_shipped_bytes():
    import PIL

    entry = files.entry(alpacas.expected_files()[0])
    if entry["built_with"]["pillow"] != PIL.__version__:
        pytest.skip(f"JPEG bytes depend on Pillow ({entry['built_with']['pillow']} made them, this is {PIL.__version__})")
    for k in (0, 1, 2, 57):
        label = alpacas.picture_plan(k)[0]
        img, _, _ = alpacas.render_picture(k)
        data = alpacas._jpeg_bytes(img, alpacas._rng(alpacas.SEED, "alpaca", 10 ** 6 + k))
        path = alpacas.synthetic_alpaca_dir() / alpacas.CLASS_NAMES[label] / alpacas._file_name(k, label)
        assert data == path.read_bytes(), path


def test_folder_loads_like_the_notebook_loads_it(tf):
    folder = transfer.alpaca_directory("synthetic")
    kw = dict(shuffle=True, batch_size=32, image_size=(160, 160), validation_split=0.2, seed=42, verbose=False)
    train = tf.keras.utils.image_dataset_from_directory(folder, subset="training", **kw)
    val = tf.keras.utils.image_dataset_from_directory(folder, subset="validation", **kw)
    assert train.class_names == val.class_names == ["alpaca", "not alpaca"]
    x, y = next(iter(train))
    assert x.shape == (32, 160, 160, 3) and x.dtype == tf.float32 and y.dtype == tf.int32
    assert 0 <= float(tf.reduce_min(x)) and float(tf.reduce_max(x)) <= 255
    n_val = sum(int(b.shape[0]) for b, _ in val)
    n_train = sum(int(b.shape[0]) for b, _ in train)
    assert (n_train, n_val) == (262, 65)
    val_labels = np.concatenate([b.numpy() for _, b in val])
    assert 0.3 <= val_labels.mean() <= 0.7  # both classes in the validation split


# ================================================================== alpaca_directory
def _tiny_jpegs(folder: Path, n: int, colour) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for k in range(n):
        Image.new("RGB", (40 + k, 30), colour).save(folder / f"pic{k}.jpg")


def test_alpaca_directory_prefers_the_original_folder(tmp_datasets, capsys):
    orig = tmp_datasets / "alpaca"
    _tiny_jpegs(orig / "alpaca", 3, (200, 180, 150))
    _tiny_jpegs(orig / "not alpaca", 2, (60, 120, 60))
    assert transfer.alpaca_directory() == str(orig)
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "original" in out and "3 alpaca, 2 not alpaca" in out
    assert transfer.alpaca_directory("original") == str(orig)
    capsys.readouterr()
    shutil.rmtree(orig / "not alpaca")  # a malformed original folder is an error, not a silent fallback
    with pytest.raises(FileNotFoundError, match="not alpaca"):
        transfer.alpaca_directory()
    with pytest.raises(ValueError, match="source"):
        transfer.alpaca_directory("imagenet")


def test_alpaca_directory_draws_a_missing_synthetic_folder(tmp_datasets, monkeypatch, capsys):
    monkeypatch.setattr(alpacas, "N_IMAGES", 12)
    with pytest.raises(FileNotFoundError):
        transfer.alpaca_directory("original")
    path = transfer.alpaca_directory()
    out = capsys.readouterr().out
    assert path == str(tmp_datasets / "synthetic" / "alpaca")
    assert out.strip().count("\n") == 0 and "synthetic" in out and "drawn now" in out
    assert sum(alpacas.folder_counts(path).values()) == 12
    first = alpacas.expected_files()[0]
    shipped = alpacas.expected_files(ROOT / "datasets" / "synthetic" / "alpaca")[0]
    a, b = (np.asarray(Image.open(p), dtype=float) for p in (first, shipped))
    assert a.shape == b.shape and np.abs(a - b).mean() < 2  # the shipped picture 0 again (bytes: same Pillow)
    mtime = first.stat().st_mtime_ns
    assert transfer.alpaca_directory() == path  # complete now: not drawn again
    assert "drawn earlier" in capsys.readouterr().out and first.stat().st_mtime_ns == mtime


def test_alpaca_directory_refuses_a_damaged_shipped_picture(tmp_datasets, monkeypatch, capsys):
    monkeypatch.setattr(alpacas, "N_IMAGES", 4)
    alpacas.generate_alpaca_folder(progress=False, made_by="python scripts/w2a2_make_alpacas.py")
    assert "checked against the manifest" in (transfer.alpaca_directory(), capsys.readouterr().out)[1]
    victim = alpacas.expected_files()[2]
    victim.write_bytes(victim.read_bytes()[:-10])
    with pytest.raises(files.IntegrityError, match="w2a2_make_alpacas"):
        transfer.alpaca_directory()


def test_repository_default_is_the_shipped_synthetic_folder(capsys):
    assert not (files.datasets_dir() / "alpaca").exists()
    path = transfer.alpaca_directory()
    assert path == str(alpacas.synthetic_alpaca_dir())
    assert "shipped, checked against the manifest" in capsys.readouterr().out


# ================================================================== the source task
def test_source_task_has_no_alpacas_and_draws_every_class():
    names = objects.CLASS_NAMES
    assert len(names) == len(set(names)) == 52
    assert not {"alpaca", "llama", "vicuna", "guanaco"} & set(names)
    assert {"sheep", "goat", "horse", "dog", "camel", "deer"} <= set(objects.ANIMALS)
    X, y = objects.source_batch(0, 52, size=64)
    assert X.shape == (52, 64, 64, 3) and X.dtype == np.uint8 and y.tolist() == list(range(52))
    assert all(X[k].std() > 5 for k in range(52))
    np.testing.assert_array_equal(objects.source_picture(7, size=64), X[7])
    assert not np.array_equal(objects.source_picture(7, "test", size=64), X[7])
    assert objects.source_class(52 * 3 + 5) == 5


def test_procedural_species_are_new_quadrupeds_and_never_alpaca_like():
    assert objects.overlaps_alpaca(alpacas.SPECIES["alpaca"])  # the rule catches the alpaca itself
    assert not any(objects.overlaps_alpaca(s) for s in alpacas.SPECIES.values() if s is not alpacas.SPECIES["alpaca"])
    species = [objects.procedural_species(i) for i in range(200)]
    assert not any(objects.overlaps_alpaca(s) for s in species)
    assert len({(s["neck_len"], s["ears"], s["coats"][0]) for s in species}) == 200  # all different
    for s in species[:20]:
        for k, (lo, hi) in ((k, s[k]) for k in ("neck_len", "bh", "ear_len")):
            assert 0 < hi - lo < 0.3 and lo >= 0, (s["name"], k, lo, hi)
    names = objects.class_names(100)
    assert len(names) == len(set(names)) == 152 and names[:52] == objects.CLASS_NAMES
    assert not {"alpaca", "llama"} & set(names)
    assert objects.source_class(152 + 60, 100) == 60 and objects.source_class(52 + 60) == 8
    X, y = objects.source_batch(52, 3, size=64, n_species=100)
    assert y.tolist() == [52, 53, 54] and all(X[k].std() > 5 for k in range(3))
    np.testing.assert_array_equal(objects.source_picture(53, size=64, n_species=100), X[1])
    # without species, every picture is the 52-class task's (that task's picture caches stay valid)
    np.testing.assert_array_equal(objects.source_picture(53, size=64, n_species=0), objects.source_picture(53, size=64))


# ================================================================== base weights
def test_shipped_base_weights_load_and_match_the_manifest(tf, empty_keras_cache):
    weights = transfer.mobilenet_base_weights()
    assert weights == str(files.weights_dir() / transfer.WEIGHTS_FILE)
    assert Path(weights).name != transfer.official_weights_name()  # never under the ImageNet name
    entry = files.verify(weights)
    assert entry["made_by"].startswith("python scripts/w2a2_train_mobilenet_base.py")
    assert entry["parameters"] == N_PARAMS
    base = tf.keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False, weights=weights)
    assert base.name == "mobilenetv2_1.00_160" and len(base.layers) == 154
    assert base.count_params() == N_PARAMS
    random = tf.keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False, weights=None)
    assert not np.allclose(base.get_layer("Conv1").kernel.numpy(), random.get_layer("Conv1").kernel.numpy())
    moving_var = base.get_layer("Conv_1_bn").moving_variance.numpy()
    assert not np.allclose(moving_var, 1.0)  # trained statistics, not the initial ones
    with pytest.raises(FileNotFoundError, match="alpha"):
        transfer.mobilenet_base_weights(alpha=0.35)


def test_damaged_base_weights_are_refused(tmp_datasets, empty_keras_cache):
    (tmp_datasets / "weights").mkdir()
    with pytest.raises(files.IntegrityError, match="not listed"):
        transfer.mobilenet_base_weights()
    copy = tmp_datasets / "weights" / transfer.WEIGHTS_FILE
    shutil.copy(ROOT / "datasets" / "weights" / transfer.WEIGHTS_FILE, copy)
    files.record(copy, made_by="python scripts/w2a2_train_mobilenet_base.py")
    assert transfer.mobilenet_base_weights() == str(copy)
    data = bytearray(copy.read_bytes())
    data[len(data) // 2] ^= 0xFF
    copy.write_bytes(bytes(data))
    with pytest.raises(files.IntegrityError, match="w2a2_train_mobilenet_base"):
        transfer.mobilenet_base_weights()
    copy.unlink()
    with pytest.raises(files.IntegrityError, match="missing"):
        transfer.mobilenet_base_weights()


_REAL_PATH = textwrap.dedent("""
    import os, sys, urllib.request
    sys.path.insert(0, {root!r})
    def no_download(*args, **kwargs):
        raise AssertionError("tried to download " + repr(args[:1]))
    urllib.request.urlretrieve = no_download
    urllib.request.urlopen = no_download
    from cnnkit.setup import quiet_tensorflow
    tf = quiet_tensorflow()
    import h5py, numpy as np
    from cnnkit import transfer
    models = os.path.join(os.environ["KERAS_HOME"], "models")
    assert transfer.mobilenet_base_weights() != "imagenet"          # nothing in the cache yet
    tf.keras.utils.set_random_seed(5)
    fake = tf.keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False, weights=None)
    for v in fake.weights:                                           # recognisable values
        v.assign(tf.random.uniform(v.shape, 0.5, 1.5))
    path = os.path.join(models, transfer.official_weights_name(1.0, 160))
    with h5py.File(path, "w") as f:                                  # the official files' Keras-2 layout
        f.attrs["layer_names"] = [l.name.encode() for l in fake.layers]
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.2.4"
        for layer in fake.layers:
            g = f.create_group(layer.name)
            names = [f"{{layer.name}}/{{w.name}}:0" for w in layer.weights]
            g.attrs["weight_names"] = [n.encode() for n in names]
            for n, w in zip(names, layer.weights):
                g.create_dataset(n, data=w.numpy())
    weights = transfer.mobilenet_base_weights(alpha=1.0, rows=160)
    assert weights == "imagenet", weights
    base = tf.keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False, weights=weights)
    assert base.count_params() == {n_params}
    for a, b in zip(base.weights, fake.weights):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert transfer.mobilenet_base_weights(rows=96) != "imagenet"   # another size: another file
    print("REAL PATH OK")
""")


def test_real_imagenet_path_loads_the_cached_file_without_a_download(tmp_path):
    home = tmp_path / "keras_home"
    (home / "models").mkdir(parents=True)
    env = {**os.environ, "KERAS_HOME": str(home), "TF_CPP_MIN_LOG_LEVEL": "3"}
    code = _REAL_PATH.format(root=str(ROOT), n_params=N_PARAMS)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "REAL PATH OK" in result.stdout
    assert [p.name for p in (home / "models").iterdir()] == [transfer.official_weights_name()]


def test_base_card_lists_each_command_of_a_resumed_run(tmp_path):
    spec = importlib.util.spec_from_file_location("w2a2_train_mobilenet_base",
                                                  ROOT / "scripts" / "w2a2_train_mobilenet_base.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    rec = {k: v for k, v in files.verify(files.weights_dir() / transfer.WEIGHTS_FILE).items() if k != "commands"}
    cmd = "python scripts/w2a2_train_mobilenet_base.py --run-name r"
    assert mod.commands_cell({**rec, "command": cmd}) == f"`{cmd}`"
    runs = [{"command": cmd, "from_epoch": 1, "to_epoch": 10, "lr_at_start": 1e-4},
            {"command": cmd + " --epochs 16", "from_epoch": 11, "to_epoch": 16, "lr_at_start": 6.3e-4}]
    two = mod.commands_cell({**rec, "command": cmd + " --epochs 16", "commands": runs})
    assert two == f"epochs 1-10: `{cmd}`; then epochs 11-16: `{cmd} --epochs 16`"
    card = tmp_path / "card.md"
    mod.write_model_card(card, {**rec, "command": cmd + " --epochs 16", "commands": runs}, made_by=cmd)
    text = card.read_text()
    assert two in text and rec["sha256"] in text
    majority = rec["transfer"]["majority_class"]  # the baseline a base that learnt nothing can fall below
    assert f"| always the commoner class of the validation split | {majority:.3f} |" in text
    assert f"{100 * (rec['transfer']['ours_mean'] - majority):.1f} over always answering the commoner class" in text


# Issue 11 is blocked on this (training compute; see the README): the shipped base (52 classes + 100 procedural species, 16 epochs) gives
# 0.77 after fine-tuning (scripts/w2a2_transfer_gain.py, three seeds; 0.38 from a random base),
# target 0.95; its frozen features probe 0.86 on the folder, so the limit is still the base.
# strict: once the target is reached, this test passes and the marker must go.
@pytest.mark.xfail(strict=True, reason="issue 11 blocked on training compute: fine-tuned alpaca accuracy 0.77 < 0.95 "
                   "with the shipped MobileNetV2 base; see the model card and scripts/w2a2_transfer_gain.py")
def test_model_card_and_manifest_report_the_measured_transfer():
    path = files.weights_dir() / transfer.WEIGHTS_FILE
    entry = files.verify(path)
    t = entry["transfer"]
    assert t["ours_mean"] >= 0.95 and t["ours_min"] >= 0.9
    assert t["gain_points"] >= 10 and t["ours_mean"] - t["random_mean"] >= 0.10
    assert t["ours_mean"] - t["small_cnn_mean"] >= 0.10 and t["ours_mean"] - t["pixels_logreg"] >= 0.10
    st = entry["source_task"]
    assert st["alpacas"] == 0 and st["classes"] == 52 + st["procedural_species"]
    card = (files.weights_dir() / "mobilenetv2_synthetic_no_top.md").read_text()
    assert entry["sha256"] in card
    assert f"**{t['ours_mean']:.3f}**" in card and f"{t['random_mean']:.3f}" in card
    assert f"{entry['source_top1']['160px_float16']:.3f}" in card
    assert "Limits" in card


# ================================================================== figures
def test_figures_draw_without_stderr(tf, capfd):
    rng = np.random.default_rng(0)
    images = rng.uniform(0, 255, (10, 48, 40, 3)).astype("float32")
    labels = np.array([0, 1] * 5, dtype="int32")
    ds = tf.data.Dataset.from_tensor_slices((images, labels)).batch(4)
    flip = tf.keras.Sequential([tf.keras.layers.RandomFlip("vertical")])
    head = tf.keras.Sequential([tf.keras.Input((48, 40, 3)), tf.keras.layers.GlobalAveragePooling2D(),
                                tf.keras.layers.Dense(1)])
    h0 = {"accuracy": [0.5, 0.6, 0.7], "val_accuracy": [0.5, 0.65, 0.7], "loss": [0.7, 0.6, 0.5],
          "val_loss": [0.7, 0.62, 0.55]}
    h1 = {k: [v[-1] + 0.05 * i for i in range(4)] for k, v in h0.items()}
    figs = [transfer.augmented_grid(ds, flip), transfer.finetune_curves(h0, h1, 3),
            transfer.prediction_grid(head, ds, n=9), transfer.prediction_grid(head, ds, n=10)]
    for fig in figs:
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        assert buf.tell() > 5000
    assert len(figs[1].axes) == 2  # accuracy and loss, each before and after fine-tuning
    acc_lines = figs[1].axes[0].get_lines()
    assert len(acc_lines[0].get_xdata()) == 7  # 3 frozen epochs + 4 fine-tuning epochs, one after the other
    out, err = capfd.readouterr()
    assert err == ""
    with pytest.raises(ValueError, match="logit"):
        transfer.prediction_grid(tf.keras.Sequential([tf.keras.Input((48, 40, 3)), tf.keras.layers.Flatten(),
                                                      tf.keras.layers.Dense(2)]), ds)
    with pytest.raises(TypeError):
        transfer.finetune_curves([1, 2], h1, 2)


def test_cnnkit_builds_no_graded_model():
    for module in (alpacas, objects, transfer):
        path = Path(module.__file__)
        text = path.read_text()
        for name in ("data_augmenter", "alpaca_model"):
            assert not re.search(rf"def {name}\b", text), f"{path.name} defines {name}"
        assert "RandomRotation" not in text and "GlobalAveragePooling2D()(" not in text, path.name
