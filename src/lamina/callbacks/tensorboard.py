"""`TensorBoard`: write training logs as TensorBoard event files (no TensorFlow needed)."""

from __future__ import annotations

import numbers
import os
import time
import warnings

import numpy as np

from lamina.callbacks.callback import Callback


class TensorBoard(Callback):
    """Log scalars, weight histograms and the layer graph for TensorBoard.

    Epoch logs go to ``<log_dir>/train`` and ``<log_dir>/validation`` as ``epoch_<name>``
    (``epoch_loss``, ``epoch_accuracy``, ``epoch_learning_rate``), like Keras.

    Args:
        log_dir: the folder for the event files.
        histogram_freq: every how many epochs to write weight histograms (0: never).
        write_graph: write the model's layer graph (Functional and Sequential models).
        write_images: accepted for Keras compatibility; weight images are not written.
        write_steps_per_second: also log ``epoch_steps_per_second``.
        update_freq: ``"epoch"``, ``"batch"`` or an int N: also write ``batch_<name>`` every
            N training batches.
        profile_batch: must be 0 (profiling is not supported).
        embeddings_freq: must be 0 (embedding projections are not supported).

    Example:
        >>> import os
        >>> x, y = np.ones((8, 2)), np.ones((8, 1))
        >>> model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
        >>> model.compile(optimizer="sgd", loss="mse")
        >>> tensorboard = lamina.callbacks.TensorBoard("logs")
        >>> history = model.fit(x, y, epochs=2, validation_split=0.25, callbacks=[tensorboard],
        ...                     verbose=0)
        >>> sorted(os.listdir("logs"))  # then run `tensorboard --logdir logs`
        ['train', 'validation']
    """

    def __init__(
        self,
        log_dir="logs",
        histogram_freq=0,
        write_graph=True,
        write_images=False,
        write_steps_per_second=False,
        update_freq="epoch",
        profile_batch=0,
        embeddings_freq=0,
        embeddings_metadata=None,
    ):
        super().__init__()
        if not isinstance(histogram_freq, int) or histogram_freq < 0:
            raise ValueError(
                "`TensorBoard`: `histogram_freq` must be a non-negative int. "
                f"Received: histogram_freq={histogram_freq!r}"
            )
        if update_freq == "batch":
            update_freq = 1
        if update_freq != "epoch" and not (
            isinstance(update_freq, int) and not isinstance(update_freq, bool) and update_freq > 0
        ):
            raise ValueError(
                "`TensorBoard`: `update_freq` must be 'epoch', 'batch' or a positive int. "
                f"Received: update_freq={update_freq!r}"
            )
        if profile_batch not in (0, None, (0, 0)):
            warnings.warn(
                "`TensorBoard`: profiling is not supported; `profile_batch` is ignored.",
                stacklevel=2,
            )
        if embeddings_freq:
            warnings.warn(
                "`TensorBoard`: embedding projections are not supported; "
                "`embeddings_freq` is ignored.",
                stacklevel=2,
            )
        self.log_dir = os.fspath(log_dir)
        self.histogram_freq = histogram_freq
        self.write_graph = write_graph
        self.write_images = write_images
        self.write_steps_per_second = write_steps_per_second
        self.update_freq = update_freq
        self._writers = {}
        self._global_batch = 0
        self._epoch_start = None
        self._epoch_batches = 0

    def _writer(self, kind):
        from lamina.utils.event_file import EventFileWriter

        if kind not in self._writers:
            self._writers[kind] = EventFileWriter(os.path.join(self.log_dir, kind))
        return self._writers[kind]

    def on_train_begin(self, logs=None):
        self._global_batch = 0
        if self.write_graph:
            nodes = _graph_nodes(self.model)
            if nodes:
                self._writer("train").add_graph(nodes)
                self._writer("train").flush()

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = time.time()
        self._epoch_batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self._global_batch += 1
        self._epoch_batches += 1
        if self.update_freq != "epoch" and self._global_batch % self.update_freq == 0:
            scalars = {f"batch_{k}": v for k, v in _scalars(logs).items()}
            self._writer("train").add_scalars(scalars, self._global_batch)

    def on_epoch_end(self, epoch, logs=None):
        scalars = _scalars(logs)
        train = {f"epoch_{k}": v for k, v in scalars.items() if not k.startswith("val_")}
        val = {f"epoch_{k[4:]}": v for k, v in scalars.items() if k.startswith("val_")}
        lr = _learning_rate(self.model)
        if lr is not None and "epoch_learning_rate" not in train:
            train["epoch_learning_rate"] = lr
        if self.write_steps_per_second and self._epoch_start is not None:
            elapsed = max(time.time() - self._epoch_start, 1e-9)
            train["epoch_steps_per_second"] = self._epoch_batches / elapsed
        writer = self._writer("train")
        writer.add_scalars(train, epoch)
        if self.histogram_freq and epoch % self.histogram_freq == 0:
            from lamina.utils.event_file import histogram_value

            values = [histogram_value(f"{v.path}/histogram", v.numpy()) for v in self.model.weights]
            writer.add_values(values, epoch)
        writer.flush()
        if val:
            self._writer("validation").add_scalars(val, epoch)
            self._writer("validation").flush()

    def on_train_end(self, logs=None):
        for writer in self._writers.values():
            writer.close()
        self._writers = {}


def _scalars(logs):
    out = {}
    for key, value in (logs or {}).items():
        if isinstance(value, numbers.Number):
            out[key] = float(value)
            continue
        try:
            array = np.asarray(value)
        except Exception:
            continue
        if array.ndim == 0 and array.dtype.kind in "biuf":
            out[key] = float(array)
    return out


def _learning_rate(model):
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None:
        return None
    from lamina import ops

    try:
        return float(ops.convert_to_numpy(optimizer.learning_rate))
    except Exception:
        return None


def _graph_nodes(model):
    """(name, op, inputs) for each layer of a Functional or Sequential model."""
    graph = getattr(model, "_functional", None) or model
    nodes = getattr(graph, "_nodes", None)
    inputs = getattr(graph, "_input_layers", None)
    if nodes is None or inputs is None:
        return []
    out = [(layer.name, "InputLayer", []) for layer in inputs]
    for node in nodes:
        parents = []
        for t in node.input_tensors:
            if t._history is not None:
                name = t._history[0].layer.name
                if name not in parents:
                    parents.append(name)
        out.append((node.layer.name, type(node.layer).__name__, parents))
    return out
