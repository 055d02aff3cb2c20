"""A layer's dtype policy: the dtype of its variables and the dtype it computes in."""

from __future__ import annotations

from lamina import config
from lamina.backend.common import dtypes


class DTypePolicy:
    """Variable and compute dtypes: a dtype name, or 'mixed_float16' / 'mixed_bfloat16'."""

    __slots__ = ("name", "variable_dtype", "compute_dtype")

    def __init__(self, name=None):
        if isinstance(name, DTypePolicy):
            name = name.name
        if name is None:
            name = config.floatx()
        name = str(getattr(name, "name", name))
        if name.startswith("mixed_"):
            self.variable_dtype, self.compute_dtype = "float32", name[len("mixed_") :]
            if self.compute_dtype not in ("float16", "bfloat16"):
                raise ValueError(
                    "Mixed-precision policies are 'mixed_float16' and 'mixed_bfloat16'. "
                    f"Received: dtype={name!r}"
                )
        else:
            self.variable_dtype = self.compute_dtype = dtypes.standardize_dtype(name)
        self.name = name
