"""Synthetic driving scenes with a class id for every pixel, in the CARLA layout (w3a2 U-Net).

Every scene is drawn with Pillow and NumPy from its own random stream
``np.random.default_rng([seed, split_code, index])``: any scene can be drawn again on its
own, and a set of ``n`` scenes is the first ``n`` of a larger one.

What a scene holds
------------------
A 480x640 view from a car's windscreen (``IMAGE_HEIGHT x IMAGE_WIDTH``), drawn through a
pinhole camera: a ground point ``(u, y, z)`` metres (``u`` across the road, ``y`` up,
``z`` ahead) lands on pixel ``x = cx + f (X(u, z) - x_cam) / z``,
``row = horizon + f (h_cam - y) / z``, where ``X(u, z) = u + heading z + curve z^2`` bends
the road.  The street is straight, curved or crossed by a side road, with one to three
lanes each way, lane markings, crosswalks, sidewalks with curbs, parking lanes and
medians.  Beside it: rows of buildings with windows, standing walls, fences, hedges,
parks, plazas, rivers with quays, railway tracks, highway guard rails; on it: cars,
vans, trucks, buses, motorbikes and bicycles with riders, pedestrians alone and in
groups at 3-120 m, poles with lamps, traffic lights and signs, benches, bins, cones,
billboards; sometimes a bridge across the road and the hood of the ego car at the
bottom.  Time of day (day, overcast, dusk, night), sun side and cast shadows, haze,
camera roll (+-5 deg), height and focal length, texture noise, blur and colour jitter
vary from scene to scene.  Colours do not identify classes: grey asphalt, grey walls,
grey cars, grey poles and grey bridges share one palette, greens are shared by trees,
grass, cars and fences, and the sky's colour comes back in water and windows.

The class map uses the 23 ids of the CARLA simulator (``CLASS_NAMES``); the scenes hold 20
of them (``DRAWN_CLASSES``).  They are designed for the 96x128 pictures the U-Net trains
on (a 5x reduction with nearest neighbour):

- ground (14), static (19) and dynamic (20) are never drawn.  Paved areas beside the
  street (plazas, yards, park paths, paved medians) are sidewalk, gravel verges are
  terrain, and every street prop (benches, shelters, hydrants, bins, cones, barrels,
  billboards, kiosks, cabinets) is other (3): at 96x128 a bin, a bench and a billboard
  are a few pixels each, and CARLA's split of them into static, dynamic and other cannot
  be told apart there;
- poles and their arms are drawn at least 9 pixels wide (about 2 pixels after the
  reduction; a far pole looks a little thick, as through a soft lens), lamps and masts
  stand along the first 70 m, signs within 45 m, props within 28 m and people within
  40 m, so that each covers a few pixels of the small picture;
- railings and wire meshes are see-through veils whose whole span is fence.

Files
-----
``write_carla_folder(root, count)`` writes ``root/CameraRGB/000123.png`` (RGB) and
``root/CameraMask/000123.png`` (red = class id 0..22, green = blue = 0; lossless PNG) and a
stamp file ``root/STAMP.json`` (generator version, seed, split, count) written last, so
that a folder cut off half-way, or drawn by another version, is recognised and drawn again.
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

__all__ = ["GENERATOR_VERSION", "IMAGE_HEIGHT", "IMAGE_WIDTH", "N_CLASSES", "CLASS_NAMES", "CLASS_PALETTE", "SEEDS",
           "DRAWN_CLASSES", "DEFAULT_COUNT", "STAMP_NAME", "render_scene", "scene_rng", "scenes", "scenes_checksum",
           "mask_to_png_array", "write_carla_folder", "read_stamp", "folder_is_complete",
           "class_pixel_counts"]

#: Bump when a change to the drawing code changes any pixel.
GENERATOR_VERSION = "2.0.0"
IMAGE_HEIGHT, IMAGE_WIDTH = 480, 640
CLASS_NAMES = ("unlabeled", "building", "fence", "other", "pedestrian", "pole", "road line", "road",
               "sidewalk", "vegetation", "vehicle", "wall", "traffic sign", "sky", "ground", "bridge",
               "rail track", "guard rail", "traffic light", "static", "dynamic", "water", "terrain")
N_CLASSES = len(CLASS_NAMES)
#: The ids the scenes use (see the module docstring): all but ground (14), static (19), dynamic (20).
DRAWN_CLASSES = tuple(k for k in range(N_CLASSES) if k not in (14, 19, 20))
#: A colour per class for drawing masks (the simulator's documented semantic colours).
CLASS_PALETTE = ((0, 0, 0), (70, 70, 70), (100, 40, 40), (55, 90, 80), (220, 20, 60), (153, 153, 153),
                 (157, 234, 50), (128, 64, 128), (244, 35, 232), (107, 142, 35), (0, 0, 142), (102, 102, 156),
                 (220, 220, 0), (70, 130, 180), (81, 0, 81), (150, 100, 100), (230, 150, 140), (180, 165, 180),
                 (250, 170, 30), (110, 190, 160), (170, 120, 50), (45, 60, 150), (145, 170, 100))
#: Seeds of the splits: the files students train on, held-out scenes (other seeds), figures.
SEEDS = {"train": 5101, "test": 5202, "showcase": 5303}
_SPLIT_CODE = {"train": 0, "test": 1, "showcase": 2}
#: Pairs in the folder that ``cnnkit.seg.carla_directories`` makes (the original had 1060).
DEFAULT_COUNT = 1060
STAMP_NAME = "STAMP.json"

(UNLABELED, BUILDING, FENCE, OTHER, PEDESTRIAN, POLE, ROAD_LINE, ROAD, SIDEWALK, VEGETATION, VEHICLE,
 WALL, SIGN, SKY, GROUND, BRIDGE, RAIL, GUARD_RAIL, LIGHT, STATIC, DYNAMIC, WATER, TERRAIN) = range(23)

# The canvas is larger than the picture so that the camera roll never shows a corner.
_MX, _MY = 24, 32
_CW, _CH = IMAGE_WIDTH + 2 * _MX, IMAGE_HEIGHT + 2 * _MY
_ZNEAR, _ZFAR = 0.8, 400.0
# Sizes for the 96x128 pictures the U-Net trains on (a 5x reduction): thin upright things
# (poles, arms) are drawn at least ``2 * _MIN_HALF`` canvas pixels wide, about one pixel
# after the reduction, and small things (people, furniture, signs) stand no further than
# where they still cover a few pixels after it.
_MIN_HALF = 4.5
_PEOPLE_FAR, _FURNITURE_FAR, _POLES_FAR = 40.0, 28.0, 70.0

# ----------------------------------------------------------------------------- palettes
# Deliberately overlapping: the same greys, greens and blues serve several classes.
_GREYS = [(92, 92, 95), (120, 120, 122), (150, 150, 148), (176, 175, 170), (66, 66, 70), (200, 199, 194),
          (108, 106, 100), (138, 140, 146)]
_ASPHALT = [(72, 72, 76), (88, 88, 90), (104, 103, 101), (62, 64, 70), (118, 114, 108), (95, 92, 88),
            (130, 130, 132), (80, 78, 74)]
_PAVING = [(150, 148, 142), (170, 165, 155), (128, 126, 122), (176, 142, 122), (192, 186, 176), (140, 135, 150),
           (112, 112, 114), (160, 150, 130)]
_FACADES = [(190, 170, 150), (160, 120, 100), (200, 200, 190), (130, 130, 140), (170, 150, 120), (110, 90, 80),
            (210, 190, 160), (150, 160, 170), (120, 120, 122), (95, 95, 100), (225, 220, 210), (170, 75, 60),
            (80, 100, 120), (140, 150, 110), (200, 160, 120), (66, 66, 70)]
_CARS = [(200, 30, 35), (30, 60, 150), (235, 235, 235), (25, 25, 28), (150, 150, 155), (90, 95, 100),
         (20, 110, 60), (230, 180, 20), (120, 20, 30), (60, 130, 190), (180, 90, 30), (240, 240, 200),
         (120, 120, 122), (104, 103, 101), (176, 175, 170), (60, 80, 60), (85, 110, 140)]
_GREENS = [(60, 110, 45), (40, 85, 35), (85, 130, 50), (30, 65, 35), (110, 140, 60), (70, 100, 70),
           (95, 120, 55)]
_AUTUMN = [(150, 130, 40), (170, 90, 30), (120, 60, 30), (180, 150, 60)]
_TERRAIN = [(105, 140, 60), (125, 150, 70), (140, 125, 80), (120, 100, 70), (170, 150, 110), (95, 120, 55),
            (150, 150, 90), (110, 95, 80)]
_CLOTHES = [(30, 30, 35), (40, 60, 120), (150, 30, 40), (200, 200, 200), (90, 70, 50), (30, 110, 90),
            (220, 170, 40), (110, 60, 140), (230, 120, 140), (70, 70, 75), (120, 120, 122), (60, 110, 45)]
_SKIN = [(255, 224, 196), (236, 188, 150), (200, 150, 110), (150, 100, 70), (100, 65, 45)]
_BRIGHT = [(200, 30, 35), (30, 60, 150), (230, 180, 20), (20, 110, 60), (235, 235, 235), (240, 120, 20),
           (120, 20, 30), (60, 130, 190)]


def _clip8(v) -> int:
    return 0 if v < 0 else 255 if v > 255 else int(v + 0.5)


def _mix(c1, c2, t):
    return tuple(_clip8(a + (b - a) * t) for a, b in zip(c1, c2))


def _scale(c, k):
    return tuple(_clip8(v * k) for v in c)


class _Scene:
    """One scene being drawn: camera, lighting, the three canvases and the drawing primitives."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.img = Image.new("RGB", (_CW, _CH))
        self.lab = Image.new("L", (_CW, _CH), SKY)
        self.shade = Image.new("L", (_CW, _CH), 255)   # cast shadows, multiplied in at the end
        self.glow = Image.new("L", (_CW, _CH), 0)      # self-lit pixels (lamps, lit windows)
        self.dr, self.dl = ImageDraw.Draw(self.img), ImageDraw.Draw(self.lab)
        self.dv = ImageDraw.Draw(self.img, "RGBA")  # see-through surfaces blended over what is behind
        self.ds, self.dg = ImageDraw.Draw(self.shade), ImageDraw.Draw(self.glow)
        # camera
        self.f = float(rng.uniform(470, 620))
        self.cx = _CW / 2 + float(rng.uniform(-20, 20))
        self.hy = _MY + float(rng.uniform(0.33, 0.52)) * IMAGE_HEIGHT
        self.cam_h = float(rng.uniform(1.25, 1.9))
        curved = rng.random() < 0.4
        self.curve = float(rng.uniform(0.0012, 0.0045) * rng.choice([-1, 1])) if curved else 0.0
        self.curve_z = float(rng.uniform(40, 80))
        self.heading = float(rng.uniform(-0.05, 0.05))
        self.roll = float(rng.uniform(-5, 5))
        # light
        self.tod = str(rng.choice(["day", "day", "day", "overcast", "dusk", "night"]))
        self.night = self.tod in ("night", "dusk")
        sky = {"day": ((70, 130, 215), (185, 212, 238)), "overcast": ((150, 155, 165), (205, 206, 210)),
               "dusk": ((60, 55, 115), (245, 150, 90)), "night": ((8, 10, 25), (35, 38, 62))}[self.tod]
        self.sky_top, self.sky_low = (tuple(_clip8(v + rng.normal(0, 12)) for v in c) for c in sky)
        self.light = {"day": 1.0, "overcast": 0.86, "dusk": 0.72, "night": 0.4}[self.tod] * float(rng.uniform(0.85, 1.15))
        self.haze = float(rng.uniform(0.05, 0.6) if self.tod != "night" else rng.uniform(0.0, 0.3))
        self.haze_dist = float(rng.uniform(60, 250))
        self.haze_col = self.sky_low
        self.sun = int(rng.choice([-1, 1]))           # the sun shines from this side
        self.hard_shadows = self.tod in ("day", "dusk") and rng.random() < 0.85
        self.side_light = {self.sun: 1.0, -self.sun: float(rng.uniform(0.6, 0.85))} if self.hard_shadows \
            else {1: 1.0, -1: float(rng.uniform(0.85, 1.0))}
        self.shadow_k = float(rng.uniform(0.4, 1.6))  # shadow length per metre of height
        self.shadow_dz = float(rng.uniform(-0.6, 0.6))
        self.wet = rng.random() < 0.12
        self.items: list = []  # (sort key z, order, callable) for everything that stands up

    # -------------------------------------------------------------- geometry
    def X(self, u, z):
        c = self.curve
        if c == 0.0:
            return u + self.heading * z
        zc = self.curve_z
        bend = c * z * z if z < zc else c * zc * (2 * z - zc)
        return u + self.heading * z + bend

    def pt(self, u, y, z):
        """Pixel (x, row) on the canvas of the point ``(u, y, z)``."""
        z = max(z, 0.05)
        x = self.cx + self.f * (self.X(u, z) - self.cam_x) / z
        r = self.hy + self.f * (self.cam_h - y) / z
        return (max(-1e5, min(1e5, x)), max(-1e5, min(1e5, r)))

    def ppm(self, z):
        """Pixels per metre at distance ``z``."""
        return self.f / max(z, 0.05)

    def zs(self, z0, z1, n=None):
        """Distances from ``z0`` to ``z1`` (geometric); more samples on a curved road."""
        z0, z1 = max(z0, _ZNEAR), min(z1, _ZFAR)
        if z1 <= z0:
            return []
        if n is None:
            n = 2 if self.curve == 0.0 else max(3, int(math.log(z1 / z0) * 7) + 2)
        return list(np.geomspace(z0, z1, n))

    def row_of(self, z, y=0.0):
        return self.hy + self.f * (self.cam_h - y) / max(z, 0.05)

    def z_of_row(self, row, y=0.0):
        """Ground distance seen at canvas row ``row`` (inf above the horizon)."""
        d = row - self.hy
        return self.f * (self.cam_h - y) / d if d > 0 else float("inf")

    # -------------------------------------------------------------- colour
    def tone(self, c, z):
        """Haze toward the horizon: mix with the haze colour by ``haze (1 - exp(-z / haze_dist))``."""
        t = self.haze * (1.0 - math.exp(-z / self.haze_dist))
        return _mix(c, self.haze_col, t)

    def jit(self, c, sd=10.0):
        r = self.rng
        k = float(r.normal(1.0, 0.06))
        return tuple(_clip8(v * k + r.normal(0, sd)) for v in c)

    def pick(self, palette, sd=10.0):
        return self.jit(palette[int(self.rng.integers(len(palette)))], sd)

    # -------------------------------------------------------------- primitives
    def poly(self, pts, rgb, cls=None, z=10.0, glow=False):
        if len(pts) < 3:
            return
        self.dr.polygon(pts, fill=rgb if glow else self.tone(rgb, z))
        if cls is not None:
            self.dl.polygon(pts, fill=cls)
        if glow or self.night:
            self.dg.polygon(pts, fill=255 if glow else 0)

    def veil(self, pts, rgb, alpha, cls=None, z=10.0):
        """A see-through surface (mesh, railing): ``rgb`` blended over the picture with ``alpha`` in [0, 1]."""
        if len(pts) < 3:
            return
        self.dv.polygon(pts, fill=self.tone(rgb, z) + (_clip8(255 * alpha),))
        if cls is not None:
            self.dl.polygon(pts, fill=cls)
        if self.night:
            self.dg.polygon(pts, fill=0)

    def ellipse(self, box, rgb, cls=None, z=10.0, glow=False):
        x0, y0, x1, y1 = box
        box = [min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)]
        if box[2] - box[0] < 0.5 or box[3] - box[1] < 0.5:
            return
        self.dr.ellipse(box, fill=rgb if glow else self.tone(rgb, z))
        if cls is not None:
            self.dl.ellipse(box, fill=cls)
        if glow or self.night:
            self.dg.ellipse(box, fill=255 if glow else 0)

    def ground(self, u0, u1, z0, z1, rgb, cls=None, y=0.0, shade=None):
        """A flat strip ``u0..u1`` x ``z0..z1`` at height ``y`` (``shade``: draw it in the shadow map)."""
        zs = self.zs(z0, z1)
        if not zs:
            return
        pts = [self.pt(u0, y, z) for z in zs] + [self.pt(u1, y, z) for z in reversed(zs)]
        if shade is not None:
            self.ds.polygon(pts, fill=shade)
            return
        self.poly(pts, rgb, cls, z=zs[0] * 0.5 + zs[-1] * 0.5 if zs[-1] < 60 else zs[0] + 20)

    def side(self, u, z0, pts, rgb, cls=None, glow=False):
        """A polygon on the vertical plane ``u = const``; ``pts`` are ``(dz, y)`` metres from ``z0``."""
        if self.curve != 0.0 and len(pts) == 4 and abs(pts[1][0] - pts[0][0]) > 4:
            # a long wall on a curved road: bend its top and bottom edges
            (a0, y0), (a1, y1), (a2, y2), (a3, y3) = pts
            zs = self.zs(z0 + min(a0, a1), z0 + max(a0, a1))
            if not zs:
                return
            bottom = [self.pt(u, y0, z) for z in zs]
            top = [self.pt(u, y2, z) for z in reversed(zs)]
            self.poly(bottom + top, rgb, cls, z=z0 + 0.5 * (a0 + a1), glow=glow)
            return
        zmin = z0 + min(p[0] for p in pts)
        if z0 + max(p[0] for p in pts) < _ZNEAR:
            return
        if zmin < _ZNEAR:
            pts = [(max(a, _ZNEAR - z0), b) for a, b in pts]
        self.poly([self.pt(u, b, z0 + a) for a, b in pts], rgb, cls, z=max(zmin, _ZNEAR), glow=glow)

    def front(self, u0, z, pts, rgb, cls=None, glow=False):
        """A polygon on the plane ``z = const`` facing the camera; ``pts`` are ``(du, y)`` from ``u0``."""
        if z < _ZNEAR:
            return
        self.poly([self.pt(u0 + a, b, z) for a, b in pts], rgb, cls, z=z, glow=glow)

    def front_ellipse(self, u, y, z, rx, ry, rgb, cls=None, glow=False):
        if z < _ZNEAR:
            return
        x0, r0 = self.pt(u - rx, y + ry, z)
        x1, r1 = self.pt(u + rx, y - ry, z)
        self.ellipse((x0, r0, x1, r1), rgb, cls, z, glow)

    def visible(self, u, z, margin=3.0):
        """Whether a thing at ``(u, z)`` can land on the canvas (cheap culling)."""
        if z < _ZNEAR or z > _ZFAR:
            return False
        x, _ = self.pt(u, 0, z)
        return -margin * self.ppm(z) - 50 < x < _CW + margin * self.ppm(z) + 50

    def add(self, z, fn, order=0):
        self.items.append((float(z), order, len(self.items), fn))


# ============================================================================= layout
def _layout(s: _Scene):
    r = s.rng
    s.lane_w = float(r.uniform(2.9, 3.7))
    s.n_right = int(r.choice([1, 1, 2, 2, 2, 3]))
    s.n_left = int(r.choice([0, 1, 1, 1, 2, 2]))
    s.median = float(r.uniform(1.5, 5.0)) if s.n_left and s.n_right >= 2 and r.random() < 0.18 else 0.0
    s.median_kind = int(r.choice([TERRAIN, SIDEWALK, VEGETATION, TERRAIN]))
    s.median_guard = bool(s.median) and r.random() < 0.5
    s.road_r = s.n_right * s.lane_w + s.median / 2
    s.road_l = -(s.n_left * s.lane_w + s.median / 2) if s.n_left else -s.median / 2 - 0.0
    if not s.n_left:
        s.road_l = -0.3
    lane = int(r.integers(s.n_right))
    s.cam_x = s.median / 2 + (lane + 0.5) * s.lane_w + float(r.uniform(-0.4, 0.4))
    s.asphalt = s.pick(_ASPHALT, 6)
    if s.wet:
        s.asphalt = _scale(s.asphalt, 0.75)
    # the two sides of the street
    kinds = ["buildings"] * 10 + ["park"] * 3 + ["water"] * 4 + ["rail"] * 3 + ["highway"] * 2 + ["plaza"] * 4
    s.sides = {}
    highway = r.random() < 0.12
    for sd in (-1, 1):
        kind = "highway" if highway else str(r.choice(kinds))
        edge = s.road_r if sd > 0 else s.road_l
        park_lane = kind in ("buildings", "plaza") and r.random() < 0.35
        if park_lane:
            edge += sd * float(r.uniform(2.0, 2.5))
        walk = 0.0 if kind == "highway" else float(r.uniform(1.5, 3.0)) if kind == "water" else float(r.uniform(1.8, 5.5))
        s.sides[sd] = dict(kind=kind, edge=edge, park=park_lane, walk=walk, out=edge + sd * walk,
                           curb=float(r.uniform(0.1, 0.18)), paving=s.pick(_PAVING, 8),
                           end=float(r.uniform(60, 260)))
    # a crossing, a bridge, a level crossing
    s.cross = None
    if not highway and r.random() < 0.45:
        zc = float(r.uniform(12, 50))
        s.cross = (zc, zc + float(r.uniform(7, 14)))
    s.bridge = None
    if r.random() < 0.18:
        zb = float(r.uniform(22, 90))
        if s.cross is None or not (s.cross[0] - 6 < zb < s.cross[1] + 6):
            hd = float(r.uniform(4.8, 7.5))
            s.bridge = dict(z=zb, depth=float(r.uniform(6, 14)), under=hd, top=hd + float(r.uniform(1.0, 2.2)),
                            color=s.pick(_GREYS + [(70, 100, 80), (120, 80, 60), (80, 90, 120)], 8),
                            pillars=r.random() < 0.8, rail=r.random() < 0.7)
    s.level = None
    if not highway and s.bridge is None and r.random() < 0.06:
        zr = float(r.uniform(10, 45))
        if s.cross is None or not (s.cross[0] - 5 < zr < s.cross[1] + 5):
            s.level = zr
    s.hood = r.random() < 0.3
    # tram tracks along the middle of the street (their bed is rail track)
    s.tram = None
    if not highway and r.random() < 0.12:
        centre = s.median / 2 + s.lane_w * 0.5 if not s.n_left or r.random() < 0.4 else 0.0
        s.tram = (centre - 1.5, centre + 1.5)


def _gaps(s: _Scene):
    """Distance ranges where the side rows are interrupted (the crossing)."""
    return [s.cross] if s.cross else []


def _segments(s: _Scene, z0, z1):
    """``[z0, z1]`` minus the crossing, as a list of ranges."""
    out = [(z0, z1)]
    for a, b in _gaps(s):
        nxt = []
        for c, d in out:
            if d <= a or c >= b:
                nxt.append((c, d))
            else:
                if c < a:
                    nxt.append((c, a))
                if d > b:
                    nxt.append((b, d))
        out = nxt
    return [(a, b) for a, b in out if b - a > 0.2]


def _in_gap(s, z, pad=0.0):
    return any(a - pad < z < b + pad for a, b in _gaps(s))


# ============================================================================= background
def _sky(s: _Scene):
    r = s.rng
    hy = s.hy
    rows = np.arange(_CH, dtype=np.float32)[:, None]
    t = np.clip(rows / max(hy, 1.0), 0, 1) ** 1.4
    top, low = np.array(s.sky_top, np.float32), np.array(s.sky_low, np.float32)
    grad = top + (low - top) * t[..., None]
    sky = np.broadcast_to(grad, (_CH, _CW, 3)).astype(np.uint8)
    s.img.paste(Image.fromarray(np.ascontiguousarray(sky)))
    # clouds
    n = int(r.integers(0, 9)) if s.tod != "night" else int(r.integers(0, 3))
    cloud = _mix(s.sky_low, (245, 245, 245) if s.tod != "dusk" else (250, 190, 160), float(r.uniform(0.3, 0.8)))
    for _ in range(n):
        cx, cy = float(r.uniform(0, _CW)), float(r.uniform(0, hy * 0.8))
        w, h = float(r.uniform(40, 220)), float(r.uniform(10, 45))
        c = _mix(cloud, s.sky_top, float(r.uniform(0, 0.4)))
        for _ in range(int(r.integers(3, 7))):
            dx, dy = float(r.normal(0, w * 0.3)), float(r.normal(0, h * 0.25))
            ww, hh = w * float(r.uniform(0.3, 0.6)), h * float(r.uniform(0.4, 0.8))
            s.dr.ellipse([cx + dx - ww, cy + dy - hh, cx + dx + ww, cy + dy + hh], fill=c)
    if s.tod == "night" and r.random() < 0.5:  # the moon
        mx, my, mr = float(r.uniform(50, _CW - 50)), float(r.uniform(20, hy * 0.6)), float(r.uniform(5, 12))
        s.dr.ellipse([mx - mr, my - mr, mx + mr, my + mr], fill=(230, 230, 210))


def _far_background(s: _Scene):
    """Hills, tree lines and a skyline on the horizon (drawn on the canvas, far away)."""
    r = s.rng
    hy = s.hy
    x = np.linspace(-40, _CW + 40, 40)
    if r.random() < 0.55:  # hills
        base = float(r.uniform(5, 45))
        top = hy - base * (0.5 + 0.5 * np.abs(np.sin(x / r.uniform(60, 200) + r.uniform(0, 6)))) \
            - r.uniform(0, 10, size=x.shape)
        col = s.tone(s.pick(_TERRAIN + _GREENS[:3], 10), _ZFAR)
        s.dr.polygon(list(zip(x, top)) + [(_CW + 40, hy + 2), (-40, hy + 2)], fill=col)
        s.dl.polygon(list(zip(x, top)) + [(_CW + 40, hy + 2), (-40, hy + 2)], fill=TERRAIN)
    if r.random() < 0.6:  # a far skyline
        xx = -30.0
        col0 = s.pick(_FACADES, 10)
        while xx < _CW + 30:
            w = float(r.uniform(6, 40))
            h = float(r.uniform(4, 60)) * (1.0 if r.random() < 0.7 else 0.3)
            col = s.tone(_mix(col0, s.pick(_FACADES, 10), 0.5), _ZFAR * 0.7)
            if r.random() < 0.75:
                s.dr.rectangle([xx, hy - h, xx + w, hy + 1], fill=col)
                s.dl.rectangle([xx, hy - h, xx + w, hy + 1], fill=BUILDING)
            xx += w
    if r.random() < 0.6:  # a tree line
        col = s.tone(s.pick(_GREENS, 10), _ZFAR * 0.6)
        xx = -20.0
        while xx < _CW + 20:
            rr = float(r.uniform(3, 12))
            cy = hy - float(r.uniform(0, 8))
            s.dr.ellipse([xx - rr, cy - rr, xx + rr, cy + rr], fill=col)
            s.dl.ellipse([xx - rr, cy - rr, xx + rr, cy + rr], fill=VEGETATION)
            s.dr.rectangle([xx - rr, cy, xx + rr, hy + 1], fill=col)
            s.dl.rectangle([xx - rr, cy, xx + rr, hy + 1], fill=VEGETATION)
            xx += rr * float(r.uniform(1.0, 1.8))
    # the ground beyond everything: terrain
    col = s.tone(s.pick(_TERRAIN, 10), 150)
    s.dr.rectangle([0, hy, _CW, _CH], fill=col)
    s.dl.rectangle([0, hy, _CW, _CH], fill=TERRAIN)


# ============================================================================= ground
def _road(s: _Scene):
    r = s.rng
    a = s.asphalt
    L = min(s.sides[-1]["edge"], s.road_l)
    R = max(s.sides[1]["edge"], s.road_r)
    s.ground(L, R, _ZNEAR, _ZFAR, a, ROAD)
    # patches, repairs, manholes (still road)
    for _ in range(int(r.integers(2, 14))):
        z = float(r.uniform(2, 60))
        u = float(r.uniform(L, R))
        du, dz = float(r.uniform(0.5, 4)), float(r.uniform(0.5, 8))
        c = _scale(a, float(r.uniform(0.75, 1.25)))
        if r.random() < 0.2:
            c = _mix(a, (40, 40, 40), 0.5)
            du = dz = float(r.uniform(0.5, 0.8))
        s.ground(u, u + du, z, z + dz, c, ROAD)
    if s.tram:
        t0, t1 = s.tram
        bed = s.pick(_ASPHALT + _PAVING[:3] + [(110, 100, 90), (95, 120, 60)], 8)
        s.ground(t0, t1, _ZNEAR, _ZFAR, bed, RAIL, y=0.01)
        steel = s.pick([(150, 150, 155), (120, 115, 110), (175, 170, 165)], 6)
        groove = _scale(bed, 0.6)
        mid = 0.5 * (t0 + t1)
        for ur in (mid - 0.72, mid + 0.72):
            s.ground(ur - 0.09, ur + 0.09, _ZNEAR, _ZFAR, groove, RAIL, y=0.015)
            s.ground(ur - 0.04, ur + 0.04, _ZNEAR, _ZFAR, steel, RAIL, y=0.02)
        if r.random() < 0.4:  # sleepers showing through
            z = 1.0
            while z < 40:
                s.ground(t0 + 0.25, t1 - 0.25, z, z + 0.2, _scale(bed, 0.8), RAIL, y=0.012)
                z += 0.7
    # the crossing road
    if s.cross:
        z0, z1 = s.cross
        s.ground(-300, 300, z0, z1, _scale(a, float(r.uniform(0.92, 1.08))), ROAD)
    # median
    if s.median:
        m0, m1 = -s.median / 2, s.median / 2
        for z0, z1 in _segments(s, _ZNEAR, _ZFAR):
            col = {TERRAIN: s.pick(_TERRAIN), SIDEWALK: s.pick(_PAVING), VEGETATION: s.pick(_GREENS)}[s.median_kind]
            s.ground(m0, m1, z0, z1, col, s.median_kind, y=0.12)
            if s.median_guard:
                s.add(z1, lambda z0=z0, z1=z1: _median_rail(s, m1, z0, z1), 0)
            if s.median_kind == VEGETATION:
                s.add(z1, lambda z0=z0, z1=z1, col=col: s.side(m0, z0, [(0, 0), (z1 - z0, 0), (z1 - z0, 0.9),
                                                                       (0, 0.9)], col, VEGETATION), 0)


def _median_rail(s: _Scene, u, z0, z1):
    """A crash barrier along the median's edge that faces us."""
    metal = s.pick([(160, 160, 165), (130, 132, 135), (185, 185, 180)], 6)
    L = z1 - z0
    s.side(u, z0, [(0, 0.12), (L, 0.12), (L, 0.85), (0, 0.85)], _scale(metal, 0.8), GUARD_RAIL)
    s.side(u, z0, [(0, 0.5), (L, 0.5), (L, 0.8), (0, 0.8)], metal, GUARD_RAIL)


def _markings(s: _Scene):
    r = s.rng
    white = (228, 228, 220) if r.random() < 0.85 else (235, 205, 60)
    worn = float(r.uniform(0.0, 0.45))
    col = _mix(white, s.asphalt, worn)
    yellow = _mix((232, 190, 40), s.asphalt, worn) if r.random() < 0.4 else col
    w = float(r.uniform(0.12, 0.22))
    segs = _segments(s, _ZNEAR, _ZFAR)

    def solid(u, c=col):
        for z0, z1 in segs:
            s.ground(u - w / 2, u + w / 2, z0, z1, c, ROAD_LINE)

    def dashed(u, dash, gap, c=col):
        z = float(r.uniform(0, dash + gap)) + 0.5
        while z < 160:
            if not _in_gap(s, z, 1.0) and not _in_gap(s, z + dash, 1.0):
                s.ground(u - w / 2, u + w / 2, z, z + dash, c, ROAD_LINE)
            z += dash + gap

    dash, gap = float(r.uniform(2.5, 4.5)), float(r.uniform(4, 9))
    for k in range(1, s.n_right):
        dashed(s.median / 2 + k * s.lane_w, dash, gap)
    for k in range(1, s.n_left):
        dashed(-s.median / 2 - k * s.lane_w, dash, gap)
    if s.n_left and not s.median and not s.tram:
        style = r.random()
        if style < 0.4:
            solid(-0.12, yellow)
            solid(0.12, yellow)
        elif style < 0.7:
            solid(0.0, yellow)
        else:
            dashed(0.0, dash, gap, yellow)
    if r.random() < 0.7:  # edge lines
        solid(s.road_r - 0.3)
        if s.n_left:
            solid(s.road_l + 0.3)
    if s.cross:  # crosswalks and stop line
        z0, z1 = s.cross
        for zz, length in ((z0 - 0.6, -float(r.uniform(2.5, 4))), (z1 + 0.6, float(r.uniform(2.5, 4)))):
            if r.random() < 0.8:
                stripe, u = float(r.uniform(0.4, 0.6)), s.road_l + 0.3
                while u < s.road_r - 0.3:
                    s.ground(u, u + stripe, min(zz, zz + length), max(zz, zz + length), col, ROAD_LINE)
                    u += 2 * stripe
        s.ground(s.median / 2, s.road_r, z0 - 5.0, z0 - 4.5, col, ROAD_LINE)
    if r.random() < 0.3:  # lane arrows
        for k in range(s.n_right):
            z = float(r.uniform(6, 30))
            if _in_gap(s, z, 6):
                continue
            uc = s.median / 2 + (k + 0.5) * s.lane_w
            s.ground(uc - 0.1, uc + 0.1, z, z + 3.0, col, ROAD_LINE)
            zs = [z + 3.0, z + 4.4]
            pts = [s.pt(uc - 0.45, 0, zs[0]), s.pt(uc + 0.45, 0, zs[0]), s.pt(uc, 0, zs[1])]
            s.poly(pts, col, ROAD_LINE, z)


def _sidewalks(s: _Scene):
    r = s.rng
    for sd, side in s.sides.items():
        if side["walk"] <= 0:
            continue
        a, b = sorted((side["edge"], side["out"]))
        for z0, z1 in _segments(s, _ZNEAR, _ZFAR):
            s.ground(a, b, z0, z1, side["paving"], SIDEWALK, y=side["curb"])
            # curb face and curb stone
            curb = _scale(side["paving"], float(r.uniform(0.75, 1.15)))
            e = side["edge"]
            s.ground(e, e + sd * 0.25, z0, z1, curb, SIDEWALK, y=side["curb"])
            zs = s.zs(z0, z1)
            pts = [s.pt(e, 0, z) for z in zs] + [s.pt(e, side["curb"], z) for z in reversed(zs)]
            s.poly(pts, _scale(curb, 0.8), SIDEWALK, z0 + 5)
        # paving joints
        if r.random() < 0.6:
            joint = _scale(side["paving"], 0.85)
            z = 1.0
            step = float(r.uniform(1.0, 2.5))
            while z < 40:
                if not _in_gap(s, z):
                    s.ground(a, b, z, z + 0.06, joint, SIDEWALK, y=side["curb"])
                z += step
        if s.cross:  # the side road's sidewalks
            z0, z1 = s.cross
            far = sd * 300
            s.ground(min(side["out"], far), max(side["out"], far), z0 - side["walk"] * 0.7, z0, side["paving"],
                     SIDEWALK, y=side["curb"])
            s.ground(min(side["out"], far), max(side["out"], far), z1, z1 + side["walk"] * 0.7, side["paving"],
                     SIDEWALK, y=side["curb"])


def _level_crossing(s: _Scene):
    if s.level is None:
        return
    r = s.rng
    z = s.level
    bed = s.pick([(120, 110, 100), (100, 98, 96), (130, 120, 105)], 8)
    s.ground(-300, 300, z, z + 2.6, bed, RAIL, y=0.02)
    steel = s.pick([(150, 150, 155), (110, 105, 100), (170, 165, 160)], 6)
    for dz in (0.5, 2.0):
        s.ground(-300, 300, z + dz, z + dz + 0.09, steel, RAIL, y=0.03)
    s.add(z + 3, lambda: _level_signs(s, z), 1)


def _level_signs(s, z):
    for sd in (-1, 1):
        u = s.sides[sd]["edge"] + sd * 0.8
        _pole(s, u, z - 1.5, 3.0, 0.06, s.pick(_GREYS))
        for k in (-1, 1):  # the cross
            s.front(u, z - 1.5, [(-0.45, 2.4 + 0.25 * k), (-0.35, 2.4 + 0.3 * k), (0.45, 2.4 - 0.25 * k),
                                 (0.35, 2.4 - 0.3 * k)], (220, 30, 30) if k < 0 else (235, 235, 235), SIGN)


# ============================================================================= side rows
def _side_rows(s: _Scene):
    for sd, side in s.sides.items():
        kind = side["kind"]
        {"buildings": _row_buildings, "park": _row_park, "water": _row_water, "rail": _row_rail,
         "highway": _row_highway, "plaza": _row_plaza}[kind](s, sd, side)


def _facade(s: _Scene, sd, u, z0, z1, height, col, windows=True):
    """A building's street face on the plane ``u``, from ``z0`` to ``z1``, with windows."""
    r = s.rng
    L = z1 - z0
    col = _scale(col, s.side_light[sd])
    s.side(u, z0, [(0, 0), (L, 0), (L, height), (0, height)], col, BUILDING)
    if r.random() < 0.5:  # cornice
        s.side(u, z0, [(0, height - 0.6), (L, height - 0.6), (L, height), (0, height)],
               _scale(col, float(r.uniform(0.7, 1.3))), BUILDING)
    if not windows or z0 > 180:
        return
    night = s.tod in ("night", "dusk")
    glass = _mix(s.pick([(50, 65, 85), (40, 45, 50), (90, 110, 130)], 8), s.sky_low, float(r.uniform(0, 0.5)))
    ww, wh = float(r.uniform(0.8, 1.8)), float(r.uniform(1.0, 2.0))
    step, floor = ww + float(r.uniform(0.6, 2.5)), float(r.uniform(2.9, 3.6))
    lit_p = float(r.uniform(0.2, 0.7)) if night else 0.0
    lit = s.pick([(250, 225, 150), (255, 240, 200), (240, 200, 120)], 5)
    shop = r.random() < 0.5
    y = floor * 0.35 if not shop else floor * 1.2
    if shop:  # shop windows and doors on the ground floor
        a = float(r.uniform(0.3, 1.5))
        while a + 2 < L:
            w2 = float(r.uniform(1.5, 4))
            w2 = min(w2, L - a - 0.3)
            c = lit if night and r.random() < 0.6 else glass
            s.side(u, z0, [(a, 0.2), (a + w2, 0.2), (a + w2, floor * 0.8), (a, floor * 0.8)], c, None,
                   glow=night and c is lit)
            a += w2 + float(r.uniform(0.5, 2))
        if r.random() < 0.4:  # an awning
            s.side(u - sd * 0.05, z0, [(0.3, floor * 0.85), (L - 0.3, floor * 0.85), (L - 0.3, floor * 1.05),
                                       (0.3, floor * 1.05)], s.pick(_BRIGHT), BUILDING)
    scale = s.ppm(z0 + L)
    if ww * scale < 1.2:
        return
    while y + wh < height - 0.5:
        a = float(r.uniform(0.2, step))
        while a + ww < L - 0.2:
            on = r.random() < lit_p
            s.side(u, z0, [(a, y), (a + ww, y), (a + ww, y + wh), (a, y + wh)], lit if on else glass, None,
                   glow=on)
            a += step
        y += floor


def _building_front(s: _Scene, sd, u, z, width, height, col):
    """A building face looking down the street (at a corner or across the far end)."""
    r = s.rng
    pts = [(0, 0), (sd * width, 0), (sd * width, height), (0, height)]
    s.front(u, z, pts, _scale(col, 0.95), BUILDING)
    glass = _mix((50, 65, 85), s.sky_low, float(r.uniform(0, 0.4)))
    ww, step, floor = float(r.uniform(0.8, 1.6)), float(r.uniform(2.2, 3.5)), float(r.uniform(3.0, 3.5))
    if ww * s.ppm(z) < 1.2:
        return
    y = 1.0
    while y + 1.5 < height:
        a = 0.8
        while a + ww < width - 0.5:
            s.front(u, z, [(sd * a, y), (sd * (a + ww), y), (sd * (a + ww), y + 1.4), (sd * a, y + 1.4)], glass)
            a += step
        y += floor


def _row_buildings(s: _Scene, sd, side):
    r = s.rng
    z = float(r.uniform(-20, 5))
    end = side["end"]
    base = side["out"]
    while z < end:
        L = float(r.uniform(8, 35))
        z1 = min(z + L, end)
        gap = r.random() < 0.25
        for a, b in _segments(s, z, z1):
            if gap:
                _between(s, sd, side, a, b)
                continue
            setback = float(r.uniform(0, 3)) if r.random() < 0.4 else 0.0
            u = base + sd * setback
            h = float(r.uniform(5, 45)) if r.random() < 0.9 else float(r.uniform(45, 80))
            col = s.pick(_FACADES, 12)
            _split_add(s, a, b, lambda a, b, u=u, h=h, col=col: _facade(s, sd, u, a, b, h, col))
            if setback > 0 and s.visible(base, a):  # the short side of a set-back building
                s.add(a, lambda u=u, a=a, h=h, col=col: s.front(base, a, [(0, 0), (u - base, 0), (u - base, h),
                                                                          (0, h)], _scale(col, 0.8), BUILDING), -1)
            if s.hard_shadows and s.sun == sd:
                _building_shadow(s, sd, u, a, b, h)
        z = z1 + (float(r.uniform(0.5, 6)) if r.random() < 0.3 else 0.0)
    _corner_and_end(s, sd, side)
    _street_furniture(s, sd, side)


def _split_add(s: _Scene, a, b, draw, order=-2):
    """Queue ``draw(a, b)`` for a long object beside the street from ``a`` to ``b``.

    It is sorted by its far end (everything nearer the road stands in front of it); at a
    bridge it is cut in two, so that the bridge covers the part behind it.
    """
    br = s.bridge
    if br and a < br["z"] < b:
        zb = br["z"]
        s.add(b, lambda: draw(zb, b), order)
        s.add(zb - 0.01, lambda: draw(a, zb), order)
    else:
        s.add(b, lambda: draw(a, b), order)


def _building_shadow(s, sd, u, a, b, h):
    k = s.shadow_k * h
    strength = int(255 * float(s.rng.uniform(0.45, 0.7)))
    u2 = u - sd * min(k, 40)
    s.ground(min(u, u2), max(u, u2), a + s.shadow_dz * h, b + s.shadow_dz * h, None, shade=strength)


def _between(s: _Scene, sd, side, a, b):
    """What fills a gap between two buildings: a wall, a fence or a hedge, with trees behind."""
    r = s.rng
    u = side["out"]
    choice = r.random()
    if choice < 0.25:  # a yard or a parking lot (ground), open to the sidewalk
        s.ground(min(u, u + sd * 300), max(u, u + sd * 300), a, b, s.pick(_PAVING + _ASPHALT[:3], 10), SIDEWALK,
                 y=side["curb"])
        if r.random() < 0.5 and b - a > 5:
            zc = float(r.uniform(a, b - 4.5))
            _queue_vehicle(s, "car", u + sd * float(r.uniform(3, 8)), zc, int(r.choice([-1, 1])))
        if r.random() < 0.5:
            _wall(s, sd, u + sd * float(r.uniform(15, 30)), a, b, float(r.uniform(2, 4)))
        return
    if choice < 0.45:
        _wall(s, sd, u, a, b, float(r.uniform(1.2, 3.5)))
    elif choice < 0.75:
        _fence(s, sd, u, a, b, float(r.uniform(1.0, 2.2)))
    else:
        _hedge(s, sd, u, a, b)
    for _ in range(int(r.integers(0, 3))):
        zt = float(r.uniform(a, b))
        _tree_at(s, u + sd * float(r.uniform(2, 8)), zt)


def _wall(s, sd, u, a, b, h, col=None):
    r = s.rng
    col = _scale(col or s.pick(_GREYS + _PAVING[:4] + [(135, 95, 80)], 10), s.side_light[sd])
    cap = _scale(col, float(r.uniform(0.75, 1.25)))
    bricks = r.random() < 0.35
    seams = r.random() < 0.5

    def draw(a, b):
        s.side(u, a, [(0, 0), (b - a, 0), (b - a, h), (0, h)], col, WALL)
        s.side(u, a, [(0, h - 0.15), (b - a, h - 0.15), (b - a, h), (0, h)], cap, WALL)
        if seams and s.ppm(a) * 0.05 > 0.6:
            zz = 2.0
            while zz < b - a:
                s.side(u, a, [(zz, 0), (zz + 0.05, 0), (zz + 0.05, h), (zz, h)], _scale(col, 0.8), WALL)
                zz += 2.5
        if bricks and s.ppm(a) * 0.08 > 1.0:
            yy = 0.3
            while yy < h - 0.2:
                s.side(u, a, [(0, yy), (b - a, yy), (b - a, yy + 0.04), (0, yy + 0.04)], _scale(col, 0.85), WALL)
                yy += 0.3

    _split_add(s, a, b, draw, order=-1)


def _fence(s, sd, u, a, b, h, kind=None):
    """A fence on the plane ``u``: 0 planks, 1 railing, 2 wire mesh.

    Railings and meshes are see-through: a veil of their colour over what stands behind, with
    bars and posts on top.  Their whole span is labelled fence (at 96x128 the bars and the
    gaps between them blend into one surface)."""
    r = s.rng
    kind = int(r.integers(3)) if kind is None else kind
    col = s.pick([(120, 90, 60), (150, 120, 80), (60, 70, 65), (40, 40, 42), (150, 150, 150), (30, 90, 50),
                  (200, 200, 195)], 8)
    col = _scale(col, s.side_light[sd])

    def draw(a, b):
        L = b - a
        if kind == 0:  # planks: a solid fence with seams
            s.side(u, a, [(0, 0), (L, 0), (L, h), (0, h)], col, FENCE)
            if s.ppm(a) * 0.03 > 0.6:
                zz = 0.15
                while zz < L:
                    s.side(u, a, [(zz, 0), (zz + 0.03, 0), (zz + 0.03, h), (zz, h)], _scale(col, 0.7), FENCE)
                    zz += 0.15 if s.ppm(a + zz) * 0.15 > 3 else 0.6
        else:  # railings and wire mesh: the background shows through
            zs = s.zs(a, b)
            if not zs:
                return
            pts = [s.pt(u, 0, z) for z in zs] + [s.pt(u, h, z) for z in reversed(zs)]
            s.veil(pts, col, 0.35 if kind == 1 else 0.5, FENCE, z=a + 0.5 * L)
            for yy in ((0.1, h - 0.08) if kind == 1 else (0.1, h * 0.5, h - 0.05)):
                s.side(u, a, [(0, yy), (L, yy), (L, yy + 0.07), (0, yy + 0.07)], col, FENCE)
            step = 0.12 if kind == 1 else 0.18
            zz = 0.0
            while zz < L:
                w = 0.035 if kind == 1 else 0.015
                if s.ppm(a + zz) * step > 2.0:
                    s.side(u, a, [(zz, 0), (zz + w, 0), (zz + w, h), (zz, h)], col, FENCE)
                    zz += step
                else:  # too fine to draw one by one: a shaded band
                    s.side(u, a, [(zz, 0), (L, 0), (L, h), (zz, h)], _mix(col, s.tone(col, a + zz), 0.3), FENCE)
                    break
            zz = 0.0
            while zz < L:
                s.side(u, a, [(zz, 0), (zz + 0.08, 0), (zz + 0.08, h + 0.05), (zz, h + 0.05)], col, FENCE)
                zz += float(r.uniform(2.0, 3.0))

    _split_add(s, a, b, draw, order=-1)


def _hedge(s, sd, u, a, b, h=None):
    r = s.rng
    h = h or float(r.uniform(0.7, 1.8))
    col = _scale(s.pick(_GREENS, 10), s.side_light[sd])

    def draw(a, b):
        L = b - a
        n = max(2, int(L / 1.5))
        pts = [(0, 0), (L, 0)] + [(L * (1 - k / n), h * float(0.85 + 0.15 * math.sin(k * 2.1))) for k in range(n + 1)]
        if s.curve != 0.0:
            s.side(u, a, [(0, 0), (L, 0), (L, h), (0, h)], col, VEGETATION)
        else:
            s.side(u, a, pts, col, VEGETATION)

    _split_add(s, a, b, draw, order=-1)


def _corner_and_end(s: _Scene, sd, side):
    r = s.rng
    if s.cross:
        z0, z1 = s.cross
        zf = z1 + side["walk"] * 0.7
        h = float(r.uniform(6, 35))
        col = s.pick(_FACADES, 12)
        s.add(zf, lambda: _building_front(s, sd, side["out"], zf, 60, h, col), -1)
        # buildings along the side road, seen from their street side (far away, laterally)
        h2 = float(r.uniform(6, 25))
        col2 = s.pick(_FACADES, 12)
        if r.random() < 0.6:
            ub = side["out"] + sd * float(r.uniform(25, 60))
            s.add(z1, lambda: s.side(ub, z0 - 40, [(0, 0), (40, 0), (40, h2), (0, h2)], col2, BUILDING), -3)
    if r.random() < 0.45 and side["kind"] == "buildings" and sd == 1:
        # a row of buildings across the far end of the street (a T junction far ahead)
        zf = max(s.sides[-1]["end"], s.sides[1]["end"]) + float(r.uniform(5, 20))
        xx = -150.0
        while xx < 150:
            w = float(r.uniform(8, 30))
            h = float(r.uniform(6, 40))
            col = s.pick(_FACADES, 12)
            s.add(zf, lambda xx=xx, w=w, h=h, col=col: _building_front(s, 1, xx, zf, w, h, col), -3)
            xx += w
        s.ground(-300, 300, max(s.sides[-1]["end"], s.sides[1]["end"]), zf, s.asphalt, ROAD)


def _row_park(s: _Scene, sd, side):
    r = s.rng
    u = side["out"]
    grass = s.pick(_TERRAIN, 10)
    for a, b in _segments(s, _ZNEAR, side["end"]):
        s.ground(min(u, u + sd * 300), max(u, u + sd * 300), a, b, grass, TERRAIN, y=side["curb"])
        border = r.random()
        if border < 0.35:
            _fence(s, sd, u, a, b, float(r.uniform(0.8, 1.8)))
        elif border < 0.55:
            _wall(s, sd, u, a, b, float(r.uniform(0.6, 1.5)))
        elif border < 0.8:
            _hedge(s, sd, u + sd * 0.5, a, b)
    # paths (ground) and trees
    if r.random() < 0.5:
        za = float(r.uniform(5, 30))
        s.ground(min(u, u + sd * 300), max(u, u + sd * 300), za, za + float(r.uniform(1.5, 3)),
                 s.pick(_PAVING, 10), SIDEWALK, y=side["curb"] + 0.01)
    for _ in range(int(r.integers(3, 14))):
        z = float(r.uniform(3, side["end"] * 0.7))
        if _in_gap(s, z, 2):
            continue
        _tree_at(s, u + sd * float(r.uniform(1, 25)), z)
    if r.random() < 0.5:  # buildings far behind the park
        ub = u + sd * float(r.uniform(30, 80))
        z = float(r.uniform(10, 50))
        while z < side["end"]:
            L, h = float(r.uniform(10, 40)), float(r.uniform(8, 40))
            col = s.pick(_FACADES, 12)
            s.add(z + L + 200, lambda z=z, L=L, h=h, col=col: _facade(s, sd, ub, z, z + L, h, col), -4)
            z += L + float(r.uniform(0, 10))
    _street_furniture(s, sd, side)


def _row_water(s: _Scene, sd, side):
    r = s.rng
    u = side["out"]
    width = float(r.uniform(40, 160))
    deep = s.pick([(40, 70, 80), (30, 60, 60), (60, 80, 90), (50, 60, 70)], 8)
    water = _mix(deep, s.sky_low, float(r.uniform(0.2, 0.6)))
    s.ground(min(u, u + sd * width), max(u, u + sd * width), _ZNEAR, _ZFAR, water, WATER, y=-0.6)
    # ripples and sky reflections
    for _ in range(int(r.integers(10, 40))):
        z = float(np.exp(r.uniform(np.log(3), np.log(200))))
        uu = u + sd * float(r.uniform(0, width))
        c = _mix(water, s.sky_low if r.random() < 0.6 else deep, float(r.uniform(0.2, 0.6)))
        s.ground(uu, uu + sd * float(r.uniform(1, 12)), z, z * float(r.uniform(1.01, 1.05)), c, WATER, y=-0.6)
    # the quay wall face (sidewalk edge seen from above: part of the sidewalk)
    for a, b in _segments(s, _ZNEAR, _ZFAR):
        s.add(b, lambda a=a, b=b: s.side(u, a, [(0, -0.6), (b - a, -0.6), (b - a, side["curb"]), (0, side["curb"])],
                                         _scale(side["paving"], 0.7), SIDEWALK), -5)
        if r.random() < 0.4:
            _fence(s, sd, u - sd * 0.2, a, b, float(r.uniform(0.9, 1.2)), kind=1)
    # the far bank
    fb = u + sd * width
    s.ground(min(fb, fb + sd * 300), max(fb, fb + sd * 300), 2, _ZFAR, s.pick(_TERRAIN), TERRAIN, y=0.0)
    z = float(r.uniform(-10, 20))
    while z < 300:
        L = float(r.uniform(10, 50))
        if r.random() < 0.4:
            h = float(r.uniform(5, 25))
            col = s.pick(_FACADES, 12)
            s.add(z + L + 300, lambda z=z, L=L, h=h, col=col: _facade(s, sd, fb + sd * 5, max(z, 1), z + L, h, col,
                                                                       windows=False), -6)
        else:
            for _ in range(int(L / 6)):
                zt = z + float(r.uniform(0, L))
                _tree_at(s, fb + sd * float(r.uniform(2, 10)), max(zt, 2), order=-6, extra=300)
        z += L
    _street_furniture(s, sd, side)


def _row_rail(s: _Scene, sd, side):
    r = s.rng
    u = side["out"]
    strip = float(r.uniform(0.5, 3))
    grass = s.pick(_TERRAIN, 10)
    s.ground(min(u, u + sd * 300), max(u, u + sd * 300), _ZNEAR, _ZFAR, grass, TERRAIN, y=side["curb"])
    bed = s.pick([(120, 110, 100), (100, 98, 96), (130, 120, 105), (88, 80, 72)], 8)
    steel = s.pick([(150, 150, 155), (110, 105, 100), (170, 165, 160)], 6)
    sleeper = s.pick([(90, 70, 50), (140, 140, 135), (70, 60, 50)], 6)
    tracks = int(r.integers(1, 3))
    u0 = u + sd * strip
    for k in range(tracks):
        a = u0 + sd * k * 4.2
        b = a + sd * 3.4
        lo, hi = min(a, b), max(a, b)
        s.ground(lo, hi, _ZNEAR, _ZFAR, bed, RAIL, y=side["curb"] + 0.05)
        z = 1.0
        while z < 60:
            s.ground(lo + 0.3, hi - 0.3, z, z + 0.22, sleeper, RAIL, y=side["curb"] + 0.1)
            z += 0.65 if s.ppm(z) * 0.65 > 2.5 else 2.0
        for rail_u in (lo + 0.95, hi - 0.95):
            s.ground(rail_u, rail_u + 0.08, _ZNEAR, _ZFAR, steel, RAIL, y=side["curb"] + 0.2)
    if r.random() < 0.4:
        _fence(s, sd, u + sd * strip * 0.5, _ZNEAR, side["end"], float(r.uniform(1.0, 1.6)), kind=int(r.choice([1, 1, 2])))
    if r.random() < 0.6:  # catenary masts
        z = float(r.uniform(3, 20))
        um = u0 + sd * (tracks * 4.2 + 0.3)
        while z < _POLES_FAR:
            s.add(z, lambda z=z: _pole(s, um, z, 6.5, 0.12, s.pick(_GREYS), arm=-sd * tracks * 3.5), 0)
            z += float(r.uniform(25, 50))
    for _ in range(int(r.integers(0, 6))):
        _tree_at(s, u0 + sd * float(r.uniform(tracks * 4.2 + 3, 30)), float(r.uniform(5, 120)))
    _street_furniture(s, sd, side, lamps=False)


def _row_highway(s: _Scene, sd, side):
    r = s.rng
    e = side["edge"]
    shoulder = float(r.uniform(0.5, 2.5))
    grass = s.pick(_TERRAIN, 10)
    u = e + sd * shoulder
    s.ground(min(e, e + sd * 300), max(e, e + sd * 300), _ZNEAR, _ZFAR, grass, TERRAIN, y=0.0)
    s.ground(min(e, u), max(e, u), _ZNEAR, _ZFAR, s.asphalt, ROAD, y=0.01)
    if r.random() < 0.6:  # a gravel verge behind the guard rail
        g = u + sd * float(r.uniform(1, 4))
        s.ground(min(u, g), max(u, g), _ZNEAR, _ZFAR, s.pick(_PAVING[:3] + [(140, 125, 100), (120, 110, 95)], 10),
                 TERRAIN, y=0.01)
    metal = s.pick([(160, 160, 165), (130, 132, 135), (185, 185, 180), (120, 110, 90)], 6)
    metal = _scale(metal, s.side_light[sd])
    post = _scale(metal, 0.75)

    def rail(a, b):
        L = b - a
        s.side(u, a, [(0, 0.45), (L, 0.45), (L, 0.8), (0, 0.8)], metal, GUARD_RAIL)
        s.side(u, a, [(0, 0.6), (L, 0.6), (L, 0.66), (0, 0.66)], _scale(metal, 1.2), GUARD_RAIL)
        zz = 0.0
        while zz < L:
            if s.ppm(a + zz) * 0.12 > 0.8:
                s.side(u + sd * 0.1, a, [(zz, 0), (zz + 0.12, 0), (zz + 0.12, 0.75), (zz, 0.75)], post, GUARD_RAIL)
            zz += 2.0

    end = side["end"] * 2
    _split_add(s, _ZNEAR, end, rail, order=-1)
    if r.random() < 0.35:  # a noise barrier (wall) further out
        uw = u + sd * float(r.uniform(2, 6))
        _wall(s, sd, uw, float(r.uniform(-5, 20)), float(r.uniform(60, 200)), float(r.uniform(2.5, 4.5)))
    for _ in range(int(r.integers(2, 12))):
        _tree_at(s, u + sd * float(r.uniform(4, 30)), float(r.uniform(4, 150)))
    for _ in range(int(r.integers(0, 6))):
        zb = float(r.uniform(3, 80))
        _bush(s, u + sd * float(r.uniform(2, 12)), zb)
    if r.random() < 0.5:  # a lamp or a sign on the verge
        z = float(r.uniform(10, 60))
        s.add(z, lambda: _sign_post(s, u + sd * 0.8, z, sd), 0)


def _row_plaza(s: _Scene, sd, side):
    r = s.rng
    u = side["out"]
    width = float(r.uniform(8, 35))
    pave = s.pick(_PAVING + [(150, 110, 95), (165, 130, 100)], 10)
    for a, b in _segments(s, _ZNEAR, side["end"]):
        s.ground(min(u, u + sd * width), max(u, u + sd * width), a, b, pave, SIDEWALK, y=side["curb"])
        if r.random() < 0.7:  # cobble joints
            joint = _scale(pave, 0.8)
            z = a
            while z < min(b, 40):
                s.ground(min(u, u + sd * width), max(u, u + sd * width), z, z + 0.05, joint, SIDEWALK,
                         y=side["curb"] + 0.005)
                z += 0.8
    side2 = dict(side, out=u + sd * width, kind="buildings")
    for a, b in _segments(s, _ZNEAR, side["end"]):
        z = a
        while z < b:
            L = float(r.uniform(10, 35))
            h = float(r.uniform(6, 40))
            col = s.pick(_FACADES, 12)
            z1 = min(z + L, b)
            _split_add(s, z, z1, lambda a, b, h=h, col=col: _facade(s, sd, side2["out"], a, b, h, col))
            z = z1
    # plaza furniture: kiosks, billboards, benches, bins, planters, people
    for _ in range(int(r.integers(1, 4))):
        z = float(r.uniform(4, _FURNITURE_FAR))
        if not _in_gap(s, z, 2):
            uu = u + sd * float(r.uniform(2, width - 2))
            s.add(z, lambda uu=uu, z=z: _other(s, uu, z, sd, side["curb"]), 0)
    for _ in range(int(r.integers(1, 5))):
        z = float(r.uniform(3, _FURNITURE_FAR))
        if not _in_gap(s, z, 2):
            uu = u + sd * float(r.uniform(1, width - 1))
            s.add(z, lambda uu=uu, z=z: _static(s, uu, z, sd, side["curb"]), 0)
    for _ in range(int(r.integers(0, 6))):
        z = float(r.uniform(3, 40))
        if not _in_gap(s, z, 2):
            _tree_at(s, u + sd * float(r.uniform(1, width - 1)), z)
    _street_furniture(s, sd, side)


# ============================================================================= things that stand
def _pole(s: _Scene, u, z, height, radius, col, arm=0.0, lamp=False, y0=0.0):
    if not s.visible(u, z, margin=abs(arm) + 2):
        return
    radius = max(radius, _MIN_HALF / s.ppm(z))
    s.front(u, z, [(-radius, y0), (radius, y0), (radius * 0.7, height), (-radius * 0.7, height)], col, POLE)
    if arm:
        t = max(0.25, 2 * _MIN_HALF / s.ppm(z))
        s.front(u, z, [(0, height - t), (arm, height - 0.1 - t + 0.25), (arm, height + 0.05), (0, height)], col, POLE)
    if lamp:
        head = (250, 240, 200) if s.tod in ("night", "dusk") else _scale(col, 1.2)
        ua = arm if arm else 0.0
        s.front(u, z, [(ua - 0.35, height - 0.15), (ua + 0.35, height - 0.15), (ua + 0.25, height + 0.1),
                       (ua - 0.25, height + 0.1)], head, POLE, glow=s.tod in ("night", "dusk"))


def _street_furniture(s: _Scene, sd, side, lamps=True):
    """Lamps, signs, traffic lights, benches, bins, cones, trees and pedestrians on a sidewalk."""
    r = s.rng
    if side["walk"] <= 0:
        return
    e, out, curb = side["edge"], side["out"], side["curb"]
    near_curb = e + sd * 0.5
    grey = s.pick(_GREYS, 8)
    if lamps and r.random() < 0.8:
        z = float(r.uniform(2, 20))
        step = float(r.uniform(14, 32))
        while z < _POLES_FAR:
            if not _in_gap(s, z, 1):
                s.add(z, lambda z=z: _pole(s, near_curb, z, float(r.uniform(5.5, 8)), float(r.uniform(0.1, 0.18)),
                                           grey, arm=-sd * float(r.uniform(0.8, 2.2)), lamp=True, y0=curb), 0)
            z += step
    for _ in range(int(r.integers(1, 5))):
        z = float(r.uniform(4, 45))
        if not _in_gap(s, z, 1):
            s.add(z, lambda z=z: _sign_post(s, near_curb + sd * float(r.uniform(0, 0.4)), z, sd, curb), 0)
    if s.cross:
        z0, z1 = s.cross
        for zz in (z0 - 0.8, z1 + 1.5):
            if r.random() < 0.75:
                s.add(zz, lambda zz=zz: _traffic_light_post(s, near_curb, zz, sd, curb), 0)
    elif r.random() < 0.35:
        zz = float(r.uniform(8, 40))
        s.add(zz, lambda: _traffic_light_post(s, near_curb, zz, sd, curb), 0)
    for _ in range(int(r.integers(1, 4))):
        z = float(r.uniform(3, _FURNITURE_FAR))
        if not _in_gap(s, z, 1):
            uu = e + sd * float(r.uniform(0.5, max(0.6, side["walk"] - 0.4)))
            s.add(z, lambda uu=uu, z=z: _static(s, uu, z, sd, curb), 0)
    for _ in range(int(r.integers(1, 5))):
        z = float(r.uniform(3, _FURNITURE_FAR))
        if not _in_gap(s, z, 1):
            uu = e + sd * float(r.uniform(0.3, max(0.4, side["walk"] - 0.3)))
            s.add(z, lambda uu=uu, z=z: _dynamic(s, uu, z, sd, curb), 0)
    if r.random() < 0.45:
        z = float(r.uniform(5, _FURNITURE_FAR))
        if not _in_gap(s, z, 2):
            uu = out - sd * 0.8
            s.add(z, lambda: _other(s, uu, z, sd, curb), 0)
    if r.random() < 0.5:  # street trees
        z = float(r.uniform(3, 15))
        step = float(r.uniform(8, 20))
        while z < 120:
            if not _in_gap(s, z, 2):
                _tree_at(s, e + sd * float(r.uniform(0.8, 1.4)), z, y0=curb)
            z += step
    # pedestrians, alone and in groups
    n = int(r.poisson(3.5))
    for _ in range(n):
        z = float(np.exp(r.uniform(np.log(3), np.log(_PEOPLE_FAR))))
        uu = e + sd * float(r.uniform(0.4, max(0.5, side["walk"] - 0.3)))
        for k in range(int(r.choice([1, 1, 1, 2, 2, 3]))):
            zz, u2 = z + float(r.uniform(-1, 1)) * k, uu + sd * float(r.uniform(-0.5, 0.5)) * k
            s.add(zz, lambda zz=zz, u2=u2: _pedestrian(s, u2, zz, curb), 0)


def _sign_post(s: _Scene, u, z, sd, y0=0.0):
    r = s.rng
    h = float(r.uniform(2.2, 3.3))
    _pole(s, u, z, h, 0.06, s.pick(_GREYS, 8), y0=y0)
    if not s.visible(u, z):
        return
    n = 1 if r.random() < 0.75 else 2
    y = y0 + h - 0.05
    for _ in range(n):
        kind = int(r.integers(5))
        size = float(r.uniform(0.7, 1.1))
        back = r.random() < 0.15
        if back:  # seen from behind: a grey plate
            c = s.pick(_GREYS, 6)
            s.front(u, z, [(-size / 2, y - size), (size / 2, y - size), (size / 2, y), (-size / 2, y)], c, SIGN)
        elif kind == 0:  # round: red ring, white centre
            s.front_ellipse(u, y - size / 2, z, size / 2, size / 2, (200, 30, 35), SIGN)
            s.front_ellipse(u, y - size / 2, z, size * 0.36, size * 0.36, (235, 235, 230), SIGN)
        elif kind == 1:  # triangle
            s.front(u, z, [(-size / 2, y - size * 0.87), (size / 2, y - size * 0.87), (0, y)], (200, 30, 35), SIGN)
            s.front(u, z, [(-size * 0.32, y - size * 0.75), (size * 0.32, y - size * 0.75), (0, y - size * 0.2)],
                    (240, 235, 225), SIGN)
        elif kind == 2:  # blue rectangle
            s.front(u, z, [(-size / 2, y - size), (size / 2, y - size), (size / 2, y), (-size / 2, y)],
                    s.pick([(30, 70, 160), (20, 110, 60), (235, 235, 235)], 8), SIGN)
            s.front(u, z, [(-size * 0.1, y - size * 0.8), (size * 0.1, y - size * 0.8), (size * 0.1, y - size * 0.2),
                           (-size * 0.1, y - size * 0.2)], (240, 240, 240), SIGN)
        elif kind == 3:  # octagon
            pts = [(size / 2 * math.cos(math.pi / 8 + k * math.pi / 4), y - size / 2 +
                    size / 2 * math.sin(math.pi / 8 + k * math.pi / 4)) for k in range(8)]
            s.front(u, z, pts, (190, 25, 30), SIGN)
        else:  # diamond, yellow
            s.front(u, z, [(0, y - size), (size / 2, y - size / 2), (0, y), (-size / 2, y - size / 2)],
                    (235, 190, 30), SIGN)
        y -= size + 0.1


def _traffic_light_post(s: _Scene, u, z, sd, y0=0.0):
    r = s.rng
    grey = s.pick(_GREYS + [(40, 40, 42), (60, 80, 60)], 8)
    overhead = r.random() < 0.6
    h = float(r.uniform(3.0, 4.0)) if not overhead else float(r.uniform(5.5, 7.0))
    arm = -sd * float(r.uniform(3, 7)) if overhead else 0.0
    _pole(s, u, z, h, 0.12, grey, arm=arm, y0=y0)
    housing = s.pick([(30, 30, 32), (45, 45, 40), (200, 170, 30), (70, 75, 70)], 5)
    state = int(r.integers(3))
    spots = [(-sd * 0.35, h - 0.05)] if not overhead else [(arm * 0.55, h - 0.15), (arm * 0.95, h - 0.15)]
    if overhead and r.random() < 0.5:
        spots.append((-sd * 0.3, 3.4))
    for du, top in spots:
        w, hh = 0.5, 1.3
        s.front(u, z - 0.05, [(du - w / 2, top - hh), (du + w / 2, top - hh), (du + w / 2, top), (du - w / 2, top)],
                housing, LIGHT)
        for k, c in enumerate(((230, 40, 30), (240, 170, 20), (40, 200, 80))):
            on = k == state
            col = c if on else _scale(c, 0.25)
            s.front_ellipse(u + du, top - 0.22 - k * 0.42, z - 0.06, 0.15, 0.15, col, LIGHT,
                            glow=on and s.tod != "day")
    if r.random() < 0.5:  # a sign under the light
        s.front(u, z, [(-0.3, h * 0.55), (0.3, h * 0.55), (0.3, h * 0.55 + 0.4), (-0.3, h * 0.55 + 0.4)],
                (30, 70, 160), SIGN)


def _static(s: _Scene, u, z, sd, y0):
    """Fixed street furniture: benches, hydrants, bus shelters, mailboxes, planters."""
    r = s.rng
    kind = int(r.integers(5))
    if kind == 0:  # bench
        c = s.pick([(110, 80, 50), (50, 50, 55), (30, 80, 50), (120, 120, 122)], 8)
        L = float(r.uniform(1.5, 2.2))
        s.side(u, z, [(0, y0 + 0.42), (L, y0 + 0.42), (L, y0 + 0.5), (0, y0 + 0.5)], c, OTHER)
        s.side(u + sd * 0.25, z, [(0, y0 + 0.55), (L, y0 + 0.55), (L, y0 + 0.9), (0, y0 + 0.9)], c, OTHER)
        for leg in (0.1, L - 0.15):
            s.side(u, z, [(leg, y0), (leg + 0.06, y0), (leg + 0.06, y0 + 0.45), (leg, y0 + 0.45)], c, OTHER)
    elif kind == 1:  # hydrant
        c = s.pick([(200, 30, 35), (230, 190, 30), (200, 200, 190)], 8)
        s.front(u, z, [(-0.13, y0), (0.13, y0), (0.11, y0 + 0.6), (-0.11, y0 + 0.6)], c, OTHER)
        s.front_ellipse(u, y0 + 0.6, z, 0.12, 0.08, c, OTHER)
        s.front(u, z, [(-0.22, y0 + 0.35), (0.22, y0 + 0.35), (0.22, y0 + 0.45), (-0.22, y0 + 0.45)], c, OTHER)
    elif kind == 2:  # bus shelter
        frame = s.pick(_GREYS + [(40, 40, 42)], 6)
        L = float(r.uniform(3, 5))
        glass = _mix(frame, s.sky_low, 0.5)
        s.side(u + sd * 1.2, z, [(0, y0), (L, y0), (L, y0 + 2.4), (0, y0 + 2.4)], glass, OTHER)
        s.side(u, z, [(-0.1, y0 + 2.4), (L + 0.1, y0 + 2.4), (L + 0.1, y0 + 2.6), (-0.1, y0 + 2.6)], frame, OTHER)
        for k in (0, L):
            s.side(u, z, [(k - 0.05, y0), (k + 0.05, y0), (k + 0.05, y0 + 2.4), (k - 0.05, y0 + 2.4)], frame, OTHER)
        s.front(u, z, [(0, y0 + 0.2), (sd * 1.2, y0 + 0.2), (sd * 1.2, y0 + 2.4), (0, y0 + 2.4)],
                _mix(glass, frame, 0.3), OTHER)
    elif kind == 3:  # mailbox / parcel box
        c = s.pick([(30, 60, 150), (230, 190, 30), (200, 30, 35), (20, 110, 60)], 8)
        s.front(u, z, [(-0.03, y0), (0.03, y0), (0.03, y0 + 0.8), (-0.03, y0 + 0.8)], (60, 60, 60), OTHER)
        s.front(u, z, [(-0.25, y0 + 0.7), (0.25, y0 + 0.7), (0.25, y0 + 1.3), (-0.25, y0 + 1.3)], c, OTHER)
    else:  # planter with a bush
        c = s.pick(_GREYS + [(150, 110, 80)], 8)
        w = float(r.uniform(0.5, 1.0))
        s.front(u, z, [(-w, y0), (w, y0), (w, y0 + 0.6), (-w, y0 + 0.6)], c, OTHER)
        s.front_ellipse(u, y0 + 0.85, z, w * 0.95, 0.4, s.pick(_GREENS, 10), VEGETATION)


def _dynamic(s: _Scene, u, z, sd, y0):
    """Things that move now and then: wheelie bins, cones, barrels, bags, scooters on their stand."""
    r = s.rng
    kind = int(r.integers(4))
    if kind == 0:  # wheelie bins, one to three side by side
        c = s.pick([(40, 90, 50), (60, 60, 62), (40, 60, 130), (110, 80, 50), (200, 200, 195)], 8)
        for k in range(int(r.integers(1, 4))):
            ub = u + sd * 0.75 * k
            s.front(ub, z, [(-0.3, y0 + 0.05), (0.3, y0 + 0.05), (0.33, y0 + 1.0), (-0.33, y0 + 1.0)], c, OTHER)
            s.front(ub, z, [(-0.36, y0 + 1.0), (0.36, y0 + 1.0), (0.36, y0 + 1.08), (-0.36, y0 + 1.08)],
                    _scale(c, 0.8), OTHER)
            s.front_ellipse(ub - 0.2, y0 + 0.08, z, 0.08, 0.08, (20, 20, 20), OTHER)
    elif kind == 1:  # traffic cones, a few in a row
        for k in range(int(r.integers(1, 4))):
            zz = z + k * 1.2
            s.front(u, zz, [(-0.18, y0), (0.18, y0), (0.03, y0 + 0.7), (-0.03, y0 + 0.7)], (240, 110, 20), OTHER)
            s.front(u, zz, [(-0.12, y0 + 0.3), (0.12, y0 + 0.3), (0.09, y0 + 0.42), (-0.09, y0 + 0.42)],
                    (240, 240, 240), OTHER)
    elif kind == 2:  # barrel
        c = s.pick([(200, 90, 30), (40, 60, 130), (60, 60, 62), (200, 30, 35)], 8)
        s.front(u, z, [(-0.3, y0), (0.3, y0), (0.3, y0 + 0.9), (-0.3, y0 + 0.9)], c, OTHER)
        for yy in (0.3, 0.6):
            s.front(u, z, [(-0.3, y0 + yy), (0.3, y0 + yy), (0.3, y0 + yy + 0.05), (-0.3, y0 + yy + 0.05)],
                    _scale(c, 0.7), OTHER)
    else:  # rubbish bags
        for k in range(int(r.integers(1, 4))):
            c = s.pick([(25, 25, 28), (60, 60, 65), (40, 60, 130)], 6)
            du = float(r.uniform(-0.4, 0.4))
            s.front_ellipse(u + du, y0 + 0.3, z + k * 0.3, float(r.uniform(0.25, 0.4)), 0.3, c, OTHER)


def _other(s: _Scene, u, z, sd, y0):
    """Billboards, advertising columns, utility cabinets, kiosks."""
    r = s.rng
    kind = int(r.integers(4))
    if kind == 0:  # billboard on two legs
        w, h, lift = float(r.uniform(2.5, 5)), float(r.uniform(1.5, 3)), float(r.uniform(1.5, 3))
        leg = s.pick(_GREYS, 6)
        for k in (-w * 0.35, w * 0.35):
            s.front(u + k, z + 0.1, [(-0.08, y0), (0.08, y0), (0.08, y0 + lift), (-0.08, y0 + lift)], leg, OTHER)
        s.front(u, z, [(-w / 2, y0 + lift), (w / 2, y0 + lift), (w / 2, y0 + lift + h), (-w / 2, y0 + lift + h)],
                s.pick(_BRIGHT, 20), OTHER)
        for _ in range(int(r.integers(1, 4))):
            a, b = float(r.uniform(-w / 2, w / 4)), float(r.uniform(0, h * 0.7))
            s.front(u, z - 0.01, [(a, y0 + lift + b), (a + w / 4, y0 + lift + b), (a + w / 4, y0 + lift + b + h / 4),
                                  (a, y0 + lift + b + h / 4)], s.pick(_BRIGHT + _SKIN, 20), OTHER)
    elif kind == 1:  # advertising column
        c = s.pick(_BRIGHT + _GREYS, 15)
        s.front(u, z, [(-0.6, y0), (0.6, y0), (0.6, y0 + 2.6), (-0.6, y0 + 2.6)], c, OTHER)
        s.front_ellipse(u, y0 + 2.7, z, 0.7, 0.15, _scale(c, 0.7), OTHER)
        s.front(u, z - 0.01, [(-0.5, y0 + 0.8), (0.4, y0 + 0.8), (0.4, y0 + 2.0), (-0.5, y0 + 2.0)],
                s.pick(_BRIGHT, 20), OTHER)
    elif kind == 2:  # utility cabinet
        c = s.pick(_GREYS + [(60, 90, 70), (200, 200, 190)], 8)
        w = float(r.uniform(0.5, 1.2))
        s.front(u, z, [(-w / 2, y0), (w / 2, y0), (w / 2, y0 + 1.3), (-w / 2, y0 + 1.3)], c, OTHER)
        s.side(u + sd * w / 2, z, [(0, y0), (0.45, y0), (0.45, y0 + 1.3), (0, y0 + 1.3)], _scale(c, 0.8), OTHER)
    else:  # kiosk
        c = s.pick(_BRIGHT + _FACADES, 12)
        w = float(r.uniform(1.8, 3))
        s.front(u, z, [(-w / 2, y0), (w / 2, y0), (w / 2, y0 + 2.5), (-w / 2, y0 + 2.5)], c, OTHER)
        s.front(u, z - 0.01, [(-w / 2 + 0.2, y0 + 1.0), (w / 2 - 0.2, y0 + 1.0), (w / 2 - 0.2, y0 + 2.0),
                              (-w / 2 + 0.2, y0 + 2.0)], _mix((50, 65, 85), s.sky_low, 0.3), OTHER)
        s.front(u, z - 0.02, [(-w / 2 - 0.2, y0 + 2.5), (w / 2 + 0.2, y0 + 2.5), (w / 2 + 0.2, y0 + 2.8),
                              (-w / 2 - 0.2, y0 + 2.8)], _scale(c, 0.7), OTHER)


def _tree_at(s: _Scene, u, z, y0=0.0, order=0, extra=0.0):
    """Queue a tree (trunk and crown, both vegetation) standing at ``(u, z)``."""
    r = s.rng
    h = float(r.uniform(3, 12))
    crown = float(r.uniform(1.2, 3.5)) * (0.5 + h / 12)
    autumn = r.random() < 0.15
    col = s.pick(_AUTUMN if autumn else _GREENS, 12)
    trunk = s.pick([(80, 60, 40), (100, 90, 80), (60, 50, 40), (120, 110, 100)], 8)
    blobs = [(float(r.normal(0, crown * 0.45)), float(r.normal(0, crown * 0.35)), crown * float(r.uniform(0.45, 0.75)),
              _scale(col, float(r.uniform(0.75, 1.2)))) for _ in range(int(r.integers(4, 10)))]
    if s.hard_shadows and z < 80:
        s.ds.ellipse(_shadow_box(s, u - s.sun * h * s.shadow_k * 0.5, z + s.shadow_dz * h, crown), fill=150)

    def draw():
        if not s.visible(u, z, margin=crown + 1):
            return
        s.front(u, z, [(-0.15, y0), (0.15, y0), (0.1, y0 + h - crown * 0.5), (-0.1, y0 + h - crown * 0.5)],
                trunk, VEGETATION)
        for dx, dy, rad, c in blobs:
            s.front_ellipse(u + dx, y0 + h - crown * 0.6 + dy, z, rad, rad * 0.9, c, VEGETATION)

    s.add(z + extra, draw, order)


def _shadow_box(s, u, z, rad):
    x0, r0 = s.pt(u - rad, 0, max(z - rad, _ZNEAR))
    x1, r1 = s.pt(u + rad, 0, max(z + rad, _ZNEAR))
    return [min(x0, x1), min(r0, r1), max(x0, x1), max(r0, r1)]


def _bush(s: _Scene, u, z):
    r = s.rng
    col = s.pick(_GREENS, 12)
    rad = float(r.uniform(0.4, 1.3))
    s.add(z, lambda: s.front_ellipse(u, rad * 0.7, z, rad, rad * 0.7, col, VEGETATION), 0)


def _pedestrian(s: _Scene, u, z, y0=0.0):
    """A walking person (1.5-1.95 m) in front, back or side view; riders use ``_person_figure`` too."""
    if not s.visible(u, z):
        return
    r = s.rng
    _person_figure(s, u, z, y0, float(r.uniform(1.5, 1.95)), view=int(r.integers(3)), phase=float(r.uniform(0, 6.3)))


def _person_figure(s: _Scene, u, z, y0, h, view, phase, seated=False):
    r = s.rng
    skin = s.pick(_SKIN, 6)
    top = s.pick(_CLOTHES, 12)
    legs = s.pick(_CLOTHES, 12)
    hair = s.pick([(30, 20, 15), (80, 50, 30), (150, 110, 60), (200, 200, 195), (20, 20, 20)], 6)
    sw = 0.22 if view == 2 else 0.36      # shoulder half width
    stride = 0.18 * math.sin(phase) * (1 if view == 2 else 0.35)
    hip, shoulder = y0 + 0.52 * h, y0 + 0.82 * h
    if shoulder - hip < 0.2:
        return
    P = PEDESTRIAN
    if seated:
        hip = y0
    else:
        for sgn in (-1, 1):  # legs
            foot = sgn * (stride if view == 2 else 0.1) + (0 if view == 2 else sgn * 0.02)
            s.front(u, z, [(sgn * 0.03 - 0.07, hip), (sgn * 0.03 + 0.09, hip), (foot + 0.07, y0),
                           (foot - 0.07, y0)], legs if sgn < 0 else _scale(legs, 0.9), P)
            s.front(u, z, [(foot - 0.07, y0), (foot + 0.12, y0), (foot + 0.12, y0 + 0.06), (foot - 0.07, y0 + 0.06)],
                    (30, 30, 30), P)
    coat = r.random() < 0.3
    s.front(u, z, [(-sw * 0.8, hip - (0.2 if coat else 0)), (sw * 0.8, hip - (0.2 if coat else 0)), (sw, shoulder),
                   (-sw, shoulder)], top, P)
    for sgn in (-1, 1):  # arms
        swing = -sgn * stride * 0.8
        s.front(u, z, [(sgn * sw, shoulder), (sgn * (sw + 0.05), shoulder - 0.05),
                       (sgn * (sw + 0.04) + swing, hip - 0.05), (sgn * (sw - 0.06) + swing, hip - 0.05)],
                _scale(top, 0.9), P)
    s.front(u, z, [(-0.06, shoulder), (0.06, shoulder), (0.06, shoulder + 0.06), (-0.06, shoulder + 0.06)], skin, P)
    head = 0.11
    s.front_ellipse(u, shoulder + 0.06 + head, z, head * 0.85, head, skin, P)
    s.front_ellipse(u, shoulder + 0.06 + head * 1.5, z, head * 0.9, head * 0.6, hair, P)
    if r.random() < 0.2:  # a bag
        bag = s.pick(_CLOTHES, 10)
        sgn = float(r.choice([-1, 1]))
        s.front(u, z, [(sgn * sw, hip + 0.05), (sgn * (sw + 0.25), hip + 0.05), (sgn * (sw + 0.25), hip + 0.35),
                       (sgn * sw, hip + 0.35)], bag, P)
    if r.random() < 0.06 and s.tod != "night":  # an umbrella
        c = s.pick(_BRIGHT, 10)
        s.front(u, z, [(-0.5, y0 + h + 0.15), (0.5, y0 + h + 0.15), (0, y0 + h + 0.45)], c, P)


# ----------------------------------------------------------------------------- vehicles
_VEHICLE_SIZE = {  # width, height, length (m)
    "car": (1.8, 1.45, 4.5), "van": (2.0, 2.1, 5.2), "truck": (2.5, 3.4, 8.0), "bus": (2.55, 3.1, 12.0),
    "motorbike": (0.8, 1.15, 2.0), "bicycle": (0.6, 1.05, 1.8)}


def _vehicles(s: _Scene):
    r = s.rng
    lanes = [(s.median / 2 + (k + 0.5) * s.lane_w, +1) for k in range(s.n_right)]
    lanes += [(-s.median / 2 - (k + 0.5) * s.lane_w, -1) for k in range(s.n_left)]
    density = float(r.uniform(0.2, 1.0))
    for uc, direction in lanes:
        z = float(r.uniform(3, 12)) if abs(uc - s.cam_x) > 1.0 else float(r.uniform(7, 20))
        while z < 150:
            if r.random() < density * 0.7:
                kind = str(r.choice(["car"] * 13 + ["van"] * 2 + ["truck"] * 2 + ["bus"] * 1 + ["motorbike", "bicycle"]))
                w, h, L = _VEHICLE_SIZE[kind]
                u = uc + float(r.uniform(-0.35, 0.35)) * (s.lane_w - w)
                if not _in_gap(s, z, 0) and not (s.level is not None and s.level - 1 < z < s.level + 3):
                    _queue_vehicle(s, kind, u, z, direction)
                z += L + float(np.exp(r.uniform(np.log(2), np.log(30))))
            else:
                z += float(r.uniform(5, 25))
    # parked cars along the curb
    for sd, side in s.sides.items():
        if not side["park"]:
            continue
        u = side["edge"] - sd * 1.15
        z = float(r.uniform(-2, 6))
        while z < 90:
            if r.random() < 0.75 and not _in_gap(s, z, 1) and not _in_gap(s, z + 5, 1):
                kind = "car" if r.random() < 0.85 else "van"
                _queue_vehicle(s, kind, u + float(r.uniform(-0.15, 0.15)), z, int(r.choice([-1, 1])))
                z += _VEHICLE_SIZE[kind][2] + float(r.uniform(0.5, 2.5))
            else:
                z += float(r.uniform(3, 8))
    # cross traffic
    if s.cross:
        z0, z1 = s.cross
        for _ in range(int(r.integers(0, 4))):
            kind = str(r.choice(["car"] * 6 + ["van", "truck", "bus"]))
            w, h, L = _VEHICLE_SIZE[kind]
            zc = float(r.uniform(z0 + w / 2 + 0.3, max(z0 + w / 2 + 0.4, z1 - w / 2 - 0.3)))
            uc = float(r.uniform(-40, 40))
            s.add(zc - w / 2, lambda kind=kind, uc=uc, zc=zc: _vehicle_side_on(s, kind, uc, zc), 0)


def _queue_vehicle(s: _Scene, kind, u, z, direction):
    r = s.rng
    col = s.pick(_CARS if kind not in ("bus",) else _BRIGHT, 10)
    seed = int(r.integers(1 << 30))
    if s.hard_shadows or True:  # contact shadow under the body
        w, h, L = _VEHICLE_SIZE[kind]
        zs = s.zs(z, z + L, 2)
        if zs:
            k = 150 if s.hard_shadows else 185
            off = -s.sun * h * s.shadow_k * 0.6 if s.hard_shadows else 0.0
            pts = [s.pt(u - w / 2 - 0.1 + min(off, 0), 0, zs[0]), s.pt(u + w / 2 + 0.1 + max(off, 0), 0, zs[0]),
                   s.pt(u + w / 2 + 0.1 + max(off, 0), 0, zs[-1] + 0.3), s.pt(u - w / 2 - 0.1 + min(off, 0), 0, zs[-1] + 0.3)]
            s.ds.polygon(pts, fill=k)
    s.add(z, lambda: _vehicle(s, kind, u, z, direction, col, np.random.default_rng(seed)), 0)


def _profile(kind, L, h, rng):
    """The side outline of a vehicle as polygons in ``(along, up)`` metres, with parts' roles."""
    parts = []
    if kind in ("car", "van"):
        hood = 0.25 * L if kind == "car" else 0.12 * L
        tail = 0.15 * L if kind == "car" else 0.03 * L
        belt = 0.55 * h
        parts.append(("body", [(0, 0.25), (L, 0.25), (L, belt), (0, belt)]))
        parts.append(("body", [(hood, belt), (L - tail, belt), (L - tail - 0.15 * L * (kind == "car"), h),
                               (hood + 0.2 * L * (kind == "car") + 0.05, h)]))
        parts.append(("glass", [(hood + 0.12, belt + 0.06), (L - tail - 0.1, belt + 0.06),
                                (L - tail - 0.1 - 0.13 * L * (kind == "car"), h - 0.07),
                                (hood + 0.21 * L * (kind == "car") + 0.12, h - 0.07)]))
    elif kind in ("truck", "bus"):
        parts.append(("body", [(0, 0.35), (L, 0.35), (L, h), (0, h)]))
        if kind == "bus":
            parts.append(("glass", [(0.3, 0.55 * h), (L - 0.3, 0.55 * h), (L - 0.3, 0.9 * h), (0.3, 0.9 * h)]))
        else:
            parts.append(("glass", [(L - 1.6, 0.55 * h), (L - 0.2, 0.55 * h), (L - 0.2, 0.8 * h), (L - 1.6, 0.8 * h)]))
    else:  # two-wheelers: a frame
        parts.append(("body", [(0.3, 0.35), (L - 0.3, 0.35), (L - 0.5, 0.8 * h), (0.5, 0.8 * h)]))
    wheel = 0.33 if kind in ("car", "van") else 0.5 if kind in ("truck", "bus") else 0.33
    return parts, wheel


def _vehicle(s: _Scene, kind, u, z, direction, col, r):
    """A vehicle ahead (``direction`` +1: we see its rear) or oncoming (-1: its front), seen in perspective."""
    if not s.visible(u, z, margin=3):
        return
    w, h, L = _VEHICLE_SIZE[kind]
    glass = _mix(r.choice([(40, 50, 60), (60, 75, 90), (25, 30, 35)]), s.sky_low, float(r.uniform(0, 0.45)))
    dark = (22, 22, 24)
    night = s.tod in ("night", "dusk")
    parts, wheel = _profile(kind, L, h, r)
    body = _scale(col, 0.85)
    X = s.X(u, z) - s.cam_x
    # the visible long side
    if abs(X) > w / 2 and kind not in ("motorbike", "bicycle"):
        us = u - w / 2 if X > 0 else u + w / 2
        for role, pts in parts:
            pp = pts if direction > 0 else [(L - a, b) for a, b in pts]
            s.side(us, z, pp, glass if role == "glass" else body, VEHICLE)
        for a in (0.8, L - 0.9) if L < 7 else (1.2, L - 3.2, L - 1.8):
            s.side(us, z, [(a - wheel, 0), (a + wheel, 0), (a + wheel, 2 * wheel), (a - wheel, 2 * wheel)], dark, VEHICLE)
    # the near face (rear or front)
    if kind in ("motorbike", "bicycle"):
        frame = col
        s.front(u, z + 0.2, [(-0.06, 0), (0.06, 0), (0.06, 0.7), (-0.06, 0.7)], dark, VEHICLE)
        s.front(u, z + 0.1, [(-0.25, 0.55), (0.25, 0.55), (0.25, 0.75), (-0.25, 0.75)], frame, VEHICLE)
        if kind == "motorbike":
            s.front(u, z + 0.1, [(-0.3, 0.3), (0.3, 0.3), (0.3, 0.6), (-0.3, 0.6)], frame, VEHICLE)
        _person_figure(s, u, z + 0.6, 0.45, float(r.uniform(1.2, 1.35)), view=1, phase=0.0, seated=True)
        return
    tire = 2 * wheel
    for sgn in (-1, 1):
        s.front(u, z, [(sgn * w / 2 - sgn * 0.05, 0), (sgn * w / 2 - sgn * 0.35, 0), (sgn * w / 2 - sgn * 0.35, tire),
                       (sgn * w / 2 - sgn * 0.05, tire)], dark, VEHICLE)
    if kind in ("car", "van"):
        belt = 0.55 * h
        s.front(u, z, [(-w / 2, 0.2), (w / 2, 0.2), (w / 2, belt), (-w / 2, belt)], col, VEHICLE)
        inset = 0.12 * w if kind == "car" else 0.05 * w
        s.front(u, z, [(-w / 2 + 0.05, belt), (w / 2 - 0.05, belt), (w / 2 - inset, h), (-w / 2 + inset, h)], col, VEHICLE)
        s.front(u, z - 0.01, [(-w / 2 + 0.15, belt + 0.06), (w / 2 - 0.15, belt + 0.06), (w / 2 - inset - 0.05, h - 0.07),
                              (-w / 2 + inset + 0.05, h - 0.07)], glass, VEHICLE)
        s.front(u, z - 0.01, [(-w / 2, 0.22), (w / 2, 0.22), (w / 2, 0.32), (-w / 2, 0.32)], _scale(col, 0.6), VEHICLE)
    else:
        s.front(u, z, [(-w / 2, 0.3), (w / 2, 0.3), (w / 2, h), (-w / 2, h)], col, VEHICLE)
        if direction < 0 or kind == "bus":
            s.front(u, z - 0.01, [(-w / 2 + 0.1, 0.55 * h), (w / 2 - 0.1, 0.55 * h), (w / 2 - 0.1, 0.92 * h),
                                  (-w / 2 + 0.1, 0.92 * h)], glass, VEHICLE)
        else:
            s.front(u, z - 0.01, [(-0.03, 0.35), (0.03, 0.35), (0.03, h - 0.1), (-0.03, h - 0.1)], _scale(col, 0.7),
                    VEHICLE)
    lamp = (220, 30, 30) if direction > 0 else (245, 240, 215)
    if night:
        lamp = (255, 60, 50) if direction > 0 else (255, 255, 240)
    ly = 0.42 * h if kind in ("car", "van") else 0.5
    for sgn in (-1, 1):
        s.front(u, z - 0.02, [(sgn * (w / 2 - 0.05), ly), (sgn * (w / 2 - 0.35), ly), (sgn * (w / 2 - 0.35), ly + 0.12),
                              (sgn * (w / 2 - 0.05), ly + 0.12)], lamp, VEHICLE, glow=night)
    s.front(u, z - 0.02, [(-0.26, 0.3), (0.26, 0.3), (0.26, 0.42), (-0.26, 0.42)], (230, 230, 220), VEHICLE)


def _vehicle_side_on(s: _Scene, kind, uc, zc):
    """A vehicle driving across the view on the side road: its long side faces the camera."""
    r = s.rng
    w, h, L = _VEHICLE_SIZE[kind]
    col = s.pick(_CARS if kind != "bus" else _BRIGHT, 10)
    glass = _mix((45, 55, 65), s.sky_low, float(r.uniform(0, 0.4)))
    parts, wheel = _profile(kind, L, h, r)
    flip = r.random() < 0.5
    z = zc - w / 2
    u0 = uc - L / 2
    for role, pts in parts:
        pp = [(L - a if flip else a, b) for a, b in pts]
        s.front(u0, z, pp, glass if role == "glass" else col, VEHICLE)
    for a in (0.8, L - 0.9) if L < 7 else (1.2, L - 3.2, L - 1.8):
        s.front_ellipse(u0 + a, wheel, z - 0.01, wheel, wheel, (22, 22, 24), VEHICLE)


# ----------------------------------------------------------------------------- bridge
def _bridge(s: _Scene):
    br = s.bridge
    if not br:
        return
    r = s.rng
    z, c = br["z"], br["color"]

    def draw():
        # underside (seen from below), deck face, parapet, pillars
        s.ground(-300, 300, z, z + br["depth"], _scale(c, 0.55), BRIDGE, y=br["under"])
        s.front(-300, z, [(0, br["under"]), (600, br["under"]), (600, br["top"]), (0, br["top"])], c, BRIDGE)
        s.front(-300, z, [(0, br["top"] - 0.2), (600, br["top"] - 0.2), (600, br["top"]), (0, br["top"])],
                _scale(c, 1.15), BRIDGE)
        if br["rail"]:
            rail = _scale(c, 0.8)
            s.front(-300, z, [(0, br["top"] + 0.9), (600, br["top"] + 0.9), (600, br["top"] + 1.0),
                              (0, br["top"] + 1.0)], rail, BRIDGE)
            k = -30.0
            while k < 30:
                s.front(k, z, [(0, br["top"]), (0.08, br["top"]), (0.08, br["top"] + 0.95), (0, br["top"] + 0.95)],
                        rail, BRIDGE)
                k += 1.5
        if br["pillars"]:
            pw = float(r.uniform(0.6, 1.5))
            for sd in (-1, 1):
                u = s.sides[sd]["edge"] + sd * 0.6
                lo = min(u, u + sd * pw)
                s.front(lo, z + 0.5, [(0, 0), (pw, 0), (pw, br["under"]), (0, br["under"])], _scale(c, 0.85), BRIDGE)
    s.add(z, draw, 2)
    if s.tod != "night":
        s.ground(-300, 300, z + br["depth"] * 0.2, z + br["depth"] * 1.1, None, shade=int(255 * 0.55))


# ============================================================================= finishing
def _hood(s: _Scene, img: Image.Image, lab: Image.Image):
    """The ego car's bonnet at the bottom of the picture (class 0, unlabeled)."""
    r = s.rng
    W, H = IMAGE_WIDTH, IMAGE_HEIGHT
    top = float(r.uniform(0.06, 0.14)) * H
    col = s.pick(_CARS, 8)
    bend = float(r.uniform(0.3, 0.8))
    xs = np.linspace(-10, W + 10, 25)
    ys = H - top * (1 - bend * ((xs - W / 2) / (W / 2)) ** 2)
    pts = list(zip(xs, ys)) + [(W + 10, H + 5), (-10, H + 5)]
    d, dl = ImageDraw.Draw(img), ImageDraw.Draw(lab)
    d.polygon(pts, fill=_scale(col, s.light ** -0.5 * 0.9))
    dl.polygon(pts, fill=UNLABELED)
    # a reflection of the sky along its top
    refl = _mix(col, s.sky_low, 0.45)
    pts2 = list(zip(xs, ys)) + list(zip(xs[::-1], ys[::-1] + top * 0.18))
    d.polygon(pts2, fill=refl)


def _finish(s: _Scene):
    """Camera roll, crop, hood, then light, shadows, texture, colour and noise in NumPy."""
    r = s.rng
    img, lab, shade, glow = s.img, s.lab, s.shade, s.glow
    night = s.tod in ("night", "dusk")
    if abs(s.roll) > 0.05:
        c = (_CW / 2, _CH / 2)
        img = img.rotate(s.roll, resample=Image.BILINEAR, center=c)
        lab = lab.rotate(s.roll, resample=Image.NEAREST, center=c)
        shade = shade.rotate(s.roll, resample=Image.NEAREST, center=c, fillcolor=255)
        if night:
            glow = glow.rotate(s.roll, resample=Image.NEAREST, center=c)
    box = (_MX, _MY, _MX + IMAGE_WIDTH, _MY + IMAGE_HEIGHT)
    img, lab, shade, glow = img.crop(box), lab.crop(box), shade.crop(box), glow.crop(box)
    if s.hood:
        _hood(s, img, lab)
    if r.random() < 0.5:
        img = img.filter(ImageFilter.SMOOTH)
    x = np.asarray(img, np.float32)
    mask = np.asarray(lab, np.uint8)
    H, W = mask.shape
    # one brightness factor per pixel: light level (self-lit pixels keep theirs), cast
    # shadows (on flat ground only), a slow brightness field
    sh = np.asarray(shade, np.float32) * (1.0 / 255.0)
    m = np.where(_FLAT[mask], sh, np.float32(1.0)) * np.float32(s.light)
    if night:
        g = np.asarray(glow, np.float32) * (1.0 / 255.0)
        m = m + (1.0 - m) * g
    coarse = r.normal(0, 1, size=(H // 32 + 2, W // 32 + 2)).astype(np.float32)
    field = np.asarray(Image.fromarray(coarse).resize((W, H), Image.BILINEAR), np.float32)
    m = m * (1.0 + np.float32(r.uniform(0.03, 0.1)) * field)
    x = x * m[..., None]
    if night and g.any():  # bloom around lamps and lit windows
        bloom = Image.fromarray(np.clip(x * g[..., None], 0, 255).astype(np.uint8)).reduce(4)
        bloom = bloom.filter(ImageFilter.GaussianBlur(float(r.uniform(1.0, 2.5)))).resize((W, H), Image.BILINEAR)
        x = x + np.float32(r.uniform(0.6, 1.4)) * np.asarray(bloom, np.float32)
    # grain (stronger on rough surfaces) and sensor noise, in one luminance draw, plus coarse chroma noise
    # (drawn at half resolution: 2x2 grains keep the PNG files smaller)
    amp = _GRAIN * np.float32(r.uniform(0.5, 1.5)) + np.float32(r.uniform(1.0, 3.0))
    half = r.standard_normal((H // 2, W // 2), dtype=np.float32)
    noise = np.asarray(Image.fromarray(half).resize((W, H), Image.NEAREST)) * amp[mask]
    chroma = r.normal(0, float(r.uniform(1, 4)), size=(H // 8, W // 8, 3)).astype(np.float32)
    chroma = np.stack([np.asarray(Image.fromarray(chroma[..., c]).resize((W, H), Image.BILINEAR)) for c in range(3)], -1)
    x = x + noise[..., None] + chroma
    # saturation, then per-channel gain, contrast and gamma through a lookup table
    grey = x.mean(axis=2, keepdims=True)
    x = grey + np.float32(r.uniform(0.7, 1.3)) * (x - grey)
    q = np.clip(x + 0.5, 0, 255).astype(np.uint8)
    v = np.arange(256, dtype=np.float64)
    gain = r.uniform(0.9, 1.1, size=3)
    contrast, gamma = float(r.uniform(0.85, 1.15)), float(r.uniform(0.85, 1.2))
    out = np.empty_like(q)
    for ch in range(3):
        y = np.clip(128.0 + contrast * (v * gain[ch] - 128.0), 0, 255)
        lut = np.clip(255.0 * (y / 255.0) ** gamma + 0.5, 0, 255).astype(np.uint8)
        out[..., ch] = lut[q[..., ch]]
    return out, mask.copy()


# fine-grain amplitude per class (0..255 units): rough surfaces are grainier
_GRAIN = np.full(N_CLASSES, 3.0, np.float32)
for _c, _a in ((VEGETATION, 16), (TERRAIN, 12), (ROAD, 6), (SIDEWALK, 6), (GROUND, 8), (RAIL, 14), (WATER, 5),
               (BUILDING, 4), (WALL, 6), (SKY, 1.5), (ROAD_LINE, 5)):
    _GRAIN[_c] = _a
#: classes that lie flat on the ground: cast shadows darken only these
_FLAT = np.zeros(N_CLASSES, bool)
_FLAT[[ROAD, ROAD_LINE, SIDEWALK, TERRAIN, GROUND, RAIL, WATER]] = True


def render_scene(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draw one scene from ``rng``.

    Returns ``(image, mask)``: image uint8 ``(480, 640, 3)`` RGB, mask uint8 ``(480, 640)``
    holding class ids 0..22 (``CLASS_NAMES``).
    """
    s = _Scene(rng)
    _layout(s)
    _sky(s)
    _far_background(s)
    _side_rows(s)          # queues buildings, fences... and draws the flat ground beside the street
    _road(s)
    _level_crossing(s)
    _sidewalks(s)
    _markings(s)
    _vehicles(s)
    _bridge(s)
    for _, _, _, fn in sorted(s.items, key=lambda t: (-t[0], t[1], t[2])):
        fn()
    return _finish(s)


def scene_rng(split: str, index: int, seed: int | None = None) -> np.random.Generator:
    """The random stream of scene ``index`` of ``split``: ``default_rng([seed, split_code, index])``."""
    if split not in _SPLIT_CODE:
        raise ValueError(f"split must be one of {sorted(_SPLIT_CODE)}, not {split!r}")
    seed = SEEDS[split] if seed is None else int(seed)
    return np.random.default_rng([seed, _SPLIT_CODE[split], int(index)])


def scenes(split: str, n: int, start: int = 0, seed: int | None = None):
    """Yield ``(image, mask)`` for scenes ``start .. start + n - 1`` of ``split``."""
    for i in range(start, start + n):
        yield render_scene(scene_rng(split, i, seed))


def scenes_checksum(split: str, n: int, start: int = 0, seed: int | None = None) -> str:
    """sha256 over the pixels and masks of ``n`` scenes (a determinism check)."""
    h = hashlib.sha256(GENERATOR_VERSION.encode())
    for img, mask in scenes(split, n, start, seed):
        h.update(img.tobytes())
        h.update(mask.tobytes())
    return h.hexdigest()


def class_pixel_counts(masks) -> np.ndarray:
    """Pixels per class over an iterable of masks: int64 ``(23,)``."""
    total = np.zeros(N_CLASSES, np.int64)
    for m in masks:
        total += np.bincount(np.asarray(m).reshape(-1), minlength=N_CLASSES)[:N_CLASSES]
    return total


# ============================================================================= files
def mask_to_png_array(mask: np.ndarray) -> np.ndarray:
    """``(H, W)`` class ids -> ``(H, W, 3)`` uint8 with R = id, G = B = 0 (the CARLA mask encoding)."""
    mask = np.asarray(mask, np.uint8)
    out = np.zeros(mask.shape + (3,), np.uint8)
    out[..., 0] = mask
    return out


def _write_pair(task):
    root, split, seed, index = task
    img, mask = render_scene(scene_rng(split, index, seed))
    name = f"{index:06d}.png"
    root = Path(root)
    done = []
    for folder, arr in (("CameraRGB", img), ("CameraMask", mask_to_png_array(mask))):
        tmp = root / folder / f".{name}.tmp"
        Image.fromarray(arr).save(tmp, format="PNG", compress_level=1)
        done.append((tmp, root / folder / name))
    for tmp, final in done:  # both files appear together: a reader never sees a picture without its mask
        os.replace(tmp, final)
    return index


def read_stamp(root) -> dict | None:
    """The stamp of a folder written by ``write_carla_folder`` (``None`` if there is none)."""
    p = Path(root) / STAMP_NAME
    try:
        return json.loads(p.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _stamp_fits(stamp, split, seed) -> bool:
    return bool(stamp) and stamp.get("generator") == "cnnkit.streets" \
        and stamp.get("generator_version") == GENERATOR_VERSION and stamp.get("split") == split \
        and stamp.get("seed") == seed


def folder_is_complete(root, count: int = DEFAULT_COUNT, split: str = "train", seed: int | None = None) -> bool:
    """True when ``root`` holds at least ``count`` pairs drawn by this generator version (per its stamp)."""
    seed = SEEDS[split] if seed is None else int(seed)
    stamp = read_stamp(root)
    if not _stamp_fits(stamp, split, seed) or int(stamp.get("count", 0)) < count:
        return False
    root = Path(root)
    return all((root / d / f"{count - 1:06d}.png").is_file() for d in ("CameraRGB", "CameraMask")) if count else True


def write_carla_folder(root, count: int = DEFAULT_COUNT, split: str = "train", seed: int | None = None,
                       workers: int | None = None, progress: bool = True) -> dict:
    """Draw scenes ``0 .. count - 1`` of ``split`` into ``root/CameraRGB`` and ``root/CameraMask``.

    A folder whose stamp shows the same generator version, split and seed keeps the pairs
    it has and gets only the missing ones (the scenes are the same either way; its stamp
    keeps the old count until the new one is complete, so a growth cut off loses nothing);
    anything else (no stamp: a first run cut off, another version) is cleared and drawn
    again.
    ``workers`` processes draw in parallel (default: up to 2, one per CPU).  A tqdm bar
    goes to stdout.  Returns the stamp written (also in ``root/STAMP.json``).
    """
    if count < 0:
        raise ValueError(f"count must be >= 0, not {count}")
    seed = SEEDS[split] if seed is None else int(seed)
    scene_rng(split, 0, seed)  # checks the split name
    root = Path(root)
    stamp = read_stamp(root)
    start = 0
    if _stamp_fits(stamp, split, seed):
        start = min(int(stamp.get("count", 0)), count)
        if folder_is_complete(root, count, split, seed):
            return stamp
    for d in ("CameraRGB", "CameraMask"):
        (root / d).mkdir(parents=True, exist_ok=True)
    if start == 0:  # clear what an earlier, different or broken run left (the stamp first)
        (root / STAMP_NAME).unlink(missing_ok=True)
        for d in ("CameraRGB", "CameraMask"):
            for p in (root / d).glob("*.png"):
                if p.stem.isdigit() and len(p.stem) == 6:
                    p.unlink()
    todo = [(str(root), split, seed, i) for i in range(start, count)]
    t0 = time.perf_counter()
    bar = None
    if progress and todo:
        from tqdm import tqdm

        bar = tqdm(total=len(todo), file=sys.stdout, desc=f"Drawing {split} street scenes", unit="scene",
                   mininterval=0.5, ascii=True, leave=False)
    workers = workers if workers is not None else max(1, min(2, os.cpu_count() or 1))
    try:
        if workers > 1 and len(todo) > 8:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            pool = ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn"))
            try:
                for _ in pool.map(_write_pair, todo, chunksize=8):
                    if bar is not None:
                        bar.update(1)
            finally:  # an interrupt stops the workers' queue at once (the stamp is not written)
                pool.shutdown(wait=True, cancel_futures=True)
        else:
            for t in todo:
                _write_pair(t)
                if bar is not None:
                    bar.update(1)
    finally:
        if bar is not None:
            bar.close()
    stamp = {"generator": "cnnkit.streets", "generator_version": GENERATOR_VERSION, "split": split, "seed": seed,
             "count": int(count), "image_size": [IMAGE_HEIGHT, IMAGE_WIDTH], "classes": list(CLASS_NAMES),
             "mask_encoding": "red channel = class id, green = blue = 0", "seconds": round(time.perf_counter() - t0, 1)}
    tmp = root / f".{STAMP_NAME}.tmp"
    tmp.write_text(json.dumps(stamp, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, root / STAMP_NAME)
    if progress and todo:
        print(f"Drew {len(todo)} synthetic street scenes ({split}, generator {GENERATOR_VERSION}) in "
              f"{stamp['seconds']:.1f} s into {root}")
    return stamp
