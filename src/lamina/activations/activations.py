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
        >>> lamina.activations.relu(np.array([-2.0, 1.0, 8.0]), max_value=6.0)  # [0, 1, 6]
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
    """``min(max(x, 0), 6)``."""
    return ops.relu6(x)


def leaky_relu(x, negative_slope=0.2):
    """``x`` for ``x >= 0``, ``negative_slope * x`` otherwise."""
    return ops.leaky_relu(x, negative_slope=negative_slope)


def elu(x, alpha=1.0):
    """``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise."""
    return ops.elu(x, alpha=alpha)


def selu(x):
    """Scaled ELU (``scale * elu(x, alpha)`` with the self-normalizing constants)."""
    return ops.selu(x)


def celu(x, alpha=1.0):
    """Continuously differentiable ELU."""
    return ops.celu(x, alpha=alpha)


def softplus(x):
    """``log(exp(x) + 1)``."""
    return ops.softplus(x)


def softsign(x):
    """``x / (abs(x) + 1)``."""
    return ops.softsign(x)


def squareplus(x, b=4):
    """``(x + sqrt(x**2 + b)) / 2``."""
    return ops.squareplus(x, b=b)


def soft_shrink(x, threshold=0.5):
    """``x - threshold`` above it, ``x + threshold`` below ``-threshold``, 0 between."""
    return ops.soft_shrink(x, threshold=threshold)


def hard_shrink(x, threshold=0.5):
    """``x`` where ``|x| > threshold``, 0 elsewhere."""
    return ops.hard_shrink(x, threshold=threshold)


def sparse_plus(x):
    """0 below -1, ``(x + 1)**2 / 4`` on [-1, 1], ``x`` above 1."""
    return ops.sparse_plus(x)


def silu(x):
    """``x * sigmoid(x)`` (also called swish)."""
    return ops.silu(x)


swish = silu


def gelu(x, approximate=False):
    """Gaussian error linear unit; exact by default (the activation), unlike `ops.gelu`."""
    return ops.gelu(x, approximate=approximate)


def glu(x, axis=-1):
    """Gated linear unit: ``a * sigmoid(b)`` for the two halves of ``x`` along ``axis``."""
    return ops.glu(x, axis=axis)


def tanh(x):
    """Hyperbolic tangent."""
    return ops.tanh(x)


def tanh_shrink(x):
    """``x - tanh(x)``."""
    return ops.tanh_shrink(x)


def hard_tanh(x):
    """``x`` clipped to [-1, 1]."""
    return ops.hard_tanh(x)


def threshold(x, threshold, default_value):
    """``x`` where ``x > threshold``, ``default_value`` elsewhere."""
    return ops.threshold(x, threshold, default_value)


def sigmoid(x):
    """``1 / (1 + exp(-x))``."""
    return ops.sigmoid(x)


def sparse_sigmoid(x):
    """0 below -1, ``(x + 1) / 2`` on [-1, 1], 1 above."""
    return ops.sparse_sigmoid(x)


def exponential(x):
    """``exp(x)``."""
    return ops.exp(x)


def hard_sigmoid(x):
    """``relu6(x + 3) / 6``."""
    return ops.hard_sigmoid(x)


def hard_silu(x):
    """``x * relu6(x + 3) / 6`` (also called hard swish)."""
    return ops.hard_silu(x)


hard_swish = hard_silu


def linear(x):
    """The identity: ``x`` unchanged."""
    return x


def mish(x):
    """``x * tanh(softplus(x))``."""
    return ops.multiply(x, ops.tanh(ops.softplus(x)))


def log_sigmoid(x):
    """``log(sigmoid(x))``, computed stably."""
    return ops.log_sigmoid(x)


def softmax(x, axis=-1):
    """Softmax along ``axis``: non-negative values that sum to 1."""
    return ops.softmax(x, axis=axis)


def log_softmax(x, axis=-1):
    """Logarithm of the softmax along ``axis``."""
    return ops.log_softmax(x, axis=axis)


def sparsemax(x, axis=-1):
    """Sparsemax along ``axis``: a sparse probability distribution."""
    return ops.sparsemax(x, axis=axis)
