"""lamina.random: SeedGenerator state, seed semantics (int / generator / global), distributions'
shapes, dtypes, ranges and rough moments, and argument errors."""

from __future__ import annotations

import numpy as np
import pytest

import lamina
from lamina import random
from lamina.backend import KerasTensor
from tests.conftest import BACKEND, to_numpy


def test_seed_generator_state_and_config():
    gen = random.SeedGenerator(42)
    state = gen.state
    assert isinstance(state, lamina.Variable)
    assert state.name == "seed_generator_state" and not state.trainable
    assert state.shape == (2,) and state.dtype == "int64"
    np.testing.assert_array_equal(state.numpy(), [42, 0])
    first = to_numpy(gen.next())
    second = to_numpy(gen.next())
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(state.numpy(), [42, 2])
    clone = random.SeedGenerator.from_config(gen.get_config())
    np.testing.assert_array_equal(to_numpy(clone.next()), first)
    with pytest.raises(ValueError, match="seed"):
        random.SeedGenerator("abc")


def test_int_seed_is_repeatable_generator_advances():
    a = to_numpy(random.normal((4,), seed=7))
    b = to_numpy(random.normal((4,), seed=7))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, to_numpy(random.normal((4,), seed=8)))
    gen1, gen2 = random.SeedGenerator(3), random.SeedGenerator(3)
    x1, y1 = to_numpy(random.uniform((5,), seed=gen1)), to_numpy(random.uniform((5,), seed=gen1))
    x2, y2 = to_numpy(random.uniform((5,), seed=gen2)), to_numpy(random.uniform((5,), seed=gen2))
    assert not np.array_equal(x1, y1)
    np.testing.assert_array_equal(x1, x2)
    np.testing.assert_array_equal(y1, y2)


def test_global_seed_generator():
    random.set_global_seed(11)
    a = to_numpy(random.normal((3,)))
    b = to_numpy(random.normal((3,)))
    random.set_global_seed(11)
    np.testing.assert_array_equal(to_numpy(random.normal((3,))), a)
    assert not np.array_equal(a, b)
    assert isinstance(random.global_seed_generator(), random.SeedGenerator)
    from lamina.utils import rng_utils

    rng_utils.set_random_seed(5)
    c = to_numpy(random.uniform((3,)))
    rng_utils.set_random_seed(5)
    np.testing.assert_array_equal(to_numpy(random.uniform((3,))), c)


def test_distributions():
    n = 4000
    x = to_numpy(random.normal((n,), mean=2.0, stddev=0.5, seed=1))
    assert x.dtype == np.float32 and abs(x.mean() - 2) < 0.05 and abs(x.std() - 0.5) < 0.05
    x = to_numpy(random.uniform((n,), minval=-1.0, maxval=3.0, dtype="float64", seed=1))
    assert x.dtype == np.float64 and x.min() >= -1 and x.max() < 3 and abs(x.mean() - 1) < 0.1
    x = to_numpy(random.truncated_normal((n,), mean=1.0, stddev=2.0, seed=1))
    assert x.min() >= -3.0 - 1e-5 and x.max() <= 5.0 + 1e-5 and abs(x.mean() - 1) < 0.15
    x = to_numpy(random.randint((n,), 3, 9, seed=1))
    assert x.dtype == np.int32 and set(np.unique(x)) == set(range(3, 9))
    x = to_numpy(random.randint((5,), 0, 4, dtype="int64", seed=1))
    assert x.dtype == np.int64
    x = to_numpy(random.gamma((n,), 3.0, seed=1))
    assert x.dtype == np.float32 and x.min() > 0 and abs(x.mean() - 3) < 0.2
    x = to_numpy(random.beta((n,), 2.0, 6.0, seed=1))
    assert x.min() > 0 and x.max() < 1 and abs(x.mean() - 0.25) < 0.02
    x = to_numpy(random.binomial((n,), 10, 0.3, seed=1))
    assert x.dtype == np.float32 and x.min() >= 0 and x.max() <= 10 and abs(x.mean() - 3) < 0.2


def test_categorical():
    logits = np.log(np.array([[0.1, 0.9, 0.0], [1.0, 0.0, 0.0]], "float32") + 1e-12)
    s = to_numpy(random.categorical(logits, 2000, seed=3))
    assert s.shape == (2, 2000) and s.dtype == np.int32
    assert set(np.unique(s[1])) == {0}
    assert 0.85 < np.mean(s[0] == 1) < 0.95 and not np.any(s[0] == 2)
    assert random.categorical(KerasTensor((None, 3)), 4).shape == (None, 4)


def test_dropout():
    x = np.ones((200, 50), "float32")
    out = to_numpy(random.dropout(x, 0.3, seed=2))
    kept = out != 0
    assert 0.65 < kept.mean() < 0.75
    np.testing.assert_allclose(out[kept], 1 / 0.7, rtol=1e-6)
    np.testing.assert_array_equal(out, to_numpy(random.dropout(x, 0.3, seed=2)))
    shared = to_numpy(random.dropout(x, 0.5, noise_shape=(None, 1), seed=4))
    assert np.all((shared == 0) == (shared[:, :1] == 0))  # one mask value per row
    np.testing.assert_array_equal(to_numpy(random.dropout(x, 0.0, seed=1)), x)
    assert np.all(to_numpy(random.dropout(x, 1.0, seed=1)) == 0)
    assert random.dropout(KerasTensor((None, 5)), 0.5).shape == (None, 5)
    with pytest.raises(ValueError, match="rate"):
        random.dropout(x, 1.5)


def test_shuffle():
    x = np.arange(40).reshape(8, 5)
    out = to_numpy(random.shuffle(x, seed=5))
    assert not np.array_equal(out, x)
    np.testing.assert_array_equal(np.sort(out[:, 0]), x[:, 0])
    np.testing.assert_array_equal(out[:, 1:] - out[:, :1], x[:, 1:] - x[:, :1])  # rows intact
    out = to_numpy(random.shuffle(x, axis=1, seed=5))
    np.testing.assert_array_equal(np.sort(out, axis=1), x)
    np.testing.assert_array_equal(out, to_numpy(random.shuffle(x, axis=1, seed=5)))


def test_argument_errors():
    with pytest.raises(ValueError, match="dtype"):
        random.normal((2,), dtype="int32")
    with pytest.raises(ValueError, match="maxval"):
        random.randint((2,), 5, 5)
    with pytest.raises(ValueError, match="seed"):
        random.normal((2,), seed="x")
    with pytest.raises(ValueError, match="shape"):
        random.uniform((2, -1))


@pytest.mark.skipif(BACKEND != "jax", reason="JAX tracing")
def test_seed_generator_inside_jit():
    import jax

    gen = random.SeedGenerator(9)

    def step(state):
        gen.state.assign(state)  # as the trainer does: the traced state stands in
        out = random.normal((3,), seed=gen)
        return out, gen.state.value

    start = gen.state.value
    out1, state1 = jax.jit(step)(start)
    out2, state2 = jax.jit(step)(state1)
    assert not np.array_equal(np.asarray(out1), np.asarray(out2))
    np.testing.assert_array_equal(np.asarray(state2), [9, 2])
