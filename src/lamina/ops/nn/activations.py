"""Activation ops: `relu`, `gelu`, `softmax`, `log_softmax`, ..."""

from __future__ import annotations

from lamina.backend import active as B
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.ops.nn._common import _check_axis, _float_dtype, _same_float
from lamina.ops.symbolic import any_symbolic, dtype_of, shape_of

__all__ = [
    "celu",
    "elu",
    "gelu",
    "glu",
    "hard_shrink",
    "hard_sigmoid",
    "hard_silu",
    "hard_swish",
    "hard_tanh",
    "leaky_relu",
    "log_sigmoid",
    "log_softmax",
    "relu",
    "relu6",
    "selu",
    "sigmoid",
    "silu",
    "soft_shrink",
    "softmax",
    "softplus",
    "softsign",
    "sparse_plus",
    "sparse_sigmoid",
    "sparsemax",
    "squareplus",
    "swish",
    "tanh_shrink",
    "threshold",
]


# ----------------------------------------------------------------------------------------
# Activations.


def relu(x):
    """Rectified linear unit: ``max(x, 0)``.

    Example:
        >>> lamina.ops.relu(np.array([-1.0, 0.0, 2.0]))
        array([0., 0., 2.])
    """
    if any_symbolic(x):
        return KerasTensor(shape_of(x), dtype_of(x))
    return B.nn.relu(x)


def relu6(x):
    """Rectified linear unit capped at 6: ``min(max(x, 0), 6)``.

    Example:
        >>> lamina.ops.relu6(np.array([-1.0, 3.0, 8.0]))
        array([0., 3., 6.])
    """
    if any_symbolic(x):
        return KerasTensor(shape_of(x), dtype_of(x))
    return B.nn.relu6(x)


def sigmoid(x):
    """Logistic sigmoid ``1 / (1 + exp(-x))``.

    Example:
        >>> np.round(lamina.ops.sigmoid(np.array([-1.0, 0.0, 1.0])), 3)
        array([0.269, 0.5  , 0.731])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.sigmoid(x)


def sparse_sigmoid(x):
    """Piecewise-linear sigmoid: 0 below -1, ``(x + 1) / 2`` on [-1, 1], 1 above.

    Example:
        >>> lamina.ops.sparse_sigmoid(np.array([-2.0, 0.0, 0.5, 2.0]))
        array([0.  , 0.5 , 0.75, 1.  ])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.sparse_sigmoid(x)


def softplus(x):
    """Softplus ``log(1 + exp(x))``, computed without overflow.

    Example:
        >>> np.round(lamina.ops.softplus(np.array([-1.0, 0.0, 1.0])), 3)
        array([0.313, 0.693, 1.313])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.softplus(x)


def softsign(x):
    """Softsign ``x / (1 + |x|)``.

    Example:
        >>> lamina.ops.softsign(np.array([-1.0, 0.0, 3.0]))
        array([-0.5 ,  0.  ,  0.75])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.softsign(x)


def sparse_plus(x):
    """SparsePlus: 0 below -1, ``(x + 1)**2 / 4`` on [-1, 1], ``x`` above.

    Example:
        >>> lamina.ops.sparse_plus(np.array([-2.0, 0.0, 1.0, 3.0]))
        array([0.  , 0.25, 1.  , 3.  ])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.sparse_plus(x)


def silu(x):
    """Sigmoid linear unit (swish): ``x * sigmoid(x)``.

    Example:
        >>> np.round(lamina.ops.silu(np.array([-1.0, 0.0, 1.0])), 3)
        array([-0.269,  0.   ,  0.731])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.silu(x)


swish = silu


def squareplus(x, b=4):
    """Squareplus ``(x + sqrt(x**2 + b)) / 2``.

    Example:
        >>> lamina.ops.squareplus(np.array([-1.5, 0.0, 1.5]))
        array([0.5, 1. , 2. ])
    """
    if b < 0:
        raise ValueError(f"`ops.squareplus`: `b` must be non-negative. Received: b={b}")
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.squareplus(x, b=b)


def log_sigmoid(x):
    """Logarithm of the sigmoid, ``-softplus(-x)``.

    Example:
        >>> np.round(lamina.ops.log_sigmoid(np.array([-1.0, 0.0, 1.0])), 3)
        array([-1.313, -0.693, -0.313])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.log_sigmoid(x)


def leaky_relu(x, negative_slope=0.2):
    """Leaky ReLU: ``x`` for ``x >= 0``, ``negative_slope * x`` otherwise.

    Example:
        >>> lamina.ops.leaky_relu(np.array([-2.0, 0.0, 3.0]))
        array([-0.4,  0. ,  3. ])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.leaky_relu(x, negative_slope=negative_slope)


def hard_sigmoid(x):
    """Hard sigmoid ``relu6(x + 3) / 6``.

    Example:
        >>> lamina.ops.hard_sigmoid(np.array([-3.0, 0.0, 1.5, 3.0]))
        array([0.  , 0.5 , 0.75, 1.  ])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.hard_sigmoid(x)


def hard_silu(x):
    """Hard SiLU (hard swish): ``x * relu6(x + 3) / 6``.

    Example:
        >>> np.round(lamina.ops.hard_silu(np.array([-1.0, 0.0, 1.0, 3.0])), 3)
        array([-0.333,  0.   ,  0.667,  3.   ])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.hard_silu(x)


hard_swish = hard_silu


def elu(x, alpha=1.0):
    """Exponential linear unit: ``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise.

    Example:
        >>> np.round(lamina.ops.elu(np.array([-1.0, 0.0, 2.0])), 3)
        array([-0.632,  0.   ,  2.   ])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.elu(x, alpha=alpha)


def selu(x):
    """Scaled exponential linear unit (self-normalizing).

    Example:
        >>> np.round(lamina.ops.selu(np.array([-1.0, 0.0, 1.0])), 3)
        array([-1.111,  0.   ,  1.051])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.selu(x)


def gelu(x, approximate=True):
    """Gaussian error linear unit; the tanh approximation by default, as in Keras.

    Example:
        >>> np.round(lamina.ops.gelu(np.array([-1.0, 0.0, 1.0])), 3)
        array([-0.159,  0.   ,  0.841])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.gelu(x, approximate=approximate)


def celu(x, alpha=1.0):
    """Continuously differentiable ELU: ``max(x, 0) + min(0, alpha * (exp(x / alpha) - 1))``.

    Example:
        >>> np.round(lamina.ops.celu(np.array([-1.0, 0.0, 2.0]), alpha=2.0), 3)
        array([-0.787,  0.   ,  2.   ])
    """
    if alpha == 0:
        raise ValueError("`ops.celu`: `alpha` must not be 0. Received: alpha=0")
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.celu(x, alpha=alpha)


def glu(x, axis=-1):
    """Gated linear unit: split ``x`` in two halves ``a, b`` along ``axis``; ``a * sigmoid(b)``.

    Example:
        >>> lamina.ops.glu(np.array([[1.0, 2.0, 0.0, 0.0]]))
        array([[0.5, 1. ]])
    """
    _check_axis("glu", x, axis)
    size = shape_of(x)[axis]
    if size is not None and size % 2:
        raise ValueError(
            f"`ops.glu`: axis {axis} of `x` must have an even size. Received: x.shape="
            f"{tuple(shape_of(x))}"
        )
    if any_symbolic(x):
        shape = list(shape_of(x))
        shape[axis] = None if size is None else size // 2
        return KerasTensor(shape, _float_dtype(x))
    return B.nn.glu(x, axis=axis)


def tanh_shrink(x):
    """Tanh shrink ``x - tanh(x)``.

    Example:
        >>> np.round(lamina.ops.tanh_shrink(np.array([-1.0, 0.0, 2.0])), 3)
        array([-0.238,  0.   ,  1.036])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.tanh_shrink(x)


def hard_tanh(x):
    """Hard tanh: ``x`` clipped to [-1, 1].

    Example:
        >>> lamina.ops.hard_tanh(np.array([-2.0, 0.5, 3.0]))
        array([-1. ,  0.5,  1. ])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.hard_tanh(x)


def hard_shrink(x, threshold=0.5):
    """Hard shrink: ``x`` where ``|x| > threshold``, else 0.

    Example:
        >>> lamina.ops.hard_shrink(np.array([-1.0, 0.3, 2.0]))
        array([-1.,  0.,  2.])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.hard_shrink(x, threshold=threshold)


def soft_shrink(x, threshold=0.5):
    """Soft shrink: ``x - threshold`` above it, ``x + threshold`` below ``-threshold``, else 0.

    Example:
        >>> lamina.ops.soft_shrink(np.array([-1.0, 0.3, 2.0]))
        array([-0.5,  0. ,  1.5])
    """
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.soft_shrink(x, threshold=threshold)


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, else ``default_value``.

    Example:
        >>> lamina.ops.threshold(np.array([-1.0, 0.5, 2.0]), 0.5, -9.0)
        array([-9., -9.,  2.])
    """
    if any_symbolic(x):
        return KerasTensor(shape_of(x), dtype_of(x))
    return B.nn.threshold(x, threshold, default_value)


def softmax(x, axis=-1):
    """Softmax along ``axis`` (a probability distribution that sums to 1).

    Example:
        >>> np.round(lamina.ops.softmax(np.array([1.0, 2.0, 3.0])), 3)
        array([0.09 , 0.245, 0.665])
    """
    if isinstance(axis, (list, tuple)):
        raise ValueError(f"`ops.softmax`: `axis` must be a single int. Received: axis={axis!r}")
    if len(shape_of(x)):
        _check_axis("softmax", x, axis)
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """Logarithm of the softmax along ``axis``, computed stably.

    Example:
        >>> np.round(lamina.ops.log_softmax(np.array([1.0, 2.0, 3.0])), 3)
        array([-2.408, -1.408, -0.408])
    """
    if len(shape_of(x)):
        _check_axis("log_softmax", x, axis)
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.log_softmax(x, axis=axis)


def sparsemax(x, axis=-1):
    """Sparsemax: the Euclidean projection of ``x`` onto the probability simplex.

    Example:
        >>> lamina.ops.sparsemax(np.array([0.5, 1.0, 1.5]))
        array([0.  , 0.25, 0.75])
    """
    _check_axis("sparsemax", x, axis)
    if any_symbolic(x):
        return _same_float(x)
    return B.nn.sparsemax(x, axis=axis)
