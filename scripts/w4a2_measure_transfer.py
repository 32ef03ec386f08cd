"""Measure how well a feature network drives style transfer (w4a2): the proof behind the shipped weights.

    nice -n 10 .venv/bin/python scripts/w4a2_measure_transfer.py                  # shipped weights vs random
    nice -n 10 .venv/bin/python scripts/w4a2_measure_transfer.py --weights build/w4a2/x.npz --styles swirl

The protocol is the notebook's (``NOTEBOOK`` below: image size, steps, Adam lr 0.01,
alpha 10, beta 40, ``STYLE_LAYERS`` block1_conv1..block5_conv1 at 0.2 each, content layer
block5_conv4, the generated image starts as the content image plus uniform noise in
[-0.25, 0.25], clipped, and every step clips to [0, 1]), with the reference cost functions
of ``grading.w4a2.reference``.  For each style picture it reports

- ``style_before``: the style cost of the *content picture* against the style picture;
- ``style_start``: the style cost of the starting picture (content + noise);
- ``style_after``: the style cost of the generated picture after the last step;
- ``style_drop``: ``1 - style_after / style_before`` (the target is >= 0.5);
- ``content_after``: the content cost of the generated picture against the content picture,
  and ``content_ratio = content_after / content_cost(style picture vs content picture)``:
  0 means the deep layer sees the content unchanged, 1 means it is as far from the
  content as the style picture itself (the bound is stated in the model card);

once with the trained weights and once with **random weights**: the same architecture at
Keras' default initialisation (Glorot-uniform kernels, zero biases, seed ``RANDOM_SEED``)
put through the same activation normalisation as the shipped weights (mean activation 1
per channel on textured-shape pictures), so both runs see the same alpha/beta balance.
Because each network judges its own run, both pictures are also judged by common
yardsticks (``judged``): the other network's style cost, and a hand-made texture statistic
that involves no learned weights (``filter_bank_style_cost``: Gram matrices of colour and
oriented-derivative responses at three scales).

``--save-dir`` keeps the generated pictures (PNG) for a person to look at.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from cnnkit.setup import quiet_tensorflow  # noqa: E402

#: The notebook's settings (``authoring/w4a2_style_transfer.py`` uses the same numbers).
NOTEBOOK = {"img_size": 192, "steps": 400, "tf_seed": 272, "learning_rate": 0.01, "alpha": 10, "beta": 40,
            "noise": 0.25}
RANDOM_SEED = 4444



def random_vgg19(img_size: int, seed: int = RANDOM_SEED, widths=None, normalise=True):
    """The mini-VGG19 architecture at Keras' default initialisation (seeded), frozen.

    With ``normalise`` its channels are scaled like the shipped weights' (mean activation 1
    over the first 1000 training pictures of ``cnnkit.textures``).
    """
    tf = quiet_tensorflow()
    from cnnkit.nst import MINI_WIDTHS, mini_vgg19

    tf.keras.utils.set_random_seed(seed)
    model = mini_vgg19((None, None, 3), widths or MINI_WIDTHS)   # any size: normalised on 64x64 pictures
    if normalise:
        from cnnkit.textures import generate_textured_shapes
        from w4a2_train_vgg19_mini import normalise_activations

        X, _, _ = generate_textured_shapes("train", 1000)
        normalise_activations(tf, model, [], X)
    model.trainable = False
    return model


def filter_bank_style_cost(a, b) -> float:
    """A texture distance with no learned weights: layer-style costs of fixed filter responses.

    ``a``, ``b``: images ``(1, S, S, 3)`` in [0, 1].  At scales 1, 1/2 and 1/4 (2x2 average
    pooling) each colour channel is filtered with the identity, horizontal, vertical and two
    diagonal derivatives and a Laplacian (3x3); the rectified responses (positive and
    negative parts, 33 maps) are compared through the reference ``compute_layer_style_cost``,
    summed over the scales.
    """
    import numpy as np

    tf = quiet_tensorflow()
    from grading.w4a2 import reference as ref

    k = np.zeros((3, 3, 6), np.float32)
    k[1, 1, 0] = 1
    k[1, 0, 1], k[1, 2, 1] = -1, 1
    k[0, 1, 2], k[2, 1, 2] = -1, 1
    k[0, 0, 3], k[2, 2, 3] = -1, 1
    k[0, 2, 4], k[2, 0, 4] = -1, 1
    k[1, 1, 5], k[0, 1, 5], k[2, 1, 5], k[1, 0, 5], k[1, 2, 5] = -4, 1, 1, 1, 1
    bank = np.zeros((3, 3, 3, 18), np.float32)
    for c in range(3):
        bank[:, :, c, c * 6:(c + 1) * 6] = k
    bank = tf.constant(bank)

    def responses(x):
        r = tf.nn.conv2d(x, bank, 1, "SAME")
        grads = tf.gather(r, [i for i in range(18) if i % 6], axis=-1)
        return tf.concat([r[..., ::6], tf.nn.relu(grads), tf.nn.relu(-grads)], axis=-1)

    x, y, total = tf.constant(a, tf.float32), tf.constant(b, tf.float32), 0.0
    for _ in range(3):
        total += float(ref.compute_layer_style_cost(responses(x), responses(y)))
        x, y = tf.nn.avg_pool2d(x, 2, 2, "VALID"), tf.nn.avg_pool2d(y, 2, 2, "VALID")
    return total


def transfer(vgg, content, style, steps: int, seed: int, save_every: int = 0, keep=None):
    """Run the notebook's optimisation with ``vgg``; returns ``(generated, costs, snapshots)``.

    ``content``, ``style``: float32 ``(1, S, S, 3)`` in [0, 1].  ``costs``: the total cost
    before each step.  ``snapshots``: ``{step: image}``: the start (step 0) and every
    ``save_every`` steps.
    """
    tf = quiet_tensorflow()
    from cnnkit.nst import get_layer_outputs
    from grading.w4a2 import reference as ref

    outputs = get_layer_outputs(vgg, ref.STYLE_LAYERS + ref.CONTENT_LAYER)
    a_C = outputs(tf.constant(content))
    a_S = outputs(tf.constant(style))
    tf.random.set_seed(seed)
    noise = tf.random.uniform(content.shape, -NOTEBOOK["noise"], NOTEBOOK["noise"])
    generated = tf.Variable(tf.clip_by_value(tf.constant(content) + noise, 0.0, 1.0))
    optimizer = tf.keras.optimizers.Adam(learning_rate=NOTEBOOK["learning_rate"])

    @tf.function
    def step(image):
        return ref.reference_step(outputs, a_S, a_C, optimizer, image,
                                  alpha=NOTEBOOK["alpha"], beta=NOTEBOOK["beta"])

    costs, snapshots = [], {0: generated.numpy()}
    for i in range(steps):
        costs.append(float(step(generated)))
        if save_every and (i + 1) % save_every == 0:
            snapshots[i + 1] = generated.numpy()
    return generated.numpy(), costs, snapshots


def style_and_content(vgg, content, style, generated):
    """``(style cost of generated vs style, content cost of generated vs content)`` in ``vgg``'s features."""
    tf = quiet_tensorflow()
    from cnnkit.nst import get_layer_outputs
    from grading.w4a2 import reference as ref

    outputs = get_layer_outputs(vgg, ref.STYLE_LAYERS + ref.CONTENT_LAYER)
    a_C, a_S, a_G = (outputs(tf.constant(x)) for x in (content, style, generated))
    return float(ref.compute_style_cost(a_S, a_G)), float(ref.compute_content_cost(a_C, a_G))


def measure(vgg, styles=None, img_size=None, steps=None, random_too=True, save_dir=None, log=print):
    """The measures of the module docstring for each style; returns a JSON-ready dict."""
    import numpy as np

    from cnnkit import nst
    from cnnkit.paintings import STYLES

    img_size = img_size or NOTEBOOK["img_size"]
    steps = steps or NOTEBOOK["steps"]
    styles = list(styles or STYLES)
    content = nst.load_image(nst.content_path(), img_size).astype(np.float32) / 255.0
    nets = {"trained": vgg}
    if random_too:
        widths = tuple(int(layer.filters) for layer in vgg.layers if layer.name.endswith("_conv1"))
        nets["random"] = random_vgg19(img_size, widths=widths)
    per_style = {}
    for name in styles:
        style = nst.load_image(nst.style_path(name), img_size).astype(np.float32) / 255.0
        row, pictures = {}, {}
        for label, net in nets.items():
            t0 = time.time()
            before, _ = style_and_content(net, content, style, content)
            _, content_style = style_and_content(net, content, style, style)
            generated, costs, snaps = transfer(net, content, style, steps, NOTEBOOK["tf_seed"])
            after, content_after = style_and_content(net, content, style, generated)
            at_start, _ = style_and_content(net, content, style, snaps[0])
            pictures[label] = generated
            row[label] = {"style_before": before, "style_start": at_start, "style_after": after, "style_drop": 1 - after / before,
                          "content_after": content_after, "content_of_style": content_style,
                          "content_ratio": content_after / content_style,
                          "cost_first": costs[0], "cost_last": costs[-1], "seconds": round(time.time() - t0, 1)}
            if save_dir:
                Path(save_dir).mkdir(parents=True, exist_ok=True)
                nst.tensor_to_image(generated).save(Path(save_dir) / f"{name}_{label}.png")
        fb_before = filter_bank_style_cost(content, style)
        for label, generated in pictures.items():
            judged = {"filter_bank": 1 - filter_bank_style_cost(generated, style) / fb_before}
            for judge, net in nets.items():
                b0, _ = style_and_content(net, content, style, content)
                b1, _ = style_and_content(net, content, style, generated)
                judged[judge] = 1 - b1 / b0
            row[label]["judged_drop"] = judged
        for label, r in row.items():
            log(f"{name:12s} {label:7s}: style {r['style_before']:.4g} -> {r['style_after']:.4g} "
                f"(drop {100 * r['style_drop']:.1f} %), content ratio {r['content_ratio']:.3f}; drop judged by "
                + ", ".join(f"{j} {100 * v:.1f} %" for j, v in r["judged_drop"].items()) + f" [{r['seconds']} s]")
        per_style[name] = row
    out = {"settings": {**NOTEBOOK, "img_size": img_size, "steps": steps, "random_seed": RANDOM_SEED},
           "styles": per_style}
    summary = {}
    for label in nets:
        rows = [per_style[s][label] for s in styles]
        summary[label] = {"style_drop_min": min(r["style_drop"] for r in rows),
                          "style_drop_mean": float(np.mean([r["style_drop"] for r in rows])),
                          "content_ratio_max": max(r["content_ratio"] for r in rows),
                          **{f"judged_by_{j}_mean": float(np.mean([r["judged_drop"][j] for r in rows]))
                             for j in rows[0]["judged_drop"]}}
    out["summary"] = summary
    return out


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--weights", default=None, help="a .npz of the mini network (default: the shipped file)")
    p.add_argument("--styles", nargs="*", default=None)
    p.add_argument("--img-size", type=int, default=None)
    p.add_argument("--steps", type=int, default=None)
    p.add_argument("--no-random", action="store_true")
    p.add_argument("--save-dir", default=str(ROOT / "build" / "w4a2" / "transfer"))
    p.add_argument("--json", default=None, help="write the measures to this file")
    args = p.parse_args(argv)
    from cnnkit import nst

    img_size = args.img_size or NOTEBOOK["img_size"]
    vgg = nst.load_vgg19(img_size, weights=args.weights or "mini")
    result = measure(vgg, args.styles, img_size, args.steps, not args.no_random, args.save_dir)
    print(json.dumps(result["summary"], indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
