"""`FlaxLayer`: a Flax linen module as a Lamina layer (JAX backend only).

Keras 3 semantics, built on `JaxLayer`: the module's ``params`` collection becomes trainable
variables and every other collection (``batch_stats``, ...) non-trainable ones, updated from
``module.apply(..., mutable=DenyList(["params"]))``. Random keys come from the layer's
`SeedGenerator`: ``{"params", "dropout"}`` at init, ``{"dropout"}`` in training calls.
``training`` is passed to the module's method only when that method names a ``training``
argument. Flax is imported lazily, so Lamina itself never needs it.
"""

from __future__ import annotations

import inspect

from lamina import backend
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.layers.base import Layer
from lamina.layers.wrappers.jax_layer import JaxLayer


class FlaxLayer(JaxLayer):
    """Wrap a `flax.linen.Module` as a layer.

    Args:
        module: a `flax.linen.Module` instance.
        method: the method used by ``init`` and ``apply``: a method of the module, its name,
            or a function taking the module first; ``None`` means ``__call__``. It takes
            ``inputs`` and, optionally, ``training``.
        variables: the module's variables as ``module.init`` returns them (a ``"params"``
            collection and, optionally, others such as ``"batch_stats"``); ``None`` means
            ``module.init`` runs at build time on zeros of the input shape.
        **kwargs: `JaxLayer` / `Layer` arguments (``seed``, ``name``, ``dtype``, ...).

    Example:
        >>> import flax.linen as nn
        >>> layer = lamina.layers.FlaxLayer(nn.Dense(4))
        >>> print(layer(np.ones((2, 3), "float32")).shape)
        (2, 4)
        >>> len(layer.trainable_variables)  # the Dense module's kernel and bias
        2
    """

    def __init__(self, module, method=None, variables=None, **kwargs):
        params, state = _split_variables(variables)
        seed = kwargs.get("seed")
        super().__init__(
            call_fn=self._apply, init_fn=self._init, params=params, state=state, **kwargs
        )
        linen = _import_linen()
        if not isinstance(module, linen.Module):
            raise ValueError(
                "`FlaxLayer`: `module` must be a `flax.linen.Module` instance. "
                f"Received: {module!r} of type {type(module).__name__}"
            )
        target = _method_of(module, method)
        self.module = module
        self.method = method
        self._seed = seed
        self._pass_training = "training" in inspect.signature(target).parameters
        self._mutable = linen.DenyList(["params"])

    def _init(self, rng, inputs, training):
        import jax

        params_key, dropout_key = jax.random.split(rng)
        kwargs = {"training": training} if self._pass_training else {}
        variables = self.module.init(
            {"params": params_key, "dropout": dropout_key}, inputs, method=self.method, **kwargs
        )
        return _split_variables(variables)

    def _apply(self, params, state, rng, inputs, training):
        kwargs = {"training": training} if self._pass_training else {}
        out, mutated = self.module.apply(
            {**(params or {}), **(state or {})},
            inputs,
            rngs={"dropout": rng} if training else {},
            method=self.method,
            mutable=self._mutable,
            **kwargs,
        )
        # Keep exactly the collections the layer holds (in their order), e.g. not "intermediates".
        new_state = {name: mutated.get(name, value) for name, value in (state or {}).items()}
        return out, new_state

    def compute_output_spec(self, inputs, training=False):
        """Output specs from `jax.eval_shape` of the module (Flax cannot run on KerasTensors).

        Unknown dimensions are tried at two sizes; output dimensions that follow them are unknown.
        """
        import jax

        from lamina.utils import tree

        def abstract(structure):
            return jax.tree_util.tree_map(
                lambda a: jax.ShapeDtypeStruct(a.shape, a.dtype), structure
            )

        params, state = abstract(self._params_tree), abstract(self._state_tree)
        key = jax.random.PRNGKey(0)

        def output_shapes(size):
            specs = tree.map_structure(
                lambda t: jax.ShapeDtypeStruct(
                    tuple(size if d is None else d for d in t.shape), t.dtype
                ),
                inputs,
            )
            return jax.eval_shape(
                lambda p, s, x: self._apply(p, s, key, x, bool(training))[0], params, state, specs
            )

        first, second = output_shapes(83), output_shapes(89)
        return jax.tree_util.tree_map(
            lambda a, b: KerasTensor(
                tuple(d if d == e else None for d, e in zip(a.shape, b.shape)),
                backend.standardize_dtype(a.dtype),
            ),
            first,
            second,
        )

    def get_config(self):
        from lamina.saving.serialization import serialize_object

        if not callable(getattr(self.module, "get_config", None)):
            raise TypeError(
                f"FlaxLayer {self.name!r} cannot be saved as a config: its module "
                f"{type(self.module).__name__} has no `get_config()`. Give the module class a "
                "`get_config()` (and `from_config()`, or constructor arguments matching the "
                "config) and register it with `@lamina.saving.register_serializable()`, or save "
                "the weights only with `save_weights`."
            )
        config = Layer.get_config(self)
        if self._seed is not None:
            config["seed"] = self._seed
        config["module"] = serialize_object(self.module)
        config["method"] = self._method_config()
        return config

    def _method_config(self):
        method = self.method
        if method is None or isinstance(method, str):
            return method
        if getattr(method, "__self__", None) == self.module:
            return method.__name__
        raise TypeError(
            f"FlaxLayer {self.name!r} cannot be saved as a config: its `method` {method!r} is a "
            "function, and Lamina files never hold code. Pass a method of the module (or its "
            "name) instead, or save the weights only with `save_weights`."
        )

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.saving.serialization import resolve_class

        config = dict(config)
        module_config = config.pop("module")
        module_cls = resolve_class(
            module_config["class_name"], module_config.get("registered_name"), custom_objects
        )
        inner = module_config.get("config", {})
        from_config = getattr(module_cls, "from_config", None)
        module = from_config(inner) if callable(from_config) else module_cls(**inner)
        return cls(module=module, **config)


def _import_linen():
    try:
        from flax import linen
    except ImportError as e:
        raise ImportError(
            "`FlaxLayer` needs flax, which Lamina does not install: `pip install flax`."
        ) from e
    return linen


def _method_of(module, method):
    """The function whose signature says whether the module takes ``training``."""
    if method is None:
        return module.__call__
    if isinstance(method, str):
        found = getattr(module, method, None)
        if not callable(found):
            raise ValueError(
                f"`FlaxLayer`: `method`={method!r} is not a method of {type(module).__name__}."
            )
        return found
    if not callable(method):
        raise ValueError(
            f"`FlaxLayer`: `method` must be a method of the module, its name, or a function "
            f"taking the module first. Received: {method!r}"
        )
    return method


def _split_variables(variables):
    """``module.init`` output -> ``(params, state)``: ``{"params": ...}`` and the rest."""
    if variables is None:
        return None, None
    if not hasattr(variables, "keys"):
        raise ValueError(
            "`FlaxLayer`: `variables` must be a dict of collections as `module.init` returns "
            f"it, e.g. {{'params': ...}}. Received: {type(variables).__name__}"
        )
    params = {"params": variables["params"]} if "params" in variables else {}
    state = {name: value for name, value in variables.items() if name != "params"}
    return params, state
