"""JAX backend core: tensors are `jax.Array`.

Variables hold a plain array in ``_value``. Compiled steps are pure functions of state: the
trainer binds traced values into the variables for the duration of a trace and reads the new
values back out (see `lamina.backend.jax.trainer`).
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np

from lamina.backend.common import dtypes
from lamina.backend.common.variables import Variable as _BaseVariable

jax.config.update("jax_enable_x64", True)  # int64/float64 exist, as on the other backends

SUPPORTS_SPARSE_TENSORS = False
IS_THREAD_SAFE = True


def _jnp_dtype(dtype):
    return dtypes.to_numpy_dtype(dtypes.standardize_dtype(dtype))


class Variable(_BaseVariable):
    def _store(self, value):
        self._value = _owned_array(_unwrap(value), _jnp_dtype(self._dtype))

    # While a compiled step differentiates a function, assignments are logged so that their
    # new values can leave the trace as outputs (see lamina.backend.jax.trainer).
    _assignment_log = None

    def _assign_value(self, value):
        self._value = _owned_array(_unwrap(value), self._value.dtype)
        if Variable._assignment_log is not None:
            Variable._assignment_log[id(self)] = self

    @property
    def value(self):
        return self._value

    def __jax_array__(self):
        return self._value


def _owned_array(value, dtype):
    """``value`` as a JAX array of ``dtype`` for a variable to hold. A JAX array (a tracer is
    one) is immutable and kept; anything else is copied into a new one: a NumPy array kept as
    it is would change with the caller's later writes, and would be transferred again by
    every compiled call it is passed to (`predict` after `set_weights` ran 1.06x slower per
    batch). (`jnp.asarray` may alias a NumPy array's memory, so this copies explicitly.)"""
    if isinstance(value, jax.Array):
        return value if value.dtype == dtype else value.astype(dtype)
    return jnp.array(value, dtype=dtype, copy=True)


def _unwrap(x):
    if isinstance(x, _BaseVariable):
        return x.value
    if hasattr(x, "detach") or (hasattr(x, "numpy") and not isinstance(x, (np.ndarray, jax.Array))):
        from lamina.backend.numpy.core import convert_to_numpy as to_np

        return to_np(x)
    return x


def convert_to_tensor(x, dtype=None, sparse=None):
    """``x`` (array-like, Python scalar, `Variable` or tensor) as the backend's tensor type.

    ``dtype``, when given, casts the result; Python scalars and lists of them get Keras 3's
    default dtypes (``int32`` for ints, `lamina.config.floatx()` for floats).

    Example:
        >>> x = lamina.backend.convert_to_tensor([1, 2, 3], dtype="float32")
        >>> lamina.backend.is_tensor(x)
        True
        >>> lamina.backend.convert_to_numpy(x)
        array([1., 2., 3.], dtype=float32)
    """
    if dtype is not None:
        dtype = _jnp_dtype(dtype)
        if isinstance(x, jax.Array) and x.dtype == dtype:
            return x
        return jnp.asarray(_unwrap(x), dtype=dtype)
    if isinstance(x, jax.Array):
        return x
    if isinstance(x, np.ndarray) and x.dtype.kind in "biuf":
        # A plain transfer: `jnp.asarray` would run an eager conversion that waits behind
        # the computations already queued, so feeding batches would stall the pipeline.
        return jax.device_put(x)
    if isinstance(x, Variable):
        return x.value
    scalar = dtypes.dtype_of_python_scalar(x)
    if scalar is not None:
        return jnp.asarray(x, dtype=_jnp_dtype(dtypes.result_type(scalar)))
    if isinstance(x, (list, tuple)):
        from lamina.backend.numpy.core import convert_to_tensor as np_convert

        return jnp.asarray(np_convert(x))
    return jnp.asarray(_unwrap(x))


def convert_to_numpy(x):
    """``x`` (a tensor, `Variable` or array-like) as a NumPy array, copied to the host if needed.

    Example:
        >>> lamina.backend.convert_to_numpy(lamina.ops.ones((2, 2)))
        array([[1., 1.],
               [1., 1.]], dtype=float32)
    """
    if isinstance(x, _BaseVariable):
        x = x.value
    return np.asarray(x)


def is_tensor(x):
    """True when ``x`` is the backend's own tensor type (a NumPy array on the NumPy backend).

    Example:
        >>> lamina.backend.is_tensor(lamina.ops.ones((2,)))
        True
        >>> lamina.backend.is_tensor([1.0, 2.0])
        False
    """
    return isinstance(x, jax.Array)


def shape(x):
    return tuple(x.shape)


def cast(x, dtype):
    """``x`` as a tensor of ``dtype``; floats cast to ints are truncated toward zero.

    Example:
        >>> x = lamina.backend.cast(np.array([1.7, -2.5]), "int32")
        >>> lamina.backend.convert_to_numpy(x)
        array([ 1, -2], dtype=int32)
    """
    dtype = _jnp_dtype(dtype)
    if type(x) is float and jnp.issubdtype(dtype, jnp.floating):
        # Straight to the target: through float32 first, cast(0.999, "float64") would be
        # 0.99900001 (the other backends give the float64 nearest 0.999).
        return jnp.asarray(x, dtype)
    x = convert_to_tensor(x)
    return x if x.dtype == dtype else x.astype(dtype)


def cond(pred, true_fn, false_fn):
    return jax.lax.cond(pred, true_fn, false_fn)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    is_tuple = isinstance(loop_vars, (list, tuple))
    loop_vars = tuple(loop_vars) if is_tuple else (loop_vars,)
    if maximum_iterations is not None:
        state = (0, loop_vars)

        def cond_fn(s):
            return jnp.logical_and(s[0] < maximum_iterations, cond(*s[1]))

        def body_fn(s):
            out = body(*s[1])
            return s[0] + 1, tuple(out) if isinstance(out, (list, tuple)) else (out,)

        result = jax.lax.while_loop(cond_fn, body_fn, state)[1]
    else:

        def body_fn(v):
            out = body(*v)
            return tuple(out) if isinstance(out, (list, tuple)) else (out,)

        result = jax.lax.while_loop(lambda v: cond(*v), body_fn, loop_vars)
    return result if is_tuple else result[0]


def fori_loop(lower, upper, body_fun, init_val):
    return jax.lax.fori_loop(lower, upper, body_fun, init_val)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    return jax.lax.scan(f, init, xs=xs, length=length, reverse=reverse, unroll=unroll)


def stop_gradient(x):
    return jax.lax.stop_gradient(convert_to_tensor(x))


def unstack(x, num=None, axis=0):
    x = convert_to_tensor(x)
    return [jax.lax.index_in_dim(x, i, axis, keepdims=False) for i in range(x.shape[axis])]


def slice(inputs, start_indices, shape):
    return jax.lax.dynamic_slice(convert_to_tensor(inputs), start_indices, shape)


def slice_update(inputs, start_indices, updates):
    return jax.lax.dynamic_update_slice(
        convert_to_tensor(inputs), convert_to_tensor(updates), start_indices
    )


def scatter(indices, values, shape):
    indices = convert_to_tensor(indices)
    values = convert_to_tensor(values)
    out = jnp.zeros(shape, dtype=values.dtype)
    return out.at[tuple(jnp.moveaxis(indices, -1, 0))].add(values)


def scatter_update(inputs, indices, updates):
    inputs = convert_to_tensor(inputs)
    indices = convert_to_tensor(indices)
    return inputs.at[tuple(jnp.moveaxis(indices, -1, 0))].set(convert_to_tensor(updates))


def device_scope(device_name):
    return jax.default_device(jax.devices(device_name.split(":")[0].lower())[0])


# Functional control flow, casts and gradients (added with lamina.ops.core).


def map(f, xs):
    return jax.lax.map(f, xs)


def switch(index, branches, *operands):
    return jax.lax.switch(index, branches, *operands)


def vectorized_map(function, elements):
    return jax.vmap(function)(elements)


def associative_scan(f, elems, reverse=False, axis=0):
    return jax.lax.associative_scan(f, elems, reverse=reverse, axis=axis)


def saturate_cast(x, dtype):
    from lamina.backend.numpy.core import _saturate_bounds

    x = convert_to_tensor(x)
    bounds = _saturate_bounds(dtypes.standardize_dtype(x.dtype), dtypes.standardize_dtype(dtype))
    if bounds is not None:
        x = jnp.clip(x, *bounds)
    return cast(x, dtype)


def custom_gradient(fun):
    def decorated(*args, **kwargs):
        @jax.custom_gradient
        def inner(*inner_args):
            output, grad_fn = fun(*inner_args, **kwargs)

            def vjp(upstream):
                grads = grad_fn(upstream)
                return tuple(grads) if isinstance(grads, (list, tuple)) else (grads,)

            return output, vjp

        return inner(*args)

    return decorated


def default_device():
    """The device JAX places new arrays on."""
    return jax.devices()[0]
