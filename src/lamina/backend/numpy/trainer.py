"""NumPy backend steps: inference only, so steps run as plain Python."""

from __future__ import annotations

import contextlib


def no_grad():
    return contextlib.nullcontext()


def value_and_grad(fn, variables, has_aux=False):
    raise RuntimeError(
        "The NumPy backend runs inference only and cannot compute gradients. Train with "
        "LAMINA_BACKEND=jax, torch or tensorflow, save the model, then load it here to predict."
    )


def compile_step(fn, state_variables, jit_compile=True, kind="train"):
    return fn
