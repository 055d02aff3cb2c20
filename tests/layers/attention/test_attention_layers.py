"""Attention layers against Keras 3 (TF backend) with the same weights, on every backend."""

import numpy as np
import pytest

import lamina
from lamina.layers.attention import (
    AdditiveAttention,
    Attention,
    GroupedQueryAttention,
    GroupQueryAttention,
    MultiHeadAttention,
)
from tests.conftest import BACKEND, TRAINING_BACKENDS, to_numpy

keras = pytest.importorskip("keras")

RNG = np.random.default_rng(0)
Q = RNG.normal(size=(2, 4, 6)).astype("float32")
V = RNG.normal(size=(2, 5, 6)).astype("float32")
KEY = RNG.normal(size=(2, 5, 3)).astype("float32")
Q_MASK = np.array([[1, 1, 1, 0], [1, 1, 0, 0]], bool)
V_MASK = np.array([[1, 1, 1, 1, 0], [1, 1, 0, 0, 0]], bool)
ATT_MASK = RNG.random((2, 4, 5)) > 0.3
CUSTOM = {
    "MultiHeadAttention": MultiHeadAttention,
    "GroupQueryAttention": GroupQueryAttention,
    "Attention": Attention,
    "AdditiveAttention": AdditiveAttention,
}


def keras_masked(x, mask):
    """A TF tensor carrying a Keras mask (how Keras's MHA receives query masks)."""
    import tensorflow as tf

    t = tf.constant(x)
    if mask is not None:
        t._keras_mask = tf.constant(mask)
    return t


def pair(lamina_cls, keras_cls, **kwargs):
    return lamina_cls(**kwargs), keras_cls(**kwargs)


def run_both(ours, theirs, args, kwargs, keras_kwargs=None):
    """Build Keras's layer, copy its weights into ours, and return both outputs as NumPy."""
    want = theirs(*args, **(keras_kwargs if keras_kwargs is not None else kwargs))
    ours(*args, **kwargs)  # build
    weights = theirs.get_weights()
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in weights]
    ours.set_weights(weights)
    got = ours(*args, **kwargs)
    flat_got = got if isinstance(got, tuple) else (got,)
    flat_want = want if isinstance(want, tuple) else (want,)
    return [to_numpy(g) for g in flat_got], [keras.ops.convert_to_numpy(w) for w in flat_want]


MHA_CASES = {
    "self": (dict(num_heads=2, key_dim=3), (Q, Q), {}),
    "cross_key": (dict(num_heads=2, key_dim=3, value_dim=4), (Q, V, KEY), {}),
    "attention_mask": (dict(num_heads=2, key_dim=3), (Q, V), dict(attention_mask=ATT_MASK)),
    "causal": (dict(num_heads=3, key_dim=2), (Q, Q), dict(use_causal_mask=True)),
    "causal_cross_mask": (
        dict(num_heads=2, key_dim=2),
        (Q, V),
        dict(use_causal_mask=True, attention_mask=ATT_MASK),
    ),
    "scores": (dict(num_heads=2, key_dim=3), (Q, V), dict(return_attention_scores=True)),
    "scores_masked": (
        dict(num_heads=2, key_dim=3, use_bias=False),
        (Q, V),
        dict(return_attention_scores=True, attention_mask=ATT_MASK),
    ),
    "output_shape": (dict(num_heads=2, key_dim=3, output_shape=(7,)), (Q, V), {}),
}


@pytest.mark.parametrize("case", list(MHA_CASES))
def test_mha_matches_keras(case):
    init, args, kwargs = MHA_CASES[case]
    ours, theirs = pair(MultiHeadAttention, keras.layers.MultiHeadAttention, **init)
    got, want = run_both(ours, theirs, args, kwargs)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.shape == w.shape
        np.testing.assert_allclose(g, w, atol=1e-5)


@pytest.mark.parametrize("with_scores", [False, True])
def test_mha_query_and_value_masks(with_scores):
    ours, theirs = pair(MultiHeadAttention, keras.layers.MultiHeadAttention, num_heads=2, key_dim=3)
    kw = dict(return_attention_scores=with_scores)
    want = theirs(keras_masked(Q, Q_MASK), keras_masked(V, V_MASK), **kw)
    ours(Q, V)
    ours.set_weights(theirs.get_weights())
    got = ours(Q, V, query_mask=Q_MASK, value_mask=V_MASK, **kw)
    for g, w in zip(got if with_scores else [got], want if with_scores else [want]):
        np.testing.assert_allclose(to_numpy(g), keras.ops.convert_to_numpy(w), atol=1e-5)


def test_mha_attention_axes():
    x = RNG.normal(size=(2, 3, 4, 5)).astype("float32")
    for axes in [(2,), (1, 2)]:
        ours, theirs = pair(
            MultiHeadAttention,
            keras.layers.MultiHeadAttention,
            num_heads=2,
            key_dim=2,
            attention_axes=axes,
        )
        got, want = run_both(ours, theirs, (x, x), dict(return_attention_scores=True))
        for g, w in zip(got, want):
            np.testing.assert_allclose(g, w, atol=1e-5)


def test_mha_symbolic_shapes():
    layer = MultiHeadAttention(num_heads=2, key_dim=3)
    q, v = lamina.Input((4, 6)), lamina.Input((5, 8))
    out, scores = layer(q, v, return_attention_scores=True)
    assert out.shape == (None, 4, 6) and scores.shape == (None, 2, 4, 5)
    assert [w.shape for w in layer.weights] == [
        (6, 2, 3), (2, 3), (8, 2, 3), (2, 3), (8, 2, 3), (2, 3), (2, 3, 6), (6,)
    ]  # fmt: skip


def test_mha_functional_masks_from_embedding():
    """An Embedding(mask_zero=True) upstream masks padded keys and queries, as in Keras."""
    tokens = np.array([[3, 5, 2, 0, 0], [4, 1, 0, 0, 0]], "int32")

    def build(lib):
        inputs = lib.Input((5,), dtype="int32")
        x = lib.layers.Embedding(8, 6, mask_zero=True)(inputs)
        cls = MultiHeadAttention if lib is lamina else keras.layers.MultiHeadAttention
        x = cls(num_heads=2, key_dim=3)(x, x)
        return lib.Model(inputs, x)

    ours, theirs = build(lamina), build(keras)
    ours.set_weights(theirs.get_weights())
    want = keras.ops.convert_to_numpy(theirs(tokens))
    np.testing.assert_allclose(to_numpy(ours(tokens)), want, atol=1e-5)
    # The padding really is masked: changing a padded token's embedding changes nothing real.
    unmasked = MultiHeadAttention(num_heads=2, key_dim=3)
    emb = to_numpy(ours.layers[1](tokens))
    unmasked(emb, emb)
    unmasked.set_weights(ours.layers[2].get_weights())
    assert not np.allclose(to_numpy(unmasked(emb, emb)), want, atol=1e-4)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        dict(use_causal_mask=True),
        dict(attention_mask=ATT_MASK),
        dict(return_attention_scores=True),
    ],
)
def test_gqa_matches_keras(kwargs):
    init = dict(head_dim=3, num_query_heads=4, num_key_value_heads=2)
    ours, theirs = pair(GroupQueryAttention, keras.layers.GroupQueryAttention, **init)
    got, want = run_both(ours, theirs, (Q, V), kwargs)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, atol=1e-5)
    assert GroupedQueryAttention is GroupQueryAttention


ATTN_CASES = {
    "dot": (dict(), dict()),
    "scale_concat": (dict(use_scale=True, score_mode="concat"), dict()),
    "masks": (dict(use_scale=True), dict(mask=[Q_MASK, V_MASK])),
    "causal": (dict(), dict(use_causal_mask=True, mask=[None, V_MASK])),
    "scores": (dict(score_mode="concat"), dict(return_attention_scores=True)),
}


@pytest.mark.parametrize("case", list(ATTN_CASES))
@pytest.mark.parametrize("additive", [False, True])
def test_attention_matches_keras(case, additive):
    init, kwargs = ATTN_CASES[case]
    if additive:
        if "score_mode" in init:
            return
        ours, theirs = pair(AdditiveAttention, keras.layers.AdditiveAttention, **init)
    else:
        ours, theirs = pair(Attention, keras.layers.Attention, **init)
    v = V[..., :6]
    got, want = run_both(ours, theirs, ([Q, v, v * 0.5],), kwargs)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, atol=1e-5)


def test_attention_errors():
    with pytest.raises(ValueError, match="score_mode"):
        Attention(score_mode="bad")
    with pytest.raises(ValueError, match="num_key_value_heads"):
        GroupQueryAttention(2, num_query_heads=3, num_key_value_heads=2)
    with pytest.raises(ValueError, match="num_heads"):
        MultiHeadAttention(num_heads=0, key_dim=2)


def _model(layer_fn):
    a, b = lamina.Input((4, 6)), lamina.Input((5, 6))
    return lamina.Model([a, b], layer_fn(a, b))


@pytest.mark.parametrize(
    "make",
    [
        lambda a, b: MultiHeadAttention(num_heads=2, key_dim=3)(a, b),
        lambda a, b: GroupQueryAttention(2, 4, 2)(a, b),
        lambda a, b: Attention(use_scale=True)([a, b]),
        lambda a, b: AdditiveAttention()([a, b]),
    ],
)
def test_save_load_round_trip(make, tmp_path):
    model = _model(make)
    want = to_numpy(model.predict([Q, V], verbose=0))
    path = str(tmp_path / "m.lamina")
    model.save(path)
    loaded = lamina.saving.load_model(path, custom_objects=CUSTOM)
    np.testing.assert_allclose(to_numpy(loaded.predict([Q, V], verbose=0)), want, atol=1e-6)


@pytest.mark.skipif(BACKEND not in TRAINING_BACKENDS, reason="inference-only backend")
def test_fit_step_updates_mha_weights():
    inputs = lamina.Input((4, 6))
    mha = MultiHeadAttention(num_heads=2, key_dim=3, dropout=0.1, seed=1)
    x = mha(inputs, inputs)
    outputs = lamina.layers.Dense(1)(lamina.layers.GlobalAveragePooling1D()(x))
    model = lamina.Model(inputs, outputs)
    model.compile(optimizer="sgd", loss="mse")
    before = [w.copy() for w in mha.get_weights()]
    model.fit(Q, np.ones((2, 1), "float32"), epochs=1, verbose=0)
    after = mha.get_weights()
    assert len(after) == 8
    # Every kernel moves (the key bias cannot: softmax ignores a shift shared by all keys).
    assert all(not np.allclose(b, a) for b, a in zip(before, after) if b.ndim == 3)
