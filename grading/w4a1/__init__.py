"""Hidden-test logic for ``w4a1_face_recognition`` (instructor only).

One entry point per graded function, called from the notebook's HIDDEN TESTS regions::

    from grading.w4a1 import check_triplet_loss
    check_triplet_loss(triplet_loss)

Expected values come from ``grading.w4a1.reference`` (a float64 NumPy triplet loss, and
the verification / identification decisions computed from a given encoding).
``verify`` and ``who_is_it`` run with the notebook global ``img_to_encoding`` swapped for
a stub (``isolated_globals``, restored afterwards) that returns chosen float64 encodings
and counts its calls; the model passed to them is a small fixed network whose raw
outputs are not normalised, so code that calls the model itself gives other numbers.
Cases (spec §6): random batches (m 1..8, d in {2, 16, 128}) in both ``y_pred`` forms,
the default alpha, alpha by position and keyword, negative alpha, all-zero inputs,
batches where some triplets are clamped and others not; distances 0.69 / 0.71 / exactly
0.7 (from vectors that differ in one component) with a tight tolerance, the printed
branch; the far-but-below-100 unknown face, ties (the first name wins), a one-entry
database, a minimum of exactly 0.7.
"""
from __future__ import annotations

import contextlib
import inspect
import io
from typing import Callable

import numpy as np

from cnnkit import face
from cnnkit.setup import quiet_tensorflow
from cnnkit.testing import as_numpy
from grading.common import GradingError, expect, hidden_test, isolated_globals
from grading.w4a1 import reference as ref

SEED = 4101
GRADED = ("triplet_loss", "verify", "who_is_it")
THRESHOLD = ref.THRESHOLD


def _rng(exercise: int) -> np.random.Generator:
    return np.random.default_rng((SEED, exercise))


def _bind(func: Callable, *args, **kwargs):
    try:
        inspect.signature(func).bind(*args, **kwargs)
    except (TypeError, ValueError) as err:
        raise GradingError(f"could not call {getattr(func, '__name__', 'the function')} with the notebook's "
                           f"parameter names and order ({err}); keep the signature given in the notebook") from None
    return func(*args, **kwargs)


# =============================================================================== ex. 1
def _triplet_diagnosis(a, p, n, alpha, got) -> str:
    """Name the likely mistake by comparing ``got`` with the values of common wrong formulas."""
    a, p, n = (np.asarray(v, np.float64) for v in (a, p, n))
    pos, neg = np.sum((a - p) ** 2, -1), np.sum((a - n) ** 2, -1)
    basic = pos - neg + alpha
    candidates = [
        ("the examples are not clamped at zero one by one (no clamp, or a clamp after the sum, gives this value): "
         "take tf.maximum(pos_dist - neg_dist + alpha, 0.0) per example, then sum", np.sum(basic)),
        ("the loss is averaged over the batch; the triplet loss here is the *sum* over the examples (tf.reduce_sum)",
         np.mean(np.maximum(basic, 0))),
        ("the clamp is applied after summing; clamp each example first (tf.maximum(..., 0.0)), then sum",
         max(np.sum(basic), 0.0)),
        ("the distances are not squared: use tf.reduce_sum(tf.square(anchor - positive), axis=-1)",
         np.sum(np.maximum(np.sqrt(pos) - np.sqrt(neg) + alpha, 0))),
        ("the distances are summed over the whole batch: reduce over the encoding axis only (axis=-1), one "
         "distance per example", max(np.sum(pos) - np.sum(neg) + alpha, 0.0)),
        ("anchor and negative (or positive and negative) seem swapped: y_pred is (anchor, positive, negative), "
         "pos_dist compares anchor with positive",
         np.sum(np.maximum(np.sum((n - p) ** 2, -1) - np.sum((n - a) ** 2, -1) + alpha, 0))),
        ("alpha is not used as given: add the alpha argument (default 0.2) to pos_dist - neg_dist",
         np.sum(np.maximum(pos - neg + 0.2, 0))),
        ("alpha is subtracted: basic_loss = pos_dist - neg_dist + alpha",
         np.sum(np.maximum(pos - neg - alpha, 0))),
    ]
    for message, value in candidates:
        if np.isclose(got, value, rtol=1e-5, atol=1e-6):
            return message
    return "compare with the formula: sum over i of max(||a_i - p_i||^2 - ||a_i - n_i||^2 + alpha, 0)"


def _check_loss_value(out, a, p, n, alpha, what):
    tf = quiet_tensorflow()
    expect(isinstance(out, tf.Tensor), f"{what}: triplet_loss should return a TensorFlow tensor (use tf ops such as "
           f"tf.reduce_sum), got {type(out).__name__}")
    arr = as_numpy(out)
    expect(arr.shape == (), f"{what}: the loss should be a scalar, got shape {arr.shape}; sum over the batch "
           "(tf.reduce_sum of the per-example losses)")
    expect(arr.dtype == np.float32, f"{what}: the loss should be float32 for float32 inputs, got {arr.dtype}")
    expected = ref.triplet_loss_numpy(a, p, n, alpha)
    got = float(arr)
    if not np.isclose(got, expected, rtol=2e-5, atol=2e-5):
        same_as_correct = np.isclose(expected, max(expected, 0.0))
        hint = _triplet_diagnosis(a, p, n, alpha, got) if same_as_correct else ""
        raise GradingError(f"{what}: got {got:.6g}, expected {expected:.6g}. {hint}")


def _case(rng, m, d, spread=1.0):
    a = rng.normal(0, spread, (m, d))
    p = a + rng.normal(0, 0.5 * spread, (m, d))
    n = a + rng.normal(0, 0.5 * spread, (m, d))
    return (v.astype(np.float32) for v in (a, p, n))


def _mixed_case(rng, m, d):
    """A batch where some triplets are clamped (easy negatives) and others are not."""
    a = rng.normal(0, 1, (m, d)).astype(np.float32)
    p = (a + rng.normal(0, 0.3, (m, d))).astype(np.float32)
    n = np.empty_like(a)
    for i in range(m):
        far = 3.0 if i % 2 == 0 else 0.15
        n[i] = a[i] + rng.normal(0, far, d)
    return a, p, n


@hidden_test
def check_triplet_loss(triplet_loss):
    """Exercise 1: squared distances per example, margin, clamp per example, sum, both y_pred forms."""
    tf = quiet_tensorflow()
    rng = _rng(1)
    cases = []
    for k, (m, d) in enumerate(((1, 2), (3, 16), (8, 128), (5, 2), (2, 128), (7, 16))):
        cases.append((m, d, *_case(rng, m, d, spread=0.3 if d == 128 else 1.0)))
    for k, (m, d, a, p, n) in enumerate(cases):
        form = "a stacked tensor (3, m, d)" if k % 2 else "a tuple (anchor, positive, negative)"
        y_pred = tf.constant(np.stack([a, p, n])) if k % 2 else (tf.constant(a), tf.constant(p), tf.constant(n))
        what = f"triplet_loss on m={m}, d={d} given as {form}"
        if k % 3 == 0:
            out, alpha = _bind(triplet_loss, None, y_pred), 0.2
            what += " with the default alpha"
        elif k % 3 == 1:
            alpha = float(rng.choice([0.2, 0.5, 1.5]))
            out = _bind(triplet_loss, None, y_pred, alpha)
            what += f", alpha={alpha} by position"
        else:
            alpha = float(rng.choice([0.05, 0.7, 3.0]))
            out = _bind(triplet_loss, y_true=None, y_pred=y_pred, alpha=alpha)
            what += f", alpha={alpha} by keyword"
        _check_loss_value(out, a, p, n, alpha, what)
    # some triplets clamped, others not (catches a clamp after the sum, a mean, no clamp)
    for m, d, alpha in ((6, 16, 0.2), (4, 128, 0.5), (8, 2, 1.0)):
        a, p, n = _mixed_case(rng, m, d)
        basic = np.sum((a - p) ** 2, -1) - np.sum((a - n) ** 2, -1) + alpha
        assert (basic > 0).any() and (basic < 0).any()
        out = _bind(triplet_loss, None, (tf.constant(a), tf.constant(p), tf.constant(n)), alpha=alpha)
        _check_loss_value(out, a, p, n, alpha,
                          f"triplet_loss on a batch (m={m}, d={d}, alpha={alpha}) where some triplets are clamped "
                          "at zero and others are not")
    # negative alpha, and all-zero inputs
    a, p, n = _mixed_case(rng, 6, 16)
    out = _bind(triplet_loss, None, tf.constant(np.stack([a, p, n])), alpha=-0.3)
    _check_loss_value(out, a, p, n, -0.3, "triplet_loss with a negative alpha=-0.3")
    z = np.zeros((4, 8), np.float32)
    for alpha in (0.2, -0.2):
        out = _bind(triplet_loss, None, (tf.constant(z), tf.constant(z), tf.constant(z)), alpha=alpha)
        _check_loss_value(out, z, z, z, alpha, f"triplet_loss on all-zero encodings (m=4, d=8) with alpha={alpha}")
    # y_true really unused
    a, p, n = _case(rng, 3, 16)
    out = _bind(triplet_loss, tf.ones((3, 1)), (tf.constant(a), tf.constant(p), tf.constant(n)))
    _check_loss_value(out, a, p, n, 0.2, "triplet_loss with y_true = tf.ones((3, 1)) (y_true must be ignored)")


# =============================================================================== ex. 2 / 3: stubs
class _Stub:
    """A stand-in for the notebook's ``img_to_encoding``: returns a fixed encoding, records its calls."""

    def __init__(self, encoding):
        self.encoding = np.asarray(encoding, np.float64).reshape(1, -1)
        self.calls = []

    def __call__(self, image_path, model):
        self.calls.append(image_path)
        return self.encoding.copy()


def _run_stubbed(func, stub, *args):
    buf = io.StringIO()
    with isolated_globals(func, img_to_encoding=stub), contextlib.redirect_stdout(buf):
        out = _bind(func, *args)
    return out, buf.getvalue()


def _calls_ok(stub, func_name, image_path):
    expect(len(stub.calls) >= 1, f"{func_name} did not call img_to_encoding(image_path, model): compute the "
           "encoding with the notebook's img_to_encoding (it normalises the network's output); do not call the "
           "model directly")
    expect(len(stub.calls) == 1, f"{func_name} called img_to_encoding {len(stub.calls)} times; call it once, for "
           "image_path (the database already holds the other encodings)")
    expect(str(stub.calls[0]) == str(image_path), f"{func_name} called img_to_encoding with {stub.calls[0]!r} "
           f"instead of image_path ({image_path!r})")


def _unit(rng, d=128):
    v = rng.normal(size=(1, d))
    return v / np.linalg.norm(v)


def _at_distance(rng, base, dist):
    """A vector at L2 distance ``dist`` (up to rounding) from ``base``."""
    u = rng.normal(size=base.shape)
    return base + dist * u / np.linalg.norm(u)


def _scalar(value, what):
    arr = np.asarray(as_numpy(value))
    expect(arr.size == 1 and arr.dtype.kind in "fiu",
           f"{what} should be one real number, got {type(value).__name__} of shape {arr.shape}")
    return float(arr.reshape(()))


@contextlib.contextmanager
def _model():
    yield ref.tiny_encoder(7)


# =============================================================================== ex. 2
@hidden_test
def check_verify(verify):
    """Exercise 2: one img_to_encoding call, plain L2 distance, strict < 0.7, the printed branch."""
    rng = _rng(2)
    path = str(face.camera_image(0))
    with _model() as model:
        names = ["ana", "bo", "cyd", "dee"]
        database = {n: _unit(rng) for n in names}
        cases = []
        for dist in (0.69, 0.71, 0.3, 0.55, 0.65, 0.75, 0.9, 1.3):
            who = names[int(rng.integers(len(names)))]
            cases.append((who, _at_distance(rng, database[who], dist), f"at distance {dist} from {who}'s entry"))
        # exactly 0.7: the vectors differ in one component only
        exact_db = rng.normal(size=(1, 128))
        exact_db[0, 17] = 0.0
        exact = exact_db.copy()
        exact[0, 17] = 0.7
        database["eve"] = exact_db
        cases.insert(2, ("eve", exact, "at distance exactly 0.7 from eve's entry (vectors differing in one component)"))
        for who, enc, how in cases:
            stub = _Stub(enc)
            out, printed = _run_stubbed(verify, stub, path, who, database, model)
            what = f"verify(image_path, {who!r}, database, model) with an encoding {how}"
            _calls_ok(stub, "verify", path)
            expect(isinstance(out, (tuple, list)) and len(out) == 2,
                   f"{what}: verify should return (dist, door_open), got {type(out).__name__}")
            dist, door_open = out
            exp_dist, exp_open = ref.verify_reference(enc, who, database)
            got = _scalar(dist, f"{what}: dist")
            if not np.isclose(got, exp_dist, rtol=1e-12, atol=0):
                if np.isclose(got, exp_dist ** 2, rtol=1e-9):
                    raise GradingError(f"{what}: dist = {got:.6f} is the *squared* distance; use the plain L2 "
                                       f"distance np.linalg.norm(encoding - database[identity]) ({exp_dist:.6f})")
                raise GradingError(f"{what}: dist = {got:.8f}, expected {exp_dist:.8f} = "
                                   "np.linalg.norm(encoding - database[identity]) with the encoding from "
                                   "img_to_encoding")
            flag = np.asarray(as_numpy(door_open))
            expect(flag.size == 1 and flag.dtype == np.bool_,
                   f"{what}: door_open should be a bool (the result of dist < 0.7), got {type(door_open).__name__}")
            door_open = bool(flag.reshape(()))
            if bool(door_open) != exp_open:
                if exp_dist == THRESHOLD:
                    raise GradingError(f"{what}: the door opened at a distance of exactly 0.7; open it only when "
                                       "dist < 0.7 (strictly below the threshold)")
                raise GradingError(f"{what}: door_open is {bool(door_open)} for dist = {exp_dist:.3f}; the door "
                                   "opens when dist < 0.7 (the threshold is 0.7, strict <)")
            low = printed.lower()
            if exp_open:
                expect("welcome" in low and who in printed,
                       f"{what}: the door opens, so verify should print \"It's {who}, welcome in!\"; it printed "
                       f"{printed.strip()!r}")
            else:
                expect("go away" in low and "welcome" not in low,
                       f"{what}: the door stays shut, so verify should print \"It's not {who}, please go away\"; "
                       f"it printed {printed.strip()!r}")


# =============================================================================== ex. 3
@hidden_test
def check_who_is_it(who_is_it):
    """Exercise 3: nearest entry in insertion order (first wins ties), 'Not in the database.' above 0.7."""
    rng = _rng(3)
    path = str(face.camera_image(2))
    with _model() as model:
        names = ["kai", "lior", "mina", "nils", "oda", "pim"]
        database = {n: _unit(rng) for n in names}
        cases = []
        for j, dist in ((3, 0.25), (0, 0.5), (5, 0.68), (2, 0.1)):
            cases.append((database, _at_distance(rng, database[names[j]], dist),
                          f"an encoding at distance {dist} from {names[j]}'s entry"))
        # far from everyone, but every distance is far below the initial min_dist = 100
        far = -np.mean(np.concatenate(list(database.values())), axis=0, keepdims=True)
        far /= np.linalg.norm(far)
        cases.append((database, far, "an encoding far from every entry (every distance between 0.7 and 2)"))
        # a tie: two entries with the same encoding, nearest to the probe -> the first one inserted
        twin = _unit(rng)
        tied = {"kai": database["kai"], "qiu": twin, "lior": database["lior"], "rae": twin.copy(),
                "mina": database["mina"]}
        cases.append((tied, _at_distance(rng, twin, 0.3), "an encoding nearest to two entries with the same "
                      "encoding ('qiu' inserted before 'rae')"))
        cases.append(({"solo": database["oda"]}, _at_distance(rng, database["oda"], 0.4),
                      "a database with one entry ('solo') at distance 0.4"))
        cases.append(({"solo": database["oda"]}, _at_distance(rng, database["oda"], 1.1),
                      "a database with one entry ('solo') at distance 1.1"))
        exact_db = rng.normal(size=(1, 128))
        exact_db[0, 3] = 0.0
        exact = exact_db.copy()
        exact[0, 3] = 0.7
        cases.append(({"zed": _unit(rng) * 5, "exa": exact_db}, exact,
                      "a minimum distance of exactly 0.7 (to 'exa'; 'Not in the database.' only above 0.7)"))
        for db, enc, how in cases:
            stub = _Stub(enc)
            out, printed = _run_stubbed(who_is_it, stub, path, db, model)
            what = f"who_is_it with {how}"
            _calls_ok(stub, "who_is_it", path)
            expect(isinstance(out, (tuple, list)) and len(out) == 2,
                   f"{what}: who_is_it should return (min_dist, identity), got {type(out).__name__}")
            min_dist, identity = out
            exp_dist, exp_id = ref.who_is_it_reference(enc, db)
            if identity is None:
                raise GradingError(f"{what}: identity is {identity!r}; return the nearest name ({exp_id!r}) even "
                                   "when you print 'Not in the database.' (update identity together with min_dist "
                                   "whenever dist < min_dist)")
            if identity != exp_id:
                names_in = list(db)
                tie_last = [n for n in names_in if np.isclose(np.linalg.norm(enc - db[n]), exp_dist, rtol=1e-12)]
                if len(tie_last) > 1 and identity == tie_last[-1]:
                    raise GradingError(f"{what}: returned {identity!r}, the *last* of the names at the minimum "
                                       f"distance; on a tie the first name in database order wins ({exp_id!r}): "
                                       "update only when dist < min_dist (strict)")
                raise GradingError(f"{what}: identity is {identity!r}, expected {exp_id!r} (the entry with the "
                                   "smallest L2 distance to the encoding)")
            got = _scalar(min_dist, f"{what}: min_dist")
            if not np.isclose(got, exp_dist, rtol=1e-12, atol=0):
                if np.isclose(got, exp_dist ** 2, rtol=1e-9):
                    raise GradingError(f"{what}: min_dist = {got:.6f} is a squared distance; use "
                                       f"np.linalg.norm(encoding - db_enc) ({exp_dist:.6f})")
                raise GradingError(f"{what}: min_dist = {got:.8f}, expected {exp_dist:.8f}")
            if exp_dist > THRESHOLD:
                expect("not in the database" in printed.lower(),
                       f"{what}: the smallest distance is {exp_dist:.3f} > 0.7, so who_is_it should print "
                       f"'Not in the database.'; it printed {printed.strip()!r}")
            else:
                expect("not in the database" not in printed.lower() and exp_id in printed,
                       f"{what}: the smallest distance is {exp_dist:.3f} (not above 0.7), so who_is_it should "
                       f"print \"it's {exp_id}, the distance is ...\"; it printed {printed.strip()!r}")
