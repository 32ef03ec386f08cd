"""Train the course's small YOLO on synthetic road scenes (w3a1).

Writes
  datasets/yolo/model_data/classes.txt   class names, one per line
  datasets/yolo/model_data/anchors.txt   5 anchors (w, h) in grid cells, k-means (1 - IoU) on the training boxes
  datasets/weights/yolo_small.weights.h5; each recorded in datasets/MANIFEST.json (cnnkit.files.record);
  then run scripts/w3a1_model_card.py for the card

Usage (about an hour on 2 CPU cores)::

    nice -n 10 .venv/bin/python scripts/w3a1_train_yolo.py --n-train 8000 --epochs 30

Data. Each training scene (``cnnkit.roads``, split "train") is drawn at 1280x720 and resized
to 608x608 with BICUBIC, exactly as ``preprocess_image`` prepares a picture for the
network; the resized scenes are cached as one uint8 file in ``build/yolo_cache/`` (about
1.1 MB a scene), drawn by two processes.

Training. The network is fully convolutional, so it trains on random crops of the
608x608 scenes (``--crop`` pixels, a multiple of 32, aligned to the 32-pixel grid so that
the cells of a crop are cells of the whole image): a 384 crop costs 40 % of a full image,
and crops are an augmentation too. Boxes are clipped to the crop; an object with less
than 40 % of its box inside the crop gets no target (but is not punished as background).
Horizontal flips, brightness and contrast jitter. YOLOv2-style loss: objectness
binary cross-entropy with an ignore mask for predictions that already overlap an
object with IoU > 0.6, squared error on the sigmoid offsets and the log-stretches against
the anchor (weighted by 2 - w*h, so small boxes count more), softmax cross-entropy on the
classes. Adam with a warm-up and a cosine decay. The held-out mAP@0.5 is measured every
``--eval-every`` epochs through the notebook's pipeline (``grading.w3a1.reference``); the
weights after the last epoch are written (the held-out scenes choose nothing).
"""
from __future__ import annotations

import argparse
import json
import os
import queue
import sys
import threading
import time
from multiprocessing import Pool
from pathlib import Path

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
ROOT = Path(__file__).resolve().parent.parent

import numpy as np

from cnnkit import files, roads
from cnnkit import yolo as Y

SIZE = 608
CELL = 32
GRID = SIZE // CELL
NUM_ANCHORS = 5
MAX_GT = 24
MIN_VISIBLE = 0.4


def log(msg):
    print(time.strftime("%H:%M:%S"), msg, flush=True)


# ----------------------------------------------------------------------------- data
def _draw_chunk(job):
    split, n, start, stop, path = job
    from PIL import Image

    X = np.memmap(path, dtype=np.uint8, mode="r+", shape=(n, SIZE, SIZE, 3))
    boxes = []
    for i, (img, b) in enumerate(roads.iter_scenes(split, stop - start, start=start)):
        X[start + i] = np.asarray(img.resize((SIZE, SIZE), Image.BICUBIC))
        boxes.append(b)
    X.flush()
    return start, boxes


def scene_cache(split: str, n: int, cache: Path, workers: int = 2):
    """``(X memmap (n, 608, 608, 3) uint8, boxes list)``: drawn once, then read from ``cache``."""
    stem = cache / f"{split}_{n}_v{roads.GENERATOR_VERSION}_{SIZE}"
    xpath, bpath = stem.with_suffix(".u8"), stem.with_suffix(".boxes.npz")
    if not (xpath.exists() and bpath.exists()):
        cache.mkdir(parents=True, exist_ok=True)
        tmp = xpath.with_suffix(".part")
        np.memmap(tmp, dtype=np.uint8, mode="w+", shape=(n, SIZE, SIZE, 3)).flush()
        step = 250
        jobs = [(split, n, a, min(n, a + step), str(tmp)) for a in range(0, n, step)]
        boxes = [None] * n
        t = time.time()
        with Pool(workers) as pool:
            for done, (start, bs) in enumerate(pool.imap_unordered(_draw_chunk, jobs), 1):
                boxes[start:start + len(bs)] = bs
                if done % 8 == 0 or done == len(jobs):
                    log(f"  {split}: {min(n, done * step)}/{n} scenes ({time.time() - t:.0f} s)")
        offsets = np.cumsum([0] + [len(b) for b in boxes])
        np.savez(bpath, boxes=np.concatenate(boxes), offsets=offsets)
        tmp.rename(xpath)
    d = np.load(bpath)
    flat, offsets = d["boxes"], d["offsets"]
    X = np.memmap(xpath, dtype=np.uint8, mode="r", shape=(n, SIZE, SIZE, 3))
    return X, [flat[offsets[i]:offsets[i + 1]] for i in range(n)]


def grid_wh(boxes):
    """Box widths and heights in grid cells of the 19x19 output."""
    b = np.concatenate(boxes)
    return np.stack([(b[:, 3] - b[:, 1]) / roads.IMAGE_WIDTH * GRID, (b[:, 4] - b[:, 2]) / roads.IMAGE_HEIGHT * GRID], 1)


def crop_targets(boxes, ox, oy, g, flip, anchors):
    """Targets of one crop: ``y (g, g, A, 7)`` = tx ty tw th obj cls weight; ``gt (MAX_GT, 4)``.

    ``boxes``: rows ``class, x1, y1, x2, y2`` in pixels of the 1280x720 scene; the crop
    covers cells ``[ox, ox + g) x [oy, oy + g)`` of the 19x19 grid; ``gt`` holds every
    box that reaches into the crop, clipped, as ``x1 y1 x2 y2`` in the crop's cells.
    """
    y = np.zeros((g, g, NUM_ANCHORS, 7), np.float32)
    gt = np.zeros((MAX_GT, 4), np.float32)
    if len(boxes) == 0:
        return y, gt
    sx, sy = GRID / roads.IMAGE_WIDTH, GRID / roads.IMAGE_HEIGHT
    b = boxes[:, 1:5].astype(np.float64) * np.array([sx, sy, sx, sy])
    b -= [ox, oy, ox, oy]
    full = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    c = np.clip(b, 0, g)
    area = np.maximum(c[:, 2] - c[:, 0], 0) * np.maximum(c[:, 3] - c[:, 1], 0)
    if flip:
        c = np.stack([g - c[:, 2], c[:, 1], g - c[:, 0], c[:, 3]], 1)
    inside = area > 0
    m = 0
    for k in np.nonzero(inside)[0]:
        if m < MAX_GT:
            gt[m] = c[k]
            m += 1
        if area[k] < MIN_VISIBLE * full[k]:
            continue
        x1, y1, x2, y2 = c[k]
        w, h = x2 - x1, y2 - y1
        if w < 0.05 or h < 0.05:
            continue
        cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
        i, j = min(g - 1, int(cy)), min(g - 1, int(cx))
        inter = np.minimum(w, anchors[:, 0]) * np.minimum(h, anchors[:, 1])
        shape_iou = inter / (w * h + anchors[:, 0] * anchors[:, 1] - inter)
        for a in np.argsort(-shape_iou):
            if y[i, j, a, 4] == 0:
                y[i, j, a] = (cx - j, cy - i, np.log(w / anchors[a, 0]), np.log(h / anchors[a, 1]), 1.0,
                              boxes[k, 0], 2.0 - (w / GRID) * (h / GRID))
                break
    return y, gt


def batches(X, boxes, anchors, batch, crop, rng, steps):
    """Yield ``steps`` batches ``(x uint8 (B, crop, crop, 3), y, gt)`` of random crops (a thread prefetches)."""
    g = crop // CELL
    q: queue.Queue = queue.Queue(maxsize=6)

    def work():
        for _ in range(steps):
            idx = rng.integers(0, len(X), batch)
            xb = np.empty((batch, crop, crop, 3), np.uint8)
            yb = np.empty((batch, g, g, NUM_ANCHORS, 7), np.float32)
            gb = np.empty((batch, MAX_GT, 4), np.float32)
            for k, i in enumerate(idx):
                ox, oy = (int(v) for v in rng.integers(0, GRID - g + 1, 2))
                flip = bool(rng.random() < 0.5)
                img = X[i, oy * CELL:oy * CELL + crop, ox * CELL:ox * CELL + crop]
                xb[k] = img[:, ::-1] if flip else img
                yb[k], gb[k] = crop_targets(boxes[i], ox, oy, g, flip, anchors)
            q.put((xb, yb, gb))
        q.put(None)

    threading.Thread(target=work, daemon=True).start()
    while (item := q.get()) is not None:
        yield item


# ----------------------------------------------------------------------------- loss
def make_loss(tf, anchors, num_classes, obj_scale=5.0, noobj_scale=1.0, ignore_iou=0.6):
    anchors_t = tf.constant(anchors, tf.float32)

    def loss_fn(raw, y, gt):
        g = tf.shape(raw)[1]
        raw = tf.reshape(raw, [-1, g, g, NUM_ANCHORS, 5 + num_classes])
        col, row = tf.meshgrid(tf.range(g, dtype=tf.float32), tf.range(g, dtype=tf.float32))
        cell = tf.stack([col, row], -1)[None, :, :, None, :]
        obj = y[..., 4]
        # predicted boxes in grid cells, for the ignore mask
        xy = tf.sigmoid(raw[..., 0:2]) + cell
        wh = tf.exp(tf.clip_by_value(raw[..., 2:4], -8.0, 8.0)) * anchors_t
        p1, p2 = xy - wh / 2, xy + wh / 2
        g1 = gt[:, None, None, None, :, 0:2]
        g2 = gt[:, None, None, None, :, 2:4]
        inter_wh = tf.maximum(tf.minimum(p2[..., None, :], g2) - tf.maximum(p1[..., None, :], g1), 0.0)
        inter = inter_wh[..., 0] * inter_wh[..., 1]
        garea = (g2[..., 0] - g1[..., 0]) * (g2[..., 1] - g1[..., 1])
        parea = (wh[..., 0] * wh[..., 1])[..., None]
        best = tf.reduce_max(inter / tf.maximum(parea + garea - inter, 1e-9), axis=-1)
        ignore = tf.cast(best > ignore_iou, tf.float32)
        bce = tf.nn.sigmoid_cross_entropy_with_logits(labels=obj, logits=raw[..., 4])
        obj_loss = obj_scale * tf.reduce_sum(obj * bce) + noobj_scale * tf.reduce_sum((1 - obj) * (1 - ignore) * bce)
        wgt = y[..., 6] * obj
        xy_loss = tf.reduce_sum(wgt[..., None] * tf.square(tf.sigmoid(raw[..., 0:2]) - y[..., 0:2]))
        wh_loss = tf.reduce_sum(wgt[..., None] * tf.square(raw[..., 2:4] - y[..., 2:4]))
        ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.cast(y[..., 5], tf.int32), logits=raw[..., 5:])
        cls_loss = tf.reduce_sum(obj * ce)
        n = tf.cast(tf.shape(raw)[0], tf.float32)
        return (obj_loss + xy_loss + wh_loss + cls_loss) / n, tf.stack([obj_loss, xy_loss + wh_loss, cls_loss]) / n

    return loss_fn


# ----------------------------------------------------------------------------- main
def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n-train", type=int, default=8000)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--crop", type=int, default=384, help="training crop side in pixels (multiple of 32, <= 608)")
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--width", type=float, default=1.0)
    ap.add_argument("--eval-n", type=int, default=150)
    ap.add_argument("--eval-every", type=int, default=5)
    ap.add_argument("--workers", type=int, default=2, help="processes drawing the scenes")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cache", default=str(ROOT / "build" / "yolo_cache"))
    ap.add_argument("--out", default=str(Y.weights_path()))
    ap.add_argument("--steps", type=int, default=0, help="stop after this many steps (speed test; writes nothing)")
    args = ap.parse_args(argv)
    assert args.crop % CELL == 0 and CELL <= args.crop <= SIZE, "--crop must be a multiple of 32 up to 608"

    from cnnkit.setup import quiet_tensorflow

    tf = quiet_tensorflow()
    import keras

    from grading.w3a1.reference import iou as reference_iou
    from grading.w3a1.reference import yolo_eval as reference_yolo_eval

    tf.random.set_seed(args.seed)
    keras.utils.set_random_seed(args.seed)
    t0 = time.time()
    cache = Path(args.cache)
    log(f"drawing/loading {args.n_train} training scenes")
    X, boxes = scene_cache("train", args.n_train, cache, args.workers)
    t_data = time.time() - t0
    log(f"data ready in {t_data:.0f} s; {sum(len(b) for b in boxes)} boxes")

    num_classes = len(roads.CLASS_NAMES)
    anchors = roads.kmeans_anchors(grid_wh(boxes), NUM_ANCHORS, seed=0)
    log(f"anchors (grid cells): {np.round(anchors, 3).tolist()}")

    model = Y.small_yolo_body(keras.Input((None, None, 3)), NUM_ANCHORS, num_classes, width=args.width)
    head = model.get_layer("head")   # start with low objectness everywhere: most cells hold no object
    kernel, bias = head.get_weights()
    bias.reshape(NUM_ANCHORS, 5 + num_classes)[:, 4] = -4.0
    head.set_weights([kernel, bias])
    log(f"parameters: {model.count_params():,}")
    steps_per_epoch = len(X) // args.batch
    total = steps_per_epoch * args.epochs
    warm = min(500, total // 10)
    sched = keras.optimizers.schedules.CosineDecay(args.lr * 0.05, max(1, total - warm), alpha=0.01,
                                                   warmup_target=args.lr, warmup_steps=warm)
    opt = keras.optimizers.Adam(sched)
    loss_fn = make_loss(tf, anchors, num_classes)

    @tf.function(reduce_retracing=True)
    def train_step(xb, yb, gb):
        xb = tf.cast(xb, tf.float32) / 255.0
        n = tf.shape(xb)[0]
        gain = tf.random.uniform([n, 1, 1, 1], 0.7, 1.3)
        contrast = tf.random.uniform([n, 1, 1, 1], 0.75, 1.25)
        mean = tf.reduce_mean(xb, axis=[1, 2, 3], keepdims=True)
        xb = tf.clip_by_value(((xb - mean) * contrast + mean) * gain, 0.0, 1.0)
        with tf.GradientTape() as tape:
            raw = model(xb, training=True)
            loss, parts = loss_fn(raw, yb, gb)
        grads = tape.gradient(loss, model.trainable_variables)
        grads, _ = tf.clip_by_global_norm(grads, 10.0)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        return loss, parts

    def evaluate(n):
        return Y.evaluate_map(reference_yolo_eval, reference_iou, model, anchors, roads.CLASS_NAMES, n_images=n)

    out = Path(args.out)
    ckpt = cache / "yolo_small.ckpt.weights.h5"
    history = []
    rng = np.random.default_rng(args.seed)
    t_train = time.time()
    result = None
    for epoch in range(args.epochs):
        te = time.time()
        acc = np.zeros(4)
        steps = args.steps or steps_per_epoch
        for s, (xb, yb, gb) in enumerate(batches(X, boxes, anchors, args.batch, args.crop, rng, steps)):
            loss, parts = train_step(xb, yb, gb)
            acc += [float(loss), *parts.numpy()]
        if args.steps:
            sec = time.time() - te
            log(f"speed test: {steps} steps in {sec:.1f} s ({sec / steps / args.batch * 1000:.1f} ms per crop; "
                f"{sec / steps * steps_per_epoch:.0f} s per epoch of {len(X)} scenes)")
            return 0
        acc /= steps_per_epoch
        sec = time.time() - te
        model.save_weights(ckpt)
        entry = {"epoch": epoch + 1, "loss": round(acc[0], 4), "obj": round(acc[1], 4), "box": round(acc[2], 4),
                 "cls": round(acc[3], 4), "s": round(sec, 1)}
        if (epoch + 1) % args.eval_every == 0 or epoch + 1 == args.epochs:
            m, aps = evaluate(args.eval_n)
            entry["map50"] = round(m, 4)
            result = (m, aps)
        history.append(entry)
        log(json.dumps(entry))
    train_minutes = (time.time() - t_train) / 60

    # the shipped model is built for the notebook's 608x608 input
    full = Y.small_yolo_body(keras.Input((SIZE, SIZE, 3)), NUM_ANCHORS, num_classes, width=args.width)
    full.set_weights(model.get_weights())
    out.parent.mkdir(parents=True, exist_ok=True)
    full.save_weights(out)
    sha = files.sha256_file(out)
    classes_file, anchors_file = Y.model_data_dir() / "classes.txt", Y.model_data_dir() / "anchors.txt"
    classes_file.parent.mkdir(parents=True, exist_ok=True)
    classes_file.write_text("\n".join(roads.CLASS_NAMES) + "\n")
    anchors_file.write_text(", ".join(f"{w:.5f},{h:.5f}" for w, h in anchors) + "\n")
    command = ("python scripts/w3a1_train_yolo.py " + " ".join(argv if argv is not None else sys.argv[1:])).strip()
    files.record(classes_file, made_by=command, class_names=list(roads.CLASS_NAMES))
    files.record(anchors_file, made_by=command,
                 note="5 anchors (w, h) in grid cells, k-means with distance 1 - IoU on the training boxes")
    if out.parent.resolve() == files.weights_dir().resolve():
        files.record(out, made_by=command, architecture="cnnkit.yolo.small_yolo_body",
                     parameters=int(full.count_params()), model_card="datasets/weights/yolo_small.md")
    info = {"command": command, "epochs": args.epochs, "train_minutes": round(train_minutes, 1),
            "data_seconds": round(t_data), "n_train": args.n_train, "batch": args.batch, "crop": args.crop,
            "lr": args.lr, "width": args.width, "seed": args.seed, "params": int(full.count_params()),
            "anchors": np.round(anchors, 5).tolist(), "sha256": sha, "bytes": out.stat().st_size,
            "tf": tf.__version__, "history": history}
    if result is not None:
        info["map50_eval_n"] = args.eval_n
        info["map50"] = round(result[0], 4)
        info["ap50_per_class"] = {k: round(v, 4) for k, v in result[1].items()}
    (cache / "train_info.json").write_text(json.dumps(info, indent=1))
    log(json.dumps({k: v for k, v in info.items() if k != "history"}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
