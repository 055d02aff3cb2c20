"""`model.save("model.lamina")` and `lamina.models.load_model`: one zip file for a model.

The file holds ``config.json`` (the architecture and the compile arguments), ``metadata.json``
(Lamina version, backend, date), ``model.weights.safetensors`` and, for a compiled model whose
optimizer has state, ``optimizer.weights.safetensors``. Nothing in it is executable: configs
resolve only to Lamina's own classes and registered custom objects, and arrays are safetensors.
The file goes through `lamina.saving.atomic` (write aside, fsync, rename), so a failed or
killed save leaves any earlier file intact, and loading checks the archive as untrusted input
(`lamina.saving.archive`).
"""

from __future__ import annotations

import datetime
import json
import os
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


def _arrays_chunks(variables):
    from lamina.saving import safetensors_io

    return safetensors_io.encode({f"{i:05d}:{v.path}": v.numpy() for i, v in enumerate(variables)})


def _read_arrays(data: bytes, source: str):
    from lamina.saving import safetensors_io

    arrays, _ = safetensors_io.parse(data, source)
    return [arrays[k] for k in sorted(arrays)]


def _write_member(zf, name, chunks, compress):
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    with zf.open(info, "w", force_zip64=True) as member:
        for chunk in chunks:
            member.write(chunk)


def save_model(model, filepath, overwrite=True):
    """Write ``model`` (architecture, weights, compile state) to ``filepath``.

    Example:
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2)])
        >>> lamina.saving.save_model(model, "model.lamina")
        >>> restored = lamina.models.load_model("model.lamina")
        >>> x = np.ones((1, 3))
        >>> bool(np.array_equal(restored.predict(x, verbose=0), model.predict(x, verbose=0)))
        True
    """
    import lamina
    from lamina.saving.atomic import atomic_file
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
    optimizer = getattr(model, "optimizer", None)
    with atomic_file(filepath) as f, zipfile.ZipFile(f, "w") as zf:
        _write_member(zf, "config.json", [json.dumps(config, indent=1).encode()], True)
        _write_member(zf, "metadata.json", [json.dumps(metadata, indent=1).encode()], True)
        # Arrays are stored uncompressed: float weights barely compress, and stored members
        # can be checked against the file's size before reading.
        _write_member(zf, "model.weights.safetensors", _arrays_chunks(model.weights), False)
        if model.compiled and optimizer is not None and optimizer.built:
            chunks = _arrays_chunks(optimizer.variables)
            _write_member(zf, "optimizer.weights.safetensors", chunks, False)


def load_model(filepath, custom_objects=None, compile=True, safe_mode=True):
    """A model saved by `Model.save`, with its weights and, if ``compile``, its optimizer state.
    A path ending in ``.keras`` is read as a Keras 3 file (`lamina.saving.keras_file`).

    The file is checked before anything in it is used (see `lamina.saving.archive`): a
    damaged or crafted file raises ``ValueError`` saying what is wrong with it.

    Example:
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2)])
        >>> model.compile(optimizer="adam", loss="mse")
        >>> model.save("model.lamina")
        >>> restored = lamina.models.load_model("model.lamina")
        >>> type(restored.optimizer).__name__, restored.output_shape
        ('Adam', (None, 2))
    """
    from lamina.saving import archive, keras_file
    from lamina.saving.serialization import deserialize_object, safe_mode_scope

    if keras_file.is_keras_file(filepath):  # a model file written by Keras 3
        return keras_file.load_keras_file(
            filepath, custom_objects, compile=compile, safe_mode=safe_mode
        )
    filepath = _check_suffix(filepath)
    members = archive.read_members(filepath)
    try:
        config = json.loads(members["config.json"])
        json.loads(members["metadata.json"])
    except ValueError as e:
        raise archive.ModelFileError(
            f"{filepath} is damaged: a JSON member is invalid ({e})."
        ) from None
    if not isinstance(config, dict) or not isinstance(config.get("model"), dict):
        raise archive.ModelFileError(f"{filepath} is damaged: config.json has no 'model' entry.")
    weights = _read_arrays(members["model.weights.safetensors"], f"{filepath}: model weights")
    optimizer_values = None
    if "optimizer.weights.safetensors" in members:
        optimizer_values = _read_arrays(
            members["optimizer.weights.safetensors"], f"{filepath}: optimizer state"
        )
    with safe_mode_scope(safe_mode):
        model = deserialize_object(config["model"], custom_objects)
    if not model.built:
        raise ValueError(
            f"The model in {filepath} is a subclassed model whose input shape is unknown (it "
            "was never called on data before saving); rebuild it in code and use "
            "`load_weights` instead."
        )
    _check_arrays(filepath, "model weights", model.weights, weights)
    for v, value in zip(model.weights, weights):
        v.assign(value)
    if compile and "compile" in config:
        with safe_mode_scope(safe_mode):
            model.compile(**_deserialize_compile(config["compile"], custom_objects))
        if optimizer_values is not None:
            optimizer = model.optimizer
            optimizer.build(model.trainable_variables)
            optimizer.built = True
            _check_arrays(filepath, "optimizer state", optimizer.variables, optimizer_values)
            for v, value in zip(optimizer.variables, optimizer_values):
                v.assign(np.asarray(value))
    return model


def _check_arrays(filepath, what, variables, arrays):
    """Every saved array must match the variable that the config rebuilt: count, shape, dtype."""
    from lamina.saving.archive import ModelFileError

    if len(variables) != len(arrays):
        raise ModelFileError(
            f"{filepath}: the {what} hold {len(arrays)} arrays, but the model that its config "
            f"describes has {len(variables)} variables there."
        )
    for v, value in zip(variables, arrays):
        if tuple(value.shape) != tuple(v.shape) or str(value.dtype) != v.dtype:
            raise ModelFileError(
                f"{filepath}: the {what} hold an array of shape {tuple(value.shape)} and dtype "
                f"{value.dtype} for {v.path!r}, whose config gives shape {tuple(v.shape)} and "
                f"dtype {v.dtype}."
            )


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
    """A new model (fresh weights) from the architecture that `Model.to_json` wrote.

    Example:
        >>> model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2)])
        >>> clone = lamina.models.model_from_json(model.to_json())
        >>> clone.output_shape, [tuple(w.shape) for w in clone.weights]
        ((None, 2), [(3, 2), (2,)])
    """
    from lamina.saving.serialization import deserialize_object

    try:
        config = json.loads(json_string)
    except ValueError as e:
        raise ValueError(f"`model_from_json` expects a JSON string: {e}") from None
    return deserialize_object(config, custom_objects)
