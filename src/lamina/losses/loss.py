"""`Loss`: the base of every loss class, with Keras 3's reductions and sample weights."""

from __future__ import annotations

from lamina import ops
from lamina.backend.common import dtypes

REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


class Loss:
    """Base loss: subclasses define ``call(y_true, y_pred)`` returning per-sample losses.

    Args:
        name: the loss name. reduction: ``"sum_over_batch_size"`` (default), ``"sum"``,
            ``"mean"``, ``"mean_with_sample_weight"``, ``"none"`` or None.
        dtype: the dtype of the computation (default `lamina.config.floatx()`).

    Example:
        >>> class MeanError(keras.losses.Loss):
        ...     def call(self, y_true, y_pred):
        ...         return keras.ops.mean(keras.ops.subtract(y_pred, y_true), axis=-1)
        >>> MeanError()([[0.0, 1.0], [1.0, 1.0]], [[2.0, 1.0], [1.0, 4.0]])
        array(1.25, dtype=float32)
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        if reduction not in REDUCTIONS:
            raise ValueError(
                f"`reduction` must be one of {REDUCTIONS}. Received: reduction={reduction!r}"
            )
        from lamina.utils import naming

        self.name = name or naming.to_snake_case(type(self).__name__)
        self.reduction = reduction
        self._dtype = dtypes.standardize_dtype(dtype)

    @property
    def dtype(self):
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.convert_to_tensor(y_pred)
        if ops.dtype(y_pred) != self._dtype:  # integers too: the loss dtype is a float
            y_pred = ops.cast(y_pred, self._dtype)
        y_true = ops.convert_to_tensor(y_true)
        losses = self.call(y_true, y_pred)
        return reduce_weighted_values(losses, sample_weight, self.reduction, self._dtype)

    def call(self, y_true, y_pred):
        raise TypeError(f"{type(self).__name__} must define `call(y_true, y_pred)`.")

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction, "dtype": self._dtype}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


def reduce_weighted_values(values, sample_weight=None, reduction="sum_over_batch_size", dtype=None):
    """Apply ``sample_weight`` (broadcast over trailing axes) and reduce as Keras does.

    Example:
        >>> losses, weights = np.array([1.0, 2.0, 3.0]), np.array([1.0, 0.0, 1.0])
        >>> keras.losses.reduce_weighted_values(losses, weights, reduction="sum")
        array(4.)
        >>> keras.losses.reduce_weighted_values(losses, weights, reduction="sum_over_batch_size")
        array(1.33333333)
    """
    if dtype is None or ops.dtype(values) != dtype:
        dtype = dtype or ops.dtype(values)
        values = ops.cast(values, dtype)
    if sample_weight is not None:
        sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        while len(static_shape(sample_weight)) < len(static_shape(values)):
            sample_weight = ops.expand_dims(sample_weight, -1)
        values = ops.multiply(values, sample_weight)
    if reduction is None or reduction == "none":
        return values
    total = ops.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        return ops.divide_no_nan(total, ops.sum(ops.multiply(sample_weight, ops.ones_like(values))))
    count = 1
    for d in ops.shape(values):
        count = count * d
    if isinstance(count, int) and count > 0:  # known and non-zero: a plain division
        return ops.divide(total, float(count))
    return ops.divide_no_nan(total, ops.cast(count, dtype))


def static_shape(x) -> tuple:
    """``x``'s shape with ints where known statically and None elsewhere."""
    return tuple(d if isinstance(d, int) else None for d in getattr(x, "shape", ()))


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Match ranks that differ by a trailing axis of size 1, as Keras does.

    Rank-1 against ``(n, 1)``: the rank-1 side gains the axis (with ``expand_rank_1``);
    otherwise the side with the extra unit axis loses it.
    """
    s1, s2 = static_shape(x1), static_shape(x2)
    if len(s1) == len(s2) + 1 and s1[-1] == 1:
        if len(s2) == 1 and expand_rank_1:
            x2 = ops.expand_dims(x2, -1)
        else:
            x1 = ops.squeeze(x1, axis=-1)
    elif len(s2) == len(s1) + 1 and s2[-1] == 1:
        if len(s1) == 1 and expand_rank_1:
            x1 = ops.expand_dims(x1, -1)
        else:
            x2 = ops.squeeze(x2, axis=-1)
    return x1, x2
