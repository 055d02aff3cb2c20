"""An LSTM text classifier: milliseconds per training step of `fit`, Lamina against Keras 3.

Embedding(10,000, 64) -> LSTM(64) -> Dense(1, sigmoid), batch 64, sequences of 80 tokens,
on the same backend, weights and data, alternating. Keras 3 on PyTorch is reported to be
about 10x slower than on TensorFlow for LSTMs; this measures where Lamina stands.

    .venv/bin/python bench/lstm.py --backend torch --rounds 3
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402


def build(lib):
    layers = lib.layers
    model = lib.Sequential(
        [
            lib.Input((80,), dtype="int32"),
            layers.Embedding(10_000, 64),
            layers.LSTM(64),
            layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=lib.optimizers.Adam(1e-3), loss="binary_crossentropy")
    return model


def main():
    options = harness.setup(__doc__.splitlines()[0], [(("--steps",), {"type": int, "default": 30})])
    import keras
    import numpy as np

    import lamina

    harness.apply_threads(options)
    batch = 64
    rng = np.random.default_rng(0)
    x = rng.integers(1, 10_000, (batch * options.steps, 80)).astype("int32")
    y = rng.integers(0, 2, (batch * options.steps, 1)).astype("float32")
    reference = build(lamina)
    weights = reference.get_weights()

    def variant(lib):
        model = build(lib)
        model.set_weights(weights)
        model.fit(x[: batch * 2], y[: batch * 2], batch_size=batch, verbose=0)  # warm-up

        def epoch():
            model.fit(x, y, batch_size=batch, epochs=1, shuffle=False, verbose=0)

        return lambda: harness.timed(epoch) / options.steps

    variants = {"lamina": variant(lamina), "keras": variant(keras)}
    results = harness.alternate(variants, options.rounds)
    harness.report(
        "LSTM classifier training step (batch 64, 80 tokens)",
        "ms/step",
        results,
        options,
        scale=1e3,
    )


if __name__ == "__main__":
    main()
