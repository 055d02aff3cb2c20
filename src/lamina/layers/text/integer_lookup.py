"""`IntegerLookup`: integer ids to contiguous indices (or encodings), and back."""

from __future__ import annotations

import numpy as np

from lamina import ops
from lamina.layers.text.index_lookup import IndexLookup

__all__ = ["IntegerLookup"]


class IntegerLookup(IndexLookup):
    """Maps integers to indices from a vocabulary (given, or learned with `adapt`).

    Layout and outputs as `StringLookup`; the default OOV token is -1 and there is no mask
    token unless ``mask_token`` is set (e.g. 0). With several OOV indices an OOV value ``v``
    goes to OOV index ``v % num_oov_indices`` (as Keras).

    Example:
        >>> layer = lamina.layers.IntegerLookup(vocabulary=[12, 36, 1138])
        >>> print(lamina.ops.convert_to_numpy(layer([[12, 1138, 7]])))
        [[1 3 0]]
    """

    def __init__(
        self,
        max_tokens=None,
        num_oov_indices=1,
        mask_token=None,
        oov_token=-1,
        vocabulary=None,
        vocabulary_dtype="int64",
        idf_weights=None,
        invert=False,
        output_mode="int",
        sparse=False,
        pad_to_max_tokens=False,
        **kwargs,
    ):
        if vocabulary_dtype not in ("int32", "int64"):
            raise ValueError(
                "IntegerLookup: `vocabulary_dtype` must be 'int32' or 'int64'. "
                f"Received: vocabulary_dtype={vocabulary_dtype!r}"
            )
        self.vocabulary_dtype = vocabulary_dtype
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=None if mask_token is None else int(mask_token),
            oov_token=int(oov_token),
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            pad_to_max_tokens=pad_to_max_tokens,
            sparse=sparse,
            **kwargs,
        )

    def _norm(self, token):
        return int(token)

    def _inverted_output(self, tokens):
        return ops.convert_to_tensor(np.asarray(tokens, np.int64), self.vocabulary_dtype)

    def compute_output_spec(self, inputs):
        spec = super().compute_output_spec(inputs)
        if self.invert:
            from lamina.backend.common.keras_tensor import KerasTensor

            return KerasTensor(spec.shape, self.vocabulary_dtype)
        return spec

    def get_config(self):
        return {**super().get_config(), "vocabulary_dtype": self.vocabulary_dtype}
