"""Learning-rate schedules: objects called with the step (the optimizer's iteration count)."""

from __future__ import annotations

import math

from lamina import ops


class LearningRateSchedule:
    """Base class: ``schedule(step)`` returns the learning rate for that step (a tensor).

    Example:
        >>> class InverseStep(lamina.optimizers.schedules.LearningRateSchedule):
        ...     def __init__(self, initial_learning_rate):
        ...         self.initial_learning_rate = initial_learning_rate
        ...     def __call__(self, step):
        ...         return self.initial_learning_rate / (step + 1)
        >>> opt = lamina.optimizers.SGD(learning_rate=InverseStep(0.5))
        >>> w = lamina.Variable(np.ones((2,)), name="w")
        >>> _ = opt.apply([np.ones((2,))], [w])  # step 0: rate 0.5
        >>> float(opt.learning_rate)  # step 1
        0.25
    """

    def __call__(self, step):
        raise TypeError(f"{type(self).__name__} must define `__call__(self, step)`.")

    def get_config(self) -> dict:
        raise TypeError(f"{type(self).__name__} must define `get_config()` to be saved.")

    @classmethod
    def from_config(cls, config, custom_objects=None):
        return cls(**config)


def _check_steps(arg, value):
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"`{arg}` must be a number > 0. Received: {arg}={value!r}")


class ExponentialDecay(LearningRateSchedule):
    """``initial_learning_rate * decay_rate ** (step / decay_steps)``.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: steps per decay period (> 0).
        decay_rate: the factor applied per period.
        staircase: decay at whole periods only (integer ``step // decay_steps``).
        name: the schedule's name.

    Example:
        >>> s = ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
        >>> print(round(float(s(10)), 4))
        0.05
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="ExponentialDecay",
    ):
        _check_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        lr = ops.convert_to_tensor(self.initial_learning_rate)
        dtype = ops.dtype(lr)
        p = ops.divide(ops.cast(step, dtype), ops.cast(self.decay_steps, dtype))
        if self.staircase:
            p = ops.floor(p)
        return ops.multiply(lr, ops.power(ops.cast(self.decay_rate, dtype), p))

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class InverseTimeDecay(LearningRateSchedule):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: how often to apply the decay (> 0).
        decay_rate: the decay factor.
        staircase: apply the decay at whole periods only.
        name: the schedule's name.

    Example:
        >>> s = InverseTimeDecay(0.1, decay_steps=1, decay_rate=1.0)
        >>> print(round(float(s(1)), 4))
        0.05
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        decay_rate,
        staircase=False,
        name="InverseTimeDecay",
    ):
        _check_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.decay_rate = decay_rate
        self.staircase = staircase
        self.name = name

    def __call__(self, step):
        lr = ops.convert_to_tensor(self.initial_learning_rate)
        dtype = ops.dtype(lr)
        p = ops.divide(ops.cast(step, dtype), ops.cast(self.decay_steps, dtype))
        if self.staircase:
            p = ops.floor(p)
        denom = ops.add(ops.cast(1, dtype), ops.multiply(ops.cast(self.decay_rate, dtype), p))
        return ops.divide(lr, denom)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class PiecewiseConstantDecay(LearningRateSchedule):
    """``values[0]`` while ``step <= boundaries[0]``, ``values[1]`` up to ``boundaries[1]``, ...

    Args:
        boundaries: increasing step boundaries.
        values: one more value than there are boundaries.
        name: the schedule's name.

    Example:
        >>> s = PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
        >>> print(float(s(15)))
        0.5
    """

    def __init__(self, boundaries, values, name="PiecewiseConstant"):
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                "`values` must have exactly one more entry than `boundaries`. Received: "
                f"boundaries={boundaries} (length {len(boundaries)}), values={values} "
                f"(length {len(values)})."
            )
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        step = ops.convert_to_tensor(step)
        step_dtype = ops.dtype(step)
        values = [ops.convert_to_tensor(v) for v in self.values]
        dtype = ops.dtype(values[0])
        bounds = [ops.cast(b, step_dtype) for b in self.boundaries]
        result = ops.multiply(ops.cast(ops.less_equal(step, bounds[0]), dtype), values[0])
        result = ops.add(
            result, ops.multiply(ops.cast(ops.greater(step, bounds[-1]), dtype), values[-1])
        )
        for low, high, value in zip(bounds[:-1], bounds[1:], values[1:-1]):
            inside = ops.logical_and(ops.greater(step, low), ops.less_equal(step, high))
            result = ops.add(result, ops.multiply(ops.cast(inside, dtype), value))
        return result

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """Decays from ``initial_learning_rate`` to ``end_learning_rate`` over ``decay_steps`` as
    ``(initial - end) * (1 - step / decay_steps) ** power + end``.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: the length of the decay (> 0).
        end_learning_rate: the final rate. Defaults to 0.0001.
        power: the polynomial's power. Defaults to 1.0 (linear).
        cycle: restart the decay past ``decay_steps`` (with a longer period) instead of
            staying at ``end_learning_rate``.
        name: the schedule's name.

    Example:
        >>> s = PolynomialDecay(1.0, decay_steps=10, end_learning_rate=0.0)
        >>> print(float(s(5)))
        0.5
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        end_learning_rate=0.0001,
        power=1.0,
        cycle=False,
        name="PolynomialDecay",
    ):
        _check_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.end_learning_rate = end_learning_rate
        self.power = power
        self.cycle = cycle
        self.name = name

    def __call__(self, step):
        lr = ops.convert_to_tensor(self.initial_learning_rate)
        dtype = ops.dtype(lr)
        end = ops.cast(self.end_learning_rate, dtype)
        power = ops.cast(self.power, dtype)
        step = ops.cast(step, dtype)
        decay_steps = ops.cast(self.decay_steps, dtype)
        if self.cycle:
            multiplier = ops.where(
                ops.equal(step, 0),
                ops.cast(1.0, dtype),
                ops.ceil(ops.divide(step, decay_steps)),
            )
            decay_steps = ops.multiply(decay_steps, multiplier)
        else:
            step = ops.minimum(step, decay_steps)
        p = ops.divide(step, decay_steps)
        return ops.add(
            ops.multiply(ops.subtract(lr, end), ops.power(ops.subtract(1, p), power)), end
        )

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


class CosineDecay(LearningRateSchedule):
    """Cosine decay (Loshchilov & Hutter, SGDR) with an optional linear warmup.

    Without warmup: ``lr * ((1 - alpha) * 0.5 * (1 + cos(pi * step / decay_steps)) + alpha)``.
    With ``warmup_target``, the rate rises linearly from ``initial_learning_rate`` to
    ``warmup_target`` over ``warmup_steps``, then decays from ``warmup_target``.

    Args:
        initial_learning_rate: the rate at step 0.
        decay_steps: the length of the decay (> 0).
        alpha: the final rate as a fraction of the starting one. Defaults to 0.0.
        name: the schedule's name.
        warmup_target: the rate reached at the end of warmup, or None for no warmup.
        warmup_steps: the length of the warmup. Defaults to 0.

    Example:
        >>> s = CosineDecay(1.0, decay_steps=10)
        >>> print(round(float(s(5)), 4))
        0.5
    """

    def __init__(
        self,
        initial_learning_rate,
        decay_steps,
        alpha=0.0,
        name="CosineDecay",
        warmup_target=None,
        warmup_steps=0,
    ):
        _check_steps("decay_steps", decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.decay_steps = decay_steps
        self.alpha = alpha
        self.name = name
        self.warmup_steps = warmup_steps
        self.warmup_target = warmup_target

    def _decay(self, step, decay_steps, decay_from, dtype):
        fraction = ops.divide(step, decay_steps)
        cosine = ops.multiply(
            0.5, ops.add(1.0, ops.cos(ops.multiply(ops.cast(math.pi, dtype), fraction)))
        )
        return ops.multiply(decay_from, ops.add(ops.multiply(1 - self.alpha, cosine), self.alpha))

    def __call__(self, step):
        lr = ops.convert_to_tensor(self.initial_learning_rate)
        dtype = ops.dtype(lr)
        decay_steps = ops.cast(self.decay_steps, dtype)
        step = ops.cast(step, dtype)
        if self.warmup_target is None:
            return self._decay(ops.minimum(step, decay_steps), decay_steps, lr, dtype)
        target = ops.cast(self.warmup_target, dtype)
        warmup_steps = ops.cast(self.warmup_steps, dtype)
        step = ops.minimum(step, ops.add(decay_steps, warmup_steps))
        decayed = self._decay(ops.subtract(step, warmup_steps), decay_steps, target, dtype)
        if not self.warmup_steps:
            return decayed
        warm = ops.add(ops.multiply(ops.subtract(target, lr), ops.divide(step, warmup_steps)), lr)
        return ops.where(ops.less(step, warmup_steps), warm, decayed)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR): each period is ``t_mul`` times longer than the
    previous one and starts from ``m_mul`` times its rate.

    Args:
        initial_learning_rate: the rate at step 0.
        first_decay_steps: the length of the first period (> 0).
        t_mul: period length multiplier. Defaults to 2.0.
        m_mul: starting-rate multiplier per restart. Defaults to 1.0.
        alpha: the minimum rate as a fraction of ``initial_learning_rate``.
        name: the schedule's name.

    Example:
        >>> s = CosineDecayRestarts(1.0, first_decay_steps=10)
        >>> print(round(float(s(10)), 4))
        1.0
    """

    def __init__(
        self,
        initial_learning_rate,
        first_decay_steps,
        t_mul=2.0,
        m_mul=1.0,
        alpha=0.0,
        name="SGDRDecay",
    ):
        _check_steps("first_decay_steps", first_decay_steps)
        self.initial_learning_rate = initial_learning_rate
        self.first_decay_steps = first_decay_steps
        self._t_mul = t_mul
        self._m_mul = m_mul
        self.alpha = alpha
        self.name = name

    def __call__(self, step):
        lr = ops.convert_to_tensor(self.initial_learning_rate)
        dtype = ops.dtype(lr)
        first = ops.cast(self.first_decay_steps, dtype)
        alpha = ops.cast(self.alpha, dtype)
        t_mul = ops.cast(self._t_mul, dtype)
        m_mul = ops.cast(self._m_mul, dtype)
        fraction = ops.divide(ops.cast(step, dtype), first)
        if self._t_mul == 1.0:
            restart = ops.floor(fraction)
            fraction = ops.subtract(fraction, restart)
        else:
            # Period i has length t_mul**i: find the period and the fraction done within it.
            restart = ops.floor(
                ops.divide(
                    ops.log(ops.subtract(1.0, ops.multiply(fraction, ops.subtract(1.0, t_mul)))),
                    ops.log(t_mul),
                )
            )
            done = ops.divide(
                ops.subtract(1.0, ops.power(t_mul, restart)), ops.subtract(1.0, t_mul)
            )
            fraction = ops.divide(ops.subtract(fraction, done), ops.power(t_mul, restart))
        cosine = ops.multiply(
            ops.multiply(0.5, ops.power(m_mul, restart)),
            ops.add(1.0, ops.cos(ops.multiply(ops.cast(math.pi, dtype), fraction))),
        )
        return ops.multiply(lr, ops.add(ops.multiply(ops.subtract(1, alpha), cosine), alpha))

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self._t_mul,
            "m_mul": self._m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


def serialize(learning_rate_schedule) -> dict:
    """A schedule's JSON-ready config (``class_name``, ``config``, ...).

    Example:
        >>> s = lamina.optimizers.schedules.ExponentialDecay(0.5, decay_steps=10, decay_rate=0.5)
        >>> config = lamina.optimizers.schedules.serialize(s)
        >>> config["class_name"], config["config"]["decay_steps"]
        ('ExponentialDecay', 10)
    """
    from lamina.saving.serialization import serialize_object

    return serialize_object(learning_rate_schedule)


def deserialize(config, custom_objects=None):
    """The schedule a `serialize` config describes.

    Example:
        >>> s = lamina.optimizers.schedules.ExponentialDecay(0.5, decay_steps=10, decay_rate=0.5)
        >>> config = lamina.optimizers.schedules.serialize(s)
        >>> float(lamina.optimizers.schedules.deserialize(config)(10))
        0.25
    """
    from lamina.saving.serialization import deserialize_object

    return deserialize_object(config, custom_objects)
