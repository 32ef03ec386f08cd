"""Write the YOLO showcase images and the manifest of datasets/yolo/ (w3a1).

    python scripts/w3a1_make_showcase.py

Draws the first 60 scenes of the "showcase" split (``cnnkit.roads``, its own seed), keeps
the six with the most distinct classes (5-13 objects each), and writes them as
``datasets/yolo/images/test.jpg`` and ``0001.jpg`` ... ``0005.jpg`` (1280x720, JPEG quality
90) and their boxes in ``images/annotations.csv``, and records each file in the course manifest
(``cnnkit.files.record``: sha256, generator version, seed, scene index).
"""
from __future__ import annotations

import csv


from cnnkit import files, roads
from cnnkit import yolo as Y

N_CANDIDATES = 60
MADE_BY = "python scripts/w3a1_make_showcase.py"


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
    Y.showcase_dir().mkdir(parents=True, exist_ok=True)
    rows = []
    for name, i in zip(names, chosen):
        img, boxes = roads.scene("showcase", i)
        img.save(Y.showcase_dir() / name, quality=90)
        rows += roads.annotation_rows(name, boxes)
    with open(Y.showcase_dir() / "annotations.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    for name, i in zip(names, chosen):
        files.record(Y.showcase_dir() / name, made_by=MADE_BY, generator="cnnkit.roads",
                     generator_version=roads.GENERATOR_VERSION, seed=roads.SEEDS["showcase"],
                     image_size=[roads.IMAGE_WIDTH, roads.IMAGE_HEIGHT], showcase_index=i)
    files.record(Y.showcase_dir() / "annotations.csv", made_by=MADE_BY, generator="cnnkit.roads",
                 generator_version=roads.GENERATOR_VERSION, seed=roads.SEEDS["showcase"],
                 image_size=[roads.IMAGE_WIDTH, roads.IMAGE_HEIGHT],
                 format="image, class_id, class, x_min, y_min, x_max, y_max (pixels)")
    print("showcase scenes", dict(zip(names, chosen)), )


if __name__ == "__main__":
    main()
