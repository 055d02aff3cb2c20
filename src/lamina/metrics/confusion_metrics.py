"""Confusion-matrix metrics: true/false positive/negative counts, Precision, Recall, AUC and the
"X at fixed Y" metrics, all accumulated at one or more thresholds."""

from __future__ import annotations

import numpy as np

from lamina import config, ops
from lamina.metrics import metrics_utils as mu
from lamina.metrics.metric import Metric


class _ConfusionMatrixConditionCount(Metric):
    """The weighted count of one confusion-matrix condition at each threshold."""

    _condition = mu.TRUE_POSITIVES

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = mu.parse_thresholds(thresholds, default_threshold=0.5)
        self._evenly = mu.evenly_distributed(self.thresholds)
        self.accumulator = self.add_variable((len(self.thresholds),), name="accumulator")

    def update_state(self, y_true, y_pred, sample_weight=None):
        mu.update_confusion_matrix_variables(
            {self._condition: self.accumulator},
            y_true,
            y_pred,
            self.thresholds,
            sample_weight=sample_weight,
            thresholds_distributed_evenly=self._evenly,
        )

    def result(self):
        if len(self.thresholds) == 1:
            return self.accumulator.value[0]
        return self.accumulator.value

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixConditionCount):
    """The weighted number of true positives (``y_pred > threshold`` and ``y_true`` nonzero).

    Args:
        thresholds: a float or list of floats in [0, 1]. Defaults to 0.5.

    Example:
        >>> m = keras.metrics.TruePositives()
        >>> m.update_state(np.array([0, 1, 1, 1]), np.array([1.0, 0.0, 1.0, 1.0]))
        >>> float(m.result())
        2.0
    """

    _condition = mu.TRUE_POSITIVES


class FalsePositives(_ConfusionMatrixConditionCount):
    """The weighted number of false positives. Args as in `TruePositives`.

    Example:
        >>> m = keras.metrics.FalsePositives()
        >>> m.update_state([0, 1, 0, 0], [0.0, 0.0, 1.0, 1.0])
        >>> float(m.result())
        2.0
    """

    _condition = mu.FALSE_POSITIVES


class TrueNegatives(_ConfusionMatrixConditionCount):
    """The weighted number of true negatives. Args as in `TruePositives`.

    Example:
        >>> m = keras.metrics.TrueNegatives()
        >>> m.update_state([0, 1, 0, 0], [1.0, 1.0, 0.0, 0.0])
        >>> float(m.result())
        2.0
    """

    _condition = mu.TRUE_NEGATIVES


class FalseNegatives(_ConfusionMatrixConditionCount):
    """The weighted number of false negatives. Args as in `TruePositives`.

    Example:
        >>> m = keras.metrics.FalseNegatives()
        >>> m.update_state([0, 1, 1, 1], [0.0, 1.0, 0.0, 0.0])
        >>> float(m.result())
        2.0
    """

    _condition = mu.FALSE_NEGATIVES


class _PrecisionRecall(Metric):
    _other = mu.FALSE_POSITIVES

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default = 0.5 if top_k is None else mu.NEG_INF
        self.thresholds = mu.parse_thresholds(thresholds, default_threshold=default)
        self._evenly = mu.evenly_distributed(self.thresholds)
        n = len(self.thresholds)
        self.true_positives = self.add_variable((n,), name="true_positives")
        other_name = "false_positives" if self._other == mu.FALSE_POSITIVES else "false_negatives"
        self._other_variable = self.add_variable((n,), name=other_name)
        setattr(self, other_name, self._other_variable)

    def update_state(self, y_true, y_pred, sample_weight=None):
        mu.update_confusion_matrix_variables(
            {mu.TRUE_POSITIVES: self.true_positives, self._other: self._other_variable},
            y_true,
            y_pred,
            self.thresholds,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
            thresholds_distributed_evenly=self._evenly,
        )

    def result(self):
        tp = self.true_positives.value
        out = ops.divide_no_nan(tp, ops.add(tp, self._other_variable.value))
        return out[0] if len(self.thresholds) == 1 else out

    def get_config(self):
        return {
            **super().get_config(),
            "thresholds": self.init_thresholds,
            "top_k": self.top_k,
            "class_id": self.class_id,
        }


class Precision(_PrecisionRecall):
    """``true_positives / (true_positives + false_positives)``.

    Args:
        thresholds: a float or list of floats in [0, 1]; a prediction is positive above it.
            Defaults to 0.5 (or, with ``top_k``, any score in the top k).
        top_k: only the ``k`` highest predictions of each sample count as positive.
        class_id: compute the metric for this class only (predictions of shape
            ``(batch, num_classes)``).

    Example:
        >>> m = keras.metrics.Precision()
        >>> m.update_state(np.array([0, 1, 1, 1]), np.array([1.0, 0.0, 1.0, 1.0]))
        >>> round(float(m.result()), 4)
        0.6667
    """

    _other = mu.FALSE_POSITIVES

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(thresholds, top_k, class_id, name=name or "precision", dtype=dtype)


class Recall(_PrecisionRecall):
    """``true_positives / (true_positives + false_negatives)``. Args as in `Precision`.

    Example:
        >>> m = keras.metrics.Recall()
        >>> m.update_state(np.array([0, 1, 1, 1]), np.array([1.0, 0.0, 1.0, 1.0]))
        >>> round(float(m.result()), 4)
        0.6667
    """

    _other = mu.FALSE_NEGATIVES

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(thresholds, top_k, class_id, name=name or "recall", dtype=dtype)


class _AllCounts(Metric):
    """Holds tp/fp/tn/fn at evenly spaced thresholds (base of the "X at fixed Y" metrics)."""

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if not isinstance(num_thresholds, int) or num_thresholds <= 0:
            raise ValueError(
                f"`num_thresholds` must be an integer > 0. Received: num_thresholds={num_thresholds!r}"
            )
        self.value = value
        self.class_id = class_id
        self.num_thresholds = num_thresholds
        if num_thresholds == 1:
            self.thresholds = [0.5]
            self._evenly = False
        else:
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self.thresholds = [0.0] + inner + [1.0]
            self._evenly = True
        n = len(self.thresholds)
        self.true_positives = self.add_variable((n,), name="true_positives")
        self.false_positives = self.add_variable((n,), name="false_positives")
        self.true_negatives = self.add_variable((n,), name="true_negatives")
        self.false_negatives = self.add_variable((n,), name="false_negatives")

    def update_state(self, y_true, y_pred, sample_weight=None):
        mu.update_confusion_matrix_variables(
            {
                mu.TRUE_POSITIVES: self.true_positives,
                mu.TRUE_NEGATIVES: self.true_negatives,
                mu.FALSE_POSITIVES: self.false_positives,
                mu.FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            self.thresholds,
            class_id=self.class_id,
            sample_weight=sample_weight,
            thresholds_distributed_evenly=self._evenly,
        )

    def _rates(self):
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = ops.divide_no_nan(tp, ops.add(tp, fn))  # = sensitivity
        specificity = ops.divide_no_nan(tn, ops.add(tn, fp))
        precision = ops.divide_no_nan(tp, ops.add(tp, fp))
        return recall, specificity, precision

    def _max_where(self, constrained, dependent):
        feasible = ops.greater_equal(constrained, self.value)
        return ops.max(ops.where(feasible, dependent, ops.zeros_like(dependent)))

    def get_config(self):
        return {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "class_id": self.class_id,
        }


def _check_unit(arg, value):
    if not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"`{arg}` must be in the range [0, 1]. Received: {arg}={value!r}")


class SensitivityAtSpecificity(_AllCounts):
    """The best sensitivity (recall) among thresholds with specificity >= ``specificity``.

    Example:
        >>> m = keras.metrics.SensitivityAtSpecificity(0.5)
        >>> m.update_state([0, 0, 0, 1, 1], [0.0, 0.3, 0.8, 0.3, 0.8])
        >>> m.result()
        array(0.5, dtype=float32)
    """

    def __init__(self, specificity, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_unit("specificity", specificity)
        self.specificity = specificity
        super().__init__(
            specificity,
            num_thresholds,
            class_id,
            name=name or "sensitivity_at_specificity",
            dtype=dtype,
        )

    def result(self):
        recall, specificity, _ = self._rates()
        return self._max_where(specificity, recall)

    def get_config(self):
        return {**super().get_config(), "specificity": self.specificity}


class SpecificityAtSensitivity(_AllCounts):
    """The best specificity among thresholds with sensitivity >= ``sensitivity``.

    Example:
        >>> m = keras.metrics.SpecificityAtSensitivity(0.5)
        >>> m.update_state([0, 0, 0, 1, 1], [0.0, 0.3, 0.8, 0.3, 0.8])
        >>> round(float(m.result()), 4)
        0.6667
    """

    def __init__(self, sensitivity, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_unit("sensitivity", sensitivity)
        self.sensitivity = sensitivity
        super().__init__(
            sensitivity,
            num_thresholds,
            class_id,
            name=name or "specificity_at_sensitivity",
            dtype=dtype,
        )

    def result(self):
        recall, specificity, _ = self._rates()
        return self._max_where(recall, specificity)

    def get_config(self):
        return {**super().get_config(), "sensitivity": self.sensitivity}


class PrecisionAtRecall(_AllCounts):
    """The best precision among thresholds with recall >= ``recall``.

    Example:
        >>> m = keras.metrics.PrecisionAtRecall(0.5)
        >>> m.update_state([0, 0, 0, 1, 1], [0.0, 0.3, 0.8, 0.3, 0.8])
        >>> m.result()
        array(0.5, dtype=float32)
    """

    def __init__(self, recall, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_unit("recall", recall)
        self.recall = recall
        super().__init__(
            recall, num_thresholds, class_id, name=name or "precision_at_recall", dtype=dtype
        )

    def result(self):
        recall, _, precision = self._rates()
        return self._max_where(recall, precision)

    def get_config(self):
        return {**super().get_config(), "recall": self.recall}


class RecallAtPrecision(_AllCounts):
    """The best recall among thresholds with precision >= ``precision``.

    Example:
        >>> m = keras.metrics.RecallAtPrecision(0.8)
        >>> m.update_state([0, 0, 1, 1], [0.0, 0.5, 0.3, 0.9])
        >>> m.result()
        array(0.5, dtype=float32)
    """

    def __init__(self, precision, num_thresholds=200, class_id=None, name=None, dtype=None):
        _check_unit("precision", precision)
        self.precision = precision
        super().__init__(
            precision, num_thresholds, class_id, name=name or "recall_at_precision", dtype=dtype
        )

    def result(self):
        recall, _, precision = self._rates()
        return self._max_where(precision, recall)

    def get_config(self):
        return {**super().get_config(), "precision": self.precision}


_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


class AUC(Metric):
    """Area under the ROC or precision-recall curve, by a Riemann sum over thresholds.

    Args:
        num_thresholds: how many thresholds discretize the curve (> 1). Defaults to 200.
        curve: ``"ROC"`` (default), ``"PR"`` or ``"PRGAIN"``.
        summation_method: ``"interpolation"`` (default; the exact interpolation of Davis &
            Goadrich for PR), ``"majoring"`` or ``"minoring"``.
        thresholds: explicit thresholds in [0, 1] instead of evenly spaced ones.
        multi_label: treat each column of ``y_pred`` as its own label and average the AUCs.
        num_labels: the number of labels with ``multi_label`` (else set by the first batch).
        label_weights: per-label weights (the average with ``multi_label``, the counts else).
        from_logits: apply a sigmoid to ``y_pred`` first.

    Example:
        >>> m = keras.metrics.AUC(num_thresholds=3)
        >>> m.update_state(np.array([0, 0, 1, 1]), np.array([0.0, 0.5, 0.3, 0.9]))
        >>> float(m.result())
        0.75
    """

    def __init__(
        self,
        num_thresholds=200,
        curve="ROC",
        summation_method="interpolation",
        name=None,
        dtype=None,
        thresholds=None,
        multi_label=False,
        num_labels=None,
        label_weights=None,
        from_logits=False,
    ):
        if str(curve).lower() not in _CURVES:
            raise ValueError(
                f"`curve` must be one of 'ROC', 'PR', 'PRGAIN'. Received: curve={curve!r}"
            )
        if str(summation_method).lower() not in _SUMMATIONS:
            raise ValueError(
                f"`summation_method` must be one of {_SUMMATIONS}. "
                f"Received: summation_method={summation_method!r}"
            )
        super().__init__(name=name or "auc", dtype=dtype)
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(float(t) for t in thresholds)
            self.num_thresholds = len(inner) + 2
            self._evenly = mu.evenly_distributed([0.0] + inner + [1.0])
        else:
            if not isinstance(num_thresholds, int) or num_thresholds <= 1:
                raise ValueError(
                    "`num_thresholds` must be an integer > 1. "
                    f"Received: num_thresholds={num_thresholds!r}"
                )
            self.num_thresholds = num_thresholds
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            self._evenly = True
        eps = config.epsilon()
        self._thresholds = np.array([0.0 - eps] + inner + [1.0 + eps])
        self.curve = _CURVES[str(curve).lower()]
        self.summation_method = str(summation_method).lower()
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else list(label_weights)
        self._from_logits = from_logits
        self._built = False
        if not multi_label:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self.build(None)
        elif num_labels:
            self.build((None, num_labels))

    @property
    def thresholds(self):
        return list(self._thresholds)

    def build(self, y_pred_shape):
        """Create the count variables (with ``multi_label``, for ``y_pred_shape[1]`` labels)."""
        if self.multi_label:
            if y_pred_shape is None or len(y_pred_shape) != 2:
                raise ValueError(
                    "`AUC(multi_label=True)` needs y_pred of rank 2 (batch, num_labels). "
                    f"Received: y_pred.shape={y_pred_shape}"
                )
            self._num_labels = y_pred_shape[1]
            shape = (self.num_thresholds, self._num_labels)
        else:
            shape = (self.num_thresholds,)
        self.true_positives = self.add_variable(shape, name="true_positives")
        self.false_positives = self.add_variable(shape, name="false_positives")
        self.true_negatives = self.add_variable(shape, name="true_negatives")
        self.false_negatives = self.add_variable(shape, name="false_negatives")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.convert_to_tensor(y_pred)
        if not self._built:
            self.build(tuple(y_pred.shape))
        if self._from_logits:
            y_pred = ops.sigmoid(y_pred)
        label_weights = None if self.multi_label else self.label_weights
        mu.update_confusion_matrix_variables(
            {
                mu.TRUE_POSITIVES: self.true_positives,
                mu.TRUE_NEGATIVES: self.true_negatives,
                mu.FALSE_POSITIVES: self.false_positives,
                mu.FALSE_NEGATIVES: self.false_negatives,
            },
            y_true,
            y_pred,
            self._thresholds,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=label_weights,
            thresholds_distributed_evenly=self._evenly,
        )

    def _average_over_labels(self, per_threshold_terms):
        if not self.multi_label:
            return ops.sum(per_threshold_terms)
        by_label = ops.sum(per_threshold_terms, axis=0)
        if self.label_weights is None:
            return ops.mean(by_label)
        weights = ops.convert_to_tensor(np.asarray(self.label_weights), dtype=self.dtype)
        return ops.divide_no_nan(ops.sum(ops.multiply(by_label, weights)), ops.sum(weights))

    def _interpolate_pr_auc(self):
        # Davis & Goadrich (2006): precision is interpolated between thresholds in TP space.
        n = self.num_thresholds
        tp, fp, fn = (
            self.true_positives.value,
            self.false_positives.value,
            self.false_negatives.value,
        )
        dtp = ops.subtract(tp[: n - 1], tp[1:])
        p = ops.add(tp, fp)
        dp = ops.subtract(p[: n - 1], p[1:])
        slope = ops.divide_no_nan(dtp, ops.maximum(dp, 0))
        intercept = ops.subtract(tp[1:], ops.multiply(slope, p[1:]))
        both_positive = ops.logical_and(ops.greater(p[: n - 1], 0), ops.greater(p[1:], 0))
        ratio = ops.where(
            both_positive,
            ops.divide_no_nan(p[: n - 1], ops.maximum(p[1:], 0)),
            ops.ones_like(p[1:]),
        )
        increment = ops.divide_no_nan(
            ops.multiply(slope, ops.add(dtp, ops.multiply(intercept, ops.log(ratio)))),
            ops.maximum(ops.add(tp[1:], fn[1:]), 0),
        )
        return self._average_over_labels(increment)

    def result(self):
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._interpolate_pr_auc()
        n = self.num_thresholds
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = ops.divide_no_nan(tp, ops.add(tp, fn))
        if self.curve == "ROC":
            x = ops.divide_no_nan(fp, ops.add(fp, tn))
            y = recall
        elif self.curve == "PR":
            x = recall
            y = ops.divide_no_nan(tp, ops.add(tp, fp))
        else:
            scale = ops.divide_no_nan(ops.add(tp, fn), ops.add(tn, fp))
            recall_gain = ops.subtract(1.0, ops.multiply(scale, ops.divide_no_nan(fn, tp)))
            precision_gain = ops.subtract(1.0, ops.multiply(scale, ops.divide_no_nan(fp, tp)))
            no_tp = ops.equal(tp, 0.0)
            x = ops.maximum(ops.where(no_tp, ops.zeros_like(tp), recall_gain), 0.0)
            y = ops.where(no_tp, ops.ones_like(tp), precision_gain)
        if self.summation_method == "interpolation":
            heights = ops.divide(ops.add(y[: n - 1], y[1:]), 2.0)
        elif self.summation_method == "minoring":
            heights = ops.minimum(y[: n - 1], y[1:])
        else:
            heights = ops.maximum(y[: n - 1], y[1:])
        return self._average_over_labels(ops.multiply(ops.subtract(x[: n - 1], x[1:]), heights))

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": self.label_weights,
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = [float(t) for t in self._thresholds[1:-1]]
        return config
