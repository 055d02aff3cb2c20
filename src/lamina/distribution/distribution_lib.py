"""Keras 3's `keras.distribution` API: device meshes, layouts, and the current distribution.

The classes here hold no framework objects until asked (``backend_mesh``, ``backend_layout``);
what a distribution does to `fit` lives in one small module per backend
(``lamina/backend/<name>/distribution.py``), imported lazily so a program only loads its own framework.
"""

from __future__ import annotations

import collections.abc
import contextlib
import math
import os
import re
import warnings

import numpy as np

DEFAULT_BATCH_DIM_NAME = "batch"
_CURRENT = {"distribution": None}


def _backend():
    """The active backend's distribution module (imported on first use)."""
    from lamina.backend import active

    return active.load("distribution")


def list_devices(device_type: str | None = None) -> list[str]:
    """All devices of ``device_type`` (``"cpu"``, ``"gpu"``, ``"tpu"``) as ``"type:id"`` strings.

    Defaults to the accelerators when there are some, else the CPUs. In a multi-process run the
    devices of every process are listed (on PyTorch: one device per process).

    Example:
        >>> lamina.distribution.list_devices()
        ['cpu:0']
    """
    if device_type is not None and device_type.lower() not in ("cpu", "gpu", "tpu", "cuda"):
        raise ValueError(
            "`list_devices`: `device_type` must be one of 'cpu', 'gpu', 'tpu' or None. "
            f"Received: device_type={device_type!r}"
        )
    return _backend().list_devices(device_type.lower() if device_type else None)


def get_device_count(device_type: str | None = None) -> int:
    """The number of devices `list_devices(device_type)` returns.

    Example:
        >>> lamina.distribution.get_device_count() == len(lamina.distribution.list_devices())
        True
        >>> lamina.distribution.get_device_count("cpu")
        1
    """
    return len(list_devices(device_type))


def initialize(job_addresses=None, num_processes=None, process_id=None):
    """Join a multi-process (multi-host) run; call it first, before building a model.

    Arguments default to ``KERAS_DISTRIBUTION_JOB_ADDRESSES``, ``KERAS_DISTRIBUTION_NUM_PROCESSES``
    and ``KERAS_DISTRIBUTION_PROCESS_ID`` (and, on PyTorch, to torchrun's ``MASTER_ADDR``,
    ``MASTER_PORT``, ``WORLD_SIZE`` and ``RANK``; on TensorFlow, to ``TF_CONFIG``).

    Args:
        job_addresses: comma-separated ``host:port`` of the processes; JAX and PyTorch use
            only the first (process 0, the coordinator).
        num_processes: how many processes take part.
        process_id: this process's index, ``0`` to ``num_processes - 1``.

    Example:
        >>> lamina.distribution.initialize(num_processes=1, process_id=0)  # a one-process run
        >>> lamina.distribution.num_processes(), lamina.distribution.process_id()
        (1, 0)
    """
    env = os.environ
    if job_addresses is None:
        job_addresses = env.get("KERAS_DISTRIBUTION_JOB_ADDRESSES")
    if num_processes is None and "KERAS_DISTRIBUTION_NUM_PROCESSES" in env:
        num_processes = int(env["KERAS_DISTRIBUTION_NUM_PROCESSES"])
    if process_id is None and "KERAS_DISTRIBUTION_PROCESS_ID" in env:
        process_id = int(env["KERAS_DISTRIBUTION_PROCESS_ID"])
    if num_processes is not None and process_id is not None:
        if not 0 <= process_id < num_processes:
            raise ValueError(
                "`initialize`: `process_id` must be in [0, num_processes). Received: "
                f"process_id={process_id}, num_processes={num_processes}"
            )
    _backend().initialize(job_addresses, num_processes, process_id)


def num_processes() -> int:
    """How many processes this run has (1 unless `initialize` joined a larger run).

    Example:
        >>> lamina.distribution.num_processes()
        1
    """
    return _backend().num_processes()


def process_id() -> int:
    """This process's index (0 is the chief: it writes checkpoints and logs).

    Example:
        >>> if lamina.distribution.process_id() == 0:
        ...     print("the chief process saves the model")
        the chief process saves the model
    """
    return _backend().process_id()


class DeviceMesh:
    """A grid of devices with named axes, e.g. ``(2, 4)`` with ``("batch", "model")``.

    Args:
        shape: the mesh shape; its product is the number of devices.
        axis_names: one name per mesh axis.
        devices: the devices (strings from `list_devices`); defaults to all of them.

    Example:
        >>> mesh = DeviceMesh((len(list_devices()),), ["batch"])
        >>> print(mesh.shape)
        (1,)
    """

    def __init__(self, shape, axis_names, devices=None):
        if not shape or not axis_names:
            raise ValueError(
                "`DeviceMesh`: `shape` and `axis_names` cannot be empty. Received: "
                f"shape={shape}, axis_names={axis_names}"
            )
        if len(shape) != len(axis_names):
            raise ValueError(
                "`DeviceMesh`: `shape` and `axis_names` must have the same length. Received: "
                f"shape={shape}, axis_names={axis_names}"
            )
        devices = np.array(list_devices() if devices is None else devices)
        if math.prod(shape) != devices.size:
            raise ValueError(
                f"`DeviceMesh`: shape {tuple(shape)} needs {math.prod(shape)} devices, but "
                f"{devices.size} were given: {devices.ravel().tolist()}"
            )
        self._shape = tuple(shape)
        self._axis_names = list(axis_names)
        self._devices = devices.reshape(self._shape)

    @property
    def shape(self):
        return self._shape

    @property
    def axis_names(self):
        return self._axis_names

    @property
    def devices(self):
        return self._devices

    @property
    def backend_mesh(self):
        """The framework's mesh (a `jax.sharding.Mesh` on JAX)."""
        if not hasattr(self, "_backend_mesh"):
            self._backend_mesh = _backend().to_backend_mesh(self)
        return self._backend_mesh

    def __repr__(self):
        return f"<DeviceMesh shape={self.shape}, axis_names={self.axis_names}>"


class TensorLayout:
    """How a tensor's axes map onto mesh axes: one mesh-axis name (or None) per tensor axis.

    Args:
        axes: e.g. ``(None, "model")`` shards the last axis over the mesh's ``"model"`` axis.
        device_mesh: the `DeviceMesh` (a `LayoutMap` fills it in).

    Example:
        >>> devices = lamina.distribution.list_devices()
        >>> mesh = lamina.distribution.DeviceMesh((1, len(devices)), ["batch", "model"], devices)
        >>> layout = lamina.distribution.TensorLayout((None, "model"), mesh)
        >>> layout.axes, layout.device_mesh.axis_names
        ((None, 'model'), ['batch', 'model'])
    """

    def __init__(self, axes, device_mesh=None):
        self._axes = tuple(axes)
        self._device_mesh = device_mesh
        self._validate_axes()

    @property
    def axes(self):
        return self._axes

    @property
    def device_mesh(self):
        return self._device_mesh

    @device_mesh.setter
    def device_mesh(self, device_mesh):
        if self._device_mesh is not None:
            raise ValueError(
                f"`TensorLayout`: the device mesh is already set to {self._device_mesh}."
            )
        self._device_mesh = device_mesh
        self._validate_axes()

    @property
    def backend_layout(self):
        """The framework's layout (a `jax.sharding.NamedSharding` on JAX)."""
        if not hasattr(self, "_backend_layout"):
            self._backend_layout = _backend().to_backend_layout(self)
        return self._backend_layout

    def _validate_axes(self):
        if self._device_mesh is not None:
            unknown = {a for a in self._axes if a is not None} - set(self._device_mesh.axis_names)
            if unknown:
                raise ValueError(
                    f"`TensorLayout`: axes {sorted(unknown)} are not axes of the mesh "
                    f"{self._device_mesh.axis_names}. Received: axes={self._axes}"
                )

    def __repr__(self):
        return f"<TensorLayout axes={self.axes}, device_mesh={self.device_mesh}>"


class Distribution:
    """Base of `DataParallel` and `ModelParallel`: a mesh, the batch axis, and layouts.

    Args:
        device_mesh: a `DeviceMesh`.
        batch_dim_name: the mesh axis the batch is split over.
        auto_shard_dataset: split the data between processes (False when each process
            already reads its own shard).

    Example:
        >>> data_parallel = lamina.distribution.DataParallel()
        >>> isinstance(data_parallel, lamina.distribution.Distribution)
        True
        >>> data_parallel.get_data_layout((32, 10)).axes  # the batch axis is split
        ('batch', None)
    """

    def __init__(self, device_mesh, batch_dim_name=None, auto_shard_dataset=True):
        self._device_mesh = device_mesh
        self._batch_dim_name = batch_dim_name
        self._auto_shard_dataset = auto_shard_dataset
        self._num_processes = num_processes()
        self._process_id = process_id()

    @property
    def num_processes(self):
        return self._num_processes

    @property
    def num_model_replicas(self):
        return self._device_mesh.devices.size

    @property
    def data_shard_id(self):
        replicas = self.num_model_replicas
        if replicas >= self._num_processes:
            return self._process_id
        return self._process_id // (self._num_processes // replicas)

    @property
    def device_mesh(self):
        return self._device_mesh

    @property
    def batch_dim_name(self):
        return self._batch_dim_name

    @property
    def auto_shard_dataset(self):
        return self._auto_shard_dataset

    @auto_shard_dataset.setter
    def auto_shard_dataset(self, value):
        self._auto_shard_dataset = bool(value)

    def get_data_layout(self, data_shape):
        """The batch split over ``batch_dim_name``, other axes whole."""
        axes = [None] * len(data_shape)
        if axes:
            axes[0] = self._batch_dim_name
        return TensorLayout(axes, self._device_mesh)

    def get_variable_layout(self, variable):
        """A variable's own ``_layout``, else replicated (subclasses map paths)."""
        if getattr(variable, "_layout", None) is not None:
            return variable._layout
        return TensorLayout([None] * len(variable.shape), self._device_mesh)

    def get_tensor_layout(self, path):
        return None

    @contextlib.contextmanager
    def scope(self):
        """Make this the current distribution inside a ``with`` block."""
        previous = distribution()
        set_distribution(self)
        try:
            yield self
        finally:
            set_distribution(previous)

    def distribute_dataset(self, dataset):
        """A `tf.data.Dataset` sharded for this process (other data is sharded by `fit`)."""
        if self._num_processes <= 1 or not self._auto_shard_dataset:
            return dataset
        return dataset.shard(self._num_processes, self._process_id)

    def __repr__(self):
        return f"<{type(self).__name__} device_mesh={self.device_mesh}>"


class DataParallel(Distribution):
    """Replicate the model on every device and split each batch between them.

    ``batch_size`` stays the global batch: each step sees the same samples as on one device.

    Args:
        device_mesh: a 1-D `DeviceMesh` (the first axis is used if it has more).
        devices: devices to build the mesh from instead (default: `list_devices()`).
        auto_shard_dataset: split the data between processes.

    Example:
        >>> x, y = np.ones((8, 2)), np.ones((8, 1))
        >>> data_parallel = lamina.distribution.DataParallel()
        >>> data_parallel.num_model_replicas == lamina.distribution.get_device_count()
        True
        >>> with data_parallel.scope():
        ...     model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        ...     model.compile(optimizer="sgd", loss="mse")
        ...     history = model.fit(x, y, batch_size=4, epochs=2, verbose=0)  # global batch
        >>> len(history.history["loss"])
        2
    """

    def __init__(self, device_mesh=None, devices=None, auto_shard_dataset=True):
        if device_mesh is not None:
            if not isinstance(device_mesh, DeviceMesh):
                raise ValueError(
                    "`DataParallel`: `device_mesh` must be a `DeviceMesh`. Received: "
                    f"{device_mesh!r} of type {type(device_mesh).__name__}"
                )
            if len(device_mesh.shape) != 1:
                warnings.warn(
                    f"`DataParallel` expects a 1-D mesh; received shape {device_mesh.shape}. "
                    "Its first axis splits the batch.",
                    stacklevel=2,
                )
        else:
            devices = np.array(list_devices() if not devices else devices)
            device_mesh = DeviceMesh(devices.shape, [DEFAULT_BATCH_DIM_NAME], devices)
        super().__init__(device_mesh, device_mesh.axis_names[0], auto_shard_dataset)


class ModelParallel(Distribution):
    """Shard variables by their paths (a `LayoutMap`) and split the batch over one mesh axis.

    Args:
        layout_map: a `LayoutMap` (regex on variable paths -> `TensorLayout`); variables that
            match nothing are replicated.
        batch_dim_name: the mesh axis that splits the batch (default: the mesh's first axis).
        auto_shard_dataset: split the data between processes.

    Example:
        >>> devices = lamina.distribution.list_devices()
        >>> mesh = lamina.distribution.DeviceMesh((1, len(devices)), ["batch", "model"], devices)
        >>> layout_map = lamina.distribution.LayoutMap(mesh)
        >>> layout_map[".*dense.*kernel"] = (None, "model")  # split the kernels' outputs
        >>> model_parallel = lamina.distribution.ModelParallel(layout_map=layout_map)
        >>> with model_parallel.scope():
        ...     model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8)])
        ...     outputs = model.predict(np.ones((2, 4)), verbose=0)
        >>> model_parallel.get_variable_layout(model.layers[0].kernel).axes
        (None, 'model')
        >>> outputs.shape
        (2, 8)
    """

    def __init__(self, *, layout_map=None, batch_dim_name=None, auto_shard_dataset=True, **kw):
        kw.pop("device_mesh", None)
        if kw:
            raise TypeError(f"`ModelParallel` got unexpected arguments {sorted(kw)}.")
        if not isinstance(layout_map, LayoutMap):
            raise ValueError(
                "`ModelParallel`: `layout_map` must be a `LayoutMap`. Received: "
                f"layout_map={layout_map!r}"
            )
        mesh = layout_map.device_mesh
        batch_dim_name = batch_dim_name or mesh.axis_names[0]
        if batch_dim_name not in mesh.axis_names:
            raise ValueError(
                f"`ModelParallel`: `batch_dim_name`={batch_dim_name!r} is not an axis of the "
                f"mesh {mesh.axis_names}."
            )
        super().__init__(mesh, batch_dim_name, auto_shard_dataset)
        self._layout_map = layout_map

    @property
    def num_model_replicas(self):
        return self.device_mesh.shape[self.device_mesh.axis_names.index(self.batch_dim_name)]

    def get_variable_layout(self, variable):
        if getattr(variable, "_layout", None) is not None:
            return variable._layout
        layout = self._layout_map[variable.path]
        if layout is not None:
            return layout
        return TensorLayout([None] * len(variable.shape), self.device_mesh)

    def get_tensor_layout(self, path):
        return self._layout_map[path]


class LayoutMap(collections.abc.MutableMapping):
    """Variable paths (regular expressions, matched in full) -> `TensorLayout`.

    A tuple value is a shortcut for ``TensorLayout(tuple)``. A path that matches no key gives
    None; one that matches several keys is an error.

    Args:
        device_mesh: the `DeviceMesh` the layouts refer to.

    Example:
        >>> devices = lamina.distribution.list_devices()
        >>> mesh = lamina.distribution.DeviceMesh((1, len(devices)), ["batch", "model"], devices)
        >>> layout_map = lamina.distribution.LayoutMap(mesh)
        >>> layout_map["dense.*/kernel"] = (None, "model")
        >>> layout_map["dense_1/kernel"].axes, layout_map["dense_1/bias"]
        ((None, 'model'), None)
    """

    def __init__(self, device_mesh):
        self._layouts = collections.OrderedDict()
        self._device_mesh = device_mesh

    def __getitem__(self, key):
        if key in self._layouts:
            return self._layouts[key]
        matches = [p for p in self._layouts if re.fullmatch(p, key)]
        if len(matches) > 1:
            raise ValueError(
                f"`LayoutMap`: path {key!r} matches several keys {matches}; make each variable "
                "path match at most one key."
            )
        return self._layouts[matches[0]] if matches else None

    def __setitem__(self, key, layout):
        if key in self._layouts:
            raise ValueError(f"`LayoutMap`: key {key!r} is already set to {self._layouts[key]}.")
        if isinstance(layout, (tuple, list)):
            layout = TensorLayout(layout)
        if not isinstance(layout, TensorLayout):
            raise ValueError(
                f"`LayoutMap`: values must be `TensorLayout`s or tuples of axis names. "
                f"Received: {layout!r} for key {key!r}"
            )
        if layout.device_mesh is None and self._device_mesh is not None:
            layout.device_mesh = self._device_mesh
        self._layouts[key] = layout

    def __delitem__(self, key):
        return self._layouts.pop(key)

    def __len__(self):
        return len(self._layouts)

    def __iter__(self):
        return iter(self._layouts)

    @property
    def device_mesh(self):
        return self._device_mesh


def distribute_tensor(tensor, layout):
    """``tensor`` with ``layout`` (inside a compiled step: a sharding constraint).

    Example:
        >>> devices = lamina.distribution.list_devices()
        >>> mesh = lamina.distribution.DeviceMesh((len(devices),), ["batch"], devices)
        >>> layout = lamina.distribution.TensorLayout(("batch", None), mesh)
        >>> lamina.distribution.distribute_tensor(np.ones((4, 2)), layout).shape
        (4, 2)
    """
    from lamina.backend.common.keras_tensor import is_keras_tensor

    if is_keras_tensor(tensor):
        return tensor
    return _backend().distribute_tensor(tensor, layout)


def distribution():
    """The current distribution, or None (training then runs on one device).

    Example:
        >>> lamina.distribution.distribution() is None
        True
        >>> data_parallel = lamina.distribution.DataParallel()
        >>> with data_parallel.scope():
        ...     print(lamina.distribution.distribution() is data_parallel)
        True
    """
    return _CURRENT["distribution"]


def set_distribution(value):
    """Make ``value`` (a `DataParallel`, `ModelParallel` or None) the current distribution.

    Example:
        >>> lamina.distribution.set_distribution(lamina.distribution.DataParallel())
        >>> type(lamina.distribution.distribution()).__name__
        'DataParallel'
        >>> lamina.distribution.set_distribution(None)  # back to one device
    """
    if value is not None and not isinstance(value, Distribution):
        raise ValueError(
            "`set_distribution` takes a `Distribution` (e.g. `DataParallel()`) or None. "
            f"Received: {value!r}"
        )
    _CURRENT["distribution"] = value
