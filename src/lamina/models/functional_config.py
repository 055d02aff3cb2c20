"""A functional model's graph as JSON-ready config, and the model rebuilt from it.

The config lists the model's layers (each serialized on its own) and its nodes in topological
order. A node names its layer and holds its call arguments, where each symbolic tensor becomes
``{"node": i, "tensor": j}`` (output ``j`` of node ``i``; the model's inputs are nodes too).
"""

from __future__ import annotations

from lamina.backend.common.keras_tensor import KerasTensor
from lamina.utils import tree

_TENSOR = "__lamina_tensor__"


def functional_config(model) -> dict:
    from lamina.saving.serialization import serialize_object

    input_nodes = [t._history[0] for t in model._flat_inputs]
    nodes = input_nodes + list(model._nodes)
    position = {id(node): i for i, node in enumerate(nodes)}

    def encode(value):
        if isinstance(value, KerasTensor):
            node, index = value._history
            return {_TENSOR: [position[id(node)], index]}
        if isinstance(value, (list, tuple)):
            return [encode(v) for v in value]
        if isinstance(value, dict):
            return {k: encode(v) for k, v in value.items()}
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        raise TypeError(
            f"Model {model.name!r} cannot be saved: a layer was called with an argument of type "
            f"{type(value).__name__} ({value!r}); only tensors and plain values can be saved."
        )

    layers = []
    for layer in model._layers_list:
        layers.append(serialize_object(layer))
    return {
        "name": model.name,
        "trainable": model.trainable,
        "layers": layers,
        "nodes": [
            {
                "layer": node.layer.name,
                "args": encode(list(node.args)),
                "kwargs": encode(dict(node.kwargs)),
            }
            for node in nodes[len(input_nodes) :]
        ],
        "inputs": encode(_structure_of(model._inputs_struct)),
        "outputs": encode(_structure_of(model._outputs_struct)),
        "input_layers": [node.layer.name for node in input_nodes],
    }


def _structure_of(struct):
    return list(struct) if isinstance(struct, tuple) else struct


def functional_from_config(config, custom_objects=None):
    from lamina.layers.input_layer import InputLayer
    from lamina.models.functional import Functional
    from lamina.saving.serialization import deserialize_object

    layers = {}
    for layer_config in config["layers"]:
        layer = deserialize_object(layer_config, custom_objects)
        layers[layer.name] = layer
    outputs_of = []  # per node position: its output tensors
    for name in config["input_layers"]:
        layer = layers[name]
        if not isinstance(layer, InputLayer):
            raise ValueError(f"Saved model config: input layer {name!r} is not an InputLayer.")
        outputs_of.append([layer.output_tensor])

    def decode(value):
        if isinstance(value, dict) and _TENSOR in value:
            node, index = value[_TENSOR]
            return outputs_of[node][index]
        if isinstance(value, list):
            return [decode(v) for v in value]
        if isinstance(value, dict):
            return {k: decode(v) for k, v in value.items()}
        return value

    for node in config["nodes"]:
        if node["layer"] not in layers:
            raise ValueError(f"Saved model config: node refers to unknown layer {node['layer']!r}.")
        out = layers[node["layer"]](*decode(node["args"]), **decode(node["kwargs"]))
        outputs_of.append(tree.flatten(out))
    inputs = decode(config["inputs"])
    outputs = decode(config["outputs"])
    return Functional(
        inputs, outputs, name=config.get("name"), trainable=config.get("trainable", True)
    )
