"""Synthetic road scenes with box annotations, for the YOLO assignment (w3a1).

Every scene is drawn with Pillow from its own random stream
``np.random.default_rng([seed, split_code, index])``, so any single scene can be
re-created without drawing the others, and the result does not depend on how many
scenes are generated or in which order.

A scene is a 1280x720 RGB street view seen from a car: a perspective road with lanes,
sidewalks, buildings, trees and sky, and 0-15 objects of eight classes (``CLASS_NAMES``)
at depths that put their heights between about 15 px and half the image height. The
generator varies time of day, lighting, shadows, haze, sensor noise and motion blur; it
adds distractors that look like objects (car-coloured walls and boxes, bare poles and
street lamps next to traffic lights); closer objects partially hide farther ones and
objects are cut off at the image border.

Annotations are ``(n, 5)`` float32 arrays, one row per object:
``class_id, x_min, y_min, x_max, y_max`` in pixels of the 1280x720 image (the part of the
object inside the image; objects less than 40 % visible inside the frame are dropped).
``annotation_rows`` turns them into the CSV-style rows of the spec.
"""
from __future__ import annotations

import hashlib
from typing import Callable, Iterator

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

__all__ = ["GENERATOR_VERSION", "CLASS_NAMES", "IMAGE_WIDTH", "IMAGE_HEIGHT", "SEEDS",
           "render_scene", "scene", "iter_scenes", "generate_scenes", "annotation_rows",
           "scenes_checksum", "kmeans_anchors"]

#: Bump when a change to the drawing code changes any pixel or box.
GENERATOR_VERSION = "1.0.0"
CLASS_NAMES = ["car", "bus", "truck", "person", "bicycle", "motorbike", "traffic light", "stop sign"]
IMAGE_WIDTH, IMAGE_HEIGHT = 1280, 720
#: Seeds of the splits: training scenes, held-out test scenes (a different seed), showcase images.
SEEDS = {"train": 3101, "test": 3202, "showcase": 3303}
_SPLIT_CODE = {"train": 0, "test": 1, "showcase": 2}

CAR, BUS, TRUCK, PERSON, BICYCLE, MOTORBIKE, LIGHT, STOP = range(8)

_CAR_COLORS = [(200, 30, 35), (30, 60, 150), (235, 235, 235), (25, 25, 28), (150, 150, 155),
               (90, 95, 100), (20, 110, 60), (230, 180, 20), (120, 20, 30), (60, 130, 190),
               (180, 90, 30), (240, 240, 200)]
_BUS_COLORS = [(240, 190, 20), (200, 35, 30), (30, 90, 170), (240, 240, 235), (40, 140, 80)]
_TRUCK_COLORS = [(235, 235, 235), (150, 155, 160), (40, 70, 140), (190, 40, 40), (240, 150, 30),
                 (60, 100, 60)]
_CLOTHES = [(30, 30, 35), (40, 60, 120), (150, 30, 40), (200, 200, 200), (90, 70, 50),
            (30, 110, 90), (220, 170, 40), (110, 60, 140), (230, 120, 140), (70, 70, 75)]
_SKIN = [(255, 224, 196), (236, 188, 150), (200, 150, 110), (150, 100, 70), (100, 65, 45)]
_WALLS = [(190, 170, 150), (160, 120, 100), (200, 200, 190), (130, 130, 140), (170, 150, 120),
          (110, 90, 80), (210, 190, 160), (150, 160, 170)]

#: Real-world heights (m) and width/height ratios (front view, side view) of the objects.
_SIZE = {CAR: (1.5, (1.2, 2.9)), BUS: (3.1, (0.85, 3.4)), TRUCK: (3.5, (0.75, 2.6)),
         PERSON: (1.75, (0.36, 0.36)), BICYCLE: (1.05, (0.5, 1.65)), MOTORBIKE: (1.15, (0.5, 1.7)),
         LIGHT: (0.95, (0.36, 0.36)), STOP: (0.75, (1.0, 1.0))}


# ----------------------------------------------------------------------------- colours
def _mix(c1, c2, t):
    return tuple(int(round(a + (b - a) * t)) for a, b in zip(c1, c2))


def _shade(c, f):
    return tuple(int(max(0, min(255, round(v * f)))) for v in c)


def _jit(c, rng, sd=12):
    return tuple(int(max(0, min(255, v + rng.normal(0, sd)))) for v in c)


class _Painter:
    """Colour pipeline of one scene: haze toward the horizon and a global light level."""

    def __init__(self, haze_color, haze, light, tint=(1.0, 1.0, 1.0)):
        self.haze_color, self.haze, self.light, self.tint = haze_color, haze, light, tint

    def __call__(self, c, depth=1.0):
        """``depth`` 0 at the horizon, 1 at the bottom of the image."""
        t = self.haze * max(0.0, 1.0 - depth) ** 1.5
        c = _mix(c, self.haze_color, t)
        return tuple(int(max(0, min(255, round(v * self.light * k)))) for v, k in zip(c, self.tint))


class _Draw(ImageDraw.ImageDraw):
    """``ImageDraw`` that accepts boxes with their corners in any order."""

    @staticmethod
    def _norm(xy):
        x0, y0, x1, y1 = (float(v) for v in xy)
        return [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]

    def rectangle(self, xy, *a, **k):
        return super().rectangle(self._norm(xy), *a, **k)

    def rounded_rectangle(self, xy, *a, **k):
        return super().rounded_rectangle(self._norm(xy), *a, **k)

    def ellipse(self, xy, *a, **k):
        return super().ellipse(self._norm(xy), *a, **k)

    def chord(self, xy, *a, **k):
        return super().chord(self._norm(xy), *a, **k)


# ----------------------------------------------------------------------------- scene
class _Scene:
    def __init__(self, rng):
        self.rng = rng
        W = IMAGE_WIDTH
        self.horizon = float(rng.uniform(250, 380))
        self.vx = float(rng.uniform(0.3, 0.7) * W)
        self.road_half = float(rng.uniform(0.55, 1.0) * W)   # half width of the road at the bottom
        self.walk = float(rng.uniform(0.25, 0.45) * W)       # sidewalk width at the bottom
        tod = rng.choice(["day", "day", "day", "overcast", "dusk", "night"])
        self.tod = tod
        sky = {"day": ((90, 150, 230), (190, 215, 240)), "overcast": ((160, 165, 175), (205, 205, 210)),
               "dusk": ((70, 60, 120), (250, 150, 90)), "night": ((10, 12, 30), (40, 40, 70))}[tod]
        self.sky = tuple(_jit(c, rng, 10) for c in sky)
        light = {"day": 1.0, "overcast": 0.85, "dusk": 0.7, "night": 0.42}[tod] * rng.uniform(0.85, 1.15)
        haze = rng.uniform(0.0, 0.55) if tod != "night" else rng.uniform(0.0, 0.25)
        tint = tuple(float(v) for v in rng.uniform(0.93, 1.07, size=3))
        self.paint = _Painter(self.sky[1], haze, light, tint)
        self.ppm = float(rng.uniform(95, 125))  # pixels per metre at the bottom row (depth 1)

    # geometry ------------------------------------------------------------------
    def depth(self, y):
        return max(1e-3, (y - self.horizon) / (IMAGE_HEIGHT - self.horizon))

    def road_x(self, y, u):
        """x of the road coordinate ``u`` (-1 left edge, +1 right edge) at image row ``y``."""
        return self.vx + u * self.road_half * self.depth(y)

    def scale(self, y):
        return self.ppm * self.depth(y)


def _background(sc: _Scene, img: Image.Image, draw: ImageDraw.ImageDraw, rng, distract):
    W, H = IMAGE_WIDTH, IMAGE_HEIGHT
    hz = sc.horizon
    p = sc.paint
    # sky gradient
    top, bottom = sc.sky
    for y in range(0, int(hz) + 1, 4):
        draw.rectangle([0, y, W, y + 4], fill=_shade(_mix(top, bottom, y / hz), 1.0))
    # ground
    ground = _jit((95, 110, 70) if rng.random() < 0.5 else (120, 115, 105), rng, 12)
    draw.rectangle([0, hz, W, H], fill=p(ground, 0.6))
    # buildings along both sides, on the far side of the sidewalks
    for side in (-1, 1):
        x = sc.vx + side * 5
        while (side < 0 and x > -200) or (side > 0 and x < W + 200):
            bw = rng.uniform(60, 260)
            bh = rng.uniform(80, 330)
            d = min(1.0, abs(x - sc.vx) / (W * 0.8) + 0.05)
            base = hz + 6 + d * 40
            col = _jit(_WALLS[rng.integers(len(_WALLS))], rng, 15)
            x0, x1 = (x - bw, x) if side < 0 else (x, x + bw)
            draw.rectangle([x0, base - bh * (0.3 + d), x1, base], fill=p(col, 0.2 + 0.5 * d))
            # windows
            wc = (250, 230, 150) if sc.tod in ("night", "dusk") and rng.random() < 0.6 else (70, 90, 110)
            nx, ny = int(rng.integers(2, 6)), int(rng.integers(2, 8))
            for i in range(nx):
                for j in range(ny):
                    if rng.random() < 0.8:
                        wx = x0 + (i + 0.3) * (x1 - x0) / nx
                        wy = base - bh * (0.3 + d) + (j + 0.3) * bh * (0.3 + d) / ny
                        draw.rectangle([wx, wy, wx + 0.4 * (x1 - x0) / nx, wy + 0.45 * bh * (0.3 + d) / ny],
                                       fill=p(wc, 0.3))
            x += side * bw * rng.uniform(1.0, 1.3)
    # sidewalks (a lighter band on each side of the road)
    walk = p(_jit((170, 165, 155), rng, 12), 0.8)
    road = p(_jit((75, 75, 80) if rng.random() < 0.7 else (105, 100, 95), rng, 8), 0.8)
    for side in (-1, 1):
        outer = sc.vx + side * (sc.road_half + sc.walk)
        draw.polygon([(sc.vx, hz), (outer, H + 1), (sc.vx + side * sc.road_half, H + 1)], fill=walk)
    draw.polygon([(sc.vx, hz), (sc.vx - sc.road_half, H + 1), (sc.vx + sc.road_half, H + 1)], fill=road)
    # lane markings: dashed lines toward the vanishing point
    lanes = int(rng.integers(2, 5))
    line = p((235, 235, 225) if rng.random() < 0.8 else (240, 200, 40), 0.9)
    for k in range(1, lanes):
        u = -1 + 2 * k / lanes
        y = hz + 4
        while y < H:
            seg = 6 + 50 * sc.depth(y) ** 1.2
            y2 = min(H, y + seg)
            w1, w2 = 1 + 6 * sc.depth(y), 1 + 6 * sc.depth(y2)
            x1, x2 = sc.road_x(y, u), sc.road_x(y2, u)
            draw.polygon([(x1 - w1, y), (x1 + w1, y), (x2 + w2, y2), (x2 - w2, y2)], fill=line)
            y = y2 + seg * 1.1
    # road-edge lines
    for u in (-0.98, 0.98):
        draw.line([(sc.road_x(hz + 2, u), hz + 2), (sc.road_x(H, u), H)], fill=line, width=4)
    # road texture: cracks and patches
    for _ in range(int(rng.integers(3, 12))):
        y = rng.uniform(hz + 20, H)
        x = sc.road_x(y, rng.uniform(-0.9, 0.9))
        r = 3 + 30 * sc.depth(y) * rng.uniform(0.3, 1)
        draw.ellipse([x - r * 2, y - r * 0.4, x + r * 2, y + r * 0.4], fill=_shade(road, rng.uniform(0.75, 1.2)))
    # distractors: car-coloured walls and boxes on the sidewalks
    if distract:
        for _ in range(int(rng.integers(0, 3))):
            y = rng.uniform(hz + 20, H)
            side = rng.choice([-1, 1])
            x = sc.road_x(y, side * rng.uniform(1.1, 1.5))
            s = sc.scale(y)
            w, h = s * rng.uniform(1.0, 3.0), s * rng.uniform(0.6, 1.4)
            col = _CAR_COLORS[rng.integers(len(_CAR_COLORS))]
            draw.rectangle([x - w / 2, y - h, x + w / 2, y], fill=sc.paint(col, sc.depth(y)))
    return walk


# ----------------------------------------------------------------------------- objects
def _wheel(draw, cx, cy, r, p, depth):
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=p((20, 20, 22), depth))
    draw.ellipse([cx - r * 0.45, cy - r * 0.45, cx + r * 0.45, cy + r * 0.45], fill=p((120, 120, 125), depth))


def _shadow(draw, x0, x1, yb, h, p, depth):
    draw.ellipse([x0 - 0.05 * (x1 - x0), yb - 0.06 * h, x1 + 0.05 * (x1 - x0), yb + 0.06 * h],
                 fill=p((25, 25, 28), depth))


def _draw_car(draw, sc, rng, x, yb, h, w, side_view, night):
    p, d = sc.paint, sc.depth(yb)
    col = _jit(_CAR_COLORS[rng.integers(len(_CAR_COLORS))], rng, 10)
    glass = _jit((50, 70, 90), rng, 10)
    x0, x1, y0 = x - w / 2, x + w / 2, yb - h
    _shadow(draw, x0, x1, yb, h, p, d)
    if side_view:
        flip = rng.random() < 0.5
        body_top = yb - 0.62 * h
        draw.rounded_rectangle([x0, body_top, x1, yb - 0.16 * h], radius=max(1, 0.12 * h), fill=p(col, d))
        c0, c1 = (x0 + 0.22 * w, x0 + 0.78 * w)
        lean = 0.12 * w
        cab = [(c0 + (lean if flip else 0.04 * w), y0), (c1 - (0.04 * w if flip else lean), y0),
               (c1 + 0.06 * w, body_top), (c0 - 0.06 * w, body_top)]
        draw.polygon(cab, fill=p(col, d))
        inset = 0.1 * h
        draw.polygon([(cab[0][0] + inset * 0.6, y0 + inset), (cab[1][0] - inset * 0.6, y0 + inset),
                      (cab[2][0] - inset, body_top), (cab[3][0] + inset, body_top)], fill=p(glass, d))
        draw.line([((c0 + c1) / 2, y0 + inset), ((c0 + c1) / 2, body_top)], fill=p(col, d), width=max(1, int(0.04 * h)))
        r = 0.2 * h
        for cx in (x0 + 0.2 * w, x1 - 0.2 * w):
            _wheel(draw, cx, yb - r, r, p, d)
        lamp = (255, 240, 180) if flip else (220, 30, 30)
        draw.rectangle([x1 - 0.03 * w, body_top + 0.05 * h, x1, body_top + 0.15 * h], fill=p(lamp, d))
    else:
        # front or rear view
        rear = rng.random() < 0.7
        draw.rectangle([x0 + 0.06 * w, yb - 0.2 * h, x0 + 0.2 * w, yb], fill=p((20, 20, 22), d))
        draw.rectangle([x1 - 0.2 * w, yb - 0.2 * h, x1 - 0.06 * w, yb], fill=p((20, 20, 22), d))
        draw.rounded_rectangle([x0, yb - 0.62 * h, x1, yb - 0.12 * h], radius=max(1, 0.1 * h), fill=p(col, d))
        draw.polygon([(x0 + 0.15 * w, y0), (x1 - 0.15 * w, y0), (x1 - 0.04 * w, yb - 0.6 * h),
                      (x0 + 0.04 * w, yb - 0.6 * h)], fill=p(col, d))
        draw.polygon([(x0 + 0.2 * w, y0 + 0.07 * h), (x1 - 0.2 * w, y0 + 0.07 * h), (x1 - 0.1 * w, yb - 0.62 * h),
                      (x0 + 0.1 * w, yb - 0.62 * h)], fill=p(glass, d))
        lamp = (230, 25, 25) if rear else (255, 245, 200)
        if night:
            lamp = (255, 60, 50) if rear else (255, 255, 235)
        for lx in (x0 + 0.04 * w, x1 - 0.2 * w):
            draw.rectangle([lx, yb - 0.52 * h, lx + 0.16 * w, yb - 0.42 * h],
                           fill=lamp if night else p(lamp, d))
        draw.rectangle([x - 0.14 * w, yb - 0.34 * h, x + 0.14 * w, yb - 0.24 * h], fill=p((230, 230, 230), d))


def _draw_bus(draw, sc, rng, x, yb, h, w, side_view, night):
    p, d = sc.paint, sc.depth(yb)
    col = _jit(_BUS_COLORS[rng.integers(len(_BUS_COLORS))], rng, 8)
    glass = _jit((40, 55, 70), rng, 8) if not night else (200, 190, 140)
    x0, x1, y0 = x - w / 2, x + w / 2, yb - h
    _shadow(draw, x0, x1, yb, h, p, d)
    draw.rounded_rectangle([x0, y0, x1, yb - 0.08 * h], radius=max(1, 0.06 * h), fill=p(col, d))
    if side_view:
        n = max(3, int(round(w / h * 2.2)))
        for i in range(n):
            wx0 = x0 + 0.03 * w + i * (0.94 * w / n)
            draw.rectangle([wx0 + 0.01 * w, y0 + 0.15 * h, wx0 + 0.94 * w / n - 0.01 * w, y0 + 0.5 * h],
                           fill=p(glass, d))
        door = x0 + rng.uniform(0.1, 0.3) * w
        draw.rectangle([door, y0 + 0.15 * h, door + 0.07 * w, yb - 0.12 * h], fill=p(glass, d))
        draw.rectangle([x0, y0 + 0.62 * h, x1, y0 + 0.68 * h], fill=p(_shade(col, 0.6), d))
        r = 0.14 * h
        for cx in (x0 + 0.15 * w, x1 - 0.18 * w):
            _wheel(draw, cx, yb - r, r, p, d)
    else:
        draw.rectangle([x0 + 0.06 * w, y0 + 0.08 * h, x1 - 0.06 * w, y0 + 0.5 * h], fill=p(glass, d))
        draw.rectangle([x0 + 0.2 * w, y0 + 0.02 * h, x1 - 0.2 * w, y0 + 0.07 * h], fill=p((30, 30, 30), d))
        lamp = (255, 250, 220) if night else p((250, 230, 180), d)
        for lx in (x0 + 0.06 * w, x1 - 0.18 * w):
            draw.rectangle([lx, yb - 0.25 * h, lx + 0.12 * w, yb - 0.18 * h], fill=lamp)
        draw.rectangle([x0 + 0.08 * w, yb - 0.08 * h, x0 + 0.22 * w, yb], fill=p((20, 20, 22), d))
        draw.rectangle([x1 - 0.22 * w, yb - 0.08 * h, x1 - 0.08 * w, yb], fill=p((20, 20, 22), d))


def _draw_truck(draw, sc, rng, x, yb, h, w, side_view, night):
    p, d = sc.paint, sc.depth(yb)
    cab = _jit(_TRUCK_COLORS[rng.integers(len(_TRUCK_COLORS))], rng, 10)
    box = _jit(_TRUCK_COLORS[rng.integers(len(_TRUCK_COLORS))], rng, 10)
    x0, x1, y0 = x - w / 2, x + w / 2, yb - h
    _shadow(draw, x0, x1, yb, h, p, d)
    if side_view:
        right = rng.random() < 0.5
        cw = 0.24 * w
        bx0, bx1 = (x0, x1 - cw - 0.02 * w) if right else (x0 + cw + 0.02 * w, x1)
        cx0, cx1 = (x1 - cw, x1) if right else (x0, x0 + cw)
        draw.rectangle([bx0, y0, bx1, yb - 0.2 * h], fill=p(box, d))
        draw.line([(bx0, y0 + 0.1 * h), (bx1, y0 + 0.1 * h)], fill=p(_shade(box, 0.7), d), width=max(1, int(0.02 * h)))
        draw.rectangle([cx0, y0 + 0.3 * h, cx1, yb - 0.18 * h], fill=p(cab, d))
        gx0, gx1 = (cx0 + 0.35 * cw, cx1 - 0.08 * cw) if right else (cx0 + 0.08 * cw, cx1 - 0.35 * cw)
        draw.rectangle([gx0, y0 + 0.36 * h, gx1, y0 + 0.55 * h], fill=p((50, 70, 90), d))
        draw.rectangle([x0, yb - 0.2 * h, x1, yb - 0.15 * h], fill=p((40, 40, 40), d))
        r = 0.12 * h
        for cxw in ((x0 + 0.12 * w, x0 + 0.25 * w, x1 - 0.12 * w) if right else
                    (x0 + 0.12 * w, x1 - 0.25 * w, x1 - 0.12 * w)):
            _wheel(draw, cxw, yb - r, r, p, d)
    else:
        draw.rectangle([x0, y0, x1, yb - 0.12 * h], fill=p(box, d))
        draw.line([(x, y0 + 0.05 * h), (x, yb - 0.16 * h)], fill=p(_shade(box, 0.6), d), width=max(1, int(0.02 * w)))
        for fy in (0.3, 0.6):
            draw.line([(x0 + 0.03 * w, y0 + fy * h), (x1 - 0.03 * w, y0 + fy * h)],
                      fill=p(_shade(box, 0.8), d), width=max(1, int(0.015 * h)))
        draw.rectangle([x0, yb - 0.12 * h, x1, yb - 0.06 * h], fill=p((40, 40, 40), d))
        lamp = (255, 60, 50) if night else p((220, 40, 30), d)
        for lx in (x0 + 0.03 * w, x1 - 0.11 * w):
            draw.rectangle([lx, yb - 0.2 * h, lx + 0.08 * w, yb - 0.14 * h], fill=lamp)
        draw.rectangle([x0 + 0.08 * w, yb - 0.06 * h, x0 + 0.3 * w, yb], fill=p((20, 20, 22), d))
        draw.rectangle([x1 - 0.3 * w, yb - 0.06 * h, x1 - 0.08 * w, yb], fill=p((20, 20, 22), d))


def _draw_person(draw, sc, rng, x, yb, h, w, side_view, night):
    p, d = sc.paint, sc.depth(yb)
    skin = _SKIN[rng.integers(len(_SKIN))]
    top = _jit(_CLOTHES[rng.integers(len(_CLOTHES))], rng, 10)
    legs = _jit(_CLOTHES[rng.integers(len(_CLOTHES))], rng, 10)
    y0 = yb - h
    hr = 0.065 * h
    draw.ellipse([x - hr, y0, x + hr, y0 + 2 * hr], fill=p(skin, d))
    draw.chord([x - hr * 1.05, y0 - hr * 0.1, x + hr * 1.05, y0 + hr * 1.4], 180, 360,
               fill=p(_jit((40, 30, 25), rng, 15), d))
    sh = y0 + 2.1 * hr
    hip = yb - 0.47 * h
    draw.rounded_rectangle([x - 0.5 * w * 0.8, sh, x + 0.5 * w * 0.8, hip], radius=max(1, 0.03 * h), fill=p(top, d))
    stride = rng.uniform(0.0, 0.45) * w
    lw = max(1, int(0.11 * h))
    draw.line([(x - 0.15 * w, hip), (x - 0.15 * w - stride, yb - 0.02 * h)], fill=p(legs, d), width=lw)
    draw.line([(x + 0.15 * w, hip), (x + 0.15 * w + stride, yb - 0.02 * h)], fill=p(legs, d), width=lw)
    aw = max(1, int(0.07 * h))
    swing = rng.uniform(-0.3, 0.3) * w
    draw.line([(x - 0.4 * w, sh + 0.02 * h), (x - 0.45 * w + swing, hip + 0.05 * h)], fill=p(top, d), width=aw)
    draw.line([(x + 0.4 * w, sh + 0.02 * h), (x + 0.45 * w - swing, hip + 0.05 * h)], fill=p(top, d), width=aw)
    draw.ellipse([x - 0.5 * w, yb - 0.03 * h, x + 0.5 * w, yb + 0.01 * h], fill=p((20, 20, 20), d))


def _draw_bicycle(draw, sc, rng, x, yb, h, w, side_view, night, motor=False):
    p, d = sc.paint, sc.depth(yb)
    frame = _jit(_CAR_COLORS[rng.integers(len(_CAR_COLORS))], rng, 15)
    x0, x1, y0 = x - w / 2, x + w / 2, yb - h
    lw = max(1, int(0.05 * h))
    if side_view:
        r = (0.3 if motor else 0.33) * h
        rear, front = (x0 + r, x1 - r) if rng.random() < 0.5 else (x1 - r, x0 + r)
        cy = yb - r
        for cx in (rear, front):
            if motor:
                _wheel(draw, cx, cy, r, p, d)
            else:
                draw.ellipse([cx - r, cy - r, cx + r, cy + r], outline=p((25, 25, 25), d), width=max(1, int(0.06 * h)))
                draw.ellipse([cx - 0.1 * r, cy - 0.1 * r, cx + 0.1 * r, cy + 0.1 * r], fill=p((90, 90, 90), d))
        sgn = 1 if front > rear else -1
        if motor:
            draw.polygon([(rear + sgn * 0.3 * r, cy - 0.2 * r), (front - sgn * 0.6 * r, cy - 0.1 * r),
                          (front - sgn * 0.3 * r, y0 + 0.25 * h), (rear + sgn * 0.8 * r, y0 + 0.3 * h)],
                         fill=p(frame, d))
            draw.rectangle([min(rear, rear + sgn * 1.2 * r), y0 + 0.22 * h, max(rear, rear + sgn * 1.2 * r),
                            y0 + 0.32 * h], fill=p((20, 20, 20), d))
            draw.line([(front, cy), (front - sgn * 0.4 * r, y0)], fill=p((60, 60, 60), d), width=lw)
            draw.line([(front - sgn * 0.4 * r, y0), (front - sgn * 0.9 * r, y0)], fill=p((40, 40, 40), d), width=lw)
        else:
            pedal = (rear + front) / 2
            seat = (rear + sgn * 0.55 * r, y0 + 0.12 * h)
            bar = (front - sgn * 0.3 * r, y0 + 0.05 * h)
            for a, b in ((rear, cy), (pedal, cy)), ((pedal, cy), seat), ((seat[0], seat[1]), bar), \
                        ((pedal, cy), bar), (bar, (front, cy)), ((rear, cy), seat):
                draw.line([a, b], fill=p(frame, d), width=lw)
            draw.line([(seat[0] - 0.15 * r, seat[1]), (seat[0] + 0.15 * r, seat[1])], fill=p((20, 20, 20), d), width=lw + 1)
            draw.line([(bar[0], bar[1]), (bar[0] - sgn * 0.3 * r, y0)], fill=p((30, 30, 30), d), width=lw)
    else:
        # front/back view: a thin wheel, a handle bar
        draw.rectangle([x - 0.12 * w, yb - 0.6 * h, x + 0.12 * w, yb], fill=p((25, 25, 25), d))
        draw.line([(x0, y0 + 0.05 * h), (x1, y0 + 0.05 * h)], fill=p((40, 40, 40), d), width=lw)
        draw.rectangle([x - 0.2 * w, y0 + 0.05 * h, x + 0.2 * w, yb - 0.55 * h], fill=p(frame, d))
        if motor:
            draw.ellipse([x - 0.18 * w, y0 + 0.15 * h, x + 0.18 * w, y0 + 0.33 * h], fill=(255, 250, 220) if night else p((240, 230, 190), d))


def _draw_light(draw, sc, rng, x, y_top, h, w, night, pole=True):
    """Traffic light housing with its top at ``y_top``; the pole below it is not part of the box."""
    p, d = sc.paint, sc.depth(sc.yb_of_pole)
    housing = (25, 25, 25) if rng.random() < 0.7 else (60, 70, 40)
    x0, x1 = x - w / 2, x + w / 2
    if pole:
        pw = max(1, 0.12 * w)
        draw.rectangle([x - pw, y_top + h, x + pw, sc.yb_of_pole], fill=p((70, 72, 75), d))
    draw.rounded_rectangle([x0, y_top, x1, y_top + h], radius=max(1, 0.15 * w), fill=p(housing, d))
    lit = int(rng.integers(3))
    on = [(255, 40, 30), (255, 190, 20), (40, 230, 90)]
    off = [(70, 20, 20), (70, 60, 15), (15, 60, 30)]
    r = 0.32 * w
    for k in range(3):
        cy = y_top + (k + 0.5) * h / 3
        c = on[k] if k == lit else off[k]
        draw.ellipse([x - r, cy - r, x + r, cy + r], fill=c if (k == lit and night) else p(c, d))


def _draw_stop(draw, sc, rng, x, y_top, h, w, night, pole=True):
    p, d = sc.paint, sc.depth(sc.yb_of_pole)
    r = h / 2
    cy = y_top + r
    if pole:
        pw = max(1, 0.05 * w)
        draw.rectangle([x - pw, cy, x + pw, sc.yb_of_pole], fill=p((150, 150, 155), d))
    pts = [(x + r * np.cos(np.pi / 8 + k * np.pi / 4), cy + r * np.sin(np.pi / 8 + k * np.pi / 4)) for k in range(8)]
    draw.polygon(pts, fill=p((240, 240, 240), d))
    pts = [(x + 0.88 * r * np.cos(np.pi / 8 + k * np.pi / 4), cy + 0.88 * r * np.sin(np.pi / 8 + k * np.pi / 4))
           for k in range(8)]
    draw.polygon(pts, fill=p((200, 20, 30), d))
    # four letter blocks suggesting "STOP"
    lh, lw = 0.3 * r, 0.28 * r
    for k in range(4):
        lx = x - 0.72 * r + k * 0.37 * r
        draw.rectangle([lx, cy - lh / 2, lx + lw, cy + lh / 2], outline=p((245, 245, 245), d),
                       width=max(1, int(0.07 * r)))


_VEHICLE_DRAW = {CAR: _draw_car, BUS: _draw_bus, TRUCK: _draw_truck, PERSON: _draw_person,
                 BICYCLE: _draw_bicycle, MOTORBIKE: lambda *a: _draw_bicycle(*a, motor=True)}


def _draw_distractor_pole(draw, sc, rng, x, yb, night):
    """A bare pole or a street lamp (looks like a traffic-light pole)."""
    s = sc.scale(yb)
    p, d = sc.paint, sc.depth(yb)
    ph = s * rng.uniform(2.5, 5.0)
    pw = max(1, s * 0.06)
    draw.rectangle([x - pw, yb - ph, x + pw, yb], fill=p((80, 82, 85), d))
    if rng.random() < 0.6:   # street lamp head
        arm = s * rng.uniform(0.4, 1.0) * rng.choice([-1, 1])
        draw.line([(x, yb - ph), (x + arm, yb - ph)], fill=p((80, 82, 85), d), width=max(1, int(pw)))
        draw.ellipse([x + arm - s * 0.2, yb - ph - s * 0.06, x + arm + s * 0.2, yb - ph + s * 0.1],
                     fill=(255, 240, 190) if night else p((200, 200, 190), d))
    elif rng.random() < 0.5:  # a dark box like a traffic light without lamps
        draw.rectangle([x - s * 0.2, yb - ph, x + s * 0.2, yb - ph + s * 0.5], fill=p((40, 40, 40), d))


# ----------------------------------------------------------------------------- placement
def _iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    ua = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / ua if ua > 0 else 0.0


def _cover(back, front):
    """Fraction of ``back`` hidden by ``front``."""
    ix = max(0.0, min(back[2], front[2]) - max(back[0], front[0]))
    iy = max(0.0, min(back[3], front[3]) - max(back[1], front[1]))
    area = max(1e-6, (back[2] - back[0]) * (back[3] - back[1]))
    return ix * iy / area


_CLASS_P = np.array([0.34, 0.08, 0.08, 0.2, 0.07, 0.07, 0.09, 0.07])


def _plan_objects(sc: _Scene, rng):
    """Sample object classes, positions and sizes; returns a list of dicts (unsorted)."""
    n_target = int(min(15, rng.poisson(8.0)))
    objs = []
    tries = 0
    while len(objs) < n_target and tries < n_target * 8:
        tries += 1
        cls = int(rng.choice(8, p=_CLASS_P))
        height, (front_r, side_r) = _SIZE[cls]
        # ground row: depth^0.7 spreads objects toward the horizon (smaller sizes)
        dmin = 15.0 / (sc.ppm * height * 1.15)
        dep = dmin + (1.25 - dmin) * rng.random() ** 1.35
        yb = sc.horizon + dep * (IMAGE_HEIGHT - sc.horizon)
        s = sc.ppm * dep * rng.uniform(0.9, 1.1)
        h = height * s * rng.uniform(0.9, 1.1)
        side_view = bool(rng.random() < 0.35) if cls in (CAR, BUS, TRUCK) else bool(rng.random() < 0.75)
        if cls == PERSON:
            side_view = False
        w = h * (side_r if side_view else front_r) * rng.uniform(0.92, 1.08)
        if cls in (CAR, BUS, TRUCK):
            u = rng.uniform(-0.85, 0.85)
            if rng.random() < 0.2:
                u = rng.choice([-1, 1]) * rng.uniform(0.85, 1.05)   # parked at the kerb
        elif cls in (BICYCLE, MOTORBIKE):
            u = rng.uniform(-1.4, 1.4) if cls == BICYCLE else rng.uniform(-0.9, 0.9)
        elif cls == PERSON:
            u = rng.choice([-1, 1]) * rng.uniform(1.05, 1.6) if rng.random() < 0.8 else rng.uniform(-1, 1)
        else:
            u = rng.choice([-1, 1]) * rng.uniform(1.02, 1.35)
        x = sc.vx + u * sc.road_half * dep + rng.normal(0, 0.02) * IMAGE_WIDTH
        if cls in (LIGHT, STOP):
            pole = height * s * (rng.uniform(2.6, 4.0) if cls == LIGHT else rng.uniform(1.8, 2.6))
            overhead = cls == LIGHT and rng.random() < 0.25
            y_top = yb - pole - h
            box = (x - w / 2, y_top, x + w / 2, y_top + h)
            o = dict(cls=cls, x=x, yb=yb, y_top=y_top, h=h, w=w, box=box, pole=not overhead,
                     overhead=overhead, s=s)
        else:
            box = (x - w / 2, yb - h, x + w / 2, yb)
            o = dict(cls=cls, x=x, yb=yb, h=h, w=w, box=box, side=side_view)
        # keep objects apart enough for class-agnostic NMS (IoU < 0.35, at most 55 % hidden)
        ok = True
        for q in objs:
            if _iou(box, q["box"]) > 0.35:
                ok = False
                break
            back, front = (box, q["box"]) if yb < q["yb"] else (q["box"], box)
            if _cover(back, front) > 0.55:
                ok = False
                break
        if ok:
            objs.append(o)
    return objs


def _visible_box(box):
    x0, y0, x1, y1 = box
    cx0, cy0 = max(0.0, x0), max(0.0, y0)
    cx1, cy1 = min(float(IMAGE_WIDTH), x1), min(float(IMAGE_HEIGHT), y1)
    if cx1 - cx0 < 6 or cy1 - cy0 < 6:
        return None
    full = (x1 - x0) * (y1 - y0)
    if (cx1 - cx0) * (cy1 - cy0) < 0.4 * full:
        return None
    return cx0, cy0, cx1, cy1


def _camera(img: Image.Image, sc: _Scene, rng) -> Image.Image:
    """Lens blur, horizontal motion blur and sensor noise (exposure and tint are in the painter)."""
    r = rng.random()
    if r < 0.35:
        img = img.filter(ImageFilter.BoxBlur(float(rng.uniform(0.5, 1.5))))
    elif r < 0.55:   # horizontal motion blur over 3 or 5 pixels
        k = int(rng.choice([3, 5]))
        kernel = [0.0] * 10 + ([0.0] * ((5 - k) // 2) + [1.0] * k + [0.0] * ((5 - k) // 2)) + [0.0] * 10
        img = img.filter(ImageFilter.Kernel((5, 5), kernel, scale=k))
    amp = int(round(rng.uniform(2.0, 14.0) * (1.6 if sc.tod == "night" else 1.0)))
    noise_rng = np.random.default_rng(rng.integers(2**32))
    arr = np.asarray(img).astype(np.int16)
    arr += noise_rng.integers(-amp, amp + 1, size=arr.shape, dtype=np.int16)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def render_scene(rng: np.random.Generator) -> tuple[Image.Image, np.ndarray]:
    """Draw one 1280x720 scene from ``rng``; returns ``(PIL image, boxes (n, 5) float32)``."""
    sc = _Scene(rng)
    night = sc.tod == "night"
    img = Image.new("RGB", (IMAGE_WIDTH, IMAGE_HEIGHT))
    draw = _Draw(img)
    _background(sc, img, draw, rng, distract=True)
    objs = _plan_objects(sc, rng)
    # distractor poles and trees join the depth order as anonymous items
    extras = []
    for _ in range(int(rng.integers(0, 4))):
        yb = sc.horizon + rng.uniform(0.08, 1.1) * (IMAGE_HEIGHT - sc.horizon)
        u = rng.choice([-1, 1]) * rng.uniform(1.02, 1.5)
        extras.append(dict(cls=-1, yb=yb, x=sc.vx + u * sc.road_half * sc.depth(yb)))
    for _ in range(int(rng.integers(0, 4))):
        yb = sc.horizon + rng.uniform(0.05, 1.2) * (IMAGE_HEIGHT - sc.horizon)
        u = rng.choice([-1, 1]) * rng.uniform(1.2, 2.2)
        extras.append(dict(cls=-2, yb=yb, x=sc.vx + u * sc.road_half * sc.depth(yb)))
    items = sorted(objs + extras, key=lambda o: o["yb"])
    boxes = []
    for o in items:
        cls = o["cls"]
        if cls == -1:
            _draw_distractor_pole(draw, sc, rng, o["x"], o["yb"], night)
            continue
        if cls == -2:   # tree
            s, d = sc.scale(o["yb"]), sc.depth(o["yb"])
            th = s * rng.uniform(2.5, 4.5)
            draw.rectangle([o["x"] - 0.12 * s, o["yb"] - th, o["x"] + 0.12 * s, o["yb"]],
                           fill=sc.paint((80, 60, 40), d))
            cr = s * rng.uniform(0.8, 1.6)
            leaf = _jit((50, 110, 45), rng, 20)
            for _ in range(3):
                cx, cy = o["x"] + rng.normal(0, 0.4 * cr), o["yb"] - th + rng.normal(0, 0.3 * cr)
                draw.ellipse([cx - cr, cy - cr, cx + cr, cy + cr], fill=sc.paint(leaf, d))
            continue
        if cls in (LIGHT, STOP):
            sc.yb_of_pole = o["yb"]
            if o.get("overhead"):
                d = sc.depth(o["yb"])
                arm_y = o["y_top"] - 0.05 * o["h"]
                side = -1 if o["x"] > sc.vx else 1
                draw.rectangle([o["x"] - 0.06 * o["w"], arm_y, o["x"] + side * 3 * o["w"], arm_y + 0.12 * o["w"]],
                               fill=sc.paint((70, 72, 75), d))
            fn = _draw_light if cls == LIGHT else _draw_stop
            fn(draw, sc, rng, o["x"], o["y_top"], o["h"], o["w"], night, pole=o["pole"])
        else:
            _VEHICLE_DRAW[cls](draw, sc, rng, o["x"], o["yb"], o["h"], o["w"], o["side"], night)
        vis = _visible_box(o["box"])
        if vis is not None:
            boxes.append((cls, *vis))
    img = _camera(img, sc, rng)
    arr = np.array(boxes, dtype=np.float32).reshape(-1, 5)
    return img, arr


def scene(split: str, index: int, seed: int | None = None) -> tuple[Image.Image, np.ndarray]:
    """Scene ``index`` of ``split`` ("train", "test", "showcase"): its own random stream."""
    seed = SEEDS[split] if seed is None else seed
    rng = np.random.default_rng([seed, _SPLIT_CODE[split], int(index)])
    return render_scene(rng)


def iter_scenes(split: str, n: int, start: int = 0, seed: int | None = None,
                progress: bool | Callable[[int], object] = False) -> Iterator[tuple[Image.Image, np.ndarray]]:
    """Yield ``n`` scenes of ``split``; ``progress=True`` shows a tqdm bar."""
    bar = None
    if progress is True:
        from tqdm.auto import tqdm

        bar = tqdm(total=n, desc=f"road scenes ({split})", leave=False)
        progress = bar.update
    try:
        for i in range(start, start + n):
            yield scene(split, i, seed)
            if progress:
                progress(1)
    finally:
        if bar is not None:
            bar.close()


def generate_scenes(split: str, n: int, size: tuple[int, int] | None = None, start: int = 0,
                    seed: int | None = None, progress=False) -> tuple[np.ndarray, list[np.ndarray]]:
    """``n`` scenes as a uint8 array ``(n, H, W, 3)`` and a list of box arrays.

    ``size=(width, height)`` resizes every image with BICUBIC (as ``preprocess_image``
    does); the boxes stay in the pixels of the 1280x720 original.
    """
    W, H = size or (IMAGE_WIDTH, IMAGE_HEIGHT)
    X = np.empty((n, H, W, 3), dtype=np.uint8)
    boxes = []
    for k, (img, b) in enumerate(iter_scenes(split, n, start, seed, progress)):
        if size is not None:
            img = img.resize((W, H), Image.BICUBIC)
        X[k] = np.asarray(img)
        boxes.append(b)
    return X, boxes


def annotation_rows(image_file: str, boxes: np.ndarray) -> list[dict]:
    """The spec's annotation rows: image file, class id and name, pixel corners."""
    return [{"image": image_file, "class_id": int(b[0]), "class": CLASS_NAMES[int(b[0])],
             "x_min": round(float(b[1]), 1), "y_min": round(float(b[2]), 1),
             "x_max": round(float(b[3]), 1), "y_max": round(float(b[4]), 1)} for b in boxes]


def scenes_checksum(split: str, n: int, start: int = 0) -> str:
    """sha256 over the pixels and boxes of ``n`` scenes (a determinism check)."""
    h = hashlib.sha256(GENERATOR_VERSION.encode())
    for img, b in iter_scenes(split, n, start):
        h.update(np.asarray(img).tobytes())
        h.update(np.round(b, 3).astype(np.float32).tobytes())
    return h.hexdigest()


def kmeans_anchors(wh: np.ndarray, k: int = 5, iters: int = 100, seed: int = 0) -> np.ndarray:
    """k-means on box sizes with the distance ``1 - IoU`` (boxes aligned at their centres).

    ``wh`` is ``(n, 2)`` widths and heights in any unit; returns ``(k, 2)`` centroids
    sorted by area.
    """
    wh = np.asarray(wh, dtype=np.float64)
    rng = np.random.default_rng(seed)
    cent = wh[rng.choice(len(wh), k, replace=False)].copy()
    for _ in range(iters):
        inter = np.minimum(wh[:, None, 0], cent[None, :, 0]) * np.minimum(wh[:, None, 1], cent[None, :, 1])
        iou = inter / (wh[:, None].prod(-1) + cent[None].prod(-1) - inter)
        assign = iou.argmax(1)
        new = np.array([np.median(wh[assign == j], axis=0) if np.any(assign == j) else cent[j] for j in range(k)])
        if np.allclose(new, cent):
            break
        cent = new
    return cent[np.argsort(cent.prod(1))]
