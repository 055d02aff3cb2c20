"""Data adapters: whatever `fit`/`evaluate`/`predict` were given, as batches of arrays.

`get_adapter` picks the adapter. Each adapter yields, per epoch, batches shaped like the input
(``x`` or ``(x, y)`` or ``(x, y, sample_weight)``) of NumPy arrays or framework tensors; the
trainer moves them to the active backend.
"""

from __future__ import annotations

import math

import numpy as np

from lamina import config
from lamina.training.batch_groups import stack_batches
from lamina.utils import tree


class DataAdapter:
    """Base: ``num_batches`` per epoch (None when unknown) and ``epoch()`` yielding batches."""

    num_batches: int | None = None

    def epoch(self):
        raise TypeError(f"{type(self).__name__} must define `epoch()`.")

    def on_epoch_end(self):
        pass

    def groups(self, n, skip=0, stack=True):
        """The epoch's batches from ``skip`` on in groups of up to ``n``, one group per
        compiled call (see `batch_groups`): yields ``(first batch index, size, data,
        stacked)``, where ``data`` is one stacked batch (``stacked``) or a tuple of batches.
        Here the batches are drawn one by one and a group of NumPy batches of one shape each
        is stacked (with ``stack``); array data takes its groups from the arrays at once."""
        pending, start = [], skip
        for i, batch in enumerate(self.epoch()):
            if i < skip:
                continue
            pending.append(batch)
            if len(pending) == n:
                yield (start, *_group(pending, stack))
                pending, start = [], i + 1
        if pending:
            yield (start, *_group(pending, stack))


def _group(batches, stack):
    """``(size, data, stacked)`` for a group of drawn batches."""
    stacked = stack_batches(batches) if stack and len(batches) > 1 else None
    if stacked is not None:
        return len(batches), stacked, True
    return len(batches), tuple(batches), False


def _as_array(x, where):
    if isinstance(x, np.ndarray):
        array = x
    elif hasattr(x, "__array__") or hasattr(x, "numpy"):
        from lamina.backend import convert_to_numpy

        array = np.asarray(convert_to_numpy(x))
    elif isinstance(x, (list, tuple)) and x and not hasattr(x[0], "shape"):
        array = np.asarray(x)
    else:
        array = np.asarray(x)
    if array.dtype == object or array.dtype.kind in "USO":
        raise ValueError(
            f"{where} holds {array.dtype} data (strings or Python objects); Lamina trains on "
            "numbers. Convert it first, e.g. with `np.asarray(x, dtype='float32')`, or map "
            "strings to integers (a StringLookup layer or a dict)."
        )
    if array.dtype == np.float64:
        array = array.astype(config.floatx())
    return array


def _structure_to_arrays(data, where):
    if data is None:
        return None
    if isinstance(data, dict):
        return {k: _as_array(v, f"{where}[{k!r}]") for k, v in data.items()}
    if (
        isinstance(data, (list, tuple))
        and data
        and all(hasattr(d, "shape") or isinstance(d, (list, tuple)) for d in data)
        and not _is_plain_nested_numbers(data)
    ):
        return type(data)(_as_array(v, f"{where}[{i}]") for i, v in enumerate(data))
    return _as_array(data, where)


def _is_plain_nested_numbers(data):
    first = data[0]
    while isinstance(first, (list, tuple)):
        if not first:
            return True
        first = first[0]
    return isinstance(first, (int, float, np.number))


class ArrayDataAdapter(DataAdapter):
    """NumPy arrays or framework tensors (single, list or dict), sliced into batches."""

    def __init__(
        self,
        x,
        y=None,
        sample_weight=None,
        batch_size=None,
        shuffle=False,
        class_weight=None,
        steps=None,
    ):
        self.x = _structure_to_arrays(x, "x")
        self.y = _structure_to_arrays(y, "y")
        self.sample_weight = _structure_to_arrays(sample_weight, "sample_weight")
        lengths = []
        for name, part in (("x", self.x), ("y", self.y), ("sample_weight", self.sample_weight)):
            if part is None:
                continue
            flat = part.items() if isinstance(part, dict) else enumerate(tree.flatten(part))
            for key, leaf in flat:
                if leaf.ndim == 0:
                    raise ValueError(f"`{name}` must have a batch axis; received a scalar.")
                label = name if not isinstance(part, (list, tuple, dict)) else f"{name}[{key!r}]"
                lengths.append((label, leaf.shape[0]))
        sizes = {n for _, n in lengths}
        if len(sizes) > 1:
            detail = ", ".join(f"{label} has {n}" for label, n in lengths)
            raise ValueError(
                f"All inputs and targets must have the same number of samples, but {detail}. "
                "Make sure each array's first axis is the sample axis."
            )
        self.num_samples = lengths[0][1] if lengths else 0
        if self.num_samples == 0:
            raise ValueError(
                "The data has zero samples. Pass arrays with at least one sample along axis 0."
            )
        if class_weight is not None:
            if self.y is None or isinstance(self.y, (list, tuple, dict)):
                raise ValueError("`class_weight` needs a single array of targets `y`.")
            self.sample_weight = _class_weights_to_sample_weights(
                self.y, class_weight, self.sample_weight
            )
        self.batch_size = int(batch_size or 32)
        if self.batch_size <= 0:
            raise ValueError(f"`batch_size` must be a positive int. Received: {batch_size}")
        self.shuffle = shuffle
        full = math.ceil(self.num_samples / self.batch_size)
        self.num_batches = min(full, steps) if steps else full

    def _take(self, index):
        def take(a):
            return a[index]

        def take_all(data):  # (a single array, the usual case, needs no tree walk)
            return data[index] if type(data) is np.ndarray else tree.map_structure(take, data)

        parts = [take_all(self.x)]
        if self.y is not None:
            parts.append(take_all(self.y))
            if self.sample_weight is not None:
                parts.append(take_all(self.sample_weight))
        elif self.sample_weight is not None:
            parts.extend([None, take_all(self.sample_weight)])
        return tuple(parts)

    def _batch_indices(self):
        """The epoch's batches as indices of samples: slices (in order, or in shuffled batch
        order), or arrays of sample indices when the samples are shuffled."""
        n, bs = self.num_samples, self.batch_size
        if self.shuffle and self.shuffle != "batch":
            order = _shuffle_rng().permutation(n)
            return [order[i * bs : (i + 1) * bs] for i in range(self.num_batches)]
        starts = list(range(0, n, bs))[: self.num_batches]
        if self.shuffle == "batch":
            _shuffle_rng().shuffle(starts)
        return [slice(start, min(start + bs, n)) for start in starts]

    def epoch(self):
        for index in self._batch_indices():
            yield self._take(index)

    def groups(self, n, skip=0, stack=True):
        """As `DataAdapter.groups`, but a group of full-size batches comes stacked (with
        ``stack``) as one batch taken from the data at once (a view of it when the batches
        are consecutive, one gather when shuffled) instead of n takes and a copy into a
        stack; any other group is a tuple of batches."""
        indices = self._batch_indices()
        for first in range(skip, len(indices), n):
            chunk = indices[first : first + n]
            if stack and len(chunk) > 1 and self._full_batches(chunk):
                yield first, len(chunk), self._take_stacked(chunk), True
            else:
                yield first, len(chunk), tuple(self._take(i) for i in chunk), False

    def _full_batches(self, chunk):
        return all(_index_length(i) == self.batch_size for i in chunk)

    def _take_stacked(self, chunk):
        consecutive = all(type(i) is slice for i in chunk) and all(
            a.stop == b.start for a, b in zip(chunk, chunk[1:])
        )
        if consecutive:
            index = slice(chunk[0].start, chunk[-1].stop)
        else:
            index = np.concatenate(
                [np.arange(i.start, i.stop) if type(i) is slice else i for i in chunk]
            )
        lead = (len(chunk), self.batch_size)

        def fold(a):
            return a.reshape(lead + a.shape[1:])

        return tuple(
            p if p is None else fold(p) if type(p) is np.ndarray else tree.map_structure(fold, p)
            for p in self._take(index)
        )


def _index_length(index):
    return index.stop - index.start if type(index) is slice else len(index)


class IterableDataAdapter(DataAdapter):
    """Python generators and iterables of batches (lists, PyDatasets, tf.data, DataLoaders)."""

    def __init__(self, data, steps=None):
        self.data = data
        self.is_one_shot = iter(data) is data  # a generator: continue where the last epoch ended
        self._iterator = None
        self.num_batches = steps
        if steps is None and hasattr(data, "__len__"):
            try:
                self.num_batches = len(data)
            except TypeError:
                self.num_batches = None

    def epoch(self):
        if self.is_one_shot:
            if self._iterator is None:
                self._iterator = iter(self.data)
            iterator = self._iterator
        else:
            iterator = iter(self.data)
        count = 0
        while self.num_batches is None or count < self.num_batches:
            try:
                batch = next(iterator)
            except StopIteration:
                return
            yield batch if not isinstance(batch, list) else tuple(batch)
            count += 1

    def on_epoch_end(self):
        hook = getattr(self.data, "on_epoch_end", None)
        if callable(hook):
            hook()


def _shuffle_rng():
    # Drawn from NumPy's global generator, which `lamina.utils.set_random_seed` seeds, so a
    # seeded program sees the same batch order every run.
    return np.random.default_rng(np.random.randint(0, 2**31 - 1))


def _class_weights_to_sample_weights(y, class_weight, sample_weight):
    labels = (
        np.argmax(y, axis=-1) if y.ndim > 1 and y.shape[-1] > 1 else y.reshape(len(y), -1)[:, 0]
    )
    labels = labels.astype("int64")
    table = np.ones(int(max(labels.max(), max(class_weight)) + 1), dtype="float32")
    for cls, weight in class_weight.items():
        table[int(cls)] = weight
    weights = table[labels]
    if sample_weight is not None:
        weights = weights * np.asarray(sample_weight, dtype="float32").reshape(len(weights))
    return weights


def _is_array_like(x):
    return isinstance(x, np.ndarray) or (
        hasattr(x, "shape") and hasattr(x, "dtype") and not hasattr(x, "element_spec")
    )


def get_adapter(
    x, y=None, sample_weight=None, batch_size=None, steps=None, shuffle=False, class_weight=None
):
    """The adapter for ``x`` (and ``y``, ``sample_weight``)."""
    from lamina.training import data_adapters

    special = data_adapters.adapt(x, y, sample_weight, batch_size, steps, shuffle, class_weight)
    if special is not None:
        return special
    leaves = tree.flatten(x) if isinstance(x, (list, tuple, dict)) else [x]
    if x is None:
        raise ValueError("No input data was given: pass `x` (and `y` for training).")
    if all(_is_array_like(leaf) or isinstance(leaf, (list, tuple, int, float)) for leaf in leaves):
        return ArrayDataAdapter(x, y, sample_weight, batch_size, shuffle, class_weight, steps)
    if hasattr(x, "__iter__") or hasattr(x, "__next__"):
        if y is not None:
            raise ValueError(
                "When `x` is a generator or dataset, it must yield `(x, y)` batches itself; "
                "do not pass `y` separately."
            )
        return IterableDataAdapter(x, steps)
    raise ValueError(
        f"Unsupported input data of type {type(x).__name__}. Lamina accepts NumPy arrays, "
        "backend tensors, lists/dicts of them, Python generators, `lamina.utils.PyDataset`, "
        "`tf.data.Dataset` and `torch.utils.data.DataLoader`."
    )


def split_for_validation(x, y, sample_weight, validation_split):
    """The last ``validation_split`` of the samples become validation data (before shuffling)."""
    if not 0.0 < validation_split < 1.0:
        raise ValueError(
            f"`validation_split` must be between 0 and 1. Received: {validation_split}"
        )
    arrays = [d for d in tree.flatten((x, y, sample_weight)) if d is not None]
    if not all(_is_array_like(a) for a in arrays):
        raise ValueError(
            "`validation_split` works only with arrays or tensors; for generators and datasets "
            "pass `validation_data` instead."
        )
    n = arrays[0].shape[0]
    cut = int(math.floor(n * (1.0 - validation_split)))
    if cut == 0 or cut == n:
        raise ValueError(
            f"`validation_split={validation_split}` leaves no training or no validation samples "
            f"out of {n}."
        )

    def head(a):
        return None if a is None else a[:cut]

    def tail(a):
        return None if a is None else a[cut:]

    train = tuple(
        tree.map_structure(head, d) if d is not None else None for d in (x, y, sample_weight)
    )
    val = tuple(
        tree.map_structure(tail, d) if d is not None else None for d in (x, y, sample_weight)
    )
    return train, val
