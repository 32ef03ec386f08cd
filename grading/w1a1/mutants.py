"""Variants of the graded functions of ``w1a1_conv_step_by_step``.

Mutants are mistakes a student plausibly makes (each must lose that exercise's points);
alternatives are correct solutions written differently from the notebook's (each must
keep full marks).  Every variant is the code a student would put in the solution cell:
it uses ``np`` and calls the other graded functions by their notebook names
(``zero_pad``, ``conv_single_step``, ``create_mask_from_window``, ``distribute_value``).
Arrays are channels-last: ``A (m, n_H, n_W, n_C)``, ``W (f, f, n_C_prev, n_C)``,
``b (1, 1, 1, n_C)``.
"""
# ruff: noqa: F811  (slugs repeat across targets; each decorator turns its function into a Variant)
from grading.mutation import Registry

REGISTRY = Registry("w1a1_conv_step_by_step")
mutant, alternative = REGISTRY.mutant, REGISTRY.alternative
SWV = ("from numpy.lib.stride_tricks import sliding_window_view",)


# =============================================================================== 1 zero_pad
@mutant("zero_pad", "np.pad with a single width pads the batch and channel axes too")
def pads_all_axes(X, pad):
    return np.pad(X, pad, mode="constant", constant_values=0)


@mutant("zero_pad", "pads only the top and left borders")
def one_side_only(X, pad):
    return np.pad(X, ((0, 0), (pad, 0), (pad, 0), (0, 0)), mode="constant", constant_values=0)


@mutant("zero_pad", "pads with ones instead of zeros")
def nonzero_constant(X, pad):
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="constant", constant_values=1)


@mutant("zero_pad", "repeats the edge values instead of zeros")
def edge_mode(X, pad):
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="edge")


@mutant("zero_pad", "pads the height and the channels instead of height and width")
def pads_channel_axis(X, pad):
    return np.pad(X, ((0, 0), (pad, pad), (0, 0), (pad, pad)), mode="constant", constant_values=0)


@mutant("zero_pad", "copies X with [pad:-pad], an empty slice when pad = 0")
def slice_minus_pad(X, pad):
    m, n_H, n_W, n_C = X.shape
    X_pad = np.zeros((m, n_H + 2 * pad, n_W + 2 * pad, n_C))
    X_pad[:, pad:-pad, pad:-pad, :] = X
    return X_pad


@mutant("zero_pad", "integer zeros array: the copied values are truncated")
def integer_zeros(X, pad):
    m, n_H, n_W, n_C = X.shape
    X_pad = np.zeros((m, n_H + 2 * pad, n_W + 2 * pad, n_C), dtype=int)
    X_pad[:, pad:pad + n_H, pad:pad + n_W, :] = X
    return X_pad


@mutant("zero_pad", "copies X into the top-left corner instead of the centre")
def corner_copy(X, pad):
    m, n_H, n_W, n_C = X.shape
    X_pad = np.zeros((m, n_H + 2 * pad, n_W + 2 * pad, n_C))
    X_pad[:, :n_H, :n_W, :] = X
    return X_pad


@alternative("zero_pad", "np.pad with per-axis widths")
def np_pad_per_axis(X, pad):
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="constant", constant_values=(0, 0))


@alternative("zero_pad", "zeros array, centre assigned by slicing")
def zeros_and_slice(X, pad):
    m, n_H, n_W, n_C = X.shape
    X_pad = np.zeros((m, n_H + 2 * pad, n_W + 2 * pad, n_C), dtype=X.dtype)
    X_pad[:, pad:pad + n_H, pad:pad + n_W, :] = X
    return X_pad


@alternative("zero_pad", "np.concatenate of zero blocks, rows then columns")
def concatenate_blocks(X, pad):
    m, n_H, n_W, n_C = X.shape
    rows = np.zeros((m, pad, n_W, n_C))
    X_pad = np.concatenate([rows, X, rows], axis=1)
    cols = np.zeros((m, n_H + 2 * pad, pad, n_C))
    return np.concatenate([cols, X_pad, cols], axis=2)


# =============================================================================== 2 conv_single_step
@mutant("conv_single_step", "adds the bias inside the sum (f*f*n_C_prev times)")
def bias_inside_sum(a_slice_prev, W, b):
    return np.sum(a_slice_prev * W + b.item())


@mutant("conv_single_step", "forgets the bias")
def forgets_bias(a_slice_prev, W, b):
    return np.sum(a_slice_prev * W)


@mutant("conv_single_step", "returns the (1, 1, 1) array Σ(a*W) + b")
def returns_array(a_slice_prev, W, b):
    s = a_slice_prev * W
    Z = np.sum(s)
    Z = Z + b
    return Z


@mutant("conv_single_step", "squeezes the (1, 1, 1) result into a 0-d array")
def squeezed_0d_array(a_slice_prev, W, b):
    return np.squeeze(np.sum(a_slice_prev * W) + b)


@mutant("conv_single_step", "float(b) on a (1, 1, 1) array: TypeError under NumPy 2")
def float_of_bias(a_slice_prev, W, b):
    return np.sum(a_slice_prev * W) + float(b)


@mutant("conv_single_step", "mean instead of sum")
def mean_instead_of_sum(a_slice_prev, W, b):
    return np.mean(a_slice_prev * W) + b.item()


@mutant("conv_single_step", "only the first channel of the window")
def first_channel_only(a_slice_prev, W, b):
    return np.sum(a_slice_prev[:, :, 0] * W[:, :, 0]) + b.item()


@mutant("conv_single_step", "subtracts the bias")
def subtracts_bias(a_slice_prev, W, b):
    return np.sum(a_slice_prev * W) - b.item()


@alternative("conv_single_step", "bias with b.item()")
def bias_item(a_slice_prev, W, b):
    s = np.multiply(a_slice_prev, W)
    Z = np.sum(s)
    return Z + b.item()


@alternative("conv_single_step", "bias with np.squeeze(b)")
def squeeze_bias(a_slice_prev, W, b):
    return np.sum(a_slice_prev * W) + np.squeeze(b)


@alternative("conv_single_step", "bias with b[0, 0, 0]")
def index_bias(a_slice_prev, W, b):
    return np.sum(a_slice_prev * W) + b[0, 0, 0]


@alternative("conv_single_step", "np.tensordot over all three axes, Python float result")
def tensordot_all_axes(a_slice_prev, W, b):
    return float(np.tensordot(a_slice_prev, W, axes=3) + b.item())


@alternative("conv_single_step", "np.einsum")
def einsum_full(a_slice_prev, W, b):
    return np.einsum("ijk,ijk->", a_slice_prev, W) + np.squeeze(b)


# =============================================================================== 3 conv_forward
@mutant("conv_forward", "window starts at h instead of h*stride")
def window_start_h_not_h_stride(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = (n_H_prev - f + 2 * pad) // stride + 1
    n_W = (n_W_prev - f + 2 * pad) // stride + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    a_slice_prev = A_prev_pad[i, h:h + f, w:w + f, :]
                    Z[i, h, w, c] = conv_single_step(a_slice_prev, W[:, :, :, c], b[:, :, :, c])
    return Z, (A_prev, W, b, hparameters)


@mutant("conv_forward", "output size with ceil")
def ceil_output_size(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = int(np.ceil((n_H_prev - f + 2 * pad) / stride)) + 1
    n_W = int(np.ceil((n_W_prev - f + 2 * pad) / stride)) + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    a_slice_prev = A_prev_pad[i, h * stride:h * stride + f, w * stride:w * stride + f, :]
                    Z[i, h, w, c] = conv_single_step(a_slice_prev, W[:, :, :, c], b[:, :, :, c])
    return Z, (A_prev, W, b, hparameters)


@mutant("conv_forward", "output size with round()")
def round_output_size(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = round((n_H_prev - f + 2 * pad) / stride) + 1
    n_W = round((n_W_prev - f + 2 * pad) / stride) + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    a_slice_prev = A_prev_pad[i, h * stride:h * stride + f, w * stride:w * stride + f, :]
                    Z[i, h, w, c] = conv_single_step(a_slice_prev, W[:, :, :, c], b[:, :, :, c])
    return Z, (A_prev, W, b, hparameters)


@mutant("conv_forward", "n_W computed from the heights")
def n_W_from_heights(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = (n_H_prev - f + 2 * pad) // stride + 1
    n_W = (n_H_prev - f + 2 * pad) // stride + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    a_slice_prev = A_prev_pad[i, h * stride:h * stride + f, w * stride:w * stride + f, :]
                    Z[i, h, w, c] = conv_single_step(a_slice_prev, W[:, :, :, c], b[:, :, :, c])
    return Z, (A_prev, W, b, hparameters)


@mutant("conv_forward", "output size without the padding")
def size_without_pad(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = (n_H_prev - f) // stride + 1
    n_W = (n_W_prev - f) // stride + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    a_slice_prev = A_prev_pad[i, h * stride:h * stride + f, w * stride:w * stride + f, :]
                    Z[i, h, w, c] = conv_single_step(a_slice_prev, W[:, :, :, c], b[:, :, :, c])
    return Z, (A_prev, W, b, hparameters)


@mutant("conv_forward", "the first filter used for every output channel")
def single_filter_for_all_channels(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = (n_H_prev - f + 2 * pad) // stride + 1
    n_W = (n_W_prev - f + 2 * pad) // stride + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    a_slice_prev = A_prev_pad[i, h * stride:h * stride + f, w * stride:w * stride + f, :]
                    Z[i, h, w, c] = conv_single_step(a_slice_prev, W[:, :, :, 0], b[:, :, :, c])
    return Z, (A_prev, W, b, hparameters)


@mutant("conv_forward", "bias missing")
def bias_missing(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = (n_H_prev - f + 2 * pad) // stride + 1
    n_W = (n_W_prev - f + 2 * pad) // stride + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    a_slice_prev = A_prev_pad[i, h * stride:h * stride + f, w * stride:w * stride + f, :]
                    Z[i, h, w, c] = np.sum(a_slice_prev * W[:, :, :, c])
    return Z, (A_prev, W, b, hparameters)


@mutant("conv_forward", "bias of channel 0 used for every channel")
def bias_wrong_channel(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = (n_H_prev - f + 2 * pad) // stride + 1
    n_W = (n_W_prev - f + 2 * pad) // stride + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    a_slice_prev = A_prev_pad[i, h * stride:h * stride + f, w * stride:w * stride + f, :]
                    Z[i, h, w, c] = conv_single_step(a_slice_prev, W[:, :, :, c], b[:, :, :, 0])
    return Z, (A_prev, W, b, hparameters)


@mutant("conv_forward", "the padded input stored in the cache")
def padded_input_cached(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = (n_H_prev - f + 2 * pad) // stride + 1
    n_W = (n_W_prev - f + 2 * pad) // stride + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev = zero_pad(A_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    a_slice_prev = A_prev[i, h * stride:h * stride + f, w * stride:w * stride + f, :]
                    Z[i, h, w, c] = conv_single_step(a_slice_prev, W[:, :, :, c], b[:, :, :, c])
    return Z, (A_prev, W, b, hparameters)


@mutant("conv_forward", "kernel flipped (true convolution instead of cross-correlation)")
def flipped_kernel(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = (n_H_prev - f + 2 * pad) // stride + 1
    n_W = (n_W_prev - f + 2 * pad) // stride + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    a_slice_prev = A_prev_pad[i, h * stride:h * stride + f, w * stride:w * stride + f, :]
                    Z[i, h, w, c] = conv_single_step(a_slice_prev, W[::-1, ::-1, :, c], b[:, :, :, c])
    return Z, (A_prev, W, b, hparameters)


@mutant("conv_forward", "cache in the wrong order (A_prev, b, W, hparameters)")
def cache_wrong_order(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = (n_H_prev - f + 2 * pad) // stride + 1
    n_W = (n_W_prev - f + 2 * pad) // stride + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    a_slice_prev = A_prev_pad[i, h * stride:h * stride + f, w * stride:w * stride + f, :]
                    Z[i, h, w, c] = conv_single_step(a_slice_prev, W[:, :, :, c], b[:, :, :, c])
    return Z, (A_prev, b, W, hparameters)


@alternative("conv_forward", "the notebook's loops (i, h, w, c) with zero_pad and conv_single_step")
def loops_with_helpers(A_prev, W, b, hparameters):
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    (f, f, n_C_prev, n_C) = W.shape
    stride = hparameters["stride"]
    pad = hparameters["pad"]
    n_H = int((n_H_prev - f + 2 * pad) / stride) + 1
    n_W = int((n_W_prev - f + 2 * pad) / stride) + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                for c in range(n_C):
                    a_slice_prev = a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :]
                    Z[i, h, w, c] = conv_single_step(a_slice_prev, W[:, :, :, c], b[:, :, :, c])
    cache = (A_prev, W, b, hparameters)
    return Z, cache


@alternative("conv_forward", "channel-outer loops, np.pad with per-axis widths, inline window product")
def channel_outer_loops(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, _ = A_prev.shape
    f, n_C = W.shape[0], W.shape[3]
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = (n_H_prev - f + 2 * pad) // stride + 1
    n_W = (n_W_prev - f + 2 * pad) // stride + 1
    A_pad = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    Z = np.zeros((m, n_H, n_W, n_C))
    for c in range(n_C):
        for h in range(n_H):
            for w in range(n_W):
                window = A_pad[:, h * stride:h * stride + f, w * stride:w * stride + f, :]
                Z[:, h, w, c] = np.sum(window * W[:, :, :, c], axis=(1, 2, 3)) + b[0, 0, 0, c]
    return Z, (A_prev, W, b, hparameters)


@alternative("conv_forward", "np.einsum over sliding_window_view", imports=SWV)
def einsum_sliding_window(A_prev, W, b, hparameters):
    stride, pad = hparameters["stride"], hparameters["pad"]
    f = W.shape[0]
    windows = sliding_window_view(zero_pad(A_prev, pad), (f, f), axis=(1, 2))[:, ::stride, ::stride]
    Z = np.einsum("mhwcij,ijcn->mhwn", windows, W) + b[0, 0, 0]
    return Z, (A_prev, W, b, hparameters)


@alternative("conv_forward", "np.tensordot over sliding_window_view", imports=SWV)
def tensordot_sliding_window(A_prev, W, b, hparameters):
    stride, pad = hparameters["stride"], hparameters["pad"]
    f = W.shape[0]
    windows = sliding_window_view(zero_pad(A_prev, pad), (f, f), axis=(1, 2))[:, ::stride, ::stride]
    Z = np.tensordot(windows, W, axes=([3, 4, 5], [2, 0, 1])) + b.reshape(1, 1, 1, -1)
    return Z, (A_prev, W, b, hparameters)


@alternative("conv_forward", "im2col: gather windows into rows, one matrix product")
def im2col(A_prev, W, b, hparameters):
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, n_C = W.shape[0], W.shape[3]
    stride, pad = hparameters["stride"], hparameters["pad"]
    n_H = (n_H_prev - f + 2 * pad) // stride + 1
    n_W = (n_W_prev - f + 2 * pad) // stride + 1
    A_pad = zero_pad(A_prev, pad)
    cols = np.empty((m, n_H, n_W, f * f * n_C_prev))
    for h in range(n_H):
        for w in range(n_W):
            cols[:, h, w, :] = A_pad[:, h * stride:h * stride + f, w * stride:w * stride + f, :].reshape(m, -1)
    Z = cols.reshape(-1, f * f * n_C_prev) @ W.reshape(-1, n_C) + b.reshape(1, n_C)
    return Z.reshape(m, n_H, n_W, n_C), (A_prev, W, b, hparameters)


# =============================================================================== 4 pool_forward
@mutant("pool_forward", "pools over all channels together")
def max_over_all_channels(A_prev, hparameters, mode="max"):
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    n_H = int(1 + (n_H_prev - f) / stride)
    n_W = int(1 + (n_W_prev - f) / stride)
    A = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    a_slice = A_prev[i, h * stride:h * stride + f, w * stride:w * stride + f, :]
                    if mode == "max":
                        A[i, h, w, c] = np.max(a_slice)
                    elif mode == "average":
                        A[i, h, w, c] = np.mean(a_slice)
                    else:
                        raise ValueError(mode)
    return A, (A_prev, hparameters)


@mutant("pool_forward", "stride ignored: window starts at h")
def stride_ignored(A_prev, hparameters, mode="max"):
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    n_H = int(1 + (n_H_prev - f) / stride)
    n_W = int(1 + (n_W_prev - f) / stride)
    A = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    a_slice = A_prev[i, h:h + f, w:w + f, c]
                    if mode == "max":
                        A[i, h, w, c] = np.max(a_slice)
                    elif mode == "average":
                        A[i, h, w, c] = np.mean(a_slice)
                    else:
                        raise ValueError(mode)
    return A, (A_prev, hparameters)


@mutant("pool_forward", "output size with ceil")
def ceil_output_size(A_prev, hparameters, mode="max"):
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    n_H = int(np.ceil((n_H_prev - f) / stride)) + 1
    n_W = int(np.ceil((n_W_prev - f) / stride)) + 1
    A = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    a_slice = A_prev[i, h * stride:h * stride + f, w * stride:w * stride + f, c]
                    if mode == "max":
                        A[i, h, w, c] = np.max(a_slice)
                    elif mode == "average":
                        A[i, h, w, c] = np.mean(a_slice)
                    else:
                        raise ValueError(mode)
    return A, (A_prev, hparameters)


@mutant("pool_forward", "output size without the + 1")
def size_missing_plus_one(A_prev, hparameters, mode="max"):
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    n_H = (n_H_prev - f) // stride
    n_W = (n_W_prev - f) // stride
    A = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    a_slice = A_prev[i, h * stride:h * stride + f, w * stride:w * stride + f, c]
                    if mode == "max":
                        A[i, h, w, c] = np.max(a_slice)
                    elif mode == "average":
                        A[i, h, w, c] = np.mean(a_slice)
                    else:
                        raise ValueError(mode)
    return A, (A_prev, hparameters)


@mutant("pool_forward", "n_W computed from the heights")
def n_W_from_heights(A_prev, hparameters, mode="max"):
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    n_H = int(1 + (n_H_prev - f) / stride)
    n_W = int(1 + (n_H_prev - f) / stride)
    A = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    a_slice = A_prev[i, h * stride:h * stride + f, w * stride:w * stride + f, c]
                    if mode == "max":
                        A[i, h, w, c] = np.max(a_slice)
                    elif mode == "average":
                        A[i, h, w, c] = np.mean(a_slice)
                    else:
                        raise ValueError(mode)
    return A, (A_prev, hparameters)


@mutant("pool_forward", "average mode computes the sum of the window")
def average_computes_sum(A_prev, hparameters, mode="max"):
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    n_H = int(1 + (n_H_prev - f) / stride)
    n_W = int(1 + (n_W_prev - f) / stride)
    A = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    a_slice = A_prev[i, h * stride:h * stride + f, w * stride:w * stride + f, c]
                    if mode == "max":
                        A[i, h, w, c] = np.max(a_slice)
                    elif mode == "average":
                        A[i, h, w, c] = np.sum(a_slice)
                    else:
                        raise ValueError(mode)
    return A, (A_prev, hparameters)


@mutant("pool_forward", "any mode other than 'max' silently averages")
def unknown_mode_averages(A_prev, hparameters, mode="max"):
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    n_H = int(1 + (n_H_prev - f) / stride)
    n_W = int(1 + (n_W_prev - f) / stride)
    A = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    a_slice = A_prev[i, h * stride:h * stride + f, w * stride:w * stride + f, c]
                    if mode == "max":
                        A[i, h, w, c] = np.max(a_slice)
                    else:
                        A[i, h, w, c] = np.mean(a_slice)
    return A, (A_prev, hparameters)


@mutant("pool_forward", "an unknown mode returns zeros without an error")
def unknown_mode_silent(A_prev, hparameters, mode="max"):
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    n_H = int(1 + (n_H_prev - f) / stride)
    n_W = int(1 + (n_W_prev - f) / stride)
    A = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    a_slice = A_prev[i, h * stride:h * stride + f, w * stride:w * stride + f, c]
                    if mode == "max":
                        A[i, h, w, c] = np.max(a_slice)
                    elif mode == "average":
                        A[i, h, w, c] = np.mean(a_slice)
    return A, (A_prev, hparameters)


@mutant("pool_forward", "windows start at h*f instead of h*stride")
def f_used_as_stride(A_prev, hparameters, mode="max"):
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    n_H = int(1 + (n_H_prev - f) / stride)
    n_W = int(1 + (n_W_prev - f) / stride)
    A = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    a_slice = A_prev[i, h * f:h * f + f, w * f:w * f + f, c]
                    if mode == "max":
                        A[i, h, w, c] = np.max(a_slice)
                    elif mode == "average":
                        A[i, h, w, c] = np.mean(a_slice)
                    else:
                        raise ValueError(mode)
    return A, (A_prev, hparameters)


@alternative("pool_forward", "the notebook's loops (i, h, w, c)")
def loops_reference(A_prev, hparameters, mode="max"):
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    f = hparameters["f"]
    stride = hparameters["stride"]
    n_H = int(1 + (n_H_prev - f) / stride)
    n_W = int(1 + (n_W_prev - f) / stride)
    n_C = n_C_prev
    if mode not in ("max", "average"):
        raise ValueError(f"unknown mode {mode!r}")
    A = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                for c in range(n_C):
                    a_prev_slice = A_prev[i, vert_start:vert_end, horiz_start:horiz_end, c]
                    if mode == "max":
                        A[i, h, w, c] = np.max(a_prev_slice)
                    elif mode == "average":
                        A[i, h, w, c] = np.mean(a_prev_slice)
    cache = (A_prev, hparameters)
    return A, cache


@alternative("pool_forward", "loops over positions, every channel at once with axis=(1, 2)")
def channels_vectorized(A_prev, hparameters, mode="max"):
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    n_H = (n_H_prev - f) // stride + 1
    n_W = (n_W_prev - f) // stride + 1
    if mode == "max":
        reduce = np.max
    elif mode == "average":
        reduce = np.mean
    else:
        raise ValueError("mode must be 'max' or 'average'")
    A = np.zeros((m, n_H, n_W, n_C))
    for h in range(n_H):
        for w in range(n_W):
            A[:, h, w, :] = reduce(A_prev[:, h * stride:h * stride + f, w * stride:w * stride + f, :], axis=(1, 2))
    return A, (A_prev, hparameters)


@alternative("pool_forward", "sliding_window_view, reduced over the window axes", imports=SWV)
def sliding_window(A_prev, hparameters, mode="max"):
    f, stride = hparameters["f"], hparameters["stride"]
    windows = sliding_window_view(A_prev, (f, f), axis=(1, 2))[:, ::stride, ::stride]
    if mode == "max":
        return windows.max(axis=(4, 5)), (A_prev, hparameters)
    if mode == "average":
        return windows.mean(axis=(4, 5)), (A_prev, hparameters)
    raise ValueError(f"mode must be 'max' or 'average', got {mode}")


@alternative("pool_forward", "channel-outer loops, mode checked inside the loop")
def channel_outer_loops(A_prev, hparameters, mode="max"):
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = hparameters["f"], hparameters["stride"]
    n_H = (n_H_prev - f) // stride + 1
    n_W = (n_W_prev - f) // stride + 1
    A = np.zeros((m, n_H, n_W, n_C))
    for c in range(n_C):
        for i in range(m):
            for h in range(n_H):
                for w in range(n_W):
                    window = A_prev[i, h * stride:h * stride + f, w * stride:w * stride + f, c]
                    if mode == "max":
                        A[i, h, w, c] = window.max()
                    elif mode == "average":
                        A[i, h, w, c] = window.sum() / (f * f)
                    else:
                        raise ValueError(mode)
    return A, (A_prev, hparameters)


# =============================================================================== 5 conv_backward
@mutant("conv_backward", "= instead of += for dA_prev_pad")
def assign_instead_of_accumulate(dZ, cache):
    A_prev, W, b, hparameters = cache
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    m, n_H, n_W, n_C = dZ.shape
    dA_prev_pad = zero_pad(np.zeros(A_prev.shape), pad)
    dW, db = np.zeros(W.shape), np.zeros(b.shape)
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    a_slice = A_prev_pad[i, vs:vs + f, hs:hs + f, :]
                    dA_prev_pad[i, vs:vs + f, hs:hs + f, :] = W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
    dA_prev = dA_prev_pad[:, pad:pad + n_H_prev, pad:pad + n_W_prev, :]
    return dA_prev, dW, db


@mutant("conv_backward", "kernel flipped in the dA_prev update")
def flipped_kernel(dZ, cache):
    A_prev, W, b, hparameters = cache
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    m, n_H, n_W, n_C = dZ.shape
    dA_prev_pad = zero_pad(np.zeros(A_prev.shape), pad)
    dW, db = np.zeros(W.shape), np.zeros(b.shape)
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    a_slice = A_prev_pad[i, vs:vs + f, hs:hs + f, :]
                    dA_prev_pad[i, vs:vs + f, hs:hs + f, :] += W[::-1, ::-1, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
    dA_prev = dA_prev_pad[:, pad:pad + n_H_prev, pad:pad + n_W_prev, :]
    return dA_prev, dW, db


@mutant("conv_backward", "returns the padded gradient")
def not_unpadded(dZ, cache):
    A_prev, W, b, hparameters = cache
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    m, n_H, n_W, n_C = dZ.shape
    dA_prev_pad = zero_pad(np.zeros(A_prev.shape), pad)
    dW, db = np.zeros(W.shape), np.zeros(b.shape)
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    a_slice = A_prev_pad[i, vs:vs + f, hs:hs + f, :]
                    dA_prev_pad[i, vs:vs + f, hs:hs + f, :] += W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
    return dA_prev_pad, dW, db


@mutant("conv_backward", "unpads with [pad:-pad] (empty when pad = 0)")
def minus_pad_slicing(dZ, cache):
    A_prev, W, b, hparameters = cache
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    m, n_H, n_W, n_C = dZ.shape
    dA_prev_pad = zero_pad(np.zeros(A_prev.shape), pad)
    dW, db = np.zeros(W.shape), np.zeros(b.shape)
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    a_slice = A_prev_pad[i, vs:vs + f, hs:hs + f, :]
                    dA_prev_pad[i, vs:vs + f, hs:hs + f, :] += W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
    dA_prev = dA_prev_pad[:, pad:-pad, pad:-pad, :]
    return dA_prev, dW, db


@mutant("conv_backward", "= instead of += for dW")
def dW_assign(dZ, cache):
    A_prev, W, b, hparameters = cache
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    m, n_H, n_W, n_C = dZ.shape
    dA_prev_pad = zero_pad(np.zeros(A_prev.shape), pad)
    dW, db = np.zeros(W.shape), np.zeros(b.shape)
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    a_slice = A_prev_pad[i, vs:vs + f, hs:hs + f, :]
                    dA_prev_pad[i, vs:vs + f, hs:hs + f, :] += W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] = a_slice * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
    dA_prev = dA_prev_pad[:, pad:pad + n_H_prev, pad:pad + n_W_prev, :]
    return dA_prev, dW, db


@mutant("conv_backward", "db summed over the positions of one example only (returns shape (n_C,))")
def db_wrong_axes(dZ, cache):
    A_prev, W, b, hparameters = cache
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    m, n_H, n_W, n_C = dZ.shape
    dA_prev_pad = zero_pad(np.zeros(A_prev.shape), pad)
    dW = np.zeros(W.shape)
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    a_slice = A_prev_pad[i, vs:vs + f, hs:hs + f, :]
                    dA_prev_pad[i, vs:vs + f, hs:hs + f, :] += W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
    db = np.sum(dZ[0], axis=(0, 1))
    dA_prev = dA_prev_pad[:, pad:pad + n_H_prev, pad:pad + n_W_prev, :]
    return dA_prev, dW, db


@mutant("conv_backward", "stride ignored: windows start at h")
def stride_ignored(dZ, cache):
    A_prev, W, b, hparameters = cache
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    m, n_H, n_W, n_C = dZ.shape
    dA_prev_pad = zero_pad(np.zeros(A_prev.shape), pad)
    dW, db = np.zeros(W.shape), np.zeros(b.shape)
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    a_slice = A_prev_pad[i, h:h + f, w:w + f, :]
                    dA_prev_pad[i, h:h + f, w:w + f, :] += W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
    dA_prev = dA_prev_pad[:, pad:pad + n_H_prev, pad:pad + n_W_prev, :]
    return dA_prev, dW, db


@mutant("conv_backward", "dW from windows of the unpadded input")
def dW_from_unpadded_input(dZ, cache):
    A_prev, W, b, hparameters = cache
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, f, n_C_prev, n_C = W.shape
    stride, pad = hparameters["stride"], hparameters["pad"]
    m, n_H, n_W, n_C = dZ.shape
    dA_prev_pad = zero_pad(np.zeros(A_prev.shape), pad)
    dW, db = np.zeros(W.shape), np.zeros(b.shape)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    a_slice = A_prev[i, vs:vs + f, hs:hs + f, :]
                    dA_prev_pad[i, vs:vs + f, hs:hs + f, :] += W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
    dA_prev = dA_prev_pad[:, pad:pad + n_H_prev, pad:pad + n_W_prev, :]
    return dA_prev, dW, db


@alternative("conv_backward", "the notebook's loops (i, h, w, c) with zero_pad")
def loops_with_helpers(dZ, cache):
    (A_prev, W, b, hparameters) = cache
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    (f, f, n_C_prev, n_C) = W.shape
    stride = hparameters["stride"]
    pad = hparameters["pad"]
    (m, n_H, n_W, n_C) = dZ.shape
    dA_prev = np.zeros((m, n_H_prev, n_W_prev, n_C_prev))
    dW = np.zeros((f, f, n_C_prev, n_C))
    db = np.zeros((1, 1, 1, n_C))
    A_prev_pad = zero_pad(A_prev, pad)
    dA_prev_pad = zero_pad(dA_prev, pad)
    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        da_prev_pad = dA_prev_pad[i]
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vert_start = stride * h
                    vert_end = vert_start + f
                    horiz_start = stride * w
                    horiz_end = horiz_start + f
                    a_slice = a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :]
                    da_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :] += W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
        dA_prev[i, :, :, :] = da_prev_pad[pad:pad + n_H_prev, pad:pad + n_W_prev, :]
    return dA_prev, dW, db


@alternative("conv_backward", "channel-outer loops, all examples at once, np.pad")
def channel_outer_loops(dZ, cache):
    A_prev, W, b, hparameters = cache
    _, n_H_prev, n_W_prev, _ = A_prev.shape
    f = W.shape[0]
    stride, pad = hparameters["stride"], hparameters["pad"]
    _, n_H, n_W, n_C = dZ.shape
    A_pad = np.pad(A_prev, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    dA_pad = np.zeros_like(A_pad)
    dW = np.zeros_like(W)
    for c in range(n_C):
        for h in range(n_H):
            for w in range(n_W):
                rows = slice(h * stride, h * stride + f)
                cols = slice(w * stride, w * stride + f)
                g = dZ[:, h, w, c][:, None, None, None]
                dA_pad[:, rows, cols, :] += g * W[None, :, :, :, c]
                dW[:, :, :, c] += np.sum(g * A_pad[:, rows, cols, :], axis=0)
    db = dZ.sum(axis=(0, 1, 2)).reshape(b.shape)
    return dA_pad[:, pad:pad + n_H_prev, pad:pad + n_W_prev, :], dW, db


@alternative("conv_backward", "einsum over sliding_window_view; one slice-add per kernel offset", imports=SWV)
def einsum_vectorized(dZ, cache):
    A_prev, W, b, hparameters = cache
    _, n_H_prev, n_W_prev, _ = A_prev.shape
    f = W.shape[0]
    stride, pad = hparameters["stride"], hparameters["pad"]
    _, n_H, n_W, _ = dZ.shape
    A_pad = zero_pad(A_prev, pad)
    windows = sliding_window_view(A_pad, (f, f), axis=(1, 2))[:, ::stride, ::stride]
    dW = np.einsum("mhwcij,mhwn->ijcn", windows, dZ)
    db = np.einsum("mhwn->n", dZ).reshape(1, 1, 1, -1)
    dA_pad = np.zeros(A_pad.shape)
    for r in range(f):
        for s in range(f):
            dA_pad[:, r:r + stride * n_H:stride, s:s + stride * n_W:stride, :] += dZ @ W[r, s].T
    return dA_pad[:, pad:pad + n_H_prev, pad:pad + n_W_prev, :], dW, db


@alternative("conv_backward", "im2col: matrix products, then col2im")
def im2col(dZ, cache):
    A_prev, W, b, hparameters = cache
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, n_C = W.shape[0], W.shape[3]
    stride, pad = hparameters["stride"], hparameters["pad"]
    _, n_H, n_W, _ = dZ.shape
    A_pad = zero_pad(A_prev, pad)
    cols = np.empty((m, n_H, n_W, f * f * n_C_prev))
    for h in range(n_H):
        for w in range(n_W):
            cols[:, h, w, :] = A_pad[:, h * stride:h * stride + f, w * stride:w * stride + f, :].reshape(m, -1)
    dZ_rows = dZ.reshape(-1, n_C)
    dW = (cols.reshape(-1, f * f * n_C_prev).T @ dZ_rows).reshape(W.shape)
    db = dZ_rows.sum(axis=0).reshape(1, 1, 1, n_C)
    dcols = (dZ_rows @ W.reshape(-1, n_C).T).reshape(m, n_H, n_W, f, f, n_C_prev)
    dA_pad = np.zeros(A_pad.shape)
    for h in range(n_H):
        for w in range(n_W):
            dA_pad[:, h * stride:h * stride + f, w * stride:w * stride + f, :] += dcols[:, h, w]
    return dA_pad[:, pad:pad + n_H_prev, pad:pad + n_W_prev, :], dW, db


# =============================================================================== 6 create_mask_from_window
@mutant("create_mask_from_window", "np.argmax: only the first of tied maxima is True")
def first_max_only(x):
    mask = np.zeros(x.shape, dtype=bool)
    mask[np.unravel_index(np.argmax(x), x.shape)] = True
    return mask


@mutant("create_mask_from_window", "only the last of tied maxima is True")
def last_max_only(x):
    mask = np.zeros(x.size, dtype=bool)
    mask[x.size - 1 - np.argmax(x.ravel()[::-1])] = True
    return mask.reshape(x.shape)


@mutant("create_mask_from_window", "marks the minimum")
def marks_minimum(x):
    return x == np.min(x)


@mutant("create_mask_from_window", "maximum of each row instead of the whole window")
def row_maximum(x):
    return x == np.max(x, axis=1, keepdims=True)


@mutant("create_mask_from_window", "an integer 0/1 mask instead of a boolean one")
def integer_mask(x):
    return (x == np.max(x)).astype(int)


@mutant("create_mask_from_window", "True above the mean")
def above_mean(x):
    return x > np.mean(x)


@mutant("create_mask_from_window", "returns the window values at the maximum instead of a mask")
def masked_values(x):
    return x * (x == np.max(x))


@mutant("create_mask_from_window", "True where x is positive")
def positive_entries(x):
    return x > 0


@mutant("create_mask_from_window", "subtracts the maximum in place (corrupts the caller's A_prev through the view)")
def normalizes_in_place(x):
    x -= np.max(x)
    return x == 0


@alternative("create_mask_from_window", "x == np.max(x)")
def equals_max(x):
    mask = x == np.max(x)
    return mask


@alternative("create_mask_from_window", "np.greater_equal with x.max()")
def greater_equal_max(x):
    return np.greater_equal(x, x.max())


@alternative("create_mask_from_window", "double loop over the window")
def loop_compare(x):
    best = np.max(x)
    mask = np.zeros(x.shape, dtype=bool)
    for r in range(x.shape[0]):
        for s in range(x.shape[1]):
            mask[r, s] = x[r, s] == best
    return mask


# =============================================================================== 7 distribute_value
@mutant("distribute_value", "all of dz in the first cell")
def all_in_one_cell(dz, shape):
    a = np.zeros(shape)
    a[0, 0] = dz
    return a


@mutant("distribute_value", "dz not divided")
def no_division(dz, shape):
    return np.ones(shape) * dz


@mutant("distribute_value", "divided by n_H only")
def divides_by_n_H_only(dz, shape):
    (n_H, n_W) = shape
    return np.ones(shape) * dz / n_H


@mutant("distribute_value", "divided by n_H + n_W")
def divides_by_sum_of_sides(dz, shape):
    (n_H, n_W) = shape
    return np.ones(shape) * dz / (n_H + n_W)


@mutant("distribute_value", "array of shape (n_W, n_H)")
def transposed_shape(dz, shape):
    (n_H, n_W) = shape
    return np.ones((n_W, n_H)) * dz / (n_H * n_W)


@mutant("distribute_value", "square array built from n_H")
def square_from_n_H(dz, shape):
    (n_H, n_W) = shape
    return np.ones((n_H, n_H)) * dz / (n_H * n_W)


@mutant("distribute_value", "floor division dz // (n_H * n_W)")
def floor_division(dz, shape):
    (n_H, n_W) = shape
    return np.ones(shape) * (dz // (n_H * n_W))


@mutant("distribute_value", "multiplied by the window size")
def multiplies_by_size(dz, shape):
    (n_H, n_W) = shape
    return np.ones(shape) * dz * n_H * n_W


@alternative("distribute_value", "np.ones(shape) times the average")
def ones_times_average(dz, shape):
    (n_H, n_W) = shape
    average = dz / (n_H * n_W)
    a = np.ones(shape) * average
    return a


@alternative("distribute_value", "np.full with np.prod(shape)")
def full_with_prod(dz, shape):
    return np.full(shape, dz / np.prod(shape), dtype=float)


@alternative("distribute_value", "loop filling a zeros array")
def loop_fill(dz, shape):
    n_H, n_W = shape
    a = np.zeros((n_H, n_W))
    for r in range(n_H):
        for s in range(n_W):
            a[r, s] = dz / (n_H * n_W)
    return a


# =============================================================================== 8 pool_backward
@mutant("pool_backward", "= instead of += into dA_prev")
def assign_instead_of_accumulate(dA, cache, mode="max"):
    A_prev, hparameters = cache
    stride, f = hparameters["stride"], hparameters["f"]
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    if mode == "max":
                        mask = create_mask_from_window(A_prev[i, vs:vs + f, hs:hs + f, c])
                        dA_prev[i, vs:vs + f, hs:hs + f, c] = mask * dA[i, h, w, c]
                    elif mode == "average":
                        dA_prev[i, vs:vs + f, hs:hs + f, c] = distribute_value(dA[i, h, w, c], (f, f))
    return dA_prev


@mutant("pool_backward", "average mode without the division by f*f")
def average_without_division(dA, cache, mode="max"):
    A_prev, hparameters = cache
    stride, f = hparameters["stride"], hparameters["f"]
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    if mode == "max":
                        mask = create_mask_from_window(A_prev[i, vs:vs + f, hs:hs + f, c])
                        dA_prev[i, vs:vs + f, hs:hs + f, c] += mask * dA[i, h, w, c]
                    elif mode == "average":
                        dA_prev[i, vs:vs + f, hs:hs + f, c] += np.ones((f, f)) * dA[i, h, w, c]
    return dA_prev


@mutant("pool_backward", "stride ignored: windows start at h")
def stride_ignored(dA, cache, mode="max"):
    A_prev, hparameters = cache
    stride, f = hparameters["stride"], hparameters["f"]
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    if mode == "max":
                        mask = create_mask_from_window(A_prev[i, h:h + f, w:w + f, c])
                        dA_prev[i, h:h + f, w:w + f, c] += mask * dA[i, h, w, c]
                    elif mode == "average":
                        dA_prev[i, h:h + f, w:w + f, c] += distribute_value(dA[i, h, w, c], (f, f))
    return dA_prev


@mutant("pool_backward", "max mode multiplies the mask by the input window instead of dA")
def mask_times_input(dA, cache, mode="max"):
    A_prev, hparameters = cache
    stride, f = hparameters["stride"], hparameters["f"]
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    a_prev_slice = A_prev[i, vs:vs + f, hs:hs + f, c]
                    if mode == "max":
                        mask = create_mask_from_window(a_prev_slice)
                        dA_prev[i, vs:vs + f, hs:hs + f, c] += mask * a_prev_slice
                    elif mode == "average":
                        dA_prev[i, vs:vs + f, hs:hs + f, c] += distribute_value(dA[i, h, w, c], (f, f))
    return dA_prev


@mutant("pool_backward", "max mode takes the mask from the window at h instead of h*stride")
def mask_window_not_strided(dA, cache, mode="max"):
    A_prev, hparameters = cache
    stride, f = hparameters["stride"], hparameters["f"]
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    if mode == "max":
                        mask = create_mask_from_window(A_prev[i, h:h + f, w:w + f, c])
                        dA_prev[i, vs:vs + f, hs:hs + f, c] += mask * dA[i, h, w, c]
                    elif mode == "average":
                        dA_prev[i, vs:vs + f, hs:hs + f, c] += distribute_value(dA[i, h, w, c], (f, f))
    return dA_prev


@mutant("pool_backward", "max mask taken over all channels of the window")
def mask_over_all_channels(dA, cache, mode="max"):
    A_prev, hparameters = cache
    stride, f = hparameters["stride"], hparameters["f"]
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    if mode == "max":
                        a_prev_slice = A_prev[i, vs:vs + f, hs:hs + f, :]
                        mask = a_prev_slice == np.max(a_prev_slice)
                        dA_prev[i, vs:vs + f, hs:hs + f, :] += mask * dA[i, h, w, c]
                    elif mode == "average":
                        dA_prev[i, vs:vs + f, hs:hs + f, c] += distribute_value(dA[i, h, w, c], (f, f))
    return dA_prev


@mutant("pool_backward", "max mode routes dA to the first tied maximum only (np.argmax)")
def first_max_only(dA, cache, mode="max"):
    A_prev, hparameters = cache
    stride, f = hparameters["stride"], hparameters["f"]
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    if mode == "max":
                        r, s = np.unravel_index(np.argmax(A_prev[i, vs:vs + f, hs:hs + f, c]), (f, f))
                        dA_prev[i, vs + r, hs + s, c] += dA[i, h, w, c]
                    elif mode == "average":
                        dA_prev[i, vs:vs + f, hs:hs + f, c] += distribute_value(dA[i, h, w, c], (f, f))
    return dA_prev


@mutant("pool_backward", "the modes are swapped")
def modes_swapped(dA, cache, mode="max"):
    A_prev, hparameters = cache
    stride, f = hparameters["stride"], hparameters["f"]
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vs, hs = h * stride, w * stride
                    if mode == "average":
                        mask = create_mask_from_window(A_prev[i, vs:vs + f, hs:hs + f, c])
                        dA_prev[i, vs:vs + f, hs:hs + f, c] += mask * dA[i, h, w, c]
                    elif mode == "max":
                        dA_prev[i, vs:vs + f, hs:hs + f, c] += distribute_value(dA[i, h, w, c], (f, f))
    return dA_prev


@alternative("pool_backward", "the notebook's loops (i, h, w, c) with the helpers")
def loops_with_helpers(dA, cache, mode="max"):
    (A_prev, hparameters) = cache
    stride = hparameters["stride"]
    f = hparameters["f"]
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        a_prev = A_prev[i]
        for h in range(n_H):
            for w in range(n_W):
                for c in range(n_C):
                    vert_start = h * stride
                    vert_end = vert_start + f
                    horiz_start = w * stride
                    horiz_end = horiz_start + f
                    if mode == "max":
                        a_prev_slice = a_prev[vert_start:vert_end, horiz_start:horiz_end, c]
                        mask = create_mask_from_window(a_prev_slice)
                        dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += mask * dA[i, h, w, c]
                    elif mode == "average":
                        da = dA[i, h, w, c]
                        shape = (f, f)
                        dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += distribute_value(da, shape)
    return dA_prev


@alternative("pool_backward", "channel-outer loops with an inline mask and np.full")
def channel_outer_inline(dA, cache, mode="max"):
    A_prev, hparameters = cache
    stride, f = hparameters["stride"], hparameters["f"]
    m, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros_like(A_prev, dtype=float)
    for c in range(n_C):
        for i in range(m):
            for h in range(n_H):
                for w in range(n_W):
                    rows = slice(h * stride, h * stride + f)
                    cols = slice(w * stride, w * stride + f)
                    if mode == "max":
                        window = A_prev[i, rows, cols, c]
                        dA_prev[i, rows, cols, c] += (window == window.max()) * dA[i, h, w, c]
                    elif mode == "average":
                        dA_prev[i, rows, cols, c] += np.full((f, f), dA[i, h, w, c] / (f * f))
                    else:
                        raise ValueError(mode)
    return dA_prev


@alternative("pool_backward", "sliding_window_view mask; one slice-add per window offset", imports=SWV)
def vectorized(dA, cache, mode="max"):
    A_prev, hparameters = cache
    stride, f = hparameters["stride"], hparameters["f"]
    _, n_H, n_W, _ = dA.shape
    windows = sliding_window_view(A_prev, (f, f), axis=(1, 2))[:, ::stride, ::stride]
    if mode == "max":
        grads = (windows == windows.max(axis=(4, 5), keepdims=True)) * dA[..., None, None]
    elif mode == "average":
        grads = np.broadcast_to(dA[..., None, None] / (f * f), dA.shape + (f, f))
    else:
        raise ValueError(mode)
    dA_prev = np.zeros(A_prev.shape)
    for r in range(f):
        for s in range(f):
            dA_prev[:, r:r + stride * n_H:stride, s:s + stride * n_W:stride, :] += grads[..., r, s]
    return dA_prev
