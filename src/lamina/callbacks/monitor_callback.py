"""`MonitorCallback`: the shared part of callbacks that watch one metric for improvement."""

from __future__ import annotations

import warnings

import numpy as np

from lamina.callbacks.callback import Callback

# Substrings of metric names whose direction is known without asking the metric object.
_HIGHER_IS_BETTER = ("acc", "auc", "precision", "recall", "f1", "fbeta", "iou", "r2", "score")
_LOWER_IS_BETTER = (
    "loss",
    "error",
    "crossentropy",
    "hinge",
    "divergence",
    "mse",
    "mae",
    "mape",
    "msle",
    "poisson",
    "cosh",
    "perplexity",
)


class MonitorCallback(Callback):
    """Base of `EarlyStopping`, `ModelCheckpoint` and `ReduceLROnPlateau`.

    Args:
        monitor: name of the logged quantity to watch, e.g. ``"val_loss"``.
        mode: ``"min"``, ``"max"`` or ``"auto"`` (from the metric: losses go down, accuracies
            go up).
        baseline: the initial best value, or None to take the first value seen.
        min_delta: the smallest change that counts as an improvement.

    Example:
        >>> stop = lamina.callbacks.EarlyStopping(monitor="val_accuracy")
        >>> isinstance(stop, lamina.callbacks.MonitorCallback), stop.monitor, stop.mode
        (True, 'val_accuracy', 'auto')
    """

    def __init__(self, monitor="val_loss", mode="auto", baseline=None, min_delta=0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            raise ValueError(
                f"{type(self).__name__}: `mode` must be 'auto', 'min' or 'max'. "
                f"Received: mode={mode!r}"
            )
        if not isinstance(monitor, str):
            raise TypeError(
                f"{type(self).__name__}: `monitor` must be the name of a logged metric, e.g. "
                f"'val_loss'. Received: monitor={monitor!r}"
            )
        self.monitor = monitor
        self.mode = mode
        self.best = baseline
        self.min_delta = abs(min_delta)
        self.monitor_op = None  # "min" or "max", resolved on first use

    def _set_monitor_op(self):
        if self.mode != "auto":
            self.monitor_op = self.mode
            return
        name = self.monitor.removeprefix("val_")
        direction = None
        for metric in getattr(self.model, "metrics", None) or []:
            if getattr(metric, "name", None) == name and hasattr(metric, "_direction"):
                direction = "max" if metric._direction == "up" else "min"
        if direction is None:
            lowered = name.lower()
            if lowered == "loss" or lowered.endswith("_loss"):
                direction = "min"
            elif any(part in lowered for part in _HIGHER_IS_BETTER):
                direction = "max"
            elif any(part in lowered for part in _LOWER_IS_BETTER):
                direction = "min"
        if direction is None:
            raise ValueError(
                f"{type(self).__name__} received monitor={self.monitor!r}, but cannot tell "
                "whether that metric should be maximized or minimized. Pass mode='max' to keep "
                "the highest value, or mode='min' to keep the lowest."
            )
        self.monitor_op = direction

    def _is_improvement(self, value, reference) -> bool:
        """Whether ``value`` beats ``reference`` by more than ``min_delta``."""
        if reference is None:
            return True
        if self.monitor_op is None:
            self._set_monitor_op()
        if self.monitor_op == "min":
            return bool(value + self.min_delta < reference)
        return bool(value - self.min_delta > reference)

    def _monitor_value(self, logs, what):
        """The monitored value from ``logs``, or None (with a warning naming what is there)."""
        value = (logs or {}).get(self.monitor)
        if value is None:
            available = ", ".join(sorted(logs or {})) or "none"
            warnings.warn(
                f"{type(self).__name__}: {what} is conditioned on `{self.monitor}`, which is not "
                f"in the logs. Available: {available}.",
                stacklevel=3,
            )
            return None
        if not isinstance(value, (int, float)):
            array = np.asarray(value)
            if array.size != 1:
                return None
            value = float(array.reshape(()))
        return value
