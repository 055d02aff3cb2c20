"""Neural-network ops: activations, convolution, pooling, normalization, losses, encodings.

One module per family; this package gathers them under one name.

Keras 3's names, signatures and defaults. Convolution kernels use Keras's layout,
``(*kernel_size, in_channels // groups, out_channels)``; ``"same"`` padding follows TensorFlow
(when the total is odd, the extra element goes after) on every backend.
"""

from lamina.ops.nn import activations, convolution, losses, normalization
from lamina.ops.nn.activations import *  # noqa: F403
from lamina.ops.nn.convolution import *  # noqa: F403
from lamina.ops.nn.losses import *  # noqa: F403
from lamina.ops.nn.normalization import *  # noqa: F403

__all__ = [
    *activations.__all__,
    *convolution.__all__,
    *losses.__all__,
    *normalization.__all__,
]
