"""`StringLookup`: strings to integer indices (or encodings), and back with ``invert=True``."""

from __future__ import annotations

from lamina.layers.text.index_lookup import IndexLookup

__all__ = ["StringLookup"]


class StringLookup(IndexLookup):
    """Maps strings to indices from a vocabulary (given, or learned with `adapt`).

    Index 0 is ``mask_token`` when one is set; then ``num_oov_indices`` indices for
    out-of-vocabulary strings; then the vocabulary. Runs on the host (NumPy); outputs are
    backend tensors: int64 indices, or float32 for "one_hot", "multi_hot", "count", "tf_idf".

    Args:
        max_tokens: maximum vocabulary size including special tokens (None: no limit).
        num_oov_indices: number of OOV indices (default 1).
        mask_token: token for padding (default None: no mask index).
        oov_token: token returned for OOV indices when inverting (default "[UNK]").
        vocabulary: a list of strings, or a file path with one token per line.
        idf_weights: with output_mode "tf_idf", one weight per vocabulary token.
        invert: map indices back to strings.
        output_mode: "int", "one_hot", "multi_hot", "count" or "tf_idf".
        pad_to_max_tokens: pad encodings to ``max_tokens`` wide.

    Example:
        >>> layer = lamina.layers.StringLookup(vocabulary=["a", "b", "c"])
        >>> print(lamina.ops.convert_to_numpy(layer([["a", "c", "z"]])))
        [[1 3 0]]
    """

    def __init__(
        self,
        max_tokens=None,
        num_oov_indices=1,
        mask_token=None,
        oov_token="[UNK]",
        vocabulary=None,
        idf_weights=None,
        invert=False,
        output_mode="int",
        pad_to_max_tokens=False,
        sparse=False,
        encoding="utf-8",
        **kwargs,
    ):
        self.encoding = encoding
        super().__init__(
            max_tokens=max_tokens,
            num_oov_indices=num_oov_indices,
            mask_token=mask_token,
            oov_token=oov_token,
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            invert=invert,
            output_mode=output_mode,
            pad_to_max_tokens=pad_to_max_tokens,
            sparse=sparse,
            **kwargs,
        )

    def _norm(self, token):
        if isinstance(token, bytes):
            return token.decode(self.encoding)
        return str(token)

    def get_config(self):
        return {**super().get_config(), "encoding": self.encoding}
