"""Keras's `implementation` argument of LSTM / GRU and their cells: 1 draws one dropout mask per
gate (applied before each gate's own matrix product), 2 one mask for all gates; the same
function without dropout; Keras 3 as the oracle (same weights, same masks)."""

import numpy as np
import pytest

import lamina
from lamina.backend import active
from lamina.layers import rnn
from lamina.layers.rnn import cells
from tests.conftest import BACKEND, requires_training
from tests.helpers import check_gradients
from tests.layers.harness import to_np

B, T, F, U = 6, 4, 5, 3
RNG = np.random.default_rng(7)
X = RNG.normal(size=(B, T, F)).astype("float32")
FUSED = active.optional("rnn")
N_GATES = {"LSTM": 4, "GRU": 3}

LAYERS = [("LSTM", {}), ("GRU", {}), ("GRU", {"reset_after": False})]
IDS = ["LSTM", "GRU", "GRU-reset_before"]


def keras():
    import keras as k

    return k


def _pair(name, kwargs, **first_kwargs):
    """Two layers with the same weights: implementation=1 (with ``first_kwargs``) and 2."""
    one = getattr(rnn, name)(U, implementation=1, return_sequences=True, **kwargs, **first_kwargs)
    two = getattr(rnn, name)(U, implementation=2, return_sequences=True, **kwargs)
    one(X), two(X)
    two.set_weights(one.get_weights())
    return one, two


@pytest.mark.parametrize("name,kwargs", LAYERS, ids=IDS)
def test_without_dropout_implementations_agree_and_match_keras(name, kwargs):
    one, two = _pair(name, kwargs)
    for training in (False, True):
        got = to_np(one(X, training=training))
        np.testing.assert_allclose(got, to_np(two(X, training=training)), atol=1e-6)
    k = getattr(keras().layers, name)(U, implementation=1, return_sequences=True, **kwargs)
    k(X)
    k.set_weights(one.get_weights())
    np.testing.assert_allclose(got, np.asarray(k(X)), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("name,kwargs", LAYERS, ids=IDS)
def test_inference_ignores_dropout(name, kwargs):
    one, two = _pair(name, kwargs, dropout=0.5, recurrent_dropout=0.5, seed=1)
    np.testing.assert_allclose(
        to_np(one(X, training=False)), to_np(two(X, training=False)), atol=1e-6
    )
    np.testing.assert_allclose(to_np(one(X)), to_np(two(X)), atol=1e-6)


def _record_masks(monkeypatch):
    """The dropout masks of each RNN call, recorded just before the layer clears them."""
    seen = []
    original = cells._Cell._clear_dropout_masks

    def record(self):
        seen.append((self._dropout_mask, self._recurrent_dropout_mask))
        original(self)

    monkeypatch.setattr(cells._Cell, "_clear_dropout_masks", record)
    return seen


def _keras_with_masks(name, kwargs, rates, weights, masks, implementation):
    """Keras's cell stepped over X with the given masks (what Keras caches for a sequence)."""
    kcell = getattr(keras().layers, f"{name}Cell")(
        U, implementation=implementation, **rates, **kwargs
    )
    kcell.build((B, F))
    kcell.set_weights(weights)
    kcell._dropout_mask, kcell._recurrent_dropout_mask = masks
    states = [np.zeros((B, U), "float32") for _ in range(2 if name == "LSTM" else 1)]
    outputs = []
    for t in range(T):
        out, states = kcell(X[:, t], states, training=True)
        outputs.append(np.asarray(out))
    return np.stack(outputs, axis=1)


RATES = [
    ({"dropout": 0.5}, 1),
    ({"recurrent_dropout": 0.4}, 2),  # recurrent_dropout implies implementation=1 (Keras)
    ({"dropout": 0.3, "recurrent_dropout": 0.6}, 1),
    ({"dropout": 0.5}, 2),  # one mask for all gates
]


@pytest.mark.parametrize("name,kwargs", LAYERS, ids=IDS)
@pytest.mark.parametrize("rates,implementation", RATES, ids=["d1", "rd2", "d-rd1", "d2"])
def test_training_masks_per_gate_shared_over_time_match_keras(
    name, kwargs, rates, implementation, monkeypatch
):
    layer = getattr(rnn, name)(
        U, implementation=implementation, return_sequences=True, seed=3, **rates, **kwargs
    )
    layer(X)
    seen = _record_masks(monkeypatch)
    got = to_np(layer(X, training=True))
    dropout_mask, recurrent_mask = seen[-1]
    per_gate = implementation == 1 or "recurrent_dropout" in rates
    assert layer.cell.implementation == (1 if per_gate else 2)
    masks = []
    for mask, rate, size in (
        (dropout_mask, rates.get("dropout", 0), F),
        (recurrent_mask, rates.get("recurrent_dropout", 0), U),
    ):
        if not rate:
            assert mask is None
            masks.append(None)
            continue
        if per_gate:
            assert isinstance(mask, tuple) and len(mask) == N_GATES[name]
        else:
            assert not isinstance(mask, tuple)
        mask = [to_np(m) for m in (mask if per_gate else [mask])]
        for m in mask:
            assert m.shape == (B, size)
            np.testing.assert_allclose(np.unique(m), [0.0, 1 / (1 - rate)], rtol=1e-6)
        # A different mask per gate (40 or 24 entries each: equal by chance ~never).
        assert all(not np.array_equal(a, b) for i, a in enumerate(mask) for b in mask[i + 1 :])
        masks.append(mask if per_gate else mask[0])
    # Keras's cell with the same masks at every step computes the same sequence.
    want = _keras_with_masks(name, kwargs, rates, layer.get_weights(), masks, 1 if per_gate else 2)
    np.testing.assert_allclose(got, want, atol=1e-5, rtol=1e-5)
    assert not np.allclose(got, to_np(layer(X, training=False)), atol=1e-3)


def test_dropout_close_to_one_drops_each_gate_separately():
    # All four LSTM gates see the same kernel slice: with one mask for all gates their
    # pre-activations are equal, with one mask per gate they differ.
    cell = rnn.LSTMCell(U, dropout=0.9, implementation=1, use_bias=False, seed=5)
    cell.build((B, F))
    k = RNG.normal(size=(F, U)).astype("float32")
    cell.set_weights([np.tile(k, (1, 4)), np.zeros((U, 4 * U), "float32")])
    x = np.abs(X[:, 0]) + 1
    zeros = np.zeros((B, U), "float32")
    inputs, _ = cell._dropped(x, zeros, training=True)
    assert isinstance(inputs, list) and len(inputs) == 4
    gates = [to_np(lamina.ops.matmul(v, k)) for v in inputs]
    assert any(not np.allclose(gates[0], g) for g in gates[1:])
    single = rnn.LSTMCell(U, dropout=0.9, use_bias=False, seed=5)
    single.build((B, F))
    inputs, _ = single._dropped(x, zeros, training=True)
    assert not isinstance(inputs, list)
    # Standalone calls draw fresh masks and clear them afterwards.
    out, _ = cell(x, [zeros, zeros], training=True)
    assert cell._dropout_mask is None and np.all(np.isfinite(to_np(out)))


@requires_training
@pytest.mark.parametrize("name,kwargs", LAYERS, ids=IDS)
def test_per_gate_gradients(name, kwargs):
    cell = getattr(rnn, f"{name}Cell")(
        U, dropout=0.5, recurrent_dropout=0.5, dtype="float64", **kwargs
    )
    cell.build((2, F))
    n = N_GATES[name]
    masks = RNG.integers(0, 2, size=(2, n, 2, F + U)) * 2.0
    dropout_masks = tuple(masks[0, g, :, :F] for g in range(n))
    recurrent_masks = tuple(masks[1, g, :, :U] for g in range(n))
    x, h = RNG.normal(size=(2, F)), RNG.normal(size=(2, U))
    c = RNG.normal(size=(2, U))

    def step(x, h):
        cell._dropout_mask, cell._recurrent_dropout_mask = dropout_masks, recurrent_masks
        states = [h, lamina.ops.convert_to_tensor(c)] if name == "LSTM" else [h]
        return cell.call(x, states, training=True)[0]

    check_gradients(step, x, h)
    cell._clear_dropout_masks()


@requires_training
def test_fit_with_per_gate_dropout():
    lamina.utils.set_random_seed(2)
    model = lamina.Sequential(
        [
            lamina.Input((T, F)),
            rnn.LSTM(U, implementation=1, dropout=0.3, return_sequences=True, seed=1),
            rnn.GRU(U, implementation=1, dropout=0.2, recurrent_dropout=0.3, seed=2),
            lamina.layers.Dense(1),
        ]
    )
    model.compile("adam", "mse")
    y = RNG.normal(size=(B, 1)).astype("float32")
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(X, y, epochs=2, batch_size=3, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert all(not np.allclose(a, b) for a, b in zip(before, model.get_weights()))
    # Inference is deterministic: no dropout outside training.
    first = model.predict(X, verbose=0)
    np.testing.assert_allclose(first, model.predict(X, verbose=0), atol=1e-6)
    np.testing.assert_allclose(first, to_np(model(X, training=False)), atol=1e-5)


def test_stacked_cells_with_per_gate_masks(monkeypatch):
    seen = _record_masks(monkeypatch)
    stack = [
        rnn.LSTMCell(U, dropout=0.5, implementation=1, seed=1),
        rnn.GRUCell(2, recurrent_dropout=0.5, seed=2),
    ]
    out = to_np(rnn.RNN(stack)(X, training=True))
    assert out.shape == (B, 2) and np.all(np.isfinite(out))
    (lstm_masks, none), (no_masks, gru_masks) = seen[-2:]
    assert len(lstm_masks) == 4 and none is None
    assert no_masks is None and len(gru_masks) == 3 and gru_masks[0].shape == (B, 2)


@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_argument_and_config_as_keras(name):
    layer = getattr(rnn, name)(U, implementation=1)
    cell = getattr(rnn, f"{name}Cell")(U, implementation=1)
    assert layer.cell.implementation == 1 and cell.implementation == 1
    assert getattr(rnn, name)(U).cell.implementation == 2
    assert getattr(rnn, name)(U, recurrent_dropout=0.1).cell.implementation == 1
    assert "implementation" not in getattr(keras().layers, name)(U, implementation=1).get_config()
    assert "implementation" not in layer.get_config()
    assert "implementation" not in cell.get_config()
    assert sorted(cell.get_config()) == sorted(
        getattr(keras().layers, f"{name}Cell")(U, implementation=1).get_config()
    )
    # Not in the config, so a clone has the default (as in Keras).
    assert type(layer).from_config(layer.get_config()).cell.implementation == 2


@pytest.mark.parametrize("value", [0, 3, "1", True, 1.5, None])
@pytest.mark.parametrize("name", ["LSTM", "GRU", "LSTMCell", "GRUCell"])
def test_bad_implementation(name, value):
    with pytest.raises(ValueError, match=rf"^{name}: `implementation` must be 1 .* or 2 "):
        getattr(rnn, name)(U, implementation=value)


@pytest.mark.parametrize("make", [lambda: rnn.SimpleRNN(U, implementation=1)])
def test_layers_without_the_argument_reject_it(make):
    with pytest.raises(TypeError, match="implementation"):
        make()


@pytest.mark.skipif(FUSED is None, reason=f"no fused kernels on {BACKEND}")
@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_fused_kernel_switch(name, monkeypatch):
    kind = name.lower()
    calls = []
    original = getattr(FUSED, kind)
    monkeypatch.setattr(FUSED, kind, lambda *a: calls.append(kind) or original(*a))
    layer = getattr(rnn, name)(U, implementation=1, dropout=0.5)
    layer(X)  # no dropout outside training: fused
    assert calls == [kind]
    layer(X, training=True)  # per-gate masks: the generic loop
    assert calls == [kind]
    strict = getattr(rnn, name)(U, implementation=1, dropout=0.5, use_cudnn=True)
    with pytest.raises(ValueError, match="dropout"):
        strict(X, training=True)
