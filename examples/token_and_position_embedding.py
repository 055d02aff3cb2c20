"""The seminar's custom layer, written once with `lamina.ops`, on every backend.

`TokenAndPositionEmbedding` adds a learned embedding of each token to a learned embedding of
its position. Here it feeds a small classifier on made-up data: is the majority of a
sequence's tokens from the lower half of the vocabulary?

    KERAS_BACKEND=jax python examples/token_and_position_embedding.py   # or torch, tensorflow

``LAMINA_EXAMPLE_FAST=1`` trains one short epoch (the tests use it).
"""

import os
import sys

# As in Keras 3, choose the backend before the first import ("jax", "torch" or "tensorflow").
# A KERAS_BACKEND or LAMINA_BACKEND set in the shell is kept.
os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402

import lamina as keras  # noqa: E402
from lamina import layers, ops  # noqa: E402


class TokenAndPositionEmbedding(keras.Layer):
    def __init__(self, max_length, vocab_size, embed_dim):
        super().__init__()
        self.token_embed = self.add_weight(
            shape=(vocab_size, embed_dim),
            initializer="random_uniform",
            trainable=True,
        )
        self.position_embed = self.add_weight(
            shape=(max_length, embed_dim),
            initializer="random_uniform",
            trainable=True,
        )

    def call(self, token_ids):
        # Embed positions
        length = token_ids.shape[-1]
        positions = ops.arange(0, length, dtype="int32")
        positions_vectors = ops.take(self.position_embed, positions, axis=0)
        # Embed tokens
        token_ids = ops.cast(token_ids, dtype="int32")
        token_vectors = ops.take(self.token_embed, token_ids, axis=0)
        # Sum both
        embed = token_vectors + positions_vectors
        # Normalize embeddings
        power_sum = ops.sum(ops.square(embed), axis=1, keepdims=True)
        return embed / ops.sqrt(ops.maximum(power_sum, 1e-7))


FAST = os.environ.get("LAMINA_EXAMPLE_FAST") == "1"
max_length, vocab_size, embed_dim = 15, 50, 32
print(f"Backend: {keras.backend.backend()}")

# Made-up data: label 1 when most tokens are below vocab_size / 2.
rng = np.random.default_rng(0)
n = 512 if FAST else 6000
tokens = rng.integers(0, vocab_size, size=(n, max_length)).astype("int32")
labels = ((tokens < vocab_size // 2).sum(axis=1) > max_length // 2).astype("int32")
split = n * 5 // 6

# The layer works on its own, eagerly...
embedding = TokenAndPositionEmbedding(max_length, vocab_size, embed_dim)
print(f"Embedded batch of 4: {tuple(embedding(tokens[:4]).shape)}")

# ...and inside a model.
inputs = keras.Input(shape=(max_length,), dtype="int32")
x = TokenAndPositionEmbedding(max_length, vocab_size, embed_dim)(inputs)
x = layers.GlobalAveragePooling1D()(x)
x = layers.Dense(32, activation="relu")(x)
outputs = layers.Dense(2, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.summary()

if keras.backend.backend() == "numpy":
    print(f"Untrained predictions: {model.predict(tokens[:5], verbose=0).argmax(-1).tolist()}")
    print("The numpy backend is inference-only; training needs jax, torch or tensorflow.")
    sys.exit(0)

model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(
    tokens[:split],
    labels[:split],
    batch_size=64,
    epochs=1 if FAST else 15,
    validation_split=0.1,
    verbose=2,
)
loss, accuracy = model.evaluate(tokens[split:], labels[split:], verbose=0)
print(f"Held-out accuracy: {accuracy:.4f} (loss {loss:.4f}; always guessing scores about 0.5)")
