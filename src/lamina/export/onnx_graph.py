"""`OnnxGraph`: a small builder of ONNX nodes, constants and value names.

The layer converters (`onnx_layers`, `onnx_conv`) speak to ONNX only through this class: each
asks for nodes by op type and gets back the names of their outputs. Constants become graph
initializers (one per distinct weight), and a transpose that undoes the previous one is
dropped, so chains of channels-last convolutions do not bounce between layouts.
"""

from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from lamina.backend.common import dtypes

OPSET = 17

_ONNX_TYPES = {
    "float16": TensorProto.FLOAT16,
    "bfloat16": TensorProto.BFLOAT16,
    "float32": TensorProto.FLOAT,
    "float64": TensorProto.DOUBLE,
    "int8": TensorProto.INT8,
    "int16": TensorProto.INT16,
    "int32": TensorProto.INT32,
    "int64": TensorProto.INT64,
    "uint8": TensorProto.UINT8,
    "uint16": TensorProto.UINT16,
    "uint32": TensorProto.UINT32,
    "uint64": TensorProto.UINT64,
    "bool": TensorProto.BOOL,
}


def onnx_type(dtype) -> int:
    """The ONNX element type of a Lamina dtype name."""
    name = dtypes.standardize_dtype(dtype)
    if name not in _ONNX_TYPES:
        raise ValueError(f"ONNX export: the dtype {name!r} has no ONNX equivalent.")
    return _ONNX_TYPES[name]


class OnnxGraph:
    """Nodes, initializers and value dtypes of the graph being built."""

    def __init__(self):
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[onnx.TensorProto] = []
        self.dtypes: dict[str, str] = {}  # value name -> Lamina dtype name
        self._used: set[str] = set()
        self._consts: dict[tuple, str] = {}
        self._transposes: dict[str, tuple[str, tuple]] = {}  # output -> (input, perm)

    # Names -----------------------------------------------------------------------------
    def fresh(self, hint: str) -> str:
        """A value or node name not used yet, based on ``hint``."""
        base = "".join(c if c.isalnum() or c in "_./-" else "_" for c in hint) or "v"
        name, i = base, 1
        while name in self._used:
            name = f"{base}_{i}"
            i += 1
        self._used.add(name)
        return name

    # Constants -------------------------------------------------------------------------
    def const(self, value, dtype=None, hint="const") -> str:
        """An initializer holding ``value`` (cast to ``dtype``); equal constants are shared."""
        array = np.asarray(value)
        if dtype is not None:
            array = array.astype(dtypes.to_numpy_dtype(dtypes.standardize_dtype(dtype)))
        array = np.ascontiguousarray(array)
        key = (array.dtype.str, array.shape, array.tobytes())
        name = self._consts.get(key)
        if name is None:
            name = self.fresh(hint)
            self.initializers.append(numpy_helper.from_array(array, name))
            self.dtypes[name] = dtypes.standardize_dtype(array.dtype)
            self._consts[key] = name
        return name

    def ints(self, values, hint="ints") -> str:
        return self.const(np.asarray(list(values), np.int64), hint=hint)

    def scalar(self, value, like: str) -> str:
        """A scalar constant of the dtype of value ``like``."""
        return self.const(value, self.dtypes[like], hint="scalar")

    # Nodes -----------------------------------------------------------------------------
    def op(self, op_type, inputs, hint=None, n_out=1, out_dtype=None, **attrs):
        """Add one node; returns its output name (or names when ``n_out`` > 1)."""
        hint = hint or op_type.lower()
        outputs = [self.fresh(hint) for _ in range(n_out)]
        self.nodes.append(
            helper.make_node(
                op_type, list(inputs), outputs, name=self.fresh(f"{hint}_node"), **attrs
            )
        )
        typed = inputs[1:] if op_type == "Where" else inputs  # Where's condition is bool
        dtype = out_dtype or next((self.dtypes[i] for i in typed if i in self.dtypes), None)
        for o in outputs:
            if dtype is not None:
                self.dtypes[o] = dtype
        return outputs[0] if n_out == 1 else outputs

    def cast(self, x: str, dtype) -> str:
        dtype = dtypes.standardize_dtype(dtype)
        if self.dtypes.get(x) == dtype:
            return x
        return self.op("Cast", [x], hint="cast", out_dtype=dtype, to=onnx_type(dtype))

    def transpose(self, x: str, perm) -> str:
        perm = tuple(int(p) for p in perm)
        if perm == tuple(range(len(perm))):
            return x
        previous = self._transposes.get(x)
        if previous is not None:
            source, first = previous
            if len(first) == len(perm) and all(first[perm[i]] == i for i in range(len(perm))):
                return source  # this transpose undoes the one that made x
        out = self.op("Transpose", [x], hint="transpose", perm=list(perm))
        self._transposes[out] = (x, perm)
        return out

    def identity(self, x: str, name: str) -> str:
        self.nodes.append(
            helper.make_node("Identity", [x], [name], name=self.fresh(name + "_node"))
        )
        self.dtypes[name] = self.dtypes.get(x)
        return name

    def prune(self, outputs) -> None:
        """Drop the nodes and initializers that no output depends on (e.g. transposes that a
        later inverse transpose made useless)."""
        needed = set(outputs)
        kept = []
        for node in reversed(self.nodes):
            if any(o in needed for o in node.output):
                kept.append(node)
                needed.update(i for i in node.input if i)
        self.nodes = kept[::-1]
        self.initializers = [t for t in self.initializers if t.name in needed]
