"""`TorchModuleWrapper`: any `torch.nn.Module` as a Lamina layer (PyTorch backend only).

The module's parameters become Lamina Variables that hold the module's own tensors (not
copies): gradients computed by Lamina's training step reach them, optimizer updates change
them in place, and the module stays usable on its own. Its buffers (e.g. batch-norm running
statistics) become non-trainable variables the same way.
"""

from __future__ import annotations

import re

from lamina import backend
from lamina.layers.base import Layer

_BAD_CHARS = re.compile(r"[^A-Za-z0-9_.\-]")


class TorchModuleWrapper(Layer):
    """Wrap a `torch.nn.Module` so it can be used in a Lamina model on the PyTorch backend.

    Args:
        module: a `torch.nn.Module` instance (lazy modules such as `LazyLinear` are
            initialized on the first call or `build`).
        name: the layer's name.

    Example:
        >>> import torch
        >>> model = lamina.Sequential([
        ...     lamina.Input((4,)),
        ...     lamina.layers.TorchModuleWrapper(torch.nn.Linear(4, 8)),
        ...     lamina.layers.Dense(1),
        ... ])
        >>> print(model(np.ones((2, 4), "float32")).shape)
        torch.Size([2, 1])
    """

    def __init__(self, module, name=None, **kwargs):
        if backend.backend() != "torch":
            raise ValueError(
                "`TorchModuleWrapper` runs a torch.nn.Module, so it needs the PyTorch backend "
                f"(LAMINA_BACKEND=torch). The active backend is {backend.backend()!r}."
            )
        import torch

        if not isinstance(module, torch.nn.Module):
            raise ValueError(
                "`TorchModuleWrapper` expects a `torch.nn.Module` instance. "
                f"Received: {module!r} of type {type(module).__name__}"
            )
        super().__init__(name=name, **kwargs)
        self.module = module.to(backend.core.default_device())
        self._tracked = False
        if not _has_uninitialized(module):
            self._track_module_tensors()

    def _track_module_tensors(self):
        """One Variable per parameter and buffer, holding the module's tensor itself."""
        for kind, items in (
            ("param", self.module.named_parameters()),
            ("buffer", self.module.named_buffers()),
        ):
            for tensor_name, tensor in items:
                trainable = kind == "param" and tensor.requires_grad
                with backend.name_scope(self.name):
                    variable = backend.Variable(
                        tensor.detach(),
                        dtype=backend.standardize_dtype(str(tensor.dtype).split(".")[-1]),
                        trainable=trainable,
                        name=_BAD_CHARS.sub("_", tensor_name),
                    )
                variable._value = tensor  # track the module's own tensor, not a copy
                self._own_variables.append(variable)
        self._tracked = True

    def build(self, input_shape=None):
        if not self._tracked:
            import torch

            # A lazy module gets its shapes from one call on zeros (unknown sizes become 1).
            shape = tuple(1 if d is None else int(d) for d in input_shape)
            with torch.no_grad():
                self.module(torch.zeros(shape, device=backend.core.default_device()))
            self._track_module_tensors()
        self.built = True

    def call(self, *args, training=None, **kwargs):
        if training is False:
            self.module.eval()
        else:
            self.module.train()
        return self.module(*args, **kwargs)

    def compute_output_spec(self, *args, **kwargs):
        import torch

        from lamina.backend.common.keras_tensor import KerasTensor
        from lamina.utils import tree

        kwargs.pop("training", None)

        def to_meta(x):
            if isinstance(x, KerasTensor):
                shape = tuple(1 if d is None else d for d in x.shape)
                return torch.zeros(shape, dtype=backend.core.to_torch_dtype(x.dtype))
            return x

        self.module.eval()
        with torch.no_grad():
            out = self.module(*tree.map_structure(to_meta, args), **kwargs)
        first = args[0] if args else None
        batch = first.shape[0] if isinstance(first, KerasTensor) and first.shape else None

        def to_spec(t):
            shape = tuple(t.shape)
            if shape and batch is None:
                shape = (None, *shape[1:])
            return KerasTensor(shape, backend.core.from_torch_dtype(t.dtype))

        return tree.map_structure(to_spec, out)

    def get_config(self):
        raise TypeError(
            f"TorchModuleWrapper {self.name!r} cannot be saved as a config: a torch module is "
            "code, and Lamina files never hold code. Save its weights with `save_weights`, "
            "and rebuild the module in code."
        )


def _has_uninitialized(module):
    from torch.nn.parameter import UninitializedParameter

    return any(isinstance(p, UninitializedParameter) for p in module.parameters())


def torch_parameters(model):
    """The tensors behind ``model``'s trainable variables, for a `torch.optim` optimizer.

    Example:
        >>> model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
        >>> [tuple(p.shape) for p in lamina.utils.torch_parameters(model)]
        [(3, 2), (2,)]
    """
    if backend.backend() != "torch":
        raise ValueError(
            "`torch_parameters` returns torch tensors, so it needs the PyTorch backend. "
            f"The active backend is {backend.backend()!r}."
        )
    return [v.value for v in model.trainable_variables]
