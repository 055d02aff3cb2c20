"""`Discretization`: continuous values to bucket indices by boundaries (given or adapted)."""

from __future__ import annotations

import numpy as np

from lamina import ops
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.layers.base import Layer
from lamina.layers.text.index_lookup import encode, iterate_batches

__all__ = ["Discretization"]


class Discretization(Layer):
    """Buckets values: bucket ``i`` holds ``bin_boundaries[i-1] <= x < bin_boundaries[i]``.

    Args:
        bin_boundaries: sorted boundaries (``len + 1`` buckets); or None, then ``num_bins``
            and `adapt` find quantile boundaries.
        num_bins: number of buckets to learn with `adapt`.
        epsilon: accepted for Keras compatibility (Lamina computes exact quantiles).
        output_mode: "int" (default), "one_hot", "multi_hot" or "count".

    Example:
        >>> layer = lamina.layers.Discretization(bin_boundaries=[0.0, 1.0])
        >>> print(lamina.ops.convert_to_numpy(layer(np.array([[-1.0, 0.5, 2.0]]))))
        [[0 1 2]]
    """

    def __init__(
        self,
        bin_boundaries=None,
        num_bins=None,
        epsilon=0.01,
        output_mode="int",
        sparse=False,
        dtype=None,
        name=None,
        **kwargs,
    ):
        if dtype is None:
            dtype = "int64" if output_mode == "int" else "float32"
        kwargs.setdefault("autocast", False)  # float inputs must not be cast to the int dtype
        super().__init__(dtype=dtype, name=name, **kwargs)
        if output_mode not in ("int", "one_hot", "multi_hot", "count"):
            raise ValueError(
                "Discretization: `output_mode` must be 'int', 'one_hot', 'multi_hot' or "
                f"'count'. Received: output_mode={output_mode!r}"
            )
        if bin_boundaries is not None and num_bins is not None:
            raise ValueError(
                "Discretization: pass `bin_boundaries` or `num_bins`, not both. Received: "
                f"bin_boundaries={bin_boundaries}, num_bins={num_bins}"
            )
        if sparse:
            raise ValueError("Discretization: `sparse=True` is not supported; outputs are dense.")
        self.bin_boundaries = None if bin_boundaries is None else [float(b) for b in bin_boundaries]
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = False
        self.built = True

    def adapt(self, data, batch_size=None, steps=None):
        """Set ``bin_boundaries`` to the quantiles that split ``data`` into ``num_bins``."""
        if self.num_bins is None:
            raise ValueError("Discretization: `adapt` needs `num_bins` set in the constructor.")
        values = np.concatenate([np.ravel(b).astype("float64") for b in iterate_batches(data)])
        qs = np.linspace(0, 1, self.num_bins + 1)[1:-1]
        self.bin_boundaries = [float(v) for v in np.quantile(values, qs)]

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError(
                "Discretization: no `bin_boundaries` yet; pass them or call `adapt` first."
            )
        boundaries = np.asarray(self.bin_boundaries, "float32")
        idx = ops.digitize(ops.cast(inputs, "float32"), boundaries)
        if self.output_mode == "int":
            return ops.cast(idx, "int32")  # as Keras
        depth = len(boundaries) + 1
        return encode(np.asarray(ops.convert_to_numpy(idx)), self.output_mode, depth)

    def compute_output_spec(self, inputs):
        shape = tuple(inputs.shape)
        if self.output_mode == "int":
            return KerasTensor(shape, "int32")
        depth = len(self.bin_boundaries or []) + 1 if self.bin_boundaries else self.num_bins
        if self.output_mode == "one_hot":
            return KerasTensor((*shape, depth), "float32")
        return KerasTensor((*shape[:-1], depth), "float32")

    def get_config(self):
        return {
            **super().get_config(),
            "bin_boundaries": self.bin_boundaries,
            "num_bins": self.num_bins,
            "epsilon": self.epsilon,
            "output_mode": self.output_mode,
        }
