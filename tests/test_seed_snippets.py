"""Every code snippet of the seed document (`shared/seed/keras-seminar.txt`), as a test.

Written as a user would: `import lamina as keras`, `from lamina import layers, ops`.
"""

import numpy as np
import pytest

import lamina as keras
from lamina import layers, ops
from lamina.layers import Conv2D, Dense, Flatten, MaxPooling2D
from lamina.models import Model, Sequential
from tests.conftest import requires_training


def _mnist_like(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.random((n, 28, 28)).astype("float32")
    y = keras.utils.to_categorical(rng.integers(0, 10, size=n), 10)
    return x, y


def test_sequential_mlp_snippet():
    model = Sequential(
        [
            Flatten(input_shape=(28, 28)),
            Dense(128, activation="relu"),
            Dense(10, activation="softmax"),
        ]
    )
    assert model.count_params() == 101_770
    assert tuple(model(np.zeros((2, 28, 28), "float32")).shape) == (2, 10)


def test_sequential_add_snippet():
    model = Sequential()
    model.add(Conv2D(32, (3, 3), activation="relu", input_shape=(28, 28, 1)))
    model.add(MaxPooling2D((2, 2)))
    model.add(Conv2D(64, (3, 3), activation="relu"))
    model.add(Flatten())
    model.add(Dense(10, activation="softmax"))
    assert model.output_shape == (None, 10)


def test_functional_snippet_as_written_raises_a_clear_error():
    # The seed concatenates 26x26 and 24x24 feature maps: Keras raises ValueError; so do we,
    # naming the axis and the fix.
    inputs = layers.Input(shape=(28, 28, 1))
    layer1 = layers.Conv2D(32, (3, 3), activation="relu")(inputs)
    layer2 = layers.Conv2D(32, (5, 5), activation="relu")(inputs)
    with pytest.raises(ValueError) as info:
        layers.concatenate([layer1, layer2])
    message = str(info.value)
    assert "26" in message and "24" in message and "same" in message


def test_functional_snippet_made_valid():
    inputs = layers.Input(shape=(28, 28, 1))
    layer1 = layers.Conv2D(32, (3, 3), activation="relu", padding="same")(inputs)
    layer2 = layers.Conv2D(32, (5, 5), activation="relu", padding="SAME")(inputs)
    merged = layers.concatenate([layer1, layer2])
    x = layers.MaxPooling2D((2, 2))(merged)
    x = layers.Flatten()(x)
    outputs = layers.Dense(10, activation="softmax")(x)
    model = Model(inputs=inputs, outputs=outputs)
    assert model.output_shape == (None, 10)
    assert tuple(model(np.zeros((2, 28, 28, 1), "float32")).shape) == (2, 10)


class MyModel(keras.Model):
    def __init__(self):
        super(MyModel, self).__init__()  # noqa: UP008 (written as in the seed)
        self.flatten = Flatten()
        self.dense1 = Dense(128, activation="relu")
        self.dense2 = Dense(10, activation="softmax")

    def call(self, inputs):
        x = self.flatten(inputs)
        x = self.dense1(x)
        return self.dense2(x)


@requires_training
@pytest.mark.parametrize("style", ["sequential", "functional", "subclass"])
def test_compile_fit_evaluate_snippet(style):
    x_train, y_train = _mnist_like(64)
    x_test, y_test = _mnist_like(32, seed=1)
    if style == "sequential":
        model = Sequential(
            [
                Flatten(input_shape=(28, 28)),
                Dense(128, activation="relu"),
                Dense(10, activation="softmax"),
            ]
        )
    elif style == "functional":
        inputs = layers.Input(shape=(28, 28))
        outputs = Dense(10, activation="softmax")(Dense(128, activation="relu")(Flatten()(inputs)))
        model = Model(inputs=inputs, outputs=outputs)
    else:
        model = MyModel()
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(
        x_train, y_train, epochs=2, batch_size=32, validation_data=(x_test, y_test), verbose=0
    )
    assert set(history.history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    assert np.isfinite(loss) and 0.0 <= accuracy <= 1.0


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


def test_token_and_position_embedding_eager_and_symbolic():
    layer = TokenAndPositionEmbedding(max_length=6, vocab_size=20, embed_dim=4)
    ids = np.array([[1, 2, 3, 4, 5, 6], [0, 0, 7, 8, 9, 19]])
    out = ops.convert_to_numpy(layer(ids))
    assert out.shape == (2, 6, 4)
    # The seed normalizes over axis 1 (positions): each column has unit norm.
    np.testing.assert_allclose(np.sqrt((out**2).sum(axis=1)), 1.0, rtol=1e-5)
    symbolic = layer(keras.Input(shape=(6,), dtype="int32"))
    assert symbolic.shape == (None, 6, 4)
    assert len(layer.trainable_weights) == 2


@requires_training
def test_token_and_position_embedding_trains():
    inputs = keras.Input(shape=(6,), dtype="int32")
    x = TokenAndPositionEmbedding(6, 20, 8)(inputs)
    outputs = Dense(1, activation="sigmoid")(Flatten()(x))
    model = Model(inputs, outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy")
    ids = np.random.default_rng(0).integers(0, 20, size=(32, 6))
    history = model.fit(ids, (ids[:, :1] > 10).astype("float32"), epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"][-1])
