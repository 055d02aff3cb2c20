"""Symbolic helpers shared by the neural-network op modules."""

from __future__ import annotations

from lamina import config
from lamina.backend.common import dtypes
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.ops.symbolic import dtype_of, shape_of

# ----------------------------------------------------------------------------------------
# Symbolic helpers.


def _float_dtype(x) -> str:
    dtype = dtype_of(x)
    if dtype in dtypes.FLOAT_TYPES or dtype.startswith("complex"):
        return dtype
    return config.floatx()


def _same_float(x) -> KerasTensor:
    """The KerasTensor of a float element-wise op (integer inputs give `floatx`)."""
    return KerasTensor(shape_of(x), _float_dtype(x))


def _check_axis(op, x, axis, name="axis"):
    ndim = len(shape_of(x))
    if not isinstance(axis, int) or not -max(ndim, 1) <= axis < max(ndim, 1):
        raise ValueError(
            f"`ops.{op}`: `{name}`={axis!r} is out of range for an input of rank {ndim} "
            f"(shape {tuple(shape_of(x))}). Expected an int in [{-ndim}, {ndim})."
        )
    return axis
