"""The seminar's Functional model: two parallel convolutions merged with `concatenate`.

The seminar's version joins a 3x3 and a 5x5 convolution whose outputs are 26x26 and 24x24,
which cannot be concatenated. Here both use ``padding="same"``, so both stay 28x28 and the
merge stacks their 32 + 32 channels.

    KERAS_BACKEND=jax python examples/mnist_functional.py    # or torch, tensorflow

``LAMINA_EXAMPLE_FAST=1`` trains one epoch on a small slice (the tests use it).
"""

import os
import sys

# As in Keras 3, choose the backend before the first import ("jax", "torch" or "tensorflow").
# A KERAS_BACKEND or LAMINA_BACKEND set in the shell is kept.
os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402

from lamina import Model, backend, layers, utils  # noqa: E402
from lamina.datasets import mnist  # noqa: E402

FAST = os.environ.get("LAMINA_EXAMPLE_FAST") == "1"
print(f"Backend: {backend.backend()}")

(x_train, y_train), (x_test, y_test) = mnist.load_data()
if FAST:
    x_train, y_train, x_test, y_test = x_train[:1000], y_train[:1000], x_test[:200], y_test[:200]
x_train = np.expand_dims(x_train.astype("float32") / 255, -1)
x_test = np.expand_dims(x_test.astype("float32") / 255, -1)
y_train, y_test = utils.to_categorical(y_train, 10), utils.to_categorical(y_test, 10)

# Define the input
inputs = layers.Input(shape=(28, 28, 1))

# Define two parallel layers
layer1 = layers.Conv2D(32, (3, 3), activation="relu", padding="same")(inputs)
layer2 = layers.Conv2D(32, (5, 5), activation="relu", padding="same")(inputs)

# Merge the outputs of the two layers: (28, 28, 32) + (28, 28, 32) -> (28, 28, 64)
merged = layers.concatenate([layer1, layer2])

# Add more layers after merging
x = layers.MaxPooling2D((2, 2))(merged)
x = layers.MaxPooling2D((2, 2))(x)
x = layers.Flatten()(x)
x = layers.Dropout(0.5)(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = Model(inputs=inputs, outputs=outputs)
model.summary()

if backend.backend() == "numpy":
    print(f"Untrained predictions: {model.predict(x_test[:5], verbose=0).argmax(-1).tolist()}")
    print("The numpy backend is inference-only; training needs jax, torch or tensorflow.")
    sys.exit(0)

model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=1 if FAST else 3, batch_size=128, validation_split=0.1)
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"Test accuracy: {accuracy:.4f} (loss {loss:.4f})")
