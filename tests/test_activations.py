"""lamina.activations against keras.activations (on TensorFlow): every function's values, the
relu options, get / serialize / deserialize, and symbolic inputs."""

from __future__ import annotations

import os

import numpy as np
import pytest

from lamina import activations
from lamina.backend import KerasTensor
from tests.conftest import to_numpy

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
keras = pytest.importorskip("keras")

rng = np.random.default_rng(0)
X = (rng.standard_normal((3, 4)) * 2).astype("float32")

NAMES = [
    "celu",
    "elu",
    "exponential",
    "gelu",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "linear",
    "log_sigmoid",
    "log_softmax",
    "mish",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "squareplus",
    "swish",
    "tanh",
    "tanh_shrink",
]


@pytest.mark.parametrize("name", NAMES)
def test_matches_keras(name):
    got = to_numpy(getattr(activations, name)(X))
    want = np.asarray(getattr(keras.activations, name)(X))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert activations.get(name) is getattr(activations, name)


def test_sparsemax_and_threshold():
    out = to_numpy(activations.sparsemax(X))
    np.testing.assert_allclose(out.sum(-1), 1.0, rtol=1e-5)
    assert np.all(out >= 0)
    got = to_numpy(activations.threshold(X, 0.5, -2.0))
    np.testing.assert_allclose(got, np.where(X > 0.5, X, -2.0))


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_value": 6.0},
        {"max_value": 1.5},
        {"negative_slope": 0.1},
        {"threshold": 0.5},
        {"negative_slope": 0.2, "max_value": 2.0, "threshold": -0.5},
        {"negative_slope": 0.3, "threshold": 1.0},
    ],
)
def test_relu_options(kwargs):
    got = to_numpy(activations.relu(X, **kwargs))
    want = np.asarray(keras.activations.relu(X, **kwargs))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


def test_get_serialize_deserialize():
    assert activations.get(None) is activations.linear
    assert activations.get("swish") is activations.silu
    assert activations.serialize(activations.swish) == "silu"
    assert activations.serialize(activations.hard_swish) == "hard_silu"
    for name in NAMES:
        fn = activations.deserialize(activations.serialize(getattr(activations, name)))
        assert fn is getattr(activations, name)

    def custom(x):
        return x

    assert activations.get(custom) is custom
    assert activations.serialize(custom) == "custom"
    assert activations.deserialize("custom", custom_objects={"custom": custom}) is custom
    keras_style = {"module": "keras.activations", "class_name": "function", "config": "relu"}
    assert activations.deserialize(keras_style) is activations.relu
    with pytest.raises(ValueError, match="Unknown activation 'nope'.*relu"):
        activations.get("nope")
    with pytest.raises(ValueError, match="lambda"):
        activations.serialize(lambda x: x)
    with pytest.raises(ValueError, match="activation"):
        activations.get(3)


def test_symbolic_inputs():
    x = KerasTensor((None, 4))
    for name in ("relu", "gelu", "softmax", "mish", "tanh", "exponential"):
        out = getattr(activations, name)(x)
        assert out.shape == (None, 4) and out.dtype == "float32"
    assert activations.relu(x, max_value=2.0, negative_slope=0.1, threshold=0.3).shape == (None, 4)
    assert activations.glu(x).shape == (None, 2)
