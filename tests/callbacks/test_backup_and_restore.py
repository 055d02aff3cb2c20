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
        callbacks.BackupAndRestore(str(tmp_path), save_freq=10)
