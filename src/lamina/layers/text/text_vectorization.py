"""`TextVectorization`: raw strings to token indices or bag-of-words vectors."""

from __future__ import annotations

import re

import numpy as np

from lamina import config, ops
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.layers.text.index_lookup import HostLayer, encode, host_array, iterate_batches
from lamina.layers.text.string_lookup import StringLookup

__all__ = ["TextVectorization"]

_PUNCTUATION = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
_STANDARDIZE = (None, "lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = (None, "whitespace", "character")


class TextVectorization(HostLayer):
    """Standardizes, splits and indexes text (as Keras 3's ``TextVectorization``).

    Args:
        max_tokens: maximum vocabulary size, including the mask ("") and OOV ("[UNK]") tokens.
        standardize: "lower_and_strip_punctuation" (default), "lower", "strip_punctuation",
            None, or a callable on a string.
        split: "whitespace" (default), "character", None, or a callable on a string.
        ngrams: None, an int n (all 1..n-grams) or a tuple of n-gram sizes.
        output_mode: "int" (default), "multi_hot", "count" or "tf_idf".
        output_sequence_length: with "int", pad or cut every output to this length.
        pad_to_max_tokens: with the vector modes, make outputs ``max_tokens`` wide.
        vocabulary: a list of tokens (or a file path); idf_weights: for "tf_idf".
        ragged / sparse: must be False (outputs are dense).

    Input shape: ``(batch,)`` or ``(batch, 1)`` strings. Output: ``(batch, length)`` int64 for
    "int", else ``(batch, vocabulary_size)`` float32. The work runs on the host (NumPy).

    Example:
        >>> layer = lamina.layers.TextVectorization(vocabulary=["the", "cat"])
        >>> print(lamina.ops.convert_to_numpy(layer(["The cat!", "a dog"])))
        [[2 3]
         [1 1]]
    """

    def __init__(
        self,
        max_tokens=None,
        standardize="lower_and_strip_punctuation",
        split="whitespace",
        ngrams=None,
        output_mode="int",
        output_sequence_length=None,
        pad_to_max_tokens=False,
        vocabulary=None,
        idf_weights=None,
        sparse=False,
        ragged=False,
        encoding="utf-8",
        **kwargs,
    ):
        super().__init__(**kwargs)
        if not (callable(standardize) or standardize in _STANDARDIZE):
            raise ValueError(
                f"TextVectorization: `standardize` must be one of {_STANDARDIZE} or a callable. "
                f"Received: standardize={standardize!r}"
            )
        if not (callable(split) or split in _SPLIT):
            raise ValueError(
                f"TextVectorization: `split` must be one of {_SPLIT} or a callable. "
                f"Received: split={split!r}"
            )
        if output_mode not in ("int", "multi_hot", "count", "tf_idf"):
            raise ValueError(
                "TextVectorization: `output_mode` must be 'int', 'multi_hot', 'count' or "
                f"'tf_idf'. Received: output_mode={output_mode!r}"
            )
        if ngrams is not None and not (
            (isinstance(ngrams, int) and ngrams > 0)
            or (
                isinstance(ngrams, (list, tuple))
                and all(isinstance(n, int) and n > 0 for n in ngrams)
            )
        ):
            raise ValueError(
                f"TextVectorization: `ngrams` must be None, a positive int or a tuple of them. "
                f"Received: ngrams={ngrams!r}"
            )
        if output_sequence_length is not None and output_mode != "int":
            raise ValueError(
                "TextVectorization: `output_sequence_length` only applies to output_mode='int'."
            )
        if ragged or sparse:
            raise ValueError("TextVectorization: `ragged` and `sparse` outputs are not supported.")
        self.max_tokens = max_tokens
        self.standardize = standardize
        self.split = split
        self.ngrams = ngrams
        self._ngram_sizes = (
            ()
            if ngrams is None
            else tuple(range(1, ngrams + 1))
            if isinstance(ngrams, int)
            else tuple(ngrams)
        )
        self.output_mode = output_mode
        self.output_sequence_length = output_sequence_length
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.encoding = encoding
        self._lookup = StringLookup(
            max_tokens=max_tokens,
            num_oov_indices=1,
            mask_token="" if output_mode == "int" else None,
            oov_token="[UNK]",
            vocabulary=vocabulary,
            idf_weights=idf_weights,
            output_mode=output_mode,
            pad_to_max_tokens=pad_to_max_tokens,
            name=f"{self.name}_lookup",
        )

    # Text processing ----------------------------------------------------------------------
    def _standardize(self, text):
        if callable(self.standardize):
            return self.standardize(text)
        if self.standardize in ("lower", "lower_and_strip_punctuation"):
            text = text.lower()
        if self.standardize in ("strip_punctuation", "lower_and_strip_punctuation"):
            text = _PUNCTUATION.sub("", text)
        return text

    def _tokens(self, text):
        if isinstance(text, bytes):
            text = text.decode(self.encoding)
        text = self._standardize(str(text))
        if self.split is None:
            tokens = [text]
        elif callable(self.split):
            tokens = list(self.split(text))
        elif self.split == "whitespace":
            tokens = text.split()
        else:
            tokens = list(text)
        if self._ngram_sizes:
            grams = []
            for n in self._ngram_sizes:
                grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
            tokens = grams
        return tokens

    def _rows(self, inputs):
        arr = host_array(inputs)
        if arr.ndim == 2 and arr.shape[1] == 1:
            arr = arr[:, 0]
        if arr.ndim == 0:
            arr = arr[None]
        if arr.ndim != 1:
            raise ValueError(
                "TextVectorization: inputs must be a batch of strings, shape (batch,) or "
                f"(batch, 1). Received shape {arr.shape}"
            )
        return [self._tokens(t) for t in arr.tolist()]

    # Vocabulary -------------------------------------------------------------------------
    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary from strings: a list, an array or a dataset (e.g. tf.data)."""

        def token_batches():
            for batch in iterate_batches(data):
                for row in self._rows(batch):
                    yield np.asarray(row if row else [""], dtype=object)[None]

        self._lookup._adapt_tokens(token_batches())

    def get_vocabulary(self, include_special_tokens=True):
        return self._lookup.get_vocabulary(include_special_tokens)

    def set_vocabulary(self, vocabulary, idf_weights=None):
        self._lookup.set_vocabulary(vocabulary, idf_weights)

    def vocabulary_size(self):
        return self._lookup.vocabulary_size()

    # Calling ----------------------------------------------------------------------------
    def call(self, inputs):
        rows = [
            self._lookup.lookup_indices(np.asarray(r, dtype=object)) for r in self._rows(inputs)
        ]
        if self.output_mode == "int":
            length = self.output_sequence_length or max((len(r) for r in rows), default=0)
            out = np.zeros((len(rows), length), np.int64)
            for i, r in enumerate(rows):
                r = r[:length]
                out[i, : len(r)] = r
            return ops.convert_to_tensor(out, "int64")
        depth = (
            self.max_tokens
            if self.pad_to_max_tokens and self.max_tokens
            else self._lookup.vocabulary_size()
        )
        mode = "count" if self.output_mode == "tf_idf" else self.output_mode
        weights = self._lookup._idf if self.output_mode == "tf_idf" else None
        # As Keras: multi_hot and count give int64, tf_idf gives floats.
        dtype = config.floatx() if self.output_mode == "tf_idf" else "int64"
        vectors = [np.asarray(ops.convert_to_numpy(encode(r, mode, depth, weights))) for r in rows]
        return ops.convert_to_tensor(np.stack(vectors).astype(dtype), dtype)

    def compute_output_spec(self, inputs):
        batch = inputs.shape[0] if len(inputs.shape) else 1
        if self.output_mode == "int":
            return KerasTensor((batch, self.output_sequence_length), "int64")
        depth = self.max_tokens if self.pad_to_max_tokens and self.max_tokens else None
        dtype = config.floatx() if self.output_mode == "tf_idf" else "int64"
        return KerasTensor((batch, depth or self._lookup.vocabulary_size()), dtype)

    def get_config(self):
        for name, value in (("standardize", self.standardize), ("split", self.split)):
            if callable(value):
                raise TypeError(
                    f"TextVectorization: a callable `{name}` cannot be saved in a config; "
                    "use one of the named options or register a custom layer."
                )
        cfg = {
            **super().get_config(),
            "max_tokens": self.max_tokens,
            "standardize": self.standardize,
            "split": self.split,
            "ngrams": list(self.ngrams) if isinstance(self.ngrams, tuple) else self.ngrams,
            "output_mode": self.output_mode,
            "output_sequence_length": self.output_sequence_length,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary": self.get_vocabulary(include_special_tokens=False) or None,
            "encoding": self.encoding,
        }
        if self._lookup._idf is not None:
            lookup_cfg = self._lookup.get_config()
            cfg["idf_weights"] = lookup_cfg.get("idf_weights")
        return cfg
