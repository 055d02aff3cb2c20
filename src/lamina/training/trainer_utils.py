"""Small helpers of `Trainer`'s fit/evaluate/predict: argument handling and result formatting."""

from __future__ import annotations

import numpy as np

from lamina import backend
from lamina.backend import active
from lamina.utils import tree


def batch_to_backend(batch, keep_numpy=False):
    """``batch`` with its leaves as backend tensors; with ``keep_numpy``, NumPy arrays stay as
    they are (for compiled steps of a backend that takes them; see `Trainer._step_input`)."""
    device = _accelerator_device()

    def convert(leaf):
        if leaf is None:
            return leaf
        if backend.is_tensor(leaf):
            # A CPU tensor from a generator or DataLoader goes to the accelerator.
            return leaf if device is None else leaf.to(device)
        if isinstance(leaf, np.ndarray):
            return leaf if keep_numpy else backend.convert_to_tensor(leaf)
        if hasattr(leaf, "numpy"):
            return backend.convert_to_tensor(backend.convert_to_numpy(leaf))
        return backend.convert_to_tensor(np.asarray(leaf))

    if type(batch) is tuple and all(type(p) is np.ndarray or p is None for p in batch):
        # Arrays (the usual case): no tree walk.
        return batch if keep_numpy else tuple(convert(p) for p in batch)
    return tree.map_structure(convert, batch)


def _accelerator_device():
    """The torch device batches must move to, or None when tensors stay where they are."""
    if backend.backend() != "torch":
        return None
    device = active.core.default_device()
    return None if device.type == "cpu" else device


def _first_dim(x):
    leaf = tree.flatten(x)[0]
    return int(np.shape(leaf)[0]) if np.ndim(leaf) else 1


def _unpack_validation(validation_data):
    if isinstance(validation_data, (tuple, list)) and len(validation_data) in (2, 3):
        if len(validation_data) == 2:
            return validation_data[0], validation_data[1], None
        return tuple(validation_data)
    return validation_data, None, None


def _should_validate(epoch, freq):
    if isinstance(freq, int):
        return (epoch + 1) % freq == 0
    return epoch + 1 in freq


def _format_results(logs, names, return_dict):
    if return_dict:
        return logs
    values = [logs[n] for n in names if n in logs]
    values += [v for k, v in logs.items() if k not in names]
    return values[0] if len(values) == 1 else values
