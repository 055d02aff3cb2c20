"""`lamina demo mnist`: the command line, and the demo end to end on a small slice."""

import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from lamina import cli
from tests.conftest import BACKEND, requires_training

SHARED_MIRROR = os.environ.get("LAMINA_DATA_DIR") or os.path.join(
    os.path.dirname(__file__), "..", "..", "shared", "data"
)


@pytest.fixture(scope="module")
def mirror(tmp_path_factory):
    """The offline MNIST mirror, or a small random stand-in when there is none."""
    if os.path.exists(os.path.join(SHARED_MIRROR, "mnist.npz")):
        return os.path.abspath(SHARED_MIRROR)
    folder = tmp_path_factory.mktemp("mirror")
    rng = np.random.default_rng(0)
    np.savez(
        folder / "mnist.npz",
        x_train=rng.integers(0, 256, (1200, 28, 28), dtype=np.uint8),
        y_train=rng.integers(0, 10, 1200, dtype=np.uint8),
        # as many test images as the demo test's `limit=1000` asks for
        x_test=rng.integers(0, 256, (1000, 28, 28), dtype=np.uint8),
        y_test=rng.integers(0, 10, 1000, dtype=np.uint8),
    )
    return str(folder)


@pytest.fixture
def data_env(mirror, tmp_path, monkeypatch):
    monkeypatch.setenv("LAMINA_DATA_DIR", mirror)
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))


def check_png(path):
    from PIL import Image

    with Image.open(path) as im:
        assert im.format == "PNG"
        im.load()  # decodes every pixel
        assert min(im.size) >= 200
        assert np.asarray(im).std() > 0  # not a blank picture


# The command line ---------------------------------------------------------------------------
def test_help(capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0
    assert "demo" in capsys.readouterr().out
    with pytest.raises(SystemExit) as info:
        cli.main(["demo", "mnist", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    for option in ("--backend", "--epochs", "--model", "--out", "convnet", "subclass"):
        assert option in text
    assert "--limit" not in text


@pytest.mark.parametrize(
    "args, message",
    [
        (["demo", "mnist", "--model", "resnet"], "invalid choice: 'resnet'"),
        (["demo", "mnist", "--epochs", "0"], "expected a positive integer, got 0"),
        (["demo", "mnist", "--epochs", "two"], "expected a positive integer, got 'two'"),
        (["demo", "mnist", "--backend", "mxnet"], "invalid choice: 'mxnet'"),
        (["demo"], "choose a demo"),
        (["demo", "cifar"], "invalid choice: 'cifar'"),
    ],
)
def test_bad_arguments(args, message, capsys):
    with pytest.raises(SystemExit) as info:
        cli.main(args)
    assert info.value.code == 2
    assert message in capsys.readouterr().err


def test_version_and_info(capsys):
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("lamina 0.")
    assert cli.main(["info"]) == 0
    out = capsys.readouterr().out
    assert f"backend:       {BACKEND}" in out and "dataset cache:" in out


def test_numpy_backend_says_training_needs_another(data_env, tmp_path):
    """`--backend numpy` re-runs the command under that backend, which explains its limits."""
    # Start from another backend so that the command must switch (jax imports fastest).
    start = "jax" if importlib.util.find_spec("jax") else BACKEND
    env = dict(os.environ, LAMINA_BACKEND=start)
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "lamina.cli", "demo", "mnist", "--backend", "numpy"]
    proc = subprocess.run(
        [*cmd, "--out", str(out)], env=env, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "inference only" in proc.stderr
    assert "jax, torch or tensorflow" in proc.stderr
    assert not out.exists()


# The demo end to end ------------------------------------------------------------------------
@requires_training
def test_demo_run_writes_valid_outputs(data_env, tmp_path):
    from lamina.demo import mnist

    lines = []
    out = tmp_path / "out"
    result = mnist.run(
        model="mlp", epochs=1, out=str(out), limit=1000, verbose=0, print_fn=lines.append
    )
    files = result["files"]
    expected = {"metrics", "learning_curves", "confusion_matrix", "misclassified"}
    assert expected <= set(files)
    assert ("model" in files) or {"weights", "architecture"} <= set(files)
    for path in files.values():
        assert os.path.dirname(path) == str(out) and os.path.getsize(path) > 0

    with open(files["metrics"]) as f:
        metrics = json.load(f)
    assert metrics["backend"] == BACKEND and metrics["model"] == "mlp"
    assert 0.0 <= metrics["test_accuracy"] <= 1.0 and np.isfinite(metrics["test_loss"])
    assert len(metrics["epoch_times_s"]) == 1 and metrics["epoch_times_s"][0] > 0
    assert metrics["train_samples"] == 1000 and metrics["test_samples"] == 1000
    assert set(metrics["history"]) >= {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert np.sum(metrics["confusion_matrix"]) == 1000
    assert 1000 - np.trace(metrics["confusion_matrix"]) == metrics["misclassified"]
    assert "lamina" in metrics["versions"] and "numpy" in metrics["versions"]
    assert "Test accuracy" in "\n".join(lines) and str(out) in lines[-len(files) - 1]

    for key in ("learning_curves", "confusion_matrix", "misclassified"):
        check_png(files[key])

    # The saved model loads into a fresh model that predicts the same.
    x = np.random.default_rng(1).random((8, 28, 28, 1)).astype("float32")
    reloaded = mnist.load_trained(str(out))
    np.testing.assert_allclose(
        reloaded.predict(x, verbose=0), result["model"].predict(x, verbose=0), atol=1e-5
    )


@requires_training
def test_demo_command_convnet(data_env, tmp_path, capsys):
    out = tmp_path / "demo_output"
    args = ["demo", "mnist", "--backend", BACKEND, "--model", "convnet", "--epochs", "1"]
    status = cli.main([*args, "--limit", "300", "--out", str(out), "--verbose", "2"])
    text = capsys.readouterr().out
    assert status == 0
    assert "Total params" in text or "params" in text.lower()  # the summary was printed
    assert f"The results are in {out}" in text
    for name in ("metrics.json", "learning_curves.png", "confusion_matrix.png"):
        assert name in text and (out / name).exists()
    with open(out / "metrics.json") as f:
        assert json.load(f)["model"] == "convnet"


def test_plots_edge_cases(tmp_path):
    from lamina.demo import plots

    path = str(tmp_path / "none.png")
    plots.misclassified_grid(
        np.zeros((0, 28, 28)), np.zeros(0), np.zeros(0), np.zeros(0), path, title="none"
    )
    check_png(path)
    path = str(tmp_path / "curves.png")
    plots.learning_curves({"loss": [1.0, 0.5], "accuracy": [0.5, 0.8]}, path)
    check_png(path)
