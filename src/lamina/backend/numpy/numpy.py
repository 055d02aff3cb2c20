"""NumPy-style ops on NumPy arrays (the NumPy backend, and symbolic shape inference).

Result dtypes follow Keras 3 (see `lamina.ops.numpy`); NumPy's own promotion is never relied
on: inputs are cast to the result dtype first.
"""

from __future__ import annotations

import builtins
import warnings

import numpy as np

from lamina import config
from lamina.backend.common import dtypes
from lamina.backend.numpy.core import cast, convert_to_numpy, convert_to_tensor


def _dtype(x) -> str:
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        return dtypes.dtype_of_python_scalar(x) or dtypes.standardize_dtype(np.asarray(x).dtype)
    return dtypes.standardize_dtype(dtype)


def _np_dtype(dtype):
    return dtypes.to_numpy_dtype(dtypes.standardize_dtype(dtype))


def promote(x1, x2):
    """Both arguments as arrays of their promoted dtype (Keras 3 rules)."""
    if type(x1) is np.ndarray and type(x2) is np.ndarray and x1.dtype == x2.dtype:
        return x1, x2
    dtype = dtypes.result_type(_dtype(x1), _dtype(x2))
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _promote_float(x1, x2):
    dtype = dtypes.result_type(_dtype(x1), _dtype(x2), dtypes.WEAK_FLOAT)
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def _float_dtype(dtype: str) -> str:
    return config.floatx() if dtype == "bool" or dtypes.is_int(dtype) else dtype


def _to_float(x):
    """``x`` as an array, cast to floatx when it holds ints or bools."""
    x = convert_to_tensor(x)
    return cast(x, _float_dtype(_dtype(x)))


def _sum_dtype(dtype: str) -> str:
    if dtype in ("bool", "int8", "int16"):
        return "int32"
    if dtype in ("uint8", "uint16"):
        return "uint32"
    return dtype


def _out(x, dtype):
    """``x`` as an ndarray of ``dtype`` (NumPy reductions return scalars)."""
    return np.asarray(x, dtype=_np_dtype(dtype))


def _compute_dtype(dtype: str):
    """Half-precision floats are computed in float32 (as NumPy's own reductions do)."""
    return np.float32 if dtype in ("float16", "bfloat16") else _np_dtype(dtype)


# Creation -----------------------------------------------------------------------------------


def arange(start, stop=None, step=None, dtype=None):
    if dtype is None:
        values = [v for v in (start, stop, step) if v is not None]
        dtype = dtypes.result_type(*(_dtype(v) for v in values))
    if stop is None:
        start, stop = 0, start
    return np.arange(start, stop, 1 if step is None else step, dtype=_np_dtype(dtype))


def array(x, dtype=None):
    return np.array(convert_to_tensor(x, dtype))


def zeros(shape, dtype=None):
    return np.zeros(shape, dtype=_np_dtype(dtype))


def ones(shape, dtype=None):
    return np.ones(shape, dtype=_np_dtype(dtype))


def empty(shape, dtype=None):
    return np.zeros(shape, dtype=_np_dtype(dtype))


def full(shape, fill_value, dtype=None):
    return np.full(shape, convert_to_tensor(fill_value), dtype=_np_dtype(dtype))


def zeros_like(x, dtype=None):
    x = convert_to_tensor(x)
    return np.zeros(x.shape, dtype=_np_dtype(dtype or x.dtype))


def ones_like(x, dtype=None):
    x = convert_to_tensor(x)
    return np.ones(x.shape, dtype=_np_dtype(dtype or x.dtype))


def empty_like(x, dtype=None):
    return zeros_like(x, dtype)


def full_like(x, fill_value, dtype=None):
    x = convert_to_tensor(x)
    return np.full(x.shape, convert_to_tensor(fill_value), dtype=_np_dtype(dtype or x.dtype))


def eye(N, M=None, k=0, dtype=None):
    return np.eye(N, M, k=k, dtype=_np_dtype(dtype))


def identity(n, dtype=None):
    return np.identity(n, dtype=_np_dtype(dtype))


def tri(N, M=None, k=0, dtype=None):
    return np.tri(N, M, k=k, dtype=_np_dtype(dtype))


def tril(x, k=0):
    return np.tril(convert_to_tensor(x), k=k)


def triu(x, k=0):
    return np.triu(convert_to_tensor(x), k=k)


def _space_dtype(start, stop, dtype):
    return dtype or dtypes.result_type(_dtype(start), _dtype(stop), dtypes.WEAK_FLOAT)


def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    dtype = _space_dtype(start, stop, dtype)
    out = np.linspace(
        convert_to_tensor(start), convert_to_tensor(stop), num, endpoint, True, None, axis
    )
    values = out[0]
    if dtypes.is_int(dtypes.standardize_dtype(dtype)):
        values = np.floor(values)
    values = values.astype(_np_dtype(dtype))
    return (values, _out(out[1], dtype)) if retstep else values


def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0):
    dtype = _space_dtype(start, stop, dtype)
    out = np.logspace(
        convert_to_tensor(start), convert_to_tensor(stop), num, endpoint, base, axis=axis
    )
    return out.astype(_np_dtype(dtype))


def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0):
    dtype = _space_dtype(start, stop, dtype)
    out = np.geomspace(convert_to_tensor(start), convert_to_tensor(stop), num, endpoint, axis=axis)
    return out.astype(_np_dtype(dtype))


def meshgrid(*x, indexing="xy"):
    return list(np.meshgrid(*(convert_to_tensor(v) for v in x), indexing=indexing))


def diag(x, k=0):
    return np.diag(convert_to_tensor(x), k=k)


def diagflat(x, k=0):
    return np.diagflat(convert_to_tensor(x), k=k)


def diagonal(x, offset=0, axis1=0, axis2=1):
    return np.diagonal(convert_to_tensor(x), offset=offset, axis1=axis1, axis2=axis2).copy()


def vander(x, N=None, increasing=False):
    x = convert_to_tensor(x)
    return np.vander(x, N=N, increasing=increasing).astype(x.dtype)


def copy(x):
    return np.array(convert_to_tensor(x), copy=True)


def _window(values):
    return values.astype(_np_dtype(config.floatx()))


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


def _keep(fn, x):
    x = convert_to_tensor(x)
    return _out(fn(x), x.dtype)


def _floating(fn, x):
    x = _to_float(x)
    with np.errstate(all="ignore"):  # log(0), sqrt(-1), ...: inf/nan, silently, as elsewhere
        return _out(fn(x), x.dtype)


def _float64_for_int64(x):
    x = convert_to_tensor(x)
    return cast(x, "float64") if _dtype(x) == "int64" else _to_float(x)


def abs(x):
    return _keep(np.abs, x)


def absolute(x):
    return _keep(np.abs, x)


def fabs(x):
    return _floating(np.abs, x)


def negative(x):
    return _keep(np.negative, x)


def sign(x):
    x = convert_to_tensor(x)
    return x.copy() if x.dtype == np.bool_ else np.sign(x)


def square(x):
    x = convert_to_tensor(x)
    if x.dtype == np.bool_:
        x = x.astype(np.int32)
    return np.square(x)


def sqrt(x):
    return _floating(np.sqrt, x)


def cbrt(x):
    x = _float64_for_int64(x)
    return _out(np.cbrt(x), x.dtype)


def exp(x):
    return _floating(np.exp, x)


def exp2(x):
    return _floating(np.exp2, x)


def expm1(x):
    return _floating(np.expm1, x)


def log(x):
    return _floating(np.log, x)


def log1p(x):
    return _floating(np.log1p, x)


def log2(x):
    return _floating(np.log2, x)


def log10(x):
    return _floating(np.log10, x)


def sin(x):
    return _floating(np.sin, x)


def cos(x):
    return _floating(np.cos, x)


def tan(x):
    return _floating(np.tan, x)


def arcsin(x):
    return _floating(np.arcsin, x)


def arccos(x):
    return _floating(np.arccos, x)


def arctan(x):
    return _floating(np.arctan, x)


def sinh(x):
    return _floating(np.sinh, x)


def cosh(x):
    return _floating(np.cosh, x)


def tanh(x):
    return _floating(np.tanh, x)


def arcsinh(x):
    return _floating(np.arcsinh, x)


def arccosh(x):
    return _floating(np.arccosh, x)


def arctanh(x):
    return _floating(np.arctanh, x)


def sinc(x):
    return _floating(np.sinc, x)


def i0(x):
    x = _to_float(x)
    return _out(np.i0(x.astype(np.float64)), x.dtype)


def deg2rad(x):
    x = _float64_for_int64(x)
    return _out(np.deg2rad(x), x.dtype)


def rad2deg(x):
    x = _float64_for_int64(x)
    return _out(np.rad2deg(x), x.dtype)


def floor(x):
    return _floating(np.floor, x)


def ceil(x):
    return _floating(np.ceil, x)


def trunc(x):
    x = convert_to_tensor(x)
    return x.copy() if x.dtype.kind in "biu" else np.trunc(x)


def round(x, decimals=0):
    x = convert_to_tensor(x)
    if x.dtype.kind in "iu" and decimals < 0:
        factor = 10 ** (-decimals)
        return _out(np.round(x.astype(np.float64) / factor) * factor, x.dtype)
    return _out(np.round(x, decimals), x.dtype)


def reciprocal(x):
    return _floating(np.reciprocal, x)


def conjugate(x):
    return _keep(np.conjugate, x)


def conj(x):
    return conjugate(x)


def real(x):
    return _keep(np.real, x)


def imag(x):
    return _keep(np.imag, x)


def angle(x):
    x = convert_to_tensor(x)
    if x.dtype.kind == "c":
        return np.angle(x)
    x = _to_float(x)
    return _out(np.angle(x), x.dtype)


def isnan(x):
    return np.isnan(convert_to_tensor(x))


def isinf(x):
    return np.isinf(convert_to_tensor(x))


def isfinite(x):
    return np.isfinite(convert_to_tensor(x))


def isneginf(x):
    return np.isneginf(convert_to_tensor(x))


def isposinf(x):
    return np.isposinf(convert_to_tensor(x))


def isreal(x):
    return np.isreal(convert_to_tensor(x))


def signbit(x):
    return np.signbit(convert_to_tensor(x))


def logical_not(x):
    return np.logical_not(convert_to_tensor(x))


def bitwise_invert(x):
    return np.invert(convert_to_tensor(x))


def bitwise_not(x):
    return bitwise_invert(x)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = convert_to_tensor(x)
    return np.nan_to_num(x, copy=True, nan=nan, posinf=posinf, neginf=neginf).astype(x.dtype)


def clip(x, x_min, x_max):
    x = convert_to_tensor(x)
    dtype = "int32" if x.dtype == np.bool_ else _dtype(x)
    x_min = None if x_min is None else convert_to_tensor(x_min)
    x_max = None if x_max is None else convert_to_tensor(x_max)
    return _out(np.clip(x, x_min, x_max), dtype)


# Element-wise, two inputs -------------------------------------------------------------------


def add(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.add(x1, x2)


def subtract(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == np.bool_:
        return np.logical_xor(x1, x2)
    return np.subtract(x1, x2)


def multiply(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.multiply(x1, x2)


def divide(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(np.divide(x1, x2), x1.dtype)


def true_divide(x1, x2):
    return divide(x1, x2)


def divide_no_nan(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(np.where(x2 == 0, 0, np.divide(x1, x2)), x1.dtype)


def floor_divide(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == np.bool_:
        x1, x2 = x1.astype(np.int32), x2.astype(np.int32)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(np.floor_divide(x1, x2), x1.dtype)


def mod(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == np.bool_:
        x1, x2 = x1.astype(np.int32), x2.astype(np.int32)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(np.mod(x1, x2), x1.dtype)


def fmod(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == np.bool_:
        x1, x2 = x1.astype(np.int32), x2.astype(np.int32)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(np.fmod(x1, x2), x1.dtype)


def power(x1, x2):
    x1, x2 = promote(x1, x2)
    return _out(np.power(x1, x2), x1.dtype)


def maximum(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.maximum(x1, x2)


def minimum(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.minimum(x1, x2)


def fmax(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.fmax(x1, x2)


def fmin(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.fmin(x1, x2)


def arctan2(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return _out(np.arctan2(x1, x2), x1.dtype)


def _promote_float64_for_int64(x1, x2):
    dtype = dtypes.result_type(_dtype(x1), _dtype(x2))
    dtype = "float64" if dtype == "int64" else _float_dtype(dtype)
    return convert_to_tensor(x1, dtype), convert_to_tensor(x2, dtype)


def hypot(x1, x2):
    x1, x2 = _promote_float64_for_int64(x1, x2)
    return _out(np.hypot(x1, x2), x1.dtype)


def heaviside(x1, x2):
    x1, x2 = _promote_float64_for_int64(x1, x2)
    return _out(np.heaviside(x1, x2), x1.dtype)


def logaddexp(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return _out(np.logaddexp(x1, x2), x1.dtype)


def logaddexp2(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return _out(np.logaddexp2(x1, x2), x1.dtype)


def _compare(fn, x1, x2):
    x1, x2 = promote(x1, x2)
    return np.asarray(fn(x1, x2))


def equal(x1, x2):
    return _compare(np.equal, x1, x2)


def not_equal(x1, x2):
    return _compare(np.not_equal, x1, x2)


def less(x1, x2):
    return _compare(np.less, x1, x2)


def less_equal(x1, x2):
    return _compare(np.less_equal, x1, x2)


def greater(x1, x2):
    return _compare(np.greater, x1, x2)


def greater_equal(x1, x2):
    return _compare(np.greater_equal, x1, x2)


def logical_and(x1, x2):
    return np.logical_and(convert_to_tensor(x1), convert_to_tensor(x2))


def logical_or(x1, x2):
    return np.logical_or(convert_to_tensor(x1), convert_to_tensor(x2))


def logical_xor(x1, x2):
    return np.logical_xor(convert_to_tensor(x1), convert_to_tensor(x2))


def bitwise_and(x, y):
    x, y = promote(x, y)
    return np.bitwise_and(x, y)


def bitwise_or(x, y):
    x, y = promote(x, y)
    return np.bitwise_or(x, y)


def bitwise_xor(x, y):
    x, y = promote(x, y)
    return np.bitwise_xor(x, y)


def bitwise_left_shift(x, y):
    x, y = promote(x, y)
    return _out(np.left_shift(x, y), x.dtype)


def bitwise_right_shift(x, y):
    x, y = promote(x, y)
    return _out(np.right_shift(x, y), x.dtype)


def left_shift(x, y):
    return bitwise_left_shift(x, y)


def right_shift(x, y):
    return bitwise_right_shift(x, y)


def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    x1, x2 = promote(x1, x2)
    return np.asarray(np.isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan))


def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False):
    return np.asarray(np.all(isclose(x1, x2, rtol=rtol, atol=atol, equal_nan=equal_nan)))


def isin(x1, x2, assume_unique=False, invert=False):
    x1, x2 = promote(x1, x2)
    return np.isin(x1, x2, assume_unique=assume_unique, invert=invert)


def where(condition, x1=None, x2=None):
    condition = convert_to_tensor(condition).astype(bool)
    if x1 is None and x2 is None:
        return nonzero(condition)
    x1, x2 = promote(x1, x2)
    return np.where(condition, x1, x2)


def select(condlist, choicelist, default=0):
    dtype = dtypes.result_type(*(_dtype(c) for c in choicelist), _dtype(default))
    choices = [convert_to_tensor(c, dtype) for c in choicelist]
    conds = [convert_to_tensor(c).astype(bool) for c in condlist]
    return _out(np.select(conds, choices, convert_to_tensor(default, dtype)), dtype)


# Reductions ---------------------------------------------------------------------------------


def _axis_arg(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def sum(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    dtype = _sum_dtype(_dtype(x))
    return _out(np.sum(x, axis=_axis_arg(axis), keepdims=keepdims, dtype=_np_dtype(dtype)), dtype)


def prod(x, axis=None, keepdims=False, dtype=None):
    x = convert_to_tensor(x)
    dtype = dtypes.standardize_dtype(dtype) if dtype else _sum_dtype(_dtype(x))
    out = np.prod(x, axis=_axis_arg(axis), keepdims=keepdims, dtype=_compute_dtype(dtype))
    return _out(out, dtype)


def mean(x, axis=None, keepdims=False):
    x = _to_float(x)
    out = np.mean(x, axis=_axis_arg(axis), keepdims=keepdims, dtype=_compute_dtype(_dtype(x)))
    return _out(out, x.dtype)


def max(x, axis=None, keepdims=False, initial=None):
    x = convert_to_tensor(x)
    kwargs = {} if initial is None else {"initial": initial}
    return _out(np.max(x, axis=_axis_arg(axis), keepdims=keepdims, **kwargs), x.dtype)


def min(x, axis=None, keepdims=False, initial=None):
    x = convert_to_tensor(x)
    kwargs = {} if initial is None else {"initial": initial}
    return _out(np.min(x, axis=_axis_arg(axis), keepdims=keepdims, **kwargs), x.dtype)


def amax(x, axis=None, keepdims=False):
    return max(x, axis=axis, keepdims=keepdims)


def amin(x, axis=None, keepdims=False):
    return min(x, axis=axis, keepdims=keepdims)


def ptp(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    return _out(np.ptp(x, axis=_axis_arg(axis), keepdims=keepdims), x.dtype)


def std(x, axis=None, keepdims=False):
    x = _to_float(x)
    out = np.std(x, axis=_axis_arg(axis), keepdims=keepdims, dtype=_compute_dtype(_dtype(x)))
    return _out(out, x.dtype)


def var(x, axis=None, keepdims=False):
    x = _to_float(x)
    out = np.var(x, axis=_axis_arg(axis), keepdims=keepdims, dtype=_compute_dtype(_dtype(x)))
    return _out(out, x.dtype)


def all(x, axis=None, keepdims=False):
    return np.asarray(np.all(convert_to_tensor(x), axis=_axis_arg(axis), keepdims=keepdims))


def any(x, axis=None, keepdims=False):
    return np.asarray(np.any(convert_to_tensor(x), axis=_axis_arg(axis), keepdims=keepdims))


def argmax(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    return _out(np.argmax(x, axis=axis, keepdims=keepdims), "int32")


def argmin(x, axis=None, keepdims=False):
    x = convert_to_tensor(x)
    return _out(np.argmin(x, axis=axis, keepdims=keepdims), "int32")


def count_nonzero(x, axis=None):
    return _out(np.count_nonzero(convert_to_tensor(x), axis=_axis_arg(axis)), "int32")


def average(x, axis=None, weights=None):
    if weights is None:
        return mean(x, axis=axis)
    x, weights = _promote_float(x, weights)
    dtype = x.dtype
    compute = _compute_dtype(_dtype(x))
    return _out(np.average(x.astype(compute), axis, weights.astype(compute)), dtype)


def _quantile(fn, x, q, axis, method, keepdims):
    x = _to_float(x)
    compute = _compute_dtype(_dtype(x))
    q = convert_to_tensor(q, compute)
    out = fn(x.astype(compute), q, axis=_axis_arg(axis), method=method, keepdims=keepdims)
    return _out(out, x.dtype)


def quantile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(np.quantile, x, q, axis, method, keepdims)


def percentile(x, q, axis=None, method="linear", keepdims=False):
    return _quantile(np.percentile, x, q, axis, method, keepdims)


def median(x, axis=None, keepdims=False):
    return _quantile(np.quantile, x, 0.5, axis, "linear", keepdims)


def cumsum(x, axis=None, dtype=None):
    x = convert_to_tensor(x)
    dtype = dtypes.standardize_dtype(dtype) if dtype else _dtype(x)
    dtype = "int32" if dtype == "bool" else dtype
    return _out(np.cumsum(x, axis=axis, dtype=_compute_dtype(dtype)), dtype)


def cumprod(x, axis=None, dtype=None):
    x = convert_to_tensor(x)
    dtype = dtypes.standardize_dtype(dtype) if dtype else _dtype(x)
    dtype = "int32" if dtype == "bool" else dtype
    return _out(np.cumprod(x, axis=axis, dtype=_compute_dtype(dtype)), dtype)


# Sorting and searching ----------------------------------------------------------------------


def sort(x, axis=-1):
    return np.sort(convert_to_tensor(x), axis=axis)


def argsort(x, axis=-1):
    return _out(np.argsort(convert_to_tensor(x), axis=axis, kind="stable"), "int32")


def argpartition(x, kth, axis=-1):
    return _out(np.argpartition(convert_to_tensor(x), kth, axis=axis), "int32")


def searchsorted(sorted_sequence, values, side="left"):
    sorted_sequence, values = promote(sorted_sequence, values)
    return _out(np.searchsorted(sorted_sequence, values, side=side), "int32")


def digitize(x, bins):
    bins, x = promote(bins, x)
    return _out(np.searchsorted(bins, x, side="right"), "int32")


# Shape and layout ---------------------------------------------------------------------------


def matmul(x1, x2):
    x1, x2 = promote(x1, x2)
    if x1.dtype == np.int8:
        x1, x2 = x1.astype(np.int32), x2.astype(np.int32)
    return np.matmul(x1, x2)


def reshape(x, newshape):
    newshape = (newshape,) if isinstance(newshape, (int, np.integer)) else tuple(newshape)
    return np.reshape(convert_to_tensor(x), newshape)


def expand_dims(x, axis):
    return np.expand_dims(convert_to_tensor(x), _axis_arg(axis))


def squeeze(x, axis=None):
    return np.squeeze(convert_to_tensor(x), axis=_axis_arg(axis))


def transpose(x, axes=None):
    return np.transpose(convert_to_tensor(x), axes)


def moveaxis(x, source, destination):
    return np.moveaxis(convert_to_tensor(x), source, destination)


def swapaxes(x, axis1, axis2):
    return np.swapaxes(convert_to_tensor(x), axis1, axis2)


def _promote_all(xs):
    dtype = dtypes.result_type(*(_dtype(x) for x in xs))
    return [convert_to_tensor(x, dtype) for x in xs]


def concatenate(xs, axis=0):
    return np.concatenate(_promote_all(xs), axis=axis)


def stack(x, axis=0):
    return np.stack(_promote_all(x), axis=axis)


def hstack(xs):
    return np.hstack(_promote_all(xs))


def vstack(xs):
    return np.vstack(_promote_all(xs))


def dstack(xs):
    return np.dstack(_promote_all(xs))


def split(x, indices_or_sections, axis=0):
    return np.split(convert_to_tensor(x), _indices(indices_or_sections), axis=axis)


def array_split(x, indices_or_sections, axis=0):
    return np.array_split(convert_to_tensor(x), _indices(indices_or_sections), axis=axis)


def _indices(indices_or_sections):
    if isinstance(indices_or_sections, (int, np.integer)):
        return int(indices_or_sections)
    return [int(i) for i in convert_to_numpy(indices_or_sections)]


def hsplit(x, indices_or_sections):
    x = convert_to_tensor(x)
    return split(x, indices_or_sections, axis=1 if x.ndim > 1 else 0)


def vsplit(x, indices_or_sections):
    return split(x, indices_or_sections, axis=0)


def dsplit(x, indices_or_sections):
    return split(x, indices_or_sections, axis=2)


def tile(x, repeats):
    return np.tile(convert_to_tensor(x), repeats)


def repeat(x, repeats, axis=None):
    return np.repeat(convert_to_tensor(x), convert_to_tensor(repeats), axis=axis)


def _pad_widths(pad_width, ndim):
    """``pad_width`` (an int, a pair, or one pair per axis) as one (before, after) per axis."""
    return np.broadcast_to(np.asarray(convert_to_numpy(pad_width), dtype="int64"), (ndim, 2))


def pad(x, pad_width, mode="constant", constant_values=None):
    x = convert_to_tensor(x)
    widths = _pad_widths(pad_width, x.ndim)
    if mode == "constant":
        value = 0 if constant_values is None else constant_values
        return np.pad(x, widths, mode="constant", constant_values=value)
    return np.pad(x, widths, mode=mode)


def flip(x, axis=None):
    return np.flip(convert_to_tensor(x), axis=_axis_arg(axis))


def fliplr(x):
    return flip(x, axis=1)


def flipud(x):
    return flip(x, axis=0)


def rot90(array, k=1, axes=(0, 1)):
    return np.rot90(convert_to_tensor(array), k=k, axes=tuple(axes))


def roll(x, shift, axis=None):
    return np.roll(convert_to_tensor(x), shift, axis=_axis_arg(axis))


def broadcast_to(x, shape):
    return np.broadcast_to(convert_to_tensor(x), tuple(shape)).copy()


def take(x, indices, axis=None):
    x = convert_to_tensor(x)
    indices = convert_to_tensor(indices)
    return np.take(x, indices.astype(np.int64), axis=axis)


def take_along_axis(x, indices, axis=None):
    x = convert_to_tensor(x)
    indices = convert_to_tensor(indices).astype(np.int64)
    if axis is None:
        return np.take_along_axis(x.reshape(-1), indices.reshape(-1), 0).reshape(indices.shape)
    shape = list(np.broadcast_shapes(_with(x.shape, axis, 1), _with(indices.shape, axis, 1)))
    x = np.broadcast_to(x, _with(shape, axis, x.shape[axis]))
    indices = np.broadcast_to(indices, _with(shape, axis, indices.shape[axis]))
    return np.take_along_axis(x, indices, axis)


def _with(shape, axis, size):
    shape = list(shape)
    shape[axis] = size
    return tuple(shape)


def ravel(x):
    return np.ravel(convert_to_tensor(x))


def size(x):
    return np.asarray(np.size(convert_to_tensor(x)), dtype=np.int32)


def ndim(x):
    return np.ndim(convert_to_tensor(x))


def append(x1, x2, axis=None):
    x1, x2 = promote(x1, x2)
    return np.append(x1, x2, axis=axis)


def diff(a, n=1, axis=-1):
    a = convert_to_tensor(a)
    if a.dtype == np.bool_:
        out = a
        for _ in range(n):
            out = np.not_equal(np.delete(out, 0, axis=axis), np.delete(out, -1, axis=axis))
        return out
    return np.diff(a, n=n, axis=axis)


def nonzero(x):
    return tuple(_out(i, "int32") for i in np.nonzero(np.atleast_1d(convert_to_tensor(x))))


def unravel_index(indices, shape):
    indices = convert_to_tensor(indices)
    dtype = "int32" if indices.dtype == np.bool_ else _dtype(indices)
    return tuple(_out(i, dtype) for i in np.unravel_index(indices.astype(np.int64), shape))


def get_item(x, key):
    x = convert_to_tensor(x)
    if isinstance(key, tuple):
        key = tuple(_index(k) for k in key)
    else:
        key = _index(key)
    return np.asarray(x[key])


def _index(k):
    if k is None or k is Ellipsis or isinstance(k, (int, np.integer, builtins.slice)):
        return k
    return convert_to_tensor(k)


# Products -----------------------------------------------------------------------------------


def dot(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.asarray(np.dot(x1, x2))


def vdot(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.asarray(np.vdot(x1, x2))


def inner(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.asarray(np.inner(x1, x2))


def outer(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.outer(x1, x2)


def tensordot(x1, x2, axes=2):
    x1, x2 = promote(x1, x2)
    return np.asarray(np.tensordot(x1, x2, axes=axes))


def einsum(subscripts, *operands, **kwargs):
    operands = _promote_all(operands)
    dtype = _dtype(operands[0])
    dtype = "int32" if dtype == "int8" else dtype
    compute = _compute_dtype(dtype)
    operands = [o.astype(compute) for o in operands]
    return _out(np.einsum(subscripts, *operands, **kwargs), dtype)


def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None):
    x1, x2 = promote(x1, x2)
    return np.cross(x1, x2, axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)


def kron(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.kron(x1, x2)


def trace(x, offset=0, axis1=0, axis2=1):
    x = convert_to_tensor(x)
    dtype = _sum_dtype(_dtype(x))
    return _out(np.trace(x, offset, axis1, axis2, dtype=_np_dtype(dtype)), dtype)


# Statistics and signals ---------------------------------------------------------------------


def bincount(x, weights=None, minlength=0, sparse=False):
    x = convert_to_tensor(x)
    if weights is None:
        return _out(np.bincount(x.astype(np.int64), minlength=minlength), "int32")
    weights = convert_to_tensor(weights)
    dtype = dtypes.result_type(_dtype(x), _dtype(weights))
    out = np.bincount(x.astype(np.int64), weights.astype(np.float64), minlength=minlength)
    return _out(out, dtype)


def histogram(x, bins=10, range=None):
    x = convert_to_tensor(x)
    edges_dtype = _float_dtype(_dtype(x))
    counts, edges = np.histogram(x, bins=bins, range=range)
    return _out(counts, "int32"), _out(edges, edges_dtype)


def _correlate_dtype(dtype: str) -> str:
    if dtype == "int64":
        return "float64"
    return dtype if dtype in ("float16", "bfloat16", "float64") else "float32"


def correlate(x1, x2, mode="valid"):
    x1, x2 = promote(x1, x2)
    dtype = _correlate_dtype(_dtype(x1))
    compute = _compute_dtype(dtype)
    return _out(np.correlate(x1.astype(compute), x2.astype(compute), mode=mode), dtype)


def corrcoef(x):
    x = _to_float(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        return _out(np.corrcoef(x.astype(_compute_dtype(_dtype(x)))), x.dtype)


def trapezoid(y, x=None, dx=1.0, axis=-1):
    y = _to_float(y)
    compute = _compute_dtype(_dtype(y))
    if x is not None:
        x = convert_to_tensor(x).astype(compute)
    return _out(np.trapezoid(y.astype(compute), x=x, dx=dx, axis=axis), y.dtype)


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
    with warnings.catch_warnings():  # all-NaN slices give NaN, as intended
        warnings.simplefilter("ignore", RuntimeWarning)
        return _quantile(np.nanquantile, x, q, axis, method, keepdims)


# Number theory and floating-point steps -----------------------------------------------------


def gcd(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.gcd(x1, x2)


def lcm(x1, x2):
    x1, x2 = promote(x1, x2)
    return np.lcm(x1, x2)


def ldexp(x1, x2):
    dtype = dtypes.result_type(_dtype(x1), _dtype(x2), dtypes.WEAK_FLOAT)
    x1, x2 = convert_to_tensor(x1, dtype), convert_to_tensor(x2)
    return _out(np.ldexp(x1, x2.astype(np.int32)), dtype)


def nextafter(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return np.nextafter(x1, x2)
