"""`LearningRateScheduler`: set the learning rate at the start of each epoch."""

from __future__ import annotations

import inspect

import numpy as np

from lamina.callbacks._learning_rate import get_learning_rate, set_learning_rate
from lamina.callbacks.callback import Callback


class LearningRateScheduler(Callback):
    """Set the learning rate to ``schedule(epoch, lr)`` (or ``schedule(epoch)``) before each
    epoch; the rate is added to the epoch's logs as ``learning_rate``.

    Args:
        schedule: a function of the epoch index (0-based) and the current rate, returning the
            new rate as a float.
        verbose: 1 prints the rate set at each epoch.

    Example:
        >>> x, y = np.ones((8, 2)), np.ones((8, 1))
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> def schedule(epoch, lr):
        ...     return 0.1 if epoch < 2 else lr * 0.5
        >>> scheduler = lamina.callbacks.LearningRateScheduler(schedule)
        >>> history = model.fit(x, y, epochs=4, callbacks=[scheduler], verbose=0)
        >>> np.round(history.history["learning_rate"], 3)
        array([0.1  , 0.1  , 0.05 , 0.025])
    """

    def __init__(self, schedule, verbose=0):
        super().__init__()
        if not callable(schedule):
            raise TypeError(
                "LearningRateScheduler: `schedule` must be a function `schedule(epoch, lr)`. "
                f"Received: {schedule!r}"
            )
        self.schedule = schedule
        self.verbose = verbose
        self._takes_lr = _accepts_two_arguments(schedule)

    def on_epoch_begin(self, epoch, logs=None):
        if self._takes_lr:
            lr = self.schedule(epoch, get_learning_rate(self.model, "LearningRateScheduler"))
        else:
            lr = self.schedule(epoch)
        if isinstance(lr, bool) or not isinstance(lr, (int, float, np.integer, np.floating)):
            raise ValueError(
                "LearningRateScheduler: `schedule` must return a float. "
                f"Received: {lr!r} at epoch {epoch}"
            )
        set_learning_rate(self.model, lr)
        if self.verbose > 0:
            print(
                f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {float(lr)}."
            )

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = get_learning_rate(self.model, "LearningRateScheduler")


def _accepts_two_arguments(fn) -> bool:
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):  # some builtins have no signature: try the new API
        return True
    positional = 0
    for p in parameters:
        if p.kind == p.VAR_POSITIONAL:
            return True
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            positional += 1
    return positional >= 2
