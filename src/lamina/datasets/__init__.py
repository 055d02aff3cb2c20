"""`lamina.datasets`: small public data sets as NumPy arrays, like `keras.datasets`.

    (x_train, y_train), (x_test, y_test) = lamina.datasets.mnist.load_data()

Files are looked up in the cache (``$LAMINA_HOME/datasets``), then in an offline mirror folder
named by ``LAMINA_DATA_DIR``, then downloaded from the canonical location with their SHA-256
checked. See `lamina.datasets._fetch` for the details.
"""

from lamina.datasets import cifar10, fashion_mnist, mnist
from lamina.datasets._fetch import ChecksumError, DatasetUnavailableError, datasets_dir

__all__ = [
    "ChecksumError",
    "DatasetUnavailableError",
    "cifar10",
    "datasets_dir",
    "fashion_mnist",
    "mnist",
]
