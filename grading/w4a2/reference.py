"""Reference cost functions and training step for ``w4a2_style_transfer`` (instructor only, never shipped).

Written independently of the notebook's solution cells (different unrolling and
reduction formulations), used by the hidden tests (values computed at test time) and by
the project's scripts (``scripts/w4a2_train_vgg19_mini.py``, ``scripts/w4a2_measure_transfer.py``).

Shapes: activations ``(1, n_H, n_W, n_C)``, channels-last.

- content cost   ``J_content = sum((a_C - a_G)**2) / (4 n_H n_W n_C)`` on the *last* element of
  the output lists;
- Gram matrix    ``G = A A^T`` for ``A`` of shape ``(n_C, n_H n_W)``;
- layer style    ``J = sum((G_S - G_G)**2) / (4 n_C**2 (n_H n_W)**2)`` with ``A`` the activation
  unrolled as ``(n_H n_W, n_C)`` and transposed;
- style cost     ``sum_l lambda_l J_l`` over ``STYLE_LAYERS`` (the output lists' last element,
  the content layer, is dropped);
- total cost     ``alpha J_content + beta J_style``.
"""
from __future__ import annotations

import numpy as np

from cnnkit.setup import quiet_tensorflow

#: The notebook's style layers and weights (spec w4a2 2.4) and its content layer.
STYLE_LAYERS = [("block1_conv1", 0.2), ("block2_conv1", 0.2), ("block3_conv1", 0.2),
                ("block4_conv1", 0.2), ("block5_conv1", 0.2)]
CONTENT_LAYER = [("block5_conv4", 1)]
ALPHA, BETA = 10, 40
LEARNING_RATE = 0.01
NOISE = 0.25



# ----------------------------------------------------------------------------- costs (TensorFlow)
def compute_content_cost(content_outputs, generated_outputs):
    """Content cost of the last layer of two output lists (a scalar tensor)."""
    tf = quiet_tensorflow()
    target = tf.convert_to_tensor(content_outputs[-1], tf.float32)
    current = tf.convert_to_tensor(generated_outputs[-1], tf.float32)
    _, h, w, c = current.shape
    diff = tf.reshape(target - current, [-1])
    return tf.tensordot(diff, diff, axes=1) / float(4 * h * w * c)


def gram_matrix(A):
    """``A A^T`` for ``A`` of shape ``(n_C, n_H n_W)`` (an einsum over positions)."""
    tf = quiet_tensorflow()
    A = tf.convert_to_tensor(A, tf.float32)
    return tf.einsum("ip,jp->ij", A, A)


def _channels_by_positions(a):
    """``(1, n_H, n_W, n_C)`` -> ``(n_C, n_H n_W)`` (channel axis moved first, then flattened)."""
    tf = quiet_tensorflow()
    a = tf.convert_to_tensor(a, tf.float32)
    _, h, w, c = a.shape
    return tf.reshape(tf.transpose(a, perm=[0, 3, 1, 2]), [c, h * w])


def compute_layer_style_cost(a_S, a_G):
    """Style cost of one layer (a scalar tensor)."""
    tf = quiet_tensorflow()
    s, g = _channels_by_positions(a_S), _channels_by_positions(a_G)
    c, hw = g.shape
    delta = gram_matrix(s) - gram_matrix(g)
    return tf.reduce_sum(delta * delta) / float(4 * c * c * hw * hw)


def compute_style_cost(style_outputs, generated_outputs, STYLE_LAYERS=STYLE_LAYERS):
    """Weighted sum of the layer style costs; the lists' last element (content layer) is dropped."""
    tf = quiet_tensorflow()
    pairs = list(zip(style_outputs[:-1], generated_outputs[:-1]))
    if len(pairs) != len(STYLE_LAYERS):
        raise ValueError(f"{len(pairs)} style outputs for {len(STYLE_LAYERS)} STYLE_LAYERS")
    terms = [float(weight) * compute_layer_style_cost(a_s, a_g)
             for (a_s, a_g), (_, weight) in zip(pairs, STYLE_LAYERS)]
    return tf.add_n(terms)


def total_cost(J_content, J_style, alpha=ALPHA, beta=BETA):
    """``alpha J_content + beta J_style`` as a tensor."""
    tf = quiet_tensorflow()
    costs = tf.stack([tf.cast(J_content, tf.float32), tf.cast(J_style, tf.float32)])
    return tf.tensordot(tf.cast(tf.stack([alpha, beta]), tf.float32), costs, axes=1)


# ----------------------------------------------------------------------------- costs (NumPy, float64)
def np_content_cost(a_C, a_G) -> float:
    a_C, a_G = np.asarray(a_C, np.float64), np.asarray(a_G, np.float64)
    return float(((a_C - a_G) ** 2).sum() / (4 * np.prod(a_G.shape[1:])))


def np_gram(A) -> np.ndarray:
    A = np.asarray(A, np.float64)
    return A @ A.T


def np_layer_style_cost(a_S, a_G) -> float:
    def unroll(a):
        a = np.asarray(a, np.float64)
        return a.reshape(-1, a.shape[-1]).T

    S, G = unroll(a_S), unroll(a_G)
    c, hw = G.shape
    return float(((np_gram(S) - np_gram(G)) ** 2).sum() / (4 * c ** 2 * hw ** 2))


# ----------------------------------------------------------------------------- the training step
def reference_step(vgg_model_outputs, a_S, a_C, optimizer, generated_image, style_layers=STYLE_LAYERS,
                   alpha=ALPHA, beta=BETA):
    """One optimisation step of the pixels (eager); returns the cost before the step.

    ``J = alpha J_content(a_C, a_G) + beta J_style(a_S, a_G)`` with ``a_G =
    vgg_model_outputs(generated_image)``; one ``optimizer`` step on ``generated_image``
    (a ``tf.Variable``), then the pixels are clipped to ``[0, 1]``.
    """
    tf = quiet_tensorflow()
    with tf.GradientTape() as tape:
        activations = vgg_model_outputs(generated_image)
        J_c = compute_content_cost(a_C, activations)
        J_s = compute_style_cost(a_S, activations, style_layers)
        J = total_cost(J_c, J_s, alpha, beta)
    (gradient,) = tape.gradient(J, [generated_image])
    optimizer.apply_gradients(zip([gradient], [generated_image]))
    generated_image.assign(tf.minimum(tf.maximum(generated_image, 0.0), 1.0))
    return J


# ----------------------------------------------------------------------------- beside the student's code
def make_style_cost(style_layers):
    """``compute_style_cost`` with ``STYLE_LAYERS`` bound to ``style_layers`` (what a hidden test swaps in)."""

    def compute_style_cost_bound(style_image_output, generated_image_output, STYLE_LAYERS=style_layers):
        return compute_style_cost(style_image_output, generated_image_output, STYLE_LAYERS)

    return compute_style_cost_bound


def run_steps(step, image, calls):
    """Call ``step`` ``calls`` times on one ``tf.Variable`` made from ``image``; what each call left.

    Returns ``([(J, image after the call), ...], iterations)`` where ``iterations`` is the
    step count of the ``optimizer`` global that ``step`` sees (``-1`` if there is none).
    The variable stays the same object for every call, as in the notebook's loop (a Keras
    optimizer only updates the variables it was built with).
    """
    tf = quiet_tensorflow()
    var = tf.Variable(np.asarray(image, np.float32))
    results = []
    for _ in range(calls):
        J = step(var)
        results.append((J, var.numpy()))
    optimizer = getattr(step, "__globals__", {}).get("optimizer")
    iterations = getattr(optimizer, "iterations", None)
    return results, (int(iterations.numpy()) if iterations is not None else -1)


def harness():
    """The functions a hidden test of ``train_step`` puts beside the student's code.

    ``{"compute_content_cost", "make_style_cost", "total_cost", "run_steps"}``: the
    references above, which the test swaps in for the notebook's cost functions (so the
    step is graded with correct costs) and a runner that keeps the image variable where
    the student's function runs.
    """

    def content_cost_by_notebook_names(content_output, generated_output):   # keyword calls work too
        return compute_content_cost(content_output, generated_output)

    return {"compute_content_cost": content_cost_by_notebook_names, "make_style_cost": make_style_cost,
            "total_cost": total_cost, "run_steps": run_steps}


# ----------------------------------------------------------------------------- the bundle scan
UNPROBED = {"train_step": "a step of the notebook's globals (vgg_model_outputs, a_S, a_C, optimizer) on a "
                          "tf.Variable: no student-facing function takes that state"}


def probes():
    """Arguments on which no student-facing helper may give these references' answers (``grading.leaks``)."""
    from grading.leaks import Probe

    tf = quiet_tensorflow()
    rng = np.random.default_rng(4242)

    def act(*shape):
        return tf.constant(np.maximum(rng.normal(0.3, 1.0, shape), 0).astype(np.float32))

    content = [act(1, 6, 5, 3), act(1, 3, 4, 7)]
    generated = [act(1, 6, 5, 3), act(1, 3, 4, 7)]
    return [
        Probe("compute_content_cost", compute_content_cost, (content, generated)),
        Probe("gram_matrix", gram_matrix, (tf.constant(rng.normal(size=(4, 9)), tf.float32),)),
        Probe("compute_layer_style_cost", compute_layer_style_cost, (act(1, 4, 6, 5), act(1, 4, 6, 5))),
        Probe("total_cost", total_cost, (tf.constant(1.5), tf.constant(0.25)), {"alpha": 3.0, "beta": 7.0}),
        Probe("total_cost", total_cost, (tf.constant(1.5), tf.constant(0.25))),
    ]
