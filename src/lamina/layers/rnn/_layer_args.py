"""Shared plumbing of `SimpleRNN`, `LSTM` and `GRU`: an `RNN` whose cell is made from the
layer's own arguments, with a flat config (as in Keras)."""

from __future__ import annotations

import inspect

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

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls._cell_class is not None:
            params = inspect.signature(cls._cell_class.__init__).parameters
            cls._cell_args = frozenset(p for p in params if p not in ("self", "kwargs"))

    def __init__(self, arguments, **kwargs):
        arguments = {k: v for k, v in arguments.items() if k not in ("self", "kwargs", "__class__")}
        rnn_kwargs = {k: arguments.pop(k) for k in RNN_ARGS if k in arguments}
        arguments.pop("use_cudnn", None)
        activity_regularizer = arguments.pop("activity_regularizer", None)
        cell = self._cell_class(
            **arguments, dtype=kwargs.get("dtype"), trainable=kwargs.get("trainable", True)
        )
        super().__init__(cell, activity_regularizer=activity_regularizer, **rnn_kwargs, **kwargs)

    def __getattr__(self, name):
        if name in type(self)._cell_args:
            cell = self.__dict__.get("cell")
            if cell is not None:
                return getattr(cell, name)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def get_config(self):
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        config = RNN.get_config(self)
        config.pop("cell")
        return {**config, **cell_config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)
