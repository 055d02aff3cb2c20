"""The TensorFlow backend.

Importing it imports TensorFlow without Keras. TensorFlow's own ``__init__`` imports
``keras.src.optimizers`` eagerly when Keras 3 is installed (only to register Keras's
optimizers with SavedModel; a failed import is ignored), and that pulls in nearly all of
Keras: about a third of ``import tensorflow`` (1.3 of 3.9 s on the project's CI-sized
machine). Lamina never uses Keras, so while it imports TensorFlow the package ``keras`` is
found but not executed; ``tf.keras`` and ``import keras`` work as usual afterwards (both
import Keras when first used).
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys


class _KerasDeferred(importlib.abc.Loader):
    def create_module(self, spec):
        return None

    def exec_module(self, module):
        raise ImportError(
            "keras is not imported while Lamina imports TensorFlow (Lamina does not use it); "
            "import it again afterwards."
        )


class _DeferKeras(importlib.abc.MetaPathFinder):
    """Finds ``keras`` (TensorFlow asks where it is installed) but does not run it."""

    def find_spec(self, name, path=None, target=None):
        if name != "keras":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None:
            spec.loader = _KerasDeferred()
        return spec


def _import_tensorflow_without_keras():
    if "tensorflow" in sys.modules or "keras" in sys.modules:
        return
    finder = _DeferKeras()
    sys.meta_path.insert(0, finder)
    try:
        import tensorflow  # noqa: F401
    finally:
        sys.meta_path.remove(finder)


_import_tensorflow_without_keras()
