"""`model.save("model.lamina")` and `lamina.models.load_model`: one zip file for a model.

The file holds ``config.json`` (the architecture and the compile arguments), ``metadata.json``
(Lamina version, backend, date), ``model.weights.safetensors`` and, for a compiled model whose
optimizer has state, ``optimizer.weights.safetensors``. Nothing in it is executable: configs
resolve only to Lamina's own classes and registered custom objects, and arrays are safetensors.
The file is written to a temporary name and renamed at the end, so a failed save leaves any
earlier file intact.
"""

from __future__ import annotations

import datetime
import json
import os
import tempfile
import zipfile

import numpy as np

SUFFIX = ".lamina"


def _check_suffix(filepath):
    filepath = os.fspath(filepath)
    if not filepath.endswith(SUFFIX):
        raise ValueError(
            f"Lamina model files end in {SUFFIX!r} (e.g. 'model.lamina'); for weights only use "
            f"`save_weights('x.weights.safetensors')`. Received: filepath={filepath!r}"
        )
    return filepath


def _arrays_bytes(variables, metadata):
    from lamina.saving import safetensors_io

    arrays = {f"{i:05d}:{v.path}": v.numpy() for i, v in enumerate(variables)}
    fd, tmp = tempfile.mkstemp(suffix=".safetensors")
    os.close(fd)
    try:
        safetensors_io.write(tmp, arrays, metadata)
        with open(tmp, "rb") as f:
            return f.read()
    finally:
        os.remove(tmp)


def _read_arrays(data: bytes):
    from lamina.saving import safetensors_io

    fd, tmp = tempfile.mkstemp(suffix=".safetensors")
    os.close(fd)
    try:
        with open(tmp, "wb") as f:
            f.write(data)
        arrays, _ = safetensors_io.read(tmp)
    finally:
        os.remove(tmp)
    return [arrays[k] for k in sorted(arrays)]


def save_model(model, filepath, overwrite=True):
    """Write ``model`` (architecture, weights, compile state) to ``filepath``."""
    import lamina
    from lamina.saving.serialization import serialize_object

    filepath = _check_suffix(filepath)
    if not overwrite and os.path.exists(filepath):
        raise FileExistsError(f"{filepath} exists and overwrite=False.")
    if not model.built:
        raise ValueError(
            f"Model {model.name!r} is not built, so it has no weights to save: call it on data "
            "(or `fit` it) first."
        )
    config = {"model": serialize_object(model)}
    if model.compiled:
        config["compile"] = model._compile_config
    metadata = {
        "lamina_version": lamina.__version__,
        "backend": lamina.backend.backend(),
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
    folder = os.path.dirname(os.path.abspath(filepath))
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=SUFFIX, dir=folder)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("config.json", json.dumps(config, indent=1))
            zf.writestr("metadata.json", json.dumps(metadata, indent=1))
            zf.writestr("model.weights.safetensors", _arrays_bytes(model.weights, None))
            optimizer = getattr(model, "optimizer", None)
            if model.compiled and optimizer is not None and optimizer.built:
                zf.writestr(
                    "optimizer.weights.safetensors", _arrays_bytes(optimizer.variables, None)
                )
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())  # on disk before the rename makes it current
        os.replace(tmp, filepath)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """A model saved by `Model.save`, with its weights and, if ``compile``, its optimizer state."""
    from lamina.saving.serialization import deserialize_object, safe_mode_scope

    filepath = _check_suffix(filepath)
    if not zipfile.is_zipfile(filepath):
        raise ValueError(f"{filepath} is not a Lamina model file (not a zip archive).")
    with zipfile.ZipFile(filepath) as zf:
        names = set(zf.namelist())
        for required in ("config.json", "model.weights.safetensors"):
            if required not in names:
                raise ValueError(f"{filepath} is not a Lamina model file: {required} is missing.")
        config = json.loads(zf.read("config.json"))
        weights = _read_arrays(zf.read("model.weights.safetensors"))
        optimizer_values = (
            _read_arrays(zf.read("optimizer.weights.safetensors"))
            if "optimizer.weights.safetensors" in names
            else None
        )
    with safe_mode_scope(safe_mode):
        model = deserialize_object(config["model"], custom_objects)
    if not model.built:
        raise ValueError(
            f"The model in {filepath} is a subclassed model without a known input shape; "
            "rebuild it in code and use `load_weights` instead."
        )
    model.set_weights(weights)
    if compile and "compile" in config:
        with safe_mode_scope(safe_mode):
            model.compile(**_deserialize_compile(config["compile"], custom_objects))
        if optimizer_values is not None:
            optimizer = model.optimizer
            optimizer.build(model.trainable_variables)
            optimizer.built = True
            variables = optimizer.variables
            if len(variables) != len(optimizer_values):
                raise ValueError(
                    f"{filepath}: the optimizer state holds {len(optimizer_values)} variables, "
                    f"but the rebuilt optimizer has {len(variables)}."
                )
            for v, value in zip(variables, optimizer_values):
                v.assign(np.asarray(value))
    return model


def serialize_compile_arg(value):
    """Compile arguments as JSON: names stay names, objects become configs."""
    from lamina.saving.serialization import serialize_object

    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, (list, tuple)):
        return [serialize_compile_arg(v) for v in value]
    if isinstance(value, dict):
        return {k: serialize_compile_arg(v) for k, v in value.items()}
    if hasattr(value, "get_config"):
        return serialize_object(value)
    name = getattr(value, "__name__", None)
    if name:
        return {"__function__": name}
    raise TypeError(f"Cannot save the compile argument {value!r}.")


def _deserialize_compile(config, custom_objects):
    from lamina.saving.serialization import deserialize_object

    def decode(value):
        if isinstance(value, dict) and "class_name" in value and "config" in value:
            return deserialize_object(value, custom_objects)
        if isinstance(value, dict) and "__function__" in value:
            return value["__function__"]
        if isinstance(value, list):
            return [decode(v) for v in value]
        if isinstance(value, dict):
            return {k: decode(v) for k, v in value.items()}
        return value

    return {k: decode(v) for k, v in config.items()}


def model_from_json(json_string, custom_objects=None):
    """A new model (fresh weights) from the architecture that `Model.to_json` wrote."""
    from lamina.saving.serialization import deserialize_object

    try:
        config = json.loads(json_string)
    except ValueError as e:
        raise ValueError(f"`model_from_json` expects a JSON string: {e}") from None
    return deserialize_object(config, custom_objects)
