"""CIFAR-10: the archive's pickled batches are parsed without running code from the file."""

import hashlib
import io
import os
import pickle
import tarfile

import numpy as np
import pytest

from lamina.datasets import cifar10
from lamina.datasets._fetch import DatasetUnavailableError


def batch_bytes(x, labels, protocol=2):
    d = {b"batch_label": b"batch", b"labels": list(labels), b"data": x, b"filenames": [b"a.png"]}
    return pickle.dumps(d, protocol=protocol)


def make_archive(n=4, seed=0):
    rng = np.random.default_rng(seed)
    xs, ys = {}, {}
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name in cifar10._BATCHES:
            xs[name] = rng.integers(0, 256, (n, 3072), dtype=np.uint8)
            ys[name] = rng.integers(0, 10, (n,)).tolist()
            data = batch_bytes(xs[name], ys[name])
            info = tarfile.TarInfo("cifar-10-batches-py/" + name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return xs, ys, buf.getvalue()


@pytest.mark.parametrize("protocol", [2, 3, 4])
def test_load_batch(protocol):
    x = np.arange(2 * 3072, dtype=np.int64).astype(np.uint8).reshape(2, 3072)
    images, labels = cifar10.load_batch(batch_bytes(x, [3, 9], protocol))
    assert images.shape == (2, 3, 32, 32) and images.dtype == np.uint8
    np.testing.assert_array_equal(images.reshape(2, -1), x)
    np.testing.assert_array_equal(labels, [3, 9])


def test_load_batch_refuses_code():
    class Evil:
        def __reduce__(self):
            return (os.system, ("echo pwned",))

    data = pickle.dumps({b"data": Evil(), b"labels": []}, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="not allowed"):
        cifar10.load_batch(data)
    data = pickle.dumps({b"data": np.zeros((1, 3072), np.float32), b"labels": [0]}, protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="float32|f4"):
        cifar10.load_batch(data)


def test_download_and_layout(home, server, monkeypatch):
    xs, ys, data = make_archive()
    server.files["/c.tar.gz"] = data
    monkeypatch.setattr(cifar10, "URL", server.url("/c.tar.gz"))
    monkeypatch.setattr(cifar10, "SHA256", hashlib.sha256(data).hexdigest())
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    assert x_train.shape == (20, 32, 32, 3) and y_train.shape == (20, 1)
    assert x_test.shape == (4, 32, 32, 3) and y_test.shape == (4, 1)
    assert x_train.dtype == y_train.dtype == np.uint8
    expected = np.concatenate([xs[b] for b in cifar10._BATCHES[:5]]).reshape(-1, 3, 32, 32)
    np.testing.assert_array_equal(x_train, expected.transpose(0, 2, 3, 1))
    np.testing.assert_array_equal(y_test[:, 0], ys["test_batch"])
    assert (home / cifar10.ARCHIVE).read_bytes() == data


def test_archive_missing_a_batch_is_damaged(home, server, monkeypatch):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        info = tarfile.TarInfo("cifar-10-batches-py/readme.html")
        tar.addfile(info, io.BytesIO(b""))
    home.mkdir(parents=True)
    (home / cifar10.ARCHIVE).write_bytes(buf.getvalue())
    monkeypatch.setattr(cifar10, "URL", server.url("/absent.tar.gz"))
    with pytest.warns(UserWarning, match="lacks the batches"):
        with pytest.raises(DatasetUnavailableError, match="cifar-10-python.tar.gz"):
            cifar10.load_data()


def test_mirror_npz(home, tmp_path, monkeypatch):
    rng = np.random.default_rng(1)
    arrays = dict(
        x_train=rng.integers(0, 256, (6, 32, 32, 3), dtype=np.uint8),
        y_train=rng.integers(0, 10, (6, 1), dtype=np.uint8),
        x_test=rng.integers(0, 256, (2, 32, 32, 3), dtype=np.uint8),
        y_test=rng.integers(0, 10, (2, 1), dtype=np.uint8),
    )
    np.savez(tmp_path / "cifar10.npz", **arrays)
    monkeypatch.setenv("LAMINA_DATA_DIR", str(tmp_path))
    (x_train, y_train), (x_test, y_test) = cifar10.load_data()
    np.testing.assert_array_equal(x_train, arrays["x_train"])
    np.testing.assert_array_equal(y_test, arrays["y_test"])
