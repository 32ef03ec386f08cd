"""The pictures of the style transfer assignment (w4a2), drawn by code: a city scene and painterly styles.

``content_picture()`` renders a **city by a river at dusk** (sky gradient, sun, clouds,
hills, a skyline with lit windows, trees, the river with reflections), 400x300 RGB.

``style_picture(name)`` renders one of the procedural **styles** (``STYLES``), 400x300 RGB:

============  ==========================================================================
``brush``     impressionist: short thick strokes along a smooth flow field, warm and cool
``swirl``     long curved strokes that circle round a few vortices, deep blue and yellow
``mosaic``    Voronoi tiles with dark grout, bright glazed colours
``pointillism``  dense small dots of pure colours on a light ground
``crosshatch``   pen and ink: hatching whose density follows the tone, on paper
============  ==========================================================================

The styles differ strongly in texture statistics (stroke size and direction, edge
density, colour correlations), so their Gram matrices differ: a style transfer run that
lowers the style cost against one of them visibly takes on that style.

Everything is drawn with Pillow on a 2x canvas and reduced with a Lanczos filter (the
anti-aliasing), from ``np.random.default_rng([SEED, picture_code])``; the same
version of this module always draws the same pixels.  ``scripts/w4a2_make_images.py``
writes the shipped JPEGs ``images/w4a2/content.jpg`` and ``images/w4a2/style_<name>.jpg``
and records them in the manifest.
"""
from __future__ import annotations

import colorsys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from cnnkit.textures import _hash, _value_noise

__all__ = ["GENERATOR_VERSION", "WIDTH", "HEIGHT", "STYLES", "SEED", "content_picture", "style_picture"]

#: Bump when a change to the drawing code changes any pixel.
GENERATOR_VERSION = "1.0.0"
WIDTH, HEIGHT = 400, 300
STYLES = ("brush", "swirl", "mosaic", "pointillism", "crosshatch")
SEED = 4400
_SS = 2  # supersampling factor of the canvas
_CODE = {"content": 0, **{name: k + 1 for k, name in enumerate(STYLES)}}


def _rng(name: str) -> np.random.Generator:
    return np.random.default_rng([SEED, _CODE[name]])


def _reduce(img: Image.Image) -> Image.Image:
    return img.resize((WIDTH, HEIGHT), Image.LANCZOS)


def _noise(w, h, cells, key, octaves=3):
    """Fractal value noise in [0, 1], shape (h, w); ``cells`` lattice cells across the width."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64) * (cells / w)
    total, norm = np.zeros((h, w)), 0.0
    for k in range(octaves):
        total += _value_noise(x * 2**k, y * 2**k, key + 97 * k) / 2**k
        norm += 1 / 2**k
    return total / norm


def _rgb(c):
    return tuple(int(np.clip(round(v), 0, 255)) for v in c)


def _mix(a, b, t):
    return tuple(float(x + (y - x) * t) for x, y in zip(a, b))


# ============================================================================== content
def content_picture() -> Image.Image:
    """The content picture: a city by a river at dusk, 400x300 RGB."""
    rng = _rng("content")
    W, H = WIDTH * _SS, HEIGHT * _SS
    horizon = int(H * 0.62)
    # sky: vertical gradient from deep blue to warm orange near the horizon
    t = (np.arange(H) / horizon).clip(0, 1)[:, None, None] ** 1.6
    top, low = np.array([38, 64, 128.0]), np.array([250, 170, 105.0])
    sky = top * (1 - t) + low * t
    sky = np.broadcast_to(sky, (H, W, 3)).copy()
    sun_x, sun_y, sun_r = W * 0.7, horizon - H * 0.13, H * 0.055
    y, x = np.mgrid[0:H, 0:W]
    d = np.hypot(x - sun_x, y - sun_y)
    glow = np.exp(-(d / (H * 0.25)) ** 2)[..., None]
    sky = sky * (1 - 0.5 * glow) + np.array([255, 214, 150.0]) * 0.5 * glow
    sky[d < sun_r] = (255, 236, 190)
    img = Image.fromarray(sky.clip(0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img, "RGBA")
    # clouds: soft elongated ellipses
    for _ in range(9):
        cx, cy = rng.uniform(0, W), rng.uniform(H * 0.05, horizon * 0.6)
        for _ in range(6):
            w_, h_ = rng.uniform(40, 110), rng.uniform(10, 24)
            ox, oy = rng.normal(0, 40), rng.normal(0, 6)
            draw.ellipse([cx + ox - w_, cy + oy - h_, cx + ox + w_, cy + oy + h_],
                         fill=(255, 222, 210, int(rng.uniform(60, 110))))
    # two ranges of hills
    for k, (colour, base, amp) in enumerate([((96, 88, 130), horizon - 70, 45), ((70, 72, 100), horizon - 25, 30)]):
        xs = np.linspace(0, W, 60)
        ys = base - amp * _noise(60, 1, 4, 11 + k)[0] * 1.5 + amp * 0.4
        draw.polygon([(0, horizon)] + list(zip(xs, ys)) + [(W, horizon)], fill=colour)
    # skyline: buildings with windows, back row lighter (haze)
    for row, (shade, hmin, hmax) in enumerate([(0.55, 70, 200), (0.25, 50, 280)]):
        xpos = rng.uniform(-20, 10)
        while xpos < W:
            bw = rng.uniform(40, 110)
            bh = rng.uniform(hmin, hmax) * (1.25 if abs(xpos - W * 0.35) < 120 else 1.0)
            base = np.array([60, 58, 78.0]) * (1 - shade) + np.array([150, 120, 140.0]) * shade
            wall = _rgb(base + rng.normal(0, 10, 3))
            x0, y0, x1 = xpos, horizon - bh, xpos + bw
            draw.rectangle([x0, y0, x1, horizon], fill=wall)
            if rng.uniform() < 0.3:  # a roof: spire or step
                if rng.uniform() < 0.5:
                    draw.polygon([(x0 + bw * 0.3, y0), (x0 + bw * 0.5, y0 - bh * 0.25), (x0 + bw * 0.7, y0)], fill=wall)
                else:
                    draw.rectangle([x0 + bw * 0.25, y0 - 18, x1 - bw * 0.25, y0], fill=wall)
            # windows on a grid, some lit
            wx, wy = rng.uniform(8, 12), rng.uniform(11, 16)
            for yy in np.arange(y0 + 10, horizon - 12, wy * 1.7):
                for xx in np.arange(x0 + 7, x1 - wx - 4, wx * 1.8):
                    lit = rng.uniform() < (0.45 if row else 0.25)
                    col = (255, 214, 120, 230) if lit else (40, 40, 60, 120)
                    draw.rectangle([xx, yy, xx + wx, yy + wy], fill=col)
            xpos = x1 + rng.uniform(0, 18)
    # river bank and trees
    draw.rectangle([0, horizon, W, horizon + 10], fill=(40, 44, 52))
    for _ in range(14):
        tx = rng.uniform(0, W)
        if abs(tx - W * 0.35) < 90:
            continue
        th = rng.uniform(40, 80)
        draw.rectangle([tx - 3, horizon - th * 0.35, tx + 3, horizon + 4], fill=(45, 35, 30))
        for _ in range(5):
            r_ = rng.uniform(12, 22)
            ox, oy = rng.normal(0, 9), rng.normal(0, 8)
            g = rng.uniform(0.7, 1.0)
            draw.ellipse([tx + ox - r_, horizon - th + oy - r_, tx + ox + r_, horizon - th + oy + r_],
                         fill=_rgb((38 * g, 76 * g, 50 * g)))
    # the river: mirror of the scene above, darkened, with horizontal ripples
    arr = np.asarray(img).astype(np.float64)
    band = H - (horizon + 10)
    mirror = arr[horizon - 1:horizon - 1 - band:-1][:band]
    ripple = np.sin(np.arange(band)[:, None] * 0.9 + 6 * _noise(W, band, 30, 5)) * 3.5
    shift = np.clip(np.arange(W)[None, :] + ripple.astype(int), 0, W - 1)
    mirror = mirror[np.arange(band)[:, None], shift]
    depth = np.linspace(0.0, 1.0, band)[:, None, None]
    water = mirror * (0.62 - 0.2 * depth) + np.array([20, 35, 70.0]) * (0.38 + 0.2 * depth)
    streak = (np.abs(np.arange(W) - sun_x)[None, :] < 20 + 60 * depth[..., 0]) & \
             (np.sin(np.arange(band)[:, None] * 1.7) > 0.3)
    water[streak] = water[streak] * 0.5 + np.array([255, 210, 140.0]) * 0.5
    arr[horizon + 10:] = water
    img = Image.fromarray(arr.clip(0, 255).astype(np.uint8))
    return _reduce(img)


# ============================================================================== styles
def _palette_colour(rng, palette, t, jitter=14.0):
    """A colour from a palette (list of RGB) at position ``t`` in [0, 1] with jitter."""
    pos = np.clip(t, 0, 1) * (len(palette) - 1)
    k = min(int(pos), len(palette) - 2)
    return _rgb(np.array(_mix(palette[k], palette[k + 1], pos - k)) + rng.normal(0, jitter, 3))


def _brush(rng):
    W, H = WIDTH * _SS, HEIGHT * _SS
    palette = [(30, 60, 120), (70, 130, 180), (130, 180, 160), (240, 200, 90), (230, 120, 60), (250, 235, 200)]
    tone = _noise(W, H, 3, 21)
    angle = _noise(W, H, 2, 22) * 2 * np.pi
    ground = np.array(palette)[np.clip((tone * 5).astype(int), 0, 5)]
    img = Image.fromarray(ground.astype(np.uint8))
    draw = ImageDraw.Draw(img)
    for _ in range(5200):
        x, y = rng.uniform(0, W), rng.uniform(0, H)
        i, j = int(min(y, H - 1)), int(min(x, W - 1))
        a = angle[i, j] + rng.normal(0, 0.2)
        length, width = rng.uniform(14, 34), int(rng.uniform(5, 11))
        dx, dy = np.cos(a) * length / 2, np.sin(a) * length / 2
        col = _palette_colour(rng, palette, tone[i, j] + rng.normal(0, 0.12), 18)
        draw.line([(x - dx, y - dy), (x + dx, y + dy)], fill=col, width=width)
        draw.ellipse([x - dx - width / 2, y - dy - width / 2, x - dx + width / 2, y - dy + width / 2], fill=col)
    return img


def _swirl(rng):
    W, H = WIDTH * _SS, HEIGHT * _SS
    palette = [(12, 24, 70), (25, 60, 140), (60, 110, 190), (140, 180, 220), (240, 215, 90), (255, 245, 200)]
    centres = [(rng.uniform(0.1, 0.9) * W, rng.uniform(0.1, 0.9) * H, rng.choice([-1, 1]) * rng.uniform(0.6, 1.0))
               for _ in range(4)]
    wobble = _noise(W, H, 3, 31)

    def direction(x, y):
        vx, vy = 0.15, 0.0
        for cx, cy, s in centres:
            dx, dy = x - cx, y - cy
            r2 = dx * dx + dy * dy + 400.0
            f = s * 9000.0 / r2
            vx, vy = vx - dy * f / 100, vy + dx * f / 100
        i, j = int(np.clip(y, 0, H - 1)), int(np.clip(x, 0, W - 1))
        a = np.arctan2(vy, vx) + (wobble[i, j] - 0.5) * 0.8
        return np.cos(a), np.sin(a)

    img = Image.new("RGB", (W, H), palette[1])
    draw = ImageDraw.Draw(img)
    for _ in range(2600):
        x, y = rng.uniform(0, W), rng.uniform(0, H)
        near = min(np.hypot(x - cx, y - cy) for cx, cy, _ in centres)
        t = np.clip(1.0 - near / (0.45 * H), 0, 1) ** 1.5 * 0.75 + rng.uniform(0, 0.35)
        col = _palette_colour(rng, palette, t, 12)
        width = int(rng.uniform(4, 8))
        pts = [(x, y)]
        for _ in range(int(rng.uniform(5, 12))):
            ux, uy = direction(*pts[-1])
            pts.append((pts[-1][0] + ux * 7, pts[-1][1] + uy * 7))
        draw.line(pts, fill=col, width=width, joint="curve")
    return img


def _mosaic(rng):
    W, H = WIDTH * _SS, HEIGHT * _SS
    palette = [(200, 40, 50), (240, 150, 30), (250, 220, 60), (40, 150, 90), (30, 110, 190), (110, 50, 150),
               (235, 235, 225)]
    cell = 36.0
    y, x = np.mgrid[0:H, 0:W].astype(np.float64) / cell
    iu, iv = np.floor(x), np.floor(y)
    best, second = np.full(x.shape, np.inf), np.full(x.shape, np.inf)
    owner_i, owner_j = np.zeros(x.shape), np.zeros(x.shape)
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            ci, cj = iu + di, iv + dj
            d = np.hypot(x - (ci + 0.1 + 0.8 * _hash(ci, cj, 41)), y - (cj + 0.1 + 0.8 * _hash(ci, cj, 42)))
            closer = d < best
            second = np.where(closer, best, np.minimum(second, d))
            owner_i, owner_j = np.where(closer, ci, owner_i), np.where(closer, cj, owner_j)
            best = np.where(closer, d, best)
    zone = _noise(W, H, 2, 43)
    pick = np.floor((zone * 0.6 + 0.4 * _hash(owner_i, owner_j, 44)) * len(palette)).clip(0, len(palette) - 1)
    tiles = np.array(palette, np.float64)[pick.astype(int)]
    tiles *= (0.85 + 0.3 * _hash(owner_i, owner_j, 45))[..., None]
    shine = np.clip(1 - best * 2.2, 0, 1)[..., None] * 40
    grout = np.clip((second - best) * cell / 5.0, 0, 1)[..., None]
    arr = (tiles + shine) * grout + np.array([45, 40, 38.0]) * (1 - grout)
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8))


def _pointillism(rng):
    W, H = WIDTH * _SS, HEIGHT * _SS
    img = Image.new("RGB", (W, H), (236, 228, 205))
    draw = ImageDraw.Draw(img)
    hue = _noise(W, H, 2, 51)
    light = _noise(W, H, 3, 52)
    for _ in range(15000):
        x, y = rng.uniform(0, W), rng.uniform(0, H)
        i, j = int(y), int(x)
        h = hue[i, j] * 0.9 + (0.5 if rng.uniform() < 0.25 else 0.0) + rng.normal(0, 0.04)
        r, g, b = colorsys.hsv_to_rgb(h % 1.0, rng.uniform(0.6, 1.0), 0.45 + 0.55 * light[i, j])
        rad = rng.uniform(4.0, 6.5)
        draw.ellipse([x - rad, y - rad, x + rad, y + rad], fill=_rgb((r * 255, g * 255, b * 255)))
    return img


def _crosshatch(rng):
    W, H = WIDTH * _SS, HEIGHT * _SS
    paper = 232 + 10 * _noise(W, H, 40, 61, octaves=2)[..., None] * np.array([1.0, 0.97, 0.9])
    img = Image.fromarray(paper.clip(0, 255).astype(np.uint8))
    draw = ImageDraw.Draw(img, "RGBA")
    tone = _noise(W, H, 3, 62)
    ink = (40, 30, 25)
    angles = (np.pi / 4, -np.pi / 4, 0.0, np.pi / 2)
    for level, a in enumerate(angles):
        threshold = 0.3 + 0.13 * level
        for _ in range(5000):
            x, y = rng.uniform(0, W), rng.uniform(0, H)
            if tone[int(y), int(x)] < threshold:
                continue
            length = rng.uniform(10, 26)
            aa = a + rng.normal(0, 0.06)
            dx, dy = np.cos(aa) * length / 2, np.sin(aa) * length / 2
            draw.line([(x - dx, y - dy), (x + dx, y + dy)], fill=ink + (int(rng.uniform(150, 230)),),
                      width=int(rng.uniform(1, 3)))
    return img.filter(ImageFilter.GaussianBlur(0.4))


_STYLE_DRAWERS = {"brush": _brush, "swirl": _swirl, "mosaic": _mosaic, "pointillism": _pointillism,
                  "crosshatch": _crosshatch}


def style_picture(name: str) -> Image.Image:
    """The style picture ``name`` (one of ``STYLES``), 400x300 RGB."""
    if name not in _STYLE_DRAWERS:
        raise ValueError(f"unknown style {name!r}; the course draws {list(STYLES)}")
    return _reduce(_STYLE_DRAWERS[name](_rng(name)).convert("RGB"))
