"""The active backend, loaded once at import.

Every backend package (`numpy`, `jax`, `torch`, `tensorflow`) provides the same modules with
the same function names and signatures (a convention test checks this):

- ``core``: `Variable`, `convert_to_tensor`, `convert_to_numpy`, `is_tensor`, `shape`, `cast`,
  control flow (`cond`, `while_loop`, `fori_loop`, `scan`), `stop_gradient`, slicing, scatter.
- ``numpy``: the NumPy-style ops; ``nn``: activations, convolution, pooling, normalization, losses;
  ``math``: segment ops, top_k, FFT and friends; ``linalg``: decompositions and solves;
  ``random``: seeded sampling.
- ``trainer``: how a training / test / predict step is compiled and run.

Public code calls `lamina.ops`, which validates arguments, handles symbolic tensors, and then
calls these functions. Only this package imports a framework.
"""

from __future__ import annotations

from lamina.backend import active
from lamina.backend.active import core, linalg, math, nn, random
from lamina.backend.common import dtypes
from lamina.backend.common.dtypes import result_type, standardize_dtype
from lamina.backend.common.keras_tensor import KerasTensor, is_keras_tensor
from lamina.backend.common.variables import name_scope

_NAME = active.NAME
Variable = core.Variable
convert_to_tensor = core.convert_to_tensor
convert_to_numpy = core.convert_to_numpy
is_tensor = core.is_tensor
cast = core.cast


def backend() -> str:
    """The name of the active backend.

    Example:
        >>> lamina.backend.backend() == lamina.config.backend()
        True
    """
    return _NAME


def trainer_module():
    """The active backend's step compiler (imported on first use: inference never needs it)."""
    return active.load("trainer")


__all__ = [
    "KerasTensor",
    "Variable",
    "backend",
    "cast",
    "convert_to_numpy",
    "convert_to_tensor",
    "dtypes",
    "is_keras_tensor",
    "is_tensor",
    "name_scope",
    "result_type",
    "standardize_dtype",
]
