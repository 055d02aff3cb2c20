"""Reading and writing the safetensors format: a length-prefixed JSON header, then raw bytes.

The format holds only arrays and strings, so loading a file can never run code. Reading
checks the header before touching the data: every dtype known, every shape a list of
non-negative integers whose byte count matches its span, and the spans tiling the data
exactly, so a tampered or truncated file is refused with what is wrong with it and a
"shape bomb" (a header claiming a huge array) never allocates anything.
"""

from __future__ import annotations

import json
import math
import struct

import numpy as np

from lamina.backend.common import dtypes
from lamina.saving.atomic import atomic_file

_TO_CODE = {
    "bool": "BOOL",
    "uint8": "U8",
    "uint16": "U16",
    "uint32": "U32",
    "uint64": "U64",
    "int8": "I8",
    "int16": "I16",
    "int32": "I32",
    "int64": "I64",
    "float16": "F16",
    "bfloat16": "BF16",
    "float32": "F32",
    "float64": "F64",
}
_FROM_CODE = {code: name for name, code in _TO_CODE.items()}
MAX_HEADER_BYTES = 100 * 1024 * 1024


def encode(arrays: dict[str, np.ndarray], metadata: dict[str, str] | None = None) -> list:
    """The file's bytes, as a list of chunks (header first), for ``arrays`` (name -> array)."""
    header, chunks, offset = {}, [], 0
    for name, array in arrays.items():
        array = np.asarray(array)
        if not array.flags.c_contiguous:  # (np.ascontiguousarray makes 0-d arrays 1-d)
            array = array.copy()
        dtype = dtypes.standardize_dtype(array.dtype)
        if dtype not in _TO_CODE:
            raise ValueError(f"Cannot save array {name!r} of dtype {dtype} in safetensors.")
        data = memoryview(array.reshape(-1).view(np.uint8))  # no copy
        header[name] = {
            "dtype": _TO_CODE[dtype],
            "shape": list(array.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        chunks.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)  # the format aligns the data to 8 bytes
    return [struct.pack("<Q", len(encoded)), encoded, *chunks]


def write(path: str, arrays: dict[str, np.ndarray], metadata: dict[str, str] | None = None):
    """Write ``arrays`` (name -> array) to ``path`` atomically."""
    chunks = encode(arrays, metadata)
    with atomic_file(path) as f:
        for chunk in chunks:
            f.write(chunk)


def read(path: str) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """The arrays and the metadata of a safetensors file."""
    with open(path, "rb") as f:
        raw = f.read()
    return parse(raw, str(path))


def parse(raw: bytes, source: str) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """The arrays and metadata held in ``raw``; ``source`` names it in error messages."""
    if len(raw) < 8:
        raise ValueError(
            f"{source} is not a safetensors file: it is {len(raw)} bytes long (truncated?)."
        )
    (size,) = struct.unpack("<Q", raw[:8])
    if size > MAX_HEADER_BYTES or size > len(raw) - 8:
        raise ValueError(
            f"{source} is damaged: its header claims {size} bytes but the file holds "
            f"{len(raw) - 8} after the length field (truncated, or not a safetensors file)."
        )
    try:
        header = json.loads(bytes(raw[8 : 8 + size]))
    except ValueError as e:
        raise ValueError(f"{source} is damaged: its header is not valid JSON ({e}).") from None
    if not isinstance(header, dict):
        raise ValueError(f"{source} is damaged: its header is not a JSON object.")
    metadata = header.pop("__metadata__", None) or {}
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise ValueError(f"{source} is damaged: its __metadata__ must map names to strings.")
    data = memoryview(raw)[8 + size :]
    spans = sorted((_check_entry(source, name, info), name) for name, info in header.items())
    position = 0
    for (start, end), name in spans:
        if start != position:
            what = "overlaps another array" if start < position else "leaves a gap before it"
            raise ValueError(f"{source} is damaged: the data of array {name!r} {what}.")
        position = end
    if position != len(data):
        problem = (
            f"the arrays need {position} data bytes but the file holds {len(data)} (truncated?)"
            if position > len(data)
            else f"{len(data) - position} unexplained bytes follow the last array"
        )
        raise ValueError(f"{source} is damaged: {problem}.")
    arrays = {}
    for name, info in header.items():
        dtype = dtypes.to_numpy_dtype(_FROM_CODE[info["dtype"]])
        start, end = info["data_offsets"]
        arrays[name] = np.frombuffer(data[start:end], dtype=dtype).reshape(info["shape"]).copy()
    return arrays, metadata


def _check_entry(source, name, info):
    """The (start, end) span of one header entry, after checking that it is well formed."""
    if not isinstance(info, dict) or not {"dtype", "shape", "data_offsets"} <= set(info):
        raise ValueError(
            f"{source} is damaged: header entry {name!r} needs 'dtype', 'shape' and 'data_offsets'."
        )
    code, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
    if code not in _FROM_CODE:
        raise ValueError(
            f"{source}: array {name!r} has unsupported dtype {code!r}; expected one of "
            f"{sorted(_FROM_CODE)}."
        )
    if not isinstance(shape, list) or not all(_is_count(d) for d in shape):
        raise ValueError(
            f"{source} is damaged: array {name!r} has shape {str(shape)[:80]}; a shape is a "
            "list of non-negative integers."
        )
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(map(_is_count, offsets))):
        raise ValueError(f"{source} is damaged: array {name!r} has bad data_offsets.")
    start, end = offsets
    needed = math.prod(shape) * dtypes.to_numpy_dtype(_FROM_CODE[code]).itemsize
    if end - start != needed:
        raise ValueError(
            f"{source} is damaged: array {name!r} of shape {shape} and dtype {code} needs "
            f"{needed} bytes, but its header gives it {end - start}."
        )
    return start, end


def _is_count(value):
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0
