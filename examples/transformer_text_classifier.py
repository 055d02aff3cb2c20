"""A small transformer classifies made-up token sequences; the task needs attention.

Each sequence holds random filler tokens and, somewhere, the two marker words A and B. The
label is 1 when A comes before B and 0 otherwise. Bag-of-words models cannot see order, so
they stay at chance (0.5); self-attention with position embeddings solves it (>= 0.9).

    KERAS_BACKEND=jax python examples/transformer_text_classifier.py   # or torch, tensorflow
    python examples/transformer_text_classifier.py 2000                # fewer samples

``LAMINA_EXAMPLE_FAST=1`` runs a short version (fewer samples and epochs).
"""

import os
import sys

os.environ.setdefault("KERAS_BACKEND", "jax")

import numpy as np  # noqa: E402

import lamina as keras  # noqa: E402
from lamina import layers, ops  # noqa: E402
from lamina.layers.attention import MultiHeadAttention  # noqa: E402


class TokenAndPositionEmbedding(keras.Layer):
    """The seed's layer: a token embedding plus a learned position embedding."""

    def __init__(self, maxlen, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.token_emb = layers.Embedding(vocab_size, embed_dim)
        self.pos_emb = layers.Embedding(maxlen, embed_dim)

    def call(self, x):
        positions = ops.arange(0, ops.shape(x)[-1], dtype="int32")
        return self.token_emb(x) + self.pos_emb(positions)


def transformer_block(x, embed_dim, num_heads, ff_dim, rate=0.1):
    attention = MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim // num_heads)(x, x)
    x = layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, layers.Dropout(rate)(attention)]))
    ff = layers.Dense(ff_dim, activation="relu")(x)
    ff = layers.Dense(embed_dim)(ff)
    return layers.LayerNormalization(epsilon=1e-6)(layers.Add()([x, layers.Dropout(rate)(ff)]))


def make_data(n, maxlen, vocab_size, rng):
    """Filler tokens 3..vocab-1; marker A=1 and B=2 at two random places; label = A before B."""
    x = rng.integers(3, vocab_size, size=(n, maxlen)).astype("int32")
    for row in x:
        i, j = rng.choice(maxlen, size=2, replace=False)
        row[i], row[j] = 1, 2
    y = (np.argmax(x == 1, axis=1) < np.argmax(x == 2, axis=1)).astype("int32")
    return x, y


FAST = os.environ.get("LAMINA_EXAMPLE_FAST") == "1"
n = int(sys.argv[1]) if len(sys.argv) > 1 else (1500 if FAST else 6000)
epochs = 8 if FAST else 12
maxlen, vocab_size, embed_dim = 12, 30, 32
print(f"Backend: {keras.backend.backend()}")

keras.utils.set_random_seed(0)
rng = np.random.default_rng(0)
x_train, y_train = make_data(n, maxlen, vocab_size, rng)
x_test, y_test = make_data(max(n // 5, 200), maxlen, vocab_size, rng)

inputs = keras.Input(shape=(maxlen,), dtype="int32")
x = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim)(inputs)
x = transformer_block(x, embed_dim, num_heads=2, ff_dim=64)
x = layers.GlobalAveragePooling1D()(x)
x = layers.Dense(32, activation="relu")(x)
outputs = layers.Dense(2, activation="softmax")(x)
model = keras.Model(inputs, outputs)
model.summary()

if keras.backend.backend() == "numpy":
    print(f"Untrained predictions: {model.predict(x_test[:5], verbose=0).argmax(-1).tolist()}")
    print("The numpy backend is inference-only; training needs jax, torch or tensorflow.")
    sys.exit(0)

model.compile(
    optimizer=keras.optimizers.Adam(2e-3),
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
)
model.fit(x_train, y_train, batch_size=32, epochs=epochs, verbose=2)
loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"Test accuracy: {accuracy:.4f} (loss {loss:.4f}; chance is 0.5, the target >= 0.9)")
