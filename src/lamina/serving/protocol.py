"""TF-Serving's REST protocol: a model's signature, request bodies to arrays, arrays to JSON.

Nothing here touches sockets or threads. `Signature.of(model)` reads a model's named inputs and
outputs; `parse_predict` turns a ``:predict`` body (row form ``{"instances": ...}`` or columnar
form ``{"inputs": ...}``) into one NumPy array per input, checked against the signature;
`format_predictions` turns the model's outputs back into ``{"predictions": ...}`` or
``{"outputs": ...}``. Every problem with a request raises `RequestError` with an HTTP status and
a message that names what was wrong, expected and received, and quotes at most a short piece
of the request.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np

SNIPPET_CHARS = 60

# TF-Serving's names for dtypes, used in the metadata answer.
_TF_DTYPES = {
    "float16": "DT_HALF",
    "bfloat16": "DT_BFLOAT16",
    "float32": "DT_FLOAT",
    "float64": "DT_DOUBLE",
    "int8": "DT_INT8",
    "int16": "DT_INT16",
    "int32": "DT_INT32",
    "int64": "DT_INT64",
    "uint8": "DT_UINT8",
    "uint16": "DT_UINT16",
    "uint32": "DT_UINT32",
    "uint64": "DT_UINT64",
    "bool": "DT_BOOL",
    "string": "DT_STRING",
}


class RequestError(Exception):
    """A request the server refuses: `status` is the HTTP status, `message` says why.

    Example:
        >>> from lamina.serving import RequestError
        >>> from lamina.serving.protocol import decode_json
        >>> try:
        ...     decode_json(b"{not json")
        ... except RequestError as e:
        ...     print(e.status, e.message)
        400 The request body is not valid JSON: Expecting property name enclosed in double quotes
        at char 1.
    """

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def snippet(value, limit: int = SNIPPET_CHARS) -> str:
    """A short, single-line piece of ``value`` for an error message (never the whole input)."""
    text = value if isinstance(value, str) else json.dumps(value, default=repr)[: limit * 2]
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class TensorSpec:
    """One named input or output: ``shape`` includes the batch dimension (``None``)."""

    name: str
    shape: tuple | None
    dtype: str

    def to_json(self) -> dict:
        shape = None if self.shape is None else [d if d is None else int(d) for d in self.shape]
        return {"name": self.name, "shape": shape, "dtype": self.dtype}

    def to_tf_json(self) -> dict:
        if self.shape is None:
            tensor_shape = {"dim": [], "unknown_rank": True}
        else:
            dims = [{"size": str(-1 if d is None else int(d)), "name": ""} for d in self.shape]
            tensor_shape = {"dim": dims, "unknown_rank": False}
        dtype = _TF_DTYPES.get(self.dtype, "DT_INVALID")
        return {"dtype": dtype, "tensor_shape": tensor_shape, "name": self.name}


@dataclass(frozen=True)
class Signature:
    """A model's named inputs and outputs, and how the model wants its inputs passed.

    Example:
        >>> inputs = lamina.Input((4,), name="features")
        >>> model = lamina.Model(inputs, lamina.layers.Dense(2, name="scores")(inputs))
        >>> from lamina.serving import Signature
        >>> signature = Signature.of(model)
        >>> signature.inputs
        (TensorSpec(name='features', shape=(None, 4), dtype='float32'),)
        >>> [spec.name for spec in signature.outputs]
        ['scores']
    """

    inputs: tuple
    outputs: tuple
    input_kind: str  # "single", "list" or "dict": the structure `model(x)` expects

    @classmethod
    def of(cls, model) -> Signature:
        flat_inputs = _safe_attr(model, "inputs") or []
        if not flat_inputs:
            # A subclassed model that was never called: nothing is known beyond "one input".
            from lamina import config

            return cls((TensorSpec("input", None, config.floatx()),), (), "single")
        struct = getattr(model, "_inputs_struct", None)
        if isinstance(struct, dict):
            names = sorted(struct)
            kind = "dict"
        else:
            names = [t.name for t in flat_inputs]
            kind = "single" if len(flat_inputs) == 1 else "list"
        inputs = tuple(
            TensorSpec(n, tuple(t.shape), str(t.dtype)) for n, t in zip(names, flat_inputs)
        )
        flat_outputs = _safe_attr(model, "outputs") or []
        out_struct = getattr(model, "_outputs_struct", None)
        if isinstance(out_struct, dict):
            out_names = sorted(out_struct)
        else:
            out_names = _unique([_producer_name(t, i) for i, t in enumerate(flat_outputs)])
        outputs = tuple(
            TensorSpec(n, tuple(t.shape), str(t.dtype)) for n, t in zip(out_names, flat_outputs)
        )
        return cls(inputs, outputs, kind)

    @property
    def input_names(self) -> list:
        return [s.name for s in self.inputs]

    def metadata(self, model_name: str, version: str, backend: str) -> dict:
        """The ``GET /v1/models/NAME/metadata`` answer: TF-Serving's layout plus a plain one."""
        signature = {
            "inputs": {s.name: s.to_tf_json() for s in self.inputs},
            "outputs": {s.name: s.to_tf_json() for s in self.outputs},
            "method_name": "tensorflow/serving/predict",
        }
        return {
            "model_spec": {"name": model_name, "signature_name": "", "version": version},
            "metadata": {"signature_def": {"signature_def": {"serving_default": signature}}},
            "lamina": {
                "inputs": [s.to_json() for s in self.inputs],
                "outputs": [s.to_json() for s in self.outputs],
                "backend": backend,
            },
        }

    def model_args(self, arrays: dict):
        """The arrays (by input name) in the structure the model's call expects."""
        if self.input_kind == "dict":
            return dict(arrays)
        values = [arrays[n] for n in self.input_names]
        return values[0] if self.input_kind == "single" else values


def _safe_attr(model, name):
    try:
        return getattr(model, name, None)
    except Exception:  # a property of an unbuilt model may raise
        return None


def _producer_name(tensor, index):
    history = getattr(tensor, "_history", None)
    return history[0].layer.name if history else f"output_{index}"


def _unique(names):
    seen, out = {}, []
    for n in names:
        if n in seen:
            seen[n] += 1
            out.append(f"{n}_{seen[n]}")
        else:
            seen[n] = 0
            out.append(n)
    return out


# Requests ---------------------------------------------------------------------------------
@dataclass
class PredictRequest:
    """A parsed ``:predict`` body: one array per input name, all with `batch_size` rows."""

    arrays: dict
    batch_size: int
    row_form: bool


def decode_json(body: bytes):
    """The JSON value of a request body, or `RequestError` 400."""
    if not body or not body.strip():
        raise RequestError(400, "The request body is empty; send a JSON object.")
    try:
        return json.loads(body)
    except UnicodeDecodeError:
        raise RequestError(400, "The request body is not UTF-8 text; send JSON.") from None
    except json.JSONDecodeError as e:
        raise RequestError(
            400, f"The request body is not valid JSON: {e.msg} at char {e.pos}."
        ) from None
    except RecursionError:
        raise RequestError(400, "The request body's JSON is nested too deeply.") from None


def parse_predict(body: bytes, signature: Signature, max_instances: int) -> PredictRequest:
    """Parse and check a ``:predict`` body against `signature`."""
    request = decode_json(body)
    if not isinstance(request, dict):
        raise RequestError(
            400,
            'The request body must be a JSON object like {"instances": [...]} or '
            f'{{"inputs": ...}}. Received: {snippet(request)}',
        )
    has_rows, has_cols = "instances" in request, "inputs" in request
    if has_rows == has_cols:
        which = "both" if has_rows else "neither"
        raise RequestError(
            400,
            f'The request has {which} of "instances" and "inputs"; give exactly one: '
            '"instances" (a list with one entry per example) or "inputs" (columnar).',
        )
    sig_name = request.get("signature_name", "serving_default")
    if sig_name not in ("serving_default", ""):
        raise RequestError(
            400,
            f'Unknown "signature_name" {snippet(str(sig_name))!r}; this server has only '
            '"serving_default".',
        )
    if has_rows:
        raw = _rows_to_columns(request["instances"], signature, max_instances)
    else:
        raw = _columns(request["inputs"], signature)
    arrays, batch = {}, None
    # NumPy reads `true` as 1 among numbers: look for booleans only when the body has any.
    check_bools = b"true" in body or b"false" in body
    for spec in signature.inputs:
        where = "instances" if has_rows else "inputs"
        arr = to_array(raw[spec.name], spec, where, check_bools)
        n = arr.shape[0]
        if batch is not None and n != batch:
            raise RequestError(
                400,
                f'"inputs": every input needs the same number of examples; {spec.name!r} has '
                f"{n} but the first input has {batch}.",
            )
        batch = n
        arrays[spec.name] = arr
    if batch > max_instances:
        raise RequestError(
            413,
            f"The request holds {batch} examples; this server accepts at most {max_instances} "
            "per request (--max-instances). Split it into several requests.",
        )
    return PredictRequest(arrays, batch, has_rows)


def _rows_to_columns(instances, signature, max_instances):
    if not isinstance(instances, list):
        raise RequestError(
            400,
            '"instances" must be a list with one entry per example. '
            f"Received: {snippet(instances)}",
        )
    if len(instances) > max_instances:
        raise RequestError(
            413,
            f'"instances" holds {len(instances)} examples; this server accepts at most '
            f"{max_instances} per request (--max-instances). Split it into several requests.",
        )
    names = signature.input_names
    if len(names) == 1 and not any(isinstance(i, dict) for i in instances):
        return {names[0]: instances}
    columns = {n: [] for n in names}
    for k, instance in enumerate(instances):
        if not isinstance(instance, dict):
            raise RequestError(
                400,
                f'"instances"[{k}] must be an object with the inputs {names} by name, since '
                f"the model has named inputs. Received: {snippet(instance)}",
            )
        _check_names(instance, names, f'"instances"[{k}]')
        for n in names:
            columns[n].append(instance[n])
    return columns


def _columns(inputs, signature):
    names = signature.input_names
    if isinstance(inputs, dict):
        _check_names(inputs, names, '"inputs"')
        return {n: inputs[n] for n in names}
    if len(names) == 1:
        return {names[0]: inputs}
    raise RequestError(
        400,
        f'"inputs" must be an object with the model\'s inputs {names} by name. '
        f"Received: {snippet(inputs)}",
    )


def _check_names(given: dict, names, where):
    missing = [n for n in names if n not in given]
    unknown = [k for k in given if k not in names]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(f"missing {missing}")
        if unknown:
            parts.append(f"unknown {[snippet(str(k), 30) for k in unknown[:5]]}")
        raise RequestError(400, f"{where}: the model's inputs are {names}; {' and '.join(parts)}.")


def to_array(value, spec: TensorSpec, where: str, check_bools: bool = True) -> np.ndarray:
    """``value`` (nested lists of numbers with a batch axis) as an array of ``spec``'s dtype."""
    label = f'"{where}" for input {spec.name!r}'
    if not isinstance(value, list):
        raise RequestError(
            400,
            f"{label}: expected a list with one entry per example. Received: {snippet(value)}",
        )
    if not value:
        raise RequestError(400, f'"{where}" holds no examples; send at least one.')
    try:
        arr = np.array(value)
    except (ValueError, TypeError, OverflowError):
        arr = None  # ragged: `_describe_problem` finds where
    if arr is None or arr.dtype.kind not in "biuf":
        raise RequestError(400, f"{label}: {_describe_problem(value)}")
    if spec.dtype != "bool" and (arr.dtype.kind == "b" or (check_bools and _has_bool(value))):
        raise RequestError(400, f"{label}: expected numbers, received true/false values.")
    if spec.shape is not None:
        expected = tuple(spec.shape[1:])
        got = arr.shape[1:]
        if arr.ndim != len(spec.shape) or any(
            e is not None and e != g for e, g in zip(expected, got)
        ):
            shown = tuple("?" if d is None else d for d in expected)
            raise RequestError(
                400,
                f"{label}: each example must have shape {shown} (the model's input shape is "
                f"{_shape_text(spec.shape)}); received {arr.shape[0]} example(s) of shape "
                f"{got}.",
            )
    dtype = spec.dtype if spec.dtype != "string" else "float32"
    try:
        target = np.dtype(dtype)
    except TypeError:
        import ml_dtypes

        target = np.dtype(getattr(ml_dtypes, dtype))
    if target.kind in "iu" and arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or np.any(arr != np.round(arr)):
            raise RequestError(400, f"{label}: the input is {spec.dtype}; received non-integers.")
    if target.kind in "iu":
        info = np.iinfo(target)
        if arr.size and (arr.min() < info.min or arr.max() > info.max):
            raise RequestError(400, f"{label}: values out of range for {spec.dtype}.")
    return arr.astype(target, copy=False)


def _has_bool(value) -> bool:
    if isinstance(value, list):
        return any(_has_bool(v) for v in value)
    return isinstance(value, bool)


def _shape_text(shape):
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ")"


def _describe_problem(value) -> str:
    """Why nested lists ``value`` are not a rectangular array of numbers (first problem found)."""
    shape = _first_shape(value)

    def walk(v, path, depth):
        if depth == len(shape):
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                return (
                    f"expected a number at {path or 'top level'}, received {snippet(json.dumps(v), 40)} "
                    f"({_json_type(v)})."
                )
            return None
        if not isinstance(v, list):
            return (
                f"ragged or mis-nested data: expected a list of {shape[depth]} at {path}, "
                f"received {snippet(json.dumps(v), 40)} ({_json_type(v)})."
            )
        if len(v) != shape[depth] and depth > 0:
            return (
                f"ragged data: the list at {path} has {len(v)} entries but the first one at "
                f"that depth has {shape[depth]}; every example must have the same shape."
            )
        for i, item in enumerate(v):
            problem = walk(item, f"{path}[{i}]", depth + 1)
            if problem:
                return problem
        return None

    problem = walk(value, "", 0)
    return problem or "expected nested lists of numbers."


def _first_shape(value):
    shape = []
    while isinstance(value, list):
        shape.append(len(value))
        if not value:
            break
        value = value[0]
    return shape


def _json_type(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "object"
    if isinstance(v, list):
        return "list"
    return type(v).__name__


# Responses --------------------------------------------------------------------------------
def to_jsonable(arr) -> list:
    """An output array as nested lists of Python numbers (non-finite floats become null)."""
    arr = np.asarray(arr)
    if arr.dtype.kind not in "biuf":
        arr = arr.astype(np.float32)
    if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
        return _replace_non_finite(arr.tolist())
    return arr.tolist()


def _replace_non_finite(value):
    if isinstance(value, list):
        return [_replace_non_finite(v) for v in value]
    return value if math.isfinite(value) else None


def output_dict(outputs, signature: Signature) -> dict:
    """The model's outputs (an array, a list or a dict of arrays) by output name."""
    if isinstance(outputs, dict):
        return {str(k): np.asarray(v) for k, v in outputs.items()}
    if isinstance(outputs, (list, tuple)):
        names = [s.name for s in signature.outputs]
        if len(names) != len(outputs):
            names = [f"output_{i}" for i in range(len(outputs))]
        return {n: np.asarray(v) for n, v in zip(names, outputs)}
    name = signature.outputs[0].name if len(signature.outputs) == 1 else "output_0"
    return {name: np.asarray(outputs)}


def format_predictions(outputs: dict, row_form: bool) -> dict:
    """The JSON answer for outputs by name: rows (``predictions``) or columns (``outputs``)."""
    if row_form:
        if len(outputs) == 1:
            (arr,) = outputs.values()
            return {"predictions": to_jsonable(arr)}
        columns = {n: to_jsonable(a) for n, a in outputs.items()}
        n = len(next(iter(columns.values())))
        return {"predictions": [{k: col[i] for k, col in columns.items()} for i in range(n)]}
    if len(outputs) == 1:
        (arr,) = outputs.values()
        return {"outputs": to_jsonable(arr)}
    return {"outputs": {n: to_jsonable(a) for n, a in outputs.items()}}
