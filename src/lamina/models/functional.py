"""`Functional`: a model defined by the graph between `lamina.Input`s and output tensors."""

from __future__ import annotations

import numpy as np

from lamina import backend
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.layers.base import Layer
from lamina.layers.input_layer import InputLayer
from lamina.models.model import Model
from lamina.utils import tree


class Functional(Model):
    """Built by ``lamina.Model(inputs, outputs)``; see `Model`.

    Example:
        >>> inputs = lamina.Input((3,))
        >>> model = lamina.Model(inputs, lamina.layers.Dense(2)(inputs))
        >>> isinstance(model, lamina.Functional)
        True
        >>> model(np.ones((4, 3))).shape
        (4, 2)
    """

    def __init__(self, inputs, outputs, name=None, trainable=True, **kwargs):
        Model.__init__(self, name=name, trainable=trainable, **kwargs)
        self._inputs_struct = inputs
        self._outputs_struct = outputs
        flat_inputs = tree.flatten(inputs)
        flat_outputs = tree.flatten(outputs)
        for role, tensors in (("inputs", flat_inputs), ("outputs", flat_outputs)):
            for t in tensors:
                if not isinstance(t, KerasTensor):
                    raise ValueError(
                        f"`Model({role}=...)` expects symbolic tensors made from `lamina.Input` "
                        f"and layer calls. Received: {t!r}"
                    )
        for t in flat_inputs:
            if t._history is None or not isinstance(t._history[0].layer, InputLayer):
                raise ValueError(
                    "`Model(inputs=...)` must be tensors returned by `lamina.Input(...)`. "
                    f"Received: {t!r}"
                )
        self._flat_inputs = flat_inputs
        self._flat_outputs = flat_outputs
        self._nodes = _topological_nodes(flat_inputs, flat_outputs)
        self._input_layers = [t._history[0].layer for t in flat_inputs]
        layers, seen = [], set()
        for layer in self._input_layers + [n.layer for n in self._nodes]:
            if id(layer) not in seen:
                seen.add(id(layer))
                layers.append(layer)
        self._layers_list = layers
        self.built = True

    # Structure --------------------------------------------------------------------------
    @property
    def layers(self):
        return list(self._layers_list)

    @property
    def inputs(self):
        return list(self._flat_inputs)

    @property
    def outputs(self):
        return list(self._flat_outputs)

    @property
    def input_shape(self):
        shapes = [t.shape for t in self._flat_inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def output_shape(self):
        shapes = [t.shape for t in self._flat_outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    @property
    def input(self):
        return self._inputs_struct

    @property
    def output(self):
        return self._outputs_struct

    # Running --------------------------------------------------------------------------
    def _flatten_given_inputs(self, inputs):
        n = len(self._flat_inputs)
        if isinstance(inputs, dict):
            if isinstance(self._inputs_struct, dict):
                keys = sorted(self._inputs_struct)
            else:
                keys = [t.name for t in self._flat_inputs]
            missing = [k for k in keys if k not in inputs]
            if missing:
                raise ValueError(
                    f"Model {self.name!r} expects inputs named {keys}; missing {missing}. "
                    f"Received keys: {sorted(inputs)}"
                )
            return [inputs[k] for k in keys]
        flat = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
        if len(flat) != n:
            if n == 1 and isinstance(inputs, (list, tuple)):
                return [inputs]
            raise ValueError(
                f"Model {self.name!r} expects {n} input(s) "
                f"({', '.join(f'{t.name} {t.shape}' for t in self._flat_inputs)}), "
                f"but received {len(flat)}."
            )
        return flat

    def call(self, inputs, training=None, mask=None):
        flat = self._flatten_given_inputs(inputs)
        if any(isinstance(v, KerasTensor) for v in flat):
            return self._run_graph(flat, symbolic=True)
        return self._run_graph(flat)

    def _run_graph(self, flat_inputs, symbolic=False):
        values = {}
        masks = {}
        for kt, value in zip(self._flat_inputs, flat_inputs):
            if isinstance(value, (np.ndarray, list, int, float)):
                value = backend.convert_to_tensor(np.asarray(value), kt.dtype)
            _check_input_shape(self, kt, value)
            values[id(kt)] = value
        for node in self._nodes:
            layer = node.layer
            if node.simple:
                x = values[id(node.args[0])]
                previous = masks.get(id(node.args[0])) if masks else None
                if previous is not None and layer._call_accepts_mask:
                    out = layer(x, mask=previous)
                else:
                    out = layer(x)
                in_masks = previous
                args = (x,)
            else:

                def fetch(a):
                    return values[id(a)] if isinstance(a, KerasTensor) else a

                args = tree.map_structure(fetch, node.args)
                kwargs = tree.map_structure(fetch, node.kwargs)
                in_masks = None
                if masks:
                    m = [masks.get(id(t)) for t in node.input_tensors]
                    if any(v is not None for v in m):
                        in_masks = m[0] if len(m) == 1 else m
                        if layer._call_accepts_mask and "mask" not in kwargs:
                            kwargs["mask"] = in_masks
                out = layer(*args, **kwargs)
            if (
                node.output_tensors
                and len(node.output_tensors) == 1
                and not isinstance(node.outputs, (list, tuple, dict))
            ):
                values[id(node.outputs)] = out
                flat_out = (out,)
            else:
                flat_out = tree.flatten(out)
                for kt, v in zip(node.output_tensors, flat_out):
                    values[id(kt)] = v
            if in_masks is not None or type(layer).compute_mask is not Layer.compute_mask:
                out_mask = layer.compute_mask(args[0] if len(args) == 1 else args, in_masks)
                if out_mask is not None:
                    for kt, m in zip(node.output_tensors, tree.flatten(out_mask)):
                        masks[id(kt)] = m
        return tree.pack_sequence_as(
            self._outputs_struct, [values[id(t)] for t in self._flat_outputs]
        )

    def compute_output_spec(self, inputs, training=None, mask=None):
        flat = self._flatten_given_inputs(inputs)
        outputs = self._run_graph(flat, symbolic=True)
        return tree.map_structure(lambda t: KerasTensor(t.shape, t.dtype), outputs)

    def get_config(self):
        from lamina.models.functional_config import functional_config

        return functional_config(self)

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.models.functional_config import functional_from_config

        return functional_from_config(config, custom_objects)


def _check_input_shape(model, kt, value):
    shape = getattr(value, "shape", None)
    if shape is None:
        return
    shape = tuple(shape)
    expected = kt.shape
    if len(shape) != len(expected) or any(
        e is not None and g is not None and e != g for e, g in zip(expected, shape)
    ):
        raise ValueError(
            f"Input {kt.name!r} of model {model.name!r} expects shape {expected} but received "
            f"an input of shape {shape}. Reshape the data (e.g. add a channel axis with "
            "`x[..., None]`) or change the model's `Input(shape=...)`."
        )


def _topological_nodes(flat_inputs, flat_outputs):
    input_ids = {id(t) for t in flat_inputs}
    order, state = [], {}

    def visit(tensor, path):
        if id(tensor) in input_ids:
            return
        if tensor._history is None:
            raise ValueError(
                f"Graph disconnected: tensor {tensor!r} was not produced by a layer. Use "
                "tensors from `lamina.Input` and layer calls."
            )
        node = tensor._history[0]
        if isinstance(node.layer, InputLayer):
            raise ValueError(
                f"Graph disconnected: the output depends on input {node.layer.name!r} "
                f"{tensor.shape}, which is not in the model's `inputs`. Add it to `inputs`."
            )
        if state.get(id(node)) == "done":
            return
        for parent in node.input_tensors:
            visit(parent, path)
        if state.get(id(node)) != "done":
            state[id(node)] = "done"
            order.append(node)

    for t in flat_outputs:
        visit(t, ())
    return order
