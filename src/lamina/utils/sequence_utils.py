"""`pad_sequences`: pad (or cut) a list of sequences to one length, as Keras."""

from __future__ import annotations

import numpy as np


def pad_sequences(
    sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre", value=0.0
):
    """Pads sequences to the same length; returns a NumPy array ``(len(sequences), maxlen)``.

    Args:
        sequences: list of sequences (lists or arrays; items may themselves be arrays).
        maxlen: the output length; default the longest sequence.
        dtype: dtype of the output (``object`` or ``"str"`` for strings).
        padding: ``"pre"`` or ``"post"``: pad before or after each sequence.
        truncating: ``"pre"`` or ``"post"``: drop values from the start or the end of
            sequences longer than ``maxlen``.
        value: the padding value.

    Example:
        >>> lamina.utils.pad_sequences([[1, 2, 3], [4]], maxlen=2)
        array([[2, 3], [0, 4]], dtype=int32)
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError(
            f"`pad_sequences`: `sequences` must be a list of sequences. Received: {sequences!r}"
        )
    for name, given in (("padding", padding), ("truncating", truncating)):
        if given not in ("pre", "post"):
            raise ValueError(
                f"`pad_sequences`: `{name}` must be 'pre' or 'post'. Received: {name}={given!r}"
            )
    lengths, sample_shape, found_shape = [], (), False
    for x in sequences:
        try:
            lengths.append(len(x))
        except TypeError as e:
            raise ValueError(
                "`pad_sequences`: every item of `sequences` must be a sequence (list or array). "
                f"Received item: {x!r}"
            ) from e
        if not found_shape and len(x):
            sample_shape = np.asarray(x).shape[1:]
            found_shape = True
    if maxlen is None:
        maxlen = max(lengths, default=0)
    is_str = np.issubdtype(np.dtype(dtype), np.str_) or np.dtype(dtype) == object
    if isinstance(value, str) and not is_str:
        raise ValueError(
            f"`pad_sequences`: `dtype` {dtype!r} cannot hold the string padding value {value!r}; "
            "use dtype=object."
        )
    out = np.full((len(sequences), maxlen) + sample_shape, value, dtype=dtype)
    for i, x in enumerate(sequences):
        if not len(x) or maxlen == 0:
            continue
        trunc = x[-maxlen:] if truncating == "pre" else x[:maxlen]
        trunc = np.asarray(trunc, dtype=dtype)
        if trunc.shape[1:] != sample_shape:
            raise ValueError(
                f"`pad_sequences`: sequence {i} has items of shape {trunc.shape[1:]}, unlike the "
                f"first non-empty sequence's {sample_shape}."
            )
        if padding == "post":
            out[i, : len(trunc)] = trunc
        else:
            out[i, -len(trunc) :] = trunc
    return out
