"""Synthetic portraits with identities (w4a1): many photos of many invented people.

An **identity** is a fixed set of traits drawn from its own random stream
``default_rng([seed, split, index, 0])``: face shape (width-to-height ratio, jaw width,
chin), skin tone and undertone, eye shape, size, spacing, tilt and iris colour, brows
(thickness, arch, angle, length), nose (length, width, depth), mouth width and lips, ears
(size, height, protrusion), hair (style, colour, hairline, parting, volume), facial hair,
marks (moles, freckles, a scar, cheek colour) and a glasses habit (how often the person
wears glasses, and which frame).  About one odd-numbered identity in three is a
**sibling** of the identity before it: it inherits most traits (skin, eye and hair
colour, face proportions pulled strongly towards the sibling's), so that near-duplicate
people exist and a verification threshold is really needed.  Trait distributions overlap
across people: no single trait identifies anyone.

A **photo** (``render(identity, k)``) has its own stream ``default_rng([seed, split,
index, 1 + k, kind])`` and varies what photos vary: head yaw, pitch and roll (moderate),
expression (smile, open mouth, eye openness, raised brows, gaze), the direction, strength
and colour of the light, exposure, the background (walls, gradients, blurred rooms), the
crop and scale of the head, clothing, occasional hats, glasses on or off according to the
habit, defocus blur, sensor noise and JPEG quality.  ``kind="portrait"`` draws an
enrolment photo (near-frontal, even light, plain background, good camera), the kind a
database holds; ``kind="snapshot"`` (the default) draws an everyday camera picture.

Splits (``SPLITS``): ``"train"`` (the encoder's training people), ``"eval"`` (unseen
people for the held-out measurements) and ``"database"`` (the notebook's invented
people and its camera probes).  They are different random streams, so no person of one
split appears in another.

Drawing.  Every feature is a point set on a head ellipsoid (face coordinates: head
half-width 1, x right, y down, z towards the camera), rotated by yaw, pitch and roll and
projected; the outline moves with the silhouette.  Pillow polygons are drawn on a canvas
``SUPERSAMPLE`` times the output size and box-reduced (anti-aliasing); light, colour cast,
blur and noise are applied in NumPy; the JPEG step is a real Pillow encode and decode.

Shapes: ``render`` returns a PIL RGB image ``size x size`` (96 by default, the size of
the notebook's pictures); ``photo_array`` returns ``uint8 (n, size, size, 3)``.
"""
from __future__ import annotations

import io
import math
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

__all__ = ["GENERATOR_VERSION", "SEED", "SPLITS", "IMAGE_SIZE", "SIBLING_RATE", "Identity",
           "identity", "render", "photo", "photo_array", "identity_set"]

GENERATOR_VERSION = 1
SEED = 4
SPLITS = {"train": 0, "eval": 1, "database": 2}
IMAGE_SIZE = 96
SUPERSAMPLE = 2
SIBLING_RATE = 0.35
_KINDS = {"snapshot": 0, "portrait": 1}

# ----------------------------------------------------------------------------- palettes
_SKIN = np.array([(250, 222, 200), (240, 200, 168), (226, 178, 138), (204, 148, 106), (176, 118, 80),
                  (140, 90, 58), (104, 66, 44), (74, 48, 34)], np.float64)
_HAIR = {  # name: (base RGB, weight)
    "black": ((24, 20, 20), 0.22), "dark brown": ((52, 34, 24), 0.22), "brown": ((96, 62, 38), 0.16),
    "light brown": ((146, 104, 66), 0.1), "blonde": ((214, 182, 122), 0.1), "auburn": ((150, 66, 34), 0.07),
    "grey": ((140, 136, 132), 0.07), "white": ((222, 220, 214), 0.03), "dyed": ((0, 0, 0), 0.03),
}
_DYES = [(40, 90, 190), (190, 40, 120), (60, 150, 90), (120, 60, 170), (230, 120, 40)]
_EYES = {"dark brown": ((54, 34, 22), 0.32), "brown": ((100, 62, 32), 0.2), "hazel": ((122, 100, 48), 0.12),
         "green": ((74, 118, 66), 0.1), "blue": ((70, 112, 170), 0.16), "grey": ((118, 126, 134), 0.1)}
_HAIR_STYLES = {"bald": 0.05, "buzz": 0.1, "short": 0.17, "side part": 0.13, "quiff": 0.07, "bob": 0.1,
                "long": 0.14, "curly": 0.09, "ponytail": 0.06, "bun": 0.04, "receding": 0.05}
_BEARDS = {"none": 0.6, "stubble": 0.12, "moustache": 0.08, "goatee": 0.07, "full": 0.13}
_GLASSES_HABIT = [(0.0, 0.58), (0.12, 0.14), (0.5, 0.1), (0.92, 0.18)]  # (probability worn, share)
_FRAMES = ["round", "rect", "wide", "cat"]


def _pick(rng, table: dict) -> str:
    keys = list(table)
    w = np.array([table[k] if not isinstance(table[k], tuple) else table[k][1] for k in keys], float)
    return keys[int(rng.choice(len(keys), p=w / w.sum()))]


def _ci(c, a=255):
    return (int(min(255, max(0, c[0]))), int(min(255, max(0, c[1]))), int(min(255, max(0, c[2]))), int(a))


def _mixc(c1, c2, t):
    return tuple(float(a) * (1 - t) + float(b) * t for a, b in zip(c1, c2))


def _shade(c, f):
    return tuple(float(v) * f for v in c)


# ----------------------------------------------------------------------------- identities
#: Continuous traits: name -> (low, high).  Face coordinates: head half-width = 1.
_RANGES = {
    "head_ratio": (1.2, 1.45),      # half-height / half-width of the head
    "jaw": (0.58, 0.9),             # jaw half-width at the jaw angle
    "chin": (0.22, 0.42),           # chin half-width
    "cheek": (0.92, 1.04),          # width at the cheekbones
    "skin": (0.0, 1.0),             # position along the skin palette (light -> dark)
    "undertone": (-1.0, 1.0),       # cool (pink) <-> warm (yellow)
    "eye_y": (-0.06, 0.1),
    "eye_sep": (0.33, 0.46),        # half the distance between the eye centres
    "eye_w": (0.19, 0.27),          # eye half-width... times 1 (full width about 2x)
    "eye_h": (0.32, 0.62),          # eye opening / eye width (almond <-> round)
    "eye_tilt": (-9.0, 9.0),        # degrees, outer corner up (+)
    "iris": (0.42, 0.6),            # iris radius / eye half-width
    "brow_gap": (0.1, 0.2),
    "brow_thick": (0.025, 0.075),
    "brow_arch": (-0.02, 0.07),
    "brow_angle": (-10.0, 12.0),    # degrees, outer end down (+)
    "brow_len": (0.8, 1.25),        # relative to the eye width
    "nose_len": (0.3, 0.5),         # tip below the eye line
    "nose_w": (0.12, 0.24),
    "nose_depth": (0.16, 0.34),
    "mouth_y": (0.64, 0.8),
    "mouth_w": (0.28, 0.48),        # half-width
    "lip": (0.03, 0.075),           # lip thickness
    "lip_red": (0.1, 0.6),
    "ear_size": (0.2, 0.32),
    "ear_y": (-0.02, 0.14),
    "ear_out": (0.02, 0.14),
    "hairline": (-0.72, -0.45),     # forehead edge (y)
    "hair_volume": (0.04, 0.2),
    "part": (-0.5, 0.5),            # parting position
    "fringe": (0.0, 1.0),
    "hair_len": (0.0, 1.0),
    "blush": (0.0, 0.5),
    "freckles": (0.0, 1.0),
    "face_lines": (0.0, 1.0),       # nasolabial folds
}
#: Traits a sibling shares almost exactly (colours); geometry is pulled towards the sibling.
_SIB_SHARED = ("skin", "undertone")
_SIB_PULL = 0.3


@dataclass
class Identity:
    """One invented person: ``split``, ``index``, ``traits`` (dict) and ``sibling_of`` (index or None)."""

    split: str
    index: int
    traits: dict
    sibling_of: int | None = None
    seed: int = SEED
    marks: dict = field(default_factory=dict)

    def __repr__(self):
        sib = f", sibling of {self.sibling_of}" if self.sibling_of is not None else ""
        return f"Identity({self.split!r}, {self.index}{sib})"


def _split_code(split):
    if split not in SPLITS:
        raise ValueError(f"split must be one of {sorted(SPLITS)}, not {split!r}")
    return SPLITS[split]


def _base_traits(rng) -> dict:
    t = {k: float(rng.uniform(lo, hi)) for k, (lo, hi) in _RANGES.items()}
    t["skin"] = float(rng.beta(1.3, 1.5))
    t["hair_color_name"] = _pick(rng, _HAIR)
    base = _HAIR[t["hair_color_name"]][0]
    if t["hair_color_name"] == "dyed":
        base = _DYES[int(rng.integers(len(_DYES)))]
    t["hair_rgb"] = tuple(float(np.clip(v + rng.normal(0, 10), 0, 255)) for v in base)
    t["eye_color_name"] = _pick(rng, _EYES)
    t["eye_rgb"] = tuple(float(np.clip(v + rng.normal(0, 8), 0, 255)) for v in _EYES[t["eye_color_name"]][0])
    t["hair_style"] = _pick(rng, _HAIR_STYLES)
    t["beard"] = _pick(rng, _BEARDS)
    t["beard_density"] = float(rng.uniform(0.45, 0.95))
    habit = _GLASSES_HABIT[int(rng.choice(len(_GLASSES_HABIT), p=[s for _, s in _GLASSES_HABIT]))][0]
    t["glasses_habit"] = habit
    t["frame"] = _FRAMES[int(rng.integers(len(_FRAMES)))]
    t["frame_rgb"] = tuple(float(v) for v in rng.choice([(20, 20, 24), (90, 60, 40), (150, 150, 160),
                                                           (160, 40, 40), (40, 60, 120), (200, 170, 90)]))
    t["frame_thick"] = float(rng.uniform(0.025, 0.06))
    t["lens_size"] = float(rng.uniform(0.9, 1.2))
    t["sunglasses"] = bool(rng.random() < 0.12)
    t["earrings"] = bool(rng.random() < 0.2)
    t["earring_rgb"] = (230, 200, 90) if rng.random() < 0.6 else (210, 210, 220)
    return t


def _base_marks(rng) -> dict:
    """Marks at fixed places on the face (face coordinates)."""
    n_moles = int(rng.choice(4, p=[0.45, 0.3, 0.17, 0.08]))
    moles = [(float(rng.uniform(-0.75, 0.75)), float(rng.uniform(-0.45, 1.0)), float(rng.uniform(0.022, 0.045)))
             for _ in range(n_moles)]
    scar = None
    if rng.random() < 0.12:
        x, y = float(rng.uniform(-0.7, 0.7)), float(rng.uniform(-0.5, 0.9))
        a, ln = float(rng.uniform(0, math.pi)), float(rng.uniform(0.12, 0.3))
        scar = (x, y, x + ln * math.cos(a), y + ln * math.sin(a))
    n_fr = 60
    freckles = [(float(rng.normal(0, 0.32)), float(rng.normal(0.28, 0.12))) for _ in range(n_fr)]
    return {"moles": moles, "scar": scar, "freckles": freckles}


def identity(index: int, split: str = "train", seed: int = SEED) -> Identity:
    """The identity ``index`` of ``split`` (deterministic; the same call gives the same person).

    Odd indices are, with probability ``SIBLING_RATE``, siblings of ``index - 1``.
    """
    code = _split_code(split)
    index = int(index)
    if index < 0:
        raise ValueError(f"identity index must be >= 0, got {index}")
    rng = np.random.default_rng([seed, code, index, 0])
    traits, marks = _base_traits(rng), _base_marks(rng)
    sibling_of = None
    if index % 2 == 1 and np.random.default_rng([seed, code, index, 0, 1]).random() < SIBLING_RATE:
        sibling_of = index - 1
        prng = np.random.default_rng([seed, code, index - 1, 0])
        parent = _base_traits(prng)
        srng = np.random.default_rng([seed, code, index, 0, 2])
        for k in _RANGES:
            if k in _SIB_SHARED:
                traits[k] = parent[k] + 0.1 * (traits[k] - parent[k])
            else:
                traits[k] = parent[k] + _SIB_PULL * (traits[k] - parent[k])
        for k, p in (("eye_color_name", 0.85), ("hair_color_name", 0.8), ("hair_style", 0.35),
                     ("beard", 0.3), ("frame", 0.3), ("glasses_habit", 0.4)):
            if srng.random() < p:
                traits[k] = parent[k]
                if k == "eye_color_name":
                    traits["eye_rgb"] = parent["eye_rgb"]
                if k == "hair_color_name":
                    traits["hair_rgb"] = parent["hair_rgb"]
    return Identity(split, index, traits, sibling_of, seed, marks)


def identity_set(split: str, n: int, start: int = 0, seed: int = SEED) -> list[Identity]:
    """``[identity(i, split) for i in range(start, start + n)]``."""
    return [identity(i, split, seed) for i in range(start, start + n)]


# ----------------------------------------------------------------------------- geometry
class _Camera:
    """Face coordinates -> canvas pixels for one pose."""

    def __init__(self, cx, cy, r, yaw, pitch, roll, head_ratio, depth=0.9):
        self.cx, self.cy, self.r = cx, cy, r
        self.b, self.c = head_ratio, depth
        cy_, sy_ = math.cos(yaw), math.sin(yaw)
        cp, sp = math.cos(pitch), math.sin(pitch)
        cr, sr = math.cos(roll), math.sin(roll)
        ry = np.array([[cy_, 0, sy_], [0, 1, 0], [-sy_, 0, cy_]])
        rx = np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
        rz = np.array([[cr, -sr, 0], [sr, cr, 0], [0, 0, 1]])
        self.rot = rz @ rx @ ry
        self.roll2 = np.array([[cr, -sr], [sr, cr]])
        self.wy = math.sqrt(cy_ ** 2 + (depth * sy_) ** 2)
        self.wp = math.sqrt(cp ** 2 + (depth / head_ratio * sp) ** 2)
        self.sy, self.sp = sy_, sp
        self.yaw = yaw

    def surface_z(self, x, y):
        x, y = np.asarray(x, float), np.asarray(y, float)
        return self.c * np.sqrt(np.maximum(0.06, 1.0 - 0.85 * x * x - (y / self.b) ** 2 * 0.7))

    def feat(self, x, y, dz=0.0):
        """Points on the face surface (+ ``dz`` outwards) -> ``(n, 2)`` pixel coordinates."""
        x = np.atleast_1d(np.asarray(x, float))
        y = np.atleast_1d(np.asarray(y, float))
        z = self.surface_z(x, y) + dz
        p = self.rot @ np.stack([x, y, z])
        return np.stack([self.cx + self.r * p[0], self.cy + self.r * p[1]], 1)

    def outline(self, x, y, front=None):
        """Silhouette points (head outline): width kept, the lower face follows the features."""
        x = np.atleast_1d(np.asarray(x, float))
        y = np.atleast_1d(np.asarray(y, float))
        f = np.zeros_like(x) if front is None else np.asarray(front, float)
        px = x * self.wy + f * self.c * self.sy
        py = y * self.wp + f * self.c * self.sp + np.abs(x) * 0.0
        q = self.roll2 @ np.stack([px, py])
        return np.stack([self.cx + self.r * q[0], self.cy + self.r * q[1]], 1)

    def facing(self, side):
        """How much of one side (-1 left, +1 right of the image) faces the camera (0..1)."""
        return float(np.clip(1.0 + side * math.sin(self.yaw) * 1.6, 0.15, 1.6) / 1.6)


def _poly(draw, pts, fill):
    draw.polygon([(float(a), float(b)) for a, b in pts], fill=fill)


def _line(draw, pts, fill, width):
    draw.line([(float(a), float(b)) for a, b in pts], fill=fill, width=max(1, int(round(width))), joint="curve")


def _ellipse_pts(x0, y0, rx, ry, n=16, a0=0.0, a1=2 * math.pi, tilt=0.0):
    t = np.linspace(a0, a1, n, endpoint=(a1 - a0) < 2 * math.pi - 1e-9)
    x, y = rx * np.cos(t), ry * np.sin(t)
    ct, st = math.cos(tilt), math.sin(tilt)
    return x0 + ct * x - st * y, y0 + st * x + ct * y


def _head_outline(t, n=40):
    """Frontal head outline in face coordinates: ``(x, y, front)`` arrays, clockwise from the top."""
    b, jaw, chin, cheek = t["head_ratio"], t["jaw"], t["chin"], t["cheek"]
    xs, ys, fr = [], [], []
    # cranium: upper half ellipse
    for a in np.linspace(math.pi, 2 * math.pi, n // 2, endpoint=False):
        xs.append(math.cos(a) * cheek)
        ys.append(math.sin(a) * b * 0.98)
        fr.append(0.0)
    # right side down to the chin, then the left side back up
    side = [(cheek, 0.0, 0.0), (cheek * 0.99, 0.25 * b, 0.05), (0.5 * (cheek + jaw) + 0.02, 0.5 * b, 0.2),
            (jaw, 0.7 * b, 0.4), (0.55 * (jaw + chin), 0.86 * b, 0.65), (chin, 0.97 * b, 0.85)]
    for x, y, f in side:
        xs.append(x), ys.append(y), fr.append(f)
    xs.append(0.0), ys.append(b * 1.01), fr.append(0.9)
    for x, y, f in reversed(side):
        xs.append(-x), ys.append(y), fr.append(f)
    return np.array(xs), np.array(ys), np.array(fr)


# ----------------------------------------------------------------------------- backgrounds
def _background(rng, s, kind):
    """An RGB uint8 array ``(s, s, 3)``: plain, gradient, two-tone wall, stripes or a blurred room."""
    yy, xx = np.mgrid[0:s, 0:s].astype(np.float32) / s

    def rc(lo=30, hi=230):
        return rng.uniform(lo, hi, 3)

    if kind == "portrait":
        base = np.array([rng.uniform(150, 235)] * 3) + rng.normal(0, 12, 3)
        img = base[None, None, :] * (1 - 0.12 * yy[..., None])
        return np.clip(img, 0, 255)
    style = int(rng.choice(5, p=[0.18, 0.24, 0.22, 0.12, 0.24]))
    c1, c2 = rc(), rc()
    if style == 0:
        img = np.broadcast_to(c1, (s, s, 3)).astype(np.float32).copy()
    elif style == 1:
        a = rng.uniform(0, 2 * math.pi)
        g = (math.cos(a) * (xx - 0.5) + math.sin(a) * (yy - 0.5)) + 0.5
        img = c1 * (1 - g[..., None]) + c2 * g[..., None]
    elif style == 2:
        edge = rng.uniform(0.2, 0.8)
        if rng.random() < 0.5:
            m = (xx > edge + 0.1 * (yy - 0.5) * rng.normal())[..., None]
        else:
            m = (yy > edge)[..., None]
        img = np.where(m, c2, c1).astype(np.float32)
    elif style == 3:
        period = rng.uniform(0.06, 0.2)
        ang = rng.uniform(0, math.pi)
        u = (math.cos(ang) * xx + math.sin(ang) * yy) / period
        m = ((u % 1.0) < rng.uniform(0.3, 0.7))[..., None]
        img = np.where(m, c1, c1 * 0.6 + c2 * 0.4).astype(np.float32)
    else:  # blurred room: a few soft blobs and rectangles
        im = Image.new("RGB", (s // 4, s // 4), tuple(int(v) for v in c1))
        d = ImageDraw.Draw(im)
        q = s // 4
        for _ in range(int(rng.integers(3, 8))):
            c = tuple(int(v) for v in rc(10, 250))
            x0, y0 = rng.uniform(-0.2, 1.0, 2) * q
            w, h = rng.uniform(0.1, 0.6, 2) * q
            if rng.random() < 0.5:
                d.rectangle([x0, y0, x0 + w, y0 + h], fill=c)
            else:
                d.ellipse([x0, y0, x0 + w, y0 + h], fill=c)
        im = im.filter(ImageFilter.GaussianBlur(rng.uniform(1.0, 3.0))).resize((s, s), Image.BILINEAR)
        img = np.asarray(im, np.float32)
    return np.clip(img, 0, 255)


# ----------------------------------------------------------------------------- photo conditions
def _conditions(rng, kind, t):
    """Everything that changes from photo to photo (a dict)."""
    portrait = kind == "portrait"
    deg = math.pi / 180
    c = {}
    if portrait:
        c["yaw"] = float(np.clip(rng.normal(0, 4), -8, 8)) * deg
        c["pitch"] = float(np.clip(rng.normal(0, 3), -6, 6)) * deg
        c["roll"] = float(np.clip(rng.normal(0, 3), -6, 6)) * deg
        c["scale"] = float(rng.uniform(0.235, 0.255))
        c["shift"] = (float(rng.uniform(-0.02, 0.02)), float(rng.uniform(-0.015, 0.015)))
        c["smile"] = float(rng.uniform(-0.05, 0.3))
        c["open"] = 0.0
        c["eye_open"] = float(rng.uniform(0.9, 1.05))
        c["brow_raise"] = float(rng.uniform(-0.01, 0.02))
        c["gaze"] = (float(rng.normal(0, 0.04)), float(rng.normal(0, 0.03)))
        c["light_dir"] = float(rng.uniform(0, 2 * math.pi))
        c["light"] = float(rng.uniform(0.05, 0.15))
        c["tint"] = float(rng.normal(0, 0.02))
        c["exposure"] = float(rng.uniform(0.96, 1.04))
        c["blur"] = 0.0
        c["noise"] = float(rng.uniform(0.5, 1.5))
        c["jpeg"] = int(rng.integers(88, 96))
        c["hat"] = None
        c["glasses"] = t["glasses_habit"] > 0.5
    else:
        c["yaw"] = float(np.clip(rng.normal(0, 13), -28, 28)) * deg
        c["pitch"] = float(np.clip(rng.normal(0, 6), -14, 14)) * deg
        c["roll"] = float(np.clip(rng.normal(0, 6), -15, 15)) * deg
        c["scale"] = float(rng.uniform(0.2, 0.29))
        c["shift"] = (float(rng.uniform(-0.07, 0.07)), float(rng.uniform(-0.05, 0.05)))
        c["smile"] = float(rng.uniform(-0.25, 0.6))
        c["open"] = float(max(0.0, rng.uniform(-0.6, 1.0)))
        c["eye_open"] = float(np.clip(rng.normal(0.95, 0.16), 0.3, 1.2))
        c["brow_raise"] = float(rng.uniform(-0.03, 0.06))
        c["gaze"] = (float(rng.normal(0, 0.12)), float(rng.normal(0, 0.06)))
        c["light_dir"] = float(rng.uniform(0, 2 * math.pi))
        c["light"] = float(rng.uniform(0.1, 0.5))
        c["tint"] = float(rng.normal(0, 0.08))
        c["exposure"] = float(rng.uniform(0.75, 1.2))
        c["blur"] = float(rng.choice([0.0, rng.uniform(0.3, 1.2)], p=[0.4, 0.6]))
        c["noise"] = float(rng.uniform(0.5, 7.0))
        c["jpeg"] = int(rng.integers(35, 95))
        r = rng.random()
        c["hat"] = None if r > 0.09 else ("beanie" if r < 0.05 else "cap")
        c["hat_rgb"] = tuple(float(v) for v in rng.uniform(20, 230, 3))
        c["glasses"] = bool(rng.random() < t["glasses_habit"])
    c["shirt_rgb"] = tuple(float(v) for v in rng.uniform(15, 235, 3))
    c["collar"] = int(rng.integers(3))
    c["hair_jitter"] = float(rng.normal(0, 0.02))
    return c


# ----------------------------------------------------------------------------- drawing
def _skin_rgb(t):
    pos = t["skin"] * (len(_SKIN) - 1)
    i = min(int(pos), len(_SKIN) - 2)
    c = _SKIN[i] * (1 - (pos - i)) + _SKIN[i + 1] * (pos - i)
    u = t["undertone"]
    return (c[0] + 6 * u, c[1] + 3 * u, c[2] - 10 * u + (-6 if u < 0 else 0))


def _draw_person(d, cam, t, marks, c, s):
    """Draw one person onto the canvas ``d`` (an RGBA ImageDraw); returns the head mask centre info."""
    skin = _skin_rgb(t)
    dark = _shade(skin, 0.78)
    hair = t["hair_rgb"]
    r = cam.r
    b = t["head_ratio"]
    style = t["hair_style"]
    hj = c["hair_jitter"]

    # --- clothes and neck
    neck_w = 0.5 + 0.25 * t["jaw"]
    base = cam.outline([-neck_w, neck_w], [0.6 * b, 0.6 * b])
    cx_neck = base[:, 0].mean()
    bottom = s * 1.05
    sh_y = cam.cy + r * (b + 0.45)
    shirt = c["shirt_rgb"]
    _poly(d, [(cx_neck - 2.6 * r, bottom), (cx_neck - 2.3 * r, sh_y + 0.25 * r), (cx_neck - 0.8 * r, sh_y - 0.05 * r),
              (cx_neck + 0.8 * r, sh_y - 0.05 * r), (cx_neck + 2.3 * r, sh_y + 0.25 * r), (cx_neck + 2.6 * r, bottom)],
          _ci(shirt))
    _poly(d, [base[0], base[1], (base[1][0] + 0.05 * r, sh_y + 0.1 * r), (base[0][0] - 0.05 * r, sh_y + 0.1 * r)],
          _ci(_shade(skin, 0.82)))
    if c["collar"] == 1:
        _poly(d, [(cx_neck - 0.55 * r, sh_y - 0.05 * r), (cx_neck, sh_y + 0.55 * r), (cx_neck + 0.55 * r, sh_y - 0.05 * r),
                  (cx_neck + 0.3 * r, sh_y - 0.05 * r), (cx_neck, sh_y + 0.3 * r), (cx_neck - 0.3 * r, sh_y - 0.05 * r)],
              _ci(_shade(shirt, 0.7)))
    elif c["collar"] == 2:
        d.ellipse([cx_neck - 0.5 * r, sh_y - 0.15 * r, cx_neck + 0.5 * r, sh_y + 0.2 * r], fill=_ci(_shade(skin, 0.82)))

    # --- back hair (long styles)
    if style in ("long", "curly", "bob") or (style == "ponytail" and abs(cam.yaw) > 0.25):
        ln = {"long": 0.9 + 0.7 * t["hair_len"], "curly": 0.6 + 0.4 * t["hair_len"], "bob": 0.55}.get(style, 0.5)
        vol = t["hair_volume"] + (0.18 if style == "curly" else 0.06)
        xs = np.array([-1 - vol, -1 - vol * 1.1, -0.9 - vol, 0.9 + vol, 1 + vol * 1.1, 1 + vol])
        ys = np.array([-0.2, b * 0.4 + ln * 0.5, b * 0.2 + ln, b * 0.2 + ln, b * 0.4 + ln * 0.5, -0.2])
        _poly(d, cam.outline(xs, ys), _ci(_shade(hair, 0.8)))
    if style == "bun":
        p = cam.outline([0.0], [-b * 1.12])[0]
        rr = 0.36 * r
        d.ellipse([p[0] - rr, p[1] - rr, p[0] + rr, p[1] + rr], fill=_ci(hair))

    # --- ears (behind the head outline)
    es, ey, eo = t["ear_size"], t["ear_y"], t["ear_out"]
    for side in (-1, 1):
        vis = cam.facing(-side)  # the ear on the side turned away disappears
        if vis < 0.3:
            continue
        xs, ys = _ellipse_pts(side * (t["cheek"] + eo * 0.5), ey, 0.09 + eo * 0.6, es, n=12)
        pts = cam.outline(xs, ys)
        _poly(d, pts, _ci(_shade(skin, 0.92)))
        xs, ys = _ellipse_pts(side * (t["cheek"] + eo * 0.4), ey + 0.02, 0.04 + eo * 0.3, es * 0.6, n=10)
        _poly(d, cam.outline(xs, ys), _ci(_shade(skin, 0.72)))
        if t["earrings"] and not (style in ("long", "curly")):
            p = cam.outline([side * (t["cheek"] + eo * 0.3)], [ey + es * 0.95])[0]
            rr = 0.045 * r
            d.ellipse([p[0] - rr, p[1] - rr, p[0] + rr, p[1] + rr], fill=_ci(t["earring_rgb"]))

    # --- head
    hx, hy, hf = _head_outline(t)
    head = cam.outline(hx, hy, hf)
    _poly(d, head, _ci(skin))
    # cheek / jaw shading: a darker band along the side turned away
    side = 1 if math.sin(cam.yaw) < 0 else -1
    k = abs(math.sin(cam.yaw))
    if k > 0.05:
        sel = (hy > -0.3 * b) & (np.sign(hx) == side)
        pts_out = head[sel]
        inner = cam.feat(hx[sel] * 0.8, hy[sel] * 0.95)
        if len(pts_out) > 1:
            _poly(d, np.concatenate([pts_out, inner[::-1]]), _ci(dark, 90 * k + 20))

    # --- cheeks, face lines, freckles, moles, scar
    if t["blush"] > 0.2:
        for sd in (-1, 1):
            p = cam.feat([sd * 0.52], [0.42])[0]
            rr = 0.16 * r
            d.ellipse([p[0] - rr, p[1] - rr * 0.7, p[0] + rr, p[1] + rr * 0.7], fill=_ci((200, 90, 90), 70 * t["blush"]))
    if t["face_lines"] > 0.6:
        for sd in (-1, 1):
            xs = sd * np.array([t["nose_w"] + 0.04, t["nose_w"] + 0.12, t["mouth_w"] + 0.06])
            ys = np.array([t["eye_y"] + t["nose_len"] - 0.04, t["eye_y"] + t["nose_len"] + 0.12, t["mouth_y"] + 0.02])
            _line(d, cam.feat(xs, ys), _ci(_shade(skin, 0.7), 160), r * 0.02)
    if t["freckles"] > 0.55:
        n = int(20 + 40 * (t["freckles"] - 0.55) / 0.45)
        fc = _ci(_shade(skin, 0.7), 150)
        pts = cam.feat([p[0] for p in marks["freckles"][:n]], [p[1] for p in marks["freckles"][:n]])
        rr = max(0.6, 0.014 * r)
        for px, py in pts:
            d.ellipse([px - rr, py - rr, px + rr, py + rr], fill=fc)
    for mx, my, ms in marks["moles"]:
        p = cam.feat([mx], [my])[0]
        rr = max(1.0, ms * r)
        d.ellipse([p[0] - rr, p[1] - rr, p[0] + rr, p[1] + rr], fill=_ci((60, 38, 28), 235))
    if marks["scar"] is not None:
        x0, y0, x1, y1 = marks["scar"]
        pts = cam.feat(np.linspace(x0, x1, 5), np.linspace(y0, y1, 5))
        _line(d, pts, _ci(_mixc(skin, (235, 160, 160), 0.55)), max(1.5, 0.035 * r))

    # --- eyes
    ey0, sep, ew = t["eye_y"], t["eye_sep"], t["eye_w"] * 0.55
    eh = ew * t["eye_h"] * c["eye_open"]
    tilt = t["eye_tilt"] * math.pi / 180
    for sd in (-1, 1):
        ex = sd * sep
        # almond: upper arc and lower arc
        u = np.linspace(-1, 1, 9)
        up = -eh * (1 - u ** 2) ** 0.8
        lo = eh * 0.75 * (1 - u ** 2) ** 1.1
        xs = np.concatenate([u, u[::-1]]) * ew
        ys = np.concatenate([up, lo[::-1]])
        ang = -sd * tilt
        rx = ex + xs * math.cos(ang) - ys * math.sin(ang)
        ry = ey0 + xs * math.sin(ang) + ys * math.cos(ang)
        # eye socket shadow
        sock = cam.feat(ex + 1.35 * (rx - ex), ey0 - 0.02 + 1.5 * (ry - ey0))
        _poly(d, sock, _ci(dark, 80))
        pts = cam.feat(rx, ry)
        _poly(d, pts, _ci((236, 232, 226)))
        if eh > 0.012:
            # iris clipped to the almond
            gx, gy = c["gaze"]
            ir = t["iris"] * ew
            th = np.linspace(0, 2 * math.pi, 14, endpoint=False)
            ix = ex + gx * ew + ir * np.cos(th)
            iy = ey0 + gy * ew + ir * np.sin(th)
            uu = np.clip((ix - ex) / ew, -0.999, 0.999)
            top = ey0 - eh * (1 - uu ** 2) ** 0.8
            bot = ey0 + eh * 0.75 * (1 - uu ** 2) ** 1.1
            iy = np.clip(iy, top, bot)
            inside = (np.abs(ix - ex) < ew)
            if inside.sum() >= 3:
                _poly(d, cam.feat(ix[inside], iy[inside], dz=0.01), _ci(t["eye_rgb"]))
                pr = ir * 0.45
                px, py = ex + gx * ew + pr * np.cos(th), ey0 + gy * ew + pr * np.sin(th)
                py = np.clip(py, ey0 - eh * 0.9, ey0 + eh * 0.7)
                _poly(d, cam.feat(px, py, dz=0.012), _ci((14, 10, 10)))
        # upper lid line (lashes)
        lid = cam.feat(rx[:9], ry[:9], dz=0.005)
        _line(d, lid, _ci((30, 22, 20), 230), max(1.0, r * 0.035))

    # --- brows
    hair_b = hair if t["hair_color_name"] not in ("white", "grey", "dyed") else _shade(hair, 0.75)
    if t["hair_color_name"] == "dyed":
        hair_b = (50, 36, 28)
    for sd in (-1, 1):
        ex = sd * sep
        ln = t["eye_w"] * 0.55 * t["brow_len"]
        u = np.linspace(-1, 1, 7)
        bx = ex + u * ln
        by = (ey0 - t["brow_gap"] - eh * 0.6 - c["brow_raise"] - t["brow_arch"] * (1 - u ** 2)
              + sd * u * ln * math.tan(t["brow_angle"] * math.pi / 180) * sd)
        th = t["brow_thick"] * (1.0 - 0.45 * (sd * u > 0) * np.abs(u))
        pts = np.concatenate([cam.feat(bx, by - th / 2), cam.feat(bx[::-1], (by + th / 2)[::-1])])
        _poly(d, pts, _ci(hair_b, 235))

    # --- nose
    nl, nw = t["nose_len"], t["nose_w"]
    tip_y = ey0 + nl
    light_side = 1 if math.cos(c["light_dir"]) > 0 else -1
    sh = -light_side
    ys = np.linspace(ey0 + 0.05, tip_y - 0.02, 5)
    xs = sh * (0.05 + 0.4 * nw * (ys - ey0) / nl)
    dz = t["nose_depth"] * ((ys - ey0) / nl) ** 1.5
    _line(d, cam.feat(xs, ys, dz), _ci(_shade(skin, 0.65), 150), max(1.0, 0.03 * r))
    tipc = cam.feat([0.0], [tip_y - 0.02], t["nose_depth"])[0]
    rr = nw * 0.6 * r
    d.ellipse([tipc[0] - rr, tipc[1] - rr * 0.7, tipc[0] + rr, tipc[1] + rr * 0.75], fill=_ci(_shade(skin, 1.04)))
    for sd in (-1, 1):
        p = cam.feat([sd * nw * 0.55], [tip_y + 0.04], t["nose_depth"] * 0.4)[0]
        rr = max(0.8, nw * 0.28 * r)
        d.ellipse([p[0] - rr, p[1] - rr * 0.6, p[0] + rr, p[1] + rr * 0.6], fill=_ci((60, 34, 30), 200))
    wing = cam.feat(np.linspace(-nw, nw, 7), tip_y + 0.05 + 0.04 * np.linspace(-1, 1, 7) ** 2, 0.05)
    _line(d, wing, _ci(_shade(skin, 0.7), 140), max(1.0, 0.02 * r))

    # --- mouth
    my, mw, lip = t["mouth_y"], t["mouth_w"] * (1 + 0.12 * max(0.0, c["smile"])), t["lip"]
    k = c["smile"] * 0.12
    op = c["open"] * 0.09
    u = np.linspace(-1, 1, 11)
    mid = my - k * (u ** 2) + k * 0.3
    lipc = _mixc(_shade(skin, 0.85), (170, 60, 70), t["lip_red"])
    upper_top = mid - lip * (0.8 + 0.4 * (1 - np.abs(u))) * (1 - u ** 2) ** 0.5 - op * 0.3 * (1 - u ** 2)
    lower_bot = mid + (lip * 1.3 + op) * (1 - u ** 2) ** 0.6
    _poly(d, np.concatenate([cam.feat(u * mw, upper_top), cam.feat(u[::-1] * mw, lower_bot[::-1])]), _ci(lipc))
    if op > 0.01:
        gap_top = mid - op * 0.4 * (1 - u ** 2)
        gap_bot = mid + op * 0.8 * (1 - u ** 2)
        _poly(d, np.concatenate([cam.feat(u * mw * 0.9, gap_top), cam.feat(u[::-1] * mw * 0.9, gap_bot[::-1])]),
              _ci((60, 20, 24)))
        teeth_bot = mid + op * 0.25 * (1 - u ** 2)
        _poly(d, np.concatenate([cam.feat(u * mw * 0.75, gap_top), cam.feat(u[::-1] * mw * 0.75, teeth_bot[::-1])]),
              _ci((236, 230, 216)))
    else:
        _line(d, cam.feat(u * mw, mid), _ci(_shade(lipc, 0.55)), max(1.0, 0.025 * r))

    # --- facial hair
    beard = t["beard"]
    if beard != "none":
        bc = _shade(hair, 0.85) if t["hair_color_name"] != "dyed" else (50, 40, 34)
        alpha = 255 * t["beard_density"] if beard != "stubble" else 80 + 60 * t["beard_density"]
        if beard in ("full", "stubble"):
            sel = hy > 0.4 * b
            outer = head[sel]
            ux = np.linspace(1, -1, 9)
            inner = cam.feat(ux * (mw + 0.1), my - 0.06 - 0.1 * ux ** 2)
            _poly(d, np.concatenate([outer, inner]), _ci(bc, alpha))
            # keep the lips visible
            _poly(d, np.concatenate([cam.feat(u * mw, upper_top), cam.feat(u[::-1] * mw, lower_bot[::-1])]),
                  _ci(lipc))
        if beard in ("moustache", "full"):
            ux = np.linspace(-1, 1, 9)
            top = my - lip - 0.12 + 0.02 * ux ** 2
            bot = my - lip * 0.7 + 0.03 * ux ** 2
            _poly(d, np.concatenate([cam.feat(ux * (mw + 0.04), top), cam.feat(ux[::-1] * (mw + 0.04), bot[::-1])]),
                  _ci(bc, min(255, alpha + 20)))
        if beard == "goatee":
            ux = np.linspace(-1, 1, 9)
            top = my + lip * 1.6 + 0.02
            bot = b * 0.98 + 0.0 * ux
            _poly(d, np.concatenate([cam.feat(ux * 0.28, np.full(9, top)), cam.feat(ux[::-1] * 0.22, bot - 0.08 * ux ** 2)]),
                  _ci(bc, alpha))

    # --- front hair (cap + fringe)
    if style != "bald":
        hl = t["hairline"] + hj
        vol = t["hair_volume"] + {"buzz": -0.04, "curly": 0.18, "quiff": 0.06}.get(style, 0.0)
        if style == "receding":
            hl -= 0.12
        n = 15
        a = np.linspace(math.pi, 2 * math.pi, n)
        outer_x = np.cos(a) * (t["cheek"] + vol)
        outer_y = np.sin(a) * (b * 0.98 + vol) - (0.1 if style == "quiff" else 0.0) * np.exp(-((a - 1.5 * math.pi) * 2.5) ** 2)
        side_y = {"bob": 0.55 * b, "long": 0.4 * b, "curly": 0.35 * b, "ponytail": 0.0, "bun": -0.05}.get(style, -0.22)
        # hairline from the right temple to the left temple (on the face surface)
        ux = np.linspace(1, -1, 13)
        fringe = max(0.0, t["fringe"] - 0.4) / 0.6 if style in ("short", "side part", "bob", "long", "curly") else 0.0
        line_y = hl + 0.18 * ux ** 2 + fringe * 0.28 * (1 - ux ** 2) - (0.1 if style == "receding" else 0) * (1 - ux ** 2)
        if style == "side part":
            line_y = line_y - 0.08 * np.clip(ux * np.sign(t["part"] + 1e-6), -1, 1)
        line_y = np.minimum(line_y, ey0 - t["brow_gap"] - 0.1)
        out_pts = cam.outline(np.concatenate([[-(t["cheek"] + vol * 0.8)], outer_x, [t["cheek"] + vol * 0.8]]),
                              np.concatenate([[side_y], outer_y, [side_y]]))
        temple = cam.outline([t["cheek"] * 0.97, -t["cheek"] * 0.97], [min(side_y, 0.0), min(side_y, 0.0)])
        inner = cam.feat(ux * 0.86, line_y)
        pts = np.concatenate([out_pts, temple[:1], inner, temple[1:]])
        hair_alpha = 140 if style == "buzz" else 255
        _poly(d, pts, _ci(hair, hair_alpha))
        if style in ("short", "side part", "quiff", "curly", "long", "bob"):
            # a lighter streak for volume and a parting line
            p0 = cam.feat([t["part"]], [hl - 0.05])
            p1 = cam.outline([t["part"] * 1.1], [-b * 0.9 - vol])
            _line(d, np.concatenate([p0, p1]), _ci(_shade(hair, 1.35), 110), max(1.0, 0.035 * r))
        if style == "ponytail":
            p = cam.outline([0.0], [-b * 1.0])[0]
    # --- glasses
    if c["glasses"]:
        fr = _ci(t["frame_rgb"])
        th = max(1.0, t["frame_thick"] * r)
        ls = t["lens_size"]
        centres = []
        for sd in (-1, 1):
            ex = sd * sep
            hw, hh = ew * 1.5 * ls, ew * 1.05 * ls
            if t["frame"] == "round":
                xs, ys = _ellipse_pts(ex, ey0 + 0.02, hw, hh * 1.05, n=16)
            elif t["frame"] == "wide":
                xs, ys = _ellipse_pts(ex, ey0 + 0.03, hw * 1.1, hh * 0.75, n=16)
            elif t["frame"] == "cat":
                xs, ys = _ellipse_pts(ex, ey0 + 0.02, hw, hh * 0.85, n=16)
                ys = ys - sd * 0.06 * np.clip((xs - ex) * sd / hw, 0, 1) * (ys < ey0)
            else:
                q = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], float)
                xs = ex + np.repeat(q[:, 0], 1) * hw
                ys = ey0 + 0.03 + np.repeat(q[:, 1], 1) * hh * 0.8
            pts = cam.feat(xs, ys, dz=0.08)
            if t["sunglasses"]:
                _poly(d, pts, _ci((20, 24, 30), 215))
            else:
                _poly(d, pts, _ci((200, 220, 230), 30))
            loop = np.concatenate([pts, pts[:1]])
            _line(d, loop, fr, th)
            centres.append(pts)
        bridge = cam.feat([-sep + ew * 1.4 * ls, 0.0, sep - ew * 1.4 * ls], [ey0 - 0.02, ey0 - 0.05, ey0 - 0.02], dz=0.1)
        _line(d, bridge, fr, th)
        for sd in (-1, 1):
            if cam.facing(-sd) > 0.35:
                a0 = cam.feat([sd * (sep + ew * 1.45 * ls)], [ey0], dz=0.06)[0]
                a1 = cam.outline([sd * t["cheek"] * 1.0], [t["ear_y"] - 0.02])[0]
                _line(d, [a0, a1], fr, th * 0.8)

    # --- hat
    if c["hat"] is not None:
        hc = c["hat_rgb"]
        a = np.linspace(math.pi, 2 * math.pi, 15)
        vol = t["hair_volume"] + 0.08
        xs = np.cos(a) * (t["cheek"] + vol)
        ys = np.sin(a) * (b + vol + 0.05)
        edge_y = ey0 - t["brow_gap"] - 0.2 if c["hat"] == "beanie" else t["hairline"] + 0.05
        out = cam.outline(np.concatenate([[-(t["cheek"] + vol)], xs, [t["cheek"] + vol]]),
                          np.concatenate([[edge_y + 0.05], ys, [edge_y + 0.05]]))
        ux = np.linspace(1, -1, 9)
        inner = cam.feat(ux * 0.95, np.full(9, edge_y))
        _poly(d, np.concatenate([out, inner]), _ci(hc))
        if c["hat"] == "beanie":
            _line(d, cam.feat(ux * 0.97, np.full(9, edge_y - 0.1), 0.04), _ci(_shade(hc, 0.75)), 0.12 * r)
        else:
            brim = cam.feat(np.concatenate([ux * 0.8, ux[::-1] * 0.7]),
                            np.concatenate([np.full(9, edge_y), np.full(9, edge_y + 0.12)]), dz=0.25)
            _poly(d, brim, _ci(_shade(hc, 0.8)))


def _lighting(img, cam, t, c, size):
    """Directional light on the head, colour cast and exposure, in NumPy on ``(size, size, 3)`` floats."""
    f = size / (cam.cx * 0 + 1)  # noqa: F841 (kept simple: coordinates are already scaled)
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    sc = size / (SUPERSAMPLE * size)
    cx, cy, r = cam.cx * sc, cam.cy * sc, cam.r * sc
    b = t["head_ratio"]
    nx = (xx - cx) / (r * 1.1)
    ny = (yy - cy) / (r * b * 1.1)
    rho = nx * nx + ny * ny
    nz = np.sqrt(np.clip(1.0 - rho, 0.0, 1.0))
    L = np.array([math.cos(c["light_dir"]), math.sin(c["light_dir"]) * 0.6, 0.75])
    L /= np.linalg.norm(L)
    lam = np.clip(nx * L[0] + ny * L[1] + nz * L[2], 0.0, 1.0)
    mask = np.clip((1.15 - rho) * 3, 0, 1)
    k = c["light"]
    head_shade = (1 - k) + k * 1.35 * lam
    bg_shade = 1 + k * 0.35 * ((xx / size - 0.5) * L[0] + (yy / size - 0.5) * L[1])
    shade = mask * head_shade + (1 - mask) * bg_shade
    tint = np.array([1 + c["tint"], 1.0, 1 - c["tint"]], np.float32) * c["exposure"]
    return img * shade[..., None] * tint


def render(ident: Identity, k: int, size: int = IMAGE_SIZE, kind: str = "snapshot", jpeg: bool = True):
    """Photo ``k`` of ``ident``: a PIL RGB image ``size x size``.

    With ``jpeg=True`` the returned picture has been through a real JPEG encode and decode
    at the photo's quality; with ``jpeg=False`` the function returns ``(image, quality)``
    so that a caller can write the file itself with exactly that quality.
    """
    if kind not in _KINDS:
        raise ValueError(f"kind must be 'snapshot' or 'portrait', not {kind!r}")
    rng = np.random.default_rng([ident.seed, _split_code(ident.split), ident.index, 1 + int(k), _KINDS[kind]])
    t = ident.traits
    c = _conditions(rng, kind, t)
    s = size * SUPERSAMPLE
    bg = _background(rng, s, kind)
    canvas = Image.fromarray(bg.astype(np.uint8), "RGB")
    d = ImageDraw.Draw(canvas, "RGBA")
    cam = _Camera(s * (0.5 + c["shift"][0]), s * (0.47 + c["shift"][1]), s * c["scale"], c["yaw"], c["pitch"],
                  c["roll"], t["head_ratio"])
    _draw_person(d, cam, t, ident.marks, c, s)
    small = canvas.resize((size, size), Image.BOX)
    if c["blur"] > 0:
        small = small.filter(ImageFilter.GaussianBlur(c["blur"]))
    img = _lighting(np.asarray(small, np.float32), cam, t, c, size)
    img = img + rng.normal(0, c["noise"], img.shape)
    out = Image.fromarray(np.clip(np.rint(img), 0, 255).astype(np.uint8), "RGB")
    if not jpeg:
        return out, c["jpeg"]
    buf = io.BytesIO()
    out.save(buf, format="JPEG", quality=c["jpeg"])
    buf.seek(0)
    return Image.open(buf).convert("RGB")


def photo(index: int, k: int, split: str = "train", size: int = IMAGE_SIZE, kind: str = "snapshot",
          seed: int = SEED) -> Image.Image:
    """Photo ``k`` of identity ``index`` of ``split`` (a PIL RGB image)."""
    return render(identity(index, split, seed), k, size=size, kind=kind)


def photo_array(split: str, identities, per_identity: int, size: int = IMAGE_SIZE, kind: str = "snapshot",
                first_photo: int = 0, seed: int = SEED):
    """Photos of several people: ``(X uint8 (n * per_identity, size, size, 3), y int64 (n * per_identity,))``.

    ``identities`` is an int (the first n people of the split) or a sequence of indices;
    ``y`` holds the identity index of each photo (photos of one person are consecutive,
    photos ``first_photo .. first_photo + per_identity - 1``).
    """
    if isinstance(identities, (int, np.integer)):
        identities = range(int(identities))
    ids = [int(i) for i in identities]
    X = np.empty((len(ids) * per_identity, size, size, 3), np.uint8)
    y = np.empty(len(ids) * per_identity, np.int64)
    n = 0
    for i in ids:
        ident = identity(i, split, seed)
        for k in range(first_photo, first_photo + per_identity):
            X[n] = np.asarray(render(ident, k, size=size, kind=kind))
            y[n] = i
            n += 1
    return X, y
