"""`History`: records the logs of every epoch; `fit` returns it."""

from __future__ import annotations

from lamina.callbacks.callback import Callback


class History(Callback):
    """``history.history`` maps each metric name to its list of per-epoch values."""

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
