"""Variants of the graded functions of ``w4a2_style_transfer``.

Mutants are plausible mistakes (each must lose that exercise's points); alternatives are
correct solutions written differently from the notebook's (each must keep full marks).
Every variant is the code a student would put in the solution cell: it uses ``tf`` and the
notebook's names (``gram_matrix``, ``compute_style_cost``, ``vgg_model_outputs``, ``a_S``,
``a_C``, ``optimizer``, ``clip_0_1``) as the notebook defines them.
"""
# ruff: noqa: F811, F821  (slugs repeat across targets; tf and the notebook's names come from its namespace)
import dataclasses

from grading.mutation import Registry

REGISTRY = Registry("w4a2_style_transfer")
mutant, alternative = REGISTRY.mutant, REGISTRY.alternative


def compiled(variant):
    """Store ``variant`` as the notebook writes it: decorated with ``@tf.function()``.

    Put it above ``@mutant``/``@alternative`` (the registry keeps the source without decorator
    lines, and ``tf`` is not defined here, only in the notebook).
    """
    k = REGISTRY.variants.index(variant)
    REGISTRY.variants[k] = dataclasses.replace(variant, source="@tf.function()\n" + variant.source)
    return REGISTRY.variants[k]


# =============================================================================== 1 compute_content_cost
@mutant("compute_content_cost", "the 4 of the denominator is missing")
def no_four(content_output, generated_output):
    a_C = content_output[-1]
    a_G = generated_output[-1]
    _, n_H, n_W, n_C = a_G.shape
    return tf.reduce_sum(tf.square(a_C - a_G)) / (n_H * n_W * n_C)


@mutant("compute_content_cost", "tf.reduce_mean of the squares (drops the 4)")
def reduce_mean(content_output, generated_output):
    a_C = content_output[-1]
    a_G = generated_output[-1]
    return tf.reduce_mean(tf.square(a_C - a_G))


@mutant("compute_content_cost", "the first layer of the lists instead of the last")
def first_layer(content_output, generated_output):
    a_C = content_output[0]
    a_G = generated_output[0]
    _, n_H, n_W, n_C = a_G.shape
    return tf.reduce_sum(tf.square(a_C - a_G)) / (4 * n_H * n_W * n_C)


@mutant("compute_content_cost", "denominator 4 * n_H * n_W (n_C left out)")
def no_channels(content_output, generated_output):
    a_C = content_output[-1]
    a_G = generated_output[-1]
    _, n_H, n_W, n_C = a_G.shape
    return tf.reduce_sum(tf.square(a_C - a_G)) / (4 * n_H * n_W)


@mutant("compute_content_cost", "sum of absolute differences instead of squares")
def absolute(content_output, generated_output):
    a_C = content_output[-1]
    a_G = generated_output[-1]
    _, n_H, n_W, n_C = a_G.shape
    return tf.reduce_sum(tf.abs(a_C - a_G)) / (4 * n_H * n_W * n_C)


@mutant("compute_content_cost", "returns a Python float")
def python_float(content_output, generated_output):
    a_C = content_output[-1]
    a_G = generated_output[-1]
    _, n_H, n_W, n_C = a_G.shape
    return float(tf.reduce_sum(tf.square(a_C - a_G)) / (4 * n_H * n_W * n_C))


@mutant("compute_content_cost", "squares the sum of differences instead of summing the squares")
def square_of_sum(content_output, generated_output):
    a_C = content_output[-1]
    a_G = generated_output[-1]
    _, n_H, n_W, n_C = a_G.shape
    return tf.square(tf.reduce_sum(a_C - a_G)) / (4 * n_H * n_W * n_C)


@alternative("compute_content_cost", "unrolled volumes, squared Frobenius norm, tf.shape for the dimensions")
def unrolled_norm(content_output, generated_output):
    a_C = content_output[-1]
    a_G = generated_output[-1]
    dims = tf.shape(a_G)
    n_H, n_W, n_C = dims[1], dims[2], dims[3]
    a_C_unrolled = tf.reshape(a_C, [-1, n_C])
    a_G_unrolled = tf.reshape(a_G, [-1, n_C])
    size = tf.cast(4 * n_H * n_W * n_C, tf.float32)
    return tf.norm(a_C_unrolled - a_G_unrolled, ord="fro", axis=(0, 1)) ** 2 / size


@alternative("compute_content_cost", "tf.reduce_mean of the squares divided by 4 (the batch axis is 1)")
def mean_over_four(content_output, generated_output):
    a_C = content_output[-1]
    a_G = generated_output[-1]
    return tf.reduce_mean(tf.square(a_C - a_G)) / 4


@alternative("compute_content_cost", "get_shape().as_list() and a difference times itself")
def get_shape_product(content_output, generated_output):
    a_C, a_G = content_output[-1], generated_output[-1]
    m, n_H, n_W, n_C = a_G.get_shape().as_list()
    diff = a_G - a_C
    return tf.reduce_sum(diff * diff) / (4.0 * n_H * n_W * n_C)


# =============================================================================== 2 gram_matrix
@mutant("gram_matrix", "A^T A instead of A A^T")
def transpose_first(A):
    return tf.matmul(tf.transpose(A), A)


@mutant("gram_matrix", "element-wise product A * A")
def elementwise(A):
    return A * A


@mutant("gram_matrix", "normalised by the number of positions")
def divided_by_positions(A):
    return tf.matmul(A, tf.transpose(A)) / tf.cast(tf.shape(A)[1], A.dtype)


@mutant("gram_matrix", "A A^T with A centred (a covariance, not a Gram matrix)")
def centred(A):
    A = A - tf.reduce_mean(A, axis=1, keepdims=True)
    return tf.matmul(A, tf.transpose(A))


@mutant("gram_matrix", "returns A A^T as a NumPy array")
def numpy_result(A):
    a = A.numpy() if hasattr(A, "numpy") else A
    return a @ a.T


@alternative("gram_matrix", "tf.matmul with transpose_b=True")
def transpose_b(A):
    return tf.matmul(A, A, transpose_b=True)


@alternative("gram_matrix", "tf.einsum over the positions")
def einsum(A):
    return tf.einsum("cp,dp->cd", A, A)


@alternative("gram_matrix", "the @ operator")
def matmul_operator(A):
    return A @ tf.transpose(A)


# =============================================================================== 3 compute_layer_style_cost
@mutant("compute_layer_style_cost", "reshape straight to (n_C, n_H*n_W), no transpose")
def direct_reshape(a_S, a_G):
    _, n_H, n_W, n_C = a_G.shape
    a_S = tf.reshape(a_S, [n_C, n_H * n_W])
    a_G = tf.reshape(a_G, [n_C, n_H * n_W])
    GS, GG = gram_matrix(a_S), gram_matrix(a_G)
    return tf.reduce_sum(tf.square(GS - GG)) / (4 * n_C ** 2 * (n_H * n_W) ** 2)


@mutant("compute_layer_style_cost", "denominator 4 * n_C * n_H * n_W")
def small_denominator(a_S, a_G):
    _, n_H, n_W, n_C = a_G.shape
    a_S = tf.transpose(tf.reshape(a_S, [n_H * n_W, n_C]))
    a_G = tf.transpose(tf.reshape(a_G, [n_H * n_W, n_C]))
    GS, GG = gram_matrix(a_S), gram_matrix(a_G)
    return tf.reduce_sum(tf.square(GS - GG)) / (4 * n_C * n_H * n_W)


@mutant("compute_layer_style_cost", "the 4 of the denominator is missing")
def no_four(a_S, a_G):
    _, n_H, n_W, n_C = a_G.shape
    a_S = tf.transpose(tf.reshape(a_S, [n_H * n_W, n_C]))
    a_G = tf.transpose(tf.reshape(a_G, [n_H * n_W, n_C]))
    GS, GG = gram_matrix(a_S), gram_matrix(a_G)
    return tf.reduce_sum(tf.square(GS - GG)) / (n_C ** 2 * (n_H * n_W) ** 2)


@mutant("compute_layer_style_cost", "tf.reduce_mean of the squared Gram differences")
def reduce_mean(a_S, a_G):
    _, n_H, n_W, n_C = a_G.shape
    a_S = tf.transpose(tf.reshape(a_S, [n_H * n_W, n_C]))
    a_G = tf.transpose(tf.reshape(a_G, [n_H * n_W, n_C]))
    return tf.reduce_mean(tf.square(gram_matrix(a_S) - gram_matrix(a_G)))


@mutant("compute_layer_style_cost", "(n_H*n_W) not squared in the denominator")
def positions_not_squared(a_S, a_G):
    _, n_H, n_W, n_C = a_G.shape
    a_S = tf.transpose(tf.reshape(a_S, [n_H * n_W, n_C]))
    a_G = tf.transpose(tf.reshape(a_G, [n_H * n_W, n_C]))
    GS, GG = gram_matrix(a_S), gram_matrix(a_G)
    return tf.reduce_sum(tf.square(GS - GG)) / (4 * n_C ** 2 * (n_H * n_W))


@mutant("compute_layer_style_cost", "compares the activations, not their Gram matrices")
def no_gram(a_S, a_G):
    _, n_H, n_W, n_C = a_G.shape
    return tf.reduce_sum(tf.square(a_S - a_G)) / (4 * n_C ** 2 * (n_H * n_W) ** 2)


@mutant("compute_layer_style_cost", "Gram of the transposed unrolled matrix (positions x positions)")
def gram_of_transpose(a_S, a_G):
    _, n_H, n_W, n_C = a_G.shape
    a_S = tf.reshape(a_S, [n_H * n_W, n_C])
    a_G = tf.reshape(a_G, [n_H * n_W, n_C])
    GS, GG = gram_matrix(a_S), gram_matrix(a_G)
    return tf.reduce_sum(tf.square(GS - GG)) / (4 * n_C ** 2 * (n_H * n_W) ** 2)


@alternative("compute_layer_style_cost", "transpose the volume first (channels to the front), then reshape")
def transpose_then_reshape(a_S, a_G):
    m, n_H, n_W, n_C = a_G.get_shape().as_list()
    a_S_unrolled = tf.reshape(tf.transpose(a_S, perm=[3, 1, 2, 0]), [n_C, n_H * n_W])
    a_G_unrolled = tf.reshape(tf.transpose(a_G, perm=[3, 1, 2, 0]), [n_C, n_H * n_W])
    GS = gram_matrix(a_S_unrolled)
    GG = gram_matrix(a_G_unrolled)
    return tf.reduce_sum((GS - GG) ** 2) / (4.0 * n_C ** 2 * (n_H * n_W) ** 2)


@alternative("compute_layer_style_cost", "tf.shape dimensions, Frobenius norm of the Gram difference")
def frobenius(a_S, a_G):
    dims = tf.shape(a_G)
    n_H, n_W, n_C = dims[1], dims[2], dims[3]
    S = tf.transpose(tf.reshape(a_S, [-1, n_C]))
    G = tf.transpose(tf.reshape(a_G, [-1, n_C]))
    denominator = tf.cast(4 * n_C * n_C, tf.float32) * tf.cast(n_H * n_W, tf.float32) ** 2
    return tf.norm(gram_matrix(S) - gram_matrix(G), ord="fro", axis=(0, 1)) ** 2 / denominator


@alternative("compute_layer_style_cost", "reduce_mean of the squared Gram difference, scaled by 4 (n_H*n_W)^2")
def mean_scaled(a_S, a_G):
    _, n_H, n_W, n_C = a_G.shape
    S = tf.transpose(tf.reshape(a_S, (n_H * n_W, n_C)))
    G = tf.transpose(tf.reshape(a_G, (n_H * n_W, n_C)))
    return tf.reduce_mean(tf.square(gram_matrix(S) - gram_matrix(G))) / (4 * (n_H * n_W) ** 2)


# =============================================================================== 4 total_cost
@mutant("total_cost", "alpha and beta swapped", imports=("import tensorflow as tf",))
def swapped(J_content, J_style, alpha=10, beta=40):
    return beta * J_content + alpha * J_style


@mutant("total_cost", "ignores beta (style weight fixed at 40)", imports=("import tensorflow as tf",))
def fixed_beta(J_content, J_style, alpha=10, beta=40):
    return alpha * J_content + 40 * J_style


@mutant("total_cost", "the style cost is not weighted", imports=("import tensorflow as tf",))
def unweighted_style(J_content, J_style, alpha=10, beta=40):
    return alpha * J_content + J_style


@mutant("total_cost", "weights hard-coded to 10 and 40", imports=("import tensorflow as tf",))
def fixed_weights(J_content, J_style, alpha=10, beta=40):
    return 10 * J_content + 40 * J_style


@mutant("total_cost", "returns a Python float", imports=("import tensorflow as tf",))
def python_float(J_content, J_style, alpha=10, beta=40):
    return float(alpha * J_content + beta * J_style)


@mutant("total_cost", "the product of the weighted costs", imports=("import tensorflow as tf",))
def product(J_content, J_style, alpha=10, beta=40):
    return (alpha * J_content) * (beta * J_style)


@compiled
@alternative("total_cost", "tf.add and tf.multiply, decorated", imports=("import tensorflow as tf",))
def tf_ops(J_content, J_style, alpha=10, beta=40):
    return tf.add(tf.multiply(tf.cast(alpha, tf.float32), J_content), tf.multiply(tf.cast(beta, tf.float32), J_style))


@alternative("total_cost", "not compiled; converts the inputs to tensors first", imports=("import tensorflow as tf",))
def plain(J_content, J_style, alpha=10, beta=40):
    J_content = tf.convert_to_tensor(J_content, tf.float32)
    J_style = tf.convert_to_tensor(J_style, tf.float32)
    return alpha * J_content + beta * J_style


# =============================================================================== 5 train_step
@compiled
@mutant("train_step", "no clipping of the pixels", imports=("import tensorflow as tf",))
def no_clip(generated_image):
    with tf.GradientTape() as tape:
        a_G = vgg_model_outputs(generated_image)
        J_style = compute_style_cost(a_S, a_G)
        J_content = compute_content_cost(a_C, a_G)
        J = total_cost(J_content, J_style)
    grad = tape.gradient(J, generated_image)
    optimizer.apply_gradients([(grad, generated_image)])
    return J


@compiled
@mutant("train_step", "computes the gradient but never applies it", imports=("import tensorflow as tf",))
def not_applied(generated_image):
    with tf.GradientTape() as tape:
        a_G = vgg_model_outputs(generated_image)
        J_style = compute_style_cost(a_S, a_G)
        J_content = compute_content_cost(a_C, a_G)
        J = total_cost(J_content, J_style)
    grad = tape.gradient(J, generated_image)
    generated_image.assign(clip_0_1(generated_image))
    return J


@compiled
@mutant("train_step", "style cost against the content targets", imports=("import tensorflow as tf",))
def style_against_content(generated_image):
    with tf.GradientTape() as tape:
        a_G = vgg_model_outputs(generated_image)
        J_style = compute_style_cost(a_C, a_G)
        J_content = compute_content_cost(a_C, a_G)
        J = total_cost(J_content, J_style)
    grad = tape.gradient(J, generated_image)
    optimizer.apply_gradients([(grad, generated_image)])
    generated_image.assign(clip_0_1(generated_image))
    return J


@mutant("train_step", "a new Adam optimizer in every call", imports=("import tensorflow as tf",))
def new_optimizer(generated_image):
    step_optimizer = tf.keras.optimizers.Adam(learning_rate=0.01)
    with tf.GradientTape() as tape:
        a_G = vgg_model_outputs(generated_image)
        J_style = compute_style_cost(a_S, a_G)
        J_content = compute_content_cost(a_C, a_G)
        J = total_cost(J_content, J_style)
    grad = tape.gradient(J, generated_image)
    step_optimizer.apply_gradients([(grad, generated_image)])
    generated_image.assign(clip_0_1(generated_image))
    return J


@compiled
@mutant("train_step", "J_content and J_style swapped in total_cost", imports=("import tensorflow as tf",))
def costs_swapped(generated_image):
    with tf.GradientTape() as tape:
        a_G = vgg_model_outputs(generated_image)
        J_style = compute_style_cost(a_S, a_G)
        J_content = compute_content_cost(a_C, a_G)
        J = total_cost(J_style, J_content)
    grad = tape.gradient(J, generated_image)
    optimizer.apply_gradients([(grad, generated_image)])
    generated_image.assign(clip_0_1(generated_image))
    return J


@compiled
@mutant("train_step", "gradient ascent: the negated gradient is applied", imports=("import tensorflow as tf",))
def ascent(generated_image):
    with tf.GradientTape() as tape:
        a_G = vgg_model_outputs(generated_image)
        J_style = compute_style_cost(a_S, a_G)
        J_content = compute_content_cost(a_C, a_G)
        J = total_cost(J_content, J_style)
    grad = tape.gradient(J, generated_image)
    optimizer.apply_gradients([(-grad, generated_image)])
    generated_image.assign(clip_0_1(generated_image))
    return J


@compiled
@mutant("train_step", "returns the cost of the picture after the step", imports=("import tensorflow as tf",))
def cost_after(generated_image):
    with tf.GradientTape() as tape:
        a_G = vgg_model_outputs(generated_image)
        J = total_cost(compute_content_cost(a_C, a_G), compute_style_cost(a_S, a_G))
    optimizer.apply_gradients([(tape.gradient(J, generated_image), generated_image)])
    generated_image.assign(clip_0_1(generated_image))
    a_G = vgg_model_outputs(generated_image)
    return total_cost(compute_content_cost(a_C, a_G), compute_style_cost(a_S, a_G))


@compiled
@alternative("train_step", "tf.clip_by_value; alpha, beta by name", imports=("import tensorflow as tf",))
def clip_by_value(generated_image):
    with tf.GradientTape() as tape:
        a_G = vgg_model_outputs(generated_image)
        J_content = compute_content_cost(a_C, a_G)
        J_style = compute_style_cost(a_S, a_G)
        J = total_cost(J_content, J_style, alpha=10, beta=40)
    grad = tape.gradient(J, generated_image)
    optimizer.apply_gradients(zip([grad], [generated_image]))
    generated_image.assign(tf.clip_by_value(generated_image, 0.0, 1.0))
    return J


@alternative("train_step", "not compiled; outputs by keyword; gradient list", imports=("import tensorflow as tf",))
def plain(generated_image):
    with tf.GradientTape() as tape:
        outputs = vgg_model_outputs(generated_image)
        J = total_cost(J_content=compute_content_cost(content_output=a_C, generated_output=outputs),
                       J_style=compute_style_cost(a_S, outputs))
    grads = tape.gradient(J, [generated_image])
    optimizer.apply_gradients(list(zip(grads, [generated_image])))
    generated_image.assign(clip_0_1(generated_image))
    return J
