"""Write the held-out street scenes the w3a2 notebook evaluates on: ``datasets/synthetic/carla_heldout.npz``.

    python scripts/w3a2_make_heldout.py            # 100 scenes, about half a minute

The scenes are ``0 .. n-1`` of split ``"test"`` of ``cnnkit.streets`` (seeds the training
folder never uses), resized to 96x128 exactly like ``cnnkit.seg.process_path`` +
``preprocess`` (nearest neighbour; checked against the TensorFlow pipeline on written PNG
files for the first scenes).  They are stored as uint8 arrays ``images (n, 96, 128, 3)``
and ``masks (n, 96, 128)`` in a compressed ``.npz`` with fixed zip timestamps (the same
bytes on every run), and recorded in ``datasets/MANIFEST.json`` with the generator
version, split, seed, count and class shares.  ``scripts/w3a2_train_unet.py`` measures the
shipped U-Net on the first 300 scenes of the same split, so these are among them.
"""
from __future__ import annotations

import argparse
import io
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from cnnkit import files, seg, streets  # noqa: E402


def small_scene(split: str, index: int):
    """One scene resized to 96x128 by nearest neighbour, as ``tf.image.resize(method="nearest")`` samples."""
    rows = np.minimum(((np.arange(96) + 0.5) * streets.IMAGE_HEIGHT / 96).astype(np.int64), streets.IMAGE_HEIGHT - 1)
    cols = np.minimum(((np.arange(128) + 0.5) * streets.IMAGE_WIDTH / 128).astype(np.int64), streets.IMAGE_WIDTH - 1)
    img, mask = streets.render_scene(streets.scene_rng(split, index))
    return img[rows][:, cols], mask[rows][:, cols]


def check_against_pipeline(split: str, n: int = 2) -> None:
    """The in-memory resize equals ``process_path`` + ``preprocess`` on PNG files of the same scenes."""
    from PIL import Image

    from cnnkit.setup import quiet_tensorflow

    tf = quiet_tensorflow()
    with tempfile.TemporaryDirectory() as tmp:
        for k in range(n):
            img, mask = streets.render_scene(streets.scene_rng(split, k))
            ip, mp = Path(tmp) / f"i{k}.png", Path(tmp) / f"m{k}.png"
            Image.fromarray(img).save(ip)
            Image.fromarray(streets.mask_to_png_array(mask)).save(mp)
            a, b = seg.preprocess(*seg.process_path(str(ip), str(mp)))
            x, y = small_scene(split, k)
            if not (np.array_equal(a.numpy(), tf.image.convert_image_dtype(x, tf.float32).numpy())
                    and np.array_equal(b.numpy()[..., 0], y)):
                raise SystemExit("the in-memory resize differs from process_path + preprocess")


def write_npz(path: Path, arrays: dict) -> None:
    """``np.savez_compressed`` with fixed zip timestamps, written atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for key, value in arrays.items():
            buf = io.BytesIO()
            np.save(buf, np.ascontiguousarray(value), allow_pickle=False)
            info = zipfile.ZipInfo(key + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, buf.getvalue())
    tmp.replace(path)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("-n", type=int, default=100, help="held-out scenes (split 'test', indices 0..n-1)")
    args = p.parse_args(argv)
    split = "test"
    check_against_pipeline(split)
    X = np.empty((args.n, 96, 128, 3), np.uint8)
    Y = np.empty((args.n, 96, 128), np.uint8)
    for k in range(args.n):
        X[k], Y[k] = small_scene(split, k)
    path = seg.heldout_path()
    write_npz(path, {"images": X, "masks": Y})
    counts = streets.class_pixel_counts(Y)
    share = {streets.CLASS_NAMES[k]: round(float(c / counts.sum()), 5) for k, c in enumerate(counts) if c}
    command = "python scripts/w3a2_make_heldout.py" + (f" -n {args.n}" if args.n != 100 else "")
    files.record(path, made_by=command, generator="cnnkit.streets", generator_version=streets.GENERATOR_VERSION,
                 split=split, seed=streets.SEEDS[split], scenes=int(args.n), image_size=[96, 128],
                 class_share=share)
    print(f"wrote {files.display_path(path)}: {args.n} scenes, {path.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
