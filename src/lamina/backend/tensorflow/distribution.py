"""TensorFlow: `DataParallel` runs on `tf.distribute.MirroredStrategy` (the devices of one
machine) or `MultiWorkerMirroredStrategy` (several processes, described by ``TF_CONFIG``).

After the model, optimizer and metrics are built, the runner re-creates each Lamina
Variable's `tf.Variable` inside the strategy's scope: weights and optimizer slots as mirrored
variables (every replica applies the same all-reduced gradients, so replica 0's value is
kept), metric states as sync-on-read sums (each replica counts its own samples; reading them
outside the step sums the replicas). The step runs with `strategy.run`: every replica receives the
batch and keeps its contiguous share of the rows (a short last batch splits unevenly); its
gradients are scaled by its share of the global batch and summed across replicas, which is
the gradient of the mean loss over the global batch.
"""

from __future__ import annotations

import functools
import json
import os
import threading

import tensorflow as tf

from lamina.backend.tensorflow import trainer as tf_trainer
from lamina.distribution import runner as runner_module

_STATE = {"strategy": None}  # the MultiWorkerMirroredStrategy made by `initialize`


def list_devices(device_type=None):
    kinds = [device_type.upper()] if device_type else ["GPU", "TPU", "CPU"]
    for kind in kinds:
        devices = tf.config.list_logical_devices("GPU" if kind == "CUDA" else kind)
        if devices:
            return [f"{kind.lower()}:{i}" for i in range(len(devices))]
    return []


def _tf_config():
    config = json.loads(os.environ.get("TF_CONFIG", "{}") or "{}")
    return config.get("cluster", {}), config.get("task", {})


def initialize(job_addresses, num_processes, process_id):
    """Joins the workers of ``TF_CONFIG`` (built from the arguments when it is not set)."""
    if _STATE["strategy"] is not None:
        return
    if "TF_CONFIG" not in os.environ and job_addresses:
        workers = job_addresses.split(",")
        os.environ["TF_CONFIG"] = json.dumps(
            {"cluster": {"worker": workers}, "task": {"type": "worker", "index": process_id or 0}}
        )
    _STATE["strategy"] = tf.distribute.MultiWorkerMirroredStrategy()


def num_processes():
    cluster, _ = _tf_config()
    return max(1, len(cluster.get("worker", [])) + len(cluster.get("chief", [])))


def process_id():
    cluster, task = _tf_config()
    index = int(task.get("index", 0))
    # With a separate chief, workers come after it.
    return index + 1 if task.get("type") == "worker" and cluster.get("chief") else index


def to_backend_mesh(device_mesh):
    return device_mesh.devices


def to_backend_layout(layout):
    return layout.axes


def distribute_tensor(tensor, layout):
    return tensor  # variables are mirrored; there is nothing to shard


def _strategy(distribution):
    if _STATE["strategy"] is not None:
        return _STATE["strategy"]
    names = [
        f"/{d.split(':')[0].upper()}:{d.split(':')[1]}"
        for d in distribution.device_mesh.devices.ravel()
    ]
    return tf.distribute.MirroredStrategy(names)


class Runner(runner_module.Runner):
    def __init__(self, distribution, model):
        super().__init__(distribution, model)
        self.strategy = _strategy(distribution)
        self.replicas = self.strategy.num_replicas_in_sync
        self._local = threading.local()  # each replica's batch shares (replicas run in threads)

    def begin(self):
        tf_trainer.gradient_reducer = self.reduce_gradients

    def end(self):
        tf_trainer.gradient_reducer = None

    def _mirror_state(self, state_variables):
        """Re-create the variables' `tf.Variable`s in the strategy's scope (once)."""
        metric_ids = {id(v) for m in self.model.metrics for v in m.variables}
        trainable = {id(v) for v in self.model.trainable_variables}
        changed = False
        with self.strategy.scope():
            for v in state_variables:
                old = v._value
                if isinstance(old, tf.distribute.DistributedValues):
                    continue
                if id(v) in metric_ids:
                    sync, agg = tf.VariableSynchronization.ON_READ, tf.VariableAggregation.SUM
                elif id(v) not in trainable and old.dtype.is_floating:  # e.g. moving means
                    sync, agg = tf.VariableSynchronization.ON_WRITE, tf.VariableAggregation.MEAN
                else:
                    sync = tf.VariableSynchronization.ON_WRITE
                    agg = tf.VariableAggregation.ONLY_FIRST_REPLICA
                v._value = tf.Variable(
                    old.read_value(),
                    trainable=old.trainable,
                    name=old.name.split(":")[0],
                    synchronization=sync,
                    aggregation=agg,
                )
                changed = True
        if changed:
            # Steps traced before captured the old variables: trace them again.
            cache = self.model._step_cache
            for key in [k for k in cache if k[-1] is None]:  # keys end with their runner
                del cache[key]

    def compile_step(self, fn, state_variables, jit_compile, kind, compile_default, run_eagerly):
        self._mirror_state(list(state_variables))
        model, strategy = self.model, self.strategy

        local_replicas = self.replicas // self.num_processes

        def replica_step(group):
            # Every replica gets this process's batches whole and keeps its own rows.
            context = tf.distribute.get_replica_context()
            index = _static(context.replica_id_in_sync_group) % local_replicas
            shares, mine = [], []
            for batch in group:
                # Static bounds where the batch size is known keep the rows' shape static.
                n = _static(tf.shape(_first_leaf(batch))[0])
                lo, hi = n * index // local_replicas, n * (index + 1) // local_replicas
                mine.append(tf.nest.map_structure(functools.partial(_rows, lo=lo, hi=hi), batch))
                local = tf.cast(hi - lo, "float32")
                total = context.all_reduce(tf.distribute.ReduceOp.SUM, local)
                shares.append(local / total)
            self._local.shares = shares
            return fn(tuple(mine))

        def step(group):
            out = strategy.run(replica_step, args=(group,))
            if kind == "predict":  # each replica's rows, in order: the global batch
                return tuple(
                    tf.nest.map_structure(lambda t: strategy.gather(t, axis=0), o) for o in out
                )
            # Read outside the replicas, the metric states are sums over all of them.
            return model.get_metrics_result()

        if run_eagerly:
            return step
        # (A graph without XLA: the replicas' collectives run outside XLA clusters.)
        return tf.function(step, reduce_retracing=True, autograph=False)

    def reduce_gradients(self, params, grads):
        context = tf.distribute.get_replica_context()
        if context is None or context.num_replicas_in_sync == 1:
            return grads
        shares = getattr(self._local, "shares", None)
        share = shares.pop(0) if shares else 1.0 / context.num_replicas_in_sync
        grads = [
            (tf.zeros_like(p) if g is None else g) * tf.cast(share, p.dtype)
            for p, g in zip(params, grads)
        ]
        return context.all_reduce(tf.distribute.ReduceOp.SUM, grads)


def _static(t):
    value = tf.get_static_value(t)
    return t if value is None else int(value)


def _rows(a, lo, hi):
    return None if a is None else a[lo:hi]


def _first_leaf(batch):
    return next(leaf for leaf in tf.nest.flatten(batch) if leaf is not None)
