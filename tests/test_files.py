"""One rule for shipped files: every file under datasets/ and images/ is in the one manifest, and matches it."""
from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from cnnkit import files


def _shipped_files():
    """Files under datasets/ and images/, less what git ignores (data generated on first use,
    files a user dropped in)."""
    paths = [p for top in (files.datasets_dir(), files.images_dir()) for p in sorted(top.rglob("*"))
             if p.is_file() and not p.name.startswith(".") and p != files.manifest_path()]
    ignored = set()
    if shutil.which("git") and (files.course_root() / ".git").exists():
        proc = subprocess.run(["git", "check-ignore", "--stdin"], cwd=files.course_root(), text=True,
                              input="\n".join(str(p) for p in paths), capture_output=True)
        ignored = set(proc.stdout.split("\n"))
    return [files.manifest_key(p) for p in paths if str(p) not in ignored]


@pytest.fixture(autouse=True)
def _repo_datasets(monkeypatch):
    monkeypatch.delenv("CNN_COURSE_DATASETS", raising=False)


def test_every_shipped_file_is_listed_and_every_listed_file_exists():
    listed = set(files.read_manifest()["files"])
    on_disk = set(_shipped_files())
    assert sorted(on_disk - listed) == [], "shipped but not in datasets/MANIFEST.json (record it with cnnkit.files.record)"
    assert sorted(listed - on_disk) == [], "listed in datasets/MANIFEST.json but missing"


@pytest.mark.parametrize("key", sorted(files.read_manifest()["files"]))
def test_listed_file_matches_its_hash_and_names_its_maker(key):
    rec = files.verify(key)
    assert rec["made_by"].strip(), f"{key}: no made_by command"
    assert rec["bytes"] == files.resolve(key).stat().st_size


def test_verify_names_the_file_and_the_command_that_makes_it(tmp_path, monkeypatch):
    monkeypatch.setenv("CNN_COURSE_DATASETS", str(tmp_path))
    target = tmp_path / "weights" / "w.bin"
    target.parent.mkdir()
    target.write_bytes(b"trained")
    entry = files.record(target, made_by="python scripts/make_w.py --epochs 3", accuracy=0.9)
    assert entry["sha256"] == files.sha256_file(target) and entry["accuracy"] == 0.9
    assert files.verify(target)["made_by"] == "python scripts/make_w.py --epochs 3"
    assert json.loads(files.manifest_path().read_text())["files"]["datasets/weights/w.bin"]["bytes"] == 7
    target.write_bytes(b"tampered")
    with pytest.raises(files.IntegrityError) as err:
        files.verify(target, "the w weights")
    assert "the w weights" in str(err.value) and "python scripts/make_w.py --epochs 3" in str(err.value)
    target.unlink()
    with pytest.raises(files.IntegrityError, match="missing"):
        files.verify(target)
    other = tmp_path / "other.txt"
    other.write_text("x")
    with pytest.raises(files.IntegrityError, match="not listed"):
        files.verify(other)
    files.forget(target)
    assert files.entry(target) is None


def test_folders_follow_the_environment_at_call_time(tmp_path, monkeypatch):
    from cnnkit import yolo

    before = yolo.model_data_dir()
    monkeypatch.setenv("CNN_COURSE_DATASETS", str(tmp_path))
    assert yolo.model_data_dir() == tmp_path.resolve() / "yolo" / "model_data" != before
    assert yolo.weights_path() == tmp_path.resolve() / "weights" / "yolo_small.weights.h5"
    assert files.resolve("datasets/x/y.h5") == tmp_path.resolve() / "x" / "y.h5"
    assert files.manifest_key(tmp_path / "x" / "y.h5") == "datasets/x/y.h5"
    with pytest.raises(ValueError, match="neither"):
        files.manifest_key("/somewhere/else.txt")
