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
    return out if has_aux else loss, list(grads)


def compile_step(fn, state_variables, jit_compile=True, kind="train"):
    if not jit_compile:
        return fn
    return tf.function(fn, reduce_retracing=True)
