"""Train the course's mini-VGG19 (w4a2) on textured shapes and ship it with its model card.

    cd /work/main && nohup nice -n 10 .venv/bin/python scripts/w4a2_train_vgg19_mini.py > build/w4a2/train.log 2>&1 &

What it does
------------
1. Draws the task (``cnnkit.textures``): ``--n-train`` training and ``--n-test`` held-out
   64x64 pictures of a shape (8 classes) filled with a texture (12 classes) on a background
   of another texture; cached under ``build/w4a2/`` (a few hundred MB).
2. Trains the VGG19 layer list of ``cnnkit.nst.mini_vgg19`` (widths ``MINI_WIDTHS``) with a
   BatchNormalization after every convolution (a 16-conv plain network trains badly
   without it), global average pooling and two softmax heads (shape, texture).  Adam
   with cosine decay, batch 64, random flips and quarter turns (both labels are invariant).
   A checkpoint (weights, optimizer state, history) is written after every epoch to
   ``build/w4a2/vgg19_mini_ckpt.npz``; a new run resumes from it (``--no-resume`` starts over).
3. Folds each BatchNormalization into its convolution (``W' = W gamma / sqrt(var + eps)``,
   ``b' = (b - mean) gamma / sqrt(var + eps) + beta``): the result is exactly the plain VGG19
   architecture (3x3 "same" ReLU convolutions with bias, max-pools).
4. Normalises the activations as Gatys et al. did for VGG19: every channel of every
   convolution is scaled so that its mean activation over ``--norm-images`` training pictures
   is 1, and the next layer (or the heads) divides by the same factor, so the classifier's
   outputs do not change (ReLU and max-pooling commute with positive scales).  This puts
   all layers on one scale, so that the notebook's ``alpha = 10, beta = 40`` balance content
   and style.
5. Ships ``datasets/weights/vgg19_mini.npz`` (``cnnkit.weights.save_quantized``: int8 kernels,
   float32 biases), measures held-out top-1 **after** the int8 round trip (the float32 heads
   kept in ``build/w4a2/``), measures style transfer with the notebook's settings
   (``scripts/w4a2_measure_transfer.py``: shipped weights against random ones), records the
   file in the manifest with those numbers and writes ``datasets/weights/vgg19_mini.md``.

``--epochs 1 --n-train 2000 --no-save`` is a timing run that leaves the shipped files alone.

``--measure-shipped`` trains nothing: it measures an existing weights file (linear probes on
the frozen trunk against the same probe on pixels, style transfer against random weights),
adds the measurements to its manifest entry and writes its model card.  That is how the card
of a file whose training run left no record (its log, checkpoints and heads lost) is made.
Run it through the shared lock as well (about 10 minutes of CPU).
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

BN_EPSILON = 1e-3
#: Largest content ratio (see scripts/w4a2_measure_transfer.py) the shipped weights may reach.
CONTENT_RATIO_BOUND = 0.5


def log(msg: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {msg}", flush=True)


# ----------------------------------------------------------------------------- data
def load_split(split: str, n: int, cache_dir: Path):
    """``(X uint8 (n, 64, 64, 3), shape (n,), texture (n,))``, drawn once and cached."""
    import numpy as np

    from cnnkit import textures

    cache = cache_dir / f"textures_v{textures.GENERATOR_VERSION}_{split}_{n}.npz"
    if cache.exists():
        with np.load(cache) as d:
            return d["X"], d["shape"], d["texture"]
    log(f"drawing {n} {split} pictures (cnnkit.textures {textures.GENERATOR_VERSION}) ...")
    t0 = time.time()
    parts = []
    chunk = 2000
    for start in range(0, n, chunk):
        parts.append(textures.generate_textured_shapes(split, min(chunk, n - start), start=start))
        print(f"  {start + len(parts[-1][0])}/{n}", flush=True)
    X, ys, yt = (np.concatenate([p[k] for p in parts]) for k in range(3))
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(".tmp.npz")
    np.savez(tmp, X=X, shape=ys, texture=yt)
    os.replace(tmp, cache)
    log(f"drew {n} {split} pictures in {time.time() - t0:.0f} s -> {cache}")
    return X, ys, yt


# ----------------------------------------------------------------------------- models
def training_model(tf, widths, n_shapes, n_textures, dropout):
    """VGG19 layer list with BatchNormalization after each conv, GAP and two softmax heads."""
    from cnnkit.nst import VGG19_BLOCKS

    L = tf.keras.layers
    inputs = tf.keras.Input((None, None, 3))
    x = inputs
    for b, (n, w) in enumerate(zip(VGG19_BLOCKS, widths), 1):
        for j in range(1, n + 1):
            x = L.Conv2D(w, 3, padding="same", name=f"block{b}_conv{j}")(x)
            x = L.BatchNormalization(epsilon=BN_EPSILON, momentum=0.9, name=f"block{b}_bn{j}")(x)
            x = L.ReLU(name=f"block{b}_relu{j}")(x)
        x = L.MaxPooling2D(2, strides=2, name=f"block{b}_pool")(x)
    g = L.GlobalAveragePooling2D(name="gap")(x)
    g = L.Dropout(dropout, name="dropout")(g)
    return tf.keras.Model(inputs, [L.Dense(n_shapes, activation="softmax", name="shape")(g),
                                   L.Dense(n_textures, activation="softmax", name="texture")(g)])


def recalibrate_batchnorm(tf, model, images, batch=100):
    """Replace every BatchNormalization's moving mean and variance by its exact statistics over ``images``.

    Layer by layer in order (each one sees the already recalibrated layers before it), in
    inference mode: the folded network then computes what the trained one computed on
    batches, without the lag of the moving averages.
    """
    import numpy as np

    from cnnkit.nst import VGG19_BLOCKS

    for b, n in enumerate(VGG19_BLOCKS, 1):
        for j in range(1, n + 1):
            probe = tf.keras.Model(model.input, model.get_layer(f"block{b}_conv{j}").output)
            s1, s2, count = 0.0, 0.0, 0
            for k in range(0, len(images), batch):
                z = probe(images[k:k + batch].astype(np.float32) / 255.0, training=False).numpy().astype(np.float64)
                z = z.reshape(-1, z.shape[-1])
                s1, s2, count = s1 + z.sum(0), s2 + (z * z).sum(0), count + len(z)
            mean = s1 / count
            var = np.maximum(s2 / count - mean ** 2, 0.0)
            bn = model.get_layer(f"block{b}_bn{j}")
            bn.moving_mean.assign(mean.astype(np.float32))
            bn.moving_variance.assign(var.astype(np.float32))


def fold_batchnorm(tf, trained, widths):
    """The plain mini-VGG19 (conv + bias + ReLU) equal to ``trained``'s trunk in inference mode."""
    import numpy as np

    from cnnkit.nst import VGG19_BLOCKS, mini_vgg19

    plain = mini_vgg19((None, None, 3), widths)
    for b, n in enumerate(VGG19_BLOCKS, 1):
        for j in range(1, n + 1):
            W, bias = (v.numpy() for v in trained.get_layer(f"block{b}_conv{j}").weights)
            gamma, beta, mean, var = (v.numpy() for v in trained.get_layer(f"block{b}_bn{j}").weights)
            s = gamma / np.sqrt(var + BN_EPSILON)
            plain.get_layer(f"block{b}_conv{j}").set_weights([(W * s).astype(np.float32),
                                                              ((bias - mean) * s + beta).astype(np.float32)])
    heads = [[v.numpy() for v in trained.get_layer(name).weights] for name in ("shape", "texture")]
    return plain, heads


def normalise_activations(tf, plain, heads, images, batch=64):
    """Scale every channel so its mean activation over ``images`` is 1 (function-preserving).

    Returns the list of scale factors per conv layer.  ``heads`` (Dense kernels on the
    global average of ``block5_pool``) are divided by the last layer's factors in place.
    """
    import numpy as np

    convs = [layer for layer in plain.layers if layer.name.split("_")[-1].startswith("conv")]
    factors = []
    prev = None
    for layer in convs:
        W, b = layer.get_weights()
        if prev is not None:
            W = W / prev[None, None, :, None]   # the previous layer's outputs are now `prev` times larger
        layer.set_weights([W.astype(np.float32), b.astype(np.float32)])
        probe = tf.keras.Model(plain.input, layer.output)
        total = np.zeros(W.shape[-1])
        for k in range(0, len(images), batch):
            x = images[k:k + batch].astype(np.float32) / 255.0
            total += probe(x, training=False).numpy().mean(axis=(1, 2)).sum(axis=0)
        mean = total / len(images)
        scale = np.where(mean > 1e-6, 1.0 / np.maximum(mean, 1e-6), 1.0)
        layer.set_weights([(W * scale).astype(np.float32), (b * scale).astype(np.float32)])
        factors.append(scale)
        prev = scale
    for head in heads:
        head[0] = (head[0] / prev[:, None]).astype(np.float32)
    return factors


def classify(tf, trunk, heads, X, batch=250):
    """Top-1 predictions ``(shape, texture)`` of a plain trunk + GAP + the two Dense heads."""
    import numpy as np

    preds = [[], []]
    for k in range(0, len(X), batch):
        f = trunk(X[k:k + batch].astype(np.float32) / 255.0, training=False).numpy().mean(axis=(1, 2))
        for h, (W, b) in enumerate(heads):
            preds[h].append(np.argmax(f @ W + b, axis=1))
    return np.concatenate(preds[0]), np.concatenate(preds[1])


# ----------------------------------------------------------------------------- checkpoint
def save_checkpoint(path: Path, model, optimizer, state: dict) -> None:
    import numpy as np

    arrays = {f"w{k:03d}": v.numpy() for k, v in enumerate(model.weights)}
    arrays.update({f"o{k:03d}": v.numpy() for k, v in enumerate(optimizer.variables)})
    arrays["state"] = np.frombuffer(json.dumps(state).encode(), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, path)


def load_checkpoint(path: Path, model, optimizer) -> dict:
    import numpy as np

    with np.load(path) as d:
        for k, v in enumerate(model.weights):
            v.assign(d[f"w{k:03d}"])
        for k, v in enumerate(optimizer.variables):
            v.assign(d[f"o{k:03d}"])
        return json.loads(bytes(d["state"]).decode())


# ----------------------------------------------------------------------------- main
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--epochs", type=int, default=12)
    p.add_argument("--n-train", type=int, default=24000)
    p.add_argument("--n-test", type=int, default=3000)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--lr", type=float, default=2e-3)
    p.add_argument("--weight-decay", type=float, default=1e-4)
    p.add_argument("--dropout", type=float, default=0.2)
    p.add_argument("--seed", type=int, default=4401)
    p.add_argument("--norm-images", type=int, default=1000)
    p.add_argument("--recalibrate-images", type=int, default=3000)
    p.add_argument("--widths", default=None, help="comma-separated channels per block (default MINI_WIDTHS)")
    p.add_argument("--workdir", default=str(ROOT / "build" / "w4a2"))
    p.add_argument("--resume", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--no-save", action="store_true", help="train only (timing runs): ship nothing")
    p.add_argument("--out", default=None, help="weights file (default datasets/weights/vgg19_mini.npz)")
    p.add_argument("--skip-transfer", action="store_true", help="do not measure style transfer (tests)")
    p.add_argument("--transfer-steps", type=int, default=None, help="steps per style transfer run "
                   "(default: the notebook's; fewer only for smoke tests)")
    p.add_argument("--transfer-styles", nargs="*", default=None, help="styles to measure (default: all)")
    p.add_argument("--measure-shipped", action="store_true",
                   help="train nothing: measure the weights file (--out, default the shipped one) and write its card")
    p.add_argument("--probe-train", type=int, default=6000,
                   help="--measure-shipped: training pictures for the linear probes on the frozen trunk")
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    cli = " ".join(argv if argv is not None else sys.argv[1:])
    command = "python scripts/w4a2_train_vgg19_mini.py" + (f" {cli}" if cli else "")

    from cnnkit.setup import quiet_tensorflow

    tf = quiet_tensorflow()
    import numpy as np

    from cnnkit import files, nst, textures, weights

    widths = tuple(int(w) for w in args.widths.split(",")) if args.widths else nst.MINI_WIDTHS
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    ckpt = workdir / f"vgg19_mini_ckpt_{'-'.join(map(str, widths))}.npz"
    log(command)
    if args.measure_shipped:
        return measure_shipped(args, command, workdir)
    X_train, s_train, t_train = load_split("train", args.n_train, workdir)
    X_test, s_test, t_test = load_split("test", args.n_test, workdir)
    steps = -(-len(X_train) // args.batch_size)
    log(f"train {X_train.shape}, test {X_test.shape}; widths {widths}; {args.epochs} epochs x {steps} steps; "
        f"TF {tf.__version__}, {os.cpu_count()} CPUs, GPUs {len(tf.config.list_physical_devices('GPU'))}")

    tf.keras.utils.set_random_seed(args.seed)
    model = training_model(tf, widths, len(textures.SHAPES), len(textures.TEXTURES), args.dropout)
    schedule = tf.keras.optimizers.schedules.CosineDecay(args.lr, decay_steps=args.epochs * steps, alpha=0.01)
    optimizer = tf.keras.optimizers.AdamW(learning_rate=schedule, weight_decay=args.weight_decay)
    optimizer.build(model.trainable_variables)
    xent = tf.keras.losses.SparseCategoricalCrossentropy()

    @tf.function(reduce_retracing=True)
    def train_step(x, ys, yt, seed):
        x = tf.cast(x, tf.float32) / 255.0
        flip = tf.random.stateless_uniform([], seed=seed) < 0.5
        x = tf.cond(flip, lambda: tf.reverse(x, axis=[2]), lambda: x)
        k = tf.random.stateless_uniform([], seed=seed + 1, maxval=4, dtype=tf.int32)
        x = tf.image.rot90(x, k)
        with tf.GradientTape() as tape:
            ps, pt = model(x, training=True)
            loss = xent(ys, ps) + xent(yt, pt)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        acc_s = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(ps, 1, output_type=tf.int64), ys), tf.float32))
        acc_t = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(pt, 1, output_type=tf.int64), yt), tf.float32))
        return loss, acc_s, acc_t

    def evaluate():
        ps, pt = [], []
        for k in range(0, len(X_test), 250):
            a, b = model(X_test[k:k + 250].astype(np.float32) / 255.0, training=False)
            ps.append(np.argmax(a, 1))
            pt.append(np.argmax(b, 1))
        ps, pt = np.concatenate(ps), np.concatenate(pt)
        return float((ps == s_test).mean()), float((pt == t_test).mean()), float(((ps == s_test) & (pt == t_test)).mean())

    state = {"epoch": 0, "history": [], "seconds": 0.0, "command": command}
    if args.resume and ckpt.exists():
        state = load_checkpoint(ckpt, model, optimizer)
        log(f"resumed from {ckpt} after epoch {state['epoch']}")
    for epoch in range(state["epoch"] + 1, args.epochs + 1):
        t0 = time.time()
        order = np.random.default_rng([args.seed, epoch]).permutation(len(X_train))
        tot = np.zeros(3)
        for s in range(steps):
            idx = np.sort(order[s * args.batch_size:(s + 1) * args.batch_size])
            seed = tf.constant([args.seed, epoch * 100000 + s], dtype=tf.int32)
            out = train_step(tf.constant(X_train[idx]), tf.constant(s_train[idx]), tf.constant(t_train[idx]), seed)
            tot += np.array([float(v) for v in out]) * len(idx)
            if (s + 1) % 100 == 0:
                print(f"  epoch {epoch} step {s + 1}/{steps}: loss {tot[0] / ((s + 1) * args.batch_size):.3f}",
                      flush=True)
        tot /= len(X_train)
        test_shape, test_texture, test_both = evaluate()
        dt = time.time() - t0
        state["history"].append({"epoch": epoch, "train_loss": round(tot[0], 4), "train_shape": round(tot[1], 4),
                                 "train_texture": round(tot[2], 4), "test_shape": round(test_shape, 4),
                                 "test_texture": round(test_texture, 4), "test_both": round(test_both, 4),
                                 "seconds": round(dt, 1)})
        state["epoch"] = epoch
        state["seconds"] += dt
        save_checkpoint(ckpt, model, optimizer, state)
        log(f"epoch {epoch}/{args.epochs}: loss {tot[0]:.4f}, train top-1 shape {tot[1]:.4f} texture {tot[2]:.4f} | "
            f"held-out top-1 shape {test_shape:.4f} texture {test_texture:.4f} both {test_both:.4f} | {dt:.0f} s")
    if args.no_save:
        return 0

    # ---- recalibrate and fold BN, normalise, check the function is unchanged
    before = evaluate()
    recalibrate_batchnorm(tf, model, X_train[:args.recalibrate_images])
    after = evaluate()
    log(f"BatchNorm statistics recalibrated on {args.recalibrate_images} training pictures: held-out top-1 "
        f"shape {before[0]:.4f} -> {after[0]:.4f}, texture {before[1]:.4f} -> {after[1]:.4f}")
    plain, heads = fold_batchnorm(tf, model, widths)
    folded = classify(tf, plain, heads, X_test)
    factors = normalise_activations(tf, plain, heads, X_train[:args.norm_images])
    normalised = classify(tf, plain, heads, X_test)
    agree = float(np.mean((folded[0] == normalised[0]) & (folded[1] == normalised[1])))
    float_top1 = (float((normalised[0] == s_test).mean()), float((normalised[1] == t_test).mean()))
    log(f"folded + normalised (float32): held-out top-1 shape {float_top1[0]:.4f} texture {float_top1[1]:.4f}; "
        f"predictions equal to the folded network's on {100 * agree:.2f} % of the held-out pictures")
    np.savez(workdir / "vgg19_mini_heads.npz", shape_W=heads[0][0], shape_b=heads[0][1],
             texture_W=heads[1][0], texture_b=heads[1][1])

    # ---- ship, reload, measure after the int8 round trip
    out = Path(args.out) if args.out else nst.mini_weights_path()
    shipped = out.resolve().is_relative_to(files.datasets_dir().resolve())
    weights.save_quantized(plain, out, made_by=state["command"] if shipped else None)
    fresh = nst.mini_vgg19((None, None, 3), widths)
    weights.load_quantized(fresh, out)
    ps, pt = classify(tf, fresh, heads, X_test)
    q_shape, q_texture = float((ps == s_test).mean()), float((pt == t_test).mean())
    q_both = float(((ps == s_test) & (pt == t_test)).mean())
    log(f"after the int8 round trip: held-out top-1 shape {q_shape:.4f} texture {q_texture:.4f} both {q_both:.4f}")
    baseline = linear_baseline(X_train[:6000], s_train[:6000], t_train[:6000], X_test, s_test, t_test)
    log(f"linear baseline on pixels (6000 training pictures): shape {baseline['shape']:.4f}, "
        f"texture {baseline['texture']:.4f}")

    transfer = None
    if not args.skip_transfer:
        import w4a2_measure_transfer as mt

        log("measuring style transfer with the notebook's settings (shipped weights vs random weights) ...")
        vgg = nst.mini_vgg19((mt.NOTEBOOK["img_size"],) * 2 + (3,), widths)
        for src, dst in zip(fresh.weights, vgg.weights):
            dst.assign(src)
        vgg.trainable = False
        transfer = mt.measure(vgg, styles=args.transfer_styles, steps=args.transfer_steps,
                              save_dir=workdir / "transfer", log=log)
        (workdir / "transfer.json").write_text(json.dumps(transfer, indent=1))

    metrics = {
        "task": "cnnkit.textures: name the shape (8) and the fill texture (12) of 64x64 pictures",
        "generator_version": textures.GENERATOR_VERSION, "data_seeds": textures.SEEDS,
        "n_train": int(len(X_train)), "n_test": int(len(X_test)), "widths": list(widths),
        "epochs": int(state["epoch"]), "optimizer": f"AdamW lr {args.lr:g} cosine to {args.lr * 0.01:g}, "
                                                     f"weight decay {args.weight_decay:g}, batch {args.batch_size}",
        "seed": args.seed,
        "heldout_top1_shape": round(q_shape, 4), "heldout_top1_texture": round(q_texture, 4),
        "heldout_top1_both": round(q_both, 4),
        "heldout_top1_shape_float32": round(float_top1[0], 4),
        "heldout_top1_texture_float32": round(float_top1[1], 4),
        "linear_baseline_top1": {k: round(v, 4) for k, v in baseline.items()},
        "train_seconds": round(state["seconds"]),
    }
    if transfer:
        metrics["style_transfer"] = _round(transfer["summary"], 4)
        metrics["style_transfer_settings"] = transfer["settings"]
    summary = weights.save_quantized(plain, out, made_by=state["command"] if shipped else None, **metrics)
    card = out.with_suffix(".md")
    card.write_text(model_card(summary, metrics, state, transfer, factors, args, widths, tf, out))
    if shipped:
        files.record(card, made_by=state["command"], describes=files.manifest_key(out))
    log(f"wrote {out} ({summary['bytes'] / 1e6:.2f} MB, sha256 {summary['sha256'][:12]}...) and {card}")
    return 0


def gap_features(tf, trunk, X, batch=250):
    """Global average of ``block5_pool`` (what the trained heads saw): ``(n, widths[4])`` float32."""
    import numpy as np

    return np.concatenate([trunk(X[k:k + batch].astype(np.float32) / 255.0, training=False).numpy().mean(axis=(1, 2))
                           for k in range(0, len(X), batch)])


def linear_probe(tf, F, y, F_test, y_test, epochs=80, seed=7):
    """Held-out top-1 of a softmax regression on frozen features (standardised with the training statistics)."""
    import numpy as np

    mean, std = F.mean(0), F.std(0) + 1e-6
    tf.keras.utils.set_random_seed(seed)
    m = tf.keras.Sequential([tf.keras.Input((F.shape[1],)), tf.keras.layers.Dense(int(y.max()) + 1,
                                                                                    activation="softmax")])
    m.compile(tf.keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy")
    m.fit((F - mean) / std, y, batch_size=128, epochs=epochs, verbose=0, shuffle=True)
    pred = np.argmax(m.predict((F_test - mean) / std, verbose=0), 1)
    return float((pred == y_test).mean())


def measure_shipped(args, command, workdir) -> int:
    """``--measure-shipped``: measure an existing weights file and write its model card (no training).

    For a file whose training run left no record (its checkpoint and float32 heads are gone):
    the frozen trunk is measured by linear probes (softmax regression on the global average
    of ``block5_pool``, the same function class as the trained heads) against the same probe
    on raw pixels, and by style transfer against random weights.  The file is not rewritten;
    its manifest entry keeps the command that trained it and gains these measurements.
    """
    from cnnkit.setup import quiet_tensorflow

    tf = quiet_tensorflow()
    import numpy as np

    from cnnkit import files, nst, textures, weights

    out = Path(args.out) if args.out else nst.mini_weights_path()
    shipped = out.resolve().is_relative_to(files.datasets_dir().resolve())
    entry = files.verify(out) if shipped else {}
    trained_by = entry.get("made_by", "unknown")
    widths = nst._mini_widths(out)
    trunk = nst.mini_vgg19((None, None, 3), widths)
    weights.load_quantized(trunk, out)
    X_train, s_train, t_train = load_split("train", args.probe_train, workdir)
    X_test, s_test, t_test = load_split("test", args.n_test, workdir)
    log(f"features of {len(X_train)} training and {len(X_test)} held-out pictures ...")
    F, F_test = gap_features(tf, trunk, X_train), gap_features(tf, trunk, X_test)
    probe = {"shape": linear_probe(tf, F, s_train, F_test, s_test),
             "texture": linear_probe(tf, F, t_train, F_test, t_test)}
    log(f"linear probes on the frozen trunk: held-out top-1 shape {probe['shape']:.4f}, texture {probe['texture']:.4f}")
    baseline = linear_baseline(X_train, s_train, t_train, X_test, s_test, t_test)
    log(f"the same probe on raw pixels: shape {baseline['shape']:.4f}, texture {baseline['texture']:.4f}")
    transfer = None
    if not args.skip_transfer:
        import w4a2_measure_transfer as mt

        log("measuring style transfer with the notebook's settings (these weights vs random weights) ...")
        vgg = nst.mini_vgg19((mt.NOTEBOOK["img_size"],) * 2 + (3,), widths)
        weights.load_quantized(vgg, out)
        vgg.trainable = False
        transfer = mt.measure(vgg, styles=args.transfer_styles, steps=args.transfer_steps,
                              save_dir=workdir / "transfer", log=log)
        (workdir / "transfer.json").write_text(json.dumps(transfer, indent=1))
    layout = weights.read_layout(out)
    n_params = int(sum(int(np.prod(e["shape"])) for e in layout["weights"]))
    metrics = {
        "architecture": "cnnkit.nst.mini_vgg19", "widths": list(widths), "format": layout["format"],
        "n_parameters": n_params, "n_weights": len(layout["weights"]),
        "task": "cnnkit.textures: name the shape (8) and the fill texture (12) of 64x64 pictures",
        "generator_version": textures.GENERATOR_VERSION, "data_seeds": textures.SEEDS,
        "probe_top1_shape": round(probe["shape"], 4), "probe_top1_texture": round(probe["texture"], 4),
        "probe_train": int(len(X_train)), "probe_test": int(len(X_test)),
        "linear_baseline_top1": {k: round(v, 4) for k, v in baseline.items()},
        "measured_by": command, "model_card": files_key(out.with_suffix(".md")),
    }
    if transfer:
        metrics["style_transfer"] = _round(transfer["summary"], 4)
        metrics["style_transfer_settings"] = transfer["settings"]
    if shipped:
        files.record(out, made_by=trained_by, **metrics)
    summary = {"sha256": files.sha256_file(out), "bytes": out.stat().st_size}
    defaults = {a.dest: a.default for a in build_parser()._actions if a.dest != "help"}
    lines = [
        "# vgg19_mini — the course's VGG19-architecture feature network (w4a2)",
        "",
        f"File: `{files_key(out)}` ({summary['bytes'] / 1e6:.2f} MB, sha256 `{summary['sha256']}`), "
        f"{n_params:,} parameters in {len(layout['weights'])} arrays, format `{layout['format']}` "
        "(int8 kernels with one float32 scale per output channel, float32 biases).",
        f"Trained by: `{trained_by}` (the command recorded in the manifest). This card: `{command}`, which measures "
        "the file as it is.",
        "",
        "## Architecture",
        f"`cnnkit.nst.mini_vgg19(widths={tuple(widths)})`: the layer list of Keras' "
        "`VGG19(include_top=False)` (block1-block5 with 2, 2, 4, 4, 4 convolutions `blockK_convJ`, 3x3, "
        "stride 1, \"same\", ReLU, with bias; 2x2 stride-2 max-pools `blockK_pool`), with "
        f"{'/'.join(map(str, widths))} channels instead of 64/128/256/512/512. Input: RGB in [0, 1], "
        "no mean subtraction. Fully convolutional: any input size of at least 32 pixels works.",
        "",
        "## Source task and data",
        f"`cnnkit.textures` version {textures.GENERATOR_VERSION}: 64x64 pictures of one shape "
        f"({', '.join(textures.SHAPES)}) filled with one texture ({', '.join(textures.TEXTURES)}) on a "
        "background of another texture; random palettes, periods (3-13 px), angles, sizes, positions, "
        "lighting gradient and sensor noise. Picture i of a split comes from "
        f"`default_rng([seed, split, i])`, seeds {textures.SEEDS}.",
        "",
        "## Training (the recorded command's settings)",
        f"`{trained_by}` with the script's defaults: {defaults['n_train']} training pictures, {defaults['epochs']} "
        f"epochs, AdamW (learning rate {defaults['lr']:g}, cosine decay to 1 %, weight decay "
        f"{defaults['weight_decay']:g}), batch {defaults['batch_size']}, seed {defaults['seed']}; BatchNormalization "
        "after every convolution, global average pooling and two softmax heads (shape, texture) on `block5_pool`, "
        f"dropout {defaults['dropout']:g}; random mirror and quarter turns. Afterwards every BatchNormalization was "
        "folded into its convolution (exact) and every channel scaled so that its mean activation over "
        f"{defaults['norm_images']} training pictures is 1, the next layer compensating (as Gatys et al. normalised "
        "VGG19), then the kernels were stored as int8.",
        "The log, checkpoints and float32 heads of that run were not kept (they lived in `build/w4a2/` of a session "
        "that was cut off), so its per-epoch history and its heads' accuracy are not reported here. Everything below "
        "is measured on the shipped file. Re-running the recorded command trains a new file and writes a card with "
        "the full history (about two hours on 2 CPU cores; a checkpoint after every epoch).",
        "",
        "## What the frozen trunk knows: linear probes (held-out top-1)",
        f"A softmax regression on the global average of `block5_pool` (the inputs of the trained heads), fitted on "
        f"{len(X_train)} training pictures, evaluated on {len(X_test)} held-out pictures (their own seed):",
        f"- shape: {probe['shape']:.4f} (chance {1 / len(textures.SHAPES):.3f}; the same probe on raw pixels "
        f"{baseline['shape']:.4f})",
        f"- fill texture: {probe['texture']:.4f} (chance {1 / len(textures.TEXTURES):.3f}; on raw pixels "
        f"{baseline['texture']:.4f})",
        f"Measured on {platform.machine()} with {os.cpu_count()} CPU cores, TF {tf.__version__}.",
        "",
    ]
    lines += transfer_section(transfer)
    lines += LIMITS
    card = out.with_suffix(".md")
    card.write_text("\n".join(lines))
    if shipped:
        files.record(card, made_by=command, describes=files.manifest_key(out))
    log(f"measured {out} (sha256 {summary['sha256'][:12]}...) and wrote {card}")
    return 0


def linear_baseline(X, ys, yt, X_test, s_test, t_test, epochs=30):
    """Held-out top-1 of a softmax-regression on raw pixels (a baseline the network must beat clearly)."""
    import numpy as np
    from cnnkit.setup import quiet_tensorflow

    tf = quiet_tensorflow()
    out = {}
    for name, y, y_test, n in (("shape", ys, s_test, int(ys.max()) + 1), ("texture", yt, t_test, int(yt.max()) + 1)):
        tf.keras.utils.set_random_seed(7)
        m = tf.keras.Sequential([tf.keras.Input((X.shape[1] * X.shape[2] * 3,)),
                                 tf.keras.layers.Dense(n, activation="softmax")])
        m.compile(tf.keras.optimizers.Adam(1e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
        flat = X.reshape(len(X), -1).astype(np.float32) / 255.0
        m.fit(flat, y, batch_size=128, epochs=epochs, verbose=0, shuffle=True)
        pred = np.argmax(m.predict(X_test.reshape(len(X_test), -1).astype(np.float32) / 255.0, verbose=0), 1)
        out[name] = float((pred == y_test).mean())
    return out


def _round(d, digits):
    if isinstance(d, dict):
        return {k: _round(v, digits) for k, v in d.items()}
    return round(d, digits) if isinstance(d, float) else d


def model_card(summary, metrics, state, transfer, factors, args, widths, tf, out) -> str:
    import numpy as np

    from cnnkit import textures

    hist = "\n".join(f"| {h['epoch']} | {h['train_loss']:.4f} | {h['train_shape']:.4f} | {h['train_texture']:.4f} | "
                     f"{h['test_shape']:.4f} | {h['test_texture']:.4f} | {h['seconds']:.0f} |" for h in state["history"])
    lines = [
        "# vgg19_mini — the course's VGG19-architecture feature network (w4a2)",
        "",
        f"File: `{files_key(out)}` ({summary['bytes'] / 1e6:.2f} MB, sha256 `{summary['sha256']}`), "
        f"{summary['n_parameters']:,} parameters in {summary['n_weights']} arrays, format `{summary['format']}` "
        "(int8 kernels with one float32 scale per output channel, float32 biases).",
        "Made by: `" + state["command"] + "` (resumable: a checkpoint after every epoch in `build/w4a2/`).",
        "",
        "## Architecture",
        f"`cnnkit.nst.mini_vgg19(widths={tuple(widths)})`: the layer list of Keras' "
        "`VGG19(include_top=False)` (block1-block5 with 2, 2, 4, 4, 4 convolutions `blockK_convJ`, 3x3, "
        "stride 1, \"same\", ReLU, with bias; 2x2 stride-2 max-pools `blockK_pool`), with "
        f"{'/'.join(map(str, widths))} channels instead of 64/128/256/512/512. Input: RGB in [0, 1], "
        "no mean subtraction. Any input size divisible by 32 works (fully convolutional).",
        "",
        "## Source task and data",
        f"`cnnkit.textures` version {textures.GENERATOR_VERSION}: 64x64 pictures of one shape "
        f"({', '.join(textures.SHAPES)}) filled with one texture ({', '.join(textures.TEXTURES)}) on a "
        "background of another texture; random palettes, periods (3-13 px), angles, sizes, positions, "
        "lighting gradient and sensor noise. Picture i of a split comes from "
        f"`default_rng([seed, split, i])`, seeds {textures.SEEDS}.",
        f"Counts: {metrics['n_train']} training pictures, {metrics['n_test']} held-out pictures (own seed).",
        "",
        "## Training",
        "During training each convolution is followed by BatchNormalization; global average pooling and two "
        "softmax heads (shape, texture) sit on `block5_pool`; dropout "
        f"{args.dropout:g} before the heads. Loss: the sum of the two cross-entropies. Optimizer: "
        f"{metrics['optimizer']}; {metrics['epochs']} epochs; augmentation: random mirror and quarter turns. "
        f"Seed {args.seed}. Time: {metrics['train_seconds']} s on {platform.machine()} with {os.cpu_count()} "
        f"CPU cores (TF {tf.__version__}).",
        "",
        "| epoch | train loss | train top-1 shape | train top-1 texture | held-out shape | held-out texture | s |",
        "|---|---|---|---|---|---|---|",
        hist,
        "",
        "After training, every BatchNormalization was folded into its convolution (exact), and the activations "
        "were normalised as Gatys et al. normalised VGG19 for style transfer: each channel scaled so that its mean "
        f"activation over {args.norm_images} training pictures is 1, the next layer compensating (the "
        "classifier's outputs are unchanged). Scale factors per layer ranged from "
        f"{min(float(f.min()) for f in factors):.3g} to {max(float(f.max()) for f in factors):.3g}.",
        "",
        "## Held-out top-1 (after the int8 round trip; float32 heads)",
        f"- shape: {metrics['heldout_top1_shape']:.4f} (float32 trunk {metrics['heldout_top1_shape_float32']:.4f}; "
        f"chance {1 / len(textures.SHAPES):.3f})",
        f"- fill texture: {metrics['heldout_top1_texture']:.4f} (float32 trunk "
        f"{metrics['heldout_top1_texture_float32']:.4f}; chance {1 / len(textures.TEXTURES):.3f})",
        f"- both right: {metrics['heldout_top1_both']:.4f}",
        f"- baseline, softmax regression on the raw pixels (6000 training pictures): shape "
        f"{metrics['linear_baseline_top1']['shape']:.4f}, texture {metrics['linear_baseline_top1']['texture']:.4f}",
        "",
    ]
    lines += transfer_section(transfer)
    lines += LIMITS
    return "\n".join(lines)


LIMITS = [
        "## Limits",
        "- Trained on small synthetic pictures, not photographs: the features know stripes, dots, strokes, tiles "
        "and simple shapes, not objects. Style transfer with them reproduces colours and local texture well; "
        "the deep (content) layer keeps the layout but not object identity. For the original behaviour put the "
        "official ImageNet file `vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5` in `~/.keras/models/`; "
        "`cnnkit.nst.load_vgg19` then uses it.",
        "- Narrower than VGG19 (fewer channels), so Gram matrices are smaller (16x16 to 128x128).",
        "",
]


def transfer_section(transfer) -> list[str]:
    """The card's lines on style transfer with the weights (nothing without a measurement)."""
    lines: list[str] = []
    if transfer:
        st = transfer["settings"]
        lines += [
            "## Style transfer with these weights (the measure that matters for w4a2)",
            f"`scripts/w4a2_measure_transfer.py`, the notebook's settings: img_size {st['img_size']}, "
            f"{st['steps']} steps of Adam (learning rate {st['learning_rate']}), alpha {st['alpha']}, beta "
            f"{st['beta']}, STYLE_LAYERS block1_conv1..block5_conv1 at 0.2 each, content layer block5_conv4, start = "
            f"content + uniform noise in [-{st['noise']}, {st['noise']}] (TF seed {st['tf_seed']}), clipped to [0, 1]. "
            "Style cost before = the style cost of the content picture against the style picture; start = that of "
            "the noisy starting picture; after = that of the generated picture; drop = 1 - after / before. Content "
            "ratio = content cost of the generated picture / content cost of the style picture (both against the "
            "content picture, in block5_conv4): 0 = the content layer sees the content unchanged, 1 = as far from it "
            "as the style picture. Random = the same architecture at Keras' default initialisation (seed "
            f"{st['random_seed']}) with the same activation normalisation, run the same way. Each network measures "
            "its own run; both runs are also judged by the other network and by a filter bank with no learned "
            "weights (colour and oriented-derivative responses at three scales, `filter_bank_style_cost`).",
            "",
            "| style | trained: style cost before / start / after | drop | content ratio | judged by the random net "
            "| judged by the filter bank | random: before / start / after | random: drop | random: content ratio "
            "| random, judged by the trained net | random, judged by the filter bank |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for name, row in transfer["styles"].items():
            t, r = row["trained"], row.get("random")
            cells = [name, f"{t['style_before']:.4g} / {t['style_start']:.4g} / {t['style_after']:.4g}",
                     f"{100 * t['style_drop']:.1f} %", f"{t['content_ratio']:.3f}",
                     f"{100 * t['judged_drop'].get('random', float('nan')):.1f} %",
                     f"{100 * t['judged_drop']['filter_bank']:.1f} %"]
            if r:
                cells += [f"{r['style_before']:.4g} / {r['style_start']:.4g} / {r['style_after']:.4g}",
                          f"{100 * r['style_drop']:.1f} %", f"{r['content_ratio']:.3f}",
                          f"{100 * r['judged_drop']['trained']:.1f} %", f"{100 * r['judged_drop']['filter_bank']:.1f} %"]
            lines.append("| " + " | ".join(cells) + " |")
        s = transfer["summary"]
        tr = s["trained"]
        lines += [
            "",
            f"With these weights the style cost falls by {100 * tr['style_drop_min']:.1f} % at least "
            f"({100 * tr['style_drop_mean']:.1f} % on average; target >= 50 %), while the content ratio stays at most "
            f"{tr['content_ratio_max']:.3f} (bound: <= {CONTENT_RATIO_BOUND}).",
        ]
        if "random" in s:
            rd = s["random"]
            lines += [
                f"With random weights the same run changes the style cost by {-100 * rd['style_drop_mean']:+.1f} % on "
                f"average (a drop of {100 * rd['style_drop_mean']:.1f} %; content ratio up to "
                f"{rd['content_ratio_max']:.3f}). Judged by the weight-free filter bank, the trained weights' pictures "
                f"close {100 * tr['judged_by_filter_bank_mean']:.1f} % of the style gap on average, the random "
                f"weights' pictures {100 * rd['judged_by_filter_bank_mean']:.1f} %. Cross-judged: the random "
                f"weights' pictures in the trained network {100 * rd['judged_by_trained_mean']:.1f} %, the trained "
                f"weights' pictures in the random network {100 * tr['judged_by_random_mean']:.1f} %.",
            ]
        lines.append("")
    return lines


def files_key(out) -> str:
    from cnnkit import files

    try:
        return files.manifest_key(out)
    except ValueError:
        return str(out)


if __name__ == "__main__":
    raise SystemExit(main())
