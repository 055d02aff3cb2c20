"""The fused recurrent kernels (`use_cudnn`): when they run, that they compute what the generic
loop computes (outputs, states, gradients, training), and the errors of `use_cudnn=True`."""

import numpy as np
import pytest

import lamina
from lamina.backend import active
from lamina.layers import rnn
from tests.conftest import BACKEND
from tests.layers.harness import to_np

RNG = np.random.default_rng(1)
X = RNG.normal(size=(3, 6, 4)).astype("float32")
FUSED = active.optional("rnn")
needs_fused = pytest.mark.skipif(FUSED is None, reason=f"no fused kernels on {BACKEND}")

CASES = [
    ("LSTM", {"return_sequences": True, "return_state": True}),
    ("LSTM", {"go_backwards": True, "use_bias": False}),
    ("GRU", {"return_sequences": True, "return_state": True}),
    ("GRU", {"go_backwards": True, "return_sequences": True, "use_bias": False}),
    ("SimpleRNN", {"return_state": True}),
    ("SimpleRNN", {"activation": "relu", "return_sequences": True, "go_backwards": True}),
]
IDS = [f"{n}-{sorted(k)}" for n, k in CASES]


def _pair(name, kwargs):
    """The same layer twice, same weights: fused ("auto") and generic (the loop)."""
    fused = getattr(rnn, name)(3, **kwargs)
    generic = getattr(rnn, name)(3, unroll=True, **kwargs)
    fused(X), generic(X)
    generic.set_weights(fused.get_weights())
    return fused, generic


def _flat(y):
    return list(y) if isinstance(y, (list, tuple)) else [y]


def _calls(monkeypatch):
    """Count the calls of the fused kernels."""
    calls = []
    for kind in ("lstm", "gru", "simple_rnn"):
        original = getattr(FUSED, kind)

        def spy(*args, _original=original, _kind=kind):
            calls.append(_kind)
            return _original(*args)

        monkeypatch.setattr(FUSED, kind, spy)
    return calls


@needs_fused
@pytest.mark.parametrize("name,kwargs", CASES, ids=IDS)
def test_fused_matches_the_generic_loop(name, kwargs, monkeypatch):
    fused, generic = _pair(name, kwargs)
    calls = _calls(monkeypatch)
    state = [RNG.normal(size=(3, 3)).astype("float32") for _ in range(2 if name == "LSTM" else 1)]
    for call_kwargs in ({}, {"initial_state": state}):
        got, want = _flat(fused(X, **call_kwargs)), _flat(generic(X, **call_kwargs))
        assert len(got) == len(want)
        for g, w in zip(got, want):
            np.testing.assert_allclose(to_np(g), to_np(w), atol=2e-6, rtol=1e-5)
    assert len(calls) == 2


@needs_fused
@pytest.mark.parametrize("name", ["LSTM", "GRU", "SimpleRNN"])
def test_fused_gradients_match(name):
    import torch

    grads = []
    for layer in _pair(name, {"return_sequences": True}):
        x = torch.tensor(X, requires_grad=True)
        loss = (layer(x) ** 2).sum()
        weights = [w.value for w in layer.trainable_weights]
        grads.append([to_np(g) for g in torch.autograd.grad(loss, [x, *weights])])
    for g, w in zip(*grads):
        np.testing.assert_allclose(g, w, atol=1e-5, rtol=1e-4)


@needs_fused
def test_training_through_the_fused_kernel_matches(monkeypatch):
    y = RNG.normal(size=(3, 1)).astype("float32")
    weights = []
    for unroll in (False, True):
        lamina.utils.set_random_seed(3)
        model = lamina.Sequential(
            [lamina.Input((6, 4)), rnn.LSTM(5, unroll=unroll), lamina.layers.Dense(1)]
        )
        model.compile("adam", "mse")
        model.fit(X, y, epochs=3, batch_size=2, shuffle=False, verbose=0)
        weights.append(model.get_weights())
    for a, b in zip(*weights):
        np.testing.assert_allclose(a, b, atol=1e-5)


@needs_fused
@pytest.mark.parametrize(
    "layer_kwargs,call_kwargs,reason",
    [
        ({}, {"mask": np.array([[1, 1, 1, 0, 0, 0]] * 3, bool)}, "the input has a mask"),
        ({"dropout": 0.5}, {"training": True}, "dropout"),
        ({"recurrent_dropout": 0.5}, {"training": True}, "dropout"),
        ({"activation": "relu"}, {}, "activation 'relu'"),
        ({"recurrent_activation": "hard_sigmoid"}, {}, "recurrent_activation"),
        ({"unroll": True}, {}, "unroll=True"),
    ],
)
def test_generic_loop_when_the_options_do_not_fit(layer_kwargs, call_kwargs, reason, monkeypatch):
    calls = _calls(monkeypatch)
    rnn.LSTM(3, **layer_kwargs)(X, **call_kwargs)
    assert calls == []
    strict = rnn.LSTM(3, use_cudnn=True, **layer_kwargs)
    with pytest.raises(ValueError, match=reason):
        strict(X, **call_kwargs)


@needs_fused
def test_dropout_outside_training_and_gru_reset_before(monkeypatch):
    calls = _calls(monkeypatch)
    rnn.LSTM(3, dropout=0.5, recurrent_dropout=0.5)(X, training=False)
    assert calls == ["lstm"]
    with pytest.raises(ValueError, match="reset_after=False"):
        rnn.GRU(3, reset_after=False, use_cudnn=True)(X)


def test_use_cudnn_argument():
    with pytest.raises(ValueError, match="`use_cudnn` must be True, False or 'auto'"):
        rnn.LSTM(3, use_cudnn="yes")
    layer = rnn.GRU(3, use_cudnn=False)
    assert layer.get_config()["use_cudnn"] is False
    assert rnn.GRU.from_config(layer.get_config()).use_cudnn is False
    if FUSED is None:
        with pytest.raises(ValueError, match=f"the {BACKEND} backend has no fused"):
            rnn.LSTM(3, use_cudnn=True)(X)
