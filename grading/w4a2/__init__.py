"""Hidden-test logic for ``w4a2_style_transfer`` (instructor only).

One entry point per graded function, called from the notebook's HIDDEN TESTS regions::

    from grading.w4a2 import check_train_step
    check_train_step(train_step)

Expected values come from ``grading.w4a2.reference`` (NumPy float64 formulas for the costs;
TensorFlow references for the training step), computed in the same process as the
comparison, with relative tolerances that hold on CPU and GPU (TF32 is off).  Inputs are
random activations drawn from ``np.random.default_rng((SEED, exercise))``: shapes with
``n_H != n_W != n_C``, Gram inputs with more channels than positions and the other way
round, lists of one and of three layers whose last element differs from the others.

Helpers are isolated (spec section 6): ``compute_layer_style_cost`` runs with the reference
``gram_matrix``; ``train_step`` runs (undecorated, ``python_function``) with a small network,
distinct content and style targets, a fresh Adam and the reference cost functions in place of
the notebook's globals, and is compared with reference Adam steps.  When the student's code
runs in the grader's sandboxed worker, those references and the image variable are placed
beside it there (``_harness``), because gradients cannot cross the wire.
"""
from __future__ import annotations

import inspect

import numpy as np

from cnnkit.setup import quiet_tensorflow
from cnnkit.testing import as_numpy
from grading.common import GradingError, call_checked, expect, hidden_test, isolated_globals
from grading.w4a2 import reference as ref

SEED = 5402
GRADED = ("compute_content_cost", "gram_matrix", "compute_layer_style_cost", "total_cost", "train_step")
RTOL = 1e-4          # float32 sums of a few hundred terms, CPU or GPU (TF32 off)


def _rng(exercise: int) -> np.random.Generator:
    return np.random.default_rng((SEED, exercise))


def _activations(rng, shape, sparse=0.35):
    """ReLU-like activations: non-negative, about ``sparse`` of them zero, float32 tensors."""
    tf = quiet_tensorflow()
    a = rng.gamma(1.5, 0.8, shape) * (rng.uniform(size=shape) > sparse)
    return tf.constant(a.astype(np.float32))


def _scalar(out, what: str) -> float:
    """The value of a scalar tensor, or a GradingError saying what was returned instead."""
    tf = quiet_tensorflow()
    expect(out is not None, f"{what} returned None; return the cost (a scalar tensor)")
    expect(tf.is_tensor(out), f"{what} should return a scalar tf.Tensor (e.g. what tf.reduce_sum gives), got "
           f"{type(out).__name__}; keep the result a tensor instead of converting it with float() or .numpy()")
    value = as_numpy(out)
    expect(value.shape == (), f"{what} should return a scalar (shape ()), got shape {value.shape}: sum over every "
           "axis (tf.reduce_sum without an axis)")
    value = float(value)
    expect(np.isfinite(value), f"{what} returned {value}")
    return value


def _close(got: float, expected: float, rtol: float = RTOL) -> bool:
    return abs(got - expected) <= rtol * abs(expected) + 1e-12


def _explain_ratio(got: float, expected: float, known: dict) -> str:
    """A hint when ``got / expected`` matches a known mistake (``{ratio: message}``)."""
    if expected == 0:
        return ""
    for ratio, message in known.items():
        if _close(got, expected * ratio, 1e-3):
            return " " + message
    return ""


# =============================================================================== ex. 1
CONTENT_SHAPES = ((1, 5, 7, 3), (1, 4, 9, 6), (1, 8, 3, 11), (1, 2, 6, 13))


@hidden_test
def check_compute_content_cost(compute_content_cost):
    """Exercise 1: last layer of the lists, 4 n_H n_W n_C normalisation, a scalar tensor."""
    rng = _rng(1)
    for k, shape in enumerate(CONTENT_SHAPES):
        _, n_H, n_W, n_C = shape
        a_C, a_G = _activations(rng, shape), _activations(rng, shape)
        if k % 2:     # three layers; the first two have other shapes and values
            others = [(1, n_H + 2, n_W + 1, max(1, n_C - 1)), (1, n_H + 1, n_W + 3, n_C + 2)]
            content = [_activations(rng, s) for s in others] + [a_C]
            generated = [_activations(rng, s) for s in others] + [a_G]
        else:
            content, generated = [a_C], [a_G]
        if k == 2:
            content, generated = tuple(content), tuple(generated)
        what = (f"compute_content_cost on {type(content).__name__}s of {len(content)} layer(s), last layer "
                f"{shape}")
        if k % 2:
            out = call_checked(compute_content_cost, content_output=content, generated_output=generated)
        else:
            out = call_checked(compute_content_cost, content, generated)
        got = _scalar(out, what)
        expected = ref.np_content_cost(a_C, a_G)
        if _close(got, expected):
            continue
        hint = _explain_ratio(got, expected, {
            4.0: "It is 4 times too large: divide by 4 * n_H * n_W * n_C (tf.reduce_mean of the squares leaves out "
                 "the 4).",
            4.0 * n_H * n_W * n_C: "It is not normalised: divide the sum by 4 * n_H * n_W * n_C.",
            4.0 * n_C: "The denominator misses n_C.",
            1.0 / (n_H * n_W * n_C): "Divide by 4 * n_H * n_W * n_C once."})
        if not hint and len(content) > 1:
            first = ref.np_content_cost(content[0], generated[0]) if content[0].shape == generated[0].shape else None
            if first is not None and _close(got, first, 1e-3):
                hint = (" It is the cost of the *first* layer of the lists: use the last one, content_output[-1] and "
                        "generated_output[-1].")
        raise GradingError(f"{what}: got {got:.6g}, expected {expected:.6g}.{hint}")


# =============================================================================== ex. 2
GRAM_SHAPES = ((3, 20), (12, 5), (7, 7), (1, 9), (16, 2))


@hidden_test
def check_gram_matrix(gram_matrix):
    """Exercise 2: A A^T of shape (n_C, n_C) for n_C smaller, equal and larger than n_H n_W."""
    tf = quiet_tensorflow()
    rng = _rng(2)
    for k, shape in enumerate(GRAM_SHAPES):
        A = rng.normal(0.2, 1.0, shape).astype(np.float32)
        what = f"gram_matrix on A of shape {shape} (n_C={shape[0]}, n_H*n_W={shape[1]})"
        out = call_checked(gram_matrix, tf.constant(A)) if k % 2 == 0 else call_checked(gram_matrix, A=tf.constant(A))
        expect(out is not None, f"{what} returned None")
        expect(tf.is_tensor(out), f"{what} should return a tf.Tensor, got {type(out).__name__}")
        G = as_numpy(out).astype(np.float64)
        A64 = A.astype(np.float64)
        if G.shape == (shape[1], shape[1]) and shape[0] != shape[1]:
            raise GradingError(f"{what}: the result has shape {G.shape}, that of A^T A; the Gram matrix is A A^T, "
                               f"of shape (n_C, n_C) = {(shape[0], shape[0])}")
        expect(G.shape == (shape[0], shape[0]), f"{what}: expected shape {(shape[0], shape[0])}, got {G.shape}")
        expected = A64 @ A64.T
        scale = np.abs(expected).max()
        if not np.allclose(G, expected, rtol=RTOL, atol=RTOL * scale):
            hint = ""
            if shape[0] == shape[1] and np.allclose(G, A64.T @ A64, rtol=RTOL, atol=RTOL * scale):
                hint = " It equals A^T A: the Gram matrix is A A^T (multiply A by its transpose on the right)."
            raise GradingError(f"{what}: values differ from A A^T (largest difference "
                               f"{np.abs(G - expected).max():.3g}).{hint}")
        expect(np.allclose(G, G.T, rtol=RTOL, atol=RTOL * scale), f"{what}: a Gram matrix is symmetric; yours is not")


# =============================================================================== ex. 3
STYLE_SHAPES = ((1, 4, 6, 3), (1, 5, 3, 8), (1, 7, 2, 5), (1, 3, 5, 4), (1, 6, 4, 7))


def _direct_reshape_cost(a_S, a_G) -> float:
    """The style cost when the volumes are reshaped straight to (n_C, n_H n_W) (the classic mistake)."""
    _, h, w, c = a_G.shape
    S = as_numpy(a_S).astype(np.float64).reshape(c, h * w)
    G = as_numpy(a_G).astype(np.float64).reshape(c, h * w)
    return float(((S @ S.T - G @ G.T) ** 2).sum() / (4 * c ** 2 * (h * w) ** 2))


@hidden_test
def check_compute_layer_style_cost(compute_layer_style_cost):
    """Exercise 3: unroll (reshape, then transpose), Gram matrices, 4 n_C^2 (n_H n_W)^2; zero for equal inputs."""
    rng = _rng(3)
    with isolated_globals(compute_layer_style_cost, gram_matrix=ref.gram_matrix):
        for k, shape in enumerate(STYLE_SHAPES):
            _, n_H, n_W, n_C = shape
            while True:
                a_S, a_G = _activations(rng, shape), _activations(rng, shape)
                expected = ref.np_layer_style_cost(a_S, a_G)
                if not _close(_direct_reshape_cost(a_S, a_G), expected, 1e-2):
                    break
            what = f"compute_layer_style_cost on activations of shape {shape}"
            out = (call_checked(compute_layer_style_cost, a_S, a_G) if k % 2 == 0
                   else call_checked(compute_layer_style_cost, a_S=a_S, a_G=a_G))
            got = _scalar(out, what)
            if _close(got, expected):
                continue
            hint = ""
            if _close(got, _direct_reshape_cost(a_S, a_G), 1e-3):
                hint = (" This is what a direct reshape to (n_C, n_H*n_W) gives, which mixes positions and channels: "
                        "reshape to (n_H*n_W, n_C) first, then transpose.")
            else:
                hint = _explain_ratio(got, expected, {
                    4.0: "It is 4 times too large: the denominator is 4 * n_C**2 * (n_H*n_W)**2.",
                    float(n_C * n_H * n_W): "The denominator should be 4 * n_C**2 * (n_H*n_W)**2, not "
                                            "4 * n_C * n_H * n_W.",
                    4.0 * n_C ** 2 * (n_H * n_W) ** 2: "It is not normalised: divide by 4 * n_C**2 * (n_H*n_W)**2.",
                    4.0 * n_C ** 2 * (n_H * n_W) ** 2 / (n_C * n_C): "tf.reduce_mean averages over the n_C**2 "
                    "entries but leaves out 4 * (n_H*n_W)**2: divide the sum by 4 * n_C**2 * (n_H*n_W)**2.",
                    float(n_C): "The denominator misses a factor n_C: it is 4 * n_C**2 * (n_H*n_W)**2.",
                    float(n_H * n_W): "The denominator misses a factor n_H*n_W: it is 4 * n_C**2 * (n_H*n_W)**2."})
            raise GradingError(f"{what}: got {got:.6g}, expected {expected:.6g}.{hint}")
        a = _activations(rng, (1, 5, 4, 6))
        got = _scalar(call_checked(compute_layer_style_cost, a, a), "compute_layer_style_cost(a, a)")
        expect(abs(got) <= 1e-7, f"compute_layer_style_cost(a, a) for identical activations should be 0, got {got:.3g}")


# =============================================================================== ex. 4
@hidden_test
def check_total_cost(total_cost):
    """Exercise 4: alpha J_content + beta J_style, defaults 10 and 40, by position and by keyword."""
    tf = quiet_tensorflow()
    J_content, J_style = 3.75, 0.625
    cases = [
        ("total_cost(J_content, J_style)", (tf.constant(J_content), tf.constant(J_style)), {}, 10, 40),
        ("total_cost(J_content, J_style, 2.5, 7.0)", (tf.constant(J_content), tf.constant(J_style), 2.5, 7.0), {},
         2.5, 7.0),
        ("total_cost(J_content, J_style, beta=3.0, alpha=0.5)", (tf.constant(J_content), tf.constant(J_style)),
         {"beta": 3.0, "alpha": 0.5}, 0.5, 3.0),
        ("total_cost(J_content, J_style, beta=1.5)", (tf.constant(J_content), tf.constant(J_style)), {"beta": 1.5},
         10, 1.5),
        ("total_cost(J_content=1.25, J_style=<tensor 2.5>, alpha=4.0)", (),
         {"J_content": 1.25, "J_style": tf.constant(2.5), "alpha": 4.0}, 4.0, 40),
        ("total_cost(<tensor 0.8>, 0.05) (a Python float J_style)", (tf.constant(0.8), 0.05), {}, 10, 40),
    ]
    for what, args, kwargs, alpha, beta in cases:
        out = call_checked(total_cost, *args, **kwargs)
        got = _scalar(out, what)
        jc = float(kwargs.get("J_content", args[0] if args else 0))
        js = float(kwargs.get("J_style", args[1] if len(args) > 1 else 0))
        expected = alpha * jc + beta * js
        if _close(got, expected, 1e-6):
            continue
        hint = ""
        if _close(got, beta * jc + alpha * js, 1e-6):
            hint = " alpha and beta are swapped: alpha weighs J_content, beta weighs J_style."
        elif _close(got, alpha * jc + 40 * js, 1e-6) or _close(got, 10 * jc + 40 * js, 1e-6):
            hint = " The weights given as arguments are not used: use alpha and beta, not fixed numbers."
        elif _close(got, alpha * jc + js, 1e-6) or _close(got, jc + beta * js, 1e-6):
            hint = " One of the two costs is not multiplied by its weight."
        raise GradingError(f"{what}: got {got:.6g}, expected alpha * J_content + beta * J_style = {expected:.6g}."
                           f"{hint}")


# =============================================================================== ex. 5
TRAIN_STYLE_LAYERS = [("block1_conv1", 0.35), ("block2_conv1", 0.1), ("block3_conv1", 0.25), ("block4_conv1", 0.2),
                      ("block5_conv1", 0.1)]
TRAIN_SHAPE = (1, 12, 10, 3)


def _small_network(rng):
    """Five 'style' outputs and a 'content' output (last) from a small frozen CNN on (12, 10, 3) inputs."""
    tf = quiet_tensorflow()
    L = tf.keras.layers
    inp = tf.keras.Input(TRAIN_SHAPE[1:])
    c1 = L.Conv2D(4, 3, padding="same", activation="relu", name="block1_conv1")(inp)
    c2 = L.Conv2D(5, 3, padding="same", activation="relu", name="block2_conv1")(L.MaxPooling2D(2, name="pool1")(c1))
    c3 = L.Conv2D(6, 3, padding="same", activation="relu", name="block3_conv1")(c2)
    c4 = L.Conv2D(7, 2, padding="same", activation="relu", name="block4_conv1")(L.MaxPooling2D(2, name="pool2")(c3))
    c5 = L.Conv2D(5, 2, padding="same", activation="relu", name="block5_conv1")(c4)
    content = L.Conv2D(6, 2, padding="same", activation="relu", name="block5_conv4")(c5)
    model = tf.keras.Model(inp, [c1, c2, c3, c4, c5, content], name="small_feature_network")
    model.set_weights([rng.normal(0.05, 0.5, w.shape).astype(np.float32) if w.ndim > 1
                       else rng.uniform(0.0, 0.2, w.shape).astype(np.float32) for w in model.get_weights()])
    model.trainable = False
    return model


def _start_image(rng):
    """Pixels in [0, 1], a quarter of them exactly 0 and a quarter exactly 1 (so the clip binds)."""
    x = rng.uniform(0.0, 1.0, TRAIN_SHAPE)
    u = rng.uniform(size=TRAIN_SHAPE)
    x[u < 0.25] = 0.0
    x[u > 0.75] = 1.0
    return x.astype(np.float32)


def _harness(func):
    """The reference costs and the step runner where ``func`` runs (``reference.harness()``).

    In the grader's sandboxed worker they are defined in a namespace of their own (not the
    student's) and only handles come back; in this process they are the reference module's.
    """
    from grading import rpc

    if not isinstance(func, rpc.Remote):
        return ref.harness()
    peer = func._peer
    source = inspect.getsource(ref)
    cell = ("_w4a2_hidden_harness = (lambda ns: (exec(compile(" + repr(source) + ", '<w4a2 reference>', 'exec'), "
            "ns), ns['harness']())[1])({'__name__': 'w4a2_reference'})")
    errors = peer.request("exec", cells=[("w4a2 hidden harness", cell)])
    if errors:
        raise GradingError(f"the hidden tests could not start: {next(iter(errors.values()))}")
    try:
        return peer.request("lookup", name="_w4a2_hidden_harness")
    finally:
        peer.request("exec", cells=[("w4a2 hidden harness cleanup", "del _w4a2_hidden_harness")])


@hidden_test
def check_train_step(train_step):
    """Exercise 5: J from the right targets, one Adam step of the global optimizer, clipping; two steps."""
    tf = quiet_tensorflow()
    rng = _rng(5)
    step = getattr(train_step, "python_function", train_step)
    model = _small_network(rng)
    content, style = (rng.uniform(0, 1, TRAIN_SHAPE).astype(np.float32) for _ in range(2))
    a_C, a_S = model(tf.constant(content)), model(tf.constant(style))
    start = _start_image(rng)

    # the reference: two steps of a fresh Adam, clipping after each
    var, opt = tf.Variable(start), tf.keras.optimizers.Adam(learning_rate=ref.LEARNING_RATE)
    expected = []
    for _ in range(2):
        J = ref.reference_step(model, a_S, a_C, opt, var, style_layers=TRAIN_STYLE_LAYERS)
        expected.append((float(J), var.numpy()))
    a_G = model(tf.constant(start))
    Jc = float(ref.compute_content_cost(a_C, a_G))
    Js = float(ref.compute_style_cost(a_S, a_G, TRAIN_STYLE_LAYERS))
    Js_wrong = float(ref.compute_style_cost(a_C, a_G, TRAIN_STYLE_LAYERS))
    Jc_wrong = float(ref.compute_content_cost(a_S, a_G))
    assert abs(expected[0][0] - (10 * Jc + 40 * Js)) <= 1e-4 * expected[0][0]

    h = _harness(step)
    swaps = dict(vgg_model_outputs=model, a_S=a_S, a_C=a_C,
                 optimizer=tf.keras.optimizers.Adam(learning_rate=ref.LEARNING_RATE),
                 compute_content_cost=h["compute_content_cost"],
                 compute_style_cost=h["make_style_cost"](TRAIN_STYLE_LAYERS), total_cost=h["total_cost"])
    with isolated_globals(step, **swaps):
        results, iterations = h["run_steps"](step, start, 2)

    what = ("train_step on a small network (content and style targets from different pictures, a fresh Adam with "
            "learning_rate=0.01)")
    (J1, img1), (J2, img2) = results
    got = _scalar(J1, f"{what}: the returned J")
    e1 = expected[0][0]
    if not _close(got, e1):
        hints = [(10 * Jc + 40 * Js_wrong, "the style cost is computed against a_C: use compute_style_cost(a_S, a_G)"),
                 (10 * Jc_wrong + 40 * Js, "the content cost is computed against a_S: use compute_content_cost(a_C, a_G)"),
                 (10 * Jc_wrong + 40 * Js_wrong, "a_C and a_S are swapped"),
                 (40 * Jc + 10 * Js, "J_content and J_style are swapped in total_cost(J_content, J_style)"),
                 (10 * Jc, "J leaves out the style cost"), (40 * Js, "J leaves out the content cost"),
                 (Jc + Js, "J should be total_cost(J_content, J_style), with alpha = 10 and beta = 40")]
        hint = next((" " + m + "." for v, m in hints if _close(got, v, 1e-3)), "")
        raise GradingError(f"{what}: returned J = {got:.6g}, expected {e1:.6g}, the total cost of the picture before "
                           f"the step.{hint}")
    img1 = as_numpy(img1).astype(np.float64)
    expect(img1.shape == TRAIN_SHAPE, f"{what}: the image changed shape to {img1.shape}")
    if not np.allclose(img1, expected[0][1], atol=1e-5, rtol=0):
        if img1.min() < -1e-6 or img1.max() > 1 + 1e-6:
            raise GradingError(f"{what}: after the step some pixels lie outside [0, 1] (from {img1.min():.4f} to "
                               f"{img1.max():.4f}); write the clip_0_1 of the picture back into it with its assign method")
        if np.allclose(img1, start, atol=1e-7):
            raise GradingError(f"{what}: the image did not change; give the (gradient, picture) pair to "
                               "optimizer.apply_gradients")
        if np.allclose(img1, np.clip(2 * start - expected[0][1], 0, 1), atol=1e-5):
            raise GradingError(f"{what}: the pixels moved the wrong way (the cost went up): apply the gradient "
                               "itself, and let the optimizer subtract it")
        raise GradingError(f"{what}: the image after one step differs from one Adam step of the gradient of J followed "
                           f"by clipping (largest difference {np.abs(img1 - expected[0][1]).max():.3g})")
    expect(iterations == 2, f"{what}: after two calls the global optimizer made {iterations} steps, expected 2. Use "
           "the global `optimizer` (created once, outside the function); a new optimizer in every call forgets "
           "Adam's running averages")
    got2 = _scalar(J2, f"{what}: J of the second call")
    expect(_close(got2, expected[1][0]), f"{what}: the second call returned J = {got2:.6g}, expected "
           f"{expected[1][0]:.6g}")
    img2 = as_numpy(img2).astype(np.float64)
    expect(np.allclose(img2, expected[1][1], atol=1e-5, rtol=0),
           f"{what}: after a second step the image differs from two steps of one Adam optimizer (largest difference "
           f"{np.abs(img2 - expected[1][1]).max():.3g})")
