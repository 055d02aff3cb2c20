"""Adapters for `lamina.utils.PyDataset`, `tf.data.Dataset` and `torch.utils.data.DataLoader`.

`adapt` returns None when ``x`` is none of them, so `get_adapter` falls back to arrays or
iterables. TensorFlow and PyTorch are imported only when they are already loaded (an object of
theirs can exist only then), so a JAX program never pays for them. Every adapter works on
every backend: batches stay framework tensors when the framework is the active backend
(PyTorch tensors moved to the backend's device) and become NumPy arrays otherwise.
"""

from __future__ import annotations

import collections
import concurrent.futures
import itertools
import multiprocessing
import sys

import numpy as np

from lamina.training.data import DataAdapter
from lamina.utils import tree


def adapt(x, y, sample_weight, batch_size, steps, shuffle, class_weight):
    """The adapter for ``x`` if it is a PyDataset, a tf.data.Dataset or a torch DataLoader."""
    from lamina.utils.py_dataset import PyDataset

    if isinstance(x, PyDataset):
        kind = "a PyDataset"
    elif _is_tf_dataset(x):
        kind = "a tf.data.Dataset"
    elif _is_torch_dataloader(x):
        kind = "a torch DataLoader"
    else:
        return None
    for name, value in (("y", y), ("sample_weight", sample_weight)):
        if value is not None:
            raise ValueError(
                f"When `x` is {kind}, it must yield `(x, y)` or `(x, y, sample_weight)` batches "
                f"itself; do not pass `{name}` separately."
            )
    _check_steps(steps)
    if kind == "a PyDataset":
        return PyDatasetAdapter(x, steps=steps, shuffle=shuffle, class_weight=class_weight)
    if kind == "a tf.data.Dataset":
        return TFDatasetAdapter(x, steps=steps, class_weight=class_weight)
    return TorchDataLoaderAdapter(x, steps=steps, class_weight=class_weight)


def _check_steps(steps):
    if steps is not None and (not isinstance(steps, (int, np.integer)) or steps < 1):
        raise ValueError(f"The number of steps must be a positive int. Received: {steps!r}")


def _is_tf_dataset(x) -> bool:
    if "tensorflow" not in sys.modules and not type(x).__module__.startswith("tensorflow"):
        return False
    import tensorflow as tf

    return isinstance(x, tf.data.Dataset)


def _is_torch_dataloader(x) -> bool:
    if "torch" not in sys.modules and not type(x).__module__.startswith("torch"):
        return False
    import torch.utils.data

    return isinstance(x, torch.utils.data.DataLoader)


# Batches ------------------------------------------------------------------------------------
def standardize_batch(batch, source):
    """``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` as a tuple of 1 to 3 parts."""
    if isinstance(batch, list):
        batch = tuple(batch)
    if not isinstance(batch, tuple):
        return (batch,)
    if not 1 <= len(batch) <= 3:
        raise ValueError(
            f"{source} must yield `x`, `(x,)`, `(x, y)` or `(x, y, sample_weight)`; received a "
            f"tuple of {len(batch)} parts. For several inputs, group them: `((x1, x2), y)` or a "
            "dict of inputs."
        )
    return batch


def with_class_weight(batch, class_weight, source):
    """``(x, y)`` -> ``(x, y, sample_weight)`` with each sample weighted by its class."""
    from lamina.training.data import _class_weights_to_sample_weights

    if len(batch) != 2:
        raise ValueError(
            f"`class_weight` needs {source} to yield `(x, y)` batches (not `(x,)`, and not "
            "with a sample weight of its own)."
        )
    y = batch[1]
    if isinstance(y, (list, tuple, dict)):
        raise ValueError("`class_weight` needs a single array of targets `y`.")
    y = np.asarray(y.detach().cpu().numpy() if hasattr(y, "detach") else y)
    return (*batch, _class_weights_to_sample_weights(y, class_weight, None))


class _Prepared(DataAdapter):
    """Shared by the adapters: standardize each batch and apply ``class_weight``."""

    source = "The dataset"
    class_weight = None

    def _prepare(self, batch):
        batch = standardize_batch(self._convert(batch), self.source)
        if self.class_weight is not None:
            batch = with_class_weight(batch, self.class_weight, self.source)
        return batch

    def _convert(self, batch):
        return batch


# PyDataset ----------------------------------------------------------------------------------
class PyDatasetAdapter(_Prepared):
    """Reads a `PyDataset` by index, in order or shuffled, in the training loop or prefetched
    by a pool of ``workers`` threads (or processes with ``use_multiprocessing=True``)."""

    source = "PyDataset.__getitem__"

    def __init__(self, dataset, steps=None, shuffle=False, class_weight=None):
        self.dataset = dataset
        self.shuffle = bool(shuffle)
        self.class_weight = class_weight
        self.steps = steps
        length = dataset.num_batches
        if length is not None and (not isinstance(length, (int, np.integer)) or length < 0):
            raise ValueError(
                f"{type(dataset).__name__}: `__len__`/`num_batches` must be a non-negative int "
                f"or None. Received: {length!r}"
            )
        if length is None and steps is None:
            raise ValueError(
                f"{type(dataset).__name__} has no length (num_batches=None): pass "
                "`steps_per_epoch` (or `steps`) so that an epoch ends."
            )
        if length == 0:
            raise ValueError(f"{type(dataset).__name__} has zero batches (`len()` is 0).")
        self.length = length
        self.num_batches = steps if steps is not None else length
        self._order = []  # the pass being read; refilled (reshuffled) when used up
        self._cursor = 0
        self._in_epoch = False

    def _next_indices(self, count):
        if self.length is None:
            indices = range(self._cursor, self._cursor + count)
            self._cursor += count
            return list(indices)
        out = []
        while len(out) < count:
            if self._cursor >= len(self._order):
                self._order = list(range(self.length))
                if self.shuffle:
                    from lamina.training.data import _shuffle_rng

                    _shuffle_rng().shuffle(self._order)
                self._cursor = 0
            take = self._order[self._cursor : self._cursor + count - len(out)]
            self._cursor += len(take)
            out.extend(take)
        return out

    def epoch(self):
        if self.steps is None:
            self._cursor = len(self._order)  # a full pass in a fresh order
        indices = self._next_indices(self.num_batches)
        if not self._in_epoch:
            self.dataset.on_epoch_begin()
            self._in_epoch = True
        for batch in _fetch(self.dataset, indices):
            yield self._prepare(batch)

    def on_epoch_end(self):
        self._in_epoch = False
        self.dataset.on_epoch_end()


def _fetch(dataset, indices):
    """``dataset[i]`` for each index, in order; prefetched in a pool when the dataset asks."""
    workers = dataset.workers
    processes = dataset.use_multiprocessing and workers >= 1
    if workers <= 1 and not processes:
        for i in indices:
            yield dataset[i]
        return
    if processes:
        context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
        # Forked workers inherit the dataset as it is now (this epoch's state); elsewhere it is
        # pickled once per worker.
        pool = concurrent.futures.ProcessPoolExecutor(
            workers, mp_context=context, initializer=_set_worker_dataset, initargs=(dataset,)
        )
        get = _worker_getitem
    else:
        pool = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="PyDataset")
        get = dataset.__getitem__
    ahead = max(dataset.max_queue_size, workers)
    pending = collections.deque()
    remaining = iter(indices)
    try:
        for i in itertools.islice(remaining, ahead):
            pending.append(pool.submit(get, i))
        while pending:
            batch = pending.popleft().result()  # re-raises the dataset's own exception
            for i in itertools.islice(remaining, 1):
                pending.append(pool.submit(get, i))
            yield batch
    finally:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


_WORKER_DATASET = None


def _set_worker_dataset(dataset):
    global _WORKER_DATASET
    _WORKER_DATASET = dataset


def _worker_getitem(index):
    return _WORKER_DATASET[index]


# Framework datasets -------------------------------------------------------------------------
class _StreamAdapter(_Prepared):
    """A re-iterable source of batches. Without ``steps`` each epoch is one full pass; with
    ``steps`` an epoch reads that many batches, continuing where the previous epoch stopped
    and starting a new pass when one runs out."""

    def __init__(self, data, steps, length, class_weight):
        self.data = data
        self.steps = steps
        self.class_weight = class_weight
        self.num_batches = steps if steps is not None else length
        self._iterator = None

    def epoch(self):
        if self.steps is None:
            for batch in iter(self.data):
                yield self._prepare(batch)
            return
        count, fresh = 0, False
        while count < self.steps:
            if self._iterator is None:
                self._iterator, fresh = iter(self.data), True
            try:
                batch = next(self._iterator)
            except StopIteration:
                self._iterator = None
                if fresh:  # a whole new pass had nothing in it
                    return
                continue
            fresh = False
            count += 1
            yield self._prepare(batch)


class TFDatasetAdapter(_StreamAdapter):
    """A `tf.data.Dataset` of batches; tensors become NumPy arrays off the TensorFlow backend."""

    source = "The tf.data.Dataset"

    def __init__(self, dataset, steps=None, class_weight=None):
        import tensorflow as tf

        from lamina import backend

        cardinality = int(dataset.cardinality())
        if cardinality == tf.data.INFINITE_CARDINALITY and steps is None:
            raise ValueError(
                "The tf.data.Dataset repeats forever: pass `steps_per_epoch` (or `steps`) so "
                "that an epoch ends."
            )
        if cardinality == 0:
            raise ValueError("The tf.data.Dataset is empty (cardinality 0).")
        length = cardinality if cardinality >= 0 else None
        super().__init__(dataset, steps, length, class_weight)
        self._keep_tensors = backend.backend() == "tensorflow"

    def _convert(self, batch):
        if self._keep_tensors:
            return batch
        return tree.map_structure(_tf_to_numpy, batch)


def _tf_to_numpy(leaf):
    return leaf.numpy() if hasattr(leaf, "numpy") else leaf


class TorchDataLoaderAdapter(_StreamAdapter):
    """A `torch.utils.data.DataLoader`; tensors move to the device on the PyTorch backend and
    become NumPy arrays on the others."""

    source = "The torch DataLoader"

    def __init__(self, loader, steps=None, class_weight=None):
        from lamina import backend

        try:
            length = len(loader)
        except TypeError:  # an IterableDataset without a length
            length = None
        if length == 0:
            raise ValueError("The torch DataLoader is empty (`len()` is 0).")
        super().__init__(loader, steps, length, class_weight)
        self._device = None
        if backend.backend() == "torch":
            from lamina.backend import active

            self._device = active.core.default_device()

    def _convert(self, batch):
        if self._device is not None:
            return tree.map_structure(self._to_device, batch)
        return tree.map_structure(_torch_to_numpy, batch)

    def _to_device(self, leaf):
        import torch

        if isinstance(leaf, torch.Tensor) and leaf.device != self._device:
            return leaf.to(self._device, non_blocking=True)
        return leaf


def _torch_to_numpy(leaf):
    import torch

    if not isinstance(leaf, torch.Tensor):
        return leaf
    leaf = leaf.detach()
    if leaf.dtype == torch.bfloat16:
        leaf = leaf.float()
    return leaf.cpu().numpy()
