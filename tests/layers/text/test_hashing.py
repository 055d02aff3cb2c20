"""`Hashing` and its string hashes against TensorFlow's hash ops and Keras 3, on every backend."""

import random

import numpy as np
import pytest

import lamina
from lamina.layers.text import Hashing
from lamina.layers.text._string_hashes import fingerprint64, hash_many, siphash24
from tests.conftest import to_numpy

tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

_M = 2**64 - 1
_ALPHABET = "abcXYZ019 -_.,é߀中文字ひらがな😀🚀\u0301\x00"


def _random_bytes(rng, n):
    return bytes(rng.randrange(256) for _ in range(n))


def _random_text(rng, n_bytes):
    """A random string (ASCII and non-ASCII) whose UTF-8 form has about ``n_bytes`` bytes."""
    chars, size = [], 0
    while size < n_bytes:
        c = rng.choice(_ALPHABET)
        chars.append(c)
        size += len(c.encode("utf-8"))
    return "".join(chars)


RNG = random.Random(1234)
# Every length 0..200 (all four FarmHash length classes), twice, plus a few long inputs.
BYTES = [_random_bytes(RNG, n) for n in list(range(201)) * 2 + [255, 256, 257, 1000, 4099]]
TEXTS = [_random_text(RNG, n) for n in range(0, 201, 3)] + ["", "A", "é", "😀", "中文" * 40]


def test_fingerprint64_matches_tensorflow():
    want = tf.fingerprint(tf.constant(BYTES)).numpy()  # farmhash Fingerprint64, little-endian
    for data, row in zip(BYTES, want):
        assert fingerprint64(data) == int.from_bytes(row.tobytes(), "little"), len(data)
    for n in (1, 7, 1000, 2**31 - 1, 2**63 - 1):
        got = [fingerprint64(s.encode("utf-8")) % n for s in TEXTS]
        assert got == tf.strings.to_hash_bucket_fast(TEXTS, n).numpy().tolist()


@pytest.mark.parametrize(
    "key", [(0, 0), (1, 2), (133, 137), (2**63 - 1, 12345), (-1, -(2**63)), (7, 2**62 + 3)]
)
def test_siphash24_matches_tensorflow(key):
    for n in (3, 2**31 - 1, 2**63 - 1):
        got = [siphash24(b, *key) % n for b in BYTES]
        want = tf.strings.to_hash_bucket_strong(BYTES, n, key=list(key)).numpy().tolist()
        assert got == want


def test_hash_many_matches_tensorflow():
    # Enough inputs of each length 0..200 to take the array path (and a few for the other).
    rng = random.Random(7)
    items = [_random_bytes(rng, n) for n in range(201) for _ in range(24)] + BYTES[:40]
    want = tf.fingerprint(tf.constant(items)).numpy()
    want = [int.from_bytes(row.tobytes(), "little") for row in want]
    got = hash_many(items)
    assert got.dtype == np.uint64 and got.tolist() == want
    n = 2**63 - 1
    want = tf.strings.to_hash_bucket_strong(items, n, key=[3, 2**62 + 5]).numpy().tolist()
    assert (hash_many(items, (3, 2**62 + 5)) % np.uint64(n)).tolist() == want


def test_siphash24_reference_vector():
    # The SipHash paper's vector: key 00..0f, message 00..0e.
    k0 = int.from_bytes(bytes(range(8)), "little")
    k1 = int.from_bytes(bytes(range(8, 16)), "little")
    assert siphash24(bytes(range(15)), k0, k1) == 0xA129CA6149BE45E5
    assert 0 <= fingerprint64(b"x" * 300) <= _M


def _check(ours, theirs):
    got, want = to_numpy(ours), np.asarray(theirs)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert str(got.dtype) == str(want.dtype), (got.dtype, want.dtype)
    np.testing.assert_array_equal(got, want)


STRINGS = np.array(TEXTS[:64], dtype=object).reshape(16, 4)
INTS = np.array(
    [[0, 1, -1, 7], [42, -42, 10**9, -(10**12)], [2**62, -(2**63), 2**63 - 1, 12345678901]],
    "int64",
)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(num_bins=1),
        dict(num_bins=2),
        dict(num_bins=7),
        dict(num_bins=1000),
        dict(num_bins=2**31 - 1),
        dict(num_bins=5, salt=133),
        dict(num_bins=2**31 - 1, salt=[1, 2]),
        dict(num_bins=9, salt=(2**40 + 1, 3)),
        dict(num_bins=6, mask_value=""),
        dict(num_bins=6, mask_value="", salt=[5, 6]),
        dict(num_bins=1, mask_value=""),
        dict(num_bins=8, output_mode="one_hot"),
        dict(num_bins=8, output_mode="multi_hot", mask_value=""),
        dict(num_bins=8, output_mode="count", salt=11),
        dict(num_bins=8, dtype="int32"),
    ],
)
def test_strings_match_keras(kwargs):
    data = STRINGS.copy()
    data[2, 1] = data[5, 3] = ""
    data[0, 2] = "ends with NUL\x00"
    if kwargs.get("output_mode") == "one_hot":
        data = data[:, :1]
    want = keras.layers.Hashing(**kwargs)(tf.constant(data.tolist()))
    _check(Hashing(**kwargs)(data), want)
    # lists and bytes arrays give the same bins
    _check(Hashing(**kwargs)(data.tolist()), want)
    as_bytes = np.vectorize(lambda s: s.encode("utf-8"), otypes=[object])(data)
    _check(Hashing(**kwargs)(as_bytes), want)
    # a NumPy unicode array (which drops trailing NULs) as Keras sees it
    unicode = data.astype(str)
    _check(Hashing(**kwargs)(unicode), keras.layers.Hashing(**kwargs)(unicode))


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(num_bins=3),
        dict(num_bins=2**31 - 1),
        dict(num_bins=10, salt=[133, 137]),
        dict(num_bins=4, mask_value=0),
        dict(num_bins=4, mask_value=42, salt=9),
        dict(num_bins=5, output_mode="multi_hot"),
        dict(num_bins=5, output_mode="count", mask_value=-1),
    ],
)
def test_ints_match_keras(kwargs):
    want = keras.layers.Hashing(**kwargs)(tf.constant(INTS))
    _check(Hashing(**kwargs)(INTS), want)
    _check(Hashing(**kwargs)(lamina.ops.convert_to_tensor(INTS)), want)
    small = INTS[:1].astype("int32")
    _check(Hashing(**kwargs)(small), keras.layers.Hashing(**kwargs)(small))


@pytest.mark.parametrize(
    "kwargs",
    [dict(num_bins=97), dict(num_bins=2**31 - 1, salt=[8, 9]), dict(num_bins=50, mask_value="")],
)
def test_large_batches_match_keras(kwargs):
    # Batches with many inputs of one length hash them as arrays.
    rng = random.Random(3)
    words = np.array([_random_text(rng, rng.randrange(0, 90)) for _ in range(3000)], dtype=object)
    words = words.reshape(1000, 3)
    _check(Hashing(**kwargs)(words), keras.layers.Hashing(**kwargs)(tf.constant(words.tolist())))
    ints = np.random.default_rng(0).integers(-(2**62), 2**62, (500, 4))
    ints[::7] //= 10**9
    kwargs = {**kwargs, "mask_value": 0} if "mask_value" in kwargs else kwargs
    _check(Hashing(**kwargs)(ints), keras.layers.Hashing(**kwargs)(ints))


def test_floats_bools_and_scalars_match_keras():
    floats = np.array([[0.5, -0.5, 2.9, -2.9], [1e30, np.nan, np.inf, 3.0]], "float32")
    for kwargs in (dict(num_bins=11), dict(num_bins=11, mask_value=3, salt=4)):
        _check(Hashing(**kwargs)(floats), keras.layers.Hashing(**kwargs)(floats))
    masked = np.array([0.1, 0.2], "float32")
    want = keras.layers.Hashing(num_bins=5, mask_value=0.1)(masked)
    _check(Hashing(num_bins=5, mask_value=0.1)(masked), want)
    as_list = [1.5, 16777217.0, -3.25]  # Python floats become float32, as in Keras
    _check(Hashing(num_bins=99)(as_list), keras.layers.Hashing(num_bins=99)(as_list))
    bools = np.array([True, False, True])
    _check(Hashing(num_bins=13)(bools), keras.layers.Hashing(num_bins=13)(bools))
    for scalar in ("abc", 5, b"\xff\x00"):
        want = keras.layers.Hashing(num_bins=17)(tf.constant(scalar))
        _check(Hashing(num_bins=17)(scalar), want)


def test_tf_string_tensor_and_non_utf8_bytes():
    data = tf.constant([[b"\xff\xfe", b"ok\x00"], [b"", b"caf\xc3\xa9"]])
    want = keras.layers.Hashing(num_bins=1000, salt=3)(data)
    _check(Hashing(num_bins=1000, salt=3)(data), want)
    _check(Hashing(num_bins=1000, salt=3)(data.numpy()), want)


def test_symbolic_output_spec():
    x = lamina.Input((4,), dtype="int64")
    assert Hashing(num_bins=5)(x).shape == (None, 4)
    assert Hashing(num_bins=5)(x).dtype == "int64"
    assert Hashing(num_bins=5, dtype="int32")(x).dtype == "int32"
    out = Hashing(num_bins=5, output_mode="multi_hot")(x)
    assert out.shape == (None, 5) and out.dtype == "float32"
    out = Hashing(num_bins=5, output_mode="one_hot")(lamina.Input((1,), dtype="int64"))
    assert out.shape == (None, 5)


def test_errors():
    with pytest.raises(ValueError, match="num_bins"):
        Hashing(num_bins=0)
    with pytest.raises(ValueError, match="salt"):
        Hashing(num_bins=3, salt=[1, 2, 3])
    with pytest.raises(ValueError, match="salt"):
        Hashing(num_bins=3, salt="seed")
    with pytest.raises(ValueError, match="dtype"):
        Hashing(num_bins=3, dtype="float32")
    with pytest.raises(ValueError, match="output_mode"):
        Hashing(num_bins=3, output_mode="tf_idf")


def test_config_and_save_round_trip(tmp_path):
    for layer in (
        Hashing(num_bins=3, salt=7),
        Hashing(num_bins=6, mask_value="", salt=(1, 2), output_mode="count"),
    ):
        clone = Hashing.from_config(layer.get_config())
        assert clone.get_config() == layer.get_config()
        data = np.array([["a", "b"], ["", "zz"]])
        _check(clone(data), to_numpy(layer(data)))
    assert Hashing(num_bins=3, salt=7).get_config()["salt"] == [7, 7]

    inputs = lamina.Input((3,), dtype="int64")
    x = Hashing(num_bins=6, salt=[3, 4], output_mode="multi_hot")(inputs)
    model = lamina.Model(inputs, lamina.layers.Dense(2)(x))
    data = np.array([[5, -7, 123456789]], "int64")
    want = to_numpy(model(data))
    path = str(tmp_path / "m.lamina")
    model.save(path)
    loaded = lamina.saving.load_model(path, custom_objects={"Hashing": Hashing})
    np.testing.assert_allclose(to_numpy(loaded(data)), want, atol=1e-6)


def test_string_lookup_oov_buckets_match_keras():
    """With several OOV indices, out-of-vocabulary strings land in Keras's buckets."""
    import keras

    vocab = ["a", "b", "c"]
    words = np.array([["a", "zebra", "b", "éclair"], ["quux", "c", "longer word here", ""]])
    ours = lamina.layers.StringLookup(vocabulary=vocab, num_oov_indices=5)(words)
    theirs = keras.layers.StringLookup(vocabulary=vocab, num_oov_indices=5)(words)
    np.testing.assert_array_equal(to_numpy(ours), np.asarray(theirs))
