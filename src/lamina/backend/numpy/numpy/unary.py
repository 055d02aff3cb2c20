"""Element-wise ops of one input on NumPy arrays: `abs`, `sqrt`, `exp`, `sin`, `round`, `isnan`,
`clip`, ...
"""

from __future__ import annotations

import numpy as np

from lamina.backend.common.numpy_rules import defined_ops, part_dtype
from lamina.backend.numpy.core import cast, convert_to_tensor
from lamina.backend.numpy.numpy._helpers import _dtype, _out, _to_float


def _keep(fn, x):
    x = convert_to_tensor(x)
    return _out(fn(x), x.dtype)


def _part(fn, x):
    """``abs``/``real``/``imag``: real dtypes are kept, complex ones give their float part."""
    x = convert_to_tensor(x)
    return _out(fn(x), part_dtype(_dtype(x)))


def _floating(fn, x):
    x = _to_float(x)
    with np.errstate(all="ignore"):  # log(0), sqrt(-1), ...: inf/nan, silently, as elsewhere
        return _out(fn(x), x.dtype)


def _float64_for_int64(x):
    x = convert_to_tensor(x)
    return cast(x, "float64") if _dtype(x) == "int64" else _to_float(x)


def abs(x):
    return _part(np.abs, x)


def absolute(x):
    return _part(np.abs, x)


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


# Complex parts, predicates and clipping -----------------------------------------------------


def conjugate(x):
    return _keep(np.conjugate, x)


def conj(x):
    return conjugate(x)


def real(x):
    return _part(np.real, x)


def imag(x):
    return _part(np.imag, x)


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


__all__ = defined_ops(globals())
