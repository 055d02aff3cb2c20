"""Normalization layers: `BatchNormalization`, `LayerNormalization`, `GroupNormalization`,
`UnitNormalization`.

Statistics are computed in at least float32 (inputs in float16 / bfloat16 are upcast, and the
output is cast back to the layer's compute dtype).
"""

from __future__ import annotations

from lamina import config, initializers, ops
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.layers.arguments import add_weight_from_arguments, weight_arguments
from lamina.layers.base import Layer
from lamina.layers.input_spec import InputSpec

__all__ = ["BatchNormalization", "GroupNormalization", "LayerNormalization", "UnitNormalization"]

_HALF = ("float16", "bfloat16")


def _axis_argument(layer, axis):
    """``axis`` as an int or a list of ints, or a clear error."""
    if isinstance(axis, (list, tuple)):
        return list(axis)
    if isinstance(axis, bool) or not isinstance(axis, int):
        raise ValueError(
            f"{layer}: `axis` must be an int or a list of ints. Received: axis={axis!r}"
        )
    return axis


def _check_axis(layer, axis, ndim, input_shape):
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"{layer}: axis {axis} is out of range for inputs of shape {tuple(input_shape)} "
            f"(rank {ndim})."
        )
    return axis % ndim


# The gamma/beta arguments, in Keras's config order.
_AFFINE_ARGS = weight_arguments("beta", "gamma")


class _Normalization(Layer):
    """Shared: output shape = input shape, dtype = compute dtype; gamma/beta options."""

    supports_masking = True

    def _init_affine(self, args):
        """Read ``center``, ``scale`` and the gamma/beta arguments from ``args`` (the public
        ``__init__``'s ``locals()``)."""
        self.center = bool(args["center"])
        self.scale = bool(args["scale"])
        for name, module in _AFFINE_ARGS:
            setattr(self, name, module.get(args[name]))
        self.gamma = None
        self.beta = None
        self._upcast = self.compute_dtype in _HALF

    def _add_affine(self, shape, scale=None, center=None):
        if self.scale if scale is None else scale:
            self.gamma = add_weight_from_arguments(self, "gamma", shape, "gamma")
        if self.center if center is None else center:
            self.beta = add_weight_from_arguments(self, "beta", shape, "beta")

    def _affine_config(self):
        return {
            "center": self.center,
            "scale": self.scale,
            **{name: module.serialize(getattr(self, name)) for name, module in _AFFINE_ARGS},
        }

    def compute_output_shape(self, input_shape):
        return input_shape

    def compute_output_spec(self, inputs, *args, **kwargs):
        return KerasTensor(inputs.shape, self.compute_dtype)


class BatchNormalization(_Normalization):
    """Normalizes each feature (along ``axis``) with batch statistics in training and with
    moving averages of them at inference.

    In training (``training=True``, as in `fit`) the output is
    ``gamma * (x - mean(x)) / sqrt(var(x) + epsilon) + beta`` over the batch (and spatial axes),
    and ``moving_mean`` / ``moving_variance`` move towards the batch statistics by
    ``1 - momentum``. At inference the moving statistics are used and nothing is updated.
    Setting ``layer.trainable = False`` also freezes the statistics (inference mode).

    Args:
        axis: the feature axis (default -1; 1 for ``channels_first`` images).
        momentum: moving-average momentum (default 0.99).
        epsilon: added to the variance (default 1e-3).
        center / scale: whether to learn ``beta`` / ``gamma``.
        beta_initializer, gamma_initializer, moving_mean_initializer,
        moving_variance_initializer: initializers (zeros, ones, zeros, ones).
        beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: optional.
        synchronized: accepted for Keras compatibility; statistics are per replica.

    Call arguments:
        inputs: the batch.
        training: whether to use (and update with) batch statistics.
        mask: optional boolean mask of shape ``inputs.shape[:-1]``; masked positions do not
            count in the batch statistics.

    Example:
        >>> layer = lamina.layers.BatchNormalization()
        >>> print(layer(np.ones((4, 3)), training=True).shape)
        (4, 3)
    """

    def __init__(
        self,
        axis=-1,
        momentum=0.99,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        moving_mean_initializer="zeros",
        moving_variance_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        synchronized=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ValueError(
                f"BatchNormalization: `axis` must be an integer. Received: axis={axis!r}"
            )
        self.axis = axis
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.synchronized = bool(synchronized)
        self._init_affine(locals())
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)

    def build(self, input_shape):
        ndim = len(input_shape)
        axis = _check_axis(f"BatchNormalization layer {self.name!r}", self.axis, ndim, input_shape)
        size = input_shape[axis]
        if size is None:
            raise ValueError(
                f"BatchNormalization layer {self.name!r}: axis {self.axis} of the input must have "
                f"a known size. Received input shape {tuple(input_shape)}."
            )
        shape = (size,)
        self._add_affine(shape)
        self.moving_mean = self.add_weight(
            name="moving_mean",
            shape=shape,
            initializer=self.moving_mean_initializer,
            trainable=False,
        )
        self.moving_variance = self.add_weight(
            name="moving_variance",
            shape=shape,
            initializer=self.moving_variance_initializer,
            trainable=False,
        )
        self.input_spec = InputSpec(ndim=ndim, axes={self.axis: size})
        self._reduction_axes = [i for i in range(ndim) if i != axis]
        self._axis = axis
        self._keep_momentum = 1.0 - self.momentum
        self.built = True

    def call(self, inputs, training=None, mask=None):
        x = ops.cast(inputs, "float32") if self._upcast else inputs
        if training and self._trainable:
            mean, variance = self._moments(x, mask)
            self.moving_mean.assign(
                ops.add(
                    ops.multiply(self.moving_mean, self.momentum),
                    ops.multiply(mean, self._keep_momentum),
                )
            )
            self.moving_variance.assign(
                ops.add(
                    ops.multiply(self.moving_variance, self.momentum),
                    ops.multiply(variance, self._keep_momentum),
                )
            )
        else:
            mean, variance = self.moving_mean, self.moving_variance
        out = ops.batch_normalization(
            x,
            mean,
            variance,
            axis=self._axis,
            offset=self.beta,
            scale=self.gamma,
            epsilon=self.epsilon,
        )
        return ops.cast(out, self.compute_dtype) if self._upcast else out

    def _moments(self, x, mask):
        if mask is None:
            return ops.moments(x, axes=self._reduction_axes, synchronized=self.synchronized)
        weights = ops.expand_dims(ops.cast(mask, x.dtype), -1)
        total = ops.add(
            ops.sum(weights, axis=self._reduction_axes, keepdims=True), config.epsilon()
        )
        mean = ops.divide(
            ops.sum(ops.multiply(weights, x), axis=self._reduction_axes, keepdims=True), total
        )
        centered = ops.subtract(ops.multiply(weights, x), mean)
        variance = ops.divide(
            ops.sum(
                ops.multiply(weights, ops.square(centered)),
                axis=self._reduction_axes,
                keepdims=True,
            ),
            total,
        )
        return ops.reshape(mean, (-1,)), ops.reshape(variance, (-1,))

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            **self._affine_config(),
            "moving_mean_initializer": initializers.serialize(self.moving_mean_initializer),
            "moving_variance_initializer": initializers.serialize(self.moving_variance_initializer),
            "synchronized": self.synchronized,
        }


class LayerNormalization(_Normalization):
    """Normalizes each sample over ``axis`` (the features), then scales and shifts.

    ``gamma * (x - mean) / sqrt(var + epsilon) + beta`` with mean and variance over ``axis`` of
    each sample; the same in training and inference.

    Args:
        axis: int or list of ints to normalize over (default -1).
        epsilon: added to the variance (default 1e-3).
        center / scale: whether to learn ``beta`` / ``gamma``.
        rms_scaling: if True, skip centering and scale by ``1 / sqrt(var + epsilon)`` only.
        beta_initializer, gamma_initializer, beta_regularizer, gamma_regularizer,
        beta_constraint, gamma_constraint: as in `BatchNormalization`.

    Example:
        >>> print(lamina.layers.LayerNormalization()(np.ones((2, 5))).shape)
        (2, 5)
    """

    def __init__(
        self,
        axis=-1,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        rms_scaling=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.axis = _axis_argument("LayerNormalization", axis)
        self.epsilon = float(epsilon)
        self.rms_scaling = bool(rms_scaling)
        self._init_affine(locals())

    def build(self, input_shape):
        ndim = len(input_shape)
        axes = self.axis if isinstance(self.axis, list) else [self.axis]
        where = f"LayerNormalization layer {self.name!r}"
        axes = sorted(_check_axis(where, a, ndim, input_shape) for a in axes)
        shape = tuple(input_shape[a] for a in axes)
        if None in shape:
            raise ValueError(
                f"{where}: the normalized axes {self.axis} must have known sizes. Received input "
                f"shape {tuple(input_shape)}."
            )
        # As Keras: RMS scaling always has a gamma and never a beta.
        self._add_affine(
            shape, scale=self.scale or self.rms_scaling, center=self.center and not self.rms_scaling
        )
        self._axes = axes
        broadcast = [1] * ndim
        for a in axes:
            broadcast[a] = input_shape[a]
        # Weights broadcast as they are when the axes are the trailing ones.
        self._broadcast = None if axes == list(range(ndim - len(axes), ndim)) else tuple(broadcast)
        self.built = True

    def _shaped(self, w):
        if w is None or self._broadcast is None:
            return w
        return ops.reshape(w, self._broadcast)

    def call(self, inputs):
        if not self.rms_scaling:
            out = ops.layer_normalization(
                inputs, self.gamma, self.beta, axis=self._axes, epsilon=self.epsilon
            )
            return ops.cast(out, self.compute_dtype) if self._upcast else out
        # Keras' (deprecated) rms_scaling divides by the standard deviation, not the RMS.
        x = ops.cast(inputs, "float32") if self._upcast else inputs
        variance = ops.var(x, axis=self._axes, keepdims=True)
        out = ops.multiply(x, ops.rsqrt(ops.add(variance, self.epsilon)))
        out = ops.multiply(out, self._shaped(self.gamma))
        return ops.cast(out, self.compute_dtype) if self._upcast else out

    def get_config(self):
        return {
            **super().get_config(),
            "axis": self.axis,
            "epsilon": self.epsilon,
            "rms_scaling": self.rms_scaling,
            **self._affine_config(),
        }


class GroupNormalization(_Normalization):
    """Normalizes each sample over groups of channels: the channels along ``axis`` are split
    into ``groups`` groups, each normalized over its channels and all other non-batch axes.

    ``groups=1`` is layer normalization over all features; ``groups=channels`` (or -1) is
    instance normalization.

    Args:
        groups: number of groups (default 32); must divide the number of channels; -1 means one
            group per channel.
        axis: the channel axis (default -1).
        epsilon: added to the variance (default 1e-3).
        center / scale, initializers, regularizers, constraints: as in `LayerNormalization`.

    Example:
        >>> print(lamina.layers.GroupNormalization(groups=2)(np.ones((2, 5, 4))).shape)
        (2, 5, 4)
    """

    def __init__(
        self,
        groups=32,
        axis=-1,
        epsilon=1e-3,
        center=True,
        scale=True,
        beta_initializer="zeros",
        gamma_initializer="ones",
        beta_regularizer=None,
        gamma_regularizer=None,
        beta_constraint=None,
        gamma_constraint=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        if isinstance(groups, bool) or not isinstance(groups, int) or (groups < 1 and groups != -1):
            raise ValueError(
                f"GroupNormalization: `groups` must be a positive integer or -1. Received: "
                f"groups={groups!r}"
            )
        self.groups = groups
        self.axis = axis
        self.epsilon = float(epsilon)
        self._init_affine(locals())

    def build(self, input_shape):
        ndim = len(input_shape)
        where = f"GroupNormalization layer {self.name!r}"
        axis = _check_axis(where, self.axis, ndim, input_shape)
        if axis == 0:
            raise ValueError(f"{where}: `axis` cannot be the batch axis (0).")
        channels = input_shape[axis]
        if channels is None:
            raise ValueError(
                f"{where}: axis {self.axis} of the input must have a known size. Received input "
                f"shape {tuple(input_shape)}."
            )
        groups = channels if self.groups == -1 else self.groups
        if channels < groups:
            raise ValueError(
                f"{where}: `groups`={groups} is more than the number of channels ({channels}) of "
                f"inputs with shape {tuple(input_shape)}."
            )
        if channels % groups:
            raise ValueError(
                f"{where}: the number of channels ({channels}) must be a multiple of "
                f"`groups`={groups}. Received input shape {tuple(input_shape)}."
            )
        self._add_affine((channels,))
        self.input_spec = InputSpec(ndim=ndim, axes={axis: channels})
        self._axis = axis
        self._num_groups = groups
        self._group_size = channels // groups
        # Reduce over every non-batch axis of the grouped tensor except the group axis.
        self._reduce = [i for i in range(1, ndim + 1) if i != axis]
        broadcast = [1] * (ndim + 1)
        broadcast[axis] = groups
        broadcast[axis + 1] = self._group_size
        self._weight_shape = tuple(broadcast)
        self.built = True

    def call(self, inputs):
        x = ops.cast(inputs, "float32") if self._upcast else inputs
        shape = tuple(x.shape)
        if None in shape[1:]:
            shape = ops.shape(x)
        a = self._axis
        grouped = ops.reshape(
            x, (-1, *shape[1:a], self._num_groups, self._group_size, *shape[a + 1 :])
        )
        mean, variance = ops.moments(grouped, axes=self._reduce, keepdims=True)
        inv = ops.rsqrt(ops.add(variance, self.epsilon))
        if self.gamma is not None:
            inv = ops.multiply(inv, ops.reshape(self.gamma, self._weight_shape))
        shift = ops.negative(ops.multiply(mean, inv))
        if self.beta is not None:
            shift = ops.add(shift, ops.reshape(self.beta, self._weight_shape))
        out = ops.add(ops.multiply(grouped, inv), shift)
        out = ops.reshape(out, (-1, *shape[1:]))
        return ops.cast(out, self.compute_dtype) if self._upcast else out

    def get_config(self):
        return {
            **super().get_config(),
            "groups": self.groups,
            "axis": self.axis,
            "epsilon": self.epsilon,
            **self._affine_config(),
        }


class UnitNormalization(_Normalization):
    """Scales each sample to unit L2 norm along ``axis``.

    Args:
        axis: int or list of ints (default -1).

    Example:
        >>> out = lamina.layers.UnitNormalization()(np.array([[3.0, 4.0]]))
        >>> print(lamina.ops.convert_to_numpy(out))
        [[0.6 0.8]]
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = _axis_argument("UnitNormalization", axis)
        self._axis = tuple(self.axis) if isinstance(self.axis, list) else self.axis
        self._upcast = self.compute_dtype in _HALF

    def build(self, input_shape):
        ndim = len(input_shape)
        for a in self.axis if isinstance(self.axis, list) else [self.axis]:
            _check_axis(f"UnitNormalization layer {self.name!r}", a, ndim, input_shape)
        self.built = True

    def call(self, inputs):
        x = ops.cast(inputs, "float32") if self._upcast else inputs
        out = ops.normalize(x, axis=self._axis, order=2, epsilon=1e-12)
        return ops.cast(out, self.compute_dtype) if self._upcast else out

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
