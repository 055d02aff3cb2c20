"""Accuracy metrics: how often predictions match labels, in Keras 3's variants."""

from __future__ import annotations

from lamina import config, ops
from lamina.losses.loss import squeeze_or_expand_to_same_rank, static_shape
from lamina.metrics.reduction_metrics import MeanMetricWrapper


def _matches(condition):
    return ops.cast(condition, config.floatx())


def accuracy(y_true, y_pred):
    """1.0 where ``y_true == y_pred`` exactly, else 0.0.

    Example:
        >>> keras.metrics.accuracy([1, 2, 3], [1, 2, 0])
        array([1., 1., 0.], dtype=float32)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), ops.dtype(y_pred))
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    return _matches(ops.equal(y_true, y_pred))


def binary_accuracy(y_true, y_pred, threshold=0.5):
    """1.0 where ``y_pred > threshold`` agrees with the binary label ``y_true``.

    Example:
        >>> keras.metrics.binary_accuracy([1, 1, 0, 0], [0.98, 1.0, 0.0, 0.6])
        array([1., 1., 1., 0.], dtype=float32)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    y_pred = ops.cast(ops.greater(y_pred, threshold), ops.dtype(y_true))
    return _matches(ops.equal(y_true, y_pred))


def categorical_accuracy(y_true, y_pred):
    """1.0 where the arg-max of one-hot ``y_true`` equals the arg-max of ``y_pred``.

    Example:
        >>> y_true, y_pred = [[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]]
        >>> keras.metrics.categorical_accuracy(y_true, y_pred)
        array([0., 1.], dtype=float32)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    return _matches(ops.equal(ops.argmax(y_true, axis=-1), ops.argmax(y_pred, axis=-1)))


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the integer label ``y_true`` equals the arg-max of ``y_pred``.

    Example:
        >>> keras.metrics.sparse_categorical_accuracy([1, 0], [[0.2, 0.8], [0.3, 0.7]])
        array([1., 0.], dtype=float32)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    t_shape, p_shape = static_shape(y_true), static_shape(y_pred)
    if len(t_shape) == len(p_shape) and t_shape and t_shape[-1] == 1:
        y_true = ops.squeeze(y_true, axis=-1)
    predicted = ops.argmax(y_pred, axis=-1)
    y_true = ops.cast(y_true, ops.dtype(y_pred))
    matches = _matches(ops.equal(y_true, ops.cast(predicted, ops.dtype(y_pred))))
    m_shape = static_shape(matches)
    if len(m_shape) > 1 and m_shape[-1] == 1:
        matches = ops.squeeze(matches, axis=-1)
    return matches


def _in_top_k(targets, predictions, k):
    # The target's rank is 1 + the number of classes scored strictly higher (ties count as in).
    targets = ops.cast(targets, "int32")
    at_target = ops.take_along_axis(predictions, ops.expand_dims(targets, -1), axis=-1)
    higher = ops.sum(ops.cast(ops.greater(predictions, at_target), "int32"), axis=-1)
    return ops.less(higher, k)


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    """1.0 where the one-hot label's class is among the ``k`` highest predictions.

    Example:
        >>> y_true, y_pred = [[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]]
        >>> keras.metrics.top_k_categorical_accuracy(y_true, y_pred, k=1)
        array([0., 1.], dtype=float32)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.argmax(ops.convert_to_tensor(y_true), axis=-1)
    return _top_k_matches(y_true, y_pred, k)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5, from_sorted_ids=False):
    """1.0 where the integer label is among the ``k`` highest predictions (or, with
    ``from_sorted_ids``, among the first ``k`` ids of ``y_pred``).

    Example:
        >>> y_true, y_pred = [2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]]
        >>> keras.metrics.sparse_top_k_categorical_accuracy(y_true, y_pred, k=2)
        array([1., 1.], dtype=float32)
    """
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.convert_to_tensor(y_true)
    t_shape, p_shape = static_shape(y_true), static_shape(y_pred)
    if len(t_shape) == len(p_shape) and t_shape and t_shape[-1] == 1:
        y_true = ops.squeeze(y_true, axis=-1)
    if from_sorted_ids:
        ids = y_pred[..., :k]
        found = ops.any(
            ops.equal(ops.expand_dims(ops.cast(y_true, ops.dtype(ids)), -1), ids), axis=-1
        )
        return _matches(found)
    return _top_k_matches(y_true, y_pred, k)


def _top_k_matches(labels, y_pred, k):
    return _matches(_in_top_k(labels, y_pred, k))


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly.

    Example:
        >>> m = keras.metrics.Accuracy()
        >>> m.update_state([[1], [2], [3], [4]], [[0], [2], [3], [4]])
        >>> m.result()
        array(0.75, dtype=float32)
    """

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often ``y_pred > threshold`` matches binary labels.

    Args:
        threshold: the decision threshold on predictions. Defaults to 0.5.

    Example:
        >>> m = keras.metrics.BinaryAccuracy()
        >>> m.update_state([[1], [1], [0], [0]], [[0.98], [1.0], [0.0], [0.6]])
        >>> m.result()
        array(0.75, dtype=float32)
    """

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the arg-max of the prediction matches the one-hot label.

    Example:
        >>> m = keras.metrics.CategoricalAccuracy()
        >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]])
        >>> m.result()
        array(0.5, dtype=float32)
    """

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the arg-max of the prediction matches the integer label.

    Example:
        >>> m = keras.metrics.SparseCategoricalAccuracy()
        >>> m.update_state(np.array([1, 0]), np.array([[0.2, 0.8], [0.3, 0.7]]))
        >>> float(m.result())
        0.5
    """

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label's class is among the top ``k`` predictions.

    Args:
        k: how many of the highest predictions count. Defaults to 5.

    Example:
        >>> m = keras.metrics.TopKCategoricalAccuracy(k=1)
        >>> m.update_state([[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]])
        >>> m.result()
        array(0.5, dtype=float32)
    """

    def __init__(self, k=5, name="top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=k)
        self.k = k


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the top ``k`` predictions.

    Args:
        k: how many of the highest predictions count. Defaults to 5.
        from_sorted_ids: ``y_pred`` holds class ids sorted by score instead of scores.

    Example:
        >>> m = keras.metrics.SparseTopKCategoricalAccuracy(k=1)
        >>> m.update_state([2, 1], [[0.1, 0.9, 0.8], [0.05, 0.95, 0.0]])
        >>> m.result()
        array(0.5, dtype=float32)
    """

    def __init__(
        self, k=5, name="sparse_top_k_categorical_accuracy", dtype=None, from_sorted_ids=False
    ):
        super().__init__(
            sparse_top_k_categorical_accuracy,
            name=name,
            dtype=dtype,
            k=k,
            from_sorted_ids=from_sorted_ids,
        )
        self.k = k
        self.from_sorted_ids = from_sorted_ids
