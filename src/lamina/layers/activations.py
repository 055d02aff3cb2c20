"""Activation layers: `ReLU`, `LeakyReLU`, `PReLU`, `ELU`, `Softmax`.

(For any activation by name use `lamina.layers.Activation("gelu")`.)
"""

from __future__ import annotations

from lamina import constraints, initializers, ops, regularizers
from lamina.backend.common import dtypes
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.layers.base import Layer
from lamina.layers.input_spec import InputSpec

__all__ = ["ELU", "LeakyReLU", "PReLU", "ReLU", "Softmax"]


def _non_negative(layer, arg, value, allow_none=False):
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
        raise ValueError(
            f"{layer}: `{arg}` must be a non-negative number"
            f"{' or None' if allow_none else ''}. Received: {arg}={value!r}"
        )
    return value


class _Elementwise(Layer):
    """Output shape and dtype are the input's."""

    supports_masking = True

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_output_spec(self, inputs, *args, **kwargs):
        return KerasTensor(inputs.shape, inputs.dtype)


class ReLU(_Elementwise):
    """Rectified linear unit with optional cap, leak and threshold.

    ``f(x) = max_value`` for ``x >= max_value``; ``x`` for ``threshold <= x < max_value``;
    ``negative_slope * (x - threshold)`` otherwise.

    Args:
        max_value: non-negative cap of the output, or None for no cap.
        negative_slope: non-negative slope below the threshold (default 0).
        threshold: non-negative value below which the leak applies (default 0).

    Example:
        >>> out = lamina.layers.ReLU(max_value=1.0)(np.array([[-1.0, 0.5, 3.0]]))
        >>> print(lamina.ops.convert_to_numpy(out))
        [[0.  0.5 1. ]]
    """

    def __init__(self, max_value=None, negative_slope=0.0, threshold=0.0, **kwargs):
        super().__init__(**kwargs)
        self.max_value = _non_negative("ReLU", "max_value", max_value, allow_none=True)
        self.negative_slope = _non_negative("ReLU", "negative_slope", negative_slope)
        self.threshold = _non_negative("ReLU", "threshold", threshold)
        if negative_slope == 0 and threshold == 0:
            self._fast = {None: ops.relu, 6: ops.relu6}.get(max_value)
        elif max_value is None and threshold == 0:
            self._fast = self._leaky
        else:
            self._fast = None

    def _leaky(self, x):
        return ops.leaky_relu(x, negative_slope=self.negative_slope)

    def call(self, inputs):
        if self._fast is not None:
            return self._fast(inputs)
        x = inputs
        if self.threshold != 0:
            y = ops.where(ops.greater(x, float(self.threshold)), x, ops.zeros_like(x))
        else:
            y = ops.relu(x)
        if self.max_value is not None:
            y = ops.minimum(y, float(self.max_value))
        if self.negative_slope != 0:
            below = ops.relu(ops.subtract(float(self.threshold), x))
            y = ops.subtract(y, ops.multiply(below, float(self.negative_slope)))
        return y

    def get_config(self):
        return {
            **super().get_config(),
            "max_value": self.max_value,
            "negative_slope": self.negative_slope,
            "threshold": self.threshold,
        }


class LeakyReLU(_Elementwise):
    """Leaky ReLU: ``x`` for ``x >= 0``, ``negative_slope * x`` otherwise.

    Args:
        negative_slope: non-negative float (default 0.3).

    Example:
        >>> print(lamina.ops.convert_to_numpy(lamina.layers.LeakyReLU()(np.array([[-1.0, 2.0]]))))
        [[-0.3  2. ]]
    """

    def __init__(self, negative_slope=0.3, **kwargs):
        if "alpha" in kwargs:  # Keras 2 name of the argument
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        self.negative_slope = _non_negative("LeakyReLU", "negative_slope", negative_slope)

    def call(self, inputs):
        return ops.leaky_relu(inputs, negative_slope=self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class PReLU(_Elementwise):
    """Parametric ReLU: ``x`` for ``x >= 0``, ``alpha * x`` otherwise, with ``alpha`` learned.

    Args:
        alpha_initializer: initializer of ``alpha`` (default zeros).
        alpha_regularizer / alpha_constraint: optional regularizer and constraint.
        shared_axes: axes (1-indexed, batch excluded) along which ``alpha`` is shared, e.g.
            ``[1, 2]`` for one ``alpha`` per channel of ``(batch, h, w, c)`` images.

    Example:
        >>> print(lamina.layers.PReLU()(np.ones((2, 3))).shape)
        (2, 3)
    """

    def __init__(
        self,
        alpha_initializer="Zeros",
        alpha_regularizer=None,
        alpha_constraint=None,
        shared_axes=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.alpha_initializer = initializers.get(alpha_initializer)
        self.alpha_regularizer = regularizers.get(alpha_regularizer)
        self.alpha_constraint = constraints.get(alpha_constraint)
        if shared_axes is None:
            self.shared_axes = None
        elif isinstance(shared_axes, (list, tuple)):
            self.shared_axes = [int(a) for a in shared_axes]
        else:
            self.shared_axes = [int(shared_axes)]

    def build(self, input_shape):
        param_shape = list(input_shape[1:])
        shared = set(self.shared_axes or ())
        for axis in shared:
            if not 1 <= axis < len(input_shape):
                raise ValueError(
                    f"PReLU layer {self.name!r}: shared axis {axis} is not a non-batch axis of "
                    f"inputs with shape {tuple(input_shape)} (axes count from 1)."
                )
            param_shape[axis - 1] = 1
        self.alpha = self.add_weight(
            name="alpha",
            shape=tuple(param_shape),
            initializer=self.alpha_initializer,
            regularizer=self.alpha_regularizer,
            constraint=self.alpha_constraint,
        )
        axes = {i: input_shape[i] for i in range(1, len(input_shape)) if i not in shared}
        self.input_spec = InputSpec(ndim=len(input_shape), axes=axes)
        self.built = True

    def call(self, inputs):
        pos = ops.relu(inputs)
        neg = ops.multiply(self.alpha, ops.relu(ops.negative(inputs)))
        return ops.subtract(pos, neg)

    def get_config(self):
        return {
            **super().get_config(),
            "alpha_initializer": initializers.serialize(self.alpha_initializer),
            "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
            "alpha_constraint": constraints.serialize(self.alpha_constraint),
            "shared_axes": self.shared_axes,
        }


class ELU(_Elementwise):
    """Exponential linear unit: ``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise.

    Args:
        alpha: scale of the negative part (default 1.0).

    Example:
        >>> print(lamina.ops.convert_to_numpy(lamina.layers.ELU()(np.array([[0.0, 1.0]]))))
        [[0. 1.]]
    """

    def __init__(self, alpha=1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs):
        return ops.elu(inputs, alpha=self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class Softmax(_Elementwise):
    """Softmax over ``axis``, with an optional mask of positions to leave out.

    Masked positions get probability 0 (the others are renormalized among themselves).

    Args:
        axis: int or tuple of ints (default -1).

    Call arguments:
        inputs: the logits.
        mask: boolean (or 0/1) tensor broadcastable to ``inputs``; True keeps a position.

    Example:
        >>> out = lamina.layers.Softmax()(np.array([[1.0, 1.0]]))
        >>> print(lamina.ops.convert_to_numpy(out))
        [[0.5 0.5]]
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, list):
            axis = tuple(axis)
        self.axis = axis
        self._multi = isinstance(axis, tuple) and len(axis) > 1
        self._axis = axis[0] if isinstance(axis, tuple) and len(axis) == 1 else axis

    def call(self, inputs, mask=None):
        if mask is not None:
            if dtypes.standardize_dtype(mask.dtype) != "bool":
                mask = ops.greater(mask, 0.5)
            big_negative = -3e4 if dtypes.standardize_dtype(inputs.dtype) == "float16" else -1e9
            inputs = ops.where(mask, inputs, big_negative)
        if self._multi:
            out = ops.exp(
                ops.subtract(inputs, ops.logsumexp(inputs, axis=self._axis, keepdims=True))
            )
        else:
            out = ops.softmax(inputs, axis=self._axis)
        if mask is not None:
            out = ops.where(mask, out, ops.zeros_like(out))
        return out

    def get_config(self):
        axis = list(self.axis) if isinstance(self.axis, tuple) else self.axis
        return {**super().get_config(), "axis": axis}
