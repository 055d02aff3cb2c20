"""JAX: meshes are `jax.sharding.Mesh`, layouts `NamedSharding`; `jit` does the collectives.

Data parallelism and model parallelism are the same mechanism here: the batch is placed split
over the mesh's batch axis, each variable with its layout, and the compiled step constrains the
new state to the same layouts. XLA then inserts the gradient all-reduce (a mean, since the
loss is a mean over the global batch) and the collectives that sharded kernels need.
"""

from __future__ import annotations

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from lamina.backend.jax.trainer import _jit_state_step
from lamina.distribution import runner as runner_module


def list_devices(device_type=None):
    devices = jax.devices(_platform(device_type)) if device_type else jax.devices()
    return [f"{_name(d.platform)}:{d.id}" for d in devices]


def _platform(device_type):
    return {"gpu": "gpu", "cuda": "gpu"}.get(device_type, device_type)


def _name(platform):
    return "gpu" if platform in ("gpu", "cuda", "rocm") else platform


def initialize(job_addresses, num_processes, process_id):
    coordinator = job_addresses.split(",")[0] if job_addresses else None
    jax.distributed.initialize(
        coordinator_address=coordinator, num_processes=num_processes, process_id=process_id
    )


def num_processes():
    return jax.process_count()


def process_id():
    return jax.process_index()


def _device(name):
    platform, index = name.split(":")
    for d in jax.devices(_platform(platform)):
        if d.id == int(index):
            return d
    raise ValueError(f"No JAX device {name!r}; the devices are {list_devices()}.")


def to_backend_mesh(device_mesh):
    devices = np.vectorize(_device, otypes=[object])(device_mesh.devices)
    return Mesh(devices, tuple(device_mesh.axis_names))


def to_backend_layout(layout):
    if layout.device_mesh is None:
        raise ValueError(f"{layout} has no device mesh; give it one (or use a `LayoutMap`).")
    return NamedSharding(layout.device_mesh.backend_mesh, PartitionSpec(*layout.axes))


def distribute_tensor(tensor, layout):
    sharding = layout if isinstance(layout, jax.sharding.Sharding) else layout.backend_layout
    if isinstance(tensor, jax.core.Tracer):
        return jax.lax.with_sharding_constraint(tensor, sharding)
    return jax.device_put(tensor, sharding)


class Runner(runner_module.Runner):
    def __init__(self, distribution, model):
        super().__init__(distribution, model)
        self.mesh = distribution.device_mesh.backend_mesh
        axis = distribution.batch_dim_name
        self.batch_shards = distribution.device_mesh.shape[
            distribution.device_mesh.axis_names.index(axis)
        ]
        self.batch_spec = PartitionSpec(axis)
        self.replicated = NamedSharding(self.mesh, PartitionSpec())

    def shard(self, adapter, kind):
        # Predictions are global arrays on JAX, so every kind is sharded between processes.
        if self.num_processes <= 1 or not self.distribution.auto_shard_dataset:
            return adapter
        return runner_module.ShardedAdapter(adapter, self.process_id, self.num_processes)

    def to_backend(self, batch, convert):
        # Placed straight from the host arrays (no copy to the default device first). Split along the batch axis when it divides evenly; otherwise (a short last batch)
        # the batch is replicated, which computes the same result on every device.
        def place(leaf):
            if leaf is None:
                return None
            local = np.asarray(leaf)
            if self.num_processes > 1:
                global_shape = (local.shape[0] * self.num_processes,) + local.shape[1:]
                sharding = NamedSharding(self.mesh, self._spec(local.ndim))
                return jax.make_array_from_process_local_data(sharding, local, global_shape)
            if local.ndim and local.shape[0] % self.batch_shards == 0:
                return jax.device_put(local, NamedSharding(self.mesh, self._spec(local.ndim)))
            return jax.device_put(local, self.replicated)

        return tree_map(place, batch)

    def _spec(self, ndim):
        return PartitionSpec(*self.batch_spec, *([None] * (ndim - 1))) if ndim else PartitionSpec()

    def _layouts(self, state_variables):
        """Each state variable's sharding: its layout; an optimizer slot shares its variable's."""
        owner = {}
        optimizer = getattr(self.model, "optimizer", None)
        for v in getattr(self.model, "trainable_variables", []):
            for slot in (getattr(optimizer, "_slots", None) or {}).get(id(v), {}).values():
                owner[id(slot)] = v
        shardings = []
        for v in state_variables:
            source = owner.get(id(v), v)
            layout = self.distribution.get_variable_layout(source)
            if layout.device_mesh is None:
                layout = type(layout)(layout.axes, self.distribution.device_mesh)
            _check_divisible(source, layout)
            shardings.append(NamedSharding(self.mesh, PartitionSpec(*layout.axes)))
        return shardings

    def compile_step(self, fn, state_variables, jit_compile, kind, compile_default, run_eagerly):
        state_variables = list(state_variables)
        shardings = self._layouts(state_variables)
        seen = set()
        for v, sharding in zip(state_variables, shardings):
            # One array held by two variables is placed twice, as two arrays: placing it
            # again with the same layout would alias it, and it cannot be donated twice.
            original = v._value
            v._value = jax.device_put(original, sharding, may_alias=id(original) not in seen)
            seen.add(id(original))
        if run_eagerly or not jit_compile:
            return fn
        # The single-device step's rules (donation, what it returns), with the new state
        # kept in the variables' layouts.
        return _jit_state_step(fn, state_variables, kind, shardings)


def _check_divisible(variable, layout):
    mesh = layout.device_mesh
    if len(layout.axes) != len(variable.shape):
        raise ValueError(
            f"The layout {layout.axes} of variable {variable.path!r} has {len(layout.axes)} "
            f"axes, but the variable has shape {variable.shape}. Fix the `LayoutMap` key that "
            "matches this path."
        )
    for dim, axis in zip(variable.shape, layout.axes):
        if axis is not None:
            size = mesh.shape[mesh.axis_names.index(axis)]
            if dim % size:
                raise ValueError(
                    f"Variable {variable.path!r} of shape {variable.shape} cannot be split over "
                    f"mesh axis {axis!r} of size {size}: {dim} is not divisible by {size}."
                )


def tree_map(fn, structure):
    from lamina.utils import tree

    return tree.map_structure(fn, structure)
