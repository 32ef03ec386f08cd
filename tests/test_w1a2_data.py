"""Tests of the w1a2 data (cnnkit.happy, cnnkit.signs, cnnkit.data): generators, h5 files, manifest entries, loaders, one-hot.

Fast (a few seconds): the generators are exercised on small subsets, which are
pixel-identical to the first images of the full sets.
"""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import h5py
import numpy as np
import pytest

from cnnkit import data, drawing, files

REPO_DATASETS = Path(data.__file__).resolve().parents[1] / "datasets"
NAMES = {"happy": ("train_happy.h5", "test_happy.h5", data.load_happy_dataset, data.generate_happy_dataset),
         "signs": ("train_signs.h5", "test_signs.h5", data.load_signs_dataset, data.generate_signs_dataset)}


# ----------------------------------------------------------------------------------
# helpers
# ----------------------------------------------------------------------------------

def write_pair(folder: Path, name: str, m_train: int, m_test: int, fill: int, drop_key: str | None = None):
    """Write a small train/test h5 pair in the original layout; returns the two paths."""
    folder.mkdir(parents=True, exist_ok=True)
    train_file, test_file = NAMES[name][:2]
    n_classes = 2 if name == "happy" else 6
    paths = []
    for split, fname, m in (("train", train_file, m_train), ("test", test_file, m_test)):
        keys = {f"{split}_set_x": np.full((m, 64, 64, 3), fill, np.uint8),
                f"{split}_set_y": (np.arange(m) % n_classes).astype(np.int64),
                "list_classes": np.arange(n_classes, dtype=np.int64)}
        with h5py.File(folder / fname, "w") as f:
            for key, value in keys.items():
                if key != drop_key:
                    f.create_dataset(key, data=value)
        paths.append(folder / fname)
    return paths


def write_manifest(root: Path, paths):
    """Manifest entries for files put in root/synthetic/<name>/ by a test (root = $CNN_COURSE_DATASETS)."""
    for p in paths:
        files.record(p, made_by="a test", generator_version="test", seed=0)
    return json.loads((root / "MANIFEST.json").read_text())


@pytest.fixture
def tmp_datasets(tmp_path, monkeypatch):
    """An empty datasets folder selected through CNN_COURSE_DATASETS."""
    root = tmp_path / "datasets"
    root.mkdir()
    monkeypatch.setenv("CNN_COURSE_DATASETS", str(root))
    return root


# ----------------------------------------------------------------------------------
# generators
# ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["happy", "signs"])
def test_generator_is_deterministic_and_shaped(name):
    gen = NAMES[name][3]
    a = gen(subset=5)
    b = gen(subset=5)
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert a.X_train.shape == (5, 64, 64, 3) and a.X_train.dtype == np.uint8
    assert a.X_test.shape == (5, 64, 64, 3) and a.X_test.dtype == np.uint8
    assert a.y_train.shape == (5,) and a.y_train.dtype == np.int64
    assert a.classes.ndim == 1 and a.classes.tolist() == data.DATASET_SPECS[name]["classes"]
    # another seed gives other pictures; the images are not blank
    c = gen(seed=12345, subset=5)
    assert not np.array_equal(a.X_train, c.X_train)
    assert a.X_train.std() > 20


def test_signs_classes_exactly_balanced_and_happy_roughly():
    assert np.bincount(drawing._labels(2, "train", 1080, 6, True)).tolist() == [180] * 6
    assert np.bincount(drawing._labels(2, "test", 120, 6, True)).tolist() == [20] * 6
    for split, n in (("train", 600), ("test", 150)):
        frac = drawing._labels(1, split, n, 2, False).mean()
        assert 0.45 <= frac <= 0.55


# ----------------------------------------------------------------------------------
# shipped synthetic files and manifest
# ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shipped(request):
    """The repository's synthetic sets, loaded (and built first if missing)."""
    mp = pytest.MonkeyPatch()
    mp.delenv("CNN_COURSE_DATASETS", raising=False)
    try:
        out = {name: NAMES[name][2](source="synthetic") for name in NAMES}
    finally:
        mp.undo()
    return out


@pytest.mark.parametrize("name,m_train,m_test,n_classes",
                         [("happy", 600, 150, 2), ("signs", 1080, 120, 6)])
def test_shipped_files_layout(shipped, name, m_train, m_test, n_classes):
    X_train, Y_train, X_test, Y_test, classes = shipped[name]
    assert X_train.shape == (m_train, 64, 64, 3) and X_train.dtype == np.uint8
    assert X_test.shape == (m_test, 64, 64, 3) and X_test.dtype == np.uint8
    assert Y_train.shape == (1, m_train) and Y_test.shape == (1, m_test)
    assert np.issubdtype(Y_train.dtype, np.integer)
    assert classes.shape == (n_classes,) and classes.tolist() == list(range(n_classes))
    counts_train = np.bincount(Y_train[0], minlength=n_classes)
    counts_test = np.bincount(Y_test[0], minlength=n_classes)
    if name == "signs":
        assert counts_train.tolist() == [180] * 6 and counts_test.tolist() == [20] * 6
    else:
        assert 0.45 <= counts_train[1] / m_train <= 0.55 and 0.45 <= counts_test[1] / m_test <= 0.55
    # raw h5 keys, as in the original course files
    folder = REPO_DATASETS / "synthetic" / name
    for split, fname in (("train", NAMES[name][0]), ("test", NAMES[name][1])):
        with h5py.File(folder / fname, "r") as f:
            assert set(f.keys()) == {f"{split}_set_x", f"{split}_set_y", "list_classes"}
            assert f[f"{split}_set_y"].ndim == 1


@pytest.mark.parametrize("name", ["happy", "signs"])
def test_files_match_generator_and_manifest(shipped, name):
    """Regenerating the first pictures gives the shipped pixels and the manifest checksums."""
    manifest = json.loads((REPO_DATASETS / "MANIFEST.json").read_text())
    by_split = {rec["split"]: (key, rec) for key, rec in manifest["files"].items()
                if key.startswith(f"datasets/synthetic/{name}/")}
    assert set(by_split) == {"train", "test"}
    for key, rec in by_split.values():
        assert rec["generator_version"] == data.GENERATOR_VERSION
        assert rec["seed"] == data.DATASET_SPECS[name]["seed"]
        assert rec["made_by"] == data.REBUILD
        assert hashlib.sha256((REPO_DATASETS.parent / key).read_bytes()).hexdigest() == rec["sha256"]
    k = by_split["train"][1]["probe_size"]
    fresh = NAMES[name][3](seed=data.DATASET_SPECS[name]["seed"], subset=k)
    X_train, Y_train, X_test, Y_test, _ = shipped[name]
    np.testing.assert_array_equal(fresh.X_train, X_train[:k])
    np.testing.assert_array_equal(fresh.y_train, Y_train[0, :k])
    np.testing.assert_array_equal(fresh.X_test, X_test[:k])
    assert data._content_sha256(fresh.X_train, fresh.y_train) == by_split["train"][1]["probe_sha256"]
    assert data._content_sha256(fresh.X_test, fresh.y_test) == by_split["test"][1]["probe_sha256"]
    # the whole files' content
    assert data._content_sha256(X_train, Y_train[0]) == by_split["train"][1]["content_sha256"]
    assert data._content_sha256(X_test, Y_test[0]) == by_split["test"][1]["content_sha256"]


# ----------------------------------------------------------------------------------
# loader: precedence, messages, errors
# ----------------------------------------------------------------------------------

def test_loader_precedence(tmp_datasets, tmp_path, capsys):
    syn = write_pair(tmp_datasets / "synthetic" / "happy", "happy", 3, 2, fill=1)
    write_manifest(tmp_datasets, syn)

    # 1. only the synthetic files
    X_train, Y_train, X_test, Y_test, classes = data.load_happy_dataset()
    out = capsys.readouterr()
    assert X_train.shape == (3, 64, 64, 3) and int(X_train.max()) == 1
    assert Y_train.shape == (1, 3) and Y_test.shape == (1, 2) and classes.shape == (2,)
    assert out.out.count("\n") == 1 and "synthetic" in out.out and out.err == ""

    # 2. original course files in datasets/ win over the synthetic ones
    write_pair(tmp_datasets, "happy", 5, 4, fill=2)
    X_train, *_ = data.load_happy_dataset()
    out = capsys.readouterr()
    assert X_train.shape[0] == 5 and int(X_train.max()) == 2
    assert out.out.count("\n") == 1 and "original" in out.out

    # 3. ... unless the synthetic source is asked for
    X_train, *_ = data.load_happy_dataset(source="synthetic")
    assert X_train.shape[0] == 3
    capsys.readouterr()

    # 4. an explicit path wins over everything (positional, as in the original signature)
    mine = tmp_path / "mine"
    write_pair(mine, "happy", 7, 6, fill=3)
    X_train, Y_train, X_test, Y_test, classes = data.load_happy_dataset(mine)
    out = capsys.readouterr()
    assert X_train.shape[0] == 7 and X_test.shape[0] == 6 and int(X_test.max()) == 3
    assert out.out.count("\n") == 1 and "path=" in out.out
    # a path to one of the files means its folder
    assert data.load_happy_dataset(path=mine / "train_happy.h5")[0].shape[0] == 7
    capsys.readouterr()


def test_signs_loader_and_w2a1_alias(tmp_datasets, capsys):
    write_pair(tmp_datasets, "signs", 12, 6, fill=4)
    a = data.load_signs_dataset()
    b = data.load_dataset()
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert a[1].shape == (1, 12) and a[4].tolist() == [0, 1, 2, 3, 4, 5]
    assert "SIGNS" in capsys.readouterr().out


def test_manifest_mismatch_says_how_to_rebuild(tmp_datasets):
    syn = write_pair(tmp_datasets / "synthetic" / "signs", "signs", 6, 6, fill=1)
    write_manifest(tmp_datasets, syn)
    syn[0].write_bytes(syn[0].read_bytes() + b"changed")
    with pytest.raises(data.DatasetIntegrityError) as err:
        data.load_signs_dataset(source="synthetic")
    msg = str(err.value)
    assert "train_signs.h5" in msg and "damaged" in msg and "a test" in msg  # names the file and its maker


def test_missing_file_names_path_and_keys(tmp_path):
    folder = tmp_path / "partial"
    train, test = write_pair(folder, "happy", 2, 2, fill=0)
    test.unlink()
    with pytest.raises(FileNotFoundError) as err:
        data.load_happy_dataset(path=folder)
    msg = str(err.value)
    assert str(test) in msg and "test_set_x" in msg and "list_classes" in msg
    with pytest.raises(FileNotFoundError):
        data.load_signs_dataset(path=tmp_path / "nowhere")


def test_missing_key_names_key_and_path(tmp_path):
    folder = tmp_path / "broken"
    write_pair(folder, "signs", 3, 3, fill=0, drop_key="train_set_y")
    with pytest.raises(data.DatasetFormatError) as err:
        data.load_signs_dataset(path=folder)
    msg = str(err.value)
    assert "train_set_y" in msg and str(folder / "train_signs.h5") in msg
    # not an HDF5 file at all
    (folder / "train_signs.h5").write_text("hello")
    with pytest.raises(data.DatasetFormatError, match="HDF5"):
        data.load_signs_dataset(path=folder)


def test_original_source_requires_the_files(tmp_datasets):
    with pytest.raises(FileNotFoundError, match="train_happy.h5"):
        data.load_happy_dataset(source="original")


def test_half_of_the_original_pair_is_an_error(tmp_datasets):
    """One original file without the other is a mistake, not a reason to switch source."""
    train, test = write_pair(tmp_datasets, "signs", 3, 3, fill=0)
    test.unlink()
    with pytest.raises(FileNotFoundError) as err:
        data.load_signs_dataset()
    assert str(test) in str(err.value) and "source=" in str(err.value)


def test_unreadable_manifest_says_how_to_rebuild(tmp_datasets):
    write_pair(tmp_datasets / "synthetic" / "happy", "happy", 2, 2, fill=0)
    (tmp_datasets / "MANIFEST.json").write_text("{not json")
    with pytest.raises(files.IntegrityError, match="git checkout -- datasets/MANIFEST.json"):
        data.load_happy_dataset()


def test_bad_arguments(tmp_path):
    with pytest.raises(ValueError):
        data.load_happy_dataset(source="web")
    with pytest.raises(ValueError):
        data.load_happy_dataset(path=tmp_path, source="synthetic")


def test_datasets_dir_env_override(monkeypatch, tmp_path):
    monkeypatch.delenv("CNN_COURSE_DATASETS", raising=False)
    assert data.datasets_dir() == REPO_DATASETS
    monkeypatch.setenv("CNN_COURSE_DATASETS", str(tmp_path))   # read at call time
    assert data.datasets_dir() == tmp_path.resolve()
    assert files.weights_dir() == tmp_path.resolve() / "weights"


def test_built_on_first_use(tmp_datasets, monkeypatch, capsys):
    """Missing synthetic files are drawn, written, hashed into the manifest and loaded."""
    monkeypatch.setitem(data.DATASET_SPECS["signs"], "n_train", 12)
    monkeypatch.setitem(data.DATASET_SPECS["signs"], "n_test", 6)
    X_train, Y_train, X_test, Y_test, classes = data.load_signs_dataset()
    out = capsys.readouterr()
    assert out.err == ""
    assert out.out.strip().splitlines()[-1].startswith("SIGNS: synthetic")
    assert np.bincount(Y_train[0]).tolist() == [2] * 6
    manifest = json.loads((tmp_datasets / "MANIFEST.json").read_text())
    listed = manifest["files"]
    assert set(listed) == {"datasets/synthetic/signs/train_signs.h5", "datasets/synthetic/signs/test_signs.h5"}
    for key, rec in listed.items():
        assert hashlib.sha256(files.resolve(key).read_bytes()).hexdigest() == rec["sha256"]
        assert rec["made_by"] == "python -m cnnkit.data" and rec["count"] in (12, 6)
    # same pixels as the generator's first pictures
    np.testing.assert_array_equal(X_train[:3], data.generate_signs_dataset(n_train=12, n_test=6, subset=3).X_train)
    # a second build is a no-op; force=True rebuilds to identical bytes
    assert data.build_synthetic_datasets(names="signs") == {}
    before = {key: rec["sha256"] for key, rec in listed.items()}
    rebuilt = data.build_synthetic_datasets(names="signs", force=True, verbose=False)
    assert {key: rec["sha256"] for key, rec in rebuilt["signs"].items()} == before


# ----------------------------------------------------------------------------------
# one-hot
# ----------------------------------------------------------------------------------

def test_convert_to_one_hot():
    Y = np.array([[2, 0, 5, 1]])
    oh = data.convert_to_one_hot(Y, 6)
    assert oh.shape == (6, 4)
    np.testing.assert_array_equal(oh.argmax(axis=0), [2, 0, 5, 1])
    np.testing.assert_array_equal(oh.sum(axis=0), np.ones(4))
    np.testing.assert_array_equal(data.convert_to_one_hot(Y[0], 6), oh)   # (m,) works too
    assert data.convert_to_one_hot(np.array([[1, 0]]), 2).T.tolist() == [[0, 1], [1, 0]]
    with pytest.raises(ValueError):
        data.convert_to_one_hot(np.array([6]), 6)
