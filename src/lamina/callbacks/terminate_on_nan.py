"""`TerminateOnNaN`: stop training as soon as the loss becomes NaN or infinite."""

from __future__ import annotations

import math

import numpy as np

from lamina.callbacks.callback import Callback


class TerminateOnNaN(Callback):
    """Stop training (``model.stop_training = True``) after a batch whose loss is NaN or inf.

    Args:
        raise_error: raise a `RuntimeError` instead of stopping quietly.

    Example:
        >>> x, y = np.full((8, 2), np.nan), np.ones((8, 1))  # bad data: the loss is NaN
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> history = model.fit(x, y, batch_size=4, epochs=5, verbose=0,
        ...                     callbacks=[lamina.callbacks.TerminateOnNaN()])
        Batch 0: Invalid loss, terminating training
        >>> len(history.history["loss"])
        1
    """

    def __init__(self, raise_error=False):
        super().__init__()
        self.raise_error = raise_error

    def on_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None:
            return
        if isinstance(loss, int | float):
            finite = math.isfinite(loss)
        else:
            finite = bool(np.all(np.isfinite(np.asarray(loss))))
        if finite:
            return
        if self.raise_error:
            raise RuntimeError(
                f"NaN or Inf loss encountered at batch {batch}. Loss value: {loss}. "
                "Terminating training immediately."
            )
        print(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
