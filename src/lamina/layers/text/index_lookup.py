"""The shared vocabulary logic of `StringLookup`, `IntegerLookup` and `TextVectorization`.

Tokens map to indices on the host with a Python dict (strings are not tensors on jax or
torch); results become backend tensors. Layout as Keras: ``[mask?, OOV x num_oov_indices,
vocabulary...]``; adapted vocabularies sort by descending count, ties by descending token.
"""

from __future__ import annotations

import collections
import math

import numpy as np

from lamina import backend, config, ops
from lamina.layers.base import Layer
from lamina.layers.text._string_hashes import fingerprint64

_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def host_array(x, dtype=None):
    """Any input (list, array, backend tensor, tf.data batch) as a NumPy array."""
    if isinstance(x, (list, tuple, str, bytes, int, float)):
        arr = np.asarray(x, dtype=dtype)
    else:
        arr = np.asarray(backend.convert_to_numpy(x) if not isinstance(x, np.ndarray) else x)
    if arr.dtype.kind == "S":
        arr = np.char.decode(arr, "utf-8").astype(object)
    elif arr.dtype.kind == "O" and arr.size and isinstance(arr.flat[0], bytes):
        arr = np.vectorize(lambda b: b.decode("utf-8"), otypes=[object])(arr)
    return arr


def iterate_batches(data):
    """Yield NumPy batches from an array, a list, or an iterable dataset (e.g. tf.data)."""
    if isinstance(data, (list, tuple, np.ndarray)) or hasattr(data, "shape"):
        yield host_array(data)
        return
    for batch in data:
        if isinstance(batch, tuple):
            batch = batch[0]
        yield host_array(batch.numpy() if hasattr(batch, "numpy") else batch)


def stable_hash(token, num_bins) -> int:
    """The out-of-vocabulary bucket of a string token: FarmHash Fingerprint64 of its UTF-8
    bytes mod ``num_bins``, as Keras (``tf.strings.to_hash_bucket_fast``)."""
    data = token if isinstance(token, bytes) else str(token).encode("utf-8")
    return fingerprint64(data) % num_bins


def encode(indices, output_mode, depth, count_weights=None, dtype=None):
    """Indices (an int array) as Keras's one_hot / multi_hot / count outputs."""
    dtype = dtype or config.floatx()
    if output_mode == "one_hot":
        if indices.ndim > 1 and indices.shape[-1] == 1:
            indices = indices[..., 0]
        return ops.one_hot(indices, depth, dtype=dtype)
    if indices.ndim == 0:
        indices = indices[None]
    axis = 1 if indices.ndim > 1 else 0
    onehot = np.eye(depth, dtype=dtype)[indices]
    if output_mode == "multi_hot":
        out = (
            onehot.max(axis=axis)
            if indices.shape[axis]
            else np.zeros(onehot.shape[:-2] + (depth,), dtype)
        )
        return ops.convert_to_tensor(out, dtype)
    counts = onehot.sum(axis=axis)
    if count_weights is not None:
        counts = counts * count_weights
    return ops.convert_to_tensor(counts.astype(dtype), dtype)


class HostLayer(Layer):
    """A layer whose work runs on the host with NumPy: eager inputs (strings included) go
    to `call` as they are, without conversion to a backend tensor."""

    def __call__(self, *args, **kwargs):
        from lamina.ops.symbolic import any_symbolic

        if any_symbolic(*args, *kwargs.values()):
            return super().__call__(*args, **kwargs)
        kwargs.pop("training", None)
        return self.call(*args, **kwargs)


class IndexLookup(HostLayer):
    """Base of the lookup layers: a vocabulary, OOV and mask tokens, and output encodings."""

    _kind = "token"

    def __init__(
        self,
        max_tokens,
        num_oov_indices,
        mask_token,
        oov_token,
        vocabulary=None,
        idf_weights=None,
        invert=False,
        output_mode="int",
        pad_to_max_tokens=False,
        sparse=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        name = type(self).__name__
        if output_mode not in _MODES:
            raise ValueError(
                f"{name}: `output_mode` must be one of {_MODES}. Received: output_mode={output_mode!r}"
            )
        if invert and output_mode != "int":
            raise ValueError(
                f"{name}: `invert=True` needs output_mode='int'. Received: {output_mode!r}"
            )
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError(
                f"{name}: `max_tokens` must be > 1 or None. Received: max_tokens={max_tokens}"
            )
        if not isinstance(num_oov_indices, int) or num_oov_indices < 0:
            raise ValueError(
                f"{name}: `num_oov_indices` must be a non-negative int. Received: {num_oov_indices!r}"
            )
        if sparse:
            raise ValueError(
                f"{name}: `sparse=True` is not supported by Lamina; outputs are dense."
            )
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.invert = bool(invert)
        self.output_mode = output_mode
        self.pad_to_max_tokens = bool(pad_to_max_tokens)
        self.sparse = False
        self._vocab = []
        self._index = {}
        self._idf = None
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.built = True

    # Vocabulary ---------------------------------------------------------------------------
    def _token_start(self):
        return (1 if self.mask_token is not None else 0) + self.num_oov_indices

    def _norm(self, token):
        return token

    def set_vocabulary(self, vocabulary, idf_weights=None):
        name = type(self).__name__
        if isinstance(vocabulary, str):
            with open(vocabulary, encoding="utf-8") as f:
                vocabulary = [line.rstrip("\n") for line in f if line.rstrip("\n")]
        vocab = [self._norm(t) for t in np.ravel(host_array(vocabulary)).tolist()]
        start = self._token_start()
        # A vocabulary may begin with the special tokens (as get_vocabulary returns them).
        specials = ([self.mask_token] if self.mask_token is not None else []) + [
            self.oov_token
        ] * self.num_oov_indices
        if specials and vocab[: len(specials)] == specials:
            vocab = vocab[len(specials) :]
        for special in (self.mask_token, self.oov_token):
            if special is not None and special in vocab:
                raise ValueError(
                    f"{name}: the special token {special!r} appears in `vocabulary` beyond its "
                    "reserved position."
                )
        if len(set(vocab)) != len(vocab):
            dup = [t for t, c in collections.Counter(vocab).items() if c > 1]
            raise ValueError(f"{name}: `vocabulary` has repeated tokens: {dup[:5]}")
        if self.max_tokens is not None and len(vocab) + start > self.max_tokens:
            raise ValueError(
                f"{name}: the vocabulary has {len(vocab) + start} entries with special tokens, "
                f"more than max_tokens={self.max_tokens}."
            )
        self._vocab = vocab
        self._index = {t: i + start for i, t in enumerate(vocab)}
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError(
                    f"{name}: output_mode='tf_idf' needs `idf_weights` with a vocabulary."
                )
            idf = np.asarray(idf_weights, config.floatx()).ravel()
            if len(idf) == len(vocab):
                idf = np.concatenate([np.full(start, idf.mean(), idf.dtype), idf])
            self._idf = self._pad_idf(idf)
        elif idf_weights is not None:
            raise ValueError(f"{name}: `idf_weights` is only used with output_mode='tf_idf'.")

    def _pad_idf(self, idf):
        if self.pad_to_max_tokens and self.max_tokens:
            idf = np.concatenate([idf, np.zeros(self.max_tokens - len(idf), idf.dtype)])
        return idf

    def get_vocabulary(self, include_special_tokens=True):
        if not include_special_tokens:
            return list(self._vocab)
        specials = [self.mask_token] if self.mask_token is not None else []
        specials += [self.oov_token] * self.num_oov_indices
        return specials + list(self._vocab)

    def vocabulary_size(self):
        return self._token_start() + len(self._vocab)

    def _adapt_tokens(self, batches):
        counts, doc_counts, n_docs = collections.Counter(), collections.Counter(), 0
        for batch in batches:
            rows = batch if batch.ndim > 1 else batch[:, None] if batch.ndim == 1 else batch[None]
            for row in rows:
                tokens = [self._norm(t) for t in np.ravel(row).tolist()]
                counts.update(tokens)
                doc_counts.update(set(tokens))
                n_docs += 1
        for special in (self.mask_token, self.oov_token):
            counts.pop(special, None)
        items = sorted(counts.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
        if self.max_tokens:
            items = items[: self.max_tokens - self._token_start()]
        self._vocab = [t for t, _ in items]
        start = self._token_start()
        self._index = {t: i + start for i, t in enumerate(self._vocab)}
        if self.output_mode == "tf_idf":
            idf = np.array(
                [math.log(1 + n_docs / (1 + doc_counts[t])) for t in self._vocab],
                config.floatx(),
            )
            mean = idf.mean() if len(idf) else 0.0
            self._idf = self._pad_idf(np.concatenate([np.full(start, mean, idf.dtype), idf]))

    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary (by frequency) from ``data``: an array, list or dataset."""
        self._adapt_tokens(iterate_batches(data))

    # Lookup -----------------------------------------------------------------------------
    def _oov_index(self, token):
        if self.num_oov_indices == 0:
            raise ValueError(
                f"{type(self).__name__}: token {token!r} is not in the vocabulary and "
                "num_oov_indices=0."
            )
        start = 1 if self.mask_token is not None else 0
        if self.num_oov_indices == 1:
            return start
        if isinstance(token, (int, np.integer)):
            return start + int(token) % self.num_oov_indices
        return start + stable_hash(token, self.num_oov_indices)

    def lookup_indices(self, arr):
        index, mask = self._index, self.mask_token
        flat = []
        for t in np.ravel(arr).tolist():
            t = self._norm(t)
            if mask is not None and t == mask:
                flat.append(0)
            else:
                i = index.get(t)
                flat.append(self._oov_index(t) if i is None else i)
        return np.asarray(flat, np.int64).reshape(arr.shape)

    def _invert(self, arr):
        table = self.get_vocabulary()
        flat = []
        for i in np.ravel(arr).tolist():
            if self.mask_token is not None and i == 0:
                flat.append(self.mask_token)
            elif 0 <= i < len(table):
                flat.append(table[i])
            else:
                flat.append(self.oov_token)
        return np.asarray(flat, dtype=object).reshape(arr.shape)

    def encode_indices(self, indices):
        if self.output_mode == "int":
            return ops.convert_to_tensor(indices, "int64")
        depth = (
            self.max_tokens
            if self.pad_to_max_tokens and self.max_tokens
            else self.vocabulary_size()
        )
        if self.output_mode == "tf_idf":
            return encode(indices, "count", depth, count_weights=self._idf)
        # As Keras, the lookup layers' encodings are int64 (tf_idf: float).
        return encode(indices, self.output_mode, depth, dtype="int64")

    def call(self, inputs):
        arr = host_array(inputs)
        if self.invert:
            return self._inverted_output(self._invert(arr.astype(np.int64)))
        return self.encode_indices(self.lookup_indices(arr))

    def _inverted_output(self, tokens):
        return tokens

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = (
            self.max_tokens
            if self.pad_to_max_tokens and self.max_tokens
            else self.vocabulary_size()
        )
        if self.output_mode == "one_hot" and len(input_shape) > 1 and input_shape[-1] == 1:
            input_shape = input_shape[:-1]
        if self.output_mode == "one_hot":
            return (*input_shape, depth)
        return (*input_shape[:-1], depth) if len(input_shape) > 1 else (depth,)

    def compute_output_spec(self, inputs):
        from lamina.backend.common.keras_tensor import KerasTensor

        dtype = config.floatx() if self.output_mode == "tf_idf" else "int64"
        if self.invert:
            dtype = "string"
        return KerasTensor(self.compute_output_shape(inputs.shape), dtype)

    def get_config(self):
        config_ = {
            **super().get_config(),
            "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices,
            "mask_token": self.mask_token,
            "oov_token": self.oov_token,
            "invert": self.invert,
            "output_mode": self.output_mode,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary": self.get_vocabulary(include_special_tokens=False) or None,
        }
        if self._idf is not None:
            config_["idf_weights"] = self._idf[
                self._token_start() : self.vocabulary_size()
            ].tolist()
        return config_
