"""BackupAndRestore: an interrupted `fit`, run again, ends with the same weights."""

import os

import numpy as np
import pytest

import lamina
from lamina import callbacks, layers
from tests.conftest import requires_training


class Crash(Exception):
    pass


class CrashAfterEpoch(callbacks.Callback):
    def __init__(self, epoch):
        super().__init__()
        self.epoch = epoch

    def on_epoch_end(self, epoch, logs=None):
        if epoch == self.epoch:
            raise Crash(f"simulated crash after epoch {epoch}")


def _model():
    lamina.utils.set_random_seed(7)
    model = lamina.Sequential(
        [
            layers.Dense(16, activation="relu", input_shape=(5,)),
            layers.Dropout(0.3),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    return model


def _data():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 5)).astype("float32")
    return x, x[:, :1] * 2.0 - x[:, 1:2]


@requires_training
def test_resumed_run_ends_with_the_uninterrupted_weights(tmp_path):
    x, y = _data()
    reference = _model()
    reference.fit(x, y, epochs=4, batch_size=16, verbose=0)
    want = reference.get_weights()

    backup = str(tmp_path / "backup")
    model = _model()
    with pytest.raises(Crash):
        model.fit(
            x,
            y,
            epochs=4,
            batch_size=16,
            verbose=0,
            callbacks=[callbacks.BackupAndRestore(backup), CrashAfterEpoch(1)],
        )
    assert os.path.exists(os.path.join(backup, "training_state.safetensors"))

    resumed = _model()  # as a restarted program would build it
    history = resumed.fit(
        x, y, epochs=4, batch_size=16, verbose=0, callbacks=[callbacks.BackupAndRestore(backup)]
    )
    assert len(history.history["loss"]) == 2  # epochs 3 and 4 only
    for got, expected in zip(resumed.get_weights(), want):
        np.testing.assert_array_equal(got, expected)
    assert not os.path.exists(backup)  # deleted after a normal finish


def test_arguments_are_checked(tmp_path):
    with pytest.raises(ValueError, match="backup_dir"):
        callbacks.BackupAndRestore("")
    with pytest.raises(ValueError, match="save_freq"):
        callbacks.BackupAndRestore(str(tmp_path), save_freq=0)
    with pytest.raises(ValueError, match="save_freq"):
        callbacks.BackupAndRestore(str(tmp_path), save_freq="batch")


class CrashAtBatch(callbacks.Callback):
    def __init__(self, epoch, batch):
        super().__init__()
        self.at = (epoch, batch)

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if (self.epoch, batch) == self.at:
            raise Crash(f"simulated crash at epoch {self.epoch}, batch {batch}")


@requires_training
@pytest.mark.parametrize("steps_per_execution", [1, 2])
def test_a_run_resumed_mid_epoch_ends_with_the_uninterrupted_weights(tmp_path, steps_per_execution):
    x, y = _data()  # 6 batches of 16 per epoch
    reference = _model()
    reference.fit(x, y, epochs=3, batch_size=16, verbose=0)
    want = reference.get_weights()

    backup = str(tmp_path / "backup")
    model = _model()
    model.steps_per_execution = steps_per_execution
    with pytest.raises(Crash):  # a backup after batch 4 of epoch 2, then a crash in batch 6
        model.fit(
            x,
            y,
            epochs=3,
            batch_size=16,
            verbose=0,
            callbacks=[callbacks.BackupAndRestore(backup, save_freq=4), CrashAtBatch(1, 5)],
        )
    resumed = _model()
    resumed.steps_per_execution = steps_per_execution
    seen = []
    resumed.fit(
        x,
        y,
        epochs=3,
        batch_size=16,
        verbose=0,
        callbacks=[
            callbacks.BackupAndRestore(backup, save_freq=4),
            callbacks.LambdaCallback(on_train_batch_begin=lambda b, logs: seen.append(b)),
        ],
    )
    assert seen[0] == 4  # epoch 2 continues after its first 4 batches
    for got, expected in zip(resumed.get_weights(), want):
        np.testing.assert_array_equal(got, expected)


_KILLED_RUN = """
import os, signal, sys
import numpy as np
sys.path.insert(0, {root!r})
from tests.callbacks.test_backup_and_restore import _data, _model
import lamina

class Kill(lamina.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        self.count = getattr(self, "count", 0) + 1
        if self.count == {kill_after}:
            os.kill(os.getpid(), signal.SIGKILL)

x, y = _data()
model = _model()
model.fit(x, y, epochs=3, batch_size=16, verbose=0,
          callbacks=[lamina.callbacks.BackupAndRestore({backup!r}, save_freq=4), Kill()])
np.savez({out!r}, *model.get_weights())
"""


@requires_training
def test_a_killed_process_resumes_where_its_backup_left_off(tmp_path):
    import signal
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    backup, out = str(tmp_path / "backup"), str(tmp_path / "weights.npz")

    def run(kill_after):
        code = _KILLED_RUN.format(root=root, kill_after=kill_after, backup=backup, out=out)
        return subprocess.run([sys.executable, "-c", code], timeout=300, capture_output=True)

    killed = run(kill_after=10)  # SIGKILL in epoch 2, after the backup at its 4th batch
    assert killed.returncode == -signal.SIGKILL, killed.stderr.decode()[-2000:]
    assert not os.path.exists(out)
    finished = run(kill_after=0)
    assert finished.returncode == 0, finished.stderr.decode()[-2000:]
    reference = _model()
    x, y = _data()
    reference.fit(x, y, epochs=3, batch_size=16, verbose=0)
    with np.load(out) as saved:
        for i, expected in enumerate(reference.get_weights()):
            np.testing.assert_array_equal(saved[f"arr_{i}"], expected)
