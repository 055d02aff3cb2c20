"""Element-wise ops of two inputs on PyTorch tensors: arithmetic, comparison, logic and bits,
selection (`where`, `select`), number theory.
"""

from __future__ import annotations

import torch

from lamina.backend.common import dtypes
from lamina.backend.common.numpy_rules import defined_ops, dtype_of, float64_for_int64
from lamina.backend.torch.core import convert_to_tensor
from lamina.backend.torch.numpy._helpers import (
    _as_tensor,
    _operands,
    _promote_float,
    _wide,
    promote,
)
from lamina.backend.torch.numpy.shapes import nonzero


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
    # Dividing by 1 where x2 is 0 keeps the gradient finite there (x1 / 0 would give nan).
    quotient = x1 / x2.masked_fill(zero, 1)
    return quotient.masked_fill(zero, 0)


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
    dtype = float64_for_int64(dtypes.result_type(dtype_of(x1), dtype_of(x2)))
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


# Comparison and logic -----------------------------------------------------------------------


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


# Bits ---------------------------------------------------------------------------------------


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


# Closeness, membership and selection --------------------------------------------------------


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
    dtype = dtypes.result_type(*(dtype_of(c) for c in choicelist), dtype_of(default))
    out = convert_to_tensor(default, dtype)
    for cond, choice in reversed(list(zip(condlist, choicelist))):
        cond = convert_to_tensor(cond).to(torch.bool)
        out = torch.where(cond, convert_to_tensor(choice, dtype), out)
    shape = torch.broadcast_shapes(*(convert_to_tensor(c).shape for c in (*condlist, *choicelist)))
    return torch.broadcast_to(out, shape).clone() if out.shape != shape else out


# Number theory and floating-point steps -----------------------------------------------------


def gcd(x1, x2):
    x1, x2 = promote(x1, x2)
    return torch.gcd(x1, x2)


def lcm(x1, x2):
    x1, x2 = promote(x1, x2)
    return torch.lcm(x1, x2)


def ldexp(x1, x2):
    dtype = dtypes.result_type(dtype_of(x1), dtype_of(x2), dtypes.WEAK_FLOAT)
    x1 = _as_tensor(x1, dtype)
    exponent = convert_to_tensor(x2).to(torch.float64)
    return (x1.to(torch.float64) * torch.pow(2.0, exponent)).to(x1.dtype)


def nextafter(x1, x2):
    x1, x2 = _promote_float(x1, x2)
    return torch.nextafter(_as_tensor(x1, dtype_of(x1)), _as_tensor(x2, dtype_of(x1)))


__all__ = defined_ops(globals())
