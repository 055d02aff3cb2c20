"""Element-wise ops of one input on JAX arrays: `abs`, `sqrt`, `exp`, `sin`, `round`, `isnan`,
`clip`, ...
"""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

from lamina.backend.common.numpy_rules import defined_ops, part_dtype
from lamina.backend.jax.core import cast, convert_to_tensor
from lamina.backend.jax.numpy._helpers import _dtype, _out, _to_float


def _keep(fn, x):
    x = convert_to_tensor(x)
    return _out(fn(x), x.dtype)


def _part(fn, x):
    """``abs``/``real``/``imag``: real dtypes are kept, complex ones give their float part."""
    x = convert_to_tensor(x)
    return _out(fn(x), part_dtype(_dtype(x)))


def _floating(fn, x):
    x = _to_float(x)
    return _out(fn(x), x.dtype)


def _float64_for_int64(x):
    x = convert_to_tensor(x)
    return cast(x, "float64") if _dtype(x) == "int64" else _to_float(x)


def abs(x):
    return _part(jnp.abs, x)


def absolute(x):
    return _part(jnp.abs, x)


def fabs(x):
    return _floating(jnp.abs, x)


def negative(x):
    return _keep(jnp.negative, x)


def sign(x):
    x = convert_to_tensor(x)
    return x.copy() if x.dtype == np.bool_ else jnp.sign(x)


def square(x):
    x = convert_to_tensor(x)
    if x.dtype == np.bool_:
        x = x.astype(np.int32)
    return jnp.square(x)


def sqrt(x):
    return _floating(jnp.sqrt, x)


def cbrt(x):
    x = _float64_for_int64(x)
    return _out(jnp.cbrt(x), x.dtype)


def exp(x):
    return _floating(jnp.exp, x)


def exp2(x):
    return _floating(jnp.exp2, x)


def expm1(x):
    return _floating(jnp.expm1, x)


def log(x):
    return _floating(jnp.log, x)


def log1p(x):
    return _floating(jnp.log1p, x)


def log2(x):
    return _floating(jnp.log2, x)


def log10(x):
    return _floating(jnp.log10, x)


def sin(x):
    return _floating(jnp.sin, x)


def cos(x):
    return _floating(jnp.cos, x)


def tan(x):
    return _floating(jnp.tan, x)


def arcsin(x):
    return _floating(jnp.arcsin, x)


def arccos(x):
    return _floating(jnp.arccos, x)


def arctan(x):
    return _floating(jnp.arctan, x)


def sinh(x):
    return _floating(jnp.sinh, x)


def cosh(x):
    return _floating(jnp.cosh, x)


def tanh(x):
    return _floating(jnp.tanh, x)


def arcsinh(x):
    return _floating(jnp.arcsinh, x)


def arccosh(x):
    return _floating(jnp.arccosh, x)


def arctanh(x):
    return _floating(jnp.arctanh, x)


def sinc(x):
    return _floating(jnp.sinc, x)


def i0(x):
    x = _to_float(x)
    return _out(jnp.i0(x.astype(np.float64)), x.dtype)


def deg2rad(x):
    x = _float64_for_int64(x)
    return _out(jnp.deg2rad(x), x.dtype)


def rad2deg(x):
    x = _float64_for_int64(x)
    return _out(jnp.rad2deg(x), x.dtype)


def floor(x):
    return _floating(jnp.floor, x)


def ceil(x):
    return _floating(jnp.ceil, x)


def trunc(x):
    x = convert_to_tensor(x)
    return x.copy() if x.dtype.kind in "biu" else jnp.trunc(x)


def round(x, decimals=0):
    x = convert_to_tensor(x)
    if x.dtype.kind in "iu" and decimals < 0:
        factor = 10 ** (-decimals)
        return _out(jnp.round(x.astype(np.float64) / factor) * factor, x.dtype)
    return _out(jnp.round(x, decimals), x.dtype)


def reciprocal(x):
    return _floating(jnp.reciprocal, x)


# Complex parts, predicates and clipping -----------------------------------------------------


def conjugate(x):
    return _keep(jnp.conjugate, x)


def conj(x):
    return conjugate(x)


def real(x):
    return _part(jnp.real, x)


def imag(x):
    return _part(jnp.imag, x)


def angle(x):
    x = convert_to_tensor(x)
    if x.dtype.kind == "c":
        return jnp.angle(x)
    x = _to_float(x)
    return _out(jnp.angle(x), x.dtype)


def isnan(x):
    return jnp.isnan(convert_to_tensor(x))


def isinf(x):
    return jnp.isinf(convert_to_tensor(x))


def isfinite(x):
    return jnp.isfinite(convert_to_tensor(x))


def isneginf(x):
    return jnp.isneginf(convert_to_tensor(x))


def isposinf(x):
    return jnp.isposinf(convert_to_tensor(x))


def isreal(x):
    return jnp.isreal(convert_to_tensor(x))


def signbit(x):
    return jnp.signbit(convert_to_tensor(x))


def logical_not(x):
    return jnp.logical_not(convert_to_tensor(x))


def bitwise_invert(x):
    return jnp.invert(convert_to_tensor(x))


def bitwise_not(x):
    return bitwise_invert(x)


def nan_to_num(x, nan=0.0, posinf=None, neginf=None):
    x = convert_to_tensor(x)
    return jnp.nan_to_num(x, copy=True, nan=nan, posinf=posinf, neginf=neginf).astype(x.dtype)


def clip(x, x_min, x_max):
    x = convert_to_tensor(x)
    dtype = "int32" if x.dtype == np.bool_ else _dtype(x)
    x_min = None if x_min is None else convert_to_tensor(x_min)
    x_max = None if x_max is None else convert_to_tensor(x_max)
    return _out(jnp.clip(x, x_min, x_max), dtype)


__all__ = defined_ops(globals())
