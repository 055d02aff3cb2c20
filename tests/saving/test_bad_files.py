"""Model files are untrusted input: each crafted bad file is refused with its own message."""

import io
import json
import os
import stat
import struct
import zipfile

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.saving import archive

_MEMBERS = ("config.json", "metadata.json", "model.weights.safetensors")


def _saved(tmp_path):
    x = lamina.Input(shape=(6,))
    model = lamina.Model(x, layers.Dense(3, name="head")(layers.Dense(8, name="hidden")(x)))
    path = str(tmp_path / "model.lamina")
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    return path, members


def _write_zip(path, members, compress=zipfile.ZIP_STORED, attrs=None):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = compress
            info.external_attr = (attrs or {}).get(name, 0o644 << 16)
            zf.writestr(info, data)


def _safetensors(header, data=b""):
    encoded = json.dumps(header).encode()
    return struct.pack("<Q", len(encoded)) + encoded + data


def _load_error(path, **kwargs):
    with pytest.raises(ValueError) as info:
        lamina.models.load_model(path, **kwargs)
    return str(info.value)


def test_a_wrong_suffix_and_a_missing_file(tmp_path):
    with pytest.raises(ValueError, match=r"\.lamina"):
        lamina.models.load_model(str(tmp_path / "model.h5"))
    with pytest.raises(FileNotFoundError):
        lamina.models.load_model(str(tmp_path / "absent.lamina"))


def test_wrong_magic_empty_and_truncated_files_are_not_reported_missing(tmp_path):
    path, _ = _saved(tmp_path)
    bad = tmp_path / "image.lamina"
    bad.write_bytes(b"GIF89a" + bytes(100))
    assert "does not start with the zip signature" in _load_error(str(bad))
    bad.write_bytes(b"")
    assert "empty (0 bytes)" in _load_error(str(bad))
    raw = open(path, "rb").read()
    bad.write_bytes(raw[: len(raw) // 2])
    assert "damaged or truncated" in _load_error(str(bad))


@pytest.mark.parametrize(
    "name, message",
    [
        ("../evil.py", "points outside the archive"),
        ("/etc/cron.d/evil", "points outside the archive"),
        ("extra/payload.bin", "unexpected member"),
    ],
)
def test_member_names_are_checked(tmp_path, name, message):
    path, members = _saved(tmp_path)
    _write_zip(path, {**members, name: b"x"})
    assert message in _load_error(path)


def test_links_and_duplicates_are_refused(tmp_path):
    path, members = _saved(tmp_path)
    link = (stat.S_IFLNK | 0o777) << 16
    _write_zip(path, members, attrs={"metadata.json": link})
    assert "is a link" in _load_error(path)
    with pytest.warns(UserWarning, match="Duplicate name"):
        _write_zip(path, {**members, "metadata.json": b"{}"})
        with zipfile.ZipFile(path, "a") as zf:
            zf.writestr("config.json", members["config.json"])
    assert "appears twice" in _load_error(path)


def test_a_missing_member_is_named(tmp_path):
    path, members = _saved(tmp_path)
    _write_zip(path, {k: v for k, v in members.items() if k != "model.weights.safetensors"})
    assert "model.weights.safetensors" in _load_error(path)


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path):
    path, members = _saved(tmp_path)
    bomb = {**members, "model.weights.safetensors": bytes(8 * 1024 * 1024)}
    _write_zip(path, bomb, compress=zipfile.ZIP_DEFLATED)
    assert "zip bomb" in _load_error(path)


def test_a_declared_size_larger_than_the_file_is_refused(tmp_path):
    path, members = _saved(tmp_path)
    _write_zip(path, members)
    raw = bytearray(open(path, "rb").read())
    # The central directory's uncompressed size of the last member (weights), made huge.
    at = raw.rindex(b"PK\x01\x02")
    raw[at + 24 : at + 28] = struct.pack("<I", 2**31)
    open(path, "wb").write(bytes(raw))
    assert "more than the whole file" in _load_error(path)


def test_a_shape_bomb_never_allocates(tmp_path):
    path, members = _saved(tmp_path)
    header = {
        "00000:hidden/kernel": {
            "dtype": "F32",
            "shape": [10**6, 10**6, 10**6],
            "data_offsets": [0, 192],
        }
    }
    _write_zip(path, {**members, "model.weights.safetensors": _safetensors(header, bytes(192))})
    message = _load_error(path)
    assert "needs 4000000000000000000 bytes" in message and "192" in message


def test_tampered_headers_are_refused(tmp_path):
    path, members = _saved(tmp_path)
    weights = members["model.weights.safetensors"]
    (size,) = struct.unpack("<Q", weights[:8])
    header = json.loads(weights[8 : 8 + size])
    data = weights[8 + size :]

    def with_header(h):
        _write_zip(path, {**members, "model.weights.safetensors": _safetensors(h, data)})
        return _load_error(path)

    first = sorted(header)[0]
    bad_dtype = json.loads(json.dumps(header))
    bad_dtype[first]["dtype"] = "PICKLE"
    assert "unsupported dtype 'PICKLE'" in with_header(bad_dtype)
    overlap = json.loads(json.dumps(header))
    second = sorted(header, key=lambda k: header[k]["data_offsets"][0])[1]
    overlap[second]["data_offsets"] = header[first]["data_offsets"]
    overlap[second]["shape"] = header[first]["shape"]
    assert "overlaps another array" in with_header(overlap)
    # Same bytes, other shape: consistent in itself, but not what the config builds.
    swapped = json.loads(json.dumps(header))
    kernel = next(k for k in header if k.endswith("hidden/kernel"))
    swapped[kernel]["shape"] = [8, 6]
    assert "whose config gives shape (6, 8)" in with_header(swapped)
    _write_zip(path, {**members, "model.weights.safetensors": b"\xff" * 8 + data})
    assert "header claims" in _load_error(path)


def test_altered_bytes_fail_the_crc_check(tmp_path):
    path, members = _saved(tmp_path)
    _write_zip(path, members)
    raw = bytearray(open(path, "rb").read())
    at = raw.index(b"hidden/kernel")
    raw[at + 200] ^= 0xFF  # a byte inside the weights' data
    open(path, "wb").write(bytes(raw))
    assert "CRC" in _load_error(path)


def test_weights_from_another_model_are_refused(tmp_path):
    path, members = _saved(tmp_path)
    other = lamina.Sequential([lamina.Input((6,)), layers.Dense(3)])
    other_path = str(tmp_path / "other.lamina")
    other.save(other_path)
    with zipfile.ZipFile(other_path) as zf:
        foreign = zf.read("model.weights.safetensors")
    _write_zip(path, {**members, "model.weights.safetensors": foreign})
    assert "hold 2 arrays" in _load_error(path) and "4 variables" in _load_error(path)


def _with_config(path, members, edit):
    config = json.loads(members["config.json"])
    edit(config)
    _write_zip(path, {**members, "config.json": json.dumps(config).encode()})


def test_a_config_naming_another_module_is_refused(tmp_path):
    path, members = _saved(tmp_path)

    def foreign_class(config):
        layer = config["model"]["config"]["layers"][1]
        layer.update(class_name="system", module="os", registered_name="system")

    _with_config(path, members, foreign_class)
    assert "Unknown class 'system'" in _load_error(path)

    def dotted(config):
        config["model"]["config"]["layers"][1]["class_name"] = "os.system"

    _with_config(path, members, dotted)
    assert "Unknown class 'os.system'" in _load_error(path)


def test_lambda_code_is_refused_and_no_config_can_turn_safe_mode_off(tmp_path):
    x = lamina.Input(shape=(2,))
    model = lamina.Model(x, layers.Lambda(lambda t: t * 3)(x))
    path = str(tmp_path / "lambda.lamina")
    with pytest.warns(UserWarning, match="bytecode"):
        model.save(path)
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}

    def sneak_safe_mode(config):
        for layer in config["model"]["config"]["layers"]:
            if layer["class_name"] == "Lambda":
                layer["config"]["safe_mode"] = False
        config["safe_mode"] = False

    _with_config(path, members, sneak_safe_mode)
    assert "safe mode" in _load_error(path)
    with pytest.raises(ValueError, match="safe mode"):
        lamina.models.model_from_json(json.dumps(json.loads(members["config.json"])["model"]))


def test_refusals_name_the_file_and_never_echo_much_of_it(tmp_path):
    path, members = _saved(tmp_path)
    long_name = "x" * 5000
    _write_zip(path, {**members, long_name: b""})
    message = _load_error(path)
    assert path in message and len(message) < 500
    assert isinstance(archive.ModelFileError(message), ValueError)


def test_good_files_still_load_after_all_checks(tmp_path):
    path, _ = _saved(tmp_path)
    loaded = lamina.models.load_model(path)
    assert loaded.count_params() == 6 * 8 + 8 + 8 * 3 + 3
    np.testing.assert_equal(os.path.exists(path), True)
    assert io.BytesIO(open(path, "rb").read()).read(2) == b"PK"
