"""Shape and dtype inference for ops called on symbolic `KerasTensor`s.

Ops with simple rules (broadcasting, reductions) use them directly. Every other op can use
`infer`, which runs the NumPy backend's implementation of the same op on small concrete
arrays: unknown (``None``) dimensions are filled with two different sizes, and output
dimensions that change between the two runs are unknown in the result. This keeps one
implementation of each op's semantics (the backend's) rather than a second, hand-written one.
"""

from __future__ import annotations

import numpy as np

from lamina.backend.common import dtypes
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.backend.common.variables import Variable
from lamina.utils import tree

# Two sizes for unknown dimensions: large enough for typical kernels and windows.
_PROBE_SIZES = (7, 11)


def any_symbolic(*args) -> bool:
    """True when any argument (or any leaf of a list/tuple argument) is a `KerasTensor`."""
    for a in args:
        if type(a) is KerasTensor:
            return True
        if isinstance(a, (list, tuple)):
            for b in a:
                if type(b) is KerasTensor or (isinstance(b, (list, tuple)) and any_symbolic(*b)):
                    return True
    return False


def dtype_of(x) -> str:
    """Lamina dtype name of a tensor, variable, KerasTensor, array or Python scalar (weak)."""
    dtype = getattr(x, "dtype", None)
    if dtype is not None:
        return dtypes.standardize_dtype(dtype)
    weak = dtypes.dtype_of_python_scalar(x)
    if weak is not None:
        return weak
    return dtypes.standardize_dtype(np.asarray(x).dtype)


def shape_of(x) -> tuple:
    shape = getattr(x, "shape", None)
    if shape is None:
        return np.shape(x)
    return tuple(shape)


def broadcast_shapes(*shapes) -> tuple:
    """NumPy broadcasting with ``None`` for unknown sizes."""
    ndim = max(len(s) for s in shapes)
    out = []
    for i in range(ndim):
        dims = [s[len(s) - ndim + i] for s in shapes if len(s) - ndim + i >= 0]
        known = {d for d in dims if d is not None and d != 1}
        if len(known) > 1:
            raise ValueError(
                f"Shapes {', '.join(str(tuple(s)) for s in shapes)} cannot be broadcast together: "
                f"axis {i - ndim} has sizes {sorted(known)}."
            )
        if known:
            out.append(known.pop())
        elif None in dims:
            out.append(None)
        else:
            out.append(1)
    return tuple(out)


def elementwise(x1, x2, dtype=None) -> KerasTensor:
    """The KerasTensor result of a broadcasting binary op."""
    if dtype is None:
        dtype = dtypes.result_type(dtype_of(x1), dtype_of(x2))
    return KerasTensor(broadcast_shapes(shape_of(x1), shape_of(x2)), dtype)


def _concrete(x, size):
    if type(x) is KerasTensor:
        shape = tuple(size if d is None else d for d in x.shape)
        return np.zeros(shape, dtype=dtypes.to_numpy_dtype(x.dtype))
    if isinstance(x, Variable):
        return np.zeros(x.shape, dtype=dtypes.to_numpy_dtype(x.dtype))
    if hasattr(x, "shape") and hasattr(x, "dtype") and not isinstance(x, np.ndarray):
        from lamina.backend.numpy.core import convert_to_numpy

        return convert_to_numpy(x)
    return x


def _materialize(structure, size):
    if isinstance(structure, (list, tuple)):
        return type(structure)(_materialize(s, size) for s in structure)
    if isinstance(structure, dict):
        return {k: _materialize(v, size) for k, v in structure.items()}
    return _concrete(structure, size)


def infer(fn, *args, **kwargs):
    """Symbolic output(s) of ``fn`` (a NumPy-backend function) for symbolic arguments."""
    runs = []
    # The probes are zeros: a log or a division of them is expected, not worth a warning.
    with np.errstate(all="ignore"):
        for size in _PROBE_SIZES:
            runs.append(fn(*_materialize(args, size), **_materialize(kwargs, size)))
    a, b = runs

    def to_symbolic(x, y):
        x, y = np.asarray(x), np.asarray(y)
        shape = tuple(dx if dx == dy else None for dx, dy in zip(x.shape, y.shape))
        if x.ndim != y.ndim:
            raise ValueError("The output rank of this op depends on unknown input sizes.")
        return KerasTensor(shape, dtypes.standardize_dtype(x.dtype))

    return tree.map_structure(to_symbolic, a, b)
