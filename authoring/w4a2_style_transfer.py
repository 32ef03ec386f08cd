"""The one editable source of the notebook ``w4a2_style_transfer``.

Neural style transfer: content cost, Gram matrices, style cost, total cost and the optimisation
of the pixels (course 4, week 4, assignment 2).

``python authoring/w4a2_style_transfer.py`` (or ``python3 course.py build``) writes
``solutions/w4a2_style_transfer/w4a2_style_transfer.ipynb``; then ``python3 course.py generate``
makes the student version.  ``tests/test_notebooks.py`` fails when the committed notebook differs
from what this file builds.
"""
from grading.authoring import Notebook, main


def build() -> Notebook:
    nb = Notebook("w4a2_style_transfer")

    # ---------------------------------------------------------------------- title
    nb.md('md-01', r"""
# Art generation with neural style transfer

**Course 4, week 4, assignment 2** — painting a picture in the manner of another one.

Take two pictures: a **content** picture **C** (here, a city by a river at dusk) and a **style**
picture **S** (a painting with swirling brush strokes). Neural style transfer makes a third
picture **G** that shows what C shows, drawn with the strokes, colours and textures of S.

Nothing is trained in this assignment. A convolutional network that has already learned to
recognise pictures stays frozen; what changes are the **pixels of G**. Two costs measure how far
G is from what we want, both computed from the network's activations:

- the **content cost** compares C and G in one deep layer, which responds to *what is where*;
- the **style cost** compares S and G through the **Gram matrices** of several layers: which
  features occur together, wherever they are.

Gradient descent on the pixels lowers their weighted sum, and G slowly turns into a painting.

By the end you will be able to:

- explain what shallow and deep layers of a CNN respond to, and why one deep layer can stand for
  the content of a picture;
- compute the **content cost** of two activation volumes with its normalisation;
- unroll an activation volume into a matrix, compute its **Gram matrix**, and explain why
  channel-to-channel correlations describe texture but not layout;
- compute the **style cost** of one layer, and read how several layers are combined;
- combine both into the total cost $J(G) = \alpha J_{content}(C, G) + \beta J_{style}(S, G)$;
- optimise the pixels of an image with `tf.GradientTape` and Adam, keeping them in $[0, 1]$;
- judge the result with numbers, not only with your eyes.
""")
    nb.md('md-02', r"""
## Table of contents

- [1 — Setup](#setup)
- [2 — The feature network](#network)
- [3 — The content cost](#content)
    - [Exercise 1 — compute_content_cost (20 points)](#ex1)
- [4 — The style cost](#style)
    - [Exercise 2 — gram_matrix (15 points)](#ex2)
    - [Exercise 3 — compute_layer_style_cost (25 points)](#ex3)
    - [Several layers: compute_style_cost (given)](#style-layers)
- [5 — The total cost](#total)
    - [Exercise 4 — total_cost (10 points)](#ex4)
- [6 — Optimising the picture](#optimise)
    - [Exercise 5 — train_step (30 points)](#ex5)
- [7 — Did it work? Measuring the result](#measure)
- [8 — Experiments: other styles, your own pictures](#experiments)
- [9 — What you learned](#wrapup)

## How this assignment is graded

- There are **5 exercises worth 100 points** in total (20, 15, 25, 10 and 30). Each exercise is
  graded in its own cell.
- Each exercise has **one cell for you to edit**: replace the line `raise NotImplementedError()`
  with your code, inside the function that is already defined. Keep the function's name and its
  arguments exactly as they are.
- After each exercise there is a **test cell**. It runs the **public tests** right away and prints
  `All tests passed.` when they succeed. When your work is graded, the same cell also runs
  **hidden tests** on other random activations: other heights, widths and numbers of channels,
  lists of several layers, non-default weights.
- `compute_layer_style_cost` uses your `gram_matrix`, and `train_step` uses your cost functions.
  Their hidden tests run them with correct versions of those helpers, so a mistake in an earlier
  exercise costs that exercise only.
- Do not add, delete or copy cells, and do not edit the test cells. Keep your code free of
  warnings: text on the error stream can cost points.
""")

    # ---------------------------------------------------------------------- 1 — Setup
    nb.md('md-03', r"""
<a name="setup"></a>
## 1 — Setup

The first cell imports the libraries and the course's helper package `cnnkit`. From
`cnnkit.nst` come:

- `load_vgg19(img_size)`: the frozen feature network (section 2);
- `get_layer_outputs(vgg, layer_names)`: a model that returns the activations of chosen layers;
- `clip_0_1(image)`: clips every pixel to $[0, 1]$; `tensor_to_image(tensor)`: turns a
  `(1, H, W, 3)` tensor into a picture you can show or save;
- `load_image(path, img_size)`: reads any picture file as a `(1, img_size, img_size, 3)` uint8 array;
- figures: `feature_maps`, `gram_heatmap`, `progress_grid`, `cost_curve`.

`training_epochs(n)` returns `n`; the course's automatic checks make it return 1, so that they run
the notebook quickly. The last line switches off TF32 matrix products, which some GPUs use by
default: they are faster but less exact, and the tests compare numbers closely.
""")
    nb.setup(r"""
from cnnkit.setup import init_notebook, training_epochs
init_notebook(tensorflow=True)
import os
import time
import numpy as np
import tensorflow as tf
import matplotlib.pyplot as plt
from cnnkit import nst
from cnnkit.nst import (load_vgg19, get_layer_outputs, clip_0_1, tensor_to_image, load_image, feature_maps,
                        gram_heatmap, progress_grid, cost_curve)
from public_tests.w4a2 import *
tf.config.experimental.enable_tensor_float_32_execution(False)
%matplotlib inline
""")
    nb.md('md-04', r"""
The next cell chooses the pictures and their size. The course ships one content picture and five
style pictures, all drawn by the course's own code (`cnnkit.paintings`): `"brush"`, `"swirl"`,
`"mosaic"`, `"pointillism"` and `"crosshatch"`. Any picture file works too: section 8 shows how to
use your own. The network sees square pictures of `img_size` × `img_size` pixels; 192 keeps the
whole notebook within about two minutes on a laptop (the original work used 400 × 400 and
thousands of steps on a GPU).
""")
    nb.given('config', r"""
img_size = 192                           # the pictures are resized to img_size x img_size
content_path = nst.content_path()        # images/w4a2/content.jpg: a city by a river at dusk
style_path = nst.style_path("swirl")     # images/w4a2/style_swirl.jpg
print("content:", content_path.name, "| style:", style_path.name, "| styles shipped:", nst.style_names())
""")
    nb.given('seed', r"""
tf.random.set_seed(272)   # the noise added to the first generated picture is the same at every run
""")

    # ---------------------------------------------------------------------- 2 — The feature network
    nb.md('md-05', r"""
<a name="network"></a>
## 2 — The feature network

Style transfer needs a network whose layers already describe pictures well. Gatys, Ecker and
Bethge (2015) used **VGG19**, a 19-layer classification network trained on ImageNet, without its
classifier: 16 convolutional layers in five blocks, each followed by a 2 × 2 max-pool. The layers
are named `blockK_convJ` (block K, convolution J) and `blockK_pool`.

`load_vgg19` returns such a network, frozen (`trainable = False`: its weights never change here):

- if the official ImageNet file (`vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5`) is in your
  Keras cache (`~/.keras/models/`), it builds Keras' own
  `tf.keras.applications.VGG19(include_top=False)` with those weights: 20 million parameters;
- otherwise it uses the course's **mini-VGG19**: exactly the same layers and names, with fewer
  channels per layer (16, 32, 64, 128, 128 instead of 64, 128, 256, 512, 512). It was trained by
  the course (`scripts/w4a2_train_vgg19_mini.py`) to recognise shapes and textures in
  synthetic pictures; its model card, `datasets/weights/vgg19_mini.md`, says how and how well.

Both take RGB pictures with values in $[0, 1]$, as the original assignment did.
""")
    nb.code('load-vgg', r"""
vgg = load_vgg19(img_size)
print(f"{'layer':14s} {'output shape':24s} {'parameters':>10s}")
for layer in vgg.layers[1:]:
    print(f"{layer.name:14s} {str(layer.output.shape):24s} {layer.count_params():>10,}")
""")
    nb.md('md-06', r"""
### What the layers see

The pictures first. `load_image` resizes them to `img_size` × `img_size` (the aspect ratio is not
kept) and adds a batch axis: uint8 arrays of shape `(1, img_size, img_size, 3)`.
""")
    nb.code('show-images', r"""
content_image = load_image(content_path, img_size)
style_image = load_image(style_path, img_size)
print("content_image:", content_image.shape, content_image.dtype, "| style_image:", style_image.shape)
fig, axes = plt.subplots(1, 2, figsize=(8, 4))
for ax, img, title in zip(axes, (content_image, style_image), ("content C", "style S")):
    ax.imshow(img[0])
    ax.set_title(title)
    ax.axis("off")
plt.show()
""")
    nb.md('md-07', r"""
Every convolutional layer turns its input into a volume of activations of shape
`(1, n_H, n_W, n_C)`: `n_C` **feature maps**, one per filter, each `n_H` × `n_W`. The figure below
shows, for five layers, the feature maps that respond most strongly to the content picture
(bright = strong).

- In **block1** the maps still look like the picture: each filter responds to a colour or to
  edges of one direction, at every position.
- Deeper, each position sees a larger part of the picture (after each pool, one step of the map
  covers twice as many pixels) and the filters respond to combinations: corners, repeated
  windows, the border between buildings and sky. The maps get coarser and harder to read, but
  they still say **where** things are.

That is why a deep layer can stand for the *content* of a picture: two pictures with the same
things in the same places give similar activations there, even if their colours and textures
differ. The assignment uses `block5_conv4` for the content, the last convolution of VGG19.
""")
    nb.code('feature-maps', r"""
show_layers = [("block1_conv1", 1), ("block2_conv1", 1), ("block3_conv1", 1),
               ("block4_conv1", 1), ("block5_conv4", 1)]
probe = get_layer_outputs(vgg, show_layers)
content_float = tf.image.convert_image_dtype(content_image, tf.float32)
feature_maps(probe(content_float), show_layers, image=content_image, channels=6)
""")

    # ---------------------------------------------------------------------- 3 — The content cost
    nb.md('md-08', r"""
<a name="content"></a>
## 3 — The content cost

Let $a^{(C)}$ be the activations of the content layer for the content picture C, and $a^{(G)}$
those for the generated picture G, both of shape `(1, n_H, n_W, n_C)`. The **content cost** is
their squared distance, normalised by the size of the volume:

$$J_{content}(C, G) = \frac{1}{4 \times n_H \times n_W \times n_C} \sum_{\text{all entries}} \left(a^{(C)} - a^{(G)}\right)^2$$

The factor $\frac{1}{4 n_H n_W n_C}$ is a convention of the original work; it keeps the cost on
the same scale whatever the size of the layer, so that the weights α and β chosen later keep their
meaning.

The network model used later returns a **list** of activations, one per chosen layer, with the
content layer **last**. `compute_content_cost` receives two such lists and uses only their last
elements.

<a name="ex1"></a>
### Exercise 1 — compute_content_cost (20 points)

1. Take the last element of each list: `a_C = content_output[-1]`, `a_G = generated_output[-1]`.
2. Read `m, n_H, n_W, n_C` from `a_G.shape` (use `.shape`; `get_shape()` also works on the eager
   tensors used here).
3. Return the sum of the squared differences divided by `4 * n_H * n_W * n_C`: `tf.reduce_sum`
   and `tf.square` do it. Unrolling the volumes first (`tf.reshape`) is allowed but not needed:
   it does not change the sum.

Return a scalar tensor (what `tf.reduce_sum` gives), not a Python number.
""")
    nb.exercise(
        'compute_content_cost', number=1, points=20, grade_id='compute_content_cost_last_layer_normalised',
        solution=r'''
def compute_content_cost(content_output, generated_output):
    """The content cost of the last layer of two lists of activations.

    Arguments:
        content_output -- list (or tuple) of tensors (1, n_H, n_W, n_C): activations for the content picture
        generated_output -- list (or tuple) of tensors, the same layers for the generated picture

    Returns:
        J_content -- scalar tensor: sum((a_C - a_G)^2) / (4 * n_H * n_W * n_C) for the last layer
    """
    a_C = content_output[-1]
    a_G = generated_output[-1]

    ### BEGIN SOLUTION
    # Dimensions of the generated picture's activations
    _, n_H, n_W, n_C = a_G.shape

    # Sum of squared differences, normalised
    J_content = tf.reduce_sum(tf.square(a_C - a_G)) / (4 * n_H * n_W * n_C)
    ### END SOLUTION
    return J_content
''')

    # ---------------------------------------------------------------------- 4 — The style cost
    nb.md('md-09', r"""
<a name="style"></a>
## 4 — The style cost

What is the *style* of a painting? Not where things are: a painting keeps its style if you cut it
into pieces and shuffle them. Style is in **which features appear together**: in the swirl
picture, thick strokes in a curved direction come with deep blue, and thin yellow strokes come with
tight circles. Gatys et al. measured this with the **Gram matrix** of a layer's activations.

### The Gram matrix

Unroll the activation volume `(1, n_H, n_W, n_C)` into a matrix $A$ of shape `(n_C, n_H·n_W)`:
one row per channel, holding that channel's activation at every position. The Gram matrix is

$$G = A A^T, \qquad G_{ij} = \sum_{p=1}^{n_H n_W} A_{ip} A_{jp}$$

of shape `(n_C, n_C)`. Entry $G_{ij}$ is large when channels $i$ and $j$ are active **at the same
positions**; the diagonal $G_{ii}$ says how active channel $i$ is overall. The sum over positions
throws away *where*: shuffling the positions (the same shuffle for every channel) does not change
$G$.

<a name="ex2"></a>
### Exercise 2 — gram_matrix (15 points)

Implement `gram_matrix(A)` for a matrix `A` of shape `(n_C, n_H·n_W)` that is already unrolled:
return $A A^T$ with `tf.matmul` and `tf.transpose`. The result has shape `(n_C, n_C)`. (Careful:
$A^T A$ has shape `(n_H·n_W, n_H·n_W)` and measures something else.)
""")
    nb.exercise(
        'gram_matrix', number=2, points=15, grade_id='gram_matrix_channels_by_channels',
        solution=r'''
def gram_matrix(A):
    """The Gram matrix of an unrolled activation matrix.

    Argument:
        A -- tensor of shape (n_C, n_H * n_W)

    Returns:
        GA -- tensor of shape (n_C, n_C): A A^T
    """
    ### BEGIN SOLUTION
    GA = tf.matmul(A, tf.transpose(A))
    ### END SOLUTION
    return GA
''')
    nb.md('md-10', r"""
### Gram matrices as pictures

The heat maps below show the Gram matrices of the content picture and of the style picture in two
layers (the first 32 channels; bright = large). Each picture has its own pattern of bright
rows and columns: the channels it uses, and which of them go together. The style cost you write
next compares exactly these matrices.
""")
    nb.code('gram-figure', r"""
def unrolled(a):
    # (1, n_H, n_W, n_C) -> (n_C, n_H * n_W): positions first, then channels as rows
    return tf.transpose(tf.reshape(a, (-1, a.shape[-1])))

gram_layers = [("block1_conv1", 1), ("block3_conv1", 1)]
gram_probe = get_layer_outputs(vgg, gram_layers)
style_float = tf.image.convert_image_dtype(style_image, tf.float32)
if tuple(gram_matrix(tf.ones((2, 5))).shape) != (2, 2):
    print("gram_matrix does not return an (n_C, n_C) matrix yet: fix exercise 2 to see the figure")
else:
    grams, titles = [], []
    layer_names = [n for n, _ in gram_layers]
    for name, a_content, a_style in zip(layer_names, gram_probe(content_float), gram_probe(style_float)):
        scale = float(a_content.shape[1] * a_content.shape[2])      # per position, so both layers share one scale
        grams += [gram_matrix(unrolled(a_content)) / scale, gram_matrix(unrolled(a_style)) / scale]
        titles += [f"content, {name}", f"style, {name}"]
    display(gram_heatmap(grams, titles))
""")
    nb.md('md-11', r"""
### The style cost of one layer

For one layer, with $G^{(S)}$ and $G^{(G)}$ the Gram matrices of the style picture and of the
generated picture, the style cost is

$$J_{style}^{[l]}(S, G) = \frac{1}{4 \times n_C^2 \times (n_H \times n_W)^2} \sum_{i=1}^{n_C}\sum_{j=1}^{n_C} \left(G^{(S)}_{ij} - G^{(G)}_{ij}\right)^2$$

Again the normalisation keeps layers of different sizes on one scale.

<a name="ex3"></a>
### Exercise 3 — compute_layer_style_cost (25 points)

1. Read `m, n_H, n_W, n_C` from `a_G.shape`.
2. Unroll `a_S` and `a_G` to shape `(n_C, n_H·n_W)`: first `tf.reshape` to `(n_H·n_W, n_C)` (one
   row per position), **then** `tf.transpose`. Reshaping straight to `(n_C, n_H·n_W)` is wrong:
   the numbers of a channels-last volume are stored position by position, so such a reshape mixes
   positions and channels in every row.
3. Compute the Gram matrices `GS` and `GG` with your `gram_matrix`.
4. Return the sum of `(GS - GG)²` divided by `4 * n_C**2 * (n_H * n_W)**2`, a scalar tensor.
""")
    nb.exercise(
        'compute_layer_style_cost', number=3, points=25, grade_id='compute_layer_style_cost_unrolled_and_normalised',
        solution=r'''
def compute_layer_style_cost(a_S, a_G):
    """The style cost of one layer.

    Arguments:
        a_S -- tensor of shape (1, n_H, n_W, n_C): activations of the layer for the style picture
        a_G -- tensor of shape (1, n_H, n_W, n_C): activations of the layer for the generated picture

    Returns:
        J_style_layer -- scalar tensor: sum((G_S - G_G)^2) / (4 * n_C^2 * (n_H * n_W)^2)
    """
    ### BEGIN SOLUTION
    # Dimensions
    _, n_H, n_W, n_C = a_G.shape

    # Unroll to (n_C, n_H * n_W): positions as rows first, then transpose
    a_S = tf.transpose(tf.reshape(a_S, shape=[n_H * n_W, n_C]))
    a_G = tf.transpose(tf.reshape(a_G, shape=[n_H * n_W, n_C]))

    # Gram matrices of both pictures
    GS = gram_matrix(a_S)
    GG = gram_matrix(a_G)

    # Squared distance between them, normalised
    J_style_layer = tf.reduce_sum(tf.square(GS - GG)) / (4 * n_C ** 2 * (n_H * n_W) ** 2)
    ### END SOLUTION
    return J_style_layer
''')
    nb.md('md-12', r"""
<a name="style-layers"></a>
### Several layers: compute_style_cost (given)

One layer captures texture at one scale: block1 sees colours and tiny strokes, block5 sees large
patterns. Mixing several layers copies the style at every scale. `STYLE_LAYERS` lists the layers
and their weights $\lambda^{[l]}$ (they sum to 1), and the style cost is the weighted sum

$$J_{style}(S, G) = \sum_{l} \lambda^{[l]} J_{style}^{[l]}(S, G)$$

`compute_style_cost` below is given (read-only). Like `compute_content_cost`, it receives the
lists of activations returned by the network model, whose **last** element belongs to the content
layer: it leaves that one out and pairs the others with `STYLE_LAYERS` in order. Try other
weights later (section 8): more weight on block1 gives fine, colourful textures; more on block4 and
block5 gives larger strokes.
""")
    nb.given('given_compute_style_cost', r"""
STYLE_LAYERS = [
    ("block1_conv1", 0.2),
    ("block2_conv1", 0.2),
    ("block3_conv1", 0.2),
    ("block4_conv1", 0.2),
    ("block5_conv1", 0.2)]


def compute_style_cost(style_image_output, generated_image_output, STYLE_LAYERS=STYLE_LAYERS):
    # Read-only. The weighted style cost of several layers.
    # style_image_output, generated_image_output -- lists of activations (style layers, then the content layer)
    J_style = 0

    # Leave out the last element (the content layer)
    a_S = style_image_output[:-1]
    a_G = generated_image_output[:-1]
    for i, weight in zip(range(len(a_S)), STYLE_LAYERS):
        # The style cost of this layer, times its weight
        J_style_layer = compute_layer_style_cost(a_S[i], a_G[i])
        J_style += weight[1] * J_style_layer

    return J_style
""", grade_id='given_compute_style_cost')

    # ---------------------------------------------------------------------- 5 — The total cost
    nb.md('md-13', r"""
<a name="total"></a>
## 5 — The total cost

The generated picture should be close to C in content *and* close to S in style:

$$J(G) = \alpha \, J_{content}(C, G) + \beta \, J_{style}(S, G)$$

The two weights set the balance: a larger β gives more style and less of the city, a larger α the
opposite. Only their ratio matters for *where* the optimisation ends up (their size scales the
gradients, which Adam mostly ignores).

<a name="ex4"></a>
### Exercise 4 — total_cost (10 points)

Return `alpha * J_content + beta * J_style`. The function is compiled with `@tf.function()` (it is
traced into a TensorFlow graph the first time it is called); it must work with tensors and with
Python numbers, and with `alpha` and `beta` given by position or by name.
""")
    nb.exercise(
        'total_cost', number=4, points=10, grade_id='total_cost_weights_alpha_beta',
        solution=r'''
@tf.function()
def total_cost(J_content, J_style, alpha=10, beta=40):
    """The total cost.

    Arguments:
        J_content -- content cost (scalar)
        J_style -- style cost (scalar)
        alpha -- weight of the content cost
        beta -- weight of the style cost

    Returns:
        J -- scalar tensor: alpha * J_content + beta * J_style
    """
    ### BEGIN SOLUTION
    J = alpha * J_content + beta * J_style
    ### END SOLUTION
    return J
''')

    # ---------------------------------------------------------------------- 6 — Optimising the picture
    nb.md('md-14', r"""
<a name="optimise"></a>
## 6 — Optimising the picture

Everything is ready. The plan:

1. Build one model, `vgg_model_outputs`, that returns the activations of the five style layers
   **and** the content layer `block5_conv4` (last), in that order.
2. Compute once the activations of the content picture, `a_C`, and of the style picture, `a_S`.
   They are the fixed targets.
3. Start G from the content picture plus some noise: the noise gives the optimisation room to
   draw strokes, and starting near C keeps the layout from the first step.
4. Repeat: compute $J(G)$, its gradient with respect to **the pixels of G**, one Adam step on the
   pixels, then clip them back to $[0, 1]$.

The network expects floats in $[0, 1]$: `tf.image.convert_image_dtype` turns the uint8 pictures
into such floats (it divides by 255).
""")
    nb.given('model-and-targets', r"""
content_layer = [("block5_conv4", 1)]
vgg_model_outputs = get_layer_outputs(vgg, STYLE_LAYERS + content_layer)

# The fixed targets: activations of the content picture and of the style picture
preprocessed_content = tf.Variable(tf.image.convert_image_dtype(content_image, tf.float32))
a_C = vgg_model_outputs(preprocessed_content)
preprocessed_style = tf.Variable(tf.image.convert_image_dtype(style_image, tf.float32))
a_S = vgg_model_outputs(preprocessed_style)
for (name, _), a in zip(STYLE_LAYERS + content_layer, a_S):
    print(f"{name:13s} activations {tuple(a.shape)}")

# The generated picture starts as the content picture plus uniform noise in [-0.25, 0.25]
generated_image = tf.Variable(tf.image.convert_image_dtype(content_image, tf.float32))
noise = tf.random.uniform(tf.shape(generated_image), -0.25, 0.25)
generated_image = tf.Variable(clip_0_1(tf.add(generated_image, noise)))
plt.figure(figsize=(4, 4))
plt.imshow(generated_image.numpy()[0])
plt.title("the starting point: content + noise")
plt.axis("off")
plt.show()
""")
    nb.md('md-16', r"""
<a name="ex5"></a>
### Exercise 5 — train_step (30 points)

The optimizer is created once, outside the function (read-only cell below): Adam keeps a running
average of the gradients for every pixel, and that memory must survive from one step to the next.

Implement `train_step(generated_image)`, which makes one optimisation step:

1. Inside a `tf.GradientTape()` block (so that the tape records every operation on the picture):
    - run `generated_image` through `vgg_model_outputs` to get its activations `a_G`;
    - compute `J_style` with `compute_style_cost(a_S, a_G)` and `J_content` with
      `compute_content_cost(a_C, a_G)` — mind which target goes with which cost;
    - combine the two with `total_cost` into `J` (keep its defaults α = 10, β = 40).
2. Ask the tape for the gradient of `J` with respect to `generated_image`, and give the pair
   (gradient, variable) to `optimizer.apply_gradients`, which expects a list of such pairs.
3. Clip the pixels back to $[0, 1]$ in place: `clip_0_1` returns the clipped tensor, and the
   variable's `assign` method writes it into `generated_image`.
4. Return `J`.

`train_step` is compiled with `@tf.function()`. A compiled function captures the global variables
it uses (`vgg_model_outputs`, `a_S`, `a_C`, `optimizer`) the first time it runs: if you change one
of them later, run this cell again so that the function is compiled anew.
""")
    nb.given('optimizer', r"""
optimizer = tf.keras.optimizers.Adam(learning_rate=0.01)
""")
    nb.exercise(
        'train_step', number=5, points=30, grade_id='train_step_gradient_update_and_clip',
        solution=r'''
@tf.function()
def train_step(generated_image):
    """One optimisation step of the pixels of generated_image (a tf.Variable (1, img_size, img_size, 3)).

    Uses the globals vgg_model_outputs, a_S, a_C and optimizer.

    Returns:
        J -- the total cost of generated_image before the step (scalar tensor)
    """
    with tf.GradientTape() as tape:
        ### BEGIN SOLUTION
        # Activations of the generated picture
        a_G = vgg_model_outputs(generated_image)

        # Style cost against the style targets, content cost against the content targets
        J_style = compute_style_cost(a_S, a_G)
        J_content = compute_content_cost(a_C, a_G)

        # Total cost (alpha = 10, beta = 40)
        J = total_cost(J_content, J_style)
        ### END SOLUTION

    ### BEGIN SOLUTION
    grad = tape.gradient(J, generated_image)
    optimizer.apply_gradients([(grad, generated_image)])
    generated_image.assign(clip_0_1(generated_image))
    ### END SOLUTION
    return J
''')
    nb.md('md-15', r"""
Before optimising anything, here are the costs of the starting picture (content + noise). The
noise already costs some style: section 7 compares the result with the style cost of the
untouched content picture.
""")
    nb.code('costs-before', r"""
J_content_start = compute_content_cost(a_C, vgg_model_outputs(generated_image))
J_style_start = compute_style_cost(a_S, vgg_model_outputs(generated_image))
print(f"starting picture: J_content = {float(J_content_start):.4g}, J_style = {float(J_style_start):.4g}, "
      f"J = {float(total_cost(J_content_start, J_style_start)):.4g}")
""")
    nb.md('md-17', r"""
### Let it paint

The next cell runs `train_step` `n_steps` times (400 here; about a minute on two CPU cores).
Every `save_every` steps it keeps a copy of the picture, saves it in the folder `out/` and
prints the cost. The final picture is saved as `out/final.png`.
""")
    nb.given('optimise', r"""
n_steps = training_epochs(400)      # 1 when the course's automatic checks run the notebook
save_every = 50
os.makedirs("out", exist_ok=True)
costs, snapshots = [], {0: generated_image.numpy()}
start = time.perf_counter()
for step in range(1, n_steps + 1):
    costs.append(float(train_step(generated_image)))
    if step % save_every == 0 or step == n_steps:
        snapshots[step] = generated_image.numpy()
        tensor_to_image(generated_image).save(f"out/image_{step}.jpg")
        print(f"step {step:4d}/{n_steps}: J = {costs[-1]:10.4g}   ({time.perf_counter() - start:5.1f} s)")
tensor_to_image(generated_image).save("out/final.png")
print("final picture saved as out/final.png")
""")
    nb.code('progress-figure', r"""
progress_grid(snapshots, columns=5)
""")
    nb.code('cost-figure', r"""
cost_curve(costs)
""")
    nb.md('md-18', r"""
The cost falls fast during the first steps, while the colours move towards the style's palette,
then slowly, while strokes and their directions take shape. Look at the grid: the buildings, the
river and the sky stay where they were; their surfaces take on the strokes and colours of the
style picture.
""")
    nb.code('show-result', r"""
fig, axes = plt.subplots(1, 3, figsize=(12, 4.3))
panel_titles = ("content C", "style S", "generated G")
for ax, img, title in zip(axes, (content_image, style_image, generated_image), panel_titles):
    ax.imshow(img[0] if not isinstance(img, tf.Variable) else img.numpy()[0].clip(0, 1))
    ax.set_title(title)
    ax.axis("off")
plt.show()
""")

    # ---------------------------------------------------------------------- 7 — Measuring the result
    nb.md('md-19', r"""
<a name="measure"></a>
## 7 — Did it work? Measuring the result

A picture that *looks* painted is encouraging; numbers are better. Two questions:

1. **Did G take on the style?** Compare the style cost of G against S with the style cost of the
   untouched content picture C against S. The fraction of that gap the optimisation removed is the
   *style drop*; the course's target is at least 50 %.
2. **Did G keep the content?** The content cost of G against C is small only relative to
   something. The style picture itself is a picture with the *wrong* content, so the *content ratio*
   $J_{content}(C, G) / J_{content}(C, S)$ is 0 if the content layer sees exactly C, and 1 if
   G is as far from C as the style picture is. The course's bound is 0.5.
""")
    nb.code('measure', r"""
outputs_C, outputs_S, outputs_G = (vgg_model_outputs(tf.image.convert_image_dtype(x, tf.float32))
                                   for x in (content_image, style_image, tf.constant(generated_image)))
style_cost_content = float(compute_style_cost(outputs_S, outputs_C))      # the content picture, untouched
style_cost_generated = float(compute_style_cost(outputs_S, outputs_G))
content_cost_generated = float(compute_content_cost(outputs_C, outputs_G))
content_cost_style = float(compute_content_cost(outputs_C, outputs_S))     # the style picture as a "bad" G
style_drop = 1 - style_cost_generated / style_cost_content
content_ratio = content_cost_generated / content_cost_style
print(f"style cost against S:   content picture {style_cost_content:.4g} -> generated {style_cost_generated:.4g}"
      f"   (drop {100 * style_drop:.1f} %, target >= 50 %)")
print(f"content cost against C: generated {content_cost_generated:.4g}, style picture {content_cost_style:.4g}"
      f"   (ratio {content_ratio:.3f}, bound <= 0.5)")
""")
    nb.code('course-metrics', r"""
COURSE_METRICS = {
    "style_cost_drop": style_drop,
    "content_cost_ratio": content_ratio,
    "style_cost_content_image": style_cost_content,
    "style_cost_generated": style_cost_generated,
    "img_size": img_size,
    "steps": n_steps,
}
for name, value in COURSE_METRICS.items():
    print(f"{name:26s} {value:.4g}" if isinstance(value, float) else f"{name:26s} {value}")
""")

    # ---------------------------------------------------------------------- 8 — Experiments
    nb.md('md-20', r"""
<a name="experiments"></a>
## 8 — Experiments: other styles, your own pictures

`paint` below runs the whole recipe again with any content and style picture, any layer weights and
any α and β. It is ordinary code, not graded: change it as you like. It uses the cost functions you
wrote, and its own `train_step` with a fresh optimizer.

Some things to try:

- another shipped style: `nst.style_path("mosaic")`, `"pointillism"`, `"brush"`, `"crosshatch"`;
- **your own pictures**: `paint("my_photo.jpg", "my_painting.png")` — any file Pillow can read;
- style weights on the shallow layers only, or on the deep ones only;
- `beta=400` or `alpha=100`, and more steps.
""")
    nb.code('paint', r"""
def paint(content_file, style_file, style_layers=STYLE_LAYERS, alpha=10, beta=40, steps=200, size=img_size):
    # Style transfer from two picture files; returns the generated picture as a PIL image.
    net = vgg if size == img_size else load_vgg19(size)
    model = get_layer_outputs(net, style_layers + content_layer)
    C = tf.image.convert_image_dtype(load_image(content_file, size), tf.float32)
    S = tf.image.convert_image_dtype(load_image(style_file, size), tf.float32)
    targets_C, targets_S = model(C), model(S)
    image = tf.Variable(clip_0_1(C + tf.random.uniform(tf.shape(C), -0.25, 0.25)))
    opt = tf.keras.optimizers.Adam(learning_rate=0.01)

    @tf.function()
    def step(image):
        with tf.GradientTape() as tape:
            outputs = model(image)
            J = total_cost(compute_content_cost(targets_C, outputs),
                           compute_style_cost(targets_S, outputs, style_layers), alpha=alpha, beta=beta)
        opt.apply_gradients([(tape.gradient(J, image), image)])
        image.assign(clip_0_1(image))
        return J

    for _ in range(steps):
        step(image)
    return tensor_to_image(image)
""")
    nb.code('paint-demo', r"""
# An example: the mosaic style, with more weight on the shallow layers (a short run)
shallow = [("block1_conv1", 0.4), ("block2_conv1", 0.3), ("block3_conv1", 0.2), ("block4_conv1", 0.05),
           ("block5_conv1", 0.05)]
mosaic_picture = paint(content_path, nst.style_path("mosaic"), style_layers=shallow, steps=training_epochs(100))
mosaic_picture.save("out/mosaic.png")
plt.figure(figsize=(4, 4))
plt.imshow(mosaic_picture)
plt.title("mosaic style, shallow layers")
plt.axis("off")
plt.show()
""")

    # ---------------------------------------------------------------------- 9 — What you learned
    nb.md('md-21', r"""
<a name="wrapup"></a>
## 9 — What you learned

- A frozen classification network describes pictures at several levels: shallow layers respond to
  colours and edges everywhere, deep layers to arrangements, and keep track of *where* they are.
- The **content cost** compares the activations of one deep layer, normalised by
  $4 n_H n_W n_C$.
- The **Gram matrix** $A A^T$ of the unrolled activations $A$ `(n_C, n_H·n_W)` records which
  channels are active together, and forgets where: that is texture, or style. Unroll by positions
  first, then transpose.
- The **style cost** of a layer compares Gram matrices, normalised by $4 n_C^2 (n_H n_W)^2$;
  several layers, weighted, capture the style at several scales.
- Style transfer optimises the **pixels** with `tf.GradientTape` and Adam, clipping them to
  $[0, 1]$ after every step, with the network frozen and the optimizer created once.
- The style cost against S fell far below the content picture's, while the content layer still
  saw the city: both can be measured.

### Using the original VGG19

The course's mini-VGG19 learned from small synthetic pictures, so it knows strokes, dots, stripes
and simple shapes, not objects. With the real network the content layer recognises buildings and
trees, and the results look more like the famous examples. If you have the official Keras file
`vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5`, copy it to `~/.keras/models/`:
`load_vgg19` will use it (it never downloads anything), or pass its path:
`load_vgg19(img_size, weights="path/to/file.h5")`. It has four times as many channels in every
layer, so each step needs about 16 times as much arithmetic: on a CPU, use fewer steps or smaller
pictures.

### References

- L. A. Gatys, A. S. Ecker, M. Bethge, *A Neural Algorithm of Artistic Style* (2015).
- K. Simonyan, A. Zisserman, *Very Deep Convolutional Networks for Large-Scale Image Recognition*
  (2015).
""")
    return nb


if __name__ == "__main__":
    raise SystemExit(main(build))
