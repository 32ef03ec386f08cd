"""Synthetic farm pictures for the transfer-learning assignment (w2a2): alpaca / not alpaca.

Every picture is drawn with Pillow from its own random stream
``np.random.default_rng([seed, split_code, index])``: picture ``k`` is the same whether 10 or
10 000 pictures are drawn, so a subset is a prefix of the full set.

**What is drawn.** An outdoor scene (pasture, dry field, snow, road or sand; sky, hills or
mountains, trees, a barn, a fence in front of or behind the animals) with 0-3 animals standing
on the ground, small when far away and large when close, sometimes cut off by the border or
seen as a head-and-neck portrait.  Animals come from one parametric side-view quadruped
(torso, four legs, neck, head with snout, ears, tail, optional humps, horns, antlers, mane),
with the species fixing the ranges of its proportions and its coat:

- **alpaca** (the positive class): fluffy round body, long upright fluffy neck, small head
  with a woolly top-knot, long upright banana ears, short tuft of a tail; coats white,
  cream, fawn, brown, black, grey or patchy; standing, walking, lying, grazing or looking
  at the camera.
- **hard negatives**: sheep (fluffy body, short neck), goats (horns, beard), horses (long
  neck, mane, long tail, some cream coats), dogs (some fluffy), camels (long neck, humps,
  alpaca colours), deer (upright neck, large ears, antlers); empty scenes; alpaca-coloured
  objects (hay bales, fluffy bushes, wool heaps, sacks).

Colours, scenes, sizes and crops are drawn independently of the label, so only the animal's
shape tells the classes apart.  A camera stage adds exposure changes, blur and sensor noise,
and the files are JPEGs of different sizes (about 200-600 px a side, aspect 0.6-1.8).

The folder the notebook reads (``generate_alpaca_folder``)::

    <datasets>/synthetic/alpaca/alpaca/alpaca_0003.jpg       label 0 (class names sort alphabetically)
    <datasets>/synthetic/alpaca/not alpaca/other_0000.jpg    label 1

``species_of(index)`` tells what a picture shows, ``AMBIGUOUS`` lists the kinds of pictures a
person might hesitate over.  The drawing primitives (``draw_quadruped``, ``draw_scene``,
``SPECIES``) are shared with the source task of the base network (``cnnkit.objects``), which
has no alpacas.
"""
from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

__all__ = ["GENERATOR_VERSION", "SEED", "N_IMAGES", "CLASS_NAMES", "SPECIES", "NEGATIVE_KINDS",
           "AMBIGUOUS", "picture_plan", "species_of", "render_picture", "draw_scene", "draw_quadruped",
           "sample_animal", "generate_alpaca_folder", "expected_files", "synthetic_alpaca_dir", "folder_counts"]

#: Bump when a change to the drawing code changes any pixel.
GENERATOR_VERSION = "1.0.0"
#: Seed of the shipped folder.
SEED = 2202
#: Pictures in the shipped folder (as many as in the original course's folder).
N_IMAGES = 327
CLASS_NAMES = ["alpaca", "not alpaca"]
_SPLIT_CODE = {"alpaca": 0, "plan": 1}

#: What the "not alpaca" pictures show, with their share of the negatives.
NEGATIVE_KINDS = {"sheep": 0.17, "camel": 0.13, "goat": 0.11, "horse": 0.11, "deer": 0.10, "dog": 0.10,
                  "mixed": 0.08, "empty": 0.09, "objects": 0.11}
#: Pictures that a person might hesitate over (they keep their label; nothing is mislabelled).
AMBIGUOUS = ("a lying alpaca seen from the side looks much like a lying sheep; only the neck and ears differ",
             "a cream camel portrait (head and neck only) is close to an alpaca portrait; camels have tiny ears",
             "an alpaca far away or cut off by the border may show only its body and neck",
             "fluffy cream bushes and wool heaps have the alpaca's texture and colour but no animal shape")

# --------------------------------------------------------------------------------------
# Colours
# --------------------------------------------------------------------------------------
_ALPACA_COATS = [(246, 243, 236), (238, 226, 198), (224, 200, 160), (204, 168, 118), (172, 124, 78),
                 (128, 84, 52), (86, 58, 40), (42, 37, 34), (168, 162, 156), (148, 122, 116)]
_SHEEP_COATS = [(242, 238, 226), (232, 222, 196), (214, 205, 186), (170, 162, 150), (118, 96, 78),
                (48, 44, 42)]
_GOAT_COATS = [(240, 236, 228), (224, 204, 170), (176, 126, 80), (120, 80, 50), (52, 46, 42),
               (150, 146, 140)]
_HORSE_COATS = [(120, 72, 40), (150, 90, 50), (70, 44, 30), (36, 32, 30), (236, 232, 222), (160, 158, 156),
                (222, 190, 130), (200, 160, 100)]
_DOG_COATS = [(232, 206, 160), (214, 170, 96), (150, 96, 54), (90, 60, 40), (40, 36, 34), (240, 236, 228),
              (190, 150, 110)]
_CAMEL_COATS = [(214, 180, 128), (198, 160, 108), (226, 202, 158), (170, 128, 84), (132, 96, 62),
                (236, 220, 186)]
_DEER_COATS = [(176, 122, 74), (150, 100, 60), (196, 148, 98), (124, 90, 64), (160, 136, 110)]


def _jit(c, rng, sd=10.0):
    return tuple(int(np.clip(v + rng.normal(0, sd), 0, 255)) for v in c[:3])


def _shade(c, f):
    return tuple(int(np.clip(v * f, 0, 255)) for v in c[:3])


def _mix(c1, c2, t):
    return tuple(int(round(a + (b - a) * t)) for a, b in zip(c1[:3], c2[:3]))


def _u(rng, lo_hi):
    lo, hi = lo_hi
    return float(rng.uniform(lo, hi))


# --------------------------------------------------------------------------------------
# A pen that draws in an animal's own coordinates (x forward, y up, unit = torso length)
# --------------------------------------------------------------------------------------
class _Pen:
    """Maps local animal coordinates to a layer: ``X = x0 + facing*L*x - ox``, ``Y = yg - L*y - oy``."""

    def __init__(self, draw, x0, yg, L, facing, ox=0, oy=0):
        self.d, self.x0, self.yg, self.L, self.f, self.ox, self.oy = draw, x0, yg, L, facing, ox, oy

    def pt(self, x, y):
        return (self.x0 + self.f * self.L * x - self.ox, self.yg - self.L * y - self.oy)

    def poly(self, pts, fill):
        if len(pts) >= 3:
            self.d.polygon([self.pt(x, y) for x, y in pts], fill=fill)

    def ellipse(self, cx, cy, rx, ry, fill, ang=0.0, n=22):
        self.poly(_ellipse_pts(cx, cy, rx, ry, ang, n), fill)

    def circle(self, cx, cy, r, fill):
        X, Y = self.pt(cx, cy)
        R = max(0.5, r * self.L)
        self.d.ellipse([X - R, Y - R, X + R, Y + R], fill=fill)

    def line(self, pts, fill, width):
        self.d.line([self.pt(x, y) for x, y in pts], fill=fill, width=max(1, int(round(width * self.L))))

    def tube(self, pts, widths, fill):
        """A limb through ``pts`` whose width goes linearly through ``widths`` (round joints)."""
        pts = [np.asarray(p, float) for p in pts]
        ws = np.interp(np.linspace(0, 1, len(pts)), np.linspace(0, 1, len(widths)), widths)
        for a, b, wa, wb in zip(pts[:-1], pts[1:], ws[:-1], ws[1:]):
            d = b - a
            n = np.array([-d[1], d[0]]) / (np.hypot(*d) + 1e-9)
            self.poly([a + n * wa / 2, b + n * wb / 2, b - n * wb / 2, a - n * wa / 2], fill)
        for p, w in zip(pts, ws):
            self.circle(p[0], p[1], w / 2, fill)


def _ellipse_pts(cx, cy, rx, ry, ang=0.0, n=22):
    t = np.linspace(0, 2 * np.pi, n, endpoint=False)
    ca, sa = math.cos(ang), math.sin(ang)
    x, y = rx * np.cos(t), ry * np.sin(t)
    return list(zip(cx + ca * x - sa * y, cy + sa * x + ca * y))


def _tufts_in_ellipse(pen, rng, cx, cy, rx, ry, coat, amount, r_frac=0.12, ang=0.0):
    """Wool: overlapping round tufts inside and along the edge of an ellipse."""
    if amount <= 0:
        return
    r = r_frac * min(rx, ry) + 0.02 * max(rx, ry)
    n_edge = int(amount * 2 * math.pi * math.sqrt((rx * rx + ry * ry) / 2) / (1.2 * r)) + 3
    n_in = int(amount * 0.9 * rx * ry / (r * r)) + 2
    ca, sa = math.cos(ang), math.sin(ang)
    t = rng.uniform(0, 2 * np.pi, n_edge)
    rad = rng.uniform(0.82, 0.98, n_edge)
    rr = r * rng.uniform(0.7, 1.25, n_edge)
    tones = rng.uniform(0.86, 1.1, n_edge + n_in)
    for k in range(n_edge):
        x, y = rx * rad[k] * math.cos(t[k]), ry * rad[k] * math.sin(t[k])
        pen.circle(cx + ca * x - sa * y, cy + sa * x + ca * y, rr[k], _shade(coat, tones[k] * 0.96))
    q = rng.uniform(0, 2 * np.pi, n_in)
    s = np.sqrt(rng.uniform(0, 0.75, n_in))
    rr = r * rng.uniform(0.55, 1.0, n_in)
    for k in range(n_in):
        x, y = rx * s[k] * math.cos(q[k]), ry * s[k] * math.sin(q[k])
        pen.circle(cx + ca * x - sa * y, cy + sa * x + ca * y, rr[k], _shade(coat, tones[n_edge + k]))


def _tufts_along(pen, rng, a, b, width, coat, amount):
    """Wool along a segment ``a``-``b`` of the given width (a fluffy neck or upper leg)."""
    if amount <= 0:
        return
    a, b = np.asarray(a, float), np.asarray(b, float)
    length = float(np.hypot(*(b - a)))
    r = 0.24 * width
    n = int(amount * 2.5 * length / r) + 3
    d = (b - a) / (length + 1e-9)
    nrm = np.array([-d[1], d[0]])
    s = rng.uniform(0, 1, n)
    off = rng.uniform(-0.5, 0.5, n) * width
    tones = rng.uniform(0.86, 1.1, n)
    rr = r * rng.uniform(0.7, 1.2, n)
    for k in range(n):
        p = a + (b - a) * s[k] + nrm * off[k]
        pen.circle(p[0], p[1], rr[k], _shade(coat, tones[k]))


# --------------------------------------------------------------------------------------
# Species: ranges of the proportions (unit = torso length) and the coat
# --------------------------------------------------------------------------------------
#: Each species' ranges; ``sample_animal`` draws one animal from them.
SPECIES = {
    "alpaca": dict(bh=(0.58, 0.74), hl=(0.42, 0.56), legw=(0.10, 0.13), neck_len=(0.62, 0.86),
                   neck_ang=(72, 90), neck_w=(0.22, 0.3), head_len=(0.24, 0.3), head_h=(0.17, 0.21),
                   snout=(0.08, 0.11), ears=("banana",), ear_len=(0.16, 0.22), tail=("tuft",), humps=(0,),
                   horns=("none",), fluff_body=(0.85, 1.0), fluff_neck=(0.8, 1.0), fluff_leg=(0.3, 0.6),
                   topknot=(0.8, 1.0), mane=False, coats=_ALPACA_COATS, patchy=0.18, face_dark=0.12,
                   poses={"stand": 0.5, "walk": 0.2, "lie": 0.1, "graze": 0.08, "front": 0.12}),
    "sheep": dict(bh=(0.6, 0.76), hl=(0.3, 0.42), legw=(0.07, 0.09), neck_len=(0.14, 0.28),
                  neck_ang=(15, 50), neck_w=(0.26, 0.34), head_len=(0.28, 0.34), head_h=(0.18, 0.22),
                  snout=(0.1, 0.13), ears=("side", "droop"), ear_len=(0.1, 0.15), tail=("short", "tuft"),
                  humps=(0,), horns=("none", "none", "none", "ram"), fluff_body=(0.9, 1.0),
                  fluff_neck=(0.5, 0.9), fluff_leg=(0.0, 0.15), topknot=(0.0, 0.5), mane=False,
                  coats=_SHEEP_COATS, patchy=0.08, face_dark=0.45,
                  poses={"stand": 0.45, "walk": 0.15, "lie": 0.12, "graze": 0.18, "front": 0.1}),
    "goat": dict(bh=(0.44, 0.56), hl=(0.44, 0.56), legw=(0.07, 0.09), neck_len=(0.28, 0.44),
                 neck_ang=(42, 68), neck_w=(0.16, 0.2), head_len=(0.3, 0.36), head_h=(0.15, 0.18),
                 snout=(0.1, 0.14), ears=("side", "droop"), ear_len=(0.12, 0.18), tail=("up",), humps=(0,),
                 horns=("goat", "goat", "none"), fluff_body=(0.0, 0.45), fluff_neck=(0.0, 0.3),
                 fluff_leg=(0.0, 0.1), topknot=(0.0, 0.0), mane=False, coats=_GOAT_COATS, patchy=0.3,
                 face_dark=0.1, beard=0.6,
                 poses={"stand": 0.5, "walk": 0.2, "lie": 0.05, "graze": 0.13, "front": 0.12}),
    "horse": dict(bh=(0.44, 0.52), hl=(0.68, 0.84), legw=(0.09, 0.11), neck_len=(0.48, 0.64),
                  neck_ang=(42, 66), neck_w=(0.2, 0.26), head_len=(0.42, 0.52), head_h=(0.15, 0.19),
                  snout=(0.12, 0.16), ears=("point",), ear_len=(0.08, 0.12), tail=("long",), humps=(0,),
                  horns=("none",), fluff_body=(0.0, 0.0), fluff_neck=(0.0, 0.0), fluff_leg=(0.0, 0.0),
                  topknot=(0.0, 0.0), mane=True, coats=_HORSE_COATS, patchy=0.15, face_dark=0.0,
                  poses={"stand": 0.5, "walk": 0.25, "graze": 0.15, "front": 0.1}),
    "dog": dict(bh=(0.38, 0.5), hl=(0.38, 0.58), legw=(0.09, 0.12), neck_len=(0.22, 0.34),
                neck_ang=(38, 62), neck_w=(0.2, 0.26), head_len=(0.32, 0.4), head_h=(0.2, 0.25),
                snout=(0.12, 0.16), ears=("flop", "point"), ear_len=(0.12, 0.2), tail=("curl", "long_thin"),
                humps=(0,), horns=("none",), fluff_body=(0.0, 0.0, 0.6), fluff_neck=(0.0, 0.5),
                fluff_leg=(0.0, 0.3), topknot=(0.0, 0.0), mane=False, coats=_DOG_COATS, patchy=0.25,
                face_dark=0.0, poses={"stand": 0.45, "walk": 0.25, "lie": 0.15, "front": 0.15}),
    "camel": dict(bh=(0.44, 0.54), hl=(0.8, 1.0), legw=(0.08, 0.1), neck_len=(0.55, 0.75),
                  neck_ang=(55, 80), neck_w=(0.16, 0.21), head_len=(0.32, 0.4), head_h=(0.14, 0.17),
                  snout=(0.12, 0.15), ears=("tiny",), ear_len=(0.05, 0.07), tail=("thin",), humps=(1, 2),
                  horns=("none",), fluff_body=(0.0, 0.0, 0.35), fluff_neck=(0.0, 0.3), fluff_leg=(0.0, 0.0),
                  topknot=(0.0, 0.25), mane=False, coats=_CAMEL_COATS, patchy=0.0, face_dark=0.0,
                  camel_neck=True, poses={"stand": 0.5, "walk": 0.25, "lie": 0.1, "front": 0.15}),
    "deer": dict(bh=(0.4, 0.48), hl=(0.74, 0.9), legw=(0.06, 0.08), neck_len=(0.4, 0.55),
                 neck_ang=(58, 78), neck_w=(0.15, 0.19), head_len=(0.3, 0.36), head_h=(0.14, 0.17),
                 snout=(0.1, 0.12), ears=("big",), ear_len=(0.13, 0.18), tail=("up",), humps=(0,),
                 horns=("antlers", "none"), fluff_body=(0.0, 0.0), fluff_neck=(0.0, 0.0), fluff_leg=(0.0, 0.0),
                 topknot=(0.0, 0.0), mane=False, coats=_DEER_COATS, patchy=0.0, face_dark=0.0, spots=0.25,
                 poses={"stand": 0.55, "walk": 0.2, "graze": 0.12, "front": 0.13}),
}


def _choice(rng, seq):
    return seq[int(rng.integers(len(seq)))]


def _fluff(rng, spec):
    """A fluff amount from (lo, hi) or (0, 0, x): 'smooth or fluffy to x' as two equally likely modes."""
    if len(spec) == 3:
        return 0.0 if rng.random() < 0.5 else float(rng.uniform(0.3, spec[2]))
    return _u(rng, spec)


def sample_animal(rng, species: str, pose: str | None = None) -> dict:
    """One animal's parameters (a dict) drawn from ``SPECIES[species]`` (or an extra species dict)."""
    s = SPECIES[species] if isinstance(species, str) else species
    coat = _jit(_choice(rng, s["coats"]), rng, 9)
    if pose is None:
        names = list(s["poses"])
        p = np.array([s["poses"][k] for k in names], float)
        pose = names[int(rng.choice(len(names), p=p / p.sum()))]
    a = dict(species=species if isinstance(species, str) else s.get("name", "?"), pose=pose, coat=coat,
             bh=_u(rng, s["bh"]), hl=_u(rng, s["hl"]), legw=_u(rng, s["legw"]),
             neck_len=_u(rng, s["neck_len"]), neck_ang=math.radians(_u(rng, s["neck_ang"])),
             neck_w=_u(rng, s["neck_w"]), head_len=_u(rng, s["head_len"]), head_h=_u(rng, s["head_h"]),
             snout=_u(rng, s["snout"]), ears=_choice(rng, s["ears"]), ear_len=_u(rng, s["ear_len"]),
             tail=_choice(rng, s["tail"]), humps=int(_choice(rng, s["humps"])), horns=_choice(rng, s["horns"]),
             fluff_body=_fluff(rng, s["fluff_body"]), fluff_neck=_fluff(rng, s["fluff_neck"]),
             fluff_leg=_u(rng, s["fluff_leg"]), topknot=_u(rng, s["topknot"]), mane=bool(s["mane"]),
             camel_neck=bool(s.get("camel_neck", False)), trunk=bool(s.get("trunk", False)),
             spots=rng.random() < s.get("spots", 0.0), stripes=rng.random() < s.get("stripes", 0.0),
             beard=rng.random() < s.get("beard", 0.0),
             ear_tilt=float(rng.uniform(-0.25, 0.25)), swing=float(rng.uniform(0.12, 0.3)),
             head_turn=float(rng.uniform(-0.15, 0.25)), tail_len=float(rng.uniform(0.8, 1.2)))
    a["coat2"] = None
    if rng.random() < s.get("patchy", 0.0):
        a["coat2"] = _jit(_choice(rng, s["coats"]), rng, 9)
        if sum(a["coat2"]) - sum(coat) in range(-60, 60):
            a["coat2"] = _shade(coat, 0.45) if sum(coat) > 380 else _mix(coat, (245, 240, 230), 0.75)
    if s.get("coat2_fixed") is not None:
        a["coat2"] = _jit(s["coat2_fixed"], rng, 6)
    if s.get("pattern_colour") is not None:
        a["pattern_colour"] = _jit(s["pattern_colour"], rng, 6)
    dark = rng.random() < s.get("face_dark", 0.0)
    a["face"] = _shade(coat, 0.3) if dark and sum(coat) > 300 else _shade(coat, 0.95)
    a["legs"] = a["face"] if dark else (_shade(coat, 0.55) if rng.random() < 0.25 else coat)
    a["hoof"] = _shade(coat, 0.35) if sum(coat) > 200 else (30, 28, 26)
    a["mane_colour"] = _shade(coat, 0.45) if rng.random() < 0.7 or sum(coat) < 200 else _mix(coat, (250, 248, 240), 0.6)
    a["horn_colour"] = _jit((190, 172, 140), rng, 15) if a["horns"] != "antlers" else _jit((120, 96, 70), rng, 10)
    a["eye"] = (18, 16, 15)
    if pose == "walk":
        a["swing"] *= 1.6
    if pose == "graze":
        a["neck_ang"] = math.radians(float(rng.uniform(-55, -25)))
    return a


def _bbox(a):
    """Rough extent of an animal in local units: (x_min, x_max, y_max)."""
    top = a["hl"] + a["bh"] + max(0.0, a["neck_len"] * math.sin(a["neck_ang"])) + a["head_h"] + 2.2 * a["ear_len"] + 0.3
    if a.get("trunk"):
        top += 0.1
    return -0.9, 0.9 + max(0.0, a["neck_len"] * math.cos(a["neck_ang"])) + a["head_len"] + a["snout"], top


def draw_quadruped(canvas: Image.Image, a: dict, x0: float, yg: float, L: float, facing: int, rng) -> tuple:
    """Draw animal ``a`` (``sample_animal``) on an RGBA ``canvas``, feet on the ground line ``yg``.

    ``x0`` is the torso centre (pixels), ``L`` the torso length (pixels), ``facing`` +1 (right)
    or -1 (left).  Returns the animal's pixel box ``(x_min, y_min, x_max, y_max)`` clipped to
    the canvas, or ``None`` when it lies outside.
    """
    W, H = canvas.size
    bx0, bx1, by1 = _bbox(a)
    xs = sorted([x0 + facing * L * bx0, x0 + facing * L * bx1])
    box = [int(xs[0]) - 2, int(yg - L * by1) - 2, int(xs[1]) + 3, int(yg + 0.12 * L) + 3]
    clip = [max(0, box[0]), max(0, box[1]), min(W, box[2]), min(H, box[3])]
    if clip[0] >= clip[2] or clip[1] >= clip[3]:
        return None
    w, h = box[2] - box[0], box[3] - box[1]
    layer = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    pen = _Pen(d, x0, yg, L, facing, box[0], box[1])
    details = []  # drawn after the coat pattern: eyes, noses, hooves, horns
    _draw_body(pen, a, rng, details)
    if a["coat2"] is not None or a["spots"] or a["stripes"]:
        _pattern(layer, pen, a, rng)
    for fn in details:
        fn()
    shadow = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    ImageDraw.Draw(shadow).ellipse([*pen.pt(-0.62, 0.04), *pen.pt(0.62, -0.04)] if facing > 0 else
                                   [*pen.pt(0.62, 0.04), *pen.pt(-0.62, -0.04)], fill=(0, 0, 0, 60))
    _paste(canvas, shadow, box)
    _paste(canvas, layer, box)
    return tuple(clip)


def _paste(canvas, layer, box):
    W, H = canvas.size
    clip = [max(0, box[0]), max(0, box[1]), min(W, box[2]), min(H, box[3])]
    if clip[0] >= clip[2] or clip[1] >= clip[3]:
        return
    part = layer.crop((clip[0] - box[0], clip[1] - box[1], clip[2] - box[0], clip[3] - box[1]))
    canvas.alpha_composite(part, (clip[0], clip[1]))


def _draw_body(pen, a, rng, details):
    coat, legs_c = a["coat"], a["legs"]
    far = _shade(coat, 0.78)
    bh, hl, lw = a["bh"], a["hl"], a["legw"]
    lying = a["pose"] == "lie"
    if lying:
        hl = 0.06
    yc = hl + bh / 2
    # --- far legs and the tail behind the body
    leg_x = {"back_far": -0.28, "front_far": 0.4, "back_near": -0.36, "front_near": 0.32}
    sw = a["swing"] if a["pose"] in ("walk",) else a["swing"] * 0.25
    swing = {"back_far": -sw, "front_far": sw, "back_near": sw, "front_near": -sw}

    def leg(name, colour):
        if lying:
            if name.startswith("front"):
                x = leg_x[name]
                pen.tube([(x, 0.08), (x + 0.22, 0.04)], [lw * 0.9, lw * 0.7], _shade(colour, 0.95))
            return
        x = leg_x[name]
        top, bottom = (x, hl + bh * 0.3), (x + swing[name] * hl, 0.0)
        knee = (x + swing[name] * hl * 0.4 + (0.02 if name.startswith("front") else -0.03), hl * 0.5)
        pen.tube([top, knee, bottom], [lw * 1.15, lw * 0.75, lw * 0.62], colour)
        if a["fluff_leg"] > 0:
            mid = (top[0] + (knee[0] - top[0]) * 1.4 * a["fluff_leg"], top[1] + (knee[1] - top[1]) * 1.6 * a["fluff_leg"])
            _tufts_along(pen, rng, top, mid, lw * 1.5, colour, 0.8)
        hoof = a["hoof"]
        details.append(lambda b=bottom, h=hoof: pen.tube([(b[0], b[1] + 0.05), (b[0] + 0.02, b[1] + 0.005)],
                                                        [lw * 0.62, lw * 0.7], h))

    tail = a["tail"]
    tx, ty = -0.5, yc + bh * 0.2
    if tail == "long":
        tl = hl * 0.85 * a["tail_len"]
        pen.tube([(tx, ty), (tx - 0.12, ty - tl * 0.45), (tx - 0.1, ty - tl)], [0.1, 0.08, 0.04], a["mane_colour"])
    elif tail == "thin":
        tl = hl * 0.6 * a["tail_len"]
        pen.tube([(tx + 0.02, ty), (tx - 0.05, ty - tl)], [0.035, 0.025], _shade(coat, 0.9))
        pen.ellipse(tx - 0.05, ty - tl, 0.03, 0.06, _shade(coat, 0.5))
    elif tail == "long_thin":
        pen.tube([(tx, ty), (tx - 0.18, ty + 0.1 * a["tail_len"]), (tx - 0.32, ty + 0.05)], [0.07, 0.05, 0.02], coat)
    leg("back_far", _shade(legs_c, 0.78))
    leg("front_far", _shade(legs_c, 0.78))
    # --- torso (with humps) and its wool
    pen.ellipse(0, yc, 0.5, bh / 2, coat)
    for k in range(a["humps"]):
        hx = -0.05 if a["humps"] == 1 else (-0.2 + 0.3 * k)
        pen.ellipse(hx, hl + bh * 0.9, 0.2, bh * 0.45, coat)
    if a["fluff_body"] > 0:
        _tufts_in_ellipse(pen, rng, 0, yc, 0.5, bh / 2, coat, a["fluff_body"])
    else:  # smooth coat: lighter back, darker belly
        pen.ellipse(0.02, yc - bh * 0.3, 0.4, bh * 0.16, _shade(coat, 0.9))
    if tail == "tuft":
        pen.circle(-0.52, yc + bh * 0.12, 0.07 + 0.03 * a["tail_len"], _shade(coat, 0.95))
        _tufts_in_ellipse(pen, rng, -0.53, yc + bh * 0.12, 0.08, 0.07, coat, 0.7)
    elif tail == "short":
        pen.ellipse(-0.53, yc + bh * 0.05, 0.06, 0.09, _shade(coat, 0.95))
    elif tail == "up":
        pen.poly([(-0.46, yc + bh * 0.3), (-0.6, yc + bh * 0.55), (-0.52, yc + bh * 0.18)],
                 (238, 234, 226) if a["species"] == "deer" else _shade(coat, 0.95))
    elif tail == "curl":
        t = np.linspace(0, 1, 6)
        pts = [(-0.5 - 0.18 * math.sin(math.pi * v * 0.9), yc + bh * 0.3 + 0.3 * v * a["tail_len"]) for v in t]
        pen.tube(pts, [0.08, 0.05], coat)
    elif tail == "bushy":
        pen.ellipse(-0.72, yc - 0.02, 0.26 * a["tail_len"], 0.09, coat, ang=-0.4)
        pen.ellipse(-0.92, yc - 0.12, 0.07, 0.05, (240, 236, 228))
    elif tail == "stub":
        pen.ellipse(-0.52, yc + bh * 0.2, 0.04, 0.05, _shade(coat, 0.9))
    leg("back_near", legs_c)
    leg("front_near", legs_c)
    # --- neck and head
    ang, nl, nw = a["neck_ang"], a["neck_len"], a["neck_w"]
    base = np.array([0.36, yc + bh * 0.18])
    if a["camel_neck"] and a["pose"] != "graze":
        mid = base + np.array([0.3 * nl, -0.02])
        tip = mid + nl * 0.8 * np.array([math.cos(ang), math.sin(ang)])
        path = [base, mid, tip]
        pen.tube(path, [nw * 1.3, nw, nw * 0.8], coat)
    else:
        tip = base + nl * np.array([math.cos(ang), math.sin(ang)])
        path = [base, tip]
        pen.tube(path, [nw * 1.2, nw * 0.82], coat)
    if a["fluff_neck"] > 0:
        for p, q in zip(path[:-1], path[1:]):
            _tufts_along(pen, rng, p, q, nw * 1.1, coat, a["fluff_neck"])
    if a["mane"]:
        d = tip - base
        n = np.array([-d[1], d[0]]) / (np.hypot(*d) + 1e-9)
        pen.tube([base + n * nw * 0.45 + d * 0.1, tip + n * nw * 0.35], [0.07, 0.06], a["mane_colour"])
    if a["pose"] == "front":
        _head_front(pen, a, rng, tip, details)
    else:
        _head_side(pen, a, rng, tip, details)


def _ear(pen, a, base, up, side_tilt, colour, scale=1.0):
    """One ear at ``base``; ``up`` the direction it points (radians from forward)."""
    e, t = a["ear_len"] * scale, a["ears"]
    bx, by = base
    if t == "banana":  # long, narrow, upright, slightly curved
        u = up + side_tilt
        w = e * 0.3
        d = np.array([math.cos(u), math.sin(u)])
        n = np.array([-d[1], d[0]])
        b = np.array(base)
        pen.poly([b - n * w / 2, b + d * e * 0.5 - n * w * 0.75 + n * w * 0.15, b + d * e, b + d * e * 0.55 + n * w * 0.7,
                  b + n * w / 2], colour)
    elif t == "point":
        u = up + side_tilt
        d = np.array([math.cos(u), math.sin(u)])
        n = np.array([-d[1], d[0]])
        b = np.array(base)
        pen.poly([b - n * e * 0.22, b + d * e, b + n * e * 0.22], colour)
    elif t == "big":
        u = up + side_tilt - 0.5
        pen.ellipse(bx + 0.45 * e * math.cos(u), by + 0.45 * e * math.sin(u), e * 0.55, e * 0.24, colour, ang=u)
    elif t == "side":
        u = math.pi * 0.92 + side_tilt * 0.5
        pen.ellipse(bx + 0.45 * e * math.cos(u), by + 0.45 * e * math.sin(u), e * 0.5, e * 0.18, colour, ang=u)
    elif t == "droop":
        u = -math.pi * 0.62 + side_tilt * 0.4
        pen.ellipse(bx + 0.45 * e * math.cos(u), by + 0.45 * e * math.sin(u), e * 0.55, e * 0.2, colour, ang=u)
    elif t == "flop":
        pen.ellipse(bx - 0.02, by - 0.5 * e, e * 0.22, e * 0.55, colour, ang=0.2 + side_tilt * 0.3)
    elif t == "tiny":
        pen.ellipse(bx, by + e * 0.35, e * 0.35, e * 0.5, colour)
    elif t == "round":
        pen.circle(bx, by + e * 0.3, e * 0.45, colour)
    elif t == "large_flat":  # elephant
        pen.ellipse(bx - 0.04, by - e * 0.45, e * 0.55, e * 0.75, colour)


def _horns(pen, a, base, facing_front=False, mirror=1):
    kind, c = a["horns"], a["horn_colour"]
    bx, by = base
    if kind == "goat":
        pts = [(bx, by), (bx - 0.06 * mirror, by + 0.12), (bx - 0.16 * mirror, by + 0.16)]
        pen.tube(pts, [0.05, 0.03, 0.012], c)
    elif kind == "ram":
        t = np.linspace(0, 1.6 * math.pi, 9)
        pts = [(bx - 0.06 * mirror * math.sin(v) - 0.02 * mirror * v, by + 0.06 * math.cos(v) - 0.04) for v in t]
        pen.tube(pts, [0.06, 0.035], c)
    elif kind == "cow":
        pen.tube([(bx, by), (bx + 0.08 * mirror, by + 0.05), (bx + 0.1 * mirror, by + 0.12)], [0.04, 0.025, 0.01], c)
    elif kind == "antlers":
        tip = (bx - 0.05 * mirror, by + 0.3)
        pen.tube([(bx, by), (bx - 0.02 * mirror, by + 0.15), tip], [0.028, 0.02, 0.012], c)
        for f in (0.35, 0.65, 0.9):
            px, py = bx - 0.02 * mirror * f * 2, by + 0.3 * f
            pen.tube([(px, py), (px + 0.1 * mirror, py + 0.08)], [0.018, 0.01], c)
    elif kind == "rhino":
        pen.poly([(bx - 0.04, by), (bx + 0.02, by + 0.16), (bx + 0.05, by)], c)


def _head_side(pen, a, rng, tip, details):
    coat, face = a["coat"], a["face"]
    hlen, hh, sn = a["head_len"], a["head_h"], a["snout"]
    tilt = -0.35 + a["head_turn"] if a["pose"] != "graze" else -1.1
    if a["species"] in ("horse", "giraffe", "donkey", "zebra", "cow"):
        tilt -= 0.35
    ca, sa = math.cos(tilt), math.sin(tilt)
    cx, cy = tip[0] + 0.35 * hlen * ca, tip[1] + 0.35 * hlen * sa + hh * 0.2

    def at(u, v):  # a point in the head's own frame (u forward along the head, v up)
        return cx + ca * u - sa * v, cy + sa * u + ca * v

    ear_base = at(-0.3 * hlen, 0.4 * hh)
    ear_up = math.pi / 2 + 0.25 + a["ear_tilt"]
    _ear(pen, a, (ear_base[0] - 0.03, ear_base[1]), ear_up + 0.15, 0.0, _shade(face, 0.75))
    if a["horns"] != "none" and a["horns"] != "rhino":
        _horns(pen, a, at(-0.1 * hlen, 0.45 * hh))
    pen.ellipse(cx, cy, hlen / 2, hh / 2, face, ang=tilt)
    sx, sy = at(hlen * 0.42, -hh * 0.12)
    if a.get("trunk"):
        t = np.linspace(0, 1, 6)
        pts = [at(hlen * (0.4 + 0.25 * v), -hh * (0.1 + 1.8 * v * v)) for v in t]
        pen.tube(pts, [hh * 0.45, hh * 0.22], face)
    else:
        pen.ellipse(sx, sy, sn, hh * 0.34, _shade(face, 0.97), ang=tilt)
    if a["topknot"] > 0:
        kx, ky = at(-0.05 * hlen, 0.42 * hh)
        _tufts_in_ellipse(pen, rng, kx, ky, hlen * 0.36, hh * 0.32, coat, a["topknot"], r_frac=0.3, ang=tilt)
    if a["horns"] == "rhino":
        _horns(pen, a, at(hlen * 0.35, hh * 0.25))
    _ear(pen, a, ear_base, ear_up, 0.0, face)
    if a["beard"]:
        bx, by = at(hlen * 0.25, -hh * 0.45)
        pen.poly([(bx - 0.02, by + 0.02), (bx, by - 0.1), (bx + 0.04, by + 0.02)], _shade(face, 0.8))
    eye = at(hlen * 0.02, hh * 0.12)
    nose = at(hlen * 0.42 + sn * 0.85, -hh * 0.05)
    eye_r = max(0.018, hh * 0.11)

    def fine():
        pen.circle(eye[0], eye[1], eye_r, a["eye"])
        pen.circle(eye[0] + 0.3 * eye_r, eye[1] + 0.3 * eye_r, eye_r * 0.3, (235, 235, 235))
        if not a.get("trunk"):
            pen.circle(nose[0], nose[1], max(0.012, hh * 0.07), _shade(face, 0.35))
    details.append(fine)


def _head_front(pen, a, rng, tip, details):
    """The head turned towards the camera: symmetric ears, two eyes, snout in the middle."""
    coat, face = a["coat"], a["face"]
    hw, hh = a["head_h"] * 0.62, a["head_len"] * 0.5
    cx, cy = tip[0] + 0.02, tip[1] + hh * 0.35
    for side in (-1, 1):
        base = (cx + side * hw * 0.55, cy + hh * 0.55)
        up = math.pi / 2 - side * (0.35 + a["ear_tilt"] * 0.5)
        if a["ears"] in ("side", "droop", "big"):
            up = math.pi / 2 - side * 1.2
        if a["horns"] not in ("none", "rhino"):
            _horns(pen, a, (cx + side * hw * 0.3, cy + hh * 0.6), mirror=-side)
        if a["ears"] == "side":
            e = a["ear_len"]
            pen.ellipse(cx + side * (hw + e * 0.35), cy + hh * 0.35, e * 0.5, e * 0.18, face, ang=-side * 0.2)
        elif a["ears"] == "droop":
            e = a["ear_len"]
            pen.ellipse(cx + side * (hw + e * 0.2), cy + hh * 0.1, e * 0.45, e * 0.18, face, ang=side * 0.7)
        elif a["ears"] == "flop":
            e = a["ear_len"]
            pen.ellipse(cx + side * hw * 0.9, cy + hh * 0.05, e * 0.22, e * 0.5, _shade(face, 0.85), ang=-side * 0.25)
        else:
            _ear(pen, a, base, up, 0.0, face)
    pen.ellipse(cx, cy, hw, hh, face)
    if a.get("trunk"):
        pen.tube([(cx, cy - hh * 0.3), (cx, cy - hh * 1.6)], [hw * 0.6, hw * 0.35], face)
    else:
        pen.ellipse(cx, cy - hh * 0.55, hw * 0.62, hh * 0.42, _shade(face, 0.97))
    if a["topknot"] > 0:
        _tufts_in_ellipse(pen, rng, cx, cy + hh * 0.75, hw * 0.95, hh * 0.4, coat, a["topknot"], r_frac=0.3)
    if a["beard"]:
        pen.poly([(cx - 0.03, cy - hh * 0.8), (cx, cy - hh * 0.8 - 0.1), (cx + 0.03, cy - hh * 0.8)], _shade(face, 0.8))
    er = max(0.016, hw * 0.16)

    def fine():
        for side in (-1, 1):
            pen.circle(cx + side * hw * 0.45, cy + hh * 0.1, er, a["eye"])
            pen.circle(cx + side * hw * 0.45 + 0.3 * er, cy + hh * 0.1 + 0.3 * er, er * 0.3, (235, 235, 235))
        if not a.get("trunk"):
            pen.circle(cx - hw * 0.16, cy - hh * 0.62, er * 0.7, _shade(face, 0.35))
            pen.circle(cx + hw * 0.16, cy - hh * 0.62, er * 0.7, _shade(face, 0.35))
    details.append(fine)


def _pattern(layer, pen, a, rng):
    """Patches, spots or stripes in a second colour, only where the animal already is."""
    w, h = layer.size
    pat = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    pd = ImageDraw.Draw(pat)
    p2 = _Pen(pd, pen.x0, pen.yg, pen.L, pen.f, pen.ox, pen.oy)
    if a["stripes"]:
        c = a.get("pattern_colour", (25, 25, 25))
        for x in np.arange(-0.9, 1.6, 0.09):
            p2.tube([(x, -0.1), (x + 0.12, 2.5)], [0.035, 0.035], c)
    elif a["spots"]:
        c = a.get("pattern_colour", (240, 236, 226))
        big = a["species"] == "giraffe"
        n = 60 if big else 18
        xs, ys = rng.uniform(-0.6, 1.5, n), rng.uniform(0.1, 2.6 if big else 1.3, n)
        for x, y in zip(xs, ys):
            r = rng.uniform(0.04, 0.07) if big else rng.uniform(0.012, 0.025)
            p2.ellipse(x, y, r * 1.2, r, c, ang=float(rng.uniform(0, 3)), n=7 if big else 10)
    else:
        c = a["coat2"]
        for _ in range(int(rng.integers(2, 6))):
            x, y = rng.uniform(-0.5, 1.0), rng.uniform(0.2, 1.8)
            p2.ellipse(x, y, rng.uniform(0.12, 0.35), rng.uniform(0.1, 0.25), c, ang=float(rng.uniform(0, 3)), n=12)
    alpha = np.minimum(np.asarray(layer.getchannel("A")), np.asarray(pat.getchannel("A")))
    pat.putalpha(Image.fromarray(alpha))
    layer.alpha_composite(pat)


# --------------------------------------------------------------------------------------
# Scenes
# --------------------------------------------------------------------------------------
_GROUNDS = {"pasture": [(96, 150, 60), (120, 168, 70), (78, 128, 52), (140, 170, 84)],
            "dry": [(196, 176, 110), (180, 160, 96), (206, 186, 130)],
            "snow": [(236, 240, 246), (222, 228, 236), (244, 244, 248)],
            "road": [(110, 150, 70), (150, 160, 90), (200, 190, 150)],
            "sand": [(222, 196, 146), (206, 178, 126), (232, 210, 164)]}
_SKIES = [((92, 150, 220), (176, 210, 240)), ((130, 170, 215), (210, 226, 240)), ((150, 156, 166), (206, 208, 212)),
          ((96, 110, 150), (236, 176, 130)), ((60, 120, 200), (150, 196, 236)), ((186, 190, 196), (228, 230, 232))]


def _gradient(w, h, top, bottom):
    t = np.linspace(0, 1, max(h, 1))[:, None, None]
    col = np.asarray(top, float) * (1 - t) + np.asarray(bottom, float) * t
    return np.repeat(col, w, axis=1)


def draw_scene(rng, W: int, H: int, kind: str | None = None):
    """An empty outdoor scene: returns ``(canvas, horizon, kind, fence)``.

    ``canvas`` is an RGBA image ``W x H``; ``horizon`` the y of the far edge of the ground;
    ``kind`` one of pasture, dry, snow, road, sand; ``fence`` is ``None`` or a function that
    draws a fence in front of the animals (call it after them).
    """
    if kind is None:
        kind = _choice(rng, list(_GROUNDS))
    horizon = int(H * rng.uniform(0.25, 0.6))
    sky = _SKIES[int(rng.integers(len(_SKIES)))]
    if kind == "snow" and rng.random() < 0.6:
        sky = _SKIES[2]
    arr = np.empty((H, W, 3))
    arr[:horizon] = _gradient(W, horizon, _jit(sky[0], rng, 8), _jit(sky[1], rng, 8))
    g = _jit(_choice(rng, _GROUNDS[kind]), rng, 8)
    arr[horizon:] = _gradient(W, H - horizon, _shade(g, 0.86), _shade(g, 1.08))
    canvas = Image.fromarray(arr.astype(np.uint8)).convert("RGBA")
    d = ImageDraw.Draw(canvas)
    # clouds, sun
    for _ in range(int(rng.integers(0, 4))):
        cx, cy, r = rng.uniform(0, W), rng.uniform(0, horizon * 0.7), rng.uniform(0.03, 0.08) * W
        c = _jit((246, 246, 248), rng, 5)
        for k in range(5):
            ox, oy = rng.uniform(-1.5, 1.5) * r, rng.uniform(-0.4, 0.4) * r
            d.ellipse([cx + ox - r, cy + oy - r * 0.6, cx + ox + r, cy + oy + r * 0.6], fill=c)
    # mountains or hills
    far = rng.random()
    if far < 0.4:
        n = int(rng.integers(3, 7))
        xs = np.sort(rng.uniform(-0.2, 1.2, n)) * W
        c = _jit((120, 130, 150), rng, 12)
        for x in xs:
            hgt, wid = rng.uniform(0.1, 0.3) * H, rng.uniform(0.15, 0.35) * W
            d.polygon([(x - wid, horizon + 1), (x, horizon - hgt), (x + wid, horizon + 1)], fill=c)
            if rng.random() < 0.5:
                d.polygon([(x - wid * 0.25, horizon - hgt * 0.75), (x, horizon - hgt), (x + wid * 0.25, horizon - hgt * 0.75)],
                          fill=(240, 242, 246))
    elif far < 0.8:
        c = _shade(g, rng.uniform(0.7, 0.9))
        for _ in range(int(rng.integers(1, 4))):
            x, rw, rh = rng.uniform(0, W), rng.uniform(0.3, 0.7) * W, rng.uniform(0.05, 0.15) * H
            d.ellipse([x - rw, horizon - rh, x + rw, horizon + rh], fill=c)
    # tree line, trees, barn at the horizon
    if rng.random() < 0.5:
        c = _jit((50, 86, 48), rng, 10)
        r = rng.uniform(0.02, 0.04) * W
        for x in np.arange(-r, W + r, r * 1.3):
            d.ellipse([x - r, horizon - r * rng.uniform(1.2, 2.2), x + r, horizon + 2], fill=c)
    if rng.random() < 0.35:
        _barn(d, rng, rng.uniform(0.05, 0.85) * W, horizon, rng.uniform(0.12, 0.28) * W)
    for _ in range(int(rng.integers(0, 3))):
        _tree(d, rng, rng.uniform(0, W), horizon + rng.uniform(0, 0.1) * H, rng.uniform(0.1, 0.3) * H)
    # the ground: road, grass strokes, snow drifts
    if kind == "road":
        cx = rng.uniform(0.2, 0.8) * W
        road = _jit((96, 96, 100), rng, 6)
        d.polygon([(cx - 0.03 * W, horizon), (cx + 0.03 * W, horizon), (cx + 0.6 * W, H), (cx - 0.6 * W, H)], fill=road)
        for t in np.linspace(0.05, 1, 8):
            y0, y1 = horizon + (H - horizon) * t, horizon + (H - horizon) * (t + 0.05)
            d.line([(cx, y0), (cx, y1)], fill=(236, 226, 160), width=max(1, int(3 * t * W / 300)))
    n_strokes = int(W * H / 2500)
    ys = horizon + (H - horizon) * np.sqrt(rng.uniform(0, 1, n_strokes))
    xs = rng.uniform(0, W, n_strokes)
    tone = rng.uniform(0.8, 1.15, n_strokes)
    for x, y, t in zip(xs, ys, tone):
        ln = 1 + 6 * (y - horizon) / max(1, H - horizon)
        d.line([(x, y), (x + rng.uniform(-1, 1), y - ln)], fill=_shade(g, t), width=1)
    fence = None
    r = rng.random()
    if r < 0.45:
        fy = horizon + (H - horizon) * rng.uniform(0.05, 0.35)
        _fence(d, rng, W, fy, (fy - horizon) * 0.5 + 0.04 * H)
    elif r < 0.6:
        fy = horizon + (H - horizon) * rng.uniform(0.75, 1.0)
        post = _jit((120, 86, 56), rng, 12) if rng.random() < 0.7 else _jit((236, 236, 232), rng, 4)
        seed = int(rng.integers(1 << 30))
        fence = lambda cv: _fence(ImageDraw.Draw(cv), np.random.default_rng(seed), W, fy, 0.18 * H, post)
    return canvas, horizon, kind, fence


def _fence(d, rng, W, y, height, colour=None):
    c = colour or (_jit((120, 86, 56), rng, 12) if rng.random() < 0.7 else _jit((236, 236, 232), rng, 4))
    gap = height * rng.uniform(0.9, 1.6)
    pw = max(2, int(height * 0.09))
    for x in np.arange(rng.uniform(0, gap), W + gap, gap):
        d.rectangle([x - pw, y - height, x + pw, y], fill=c)
    for f in (0.3, 0.72):
        d.rectangle([0, y - height * f - pw * 0.6, W, y - height * f + pw * 0.6], fill=_shade(c, 0.92))


def _barn(d, rng, x, y, w):
    red = _jit((160, 40, 36), rng, 14) if rng.random() < 0.7 else _jit((140, 140, 146), rng, 10)
    h = w * rng.uniform(0.55, 0.8)
    d.rectangle([x, y - h, x + w, y + 1], fill=red)
    d.polygon([(x - w * 0.05, y - h), (x + w / 2, y - h - w * 0.35), (x + w * 1.05, y - h)], fill=_shade(red, 0.7))
    d.rectangle([x + w * 0.35, y - h * 0.6, x + w * 0.65, y + 1], fill=(236, 232, 224))
    d.rectangle([x + w * 0.38, y - h * 0.56, x + w * 0.62, y + 1], fill=_shade(red, 0.8))


def _tree(d, rng, x, y, h):
    trunk = _jit((96, 66, 44), rng, 10)
    d.rectangle([x - h * 0.04, y - h * 0.5, x + h * 0.04, y], fill=trunk)
    leaf = _jit((60, 110, 50), rng, 14)
    if rng.random() < 0.5:
        for k in range(3):
            w = h * (0.35 - 0.08 * k)
            yy = y - h * (0.35 + 0.22 * k)
            d.polygon([(x - w, yy), (x, yy - h * 0.4), (x + w, yy)], fill=_shade(leaf, 0.85 + 0.08 * k))
    else:
        for k in range(4):
            r = h * rng.uniform(0.18, 0.28)
            ox, oy = rng.uniform(-0.15, 0.15) * h, rng.uniform(0.55, 0.8) * h
            d.ellipse([x + ox - r, y - oy - r, x + ox + r, y - oy + r], fill=_shade(leaf, rng.uniform(0.85, 1.1)))


# --------------------------------------------------------------------------------------
# Alpaca-coloured objects (hard negatives without an animal shape)
# --------------------------------------------------------------------------------------
def _objects(canvas, rng, horizon, n):
    W, H = canvas.size
    d = ImageDraw.Draw(canvas)
    items = []
    for _ in range(n):
        y = horizon + (H - horizon) * rng.uniform(0.2, 1.0)
        s = (y - horizon + 0.05 * H) * rng.uniform(0.5, 1.1)
        items.append((y, s, rng.uniform(-0.05, 1.05) * W, _choice(rng, ["bale", "round_bale", "bush", "wool", "sack"])))
    for y, s, x, kind in sorted(items):
        col = _jit(_choice(rng, _ALPACA_COATS[:7] + [(214, 186, 120)]), rng, 10)
        if kind == "bale":
            w, h = s * 1.2, s * 0.6
            d.rectangle([x - w / 2, y - h, x + w / 2, y], fill=col)
            for k in range(1, 4):
                d.line([(x - w / 2, y - h * k / 4), (x + w / 2, y - h * k / 4)], fill=_shade(col, 0.85), width=max(1, int(s / 40)))
        elif kind == "round_bale":
            r = s * 0.45
            d.rectangle([x - r * 1.2, y - 2 * r, x + r * 0.6, y], fill=_shade(col, 0.92))
            d.ellipse([x + r * 0.1, y - 2 * r, x + r * 1.1, y], fill=col)
            for k in range(1, 4):
                q = r * k / 4
                d.ellipse([x + r * 0.6 - q * 0.5, y - r - q, x + r * 0.6 + q * 0.5, y - r + q], outline=_shade(col, 0.8),
                          width=max(1, int(s / 60)))
        elif kind in ("bush", "wool"):
            layer = Image.new("RGBA", canvas.size, (0, 0, 0, 0))
            pen = _Pen(ImageDraw.Draw(layer), x, y, s, 1)
            rx, ry = rng.uniform(0.45, 0.8), rng.uniform(0.25, 0.45)
            pen.ellipse(0, ry, rx, ry, col)
            _tufts_in_ellipse(pen, rng, 0, ry, rx, ry, col, 1.0)
            if kind == "wool" and rng.random() < 0.5:
                pen.ellipse(rx * 0.7, ry * 0.6, rx * 0.4, ry * 0.6, col)
                _tufts_in_ellipse(pen, rng, rx * 0.7, ry * 0.6, rx * 0.4, ry * 0.6, col, 1.0)
            canvas.alpha_composite(layer)
        else:  # sack
            w, h = s * 0.5, s * 0.75
            d.polygon([(x - w / 2, y), (x - w * 0.45, y - h * 0.8), (x - w * 0.15, y - h), (x + w * 0.15, y - h),
                       (x + w * 0.45, y - h * 0.8), (x + w / 2, y)], fill=col)
            d.line([(x - w * 0.2, y - h * 0.88), (x + w * 0.2, y - h * 0.88)], fill=_shade(col, 0.6), width=max(1, int(s / 30)))


# --------------------------------------------------------------------------------------
# Camera
# --------------------------------------------------------------------------------------
def _camera(img: Image.Image, rng) -> Image.Image:
    """Exposure, colour cast, a little blur and sensor noise."""
    if rng.random() < 0.4:
        img = img.filter(ImageFilter.GaussianBlur(radius=float(rng.uniform(0.3, 1.2)) * img.size[0] / 300))
    arr = np.asarray(img, dtype=np.float32)
    gain = rng.uniform(0.8, 1.15) * rng.uniform(0.94, 1.06, 3)
    arr = arr * gain + rng.uniform(-12, 12)
    arr += rng.normal(0, rng.uniform(1.0, 4.0), arr.shape[:2])[..., None]
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


# --------------------------------------------------------------------------------------
# Pictures
# --------------------------------------------------------------------------------------
def _rng(seed, split, index):
    return np.random.default_rng([int(seed), _SPLIT_CODE[split], int(index)])


def picture_plan(index: int, seed: int = SEED) -> tuple[int, str]:
    """``(label, kind)`` of picture ``index``: label 0 = alpaca (kind ``"alpaca"``), 1 = not alpaca.

    Blocks of 20 consecutive pictures hold 9 alpacas and 11 others in a shuffled order, so any
    prefix of the set is balanced (45 % alpacas).
    """
    block, pos = divmod(int(index), 20)
    order = _rng(seed, "plan", block).permutation(20)
    if order[pos] < 9:
        return 0, "alpaca"
    r = _rng(seed, "plan", 100000 + index).random()
    kinds = list(NEGATIVE_KINDS)
    cum = np.cumsum([NEGATIVE_KINDS[k] for k in kinds])
    return 1, kinds[int(np.searchsorted(cum / cum[-1], r, side="right"))]


def species_of(index: int, seed: int = SEED) -> str:
    """What picture ``index`` shows: ``"alpaca"``, a species, ``"mixed"``, ``"empty"`` or ``"objects"``."""
    return picture_plan(index, seed)[1]


def _place(rng, a, W, H, horizon, n, portrait=False):
    """Position ``(x0, yg, L)`` of animal ``a`` (one of ``n`` in the picture) from its own extent.

    Ordinary pictures: the animal is 20-90 % of the picture's height (smaller when there are
    several), its feet lower in the picture when it is closer; its top stays inside, its sides
    may be cut.  Portraits: head and neck fill most of the height, the head near the middle.
    """
    bx0, bx1, top = _bbox(a)
    facing = 1 if rng.random() < 0.5 else -1
    head_u = 0.36 + a["neck_len"] * math.cos(a["neck_ang"]) + 0.3 * a["head_len"]
    if portrait:
        shown = top - (a["hl"] + a["bh"] * 0.5)
        L = H * rng.uniform(0.75, 1.0) / shown
        yg = L * top + rng.uniform(-0.02, 0.08) * H
        x0 = W * rng.uniform(0.35, 0.65) - facing * L * head_u
        return x0, yg, L, facing
    lo, hi = {1: (0.5, 0.95), 2: (0.38, 0.75)}.get(n, (0.3, 0.6))
    t = rng.uniform(0, 1)
    frac = lo + (hi - lo) * t
    L = frac * H / top
    L = min(L, 1.25 * W / (bx1 - bx0))
    yg = horizon + (H - horizon) * (0.15 + 0.85 * t) + rng.uniform(-0.05, 0.1) * H
    yg = float(np.clip(yg, L * top - 0.04 * H, H + 0.12 * H))
    x0 = rng.uniform(-0.05, 1.05) * W
    head_x = x0 + facing * L * head_u
    if not (0.08 * W < head_x < 0.92 * W):  # keep the head inside the picture
        x0 -= head_x - float(np.clip(head_x, 0.1 * W, 0.9 * W))
    return x0, yg, L, facing


def _animals(canvas, rng, species_list, horizon, portrait=False):
    W, H = canvas.size
    placed = []
    for sp in species_list:
        a = sample_animal(rng, sp, "front" if portrait and rng.random() < 0.4 else None)
        if portrait and a["pose"] in ("lie", "graze"):
            a = sample_animal(rng, sp, "stand")
        placed.append((a, _place(rng, a, W, H, horizon, len(species_list), portrait)))
    placed.sort(key=lambda item: item[1][1])  # far animals (feet higher up) first
    return [draw_quadruped(canvas, a, x0, yg, L, facing, rng) for a, (x0, yg, L, facing) in placed]


def render_picture(index: int, seed: int = SEED, size: tuple[int, int] | None = None):
    """Picture ``index`` of the alpaca set: ``(PIL RGB image, label, kind)``.

    ``size`` (width, height) overrides the picture's own size (200-600 px, aspect 0.6-1.8).
    """
    label, kind = picture_plan(index, seed)
    rng = _rng(seed, "alpaca", index)
    if size is None:
        aspect = float(np.exp(rng.uniform(math.log(0.6), math.log(1.8))))
        long_side = rng.uniform(260, 600)
        W, H = (long_side, long_side / aspect) if aspect >= 1 else (long_side * aspect, long_side)
        W, H = int(np.clip(W, 200, 600)), int(np.clip(H, 200, 600))
    else:
        W, H = size
    canvas, horizon, scene, fence = draw_scene(rng, W, H)
    portrait = rng.random() < 0.15 and kind not in ("empty", "objects")
    others = [k for k in NEGATIVE_KINDS if k in SPECIES]
    if kind == "alpaca":
        n = 1 if portrait else int(rng.choice([1, 2, 3], p=[0.55, 0.3, 0.15]))
        species = ["alpaca"] * n
        if not portrait and rng.random() < 0.15:
            species.insert(int(rng.integers(n + 1)), _choice(rng, others))
    elif kind == "mixed":
        species = [_choice(rng, others) for _ in range(int(rng.integers(2, 4)))]
    elif kind in SPECIES:
        n = 1 if portrait else int(rng.choice([1, 2, 3], p=[0.55, 0.3, 0.15]))
        species = [kind] * n
    else:
        species = []
    if kind == "objects" or (kind == "empty" and rng.random() < 0.3):
        _objects(canvas, rng, horizon, int(rng.integers(1, 4)))
    elif rng.random() < 0.12 and kind != "empty":
        _objects(canvas, rng, horizon, 1)
    rng.shuffle(species)
    _animals(canvas, rng, species, horizon, portrait)
    if fence is not None and not portrait:
        fence(canvas)
    return _camera(canvas.convert("RGB"), rng), label, kind


# --------------------------------------------------------------------------------------
# The folder
# --------------------------------------------------------------------------------------
def synthetic_alpaca_dir() -> Path:
    """``<datasets>/synthetic/alpaca``: the synthetic folder (read at call time)."""
    from cnnkit import files

    return files.datasets_dir() / "synthetic" / "alpaca"


def _file_name(index: int, label: int) -> str:
    return f"{'alpaca' if label == 0 else 'other'}_{index:04d}.jpg"


def _jpeg_bytes(img: Image.Image, rng) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=int(rng.integers(72, 88)), optimize=True)
    return buf.getvalue()


def generate_alpaca_folder(folder=None, n: int | None = None, seed: int = SEED, progress: bool = True,
                        made_by: str | None = None) -> Path:
    """Draw ``n`` pictures into ``folder/alpaca/`` and ``folder/not alpaca/``; return ``folder``.

    ``folder`` defaults to ``synthetic_alpaca_dir()``, ``n`` to ``N_IMAGES``.  Files that belong to no picture of this
    set are removed first.  With ``made_by`` (the command that rebuilds the folder) every file
    is recorded in the manifest (``cnnkit.files.record``); the folder must then lie in the
    datasets folder.
    """
    folder = Path(folder) if folder is not None else synthetic_alpaca_dir()
    n = N_IMAGES if n is None else int(n)
    for name in CLASS_NAMES:
        (folder / name).mkdir(parents=True, exist_ok=True)
    wanted = {}
    for k in range(n):
        label, kind = picture_plan(k, seed)
        wanted[(CLASS_NAMES[label], _file_name(k, label))] = (k, label, kind)
    for name in CLASS_NAMES:
        for p in (folder / name).glob("*.jpg"):
            if (name, p.name) not in wanted:
                p.unlink()
    bar = None
    if progress:
        import sys

        from tqdm.auto import tqdm

        bar = tqdm(total=n, desc="drawing alpaca pictures", file=sys.stdout, leave=False)
    written = []
    for (cls, fname), (k, label, kind) in wanted.items():
        img, _, _ = render_picture(k, seed)
        path = folder / cls / fname
        path.write_bytes(_jpeg_bytes(img, _rng(seed, "alpaca", 10 ** 6 + k)))
        written.append((path, k, label, kind, img.size))
        if bar is not None:
            bar.update(1)
    if bar is not None:
        bar.close()
    if made_by is not None:
        from cnnkit import files

        import PIL

        for path, k, label, kind, (w, h) in written:
            files.record(path, made_by=made_by, generator="cnnkit.alpacas.render_picture",
                         generator_version=GENERATOR_VERSION, seed=seed, index=k, label=label,
                         class_name=CLASS_NAMES[label], shows=kind, width=w, height=h,
                         built_with={"numpy": np.__version__, "pillow": PIL.__version__})
    return folder


def expected_files(folder=None, n: int | None = None, seed: int = SEED) -> list:
    """The paths ``generate_alpaca_folder(folder, n, seed)`` writes, in picture order."""
    folder = Path(folder) if folder is not None else synthetic_alpaca_dir()
    n = N_IMAGES if n is None else int(n)
    out = []
    for k in range(n):
        label = picture_plan(k, seed)[0]
        out.append(folder / CLASS_NAMES[label] / _file_name(k, label))
    return out


def folder_counts(folder) -> dict:
    """Number of ``.jpg`` files per class sub-folder of ``folder``."""
    folder = Path(folder)
    return {name: len(list((folder / name).glob("*.jpg"))) for name in CLASS_NAMES}
