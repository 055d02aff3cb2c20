"""The activation functions, with Keras 3's signatures and defaults.

Most are the `lamina.ops.nn` op of the same name; the few with extra options (`relu`) or no op
of their own (`mish`, `exponential`, `linear`, `tanh`) are written here with ops.
"""

from __future__ import annotations

from lamina import ops


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    """Rectified linear unit, with Keras's options.

    ``max(x, 0)`` by default; ``negative_slope`` scales values below ``threshold``,
    ``max_value`` caps the output, and values at or below ``threshold`` (when it is set)
    become ``negative_slope * (x - threshold)``.

    Example:
        >>> keras.activations.relu(np.array([-2.0, 1.0, 8.0]), max_value=6.0)
        array([0., 1., 6.])
    """
    if negative_slope == 0 and max_value is None and threshold == 0:
        return ops.relu(x)
    if negative_slope != 0 and max_value is None and threshold == 0:
        return ops.leaky_relu(x, negative_slope=negative_slope)
    x = ops.convert_to_tensor(x)
    dtype = ops.dtype(x)
    if threshold != 0:
        out = ops.threshold(x, threshold, 0)
    elif max_value == 6:
        out, max_value = ops.relu6(x), None
    else:
        out = ops.relu(x)
    if max_value is not None:
        out = ops.clip(out, ops.cast(0, dtype), ops.cast(max_value, dtype))
    if negative_slope != 0:
        below = ops.relu(ops.subtract(threshold, x)) if threshold != 0 else ops.relu(-x)
        out = ops.subtract(out, ops.multiply(ops.cast(negative_slope, dtype), below))
    return out


def relu6(x):
    """``min(max(x, 0), 6)``.

    Example:
        >>> keras.activations.relu6(np.array([-1.0, 3.0, 8.0]))
        array([0., 3., 6.])
    """
    return ops.relu6(x)


def leaky_relu(x, negative_slope=0.2):
    """``x`` for ``x >= 0``, ``negative_slope * x`` otherwise.

    Example:
        >>> keras.activations.leaky_relu(np.array([-2.0, 0.0, 3.0]), negative_slope=0.1)
        array([-0.2,  0. ,  3. ])
    """
    return ops.leaky_relu(x, negative_slope=negative_slope)


def elu(x, alpha=1.0):
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise.

    Example:
        >>> np.round(keras.activations.elu(np.array([-1.0, 0.0, 2.0])), 3)
        array([-0.632,  0.   ,  2.   ])
    """
    return ops.elu(x, alpha=alpha)


def selu(x):
    """Scaled ELU (``scale * elu(x, alpha)`` with the self-normalizing constants).

    Example:
        >>> np.round(keras.activations.selu(np.array([-1.0, 0.0, 1.0])), 3)
        array([-1.111,  0.   ,  1.051])
    """
    return ops.selu(x)


def celu(x, alpha=1.0):
    """Continuously differentiable ELU.

    Example:
        >>> np.round(keras.activations.celu(np.array([-1.0, 0.0, 2.0])), 3)
        array([-0.632,  0.   ,  2.   ])
    """
    return ops.celu(x, alpha=alpha)


def softplus(x):
    """``log(exp(x) + 1)``.

    Example:
        >>> np.round(keras.activations.softplus(np.array([-1.0, 0.0, 1.0])), 3)
        array([0.313, 0.693, 1.313])
    """
    return ops.softplus(x)


def softsign(x):
    """``x / (abs(x) + 1)``.

    Example:
        >>> keras.activations.softsign(np.array([-1.0, 0.0, 3.0]))
        array([-0.5 ,  0.  ,  0.75])
    """
    return ops.softsign(x)


def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``.

    Example:
        >>> keras.activations.squareplus(np.array([-1.5, 0.0, 1.5]))
        array([0.5, 1. , 2. ])
    """
    return ops.squareplus(x, b=b)


def soft_shrink(x, threshold=0.5):
    """``x - threshold`` above it, ``x + threshold`` below ``-threshold``, 0 between.

    Example:
        >>> keras.activations.soft_shrink(np.array([-1.0, 0.3, 2.0]))
        array([-0.5,  0. ,  1.5])
    """
    return ops.soft_shrink(x, threshold=threshold)


def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, 0 elsewhere.

    Example:
        >>> keras.activations.hard_shrink(np.array([-1.0, 0.3, 2.0]))
        array([-1.,  0.,  2.])
    """
    return ops.hard_shrink(x, threshold=threshold)


def sparse_plus(x):
    """0 below -1, ``(x + 1)**2 / 4`` on [-1, 1], ``x`` above 1.

    Example:
        >>> keras.activations.sparse_plus(np.array([-2.0, 0.0, 1.0, 3.0]))
        array([0.  , 0.25, 1.  , 3.  ])
    """
    return ops.sparse_plus(x)


def silu(x):
    """``x * sigmoid(x)`` (also called swish).

    Example:
        >>> np.round(keras.activations.silu(np.array([-1.0, 0.0, 1.0])), 3)
        array([-0.269,  0.   ,  0.731])
    """
    return ops.silu(x)


swish = silu


def gelu(x, approximate=False):
    """Gaussian error linear unit; exact by default (the activation), unlike `ops.gelu`.

    Example:
        >>> np.round(keras.activations.gelu(np.array([-1.0, 0.0, 1.0])), 4)
        array([-0.1587,  0.    ,  0.8413])
    """
    return ops.gelu(x, approximate=approximate)


def glu(x, axis=-1):
    """Gated linear unit: ``a * sigmoid(b)`` for the two halves of ``x`` along ``axis``.

    Example:
        >>> keras.activations.glu(np.array([[1.0, 2.0, 0.0, 0.0]]))
        array([[0.5, 1. ]])
    """
    return ops.glu(x, axis=axis)


def tanh(x):
    """Hyperbolic tangent.

    Example:
        >>> np.round(keras.activations.tanh(np.array([-1.0, 0.0, 1.0])), 3)
        array([-0.762,  0.   ,  0.762])
    """
    return ops.tanh(x)


def tanh_shrink(x):
    """``x - tanh(x)``.

    Example:
        >>> np.round(keras.activations.tanh_shrink(np.array([-1.0, 0.0, 2.0])), 3)
        array([-0.238,  0.   ,  1.036])
    """
    return ops.tanh_shrink(x)


def hard_tanh(x):
    """``x`` clipped to [-1, 1].

    Example:
        >>> keras.activations.hard_tanh(np.array([-2.0, 0.5, 3.0]))
        array([-1. ,  0.5,  1. ])
    """
    return ops.hard_tanh(x)


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, ``default_value`` elsewhere.

    Example:
        >>> keras.activations.threshold(np.array([-1.0, 0.5, 2.0]), 0.5, -9.0)
        array([-9., -9.,  2.])
    """
    return ops.threshold(x, threshold, default_value)


def sigmoid(x):
    """``1 / (1 + exp(-x))``.

    Example:
        >>> np.round(keras.activations.sigmoid(np.array([-1.0, 0.0, 1.0])), 3)
        array([0.269, 0.5  , 0.731])
    """
    return ops.sigmoid(x)


def sparse_sigmoid(x):
    """0 below -1, ``(x + 1) / 2`` on [-1, 1], 1 above.

    Example:
        >>> keras.activations.sparse_sigmoid(np.array([-2.0, 0.0, 0.5, 2.0]))
        array([0.  , 0.5 , 0.75, 1.  ])
    """
    return ops.sparse_sigmoid(x)


def exponential(x):
    """``exp(x)``.

    Example:
        >>> np.round(keras.activations.exponential(np.array([0.0, 1.0, 2.0])), 3)
        array([1.   , 2.718, 7.389])
    """
    return ops.exp(x)


def hard_sigmoid(x):
    """``relu6(x + 3) / 6``.

    Example:
        >>> keras.activations.hard_sigmoid(np.array([-3.0, 0.0, 1.5, 3.0]))
        array([0.  , 0.5 , 0.75, 1.  ])
    """
    return ops.hard_sigmoid(x)


def hard_silu(x):
    """``x * relu6(x + 3) / 6`` (also called hard swish).

    Example:
        >>> np.round(keras.activations.hard_silu(np.array([-1.0, 0.0, 1.0, 3.0])), 3)
        array([-0.333,  0.   ,  0.667,  3.   ])
    """
    return ops.hard_silu(x)


hard_swish = hard_silu


def linear(x):
    """The identity: ``x`` unchanged.

    Example:
        >>> keras.activations.linear(np.array([-1.0, 2.0]))
        array([-1.,  2.])
    """
    return x


def mish(x):
    """``x * tanh(softplus(x))``.

    Example:
        >>> np.round(keras.activations.mish(np.array([-1.0, 0.0, 1.0])), 3)
        array([-0.303,  0.   ,  0.865])
    """
    return ops.multiply(x, ops.tanh(ops.softplus(x)))


def log_sigmoid(x):
    """``log(sigmoid(x))``, computed stably.

    Example:
        >>> np.round(keras.activations.log_sigmoid(np.array([-1.0, 0.0, 1.0])), 3)
        array([-1.313, -0.693, -0.313])
    """
    return ops.log_sigmoid(x)


def softmax(x, axis=-1):
    """Softmax along ``axis``: non-negative values that sum to 1.

    Example:
        >>> np.round(keras.activations.softmax(np.array([[1.0, 2.0, 3.0]])), 3)
        array([[0.09 , 0.245, 0.665]])
    """
    return ops.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """Logarithm of the softmax along ``axis``.

    Example:
        >>> np.round(keras.activations.log_softmax(np.array([[1.0, 2.0, 3.0]])), 3)
        array([[-2.408, -1.408, -0.408]])
    """
    return ops.log_softmax(x, axis=axis)


def sparsemax(x, axis=-1):
    """Sparsemax along ``axis``: a sparse probability distribution.

    Example:
        >>> keras.activations.sparsemax(np.array([[0.5, 1.0, 1.5]]))
        array([[0.  , 0.25, 0.75]])
    """
    return ops.sparsemax(x, axis=axis)
