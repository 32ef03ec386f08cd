"""Variants of the graded functions of ``w4a1_face_recognition``.

Mutants are plausible mistakes (each must lose that exercise's points); alternatives are
correct solutions written differently from the notebook's (each must keep full marks).
Every variant is the code a student would put in the solution cell: it uses ``tf``,
``np`` and the notebook global ``img_to_encoding`` by its notebook name.
"""
# ruff: noqa: F811, F821  (slugs repeat across targets; tf/np/img_to_encoding come from the notebook namespace)
from grading.mutation import Registry

REGISTRY = Registry("w4a1_face_recognition")
mutant, alternative = REGISTRY.mutant, REGISTRY.alternative


# =============================================================================== 1 triplet_loss
@mutant("triplet_loss", "no clamp at zero")
def no_clamp(y_true, y_pred, alpha=0.2):
    anchor, positive, negative = y_pred[0], y_pred[1], y_pred[2]
    pos_dist = tf.reduce_sum(tf.square(anchor - positive), axis=-1)
    neg_dist = tf.reduce_sum(tf.square(anchor - negative), axis=-1)
    return tf.reduce_sum(pos_dist - neg_dist + alpha)


@mutant("triplet_loss", "mean over the batch instead of the sum")
def mean_not_sum(y_true, y_pred, alpha=0.2):
    anchor, positive, negative = y_pred[0], y_pred[1], y_pred[2]
    pos_dist = tf.reduce_sum(tf.square(anchor - positive), axis=-1)
    neg_dist = tf.reduce_sum(tf.square(anchor - negative), axis=-1)
    return tf.reduce_mean(tf.maximum(pos_dist - neg_dist + alpha, 0.0))


@mutant("triplet_loss", "clamp after the sum")
def clamp_after_sum(y_true, y_pred, alpha=0.2):
    anchor, positive, negative = y_pred[0], y_pred[1], y_pred[2]
    pos_dist = tf.reduce_sum(tf.square(anchor - positive), axis=-1)
    neg_dist = tf.reduce_sum(tf.square(anchor - negative), axis=-1)
    return tf.maximum(tf.reduce_sum(pos_dist - neg_dist + alpha), 0.0)


@mutant("triplet_loss", "unsquared L2 distances")
def unsquared(y_true, y_pred, alpha=0.2):
    anchor, positive, negative = y_pred[0], y_pred[1], y_pred[2]
    pos_dist = tf.norm(anchor - positive, axis=-1)
    neg_dist = tf.norm(anchor - negative, axis=-1)
    return tf.reduce_sum(tf.maximum(pos_dist - neg_dist + alpha, 0.0))


@mutant("triplet_loss", "distances summed over the whole batch (no axis=-1)")
def no_axis(y_true, y_pred, alpha=0.2):
    anchor, positive, negative = y_pred[0], y_pred[1], y_pred[2]
    pos_dist = tf.reduce_sum(tf.square(anchor - positive))
    neg_dist = tf.reduce_sum(tf.square(anchor - negative))
    return tf.reduce_sum(tf.maximum(pos_dist - neg_dist + alpha, 0.0))


@mutant("triplet_loss", "anchor and negative swapped")
def anchor_negative_swapped(y_true, y_pred, alpha=0.2):
    negative, positive, anchor = y_pred[0], y_pred[1], y_pred[2]
    pos_dist = tf.reduce_sum(tf.square(anchor - positive), axis=-1)
    neg_dist = tf.reduce_sum(tf.square(anchor - negative), axis=-1)
    return tf.reduce_sum(tf.maximum(pos_dist - neg_dist + alpha, 0.0))


@mutant("triplet_loss", "alpha hard-coded to 0.2")
def fixed_alpha(y_true, y_pred, alpha=0.2):
    anchor, positive, negative = y_pred[0], y_pred[1], y_pred[2]
    pos_dist = tf.reduce_sum(tf.square(anchor - positive), axis=-1)
    neg_dist = tf.reduce_sum(tf.square(anchor - negative), axis=-1)
    return tf.reduce_sum(tf.maximum(pos_dist - neg_dist + 0.2, 0.0))


@mutant("triplet_loss", "the margin is subtracted")
def alpha_subtracted(y_true, y_pred, alpha=0.2):
    anchor, positive, negative = y_pred[0], y_pred[1], y_pred[2]
    pos_dist = tf.reduce_sum(tf.square(anchor - positive), axis=-1)
    neg_dist = tf.reduce_sum(tf.square(anchor - negative), axis=-1)
    return tf.reduce_sum(tf.maximum(pos_dist - neg_dist - alpha, 0.0))


@mutant("triplet_loss", "returns a NumPy number instead of a tensor")
def numpy_result(y_true, y_pred, alpha=0.2):
    anchor, positive, negative = (np.asarray(v) for v in (y_pred[0], y_pred[1], y_pred[2]))
    pos_dist = np.sum((anchor - positive) ** 2, axis=-1)
    neg_dist = np.sum((anchor - negative) ** 2, axis=-1)
    return np.sum(np.maximum(pos_dist - neg_dist + alpha, 0.0))


@alternative("triplet_loss", "tf.norm(...) ** 2 and tf.nn.relu")
def norm_squared_relu(y_true, y_pred, alpha=0.2):
    anchor, positive, negative = y_pred[0], y_pred[1], y_pred[2]
    pos_dist = tf.norm(anchor - positive, axis=-1) ** 2
    neg_dist = tf.norm(anchor - negative, axis=-1) ** 2
    return tf.reduce_sum(tf.nn.relu(pos_dist - neg_dist + alpha))


@alternative("triplet_loss", "tf.math.squared_difference, unpacking, tf.math.maximum")
def squared_difference(y_true, y_pred, alpha=0.2):
    anchor, positive, negative = y_pred[0], y_pred[1], y_pred[2]
    pos_dist = tf.math.reduce_sum(tf.math.squared_difference(anchor, positive), axis=1)
    neg_dist = tf.math.reduce_sum(tf.math.squared_difference(anchor, negative), axis=1)
    return tf.math.reduce_sum(tf.math.maximum(tf.add(tf.subtract(pos_dist, neg_dist), alpha), 0))


@alternative("triplet_loss", "einsum distances, clip_by_value")
def einsum_clip(y_true, y_pred, alpha=0.2):
    a, p, n = y_pred[0], y_pred[1], y_pred[2]
    dp, dn = a - p, a - n
    basic = tf.einsum("md,md->m", dp, dp) - tf.einsum("md,md->m", dn, dn) + alpha
    return tf.reduce_sum(tf.clip_by_value(basic, 0.0, float("inf")))


# =============================================================================== 2 verify
@mutant("verify", "squared distance")
def verify_squared(image_path, identity, database, model):
    encoding = img_to_encoding(image_path, model)
    dist = np.sum((encoding - database[identity]) ** 2)
    door_open = dist < 0.7
    print(f"It's {identity}, welcome in!" if door_open else f"It's not {identity}, please go away")
    return dist, door_open


@mutant("verify", "<= at the threshold")
def verify_less_equal(image_path, identity, database, model):
    encoding = img_to_encoding(image_path, model)
    dist = np.linalg.norm(encoding - database[identity])
    door_open = dist <= 0.7
    print(f"It's {identity}, welcome in!" if door_open else f"It's not {identity}, please go away")
    return dist, door_open


@mutant("verify", "> instead of <: the door opens for strangers")
def verify_reversed(image_path, identity, database, model):
    encoding = img_to_encoding(image_path, model)
    dist = np.linalg.norm(encoding - database[identity])
    door_open = dist > 0.7
    print(f"It's {identity}, welcome in!" if door_open else f"It's not {identity}, please go away")
    return dist, door_open


@mutant("verify", "threshold 0.5")
def verify_threshold_05(image_path, identity, database, model):
    encoding = img_to_encoding(image_path, model)
    dist = np.linalg.norm(encoding - database[identity])
    door_open = dist < 0.5
    print(f"It's {identity}, welcome in!" if door_open else f"It's not {identity}, please go away")
    return dist, door_open


@mutant("verify", "threshold 1.0")
def verify_threshold_1(image_path, identity, database, model):
    encoding = img_to_encoding(image_path, model)
    dist = np.linalg.norm(encoding - database[identity])
    door_open = dist < 1.0
    print(f"It's {identity}, welcome in!" if door_open else f"It's not {identity}, please go away")
    return dist, door_open


@mutant("verify", "encoding computed with the model directly (not normalised)")
def verify_bypass(image_path, identity, database, model):
    img = tf.keras.preprocessing.image.load_img(image_path, target_size=(160, 160))
    x = np.expand_dims(np.around(np.array(img) / 255.0, decimals=12), axis=0)
    encoding = model.predict_on_batch(x)
    dist = np.linalg.norm(encoding - database[identity])
    door_open = dist < 0.7
    print(f"It's {identity}, welcome in!" if door_open else f"It's not {identity}, please go away")
    return dist, door_open


@mutant("verify", "prints the welcome message in both branches")
def verify_same_message(image_path, identity, database, model):
    encoding = img_to_encoding(image_path, model)
    dist = np.linalg.norm(encoding - database[identity])
    door_open = dist < 0.7
    print(f"It's {identity}, welcome in!")
    return dist, door_open


@alternative("verify", "np.sqrt(np.sum((a - b) ** 2)) and an if/else")
def verify_sqrt_sum(image_path, identity, database, model):
    encoding = img_to_encoding(image_path, model)
    dist = np.sqrt(np.sum((encoding - database[identity]) ** 2))
    if dist < 0.7:
        print("It's " + str(identity) + ", welcome in!")
        door_open = True
    else:
        print("It's not " + str(identity) + ", please go away")
        door_open = False
    return dist, door_open


@alternative("verify", "distance from the database side, float() result, keyword call")
def verify_float(image_path, identity, database, model):
    stored = database[identity]
    enc = img_to_encoding(image_path=image_path, model=model)
    dist = float(np.linalg.norm(stored - enc, ord=2))
    door_open = not (dist >= 0.7)
    print(f"It's {identity}, welcome in!" if door_open else f"It's not {identity}, please go away")
    return dist, door_open


# =============================================================================== 3 who_is_it
@mutant("who_is_it", "identity not updated on a new minimum")
def who_no_identity_update(image_path, database, model):
    encoding = img_to_encoding(image_path, model)
    min_dist = 100
    identity = None
    for name, db_enc in database.items():
        dist = np.linalg.norm(encoding - db_enc)
        if dist < min_dist:
            min_dist = dist
            if identity is None:
                identity = name
    if min_dist > 0.7:
        print("Not in the database.")
    else:
        print(f"it's {identity}, the distance is {min_dist}")
    return min_dist, identity


@mutant("who_is_it", "<= in the minimum search: the last of tied names wins")
def who_last_tie(image_path, database, model):
    encoding = img_to_encoding(image_path, model)
    min_dist = 100
    identity = None
    for name, db_enc in database.items():
        dist = np.linalg.norm(encoding - db_enc)
        if dist <= min_dist:
            min_dist = dist
            identity = name
    if min_dist > 0.7:
        print("Not in the database.")
    else:
        print(f"it's {identity}, the distance is {min_dist}")
    return min_dist, identity


@mutant("who_is_it", "returns None as the identity above the threshold")
def who_none(image_path, database, model):
    encoding = img_to_encoding(image_path, model)
    min_dist = 100
    identity = None
    for name, db_enc in database.items():
        dist = np.linalg.norm(encoding - db_enc)
        if dist < min_dist:
            min_dist = dist
            identity = name
    if min_dist > 0.7:
        print("Not in the database.")
        identity = None
    else:
        print(f"it's {identity}, the distance is {min_dist}")
    return min_dist, identity


@mutant("who_is_it", "encoding computed with the model directly (not normalised)")
def who_bypass(image_path, database, model):
    img = tf.keras.preprocessing.image.load_img(image_path, target_size=(160, 160))
    x = np.expand_dims(np.around(np.array(img) / 255.0, decimals=12), axis=0)
    encoding = model.predict_on_batch(x)
    min_dist = 100
    identity = None
    for name, db_enc in database.items():
        dist = np.linalg.norm(encoding - db_enc)
        if dist < min_dist:
            min_dist = dist
            identity = name
    if min_dist > 0.7:
        print("Not in the database.")
    else:
        print(f"it's {identity}, the distance is {min_dist}")
    return min_dist, identity


@mutant("who_is_it", "initial min_dist = 0.7: nobody is found above the threshold")
def who_small_start(image_path, database, model):
    encoding = img_to_encoding(image_path, model)
    min_dist = 0.7
    identity = None
    for name, db_enc in database.items():
        dist = np.linalg.norm(encoding - db_enc)
        if dist < min_dist:
            min_dist = dist
            identity = name
    if identity is None:
        print("Not in the database.")
    else:
        print(f"it's {identity}, the distance is {min_dist}")
    return min_dist, identity


@mutant("who_is_it", "squared distances")
def who_squared(image_path, database, model):
    encoding = img_to_encoding(image_path, model)
    min_dist = 100
    identity = None
    for name, db_enc in database.items():
        dist = np.sum((encoding - db_enc) ** 2)
        if dist < min_dist:
            min_dist = dist
            identity = name
    if min_dist > 0.7:
        print("Not in the database.")
    else:
        print(f"it's {identity}, the distance is {min_dist}")
    return min_dist, identity


@mutant("who_is_it", ">= 0.7 for 'Not in the database.' (an exact 0.7 is rejected)")
def who_reject_at_threshold(image_path, database, model):
    encoding = img_to_encoding(image_path, model)
    min_dist = 100
    identity = None
    for name, db_enc in database.items():
        dist = np.linalg.norm(encoding - db_enc)
        if dist < min_dist:
            min_dist = dist
            identity = name
    if min_dist >= 0.7:
        print("Not in the database.")
    else:
        print(f"it's {identity}, the distance is {min_dist}")
    return min_dist, identity


@alternative("who_is_it", "min() over a dict comprehension (first minimum in insertion order)")
def who_min_dict(image_path, database, model):
    encoding = img_to_encoding(image_path, model)
    dists = {name: np.linalg.norm(encoding - db_enc) for name, db_enc in database.items()}
    identity = min(dists, key=dists.get)
    min_dist = dists[identity]
    if min_dist > 0.7:
        print("Not in the database.")
    else:
        print("it's " + str(identity) + ", the distance is " + str(min_dist))
    return min_dist, identity


@alternative("who_is_it", "np.sqrt(np.sum(...)) and float() in an explicit loop")
def who_sqrt_sum(image_path, database, model):
    encoding = img_to_encoding(image_path, model)
    min_dist, identity = 100.0, None
    for name in database:
        dist = float(np.sqrt(np.sum(np.square(database[name] - encoding))))
        if dist < min_dist:
            min_dist, identity = dist, name
    print("Not in the database." if min_dist > 0.7 else f"it's {identity}, the distance is {min_dist}")
    return min_dist, identity
