"""NumPy-style ops on PyTorch tensors: `add`, `matmul`, `reshape`, ...

Result dtypes follow Keras 3 (see `lamina.ops.numpy`): inputs are cast to the result dtype
first. Tensors are created on `core.default_device()`. Torch reductions take ``dim=``, and
several torch kernels lack some dtypes (bool matmul, half-precision CPU kernels), so those
cases compute in a wider type and cast back.

One module per family, as in `lamina.ops.numpy`: `creation`, `unary`, `binary` (with comparison
and selection), `reductions` (with NaN-ignoring reductions, sorting and searching), `shapes`,
`products` (with statistics, signals and indexing); `_helpers` holds dtype promotion
(`promote`) and the helpers they share. Framework-independent rules live in
`lamina.backend.common.numpy_rules`.
"""

# core's cast and convert_to_tensor are part of this namespace: the NaN-ignoring reductions
# shared by every backend (`lamina.backend.common.nan_reductions`) reach them here.
from lamina.backend.torch.core import cast, convert_to_tensor
from lamina.backend.torch.numpy import binary, creation, products, reductions, shapes, unary
from lamina.backend.torch.numpy._helpers import promote
from lamina.backend.torch.numpy.binary import *  # noqa: F403
from lamina.backend.torch.numpy.creation import *  # noqa: F403
from lamina.backend.torch.numpy.products import *  # noqa: F403
from lamina.backend.torch.numpy.reductions import *  # noqa: F403
from lamina.backend.torch.numpy.shapes import *  # noqa: F403
from lamina.backend.torch.numpy.unary import *  # noqa: F403

__all__ = [
    "promote",
    *creation.__all__,
    *unary.__all__,
    *binary.__all__,
    *reductions.__all__,
    *shapes.__all__,
    *products.__all__,
]
