"""Adapters for PyDataset, tf.data.Dataset and torch DataLoader, and `fit` fed by each of them
(and by a generator) on every training backend."""

import math
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

import lamina
from lamina.training import data as data_module
from lamina.training import data_adapters
from lamina.utils.py_dataset import PyDataset
from tests.conftest import BACKEND, requires_training

X = np.arange(30, dtype="float32").reshape(10, 3)
Y = X.sum(axis=1, keepdims=True) / 10.0


class Batches(PyDataset):
    """Batches of ``X``/``Y``; records which thread read each batch and the epoch hooks."""

    def __init__(self, batch_size=4, fail_at=None, **kwargs):
        super().__init__(**kwargs)
        self.batch_size = batch_size
        self.fail_at = fail_at
        self.threads = set()
        self.begins = 0
        self.ends = 0

    def __len__(self):
        return math.ceil(len(X) / self.batch_size)

    def __getitem__(self, index):
        if index == self.fail_at:
            raise KeyError(f"batch {index} is broken")
        self.threads.add(threading.current_thread().name)
        part = slice(index * self.batch_size, (index + 1) * self.batch_size)
        return X[part], Y[part]

    def on_epoch_begin(self):
        self.begins += 1

    def on_epoch_end(self):
        self.ends += 1


class Endless(PyDataset):
    num_batches = None

    def __getitem__(self, index):
        return np.full((2, 3), index, "float32"), np.zeros((2, 1), "float32")


def first_values(adapter):
    """The first x value of each batch of one epoch (identifies the batch)."""
    return [float(np.asarray(batch[0])[0, 0]) for batch in adapter.epoch()]


# PyDataset ------------------------------------------------------------------------------------
def test_py_dataset_basics():
    data = Batches()
    assert len(data) == 3 and data.num_batches == 3 and data.workers == 1
    assert [b[0].shape[0] for b in data] == [4, 4, 2]
    with pytest.raises(ValueError, match="workers"):
        Batches(workers=-1)

    class NoSuper(PyDataset):
        def __init__(self):
            pass

        def __len__(self):
            return 1

    with pytest.warns(UserWarning, match="super"):
        assert NoSuper().workers == 1


@pytest.mark.parametrize("workers, processes", [(1, False), (2, False), (2, True)])
def test_py_dataset_adapter_reads_every_batch_in_order(workers, processes):
    data = Batches(workers=workers, use_multiprocessing=processes)
    adapter = data_module.get_adapter(data)
    assert isinstance(adapter, data_adapters.PyDatasetAdapter) and adapter.num_batches == 3
    for _ in range(2):
        batches = list(adapter.epoch())
        adapter.on_epoch_end()
        assert [b[0].shape for b in batches] == [(4, 3), (4, 3), (2, 3)]
        np.testing.assert_array_equal(np.concatenate([b[0] for b in batches]), X)
        np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), Y)
    assert (data.begins, data.ends) == (2, 2)
    if workers > 1 and not processes:
        assert data.threads and all(t.startswith("PyDataset") for t in data.threads)
    elif not processes:
        assert data.threads == {threading.current_thread().name}


def test_py_dataset_shuffle_steps_and_class_weight():
    adapter = data_module.get_adapter(Batches(batch_size=1), shuffle=True)
    orders = [first_values(adapter) for _ in range(3)]
    assert all(sorted(o) == list(X[:, 0]) for o in orders)
    assert len({tuple(o) for o in orders}) > 1  # a new order each epoch
    # steps smaller than the length: epochs continue where the last one stopped, then wrap.
    adapter = data_module.get_adapter(Batches(), steps=2)
    assert [first_values(adapter) for _ in range(3)] == [[0, 12], [24, 0], [12, 24]]
    adapter = data_module.get_adapter(Endless(), steps=2)
    assert [first_values(adapter) for _ in range(2)] == [[0, 1], [2, 3]]
    with pytest.raises(ValueError, match="steps_per_epoch"):
        data_module.get_adapter(Endless())
    batch = next(iter(data_module.get_adapter(Batches(), class_weight={0: 1.0, 1: 3.0}).epoch()))
    assert len(batch) == 3 and batch[2].shape == (4,)


@pytest.mark.parametrize("workers, processes", [(1, False), (2, False), (2, True)])
def test_py_dataset_errors_reach_the_user(workers, processes):
    adapter = data_module.get_adapter(
        Batches(fail_at=1, workers=workers, use_multiprocessing=processes)
    )
    with pytest.raises(KeyError, match="batch 1 is broken"):
        list(adapter.epoch())


def test_bad_batches_and_separate_targets():
    class ThreeParts(PyDataset):
        def __len__(self):
            return 1

        def __getitem__(self, index):
            return X, Y, Y, Y

    with pytest.raises(ValueError, match="tuple of 4 parts"):
        list(data_module.get_adapter(ThreeParts()).epoch())
    with pytest.raises(ValueError, match="do not pass `y`"):
        data_module.get_adapter(Batches(), Y)


def test_other_inputs_are_not_adapted_here():
    for x in (X, [X, X], {"a": X}, iter([(X, Y)])):
        assert data_adapters.adapt(x, None, None, None, None, False, None) is None


@pytest.mark.skipif(BACKEND != "numpy", reason="checked once, in a fresh process")
def test_frameworks_are_not_imported_for_plain_data():
    code = (
        "import sys, numpy as np, lamina\n"
        "from lamina.training import data\n"
        "data.get_adapter(np.ones((4, 3)), np.ones((4, 1)))\n"
        "data.get_adapter(iter([np.ones((2, 3))]))\n"
        "print(sorted(m for m in ('tensorflow', 'torch', 'jax') if m in sys.modules))\n"
    )
    env = dict(os.environ, LAMINA_BACKEND="numpy")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


# tf.data --------------------------------------------------------------------------------------
def _tf():
    return pytest.importorskip("tensorflow")


def test_tf_dataset_adapter():
    tf = _tf()
    ds = tf.data.Dataset.from_tensor_slices((X, Y)).batch(4)
    adapter = data_module.get_adapter(ds)
    assert isinstance(adapter, data_adapters.TFDatasetAdapter) and adapter.num_batches == 3
    batches = list(adapter.epoch())
    assert [type(b) for b in batches] == [tuple] * 3
    want = tf.Tensor if BACKEND == "tensorflow" else np.ndarray
    assert all(isinstance(leaf, want) for b in batches for leaf in b)
    np.testing.assert_array_equal(np.concatenate([np.asarray(b[0]) for b in batches]), X)
    # A dict of inputs alone is `x`; `steps` continue through the data across epochs.
    ds = tf.data.Dataset.from_tensor_slices({"a": X}).batch(5)
    (x,) = next(iter(data_module.get_adapter(ds).epoch()))
    assert set(x) == {"a"} and tuple(x["a"].shape) == (5, 3)
    adapter = data_module.get_adapter(tf.data.Dataset.from_tensor_slices((X, Y)).batch(2), steps=2)
    assert [first_values(adapter) for _ in range(3)] == [[0, 6], [12, 18], [24, 0]]
    with pytest.raises(ValueError, match="repeats forever"):
        data_module.get_adapter(tf.data.Dataset.from_tensor_slices(X).repeat())
    with pytest.raises(ValueError, match="do not pass `y`"):
        data_module.get_adapter(tf.data.Dataset.from_tensor_slices(X), Y)


# torch DataLoader -----------------------------------------------------------------------------
def _torch():
    return pytest.importorskip("torch")


def test_torch_dataloader_adapter():
    torch = _torch()
    from torch.utils.data import DataLoader, IterableDataset, TensorDataset

    loader = DataLoader(TensorDataset(torch.from_numpy(X), torch.from_numpy(Y)), batch_size=4)
    adapter = data_module.get_adapter(loader)
    assert isinstance(adapter, data_adapters.TorchDataLoaderAdapter) and adapter.num_batches == 3
    batches = list(adapter.epoch())
    assert [type(b) for b in batches] == [tuple] * 3  # the loader's lists become (x, y)
    if BACKEND == "torch":
        device = lamina.backend.active.core.default_device()
        assert all(
            isinstance(v, torch.Tensor) and v.device.type == device.type for b in batches for v in b
        )
    else:
        assert all(isinstance(v, np.ndarray) for b in batches for v in b)
    np.testing.assert_array_equal(
        np.concatenate(
            [lamina.backend.convert_to_numpy(b[1]) if BACKEND == "torch" else b[1] for b in batches]
        ),
        Y,
    )

    class Stream(IterableDataset):
        def __iter__(self):
            for i in range(3):
                yield torch.full((2, 3), float(i)), torch.zeros(2, 1)

    adapter = data_module.get_adapter(DataLoader(Stream(), batch_size=None))
    assert adapter.num_batches is None and len(list(adapter.epoch())) == 3
    adapter = data_module.get_adapter(loader, class_weight={0: 2.0})
    assert len(next(iter(adapter.epoch()))) == 3


# fit, evaluate and predict on each kind of data -------------------------------------------------
def _model():
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential([lamina.layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse")
    return model


def _train_data(kind):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = x @ np.array([[1.0], [-1.0], [0.5]], "float32")
    if kind == "generator":

        def gen():
            while True:
                for i in range(0, 64, 16):
                    yield x[i : i + 16], y[i : i + 16]

        return gen(), {"steps_per_epoch": 4}, (x, y)
    if kind == "py_dataset":

        class Data(PyDataset):
            def __len__(self):
                return 4

            def __getitem__(self, i):
                return x[i * 16 : (i + 1) * 16], y[i * 16 : (i + 1) * 16]

        return Data(workers=2), {}, (x, y)
    if kind == "tf_data":
        tf = _tf()
        return tf.data.Dataset.from_tensor_slices((x, y)).batch(16), {}, (x, y)
    torch = _torch()
    from torch.utils.data import DataLoader, TensorDataset

    dataset = TensorDataset(torch.from_numpy(x), torch.from_numpy(y))
    return DataLoader(dataset, batch_size=16, shuffle=True), {}, (x, y)


@requires_training
@pytest.mark.parametrize("kind", ["generator", "py_dataset", "tf_data", "torch_dataloader"])
def test_fit_evaluate_predict(kind):
    data, kwargs, (x, y) = _train_data(kind)
    model = _model()
    validation = None if kind == "generator" else data
    history = model.fit(data, epochs=3, verbose=0, validation_data=validation, **kwargs)
    losses = history.history["loss"]
    assert len(losses) == 3 and losses[-1] < losses[0]
    if kind == "generator":
        return
    assert history.history["val_loss"][-1] == pytest.approx(
        model.evaluate(data, verbose=0), rel=1e-5
    )
    predictions = model.predict(data, verbose=0)
    assert predictions.shape == (64, 1)
    if kind != "torch_dataloader":  # the loader shuffles
        np.testing.assert_allclose(predictions, model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
