"""Reading a `.lamina` zip as untrusted input: every member checked before it is read.

A model file may come from anyone, so before any byte is decompressed the archive's
directory is checked: only the known member names (no folders, ``..``, absolute paths,
links or duplicates), declared sizes within limits, a bounded expansion ratio for compressed
members (a "zip bomb" is refused, not inflated) and a bounded total. Reading then stops at
each member's declared size, and zip's CRC check catches altered bytes. Every refusal says
what is wrong with the file; a damaged file is never reported as missing.
"""

from __future__ import annotations

import os
import stat
import zipfile

# name -> the most bytes that member may declare (weights are bounded by the total only).
MEMBERS = {
    "config.json": 64 * 1024 * 1024,
    "metadata.json": 1024 * 1024,
    "model.weights.safetensors": None,
    "optimizer.weights.safetensors": None,
}
REQUIRED = ("config.json", "metadata.json", "model.weights.safetensors")
MAX_TOTAL_BYTES = 64 * 1024**3
MAX_RATIO = 100  # for compressed members above _RATIO_FLOOR bytes (JSON compresses ~10x)
_RATIO_FLOOR = 1024 * 1024
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


class ModelFileError(ValueError):
    """A model file that Lamina refuses to load, with the reason."""


def read_members(
    filepath: str, members=None, required=None, kind="a Lamina model file", note=""
) -> dict[str, bytes]:
    """The checked members of the model file at ``filepath``, by name.

    ``members`` maps the allowed member names to their size limits (None: the total only) and
    ``required`` lists those that must be there (defaults: a ``.lamina`` file's); ``kind``
    names the format in messages and ``note`` is added to the unexpected-member message.
    """
    members = MEMBERS if members is None else members
    required = REQUIRED if required is None else required
    size = os.path.getsize(filepath)  # FileNotFoundError only when it is really missing
    with open(filepath, "rb") as f:
        head = f.read(4)
    if size == 0:
        raise ModelFileError(f"{filepath} is empty (0 bytes): the save that wrote it failed.")
    if head not in _ZIP_MAGIC:
        raise ModelFileError(
            f"{filepath} is not {kind}: it does not start with the zip signature "
            f"(first bytes {head!r})."
        )
    try:
        zf = zipfile.ZipFile(filepath)
    except zipfile.BadZipFile as e:
        raise ModelFileError(
            f"{filepath} is damaged or truncated: its zip directory cannot be read ({e})."
        ) from None
    with zf:
        infos = zf.infolist()
        _check_directory(filepath, infos, size, members, required, kind, note)
        return {info.filename: _read(filepath, zf, info) for info in infos}


def _check_directory(filepath, infos, archive_size, members, required, kind, note):
    seen = set()
    total = 0
    for info in infos:
        name = info.filename
        if (
            name.startswith(("/", "\\"))
            or ".." in name.replace("\\", "/").split("/")
            or (len(name) > 1 and name[1] == ":")
        ):
            raise ModelFileError(
                f"{filepath} is refused: member {name[:80]!r} points outside the archive "
                "(an absolute path or '..')."
            )
        if stat.S_ISLNK(info.external_attr >> 16):
            raise ModelFileError(f"{filepath} is refused: member {name[:80]!r} is a link.")
        if name not in members:
            raise ModelFileError(
                f"{filepath} is refused: unexpected member {name[:80]!r}; {kind} "
                f"holds only {sorted(members)}{note}."
            )
        if name in seen:
            raise ModelFileError(f"{filepath} is refused: member {name!r} appears twice.")
        seen.add(name)
        limit = members[name]
        if limit is not None and info.file_size > limit:
            raise ModelFileError(
                f"{filepath} is refused: member {name!r} declares {info.file_size} bytes, "
                f"more than the {limit} allowed."
            )
        if (
            info.compress_type != zipfile.ZIP_STORED
            and info.file_size > _RATIO_FLOOR
            and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            raise ModelFileError(
                f"{filepath} is refused: member {name!r} would expand from "
                f"{info.compress_size} to {info.file_size} bytes (more than {MAX_RATIO}x: a "
                "zip bomb?)."
            )
        if info.compress_type == zipfile.ZIP_STORED and info.file_size > archive_size:
            raise ModelFileError(
                f"{filepath} is damaged: member {name!r} declares {info.file_size} bytes, more "
                f"than the whole file ({archive_size} bytes; truncated?)."
            )
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise ModelFileError(
            f"{filepath} is refused: its members declare {total} bytes in all, more than the "
            f"{MAX_TOTAL_BYTES} allowed."
        )
    missing = [name for name in required if name not in seen]
    if missing:
        raise ModelFileError(f"{filepath} is incomplete ({kind}): {missing} missing.")


def _read(filepath, zf, info):
    try:
        with zf.open(info) as member:
            data = member.read(info.file_size + 1)  # never more than declared (+1 to notice)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as e:
        raise ModelFileError(
            f"{filepath} is damaged: member {info.filename!r} cannot be read ({e})."
        ) from None
    if len(data) != info.file_size:
        raise ModelFileError(
            f"{filepath} is damaged: member {info.filename!r} holds {len(data)} bytes but "
            f"declares {info.file_size}."
        )
    return data
