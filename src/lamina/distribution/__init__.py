"""`lamina.distribution`: data- and model-parallel training with Keras 3's API.

    with lamina.distribution.DataParallel().scope():
        model.fit(x, y, batch_size=256)   # 256 = the global batch, split between devices

JAX splits the batch over its devices (`ModelParallel` also shards variables by path);
PyTorch runs one process per device under `torchrun` (`initialize()` joins them);
TensorFlow runs `tf.distribute.MirroredStrategy` (one machine) or
`MultiWorkerMirroredStrategy` (``TF_CONFIG``). See ``docs`` / the README for launch commands.
"""

from lamina.distribution.distribution_lib import (
    DataParallel,
    DeviceMesh,
    Distribution,
    LayoutMap,
    ModelParallel,
    TensorLayout,
    distribute_tensor,
    distribution,
    get_device_count,
    initialize,
    list_devices,
    num_processes,
    process_id,
    set_distribution,
)

__all__ = [
    "DataParallel",
    "DeviceMesh",
    "Distribution",
    "LayoutMap",
    "ModelParallel",
    "TensorLayout",
    "distribute_tensor",
    "distribution",
    "get_device_count",
    "initialize",
    "list_devices",
    "num_processes",
    "process_id",
    "set_distribution",
]
