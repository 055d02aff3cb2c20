"""What `fit`/`evaluate`/`predict` ask of a distribution, shared by the backends.

The trainer asks `lamina.distribution.distribution()` once per call; when one is set it gets a
runner (`runner_for`) and lets it: shard the data adapter per process (`shard`), place each
batch (`to_backend`), compile the step (`compile_step`), sum the metric states across
processes before reading results (`sync_metrics`), and keep writers on process 0
(`filter_callbacks`). The backends subclass `Runner`.
"""

from __future__ import annotations

import collections
import warnings

from lamina.training.data import DataAdapter
from lamina.utils import tree


def runner_for(distribution, model):
    """The active backend's runner for ``distribution`` (None on the single-device path)."""
    if distribution is None:
        return None
    from lamina.distribution.distribution_lib import _backend

    return _backend().Runner(distribution, model)


class Runner:
    """The single-process defaults: no sharding, the trainer's own conversion and step."""

    def __init__(self, distribution, model):
        self.distribution = distribution
        self.model = model
        self.num_processes = distribution.num_processes
        self.process_id = distribution._process_id
        # (local, global) sample counts of the training batches drawn and not yet stepped.
        self.batch_sizes = collections.deque()

    def shard(self, adapter, kind):
        """Each process keeps its contiguous slice of every global batch."""
        if self.num_processes <= 1 or not self.distribution.auto_shard_dataset:
            return adapter
        if kind == "predict":  # every process predicts everything: outputs stay whole
            return adapter
        sizes = self.batch_sizes if kind == "train" else None
        return ShardedAdapter(adapter, self.process_id, self.num_processes, sizes)

    def to_backend(self, batch, convert):
        return convert(batch)

    def compile_step(self, fn, state_variables, jit_compile, kind, compile_default, run_eagerly):
        return compile_default(
            fn, state_variables, jit_compile=jit_compile, kind=kind, run_eagerly=run_eagerly
        )

    def begin(self):
        """Called once when fit/evaluate/predict starts."""

    def end(self):
        """Called once when it ends (also on errors)."""

    def sync_metrics(self, metrics):
        """Make the metric states global (sums over processes) before results are read."""

    def filter_callbacks(self, callbacks, verbose):
        """Process 0 keeps every callback; the others drop the progress bar and the writers."""
        if self.process_id == 0:
            return callbacks, verbose
        from lamina.callbacks import BackupAndRestore, CSVLogger, ModelCheckpoint, ProgbarLogger

        writers = (BackupAndRestore, CSVLogger, ModelCheckpoint, ProgbarLogger)
        return [c for c in callbacks or [] if not isinstance(c, writers)], 0


def batch_size(batch) -> int:
    leaves = [leaf for leaf in tree.flatten(batch) if leaf is not None]
    return int(leaves[0].shape[0])


class ShardedAdapter(DataAdapter):
    """Process ``index`` of ``count`` takes rows ``[n*index//count, n*(index+1)//count)`` of
    every batch of ``n`` rows, so ``batch_size`` stays the global batch (as in Keras).

    All processes must draw the same batches: the same data and, with shuffling, the same
    NumPy seed (the runners agree on one at the start of `fit`). A batch with fewer rows
    than processes is skipped on every process, with a warning.
    """

    def __init__(self, adapter, index, count, sizes=None):
        self.adapter = adapter
        self.index = index
        self.count = count
        self.sizes = sizes
        self.num_batches = adapter.num_batches

    def epoch(self):
        for batch in self.adapter.epoch():
            n = batch_size(batch)
            if n < self.count:
                warnings.warn(
                    f"A batch of {n} samples cannot be split between {self.count} processes; "
                    "it is skipped. Choose `batch_size` (and the data size) so that every "
                    "batch has at least one sample per process.",
                    stacklevel=2,
                )
                continue
            lo, hi = n * self.index // self.count, n * (self.index + 1) // self.count
            if self.sizes is not None:
                self.sizes.append((hi - lo, n))
            yield tree.map_structure(lambda a, lo=lo, hi=hi: None if a is None else a[lo:hi], batch)

    def on_epoch_end(self):
        self.adapter.on_epoch_end()
