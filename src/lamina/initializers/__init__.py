"""`lamina.initializers`: how weights get their first values.

Random initializers sample on the host with NumPy and convert once to the active backend, so a
given seed gives bit-identical float32 weights on every backend (see `random_initializers`).
Names follow Keras 3: classes (``GlorotUniform``) and snake-case names (``"glorot_uniform"``).
"""

from __future__ import annotations

import inspect

import numpy as np

from lamina.initializers.constant_initializers import Constant, Identity, Ones, Zeros
from lamina.initializers.initializer import Initializer
from lamina.initializers.random_initializers import (
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    RandomInitializer,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    compute_fans,
)

ALL_OBJECTS = (
    Initializer,
    Constant,
    Identity,
    Ones,
    Zeros,
    GlorotNormal,
    GlorotUniform,
    HeNormal,
    HeUniform,
    LecunNormal,
    LecunUniform,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
)

_SNAKE_NAMES = {
    Initializer: "initializer",
    Constant: "constant",
    Identity: "identity",
    Ones: "ones",
    Zeros: "zeros",
    GlorotNormal: "glorot_normal",
    GlorotUniform: "glorot_uniform",
    HeNormal: "he_normal",
    HeUniform: "he_uniform",
    LecunNormal: "lecun_normal",
    LecunUniform: "lecun_uniform",
    Orthogonal: "orthogonal",
    RandomNormal: "random_normal",
    RandomUniform: "random_uniform",
    TruncatedNormal: "truncated_normal",
    VarianceScaling: "variance_scaling",
}

ALL_OBJECTS_DICT = {cls.__name__: cls for cls in ALL_OBJECTS}
ALL_OBJECTS_DICT.update({name: cls for cls, name in _SNAKE_NAMES.items()})
ALL_OBJECTS_DICT.update(
    {
        # Aliases Keras 3 accepts.
        "IdentityInitializer": Identity,
        "OrthogonalInitializer": Orthogonal,
        "normal": RandomNormal,
        "uniform": RandomUniform,
        "one": Ones,
        "zero": Zeros,
    }
)

# Keras 3's lower-case aliases: `lamina.initializers.glorot_uniform(seed=1)`.
constant = Constant
identity = Identity
ones = Ones
zeros = Zeros
glorot_normal = GlorotNormal
glorot_uniform = GlorotUniform
he_normal = HeNormal
he_uniform = HeUniform
lecun_normal = LecunNormal
lecun_uniform = LecunUniform
orthogonal = Orthogonal
random_normal = RandomNormal
random_uniform = RandomUniform
truncated_normal = TruncatedNormal
variance_scaling = VarianceScaling
IdentityInitializer = Identity
OrthogonalInitializer = Orthogonal

_MODULE = "keras.initializers"  # the module name Keras 3 writes, so configs load in either


def serialize(initializer) -> dict | None:
    """The initializer as a config dict: ``{"module", "class_name", "config", "registered_name"}``.

    Example:
        >>> print(lamina.initializers.serialize(lamina.initializers.Ones())["class_name"])
        Ones
    """
    if initializer is None:
        return None
    if not hasattr(initializer, "get_config"):
        raise ValueError(
            "`initializers.serialize` needs an `Initializer` (an object with `get_config`). "
            f"Received: {initializer!r}"
        )
    cls = type(initializer)
    if ALL_OBJECTS_DICT.get(cls.__name__) is not cls:
        from lamina.saving import serialize_object

        return serialize_object(initializer)
    return {
        "module": _MODULE,
        "class_name": cls.__name__,
        "config": initializer.get_config(),
        "registered_name": None,
    }


def deserialize(config, custom_objects: dict | None = None):
    """Rebuilds an initializer from `serialize`'s output, a Keras 3 config or a name.

    Args:
        config: a dict with ``class_name`` and ``config``, or a name such as ``"he_normal"``.
        custom_objects: extra classes by name, for initializers defined by the user.

    Example:
        >>> config = lamina.initializers.serialize(lamina.initializers.RandomNormal(seed=1))
        >>> lamina.initializers.deserialize(config)
        RandomNormal(seed=1, mean=0.0, stddev=0.05)
    """
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(
            "`initializers.deserialize` needs a dict with 'class_name' and 'config', or a name. "
            f"Received: {config!r}"
        )
    name, registered = config["class_name"], config.get("registered_name")
    cls = next((custom_objects[k] for k in (registered, name) if k in (custom_objects or {})), None)
    if cls is None and registered in (None, name):
        cls = ALL_OBJECTS_DICT.get(name)
    if cls is None:
        cls = _resolve_registered(name, registered)
    if cls is None:
        raise ValueError(
            f"Unknown initializer: {name!r}. Valid names are {_snake_names()} and their CamelCase "
            "class names. Pass user classes with `custom_objects` or register them with "
            "`lamina.saving.register_serializable`."
        )
    return cls.from_config(config.get("config") or {})


def _snake_names() -> str:
    return ", ".join(sorted(n for n in ALL_OBJECTS_DICT if n.islower()))


def _resolve_registered(name, registered):
    """A class registered with `lamina.saving` (or in its custom object scope), else None."""
    from lamina.saving import serialization

    try:
        return serialization.resolve_class(name, registered)
    except ValueError:
        return None


def get(identifier):
    """An initializer from a name, a config dict, an instance, a class, a callable or an array.

    Strings are class names or snake-case names (``"glorot_uniform"``); a class is instantiated
    with no arguments; a callable ``(shape, dtype=None)`` is returned as is; an array or tensor
    becomes an initializer that returns it (the requested shape must match).

    Example:
        >>> print(type(lamina.initializers.get("he_normal")).__name__)
        HeNormal
    """
    if identifier is None:
        return None
    if isinstance(identifier, (dict, str)):
        return deserialize(identifier)
    if inspect.isclass(identifier):
        return identifier()
    if isinstance(identifier, (np.ndarray, np.generic)) or _is_backend_tensor(identifier):
        return _ValueInitializer(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(
        "Could not interpret initializer identifier: expected a name, a config dict, an "
        f"`Initializer`, a class, a callable `(shape, dtype=None)` or an array. "
        f"Received: {identifier!r}"
    )


class _ValueInitializer:
    """Returns a fixed array (cast to the requested dtype); made by `get` from an array."""

    def __init__(self, value):
        self.value = value

    def __call__(self, shape, dtype=None):
        from lamina.backend import cast, convert_to_tensor, standardize_dtype

        value_shape = tuple(getattr(self.value, "shape", np.shape(self.value)))
        if tuple(shape) != value_shape:
            raise ValueError(
                f"An array used as initializer has shape {value_shape}, "
                f"but the weight has shape {tuple(shape)}."
            )
        return cast(convert_to_tensor(self.value), standardize_dtype(dtype))


def _is_backend_tensor(x) -> bool:
    from lamina.backend import is_tensor

    return is_tensor(x)


__all__ = [
    "ALL_OBJECTS",
    "ALL_OBJECTS_DICT",
    "Constant",
    "GlorotNormal",
    "GlorotUniform",
    "HeNormal",
    "HeUniform",
    "Identity",
    "Initializer",
    "LecunNormal",
    "LecunUniform",
    "Ones",
    "Orthogonal",
    "RandomInitializer",
    "RandomNormal",
    "RandomUniform",
    "TruncatedNormal",
    "VarianceScaling",
    "Zeros",
    "IdentityInitializer",
    "OrthogonalInitializer",
    "compute_fans",
    "constant",
    "deserialize",
    "get",
    "glorot_normal",
    "glorot_uniform",
    "he_normal",
    "he_uniform",
    "identity",
    "lecun_normal",
    "lecun_uniform",
    "ones",
    "orthogonal",
    "random_normal",
    "random_uniform",
    "serialize",
    "truncated_normal",
    "variance_scaling",
    "zeros",
]
