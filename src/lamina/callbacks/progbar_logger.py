"""`ProgbarLogger`: prints the progress bar during `fit`, `evaluate` and `predict`."""

from __future__ import annotations

import sys

from lamina.callbacks.callback import Callback
from lamina.utils.progbar import Progbar


class ProgbarLogger(Callback):
    """Added by `fit`/`evaluate`/`predict` when ``verbose`` is not 0.

    ``verbose=1`` draws a live bar on a terminal and one complete line per epoch elsewhere;
    ``verbose=2`` prints one plain line per epoch. Validation inside `fit` is silent: its
    results appear as ``val_*`` on the epoch's line.

    Example:
        >>> model = keras.Sequential(
        ...     [keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="zeros")])
        >>> model.compile(loss="mse", metrics=["mae"])
        >>> results = model.evaluate(np.ones((4, 2)), np.ones((4, 1)), verbose=2)
        1/1 - ...s - ...step - loss: 1.0000 - mae: 1.0000
    """

    wants_raw_logs = True  # batch logs stay tensors; converted only when a line is drawn

    def __init__(self):
        super().__init__()
        self.progbar = None
        self.target = None
        self.seen = 0
        self.verbose = 1
        self.epochs = 1
        self._called_in_fit = False

    def set_params(self, params):
        super().set_params(params)
        verbose = params.get("verbose", 1)
        self.verbose = 1 if verbose == "auto" else verbose
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def _reset(self):
        self.seen = 0
        self.progbar = Progbar(
            self.target, verbose=self.verbose, stateless_metrics=set(), unit_name="step"
        )

    def _update(self, batch, logs):
        self.seen = batch + 1
        # Off a terminal nothing is drawn until the end: only the step timing is recorded.
        values = _sorted(logs) if self.progbar.live else None
        self.progbar.update(self.seen, values, finalize=False)

    def _finalize(self, logs):
        if self.progbar is None:
            self._reset()
        if self.target is None:
            # Learned from the first pass; later epochs show a real bar.
            self.target = self.seen
            self.progbar.target = self.seen
        if logs:
            # The final logs are complete and in display order: they replace the batch values.
            self.progbar._values.clear()
            self.progbar._values_order.clear()
        self.progbar.update(self.seen or self.progbar.target or 0, logs, finalize=True)

    # fit ----------------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        self._called_in_fit = True

    def on_train_end(self, logs=None):
        self._called_in_fit = False

    def on_epoch_begin(self, epoch, logs=None):
        self._reset()
        if self.verbose and self.epochs > 1:
            sys.stdout.write(f"Epoch {epoch + 1}/{self.epochs}\n")
            sys.stdout.flush()

    def on_train_batch_end(self, batch, logs=None):
        self._update(batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._finalize(logs)

    # evaluate (silent when it is fit's validation) ----------------------------------------
    def on_test_begin(self, logs=None):
        if not self._called_in_fit:
            self._reset()

    def on_test_batch_end(self, batch, logs=None):
        if not self._called_in_fit:
            self._update(batch, logs)

    def on_test_end(self, logs=None):
        if not self._called_in_fit:
            self._finalize(logs)

    # predict ------------------------------------------------------------------------------
    def on_predict_begin(self, logs=None):
        self._reset()

    def on_predict_batch_end(self, batch, logs=None):
        self._update(batch, None)

    def on_predict_end(self, logs=None):
        self._finalize(None)


def _sorted(logs):
    return sorted(logs.items()) if logs else None
