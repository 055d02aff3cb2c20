"""Find a data set's files: the cache, then an offline mirror, then a verified download.

Every data set is described by the files its canonical download consists of
(`RemoteFile`: a name in the cache, a URL and a SHA-256) and by the name of its single
``.npz`` copy in an offline mirror. `load` looks, in order, in

1. the cache, ``$LAMINA_HOME/datasets`` (``~/.lamina/datasets`` by default). A cached file
   that no longer parses (truncated, corrupt) is deleted with a warning and fetched again;
2. the mirror folder named by ``LAMINA_DATA_DIR``, a folder holding ``mnist.npz`` and friends.
   A mirror file is trusted after it loads and its arrays have the expected shapes and dtypes;
3. the canonical public URL. The download goes to a temporary file beside its destination,
   its SHA-256 is checked, and only then is it moved into place with ``os.replace``, so a
   half-written or tampered file never sits in the cache under the real name.

With no cache, no mirror and no network, the error names the folders to put the file in.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
import urllib.error
import urllib.request
import warnings
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from lamina import config

_CHUNK = 1 << 20


class DatasetUnavailableError(FileNotFoundError):
    """A data set is neither cached, nor in the mirror, nor downloadable.

    Its message says where to put the file for offline use; the failed download, if any, is
    its ``__cause__``.

    Example:
        >>> issubclass(lamina.datasets.DatasetUnavailableError, FileNotFoundError)
        True
        >>> try:
        ...     (x_train, y_train), _ = lamina.datasets.mnist.load_data()
        ... except lamina.datasets.DatasetUnavailableError as e:  # no cache, mirror or network
        ...     print(e)
    """


class ChecksumError(ValueError):
    """A downloaded file's SHA-256 differs from the expected one.

    The download is deleted before the error is raised. The loaders report it as the
    ``__cause__`` of a `DatasetUnavailableError`.

    Example:
        >>> import pathlib
        >>> from lamina.datasets._fetch import download
        >>> _ = pathlib.Path("data.bin").write_bytes(b"not the expected content")
        >>> url = pathlib.Path("data.bin").absolute().as_uri()
        >>> try:
        ...     download(url, "copy.bin", sha256="0" * 64)
        ... except lamina.datasets.ChecksumError:
        ...     print("rejected, nothing saved:", not pathlib.Path("copy.bin").exists())
        rejected, nothing saved: True
    """


# What reading a damaged file can raise: zip and gzip CRC errors, truncation, bad headers.
_READ_ERRORS = (
    OSError,
    EOFError,
    ValueError,
    KeyError,
    IndexError,
    zipfile.BadZipFile,
    pickle.UnpicklingError,
)


@dataclass(frozen=True)
class RemoteFile:
    """One file of a data set's canonical download.

    Attributes:
        name: the file name in the cache folder.
        url: where to download it.
        sha256: the expected hex digest, of the file itself unless `digest` says otherwise.
        read: parses the file (path -> anything), raising on damaged or wrong content.
        digest: computes the digest that `sha256` is compared with (default: SHA-256 of the
            file's bytes). Fashion-MNIST uses the SHA-256 of the decompressed content.
    """

    name: str
    url: str
    sha256: str
    read: Callable[[str], Any]
    digest: Callable[[str], str] | None = None

    def hexdigest(self, path: str) -> str:
        return (self.digest or sha256_file)(path)


def datasets_dir() -> str:
    """The dataset cache folder: ``$LAMINA_HOME/datasets`` (``~/.lamina/datasets``).

    Example:
        >>> import os
        >>> os.environ["LAMINA_HOME"] = "/data/lamina"
        >>> lamina.datasets.datasets_dir()
        '/data/lamina/datasets'
    """
    return os.path.join(config.lamina_home(), "datasets")


def mirror_dir() -> str | None:
    """The offline mirror folder named by ``LAMINA_DATA_DIR``, or None when unset."""
    path = os.environ.get("LAMINA_DATA_DIR", "").strip()
    return os.path.expanduser(path) if path else None


def sha256_file(path: str) -> str:
    """The hex SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(_CHUNK), b""):
            h.update(chunk)
    return h.hexdigest()


def download(
    url: str,
    dest: str,
    sha256: str,
    *,
    digest: Callable[[str], str] | None = None,
    timeout: float = 60.0,
    progress: bool | None = None,
) -> str:
    """Download `url` to `dest`, verifying its SHA-256 before it appears under that name.

    Args:
        url: the address to fetch (``http``, ``https`` or ``file``).
        dest: the final path; its folder is created if needed.
        sha256: the expected hex digest.
        digest: computes the digest of the downloaded file (default: SHA-256 of its bytes).
        timeout: seconds to wait for the server before giving up.
        progress: print a progress line to stderr (default: when stderr is a terminal).

    Returns:
        `dest`.

    Raises:
        ChecksumError: the digest differs; nothing is left at `dest`.
        urllib.error.URLError, OSError: the download failed.
    """
    folder = os.path.dirname(os.path.abspath(dest))
    os.makedirs(folder, exist_ok=True)
    if progress is None:
        progress = sys.stderr.isatty()
    fd, tmp = tempfile.mkstemp(prefix=".download-", suffix=".part", dir=folder)
    try:
        h = hashlib.sha256()
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            total = int(resp.headers.get("Content-Length") or 0)
            done = 0
            if progress:
                print(f"Downloading {url}", file=sys.stderr, flush=True)
            for chunk in iter(lambda: resp.read(_CHUNK), b""):
                out.write(chunk)
                h.update(chunk)
                done += len(chunk)
                if progress:
                    _print_progress(done, total)
            if progress:
                print(file=sys.stderr, flush=True)
        if total and done != total:
            raise OSError(f"Download of {url} was cut short: got {done} of {total} bytes.")
        got = digest(tmp) if digest is not None else h.hexdigest()
        if got != sha256.lower():
            raise ChecksumError(
                f"The file downloaded from {url} has SHA-256 {got}, expected {sha256}. "
                "It was deleted; the server may have sent a damaged or different file."
            )
        os.chmod(tmp, 0o644)  # mkstemp made it private; give it a data file's usual mode
        os.replace(tmp, dest)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return dest


def _print_progress(done: int, total: int) -> None:
    mib = done / (1 << 20)
    if total:
        width = 30
        filled = int(width * done / total)
        bar = "=" * filled + "." * (width - filled)
        line = f"\r[{bar}] {mib:7.1f} / {total / (1 << 20):.1f} MiB"
    else:
        line = f"\r{mib:7.1f} MiB"
    print(line, end="", file=sys.stderr, flush=True)


def load(
    name: str,
    files: Sequence[RemoteFile],
    combine: Callable[[list], Any],
    mirror_file: str,
    read_mirror: Callable[[str], Any],
    cache_subdir: str = "",
) -> Any:
    """Return a data set from the cache, the mirror or a verified download (in that order).

    Args:
        name: the data set's name, for messages (``"MNIST"``).
        files: the canonical download's files.
        combine: turns the list of ``file.read(path)`` results into the data set.
        mirror_file: the data set's file name in a ``LAMINA_DATA_DIR`` mirror.
        read_mirror: parses the mirror file into the data set, raising on bad content.
        cache_subdir: a folder under the cache for this data set's files.
    """
    cache = os.path.join(datasets_dir(), cache_subdir)
    paths = [os.path.join(cache, f.name) for f in files]
    notes: list[str] = []

    # 1. The cache: every file present and readable.
    parsed: list[Any] = [None] * len(files)
    for i, (f, path) in enumerate(zip(files, paths)):
        if os.path.exists(path):
            try:
                parsed[i] = f.read(path)
                continue
            except _READ_ERRORS as e:
                warnings.warn(
                    f"The cached {name} file {path} is damaged ({type(e).__name__}: {e}); "
                    "it was deleted and will be fetched again.",
                    stacklevel=3,
                )
                os.remove(path)
        parsed[i] = None
    if all(p is not None for p in parsed):
        return combine(parsed)

    # 2. The mirror.
    mirror = mirror_dir()
    if mirror:
        mpath = os.path.join(mirror, mirror_file)
        if os.path.exists(mpath):
            try:
                return read_mirror(mpath)
            except _READ_ERRORS as e:
                notes.append(f"the mirror file {mpath} is unusable ({type(e).__name__}: {e})")
                warnings.warn(
                    f"Ignoring the {name} mirror file {mpath}: {e}. Trying a download.",
                    stacklevel=3,
                )
        else:
            notes.append(f"LAMINA_DATA_DIR={mirror} holds no {mirror_file}")
    else:
        notes.append("LAMINA_DATA_DIR (an offline mirror folder) is not set")

    # 3. Download what is missing, verified by hash.
    for i, (f, path) in enumerate(zip(files, paths)):
        if parsed[i] is not None:
            continue
        try:
            download(f.url, path, f.sha256, digest=f.digest)
            parsed[i] = f.read(path)
        except (urllib.error.URLError, OSError, ChecksumError) as e:
            notes.append(f"downloading {f.url} failed ({type(e).__name__}: {e})")
            raise DatasetUnavailableError(
                _unavailable_message(name, files, cache, mirror_file, notes)
            ) from e
    return combine(parsed)


def _unavailable_message(
    name: str, files: Sequence[RemoteFile], cache: str, mirror_file: str, notes: list[str]
) -> str:
    wanted = ", ".join(f.name for f in files)
    lines = [
        f"Could not load the {name} data set: " + "; ".join(notes) + ".",
        "To use it without a network, do one of:",
        f"  - put the canonical file(s) {wanted} into the cache folder {cache}",
        f"    (download them from {', '.join(f.url for f in files)});",
        f"  - or set LAMINA_DATA_DIR to a folder holding {mirror_file} "
        "(arrays x_train, y_train, x_test, y_test).",
    ]
    return "\n".join(lines)


def read_npz_split(
    path: str, image_shape: tuple[int, ...], label_shape: tuple[int, ...] = ()
) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """Read ``x_train, y_train, x_test, y_test`` from an ``.npz`` and check them.

    Every array must be uint8; images have shape ``(n, *image_shape)`` and labels
    ``(n, *label_shape)`` with the same ``n``. Reading every array also checks the zip CRCs,
    so a truncated or corrupt file raises here.
    """
    import numpy as np

    with np.load(path, allow_pickle=False) as f:
        missing = {"x_train", "y_train", "x_test", "y_test"} - set(f.files)
        if missing:
            raise ValueError(f"{path} lacks the arrays {sorted(missing)}; it holds {f.files}")
        arrays = {k: f[k] for k in ("x_train", "y_train", "x_test", "y_test")}
    for split in ("train", "test"):
        x, y = arrays[f"x_{split}"], arrays[f"y_{split}"]
        check_split(path, split, x, y, image_shape, label_shape)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def check_split(path, split, x, y, image_shape, label_shape) -> None:
    """Raise ValueError unless `x`, `y` are uint8 with the expected shapes and matching counts."""
    for key, arr, shape in (("x", x, image_shape), ("y", y, label_shape)):
        if arr.dtype != "uint8" or arr.ndim != 1 + len(shape) or tuple(arr.shape[1:]) != shape:
            expected = "(n" + "".join(f", {d}" for d in shape) + ("," if not shape else "") + ")"
            raise ValueError(
                f"{path}: {key}_{split} should be uint8 of shape {expected}; "
                f"got {arr.dtype} {arr.shape}"
            )
    if len(x) != len(y) or len(x) == 0:
        raise ValueError(f"{path}: {len(x)} {split} images but {len(y)} labels")
