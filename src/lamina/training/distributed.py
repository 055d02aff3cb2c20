"""`DistributedFitMixin`: how `Trainer` hands a fit/evaluate/predict to `lamina.distribution`."""

from __future__ import annotations

from lamina.distribution import distribution_lib


class DistributedFitMixin:
    """The hooks through which `Trainer`'s loop defers to the current `lamina.distribution`
    distribution: find its runner, shard the data and keep writers on one process, and make the
    runner current for the duration of one fit/evaluate/predict.

    They are kept apart from the loop because they run once per call, never per step, and are
    no-ops on the single-device path. While a call runs, the loop reads only ``_dist_runner``
    (None on the single-device path) to let the runner place batches, compile the step and sum
    the metric states across processes.
    """

    # Set for the duration of a fit/evaluate/predict under a distribution (see
    # `_begin_distributed`); None on the single-device path.
    _dist_runner = None

    def _distribution_runner(self):
        """The current distribution's runner for this model (reused while it stays current)."""
        dist = distribution_lib.distribution()
        if dist is None:
            return None
        cached = self.__dict__.get("_dist_runner_cache")
        if cached is None or cached[0] is not dist:
            from lamina.distribution.runner import runner_for

            cached = (dist, runner_for(dist, self))
            self._dist_runner_cache = cached
        return cached[1]

    def _distribute(self, kind, adapter, callbacks, verbose, val_adapter=None):
        """The runner (or None), the data adapters sharded for this process, and the callbacks
        and verbosity to use here: ``(runner, adapter, val_adapter, callbacks, verbose)``."""
        runner = self._distribution_runner()
        if runner is not None:
            adapter = runner.shard(adapter, kind)
            val_adapter = val_adapter and runner.shard(val_adapter, "test")
            callbacks, verbose = runner.filter_callbacks(callbacks, verbose)
        return runner, adapter, val_adapter, callbacks, verbose

    def _sync_distributed_metrics(self):
        """Sum the metric states across processes (once per epoch), before reading results."""
        if self._dist_runner is not None:
            self._dist_runner.sync_metrics(self.metrics)

    def _begin_distributed(self, runner):
        previous = self._dist_runner
        if runner is not None:
            self._dist_runner = runner
            runner.begin()
        return previous

    def _end_distributed(self, runner, previous):
        if runner is not None:
            runner.end()
            self._dist_runner = previous
