"""`RMSprop`: steps scaled by a running average of squared gradients (Hinton, 2012)."""

from __future__ import annotations

from lamina import ops
from lamina.optimizers.base_optimizer import Optimizer


class RMSprop(Optimizer):
    """RMSprop: ``v = rho * v + (1 - rho) * g**2`` and ``w -= lr * g / sqrt(v + epsilon)``.

    With ``centered=True`` the variance estimate subtracts the squared running mean of the
    gradient; with ``momentum > 0`` the increments accumulate in a momentum slot.

    Args:
        learning_rate: a float or a `LearningRateSchedule`. Defaults to 0.001.
        rho: decay of the squared-gradient average. Defaults to 0.9.
        momentum: momentum factor. Defaults to 0.0.
        epsilon: small constant for numerical stability. Defaults to 1e-7.
        centered: normalize by the estimated variance instead of the second moment.
        **kwargs: the base optimizer arguments (``weight_decay``, ``clipnorm``, ...).

    Example:
        >>> opt = lamina.optimizers.RMSprop(learning_rate=0.1)
        >>> w = lamina.Variable(np.ones((2,)), name="w")
        >>> _ = opt.apply([np.ones((2,))], [w])
        >>> print(w.numpy().round(4))
        [0.6838 0.6838]
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.9,
        momentum=0.0,
        epsilon=1e-7,
        centered=False,
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
        self.rho = rho
        self.momentum = momentum
        self.epsilon = epsilon
        self.centered = centered

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        for v in variables:
            self.add_variable_from_reference(v, "velocity")
        if self.momentum > 0:
            for v in variables:
                self.add_variable_from_reference(v, "momentum")
        if self.centered:
            for v in variables:
                self.add_variable_from_reference(v, "average_gradient")

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        rho = self.rho
        velocity = self.get_slot(variable, "velocity")
        velocity.assign(
            ops.add(ops.multiply(rho, velocity.value), ops.multiply(1 - rho, ops.square(gradient)))
        )
        if self.centered:
            average = self.get_slot(variable, "average_gradient")
            average.assign(
                ops.add(ops.multiply(rho, average.value), ops.multiply(1 - rho, gradient))
            )
            denominator = ops.add(
                ops.subtract(velocity.value, ops.square(average.value)), self.epsilon
            )
        else:
            denominator = ops.add(velocity.value, self.epsilon)
        increment = ops.divide(ops.multiply(lr, gradient), ops.sqrt(denominator))
        if self.momentum > 0:
            momentum = self.get_slot(variable, "momentum")
            momentum.assign(ops.add(ops.multiply(self.momentum, momentum.value), increment))
            increment = momentum.value
        variable.assign(ops.subtract(variable.value, increment))

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "rho": self.rho,
                "momentum": self.momentum,
                "epsilon": self.epsilon,
                "centered": self.centered,
            }
        )
        return config
