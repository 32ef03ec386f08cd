"""Public checks for "Art generation with neural style transfer" (w4a2).

Run them from the notebook, right after each exercise::

    from public_tests.w4a2 import gram_matrix_test
    gram_matrix_test(gram_matrix)

Each check prints ``All tests passed.`` or raises an ``AssertionError`` that says what is
probably wrong.  They test the contract (a scalar tensor, shapes, argument order) and
properties every correct implementation has, on small inputs whose answers can be worked
out by hand: a cost is zero for equal inputs and symmetric in its two arguments; a Gram
matrix is symmetric and does not change when the positions are shuffled.  Passing them
does not prove a function right: the graded tests use more cases.

Activations are channels-last with a batch of one: ``(1, n_H, n_W, n_C)``.
"""
from __future__ import annotations

import numpy as np

from cnnkit.setup import quiet_tensorflow
from cnnkit.testing import as_numpy, quiet
from public_tests._common import _check, _passed, depends_on

_np = as_numpy


def _scalar(out, name: str) -> float:
    tf = quiet_tensorflow()
    _check(out is not None, f"{name} returned None: return the cost")
    _check(tf.is_tensor(out), f"{name} should return a scalar tf.Tensor, got {type(out).__name__} (keep the result "
           "of tf.reduce_sum; do not convert it with float() or .numpy())")
    value = _np(out)
    _check(value.shape == (), f"{name} should return a single number (shape ()), got shape {value.shape}: sum over "
           "every axis")
    return float(value)


def _volume(seed, shape):
    rng = np.random.default_rng(seed)
    return quiet_tensorflow().constant(rng.uniform(0, 1, shape).astype(np.float32))


# ----------------------------------------------------------------------------- exercise 1
def compute_content_cost_test(compute_content_cost):
    """A worked example (zeros against ones), the last layer of a list, symmetry, zero for equal inputs."""
    tf = quiet_tensorflow()
    with quiet():
        zeros, ones = tf.zeros((1, 2, 3, 4)), tf.ones((1, 2, 3, 4))
        # 24 squared differences of 1, divided by 4 * 2 * 3 * 4 = 96
        J = _scalar(compute_content_cost([zeros], [ones]), "compute_content_cost")
    _check(abs(J - 0.25) < 1e-6, f"compute_content_cost([zeros], [ones]) for activations (1, 2, 3, 4) should be "
           f"24 / (4 * 2 * 3 * 4) = 0.25, got {J:.6g}. Divide the sum of squared differences by 4 * n_H * n_W * n_C")
    with quiet():
        first_C, first_G = _volume(1, (1, 6, 5, 2)), _volume(2, (1, 6, 5, 2))
        a_C, a_G = _volume(3, (1, 3, 4, 5)), _volume(4, (1, 3, 4, 5))
        J_list = _scalar(compute_content_cost([first_C, a_C], [first_G, a_G]), "compute_content_cost")
        J_last = _scalar(compute_content_cost([a_C], [a_G]), "compute_content_cost")
        J_swapped = _scalar(compute_content_cost([a_G], [a_C]), "compute_content_cost")
        J_same = _scalar(compute_content_cost([a_C], [a_C]), "compute_content_cost")
    _check(abs(J_list - J_last) <= 1e-5 * J_last, "with lists of two layers, compute_content_cost should use the "
           f"last one only (content_output[-1], generated_output[-1]): got {J_list:.6g} instead of {J_last:.6g}")
    _check(abs(J_last - J_swapped) <= 1e-5 * J_last, "the content cost is symmetric: swapping C and G should not "
           "change it")
    _check(J_same == 0.0, f"the content cost of two equal volumes should be 0, got {J_same:.3g}")
    _passed()


# ----------------------------------------------------------------------------- exercise 2
def gram_matrix_test(gram_matrix):
    """A worked 2x3 example, shape (n_C, n_C) when n_C != n_H*n_W, symmetry."""
    tf = quiet_tensorflow()
    A = tf.constant([[1.0, 2.0, 0.0], [0.0, 1.0, 3.0]])
    with quiet():
        G = gram_matrix(A)
    _check(tf.is_tensor(G), f"gram_matrix should return a tf.Tensor, got {type(G).__name__}")
    G = _np(G)
    _check(G.shape == (2, 2), f"for A of shape (2, 3) (2 channels, 3 positions) the Gram matrix should have shape "
           f"(2, 2), got {G.shape}. Compute A A^T, not A^T A")
    _check(np.allclose(G, [[5.0, 2.0], [2.0, 10.0]]), f"gram_matrix([[1, 2, 0], [0, 1, 3]]) should be [[5, 2], "
           f"[2, 10]] (each row times each row), got {G.tolist()}")
    with quiet():
        B = tf.constant(np.random.default_rng(5).normal(size=(4, 9)), tf.float32)
        GB = _np(gram_matrix(B))
    _check(GB.shape == (4, 4), f"for A of shape (4, 9) expected a (4, 4) Gram matrix, got {GB.shape}")
    _check(np.allclose(GB, GB.T, atol=1e-5), "a Gram matrix is symmetric; yours is not")
    _passed()


# ----------------------------------------------------------------------------- exercise 3
@depends_on(gram_matrix=gram_matrix_test)
def compute_layer_style_cost_test(compute_layer_style_cost):
    """A worked example, zero for equal inputs and for shuffled positions, symmetry."""
    tf = quiet_tensorflow()
    with quiet():
        # one channel, 4 positions: G_S = [[16]] (4 x 2^2), G_G = [[4]]; (16 - 4)^2 / (4 * 1 * 16) = 2.25
        J = _scalar(compute_layer_style_cost(2 * tf.ones((1, 2, 2, 1)), tf.ones((1, 2, 2, 1))),
                    "compute_layer_style_cost")
    _check(abs(J - 2.25) < 1e-5, f"for a_S = 2 and a_G = 1 everywhere, shape (1, 2, 2, 1), the style cost should be "
           f"(16 - 4)^2 / (4 * 1^2 * (2*2)^2) = 2.25, got {J:.6g}. Check the denominator 4 * n_C**2 * (n_H*n_W)**2")
    with quiet():
        a_S, a_G = _volume(6, (1, 3, 5, 4)), _volume(7, (1, 3, 5, 4))
        J = _scalar(compute_layer_style_cost(a_S, a_G), "compute_layer_style_cost")
        J_swapped = _scalar(compute_layer_style_cost(a_G, a_S), "compute_layer_style_cost")
        J_same = _scalar(compute_layer_style_cost(a_S, a_S), "compute_layer_style_cost")
        # the same picture with its positions shuffled (all channels moved together): same Gram matrix
        order = np.random.default_rng(8).permutation(15)
        shuffled = tf.reshape(tf.gather(tf.reshape(a_S, (15, 4)), order), (1, 3, 5, 4))
        J_shuffled = _scalar(compute_layer_style_cost(a_S, shuffled), "compute_layer_style_cost")
    _check(J > 0 and abs(J - J_swapped) <= 1e-5 * J, "the style cost is positive for different activations and "
           "symmetric in a_S and a_G")
    _check(abs(J_same) < 1e-7, f"the style cost of equal activations should be 0, got {J_same:.3g}")
    _check(abs(J_shuffled) <= 1e-4 * J, f"shuffling the positions of a volume (every channel the same way) should not "
           f"change its Gram matrix, so the style cost against the shuffled copy should be 0; got {J_shuffled:.3g}. "
           "Unroll with tf.reshape to (n_H*n_W, n_C) first, then tf.transpose to (n_C, n_H*n_W): reshaping straight "
           "to (n_C, n_H*n_W) mixes positions and channels")
    _passed()


# ----------------------------------------------------------------------------- exercise 4
def total_cost_test(total_cost):
    """Defaults 10 and 40; alpha and beta by keyword; a tensor."""
    with quiet():
        J = _scalar(total_cost(1.0, 2.0), "total_cost")
    _check(abs(J - 90.0) < 1e-4, f"total_cost(1.0, 2.0) should be 10 * 1 + 40 * 2 = 90 (alpha=10, beta=40 by "
           f"default), got {J:.6g}" + (": alpha and beta are swapped" if abs(J - 60.0) < 1e-4 else ""))
    with quiet():
        J = _scalar(total_cost(1.0, 2.0, alpha=3.0, beta=0.5), "total_cost")
    _check(abs(J - 4.0) < 1e-5, f"total_cost(1.0, 2.0, alpha=3.0, beta=0.5) should be 3 * 1 + 0.5 * 2 = 4, got {J:.6g}: "
           "use the alpha and beta passed in")
    _passed()


# ----------------------------------------------------------------------------- exercise 5
def _small_network(rng):
    """A small frozen CNN with six outputs (five 'style' layers, then a 'content' layer) for 16x16 pictures."""
    tf = quiet_tensorflow()
    L = tf.keras.layers
    inp = tf.keras.Input((16, 16, 3))
    c1 = L.Conv2D(4, 3, padding="same", activation="relu")(inp)
    c2 = L.Conv2D(6, 3, padding="same", activation="relu")(L.MaxPooling2D(2)(c1))
    c3 = L.Conv2D(8, 3, padding="same", activation="relu")(c2)
    c4 = L.Conv2D(8, 3, padding="same", activation="relu")(L.MaxPooling2D(2)(c3))
    c5 = L.Conv2D(8, 3, padding="same", activation="relu")(c4)
    c6 = L.Conv2D(8, 3, padding="same", activation="relu")(c5)
    model = tf.keras.Model(inp, [c1, c2, c3, c4, c5, c6])
    model.set_weights([rng.normal(0.0, 0.4, w.shape).astype(np.float32) if w.ndim > 1
                       else np.full(w.shape, 0.05, np.float32) for w in model.get_weights()])
    model.trainable = False
    return model


def train_step_test(train_step):
    """Two steps on a small network and small pictures, with a fresh optimizer (the notebook's globals restored).

    Checks that J is the total cost of the picture before the step (computed with your own cost
    functions), that the pixels moved by at most the learning rate and stay in [0, 1], that the
    global optimizer made both steps, and that the cost went down.
    """
    tf = quiet_tensorflow()
    step = getattr(train_step, "python_function", train_step)
    ns = getattr(step, "__globals__", {})
    missing = [n for n in ("vgg_model_outputs", "a_S", "a_C", "optimizer", "compute_style_cost",
                           "compute_content_cost", "total_cost", "clip_0_1") if n not in ns]
    _check(not missing, f"run the cells above first: {missing} not defined")
    rng = np.random.default_rng(11)
    with quiet():
        model = _small_network(rng)
        content, style = (tf.constant(rng.uniform(0, 1, (1, 16, 16, 3)).astype(np.float32)) for _ in range(2))
        start = np.clip(rng.uniform(-0.2, 1.2, (1, 16, 16, 3)), 0, 1).astype(np.float32)   # some pixels at 0 and 1
        a_C, a_S, a_G = model(content), model(style), model(tf.constant(start))
        cost = ns["total_cost"], ns["compute_content_cost"], ns["compute_style_cost"]
        try:
            J_total = float(cost[0](cost[1](a_C, a_G), cost[2](a_S, a_G)))
            J_crossed = float(cost[0](cost[1](a_S, a_G), cost[2](a_C, a_G)))
        except Exception as err:   # a cost function is not written yet: its own test says why
            used = set(getattr(getattr(step, "__code__", None), "co_names", ()))
            if used & {"compute_content_cost", "compute_style_cost", "total_cost"}:
                print(f"train_step_test: your cost functions raised {type(err).__name__} ({err}); finish exercises "
                      "1-4 first, then run this cell again. (train_step is graded with correct cost functions.)")
                return
            raise AssertionError(f"train_step does not call the cost functions (compute_style_cost, "
                                 f"compute_content_cost, total_cost), and they raised {type(err).__name__}: "
                                 "write exercises 1-4, then train_step") from None
    lr = float(ns["optimizer"].learning_rate.numpy()) if hasattr(ns["optimizer"], "learning_rate") else 0.01
    fresh = tf.keras.optimizers.Adam(learning_rate=lr)
    image = tf.Variable(start)
    saved = {name: ns[name] for name in ("vgg_model_outputs", "a_S", "a_C", "optimizer")}
    ns.update(vgg_model_outputs=model, a_S=a_S, a_C=a_C, optimizer=fresh)
    try:
        with quiet():
            J = step(image)
            first = image.numpy()
            step(image)
    finally:
        ns.update(saved)
    J = _scalar(J, "train_step")
    _check(abs(J - J_total) <= 1e-3 * abs(J_total), f"train_step returned J = {J:.6g}, but total_cost(J_content, "
           f"J_style) of the picture before the step is {J_total:.6g}" +
           (": a_S and a_C are swapped (the style targets are a_S, the content targets a_C)"
            if abs(J - J_crossed) <= 1e-3 * abs(J_crossed) else ""))
    _check(first.min() >= 0.0 and first.max() <= 1.0, f"after a step the pixels should stay in [0, 1], found values "
           f"from {first.min():.4f} to {first.max():.4f}: write the clip_0_1 of the picture back into it with its assign method")
    moved = np.abs(first - start).max()
    _check(moved > 0, "the picture did not change: give the (gradient, picture) pair to "
           "optimizer.apply_gradients")
    _check(moved <= 1.01 * lr, f"a first Adam step moves each pixel by at most the learning rate ({lr}); some moved by "
           f"{moved:.4f}")
    _check(int(fresh.iterations.numpy()) == 2, f"after two calls of train_step the global optimizer made "
           f"{int(fresh.iterations.numpy())} steps, expected 2: use the global `optimizer` (do not create one in "
           "train_step)")
    with quiet():
        a_G = model(tf.constant(image.numpy()))
        J_after = float(cost[0](cost[1](a_C, a_G), cost[2](a_S, a_G)))
    _check(J_after < J_total, f"after two steps the total cost went up ({J_total:.6g} -> {J_after:.6g}): pass the "
           "gradient itself to optimizer.apply_gradients (the optimizer subtracts it)")
    _passed()
