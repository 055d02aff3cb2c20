"""`PyDataset`: a dataset written in Python, batch by batch, that `fit` can read in parallel."""

from __future__ import annotations

import itertools
import warnings


class PyDataset:
    """Base class for datasets that produce whole batches from Python code.

    A subclass defines ``__len__`` (the number of batches) and ``__getitem__(index)`` returning
    one batch: ``x``, ``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)``. It may also define
    ``on_epoch_begin()`` and ``on_epoch_end()`` (e.g. to reshuffle between epochs). For an
    endless dataset, define a ``num_batches`` property returning None instead of ``__len__``
    and pass ``steps_per_epoch`` to `fit`.

    Args:
        workers: how many threads (or processes) prepare batches during `fit`; 1 reads them
            in the training loop itself.
        use_multiprocessing: prepare batches in processes instead of threads (worth it when
            ``__getitem__`` is CPU-bound Python code). On platforms that cannot fork, the
            dataset must be picklable.
        max_queue_size: how many batches may be prepared ahead of the training loop.

    Parallelism applies to `fit`, `evaluate` and `predict`; iterating over the dataset yourself
    reads the batches one by one.

    Example:
        >>> import math
        >>> class Batches(lamina.utils.PyDataset):
        ...     def __init__(self, x, y, batch_size, **kwargs):
        ...         super().__init__(**kwargs)
        ...         self.x, self.y, self.batch_size = x, y, batch_size
        ...     def __len__(self):
        ...         return math.ceil(len(self.x) / self.batch_size)
        ...     def __getitem__(self, index):
        ...         part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        ...         return self.x[part], self.y[part]
        >>> data = Batches(np.ones((10, 3)), np.ones((10, 1)), batch_size=4, workers=2)
        >>> print(len(data), data[2][0].shape)
        3 (2, 3)
    """

    def __init__(self, workers=1, use_multiprocessing=False, max_queue_size=10):
        if not isinstance(workers, int) or workers < 0:
            raise ValueError(f"`workers` must be a non-negative int. Received: {workers!r}")
        if not isinstance(max_queue_size, int) or max_queue_size < 1:
            raise ValueError(
                f"`max_queue_size` must be a positive int. Received: {max_queue_size!r}"
            )
        self._workers = workers
        self._use_multiprocessing = bool(use_multiprocessing)
        self._max_queue_size = max_queue_size

    def _warn_if_super_not_called(self):
        if hasattr(self, "_workers"):
            return
        self._workers = 1
        self._use_multiprocessing = False
        self._max_queue_size = 10
        warnings.warn(
            f"{type(self).__name__} should call `super().__init__(**kwargs)` in its "
            "constructor; `kwargs` may hold `workers`, `use_multiprocessing` and "
            "`max_queue_size`. Using workers=1.",
            stacklevel=3,
        )

    @property
    def workers(self) -> int:
        self._warn_if_super_not_called()
        return self._workers

    @workers.setter
    def workers(self, value):
        self._workers = value

    @property
    def use_multiprocessing(self) -> bool:
        self._warn_if_super_not_called()
        return self._use_multiprocessing

    @use_multiprocessing.setter
    def use_multiprocessing(self, value):
        self._use_multiprocessing = value

    @property
    def max_queue_size(self) -> int:
        self._warn_if_super_not_called()
        return self._max_queue_size

    @max_queue_size.setter
    def max_queue_size(self, value):
        self._max_queue_size = value

    def __getitem__(self, index):
        """The batch at position ``index``."""
        raise TypeError(
            f"{type(self).__name__} must define `__getitem__(self, index)` returning one batch."
        )

    @property
    def num_batches(self) -> int | None:
        """The number of batches per epoch (``len(self)``), or None for an endless dataset."""
        if hasattr(self, "__len__"):
            return len(self)
        raise TypeError(
            f"{type(self).__name__} must define `__len__` (the number of batches), or a "
            "`num_batches` property that returns None for an endless dataset."
        )

    def __iter__(self):
        count = self.num_batches
        indices = range(count) if count is not None else itertools.count()
        for index in indices:
            yield self[index]

    def on_epoch_begin(self):
        """Called at the start of every epoch of `fit`."""

    def on_epoch_end(self):
        """Called at the end of every epoch of `fit`."""
