"""Element-wise ops of one input on PyTorch tensors: `abs`, `sqrt`, `exp`, `sin`, `round`,
`isnan`, `clip`, ...
"""

from __future__ import annotations

import math

import torch

from lamina.backend.common.numpy_rules import defined_ops
from lamina.backend.torch.core import cast, convert_to_tensor
from lamina.backend.torch.numpy._helpers import _TAKES_FLOAT, _to_float, _wide


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


# Complex parts, predicates and clipping -----------------------------------------------------


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


__all__ = defined_ops(globals())
