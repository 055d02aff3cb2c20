"""CIFAR-10: 50,000 training and 10,000 test colour images of 32x32 pixels in ten classes."""

from __future__ import annotations

import io
import pickle
import tarfile

import numpy as np

from lamina.datasets import _fetch

URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
ARCHIVE = "cifar-10-python.tar.gz"
MIRROR_FILE = "cifar10.npz"
CLASS_NAMES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
_BATCHES = [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]


class _ArrayState:
    """What the batch pickles hold for a NumPy array, captured without running NumPy code."""

    def __init__(self, *args):
        self.state = None

    def __setstate__(self, state):
        self.state = state


class _DtypeName:
    """A dtype named in a pickle; only plain byte and integer types are accepted."""

    _ALLOWED = {"u1", "i1", "i2", "i4", "i8", "u2", "u4", "u8"}

    def __init__(self, name, align=False, copy=False):
        if isinstance(name, bytes):
            name = name.decode("ascii")
        if name not in self._ALLOWED:
            raise pickle.UnpicklingError(f"dtype {name!r} is not allowed in a CIFAR batch")
        self.name = name
        self.byteorder = "|"

    def __setstate__(self, state):
        # (version, byteorder, subarray, names, fields, elsize, alignment, flags)
        if isinstance(state, tuple) and len(state) > 1 and state[1] in ("<", ">", b"<", b">"):
            self.byteorder = state[1].decode() if isinstance(state[1], bytes) else state[1]


def _latin1_encode(text, encoding="latin1"):
    if encoding not in ("latin1", "latin-1") or not isinstance(text, str):
        raise pickle.UnpicklingError(f"refusing _codecs.encode with encoding {encoding!r}")
    return text.encode("latin1")


_NDARRAY = object()


def _reconstruct(cls, shape, typecode):
    if cls is not _NDARRAY:
        raise pickle.UnpicklingError("only numpy.ndarray may be reconstructed")
    return _ArrayState()


class _SafeUnpickler(pickle.Unpickler):
    """Loads the dicts of lists, bytes and arrays that CIFAR batches hold, and nothing else.

    A pickle may name any importable callable; this one resolves only the handful of names
    an ndarray's pickle uses, each to a harmless local stand-in, so no code from the file runs.
    """

    _CLASSES = {
        ("numpy.core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy._core.multiarray", "_reconstruct"): _reconstruct,
        ("numpy", "ndarray"): _NDARRAY,
        ("numpy", "dtype"): _DtypeName,
        ("_codecs", "encode"): _latin1_encode,
    }

    def find_class(self, module, name):
        try:
            return self._CLASSES[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(
                f"CIFAR batch refers to {module}.{name}, which is not allowed"
            ) from None


def _to_array(value) -> np.ndarray:
    if isinstance(value, _ArrayState):
        if not isinstance(value.state, tuple) or len(value.state) != 5:
            raise ValueError("malformed array in a CIFAR batch")
        _, shape, dtype, fortran, raw = value.state
        if not isinstance(dtype, _DtypeName) or not isinstance(raw, bytes | bytearray | str):
            raise ValueError("malformed array in a CIFAR batch")
        if isinstance(raw, str):
            raw = raw.encode("latin1")
        stored = np.dtype(dtype.name).newbyteorder(dtype.byteorder)
        arr = np.frombuffer(raw, dtype=stored).astype(np.dtype(dtype.name))
        order = "F" if fortran else "C"
        return arr.reshape(tuple(int(s) for s in shape), order=order)
    return np.asarray(value)


def load_batch(data: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Parse one pickled CIFAR-10 batch into ``(images (n, 3, 32, 32), labels (n,))``, uint8."""
    d = _SafeUnpickler(io.BytesIO(data), encoding="bytes").load()
    if not isinstance(d, dict):
        raise ValueError("a CIFAR batch must hold a dict")
    d = {k.decode("utf8") if isinstance(k, bytes) else k: v for k, v in d.items()}
    x = _to_array(d["data"])
    y = np.asarray(_to_array(d["labels"]), dtype=np.int64)
    if x.dtype != np.uint8 or x.ndim != 2 or x.shape[1] != 3 * 32 * 32 or len(x) != len(y):
        raise ValueError(f"a CIFAR batch has data {x.dtype} {x.shape} and {len(y)} labels")
    if y.size and (y.min() < 0 or y.max() > 9):
        raise ValueError("CIFAR-10 labels must lie in 0..9")
    return x.reshape(-1, 3, 32, 32), y.astype(np.uint8)


def _read_archive(path: str):
    """Read the six batches from the archive in memory (nothing is extracted to disk)."""
    batches = {}
    with tarfile.open(path, "r:gz") as tar:
        for member in tar:
            base = member.name.rsplit("/", 1)[-1]
            if member.isfile() and base in _BATCHES:
                batches[base] = load_batch(tar.extractfile(member).read())
    missing = [b for b in _BATCHES if b not in batches]
    if missing:
        raise ValueError(f"{path} lacks the batches {missing}")
    x_train = np.concatenate([batches[b][0] for b in _BATCHES[:5]])
    y_train = np.concatenate([batches[b][1] for b in _BATCHES[:5]])
    x_test, y_test = batches["test_batch"]
    return _layout((x_train, y_train), (x_test, y_test))


def _layout(train, test):
    from lamina import config

    out = []
    for x, y in (train, test):
        if config.image_data_format() == "channels_last":
            x = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
        out.append((x, y.reshape(-1, 1)))
    return tuple(out)


def _read_mirror(path: str):
    """A mirror ``cifar10.npz`` holds channels-last images and (n, 1) labels, like Keras."""
    train, test = _fetch.read_npz_split(path, image_shape=(32, 32, 3), label_shape=(1,))
    return _layout(
        *[(x.transpose(0, 3, 1, 2), y) for x, y in (train, test)],
    )


def load_data() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load the CIFAR-10 data set of small colour images (see `CLASS_NAMES`).

    The archive comes from the cache (``$LAMINA_HOME/datasets``), else the offline mirror
    ``$LAMINA_DATA_DIR/cifar10.npz``, else a download from the canonical location, checked by
    SHA-256. The archive's pickled batches are read with an unpickler that accepts only plain
    data, so a tampered file cannot run code.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: uint8 arrays of shapes
        ``(50000, 32, 32, 3)``, ``(50000, 1)``, ``(10000, 32, 32, 3)``, ``(10000, 1)``
        (images are ``(n, 3, 32, 32)`` when the image data format is channels_first).

    Example:
        >>> (x_train, y_train), (x_test, y_test) = lamina.datasets.cifar10.load_data()
        >>> x_train.shape[1:], y_train.shape[1:], x_train.dtype
        ((32, 32, 3), (1,), dtype('uint8'))
    """
    remote = _fetch.RemoteFile(ARCHIVE, URL, SHA256, read=_read_archive)
    return _fetch.load("CIFAR-10", [remote], lambda parts: parts[0], MIRROR_FILE, _read_mirror)
