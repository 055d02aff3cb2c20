"""`Progbar`: the progress line of `fit`, `evaluate` and `predict`.

On a terminal (or in a notebook) it redraws one line in place, at most once per ``interval``
seconds. Elsewhere (a file, a pipe, CI logs) it writes only complete lines, so logs carry no
carriage-return spam. ``LAMINA_PROGBAR_INTERACTIVE=1`` or ``0`` forces either behaviour.

Example:
    >>> bar = Progbar(3, verbose=2)
    >>> for step in range(1, 4):
    ...     bar.update(step, [("loss", 1.0 / step)])
    3/3 - ...s - ...s/step - loss: 0.3333
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np


def _interactive(stream) -> bool:
    forced = os.environ.get("LAMINA_PROGBAR_INTERACTIVE")
    if forced in ("0", "1"):
        return forced == "1"
    if "ipykernel" in sys.modules:  # notebooks render "\r" redraws
        return True
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if isatty is not None else False
    except ValueError:  # a closed stream
        return False


def to_float(value) -> float:
    """A metric value (Python number, NumPy array or backend tensor) as a Python float; arrays
    with several entries show their mean, as Keras does."""
    if isinstance(value, (int, float)):
        return float(value)
    if not isinstance(value, np.ndarray) and hasattr(value, "shape"):
        from lamina.backend import convert_to_numpy

        value = convert_to_numpy(value)
    array = np.asarray(value)
    if array.size != 1:
        return float(np.mean(array)) if array.size else float("nan")
    return float(array.reshape(()))


def format_value(value) -> str:
    """``0.2817``, ``1.2346e-05``, ``3.1e+04``-style, ``nan`` or ``inf``."""
    if isinstance(value, str):
        return value
    value = to_float(value)
    if value != value:
        return "nan"
    if value in (float("inf"), float("-inf")):
        return "inf" if value > 0 else "-inf"
    if abs(value) >= 1e4 or (0 < abs(value) < 1e-3):
        return f"{value:.4e}"
    return f"{value:.4f}"


def format_duration(seconds: float) -> str:
    """``7s``, ``2:05`` or ``1:02:05``."""
    seconds = max(float(seconds), 0.0)
    if seconds >= 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds >= 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(round(seconds))}s"


def format_rate(seconds_per_unit: float, unit_name: str = "step") -> str:
    """``10ms/step``, ``2s/step`` or ``850us/step``."""
    if seconds_per_unit >= 1 or seconds_per_unit == 0:
        return f"{seconds_per_unit:.0f}s/{unit_name}"
    if seconds_per_unit >= 1e-3:
        return f"{seconds_per_unit * 1e3:.0f}ms/{unit_name}"
    return f"{seconds_per_unit * 1e6:.0f}us/{unit_name}"


class Progbar:
    """A progress line for ``target`` steps (None when unknown).

    Args:
        target: total number of steps, or None.
        width: bar width in characters.
        verbose: 1 for the live bar (one line per finished bar off a terminal), 2 for one plain
            line when the bar finishes, 0 for silence.
        interval: minimum seconds between two redraws on a terminal.
        stateful_metrics: names whose values are shown as given. Every other value passed to
            `update` is averaged over the steps seen (Keras's default for direct use).
        stateless_metrics: the reverse choice: only these names are averaged, every other value
            is shown as given (what `ProgbarLogger` uses, since metrics already average).
        unit_name: what a step is called (``"step"``).
        stream: where to write; ``sys.stdout`` by default.

    Example:
        >>> bar = lamina.utils.Progbar(3)
        >>> for step in range(1, 4):
        ...     bar.update(step, values=[("loss", 1.0 / step)])
        3/3 ━━━━━━━━━━━━━━━━━━━━ ...s ...s/step - loss: 0.3333
    """

    def __init__(
        self,
        target,
        width=20,
        verbose=1,
        interval=0.05,
        stateful_metrics=None,
        stateless_metrics=None,
        unit_name="step",
        stream=None,
    ):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError(
                "`Progbar` takes only one of `stateful_metrics` (averaged unless listed) or "
                "`stateless_metrics` (shown as given unless listed)."
            )
        if target is not None and (not isinstance(target, (int, np.integer)) or target < 0):
            raise ValueError(f"`target` must be a non-negative int or None. Received: {target!r}")
        self.target = None if target is None else int(target)
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stateful_metrics = set(stateful_metrics or ()) if stateless_metrics is None else None
        self.stateless_metrics = None if stateless_metrics is None else set(stateless_metrics)
        self.stream = stream if stream is not None else sys.stdout
        self.interactive = _interactive(self.stream)
        self._start = time.time()
        self._time_after_first_step = None
        self._last_draw = 0.0
        self._last_len = 0
        self._seen_so_far = 0
        self._time_at_current = None
        self._values = {}  # name -> [sum, count] (averaged) or the latest value (as given)
        self._values_order = []

    @property
    def live(self) -> bool:
        """Whether in-progress updates are drawn (verbose 1 on a terminal)."""
        return self.verbose == 1 and self.interactive

    def _averaged(self, name) -> bool:
        if self.stateless_metrics is not None:
            return name in self.stateless_metrics
        return name not in self.stateful_metrics

    def update(self, current, values=None, finalize=None):
        """Record progress ``current`` with ``values``: a dict or a list of ``(name, value)``
        pairs; tensors are converted only when drawn."""
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        if values:
            items = values.items() if isinstance(values, dict) else values
            for name, value in items:
                if name not in self._values:
                    self._values_order.append(name)
                if not self._averaged(name):
                    self._values[name] = value
                elif finalize:
                    self._values[name] = [to_float(value), 1]
                else:
                    weight = max(current - self._seen_so_far, 1)
                    total = self._values.setdefault(name, [0.0, 0])
                    total[0] += to_float(value) * weight
                    total[1] += weight
        now = time.time()
        if current == 1 and self._seen_so_far == 0:
            self._time_after_first_step = now
        if current != self._seen_so_far or self._time_at_current is None:
            # The step rate is measured when a step ends, so work done after the last step
            # (validation before the epoch's final line) does not count as step time.
            self._time_at_current = now
        self._seen_so_far = current
        if self.verbose == 1 and self.interactive:
            if not finalize and now - self._last_draw < self.interval:
                return
            self._last_draw = now
            line = self._line(current, now, finalize, bar=True)
            pad = " " * max(self._last_len - len(line), 0)
            self.stream.write("\r" + line + pad + ("\n" if finalize else ""))
            self._last_len = len(line)
            self.stream.flush()
        elif finalize and self.verbose in (1, 2):
            self.stream.write(self._line(current, now, finalize, bar=self.verbose == 1) + "\n")
            self.stream.flush()

    def add(self, n, values=None):
        """Advance by ``n`` steps."""
        self.update(self._seen_so_far + n, values)

    def _seconds_per_step(self, current, now) -> float:
        if not current:
            return 0.0
        # The first step includes compilation; leave it out once there are others.
        if self._time_after_first_step is not None and current > 1:
            return (now - self._time_after_first_step) / (current - 1)
        return (now - self._start) / current

    def _line(self, current, now, finalize, bar=True) -> str:
        per_step = self._seconds_per_step(current, self._time_at_current or now)
        if self.target is not None:
            digits = len(str(self.target))
            head = f"{current:>{digits}}/{self.target}"
        else:
            head = f"{current:>7}/Unknown"
        if bar and self.target is not None:
            filled = int(self.width * min(current, self.target) / max(self.target, 1))
            head += " " + "━" * filled + "─" * (self.width - filled)
        if finalize or self.target is None:
            timing = format_duration(now - self._start)
        else:
            timing = "ETA " + format_duration(per_step * max(self.target - current, 0))
        rate = format_rate(per_step, self.unit_name)
        if bar:
            line = f"{head} {timing} {rate}"
        else:
            line = f"{head} - {timing} - {rate}"
        for name in self._values_order:
            value = self._values[name]
            if isinstance(value, list):
                value = value[0] / max(value[1], 1)
            line += f" - {name}: {format_value(value)}"
        return line
