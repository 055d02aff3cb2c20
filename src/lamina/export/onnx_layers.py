"""ONNX converters of the core, activation, reshaping, merging, normalization, regularization
and preprocessing layers.

A converter is ``fn(g, layer, xs, ins, outs)``: ``g`` is the `OnnxGraph`, ``xs`` the ONNX names
of the layer's input tensors, ``ins`` / ``outs`` the layer call's input and output
`KerasTensor`s (their shapes and dtypes); it returns the ONNX name of each output. Each one
reproduces the layer's inference behaviour (``training=False``) as written in
``lamina/layers``; weights are read once with ``Variable.numpy()``.
"""

from __future__ import annotations

import math

import numpy as np

from lamina import activations, config, layers, ops
from lamina.backend.common import dtypes

# ----------------------------------------------------------------------------------------
# Activations by function.

SQRT_2_OVER_PI = math.sqrt(2 / math.pi)


def _gelu(g, x, approximate):
    half = g.op("Mul", [x, g.scalar(0.5, x)])
    if approximate:
        cube = g.op("Mul", [g.op("Mul", [x, x]), x])
        inner = g.op("Add", [x, g.op("Mul", [cube, g.scalar(0.044715, x)])])
        t = g.op("Tanh", [g.op("Mul", [inner, g.scalar(SQRT_2_OVER_PI, x)])])
    else:
        t = g.op("Erf", [g.op("Mul", [x, g.scalar(1 / math.sqrt(2), x)])])
    return g.op("Mul", [half, g.op("Add", [t, g.scalar(1.0, x)])], hint="gelu")


def _sparse_plus(g, x):
    one = g.scalar(1.0, x)
    quad = g.op("Div", [g.op("Mul", [g.op("Add", [x, one])] * 2), g.scalar(4.0, x)])
    mid = g.op("Where", [g.op("GreaterOrEqual", [x, one], out_dtype="bool"), x, quad])
    low = g.op("LessOrEqual", [x, g.scalar(-1.0, x)], out_dtype="bool")
    return g.op("Where", [low, g.scalar(0.0, x), mid], hint="sparse_plus")


def _softplus(g, x):
    # Stable: max(x, 0) + log1p(exp(-|x|)).
    pos = g.op("Relu", [x])
    e = g.op("Exp", [g.op("Neg", [g.op("Abs", [x])])])
    return g.op("Add", [pos, g.op("Log", [g.op("Add", [e, g.scalar(1.0, x)])])], hint="softplus")


_SIMPLE = {
    "relu": lambda g, x: g.op("Relu", [x], hint="relu"),
    "relu6": lambda g, x: g.op("Clip", [x, g.scalar(0.0, x), g.scalar(6.0, x)], hint="relu6"),
    "sigmoid": lambda g, x: g.op("Sigmoid", [x], hint="sigmoid"),
    "tanh": lambda g, x: g.op("Tanh", [x], hint="tanh"),
    "elu": lambda g, x: g.op("Elu", [x], hint="elu", alpha=1.0),
    "selu": lambda g, x: g.op(
        "Selu", [x], hint="selu", alpha=1.6732632423543772, gamma=1.0507009873554805
    ),
    "celu": lambda g, x: g.op("Celu", [x], hint="celu", alpha=1.0),
    "softplus": _softplus,
    "softsign": lambda g, x: g.op("Softsign", [x], hint="softsign"),
    "silu": lambda g, x: g.op("Mul", [x, g.op("Sigmoid", [x])], hint="silu"),
    "leaky_relu": lambda g, x: g.op("LeakyRelu", [x], hint="leaky_relu", alpha=0.2),
    "hard_sigmoid": lambda g, x: g.op(
        "HardSigmoid", [x], hint="hard_sigmoid", alpha=1 / 6, beta=0.5
    ),
    "hard_silu": lambda g, x: g.op(
        "Mul", [x, g.op("HardSigmoid", [x], alpha=1 / 6, beta=0.5)], hint="hard_silu"
    ),
    "hard_tanh": lambda g, x: g.op("Clip", [x, g.scalar(-1.0, x), g.scalar(1.0, x)]),
    "exponential": lambda g, x: g.op("Exp", [x], hint="exp"),
    "gelu": lambda g, x: _gelu(g, x, approximate=False),
    "gelu_approximate": lambda g, x: _gelu(g, x, approximate=True),
    "mish": lambda g, x: g.op("Mul", [x, g.op("Tanh", [_softplus(g, x)])], hint="mish"),
    "log_sigmoid": lambda g, x: g.op("Neg", [_softplus(g, g.op("Neg", [x]))], hint="log_sigmoid"),
    "tanh_shrink": lambda g, x: g.op("Sub", [x, g.op("Tanh", [x])], hint="tanh_shrink"),
    "soft_shrink": lambda g, x: g.op("Shrink", [x], hint="soft_shrink", lambd=0.5, bias=0.5),
    "hard_shrink": lambda g, x: g.op("Shrink", [x], hint="hard_shrink", lambd=0.5, bias=0.0),
    "squareplus": lambda g, x: g.op(
        "Div",
        [
            g.op("Add", [x, g.op("Sqrt", [g.op("Add", [g.op("Mul", [x, x]), g.scalar(4.0, x)])])]),
            g.scalar(2.0, x),
        ],
        hint="squareplus",
    ),
    "sparse_sigmoid": lambda g, x: g.op(
        "Clip",
        [
            g.op("Div", [g.op("Add", [x, g.scalar(1.0, x)]), g.scalar(2.0, x)]),
            g.scalar(0.0, x),
            g.scalar(1.0, x),
        ],
        hint="sparse_sigmoid",
    ),
    "sparse_plus": _sparse_plus,
    "softmax": lambda g, x: g.op("Softmax", [x], hint="softmax", axis=-1),
    "log_softmax": lambda g, x: g.op("LogSoftmax", [x], hint="log_softmax", axis=-1),
}

#: Names of the activation functions that convert (``activation="..."`` or `Activation`).
SUPPORTED_ACTIVATIONS = tuple(
    sorted({*_SIMPLE, "glu", "linear", "swish", "hard_swish"} - {"gelu_approximate"})
)


def _activation_name(fn):
    for name in (*_SIMPLE, "linear", "glu"):
        if getattr(activations, name, None) is fn:
            return name
    # `lamina.ops` functions passed as activations (same defaults, but gelu is approximate).
    if fn is ops.gelu:
        return "gelu_approximate"
    for name in _SIMPLE:
        if getattr(ops, name, None) is fn:
            return name
    return None


def check_activation(fn, layer) -> None:
    """Raise the export error when ``fn`` is not a built-in activation that converts."""
    if fn is None or _activation_name(fn) is not None:
        return
    from lamina.export.onnx_export import unsupported

    raise unsupported(
        layer,
        f"its activation {getattr(fn, '__name__', fn)!r} is not one of the built-in "
        f"activations that convert ({', '.join(SUPPORTED_ACTIVATIONS)})",
    )


def activation(g, fn, x, layer, spec=None):
    """``fn(x)`` in ONNX for a built-in activation function ``fn`` (None: linear); ``spec``
    is the `KerasTensor` of ``x`` (glu needs its last size)."""
    check_activation(fn, layer)
    name = "linear" if fn is None else _activation_name(fn)
    if name == "linear":
        return x
    if name == "glu":
        size = spec.shape[-1] if spec is not None else None
        if size is None or size % 2:
            from lamina.export.onnx_export import unsupported

            raise unsupported(layer, "glu needs a known, even size of the last axis")
        half = size // 2
        a, b = g.op("Split", [x, g.ints([half, half])], n_out=2, axis=-1, hint="glu")
        return g.op("Mul", [a, g.op("Sigmoid", [b])], hint="glu")
    return _SIMPLE[name](g, x)


# ----------------------------------------------------------------------------------------
# Helpers.


def weight(g, variable, dtype=None, hint="w"):
    """The initializer holding a variable's value (cast to ``dtype``)."""
    return g.const(variable.numpy(), dtype or variable.dtype, hint=hint)


def float_input(g, x, out_spec):
    """``x`` cast to the (float) dtype of the layer's output, when it differs."""
    return g.cast(x, out_spec.dtype)


def broadcast_shape(rank, axes, sizes):
    shape = [1] * rank
    for a, s in zip(axes, sizes):
        shape[a] = s
    return shape


# ----------------------------------------------------------------------------------------
# Core layers.


def convert_dense(g, layer, xs, ins, outs):
    check_activation(layer._activation, layer)
    dtype = outs[0].dtype
    x = float_input(g, xs[0], outs[0])
    y = g.op("MatMul", [x, weight(g, layer.kernel, dtype, layer.name + "/kernel")], hint=layer.name)
    if layer.bias is not None:
        y = g.op("Add", [y, weight(g, layer.bias, dtype, layer.name + "/bias")], hint=layer.name)
    return [activation(g, layer._activation, y, layer, outs[0])]


def convert_activation(g, layer, xs, ins, outs):
    x = float_input(g, xs[0], outs[0])
    return [activation(g, layer.activation, x, layer, ins[0])]


def convert_identity(g, layer, xs, ins, outs):
    return [xs[0]]


def convert_embedding(g, layer, xs, ins, outs):
    if layer.mask_zero:
        from lamina.export.onnx_export import unsupported

        raise unsupported(layer, "masks (mask_zero=True) have no ONNX equivalent here")
    idx = g.cast(xs[0], "int64")
    table = weight(g, layer.embeddings, outs[0].dtype, layer.name + "/embeddings")
    return [g.op("Gather", [table, idx], hint=layer.name, axis=0)]


# ----------------------------------------------------------------------------------------
# Activation layers.


def convert_relu(g, layer, xs, ins, outs):
    x = float_input(g, xs[0], outs[0])
    slope, thr, cap = float(layer.negative_slope), float(layer.threshold), layer.max_value
    if thr == 0 and cap is None:
        if slope == 0:
            return [g.op("Relu", [x], hint=layer.name)]
        return [g.op("LeakyRelu", [x], hint=layer.name, alpha=slope)]
    if thr != 0:
        above = g.op("Greater", [x, g.scalar(thr, x)], out_dtype="bool")
        y = g.op("Where", [above, x, g.scalar(0.0, x)])
    else:
        y = g.op("Relu", [x])
    if cap is not None:
        y = g.op("Min", [y, g.scalar(float(cap), x)])
    if slope != 0:
        below = g.op("Relu", [g.op("Sub", [g.scalar(thr, x), x])])
        y = g.op("Sub", [y, g.op("Mul", [below, g.scalar(slope, x)])])
    return [y]


def convert_leaky_relu(g, layer, xs, ins, outs):
    x = float_input(g, xs[0], outs[0])
    return [g.op("LeakyRelu", [x], hint=layer.name, alpha=float(layer.negative_slope))]


def convert_prelu(g, layer, xs, ins, outs):
    x = float_input(g, xs[0], outs[0])
    alpha = weight(g, layer.alpha, outs[0].dtype, layer.name + "/alpha")
    return [g.op("PRelu", [x, alpha], hint=layer.name)]


def convert_elu(g, layer, xs, ins, outs):
    x = float_input(g, xs[0], outs[0])
    return [g.op("Elu", [x], hint=layer.name, alpha=float(layer.alpha))]


def convert_softmax(g, layer, xs, ins, outs):
    if len(xs) != 1:
        from lamina.export.onnx_export import unsupported

        raise unsupported(layer, "a `mask` argument does not convert")
    x = float_input(g, xs[0], outs[0])
    if layer._multi:
        axes = [int(a) for a in layer._axis]
        lse = g.op("ReduceLogSumExp", [x], axes=axes, keepdims=1)
        return [g.op("Exp", [g.op("Sub", [x, lse])], hint=layer.name)]
    return [g.op("Softmax", [x], hint=layer.name, axis=int(layer._axis))]


# ----------------------------------------------------------------------------------------
# Reshaping layers.


def convert_flatten(g, layer, xs, ins, outs):
    x = xs[0]
    rank = len(ins[0].shape)
    if layer._channels_first and rank > 2:
        x = g.transpose(x, (0, *range(2, rank), 1))
    if rank == 1:
        return [g.op("Reshape", [x, g.ints([-1, 1])], hint=layer.name)]
    return [g.op("Flatten", [x], hint=layer.name, axis=1)]


def convert_reshape(g, layer, xs, ins, outs):
    rest = outs[0].shape[1:]
    if None not in rest:
        shape = [-1, *rest]
    elif 0 not in layer.target_shape:
        shape = [0, *layer.target_shape]  # 0: copy the batch size
    else:
        from lamina.export.onnx_export import unsupported

        raise unsupported(layer, "a target shape with both a 0 and an unknown size")
    return [g.op("Reshape", [xs[0], g.ints(shape)], hint=layer.name)]


def convert_permute(g, layer, xs, ins, outs):
    return [g.op("Transpose", [xs[0]], hint=layer.name, perm=list(layer._perm))]


def convert_repeat_vector(g, layer, xs, ins, outs):
    x = g.op("Unsqueeze", [xs[0], g.ints([1])])
    return [g.op("Tile", [x, g.ints([1, layer.n, 1])], hint=layer.name)]


# ----------------------------------------------------------------------------------------
# Merging layers.


def _merge_inputs(g, layer, xs, outs):
    dtype = outs[0].dtype
    xs = [g.cast(x, dtype) for x in xs]
    if layer._expand is not None:
        xs = [
            g.op("Unsqueeze", [x, g.ints(range(1, n + 1))]) if n else x
            for x, n in zip(xs, layer._expand)
        ]
    return xs


def _chain(op_type):
    def convert(g, layer, xs, ins, outs):
        xs = _merge_inputs(g, layer, xs, outs)
        out = xs[0]
        for x in xs[1:]:
            out = g.op(op_type, [out, x], hint=layer.name)
        if len(xs) == 1:
            out = g.identity(out, g.fresh(layer.name))
        return [out]

    return convert


def convert_average(g, layer, xs, ins, outs):
    total = _chain("Add")(g, layer, xs, ins, outs)[0]
    return [g.op("Div", [total, g.scalar(float(len(xs)), total)], hint=layer.name)]


def convert_concatenate(g, layer, xs, ins, outs):
    xs = [g.cast(x, outs[0].dtype) for x in xs]
    return [g.op("Concat", xs, hint=layer.name, axis=int(layer.axis))]


# ----------------------------------------------------------------------------------------
# Normalization layers.


def convert_batch_norm(g, layer, xs, ins, outs):
    dtype = outs[0].dtype
    x = g.cast(xs[0], dtype)
    mean = layer.moving_mean.numpy().astype(np.float64)
    variance = layer.moving_variance.numpy().astype(np.float64)
    scale = 1.0 / np.sqrt(variance + layer.epsilon)
    if layer.gamma is not None:
        scale = scale * layer.gamma.numpy().astype(np.float64)
    shift = -mean * scale
    if layer.beta is not None:
        shift = shift + layer.beta.numpy().astype(np.float64)
    rank = len(ins[0].shape)
    shape = broadcast_shape(rank, [layer._axis], [scale.size])
    y = g.op("Mul", [x, g.const(scale.reshape(shape), dtype, layer.name + "/scale")])
    return [g.op("Add", [y, g.const(shift.reshape(shape), dtype, layer.name + "/shift")])]


def convert_layer_norm(g, layer, xs, ins, outs):
    dtype = outs[0].dtype
    x = g.cast(xs[0], dtype)
    rank = len(ins[0].shape)
    axes = list(layer._axes)
    shape = broadcast_shape(rank, axes, [ins[0].shape[a] for a in axes])

    def param(w, name):
        return g.const(w.numpy().reshape(shape), dtype, f"{layer.name}/{name}")

    eps = g.scalar(layer.epsilon, x)
    if layer.rms_scaling:
        mean = g.op("ReduceMean", [x], axes=axes, keepdims=1)
        centered = g.op("Sub", [x, mean])
        var = g.op("ReduceMean", [g.op("Mul", [centered, centered])], axes=axes, keepdims=1)
        y = g.op("Div", [x, g.op("Sqrt", [g.op("Add", [var, eps])])])
        return [g.op("Mul", [y, param(layer.gamma, "gamma")], hint=layer.name)]
    mean = g.op("ReduceMean", [x], axes=axes, keepdims=1)
    centered = g.op("Sub", [x, mean])
    var = g.op("ReduceMean", [g.op("Mul", [centered, centered])], axes=axes, keepdims=1)
    y = g.op("Div", [centered, g.op("Sqrt", [g.op("Add", [var, eps])])], hint=layer.name)
    if layer.gamma is not None:
        y = g.op("Mul", [y, param(layer.gamma, "gamma")], hint=layer.name)
    if layer.beta is not None:
        y = g.op("Add", [y, param(layer.beta, "beta")], hint=layer.name)
    return [y]


def convert_unit_norm(g, layer, xs, ins, outs):
    x = g.cast(xs[0], outs[0].dtype)
    rank = len(ins[0].shape)
    axis = layer._axis if isinstance(layer._axis, tuple) else (layer._axis,)
    axes = [int(a) % rank for a in axis]
    square_sum = g.op("ReduceSum", [g.op("Mul", [x, x]), g.ints(axes)], keepdims=1)
    inv = g.op("Min", [g.op("Reciprocal", [g.op("Sqrt", [square_sum])]), g.scalar(1e12, x)])
    return [g.op("Mul", [x, inv], hint=layer.name)]


# ----------------------------------------------------------------------------------------
# Preprocessing layers.


def convert_rescaling(g, layer, xs, ins, outs):
    dtype = outs[0].dtype
    x = g.cast(xs[0], dtype)
    y = g.op("Mul", [x, g.const(layer._scale, dtype, layer.name + "/scale")], hint=layer.name)
    if not layer._skip_offset:
        y = g.op("Add", [y, g.const(layer._offset, dtype, layer.name + "/offset")], hint=layer.name)
    return [y]


def convert_normalization(g, layer, xs, ins, outs):
    dtype = outs[0].dtype
    np_dtype = dtypes.to_numpy_dtype(dtype)
    x = g.cast(xs[0], dtype)
    if layer._fixed is not None:
        mean, denom = (np.asarray(_to_numpy(t)) for t in layer._fixed)
    else:
        mean = layer.adapt_mean.numpy().astype(np_dtype)
        variance = layer.adapt_variance.numpy().astype(np_dtype)
        if layer._needs_reshape:
            mean = mean.reshape(layer._broadcast_shape)
            variance = variance.reshape(layer._broadcast_shape)
        denom = np.maximum(np.sqrt(variance), np.asarray(config.epsilon(), np_dtype))
    mean_c = g.const(mean, dtype, layer.name + "/mean")
    denom_c = g.const(denom, dtype, layer.name + "/denominator")
    if layer.invert:
        return [g.op("Add", [mean_c, g.op("Mul", [x, denom_c])], hint=layer.name)]
    return [g.op("Div", [g.op("Sub", [x, mean_c]), denom_c], hint=layer.name)]


def _to_numpy(t):
    from lamina import backend

    return backend.convert_to_numpy(t)


# ----------------------------------------------------------------------------------------
# The table.

CONVERTERS = {
    layers.Dense: convert_dense,
    layers.Activation: convert_activation,
    layers.Identity: convert_identity,
    layers.Embedding: convert_embedding,
    layers.ReLU: convert_relu,
    layers.LeakyReLU: convert_leaky_relu,
    layers.PReLU: convert_prelu,
    layers.ELU: convert_elu,
    layers.Softmax: convert_softmax,
    layers.Dropout: convert_identity,
    layers.SpatialDropout1D: convert_identity,
    layers.SpatialDropout2D: convert_identity,
    layers.SpatialDropout3D: convert_identity,
    layers.GaussianNoise: convert_identity,
    layers.GaussianDropout: convert_identity,
    layers.ActivityRegularization: convert_identity,
    layers.Flatten: convert_flatten,
    layers.Reshape: convert_reshape,
    layers.Permute: convert_permute,
    layers.RepeatVector: convert_repeat_vector,
    layers.Add: _chain("Add"),
    layers.Subtract: _chain("Sub"),
    layers.Multiply: _chain("Mul"),
    layers.Maximum: _chain("Max"),
    layers.Minimum: _chain("Min"),
    layers.Average: convert_average,
    layers.Concatenate: convert_concatenate,
    layers.BatchNormalization: convert_batch_norm,
    layers.LayerNormalization: convert_layer_norm,
    layers.UnitNormalization: convert_unit_norm,
    layers.Rescaling: convert_rescaling,
    layers.Normalization: convert_normalization,
}
# Layers other helpers may add later: identity at inference when present.
for _name in ("AlphaDropout",):
    if hasattr(layers, _name):
        CONVERTERS[getattr(layers, _name)] = convert_identity
