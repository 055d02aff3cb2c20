"""TensorFlow steps: `tf.function` over the step, gradients from `tf.GradientTape`."""

from __future__ import annotations

import contextlib

import tensorflow as tf


def no_grad():
    return contextlib.nullcontext()


def value_and_grad(fn, variables, has_aux=False):
    """``fn()``'s value and its gradients with respect to ``variables`` (a list)."""
    with tf.GradientTape() as tape:
        out = fn()
        loss = out[0] if has_aux else out
    grads = tape.gradient(loss, [v.value for v in variables])
    # A gather from a variable (Embedding) gives IndexedSlices; optimizers take dense grads.
    grads = [tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g for g in grads]
    return out if has_aux else loss, grads


def compile_step(fn, state_variables, jit_compile=True, kind="train"):
    if not jit_compile:
        return fn
    # Lamina's steps use ops for control flow, so AutoGraph's source rewriting is not needed
    # (it slows tracing and warns about imports inside library functions).
    return tf.function(fn, reduce_retracing=True, autograph=False)
