"""The TensorFlow backend imports TensorFlow without Keras (TensorFlow's own __init__ would
import most of Keras); Keras and tf.keras must still work when the user imports them after."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "tensorflow", reason="the TensorFlow backend's import")

_PROGRAM = """
import sys
import lamina
assert "tensorflow" in sys.modules
assert "keras" not in sys.modules, "importing Lamina imported Keras"
import tensorflow as tf
assert tf.keras.layers.Dense.__module__.startswith("keras"), tf.keras.layers.Dense
import keras
model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
assert tuple(model(tf.ones((1, 3))).shape) == (1, 2)
print("ok")
"""


def test_tensorflow_is_imported_without_keras_and_keras_still_works():
    env = dict(os.environ, LAMINA_BACKEND="tensorflow", KERAS_BACKEND="tensorflow")
    done = subprocess.run(
        [sys.executable, "-c", _PROGRAM], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("ok")
