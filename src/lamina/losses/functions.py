"""The loss functions: Keras 3's ``(y_true, y_pred) -> per-sample losses`` (the last axis
reduced), with the label checks that name what was wrong; `losses` wraps them in classes.
"""

from __future__ import annotations

import warnings

from lamina import config, ops
from lamina.losses.loss import squeeze_or_expand_to_same_rank, static_shape


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
