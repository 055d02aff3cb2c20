"""The model and data every distribution test trains, and a worker entry point.

``python tests/distribution/workload.py <kind> <out.npz>`` trains under a distribution in a
fresh process (launched by the tests: under torchrun, or with several JAX/TF CPU devices) and
saves the weights and the epoch losses, which the tests compare with one-device training.
"""

from __future__ import annotations

import os
import sys

import numpy as np

EPOCHS = 2
BATCH = 8  # the global batch
# A short last batch (43 = 5 x 8 + 3) retraces TensorFlow's step with an unknown batch size.
TF_SAMPLES = 43
# Multi-process JAX splits every global batch evenly between the processes: 6 batches of 8.
JAX_PROCESS_SAMPLES = 48


def data(n=43):
    # 43 samples: 5 full batches of 8 and a short last batch of 3 (split unevenly: 1 + 2).
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 6)).astype("float32")
    y = rng.normal(size=(n, 4)).astype("float32")
    return x, y


def make_model(optimizer="sgd"):
    import lamina
    from lamina import layers

    lamina.utils.set_random_seed(1)
    model = lamina.Sequential(
        [lamina.Input((6,)), layers.Dense(8, activation="tanh"), layers.Dense(4), layers.Dense(4)]
    )
    opt = lamina.optimizers.SGD(0.1, momentum=0.5) if optimizer == "sgd" else optimizer
    model.compile(optimizer=opt, loss="mse", metrics=["mae"])
    return model


def train(model, shuffle=False, n=43):
    x, y = data(n)
    history = model.fit(x, y, batch_size=BATCH, epochs=EPOCHS, verbose=0, shuffle=shuffle)
    evaluation = model.evaluate(x, y, batch_size=BATCH, verbose=0, return_dict=True)
    return history.history, evaluation


def save(path, model, history, evaluation, **extra):
    arrays = {f"w{i}": v.numpy() for i, v in enumerate(model.variables)}
    arrays.update({f"h_{k}": np.asarray(v) for k, v in history.items()})
    arrays.update({f"e_{k}": np.asarray(v) for k, v in evaluation.items()})
    arrays.update(extra)
    np.savez(path, **arrays)


def main(kind, out):
    import lamina
    from lamina import distribution

    if kind == "torch":
        distribution.initialize()
        model = make_model()
        with distribution.DataParallel().scope():
            history, evaluation = train(model, shuffle=True)
        rank = distribution.process_id()
        if rank == 0:
            save(out, model, history, evaluation, world=np.asarray(distribution.num_processes()))
        else:  # process 1 saves beside, so the test can check the replicas agree
            save(out.replace(".npz", f".rank{rank}.npz"), model, history, evaluation)
    elif kind == "tensorflow":
        import tensorflow as tf

        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration()] * 2
        )
        with distribution.DataParallel().scope():
            model = make_model()
            history, evaluation = train(model, n=TF_SAMPLES)
        replicas = model._dist_runner_cache[1].replicas
        save(out, model, history, evaluation, replicas=np.asarray(replicas))
    elif kind == "jax":  # 4 CPU devices (XLA_FLAGS): one device, DataParallel, ModelParallel
        base = make_model()
        train(base)
        dp = make_model()
        with distribution.DataParallel().scope():
            train(dp)
            placed = dp._dist_runner_cache[1].to_backend((np.zeros((8, 6)),), None)[0]
        mesh = distribution.DeviceMesh((2, 2), ["batch", "model"])
        layout_map = distribution.LayoutMap(mesh)
        layout_map[".*dense.*kernel"] = (None, "model")
        layout_map[".*dense.*bias"] = ("model",)
        mp = make_model()
        distribution.set_distribution(
            distribution.ModelParallel(layout_map=layout_map, batch_dim_name="batch")
        )
        train(mp)
        distribution.set_distribution(None)
        extra = {
            "devices": np.asarray(len(distribution.list_devices())),
            "batch_shards": np.asarray(len(placed.sharding.device_set)),
            "kernel_spec": np.asarray(str(mp.variables[0].value.sharding.spec)),
            "kernel_shard_shape": np.asarray(
                mp.variables[0].value.addressable_shards[0].data.shape
            ),
        }
        for name, m in (("dp", dp), ("mp", mp)):
            extra[f"{name}_diff"] = np.asarray(
                max(
                    np.abs(a.numpy() - b.numpy()).max() for a, b in zip(base.variables, m.variables)
                )
            )
        save(out, base, {}, {}, **extra)
    elif kind == "jax_processes":  # one of two processes (KERAS_DISTRIBUTION_* variables)
        distribution.initialize()
        model = make_model()
        with distribution.DataParallel().scope():
            history, evaluation = train(model, n=JAX_PROCESS_SAMPLES)
        if distribution.process_id() == 0:
            save(out, model, history, evaluation, world=np.asarray(distribution.num_processes()))
    elif kind == "tf_workers":  # one of two TF_CONFIG workers (MultiWorkerMirroredStrategy)
        distribution.initialize()
        with distribution.DataParallel().scope():
            model = make_model()
            history, evaluation = train(model, n=JAX_PROCESS_SAMPLES)
        if distribution.process_id() == 0:
            save(out, model, history, evaluation, world=np.asarray(distribution.num_processes()))
    else:
        raise SystemExit(f"unknown kind {kind!r}")
    del lamina


if __name__ == "__main__":
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    main(sys.argv[1], sys.argv[2])
