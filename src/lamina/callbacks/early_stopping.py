"""`EarlyStopping`: stop training when a monitored metric stops improving."""

from __future__ import annotations

from lamina.callbacks.monitor_callback import MonitorCallback


class EarlyStopping(MonitorCallback):
    """Stop `fit` once ``monitor`` has not improved for ``patience`` epochs.

    Args:
        monitor: the logged quantity to watch.
        min_delta: changes smaller than this do not count as improvements.
        patience: epochs without improvement after which training stops.
        verbose: 1 prints a message when training stops or weights are restored.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        baseline: training stops if the metric does not beat this value within
            ``patience`` epochs.
        restore_best_weights: at the end, put back the weights of the best epoch.
        start_from_epoch: epochs to wait before watching (a warm-up).

    Example:
        >>> x, y = np.ones((8, 2)), np.ones((8, 1))
        >>> frozen = keras.layers.Dense(1, trainable=False)  # so the loss never improves
        >>> model = keras.Sequential([keras.Input((2,)), frozen])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> stop = lamina.callbacks.EarlyStopping(monitor="loss", patience=2)
        >>> history = model.fit(x, y, epochs=100, callbacks=[stop], verbose=0)
        >>> len(history.history["loss"])  # the best epoch, then 2 without improvement
        3
    """

    def __init__(
        self,
        monitor="val_loss",
        min_delta=0,
        patience=0,
        verbose=0,
        mode="auto",
        baseline=None,
        restore_best_weights=False,
        start_from_epoch=0,
    ):
        super().__init__(monitor, mode, min_delta=min_delta)
        if not isinstance(patience, int) or patience < 0:
            raise ValueError(
                f"EarlyStopping: `patience` must be a non-negative int. Received: {patience!r}"
            )
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights = None
        self.best_epoch = 0

    def on_train_begin(self, logs=None):
        # Reset, so that one instance can serve several `fit` calls.
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        current = self._monitor_value(logs, "Early stopping")
        if current is None or epoch < self.start_from_epoch:
            return
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            # Patience restarts only when the value also beats the baseline.
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print(
                    f"Restoring model weights from the end of the best epoch: "
                    f"{self.best_epoch + 1}."
                )
            self.model.set_weights(self.best_weights)
