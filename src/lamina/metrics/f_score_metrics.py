"""`FBetaScore` and `F1Score`: the (weighted) harmonic mean of precision and recall."""

from __future__ import annotations

from lamina import config, ops
from lamina.metrics.metric import Metric

_AVERAGES = (None, "micro", "macro", "weighted")


class FBetaScore(Metric):
    """F-beta score ``(1 + beta**2) * P * R / (beta**2 * P + R)`` of multi-class predictions.

    Args:
        average: None (one score per class), ``"micro"`` (counts pooled over classes),
            ``"macro"`` (unweighted mean of class scores) or ``"weighted"`` (mean weighted by
            each class's number of true instances).
        beta: the weight of recall relative to precision (a float > 0). Defaults to 1.0.
        threshold: predictions above it are positive; None marks each sample's highest
            prediction as the positive class.

    Inputs are ``(batch, num_classes)``; the state is sized by the first batch.

    Example:
        >>> m = keras.metrics.FBetaScore(average="micro", beta=2.0, threshold=0.5)
        >>> m.update_state(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.9, 0.2], [0.6, 0.3]]))
        >>> round(float(m.result()), 4)
        0.5
    """

    def __init__(self, average=None, beta=1.0, threshold=None, name="fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if average not in _AVERAGES:
            raise ValueError(f"`average` must be one of {_AVERAGES}. Received: average={average!r}")
        if not isinstance(beta, float) or beta <= 0.0:
            raise ValueError(f"`beta` must be a Python float > 0. Received: beta={beta!r}")
        if threshold is not None and (
            not isinstance(threshold, float) or not 0.0 < threshold <= 1.0
        ):
            raise ValueError(
                f"`threshold` must be a Python float in (0, 1]. Received: threshold={threshold!r}"
            )
        self.average = average
        self.beta = beta
        self.threshold = threshold
        self.axis = None if average == "micro" else 0
        self._built = False

    def build(self, y_true_shape, y_pred_shape):
        """Create the state for ``(batch, num_classes)`` inputs."""
        if len(y_pred_shape) != 2 or len(y_true_shape) != 2:
            raise ValueError(
                f"{type(self).__name__} expects 2D inputs of shape (batch_size, num_classes). "
                f"Received: y_true.shape={tuple(y_true_shape)}, y_pred.shape={tuple(y_pred_shape)}"
            )
        num_classes = y_pred_shape[-1]
        if not isinstance(num_classes, int):
            raise ValueError(
                f"{type(self).__name__} needs a known number of classes (last axis). "
                f"Received: y_pred.shape={tuple(y_pred_shape)}"
            )
        shape = () if self.average == "micro" else (num_classes,)
        self.true_positives = self.add_variable(shape, name="true_positives")
        self.false_positives = self.add_variable(shape, name="false_positives")
        self.false_negatives = self.add_variable(shape, name="false_negatives")
        self.intermediate_weights = self.add_variable(shape, name="intermediate_weights")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.cast(ops.convert_to_tensor(y_true), self.dtype)
        y_pred = ops.cast(ops.convert_to_tensor(y_pred), self.dtype)
        if not self._built:
            self.build(tuple(y_true.shape), tuple(y_pred.shape))
        if self.threshold is None:
            highest = ops.max(y_pred, axis=-1, keepdims=True)
            positive = ops.logical_and(
                ops.greater_equal(y_pred, highest), ops.greater(ops.absolute(y_pred), 1e-9)
            )
        else:
            positive = ops.greater(y_pred, self.threshold)
        y_pred = ops.cast(positive, self.dtype)
        if sample_weight is not None:
            sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), self.dtype)

        def weighted_sum(values):
            if sample_weight is not None:
                values = ops.multiply(values, ops.expand_dims(sample_weight, 1))
            return ops.sum(values, axis=self.axis)

        not_pred = ops.subtract(1.0, y_pred)
        not_true = ops.subtract(1.0, y_true)
        for var, values in (
            (self.true_positives, ops.multiply(y_pred, y_true)),
            (self.false_positives, ops.multiply(y_pred, not_true)),
            (self.false_negatives, ops.multiply(not_pred, y_true)),
            (self.intermediate_weights, y_true),
        ):
            var.assign(ops.add(var.value, weighted_sum(values)))

    def result(self):
        if not self._built:
            raise ValueError(
                f"{type(self).__name__} has no result before its first `update_state`."
            )
        eps = config.epsilon()
        tp = self.true_positives.value
        precision = ops.divide(tp, ops.add(ops.add(tp, self.false_positives.value), eps))
        recall = ops.divide(tp, ops.add(ops.add(tp, self.false_negatives.value), eps))
        beta_sq = self.beta**2
        score = ops.divide(
            ops.multiply(precision, recall),
            ops.add(ops.add(ops.multiply(beta_sq, precision), recall), eps),
        )
        score = ops.multiply(score, 1 + beta_sq)
        if self.average == "weighted":
            weights = self.intermediate_weights.value
            weights = ops.divide(weights, ops.add(ops.sum(weights), eps))
            return ops.sum(ops.multiply(score, weights))
        if self.average is not None:
            return ops.mean(score)
        return score

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        return {
            **super().get_config(),
            "average": self.average,
            "beta": self.beta,
            "threshold": self.threshold,
        }


class F1Score(FBetaScore):
    """F1 score, the harmonic mean of precision and recall (`FBetaScore` with beta=1).

    Example:
        >>> m = keras.metrics.F1Score(average="macro", threshold=0.5)
        >>> m.update_state(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([[0.9, 0.2], [0.6, 0.7]]))
        >>> round(float(m.result()), 4)
        0.8333
    """

    def __init__(self, average=None, threshold=None, name="f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self):
        config = super().get_config()
        del config["beta"]
        return config
