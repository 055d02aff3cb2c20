"""Test helpers that reach into the active framework directly (tests may; the library may not)."""

from __future__ import annotations

import numpy as np

import lamina

BACKEND = lamina.backend.backend()


def backend_gradient(fn, *args):
    """Gradient of ``sum(fn(*args))`` with respect to every argument, as NumPy float64 arrays.

    ``fn`` calls `lamina.ops`; ``args`` are NumPy arrays (use float64 for gradient checks).
    """
    if BACKEND == "jax":
        import jax
        import jax.numpy as jnp

        def total(*xs):
            return jnp.sum(fn(*xs))

        grads = jax.grad(total, argnums=tuple(range(len(args))))(*[jnp.asarray(a) for a in args])
        return [np.asarray(g, dtype=np.float64) for g in grads]
    if BACKEND == "torch":
        import torch

        xs = [torch.tensor(a, requires_grad=True) for a in args]
        torch.sum(fn(*xs)).backward()
        return [x.grad.detach().numpy().astype(np.float64) for x in xs]
    if BACKEND == "tensorflow":
        import tensorflow as tf

        xs = [tf.Variable(a) for a in args]
        with tf.GradientTape() as tape:
            total = tf.reduce_sum(fn(*xs))
        # A gather straight from a variable gives IndexedSlices; make every gradient dense.
        grads = tape.gradient(total, xs)
        return [np.asarray(tf.convert_to_tensor(g), dtype=np.float64) for g in grads]
    raise RuntimeError("The NumPy backend has no gradients.")


def numeric_gradient(fn, *args, eps=1e-6):
    """Central finite differences of ``sum(fn(*args))`` in float64, on the active backend."""
    grads = []
    for i, a in enumerate(args):
        a = np.array(a, dtype=np.float64)
        g = np.zeros_like(a)
        for idx in np.ndindex(a.shape):
            plus, minus = a.copy(), a.copy()
            plus[idx] += eps
            minus[idx] -= eps
            f_plus = _total(fn, args, i, plus)
            f_minus = _total(fn, args, i, minus)
            g[idx] = (f_plus - f_minus) / (2 * eps)
        grads.append(g)
    return grads


def _total(fn, args, i, value):
    new_args = list(args)
    new_args[i] = value
    return float(np.sum(lamina.ops.convert_to_numpy(fn(*new_args))))


def check_gradients(fn, *args, rtol=1e-5, atol=1e-6):
    """Assert the backend's gradient equals finite differences (float64 inputs)."""
    args = [np.asarray(a, dtype=np.float64) for a in args]
    got = backend_gradient(fn, *args)
    want = numeric_gradient(fn, *args)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)
