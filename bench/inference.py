"""Inference: `predict` throughput on the 10,000 MNIST test images, and one-sample latency.

Lamina, Keras 3 and a hand-written forward pass on the same backend and weights, alternating.
Throughput is images per second of ``predict(x_test, batch_size=32)`` (Keras's default batch);
latency is microseconds per ``model(x)`` call on one image (median of many calls).

    .venv/bin/python bench/inference.py --backend torch --model convnet
"""

from __future__ import annotations

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402


def _latency(call, n=200):
    times = []
    for _ in range(n):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    options = harness.setup(
        __doc__.splitlines()[0],
        [(("--model",), {"choices": ["mlp", "convnet"], "default": "convnet"})],
    )
    import hand_written
    import keras
    import workloads

    import lamina

    harness.apply_threads(options)
    _, _, xt, _ = workloads.mnist(options.model)
    params = workloads.initial_params(options.model)
    one = xt[:1]
    models = {}
    for name, lib in (("lamina", lamina), ("keras", keras)):
        model = workloads.build(lib, options.model)
        model.set_weights(params)
        model.predict(xt[:64], verbose=0)
        model(one)
        models[name] = model
    _, predict = hand_written.trainer(options.backend, options.model, params)
    hand_batches = [xt[i : i + 32] for i in range(0, len(xt), 32)]
    predict(hand_batches[0])
    predict(one)

    def throughput(fn):
        return lambda: len(xt) / harness.timed(fn)

    throughput_variants = {
        "lamina": throughput(lambda: models["lamina"].predict(xt, batch_size=32, verbose=0)),
        "keras": throughput(lambda: models["keras"].predict(xt, batch_size=32, verbose=0)),
        "hand-written": throughput(lambda: [predict(b) for b in hand_batches]),
    }
    latency_variants = {
        "lamina": lambda: _latency(lambda: models["lamina"](one)),
        "keras": lambda: _latency(lambda: models["keras"](one)),
        "hand-written": lambda: _latency(lambda: predict(one)),
    }
    results = harness.alternate(throughput_variants, options.rounds)
    harness.report(
        f"predict throughput, {options.model}, 10,000 images, batch 32 (higher is better)",
        "images/s",
        results,
        options,
    )
    results = harness.alternate(latency_variants, options.rounds)
    harness.report(f"model(x) latency, {options.model}, one image", "µs", results, options, 1e6)


if __name__ == "__main__":
    main()
