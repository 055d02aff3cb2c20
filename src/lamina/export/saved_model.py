"""TensorFlow SavedModel export (``format="tf_saved_model"``, TensorFlow backend only).

The model's variables (each Lamina TensorFlow `Variable` wraps a ``tf.Variable``) are tracked
by a ``tf.Module``, whose ``serve`` ``tf.function`` calls the model with ``training=False`` on
inputs with a dynamic batch size. Any model converts, subclassed ones included, because
TensorFlow traces the model's own ``call``. The folder is written aside, then renamed into
place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile

from lamina import backend
from lamina.backend.common import dtypes
from lamina.utils import tree


def _require_tensorflow():
    if backend.backend() != "tensorflow":
        raise ValueError(
            'export: format="tf_saved_model" needs the TensorFlow backend, but the active '
            f"backend is {backend.backend()!r}. Set LAMINA_BACKEND=tensorflow before importing "
            'Lamina (or use format="onnx", which works on every backend).'
        )


def _input_specs(model, input_signature):
    """[(name, shape, dtype)] of the model's inputs, with the batch size left dynamic."""
    if input_signature is not None:
        if hasattr(input_signature, "shape") and not isinstance(input_signature, (list, tuple)):
            given = [input_signature]
        elif isinstance(input_signature, tuple) and all(
            d is None or isinstance(d, int) for d in input_signature
        ):
            given = [input_signature]  # one shape tuple
        else:
            given = list(input_signature)
        specs = []
        for i, s in enumerate(given):
            shape = tuple(s.shape) if hasattr(s, "shape") else tuple(s)
            dtype = getattr(s, "dtype", None) or model.compute_dtype
            specs.append((getattr(s, "name", None) or f"input_{i}", shape, str(dtype)))
        return specs, len(specs) > 1
    inputs = getattr(model, "inputs", None)
    if inputs:
        specs = [(t.name or f"input_{i}", t.shape, t.dtype) for i, t in enumerate(inputs)]
        return specs, len(specs) > 1
    shapes = getattr(model, "_build_shapes", None)
    if shapes is not None:
        if isinstance(shapes, (list, tuple)) and shapes and isinstance(shapes[0], (list, tuple)):
            specs = [(f"input_{i}", tuple(s), model.compute_dtype) for i, s in enumerate(shapes)]
            return specs, True
        return [("inputs", tuple(shapes), model.compute_dtype)], False
    raise ValueError(
        f"export: the input shape of model {model.name!r} is unknown. Call the model on data "
        "(or `model.build(input_shape)`) before exporting, or pass "
        "`input_signature=[(None, ...)]`."
    )


def _identifier(name, used):
    base = "".join(c if c.isalnum() or c == "_" else "_" for c in name) or "input"
    if base[0].isdigit():
        base = "input_" + base
    out, i = base, 1
    while out in used:
        out = f"{base}_{i}"
        i += 1
    used.add(out)
    return out


def build_module(model, input_signature=None):
    """A ``tf.Module`` with the model's variables and its ``serve`` function."""
    _require_tensorflow()  # before importing TensorFlow (slow, maybe absent)
    import tensorflow as tf

    specs, multi = _input_specs(model, input_signature)
    used = set()
    tf_specs = [
        tf.TensorSpec(
            shape=(None, *shape[1:]),
            dtype=dtypes.standardize_dtype(dtype),
            name=_identifier(name, used),
        )
        for name, shape, dtype in specs
    ]

    def call(*args):
        inputs = list(args) if multi else args[0]
        return model(inputs, training=False)

    serve = tf.function(call, input_signature=tf_specs, autograph=False)

    def signature(*args):
        flat = tree.flatten(call(*args))
        return {f"output_{i}": tf.convert_to_tensor(t) for i, t in enumerate(flat)}

    serving_default = tf.function(signature, input_signature=tf_specs, autograph=False)
    module = tf.Module(name=None)
    module.lamina_variables = [v.value for v in model.variables]
    module.serve = serve
    module.serving_default = serving_default
    return module


def export_saved_model(model, filepath, input_signature=None, verbose=True):
    """Write ``model`` as a TensorFlow SavedModel folder at ``filepath``."""
    _require_tensorflow()  # before importing TensorFlow (slow, maybe absent)
    import tensorflow as tf

    module = build_module(model, input_signature)
    path = os.fspath(filepath)
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise FileNotFoundError(f"Cannot export to {path}: the folder {parent} does not exist.")
    if os.path.exists(path) and not os.path.isdir(path):
        raise ValueError(f"export: {path} exists and is not a folder; a SavedModel is a folder.")
    tmp = tempfile.mkdtemp(prefix=".tmp-", suffix="-" + os.path.basename(path), dir=parent)
    try:
        tf.saved_model.save(
            module,
            tmp,
            signatures={"serving_default": module.serving_default.get_concrete_function()},
        )
        old = None
        if os.path.exists(path):
            old = tempfile.mkdtemp(prefix=".old-", dir=parent)
            os.rmdir(old)
            os.replace(path, old)
        os.replace(tmp, path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        with contextlib.suppress(OSError):
            shutil.rmtree(tmp)
        raise
    if verbose:
        print(
            f"Exported {type(model).__name__} model {model.name!r} as a TensorFlow SavedModel: "
            f"{path} (signature 'serving_default', inputs "
            f"{', '.join(s.name for s in module.serve.input_signature)})."
        )
    return filepath
