"""Shared helpers of the confusion-matrix metrics (Precision, Recall, AUC, ...)."""

from __future__ import annotations

import numpy as np

from lamina import config, ops
from lamina.losses.loss import squeeze_or_expand_to_same_rank, static_shape

NEG_INF = -1e10

TRUE_POSITIVES = "tp"
FALSE_POSITIVES = "fp"
TRUE_NEGATIVES = "tn"
FALSE_NEGATIVES = "fn"
CONDITIONS = (TRUE_POSITIVES, FALSE_POSITIVES, TRUE_NEGATIVES, FALSE_NEGATIVES)


def parse_thresholds(thresholds, default_threshold=0.5) -> list:
    """``thresholds`` as a list of floats in [0, 1] (the default when None)."""
    if thresholds is None:
        return [default_threshold]
    values = list(thresholds) if isinstance(thresholds, (list, tuple, np.ndarray)) else [thresholds]
    invalid = [t for t in values if t is None or not 0 <= t <= 1]
    if invalid:
        raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")
    return [float(t) for t in values]


def evenly_distributed(thresholds) -> bool:
    """Whether ``thresholds`` are ``i / (n - 1)`` for i in 0..n-1 (n >= 3)."""
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=config.epsilon()))


def filter_top_k(x, k):
    """``x`` with every entry outside the top ``k`` of the last axis set to `NEG_INF`."""
    _, indices = ops.top_k(x, k)
    mask = ops.sum(ops.one_hot(indices, static_shape(x)[-1], dtype=ops.dtype(x)), axis=-2)
    return ops.add(ops.multiply(x, mask), ops.multiply(NEG_INF, ops.subtract(1.0, mask)))


def update_confusion_matrix_variables(
    variables,
    y_true,
    y_pred,
    thresholds,
    top_k=None,
    class_id=None,
    sample_weight=None,
    multi_label=False,
    label_weights=None,
    thresholds_distributed_evenly=False,
):
    """Add this batch's weighted confusion counts at each threshold to ``variables``.

    ``variables`` maps `TRUE_POSITIVES`, ... to Variables of shape ``(len(thresholds),)``, or
    ``(len(thresholds), num_labels)`` with ``multi_label``. A prediction is positive at a
    threshold when it is strictly greater; labels are positive when nonzero.
    """
    unknown = [key for key in variables if key not in CONDITIONS]
    if unknown or not variables:
        raise ValueError(
            f"Confusion-matrix variables must be keyed by {CONDITIONS}. Received: {list(variables)}"
        )
    dtype = next(iter(variables.values())).dtype
    y_true = ops.cast(ops.convert_to_tensor(y_true), dtype)
    y_pred = ops.cast(ops.convert_to_tensor(y_pred), dtype)
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    if sample_weight is not None:
        sample_weight = ops.expand_dims(ops.cast(ops.convert_to_tensor(sample_weight), dtype), -1)
        _, sample_weight = squeeze_or_expand_to_same_rank(
            y_true, sample_weight, expand_rank_1=False
        )
    if top_k is not None:
        y_pred = filter_top_k(y_pred, top_k)
    if class_id is not None:
        if len(static_shape(y_pred)) < 2:
            raise ValueError(
                "With `class_id`, y_pred must have shape (num_samples, num_classes). "
                f"Received: y_pred.shape={static_shape(y_pred)}"
            )
        y_true = y_true[..., class_id : class_id + 1]
        y_pred = y_pred[..., class_id : class_id + 1]
    if thresholds_distributed_evenly:
        # Keras buckets predictions into evenly spaced thresholds after clipping to [0, 1].
        y_pred = ops.clip(y_pred, 0.0, 1.0)
    num_thresholds = len(thresholds)
    thresholds = ops.convert_to_tensor(np.asarray(thresholds, dtype=np.float64), dtype=dtype)

    weights = None
    if sample_weight is not None:
        weights = ops.broadcast_to(sample_weight, ops.shape(y_pred))
    if label_weights is not None and not multi_label:
        lw = ops.convert_to_tensor(np.asarray(label_weights, dtype=np.float64), dtype=dtype)
        lw = ops.broadcast_to(lw, ops.shape(y_pred))
        weights = lw if weights is None else ops.multiply(weights, lw)

    if multi_label:
        # (thresholds, samples, labels)
        preds = ops.expand_dims(y_pred, 0)
        labels = ops.expand_dims(ops.not_equal(y_true, 0), 0)
        thresh = ops.reshape(thresholds, (num_thresholds, 1, 1))
        if weights is not None:
            weights = ops.expand_dims(weights, 0)
    else:
        # (thresholds, all predictions flattened)
        preds = ops.reshape(y_pred, (1, -1))
        labels = ops.reshape(ops.not_equal(y_true, 0), (1, -1))
        thresh = ops.reshape(thresholds, (num_thresholds, 1))
        if weights is not None:
            weights = ops.reshape(weights, (1, -1))
    pred_pos = ops.greater(preds, thresh)
    pred_neg = ops.logical_not(pred_pos)
    label_neg = ops.logical_not(labels)
    pairs = {
        TRUE_POSITIVES: (labels, pred_pos),
        FALSE_POSITIVES: (label_neg, pred_pos),
        TRUE_NEGATIVES: (label_neg, pred_neg),
        FALSE_NEGATIVES: (labels, pred_neg),
    }
    for key, variable in variables.items():
        label, pred = pairs[key]
        both = ops.logical_and(label, pred)
        if weights is None:
            counts = ops.cast(both, dtype)
        else:
            counts = ops.where(both, weights, ops.zeros_like(weights))
        variable.assign(ops.add(variable.value, ops.sum(counts, axis=1)))
