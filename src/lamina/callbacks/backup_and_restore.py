"""`BackupAndRestore`: resume a `fit` that was interrupted (an exception, a killed process).

At the end of every epoch it writes the training state to ``backup_dir``: every model
variable (weights and random-seed states), the optimizer's variables, the epoch counter, and
the state of NumPy's and Python's global generators (which decide the data order). Running
the same `fit` again restores all of it and continues with the next epoch, so on a CPU the
resumed run ends with the same weights as an uninterrupted one.
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
    """Back up the training state each epoch; restore it when `fit` is run again.

    Args:
        backup_dir: a folder for the backup (created if missing).
        save_freq: ``"epoch"`` (backups are taken at the end of each epoch).
        delete_checkpoint: delete the backup when training finishes normally.

    Example:
        >>> backup = lamina.callbacks.BackupAndRestore("/tmp/run1")
        >>> model.fit(x, y, epochs=10, callbacks=[backup])  # rerun after a crash to resume
    """

    def __init__(self, backup_dir, save_freq="epoch", delete_checkpoint=True):
        super().__init__()
        if not backup_dir:
            raise ValueError("BackupAndRestore needs a `backup_dir` folder.")
        if save_freq != "epoch":
            raise ValueError(
                "BackupAndRestore supports save_freq='epoch' (a backup after each epoch). "
                f"Received: save_freq={save_freq!r}"
            )
        self.backup_dir = os.fspath(backup_dir)
        self.save_freq = save_freq
        self.delete_checkpoint = delete_checkpoint
        self._pending = None

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
        self._pending = (arrays, metadata)
        self.model._resume_epoch = int(metadata["epoch"]) + 1
        np.random.set_state(
            (
                "MT19937",
                arrays["rng/numpy_keys"],
                int(metadata["numpy_pos"]),
                int(metadata["numpy_has_gauss"]),
                float(metadata["numpy_cached_gaussian"]),
            )
        )
        random.setstate(_python_state(metadata["python_random"]))

    def on_train_batch_begin(self, batch, logs=None):
        # The model and its optimizer are built by now (on the first batch), so every
        # variable that the backup holds exists.
        if self._pending is None:
            return
        arrays, _ = self._pending
        self._pending = None
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

    def on_epoch_end(self, epoch, logs=None):
        model_vars, optimizer_vars = self._variables()
        arrays = {f"model/{i:05d}": v.numpy() for i, v in enumerate(model_vars)}
        arrays.update({f"optimizer/{i:05d}": v.numpy() for i, v in enumerate(optimizer_vars)})
        _, keys, pos, has_gauss, cached = np.random.get_state()
        arrays["rng/numpy_keys"] = np.asarray(keys, dtype=np.uint32)
        metadata = {
            "epoch": str(epoch),
            "numpy_pos": str(pos),
            "numpy_has_gauss": str(has_gauss),
            "numpy_cached_gaussian": repr(float(cached)),
            "python_random": json.dumps(_encode_python_state(random.getstate())),
        }
        os.makedirs(self.backup_dir, exist_ok=True)
        safetensors_io.write(self._path, arrays, metadata)  # atomic: never half a backup

    def on_train_end(self, logs=None):
        if self.delete_checkpoint and os.path.isdir(self.backup_dir):
            shutil.rmtree(self.backup_dir, ignore_errors=True)


def _encode_python_state(state):
    version, internal, gauss = state
    return [version, list(internal), gauss]


def _python_state(text):
    version, internal, gauss = json.loads(text)
    return (version, tuple(internal), gauss)
