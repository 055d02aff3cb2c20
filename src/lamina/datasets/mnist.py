"""MNIST handwritten digits: 60,000 training and 10,000 test images, 28x28 grayscale."""

from __future__ import annotations

import numpy as np

from lamina.datasets import _fetch

URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"
SHA256 = "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"
MIRROR_FILE = "mnist.npz"


def _read(path: str):
    return _fetch.read_npz_split(path, image_shape=(28, 28))


def load_data(
    path: str = "mnist.npz",
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load the MNIST data set of handwritten digits.

    The file comes from the cache (``$LAMINA_HOME/datasets``), else the offline mirror
    ``$LAMINA_DATA_DIR/mnist.npz``, else a download from the canonical location whose SHA-256
    is checked.

    Args:
        path: the file's name in the cache folder (an absolute path is used as is).

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 arrays of shapes ``(60000, 28, 28)``,
        ``(60000,)``, ``(10000, 28, 28)`` and ``(10000,)``; labels are digits 0 to 9.

    Example:
        >>> (x_train, y_train), (x_test, y_test) = lamina.datasets.mnist.load_data()
        >>> x_train.shape[1:], x_train.dtype, y_train.dtype
        ((28, 28), dtype('uint8'), dtype('uint8'))

    License: Yann LeCun, Corinna Cortes and Christopher Burges, CC BY-SA 3.0.
    """
    remote = _fetch.RemoteFile(path, URL, SHA256, read=_read)
    return _fetch.load("MNIST", [remote], lambda parts: parts[0], MIRROR_FILE, _read)
