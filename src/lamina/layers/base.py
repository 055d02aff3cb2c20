"""`Layer`: the unit of computation. Weights, lazy build, call, config, masks, sublayers.

The contract for a layer author (DESIGN.md rule 5): ``__init__`` validates and stores
arguments; ``build(input_shape)`` creates weights with `add_weight`; ``call`` computes with
`lamina.ops`; ``compute_output_shape`` where running ``call`` symbolically cannot work.

The per-call path (`Layer.__call__` on real tensors) is kept short on purpose: one symbolic
check, a build on first use, the training flag, and the call itself.
"""

from __future__ import annotations

import inspect
import threading

import numpy as np

from lamina import backend
from lamina.backend.common import dtypes
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.backend.common.variables import Variable, name_scope
from lamina.layers.auto_config import auto_config
from lamina.layers.dtype_policy import DTypePolicy
from lamina.layers.node import Node, recording_enabled, symbolic_scope
from lamina.layers.shape_structures import (
    shape_of,
    shapes_from_json,
    shapes_to_json,
    shapes_to_specs,
)
from lamina.ops.symbolic import any_symbolic
from lamina.utils import naming, tree

_CONTEXT = threading.local()
# Bumped whenever a layer gains or loses a sublayer attribute; invalidates layer-list caches.
_STRUCTURE_VERSION = [0]

# Attributes that reference layers or variables without owning them.
_UNTRACKED = frozenset(
    {
        "_init_args",
        "_flat_cache",
        "_inbound_nodes",
        "_functional",
        "_input_layers",
        "_output_layers",
        "_nodes",
        "_layer_plan",
    }
)


def structure_changed():
    """Call after changing a layer list in place (e.g. `Sequential.add`)."""
    _STRUCTURE_VERSION[0] += 1


def _current_training():
    return getattr(_CONTEXT, "training", None)


class Layer:
    """Base class of every layer (and of `Model`).

    Args:
        trainable: whether the layer's weights are updated by training.
        name: unique name; generated from the class name when omitted (``dense``, ``dense_1``).
        dtype: dtype of weights and computation, or a mixed policy name ('mixed_float16').
        input_shape: for a model's first layer, the shape of one sample (without the batch).
        activity_regularizer: a regularizer applied to the layer's output.

    Example:
        >>> class Scale(lamina.layers.Layer):
        ...     def build(self, input_shape):
        ...         self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")
        ...     def call(self, x):
        ...         return x * self.w
        >>> print(Scale()(np.ones((2, 3))).shape)
        (2, 3)
    """

    # Class-level facts about `call`, computed once per class in __init_subclass__.
    _call_accepts_training = False
    _call_accepts_mask = False

    def __new__(cls, *args, **kwargs):
        instance = super().__new__(cls)
        # Recorded so that get_config can rebuild subclasses that define no get_config.
        object.__setattr__(instance, "_init_args", (args, kwargs))
        return instance

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        params = inspect.signature(cls.call).parameters
        cls._call_accepts_training = "training" in params
        cls._call_accepts_mask = "mask" in params
        first = [
            p
            for name, p in params.items()
            if name != "self" and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        ]
        cls._call_first_arg = first[0].name if first else None

    def __init__(
        self,
        *,
        activity_regularizer=None,
        trainable=True,
        dtype=None,
        autocast=True,
        name=None,
        **kwargs,
    ):
        input_shape = kwargs.pop("input_shape", None)
        batch_input_shape = kwargs.pop("batch_input_shape", None)
        input_dim = kwargs.pop("input_dim", None)
        batch_size = kwargs.pop("batch_size", None)
        if kwargs:
            raise TypeError(
                f"{type(self).__name__}.__init__() got unexpected keyword argument(s): "
                f"{', '.join(sorted(kwargs))}. Check the spelling against the layer's arguments."
            )
        object.__setattr__(self, "_tracking_ready", False)
        if name is not None and (not isinstance(name, str) or "/" in name or not name):
            raise ValueError(
                f"A layer's `name` must be a non-empty string without '/'. Received: name={name!r}"
            )
        self.name = name or naming.unique_name(naming.to_snake_case(type(self).__name__))
        self._trainable = bool(trainable)
        self._policy = DTypePolicy(dtype)
        self.autocast = autocast
        self.built = False
        self.supports_masking = getattr(self, "supports_masking", False)
        self.input_spec = None
        self._own_variables: list[Variable] = []
        self._seed_variables: list[Variable] = []
        self._regularized: list[tuple[Variable, object]] = []
        self._added_losses: list = []
        self._inbound_nodes: list[Node] = []
        if activity_regularizer is not None:
            from lamina import regularizers

            activity_regularizer = regularizers.get(activity_regularizer)
        self.activity_regularizer = activity_regularizer
        if batch_input_shape is not None:
            self._batch_input_shape = tuple(batch_input_shape)
        elif input_shape is not None:
            if isinstance(input_shape, int):
                input_shape = (input_shape,)
            self._batch_input_shape = (batch_size, *tuple(input_shape))
        elif input_dim is not None:
            self._batch_input_shape = (batch_size, int(input_dim))
        else:
            self._batch_input_shape = None
        self._tracking_ready = True

    # Tracking ---------------------------------------------------------------------------
    def __setattr__(self, name, value):
        if self.__dict__.get("_tracking_ready"):
            # Variables, and the state of SeedGenerators, become this layer's weights so that
            # compiled steps carry them as state.
            if isinstance(value, Variable):
                own = self.__dict__["_own_variables"]
                if not any(v is value for v in own):
                    own.append(value)
            elif isinstance(value, (Layer, list, tuple, dict)):
                _STRUCTURE_VERSION[0] += 1
            elif _is_seed_generator(value):
                seeds = self.__dict__["_seed_variables"]
                if not any(v is value.state for v in seeds):
                    seeds.append(value.state)
        object.__setattr__(self, name, value)

    def _sublayers(self) -> list[Layer]:
        """Direct sublayers, in attribute order (lists, tuples and dicts are searched)."""
        found, seen = [], {id(self)}
        for key, value in self.__dict__.items():
            if key in _UNTRACKED:
                continue
            for item in _layers_in(value):
                if id(item) not in seen:
                    seen.add(id(item))
                    found.append(item)
        return found

    def _flatten_layers(self, include_self=True) -> list[Layer]:
        """This layer and all layers below it. Cached until any layer's structure changes
        (the training step asks for it several times per step)."""
        cache = self.__dict__.get("_flat_cache")
        if cache is not None and cache[0] == _STRUCTURE_VERSION[0]:
            out = cache[1]
            return list(out) if include_self else out[1:]
        out, seen = [], set()

        def visit(layer):
            if id(layer) in seen:
                return
            seen.add(id(layer))
            out.append(layer)
            for sub in layer._sublayers():
                visit(sub)

        visit(self)
        object.__setattr__(self, "_flat_cache", (_STRUCTURE_VERSION[0], out))
        return list(out) if include_self else out[1:]

    @property
    def layers(self) -> list[Layer]:
        return self._sublayers()

    # Weights --------------------------------------------------------------------------
    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        value = bool(value)
        for layer in self._flatten_layers():
            layer._trainable = value

    def _collect_variables(self, want_trainable, include_seeds=False):
        out, seen = [], set()
        for layer in self._flatten_layers():
            own = layer._own_variables
            if include_seeds and layer._seed_variables:
                own = own + layer._seed_variables
            for v in own:
                if id(v) in seen:
                    continue
                seen.add(id(v))
                is_trainable = v.trainable and layer._trainable
                if want_trainable is None or is_trainable == want_trainable:
                    out.append(v)
        return out

    @property
    def weights(self) -> list[Variable]:
        """All weights: trainable ones first, then non-trainable ones (as Keras). Random-seed
        states are variables but not weights."""
        return self.trainable_weights + self.non_trainable_weights

    @property
    def variables(self) -> list[Variable]:
        """Every variable, random-seed states included."""
        return self._collect_variables(None, include_seeds=True)

    @property
    def trainable_weights(self) -> list[Variable]:
        return self._collect_variables(True)

    @property
    def non_trainable_weights(self) -> list[Variable]:
        return self._collect_variables(False)

    @property
    def trainable_variables(self) -> list[Variable]:
        return self._collect_variables(True)

    @property
    def non_trainable_variables(self) -> list[Variable]:
        return self._collect_variables(False, include_seeds=True)

    def get_weights(self) -> list[np.ndarray]:
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights):
        params = self.weights
        if len(weights) != len(params):
            raise ValueError(
                f"Layer {self.name!r} expects {len(params)} weight arrays "
                f"({', '.join(v.path for v in params)}), but received {len(weights)}."
            )
        for v, w in zip(params, weights):
            w = np.asarray(w)
            if tuple(w.shape) != tuple(v.shape):
                raise ValueError(
                    f"Layer {self.name!r}: weight {v.path!r} has shape {v.shape}, but the "
                    f"given array has shape {w.shape}."
                )
            v.assign(w)

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(
                f"Layer {self.name!r} is not built yet, so it has no weights to count. Call it "
                "on data, or build it with `build(input_shape)`, first."
            )
        return int(sum(int(np.prod(v.shape)) for v in self.weights))

    def add_weight(
        self,
        shape=None,
        initializer=None,
        dtype=None,
        trainable=True,
        autocast=True,
        regularizer=None,
        constraint=None,
        aggregation="none",
        name=None,
    ) -> Variable:
        """Create a weight owned by this layer (usually from `build`)."""
        from lamina import initializers

        shape = () if shape is None else tuple(shape)
        for d in shape:
            if not isinstance(d, (int, np.integer)) or d < 0:
                raise ValueError(
                    f"Layer {self.name!r}: `add_weight` needs a fully known shape of non-negative "
                    f"ints. Received: shape={shape} (name={name!r}). An unknown (None) size "
                    "usually means the layer was built from an input whose last axis is unknown."
                )
        dtype = dtypes.standardize_dtype(dtype or self._policy.variable_dtype)
        if initializer is None:
            initializer = "glorot_uniform" if dtypes.is_float(dtype) else "zeros"
        initializer = initializers.get(initializer)
        with name_scope(self.name):
            variable = backend.Variable(
                initializer,
                shape=shape,
                dtype=dtype,
                trainable=trainable,
                autocast=autocast,
                aggregation=aggregation,
                name=name or "variable",
            )
        if constraint is not None:
            from lamina import constraints

            constraint = constraints.get(constraint)
        variable.constraint = constraint
        if regularizer is not None:
            from lamina import regularizers

            self._regularized.append((variable, regularizers.get(regularizer)))
        self._own_variables.append(variable)
        return variable

    # Losses ---------------------------------------------------------------------------
    def add_loss(self, loss):
        """Add a scalar loss tensor (during `call`); it joins `losses` and the training loss."""
        self._added_losses.append(loss)

    @property
    def losses(self) -> list:
        """Losses added during the last call plus weight-regularization losses."""
        out = []
        for layer in self._flatten_layers():
            out.extend(layer._added_losses)
            for variable, reg in layer._regularized:
                if variable.trainable and layer._trainable:
                    out.append(reg(variable))
        return out

    def _clear_losses(self):
        for layer in self._flatten_layers():
            if layer._added_losses:
                layer._added_losses = []

    # Dtypes ---------------------------------------------------------------------------
    @property
    def dtype(self) -> str:
        return self._policy.variable_dtype

    @property
    def compute_dtype(self) -> str:
        return self._policy.compute_dtype

    @property
    def variable_dtype(self) -> str:
        return self._policy.variable_dtype

    @property
    def dtype_policy(self):
        return self._policy

    # Building -------------------------------------------------------------------------
    def build(self, input_shape):
        """Create weights for inputs of ``input_shape``. The default creates none."""
        self.built = True

    def _build_for(self, args, kwargs):
        first = args[0] if args else kwargs.get(self._call_first_arg)
        shapes = tree.map_structure(shape_of, first) if first is not None else None
        self._build_shapes = shapes  # saved as the build config (a subclassed model needs it)
        try:
            self.build(shapes)
        except Exception as e:
            e.add_note(
                f"(raised while building layer {self.name!r} of type {type(self).__name__} "
                f"for input shape {shapes})"
            )
            raise
        self.built = True

    def stateless_call(
        self, trainable_variables, non_trainable_variables, *args, return_losses=False, **kwargs
    ):
        """Call the layer with the given variable values instead of its own, leaving its state
        untouched; returns ``(outputs, non_trainable_variables)`` (and the losses with
        ``return_losses``). A user's own `jax.jit` / `jax.grad` loop trains a model this way."""
        from lamina.layers.stateless import stateless_call

        return stateless_call(
            self,
            trainable_variables,
            non_trainable_variables,
            *args,
            return_losses=return_losses,
            **kwargs,
        )

    def get_build_config(self):
        """The input shape this layer was first built for (saved beside its config), or None."""
        shapes = getattr(self, "_build_shapes", None)
        if shapes is None:
            return None
        return {"input_shape": shapes_to_json(shapes)}

    def build_from_config(self, config):
        """Build the layer (create its weights) from what `get_build_config` returned."""
        shapes = shapes_from_json(config.get("input_shape"))
        if shapes is not None and not self.built:
            self._build_shapes = shapes
            self.build(shapes)
            self.built = True

    def compute_output_shape(self, input_shape):
        """Output shape for ``input_shape``; by default found by running `call` symbolically."""
        with symbolic_scope():
            spec = self.compute_output_spec(shapes_to_specs(input_shape, self.compute_dtype))
        return tree.map_structure(lambda t: t.shape, spec)

    def compute_output_spec(self, *args, **kwargs):
        """Symbolic output(s) for symbolic inputs: `compute_output_shape` when the layer defines
        it, else `call` run on `KerasTensor`s."""
        if type(self).compute_output_shape is not Layer.compute_output_shape:
            first = args[0] if args else kwargs.get(self._call_first_arg)
            shapes = tree.map_structure(shape_of, first)
            out = self.compute_output_shape(shapes)
            return shapes_to_specs(out, self.compute_dtype)
        return self.call(*args, **kwargs)

    # Calling --------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        if any_symbolic(*args, *kwargs.values()):
            return self._symbolic_call(args, kwargs)
        if args and isinstance(args[0], (np.ndarray, list)):
            args = (self._convert_input(args[0]), *args[1:])
        if not self.built:
            self._check_input_spec(args, kwargs)
            self._build_for(args, kwargs)
        training = kwargs.get("training")
        if training is None:
            training = getattr(_CONTEXT, "training", None)
            if self._call_accepts_training and training is not None:
                kwargs["training"] = training
            elif "training" in kwargs and not self._call_accepts_training:
                del kwargs["training"]
            outputs = self.call(*args, **kwargs)
        else:
            if not self._call_accepts_training:
                del kwargs["training"]
            previous = getattr(_CONTEXT, "training", None)
            _CONTEXT.training = training
            try:
                outputs = self.call(*args, **kwargs)
            finally:
                _CONTEXT.training = previous
        if self.activity_regularizer is not None:
            for out in tree.flatten(outputs):
                self.add_loss(self.activity_regularizer(out))
        return outputs

    def _convert_input(self, x):
        if isinstance(x, list):
            return [self._convert_input(v) if isinstance(v, (np.ndarray, list)) else v for v in x]
        if x.dtype.kind == "f" and self.autocast:
            return backend.convert_to_tensor(x, self.compute_dtype)
        return backend.convert_to_tensor(x)

    def _symbolic_call(self, args, kwargs):
        kwargs = dict(kwargs)
        if not self._call_accepts_training:
            kwargs.pop("training", None)
        self._check_input_spec(args, kwargs)
        with symbolic_scope():
            if not self.built:
                self._build_for(args, kwargs)
            try:
                outputs = self.compute_output_spec(*args, **kwargs)
            except Exception as e:
                first = args[0] if args else kwargs.get(self._call_first_arg)
                shapes = tree.map_structure(shape_of, first) if first is not None else None
                e.add_note(
                    f"(raised by layer {self.name!r} of type {type(self).__name__} when called "
                    f"on inputs of shape {shapes})"
                )
                raise
        if not recording_enabled():
            return outputs
        outputs = tree.map_structure(
            lambda t: KerasTensor(t.shape, t.dtype) if isinstance(t, KerasTensor) else t, outputs
        )
        Node(self, args, kwargs, outputs)
        return outputs

    def _check_input_spec(self, args, kwargs):
        if self.input_spec is None:
            return
        from lamina.layers.input_spec import assert_input_compatibility

        first = args[0] if args else kwargs.get(self._call_first_arg)
        assert_input_compatibility(self.input_spec, first, self.name)

    def call(self, *args, **kwargs):
        """The layer's computation. Subclasses override it."""
        raise TypeError(
            f"Layer {self.name!r} ({type(self).__name__}) has no `call` method. A layer subclass "
            "must define `call(self, inputs)`."
        )

    # Masks ----------------------------------------------------------------------------
    def compute_mask(self, inputs, previous_mask=None):
        """The output mask: the input mask passes through when `supports_masking`."""
        return previous_mask if self.supports_masking else None

    # Config ---------------------------------------------------------------------------
    def get_config(self) -> dict:
        """The arguments that rebuild this layer with `from_config`."""
        cfg = {"name": self.name, "trainable": self.trainable, "dtype": self._policy.name}
        if self._batch_input_shape is not None:
            cfg["batch_input_shape"] = list(self._batch_input_shape)
        if self.activity_regularizer is not None:
            from lamina import regularizers

            cfg["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        if type(self).get_config is Layer.get_config:
            cfg.update(auto_config(self))
        return cfg

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    @property
    def path(self) -> str:
        return self.name

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"

    # Functional-graph views --------------------------------------------------------------
    def _node_output(self, attr):
        if not self._inbound_nodes:
            raise AttributeError(
                f"Layer {self.name!r} has never been called on a symbolic input, so it has no "
                f"`{attr}`."
            )
        values = getattr(self._inbound_nodes[0], attr)
        return values[0] if len(values) == 1 else values

    @property
    def input(self):
        return self._node_output("input_tensors")

    @property
    def output(self):
        return self._node_output("output_tensors")


def _is_seed_generator(value) -> bool:
    from lamina.random.seed_generator import SeedGenerator

    return isinstance(value, SeedGenerator)


def _layers_in(value):
    if isinstance(value, Layer):
        return [value]
    if isinstance(value, (list, tuple)):
        out = []
        for v in value:
            out.extend(_layers_in(v))
        return out
    if isinstance(value, dict):
        out = []
        for v in value.values():
            out.extend(_layers_in(v))
        return out
    return []
