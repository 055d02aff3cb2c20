"""`JaxLayer`: a pure JAX function (and its parameters) as a Lamina layer (JAX backend only).

Keras 3 semantics: ``call_fn(params, state, rng, inputs, training)`` where only ``params`` and
``inputs`` are required and the others are passed when ``call_fn`` names them; with ``state``
it returns ``(outputs, new_state)``. Parameters come from ``params`` or from
``init_fn(rng, inputs, training)`` (again with optional arguments, returning ``params`` or
``(params, state)``), called on zeros of the input shape at build time. Every leaf of
``params`` becomes a trainable variable and every leaf of ``state`` a non-trainable one.

`FlaxLayer` (in ``flax_layer.py``) builds on it for Flax linen modules (``pip install
'lamina[flax]'``).
"""

from __future__ import annotations

import inspect

from lamina import backend
from lamina.layers.base import Layer
from lamina.random.seed_generator import SeedGenerator

_CALL_ARGS = ("params", "state", "rng", "inputs", "training")
_INIT_ARGS = ("rng", "inputs", "training")


class JaxLayer(Layer):
    """Wrap a pure JAX function as a layer.

    Args:
        call_fn: ``call_fn(params, state, rng, inputs, training)``; ``state``, ``rng`` and
            ``training`` are optional (passed when the function names them).
        init_fn: ``init_fn(rng, inputs, training)`` returning ``params`` or
            ``(params, state)``; needed when ``params`` is not given.
        params: the initial parameters (a pytree of arrays: nested dicts, lists, tuples).
        state: the initial non-trainable state (a pytree), when ``call_fn`` takes ``state``.
        seed: seed of the ``rng`` keys passed to ``init_fn`` and ``call_fn``.

    Example:
        >>> def call_fn(params, inputs):
        ...     return inputs @ params["w"] + params["b"]
        >>> layer = lamina.layers.JaxLayer(
        ...     call_fn, params={"w": np.ones((3, 2), "float32"), "b": np.zeros(2, "float32")})
        >>> print(layer(np.ones((4, 3), "float32")).shape)
        (4, 2)
    """

    def __init__(self, call_fn, init_fn=None, params=None, state=None, seed=None, **kwargs):
        if backend.backend() != "jax":
            raise ValueError(
                "`JaxLayer` runs a JAX function, so it needs the JAX backend "
                f"(LAMINA_BACKEND=jax). The active backend is {backend.backend()!r}."
            )
        if not callable(call_fn):
            raise ValueError(f"`JaxLayer`: `call_fn` must be callable. Received: {call_fn!r}")
        if init_fn is None and params is None:
            raise ValueError("`JaxLayer` needs `init_fn` or `params`. Received neither.")
        super().__init__(**kwargs)
        self.call_fn = call_fn
        self.init_fn = init_fn
        self._call_args = _named_args(call_fn, _CALL_ARGS, "call_fn", required=("inputs",))
        self._init_args = (
            _named_args(init_fn, _INIT_ARGS, "init_fn", required=()) if init_fn else ()
        )
        if state is not None and "state" not in self._call_args:
            raise ValueError("`JaxLayer`: `state` was given but `call_fn` takes no `state`.")
        self._initial = (params, state)
        self.seed_generator = SeedGenerator(seed)
        self._params_tree = None
        self._state_tree = None

    def build(self, input_shape):
        params, state = self._initial
        if params is None:
            values = {"rng": self._rng(), "inputs": _zeros(input_shape), "training": False}
            out = self.init_fn(*[values[a] for a in self._init_args])
            if "state" in self._call_args and isinstance(out, tuple) and len(out) == 2:
                params, state = out
            else:
                params = out
        self._params_tree = params
        self._state_tree = state
        self._param_vars = [
            self._weight_from(leaf, f"param_{i}", True) for i, leaf in enumerate(_leaves(params))
        ]
        self._state_vars = [
            self._weight_from(leaf, f"state_{i}", False) for i, leaf in enumerate(_leaves(state))
        ]
        self.built = True

    def _weight_from(self, leaf, name, trainable):
        import numpy as np

        leaf = np.asarray(leaf)
        variable = self.add_weight(
            shape=leaf.shape,
            initializer="zeros",
            dtype=backend.standardize_dtype(leaf.dtype),
            trainable=trainable,
            name=name,
        )
        variable.assign(leaf)
        return variable

    def _rng(self):
        import jax

        seed = self.seed_generator.next()
        return jax.random.fold_in(jax.random.PRNGKey(seed[0]), seed[1])

    def call(self, inputs, training=False):
        values = {
            "params": _rebuild(self._params_tree, [v.value for v in self._param_vars]),
            "inputs": inputs,
            "training": bool(training),
        }
        if "state" in self._call_args:
            values["state"] = _rebuild(self._state_tree, [v.value for v in self._state_vars])
        if "rng" in self._call_args:
            values["rng"] = self._rng()
        out = self.call_fn(*[values[a] for a in self._call_args])
        if "state" in self._call_args:
            out, new_state = out
            for v, leaf in zip(self._state_vars, _leaves(new_state)):
                v.assign(leaf)
        return out

    def get_config(self):
        raise TypeError(
            f"JaxLayer {self.name!r} cannot be saved as a config: its functions are code, and "
            "Lamina files never hold code. Save its weights with `save_weights`."
        )


def _named_args(fn, allowed, what, required):
    params = [
        p.name
        for p in inspect.signature(fn).parameters.values()
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
    ]
    unknown = [p for p in params if p not in allowed]
    missing = [p for p in required if p not in params]
    if unknown or missing:
        raise ValueError(
            f"`JaxLayer`: `{what}` arguments must be named among {list(allowed)} (in that "
            f"order){' and include ' + str(list(required)) if required else ''}. "
            f"Received: {params}"
        )
    return tuple(params)


def _is_shape(x):
    return isinstance(x, (tuple, list)) and all(d is None or isinstance(d, int) for d in x)


def _zeros(input_shape):
    import jax.numpy as jnp

    if _is_shape(input_shape):
        return jnp.zeros(tuple(1 if d is None else d for d in input_shape), "float32")
    if isinstance(input_shape, dict):
        return {k: _zeros(v) for k, v in input_shape.items()}
    return type(input_shape)(_zeros(s) for s in input_shape)


def _leaves(structure):
    import jax

    return [] if structure is None else jax.tree_util.tree_leaves(structure)


def _rebuild(structure, leaves):
    import jax

    if structure is None:
        return None
    return jax.tree_util.tree_unflatten(jax.tree_util.tree_structure(structure), leaves)
