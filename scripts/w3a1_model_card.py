"""Evaluate the shipped small YOLO and write its model card (datasets/weights/yolo_small.md).

    python scripts/w3a1_model_card.py [--n-images 300]

mAP@0.5 on held-out scenes (``cnnkit.roads`` split "test", a different seed from training)
through the reference ``yolo_eval`` (the notebook's pipeline: yolo_head -> corners ->
filter -> scale -> class-agnostic NMS), score threshold 0.1, at most 20 boxes per image.
Training facts come from the training run's ``build/yolo_cache/train_info.json``
(written by ``scripts/w3a1_train_yolo.py``).
"""
from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

import numpy as np

from cnnkit import files, roads
from cnnkit import yolo as Y


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n-images", type=int, default=300)
    ap.add_argument("--info", default=str(ROOT / "build" / "yolo_cache" / "train_info.json"))
    ap.add_argument("--note", default="", help="a paragraph about this run for the card (e.g. shared cores)")
    args = ap.parse_args()
    from grading.w3a1.reference import iou, yolo_eval

    info = json.loads(Path(args.info).read_text())
    model, names, anchors = Y.load_yolo_model(verbose=False)
    x = np.zeros((1, 608, 608, 3), np.float32)
    model(x, training=False)
    t = time.time()
    for _ in range(5):
        model(x, training=False)
    infer_ms = (time.time() - t) / 5 * 1000
    t = time.time()
    m, aps = Y.evaluate_map(yolo_eval, iou, model, anchors, names, n_images=args.n_images)
    eval_s = time.time() - t
    n_test_boxes = sum(len(roads.scene("test", i)[1]) for i in range(args.n_images))
    rows = "\n".join(f"| {k} | {v:.3f} |" for k, v in aps.items())
    hist = "\n".join(f"| {h['epoch']} | {h['loss']:.2f} | {h['obj']:.2f} | {h['box']:.2f} | {h['cls']:.2f} | {h['s']:.0f} "
                     f"| {h.get('map50', '')} |" for h in info["history"])
    card = f"""# Model card: yolo_small (w3a1, car detection with YOLO)

A small YOLOv2-style detector trained from scratch on synthetic road scenes, shipped so that the
assignment runs offline and on a CPU. It is a stand-in for the original YOLOv2 (COCO, 80 classes,
51 M parameters): same input (608x608x3 in [0, 1]), same output layout (19x19 grid, 5 anchors,
5 + K numbers per anchor), same decoding (`cnnkit.yolo.yolo_head`).

| | |
|---|---|
| file | `datasets/weights/yolo_small.weights.h5` ({info['bytes'] / 1e6:.2f} MB), sha256 `{info['sha256']}` |
| architecture | `cnnkit.yolo.small_yolo_body`: conv-BN-LeakyReLU(0.1) blocks as in Darknet; five stride-2 3x3 convolutions (16, 32, 64, 128, 256 filters) take 608x608 to the 19x19 grid, with 3x3 and 1x1 blocks between them (32; 64; 64 1x1, 128); at 19x19 a 1x1 block (128) and a 3x3 block with dilation 2 (256); a passthrough (1x1 conv to 32 channels of the 38x38 features, `SpaceToDepth` custom layer, block 2) concatenated; a 3x3 block (192) and a 1x1 conv to 5 x (5 + {len(names)}) = {5 * (5 + len(names))} channels. No Lambda layers. Strided convolutions in place of YOLOv2's 2x2 max pools cost a quarter of the arithmetic on a CPU |
| parameters | {info['params']:,} |
| classes (K = {len(names)}) | {', '.join(names)} (`datasets/yolo/model_data/classes.txt`) |
| anchors (w, h in grid cells) | {', '.join(f'({w:.3f}, {h:.3f})' for w, h in info['anchors'])}: k-means with distance 1 - IoU on the training boxes (`datasets/yolo/model_data/anchors.txt`) |
| data | `cnnkit.roads` generator version {roads.GENERATOR_VERSION}; {info['n_train']} training scenes (seed {roads.SEEDS['train']}), 1280x720, resized to 608x608 with BICUBIC as `preprocess_image` does; held-out test scenes from seed {roads.SEEDS['test']} |
| training | `{info['command']}`: random {info['crop']}x{info['crop']} crops of the 608x608 scenes aligned to the 32-pixel grid (the network is fully convolutional), horizontal flips, brightness and contrast jitter; YOLOv2-style loss (objectness BCE with an ignore mask for predictions with IoU > 0.6, squared error on sigmoid offsets and log-stretches weighted by 2 - w*h, softmax cross-entropy on classes); Adam, warm-up then cosine decay, peak learning rate {info['lr']}, batch {info['batch']}, seed {info['seed']}; {info['epochs']} epochs in {info['train_minutes']} minutes on 2 CPU cores ({platform.processor() or platform.machine()}, TensorFlow {info['tf']}, oneDNN on), plus {info['data_seconds']} s to draw the scenes. The weights after the last epoch are shipped; the held-out mAP in the log below was only watched, never used to choose |
| evaluation | mAP@0.5 = **{m:.3f}** on {args.n_images} held-out scenes ({n_test_boxes} objects) through the notebook's pipeline (`grading.w3a1.reference.yolo_eval`: yolo_head, corners, score filter 0.1, scale to 720x1280, class-agnostic NMS 0.5, at most 20 boxes), VOC all-point AP (`cnnkit.yolo.evaluate_map`) |
| inference | {infer_ms:.0f} ms per 608x608 image on the CPU (batch 1); evaluation of {args.n_images} scenes took {eval_s:.0f} s including drawing them |

{args.note + chr(10) + chr(10) if args.note else ""}## AP@0.5 per class

| class | AP@0.5 |
|---|---|
{rows}

## Training log

| epoch | loss | objectness | box | class | seconds | mAP@0.5 (held-out, first {info.get('map50_eval_n', '')} scenes) |
|---|---|---|---|---|---|---|
{hist}

## Limitations

Trained on drawn scenes only: it has never seen a photograph and will not detect objects in one.
Small objects far away (under about 20 px high in the 1280x720 picture; traffic lights only a few
pixels wide) are its weakest cases: see the per-class AP above. Class-agnostic NMS removes one of
two strongly overlapping objects of different classes.

## Using the original YOLOv2 instead

Put the original Keras weights `yolo.h5` (or `yolo.weights.h5`), `coco_classes.txt` and
`yolo_anchors.txt` in `datasets/yolo/model_data/`; `cnnkit.yolo.load_yolo_model()` then builds the
full YOLOv2 (`yolo_body`, Darknet-19 with passthrough, no Lambda layer) and loads them.
"""
    out = Y.weights_path().with_name("yolo_small.md")
    out.write_text(card)
    entry = files.entry(Y.weights_path()) or {}
    facts = {k: v for k, v in entry.items() if k not in ("sha256", "bytes", "made_by")}
    facts.update(map50_heldout=round(m, 4), map50_images=args.n_images)
    files.record(Y.weights_path(), made_by=entry.get("made_by", info["command"]), **facts)
    files.record(out, made_by="python scripts/w3a1_model_card.py " + " ".join(sys.argv[1:]))
    print(card)
    print(json.dumps({"map50": round(m, 4), "n_images": args.n_images, "infer_ms": round(infer_ms, 1)}))


if __name__ == "__main__":
    main()
