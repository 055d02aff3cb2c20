"""The seminar's subclassed model: layers created in ``__init__``, connected in ``call``.

    KERAS_BACKEND=jax python examples/mnist_subclass.py    # or torch, tensorflow

``LAMINA_EXAMPLE_FAST=1`` trains one epoch on a small slice (the tests use it).
"""

import os
import sys

# As in Keras 3, choose the backend before the first import ("jax", "torch" or "tensorflow").
# A KERAS_BACKEND or LAMINA_BACKEND set in the shell is kept.
os.environ.setdefault("KERAS_BACKEND", "torch")

import lamina as keras  # noqa: E402
from lamina.datasets import mnist  # noqa: E402
from lamina.layers import Dense, Flatten  # noqa: E402


class MyModel(keras.Model):
    def __init__(self):
        super(MyModel, self).__init__()  # noqa: UP008 (the seminar's spelling)
        self.flatten = Flatten()
        self.dense1 = Dense(128, activation="relu")
        self.dense2 = Dense(10, activation="softmax")

    def call(self, inputs):
        x = self.flatten(inputs)
        x = self.dense1(x)
        return self.dense2(x)


FAST = os.environ.get("LAMINA_EXAMPLE_FAST") == "1"
print(f"Backend: {keras.backend.backend()}")

(x_train, y_train), (x_test, y_test) = mnist.load_data()
if FAST:
    x_train, y_train, x_test, y_test = x_train[:1000], y_train[:1000], x_test[:200], y_test[:200]
x_train, x_test = x_train.astype("float32") / 255, x_test.astype("float32") / 255
y_train = keras.utils.to_categorical(y_train, 10)
y_test = keras.utils.to_categorical(y_test, 10)

# Instantiate the model; calling it once on data creates its weights.
model = MyModel()
print(f"Output shape for 2 digits: {model(x_test[:2]).shape}")
model.summary()

if keras.backend.backend() == "numpy":
    print(f"Untrained predictions: {model.predict(x_test[:5], verbose=0).argmax(-1).tolist()}")
    print("The numpy backend is inference-only; training needs jax, torch or tensorflow.")
    sys.exit(0)

# Compile the model
model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])

# Train the model
model.fit(
    x_train, y_train, epochs=1 if FAST else 5, batch_size=32, validation_data=(x_test, y_test)
)

# Evaluate model
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"Test accuracy: {accuracy:.4f} (loss {loss:.4f})")
