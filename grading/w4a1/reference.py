"""Reference solutions for ``w4a1_face_recognition`` (instructor only, never shipped).

- ``triplet_loss``: the graded loss in TensorFlow (also what
  ``scripts/w4a1_train_face_encoder.py`` trains the course's encoder with);
- ``triplet_loss_numpy``: the same formula in float64 NumPy, an independent check;
- ``verify_reference`` / ``who_is_it_reference``: the decisions of spec §2.2 and §2.3
  computed from an encoding that the caller gives (hidden tests stub ``img_to_encoding``).
"""
from __future__ import annotations

import numpy as np

THRESHOLD = 0.7


def triplet_loss(y_true, y_pred, alpha=0.2):
    """``sum_i max(||a_i - p_i||^2 - ||a_i - n_i||^2 + alpha, 0)`` as a scalar tf.Tensor.

    y_true : unused (Keras loss signature).
    y_pred : ``(anchor, positive, negative)``, each ``(m, d)``, or a tensor ``(3, m, d)``.
    Squared L2 distances per example (``axis=-1``), clamped per example, summed over the batch.
    """
    from cnnkit.setup import quiet_tensorflow

    tf = quiet_tensorflow()
    a, p, n = (y_pred[k] for k in range(3))
    d_ap = tf.reduce_sum(tf.square(a - p), axis=-1)
    d_an = tf.reduce_sum(tf.square(a - n), axis=-1)
    return tf.reduce_sum(tf.maximum(d_ap - d_an + alpha, 0.0))


def triplet_loss_numpy(anchor, positive, negative, alpha=0.2) -> float:
    """The triplet loss in float64 NumPy (inputs ``(m, d)``)."""
    a, p, n = (np.asarray(v, np.float64) for v in (anchor, positive, negative))
    pos = np.sum((a - p) ** 2, axis=-1)
    neg = np.sum((a - n) ** 2, axis=-1)
    return float(np.sum(np.maximum(pos - neg + alpha, 0.0)))


def verify_reference(encoding, identity, database):
    """``(dist, door_open)`` for a given encoding: plain L2 distance, ``door_open = dist < 0.7``."""
    dist = float(np.linalg.norm(np.asarray(encoding, np.float64) - np.asarray(database[identity], np.float64)))
    return dist, bool(dist < THRESHOLD)


def who_is_it_reference(encoding, database):
    """``(min_dist, identity)``: first strict minimum over ``database.items()`` starting from 100."""
    min_dist, identity = 100.0, None
    for name, db_enc in database.items():
        dist = float(np.linalg.norm(np.asarray(encoding, np.float64) - np.asarray(db_enc, np.float64)))
        if dist < min_dist:
            min_dist, identity = dist, name
    return (min_dist, identity)


def verify_from_path(image_path, identity, database, model):
    """``verify_reference`` with the encoding computed by ``cnnkit.face.img_to_encoding`` (for the leak scan)."""
    from cnnkit.face import img_to_encoding

    return verify_reference(img_to_encoding(image_path, model), identity, database)


def who_is_it_from_path(image_path, database, model):
    """``who_is_it_reference`` with the encoding computed by ``cnnkit.face.img_to_encoding`` (for the leak scan)."""
    from cnnkit.face import img_to_encoding

    return who_is_it_reference(img_to_encoding(image_path, model), database)


def tiny_encoder(seed: int = 0):
    """A small fixed Keras model ``(None, 160, 160, 3) -> (None, 128)`` (not normalised) for tests."""
    from cnnkit.setup import quiet_tensorflow

    tf = quiet_tensorflow()
    rng = np.random.default_rng(seed=seed)
    inputs = tf.keras.Input((160, 160, 3))
    x = tf.keras.layers.AveragePooling2D(20)(inputs)
    x = tf.keras.layers.Flatten()(x)
    dense = tf.keras.layers.Dense(128)
    out = dense(x)
    model = tf.keras.Model(inputs, out)
    dense.set_weights([rng.normal(0, 1, (192, 128)).astype(np.float32), rng.normal(0, 3, 128).astype(np.float32)])
    return model


def probes():
    """Arguments on which no student-facing helper may give these references' answers (``grading.leaks``)."""
    from cnnkit.setup import quiet_tensorflow
    from grading.leaks import Probe

    tf = quiet_tensorflow()
    from cnnkit import face

    rng = np.random.default_rng(4141)
    a, p, n = (tf.constant(rng.normal(size=(5, 16)), tf.float32) for _ in range(3))
    model = tiny_encoder(1)
    names = list(face.DATABASE_NAMES[:4])
    database = {k: face.img_to_encoding(str(face.database_image(k)), model) for k in names}
    probe = str(face.camera_image(0))
    return [
        Probe("triplet_loss", triplet_loss, (None, (a, p, n))),
        Probe("triplet_loss", triplet_loss, (None, tf.stack([a, p, n])), {"alpha": 0.5}),
        Probe("verify", verify_from_path, (probe, names[2], database, model)),
        Probe("who_is_it", who_is_it_from_path, (probe, database, model)),
    ]
