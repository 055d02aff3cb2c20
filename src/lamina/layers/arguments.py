"""Argument checks and shape rules shared by the convolution, pooling, spatial, normalization
and recurrent layers: ints and tuples of ints, padding names, the weight arguments
(``<prefix>_initializer`` / ``_regularizer`` / ``_constraint``), window output lengths."""

from __future__ import annotations

import numpy as np

from lamina import constraints, initializers, regularizers


def _is_int(value) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def int_tuple(value, n, name, owner, allow_zero=False) -> tuple:
    """``value`` (an int or ``n`` ints) as a tuple of ``n`` Python ints, or a clear error."""
    if _is_int(value):
        result = (int(value),) * n
    elif isinstance(value, (list, tuple)) and len(value) == n and all(map(_is_int, value)):
        result = tuple(int(v) for v in value)
    else:
        raise ValueError(
            f"{owner}: `{name}` must be an int or a tuple of {n} int{'s' * (n > 1)}. "
            f"Received: {name}={value!r}"
        )
    low = 0 if allow_zero else 1
    if any(v < low for v in result):
        kind = "non-negative" if allow_zero else "positive"
        raise ValueError(f"{owner}: `{name}` values must be {kind}. Received: {name}={value!r}")
    return result


def positive_int(value, name, owner) -> int:
    if not _is_int(value) or value <= 0:
        raise ValueError(
            f"{owner}: `{name}` must be a positive integer. Received: {name}={value!r}"
        )
    return int(value)


def standardize_padding(value, owner, allow_causal=False) -> str:
    allowed = ("valid", "same", "causal") if allow_causal else ("valid", "same")
    padding = value.lower() if isinstance(value, str) else value
    if padding not in allowed:
        raise ValueError(
            f"{owner}: `padding` must be one of {', '.join(repr(a) for a in allowed)} "
            f"(any case). Received: padding={value!r}"
        )
    return padding


def weight_arguments(*prefixes) -> tuple:
    """``(name, module)`` of the ``<prefix>_initializer``, ``<prefix>_regularizer`` and
    ``<prefix>_constraint`` arguments of the weights ``prefixes``, in Keras's config order
    (the initializers, then the regularizers, then the constraints)."""
    kinds = (
        ("initializer", initializers),
        ("regularizer", regularizers),
        ("constraint", constraints),
    )
    return tuple((f"{p}_{kind}", module) for kind, module in kinds for p in prefixes)


def add_weight_from_arguments(layer, name, shape, prefix, initializer=None):
    """``layer.add_weight`` with the layer's ``<prefix>_initializer`` (unless ``initializer``
    is given), ``<prefix>_regularizer`` and ``<prefix>_constraint``."""
    if initializer is None:
        initializer = getattr(layer, f"{prefix}_initializer")
    return layer.add_weight(
        name=name,
        shape=shape,
        initializer=initializer,
        regularizer=getattr(layer, f"{prefix}_regularizer"),
        constraint=getattr(layer, f"{prefix}_constraint"),
    )


def conv_output_length(size, kernel, stride, padding, dilation=1):
    """Output length of a convolution or pooling window along one axis (None stays None)."""
    if size is None:
        return None
    if padding in ("same", "causal"):
        return (size + stride - 1) // stride
    return (size - (kernel - 1) * dilation - 1) // stride + 1


def spatial_dims(input_shape, data_format):
    return tuple(input_shape[1:-1] if data_format == "channels_last" else input_shape[2:])


def with_spatial(input_shape, spatial, channels, data_format):
    if data_format == "channels_last":
        return (input_shape[0], *spatial, channels)
    return (input_shape[0], channels, *spatial)


def check_rank(input_shape, rank, owner, layout=None) -> tuple:
    """``input_shape`` as a tuple, or an error when its rank is not ``rank``."""
    input_shape = tuple(input_shape)
    if len(input_shape) != rank:
        detail = f" (batch, {layout})" if layout else ""
        raise ValueError(
            f"{owner} expects inputs of rank {rank}{detail}. Received input_shape={input_shape}"
        )
    return input_shape
