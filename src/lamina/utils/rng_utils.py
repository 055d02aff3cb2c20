"""Global random seeding: one call makes a Lamina program repeatable.

`set_random_seed` seeds Python's `random`, NumPy's global generator, the active framework's global
seed, Lamina's `lamina.random` global seed (when that module is present) and the stream of seeds
that unseeded initializers draw from (`make_default_seed`). Initializers sample on the host with
NumPy, so after ``set_random_seed(n)`` the same program builds bit-identical float32 weights on
every backend.
"""

from __future__ import annotations

import numbers
import random
import sys

import numpy as np

_MAX_SEED = 2**32  # NumPy's legacy global seed and torch accept seeds below this bound.

# The stream of seeds for initializers built with ``seed=None``. Unseeded until
# `set_random_seed` is called, like Python's and NumPy's own global generators.
_seed_stream = np.random.Generator(np.random.Philox())
_global_seed: int | None = None


def set_random_seed(seed: int) -> None:
    """Sets every global random seed Lamina relies on, for repeatable programs.

    It seeds Python's `random`, NumPy's global generator (``np.random.seed``), the stream that
    unseeded initializers draw their seeds from, `lamina.random`'s global seed generator, and the
    active framework (``torch.manual_seed`` on torch, ``tf.random.set_seed`` on TensorFlow; JAX
    has no global seed). TensorFlow is also seeded when it is already imported, since programs on
    other backends may use ``tf.data`` shuffling.

    Args:
        seed: an integer in ``[0, 2**32)``.

    Example:
        >>> from lamina.utils.rng_utils import set_random_seed
        >>> set_random_seed(1337)
        >>> a = lamina.initializers.GlorotUniform()((2, 2))
        >>> set_random_seed(1337)
        >>> b = lamina.initializers.GlorotUniform()((2, 2))
        >>> print(bool((lamina.ops.convert_to_numpy(a) == lamina.ops.convert_to_numpy(b)).all()))
        True
    """
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(
            "`set_random_seed`: `seed` must be an integer. "
            f"Received: seed={seed!r} (of type {type(seed).__name__})"
        )
    seed = int(seed)
    if not 0 <= seed < _MAX_SEED:
        raise ValueError(f"`set_random_seed`: `seed` must be in [0, 2**32). Received: seed={seed}")
    global _seed_stream, _global_seed
    _global_seed = seed
    random.seed(seed)
    np.random.seed(seed)
    _seed_stream = np.random.Generator(np.random.Philox(seed))
    _seed_lamina_random(seed)
    _seed_framework(seed)


def get_random_seed() -> int | None:
    """The seed last given to `set_random_seed`, or ``None`` when it was never called.

    Example:
        >>> lamina.utils.set_random_seed(1337)
        >>> lamina.utils.get_random_seed()
        1337
    """
    return _global_seed


def make_default_seed() -> int:
    """A fresh seed for an initializer built with ``seed=None``, from the seeded stream."""
    return int(_seed_stream.integers(0, 2**31 - 1))


def _seed_lamina_random(seed: int) -> None:
    try:
        from lamina import random as lamina_random

        set_global_seed = lamina_random.set_global_seed
    except (ImportError, AttributeError):
        return
    set_global_seed(seed)


def _seed_framework(seed: int) -> None:
    from lamina import backend

    name = backend.backend()
    if name == "torch":
        import torch

        torch.manual_seed(seed)
    if name == "tensorflow" or "tensorflow" in sys.modules:
        import tensorflow as tf

        tf.random.set_seed(seed)
