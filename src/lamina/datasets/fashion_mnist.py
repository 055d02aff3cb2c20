"""Fashion-MNIST: 60,000 training and 10,000 test images of clothing, 28x28 grayscale."""

from __future__ import annotations

import gzip
import hashlib

import numpy as np

from lamina.datasets import _fetch

BASE_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"
MIRROR_FILE = "fashion_mnist.npz"
CACHE_SUBDIR = "fashion-mnist"
CLASS_NAMES = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)

# The canonical files are gzip-compressed IDX files. Their SHA-256 is taken over the
# decompressed IDX content (header and pixels), which does not depend on how the file was
# compressed: (file name, IDX magic number, sha256 of the decompressed bytes). The digests
# were computed from the official arrays (equal to those in Zalando's release).
FILES = (
    (
        "train-labels-idx1-ubyte.gz",
        0x801,
        "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    ),
    (
        "train-images-idx3-ubyte.gz",
        0x803,
        "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    ),
    (
        "t10k-labels-idx1-ubyte.gz",
        0x801,
        "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
    ),
    (
        "t10k-images-idx3-ubyte.gz",
        0x803,
        "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    ),
)


def gunzip_sha256(path: str) -> str:
    """The SHA-256 of a gzip file's decompressed content (gzip checks its own CRC)."""
    h = hashlib.sha256()
    with gzip.open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_idx(path: str, magic: int | None = None) -> np.ndarray:
    """Read a gzip-compressed IDX file of unsigned bytes into a uint8 array.

    The header (a big-endian magic number whose low byte is the rank, then one big-endian
    uint32 per dimension) must match the file's length exactly.
    """
    with gzip.open(path, "rb") as f:
        data = f.read()
    if len(data) < 4:
        raise ValueError(f"{path} is too short to be an IDX file")
    got_magic = int.from_bytes(data[:4], "big")
    if got_magic >> 8 != 0x08 or (magic is not None and got_magic != magic):
        raise ValueError(f"{path} is not an IDX file of unsigned bytes (magic {got_magic:#x})")
    ndim = got_magic & 0xFF
    header = 4 + 4 * ndim
    dims = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    if len(data) != header + int(np.prod(dims)):
        raise ValueError(f"{path}: the IDX header promises {dims} but the file is truncated")
    return np.frombuffer(data, np.uint8, offset=header).reshape(dims)


def _remote(name: str, magic: int, sha256: str) -> _fetch.RemoteFile:
    return _fetch.RemoteFile(
        name,
        BASE_URL + name,
        sha256,
        read=lambda path: read_idx(path, magic),
        digest=gunzip_sha256,
    )


def _combine(parts):
    y_train, x_train, y_test, x_test = parts
    for split, x, y in (("train", x_train, y_train), ("test", x_test, y_test)):
        _fetch.check_split(CACHE_SUBDIR, split, x, y, (28, 28), ())
    return (x_train, y_train), (x_test, y_test)


def _read_mirror(path: str):
    return _fetch.read_npz_split(path, image_shape=(28, 28))


def load_data() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load the Fashion-MNIST data set: ten classes of clothing (see `CLASS_NAMES`).

    The files come from the cache (``$LAMINA_HOME/datasets/fashion-mnist``), else the offline
    mirror ``$LAMINA_DATA_DIR/fashion_mnist.npz``, else a download from the canonical location,
    checked by SHA-256.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 arrays of shapes ``(60000, 28, 28)``,
        ``(60000,)``, ``(10000, 28, 28)`` and ``(10000,)``; labels are 0 to 9.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = lamina.datasets.fashion_mnist.load_data()
        >>> x_train.shape[1:], x_train.dtype
        ((28, 28), dtype('uint8'))
        >>> lamina.datasets.fashion_mnist.CLASS_NAMES[:3]  # the names of labels 0, 1, 2
        ('T-shirt/top', 'Trouser', 'Pullover')

    License: Zalando SE, MIT.
    """
    files = [_remote(*spec) for spec in FILES]
    return _fetch.load(
        "Fashion-MNIST", files, _combine, MIRROR_FILE, _read_mirror, cache_subdir=CACHE_SUBDIR
    )
