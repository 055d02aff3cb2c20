"""`ModelCheckpoint`: save the model or its weights during training, atomically."""

from __future__ import annotations

import os

from lamina.callbacks.monitor_callback import MonitorCallback


class ModelCheckpoint(MonitorCallback):
    """Save the model (or only its weights) every epoch or every ``save_freq`` batches.

    ``filepath`` may hold ``str.format`` fields filled from the epoch (1-based), the batch
    (1-based, when saving by batch) and the logs, e.g.
    ``"ckpt-{epoch:02d}-{val_loss:.2f}.weights.safetensors"``. Each file is written to a temporary
    name in the same folder and then renamed over the target, so a save that fails leaves
    the previous checkpoint intact.

    Args:
        filepath: where to save; ends in ``.weights.safetensors`` when ``save_weights_only``,
            else in ``.lamina`` (the whole model, written by `Model.save`).
        monitor: the logged quantity that decides what "best" means.
        verbose: 1 prints a message for each save.
        save_best_only: save only when ``monitor`` improves (the latest best is kept).
        save_weights_only: use ``model.save_weights`` instead of ``model.save``.
        mode: ``"auto"``, ``"min"`` or ``"max"``.
        save_freq: ``"epoch"``, or an int: save every that many batches.
        initial_value_threshold: a value that the first saved ``monitor`` must beat.

    Example:
        >>> import os
        >>> x, y = np.ones((8, 2)), np.ones((8, 1))
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> checkpoint = lamina.callbacks.ModelCheckpoint(
        ...     "checkpoints/ckpt-{epoch:02d}.weights.safetensors", save_weights_only=True)
        >>> history = model.fit(x, y, epochs=2, callbacks=[checkpoint], verbose=0)
        >>> sorted(os.listdir("checkpoints"))
        ['ckpt-01.weights.safetensors', 'ckpt-02.weights.safetensors']
        >>> model.load_weights("checkpoints/ckpt-02.weights.safetensors")
    """

    def __init__(
        self,
        filepath,
        monitor="val_loss",
        verbose=0,
        save_best_only=False,
        save_weights_only=False,
        mode="auto",
        save_freq="epoch",
        initial_value_threshold=None,
    ):
        super().__init__(monitor, mode, baseline=initial_value_threshold)
        self.filepath = os.fspath(filepath)
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        if save_freq != "epoch" and (
            not isinstance(save_freq, int) or isinstance(save_freq, bool) or save_freq < 1
        ):
            raise ValueError(
                "ModelCheckpoint: `save_freq` must be 'epoch' or a positive int (a number of "
                f"batches). Received: save_freq={save_freq!r}"
            )
        self.save_freq = save_freq
        if save_weights_only and not self.filepath.endswith(".weights.safetensors"):
            raise ValueError(
                "ModelCheckpoint: with `save_weights_only=True` the filepath must end in "
                "`.weights.safetensors` (Lamina's weights format, which cannot run code when "
                f"loaded). Received: filepath={self.filepath!r}"
            )
        if not save_weights_only and not self.filepath.endswith(".lamina"):
            raise ValueError(
                "ModelCheckpoint: the filepath must end in `.lamina` (the whole model), or pass "
                "`save_weights_only=True` with a path ending in `.weights.safetensors`. "
                f"Received: filepath={self.filepath!r}"
            )
        self._batches_since_save = 0
        self._last_batch_seen = None
        self._current_epoch = 0

    # hooks --------------------------------------------------------------------------------
    def on_train_begin(self, logs=None):
        method = "save_weights" if self.save_weights_only else "save"
        if not callable(getattr(self.model, method, None)):
            raise TypeError(
                f"ModelCheckpoint(save_weights_only={self.save_weights_only}) calls "
                f"`model.{method}(filepath)`, which {type(self.model).__name__} does not have."
            )

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self._should_save_on_batch(batch):
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    # saving -------------------------------------------------------------------------------
    def _should_save_on_batch(self, batch):
        if self.save_freq == "epoch":
            return False
        # With steps_per_execution, hooks see every n-th batch index: count what passed.
        if self._last_batch_seen is None or batch <= self._last_batch_seen:
            passed = batch + 1
        else:
            passed = batch - self._last_batch_seen
        self._last_batch_seen = batch
        self._batches_since_save += passed
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            return True
        return False

    def _file_path(self, epoch, batch, logs):
        fields = dict(logs or {})
        fields["epoch"] = epoch + 1
        if batch is not None and "batch" not in (logs or {}):
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except (KeyError, IndexError) as e:
            raise KeyError(
                f"ModelCheckpoint: cannot fill the filepath template {self.filepath!r}: "
                f"{e!r} is not available. Fields: {', '.join(sorted(fields))}."
            ) from None

    def _should_save(self, epoch, logs, path):
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {path}")
            return True
        current = self._monitor_value(logs, "Saving the best model")
        if current is None:
            return True  # as Keras: without the metric, every checkpoint is kept
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print(
                    f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                    f"{current:.5f}, saving model to {path}"
                )
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _save(self, epoch, batch, logs):
        path = self._file_path(epoch, batch, logs)
        if self.monitor_op is None and self.save_best_only:
            self._set_monitor_op()
        if not self._should_save(epoch, logs, path):
            return
        if os.path.isdir(path):
            raise IsADirectoryError(
                f"ModelCheckpoint: the filepath {path!r} is an existing directory; give a file "
                "path such as 'checkpoints/model-{epoch:02d}.lamina'."
            )
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        save = self.model.save_weights if self.save_weights_only else self.model.save
        save(path, overwrite=True)  # atomic: lamina.saving.atomic writes every file
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: finished saving model to {path}")
