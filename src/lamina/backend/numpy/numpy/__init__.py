"""NumPy-style ops on NumPy arrays: `add`, `matmul`, `reshape`, ... (the NumPy backend, and
symbolic shape inference).

Result dtypes follow Keras 3 (see `lamina.ops.numpy`); NumPy's own promotion is never relied
on: inputs are cast to the result dtype first.

One module per family, as in `lamina.ops.numpy`: `creation`, `unary`, `binary` (with comparison
and selection), `reductions` (with NaN-ignoring reductions, sorting and searching), `shapes`,
`products` (with statistics, signals and indexing); `_helpers` holds dtype promotion
(`promote`) and the helpers they share. Framework-independent rules live in
`lamina.backend.common.numpy_rules`.
"""

# core's cast and convert_to_tensor are part of this namespace: the NaN-ignoring reductions
# shared by every backend (`lamina.backend.common.nan_reductions`) reach them here.
from lamina.backend.numpy.core import cast, convert_to_tensor
from lamina.backend.numpy.numpy import binary, creation, products, reductions, shapes, unary
from lamina.backend.numpy.numpy._helpers import promote
from lamina.backend.numpy.numpy.binary import *  # noqa: F403
from lamina.backend.numpy.numpy.creation import *  # noqa: F403
from lamina.backend.numpy.numpy.products import *  # noqa: F403
from lamina.backend.numpy.numpy.reductions import *  # noqa: F403
from lamina.backend.numpy.numpy.shapes import *  # noqa: F403
from lamina.backend.numpy.numpy.unary import *  # noqa: F403

__all__ = [
    "promote",
    *creation.__all__,
    *unary.__all__,
    *binary.__all__,
    *reductions.__all__,
    *shapes.__all__,
    *products.__all__,
]
