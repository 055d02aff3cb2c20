"""Hand-written training loops on each framework, the baseline Lamina is measured against.

Each builds the same model from the same initial weights (NumPy arrays), trains with Adam
(lr 1e-3, Keras's defaults for betas and epsilon) on softmax cross-entropy from integer
labels, and takes NumPy batches in the same order as `fit(shuffle=False)`. They are what a
competent user would write by hand for speed: `tf.function`, `jax.jit` with donated buffers,
channels-last PyTorch.
"""

from __future__ import annotations

import numpy as np

LR, B1, B2, EPS = 1e-3, 0.9, 0.999, 1e-7


# --- PyTorch --------------------------------------------------------------------------------
def torch_trainer(forward_factory, params_np):
    """``forward_factory(params) -> forward(x, training)``; returns train(batches), predict."""
    import torch

    params = [torch.nn.Parameter(torch.from_numpy(p.copy())) for p in params_np]
    forward = forward_factory(params)
    optimizer = torch.optim.Adam(params, lr=LR, betas=(B1, B2), eps=EPS, foreach=True)

    def train(batches):
        for x, y in batches:
            x, y = torch.from_numpy(x), torch.from_numpy(y).long()
            optimizer.zero_grad(set_to_none=True)
            loss = torch.nn.functional.cross_entropy(forward(x, True), y)
            loss.backward()
            optimizer.step()

    @torch.no_grad()
    def predict(x):
        return forward(torch.from_numpy(x), False).numpy()

    return train, predict


def torch_mlp(params):
    import torch.nn.functional as F

    w1, b1, w2, b2 = params

    def forward(x, training):
        return F.linear(F.relu(F.linear(x, w1.T, b1)), w2.T, b2)

    return forward


def torch_convnet(params):
    import torch
    import torch.nn.functional as F

    k1, b1, k2, b2, w, b = params
    # Keras kernels are HWIO; torch wants OIHW. Channels-last memory keeps NHWC fast.
    with torch.no_grad():
        k1_t = torch.nn.Parameter(k1.detach().permute(3, 2, 0, 1).contiguous())
        k2_t = torch.nn.Parameter(k2.detach().permute(3, 2, 0, 1).contiguous())
    params[0], params[2] = k1_t, k2_t

    def forward(x, training):
        h = x.permute(0, 3, 1, 2)  # NHWC data viewed as channels-last NCHW, no copy
        h = F.max_pool2d(F.relu(F.conv2d(h, params[0], b1)), 2)
        h = F.max_pool2d(F.relu(F.conv2d(h, params[2], b2)), 2)
        h = h.permute(0, 2, 3, 1).reshape(h.shape[0], -1)  # flatten in NHWC order like Keras
        h = F.dropout(h, 0.5, training)
        return F.linear(h, w.T, b)

    return forward


# --- JAX ------------------------------------------------------------------------------------
def jax_trainer(forward, params_np):
    import jax
    import jax.numpy as jnp

    params = [jnp.asarray(p) for p in params_np]
    state = (params, [jnp.zeros_like(p) for p in params], [jnp.zeros_like(p) for p in params])

    def loss_fn(params, x, y, key):
        logits = forward(params, x, True, key)
        logp = jax.nn.log_softmax(logits)
        return -jnp.mean(jnp.take_along_axis(logp, y[:, None], axis=1))

    def step(state, t, x, y, key):
        params, m, v = state
        grads = jax.grad(loss_fn)(params, x, y, key)
        t = t + 1
        scale = LR * jnp.sqrt(1 - B2**t) / (1 - B1**t)
        m = [B1 * mi + (1 - B1) * g for mi, g in zip(m, grads)]
        v = [B2 * vi + (1 - B2) * g * g for vi, g in zip(v, grads)]
        params = [p - scale * mi / (jnp.sqrt(vi) + EPS) for p, mi, vi in zip(params, m, v)]
        return (params, m, v)

    step = jax.jit(step, donate_argnums=0)
    predict_fn = jax.jit(lambda params, x: forward(params, x, False, None))
    holder = {"state": state, "t": 0, "key": jax.random.PRNGKey(0)}

    def train(batches):
        for x, y in batches:
            holder["key"], sub = jax.random.split(holder["key"])
            holder["state"] = step(holder["state"], float(holder["t"]), x, y, sub)
            holder["t"] += 1
        jax.block_until_ready(holder["state"])

    def predict(x):
        return np.asarray(predict_fn(holder["state"][0], x))

    return train, predict


def jax_mlp(params, x, training, key):
    import jax

    w1, b1, w2, b2 = params
    return jax.nn.relu(x @ w1 + b1) @ w2 + b2


def jax_convnet(params, x, training, key):
    import jax
    import jax.numpy as jnp

    k1, b1, k2, b2, w, b = params

    def conv(h, k, bias):
        out = jax.lax.conv_general_dilated(
            h, k, (1, 1), "VALID", dimension_numbers=("NHWC", "HWIO", "NHWC")
        )
        return jax.nn.relu(out + bias)

    def pool(h):  # 2x2 windows that tile the input: a reshape and a max (fast on XLA's CPU)
        n, hh, ww, c = h.shape
        h = h[:, : hh // 2 * 2, : ww // 2 * 2]
        return h.reshape(n, hh // 2, 2, ww // 2, 2, c).max(axis=(2, 4))

    h = pool(conv(pool(conv(x, k1, b1)), k2, b2))
    h = h.reshape(h.shape[0], -1)
    if training:
        keep = jax.random.bernoulli(key, 0.5, h.shape)
        h = jnp.where(keep, h / 0.5, 0.0)
    return h @ w + b


# --- TensorFlow -----------------------------------------------------------------------------
def tf_trainer(forward, params_np):
    import tensorflow as tf

    params = [tf.Variable(p) for p in params_np]
    m = [tf.Variable(tf.zeros_like(p)) for p in params_np]
    v = [tf.Variable(tf.zeros_like(p)) for p in params_np]
    t = tf.Variable(0.0)

    @tf.function(jit_compile=False, reduce_retracing=True)
    def step(x, y):
        with tf.GradientTape() as tape:
            logits = forward(params, x, True)
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits)
            )
        grads = tape.gradient(loss, params)
        t.assign_add(1.0)
        scale = LR * tf.sqrt(1 - B2**t) / (1 - B1**t)
        for p, mi, vi, g in zip(params, m, v, grads):
            mi.assign(B1 * mi + (1 - B1) * g)
            vi.assign(B2 * vi + (1 - B2) * g * g)
            p.assign_sub(scale * mi / (tf.sqrt(vi) + EPS))

    @tf.function(reduce_retracing=True)
    def predict_fn(x):
        return forward(params, x, False)

    def train(batches):
        for x, y in batches:
            step(x, y)

    def predict(x):
        return predict_fn(x).numpy()

    return train, predict


def tf_mlp(params, x, training):
    import tensorflow as tf

    w1, b1, w2, b2 = params
    return tf.matmul(tf.nn.relu(tf.matmul(x, w1) + b1), w2) + b2


def tf_convnet(params, x, training):
    import tensorflow as tf

    k1, b1, k2, b2, w, b = params
    h = tf.nn.relu(tf.nn.conv2d(x, k1, 1, "VALID") + b1)
    h = tf.nn.max_pool2d(h, 2, 2, "VALID")
    h = tf.nn.relu(tf.nn.conv2d(h, k2, 1, "VALID") + b2)
    h = tf.nn.max_pool2d(h, 2, 2, "VALID")
    h = tf.reshape(h, (tf.shape(h)[0], -1))
    if training:
        h = tf.nn.dropout(h, 0.5)
    return tf.matmul(h, w) + b


def trainer(backend, model_name, params_np):
    """(train(batches), predict(x)) for ``model_name`` ("mlp" or "convnet") on ``backend``."""
    if backend == "torch":
        return torch_trainer({"mlp": torch_mlp, "convnet": torch_convnet}[model_name], params_np)
    if backend == "jax":
        return jax_trainer({"mlp": jax_mlp, "convnet": jax_convnet}[model_name], params_np)
    return tf_trainer({"mlp": tf_mlp, "convnet": tf_convnet}[model_name], params_np)
