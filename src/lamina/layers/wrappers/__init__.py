"""Layers that wrap another framework's code: a `torch.nn.Module`, a pure JAX function or a
Flax module."""

from lamina.layers.wrappers.flax_layer import FlaxLayer
from lamina.layers.wrappers.jax_layer import JaxLayer
from lamina.layers.wrappers.torch_module_wrapper import TorchModuleWrapper, torch_parameters

__all__ = ["FlaxLayer", "JaxLayer", "TorchModuleWrapper", "torch_parameters"]
