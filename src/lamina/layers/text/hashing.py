"""`Hashing`: values to ``num_bins`` buckets by a deterministic hash, with Keras's bins."""

from __future__ import annotations

import numbers

import numpy as np

from lamina import backend, config, ops
from lamina.layers.text._string_hashes import hash_many
from lamina.layers.text.index_lookup import HostLayer, encode

__all__ = ["Hashing"]

_INT64_MIN = -(2**63)


class Hashing(HostLayer):
    """Hashes strings or integers into ``num_bins`` bins, with the same bins as Keras 3.

    A value's bin is its 64-bit hash modulo the number of hash bins. Without ``salt`` the
    hash is FarmHash's Fingerprint64 of the value's UTF-8 bytes (as TensorFlow's
    ``tf.strings.to_hash_bucket_fast``); with ``salt`` it is SipHash-2-4 keyed by the two salt
    integers (as ``tf.strings.to_hash_bucket_strong``). Integers hash as their decimal text,
    floats are first truncated to int64, booleans hash as "true" / "false". Bins are stable
    across runs, machines and backends. With ``mask_value`` set (and ``num_bins > 1``), that
    value maps to bin 0 and the others to ``[1, num_bins)``.

    Args:
        num_bins: number of bins, including the mask bin when ``mask_value`` is set.
        mask_value: a value that maps to bin 0 (default None: no mask bin).
        salt: None (FarmHash), an int (the key ``[salt, salt]``) or a pair of ints (SipHash).
        output_mode: "int", "one_hot", "multi_hot" or "count".
        sparse: must be False (Lamina's outputs are dense).
        **kwargs: base layer arguments; ``dtype`` defaults to "int64" for "int" outputs and
            to floatx for the encodings.

    Input shape:
        Strings, bytes, integers, floats or booleans of any shape.

    Output shape:
        "int": the input's shape. "one_hot": a last axis of size 1 becomes ``num_bins``,
        otherwise one is appended. "multi_hot" / "count": the last axis becomes ``num_bins``.

    Example:
        >>> layer = lamina.layers.Hashing(num_bins=3)
        >>> print(lamina.ops.convert_to_numpy(layer([["A"], ["B"], ["C"], ["D"], ["E"]])).ravel())
        [1 0 1 1 2]
        >>> salted = lamina.layers.Hashing(num_bins=3, salt=[133, 137])
        >>> print(lamina.ops.convert_to_numpy(salted([["A"], ["B"], ["C"], ["D"], ["E"]])).ravel())
        [1 2 1 0 2]
    """

    def __init__(
        self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs
    ):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else config.floatx()
        super().__init__(**kwargs)
        if (
            not isinstance(num_bins, numbers.Integral)
            or isinstance(num_bins, bool)
            or num_bins <= 0
        ):
            raise ValueError(
                f"Hashing: `num_bins` must be a positive int. Received: num_bins={num_bins!r}"
            )
        if output_mode not in ("int", "one_hot", "multi_hot", "count"):
            raise ValueError(
                "Hashing: `output_mode` must be 'int', 'one_hot', 'multi_hot' or 'count'. "
                f"Received: output_mode={output_mode!r}"
            )
        if output_mode == "int" and self.compute_dtype not in ("int32", "int64"):
            raise ValueError(
                "Hashing: with output_mode='int', `dtype` must be 'int32' or 'int64'. "
                f"Received: dtype={kwargs['dtype']!r}"
            )
        if sparse:
            raise ValueError(
                "Hashing: `sparse=True` is not supported by Lamina; outputs are dense."
            )
        self.num_bins = int(num_bins)
        self.mask_value = mask_value
        self.salt = _salt_key(salt)
        self.output_mode = output_mode
        self.sparse = False
        self.built = True

    def call(self, inputs):
        values = _host_values(inputs)
        bins = self._hash_values_to_bins(values)
        if self.output_mode == "int":
            return ops.convert_to_tensor(bins, self.compute_dtype)
        return encode(bins, self.output_mode, self.num_bins, dtype=self.compute_dtype)

    def _hash_values_to_bins(self, values):
        """An int64 array of bins, the shape of ``values`` (a NumPy array)."""
        hash_bins, mask = self.num_bins, None
        if self.mask_value is not None and hash_bins > 1:
            hash_bins -= 1
            mask = _equal(values, self.mask_value)
        if values.dtype.kind == "O":
            keys = [_to_bytes(v) for v in values.ravel().tolist()]
            unique = list(dict.fromkeys(keys))
            table = dict(zip(unique, self._bins_of(unique, hash_bins).tolist()))
            bins = np.fromiter(map(table.__getitem__, keys), np.int64, len(keys))
        else:
            if values.dtype.kind == "f":
                values = _float_to_int64(values)
            unique, inverse = np.unique(values.ravel(), return_inverse=True)
            text = _bool_text if values.dtype.kind == "b" else _int_text
            bins = self._bins_of([text(v) for v in unique.tolist()], hash_bins)[inverse.ravel()]
        bins = bins.reshape(values.shape)
        if mask is not None:
            bins = np.where(mask, 0, bins + 1)
        return bins

    def _bins_of(self, keys, hash_bins):
        """The bins (int64) of distinct byte strings: their hash modulo ``hash_bins``."""
        hashes = hash_many(keys, None if self.salt is None else tuple(self.salt))
        return (hashes % np.uint64(hash_bins)).astype(np.int64)

    def compute_output_spec(self, inputs):
        from lamina.backend.common.keras_tensor import KerasTensor

        shape = tuple(inputs.shape)
        if self.output_mode == "int":
            return KerasTensor(shape, self.compute_dtype)
        if self.output_mode == "one_hot":
            shape = shape[:-1] if len(shape) > 1 and shape[-1] == 1 else shape
            return KerasTensor((*shape, self.num_bins), self.compute_dtype)
        return KerasTensor(
            (*shape[:-1], self.num_bins) if len(shape) > 1 else (self.num_bins,),
            self.compute_dtype,
        )

    def get_config(self):
        return {
            **super().get_config(),
            "num_bins": self.num_bins,
            "mask_value": self.mask_value,
            "salt": None if self.salt is None else list(self.salt),
            "output_mode": self.output_mode,
            "sparse": False,
        }


def _salt_key(salt):
    """The SipHash key (k0, k1) from ``salt`` (None, an int or a pair of ints), as Keras."""
    if salt is None:
        return None
    if isinstance(salt, (tuple, list)) and len(salt) == 2:
        pair = salt
    elif isinstance(salt, numbers.Integral) and not isinstance(salt, bool):
        pair = (salt, salt)
    else:
        raise ValueError(
            f"Hashing: `salt` must be an int or a tuple / list of 2 ints. Received: salt={salt!r}"
        )
    if not all(isinstance(s, numbers.Integral) and not isinstance(s, bool) for s in pair):
        raise ValueError(f"Hashing: the values of `salt` must be ints. Received: salt={salt!r}")
    return [int(s) for s in pair]


def _host_values(x):
    """Inputs as a NumPy array; text stays text (an object array, trailing NULs kept)."""
    if isinstance(x, np.ndarray):
        arr = x
    elif isinstance(x, (list, tuple, str, bytes, int, float, bool)):
        arr = np.asarray(x)
        if arr.dtype.kind in "SU":
            arr = np.array(x, dtype=object)
        elif arr.dtype.kind == "f":
            arr = arr.astype(np.float32)  # Python floats become float32 tensors in Keras
    elif backend.is_tensor(x) or isinstance(x, backend.Variable):
        arr = np.asarray(backend.convert_to_numpy(x))
    else:
        arr = np.asarray(x.numpy() if hasattr(x, "numpy") else x)
    if arr.dtype.kind in "SU":
        arr = arr.astype(object)
    elif arr.dtype.kind not in "biufO":  # e.g. bfloat16 (an ml_dtypes "V" kind)
        arr = arr.astype(np.float32)
    return arr


def _equal(values, mask_value):
    """Where ``values`` equal ``mask_value`` (compared in the values' own dtype)."""
    if values.dtype.kind == "O":
        flat = values.ravel().tolist()
        if isinstance(mask_value, (str, bytes)):
            target = _to_bytes(mask_value)
            found = (isinstance(v, (str, bytes)) and _to_bytes(v) == target for v in flat)
        else:
            found = (not isinstance(v, (str, bytes)) and v == mask_value for v in flat)
        return np.fromiter(found, bool, len(flat)).reshape(values.shape)
    if isinstance(mask_value, (str, bytes)):
        return np.zeros(values.shape, bool)
    target = np.asarray(mask_value)
    if values.dtype.kind == "f":
        target = target.astype(values.dtype)
    return values == target


def _float_to_int64(values):
    """Floats truncated toward zero to int64; NaN, inf and out-of-range give int64's minimum
    (what TensorFlow's cast gives on x86)."""
    wide = values.astype(np.float64)
    ok = np.isfinite(wide) & (wide >= -(2.0**63)) & (wide < 2.0**63)
    return np.where(ok, np.trunc(np.where(ok, wide, 0.0)), _INT64_MIN).astype(np.int64)


def _to_bytes(value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bool, np.bool_)):
        return _bool_text(value)
    if isinstance(value, (float, np.floating)):
        return _int_text(int(_float_to_int64(np.asarray(value))))
    return str(value).encode("utf-8")


def _int_text(value):
    return str(value).encode("ascii")


def _bool_text(value):
    return b"true" if value else b"false"
