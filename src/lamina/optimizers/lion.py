"""`Lion`: sign-based updates from an interpolated momentum (Chen et al., 2023)."""

from __future__ import annotations

from lamina import ops
from lamina.optimizers.base_optimizer import Optimizer


class Lion(Optimizer):
    """Lion: ``w -= lr * sign(beta_1 * m + (1 - beta_1) * g)`` then
    ``m = beta_2 * m + (1 - beta_2) * g``. Use a smaller learning rate than for Adam.

    Args:
        learning_rate: a float or a `LearningRateSchedule`. Defaults to 0.001.
        beta_1: interpolation factor of the update direction, in (0, 1]. Defaults to 0.9.
        beta_2: decay of the momentum. Defaults to 0.99.
        **kwargs: the base optimizer arguments (``weight_decay``, ``clipnorm``, ...).

    Example:
        >>> opt = lamina.optimizers.Lion(learning_rate=0.1)
        >>> w = lamina.Variable(np.ones((2,)), name="w")
        >>> _ = opt.apply([np.ones((2,))], [w])
        >>> print(w.numpy())
        [0.9 0.9]
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1=0.9,
        beta_2=0.99,
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
        if not isinstance(beta_1, (int, float)) or beta_1 <= 0 or beta_1 > 1:
            raise ValueError(
                "`beta_1` must be in (0, 1]; otherwise Lion degenerates to SignSGD. "
                f"Received: beta_1={beta_1!r}"
            )
        self.beta_1 = beta_1
        self.beta_2 = beta_2

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        for v in variables:
            self.add_variable_from_reference(v, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        dtype = variable.dtype
        lr = ops.cast(learning_rate, dtype)
        gradient = ops.cast(gradient, dtype)
        beta_1 = ops.cast(self.beta_1, dtype)
        beta_2 = ops.cast(self.beta_2, dtype)
        m = self.get_slot(variable, "momentum")
        direction = ops.add(
            ops.multiply(m.value, beta_1), ops.multiply(gradient, ops.subtract(1.0, beta_1))
        )
        variable.assign(ops.subtract(variable.value, ops.multiply(lr, ops.sign(direction))))
        m.assign(
            ops.add(
                ops.multiply(m.value, beta_2), ops.multiply(gradient, ops.subtract(1.0, beta_2))
            )
        )

    def get_config(self):
        config = super().get_config()
        config.update({"beta_1": self.beta_1, "beta_2": self.beta_2})
        return config
