"""Train the w2a1 ResNet-50 on synthetic SIGNS and write the course's shipped weights.

    nice -n 19 .venv/bin/python scripts/w2a1_train_resnet50.py --epochs 12 --log build/resnet50_train.log

Writes ``datasets/weights/resnet50_signs.npz`` (int8 kernels with per-channel scales,
float32 BatchNorm statistics and biases; see ``cnnkit.weights``), the layer graph as a Keras
model config ``resnet50_signs.keras.json`` (so that students get the trained network without
a Python builder of the graded architecture), the model card ``resnet50_signs.md``, and the
manifest entries of all three (sha256, training record, accuracies).  The test accuracy in
the card is measured on a fresh model loaded from the written files, i.e. after quantisation.

Training: the instructor-side reference ``grading.w2a1.reference.ResNet50`` (the layers of
the notebook's ``ResNet50``), Adam with a cosine-decayed learning rate, batch 32, a fixed number
of epochs (the last epoch's weights are shipped: the test set is only reported, never used
to choose), and light augmentation (random shifts of up to 4 pixels and mirror images: a
mirrored hand shows the same number of fingers).  ``--epochs`` and ``--subset`` allow a
quick timing run (``--no-save`` then keeps the shipped files untouched).
"""
from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")


def log(msg: str, stream=None) -> None:
    line = f"[{datetime.datetime.now():%H:%M:%S}] {msg}"
    print(line, flush=True)
    if stream is not None:
        stream.write(line + "\n")
        stream.flush()


def augment_batch(tf, x, seed):
    """Random mirror and shift (pad 4 with edge pixels, crop 64x64) of a batch, stateless in ``seed``."""
    n = tf.shape(x)[0]
    flip = tf.random.stateless_uniform([n, 1, 1, 1], seed=seed) < 0.5
    x = tf.where(flip, tf.reverse(x, axis=[2]), x)
    padded = tf.pad(x, [[0, 0], [4, 4], [4, 4], [0, 0]], mode="SYMMETRIC")
    offsets = tf.random.stateless_uniform([n, 2], seed=seed + 1, minval=0, maxval=9, dtype=tf.int32)
    rows = offsets[:, :1] + tf.range(64)[None, :]
    cols = offsets[:, 1:] + tf.range(64)[None, :]
    x = tf.gather(padded, rows, axis=1, batch_dims=1)
    x = tf.gather(x, cols, axis=2, batch_dims=1)
    return x


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--seed", type=int, default=2021)
    p.add_argument("--no-augment", action="store_true")
    p.add_argument("--subset", type=int, default=0, help="train on the first N images only (timing runs)")
    p.add_argument("--out", default=None, help="output .npz (default datasets/weights/resnet50_signs.npz)")
    p.add_argument("--no-save", action="store_true", help="do not write weights (timing runs)")
    p.add_argument("--checkpoint", default=str(ROOT / "build" / "resnet50_signs_checkpoint.weights.h5"))
    p.add_argument("--log", default=None, help="also append progress lines to this file")
    p.add_argument("--recalibrate-bn", action="store_true",
                   help="after training, replace BatchNorm moving statistics by their average over the training set")
    p.add_argument("--from-checkpoint", action="store_true",
                   help="skip training: load --checkpoint (and the log's history is not repeated), then finish")
    args = p.parse_args(argv)

    stream = None
    if args.log:
        Path(args.log).parent.mkdir(parents=True, exist_ok=True)
        stream = open(args.log, "a")
    command = "python scripts/w2a1_train_resnet50.py " + " ".join(argv if argv is not None else sys.argv[1:])

    from cnnkit.setup import quiet_tensorflow
    tf = quiet_tensorflow()
    import numpy as np

    from cnnkit import data, files, weights
    from cnnkit.resnet import RESNET50_SIGNS
    from grading.w2a1.reference import ResNet50

    X_train_orig, Y_train_orig, X_test_orig, Y_test_orig, classes = data.load_signs_dataset()
    X_train = (X_train_orig / 255.0).astype(np.float32)
    X_test = (X_test_orig / 255.0).astype(np.float32)
    Y_train = data.convert_to_one_hot(Y_train_orig, 6).T.astype(np.float32)
    Y_test = data.convert_to_one_hot(Y_test_orig, 6).T.astype(np.float32)
    if args.subset:
        X_train, Y_train = X_train[:args.subset], Y_train[:args.subset]
    m = len(X_train)
    steps = -(-m // args.batch_size)
    log(f"{command}", stream)
    log(f"train {X_train.shape}, test {X_test.shape}; {args.epochs} epochs x {steps} steps; "
        f"TF {tf.__version__}, oneDNN={os.environ.get('TF_ENABLE_ONEDNN_OPTS')}, "
        f"threads intra={tf.config.threading.get_intra_op_parallelism_threads()}", stream)

    tf.keras.utils.set_random_seed(args.seed)
    model = ResNet50((64, 64, 3), 6)
    schedule = tf.keras.optimizers.schedules.CosineDecay(args.lr, decay_steps=args.epochs * steps, alpha=0.02)
    optimizer = tf.keras.optimizers.Adam(learning_rate=schedule)
    loss_fn = tf.keras.losses.CategoricalCrossentropy()
    model.compile(optimizer=optimizer, loss=loss_fn, metrics=["accuracy"])

    @tf.function(reduce_retracing=True)
    def train_step(x, y, seed):
        if not args.no_augment:
            x = augment_batch(tf, x, seed)
        with tf.GradientTape() as tape:
            p_ = model(x, training=True)
            loss = loss_fn(y, p_)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        acc = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(p_, 1), tf.argmax(y, 1)), tf.float32))
        return loss, acc

    rng = np.random.default_rng(args.seed)
    t_start = time.time()
    history = []
    if args.from_checkpoint:
        model.load_weights(args.checkpoint)
        history = history_from_log(args.log) if args.log else []
        log(f"loaded {args.checkpoint} instead of training ({len(history)} epochs in the log)", stream)
    for epoch in range(1, 0 if args.from_checkpoint else args.epochs + 1):
        t0 = time.time()
        order = rng.permutation(m)
        losses, accs, sizes = [], [], []
        for s in range(steps):
            idx = order[s * args.batch_size:(s + 1) * args.batch_size]
            seed = tf.constant([args.seed, epoch * 10000 + s], dtype=tf.int32)
            loss, acc = train_step(tf.constant(X_train[idx]), tf.constant(Y_train[idx]), seed)
            losses.append(float(loss))
            accs.append(float(acc))
            sizes.append(len(idx))
        train_loss = float(np.average(losses, weights=sizes))
        train_acc = float(np.average(accs, weights=sizes))
        test_loss, test_acc = model.evaluate(X_test, Y_test, batch_size=120, verbose=0)
        dt = time.time() - t0
        history.append({"epoch": epoch, "train_loss": round(train_loss, 4), "train_accuracy": round(train_acc, 4),
                        "test_accuracy": round(float(test_acc), 4), "seconds": round(dt, 1)})
        log(f"epoch {epoch}/{args.epochs}: train loss {train_loss:.4f} acc {train_acc:.4f} | test loss "
            f"{test_loss:.4f} acc {test_acc:.4f} | {dt:.1f} s", stream)
        if args.checkpoint:
            Path(args.checkpoint).parent.mkdir(parents=True, exist_ok=True)
            model.save_weights(args.checkpoint)
    train_seconds = time.time() - t_start
    if args.from_checkpoint:
        train_seconds = sum(h["seconds"] for h in history)
        command = history_command(args.log) or command
    if args.recalibrate_bn:
        _, before = model.evaluate(X_test, Y_test, batch_size=120, verbose=0)
        recalibrate_batchnorm(tf, model, X_train, args.batch_size)
        log(f"BatchNorm statistics recalibrated on the training set (test accuracy {before:.4f} before)", stream)
    _, float_acc = model.evaluate(X_test, Y_test, batch_size=120, verbose=0)
    log(f"trained in {train_seconds:.0f} s; float32 test accuracy {float_acc:.4f}", stream)
    if args.no_save:
        return 0

    out = Path(args.out) if args.out else files.weights_dir() / f"{RESNET50_SIGNS}.npz"
    config = out.with_name(out.name.replace(".npz", ".keras.json"))
    shipped = out.parent.resolve() == files.weights_dir().resolve()
    record = {
        "architecture": f"{config.name} (the notebook's ResNet50((64, 64, 3), 6))",
        "data": {"generator": "cnnkit.signs synthetic SIGNS", "generator_version": data.GENERATOR_VERSION,
                 "dataset_seed": data.DATASET_SPECS["signs"]["seed"], "train": int(m), "test": int(len(X_test))},
        "training": {"epochs": args.epochs, "batch_size": args.batch_size, "optimizer": "Adam",
                     "learning_rate": f"{args.lr:g}, cosine decay to {args.lr * 0.02:g}",
                     "augmentation": "none" if args.no_augment else "random mirror + shift up to 4 px",
                     "batchnorm_recalibration": bool(args.recalibrate_bn),
                     "seed": args.seed, "seconds": round(train_seconds),
                     "hardware": f"{platform.machine()} CPU, {os.cpu_count()} cores, "
                                 f"TF {tf.__version__} (oneDNN {os.environ.get('TF_ENABLE_ONEDNN_OPTS')})",
                     "command": command},
        "test_accuracy_float32": round(float(float_acc), 4),
    }
    config.write_text(model.to_json(sort_keys=True) + "\n")
    made_by = command if shipped else None  # files outside datasets/weights are not in the manifest
    card = weights.save_quantized(model, out, made_by=made_by, **record)
    fresh = tf.keras.models.model_from_json(config.read_text())
    weights.load_quantized(fresh, out)  # verified against the manifest when shipped, as students load it
    fresh.compile(loss="categorical_crossentropy", metrics=["accuracy"])
    _, q_acc = fresh.evaluate(X_test, Y_test, batch_size=120, verbose=0)
    record["test_accuracy_after_quantization"] = round(float(q_acc), 4)
    if shipped:
        layout = {k: v for k, v in card.items() if k not in ("sha256", "bytes")}
        files.record(out, made_by=command, model_card=files.manifest_key(out.with_suffix(".md")), **layout, **record)
    log(f"wrote {out} ({card['bytes'] / 1e6:.1f} MB, sha256 {card['sha256'][:12]}...); test accuracy after "
        f"int8 round trip {q_acc:.4f}", stream)
    write_model_card(out.with_suffix(".md"), {**card, **record, "file": out.name}, history)
    if shipped:
        files.record(config, made_by=command, note="Keras model config (model.to_json()) of the reference ResNet50")
        files.record(out.with_suffix(".md"), made_by=command)
    return 0


_EPOCH = re.compile(r"epoch (\d+)/(\d+): train loss ([\d.]+) acc ([\d.]+) \| test loss [\d.]+ acc ([\d.]+) \| "
                    r"([\d.]+) s")


def history_from_log(path) -> list:
    """Epoch records of the last complete training run in a log written by this script."""
    history = []
    for line in Path(path).read_text().splitlines():
        m = _EPOCH.search(line)
        if m:
            epoch = int(m.group(1))
            if epoch == 1:
                history = []
            history.append({"epoch": epoch, "train_loss": float(m.group(3)), "train_accuracy": float(m.group(4)),
                            "test_accuracy": float(m.group(5)), "seconds": float(m.group(6))})
    return history


def history_command(path) -> str | None:
    """The command line of the last training run in the log, with --recalibrate-bn added."""
    lines = [ln.split("] ", 1)[1] for ln in Path(path).read_text().splitlines()
             if "] python scripts/w2a1_train_resnet50.py" in ln and "--from-checkpoint" not in ln]
    return (lines[-1] + " --recalibrate-bn") if lines else None


def recalibrate_batchnorm(tf, model, X, batch_size: int) -> None:
    """Set every BatchNorm's moving mean/variance to the average of its batch statistics over ``X``.

    With momentum 0.99 and a few hundred Adam steps the moving averages lag behind the
    weights; this pass (eager, training mode, no weight update) makes them the plain average
    over one sweep of the un-augmented training set: momentum (k-1)/k at the k-th batch.
    """
    bns = [layer for layer in model.layers if isinstance(layer, tf.keras.layers.BatchNormalization)]
    saved = [bn.momentum for bn in bns]
    steps = -(-len(X) // batch_size)
    for k in range(steps):
        for bn in bns:
            bn.momentum = k / (k + 1)
        model(tf.constant(X[k * batch_size:(k + 1) * batch_size]), training=True)
    for bn, m in zip(bns, saved):
        bn.momentum = m


def write_model_card(path: Path, card: dict, history: list) -> None:
    tr, d = card["training"], card["data"]
    rows = "\n".join(f"| {h['epoch']} | {h['train_loss']:.4f} | {h['train_accuracy']:.4f} | {h['test_accuracy']:.4f} "
                     f"| {h['seconds']:.0f} |" for h in history)
    text = f"""# Model card: ResNet-50 on synthetic SIGNS (`{card['file']}`)

Used by `cnnkit.resnet.load_pretrained_resnet50()` in the assignment `w2a1_resnets`: the architecture
comes from the Keras model config `resnet50_signs.keras.json`, the weights from `resnet50_signs.npz`.

| | |
|---|---|
| architecture | the notebook's `ResNet50((64, 64, 3), 6)`: 177 layers, {card['n_parameters']:,} parameters (built by the reference `grading.w2a1.reference.ResNet50` when the script trains; saved as a Keras config) |
| data | {d['generator']} (generator version {d['generator_version']}, dataset seed {d['dataset_seed']}): {d['train']} training and {d['test']} test images, pixels / 255 |
| augmentation | {tr['augmentation']} |
| BatchNorm statistics | {"recomputed after training as the average over one pass of the training set" if tr.get('batchnorm_recalibration') else "moving averages from training (momentum 0.99)"} |
| training | {tr['epochs']} epochs, batch {tr['batch_size']}, {tr['optimizer']}, learning rate {tr['learning_rate']}, seed {tr['seed']} |
| time, hardware | {tr['seconds']} s wall-clock on {tr['hardware']}, shared with other jobs (about 55 s per epoch when the machine was otherwise idle) |
| test accuracy, float32 | {card['test_accuracy_float32']:.4f} |
| **test accuracy, as shipped** (int8 round trip) | **{card['test_accuracy_after_quantization']:.4f}** |
| storage | `{card['format']}`: Conv2D/Dense kernels as int8 with one float32 scale per output channel, biases and BatchNorm parameters/statistics as float32; {card['bytes'] / 1e6:.1f} MB instead of about 94 MB in float32 |
| sha256 | `{card['sha256']}` (checked on load against `datasets/MANIFEST.json`) |

The shipped weights are those after the last epoch; the test set was evaluated after each
epoch for this log only and was not used to choose anything.  Re-create the files with:

```bash
{tr['command'].replace('python ', 'nice -n 19 .venv/bin/python ', 1)}
```

(Results vary slightly between machines and TensorFlow builds; the accuracy should land
within about a percentage point.)

| epoch | train loss | train accuracy | test accuracy | seconds |
|---|---|---|---|---|
{rows}
"""
    path.write_text(text)


if __name__ == "__main__":
    raise SystemExit(main())
