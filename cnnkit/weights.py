"""Trained weights shipped with the course: compact storage, hash checks, loaders.

The course trains its own networks with scripts in ``scripts/`` and ships the weights in
``datasets/weights/``.  A full float32 ResNet-50 (23.6 M numbers, about 94 MB) is too big
for the repository, so weights are stored in an honest compact form:

- every kernel with two or more axes (Conv2D, Dense) as **int8 with one float32 scale per
  output channel** (symmetric: ``w ~= q * scale``, ``scale = max|w| / 127`` over the other
  axes), which is 4x smaller and changes each weight by at most half a step;
- everything else (biases, BatchNormalization gamma, beta, moving mean and variance) as
  float32, unchanged.

The accuracy written in a model card is measured **after** this round trip, on the model
that ``load_quantized`` rebuilds.  Each weight file has a JSON sidecar
(``<name>.json``) with its sha256, which the loaders check before use.

Generic parts: ``sha256_file``, ``quantize_array`` / ``dequantize_array``,
``save_quantized`` / ``load_quantized``, ``weights_dir``.
ResNet-50 on SIGNS (assignment ``w2a1``): ``load_pretrained_resnet50``.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
from pathlib import Path

import numpy as np

__all__ = [
    "WeightsError",
    "weights_dir",
    "sha256_file",
    "quantize_array",
    "dequantize_array",
    "save_quantized",
    "load_quantized",
    "RESNET50_SIGNS",
    "ORIGINAL_RESNET50_FILES",
    "load_pretrained_resnet50",
]

FORMAT = "cnnkit-int8-per-channel-v1"
RESNET50_SIGNS = "resnet50_signs"
"""Name of the shipped ResNet-50 weights: ``datasets/weights/resnet50_signs.npz`` + ``.json`` + ``.md``."""
SHIPPED_SHA256 = {
    "resnet50_signs.npz": "161ff54e19adeb1597c1448c5823cced963580f61ec9cdd5b97c17c648e68e89",
}
"""sha256 of the weight files in the repository; ``load_quantized`` also checks these (the
training script prints the new value to put here when it rewrites a file)."""
ORIGINAL_RESNET50_FILES = ("resnet50.h5", "ResNet50.h5", "resnet50.keras")
"""File names under which a user may place the original course's full ResNet-50 model."""


class WeightsError(RuntimeError):
    """A weight file is missing, corrupt or does not fit the model."""


def weights_dir() -> Path:
    """``datasets/weights`` of the repository (or of ``$CNN_COURSE_DATASETS``)."""
    from cnnkit.data import datasets_dir

    return Path(datasets_dir()) / "weights"


def sha256_file(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


# =============================================================================== quantisation
def quantize_array(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric int8 quantisation with one scale per entry of the last axis (output channel).

    Returns ``(q, scale)``: ``q`` int8 shaped like ``w``, ``scale`` float32 of shape
    ``(w.shape[-1],)``.  A channel that is all zeros gets scale 1 (and stays zero).
    """
    w = np.asarray(w, dtype=np.float32)
    peak = np.max(np.abs(w.reshape(-1, w.shape[-1])), axis=0)
    scale = np.where(peak > 0, peak / 127.0, 1.0).astype(np.float32)
    q = np.clip(np.rint(w / scale), -127, 127).astype(np.int8)
    return q, scale


def dequantize_array(q: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """``q * scale`` as float32 (inverse of ``quantize_array`` up to half a step)."""
    return (q.astype(np.float32) * np.asarray(scale, dtype=np.float32)).astype(np.float32)


def _weight_arrays(model) -> list[tuple[str, np.ndarray]]:
    return [(getattr(v, "path", v.name), np.asarray(v.numpy())) for v in model.weights]


def save_quantized(model, path, metadata: dict | None = None) -> dict:
    """Write ``model.weights`` (in order) to ``path`` (.npz) and a JSON sidecar; return the sidecar dict.

    Kernels (2+ axes) are stored as int8 + per-channel scales, the rest as float32.  The
    sidecar ``path.with_suffix('.json')`` records the format, the list of weights (path,
    shape, how stored), the file's sha256 and ``metadata``.
    """
    path = Path(path)
    arrays, entries = {}, []
    for k, (name, w) in enumerate(_weight_arrays(model)):
        if w.ndim >= 2:
            q, scale = quantize_array(w)
            arrays[f"q{k:03d}"], arrays[f"s{k:03d}"] = q, scale
            kind = "int8"
        else:
            arrays[f"f{k:03d}"] = w.astype(np.float32)
            kind = "float32"
        entries.append({"index": k, "path": name, "shape": list(w.shape), "stored": kind})
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    # Fixed zip timestamps so the same weights give the same bytes (and the same hash).
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, arrays[key], allow_pickle=False)
            info = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue())
    os.replace(tmp, path)
    card = {"format": FORMAT, "file": path.name, "sha256": sha256_file(path), "bytes": path.stat().st_size,
            "n_weights": len(entries), "n_parameters": int(sum(int(np.prod(e["shape"])) for e in entries)),
            "weights": entries, **(metadata or {})}
    path.with_suffix(".json").write_text(json.dumps(card, indent=1) + "\n")
    return card


def _read_sidecar(path: Path) -> dict:
    sidecar = path.with_suffix(".json")
    if not sidecar.exists():
        raise WeightsError(f"{sidecar} is missing: it holds the sha256 and layout of {path.name}")
    card = json.loads(sidecar.read_text())
    if card.get("format") != FORMAT:
        raise WeightsError(f"{sidecar} describes format {card.get('format')!r}, expected {FORMAT!r}")
    return card


def load_quantized(model, path, check_hash: bool = True) -> dict:
    """Load weights written by ``save_quantized`` into ``model`` (same architecture); return the sidecar.

    Checks the file's sha256 against the sidecar (``WeightsError`` on a mismatch), then the
    number, order and shapes of the weights.
    """
    path = Path(path)
    if not path.exists():
        raise WeightsError(f"weight file {path} not found")
    card = _read_sidecar(path)
    if check_hash:
        digest = sha256_file(path)
        known = SHIPPED_SHA256.get(path.name) if path.parent.resolve() == weights_dir().resolve() else None
        if known is not None and card["sha256"] != known:
            raise WeightsError(f"{path.with_suffix('.json').name} lists sha256 {card['sha256'][:12]}..., but the "
                               f"course ships {known[:12]}... (cnnkit.weights.SHIPPED_SHA256): the weights were "
                               "replaced; restore them from the repository or update SHIPPED_SHA256")
        if digest != card["sha256"]:
            raise WeightsError(f"{path.name} is damaged or was replaced: sha256 {digest[:12]}..., expected "
                               f"{card['sha256'][:12]}... (from {path.with_suffix('.json').name}); restore it from "
                               "the repository or re-run the training script")
    variables = list(model.weights)
    entries = card["weights"]
    if len(entries) != len(variables):
        raise WeightsError(f"{path.name} holds {len(entries)} weight arrays, the model has {len(variables)}: "
                           "not the same architecture")
    with np.load(path, allow_pickle=False) as data:
        values = []
        for k, (entry, var) in enumerate(zip(entries, variables)):
            if tuple(entry["shape"]) != tuple(var.shape):
                raise WeightsError(f"weight {k} ({entry['path']}) has shape {tuple(entry['shape'])} in "
                                   f"{path.name}, the model expects {tuple(var.shape)}")
            if entry["stored"] == "int8":
                values.append(dequantize_array(data[f"q{k:03d}"], data[f"s{k:03d}"]))
            else:
                values.append(np.asarray(data[f"f{k:03d}"], dtype=np.float32))
    for var, value in zip(variables, values):
        var.assign(value)
    return card


# =============================================================================== ResNet-50 on SIGNS
def _compile(model):
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def _find_original() -> Path | None:
    from cnnkit.data import datasets_dir

    for folder in (Path(datasets_dir()), Path.cwd()):
        for name in ORIGINAL_RESNET50_FILES:
            if (folder / name).is_file():
                return folder / name
    return None


def _load_full_model(path: Path):
    """The original course's full model file (legacy H5 or .keras), or ``None`` with a message."""
    from cnnkit.setup import quiet_tensorflow
    from cnnkit.testing import quiet

    tf = quiet_tensorflow()
    try:
        with quiet():
            model = tf.keras.models.load_model(str(path), compile=False)
    except Exception as err:  # noqa: BLE001 - any failure means: fall back to ours
        print(f"Could not load {path} with Keras {tf.keras.__version__} ({type(err).__name__}: "
              f"{str(err).splitlines()[0][:160]}); using the course's own weights instead.")
        return None
    shape = tuple(model.inputs[0].shape[1:]), tuple(model.outputs[0].shape[1:])
    if shape != ((64, 64, 3), (6,)):
        print(f"{path} maps inputs {shape[0]} to outputs {shape[1]}, not (64, 64, 3) to (6,); using the "
              "course's own weights instead.")
        return None
    print(f"Loaded the original full ResNet-50 model from {path}.")
    return model


def load_pretrained_resnet50(weights=None):
    """A compiled ResNet-50 for SIGNS with trained weights.

    Parameters
    ----------
    weights : None or path
        ``None``: use the original course's full model file if a user placed one in
        ``datasets/`` or the current folder (``ORIGINAL_RESNET50_FILES``; loaded with
        ``tf.keras.models.load_model``, falling back with a message if Keras 3 cannot read
        it), else the course's own weights ``datasets/weights/resnet50_signs.npz``.
        A path: an ``.npz`` written by ``save_quantized``, a ``.weights.h5`` file for this
        architecture, or a full model file (``.h5``/``.keras``).

    Returns
    -------
    tf.keras.Model
        Compiled with Adam, categorical cross-entropy and accuracy, like the notebook's model.
    """
    from cnnkit.resnet import build_resnet50

    path = Path(weights) if weights is not None else None
    if path is None:
        original = _find_original()
        if original is not None:
            model = _load_full_model(original)
            if model is not None:
                return _compile(model)
        path = weights_dir() / f"{RESNET50_SIGNS}.npz"
    elif path.suffix in (".h5", ".keras") and not path.name.endswith(".weights.h5"):
        model = _load_full_model(path)
        if model is not None:
            return _compile(model)
        path = weights_dir() / f"{RESNET50_SIGNS}.npz"

    model = build_resnet50((64, 64, 3), 6)
    if path.name.endswith(".weights.h5"):
        model.load_weights(str(path))
        print(f"Loaded ResNet-50 weights from {path}.")
        return _compile(model)
    card = load_quantized(model, path)
    acc = card.get("test_accuracy_after_quantization")
    extra = f"; test accuracy {acc:.3f} on synthetic SIGNS" if isinstance(acc, (int, float)) else ""
    print(f"Loaded the course's ResNet-50 weights ({path.name}, int8 kernels + float32 BatchNorm, "
          f"sha256 checked{extra}).")
    return _compile(model)
