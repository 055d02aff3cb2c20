"""The one writer behind every file Lamina saves: write aside, sync, then rename.

A save killed at any moment (an exception, SIGKILL, a full disk) leaves the previous file
whole: the bytes go to a temporary file in the same folder (so the rename cannot cross file
systems), are flushed and fsynced, and only then does `os.replace` make them current.
`Model.save`, `save_weights`, `ModelCheckpoint` and `BackupAndRestore` all write through it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile

TEMP_PREFIX = ".tmp-"


@contextlib.contextmanager
def atomic_file(path: str):
    """Open a temporary binary file that replaces ``path`` when the block ends without error."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"Cannot save to {path}: the folder {folder} does not exist.")
    fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=os.path.basename(path), dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())  # on disk before the rename makes it current
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.remove(tmp)
        raise
    _sync_folder(folder)


def _sync_folder(folder):
    # The rename itself is durable only once the folder's entry is on disk (POSIX).
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
