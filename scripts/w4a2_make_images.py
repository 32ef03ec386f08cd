"""Draw the w4a2 style transfer pictures and record them in the manifest.

    .venv/bin/python scripts/w4a2_make_images.py

Writes ``images/w4a2/content.jpg`` (a city by a river at dusk) and
``images/w4a2/style_<name>.jpg`` for every style of ``cnnkit.paintings.STYLES``: 400x300
RGB JPEGs (quality 92) drawn by ``cnnkit.paintings``, each recorded with
``cnnkit.files.record`` (sha256, size, generator version, what it shows).
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUALITY = 92
MADE_BY = "python scripts/w4a2_make_images.py"

DESCRIPTIONS = {
    "content": "content picture: a city by a river at dusk (skyline with lit windows, trees, reflections)",
    "brush": "style: impressionist short thick brush strokes along a smooth flow field, warm and cool",
    "swirl": "style: long curved strokes circling round vortices, deep blue and yellow",
    "mosaic": "style: Voronoi tiles with dark grout, bright glazed colours",
    "pointillism": "style: dense dots of pure colour on a light ground",
    "crosshatch": "style: pen-and-ink hatching whose density follows the tone, on paper",
}


def main() -> int:
    import numpy as np

    from cnnkit import files, nst, paintings

    folder = nst.images_folder()
    folder.mkdir(parents=True, exist_ok=True)
    jobs = [("content", nst.content_path(), paintings.content_picture)]
    jobs += [(name, nst.style_path(name), lambda name=name: paintings.style_picture(name))
             for name in paintings.STYLES]
    for name, path, draw in jobs:
        img = draw()
        img.save(path, quality=QUALITY, subsampling=0, optimize=False)
        arr = np.asarray(img)
        files.record(path, made_by=MADE_BY, generator="cnnkit.paintings", generator_version=paintings.GENERATOR_VERSION,
                     seed=paintings.SEED, size=[img.width, img.height], jpeg_quality=QUALITY,
                     description=DESCRIPTIONS[name], mean_rgb=[round(float(v), 2) for v in arr.mean(axis=(0, 1))])
        print(f"wrote {files.display_path(path)} ({path.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
