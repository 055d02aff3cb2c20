"""`LambdaCallback`: a callback made of plain functions."""

from __future__ import annotations

from lamina.callbacks.callback import Callback

_HOOKS = (
    "on_epoch_begin",
    "on_epoch_end",
    "on_train_begin",
    "on_train_end",
    "on_test_begin",
    "on_test_end",
    "on_predict_begin",
    "on_predict_end",
    "on_train_batch_begin",
    "on_train_batch_end",
    "on_test_batch_begin",
    "on_test_batch_end",
    "on_predict_batch_begin",
    "on_predict_batch_end",
    "on_batch_begin",
    "on_batch_end",
)


class LambdaCallback(Callback):
    """Call the given functions at the matching hooks. Epoch hooks get ``(epoch, logs)``,
    batch hooks ``(batch, logs)``, begin/end hooks ``(logs)``.

    Args:
        on_epoch_begin, on_epoch_end, on_train_begin, on_train_end, on_train_batch_begin,
        on_train_batch_end: functions for those hooks; any other hook (``on_test_end``, ...)
            may be passed by keyword too.

    Example:
        >>> x, y = np.ones((8, 2)), np.ones((8, 1))
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> print_epoch = lamina.callbacks.LambdaCallback(
        ...     on_epoch_end=lambda epoch, logs: print(epoch, sorted(logs)))
        >>> history = model.fit(x, y, epochs=2, callbacks=[print_epoch], verbose=0)
        0 ['loss']
        1 ['loss']
    """

    def __init__(
        self,
        on_epoch_begin=None,
        on_epoch_end=None,
        on_train_begin=None,
        on_train_end=None,
        on_train_batch_begin=None,
        on_train_batch_end=None,
        **kwargs,
    ):
        super().__init__()
        unknown = sorted(set(kwargs) - set(_HOOKS))
        if unknown:
            raise TypeError(
                f"LambdaCallback got unknown hooks {unknown}. Hooks: {', '.join(_HOOKS)}."
            )
        hooks = dict(
            kwargs,
            on_epoch_begin=on_epoch_begin,
            on_epoch_end=on_epoch_end,
            on_train_begin=on_train_begin,
            on_train_end=on_train_end,
            on_train_batch_begin=on_train_batch_begin,
            on_train_batch_end=on_train_batch_end,
        )
        for name, fn in hooks.items():
            if fn is None:
                continue
            if not callable(fn):
                raise TypeError(f"LambdaCallback: `{name}` must be callable. Received: {fn!r}")
            setattr(self, name, fn)
