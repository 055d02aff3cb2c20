"""The active backend's modules, loaded once.

Kept apart from `lamina.backend` because the backend packages are named like these modules
(`lamina.backend.numpy` is the NumPy backend; `active.numpy` is the active backend's NumPy-style
ops). Public ops read `active.numpy.add`, `active.nn.relu`, ...
"""

from __future__ import annotations

import importlib

from lamina import config

NAME = config.backend()
_FRAMEWORK_MODULE = {"jax": "jax", "torch": "torch", "tensorflow": "tensorflow", "numpy": "numpy"}


_LOADED: dict = {}


def load(module: str):
    """The active backend's module ``module`` (cached: the training step asks every step)."""
    found = _LOADED.get(module)
    if found is not None:
        return found
    try:
        found = _LOADED[module] = importlib.import_module(f"lamina.backend.{NAME}.{module}")
        return found
    except ModuleNotFoundError as e:
        framework = _FRAMEWORK_MODULE[NAME]
        if e.name and e.name.split(".")[0] == framework:
            extra = config.install_extra(NAME)
            raise ImportError(
                f"Lamina's {NAME!r} backend needs {framework}, which is not installed. "
                f"Install it with: pip install 'lamina[{extra}]' (or choose another backend with "
                f"LAMINA_BACKEND=jax|torch|tensorflow|numpy)."
            ) from None
        raise


def optional(module: str):
    """The active backend's optional module ``module`` (e.g. "rnn", fused recurrent kernels),
    or None when this backend has none."""
    if module not in _LOADED:
        try:
            _LOADED[module] = importlib.import_module(f"lamina.backend.{NAME}.{module}")
        except ModuleNotFoundError as e:
            if e.name != f"lamina.backend.{NAME}.{module}":
                raise
            _LOADED[module] = None
    return _LOADED[module]


core = load("core")
numpy = load("numpy")
nn = load("nn")
math = load("math")
linalg = load("linalg")
random = load("random")
