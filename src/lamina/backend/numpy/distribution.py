"""NumPy (inference only): one process on one device, so a distribution changes nothing."""

from __future__ import annotations

from lamina.distribution.runner import Runner  # noqa: F401  (the single-device defaults)


def list_devices(device_type=None):
    if device_type not in (None, "cpu"):
        return []
    return ["cpu:0"]


def initialize(job_addresses, num_processes, process_id):
    if (num_processes or 1) > 1:
        raise RuntimeError(
            "The NumPy backend runs in one process; multi-process runs need "
            "LAMINA_BACKEND=jax, torch or tensorflow."
        )


def num_processes():
    return 1


def process_id():
    return 0


def to_backend_mesh(device_mesh):
    return device_mesh.devices


def to_backend_layout(layout):
    return layout.axes


def distribute_tensor(tensor, layout):
    return tensor
