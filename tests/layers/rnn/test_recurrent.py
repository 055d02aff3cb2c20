"""Recurrent layers against Keras 3 (same weights), masks, states, dropout, config, save/load,
gradients through time."""

import json

import numpy as np
import pytest

import lamina
from lamina.layers import rnn
from tests.conftest import requires_training
from tests.helpers import check_gradients
from tests.layers.harness import to_np

B, T, F, U = 2, 5, 3, 4
RNG = np.random.default_rng(0)
X = RNG.normal(size=(B, T, F)).astype("float32")
TOKENS = np.array([[3, 1, 4, 0, 0], [2, 7, 5, 6, 0]], dtype="int32")


def keras():
    import keras as k

    return k


def _flat(y):
    return list(y) if isinstance(y, (list, tuple)) else [y]


def _assert_same(got, want, atol=1e-5):
    got, want = _flat(got), _flat(want)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(to_np(g), np.asarray(w), atol=atol, rtol=1e-5)


def _against_keras(layer, klayer, x=X, **call_kwargs):
    """Build both, copy Lamina's weights into Keras, compare outputs."""
    y = layer(x, **call_kwargs)
    kwargs = {
        k: [np.asarray(to_np(v)) for v in v] if isinstance(v, list) else v
        for k, v in call_kwargs.items()
    }
    klayer(x, **kwargs)
    assert [tuple(w.shape) for w in layer.get_weights()] == [
        tuple(w.shape) for w in klayer.get_weights()
    ]
    klayer.set_weights(layer.get_weights())
    _assert_same(y, klayer(x, **kwargs))
    return y


CASES = [
    ("SimpleRNN", {}),
    ("SimpleRNN", {"return_sequences": True, "return_state": True, "activation": "relu"}),
    ("LSTM", {}),
    ("LSTM", {"return_sequences": True, "return_state": True}),
    ("LSTM", {"go_backwards": True, "return_sequences": True}),
    ("LSTM", {"unroll": True, "return_state": True, "use_bias": False}),
    ("GRU", {}),
    ("GRU", {"reset_after": False, "return_sequences": True}),
    ("GRU", {"go_backwards": True, "return_state": True, "unroll": True}),
]


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{sorted(k)}" for n, k in CASES])
def test_layers_match_keras(name, kwargs):
    layer = getattr(rnn, name)(U, **kwargs)
    y = _against_keras(layer, getattr(keras().layers, name)(U, **kwargs))
    outs = _flat(y)
    steps = (B, T, U) if kwargs.get("return_sequences") else (B, U)
    assert tuple(outs[0].shape) == steps
    n_states = {"SimpleRNN": 1, "LSTM": 2, "GRU": 1}[name] if kwargs.get("return_state") else 0
    assert len(outs) == 1 + n_states
    # The symbolic shapes agree with the eager ones (batch None).
    sym = getattr(rnn, name)(U, **kwargs)(lamina.layers.Input((T, F)))
    for s, o in zip(_flat(sym), outs):
        assert tuple(s.shape) == (None, *tuple(o.shape)[1:])


def test_weights_names_shapes_and_initializers():
    lstm = rnn.LSTM(U)
    lstm(X)
    assert [tuple(w.shape) for w in lstm.weights] == [(F, 4 * U), (U, 4 * U), (4 * U,)]
    assert [w.path.split("/")[-1] for w in lstm.weights] == ["kernel", "recurrent_kernel", "bias"]
    bias = to_np(lstm.weights[2])
    np.testing.assert_array_equal(bias, np.r_[np.zeros(U), np.ones(U), np.zeros(2 * U)])
    rec = to_np(lstm.weights[1])  # orthogonal: rows of the (U, 4U) matrix are orthonormal
    np.testing.assert_allclose(rec @ rec.T, np.eye(U), atol=1e-5)
    gru = rnn.GRU(U)
    gru(X)
    assert tuple(gru.weights[2].shape) == (2, 3 * U)
    assert lstm.units == U and gru.reset_after is True


def test_initial_state_matches_keras():
    h0 = RNG.normal(size=(B, U)).astype("float32")
    c0 = RNG.normal(size=(B, U)).astype("float32")
    _against_keras(rnn.LSTM(U), keras().layers.LSTM(U), initial_state=[h0, c0])
    _against_keras(
        rnn.GRU(U, return_state=True), keras().layers.GRU(U, return_state=True), initial_state=[h0]
    )


def _masked_models(make_rnn, embed=True):
    """The same model in Lamina and Keras: (Embedding(mask_zero) | Masking) -> recurrent."""
    models = []
    for lib, layers in ((lamina, rnn), (keras(), keras().layers)):
        if embed:
            inp = lib.layers.Input((T,), dtype="int32")
            x = lib.layers.Embedding(10, F, mask_zero=True)(inp)
        else:
            inp = lib.layers.Input((T, F))
            x = lib.layers.Masking(0.0)(inp)
        models.append(lib.Model(inp, make_rnn(layers)(x)))
    return models


MASK_CASES = [
    ("LSTM", lambda L: L.LSTM(U)),
    ("LSTM-seq", lambda L: L.LSTM(U, return_sequences=True)),
    ("GRU-back-state", lambda L: L.GRU(U, go_backwards=True, return_state=True)),
    (
        "SimpleRNN-seq-zero",
        lambda L: L.SimpleRNN(U, return_sequences=True, zero_output_for_mask=True),
    ),
    ("Bidi-seq", lambda L: L.Bidirectional(L.LSTM(U, return_sequences=True))),
    ("Bidi-sum", lambda L: L.Bidirectional(L.GRU(U), merge_mode="sum")),
]


@pytest.mark.parametrize("make", [m for _, m in MASK_CASES], ids=[n for n, _ in MASK_CASES])
def test_embedding_mask_matches_keras(make):
    model, kmodel = _masked_models(make)
    kmodel.set_weights(model.get_weights())
    _assert_same(model(TOKENS), kmodel(TOKENS))


def test_masking_layer_matches_keras_and_mask_propagates():
    x = X.copy()
    x[0, 3:] = 0.0
    x[1, 1] = 0.0
    model, kmodel = _masked_models(lambda L: L.GRU(U, return_sequences=True), embed=False)
    kmodel.set_weights(model.get_weights())
    _assert_same(model(x), kmodel(x))
    # Masked steps repeat the previous output.
    y = to_np(model(x))
    np.testing.assert_allclose(y[0, 3], y[0, 2])
    np.testing.assert_allclose(y[1, 1], y[1, 0])
    layer = rnn.GRU(U, return_sequences=True)
    mask = np.array(x.any(-1))
    assert layer.compute_mask(x, mask) is mask
    assert rnn.GRU(U).compute_mask(x, mask) is None


@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
def test_bidirectional_merge_modes_match_keras(merge_mode):
    layer = rnn.Bidirectional(rnn.LSTM(U, return_sequences=True), merge_mode=merge_mode)
    klayer = keras().layers.Bidirectional(
        keras().layers.LSTM(U, return_sequences=True), merge_mode=merge_mode
    )
    y = _against_keras(layer, klayer)
    assert len(layer.weights) == 6
    width = 2 * U if merge_mode == "concat" else U
    assert tuple(_flat(y)[0].shape) == (B, T, width)
    sym = rnn.Bidirectional(rnn.LSTM(U, return_sequences=True), merge_mode=merge_mode)(
        lamina.layers.Input((T, F))
    )
    assert [tuple(s.shape) for s in _flat(sym)] == [(None, T, width)] * len(_flat(y))


def test_bidirectional_states_and_backward_layer():
    layer = rnn.Bidirectional(
        rnn.GRU(U, return_state=True),
        backward_layer=rnn.SimpleRNN(3, go_backwards=True, return_state=True),
    )
    klayer = keras().layers.Bidirectional(
        keras().layers.GRU(U, return_state=True),
        backward_layer=keras().layers.SimpleRNN(3, go_backwards=True, return_state=True),
    )
    y = _against_keras(layer, klayer)
    assert [tuple(t.shape) for t in y] == [(B, U + 3), (B, U), (B, 3)]
    h0 = [RNG.normal(size=(B, n)).astype("float32") for n in (U, 3)]
    layer2 = rnn.Bidirectional(rnn.GRU(U), backward_layer=rnn.SimpleRNN(3, go_backwards=True))
    klayer2 = keras().layers.Bidirectional(
        keras().layers.GRU(U), backward_layer=keras().layers.SimpleRNN(3, go_backwards=True)
    )
    _against_keras(layer2, klayer2, initial_state=h0)
    with pytest.raises(ValueError, match="merge_mode"):
        rnn.Bidirectional(rnn.LSTM(U), merge_mode="max")


def test_stacked_cells_match_keras():
    def make(L):
        return L.RNN(
            [L.LSTMCell(U), L.GRUCell(3), L.SimpleRNNCell(2)],
            return_sequences=True,
            return_state=True,
        )

    layer = make(rnn)
    y = _against_keras(layer, make(keras().layers))
    assert tuple(y[0].shape) == (B, T, 2)
    sym = make(rnn)(lamina.layers.Input((T, F)))
    assert tuple(sym[0].shape) == (None, T, 2)
    assert tuple(_flat(sym[1])[0].shape) == (None, U)


class MinimalCell(lamina.layers.Layer):
    """A user cell: h = tanh(x @ w + h_prev)."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="ones")

    def call(self, inputs, states):
        h = lamina.ops.tanh(lamina.ops.matmul(inputs, self.w) + states[0])
        return h, [h]


def test_user_cell_against_numpy():
    layer = rnn.RNN(MinimalCell(U), return_sequences=True, go_backwards=True)
    y = to_np(layer(X))
    h, want = np.zeros((B, U), "float32"), []
    for t in reversed(range(T)):
        h = np.tanh(X[:, t] @ np.ones((F, U), "float32") + h)
        want.append(h)
    np.testing.assert_allclose(y, np.stack(want, 1), atol=1e-5)
    assert tuple(layer.compute_output_shape((None, T, F))) == (None, T, U)


def test_time_distributed_matches_keras():
    layer = rnn.TimeDistributed(lamina.layers.Dense(U, activation="relu"))
    y = _against_keras(layer, keras().layers.TimeDistributed(keras().layers.Dense(U, "relu")))
    assert tuple(y.shape) == (B, T, U)
    sym = rnn.TimeDistributed(lamina.layers.Dense(U))(lamina.layers.Input((T, F)))
    assert tuple(sym.shape) == (None, T, U)


def test_stateful_carries_state_and_resets():
    layer = rnn.LSTM(U, stateful=True)
    full = rnn.LSTM(U)
    first = to_np(layer(X[:, :2]))
    full(X)
    full.set_weights(layer.get_weights())
    assert len(layer.weights) == 3  # states are variables, not weights (as in Keras)
    assert len(layer.non_trainable_variables) == 2
    second = to_np(layer(X[:, 2:]))
    np.testing.assert_allclose(second, to_np(full(X)), atol=1e-5)
    layer.reset_states()
    np.testing.assert_allclose(to_np(layer(X[:, :2])), first, atol=1e-6)
    with pytest.raises(ValueError, match="batch"):
        layer(X[:1, :2])
    with pytest.raises(ValueError, match="fixed batch"):
        rnn.GRU(U, stateful=True)(lamina.layers.Input((T, F)))


def test_dropout_masks_are_shared_over_time():
    x = np.repeat(X[:, :1], T, axis=1)  # the same input at every step
    layer = rnn.SimpleRNN(U, dropout=0.5, return_sequences=True, seed=3)
    layer(x)
    w = layer.get_weights()
    w[1] = np.zeros_like(w[1])  # no recurrence: each step sees only its (dropped) input
    layer.set_weights(w)
    inference = to_np(layer(x, training=False))
    train = to_np(layer(x, training=True))
    for t in range(1, T):
        np.testing.assert_allclose(train[:, t], train[:, 0], atol=1e-6)
    assert not np.allclose(train, inference)
    np.testing.assert_allclose(inference[:, 1], inference[:, 0], atol=1e-6)
    for cls in (rnn.LSTM, rnn.GRU):
        out = to_np(cls(U, dropout=0.3, recurrent_dropout=0.3, seed=1)(X, training=True))
        assert out.shape == (B, U) and np.all(np.isfinite(out))


CONFIG_CASES = [
    lambda: rnn.SimpleRNN(U, return_sequences=True, kernel_regularizer="l2"),
    lambda: rnn.LSTM(U, go_backwards=True, unit_forget_bias=False, dropout=0.1),
    lambda: rnn.GRU(U, reset_after=False, return_state=True),
    lambda: rnn.RNN([rnn.LSTMCell(U), rnn.GRUCell(3)], return_sequences=True),
    lambda: rnn.Bidirectional(rnn.GRU(U, return_sequences=True), merge_mode="ave"),
    lambda: rnn.TimeDistributed(lamina.layers.Dense(U)),
]


@pytest.mark.parametrize("make", CONFIG_CASES, ids=range(len(CONFIG_CASES)))
def test_config_round_trip(make):
    from lamina.saving import serialization

    layer = make()
    y = layer(X)
    config = json.loads(json.dumps(layer.get_config()))
    clone = type(layer).from_config(config)
    clone(X)
    clone.set_weights(layer.get_weights())
    _assert_same(clone(X), [to_np(t) for t in _flat(y)])
    assert json.loads(json.dumps(clone.get_config())) == config
    revived = serialization.deserialize_object(
        json.loads(json.dumps(serialization.serialize_object(layer)))
    )
    assert type(revived) is type(layer)


def test_regularizers_and_constraints():
    layer = rnn.LSTM(U, kernel_regularizer="l2", recurrent_constraint="non_neg")
    layer(X)
    assert len(layer.losses) == 1
    assert layer.cell.recurrent_kernel.constraint is not None


def test_save_and_load_model(tmp_path):
    inp = lamina.layers.Input((T,), dtype="int32")
    x = lamina.layers.Embedding(10, F, mask_zero=True)(inp)
    x = rnn.Bidirectional(rnn.LSTM(U, return_sequences=True))(x)
    x = rnn.TimeDistributed(lamina.layers.Dense(3))(x)
    x = rnn.RNN([rnn.SimpleRNNCell(3), rnn.GRUCell(U)], return_sequences=True)(x)
    x = rnn.GRU(U, reset_after=False)(x)
    out = rnn.SimpleRNN(2)(lamina.layers.Reshape((U, 1))(x))
    model = lamina.Model(inp, out)
    want = to_np(model(TOKENS))
    path = str(tmp_path / "rnn.lamina")
    model.save(path)
    loaded = lamina.models.load_model(path)
    np.testing.assert_allclose(to_np(loaded(TOKENS)), want, atol=1e-6)


@requires_training
def test_fit_reduces_loss():
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential(
        [
            lamina.layers.Input((T, F)),
            lamina.layers.Masking(),
            rnn.LSTM(U, dropout=0.1),
            lamina.layers.Dense(1),
        ]
    )
    model.compile(optimizer=lamina.optimizers.Adam(0.05), loss="mse")
    x = RNG.normal(size=(16, T, F)).astype("float32")
    x[::3, -2:] = 0.0  # padded (masked) steps, so the compiled loop runs with a mask
    y = x.sum(axis=(1, 2))[:, None].astype("float32") / 4
    history = model.fit(x, y, epochs=6, batch_size=8, verbose=0)
    losses = history.history["loss"]
    assert losses[-1] < 0.7 * losses[0]


@requires_training
@pytest.mark.parametrize("cls", ["LSTM", "GRU"])
def test_gradients_through_time(cls):
    layer = getattr(rnn, cls)(2, return_sequences=True, dtype="float64")
    x = RNG.normal(size=(1, 3, 2))
    layer(x)
    check_gradients(lambda a: layer(a), x)


@pytest.mark.parametrize(
    "name,kwargs,shape",
    [
        ("ConvLSTM1D", {"kernel_size": 3, "return_sequences": True}, (B, 3, 6, 2)),
        (
            "ConvLSTM2D",
            {"kernel_size": 2, "padding": "same", "return_state": True},
            (B, 3, 4, 4, 2),
        ),
    ],
)
def test_conv_lstm_matches_keras(name, kwargs, shape):
    x = RNG.normal(size=shape).astype("float32")
    layer = getattr(rnn, name)(3, **kwargs)
    y = _against_keras(layer, getattr(keras().layers, name)(3, **kwargs), x=x)
    sym = getattr(rnn, name)(3, **kwargs)(lamina.layers.Input(shape[1:]))
    for s, o in zip(_flat(sym), _flat(y)):
        assert tuple(s.shape) == (None, *tuple(o.shape)[1:])
    clone = type(layer).from_config(json.loads(json.dumps(layer.get_config())))
    clone(x)
    clone.set_weights(layer.get_weights())
    _assert_same(clone(x), [to_np(t) for t in _flat(y)])
