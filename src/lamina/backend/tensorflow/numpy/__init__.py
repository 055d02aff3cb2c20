"""NumPy-style ops on TensorFlow tensors: `add`, `matmul`, `reshape`, ...

Written with TensorFlow's own ops (not ``tf.experimental.numpy``, whose dtype rules differ).
Result dtypes follow Keras 3 (see `lamina.ops.numpy`): inputs are cast to the result dtype
first. Several TF kernels lack small integer, unsigned or bool variants; those cases compute in
a wider type and cast back.

One module per family, as in `lamina.ops.numpy`: `creation`, `unary`, `binary` (with comparison
and selection), `reductions` (with NaN-ignoring reductions, sorting and searching), `shapes`,
`products` (with statistics, signals and indexing); `_helpers` holds dtype promotion
(`promote`) and the helpers they share. Framework-independent rules live in
`lamina.backend.common.numpy_rules`.
"""

# core's cast and convert_to_tensor are part of this namespace: the NaN-ignoring reductions
# shared by every backend (`lamina.backend.common.nan_reductions`) reach them here.
from lamina.backend.tensorflow.core import cast, convert_to_tensor
from lamina.backend.tensorflow.numpy import binary, creation, products, reductions, shapes, unary
from lamina.backend.tensorflow.numpy._helpers import promote
from lamina.backend.tensorflow.numpy.binary import *  # noqa: F403
from lamina.backend.tensorflow.numpy.creation import *  # noqa: F403
from lamina.backend.tensorflow.numpy.products import *  # noqa: F403
from lamina.backend.tensorflow.numpy.reductions import *  # noqa: F403
from lamina.backend.tensorflow.numpy.shapes import *  # noqa: F403
from lamina.backend.tensorflow.numpy.unary import *  # noqa: F403

__all__ = [
    "promote",
    *creation.__all__,
    *unary.__all__,
    *binary.__all__,
    *reductions.__all__,
    *shapes.__all__,
    *products.__all__,
]
