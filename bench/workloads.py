"""The benchmarked models and data, built the same way in Lamina and in Keras 3."""

from __future__ import annotations

import numpy as np


def build(lib, name):
    """The model ``name`` ("mlp" or "convnet", the seed's CNN) built with ``lib`` (lamina or
    keras), compiled with Adam and sparse categorical cross-entropy (from logits)."""
    layers = lib.layers
    if name == "mlp":
        model = lib.Sequential(
            [lib.Input((784,)), layers.Dense(128, activation="relu"), layers.Dense(10)]
        )
    else:
        model = lib.Sequential(
            [
                lib.Input((28, 28, 1)),
                layers.Conv2D(32, 3, activation="relu"),
                layers.MaxPooling2D(2),
                layers.Conv2D(64, 3, activation="relu"),
                layers.MaxPooling2D(2),
                layers.Flatten(),
                layers.Dropout(0.5),
                layers.Dense(10),
            ]
        )
    model.compile(
        optimizer=lib.optimizers.Adam(1e-3),
        loss=lib.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    return model


def initial_params(name, seed=0):
    """Glorot-uniform kernels and zero biases, as NumPy arrays in Keras's layouts."""
    rng = np.random.default_rng(seed)
    if name == "mlp":
        shapes = [(784, 128), (128,), (128, 10), (10,)]
    else:
        shapes = [(3, 3, 1, 32), (32,), (3, 3, 32, 64), (64,), (1600, 10), (10,)]
    params = []
    for shape in shapes:
        if len(shape) == 1:
            params.append(np.zeros(shape, "float32"))
            continue
        fan_in = int(np.prod(shape[:-1]))
        fan_out = shape[-1] * (int(np.prod(shape[:-2])) if len(shape) == 4 else 1)
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        params.append(rng.uniform(-limit, limit, shape).astype("float32"))
    return params


def mnist(name, n_train=None):
    """MNIST images shaped for ``name`` and int32 labels: (x_train, y_train, x_test, y_test).
    Without the data set on disk, random data of the same shapes (timing is what matters)."""
    try:
        import lamina

        (x, y), (xt, yt) = lamina.datasets.mnist.load_data()
    except Exception:
        rng = np.random.default_rng(0)
        x = rng.integers(0, 256, (60000, 28, 28), dtype=np.uint8)
        xt = rng.integers(0, 256, (10000, 28, 28), dtype=np.uint8)
        y, yt = rng.integers(0, 10, 60000), rng.integers(0, 10, 10000)
    shape = (-1, 784) if name == "mlp" else (-1, 28, 28, 1)
    x = (x.astype("float32") / 255.0).reshape(shape)
    xt = (xt.astype("float32") / 255.0).reshape(shape)
    if n_train:
        x, y = x[:n_train], y[:n_train]
    return x, y.astype("int32"), xt, yt.astype("int32")


def batches(x, y, batch_size):
    """NumPy batches in order (what `fit(shuffle=False)` trains on)."""
    return [(x[i : i + batch_size], y[i : i + batch_size]) for i in range(0, len(x), batch_size)]
