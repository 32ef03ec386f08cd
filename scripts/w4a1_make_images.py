"""Draw the pictures of the face-recognition notebook (w4a1) into ``images/w4a1/``.

- ``<name>.jpg`` for each of ``cnnkit.face.DATABASE_NAMES``: an enrolment portrait
  (``cnnkit.portraits``, kind "portrait", photo 0) of the invented person
  ``identity(j, "database")``, 96x96.  ``DATABASE[j]`` is person j; persons 10 and 11
  (kestra and lunet) are siblings.  One of them (``RGBA_NAME``) is stored as an RGBA PNG
  under its ``.jpg`` name, as in the original course, so that ``img_to_encoding`` has to
  convert it: its alpha channel fades the corners out, its colour channels are the
  photo itself.
- ``camera_<k>.jpg``, k = 0..5: new camera snapshots taken at the door (``CAMERA``:
  which person, which photo).  camera_3 shows a person who is not in the database.

Every file is written with the JPEG quality the photo was drawn with (one JPEG
compression, as in the training data) and recorded in ``datasets/MANIFEST.json``.

Usage::

    .venv/bin/python scripts/w4a1_make_images.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

from cnnkit import face, files, portraits  # noqa: E402

MADE_BY = "python scripts/w4a1_make_images.py"
RGBA_NAME = "galina"
#: camera picture k -> (person of the "database" split, photo number, who it is)
CAMERA = {
    0: (2, 1, face.DATABASE_NAMES[2]),
    1: (7, 1, face.DATABASE_NAMES[7]),
    2: (10, 1, face.DATABASE_NAMES[10]),
    3: (14, 1, None),              # not in the database
    4: (4, 2, face.DATABASE_NAMES[4]),
    5: (11, 1, face.DATABASE_NAMES[11]),
}


def _alpha(size: int) -> np.ndarray:
    yy, xx = np.mgrid[0:size, 0:size] / (size - 1) * 2 - 1
    r = np.sqrt(xx ** 2 + yy ** 2)
    return (255 * np.clip((1.3 - r) / 0.3, 0, 1)).astype(np.uint8)


def main():
    out = face.face_images_dir()
    out.mkdir(parents=True, exist_ok=True)
    common = {"generator": "cnnkit.portraits", "generator_version": portraits.GENERATOR_VERSION,
              "generator_seed": portraits.SEED, "split": "database"}
    for j, name in enumerate(face.DATABASE_NAMES):
        ident = portraits.identity(j, "database")
        img, quality = portraits.render(ident, 0, kind="portrait", jpeg=False)
        path = face.database_image(name)
        if name == RGBA_NAME:
            rgba = np.dstack([np.asarray(img), _alpha(img.size[0])])
            Image.fromarray(rgba, "RGBA").save(path, format="PNG", optimize=False)
            stored = "PNG RGBA (under a .jpg name)"
        else:
            img.save(path, format="JPEG", quality=quality)
            stored = f"JPEG quality {quality}"
        files.record(path, made_by=MADE_BY, person=j, photo=0, kind="portrait", stored=stored,
                     sibling_of=ident.sibling_of, **common)
        print(f"{files.display_path(path)}: person {j}, {stored}")
    for k, (person, number, who) in CAMERA.items():
        ident = portraits.identity(person, "database")
        img, quality = portraits.render(ident, number, kind="snapshot", jpeg=False)
        path = face.camera_image(k)
        img.save(path, format="JPEG", quality=quality)
        files.record(path, made_by=MADE_BY, person=person, photo=number, kind="snapshot",
                     stored=f"JPEG quality {quality}", shows=who or "someone not in the database", **common)
        print(f"{files.display_path(path)}: person {person} ({who or 'not in the database'}), photo {number}")


if __name__ == "__main__":
    main()
