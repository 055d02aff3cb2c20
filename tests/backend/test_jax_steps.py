"""Lamina's compiled JAX steps: on the CPU they keep matrix products away from YNNPACK (Eigen's
product is faster for a training step's small products; backend/jax/compile_options.py);
training and evaluation steps donate the old state (predict steps do not), a distribution's
steps too; NumPy batches reach them unconverted; and they compute what an uncompiled step
computes."""

from __future__ import annotations

import numpy as np
import pytest

import lamina
from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "jax", reason="XLA options of the JAX backend")


def _model():
    lamina.utils.set_random_seed(1)
    model = lamina.Sequential(
        [lamina.Input((20,)), lamina.layers.Dense(16, activation="relu"), lamina.layers.Dense(3)]
    )
    model.compile(optimizer="adam", loss="mse", steps_per_execution=2)
    return model


def test_steps_compile_with_the_options_and_the_products_leave_ynnpack(monkeypatch):
    import jax

    from lamina.backend.jax import compile_options

    options = compile_options.step_compiler_options("train")
    assert compile_options.step_compiler_options("predict") is None  # XLA's defaults
    if jax.default_backend() != "cpu":
        assert options is None
        return
    assert options == {"xla_cpu_experimental_ynn_fusion_type": "LIBRARY_FUSION_TYPE_REDUCE"}
    assert compile_options.step_compiler_options("test") == options
    seen, real_jit = [], jax.jit

    def spying_jit(fn, **kwargs):
        seen.append(kwargs.get("compiler_options"))
        return real_jit(fn, **kwargs)

    monkeypatch.setattr(jax, "jit", spying_jit)
    x, y = np.ones((8, 20), "float32"), np.zeros((8, 3), "float32")
    model = _model()
    model.fit(x, y, batch_size=4, verbose=0)
    model.evaluate(x, y, verbose=0)
    assert len(seen) == 2 and all(o == options for o in seen)
    model.predict(x, verbose=0)
    assert len(seen) == 3 and seen[-1] is None

    def product(a, b):
        return jax.nn.relu(a @ b)

    a = jax.numpy.ones((32, 64))
    default = real_jit(product).lower(a, a.T).compile().as_text()
    ours = real_jit(product, compiler_options=options).lower(a, a.T).compile().as_text()
    # This jaxlib sends the product to YNNPACK by default where the CPU has the kernels for it;
    # with Lamina's options the product is XLA's own dot (Eigen) on any CPU.
    assert "__ynn_fusion" not in ours and " dot(" in ours
    assert "__ynn_fusion" in default or " dot(" in default


def test_compiled_training_equals_eager_training():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(32, 20)).astype("float32")
    y = rng.normal(size=(32, 3)).astype("float32")
    weights = []
    for run_eagerly in (False, True):
        model = _model()
        model.compile(optimizer="adam", loss="mse", run_eagerly=run_eagerly)
        model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
        weights.append(model.get_weights())
    for compiled, eager in zip(*weights):
        np.testing.assert_allclose(compiled, eager, rtol=1e-5, atol=1e-6)


def _placement(distributed):
    """The single-device step, or a one-device distribution's (the same rules apply)."""
    import contextlib

    from lamina import distribution

    if not distributed:
        return contextlib.nullcontext()
    return distribution.DataParallel(devices=distribution.list_devices()[:1]).scope()


@pytest.mark.parametrize("distributed", [False, True])
def test_training_donates_the_old_state_and_prediction_keeps_it(distributed):
    model = _model()
    x, y = np.ones((8, 20), "float32"), np.zeros((8, 3), "float32")
    with _placement(distributed):
        model.predict(x, verbose=0)
        kernel = model.layers[0].kernel
        before_fit = kernel.value
        model.predict(x, verbose=0)
        assert not before_fit.is_deleted()  # predict leaves the weights' arrays alone
        assert kernel.value is before_fit  # and returns no copies of them
        model.fit(x, y, batch_size=4, verbose=0)
        assert before_fit.is_deleted()  # reused by XLA for the new values
        assert not kernel.value.is_deleted()
        model.evaluate(x, y, verbose=0)
        predicted = model.predict(x, verbose=0)
    np.testing.assert_allclose(predicted, np.asarray(model(x)), rtol=1e-6)


@pytest.mark.parametrize("distributed", [False, True])
def test_one_array_held_by_two_variables_is_not_donated_twice(distributed):
    lamina.utils.set_random_seed(2)
    model = lamina.Sequential(
        [lamina.Input((8,)), lamina.layers.Dense(8), lamina.layers.Dense(8), lamina.layers.Dense(1)]
    )
    model.compile(optimizer="sgd", loss="mse")
    first, second = model.layers[0].kernel, model.layers[1].kernel
    second._value = first.value  # (assign may copy; this is the case to guard against)
    x, y = np.ones((8, 8), "float32"), np.zeros((8, 1), "float32")
    with _placement(distributed):
        model.fit(x, y, batch_size=4, verbose=0)
    assert not first.value.is_deleted() and not second.value.is_deleted()
    assert np.all(np.isfinite(second.numpy()))


def test_numpy_batches_reach_compiled_steps_unconverted(monkeypatch):
    # `jax.jit` transfers NumPy arguments in its own dispatch; a `jax.device_put` before each
    # call cost about 80 µs more (see lamina.backend.jax.trainer.compiled_steps_take_numpy).
    import jax

    puts, traces = [], []
    real_put = jax.device_put
    monkeypatch.setattr(jax, "device_put", lambda *a, **k: puts.append(1) or real_put(*a, **k))

    class Counting(lamina.Sequential):
        def train_step(self, data):
            traces.append(type(data[0]))
            return super().train_step(data)

    lamina.utils.set_random_seed(1)
    model = Counting([lamina.Input((20,)), lamina.layers.Dense(3)])
    model.compile(optimizer="adam", loss="mse")
    x = np.random.default_rng(0).normal(size=(12, 20)).astype("float32")
    y = np.zeros((12, 3), "float32")
    model.fit(x, y, batch_size=4, verbose=0)  # builds what the steps need, eagerly, once
    model.predict(x, batch_size=4, verbose=0)
    puts.clear()
    model.fit(x, y, batch_size=4, epochs=3, verbose=0)
    model.evaluate(x, y, batch_size=4, verbose=0)
    assert len(traces) == 1  # one trace for all the training calls
    model.train_on_batch(x[:4], y[:4])
    model.test_on_batch(x[:4], y[:4])
    predicted = model.predict(x, batch_size=4, verbose=0)
    np.testing.assert_allclose(model.predict_on_batch(x[:4]), predicted[:4], rtol=1e-6)
    assert puts == []
    eager = Counting([lamina.Input((20,)), lamina.layers.Dense(3)])
    eager.compile(optimizer="adam", loss="mse", run_eagerly=True)
    eager.set_weights(model.get_weights())
    np.testing.assert_allclose(eager.predict(x, batch_size=4, verbose=0), predicted, rtol=1e-6)
    assert puts  # uncompiled steps take JAX arrays, transferred by `device_put`
