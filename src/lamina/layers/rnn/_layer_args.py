"""Shared plumbing of `SimpleRNN`, `LSTM` and `GRU`: an `RNN` whose cell is made from the
layer's own arguments, with a flat config (as in Keras), and the switch to the backend's fused
kernel (one call for the whole sequence) when the layer's options fit it."""

from __future__ import annotations

import inspect

from lamina import activations, ops
from lamina.backend import active
from lamina.layers.rnn.cells import check_implementation
from lamina.layers.rnn.rnn import RNN

# Arguments that belong to the RNN wrapper rather than the cell.
RNN_ARGS = (
    "return_sequences",
    "return_state",
    "go_backwards",
    "stateful",
    "unroll",
    "zero_output_for_mask",
)


class CellLayer(RNN):
    """`RNN` over ``_cell_class(**cell arguments)``; cell arguments read through (``.units``)."""

    _cell_class = None
    _cell_args = frozenset()
    # `_run_fused(kernels, inputs, initial_state)` in layers that have a fused kernel, and the
    # cell activations that kernel implements.
    _run_fused = None
    _fused_activations = (activations.tanh,)
    # Whether the layer takes Keras's `implementation` keyword (in **kwargs) for its cell.
    _takes_implementation = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls._cell_class is not None:
            params = inspect.signature(cls._cell_class.__init__).parameters
            cls._cell_args = frozenset(p for p in params if p not in ("self", "kwargs"))

    def __init__(self, arguments, **kwargs):
        arguments = {k: v for k, v in arguments.items() if k not in ("self", "kwargs", "__class__")}
        rnn_kwargs = {k: arguments.pop(k) for k in RNN_ARGS if k in arguments}
        use_cudnn = arguments.pop("use_cudnn", "auto")
        if use_cudnn not in (True, False, "auto"):
            raise ValueError(
                f"{type(self).__name__}: `use_cudnn` must be True, False or 'auto'. "
                f"Received: use_cudnn={use_cudnn!r}"
            )
        activity_regularizer = arguments.pop("activity_regularizer", None)
        if self._takes_implementation:
            implementation = kwargs.pop("implementation", 2)
            arguments["implementation"] = check_implementation(implementation, type(self).__name__)
        cell = self._cell_class(
            **arguments, dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True)
        )
        super().__init__(cell, activity_regularizer=activity_regularizer, **rnn_kwargs, **kwargs)
        self.use_cudnn = use_cudnn

    def __getattr__(self, name):
        if name in type(self)._cell_args:
            cell = self.__dict__.get("cell")
            if cell is not None:
                return getattr(cell, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # The fused kernel -------------------------------------------------------------------
    def _fused_misfit(self, mask, training):
        """Why this call cannot use a fused kernel (a phrase), or None when it can."""
        cell = self.cell
        if mask is not None:
            return "the input has a mask"
        if self.unroll:
            return "unroll=True"
        # Also covers `implementation`: 1 and 2 differ only in their dropout masks.
        if training and (cell.dropout > 0 or cell.recurrent_dropout > 0):
            return "dropout or recurrent_dropout is active in training"
        if cell.activation not in self._fused_activations:
            return f"activation {activations.serialize(cell.activation)!r} has no fused kernel"
        if getattr(cell, "recurrent_activation", activations.sigmoid) is not activations.sigmoid:
            return "recurrent_activation is not 'sigmoid'"
        return None

    def _fused_kernel(self, mask, training):
        """The backend's fused kernel for this call's options, or None (the generic loop)."""
        if self.use_cudnn is False or self._run_fused is None:
            return None
        kernels = active.optional("rnn")
        if kernels is None:
            reason = f"the {active.NAME} backend has no fused recurrent kernel"
        else:
            reason = self._fused_misfit(mask, training)
        if reason is None:
            return kernels
        if self.use_cudnn is True:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: use_cudnn=True, but {reason}. Use "
                "use_cudnn='auto' to fall back to the generic loop in such calls."
            )
        return None

    def _loop(self, sequences, initial_state, mask, training):
        kernels = self._fused_kernel(mask, training)
        if kernels is None:
            return super()._loop(sequences, initial_state, mask, training)
        inputs = ops.transpose(sequences, (1, 0, 2))
        if self.go_backwards:
            inputs = ops.flip(inputs, axis=0)
        outputs, states = self._run_fused(kernels, inputs, initial_state)
        return outputs[-1], outputs, states

    def get_config(self):
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        config = RNN.get_config(self)
        config.pop("cell")
        if "use_cudnn" in inspect.signature(type(self).__init__).parameters:
            config["use_cudnn"] = self.use_cudnn
        return {**config, **cell_config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)
