"""NumPy backend core: tensors are `np.ndarray`. Inference only (no gradients)."""

from __future__ import annotations

import builtins

import numpy as np

from lamina.backend.common import dtypes
from lamina.backend.common.variables import Variable as _BaseVariable

SUPPORTS_SPARSE_TENSORS = False
IS_THREAD_SAFE = True


class Variable(_BaseVariable):
    def _store(self, value):
        self._value = np.array(convert_to_numpy(value), dtype=dtypes.to_numpy_dtype(self._dtype))

    def _assign_value(self, value):
        # A copy: the caller's array may be written to after the assignment.
        self._value = np.array(convert_to_numpy(value), dtype=self._value.dtype)

    @property
    def value(self):
        return self._value


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
    if isinstance(x, Variable):
        x = x.value
    if dtype is not None:
        dtype = dtypes.to_numpy_dtype(dtypes.standardize_dtype(dtype))
        return np.asarray(x, dtype=dtype)
    if isinstance(x, np.ndarray):
        return x
    scalar = dtypes.dtype_of_python_scalar(x)
    if scalar is not None:
        return np.asarray(x, dtype=dtypes.to_numpy_dtype(dtypes.result_type(scalar)))
    if hasattr(x, "__array__") or hasattr(x, "numpy"):
        return convert_to_numpy(x)
    arr = np.asarray(x)
    if arr.dtype == np.float64 and not _holds_float64(x):
        arr = arr.astype(dtypes.to_numpy_dtype(dtypes.result_type("float")))
    elif arr.dtype == np.int64 and not _holds_float64(x):
        arr = arr.astype(np.int32)
    return arr


def _holds_float64(x):
    return getattr(x, "dtype", None) is not None


def convert_to_numpy(x):
    """``x`` (a tensor, `Variable` or array-like) as a NumPy array, copied to the host if needed.

    Example:
        >>> lamina.backend.convert_to_numpy(lamina.ops.ones((2, 2)))
        array([[1., 1.],
               [1., 1.]], dtype=float32)
    """
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, _BaseVariable):
        return np.asarray(x.numpy())
    if hasattr(x, "numpy") and not isinstance(x, np.generic):  # torch / tf tensors
        if hasattr(x, "detach"):
            x = x.detach().cpu()
        return np.asarray(x.numpy())
    return np.asarray(x)


def is_tensor(x):
    """True when ``x`` is the backend's own tensor type (a NumPy array on the NumPy backend).

    Example:
        >>> lamina.backend.is_tensor(lamina.ops.ones((2,)))
        True
        >>> lamina.backend.is_tensor([1.0, 2.0])
        False
    """
    return isinstance(x, np.ndarray)


def shape(x):
    return tuple(np.shape(x))


def cast(x, dtype):
    """``x`` as a tensor of ``dtype``; floats cast to ints are truncated toward zero.

    Example:
        >>> x = lamina.backend.cast(np.array([1.7, -2.5]), "int32")
        >>> lamina.backend.convert_to_numpy(x)
        array([ 1, -2], dtype=int32)
    """
    dtype = dtypes.to_numpy_dtype(dtypes.standardize_dtype(dtype))
    if type(x) is float and np.issubdtype(dtype, np.floating):
        # Straight to the target, not through float32 (see the JAX backend's cast).
        return np.asarray(x, dtype)
    x = convert_to_tensor(x)
    return x if x.dtype == dtype else x.astype(dtype)


def cond(pred, true_fn, false_fn):
    return true_fn() if bool(pred) else false_fn()


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    is_tuple = isinstance(loop_vars, (list, tuple))
    loop_vars = tuple(loop_vars) if is_tuple else (loop_vars,)
    count = 0
    while cond(*loop_vars):
        if maximum_iterations is not None and count >= maximum_iterations:
            break
        out = body(*loop_vars)
        loop_vars = tuple(out) if isinstance(out, (list, tuple)) else (out,)
        count += 1
    return loop_vars if is_tuple else loop_vars[0]


def fori_loop(lower, upper, body_fun, init_val):
    val = init_val
    for i in range(int(lower), int(upper)):
        val = body_fun(i, val)
    return val


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    from lamina.utils import tree

    if xs is None:
        n = length
        items = [None] * n
    else:
        flat = tree.flatten(xs)
        n = flat[0].shape[0] if flat else length
        items = [tree.map_structure(lambda a, i=i: a[i], xs) for i in range(n)]
    order = range(n - 1, -1, -1) if reverse else range(n)
    carry, ys = init, [None] * n
    for i in order:
        carry, y = f(carry, items[i])
        ys[i] = y
    if n == 0 or ys[0] is None:
        return carry, None
    return carry, tree.map_structure(lambda *a: np.stack(a), *ys)


def stop_gradient(x):
    return x


def unstack(x, num=None, axis=0):
    x = convert_to_tensor(x)
    return [np.squeeze(s, axis=axis) for s in np.split(x, x.shape[axis], axis=axis)]


def slice(inputs, start_indices, shape):
    inputs = convert_to_tensor(inputs)
    index = tuple(builtins.slice(int(s), int(s) + int(n)) for s, n in zip(start_indices, shape))
    return inputs[index]


def slice_update(inputs, start_indices, updates):
    inputs = np.array(convert_to_tensor(inputs))
    updates = convert_to_tensor(updates)
    index = tuple(builtins.slice(int(s), int(s) + n) for s, n in zip(start_indices, updates.shape))
    inputs[index] = updates
    return inputs


def scatter(indices, values, shape):
    indices = convert_to_tensor(indices)
    values = convert_to_tensor(values)
    out = np.zeros(shape, dtype=values.dtype)
    np.add.at(out, tuple(np.moveaxis(indices, -1, 0)), values)
    return out


def scatter_update(inputs, indices, updates):
    inputs = np.array(convert_to_tensor(inputs))
    indices = convert_to_tensor(indices)
    inputs[tuple(np.moveaxis(indices, -1, 0))] = convert_to_tensor(updates)
    return inputs


def device_scope(device_name):
    import contextlib

    return contextlib.nullcontext()


# Functional control flow, casts and gradients (added with lamina.ops.core).


def map(f, xs):
    from lamina.utils import tree

    n = tree.flatten(xs)[0].shape[0]
    ys = [f(tree.map_structure(lambda a, i=i: a[i], xs)) for i in range(n)]
    return tree.map_structure(lambda *a: np.stack(a), *ys)


def switch(index, branches, *operands):
    index = builtins.min(builtins.max(int(index), 0), len(branches) - 1)
    return branches[index](*operands)


def vectorized_map(function, elements):
    return map(function, elements)


def associative_scan(f, elems, reverse=False, axis=0):
    from lamina.utils import tree

    flat = [convert_to_tensor(e) for e in tree.flatten(elems)]
    n = flat[0].shape[axis]
    order = range(n - 1, -1, -1) if reverse else range(n)

    def take(i):
        return tree.pack_sequence_as(elems, [np.take(a, [i], axis=axis) for a in flat])

    outs, carry = [None] * n, None
    for i in order:
        carry = take(i) if carry is None else f(carry, take(i))
        outs[i] = carry
    return tree.map_structure(lambda *a: np.concatenate(a, axis=axis), *outs)


def _saturate_bounds(src: str, dst: str):
    """(low, high) of ``dst``'s range that are exactly representable in ``src``, or None."""
    src_np, dst_np = dtypes.to_numpy_dtype(src), dtypes.to_numpy_dtype(dst)
    if dst == "bool" or src == "bool":
        return None
    src_info = np.finfo(src_np) if src_np.kind == "f" else np.iinfo(src_np)
    dst_info = np.finfo(dst_np) if dst_np.kind == "f" else np.iinfo(dst_np)
    low = builtins.max(float(src_info.min), float(dst_info.min))
    high = builtins.min(float(src_info.max), float(dst_info.max))
    if low <= float(src_info.min) and high >= float(src_info.max):
        return None
    low_s, high_s = np.asarray(low).astype(src_np), np.asarray(high).astype(src_np)
    if float(low_s) < low:  # rounded outside the target range: step back inside
        low_s = np.nextafter(low_s, np.zeros((), src_np)) if src_np.kind == "f" else low_s + 1
    if float(high_s) > high:
        high_s = np.nextafter(high_s, np.zeros((), src_np)) if src_np.kind == "f" else high_s - 1
    return low_s.item(), high_s.item()


def saturate_cast(x, dtype):
    x = convert_to_tensor(x)
    bounds = _saturate_bounds(dtypes.standardize_dtype(x.dtype), dtypes.standardize_dtype(dtype))
    if bounds is not None:
        x = np.clip(x, *bounds)
    return cast(x, dtype)


def custom_gradient(fun):
    def forward(*args, **kwargs):
        return fun(*args, **kwargs)[0]

    return forward


def default_device():
    """The device tensors are created on: always the CPU for NumPy."""
    return "cpu"
