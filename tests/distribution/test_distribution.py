"""`lamina.distribution`: the Keras 3 API, data sharding, and distributed training that
matches one-device training (each backend in a fresh process with its own devices)."""

import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import lamina
from lamina import distribution as D
from lamina.distribution.runner import ShardedAdapter
from lamina.training.data import ArrayDataAdapter
from tests.conftest import BACKEND
from tests.distribution import workload

ROOT = Path(__file__).resolve().parents[2]
WORKLOAD = str(Path(workload.__file__).resolve())


def _env(**extra):
    env = dict(os.environ, LAMINA_BACKEND=BACKEND, TF_CPP_MIN_LOG_LEVEL="3", OMP_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    env.update(extra)
    return env


def _run(cmd, env, timeout=150):
    result = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _assert_matches_one_device(saved, n, shuffle=False, tol=1e-5):
    model = workload.make_model()
    history, evaluation = workload.train(model, shuffle=shuffle, n=n)
    for i, v in enumerate(model.variables):
        np.testing.assert_allclose(saved[f"w{i}"], v.numpy(), atol=tol, err_msg=v.path)
    for key, values in history.items():
        np.testing.assert_allclose(saved[f"h_{key}"], values, rtol=1e-5, err_msg=key)
    for key, value in evaluation.items():
        np.testing.assert_allclose(saved[f"e_{key}"], value, rtol=1e-5, err_msg=key)


# The API ------------------------------------------------------------------------------------
def test_layout_map_matches_full_paths_and_rejects_ambiguity():
    mesh = D.DeviceMesh((1,), ["model"], devices=D.list_devices()[:1])
    layout_map = D.LayoutMap(mesh)
    layout_map[".*dense.*kernel"] = (None, "model")
    layout_map["d.*"] = D.TensorLayout(("model",))
    assert layout_map["seq/dense_1/kernel"].axes == (None, "model")
    assert layout_map["seq/dense_1/kernel"].device_mesh is mesh
    assert layout_map["seq/conv/kernel"] is None
    with pytest.raises(ValueError, match="matches several keys"):
        layout_map["dense/kernel"]
    with pytest.raises(ValueError, match="already set"):
        layout_map["d.*"] = ("model",)
    with pytest.raises(ValueError, match="not axes of the mesh"):
        D.TensorLayout(("batch",), mesh)
    assert len(layout_map) == 2 and list(layout_map) == [".*dense.*kernel", "d.*"]


def test_mesh_and_distribution_validation():
    devices = D.list_devices()
    assert devices and all(":" in d for d in devices)
    assert D.get_device_count() == len(devices)
    with pytest.raises(ValueError, match="needs 2 devices"):
        D.DeviceMesh((2,), ["batch"], devices=devices[:1])
    with pytest.raises(ValueError, match="same length"):
        D.DeviceMesh((1,), ["batch", "model"])
    with pytest.raises(ValueError, match="device_type"):
        D.list_devices("abacus")
    with pytest.raises(ValueError, match="`layout_map` must be a `LayoutMap`"):
        D.ModelParallel(layout_map={})
    with pytest.raises(ValueError, match="takes a `Distribution`"):
        D.set_distribution("data_parallel")


def test_scope_sets_and_restores_the_distribution():
    dp = D.DataParallel()
    assert dp.batch_dim_name == "batch"
    assert dp.num_model_replicas == len(D.list_devices())
    assert D.distribution() is None
    with dp.scope():
        assert D.distribution() is dp
        inner = D.DataParallel(devices=D.list_devices()[:1])
        with inner.scope():
            assert D.distribution() is inner
        assert D.distribution() is dp
    assert D.distribution() is None
    x = lamina.Input((3,))
    assert D.distribute_tensor(x, D.TensorLayout((None, None))) is x


def test_sharded_adapter_splits_each_global_batch():
    x = np.arange(11 * 2, dtype="float32").reshape(11, 2)
    y = np.arange(11, dtype="float32")
    adapter = ArrayDataAdapter(x, y, batch_size=4)
    shards = [list(ShardedAdapter(adapter, i, 3).epoch()) for i in range(3)]
    # Batches of 4, 4, 3 rows: process 0 takes 1, 1, 1; process 1 takes 1, 1, 1; process 2: 2, 2, 1.
    assert [len(b[1]) for b in shards[2]] == [2, 2, 1]
    rows = np.concatenate([b[1] for batch in zip(*shards) for b in batch])
    np.testing.assert_array_equal(rows, y)  # in order, each sample exactly once
    sizes = []
    list(ShardedAdapter(adapter, 1, 3, sizes).epoch())
    assert sizes == [(1, 4), (1, 4), (1, 3)]
    with pytest.warns(UserWarning, match="cannot be split"):
        assert len(list(ShardedAdapter(ArrayDataAdapter(x, y, batch_size=2), 0, 3).epoch())) == 0


def test_single_device_data_parallel_fit_equals_plain_fit():
    if BACKEND == "numpy":
        pytest.skip("the NumPy backend is inference-only")
    if BACKEND == "tensorflow":
        pytest.skip("covered in a subprocess with two logical devices (below)")
    model = workload.make_model()
    x, y = workload.data()
    with D.DataParallel(devices=D.list_devices()[:1]).scope():
        history = model.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
        predictions = model.predict(x, verbose=0)
    base = workload.make_model()
    base_history = base.fit(x, y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    np.testing.assert_allclose(history.history["loss"], base_history.history["loss"], rtol=1e-6)
    np.testing.assert_allclose(predictions, base.predict(x, verbose=0), atol=1e-6)


# Several devices / processes -----------------------------------------------------------------
@pytest.mark.skipif(BACKEND != "jax", reason="JAX only")
def test_jax_data_and_model_parallel_match_one_device(tmp_path):
    out = str(tmp_path / "jax.npz")
    env = _env(XLA_FLAGS="--xla_force_host_platform_device_count=4")
    _run([sys.executable, WORKLOAD, "jax", out], env)
    saved = np.load(out)
    assert int(saved["devices"]) == 4
    assert int(saved["batch_shards"]) == 4  # a batch of 8 lives on 4 devices
    assert str(saved["kernel_spec"]) == "P(None, 'model')"
    assert tuple(saved["kernel_shard_shape"]) == (6, 4)  # an (6, 8) kernel split in two
    assert float(saved["dp_diff"]) < 1e-5
    assert float(saved["mp_diff"]) < 1e-5


@pytest.mark.skipif(BACKEND != "torch", reason="PyTorch only")
def test_torch_two_processes_match_one_process(tmp_path):
    out = str(tmp_path / "torch.npz")
    cmd = [sys.executable, "-m", "torch.distributed.run", "--nproc-per-node", "2"]
    cmd += ["--master-port", str(_free_port()), WORKLOAD, "torch", out]
    _run(cmd, _env())
    saved = np.load(out)
    other = np.load(out.replace(".npz", ".rank1.npz"))
    assert int(saved["world"]) == 2
    for key in other.files:  # the replicas agree exactly
        np.testing.assert_array_equal(saved[key], other[key], err_msg=key)
    # 43 samples, shuffled: the last batch of 3 splits 1 + 2; gradients weigh each share.
    _assert_matches_one_device(saved, n=43, shuffle=True)


@pytest.mark.skipif(BACKEND != "tensorflow", reason="TensorFlow only")
def test_tensorflow_mirrored_two_devices_match_one_device(tmp_path):
    out = str(tmp_path / "tf.npz")
    _run([sys.executable, WORKLOAD, "tensorflow", out], _env())
    saved = np.load(out)
    assert int(saved["replicas"]) == 2
    _assert_matches_one_device(saved, n=workload.TF_SAMPLES)


@pytest.mark.skipif(BACKEND != "jax", reason="run once, on JAX with two host devices")
def test_the_distributed_mnist_example_trains(tmp_path):
    env = _env(
        XLA_FLAGS="--xla_force_host_platform_device_count=2",
        LAMINA_EXAMPLE_FAST="1",
        KERAS_BACKEND="jax",
    )
    env.pop("LAMINA_BACKEND")
    mirror = env.get("LAMINA_DATA_DIR") or str(ROOT.parent / "shared" / "data")
    real_data = os.path.exists(os.path.join(mirror, "mnist.npz"))
    if not real_data:  # no offline mirror: random digits of the right shapes
        rng = np.random.default_rng(0)
        mirror = str(tmp_path)
        np.savez(
            tmp_path / "mnist.npz",
            x_train=rng.integers(0, 256, (1024, 28, 28), dtype=np.uint8),
            y_train=rng.integers(0, 10, 1024, dtype=np.uint8),
            x_test=rng.integers(0, 256, (256, 28, 28), dtype=np.uint8),
            y_test=rng.integers(0, 10, 256, dtype=np.uint8),
        )
    env["LAMINA_DATA_DIR"] = mirror
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "distributed_mnist.py")],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Backend: jax; devices: ['cpu:0', 'cpu:1']" in result.stdout
    accuracy = float(result.stdout.split("test accuracy: ")[-1].split()[0])
    assert accuracy > (0.5 if real_data else 0.0), result.stdout


def _run_two_processes(kind, out, env_for_rank):
    procs = []
    for rank in range(2):
        env = _env(**env_for_rank(rank))
        env.pop("XLA_FLAGS", None)
        procs.append(
            subprocess.Popen(
                [sys.executable, WORKLOAD, kind, out],
                env=env,
                cwd=ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
        )
    try:
        logs = [p.communicate(timeout=150)[0] for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    assert all(p.returncode == 0 for p in procs), "\n".join(log[-3000:] for log in logs)
    saved = np.load(out)
    assert int(saved["world"]) == 2
    _assert_matches_one_device(saved, n=workload.JAX_PROCESS_SAMPLES)


@pytest.mark.skipif(BACKEND != "jax", reason="JAX only")
def test_jax_two_processes_match_one_device(tmp_path):
    # jax.distributed over loopback: two processes, one CPU device each, joined through the
    # KERAS_DISTRIBUTION_* variables that `lamina.distribution.initialize` reads.
    port = _free_port()
    _run_two_processes(
        "jax_processes",
        str(tmp_path / "jax_processes.npz"),
        lambda rank: {
            "KERAS_DISTRIBUTION_JOB_ADDRESSES": f"127.0.0.1:{port}",
            "KERAS_DISTRIBUTION_NUM_PROCESSES": "2",
            "KERAS_DISTRIBUTION_PROCESS_ID": str(rank),
        },
    )


@pytest.mark.skipif(BACKEND != "tensorflow", reason="TensorFlow only")
def test_tensorflow_two_workers_match_one_device(tmp_path):
    # MultiWorkerMirroredStrategy: two processes described by TF_CONFIG, on loopback.
    import json

    workers = [f"127.0.0.1:{_free_port()}", f"127.0.0.1:{_free_port()}"]
    _run_two_processes(
        "tf_workers",
        str(tmp_path / "tf_workers.npz"),
        lambda rank: {
            "TF_CONFIG": json.dumps(
                {"cluster": {"worker": workers}, "task": {"type": "worker", "index": rank}}
            )
        },
    )
