"""PyTorch: one process per device (``torchrun``), joined by `torch.distributed`.

`initialize()` calls `init_process_group` (NCCL on GPUs, gloo on CPUs). During `fit` the
runner broadcasts the weights from process 0, splits every global batch between the
processes, and all-reduces the gradients inside `value_and_grad`, weighting each process by
its share of the batch (``local / global``, so the sum is the gradient of the global mean
loss, also for a short last batch). It does this rather than wrap the model in
`DistributedDataParallel` because Lamina's step is a function of variables, not an
`nn.Module.forward`: DDP's bucketed backward hooks would need a module and a ``backward()``
call, while Lamina takes gradients with `torch.autograd.grad`. One flattened all-reduce per
dtype per step is what DDP's buckets amount to for models of this size.
"""

from __future__ import annotations

import atexit
import os

import numpy as np
import torch
import torch.distributed as dist

from lamina.backend.torch import core
from lamina.backend.torch import trainer as torch_trainer
from lamina.distribution import runner as runner_module


def _ready():
    return dist.is_available() and dist.is_initialized()


def _local_type(device_type):
    if device_type in ("gpu", "cuda"):
        return "gpu"
    if device_type == "cpu":
        return "cpu"
    return "gpu" if torch.cuda.is_available() else "cpu"


def list_devices(device_type=None):
    kind = _local_type(device_type)
    if kind == "gpu" and not torch.cuda.is_available():
        return []
    if _ready():  # one device per process, named by its rank
        return [f"{kind}:{rank}" for rank in range(dist.get_world_size())]
    count = torch.cuda.device_count() if kind == "gpu" else 1
    return [f"{kind}:{i}" for i in range(count)]


def initialize(job_addresses, num_processes, process_id):
    if _ready():
        return
    env = os.environ
    if job_addresses:
        host, _, port = job_addresses.split(",")[0].partition(":")
        env["MASTER_ADDR"] = host
        if port:
            env["MASTER_PORT"] = port
    world = num_processes if num_processes is not None else int(env.get("WORLD_SIZE", "1"))
    rank = process_id if process_id is not None else int(env.get("RANK", "0"))
    env.setdefault("MASTER_ADDR", "127.0.0.1")
    env.setdefault("MASTER_PORT", "29500")
    if torch.cuda.is_available():
        # Each process drives the GPU of its local rank ("cuda" then means that device).
        torch.cuda.set_device(int(env.get("LOCAL_RANK", rank % torch.cuda.device_count())))
    backend = "nccl" if core.default_device().type == "cuda" else "gloo"
    dist.init_process_group(backend, init_method="env://", world_size=world, rank=rank)
    # Leaving with the group still open lets gloo's threads abort the process at exit.
    atexit.register(_shutdown)


def _shutdown():
    if _ready():
        dist.destroy_process_group()


def num_processes():
    return dist.get_world_size() if _ready() else 1


def process_id():
    return dist.get_rank() if _ready() else 0


def to_backend_mesh(device_mesh):
    return device_mesh.devices


def to_backend_layout(layout):
    return layout.axes


def distribute_tensor(tensor, layout):
    # Every process holds whole tensors (data parallelism only).
    return tensor


class Runner(runner_module.Runner):
    def __init__(self, distribution, model):
        super().__init__(distribution, model)
        self._weights_synced = False

    def begin(self):
        if self.num_processes <= 1:
            return
        self.batch_sizes.clear()
        self._weights_synced = False
        torch_trainer.gradient_reducer = self.reduce_gradients
        # Every process must draw the same (shuffled) batches to split them: the others take
        # process 0's NumPy generator state, which the data adapters shuffle with (process 0
        # keeps its own, so it shuffles exactly as a single-process run would).
        state = [np.random.get_state() if self.process_id == 0 else None]
        dist.broadcast_object_list(state, src=0)
        np.random.set_state(state[0])

    def end(self):
        torch_trainer.gradient_reducer = None

    def compile_step(self, fn, state_variables, jit_compile, kind, compile_default, run_eagerly):
        compiled = compile_default(
            fn, state_variables, jit_compile=jit_compile, kind=kind, run_eagerly=run_eagerly
        )
        if self.num_processes <= 1:
            return compiled
        model = self.model
        optimizer = getattr(model, "optimizer", None)

        def run(data):
            if not self._weights_synced:  # process 0's weights (and optimizer state) win
                variables = list(model.variables)
                if kind == "train" and optimizer is not None:
                    variables += list(optimizer.variables)
                with torch.no_grad():
                    for v in variables:
                        dist.broadcast(v.value.data, src=0)
                self._weights_synced = True
            return compiled(data)

        return run

    def reduce_gradients(self, params, grads):
        """Sum of ``grad * local / global`` over processes, one all-reduce per dtype."""
        local, total = self.batch_sizes.popleft() if self.batch_sizes else (1, self.num_processes)
        scale = local / total
        grads = [
            torch.zeros_like(p) if g is None and p.requires_grad else g
            for p, g in zip(params, grads)
        ]
        groups = {}
        for i, g in enumerate(grads):
            if g is not None:
                groups.setdefault(g.dtype, []).append(i)
        for members in groups.values():
            flat = torch.cat([grads[i].reshape(-1) for i in members]) * scale
            dist.all_reduce(flat, op=dist.ReduceOp.SUM)
            offset = 0
            for i in members:
                n = grads[i].numel()
                grads[i] = flat[offset : offset + n].view_as(grads[i])
                offset += n
        return grads

    def sync_metrics(self, metrics):
        # Metric states are sums (totals and counts), so summing them over the processes
        # gives the states of one process that saw all the data.
        if self.num_processes <= 1:
            return
        with torch.no_grad():
            for m in metrics:
                for v in m.variables:
                    if v.value.dtype != torch.bool:
                        dist.all_reduce(v.value.data, op=dist.ReduceOp.SUM)
