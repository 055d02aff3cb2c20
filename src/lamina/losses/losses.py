"""The loss catalog: Keras 3's loss functions and the `Loss` classes that wrap them.

Each function maps ``(y_true, y_pred)`` to per-sample losses (the last axis reduced); each
class adds the reduction and sample weights of `Loss`.
"""

from __future__ import annotations

import warnings

from lamina import config, ops
from lamina.losses.loss import (
    Loss,
    reduce_weighted_values,
    squeeze_or_expand_to_same_rank,
    static_shape,
)


class LossFunctionWrapper(Loss):
    """A `Loss` around a function ``fn(y_true, y_pred, **kwargs)`` of per-sample losses.

    Example:
        >>> loss = keras.losses.LossFunctionWrapper(keras.losses.mean_squared_error)
        >>> loss([[0.0, 0.0]], [[1.0, 3.0]])
        array(5., dtype=float32)
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self) -> dict:
        config = super().get_config()
        if type(self) is LossFunctionWrapper:
            config["fn"] = _function_name(self.fn)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if "fn" in config:
            from lamina.losses import get

            fn = config["fn"]
            if custom_objects and isinstance(fn, str) and fn in custom_objects:
                config["fn"] = custom_objects[fn]
            else:
                config["fn"] = get(fn)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__}({getattr(self.fn, '__name__', self.fn)}, name={self.name})>"


def _function_name(fn):
    name = getattr(fn, "__name__", None)
    if name is None:
        raise TypeError(f"Cannot serialize the loss function {fn!r}: it has no `__name__`.")
    return name


# Regression ------------------------------------------------------------------------------


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squares of errors: ``mean(square(y_true - y_pred), axis=-1)``.

    Example:
        >>> y_true, y_pred = [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]
        >>> keras.losses.MeanSquaredError()(y_true, y_pred)
        array(0.5, dtype=float32)
        >>> keras.losses.MeanSquaredError()(y_true, y_pred, sample_weight=[0.7, 0.3])
        array(0.25, dtype=float32)
        >>> keras.losses.MeanSquaredError(reduction="sum")(y_true, y_pred)
        array(1., dtype=float32)
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, reduction=reduction, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors: ``mean(abs(y_true - y_pred), axis=-1)``.

    Example:
        >>> y_true, y_pred = [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]
        >>> keras.losses.MeanAbsoluteError()(y_true, y_pred)
        array(0.5, dtype=float32)
    """

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, reduction=reduction, dtype=dtype)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """``100 * mean(abs((y_true - y_pred) / max(abs(y_true), epsilon)), axis=-1)``.

    Example:
        >>> keras.losses.MeanAbsolutePercentageError()([[2.0, 4.0]], [[1.0, 5.0]])
        array(37.5, dtype=float32)
    """

    def __init__(
        self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error", dtype=None
    ):
        super().__init__(
            mean_absolute_percentage_error, name=name, reduction=reduction, dtype=dtype
        )


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """``mean(square(log(y_true + 1) - log(y_pred + 1)), axis=-1)`` (inputs floored at eps).

    Example:
        >>> y_true, y_pred = [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]]
        >>> round(float(keras.losses.MeanSquaredLogarithmicError()(y_true, y_pred)), 4)
        0.2402
    """

    def __init__(
        self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error", dtype=None
    ):
        super().__init__(
            mean_squared_logarithmic_error, name=name, reduction=reduction, dtype=dtype
        )


class CosineSimilarity(LossFunctionWrapper):
    """Negative cosine similarity along ``axis``: -1 for aligned vectors, 0 for orthogonal ones.

    Args:
        axis: the axis along which the similarity is computed. Defaults to -1.

    Example:
        >>> y_true, y_pred = [[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]]
        >>> round(float(keras.losses.CosineSimilarity()(y_true, y_pred)), 4)
        -0.5
    """

    def __init__(
        self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None
    ):
        super().__init__(cosine_similarity, name=name, reduction=reduction, dtype=dtype, axis=axis)


class Huber(LossFunctionWrapper):
    """Huber loss: quadratic for ``|error| <= delta``, linear beyond.

    Args:
        delta: where the loss changes from quadratic to linear. Defaults to 1.0.

    Example:
        >>> y_true, y_pred = [[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]]
        >>> round(float(keras.losses.Huber()(y_true, y_pred)), 4)
        0.155
    """

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, name=name, reduction=reduction, dtype=dtype, delta=delta)


class LogCosh(LossFunctionWrapper):
    """``mean(log(cosh(y_pred - y_true)), axis=-1)``: like MSE for small errors, MAE for large.

    Example:
        >>> y_true, y_pred = [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]]
        >>> round(float(keras.losses.LogCosh()(y_true, y_pred)), 4)
        0.1084
    """

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, name=name, reduction=reduction, dtype=dtype)


# Hinge -----------------------------------------------------------------------------------


class Hinge(LossFunctionWrapper):
    """``mean(maximum(1 - y_true * y_pred, 0), axis=-1)``; 0/1 labels are mapped to -1/1.

    Example:
        >>> y_true, y_pred = [[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]]
        >>> round(float(keras.losses.Hinge()(y_true, y_pred)), 4)
        1.3
    """

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, name=name, reduction=reduction, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    """``mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)``; 0/1 labels map to -1/1.

    Example:
        >>> y_true, y_pred = [[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]]
        >>> round(float(keras.losses.SquaredHinge()(y_true, y_pred)), 4)
        1.86
    """

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, reduction=reduction, dtype=dtype)


class CategoricalHinge(LossFunctionWrapper):
    """``maximum(max((1 - y_true) * y_pred) - sum(y_true * y_pred) + 1, 0)`` (one-hot labels).

    Example:
        >>> y_true, y_pred = [[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]]
        >>> round(float(keras.losses.CategoricalHinge()(y_true, y_pred)), 4)
        1.4
    """

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, reduction=reduction, dtype=dtype)


# Probabilistic ---------------------------------------------------------------------------


class KLDivergence(LossFunctionWrapper):
    """Kullback-Leibler divergence ``sum(y_true * log(y_true / y_pred), axis=-1)``.

    Example:
        >>> y_true, y_pred = [[0.0, 1.0], [0.0, 0.0]], [[0.6, 0.4], [0.4, 0.6]]
        >>> round(float(keras.losses.KLDivergence()(y_true, y_pred)), 4)
        0.4581
    """

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, name=name, reduction=reduction, dtype=dtype)


class Poisson(LossFunctionWrapper):
    """``mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)``.

    Example:
        >>> y_true, y_pred = [[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]]
        >>> round(float(keras.losses.Poisson()(y_true, y_pred)), 4)
        0.5
    """

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, name=name, reduction=reduction, dtype=dtype)


class BinaryCrossentropy(LossFunctionWrapper):
    """Cross-entropy between binary labels (0 or 1) and predicted probabilities (or logits).

    Args:
        from_logits: whether ``y_pred`` holds logits rather than probabilities.
        label_smoothing: in [0, 1]; labels are squeezed towards 0.5 by this amount.
        axis: the axis the mean is taken over. Defaults to -1.

    Example:
        >>> loss = keras.losses.BinaryCrossentropy()
        >>> round(float(loss([[0.0, 1.0]], [[0.4, 0.6]])), 4)
        0.5108
    """

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy down-weighting easy examples by ``(1 - p_t) ** gamma``.

    Args:
        apply_class_balancing: weight class 1 by ``alpha`` and class 0 by ``1 - alpha``.
        alpha: the class-1 weight when balancing. Defaults to 0.25.
        gamma: the focusing parameter. Defaults to 2.0.
        from_logits, label_smoothing, axis: as in `BinaryCrossentropy`.

    Example:
        >>> loss = keras.losses.BinaryFocalCrossentropy(gamma=2.0)
        >>> round(float(loss([[0.0, 1.0]], [[0.4, 0.6]])), 4)
        0.0817
    """

    def __init__(
        self,
        apply_class_balancing=False,
        alpha=0.25,
        gamma=2.0,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_focal_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_focal_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy between one-hot labels and predicted class probabilities (or logits).

    For integer class labels use `SparseCategoricalCrossentropy`.

    Args:
        from_logits: whether ``y_pred`` holds logits rather than probabilities.
        label_smoothing: in [0, 1]; labels become ``y * (1 - s) + s / num_classes``.
        axis: the class axis. Defaults to -1.

    Example:
        >>> loss = keras.losses.CategoricalCrossentropy()
        >>> round(float(loss([[0.0, 1.0]], [[0.5, 0.5]])), 4)
        0.6931
    """

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy between integer class labels and predicted probabilities (or logits).

    For one-hot labels use `CategoricalCrossentropy`.

    Args:
        from_logits: whether ``y_pred`` holds logits rather than probabilities.
        ignore_class: a class id whose samples contribute zero loss (e.g. padding), or None.
        axis: the class axis. Defaults to -1.

    Example:
        >>> loss = keras.losses.SparseCategoricalCrossentropy()
        >>> round(float(loss(np.array([1]), np.array([[0.5, 0.5]]))), 4)
        0.6931
    """

    def __init__(
        self,
        from_logits=False,
        ignore_class=None,
        reduction="sum_over_batch_size",
        axis=-1,
        name="sparse_categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def __call__(self, y_true, y_pred, sample_weight=None):
        if self.ignore_class is None:
            return super().__call__(y_true, y_pred, sample_weight)
        # As Keras: ignored entries weigh 0, and means are taken over the valid entries only.
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        y_true = ops.convert_to_tensor(y_true)
        losses = self.call(y_true, y_pred)
        if len(static_shape(y_true)) == len(static_shape(y_pred)):
            y_true = ops.squeeze(y_true, axis=self.axis)
        valid = ops.not_equal(y_true, ops.cast(self.ignore_class, ops.dtype(y_true)))
        valid = ops.reshape(valid, ops.shape(losses))
        if self.reduction in ("mean", "sum_over_batch_size"):
            valid_f = ops.cast(valid, self.dtype)
            total = ops.cast(ops.size(valid_f), self.dtype)
            scale = ops.divide_no_nan(total, ops.sum(valid_f))
            mask = ops.where(valid, scale, ops.zeros_like(scale))
        else:
            mask = ops.cast(valid, self.dtype)
        if sample_weight is not None:
            sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), self.dtype)
            mask, sample_weight = squeeze_or_expand_to_same_rank(mask, sample_weight)
            mask = ops.multiply(sample_weight, mask)
        return reduce_weighted_values(losses, mask, self.reduction, self.dtype)


# Functions -------------------------------------------------------------------------------


def _pair(y_true, y_pred):
    """``y_pred`` as a float tensor and ``y_true`` cast to its dtype, ranks matched."""
    y_pred = ops.convert_to_tensor(y_pred)
    if not _is_float(y_pred):
        y_pred = ops.cast(y_pred, config.floatx())
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    return squeeze_or_expand_to_same_rank(y_true, y_pred)


def _is_float(x):
    return "float" in str(ops.dtype(x))


def mean_squared_error(y_true, y_pred):
    """Per-sample mean squared error, ``mean(square(y_true - y_pred), axis=-1)``.

    Example:
        >>> keras.losses.mean_squared_error([[0.0, 2.0], [1.0, 1.0]], [[1.0, 1.0], [1.0, 1.0]])
        array([1., 0.], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.square(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """Per-sample mean absolute error, ``mean(abs(y_true - y_pred), axis=-1)``.

    Example:
        >>> keras.losses.mean_absolute_error([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [1.0, 0.0]])
        array([0.5, 0.5], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    return ops.mean(ops.absolute(ops.subtract(y_true, y_pred)), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """Per-sample ``100 * mean(abs((y_true - y_pred) / max(abs(y_true), eps)), axis=-1)``.

    Example:
        >>> keras.losses.mean_absolute_percentage_error([[2.0, 4.0]], [[1.0, 5.0]])
        array([37.5], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    eps = ops.cast(config.epsilon(), ops.dtype(y_pred))
    diff = ops.absolute(
        ops.divide(ops.subtract(y_true, y_pred), ops.maximum(ops.absolute(y_true), eps))
    )
    return ops.multiply(100.0, ops.mean(diff, axis=-1))


def mean_squared_logarithmic_error(y_true, y_pred):
    """Per-sample ``mean(square(log(y_pred + 1) - log(y_true + 1)), axis=-1)``.

    Example:
        >>> np.round(keras.losses.mean_squared_logarithmic_error([[0.0, 1.0]], [[1.0, 1.0]]), 4)
        array([0.2402], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    eps = ops.cast(config.epsilon(), ops.dtype(y_pred))
    first = ops.log(ops.add(ops.maximum(y_pred, eps), 1.0))
    second = ops.log(ops.add(ops.maximum(y_true, eps), 1.0))
    return ops.mean(ops.square(ops.subtract(first, second)), axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """Negative cosine similarity along ``axis`` (-1 for aligned vectors).

    Example:
        >>> keras.losses.cosine_similarity([[0.0, 1.0], [3.0, 4.0]], [[0.0, 2.0], [-3.0, -4.0]])
        array([-1.,  1.], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    y_pred = ops.normalize(y_pred, axis=axis)
    y_true = ops.normalize(y_true, axis=axis)
    return ops.negative(ops.sum(ops.multiply(y_true, y_pred), axis=axis))


def huber(y_true, y_pred, delta=1.0):
    """Per-sample Huber loss: ``0.5 * e**2`` where ``|e| <= delta``, else
    ``delta * |e| - 0.5 * delta**2``, averaged over the last axis.

    Example:
        >>> keras.losses.huber([[0.0, 0.0]], [[0.5, 3.0]], delta=1.0)
        array([1.3125], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    dtype = ops.dtype(y_pred)
    delta = ops.cast(delta, dtype)
    half = ops.cast(0.5, dtype)
    error = ops.subtract(y_pred, y_true)
    abs_error = ops.absolute(error)
    quadratic = ops.multiply(half, ops.square(error))
    linear = ops.subtract(ops.multiply(delta, abs_error), ops.multiply(half, ops.square(delta)))
    return ops.mean(ops.where(ops.less_equal(abs_error, delta), quadratic, linear), axis=-1)


def log_cosh(y_true, y_pred):
    """Per-sample ``mean(log(cosh(y_pred - y_true)), axis=-1)``, computed stably.

    Example:
        >>> np.round(keras.losses.log_cosh([[0.0, 1.0]], [[1.0, 1.0]]), 4)
        array([0.2169], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    x = ops.subtract(y_pred, y_true)
    log2 = ops.cast(0.6931471805599453, ops.dtype(y_pred))
    return ops.mean(ops.subtract(ops.add(x, ops.softplus(ops.multiply(x, -2.0))), log2), axis=-1)


def _hinge_labels(y_true):
    # 0/1 labels become -1/1; labels already in {-1, 1} (or anything else) pass unchanged.
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    return ops.where(is_binary, ops.subtract(ops.multiply(2.0, y_true), 1.0), y_true)


def hinge(y_true, y_pred):
    """Per-sample ``mean(maximum(1 - y_true * y_pred, 0), axis=-1)``.

    Example:
        >>> keras.losses.hinge([[0.0, 1.0]], [[-0.5, 0.5]])
        array([0.5], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = _hinge_labels(y_true)
    return ops.mean(ops.maximum(ops.subtract(1.0, ops.multiply(y_true, y_pred)), 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """Per-sample ``mean(square(maximum(1 - y_true * y_pred, 0)), axis=-1)``.

    Example:
        >>> keras.losses.squared_hinge([[0.0, 1.0]], [[-0.5, 0.5]])
        array([0.25], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    y_true = _hinge_labels(y_true)
    margin = ops.maximum(ops.subtract(1.0, ops.multiply(y_true, y_pred)), 0.0)
    return ops.mean(ops.square(margin), axis=-1)


def categorical_hinge(y_true, y_pred):
    """Per-sample ``maximum(neg - pos + 1, 0)`` with ``pos = sum(y_true * y_pred)`` and
    ``neg = max((1 - y_true) * y_pred)``.

    Example:
        >>> keras.losses.categorical_hinge([[0.0, 1.0]], [[0.5, 1.0]])
        array([0.5], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    pos = ops.sum(ops.multiply(y_true, y_pred), axis=-1)
    neg = ops.max(ops.multiply(ops.subtract(1.0, y_true), y_pred), axis=-1)
    return ops.maximum(ops.add(ops.subtract(neg, pos), 1.0), 0.0)


def kl_divergence(y_true, y_pred):
    """Per-sample ``sum(y_true * log(y_true / y_pred), axis=-1)``, both clipped to [eps, 1].

    Example:
        >>> np.round(keras.losses.kl_divergence([[0.5, 0.5]], [[0.25, 0.75]]), 4)
        array([0.1438], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    eps = config.epsilon()
    y_true = ops.clip(y_true, eps, 1)
    y_pred = ops.clip(y_pred, eps, 1)
    return ops.sum(ops.multiply(y_true, ops.log(ops.divide(y_true, y_pred))), axis=-1)


def poisson(y_true, y_pred):
    """Per-sample ``mean(y_pred - y_true * log(y_pred + eps), axis=-1)``.

    Example:
        >>> np.round(keras.losses.poisson([[1.0, 2.0]], [[1.0, 2.0]]), 4)
        array([0.8069], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    eps = ops.cast(config.epsilon(), ops.dtype(y_pred))
    return ops.mean(
        ops.subtract(y_pred, ops.multiply(y_true, ops.log(ops.add(y_pred, eps)))), axis=-1
    )


def _check_int_axis(name, axis):
    if not isinstance(axis, int) or isinstance(axis, bool):
        raise ValueError(f"`{name}`: `axis` must be an int. Received: axis={axis!r}")


def _shape_text(shape, batch_word=False):
    dims = ["batch" if (batch_word and i == 0) else str(d) for i, d in enumerate(shape)]
    return "(" + ", ".join(dims) + ("," if len(dims) == 1 else "") + ")"


def _check_one_hot_labels(y_true, y_pred, axis):
    """Integer labels given to categorical_crossentropy: say so, and how to fix it."""
    t_shape, p_shape = static_shape(y_true), static_shape(y_pred)
    if not p_shape:
        return
    num_classes = p_shape[axis]
    if num_classes is None or num_classes < 2:
        return
    class_axis = axis % len(p_shape)
    looks_sparse = len(t_shape) == len(p_shape) - 1 or (
        len(t_shape) == len(p_shape) and t_shape[class_axis] == 1
    )
    if looks_sparse:
        expected = _shape_text(p_shape, batch_word=True)
        raise ValueError(
            f"categorical_crossentropy expects one-hot labels of shape {expected}, but received "
            f"labels of shape {_shape_text(t_shape)}. For integer class labels use "
            "loss='sparse_categorical_crossentropy', or convert them with "
            f"lamina.utils.to_categorical(y, {num_classes})."
        )
    if (
        len(t_shape) == len(p_shape)
        and t_shape[class_axis] is not None
        and t_shape[class_axis] != num_classes
    ):
        raise ValueError(
            f"categorical_crossentropy expects labels of the same shape as the predictions, "
            f"{_shape_text(p_shape, batch_word=True)}, but received labels of shape "
            f"{_shape_text(t_shape)}: the labels have {t_shape[class_axis]} classes and the "
            f"predictions {num_classes}."
        )


def _check_sparse_labels(y_true, y_pred, axis):
    """One-hot labels given to sparse_categorical_crossentropy: say so, and how to fix it."""
    t_shape, p_shape = static_shape(y_true), static_shape(y_pred)
    if not p_shape:
        return
    num_classes = p_shape[axis]
    class_axis = axis % len(p_shape)
    if (
        len(t_shape) == len(p_shape)
        and num_classes is not None
        and num_classes > 1
        and t_shape[class_axis] == num_classes
    ):
        expected = list(p_shape)
        del expected[class_axis]
        raise ValueError(
            "sparse_categorical_crossentropy expects integer class labels of shape "
            f"{_shape_text(expected, batch_word=True)}, but received labels of shape "
            f"{_shape_text(t_shape)}, which look one-hot encoded. For one-hot labels use "
            "loss='categorical_crossentropy', or convert them with "
            "lamina.ops.argmax(y, axis=-1)."
        )


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Per-sample cross-entropy between one-hot ``y_true`` and ``y_pred`` along ``axis``.

    Example:
        >>> y_true, y_pred = [[0.0, 1.0], [1.0, 0.0]], [[0.5, 0.5], [0.9, 0.1]]
        >>> np.round(keras.losses.categorical_crossentropy(y_true, y_pred), 4)
        array([0.6931, 0.1054], dtype=float32)
    """
    _check_int_axis("categorical_crossentropy", axis)
    y_pred = ops.convert_to_tensor(y_pred)
    if not _is_float(y_pred):
        y_pred = ops.cast(y_pred, config.floatx())
    y_true = ops.convert_to_tensor(y_true)
    _check_one_hot_labels(y_true, y_pred, axis)
    y_true = ops.cast(y_true, ops.dtype(y_pred))
    p_shape = static_shape(y_pred)
    if p_shape and p_shape[-1] == 1:
        warnings.warn(
            "categorical_crossentropy expects y_pred of shape (batch, num_classes) with "
            f"num_classes > 1. Received: y_pred.shape={p_shape}. With 2 classes and one output, "
            "use 'binary_crossentropy'.",
            SyntaxWarning,
            stacklevel=2,
        )
    if label_smoothing:
        num_classes = ops.cast(ops.shape(y_true)[-1], ops.dtype(y_pred))
        y_true = ops.add(
            ops.multiply(y_true, 1.0 - label_smoothing), ops.divide(label_smoothing, num_classes)
        )
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Per-sample cross-entropy between integer class ``y_true`` and ``y_pred``.

    Example:
        >>> y_true, y_pred = np.array([1, 0]), np.array([[0.5, 0.5], [0.9, 0.1]])
        >>> np.round(keras.losses.sparse_categorical_crossentropy(y_true, y_pred), 4)
        array([0.6931, 0.1054])
    """
    _check_int_axis("sparse_categorical_crossentropy", axis)
    y_pred = ops.convert_to_tensor(y_pred)
    if not _is_float(y_pred):
        y_pred = ops.cast(y_pred, config.floatx())
    y_true = ops.convert_to_tensor(y_true)
    _check_sparse_labels(y_true, y_pred, axis)
    t_shape, p_shape = static_shape(y_true), static_shape(y_pred)
    if len(t_shape) == len(p_shape) and t_shape[axis] == 1:
        y_true = ops.squeeze(y_true, axis=axis)
    if ignore_class is None:
        return ops.sparse_categorical_crossentropy(
            y_true, y_pred, from_logits=from_logits, axis=axis
        )
    valid = ops.not_equal(y_true, ops.cast(ignore_class, ops.dtype(y_true)))
    y_true = ops.where(valid, y_true, ops.zeros_like(y_true))
    y_pred = ops.where(ops.expand_dims(valid, axis), y_pred, ops.zeros_like(y_pred))
    losses = ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)
    return ops.where(valid, losses, ops.zeros_like(losses))


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Per-sample binary cross-entropy, averaged over ``axis``.

    Example:
        >>> y_true, y_pred = [[0.0, 1.0], [1.0, 1.0]], [[0.4, 0.6], [0.9, 0.9]]
        >>> np.round(keras.losses.binary_crossentropy(y_true, y_pred), 4)
        array([0.5108, 0.1054], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if label_smoothing:
        y_true = ops.add(ops.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)
    return ops.mean(ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits), axis=axis)


def binary_focal_crossentropy(
    y_true,
    y_pred,
    apply_class_balancing=False,
    alpha=0.25,
    gamma=2.0,
    from_logits=False,
    label_smoothing=0.0,
    axis=-1,
):
    """Per-sample focal binary cross-entropy ``(1 - p_t) ** gamma * bce``, averaged over ``axis``.

    Example:
        >>> np.round(keras.losses.binary_focal_crossentropy([[0.0, 1.0]], [[0.4, 0.6]]), 4)
        array([0.0817], dtype=float32)
    """
    y_true, y_pred = _pair(y_true, y_pred)
    if label_smoothing:
        y_true = ops.add(ops.multiply(y_true, 1.0 - label_smoothing), 0.5 * label_smoothing)
    if from_logits:
        y_pred = ops.sigmoid(y_pred)
    bce = ops.binary_crossentropy(y_true, y_pred, from_logits=False)
    p_t = ops.add(
        ops.multiply(y_true, y_pred),
        ops.multiply(ops.subtract(1.0, y_true), ops.subtract(1.0, y_pred)),
    )
    focal = ops.multiply(ops.power(ops.subtract(1.0, p_t), gamma), bce)
    if apply_class_balancing:
        weight = ops.add(
            ops.multiply(y_true, alpha), ops.multiply(ops.subtract(1.0, y_true), 1.0 - alpha)
        )
        focal = ops.multiply(weight, focal)
    return ops.mean(focal, axis=axis)


# Short names, as in Keras.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kl_divergence
logcosh = log_cosh
