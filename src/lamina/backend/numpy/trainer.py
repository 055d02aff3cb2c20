"""NumPy backend steps: inference only, so steps run as plain Python."""

from __future__ import annotations

import contextlib

import numpy as np


def no_grad():
    return contextlib.nullcontext()


def value_and_grad(fn, variables, has_aux=False):
    raise RuntimeError(
        "The NumPy backend runs inference only and cannot compute gradients. Train with "
        "LAMINA_BACKEND=jax, torch or tensorflow, save the model, then load it here to predict."
    )


def default_jit_compile():
    return False


def compiled_steps_take_numpy():
    """Whether NumPy batches go to compiled steps unconverted (JAX's do)."""
    return False


def compile_step(fn, state_variables, jit_compile=False, kind="train", run_eagerly=False):
    return fn


def adam_update(
    variables, grads, momentums, velocities, learning_rate, iterations, beta_1, beta_2, epsilon
):
    """Adam's update for all ``variables`` (usable where NumPy holds the state); the formulas
    of the per-variable rule (see the PyTorch backend's docstring)."""
    dtype = np.float64 if any(str(v.dtype) == "float64" for v in variables) else np.float32
    t = np.asarray(iterations, dtype) + 1
    alpha = np.asarray(learning_rate, dtype) * np.sqrt(1 - dtype(beta_2) ** t)
    alpha = alpha / (1 - dtype(beta_1) ** t)
    for var, g, m, v in zip(variables, grads, momentums, velocities):
        dtype = np.asarray(var.value).dtype
        g = np.asarray(g, dtype)
        m_new = m.value + (g - m.value) * dtype.type(1.0 - beta_1)
        v_new = v.value + (g * g - v.value) * dtype.type(1.0 - beta_2)
        m.assign(m_new)
        v.assign(v_new)
        step = m_new * np.asarray(alpha, dtype) / (np.sqrt(v_new) + dtype.type(epsilon))
        var.assign(var.value - step)
