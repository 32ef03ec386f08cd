"""Train the course's MobileNetV2 base (no top) on the synthetic source task and ship it.

    nohup nice -n 10 .venv/bin/python scripts/w2a2_train_mobilenet_base.py > build/w2a2/train.log 2>&1 &

The network is ``tf.keras.applications.MobileNetV2(include_top=False, alpha=1.0, weights=None)``
(2,257,984 parameters) with a temporary head (global average pooling + ``Dense(52 + --species)``),
trained from random initialisation on ``cnnkit.objects`` (52 classes of animals, objects, shapes
and textures, plus ``--species`` invented quadruped species; **no alpacas**).  Inputs go through
``mobilenet_v2.preprocess_input`` ([0, 255] -> [-1, 1]), as for the ImageNet weights, so the
transfer notebook treats both alike.

Steps (each resumable; a cut-off run loses at most one epoch):

1. draw the training and held-out pictures once into a uint8 cache under ``build/w2a2/``
   (``--size`` px square; chunks of 1000, so the drawing resumes too);
2. train ``--epochs`` epochs with Adam (cosine-decayed learning rate, label smoothing 0.1),
   stateless augmentation seeded by (seed, epoch, step): random crop 60-100 % of the area,
   mirror, on 35 % of the pictures a rotation up to +-0.1 turn (reflected borders),
   brightness/contrast jitter; BatchNorm momentum 0.99 while training; a
   checkpoint (weights, optimizer state, history) after every epoch;
3. recompute the BatchNorm moving statistics at 160 x 160 (the notebook's size) on fresh
   source pictures, measure held-out top-1 at the training size and at 160;
4. write ``datasets/weights/mobilenetv2_synthetic_no_top.weights.h5`` (float16, a Keras weights
   file: ``MobileNetV2(input_shape=(160, 160, 3), include_top=False, weights=<it>)`` loads it),
   measure held-out top-1 again *after* the float16 round trip, record the file in the
   manifest and write the model card ``mobilenetv2_synthetic_no_top.md``.

``scripts/w2a2_transfer_gain.py`` then measures the transfer to alpaca / not alpaca and adds
its numbers to the card and the manifest entry.
"""
from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NAME = "mobilenetv2_synthetic_no_top"
N_PARAMS = 2_257_984


def log(msg: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {msg}", flush=True)


# ----------------------------------------------------------------------------- picture cache
def _draw_chunk(job):
    split, start, count, size, n_species = job
    from cnnkit import objects

    return objects.source_batch(start, count, split, size, n_species)[0]


def picture_cache(split: str, n: int, size: int, cache_dir: Path, workers: int, chunk: int = 1000, start: int = 0,
                  n_species: int = 0):
    """Pictures ``start..start+n-1`` of a source split (with ``n_species`` procedural species) as a
    read-only uint8 memmap ``(n, size, size, 3)``.

    The drawing resumes where it stopped: ``<file>.done`` holds the number of pictures written.
    """
    from cnnkit import objects

    import numpy as np

    cache_dir.mkdir(parents=True, exist_ok=True)
    species = f"_species{n_species}v{objects.SPECIES_VERSION}" if n_species else ""
    path = cache_dir / f"source_{split}_{size}px_v{objects.GENERATOR_VERSION}{species}_{start}+{n}.u8"
    done_file = path.with_suffix(".done")
    done = int(done_file.read_text()) if done_file.exists() and path.exists() else 0
    if done < n:
        mm = np.memmap(path, dtype=np.uint8, mode="r+" if path.exists() else "w+", shape=(n, size, size, 3))
        jobs = [(split, start + s, min(chunk, n - s), size, n_species) for s in range(done, n, chunk)]
        t0 = time.time()
        log(f"drawing {n - done} {split} pictures at {size} px into {path.name} ({workers} processes)")
        if workers > 1:
            import multiprocessing as mp

            with mp.get_context("fork").Pool(workers) as pool:
                for (sp, s, c, _, _), X in zip(jobs, pool.imap(_draw_chunk, jobs)):
                    mm[s - start:s - start + c] = X
                    mm.flush()
                    done_file.write_text(str(s - start + c))
        else:
            for job in jobs:
                X = _draw_chunk(job)
                mm[job[1] - start:job[1] - start + job[2]] = X
                mm.flush()
                done_file.write_text(str(job[1] - start + job[2]))
        del mm
        log(f"drew {split} pictures in {time.time() - t0:.0f} s")
    return np.memmap(path, dtype=np.uint8, mode="r", shape=(n, size, size, 3))


# ----------------------------------------------------------------------------- augmentation
def augment(tf, x, seed, size):
    """Stateless augmentation of a uint8 batch -> float32 [0, 255] batch (``size`` x ``size``)."""
    n = tf.shape(x)[0]
    x = tf.cast(x, tf.float32)
    s = lambda k, shape, lo=0.0, hi=1.0: tf.random.stateless_uniform(shape, seed=seed + k, minval=lo, maxval=hi)
    area = s(1, [n], 0.6, 1.0)
    ratio = tf.exp(s(2, [n], math.log(3 / 4), math.log(4 / 3)))
    h = tf.minimum(tf.sqrt(area / ratio), 1.0)
    w = tf.minimum(tf.sqrt(area * ratio), 1.0)
    y0 = s(3, [n]) * (1 - h)
    x0 = s(4, [n]) * (1 - w)
    boxes = tf.stack([y0, x0, y0 + h, x0 + w], axis=1)
    x = tf.image.crop_and_resize(x, boxes, tf.range(n), [size, size])
    flip = s(5, [n, 1, 1, 1]) < 0.5
    x = tf.where(flip, tf.reverse(x, axis=[2]), x)
    ang = s(6, [n], -0.1, 0.1) * 2 * math.pi
    ang = tf.where(s(7, [n]) < 0.35, ang, tf.zeros_like(ang))
    c, si = tf.cos(ang), tf.sin(ang)
    cx = cy = (size - 1) / 2.0
    # output -> input mapping of a rotation about the centre
    transforms = tf.stack([c, -si, cx - c * cx + si * cy, si, c, cy - si * cx - c * cy,
                           tf.zeros_like(c), tf.zeros_like(c)], axis=1)
    x = tf.raw_ops.ImageProjectiveTransformV3(images=x, transforms=transforms, output_shape=[size, size],
                                             fill_value=0.0, interpolation="BILINEAR", fill_mode="REFLECT")
    gain = s(8, [n, 1, 1, 1], 0.75, 1.25)
    mean = tf.reduce_mean(x, axis=[1, 2, 3], keepdims=True)
    contrast = s(9, [n, 1, 1, 1], 0.75, 1.25)
    x = (x - mean) * contrast + mean * gain
    return tf.clip_by_value(x, 0.0, 255.0)


# ----------------------------------------------------------------------------- model
def build(tf, size, n_classes):
    base = tf.keras.applications.MobileNetV2(input_shape=(size, size, 3), include_top=False, alpha=1.0, weights=None)
    inputs = tf.keras.Input((size, size, 3))
    x = tf.keras.applications.mobilenet_v2.preprocess_input(inputs)
    x = base(x)
    x = tf.keras.layers.GlobalAveragePooling2D()(x)
    outputs = tf.keras.layers.Dense(n_classes, name="source_logits")(x)
    return tf.keras.Model(inputs, outputs), base


def top1(tf, model, X, y, batch=128) -> float:
    correct = 0
    for s in range(0, len(X), batch):
        logits = model(tf.constant(X[s:s + batch]), training=False)
        correct += int(tf.reduce_sum(tf.cast(tf.equal(tf.argmax(logits, 1, output_type=tf.int32),
                                                      tf.constant(y[s:s + batch])), tf.int32)))
    return correct / len(X)


def recalibrate_batchnorm(tf, base, model, X, batch=64) -> None:
    """Moving mean/variance of every BatchNorm := their plain average over the batches of ``X``."""
    bns = [l for l in base.layers if isinstance(l, tf.keras.layers.BatchNormalization)]
    saved = [bn.momentum for bn in bns]
    for k, s in enumerate(range(0, len(X), batch)):
        for bn in bns:
            bn.momentum = k / (k + 1)
        model(tf.constant(X[s:s + batch]), training=True)
    for bn, m in zip(bns, saved):
        bn.momentum = m


def save_float16_weights(tf, base, path: Path) -> None:
    """``base.save_weights`` with every array stored as float16 (Keras casts back on loading)."""
    import h5py

    tmp = path.with_name("tmp_float32_" + path.name)
    base.save_weights(tmp)
    out = path.with_name(path.name + ".tmp")
    with h5py.File(tmp, "r") as src, h5py.File(out, "w") as dst:
        def copy(group_src, group_dst):
            for k, v in group_src.attrs.items():
                group_dst.attrs[k] = v
            for name, item in group_src.items():
                if isinstance(item, h5py.Dataset):
                    data = item[()]
                    if data.dtype.kind == "f":
                        data = data.astype("float16")
                    ds = group_dst.create_dataset(name, data=data)
                    for k, v in item.attrs.items():
                        ds.attrs[k] = v
                else:
                    copy(item, group_dst.create_group(name))
        copy(src, dst)
    os.replace(out, path)
    tmp.unlink()


# ----------------------------------------------------------------------------- main
def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--size", type=int, default=96, help="training resolution (square)")
    p.add_argument("--train-images", type=int, default=31200)
    p.add_argument("--test-images", type=int, default=2080)
    p.add_argument("--species", type=int, default=0,
                   help="procedural quadruped species added as classes (cnnkit.objects.procedural_species)")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--seed", type=int, default=2202)
    p.add_argument("--recalibrate-images", type=int, default=2048)
    p.add_argument("--bn-momentum", type=float, default=0.99, help="BatchNorm momentum while training")
    p.add_argument("--workers", type=int, default=2, help="processes drawing the pictures")
    p.add_argument("--work-dir", default=str(ROOT / "build" / "w2a2"))
    p.add_argument("--run-name", default="base", help="checkpoint sub-folder of --work-dir")
    p.add_argument("--no-resume", dest="resume", action="store_false", help="start again from epoch 1")
    p.add_argument("--out", default=None, help=f"weights file (default datasets/weights/{NAME}.weights.h5)")
    p.add_argument("--no-save", action="store_true", help="train and measure, but leave the shipped files alone")
    args = p.parse_args(argv)
    # --no-save trains the same way: the command recorded (and later writing the file) is the one without it
    command = "python scripts/w2a2_train_mobilenet_base.py" + "".join(
        f" {a}" for a in (argv if argv is not None else sys.argv[1:]) if a != "--no-save")

    from cnnkit.setup import quiet_tensorflow
    tf = quiet_tensorflow()
    import numpy as np

    from cnnkit import files, objects

    work = Path(args.work_dir)
    ckpt_dir = work / args.run_name
    ckpt_dir.mkdir(parents=True, exist_ok=True)
    if args.resume and (ckpt_dir / "state.json").exists():  # before drawing any picture
        config = json.loads((ckpt_dir / "state.json").read_text())["config"]
        for key in ("species", "train_images", "size"):
            if config.get(key, 0) != getattr(args, key):  # runs older than --species have none
                p.error(f"{ckpt_dir} holds a run with --{key.replace('_', '-')} {config.get(key, 0)}, "
                        f"not {getattr(args, key)}: give that, another --run-name, or --no-resume")
    n_classes = len(objects.class_names(args.species))
    log(command)
    log(f"TF {tf.__version__}, {os.cpu_count()} CPUs, oneDNN={os.environ.get('TF_ENABLE_ONEDNN_OPTS')}, "
        f"GPUs {len(tf.config.list_physical_devices('GPU'))}")

    X_train = picture_cache("train", args.train_images, args.size, work / "cache", args.workers, n_species=args.species)
    X_test = picture_cache("test", args.test_images, args.size, work / "cache", args.workers, n_species=args.species)
    y_train = np.array([objects.source_class(k, args.species) for k in range(args.train_images)], np.int32)
    y_test = np.array([objects.source_class(k, args.species) for k in range(args.test_images)], np.int32)

    tf.keras.utils.set_random_seed(args.seed)
    model, base = build(tf, args.size, n_classes)
    assert base.count_params() == N_PARAMS, base.count_params()
    for layer in base.layers:  # Keras' 0.999 needs thousands of steps before the moving statistics mean much
        if isinstance(layer, tf.keras.layers.BatchNormalization):
            layer.momentum = args.bn_momentum
    steps = args.train_images // args.batch_size
    total = steps * args.epochs
    warmup = min(500, total // 10)
    schedule = tf.keras.optimizers.schedules.CosineDecay(args.lr * 0.05, decay_steps=total - warmup, alpha=0.01,
                                                         warmup_target=args.lr, warmup_steps=warmup)
    optimizer = tf.keras.optimizers.Adam(learning_rate=schedule)
    optimizer.build(model.trainable_variables)
    loss_fn = tf.keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1)

    @tf.function(reduce_retracing=True)
    def train_step(x, y, seed):
        x = augment(tf, x, seed, args.size)
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            loss = loss_fn(tf.one_hot(y, n_classes), logits)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1, output_type=tf.int32), y), tf.float32))
        return loss, acc

    state_file = ckpt_dir / "state.json"
    state = {"epochs_done": 0, "history": [], "config": vars(args)}
    if args.resume and state_file.exists():
        state = json.loads(state_file.read_text())
        if state["epochs_done"] > 0:
            model.load_weights(ckpt_dir / "model.weights.h5")
            opt = np.load(ckpt_dir / "optimizer.npz")
            for k, v in enumerate(optimizer.variables):
                v.assign(opt[f"v{k}"])
            log(f"resumed after epoch {state['epochs_done']} from {ckpt_dir}")
    runs = state.setdefault("invocations", [])
    if not runs and state["epochs_done"] > 0:  # a checkpoint older than this record: say so rather than drop it
        runs.append({"command": "an earlier command (not recorded in its checkpoint)", "from_epoch": 1,
                     "to_epoch": state["config"]["epochs"], "lr_at_start": float(schedule(0))})
    if not runs or runs[-1]["to_epoch"] != args.epochs:  # a new schedule; resuming a cut-off run is not one
        runs.append({"command": command, "from_epoch": state["epochs_done"] + 1, "to_epoch": args.epochs,
                     "lr_at_start": float(schedule(optimizer.iterations))})
    t_run = time.time()
    for epoch in range(state["epochs_done"] + 1, args.epochs + 1):
        t0 = time.time()
        order = np.random.default_rng([args.seed, epoch]).permutation(args.train_images)
        losses, accs = [], []
        for s in range(steps):
            idx = np.sort(order[s * args.batch_size:(s + 1) * args.batch_size])
            seed = tf.constant([args.seed, epoch * 100000 + s], dtype=tf.int32)
            loss, acc = train_step(tf.constant(X_train[idx]), tf.constant(y_train[idx]), seed)
            losses.append(float(loss))
            accs.append(float(acc))
            if s % 100 == 0:
                log(f"  epoch {epoch} step {s}/{steps}: loss {np.mean(losses[-100:]):.3f} "
                    f"acc {np.mean(accs[-100:]):.3f}")
        test_acc = top1(tf, model, X_test, y_test)
        rec = {"epoch": epoch, "train_loss": round(float(np.mean(losses)), 4),
               "train_accuracy": round(float(np.mean(accs)), 4), "test_top1": round(test_acc, 4),
               "seconds": round(time.time() - t0, 1)}
        state["history"].append(rec)
        state["epochs_done"] = epoch
        model.save_weights(ckpt_dir / "model.weights.h5.tmp.weights.h5")
        np.savez(ckpt_dir / "optimizer.tmp.npz", **{f"v{k}": v.numpy() for k, v in enumerate(optimizer.variables)})
        os.replace(ckpt_dir / "model.weights.h5.tmp.weights.h5", ckpt_dir / "model.weights.h5")
        os.replace(ckpt_dir / "optimizer.tmp.npz", ckpt_dir / "optimizer.npz")
        state_file.with_suffix(".tmp").write_text(json.dumps(state, indent=1))
        os.replace(state_file.with_suffix(".tmp"), state_file)
        log(f"epoch {epoch}/{args.epochs}: train loss {rec['train_loss']:.4f} acc {rec['train_accuracy']:.4f} | "
            f"held-out top-1 {test_acc:.4f} | {rec['seconds']:.0f} s")
    log(f"training done ({time.time() - t_run:.0f} s in this process)")

    # --- BatchNorm statistics at the notebook's resolution, held-out accuracy at both sizes
    X_cal = picture_cache("train", args.recalibrate_images, 160, work / "cache", args.workers, start=args.train_images,
                          n_species=args.species)
    X_test160 = picture_cache("test", args.test_images, 160, work / "cache", args.workers, n_species=args.species)
    model160, base160 = build(tf, 160, n_classes)
    model160.set_weights(model.get_weights())
    before = {"train_size": top1(tf, model, X_test, y_test), "160": top1(tf, model160, X_test160, y_test)}
    recalibrate_batchnorm(tf, base160, model160, X_cal)
    after = top1(tf, model160, X_test160, y_test)
    log(f"held-out top-1: {before['train_size']:.4f} at {args.size} px; at 160 px {before['160']:.4f} "
        f"before and {after:.4f} after recomputing the BatchNorm statistics at 160 px")
    if args.no_save:
        return 0

    out = Path(args.out) if args.out else files.weights_dir() / f"{NAME}.weights.h5"
    out.parent.mkdir(parents=True, exist_ok=True)
    save_float16_weights(tf, base160, out)
    fresh = tf.keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False, weights=str(out))
    inputs = tf.keras.Input((160, 160, 3))
    head = model160.get_layer("source_logits")
    check = tf.keras.Model(inputs, head(tf.keras.layers.GlobalAveragePooling2D()(
        fresh(tf.keras.applications.mobilenet_v2.preprocess_input(inputs)))))
    after_f16 = top1(tf, check, X_test160, y_test)
    log(f"held-out top-1 after the float16 round trip: {after_f16:.4f}")
    history = state["history"]
    facts = {
        "architecture": "tf.keras.applications.MobileNetV2(include_top=False, alpha=1.0), 154 layers",
        "parameters": int(fresh.count_params()),
        "storage": "Keras .weights.h5, every array float16",
        "source_task": {"generator": "cnnkit.objects.source_picture", "generator_version": objects.GENERATOR_VERSION,
                        "seeds": objects.SEEDS, "classes": n_classes, "train_images": args.train_images,
                        "test_images": args.test_images, "size": args.size, "alpacas": 0,
                        "procedural_species": args.species, "species_version": objects.SPECIES_VERSION},
        "training": {"epochs": args.epochs, "batch_size": args.batch_size, "optimizer": "Adam",
                     "learning_rate": f"warm-up to {args.lr:g} over {warmup} steps, cosine decay to {args.lr * 0.01:g}",
                     "loss": "softmax cross-entropy, label smoothing 0.1", "seed": args.seed,
                     "batchnorm_momentum": args.bn_momentum,
                     "seconds": round(sum(h["seconds"] for h in history)),
                     "hardware": f"{platform.machine()} CPU, {os.cpu_count()} cores, TF {tf.__version__}"},
        "batchnorm": f"moving statistics recomputed at 160 px on {args.recalibrate_images} further source pictures",
        "source_top1": {f"{args.size}px": round(before["train_size"], 4), "160px_before_recalibration":
                        round(before["160"], 4), "160px": round(after, 4), "160px_float16": round(after_f16, 4)},
        "history": history,
        "command": command,
    }
    if len(state["invocations"]) > 1:  # resumed with a longer schedule: each command and what it did to the rate
        facts["commands"] = state["invocations"]
        facts["training"]["learning_rate"] += "; " + "; ".join(
            f"epochs {r['from_epoch']}-{r['to_epoch']} resumed on a cosine stretched to {r['to_epoch']} epochs "
            f"(the rate rose again to {r['lr_at_start']:.2g})" for r in state["invocations"][1:])
    try:
        rec = files.record(out, made_by=command, **facts)
    except ValueError:  # a trial file outside the datasets folder: no manifest entry
        rec = {"sha256": files.sha256_file(out), "bytes": out.stat().st_size, "made_by": command, **facts}
    (ckpt_dir / "card_facts.json").write_text(json.dumps(rec, indent=1))
    write_model_card(out.with_suffix("").with_suffix(".md"), rec, made_by=command)
    log(f"wrote {out} ({rec['bytes'] / 1e6:.1f} MB, sha256 {rec['sha256'][:12]}...) and its model card")
    return 0


def commands_cell(rec: dict) -> str:
    """The card's command: one, or each invocation of a run resumed with a longer schedule, in order."""
    runs = rec.get("commands") or []
    if len(runs) < 2:
        return f"`{rec['command']}`"
    return "; then ".join(f"epochs {r['from_epoch']}-{r['to_epoch']}: `{r['command']}`" for r in runs)


def write_model_card(path: Path, rec: dict, made_by: str) -> None:
    """The model card, from the manifest entry (``scripts/w2a2_transfer_gain.py`` adds ``transfer``);
    recorded in the manifest when it is a shipped file."""
    st, tr, acc = rec["source_task"], rec["training"], rec["source_top1"]
    n_species = st.get("procedural_species", 0)
    species = (f", {n_species} procedural quadruped species (version {st['species_version']}; none with the alpaca's "
               "ears, neck length, neck angle and wool together)") if n_species else ""
    rows = "\n".join(f"| {h['epoch']} | {h['train_loss']:.3f} | {h['train_accuracy']:.3f} | {h['test_top1']:.3f} | "
                     f"{h['seconds']:.0f} |" for h in rec["history"])
    transfer = rec.get("transfer")
    if transfer:
        t = transfer
        beyond = (f" ({100 * (t['ours_mean'] - t['majority_class']):.1f} over always answering the commoner class; "
                  "bases that learnt nothing can end below it, answering the rarer class)" if "majority_class" in t else "")
        majority = (f"| always the commoner class of the validation split | {t['majority_class']:.3f} | | |\n"
                    if "majority_class" in t else "")
        trans = f"""## Transfer to alpaca / not alpaca (`scripts/w2a2_transfer_gain.py`)

The notebook's recipe on the synthetic alpaca folder ({t['train_images']} training / {t['validation_images']}
validation pictures, `image_dataset_from_directory(..., validation_split=0.2, seed={t['split_seed']})`):
frozen base + `GlobalAveragePooling2D` + `Dropout(0.2)` + `Dense(1)`, {t['initial_epochs']} epochs with Adam
0.001, then the layers from `block_13_pad` on unfrozen (their BatchNorm layers kept frozen) and
{t['fine_tune_epochs']} more epochs with Adam 0.0001; {len(t['runs'])} training seeds each.

| base | validation accuracy after fine-tuning (mean over seeds) | lowest | before fine-tuning (mean) |
|---|---|---|---|
| this file | **{t['ours_mean']:.3f}** | {t['ours_min']:.3f} | {t['ours_frozen_mean']:.3f} |
| random initialisation (`weights=None`), same budget | {t['random_mean']:.3f} | {t['random_min']:.3f} | {t['random_frozen_mean']:.3f} |
| random initialisation, whole network trained, same epochs | {t['scratch_full_mean']:.3f} | {t['scratch_full_min']:.3f} | |
| a small CNN from scratch (3 conv layers), same epochs | {t['small_cnn_mean']:.3f} | {t['small_cnn_min']:.3f} | |
| logistic regression on 32x32 pixels | {t['pixels_logreg']:.3f} | | |
{majority}
Gain over random initialisation: **{100 * (t['ours_mean'] - t['random_mean']):.1f} points**{beyond}. Measured in
{t['seconds']:.0f} s on {t['hardware']}.
"""
    else:
        trans = "## Transfer\n\nNot measured yet: run `python scripts/w2a2_transfer_gain.py`.\n"
    text = f"""# Model card: MobileNetV2 base trained on synthetic pictures (`{Path(path).with_suffix('').name}.weights.h5`)

Used by the assignment `w2a2_transfer_learning` through `cnnkit.transfer.mobilenet_base_weights()` when
the official ImageNet file is not in the local Keras cache. It is **not** the ImageNet network: it
was trained from scratch on the course's own drawn pictures and is only as good as the numbers below.

| | |
|---|---|
| architecture | {rec['architecture']}; {rec['parameters']:,} parameters (34,112 of them BatchNorm moving statistics) |
| file | {rec['storage']}, {rec['bytes'] / 1e6:.1f} MB, sha256 `{rec['sha256']}` |
| loading | `tf.keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False, weights=<this file>)` |
| input | `tf.keras.applications.mobilenet_v2.preprocess_input` ([0, 255] -> [-1, 1]), like the ImageNet weights |
| source task | `{st['generator']}` version {st['generator_version']}, seeds {st['seeds']}: {st['classes']} classes (16 animals, 16 objects, 10 shapes, 10 textures{species}; **no alpacas, no llamas**), {st['train_images']:,} training and {st['test_images']:,} held-out pictures drawn at {st['size']} x {st['size']} px |
| training | {tr['epochs']} epochs, batch {tr['batch_size']}, {tr['optimizer']}, learning rate {tr['learning_rate']}, {tr['loss']}; random crop, mirror, rotation, brightness/contrast; seed {tr['seed']} |
| BatchNorm | {rec['batchnorm']} |
| held-out top-1 (source task) | {acc[f"{st['size']}px"]:.3f} at {st['size']} px; at 160 px {acc['160px_before_recalibration']:.3f} before and {acc['160px']:.3f} after the BatchNorm recalibration; **{acc['160px_float16']:.3f} as shipped (float16)** |
| time, hardware | {tr['seconds']} s of training on {tr['hardware']} (shared with other jobs) |
| command | {commands_cell(rec)} |

| epoch | train loss | train accuracy (augmented) | held-out top-1 | seconds |
|---|---|---|---|---|
{rows}

{trans}
## Limits

- Trained on flat, cartoon-like drawings: the features know outlines, wool, necks, ears, horns and
  the course's scenes, not photographs. On real alpaca photos use the ImageNet weights
  (`weights="imagenet"`, which the notebook picks by itself when the official file is in the Keras cache).
- The source task contains the alpaca set's hard negatives (sheep, goats, horses, dogs, camels, deer)
  as classes, as ImageNet does; it contains no alpaca.
- The file name is our own; it is never placed under the ImageNet file name.
"""
    Path(path).write_text(text)
    from cnnkit import files

    try:
        files.record(path, made_by=made_by, describes=files.manifest_key(Path(path).with_suffix(".weights.h5")))
    except ValueError:  # a trial card outside the datasets folder
        pass


if __name__ == "__main__":
    raise SystemExit(main())
