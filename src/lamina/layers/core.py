"""Core layers: `Dense`, `EinsumDense`, `Activation`, `Identity`, `Embedding`, `Masking` (`Lambda` is
in `lambda_layer`)."""

from __future__ import annotations

import re

from lamina import activations, constraints, initializers, ops, regularizers
from lamina.backend.common import dtypes
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.layers.base import Layer
from lamina.layers.input_spec import InputSpec
from lamina.utils import tree

__all__ = ["Activation", "Dense", "EinsumDense", "Embedding", "Identity", "Masking"]


def _positive_int(value, arg, layer):
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            ok = int(value) == value and not isinstance(value, bool)
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ValueError(
                f"{layer}: `{arg}` must be a positive integer. Received: {arg}={value!r}"
            )
        value = int(value)
    if value <= 0:
        raise ValueError(f"{layer}: `{arg}` must be a positive integer. Received: {arg}={value!r}")
    return value


def _activation_or_none(activation):
    """The activation function, and None when it is the identity (so call() skips it)."""
    fn = activations.get(activation)
    return fn, (None if activation is None or fn is getattr(activations, "linear", None) else fn)


class Dense(Layer):
    """A densely connected layer: ``activation(inputs @ kernel + bias)``.

    For inputs of rank greater than 2 the kernel applies along the last axis.

    Args:
        units: positive int, the output size.
        activation: activation function or name; None means linear.
        use_bias: whether to add a bias vector.
        kernel_initializer / bias_initializer: initializers (defaults "glorot_uniform", "zeros").
        kernel_regularizer / bias_regularizer / activity_regularizer: optional regularizers.
        kernel_constraint / bias_constraint: optional constraints.

    Input shape:
        ``(batch_size, ..., input_dim)``.

    Output shape:
        ``(batch_size, ..., units)``.

    Example:
        >>> print(lamina.layers.Dense(4)(np.ones((2, 3))).shape)
        (2, 4)
    """

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self.units = _positive_int(units, "units", "Dense")
        self.activation, self._activation = _activation_or_none(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(min_ndim=2)
        self.supports_masking = True
        self.bias = None

    def build(self, input_shape):
        input_dim = input_shape[-1]
        self.kernel = self.add_weight(
            name="kernel",
            shape=(input_dim, self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.input_spec = InputSpec(min_ndim=2, axes={-1: input_dim})
        self.built = True

    def call(self, inputs):
        x = ops.matmul(inputs, self.kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        if self._activation is not None:
            x = self._activation(x)
        return x

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape)[:-1], self.units)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }


class EinsumDense(Layer):
    """A dense layer of any rank, written as an einsum ``equation`` between input and kernel.

    Args:
        equation: ``"ab,bc->ac"`` style; the first term is the input, the second the kernel.
            ``...`` may stand for leading (``"...b,bc->...c"``) or trailing axes.
        output_shape: the output shape without the batch axis (an int for rank 2); ``None``
            entries take their size from the input.
        activation: activation function or name.
        bias_axes: output axes (letters) that get a bias, or None for no bias.
        kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
        kernel_constraint, bias_constraint: as in `Dense`.

    Example:
        >>> layer = lamina.layers.EinsumDense("abc,cd->abd", output_shape=(None, 8), bias_axes="d")
        >>> print(layer(np.ones((2, 5, 3))).shape)
        (2, 5, 8)
    """

    def __init__(
        self,
        equation,
        output_shape,
        activation=None,
        bias_axes=None,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if not isinstance(equation, str):
            raise ValueError(f"EinsumDense: `equation` must be a string. Received: {equation!r}")
        self.equation = equation
        _parse_einsum_equation(equation)  # validates early
        if isinstance(output_shape, int):
            self.partial_output_shape = (output_shape,)
        else:
            self.partial_output_shape = tuple(output_shape)
        self.bias_axes = bias_axes
        self.activation, self._activation = _activation_or_none(activation)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.bias = None
        self.full_output_shape = None

    def build(self, input_shape):
        kernel_shape, bias_shape, full_output_shape = _analyze_einsum(
            self.equation, self.bias_axes, tuple(input_shape), self.partial_output_shape
        )
        self.full_output_shape = tuple(full_output_shape)
        self.kernel = self.add_weight(
            name="kernel",
            shape=tuple(kernel_shape),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if bias_shape is not None:
            self.bias = self.add_weight(
                name="bias",
                shape=tuple(bias_shape),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.built = True

    def call(self, inputs):
        x = ops.einsum(self.equation, inputs, self.kernel)
        if self.bias is not None:
            x = ops.add(x, self.bias)
        if self._activation is not None:
            x = self._activation(x)
        return x

    def compute_output_shape(self, input_shape):
        return tuple(
            _analyze_einsum(
                self.equation, self.bias_axes, tuple(input_shape), self.partial_output_shape
            )[2]
        )

    def get_config(self):
        return {
            **super().get_config(),
            "output_shape": list(self.partial_output_shape),
            "equation": self.equation,
            "activation": activations.serialize(self.activation),
            "bias_axes": self.bias_axes,
            "kernel_initializer": initializers.serialize(self.kernel_initializer),
            "bias_initializer": initializers.serialize(self.bias_initializer),
            "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
            "bias_regularizer": regularizers.serialize(self.bias_regularizer),
            "kernel_constraint": constraints.serialize(self.kernel_constraint),
            "bias_constraint": constraints.serialize(self.bias_constraint),
        }


_EINSUM_FORMS = (
    (re.compile(r"^([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)$"), None),
    (re.compile(r"^0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)$"), "left"),
    (re.compile(r"^([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0$"), "right"),
)


def _parse_einsum_equation(equation):
    """(input letters, kernel letters, output letters, elided side or None)."""
    compact = equation.replace(" ", "").replace("...", "0")
    for pattern, elided in _EINSUM_FORMS:
        match = pattern.match(compact)
        if match:
            return (*match.groups(), elided)
    raise ValueError(
        f"EinsumDense: invalid `equation` {equation!r}. It must have the form 'ab,bc->ac' "
        "(input, kernel -> output), optionally with '...' before the input and output letters "
        "('...b,bc->...c') or after them ('ab...,bc->ac...')."
    )


def _analyze_einsum(equation, bias_axes, input_shape, partial_output_shape):
    """Kernel shape, bias shape (or None) and full output shape of an `EinsumDense`."""
    in_spec, kernel_spec, out_spec, elided_side = _parse_einsum_equation(equation)
    n_elided = len(input_shape) - len(in_spec)
    if n_elided < 0 or (n_elided > 0 and elided_side is None):
        raise ValueError(
            f"EinsumDense: equation {equation!r} describes a rank-{len(in_spec)} input, but the "
            f"input has shape {input_shape}. Use '...' in the equation for extra axes."
        )
    n_given = len(out_spec) if elided_side == "left" else len(out_spec) - 1
    if len(partial_output_shape) != n_given:
        raise ValueError(
            f"EinsumDense: `output_shape` {partial_output_shape} must give {n_given} sizes, one "
            f"for each non-batch letter of the output '{out_spec}' in equation {equation!r}."
        )
    explicit = [input_shape[0], *partial_output_shape]
    if elided_side == "left":
        in_dims = dict(zip(in_spec, input_shape[n_elided:]))
        # The batch axis is elided too: the output keeps the input's leading axes.
        output_shape = [*input_shape[:n_elided], *partial_output_shape]
        out_dims = dict(zip(out_spec, output_shape[n_elided:]))
    elif elided_side == "right":
        in_dims = dict(zip(in_spec, input_shape[: len(in_spec)]))
        output_shape = [*explicit, *input_shape[len(in_spec) :]]
        out_dims = dict(zip(out_spec, output_shape[: len(out_spec)]))
    else:
        in_dims = dict(zip(in_spec, input_shape))
        output_shape = explicit
        out_dims = dict(zip(out_spec, output_shape))
    for letter in out_spec:
        if letter not in in_spec and letter not in kernel_spec:
            raise ValueError(
                f"EinsumDense: output axis '{letter}' of equation {equation!r} appears in neither "
                "the input nor the kernel."
            )
    # Output axes shared with the input take the input's size.
    offset = n_elided if elided_side == "left" else 0
    for i, letter in enumerate(out_spec):
        if letter in in_dims:
            size, given = in_dims[letter], out_dims[letter]
            if given is not None and size is not None and given != size:
                raise ValueError(
                    f"EinsumDense: output axis '{letter}' has size {given} in `output_shape`, "
                    f"but the input axis '{letter}' has size {size} (input shape {input_shape}, "
                    f"equation {equation!r})."
                )
            if given is None:
                output_shape[offset + i] = size
                out_dims[letter] = size
    kernel_shape = []
    for letter in kernel_spec:
        size = in_dims.get(letter, out_dims.get(letter))
        if letter not in in_dims and letter not in out_dims:
            raise ValueError(
                f"EinsumDense: kernel axis '{letter}' of equation {equation!r} appears in neither "
                "the input nor the output, so its size is unknown."
            )
        kernel_shape.append(size)
    bias_shape = None
    if bias_axes is not None:
        for letter in bias_axes:
            if letter not in out_spec:
                raise ValueError(
                    f"EinsumDense: bias axis '{letter}' (bias_axes={bias_axes!r}) is not an axis "
                    f"of the output '{out_spec}' in equation {equation!r}."
                )
        first = min(out_spec.index(letter) for letter in bias_axes)
        bias_shape = [out_dims[c] if c in bias_axes else 1 for c in out_spec[first:]]
        if elided_side == "right":
            bias_shape += [1] * n_elided
    return kernel_shape, bias_shape, output_shape


class Activation(Layer):
    """Applies an activation function to its input.

    Args:
        activation: an activation function or its name (``"relu"``).

    Example:
        >>> out = lamina.layers.Activation("relu")(np.array([[-1.0, 2.0]]))
        >>> print(lamina.ops.convert_to_numpy(out))
        [[0. 2.]]
    """

    supports_masking = True

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def get_config(self):
        return {**super().get_config(), "activation": activations.serialize(self.activation)}


class Identity(Layer):
    """Returns its input unchanged (a placeholder in architectures).

    Example:
        >>> print(lamina.layers.Identity()(np.ones((2, 3))).shape)
        (2, 3)
    """

    supports_masking = True

    def call(self, inputs):
        return inputs

    def compute_output_spec(self, inputs):
        return tree.map_structure(lambda t: KerasTensor(t.shape, t.dtype), inputs)


class Embedding(Layer):
    """Turns non-negative integer indices into dense vectors of fixed size.

    Args:
        input_dim: vocabulary size (largest index + 1).
        output_dim: size of each embedding vector.
        embeddings_initializer: initializer of the ``embeddings`` matrix (default "uniform").
        embeddings_regularizer / embeddings_constraint: optional regularizer and constraint.
        mask_zero: whether index 0 is padding; the layer then emits a mask (``inputs != 0``).
        weights: optional initial value ``[embeddings]``.

    Input shape:
        ``(batch_size, ...)`` integers.

    Output shape:
        ``(batch_size, ..., output_dim)``.

    Example:
        >>> layer = lamina.layers.Embedding(10, 4)
        >>> print(layer(np.array([[1, 2, 3]])).shape)
        (1, 3, 4)
    """

    def __init__(
        self,
        input_dim,
        output_dim,
        embeddings_initializer="uniform",
        embeddings_regularizer=None,
        embeddings_constraint=None,
        mask_zero=False,
        weights=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.input_dim = _positive_int(input_dim, "input_dim", "Embedding")
        self.output_dim = _positive_int(output_dim, "output_dim", "Embedding")
        self.embeddings_initializer = initializers.get(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.supports_masking = self.mask_zero
        self.build(None)
        if weights is not None:
            self.set_weights(weights if isinstance(weights, (list, tuple)) else [weights])

    def build(self, input_shape=None):
        if self.built:
            return
        self.embeddings = self.add_weight(
            name="embeddings",
            shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
        )
        self.built = True

    def call(self, inputs):
        if dtypes.standardize_dtype(inputs.dtype) not in ("int32", "int64"):
            inputs = ops.cast(inputs, "int32")
        out = ops.take(self.embeddings, inputs, axis=0)
        if self.compute_dtype != self.variable_dtype:
            out = ops.cast(out, self.compute_dtype)
        return out

    def compute_mask(self, inputs, previous_mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape), self.output_dim)

    def get_config(self):
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
            "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
            "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
        }


class Masking(Layer):
    """Masks timesteps whose features all equal ``mask_value`` (and zeroes them).

    A timestep (along axis -2) is skipped by later mask-aware layers when every feature at it
    equals ``mask_value``.

    Args:
        mask_value: the padding value.

    Example:
        >>> x = np.array([[[1.0, 2.0], [0.0, 0.0]]])
        >>> print(lamina.layers.Masking()(x).shape)
        (1, 2, 2)
    """

    supports_masking = True

    def __init__(self, mask_value=0.0, **kwargs):
        super().__init__(**kwargs)
        self.mask_value = mask_value

    def call(self, inputs):
        keep = ops.any(ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        return ops.where(keep, inputs, ops.zeros_like(inputs))

    def compute_mask(self, inputs, previous_mask=None):
        return ops.any(ops.not_equal(inputs, self.mask_value), axis=-1)

    def compute_output_spec(self, inputs):
        return KerasTensor(inputs.shape, inputs.dtype)

    def get_config(self):
        return {**super().get_config(), "mask_value": self.mask_value}
