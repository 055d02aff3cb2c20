"""Progress output: `Progbar` formats and `ProgbarLogger` in `fit`/`evaluate`/`predict`, on a
terminal (LAMINA_PROGBAR_INTERACTIVE=1: redrawn in place) and off one (=0: whole lines)."""

import re

import numpy as np
import pytest

import lamina
from lamina import optimizers
from lamina.callbacks.callback_list import CallbackList
from lamina.utils.progbar import Progbar, format_duration, format_value
from tests.conftest import requires_training

BAR = "━"
EMPTY = "─"


@pytest.fixture
def terminal(monkeypatch):
    monkeypatch.setenv("LAMINA_PROGBAR_INTERACTIVE", "1")


@pytest.fixture
def pipe(monkeypatch):
    monkeypatch.setenv("LAMINA_PROGBAR_INTERACTIVE", "0")


def test_format_value_and_duration():
    assert format_value(0.28174) == "0.2817"
    assert format_value(np.float32(1.5)) == "1.5000"
    assert format_value(1.2345e-5) == "1.2345e-05"
    assert format_value(123456.0) == "1.2346e+05"
    assert format_value(0.0) == "0.0000"
    assert format_value(float("nan")) == "nan"
    assert format_value(float("inf")) == "inf"
    assert format_value(np.array([1.0, 3.0])) == "2.0000"  # arrays show their mean
    assert format_value(lamina.ops.convert_to_tensor(np.float32(0.5))) == "0.5000"
    assert [format_duration(s) for s in (4.6, 75, 3725)] == ["5s", "1:15", "1:02:05"]


def test_off_a_terminal_one_complete_line(pipe, capsys):
    bar = Progbar(4)
    for step in range(1, 5):
        bar.update(step, {"loss": 0.5, "accuracy": 0.25})
    out = capsys.readouterr().out
    assert "\r" not in out
    assert re.fullmatch(
        rf"4/4 {BAR}{{20}} \d+s \d+(us|ms|s)/step - loss: 0\.5000 - accuracy: 0\.2500\n", out
    ), out


def test_on_a_terminal_redrawn_in_place(terminal, capsys):
    bar = Progbar(10, interval=0.0)
    bar.update(5, {"loss": 2.0})
    bar.update(10, {"loss": 1.0})
    out = capsys.readouterr().out
    first, second = out.split("\r")[1:]
    assert re.fullmatch(
        rf" 5/10 {BAR}{{10}}{EMPTY}{{10}} ETA \d+s \d+(us|ms|s)/step - loss: 2\.0000", first
    )
    assert re.fullmatch(rf"10/10 {BAR}{{20}} \d+s \d+(us|ms|s)/step - loss: 1\.0000 *\n", second)


def test_redraws_are_throttled(terminal, capsys):
    bar = Progbar(100, interval=3600.0)
    for step in range(1, 101):
        bar.update(step, {"loss": 1.0})
    out = capsys.readouterr().out
    assert out.count("\r") == 2  # the first update and the final one
    assert out.endswith("\n")


def test_verbose_2_and_0(pipe, capsys):
    bar = Progbar(3, verbose=2)
    for step in range(1, 4):
        bar.update(step, {"loss": float("nan")})
    out = capsys.readouterr().out
    assert re.fullmatch(r"3/3 - \d+s - \d+(us|ms|s)/step - loss: nan\n", out), out
    bar = Progbar(3, verbose=0)
    for step in range(1, 4):
        bar.update(step, {"loss": 1.0})
    assert capsys.readouterr().out == ""


def test_keras_style_averaging_and_unknown_target(terminal, capsys):
    bar = Progbar(None, interval=0.0, stateful_metrics=["lr"])
    bar.update(1, [("loss", 1.0), ("lr", 0.1)])
    bar.update(3, [("loss", 4.0), ("lr", 0.2)])  # loss averaged over steps: (1 + 4*2)/3
    out = capsys.readouterr().out
    assert re.search(r"\r {6}3/Unknown \d+s .* - loss: 3\.0000 - lr: 0\.2000$", out), out
    with pytest.raises(ValueError, match="only one of"):
        Progbar(3, stateful_metrics=[], stateless_metrics=[])


class _Model:
    stop_training = False
    _in_fit = False


def _drive_fit(callback_list, epochs, steps, validation):
    callback_list.on_train_begin()
    for epoch in range(epochs):
        callback_list.on_epoch_begin(epoch)
        for step in range(steps):
            callback_list.on_train_batch_begin(step)
            callback_list.on_train_batch_end(step, {"loss": np.float32(1.0 / (step + 1))})
        logs = {"loss": 0.5, "accuracy": 0.75}
        if validation:
            callback_list.on_test_begin()
            for step in range(2):
                callback_list.on_test_batch_end(step, {"loss": 9.0})
            callback_list.on_test_end({"loss": 0.25, "accuracy": 0.5})
            logs.update(val_loss=0.25, val_accuracy=0.5)
        callback_list.on_epoch_end(epoch, logs)
    callback_list.on_train_end(logs)


@pytest.mark.parametrize("mode", ["pipe", "terminal"])
def test_progbar_logger_fit_lines(mode, monkeypatch, capsys):
    monkeypatch.setenv("LAMINA_PROGBAR_INTERACTIVE", "1" if mode == "terminal" else "0")
    callback_list = CallbackList(
        None, model=_Model(), add_progbar=True, verbose=1, epochs=2, steps=5
    )
    _drive_fit(callback_list, epochs=2, steps=5, validation=True)
    out = capsys.readouterr().out
    if mode == "pipe":
        assert "\r" not in out
        lines = out.splitlines()
    else:
        assert "\r" in out
        lines = [line.split("\r")[-1].rstrip() for line in out.split("\n") if line]
    line = (
        rf"5/5 {BAR}{{20}} \d+s \d+(us|ms|s)/step - accuracy: 0\.7500 - loss: 0\.5000 - "
        r"val_accuracy: 0\.5000 - val_loss: 0\.2500"
    )
    assert len(lines) == 4, lines  # validation draws no bar of its own
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2"
    assert re.fullmatch(line, lines[1]) and re.fullmatch(line, lines[3]), lines
    assert "9.0000" not in out  # validation batch values never shown


def test_progbar_logger_verbose_2_single_epoch_and_unknown_steps(pipe, capsys):
    callback_list = CallbackList(None, model=_Model(), add_progbar=True, verbose=2, epochs=1)
    _drive_fit(callback_list, epochs=1, steps=3, validation=False)
    out = capsys.readouterr().out
    # One epoch: no "Epoch 1/1" header (as Keras); the step count is learned from the pass.
    assert re.fullmatch(
        r"3/3 - \d+s - \d+(us|ms|s)/step - accuracy: 0\.7500 - loss: 0\.5000\n", out
    ), out


def test_progbar_logger_evaluate_and_predict(pipe, capsys):
    callback_list = CallbackList(
        None, model=_Model(), add_progbar=True, verbose=1, epochs=1, steps=2
    )
    callback_list.on_test_begin()
    callback_list.on_test_batch_end(0, {"loss": 1.0})
    callback_list.on_test_batch_end(1, {"loss": 1.0})
    callback_list.on_test_end({"loss": 0.75})
    callback_list.on_predict_begin()
    callback_list.on_predict_batch_end(0)
    callback_list.on_predict_batch_end(1)
    callback_list.on_predict_end()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(rf"2/2 {BAR}{{20}} \d+s \d+(us|ms|s)/step - loss: 0\.7500", lines[0])
    assert re.fullmatch(rf"2/2 {BAR}{{20}} \d+s \d+(us|ms|s)/step", lines[1])


# Real runs -------------------------------------------------------------------------------------
def _compiled_model():
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential([lamina.layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer=optimizers.SGD(0.01), loss="mse", metrics=["mae"])
    return model


def _data():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(40, 3)).astype("float32")
    return x, x.sum(axis=1, keepdims=True)


@requires_training
@pytest.mark.parametrize("verbose", [0, 1, 2])
def test_fit_output(verbose, pipe, capsys):
    x, y = _data()
    model = _compiled_model()
    model.fit(x, y, batch_size=8, epochs=2, validation_split=0.2, verbose=verbose)
    out = capsys.readouterr().out
    assert "\r" not in out
    if verbose == 0:
        assert out == ""
        return
    lines = out.splitlines()
    head = (
        rf"4/4 {BAR}{{20}} \d+s \d+(us|ms|s)/step"
        if verbose == 1
        else r"4/4 - \d+s - \d+(us|ms|s)/step"
    )
    pattern = (
        head
        + r" - loss: \d\.\d{4} - (?P<m>\w+): \d\.\d{4} - val_loss: \d\.\d{4} - val_(?P=m): \d\.\d{4}"
    )
    assert lines[0] == "Epoch 1/2" and lines[2] == "Epoch 2/2" and len(lines) == 4, lines
    assert re.fullmatch(pattern, lines[1]) and re.fullmatch(pattern, lines[3]), lines


@requires_training
def test_fit_evaluate_predict_on_a_terminal(terminal, capsys):
    x, y = _data()
    model = _compiled_model()
    model.fit(x, y, batch_size=8, epochs=1, verbose=1)
    model.evaluate(x, y, batch_size=8, verbose=1)
    model.predict(x, batch_size=8, verbose=1)
    out = capsys.readouterr().out
    finals = [line.split("\r")[-1] for line in out.split("\n") if line]
    assert len(finals) == 3, finals
    assert re.match(rf"5/5 {BAR}{{20}} \d+s .* - loss: \d\.\d{{4}} - \w+: \d\.\d{{4}}", finals[0])
    assert re.match(rf"5/5 {BAR}{{20}} \d+s .* - loss: \d\.\d{{4}}", finals[1])
    assert re.fullmatch(rf"5/5 {BAR}{{20}} \d+s \d+(us|ms|s)/step *", finals[2])


@requires_training
def test_nan_loss_is_shown_and_training_ends_normally(pipe, capsys):
    x, y = _data()
    x[0] = np.nan  # every epoch's mean loss becomes NaN
    model = _compiled_model()
    history = model.fit(x, y, batch_size=8, epochs=2, verbose=2)
    assert len(history.history["loss"]) == 2 and np.isnan(history.history["loss"]).all()
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 4 and all(" - loss: nan - " in line for line in lines[1::2]), lines
