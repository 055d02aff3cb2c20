"""`Adadelta`: steps sized by running averages of squared gradients and updates (Zeiler, 2012)."""

from __future__ import annotations

from lamina import ops
from lamina.optimizers.base_optimizer import Optimizer


class Adadelta(Optimizer):
    """Adadelta: a learning-rate-free form of RMSprop, scaled here by ``learning_rate``.

    ``acc_g = rho * acc_g + (1 - rho) * g**2``,
    ``delta = -sqrt(acc_d + eps) / sqrt(acc_g + eps) * g``,
    ``acc_d = rho * acc_d + (1 - rho) * delta**2`` and ``w += lr * delta``.

    Args:
        learning_rate: a float or a `LearningRateSchedule`. Defaults to 0.001.
        rho: the decay rate. Defaults to 0.95.
        epsilon: small constant for numerical stability. Defaults to 1e-7.
        **kwargs: the base optimizer arguments (``weight_decay``, ``clipnorm``, ...).

    Example:
        >>> opt = lamina.optimizers.Adadelta(learning_rate=1.0)
        >>> w = lamina.Variable(np.ones((2,)), name="w")
        >>> _ = opt.apply([np.ones((2,))], [w])
        >>> print(w.numpy().round(4))
        [0.9986 0.9986]
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho=0.95,
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
        self.rho = rho
        self.epsilon = epsilon

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        for v in variables:
            self.add_variable_from_reference(v, "accumulated_grad")
            self.add_variable_from_reference(v, "accumulated_delta_var")

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        rho = self.rho
        acc_grad = self.get_slot(variable, "accumulated_grad")
        acc_delta = self.get_slot(variable, "accumulated_delta_var")

        def rms(x):
            return ops.sqrt(ops.add(x, self.epsilon))

        acc_grad.assign(
            ops.add(ops.multiply(rho, acc_grad.value), ops.multiply(1 - rho, ops.square(gradient)))
        )
        delta = ops.negative(
            ops.divide(ops.multiply(rms(acc_delta.value), gradient), rms(acc_grad.value))
        )
        acc_delta.assign(
            ops.add(ops.multiply(rho, acc_delta.value), ops.multiply(1 - rho, ops.square(delta)))
        )
        variable.assign(ops.add(variable.value, ops.multiply(lr, delta)))

    def get_config(self):
        config = super().get_config()
        config.update({"rho": self.rho, "epsilon": self.epsilon})
        return config
