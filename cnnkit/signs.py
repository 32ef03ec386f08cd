"""SIGNS (w1a2, w2a1): 64x64 pictures of a hand; label k when k fingers are raised (0-5).

k = number of raised fingers (index first, then middle, ring, little finger; k = 5 adds
the thumb).  The hand, lit by a lamp, is brighter than the wall or room behind it.

The difficulty knobs (``SIGNS_DIFFICULTY``) are tuned so that the w1a2 SIGNS model
reaches its target in the notebook budget (``scripts/w1a2_check_learnability.py``).  One
finding shaped them: the model's max-pooled ReLU features only pick up structures
brighter than their surroundings, so a dark hand on a light wall takes it many times
longer to learn.  The files are written by ``cnnkit.data.build_synthetic_datasets``; the
drawing toolkit is ``cnnkit.drawing``.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from cnnkit.drawing import (SyntheticDataset, _CANVAS, _CIRCLE, _GRID, _Pen, _WALLS, _blur, _box_reduce, _camera, _ci, _jitter, _layer_to_array, _mix, _random_color, _room_background, _scale, _skin_color, draw_split_set)

__all__ = ["SPEC", "SIGNS_DIFFICULTY", "generate_signs_dataset"]

#: What defines the shipped set (tests may monkeypatch the sizes to build tiny sets).
SPEC = {
    "title": "SIGNS",
    "seed": 2,
    "n_train": 1080,
    "n_test": 120,
    "classes": [0, 1, 2, 3, 4, 5],
    "class_names": ["0", "1", "2", "3", "4", "5"],
    "train_file": "train_signs.h5",
    "test_file": "test_signs.h5",
    "description": "64x64 RGB pictures of a hand; label k when k fingers are raised.",
}

#: Difficulty knobs of the SIGNS drawing (fractions of the image width, degrees).
SIGNS_DIFFICULTY = {
    "palm": (0.2, 0.235),        # palm half-width
    "height": 0.62,              # mean height of the palm centre (0 = top, 1 = bottom)
    "shift": (0.05, 0.045),      # largest horizontal / vertical offset of the palm centre
    "rot_sd": 7.0,               # hand rotation: normal(0, rot_sd) clipped to +-rot_max
    "rot_max": 30.0,
    "mirror": 0.0,               # probability of a left hand
    "spread": (8.0, 14.0),       # fan angle step between neighbouring fingers
    "texture": 0.5,              # probability of a textured (not plain) wall
    "min_contrast": 55.0,        # least RGB distance between skin and background
    "room": 0.75,                # probability of a cluttered room behind the hand
    "bg_ratio": (0.25, 0.7),     # brightness of the bright parts (90th percentile) of the
                                 # background relative to the mean brightness of the lit hand
    "auto_exposure": (0.5, 0.9),
    "target": (0.3, 0.45),       # auto-exposure target (mean luminance)
    "blur": (0.0, 0.4),
    "noise": (1.0, 6.0),
    "jpeg": 0.5,                 # probability of JPEG-like block artefacts
}


def _plain_background(draw, rng, skin):
    """Wall behind the hand: plain, gradient or a low-contrast texture."""
    knobs = SIGNS_DIFFICULTY
    W = _CANVAS
    base = np.array(_jitter(_WALLS[rng.integers(len(_WALLS))] if rng.random() < 0.65 else
                            _random_color(rng, sat=(0.05, 0.55), val=(0.3, 0.95)), rng, 12))
    skin = np.asarray(skin)
    gap = float(np.linalg.norm(base - skin))
    if gap < knobs["min_contrast"]:   # push the wall away from the skin colour (lighter or darker)
        lum_b, lum_s = base.mean(), skin.mean()
        direction = 1.0 if (lum_b > lum_s or lum_s < 110) and lum_s < 200 else -1.0
        base = np.clip(base + direction * (knobs["min_contrast"] - gap + 10) / math.sqrt(3), 5, 250)
    base = tuple(base)
    draw.rectangle([0, 0, W, W], fill=_ci(base))
    if rng.random() >= knobs["texture"]:
        if rng.random() < 0.5:   # gradient
            other = _scale(base, rng.uniform(0.8, 1.12))
            horiz = rng.random() < 0.5
            for i in range(16):
                t0 = i * W / 16
                box = [t0, 0, t0 + W / 16, W] if horiz else [0, t0, W, t0 + W / 16]
                draw.rectangle(box, fill=_ci(_mix(base, other, i / 15)))
        return
    kind = rng.choice(["wood", "tiles", "fabric", "bokeh", "two_tone"], p=[0.2, 0.2, 0.25, 0.2, 0.15])
    if kind == "wood":
        y = 0.0
        while y < W:
            h = rng.uniform(3, 12)
            draw.rectangle([0, y, W, y + h], fill=_ci(_scale(base, rng.uniform(0.9, 1.07))))
            y += h
        for _ in range(5):
            y0 = rng.uniform(0, W)
            xs = np.linspace(0, W, 12)
            draw.line(list(zip(xs.tolist(), (y0 + rng.normal(0, 3, 12)).tolist())),
                      fill=_ci(_scale(base, 0.85)), width=2)
    elif kind == "tiles":
        step = rng.uniform(28, 64)
        grout = _scale(base, rng.uniform(0.8, 0.92))
        t = rng.uniform(0, step)
        while t < W:
            draw.rectangle([t, 0, t + 2.5, W], fill=_ci(grout))
            draw.rectangle([0, t, W, t + 2.5], fill=_ci(grout))
            t += step
    elif kind == "fabric":
        for _ in range(40):
            x, y = rng.uniform(0, W, 2)
            r = rng.uniform(6, 20)
            draw.ellipse([x - r, y - r * 0.6, x + r, y + r * 0.6],
                         fill=_ci(_scale(base, rng.uniform(0.92, 1.07)), 120))
    elif kind == "bokeh":
        for _ in range(rng.integers(4, 10)):
            x, y = rng.uniform(0, W, 2)
            r = rng.uniform(10, 40)
            draw.ellipse([x - r, y - r, x + r, y + r], fill=_ci(_random_color(rng, val=(0.5, 1.0)), 40))
    else:   # two walls / a door frame edge
        other = _scale(base, rng.uniform(0.8, 0.92))
        x = rng.uniform(0.0, 1.0) * W
        if rng.random() < 0.5:
            draw.rectangle([x, 0, W, W], fill=_ci(other))
        else:
            draw.rectangle([0, x, W, W], fill=_ci(other))


# Finger order from the thumb side to the little finger: index, middle, ring, little.
_FINGER_X = np.array([-0.72, -0.24, 0.24, 0.72])
_FINGER_Y = np.array([-0.88, -0.97, -0.93, -0.8])
_FINGER_R = np.array([0.2, 0.21, 0.2, 0.175])
_FINGER_L = np.array([1.4, 1.58, 1.46, 1.12])
_RAISED = {0: (), 1: (0,), 2: (0, 1), 3: (0, 1, 2), 4: (0, 1, 2, 3), 5: (0, 1, 2, 3)}


def _draw_hand(draw, rng, k, skin):
    """A hand (palm towards the camera) showing k raised fingers; k = 5 adds the thumb."""
    knobs = SIGNS_DIFFICULTY
    W = _CANVAS
    pw = rng.uniform(*knobs["palm"]) * W          # palm half-width
    ph = pw * rng.uniform(0.9, 1.05)               # palm half-height
    cx = W * (0.5 + rng.uniform(-1, 1) * knobs["shift"][0])
    cy = W * (knobs["height"] + rng.uniform(-1, 1) * knobs["shift"][1])
    ang = math.radians(float(np.clip(rng.normal(0, knobs["rot_sd"]), -knobs["rot_max"], knobs["rot_max"])))
    mirror = rng.random() < knobs["mirror"]
    edge = _ci(_scale(skin, 0.72))
    crease = _ci(_scale(skin, 0.8))
    ow = 3
    pen = _Pen(draw, cx, cy, angle=ang, mirror=mirror)
    # forearm and sleeve
    pen.poly(np.array([-pw * 0.8, pw * 0.72, pw * 0.8, -pw * 0.9]),
             np.array([ph * 0.4, ph * 0.4, ph + W, ph + W]), fill=_ci(_scale(skin, 0.95)), outline=edge, width=ow)
    if rng.random() < 0.6:
        sleeve = _jitter(_random_color(rng, sat=(0.0, 0.8), val=(0.15, 0.9)), rng, 6)
        s0 = ph * rng.uniform(1.35, 2.2)
        pen.poly(np.array([-pw * 1.05, pw * 1.0, pw * 1.1, -pw * 1.15]),
                 np.array([s0, s0, ph + W, ph + W]), fill=_ci(sleeve))
    spread = math.radians(rng.uniform(*knobs["spread"]))
    lscale = rng.uniform(0.88, 1.12)
    raised = _RAISED[k]
    fx = (_FINGER_X + rng.normal(0, 0.025, 4)) * pw
    fy = _FINGER_Y * ph
    fr = _FINGER_R * pw * rng.uniform(0.92, 1.08)
    fl = _FINGER_L * pw * lscale * rng.uniform(0.94, 1.06, 4)
    fan = spread * np.array([-1.5, -0.5, 0.5, 1.5]) + np.radians(rng.normal(0, 2.5, 4))
    # raised fingers are drawn before the palm so that the palm hides their roots
    for i in raised:
        dx, dy = math.sin(fan[i]), -math.cos(fan[i])
        x1, y1 = fx[i] + dx * fl[i], fy[i] + dy * fl[i]
        pen.capsule(fx[i], fy[i] + ph * 0.3, x1, y1, fr[i], fr[i] * 0.86, fill=_ci(skin), outline=edge, width=ow)
        for t in (0.42, 0.7):   # finger joint creases
            jx, jy = fx[i] + dx * fl[i] * t, fy[i] + dy * fl[i] * t
            pen.line(np.array([jx - fr[i] * 0.6 * -dy, jx + fr[i] * 0.6 * -dy]),
                     np.array([jy - fr[i] * 0.6 * dx, jy + fr[i] * 0.6 * dx]), fill=crease, width=2)
    thumb_up = k == 5
    tb = (-pw * 0.82, ph * 0.25)
    tr = pw * 0.23
    if thumb_up:
        ta = math.radians(rng.uniform(-72, -40))
        tl = pw * rng.uniform(1.05, 1.3)
        mx, my = tb[0] + math.sin(ta) * tl * 0.55, tb[1] - math.cos(ta) * tl * 0.55
        ta2 = ta + math.radians(rng.uniform(5, 20))
        pen.capsule(tb[0] + pw * 0.2, tb[1] + ph * 0.1, mx, my, tr * 1.15, tr, fill=_ci(skin), outline=edge, width=ow)
        pen.capsule(mx, my, mx + math.sin(ta2) * tl * 0.5, my - math.cos(ta2) * tl * 0.5, tr, tr * 0.85,
                    fill=_ci(skin), outline=edge, width=ow)
    # palm (slightly wider at the knuckles)
    cs, sn = _CIRCLE[48]
    px = pw * cs * (1.0 + 0.06 * np.clip(-sn, 0, None)) * np.where(sn > 0, 1 - 0.12 * sn, 1.0)
    py = ph * sn
    pen.poly(px, py, fill=_ci(skin), outline=edge, width=ow)
    pen.ellipse(-pw * 0.5, ph * 0.45, pw * 0.42, ph * 0.45, fill=_ci(_mix(skin, (255, 225, 215), 0.08)), n=20)
    if thumb_up or rng.random() < 0.6:   # palm lines
        u = np.linspace(-1, 1, 8)
        pen.line(pw * 0.7 * u, -ph * 0.35 + ph * 0.12 * u ** 2, fill=crease, width=2)
        pen.line(pw * 0.55 * u - pw * 0.1, -ph * 0.05 + ph * 0.15 * u ** 2, fill=crease, width=2)
    # folded fingers: curled over the palm
    for i in range(4):
        if i in raised:
            continue
        y0 = fy[i] + ph * 0.08
        pen.capsule(fx[i] * 0.95, y0, fx[i] * 0.92, y0 + ph * rng.uniform(0.42, 0.6), fr[i] * 1.05,
                    fill=_ci(_scale(skin, 0.97)), outline=edge, width=ow)
        pen.line(np.array([fx[i] - fr[i] * 0.7, fx[i] + fr[i] * 0.7]),
                 np.array([y0 + ph * 0.2, y0 + ph * 0.2]), fill=crease, width=2)
    if not thumb_up:  # thumb folded across the palm
        tx1 = pw * rng.uniform(-0.1, 0.35)
        ty1 = -ph * rng.uniform(0.1, 0.45) if k < 4 else ph * rng.uniform(-0.05, 0.2)
        pen.capsule(tb[0], tb[1] + ph * 0.1, tx1, ty1, tr * 1.1, tr * 0.9, fill=_ci(_scale(skin, 1.02)),
                    outline=edge, width=ow)


def _render_sign(rng, k):
    """One SIGNS picture: uint8 (64, 64, 3) of a hand showing ``k`` fingers."""
    from PIL import Image, ImageDraw

    knobs = SIGNS_DIFFICULTY
    skin = _skin_color(rng)
    bg = Image.new("RGB", (_CANVAS, _CANVAS))
    if rng.random() < knobs["room"]:
        _room_background(ImageDraw.Draw(bg, "RGBA"), rng)
    else:
        _plain_background(ImageDraw.Draw(bg, "RGBA"), rng, skin)
    # the hand goes on its own layer so that it can cast a soft shadow
    layer = Image.new("RGBA", (_CANVAS, _CANVAS), (0, 0, 0, 0))
    _draw_hand(ImageDraw.Draw(layer), rng, k, skin)
    back = _box_reduce(bg)
    fore, alpha = _layer_to_array(layer)              # premultiplied colour, coverage
    # The hand is lit (close to the lamp); the wall behind it is dimmer.
    lum = np.float32([0.299, 0.587, 0.114])
    hand_lum = float((fore @ lum).sum() / max(float(alpha.sum()), 1.0))
    back_lum = float(np.percentile(back @ lum, 90))
    dim = min(1.0, rng.uniform(*knobs["bg_ratio"]) * hand_lum / max(back_lum, 1e-3))
    back = back * np.float32(dim)
    dx, dy = rng.integers(-3, 4, 2)
    shadow = np.roll(alpha[..., 0], (int(dy), int(dx)), axis=(0, 1))
    shadow = _blur(shadow, rng.uniform(1.0, 2.5)) * rng.uniform(0.15, 0.4)
    back = back * (1.0 - shadow[..., None])
    img = fore + back * (1.0 - alpha)
    # shading of the hand: brighter on the lit side
    la = rng.uniform(0, 2 * np.pi)
    yy, xx = np.meshgrid(_GRID, _GRID, indexing="ij")
    hand_shade = 1.0 + alpha[..., 0] * rng.uniform(0.05, 0.3) * (
        math.cos(la) * (xx - 0.5) + math.sin(la) * (yy - 0.5)) * 2
    return _camera(img, rng, blur=knobs["blur"], noise=knobs["noise"], light=0.45, jpeg=knobs["jpeg"],
                   auto=knobs["auto_exposure"], target=knobs["target"],
                   extra_mult=hand_shade.astype(np.float32))




def generate_signs_dataset(seed: int = SPEC["seed"], n_train: int = 1080,
                           n_test: int = 120, subset: int | None = None,
                           progress: Callable[[int], object] | None = None) -> SyntheticDataset:
    """Draw the synthetic SIGNS set (a hand showing 0..5 raised fingers).

    Parameters are those of :func:`generate_happy_dataset`.  Classes are exactly
    balanced: ``n_train / 6`` and ``n_test / 6`` pictures per class (180 / 20 by default).

    Returns
    -------
    SyntheticDataset (a named tuple)
        ``X_train`` uint8 ``(m_train, 64, 64, 3)``, ``y_train`` int64 ``(m_train,)`` in 0..5,
        ``X_test`` uint8 ``(m_test, 64, 64, 3)``, ``y_test`` int64 ``(m_test,)``,
        ``classes`` int64 ``(6,)`` = ``[0, 1, 2, 3, 4, 5]``.
    """
    return draw_split_set(_render_sign, SPEC["classes"], True, seed, n_train, n_test, subset, progress)
