"""The source task of the course's MobileNetV2 base (w2a2): 52 classes of pictures, no alpacas.

The network that the transfer-learning notebook reuses was trained on this task by
``scripts/w2a2_train_mobilenet_base.py`` (the pictures are drawn on the fly there and never
shipped).  Like ImageNet for the original course, the task is *different* from the target
(alpaca / not alpaca) and much broader:

- 16 **animals** drawn by the same parametric quadruped as the alpaca pictures
  (``cnnkit.alpacas.draw_quadruped``) in the same kinds of scenes: sheep, goat, horse, dog,
  camel, deer (the alpaca set's hard negatives) and giraffe, cow, pig, zebra, donkey,
  elephant, bear, fox, cat, rhino.  There is no alpaca and no llama among them.
- 16 **objects** in the same scenes: house, barn, tree, pine, car, bicycle, chair, umbrella,
  mug, bottle, flower, mushroom, boat, balloon, hay bale, tent.
- 10 **shapes** (1-4 of them, any colour, size and rotation, on plain, gradient or textured
  grounds): circle, square, triangle, star, cross, ring, hexagon, arrow, crescent, heart.
- 10 **textures** filling the picture: stripes, checks, dots, waves, wool, bricks, wood
  grain, zigzag, scales, blotches.

Picture ``index`` of a split shows class ``index % 52`` and is drawn from its own stream
``np.random.default_rng([seed, split_code, index])``; ``source_picture(index, split)``
returns it as a ``(size, size, 3)`` uint8 array.

**Procedural species** (``n_species`` > 0, an option of the training script): ``n_species`` further
classes, each an invented quadruped species (``procedural_species(i)``): narrow random ranges of
every body proportion (within the spans of the named non-alpaca species), one ear, tail, horn and
hump type, 1-3 coats, sometimes spots or stripes.  Telling 100 such species apart needs the shape
cues that also tell an alpaca apart (neck length and angle, ears, wool), much as ImageNet's many
dog breeds teach fine shape.  No species has the alpaca's ears, neck length, neck angle and wool
together (``overlaps_alpaca``).  Then picture ``index`` shows class ``index % (52 + n_species)``;
with ``n_species=0`` every picture is exactly the 52-class task's.
"""
from __future__ import annotations

import functools
import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from cnnkit import alpacas
from cnnkit.alpacas import _Pen, _choice, _jit, _mix, _shade, _tufts_in_ellipse

__all__ = ["GENERATOR_VERSION", "SEEDS", "ANIMALS", "OBJECTS", "SHAPES", "TEXTURES", "CLASS_NAMES",
           "EXTRA_SPECIES", "SPECIES_VERSION", "procedural_species", "overlaps_alpaca", "class_names",
           "source_class", "source_picture", "source_batch"]

#: Bump when a change to the drawing code changes any pixel.
GENERATOR_VERSION = "1.0.0"
#: Bump when a change alters any procedural species (``procedural_species``).
SPECIES_VERSION = "1.0.0"
SEEDS = {"train": 5101, "test": 5202}
_SPLIT_CODE = {"train": 0, "test": 1}

_GREYS = [(150, 150, 152), (120, 118, 116), (176, 174, 170)]
#: Species of the source task that the alpaca set does not use (same parameters as ``alpacas.SPECIES``).
EXTRA_SPECIES = {
    "giraffe": dict(bh=(0.46, 0.54), hl=(0.95, 1.1), legw=(0.07, 0.09), neck_len=(1.1, 1.45), neck_ang=(62, 80),
                    neck_w=(0.13, 0.16), head_len=(0.3, 0.36), head_h=(0.13, 0.16), snout=(0.1, 0.12),
                    ears=("point",), ear_len=(0.07, 0.1), tail=("thin",), humps=(0,), horns=("cow",),
                    fluff_body=(0, 0), fluff_neck=(0, 0), fluff_leg=(0, 0), topknot=(0, 0), mane=True,
                    coats=[(230, 196, 130), (222, 186, 118)], patchy=0.0, face_dark=0.0, spots=1.0,
                    pattern_colour=(150, 90, 44), poses={"stand": 0.6, "walk": 0.25, "front": 0.15}),
    "cow": dict(bh=(0.54, 0.62), hl=(0.45, 0.55), legw=(0.1, 0.12), neck_len=(0.18, 0.3), neck_ang=(15, 40),
                neck_w=(0.3, 0.36), head_len=(0.32, 0.38), head_h=(0.19, 0.23), snout=(0.1, 0.13),
                ears=("side",), ear_len=(0.1, 0.14), tail=("thin",), humps=(0,), horns=("cow", "none"),
                fluff_body=(0, 0), fluff_neck=(0, 0), fluff_leg=(0, 0), topknot=(0, 0), mane=False,
                coats=[(30, 28, 28), (240, 238, 232), (150, 90, 50), (110, 70, 44)], patchy=0.65,
                face_dark=0.0, poses={"stand": 0.5, "walk": 0.15, "lie": 0.1, "graze": 0.15, "front": 0.1}),
    "pig": dict(bh=(0.5, 0.6), hl=(0.2, 0.28), legw=(0.09, 0.11), neck_len=(0.06, 0.12), neck_ang=(0, 25),
                neck_w=(0.36, 0.42), head_len=(0.3, 0.34), head_h=(0.22, 0.26), snout=(0.07, 0.09),
                ears=("point", "flop"), ear_len=(0.1, 0.14), tail=("curl",), humps=(0,), horns=("none",),
                fluff_body=(0, 0), fluff_neck=(0, 0), fluff_leg=(0, 0), topknot=(0, 0), mane=False,
                coats=[(238, 176, 166), (226, 160, 150), (60, 50, 48), (170, 110, 80)], patchy=0.2,
                face_dark=0.0, poses={"stand": 0.5, "walk": 0.2, "lie": 0.15, "front": 0.15}),
    "zebra": dict(bh=(0.44, 0.5), hl=(0.62, 0.75), legw=(0.09, 0.1), neck_len=(0.45, 0.58), neck_ang=(42, 62),
                  neck_w=(0.2, 0.25), head_len=(0.42, 0.5), head_h=(0.15, 0.18), snout=(0.12, 0.15),
                  ears=("point",), ear_len=(0.1, 0.13), tail=("thin",), humps=(0,), horns=("none",),
                  fluff_body=(0, 0), fluff_neck=(0, 0), fluff_leg=(0, 0), topknot=(0, 0), mane=True,
                  coats=[(240, 238, 232)], patchy=0.0, face_dark=0.0, stripes=1.0, pattern_colour=(26, 24, 24),
                  poses={"stand": 0.5, "walk": 0.25, "graze": 0.15, "front": 0.1}),
    "donkey": dict(bh=(0.46, 0.54), hl=(0.5, 0.62), legw=(0.09, 0.11), neck_len=(0.36, 0.48), neck_ang=(38, 58),
                   neck_w=(0.2, 0.25), head_len=(0.42, 0.5), head_h=(0.17, 0.2), snout=(0.12, 0.15),
                   ears=("banana",), ear_len=(0.2, 0.28), tail=("thin",), humps=(0,), horns=("none",),
                   fluff_body=(0, 0), fluff_neck=(0, 0), fluff_leg=(0, 0), topknot=(0, 0), mane=True,
                   coats=[(150, 146, 140), (120, 110, 100), (100, 84, 70), (180, 172, 160)], patchy=0.0,
                   face_dark=0.0, poses={"stand": 0.55, "walk": 0.2, "graze": 0.12, "front": 0.13}),
    "elephant": dict(bh=(0.68, 0.78), hl=(0.5, 0.6), legw=(0.18, 0.22), neck_len=(0.05, 0.1), neck_ang=(20, 40),
                     neck_w=(0.45, 0.5), head_len=(0.38, 0.44), head_h=(0.38, 0.44), snout=(0.05, 0.06),
                     ears=("large_flat",), ear_len=(0.3, 0.38), tail=("thin",), humps=(0,), horns=("none",),
                     fluff_body=(0, 0), fluff_neck=(0, 0), fluff_leg=(0, 0), topknot=(0, 0), mane=False,
                     coats=_GREYS, patchy=0.0, face_dark=0.0, trunk=True,
                     poses={"stand": 0.6, "walk": 0.25, "front": 0.15}),
    "bear": dict(bh=(0.55, 0.65), hl=(0.3, 0.38), legw=(0.15, 0.18), neck_len=(0.12, 0.2), neck_ang=(10, 30),
                 neck_w=(0.34, 0.4), head_len=(0.3, 0.34), head_h=(0.25, 0.29), snout=(0.08, 0.1),
                 ears=("round",), ear_len=(0.08, 0.1), tail=("stub",), humps=(0,), horns=("none",),
                 fluff_body=(0.2, 0.5), fluff_neck=(0.0, 0.3), fluff_leg=(0, 0), topknot=(0, 0), mane=False,
                 coats=[(90, 60, 40), (60, 42, 30), (30, 28, 26), (238, 234, 222), (140, 100, 66)], patchy=0.0,
                 face_dark=0.0, poses={"stand": 0.5, "walk": 0.3, "front": 0.2}),
    "fox": dict(bh=(0.34, 0.4), hl=(0.32, 0.4), legw=(0.06, 0.07), neck_len=(0.16, 0.24), neck_ang=(30, 50),
                neck_w=(0.17, 0.2), head_len=(0.3, 0.34), head_h=(0.16, 0.19), snout=(0.12, 0.14),
                ears=("point",), ear_len=(0.12, 0.16), tail=("bushy",), humps=(0,), horns=("none",),
                fluff_body=(0, 0), fluff_neck=(0, 0), fluff_leg=(0, 0), topknot=(0, 0), mane=False,
                coats=[(206, 106, 44), (190, 90, 36), (150, 140, 130), (220, 130, 60)], patchy=0.0,
                face_dark=0.0, poses={"stand": 0.45, "walk": 0.3, "lie": 0.1, "front": 0.15}),
    "cat": dict(bh=(0.36, 0.42), hl=(0.34, 0.42), legw=(0.06, 0.075), neck_len=(0.12, 0.2), neck_ang=(40, 65),
                neck_w=(0.16, 0.19), head_len=(0.24, 0.27), head_h=(0.21, 0.24), snout=(0.05, 0.06),
                ears=("point",), ear_len=(0.1, 0.13), tail=("curl", "long_thin"), humps=(0,), horns=("none",),
                fluff_body=(0, 0, 0.4), fluff_neck=(0, 0), fluff_leg=(0, 0), topknot=(0, 0), mane=False,
                coats=[(40, 36, 34), (230, 150, 70), (150, 146, 140), (240, 236, 230), (120, 90, 60)],
                patchy=0.3, face_dark=0.0, poses={"stand": 0.45, "walk": 0.25, "lie": 0.15, "front": 0.15}),
    "rhino": dict(bh=(0.58, 0.66), hl=(0.36, 0.44), legw=(0.16, 0.2), neck_len=(0.08, 0.14), neck_ang=(0, 20),
                  neck_w=(0.4, 0.46), head_len=(0.46, 0.52), head_h=(0.24, 0.28), snout=(0.1, 0.12),
                  ears=("point",), ear_len=(0.08, 0.1), tail=("thin",), humps=(0,), horns=("rhino",),
                  fluff_body=(0, 0), fluff_neck=(0, 0), fluff_leg=(0, 0), topknot=(0, 0), mane=False,
                  coats=_GREYS, patchy=0.0, face_dark=0.0, poses={"stand": 0.6, "walk": 0.25, "front": 0.15}),
}
for _name, _spec in EXTRA_SPECIES.items():
    _spec["name"] = _name

ANIMALS = ["sheep", "goat", "horse", "dog", "camel", "deer"] + list(EXTRA_SPECIES)
OBJECTS = ["house", "barn", "tree", "pine", "car", "bicycle", "chair", "umbrella", "mug", "bottle", "flower",
           "mushroom", "boat", "balloon", "hay bale", "tent"]
SHAPES = ["circle", "square", "triangle", "star", "cross", "ring", "hexagon", "arrow", "crescent", "heart"]
TEXTURES = ["stripes", "checks", "dots", "waves", "wool", "bricks", "wood", "zigzag", "scales", "blotches"]
CLASS_NAMES = ANIMALS + OBJECTS + SHAPES + TEXTURES
assert "alpaca" not in CLASS_NAMES and "llama" not in CLASS_NAMES


_SPECIES_SEED = 4242
#: Body proportions a procedural species draws its narrow ranges from.
_PROPORTIONS = ("bh", "hl", "legw", "neck_len", "neck_ang", "neck_w", "head_len", "head_h", "snout", "ear_len",
                "fluff_body", "fluff_neck", "fluff_leg", "topknot")


def _named_non_alpacas() -> dict:
    return {n: s for n, s in {**alpacas.SPECIES, **EXTRA_SPECIES}.items() if n != "alpaca"}


def overlaps_alpaca(spec: dict) -> bool:
    """True when ``spec`` could draw an alpaca-like animal: banana ears *and* neck length, neck angle
    and body wool ranges that all overlap the alpaca's."""
    alpaca = alpacas.SPECIES["alpaca"]

    def overlap(key):
        return min(spec[key][0], spec[key][-1]) <= max(alpaca[key]) and max(spec[key]) >= min(alpaca[key])

    return "banana" in spec["ears"] and all(overlap(k) for k in ("neck_len", "neck_ang", "fluff_body"))


@functools.lru_cache(maxsize=None)
def procedural_species(i: int) -> dict:
    """Invented species ``i`` (a species dict for ``alpacas.sample_animal``; do not modify it).

    Each proportion is a range 15 % as wide as its span over the named non-alpaca species, placed
    at random inside that span; ear, tail, horn and hump types are one of theirs; 1-3 of their coats.
    Redrawn (from the same stream) while ``overlaps_alpaca``.
    """
    named = _named_non_alpacas()
    span = {k: (min(min(s[k]) for s in named.values()), max(max(s[k]) for s in named.values())) for k in _PROPORTIONS}
    kinds = {k: sorted({v for s in named.values() for v in s[k]}, key=str) for k in ("ears", "tail", "horns", "humps")}
    coats = sorted({c for s in named.values() for c in s["coats"]})
    rng = np.random.default_rng([_SPECIES_SEED, int(i)])
    while True:
        spec = {}
        for k in _PROPORTIONS:
            lo, hi = span[k]
            w = 0.15 * (hi - lo)
            c = rng.uniform(lo + w / 2, hi - w / 2)
            spec[k] = (float(c - w / 2), float(c + w / 2))
        for k, values in kinds.items():
            spec[k] = (values[int(rng.integers(len(values)))],)
        if not overlaps_alpaca(spec):
            break
    spec.update(name=f"species {int(i):03d}", mane=bool(rng.random() < 0.3), camel_neck=bool(spec["humps"][0] > 0),
                coats=[coats[j] for j in rng.choice(len(coats), int(rng.integers(1, 4)), replace=False)],
                patchy=float(rng.uniform(0, 0.5)) * float(rng.random() < 0.5), face_dark=float(rng.uniform(0, 0.4)),
                poses={"stand": 0.5, "walk": 0.2, "lie": 0.1, "graze": 0.1, "front": 0.1})
    if rng.random() < 0.15:
        spec.update(spots=1.0, pattern_colour=coats[int(rng.integers(len(coats)))])
    elif rng.random() < 0.1:
        spec.update(stripes=1.0, pattern_colour=coats[int(rng.integers(len(coats)))])
    return spec


def class_names(n_species: int = 0) -> list[str]:
    """The classes of the task with ``n_species`` procedural species: ``CLASS_NAMES`` + ``species 000`` ..."""
    return CLASS_NAMES + [f"species {i:03d}" for i in range(int(n_species))]


def source_class(index: int, n_species: int = 0) -> int:
    """The class of picture ``index`` (the same in every split): ``index % (52 + n_species)``."""
    return int(index) % (len(CLASS_NAMES) + int(n_species))


def _colour(rng):
    h, s, v = rng.uniform(0, 1), rng.uniform(0.15, 0.95), rng.uniform(0.2, 0.98)
    i = int(h * 6) % 6
    f = h * 6 - int(h * 6)
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    r, g, b = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]
    return int(r * 255), int(g * 255), int(b * 255)


def _rot(pts, cx, cy, ang):
    c, s = math.cos(ang), math.sin(ang)
    return [(cx + c * x - s * y, cy + s * x + c * y) for x, y in pts]


# --------------------------------------------------------------------------------------
# Objects (side views standing on the ground line ``y``; ``s`` is their height in pixels)
# --------------------------------------------------------------------------------------
def _object(d, canvas, rng, kind, x, y, s):
    c = _colour(rng)
    lw = max(1, int(s / 25))
    if kind == "house":
        w = s * rng.uniform(0.8, 1.3)
        d.rectangle([x - w / 2, y - s * 0.6, x + w / 2, y], fill=c)
        d.polygon([(x - w * 0.58, y - s * 0.6), (x, y - s), (x + w * 0.58, y - s * 0.6)], fill=_colour(rng))
        d.rectangle([x - w * 0.1, y - s * 0.3, x + w * 0.1, y], fill=_shade(c, 0.5))
        for ox in (-0.3, 0.3):
            d.rectangle([x + w * ox - s * 0.08, y - s * 0.45, x + w * ox + s * 0.08, y - s * 0.3], fill=(200, 220, 240))
    elif kind == "barn":
        alpacas._barn(d, rng, x - s * 0.6, y, s * 1.2)
    elif kind == "tree":
        trunk = _jit((96, 66, 44), rng, 12)
        d.rectangle([x - s * 0.06, y - s * 0.55, x + s * 0.06, y], fill=trunk)
        leaf = _jit(_choice(rng, [(60, 120, 50), (90, 140, 60), (170, 120, 40), (190, 70, 40)]), rng, 14)
        for _ in range(6):
            r = s * rng.uniform(0.15, 0.28)
            ox, oy = rng.uniform(-0.25, 0.25) * s, rng.uniform(0.5, 0.85) * s
            d.ellipse([x + ox - r, y - oy - r, x + ox + r, y - oy + r], fill=_shade(leaf, rng.uniform(0.85, 1.1)))
    elif kind == "pine":
        trunk = _jit((90, 62, 40), rng, 10)
        d.rectangle([x - s * 0.04, y - s * 0.2, x + s * 0.04, y], fill=trunk)
        leaf = _jit((40, 90, 50), rng, 12)
        for k in range(4):
            w = s * (0.36 - 0.07 * k)
            yy = y - s * (0.15 + 0.2 * k)
            d.polygon([(x - w, yy), (x, yy - s * 0.35), (x + w, yy)], fill=_shade(leaf, 0.85 + 0.07 * k))
    elif kind == "car":
        w = s * 2.2
        d.rounded_rectangle([x - w / 2, y - s * 0.75, x + w / 2, y - s * 0.2], radius=s * 0.12, fill=c)
        d.polygon([(x - w * 0.25, y - s * 0.74), (x - w * 0.12, y - s * 1.1), (x + w * 0.2, y - s * 1.1),
                   (x + w * 0.32, y - s * 0.74)], fill=c)
        d.polygon([(x - w * 0.2, y - s * 0.76), (x - w * 0.1, y - s * 1.02), (x + w * 0.18, y - s * 1.02),
                   (x + w * 0.27, y - s * 0.76)], fill=(190, 214, 236))
        for ox in (-0.3, 0.3):
            d.ellipse([x + w * ox - s * 0.22, y - s * 0.44, x + w * ox + s * 0.22, y], fill=(28, 28, 30))
    elif kind == "bicycle":
        r = s * 0.3
        for ox in (-0.5, 0.5):
            d.ellipse([x + ox * s * 1.1 - r, y - 2 * r, x + ox * s * 1.1 + r, y], outline=(30, 30, 30), width=lw)
        a, b, h = (x - 0.55 * s, y - r), (x + 0.55 * s, y - r), (x, y - r)
        top = (x + 0.05 * s, y - s * 0.75)
        d.line([a, h, top, a], fill=c, width=lw + 1)
        d.line([h, (x + 0.4 * s, y - s * 0.78), b], fill=c, width=lw + 1)
        d.line([top, (x - 0.05 * s, y - s * 0.85)], fill=(30, 30, 30), width=lw + 1)
    elif kind == "chair":
        w = s * 0.45
        d.rectangle([x - w, y - s * 0.5, x + w, y - s * 0.42], fill=c)
        for ox in (-w, w - s * 0.06):
            d.rectangle([x + ox, y - s * 0.5, x + ox + s * 0.06, y], fill=_shade(c, 0.8))
        d.rectangle([x - w, y - s, x - w + s * 0.07, y - s * 0.45], fill=_shade(c, 0.8))
        for k in range(3):
            d.rectangle([x - w, y - s * (0.95 - 0.15 * k), x + w * 0.2, y - s * (0.9 - 0.15 * k)], fill=c)
    elif kind == "umbrella":
        r = s * 0.6
        d.pieslice([x - r, y - s - r * 0.6, x + r, y - s + r * 0.6], 180, 360, fill=c)
        d.line([(x, y - s), (x, y - s * 0.1)], fill=(40, 40, 40), width=lw)
        d.arc([x, y - s * 0.25, x + s * 0.15, y - s * 0.02], 0, 180, fill=(40, 40, 40), width=lw)
    elif kind == "mug":
        w = s * 0.6
        d.rectangle([x - w / 2, y - s, x + w / 2, y], fill=c)
        d.ellipse([x + w * 0.3, y - s * 0.8, x + w * 0.9, y - s * 0.25], outline=c, width=max(2, int(s / 10)))
        d.ellipse([x - w / 2, y - s * 1.07, x + w / 2, y - s * 0.93], fill=_shade(c, 0.6))
    elif kind == "bottle":
        w = s * 0.3
        d.rounded_rectangle([x - w, y - s * 0.65, x + w, y], radius=w * 0.4, fill=c)
        d.rectangle([x - w * 0.35, y - s, x + w * 0.35, y - s * 0.6], fill=c)
        d.rectangle([x - w * 0.4, y - s * 1.05, x + w * 0.4, y - s * 0.95], fill=_colour(rng))
        d.rectangle([x - w, y - s * 0.45, x + w, y - s * 0.25], fill=(236, 232, 220))
    elif kind == "flower":
        d.line([(x, y), (x, y - s * 0.6)], fill=(50, 120, 50), width=lw + 1)
        d.ellipse([x, y - s * 0.4, x + s * 0.2, y - s * 0.3], fill=(60, 130, 60))
        r, n = s * 0.14, int(rng.integers(5, 9))
        for k in range(n):
            t = 2 * math.pi * k / n
            px, py = x + math.cos(t) * r * 1.4, y - s * 0.75 + math.sin(t) * r * 1.4
            d.ellipse([px - r, py - r, px + r, py + r], fill=c)
        d.ellipse([x - r, y - s * 0.75 - r, x + r, y - s * 0.75 + r], fill=_jit((230, 200, 40), rng, 15))
    elif kind == "mushroom":
        d.rectangle([x - s * 0.12, y - s * 0.55, x + s * 0.12, y], fill=(236, 228, 210))
        cap = _choice(rng, [(200, 40, 40), (170, 110, 60), (230, 200, 150)])
        d.pieslice([x - s * 0.5, y - s * 0.95, x + s * 0.5, y - s * 0.25], 180, 360, fill=_jit(cap, rng, 12))
        for _ in range(4):
            px, py, r = x + rng.uniform(-0.3, 0.3) * s, y - s * rng.uniform(0.66, 0.85), s * 0.05
            d.ellipse([px - r, py - r, px + r, py + r], fill=(245, 245, 240))
    elif kind == "boat":
        w = s * 1.2
        d.polygon([(x - w / 2, y - s * 0.3), (x + w / 2, y - s * 0.3), (x + w * 0.35, y), (x - w * 0.35, y)], fill=c)
        d.line([(x, y - s * 0.3), (x, y - s * 1.1)], fill=(60, 50, 40), width=lw)
        d.polygon([(x + s * 0.03, y - s * 1.05), (x + s * 0.5, y - s * 0.38), (x + s * 0.03, y - s * 0.38)],
                  fill=_jit((240, 238, 230), rng, 8))
    elif kind == "balloon":
        r = s * 0.38
        d.ellipse([x - r, y - s - r * 0.2, x + r, y - s + r * 1.5], fill=c)
        d.line([(x - r * 0.4, y - s + r * 1.4), (x - r * 0.2, y - s * 0.2)], fill=(60, 50, 40), width=1)
        d.line([(x + r * 0.4, y - s + r * 1.4), (x + r * 0.2, y - s * 0.2)], fill=(60, 50, 40), width=1)
        d.rectangle([x - r * 0.25, y - s * 0.2, x + r * 0.25, y - s * 0.02], fill=(120, 84, 50))
    elif kind == "hay bale":
        col = _jit(_choice(rng, [(214, 186, 120), (200, 170, 100), (226, 204, 150)]), rng, 10)
        if rng.random() < 0.5:
            w = s * 1.6
            d.rectangle([x - w / 2, y - s, x + w / 2, y], fill=col)
            for k in range(1, 4):
                d.line([(x - w / 2, y - s * k / 4), (x + w / 2, y - s * k / 4)], fill=_shade(col, 0.85), width=lw)
        else:
            r = s / 2
            d.rectangle([x - r * 1.3, y - s, x + r * 0.5, y], fill=_shade(col, 0.92))
            d.ellipse([x, y - s, x + r, y], fill=col)
            for k in range(1, 4):
                q = r * k / 4
                d.ellipse([x + r / 2 - q / 2, y - r - q, x + r / 2 + q / 2, y - r + q], outline=_shade(col, 0.8), width=lw)
    elif kind == "tent":
        w = s * 1.4
        d.polygon([(x - w / 2, y), (x, y - s), (x + w / 2, y)], fill=c)
        d.polygon([(x - w * 0.12, y), (x, y - s * 0.6), (x + w * 0.12, y)], fill=_shade(c, 0.45))


# --------------------------------------------------------------------------------------
# Shapes and textures
# --------------------------------------------------------------------------------------
def _shape_pts(kind, r, rng):
    if kind in ("circle", "ring"):
        t = np.linspace(0, 2 * np.pi, 28, endpoint=False)
        return list(zip(r * np.cos(t), r * np.sin(t)))
    if kind == "square":
        return [(-r, -r), (r, -r), (r, r), (-r, r)]
    if kind == "triangle":
        return [(r * math.cos(a), r * math.sin(a)) for a in (-math.pi / 2, math.pi / 6, 5 * math.pi / 6)]
    if kind == "hexagon":
        return [(r * math.cos(a), r * math.sin(a)) for a in np.arange(6) * math.pi / 3]
    if kind == "star":
        k = int(rng.integers(5, 7))
        return [((r if i % 2 == 0 else r * 0.45) * math.cos(math.pi * i / k - math.pi / 2),
                 (r if i % 2 == 0 else r * 0.45) * math.sin(math.pi * i / k - math.pi / 2)) for i in range(2 * k)]
    if kind == "cross":
        a = r * 0.33
        return [(-a, -r), (a, -r), (a, -a), (r, -a), (r, a), (a, a), (a, r), (-a, r), (-a, a), (-r, a), (-r, -a), (-a, -a)]
    if kind == "arrow":
        return [(-r, -r * 0.25), (r * 0.2, -r * 0.25), (r * 0.2, -r * 0.6), (r, 0), (r * 0.2, r * 0.6), (r * 0.2, r * 0.25),
                (-r, r * 0.25)]
    if kind == "heart":
        t = np.linspace(0, 2 * np.pi, 32, endpoint=False)
        x = 16 * np.sin(t) ** 3
        y = -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
        return list(zip(x * r / 17, y * r / 17))
    raise ValueError(kind)


def _background(rng, W, H):
    r = rng.random()
    if r < 0.3:
        return Image.new("RGB", (W, H), _colour(rng))
    if r < 0.6:
        return Image.fromarray(alpacas._gradient(W, H, _colour(rng), _colour(rng)).astype(np.uint8))
    if r < 0.8:
        return _texture(rng, _choice(rng, TEXTURES), W, H, muted=True)
    return alpacas.draw_scene(rng, W, H)[0].convert("RGB")


def _draw_shapes(rng, kind, W, H):
    img = _background(rng, W, H)
    d = ImageDraw.Draw(img)
    for _ in range(int(rng.choice([1, 1, 2, 3, 4]))):
        r = min(W, H) * rng.uniform(0.12, 0.4)
        cx, cy, ang = rng.uniform(0.15, 0.85) * W, rng.uniform(0.15, 0.85) * H, rng.uniform(0, 2 * np.pi)
        c = _colour(rng)
        if kind == "crescent":
            d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=c)
            off = r * rng.uniform(0.35, 0.6)
            bg = img.getpixel((int(np.clip(cx + 1.2 * r, 0, W - 1)), int(np.clip(cy, 0, H - 1))))
            ox, oy = off * math.cos(ang), off * math.sin(ang)
            d.ellipse([cx + ox - r * 0.85, cy + oy - r * 0.85, cx + ox + r * 0.85, cy + oy + r * 0.85], fill=bg)
            continue
        pts = _rot(_shape_pts(kind, r, rng), cx, cy, ang)
        d.polygon(pts, fill=c)
        if kind == "ring":
            inner = _rot(_shape_pts("circle", r * rng.uniform(0.45, 0.65), rng), cx, cy, 0)
            bg = img.getpixel((int(np.clip(cx + 1.1 * r, 0, W - 1)), int(np.clip(cy, 0, H - 1))))
            d.polygon(inner, fill=bg)
    return img


def _texture(rng, kind, W, H, muted=False):
    c1, c2 = _colour(rng), _colour(rng)
    if muted:
        c2 = _mix(c1, c2, 0.35)
    img = Image.new("RGB", (W, H), c1)
    d = ImageDraw.Draw(img)
    p = min(W, H) * rng.uniform(0.05, 0.18)
    if kind == "stripes":
        ang = rng.uniform(0, np.pi)
        for k in np.arange(-2 * max(W, H), 2 * max(W, H), 2 * p):
            pts = _rot([(k, -2 * max(W, H)), (k + p, -2 * max(W, H)), (k + p, 2 * max(W, H)), (k, 2 * max(W, H))], W / 2, H / 2, ang)
            d.polygon(pts, fill=c2)
    elif kind == "checks":
        for i in range(int(W / p) + 1):
            for j in range(int(H / p) + 1):
                if (i + j) % 2:
                    d.rectangle([i * p, j * p, (i + 1) * p, (j + 1) * p], fill=c2)
    elif kind == "dots":
        r = p * rng.uniform(0.2, 0.4)
        for i in range(int(W / p) + 1):
            for j in range(int(H / p) + 1):
                x, y = i * p + (p / 2 if j % 2 else 0), j * p
                d.ellipse([x - r, y - r, x + r, y + r], fill=c2)
    elif kind == "waves":
        xs = np.arange(0, W + 4, 4)
        for k in np.arange(-p, H + p, p):
            ys = k + p * 0.35 * np.sin(xs / p * rng.uniform(0.8, 1.6))
            d.line(list(zip(xs, ys)), fill=c2, width=max(2, int(p / 3)))
    elif kind == "wool":
        base = _jit(_choice(rng, alpacas._SHEEP_COATS + [c1]), rng, 10)
        img.paste(base, [0, 0, W, H])
        pen = _Pen(d, 0, 0, 1, 1)
        r = p * 0.45
        for _ in range(int(W * H / (r * r) * 0.8)):
            x, y = rng.uniform(0, W), -rng.uniform(0, H)
            pen.circle(x, y, r * rng.uniform(0.6, 1.2), _shade(base, rng.uniform(0.8, 1.12)))
    elif kind == "bricks":
        bw, bh = p * 2, p
        mortar = max(1, int(p / 8))
        img.paste(_mix(c1, (220, 220, 220), 0.5), [0, 0, W, H])
        for j in range(int(H / bh) + 1):
            off = bw / 2 if j % 2 else 0
            for i in range(-1, int(W / bw) + 1):
                d.rectangle([i * bw + off + mortar, j * bh + mortar, (i + 1) * bw + off - mortar, (j + 1) * bh - mortar],
                            fill=_shade(c1, rng.uniform(0.85, 1.1)))
    elif kind == "wood":
        base = _jit(_choice(rng, [(170, 120, 70), (140, 96, 60), (200, 160, 110)]), rng, 10)
        img.paste(base, [0, 0, W, H])
        ys = np.arange(0, W + 4, 4)
        for k in np.arange(0, H, p / 3):
            xs = k + p * 0.2 * np.sin(ys / (p * 2) + rng.uniform(0, 6))
            d.line(list(zip(ys, xs)), fill=_shade(base, rng.uniform(0.7, 0.9)), width=max(1, int(p / 10)))
    elif kind == "zigzag":
        for k in np.arange(-p, H + p, p):
            pts = [(x, k + (p * 0.4 if (x / p) % 2 else 0)) for x in np.arange(0, W + p, p)]
            d.line(pts, fill=c2, width=max(2, int(p / 3)))
    elif kind == "scales":
        r = p * 0.7
        for j in range(int(H / (r * 0.6)) + 2):
            for i in range(int(W / r) + 2):
                x, y = i * r + (r / 2 if j % 2 else 0), j * r * 0.6
                d.ellipse([x - r / 2, y - r / 2, x + r / 2, y + r / 2], fill=_shade(c2, rng.uniform(0.85, 1.1)),
                          outline=c1, width=max(1, int(r / 10)))
    elif kind == "blotches":
        for _ in range(int(W * H / (p * p) * 0.6)):
            x, y, r = rng.uniform(0, W), rng.uniform(0, H), p * rng.uniform(0.3, 1.0)
            d.ellipse([x - r, y - r * rng.uniform(0.5, 1), x + r, y + r], fill=_mix(c1, c2, rng.uniform(0.4, 1)))
    if rng.random() < 0.5 and not muted:  # not always flat and axis-aligned
        img = img.rotate(float(rng.uniform(-30, 30)), resample=Image.BILINEAR, expand=False,
                         fillcolor=c1).resize((W, H))
    return img


# --------------------------------------------------------------------------------------
# Pictures
# --------------------------------------------------------------------------------------
def _render(rng, name, W, H):
    if name in TEXTURES:
        return _texture(rng, name, W, H)
    if name in SHAPES:
        return _draw_shapes(rng, name, W, H)
    canvas, horizon, _, fence = alpacas.draw_scene(rng, W, H)
    if name in OBJECTS:
        d = ImageDraw.Draw(canvas)
        items = []
        for _ in range(int(rng.choice([1, 1, 1, 2, 3]))):
            t = rng.uniform(0, 1)
            y = horizon + (H - horizon) * (0.2 + 0.8 * t)
            s = H * rng.uniform(0.3, 0.65) * (0.7 + 0.5 * t)
            items.append((y, s, rng.uniform(0.1, 0.9) * W))
        for y, s, x in sorted(items):
            _object(d, canvas, rng, name, x, y, s)
    else:
        portrait = rng.random() < 0.15
        n = 1 if portrait else int(rng.choice([1, 2, 3], p=[0.7, 0.2, 0.1]))
        spec = (procedural_species(int(name.split()[1])) if name.startswith("species ")
                else alpacas.SPECIES.get(name) or EXTRA_SPECIES[name])
        alpacas._animals(canvas, rng, [spec] * n, horizon, portrait)
    if fence is not None:
        fence(canvas)
    return canvas.convert("RGB")


def source_picture(index: int, split: str = "train", size: int = 128, seed: int | None = None,
                   n_species: int = 0) -> np.ndarray:
    """Picture ``index`` of the source task as a ``(size, size, 3)`` uint8 array (class
    ``source_class(index, n_species)``).

    Drawn at 150-400 px with an aspect of 0.6-1.8, then resized to ``size x size`` (bilinear,
    like the notebook's loader), with the alpaca pictures' camera stage.
    """
    seed = SEEDS[split] if seed is None else seed
    rng = np.random.default_rng([int(seed), _SPLIT_CODE[split], int(index)])
    aspect = float(np.exp(rng.uniform(math.log(0.6), math.log(1.8))))
    long_side = rng.uniform(150, 400)
    W, H = (long_side, long_side / aspect) if aspect >= 1 else (long_side * aspect, long_side)
    W, H = int(max(W, 96)), int(max(H, 96))
    img = _render(rng, class_names(n_species)[source_class(index, n_species)], W, H)
    img = alpacas._camera(img, rng)
    return np.asarray(img.resize((size, size), Image.BILINEAR))


def source_batch(start: int, count: int, split: str = "train", size: int = 128,
                 n_species: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Pictures ``start .. start+count-1``: ``(X uint8 (count, size, size, 3), y int32 (count,))``."""
    X = np.stack([source_picture(k, split, size, n_species=n_species) for k in range(start, start + count)])
    y = np.array([source_class(k, n_species) for k in range(start, start + count)], dtype=np.int32)
    return X, y
