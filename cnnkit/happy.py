"""Happy House (w1a2): 64x64 pictures of a person in a room; label 1 when the person smiles.

1 = a clear smile, i.e. an open or grinning mouth that shows teeth, usually with narrowed
eyes.  0 = neutral (lips closed, corners level or slightly up or down), frown, "o" mouth,
pursed lips, or talking (open, no teeth).  The person is framed like a webcam close-up;
skin tone, hair, glasses, hats, head size, position and tilt, room, lighting and noise vary.

The difficulty knobs (``HAPPY_DIFFICULTY``) are tuned so that happyModel reaches its
target in the notebook budget (``scripts/w1a2_check_learnability.py``).  One finding
shaped them: happyModel (BatchNorm + a 32768-input Dense layer trained with Adam) becomes
unstable between epochs as soon as a few percent of the training pictures cannot be
fitted (closed-lip smiles, beards around the mouth).  The files are written by
``cnnkit.data.build_synthetic_datasets``; the drawing toolkit is ``cnnkit.drawing``.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from cnnkit.drawing import (IMAGE_SIZE, SyntheticDataset, _CANVAS, _CIRCLE, _HAIR, _Pen, _SS, _blur, _box_reduce, _camera, _ci, _jitter, _layer_to_array, _mix, _random_color, _room_background, _scale, _skin_color, draw_split_set)

__all__ = ["SPEC", "HAPPY_DIFFICULTY", "generate_happy_dataset"]

#: What defines the shipped set (tests may monkeypatch the sizes to build tiny sets).
SPEC = {
    "title": "Happy House",
    "seed": 1,
    "n_train": 600,
    "n_test": 150,
    "classes": [0, 1],
    "class_names": ["not smiling", "smiling"],
    "train_file": "train_happy.h5",
    "test_file": "test_happy.h5",
    "description": "64x64 RGB pictures of a person in a room; label 1 when the person smiles.",
}

#: Difficulty knobs of the Happy House drawing (fractions of the image width, degrees).
HAPPY_DIFFICULTY = {
    "head": (0.265, 0.3),        # head half-width (close-up, like a webcam picture)
    "shift": (0.035, 0.025),     # largest horizontal / vertical offset of the face centre
    "tilt_sd": 5.0,              # head tilt: normal(0, tilt_sd) clipped to +-tilt_max
    "tilt_max": 20.0,
    # expressions and their shares within each class
    # Every smile shows teeth: closed-lip smiles (kinds "smile", "slight") are drawable but
    # left out, because happyModel cannot learn them from a few dozen examples and the few
    # that it cannot fit keep its BatchNorm statistics moving (see scripts/w1a2_check_learnability.py).
    "positive": {"open_smile": 0.65, "grin": 0.35},
    "negative": {"neutral": 0.5, "frown": 0.25, "o": 0.1, "pursed": 0.1, "talk": 0.05},
    "eyes_smiling": (0.2, 0.75),  # eye openness ranges (1 = wide open); they overlap on purpose
    "eyes_other": (0.6, 1.15),
    "glasses": 0.2, "hat": 0.1, "occluder": 0.05,
    "beard": 0.0,                # beards around the mouth also destabilise happyModel
    "defocus": (0.8, 1.8),       # blur of the room behind the person (64-px units)
    "light": 0.25,               # strength of the directional light across the frame
    "exposure": (0.85, 1.12),
    "auto_exposure": (0.75, 1.0),  # how strongly the camera normalises the mean brightness
    "white_balance": (0.3, 0.7),   # strength of the grey-world white balance
    "blur": (0.0, 0.6),
    "noise": (1.0, 6.0),
    "jpeg": 0.6,                 # probability of JPEG-like block artefacts
}


def _mouth_params(rng, label):
    """Expression of the mouth (and eyes) for a label.

    Returns a dict with ``kind`` (an expression of ``HAPPY_DIFFICULTY["positive"]`` or
    ``["negative"]``), its curvatures and the eye openness (smiles narrow the eyes).
    """
    table = HAPPY_DIFFICULTY["positive" if label == 1 else "negative"]
    kinds = list(table)
    kind = str(rng.choice(kinds, p=np.array([table[k] for k in kinds]) / sum(table.values())))
    lo, hi = HAPPY_DIFFICULTY["eyes_smiling" if label == 1 else "eyes_other"]
    eye_open = rng.uniform(lo, hi) if kind != "o" else rng.uniform(0.9, 1.25)
    p = {"kind": kind, "eye_open": eye_open}
    if kind == "open_smile":      # crescent, teeth visible
        p.update(width=rng.uniform(0.48, 0.62), k_up=rng.uniform(0.1, 0.25), k_lo=rng.uniform(0.7, 1.0))
    elif kind == "grin":          # wide grin: both rows of teeth, dark corners and gap
        p.update(width=rng.uniform(0.5, 0.62), k_up=rng.uniform(0.12, 0.25), k_lo=rng.uniform(0.7, 0.95))
    elif kind == "smile":         # closed lips, corners up
        p.update(width=rng.uniform(0.38, 0.5), k=rng.uniform(0.3, 0.55))
    elif kind == "slight":        # borderline positive
        p.update(width=rng.uniform(0.32, 0.44), k=rng.uniform(0.14, 0.24))
    elif kind == "neutral":
        p.update(width=rng.uniform(0.28, 0.42), k=rng.uniform(-0.08, 0.1))
    elif kind == "frown":
        p.update(width=rng.uniform(0.28, 0.42), k=-rng.uniform(0.1, 0.4))
    elif kind == "o":
        p.update(width=rng.uniform(0.12, 0.2), height=rng.uniform(0.14, 0.26))
    elif kind == "talk":          # open, level corners, no teeth
        p.update(width=rng.uniform(0.22, 0.32), k_up=rng.uniform(-0.12, 0.0), k_lo=rng.uniform(0.12, 0.25))
    elif kind == "pursed":
        p.update(width=rng.uniform(0.16, 0.24), k=rng.uniform(-0.1, 0.05))
    else:
        raise ValueError(f"unknown expression {kind!r}")
    return p


def _draw_mouth(pen, a, b, rng, mp, skin, lip):
    """Draw the mouth in the head frame (origin = head centre, y down)."""
    my = b * rng.uniform(0.5, 0.6)
    kind = mp["kind"]
    n = 15
    dark = (70 + rng.normal(0, 10), 18, 28)
    teeth = _jitter((238, 232, 218), rng, 6)
    lw = max(2.0, a * rng.uniform(0.045, 0.07))
    if kind in ("open_smile", "grin", "talk"):
        mw = a * mp["width"]
        u = np.linspace(-1, 1, n)
        x = mw * u
        y_up = my + mp["k_up"] * mw * (1 - u ** 2) - mw * 0.04
        gap = mw * (0.04 if kind == "grin" else 0.0)
        y_lo = my + mp["k_lo"] * mw * (1 - u ** 2) + gap * (1 - u ** 2) ** 0.5
        pen.poly(np.concatenate([x, x[::-1]]), np.concatenate([y_up, y_lo[::-1]]), fill=_ci(dark))
        if kind != "talk":
            th = (y_lo - y_up) * (rng.uniform(0.7, 0.8) if kind == "grin" else rng.uniform(0.5, 0.65))
            pen.poly(np.concatenate([x * 0.92, x[::-1] * 0.92]),
                     np.concatenate([y_up + 0.5, (y_up + th)[::-1]]), fill=_ci(teeth))
            if kind == "grin":
                pen.line(x * 0.9, (y_up + y_lo) / 2, fill=_ci(_scale(teeth, 0.7)), width=1)
        pen.line(x, y_up, fill=_ci(lip), width=lw)
        pen.line(x, y_lo + lw * 0.3, fill=_ci(lip), width=lw * 1.3)
    elif kind == "o":
        pen.ellipse(0, my + a * 0.02, a * mp["width"], a * mp["height"], fill=_ci(dark),
                    outline=_ci(lip), width=int(lw), n=20)
    else:
        mw = a * mp["width"]
        u = np.linspace(-1, 1, n)
        x = mw * u
        k = mp["k"]
        y = my + k * mw * (1 - u ** 2) - k * mw * 0.3
        if rng.random() < 0.25:  # a little asymmetry
            y = y + mw * rng.uniform(-0.06, 0.06) * u
        pen.line(x, y + lw * 0.55, fill=_ci(lip), width=lw * 1.5)      # lower lip
        pen.line(x, y - lw * 0.45, fill=_ci(_scale(lip, 0.92)), width=lw)  # upper lip
        pen.line(x * 0.97, y, fill=_ci(_scale(lip, 0.55)), width=max(1.5, lw * 0.45))  # lip gap
        if kind == "smile" and rng.random() < 0.5:   # a sliver of teeth between the lips
            pen.line(x * 0.75, y + lw * 0.1, fill=_ci(teeth), width=max(1.5, lw * 0.6))
        if kind == "smile" and rng.random() < 0.5:  # dimples / cheek lines
            for sgn in (-1, 1):
                pen.line(np.array([sgn * mw * 1.05, sgn * mw * 1.15]),
                         np.array([y[0] - mw * 0.15, y[0] + mw * 0.05]),
                         fill=_ci(_scale(skin, 0.8)), width=2)


def _hair_strands(pen, rng, hair, a, b, hx, n=7):
    """Thin darker and lighter arcs over the top of the head: reads as hair, not as a cap."""
    for _ in range(n):
        t = np.linspace(np.pi * rng.uniform(1.05, 1.3), np.pi * rng.uniform(1.7, 1.95), 8)
        rr = rng.uniform(0.75, 0.98)
        col = _scale(hair, rng.uniform(0.7, 0.85)) if rng.random() < 0.6 else _mix(hair, (255, 240, 220), 0.15)
        pen.line(np.cos(t) * hx * rr, np.sin(t) * b * rr * 1.02, fill=_ci(_mix(hair, col, 0.6)), width=2)


def _draw_person(draw, rng, label):
    """Body, head, hair, face and accessories; returns the head geometry (64-px units)."""
    knobs = HAPPY_DIFFICULTY
    W = _CANVAS
    a = rng.uniform(*knobs["head"]) * W              # head half-width
    b = a * rng.uniform(1.18, 1.32)                  # head half-height
    cx = W * (0.5 + rng.uniform(-1, 1) * knobs["shift"][0])
    # the camera frames the face: the nose (0.3 b below the centre) stays near the same spot
    cy = W * (0.6 + rng.uniform(-1, 1) * knobs["shift"][1]) - 0.3 * b
    tilt = math.radians(float(np.clip(rng.normal(0, knobs["tilt_sd"]), -knobs["tilt_max"], knobs["tilt_max"])))
    skin = _skin_color(rng)
    hair = _jitter(_HAIR[rng.integers(len(_HAIR))], rng, 8)
    if rng.random() < 0.04:
        hair = _random_color(rng, sat=(0.5, 0.9), val=(0.4, 0.8))
    style = str(rng.choice(["short", "long", "bangs", "bald", "curly", "bun", "side"],
                           p=[0.24, 0.2, 0.14, 0.08, 0.12, 0.08, 0.14]))
    hx = a * rng.uniform(1.04, 1.1)   # hair volume
    pen = _Pen(draw, cx, cy, angle=tilt)

    # --- long hair behind everything -------------------------------------------------
    if style == "long":
        ln = b * rng.uniform(1.0, 1.6)
        t = np.linspace(0, np.pi, 12)
        xs = np.concatenate([[hx * 1.04], hx * 1.12 * np.cos(t), [-hx * 1.04]])
        ys = np.concatenate([[-b * 0.2], ln - b * 0.25 + b * 0.25 * np.sin(t), [-b * 0.2]])
        pen.poly(xs, ys, fill=_ci(_scale(hair, 0.8)))
    # --- body: shoulders, neck -----------------------------------------------------
    shirt = _jitter(_random_color(rng, sat=(0.0, 0.8), val=(0.15, 0.95)), rng, 6)
    neck = _Pen(draw, cx, cy, angle=tilt * 0.4)
    nw = a * rng.uniform(0.42, 0.5)
    neck_bottom = b + a * 0.75
    neck.poly(np.array([-nw, nw, nw * 1.15, -nw * 1.15]),
              np.array([b * 0.45, b * 0.45, neck_bottom, neck_bottom]), fill=_ci(_scale(skin, 0.86)))
    neck.ellipse(0, b * 0.9, nw * 0.98, a * 0.2, fill=_ci(_scale(skin, 0.72)), n=20)  # chin shadow
    bx = cx + rng.uniform(-0.04, 0.04) * W - math.sin(tilt) * b * 0.6
    ry = a * rng.uniform(1.5, 1.8)
    by = cy + neck_bottom + ry - a * 0.15
    body = _Pen(draw, bx, by, angle=rng.uniform(-0.1, 0.1))
    body.ellipse(0, 0, a * rng.uniform(2.2, 2.9), ry, fill=_ci(shirt), n=48)
    if rng.random() < 0.6:  # neckline
        body.poly(np.array([-nw * 1.25, nw * 1.25, 0.0]),
                  np.array([-ry * 1.02, -ry * 1.02, -ry + a * rng.uniform(0.35, 0.7)]),
                  fill=_ci(_scale(skin, 0.84)))
    else:                    # collar
        body.ellipse(0, -ry + a * 0.05, nw * 1.3, a * 0.16, fill=_ci(_scale(shirt, 0.8)), n=20)
    # --- hair behind the head (curls) ------------------------------------------------
    if style == "curly":
        for t in np.linspace(np.pi * 0.85, np.pi * 2.15, 11):
            r = a * rng.uniform(0.3, 0.42)
            pen.ellipse(math.cos(t) * a * 1.0, math.sin(t) * b * 0.95, r, r, fill=_ci(_jitter(hair, rng, 6)), n=12)
    # ears
    ear = _scale(skin, 0.93)
    for s in (-1, 1):
        pen.ellipse(s * a * 0.97, b * 0.02, a * 0.15, a * 0.26, fill=_ci(ear), n=12)
        pen.ellipse(s * a * 0.99, b * 0.03, a * 0.07, a * 0.15, fill=_ci(_scale(skin, 0.8)), n=12)
    # --- head --------------------------------------------------------------------
    cs, sn = _CIRCLE[48]
    jaw = rng.uniform(0.08, 0.25)
    pen.poly(a * cs * (1.0 - jaw * np.clip(sn, 0, None) ** 2), b * sn, fill=_ci(skin))
    # --- hair on top ---------------------------------------------------------------
    hairline = b * rng.uniform(-0.62, -0.45)
    if style != "bald":
        t = np.linspace(np.pi, 2 * np.pi, 24)
        top_x = np.cos(t) * hx
        top_y = np.sin(t) * b * rng.uniform(1.04, 1.12) + b * 0.02
        if style == "bangs":
            hairline = b * rng.uniform(-0.38, -0.24)
        u = np.linspace(1, -1, 13)
        line_x = u * a * 0.98
        part = rng.uniform(-0.5, 0.5)
        line_y = hairline + b * 0.16 * u ** 2 - b * 0.06 * np.exp(-((u - part) / 0.25) ** 2)
        if style == "bangs":
            line_y = line_y + b * 0.04 * np.sin(u * 14 + rng.uniform(0, 6))
        if style == "side":
            line_y = line_y + b * 0.16 * (u + 1) * 0.5
        side_drop = b * (rng.uniform(0.15, 0.45) if style in ("long", "side", "curly") else rng.uniform(-0.12, 0.05))
        xs = np.concatenate([[-hx], top_x, [hx, a * 0.99], line_x, [-a * 0.99]])
        ys = np.concatenate([[side_drop], top_y, [side_drop, side_drop * 0.7], line_y, [side_drop * 0.7]])
        pen.poly(xs, ys, fill=_ci(hair))
        _hair_strands(pen, rng, hair, a, b, hx)
        if style == "bun":
            pen.ellipse(0, -b * 1.12, a * 0.38, a * 0.3, fill=_ci(hair), n=20)
        if style == "curly":
            for t in np.linspace(np.pi * 1.05, np.pi * 1.95, 6):
                r = a * rng.uniform(0.22, 0.32)
                pen.ellipse(math.cos(t) * a * 0.85, math.sin(t) * b * 0.95, r, r, fill=_ci(_jitter(hair, rng, 8)), n=12)
    elif rng.random() < 0.6:  # bald with a little hair above the ears
        for s in (-1, 1):
            pen.poly(s * np.array([a * 1.0, a * 0.86, a * 0.8, a * 0.98]),
                     np.array([-b * 0.35, -b * 0.38, -b * 0.05, -b * 0.02]), fill=_ci(hair))
    if rng.random() < knobs["hat"]:  # cap or beanie
        hat = _jitter(_random_color(rng), rng, 5)
        t = np.linspace(np.pi, 2 * np.pi, 20)
        pen.poly(np.cos(t) * a * 1.1, np.sin(t) * b * 1.12 - b * 0.22, fill=_ci(hat))
        pen.poly(np.array([-a * 1.12, a * 1.12, a * 1.12, -a * 1.12]),
                 np.array([-b * 0.36, -b * 0.36, -b * 0.22, -b * 0.22]), fill=_ci(_scale(hat, 0.8)))
        if rng.random() < 0.5:   # brim
            pen.ellipse(0, -b * 0.28, a * 1.2, b * 0.08, fill=_ci(_scale(hat, 0.7)), n=20)
    # --- eyes, brows, nose -----------------------------------------------------------
    mp = _mouth_params(rng, label)
    ey = -b * rng.uniform(0.02, 0.12)
    ex = a * rng.uniform(0.34, 0.42)
    ew = a * rng.uniform(0.16, 0.21)
    eh = ew * 0.55 * mp["eye_open"]
    iris = _jitter([(60, 40, 25), (90, 60, 30), (60, 100, 140), (70, 110, 70), (30, 25, 20)][rng.integers(5)], rng, 8)
    brow_col = _scale(hair, 0.8) if style != "bald" else _scale(skin, 0.55)
    brow_raise = (0.35 if mp["kind"] == "o" else 0.0) + rng.uniform(-0.08, 0.1)
    brow_w = a * rng.uniform(0.05, 0.1)
    for s in (-1, 1):
        u = np.linspace(-1, 1, 9)
        x = s * ex + ew * u
        pen.poly(np.concatenate([x, x[::-1]]),
                 np.concatenate([ey - eh * np.sqrt(1 - u ** 2) * 1.1, (ey + eh * np.sqrt(1 - u ** 2) * 0.8)[::-1]]),
                 fill=_ci((236, 232, 226)))
        ir = min(ew * 0.5, eh * 0.95 + 1)
        pen.ellipse(s * ex + rng.normal(0, ew * 0.05), ey, ir, min(ir, eh * 0.95), fill=_ci(iris), n=12)
        pen.ellipse(s * ex, ey, ir * 0.45, min(ir, eh) * 0.45, fill=(15, 12, 12), n=12)
        pen.line(x, ey - eh * np.sqrt(1 - u ** 2) * 1.1, fill=_ci(_scale(skin, 0.35)), width=a * 0.045)
        if mp["eye_open"] < 0.65 and rng.random() < 0.8:   # cheek raise under smiling eyes
            pen.line(x * 0.9 + s * ex * 0.1, ey + eh * 1.2 + ew * 0.25 * (1 - u ** 2) * -0.3,
                     fill=_ci(_scale(skin, 0.85)), width=2)
        bu = np.linspace(-1.1, 1.1, 7)
        by_ = ey - ew * (1.1 + brow_raise) - ew * 0.25 * (1 - bu ** 2)
        pen.line(s * ex + ew * bu, by_ + s * bu * ew * rng.uniform(-0.1, 0.1), fill=_ci(brow_col), width=brow_w)
    # nose: a shadow on one side, nostrils
    ns = 1 if rng.random() < 0.5 else -1
    pen.poly(np.array([ns * a * 0.04, ns * a * 0.12, ns * a * 0.16, 0.0]),
             np.array([ey + eh, b * 0.22, b * 0.32, b * 0.3]), fill=_ci(_scale(skin, 0.86)))
    for s in (-1, 1):
        pen.ellipse(s * a * 0.08, b * 0.32, a * 0.045, a * 0.03, fill=_ci(_scale(skin, 0.55)), n=12)
    # blush (semi-transparent)
    if (label == 1 and rng.random() < 0.35) or (label == 0 and rng.random() < 0.15):
        for s in (-1, 1):
            pen.ellipse(s * a * 0.55, b * 0.28, a * 0.17, a * 0.1, fill=_ci(_mix(skin, (230, 90, 90), 0.18)), n=12)
    # --- mouth -------------------------------------------------------------------
    lip = _mix(skin, (170, 60, 70), rng.uniform(0.25, 0.6))
    _draw_mouth(pen, a, b, rng, mp, skin, lip)
    # facial hair
    if rng.random() < knobs["beard"]:
        beard = _scale(hair, 0.9)
        kind = rng.integers(3)
        if kind == 1:  # chin beard below the mouth
            t = np.linspace(0.15 * np.pi, 0.85 * np.pi, 14)
            pen.poly(np.concatenate([np.cos(t) * a * 0.8, [-a * 0.3, a * 0.3]]),
                     np.concatenate([np.sin(t) * b * 1.04, [b * 0.86, b * 0.86]]), fill=_ci(beard))
        else:  # stubble
            t = np.linspace(0.05 * np.pi, 0.95 * np.pi, 14)
            pen.poly(np.cos(t) * a * 0.92, np.sin(t) * b * 1.0, fill=_ci(_mix(skin, beard, 0.22)))
    # freckles / moles
    if rng.random() < 0.1:
        for _ in range(rng.integers(3, 9)):
            pen.ellipse(rng.uniform(-0.7, 0.7) * a, rng.uniform(0.05, 0.35) * b, 1.6, 1.6,
                        fill=_ci(_scale(skin, 0.7)), n=12)
    # glasses
    if rng.random() < knobs["glasses"]:
        frame = _jitter([(20, 20, 20), (90, 60, 30), (170, 170, 175), (120, 30, 40)][rng.integers(4)], rng, 6)
        gw = ew * rng.uniform(1.35, 1.7)
        gh = gw * rng.uniform(0.7, 0.95)
        tint = rng.random() < 0.2
        for s in (-1, 1):
            pen.ellipse(s * ex, ey + ew * 0.1, gw, gh, fill=_ci(_mix(skin, (25, 25, 35), 0.8)) if tint else None,
                        outline=_ci(frame), width=max(2, int(a * 0.05)), n=20)
        pen.line(np.array([-ex + gw, ex - gw]), np.array([ey, ey]), fill=_ci(frame), width=max(2, a * 0.04))
        for s in (-1, 1):
            pen.line(np.array([s * (ex + gw), s * a * 0.98]), np.array([ey, ey - ew * 0.2]), fill=_ci(frame),
                     width=max(2, a * 0.04))
    # occlusion: a hand or a cup near the chin, away from the mouth
    if rng.random() < knobs["occluder"]:
        side = 1 if rng.random() < 0.5 else -1
        ox = cx + side * a * rng.uniform(1.15, 1.4)
        oy = cy + b * rng.uniform(1.15, 1.4)
        occ = _Pen(draw, ox, oy, angle=rng.uniform(-0.4, 0.4))
        if rng.random() < 0.5:
            mug = _jitter(_random_color(rng, val=(0.4, 0.95)), rng, 5)
            occ.poly(np.array([-a * 0.35, a * 0.35, a * 0.3, -a * 0.3]),
                     np.array([-a * 0.3, -a * 0.3, a * 0.6, a * 0.6]), fill=_ci(mug))
            occ.ellipse(side * -a * 0.42, a * 0.1, a * 0.14, a * 0.2, outline=_ci(_scale(mug, 0.8)), width=5, n=12)
            occ.ellipse(0, -a * 0.3, a * 0.35, a * 0.08, fill=_ci(_scale(mug, 0.88)), n=20)
        else:
            hs = _scale(skin, rng.uniform(0.92, 1.0))
            occ.ellipse(0, a * 0.2, a * 0.35, a * 0.42, fill=_ci(hs), outline=_ci(_scale(hs, 0.85)), width=2)
            for i in range(4):
                fx = (i - 1.5) * a * 0.17
                occ.capsule(fx, -a * 0.05, fx * 1.2, -a * 0.55, a * 0.085, fill=_ci(hs),
                            outline=_ci(_scale(hs, 0.8)), width=2)
    return (cx / _SS, cy / _SS, a / _SS, b / _SS, tilt)


def _render_happy(rng, label):
    """One Happy House picture: uint8 (64, 64, 3)."""
    from PIL import Image, ImageDraw

    knobs = HAPPY_DIFFICULTY
    bg = Image.new("RGB", (_CANVAS, _CANVAS))
    _room_background(ImageDraw.Draw(bg, "RGBA"), rng)
    layer = Image.new("RGBA", (_CANVAS, _CANVAS), (0, 0, 0, 0))
    cx, cy, a, b, tilt = _draw_person(ImageDraw.Draw(layer, "RGBA"), rng, label)
    # close-up: the room behind the person is out of focus
    back = _blur(_box_reduce(bg), rng.uniform(*knobs["defocus"]))
    fore, alpha = _layer_to_array(layer)
    arr = fore + back * (1.0 - alpha)
    # soft 3-D shading of the head: light from a random side
    yy, xx = np.meshgrid(np.arange(IMAGE_SIZE) + 0.5, np.arange(IMAGE_SIZE) + 0.5, indexing="ij")
    c, s = math.cos(tilt), math.sin(tilt)
    u = (c * (xx - cx) + s * (yy - cy)) / (a * 1.1)
    v = (-s * (xx - cx) + c * (yy - cy)) / (b * 1.1)
    r2 = u * u + v * v
    w = np.clip((1.15 - r2) / 0.3, 0, 1)
    la = rng.uniform(0, 2 * np.pi)
    st = rng.uniform(0.05, 0.3)
    shade = 1.0 + w * (st * (math.cos(la) * u + math.sin(la) * v) - 0.12 * r2 * r2)
    return _camera(arr, rng, blur=knobs["blur"], noise=knobs["noise"], light=knobs["light"], jpeg=knobs["jpeg"],
                   exposure=knobs["exposure"], auto=knobs["auto_exposure"], awb=knobs["white_balance"],
                   extra_mult=shade.astype(np.float32))




def generate_happy_dataset(seed: int = SPEC["seed"], n_train: int = 600,
                           n_test: int = 150, subset: int | None = None,
                           progress: Callable[[int], object] | None = None) -> SyntheticDataset:
    """Draw the synthetic Happy House set.

    Parameters
    ----------
    seed : int
        Seed of the whole set; image ``i`` of a split uses ``default_rng([seed, split, i])``.
    n_train, n_test : int
        Number of training and test pictures (the original sizes by default).
    subset : int or None
        Draw only the first ``subset`` pictures of each split (same pixels and labels as
        in the full set); handy for quick checks.
    progress : callable or None
        Called with ``1`` after every picture (for example ``tqdm.update``).

    Returns
    -------
    SyntheticDataset (a named tuple)
        ``X_train`` uint8 ``(m_train, 64, 64, 3)``, ``y_train`` int64 ``(m_train,)`` with
        1 = smiling, ``X_test`` uint8 ``(m_test, 64, 64, 3)``, ``y_test`` int64 ``(m_test,)``,
        ``classes`` int64 ``(2,)`` = ``[0, 1]``.  Labels are 1-D here (h5 layout); the
        loaders reshape them to ``(1, m)``.
    """
    return draw_split_set(_render_happy, SPEC["classes"], False, seed, n_train, n_test, subset, progress)
