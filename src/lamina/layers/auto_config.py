"""A layer's config recorded from its constructor arguments, for subclasses that define no
`get_config` of their own (Keras 3 does the same for plain arguments)."""

from __future__ import annotations

import inspect


def auto_config(layer) -> dict:
    """A subclass's constructor arguments, recorded at construction, when they are plain
    values (numbers, strings, lists, dicts); otherwise the subclass must define get_config."""
    own = _own_init_params(type(layer))
    if not own:
        return {}
    args, kwargs = layer.__dict__.get("_init_args", ((), {}))
    try:
        bound = inspect.signature(type(layer).__init__).bind(layer, *args, **kwargs)
    except TypeError:
        bound = None
    values = {} if bound is None else {k: v for k, v in bound.arguments.items() if k in own}
    bad = [k for k, v in values.items() if not _is_plain(v)]
    if bad or bound is None:
        raise TypeError(
            f"Layer {type(layer).__name__} takes constructor arguments {own} that Lamina cannot "
            f"record automatically ({bad or own}); define `get_config()` returning them "
            "(merged with `super().get_config()`) so the layer can be saved or cloned."
        )
    return values


def _is_plain(value) -> bool:
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_is_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _is_plain(v) for k, v in value.items())
    return False


def _own_init_params(cls):
    """Constructor arguments a class adds beyond Layer's own (those must be in get_config)."""
    params = inspect.signature(cls.__init__).parameters
    base = {"self", "kwargs", "args", "name", "trainable", "dtype", "autocast"}
    return [p for p in params if p not in base and params[p].kind is not params[p].VAR_KEYWORD]
