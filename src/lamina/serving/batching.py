"""Inference off the request threads: a bounded queue, worker threads, optional batching.

Request threads call `InferencePool.submit(arrays, n)` and wait on the returned future with
their own deadline; a fixed number of worker threads run the model. With batching on
(``batch_max_size > 1``), a worker that takes a job waits up to ``batch_timeout_ms`` for more
jobs whose inputs have the same per-example shapes, concatenates them along the batch axis,
calls the model once, and hands each job its own rows of the outputs. A job whose requester
gave up (timed out) before a worker took it is cancelled and never runs.
"""

from __future__ import annotations

import collections
import queue
import threading
import time
from concurrent.futures import Future

import numpy as np


class QueueFullError(RuntimeError):
    """More requests are waiting for the model than the queue holds."""


class _Job:
    __slots__ = ("arrays", "size", "key", "future")

    def __init__(self, arrays: dict, size: int):
        self.arrays = arrays
        self.size = size
        self.key = tuple((n, a.shape[1:], a.dtype.str) for n, a in arrays.items())
        self.future = Future()


_STOP = object()


class InferencePool:
    """Worker threads that run ``predict(arrays) -> {name: array}`` on queued jobs.

    Args:
        predict: called with a dict of input arrays (all with the same number of rows);
            returns a dict of output arrays whose first axis has that many rows.
        workers: number of worker threads (each runs one model call at a time).
        batch_max_size: most examples merged into one model call; 1 or 0 turns batching off.
        batch_timeout_ms: how long a worker waits for more jobs to fill a batch.
        max_queue: most jobs waiting; `submit` raises `QueueFullError` beyond it.
    """

    def __init__(
        self,
        predict,
        workers: int = 1,
        batch_max_size: int = 0,
        batch_timeout_ms: float = 2.0,
        max_queue: int = 1024,
    ):
        if workers < 1:
            raise ValueError(f"`workers` must be a positive integer. Received: {workers}")
        self._predict = predict
        self.workers = workers
        self.batch_max_size = max(int(batch_max_size), 1)
        self.batch_timeout_s = max(float(batch_timeout_ms), 0.0) / 1000.0
        self._queue: queue.Queue = queue.Queue(maxsize=max_queue)
        self._threads: list[threading.Thread] = []
        self.calls = 0  # model calls made (for tests and statistics)

    @property
    def batching(self) -> bool:
        return self.batch_max_size > 1

    def start(self):
        for i in range(self.workers):
            t = threading.Thread(target=self._run, name=f"lamina-inference-{i}", daemon=True)
            t.start()
            self._threads.append(t)

    def stop(self, timeout: float = 5.0):
        """Stop the workers after the jobs they hold; jobs still queued are cancelled."""
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, _Job):
                item.future.cancel()
        for _ in self._threads:
            self._queue.put(_STOP)
        for t in self._threads:
            t.join(timeout)
        self._threads = []

    def submit(self, arrays: dict, size: int) -> Future:
        job = _Job(arrays, size)
        try:
            self._queue.put_nowait(job)
        except queue.Full:
            raise QueueFullError(
                f"{self._queue.maxsize} requests are already waiting for the model."
            ) from None
        return job.future

    # Workers --------------------------------------------------------------------------
    def _run(self):
        held: collections.deque = collections.deque()  # jobs taken but not batchable yet
        while True:
            job = held.popleft() if held else self._queue.get()
            if job is _STOP:
                return
            if not job.future.set_running_or_notify_cancel():
                continue
            batch = [job]
            if self.batching and job.size < self.batch_max_size:
                stopping = self._fill(batch, held)
                self._execute(batch)
                if stopping:
                    for j in held:
                        if isinstance(j, _Job):
                            j.future.cancel()
                    return
            else:
                self._execute(batch)

    def _fill(self, batch, held) -> bool:
        """Add waiting compatible jobs to ``batch``; True when a stop was seen."""
        size = batch[0].size
        deadline = time.monotonic() + self.batch_timeout_s
        while size < self.batch_max_size:
            remaining = deadline - time.monotonic()
            try:
                job = self._queue.get(timeout=remaining) if remaining > 0 else None
                if job is None:
                    job = self._queue.get_nowait()
            except queue.Empty:
                return False
            if job is _STOP:
                return True
            if job.key != batch[0].key or size + job.size > self.batch_max_size:
                held.append(job)
                if len(held) > self.batch_max_size:
                    return False
                continue
            if not job.future.set_running_or_notify_cancel():
                continue
            batch.append(job)
            size += job.size
        return False

    def _execute(self, batch):
        try:
            if len(batch) == 1:
                arrays = batch[0].arrays
            else:
                names = batch[0].arrays.keys()
                arrays = {n: np.concatenate([j.arrays[n] for j in batch]) for n in names}
            self.calls += 1
            outputs = self._predict(arrays)
        except BaseException as e:  # the requester reports it; the worker keeps serving
            for j in batch:
                j.future.set_exception(e)
            if not isinstance(e, Exception):
                raise
            return
        start = 0
        for j in batch:
            stop = start + j.size
            if len(batch) == 1:
                j.future.set_result(outputs)
            else:
                j.future.set_result({n: a[start:stop] for n, a in outputs.items()})
            start = stop
