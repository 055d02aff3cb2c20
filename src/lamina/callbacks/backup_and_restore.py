"""`BackupAndRestore`: resume a `fit` that was interrupted (an exception, a killed process).

After every epoch (or every ``save_freq`` batches) it writes the training state to
``backup_dir``: every model variable (weights and random-seed states), the optimizer's
variables, where to resume (epoch, and batches already done in it), and the state of NumPy's
and Python's global generators as they were when that epoch began (they decide the epoch's
data order). Running the same `fit` again restores all of it, draws the same data order, skips
the batches already trained on and continues, so on a CPU the resumed run ends with the same
weights as an uninterrupted one. The backup goes through Lamina's atomic writer, so a kill
during a backup leaves the previous one whole.
"""

from __future__ import annotations

import json
import os
import random
import shutil

import numpy as np

from lamina.callbacks.callback import Callback
from lamina.saving import safetensors_io

_STATE_FILE = "training_state.safetensors"


class BackupAndRestore(Callback):
    """Back up the training state as training goes; restore it when `fit` is run again.

    Args:
        backup_dir: a folder for the backup (created if missing).
        save_freq: ``"epoch"`` (a backup after each epoch) or an int: a backup every that
            many batches as well (a resumed run continues mid-epoch).
        delete_checkpoint: delete the backup when training finishes normally.

    A run resumed mid-epoch reports metrics for that epoch over the batches it trained after
    resuming only; the weights, optimizer state and data order are exactly those of an
    uninterrupted run.

    Example:
        >>> x, y = np.ones((8, 2)), np.ones((8, 1))
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> backup = lamina.callbacks.BackupAndRestore("backup")
        >>> def crash(epoch, logs):
        ...     if epoch == 1:
        ...         raise RuntimeError("the process was killed")
        >>> try:
        ...     model.fit(x, y, epochs=4, verbose=0,
        ...               callbacks=[backup, lamina.callbacks.LambdaCallback(on_epoch_end=crash)])
        ... except RuntimeError as e:
        ...     print(e)
        the process was killed
        >>> history = model.fit(x, y, epochs=4, callbacks=[backup], verbose=0)  # the same fit again
        >>> history.epoch  # resumed after the 2 epochs done before the crash
        [2, 3]
    """

    def __init__(self, backup_dir, save_freq="epoch", delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("BackupAndRestore needs a `backup_dir` folder.")
        if save_freq != "epoch" and (
            not isinstance(save_freq, int) or isinstance(save_freq, bool) or save_freq < 1
        ):
            raise ValueError(
                "BackupAndRestore: `save_freq` must be 'epoch' or a positive int (a number of "
                f"batches). Received: save_freq={save_freq!r}"
            )
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.delete_checkpoint = delete_checkpoint
        self._pending = None
        self._epoch_rng = None
        self._epoch = 0
        self._last_done = 0  # batches done in this epoch at the last batch end

    @property
    def _path(self):
        return os.path.join(self.backup_dir, _STATE_FILE)

    def _variables(self):
        optimizer = getattr(self.model, "optimizer", None)
        return list(self.model.variables), list(optimizer.variables) if optimizer else []

    def on_train_begin(self, logs=None):
        if not os.path.exists(self._path):
            return
        arrays, metadata = safetensors_io.read(self._path)
        if "resume_epoch" not in metadata:
            raise ValueError(
                f"BackupAndRestore: {self._path} is not a backup written by this callback. "
                "Delete the folder to start afresh."
            )
        self._pending = arrays
        self.model._resume_epoch = int(metadata["resume_epoch"])
        self.model._resume_step = int(metadata["resume_step"])
        _set_rng_state(arrays["rng/numpy_keys"], metadata)

    def on_epoch_begin(self, epoch, logs=None):
        # The generators' state now decides this epoch's data order: a mid-epoch backup
        # stores it, so that the resumed run draws the same order and skips what was done.
        self._epoch = epoch
        self._epoch_rng = _rng_state()
        self._last_done = getattr(self.model, "_resume_step", 0) if self._pending else 0

    def on_train_batch_begin(self, batch, logs=None):
        # The model and its optimizer are built by now (on the first batch), so every
        # variable that the backup holds exists.
        if self._pending is None:
            return
        arrays, self._pending = self._pending, None
        model_vars, optimizer_vars = self._variables()
        for prefix, variables in (("model", model_vars), ("optimizer", optimizer_vars)):
            saved = sorted(k for k in arrays if k.startswith(prefix + "/"))
            if len(saved) != len(variables):
                raise ValueError(
                    f"BackupAndRestore: the backup in {self.backup_dir} holds {len(saved)} "
                    f"{prefix} variables, but this model has {len(variables)}; it belongs to "
                    "another model. Delete the folder to start afresh."
                )
            for key, v in zip(saved, variables):
                v.assign(arrays[key])

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        done = batch + 1  # with steps_per_execution, `batch` is the last of its group
        previous = self._last_done
        self._last_done = done
        if done // self.save_freq > previous // self.save_freq:
            self._write(self._epoch, done, self._epoch_rng)

    def on_epoch_end(self, epoch, logs=None):
        self._write(epoch + 1, 0, _rng_state())

    def _write(self, resume_epoch, resume_step, rng):
        keys, rng_metadata = rng
        model_vars, optimizer_vars = self._variables()
        arrays = {f"model/{i:05d}": v.numpy() for i, v in enumerate(model_vars)}
        arrays.update({f"optimizer/{i:05d}": v.numpy() for i, v in enumerate(optimizer_vars)})
        arrays["rng/numpy_keys"] = keys
        metadata = {"resume_epoch": str(resume_epoch), "resume_step": str(resume_step)}
        metadata.update(rng_metadata)
        os.makedirs(self.backup_dir, exist_ok=True)
        safetensors_io.write(self._path, arrays, metadata)  # atomic: never half a backup

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.isdir(self.backup_dir):
            shutil.rmtree(self.backup_dir, ignore_errors=True)


def _rng_state():
    """NumPy's and Python's global generator states as (array, string metadata)."""
    _, keys, pos, has_gauss, cached = np.random.get_state()
    version, internal, gauss = random.getstate()
    metadata = {
        "numpy_pos": str(pos),
        "numpy_has_gauss": str(has_gauss),
        "numpy_cached_gaussian": repr(float(cached)),
        "python_random": json.dumps([version, list(internal), gauss]),
    }
    return np.asarray(keys, dtype=np.uint32), metadata


def _set_rng_state(keys, metadata):
    np.random.set_state(
        (
            "MT19937",
            keys,
            int(metadata["numpy_pos"]),
            int(metadata["numpy_has_gauss"]),
            float(metadata["numpy_cached_gaussian"]),
        )
    )
    version, internal, gauss = json.loads(metadata["python_random"])
    random.setstate((version, tuple(internal), gauss))
