"""`SeedGenerator`: the explicit, stateful source of seeds for random ops.

Its state is a non-trainable `lamina.Variable` of two int64 words, ``[seed, counter]``.
`SeedGenerator.next` advances the counter with ``state.assign``, so a compiled step that
swaps variable values for traced ones (as the JAX trainer does) advances it functionally.
"""

from __future__ import annotations

import numbers
import random as _python_random

import numpy as np

from lamina import backend
from lamina.backend import active as B

_MAX_SEED = 2**63 - 1
_INCREMENT = np.array([0, 1], dtype=np.int64)


def make_default_seed() -> int:
    """A fresh seed from Python's `random` (repeatable after `lamina.utils.set_random_seed`).

    Example:
        >>> 1 <= lamina.random.make_default_seed() <= 10**9
        True
    """
    return _python_random.randint(1, 10**9)


class SeedGenerator:
    """A generator of seeds for random ops: pass it as ``seed=`` to get new values each call.

    Args:
        seed: the initial seed (an int); ``None`` draws one from Python's `random`.
        name: an optional name, used in the state variable's path.

    Example:
        >>> gen = lamina.random.SeedGenerator(1337)
        >>> a = lamina.ops.convert_to_numpy(lamina.random.normal((2,), seed=gen))
        >>> b = lamina.ops.convert_to_numpy(lamina.random.normal((2,), seed=gen))
        >>> bool((a != b).all())  # a new seed on each call
        True
        >>> again = lamina.random.SeedGenerator(1337)  # the same initial seed
        >>> bool((a == lamina.ops.convert_to_numpy(lamina.random.normal((2,), seed=again))).all())
        True
    """

    def __init__(self, seed=None, name=None, **kwargs):
        if kwargs:
            raise TypeError(f"`SeedGenerator` got unexpected arguments: {sorted(kwargs)}")
        if seed is None:
            seed = make_default_seed()
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
            raise ValueError(
                "`SeedGenerator`: `seed` must be an int or None. "
                f"Received: seed={seed!r} (of type {type(seed).__name__})"
            )
        seed = int(seed)
        if not 0 <= seed <= _MAX_SEED:
            raise ValueError(f"`SeedGenerator`: `seed` must be in [0, 2**63). Received: {seed}")
        self._initial_seed = seed
        self.name = name or "seed_generator"
        with backend.name_scope(self.name):
            self.state = backend.Variable(
                np.array([seed, 0], dtype=np.int64),
                dtype="int64",
                trainable=False,
                name="seed_generator_state",
            )

    def next(self, ordered=True):
        """A new seed (two int64 words, a backend tensor); advances the state."""
        # A NumPy constant, not a cached backend tensor: a tensor made inside one compiled
        # function (tf.function, jax.jit) must not be reused by another.
        new = B.numpy.add(self.state.value, _INCREMENT)
        self.state.assign(new)
        return new

    def get_config(self):
        return {"seed": self._initial_seed}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<SeedGenerator name={self.name}, seed={self._initial_seed}>"


_GLOBAL: SeedGenerator | None = None


def global_seed_generator() -> SeedGenerator:
    """The generator that random ops called with ``seed=None`` draw from (created on first use).

    Inside a compiled JAX step, pass an explicit `SeedGenerator` instead: this one's state is
    not part of the step's state.

    Example:
        >>> gen = lamina.random.global_seed_generator()
        >>> step = int(lamina.ops.convert_to_numpy(gen.state)[1])
        >>> _ = lamina.random.normal((2,))  # seed=None: draws from the global generator
        >>> int(lamina.ops.convert_to_numpy(gen.state)[1]) - step
        1
    """
    global _GLOBAL
    if _GLOBAL is None:
        _GLOBAL = SeedGenerator(name="global_seed_generator")
    return _GLOBAL


def set_global_seed(seed: int) -> None:
    """Restart the global seed generator from ``seed`` (`lamina.utils.set_random_seed` calls it).

    Example:
        >>> saved = lamina.ops.convert_to_numpy(lamina.random.global_seed_generator().state)
        >>> lamina.random.set_global_seed(42)
        >>> a = lamina.ops.convert_to_numpy(lamina.random.normal((2,)))
        >>> lamina.random.set_global_seed(42)
        >>> bool((a == lamina.ops.convert_to_numpy(lamina.random.normal((2,)))).all())
        True
        >>> _ = lamina.random.global_seed_generator().state.assign(saved)  # the previous stream
    """
    global _GLOBAL
    _GLOBAL = SeedGenerator(seed, name="global_seed_generator")


def draw_seed(seed):
    """The seed a backend sampler takes: from an int (the same each call), a `SeedGenerator`
    (its next seed) or ``None`` (the global generator's next seed).

    Example:
        >>> lamina.random.draw_seed(42)
        array([42,  0])
        >>> lamina.ops.convert_to_numpy(lamina.random.draw_seed(lamina.random.SeedGenerator(7)))
        array([7, 1])
    """
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if seed is None:
        return global_seed_generator().next()
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(
            "`seed` must be an int, None or a `lamina.random.SeedGenerator`. "
            f"Received: seed={seed!r} (of type {type(seed).__name__})"
        )
    return np.array([int(seed) % 2**63, 0], dtype=np.int64)
