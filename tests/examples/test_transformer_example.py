"""examples/transformer_text_classifier.py learns its order task (>= 0.9 test accuracy).

Training runs on jax only (about 25 s of CPU in fast mode); the numpy backend checks that the
model builds and predicts. torch and tensorflow skip to keep the suite short.
"""

import os
import subprocess
import sys

import pytest

from tests.conftest import BACKEND

EXAMPLE = os.path.join(
    os.path.dirname(__file__), "..", "..", "examples", "transformer_text_classifier.py"
)


@pytest.mark.skipif(BACKEND not in ("jax", "numpy"), reason="trained on jax only (time)")
def test_transformer_example(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "LAMINA_BACKEND"}
    env.update(KERAS_BACKEND=BACKEND, LAMINA_EXAMPLE_FAST="1", LAMINA_HOME=str(tmp_path))
    proc = subprocess.run(
        [sys.executable, EXAMPLE], env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = proc.stdout
    assert f"Backend: {BACKEND}" in out and "params" in out.lower()
    if BACKEND == "numpy":
        assert "Untrained predictions" in out
        return
    accuracy = float(out.split("Test accuracy: ")[-1].split()[0])
    assert accuracy >= 0.9, out[-2000:]
