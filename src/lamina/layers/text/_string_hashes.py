"""Two 64-bit string hashes on bytes, for `Hashing` to pick the same bins as Keras 3.

- `fingerprint64`: FarmHash's Fingerprint64 (its "na" Hash64: a CityHash-style hash with
  separate paths for 0-16, 17-32, 33-64 and longer inputs). TensorFlow's
  ``tf.strings.to_hash_bucket_fast`` is ``fingerprint64(utf-8 bytes) % num_buckets``.
- `siphash24`: SipHash-2-4 with a 128-bit key given as two 64-bit words (the key's low and
  high halves), as ``tf.strings.to_hash_bucket_strong(x, n, key=[k0, k1])`` uses it.

Inputs are read as little-endian words. The algorithms are written once over "readers" that
fetch a word at a byte offset: on one input they compute with Python ints masked to 64 bits;
`hash_many` runs them on NumPy uint64 columns, one column per input of the same length, so
that a batch costs a few hundred array operations per distinct length.
"""

from __future__ import annotations

import struct

import numpy as np

__all__ = ["fingerprint64", "hash_many", "siphash24"]

_M = 0xFFFFFFFFFFFFFFFF
_K0 = 0xC3A5C85C97CB3127
_K1 = 0xB492B66FBE98F273
_K2 = 0x9AE16A3B2F90404F
_SIP = (0x736F6D6570736575, 0x646F72616E646F6D, 0x6C7967656E657261, 0x7465646279746573)
# Below these many inputs of one length, hashing them one by one is quicker than as arrays.
_MIN_BATCH = {"farmhash": 12, "siphash": 20}

_U64 = struct.Struct("<Q").unpack_from
_U32 = struct.Struct("<I").unpack_from


# FarmHash Fingerprint64 ------------------------------------------------------------------
def _ror(v, r):
    """Rotate a 64-bit value right by ``r`` bits (0 < r < 64)."""
    return ((v >> r) | (v << (64 - r))) & _M


def _mix16(u, v, mul):
    """Fold two 64-bit words into one (the multiply / xor-shift-47 step)."""
    a = ((u ^ v) * mul) & _M
    a ^= a >> 47
    b = ((v ^ a) * mul) & _M
    b ^= b >> 47
    return (b * mul) & _M


def _short(f64, f32, byte, n):
    """Inputs of 1 to 16 bytes."""
    mul = _K2 + 2 * n
    if n >= 8:
        a = (f64(0) + _K2) & _M
        b = f64(n - 8)
        c = (_ror(b, 37) * mul + a) & _M
        d = ((_ror(a, 25) + b) * mul) & _M
        return _mix16(c, d, mul)
    if n >= 4:
        return _mix16(n + (f32(0) << 3), f32(n - 4), mul)
    y = byte(0) + (byte(n >> 1) << 8)
    z = n + (byte(n - 1) << 2)
    h = ((y * _K2) ^ (z * _K0)) & _M
    return ((h ^ (h >> 47)) * _K2) & _M


def _medium(f64, n):
    """Inputs of 17 to 32 bytes."""
    mul = _K2 + 2 * n
    a = (f64(0) * _K1) & _M
    b = f64(8)
    c = (f64(n - 8) * mul) & _M
    d = (f64(n - 16) * _K2) & _M
    return _mix16(
        (_ror((a + b) & _M, 43) + _ror(c, 30) + d) & _M,
        (a + _ror((b + _K2) & _M, 18) + c) & _M,
        mul,
    )


def _long(f64, n):
    """Inputs of 33 to 64 bytes."""
    mul = _K2 + 2 * n
    a = (f64(0) * _K2) & _M
    b = f64(8)
    c = (f64(n - 8) * mul) & _M
    d = (f64(n - 16) * _K2) & _M
    y = (_ror((a + b) & _M, 43) + _ror(c, 30) + d) & _M
    z = _mix16(y, (a + _ror((b + _K2) & _M, 18) + c) & _M, mul)
    e = (f64(16) * mul) & _M
    f = f64(24)
    g = ((y + f64(n - 32)) * mul) & _M
    h = ((z + f64(n - 24)) * mul) & _M
    return _mix16(
        (_ror((e + f) & _M, 43) + _ror(g, 30) + h) & _M,
        (e + _ror((f + a) & _M, 18) + g) & _M,
        mul,
    )


def _weak32(w, x, y, z, a, b):
    """Mix four words with two seeds into a pair (the 32-byte block step)."""
    a = (a + w) & _M
    b = _ror((b + a + z) & _M, 21)
    c = a
    a = (a + x + y) & _M
    b = (b + _ror(a, 44)) & _M
    return (a + z) & _M, (b + c) & _M


def _block(f64, pos, x, y, z, v, w, mul, nine):
    """One 64-byte block at ``pos`` through the state; ``nine`` scales the final block."""
    q = [f64(pos + 8 * i) for i in range(8)]
    x = (_ror((x + y + v[0] + q[1]) & _M, 37) * mul) & _M
    y = (_ror((y + v[1] + q[6]) & _M, 42) * mul) & _M
    x ^= (w[1] * nine) & _M
    y = (y + ((v[0] * nine) & _M) + q[5]) & _M
    z = (_ror((z + w[0]) & _M, 33) * mul) & _M
    v = _weak32(q[0], q[1], q[2], q[3], (v[1] * mul) & _M, (x + w[0]) & _M)
    w = _weak32(q[4], q[5], q[6], q[7], (z + w[1]) & _M, (y + q[2]) & _M)
    return z, y, x, v, w  # x and z swap


def _huge(f64, n):
    """Inputs over 64 bytes: 64-byte blocks through a 56-byte state, then the last 64 bytes."""
    y = (81 * _K1 + 113) & _M
    t = (y * _K2 + 113) & _M
    z = ((t ^ (t >> 47)) * _K2) & _M
    x = (((81 * _K2) & _M) + f64(0)) & _M
    v = w = (0, 0)
    for pos in range(0, ((n - 1) // 64) * 64, 64):
        x, y, z, v, w = _block(f64, pos, x, y, z, v, w, _K1, 1)
    mul = _K1 + ((z & 0xFF) << 1)
    w0 = (w[0] + ((n - 1) & 63)) & _M
    v0 = (v[0] + w0) & _M
    w = ((w0 + v0) & _M, w[1])
    x, y, z, v, w = _block(f64, n - 64, x, y, z, (v0, v[1]), w, mul, 9)
    t = y ^ (y >> 47)
    return _mix16(
        (_mix16(v[0], w[0], mul) + t * _K0 + z) & _M,
        (_mix16(v[1], w[1], mul) + x) & _M,
        mul,
    )


def _farmhash(f64, f32, byte, n):
    if n <= 16:
        return _short(f64, f32, byte, n) if n else _K2
    if n <= 32:
        return _medium(f64, n)
    if n <= 64:
        return _long(f64, n)
    return _huge(f64, n)


def fingerprint64(data: bytes) -> int:
    """FarmHash Fingerprint64 of ``data``: an unsigned 64-bit int.

    Example:
        >>> fingerprint64(b"")
        11160318154034397263
    """
    return _farmhash(
        lambda o: _U64(data, o)[0], lambda o: _U32(data, o)[0], data.__getitem__, len(data)
    )


# SipHash-2-4 ----------------------------------------------------------------------------
def _sip_rounds(v0, v1, v2, v3, rounds):
    """``rounds`` SipRounds (add, rotate left, xor) on the four-word state."""
    for _ in range(rounds):
        v0 = (v0 + v1) & _M
        v1 = (((v1 << 13) & _M) | (v1 >> 51)) ^ v0
        v0 = ((v0 << 32) & _M) | (v0 >> 32)
        v2 = (v2 + v3) & _M
        v3 = (((v3 << 16) & _M) | (v3 >> 48)) ^ v2
        v0 = (v0 + v3) & _M
        v3 = (((v3 << 21) & _M) | (v3 >> 43)) ^ v0
        v2 = (v2 + v1) & _M
        v1 = (((v1 << 17) & _M) | (v1 >> 47)) ^ v2
        v2 = ((v2 << 32) & _M) | (v2 >> 32)
    return v0, v1, v2, v3


def _siphash(words, k0, k1, start=None):
    """SipHash-2-4 of a message given as its 64-bit words (the last one holding the tail
    and the length); ``start`` turns the initial state into arrays of that shape."""
    k0 &= _M
    k1 &= _M
    v = (k0 ^ _SIP[0], k1 ^ _SIP[1], k0 ^ _SIP[2], k1 ^ _SIP[3])
    if start is not None:
        v = tuple(np.full(start, s, np.uint64) for s in v)
    v0, v1, v2, v3 = v
    for m in words:
        v0, v1, v2, v3 = _sip_rounds(v0, v1, v2, v3 ^ m, 2)
        v0 ^= m
    v0, v1, v2, v3 = _sip_rounds(v0, v1, v2 ^ 0xFF, v3, 4)
    return v0 ^ v1 ^ v2 ^ v3


def siphash24(data: bytes, k0: int, k1: int) -> int:
    """SipHash-2-4 of ``data`` under the 128-bit key (``k0``, ``k1``): an unsigned 64-bit int.

    ``k0`` and ``k1`` are the key's low and high 64-bit words (negative ints wrap to 64 bits).

    Example:
        >>> siphash24(b"", 0, 0)
        2202906307356721367
    """
    n = len(data)
    full = n & ~7
    words = list(struct.unpack_from(f"<{full >> 3}Q", data)) if full else []
    words.append(((n & 0xFF) << 56) | int.from_bytes(data[full:], "little"))
    return _siphash(words, k0, k1)


# Batches --------------------------------------------------------------------------------
def _farmhash_rows(rows):
    """Fingerprint64 of each row of a (count, n) uint8 matrix, as uint64."""
    n = rows.shape[1]
    if n == 0:
        return np.full(len(rows), _K2, np.uint64)

    def f64(o):
        return np.ascontiguousarray(rows[:, o : o + 8]).view("<u8")[:, 0].astype(np.uint64)

    def f32(o):
        return np.ascontiguousarray(rows[:, o : o + 4]).view("<u4")[:, 0].astype(np.uint64)

    def byte(i):
        return rows[:, i].astype(np.uint64)

    return _farmhash(f64, f32, byte, n)


def _siphash_rows(rows, k0, k1):
    """SipHash-2-4 of each row of a (count, n) uint8 matrix, as uint64."""
    count, n = rows.shape
    padded = np.zeros((count, (n & ~7) + 8), np.uint8)
    padded[:, :n] = rows
    padded[:, -1] = n & 0xFF
    words = padded.view("<u8").astype(np.uint64)
    return _siphash(words.T, k0, k1, start=count)


def hash_many(items, key=None) -> np.ndarray:
    """Fingerprint64 (``key`` None) or SipHash-2-4 (``key`` = (k0, k1)) of each bytes object
    of ``items``, as a uint64 array. Inputs of one length are hashed together as arrays.

    Example:
        >>> hash_many([b"", b"a"]).tolist() == [fingerprint64(b""), fingerprint64(b"a")]
        True
    """
    out = np.empty(len(items), np.uint64)
    groups = {}
    for i, data in enumerate(items):
        groups.setdefault(len(data), []).append(i)
    for n, index in groups.items():
        if len(index) < _MIN_BATCH["farmhash" if key is None else "siphash"]:
            for i in index:
                out[i] = fingerprint64(items[i]) if key is None else siphash24(items[i], *key)
            continue
        rows = np.frombuffer(b"".join([items[i] for i in index]), np.uint8)
        rows = rows.reshape(len(index), n)
        out[index] = _farmhash_rows(rows) if key is None else _siphash_rows(rows, *key)
    return out
