"""JAX steps: pure functions of state, compiled with `jax.jit`.

A Lamina step is ordinary Python that reads and assigns Variables. To compile it, the step's
state variables are bound to the traced argument values for the duration of the trace, the
new values are read back out as outputs, and the original arrays are restored. Variables
assigned inside `value_and_grad` are handled the same way (their new values leave the
differentiated function as auxiliary outputs), so no tracer escapes its trace.
"""

from __future__ import annotations

import contextlib
import threading

import jax
import jax.numpy as jnp

from lamina.backend.jax.compile_options import step_compiler_options
from lamina.backend.jax.core import Variable

_STATE = threading.local()


def no_grad():
    return contextlib.nullcontext()


def _start_assignment_log():
    previous = getattr(_STATE, "log", None)
    _STATE.log = {}
    Variable._assignment_log = _STATE.log
    return previous


def _stop_assignment_log(previous):
    log = _STATE.log
    _STATE.log = previous
    Variable._assignment_log = previous
    if previous is not None:
        previous.update(log)
    return log


def value_and_grad(fn, variables, has_aux=False):
    """``fn()``'s value and its gradients with respect to ``variables`` (a list)."""
    variables = list(variables)
    originals = [v._value for v in variables]
    differentiated = {id(v) for v in variables}
    side_effects = {}

    def pure(values):
        for v, value in zip(variables, values):
            v._value = value
        previous = _start_assignment_log()
        try:
            out = fn()
        finally:
            log = _stop_assignment_log(previous)
            for v, value in zip(variables, originals):
                v._value = value
        assigned = [v for key, v in log.items() if key not in differentiated]
        new_values = [v._value for v in assigned]
        side_effects["variables"] = assigned
        loss, aux = out if has_aux else (out, None)
        return loss, (aux, new_values)

    (loss, (aux, new_values)), grads = jax.value_and_grad(pure, has_aux=True)(originals)
    for v, value in zip(side_effects["variables"], new_values):
        v._value = value
    return ((loss, aux) if has_aux else loss), list(grads)


def default_jit_compile():
    return True


def compiled_steps_take_numpy():
    """NumPy batches reach a compiled step as they are: `jax.jit` transfers NumPy arguments
    inside its dispatch, while a `jax.device_put` first costs a call of its own and leaves
    the step to wait for the transfer (on this project's 2-core VM a `device_put` took about
    80 µs whatever the size; the MLP's `predict` ran at 0.71 of its time without it, its
    one-step `fit` at 0.82)."""
    return True


def compile_step(fn, state_variables, jit_compile=True, kind="train", run_eagerly=False):
    """``fn(data) -> outputs`` as a compiled pure function of the state variables' values
    (``fn`` itself, run eagerly, without ``jit_compile`` or with ``run_eagerly``)."""
    if run_eagerly or not jit_compile:
        return fn
    return _jit_state_step(fn, list(state_variables), kind)


def _jit_state_step(fn, state_variables, kind, shardings=None):
    """The jitted step behind `compile_step` (and a distribution's, which passes the state's
    ``shardings`` for the new values to keep): binds the state variables to the traced
    values, runs ``fn`` and returns its outputs, storing the new state after each call."""

    def pure(values, data):
        originals = [v._value for v in state_variables]
        for v, value in zip(state_variables, values):
            v._value = value
        try:
            out = fn(data)
            # A donating step returns every state value (the unassigned ones pass through, in
            # their own buffers); a predict step returns only what it assigned (None for the
            # rest), so no copies of the weights.
            new_values = [
                None if v._value is value and not donate else v._value
                for v, value in zip(state_variables, values)
            ]
            if shardings is not None:
                new_values = [
                    None if new is None else jax.lax.with_sharding_constraint(new, sharding)
                    for new, sharding in zip(new_values, shardings)
                ]
        finally:
            for v, value in zip(state_variables, originals):
                v._value = value
        return new_values, out

    # Training and evaluation steps donate the old state, so XLA writes the new values into
    # its buffers instead of allocating fresh ones per call (on the CPU too: the MLP's
    # one-step call took 0.87 of its time). A donated array is invalid after the call, which
    # is why a donating step returns all the state. Predict steps assign nothing.
    donate = kind != "predict"
    compiled = jax.jit(
        pure,
        donate_argnums=(0,) if donate else (),
        compiler_options=step_compiler_options(kind),
    )

    def run(data):
        values = [v._value for v in state_variables]
        if donate and len({id(value) for value in values}) < len(values):
            values = _distinct_arrays(values)
        new_values, out = compiled(values, data)
        for v, value in zip(state_variables, new_values):
            if value is not None:
                v._value = value
        return out

    return run


def _distinct_arrays(values):
    """``values`` with repeats copied: one array held by two variables (after
    ``a.assign(b.value)``) cannot be donated twice."""
    seen, out = set(), []
    for value in values:
        out.append(jnp.array(value, copy=True) if id(value) in seen else value)
        seen.add(id(value))
    return out


def adam_update(
    variables, grads, momentums, velocities, learning_rate, iterations, beta_1, beta_2, epsilon
):
    """Adam's update for all ``variables`` (traced once inside the compiled step); the
    formulas of the per-variable rule (see the PyTorch backend's docstring)."""
    wide = any(str(v.dtype) == "float64" for v in variables)
    dtype = "float64" if wide else "float32"
    t = jnp.asarray(iterations, dtype) + 1
    lr = jnp.asarray(learning_rate, dtype)
    alpha = (
        lr
        * jnp.sqrt(1 - jnp.power(jnp.asarray(beta_2, dtype), t))
        / (1 - jnp.power(jnp.asarray(beta_1, dtype), t))
    )
    for var, g, m, v in zip(variables, grads, momentums, velocities):
        dtype = var.value.dtype
        g = jnp.asarray(g, dtype)
        m_new = m.value + (g - m.value) * (1.0 - beta_1)
        v_new = v.value + (g * g - v.value) * (1.0 - beta_2)
        m.assign(m_new)
        v.assign(v_new)
        var.assign(var.value - m_new * alpha.astype(dtype) / (jnp.sqrt(v_new) + epsilon))
