"""`Sum`, `Mean` and `MeanMetricWrapper`: the metrics that accumulate per-sample values."""

from __future__ import annotations

from lamina import ops
from lamina.losses.loss import squeeze_or_expand_to_same_rank, static_shape
from lamina.metrics.metric import Metric


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype):
    """Weighted per-sample values (rank <= 1) and the matching weights, as Keras reduces them.

    Axes of ``values`` beyond the weights' rank are reduced with ``reduce_fn`` first, then the
    weights multiply the values, then any remaining axes past the first are reduced.
    """
    values = ops.cast(values, dtype)
    if sample_weight is not None:
        sample_weight = ops.cast(ops.convert_to_tensor(sample_weight), dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        w_ndim, v_ndim = len(static_shape(sample_weight)), len(static_shape(values))
        if v_ndim > w_ndim:
            values = reduce_fn(values, axis=tuple(range(w_ndim, v_ndim)))
        sample_weight = ops.broadcast_to(sample_weight, ops.shape(values))
        values = ops.multiply(values, sample_weight)
        if w_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, w_ndim)))
    v_ndim = len(static_shape(values))
    if v_ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, v_ndim)))
    return values, sample_weight


class Sum(Metric):
    """The (weighted) sum of all values seen.

    Example:
        >>> m = keras.metrics.Sum()
        >>> m.update_state(np.array([1.0, 3.0, 5.0]))
        >>> float(m.result())
        9.0
    """

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, ops.sum, self.dtype)
        self.total.assign(ops.add(self.total.value, ops.sum(values)))

    def result(self):
        return ops.cast(self.total.value, self.dtype)


class Mean(Metric):
    """The (weighted) mean of all values seen: ``sum(w * v) / sum(w)``.

    Example:
        >>> m = keras.metrics.Mean()
        >>> m.update_state(np.array([1.0, 3.0, 5.0]), sample_weight=np.array([1.0, 1.0, 0.0]))
        >>> float(m.result())
        2.0
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable((), name="total")
        self.count = self.add_variable((), name="count")

    def update_state(self, values, sample_weight=None):
        values, sample_weight = reduce_to_samplewise_values(
            values, sample_weight, ops.mean, self.dtype
        )
        self.total.assign(ops.add(self.total.value, ops.sum(values)))
        if sample_weight is not None:
            num_samples = ops.sum(sample_weight)
        elif static_shape(values):
            num_samples = ops.shape(values)[0]
        else:
            num_samples = 1
        self.count.assign(ops.add(self.count.value, ops.cast(num_samples, self.dtype)))

    def result(self):
        return ops.divide_no_nan(self.total.value, ops.cast(self.count.value, self.dtype))

    def _add_batch_mean(self, value, count):
        """``update_state(value, sample_weight=count)`` for a scalar ``value`` and an int
        ``count``, in two operations: the loss tracker's per-step update."""
        value = ops.cast(value, self.dtype)
        if not isinstance(count, int):  # a scalar tensor: the batch size is known at run time
            count = ops.cast(count, self.dtype)
        self.total.assign_add(ops.multiply(value, count))
        self.count.assign_add(count)


class MeanMetricWrapper(Mean):
    """The running mean of ``fn(y_true, y_pred, **kwargs)`` over all samples seen.

    Args:
        fn: a function of ``(y_true, y_pred)`` returning per-sample values.
        name: the metric's name. dtype: the dtype of its state.
        **kwargs: keyword arguments passed on to ``fn``.

    Example:
        >>> m = keras.metrics.MeanMetricWrapper(keras.losses.mean_squared_error)
        >>> m.update_state(np.zeros((2, 2)), np.ones((2, 2)))
        >>> float(m.result())
        1.0
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name or "mean_metric_wrapper", dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        values = self._fn(y_true, y_pred, **self._fn_kwargs)
        return super().update_state(values, sample_weight=sample_weight)

    def get_config(self):
        config = super().get_config()
        if type(self) is MeanMetricWrapper:
            config["fn"] = getattr(self._fn, "__name__", None)
        config.update(self._fn_kwargs)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if "fn" in config:
            fn = config["fn"]
            if custom_objects and fn in custom_objects:
                config["fn"] = custom_objects[fn]
            else:
                from lamina.metrics import _metric_function

                config["fn"] = _metric_function(fn)
        return cls(**config)
