"""Draw the synthetic alpaca folder of w2a2 and record every file in the manifest.

    .venv/bin/python scripts/w2a2_make_alpacas.py            # (re)write datasets/synthetic/alpaca/
    .venv/bin/python scripts/w2a2_make_alpacas.py --check    # draw into a temporary folder, compare bytes

Writes ``datasets/synthetic/alpaca/alpaca/*.jpg`` (label 0) and
``datasets/synthetic/alpaca/not alpaca/*.jpg`` (label 1) with ``cnnkit.alpacas.generate_alpaca_folder``
(``N_IMAGES`` pictures, seed ``SEED``); manifest entries of pictures that are no longer part of
the set are removed.  JPEG bytes depend on the Pillow/libjpeg build; the manifest records the
versions used (``built_with``).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

COMMAND = "python scripts/w2a2_make_alpacas.py"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--check", action="store_true", help="only check that the code redraws the shipped bytes")
    args = p.parse_args(argv)
    from cnnkit import alpacas, files

    shipped = alpacas.synthetic_alpaca_dir()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            alpacas.generate_alpaca_folder(Path(tmp) / "alpaca", progress=False)
            bad = [p for p in alpacas.expected_files(shipped)
                   if files.sha256_file(p) != files.sha256_file(Path(tmp) / "alpaca" / p.parent.name / p.name)]
        print(f"{len(bad)} of {alpacas.N_IMAGES} shipped pictures differ from what the code draws" +
              (f": {[str(p) for p in bad[:5]]}" if bad else ""))
        return 1 if bad else 0
    alpacas.generate_alpaca_folder(shipped, progress=True, made_by=COMMAND)
    keep = {files.manifest_key(p) for p in alpacas.expected_files(shipped)}
    prefix = files.manifest_key(shipped) + "/"
    for key in [k for k in files.read_manifest()["files"] if k.startswith(prefix) and k not in keep]:
        files.forget(key)
    counts = alpacas.folder_counts(shipped)
    size = sum(p.stat().st_size for p in alpacas.expected_files(shipped))
    print(f"wrote {files.display_path(shipped)}: {counts} ({size / 1e6:.1f} MB), recorded in the manifest")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
