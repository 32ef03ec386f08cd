"""Train the w3a2 U-Net on synthetic street scenes and write the course's shipped weights.

    nohup nice -n 10 .venv/bin/python scripts/w3a2_train_unet.py > build/w3a2/train.log 2>&1 &

What it does
------------
1. Draws ``--train`` scenes of split ``train`` and ``--heldout`` scenes of split ``test``
   (other seeds) with ``cnnkit.streets`` (in ``--workers`` processes) and resizes them
   exactly as ``cnnkit.seg.process_path`` + ``preprocess`` do (nearest neighbour to
   96x128; checked against the TensorFlow pipeline on written files at start-up).  The
   arrays are cached as uint8 under ``build/w3a2/`` (about 50 KB a scene).
2. Trains the reference ``grading.w3a2.reference.unet_model()`` (96x128x3, 32 filters,
   23 classes, 8,640,471 parameters) with Adam and ``SparseCategoricalCrossentropy(
   from_logits=True)`` weighted per pixel by class (median-frequency balancing, see
   ``pixel_class_weights``), batch ``--batch-size``, a cosine learning-rate schedule
   over ``--epochs``; a fresh permutation of the training scenes every epoch and a
   random left-right flip of half of them (seeded).  After every epoch the model and
   optimizer are saved (``build/w3a2/<run>/checkpoint.keras`` + a JSON state): a run cut
   off loses at most one epoch, and ``--resume`` (default on) continues it.  A run may be
   resumed with more ``--epochs`` (the schedule is then stretched over the new count).
   After every epoch the model is scored on ``--val`` further scenes of split ``train``
   (indices after the training ones, never trained on): a log of progress only; the
   shipped weights are the last epoch's either way.
3. Writes int8 weights with ``cnnkit.weights.save_quantized`` to
   ``datasets/weights/unet_carla.npz``, loads them into a fresh model and measures pixel
   accuracy, mean IoU and per-class IoU on the held-out scenes *after* this round trip; a
   per-pixel colour classifier (and one that also knows the pixel's row) is measured on
   the same scenes as a baseline.  The numbers, the structure the weights fit
   (``cnnkit.testing.summary``) and the data version go into the manifest entry and the
   model card ``datasets/weights/unet_carla.md``.

``--no-save`` measures without touching the shipped files.  The held-out scenes are never
used to choose anything: the last epoch's weights are shipped.
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import shlex
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from cnnkit import files, streets  # noqa: E402

BUILD = ROOT / "build" / "w3a2"
SIZE = (96, 128)


def log(msg: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {msg}", flush=True)


# ----------------------------------------------------------------------------- data
def _nearest_index(n_in: int, n_out: int) -> np.ndarray:
    """Rows (or columns) ``tf.image.resize(method="nearest")`` samples (half-pixel centres)."""
    scale = n_in / n_out
    return np.minimum(np.floor((np.arange(n_out) + 0.5) * scale).astype(np.int64), n_in - 1)


_ROWS = _nearest_index(streets.IMAGE_HEIGHT, SIZE[0])
_COLS = _nearest_index(streets.IMAGE_WIDTH, SIZE[1])


def _small_scene(task):
    split, index = task
    img, mask = streets.render_scene(streets.scene_rng(split, index))
    return img[_ROWS][:, _COLS], mask[_ROWS][:, _COLS]


def scenes_array(split: str, n: int, workers: int):
    """uint8 images ``(n, 96, 128, 3)`` and masks ``(n, 96, 128)`` of scenes ``0..n-1``, cached."""
    BUILD.mkdir(parents=True, exist_ok=True)
    cache = BUILD / f"cache_{split}_{streets.GENERATOR_VERSION}_{streets.SEEDS[split]}.npz"
    have_x = have_y = None
    if cache.exists():
        with np.load(cache) as d:
            have_x, have_y = d["x"], d["y"]
        if len(have_x) >= n:
            return have_x[:n], have_y[:n]
    start = 0 if have_x is None else len(have_x)
    X = np.empty((n, *SIZE, 3), np.uint8)
    Y = np.empty((n, *SIZE), np.uint8)
    if start:
        X[:start], Y[:start] = have_x, have_y
    t0 = time.perf_counter()
    tasks = [(split, i) for i in range(start, n)]
    if workers > 1:
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn")) as pool:
            for k, (x, y) in enumerate(pool.map(_small_scene, tasks, chunksize=16)):
                X[start + k], Y[start + k] = x, y
    else:
        for k, t in enumerate(tasks):
            X[start + k], Y[start + k] = _small_scene(t)
    log(f"drew {len(tasks)} {split} scenes in {time.perf_counter() - t0:.0f} s")
    np.savez(cache, x=X, y=Y)
    return X, Y


def check_pipeline(tf) -> None:
    """The in-memory resize equals ``process_path`` + ``preprocess`` on written files (3 scenes)."""
    import tempfile

    from cnnkit import seg

    with tempfile.TemporaryDirectory() as tmp:
        streets.write_carla_folder(tmp, 3, workers=1, progress=False)
        imgs, masks = seg.list_pairs(Path(tmp) / "CameraRGB", Path(tmp) / "CameraMask")
        for k, (ip, mp_) in enumerate(zip(imgs, masks)):
            a, b = seg.preprocess(*seg.process_path(ip, mp_))
            x, y = _small_scene(("train", k))
            xf = tf.image.convert_image_dtype(tf.constant(x), tf.float32).numpy()
            if not (np.array_equal(a.numpy(), xf) and np.array_equal(b.numpy()[..., 0], y)):
                raise SystemExit("the in-memory resize differs from process_path + preprocess")


def colour_baselines(Xtr, Ytr, Xte, Yte, bins: int = 16) -> dict:
    """Per-pixel classifiers fit on training pixels: colour only, and colour + image row.

    The colour is quantised to ``bins`` levels per channel; each cell predicts the most
    frequent class of its training pixels (the most frequent class overall where empty).
    """
    from cnnkit import seg

    def cell(X, with_row):
        q = (X.astype(np.int64) * bins) // 256
        c = (q[..., 0] * bins + q[..., 1]) * bins + q[..., 2]
        if with_row:
            rows = np.broadcast_to((np.arange(X.shape[1]) * 8 // X.shape[1])[None, :, None], c.shape)
            c = c * 8 + rows
        return c

    out = {}
    for name, with_row in (("colour", False), ("colour_and_row", True)):
        ctr, cte = cell(Xtr, with_row), cell(Xte, with_row)
        n_cells = bins ** 3 * (8 if with_row else 1)
        counts = np.bincount(ctr.reshape(-1) * 23 + Ytr.reshape(-1).astype(np.int64),
                             minlength=n_cells * 23).reshape(n_cells, 23)
        table = counts.argmax(1)
        table[counts.sum(1) == 0] = int(np.bincount(Ytr.reshape(-1), minlength=23).argmax())
        cm = seg.confusion_matrix(Yte, table[cte])
        out[name] = {"pixel_accuracy": seg.pixel_accuracy(cm), "mean_iou": seg.mean_iou(cm)}
    return out


# ----------------------------------------------------------------------------- training
def pixel_class_weights(Y, power: float) -> np.ndarray:
    """float32 ``(23,)``: ``(median frequency / frequency) ** power`` over the classes present, clipped to
    [0.1, 10] and scaled so that the average weight of a training pixel is 1 (median-frequency balancing)."""
    counts = streets.class_pixel_counts([Y]).astype(np.float64)
    freq = counts / counts.sum()
    w = np.ones(len(freq))
    present = freq > 0
    if power:
        w[present] = np.clip((np.median(freq[present]) / freq[present]) ** power, 0.1, 10.0)
    w /= float((w * freq).sum())
    return w.astype(np.float32)


def lr_at(epoch: int, epochs: int, base: float, floor: float = 0.02) -> float:
    """Cosine decay from ``base`` to ``floor * base`` over the epochs (epoch counted from 0)."""
    t = epoch / max(1, epochs - 1) if epochs > 1 else 0.0
    return base * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * t)))


def cpu_has_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 in hardware (AMX or AVX-512 BF16): mixed precision pays off."""
    try:
        flags = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return " amx_bf16" in flags or " avx512_bf16" in flags


def build_model(tf, lr, policy="float32"):
    from grading.w3a2.reference import unet_model

    tf.keras.mixed_precision.set_global_policy(policy)
    try:
        model = unet_model((*SIZE, 3), n_filters=32, n_classes=23)
    finally:
        tf.keras.mixed_precision.set_global_policy("float32")
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=lr),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--train", type=int, default=3000, help="training scenes (split 'train', indices 0..N-1)")
    p.add_argument("--heldout", type=int, default=300, help="held-out scenes (split 'test')")
    p.add_argument("--val", type=int, default=100,
                   help="scenes of split 'train' after the training ones, scored after every epoch (a log only)")
    p.add_argument("--epochs", type=int, default=24)
    p.add_argument("--batch-size", type=int, default=8)
    p.add_argument("--lr", type=float, default=5e-4)
    p.add_argument("--flip", action=argparse.BooleanOptionalAction, default=True,
                   help="flip half of the training scenes left-right each epoch")
    p.add_argument("--class-weight-power", type=float, default=0.5,
                   help="per-pixel loss weight (median class frequency / class frequency) ** power; 0: none")
    p.add_argument("--seed", type=int, default=3232)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--resume", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--run", default="main", help="name of the checkpoint folder under build/w3a2/")
    p.add_argument("--why", default=None,
                   help="why this run was made or resumed (e.g. an earlier score on the held-out scenes); goes into "
                        "the model card beside the command")
    p.add_argument("--no-save", action="store_true", help="measure only; leave the shipped files alone")
    p.add_argument("--precision", choices=("auto", "float32", "mixed_bfloat16"), default="auto",
                   help="compute precision while training (auto: mixed_bfloat16 on CPUs with AMX/AVX-512 BF16 or "
                        "on a GPU; weights are float32 either way, and everything is measured in float32)")
    args = p.parse_args(argv)
    command = recorded_command(argv if argv is not None else sys.argv[1:])
    t_start = time.perf_counter()

    from cnnkit.setup import quiet_tensorflow

    tf = quiet_tensorflow()
    tf.keras.utils.set_random_seed(args.seed)
    check_pipeline(tf)
    Xall, Yall = scenes_array("train", args.train + args.val, args.workers)
    Xtr, Ytr = Xall[:args.train], Yall[:args.train]
    Xva, Yva = Xall[args.train:], Yall[args.train:]
    Xte, Yte = scenes_array("test", args.heldout, args.workers)
    log(f"data: {len(Xtr)} training and {len(Xte)} held-out scenes (generator {streets.GENERATOR_VERSION})")

    run_dir = BUILD / args.run
    run_dir.mkdir(parents=True, exist_ok=True)
    ckpt, state_file = run_dir / "checkpoint.keras", run_dir / "state.json"
    state = {"epoch": 0, "history": [], "seconds": 0.0}
    policy = args.precision
    if policy == "auto":
        policy = "mixed_bfloat16" if cpu_has_bf16() or tf.config.list_physical_devices("GPU") else "float32"
    settings = {k: getattr(args, k) for k in ("train", "batch_size", "lr", "seed", "class_weight_power", "flip")}
    settings["precision"] = policy
    settings["generator_version"] = streets.GENERATOR_VERSION
    if args.resume and ckpt.exists() and state_file.exists():
        state = json.loads(state_file.read_text())
        if state.get("epoch", 0) > args.epochs:
            raise SystemExit(f"{run_dir} already holds {state['epoch']} epochs; ask for at least that many")
        if state.get("settings") != settings:
            raise SystemExit(f"{run_dir} holds a run with other settings ({state.get('settings')}); "
                             f"use --run NAME or --no-resume")
        tf.keras.mixed_precision.set_global_policy(policy)
        try:
            model = tf.keras.models.load_model(ckpt)
        finally:
            tf.keras.mixed_precision.set_global_policy("float32")
        log(f"resumed {ckpt} after epoch {state['epoch']}")
    else:
        model = build_model(tf, args.lr, policy)
    state["settings"] = settings
    runs = state.setdefault("invocations", [])
    if not runs or runs[-1]["to_epoch"] != args.epochs:  # a new schedule; resuming a cut-off run is not one
        runs.append(
            {"command": command, "from_epoch": state["epoch"] + 1, "to_epoch": args.epochs, "why": args.why})
    elif args.why:  # the reason for the run, given when it is written
        runs[-1]["why"] = args.why
    log(f"training in {policy}")

    class_weights = pixel_class_weights(Ytr, args.class_weight_power)
    log("class weights: " + ", ".join(f"{n} {w:.2f}" for n, w in zip(streets.CLASS_NAMES, class_weights)))

    def batches(epoch):
        rng = np.random.default_rng([args.seed, epoch])
        order = rng.permutation(len(Xtr))
        flips = rng.random(len(Xtr)) < (0.5 if args.flip else 0.0)
        for k in range(0, len(order) - args.batch_size + 1, args.batch_size):  # full batches only
            idx = np.sort(order[k:k + args.batch_size])
            x, y = Xtr[idx].copy(), Ytr[idx].copy()
            f = flips[idx]
            x[f], y[f] = x[f][:, :, ::-1], y[f][:, :, ::-1]
            yield (tf.image.convert_image_dtype(tf.constant(x), tf.float32),
                   tf.constant(y[..., None]), tf.constant(class_weights[y]))

    from cnnkit import seg

    def validate(model):
        if not len(Xva):
            return {}
        r = seg.evaluate_segmentation(model, Xva.astype(np.float32) / 255.0, Yva[..., None])
        return {"val_pixel_accuracy": round(r["pixel_accuracy"], 4), "val_mean_iou": round(r["mean_iou"], 4)}

    for epoch in range(state["epoch"], args.epochs):
        lr = lr_at(epoch, args.epochs, args.lr)
        model.optimizer.learning_rate.assign(lr)
        t0 = time.perf_counter()
        losses, accs = [], []
        for x, y, w in batches(epoch):
            out = model.train_on_batch(x, y, sample_weight=w, return_dict=True)
            losses.append(out["loss"])
            accs.append(out["accuracy"])
        dt = time.perf_counter() - t0
        val = validate(model)
        state["history"].append({"epoch": epoch + 1, "lr": lr, "loss": float(np.mean(losses)),
                                 "accuracy": float(np.mean(accs)), "seconds": round(dt, 1), **val})
        state["epoch"] = epoch + 1
        state["seconds"] = state.get("seconds", 0.0) + dt
        model.save(ckpt)
        state_file.write_text(json.dumps(state, indent=1))
        log(f"epoch {epoch + 1}/{args.epochs}: lr {lr:.2e} loss {np.mean(losses):.4f} "
            f"accuracy {np.mean(accs):.4f} ({dt:.0f} s) " + " ".join(f"{k} {v:.4f}" for k, v in val.items()))

    from cnnkit import seg, testing, weights

    trained = build_model(tf, args.lr)  # float32 copy of the trained weights
    trained.set_weights(model.get_weights())
    model = trained
    float_result = seg.evaluate_segmentation(model, tf.image.convert_image_dtype(Xte, tf.float32).numpy(),
                                             Yte[..., None])
    log(f"float32 model on {len(Xte)} held-out scenes: pixel accuracy {float_result['pixel_accuracy']:.4f}, "
        f"mean IoU {float_result['mean_iou']:.4f}")
    out = files.weights_dir() / seg.WEIGHTS_NAME if not args.no_save else run_dir / seg.WEIGHTS_NAME
    trial = run_dir / "roundtrip.npz"
    weights.save_quantized(model, trial)
    fresh = build_model(tf, args.lr)
    weights.load_quantized(fresh, trial)
    result = seg.evaluate_segmentation(fresh, tf.image.convert_image_dtype(Xte, tf.float32).numpy(), Yte[..., None])
    log(f"after the int8 round trip: pixel accuracy {result['pixel_accuracy']:.4f}, mean IoU {result['mean_iou']:.4f}")
    log(seg.iou_table(result))
    base = colour_baselines(Xtr[:1000], Ytr[:1000], Xte, Yte)
    log(f"baselines: {base}")
    train_counts = streets.class_pixel_counts(Ytr)
    test_counts = streets.class_pixel_counts(Yte)
    facts = {
        "pixel_accuracy": round(result["pixel_accuracy"], 4), "mean_iou": round(result["mean_iou"], 4),
        "class_iou": {k: round(v, 4) for k, v in result["class_iou"].items()},
        "float32_pixel_accuracy": round(float_result["pixel_accuracy"], 4),
        "float32_mean_iou": round(float_result["mean_iou"], 4),
        "baseline_colour": {k: round(v, 4) for k, v in base["colour"].items()},
        "baseline_colour_and_row": {k: round(v, 4) for k, v in base["colour_and_row"].items()},
        "data": {"generator": "cnnkit.streets", "generator_version": streets.GENERATOR_VERSION,
                 "train_split": "train", "train_seed": streets.SEEDS["train"], "train_scenes": int(len(Xtr)),
                 "classes_drawn": [streets.CLASS_NAMES[k] for k in streets.DRAWN_CLASSES],
                 "heldout_split": "test", "heldout_seed": streets.SEEDS["test"], "heldout_scenes": int(len(Xte)),
                 "probe_sha256": streets.scenes_checksum("train", 2)},
        "training": {"epochs": state["epoch"], "batch_size": args.batch_size, "optimizer": "Adam", "precision": policy,
                     "flip": bool(args.flip), "val_scenes": int(len(Xva)),
                     "class_weight_power": args.class_weight_power,
                     "class_weights": {n: round(float(w), 3) for n, w in zip(streets.CLASS_NAMES, class_weights)},
                     "learning_rate": f"cosine {args.lr:g} -> {args.lr * 0.02:g}", "seed": args.seed,
                     "loss": "SparseCategoricalCrossentropy(from_logits=True)",
                     "train_seconds": round(state["seconds"]), "last_epoch_accuracy":
                         round(state["history"][-1]["accuracy"], 4) if state["history"] else None},
        "structure": seg._jsonable(testing.summary(fresh)),
    }
    summary = weights.save_quantized(model, out, made_by=None if args.no_save else command, **facts)
    if not args.no_save:
        write_card(out.with_suffix(".md"), facts, summary, state, command, time.perf_counter() - t_start,
                   train_counts, test_counts, result)
        log(f"wrote {out} ({summary['bytes'] / 1e6:.1f} MB) and {out.with_suffix('.md').name}")
    return 0


def recorded_command(argv) -> str:
    """The command the card records: the arguments that decide the training, shell-quoted.  ``--why`` is
    shown beside it, and ``--no-save`` is left out: a run trained with it and then written by the same
    command without it is one run, and the card shows the command that writes the file."""
    given = list(argv)
    for k in range(len(given) - 1, -1, -1):
        if given[k].startswith("--why=") or given[k] == "--no-save":
            del given[k]
        elif given[k] == "--why":
            del given[k:k + 2]
    return "python scripts/w3a2_train_unet.py" + (" " + shlex.join(given) if given else "")


def invocation_lines(state, command) -> list:
    """The card's command line(s): one, or, for a run resumed with a longer schedule, each
    invocation with the epochs it trained and why it was resumed."""
    runs = state.get("invocations") or [{"command": command, "from_epoch": 1, "to_epoch": state["epoch"]}]
    if len(runs) == 1:
        return [f"- command: `{runs[0]['command']}`" + (f" — {runs[0]['why']}" if runs[0].get("why") else "")]
    lines = ["- commands, in order (a resumed run stretches the cosine schedule over its own epoch count from the "
             "epoch it resumes at, so the learning rate rises again there; see the table):"]
    for r in runs:
        lines.append(f"  - epochs {r['from_epoch']}-{r['to_epoch']}: `{r['command']}`"
                     + (f" — {r['why']}" if r.get("why") else ""))
    return lines


def write_card(path: Path, facts, summary, state, command, seconds, train_counts, test_counts, result):
    from cnnkit import seg

    d, t = facts["data"], facts["training"]
    cpu = platform.processor() or platform.machine()
    try:
        import re

        cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text()).group(1)
    except (OSError, AttributeError):
        pass
    lines = [
        "# U-Net trained on synthetic street scenes (`unet_carla.npz`)",
        "",
        "The network of the U-Net assignment (w3a2): `unet_model(input_size=(96, 128, 3), n_filters=32, "
        "n_classes=23)`, 35 layers, 8,640,471 parameters, trained by `scripts/w3a2_train_unet.py` on scenes drawn "
        "by `cnnkit.streets`. The notebook loads it into the model you build (`cnnkit.seg.load_unet_weights`), "
        "which checks that your model has this structure.",
        "",
        "## File",
        f"- `datasets/weights/unet_carla.npz`: {summary['bytes']:,} bytes, sha256 `{summary['sha256']}` "
        f"(also in `datasets/MANIFEST.json`)",
        f"- format `{summary['format']}`: every kernel int8 with one float32 scale per output channel, biases float32",
        "",
        "## Data",
        f"- generator `cnnkit.streets` version {d['generator_version']}: 480x640 scenes labelled with CARLA's 23 "
        f"class ids, of which the scenes use {len(d['classes_drawn'])} (ground, static and dynamic are never drawn: "
        "paved areas are sidewalk, gravel is terrain, every street prop is other; see `cnnkit/streets.py`), "
        "resized to 96x128 with nearest neighbour exactly like `process_path` + `preprocess`",
        f"- training: split `train` (seed {d['train_seed']}), scenes 0..{d['train_scenes'] - 1} "
        f"({d['train_scenes']} scenes; the notebook's folder holds the first ones of these)",
        f"- held-out: split `test` (seed {d['heldout_seed']}), scenes 0..{d['heldout_scenes'] - 1} "
        f"({d['heldout_scenes']} scenes, never used for training"
        + ("; scores of earlier weights on them are why this run was made or resumed, see Training)"
           if any(r.get("why") for r in state.get("invocations") or []) else " or for any choice)"),
        f"- progress log: {t['val_scenes']} further scenes of split `train` (indices {d['train_scenes']}.."
        f"{d['train_scenes'] + t['val_scenes'] - 1}, never trained on), scored after every epoch (the columns "
        "'validation' below); they choose nothing either",
        f"- probe: sha256 of the first two training scenes `{d['probe_sha256'][:16]}...`",
        "",
        "## Training",
        f"- Adam, learning rate {t['learning_rate']} (cosine over the epochs), batch {t['batch_size']}, "
        f"{t['epochs']} epochs, seed {t['seed']}, loss {t['loss']}"
        + (", half of the scenes flipped left-right each epoch" if t.get("flip") else "")
        + "; the last epoch's weights are shipped",
        f"- per-pixel loss weights (median class frequency / class frequency) ** {t['class_weight_power']:g}, "
        "clipped to [0.1, 10] and scaled to an average of 1 per training pixel, so that poles and signs count in "
        "the loss: " + ", ".join(f"{n} {w:g}" for n, w in t["class_weights"].items()),
        f"- compute precision while training: {t['precision']} (weights are float32; every number below is "
        "measured with float32 compute)",
        *invocation_lines(state, command),
        f"- hardware: {cpu}, {os.cpu_count()} CPU cores; training {t['train_seconds'] / 60:.0f} min "
        f"(the machine was shared with other jobs), whole script {seconds / 60:.0f} min in this run",
        "",
        "| epoch | learning rate | weighted loss | weighted pixel accuracy (training batches) | validation pixel "
        "accuracy | validation mean IoU | seconds |",
        "|---|---|---|---|---|---|---|",
    ]
    for h in state["history"]:
        va, vm = h.get("val_pixel_accuracy"), h.get("val_mean_iou")
        lines.append(f"| {h['epoch']} | {h['lr']:.2e} | {h['loss']:.4f} | {h['accuracy']:.4f} | "
                     f"{'-' if va is None else f'{va:.4f}'} | {'-' if vm is None else f'{vm:.4f}'} | "
                     f"{h['seconds']:.0f} |")
    lines += [
        "",
        f"## Held-out results ({d['heldout_scenes']} scenes, 96x128, measured after the int8 round trip)",
        "",
        f"- pixel accuracy **{facts['pixel_accuracy']:.4f}** (float32 before rounding: "
        f"{facts['float32_pixel_accuracy']:.4f})",
        f"- mean IoU over the {len(facts['class_iou'])} classes present **{facts['mean_iou']:.4f}** (float32: "
        f"{facts['float32_mean_iou']:.4f})",
        f"- baseline, per-pixel colour classifier (16 levels per channel, most frequent class per colour, fit on "
        f"1000 training scenes): pixel accuracy {facts['baseline_colour']['pixel_accuracy']:.4f}, mean IoU "
        f"{facts['baseline_colour']['mean_iou']:.4f}; colour and image row: "
        f"{facts['baseline_colour_and_row']['pixel_accuracy']:.4f} / {facts['baseline_colour_and_row']['mean_iou']:.4f}",
        "",
        "| id | class | IoU | share of training pixels | share of held-out pixels |",
        "|---|---|---|---|---|",
    ]
    tr, te = train_counts / train_counts.sum(), test_counts / test_counts.sum()
    for k, name in enumerate(seg.CLASS_NAMES):
        v = facts["class_iou"].get(name)
        lines.append(f"| {k} | {name} | {'- (not drawn)' if v is None else f'{v:.3f}'} | {100 * tr[k]:.2f} % | "
                     f"{100 * te[k]:.2f} % |")
    lines += [
        "",
        "## Limits",
        "- Trained and measured on synthetic scenes only; it has never seen a real camera picture or the original "
        "CARLA data, and it will do poorly on them.",
        "- Thin and small things (poles, signs, traffic lights, far pedestrians) are a few pixels wide at 96x128 and "
        "have the lowest IoU; the mean IoU counts every class present equally.",
        "- The mean IoU is over the classes the held-out masks hold (ground, static and dynamic never occur); the "
        "network still has 23 outputs, and predicting one of the three unused ids counts as an error.",
        "- int8 rounding of the kernels changes held-out numbers by the amounts shown above (float32 vs int8).",
        "",
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    files.record(path, made_by=command, describes="datasets/weights/unet_carla.npz")


if __name__ == "__main__":
    sys.exit(main())
