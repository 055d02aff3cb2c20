"""`lamina.activations`: Keras 3's activation functions, plus `get`, `serialize`, `deserialize`.

Each activation is a function of a tensor (eager or symbolic) built on `lamina.ops`. Layers take
an activation by name (``activation="relu"``), as a callable, or ``None`` (linear).

Example:
    >>> fn = lamina.activations.get("gelu")
    >>> fn(np.array([0.0, 1.0])).shape
    (2,)
"""

from __future__ import annotations

from lamina.activations.activations import (
    celu,
    elu,
    exponential,
    gelu,
    glu,
    hard_shrink,
    hard_sigmoid,
    hard_silu,
    hard_swish,
    hard_tanh,
    leaky_relu,
    linear,
    log_sigmoid,
    log_softmax,
    mish,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    soft_shrink,
    softmax,
    softplus,
    softsign,
    sparse_plus,
    sparse_sigmoid,
    sparsemax,
    squareplus,
    swish,
    tanh,
    tanh_shrink,
    threshold,
)

_BUILTINS = {
    fn.__name__: fn
    for fn in (
        celu,
        elu,
        exponential,
        gelu,
        glu,
        hard_shrink,
        hard_sigmoid,
        hard_silu,
        hard_tanh,
        leaky_relu,
        linear,
        log_sigmoid,
        log_softmax,
        mish,
        relu,
        relu6,
        selu,
        sigmoid,
        silu,
        soft_shrink,
        softmax,
        softplus,
        softsign,
        sparse_plus,
        sparse_sigmoid,
        sparsemax,
        squareplus,
        tanh,
        tanh_shrink,
        threshold,
    )
}
# Aliases resolve to the same functions, which serialize under their main names.
_ALIASES = {"swish": silu, "hard_swish": hard_silu}
_BY_NAME = {**_BUILTINS, **_ALIASES}
_NAME_OF = {fn: name for name, fn in _BUILTINS.items()}


def _valid_names() -> str:
    return ", ".join(sorted(_BY_NAME))


def serialize(activation) -> str:
    """The name that `deserialize` and `get` turn back into ``activation``.

    Example:
        >>> lamina.activations.serialize(lamina.activations.swish)
        'silu'
    """
    if activation is None:
        return "linear"
    name = _NAME_OF.get(activation)
    if name is not None:
        return name
    if hasattr(activation, "get_config"):
        from lamina.saving import serialization

        return serialization.serialize_object(activation)
    name = getattr(activation, "_registered_name", None) or getattr(activation, "__name__", None)
    if callable(activation) and name and name != "<lambda>":
        # A custom function: its registered name ("package>name", found again when loading),
        # or its name (load it back with `custom_objects={name: fn}`).
        return name
    raise ValueError(
        "`activations.serialize`: only named functions (and objects with `get_config`) can be "
        f"serialized. Received: {activation!r}. Use a `def` function instead of a lambda."
    )


def deserialize(config, custom_objects=None):
    """The activation named by ``config`` (a name or a serialized dict); custom names are looked
    up in ``custom_objects`` first.

    Example:
        >>> keras.activations.deserialize("relu") is keras.activations.relu
        True
        >>> def double_tanh(x):
        ...     return 2.0 * keras.ops.tanh(x)
        >>> fn = keras.activations.deserialize("double_tanh", {"double_tanh": double_tanh})
        >>> fn is double_tanh
        True
    """
    custom_objects = custom_objects or {}
    if isinstance(config, dict):
        inner = config.get("config")
        if isinstance(inner, str):
            config = inner
        elif config.get("class_name") in _BY_NAME or config.get("class_name") in custom_objects:
            config = config["class_name"]
        else:
            from lamina.saving import serialization

            return serialization.deserialize_object(config, custom_objects=custom_objects)
    if not isinstance(config, str):
        raise ValueError(
            f"`activations.deserialize`: expected a name or a dict. Received: {config!r}"
        )
    if config in custom_objects:
        return custom_objects[config]
    fn = _BY_NAME.get(config)
    if fn is None:
        from lamina.saving import serialization

        fn = serialization.custom_objects_in_scope().get(config) or serialization._REGISTRY.get(
            config
        )
    if fn is None:
        raise ValueError(
            f"Unknown activation {config!r}. Valid names are: {_valid_names()}. For a custom "
            "function, pass it as `custom_objects={name: fn}`."
        )
    return fn


def get(identifier):
    """An activation function from a name, a serialized dict, a callable or ``None`` (linear).

    Example:
        >>> lamina.activations.get("relu") is lamina.activations.relu
        True
    """
    if identifier is None:
        return linear
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(
        "`activations.get`: expected an activation name, a callable or None. "
        f"Received: {identifier!r}. Valid names are: {_valid_names()}."
    )


__all__ = [*sorted(_BY_NAME), "deserialize", "get", "serialize"]
