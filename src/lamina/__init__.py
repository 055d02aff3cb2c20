"""Lamina: one model code base on JAX, PyTorch and TensorFlow, with the Keras 3 API.

    import lamina as keras
"""

from lamina import backend, config, ops
from lamina.backend import KerasTensor, Variable
from lamina.backend.common.keras_tensor import is_keras_tensor

__version__ = "0.1.0"
