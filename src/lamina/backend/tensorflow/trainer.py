"""TensorFlow steps: `tf.function` over the step, gradients from `tf.GradientTape`."""

from __future__ import annotations

import contextlib

import tensorflow as tf


def no_grad():
    return contextlib.nullcontext()


# Set by `lamina.distribution` while a step runs under a `tf.distribute` strategy:
# ``reducer(params, grads)`` all-reduces the gradients across replicas (see
# lamina/backend/tensorflow/distribution.py). None on the single-device path (one global read per trace).
gradient_reducer = None


def value_and_grad(fn, variables, has_aux=False):
    """``fn()``'s value and its gradients with respect to ``variables`` (a list)."""
    with tf.GradientTape() as tape:
        out = fn()
        loss = out[0] if has_aux else out
    grads = tape.gradient(loss, [v.value for v in variables])
    # A gather from a variable (Embedding) gives IndexedSlices; optimizers take dense grads.
    grads = [tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g for g in grads]
    if gradient_reducer is not None:
        grads = gradient_reducer([v.value for v in variables], grads)
    return out if has_aux else loss, grads


def default_jit_compile():
    """``jit_compile="auto"``: XLA where an accelerator is present (Keras's rule). On CPUs,
    XLA's convolutions run several times slower than TensorFlow's own kernels."""
    return any(d.device_type != "CPU" for d in tf.config.list_physical_devices())


def compiled_steps_take_numpy():
    """Whether NumPy batches go to compiled steps unconverted (JAX's do)."""
    return False


def compile_step(fn, state_variables, jit_compile=False, kind="train", run_eagerly=False):
    """``fn`` as a `tf.function` (a graph; compiled by XLA when ``jit_compile``, as in
    Keras), or ``fn`` itself when ``run_eagerly``."""
    if run_eagerly:
        return fn
    # Lamina's steps use ops for control flow, so AutoGraph's source rewriting is not needed
    # (it slows tracing and warns about imports inside library functions).
    return tf.function(fn, reduce_retracing=True, autograph=False, jit_compile=bool(jit_compile))


_FUSED_UPDATE_MIN_SIZE = 50_000


def adam_update(
    variables, grads, momentums, velocities, learning_rate, iterations, beta_1, beta_2, epsilon
):
    """Adam's update for all ``variables`` (traced once inside the compiled step); the
    formulas of the per-variable rule (see the PyTorch backend's docstring).

    TensorFlow's CPU kernels make a pass over memory per operation, and the rule has a
    dozen per variable. Inside a graph, for models of at least `_FUSED_UPDATE_MIN_SIZE`
    parameters, the rule runs as one XLA-compiled function that fuses them into one loop
    per variable (the MLP benchmark's step 830 -> 620 µs); smaller models skip it, since
    compiling it costs about 0.3 s once and each call a few tens of µs. TensorFlow's own
    ``ApplyAdam`` kernel would be one pass too, but it computes ``1 - beta_2`` in float32
    (0.00099998713 for 0.999), so its second moments drift from Keras's by about 1e-5.
    Eagerly, and under a `tf.distribute` strategy (mirrored variables), the rule runs as
    separate operations.
    """

    def update(grads, learning_rate, iterations):
        _adam_rule(
            variables,
            grads,
            momentums,
            velocities,
            learning_rate,
            iterations,
            beta_1,
            beta_2,
            epsilon,
        )

    if _fuses_update(variables):
        update = tf.function(update, jit_compile=True, autograph=False)
    update(grads, learning_rate, iterations)


def _fuses_update(variables):
    if not tf.inside_function() or tf.distribute.has_strategy():
        return False
    return sum(v.value.shape.num_elements() or 0 for v in variables) >= _FUSED_UPDATE_MIN_SIZE


def _adam_rule(
    variables, grads, momentums, velocities, learning_rate, iterations, beta_1, beta_2, epsilon
):
    wide = any(str(v.dtype) == "float64" for v in variables)
    dtype = "float64" if wide else "float32"
    t = tf.cast(iterations, dtype) + 1
    lr = tf.cast(learning_rate, dtype)
    alpha = (
        lr
        * tf.sqrt(1 - tf.pow(tf.constant(beta_2, dtype), t))
        / (1 - tf.pow(tf.constant(beta_1, dtype), t))
    )
    for var, g, m, v in zip(variables, grads, momentums, velocities):
        dtype = var.value.dtype
        g = tf.cast(g, dtype)
        m_new = m.value + (g - m.value) * (1.0 - beta_1)
        v_new = v.value + (g * g - v.value) * (1.0 - beta_2)
        m.assign(m_new)
        v.assign(v_new)
        var.assign(var.value - m_new * tf.cast(alpha, dtype) / (tf.sqrt(v_new) + epsilon))
