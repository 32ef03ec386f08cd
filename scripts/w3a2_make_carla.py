"""Draw the synthetic CARLA-layout folder the w3a2 notebook reads, ahead of time.

    python scripts/w3a2_make_carla.py              # 1060 pairs (as many as the original), about 2 min on 2 cores
    python scripts/w3a2_make_carla.py --count 200

Writes ``datasets/synthetic/carla/CameraRGB/000000.png ...`` (480x640 RGB) and
``datasets/synthetic/carla/CameraMask/000000.png ...`` (red channel = class id, green = blue = 0)
with ``cnnkit.streets`` (split ``"train"``), and ``STAMP.json`` last.  The folder is not
shipped (it is about 450 MB) and not in the manifest: ``cnnkit.seg.carla_directories()``
draws it on first use, and graders draw it before grading (``grading.w3a2.prepare_data``),
since notebooks run in a read-only sandbox there.  Pairs already drawn by the same
generator version are kept.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cnnkit import files, seg, streets  # noqa: E402


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--count", type=int, default=None,
                   help=f"pairs (default: ${seg.COUNT_ENV} if set, else {streets.DEFAULT_COUNT})")
    args = p.parse_args(argv)
    seg.prepare_carla_folder(args.count)
    stamp = streets.read_stamp(seg._synthetic_root()) or {}
    print(f"{files.display_path(seg._synthetic_root())}: {stamp.get('count', 0)} pairs "
          f"(cnnkit.streets {stamp.get('generator_version', '?')})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
