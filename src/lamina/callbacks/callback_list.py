"""`CallbackList`: calls every callback's hook, converting logs to Python floats once."""

from __future__ import annotations

import numpy as np

from lamina.callbacks.callback import Callback

_BATCH_HOOKS = (
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
    "on_batch_begin",
    "on_batch_end",
)


def logs_to_python(logs):
    """Tensors in ``logs`` as Python floats (a device sync; done once per hook call), in sorted
    key order as Keras shows them."""
    if not logs:
        return {} if logs is None else logs
    out = {}
    for key, value in sorted(logs.items()):
        if isinstance(value, (float, int, str)):
            out[key] = value
        else:
            if hasattr(value, "detach"):  # a torch tensor, maybe on a GPU, maybe bfloat16
                value = value.detach().cpu()
                value = value.float() if str(value.dtype) == "torch.bfloat16" else value
            array = np.asarray(value)
            out[key] = float(array.reshape(())) if array.size == 1 else array
    return out


class CallbackList(Callback):
    """Calls the hooks of several callbacks in order, as `fit`, `evaluate` and `predict` do.

    Logs are converted to Python floats once per hook call, in sorted key order.

    Args:
        callbacks: a list of `Callback` instances.
        model: the model given to every callback (``set_model``).
        add_history: append a `History` unless the list holds one (available as ``.history``).
        add_progbar: append a `ProgbarLogger` unless the list holds one.
        **params: given to every callback (``set_params``), e.g. ``epochs``, ``verbose``.

    Example:
        >>> history = lamina.callbacks.History()
        >>> callbacks = lamina.callbacks.CallbackList([history], epochs=1)
        >>> callbacks.on_train_begin()
        >>> callbacks.on_epoch_end(0, {"loss": np.float32(0.5)})
        >>> history.history, history.params
        ({'loss': [0.5]}, {'epochs': 1})
    """

    def __init__(self, callbacks=None, add_history=False, add_progbar=False, model=None, **params):
        super().__init__()
        from lamina.callbacks.history import History
        from lamina.callbacks.progbar_logger import ProgbarLogger

        self.callbacks = list(callbacks or [])
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(
                    "`callbacks` must be a list of `lamina.callbacks.Callback` instances. "
                    f"Received: {cb!r}"
                )
        # As in Keras, History and then the progress bar come after the user's callbacks, so
        # they see what those add to the epoch logs (e.g. ``learning_rate``).
        if add_history:
            history = next((c for c in self.callbacks if isinstance(c, History)), None)
            if history is None:
                history = History()
                self.callbacks.append(history)
            self.history = history
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        if model is not None:
            self.set_model(model)
        self.set_params(params)
        # Batch hooks that are overridden get logs; callbacks that declare
        # `wants_raw_logs = True` (the progress bar) convert only what they display.
        self._batch_users = {
            hook: [c for c in self.callbacks if _overrides(c, hook)] for hook in _BATCH_HOOKS
        }

    def set_model(self, model):
        super().set_model(model)
        for c in self.callbacks:
            c.set_model(model)

    def set_params(self, params):
        super().set_params(params)
        for c in self.callbacks:
            c.set_params(params)

    def _call(self, hook, *args, logs=None):
        logs = logs_to_python(logs)
        for c in self.callbacks:
            getattr(c, hook)(*args, logs)

    def _call_batch(self, hook, batch, logs):
        users = self._batch_users[hook]
        if not users:
            return
        python_logs = None
        for c in users:
            if getattr(c, "wants_raw_logs", False):
                getattr(c, hook)(batch, logs)
            else:
                if python_logs is None:
                    python_logs = logs_to_python(logs)
                getattr(c, hook)(batch, python_logs)

    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs=logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs=logs)

    def on_test_begin(self, logs=None):
        self._call("on_test_begin", logs=logs)

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs=logs)

    def on_predict_begin(self, logs=None):
        self._call("on_predict_begin", logs=logs)

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs=logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs=logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call_batch("on_batch_begin", batch, logs)
        self._call_batch("on_train_batch_begin", batch, logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call_batch("on_batch_end", batch, logs)
        self._call_batch("on_train_batch_end", batch, logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call_batch("on_test_batch_begin", batch, logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call_batch("on_test_batch_end", batch, logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call_batch("on_predict_batch_begin", batch, logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call_batch("on_predict_batch_end", batch, logs)


def _overrides(callback, hook):
    if hook in vars(callback):  # set on the instance, as `LambdaCallback` does
        return True
    return getattr(type(callback), hook, None) is not getattr(Callback, hook, None)
