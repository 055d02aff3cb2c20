"""`History`: records the logs of every epoch; `fit` returns it."""

from __future__ import annotations

from lamina.callbacks.callback import Callback


class History(Callback):
    """``history.history`` maps each metric name to its list of per-epoch values.

    `fit` adds one to its callbacks and returns it (it is also ``model.history``).

    Example:
        >>> x, y = np.ones((8, 2)), np.ones((8, 1))
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
        >>> history = model.fit(x, y, epochs=3, verbose=0)
        >>> history.epoch, sorted(history.history), len(history.history["loss"])
        ([0, 1, 2], ['loss', 'mae'], 3)
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_train_begin(self, logs=None):
        self.epoch = []
        self.history = {}

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self
