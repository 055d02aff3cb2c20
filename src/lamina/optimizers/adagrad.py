"""`Adagrad`: per-coordinate learning rates from the sum of past squared gradients."""

from __future__ import annotations

from lamina import initializers, ops
from lamina.optimizers.base_optimizer import Optimizer


class Adagrad(Optimizer):
    """Adagrad: ``acc += g**2`` and ``w -= lr * g / sqrt(acc + epsilon)``.

    Args:
        learning_rate: a float or a `LearningRateSchedule`. Defaults to 0.001.
        initial_accumulator_value: the accumulators' starting value. Defaults to 0.1.
        epsilon: small constant for numerical stability. Defaults to 1e-7.
        **kwargs: the base optimizer arguments (``weight_decay``, ``clipnorm``, ...).

    Example:
        >>> opt = lamina.optimizers.Adagrad(learning_rate=0.1)
        >>> w = lamina.Variable(np.ones((2,)), name="w")
        >>> _ = opt.apply([np.ones((2,))], [w])
        >>> print(w.numpy().round(4))
        [0.9047 0.9047]
    """

    def __init__(
        self,
        learning_rate=0.001,
        initial_accumulator_value=0.1,
        epsilon=1e-7,
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
        super().__init__(
            learning_rate=learning_rate,
            weight_decay=weight_decay,
            clipnorm=clipnorm,
            clipvalue=clipvalue,
            global_clipnorm=global_clipnorm,
            use_ema=use_ema,
            ema_momentum=ema_momentum,
            ema_overwrite_frequency=ema_overwrite_frequency,
            loss_scale_factor=loss_scale_factor,
            gradient_accumulation_steps=gradient_accumulation_steps,
            name=name,
            **kwargs,
        )
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        init = initializers.Constant(self.initial_accumulator_value)
        for v in variables:
            self.add_variable_from_reference(v, "accumulator", initializer=init)

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        accumulator = self.get_slot(variable, "accumulator")
        accumulator.assign(ops.add(accumulator.value, ops.square(gradient)))
        variable.assign(
            ops.subtract(
                variable.value,
                ops.divide(
                    ops.multiply(lr, gradient), ops.sqrt(ops.add(accumulator.value, self.epsilon))
                ),
            )
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {"initial_accumulator_value": self.initial_accumulator_value, "epsilon": self.epsilon}
        )
        return config
