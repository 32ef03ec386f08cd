"""Write the YOLO showcase images and the manifest of datasets/yolo/ (w3a1).

    python scripts/make_yolo_showcase.py

Draws the first 60 scenes of the "showcase" split (``cnnkit.roads``, its own seed), keeps
the six with the most distinct classes (5-13 objects each), and writes them as
``datasets/yolo/images/test.jpg`` and ``0001.jpg`` ... ``0005.jpg`` (1280x720, JPEG quality
90), their boxes in ``images/annotations.csv``, and ``datasets/yolo/MANIFEST.json`` (sha256
of every shipped file, generator version, seeds, class names, anchors).
"""
from __future__ import annotations

import csv
import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cnnkit import roads  # noqa: E402
from cnnkit import yolo as Y  # noqa: E402

N_CANDIDATES = 60


def main():
    scored = []
    for i, (img, boxes) in enumerate(roads.iter_scenes("showcase", N_CANDIDATES)):
        n = len(boxes)
        distinct = len(set(int(c) for c in boxes[:, 0]))
        if 5 <= n <= 13:
            scored.append((distinct, n, i))
    scored.sort(key=lambda t: (-t[0], -t[1], t[2]))
    chosen = sorted(i for _, _, i in scored[:6])
    names = ["test.jpg"] + [f"{k:04d}.jpg" for k in range(1, 6)]
    Y.IMAGES_DIR.mkdir(parents=True, exist_ok=True)
    rows = []
    for name, i in zip(names, chosen):
        img, boxes = roads.scene("showcase", i)
        img.save(Y.IMAGES_DIR / name, quality=90)
        rows += roads.annotation_rows(name, boxes)
    with open(Y.IMAGES_DIR / "annotations.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    files = {}
    for p in sorted(Y.YOLO_DIR.rglob("*")):
        if p.is_file() and p.name != "MANIFEST.json":
            files[str(p.relative_to(Y.YOLO_DIR))] = {"bytes": p.stat().st_size,
                                                     "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
    manifest = {
        "generator": "cnnkit.roads", "generator_version": roads.GENERATOR_VERSION, "seeds": roads.SEEDS,
        "image_size": [roads.IMAGE_WIDTH, roads.IMAGE_HEIGHT], "class_names": roads.CLASS_NAMES,
        "showcase_indices": dict(zip(names, chosen)),
        "annotation_format": "annotations.csv: image, class_id, class, x_min, y_min, x_max, y_max (pixels)",
        "files": files,
    }
    (Y.YOLO_DIR / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n")
    print("showcase scenes", dict(zip(names, chosen)), "files", len(files))


if __name__ == "__main__":
    main()
