"""Linear algebra on TensorFlow tensors: norms, decompositions, solves."""

from __future__ import annotations

import tensorflow as tf

from lamina import config
from lamina.backend.tensorflow.core import convert_to_tensor, to_tf_dtype


def _float(x):
    x = convert_to_tensor(x)
    if not (x.dtype.is_floating or x.dtype.is_complex):
        return tf.cast(x, to_tf_dtype(config.floatx()))
    return x


def _pair(a, b):
    a, b = _float(a), _float(b)
    if a.dtype != b.dtype:
        dtype = tf.float64 if tf.float64 in (a.dtype, b.dtype) else tf.float32
        a, b = tf.cast(a, dtype), tf.cast(b, dtype)
    return a, b


def _adjoint(x):
    return tf.linalg.adjoint(x)


def cholesky(x, upper=False):
    low = tf.linalg.cholesky(_float(x))
    return _adjoint(low) if upper else low


def det(x):
    return tf.linalg.det(_float(x))


def eig(x):
    return tf.linalg.eig(_float(x))


def eigh(x):
    return tf.linalg.eigh(_float(x))


def inv(x):
    return tf.linalg.inv(_float(x))


def lu_factor(x):
    """Packed LU and 0-based LAPACK row pivots (TensorFlow gives a permutation instead)."""
    lu, perm = tf.linalg.lu(_float(x))
    n = perm.shape[-1]
    perm = tf.cast(perm, tf.int32)
    # Replay the permutation as the sequence of row swaps LAPACK records.
    cur = tf.broadcast_to(tf.range(n, dtype=tf.int32), tf.shape(perm))
    pos = cur
    pivots = []
    for i in range(n):
        r = perm[..., i]
        p = tf.gather(pos, r[..., None], batch_dims=perm.shape.rank - 1)[..., 0]
        ci = cur[..., i]
        pivots.append(p)
        cur = (
            cur
            + tf.one_hot(i, n, dtype=tf.int32) * (r - ci)[..., None]
            + tf.one_hot(p, n, dtype=tf.int32) * (ci - r)[..., None]
        )
        pos = (
            pos
            + tf.one_hot(r, n, dtype=tf.int32) * (i - p)[..., None]
            + tf.one_hot(ci, n, dtype=tf.int32) * (p - i)[..., None]
        )
    m = lu.shape[-2]
    return lu, tf.stack(pivots[: min(m, n)], axis=-1)


def _vector_norm(x, ord, axis, keepdims):
    a = tf.abs(x)
    if ord is None or ord == 2:
        return tf.sqrt(tf.reduce_sum(tf.square(a), axis=axis, keepdims=keepdims))
    if ord == float("inf"):
        return tf.reduce_max(a, axis=axis, keepdims=keepdims)
    if ord == float("-inf"):
        return tf.reduce_min(a, axis=axis, keepdims=keepdims)
    if ord == 0:
        return tf.reduce_sum(tf.cast(a != 0, a.dtype), axis=axis, keepdims=keepdims)
    if ord == 1:
        return tf.reduce_sum(a, axis=axis, keepdims=keepdims)
    return tf.pow(tf.reduce_sum(tf.pow(a, ord), axis=axis, keepdims=keepdims), 1.0 / ord)


def _singular_values(x, axes):
    rank = x.shape.rank
    rest = [i for i in range(rank) if i not in axes]
    return tf.linalg.svd(tf.transpose(x, rest + list(axes)), compute_uv=False)


def _matrix_norm(x, ord, axes, keepdims):
    row, col = axes
    a = tf.abs(x)
    if ord in (None, "fro"):
        out = tf.sqrt(tf.reduce_sum(tf.square(a), axis=axes))
    elif ord == "nuc":
        out = tf.reduce_sum(_singular_values(x, axes), axis=-1)
    elif ord in (2, -2):
        s = _singular_values(x, axes)
        out = tf.reduce_max(s, axis=-1) if ord == 2 else tf.reduce_min(s, axis=-1)
    else:
        # 1 / -1: max / min column sum; inf / -inf: max / min row sum.
        sum_axis, other = (row, col) if ord in (1, -1) else (col, row)
        sums = tf.reduce_sum(a, axis=sum_axis)
        other = other - 1 if other > sum_axis else other
        out = tf.reduce_max(sums, axis=other) if ord > 0 else tf.reduce_min(sums, axis=other)
    if keepdims:
        for a_ in sorted(axes):
            out = tf.expand_dims(out, a_)
    return out


def norm(x, ord=None, axis=None, keepdims=False):
    x = _float(x)
    rank = x.shape.rank
    if axis is None:
        if ord is None:
            return tf.sqrt(tf.reduce_sum(tf.square(tf.abs(x)), axis=None, keepdims=keepdims))
        axis = tuple(range(rank))
    if isinstance(axis, int):
        axis = (axis,)
    axis = tuple(a % rank for a in axis)
    if len(axis) == 1:
        return _vector_norm(x, ord, list(axis), keepdims)
    return _matrix_norm(x, ord, axis, keepdims)


def qr(x, mode="reduced"):
    return tf.linalg.qr(_float(x), full_matrices=mode == "complete")


def solve(a, b):
    a, b = _pair(a, b)
    if b.shape.rank == 1:
        rhs = tf.broadcast_to(b[:, None], tf.concat([tf.shape(a)[:-1], [1]], 0))
        return tf.linalg.solve(a, rhs)[..., 0]
    return tf.linalg.solve(a, b)


def solve_triangular(a, b, lower=False):
    a, b = _pair(a, b)
    if b.shape.rank == 1:
        rhs = tf.broadcast_to(b[:, None], tf.concat([tf.shape(a)[:-1], [1]], 0))
        return tf.linalg.triangular_solve(a, rhs, lower=lower)[..., 0]
    return tf.linalg.triangular_solve(a, b, lower=lower)


def svd(x, full_matrices=True, compute_uv=True):
    x = _float(x)
    if not compute_uv:
        return tf.linalg.svd(x, compute_uv=False)
    s, u, v = tf.linalg.svd(x, full_matrices=full_matrices)
    return u, s, _adjoint(v)
