"""Variable assignment: the variable owns its value, held as the backend's tensor type."""

import numpy as np

import lamina
from lamina import layers


def test_initial_and_assigned_arrays_are_copied():
    initial = np.zeros((3,), "float32")
    v = lamina.Variable(initial)
    initial[1] = 7.0
    np.testing.assert_array_equal(lamina.ops.convert_to_numpy(v), [0.0, 0.0, 0.0])
    source = np.ones((3,), "float32")
    v.assign(source)
    source[0] = 5.0  # a later write to the caller's array must not reach the variable
    np.testing.assert_array_equal(lamina.ops.convert_to_numpy(v), [1.0, 1.0, 1.0])


def test_assigned_values_are_backend_tensors():
    v = lamina.Variable(np.zeros((2, 2), "float32"))
    for value in (np.ones((2, 2), "float32"), np.ones((2, 2), "float64"), [[1.0, 2.0], [3.0, 4.0]]):
        v.assign(value)
        assert lamina.backend.is_tensor(v.value), type(v.value)
        assert lamina.backend.standardize_dtype(v.value.dtype) == "float32"
    scalar = lamina.Variable(0.0)
    scalar.assign(np.float32(2.0))
    assert lamina.backend.is_tensor(scalar.value), type(scalar.value)


def test_set_weights_leaves_backend_tensors():
    # Compiled steps take the variables' values as arguments: a NumPy array there would be
    # transferred again on every call (JAX's `predict` ran 1.06x slower after `set_weights`).
    model = lamina.Sequential([lamina.Input((4,)), layers.Dense(3), layers.Dense(2)])
    model.set_weights([np.full(w.shape, 0.5, "float32") for w in model.get_weights()])
    for variable in model.variables:
        assert lamina.backend.is_tensor(variable.value), (variable.path, type(variable.value))
