"""Dtype names and promotion, identical on every backend.

Promotion follows Keras 3 (a JAX-style lattice): Python ``int``/``float``/``bool`` scalars are
"weak" and adopt the tensor's type where they can; unsigned and signed ints meet at the next wider
signed int; ints meeting floats give the float; ``float16`` and ``bfloat16`` meet at ``float32``.
"""

from __future__ import annotations

import functools

import numpy as np

FLOAT_TYPES = ("float16", "bfloat16", "float32", "float64")
INT_TYPES = ("uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64")
ALLOWED_DTYPES = ("bool", *INT_TYPES, *FLOAT_TYPES, "complex64", "complex128", "string")

# Weak types stand for Python scalars.
WEAK_INT, WEAK_FLOAT, WEAK_COMPLEX = "int", "float", "complex"

_LATTICE = {
    "bool": [WEAK_INT],
    WEAK_INT: ["uint8", "int8"],
    "uint8": ["int16", "uint16"],
    "uint16": ["int32", "uint32"],
    "uint32": ["int64", "uint64"],
    "uint64": [WEAK_FLOAT],
    "int8": ["int16"],
    "int16": ["int32"],
    "int32": ["int64"],
    "int64": [WEAK_FLOAT],
    WEAK_FLOAT: ["float16", "bfloat16", WEAK_COMPLEX],
    "float16": ["float32"],
    "bfloat16": ["float32"],
    "float32": ["float64", "complex64"],
    "float64": ["complex128"],
    WEAK_COMPLEX: ["complex64"],
    "complex64": ["complex128"],
    "complex128": [],
}


def _upper_bounds():
    bounds = {}

    def visit(node):
        if node in bounds:
            return bounds[node]
        result = {node}
        for parent in _LATTICE[node]:
            result |= visit(parent)
        bounds[node] = frozenset(result)
        return bounds[node]

    for node in _LATTICE:
        visit(node)
    return bounds


_UPPER = _upper_bounds()

_ALIASES = {
    "float": "float32",
    "double": "float64",
    "half": "float16",
    "int": "int64",
    "bool_": "bool",
    "str": "string",
    "object": "string",
}


_STANDARD_CACHE: dict = {}


def standardize_dtype(dtype) -> str:
    """Turn any dtype spelling (str, NumPy, JAX, torch, TF) into Lamina's canonical name.

    Example:
        >>> lamina.backend.standardize_dtype(np.float32)
        'float32'
        >>> lamina.backend.standardize_dtype("double")
        'float64'
    """
    try:
        return _STANDARD_CACHE[dtype]
    except (KeyError, TypeError):
        pass
    name = _standardize(dtype)
    if dtype is not None:
        try:
            _STANDARD_CACHE[dtype] = name
        except TypeError:
            pass
    return name


def _standardize(dtype) -> str:
    if dtype is None:
        from lamina import config

        return config.floatx()
    if isinstance(dtype, str):
        name = dtype
    elif dtype is int:
        return "int64"
    elif dtype is float:
        return "float32"
    elif dtype is bool:
        return "bool"
    elif isinstance(dtype, type) and issubclass(dtype, np.generic):
        name = np.dtype(dtype).name
    elif hasattr(dtype, "name") and isinstance(dtype.name, str):  # numpy, tf
        name = dtype.name
    elif hasattr(dtype, "dtype") and not hasattr(dtype, "is_floating_point"):
        return standardize_dtype(dtype.dtype)
    else:
        name = str(dtype)
        if name.startswith("torch."):
            name = name[len("torch.") :]
    name = _ALIASES.get(name, name)
    if name not in ALLOWED_DTYPES:
        raise ValueError(f"Invalid dtype: {dtype!r}. Expected one of {', '.join(ALLOWED_DTYPES)}.")
    return name


def is_float(dtype: str) -> bool:
    return dtype in FLOAT_TYPES


def is_int(dtype: str) -> bool:
    return dtype in INT_TYPES


def dtype_of_python_scalar(x):
    """The weak type of a Python scalar, or None when ``x`` is not one."""
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, int):
        return WEAK_INT
    if isinstance(x, float):
        # np.float64 subclasses float but carries its dtype (as np.complex128 does below).
        return None if isinstance(x, np.generic) else WEAK_FLOAT
    if isinstance(x, complex):
        return None if isinstance(x, np.generic) else WEAK_COMPLEX
    return None


@functools.lru_cache(maxsize=512)
def _join(a: str, b: str) -> str:
    common = _UPPER[a] & _UPPER[b]
    # The least upper bound is the common bound that every other common bound lies above.
    for candidate in common:
        if common <= _UPPER[candidate]:
            return candidate
    raise ValueError(f"No common dtype for {a} and {b}.")


def _strengthen(dtype: str) -> str:
    from lamina import config

    if dtype == WEAK_INT:
        return "int32"
    if dtype == WEAK_FLOAT:
        return config.floatx()
    if dtype == WEAK_COMPLEX:
        return "complex64"
    return dtype


def result_type(*dtypes) -> str:
    """The dtype that the given dtypes (or Python scalars' weak types) promote to.

    Weak types come from `dtype_of_python_scalar`; ``None`` entries are skipped.

    Example:
        >>> lamina.backend.result_type("int32", "float16")
        'float16'
        >>> lamina.backend.result_type("uint8", "int8")
        'int16'
    """
    names = [d for d in dtypes if d is not None]
    if not names:
        from lamina import config

        return config.floatx()
    out = names[0]
    for d in names[1:]:
        out = _join(out, d)
    return _strengthen(out)


def to_numpy_dtype(dtype: str):
    """The NumPy dtype for a Lamina dtype name (bfloat16 via ml_dtypes)."""
    if dtype == "bfloat16":
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)
    if dtype == "string":
        return np.dtype(object)
    return np.dtype(dtype)
