"""The seed's MNIST convnet: seconds per epoch of `fit` (batch 128) plus validation.

Lamina's `fit`, Keras 3's `fit` and a hand-written loop (bench/hand_written.py) on the same
backend, weights, data and batch order, alternating. An epoch is ``--samples`` training images
(54,000 by default, as in the seed's validation_split=0.1) plus a pass over 6,000 validation
images; use a smaller ``--samples`` for a quicker measurement (the per-epoch figure scales).

    .venv/bin/python bench/convnet.py --backend tensorflow --rounds 3
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402


def main():
    options = harness.setup(
        __doc__.splitlines()[0], [(("--samples",), {"type": int, "default": 54000})]
    )
    import hand_written
    import keras
    import workloads

    import lamina

    harness.apply_threads(options)
    batch = 128
    x, y, _, _ = workloads.mnist("convnet")
    x_val, y_val = x[54000:], y[54000:]
    x, y = x[: options.samples], y[: options.samples]
    params = workloads.initial_params("convnet")
    per_epoch = 54000 / options.samples

    def fit_variant(lib):
        model = workloads.build(lib, "convnet")
        model.set_weights(params)
        model.fit(x[: batch * 4], y[: batch * 4], batch_size=batch, verbose=0)  # warm-up

        def epoch():
            return model.fit(
                x,
                y,
                batch_size=batch,
                epochs=1,
                shuffle=False,
                validation_data=(x_val, y_val),
                verbose=0,
            )

        return lambda: harness.timed(epoch) * per_epoch

    train, predict = hand_written.trainer(options.backend, "convnet", params)
    data = workloads.batches(x, y, batch)
    val = [xb for xb, _ in workloads.batches(x_val, y_val, batch)]
    train(data[:4])
    predict(val[0])

    def hand_epoch():
        train(data)
        for xb in val:
            predict(xb)

    variants = {
        "lamina": fit_variant(lamina),
        "keras": fit_variant(keras),
        "hand-written": lambda: harness.timed(hand_epoch) * per_epoch,
    }
    results = harness.alternate(variants, options.rounds)
    harness.report(
        f"MNIST convnet epoch ({options.samples} samples, scaled to 54,000; + 6,000 validation)",
        "s/epoch",
        results,
        options,
    )


if __name__ == "__main__":
    main()
