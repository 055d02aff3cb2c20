"""NumPy-style ops: `lamina.ops.add`, `lamina.ops.matmul`, `lamina.ops.reshape`, ...

The ops live in one module per family (creation; element-wise of one input, with
exponentials, logarithms, powers and trigonometric functions apart; element-wise of two
inputs; comparison and selection; reductions, NaN-ignoring reductions; shapes; joining and
splitting; products and indexing); this package gathers them under one name.

Each op has Keras 3's name, signature and defaults. On backend tensors, NumPy arrays, Python
scalars and Variables it calls the active backend directly (the fast path is one type check);
on symbolic `KerasTensor`s it returns a `KerasTensor` with the inferred shape and dtype.

Result dtypes follow Keras 3 on every backend: float-valued functions (``sqrt``, ``exp``,
``mean``, ``true_divide``, ...) of integers give `lamina.config.floatx()`; comparisons give
``bool``; ``sum``/``prod`` of ``bool``/``int8``/``int16`` give ``int32`` (``uint8``/``uint16``
give ``uint32``); indices (``argmax``, ``argsort``, ``searchsorted``, ...) are ``int32``.
"""

from lamina.ops.numpy import (
    binary,
    creation,
    joining,
    nan_reductions,
    products,
    reductions,
    selection,
    shapes,
    transcendental,
    unary,
)
from lamina.ops.numpy.binary import *  # noqa: F403
from lamina.ops.numpy.creation import *  # noqa: F403
from lamina.ops.numpy.joining import *  # noqa: F403
from lamina.ops.numpy.nan_reductions import *  # noqa: F403
from lamina.ops.numpy.products import *  # noqa: F403
from lamina.ops.numpy.reductions import *  # noqa: F403
from lamina.ops.numpy.selection import *  # noqa: F403
from lamina.ops.numpy.shapes import *  # noqa: F403
from lamina.ops.numpy.transcendental import *  # noqa: F403
from lamina.ops.numpy.unary import *  # noqa: F403

__all__ = [
    *creation.__all__,
    *unary.__all__,
    *transcendental.__all__,
    *binary.__all__,
    *selection.__all__,
    *reductions.__all__,
    *nan_reductions.__all__,
    *shapes.__all__,
    *joining.__all__,
    *products.__all__,
]
