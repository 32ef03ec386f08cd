"""w3a2 U-Net: the street-scene generator, the CARLA-layout folders, cnnkit.seg and the shipped weights."""
from __future__ import annotations

import importlib.util
import io
import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from cnnkit import files, seg, streets

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tf():
    from cnnkit.setup import quiet_tensorflow

    return quiet_tensorflow()


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("carla")
    streets.write_carla_folder(root, 4, workers=1, progress=False)
    return root


# ----------------------------------------------------------------------------- generator
def test_scene_is_deterministic_per_index():
    a_img, a_mask = streets.render_scene(streets.scene_rng("train", 7))
    b_img, b_mask = streets.render_scene(streets.scene_rng("train", 7))
    assert a_img.shape == (480, 640, 3) and a_img.dtype == np.uint8
    assert a_mask.shape == (480, 640) and a_mask.dtype == np.uint8
    assert np.array_equal(a_img, b_img) and np.array_equal(a_mask, b_mask)
    c_img, _ = streets.render_scene(streets.scene_rng("train", 8))
    d_img, _ = streets.render_scene(streets.scene_rng("test", 7))
    assert not np.array_equal(a_img, c_img) and not np.array_equal(a_img, d_img)
    # scenes() is the same stream: a subset is a prefix of a larger set
    img2, mask2 = list(streets.scenes("train", 2, start=7))[0]
    assert np.array_equal(img2, a_img) and np.array_equal(mask2, a_mask)


def test_scene_rng_rejects_unknown_split():
    with pytest.raises(ValueError, match="split"):
        streets.scene_rng("validation", 0)


def test_folder_layout_and_mask_encoding(folder):
    names = [f"{k:06d}.png" for k in range(4)]
    for sub in ("CameraRGB", "CameraMask"):
        assert sorted(p.name for p in (folder / sub).iterdir()) == names
    stamp = json.loads((folder / streets.STAMP_NAME).read_text())
    assert stamp["generator_version"] == streets.GENERATOR_VERSION and stamp["count"] == 4
    assert stamp["split"] == "train" and stamp["seed"] == streets.SEEDS["train"]
    for k, name in enumerate(names):
        img = Image.open(folder / "CameraRGB" / name)
        mask = Image.open(folder / "CameraMask" / name)
        assert img.format == mask.format == "PNG" and img.mode == mask.mode == "RGB"
        assert img.size == mask.size == (640, 480)
        m = np.asarray(mask)
        assert m[..., 1:].max() == 0, "mask: green and blue must be 0"
        assert m[..., 0].max() <= 22
        want_img, want_mask = streets.render_scene(streets.scene_rng("train", k))
        assert np.array_equal(m[..., 0], want_mask), "the mask PNG must be lossless"
        assert np.array_equal(np.asarray(img), want_img)


def test_partial_stale_and_grown_folders(tmp_path):
    root = tmp_path / "c"
    streets.write_carla_folder(root, 2, workers=1, progress=False)
    first = root / "CameraRGB" / "000000.png"
    t0 = first.stat().st_mtime_ns
    # growing keeps the pairs there and draws only the new ones
    streets.write_carla_folder(root, 3, workers=1, progress=False)
    assert first.stat().st_mtime_ns == t0 and (root / "CameraMask" / "000002.png").is_file()
    assert streets.folder_is_complete(root, 3) and streets.folder_is_complete(root, 2)
    assert not streets.folder_is_complete(root, 4)
    # a growth cut off keeps the stamp of what was complete, and the pairs
    real = streets._write_pair

    def cut_off(task):
        if task[3] == 4:
            raise KeyboardInterrupt
        return real(task)

    streets._write_pair = cut_off
    try:
        with pytest.raises(KeyboardInterrupt):
            streets.write_carla_folder(root, 6, workers=1, progress=False)
    finally:
        streets._write_pair = real
    assert streets.read_stamp(root)["count"] == 3 and streets.folder_is_complete(root, 3)
    assert first.stat().st_mtime_ns == t0 and (root / "CameraRGB" / "000003.png").is_file()
    # a run cut off (no stamp) is drawn again from scratch
    first.write_bytes(b"broken")
    (root / streets.STAMP_NAME).unlink()
    assert not streets.folder_is_complete(root, 1)
    streets.write_carla_folder(root, 3, workers=1, progress=False)
    assert np.array_equal(np.asarray(Image.open(first)), streets.render_scene(streets.scene_rng("train", 0))[0])
    # another generator version: drawn again
    stamp = json.loads((root / streets.STAMP_NAME).read_text())
    stamp["generator_version"] = "0.0.1"
    (root / streets.STAMP_NAME).write_text(json.dumps(stamp))
    assert not streets.folder_is_complete(root, 3)
    streets.write_carla_folder(root, 3, workers=1, progress=False)
    assert streets.read_stamp(root)["generator_version"] == streets.GENERATOR_VERSION


def test_parallel_writer_matches_serial(tmp_path, capsys):
    streets.write_carla_folder(tmp_path / "p", 10, workers=2, progress=True)
    out = capsys.readouterr()
    assert "Drew 10 synthetic street scenes" in out.out and out.err == ""
    for k in (0, 9):
        want = streets.render_scene(streets.scene_rng("train", k))[1]
        got = np.asarray(Image.open(tmp_path / "p" / "CameraMask" / f"{k:06d}.png"))[..., 0]
        assert np.array_equal(got, want)


def test_every_drawn_class_appears_and_street_view_frequencies():
    counts = streets.class_pixel_counts(m for _, m in streets.scenes("train", 60))
    missing = [streets.CLASS_NAMES[k] for k in streets.DRAWN_CLASSES if counts[k] == 0]
    assert not missing, f"classes absent from the first 60 training scenes: {missing}"
    assert len(streets.DRAWN_CLASSES) == 20
    assert all(counts[k] == 0 for k in range(23) if k not in streets.DRAWN_CLASSES)  # ground, static, dynamic
    share = counts / counts.sum()
    big = {streets.ROAD, streets.BUILDING, streets.SKY}
    assert all(share[k] > 0.08 for k in big), share
    for small in (streets.POLE, streets.SIGN, streets.LIGHT):
        assert share[small] < 0.02


def test_colour_does_not_give_the_class_away():
    """A per-pixel colour classifier fit on 20 scenes scores far below a usable segmenter."""
    data = list(streets.scenes("train", 30))
    X = np.stack([im[2::5, 2::5] for im, _ in data])
    Y = np.stack([m[2::5, 2::5] for _, m in data])
    cell = lambda x: ((x.astype(np.int64) * 16 // 256) * np.array([256, 16, 1])).sum(-1)  # noqa: E731
    counts = np.bincount(cell(X[:20]).ravel() * 23 + Y[:20].ravel(), minlength=4096 * 23).reshape(4096, 23)
    pred = counts.argmax(1)[cell(X[20:])]
    cm = seg.confusion_matrix(Y[20:], pred)
    assert seg.pixel_accuracy(cm) < 0.72 and seg.mean_iou(cm) < 0.3
    # the same grey shows up as road, wall, building, vehicle...
    greys = (np.abs(X.astype(int) - X.mean(-1, keepdims=True)).max(-1) < 8) & (X.mean(-1) > 80) & (X.mean(-1) < 160)
    classes = np.unique(Y[greys])
    assert {streets.ROAD, streets.BUILDING, streets.VEHICLE} <= set(classes.tolist())


# ----------------------------------------------------------------------------- cnnkit.seg data
def test_list_pairs_sorted_and_matched(folder, tmp_path):
    imgs, masks = seg.list_pairs(folder / "CameraRGB", folder / "CameraMask")
    assert [os.path.basename(p) for p in imgs] == [os.path.basename(p) for p in masks] == \
        [f"{k:06d}.png" for k in range(4)]
    assert all(Path(p).parent == folder / "CameraRGB" for p in imgs)
    # unmatched names are named in the error
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for name in ("x1.png", "x2.png"):
        (a / name).write_bytes(b"")
    (b / "x1.png").write_bytes(b"")
    (b / "y9.png").write_bytes(b"")
    (b / ".hidden.png").write_bytes(b"")
    with pytest.raises(seg.SegmentationError, match=r"x2\.png.*y9\.png"):
        seg.list_pairs(a, b)
    with pytest.raises(seg.SegmentationError, match="does not exist"):
        seg.list_pairs(a, tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(seg.SegmentationError, match="no .png"):
        seg.list_pairs(tmp_path / "empty", b)


def test_process_path_and_preprocess(tf, folder):
    imgs, masks = seg.list_pairs(folder / "CameraRGB", folder / "CameraMask")
    image, mask = seg.process_path(imgs[1], masks[1])
    assert image.dtype == tf.float32 and tuple(image.shape) == (480, 640, 3)
    assert mask.dtype == tf.uint8 and tuple(mask.shape) == (480, 640, 1)
    assert 0.0 <= float(tf.reduce_min(image)) and float(tf.reduce_max(image)) <= 1.0
    want = streets.render_scene(streets.scene_rng("train", 1))[1]
    assert np.array_equal(mask.numpy()[..., 0], want)
    x, y = seg.preprocess(image, mask)
    assert x.dtype == tf.float32 and tuple(x.shape) == (96, 128, 3)
    assert y.dtype == tf.uint8 and tuple(y.shape) == (96, 128, 1)
    assert set(np.unique(y.numpy())) <= set(np.unique(want))  # nearest: no blended ids
    # in a tf.data pipeline, as the notebook builds it
    ds = tf.data.Dataset.from_tensor_slices((imgs, masks)).map(seg.process_path).map(seg.preprocess)
    spec = ds.element_spec
    assert spec[0].dtype == tf.float32 and tuple(spec[0].shape) == (96, 128, 3)
    assert spec[1].dtype == tf.uint8 and tuple(spec[1].shape) == (96, 128, 1)


def test_training_script_resize_equals_the_pipeline(tf):
    spec = importlib.util.spec_from_file_location("w3a2_train_unet", ROOT / "scripts" / "w3a2_train_unet.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.check_pipeline(tf)  # raises SystemExit on a difference


def test_training_script_card_shows_the_commands_that_write_the_file():
    spec = importlib.util.spec_from_file_location("w3a2_train_unet", ROOT / "scripts" / "w3a2_train_unet.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    cmd = "python scripts/w3a2_train_unet.py --run r --epochs 30"
    # trained with --no-save, then written by the same command without it: one run, one command
    assert mod.recorded_command(["--run", "r", "--no-save", "--epochs", "30", "--why", "a reason"]) == cmd
    assert mod.recorded_command(["--why=x", "--run", "r", "--epochs", "30"]) == cmd
    assert mod.recorded_command(["--run", "my run"]).endswith("--run 'my run'")
    one = mod.invocation_lines({"invocations": [{"command": cmd, "from_epoch": 1, "to_epoch": 30}]}, cmd)
    assert one == [f"- command: `{cmd}`"]
    why = mod.invocation_lines({"invocations": [{"command": cmd, "from_epoch": 1, "to_epoch": 30, "why": "w"}]}, cmd)
    assert why == [f"- command: `{cmd}` — w"]
    two = mod.invocation_lines({"invocations": [{"command": cmd, "from_epoch": 1, "to_epoch": 30},
                                                {"command": cmd.replace("30", "36"), "from_epoch": 31, "to_epoch": 36,
                                                 "why": "short of the target"}]}, cmd)
    assert len(two) == 3 and "epochs 31-36" in two[2] and two[2].endswith("— short of the target")


def test_heldout_scenes_and_create_mask(tf):
    X, Y = seg.heldout_scenes(2)
    assert X.shape == (2, 96, 128, 3) and X.dtype == np.float32 and Y.shape == (2, 96, 128, 1) and Y.dtype == np.uint8
    want = streets.render_scene(streets.scene_rng("test", 1))[1]
    assert np.array_equal(Y[1, ..., 0], want[2::5, 2::5])
    logits = np.zeros((2, 3, 4, 23), np.float32)
    logits[0, 1, 2, 5] = 1.0
    logits[1, :, :, 7] = 1.0
    m = seg.create_mask(tf.constant(logits))
    assert tuple(m.shape) == (3, 4, 1) and m.dtype == tf.int64
    assert m.numpy()[1, 2, 0] == 5 and m.numpy().sum() == 5


def test_shipped_heldout_scenes_are_the_test_split_as_the_pipeline_gives_them():
    rec = files.verify(seg.heldout_path())
    assert rec["generator_version"] == streets.GENERATOR_VERSION and rec["split"] == "test"
    assert "w3a2_make_heldout.py" in rec["made_by"]
    X, Y = seg.load_heldout()
    assert X.shape == (rec["scenes"], 96, 128, 3) and X.dtype == np.float32 and Y.dtype == np.uint8
    assert Y.shape == (rec["scenes"], 96, 128, 1) and 0.0 <= X.min() and X.max() <= 1.0
    X2, Y2 = seg.heldout_scenes(2, start=rec["scenes"] - 2)
    np.testing.assert_array_equal(Y[-2:], Y2)
    np.testing.assert_allclose(X[-2:], X2)
    assert seg.load_heldout(3)[0].shape == (3, 96, 128, 3)
    with pytest.raises(seg.SegmentationError, match="n must lie"):
        seg.load_heldout(rec["scenes"] + 1)


def test_default_count_follows_quick_mode_and_the_environment(monkeypatch):
    from cnnkit.setup import QUICK_TRAIN_ENV

    monkeypatch.delenv(seg.COUNT_ENV, raising=False)
    monkeypatch.delenv(QUICK_TRAIN_ENV, raising=False)
    assert seg.default_count() == streets.DEFAULT_COUNT == 1060
    monkeypatch.setenv(QUICK_TRAIN_ENV, "1")
    assert seg.default_count() == seg.QUICK_COUNT
    monkeypatch.setenv(seg.COUNT_ENV, "7")
    assert seg.default_count() == 7
    monkeypatch.setenv(seg.COUNT_ENV, "many")
    with pytest.raises(seg.SegmentationError, match=seg.COUNT_ENV):
        seg.default_count()


def test_read_only_datasets_folder_draws_into_the_temporary_directory(tmp_path, monkeypatch, capsys):
    """In the grading sandbox the datasets folder is read-only: the scenes go to the temporary folder."""
    ro = tmp_path / "ro"
    ro.mkdir()
    monkeypatch.setenv(files.DATASETS_ENV, str(ro))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)
    monkeypatch.setattr(seg, "_writable", lambda folder: False)
    image_dir, mask_dir = seg.carla_directories(count=2)
    assert Path(image_dir) == tmp_path / "tmp" / "cnn-course" / "carla" / "CameraRGB"
    assert len(seg.list_pairs(image_dir, mask_dir)[0]) == 2
    assert "cannot be written here" in capsys.readouterr().out
    assert not (ro / "synthetic").exists()


def test_prepare_carla_folder_draws_once(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(files.DATASETS_ENV, str(tmp_path))
    seg.prepare_carla_folder(count=2, verbose=False)
    assert streets.folder_is_complete(tmp_path / "synthetic" / "carla", 2)
    stamp = (tmp_path / "synthetic" / "carla" / streets.STAMP_NAME).stat().st_mtime_ns
    seg.prepare_carla_folder(count=2, verbose=False)
    assert (tmp_path / "synthetic" / "carla" / streets.STAMP_NAME).stat().st_mtime_ns == stamp
    from grading.course import prepare_data

    monkeypatch.setenv(seg.COUNT_ENV, "3")
    prepare_data("w3a2_unet")  # the grader's hook, before notebooks run in the read-only sandbox
    assert streets.folder_is_complete(tmp_path / "synthetic" / "carla", 3)
    prepare_data("w1a1_conv_step_by_step")  # assignments without the hook: nothing happens


def test_carla_directories_precedence(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(files.DATASETS_ENV, str(tmp_path))
    # no originals: the synthetic set, drawn on first use
    image_dir, mask_dir = seg.carla_directories(count=3)
    assert Path(image_dir) == tmp_path / "synthetic" / "carla" / "CameraRGB"
    assert len(seg.list_pairs(image_dir, mask_dir)[0]) == 3
    out = capsys.readouterr()
    assert "synthetic street scenes" in out.out and out.err == ""
    # a second call draws nothing
    seg.carla_directories(count=3)
    assert "Drew" not in capsys.readouterr().out
    # one original folder only: a clear error
    orig = tmp_path / "carla"
    (orig / "CameraRGB").mkdir(parents=True)
    with pytest.raises(FileNotFoundError, match="CameraMask"):
        seg.carla_directories()
    # both original folders: they win
    (orig / "CameraMask").mkdir()
    for k, (img, mask) in enumerate(streets.scenes("showcase", 2)):
        Image.fromarray(img).save(orig / "CameraRGB" / f"frame{k}.png")
        Image.fromarray(streets.mask_to_png_array(mask)).save(orig / "CameraMask" / f"frame{k}.png")
    image_dir, mask_dir = seg.carla_directories()
    assert Path(image_dir) == orig / "CameraRGB" and Path(mask_dir) == orig / "CameraMask"
    assert "original folders" in capsys.readouterr().out


# ----------------------------------------------------------------------------- metrics
def test_metrics_on_hand_made_masks():
    true = np.array([[0, 0, 1, 1],
                     [0, 0, 1, 1],
                     [2, 2, 2, 2]])
    pred = np.array([[0, 1, 1, 1],
                     [0, 0, 1, 2],
                     [2, 2, 2, 1]])
    cm = seg.confusion_matrix(true, pred, n_classes=4)
    assert cm.shape == (4, 4) and cm.sum() == 12
    assert cm[0, 0] == 3 and cm[0, 1] == 1 and cm[1, 1] == 3 and cm[1, 2] == 1 and cm[2, 2] == 3 and cm[2, 1] == 1
    assert seg.pixel_accuracy(cm) == pytest.approx(9 / 12)
    iou = seg.class_iou(cm)
    # class 0: tp 3, fn 1, fp 0 -> 3/4; class 1: tp 3, fn 1, fp 2 -> 3/6; class 2: tp 3, fn 1, fp 1 -> 3/5
    assert iou[:3] == pytest.approx([0.75, 0.5, 0.6])
    assert np.isnan(iou[3])  # absent from the true masks
    assert seg.mean_iou(cm) == pytest.approx((0.75 + 0.5 + 0.6) / 3)
    with pytest.raises(seg.SegmentationError, match="0..3"):
        seg.confusion_matrix(true, pred + 2, n_classes=4)
    with pytest.raises(seg.SegmentationError, match="pixels"):
        seg.confusion_matrix(true, pred[:2])


def test_keras_accuracy_on_logits_is_sparse_categorical(tf):
    """Spec pitfall: metrics=["accuracy"] with SparseCategoricalCrossentropy(from_logits=True) on (m, H, W, 1) masks."""
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(4, 6, 8, 23)).astype(np.float32)
    labels = rng.integers(0, 23, size=(4, 6, 8, 1)).astype(np.uint8)
    fix = rng.random(labels.shape[:-1]) < 0.4  # make about 40 % of the pixels right
    labels[..., 0][fix] = logits.argmax(-1)[fix]
    expected = float(np.mean(logits.argmax(-1) == labels[..., 0]))
    inp = tf.keras.Input((6, 8, 23))
    model = tf.keras.Model(inp, tf.keras.layers.Activation("linear")(inp))
    model.compile(optimizer="adam", loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    out = model.evaluate(logits, labels, verbose=0, return_dict=True)
    assert 0.05 < expected < 0.9
    assert out["accuracy"] == pytest.approx(expected, abs=1e-6)


# ----------------------------------------------------------------------------- figures
def _render(fig):
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    assert buf.tell() > 1000


def test_figures_draw_without_stderr(tf, folder, capfd):
    imgs, masks = seg.list_pairs(folder / "CameraRGB", folder / "CameraMask")
    image, mask = seg.preprocess(*seg.process_path(imgs[0], masks[0]))
    _render(seg.display([image, mask]))
    _render(seg.display([image, mask, mask]))
    inp = tf.keras.Input((96, 128, 3))
    tiny = tf.keras.Model(inp, tf.keras.layers.Conv2D(23, 1)(inp))
    ds = tf.data.Dataset.from_tensor_slices((imgs, masks)).map(seg.process_path).map(seg.preprocess).batch(2)
    fig = seg.show_predictions(tiny, ds, num=2)
    assert len(fig.axes) == 6
    _render(fig)
    _render(seg.show_predictions(tiny, sample=(image, mask)))
    X, Y = seg.heldout_scenes(2)
    result = seg.evaluate_segmentation(tiny, X, Y)
    assert set(result) >= {"pixel_accuracy", "mean_iou", "class_iou", "confusion"}
    _render(seg.iou_figure(result))
    assert "mean IoU" in seg.iou_table(result)
    _render(seg.unet_diagram())
    _render(seg.unet_diagram((64, 96, 1), n_filters=8, n_classes=5))
    rgb = seg.colorize(Y[0])
    assert rgb.shape == (96, 128, 3) and rgb.dtype == np.uint8
    assert capfd.readouterr().err == ""


# ----------------------------------------------------------------------------- shipped weights
@pytest.fixture(scope="module")
def reference_unet(tf):
    from grading.w3a2.reference import unet_model

    return unet_model()


def test_reference_unet_is_the_spec_model(reference_unet):
    from cnnkit.testing import summary

    rows = summary(reference_unet)
    assert len(rows) == 35 and reference_unet.count_params() == 8_640_471
    assert rows[0] == ["InputLayer", [(None, 96, 128, 3)], 0]
    assert rows[-1][:4] == ["Conv2D", (None, 96, 128, 23), 759, "same"]


def test_manifest_entry_and_model_card():
    rec = files.verify(seg.weights_path())
    assert rec["baseline_colour"]["pixel_accuracy"] < rec["pixel_accuracy"] - 0.2
    assert rec["data"]["generator_version"] == streets.GENERATOR_VERSION
    assert rec["data"]["probe_sha256"] == streets.scenes_checksum("train", 2), \
        "the generator changed since the weights were trained: retrain (scripts/w3a2_train_unet.py)"
    assert len(rec["structure"]) == 35 and "w3a2_train_unet.py" in rec["made_by"]
    assert len(rec["class_iou"]) == len(streets.DRAWN_CLASSES)
    assert all(v >= 0.1 for v in rec["class_iou"].values()), rec["class_iou"]  # every drawn class is learned
    card = seg.weights_path().with_suffix(".md")
    files.verify(card)
    text = card.read_text()
    assert f"{rec['pixel_accuracy']:.4f}" in text and f"{rec['mean_iou']:.4f}" in text
    assert seg.weights_path().stat().st_size < 12_000_000


def test_shipped_unet_reaches_the_issue_target_on_held_out_scenes():
    rec = files.verify(seg.weights_path())
    assert rec["pixel_accuracy"] >= 0.90 and rec["mean_iou"] >= 0.6, (rec["pixel_accuracy"], rec["mean_iou"])


# The notebook scores its own 100 held-out scenes (the shipped carla_heldout.npz, the first 100 of the card's 300).
def test_shipped_unet_reaches_the_target_on_the_notebooks_held_out_scenes(tf, reference_unet):
    seg.load_unet_weights(reference_unet)
    result = seg.evaluate_segmentation(reference_unet, *seg.load_heldout())
    assert result["pixel_accuracy"] >= 0.90 and result["mean_iou"] >= 0.6, result


def test_load_unet_weights_into_the_reference_model(tf, reference_unet, capsys):
    info = seg.load_unet_weights(reference_unet)
    assert info["mean_iou"] >= 0.6
    assert "Loaded the course's U-Net weights" in capsys.readouterr().out
    X, Y = seg.heldout_scenes(8, start=100)
    result = seg.evaluate_segmentation(reference_unet, X, Y)
    assert result["pixel_accuracy"] > 0.85, result["pixel_accuracy"]


def test_load_unet_weights_refuses_another_structure(tf):
    from grading.w3a2.reference import unet_model

    with pytest.raises(seg.SegmentationError, match="structure"):
        seg.load_unet_weights(unet_model(n_filters=16), verbose=False)
    with pytest.raises(seg.SegmentationError, match="structure"):
        seg.load_unet_weights(unet_model(n_classes=22), verbose=False)


def test_load_unet_weights_from_a_file_of_your_own(tf, tmp_path):
    from cnnkit import weights
    from grading.w3a2.reference import unet_model

    small = unet_model((32, 48, 3), n_filters=4, n_classes=5)
    path = tmp_path / "mine.npz"
    weights.save_quantized(small, path)
    other = unet_model((32, 48, 3), n_filters=4, n_classes=5)
    assert seg.load_unet_weights(other, path, verbose=False) == {}
    x = np.random.default_rng(1).random((1, 32, 48, 3)).astype(np.float32)
    assert np.allclose(small(x), other(x), atol=0.05)
    with pytest.raises(seg.SegmentationError, match="shape|arrays"):
        seg.load_unet_weights(unet_model((32, 48, 3), n_filters=4, n_classes=6), path, verbose=False)
