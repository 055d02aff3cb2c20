"""The callback catalog: each callback's rules on a stand-in model (every backend), then in
real `fit` runs (training backends)."""

import csv
import math
import os
import warnings

import numpy as np
import pytest

import lamina
from lamina import callbacks, optimizers
from lamina.callbacks.callback_list import CallbackList
from tests.conftest import requires_training


# A stand-in model: weights are a marker array, the optimizer has a float learning rate ----------
class FakeOptimizer:
    def __init__(self, learning_rate=0.1):
        self.learning_rate = learning_rate


class FakeModel:
    def __init__(self):
        self.stop_training = False
        self.weights = [np.zeros(2, "float32")]
        self.optimizer = FakeOptimizer()
        self.metrics = []
        self.saved = []  # (kind, path) of each save

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        self.weights = [np.array(w) for w in weights]

    def save_weights(self, filepath, overwrite=True):
        self.saved.append(("weights", filepath))
        with open(filepath, "wb") as f:
            np.savez(f, *self.weights)

    def save(self, filepath, overwrite=True):
        self.saved.append(("model", filepath))
        with open(filepath, "wb") as f:
            np.savez(f, *self.weights)


def run_epochs(callback, values, key="val_loss", model=None, extra=None):
    """Drive ``callback`` through epochs whose logs hold ``values`` under ``key``; the model's
    weights are set to the epoch index before each epoch ends. Returns (epochs run, model, logs)."""
    model = model or FakeModel()
    callback.set_model(model)
    callback.set_params({"epochs": len(values), "steps": 1, "verbose": 0})
    callback.on_train_begin()
    all_logs = []
    ran = 0
    for epoch, value in enumerate(values):
        callback.on_epoch_begin(epoch)
        model.weights = [np.full(2, epoch, "float32")]
        logs = {key: value, **(extra or {})}
        callback.on_epoch_end(epoch, logs)
        all_logs.append(logs)
        ran += 1
        if model.stop_training:
            break
    callback.on_train_end()
    return ran, model, all_logs


# EarlyStopping ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kwargs, values, expected_epochs",
    [
        ({"patience": 2}, [1.0, 0.9, 0.95, 0.96, 0.97, 0.5], 4),
        ({"patience": 0}, [1.0, 1.1, 0.5], 2),
        ({"patience": 5}, [1.0, 0.9, 0.8, 0.7], 4),  # keeps improving: never stops
        ({"patience": 1, "min_delta": 0.1}, [1.0, 0.95, 0.5], 2),  # 0.05 is no improvement
        ({"patience": 2, "baseline": 0.5}, [0.9, 0.95, 1.0, 1.1], 2),  # never beats baseline
        ({"patience": 2}, [0.9, 0.95, 1.0, 1.1], 3),  # the same without baseline
        ({"patience": 0, "start_from_epoch": 2}, [1.0, 2.0, 3.0, 4.0, 5.0], 4),
        ({"patience": 0, "mode": "max"}, [1.0, 2.0, 1.5, 3.0], 3),
    ],
)
def test_early_stopping_rules(kwargs, values, expected_epochs):
    stop = callbacks.EarlyStopping(**kwargs)
    ran, model, _ = run_epochs(stop, values)
    assert ran == expected_epochs
    assert model.stop_training == (expected_epochs < len(values))
    if ran < len(values):
        assert stop.stopped_epoch == ran - 1


def test_early_stopping_mode_auto_follows_the_metric():
    ran, _, _ = run_epochs(
        callbacks.EarlyStopping("val_accuracy"), [0.5, 0.6, 0.55], "val_accuracy"
    )
    assert ran == 3  # accuracy goes up: 0.6 improved, 0.55 did not
    ran, _, _ = run_epochs(callbacks.EarlyStopping("val_mae"), [0.5, 0.6], "val_mae")
    assert ran == 2
    with pytest.raises(ValueError, match="maximized or minimized"):
        run_epochs(callbacks.EarlyStopping("val_mystery"), [1.0, 2.0], "val_mystery")


def test_early_stopping_restores_best_weights():
    stop = callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    ran, model, _ = run_epochs(stop, [1.0, 0.5, 0.7, 0.8, 0.1])
    assert ran == 4 and stop.best_epoch == 1
    np.testing.assert_array_equal(model.weights[0], [1.0, 1.0])  # the marker of epoch 1
    # Without it, the last weights stay.
    ran, model, _ = run_epochs(callbacks.EarlyStopping(patience=2), [1.0, 0.5, 0.7, 0.8, 0.1])
    np.testing.assert_array_equal(model.weights[0], [3.0, 3.0])


def test_early_stopping_is_reusable_and_warns_without_the_metric():
    stop = callbacks.EarlyStopping(patience=0)
    assert run_epochs(stop, [1.0, 2.0])[0] == 2
    assert run_epochs(stop, [1.0, 0.5, 0.4])[0] == 3  # state reset by on_train_begin
    with pytest.warns(UserWarning, match="val_loss.*Available: loss"):
        ran, _, _ = run_epochs(callbacks.EarlyStopping(), [1.0, 2.0], key="loss")
    assert ran == 2


def test_monitor_arguments_are_checked():
    with pytest.raises(ValueError, match="mode"):
        callbacks.EarlyStopping(mode="minimum")
    with pytest.raises(ValueError, match="patience"):
        callbacks.EarlyStopping(patience=-1)
    with pytest.raises(ValueError, match="factor"):
        callbacks.ReduceLROnPlateau(factor=1.5)


# ModelCheckpoint -------------------------------------------------------------------------------
def _saved_marker(path):
    with np.load(path) as data:
        return float(data["arr_0"][0])


def test_model_checkpoint_fills_the_template(tmp_path):
    template = str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.2f}.weights.safetensors")
    checkpoint = callbacks.ModelCheckpoint(template, save_weights_only=True)
    run_epochs(checkpoint, [0.5, 0.25, 0.125])
    names = sorted(os.listdir(tmp_path))
    assert names == [
        "ckpt-01-0.50.weights.safetensors",
        "ckpt-02-0.25.weights.safetensors",
        "ckpt-03-0.12.weights.safetensors",
    ]
    assert _saved_marker(tmp_path / "ckpt-02-0.25.weights.safetensors") == 1.0


def test_model_checkpoint_save_best_only(tmp_path):
    path = str(tmp_path / "sub" / "best.lamina")  # the folder is created
    checkpoint = callbacks.ModelCheckpoint(path, save_best_only=True)
    _, model, _ = run_epochs(checkpoint, [1.0, 0.5, 0.7, 0.6])
    assert [kind for kind, _ in model.saved] == ["model", "model"]  # epochs 0 and 1 only
    assert _saved_marker(path) == 1.0
    assert os.listdir(tmp_path / "sub") == ["best.lamina"]  # no temporary files left


def test_model_checkpoint_initial_value_threshold_and_max_mode(tmp_path):
    path = str(tmp_path / "best.weights.safetensors")
    checkpoint = callbacks.ModelCheckpoint(
        path,
        monitor="val_accuracy",
        save_best_only=True,
        save_weights_only=True,
        initial_value_threshold=0.6,
    )
    _, model, _ = run_epochs(checkpoint, [0.5, 0.7, 0.65, 0.9], key="val_accuracy")
    assert len(model.saved) == 2
    assert _saved_marker(path) == 3.0


@pytest.mark.parametrize("weights_only", [True, False])
def test_model_checkpoint_write_is_atomic(tmp_path, monkeypatch, weights_only):
    path = tmp_path / ("model.weights.safetensors" if weights_only else "model.lamina")
    checkpoint = callbacks.ModelCheckpoint(
        str(path), save_weights_only=weights_only, monitor="loss"
    )
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(2)])
    checkpoint.set_model(model)
    checkpoint.on_train_begin()
    checkpoint.on_epoch_end(0, {"loss": 1.0})
    before = path.read_bytes()

    def disk_full(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", disk_full)  # the bytes are written, then the disk fills
    model.layers[0].kernel.assign(np.ones((3, 2), "float32"))
    with pytest.raises(OSError, match="No space left"):
        checkpoint.on_epoch_end(1, {"loss": 0.5})
    assert path.read_bytes() == before  # the old checkpoint is intact
    assert os.listdir(tmp_path) == [path.name]  # and the partial file is gone


def test_model_checkpoint_save_freq_in_batches(tmp_path):
    template = str(tmp_path / "e{epoch}-b{batch}.weights.safetensors")
    checkpoint = callbacks.ModelCheckpoint(template, save_weights_only=True, save_freq=2)
    model = FakeModel()
    checkpoint.set_model(model)
    checkpoint.on_train_begin()
    for epoch in range(2):
        checkpoint.on_epoch_begin(epoch)
        for batch in range(3):
            checkpoint.on_train_batch_end(batch, {"loss": 1.0})
        checkpoint.on_epoch_end(epoch, {"loss": 1.0})
    assert sorted(os.listdir(tmp_path)) == [
        "e1-b2.weights.safetensors",
        "e2-b1.weights.safetensors",
        "e2-b3.weights.safetensors",
    ]


def test_model_checkpoint_errors(tmp_path):
    with pytest.raises(ValueError, match=r"\.weights\.safetensors"):
        callbacks.ModelCheckpoint(str(tmp_path / "w.h5"), save_weights_only=True)
    with pytest.raises(ValueError, match=r"\.lamina"):
        callbacks.ModelCheckpoint(str(tmp_path / "model.txt"))
    with pytest.raises(ValueError, match="save_freq"):
        callbacks.ModelCheckpoint(str(tmp_path / "m.lamina"), save_freq="batch")
    with pytest.raises(KeyError, match="val_acc"):
        run_epochs(callbacks.ModelCheckpoint(str(tmp_path / "{val_acc}.lamina")), [1.0])

    class NoSaving:
        stop_training = False

    checkpoint = callbacks.ModelCheckpoint(str(tmp_path / "m.lamina"))
    checkpoint.set_model(NoSaving())
    with pytest.raises(TypeError, match=r"model\.save\(filepath\)"):
        checkpoint.on_train_begin()


# Learning-rate callbacks -----------------------------------------------------------------------
def test_reduce_lr_on_plateau_lowers_the_rate_and_logs_it():
    reduce_lr = callbacks.ReduceLROnPlateau(patience=1, factor=0.5, min_delta=0, min_lr=0.02)
    _, model, logs = run_epochs(reduce_lr, [1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5])
    # Stalls on epochs 1 and 2 (-> 0.05, 0.025), improves at 3, stalls again (-> 0.02 floor).
    assert [round(entry["learning_rate"], 6) for entry in logs] == [
        0.1,
        0.1,
        0.05,
        0.025,
        0.025,
        0.02,
        0.02,
    ]
    assert model.optimizer.learning_rate == pytest.approx(0.02)


def test_reduce_lr_on_plateau_cooldown():
    reduce_lr = callbacks.ReduceLROnPlateau(patience=1, factor=0.5, cooldown=2, min_delta=0)
    _, model, logs = run_epochs(reduce_lr, [1.0] * 6)
    # Reduced after epochs 1, 3 and 5: the cooldown epochs (2, 4) do not count towards patience.
    assert [round(entry["learning_rate"], 6) for entry in logs] == [
        0.1,
        0.1,
        0.05,
        0.05,
        0.025,
        0.025,
    ]
    assert model.optimizer.learning_rate == pytest.approx(0.0125)


def test_learning_rate_scheduler_both_signatures():
    scheduler = callbacks.LearningRateScheduler(lambda epoch, lr: lr * 0.5)
    _, model, logs = run_epochs(scheduler, [0.0] * 3)
    assert [entry["learning_rate"] for entry in logs] == [0.05, 0.025, 0.0125]

    scheduler = callbacks.LearningRateScheduler(lambda epoch: 1.0 / (epoch + 1))
    _, model, logs = run_epochs(scheduler, [0.0] * 3)
    assert [entry["learning_rate"] for entry in logs] == [1.0, 0.5, pytest.approx(1 / 3)]

    with pytest.raises(ValueError, match="must return a float"):
        run_epochs(callbacks.LearningRateScheduler(lambda epoch: "fast"), [0.0])

    def broken(epoch, lr):
        raise TypeError("my own bug")

    with pytest.raises(TypeError, match="my own bug"):  # not masked by a retry
        run_epochs(callbacks.LearningRateScheduler(broken), [0.0])


# CSVLogger -------------------------------------------------------------------------------------
def test_csv_logger_rows_and_missing_values(tmp_path):
    path = tmp_path / "log.csv"
    logger = callbacks.CSVLogger(str(path))
    logger.set_model(FakeModel())
    logger.on_train_begin()
    logger.on_epoch_end(0, {"loss": 0.5, "accuracy": 0.25})
    logger.on_epoch_end(1, {"loss": 0.25, "accuracy": 0.5, "val_loss": 0.3, "val_accuracy": 0.4})
    logger.on_train_end()
    rows = list(csv.reader(path.open()))
    assert rows == [
        ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"],
        ["0", "0.25", "0.5", "NA", "NA"],
        ["1", "0.5", "0.25", "0.4", "0.3"],
    ]
    # append=True adds rows under the existing header; append=False starts over.
    logger = callbacks.CSVLogger(str(path), separator=";", append=True)
    logger.on_train_begin()
    logger.on_epoch_end(0, {"loss": 0.125, "accuracy": 1.0})
    logger.on_train_end()
    lines = path.read_text().splitlines()
    assert len(lines) == 4 and lines[0].startswith("epoch,") and lines[3] == "0;1.0;0.125;NA;NA"
    logger = callbacks.CSVLogger(str(path))
    logger.on_train_begin()
    logger.on_epoch_end(0, {"loss": 1.0})
    logger.on_train_end()
    assert path.read_text().splitlines() == ["epoch,loss,val_loss", "0,1.0,NA"]


# TerminateOnNaN --------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", [float("nan"), float("inf"), np.float32("nan")])
def test_terminate_on_nan(bad, capsys):
    model = FakeModel()
    stop = callbacks.TerminateOnNaN()
    stop.set_model(model)
    stop.on_batch_end(0, {"loss": 1.0})
    assert not model.stop_training
    stop.on_batch_end(3, {"loss": bad})
    assert model.stop_training
    assert "Batch 3: Invalid loss" in capsys.readouterr().out
    with pytest.raises(RuntimeError, match="NaN or Inf loss"):
        callbacks.TerminateOnNaN(raise_error=True).on_batch_end(0, {"loss": bad})


# LambdaCallback and CallbackList ---------------------------------------------------------------
def test_lambda_callback_hooks_reach_the_callback_list():
    calls = []
    cb = callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: calls.append(("batch", batch, logs["loss"])),
        on_epoch_end=lambda epoch, logs: calls.append(("epoch", epoch)),
        on_test_end=lambda logs: calls.append(("test_end",)),
    )
    callback_list = CallbackList([cb], model=FakeModel(), epochs=1, steps=2, verbose=0)
    callback_list.on_train_batch_end(0, {"loss": np.float32(2.0)})
    callback_list.on_epoch_end(0, {"loss": 1.0})
    callback_list.on_test_end({"loss": 1.0})
    assert calls == [("batch", 0, 2.0), ("epoch", 0), ("test_end",)]
    assert isinstance(calls[0][2], float)  # batch logs arrive as Python floats
    with pytest.raises(TypeError, match="unknown hooks"):
        callbacks.LambdaCallback(on_epoch_finish=print)


def test_callback_list_order_and_logs():
    seen = []
    recorder = callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(list(logs)))
    callback_list = CallbackList(
        [recorder], model=FakeModel(), add_history=True, add_progbar=True, verbose=0, epochs=1
    )
    kinds = [type(c).__name__ for c in callback_list.callbacks]
    assert kinds == ["LambdaCallback", "History", "ProgbarLogger"]
    callback_list.on_epoch_end(0, {"val_loss": 1.0, "loss": 2.0, "accuracy": 0.5})
    assert seen == [["accuracy", "loss", "val_loss"]]  # sorted, as Keras shows them
    with pytest.raises(TypeError, match="Callback"):
        CallbackList([print])
    # Keras's positional order: callbacks, add_history, add_progbar, model.
    positional = CallbackList([recorder], True, False, FakeModel())
    assert [type(c).__name__ for c in positional.callbacks] == ["LambdaCallback", "History"]
    assert isinstance(positional.model, FakeModel)


# In `fit` --------------------------------------------------------------------------------------
def _model(learning_rate=0.01):
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential([lamina.layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer=optimizers.SGD(learning_rate), loss="mse")
    return model


def _data(n=32):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], "float32") + 0.1
    return x, y


@requires_training
def test_fit_with_every_callback(tmp_path):
    x, y = _data()
    counts = {}

    def count(name):
        def hook(*args):
            counts[name] = counts.get(name, 0) + 1

        return hook

    lambdas = callbacks.LambdaCallback(
        **{
            name: count(name)
            for name in (
                "on_train_begin",
                "on_train_end",
                "on_epoch_begin",
                "on_epoch_end",
                "on_train_batch_begin",
                "on_train_batch_end",
                "on_test_begin",
                "on_test_end",
            )
        }
    )
    csv_path = tmp_path / "log.csv"
    model = _model()
    history = model.fit(
        x,
        y,
        batch_size=8,
        epochs=3,
        validation_data=(x, y),
        verbose=0,
        callbacks=[
            lambdas,
            callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1)),
            callbacks.CSVLogger(str(csv_path)),
            callbacks.EarlyStopping(patience=5, restore_best_weights=True),
            callbacks.TerminateOnNaN(),
        ],
    )
    assert counts == {
        "on_train_begin": 1,
        "on_train_end": 1,
        "on_epoch_begin": 3,
        "on_epoch_end": 3,
        "on_train_batch_begin": 12,
        "on_train_batch_end": 12,
        "on_test_begin": 3,
        "on_test_end": 3,
    }
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.1 / 3])
    assert float(np.asarray(lamina.backend.convert_to_numpy(model.optimizer.learning_rate))) == (
        pytest.approx(0.1 / 3)
    )
    rows = list(csv.DictReader(csv_path.open()))
    assert [row["epoch"] for row in rows] == ["0", "1", "2"]
    assert [float(row["val_loss"]) for row in rows] == pytest.approx(history.history["val_loss"])
    assert history.history["loss"][-1] < history.history["loss"][0]


@requires_training
def test_fit_early_stopping_and_restore(tmp_path):
    x, y = _data()
    model = _model(learning_rate=0.5)  # diverges: the loss grows after the first epochs
    weights_seen = []
    keep = callbacks.LambdaCallback(
        on_epoch_end=lambda e, logs: weights_seen.append((logs["loss"], model.get_weights()))
    )
    stop = callbacks.EarlyStopping(monitor="loss", patience=1, restore_best_weights=True)
    history = model.fit(x * 10, y * 10, batch_size=32, epochs=20, verbose=0, callbacks=[keep, stop])
    losses = history.history["loss"]
    assert 1 < len(losses) < 20 and stop.stopped_epoch == len(losses) - 1
    best = int(np.nanargmin(losses))
    for got, want in zip(model.get_weights(), weights_seen[best][1]):
        np.testing.assert_array_equal(got, want)


@requires_training
def test_fit_reduce_lr_on_plateau_and_checkpoint(tmp_path):
    x, y = _data()

    lamina.utils.set_random_seed(0)
    model = lamina.Sequential([lamina.layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer=optimizers.SGD(0.01), loss="mse")
    reduce_lr = callbacks.ReduceLROnPlateau(monitor="loss", patience=1, factor=0.5, min_delta=100)
    template = str(tmp_path / "w-{epoch:02d}-{loss:.3f}.weights.safetensors")
    history = model.fit(
        x,
        y,
        epochs=3,
        batch_size=16,
        verbose=0,
        callbacks=[
            reduce_lr,
            callbacks.ModelCheckpoint(template, monitor="loss", save_weights_only=True),
        ],
    )
    assert history.history["learning_rate"] == pytest.approx([0.01, 0.01, 0.005])
    names = sorted(os.listdir(tmp_path))
    assert names == [
        f"w-{e + 1:02d}-{loss:.3f}.weights.safetensors"
        for e, loss in enumerate(history.history["loss"])
    ]
    restored = lamina.Sequential([lamina.layers.Dense(1, input_shape=(3,))])
    restored.load_weights(str(tmp_path / names[-1]))
    np.testing.assert_array_equal(restored.get_weights()[0], model.get_weights()[0])


@requires_training
def test_fit_terminate_on_nan_ends_normally(capsys, monkeypatch):
    monkeypatch.setenv("LAMINA_PROGBAR_INTERACTIVE", "0")
    x, y = _data()
    x[:8] = np.nan
    batches = []
    model = _model()
    history = model.fit(
        x,
        y,
        batch_size=8,
        epochs=3,
        shuffle=False,
        verbose=1,
        callbacks=[
            callbacks.TerminateOnNaN(),
            callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: batches.append(b)),
        ],
    )
    assert batches == [0]  # stopped right after the first batch
    assert math.isnan(history.history["loss"][0]) and len(history.history["loss"]) == 1
    out = capsys.readouterr().out
    assert "Batch 0: Invalid loss, terminating training" in out
    assert "loss: nan" in out


def test_warnings_are_not_errors_for_unused_metrics():
    # A monitored metric that is missing warns once per epoch instead of failing.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        run_epochs(callbacks.ReduceLROnPlateau(monitor="val_auc"), [1.0], key="loss")
    assert any("val_auc" in str(w.message) for w in caught)
