"""`ReduceLROnPlateau`: lower the learning rate when a metric stops improving."""

from __future__ import annotations

import numpy as np

from lamina.callbacks._learning_rate import get_learning_rate, set_learning_rate
from lamina.callbacks.monitor_callback import MonitorCallback


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by ``factor`` after ``patience`` epochs without improvement.

    The learning rate of each epoch is added to its logs as ``learning_rate``.

    Args:
        monitor: the logged quantity to watch.
        factor: the multiplier, in (0, 1): ``new_lr = lr * factor``.
        patience: epochs without improvement before the rate is lowered.
        verbose: 1 prints a message at each reduction.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        min_delta: changes smaller than this do not count as improvements.
        cooldown: epochs to wait after a reduction before counting again.
        min_lr: the rate never goes below this.

    Example:
        >>> x, y = np.ones((8, 2)), np.ones((8, 1))
        >>> frozen = keras.layers.Dense(1, trainable=False)  # so the loss never improves
        >>> model = keras.Sequential([keras.Input((2,)), frozen])
        >>> model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
        >>> reduce_lr = lamina.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5,
        ...                                                patience=1, min_lr=0.03)
        >>> history = model.fit(x, y, epochs=4, callbacks=[reduce_lr], verbose=0)
        >>> np.round(history.history["learning_rate"], 3)
        array([0.1 , 0.1 , 0.05, 0.03])
    """

    def __init__(
        self,
        monitor="val_loss",
        factor=0.1,
        patience=10,
        verbose=0,
        mode="auto",
        min_delta=1e-4,
        cooldown=0,
        min_lr=0.0,
    ):
        super().__init__(monitor, mode, min_delta=min_delta)
        if not 0.0 <= factor < 1.0:
            raise ValueError(
                "ReduceLROnPlateau: `factor` must be in [0, 1) so that the rate goes down. "
                f"Received: factor={factor}"
            )
        self.factor = factor
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.min_lr = min_lr
        self.cooldown_counter = 0
        self.wait = 0

    def on_train_begin(self, logs=None):
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        logs["learning_rate"] = get_learning_rate(self.model, "ReduceLROnPlateau")
        current = self._monitor_value(logs, "Learning rate reduction")
        if current is None:
            return
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
            return
        if self.in_cooldown():
            return
        self.wait += 1
        if self.wait < self.patience:
            return
        old_lr = logs["learning_rate"]
        if old_lr > np.float32(self.min_lr):
            new_lr = max(old_lr * self.factor, self.min_lr)
            set_learning_rate(self.model, new_lr)
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate to {new_lr}.")
            self.cooldown_counter = self.cooldown
            self.wait = 0
