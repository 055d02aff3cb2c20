"""Probabilistic metrics: running means of cross-entropies, KL divergence and Poisson loss."""

from __future__ import annotations

from lamina.losses import losses
from lamina.metrics.reduction_metrics import MeanMetricWrapper


class KLDivergence(MeanMetricWrapper):
    """The mean Kullback-Leibler divergence between ``y_true`` and ``y_pred``.

    Example:
        >>> m = keras.metrics.KLDivergence()
        >>> m.update_state([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]])
        >>> round(float(m.result()), 4)
        0.4581
    """

    def __init__(self, name="kl_divergence", dtype=None):
        super().__init__(losses.kl_divergence, name=name, dtype=dtype)


class Poisson(MeanMetricWrapper):
    """The mean Poisson loss ``y_pred - y_true * log(y_pred)``.

    Example:
        >>> m = keras.metrics.Poisson()
        >>> m.update_state([[0.0, 1.0], [0.0, 0.0]], [[1.0, 1.0], [0.0, 0.0]])
        >>> round(float(m.result()), 4)
        0.5
    """

    def __init__(self, name="poisson", dtype=None):
        super().__init__(losses.poisson, name=name, dtype=dtype)


class BinaryCrossentropy(MeanMetricWrapper):
    """The mean binary cross-entropy.

    Args:
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: squeeze labels towards 0.5 by this amount.

    Example:
        >>> m = keras.metrics.BinaryCrossentropy()
        >>> m.update_state(np.array([[0.0, 1.0]]), np.array([[0.4, 0.6]]))
        >>> round(float(m.result()), 4)
        0.5108
    """

    def __init__(
        self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0
    ):
        super().__init__(
            losses.binary_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing


class CategoricalCrossentropy(MeanMetricWrapper):
    """The mean categorical cross-entropy of one-hot labels.

    Args:
        from_logits: whether ``y_pred`` holds logits.
        label_smoothing: smooth the one-hot labels by this amount.
        axis: the class axis. Defaults to -1.

    Example:
        >>> m = keras.metrics.CategoricalCrossentropy()
        >>> m.update_state([[0, 1, 0], [0, 0, 1]], [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]])
        >>> round(float(m.result()), 4)
        1.1769
    """

    def __init__(
        self,
        name="categorical_crossentropy",
        dtype=None,
        from_logits=False,
        label_smoothing=0,
        axis=-1,
    ):
        super().__init__(
            losses.categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The mean categorical cross-entropy of integer labels.

    Args:
        from_logits: whether ``y_pred`` holds logits.
        ignore_class: a class id whose samples count zero, or None.
        axis: the class axis. Defaults to -1.

    Example:
        >>> m = keras.metrics.SparseCategoricalCrossentropy()
        >>> m.update_state(np.array([1, 2]), np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]))
        >>> round(float(m.result()), 4)
        1.1769
    """

    def __init__(
        self,
        name="sparse_categorical_crossentropy",
        dtype=None,
        from_logits=False,
        ignore_class=None,
        axis=-1,
    ):
        super().__init__(
            losses.sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis
