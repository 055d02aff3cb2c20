"""Cache, mirror and download logic, with MNIST-shaped files generated in the test."""

import hashlib
import io
import os
import socket
import warnings

import numpy as np
import pytest

from lamina.datasets import _fetch, mnist
from lamina.datasets._fetch import ChecksumError, DatasetUnavailableError


def make_mnist(n_train=30, n_test=10, seed=0):
    rng = np.random.default_rng(seed)
    arrays = {
        "x_train": rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        "y_train": rng.integers(0, 10, (n_train,), dtype=np.uint8),
        "x_test": rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        "y_test": rng.integers(0, 10, (n_test,), dtype=np.uint8),
    }
    buf = io.BytesIO()
    np.savez_compressed(buf, **arrays)
    return arrays, buf.getvalue()


def assert_same(result, arrays):
    (x_train, y_train), (x_test, y_test) = result
    for got, key in ((x_train, "x_train"), (y_train, "y_train"), (x_test, "x_test")):
        np.testing.assert_array_equal(got, arrays[key])
        assert got.dtype == np.uint8
    np.testing.assert_array_equal(y_test, arrays["y_test"])


@pytest.fixture
def served_mnist(server, monkeypatch):
    """A small MNIST file on the local server, with load_data pointed at it."""
    arrays, data = make_mnist()
    server.files["/mnist.npz"] = data
    monkeypatch.setattr(mnist, "URL", server.url("/mnist.npz"))
    monkeypatch.setattr(mnist, "SHA256", hashlib.sha256(data).hexdigest())
    return arrays, data


def closed_port_url(path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


def test_mirror(home, tmp_path, monkeypatch):
    arrays, data = make_mnist()
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "mnist.npz").write_bytes(data)
    monkeypatch.setenv("LAMINA_DATA_DIR", str(mirror))
    monkeypatch.setattr(mnist, "URL", closed_port_url("/never"))
    assert_same(mnist.load_data(), arrays)
    assert not (home / "mnist.npz").exists()  # the mirror is read in place


def test_download_verified_and_cached(home, server, served_mnist):
    arrays, data = served_mnist
    assert_same(mnist.load_data(), arrays)
    assert (home / "mnist.npz").read_bytes() == data
    assert os.listdir(home) == ["mnist.npz"]  # no temporary file left behind
    # The second call is served from the cache.
    assert_same(mnist.load_data(), arrays)
    assert server.requests == ["/mnist.npz"]


def test_download_wrong_hash_is_rejected(home, server, served_mnist, monkeypatch):
    monkeypatch.setattr(mnist, "SHA256", "0" * 64)
    with pytest.raises(DatasetUnavailableError, match="SHA-256") as info:
        mnist.load_data()
    assert isinstance(info.value.__cause__, ChecksumError)
    assert not home.exists() or os.listdir(home) == []


def test_corrupt_cache_is_fetched_again(home, server, served_mnist):
    arrays, data = served_mnist
    home.mkdir(parents=True)
    (home / "mnist.npz").write_bytes(data[: len(data) // 2])  # truncated
    with pytest.warns(UserWarning, match="damaged"):
        result = mnist.load_data()
    assert_same(result, arrays)
    assert (home / "mnist.npz").read_bytes() == data
    assert server.requests == ["/mnist.npz"]


def test_corrupt_cache_falls_back_to_mirror(home, tmp_path, monkeypatch):
    arrays, data = make_mnist(seed=3)
    home.mkdir(parents=True)
    (home / "mnist.npz").write_bytes(b"not a zip file")
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    (mirror / "mnist.npz").write_bytes(data)
    monkeypatch.setenv("LAMINA_DATA_DIR", str(mirror))
    with pytest.warns(UserWarning, match="damaged"):
        assert_same(mnist.load_data(), arrays)
    assert not (home / "mnist.npz").exists()


def test_bad_mirror_file_then_download(home, tmp_path, server, served_mnist, monkeypatch):
    arrays, _ = served_mnist
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    bad = io.BytesIO()
    np.savez(bad, x_train=np.zeros((3, 28, 28), np.float32))
    (mirror / "mnist.npz").write_bytes(bad.getvalue())
    monkeypatch.setenv("LAMINA_DATA_DIR", str(mirror))
    with pytest.warns(UserWarning, match="mirror"):
        assert_same(mnist.load_data(), arrays)


def test_nothing_available_names_the_folders(home, tmp_path, monkeypatch):
    monkeypatch.setattr(mnist, "URL", closed_port_url("/mnist.npz"))
    with pytest.raises(DatasetUnavailableError) as info:
        mnist.load_data()
    msg = str(info.value)
    assert str(home) in msg
    assert "mnist.npz" in msg and "LAMINA_DATA_DIR" in msg
    # With an empty mirror folder the message says what it lacks.
    monkeypatch.setenv("LAMINA_DATA_DIR", str(tmp_path))
    with pytest.raises(DatasetUnavailableError, match=f"LAMINA_DATA_DIR={tmp_path} holds no"):
        mnist.load_data()


def test_download_function(tmp_path, server):
    payload = os.urandom(3000)
    server.files["/blob"] = payload
    dest = tmp_path / "sub" / "blob.bin"
    good = hashlib.sha256(payload).hexdigest()
    assert _fetch.download(server.url("/blob"), str(dest), good, progress=False) == str(dest)
    assert dest.read_bytes() == payload
    # A wrong hash leaves the existing file untouched and no temporary file.
    with pytest.raises(ChecksumError):
        _fetch.download(server.url("/blob"), str(dest), "ab" * 32, progress=False)
    assert dest.read_bytes() == payload
    assert sorted(os.listdir(dest.parent)) == ["blob.bin"]
    with pytest.raises(OSError):
        _fetch.download(server.url("/missing"), str(tmp_path / "x"), good, progress=False)
    assert not (tmp_path / "x").exists()


def test_download_progress_goes_to_stderr(tmp_path, server, capsys):
    server.files["/p"] = b"x" * 10
    _fetch.download(
        server.url("/p"), str(tmp_path / "p"), hashlib.sha256(b"x" * 10).hexdigest(), progress=True
    )
    err = capsys.readouterr().err
    assert "Downloading" in err and "MiB" in err


def test_read_npz_split_checks_shapes(tmp_path):
    path = tmp_path / "a.npz"
    good = dict(
        x_train=np.zeros((4, 28, 28), np.uint8),
        y_train=np.zeros(4, np.uint8),
        x_test=np.zeros((2, 28, 28), np.uint8),
        y_test=np.zeros(2, np.uint8),
    )
    np.savez(path, **good)
    _fetch.read_npz_split(str(path), (28, 28))
    np.savez(path, **dict(good, y_test=np.zeros(3, np.uint8)))
    with pytest.raises(ValueError, match="2 test images but 3 labels"):
        _fetch.read_npz_split(str(path), (28, 28))
    np.savez(path, **dict(good, x_train=np.zeros((4, 28, 27), np.uint8)))
    with pytest.raises(ValueError, match=r"x_train should be uint8 of shape \(n, 28, 28\)"):
        _fetch.read_npz_split(str(path), (28, 28))
    np.savez(path, x_train=good["x_train"])
    with pytest.raises(ValueError, match="lacks the arrays"):
        _fetch.read_npz_split(str(path), (28, 28))


def test_shared_mirror_mnist(home, shared_mirror, monkeypatch):
    mirror = shared_mirror
    monkeypatch.setenv("LAMINA_DATA_DIR", mirror)
    monkeypatch.setattr(mnist, "URL", closed_port_url("/never"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        (x_train, y_train), (x_test, y_test) = mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert y_train.shape == (60000,) and y_test.shape == (10000,)
    assert x_train.dtype == y_train.dtype == np.uint8
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
