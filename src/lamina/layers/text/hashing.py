"""`Hashing`: values to ``num_bins`` buckets by a deterministic hash."""

from __future__ import annotations

import numpy as np

from lamina import ops
from lamina.layers.text.index_lookup import HostLayer, encode, host_array, stable_hash

__all__ = ["Hashing"]


class Hashing(HostLayer):
    """Hashes strings or integers into ``num_bins`` bins.

    With ``mask_value`` set, that value maps to bin 0 and the others to ``[1, num_bins)``.
    The hash is BLAKE2b (64 bits) of the value's text, keyed by ``salt`` when given; it is
    stable across runs, machines and backends. Keras uses TensorFlow's FarmHash (or SipHash
    with a salt), so bin numbers differ from Keras's; the bin count, the mask bin, the
    determinism and the output dtypes (int64, or float32 for encodings) are the same.

    Args:
        num_bins: number of bins (including the mask bin when ``mask_value`` is set).
        mask_value: a value that maps to bin 0 (default None).
        salt: an int or a pair of ints that keys the hash.
        output_mode: "int", "one_hot", "multi_hot" or "count".

    Example:
        >>> layer = lamina.layers.Hashing(num_bins=3)
        >>> print(lamina.ops.convert_to_numpy(layer([["A"], ["B"], ["A"]])).shape)
        (3, 1)
    """

    def __init__(
        self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False, **kwargs
    ):
        super().__init__(**kwargs)
        if not isinstance(num_bins, int) or num_bins <= 0:
            raise ValueError(
                f"Hashing: `num_bins` must be a positive int. Received: num_bins={num_bins!r}"
            )
        if output_mode not in ("int", "one_hot", "multi_hot", "count"):
            raise ValueError(
                "Hashing: `output_mode` must be 'int', 'one_hot', 'multi_hot' or 'count'. "
                f"Received: output_mode={output_mode!r}"
            )
        if mask_value is not None and num_bins < 2:
            raise ValueError("Hashing: with a `mask_value`, `num_bins` must be at least 2.")
        if sparse:
            raise ValueError(
                "Hashing: `sparse=True` is not supported by Lamina; outputs are dense."
            )
        self.num_bins = num_bins
        self.mask_value = mask_value
        self.salt = salt
        self.output_mode = output_mode
        self.sparse = False
        self.built = True

    def _bin(self, value):
        if isinstance(value, bytes):
            value = value.decode("utf-8")
        if self.mask_value is not None:
            if value == self.mask_value:
                return 0
            return 1 + stable_hash(value, self.num_bins - 1, self.salt)
        return stable_hash(value, self.num_bins, self.salt)

    def call(self, inputs):
        arr = host_array(inputs)
        bins = np.asarray([self._bin(v) for v in np.ravel(arr).tolist()], np.int64)
        bins = bins.reshape(arr.shape)
        if self.output_mode == "int":
            return ops.convert_to_tensor(bins, "int64")
        return encode(bins, self.output_mode, self.num_bins)

    def compute_output_spec(self, inputs):
        from lamina.backend.common.keras_tensor import KerasTensor

        shape = tuple(inputs.shape)
        if self.output_mode == "int":
            return KerasTensor(shape, "int64")
        if self.output_mode == "one_hot":
            shape = shape[:-1] if len(shape) > 1 and shape[-1] == 1 else shape
            return KerasTensor((*shape, self.num_bins), "float32")
        return KerasTensor(
            (*shape[:-1], self.num_bins) if len(shape) > 1 else (self.num_bins,), "float32"
        )

    def get_config(self):
        return {
            **super().get_config(),
            "num_bins": self.num_bins,
            "mask_value": self.mask_value,
            "salt": self.salt,
            "output_mode": self.output_mode,
        }
