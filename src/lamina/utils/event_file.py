"""TensorBoard event files written by hand: TFRecord framing and the few protobuf messages
(Event, Summary, HistogramProto, GraphDef) that scalars, histograms and a layer graph need.
No TensorFlow is involved.

A TFRecord is ``length (uint64 LE) | masked crc32c(length) | data | masked crc32c(data)``.
"""

from __future__ import annotations

import os
import socket
import struct
import time

import numpy as np


def _crc32c_table():
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ 0x82F63B78 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _crc32c_table()


def crc32c(data: bytes) -> int:
    """CRC-32C (Castagnoli), the checksum of TFRecord framing."""
    crc = 0xFFFFFFFF
    table = _TABLE
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data: bytes) -> int:
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


# Protobuf encoding --------------------------------------------------------------------------
def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _key(field: int, wire: int) -> bytes:
    return _varint((field << 3) | wire)


def field_varint(field: int, value: int) -> bytes:
    return _key(field, 0) + _varint(int(value))


def field_double(field: int, value: float) -> bytes:
    return _key(field, 1) + struct.pack("<d", float(value))


def field_float(field: int, value: float) -> bytes:
    return _key(field, 5) + struct.pack("<f", float(value))


def field_bytes(field: int, value) -> bytes:
    if isinstance(value, str):
        value = value.encode("utf-8")
    return _key(field, 2) + _varint(len(value)) + value


def field_packed_doubles(field: int, values) -> bytes:
    return field_bytes(field, struct.pack(f"<{len(values)}d", *values))


def scalar_value(tag: str, value: float) -> bytes:
    """A Summary.Value with ``simple_value``."""
    return field_bytes(1, tag) + field_float(2, value)


def histogram_value(tag: str, values, bins: int = 30) -> bytes:
    """A Summary.Value with a HistogramProto of ``values``."""
    values = np.asarray(values, dtype=np.float64).ravel()
    if values.size == 0:
        values = np.zeros(1)
    lo, hi = float(values.min()), float(values.max())
    if lo == hi:
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(values, bins=bins, range=(lo, hi))
    histo = (
        field_double(1, float(values.min()))
        + field_double(2, float(values.max()))
        + field_double(3, float(values.size))
        + field_double(4, float(values.sum()))
        + field_double(5, float(np.square(values).sum()))
        + field_packed_doubles(6, [float(e) for e in edges[1:]])
        + field_packed_doubles(7, [float(c) for c in counts])
    )
    return field_bytes(1, tag) + field_bytes(5, histo)


def graph_def(nodes) -> bytes:
    """A GraphDef of ``(name, op, [input names])`` nodes (TensorBoard's graph view)."""
    out = b""
    for name, op, inputs in nodes:
        node = field_bytes(1, name) + field_bytes(2, op)
        for i in inputs:
            node += field_bytes(3, i)
        out += field_bytes(1, node)
    return out


class EventFileWriter:
    """Appends Events to ``<log_dir>/events.out.tfevents.<time>.<host>.<pid>.<n>.v2``."""

    _counter = 0

    def __init__(self, log_dir):
        os.makedirs(log_dir, exist_ok=True)
        EventFileWriter._counter += 1
        name = (
            f"events.out.tfevents.{int(time.time())}.{socket.gethostname()}."
            f"{os.getpid()}.{EventFileWriter._counter}.v2"
        )
        self.path = os.path.join(log_dir, name)
        self._file = open(self.path, "ab")  # noqa: SIM115 - kept open while training runs
        self._write_event(field_bytes(3, "brain.Event:2"), step=0)

    def _write_event(self, body: bytes, step: int):
        event = field_double(1, time.time()) + field_varint(2, step) + body
        header = struct.pack("<Q", len(event))
        self._file.write(header + struct.pack("<I", masked_crc32c(header)))
        self._file.write(event + struct.pack("<I", masked_crc32c(event)))

    def add_values(self, values, step: int):
        """Write a Summary holding the encoded ``values`` (from `scalar_value` etc.)."""
        if values:
            summary = b"".join(field_bytes(1, v) for v in values)
            self._write_event(field_bytes(5, summary), step)

    def add_scalars(self, scalars: dict, step: int):
        self.add_values([scalar_value(k, v) for k, v in scalars.items()], step)

    def add_graph(self, nodes):
        self._write_event(field_bytes(4, graph_def(nodes)), step=0)

    def flush(self):
        self._file.flush()

    def close(self):
        if not self._file.closed:
            self._file.close()
