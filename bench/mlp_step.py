"""Small-model overhead: microseconds per training step of a 784-128-10 MLP, batch 32.

Lamina's `fit`, Keras 3's `fit` and a hand-written loop (bench/hand_written.py) on the same
backend, data and batch order, alternating, each timed over ``--steps`` steps after a warm-up
run (compilation excluded). ``--spe N`` runs Lamina and Keras with steps_per_execution=N.

    .venv/bin/python bench/mlp_step.py --backend torch
    .venv/bin/python bench/mlp_step.py --backend jax --spe 16 --threads 1
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402
import numpy as np  # noqa: E402


def main():
    options = harness.setup(
        __doc__.splitlines()[0],
        [
            (("--steps",), {"type": int, "default": 300}),
            (("--spe",), {"type": int, "default": 1, "help": "steps_per_execution"}),
            (("--jit-compile",), {"action": "store_true", "help": "compile(jit_compile=True)"}),
        ],
    )
    import hand_written
    import keras
    import workloads

    import lamina

    harness.apply_threads(options)
    batch = 32
    x, y, _, _ = workloads.mnist("mlp", n_train=batch * options.steps)
    params = workloads.initial_params("mlp")

    def fit_variant(lib):
        model = workloads.build(lib, "mlp")
        model.compile(
            optimizer=lib.optimizers.Adam(1e-3),
            loss=lib.losses.SparseCategoricalCrossentropy(from_logits=True),
            steps_per_execution=options.spe,
            **({"jit_compile": True} if options.jit_compile else {}),
        )
        model.set_weights(params)
        # Warm-up (compilation). With several steps per call the epoch's last call is shorter
        # and compiles separately: warm up on the whole epoch then.
        warm = batch * (20 if options.spe == 1 else options.steps)
        model.fit(x[:warm], y[:warm], batch_size=batch, shuffle=False, verbose=0)

        def measure():
            # Every round starts from the same weights and fresh Adam moments: after ~800
            # steps the moments of MNIST's always-zero border pixels decay into denormal
            # floats, which PyTorch's CPU kernels (unlike XLA's and TensorFlow's, which flush
            # them) process several times slower, in every variant alike.
            model.set_weights(params)
            for v in model.optimizer.variables:
                v.assign(np.zeros(v.shape, v.dtype))

            def fit():
                model.fit(x, y, batch_size=batch, shuffle=False, epochs=1, verbose=0)

            return harness.timed(fit) / options.steps

        return measure

    data = workloads.batches(x, y, batch)

    def hand_written_variant():
        train, _ = hand_written.trainer(options.backend, "mlp", params)  # fresh state
        train(data[:20])  # warm-up (compilation), untimed
        return harness.timed(lambda: train(data)) / options.steps

    variants = {
        "lamina": fit_variant(lamina),
        "keras": fit_variant(keras),
        "hand-written": hand_written_variant,
    }
    results = harness.alternate(variants, options.rounds)
    harness.report(
        f"MLP 784-128-10 training step, batch 32, steps_per_execution={options.spe}"
        + (", jit_compile=True" if options.jit_compile else ""),
        "µs/step",
        results,
        options,
        scale=1e6,
    )


if __name__ == "__main__":
    main()
