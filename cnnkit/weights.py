"""Compact weight files for the networks the course trains and ships.

A full float32 ResNet-50 (23.6 M numbers, about 94 MB) is too big for the repository, so
the course stores trained weights in one honest compact form, a ``.npz`` file:

- every kernel with two or more axes (Conv2D, Dense) as **int8 with one float32 scale per
  output channel** (symmetric: ``w ~= q * scale``, ``scale = max|w| / 127`` over the other
  axes), which is 4x smaller and changes each weight by at most half a step;
- everything else (biases, BatchNormalization gamma, beta, moving mean and variance) as
  float32, unchanged;
- the layout (each weight's path, shape and storage) as JSON inside the same file.

The bytes are reproducible (fixed zip timestamps), and the file's sha256, size and
held-out metrics live in the one manifest (``cnnkit.files``): ``save_quantized(...,
made_by=...)`` records them and ``load_quantized`` verifies a shipped file before use.
The accuracy written in a model card is measured **after** this round trip.
"""
from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import numpy as np

from cnnkit import files

__all__ = ["WeightsError", "FORMAT", "quantize_array", "dequantize_array", "save_quantized",
           "load_quantized", "read_layout"]

FORMAT = "cnnkit-int8-per-channel-v2"


class WeightsError(RuntimeError):
    """A weight file is missing, corrupt or does not fit the model."""


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


def save_quantized(model, path, made_by: str | None = None, **info) -> dict:
    """Write ``model.weights`` (in order) to ``path`` (.npz); return its layout and hash.

    With ``made_by`` (the command that trains the weights) the file is also recorded in
    the manifest together with ``info`` (held-out metrics, data version, ...); the file
    must then lie in the datasets folder.
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
    layout = {"format": FORMAT, "weights": entries}
    arrays["layout"] = np.frombuffer(json.dumps(layout, sort_keys=True).encode(), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key in sorted(arrays):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, arrays[key], allow_pickle=False)
            info_ = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info_.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info_, buf.getvalue())
    os.replace(tmp, path)
    summary = {"format": FORMAT, "n_weights": len(entries),
               "n_parameters": int(sum(int(np.prod(e["shape"])) for e in entries)),
               "sha256": files.sha256_file(path), "bytes": path.stat().st_size}
    if made_by is not None:
        files.record(path, made_by=made_by, **{k: v for k, v in summary.items() if k not in ("sha256", "bytes")},
                     **info)
    return summary


def read_layout(path) -> dict:
    """The layout stored in a weight file written by ``save_quantized``."""
    path = Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            layout = json.loads(bytes(data["layout"]).decode())
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as err:
        raise WeightsError(f"{files.display_path(path)} is not a weight file written by "
                           f"cnnkit.weights.save_quantized ({type(err).__name__}: {err})") from err
    if layout.get("format") != FORMAT:
        raise WeightsError(f"{path.name} has format {layout.get('format')!r}, expected {FORMAT!r}")
    return layout


def _in_datasets(path: Path) -> bool:
    try:
        files.manifest_key(path)
        return Path(path).is_absolute() or Path(path).parts[0] != "images"
    except ValueError:
        return False


def load_quantized(model, path, what: str | None = None) -> dict:
    """Load weights written by ``save_quantized`` into ``model`` (same architecture).

    A file inside the datasets folder is a shipped file: it is verified against the
    manifest first (``cnnkit.files.IntegrityError`` if it is damaged or unlisted), and its
    manifest entry is returned.  A file elsewhere (one you trained yourself) is loaded as
    it is, and ``{}`` is returned.  Then the number, order and shapes of the weights are
    checked (``WeightsError`` names the first that does not fit).
    """
    path = Path(path)
    if not path.exists():
        raise WeightsError(f"weight file {files.display_path(path)} not found")
    rec = files.verify(path, what) if _in_datasets(path) else {}
    entries = read_layout(path)["weights"]
    variables = list(model.weights)
    if len(entries) != len(variables):
        raise WeightsError(f"{path.name} holds {len(entries)} weight arrays, the model has {len(variables)}: "
                           "not the same architecture")
    values = []
    with np.load(path, allow_pickle=False) as data:
        for k, (e, var) in enumerate(zip(entries, variables)):
            if tuple(e["shape"]) != tuple(var.shape):
                raise WeightsError(f"weight {k} ({e['path']}) has shape {tuple(e['shape'])} in "
                                   f"{path.name}, the model expects {tuple(var.shape)}")
            if e["stored"] == "int8":
                values.append(dequantize_array(data[f"q{k:03d}"], data[f"s{k:03d}"]))
            else:
                values.append(np.asarray(data[f"f{k:03d}"], dtype=np.float32))
    for var, value in zip(variables, values):
        var.assign(value)
    return rec
