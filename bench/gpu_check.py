"""GPU path check for one backend: where weights live, that training runs, time per step.

LAMINA_BACKEND=torch python bench/gpu_check.py [path/to/mnist.npz]
"""

import os
import sys
import time

import numpy as np

import lamina
from lamina import layers


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else ""
    if os.path.exists(path):
        with np.load(path) as f:
            x, y = f["x_train"][:12800], f["y_train"][:12800]
    else:
        rng = np.random.default_rng(0)
        x, y = rng.integers(0, 255, (12800, 28, 28), dtype="uint8"), rng.integers(0, 10, 12800)
    x = (x.astype("float32") / 255.0)[..., None]
    model = lamina.Sequential(
        [
            lamina.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Conv2D(64, 3, activation="relu"),
            layers.MaxPooling2D(),
            layers.Flatten(),
            layers.Dropout(0.5),
            layers.Dense(10, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    kernel = model.layers[0].kernel.value
    print(
        f"[{lamina.backend.backend()}] kernel device: {getattr(kernel, 'device', None) or kernel.devices()}"
    )
    model.fit(x[:1280], y[:1280], batch_size=128, epochs=1, verbose=0)  # warm-up / compile
    start = time.time()
    history = model.fit(x, y, batch_size=128, epochs=2, verbose=0)
    seconds = (time.time() - start) / 2
    print(
        f"[{lamina.backend.backend()}] {len(x) // 128} steps/epoch: {seconds:.2f} s/epoch, "
        f"{seconds / (len(x) / 128) * 1e3:.2f} ms/step; losses {history.history['loss']}"
    )


if __name__ == "__main__":
    main()
