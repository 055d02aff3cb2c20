"""Layers that wrap another framework's code: a `torch.nn.Module` or a pure JAX function."""

from lamina.layers.wrappers.jax_layer import JaxLayer
from lamina.layers.wrappers.torch_module_wrapper import TorchModuleWrapper, torch_parameters

__all__ = ["JaxLayer", "TorchModuleWrapper", "torch_parameters"]
