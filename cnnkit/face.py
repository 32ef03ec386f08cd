"""Face verification and recognition (w4a1): encoders, encodings, the database, figures.

The notebook compares faces by the L2 distance between their **encodings**: a network
maps a face picture ``(160, 160, 3)`` in ``[0, 1]`` to 128 numbers, and
``img_to_encoding`` divides them by their L2 norm, so that every encoding is a unit
vector ``(1, 128)`` and two encodings are at most 2 apart.

Networks (``load_face_model``)
------------------------------
- **the course's encoder** (default): ``face_encoder()``, a compact residual CNN
  (about 2 M parameters) trained with the triplet loss on synthetic portraits
  (``cnnkit.portraits``) by ``scripts/w4a1_train_face_encoder.py``; its int8 weights
  are ``datasets/weights/face_encoder.npz`` and its model card ``face_encoder.md``.
- **the original FaceNet** (Inception-ResNet-v1, 22,808,144 parameters) if you have its
  Keras weights file: ``load_face_model(weights="datasets/weights/<your file>.h5")``
  rebuilds ``inception_resnet_v1()`` in code and loads the weights only (the original
  Keras-2 ``model.json`` holds Lambda layers with marshalled bytecode that Keras 3
  refuses to load; the scaled residual sum here is the registered layer
  ``ScaledResidual``).

Pictures (``images/w4a1/``)
---------------------------
``<name>.jpg`` for each of the ``DATABASE_NAMES`` (96x96 enrolment photos of invented
people; one of them is really an RGBA PNG, which ``load_img`` converts to RGB) and
``camera_0.jpg`` ... ``camera_5.jpg`` (new photos taken at the door; not everyone on
them is in the database).  They are drawn by ``scripts/w4a1_make_images.py`` and listed
in the manifest.

Nothing here computes the triplet loss, a verification decision or an identification:
those are the notebook's exercises.
"""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from cnnkit import files
from cnnkit.setup import quiet_tensorflow

__all__ = ["INPUT_SHAPE", "EMBEDDING_SIZE", "ENCODER_FILE", "DATABASE_NAMES", "N_CAMERA_IMAGES",
           "ScaledResidual", "face_encoder", "inception_resnet_v1", "load_face_model", "img_to_encoding",
           "encode_images", "preprocess_array", "face_images_dir", "database_image", "camera_image",
           "build_database", "portrait_gallery", "pair_distances", "triplet_examples",
           "embedding_projection", "distance_histogram"]

INPUT_SHAPE = (160, 160, 3)
EMBEDDING_SIZE = 128
ENCODER_FILE = "face_encoder.npz"
#: The invented people of the notebook's database, in the database's order.
DATABASE_NAMES = ("amaro", "belisa", "corvin", "dalima", "eskel", "faraday", "galina", "hollis",
                  "isolde", "jorvik", "kestra", "lunet")
N_CAMERA_IMAGES = 6


# ----------------------------------------------------------------------------- layers
_SCALED_RESIDUAL = None


def _scaled_residual_class():
    """The registered Keras layer ``x + scale * residual`` (built once, after TF is imported)."""
    global _SCALED_RESIDUAL
    if _SCALED_RESIDUAL is not None:
        return _SCALED_RESIDUAL
    quiet_tensorflow()
    import keras

    @keras.saving.register_keras_serializable(package="cnnkit")
    class ScaledResidual(keras.layers.Layer):
        """``inputs = [x, residual]`` (same shape) -> ``x + scale * residual``.

        The Inception-ResNet blocks add their branch output, scaled down (0.17, 0.1 or
        0.2; 1.0 for the last block), to the block input.  The original Keras model did
        this in a ``Lambda`` layer; this layer has the same arithmetic, no weights, and a
        config (``scale``) that Keras 3 can save and load safely.
        """

        def __init__(self, scale=1.0, **kwargs):
            super().__init__(**kwargs)
            self.scale = float(scale)

        def call(self, inputs):
            x, residual = inputs
            return x + self.scale * residual

        def compute_output_shape(self, input_shape):
            return input_shape[0]

        def get_config(self):
            return {**super().get_config(), "scale": self.scale}

    _SCALED_RESIDUAL = ScaledResidual
    return ScaledResidual


def __getattr__(name):  # ``cnnkit.face.ScaledResidual`` without importing TF at module import
    if name == "ScaledResidual":
        return _scaled_residual_class()
    raise AttributeError(f"module 'cnnkit.face' has no attribute {name!r}")


# ----------------------------------------------------------------------------- the course's encoder
def face_encoder(input_shape=INPUT_SHAPE, embedding_size=EMBEDDING_SIZE, widths=(32, 64, 128, 256)):
    """The course's compact face encoder (functional ``tf.keras.Model``).

    ``(None, 160, 160, 3)`` in ``[0, 1]`` -> ``(None, 128)`` (linear, not normalised).

    The pictures are 96x96 enlarged to 160x160, so the network first averages 2x2
    blocks (80x80) and then halves the size with a stride-2 convolution (40x40).  Four
    stages follow, each one residual block of two 3x3 convolutions (BatchNorm, ReLU) at
    40, 20, 10 and 5 pixels with ``widths`` channels, joined by stride-2 3x3
    convolutions; global average pooling and a 128-unit Dense layer give the
    embedding.  About 2.0 M parameters; about 0.25 GFLOP per face.
    """
    tf = quiet_tensorflow()
    L = tf.keras.layers

    def conv_bn(x, filters, stride, name, relu=True):
        x = L.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False, name=name)(x)
        x = L.BatchNormalization(name=name + "_bn")(x)
        return L.ReLU(name=name + "_relu")(x) if relu else x

    inputs = tf.keras.Input(shape=input_shape, name="face")
    x = L.AveragePooling2D(2, name="shrink")(inputs)
    x = conv_bn(x, widths[0], 2, "stem")
    for s, w in enumerate(widths, start=1):
        if s > 1:
            x = conv_bn(x, w, 2, f"down{s}")
        y = conv_bn(x, w, 1, f"block{s}_a")
        y = conv_bn(y, w, 1, f"block{s}_b", relu=False)
        x = L.ReLU(name=f"block{s}_out")(L.Add(name=f"block{s}_add")([x, y]))
    x = L.GlobalAveragePooling2D(name="pool")(x)
    outputs = L.Dense(embedding_size, name="embedding")(x)
    return tf.keras.Model(inputs, outputs, name="face_encoder")


# ----------------------------------------------------------------------------- Inception-ResNet-v1
def inception_resnet_v1(input_shape=INPUT_SHAPE, embedding_size=EMBEDDING_SIZE):
    """The original FaceNet network (Inception-ResNet-v1) rebuilt in code, randomly initialised.

    ``(None, 160, 160, 3)`` -> ``(None, embedding_size)``.  426 layers: 132 Conv2D, 131
    Activation, 112 BatchNormalization (momentum 0.995, epsilon 0.001, ``scale=False``),
    23 Concatenate, 21 ``ScaledResidual`` (scales 0.17 for the 5 Block35, 0.1 for the
    10 Block17, 0.2 for 5 Block8 and 1.0 for the last Block8), 3 MaxPooling2D,
    GlobalAveragePooling2D, Dropout 0.2, a Dense layer without bias and a final
    BatchNormalization; 22,808,144 parameters (22,779,312 trainable) at the defaults.
    Layer names follow the original Keras port (``Conv2d_1a_3x3``,
    ``Block35_1_Branch_0_Conv2d_1x1``, ``Bottleneck``, ...) so that its weights load by name.
    """
    tf = quiet_tensorflow()
    L = tf.keras.layers
    Scaled = _scaled_residual_class()

    def conv_bn(x, filters, kernel, strides=1, padding="same", activation="relu", use_bias=False, name=None):
        x = L.Conv2D(filters, kernel, strides=strides, padding=padding, use_bias=use_bias, name=name)(x)
        if not use_bias:
            x = L.BatchNormalization(axis=3, momentum=0.995, epsilon=0.001, scale=False,
                                     name=name + "_BatchNorm")(x)
        if activation is not None:
            x = L.Activation(activation, name=name + "_Activation")(x)
        return x

    def block(x, scale, kind, idx, activation="relu"):
        p = f"{kind}_{idx}"

        def b(i, n):
            return f"{p}_Branch_{i}_{n}"

        if kind == "Block35":
            b0 = conv_bn(x, 32, 1, name=b(0, "Conv2d_1x1"))
            b1 = conv_bn(x, 32, 1, name=b(1, "Conv2d_0a_1x1"))
            b1 = conv_bn(b1, 32, 3, name=b(1, "Conv2d_0b_3x3"))
            b2 = conv_bn(x, 32, 1, name=b(2, "Conv2d_0a_1x1"))
            b2 = conv_bn(b2, 32, 3, name=b(2, "Conv2d_0b_3x3"))
            b2 = conv_bn(b2, 32, 3, name=b(2, "Conv2d_0c_3x3"))
            branches = [b0, b1, b2]
        elif kind == "Block17":
            b0 = conv_bn(x, 128, 1, name=b(0, "Conv2d_1x1"))
            b1 = conv_bn(x, 128, 1, name=b(1, "Conv2d_0a_1x1"))
            b1 = conv_bn(b1, 128, (1, 7), name=b(1, "Conv2d_0b_1x7"))
            b1 = conv_bn(b1, 128, (7, 1), name=b(1, "Conv2d_0c_7x1"))
            branches = [b0, b1]
        else:  # Block8
            b0 = conv_bn(x, 192, 1, name=b(0, "Conv2d_1x1"))
            b1 = conv_bn(x, 192, 1, name=b(1, "Conv2d_0a_1x1"))
            b1 = conv_bn(b1, 192, (1, 3), name=b(1, "Conv2d_0b_1x3"))
            b1 = conv_bn(b1, 192, (3, 1), name=b(1, "Conv2d_0c_3x1"))
            branches = [b0, b1]
        mixed = L.Concatenate(axis=3, name=f"{p}_Concatenate")(branches)
        up = conv_bn(mixed, x.shape[-1], 1, activation=None, use_bias=True, name=f"{p}_Conv2d_1x1")
        x = Scaled(scale, name=f"{p}_ScaleSum")([x, up])
        if activation is not None:
            x = L.Activation(activation, name=f"{p}_Activation")(x)
        return x

    inputs = tf.keras.Input(shape=input_shape, name="input")
    x = conv_bn(inputs, 32, 3, strides=2, padding="valid", name="Conv2d_1a_3x3")
    x = conv_bn(x, 32, 3, padding="valid", name="Conv2d_2a_3x3")
    x = conv_bn(x, 64, 3, name="Conv2d_2b_3x3")
    x = L.MaxPooling2D(3, strides=2, name="MaxPool_3a_3x3")(x)
    x = conv_bn(x, 80, 1, padding="valid", name="Conv2d_3b_1x1")
    x = conv_bn(x, 192, 3, padding="valid", name="Conv2d_4a_3x3")
    x = conv_bn(x, 256, 3, strides=2, padding="valid", name="Conv2d_4b_3x3")
    for i in range(1, 6):
        x = block(x, 0.17, "Block35", i)
    # Reduction A
    b0 = conv_bn(x, 384, 3, strides=2, padding="valid", name="Mixed_6a_Branch_0_Conv2d_1a_3x3")
    b1 = conv_bn(x, 192, 1, name="Mixed_6a_Branch_1_Conv2d_0a_1x1")
    b1 = conv_bn(b1, 192, 3, name="Mixed_6a_Branch_1_Conv2d_0b_3x3")
    b1 = conv_bn(b1, 256, 3, strides=2, padding="valid", name="Mixed_6a_Branch_1_Conv2d_1a_3x3")
    bp = L.MaxPooling2D(3, strides=2, padding="valid", name="Mixed_6a_Branch_2_MaxPool_1a_3x3")(x)
    x = L.Concatenate(axis=3, name="Mixed_6a")([b0, b1, bp])
    for i in range(1, 11):
        x = block(x, 0.1, "Block17", i)
    # Reduction B
    b0 = conv_bn(x, 256, 1, name="Mixed_7a_Branch_0_Conv2d_0a_1x1")
    b0 = conv_bn(b0, 384, 3, strides=2, padding="valid", name="Mixed_7a_Branch_0_Conv2d_1a_3x3")
    b1 = conv_bn(x, 256, 1, name="Mixed_7a_Branch_1_Conv2d_0a_1x1")
    b1 = conv_bn(b1, 256, 3, strides=2, padding="valid", name="Mixed_7a_Branch_1_Conv2d_1a_3x3")
    b2 = conv_bn(x, 256, 1, name="Mixed_7a_Branch_2_Conv2d_0a_1x1")
    b2 = conv_bn(b2, 256, 3, name="Mixed_7a_Branch_2_Conv2d_0b_3x3")
    b2 = conv_bn(b2, 256, 3, strides=2, padding="valid", name="Mixed_7a_Branch_2_Conv2d_1a_3x3")
    bp = L.MaxPooling2D(3, strides=2, padding="valid", name="Mixed_7a_Branch_3_MaxPool_1a_3x3")(x)
    x = L.Concatenate(axis=3, name="Mixed_7a")([b0, b1, b2, bp])
    for i in range(1, 6):
        x = block(x, 0.2, "Block8", i)
    x = block(x, 1.0, "Block8", 6, activation=None)
    x = L.GlobalAveragePooling2D(name="AvgPool")(x)
    x = L.Dropout(0.2, name="Dropout")(x)
    x = L.Dense(embedding_size, use_bias=False, name="Bottleneck")(x)
    x = L.BatchNormalization(momentum=0.995, epsilon=0.001, scale=False, name="Bottleneck_BatchNorm")(x)
    return tf.keras.Model(inputs, x, name="inception_resnet_v1")


# ----------------------------------------------------------------------------- loading
def _load_facenet_weights(model, path: Path):
    """Weights only: Keras 3 ``.weights.h5``, or a legacy Keras-2 ``.h5`` (by layer name)."""
    name = path.name.lower()
    if name.endswith(".weights.h5"):
        model.load_weights(str(path))
        return
    import h5py

    with h5py.File(path, "r") as f:
        group = f["model_weights"] if ("layer_names" not in f.attrs and "model_weights" in f) else f
        stored = [n.decode() if isinstance(n, bytes) else str(n) for n in group.attrs.get("layer_names", [])]
    if not stored:
        raise ValueError(f"{files.display_path(path)} holds no Keras layer weights (no 'layer_names' "
                         "attribute): pass the FaceNet weights file saved by Keras (.h5 or .weights.h5)")
    mine = {l.name for l in model.layers if l.weights}
    by_name = len(mine & set(stored)) >= 0.9 * len(mine)
    model.load_weights(str(path), by_name=True) if by_name else model.load_weights(str(path))


def load_face_model(weights=None):
    """The face encoder of the notebook: ``(None, 160, 160, 3)`` in ``[0, 1]`` -> ``(None, 128)``.

    weights : None (default)
        The course's encoder (``face_encoder()``) with its shipped int8 weights
        ``datasets/weights/face_encoder.npz`` (verified against the manifest).
    weights : path to a ``.npz`` written by ``cnnkit.weights.save_quantized``
        ``face_encoder()`` with those weights (for example ones you trained yourself).
    weights : path to the original FaceNet Keras weights (``.h5`` / ``.weights.h5``)
        ``inception_resnet_v1()`` rebuilt in code with those weights loaded (weights only;
        a Keras-2 ``model.json`` cannot be loaded under Keras 3 and is not needed).
    """
    from cnnkit import weights as W

    if weights is None:
        model = face_encoder()
        W.load_quantized(model, files.weights_dir() / ENCODER_FILE, what="the course's face encoder")
        return model
    path = Path(weights).expanduser()
    if path.suffix.lower() == ".json":
        raise ValueError(f"{files.display_path(path)} is a Keras model description; Keras 3 cannot load the "
                         "original FaceNet JSON (its Lambda layers hold Python bytecode). Pass the weights "
                         "file (.h5) instead: the architecture is rebuilt in code by inception_resnet_v1().")
    if not path.is_file():
        raise FileNotFoundError(f"face model weights {files.display_path(path)} not found; put the file in "
                                f"{files.display_path(files.weights_dir())} or pass its full path, or call "
                                "load_face_model() for the course's encoder")
    if path.suffix.lower() == ".npz":
        model = face_encoder()
        W.load_quantized(model, path)
        return model
    if path.suffix.lower() not in (".h5", ".hdf5"):
        raise ValueError(f"{path.name}: expected a .npz (course format) or .h5 / .weights.h5 (Keras) file")
    model = inception_resnet_v1()
    _load_facenet_weights(model, path)
    return model


# ----------------------------------------------------------------------------- encodings
def img_to_encoding(image_path, model):
    """Encoding of one picture: float32 ``(1, 128)`` with unit L2 norm.

    1. ``tf.keras.preprocessing.image.load_img(image_path, target_size=(160, 160))``
       (RGB: RGBA and grey pictures are converted);
    2. ``np.around(np.array(img) / 255.0, decimals=12)``, then a batch axis: ``(1, 160, 160, 3)``;
    3. ``embedding = model.predict_on_batch(x)``, ``(1, 128)``;
    4. ``embedding / np.linalg.norm(embedding, ord=2)``.
    """
    tf = quiet_tensorflow()
    img = tf.keras.preprocessing.image.load_img(image_path, target_size=(160, 160))
    img = np.around(np.array(img) / 255.0, decimals=12)
    x_train = np.expand_dims(img, axis=0)
    embedding = model.predict_on_batch(x_train)
    return embedding / np.linalg.norm(embedding, ord=2)


def preprocess_array(images) -> np.ndarray:
    """uint8 pictures ``(n, h, w, 3)`` -> float ``(n, 160, 160, 3)`` in ``[0, 1]``, as ``img_to_encoding`` makes them.

    Each picture is resized with Pillow's nearest-neighbour filter (``load_img``'s default).
    """
    from PIL import Image

    images = np.asarray(images)
    if images.ndim == 3:
        images = images[None]
    out = np.empty((len(images), 160, 160, 3), np.float32)
    for i, im in enumerate(images):
        pic = Image.fromarray(np.asarray(im, np.uint8))
        if pic.size != (160, 160):
            pic = pic.resize((160, 160), Image.NEAREST)
        out[i] = np.asarray(pic, np.float32) / 255.0
    return out


def encode_images(images, model, batch_size: int = 64) -> np.ndarray:
    """Unit-norm encodings of uint8 pictures ``(n, h, w, 3)``: float32 ``(n, 128)`` (the same numbers as
    ``img_to_encoding`` gives for each picture saved losslessly)."""
    x = preprocess_array(images)
    out = []
    for a in range(0, len(x), batch_size):
        e = np.asarray(model.predict_on_batch(x[a:a + batch_size]), np.float32)
        out.append(e / np.linalg.norm(e, axis=1, keepdims=True))
    return np.concatenate(out) if out else np.zeros((0, EMBEDDING_SIZE), np.float32)


# ----------------------------------------------------------------------------- pictures and database
def face_images_dir() -> Path:
    """``images/w4a1``: the database pictures and the camera pictures."""
    return files.images_dir() / "w4a1"


def database_image(name: str, image_dir=None) -> Path:
    """Path of ``<image_dir>/<name>.jpg`` (``images/w4a1`` by default)."""
    return Path(image_dir or face_images_dir()) / f"{name}.jpg"


def camera_image(k: int, image_dir=None) -> Path:
    """Path of ``<image_dir>/camera_<k>.jpg``, the ``k``-th photo taken at the door (0..5)."""
    return Path(image_dir or face_images_dir()) / f"camera_{int(k)}.jpg"


def build_database(model, names=None, image_dir=None) -> dict:
    """``{name: img_to_encoding(<image_dir>/<name>.jpg, model)}``, each ``(1, 128)``, in a fixed order.

    names : None -> ``DATABASE_NAMES`` when ``image_dir`` is the course's folder (their order),
        otherwise every ``*.jpg`` in ``image_dir`` except ``camera_*``, sorted by name (for
        instance the original course's pictures placed in a folder of yours).
    """
    folder = Path(image_dir) if image_dir is not None else face_images_dir()
    if names is None:
        if folder.resolve() == face_images_dir().resolve():
            names = list(DATABASE_NAMES)
        else:
            names = sorted(p.stem for p in folder.glob("*.jpg") if not p.stem.startswith("camera_"))
    names = list(names)
    if not names:
        raise ValueError(f"no pictures to put in the database: {files.display_path(folder)} holds no <name>.jpg")
    missing = [n for n in names if not database_image(n, folder).is_file()]
    if missing:
        raise FileNotFoundError(f"no picture for {missing} in {files.display_path(folder)} (expected <name>.jpg); "
                                "make the course's pictures with python scripts/w4a1_make_images.py")
    if folder.resolve() == face_images_dir().resolve():
        for n in names:
            if n in DATABASE_NAMES:
                files.verify(database_image(n, folder), f"the database picture of {n}")
    return {n: img_to_encoding(str(database_image(n, folder)), model) for n in names}


def portrait_gallery(model=None, people: int = 8, photos: int = 6, split: str = "eval", start: int = 0):
    """Fresh synthetic photos of ``people`` unseen people (``cnnkit.portraits``), and their encodings.

    Returns ``(images uint8 (people * photos, 96, 96, 3), labels int (people * photos,),
    encodings float32 (people * photos, 128) or None without a model)``.  Photo 0 of each
    person is an enrolment portrait, the others are camera snapshots.
    """
    from cnnkit import portraits

    imgs, labels = [], []
    for i in range(start, start + people):
        ident = portraits.identity(i, split)
        imgs.append(np.asarray(portraits.render(ident, 0, kind="portrait")))
        labels.append(i)
        for k in range(1, photos):
            imgs.append(np.asarray(portraits.render(ident, k)))
            labels.append(i)
    images, labels = np.stack(imgs), np.array(labels)
    enc = encode_images(images, model) if model is not None else None
    return images, labels, enc


def pair_distances(encodings, labels):
    """L2 distances of all pairs of rows: ``(same, different)`` 1-D arrays (pairs of one person / of two)."""
    e = np.asarray(encodings, np.float64)
    labels = np.asarray(labels)
    d = np.sqrt(np.maximum(np.sum((e[:, None, :] - e[None, :, :]) ** 2, axis=-1), 0.0))
    iu = np.triu_indices(len(e), 1)
    same = labels[iu[0]] == labels[iu[1]]
    return d[iu][same], d[iu][~same]


# ----------------------------------------------------------------------------- figures
def _plt():
    import matplotlib.pyplot as plt

    return plt


def triplet_examples(triplets=None, n: int = 3, model=None, split: str = "eval", start: int = 40):
    """A grid of ``n`` triplets: anchor, positive (same person), negative (someone else).

    triplets : list of ``(anchor, positive, negative)`` pictures (uint8 arrays or paths), or
        None to draw fresh photos of unseen synthetic people; the last default triplet
        takes its negative from the anchor's sibling when one exists (a hard negative).
    model : optional encoder; each row then shows ``||f(A) - f(P)||`` and ``||f(A) - f(N)||``.
    """
    from PIL import Image

    from cnnkit import portraits

    plt = _plt()
    if triplets is None:
        triplets = []
        sib = next((i for i in range(start, start + 400) if portraits.identity(i, split).sibling_of is not None), None)
        for j in range(n):
            if j == n - 1 and sib is not None:
                a_id, n_id = portraits.identity(sib - 1, split), portraits.identity(sib, split)
            else:
                a_id, n_id = portraits.identity(start + 2 * j, split), portraits.identity(start + 2 * j + 3, split)
            triplets.append((np.asarray(portraits.render(a_id, 0, kind="portrait")),
                             np.asarray(portraits.render(a_id, 1 + j)),
                             np.asarray(portraits.render(n_id, 2 + j))))
    rows = []
    for t in triplets:
        rows.append([np.asarray(Image.open(p).convert("RGB")) if isinstance(p, (str, Path)) else np.asarray(p)
                     for p in t])
    fig, axes = plt.subplots(len(rows), 3, figsize=(6.6, 2.3 * len(rows)), squeeze=False)
    for r, (a, p, ng) in enumerate(rows):
        dists = None
        if model is not None:
            e = encode_images(np.stack([a, p, ng]), model)
            dists = (np.linalg.norm(e[0] - e[1]), np.linalg.norm(e[0] - e[2]))
        for c, (img, title) in enumerate(zip((a, p, ng), ("anchor A", "positive P", "negative N"))):
            ax = axes[r, c]
            ax.imshow(img)
            ax.set_xticks([]), ax.set_yticks([])
            label = title
            if dists is not None and c > 0:
                label += f"\n||f(A) - f({title[-1]})|| = {dists[c - 1]:.2f}"
            ax.set_title(label, fontsize=9, color=("#1a7f37" if c == 1 else "#b42318" if c == 2 else "black"))
    fig.suptitle("Triplets: the loss pulls A towards P and pushes it away from N", fontsize=10)
    fig.tight_layout()
    return fig


def embedding_projection(encodings, labels, names=None, title=None):
    """Encodings ``(n, 128)`` projected on their first two principal components, coloured by person.

    labels : ``(n,)`` person of each row; names : optional dict or sequence label -> text.
    The projection is plain PCA (NumPy SVD of the centred encodings); the axes say how
    much of the variance each component keeps.
    """
    plt = _plt()
    e = np.asarray(encodings, np.float64)
    labels = np.asarray(labels)
    if e.ndim != 2 or len(e) != len(labels):
        raise ValueError(f"encodings must be (n, d) and labels (n,); got {e.shape} and {labels.shape}")
    centred = e - e.mean(0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    xy = centred @ vt[:2].T
    share = s ** 2 / max(np.sum(s ** 2), 1e-12)
    fig, ax = plt.subplots(figsize=(6.2, 5.0))
    cmap = plt.get_cmap("tab20")
    for j, lab in enumerate(dict.fromkeys(labels.tolist())):
        m = labels == lab
        text = names[lab] if isinstance(names, dict) else (names[j] if names is not None else str(lab))
        ax.scatter(xy[m, 0], xy[m, 1], s=28, color=cmap(j % 20), label=text, edgecolor="white", linewidth=0.5)
    ax.set_xlabel(f"component 1 ({100 * share[0]:.0f} % of the variance)")
    ax.set_ylabel(f"component 2 ({100 * share[1]:.0f} % of the variance)")
    ax.set_title(title or "Encodings of several people, projected to 2-D (PCA)", fontsize=10)
    if len(set(labels.tolist())) <= 20:
        ax.legend(fontsize=7, loc="best", ncol=2, frameon=False)
    fig.tight_layout()
    return fig


def distance_histogram(same, different, threshold: float = 0.7, bins: int = 30, title=None):
    """Histograms of L2 distances of same-person pairs and of different-person pairs, with the threshold.

    The legend gives the share of same-person pairs at or above the threshold (false
    rejects: the door stays shut) and of different-person pairs below it (false accepts).
    """
    plt = _plt()
    same, different = np.asarray(same, float).ravel(), np.asarray(different, float).ravel()
    if len(same) == 0 or len(different) == 0:
        raise ValueError("distance_histogram needs at least one same-person and one different-person distance")
    hi = max(2.0 if max(same.max(), different.max()) > 1.5 else 1.6, threshold * 1.1)
    edges = np.linspace(0, hi, bins + 1)
    fr = float(np.mean(same >= threshold))
    fa = float(np.mean(different < threshold))
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    ax.hist(same, bins=edges, alpha=0.65, color="#2e7d32", density=True,
            label=f"same person ({len(same)} pairs; {100 * fr:.1f} % at or above the threshold)")
    ax.hist(different, bins=edges, alpha=0.55, color="#c62828", density=True,
            label=f"different people ({len(different)} pairs; {100 * fa:.1f} % below)")
    ax.axvline(threshold, color="black", linestyle="--", linewidth=1.4)
    ax.text(threshold, ax.get_ylim()[1] * 0.95, f"  threshold {threshold}", va="top", fontsize=9)
    ax.set_xlabel("L2 distance between encodings")
    ax.set_ylabel("density")
    ax.set_title(title or "Distances of same-person and different-person pairs", fontsize=10)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(0.0, -0.22), frameon=False)
    fig.tight_layout()
    return fig
