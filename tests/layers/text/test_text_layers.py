"""Text and categorical preprocessing layers against Keras 3 (TF backend), on every backend."""

import numpy as np
import pytest

import lamina
from lamina.layers.text import (
    CategoryEncoding,
    Discretization,
    Hashing,
    IntegerLookup,
    StringLookup,
    TextVectorization,
)
from tests.conftest import to_numpy

keras = pytest.importorskip("keras")

CORPUS = [
    "The cat sat on the mat.",
    "A dog! The dog barked, and the cat ran.",
    "Birds sing; the birds fly",
    "the end",
]
CUSTOM = {
    "TextVectorization": TextVectorization,
    "StringLookup": StringLookup,
    "IntegerLookup": IntegerLookup,
    "CategoryEncoding": CategoryEncoding,
    "Discretization": Discretization,
    "Hashing": Hashing,
}


def k(x):
    return keras.ops.convert_to_numpy(x)


def check(got, want):
    got = to_numpy(got)
    assert got.shape == want.shape
    assert str(got.dtype) == str(want.dtype), (got.dtype, want.dtype)
    np.testing.assert_allclose(got, want, atol=1e-6)


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(),
        dict(max_tokens=8, output_sequence_length=5),
        dict(ngrams=2, output_mode="multi_hot"),
        dict(output_mode="count", max_tokens=10, pad_to_max_tokens=True),
        dict(output_mode="tf_idf"),
        dict(standardize="lower", split="whitespace", output_sequence_length=3),
    ],
)
def test_text_vectorization_adapt_matches_keras(kwargs):
    ours, theirs = TextVectorization(**kwargs), keras.layers.TextVectorization(**kwargs)
    ours.adapt(CORPUS)
    theirs.adapt(CORPUS)
    assert ours.get_vocabulary() == theirs.get_vocabulary()
    data = np.array(CORPUS[:3] + ["unknown words here"])
    check(ours(data), k(theirs(data)))


def test_text_vectorization_given_vocabulary_and_dataset():
    vocab = ["the", "cat", "dog"]
    ours = TextVectorization(vocabulary=vocab)
    theirs = keras.layers.TextVectorization(vocabulary=vocab)
    check(ours(["The cat, the DOG", "bird"]), k(theirs(np.array(["The cat, the DOG", "bird"]))))
    tf = pytest.importorskip("tensorflow")
    layer = TextVectorization(max_tokens=6)
    layer.adapt(tf.data.Dataset.from_tensor_slices(CORPUS).batch(2))
    ref = keras.layers.TextVectorization(max_tokens=6)
    ref.adapt(CORPUS)
    assert layer.get_vocabulary() == ref.get_vocabulary()


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(),
        dict(mask_token="[MASK]"),
        dict(num_oov_indices=0),
        dict(output_mode="one_hot"),
        dict(output_mode="multi_hot"),
        dict(output_mode="count"),
    ],
)
def test_string_lookup_matches_keras(kwargs):
    vocab = ["a", "b", "c", "d"]
    ours = StringLookup(vocabulary=vocab, **kwargs)
    theirs = keras.layers.StringLookup(vocabulary=vocab, **kwargs)
    data = np.array([["a", "c", "d"], ["d", "b", "a"]])
    if kwargs.get("num_oov_indices", 1):
        data[1, 1] = "z"
    if kwargs.get("output_mode") == "one_hot":
        data = data[:, :1]
    check(ours(data), k(theirs(data)))
    assert ours.get_vocabulary() == theirs.get_vocabulary()


def test_string_lookup_invert_and_adapt():
    theirs = keras.layers.StringLookup()
    ours = StringLookup()
    data = np.array(["x", "y", "y", "z", "z", "z", "w"])
    theirs.adapt(data)
    ours.adapt(data)
    assert ours.get_vocabulary() == theirs.get_vocabulary()
    inv = StringLookup(vocabulary=ours.get_vocabulary(), invert=True)
    idx = np.array([[1, 2, 0, 4]])
    assert to_numpy(inv(idx)).tolist() == [["z", "y", "[UNK]", "w"]]


@pytest.mark.parametrize(
    "kwargs",
    [dict(), dict(mask_token=0), dict(num_oov_indices=2), dict(output_mode="multi_hot")],
)
def test_integer_lookup_matches_keras(kwargs):
    vocab = [12, 36, 1138, 42]
    ours = IntegerLookup(vocabulary=vocab, **kwargs)
    theirs = keras.layers.IntegerLookup(vocabulary=vocab, **kwargs)
    data = np.array([[12, 1138, 42], [42, 0, 7]], "int64")
    check(ours(data), k(theirs(data)))
    if kwargs.get("output_mode") is None:
        inv_ours = IntegerLookup(vocabulary=vocab, invert=True, **kwargs)
        inv_theirs = keras.layers.IntegerLookup(vocabulary=vocab, invert=True, **kwargs)
        idx = np.array([[1, 2, 3]], "int64") + (1 if "mask_token" in kwargs else 0)
        check(inv_ours(idx), k(inv_theirs(idx)))


@pytest.mark.parametrize("mode", ["one_hot", "multi_hot", "count"])
def test_category_encoding_matches_keras(mode):
    data = np.array([[0, 1, 1], [3, 3, 2]], "int32") if mode != "one_hot" else np.array([[1], [3]])
    ours = CategoryEncoding(num_tokens=5, output_mode=mode)
    theirs = keras.layers.CategoryEncoding(num_tokens=5, output_mode=mode)
    check(ours(data), k(theirs(data)))
    assert ours(lamina.Input((data.shape[1],), dtype="int32")).shape == (None, 5)


def test_category_encoding_count_weights():
    data = np.array([[0, 1, 1]], "int32")
    weights = np.array([[0.5, 1.0, 2.0]], "float32")
    got = CategoryEncoding(3, output_mode="count")(data, count_weights=weights)
    np.testing.assert_allclose(to_numpy(got), [[0.5, 3.0, 0.0]])


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot"])
def test_discretization_matches_keras(mode):
    data = np.array([[-1.5, 0.0, 0.7], [2.0, 1.0, -0.2]], "float32")
    ours = Discretization(bin_boundaries=[0.0, 1.0], output_mode=mode)
    theirs = keras.layers.Discretization(bin_boundaries=[0.0, 1.0], output_mode=mode)
    check(ours(data), k(theirs(data)))


def test_discretization_adapt():
    data = np.arange(100, dtype="float32")
    layer = Discretization(num_bins=4)
    layer.adapt(data)
    counts = np.bincount(to_numpy(layer(data)).ravel(), minlength=4)
    assert counts.tolist() == [25, 25, 25, 25]


def test_hashing_properties():
    data = np.array([["a"], ["b"], ["a"], ["c"], [""]])
    out = to_numpy(Hashing(num_bins=7)(data))
    assert out.dtype == np.int64 and out.shape == (5, 1) and out.min() >= 0 and out.max() < 7
    assert out[0, 0] == out[2, 0]
    np.testing.assert_array_equal(to_numpy(Hashing(num_bins=7)(data)), out)  # deterministic
    masked = to_numpy(Hashing(num_bins=5, mask_value="")(data))
    assert masked[4, 0] == 0 and (masked[:4] >= 1).all()
    salted = [to_numpy(Hashing(1000, salt=s)(np.array(["token"]))) for s in (1, 2)]
    assert salted[0] != salted[1]
    ints = to_numpy(Hashing(num_bins=4, output_mode="multi_hot")(np.array([[1, 2, 3, 1]])))
    assert ints.shape == (1, 4) and ints.dtype == np.float32 and set(ints.ravel()) <= {0.0, 1.0}


def test_errors():
    with pytest.raises(ValueError, match="output_mode"):
        StringLookup(output_mode="bad")
    with pytest.raises(ValueError, match="standardize"):
        TextVectorization(standardize="upper")
    with pytest.raises(ValueError, match="num_bins"):
        Hashing(num_bins=0)


def test_save_load_round_trip(tmp_path):
    inputs = lamina.Input((3,), dtype="int64")
    x = IntegerLookup(vocabulary=[5, 6, 7], output_mode="multi_hot")(inputs)
    model = lamina.Model(inputs, lamina.layers.Dense(2)(x))
    data = np.array([[5, 7, 9]], "int64")
    want = to_numpy(model(data))
    path = str(tmp_path / "m.lamina")
    model.save(path)
    loaded = lamina.saving.load_model(path, custom_objects=CUSTOM)
    np.testing.assert_allclose(to_numpy(loaded(data)), want, atol=1e-6)
    for layer in [
        TextVectorization(vocabulary=["a", "b"], output_sequence_length=4),
        StringLookup(vocabulary=["x", "y"], mask_token=""),
        Discretization(bin_boundaries=[0.5]),
        Hashing(num_bins=3, salt=7),
        CategoryEncoding(num_tokens=3, output_mode="count"),
    ]:
        clone = type(layer).from_config(layer.get_config())
        assert clone.get_config() == layer.get_config()
