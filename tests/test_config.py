"""Backend choice, config values, and import errors (run in subprocesses: the backend is
chosen once per process)."""

import json
import os
import subprocess
import sys

import pytest

import lamina


def _run(code, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in ("LAMINA_BACKEND", "KERAS_BACKEND")}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], env=full_env, capture_output=True, text=True, timeout=120
    )


def test_lamina_backend_variable_wins(tmp_path):
    r = _run(
        "import lamina; print(lamina.backend.backend())",
        LAMINA_BACKEND="numpy",
        KERAS_BACKEND="jax",
        LAMINA_HOME=str(tmp_path),
    )
    assert r.stdout.strip() == "numpy", r.stderr


def test_keras_backend_variable_is_honoured(tmp_path):
    code = (
        "import os\nos.environ['KERAS_BACKEND'] = 'numpy'\nimport lamina as keras\n"
        "print(keras.config.backend(), keras.backend.backend())"
    )
    r = _run(code, LAMINA_HOME=str(tmp_path))
    assert r.stdout.split() == ["numpy", "numpy"], r.stderr


def test_config_file_then_default(tmp_path):
    (tmp_path / "lamina.json").write_text(json.dumps({"backend": "numpy"}))
    r = _run("import lamina; print(lamina.backend.backend())", LAMINA_HOME=str(tmp_path))
    assert r.stdout.strip() == "numpy", r.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    r = _run("import lamina; print(lamina.config.backend())", LAMINA_HOME=str(empty))
    assert r.stdout.strip() == "torch", r.stderr


def test_unknown_backend_lists_valid_ones(tmp_path):
    r = _run("import lamina", LAMINA_BACKEND="mxnet", LAMINA_HOME=str(tmp_path))
    assert r.returncode != 0
    assert "Unknown backend 'mxnet'" in r.stderr
    for name in ("jax", "torch", "tensorflow", "numpy"):
        assert name in r.stderr


def test_missing_framework_names_the_extra(tmp_path):
    # Hide jax from the import system to play a machine where it is not installed.
    code = (
        "import sys\nsys.modules['jax'] = None\n"
        "try:\n    import lamina\nexcept ImportError as e:\n    print(e)\n"
    )
    r = _run(code, LAMINA_BACKEND="jax", LAMINA_HOME=str(tmp_path))
    assert "pip install 'lamina[jax]'" in r.stdout, r.stdout + r.stderr


def test_import_loads_only_the_chosen_framework(tmp_path):
    code = (
        "import sys, lamina\n"
        "print(sorted(m for m in ('jax', 'torch', 'tensorflow') if m in sys.modules))"
    )
    r = _run(code, LAMINA_BACKEND="numpy", LAMINA_HOME=str(tmp_path))
    assert r.stdout.strip() == "[]", r.stdout + r.stderr


def test_floatx_epsilon_image_data_format():
    assert lamina.config.floatx() == "float32"
    assert lamina.config.epsilon() == pytest.approx(1e-7)
    assert lamina.config.image_data_format() == "channels_last"
    with pytest.raises(ValueError, match="floatx"):
        lamina.config.set_floatx("int8")
    with pytest.raises(ValueError, match="data_format"):
        lamina.config.set_image_data_format("NHWC")
    lamina.config.set_floatx("float64")
    try:
        assert lamina.ops.convert_to_tensor(1.5).dtype is not None
        assert lamina.backend.standardize_dtype(lamina.ops.convert_to_tensor(1.5).dtype) == (
            "float64"
        )
    finally:
        lamina.config.set_floatx("float32")
