"""The seminar's convnet on MNIST: Conv2D, MaxPooling2D, Conv2D, MaxPooling2D, Dropout, Dense.

Run it on any training backend, chosen as with Keras 3:

    KERAS_BACKEND=jax python examples/mnist_convnet.py     # or torch, tensorflow
    LAMINA_BACKEND=tensorflow python examples/mnist_convnet.py

With the default settings it reaches about 99% test accuracy. ``LAMINA_EXAMPLE_FAST=1`` trains
one epoch on a small slice (the tests use it).
"""

import os
import sys

# As in Keras 3, choose the backend before the first import ("jax", "torch" or "tensorflow").
# A KERAS_BACKEND or LAMINA_BACKEND set in the shell is kept.
os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402

import lamina as keras  # noqa: E402
from lamina import layers  # noqa: E402
from lamina.datasets import mnist  # noqa: E402

FAST = os.environ.get("LAMINA_EXAMPLE_FAST") == "1"
num_classes = 10
input_shape = (28, 28, 1)
batch_size = 128
epochs = 1 if FAST else 10

print(f"Backend: {keras.backend.backend()}")

# The data: scale pixels to [0, 1], add the channel axis, one-hot encode the labels.
(x_train, y_train), (x_test, y_test) = mnist.load_data()
if FAST:
    x_train, y_train, x_test, y_test = x_train[:1000], y_train[:1000], x_test[:200], y_test[:200]
x_train = np.expand_dims(x_train.astype("float32") / 255, -1)
x_test = np.expand_dims(x_test.astype("float32") / 255, -1)
y_train = keras.utils.to_categorical(y_train, num_classes)
y_test = keras.utils.to_categorical(y_test, num_classes)
print(f"x_train shape: {x_train.shape}; {len(x_train)} train and {len(x_test)} test samples")

model = keras.Sequential(
    [
        keras.Input(shape=input_shape),
        layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(num_classes, activation="softmax"),
    ]
)
model.summary()

if keras.backend.backend() == "numpy":
    # The NumPy backend runs inference only: show a prediction of the untrained model.
    probs = model.predict(x_test[:5], verbose=0)
    print(f"Untrained predictions for 5 test digits: {probs.argmax(axis=-1).tolist()}")
    print(
        "The numpy backend is inference-only; training needs jax, torch or tensorflow, e.g. "
        "KERAS_BACKEND=torch python examples/mnist_convnet.py"
    )
    sys.exit(0)

model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, validation_split=0.1)

score = model.evaluate(x_test, y_test, verbose=0)
print(f"Test loss: {score[0]:.4f}")
print(f"Test accuracy: {score[1]:.4f}")
