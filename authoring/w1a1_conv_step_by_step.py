"""The one editable source of the notebook ``w1a1_conv_step_by_step``.

Convolution and pooling layers in NumPy, forward and backward (course 4, week 1, assignment 1).

``python authoring/w1a1_conv_step_by_step.py`` (or ``python3 course.py build``) writes
``solutions/w1a1_conv_step_by_step/w1a1_conv_step_by_step.ipynb``; then ``python3 course.py generate`` makes the student version.
``tests/test_notebooks.py`` fails when the committed notebook differs from what this file builds.
"""
from grading.authoring import Notebook, code, main, markdown


def build() -> Notebook:
    nb = Notebook("w1a1_conv_step_by_step")

    # ---------------------------------------------------------------------- Convolution and pooling layers, step by step
    nb.md('md-01', r"""
# Convolution and pooling layers, step by step

**Course 4, week 1, assignment 1** — pure NumPy, no deep-learning framework.

Frameworks give you a convolutional layer in one line. In this assignment you write one yourself,
with plain NumPy loops, so that every shape, index and gradient in it becomes something you have
handled with your own hands. You will build:

- **zero padding** of a batch of images;
- **one convolution step**: a single filter applied to a single window;
- the **forward pass of a convolutional layer**, sliding every filter over every example with a
  stride;
- the **forward pass of a pooling layer**, in max and in average mode;
- *(backward section)* the **backward passes** of both layers, and two small helpers that pooling
  needs for its gradient.

At the end you compare your loop-based layer with a vectorized one and see that they compute the
same numbers.

### Notation

All arrays are **channels-last**, as in TensorFlow and Keras:

| symbol | meaning |
|---|---|
| `m` | number of examples in the batch |
| `n_H_prev, n_W_prev, n_C_prev` | height, width and number of channels of the layer's **input** `A_prev` |
| `n_H, n_W, n_C` | height, width and number of channels of the layer's **output** (`Z` for convolution, `A` for pooling) |
| `f` | side of the square window (filter size, or pooling size) |
| `stride`, `pad` | step between two windows, and number of zero rows/columns added on each border |
| `W`, `b` | the filters, shape `(f, f, n_C_prev, n_C)`, and the biases, shape `(1, 1, 1, n_C)` |
| `i, h, w, c` | indices of an example, an output row, an output column, an output channel |

So `A_prev[i]` is one image of shape `(n_H_prev, n_W_prev, n_C_prev)` and `W[:, :, :, c]` is the
`c`-th filter, of shape `(f, f, n_C_prev)`. Every array in this notebook is `float64`.
""")

    # ---------------------------------------------------------------------- Table of contents
    nb.md('md-02', r"""
## Table of contents

- [1 — Setup](#setup)
- [2 — The plan](#plan)
- [3 — The convolutional layer, forward](#conv)
    - [Exercise 1 — zero_pad (10 points)](#ex1)
    - [Exercise 2 — conv_single_step (10 points)](#ex2)
    - [Exercise 3 — conv_forward (20 points)](#ex3)
- [4 — The pooling layer, forward](#pool)
    - [Exercise 4 — pool_forward (20 points)](#ex4)
- [5 — Backward propagation (graded separately)](#backward)
    - [Exercise 5 — conv_backward (20 points)](#ex5)
    - [Exercise 6 — create_mask_from_window (5 points)](#ex6)
    - [Exercise 7 — distribute_value (5 points)](#ex7)
    - [Exercise 8 — pool_backward (10 points)](#ex8)
- [6 — Loops versus vectorized code, and what you learned](#wrapup)

## How this assignment is graded

- There are **8 exercises worth 100 points** in total. The points of each exercise are written in
  its heading: 60 points for the forward passes (exercises 1–4) and 40 points for the backward
  section (exercises 5–8). Each exercise is graded in its own cell, so a mistake in one does not
  cost points in another.
- Each exercise has **one cell for you to edit**: replace the line `raise NotImplementedError()`
  with your code, inside the function that is already defined. Keep the function's name and its
  arguments exactly as they are.
- Below each exercise there is a small demo cell, and then a **test cell**. The test cell runs the
  **public tests** immediately and prints `All tests passed.` when they succeed. When your work is
  graded, the same cell also runs **hidden tests** that try more cases (other shapes, strides and
  paddings, non-square images, …). Passing the public tests is a good sign, not a guarantee.
- Do not add, delete or copy cells, and do not edit the test cells.
- A cell that prints warnings (text on the error stream) can lose its points even when the values
  are right, so keep your code warning-free.
- Before you submit, run **Kernel → Restart Kernel and Run All Cells** and check that every test
  cell prints `All tests passed.`
""")

    # ---------------------------------------------------------------------- 1 — Setup
    nb.md('md-03', r"""
<a name="setup"></a>
## 1 — Setup

Run the cell below first. It seeds NumPy's random generator, sets readable print options and
imports the course helpers: `conv` draws the figures, `grad_check` and `relative_error` help you
check gradients, and the `*_test` functions are the public tests.
""")
    nb.setup(r"""
from cnnkit.setup import init_notebook
init_notebook()
import numpy as np
import matplotlib.pyplot as plt
from cnnkit import conv
from cnnkit.testing import grad_check, relative_error
from public_tests.w1a1 import *
%matplotlib inline
""")

    # ---------------------------------------------------------------------- 2 — The plan
    nb.md('md-04', r"""
<a name="plan"></a>
## 2 — The plan

A convolutional layer turns a batch `A_prev` of shape `(m, n_H_prev, n_W_prev, n_C_prev)` into a
batch `Z` of shape `(m, n_H, n_W, n_C)`. You will build it bottom-up:

1. `zero_pad` adds a border of zeros around every image;
2. `conv_single_step` computes **one number**: one filter applied to one `f × f × n_C_prev` window;
3. `conv_forward` repeats that step for every example, every output position and every filter.

A pooling layer (`pool_forward`) also slides a window, but it summarises each window with a
maximum or a mean, channel by channel, and it has nothing to learn.

Every forward function also returns a **cache**: the values the matching backward function will
need later. The backward section then runs the same loops again to push gradients from the output
back to the input, the filters and the biases.
""")

    # ---------------------------------------------------------------------- 3 — The convolutional layer, forward
    nb.md('md-05', r"""
<a name="conv"></a>
## 3 — The convolutional layer, forward

<a name="ex1"></a>
### Exercise 1 — zero_pad (10 points)

**Why pad?** A window of size `f` that slides with stride 1 over `n` pixels fits in only
`n − f + 1` positions, so every convolution without padding shrinks the image. Padding helps in
two ways:

- **It keeps the spatial size.** With stride 1 and an odd `f`, a padding of `(f − 1) / 2` on each
  side gives an output exactly as large as the input (a "same" convolution). Without it, a deep
  network would shrink its images a little at every layer.
- **It lets border pixels count as much as the others.** Without padding, a corner pixel lies in a
  single window, while a pixel in the middle lies in up to `f × f` windows. After padding, pixels
  near the border take part in many more windows, so information at the edges is not neglected.

*Zero* padding fills the new border with 0, which adds nothing to any weighted sum.

![One channel before and after zero padding with pad = 2](../../images/w1a1_padding.png)

**Your task.** Implement `zero_pad(X, pad)`. It adds `pad` rows of zeros at the top and at the
bottom, and `pad` columns of zeros on the left and on the right, of **every image and every
channel**. The batch axis (axis 0) and the channel axis (axis 3) must **not** be padded.

**Hint (1 line).** Use [`np.pad`](https://numpy.org/doc/stable/reference/generated/numpy.pad.html)
with one `(before, after)` pair **per axis**. Watch out: `np.pad(X, pad)` with a single number pads
*every* axis, including the batch and the channels. For example, to pad a 3-D array `a` with one
zero on both sides of axis 0 and two zeros on both sides of axis 2, and leave axis 1 alone:

```python
a_padded = np.pad(a, ((1, 1), (0, 0), (2, 2)), mode="constant", constant_values=0)
```
""")
    nb.exercise(
        'zero_pad', number=1, points=10, grade_id='zero_pad_pads_spatial_axes_only',
        solution=r'''
def zero_pad(X, pad):
    """
    Pad every image of a batch with zeros on its four spatial borders.

    Arguments:
    X -- numpy array of shape (m, n_H, n_W, n_C): a batch of m images with n_C channels
    pad -- int >= 0, the number of zero rows added at the top and at the bottom, and of
           zero columns added on the left and on the right

    Returns:
    X_pad -- numpy array of shape (m, n_H + 2*pad, n_W + 2*pad, n_C), same dtype as X,
             zero on the border and with X_pad[:, pad:pad + n_H, pad:pad + n_W, :] == X.
             The batch axis and the channel axis are not padded.
    """
    ### BEGIN SOLUTION
    X_pad = np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)),
                   mode="constant", constant_values=0)
    return X_pad
    ### END SOLUTION
''',
        demo=[
            code('zero_pad-demo', r"""
np.random.seed(1)
x = np.random.randn(2, 4, 5, 3)
x_pad = zero_pad(x, 2)
print("x.shape     =", x.shape)
print("x_pad.shape =", x_pad.shape)
print("x[1, 0, :, 0]     =", x[1, 0, :, 0])
print("x_pad[1, 2, :, 0] =", x_pad[1, 2, :, 0])
print("x_pad[1, 0, :, 0] =", x_pad[1, 0, :, 0])
conv.show_padding(x, x_pad)
"""),
            markdown('zero_pad-demo-expected', r"""
**Expected output** (with the seed above and a correct implementation):

```text
x.shape     = (2, 4, 5, 3)
x_pad.shape = (2, 8, 9, 3)
x[1, 0, :, 0]     = [-0.7544  -0.29809  1.13163 -1.3965   0.16004]
x_pad[1, 2, :, 0] = [ 0.       0.      -0.7544  -0.29809  1.13163 -1.3965   0.16004  0.       0.     ]
x_pad[1, 0, :, 0] = [0. 0. 0. 0. 0. 0. 0. 0. 0.]
```
"""),
        ])
    nb.md('md-07', r"""
<a name="ex2"></a>
### Exercise 2 — conv_single_step (10 points)

One convolution step looks at one window of the input: a block `a_slice_prev` of shape
`(f, f, n_C_prev)`, which spans **all** input channels. It multiplies the block element by element
with one filter `W` of the same shape, adds up all `f · f · n_C_prev` products, and adds the bias
`b` **once**:

$$Z = \sum_{r=0}^{f-1}\sum_{s=0}^{f-1}\sum_{k=0}^{n_{C,prev}-1} a_{r,s,k}\, W_{r,s,k} \;+\; b$$

The result is a single real number: one entry of the layer's output. The bias is added after the
sum, not to every product (that would add it `f · f · n_C_prev` times).

**Your task.** Implement `conv_single_step(a_slice_prev, W, b)`. It must return a **real scalar**
(a `float` or an `np.float64`), not an array.

**Hints (2–3 lines).**
- `np.sum(a_slice_prev * W)` is already a scalar.
- `b` is an array of shape `(1, 1, 1)`, so `np.sum(...) + b` is an array of shape `(1, 1, 1)`
  again, not a scalar. Turn the bias into a number first.
- **NumPy 2 pitfall:** older tutorials write `float(b)`. Since NumPy 2, `float()` refuses arrays
  that have dimensions, even when they hold one value, and raises
  `TypeError: only 0-dimensional arrays can be converted to Python scalars`. Use `b.item()`
  (a Python float) or `np.squeeze(b)` (a 0-d array, which becomes a scalar as soon as you add it to
  one) instead.
""")
    nb.exercise(
        'conv_single_step', number=2, points=10, grade_id='conv_single_step_scalar_and_value',
        solution=r'''
def conv_single_step(a_slice_prev, W, b):
    """
    Apply one filter to one window of the previous layer's output.

    Arguments:
    a_slice_prev -- window of the input, numpy array of shape (f, f, n_C_prev)
    W -- one filter, numpy array of shape (f, f, n_C_prev)
    b -- the filter's bias, numpy array of shape (1, 1, 1)

    Returns:
    Z -- a real scalar (np.float64 for float64 inputs, not an ndarray):
         Z = sum over all (r, s, k) of a_slice_prev[r, s, k] * W[r, s, k], plus b added once
    """
    ### BEGIN SOLUTION
    s = np.multiply(a_slice_prev, W)
    Z = np.sum(s)
    Z = Z + b.item()
    return Z
    ### END SOLUTION
''',
        demo=[
            code('conv_single_step-demo', r"""
np.random.seed(2)
a_slice_prev = np.random.randn(3, 3, 4)
W = np.random.randn(3, 3, 4)
b = np.random.randn(1, 1, 1)
Z = conv_single_step(a_slice_prev, W, b)
print("Z =", np.round(Z, 6))
print("type(Z) =", type(Z).__name__)
print("is an ndarray?", isinstance(Z, np.ndarray))
"""),
            markdown('conv_single_step-demo-expected', r"""
**Expected output** (with the seed above and a correct implementation):

```text
Z = -1.639887
type(Z) = float64
is an ndarray? False
```
"""),
        ])
    nb.md('md-09', r"""
<a name="ex3"></a>
### Exercise 3 — conv_forward (20 points)

Now slide the window. For example `i`, output position `(h, w)` and filter `c`, the layer takes the
window of the **padded** example whose top-left corner is at row `h · stride` and column
`w · stride`:

- rows `vert_start = h · stride` up to `vert_end = vert_start + f` (excluded),
- columns `horiz_start = w · stride` up to `horiz_end = horiz_start + f` (excluded),
- all `n_C_prev` channels,

and computes `Z[i, h, w, c] = conv_single_step(window, W[:, :, :, c], b[:, :, :, c])`. Each filter
produces one output channel, so the output has `n_C` channels, as many as there are filters.

![A 3 × 3 window sliding with stride 2 over a padded 7 × 9 input](../../images/w1a1_conv_window.png)

#### How big is the output?

Along the height, the padded input has `n_H_prev + 2·pad` rows. A window of `f` rows fits at row
offsets `0, stride, 2·stride, …` as long as it does not run past the last row. Counting those
offsets gives

$$n_H = \left\lfloor \frac{n_{H,prev} - f + 2\cdot pad}{stride} \right\rfloor + 1,
\qquad
n_W = \left\lfloor \frac{n_{W,prev} - f + 2\cdot pad}{stride} \right\rfloor + 1 .$$

The **floor** matters when the stride does not divide `n − f + 2·pad`. Worked example: a height
of 6, `f = 3`, `pad = 0`, `stride = 2`. Then `(6 − 3 + 0) / 2 = 1.5`, the floor is 1, and
`n_H = 2`: windows start at rows 0 and 2. A third window would start at row 4 and need rows 4, 5
and 6, but row 6 does not exist, so it is dropped and the last row of the input is never used.
Rounding up, rounding to the nearest integer or keeping `1.5` would all be wrong. In Python,
`//` is floor division on non-negative integers. Height and width use the same formula, each with
its own input size, so a non-square input gives a non-square output.

The cell below draws that case: the crossed cells are never inside any window. Try other values.
""")
    nb.code('conv_window-figure', r"""
conv.show_conv_window(n_H_prev=6, n_W_prev=8, f=3, stride=2, pad=0)
""")
    nb.md('md-10', r"""
#### Convolution or cross-correlation?

In signal processing, a *convolution* flips the kernel (rows and columns reversed) before sliding
it. Deep-learning libraries, and this assignment, do **not** flip: they compute a
*cross-correlation*, and still call it convolution. Since the filters are learned, a flipped
kernel would only be a relabelling of the same weights, so nothing is lost. What matters is to be
consistent: `W[0, 0, :, c]` always multiplies the **top-left** cell of the window. This is also
what `tf.nn.conv2d` computes.

#### The cache

`conv_forward` returns `(Z, cache)` with `cache = (A_prev, W, b, hparameters)`:

- `A_prev` is the **unpadded** input. The backward pass pads it again itself, with the `pad`
  stored in `hparameters`, and must return a gradient shaped like the *unpadded* input.
- `W` and `b` are needed to send gradients back to the input.
- `hparameters` holds `stride` and `pad`, so the backward pass can find the same windows.

The order of this tuple is a **contract**: `conv_backward` (yours, the tests', and any other code
that uses this layer) unpacks it by position with `A_prev, W, b, hparameters = cache`. If you
stored the entries in another order, or stored the padded input, the backward pass would silently
work on the wrong arrays.

**Your task.** Implement `conv_forward(A_prev, W, b, hparameters)` with explicit loops. Reuse your
`zero_pad` and `conv_single_step`.

**Hints (about 20 lines).**
1. Read the shapes from `A_prev.shape` and `W.shape`, and `stride` and `pad` from the dictionary
   `hparameters`.
2. Compute `n_H` and `n_W` with the formula above (use `//`), and create `Z` with `np.zeros`.
3. Pad the whole batch once with `zero_pad`, before the loops.
4. Loop over the examples `i`, then the output rows `h`, the output columns `w` and the filters
   `c`. Compute the window's corners from `h`, `w` and the stride (not from `h` and `w` alone),
   cut the window out of the padded example, and fill `Z[i, h, w, c]`.
5. Use the filter `W[:, :, :, c]` and the bias `b[:, :, :, c]` of the **current** output channel.
""")
    nb.exercise(
        'conv_forward', number=3, points=20, grade_id='conv_forward_shapes_and_values',
        solution=r'''
def conv_forward(A_prev, W, b, hparameters):
    """
    Forward pass of a convolutional layer (cross-correlation, no kernel flip).

    Arguments:
    A_prev -- output of the previous layer, numpy array of shape (m, n_H_prev, n_W_prev, n_C_prev)
    W -- filters, numpy array of shape (f, f, n_C_prev, n_C)
    b -- biases, numpy array of shape (1, 1, 1, n_C)
    hparameters -- dict with the int keys "stride" and "pad"

    Returns:
    Z -- convolution output, numpy array of shape (m, n_H, n_W, n_C) with
         n_H = floor((n_H_prev - f + 2*pad) / stride) + 1
         n_W = floor((n_W_prev - f + 2*pad) / stride) + 1
         Z[i, h, w, c] = sum(A_pad[i, h*stride:h*stride+f, w*stride:w*stride+f, :] * W[:, :, :, c])
                         + b[0, 0, 0, c], where A_pad is A_prev zero-padded by pad
    cache -- tuple (A_prev, W, b, hparameters), in this order, with the unpadded A_prev;
             conv_backward needs it
    """
    ### BEGIN SOLUTION
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    (f, f, n_C_prev, n_C) = W.shape
    stride = hparameters["stride"]
    pad = hparameters["pad"]

    n_H = (n_H_prev - f + 2 * pad) // stride + 1
    n_W = (n_W_prev - f + 2 * pad) // stride + 1
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
                a_slice_prev = a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :]
                for c in range(n_C):
                    Z[i, h, w, c] = conv_single_step(a_slice_prev, W[:, :, :, c], b[:, :, :, c])

    cache = (A_prev, W, b, hparameters)
    return Z, cache
    ### END SOLUTION
''',
        demo=[
            code('conv_forward-demo', r"""
np.random.seed(3)
A_prev = np.random.randn(2, 5, 7, 3)
W = np.random.randn(3, 3, 3, 4)
b = np.random.randn(1, 1, 1, 4)
hparameters = {"pad": 1, "stride": 2}

Z, cache_conv = conv_forward(A_prev, W, b, hparameters)
print("Z.shape =", Z.shape)
print("Z.mean() =", np.round(Z.mean(), 6))
print("Z[1, 2, 3] =", Z[1, 2, 3])
print("cache holds the unpadded input:", cache_conv[0].shape == A_prev.shape)

# A stride that does not divide: (6 - 3 + 0) / 2 = 1.5 -> 2 rows; (8 - 3 + 0) / 2 = 2.5 -> 3 columns
Z2, _ = conv_forward(np.random.randn(1, 6, 8, 3), W, b, {"pad": 0, "stride": 2})
print("Z2.shape =", Z2.shape)
"""),
            markdown('conv_forward-demo-expected', r"""
**Expected output** (with the seed above and a correct implementation):

```text
Z.shape = (2, 3, 4, 4)
Z.mean() = -0.537576
Z[1, 2, 3] = [ 2.9377  -5.06702 -0.12964 -0.68803]
cache holds the unpadded input: True
Z2.shape = (1, 2, 3, 4)
```
"""),
        ])
    nb.md('md-12', r"""
A real convolutional layer also applies an activation function, for example
`A = relu(Z)`, to every entry of `Z`. That step is elementwise and is left out here.
""")

    # ---------------------------------------------------------------------- 4 — The pooling layer, forward
    nb.md('md-13', r"""
<a name="pool"></a>
## 4 — The pooling layer, forward

<a name="ex4"></a>
### Exercise 4 — pool_forward (20 points)

A pooling layer shrinks the height and width of its input while keeping the strongest (or the
typical) response in each region. It slides an `f × f` window with a stride, like a convolution,
but with three differences:

- it works on **each channel separately**: the window for output channel `c` only looks at input
  channel `c`, so the number of channels does not change (`n_C = n_C_prev`);
- it summarises the window with a fixed rule, the **maximum** (`mode="max"`) or the **mean**
  (`mode="average"`);
- it has **no parameters**: no weights and no bias, nothing for gradient descent to learn. Only
  the hyper-parameters `f` and `stride`, chosen by you, define it. (It still passes gradients
  back to its input, as you will see in the backward section.)

![Max pooling and average pooling of a 4 × 4 input](../../images/w1a1_pooling.png)

This layer uses **no padding**, so the output size is

$$n_H = \left\lfloor \frac{n_{H,prev} - f}{stride} \right\rfloor + 1, \qquad
  n_W = \left\lfloor \frac{n_{W,prev} - f}{stride} \right\rfloor + 1, \qquad n_C = n_{C,prev}.$$

For output position `(h, w)` and channel `c` of example `i`, the window is
`A_prev[i, vert_start:vert_end, horiz_start:horiz_end, c]` with the same corners as in
`conv_forward`.

**Your task.** Implement `pool_forward(A_prev, hparameters, mode="max")`. It returns
`(A, cache)` with `cache = (A_prev, hparameters)`.

**Unknown modes.** In this course, any `mode` other than `"max"` or `"average"` must raise a
`ValueError` with a helpful message, for example
`raise ValueError(f"mode must be 'max' or 'average', got {mode!r}")`. Silently returning zeros (or
a sum) for a typo such as `"avg"` would hide a bug. Check the mode before the loops so that a bad
call fails at once.

**Hints (about 20 lines).** The loops are those of `conv_forward`, with the channel loop choosing
one input channel instead of a filter. `np.max` and `np.mean` reduce a window to one number.
""")
    nb.exercise(
        'pool_forward', number=4, points=20, grade_id='pool_forward_max_and_average',
        solution=r'''
def pool_forward(A_prev, hparameters, mode="max"):
    """
    Forward pass of a pooling layer (no padding, each channel pooled separately).

    Arguments:
    A_prev -- input data, numpy array of shape (m, n_H_prev, n_W_prev, n_C_prev)
    hparameters -- dict with the int keys "f" (window size) and "stride"
    mode -- "max" or "average"; any other value raises ValueError

    Returns:
    A -- output of the pooling layer, numpy array of shape (m, n_H, n_W, n_C) with
         n_H = floor(1 + (n_H_prev - f) / stride), n_W = floor(1 + (n_W_prev - f) / stride),
         n_C = n_C_prev, and
         A[i, h, w, c] = max or mean of A_prev[i, h*stride:h*stride+f, w*stride:w*stride+f, c]
    cache -- tuple (A_prev, hparameters), in this order; pool_backward needs it
    """
    ### BEGIN SOLUTION
    if mode not in ("max", "average"):
        raise ValueError(f"mode must be 'max' or 'average', got {mode!r}")

    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    f = hparameters["f"]
    stride = hparameters["stride"]

    n_H = (n_H_prev - f) // stride + 1
    n_W = (n_W_prev - f) // stride + 1
    n_C = n_C_prev
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
                    else:
                        A[i, h, w, c] = np.mean(a_prev_slice)

    cache = (A_prev, hparameters)
    return A, cache
    ### END SOLUTION
''',
        demo=[
            code('pool_forward-demo', r"""
np.random.seed(4)
A_prev = np.random.randn(2, 5, 6, 3)
hparameters = {"f": 3, "stride": 2}

A_max, cache_pool = pool_forward(A_prev, hparameters)            # mode="max" by default
A_avg, _ = pool_forward(A_prev, hparameters, mode="average")
print("A_max.shape =", A_max.shape)
print("A_max[1, 1, 1] =", A_max[1, 1, 1])
print("A_avg[1, 1, 1] =", A_avg[1, 1, 1])

try:
    pool_forward(A_prev, hparameters, mode="min")
except ValueError as err:
    print("ValueError:", err)
"""),
            markdown('pool_forward-demo-expected', r"""
**Expected output** (with the seed above and a correct implementation):

```text
A_max.shape = (2, 2, 2, 3)
A_max[1, 1, 1] = [1.61724 2.20356 2.11574]
A_avg[1, 1, 1] = [0.26245 0.02837 0.32232]
ValueError: mode must be 'max' or 'average', got 'min'
```
"""),
            code('693bdb17', r"""
# Your pool_forward on a 4 x 4 grid of integers, drawn: the same windows, two summaries.
x_small = np.array([[1., 3., 2., 0.],
                    [4., 6., 5., 1.],
                    [7., 2., 9., 8.],
                    [0., 1., 3., 4.]]).reshape(1, 4, 4, 1)
hp_small = {"f": 2, "stride": 2}
conv.show_pooling(x_small, pool_forward(x_small, hp_small, "max")[0],
                   pool_forward(x_small, hp_small, "average")[0], **hp_small)
"""),
        ])

    # ---------------------------------------------------------------------- 5 — Backward propagation (graded separately)
    nb.md('md-15', r"""
<a name="backward"></a>
## 5 — Backward propagation (graded separately)

A framework computes the backward pass for you, but writing it once shows where every gradient
comes from. The four exercises of this section are worth **40 points**, graded in their own cells,
separately from the forward passes above.

Each backward function receives the gradient of the cost with respect to the layer's output
(`dZ` or `dA`, with the output's shape) and the cache of the forward pass. It returns gradients
**shaped exactly like what they differentiate**: `dA_prev` like `A_prev`, `dW` like `W`, `db`
like `b`.

How to trust a gradient? Compare it with a numerical one. `grad_check(f, inputs, dout)` nudges
every entry of every input by a tiny `±ε` and measures how `sum(f(*inputs) * dout)` changes
(central differences). `relative_error(a, b)` then gives the largest entry-by-entry relative
difference between two arrays. Numerical derivatives carry a little rounding noise, so a value
below about `1e-5` means the gradients agree; a real mistake usually gives `1e-2` or much more.
The demo cells below do exactly this.

![How one output gradient flows back through a convolutional and a pooling layer](../../images/w1a1_backward_flow.png)
""")
    nb.md('md-16', r"""
<a name="ex5"></a>
### Exercise 5 — conv_backward (20 points)

Write `A_pad` for the padded input and `S` for the stride. The forward pass computed

$$Z_{i,h,w,c} \;=\; \sum_{r,s,k} A^{pad}_{i,\;hS+r,\;wS+s,\;k}\; W_{r,s,k,c} \;+\; b_c .$$

Each output entry is a sum of products, so its partial derivative with respect to any one factor
is the other factor. By the chain rule, the cost's gradient collects, for every input or weight,
the contributions of **all** the outputs it took part in:

- **Input.** $A^{pad}_{i,\,hS+r,\,wS+s,\,k}$ was multiplied by $W_{r,s,k,c}$, so output $(i,h,w,c)$
  adds $W_{r,s,k,c}\, dZ_{i,h,w,c}$ to its gradient. For a whole window at once: the window of
  `dA_prev_pad[i]` used by output `(h, w)` receives `W[:, :, :, c] * dZ[i, h, w, c]`.
- **Weights.** $W_{r,s,k,c}$ was multiplied by the input value in the window, so
  `dW[:, :, :, c]` receives `a_slice * dZ[i, h, w, c]`, where `a_slice` is that same window of the
  padded input.
- **Bias.** $b_c$ was added to every output of channel `c`, so `db[:, :, :, c]` receives
  `dZ[i, h, w, c]`: it is the sum of `dZ` over examples and positions.

**Accumulate with `+=`.** When `stride < f`, neighbouring windows overlap and an input pixel
belongs to several of them. Its gradient is the **sum** of what every window sends it. Writing
`=` instead of `+=` would keep only the last window's contribution. The same holds for `dW` and
`db`, which receive something from every `(i, h, w)`.

**Removing the padding.** Work on a padded gradient `dA_prev_pad` (so the window slices match the
forward pass), then keep only its interior: the gradient of the zeros added by padding is not
needed. Beware of a classic slicing trap: `da_prev_pad[pad:-pad, pad:-pad, :]` looks right, but for
`pad = 0` it becomes `[0:-0]`, which is `[0:0]`, an **empty** slice! Slice with explicit ends
instead: `[pad:pad + n_H_prev, pad:pad + n_W_prev, :]` works for every `pad`, including 0.

**Your task.** Implement `conv_backward(dZ, cache)`.

**Hints (about 30 lines).**
1. Unpack the cache in the order of the contract, and read the shapes and hyper-parameters.
2. Start `dA_prev`, `dW` and `db` as zeros with the shapes of `A_prev`, `W` and `b`.
3. Pad `A_prev` and `dA_prev` with `zero_pad`.
4. Use the same four loops as `conv_forward`. Inside, apply the three `+=` updates above.
5. After the loops over one example, copy the interior of its padded gradient into
   `dA_prev[i, :, :, :]`.
""")
    nb.exercise(
        'conv_backward', number=5, points=20, grade_id='conv_backward_gradients',
        solution=r'''
def conv_backward(dZ, cache):
    """
    Backward pass of a convolutional layer.

    Arguments:
    dZ -- gradient of the cost with respect to the output Z of conv_forward,
          numpy array of shape (m, n_H, n_W, n_C)
    cache -- the tuple (A_prev, W, b, hparameters) returned by conv_forward:
             A_prev (m, n_H_prev, n_W_prev, n_C_prev), unpadded
             W (f, f, n_C_prev, n_C), b (1, 1, 1, n_C), hparameters {"stride", "pad"}

    Returns:
    dA_prev -- gradient with respect to A_prev, shape (m, n_H_prev, n_W_prev, n_C_prev)
    dW -- gradient with respect to W, shape (f, f, n_C_prev, n_C)
    db -- gradient with respect to b, shape (1, 1, 1, n_C)

    For every (i, h, w, c), with the window rows h*stride .. h*stride+f-1 and columns
    w*stride .. w*stride+f-1 of the padded input:
        dA_prev_pad[i, window, :] += W[:, :, :, c] * dZ[i, h, w, c]
        dW[:, :, :, c]            += a_slice * dZ[i, h, w, c]
        db[:, :, :, c]            += dZ[i, h, w, c]
    and dA_prev is the interior of dA_prev_pad (padding removed).
    """
    ### BEGIN SOLUTION
    (A_prev, W, b, hparameters) = cache
    (m, n_H_prev, n_W_prev, n_C_prev) = A_prev.shape
    (f, f, n_C_prev, n_C) = W.shape
    stride = hparameters["stride"]
    pad = hparameters["pad"]
    (m, n_H, n_W, n_C) = dZ.shape

    dA_prev = np.zeros(A_prev.shape)
    dW = np.zeros(W.shape)
    db = np.zeros(b.shape)

    A_prev_pad = zero_pad(A_prev, pad)
    dA_prev_pad = zero_pad(dA_prev, pad)

    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        da_prev_pad = dA_prev_pad[i]
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                a_slice = a_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :]
                for c in range(n_C):
                    da_prev_pad[vert_start:vert_end, horiz_start:horiz_end, :] += (
                        W[:, :, :, c] * dZ[i, h, w, c])
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
        # Explicit ends: correct for pad = 0 too (pad:-pad would be empty).
        dA_prev[i, :, :, :] = da_prev_pad[pad:pad + n_H_prev, pad:pad + n_W_prev, :]

    return dA_prev, dW, db
    ### END SOLUTION
''',
        demo=[
            code('conv_backward-demo', r"""
np.random.seed(5)
A_prev = np.random.randn(2, 4, 5, 3)
W = np.random.randn(3, 3, 3, 2)
b = np.random.randn(1, 1, 1, 2)

for hparameters in ({"pad": 1, "stride": 1}, {"pad": 0, "stride": 2}):
    Z, cache_conv = conv_forward(A_prev, W, b, hparameters)
    dZ = np.random.randn(*Z.shape)
    dA_prev, dW, db = conv_backward(dZ, cache_conv)
    print(hparameters)
    print("  shapes:", dA_prev.shape, dW.shape, db.shape)
    print("  db =", db.ravel())

    # Numerical check: differentiate sum(conv_forward(...)[0] * dZ) by central differences.
    num_dA, num_dW, num_db = grad_check(
        lambda A, W, b: conv_forward(A, W, b, hparameters)[0], [A_prev, W, b], dZ)
    for name, analytic, numeric in (("dA_prev", dA_prev, num_dA), ("dW", dW, num_dW),
                                    ("db", db, num_db)):
        print(f"  {name:7s} agrees with the numerical gradient:",
              relative_error(analytic, numeric) < 1e-5)
"""),
            markdown('conv_backward-demo-expected', r"""
**Expected output** (with the seed above and a correct implementation):

```text
{'pad': 1, 'stride': 1}
  shapes: (2, 4, 5, 3) (3, 3, 3, 2) (1, 1, 1, 2)
  db = [-7.4421  -2.17944]
  dA_prev agrees with the numerical gradient: True
  dW      agrees with the numerical gradient: True
  db      agrees with the numerical gradient: True
{'pad': 0, 'stride': 2}
  shapes: (2, 4, 5, 3) (3, 3, 3, 2) (1, 1, 1, 2)
  db = [0.47961 0.22669]
  dA_prev agrees with the numerical gradient: True
  dW      agrees with the numerical gradient: True
  db      agrees with the numerical gradient: True
```
"""),
        ])
    nb.md('md-18', r"""
<a name="ex6"></a>
### Exercise 6 — create_mask_from_window (5 points)

In max pooling, each output is the largest value of its window; the other values of the window
had **no influence** on it. A tiny change of a non-maximal value leaves the output unchanged, so
its gradient is 0, while the maximum passes its gradient through unchanged (its derivative is 1).

The backward pass therefore needs, for each window, a **mask** that is `True` where the window
holds its maximum and `False` elsewhere. Multiplying the mask by the upstream gradient sends the
whole gradient to the winning position.

**Ties.** If the maximum appears more than once in a window, this course's convention is that
**every** tied position is `True`. (Some frameworks pick just one of them. With real-valued
activations ties are very rare, so in practice both conventions give the same gradients.)

**Your task.** Implement `create_mask_from_window(x)`. **Hint (1 line):** compare `x` with
`np.max(x)`; the comparison of an array with a number is already a boolean array.
""")
    nb.exercise(
        'create_mask_from_window', number=6, points=5, grade_id='create_mask_from_window_ties',
        solution=r'''
def create_mask_from_window(x):
    """
    Mark the position(s) of the maximum of one pooling window.

    Arguments:
    x -- numpy array of shape (f, f), one window of one channel

    Returns:
    mask -- boolean numpy array of shape (f, f): True where x equals its maximum
            (every tied maximum is True), False elsewhere
    """
    ### BEGIN SOLUTION
    mask = (x == np.max(x))
    return mask
    ### END SOLUTION
''',
        demo=[
            code('create_mask_from_window-demo', r"""
np.random.seed(6)
x = np.random.randn(2, 3)
print("x =\n", x)
print("mask =\n", create_mask_from_window(x))

x_tie = np.array([[0.5, 2.0],
                  [2.0, -1.0]])
print("mask with a tie =\n", create_mask_from_window(x_tie))
"""),
            markdown('create_mask_from_window-demo-expected', r"""
**Expected output** (with the seed above and a correct implementation):

```text
x =
 [[-0.31178  0.729    0.21782]
 [-0.89909 -2.48678  0.91325]]
mask =
 [[False False False]
 [False False  True]]
mask with a tie =
 [[False  True]
 [ True False]]
```
"""),
        ])
    nb.md('md-20', r"""
<a name="ex7"></a>
### Exercise 7 — distribute_value (5 points)

In average pooling, the output of a window of `n_H × n_W` values is
$\frac{1}{n_H n_W}\sum x_{r,s}$. Every value of the window has the **same** weight
$\frac{1}{n_H n_W}$ in that mean, so each of them receives the same share of the output's
gradient `dz`:

$$\frac{\partial \,\text{cost}}{\partial x_{r,s}} = \frac{dz}{n_H \cdot n_W}\quad\text{for every } (r, s).$$

For example, `dz = 3` spread over a `2 × 3` window gives `0.5` in each of the six cells. The
window's values do not matter, only its shape.

**Your task.** Implement `distribute_value(dz, shape)`, which returns an array of the given
shape filled with that share. **Hint (2 lines):** unpack `shape`, then `np.ones(shape)` times the
share.
""")
    nb.exercise(
        'distribute_value', number=7, points=5, grade_id='distribute_value_even_split',
        solution=r'''
def distribute_value(dz, shape):
    """
    Spread a gradient evenly over an average-pooling window.

    Arguments:
    dz -- real scalar, the gradient of one output of average pooling
    shape -- tuple (n_H, n_W), the shape of the window

    Returns:
    a -- float numpy array of shape (n_H, n_W) in which every entry is dz / (n_H * n_W)
    """
    ### BEGIN SOLUTION
    (n_H, n_W) = shape
    average = dz / (n_H * n_W)
    a = np.ones(shape) * average
    return a
    ### END SOLUTION
''',
        demo=[
            code('distribute_value-demo', r"""
a = distribute_value(3.0, (2, 3))
print("distributed value =\n", a)
print("sum =", a.sum())
"""),
            markdown('distribute_value-demo-expected', r"""
**Expected output** (with the seed above and a correct implementation):

```text
distributed value =
 [[0.5 0.5 0.5]
 [0.5 0.5 0.5]]
sum = 3.0
```
"""),
        ])
    nb.md('md-22', r"""
<a name="ex8"></a>
### Exercise 8 — pool_backward (10 points)

Now put the two helpers to work. `pool_backward(dA, cache, mode)` receives `dA`, the gradient with
respect to the pooling output (shape `(m, n_H, n_W, n_C)`), and the cache `(A_prev, hparameters)`
of `pool_forward`. It returns `dA_prev`, shaped like `A_prev`. Pooling has no parameters, so there
is no `dW` and no `db`.

For every example `i`, output position `(h, w)` and channel `c`, find the same window as in the
forward pass, then:

- **max mode:** take that window of `A_prev[i, :, :, c]`, build its mask with
  `create_mask_from_window`, and add `mask * dA[i, h, w, c]` into the same window of
  `dA_prev[i, :, :, c]`;
- **average mode:** add `distribute_value(dA[i, h, w, c], (f, f))` into that window.

As in the convolution, windows overlap when `stride < f`, so **accumulate with `+=`**. A `mode`
other than `"max"` or `"average"` raises `ValueError`, as in `pool_forward`.

**Hints (about 25 lines).** The loop structure is the one of `pool_forward`. Start from
`dA_prev = np.zeros(A_prev.shape)`. Note that the mask is computed from the forward **input**
`A_prev`, not from `dA`.
""")
    nb.exercise(
        'pool_backward', number=8, points=10, grade_id='pool_backward_gradients',
        solution=r'''
def pool_backward(dA, cache, mode="max"):
    """
    Backward pass of a pooling layer.

    Arguments:
    dA -- gradient of the cost with respect to the output of pool_forward,
          numpy array of shape (m, n_H, n_W, n_C)
    cache -- the tuple (A_prev, hparameters) returned by pool_forward:
             A_prev (m, n_H_prev, n_W_prev, n_C_prev), hparameters {"f", "stride"}
    mode -- "max" or "average"; any other value raises ValueError

    Returns:
    dA_prev -- gradient with respect to A_prev, numpy array of shape (m, n_H_prev, n_W_prev, n_C_prev).
               For every (i, h, w, c), with window = rows h*stride .. h*stride+f-1 and
               columns w*stride .. w*stride+f-1 of channel c:
               max:     dA_prev[i, window, c] += create_mask_from_window(A_prev[i, window, c]) * dA[i, h, w, c]
               average: dA_prev[i, window, c] += distribute_value(dA[i, h, w, c], (f, f))
    """
    ### BEGIN SOLUTION
    if mode not in ("max", "average"):
        raise ValueError(f"mode must be 'max' or 'average', got {mode!r}")

    (A_prev, hparameters) = cache
    stride = hparameters["stride"]
    f = hparameters["f"]
    (m, n_H, n_W, n_C) = dA.shape

    dA_prev = np.zeros(A_prev.shape)

    for i in range(m):
        a_prev = A_prev[i]
        for h in range(n_H):
            vert_start = h * stride
            vert_end = vert_start + f
            for w in range(n_W):
                horiz_start = w * stride
                horiz_end = horiz_start + f
                for c in range(n_C):
                    if mode == "max":
                        a_prev_slice = a_prev[vert_start:vert_end, horiz_start:horiz_end, c]
                        mask = create_mask_from_window(a_prev_slice)
                        dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += (
                            mask * dA[i, h, w, c])
                    else:
                        da = dA[i, h, w, c]
                        dA_prev[i, vert_start:vert_end, horiz_start:horiz_end, c] += (
                            distribute_value(da, (f, f)))

    return dA_prev
    ### END SOLUTION
''',
        demo=[
            code('pool_backward-demo', r"""
np.random.seed(7)
A_prev = np.random.randn(2, 5, 4, 2)
hparameters = {"stride": 1, "f": 2}          # stride < f: the windows overlap

for mode in ("max", "average"):
    A, cache_pool = pool_forward(A_prev, hparameters, mode=mode)
    dA = np.random.randn(*A.shape)
    dA_prev = pool_backward(dA, cache_pool, mode=mode)
    print(f"mode = {mode}")
    print("  dA_prev.shape =", dA_prev.shape)
    print("  dA_prev[1, 1, :, 0] =", dA_prev[1, 1, :, 0])
    (num_dA_prev,) = grad_check(lambda X: pool_forward(X, hparameters, mode=mode)[0],
                                [A_prev], dA)
    print("  agrees with the numerical gradient:",
          relative_error(dA_prev, num_dA_prev) < 1e-5)
"""),
            markdown('pool_backward-demo-expected', r"""
**Expected output** (with the seed above and a correct implementation):

```text
mode = max
  dA_prev.shape = (2, 5, 4, 2)
  dA_prev[1, 1, :, 0] = [ 0.       2.68102 -1.23352  0.     ]
  agrees with the numerical gradient: True
mode = average
  dA_prev.shape = (2, 5, 4, 2)
  dA_prev[1, 1, :, 0] = [0.25311 0.29376 0.1166  0.07594]
  agrees with the numerical gradient: True
```
"""),
        ])

    # ---------------------------------------------------------------------- 6 — Loops versus a library, and what you learned
    nb.md('md-24', r"""
<a name="wrapup"></a>
## 6 — Loops versus a library, and what you learned

Your loops follow the definition one output entry at a time, which makes them easy to read and
to check, but slow: Python executes the innermost statement `m · n_H · n_W · n_C` times. A
deep-learning library computes exactly the same numbers with a few large, compiled array
operations. The cell below runs your `conv_forward` and TensorFlow's `tf.nn.conv2d` (which you
will use from the next assignment on) on a larger input, checks that they agree, and times both.

Two details make the library call match your layer: TensorFlow's `"VALID"` padding means *no*
padding, so the input is padded with your `zero_pad` first; and `tf.nn.conv2d` adds no bias, so
`b` is added afterwards. Like your code, it computes a cross-correlation (no kernel flip).

(Curious how a vectorized NumPy version would look? Read about
`np.lib.stride_tricks.sliding_window_view` and `np.einsum` — after you have finished the
exercises.)
""")
    nb.code('vectorized-comparison', r"""
import time
from cnnkit.setup import quiet_tensorflow

tf = quiet_tensorflow()   # imports TensorFlow without log noise

rng = np.random.default_rng(0)
A_big = rng.normal(size=(8, 28, 28, 3))
W_big = rng.normal(size=(3, 3, 3, 8))
b_big = rng.normal(size=(1, 1, 1, 8))
hp_big = {"pad": 1, "stride": 1}

start = time.perf_counter()
Z_loop, _ = conv_forward(A_big, W_big, b_big, hp_big)
t_loop = time.perf_counter() - start

start = time.perf_counter()
Z_tf = tf.nn.conv2d(zero_pad(A_big, hp_big["pad"]), W_big, strides=hp_big["stride"], padding="VALID") + b_big
Z_tf = Z_tf.numpy()
t_tf = time.perf_counter() - start

print("output shape:", Z_loop.shape, "and", Z_tf.shape)
print("same values:", np.allclose(Z_loop, Z_tf, rtol=1e-10, atol=1e-10))
print(f"largest difference: {np.max(np.abs(Z_loop - Z_tf)):.1e}   (only rounding: sums taken in another order)")
print(f"your loops:     {1000 * t_loop:8.2f} ms")
print(f"tf.nn.conv2d:   {1000 * t_tf:8.2f} ms   (about {t_loop / max(t_tf, 1e-9):.0f} times faster)")
""")
    nb.md('md-25', r"""
### What you learned

- **Padding** adds zeros on the spatial borders only, so that a convolution can keep the image
  size and border pixels take part in as many windows as the others.
- **One convolution step** is an elementwise product of a window and a filter over all input
  channels, summed, plus the bias added once; its result is a single number.
- A **convolutional layer** slides every filter over every example with a stride. Its output
  size is $\lfloor (n - f + 2\cdot pad)/stride \rfloor + 1$ on each spatial axis, with a floor,
  and it computes a cross-correlation: the kernel is not flipped.
- A **pooling layer** summarises each window of each channel by its maximum or its mean. It has
  no parameters and keeps the number of channels.
- The **cache** stores what the backward pass needs, in an agreed order; the conv cache holds the
  unpadded input.
- **Backward passes** send each output gradient back to everything that produced it: through
  the filter weights into the input window, through the input window into the filter, and
  directly into the bias. Overlapping windows mean the contributions must be **added up**. Max
  pooling routes the gradient to the maximum through a mask; average pooling spreads it evenly.
- Gradients can be **checked numerically**, and a loop version and a vectorized version of a
  layer compute the same numbers — the vectorized one much faster.

In the next assignment you will build whole convolutional networks with Keras, which provides
these layers, already vectorized and with their gradients.
""")
    return nb


if __name__ == "__main__":
    raise SystemExit(main(build))
