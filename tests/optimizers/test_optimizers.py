"""Optimizers against Keras 3 (the oracle, on TensorFlow): the same weights, the same
gradients, five steps, the weights compared after every step; plus identifiers, configs,
argument checks, and a training step with the backend's own gradients."""

from __future__ import annotations

import os

import numpy as np
import pytest

os.environ.setdefault("KERAS_BACKEND", "tensorflow")

import lamina  # noqa: E402
from lamina import optimizers  # noqa: E402
from lamina.optimizers import schedules  # noqa: E402
from tests.conftest import requires_training, to_numpy  # noqa: E402

keras = pytest.importorskip("keras")

rng = np.random.default_rng(0)
X = rng.standard_normal((8, 3)).astype("float32")
Y = rng.standard_normal((8, 2)).astype("float32")
W0 = rng.standard_normal((3, 2)).astype("float32")
B0 = rng.standard_normal((2,)).astype("float32")
STEPS = 5


def grads_of(w, b):
    """Gradients of mean((X @ w + b - Y)**2), computed in NumPy (float64, cast to float32)."""
    w, b = np.asarray(w, np.float64), np.asarray(b, np.float64)
    residual = X @ w + b - Y
    scale = 2.0 / residual.size
    return [(scale * X.T @ residual).astype("float32"), (scale * residual.sum(0)).astype("float32")]


def run_lamina(opt):
    w = lamina.Variable(W0.copy(), name="w")
    b = lamina.Variable(B0.copy(), name="b")
    out = []
    for _ in range(STEPS):
        opt.apply(grads_of(to_numpy(w.value), to_numpy(b.value)), [w, b])
        out.append((to_numpy(w.value).copy(), to_numpy(b.value).copy()))
    return out


def run_keras(opt):
    w = keras.Variable(W0.copy(), name="w")
    b = keras.Variable(B0.copy(), name="b")
    out = []
    for _ in range(STEPS):
        g = grads_of(w.numpy(), b.numpy())
        opt.apply_gradients(zip(g, [w, b]))
        out.append((w.numpy().copy(), b.numpy().copy()))
    return out


CASES = [
    ("SGD", {}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("SGD", {"learning_rate": 0.1, "clipvalue": 0.05}),
    ("Adam", {"learning_rate": 0.05}),
    ("Adam", {"learning_rate": 0.05, "amsgrad": True, "beta_1": 0.8}),
    ("Adam", {"learning_rate": 0.05, "clipnorm": 0.1}),
    ("Adam", {"learning_rate": 0.05, "global_clipnorm": 0.2}),
    ("Adam", {"learning_rate": 0.05, "weight_decay": 0.1}),
    ("AdamW", {"learning_rate": 0.05}),
    ("AdamW", {"learning_rate": 0.05, "weight_decay": 0.2, "amsgrad": True}),
    ("RMSprop", {"learning_rate": 0.01}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5, "centered": True}),
    ("RMSprop", {"learning_rate": 0.01, "rho": 0.8, "momentum": 0.3}),
    ("Adagrad", {"learning_rate": 0.1}),
    ("Adagrad", {"learning_rate": 0.1, "initial_accumulator_value": 0.5, "epsilon": 1e-5}),
    ("Adadelta", {"learning_rate": 1.0}),
    ("Adadelta", {"learning_rate": 1.0, "rho": 0.9, "clipnorm": 0.5}),
    ("Adamax", {"learning_rate": 0.05}),
    ("Nadam", {"learning_rate": 0.05}),
    ("Nadam", {"learning_rate": 0.05, "beta_2": 0.99, "weight_decay": 0.05}),
    ("Lion", {"learning_rate": 0.01}),
    ("Lion", {"learning_rate": 0.01, "beta_1": 0.5, "beta_2": 0.9}),
]


@pytest.mark.parametrize("name,kwargs", CASES, ids=[f"{n}-{i}" for i, (n, _) in enumerate(CASES)])
def test_matches_keras(name, kwargs):
    ours = run_lamina(getattr(optimizers, name)(**kwargs))
    theirs = run_keras(getattr(keras.optimizers, name)(**kwargs))
    for step, ((w, b), (kw, kb)) in enumerate(zip(ours, theirs)):
        np.testing.assert_allclose(w, kw, rtol=1e-5, atol=1e-6, err_msg=f"{name} w, step {step}")
        np.testing.assert_allclose(b, kb, rtol=1e-5, atol=1e-6, err_msg=f"{name} b, step {step}")
    # The weights did move (a comparison of two unchanged copies would prove nothing).
    assert not np.allclose(ours[-1][0], W0)


SCHEDULES = [
    ("ExponentialDecay", {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5}),
    ("ExponentialDecay",
     {"initial_learning_rate": 0.1, "decay_steps": 2, "decay_rate": 0.5, "staircase": True}),
    ("InverseTimeDecay", {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.7}),
    ("InverseTimeDecay",
     {"initial_learning_rate": 0.1, "decay_steps": 3, "decay_rate": 0.7, "staircase": True}),
    ("PiecewiseConstantDecay", {"boundaries": [1, 3], "values": [0.1, 0.05, 0.01]}),
    ("PolynomialDecay", {"initial_learning_rate": 0.1, "decay_steps": 4, "power": 2.0}),
    ("PolynomialDecay",
     {"initial_learning_rate": 0.1, "decay_steps": 3, "end_learning_rate": 0.01, "cycle": True}),
    ("CosineDecay", {"initial_learning_rate": 0.1, "decay_steps": 6, "alpha": 0.1}),
    ("CosineDecay",
     {"initial_learning_rate": 0.0, "decay_steps": 6, "warmup_target": 0.1, "warmup_steps": 3}),
    ("CosineDecayRestarts", {"initial_learning_rate": 0.1, "first_decay_steps": 2}),
    ("CosineDecayRestarts",
     {"initial_learning_rate": 0.1, "first_decay_steps": 2, "t_mul": 1.0, "m_mul": 0.5,
      "alpha": 0.1}),
]  # fmt: skip


@pytest.mark.parametrize("name,kwargs", SCHEDULES, ids=[s[0] for s in SCHEDULES])
def test_schedule_values_match_keras(name, kwargs):
    ours = getattr(schedules, name)(**kwargs)
    theirs = getattr(keras.optimizers.schedules, name)(**kwargs)
    for step in [0, 1, 2, 3, 4, 5, 7, 9, 13]:
        got = float(to_numpy(ours(np.int64(step))))
        want = float(theirs(step))
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7, err_msg=f"step {step}")
    config = ours.get_config()
    again = type(ours).from_config(config)
    assert again.get_config() == config
    assert schedules.deserialize(schedules.serialize(ours)).get_config() == config


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop"])
def test_schedule_in_optimizer_matches_keras(name):
    kwargs = {
        "initial_learning_rate": 0.1,
        "decay_steps": 6,
        "alpha": 0.1,
        "warmup_target": 0.2,
        "warmup_steps": 2,
    }
    ours = run_lamina(getattr(optimizers, name)(learning_rate=schedules.CosineDecay(**kwargs)))
    theirs = run_keras(
        getattr(keras.optimizers, name)(
            learning_rate=keras.optimizers.schedules.CosineDecay(**kwargs)
        )
    )
    for (w, b), (kw, kb) in zip(ours, theirs):
        np.testing.assert_allclose(w, kw, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(b, kb, rtol=1e-5, atol=1e-6)


def test_iterations_learning_rate_and_slots():
    opt = optimizers.Adam(learning_rate=0.01)
    w = lamina.Variable(W0.copy(), name="w")
    assert int(to_numpy(opt.iterations.value)) == 0
    opt.apply([grads_of(W0, B0)[0]], [w])
    opt.apply([grads_of(W0, B0)[0]], [w])
    assert int(to_numpy(opt.iterations.value)) == 2
    # iterations, learning rate, then momentum and velocity for w
    assert len(opt.variables) == 4
    assert opt.get_slot(w, "momentum").shape == (3, 2)
    np.testing.assert_allclose(float(to_numpy(opt.learning_rate)), 0.01, rtol=1e-6)
    opt.learning_rate = 0.5
    np.testing.assert_allclose(float(to_numpy(opt.learning_rate)), 0.5)


@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
def test_whole_list_adam_matches_the_per_variable_rule(dtype):
    # Adam updates all variables in one backend call (PyTorch: a fused kernel on the CPU); it
    # must give what the per-variable rule (Keras's formulas) gives, in every dtype.
    rng = np.random.default_rng(3)
    starts = [rng.normal(size=(31, 7)), rng.normal(size=(7,))]
    grads = [[rng.normal(size=s.shape) for s in starts] for _ in range(6)]

    class PerVariableAdam(optimizers.Adam):
        update_variables = optimizers.Optimizer.update_variables

    results = []
    for cls in (optimizers.Adam, PerVariableAdam):
        opt = cls(learning_rate=0.05, epsilon=1e-3)
        ws = [lamina.Variable(s, dtype=dtype) for s in starts]
        for step in grads:
            # The first gradient is a transposed view (not contiguous), as the gradient of a
            # weight used transposed is.
            transposed = lamina.ops.transpose(lamina.ops.cast(step[0].T.copy(), dtype))
            opt.apply([transposed, lamina.ops.cast(step[1], dtype)], ws)
        results.append([to_numpy(w.value).astype("float64") for w in ws])
    tolerance = {"float32": 1e-6, "float64": 1e-12, "float16": 1e-2}[dtype]
    for fused, generic in zip(*results):
        np.testing.assert_allclose(fused, generic, rtol=tolerance, atol=tolerance)


@requires_training
def test_adam_training_a_large_model_matches_keras():
    # Past 50,000 parameters TensorFlow runs Adam's update as one XLA-compiled function inside
    # the step (PyTorch: a fused kernel; JAX: one program anyway): still Keras's arithmetic.
    rng = np.random.default_rng(5)
    x = rng.normal(size=(64, 200)).astype("float32")
    y = rng.integers(0, 3, size=(64,))
    weights = [
        rng.normal(size=(200, 256)).astype("float32") * 0.05,
        np.zeros(256, "float32"),
        rng.normal(size=(256, 3)).astype("float32") * 0.05,
        np.zeros(3, "float32"),
    ]
    trained = []
    for lib in (lamina, keras):
        model = lib.Sequential(
            [lib.Input((200,)), lib.layers.Dense(256, activation="relu"), lib.layers.Dense(3)]
        )
        model.set_weights(weights)
        model.compile(
            optimizer=lib.optimizers.Adam(0.01),
            loss=lib.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
        trained.append(model.get_weights())
    assert sum(w.size for w in weights) > 50_000
    for ours, theirs in zip(*trained):
        np.testing.assert_allclose(to_numpy(ours), theirs, rtol=1e-5, atol=5e-6)


def test_none_gradients_are_skipped():
    opt = optimizers.SGD(learning_rate=0.1)
    w = lamina.Variable(W0.copy(), name="w")
    b = lamina.Variable(B0.copy(), name="b")
    opt.apply([None, np.ones(2, "float32")], [w, b])
    np.testing.assert_array_equal(to_numpy(w.value), W0)
    np.testing.assert_allclose(to_numpy(b.value), B0 - 0.1, rtol=1e-6)


def test_loss_scale_factor_unscales_gradients():
    opt = optimizers.SGD(learning_rate=0.1, loss_scale_factor=4.0)
    w = lamina.Variable(np.zeros(2, "float32"), name="w")
    opt.apply([np.full(2, 4.0, "float32")], [w])
    np.testing.assert_allclose(to_numpy(w.value), [-0.1, -0.1], rtol=1e-6)
    np.testing.assert_allclose(float(to_numpy(opt.scale_loss(np.float32(2.0)))), 8.0)


def test_exclude_from_weight_decay():
    opt = optimizers.AdamW(learning_rate=0.1, weight_decay=0.5)
    w = lamina.Variable(np.ones(2, "float32"), name="w")
    b = lamina.Variable(np.ones(2, "float32"), name="bias")
    opt.exclude_from_weight_decay(var_names=["bias"])
    opt.apply([np.zeros(2, "float32"), np.zeros(2, "float32")], [w, b])
    np.testing.assert_allclose(to_numpy(w.value), [0.95, 0.95], rtol=1e-6)
    np.testing.assert_allclose(to_numpy(b.value), [1.0, 1.0])


@pytest.mark.parametrize("name", sorted(optimizers.ALL_OBJECTS_DICT))
def test_get_and_config_round_trip(name):
    opt = optimizers.get(name)
    assert type(opt).__name__.lower() == name
    config = optimizers.serialize(opt)
    again = optimizers.deserialize(config)
    assert type(again) is type(opt)
    assert again.get_config() == opt.get_config()
    # Keras accepts our config and gives the same hyperparameters back.
    keras_opt = getattr(keras.optimizers, type(opt).__name__).from_config(opt.get_config())
    for key, value in keras_opt.get_config().items():
        if key in opt.get_config() and key != "name":
            assert opt.get_config()[key] == pytest.approx(value), key


def test_get_identifiers():
    opt = optimizers.Adam()
    assert optimizers.get(opt) is opt
    assert isinstance(optimizers.get("Adam"), optimizers.Adam)
    assert isinstance(
        optimizers.get({"class_name": "SGD", "config": {"momentum": 0.5}}), optimizers.SGD
    )
    sched = schedules.ExponentialDecay(0.1, 10, 0.9)
    opt = optimizers.SGD(learning_rate=sched)
    again = optimizers.deserialize(optimizers.serialize(opt))
    assert isinstance(again._schedule, schedules.ExponentialDecay)
    with pytest.raises(ValueError, match="Valid names:.*'adam'"):
        optimizers.get("adamm")


def test_argument_errors():
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(momentum=1.5)
    with pytest.raises(ValueError, match="weight_decay"):
        optimizers.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="beta_1"):
        optimizers.Lion(beta_1=0.0)
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.Adam(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.ExponentialDecay(0.1, 0, 0.5)
    with pytest.raises(ValueError, match="one more entry"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1])
    with pytest.raises(TypeError, match="unexpected keyword"):
        optimizers.Adam(lr=0.1)


@requires_training
def test_training_with_backend_gradients_matches_keras():
    """Gradients from the active backend's autodiff, applied by Adam, track Keras."""
    trainer = lamina.backend.active.load("trainer")
    w = lamina.Variable(W0.copy(), name="w")
    b = lamina.Variable(B0.copy(), name="b")
    opt = optimizers.Adam(learning_rate=0.05)
    keras_opt = keras.optimizers.Adam(learning_rate=0.05)
    kw, kb = keras.Variable(W0.copy()), keras.Variable(B0.copy())

    def loss_fn():
        pred = lamina.ops.add(lamina.ops.matmul(X, w.value), b.value)
        return lamina.ops.mean(lamina.ops.square(lamina.ops.subtract(pred, Y)))

    for _ in range(STEPS):
        _, grads = trainer.value_and_grad(loss_fn, [w, b])
        opt.apply(grads, [w, b])
        keras_opt.apply_gradients(zip(grads_of(kw.numpy(), kb.numpy()), [kw, kb]))
        np.testing.assert_allclose(to_numpy(w.value), kw.numpy(), rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(to_numpy(b.value), kb.numpy(), rtol=1e-5, atol=1e-6)


@requires_training
@pytest.mark.parametrize("name", ["Adam", "Nadam", "RMSprop"])
def test_compiled_train_step_matches_eager(name):
    """The optimizer's update traced by jax.jit / tf.function (eager on torch) gives the eager
    result: iterations, slots and a schedule all live in Variables carried by the step."""
    trainer = lamina.backend.active.load("trainer")
    ops = lamina.ops

    def make():
        w = lamina.Variable(W0.copy(), name="w")
        b = lamina.Variable(B0.copy(), name="b")
        lr = schedules.ExponentialDecay(0.05, decay_steps=2, decay_rate=0.5)
        opt = getattr(optimizers, name)(learning_rate=lr, clipnorm=1.0)
        opt.build([w, b])

        def step(data):
            x, y = data

            def loss_fn():
                pred = ops.add(ops.matmul(x, w.value), b.value)
                return ops.mean(ops.square(ops.subtract(pred, y)))

            loss, grads = trainer.value_and_grad(loss_fn, [w, b])
            opt.apply(grads, [w, b])
            return loss

        return w, b, opt, step

    w1, b1, opt1, eager_step = make()
    w2, b2, opt2, step = make()
    compiled = trainer.compile_step(
        step, [w2, b2, *opt2.variables], jit_compile=trainer.default_jit_compile()
    )
    for _ in range(STEPS):
        eager_step((X, Y))
        compiled((X, Y))
    np.testing.assert_allclose(to_numpy(w2.value), to_numpy(w1.value), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(to_numpy(b2.value), to_numpy(b1.value), rtol=1e-5, atol=1e-6)
    assert int(to_numpy(opt2.iterations.value)) == STEPS
    assert not np.allclose(to_numpy(w2.value), W0)


@pytest.mark.parametrize(
    "name,kwargs",
    [("Adam", {"amsgrad": True}), ("RMSprop", {"centered": True, "momentum": 0.5}),
     ("SGD", {"momentum": 0.9}), ("Adadelta", {}), ("Lion", {})],
)  # fmt: skip
def test_variables_in_keras_order(name, kwargs):
    """Optimizer variables come in Keras's order and shapes (saved optimizer state lines up)."""
    ours = getattr(optimizers, name)(**kwargs)
    ours.build([lamina.Variable(W0, name="w"), lamina.Variable(B0, name="b")])
    theirs = getattr(keras.optimizers, name)(**kwargs)
    theirs.build([keras.Variable(W0, name="w"), keras.Variable(B0, name="b")])
    assert [v.name for v in ours.variables] == [v.name for v in theirs.variables]
    assert [tuple(v.shape) for v in ours.variables] == [tuple(v.shape) for v in theirs.variables]
