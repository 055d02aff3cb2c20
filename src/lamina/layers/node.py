"""A `Node` records one call of a layer on symbolic tensors: the edges of the layer graph."""

from __future__ import annotations

import threading

from lamina.backend.common.keras_tensor import KerasTensor
from lamina.utils import tree

_STATE = threading.local()


def recording_enabled() -> bool:
    return getattr(_STATE, "depth", 0) == 0


class symbolic_scope:
    """Inside a layer's own symbolic call, sublayer calls record no nodes of their own."""

    def __enter__(self):
        _STATE.depth = getattr(_STATE, "depth", 0) + 1

    def __exit__(self, *exc):
        _STATE.depth -= 1


class Node:
    """``layer`` called on ``args``/``kwargs`` (holding KerasTensors) gave ``outputs``."""

    def __init__(self, layer, args=(), kwargs=None, outputs=None):
        self.layer = layer
        self.args = args
        self.kwargs = kwargs or {}
        self.outputs = outputs
        self.input_tensors = [
            t for t in tree.flatten((args, self.kwargs)) if isinstance(t, KerasTensor)
        ]
        self.output_tensors = [t for t in tree.flatten(outputs) if isinstance(t, KerasTensor)]
        self.index = len(layer._inbound_nodes)
        layer._inbound_nodes.append(self)
        for i, t in enumerate(self.output_tensors):
            t._history = (self, i)
        # The common case (one tensor in, nothing else) runs without rebuilding structures.
        self.simple = len(args) == 1 and not self.kwargs and isinstance(args[0], KerasTensor)

    @property
    def parent_nodes(self):
        return [t._history[0] for t in self.input_tensors if t._history is not None]

    @property
    def is_input(self):
        return not self.input_tensors
