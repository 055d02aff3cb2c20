"""`Callback`: hooks called by `fit`, `evaluate` and `predict`."""

from __future__ import annotations


class Callback:
    """Base class for callbacks. Override any hook; ``self.model`` and ``self.params`` are set
    by the training loop before ``on_train_begin``.

    Example:
        >>> class CountBatches(lamina.callbacks.Callback):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.batches = 0
        ...     def on_predict_batch_end(self, batch, logs=None):
        ...         self.batches += 1
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> counter = CountBatches()
        >>> _ = model.predict(np.ones((10, 2)), batch_size=4, callbacks=[counter], verbose=0)
        >>> counter.batches
        3
    """

    def __init__(self):
        self.model = None
        self.params = {}
        self.validation_data = None

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_test_begin(self, logs=None):
        pass

    def on_test_end(self, logs=None):
        pass

    def on_predict_begin(self, logs=None):
        pass

    def on_predict_end(self, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        pass

    def on_train_batch_end(self, batch, logs=None):
        pass

    def on_test_batch_begin(self, batch, logs=None):
        pass

    def on_test_batch_end(self, batch, logs=None):
        pass

    def on_predict_batch_begin(self, batch, logs=None):
        pass

    def on_predict_batch_end(self, batch, logs=None):
        pass

    def on_batch_begin(self, batch, logs=None):
        """Old name of `on_train_batch_begin`, kept for Keras compatibility."""

    def on_batch_end(self, batch, logs=None):
        """Old name of `on_train_batch_end`, kept for Keras compatibility."""
