"""The small YOLO's training script: targets of a crop, and a loss that rewards the right answer.

(The training itself runs on demand: ``scripts/w3a1_train_yolo.py``; its result is checked by
the model card and the benchmark, not here.)
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

from cnnkit.setup import quiet_tensorflow

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("w3a1_train_yolo", ROOT / "scripts" / "w3a1_train_yolo.py")
T = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(T)

ANCHORS = np.array([[0.2, 0.5], [0.5, 1.0], [1.0, 1.7], [2.2, 2.8], [4.3, 4.1]])
SX, SY = 1280 / 19, 720 / 19   # pixels of the 1280x720 scene per grid cell


def _box(cls, x1, y1, x2, y2):
    """A box given in grid cells of the whole image, as the generator's pixel row."""
    return [cls, x1 * SX, y1 * SY, x2 * SX, y2 * SY]


def test_crop_targets_cell_anchor_offsets_and_flip():
    boxes = np.array([_box(2, 5.2, 4.1, 6.2, 6.1)], np.float32)   # 1.0 x 2.0 cells, centre (5.7, 5.1)
    y, gt = T.crop_targets(boxes, ox=1, oy=2, g=12, flip=False, anchors=ANCHORS)
    (i, j, a), = np.argwhere(y[..., 4] == 1)
    assert (i, j) == (3, 4) and a == 2                               # centre (4.7, 3.1) in the crop
    np.testing.assert_allclose(y[i, j, a, :2], [0.7, 0.1], atol=1e-5)
    np.testing.assert_allclose(y[i, j, a, 2:4], np.log([1.0 / 1.0, 2.0 / 1.7]), atol=1e-5)
    assert y[i, j, a, 5] == 2
    np.testing.assert_allclose(gt[0], [4.2, 2.1, 5.2, 4.1], atol=1e-5)
    assert not gt[1:].any()
    yf, gf = T.crop_targets(boxes, ox=1, oy=2, g=12, flip=True, anchors=ANCHORS)
    assert [tuple(v) for v in np.argwhere(yf[..., 4] == 1)] == [(3, 7, 2)]   # 12 - 4.7 = 7.3
    np.testing.assert_allclose(yf[3, 7, 2, :2], [0.3, 0.1], atol=1e-5)
    np.testing.assert_allclose(gf[0], [12 - 5.2, 2.1, 12 - 4.2, 4.1], atol=1e-5)


def test_crop_targets_clip_and_skip_mostly_hidden_objects():
    boxes = np.array([_box(0, 0.0, 0.0, 2.0, 2.0),        # outside the crop: nothing
                      _box(1, 1.0, 2.0, 4.0, 3.0),        # a third inside: ignored, not a target
                      _box(3, 2.8, 5.1, 3.3, 7.1)],       # 60 % inside: target, clipped box
                     np.float32)
    y, gt = T.crop_targets(boxes, ox=3, oy=2, g=10, flip=False, anchors=ANCHORS)
    assert [tuple(v[:2]) for v in np.argwhere(y[..., 4] == 1)] == [(4, 0)]      # centre of the clipped box
    assert y[..., 4].sum() == 1 and y[4, 0, :, 5].max() == 3
    np.testing.assert_allclose(gt[:2], [[0.0, 0.0, 1.0, 1.0], [0.0, 3.1, 0.3, 5.1]], atol=1e-5)
    assert not gt[2:].any()


def test_loss_is_smallest_for_the_true_boxes():
    tf = quiet_tensorflow()
    num_classes = 3
    boxes = np.array([_box(1, 2.2, 3.1, 3.0, 4.9)], np.float32)
    y, gt = T.crop_targets(boxes, ox=0, oy=0, g=6, flip=False, anchors=ANCHORS)
    raw = np.zeros((1, 6, 6, 5, 5 + num_classes), np.float32)
    raw[..., 4] = -8.0                                         # no object anywhere ...
    i, j, a = np.argwhere(y[..., 4] == 1)[0]
    good = raw.copy()
    tx, ty = y[i, j, a, :2]
    good[0, i, j, a, :2] = np.log(tx / (1 - tx)), np.log(ty / (1 - ty))
    good[0, i, j, a, 2:4] = y[i, j, a, 2:4]
    good[0, i, j, a, 4] = 8.0                                  # ... but here, with the right box and class
    good[0, i, j, a, 5 + 1] = 8.0
    loss_fn = T.make_loss(tf, ANCHORS, num_classes)
    run = lambda r: float(loss_fn(tf.constant(r.reshape(1, 6, 6, -1)), tf.constant(y[None]), tf.constant(gt[None]))[0])  # noqa: E731
    wrong_class, wrong_box = good.copy(), good.copy()
    wrong_class[0, i, j, a, 5 + 1], wrong_class[0, i, j, a, 5 + 2] = 0.0, 8.0
    wrong_box[0, i, j, a, 2:4] += 1.0
    assert run(good) < 0.1          # what is left: 180 cells x log(1 + e^-8)
    assert run(good) < run(wrong_box) and run(good) < run(wrong_class) and run(good) < run(raw)
