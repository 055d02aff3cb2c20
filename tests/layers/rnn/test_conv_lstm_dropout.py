"""Dropout of ConvLSTM1D/2D/3D as Keras 3: one mask per gate for `dropout` and one per gate for
`recurrent_dropout`, drawn once per sequence and applied before each gate's own convolution;
without masks one convolution computes all gates. Keras 3's ConvLSTM cell is the oracle (same
weights, same masks)."""

import numpy as np
import pytest

import lamina
from lamina.layers import rnn
from lamina.layers.rnn import cells
from tests.conftest import requires_training
from tests.helpers import check_gradients
from tests.layers.harness import to_np

B, T, FILTERS = 4, 3, 3
RNG = np.random.default_rng(11)

# (layer, arguments, input shape): channels_last, 2D with "same" padding and no bias,
# channels_first with strides.
CASES = [
    ("ConvLSTM1D", {"kernel_size": 3}, (B, T, 6, 2)),
    ("ConvLSTM2D", {"kernel_size": 2, "padding": "same", "use_bias": False}, (B, T, 4, 4, 2)),
    (
        "ConvLSTM1D",
        {"kernel_size": 2, "strides": 2, "data_format": "channels_first"},
        (B, T, 2, 7),
    ),
]
CASE_IDS = ["1d", "2d-same-nobias", "1d-channels_first"]
RATES = [
    {"dropout": 0.5},
    {"recurrent_dropout": 0.4},
    {"dropout": 0.3, "recurrent_dropout": 0.6},
]
RATE_IDS = ["d", "rd", "d-rd"]


def keras():
    import keras as k

    return k


def _inputs(shape):
    return RNG.normal(size=shape).astype("float32")


def _record_masks(monkeypatch):
    """The dropout masks of each RNN call, recorded just before the layer clears them."""
    seen = []
    original = cells._Cell._clear_dropout_masks

    def record(self):
        seen.append((self._dropout_mask, self._recurrent_dropout_mask))
        original(self)

    monkeypatch.setattr(cells._Cell, "_clear_dropout_masks", record)
    return seen


def _count(monkeypatch, module, name):
    """Counts the calls of ``module.name`` (a list that grows by one per call)."""
    calls = []
    original = getattr(module, name)

    def counted(*args, **kwargs):
        calls.append(name)
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, counted)
    return calls


def _keras_cell_outputs(layer, x, rates, masks):
    """Keras's ConvLSTM cell, with Lamina's weights and the given masks, stepped over ``x``."""
    from keras.src.layers.rnn.conv_lstm import ConvLSTMCell

    cell = layer.cell
    kcell = ConvLSTMCell(
        cell.rank,
        cell.filters,
        cell.kernel_size,
        strides=cell.strides,
        padding=cell.padding,
        data_format=cell.data_format,
        dilation_rate=cell.dilation_rate,
        use_bias=cell.use_bias,
        seed=0,
        **rates,
    )
    kcell.build(x[:, 0].shape)
    kcell.set_weights(layer.get_weights())
    kcell._dropout_mask, kcell._recurrent_dropout_mask = masks
    states = [np.zeros((B, *cell._state_shape), "float32") for _ in range(2)]
    outputs = []
    for t in range(x.shape[1]):
        out, states = kcell(x[:, t], states, training=True)
        outputs.append(np.asarray(out))
    return np.stack(outputs, axis=1)


@pytest.mark.parametrize("name,kwargs,shape", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("rates", RATES, ids=RATE_IDS)
def test_training_masks_per_gate_shared_over_time_match_keras(
    name, kwargs, shape, rates, monkeypatch
):
    x = _inputs(shape)
    layer = getattr(rnn, name)(FILTERS, return_sequences=True, seed=3, **rates, **kwargs)
    layer(x)
    seen = _record_masks(monkeypatch)
    draws = _count(monkeypatch, cells.random, "dropout")
    got = to_np(layer(x, training=True))
    # Drawn once per sequence (not per step): 4 per active kind, input masks first.
    kinds = [k for k in ("dropout", "recurrent_dropout") if k in rates]
    assert len(draws) == 4 * len(kinds)
    dropout_mask, recurrent_mask = seen[-1]
    state_shape = (B, *layer.cell._state_shape)
    masks = []
    for mask, kind, mask_shape in (
        (dropout_mask, "dropout", shape[:1] + shape[2:]),
        (recurrent_mask, "recurrent_dropout", state_shape),
    ):
        if kind not in rates:
            assert mask is None
            masks.append(None)
            continue
        assert isinstance(mask, tuple) and len(mask) == 4
        mask = [to_np(m) for m in mask]
        for m in mask:
            assert m.shape == mask_shape
            np.testing.assert_allclose(np.unique(m), [0.0, 1 / (1 - rates[kind])], rtol=1e-6)
        # A different mask per gate (>= 48 entries each: equal by chance ~never).
        assert all(not np.array_equal(a, b) for i, a in enumerate(mask) for b in mask[i + 1 :])
        masks.append(mask)
    # Keras's cell with the same masks at every step computes the same sequence.
    want = _keras_cell_outputs(layer, x, rates, masks)
    np.testing.assert_allclose(got, want, atol=1e-5, rtol=1e-5)
    assert not np.allclose(got, to_np(layer(x, training=False)), atol=1e-3)


@pytest.mark.parametrize("name,kwargs,shape", CASES, ids=CASE_IDS)
def test_inference_unaffected_by_dropout(name, kwargs, shape, monkeypatch):
    x = _inputs(shape)
    dropped = getattr(rnn, name)(
        FILTERS, dropout=0.5, recurrent_dropout=0.5, seed=1, return_sequences=True, **kwargs
    )
    plain = getattr(rnn, name)(FILTERS, return_sequences=True, **kwargs)
    dropped(x), plain(x)
    plain.set_weights(dropped.get_weights())
    want = to_np(plain(x))
    np.testing.assert_array_equal(to_np(dropped(x)), want)
    np.testing.assert_array_equal(to_np(dropped(x, training=False)), want)
    np.testing.assert_allclose(to_np(plain(x, training=True)), want, atol=1e-6)
    k = getattr(keras().layers, name)(FILTERS, return_sequences=True, **kwargs)
    k(x)
    k.set_weights(plain.get_weights())
    np.testing.assert_allclose(want, np.asarray(k(x)), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize(
    "rates,training,convs,draws",
    [
        ({}, True, 2, 0),  # no dropout: one convolution for all gates, per kind
        ({"dropout": 0.5, "recurrent_dropout": 0.5}, False, 2, 0),  # inference
        ({"dropout": 0.5}, True, 4 + 1, 4),
        ({"recurrent_dropout": 0.5}, True, 1 + 4, 4),
        ({"dropout": 0.5, "recurrent_dropout": 0.5}, True, 8, 8),
    ],
    ids=["none", "inference", "d", "rd", "d-rd"],
)
def test_one_convolution_for_all_gates_without_masks(rates, training, convs, draws, monkeypatch):
    layer = rnn.ConvLSTM2D(FILTERS, 2, padding="same", seed=2, **rates)
    x = _inputs((B, T, 4, 4, 2))
    layer(x)
    cell = layer.cell
    zeros = np.zeros((B, *cell._state_shape), "float32")
    conv_calls = _count(monkeypatch, lamina.ops, "conv")
    draw_calls = _count(monkeypatch, cells.random, "dropout")
    # A cell called on its own draws masks for that call only, then clears them.
    out, (h, c) = cell.call(x[:, 0], [zeros, zeros], training=training)
    assert len(conv_calls) == convs and len(draw_calls) == draws
    assert cell._dropout_mask is None and cell._recurrent_dropout_mask is None
    assert tuple(out.shape) == (B, *cell._state_shape) and np.all(np.isfinite(to_np(c)))


@requires_training
def test_per_gate_gradients():
    layer = rnn.ConvLSTM1D(
        2, 2, padding="same", dropout=0.5, recurrent_dropout=0.5, dtype="float64"
    )
    x = RNG.normal(size=(2, 5, 2))
    layer(x[:, None])
    cell = layer.cell
    dropout_masks = tuple(RNG.integers(0, 2, size=x.shape) * 2.0 for _ in range(4))
    h = RNG.normal(size=(2, 5, 2))
    recurrent_masks = tuple(RNG.integers(0, 2, size=h.shape) * 2.0 for _ in range(4))
    c = lamina.ops.convert_to_tensor(RNG.normal(size=(2, 5, 2)))

    def step(x, h):
        cell._dropout_mask, cell._recurrent_dropout_mask = dropout_masks, recurrent_masks
        return cell.call(x, [h, c], training=True)[0]

    check_gradients(step, x, h)
    cell._clear_dropout_masks()


@requires_training
def test_fit_with_dropout():
    lamina.utils.set_random_seed(4)
    x = _inputs((6, T, 5, 2))
    y = RNG.normal(size=(6, 1)).astype("float32")
    model = lamina.Sequential(
        [
            lamina.Input(x.shape[1:]),
            rnn.ConvLSTM1D(FILTERS, 2, dropout=0.3, recurrent_dropout=0.3, seed=1),
            lamina.layers.Flatten(),
            lamina.layers.Dense(1),
        ]
    )
    model.compile("adam", "mse")
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, y, epochs=2, batch_size=3, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    assert all(not np.allclose(a, b) for a, b in zip(before, model.get_weights()))
    # Inference is deterministic: no dropout outside training.
    first = model.predict(x, verbose=0)
    np.testing.assert_allclose(first, model.predict(x, verbose=0), atol=1e-6)
    np.testing.assert_allclose(first, to_np(model(x, training=False)), atol=1e-5)


@pytest.mark.parametrize("name", ["ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"])
def test_config_and_weights_as_keras(name):
    layer = getattr(rnn, name)(FILTERS, 2, dropout=0.2, recurrent_dropout=0.3)
    k = getattr(keras().layers, name)(FILTERS, 2, dropout=0.2, recurrent_dropout=0.3)
    # Keras's keys (Keras also writes `activity_regularizer: None`; Lamina only when set).
    assert set(k.get_config()) - set(layer.get_config()) == {"activity_regularizer"}
    assert set(layer.get_config()) <= set(k.get_config())
    assert "implementation" not in layer.get_config()
    shape = (2, T) + (5,) * int(name[-2]) + (2,)
    layer(np.zeros(shape, "float32")), k(np.zeros(shape, "float32"))
    assert [w.shape for w in layer.get_weights()] == [tuple(w.shape) for w in k.weights]
