"""ONNX export: Lamina's layer graph written as an ONNX graph, the same way on every backend.

The converter walks a Functional model's nodes in topological order (a Sequential model
through the graph it builds, a nested model recursively) and turns each layer call into ONNX
nodes with the converters of `onnx_layers` and `onnx_conv`; weights come out as NumPy arrays
with ``Variable.numpy()``. Inputs get a dynamic batch dimension (``dim_param="batch"``).
"""

from __future__ import annotations

import onnx
from onnx import helper

from lamina.backend.common.keras_tensor import KerasTensor
from lamina.export import onnx_conv, onnx_layers
from lamina.export.onnx_graph import OPSET, OnnxGraph, onnx_type
from lamina.layers.input_layer import InputLayer
from lamina.models.functional import Functional
from lamina.models.sequential import Sequential
from lamina.utils import tree

CONVERTERS = {**onnx_layers.CONVERTERS, **onnx_conv.CONVERTERS}


def supported_layers() -> list[str]:
    """Names of the layer classes that convert to ONNX."""
    return sorted({cls.__name__ for cls in CONVERTERS} | {"InputLayer", "Functional", "Sequential"})


def unsupported(layer, reason=None) -> ValueError:
    """The error for a layer (or model) that does not convert."""
    why = f" ({reason})" if reason else ""
    return ValueError(
        f"ONNX export cannot convert layer {layer.name!r} of class {type(layer).__name__}{why}. "
        "ONNX export supports functional and sequential models (nested ones too) built from "
        f"these layers: {', '.join(supported_layers())}. To export a subclassed model, a "
        'Lambda or a custom layer, use format="tf_saved_model" with the TensorFlow backend '
        "(LAMINA_BACKEND=tensorflow)."
    )


def _graph_of(model):
    """The `Functional` graph that runs ``model``, or the export error."""
    if isinstance(model, Sequential):
        if model._functional is None:
            raise ValueError(
                f"ONNX export: Sequential model {model.name!r} is not built, so its input shape "
                "is unknown. Start it with `lamina.Input(shape=...)`, pass `input_shape=` to "
                "its first layer, or call it on data before exporting."
            )
        return model._functional
    if isinstance(model, Functional) and type(model).call is Functional.call:
        return model
    raise unsupported(model, "a model with its own `call` cannot be read as a layer graph")


class _Converter:
    def __init__(self):
        self.g = OnnxGraph()

    def run_model(self, model, input_names):
        """Convert ``model`` with its flat inputs named ``input_names``; its output names."""
        graph = _graph_of(model)
        values = {id(kt): name for kt, name in zip(graph._flat_inputs, input_names)}
        for node in graph._nodes:
            self._node(node, values)
        return [values[id(t)] for t in graph._flat_outputs]

    def _node(self, node, values):
        layer = node.layer
        ins = node.input_tensors
        outs = node.output_tensors
        xs = [values[id(t)] for t in ins]
        if isinstance(layer, (Functional, Sequential)) or _is_model(layer):
            results = self._nested(node, layer, values)
        else:
            convert = CONVERTERS.get(type(layer))
            if convert is None:
                raise unsupported(layer)
            _check_call_kwargs(node)
            results = convert(self.g, layer, xs, ins, outs)
        for kt, name in zip(outs, results):
            values[id(kt)] = name
            self.g.dtypes.setdefault(name, kt.dtype)

    def _nested(self, node, model, values):
        graph = _graph_of(model)
        args = node.args[0] if len(node.args) == 1 else list(node.args)
        flat = graph._flatten_given_inputs(args) if not isinstance(model, Sequential) else [args]
        names = []
        for t in flat:
            if not isinstance(t, KerasTensor):
                raise unsupported(model, "it is called on a non-tensor input")
            names.append(values[id(t)])
        return self.run_model(model, names)


def _is_model(layer):
    from lamina.models.model import Model

    return isinstance(layer, Model)


def _check_call_kwargs(node):
    """Refuse calls whose keyword arguments change the computation (a mask, training=True)."""
    for key, value in node.kwargs.items():
        if key == "training" and not value:
            continue
        if key == "mask" and value is None:
            continue
        raise unsupported(node.layer, f"it was called with `{key}=`, which does not convert")


def _input_specs(model, input_signature):
    graph = _graph_of(model)
    flat = graph._flat_inputs
    if input_signature is None:
        return [(t.name or f"input_{i}", t.shape, t.dtype) for i, t in enumerate(flat)]
    given = tree.flatten(input_signature) if not _is_spec(input_signature) else [input_signature]
    if len(given) != len(flat):
        raise ValueError(
            f"export: `input_signature` gives {len(given)} input(s), but model {model.name!r} "
            f"has {len(flat)}: {', '.join(f'{t.name} {t.shape}' for t in flat)}."
        )
    specs = []
    for i, (t, s) in enumerate(zip(flat, given)):
        shape = tuple(s.shape) if hasattr(s, "shape") else tuple(s)
        if len(shape) != len(t.shape):
            raise ValueError(
                f"export: `input_signature` entry {i} has shape {shape}, but input {t.name!r} "
                f"of model {model.name!r} has rank {len(t.shape)} (shape {t.shape})."
            )
        dtype = getattr(s, "dtype", None) or t.dtype
        specs.append((getattr(s, "name", None) or t.name or f"input_{i}", shape, str(dtype)))
    return specs


def _is_spec(value):
    return hasattr(value, "shape") and not isinstance(value, (list, tuple, dict))


def _value_info(name, shape, dtype):
    dims = []
    for i, d in enumerate(shape):
        if d is None:
            dims.append("batch" if i == 0 else f"{name}_dim{i}")
        else:
            dims.append(int(d))
    if dims:
        dims[0] = "batch"  # the batch size stays dynamic even when the model fixes it
    return helper.make_tensor_value_info(name, onnx_type(dtype), dims)


def build_onnx_model(model, input_signature=None) -> onnx.ModelProto:
    """The ONNX `ModelProto` of a Functional or Sequential ``model`` (nothing is written)."""
    from lamina.backend.common import dtypes

    specs = _input_specs(model, input_signature)
    conv = _Converter()
    g = conv.g
    inputs = []
    for name, shape, dtype in specs:
        name = g.fresh(name)
        dtype = dtypes.standardize_dtype(dtype)
        g.dtypes[name] = dtype
        inputs.append(_value_info(name, shape, dtype))
    graph = _graph_of(model)
    output_names = []  # named after the layers that make them, reserved before the walk
    for i, kt in enumerate(graph._flat_outputs):
        layer = kt._history[0].layer if kt._history is not None else None
        hint = layer.name if layer is not None and not isinstance(layer, InputLayer) else None
        output_names.append(g.fresh(hint or f"output_{i}"))
    outputs_internal = conv.run_model(model, [i.name for i in inputs])
    outputs = []
    for kt, internal, name in zip(graph._flat_outputs, outputs_internal, output_names):
        g.identity(g.cast(internal, kt.dtype), name)
        outputs.append(_value_info(name, (None, *kt.shape[1:]), kt.dtype))
    g.prune(output_names)
    onnx_graph = helper.make_graph(g.nodes, model.name, inputs, outputs, g.initializers)
    proto = helper.make_model(
        onnx_graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="lamina",
    )
    proto.ir_version = min(proto.ir_version, 9)
    onnx.checker.check_model(proto)
    return proto


def export_onnx(model, filepath, input_signature=None, verbose=True):
    """Write ``model`` as an ONNX file at ``filepath`` (atomically)."""
    from lamina.saving.atomic import atomic_file

    proto = build_onnx_model(model, input_signature)
    data = proto.SerializeToString()
    with atomic_file(filepath) as f:
        f.write(data)
    if verbose:
        print(
            f"Exported {type(model).__name__} model {model.name!r} to ONNX: {filepath} "
            f"({len(proto.graph.node)} nodes, opset {OPSET}, inputs "
            f"{', '.join(i.name for i in proto.graph.input)}; outputs "
            f"{', '.join(o.name for o in proto.graph.output)})."
        )
    return filepath
