"""`Model.save_weights` / `load_weights`: a model's weights in a ``.weights.safetensors`` file."""

from __future__ import annotations

import numpy as np

from lamina.saving import safetensors_io

SUFFIX = ".weights.safetensors"


def _keys(layer):
    """One unique key per weight: its path, numbered where paths repeat."""
    keys, seen = [], {}
    for v in layer.weights:
        count = seen.get(v.path, 0)
        seen[v.path] = count + 1
        keys.append(v.path if count == 0 else f"{v.path}:{count}")
    return keys


def _check_suffix(filepath):
    filepath = str(filepath)
    if not filepath.endswith(SUFFIX):
        raise ValueError(
            f"Weights files must end in {SUFFIX!r} (a safetensors file, which cannot run code "
            f"when loaded). Received: filepath={filepath!r}"
        )
    return filepath


def save_weights(layer, filepath, overwrite=True):
    """Write the weights of a built model (or layer) to a ``.weights.safetensors`` file.

    Example:
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2)])
        >>> lamina.saving.save_weights(model, "model.weights.safetensors")
        >>> import os
        >>> os.path.exists("model.weights.safetensors")
        True
    """
    import os

    filepath = _check_suffix(filepath)
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath} exists and overwrite=False.")
    if not layer.built:
        raise ValueError(
            f"Model {layer.name!r} has no weights yet: build it (call it on data) before saving."
        )
    arrays = {k: v.numpy() for k, v in zip(_keys(layer), layer.weights)}
    safetensors_io.write(filepath, arrays, {"format": "lamina-weights", "model": layer.name})


def load_weights(layer, filepath):
    """Set the weights of ``layer`` from a file that `save_weights` wrote.

    Weights match by path, or by order when the paths differ (the same architecture built
    under other automatic names); every shape must match.

    Example:
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2)])
        >>> lamina.saving.save_weights(model, "model.weights.safetensors")
        >>> other = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2)])
        >>> lamina.saving.load_weights(other, "model.weights.safetensors")
        >>> bool(np.array_equal(other.weights[0].numpy(), model.weights[0].numpy()))
        True
    """
    filepath = _check_suffix(filepath)
    arrays, _ = safetensors_io.read(filepath)
    weights = layer.weights
    keys = _keys(layer)
    if set(keys) != set(arrays):
        # Same architecture under other automatic names (dense_3 vs dense): match by order.
        if len(arrays) != len(weights):
            raise ValueError(
                f"{filepath} holds {len(arrays)} weights, but model {layer.name!r} has "
                f"{len(weights)}. Missing here: {sorted(set(arrays) - set(keys))[:5]}"
            )
        values = list(arrays.values())
    else:
        values = [arrays[k] for k in keys]
    for v, value in zip(weights, values):
        if tuple(np.shape(value)) != tuple(v.shape):
            raise ValueError(
                f"Weight {v.path!r} of model {layer.name!r} has shape {v.shape}, but the file "
                f"{filepath} holds shape {tuple(np.shape(value))} for it."
            )
    for v, value in zip(weights, values):
        v.assign(value)
