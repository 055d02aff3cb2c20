"""Groups of batches for steps_per_execution: stacked when they can be, same results either way."""

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.training.batch_groups import batch_at, group_batches
from lamina.training.data import ArrayDataAdapter, IterableDataAdapter
from tests.conftest import requires_training


def _identity(batch):
    return batch


def test_full_groups_are_stacked_and_a_short_last_group_is_not():
    x = np.arange(7 * 3, dtype="float32").reshape(7, 3)
    y = np.arange(7)
    adapter = ArrayDataAdapter(x, y, batch_size=2)  # batches of 2, 2, 2, 1
    groups = list(group_batches(adapter, 2, _identity))
    assert [start for start, _ in groups] == [0, 2]
    first, last = groups[0][1], groups[1][1]
    assert first.stacked and first.size == 2
    assert first.data[0].shape == (2, 2, 3) and first.data[1].shape == (2, 2)
    np.testing.assert_array_equal(first.first[0], x[:2])
    np.testing.assert_array_equal(batch_at(first.data, 1)[1], y[2:4])
    assert not last.stacked and last.size == 2  # a batch of 2 and one of 1: not stackable
    np.testing.assert_array_equal(last.data[1][0], x[6:])


@pytest.mark.parametrize("shuffle", [False, True, "batch"])
@pytest.mark.parametrize("skip", [0, 1])
def test_array_groups_hold_the_epochs_batches(shuffle, skip):
    rng = np.random.default_rng(1)
    x = {"a": rng.normal(size=(23, 2, 3)), "b": np.arange(23)}
    sw = rng.uniform(size=(23,)).astype("float32")
    adapter = ArrayDataAdapter(x, None, sw, batch_size=4, shuffle=shuffle)  # 5 x 4 + 3
    np.random.seed(5)
    expected = list(adapter.epoch())[skip:]
    np.random.seed(5)
    groups = list(group_batches(adapter, 3, _identity, skip=skip))
    assert [start for start, _ in groups] == list(range(skip, 6, 3))
    batches = []
    for _, group in groups:
        batches += (
            [batch_at(group.data, i) for i in range(group.size)] if group.stacked else group.data
        )
    # Groups of full batches come stacked; the group holding the batch of 3 does not.
    short = [g.size == 1 or any(len(b[2]) == 3 for b in g.data) for _, g in groups if not g.stacked]
    assert all(short)
    assert len(batches) == len(expected)
    for got, want in zip(batches, expected):
        np.testing.assert_array_equal(got[0]["a"], want[0]["a"])
        np.testing.assert_array_equal(got[0]["b"], want[0]["b"])
        assert got[1] is None
        np.testing.assert_array_equal(got[2], want[2])
    if not shuffle and skip == 0:  # consecutive batches: a view of the data, no copy
        assert np.shares_memory(groups[0][1].data[0]["a"], adapter.x["a"])


def test_nested_inputs_and_missing_targets_stack_leaf_by_leaf():
    batches = [
        ({"a": np.full((2, 1), i), "b": np.zeros((2, 3))}, None, np.ones(2)) for i in range(3)
    ]
    ((_, group),) = group_batches(IterableDataAdapter(batches), 3, _identity)
    assert group.stacked
    x, y, sw = group.data
    assert y is None and sw.shape == (3, 2)
    assert x["a"].shape == (3, 2, 1) and x["b"].shape == (3, 2, 3)
    assert batch_at(group.data, 2)[0]["a"][0, 0] == 2


def test_one_step_per_call_and_unstackable_batches_stay_tuples():
    x = np.zeros((8, 2), "float32")
    groups = [g for _, g in group_batches(ArrayDataAdapter(x, batch_size=2), 1, _identity)]
    assert len(groups) == 4 and not any(g.stacked for g in groups)
    ragged = [(np.zeros((2, 3)),), (np.zeros((2, 4)),)]
    ((_, group),) = group_batches(IterableDataAdapter(ragged), 2, _identity)
    assert not group.stacked and len(group.data) == 2
    ((_, group),) = group_batches(IterableDataAdapter(ragged), 2, _identity, stack=False)
    assert not group.stacked


def _two_input_model():
    lamina.utils.set_random_seed(3)
    a, b = lamina.Input((4,), name="a"), lamina.Input((2,), name="b")
    h = layers.Dense(8, activation="relu")(layers.Concatenate()([a, b]))
    return lamina.Model({"a": a, "b": b}, layers.Dense(3)(h))


@requires_training
@pytest.mark.parametrize("shuffle", [False, True, "batch"])
def test_fit_evaluate_predict_agree_with_and_without_stacked_groups(shuffle):
    rng = np.random.default_rng(0)
    x = {"a": rng.normal(size=(100, 4)).astype("float32"), "b": rng.normal(size=(100, 2))}
    x["b"] = x["b"].astype("float32")
    y = rng.integers(0, 3, size=(100,))
    sw = rng.uniform(0.5, 1.5, size=(100,)).astype("float32")
    results = []
    for spe in (1, 3):  # 100 samples in batches of 16: groups of 3, 3 and 1 (4 samples)
        model = _two_input_model()
        model.compile(
            optimizer="adam",
            loss=lamina.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
            steps_per_execution=spe,
        )
        lamina.utils.set_random_seed(7)  # the same shuffled order for both
        history = model.fit(
            x, y, sample_weight=sw, batch_size=16, epochs=2, shuffle=shuffle, verbose=0
        )
        evaluated = model.evaluate(x, y, batch_size=16, verbose=0)
        predicted = model.predict(x, batch_size=16, verbose=0)
        results.append((history.history["loss"], evaluated, predicted))
    np.testing.assert_allclose(results[0][0], results[1][0], rtol=1e-5)
    np.testing.assert_allclose(results[0][1], results[1][1], rtol=1e-5)
    np.testing.assert_allclose(results[0][2], results[1][2], rtol=1e-5, atol=1e-6)
