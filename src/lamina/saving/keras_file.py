"""Reading Keras 3 ``.keras`` files: a model saved by Keras runs in Lamina on any backend.

A ``.keras`` file is a zip of ``config.json`` (the architecture in Keras 3's format),
``metadata.json`` and ``model.weights.h5``. The zip is checked as untrusted input before
anything in it is read (known member names only, no links or ``..``, bounded sizes and
expansion); the config is translated to Lamina's config format and resolves only through
`lamina.saving.serialization` (Lamina's own classes and registered custom objects: nothing
is imported by name and no code runs); the HDF5 file is read with h5py, datasets only
(external, virtual and linked storage is refused).

Weights follow Keras 3's layout: ``layers/<key>/vars/0, 1, ...`` where ``<key>`` is the
snake-case class name made unique per container (``dense``, ``dense_1``: not the layer's
name), nested models under ``layers/<key>/layers/...``, and sublayers held in attributes
under ``layers/<key>/<attribute>/...``. The optimizer's state is under ``optimizer/vars``.
"""

from __future__ import annotations

import inspect
import io
import json
import os
import re
import warnings

import numpy as np

SUFFIX = ".keras"
_MEMBERS = {
    "config.json": 64 * 1024 * 1024,
    "metadata.json": 1024 * 1024,
    "model.weights.h5": None,
}

# Keras-only configuration keys that Lamina can drop when they hold these values.
_IGNORABLE = {
    "ragged": (False,),
    "optional": (False,),
    "quantization_config": (None,),
    "renorm": (False,),
    "renorm_clipping": (None,),
    "renorm_momentum": None,  # any value: only used when renorm is on (checked above)
    "lora_rank": (None,),
    "lora_alpha": (None,),
    "shared_object_id": None,
    "build_input_shape": None,
}


class KerasFileError(ValueError):
    """A ``.keras`` file that Lamina refuses or cannot translate, with the reason."""


def is_keras_file(filepath) -> bool:
    return os.fspath(filepath).endswith(SUFFIX)


def load_keras_file(filepath, custom_objects=None, compile=True, safe_mode=True):
    """The model in a Keras 3 ``.keras`` file, with its weights (and, if ``compile``, its
    compile arguments and optimizer state).

    Example:
        >>> import keras as keras3  # Keras 3 itself, to write a file
        >>> keras3_model = keras3.Sequential(
        ...     [keras3.Input((3,)), keras3.layers.Dense(2, kernel_initializer="ones")])
        >>> keras3_model.save("tiny.keras")
        >>> model = lamina.models.load_model("tiny.keras")  # calls load_keras_file
        >>> model.predict(np.ones((1, 3)), verbose=0)
        array([[3., 3.]], dtype=float32)
    """
    from lamina.saving.serialization import deserialize_object, safe_mode_scope

    filepath = os.fspath(filepath)
    members = _read_members(filepath)
    try:
        config = json.loads(members["config.json"])
        json.loads(members["metadata.json"])
    except ValueError as e:
        raise KerasFileError(f"{filepath} is damaged: a JSON member is invalid ({e}).") from None
    if not isinstance(config, dict) or "class_name" not in config:
        raise KerasFileError(f"{filepath}: config.json does not describe a model.")
    unknown = _unknown_classes(config, custom_objects)
    if unknown:
        raise KerasFileError(
            f"{filepath} uses Keras classes that Lamina does not know: {sorted(unknown)}. "
            "Pass Lamina implementations in `custom_objects={name: cls}`."
        )
    lamina_config = translate_config(config)
    with safe_mode_scope(safe_mode):
        model = deserialize_object(lamina_config, custom_objects)
    if not model.built:
        raise KerasFileError(
            f"The model in {filepath} was never built in Keras (its input shape is unknown), "
            "so its weights cannot be placed."
        )
    arrays = read_h5_arrays(members["model.weights.h5"], filepath)
    used = set()
    _load_layer_weights(model, config, "", arrays, used, filepath)
    extra = sorted(k for k in arrays if k not in used and not k.startswith("optimizer/"))
    if extra:
        raise KerasFileError(
            f"{filepath}: the weights file holds arrays that no layer of the rebuilt model "
            f"takes: {extra[:8]}."
        )
    compile_config = config.get("compile_config")
    if compile and compile_config:
        with safe_mode_scope(safe_mode):
            model.compile(**_translate_compile(compile_config, custom_objects))
        _load_optimizer(model, arrays, filepath)
    return model


# Archive ------------------------------------------------------------------------------------
def _read_members(filepath):
    from lamina.saving import archive

    try:
        return archive.read_members(
            filepath,
            members=_MEMBERS,
            required=tuple(_MEMBERS),
            kind="a .keras file",
            note=" (layers with assets, such as lookup tables, are not supported)",
        )
    except archive.ModelFileError as e:
        raise KerasFileError(str(e)) from None


def read_h5_arrays(data: bytes, source: str) -> dict[str, np.ndarray]:
    """Every dataset of an HDF5 file (given as bytes), by path; links and external or
    virtual storage are refused, and only numeric and boolean arrays are accepted."""
    import h5py

    arrays = {}
    try:
        f = h5py.File(io.BytesIO(data), "r")
    except OSError as e:
        raise KerasFileError(
            f"{source}: model.weights.h5 is not a readable HDF5 file ({e})."
        ) from None
    with f:
        stack = [("", f)]
        while stack:
            prefix, group = stack.pop()
            for key in group:
                link = group.get(key, getlink=True)
                path = f"{prefix}{key}"
                if not isinstance(link, h5py.HardLink):
                    raise KerasFileError(
                        f"{source}: model.weights.h5 entry {path!r} is a link; refused."
                    )
                item = group[key]
                if isinstance(item, h5py.Group):
                    stack.append((path + "/", item))
                    continue
                if not isinstance(item, h5py.Dataset):
                    raise KerasFileError(f"{source}: unexpected HDF5 object at {path!r}.")
                if item.is_virtual or item.external:
                    raise KerasFileError(
                        f"{source}: dataset {path!r} uses external or virtual storage; refused."
                    )
                if item.dtype.kind not in "biuf":
                    raise KerasFileError(
                        f"{source}: dataset {path!r} has dtype {item.dtype}; only numeric "
                        "arrays are read."
                    )
                arrays[path] = np.asarray(item[()])
    return arrays


# Config translation --------------------------------------------------------------------------
def _class_entries(config):
    """(class_name, registered_name, module) of every layer/model config in ``config``."""
    out = []
    if not isinstance(config, dict):
        return out
    out.append((config.get("class_name"), config.get("registered_name"), config.get("module")))
    for layer in config.get("config", {}).get("layers", []) or []:
        out.extend(_class_entries(layer))
    inner = config.get("config", {})
    for key in ("layer", "cell", "backward_layer"):
        if isinstance(inner.get(key), dict) and "class_name" in inner[key]:
            out.extend(_class_entries(inner[key]))
    return out


def _unknown_classes(config, custom_objects):
    from lamina.saving.serialization import resolve_class

    unknown = set()
    for class_name, registered, module in _class_entries(config):
        name = _lamina_class_name(class_name)
        try:
            resolve_class(name, registered, custom_objects, module=_lamina_module(module))
        except ValueError:
            unknown.add(registered or class_name)
    return unknown


def _lamina_class_name(class_name):
    return {"Functional": "Functional", "Model": "Functional"}.get(class_name, class_name)


def _lamina_module(module):
    if not module:
        return None
    parts = module.split(".")
    if parts[0] == "keras":
        parts = ["lamina"] + [p for p in parts[1:] if p != "src"]
    if len(parts) == 1:
        return "lamina.models"
    return ".".join(parts)


def translate_config(config: dict) -> dict:
    """A Keras 3 serialized layer or model config in Lamina's format."""
    class_name = _lamina_class_name(config["class_name"])
    inner = dict(config.get("config") or {})
    if class_name == "Functional":
        inner = _translate_functional(inner)
    elif class_name == "Sequential":
        inner = {
            "name": inner.get("name"),
            "trainable": inner.get("trainable", True),
            "layers": [translate_config(c) for c in inner.get("layers", [])],
        }
        inner = {k: v for k, v in inner.items() if v is not None}
    else:
        inner = _translate_layer_config(class_name, config, inner)
    out = {
        "module": _lamina_module(config.get("module")),
        "class_name": class_name,
        "config": inner,
        "registered_name": config.get("registered_name") or class_name,
    }
    build = config.get("build_config")
    if build and class_name not in ("Functional", "Sequential"):
        out["build_config"] = build
    return out


def _value(value):
    """A config value: dtype policies become their name, nested objects are translated."""
    if isinstance(value, dict):
        if value.get("class_name") in ("DTypePolicy", "FloatDTypePolicy"):
            return value.get("config", {}).get("name")
        if value.get("class_name") == "__tuple__":
            return tuple(_value(v) for v in value.get("config", {}).get("value", []))
        if "class_name" in value and "config" in value:
            entry = {
                "module": _lamina_module(value.get("module")),
                "class_name": value["class_name"],
                "config": {
                    k: _value(v) for k, v in value["config"].items() if k != "shared_object_id"
                },
                "registered_name": value.get("registered_name"),
            }
            if isinstance(value["config"], dict) and "layers" in value["config"]:
                return translate_config(value)
            return entry
        return {k: _value(v) for k, v in value.items() if k != "shared_object_id"}
    if isinstance(value, list):
        return [_value(v) for v in value]
    return value


def _accepted_arguments(cls):
    """The constructor arguments ``cls`` takes (Layer's own included when it forwards **kwargs)."""
    from lamina.layers.base import Layer

    names, forwards = set(), False
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        params = inspect.signature(init).parameters
        names.update(p for p in params if p != "self")
        if not any(p.kind is p.VAR_KEYWORD for p in params.values()):
            break
        forwards = True
        if klass is Layer:
            break
    if forwards:
        names.update({"input_shape", "batch_input_shape", "input_dim", "batch_size"})
    names.discard("kwargs")
    return names


def _translate_layer_config(class_name, config, inner):
    from lamina.saving.serialization import resolve_class

    try:
        cls = resolve_class(
            class_name,
            config.get("registered_name"),
            module=_lamina_module(config.get("module")),
        )
    except ValueError:
        return {k: _value(v) for k, v in inner.items()}
    if "from_config" in cls.__dict__ and "get_config" in cls.__dict__:
        accepted = None  # the class reads its own config (e.g. wrappers with a nested layer)
    else:
        accepted = _accepted_arguments(cls)
    out = {}
    for key, value in inner.items():
        if accepted is not None and key not in accepted:
            allowed = _IGNORABLE.get(key, ())
            if key in _IGNORABLE and (allowed is None or value in allowed):
                continue
            if value is None or value is False:
                continue
            raise KerasFileError(
                f"Layer {inner.get('name')!r} ({class_name}) uses the Keras argument "
                f"{key}={value!r}, which Lamina's {class_name} does not support."
            )
        out[key] = _value(value)
    if inner.get("renorm"):
        raise KerasFileError(
            f"Layer {inner.get('name')!r} uses batch renormalization (renorm=True), which Lamina "
            "does not support."
        )
    return out


_TENSOR = "__lamina_tensor__"


def _is_history(value):
    return (
        isinstance(value, list)
        and len(value) == 3
        and isinstance(value[0], str)
        and isinstance(value[1], int)
        and isinstance(value[2], int)
    )


def _translate_functional(inner):
    """Keras's ``layers`` with ``inbound_nodes`` and ``keras_history`` references become
    Lamina's layer list plus nodes in topological order with ``{"__lamina_tensor__": ...}``."""
    layer_configs = inner.get("layers", [])
    input_names = [c["config"]["name"] for c in layer_configs if c["class_name"] == "InputLayer"]
    position = {(name, 0): i for i, name in enumerate(input_names)}  # (layer, node) -> position
    pending = []
    for c in layer_configs:
        if c["class_name"] == "InputLayer":
            continue
        for node_index, node in enumerate(c.get("inbound_nodes", [])):
            pending.append((c["config"]["name"], node_index, node))

    def refs(value, found):
        if isinstance(value, dict):
            if value.get("class_name") == "__keras_tensor__":
                name, node_index, _ = value["config"]["keras_history"]
                found.append((name, node_index))
                return
            for v in value.values():
                refs(v, found)
        elif isinstance(value, list):
            for v in value:
                refs(v, found)

    def encode(value):
        if isinstance(value, dict):
            if value.get("class_name") == "__keras_tensor__":
                name, node_index, tensor_index = value["config"]["keras_history"]
                return {_TENSOR: [position[(name, node_index)], tensor_index]}
            return {k: encode(v) for k, v in value.items()}
        if isinstance(value, list):
            return [encode(v) for v in value]
        return value

    nodes = []
    while pending:
        progressed = False
        for item in list(pending):
            name, node_index, node = item
            found = []
            refs(node, found)
            if all(key in position for key in found):
                position[(name, node_index)] = len(input_names) + len(nodes)
                args = node.get("args", [])
                nodes.append(
                    {
                        "layer": name,
                        "args": encode(args),
                        "kwargs": encode(node.get("kwargs", {})),
                    }
                )
                pending.remove(item)
                progressed = True
        if not progressed:
            missing = sorted({n for n, _, _ in pending})
            raise KerasFileError(
                f"Functional model {inner.get('name')!r}: the graph cannot be ordered; layers "
                f"{missing} depend on tensors that no layer produces."
            )

    def endpoints(value):
        if _is_history(value):
            name, node_index, tensor_index = value
            return {_TENSOR: [position[(name, node_index)], tensor_index]}
        if isinstance(value, dict):
            return {k: endpoints(v) for k, v in value.items()}
        return [endpoints(v) for v in value]

    layers = []
    for c in layer_configs:
        c = {k: v for k, v in c.items() if k not in ("inbound_nodes", "name")}
        layers.append(translate_config(c))
    return {
        "name": inner.get("name"),
        "trainable": inner.get("trainable", True),
        "layers": layers,
        "nodes": nodes,
        "inputs": endpoints(inner["input_layers"]),
        "outputs": endpoints(inner["output_layers"]),
        "input_layers": input_names,
    }


# Weights --------------------------------------------------------------------------------------
def _snake(name):
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
    return name


def _keras_own_variables(layer):
    own = [v for v in layer._own_variables]
    trainable = [v for v in own if v.trainable]
    return trainable + [v for v in own if not v.trainable]


def _load_layer_weights(layer, keras_config, prefix, arrays, used, filepath):
    """Assign ``layer``'s variables from ``arrays``, walking Keras's saving layout; the
    container keys come from Keras's own layer order in ``keras_config``."""
    from lamina.layers.base import Layer

    variables = _keras_own_variables(layer)
    for i, v in enumerate(variables):
        key = f"{prefix}vars/{i}"
        if key not in arrays:
            raise KerasFileError(
                f"{filepath}: no saved value for {v.path!r} (expected {key!r} in the weights file)."
            )
        value = arrays[key]
        if tuple(value.shape) != tuple(v.shape):
            raise KerasFileError(
                f"{filepath}: {key!r} has shape {tuple(value.shape)}, but {v.path!r} has shape "
                f"{tuple(v.shape)}."
            )
        v.assign(value.astype(v.dtype) if str(value.dtype) != v.dtype else value)
        used.add(key)
    class_name = keras_config.get("class_name") if keras_config else None
    if class_name in ("Functional", "Model", "Sequential"):
        by_name = {sub.name: sub for sub in _all_sublayers(layer)}
        counts = {}
        for sub_config in keras_config["config"].get("layers", []):
            if class_name == "Sequential" and sub_config["class_name"] == "InputLayer":
                continue
            key = _snake(sub_config["class_name"])
            if key in counts:
                counts[key] += 1
                key = f"{key}_{counts[key]}"
            else:
                counts[key] = 0
            sub = by_name.get(sub_config["config"].get("name"))
            if sub is not None:
                sub_prefix = f"{prefix}layers/{key}/"
                _load_layer_weights(sub, sub_config, sub_prefix, arrays, used, filepath)
        return
    for attr, value in layer.__dict__.items():
        if isinstance(value, Layer):
            inner = (keras_config or {}).get("config", {}).get(attr)
            inner = inner if isinstance(inner, dict) and "class_name" in inner else None
            _load_layer_weights(value, inner, f"{prefix}{attr}/", arrays, used, filepath)


def _all_sublayers(model):
    layers = list(model.layers)
    if hasattr(model, "_layers_list"):
        layers += [x for x in model._layers_list if all(x is not y for y in layers)]
    return layers


def _translate_compile(compile_config, custom_objects):
    from lamina.saving.serialization import deserialize_object

    def decode(value):
        if isinstance(value, dict) and "class_name" in value and "config" in value:
            translated = _value(value)
            cls_name = translated["class_name"]
            inner = translated["config"]
            if translated.get("module", "") and "optimizers" in translated["module"]:
                from lamina.saving.serialization import resolve_class

                cls = resolve_class(cls_name, None, custom_objects, module="lamina.optimizers")
                accepted = _accepted_arguments(cls)
                inner = {k: v for k, v in inner.items() if k in accepted or v not in (None,)}
                translated["config"] = inner
            return deserialize_object(translated, custom_objects)
        if isinstance(value, list):
            return [decode(v) for v in value]
        if isinstance(value, dict):
            return {k: decode(v) for k, v in value.items()}
        return value

    out = {}
    for key in ("optimizer", "loss", "loss_weights", "metrics", "weighted_metrics"):
        if compile_config.get(key) is not None:
            out[key] = decode(compile_config[key])
    if "steps_per_execution" in compile_config:
        out["steps_per_execution"] = compile_config["steps_per_execution"]
    return out


def _load_optimizer(model, arrays, filepath):
    saved = sorted(
        (k for k in arrays if k.startswith("optimizer/vars/")), key=lambda k: int(k.split("/")[-1])
    )
    if not saved:
        return
    optimizer = model.optimizer
    if not optimizer.built:
        optimizer.build(model.trainable_variables)
        optimizer.built = True
    variables = optimizer.variables
    values = [arrays[k] for k in saved]
    if len(values) != len(variables) or any(
        tuple(a.shape) != tuple(v.shape) for a, v in zip(values, variables)
    ):
        # As Keras does: an optimizer saved before it was built (or another kind) starts fresh.
        warnings.warn(
            f"{filepath}: the saved optimizer state ({len(values)} arrays) does not match "
            f"Lamina's {type(optimizer).__name__} ({len(variables)} variables); the optimizer "
            "starts from a fresh state.",
            stacklevel=3,
        )
        return
    for v, a in zip(variables, values):
        v.assign(np.asarray(a, dtype=v.dtype))
