"""Datasets for the course: seeded synthetic generators, h5 files and loaders.

The original course shipped two small h5 image sets for week 1 (``w1a2``) and
week 2 (``w2a1``):

* **Happy House** -- 64x64 photos of people; label 1 when the person smiles.
* **SIGNS** -- 64x64 photos of a hand showing 0..5 raised fingers.

This module draws look-alike sets from scratch with seeded, deterministic code
(NumPy + Pillow, nothing is downloaded) and stores them in the original h5
layout::

    train_<name>.h5   train_set_x  uint8 (m_train, 64, 64, 3)
                      train_set_y  int64 (m_train,)
                      list_classes int64 (C,)
    test_<name>.h5    test_set_x   uint8 (m_test, 64, 64, 3)
                      test_set_y   int64 (m_test,)
                      list_classes int64 (C,)

Where the files live (``datasets_dir()``)::

    datasets/                       the repository's folder, or $CNN_COURSE_DATASETS
        MANIFEST.json               sha256, generator version and seed of every generated file
        train_happy.h5, ...         original course files, *if a user puts them there*
        synthetic/happy/train_happy.h5, test_happy.h5
        synthetic/signs/train_signs.h5, test_signs.h5

Loaders (``load_happy_dataset``, ``load_signs_dataset``) pick the source in this
order: an explicit ``path=`` directory, then the original files in ``datasets/``,
then the synthetic files (built on first use and checked against the manifest).
They print one line on stdout that names the source.

How the pictures are made
-------------------------
Every image is drawn on a 256x256 canvas (4x supersampling) with Pillow polygons
in a rotated, scaled local frame, reduced to 64x64 with a box filter (this is the
anti-aliasing), and then passed through a small camera model in NumPy: shading,
directional light, colour cast, vignette, defocus blur, sensor noise and an
8x8-block DCT quantisation that mimics JPEG.  Each image has its own random
stream ``default_rng([seed, split, index])``, so ``subset=k`` draws exactly the
first ``k`` images of each split of the full set.  Both sets together take about
15-20 s on one core.

What the labels mean, and how hard the sets are
-----------------------------------------------
* Happy House: 1 = a clear smile, i.e. an open or grinning mouth that shows teeth,
  usually with narrowed eyes.  0 = neutral (lips closed, corners level or slightly
  up or down), frown, "o" mouth, pursed lips, or talking (open, no teeth).  The
  person is framed like a webcam close-up; skin tone, hair, glasses, hats, head
  size, position and tilt, room, lighting and noise vary.
* SIGNS: k = number of raised fingers (index first, then middle, ring, little
  finger; k = 5 adds the thumb).  The hand, lit by a lamp, is brighter than the
  wall or room behind it.

The difficulty knobs (``HAPPY_DIFFICULTY``, ``SIGNS_DIFFICULTY``) are tuned so that the
two w1a2 models reach their targets in the notebook budget (see
``scripts/check_learnability.py``).  Two findings shaped them: the SIGNS model's
max-pooled ReLU features only pick up structures brighter than their surroundings,
so a dark hand on a light wall takes it many times longer to learn; and
happyModel (BatchNorm + a 32768-input Dense layer trained with Adam) becomes
unstable between epochs as soon as a few percent of the training pictures cannot
be fitted (closed-lip smiles, beards around the mouth).
"""
from __future__ import annotations

import hashlib
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, NamedTuple

import numpy as np

__all__ = [
    "GENERATOR_VERSION",
    "DATASET_SPECS",
    "SyntheticDataset",
    "DatasetFormatError",
    "DatasetIntegrityError",
    "datasets_dir",
    "manifest_path",
    "generate_happy_dataset",
    "generate_signs_dataset",
    "build_synthetic_datasets",
    "load_happy_dataset",
    "load_signs_dataset",
    "load_dataset",
    "convert_to_one_hot",
]

#: Bump when a change to the drawing code changes any pixel.  Recorded in the
#: manifest and in the attributes of every generated h5 file.
GENERATOR_VERSION = "1.0.0"

#: Everything that defines a shipped synthetic set.  Tests may monkeypatch the
#: sizes to build tiny sets quickly.
DATASET_SPECS: dict[str, dict] = {
    "happy": {
        "title": "Happy House",
        "seed": 1,
        "n_train": 600,
        "n_test": 150,
        "classes": [0, 1],
        "class_names": ["not smiling", "smiling"],
        "train_file": "train_happy.h5",
        "test_file": "test_happy.h5",
        "description": "64x64 RGB pictures of a person in a room; label 1 when the person smiles.",
    },
    "signs": {
        "title": "SIGNS",
        "seed": 2,
        "n_train": 1080,
        "n_test": 120,
        "classes": [0, 1, 2, 3, 4, 5],
        "class_names": ["0", "1", "2", "3", "4", "5"],
        "train_file": "train_signs.h5",
        "test_file": "test_signs.h5",
        "description": "64x64 RGB pictures of a hand; label k when k fingers are raised.",
    },
}

IMAGE_SIZE = 64          # side of the stored images
_SS = 4                  # supersampling factor of the drawing canvas
_CANVAS = IMAGE_SIZE * _SS
_SPLIT_CODE = {"train": 0, "test": 1}
_PROBE = 16              # images per split hashed into the manifest as a quick check
_KEYS = {"train": ("train_set_x", "train_set_y", "list_classes"),
         "test": ("test_set_x", "test_set_y", "list_classes")}


class DatasetFormatError(ValueError):
    """An h5 file exists but lacks a key or holds arrays of the wrong shape."""


class DatasetIntegrityError(RuntimeError):
    """A synthetic file does not match the sha256 recorded in ``MANIFEST.json``."""


class SyntheticDataset(NamedTuple):
    """Arrays returned by the generators (h5 layout: labels are 1-D).

    X_train : uint8 (m_train, 64, 64, 3)
    y_train : int64 (m_train,)
    X_test  : uint8 (m_test, 64, 64, 3)
    y_test  : int64 (m_test,)
    classes : int64 (C,)
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    classes: np.ndarray


# ----------------------------------------------------------------------------------
# Small drawing toolkit
# ----------------------------------------------------------------------------------

def _ci(color, alpha=None):
    """Float RGB (0..255) -> int tuple for Pillow, optionally with alpha."""
    out = tuple(int(min(255, max(0, round(v)))) for v in color[:3])
    if alpha is not None:
        out = out + (int(min(255, max(0, round(alpha)))),)
    return out


def _scale(color, f):
    return tuple(v * f for v in color)


def _mix(c1, c2, t):
    return tuple(a * (1.0 - t) + b * t for a, b in zip(c1, c2))


_CIRCLE = {n: (np.cos(np.linspace(0, 2 * np.pi, n, endpoint=False)),
               np.sin(np.linspace(0, 2 * np.pi, n, endpoint=False))) for n in (12, 20, 32, 48)}


class _Pen:
    """Draw shapes given in a local frame onto a Pillow ``ImageDraw``.

    Local coordinates ``(x, y)`` (image convention, y points down) are mirrored
    (optional), rotated by ``angle`` radians around the origin and moved to
    ``(ox, oy)`` on the canvas.
    """

    def __init__(self, draw, ox, oy, angle=0.0, mirror=False):
        self.draw = draw
        self.ox, self.oy = ox, oy
        self.c, self.s = math.cos(angle), math.sin(angle)
        self.mx = -1.0 if mirror else 1.0

    def tf(self, x, y):
        x = np.asarray(x, dtype=np.float64) * self.mx
        y = np.asarray(y, dtype=np.float64)
        return self.ox + self.c * x - self.s * y, self.oy + self.s * x + self.c * y

    def _xy(self, x, y):
        X, Y = self.tf(x, y)
        return list(zip(X.tolist(), Y.tolist()))

    def poly(self, x, y, fill=None, outline=None, width=1):
        self.draw.polygon(self._xy(x, y), fill=fill, outline=outline, width=width)

    def ellipse(self, cx, cy, rx, ry, fill=None, outline=None, width=1, n=32, rot=0.0):
        cs, sn = _CIRCLE[n]
        x, y = rx * cs, ry * sn
        if rot:
            c, s = math.cos(rot), math.sin(rot)
            x, y = c * x - s * y, s * x + c * y
        self.poly(cx + x, cy + y, fill=fill, outline=outline, width=width)

    def line(self, x, y, fill, width):
        w = max(1, int(round(width)))
        self.draw.line(self._xy(x, y), fill=fill, width=w, joint="curve")

    def capsule(self, x0, y0, x1, y1, r0, r1=None, fill=None, outline=None, width=1, n=7):
        """A tapered stadium from (x0, y0) (radius r0) to (x1, y1) (radius r1)."""
        r1 = r0 if r1 is None else r1
        dx, dy = x1 - x0, y1 - y0
        ln = math.hypot(dx, dy) or 1e-6
        ux, uy = dx / ln, dy / ln
        nx, ny = -uy, ux
        t = np.linspace(-np.pi / 2, np.pi / 2, n)
        # cap around the end point: from +normal through +u to -normal
        ex = x1 + r1 * (np.cos(t) * ux - np.sin(t) * nx)
        ey = y1 + r1 * (np.cos(t) * uy - np.sin(t) * ny)
        sx = x0 + r0 * (-np.cos(t) * ux + np.sin(t) * nx)
        sy = y0 + r0 * (-np.cos(t) * uy + np.sin(t) * ny)
        self.poly(np.concatenate([ex, sx]), np.concatenate([ey, sy]), fill=fill,
                  outline=outline, width=width)


def _box_reduce(img):
    """256x256 Pillow RGB image -> float32 array (64, 64, 3) in [0, 1] (4x4 box average)."""
    return np.asarray(img.reduce(_SS), dtype=np.float32) / np.float32(255.0)


def _gauss_kernel(sigma):
    r = max(1, int(math.ceil(2.5 * sigma)))
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma) ** 2)
    return (k / k.sum()).astype(np.float32)


def _blur(img, sigma):
    """Separable Gaussian blur of an (H, W[, C]) float array with edge padding."""
    if sigma < 0.15:
        return img
    k = _gauss_kernel(sigma)
    r = len(k) // 2
    pad = [(r, r), (0, 0)] + [(0, 0)] * (img.ndim - 2)
    p = np.pad(img, pad, mode="edge")
    out = sum(k[i] * p[i:i + img.shape[0]] for i in range(len(k)))
    pad = [(0, 0), (r, r)] + [(0, 0)] * (img.ndim - 2)
    p = np.pad(out, pad, mode="edge")
    return sum(k[i] * p[:, i:i + img.shape[1]] for i in range(len(k)))


# 8x8 DCT-II basis (orthonormal) and the usual luminance quantisation table shape.
_DCT = np.array([[math.sqrt((1 if u == 0 else 2) / 8) * math.cos((2 * x + 1) * u * math.pi / 16)
                  for x in range(8)] for u in range(8)], dtype=np.float64)
_QTABLE = np.array([
    [16, 11, 10, 16, 24, 40, 51, 61], [12, 12, 14, 19, 26, 58, 60, 55],
    [14, 13, 16, 24, 40, 57, 69, 56], [14, 17, 22, 29, 51, 87, 80, 62],
    [18, 22, 37, 56, 68, 109, 103, 77], [24, 35, 55, 64, 81, 104, 113, 92],
    [49, 64, 78, 87, 103, 121, 120, 101], [72, 92, 95, 98, 112, 100, 103, 99]],
    dtype=np.float64)


def _jpeg_like(img, quality):
    """Mimic JPEG: 2x2 chroma averaging and 8x8 DCT quantisation of the luma.

    img: float (64, 64, 3) in [0, 1]; quality: 0..1 (1 = nearly lossless).
    """
    x = img.astype(np.float64) * 255.0
    y = 0.299 * x[..., 0] + 0.587 * x[..., 1] + 0.114 * x[..., 2]
    cb = x[..., 2] - y
    cr = x[..., 0] - y
    n = IMAGE_SIZE
    # chroma subsampling
    cb = cb.reshape(n // 2, 2, n // 2, 2).mean(axis=(1, 3)).repeat(2, 0).repeat(2, 1)
    cr = cr.reshape(n // 2, 2, n // 2, 2).mean(axis=(1, 3)).repeat(2, 0).repeat(2, 1)
    # luma block DCT
    blocks = (y - 128.0).reshape(n // 8, 8, n // 8, 8).transpose(0, 2, 1, 3)
    coef = np.einsum("ux,abxy,vy->abuv", _DCT, blocks, _DCT)
    q = _QTABLE * (0.15 + 1.6 * (1.0 - quality))
    coef = np.round(coef / q) * q
    blocks = np.einsum("ux,abuv,vy->abxy", _DCT, coef, _DCT)
    y = blocks.transpose(0, 2, 1, 3).reshape(n, n) + 128.0
    r = y + cr
    b = y + cb
    g = (y - 0.299 * r - 0.114 * b) / 0.587
    return (np.stack([r, g, b], axis=-1) / 255.0).astype(np.float32)


_GRID = (np.arange(IMAGE_SIZE, dtype=np.float32) + 0.5) / IMAGE_SIZE   # pixel centres in [0, 1]


def _camera(img, rng, *, blur=(0.0, 0.7), noise=(1.0, 6.0), light=0.45, jpeg=0.5,
            exposure=(0.78, 1.18), auto=(0.0, 0.0), target=(0.42, 0.55), awb=(0.0, 0.0),
            extra_mult=None):
    """Photographic finish of a float (64, 64, 3) image -> uint8 (64, 64, 3).

    Light gradient, vignette, exposure error and colour cast; then the camera's own
    auto-exposure (pulls the mean luminance towards ``target`` with a strength drawn
    from ``auto``) and grey-world white balance (strength ``awb``); gamma, defocus,
    sensor noise and JPEG-like blocks.
    """
    yy, xx = np.meshgrid(_GRID, _GRID, indexing="ij")
    if extra_mult is not None:
        img = img * extra_mult[..., None]
    # directional light across the frame, exposure and white balance
    ang = rng.uniform(0, 2 * np.pi)
    g = rng.uniform(0.0, light)
    mult = 1.0 + g * (math.cos(ang) * (xx - 0.5) + math.sin(ang) * (yy - 0.5)) * 2.0
    vig = rng.uniform(0.0, 0.35)
    mult = mult * (1.0 - vig * ((xx - 0.5) ** 2 + (yy - 0.5) ** 2) * 2.0)
    exposure = rng.uniform(*exposure)
    cast = np.array([1.0 + rng.normal(0, 0.035), 1.0, 1.0 + rng.normal(0, 0.045)], np.float32)
    img = img * (mult * exposure)[..., None] * cast
    means = img.reshape(-1, 3).mean(axis=0)
    lum = float(means @ np.float32([0.299, 0.587, 0.114]))
    wb = rng.uniform(*awb)
    if wb > 0:
        img = img * ((lum / np.maximum(means, 1e-3)) ** np.float32(wb)).astype(np.float32)
    ae = rng.uniform(*auto)
    if ae > 0:
        img = img * np.float32((rng.uniform(*target) / max(lum, 1e-3)) ** ae)
    gamma = rng.uniform(0.85, 1.15)
    img = np.clip(img, 0.0, 1.0) ** np.float32(gamma)
    img = _blur(img, rng.uniform(*blur))
    # sensor noise: luminance + a little chroma, stronger in the shadows
    sig = rng.uniform(*noise) / 255.0
    lum = rng.standard_normal((IMAGE_SIZE, IMAGE_SIZE, 1), dtype=np.float32)
    chroma = rng.standard_normal((IMAGE_SIZE, IMAGE_SIZE, 3), dtype=np.float32)
    img = img + sig * (1.3 - 0.6 * img) * (lum + 0.35 * chroma)
    if rng.random() < jpeg:
        img = _jpeg_like(np.clip(img, 0, 1), rng.uniform(0.55, 1.0))
    return np.clip(np.round(np.clip(img, 0.0, 1.0) * 255.0), 0, 255).astype(np.uint8)


# ----------------------------------------------------------------------------------
# Colours
# ----------------------------------------------------------------------------------

_SKIN = np.array([(255, 228, 206), (247, 209, 182), (236, 190, 158), (222, 168, 130),
                  (200, 142, 104), (172, 114, 80), (140, 90, 60), (108, 68, 46),
                  (82, 52, 38)], dtype=np.float64)

_HAIR = [(22, 18, 18), (40, 28, 22), (70, 45, 30), (105, 68, 40), (140, 78, 40),
         (160, 62, 34), (205, 170, 105), (225, 200, 140), (150, 148, 145), (210, 210, 205)]

_WALLS = [(232, 226, 210), (214, 206, 188), (196, 214, 226), (206, 224, 204), (236, 214, 214),
          (245, 240, 232), (180, 160, 130), (150, 170, 190), (120, 104, 90), (226, 198, 150),
          (200, 200, 204), (90, 110, 100)]


def _skin_color(rng):
    t = rng.uniform(0, len(_SKIN) - 1)
    i = min(int(t), len(_SKIN) - 2)
    c = _SKIN[i] * (1 - (t - i)) + _SKIN[i + 1] * (t - i)
    c = c + rng.normal(0, 5, 3) + np.array([rng.normal(0, 4), 0, -rng.normal(0, 4)])
    return tuple(c)


def _random_color(rng, sat=(0.2, 0.9), val=(0.25, 0.95)):
    h = rng.uniform(0, 1)
    s = rng.uniform(*sat)
    v = rng.uniform(*val)
    i = int(h * 6) % 6
    f = h * 6 - int(h * 6)
    p, q, t = v * (1 - s), v * (1 - s * f), v * (1 - s * (1 - f))
    rgb = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)][i]
    return tuple(255 * c for c in rgb)


def _jitter(color, rng, sd=10):
    return tuple(c + rng.normal(0, sd) for c in color)


# ----------------------------------------------------------------------------------
# Happy House
# ----------------------------------------------------------------------------------

def _room_background(draw, rng):
    """An indoor scene: wall, maybe wallpaper, floor, window, frames, shelves, lamps..."""
    W = _CANVAS
    wall = _jitter(_WALLS[rng.integers(len(_WALLS))], rng, 12)
    draw.rectangle([0, 0, W, W], fill=_ci(wall))
    # soft vertical gradient on the wall
    top = _scale(wall, rng.uniform(0.85, 1.08))
    for i in range(8):
        y0 = i * W / 8
        draw.rectangle([0, y0, W, y0 + W / 8], fill=_ci(_mix(top, wall, i / 7)))
    if rng.random() < 0.3:  # wallpaper stripes
        step = rng.uniform(8, 22)
        stripe = _scale(wall, rng.uniform(0.88, 0.96))
        x = rng.uniform(0, step)
        while x < W:
            draw.rectangle([x, 0, x + step * 0.45, W], fill=_ci(stripe))
            x += step
    if rng.random() < 0.55:  # floor or wainscot
        y = rng.uniform(0.62, 0.85) * W
        floor = _jitter((150, 110, 75) if rng.random() < 0.6 else _random_color(rng, val=(0.3, 0.8)), rng, 15)
        draw.rectangle([0, y, W, W], fill=_ci(floor))
        draw.rectangle([0, y - 3, W, y + 2], fill=_ci(_scale(floor, 0.7)))
    n_items = rng.integers(1, 6)
    for _ in range(n_items):
        kind = rng.choice(["window", "frame", "shelf", "lamp", "plant", "door", "clock", "sofa"],
                          p=[0.16, 0.22, 0.15, 0.1, 0.12, 0.08, 0.07, 0.1])
        x = rng.uniform(-0.1, 0.95) * W
        y = rng.uniform(-0.05, 0.6) * W
        if kind == "window":
            w, h = rng.uniform(0.25, 0.45) * W, rng.uniform(0.3, 0.5) * W
            frame = _jitter((240, 240, 235) if rng.random() < 0.6 else (120, 85, 55), rng, 8)
            sky = _jitter((150, 195, 235), rng, 18)
            draw.rectangle([x, y, x + w, y + h], fill=_ci(frame))
            draw.rectangle([x + 6, y + 6, x + w - 6, y + h - 6], fill=_ci(sky))
            if rng.random() < 0.6:  # tree outside
                g = _jitter((70, 120, 60), rng, 15)
                for _ in range(4):
                    r = rng.uniform(0.05, 0.1) * W
                    tx, ty = x + rng.uniform(0.2, 0.8) * w, y + rng.uniform(0.5, 1.0) * h
                    draw.ellipse([tx - r, ty - r, tx + r, min(ty + r, y + h - 6)], fill=_ci(g))
            draw.rectangle([x + w / 2 - 3, y, x + w / 2 + 3, y + h], fill=_ci(frame))
            draw.rectangle([x, y + h / 2 - 3, x + w, y + h / 2 + 3], fill=_ci(frame))
        elif kind == "frame":
            w, h = rng.uniform(0.12, 0.3) * W, rng.uniform(0.12, 0.3) * W
            frame = _jitter(_HAIR[rng.integers(len(_HAIR))], rng, 10)
            draw.rectangle([x, y, x + w, y + h], fill=_ci(frame))
            c1, c2 = _random_color(rng), _random_color(rng)
            draw.rectangle([x + 5, y + 5, x + w - 5, y + h - 5], fill=_ci(c1))
            draw.rectangle([x + 5, y + h * rng.uniform(0.4, 0.7), x + w - 5, y + h - 5], fill=_ci(c2))
            if rng.random() < 0.5:
                r = min(w, h) * 0.12
                cx, cy = x + w * rng.uniform(0.3, 0.7), y + h * 0.35
                draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=_ci(_random_color(rng, val=(0.7, 1))))
        elif kind == "shelf":
            w = rng.uniform(0.3, 0.6) * W
            wood = _jitter((125, 88, 55), rng, 15)
            draw.rectangle([x, y, x + w, y + 5], fill=_ci(wood))
            bx = x + 3
            while bx < x + w - 6:
                bw = rng.uniform(4, 10)
                bh = rng.uniform(16, 34)
                draw.rectangle([bx, y - bh, bx + bw, y], fill=_ci(_random_color(rng, val=(0.2, 0.85))))
                bx += bw + rng.uniform(0, 2)
        elif kind == "lamp":
            shade = _jitter((240, 226, 190), rng, 12)
            w, h = rng.uniform(0.08, 0.14) * W, rng.uniform(0.08, 0.12) * W
            draw.polygon([(x + w * 0.2, y), (x + w * 0.8, y), (x + w, y + h), (x, y + h)], fill=_ci(shade))
            draw.rectangle([x + w / 2 - 2, y + h, x + w / 2 + 2, y + h + rng.uniform(0.2, 0.4) * W],
                           fill=_ci((60, 55, 50)))
        elif kind == "plant":
            pot = _jitter((170, 90, 60), rng, 15)
            w = rng.uniform(0.06, 0.12) * W
            y = rng.uniform(0.45, 0.75) * W
            leaf = _jitter((60, 120, 60), rng, 20)
            for _ in range(7):
                r = rng.uniform(0.3, 0.6) * w
                lx, ly = x + rng.uniform(-0.6, 1.6) * w, y - rng.uniform(0.2, 1.8) * w
                draw.ellipse([lx - r, ly - r * 0.6, lx + r, ly + r * 0.6], fill=_ci(_jitter(leaf, rng, 12)))
            draw.polygon([(x, y), (x + w, y), (x + 0.85 * w, y + w), (x + 0.15 * w, y + w)], fill=_ci(pot))
        elif kind == "door":
            w, h = rng.uniform(0.25, 0.35) * W, W
            door = _jitter((150, 110, 75) if rng.random() < 0.5 else (235, 232, 225), rng, 12)
            draw.rectangle([x, y, x + w, y + h], fill=_ci(door))
            draw.rectangle([x + 8, y + 10, x + w - 8, y + h * 0.4], outline=_ci(_scale(door, 0.85)), width=3)
            draw.ellipse([x + w - 18, y + h * 0.5, x + w - 10, y + h * 0.5 + 8], fill=_ci((200, 180, 90)))
        elif kind == "clock":
            r = rng.uniform(0.05, 0.08) * W
            draw.ellipse([x - r, y - r, x + r, y + r], fill=_ci((245, 245, 240)), outline=_ci((40, 40, 40)), width=3)
            a1, a2 = rng.uniform(0, 2 * np.pi, 2)
            draw.line([(x, y), (x + 0.7 * r * math.cos(a1), y + 0.7 * r * math.sin(a1))], fill=(30, 30, 30), width=2)
            draw.line([(x, y), (x + 0.5 * r * math.cos(a2), y + 0.5 * r * math.sin(a2))], fill=(30, 30, 30), width=3)
        else:  # sofa back behind the person
            y = rng.uniform(0.55, 0.75) * W
            col = _jitter(_random_color(rng, sat=(0.1, 0.6), val=(0.3, 0.8)), rng, 8)
            draw.rounded_rectangle([x - 0.3 * W, y, x + 0.5 * W, W + 20], radius=20, fill=_ci(col))
            draw.rounded_rectangle([x - 0.3 * W, y + 0.1 * W, x - 0.2 * W, W + 20], radius=10,
                                   fill=_ci(_scale(col, 0.85)))


#: Difficulty knobs of the Happy House drawing (fractions of the image width, degrees).
HAPPY_DIFFICULTY = {
    "head": (0.265, 0.3),        # head half-width (close-up, like a webcam picture)
    "shift": (0.035, 0.025),     # largest horizontal / vertical offset of the face centre
    "tilt_sd": 5.0,              # head tilt: normal(0, tilt_sd) clipped to +-tilt_max
    "tilt_max": 20.0,
    # expressions and their shares within each class
    # Every smile shows teeth: closed-lip smiles (kinds "smile", "slight") are drawable but
    # left out, because happyModel cannot learn them from a few dozen examples and the few
    # that it cannot fit keep its BatchNorm statistics moving (see scripts/check_learnability.py).
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


def _layer_to_array(layer):
    """RGBA canvas -> (premultiplied RGB (64, 64, 3), alpha (64, 64, 1)), both box-filtered."""
    fore = np.asarray(layer.convert("RGBa").reduce(_SS), dtype=np.float32) / np.float32(255.0)
    return fore[..., :3], fore[..., 3:4]


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


# ----------------------------------------------------------------------------------
# SIGNS
# ----------------------------------------------------------------------------------

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


# ----------------------------------------------------------------------------------
# Generators
# ----------------------------------------------------------------------------------

def _labels(seed: int, split: str, n: int, n_classes: int, balanced: bool) -> np.ndarray:
    """Label schedule of a split: exactly balanced (SIGNS) or 47-53 % positives (Happy)."""
    rng = np.random.default_rng([seed, _SPLIT_CODE[split], 999_983])
    if balanced:
        y = np.arange(n) % n_classes
    else:
        n_pos = int(round(n * rng.uniform(0.47, 0.53)))
        y = (np.arange(n) < n_pos).astype(np.int64)
    return rng.permutation(y).astype(np.int64)


def _generate(name: str, render: Callable, seed: int, n_train: int, n_test: int,
              subset: int | None, progress) -> SyntheticDataset:
    spec = DATASET_SPECS[name]
    n_classes = len(spec["classes"])
    out = []
    for split, n in (("train", n_train), ("test", n_test)):
        y = _labels(seed, split, n, n_classes, balanced=(name == "signs"))
        m = n if subset is None else min(int(subset), n)
        X = np.empty((m, IMAGE_SIZE, IMAGE_SIZE, 3), dtype=np.uint8)
        for i in range(m):
            rng = np.random.default_rng([seed, _SPLIT_CODE[split], i])
            X[i] = render(rng, int(y[i]))
            if progress is not None:
                progress(1)
        out += [X, y[:m].copy()]
    return SyntheticDataset(out[0], out[1], out[2], out[3], np.array(spec["classes"], dtype=np.int64))


def generate_happy_dataset(seed: int = DATASET_SPECS["happy"]["seed"], n_train: int = 600,
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
    return _generate("happy", _render_happy, seed, n_train, n_test, subset, progress)


def generate_signs_dataset(seed: int = DATASET_SPECS["signs"]["seed"], n_train: int = 1080,
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
    return _generate("signs", _render_sign, seed, n_train, n_test, subset, progress)


_GENERATORS = {"happy": generate_happy_dataset, "signs": generate_signs_dataset}


# ----------------------------------------------------------------------------------
# Files, manifest, hashes
# ----------------------------------------------------------------------------------

def datasets_dir() -> Path:
    """The course's datasets folder: ``$CNN_COURSE_DATASETS`` or ``<repo>/datasets``."""
    env = os.environ.get("CNN_COURSE_DATASETS", "").strip()
    if env:
        return Path(env).expanduser().resolve()
    return Path(__file__).resolve().parents[1] / "datasets"


def manifest_path(root: str | os.PathLike | None = None) -> Path:
    """``<datasets>/MANIFEST.json``."""
    return (Path(root) if root is not None else datasets_dir()) / "MANIFEST.json"


def _synthetic_dir(name: str, root: Path) -> Path:
    return root / "synthetic" / name


def _sha256(path: Path) -> str:
    from cnnkit.weights import sha256_file

    return sha256_file(path)


def _content_sha256(X: np.ndarray, y: np.ndarray) -> str:
    """Hash of the pixels and labels only (independent of the h5 container)."""
    h = hashlib.sha256()
    h.update(np.ascontiguousarray(X, dtype=np.uint8).tobytes())
    h.update(np.ascontiguousarray(y, dtype=np.int64).tobytes())
    return h.hexdigest()


def _read_manifest(root: Path) -> dict:
    p = manifest_path(root)
    if not p.exists():
        return {"manifest_version": 1, "datasets": {}}
    try:
        with open(p, encoding="utf-8") as f:
            data = json.load(f)
    except json.JSONDecodeError as err:
        raise DatasetIntegrityError(
            f"{p} is not valid JSON ({err}). Rebuild the synthetic data and its manifest with:\n"
            f"    python -c \"from cnnkit.data import build_synthetic_datasets; "
            f"build_synthetic_datasets(force=True)\"") from err
    data.setdefault("datasets", {})
    return data


def _write_json_atomic(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=2, sort_keys=True) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".manifest-", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def _write_h5(path: Path, split: str, X: np.ndarray, y: np.ndarray, classes: np.ndarray,
              attrs: dict) -> None:
    import h5py

    path.parent.mkdir(parents=True, exist_ok=True)
    xk, yk, ck = _KEYS[split]
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}-", suffix=".h5.tmp")
    os.close(fd)
    try:
        with h5py.File(tmp, "w") as f:
            f.create_dataset(xk, data=np.asarray(X, dtype=np.uint8), track_times=False)
            f.create_dataset(yk, data=np.asarray(y, dtype=np.int64), track_times=False)
            f.create_dataset(ck, data=np.asarray(classes, dtype=np.int64), track_times=False)
            for key, value in attrs.items():
                f.attrs[key] = value
        os.chmod(tmp, 0o644)   # mkstemp creates 0600 files
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def _versions() -> dict:
    import h5py
    import PIL

    return {"numpy": np.__version__, "pillow": PIL.__version__, "h5py": h5py.__version__,
            "python": "%d.%d" % sys.version_info[:2]}


def build_synthetic_datasets(root: str | os.PathLike | None = None, force: bool = False,
                             names=("happy", "signs"), verbose: bool = True) -> dict:
    """Generate the synthetic h5 files and record them in ``MANIFEST.json``.

    Writes, under ``root`` (default :func:`datasets_dir`)::

        synthetic/happy/train_happy.h5  train_set_x uint8 (600, 64, 64, 3), train_set_y int64 (600,), list_classes (2,)
        synthetic/happy/test_happy.h5   test_set_x  uint8 (150, 64, 64, 3), test_set_y  int64 (150,), list_classes (2,)
        synthetic/signs/train_signs.h5  train_set_x uint8 (1080, 64, 64, 3), train_set_y int64 (1080,), list_classes (6,)
        synthetic/signs/test_signs.h5   test_set_x  uint8 (120, 64, 64, 3), test_set_y  int64 (120,), list_classes (6,)
        MANIFEST.json                   sha256, size, content hash, generator version, seed, counts

    A set whose two files already exist and match the manifest is skipped unless
    ``force=True``.  Other entries of the manifest are kept.  A tqdm progress bar is
    written to stdout (never stderr: under nbgrader anything on stderr costs points).

    Returns
    -------
    dict
        ``{name: manifest entry}`` for every set that was (re)built.
    """
    root = Path(root) if root is not None else datasets_dir()
    names = [names] if isinstance(names, str) else list(names)
    for name in names:
        if name not in DATASET_SPECS:
            raise ValueError(f"unknown synthetic dataset {name!r}; choose from {sorted(DATASET_SPECS)}")
    manifest = _read_manifest(root)
    todo = []
    for name in names:
        if force or not _synthetic_files_ok(name, root, manifest):
            todo.append(name)
    if not todo:
        return {}
    total = sum(DATASET_SPECS[n]["n_train"] + DATASET_SPECS[n]["n_test"] for n in todo)
    bar = None
    if verbose:
        from tqdm import tqdm

        bar = tqdm(total=total, file=sys.stdout, desc="Drawing synthetic " + " + ".join(
            DATASET_SPECS[n]["title"] for n in todo), unit="img", delay=0.5, mininterval=0.5,
            ascii=True, leave=False)
    built = {}
    t0 = time.perf_counter()
    try:
        for name in todo:
            spec = DATASET_SPECS[name]
            data = _GENERATORS[name](seed=spec["seed"], n_train=spec["n_train"], n_test=spec["n_test"],
                                     progress=bar.update if bar is not None else None)
            folder = _synthetic_dir(name, root)
            attrs = {"generator": f"cnnkit.data.generate_{name}_dataset",
                     "generator_version": GENERATOR_VERSION, "seed": spec["seed"],
                     "description": spec["description"],
                     "class_names": json.dumps(spec["class_names"])}
            files = {}
            for split, X, y in (("train", data.X_train, data.y_train), ("test", data.X_test, data.y_test)):
                path = folder / spec[f"{split}_file"]
                _write_h5(path, split, X, y, data.classes, attrs)
                files[path.relative_to(root).as_posix()] = {
                    "split": split,
                    "sha256": _sha256(path),
                    "bytes": path.stat().st_size,
                    "content_sha256": _content_sha256(X, y),
                    "probe_sha256": _content_sha256(X[:_PROBE], y[:_PROBE]),
                    "keys": list(_KEYS[split]),
                    "count": int(len(y)),
                    "class_counts": np.bincount(y, minlength=len(spec["classes"])).tolist(),
                }
            entry = {
                "title": spec["title"],
                "description": spec["description"],
                "generator": f"cnnkit.data.generate_{name}_dataset",
                "generator_version": GENERATOR_VERSION,
                "seed": spec["seed"],
                "n_train": spec["n_train"],
                "n_test": spec["n_test"],
                "classes": spec["classes"],
                "class_names": spec["class_names"],
                "probe_size": _PROBE,
                "built_with": _versions(),
                "files": files,
                "rebuild": "python -c \"from cnnkit.data import build_synthetic_datasets; "
                           "build_synthetic_datasets(force=True)\"",
            }
            manifest["datasets"][name] = entry
            built[name] = entry
        manifest["manifest_version"] = 1
        manifest["note"] = ("Synthetic course data drawn by cnnkit.data from a seed (no downloads). "
                            "sha256 is over the file bytes; content_sha256 over the uint8 pixels "
                            "followed by the int64 labels.")
        _write_json_atomic(manifest_path(root), manifest)
    finally:
        if bar is not None:
            bar.close()
    if verbose:
        print(f"Built synthetic {', '.join(DATASET_SPECS[n]['title'] for n in todo)} data in "
              f"{time.perf_counter() - t0:.1f} s under {root / 'synthetic'}")
    return built


def _synthetic_files_ok(name: str, root: Path, manifest: dict) -> bool:
    """Both files exist and have the sha256 that the manifest records."""
    entry = manifest.get("datasets", {}).get(name)
    if not entry:
        return False
    spec = DATASET_SPECS[name]
    for split in ("train", "test"):
        path = _synthetic_dir(name, root) / spec[f"{split}_file"]
        rec = entry.get("files", {}).get(path.relative_to(root).as_posix())
        if rec is None or not path.exists() or _cached_sha256(path) != rec.get("sha256"):
            return False
    return True


_HASH_CACHE: dict = {}


def _cached_sha256(path: Path) -> str:
    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _HASH_CACHE:
        _HASH_CACHE[key] = _sha256(path)
    return _HASH_CACHE[key]


# ----------------------------------------------------------------------------------
# Loaders
# ----------------------------------------------------------------------------------

def _read_split(path: Path, split: str, title: str):
    """Read one h5 file -> (X uint8 (m, H, W, C), y (m,), classes (C,)) with clear errors."""
    import h5py

    xk, yk, ck = _KEYS[split]
    expect = (f"expected keys {xk!r} (uint8 (m, 64, 64, 3)), {yk!r} (int (m,)) and {ck!r} (int (C,))")
    if not path.is_file():
        raise FileNotFoundError(f"{title} data: file not found: {path} ({expect}).")
    try:
        f = h5py.File(path, "r")
    except OSError as err:
        raise DatasetFormatError(f"{title} data: {path} is not a readable HDF5 file ({err}); {expect}.") from err
    with f:
        missing = [k for k in (xk, yk, ck) if k not in f]
        if missing:
            raise DatasetFormatError(
                f"{title} data: {path} has no key {', '.join(map(repr, missing))}; {expect}. "
                f"Keys found: {sorted(f.keys())}.")
        X = np.array(f[xk][:])
        y = np.array(f[yk][:])
        classes = np.array(f[ck][:])
    if X.ndim != 4 or X.shape[-1] != 3:
        raise DatasetFormatError(f"{title} data: {path}: {xk!r} has shape {X.shape}; {expect}.")
    y = y.reshape(-1)
    if y.shape[0] != X.shape[0]:
        raise DatasetFormatError(
            f"{title} data: {path}: {xk!r} holds {X.shape[0]} images but {yk!r} holds {y.shape[0]} labels.")
    if not np.issubdtype(y.dtype, np.integer):
        raise DatasetFormatError(f"{title} data: {path}: {yk!r} has dtype {y.dtype}; {expect}.")
    return X, y, classes.reshape(-1)


def _display(path: Path) -> str:
    """A short form of ``path`` for messages: relative to the working directory when inside it."""
    path = Path(path).resolve()
    try:
        return path.relative_to(Path.cwd().resolve()).as_posix() or "."
    except ValueError:
        return str(path)


def _load(name: str, path, source: str):
    spec = DATASET_SPECS[name]
    title = spec["title"]
    if source not in ("auto", "original", "synthetic"):
        raise ValueError(f"source must be 'auto', 'original' or 'synthetic', not {source!r}")
    note = ""
    if path is not None:
        if source != "auto":
            raise ValueError("pass either path= or source=, not both")
        folder = Path(path).expanduser()
        if folder.is_file():
            folder = folder.parent
        origin = f"files in {_display(folder)} (path=)"
    else:
        root = datasets_dir()
        originals = [root / spec["train_file"], root / spec["test_file"]]
        present = [p.exists() for p in originals]
        if source == "auto" and any(present) and not all(present):
            missing = originals[present.index(False)]
            raise FileNotFoundError(
                f"{title} data: found {originals[present.index(True)]} but not {missing}. Put both "
                f"original files in {root} (keys {', '.join(_KEYS['train'])} / {', '.join(_KEYS['test'])}), "
                f"or pass source=\"synthetic\" to use the synthetic set.")
        if source == "original" or (source == "auto" and all(present)):
            folder = root
            origin = f"original course files in {_display(root)}"
        else:
            folder = _synthetic_dir(name, root)
            manifest = _read_manifest(root)
            entry = manifest["datasets"].get(name)
            files = [folder / spec["train_file"], folder / spec["test_file"]]
            if not all(p.exists() for p in files):
                build_synthetic_datasets(root=root, names=(name,), force=True)
                manifest = _read_manifest(root)
                entry = manifest["datasets"].get(name)
            if entry is None:
                note = "; not verified: no manifest entry"
            else:
                for p in files:
                    rec = entry.get("files", {}).get(p.relative_to(root).as_posix())
                    if rec is None:
                        note = "; not verified: no manifest entry"
                        continue
                    digest = _cached_sha256(p)
                    if digest != rec["sha256"]:
                        raise DatasetIntegrityError(
                            f"{title} data: {p} does not match {manifest_path(root)} "
                            f"(sha256 {digest[:12]}..., expected {rec['sha256'][:12]}...). The file was "
                            f"changed or is damaged, or it was built by another generator version. Rebuild "
                            f"it with:\n    python -c \"from cnnkit.data import build_synthetic_datasets; "
                            f"build_synthetic_datasets(force=True)\"")
            version = entry.get("generator_version", "?") if entry else GENERATOR_VERSION
            seed = entry.get("seed", "?") if entry else spec["seed"]
            origin = (f"synthetic set in {_display(folder)} "
                      f"(cnnkit generator {version}, seed {seed}{note})")
    X_train, y_train, classes = _read_split(folder / spec["train_file"], "train", title)
    X_test, y_test, _ = _read_split(folder / spec["test_file"], "test", title)
    print(f"{title}: {origin}: {len(y_train)} train / {len(y_test)} test images.")
    return X_train, y_train.reshape((1, -1)), X_test, y_test.reshape((1, -1)), classes


def load_happy_dataset(path=None, source: str = "auto"):
    """Load Happy House: ``X_train_orig, Y_train_orig, X_test_orig, Y_test_orig, classes``.

    Parameters
    ----------
    path : str or Path, optional
        A directory that holds ``train_happy.h5`` and ``test_happy.h5``.  Wins over
        everything else.
    source : {"auto", "original", "synthetic"}
        ``"auto"`` (default): the original course files ``datasets/train_happy.h5`` and
        ``datasets/test_happy.h5`` when both exist, otherwise the synthetic set in
        ``datasets/synthetic/happy`` (drawn on first use, checked against
        ``datasets/MANIFEST.json``).  ``"synthetic"`` or ``"original"`` force one source.

    Returns
    -------
    X_train_orig : uint8 (m_train, 64, 64, 3)
    Y_train_orig : int (1, m_train), 1 = smiling
    X_test_orig : uint8 (m_test, 64, 64, 3)
    Y_test_orig : int (1, m_test)
    classes : int (2,)

    Prints one line on stdout naming the source.  Raises ``FileNotFoundError`` or
    :class:`DatasetFormatError` (naming the path and the expected keys) for a missing
    or malformed file, and :class:`DatasetIntegrityError` when a synthetic file does not
    match the manifest.
    """
    return _load("happy", path, source)


def load_signs_dataset(path=None, source: str = "auto"):
    """Load SIGNS: ``X_train_orig, Y_train_orig, X_test_orig, Y_test_orig, classes``.

    Same rules as :func:`load_happy_dataset` with the files ``train_signs.h5`` and
    ``test_signs.h5``.

    Returns
    -------
    X_train_orig : uint8 (m_train, 64, 64, 3)
    Y_train_orig : int (1, m_train), values 0..5
    X_test_orig : uint8 (m_test, 64, 64, 3)
    Y_test_orig : int (1, m_test)
    classes : int (6,)
    """
    return _load("signs", path, source)


def load_dataset(path=None, source: str = "auto"):
    """The SIGNS loader under the name used by the ResNet assignment (``w2a1``)."""
    return _load("signs", path, source)


def convert_to_one_hot(Y, C: int) -> np.ndarray:
    """One-hot encode integer labels.

    Parameters
    ----------
    Y : int array (1, m) or (m,)
        Class indices in ``0..C-1``.
    C : int
        Number of classes.

    Returns
    -------
    float64 array (C, m)
        Column ``j`` is the one-hot vector of ``Y[j]`` (rows are classes).  Notebooks
        transpose it to ``(m, C)``.
    """
    Y = np.asarray(Y).reshape(-1)
    if Y.size and (not np.issubdtype(Y.dtype, np.integer) and not np.all(Y == np.round(Y))):
        raise ValueError("convert_to_one_hot expects integer class labels")
    Y = Y.astype(np.int64)
    if Y.size and (Y.min() < 0 or Y.max() >= C):
        raise ValueError(f"labels must lie in 0..{C - 1}; got values from {Y.min()} to {Y.max()}")
    return np.eye(C)[Y].T
