"""Global configuration: which backend runs, default float type, epsilon, image layout.

The backend is chosen once, at import, in this order: ``LAMINA_BACKEND``; ``KERAS_BACKEND``
(so programs written for Keras 3 that set it before importing work unchanged); the ``backend``
key of ``$LAMINA_HOME/lamina.json`` (``LAMINA_HOME`` defaults to ``~/.lamina``); else ``torch``.
"""

from __future__ import annotations

import json
import os

BACKENDS = ("jax", "torch", "tensorflow", "numpy")
_DEFAULT_BACKEND = "torch"
_INSTALL_EXTRA = {"jax": "jax", "torch": "torch", "tensorflow": "tensorflow", "numpy": None}
_FLOAT_TYPES = ("float16", "bfloat16", "float32", "float64")
_DATA_FORMATS = ("channels_last", "channels_first")


def lamina_home() -> str:
    """The folder for Lamina's config file, dataset cache and downloads.

    ``$LAMINA_HOME`` when set, else ``~/.lamina``.

    Example:
        >>> import os
        >>> from unittest import mock
        >>> with mock.patch.dict(os.environ, {"LAMINA_HOME": "/data/lamina"}):
        ...     print(lamina.config.lamina_home())
        /data/lamina
    """
    return os.path.expanduser(os.environ.get("LAMINA_HOME", os.path.join("~", ".lamina")))


def _read_config_file() -> dict:
    path = os.path.join(lamina_home(), "lamina.json")
    if not os.path.exists(path):
        return {}
    try:
        with open(path) as f:
            data = json.load(f)
    except (OSError, ValueError) as e:
        raise ValueError(f"Could not read Lamina's config file {path}: {e}") from None
    if not isinstance(data, dict):
        raise ValueError(f"Lamina's config file {path} must hold a JSON object. Received: {data!r}")
    return data


_file_config = _read_config_file()


def _choose_backend() -> str:
    for source in ("LAMINA_BACKEND", "KERAS_BACKEND"):
        name = os.environ.get(source)
        if name:
            origin = f"the environment variable {source}"
            break
    else:
        name = _file_config.get("backend")
        origin = f"{os.path.join(lamina_home(), 'lamina.json')}"
        if not name:
            return _DEFAULT_BACKEND
    name = name.strip().lower()
    if name not in BACKENDS:
        raise ValueError(
            f"Unknown backend {name!r} (set by {origin}). "
            f"Valid backends are: {', '.join(BACKENDS)}."
        )
    return name


_BACKEND = _choose_backend()
_FLOATX = _file_config.get("floatx", "float32")
_EPSILON = float(_file_config.get("epsilon", 1e-7))
_IMAGE_DATA_FORMAT = _file_config.get("image_data_format", "channels_last")


def backend() -> str:
    """The name of the active backend: ``"jax"``, ``"torch"``, ``"tensorflow"`` or ``"numpy"``.

    Example:
        >>> lamina.config.backend() in ("jax", "torch", "tensorflow", "numpy")
        True
    """
    return _BACKEND


def install_extra(name: str) -> str | None:
    """The ``pip`` extra that installs backend ``name``'s framework (``None``: nothing to add).

    Example:
        >>> lamina.config.install_extra("jax")
        'jax'
        >>> print(lamina.config.install_extra("numpy"))
        None
    """
    return _INSTALL_EXTRA.get(name)


def floatx() -> str:
    """The default float dtype, ``"float32"`` unless changed with `set_floatx`.

    Example:
        >>> lamina.config.floatx()
        'float32'
    """
    return _FLOATX


def set_floatx(value: str) -> None:
    """Sets the default float dtype: ``"float16"``, ``"bfloat16"``, ``"float32"`` or ``"float64"``.

    Example:
        >>> lamina.config.set_floatx("float64")
        >>> lamina.ops.convert_to_numpy(lamina.ops.ones((2,))).dtype
        dtype('float64')
        >>> lamina.config.set_floatx("float32")  # back to the default
    """
    global _FLOATX
    value = str(value)
    if value not in _FLOAT_TYPES:
        raise ValueError(f"`floatx` must be one of {_FLOAT_TYPES}. Received: floatx={value!r}")
    _FLOATX = value


def epsilon() -> float:
    """The fuzz factor used to avoid division by zero, 1e-7 by default.

    Example:
        >>> lamina.config.epsilon()
        1e-07
    """
    return _EPSILON


def set_epsilon(value: float) -> None:
    """Sets the fuzz factor returned by `epsilon`.

    Example:
        >>> lamina.config.set_epsilon(1e-5)
        >>> lamina.config.epsilon()
        1e-05
        >>> lamina.config.set_epsilon(1e-7)  # back to the default
    """
    global _EPSILON
    _EPSILON = float(value)


def image_data_format() -> str:
    """``"channels_last"`` (default) or ``"channels_first"``.

    Example:
        >>> lamina.config.image_data_format()
        'channels_last'
    """
    return _IMAGE_DATA_FORMAT


def set_image_data_format(data_format: str) -> None:
    """Sets the default layout of image layers: ``"channels_last"`` or ``"channels_first"``.

    Example:
        >>> lamina.config.set_image_data_format("channels_first")
        >>> lamina.layers.Conv2D(4, 3)(np.ones((1, 3, 8, 8))).shape
        (1, 4, 6, 6)
        >>> lamina.config.set_image_data_format("channels_last")  # back to the default
    """
    global _IMAGE_DATA_FORMAT
    data_format = str(data_format).lower()
    if data_format not in _DATA_FORMATS:
        raise ValueError(
            f"`data_format` must be one of {_DATA_FORMATS}. Received: data_format={data_format!r}"
        )
    _IMAGE_DATA_FORMAT = data_format


def standardize_data_format(data_format: str | None) -> str:
    """``data_format`` checked and lower-cased; ``None`` gives `image_data_format()`.

    Example:
        >>> lamina.config.standardize_data_format(None)
        'channels_last'
        >>> lamina.config.standardize_data_format("Channels_First")
        'channels_first'
    """
    if data_format is None:
        return image_data_format()
    data_format = str(data_format).lower()
    if data_format not in _DATA_FORMATS:
        raise ValueError(
            f"`data_format` must be one of {_DATA_FORMATS}. Received: data_format={data_format!r}"
        )
    return data_format
