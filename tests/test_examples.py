"""Every program in examples/ runs on the current backend (quickly, with LAMINA_EXAMPLE_FAST)."""

import os
import runpy
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import BACKEND, TRAINING_BACKENDS

EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "examples")
SHARED_MIRROR = os.environ.get("LAMINA_DATA_DIR") or os.path.join(
    os.path.dirname(__file__), "..", "..", "shared", "data"
)
NAMES = [
    "mnist_convnet.py",
    "mnist_sequential.py",
    "mnist_functional.py",
    "mnist_subclass.py",
    "token_and_position_embedding.py",
]


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
        x_test=rng.integers(0, 256, (300, 28, 28), dtype=np.uint8),
        y_test=rng.integers(0, 10, 300, dtype=np.uint8),
    )
    return str(folder)


@pytest.fixture
def example_env(mirror, tmp_path, monkeypatch):
    monkeypatch.setenv("LAMINA_DATA_DIR", mirror)
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LAMINA_EXAMPLE_FAST", "1")
    monkeypatch.setenv("KERAS_BACKEND", BACKEND)


# Examples with their own tests: tests/examples/test_transformer_example.py and
# tests/distribution/test_distribution.py.
TESTED_ELSEWHERE = ["transformer_text_classifier.py", "distributed_mnist.py"]


def test_every_example_is_listed():
    found = sorted(n for n in os.listdir(EXAMPLES) if n.endswith(".py"))
    assert found == sorted(NAMES + TESTED_ELSEWHERE)


# This one runs in a fresh process whose backend comes from KERAS_BACKEND alone, as in the
# seminar; the others run in this process (faster: the backend is already imported).
VIA_KERAS_BACKEND = "token_and_position_embedding.py"


def run_in_subprocess(name):
    env = {k: v for k, v in os.environ.items() if k != "LAMINA_BACKEND"}
    proc = subprocess.run(
        [sys.executable, os.path.join(EXAMPLES, name)],
        env=dict(env, KERAS_BACKEND=BACKEND),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


@pytest.mark.parametrize("name", NAMES)
def test_example_runs(name, example_env, capsys):
    if name == VIA_KERAS_BACKEND:
        out = run_in_subprocess(name)
    else:
        try:
            runpy.run_path(os.path.join(EXAMPLES, name), run_name="__main__")
        except SystemExit as e:
            assert e.code in (0, None)
        out = capsys.readouterr().out
    assert f"Backend: {BACKEND}" in out
    assert "params" in out.lower()  # the model summary
    if BACKEND in TRAINING_BACKENDS:
        assert "accuracy: " in out.lower()
        value = float(out.lower().split("accuracy: ")[-1].split()[0])
        assert 0.0 <= value <= 1.0
    else:
        assert "inference-only" in out and "Untrained predictions" in out
