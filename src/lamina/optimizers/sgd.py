"""`SGD`: gradient descent, with optional (Nesterov) momentum."""

from __future__ import annotations

from lamina import ops
from lamina.optimizers.base_optimizer import Optimizer


class SGD(Optimizer):
    """Gradient descent with momentum.

    Without momentum: ``w = w - learning_rate * g``. With momentum:
    ``velocity = momentum * velocity - learning_rate * g`` then ``w = w + velocity``; with
    Nesterov momentum ``w = w + momentum * velocity - learning_rate * g``.

    Args:
        learning_rate: a float or a `LearningRateSchedule`. Defaults to 0.01.
        momentum: a float in [0, 1] that accelerates descent along consistent directions.
        nesterov: whether to apply Nesterov momentum.
        **kwargs: the base optimizer arguments (``weight_decay``, ``clipnorm``, ``clipvalue``,
            ``global_clipnorm``, ``name``, ...).

    Example:
        >>> opt = lamina.optimizers.SGD(learning_rate=0.1, momentum=0.9)
        >>> w = lamina.Variable(np.ones((2,)), name="w")
        >>> _ = opt.apply([np.ones((2,))], [w])
        >>> print(w.numpy())
        [0.9 0.9]
    """

    def __init__(
        self,
        learning_rate=0.01,
        momentum=0.0,
        nesterov=False,
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
        if (
            not isinstance(momentum, (int, float))
            or isinstance(momentum, bool)
            or not (0 <= momentum <= 1)
        ):
            raise ValueError(
                f"`momentum` must be a float in [0, 1]. Received: momentum={momentum!r}"
            )
        self.momentum = float(momentum)
        self.nesterov = bool(nesterov)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        if self.momentum != 0:
            for v in variables:
                self.add_variable_from_reference(v, "momentum")

    def update_step(self, gradient, variable, learning_rate):
        lr = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        if self.momentum == 0:
            variable.assign(ops.subtract(variable.value, ops.multiply(gradient, lr)))
            return
        m = self.get_slot(variable, "momentum")
        momentum = ops.cast(self.momentum, variable.dtype)
        m.assign(ops.subtract(ops.multiply(m.value, momentum), ops.multiply(gradient, lr)))
        if self.nesterov:
            step = ops.subtract(ops.multiply(m.value, momentum), ops.multiply(gradient, lr))
        else:
            step = m.value
        variable.assign(ops.add(variable.value, step))

    def get_config(self):
        config = super().get_config()
        config.update({"momentum": self.momentum, "nesterov": self.nesterov})
        return config
