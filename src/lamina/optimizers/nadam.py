"""`Nadam`: Adam with Nesterov momentum (Dozat, 2015)."""

from __future__ import annotations

from lamina import ops
from lamina.optimizers.base_optimizer import Optimizer


class Nadam(Optimizer):
    """Nadam: Adam whose first moment looks one step ahead, with a momentum schedule
    ``u_t = beta_1 * (1 - 0.5 * 0.96**t)``.

    Args:
        learning_rate: a float or a `LearningRateSchedule`. Defaults to 0.001.
        beta_1: decay of the first moment. Defaults to 0.9.
        beta_2: decay of the second moment. Defaults to 0.999.
        epsilon: small constant for numerical stability. Defaults to 1e-7.
        **kwargs: the base optimizer arguments (``weight_decay``, ``clipnorm``, ...).

    Example:
        >>> opt = lamina.optimizers.Nadam(learning_rate=0.1)
        >>> w = lamina.Variable(np.ones((2,)), name="w")
        >>> _ = opt.apply([np.ones((2,))], [w])
        >>> print(w.numpy().round(4))
        [0.8937 0.8937]
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.999,
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
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def build(self, variables):
        if self.built:
            return
        dtype = variables[0].dtype if variables else "float32"
        super().build(variables)
        for v in variables:
            self.add_variable_from_reference(v, "momentum")
            self.add_variable_from_reference(v, "velocity")
        self._u_product = self.add_variable((), initializer="ones", dtype=dtype, name="u_product")

    def update_variables(self, grads, variables, learning_rate):
        # The running product of momentum factors advances once per step, before the updates.
        dtype = self._u_product.dtype
        step = ops.cast(ops.add(self.iterations.value, 1), dtype)
        u_t = ops.multiply(self.beta_1, ops.subtract(1.0, ops.multiply(0.5, ops.power(0.96, step))))
        self._u_product.assign(ops.multiply(self._u_product.value, u_t))
        super().update_variables(grads, variables, learning_rate)

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        step = ops.cast(ops.add(self.iterations.value, 1), dtype)
        next_step = ops.cast(ops.add(self.iterations.value, 2), dtype)
        decay = ops.cast(0.96, dtype)
        beta_1 = ops.cast(self.beta_1, dtype)
        beta_2 = ops.cast(self.beta_2, dtype)
        u_t = ops.multiply(beta_1, ops.subtract(1.0, ops.multiply(0.5, ops.power(decay, step))))
        u_t_1 = ops.multiply(
            beta_1, ops.subtract(1.0, ops.multiply(0.5, ops.power(decay, next_step)))
        )
        u_product_t = ops.cast(self._u_product.value, dtype)
        u_product_t_1 = ops.multiply(u_product_t, u_t_1)
        beta_2_power = ops.power(beta_2, step)
        m = self.get_slot(variable, "momentum")
        v = self.get_slot(variable, "velocity")
        m.assign(
            ops.add(m.value, ops.multiply(ops.subtract(gradient, m.value), ops.subtract(1, beta_1)))
        )
        v.assign(
            ops.add(
                v.value,
                ops.multiply(ops.subtract(ops.square(gradient), v.value), ops.subtract(1, beta_2)),
            )
        )
        m_hat = ops.add(
            ops.divide(ops.multiply(u_t_1, m.value), ops.subtract(1, u_product_t_1)),
            ops.divide(ops.multiply(ops.subtract(1, u_t), gradient), ops.subtract(1, u_product_t)),
        )
        v_hat = ops.divide(v.value, ops.subtract(1, beta_2_power))
        variable.assign(
            ops.subtract(
                variable.value,
                ops.divide(ops.multiply(m_hat, lr), ops.add(ops.sqrt(v_hat), self.epsilon)),
            )
        )

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2, "epsilon": self.epsilon})
        return config
