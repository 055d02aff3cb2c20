"""`Optimizer`: the base of every optimizer. Subclasses write `build` and `update_step`.

An optimizer's state (iteration count, learning rate, slots such as Adam's moments) lives in
Variables, so a compiled training step on any backend carries it as part of its state.
Updates are written with `lamina.ops` and `Variable.assign`, once for every backend.
"""

from __future__ import annotations

import numpy as np

from lamina import backend, ops
from lamina.backend.common.variables import Variable, name_scope
from lamina.utils import naming


class Optimizer:
    """Base optimizer.

    Args:
        learning_rate: a float or a `lamina.optimizers.schedules.LearningRateSchedule`.
        weight_decay: decoupled weight decay applied to every trained variable, or None.
        clipnorm: clip each gradient to this norm. clipvalue: clip each gradient element.
        global_clipnorm: clip all gradients together to this global norm.
        name: the optimizer's name (prefix of its variables' paths).

    Example:
        >>> class PlainSGD(lamina.optimizers.Optimizer):
        ...     def update_step(self, gradient, variable, learning_rate):
        ...         variable.assign(variable - learning_rate * gradient)
        >>> w = lamina.Variable(np.ones((2,)), name="w")
        >>> _ = PlainSGD(learning_rate=0.5).apply([np.ones((2,))], [w])
        >>> w.numpy()
        array([0.5, 0.5])
    """

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay=None,
        clipnorm=None,
        clipvalue=None,
        global_clipnorm=None,
        use_ema=False,
        ema_momentum=0.99,
        ema_overwrite_frequency=None,
        loss_scale_factor=None,
        gradient_accumulation_steps=None,
        name=None,
        **kwargs,
    ):
        if kwargs:
            raise TypeError(
                f"{type(self).__name__} got unexpected keyword argument(s) {sorted(kwargs)}."
            )
        clips = [c for c in (clipnorm, clipvalue, global_clipnorm) if c is not None]
        if len(clips) > 1:
            raise ValueError(
                "Only one of `clipnorm`, `clipvalue` and `global_clipnorm` can be set. "
                f"Received: clipnorm={clipnorm}, clipvalue={clipvalue}, "
                f"global_clipnorm={global_clipnorm}"
            )
        for arg, value in (
            ("clipnorm", clipnorm),
            ("clipvalue", clipvalue),
            ("global_clipnorm", global_clipnorm),
            ("weight_decay", weight_decay),
        ):
            if value is not None and (not isinstance(value, (int, float)) or value < 0):
                raise ValueError(
                    f"`{arg}` must be a non-negative number. Received: {arg}={value!r}"
                )
        if use_ema or gradient_accumulation_steps:
            raise ValueError(
                "`use_ema` and `gradient_accumulation_steps` are not supported by Lamina yet."
            )
        self.name = name or naming.unique_name(naming.to_snake_case(type(self).__name__))
        self.weight_decay = weight_decay
        self.clipnorm = clipnorm
        self.clipvalue = clipvalue
        self.global_clipnorm = global_clipnorm
        self.loss_scale_factor = loss_scale_factor
        self.built = False
        self._variables: list[Variable] = []
        self._slots: dict[int, dict[str, Variable]] = {}
        self._exclude_from_weight_decay: set[str] = set()
        with name_scope(self.name):
            self._iterations = backend.Variable(0, dtype="int64", trainable=False, name="iteration")
        self._variables.append(self._iterations)
        from lamina.optimizers.schedules import LearningRateSchedule

        if isinstance(learning_rate, LearningRateSchedule):
            self._schedule = learning_rate
            self._learning_rate = None
        elif callable(learning_rate):
            self._schedule = learning_rate
            self._learning_rate = None
        else:
            if not isinstance(learning_rate, (int, float, np.floating)) or learning_rate < 0:
                raise ValueError(
                    "`learning_rate` must be a non-negative float or a LearningRateSchedule. "
                    f"Received: learning_rate={learning_rate!r}"
                )
            self._schedule = None
            with name_scope(self.name):
                self._learning_rate = backend.Variable(
                    float(learning_rate), dtype="float32", trainable=False, name="learning_rate"
                )
            self._variables.append(self._learning_rate)

    # State ----------------------------------------------------------------------------
    @property
    def iterations(self) -> Variable:
        return self._iterations

    @property
    def variables(self) -> list[Variable]:
        return list(self._variables)

    @property
    def learning_rate(self):
        """The current learning rate (a tensor); settable with a float during training."""
        return self._current_learning_rate()

    @learning_rate.setter
    def learning_rate(self, value):
        if self._learning_rate is None:
            raise TypeError(
                "This optimizer's learning rate is a schedule; it cannot be set to a number. "
                "Create the optimizer with a float learning rate to change it during training."
            )
        self._learning_rate.assign(np.asarray(float(value), dtype="float32"))

    def _current_learning_rate(self):
        from lamina.optimizers.schedules import LearningRateSchedule

        if isinstance(self._schedule, LearningRateSchedule):
            return ops.cast(self._schedule(self._iterations.value), "float32")
        if self._schedule is not None:  # a plain callable, called without arguments (as Keras)
            return ops.cast(self._schedule(), "float32")
        return self._learning_rate.value

    def build(self, variables):
        """Create slot variables for ``variables``; subclasses call `add_variable_from_reference`."""
        self.built = True

    def get_slot(self, variable, name):
        """The slot ``name`` (e.g. ``"momentum"``) created for ``variable`` in `build`."""
        return self._slots[id(variable)][name]

    def add_variable(self, shape, initializer="zeros", dtype=None, name=None):
        with name_scope(self.name):
            v = backend.Variable(
                initializer,
                shape=shape,
                dtype=dtype or "float32",
                trainable=False,
                name=name or "variable",
            )
        self._variables.append(v)
        return v

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A slot shaped like ``reference_variable``, e.g. Adam's ``momentum``."""
        slot_name = f"{reference_variable.path.replace('/', '_')}_{name}"
        with name_scope(self.name):
            v = backend.Variable(
                initializer,
                shape=reference_variable.shape,
                dtype=reference_variable.dtype,
                trainable=False,
                name=slot_name,
            )
        self._variables.append(v)
        self._slots.setdefault(id(reference_variable), {})[name] = v
        return v

    def exclude_from_weight_decay(self, var_list=None, var_names=None):
        for v in var_list or []:
            self._exclude_from_weight_decay.add(v.path)
        for n in var_names or []:
            self._exclude_from_weight_decay.add(n)

    # Updating -------------------------------------------------------------------------
    def apply_gradients(self, grads_and_vars):
        grads, variables = zip(*grads_and_vars)
        return self.apply(list(grads), list(variables))

    def apply(self, grads, trainable_variables=None):
        """One update of ``trainable_variables`` from ``grads`` (None gradients are skipped)."""
        if trainable_variables is None:
            raise ValueError("`Optimizer.apply` needs the `trainable_variables` the grads are for.")
        if len(grads) != len(trainable_variables):
            raise ValueError(
                f"`Optimizer.apply` got {len(grads)} gradients for "
                f"{len(trainable_variables)} variables."
            )
        if not self.built:
            self.build(trainable_variables)
            self.built = True
        if not grads:
            return self._iterations
        pairs = [(g, v) for g, v in zip(grads, trainable_variables) if g is not None]
        grads = [g for g, _ in pairs]
        variables = [v for _, v in pairs]
        trainer = backend.active.load("trainer")
        with trainer.no_grad():
            if pairs:
                if self.loss_scale_factor is not None:
                    grads = [ops.divide(g, self.loss_scale_factor) for g in grads]
                grads = self._clip(grads)
                learning_rate = self._current_learning_rate()
                self._apply_weight_decay(variables, learning_rate)
                self.update_variables(grads, variables, learning_rate)
                for v in variables:
                    constraint = getattr(v, "constraint", None)
                    if constraint is not None:
                        v.assign(constraint(v.value))
            self._iterations.assign_add(1)
        return self._iterations

    def scale_loss(self, loss):
        """``loss`` times `loss_scale_factor` (gradients are divided by it again in `apply`)."""
        if self.loss_scale_factor is not None:
            return ops.multiply(loss, self.loss_scale_factor)
        return loss

    def update_variables(self, grads, variables, learning_rate):
        """Update every variable; optimizers with a fused multi-tensor path override this."""
        for g, v in zip(grads, variables):
            self.update_step(g, v, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        """The update rule for one variable. Every optimizer subclass defines it."""
        raise TypeError(f"{type(self).__name__} must define `update_step`.")

    def _clip(self, grads):
        # Same formulas as Keras 3, so clipped updates agree to the last bit or two.
        if self.clipvalue:
            return [ops.clip(g, -self.clipvalue, self.clipvalue) for g in grads]
        if self.clipnorm:
            out = []
            for g in grads:
                norm = ops.sqrt(ops.sum(ops.square(g)))
                out.append(
                    ops.divide(ops.multiply(g, self.clipnorm), ops.maximum(norm, self.clipnorm))
                )
            return out
        if self.global_clipnorm:
            total = ops.sqrt(_sum([ops.sum(ops.square(g)) for g in grads]))
            scale = ops.multiply(
                self.global_clipnorm,
                ops.minimum(ops.divide(1.0, total), 1.0 / self.global_clipnorm),
            )
            return [ops.multiply(g, ops.cast(scale, ops.dtype(g))) for g in grads]
        return grads

    def _apply_weight_decay(self, variables, learning_rate):
        if self.weight_decay is None:
            return
        for v in variables:
            if (
                v.path in self._exclude_from_weight_decay
                or v.name in self._exclude_from_weight_decay
            ):
                continue
            lr = ops.cast(learning_rate, v.dtype)
            wd = ops.cast(self.weight_decay, v.dtype)
            v.assign(ops.subtract(v.value, ops.multiply(ops.multiply(v.value, wd), lr)))

    # Config ---------------------------------------------------------------------------
    def get_config(self) -> dict:
        from lamina.optimizers.schedules import LearningRateSchedule
        from lamina.saving.serialization import serialize_object

        if isinstance(self._schedule, LearningRateSchedule):
            lr = serialize_object(self._schedule)
        elif self._schedule is not None:
            raise TypeError(
                "An optimizer whose learning rate is a plain function cannot be serialized; use "
                "a `lamina.optimizers.schedules.LearningRateSchedule` subclass."
            )
        else:
            lr = float(self._learning_rate.numpy())
        return {
            "name": self.name,
            "learning_rate": lr,
            "weight_decay": self.weight_decay,
            "clipnorm": self.clipnorm,
            "clipvalue": self.clipvalue,
            "global_clipnorm": self.global_clipnorm,
            "use_ema": False,
            "ema_momentum": 0.99,
            "ema_overwrite_frequency": None,
            "loss_scale_factor": self.loss_scale_factor,
            "gradient_accumulation_steps": None,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        lr = config.get("learning_rate")
        if isinstance(lr, dict):
            from lamina.saving.serialization import deserialize_object

            config["learning_rate"] = deserialize_object(lr, custom_objects)
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def _sum(values):
    total = values[0]
    for v in values[1:]:
        total = ops.add(total, v)
    return total
