"""`Adam`: adaptive moment estimation (Kingma & Ba, 2014), with optional AMSGrad."""

from __future__ import annotations

from lamina import backend, ops
from lamina.optimizers.base_optimizer import Optimizer


class Adam(Optimizer):
    """Adam: per-coordinate steps from running averages of the gradient and its square.

    ``m = beta_1 * m + (1 - beta_1) * g``, ``v = beta_2 * v + (1 - beta_2) * g**2`` and
    ``w -= lr * sqrt(1 - beta_2**t) / (1 - beta_1**t) * m / (sqrt(v) + epsilon)``.

    Args:
        learning_rate: a float or a `LearningRateSchedule`. Defaults to 0.001.
        beta_1: decay rate of the first-moment average. Defaults to 0.9.
        beta_2: decay rate of the second-moment average. Defaults to 0.999.
        epsilon: small constant for numerical stability. Defaults to 1e-7.
        amsgrad: use the maximum of past second moments (AMSGrad). Defaults to False.
        **kwargs: the base optimizer arguments (``weight_decay``, ``clipnorm``, ...).

    Example:
        >>> opt = lamina.optimizers.Adam(learning_rate=0.1)
        >>> w = lamina.Variable(np.ones((2,)), name="w")
        >>> _ = opt.apply([np.ones((2,))], [w])
        >>> print(np.round(w.numpy(), 4))
        [0.9 0.9]
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-7,
        amsgrad=False,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.amsgrad = amsgrad

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        for v in variables:
            self.add_variable_from_reference(v, "momentum")
            self.add_variable_from_reference(v, "velocity")
        if self.amsgrad:
            for v in variables:
                self.add_variable_from_reference(v, "velocity_hat")

    def update_variables(self, grads, variables, learning_rate):
        """All variables at once through the backend's multi-tensor Adam kernel."""
        if self.amsgrad:
            return super().update_variables(grads, variables, learning_rate)
        backend.active.load("trainer").adam_update(
            variables,
            grads,
            [self.get_slot(v, "momentum") for v in variables],
            [self.get_slot(v, "velocity") for v in variables],
            learning_rate,
            self.iterations.value,
            self.beta_1,
            self.beta_2,
            self.epsilon,
        )

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        step = ops.cast(ops.add(self.iterations.value, 1), dtype)
        beta_1_power = ops.power(ops.cast(self.beta_1, dtype), step)
        beta_2_power = ops.power(ops.cast(self.beta_2, dtype), step)
        m = self.get_slot(variable, "momentum")
        v = self.get_slot(variable, "velocity")
        alpha = ops.divide(
            ops.multiply(lr, ops.sqrt(ops.subtract(1, beta_2_power))), ops.subtract(1, beta_1_power)
        )
        m.assign(ops.add(m.value, ops.multiply(ops.subtract(gradient, m.value), 1 - self.beta_1)))
        v.assign(
            ops.add(
                v.value, ops.multiply(ops.subtract(ops.square(gradient), v.value), 1 - self.beta_2)
            )
        )
        second = v.value
        if self.amsgrad:
            v_hat = self.get_slot(variable, "velocity_hat")
            v_hat.assign(ops.maximum(v_hat.value, v.value))
            second = v_hat.value
        variable.assign(
            ops.subtract(
                variable.value,
                ops.divide(ops.multiply(m.value, alpha), ops.add(ops.sqrt(second), self.epsilon)),
            )
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "beta_1": self.beta_1,
                "beta_2": self.beta_2,
                "epsilon": self.epsilon,
                "amsgrad": self.amsgrad,
            }
        )
        return config
