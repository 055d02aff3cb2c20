"""`Lambda`: a function of tensors as a layer, saved by name or (with ``safe_mode=False`` to
load it) as Python bytecode."""

from __future__ import annotations

import base64
import inspect
import marshal
import types
import warnings

from lamina import activations, ops
from lamina.layers.base import Layer
from lamina.utils import tree

__all__ = ["Lambda"]


class Lambda(Layer):
    """Wraps a function of tensors as a layer.

    Args:
        function: the function, called as ``function(inputs, **arguments)`` (and with
            ``mask=`` / ``training=`` when it takes them).
        output_shape: the output shape without the batch axis, or a function of the input shape;
            when omitted it is found by calling ``function`` on symbolic inputs.
        mask: an output mask, or a function ``mask(inputs, previous_mask)``.
        arguments: extra keyword arguments for ``function``.

    A ``function`` that is a Lamina op or activation, or a named function given in
    ``custom_objects``, is saved by name; any other function is saved as Python bytecode, which
    `from_config` loads only with ``safe_mode=False``.

    Example:
        >>> layer = lamina.layers.Lambda(lambda x: x * 2)
        >>> print(lamina.ops.convert_to_numpy(layer(np.ones((1, 2)))))
        [[2. 2.]]
    """

    supports_masking = True

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        if not callable(function):
            raise ValueError(
                f"Lambda: `function` must be callable. Received: {function!r} of type "
                f"{type(function).__name__}"
            )
        self.function = function
        self._output_shape = output_shape
        self.mask = mask
        self.arguments = dict(arguments or {})
        try:
            params = inspect.signature(function).parameters
        except (TypeError, ValueError):
            params = {}
        var_kw = any(p.kind is p.VAR_KEYWORD for p in params.values())
        self._fn_takes_mask = "mask" in params or var_kw
        self._fn_takes_training = "training" in params or var_kw

    def call(self, inputs, mask=None, training=None):
        kwargs = self.arguments
        if (self._fn_takes_mask and mask is not None) or (
            self._fn_takes_training and training is not None
        ):
            kwargs = dict(kwargs)
            if self._fn_takes_mask and mask is not None:
                kwargs["mask"] = mask
            if self._fn_takes_training and training is not None:
                kwargs["training"] = training
        return self.function(inputs, **kwargs)

    def compute_output_spec(self, inputs, mask=None, training=None):
        if self._output_shape is None:
            return self.call(inputs, mask=mask, training=training)
        shape = self.compute_output_shape(tree.map_structure(lambda t: t.shape, inputs))
        from lamina.layers.shape_structures import shapes_to_specs

        return shapes_to_specs(shape, self.compute_dtype)

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return self._output_shape(input_shape)
        first = input_shape
        while isinstance(first, (list, tuple)) and first and isinstance(first[0], (list, tuple)):
            first = first[0]
        batch = first[0] if first else None
        shape = self._output_shape
        if isinstance(shape, int):
            shape = (shape,)
        if shape and isinstance(shape[0], (list, tuple)):
            return [(batch, *tuple(s)) for s in shape]
        return (batch, *tuple(shape))

    def compute_mask(self, inputs, previous_mask=None):
        if callable(self.mask):
            return self.mask(inputs, previous_mask)
        return self.mask

    def get_config(self):
        config = {**super().get_config(), "function": _serialize_function(self.function)}
        if self._output_shape is not None:
            if callable(self._output_shape):
                config["output_shape"] = _serialize_function(self._output_shape)
            else:
                config["output_shape"] = self._output_shape
        if self.mask is not None and callable(self.mask):
            config["mask"] = _serialize_function(self.mask)
        config["arguments"] = self.arguments
        if any(
            isinstance(v, dict) and v.get("class_name") == "__lambda__" for v in config.values()
        ):
            warnings.warn(
                f"Lambda layer {self.name!r} is saved as Python bytecode: loading it needs "
                "`safe_mode=False`, and only from a source you trust. A named function passed "
                "as `custom_objects` when loading avoids both.",
                stacklevel=2,
            )
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None, safe_mode=None):
        from lamina.saving.serialization import in_safe_mode

        if safe_mode is None:
            safe_mode = in_safe_mode()
        config = dict(config)
        for key in ("function", "output_shape", "mask"):
            value = config.get(key)
            if isinstance(value, dict) and value.get("class_name") in ("function", "__lambda__"):
                config[key] = _deserialize_function(value, custom_objects, safe_mode)
        return cls(**config)


def _serialize_function(fn):
    """A function as config: a name (Lamina op/activation or custom object) or bytecode."""
    name = getattr(fn, "__name__", None)
    module = getattr(fn, "__module__", "") or ""
    if name and name != "<lambda>":
        if module.startswith("lamina.") or module == "lamina":
            for namespace, where in ((ops, "lamina.ops"), (activations, "lamina.activations")):
                if getattr(namespace, name, None) is fn:
                    return {"class_name": "function", "config": name, "module": where}
        if not getattr(fn, "__closure__", None) and "<locals>" not in getattr(
            fn, "__qualname__", ""
        ):
            return {"class_name": "function", "config": name, "module": module}
    code = getattr(fn, "__code__", None)
    if code is None:
        raise ValueError(f"Lambda: cannot serialize {fn!r}; give a Python function or a Lamina op.")
    closure = None
    if fn.__closure__:
        closure = [cell.cell_contents for cell in fn.__closure__]
    return {
        "class_name": "__lambda__",
        "config": {
            "code": base64.b64encode(marshal.dumps(code)).decode("ascii"),
            "defaults": list(fn.__defaults__) if fn.__defaults__ else None,
            "closure": closure,
        },
    }


def _deserialize_function(config, custom_objects, safe_mode):
    if config["class_name"] == "function":
        name, module = config["config"], config.get("module", "")
        from lamina.saving import serialization

        scope = serialization.custom_objects_in_scope()
        scope.update(custom_objects or {})
        if name in scope:
            return scope[name]
        if module == "lamina.ops" and hasattr(ops, name):
            return getattr(ops, name)
        if module == "lamina.activations" and hasattr(activations, name):
            return getattr(activations, name)
        raise ValueError(
            f"Lambda: the saved function {name!r} (from module {module!r}) is unknown here. "
            f"Pass it as `custom_objects={{{name!r}: {name}}}` when loading."
        )
    if safe_mode:
        raise ValueError(
            "Lambda: this config holds a Python lambda saved as bytecode, which could run "
            "arbitrary code, so it is not loaded in safe mode. If you trust its source, call "
            "`Lambda.from_config(config, safe_mode=False)`, or give the function by name through "
            "`custom_objects`."
        )
    inner = config["config"]
    code = marshal.loads(base64.b64decode(inner["code"]))
    closure = None
    if inner.get("closure") is not None:
        closure = tuple(types.CellType(v) for v in inner["closure"])
    defaults = tuple(inner["defaults"]) if inner.get("defaults") else None
    import builtins

    import numpy

    import lamina

    namespace = {"__builtins__": builtins, "lamina": lamina, "ops": ops, "np": numpy}
    return types.FunctionType(code, namespace, None, defaults, closure)
