"""Does the course's MobileNetV2 base transfer?  Alpaca / not alpaca with the notebook's recipe.

    nice -n 10 .venv/bin/python scripts/w2a2_transfer_gain.py            # measure, record, rewrite the card

For several training seeds, on the synthetic alpaca folder with the notebook's split
(``image_dataset_from_directory(..., image_size=(160, 160), validation_split=0.2, seed=SPLIT_SEED)``):

1. **ours**: ``grading.w2a2.reference.alpaca_model`` with the shipped base
   (frozen base + GAP + Dropout(0.2) + Dense(1)), ``--initial-epochs`` epochs with
   Adam(0.001) and ``BinaryCrossentropy(from_logits=True)``; then everything from
   ``block_13_pad`` on unfrozen (BatchNorm layers kept frozen, as the notebook's read-only
   cell does), Adam(0.0001), ``fit(..., epochs=initial + fine_tune, initial_epoch=history.epoch[-1])``;
2. **random**: the same with ``weights=None`` (a randomly initialised base), same budget;
3. **scratch, whole network**: random initialisation with every layer trained, Adam(0.001),
   as many epochs as 1 and 2 run;
4. **small CNN** from scratch (three conv layers), same epochs;
5. **pixels**: logistic regression on 32x32 pixels (a per-pixel baseline).

``--probe`` measures only how far the base's *frozen* features go (a minute instead of several):
logistic regression on the pooled features, cross-validated on the folder, and trained on
further generated pictures (``--probe-extra``) with per-kind accuracy. Use it to compare
candidate bases before running the notebook's recipe.

``--learnability N`` asks the question the other way round: trained directly on N further pictures
of the alpaca generator (the whole network, for ``--learnability-epochs`` epochs), how well does the
task itself go?  If that is high and the recipe's result low, the base's features are the limit, not
the pictures.

The validation accuracy after the last epoch is reported (never the best epoch).  The numbers
go into the manifest entry of the weights file (``transfer``) and its model card.
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

SPLIT_SEED = 42


def log(msg: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {msg}", flush=True)


def datasets(tf, folder, batch=32):
    kw = dict(shuffle=True, batch_size=batch, image_size=(160, 160), validation_split=0.2, seed=SPLIT_SEED, verbose=False)
    train = tf.keras.utils.image_dataset_from_directory(folder, subset="training", **kw)
    val = tf.keras.utils.image_dataset_from_directory(folder, subset="validation", **kw)
    return train.prefetch(tf.data.AUTOTUNE), val.prefetch(tf.data.AUTOTUNE)


def notebook_recipe(tf, ref, weights, train, val, initial_epochs, fine_tune_epochs, seed):
    """The notebook's two training phases; returns (val accuracy after phase 1, after phase 2, histories)."""
    tf.keras.utils.set_random_seed(seed)
    model = ref.alpaca_model((160, 160), ref.data_augmenter(), base_weights=weights)
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=ref.BASE_LEARNING_RATE),
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True), metrics=["accuracy"])
    h1 = model.fit(train, validation_data=val, epochs=initial_epochs, shuffle=False, verbose=0)
    base = ref.base_of(model)
    start = ref.unfreeze_from(base)
    ref.freeze_batchnorm(base, start)
    loss, opt, metrics = ref.fine_tune_settings(ref.BASE_LEARNING_RATE)
    model.compile(loss=loss, optimizer=opt, metrics=metrics)
    h2 = model.fit(train, validation_data=val, epochs=initial_epochs + fine_tune_epochs,
                   initial_epoch=h1.epoch[-1], shuffle=False, verbose=0)
    return h1.history["val_accuracy"][-1], h2.history["val_accuracy"][-1], h1.history, h2.history


def scratch_full(tf, ref, train, val, epochs, seed):
    tf.keras.utils.set_random_seed(seed)
    model = ref.alpaca_model((160, 160), ref.data_augmenter(), base_weights=None)
    ref.base_of(model).trainable = True
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3), loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    h = model.fit(train, validation_data=val, epochs=epochs, shuffle=False, verbose=0)
    return h.history["val_accuracy"][-1]


def small_cnn(tf, ref, train, val, epochs, seed):
    tf.keras.utils.set_random_seed(seed)
    L = tf.keras.layers
    inputs = tf.keras.Input((160, 160, 3))
    x = ref.data_augmenter()(inputs)
    x = L.Rescaling(1 / 255.0)(x)
    for f in (16, 32, 64):
        x = L.Conv2D(f, 3, padding="same", activation="relu")(x)
        x = L.MaxPooling2D()(x)
    x = L.GlobalAveragePooling2D()(x)
    model = tf.keras.Model(inputs, L.Dense(1)(x))
    model.compile(optimizer=tf.keras.optimizers.Adam(1e-3), loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    h = model.fit(train, validation_data=val, epochs=epochs, shuffle=False, verbose=0)
    return h.history["val_accuracy"][-1]


def logreg_predict(Xtr, ytr, Xva, l2=1e-2, lr=0.05, steps=500):
    """Labels (0/1) predicted for ``Xva`` by an L2-regularised logistic regression fit on standardised
    (Xtr, ytr) by full-batch gradient descent."""
    import numpy as np

    mu, sd = Xtr.mean(0), Xtr.std(0) + 1e-3
    Xtr, Xva = (Xtr - mu) / sd, (Xva - mu) / sd
    ytr = np.asarray(ytr, dtype=float)
    w, b = np.zeros(Xtr.shape[1]), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(Xtr @ w + b)))
        w -= lr * (Xtr.T @ (p - ytr) / len(ytr) + l2 * w)
        b -= lr * float(np.mean(p - ytr))
    return ((Xva @ w + b) > 0).astype(int)


def pixel_logreg(tf, train, val) -> float:
    """Logistic regression on 32x32x3 pixels in [0, 1]."""
    import numpy as np

    def arrays(ds):
        X, y = [], []
        for a, b in ds:
            X.append(tf.image.resize(a, (32, 32)).numpy().reshape(len(a), -1) / 255.0)
            y.append(b.numpy())
        return np.concatenate(X), np.concatenate(y).astype(float)

    (Xtr, ytr), (Xva, yva) = arrays(train), arrays(val)
    return float(np.mean(logreg_predict(Xtr, ytr, Xva) == yva))


def generated_pictures(first: int, n: int, size: int):
    """Pictures ``first..first+n-1`` of the alpaca generator at ``size`` x ``size``: (uint8 array, labels, kinds)."""
    import numpy as np
    from PIL import Image

    from cnnkit import alpacas

    pics = [alpacas.render_picture(i) for i in range(first, first + n)]
    X = np.stack([np.asarray(im.convert("RGB").resize((size, size), Image.BILINEAR)) for im, _, _ in pics])
    return X, np.array([lab for _, lab, _ in pics]), np.array([kind for _, _, kind in pics])


def frozen_probe(tf, weights, folder, extra: int, size: int = 160) -> dict:
    """How far the base's frozen features go: logistic regression on its pooled 1280 features.

    ``folder_cv``: 5-fold cross-validated accuracy on the notebook's folder (every picture, read by
    ``image_dataset_from_directory`` at ``size`` as in the notebook).  With ``extra`` > 0, also trained on
    ``extra - 300`` further pictures of the same generator (indices 1000 on, never in the folder)
    and scored on the last 300, overall and per kind of picture: the ceiling of the frozen
    features when data is not the limit.  A quick measure (about a minute) for comparing bases."""
    import numpy as np

    base = tf.keras.applications.MobileNetV2(input_shape=(size, size, 3), include_top=False, weights=weights)

    def features(images):
        x = tf.keras.applications.mobilenet_v2.preprocess_input(np.stack(images).astype("float32"))
        return base.predict(x, batch_size=32, verbose=0).mean(axis=(1, 2))

    folder_ds = tf.keras.utils.image_dataset_from_directory(folder, shuffle=False, batch_size=64,
                                                            image_size=(size, size), verbose=False)
    X = np.concatenate([features(list(images.numpy())) for images, _ in folder_ds])
    y = np.concatenate([labels.numpy() for _, labels in folder_ds])
    fit = dict(l2=1e-3, lr=0.1, steps=800)
    folds = np.array_split(np.random.default_rng(0).permutation(len(y)), 5)
    cv = [np.mean(logreg_predict(np.delete(X, f, 0), np.delete(y, f), X[f], **fit) == y[f]) for f in folds]
    out = {"size": size, "folder_pictures": int(len(y)), "folder_cv": round(float(np.mean(cv)), 4),
           "folder_majority": round(float(max(np.mean(y), 1 - np.mean(y))), 4)}
    if extra > 300:
        pictures, ye, kinds = generated_pictures(1000, extra, size)
        Xe = features(list(pictures))
        kinds = kinds[-300:]
        right = logreg_predict(Xe[:-300], ye[:-300], Xe[-300:], **fit) == ye[-300:]
        out.update(extra_train=extra - 300, extra_test=300, extra_accuracy=round(float(np.mean(right)), 4))
        out["extra_by_kind"] = {k: [int(np.sum(kinds == k)), round(float(np.mean(right[kinds == k])), 2)]
                                for k in sorted(set(kinds))}
    return out


def learnability(tf, weights, train_pictures: int, epochs: int, size: int = 128, test_pictures: int = 600) -> list:
    """How far the alpaca task itself can be learned when pictures are plentiful: the whole MobileNetV2
    (from ``weights``) trained directly on ``train_pictures`` further pictures of the alpaca generator
    (indices 2000 on; never the folder's), scored on ``test_pictures`` others (indices 1000 on) after each
    epoch, overall and per kind.  An upper bound for what any base's features give the notebook's recipe,
    not a measurement of the transfer (this network sees the target task)."""
    Xte, yte, kte = generated_pictures(1000, test_pictures, size)
    Xtr, ytr, _ = generated_pictures(2000, train_pictures, size)
    Xte, Xtr = Xte.astype("float32"), Xtr.astype("float32")
    tf.keras.utils.set_random_seed(0)
    base = tf.keras.applications.MobileNetV2(input_shape=(size, size, 3), include_top=False, weights=weights)
    for layer in base.layers:  # Keras' 0.999 leaves the moving statistics stale after a few hundred steps
        if isinstance(layer, tf.keras.layers.BatchNormalization):
            layer.momentum = 0.9
    inputs = tf.keras.Input((size, size, 3))
    x = tf.keras.layers.RandomFlip("horizontal")(inputs)
    x = base(tf.keras.applications.mobilenet_v2.preprocess_input(x))
    model = tf.keras.Model(inputs, tf.keras.layers.Dense(1)(tf.keras.layers.GlobalAveragePooling2D()(x)))
    schedule = tf.keras.optimizers.schedules.CosineDecay(5e-4, epochs * (train_pictures // 64))
    model.compile(optimizer=tf.keras.optimizers.Adam(schedule), metrics=["accuracy"],
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True))
    out = []
    for epoch in range(1, epochs + 1):
        model.fit(Xtr, ytr, batch_size=64, epochs=1, verbose=0, shuffle=True)
        right = (model.predict(Xte, batch_size=64, verbose=0)[:, 0] > 0).astype(int) == yte
        out.append({"epoch": epoch, "train_pictures": train_pictures, "test_pictures": test_pictures,
                    "accuracy": round(float(right.mean()), 4),
                    "by_kind": {k: round(float(right[kte == k].mean()), 2) for k in sorted(set(kte))}})
        log(json.dumps(out[-1]))
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--weights", default=None,
                   help="base weights file (default: the shipped one; 'random': random initialisation, for --probe)")
    p.add_argument("--seeds", type=int, default=3)
    p.add_argument("--initial-epochs", type=int, default=5)
    p.add_argument("--fine-tune-epochs", type=int, default=5)
    p.add_argument("--folder", default=None, help="alpaca folder (default: the synthetic one)")
    p.add_argument("--skip-baselines", action="store_true", help="only ours vs random (quick trials)")
    p.add_argument("--no-record", action="store_true", help="print the numbers only")
    p.add_argument("--probe", action="store_true",
                   help="only the frozen-feature probe (logistic regression on the base's pooled features; ~1 min)")
    p.add_argument("--probe-extra", type=int, default=1800,
                   help="further generated pictures for the probe (the last 300 score it); 0: the folder only")
    p.add_argument("--probe-size", type=int, default=160,
                   help="picture size the probe feeds the base (the notebook uses 160)")
    p.add_argument("--learnability", type=int, default=0, metavar="N",
                   help="only train the whole network directly on N further alpaca pictures (an upper bound)")
    p.add_argument("--learnability-epochs", type=int, default=2)
    args = p.parse_args(argv)
    command = "python scripts/w2a2_transfer_gain.py" + "".join(f" {a}" for a in (argv or sys.argv[1:]))

    from cnnkit.setup import quiet_tensorflow
    tf = quiet_tensorflow()
    import numpy as np

    from cnnkit import files, transfer
    from grading.w2a2 import reference as ref

    folder = args.folder or transfer.alpaca_directory("synthetic")
    weights = args.weights or transfer.shipped_base_weights()
    if weights == "random" and not args.probe:
        p.error("--weights random is for --probe (the full measurement runs the random base anyway)")
    weights = None if weights == "random" else weights
    if args.learnability:
        log(f"{command}: the alpaca task learnt directly from {args.learnability} pictures, starting from {weights}")
        learnability(tf, weights, args.learnability, args.learnability_epochs)
        return 0
    if args.probe:
        log(f"{command}: frozen-feature probe of {weights}")
        log(json.dumps(frozen_probe(tf, weights, folder, args.probe_extra, args.probe_size)))
        return 0
    train, val = datasets(tf, folder)
    n_train = sum(int(b.shape[0]) for b, _ in train)
    n_val = sum(int(b.shape[0]) for b, _ in val)
    val_share = float(np.mean(np.concatenate([labels.numpy() for _, labels in val])))
    log(f"{command}: {n_train} training, {n_val} validation pictures from {folder}; base {weights}")
    t0 = time.time()
    runs = []
    for k in range(args.seeds):
        seed = 100 + k
        row = {"seed": seed}
        for name, w in (("ours", weights), ("random", None)):
            t = time.time()
            frozen, fine, _, _ = notebook_recipe(tf, ref, w, train, val, args.initial_epochs, args.fine_tune_epochs, seed)
            row[name], row[f"{name}_frozen"] = round(float(fine), 4), round(float(frozen), 4)
            log(f"seed {seed} {name}: validation accuracy {frozen:.4f} frozen, {fine:.4f} fine-tuned ({time.time() - t:.0f} s)")
        if not args.skip_baselines:
            epochs = args.initial_epochs + args.fine_tune_epochs + 1
            row["scratch_full"] = round(float(scratch_full(tf, ref, train, val, epochs, seed)), 4)
            row["small_cnn"] = round(float(small_cnn(tf, ref, train, val, epochs, seed)), 4)
            log(f"seed {seed}: whole MobileNetV2 from scratch {row['scratch_full']:.4f}, small CNN {row['small_cnn']:.4f}")
        runs.append(row)
    summary = {"train_images": n_train, "validation_images": n_val, "split_seed": SPLIT_SEED,
               "initial_epochs": args.initial_epochs, "fine_tune_epochs": args.fine_tune_epochs, "runs": runs}
    for name in ("ours", "random", "ours_frozen", "random_frozen", "scratch_full", "small_cnn"):
        vals = [r[name] for r in runs if name in r]
        if vals:
            summary[f"{name}_mean"] = round(float(np.mean(vals)), 4)
            summary[f"{name}_min"] = round(float(np.min(vals)), 4)
    summary["majority_class"] = round(max(val_share, 1 - val_share), 4)  # always answering the commoner class
    if not args.skip_baselines:
        summary["pixels_logreg"] = round(pixel_logreg(tf, train, val), 4)
    summary["gain_points"] = round(100 * (summary["ours_mean"] - summary["random_mean"]), 1)
    summary["seconds"] = round(time.time() - t0)
    summary["hardware"] = f"{platform.machine()} CPU, {os.cpu_count()} cores, TF {tf.__version__}"
    summary["command"] = command
    log(json.dumps({k: v for k, v in summary.items() if k != "runs"}))
    if args.no_record or args.skip_baselines:
        return 0
    entry = files.entry(weights)
    if entry is None:
        log(f"{weights} is not in the manifest: nothing recorded")
        return 0
    facts = {k: v for k, v in entry.items() if k not in ("sha256", "bytes", "made_by")}
    facts["transfer"] = summary
    rec = files.record(weights, made_by=entry["made_by"], **facts)
    sys.path.insert(0, str(ROOT / "scripts"))
    from w2a2_train_mobilenet_base import write_model_card

    write_model_card(Path(weights).with_suffix("").with_suffix(".md"), rec, made_by=command)
    log(f"recorded the transfer result in {files.display_path(files.manifest_path())} and the model card")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
