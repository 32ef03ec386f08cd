"""Public checks for "Face recognition" (w4a1).

Run them from the notebook, right after each exercise::

    from public_tests.w4a1 import triplet_loss_test
    triplet_loss_test(triplet_loss)

Each check prints ``All tests passed.`` or raises an ``AssertionError`` that says what is
probably wrong.  They use small hand-made inputs whose answers can be worked out by hand.
``verify`` and ``who_is_it`` are tested with a stand-in for the notebook's
``img_to_encoding`` that returns a chosen encoding (the notebook's own function is put
back afterwards), so that the numbers do not depend on the face encoder.  Passing them
does not prove a function right: the graded tests use more cases.
"""
from __future__ import annotations

import contextlib
import io

import numpy as np

from cnnkit.setup import quiet_tensorflow
from cnnkit.testing import as_numpy, quiet
from public_tests._common import _check, _passed


# ----------------------------------------------------------------------------- exercise 1
def triplet_loss_test(triplet_loss):
    """Two triplets worked out by hand: one clamped, one not; the default alpha; both y_pred forms."""
    tf = quiet_tensorflow()
    a = tf.constant([[0.0, 0.0], [1.0, 1.0]])
    p = tf.constant([[0.0, 1.0], [1.0, 1.5]])
    n = tf.constant([[0.5, 0.0], [3.0, 1.0]])
    # squared distances: pos = [1, 0.25], neg = [0.25, 4]
    # alpha 0.2: [1 - 0.25 + 0.2, 0.25 - 4 + 0.2] = [0.95, -3.55] -> clamp -> [0.95, 0] -> sum 0.95
    with quiet():
        out = triplet_loss(None, (a, p, n))
    _check(isinstance(out, tf.Tensor), f"triplet_loss should return a tensor (use tf operations), got "
           f"{type(out).__name__}")
    value = as_numpy(out)
    _check(value.shape == (), f"the loss should be a scalar (sum over the batch), got shape {value.shape}")
    if not np.isclose(float(value), 0.95, atol=1e-6):
        hints = {round(0.95 - 3.55, 4): "the second triplet is not clamped at 0: use tf.maximum(basic_loss, 0.0) "
                 "per example before the sum",
                 0.475: "you took the mean; the loss is the sum over the batch (tf.reduce_sum)",
                 round(max(1.25 - 4.25 + 0.2, 0.0), 4): "the distances seem summed over the whole batch; reduce "
                 "over the last axis only (axis=-1)",
                 0.75: "alpha (default 0.2) is missing from pos_dist - neg_dist + alpha"}
        hint = hints.get(round(float(value), 4), "pos_dist and neg_dist are the squared L2 distances per "
                         "example: tf.reduce_sum(tf.square(anchor - positive), axis=-1)")
        _check(False, f"triplet_loss(None, (anchor, positive, negative)) should be 0.95, got {float(value):.4f}: {hint}")
    with quiet():
        out2 = triplet_loss(None, tf.stack([a, p, n]), alpha=1.0)
    _check(np.isclose(float(as_numpy(out2)), 1.75, atol=1e-6),
           f"with y_pred as a stacked tensor of shape (3, 2, 2) and alpha=1.0 the loss should be 1.75 "
           f"(1.75 and -2.75, clamped), got {float(as_numpy(out2)):.4f}; read y_pred[0], y_pred[1], y_pred[2] and "
           "use the alpha argument")
    _passed()


# ----------------------------------------------------------------------------- exercises 2 and 3
class _StubEncoding:
    def __init__(self, vector):
        self.vector = np.asarray(vector, np.float64).reshape(1, -1)
        self.calls = 0

    def __call__(self, image_path, model):
        self.calls += 1
        return self.vector.copy()


@contextlib.contextmanager
def _stubbed(func, stub):
    """Swap the notebook global ``img_to_encoding`` that ``func`` sees; put it back afterwards."""
    namespace = getattr(func, "__globals__", {})
    missing = object()
    saved = namespace.get("img_to_encoding", missing)
    namespace["img_to_encoding"] = stub
    try:
        yield
    finally:
        if saved is missing:
            namespace.pop("img_to_encoding", None)
        else:
            namespace["img_to_encoding"] = saved


def _call(func, stub, *args):
    buf = io.StringIO()
    with _stubbed(func, stub), contextlib.redirect_stdout(buf), quiet():
        out = func(*args)
    return out, buf.getvalue()


def _database():
    e = np.eye(4)
    return {"ava": e[[0]], "ben": e[[1]], "cleo": e[[2]]}


def verify_test(verify):
    """The encoding stand-in sits at distance 0.5 (open) and 0.9 (shut) from a database entry."""
    db = _database()
    close = db["ava"] + np.array([[0.0, 0.0, 0.0, 0.5]])        # distance 0.5 from ava
    far = db["ben"] + np.array([[0.0, 0.0, 0.0, 0.9]])          # distance 0.9 from ben
    stub = _StubEncoding(close)
    out, printed = _call(verify, stub, "camera.jpg", "ava", db, None)
    _check(stub.calls == 1, f"verify should call img_to_encoding(image_path, model) once, it called it {stub.calls} "
           "times; compute the encoding with it, not with the model directly")
    _check(isinstance(out, (tuple, list)) and len(out) == 2, "verify should return a tuple (dist, door_open)")
    dist, door_open = out
    _check(np.isclose(float(np.asarray(dist).reshape(())), 0.5),
           f"the distance should be 0.5 (np.linalg.norm(encoding - database[identity])), got {dist}"
           + (" (that is the squared distance)" if np.isclose(float(np.asarray(dist).reshape(())), 0.25) else ""))
    _check(bool(door_open) is True, "at distance 0.5 the door should open (dist < 0.7)")
    _check("welcome" in printed.lower(), f"when the door opens verify should print \"It's ava, welcome in!\"; it "
           f"printed {printed.strip()!r}")
    out, printed = _call(verify, _StubEncoding(far), "camera.jpg", "ben", db, None)
    _check(np.isclose(float(np.asarray(out[0]).reshape(())), 0.9), f"the distance should be 0.9, got {out[0]}")
    _check(bool(out[1]) is False, "at distance 0.9 the door should stay shut (open only when dist < 0.7)")
    _check("go away" in printed.lower(), f"when the door stays shut verify should print \"It's not ben, please go "
           f"away\"; it printed {printed.strip()!r}")
    _passed()


def who_is_it_test(who_is_it):
    """The nearest of three entries; a face far from all of them is 'Not in the database.' but still named."""
    db = _database()
    near_cleo = db["cleo"] + np.array([[0.0, 0.3, 0.0, 0.4]])   # 0.5 from cleo, farther from the others
    stub = _StubEncoding(near_cleo)
    out, printed = _call(who_is_it, stub, "camera.jpg", db, None)
    _check(stub.calls == 1, f"who_is_it should call img_to_encoding(image_path, model) once, it called it "
           f"{stub.calls} times")
    _check(isinstance(out, (tuple, list)) and len(out) == 2, "who_is_it should return a tuple (min_dist, identity)")
    min_dist, identity = out
    _check(identity == "cleo", f"the nearest entry is 'cleo' (distance 0.5), got identity {identity!r}")
    _check(np.isclose(float(np.asarray(min_dist).reshape(())), 0.5), f"min_dist should be 0.5, got {min_dist}")
    _check("cleo" in printed and "not in the database" not in printed.lower(),
           f"who_is_it should print \"it's cleo, the distance is 0.5\"; it printed {printed.strip()!r}")
    stranger = np.array([[0.1, 0.0, 0.0, 1.0]])                  # 1.345 from ava, 1.418 from ben and cleo
    out, printed = _call(who_is_it, _StubEncoding(stranger), "camera.jpg", db, None)
    _check("not in the database" in printed.lower(), f"every distance is above 0.7, so who_is_it should print "
           f"'Not in the database.'; it printed {printed.strip()!r}")
    _check(out[1] == "ava", f"even when nobody matches, who_is_it returns the nearest name ('ava'), got {out[1]!r}")
    _check(np.isclose(float(np.asarray(out[0]).reshape(())), np.linalg.norm(stranger - db["ava"])),
           f"min_dist should be the distance to 'ava' ({np.linalg.norm(stranger - db['ava']):.4f}), got {out[0]}")
    _passed()
