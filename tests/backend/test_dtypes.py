"""Dtype promotion follows Keras 3's rules, the same on every backend (Keras is the oracle)."""

import itertools

import numpy as np
import pytest

import lamina
from lamina.backend.common import dtypes

NAMES = [
    "bool",
    "uint8",
    "uint16",
    "uint32",
    "int8",
    "int16",
    "int32",
    "int64",
    "float16",
    "bfloat16",
    "float32",
    "float64",
]


@pytest.mark.parametrize("a,b", list(itertools.combinations_with_replacement(NAMES, 2)))
def test_result_type_matches_keras(a, b):
    keras = pytest.importorskip("keras")
    assert dtypes.result_type(a, b) == keras.backend.result_type(a, b)


@pytest.mark.parametrize("tensor_dtype", ["int8", "int32", "float16", "float32"])
@pytest.mark.parametrize("scalar", [1, 1.5])
def test_python_scalars_are_weak(tensor_dtype, scalar):
    x = np.ones((2,), dtype=tensor_dtype)
    got = lamina.backend.standardize_dtype(lamina.ops.add(x, scalar).dtype)
    keras = pytest.importorskip("keras")
    want = keras.backend.standardize_dtype(keras.ops.add(x, scalar).dtype)
    assert got == want


def test_standardize_dtype_spellings():
    assert dtypes.standardize_dtype(np.float32) == "float32"
    assert dtypes.standardize_dtype("float") == "float32"
    assert dtypes.standardize_dtype(bool) == "bool"
    with pytest.raises(ValueError, match="Invalid dtype"):
        dtypes.standardize_dtype("float7")
