"""`Metric`: stateful metrics with `update_state`, `result` and `reset_state`.

State lives in non-trainable Variables created with `add_variable`, so compiled steps on
every backend carry it.
"""

from __future__ import annotations

import numpy as np

from lamina import backend
from lamina.backend.common import dtypes
from lamina.backend.common.variables import Variable, name_scope


class Metric:
    """Base metric. Subclasses create state in ``__init__`` with `add_variable` and define
    ``update_state(y_true, y_pred, sample_weight=None)`` and ``result()``.

    Example:
        >>> class TotalError(keras.metrics.Metric):
        ...     def __init__(self, name="total_error"):
        ...         super().__init__(name=name)
        ...         self.total = self.add_variable((), initializer="zeros", name="total")
        ...     def update_state(self, y_true, y_pred, sample_weight=None):
        ...         error = keras.ops.sum(keras.ops.abs(keras.ops.subtract(y_true, y_pred)))
        ...         self.total.assign(keras.ops.add(self.total, keras.ops.cast(error, self.dtype)))
        ...     def result(self):
        ...         return self.total.value
        >>> m = TotalError()
        >>> m.update_state(np.array([1.0, 2.0]), np.array([0.0, 4.0]))
        >>> m.result()
        array(3., dtype=float32)
    """

    def __init__(self, name=None, dtype=None):
        from lamina.utils import naming

        self.name = name or naming.to_snake_case(type(self).__name__)
        self._dtype = dtypes.standardize_dtype(dtype)
        self._variables: list[Variable] = []

    @property
    def dtype(self):
        return self._dtype

    @property
    def variables(self) -> list[Variable]:
        out = list(self._variables)
        for value in self.__dict__.values():
            if isinstance(value, Metric):
                out.extend(value.variables)
        return out

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="sum", name=None):
        with name_scope(self.name):
            v = backend.Variable(
                initializer,
                shape=shape,
                dtype=dtype or self._dtype,
                trainable=False,
                aggregation=aggregation,
                name=name or "variable",
            )
        self._variables.append(v)
        return v

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """Keras's other spelling of `add_variable` (zeros unless ``initializer`` is given)."""
        return self.add_variable(shape, initializer=initializer or "zeros", dtype=dtype, name=name)

    def update_state(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} must define `update_state`.")

    def result(self):
        raise TypeError(f"{type(self).__name__} must define `result`.")

    def reset_state(self):
        for v in self.variables:
            v.assign(np.zeros(v.shape, dtype=dtypes.to_numpy_dtype(v.dtype)))

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self._dtype}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"
