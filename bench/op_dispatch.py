"""How much does `lamina.ops` add on top of the framework's own call?

Times `ops.add`, `ops.matmul` and `ops.relu` on small backend tensors against the framework's
function on the same tensors, alternating the two in rounds, and prints the median ratio
(lamina / framework) with its spread. Run once per backend:

    LAMINA_BACKEND=torch .venv/bin/python bench/op_dispatch.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np

import lamina
from lamina import ops

BACKEND = lamina.backend.backend()


def framework_functions():
    if BACKEND == "torch":
        import torch

        return {"add": torch.add, "matmul": torch.matmul, "relu": torch.relu}
    if BACKEND == "jax":
        import jax
        import jax.numpy as jnp

        return {"add": jnp.add, "matmul": jnp.matmul, "relu": jax.nn.relu}
    if BACKEND == "tensorflow":
        import tensorflow as tf

        return {"add": tf.add, "matmul": tf.matmul, "relu": tf.nn.relu}
    return {"add": np.add, "matmul": np.matmul, "relu": lambda x: np.maximum(x, 0)}


def time_call(fn, args, n):
    start = time.perf_counter()
    for _ in range(n):
        fn(*args)
    return (time.perf_counter() - start) / n


def main(rounds=15, n=2000):
    a = lamina.backend.convert_to_tensor(np.ones((8, 8), "float32"))
    b = lamina.backend.convert_to_tensor(np.ones((8, 8), "float32"))
    native = framework_functions()
    cases = {"add": (ops.add, (a, b)), "matmul": (ops.matmul, (a, b)), "relu": (ops.relu, (a,))}
    print(f"backend: {BACKEND}; 8x8 float32; {rounds} alternating rounds of {n} calls")
    for name, (lamina_fn, args) in cases.items():
        ratios, lamina_us, native_us = [], [], []
        for _ in range(rounds):
            t_lamina = time_call(lamina_fn, args, n)
            t_native = time_call(native[name], args, n)
            ratios.append(t_lamina / t_native)
            lamina_us.append(t_lamina * 1e6)
            native_us.append(t_native * 1e6)
        q = statistics.quantiles(ratios, n=4)
        print(
            f"{name:>7}: lamina/native median {statistics.median(ratios):.2f} "
            f"(IQR {q[0]:.2f}-{q[2]:.2f}); lamina {statistics.median(lamina_us):.1f} us, "
            f"native {statistics.median(native_us):.1f} us"
        )


if __name__ == "__main__":
    main()
