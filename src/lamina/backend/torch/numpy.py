"""NumPy-style ops on PyTorch tensors.

Result dtypes follow Keras 3 (see `lamina.ops.numpy`): inputs are cast to the result dtype
first. Tensors are created on `core.default_device()`. Torch reductions take ``dim=``, and
several torch kernels lack some dtypes (bool matmul, half-precision CPU kernels), so those
cases compute in a wider type and cast back.
"""

from __future__ import annotations

import builtins
import math

import numpy as np
import torch
import torch.nn.functional as F

from lamina import config
from lamina.backend.common import dtypes
from lamina.backend.torch.core import (
    cast,
    convert_to_numpy,
    convert_to_tensor,
    default_device,
    to_torch_dtype,
)


def _dtype(x) -> str:
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return dtypes.dtype_of_python_scalar(x) or dtypes.standardize_dtype(
            np.asarray(x).dtype if isinstance(x, (list, tuple)) else type(x)
        )
    return dtypes.standardize_dtype(dtype)


def _as_tensor(x, dtype):
    """``x`` as a tensor of ``dtype``; Python scalars skip the NumPy round trip."""
    if type(x) in (int, float, bool):
        return torch.tensor(x, dtype=_tdtype(dtype), device=default_device())
    return convert_to_tensor(x, dtype)


def promote(x1, x2):
    """Both arguments as tensors of their promoted dtype (Keras 3 rules)."""
    if type(x1) is torch.Tensor and type(x2) is torch.Tensor and x1.dtype == x2.dtype:
        return x1, x2
    dtype = dtypes.result_type(_dtype(x1), _dtype(x2))
    return _as_tensor(x1, dtype), _as_tensor(x2, dtype)


# Tensor dtypes that absorb a Python int / float operand (Keras' weak scalars keep them).
_TAKES_INT = {
    torch.uint8,
    torch.int8,
    torch.int16,
    torch.int32,
    torch.int64,
    torch.float16,
    torch.bfloat16,
    torch.float32,
    torch.float64,
    torch.complex64,
    torch.complex128,
}
_TAKES_FLOAT = {torch.float16, torch.bfloat16, torch.float32, torch.float64}


def _operands(x1, x2):
    """Operands for torch ops that take a Python scalar second: when the tensor's dtype is
    already the result dtype the scalar is passed as is (no tensor is made for it)."""
    if type(x1) is torch.Tensor:
        t2 = type(x2)
        if t2 is torch.Tensor:
            if x1.dtype == x2.dtype:
                return x1, x2
        elif (t2 is float and x1.dtype in _TAKES_FLOAT) or (t2 is int and x1.dtype in _TAKES_INT):
            return x1, x2
    return promote(x1, x2)


def _promote_float(x1, x2):
    if type(x1) is torch.Tensor and x1.dtype in _TAKES_FLOAT:
        if type(x2) in (int, float) or (type(x2) is torch.Tensor and x2.dtype == x1.dtype):
            return x1, x2
    dtype = dtypes.result_type(_dtype(x1), _dtype(x2), dtypes.WEAK_FLOAT)
    return _as_tensor(x1, dtype), _as_tensor(x2, dtype)


def _promote_all(xs):
    first = xs[0]
    if type(first) is torch.Tensor and builtins.all(
        type(x) is torch.Tensor and x.dtype == first.dtype for x in xs
    ):
        return xs
    dtype = dtypes.result_type(*(_dtype(x) for x in xs))
    return [_as_tensor(x, dtype) for x in xs]


def _float_dtype(dtype: str) -> str:
    return config.floatx() if dtype == "bool" or dtypes.is_int(dtype) else dtype


def _to_float(x):
    """``x`` as a tensor, cast to floatx when it holds ints or bools."""
    x = convert_to_tensor(x)
    return x if x.is_floating_point() or x.is_complex() else cast(x, _float_dtype(_dtype(x)))


def _sum_dtype(dtype: str) -> str:
    if dtype in ("bool", "int8", "int16"):
        return "int32"
    if dtype in ("uint8", "uint16"):
        return "uint32"
    return dtype


def _wide(x):
    """Half-precision floats as float32 (for kernels and accumulations), others unchanged."""
    return x.float() if x.dtype in (torch.float16, torch.bfloat16) else x


def _tdtype(dtype):
    return to_torch_dtype(dtypes.standardize_dtype(dtype))


def _dims(x, axis):
    """``axis`` as a tuple of non-negative dims (all dims when None)."""
    if axis is None:
        return tuple(range(x.ndim))
    axes = axis if isinstance(axis, (list, tuple)) else (axis,)
    return tuple(int(a) % builtins.max(x.ndim, 1) for a in axes)


def _flatten_axes(x, axis):
    """``x`` with the reduced ``axis`` moved last and merged, and the keepdims shape."""
    dims = _dims(x, axis)
    kept = [d for d in range(x.ndim) if d not in dims]
    y = x.permute(*kept, *dims).reshape(*[x.shape[d] for d in kept], -1)
    keep_shape = [1 if d in dims else x.shape[d] for d in range(x.ndim)]
    return y, keep_shape


# Creation -----------------------------------------------------------------------------------


def arange(start, stop=None, step=None, dtype=None):
    if dtype is None:
        values = [v for v in (start, stop, step) if v is not None]
        dtype = dtypes.result_type(*(_dtype(v) for v in values))
    if stop is None:
        start, stop = 0, start
    step = 1 if step is None else step
    return torch.arange(start, stop, step, dtype=_tdtype(dtype), device=default_device())


def array(x, dtype=None):
    x = convert_to_tensor(x, dtype)
    return x.clone() if isinstance(x, torch.nn.Parameter) else x


def zeros(shape, dtype=None):
    return torch.zeros(tuple(shape), dtype=_tdtype(dtype), device=default_device())


def ones(shape, dtype=None):
    return torch.ones(tuple(shape), dtype=_tdtype(dtype), device=default_device())


def empty(shape, dtype=None):
    return zeros(shape, dtype)


def full(shape, fill_value, dtype=None):
    value = convert_to_tensor(fill_value, dtypes.standardize_dtype(dtype))
    return torch.broadcast_to(value, tuple(shape)).clone()


def zeros_like(x, dtype=None):
    x = convert_to_tensor(x)
    return torch.zeros(x.shape, dtype=_tdtype(dtype) if dtype else x.dtype, device=x.device)


def ones_like(x, dtype=None):
    x = convert_to_tensor(x)
    return torch.ones(x.shape, dtype=_tdtype(dtype) if dtype else x.dtype, device=x.device)


def empty_like(x, dtype=None):
    return zeros_like(x, dtype)


def full_like(x, fill_value, dtype=None):
    x = convert_to_tensor(x)
    value = convert_to_tensor(fill_value, dtype or _dtype(x))
    return torch.broadcast_to(value, x.shape).clone()


def _diagonal_offsets(N, M):
    rows = torch.arange(N, device=default_device()).reshape(-1, 1)
    cols = torch.arange(N if M is None else M, device=default_device()).reshape(1, -1)
    return cols - rows


def eye(N, M=None, k=0, dtype=None):
    return (_diagonal_offsets(N, M) == k).to(_tdtype(dtype))


def identity(n, dtype=None):
    return eye(n, dtype=dtype)


def tri(N, M=None, k=0, dtype=None):
    return (_diagonal_offsets(N, M) <= k).to(_tdtype(dtype))


def tril(x, k=0):
    x = convert_to_tensor(x)
    mask = _diagonal_offsets(x.shape[-2], x.shape[-1]).to(x.device) <= k
    return torch.where(mask, x, torch.zeros((), dtype=x.dtype, device=x.device))


def triu(x, k=0):
    x = convert_to_tensor(x)
    mask = _diagonal_offsets(x.shape[-2], x.shape[-1]).to(x.device) >= k
    return torch.where(mask, x, torch.zeros((), dtype=x.dtype, device=x.device))


def _space_dtype(start, stop, dtype):
    return dtypes.standardize_dtype(
        dtype or dtypes.result_type(_dtype(start), _dtype(stop), dtypes.WEAK_FLOAT)
    )


def _linear_samples(start, stop, num, endpoint, axis, compute):
    """``num`` samples from ``start`` to ``stop`` (tensors broadcast), and the step."""
    start = convert_to_tensor(start, compute)
    stop = convert_to_tensor(stop, compute)
    start, stop = torch.broadcast_tensors(start, stop)
    div = (num - 1) if endpoint else num
    step = (stop - start) / builtins.max(div, 1)
    steps = torch.arange(num, dtype=start.dtype, device=start.device)
    steps = steps.reshape((num,) + (1,) * start.ndim)
    out = start + steps * step
    if endpoint and num > 1:
        last = (torch.arange(num, device=start.device) == num - 1).reshape(steps.shape)
        out = torch.where(last, stop, out)
    return torch.movedim(out, 0, axis), step


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    dtype = _space_dtype(start, stop, dtype)
    compute = dtype if dtypes.is_float(dtype) else "float64"
    out, step = _linear_samples(start, stop, num, endpoint, axis, compute)
    if dtypes.is_int(dtype):
        out = torch.floor(out)
    out = cast(out, dtype)
    return (out, cast(step, dtype)) if retstep else out


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    dtype = _space_dtype(start, stop, dtype)
    compute = dtype if dtypes.is_float(dtype) else "float64"
    exponents, _ = _linear_samples(start, stop, num, endpoint, axis, compute)
    return cast(torch.pow(convert_to_tensor(base, compute), exponents), dtype)


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    dtype = _space_dtype(start, stop, dtype)
    compute = dtype if dtypes.is_float(dtype) else "float64"
    start, stop = convert_to_tensor(start, compute), convert_to_tensor(stop, compute)
    sign = torch.sign(start)
    logs, _ = _linear_samples(
        torch.log10(torch.abs(start)), torch.log10(torch.abs(stop)), num, endpoint, 0, compute
    )
    out = sign * torch.pow(torch.tensor(10.0, dtype=logs.dtype, device=logs.device), logs)
    if num > 0:
        first = (torch.arange(num, device=out.device) == 0).reshape((num,) + (1,) * start.ndim)
        out = torch.where(first, torch.broadcast_to(start, out.shape[1:]), out)
        if endpoint and num > 1:
            last = (torch.arange(num, device=out.device) == num - 1).reshape(first.shape)
            out = torch.where(last, torch.broadcast_to(stop, out.shape[1:]), out)
    return cast(torch.movedim(out, 0, axis), dtype)


def meshgrid(*x, indexing="xy"):
    xs = [convert_to_tensor(v).reshape(-1) for v in x]
    shape = [v.shape[0] for v in xs]
    order = list(range(len(xs)))
    if indexing == "xy" and len(xs) >= 2:
        shape[0], shape[1] = shape[1], shape[0]
        order[0], order[1] = 1, 0
    out = []
    for v, axis in zip(xs, order):
        view = [1] * len(xs)
        view[axis] = -1
        out.append(v.reshape(view).expand(shape).clone())
    return out


def diag(x, k=0):
    return torch.diag(convert_to_tensor(x), k)


def diagflat(x, k=0):
    return torch.diagflat(convert_to_tensor(x), offset=k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    return torch.diagonal(convert_to_tensor(x), offset=offset, dim1=axis1, dim2=axis2)


def vander(x, N=None, increasing=False):
    x = convert_to_tensor(x)
    n = x.shape[0] if N is None else N
    powers = torch.arange(n, device=x.device)
    if not increasing:
        powers = torch.flip(powers, (0,))
    return torch.pow(x.reshape(-1, 1), powers.reshape(1, -1).to(x.dtype))


def copy(x):
    return convert_to_tensor(x).clone()


def _window(values):
    return convert_to_tensor(values, config.floatx())


def bartlett(x):
    return _window(np.bartlett(int(x)))


def blackman(x):
    return _window(np.blackman(int(x)))


def hamming(x):
    return _window(np.hamming(int(x)))


def hanning(x):
    return _window(np.hanning(int(x)))


def kaiser(x, beta):
    return _window(np.kaiser(int(x), float(beta)))


# Element-wise, one input --------------------------------------------------------------------


def _floating(fn, x):
    return fn(_to_float(x))


def _half_safe(fn, x):
    """``fn`` on ``x``, computed in float32 for half precision (missing CPU kernels)."""
    return fn(_wide(x)).to(x.dtype)


def _float64_for_int64(x):
    x = convert_to_tensor(x)
    return x.to(torch.float64) if x.dtype == torch.int64 else _to_float(x)


def abs(x):
    x = convert_to_tensor(x)
    return x.clone() if x.dtype == torch.bool else torch.abs(x)


def absolute(x):
    return abs(x)


def fabs(x):
    return torch.abs(_to_float(x))


def negative(x):
    return torch.neg(convert_to_tensor(x))


def sign(x):
    return torch.sign(convert_to_tensor(x))


def square(x):
    x = convert_to_tensor(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    return torch.square(x)


def sqrt(x):
    return _floating(torch.sqrt, x)


def cbrt(x):
    x = _float64_for_int64(x)
    return torch.sign(x) * torch.pow(torch.abs(x), 1.0 / 3.0)


def exp(x):
    return _floating(torch.exp, x)


def exp2(x):
    return _floating(torch.exp2, x)


def expm1(x):
    return _floating(torch.expm1, x)


def log(x):
    return _floating(torch.log, x)


def log1p(x):
    return _floating(torch.log1p, x)


def log2(x):
    return _floating(torch.log2, x)


def log10(x):
    return _floating(torch.log10, x)


def sin(x):
    return _floating(torch.sin, x)


def cos(x):
    return _floating(torch.cos, x)


def tan(x):
    return _floating(torch.tan, x)


def arcsin(x):
    return _floating(torch.asin, x)


def arccos(x):
    return _floating(torch.acos, x)


def arctan(x):
    return _floating(torch.atan, x)


def sinh(x):
    return _floating(torch.sinh, x)


def cosh(x):
    return _floating(torch.cosh, x)


def tanh(x):
    return _floating(torch.tanh, x)


def arcsinh(x):
    return _floating(torch.asinh, x)


def arccosh(x):
    return _floating(torch.acosh, x)


def arctanh(x):
    return _floating(torch.atanh, x)


def sinc(x):
    return _half_safe(torch.sinc, _to_float(x))


def i0(x):
    return _half_safe(torch.special.i0, _to_float(x))


def deg2rad(x):
    return _float64_for_int64(x) * (math.pi / 180.0)


def rad2deg(x):
    return _float64_for_int64(x) * (180.0 / math.pi)


def floor(x):
    return _floating(torch.floor, x)


def ceil(x):
    return _floating(torch.ceil, x)


def trunc(x):
    x = convert_to_tensor(x)
    return torch.trunc(x) if x.is_floating_point() else x.clone()


def round(x, decimals=0):
    x = convert_to_tensor(x)
    if x.is_floating_point():
        return _half_safe(lambda v: torch.round(v, decimals=decimals), x)
    if decimals >= 0:
        return x.clone()
    factor = 10.0 ** (-decimals)
    return (torch.round(x.to(torch.float64) / factor) * factor).to(x.dtype)


def reciprocal(x):
    return _floating(torch.reciprocal, x)


def conjugate(x):
    x = convert_to_tensor(x)
    return torch.conj(x).resolve_conj() if x.is_complex() else x.clone()


def conj(x):
    return conjugate(x)


def real(x):
    x = convert_to_tensor(x)
    return torch.real(x) if x.is_complex() else x.clone()


def imag(x):
    x = convert_to_tensor(x)
    return torch.imag(x) if x.is_complex() else torch.zeros_like(x)


def angle(x):
    x = convert_to_tensor(x)
    return torch.angle(x) if x.is_complex() else _half_safe(torch.angle, _to_float(x))


def isnan(x):
    return torch.isnan(convert_to_tensor(x))


def isinf(x):
    return torch.isinf(convert_to_tensor(x))


def isfinite(x):
    return torch.isfinite(convert_to_tensor(x))


def isneginf(x):
    return torch.isneginf(convert_to_tensor(x))


def isposinf(x):
    return torch.isposinf(convert_to_tensor(x))


def isreal(x):
    return torch.isreal(convert_to_tensor(x))


def signbit(x):
    return torch.signbit(convert_to_tensor(x))


def logical_not(x):
    return torch.logical_not(convert_to_tensor(x))


def bitwise_invert(x):
    return torch.bitwise_not(convert_to_tensor(x))


def bitwise_not(x):
    return bitwise_invert(x)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = convert_to_tensor(x)
    if not x.is_floating_point():
        return x.clone()
    return torch.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf)


def _bound(value, x):
    """A clip bound for ``x``: Python numbers pass through for floats, else cast to x's type."""
    if value is None:
        return None
    if type(value) in (int, float):
        if x.dtype in _TAKES_FLOAT:
            return value
        value = torch.tensor(value, dtype=torch.float64, device=x.device)
    return cast(value, x.dtype)


def clip(x, x_min, x_max):
    x = convert_to_tensor(x)
    if x.dtype == torch.bool:
        x = x.to(torch.int32)
    return torch.clamp(x, _bound(x_min, x), _bound(x_max, x))


# Element-wise, two inputs -------------------------------------------------------------------


def add(x1, x2):
    x1, x2 = _operands(x1, x2)
    return torch.add(x1, x2)


def subtract(x1, x2):
    x1, x2 = _operands(x1, x2)
    if x1.dtype == torch.bool:
        return torch.logical_xor(x1, x2)
    return torch.subtract(x1, x2)


def multiply(x1, x2):
    x1, x2 = _operands(x1, x2)
    return torch.mul(x1, x2)


def divide(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return torch.divide(x1, x2)


def true_divide(x1, x2):
    return divide(x1, x2)


def divide_no_nan(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    zero = x2 == 0
    safe = torch.where(zero, torch.ones_like(x2), x2)
    return torch.where(zero, torch.zeros_like(x1), x1 / safe)


def _int_from_bool(x1, x2):
    if x1.dtype == torch.bool:
        return x1.to(torch.int32), x2.to(torch.int32)
    return x1, x2


def floor_divide(x1, x2):
    x1, x2 = _int_from_bool(*promote(x1, x2))
    return torch.floor_divide(x1, x2)


def mod(x1, x2):
    x1, x2 = _int_from_bool(*promote(x1, x2))
    return torch.remainder(x1, x2)


def fmod(x1, x2):
    x1, x2 = _int_from_bool(*promote(x1, x2))
    return torch.fmod(x1, x2)


def power(x1, x2):
    x1, x2 = _operands(x1, x2)
    return torch.pow(x1, x2)


def maximum(x1, x2):
    x1, x2 = _operands(x1, x2)
    if type(x2) is not torch.Tensor:
        return torch.clamp_min(x1, x2)
    return torch.maximum(x1, x2)


def minimum(x1, x2):
    x1, x2 = _operands(x1, x2)
    if type(x2) is not torch.Tensor:
        return torch.clamp_max(x1, x2)
    return torch.minimum(x1, x2)


def fmax(x1, x2):
    x1, x2 = promote(x1, x2)
    return torch.fmax(x1, x2)


def fmin(x1, x2):
    x1, x2 = promote(x1, x2)
    return torch.fmin(x1, x2)


def arctan2(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return torch.atan2(x1, x2)


def _promote_float64_for_int64(x1, x2):
    dtype = dtypes.result_type(_dtype(x1), _dtype(x2))
    dtype = "float64" if dtype == "int64" else _float_dtype(dtype)
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def hypot(x1, x2):
    x1, x2 = _promote_float64_for_int64(x1, x2)
    return torch.hypot(x1, x2)


def heaviside(x1, x2):
    x1, x2 = _promote_float64_for_int64(x1, x2)
    return torch.heaviside(x1, x2)


def logaddexp(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return torch.logaddexp(_wide(x1), _wide(x2)).to(x1.dtype)


def logaddexp2(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return torch.logaddexp2(_wide(x1), _wide(x2)).to(x1.dtype)


def equal(x1, x2):
    return torch.eq(*_operands(x1, x2))


def not_equal(x1, x2):
    return torch.ne(*_operands(x1, x2))


def less(x1, x2):
    return torch.lt(*_operands(x1, x2))


def less_equal(x1, x2):
    return torch.le(*_operands(x1, x2))


def greater(x1, x2):
    return torch.gt(*_operands(x1, x2))


def greater_equal(x1, x2):
    return torch.ge(*_operands(x1, x2))


def logical_and(x1, x2):
    return torch.logical_and(convert_to_tensor(x1), convert_to_tensor(x2))


def logical_or(x1, x2):
    return torch.logical_or(convert_to_tensor(x1), convert_to_tensor(x2))


def logical_xor(x1, x2):
    return torch.logical_xor(convert_to_tensor(x1), convert_to_tensor(x2))


def bitwise_and(x, y):
    return torch.bitwise_and(*promote(x, y))


def bitwise_or(x, y):
    return torch.bitwise_or(*promote(x, y))


def bitwise_xor(x, y):
    return torch.bitwise_xor(*promote(x, y))


def bitwise_left_shift(x, y):
    return torch.bitwise_left_shift(*promote(x, y))


def bitwise_right_shift(x, y):
    return torch.bitwise_right_shift(*promote(x, y))


def left_shift(x, y):
    return bitwise_left_shift(x, y)


def right_shift(x, y):
    return bitwise_right_shift(x, y)


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    x1, x2 = promote(x1, x2)
    return torch.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return torch.all(isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))


def isin(x1, x2, assume_unique=False, invert=False):
    x1, x2 = promote(x1, x2)
    return torch.isin(x1, x2, assume_unique=assume_unique, invert=invert)


def where(condition, x1=None, x2=None):
    condition = convert_to_tensor(condition)
    if condition.dtype != torch.bool:
        condition = condition.to(torch.bool)
    if x1 is None and x2 is None:
        return nonzero(condition)
    x1, x2 = _operands(x1, x2)
    return torch.where(condition, x1, x2)


def select(condlist, choicelist, default=0):
    dtype = dtypes.result_type(*(_dtype(c) for c in choicelist), _dtype(default))
    out = convert_to_tensor(default, dtype)
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        cond = convert_to_tensor(cond).to(torch.bool)
        out = torch.where(cond, convert_to_tensor(choice, dtype), out)
    shape = torch.broadcast_shapes(*(convert_to_tensor(c).shape for c in (*condlist, *choicelist)))
    return torch.broadcast_to(out, shape).clone() if out.shape != shape else out


# Reductions ---------------------------------------------------------------------------------


def _keep_all(out, x, keepdims):
    return out.reshape((1,) * x.ndim) if keepdims else out


# Torch has no CPU sum/prod/cumsum kernels for these: accumulate in int64, then cast.
_ACCUMULATE_AS = {torch.uint16: torch.int64, torch.uint32: torch.int64, torch.uint64: torch.int64}


def sum(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    if x.dtype in _TAKES_FLOAT:
        if axis is None:
            return _keep_all(torch.sum(x), x, keepdims)
        return torch.sum(x, dim=axis, keepdim=keepdims)
    dtype = _tdtype(_sum_dtype(_dtype(x)))
    acc = _ACCUMULATE_AS.get(dtype, dtype)
    if axis is None:
        out = _keep_all(torch.sum(x, dtype=acc), x, keepdims)
    else:
        out = torch.sum(x, dim=_dims(x, axis), keepdim=keepdims, dtype=acc)
    return out.to(dtype)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = convert_to_tensor(x)
    dtype = dtypes.standardize_dtype(dtype) if dtype else _sum_dtype(_dtype(x))
    y, keep_shape = _flatten_axes(x, axis)
    target = _tdtype(dtype)
    acc = _ACCUMULATE_AS.get(target, target)
    out = torch.prod(y.to(acc), dim=-1, dtype=acc).to(target)
    return out.reshape(keep_shape) if keepdims else out


def mean(x, axis=None, keepdims=False):
    x = _to_float(x)
    if x.dtype in (torch.float32, torch.float64):
        if axis is None:
            return _keep_all(torch.mean(x), x, keepdims)
        return torch.mean(x, dim=axis, keepdim=keepdims)
    if axis is None:
        return _keep_all(torch.mean(_wide(x)), x, keepdims).to(x.dtype)
    return torch.mean(_wide(x), dim=_dims(x, axis), keepdim=keepdims).to(x.dtype)


def _extreme(fn, x, axis, keepdims, initial):
    x = convert_to_tensor(x)
    if x.ndim == 0:
        out = x.clone()
    elif axis is None:
        out = _keep_all(fn(x), x, keepdims)
    else:
        out = fn(x, dim=axis, keepdim=keepdims)
    if initial is not None:
        bound = _as_tensor(initial, _dtype(x))
        out = torch.maximum(out, bound) if fn is torch.amax else torch.minimum(out, bound)
    return out


def max(x, axis=None, keepdims=False, initial=None):
    return _extreme(torch.amax, x, axis, keepdims, initial)


def min(x, axis=None, keepdims=False, initial=None):
    return _extreme(torch.amin, x, axis, keepdims, initial)


def amax(x, axis=None, keepdims=False):
    return max(x, axis=axis, keepdims=keepdims)


def amin(x, axis=None, keepdims=False):
    return min(x, axis=axis, keepdims=keepdims)


def ptp(x, axis=None, keepdims=False):
    return subtract(max(x, axis, keepdims), min(x, axis, keepdims))


def var(x, axis=None, keepdims=False):
    x = _to_float(x)
    out = torch.var(_wide(x), dim=_dims(x, axis), correction=0, keepdim=keepdims)
    return out.to(x.dtype)


def std(x, axis=None, keepdims=False):
    x = _to_float(x)
    out = torch.std(_wide(x), dim=_dims(x, axis), correction=0, keepdim=keepdims)
    return out.to(x.dtype)


def all(x, axis=None, keepdims=False):
    x = convert_to_tensor(x).to(torch.bool)
    if axis is None:
        return _keep_all(torch.all(x), x, keepdims)
    return torch.all(x, dim=_dims(x, axis), keepdim=keepdims)


def any(x, axis=None, keepdims=False):
    x = convert_to_tensor(x).to(torch.bool)
    if axis is None:
        return _keep_all(torch.any(x), x, keepdims)
    return torch.any(x, dim=_dims(x, axis), keepdim=keepdims)


def _arg_extreme(fn, x, axis, keepdims):
    x = convert_to_tensor(x)
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    if axis is None:
        out = fn(x.reshape(-1))
        return _keep_all(out, x, keepdims).to(torch.int32)
    return fn(x, dim=axis, keepdim=keepdims).to(torch.int32)


def argmax(x, axis=None, keepdims=False):
    return _arg_extreme(torch.argmax, x, axis, keepdims)


def argmin(x, axis=None, keepdims=False):
    return _arg_extreme(torch.argmin, x, axis, keepdims)


def count_nonzero(x, axis=None):
    x = convert_to_tensor(x)
    return torch.count_nonzero(x, dim=_dims(x, axis)).to(torch.int32)


def average(x, axis=None, weights=None):
    if weights is None:
        return mean(x, axis=axis)
    x, weights = _promote_float(x, weights)
    if weights.ndim == 1 and x.ndim > 1:
        shape = [1] * x.ndim
        shape[axis] = -1
        weights = weights.reshape(shape)
    total = torch.sum(_wide(x * weights), dim=_dims(x, axis))
    return (total / torch.sum(_wide(torch.broadcast_to(weights, x.shape)), dim=_dims(x, axis))).to(
        x.dtype
    )


def _quantile(x, q, axis, method, keepdims, fn=torch.quantile):
    x = _to_float(x)
    compute = x.dtype if x.dtype in (torch.float32, torch.float64) else torch.float32
    q = convert_to_tensor(q).to(compute)
    y, keep_shape = _flatten_axes(x.to(compute), axis)
    out = fn(y, q, dim=-1, interpolation=method)
    if keepdims:
        out = out.reshape(*q.shape, *keep_shape)
    return out.to(x.dtype)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, q, axis, method, keepdims)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(x, convert_to_tensor(q, "float64") / 100.0, axis, method, keepdims)


def median(x, axis=None, keepdims=False):
    return _quantile(x, 0.5, axis, "linear", keepdims)


def _cumulative(fn, x, axis, dtype):
    x = convert_to_tensor(x)
    dtype = dtypes.standardize_dtype(dtype) if dtype else _dtype(x)
    dtype = "int32" if dtype == "bool" else dtype
    if axis is None:
        x, axis = x.reshape(-1), 0
    target = _tdtype(dtype)
    acc = _ACCUMULATE_AS.get(target, target)
    return fn(x.to(acc), dim=axis, dtype=acc).to(target)


def cumsum(x, axis=None, dtype=None):
    return _cumulative(torch.cumsum, x, axis, dtype)


def cumprod(x, axis=None, dtype=None):
    return _cumulative(torch.cumprod, x, axis, dtype)


# Sorting and searching ----------------------------------------------------------------------


def sort(x, axis=-1):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    return torch.sort(x, dim=axis, stable=True).values


def argsort(x, axis=-1):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    if x.dtype == torch.bool:
        x = x.to(torch.uint8)
    return torch.argsort(x, dim=axis, stable=True).to(torch.int32)


def argpartition(x, kth, axis=-1):
    return argsort(x, axis=axis)


def searchsorted(sorted_sequence, values, side="left"):
    sorted_sequence, values = promote(sorted_sequence, values)
    if values.dtype == torch.bool:
        sorted_sequence, values = sorted_sequence.to(torch.uint8), values.to(torch.uint8)
    right = side == "right"
    return torch.searchsorted(sorted_sequence, values, right=right, out_int32=True)


def digitize(x, bins):
    bins, x = promote(bins, x)
    return torch.searchsorted(bins, x, right=True, out_int32=True)


# Shape and layout ---------------------------------------------------------------------------


def _exact(fn, x1, x2):
    """``fn`` for int/bool operands: bools compute in int32; CUDA lacks int matmul kernels."""
    dtype = x1.dtype
    if dtype == torch.bool:
        return fn(x1.to(torch.int32), x2.to(torch.int32)) != 0
    if not (x1.is_floating_point() or x1.is_complex()) and x1.device.type != "cpu":
        return torch.round(fn(x1.to(torch.float64), x2.to(torch.float64))).to(dtype)
    return fn(x1, x2)


def matmul(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == torch.int8:
        x1, x2 = x1.to(torch.int32), x2.to(torch.int32)
    return _exact(torch.matmul, x1, x2)


def reshape(x, newshape):
    newshape = (newshape,) if isinstance(newshape, (int, np.integer)) else tuple(newshape)
    return torch.reshape(convert_to_tensor(x), newshape)


def expand_dims(x, axis):
    x = convert_to_tensor(x)
    if type(axis) is int:
        return torch.unsqueeze(x, axis if axis >= 0 else axis + x.ndim + 1)
    axes = axis if isinstance(axis, (list, tuple)) else (axis,)
    ndim = x.ndim + len(axes)
    for a in sorted(int(a) % ndim for a in axes):
        x = torch.unsqueeze(x, a)
    return x


def squeeze(x, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        return torch.squeeze(x)
    return torch.squeeze(x, dim=_dims(x, axis))


def transpose(x, axes=None):
    x = convert_to_tensor(x)
    if axes is None:
        axes = tuple(range(x.ndim - 1, -1, -1))
    return x.permute(*axes)


def moveaxis(x, source, destination):
    return torch.movedim(convert_to_tensor(x), source, destination)


def swapaxes(x, axis1, axis2):
    return torch.swapaxes(convert_to_tensor(x), axis1, axis2)


def concatenate(xs, axis=0):
    xs = _promote_all(xs)
    if axis is None:
        xs, axis = [x.reshape(-1) for x in xs], 0
    return torch.cat(xs, dim=axis)


def stack(x, axis=0):
    return torch.stack(_promote_all(x), dim=axis)


def hstack(xs):
    return torch.hstack(_promote_all(xs))


def vstack(xs):
    return torch.vstack(_promote_all(xs))


def dstack(xs):
    return torch.dstack(_promote_all(xs))


def _split_sizes(n, indices_or_sections):
    """Part sizes for NumPy's ``array_split`` (an int: nearly equal parts; else split points)."""
    if isinstance(indices_or_sections, (int, np.integer)):
        k = int(indices_or_sections)
        return [n // k + (1 if i < n % k else 0) for i in range(k)]
    points = [
        builtins.min(builtins.max(int(i) if i >= 0 else n + int(i), 0), n)
        for i in convert_to_numpy(indices_or_sections).tolist()
    ]
    bounds = [0, *points, n]
    return [builtins.max(bounds[i + 1] - bounds[i], 0) for i in range(len(bounds) - 1)]


def split(x, indices_or_sections, axis=0):
    return array_split(x, indices_or_sections, axis=axis)


def array_split(x, indices_or_sections, axis=0):
    x = convert_to_tensor(x)
    return list(torch.split(x, _split_sizes(x.shape[axis], indices_or_sections), dim=axis))


def hsplit(x, indices_or_sections):
    x = convert_to_tensor(x)
    return split(x, indices_or_sections, axis=1 if x.ndim > 1 else 0)


def vsplit(x, indices_or_sections):
    return split(x, indices_or_sections, axis=0)


def dsplit(x, indices_or_sections):
    return split(x, indices_or_sections, axis=2)


def tile(x, repeats):
    repeats = (repeats,) if isinstance(repeats, (int, np.integer)) else tuple(repeats)
    return torch.tile(convert_to_tensor(x), repeats)


def repeat(x, repeats, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    if not isinstance(repeats, (int, np.integer)):
        repeats = convert_to_tensor(repeats).to(torch.int64)
    return torch.repeat_interleave(x, repeats, dim=axis)


def _pad_widths(pad_width, ndim):
    return np.broadcast_to(np.asarray(convert_to_numpy(pad_width), dtype="int64"), (ndim, 2))


def _pad_source_indices(n, before, after, mode):
    """For each padded position along an axis, the index it copies (NumPy's pad modes)."""
    p = np.arange(-before, n + after)
    if mode == "edge" or n == 1:
        return np.clip(p, 0, n - 1)
    if mode == "wrap":
        return p % n
    if mode == "symmetric":
        q = p % (2 * n)
        return np.where(q < n, q, 2 * n - 1 - q)
    q = p % (2 * n - 2)  # reflect
    return np.where(q < n, q, 2 * n - 2 - q)


def pad(x, pad_width, mode="constant", constant_values=None):
    x = convert_to_tensor(x)
    widths = _pad_widths(pad_width, x.ndim)
    if mode == "constant":
        flat = [int(w) for pair in widths[::-1] for w in pair]
        value = 0 if constant_values is None else constant_values
        if x.dtype == torch.bool:
            return F.pad(x.to(torch.uint8), flat, value=value).to(torch.bool)
        return F.pad(x, flat, value=value)
    for axis, (before, after) in enumerate(widths.tolist()):
        if before or after:
            index = _pad_source_indices(x.shape[axis], before, after, mode)
            x = torch.index_select(x, axis, torch.as_tensor(index, device=x.device))
    return x


def flip(x, axis=None):
    x = convert_to_tensor(x)
    return torch.flip(x, _dims(x, axis))


def fliplr(x):
    return flip(x, axis=1)


def flipud(x):
    return flip(x, axis=0)


def rot90(array, k=1, axes=(0, 1)):
    return torch.rot90(convert_to_tensor(array), k, tuple(axes))


def roll(x, shift, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        return torch.roll(x.reshape(-1), shift).reshape(x.shape)
    return torch.roll(x, shift, axis)


def broadcast_to(x, shape):
    return torch.broadcast_to(convert_to_tensor(x), tuple(shape)).clone()


def _positive_indices(indices, size, device):
    """Int indices on ``device`` with negative ones counted from the end (as in NumPy)."""
    indices = convert_to_tensor(indices)
    if indices.dtype not in (torch.int64, torch.int32):
        indices = indices.to(torch.int64)
    if indices.device != device:
        indices = indices.to(device)
    return torch.where(indices < 0, indices + size, indices)


def take(x, indices, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        x, axis = x.reshape(-1), 0
    axis = int(axis) % x.ndim
    indices = _positive_indices(indices, x.shape[axis], x.device)
    if indices.ndim == 1:
        return torch.index_select(x, axis, indices)
    out = torch.index_select(x, axis, indices.reshape(-1))
    return out.reshape(*x.shape[:axis], *indices.shape, *x.shape[axis + 1 :])


def take_along_axis(x, indices, axis=None):
    x = convert_to_tensor(x)
    if axis is None:
        indices = _positive_indices(indices, x.numel(), x.device).to(torch.int64)
        return torch.take_along_dim(x.reshape(-1), indices.reshape(-1)).reshape(indices.shape)
    indices = _positive_indices(indices, x.shape[axis], x.device).to(torch.int64)
    return torch.take_along_dim(x, indices, dim=axis)


def ravel(x):
    return torch.reshape(convert_to_tensor(x), (-1,))


def size(x):
    x = convert_to_tensor(x)
    return torch.tensor(x.numel(), dtype=torch.int32, device=x.device)


def ndim(x):
    return convert_to_tensor(x).ndim


def append(x1, x2, axis=None):
    return concatenate([x1, x2], axis=axis)


def diff(a, n=1, axis=-1):
    a = convert_to_tensor(a)
    for _ in range(n):
        length = a.shape[axis]
        later, earlier = torch.narrow(a, axis, 1, length - 1), torch.narrow(a, axis, 0, length - 1)
        a = torch.ne(later, earlier) if a.dtype == torch.bool else later - earlier
    return a


def nonzero(x):
    x = convert_to_tensor(x)
    x = x.reshape(1) if x.ndim == 0 else x
    return tuple(i.to(torch.int32) for i in torch.nonzero(x, as_tuple=True))


def unravel_index(indices, shape):
    indices = convert_to_tensor(indices)
    dtype = torch.int32 if indices.dtype == torch.bool else indices.dtype
    out, rest = [], indices.to(torch.int64)
    for size in reversed(shape):
        out.append((rest % size).to(dtype))
        rest = torch.div(rest, size, rounding_mode="floor")
    return tuple(reversed(out))


def _index(k):
    if k is None or k is Ellipsis or isinstance(k, builtins.slice):
        return k
    if isinstance(k, (int, np.integer)):
        return int(k)
    k = convert_to_tensor(k)
    if k.dtype == torch.bool:
        return k
    return k.to(torch.int64) if k.ndim else int(k)


def _flip_negative_steps(x, key):
    """Torch slices need positive steps: flip those axes and slice them forward instead."""
    used = builtins.sum(
        k.ndim if isinstance(k, torch.Tensor) and k.dtype == torch.bool else 1
        for k in key
        if k is not None and k is not Ellipsis
    )
    out, dim = [], 0
    for k in key:
        if k is Ellipsis:
            dim += x.ndim - used
        elif isinstance(k, builtins.slice) and k.step is not None and k.step < 0:
            n = x.shape[dim]
            r = range(*k.indices(n))
            if len(r) == 0:
                k = builtins.slice(0, 0)
            else:
                x = torch.flip(x, (dim,))
                k = builtins.slice(n - 1 - r[0], n - r[-1], -k.step)
        if k is not None and k is not Ellipsis:
            dim += k.ndim if isinstance(k, torch.Tensor) and k.dtype == torch.bool else 1
        out.append(k)
    return x, out


_BASIC_INDEX = (int, type(None), type(Ellipsis))


def _is_basic(k):
    return type(k) in _BASIC_INDEX or (type(k) is builtins.slice and (k.step or 1) > 0)


def get_item(x, key):
    x = convert_to_tensor(x)
    if _is_basic(key) or (type(key) is tuple and builtins.all(_is_basic(k) for k in key)):
        return x[key]
    key = [_index(k) for k in (key if isinstance(key, tuple) else (key,))]
    if builtins.any(isinstance(k, builtins.slice) and (k.step or 1) < 0 for k in key):
        x, key = _flip_negative_steps(x, key)
    if builtins.any(isinstance(k, torch.Tensor) for k in key):
        # NumPy treats ints beside index arrays as (broadcast) index arrays too.
        key = [torch.tensor([k], device=x.device) if isinstance(k, int) else k for k in key]
        key = [k.to(x.device) if isinstance(k, torch.Tensor) else k for k in key]
    return x[tuple(key)]


# Products -----------------------------------------------------------------------------------


def _tensordot(x1, x2, dims):
    return _exact(lambda a, b: torch.tensordot(a, b, dims=dims), x1, x2)


def dot(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return x1 * x2
    return _tensordot(x1, x2, ([x1.ndim - 1], [builtins.max(x2.ndim - 2, 0)]))


def vdot(x1, x2):
    x1, x2 = promote(x1, x2)
    x1 = torch.conj(x1).resolve_conj() if x1.is_complex() else x1
    return _tensordot(x1.reshape(-1), x2.reshape(-1), 1)


def inner(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.ndim == 0 or x2.ndim == 0:
        return x1 * x2
    return _tensordot(x1, x2, ([x1.ndim - 1], [x2.ndim - 1]))


def outer(x1, x2):
    x1, x2 = promote(x1, x2)
    return x1.reshape(-1, 1) * x2.reshape(1, -1)


def tensordot(x1, x2, axes=2):
    x1, x2 = promote(x1, x2)
    if not isinstance(axes, (int, np.integer)):
        axes = [
            [int(a) % x.ndim for a in (ax if isinstance(ax, (list, tuple)) else [ax])]
            for ax, x in zip(axes, (x1, x2))
        ]
    return _tensordot(x1, x2, axes)


def einsum(subscripts, *operands, **kwargs):
    operands = _promote_all(operands)
    dtype = operands[0].dtype
    if dtype in _TAKES_FLOAT:
        return torch.einsum(subscripts, *operands)
    if dtype == torch.int8:
        operands = [o.to(torch.int32) for o in operands]
    if dtype == torch.bool:
        out = torch.einsum(subscripts, *[o.to(torch.int32) for o in operands])
        return out != 0
    if not operands[0].is_floating_point() and operands[0].device.type != "cpu":
        out = torch.einsum(subscripts, *[o.to(torch.float64) for o in operands])
        return torch.round(out).to(operands[0].dtype)
    return torch.einsum(subscripts, *operands)


def _cross_vectors(a, b):
    """Cross products of 2- or 3-vectors in the last axis (2-vectors have a zero z)."""
    if a.shape[-1] == 2 and b.shape[-1] == 2:
        return a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0]
    if a.shape[-1] == 2:
        a = F.pad(a, (0, 1))
    if b.shape[-1] == 2:
        b = F.pad(b, (0, 1))
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    return torch.stack([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0], dim=-1)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    x1, x2 = promote(x1, x2)
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = torch.movedim(x1, axisa, -1), torch.movedim(x2, axisb, -1)
    out = _cross_vectors(a, b)
    return torch.movedim(out, -1, axisc) if out.ndim == builtins.max(a.ndim, b.ndim) else out


def kron(x1, x2):
    x1, x2 = promote(x1, x2)
    return torch.kron(x1, x2)


def trace(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    dtype = _tdtype(_sum_dtype(_dtype(x)))
    return torch.sum(torch.diagonal(x, offset=offset, dim1=axis1, dim2=axis2), dim=-1, dtype=dtype)


# Statistics and signals ---------------------------------------------------------------------


def bincount(x, weights=None, minlength=0, sparse=False):
    x = convert_to_tensor(x).to(torch.int64)
    if weights is None:
        return torch.bincount(x, minlength=minlength).to(torch.int32)
    weights = convert_to_tensor(weights)
    dtype = dtypes.result_type(_dtype(x.to(torch.int32)), _dtype(weights))
    out = torch.bincount(x, weights=weights.to(torch.float64), minlength=minlength)
    return cast(out, dtype)


def histogram(x, bins=10, range=None):
    x = convert_to_tensor(x)
    edges_dtype = _float_dtype(_dtype(x))
    values = x.reshape(-1).to(torch.float64)
    if range is None:
        lo, hi = (values.min().item(), values.max().item()) if values.numel() else (0.0, 1.0)
    else:
        lo, hi = float(range[0]), float(range[1])
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    edges = torch.linspace(lo, hi, bins + 1, dtype=torch.float64, device=x.device)
    inside = (values >= lo) & (values <= hi)
    values = values[inside]
    index = torch.floor((values - lo) / (hi - lo) * bins).to(torch.int64).clamp(0, bins - 1)
    index = index - (values < edges[index]).to(torch.int64)
    index = index + ((values >= edges[index + 1]) & (index != bins - 1)).to(torch.int64)
    counts = torch.bincount(index, minlength=bins)
    return counts.to(torch.int32), cast(edges, edges_dtype)


def _correlate_dtype(dtype: str) -> str:
    if dtype == "int64":
        return "float64"
    return dtype if dtype in ("float16", "bfloat16", "float64") else "float32"


def _correlate_window(n, m, mode):
    """Start and length of ``mode``'s slice of the full correlation."""
    if mode == "full":
        return 0, n + m - 1
    if mode == "valid":
        return builtins.min(n, m) - 1, builtins.max(n, m) - builtins.min(n, m) + 1
    start = (m - 1) // 2 if m <= n else (n - 1) - (n - 1) // 2
    return start, builtins.max(n, m)


def correlate(x1, x2, mode="valid"):
    x1, x2 = promote(x1, x2)
    dtype = _correlate_dtype(_dtype(x1))
    a, v = _wide(cast(x1, dtype)), _wide(cast(x2, dtype))
    n, m = a.shape[0], v.shape[0]
    full_ = F.conv1d(F.pad(a, (m - 1, m - 1)).reshape(1, 1, -1), v.reshape(1, 1, -1)).reshape(-1)
    start, length = _correlate_window(n, m, mode)
    return cast(full_[start : start + length], dtype)


def corrcoef(x):
    x = _to_float(x)
    rows = _wide(x.reshape(1, -1) if x.ndim == 1 else x)
    centered = rows - torch.mean(rows, dim=1, keepdim=True)
    cov = centered @ centered.T
    d = torch.sqrt(torch.diagonal(cov))
    out = torch.clamp(cov / d.reshape(-1, 1) / d.reshape(1, -1), -1.0, 1.0)
    return (out.reshape(()) if x.ndim == 1 else out).to(x.dtype)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = _to_float(y)
    n = y.shape[axis]
    later, earlier = torch.narrow(y, axis, 1, n - 1), torch.narrow(y, axis, 0, n - 1)
    if x is None:
        d = dx
    else:
        x = convert_to_tensor(x, _dtype(y))
        if x.ndim == 1:
            shape = [1] * y.ndim
            shape[axis] = -1
            d = torch.diff(x).reshape(shape)
        else:
            d = diff(x, axis=axis)
    return torch.sum(_wide(d * (later + earlier) / 2.0), dim=axis).to(y.dtype)


# NaN-ignoring reductions (the same code on every backend, over this module's own ops) --------


def _nan_filled(x, fill):
    """``x`` with NaNs replaced by ``fill``, and the NaN mask (None when ``x`` is not float)."""
    x = convert_to_tensor(x)
    if not dtypes.is_float(_dtype(x)):
        return x, None
    nan = isnan(x)
    return where(nan, fill, x), nan


def _nan_compute_dtype(x):
    dtype = _dtype(x)
    return "float32" if dtype in ("float16", "bfloat16") else dtype


def nansum(x, axis=None, keepdims=False):
    return sum(_nan_filled(x, 0)[0], axis=axis, keepdims=keepdims)


def nanprod(x, axis=None, keepdims=False):
    return prod(_nan_filled(x, 1)[0], axis=axis, keepdims=keepdims)


def _nan_total_and_count(filled, nan, axis, keepdims):
    compute = _nan_compute_dtype(filled)
    total = sum(cast(filled, compute), axis=axis, keepdims=keepdims)
    count = sum(cast(logical_not(nan), compute), axis=axis, keepdims=keepdims)
    return total, count


def nanmean(x, axis=None, keepdims=False):
    filled, nan = _nan_filled(x, 0)
    if nan is None:
        return mean(x, axis=axis, keepdims=keepdims)
    total, count = _nan_total_and_count(filled, nan, axis, keepdims)
    return cast(divide(total, count), _dtype(filled))


def nanvar(x, axis=None, keepdims=False):
    filled, nan = _nan_filled(x, 0)
    if nan is None:
        return var(x, axis=axis, keepdims=keepdims)
    total, count = _nan_total_and_count(filled, nan, axis, True)
    centered = where(nan, 0, subtract(cast(filled, _dtype(total)), divide(total, count)))
    squares = sum(multiply(centered, centered), axis=axis, keepdims=keepdims)
    count = count if keepdims else squeeze(count, axis=axis)
    return cast(divide(squares, count), _dtype(filled))


def nanstd(x, axis=None, keepdims=False):
    return sqrt(nanvar(x, axis=axis, keepdims=keepdims))


def _nan_extreme(reduce, fill, x, axis, keepdims):
    filled, nan = _nan_filled(x, fill)
    out = reduce(filled, axis=axis, keepdims=keepdims)
    if nan is None:
        return out
    return where(all(nan, axis=axis, keepdims=keepdims), float("nan"), out)


def nanmax(x, axis=None, keepdims=False):
    return _nan_extreme(max, -np.inf, x, axis, keepdims)


def nanmin(x, axis=None, keepdims=False):
    return _nan_extreme(min, np.inf, x, axis, keepdims)


def nanargmax(x, axis=None, keepdims=False):
    return argmax(_nan_filled(x, -np.inf)[0], axis=axis, keepdims=keepdims)


def nanargmin(x, axis=None, keepdims=False):
    return argmin(_nan_filled(x, np.inf)[0], axis=axis, keepdims=keepdims)


def nancumsum(x, axis=None, dtype=None):
    return cumsum(_nan_filled(x, 0)[0], axis=axis, dtype=dtype)


def nancumprod(x, axis=None, dtype=None):
    return cumprod(_nan_filled(x, 1)[0], axis=axis, dtype=dtype)


def nanpercentile(x, q, axis=None, method="linear", keepdims=False):
    return nanquantile(x, divide(q, 100.0), axis=axis, method=method, keepdims=keepdims)


def nanmedian(x, axis=None, keepdims=False):
    return nanquantile(x, 0.5, axis=axis, keepdims=keepdims)


def nanquantile(x, q, axis=None, method="linear", keepdims=False):
    x = convert_to_tensor(x)
    if not dtypes.is_float(_dtype(x)):
        return quantile(x, q, axis=axis, method=method, keepdims=keepdims)
    return _quantile(x, q, axis, method, keepdims, torch.nanquantile)


# Number theory and floating-point steps -----------------------------------------------------


def gcd(x1, x2):
    x1, x2 = promote(x1, x2)
    return torch.gcd(x1, x2)


def lcm(x1, x2):
    x1, x2 = promote(x1, x2)
    return torch.lcm(x1, x2)


def ldexp(x1, x2):
    dtype = dtypes.result_type(_dtype(x1), _dtype(x2), dtypes.WEAK_FLOAT)
    x1 = _as_tensor(x1, dtype)
    exponent = convert_to_tensor(x2).to(torch.float64)
    return (x1.to(torch.float64) * torch.pow(2.0, exponent)).to(x1.dtype)


def nextafter(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return torch.nextafter(_as_tensor(x1, _dtype(x1)), _as_tensor(x2, _dtype(x1)))
