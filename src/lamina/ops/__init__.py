"""`lamina.ops`: the op library, with Keras 3's names and signatures.

Submodules: `numpy` (NumPy-style ops), `nn`, `math`, `linalg`, `core`. Everything is also
reachable directly from `lamina.ops`. Each submodule lists its public ops in ``__all__``.
"""

from lamina.ops import core, linalg, math, nn, numpy
from lamina.ops.core import *
from lamina.ops.linalg import *
from lamina.ops.math import *
from lamina.ops.nn import *
from lamina.ops.numpy import *
