"""The drawing toolkit behind the 64x64 course pictures (Happy House, SIGNS).

How the pictures are made
-------------------------
Every image is drawn on a 256x256 canvas (4x supersampling) with Pillow polygons in a
rotated, scaled local frame, reduced to 64x64 with a box filter (this is the
anti-aliasing), and then passed through a small camera model in NumPy: shading,
directional light, colour cast, vignette, defocus blur, sensor noise and an 8x8-block
DCT quantisation that mimics JPEG.  Each image has its own random stream
``default_rng([seed, split, index])``, so ``subset=k`` draws exactly the first ``k``
images of each split of the full set.

The generators that use this toolkit live beside it: ``cnnkit.happy`` (Happy House)
and ``cnnkit.signs`` (SIGNS).  Names starting with ``_`` are shared by those two
modules only; ``draw_split_set`` is the loop both run.
"""
from __future__ import annotations

import math
from typing import Callable, NamedTuple

import numpy as np

__all__ = ["IMAGE_SIZE", "SyntheticDataset", "draw_split_set"]

IMAGE_SIZE = 64          # side of the stored images
_SS = 4                  # supersampling factor of the drawing canvas
_CANVAS = IMAGE_SIZE * _SS
_SPLIT_CODE = {"train": 0, "test": 1}


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
# Indoor backgrounds (both sets)
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



def _layer_to_array(layer):
    """RGBA canvas -> (premultiplied RGB (64, 64, 3), alpha (64, 64, 1)), both box-filtered."""
    fore = np.asarray(layer.convert("RGBa").reduce(_SS), dtype=np.float32) / np.float32(255.0)
    return fore[..., :3], fore[..., 3:4]



# ----------------------------------------------------------------------------------
# The generator loop
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


def draw_split_set(render: Callable, classes, balanced: bool, seed: int, n_train: int, n_test: int,
                   subset: int | None = None, progress=None) -> SyntheticDataset:
    """Draw a train and a test split with ``render(rng, label) -> uint8 (64, 64, 3)``.

    Labels follow ``_labels`` (exactly balanced, or 47-53 % positives for two classes);
    picture ``i`` of a split is drawn from ``default_rng([seed, split, i])``, so
    ``subset=k`` gives the first ``k`` pictures of each split of the full set.
    ``progress`` is called with 1 after each picture.
    """
    out = []
    for split, n in (("train", n_train), ("test", n_test)):
        y = _labels(seed, split, n, len(classes), balanced)
        m = n if subset is None else min(int(subset), n)
        X = np.empty((m, IMAGE_SIZE, IMAGE_SIZE, 3), dtype=np.uint8)
        for i in range(m):
            rng = np.random.default_rng([seed, _SPLIT_CODE[split], i])
            X[i] = render(rng, int(y[i]))
            if progress is not None:
                progress(1)
        out += [X, y[:m].copy()]
    return SyntheticDataset(out[0], out[1], out[2], out[3], np.array(classes, dtype=np.int64))
