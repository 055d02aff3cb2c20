"""Regression metrics: mean errors, cosine similarity and the R2 score."""

from __future__ import annotations

from lamina import ops
from lamina.losses import losses
from lamina.losses.loss import squeeze_or_expand_to_same_rank, static_shape
from lamina.metrics.metric import Metric
from lamina.metrics.reduction_metrics import Mean, MeanMetricWrapper


def cosine_similarity(y_true, y_pred, axis=-1):
    """Per-sample cosine similarity along ``axis`` (1 for aligned vectors)."""
    return ops.negative(losses.cosine_similarity(y_true, y_pred, axis=axis))


class MeanSquaredError(MeanMetricWrapper):
    """The mean of ``mean(square(y_true - y_pred), axis=-1)`` over samples.

    Example:
        >>> m = keras.metrics.MeanSquaredError()
        >>> m.update_state(np.zeros((2, 2)), np.ones((2, 2)))
        >>> float(m.result())
        1.0
    """

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(losses.mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """The mean of ``mean(abs(y_true - y_pred), axis=-1)`` over samples.

    Example:
        >>> m = keras.metrics.MeanAbsoluteError()
        >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        >>> m.result()
        array(0.25, dtype=float32)
    """

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(losses.mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """The mean absolute percentage error over samples.

    Example:
        >>> m = keras.metrics.MeanAbsolutePercentageError()
        >>> m.update_state([[2.0, 4.0]], [[1.0, 5.0]])
        >>> m.result()
        array(37.5, dtype=float32)
    """

    def __init__(self, name="mean_absolute_percentage_error", dtype=None):
        super().__init__(losses.mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """The mean squared logarithmic error over samples.

    Example:
        >>> m = keras.metrics.MeanSquaredLogarithmicError()
        >>> m.update_state([[0, 1], [0, 0]], [[1, 1], [0, 0]])
        >>> round(float(m.result()), 4)
        0.1201
    """

    def __init__(self, name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(losses.mean_squared_logarithmic_error, name=name, dtype=dtype)


class CosineSimilarity(MeanMetricWrapper):
    """The mean cosine similarity between labels and predictions along ``axis``.

    Example:
        >>> m = keras.metrics.CosineSimilarity()
        >>> m.update_state([[0.0, 1.0], [1.0, 1.0]], [[1.0, 0.0], [1.0, 1.0]])
        >>> round(float(m.result()), 4)
        0.5
    """

    def __init__(self, name="cosine_similarity", dtype=None, axis=-1):
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)


class LogCoshError(MeanMetricWrapper):
    """The mean of ``log(cosh(y_pred - y_true))`` over samples.

    Example:
        >>> m = keras.metrics.LogCoshError()
        >>> m.update_state([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]])
        >>> round(float(m.result()), 4)
        0.1084
    """

    def __init__(self, name="logcosh", dtype=None):
        super().__init__(losses.log_cosh, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """``sqrt(mean(square(y_true - y_pred)))`` over all values seen.

    Example:
        >>> m = keras.metrics.RootMeanSquaredError()
        >>> m.update_state(np.array([[0.0, 2.0]]), np.array([[0.0, 0.0]]))
        >>> round(float(m.result()), 4)
        1.4142
    """

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        error_sq = ops.square(ops.subtract(y_pred, y_true))
        return super().update_state(error_sq, sample_weight=sample_weight)

    def result(self):
        return ops.sqrt(super().result())


_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


class R2Score(Metric):
    """The coefficient of determination, ``1 - SS_res / SS_tot``, per output column.

    Args:
        class_aggregation: ``"uniform_average"`` (default), ``"variance_weighted_average"`` or
            None (one score per output).
        num_regressors: the number of independent variables, for the adjusted R2 score.

    Inputs are ``(batch, num_outputs)``; the state is sized by the first batch.

    Example:
        >>> m = keras.metrics.R2Score()
        >>> m.update_state(np.array([[1.0], [2.0], [3.0]]), np.array([[1.0], [2.0], [4.0]]))
        >>> float(m.result())
        0.5
    """

    def __init__(
        self, class_aggregation="uniform_average", num_regressors=0, name="r2_score", dtype=None
    ):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in _AGGREGATIONS:
            raise ValueError(
                f"`class_aggregation` must be one of {_AGGREGATIONS}. "
                f"Received: class_aggregation={class_aggregation!r}"
            )
        if not isinstance(num_regressors, int) or num_regressors < 0:
            raise ValueError(
                f"`num_regressors` must be an int >= 0. Received: num_regressors={num_regressors!r}"
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable((), name="num_samples")
        self._built = False

    def build(self, y_true_shape, y_pred_shape):
        """Create the per-output state for ``(batch, num_outputs)`` inputs."""
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                "R2Score expects 2D inputs of shape (batch_size, output_dim). Received: "
                f"y_true.shape={tuple(y_true_shape)}, y_pred.shape={tuple(y_pred_shape)}"
            )
        num_outputs = y_pred_shape[-1]
        if not isinstance(num_outputs, int):
            raise ValueError(
                f"R2Score needs a known output_dim. Received: y_pred.shape={tuple(y_pred_shape)}"
            )
        self.squared_sum = self.add_variable((num_outputs,), name="squared_sum")
        self.sum = self.add_variable((num_outputs,), name="sum")
        self.total_mse = self.add_variable((num_outputs,), name="residual")
        self.count = self.add_variable((num_outputs,), name="count")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        if not self._built:
            self.build(static_shape(y_true), static_shape(y_pred))
        if sample_weight is None:
            sample_weight = ops.ones_like(y_true)
        else:
            sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), self.dtype)
            if len(static_shape(sample_weight)) == 1:
                sample_weight = ops.expand_dims(sample_weight, 1)
            sample_weight = ops.broadcast_to(sample_weight, ops.shape(y_true))
        weighted = ops.multiply(y_true, sample_weight)
        residual = ops.multiply(ops.square(ops.subtract(y_true, y_pred)), sample_weight)
        self.sum.assign(ops.add(self.sum.value, ops.sum(weighted, axis=0)))
        self.squared_sum.assign(
            ops.add(self.squared_sum.value, ops.sum(ops.multiply(y_true, weighted), axis=0))
        )
        self.total_mse.assign(ops.add(self.total_mse.value, ops.sum(residual, axis=0)))
        self.count.assign(ops.add(self.count.value, ops.sum(sample_weight, axis=0)))
        self.num_samples.assign(
            ops.add(self.num_samples.value, ops.cast(ops.size(y_true), self.dtype))
        )

    def result(self):
        if not self._built:
            raise ValueError("R2Score has no result before its first `update_state`.")
        mean = ops.divide(self.sum.value, self.count.value)
        total = ops.subtract(self.squared_sum.value, ops.multiply(self.sum.value, mean))
        raw = ops.subtract(1.0, ops.divide(self.total_mse.value, total))
        raw = ops.where(ops.isinf(raw), ops.zeros_like(raw), raw)
        if self.class_aggregation == "uniform_average":
            score = ops.mean(raw)
        elif self.class_aggregation == "variance_weighted_average":
            score = ops.divide(ops.sum(ops.multiply(total, raw)), ops.sum(total))
        else:
            score = raw
        if self.num_regressors:
            # Adjusted R2; falls back to plain R2 where it is undefined (too few samples).
            n = self.num_samples.value
            p = float(self.num_regressors)
            denominator = ops.subtract(ops.subtract(n, p), 1.0)
            adjusted = ops.subtract(
                1.0,
                ops.divide(
                    ops.multiply(ops.subtract(1.0, score), ops.subtract(n, 1.0)),
                    ops.where(ops.greater(denominator, 0), denominator, 1.0),
                ),
            )
            score = ops.where(ops.greater(denominator, 0), adjusted, score)
        return score

    def get_config(self):
        return {
            **super().get_config(),
            "class_aggregation": self.class_aggregation,
            "num_regressors": self.num_regressors,
        }
