"""The training loop: tiny problems trained to known results, and its error messages."""

import numpy as np
import pytest

import lamina
from lamina import layers, ops
from tests.conftest import requires_training


def _binary_problem(n=256, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x[:, :1] + x[:, 1:2] > 0).astype("float32")
    return x, y


def _model(units=1, activation="sigmoid"):
    lamina.utils.set_random_seed(1)
    return lamina.Sequential(
        [
            layers.Dense(16, activation="relu", input_shape=(4,)),
            layers.Dense(units, activation=activation),
        ]
    )


@requires_training
def test_fit_learns_a_separable_problem():
    x, y = _binary_problem()
    model = _model()
    model.compile(
        optimizer=lamina.optimizers.Adam(0.01), loss="binary_crossentropy", metrics=["accuracy"]
    )
    history = model.fit(x, y, epochs=15, batch_size=32, verbose=0, validation_split=0.25)
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert len(history.history["loss"]) == 15
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, acc = model.evaluate(x, y, verbose=0)
    assert acc > 0.9
    results = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(results) == {"loss", "accuracy"}
    pred = model.predict(x, verbose=0, batch_size=100)
    assert isinstance(pred, np.ndarray) and pred.shape == (256, 1)


@requires_training
def test_sparse_labels_and_steps_per_execution_give_the_same_losses():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(96, 4)).astype("float32")
    y = rng.integers(0, 3, size=(96,))
    losses = []
    for spe in (1, 4):
        model = _model(units=3, activation="softmax")
        model.compile(
            optimizer="sgd",
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
            steps_per_execution=spe,
        )
        history = model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
        losses.append(history.history["loss"])
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-5)


@requires_training
def test_train_test_predict_on_batch():
    x, y = _binary_problem(64)
    model = _model()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    before = model.test_on_batch(x, y)
    for _ in range(20):
        model.train_on_batch(x, y)
    after = model.test_on_batch(x, y, return_dict=True)
    assert after["loss"] < before[0]
    assert model.predict_on_batch(x).shape == (64, 1)


@requires_training
def test_multi_output_losses_weights_and_metrics():
    x = lamina.Input(shape=(4,))
    h = layers.Dense(8, activation="relu")(x)
    model = lamina.Model(
        x,
        {
            "cls": layers.Dense(1, activation="sigmoid", name="cls")(h),
            "reg": layers.Dense(1, name="reg")(h),
        },
    )
    model.compile(
        optimizer="adam",
        loss={"cls": "binary_crossentropy", "reg": "mse"},
        loss_weights={"cls": 1.0, "reg": 0.5},
        metrics={"cls": ["accuracy"]},
    )
    xs, y = _binary_problem(64)
    history = model.fit(xs, {"cls": y, "reg": xs[:, :1]}, epochs=2, verbose=0)
    assert "cls_accuracy" in history.history and "loss" in history.history


@requires_training
def test_custom_train_step_written_once_for_every_backend():
    class Custom(lamina.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(1)
            self.calls = 0

        def call(self, x):
            return self.dense(x)

        def train_step(self, data):
            x, y = data
            self.calls += 1

            def loss_fn():
                y_pred = self(x, training=True)
                return self.compute_loss(x=x, y=y, y_pred=y_pred), y_pred

            (loss, y_pred), grads = lamina.value_and_grad(
                loss_fn, self.trainable_variables, has_aux=True
            )
            self.optimizer.apply(grads, self.trainable_variables)
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss)
            return self.compute_metrics(x, y, y_pred)

    x = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], dtype="float32")
    model = Custom()
    model.compile(optimizer=lamina.optimizers.SGD(0.1), loss="mse")
    history = model.fit(x, y, epochs=20, batch_size=64, verbose=0)
    assert history.history["loss"][-1] < 0.05 * history.history["loss"][0]
    assert model.calls >= 1


@requires_training
def test_custom_steps_returning_their_own_logs():
    """As in Keras: when a custom step returns other keys than the model's metrics, fit and
    evaluate report what it returned (here the last batch's values)."""

    class OwnLogs(lamina.Sequential):
        def train_step(self, data):
            x, y = data

            def loss_fn():
                return ops.mean(ops.square(self(x, training=True) - y))

            loss, grads = lamina.value_and_grad(loss_fn, self.trainable_variables)
            self.optimizer.apply(grads, self.trainable_variables)
            return {"my_loss": loss, "twice": loss * 2.0}

        def test_step(self, data):
            x, y = data
            return {"my_error": ops.mean(ops.abs(self(x) - y))}

    x = np.random.default_rng(0).normal(size=(32, 3)).astype("float32")
    y = x[:, :1] * 2.0
    model = OwnLogs([layers.Input((3,)), layers.Dense(1)])
    model.compile(optimizer=lamina.optimizers.SGD(0.1), loss="mse")
    history = model.fit(x, y, epochs=3, batch_size=16, validation_data=(x, y), verbose=0)
    assert set(history.history) == {"my_loss", "twice", "val_my_error"}
    losses = history.history["my_loss"]
    assert losses[-1] < losses[0] and all(loss > 0 for loss in losses)
    np.testing.assert_allclose(history.history["twice"], np.multiply(losses, 2.0), rtol=1e-6)
    logs = model.evaluate(x, y, return_dict=True, verbose=0)
    assert set(logs) == {"my_error"} and logs["my_error"] > 0


@requires_training
def test_dropout_and_batchnorm_inside_a_compiled_step():
    lamina.utils.set_random_seed(0)
    model = lamina.Sequential(
        [
            layers.Dense(8, input_shape=(4,)),
            layers.BatchNormalization(),
            layers.Dropout(0.5),
            layers.Dense(1),
        ]
    )
    model.compile(optimizer="adam", loss="mse")
    x, y = _binary_problem(64)
    bn = model.layers[1]
    before = bn.moving_mean.numpy().copy()
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert not np.allclose(bn.moving_mean.numpy(), before)
    frozen = bn.moving_mean.numpy().copy()
    model.predict(x, verbose=0)
    model.evaluate(x, y, verbose=0)
    np.testing.assert_array_equal(bn.moving_mean.numpy(), frozen)


def test_fit_on_the_numpy_backend_is_explained():
    if lamina.backend.backend() != "numpy":
        pytest.skip("only the NumPy backend is inference-only")
    model = _model()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(RuntimeError, match="inference only"):
        model.fit(*_binary_problem(8), verbose=0)


def test_fit_before_compile_is_explained():
    model = _model()
    with pytest.raises(RuntimeError, match="compile"):
        model.fit(*_binary_problem(8), verbose=0)


@pytest.mark.parametrize(
    "xs,ys,match",
    [
        (np.zeros((10, 4), "float32"), np.zeros((9, 1), "float32"), "x has 10, y has 9"),
        (np.zeros((0, 4), "float32"), np.zeros((0, 1), "float32"), "zero samples"),
        (np.array([["a"] * 4] * 3), np.zeros((3, 1), "float32"), "strings or Python objects"),
    ],
)
def test_bad_data_errors(xs, ys, match):
    model = _model()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=match):
        model.fit(xs, ys, verbose=0)


@requires_training
def test_integer_labels_with_categorical_crossentropy_suggest_the_fix():
    model = _model(units=10, activation="softmax")
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    x = np.zeros((8, 4), "float32")
    y = np.arange(8) % 10
    with pytest.raises(ValueError, match="sparse_categorical_crossentropy"):
        model.fit(x, y, verbose=0)


@pytest.mark.parametrize("kind", ["optimizer", "loss", "metrics"])
def test_unknown_names_list_the_valid_ones(kind):
    model = _model()
    kwargs = {"optimizer": "sgd", "loss": "mse"}
    if kind == "metrics" and lamina.backend.backend() == "numpy":
        pytest.skip("metrics are resolved when training starts; the NumPy backend cannot train")
    kwargs[kind] = "nonsense" if kind != "metrics" else ["nonsense"]
    with pytest.raises(ValueError, match="nonsense"):
        model.compile(**kwargs)
        model.fit(*_binary_problem(8), verbose=0)


@requires_training
def test_nan_loss_finishes_normally_and_shows_nan(capsys):
    x, y = _binary_problem(32)
    y = y.copy()
    y[0, 0] = np.nan
    model = _model()
    model.compile(optimizer="sgd", loss="mse")
    history = model.fit(x, y, epochs=2, verbose=2)
    assert np.isnan(history.history["loss"][-1])
    assert "nan" in capsys.readouterr().out


@requires_training
def test_a_short_last_batch_is_weighted_by_its_size():
    # 43 samples in batches of 8: the last batch has 3. The reported loss is the mean over
    # samples (Keras's weighting), also when a compiled step is retraced for the short batch.
    model = lamina.Sequential([lamina.Input((3,)), lamina.layers.Dense(1)])
    model.compile("sgd", "mse")
    rng = np.random.default_rng(0)
    x = rng.random((43, 3)).astype("float32")
    y = rng.random((43, 1)).astype("float32")
    loss = model.evaluate(x, y, batch_size=8, verbose=0)
    want = float(np.mean((model.predict(x, verbose=0) - y) ** 2))
    np.testing.assert_allclose(loss, want, rtol=1e-5)
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


@requires_training
@pytest.mark.parametrize("jit_compile", [False, True, "auto"])
def test_jit_compile_and_run_eagerly_mean_what_they_mean_in_keras(jit_compile):
    # TensorFlow: a graph either way, compiled by XLA with jit_compile=True ("auto": only
    # where an accelerator is present); JAX: jitted unless jit_compile=False; PyTorch: eager
    # unless jit_compile=True (torch.compile, not run here); run_eagerly: eager everywhere.
    backend = lamina.backend.backend()
    if backend == "torch" and jit_compile is True:
        pytest.skip("torch.compile needs a C++ toolchain and minutes: not exercised here")
    seen = []

    class Probe(lamina.Sequential):
        def train_step(self, data):
            seen.append(_executing_eagerly(backend))
            return super().train_step(data)

    x = np.linspace(-1, 1, 64, dtype="float32").reshape(16, 4)
    y = (x.sum(axis=1, keepdims=True) > 0).astype("float32")
    results = []
    for run_eagerly in (False, True):
        lamina.utils.set_random_seed(1)
        model = Probe([lamina.Input((4,)), layers.Dense(3, activation="relu"), layers.Dense(1)])
        model.compile("adam", "mse", jit_compile=jit_compile, run_eagerly=run_eagerly)
        expected_jit = {"tensorflow": False, "jax": True, "torch": False}[backend]
        if jit_compile != "auto":
            expected_jit = bool(jit_compile)
        assert model.jit_compile == (expected_jit and not run_eagerly)
        seen.clear()
        history = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        eager = run_eagerly or (backend == "jax" and not model.jit_compile) or backend == "torch"
        assert set(seen) == {eager}
        if backend == "tensorflow" and not run_eagerly:
            step = model._step_cache[("train", 1, False, None)]
            assert step._jit_compile == model.jit_compile  # XLA exactly when asked
        results.append(history.history["loss"])
    np.testing.assert_allclose(results[0], results[1], rtol=1e-5)


def _executing_eagerly(backend):
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.executing_eagerly()
    if backend == "jax":
        import jax

        return not isinstance(jax.numpy.zeros(()) + 0, jax.core.Tracer)
    return True
