"""Where the course's files live, and the one manifest that vouches for every shipped file.

Folders (read at call time, so setting ``CNN_COURSE_DATASETS`` later still counts)::

    <course>/                      the repository (or the student bundle)
        datasets/                  ``datasets_dir()``; ``$CNN_COURSE_DATASETS`` moves it
            MANIFEST.json          ``manifest_path()``: every shipped file, its sha256 and its maker
            weights/               ``weights_dir()``: trained networks and their model cards
            synthetic/ yolo/ ...   data drawn by the course's own generators
        images/                    ``images_dir()``: figures and pictures the notebooks show

The manifest lists each shipped file under a *key*, its path relative to the course
(``datasets/weights/yolo_small.weights.h5``, ``images/w1a1_pooling.png``)::

    {"manifest_version": 2,
     "files": {"<key>": {"sha256": ..., "bytes": ..., "made_by": "<command that makes it>", ...}}}

``record(path, made_by=..., **info)`` writes a file's entry (training scripts and
generators call it; nobody pastes a hash by hand) and ``verify(path)`` checks a file
against its entry, raising :class:`IntegrityError` with the command that rebuilds it.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

__all__ = [
    "IntegrityError",
    "course_root",
    "datasets_dir",
    "weights_dir",
    "images_dir",
    "manifest_path",
    "sha256_file",
    "manifest_key",
    "resolve",
    "read_manifest",
    "entry",
    "record",
    "verify",
    "display_path",
]

MANIFEST_VERSION = 2
DATASETS_ENV = "CNN_COURSE_DATASETS"


class IntegrityError(RuntimeError):
    """A shipped file is missing, damaged, replaced, or not listed in the manifest."""


def course_root() -> Path:
    """The folder that holds ``cnnkit/``, ``datasets/`` and ``images/``."""
    return Path(__file__).resolve().parents[1]


def datasets_dir() -> Path:
    """``$CNN_COURSE_DATASETS`` if set (read now), else ``<course>/datasets``."""
    env = os.environ.get(DATASETS_ENV, "").strip()
    if env:
        return Path(env).expanduser().resolve()
    return course_root() / "datasets"


def weights_dir() -> Path:
    """``<datasets>/weights``: the course's trained networks and their model cards."""
    return datasets_dir() / "weights"


def images_dir() -> Path:
    """``<course>/images``: figures drawn by code and the pictures notebooks load."""
    return course_root() / "images"


def manifest_path() -> Path:
    """``<datasets>/MANIFEST.json``."""
    return datasets_dir() / "MANIFEST.json"


def sha256_file(path) -> str:
    """Hex sha256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


_HASH_CACHE: dict = {}


def _cached_sha256(path: Path) -> str:
    st = path.stat()
    key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
    if key not in _HASH_CACHE:
        _HASH_CACHE[key] = sha256_file(path)
    return _HASH_CACHE[key]


def manifest_key(path) -> str:
    """The manifest key of a file inside the datasets or images folder.

    ``<datasets>/weights/x.npz`` -> ``datasets/weights/x.npz``; ``<course>/images/a.png``
    -> ``images/a.png``.  A key passed in is returned unchanged.
    """
    p = Path(path)
    if not p.is_absolute() and p.parts and p.parts[0] in ("datasets", "images"):
        return p.as_posix()
    p = Path(os.path.abspath(p.expanduser()))   # links inside the folders are not followed
    for prefix, folder in (("datasets", datasets_dir()), ("images", images_dir())):
        try:
            return f"{prefix}/{p.relative_to(Path(os.path.abspath(folder))).as_posix()}"
        except ValueError:
            continue
    raise ValueError(f"{p} is neither under {datasets_dir()} nor under {images_dir()}: "
                     "only files there can be listed in the manifest")


def resolve(key: str) -> Path:
    """The path of a manifest key on this machine (follows ``$CNN_COURSE_DATASETS``)."""
    head, _, rest = key.partition("/")
    folder = {"datasets": datasets_dir, "images": images_dir}.get(head)
    if folder is None or not rest:
        raise ValueError(f"manifest keys start with 'datasets/' or 'images/', not {key!r}")
    return folder() / rest


def display_path(path) -> str:
    """``path`` for messages: relative to the working directory when inside it."""
    path = Path(path).resolve()
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return str(path)


def read_manifest() -> dict:
    """The manifest as a dict (an empty one if the file does not exist)."""
    p = manifest_path()
    if not p.exists():
        return {"manifest_version": MANIFEST_VERSION, "files": {}}
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as err:
        raise IntegrityError(
            f"{p} is not valid JSON ({err}). Restore it from the repository "
            f"(git checkout -- datasets/MANIFEST.json), or rebuild the files it lists with the "
            f"commands in their 'made_by' fields.") from err
    data.setdefault("files", {})
    return data


def entry(path) -> dict | None:
    """The manifest entry of a file (a path or a key), or ``None`` if it is not listed."""
    return read_manifest()["files"].get(manifest_key(path))


@contextlib.contextmanager
def _locked():
    """Serialise manifest writers (several training scripts may finish at once)."""
    lock = manifest_path().with_name(".MANIFEST.lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as fh:
        try:
            import fcntl

            fcntl.flock(fh, fcntl.LOCK_EX)
        except ImportError:  # Windows: one writer at a time is the user's business
            pass
        yield


def _write_json_atomic(path: Path, data: dict) -> None:
    text = json.dumps(data, indent=1, sort_keys=True) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".manifest-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def record(path, made_by: str, **info) -> dict:
    """Write (or replace) the manifest entry of ``path`` and return it.

    ``made_by`` is the command that rebuilds the file (``python scripts/w2a1_train_resnet50.py``);
    ``info`` adds facts worth keeping beside the hash (generator version, seed, counts,
    held-out metrics).  The sha256 and size are measured here.
    """
    path = Path(path)
    key = manifest_key(path)
    new = {"sha256": sha256_file(resolve(key)), "bytes": resolve(key).stat().st_size,
           "made_by": made_by, **info}
    with _locked():
        manifest = read_manifest()
        manifest["manifest_version"] = MANIFEST_VERSION
        manifest["note"] = ("Every file the course ships, keyed by its path in the course. sha256 is over "
                            "the file's bytes; made_by is the command that makes it again.")
        manifest["files"][key] = new
        _write_json_atomic(manifest_path(), manifest)
    return new


def forget(path) -> None:
    """Remove a file's manifest entry (when the file itself is retired)."""
    key = manifest_key(path)
    with _locked():
        manifest = read_manifest()
        if manifest["files"].pop(key, None) is not None:
            _write_json_atomic(manifest_path(), manifest)


def verify(path, what: str | None = None) -> dict:
    """Check a shipped file against the manifest; return its entry.

    Raises :class:`IntegrityError` when the file is missing, is not listed, or its
    sha256 differs, with the command that makes the file again.  ``what`` names the file
    in messages ("the ResNet-50 weights").
    """
    key = manifest_key(path)
    p = resolve(key)
    what = what or key
    rec = read_manifest()["files"].get(key)
    if rec is None:
        raise IntegrityError(f"{what}: {display_path(p)} is not listed in {display_path(manifest_path())}; "
                             "a shipped file must be recorded by the script that makes it "
                             "(cnnkit.files.record).")
    remedy = (f"Restore it from the repository (git checkout -- {key}) or make it again with:\n"
              f"    {rec.get('made_by', '?')}")
    if not p.is_file():
        raise IntegrityError(f"{what}: {display_path(p)} is missing. {remedy}")
    digest = _cached_sha256(p)
    if digest != rec["sha256"]:
        raise IntegrityError(f"{what}: {display_path(p)} is damaged or was replaced (sha256 {digest[:12]}..., "
                             f"the manifest says {rec['sha256'][:12]}...). {remedy}")
    return rec
