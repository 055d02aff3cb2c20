"""`Trainer`: compile, fit, evaluate, predict — written once for every backend.

A backend contributes only a few things (``lamina/backend/<name>/trainer.py``):
`value_and_grad(fn, variables, has_aux)`, `no_grad()`, `default_jit_compile()` (what
``jit_compile="auto"`` means there), `compiled_steps_take_numpy()` (whether NumPy batches go
to compiled steps unconverted) and `compile_step(fn, state_variables, jit_compile, kind,
run_eagerly)`, which turns a Python step that reads and assigns Variables into the backend's
compiled form (`jax.jit` over the state; a `tf.function`, XLA-compiled with ``jit_compile``,
as in Keras; eager PyTorch, or `torch.compile` with ``jit_compile``). The hooks to
`lamina.distribution` are in `distributed.py` (`DistributedFitMixin`), small argument and
result helpers in `trainer_utils.py`; groups of batches for ``steps_per_execution`` in
`batch_groups.py`.
"""

from __future__ import annotations

import functools

import numpy as np

from lamina import backend, ops
from lamina.backend import active
from lamina.training import data as data_module
from lamina.training.batch_groups import batch_at, group_batches
from lamina.training.compile_utils import (
    CompileLoss,
    CompileMetrics,
    batch_size_of,
    unpack_x_y_sample_weight,
)
from lamina.training.distributed import DistributedFitMixin
from lamina.training.trainer_utils import (
    _first_dim,
    _format_results,
    _should_validate,
    _unpack_validation,
    batch_to_backend,
)
from lamina.utils import tree


def value_and_grad(fn, variables, has_aux=False):
    """Backend-agnostic value and gradients: ``fn()`` returns a scalar loss (or
    ``(loss, aux)`` with ``has_aux=True``); returns ``(loss, grads)`` (or ``((loss, aux), grads)``)
    with one gradient per variable. Works inside `train_step` on JAX, PyTorch and TensorFlow.

    Example:
        >>> w = keras.Variable(np.array([1.0, 2.0], "float32"))
        >>> loss, grads = lamina.value_and_grad(lambda: ops.sum(w * w), [w])
        >>> ops.convert_to_numpy(grads[0])
        array([2., 4.], dtype=float32)
        >>> class MyModel(keras.Sequential):
        ...     def train_step(self, data):
        ...         x, y = data
        ...         def loss_fn():
        ...             return self.compute_loss(x=x, y=y, y_pred=self(x, training=True))
        ...         loss, grads = lamina.value_and_grad(loss_fn, self.trainable_variables)
        ...         self.optimizer.apply(grads, self.trainable_variables)
        ...         return self.get_metrics_result()
        >>> model = MyModel([keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="zeros")])
        >>> model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
        >>> _ = model.fit(np.ones((8, 2)), np.ones((8, 1)), epochs=1, verbose=0)  # one step
        >>> model.layers[0].bias.numpy()  # 0 - 0.1 * d(loss)/d(bias) = 0 - 0.1 * -2
        array([0.2], dtype=float32)
    """
    return active.load("trainer").value_and_grad(fn, variables, has_aux=has_aux)


class Trainer(DistributedFitMixin):
    """The training API mixed into `Model`: `compile`, `fit`, `evaluate`, `predict` and the
    steps they run (`train_step`, `test_step`, `predict_step`), written once for every backend.

    Example:
        >>> model = keras.Sequential(
        ...     [keras.Input((2,)), keras.layers.Dense(1, kernel_initializer="ones")])
        >>> isinstance(model, lamina.training.Trainer)
        True
        >>> model.compile(loss="mse", metrics=["mae"])
        >>> model.evaluate(np.ones((4, 2)), np.zeros((4, 1)), verbose=0, return_dict=True)
        {'loss': 4.0, 'mae': 2.0}
    """

    def __init__(self):
        self.compiled = False
        self.optimizer = None
        self.loss = None
        self._compile_loss = None
        self._compile_metrics = None
        self._loss_tracker = None
        self.stop_training = False
        self.history = None
        self.steps_per_execution = 1
        self.run_eagerly = False
        self.jit_compile = active.load("trainer").default_jit_compile()
        self._step_cache = {}
        self._targets_checked = False
        self._in_fit = False

    # compile ----------------------------------------------------------------------------
    def compile(
        self,
        optimizer="rmsprop",
        loss=None,
        loss_weights=None,
        metrics=None,
        weighted_metrics=None,
        run_eagerly=False,
        steps_per_execution=1,
        jit_compile="auto",
        auto_scale_loss=True,
    ):
        """Configure training: the optimizer, the loss(es) and the metrics to report."""
        from lamina import metrics as metrics_module
        from lamina import optimizers
        from lamina.training.compile_utils import _output_names

        if not isinstance(steps_per_execution, int) or steps_per_execution < 1:
            raise ValueError(
                "`steps_per_execution` must be a positive int. "
                f"Received: steps_per_execution={steps_per_execution!r}"
            )
        self.optimizer = optimizers.get(optimizer)
        from lamina.saving.model_file import serialize_compile_arg

        self._compile_config = {
            "optimizer": serialize_compile_arg(self.optimizer),
            "loss": serialize_compile_arg(loss),
            "loss_weights": loss_weights,
            "metrics": serialize_compile_arg(metrics),
            "weighted_metrics": serialize_compile_arg(weighted_metrics),
            "steps_per_execution": steps_per_execution,
        }
        names = _output_names(self)
        self.loss = loss
        self._compile_loss = CompileLoss(loss, loss_weights, names) if loss is not None else None
        self._compile_metrics = CompileMetrics(metrics, weighted_metrics, names)
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.run_eagerly = bool(run_eagerly)
        if jit_compile == "auto":
            # Keras's defaults: XLA on JAX, and on TensorFlow where an accelerator is present
            # (TensorFlow's steps are graphs either way); torch.compile is opt-in.
            jit_compile = active.load("trainer").default_jit_compile()
        self.jit_compile = bool(jit_compile) and not self.run_eagerly
        self.steps_per_execution = steps_per_execution
        self._step_cache = {}
        self._targets_checked = False
        self.compiled = True

    def _assert_compiled(self, what):
        if not self.compiled:
            raise RuntimeError(
                f"You must call `compile()` before `{what}()`: e.g. "
                "`model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', "
                "metrics=['accuracy'])`."
            )

    @property
    def metrics(self):
        out = []
        if self._loss_tracker is not None:
            out.append(self._loss_tracker)
        if self._compile_metrics is not None:
            out.extend(m for m, _, _ in self._compile_metrics.metrics)
        return out

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    # The step (override these the Keras way) --------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss plus the losses added by layers (regularizers, `add_loss`)."""
        total = None
        if self._compile_loss is not None and y is not None:
            total = self._compile_loss(y, y_pred, sample_weight)
        for extra in self.losses:
            total = extra if total is None else ops.add(total, extra)
        if total is None:
            if y is None and self._compile_loss is not None:
                raise ValueError(
                    "The model was compiled with a loss, but the data has no targets `y`. "
                    "Pass `y` to `fit` (or have the dataset yield `(x, y)` pairs)."
                )
            raise ValueError(
                "There is nothing to minimize: the model was compiled without `loss` and its "
                "layers added no losses. Pass `loss=...` to `compile()`."
            )
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics and return all metric results."""
        if self._compile_metrics is not None and y is not None:
            self._compile_metrics.update_state(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self):
        return {m.name: m.result() for m in self.metrics}

    def _epoch_logs(self, step_logs):
        """The logs of an epoch: the metrics' results when the last step returned those
        metrics (the usual case: results accumulated over the epoch, synchronized across
        processes), otherwise what a custom ``train_step``/``test_step`` returned (as Keras)."""
        from lamina.callbacks.callback_list import logs_to_python

        result = self.get_metrics_result()
        if isinstance(step_logs, dict) and set(step_logs) != set(result):
            return logs_to_python(step_logs)
        return logs_to_python(result)

    def train_step(self, data):
        """One optimization step on one batch; returns the metric results."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        self._clear_losses()
        trainable = self.trainable_variables

        def loss_fn():
            y_pred = self(x, training=True)
            loss = self.compute_loss(
                x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True
            )
            return loss, y_pred

        (loss, y_pred), grads = value_and_grad(loss_fn, trainable, has_aux=True)
        if trainable:
            self.optimizer.apply(grads, trainable)
        self._loss_tracker._add_batch_mean(loss, batch_size_of(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        """Loss and metrics on one batch, without updating weights."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        self._clear_losses()
        y_pred = self(x, training=False)
        loss = self.compute_loss(
            x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False
        )
        self._loss_tracker._add_batch_mean(loss, batch_size_of(x))
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    # Compiling steps ----------------------------------------------------------------------
    def _state_variables(self, kind):
        variables = list(self.variables)
        if kind == "train" and self.optimizer is not None:
            variables += self.optimizer.variables
        for m in self.metrics:
            variables += m.variables
        seen, out = set(), []
        for v in variables:
            if id(v) not in seen:
                seen.add(id(v))
                out.append(v)
        return out

    def _make_function(self, kind, n, stacked=False):
        """A compiled function running ``n`` steps of ``kind`` on a tuple of ``n`` batches, or
        with ``stacked`` on one batch of arrays with a leading axis of ``n`` (see
        `batch_groups`)."""
        runner = self._dist_runner
        key = (kind, n, stacked, runner)  # (runner None: the single-device step)
        if key in self._step_cache:
            return self._step_cache[key]
        step = {"train": self.train_step, "test": self.test_step, "predict": self.predict_step}[
            kind
        ]

        def each(data):
            return (batch_at(data, i) for i in range(n)) if stacked else data

        if kind == "predict":

            def multi_step(data):
                return tuple(step(b) for b in each(data))
        else:

            def multi_step(data):
                logs = None
                for b in each(data):
                    logs = step(b)
                return logs

        trainer_backend = active.load("trainer")
        jit_compile = self.jit_compile and not self.run_eagerly
        if runner is None:
            compiled = trainer_backend.compile_step(
                multi_step,
                self._state_variables(kind),
                jit_compile=jit_compile,
                kind=kind,
                run_eagerly=self.run_eagerly,
            )
        else:  # the distribution places the state and compiles (or wraps) the step
            compiled = runner.compile_step(
                multi_step,
                self._state_variables(kind),
                jit_compile,
                kind,
                trainer_backend.compile_step,
                self.run_eagerly,
            )
        self._step_cache[key] = compiled
        return compiled

    def _prepare(self, batch, kind):
        """Build everything a compiled step needs (weights, optimizer slots, metric states)
        from the first batch, outside the compiled function, and check the targets against
        the loss there, where errors can name the problem before any tracing."""
        x, y, sample_weight = unpack_x_y_sample_weight(batch)
        needs_targets = kind != "predict" and y is not None and not self._targets_checked
        if not self.built or needs_targets:
            y_pred = self(x, training=False)
            self._clear_losses()
            if needs_targets:
                if self._compile_loss is not None:
                    self._compile_loss(y, y_pred, sample_weight)
                if not self._compile_metrics.built:
                    self._compile_metrics.build(y, y_pred)
                self._targets_checked = True
        if kind == "train" and not self.optimizer.built:
            self.optimizer.build(self.trainable_variables)
            self.optimizer.built = True

    def _step_input(self):
        """The conversion of batches for this model's single-device steps: `batch_to_backend`,
        keeping NumPy arrays as they are for compiled steps of a backend that takes them."""
        compiled = self.jit_compile and not self.run_eagerly and self._dist_runner is None
        if compiled and active.load("trainer").compiled_steps_take_numpy():
            return functools.partial(batch_to_backend, keep_numpy=True)
        return batch_to_backend

    def _batches(self, adapter, n, skip=0):
        """`BatchGroup`s of up to ``n`` converted batches; yields (first_step_index, group).
        The first ``skip`` batches are drawn but not used (a resumed run continues mid-epoch)."""
        runner = self._dist_runner
        if runner is None:
            return group_batches(adapter, n, self._step_input(), skip)

        def convert(batch):  # the distribution places batches (e.g. split over devices)
            return runner.to_backend(batch, batch_to_backend)

        return group_batches(adapter, n, convert, skip, stack=False)

    # fit / evaluate / predict ---------------------------------------------------------------
    def fit(
        self,
        x=None,
        y=None,
        batch_size=None,
        epochs=1,
        verbose="auto",
        callbacks=None,
        validation_split=0.0,
        validation_data=None,
        shuffle=True,
        class_weight=None,
        sample_weight=None,
        initial_epoch=0,
        steps_per_epoch=None,
        validation_steps=None,
        validation_batch_size=None,
        validation_freq=1,
    ):
        """Train for ``epochs`` epochs; returns a `History` of the per-epoch logs."""
        from lamina.callbacks.callback_list import CallbackList

        self._assert_compiled("fit")
        if validation_split and validation_data is None:
            (x, y, sample_weight), validation_data = data_module.split_for_validation(
                x, y, sample_weight, validation_split
            )
        adapter = data_module.get_adapter(
            x, y, sample_weight, batch_size, steps_per_epoch, shuffle, class_weight
        )
        val_adapter = None
        if validation_data is not None:
            vx, vy, vsw = _unpack_validation(validation_data)
            val_adapter = data_module.get_adapter(
                vx, vy, vsw, validation_batch_size or batch_size, validation_steps
            )
        if backend.backend() == "numpy":
            raise RuntimeError(
                "The NumPy backend runs inference only, so `fit` is unavailable. Train with "
                "LAMINA_BACKEND=jax, torch or tensorflow, save the model, and load it here to "
                "predict."
            )
        verbose = 1 if verbose == "auto" else verbose
        runner, adapter, val_adapter, callbacks, verbose = self._distribute(
            "train", adapter, callbacks, verbose, val_adapter
        )
        callback_list = CallbackList(
            callbacks,
            model=self,
            add_history=True,
            add_progbar=bool(verbose),
            verbose=verbose,
            epochs=epochs,
            steps=adapter.num_batches,
        )
        self.stop_training = False
        self._in_fit = True
        n = self.steps_per_execution
        logs = {}
        previous_runner = self._begin_distributed(runner)
        try:
            self._resume_epoch, self._resume_step = None, 0
            callback_list.on_train_begin()
            # A callback (BackupAndRestore) may resume an interrupted run at a later epoch,
            # after the batches of that epoch that it had already trained on.
            start_epoch = self._resume_epoch if self._resume_epoch is not None else initial_epoch
            for epoch in range(start_epoch, epochs):
                self.reset_metrics()
                callback_list.on_epoch_begin(epoch)
                skip = self._resume_step if epoch == start_epoch else 0
                steps_done, step_logs = skip, None
                for start, group in self._batches(adapter, n, skip):
                    if start == skip and epoch == start_epoch:
                        self._prepare(group.first, "train")
                    callback_list.on_train_batch_begin(start)
                    fn = self._make_function("train", group.size, group.stacked)
                    step_logs = fn(group.data)
                    steps_done = start + group.size
                    callback_list.on_train_batch_end(steps_done - 1, step_logs)
                    if self.stop_training:
                        break
                if steps_done == 0:
                    raise ValueError(
                        "The training data produced no batches in this epoch. A generator may "
                        "be exhausted: pass `steps_per_epoch`, or a dataset that can be "
                        "iterated again."
                    )
                adapter.on_epoch_end()
                self._sync_distributed_metrics()
                logs = self._epoch_logs(step_logs)
                if val_adapter is not None and _should_validate(epoch, validation_freq):
                    val_logs = self._evaluate_adapter(val_adapter, callback_list)
                    val_adapter.on_epoch_end()
                    logs.update({f"val_{k}": v for k, v in val_logs.items()})
                callback_list.params["steps_done"] = steps_done
                callback_list.on_epoch_end(epoch, logs)
                if self.stop_training:
                    break
            callback_list.on_train_end(logs)
        finally:
            self._in_fit = False
            self._end_distributed(runner, previous_runner)
        return callback_list.history

    def _evaluate_adapter(self, adapter, callback_list):

        self.reset_metrics()
        callback_list.on_test_begin()
        n = self.steps_per_execution
        logs = None
        prepared = False
        for start, group in self._batches(adapter, n):
            if not prepared:
                self._prepare(group.first, "test")
                prepared = True
            callback_list.on_test_batch_begin(start)
            logs = self._make_function("test", group.size, group.stacked)(group.data)
            callback_list.on_test_batch_end(start + group.size - 1, logs)
        if logs is None:
            raise ValueError("The evaluation data produced no batches.")
        self._sync_distributed_metrics()
        logs = self._epoch_logs(logs)
        callback_list.on_test_end(logs)
        return logs

    def evaluate(
        self,
        x=None,
        y=None,
        batch_size=None,
        verbose="auto",
        sample_weight=None,
        steps=None,
        callbacks=None,
        return_dict=False,
        **kwargs,
    ):
        """Loss and metrics on the data: a scalar loss, ``[loss, *metrics]``, or a dict."""
        from lamina.callbacks.callback_list import CallbackList

        self._assert_compiled("evaluate")
        if kwargs:
            raise TypeError(f"`evaluate` got unexpected keyword arguments {sorted(kwargs)}.")
        adapter = data_module.get_adapter(x, y, sample_weight, batch_size, steps)
        verbose = 1 if verbose == "auto" else verbose
        runner, adapter, _, callbacks, verbose = self._distribute(
            "test", adapter, callbacks, verbose
        )
        callback_list = CallbackList(
            callbacks,
            model=self,
            add_progbar=bool(verbose),
            verbose=verbose,
            epochs=1,
            steps=adapter.num_batches,
        )
        previous_runner = self._begin_distributed(runner)
        try:
            logs = self._evaluate_adapter(adapter, callback_list)
        finally:
            self._end_distributed(runner, previous_runner)
        return _format_results(logs, self.metrics_names, return_dict)

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """Model outputs for ``x``, as NumPy arrays (batched, then concatenated)."""
        from lamina.callbacks.callback_list import CallbackList

        adapter = data_module.get_adapter(x, None, None, batch_size, steps)
        verbose = 1 if verbose == "auto" else verbose
        runner, adapter, _, callbacks, verbose = self._distribute(
            "predict", adapter, callbacks, verbose
        )
        callback_list = CallbackList(
            callbacks,
            model=self,
            add_progbar=bool(verbose),
            verbose=verbose,
            epochs=1,
            steps=adapter.num_batches,
        )
        callback_list.on_predict_begin()
        outputs, pending = [], ()
        prepared = False
        previous_runner = self._begin_distributed(runner)
        try:
            for start, group in self._batches(adapter, self.steps_per_execution):
                if not prepared:
                    self._prepare(group.first, "predict")
                    prepared = True
                callback_list.on_predict_batch_begin(start)
                results = self._make_function("predict", group.size, group.stacked)(group.data)
                # The previous group's outputs are copied to the host only now, after this
                # group was dispatched: a backend that computes asynchronously (JAX) then
                # overlaps the copy and the next batch's preparation with this computation.
                outputs += [tree.map_structure(backend.convert_to_numpy, r) for r in pending]
                pending = results
                callback_list.on_predict_batch_end(start + group.size - 1)
            outputs += [tree.map_structure(backend.convert_to_numpy, r) for r in pending]
        finally:
            self._end_distributed(runner, previous_runner)
        callback_list.on_predict_end()
        if not outputs:
            raise ValueError("The prediction data produced no batches.")
        return tree.map_structure(lambda *parts: np.concatenate(parts, axis=0), *outputs)

    # Single batches ---------------------------------------------------------------------
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One training step on one batch; returns the metrics after it."""
        from lamina.callbacks.callback_list import logs_to_python

        self._assert_compiled("train_on_batch")
        adapter = data_module.get_adapter(
            x, y, sample_weight, batch_size=_first_dim(x), class_weight=class_weight
        )
        batch = self._step_input()(next(iter(adapter.epoch())))
        self._prepare(batch, "train")
        logs = logs_to_python(self._make_function("train", 1)((batch,)))
        return _format_results(logs, self.metrics_names, return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        from lamina.callbacks.callback_list import logs_to_python

        self._assert_compiled("test_on_batch")
        adapter = data_module.get_adapter(x, y, sample_weight, batch_size=_first_dim(x))
        batch = self._step_input()(next(iter(adapter.epoch())))
        self._prepare(batch, "test")
        self.reset_metrics()
        logs = logs_to_python(self._make_function("test", 1)((batch,)))
        return _format_results(logs, self.metrics_names, return_dict)

    def predict_on_batch(self, x):
        batch = self._step_input()(x)
        self._prepare((batch,), "predict")
        out = self._make_function("predict", 1)(((batch,),))[0]
        return tree.map_structure(backend.convert_to_numpy, out)
