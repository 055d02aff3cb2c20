"""The MNIST demo: train one of the seed's models on MNIST and write what a person wants to see.

`run` loads MNIST, prints the model summary, trains with a progress bar, evaluates on the test
set, and writes into the output folder the trained model, ``metrics.json`` and three pictures
(learning curves, confusion matrix, misclassified digits). ``lamina demo mnist`` calls it.

Everything here uses Lamina's public API only, as a user's program would.
"""

from __future__ import annotations

import importlib.metadata
import json
import math
import os
import platform
import time
from typing import Any

import numpy as np

import lamina
from lamina import datasets, layers

MODELS = ("convnet", "mlp", "functional", "subclass")
INPUT_SHAPE = (28, 28, 1)
NUM_CLASSES = 10
# Epochs chosen so that each model trains in a few minutes on a 2-core CPU; the convnet
# reaches 99.0% test accuracy within 5 minutes on the default backend.
DEFAULT_EPOCHS = {"convnet": 10, "mlp": 10, "functional": 6, "subclass": 10}
# Adam's learning rate starts at LEARNING_RATE and follows a cosine down to
# LEARNING_RATE * FINAL_LR_FRACTION at the end of training: a larger start than Adam's
# default 1e-3 learns faster, and the small final rate settles the weights, so few epochs
# suffice and the last epoch's accuracy does not jitter.
LEARNING_RATE = 2e-3
FINAL_LR_FRACTION = 0.05
TRAINING_BACKENDS = ("jax", "torch", "tensorflow")

FILES = {
    "model": "model.lamina",
    "weights": "model.weights.safetensors",
    "architecture": "model.architecture.json",
    "metrics": "metrics.json",
    "learning_curves": "learning_curves.png",
    "confusion_matrix": "confusion_matrix.png",
    "misclassified": "misclassified.png",
}


class DemoError(RuntimeError):
    """The demo cannot run as asked (inference-only backend, bad option)."""


# The models ---------------------------------------------------------------------------------
def convnet() -> lamina.Model:
    """The classic Keras MNIST convnet: two conv/pool stages, dropout, a softmax classifier."""
    return lamina.Sequential(
        [
            layers.Input(shape=INPUT_SHAPE),
            layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ],
        name="convnet",
    )


def mlp() -> lamina.Model:
    """The seed's Sequential model: flatten, one hidden layer of 128, softmax."""
    return lamina.Sequential(
        [
            layers.Input(shape=INPUT_SHAPE),
            layers.Flatten(),
            layers.Dense(128, activation="relu"),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ],
        name="mlp",
    )


def functional() -> lamina.Model:
    """The seed's two-branch Functional model, made valid: both branches keep the 28x28 size
    (``padding="same"``) so that their outputs can be concatenated along the channels."""
    inputs = layers.Input(shape=INPUT_SHAPE)
    branch1 = layers.Conv2D(32, (3, 3), activation="relu", padding="same")(inputs)
    branch2 = layers.Conv2D(32, (5, 5), activation="relu", padding="same")(inputs)
    merged = layers.concatenate([branch1, branch2])
    x = layers.MaxPooling2D((2, 2))(merged)
    x = layers.MaxPooling2D((2, 2))(x)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.5)(x)
    outputs = layers.Dense(NUM_CLASSES, activation="softmax")(x)
    return lamina.Model(inputs=inputs, outputs=outputs, name="functional")


@lamina.saving.register_serializable(package="lamina_demo")
class MyModel(lamina.Model):
    """The seed's subclassed model: layers made in ``__init__``, wired in ``call``."""

    def __init__(self, hidden_units: int = 128, **kwargs):
        super().__init__(**kwargs)
        self.hidden_units = hidden_units
        self.flatten = layers.Flatten()
        self.dense1 = layers.Dense(hidden_units, activation="relu")
        self.dense2 = layers.Dense(NUM_CLASSES, activation="softmax")

    def call(self, inputs):
        x = self.flatten(inputs)
        x = self.dense1(x)
        return self.dense2(x)

    def get_config(self):
        return {"hidden_units": self.hidden_units, "name": self.name}


def subclass() -> lamina.Model:
    model = MyModel(name="my_model")
    model(np.zeros((1, *INPUT_SHAPE), "float32"))  # build the weights, so summary() can count them
    return model


def build_model(kind: str) -> lamina.Model:
    """A fresh, untrained model of the given kind (one of `MODELS`)."""
    builders = {"convnet": convnet, "mlp": mlp, "functional": functional, "subclass": subclass}
    if kind not in builders:
        raise DemoError(f"Unknown model {kind!r}. Choose one of: {', '.join(MODELS)}.")
    return builders[kind]()


# Data ---------------------------------------------------------------------------------------
def load_mnist(limit: int | None = None):
    """MNIST scaled to [0, 1] as float32 ``(n, 28, 28, 1)``, with one-hot float32 labels."""
    (x_train, y_train), (x_test, y_test) = datasets.mnist.load_data()
    if limit:
        x_train, y_train = x_train[:limit], y_train[:limit]
        x_test, y_test = x_test[:limit], y_test[:limit]

    def prep(x):
        return (x.astype("float32") / 255.0)[..., None]

    return (prep(x_train), y_train), (prep(x_test), y_test)


def one_hot(labels: np.ndarray) -> np.ndarray:
    return lamina.utils.to_categorical(labels, NUM_CLASSES).astype("float32")


def make_optimizer(samples: int, epochs: int, batch_size: int, validation_split: float):
    """Adam with a cosine-decayed learning rate spanning the whole training run."""
    steps = epochs * max(1, math.ceil(int(samples * (1 - validation_split)) / batch_size))
    schedule = lamina.optimizers.schedules.CosineDecay(
        LEARNING_RATE, decay_steps=steps, alpha=FINAL_LR_FRACTION
    )
    return lamina.optimizers.Adam(learning_rate=schedule)


# Saving and loading -------------------------------------------------------------------------
def save_trained(model: lamina.Model, out: str, kind: str) -> dict[str, str]:
    """Write the model with ``model.save`` when Lamina has it; else its weights
    (``model.save_weights``, safetensors) and a JSON description of its layers. Returns the
    files written."""
    if hasattr(model, "save"):
        path = os.path.join(out, FILES["model"])
        model.save(path)
        return {"model": path}
    weights_path = os.path.join(out, FILES["weights"])
    model.save_weights(weights_path)
    arch = {
        "model": kind,
        "class_name": type(model).__name__,
        "input_shape": list(INPUT_SHAPE),
        "rebuild": f"lamina.demo.mnist.build_model({kind!r})",
        "layers": [
            {"class_name": type(layer).__name__, "name": layer.name, "config": layer.get_config()}
            for layer in model.layers
        ],
    }
    arch_path = os.path.join(out, FILES["architecture"])
    with open(arch_path, "w") as f:
        json.dump(arch, f, indent=2, default=str)
    return {"weights": weights_path, "architecture": arch_path}


def load_trained(out: str) -> lamina.Model:
    """Load the model a demo run wrote into `out` (a saved model, or weights and architecture)."""
    model_path = os.path.join(out, FILES["model"])
    if os.path.exists(model_path):
        loader = getattr(lamina.saving, "load_model", None) or lamina.models.load_model
        return loader(model_path)
    with open(os.path.join(out, FILES["architecture"])) as f:
        kind = json.load(f)["model"]
    model = build_model(kind)
    model.load_weights(os.path.join(out, FILES["weights"]))
    return model


# Reporting ----------------------------------------------------------------------------------
def versions(backend: str) -> dict[str, str]:
    """Versions of Python, Lamina, NumPy, the backend's framework and matplotlib."""
    packages = {
        "jax": ("jax", "jaxlib"),
        "torch": ("torch",),
        "tensorflow": ("tensorflow", "tensorflow-cpu"),
        "numpy": (),
    }[backend]
    out = {"python": platform.python_version(), "lamina": lamina.__version__}
    for name in ("numpy", *packages, "matplotlib"):
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            pass
    return out


class _EpochTimer(lamina.callbacks.Callback):
    """Records each epoch's wall time (training and validation)."""

    def __init__(self):
        super().__init__()
        self.times: list[float] = []
        self._start = 0.0

    def on_epoch_begin(self, epoch, logs=None):
        self._start = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.times.append(time.perf_counter() - self._start)


def confusion_matrix(true: np.ndarray, pred: np.ndarray, n: int = NUM_CLASSES) -> np.ndarray:
    """Counts of (true, predicted) pairs: rows are true labels, columns predictions."""
    return np.bincount(true.astype(int) * n + pred.astype(int), minlength=n * n).reshape(n, n)


def _duration(seconds: float) -> str:
    return f"{seconds:.1f} s" if seconds < 90 else f"{int(seconds // 60)} min {seconds % 60:.0f} s"


# The demo -----------------------------------------------------------------------------------
def run(
    model: str = "convnet",
    epochs: int | None = None,
    batch_size: int = 128,
    out: str = "demo_output",
    limit: int | None = None,
    validation_split: float = 0.1,
    seed: int = 1337,
    verbose: int = 1,
    print_fn=print,
) -> dict[str, Any]:
    """Train `model` on MNIST and write the trained model, ``metrics.json`` and pictures to `out`.

    Args:
        model: one of ``convnet``, ``mlp``, ``functional``, ``subclass``.
        epochs: training epochs (default: `DEFAULT_EPOCHS` for the model).
        batch_size: samples per training step.
        out: the output folder (created if needed).
        limit: use only the first `limit` training and test samples (quick checks).
        validation_split: the fraction of the training data held out for validation.
        seed: the random seed for weights, dropout and shuffling.
        verbose: 1 shows a progress bar, 2 one line per epoch, 0 nothing from `fit`.
        print_fn: where the demo's own messages go.

    Returns:
        ``{"metrics": <what metrics.json holds>, "files": {name: path}, "model": the model}``.
    """
    backend = lamina.backend.backend()
    if backend not in TRAINING_BACKENDS:
        raise DemoError(
            f"The {backend} backend runs inference only, so it cannot train the demo's model. "
            "Training needs jax, torch or tensorflow: run `lamina demo mnist --backend torch` "
            "(or set LAMINA_BACKEND / KERAS_BACKEND)."
        )
    if model not in MODELS:
        raise DemoError(f"Unknown model {model!r}. Choose one of: {', '.join(MODELS)}.")
    epochs = DEFAULT_EPOCHS[model] if epochs is None else epochs
    if epochs < 1 or batch_size < 1:
        raise DemoError(f"`epochs` and `batch_size` must be >= 1. Received: {epochs}, {batch_size}")
    from lamina.demo import plots

    pictures = plots.have_matplotlib()
    if not pictures:
        print_fn(
            "matplotlib is not installed, so no pictures will be drawn: pip install 'lamina[demo]'."
        )
    out = os.path.abspath(out)
    os.makedirs(out, exist_ok=True)
    started = time.perf_counter()
    lamina.utils.set_random_seed(seed)

    print_fn(f"Lamina {lamina.__version__} MNIST demo: model {model}, backend {backend}.")
    (x_train, y_train), (x_test, y_test) = load_mnist(limit)
    print_fn(
        f"MNIST: {len(x_train)} training images ({validation_split:.0%} held out for "
        f"validation), {len(x_test)} test images."
    )
    net = build_model(model)
    net.summary(print_fn=print_fn)
    net.compile(
        optimizer=make_optimizer(len(x_train), epochs, batch_size, validation_split),
        loss="categorical_crossentropy",
        metrics=["accuracy"],
    )

    timer = _EpochTimer()
    print_fn(f"Training for {epochs} epoch(s), batch size {batch_size}:")
    train_start = time.perf_counter()
    history = net.fit(
        x_train,
        one_hot(y_train),
        batch_size=batch_size,
        epochs=epochs,
        validation_split=validation_split,
        callbacks=[timer],
        verbose=verbose,
    )
    train_time = time.perf_counter() - train_start

    scores = net.evaluate(x_test, one_hot(y_test), batch_size=512, verbose=0, return_dict=True)
    test_loss, test_acc = float(scores["loss"]), float(scores["accuracy"])
    probs = np.asarray(net.predict(x_test, batch_size=512, verbose=0))
    pred = probs.argmax(axis=-1)
    matrix = confusion_matrix(y_test, pred)
    wrong = np.flatnonzero(pred != y_test)
    print_fn(
        f"Test accuracy: {test_acc:.2%} (loss {test_loss:.4f}); "
        f"{len(wrong)} of {len(y_test)} test digits misclassified."
    )

    files = save_trained(net, out, model)
    hist = {k: [float(v) for v in vals] for k, vals in history.history.items()}
    label = f"MNIST {model} on {backend}"
    if pictures:
        files["learning_curves"] = plots.learning_curves(
            hist,
            os.path.join(out, FILES["learning_curves"]),
            title=f"{label}: learning curves",
            test={"loss": test_loss, "accuracy": test_acc},
        )
        files["confusion_matrix"] = plots.confusion_matrix_plot(
            matrix,
            os.path.join(out, FILES["confusion_matrix"]),
            title=f"{label}: confusion matrix, test accuracy {test_acc:.2%}",
        )
        files["misclassified"] = plots.misclassified_grid(
            x_test[wrong],
            y_test[wrong],
            pred[wrong],
            probs[wrong, pred[wrong]],
            os.path.join(out, FILES["misclassified"]),
            title=f"{label}: {len(wrong)} misclassified test digits",
        )
    metrics = {
        "dataset": "mnist",
        "model": model,
        "backend": backend,
        "test_loss": test_loss,
        "test_accuracy": test_acc,
        "epochs": epochs,
        "batch_size": batch_size,
        "optimizer": f"Adam, learning rate {LEARNING_RATE:g} cosine-decayed to "
        f"{LEARNING_RATE * FINAL_LR_FRACTION:g}",
        "validation_split": validation_split,
        "train_samples": len(x_train),
        "test_samples": len(x_test),
        "epoch_times_s": [round(t, 3) for t in timer.times],
        "train_time_s": round(train_time, 3),
        "total_time_s": round(time.perf_counter() - started, 3),
        "history": hist,
        "confusion_matrix": matrix.tolist(),
        "misclassified": int(len(wrong)),
        "parameters": int(net.count_params()),
        "seed": seed,
        "versions": versions(backend),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "files": {k: os.path.basename(v) for k, v in files.items()},
    }
    files["metrics"] = os.path.join(out, FILES["metrics"])
    metrics["files"]["metrics"] = FILES["metrics"]
    with open(files["metrics"], "w") as f:
        json.dump(metrics, f, indent=2)

    print_fn(f"\nDone in {_duration(time.perf_counter() - started)}. The results are in {out}:")
    descriptions = {
        "model": "the trained model (lamina.models.load_model)",
        "weights": "the trained weights (model.load_weights)",
        "architecture": "the model's layers and their configs",
        "metrics": "test loss and accuracy, epoch times, backend, versions",
        "learning_curves": "loss and accuracy per epoch, training and validation",
        "confusion_matrix": "true digits against predicted digits",
        "misclassified": "the test digits the model got wrong",
    }
    for key, path in files.items():
        print_fn(f"  {os.path.basename(path):<26} {descriptions[key]}")
    return {"metrics": metrics, "files": files, "model": net}
