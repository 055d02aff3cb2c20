"""Shared test set-up: the suite runs once per backend (LAMINA_BACKEND), see tools/run_tests.py."""

import os

import numpy as np
import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import lamina  # noqa: E402

BACKEND = lamina.backend.backend()
TRAINING_BACKENDS = ("jax", "torch", "tensorflow")


def pytest_report_header(config):
    return f"lamina backend: {BACKEND}"


@pytest.fixture
def backend_name():
    return BACKEND


requires_training = pytest.mark.skipif(
    BACKEND not in TRAINING_BACKENDS, reason="the NumPy backend is inference-only (no gradients)"
)


def to_numpy(x):
    return lamina.backend.convert_to_numpy(x) if not isinstance(x, np.ndarray) else x
