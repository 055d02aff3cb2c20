"""The loss classes: Keras 3's `Loss` classes, each wrapping a function of `functions` and
adding the reduction and sample weights of `Loss`.
"""

from __future__ import annotations

from lamina import ops
from lamina.losses.functions import (
    binary_crossentropy,
    binary_focal_crossentropy,
    categorical_crossentropy,
    categorical_hinge,
    cosine_similarity,
    hinge,
    huber,
    kl_divergence,
    log_cosh,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    poisson,
    sparse_categorical_crossentropy,
    squared_hinge,
)
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
