"""The backend-independent part of `lamina.Variable`.

Each backend subclasses `Variable` and fills in how a value is stored (`_store`), read
(`value`) and replaced in place (`_assign_value`). Everything else lives here, once.
"""

from __future__ import annotations

import re

import numpy as np

from lamina.backend.common import dtypes
from lamina.backend.common.operators import TensorOperators

_NAME_SCOPES: list[str] = []


class name_scope:
    """Prefixes the ``path`` of variables created inside it (layers use their name).

    Example:
        >>> with lamina.backend.name_scope("block"):
        ...     v = lamina.Variable(np.zeros(2), name="kernel")
        >>> v.path
        'block/kernel'
    """

    def __init__(self, name: str):
        self.name = name

    def __enter__(self):
        _NAME_SCOPES.append(self.name)
        return self

    def __exit__(self, *exc):
        _NAME_SCOPES.pop()


def current_path() -> str:
    return "/".join(_NAME_SCOPES)


_VALID_NAME = re.compile(r"^[A-Za-z0-9_.\-]+$")


class Variable(TensorOperators):
    """A mutable tensor that holds state: weights, optimizer slots, metric totals, seeds.

    Args:
        initializer: an initial value (array-like) or an initializer (string, object or callable
            taking ``(shape, dtype)``).
        shape: required when ``initializer`` is callable.
        dtype: defaults to the initial value's dtype, else `lamina.config.floatx()`.
        trainable: whether optimizers update it.
        name: a name without ``/``; ``path`` adds the enclosing layers' names.

    Example:
        >>> v = lamina.Variable(np.ones((2, 3)), name="v")
        >>> _ = v.assign_add(np.ones((2, 3)))
        >>> print(v.numpy().sum())
        12.0
    """

    __slots__ = ()  # subclasses keep __dict__ via the attributes below

    def __init__(
        self,
        initializer,
        shape=None,
        dtype=None,
        trainable=True,
        autocast=True,
        aggregation="none",
        synchronization="auto",
        name=None,
    ):
        name = name or "variable"
        if not isinstance(name, str) or "/" in name or not _VALID_NAME.match(name):
            raise ValueError(
                "A variable's `name` must be a non-empty string of letters, digits, '_', '.', "
                f"'-' without '/'. Received: name={name!r}"
            )
        self._name = name
        scope = current_path()
        self._path = f"{scope}/{name}" if scope else name
        self._trainable = bool(trainable)
        self.autocast = autocast
        self.aggregation = aggregation
        self.synchronization = synchronization
        if isinstance(initializer, str) or (
            callable(initializer) and not hasattr(initializer, "shape")
        ):
            if shape is None:
                raise ValueError(
                    f"Variable {self._path!r}: `shape` is required when the initializer is "
                    f"callable or a name. Received: initializer={initializer!r}, shape=None"
                )
            from lamina import initializers

            init = initializers.get(initializer)
            self._dtype = dtypes.standardize_dtype(dtype)
            value = init(tuple(shape), dtype=self._dtype)
        else:
            value = initializer
            if dtype is None:
                dtype = _infer_dtype(value)
            self._dtype = dtypes.standardize_dtype(dtype)
        self._store(value)
        if shape is not None and tuple(shape) != self.shape:
            raise ValueError(
                f"Variable {self._path!r}: the initial value has shape {self.shape}, "
                f"but `shape` is {tuple(shape)}."
            )

    # Backend hooks ---------------------------------------------------------------------
    # `lamina.Variable` is always the active backend's subclass, which defines these three.
    def _store(self, value):
        raise TypeError(f"{type(self).__name__} must define `_store` (a backend Variable).")

    def _assign_value(self, value):
        raise TypeError(f"{type(self).__name__} must define `_assign_value`.")

    @property
    def value(self):
        raise TypeError(f"{type(self).__name__} must define `value`.")

    # Shared behaviour ------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def path(self) -> str:
        return self._path

    @property
    def dtype(self) -> str:
        return self._dtype

    @property
    def shape(self) -> tuple:
        return tuple(self.value.shape)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)

    def assign(self, value):
        """Replace the value; shapes must match."""
        if isinstance(value, Variable):
            value = value.value
        new_shape = getattr(value, "shape", None)
        if new_shape is None:
            value = np.asarray(value)
            new_shape = value.shape
        if tuple(new_shape) != self.shape:
            raise ValueError(
                f"Cannot assign a value of shape {tuple(new_shape)} to variable {self.path!r} "
                f"of shape {self.shape}."
            )
        self._assign_value(value)
        return value

    def assign_add(self, value):
        from lamina import ops

        return self.assign(ops.add(self.value, value))

    def assign_sub(self, value):
        from lamina import ops

        return self.assign(ops.subtract(self.value, value))

    def numpy(self) -> np.ndarray:
        """A copy of the value (never a view that later assignments would change)."""
        from lamina.backend import core

        return np.array(core.convert_to_numpy(self.value), copy=True)

    def __array__(self, dtype=None, copy=None):
        out = self.numpy()
        return out.astype(dtype) if dtype is not None else out

    def __repr__(self):
        return (
            f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, "
            f"value={self.numpy()!r}>"
        )

    def __getitem__(self, key):
        from lamina import ops

        return ops.get_item(self.value, key)

    def __len__(self):
        return self.shape[0]

    def __float__(self):
        return float(self.numpy())

    def __int__(self):
        return int(self.numpy())

    def __bool__(self):
        return bool(self.numpy())

    # Variables are compared by identity: they live in sets, lists and dict keys.
    __hash__ = object.__hash__


def _infer_dtype(value) -> str:
    dtype = getattr(value, "dtype", None)
    if dtype is not None:
        return dtypes.standardize_dtype(dtype)
    scalar = dtypes.dtype_of_python_scalar(value)
    if scalar is not None:
        return dtypes.result_type(scalar)
    arr = np.asarray(value)
    if arr.dtype == np.float64:
        from lamina import config

        return config.floatx()
    return dtypes.standardize_dtype(arr.dtype)
