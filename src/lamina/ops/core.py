"""Core ops: conversion, casting, shapes, control flow, slicing and scattering.

Keras 3's names, signatures and defaults. Control flow (`cond`, `while_loop`, `fori_loop`,
`scan`, `map`, `switch`) compiles to the framework's own construct where it has one (JAX, and
TensorFlow inside `tf.function`) and runs as a Python loop otherwise.
"""

from __future__ import annotations

import numpy as np

from lamina.backend import active as B
from lamina.backend.common import dtypes
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.ops.symbolic import any_symbolic, dtype_of, shape_of
from lamina.utils import tree

__all__ = [
    "associative_scan",
    "cast",
    "cond",
    "convert_to_numpy",
    "convert_to_tensor",
    "custom_gradient",
    "dtype",
    "fori_loop",
    "is_tensor",
    "map",
    "saturate_cast",
    "scan",
    "scatter",
    "scatter_update",
    "shape",
    "slice",
    "slice_update",
    "stop_gradient",
    "switch",
    "unstack",
    "vectorized_map",
    "while_loop",
]


def _spec(x):
    """The KerasTensor standing for ``x`` (a KerasTensor, tensor, array or scalar)."""
    if type(x) is KerasTensor:
        return x
    return KerasTensor(shape_of(x), dtype_of(x))


def _any_symbolic_tree(*structures):
    return any(type(leaf) is KerasTensor for s in structures for leaf in tree.flatten(s))


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """``x`` (array, list, scalar, Variable) as a tensor of the active backend.

    Example:
        >>> lamina.ops.convert_to_tensor([1.0, 2.0], dtype="float32")
        array([1., 2.], dtype=float32)
    """
    if dtype is not None:
        dtype = dtypes.standardize_dtype(dtype)
    if type(x) is KerasTensor:
        return x if dtype is None or dtype == x.dtype else KerasTensor(x.shape, dtype)
    return B.core.convert_to_tensor(x, dtype=dtype, sparse=sparse)


def convert_to_numpy(x):
    """A NumPy array holding the value of ``x`` (a tensor, Variable or array).

    Example:
        >>> lamina.ops.convert_to_numpy(lamina.Variable([1.0, 2.0]))
        array([1., 2.], dtype=float32)
    """
    if type(x) is KerasTensor:
        raise TypeError(
            "`ops.convert_to_numpy`: a symbolic KerasTensor has no value. Call the model on "
            "real data to get values."
        )
    return B.core.convert_to_numpy(x)


def is_tensor(x):
    """Whether ``x`` is a tensor of the active backend (not a NumPy array or a KerasTensor).

    Example:
        >>> lamina.ops.is_tensor(lamina.ops.ones((2,))), lamina.ops.is_tensor([1.0, 2.0])
        (True, False)
    """
    return B.core.is_tensor(x)


def cast(x, dtype):
    """``x`` with its elements converted to ``dtype``.

    Example:
        >>> lamina.ops.cast(np.array([1.7, -1.2]), "int32")
        array([ 1, -1], dtype=int32)
    """
    dtype = dtypes.standardize_dtype(dtype)
    if any_symbolic(x):
        return KerasTensor(x.shape, dtype)
    return B.core.cast(x, dtype)


def saturate_cast(x, dtype):
    """Cast ``x`` to ``dtype``, first clipping values to the range ``dtype`` can hold.

    Example:
        >>> lamina.ops.saturate_cast(np.array([-5.0, 100.0, 300.0]), "uint8")
        array([  0, 100, 255], dtype=uint8)
    """
    dtype = dtypes.standardize_dtype(dtype)
    if any_symbolic(x):
        return KerasTensor(x.shape, dtype)
    return B.core.saturate_cast(x, dtype)


def dtype(x):
    """The dtype name of ``x`` (e.g. ``"float32"``), whatever framework's tensor it is.

    Example:
        >>> lamina.ops.dtype(lamina.ops.ones((2,), dtype="float16"))
        'float16'
    """
    return dtypes.standardize_dtype(x.dtype)


def shape(x):
    """The shape of ``x`` as a tuple (``None`` for unknown sizes of a KerasTensor).

    Inside `tf.function` unknown sizes are scalar tensors.

    Example:
        >>> lamina.ops.shape(np.ones((2, 3)))
        (2, 3)
    """
    if type(x) is KerasTensor:
        return x.shape
    if not hasattr(x, "shape"):
        return tuple(np.shape(x))
    return B.core.shape(x)


def stop_gradient(variable):
    """``variable``'s value, treated as a constant by automatic differentiation.

    Example:
        >>> lamina.ops.stop_gradient(np.array([1.0, 2.0]))
        array([1., 2.])
    """
    if any_symbolic(variable):
        return KerasTensor(variable.shape, variable.dtype)
    return B.core.stop_gradient(variable)


def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` else ``false_fn()``; both branches must return the same structure.

    Example:
        >>> x = lamina.ops.convert_to_tensor(-2.0)
        >>> lamina.ops.cond(x > 0, lambda: x, lambda: lamina.ops.negative(x))
        array(2., dtype=float32)
    """
    if any_symbolic(pred):
        out_true, out_false = true_fn(), false_fn()
        specs_true = tree.map_structure(_spec, out_true)
        specs_false = tree.map_structure(_spec, out_false)
        for a, b in zip(tree.flatten(specs_true), tree.flatten(specs_false)):
            if a.shape != b.shape or a.dtype != b.dtype:
                raise ValueError(
                    "`ops.cond`: `true_fn` and `false_fn` must return tensors of the same shape "
                    f"and dtype. Received: {a} and {b}"
                )
        return specs_true
    return B.core.cond(pred, true_fn, false_fn)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """Repeat ``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)``.

    Example:
        >>> def keep_going(i, total):
        ...     return i < 4
        >>> def step(i, total):
        ...     return i + 1, total + i
        >>> lamina.ops.while_loop(keep_going, step, (0, 0))
        (4, 6)
    """
    if not callable(cond) or not callable(body):
        raise TypeError("`ops.while_loop`: `cond` and `body` must be callables.")
    if _any_symbolic_tree(loop_vars):
        return tree.map_structure(_spec, loop_vars)
    return B.core.while_loop(cond, body, loop_vars, maximum_iterations=maximum_iterations)


def fori_loop(lower, upper, body_fun, init_val):
    """``val = body_fun(i, val)`` for ``i`` in ``range(lower, upper)``, from ``init_val``.

    Example:
        >>> lamina.ops.fori_loop(0, 5, lambda i, total: total + i, 0)
        10
    """
    if _any_symbolic_tree(init_val):
        return tree.map_structure(_spec, init_val)
    return B.core.fori_loop(lower, upper, body_fun, init_val)


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """``carry, y = f(carry, x)`` over the leading axis of ``xs``; returns ``(carry, stacked ys)``.

    Example:
        >>> def step(total, x):
        ...     return total + x, total
        >>> carry, ys = lamina.ops.scan(step, 0.0, np.arange(4.0))
        >>> float(carry), ys
        (6.0, array([0., 0., 1., 3.]))
    """
    if xs is None and length is None:
        raise ValueError("`ops.scan`: give `xs` or `length`.")
    if not isinstance(unroll, (int, bool)) or (isinstance(unroll, int) and unroll < 0):
        raise ValueError(
            f"`ops.scan`: `unroll` must be a non-negative int or a bool. Received: {unroll!r}"
        )
    if _any_symbolic_tree(init, xs):
        n = length if xs is None else tree.flatten(xs)[0].shape[0]
        x0 = (
            None
            if xs is None
            else tree.map_structure(
                lambda a: KerasTensor(a.shape[1:], a.dtype), tree.map_structure(_spec, xs)
            )
        )
        carry, y = f(tree.map_structure(_spec, init), x0)
        ys = (
            None
            if y is None
            else tree.map_structure(lambda s: KerasTensor((n, *_spec(s).shape), _spec(s).dtype), y)
        )
        return tree.map_structure(_spec, carry), ys
    return B.core.scan(f, init, xs=xs, length=length, reverse=reverse, unroll=unroll)


def map(f, xs):
    """``f`` applied to each slice of ``xs`` along its leading axis; the results stacked.

    Example:
        >>> lamina.ops.map(lambda row: lamina.ops.sum(row), np.array([[1, 2], [3, 4]]))
        array([3, 7])
    """
    if _any_symbolic_tree(xs):
        flat = [_spec(a) for a in tree.flatten(xs)]
        n = flat[0].shape[0]
        one = tree.pack_sequence_as(xs, [KerasTensor(a.shape[1:], a.dtype) for a in flat])
        out = f(one)
        return tree.map_structure(lambda s: KerasTensor((n, *_spec(s).shape), _spec(s).dtype), out)
    return B.core.map(f, xs)


def vectorized_map(function, elements):
    """``function`` over the leading axis of ``elements``, vectorized where the backend can.

    Example:
        >>> lamina.ops.vectorized_map(lambda v: v * 2, np.array([1, 2, 3]))
        array([2, 4, 6])
    """
    if _any_symbolic_tree(elements):
        return map(function, elements)
    return B.core.vectorized_map(function, elements)


def switch(index, branches, *operands):
    """``branches[index](*operands)``; ``index`` is clamped to the valid range.

    Example:
        >>> lamina.ops.switch(1, [lambda x: x + 1, lambda x: x * 10], np.array([3, 4]))
        array([30, 40])
    """
    if not branches:
        raise ValueError("`ops.switch`: `branches` must be a non-empty list of callables.")
    if any_symbolic(index, *operands):
        outs = [tree.map_structure(_spec, b(*operands)) for b in branches]
        for other in outs[1:]:
            for a, b in zip(tree.flatten(outs[0]), tree.flatten(other)):
                if a.shape != b.shape or a.dtype != b.dtype:
                    raise ValueError(
                        "`ops.switch`: every branch must return tensors of the same shape and "
                        f"dtype. Received: {a} and {b}"
                    )
        return outs[0]
    return B.core.switch(index, branches, *operands)


def associative_scan(f, elems, reverse=False, axis=0):
    """Inclusive scan of ``elems`` along ``axis`` with an associative binary ``f``.

    Example:
        >>> lamina.ops.associative_scan(lambda a, b: a + b, np.arange(4.0))
        array([0., 1., 3., 6.])
    """
    if _any_symbolic_tree(elems):
        return tree.map_structure(_spec, elems)
    return B.core.associative_scan(f, elems, reverse=reverse, axis=axis)


def custom_gradient(f):
    """Decorator: ``f(*args)`` returns ``(output, grad_fn)``; ``grad_fn(upstream)`` gives the
    gradients of the inputs.

    Example:
        >>> @lamina.ops.custom_gradient
        ... def clip_gradient(x):
        ...     return x, lambda upstream: lamina.ops.clip(upstream, -1.0, 1.0)
        >>> clip_gradient(np.array([2.0, 3.0]))
        array([2., 3.])
    """
    return B.core.custom_gradient(f)


def unstack(x, num=None, axis=0):
    """Split ``x`` along ``axis`` into a list of tensors of one rank less.

    Example:
        >>> lamina.ops.unstack(np.array([[1, 2], [3, 4]]))
        [array([1, 2]), array([3, 4])]
    """
    shape_ = tuple(shape_of(x))
    if not -len(shape_) <= axis < len(shape_):
        raise ValueError(f"`ops.unstack`: `axis`={axis} is out of range for shape {shape_}.")
    size = shape_[axis]
    if num is not None and size is not None and num != size:
        raise ValueError(f"`ops.unstack`: `num`={num} does not match axis {axis} of size {size}.")
    if any_symbolic(x):
        count = size if size is not None else num
        if count is None:
            raise ValueError(
                "`ops.unstack`: cannot unstack an axis of unknown size without `num`. "
                f"Received: x.shape={shape_}, axis={axis}"
            )
        rest = shape_[:axis] + shape_[axis + 1 :] if axis != -1 else shape_[:-1]
        return [KerasTensor(rest, x.dtype) for _ in range(count)]
    return B.core.unstack(x, num=num, axis=axis)


def slice(inputs, start_indices, shape):
    """The block of ``inputs`` of size ``shape`` that starts at ``start_indices``.

    Example:
        >>> lamina.ops.slice(np.arange(12).reshape(3, 4), (1, 1), (2, 2))
        array([[ 5,  6],
               [ 9, 10]])
    """
    in_shape = tuple(shape_of(inputs))
    if len(start_indices) != len(in_shape) or len(shape) != len(in_shape):
        raise ValueError(
            "`ops.slice`: `start_indices` and `shape` need one entry per axis of `inputs` "
            f"(rank {len(in_shape)}). Received: start_indices={start_indices}, shape={shape}"
        )
    if any_symbolic(inputs):
        return KerasTensor(tuple(shape), inputs.dtype)
    return B.core.slice(inputs, start_indices, shape)


def slice_update(inputs, start_indices, updates):
    """``inputs`` with the block at ``start_indices`` replaced by ``updates``.

    Example:
        >>> lamina.ops.slice_update(np.zeros((3, 3)), (1, 1), np.ones((2, 2)))
        array([[0., 0., 0.],
               [0., 1., 1.],
               [0., 1., 1.]])
    """
    if any_symbolic(inputs, updates):
        return KerasTensor(shape_of(inputs), dtype_of(inputs))
    return B.core.slice_update(inputs, start_indices, updates)


def scatter(indices, values, shape):
    """A zero tensor of ``shape`` with ``values`` added at ``indices`` (duplicates summed).

    Example:
        >>> lamina.ops.scatter(np.array([[0], [2]]), np.array([1.0, 5.0]), (4,))
        array([1., 0., 5., 0.])
    """
    if any_symbolic(indices, values):
        return KerasTensor(tuple(shape), dtype_of(values))
    return B.core.scatter(indices, values, shape)


def scatter_update(inputs, indices, updates, reduction=None):
    """``inputs`` with ``updates`` written at ``indices`` (``reduction="add"`` adds instead).

    Example:
        >>> lamina.ops.scatter_update(np.zeros(4), np.array([[1], [3]]), np.array([5.0, 7.0]))
        array([0., 5., 0., 7.])
    """
    if reduction not in (None, "add"):
        raise ValueError(
            "`ops.scatter_update`: `reduction` must be None (replace) or 'add'. "
            f"Received: reduction={reduction!r}"
        )
    if any_symbolic(inputs, indices, updates):
        return KerasTensor(shape_of(inputs), dtype_of(inputs))
    if reduction == "add":
        x = B.core.convert_to_tensor(inputs)
        added = B.core.scatter(indices, B.core.cast(updates, dtype_of(x)), B.core.shape(x))
        return B.numpy.add(x, added)
    return B.core.scatter_update(inputs, indices, updates)
