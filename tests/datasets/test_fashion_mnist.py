"""Fashion-MNIST: IDX parsing, content hashes, download of four files, mirror."""

import gzip
import hashlib
import os

import numpy as np
import pytest

from lamina.datasets import fashion_mnist


def idx_bytes(arr):
    header = (0x800 | arr.ndim).to_bytes(4, "big")
    header += b"".join(int(d).to_bytes(4, "big") for d in arr.shape)
    return header + arr.tobytes()


def make_files(seed=0):
    rng = np.random.default_rng(seed)
    arrays = [
        rng.integers(0, 10, (12,), dtype=np.uint8),
        rng.integers(0, 256, (12, 28, 28), dtype=np.uint8),
        rng.integers(0, 10, (5,), dtype=np.uint8),
        rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
    ]
    return arrays, [gzip.compress(idx_bytes(a), compresslevel=1) for a in arrays]


@pytest.fixture
def served(server, monkeypatch):
    arrays, blobs = make_files()
    specs = []
    for (name, magic, _), arr, blob in zip(fashion_mnist.FILES, arrays, blobs):
        server.files["/fm/" + name] = blob
        specs.append((name, magic, hashlib.sha256(idx_bytes(arr)).hexdigest()))
    monkeypatch.setattr(fashion_mnist, "FILES", tuple(specs))
    monkeypatch.setattr(fashion_mnist, "BASE_URL", server.url("/fm/"))
    return arrays, blobs


def test_download_four_files(home, server, served):
    (y_train, x_train, y_test, x_test), _ = served
    (a, b), (c, d) = fashion_mnist.load_data()
    for got, want in ((a, x_train), (b, y_train), (c, x_test), (d, y_test)):
        np.testing.assert_array_equal(got, want)
        assert got.dtype == np.uint8
    assert sorted(os.listdir(home / "fashion-mnist")) == sorted(
        n for n, _, _ in fashion_mnist.FILES
    )
    assert len(server.requests) == 4
    fashion_mnist.load_data()
    assert len(server.requests) == 4


def test_one_corrupt_file_is_fetched_again(home, server, served):
    fashion_mnist.load_data()
    name = fashion_mnist.FILES[1][0]
    path = home / "fashion-mnist" / name
    path.write_bytes(path.read_bytes()[:100])
    with pytest.warns(UserWarning, match="damaged"):
        (x_train, _), _ = fashion_mnist.load_data()
    np.testing.assert_array_equal(x_train, served[0][1])
    assert server.requests[4:] == ["/fm/" + name]


def test_wrong_content_hash_rejected(home, server, served, monkeypatch):
    specs = list(fashion_mnist.FILES)
    specs[2] = (specs[2][0], specs[2][1], "1" * 64)
    monkeypatch.setattr(fashion_mnist, "FILES", tuple(specs))
    with pytest.raises(fashion_mnist._fetch.DatasetUnavailableError, match="SHA-256"):
        fashion_mnist.load_data()
    assert not (home / "fashion-mnist" / specs[2][0]).exists()


def test_read_idx_rejects_bad_files(tmp_path):
    path = tmp_path / "f.gz"
    arr = np.arange(12, dtype=np.uint8).reshape(3, 4)
    path.write_bytes(gzip.compress(idx_bytes(arr)))
    np.testing.assert_array_equal(fashion_mnist.read_idx(str(path)), arr)
    path.write_bytes(gzip.compress(idx_bytes(arr)[:-1]))
    with pytest.raises(ValueError, match="truncated"):
        fashion_mnist.read_idx(str(path))
    path.write_bytes(gzip.compress(b"\x00\x00\x0d\x01" + bytes(8)))
    with pytest.raises(ValueError, match="not an IDX file"):
        fashion_mnist.read_idx(str(path))
    path.write_bytes(gzip.compress(idx_bytes(arr))[:-6])
    with pytest.raises(EOFError):
        fashion_mnist.read_idx(str(path))


def test_shared_mirror_matches_canonical_hashes(home, shared_mirror, monkeypatch):
    mirror = shared_mirror
    monkeypatch.setenv("LAMINA_DATA_DIR", mirror)
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data()
    assert x_train.shape == (60000, 28, 28) and y_test.shape == (10000,)
    assert fashion_mnist.CLASS_NAMES[y_train[0]] == "Ankle boot"
    # The content digests the downloader checks are those of these official arrays.
    for (_, _, digest), arr in zip(fashion_mnist.FILES, (y_train, x_train, y_test, x_test)):
        assert hashlib.sha256(idx_bytes(arr)).hexdigest() == digest
