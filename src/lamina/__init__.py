"""Lamina: one model code base on JAX, PyTorch and TensorFlow, with the Keras 3 API.

    import lamina as keras

The backend is chosen at import (see `lamina.config`): ``LAMINA_BACKEND``, then
``KERAS_BACKEND``, then ``$LAMINA_HOME/lamina.json``, else ``torch``.
"""

from lamina import (
    activations,
    backend,
    callbacks,
    config,
    constraints,
    datasets,
    distribution,  # lamina.distribution: DataParallel / ModelParallel (Keras 3's API)
    export,
    initializers,
    layers,
    losses,
    metrics,
    models,
    ops,
    optimizers,
    random,
    regularizers,
    saving,
    training,
    utils,
    wrappers,
)
from lamina.backend import KerasTensor, Variable
from lamina.backend.common.keras_tensor import is_keras_tensor
from lamina.layers import Input, InputSpec, Layer
from lamina.models import Functional, Model, Sequential
from lamina.training import value_and_grad

__version__ = "0.1.0"

__all__ = [
    "Functional",
    "Input",
    "InputSpec",
    "KerasTensor",
    "Layer",
    "Model",
    "Sequential",
    "Variable",
    "activations",
    "backend",
    "callbacks",
    "config",
    "constraints",
    "datasets",
    "distribution",
    "export",
    "initializers",
    "is_keras_tensor",
    "layers",
    "losses",
    "metrics",
    "models",
    "ops",
    "optimizers",
    "random",
    "regularizers",
    "saving",
    "training",
    "utils",
    "value_and_grad",
    "wrappers",
]
