"""Data-parallel MNIST on every device (or every process) with `lamina.distribution`.

One machine:

    XLA_FLAGS=--xla_force_host_platform_device_count=4 KERAS_BACKEND=jax \\
        python examples/distributed_mnist.py            # JAX: all devices of the process
    KERAS_BACKEND=tensorflow python examples/distributed_mnist.py   # MirroredStrategy
    KERAS_BACKEND=torch torchrun --nproc-per-node 2 examples/distributed_mnist.py

Several machines: see the README's "Distributed training" section (torchrun --nnodes,
JAX's KERAS_DISTRIBUTION_* variables, TF_CONFIG). ``batch_size`` is the global batch: each
step trains on the same samples as one device would. Only process 0 prints and saves.
``LAMINA_EXAMPLE_FAST=1`` trains one epoch on a small slice.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402

import lamina as keras  # noqa: E402
from lamina import layers  # noqa: E402
from lamina.datasets import mnist  # noqa: E402

FAST = os.environ.get("LAMINA_EXAMPLE_FAST") == "1"
MULTI_PROCESS = int(os.environ.get("WORLD_SIZE", "1")) > 1 or "TF_CONFIG" in os.environ
MULTI_PROCESS = MULTI_PROCESS or "KERAS_DISTRIBUTION_NUM_PROCESSES" in os.environ

# Join the other processes first (torchrun's RANK/WORLD_SIZE, TF_CONFIG, or KERAS_DISTRIBUTION_*).
if MULTI_PROCESS:
    keras.distribution.initialize()
chief = keras.distribution.process_id() == 0


def log(*args):
    if chief:
        print(*args, flush=True)


log(f"Backend: {keras.backend.backend()}; devices: {keras.distribution.list_devices()}")
(x_train, y_train), (x_test, y_test) = mnist.load_data()
if FAST:
    x_train, y_train, x_test, y_test = x_train[:1024], y_train[:1024], x_test[:256], y_test[:256]
x_train = np.expand_dims(x_train.astype("float32") / 255, -1)
x_test = np.expand_dims(x_test.astype("float32") / 255, -1)

# Everything built and trained inside the scope is distributed: the batch is split between
# the devices (processes), weights stay replicated and gradients are averaged.
keras.utils.set_random_seed(1337)  # the same initial weights and batch order everywhere
with keras.distribution.DataParallel().scope():
    model = keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(loss="sparse_categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
    model.fit(x_train, y_train, batch_size=256, epochs=1 if FAST else 3, verbose=2 if chief else 0)
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=256, verbose=0)

log(f"Test loss: {loss:.4f}, test accuracy: {accuracy:.4f}")
if chief and not FAST:
    model.save("distributed_mnist.lamina")
