"""`CSVLogger`: write each epoch's logs as a row of a CSV file."""

from __future__ import annotations

import csv
import os

import numpy as np

from lamina.callbacks.callback import Callback


class CSVLogger(Callback):
    """Stream epoch results to a CSV file: an ``epoch`` column (0-based), then one column per
    logged quantity in sorted order (``NA`` where an epoch has no value, e.g. validation every
    few epochs).

    Args:
        filename: the CSV file.
        separator: the field separator.
        append: add to an existing file (no second header) instead of overwriting it.

    Example:
        >>> x, y = np.ones((8, 2)), np.ones((8, 1))
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> logger = lamina.callbacks.CSVLogger("training.csv")
        >>> history = model.fit(x, y, epochs=2, callbacks=[logger], verbose=0)
        >>> with open("training.csv") as f:
        ...     print([line.split(",")[0] for line in f])
        ['epoch', '0', '1']
    """

    def __init__(self, filename, separator=",", append=False):
        super().__init__()
        self.filename = os.fspath(filename)
        self.sep = separator
        self.append = append
        self.keys = None
        self.writer = None
        self.csv_file = None
        self.append_header = True

    def on_train_begin(self, logs=None):
        self.append_header = True
        if self.append and os.path.exists(self.filename):
            with open(self.filename, encoding="utf-8") as f:
                self.append_header = not f.readline()
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.csv_file = open(  # noqa: SIM115 - kept open across epochs, closed at train end
            self.filename, "a" if self.append else "w", newline="", encoding="utf-8"
        )
        self.keys = None
        self.writer = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            self.keys = sorted(logs)
            if self.keys and not any(k.startswith("val_") for k in self.keys):
                # Validation may run only on some epochs: reserve its columns.
                self.keys += [f"val_{k}" for k in self.keys]
        if self.writer is None:
            self.writer = csv.writer(self.csv_file, delimiter=self.sep, lineterminator="\n")
            if self.append_header:
                self.writer.writerow(["epoch", *self.keys])
        self.writer.writerow([epoch, *(_cell(logs.get(k, "NA")) for k in self.keys)])
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None


def _cell(value):
    if isinstance(value, str | int | float):
        return value
    array = np.asarray(value)
    if array.ndim == 0:
        return array.item()
    return "[" + ", ".join(str(v) for v in array.ravel().tolist()) + "]"
