"""TensorFlow backend core: tensors are `tf.Tensor`, variables wrap `tf.Variable`.

Steps are compiled with `tf.function`; variables are updated with their own `assign`.
"""

from __future__ import annotations

import numpy as np
import tensorflow as tf

from lamina.backend.common import dtypes
from lamina.backend.common.variables import Variable as _BaseVariable

SUPPORTS_SPARSE_TENSORS = True
IS_THREAD_SAFE = True


def to_tf_dtype(dtype):
    if isinstance(dtype, tf.DType):
        return dtype
    return tf.as_dtype(dtypes.standardize_dtype(dtype))


class Variable(_BaseVariable):
    def _store(self, value):
        self._value = tf.Variable(
            convert_to_tensor(value, dtype=self._dtype),
            trainable=self._trainable,
            name=self._path.replace("/", "_"),
        )

    def _assign_value(self, value):
        self._value.assign(convert_to_tensor(value, dtype=self._dtype))

    @property
    def value(self):
        return self._value

    @_BaseVariable.trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)

    def _tf_tensor(self, dtype=None, name=None):  # lets tf ops take a Variable
        return tf.convert_to_tensor(self._value, dtype=dtype)


tf.register_tensor_conversion_function(
    Variable, lambda v, dtype=None, name=None, as_ref=False: v._tf_tensor(dtype, name)
)


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
        dtype = to_tf_dtype(dtype)
    if isinstance(x, (tf.Tensor, tf.Variable)):
        if dtype is None or x.dtype == dtype:
            return x
        return tf.cast(x, dtype)
    if isinstance(x, _BaseVariable):
        return convert_to_tensor(x.value, dtype)
    if isinstance(x, tf.SparseTensor):
        return x if sparse else tf.sparse.to_dense(x)
    if dtype is None:
        scalar = dtypes.dtype_of_python_scalar(x)
        if scalar is not None:
            return tf.constant(x, dtype=to_tf_dtype(dtypes.result_type(scalar)))
        if not isinstance(x, np.ndarray):
            from lamina.backend.numpy.core import convert_to_tensor as np_convert

            x = np_convert(x)
    elif not isinstance(x, np.ndarray) and hasattr(x, "__array__"):
        x = np.asarray(x)
    return tf.convert_to_tensor(x, dtype=dtype)


def convert_to_numpy(x):
    """``x`` (a tensor, `Variable` or array-like) as a NumPy array, copied to the host if needed.

    Example:
        >>> lamina.backend.convert_to_numpy(lamina.ops.ones((2, 2)))
        array([[1., 1.],
               [1., 1.]], dtype=float32)
    """
    if isinstance(x, _BaseVariable):
        x = x.value
    if isinstance(x, tf.SparseTensor):
        x = tf.sparse.to_dense(x)
    if hasattr(x, "numpy"):
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
    return tf.is_tensor(x)


def shape(x):
    """Static dims where known, dynamic scalars where not (inside `tf.function`)."""
    static = x.shape.as_list() if hasattr(x.shape, "as_list") else list(x.shape)
    if None in static:
        dynamic = tf.shape(x)
        return tuple(dynamic[i] if d is None else d for i, d in enumerate(static))
    return tuple(static)


def cast(x, dtype):
    """``x`` as a tensor of ``dtype``; floats cast to ints are truncated toward zero.

    Example:
        >>> x = lamina.backend.cast(np.array([1.7, -2.5]), "int32")
        >>> lamina.backend.convert_to_numpy(x)
        array([ 1, -2], dtype=int32)
    """
    if isinstance(x, float) and to_tf_dtype(dtype).is_integer:
        # TensorFlow refuses to convert 2.7 to an integer tensor; a cast truncates it.
        return tf.cast(convert_to_tensor(x), to_tf_dtype(dtype))
    return convert_to_tensor(x, dtype)


def cond(pred, true_fn, false_fn):
    return tf.cond(pred, true_fn, false_fn)


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    is_tuple = isinstance(loop_vars, (list, tuple))
    loop_vars = tuple(loop_vars) if is_tuple else (loop_vars,)

    def body_fn(*v):
        out = body(*v)
        return tuple(out) if isinstance(out, (list, tuple)) else (out,)

    result = tf.while_loop(cond, body_fn, loop_vars, maximum_iterations=maximum_iterations)
    return tuple(result) if is_tuple else result[0]


def fori_loop(lower, upper, body_fun, init_val):
    return tf.while_loop(
        lambda i, v: i < upper, lambda i, v: (i + 1, body_fun(i, v)), (lower, init_val)
    )[1]


def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    from lamina.utils import tree

    if xs is None:
        xs_flat = []
        n = length
    else:
        xs_flat = [convert_to_tensor(a) for a in tree.flatten(xs)]
        n = xs_flat[0].shape[0] if xs_flat else length
    if not tf.executing_eagerly() and unroll is not True:
        return _graph_scan(f, init, xs, xs_flat, n, reverse)
    carry, ys = init, []
    order = range(n - 1, -1, -1) if reverse else range(n)
    for i in order:
        x = None if xs is None else tree.pack_sequence_as(xs, [a[i] for a in xs_flat])
        carry, y = f(carry, x)
        ys.append(y)
    if reverse:
        ys.reverse()
    if not ys or ys[0] is None:
        return carry, None
    return carry, tree.map_structure(lambda *a: tf.stack(a), *ys)


def _graph_scan(f, init, xs, xs_flat, n, reverse):
    """`scan` inside a TensorFlow graph: one ``tf.while_loop`` over TensorArrays, so the graph
    holds the step once whatever the number of steps (a Python loop would unroll it)."""
    from lamina.utils import tree

    if n is None:
        n = tf.shape(xs_flat[0])[0]
    # The inputs are read from TensorArrays: a slice ``xs[i]`` of a tensor captured by the
    # loop would have as gradient a zero-filled tensor of the whole of ``xs`` per step.
    xs_arrays = [
        tf.TensorArray(a.dtype, size=n, element_shape=a.shape[1:]).unstack(a) for a in xs_flat
    ]

    def x_at(i):
        return None if xs is None else tree.pack_sequence_as(xs, [a.read(i) for a in xs_arrays])

    def index(i):
        return n - 1 - i if reverse else i

    # The first step runs outside the loop: it gives the outputs' dtypes and shapes and the
    # carry's dtypes after one step (the loop's invariants).
    carry, y = f(init, x_at(index(0)))
    flat_y = [tf.convert_to_tensor(v) for v in tree.flatten(y)] if y is not None else []
    arrays = [
        tf.TensorArray(v.dtype, size=n, element_shape=v.shape).write(index(0), v) for v in flat_y
    ]
    flat_carry = [tf.convert_to_tensor(c) for c in tree.flatten(carry)]

    def body(i, arrays, flat):
        new_carry, y = f(tree.pack_sequence_as(carry, list(flat)), x_at(index(i)))
        new_flat = [
            tf.ensure_shape(tf.cast(c, o.dtype), o.shape)
            for c, o in zip(tree.flatten(new_carry), flat_carry)
        ]
        ys = tree.flatten(y) if y is not None else []
        return i + 1, [a.write(index(i), v) for a, v in zip(arrays, ys)], new_flat

    _, arrays, flat_carry = tf.while_loop(
        lambda i, *_: i < n, body, (tf.constant(1), arrays, flat_carry)
    )
    carry = tree.pack_sequence_as(carry, list(flat_carry))
    if y is None:
        return carry, None
    return carry, tree.pack_sequence_as(y, [a.stack() for a in arrays])


def stop_gradient(x):
    return tf.stop_gradient(convert_to_tensor(x))


def unstack(x, num=None, axis=0):
    return tf.unstack(convert_to_tensor(x), num=num, axis=axis)


def slice(inputs, start_indices, shape):
    return tf.slice(convert_to_tensor(inputs), start_indices, shape)


def slice_update(inputs, start_indices, updates):
    inputs = convert_to_tensor(inputs)
    updates = convert_to_tensor(updates, inputs.dtype)
    grid = tf.stack(
        tf.meshgrid(
            *[tf.range(s, s + n) for s, n in zip(start_indices, updates.shape)], indexing="ij"
        ),
        axis=-1,
    )
    return tf.tensor_scatter_nd_update(inputs, grid, updates)


def scatter(indices, values, shape):
    return tf.scatter_nd(convert_to_tensor(indices), convert_to_tensor(values), shape)


def scatter_update(inputs, indices, updates):
    inputs = convert_to_tensor(inputs)
    return tf.tensor_scatter_nd_update(
        inputs, convert_to_tensor(indices), convert_to_tensor(updates, inputs.dtype)
    )


def device_scope(device_name):
    return tf.device(device_name)


# Functional control flow, casts and gradients (added with lamina.ops.core).


def map(f, xs):
    from lamina.utils import tree

    probe = tree.map_structure(lambda a: convert_to_tensor(a)[0], xs)
    out = f(probe)
    signature = tree.map_structure(
        lambda o: tf.TensorSpec(convert_to_tensor(o).shape, convert_to_tensor(o).dtype), out
    )
    return tf.map_fn(f, xs, fn_output_signature=signature)


def switch(index, branches, *operands):
    index = convert_to_tensor(index, "int32")
    index = tf.clip_by_value(index, 0, len(branches) - 1)
    return tf.switch_case(index, [lambda b=b: b(*operands) for b in branches])


def vectorized_map(function, elements):
    return tf.vectorized_map(function, elements)


def associative_scan(f, elems, reverse=False, axis=0):
    from lamina.utils import tree

    flat = [convert_to_tensor(e) for e in tree.flatten(elems)]
    n = flat[0].shape[axis]
    order = range(n - 1, -1, -1) if reverse else range(n)

    def take(i):
        return tree.pack_sequence_as(elems, [tf.gather(a, [i], axis=axis) for a in flat])

    outs, carry = [None] * n, None
    for i in order:
        carry = take(i) if carry is None else f(carry, take(i))
        outs[i] = carry
    return tree.map_structure(lambda *a: tf.concat(a, axis=axis), *outs)


def saturate_cast(x, dtype):
    from lamina.backend.numpy.core import _saturate_bounds

    x = convert_to_tensor(x)
    bounds = _saturate_bounds(dtypes.standardize_dtype(x.dtype), dtypes.standardize_dtype(dtype))
    if bounds is not None:
        x = tf.clip_by_value(x, tf.cast(bounds[0], x.dtype), tf.cast(bounds[1], x.dtype))
    return cast(x, dtype)


def custom_gradient(fun):
    def decorated(*args, **kwargs):
        @tf.custom_gradient
        def inner(*inner_args):
            output, grad_fn = fun(*inner_args, **kwargs)

            def grad(*upstream):
                grads = grad_fn(*upstream)
                return tuple(grads) if isinstance(grads, (list, tuple)) else grads

            return output, grad

        return inner(*args)

    return decorated


def default_device():
    """The device TensorFlow places new tensors on (a GPU when one is visible)."""
    gpus = tf.config.list_logical_devices("GPU")
    return gpus[0].name if gpus else "/CPU:0"
