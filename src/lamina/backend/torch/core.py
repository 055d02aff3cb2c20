"""PyTorch backend core: tensors are `torch.Tensor`, trainable variables are `nn.Parameter`s.

Steps run eagerly; optimizer and metric updates happen in place under `torch.no_grad()`.
"""

from __future__ import annotations

import builtins
import contextlib

import numpy as np
import torch

from lamina.backend.common import dtypes
from lamina.backend.common.variables import Variable as _BaseVariable

SUPPORTS_SPARSE_TENSORS = False
IS_THREAD_SAFE = True

_TORCH_DTYPES = {
    "bool": torch.bool,
    "uint8": torch.uint8,
    "uint16": torch.uint16,
    "uint32": torch.uint32,
    "uint64": torch.uint64,
    "int8": torch.int8,
    "int16": torch.int16,
    "int32": torch.int32,
    "int64": torch.int64,
    "float16": torch.float16,
    "bfloat16": torch.bfloat16,
    "float32": torch.float32,
    "float64": torch.float64,
    "complex64": torch.complex64,
    "complex128": torch.complex128,
}
_FROM_TORCH = {v: k for k, v in _TORCH_DTYPES.items()}


def to_torch_dtype(dtype):
    if isinstance(dtype, torch.dtype):
        return dtype
    return _TORCH_DTYPES[dtypes.standardize_dtype(dtype)]


def from_torch_dtype(dtype) -> str:
    return _FROM_TORCH[dtype]


def default_device():
    return _DEVICE


_DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")


def _adds_in_place(value, target):
    """Whether ``target += value`` gives what ``assign(target + value)`` gives."""
    if type(value) is torch.Tensor:
        return value.dtype == target.dtype and (value.ndim == 0 or value.shape == target.shape)
    if type(value) is int:
        return target.dtype != torch.bool
    return type(value) is float and target.is_floating_point()


class Variable(_BaseVariable):
    def _store(self, value):
        tensor = convert_to_tensor(value, dtype=self._dtype).to(_DEVICE)
        # A Parameter keeps requires_grad for float weights; ints and bools cannot have grads.
        grad = self._trainable and tensor.is_floating_point()
        self._value = torch.nn.Parameter(tensor.clone(), requires_grad=grad)

    def _assign_value(self, value):
        target = self._value
        if type(value) is not torch.Tensor or value.dtype != target.dtype:
            value = convert_to_tensor(value, dtype=target.dtype)
        if torch.is_grad_enabled():
            with torch.no_grad():
                target.copy_(value)
        else:  # (an optimizer's update already runs under no_grad)
            target.copy_(value)

    def assign_add(self, value):
        # In place (one operation instead of an add and a copy) when nothing needs converting:
        # the optimizer's step counter and the metrics' running sums take this path each step.
        target = self._value
        if _adds_in_place(value, target):
            if torch.is_grad_enabled():
                with torch.no_grad():
                    target.add_(value)
            else:
                target.add_(value)
            return target
        return super().assign_add(value)

    @property
    def value(self):
        return self._value

    @_BaseVariable.trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        if self._value.is_floating_point():
            self._value.requires_grad_(self._trainable)

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        # Lets torch functions take a Variable directly (e.g. in a user's own torch code).
        args = [a.value if isinstance(a, Variable) else a for a in args]
        return func(*args, **(kwargs or {}))


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
    if type(x) is torch.Tensor or type(x) is torch.nn.Parameter:
        if dtype is None:
            return x
        dtype = to_torch_dtype(dtype)
        return x if x.dtype == dtype else x.to(dtype)
    if isinstance(x, _BaseVariable):
        return convert_to_tensor(x.value, dtype)
    if dtype is not None:
        dtype = to_torch_dtype(dtype)
    if isinstance(x, np.ndarray):
        if x.dtype.kind in "biufc":  # (ml_dtypes' bfloat16 and float8 have kind "V")
            # (np.ascontiguousarray would turn a 0-d array into a 1-d one.)
            t = torch.from_numpy(x if x.flags.c_contiguous and x.flags.writeable else x.copy())
        else:
            t = torch.as_tensor(np.asarray(x, dtype=np.float32))
            if dtype is None:
                dtype = to_torch_dtype(dtypes.standardize_dtype(x.dtype))
        t = t.to(_DEVICE) if _DEVICE.type != "cpu" else t
        return t if dtype is None else t.to(dtype)
    if isinstance(x, torch.Tensor):
        return x if dtype is None else x.to(dtype)
    scalar = dtypes.dtype_of_python_scalar(x)
    if scalar is not None:
        if dtype is None:
            dtype = to_torch_dtype(dtypes.result_type(scalar))
        return torch.tensor(x, dtype=dtype, device=_DEVICE)
    from lamina.backend.numpy.core import convert_to_tensor as np_convert

    arr = np_convert(x)
    return convert_to_tensor(arr, dtype)


def convert_to_numpy(x):
    """``x`` (a tensor, `Variable` or array-like) as a NumPy array, copied to the host if needed.

    Example:
        >>> lamina.backend.convert_to_numpy(lamina.ops.ones((2, 2)))
        array([[1., 1.],
               [1., 1.]], dtype=float32)
    """
    if isinstance(x, _BaseVariable):
        x = x.value
    if isinstance(x, torch.Tensor):
        x = x.detach()
        if x.device.type != "cpu":
            x = x.cpu()
        if x.dtype == torch.bfloat16:
            return x.float().numpy().astype(dtypes.to_numpy_dtype("bfloat16"))
        return x.numpy()
    return np.asarray(x)


def is_tensor(x):
    """True when ``x`` is the backend's own tensor type (a NumPy array on the NumPy backend).

    Example:
        >>> lamina.backend.is_tensor(lamina.ops.ones((2,)))
        True
        >>> lamina.backend.is_tensor([1.0, 2.0])
        False
    """
    return isinstance(x, torch.Tensor)


def shape(x):
    return tuple(x.shape)


def cast(x, dtype):
    """``x`` as a tensor of ``dtype``; floats cast to ints are truncated toward zero.

    Example:
        >>> x = lamina.backend.cast(np.array([1.7, -2.5]), "int32")
        >>> lamina.backend.convert_to_numpy(x)
        array([ 1, -2], dtype=int32)
    """
    return convert_to_tensor(x, dtype)


def cond(pred, true_fn, false_fn):
    return true_fn() if bool(pred) else false_fn()


def while_loop(cond, body, loop_vars, maximum_iterations=None):
    is_tuple = isinstance(loop_vars, (list, tuple))
    loop_vars = tuple(loop_vars) if is_tuple else (loop_vars,)
    count = 0
    while bool(cond(*loop_vars)):
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
        xs = tree.map_structure(convert_to_tensor, xs)
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
    return carry, tree.map_structure(lambda *a: torch.stack(a), *ys)


def stop_gradient(x):
    return convert_to_tensor(x).detach()


def unstack(x, num=None, axis=0):
    return list(torch.unbind(convert_to_tensor(x), dim=axis))


def slice(inputs, start_indices, shape):
    inputs = convert_to_tensor(inputs)
    index = tuple(builtins.slice(int(s), int(s) + int(n)) for s, n in zip(start_indices, shape))
    return inputs[index]


def slice_update(inputs, start_indices, updates):
    inputs = convert_to_tensor(inputs).clone()
    updates = convert_to_tensor(updates)
    index = tuple(builtins.slice(int(s), int(s) + n) for s, n in zip(start_indices, updates.shape))
    inputs[index] = updates
    return inputs


def scatter(indices, values, shape):
    indices = convert_to_tensor(indices).long()
    values = convert_to_tensor(values)
    out = torch.zeros(tuple(shape), dtype=values.dtype, device=values.device)
    out.index_put_(tuple(torch.movedim(indices, -1, 0)), values, accumulate=True)
    return out


def scatter_update(inputs, indices, updates):
    inputs = convert_to_tensor(inputs).clone()
    indices = convert_to_tensor(indices).long()
    inputs[tuple(torch.movedim(indices, -1, 0))] = convert_to_tensor(updates, inputs.dtype)
    return inputs


def device_scope(device_name):
    return contextlib.nullcontext() if device_name is None else torch.device(device_name)


# Functional control flow, casts and gradients (added with lamina.ops.core).


def map(f, xs):
    from lamina.utils import tree

    n = tree.flatten(xs)[0].shape[0]
    ys = [f(tree.map_structure(lambda a, i=i: a[i], xs)) for i in range(n)]
    return tree.map_structure(lambda *a: torch.stack(a), *ys)


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
        return tree.pack_sequence_as(elems, [a.narrow(axis, i, 1) for a in flat])

    outs, carry = [None] * n, None
    for i in order:
        carry = take(i) if carry is None else f(carry, take(i))
        outs[i] = carry
    return tree.map_structure(lambda *a: torch.cat(a, dim=axis), *outs)


def saturate_cast(x, dtype):
    from lamina.backend.numpy.core import _saturate_bounds

    x = convert_to_tensor(x)
    bounds = _saturate_bounds(dtypes.standardize_dtype(x.dtype), dtypes.standardize_dtype(dtype))
    if bounds is not None:
        x = torch.clamp(x, *bounds)
    return cast(x, dtype)


class _CustomGradient(torch.autograd.Function):
    @staticmethod
    def forward(ctx, fun, kwargs, *args):
        output, grad_fn = fun(*args, **kwargs)
        ctx.grad_fn = grad_fn
        return output

    @staticmethod
    def backward(ctx, *upstream):
        grads = ctx.grad_fn(*upstream)
        grads = tuple(grads) if isinstance(grads, (list, tuple)) else (grads,)
        return (None, None, *grads)


def custom_gradient(fun):
    def decorated(*args, **kwargs):
        return _CustomGradient.apply(fun, kwargs, *args)

    return decorated
