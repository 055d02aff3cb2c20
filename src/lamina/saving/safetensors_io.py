"""Reading and writing the safetensors format: a length-prefixed JSON header, then raw bytes.

The format holds only arrays and strings, so loading a file can never run code. Writes go to
a temporary file in the same folder and replace the target at the end, so a failed save
leaves any earlier file intact.
"""

from __future__ import annotations

import json
import os
import struct
import tempfile

import numpy as np

from lamina.backend.common import dtypes

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
_MAX_HEADER = 100 * 1024 * 1024


def write(path: str, arrays: dict[str, np.ndarray], metadata: dict[str, str] | None = None):
    """Write ``arrays`` (name -> array) to ``path`` atomically."""
    header, chunks, offset = {}, [], 0
    for name, array in arrays.items():
        array = np.asarray(array)
        if not array.flags.c_contiguous:  # (np.ascontiguousarray makes 0-d arrays 1-d)
            array = array.copy()
        dtype = dtypes.standardize_dtype(array.dtype)
        if dtype not in _TO_CODE:
            raise ValueError(f"Cannot save array {name!r} of dtype {dtype} in safetensors.")
        data = array.tobytes()
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
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".safetensors", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(struct.pack("<Q", len(encoded)))
            f.write(encoded)
            for chunk in chunks:
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())  # the bytes are on disk before the rename makes them current
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def read(path: str) -> tuple[dict[str, np.ndarray], dict[str, str]]:
    """The arrays and the metadata of a safetensors file."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise ValueError(f"{path} is not a safetensors file (it is {len(raw)} bytes long).")
    (size,) = struct.unpack("<Q", raw[:8])
    if size > min(_MAX_HEADER, len(raw) - 8):
        raise ValueError(f"{path} is not a valid safetensors file (bad header length {size}).")
    try:
        header = json.loads(raw[8 : 8 + size])
    except ValueError as e:
        raise ValueError(f"{path} is not a valid safetensors file: {e}") from None
    metadata = header.pop("__metadata__", {}) or {}
    data = memoryview(raw)[8 + size :]
    arrays = {}
    for name, info in header.items():
        code = info.get("dtype")
        if code not in _FROM_CODE:
            raise ValueError(f"{path}: array {name!r} has unsupported dtype {code!r}.")
        start, end = info["data_offsets"]
        if not 0 <= start <= end <= len(data):
            raise ValueError(f"{path}: array {name!r} points outside the file (truncated?).")
        dtype = dtypes.to_numpy_dtype(_FROM_CODE[code])
        count = int(np.prod(info["shape"]))
        if (end - start) != count * dtype.itemsize:
            raise ValueError(f"{path}: array {name!r} has the wrong number of bytes.")
        arrays[name] = np.frombuffer(data[start:end], dtype=dtype).reshape(info["shape"]).copy()
    return arrays, metadata
