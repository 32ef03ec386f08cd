"""Textured shapes: the synthetic classification task the course's mini-VGG19 learns (w4a2).

Each picture (``IMAGE_SIZE`` x ``IMAGE_SIZE`` RGB, uint8) shows one **shape** in a flat
colour lying on a **texture** that fills the rest of the picture.  A network that names both
the shape (``SHAPES``, layout) and the texture (``TEXTURES``, local statistics) must learn
features for both: its early layers respond to edges, colours and periodic patterns (what
the style cost compares), its deep layers to the arrangement of parts (what the content
cost compares).  This is why these weights, not ImageNet ones, can drive style transfer
in the course.

How a picture is drawn (NumPy only, from its own random stream
``np.random.default_rng([seed, split_code, index])``, so any subset is a prefix of the
full set and one picture never depends on the others):

- a texture is a scalar field on rotated, scaled pixel coordinates ``(u, v)``
  (period 3-13 px, any angle), turned into colour by a random palette of 2-3 colours;
  jittered-lattice textures (speckle, strokes, mosaic) hash their lattice cells with the
  picture's own key;
- the shape is a signed distance function (pixels), anti-aliased over one pixel, with
  random size (radius 0.22-0.40 of the side), position and rotation, filled with a random
  colour at least 0.3 (RGB distance) from every texture colour, with a soft shading ramp;
- lighting: a random linear brightness gradient, a little Gaussian sensor noise.

Colours, sizes, positions and angles are drawn independently of the labels, so neither
the mean colour nor any single pixel tells the class: a linear classifier on pixels scores
near chance (``tests/test_w4a2_data.py`` checks this).

Labels: ``shape`` in ``range(len(SHAPES))`` and ``texture`` in ``range(len(TEXTURES))``
(the texture around the shape).
"""
from __future__ import annotations

import numpy as np

__all__ = ["GENERATOR_VERSION", "IMAGE_SIZE", "SHAPES", "TEXTURES", "SEEDS", "texture_field",
           "colourise", "shape_mask", "textured_shape", "generate_textured_shapes"]

#: Bump when a change to the drawing code changes any pixel or label.
GENERATOR_VERSION = "1.0.0"
IMAGE_SIZE = 64
SHAPES = ["circle", "square", "triangle", "star", "cross", "ring", "hexagon", "crescent"]
TEXTURES = ["stripes", "checker", "dots", "waves", "rings", "crosshatch", "speckle", "strokes",
            "mosaic", "marble", "zigzag", "bricks"]
#: Seeds of the splits (the held-out split has its own seed, not only its own indices).
SEEDS = {"train": 4201, "test": 4302}
_SPLIT_CODE = {"train": 0, "test": 1}


# ----------------------------------------------------------------------------- helpers
def _smooth(edge, x, width):
    """A soft step: 0 for x << edge, 1 for x >> edge, linear over ``width``."""
    return np.clip((x - edge) / max(width, 1e-6) + 0.5, 0.0, 1.0)


def _hash(i, j, key):
    """Deterministic pseudo-random numbers in [0, 1) for integer lattice cells ``(i, j)``."""
    h = (i.astype(np.int64) * 73856093) ^ (j.astype(np.int64) * 19349663) ^ np.int64(key)
    h = (h ^ (h >> 13)) * 1274126177
    h = h ^ (h >> 16)
    return (h & 0xFFFFFF).astype(np.float64) / float(0x1000000)


def _lattice(u, v, key, fn):
    """Apply ``fn(du, dv, rand)`` to the 3x3 lattice cells around each pixel and keep the max.

    ``du, dv``: offset of the pixel from the cell's jittered point (lattice units);
    ``rand(k)``: the k-th random number of that cell.
    """
    iu, iv = np.floor(u), np.floor(v)
    best = None
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            ci, cj = iu + di, iv + dj

            def rand(k, ci=ci, cj=cj):
                return _hash(ci, cj, key * 31 + k)

            du = u - (ci + 0.2 + 0.6 * rand(0))
            dv = v - (cj + 0.2 + 0.6 * rand(1))
            val = fn(du, dv, rand)
            best = val if best is None else np.maximum(best, val)
    return best


def _value_noise(u, v, key):
    """Smooth value noise in [0, 1] (bilinear with smoothstep), lattice units."""
    iu, iv = np.floor(u), np.floor(v)
    fu, fv = u - iu, v - iv
    fu, fv = fu * fu * (3 - 2 * fu), fv * fv * (3 - 2 * fv)
    a = _hash(iu, iv, key)
    b = _hash(iu + 1, iv, key)
    c = _hash(iu, iv + 1, key)
    d = _hash(iu + 1, iv + 1, key)
    return (a * (1 - fu) + b * fu) * (1 - fv) + (c * (1 - fu) + d * fu) * fv


# ----------------------------------------------------------------------------- textures
def texture_field(name: str, rng: np.random.Generator, size: int = IMAGE_SIZE, period=None):
    """A texture as a field of palette weights.

    Returns ``(field, levels)``: ``field`` float64 ``(size, size)`` in ``[0, levels - 1]``
    (0 and 1 for two-colour textures; the mosaic uses 3 levels for its tiles plus grout),
    to be coloured with :func:`colourise`.  ``period`` (pixels) defaults to a random value
    in 3-13 px.
    """
    if name not in TEXTURES:
        raise ValueError(f"unknown texture {name!r}; choose one of {TEXTURES}")
    p = float(period if period is not None else rng.uniform(3.0, 13.0))
    theta = rng.uniform(0, np.pi)
    key = int(rng.integers(1, 2**30))
    y, x = np.mgrid[0:size, 0:size].astype(np.float64)
    x0, y0 = rng.uniform(0, size, 2)
    c, s = np.cos(theta), np.sin(theta)
    u = ((x - x0) * c + (y - y0) * s) / p
    v = (-(x - x0) * s + (y - y0) * c) / p
    soft = 1.0 / p  # one pixel in lattice units
    if name == "stripes":
        duty = rng.uniform(0.3, 0.7)
        f = _smooth(duty, np.abs(np.mod(u, 1.0) - 0.5) * 2, soft * 2)
    elif name == "checker":
        f = ((np.floor(u) + np.floor(v)) % 2).astype(np.float64)
    elif name == "dots":
        r = rng.uniform(0.22, 0.38)
        d = np.hypot(np.mod(u, 1.0) - 0.5, np.mod(v, 1.0) - 0.5)
        f = 1.0 - _smooth(r, d, soft)
    elif name == "waves":
        amp, freq = rng.uniform(0.25, 0.6), rng.uniform(0.15, 0.35)
        w = u + amp * np.sin(2 * np.pi * freq * v)
        f = _smooth(0.5, np.abs(np.mod(w, 1.0) - 0.5) * 2, soft * 2)
    elif name == "rings":
        cx, cy = rng.uniform(-0.3, 1.3, 2) * size
        r = np.hypot(x - cx, y - cy) / p
        f = _smooth(0.5, np.abs(np.mod(r, 1.0) - 0.5) * 2, soft * 2)
    elif name == "crosshatch":
        width = rng.uniform(0.15, 0.3)
        a = 1.0 - _smooth(width, np.abs(np.mod(u, 1.0) - 0.5) * 2, soft * 2)
        b = 1.0 - _smooth(width, np.abs(np.mod(v, 1.0) - 0.5) * 2, soft * 2)
        f = np.maximum(a, b)
    elif name == "speckle":
        r = rng.uniform(0.18, 0.3)
        f = _lattice(u, v, key, lambda du, dv, rand: 1.0 - _smooth(r * (0.6 + 0.8 * rand(2)),
                                                                    np.hypot(du, dv), soft))
    elif name == "strokes":
        length, width, spread = rng.uniform(0.5, 0.9), rng.uniform(0.12, 0.2), rng.uniform(0.1, 0.5)

        def stroke(du, dv, rand):
            a = (rand(2) - 0.5) * spread
            ca, sa = np.cos(a), np.sin(a)
            su, sv = du * ca + dv * sa, -du * sa + dv * ca
            d = np.hypot(np.maximum(np.abs(su) - length, 0.0), sv)
            return (1.0 - _smooth(width, d, soft)) * (1.0 + rand(3))
        g = _lattice(u, v, key, stroke)
        f = np.where(g > 0.5, 1.0, 0.0) * _smooth(0.5, g, 0.2)
    elif name == "mosaic":
        best = np.full(u.shape, np.inf)
        second = np.full(u.shape, np.inf)
        tile = np.zeros(u.shape)
        iu, iv = np.floor(u), np.floor(v)
        for di in (-1, 0, 1):
            for dj in (-1, 0, 1):
                ci, cj = iu + di, iv + dj
                d = np.hypot(u - (ci + 0.15 + 0.7 * _hash(ci, cj, key)),
                             v - (cj + 0.15 + 0.7 * _hash(ci, cj, key + 1)))
                closer = d < best
                second = np.where(closer, best, np.minimum(second, d))
                tile = np.where(closer, np.floor(_hash(ci, cj, key + 2) * 3), tile)
                best = np.where(closer, d, best)
        grout = _smooth(0.08, second - best, soft * 2)
        # tiles take levels 1..3, grout level 0
        return grout * (tile + 1.0), 4
    elif name == "marble":
        turb = sum(_value_noise(u * 0.7 * 2**k, v * 0.7 * 2**k, key + k) / 2**k for k in range(3))
        w = u * 0.5 + 1.6 * turb
        f = 0.5 + 0.5 * np.sin(2 * np.pi * w)
    elif name == "zigzag":
        amp = rng.uniform(0.4, 0.8)
        w = u + amp * np.abs(np.mod(v, 1.0) - 0.5) * 2
        f = _smooth(0.5, np.abs(np.mod(w, 1.0) - 0.5) * 2, soft * 2)
    else:  # bricks
        row = np.floor(v * 2)
        uu = u + 0.5 * (row % 2)
        mortar = rng.uniform(0.08, 0.14)
        fu, fv = np.mod(uu, 1.0), np.mod(v * 2, 1.0)
        a = _smooth(mortar, np.minimum(fu, 1 - fu), soft)
        b = _smooth(mortar, np.minimum(fv, 1 - fv) / 2, soft)
        f = a * b
    return f, 2


def _random_colour(rng):
    """A random RGB colour (floats 0..1) from a random hue, saturation and value."""
    import colorsys

    h, s, v = rng.uniform(0, 1), rng.uniform(0.15, 1.0), rng.uniform(0.15, 1.0)
    return np.array(colorsys.hsv_to_rgb(h, s, v))


def _palette(rng, levels):
    """``levels`` colours, the first two at least 0.25 apart in RGB (so the texture shows)."""
    cols = [_random_colour(rng)]
    while len(cols) < levels:
        c = _random_colour(rng)
        if np.linalg.norm(c - cols[-1]) > 0.25 or len(cols) >= 2:
            cols.append(c)
    return np.stack(cols)


def colourise(field, levels, palette):
    """Colour a field from :func:`texture_field`: ``(size, size)`` -> ``(size, size, 3)`` floats.

    Fractional values mix the two neighbouring palette colours linearly.
    """
    palette = np.asarray(palette, dtype=np.float64)
    lo = np.clip(np.floor(field), 0, levels - 1).astype(int)
    hi = np.clip(lo + 1, 0, levels - 1)
    t = (field - lo)[..., None]
    return palette[lo] * (1 - t) + palette[hi] * t


# ----------------------------------------------------------------------------- shapes
def _polygon_sdf(px, py, n, r):
    """Signed distance (approx., pixels) to a regular n-gon of circumradius ``r``."""
    a = np.arctan2(py, px)
    seg = 2 * np.pi / n
    a = np.mod(a + seg / 2, seg) - seg / 2
    d = np.hypot(px, py)
    return d * np.cos(a) - r * np.cos(seg / 2)


def shape_mask(name: str, size: int, cx: float, cy: float, radius: float, angle: float) -> np.ndarray:
    """Coverage in [0, 1] of a shape, ``(size, size)`` float64, anti-aliased over one pixel.

    ``cx, cy``: centre (pixels); ``radius``: outer radius (pixels); ``angle``: rotation (rad).
    """
    if name not in SHAPES:
        raise ValueError(f"unknown shape {name!r}; choose one of {SHAPES}")
    y, x = np.mgrid[0:size, 0:size].astype(np.float64) + 0.5
    c, s = np.cos(angle), np.sin(angle)
    px = (x - cx) * c + (y - cy) * s
    py = -(x - cx) * s + (y - cy) * c
    r = radius
    if name == "circle":
        d = np.hypot(px, py) - r
    elif name == "square":
        h = r / np.sqrt(2)
        qx, qy = np.abs(px) - h, np.abs(py) - h
        d = np.hypot(np.maximum(qx, 0), np.maximum(qy, 0)) + np.minimum(np.maximum(qx, qy), 0)
    elif name == "triangle":
        d = _polygon_sdf(px, py, 3, r)
    elif name == "hexagon":
        d = _polygon_sdf(px, py, 6, r)
    elif name == "star":
        a = np.arctan2(py, px)
        rad = r * (0.62 + 0.38 * np.cos(5 * a))
        d = (np.hypot(px, py) - rad) * 0.8
    elif name == "cross":
        w = r * 0.33
        def box(qx, qy, hx, hy):
            ax, ay = np.abs(qx) - hx, np.abs(qy) - hy
            return np.hypot(np.maximum(ax, 0), np.maximum(ay, 0)) + np.minimum(np.maximum(ax, ay), 0)
        d = np.minimum(box(px, py, r, w), box(px, py, w, r))
    elif name == "ring":
        d = np.abs(np.hypot(px, py) - r * 0.72) - r * 0.28
    else:  # crescent
        d = np.maximum(np.hypot(px, py) - r, -(np.hypot(px - r * 0.45, py) - r * 0.78))
    return np.clip(0.5 - d, 0.0, 1.0)


# ----------------------------------------------------------------------------- pictures
def textured_shape(rng: np.random.Generator, size: int = IMAGE_SIZE):
    """One picture and its labels: ``(image uint8 (size, size, 3), shape_id, texture_id)``.

    The texture covers the picture; the shape lies on it in a flat colour (with a soft
    shading ramp) that differs from the texture's colours.
    """
    shape_id = int(rng.integers(len(SHAPES)))
    texture_id = int(rng.integers(len(TEXTURES)))
    scale = size / IMAGE_SIZE
    field, levels = texture_field(TEXTURES[texture_id], rng, size, period=rng.uniform(3.0, 13.0) * scale)
    palette = _palette(rng, levels)
    background = colourise(field, levels, palette)
    while True:
        fill = _random_colour(rng)
        if np.min(np.linalg.norm(palette - fill, axis=1)) > 0.3:
            break
    radius = rng.uniform(0.22, 0.40) * size
    margin = radius * 0.75
    cx, cy = rng.uniform(margin, size - margin, 2)
    angle = rng.uniform(0, 2 * np.pi)
    mask = shape_mask(SHAPES[shape_id], size, cx, cy, radius, angle)[..., None]
    y, x = np.mgrid[0:size, 0:size] / size - 0.5
    ramp = 1.0 + rng.uniform(-0.25, 0.25) * (x * np.cos(angle) + y * np.sin(angle))
    img = fill * ramp[..., None] * mask + background * (1 - mask)
    gx, gy = rng.normal(0, 0.25, 2)
    light = rng.uniform(0.75, 1.15) + gx * x + gy * y
    img = img * light[..., None] + rng.normal(0, rng.uniform(0.0, 0.04), img.shape)
    img = np.clip(np.rint(img * 255), 0, 255).astype(np.uint8)
    return img, shape_id, texture_id


def generate_textured_shapes(split: str, n: int, start: int = 0, seed: int | None = None,
                             size: int = IMAGE_SIZE):
    """Pictures ``start .. start + n - 1`` of a split.

    Returns ``(X, shape, texture)``: ``X`` uint8 ``(n, size, size, 3)``, ``shape`` and
    ``texture`` int64 ``(n,)``.  Picture ``i`` comes from
    ``np.random.default_rng([seed, split_code, i])`` (``seed`` defaults to ``SEEDS[split]``).
    """
    if split not in SEEDS:
        raise ValueError(f"split must be one of {sorted(SEEDS)}, not {split!r}")
    seed = SEEDS[split] if seed is None else seed
    X = np.zeros((n, size, size, 3), np.uint8)
    ys = np.zeros(n, np.int64)
    yt = np.zeros(n, np.int64)
    for k in range(n):
        X[k], ys[k], yt[k] = textured_shape(np.random.default_rng([seed, _SPLIT_CODE[split], start + k]), size)
    return X, ys, yt
