"""Linear algebra ops: norms, decompositions and solves, batched over leading axes.

Keras 3's names, signatures and defaults. Integer inputs give `floatx` results. The shape rules
are written out (rather than inferred by running the NumPy backend on zeros, which would be
singular).
"""

from __future__ import annotations

from lamina import config
from lamina.backend import active as B
from lamina.backend.common import dtypes
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.ops.symbolic import any_symbolic, broadcast_shapes, dtype_of, shape_of

__all__ = [
    "cholesky",
    "det",
    "eig",
    "eigh",
    "inv",
    "lu_factor",
    "norm",
    "qr",
    "solve",
    "solve_triangular",
    "svd",
]

_VECTOR_ORDS = (None, 0, 1, 2, -1, -2, float("inf"), float("-inf"))
_MATRIX_ORDS = (None, "fro", "nuc", 1, -1, 2, -2, float("inf"), float("-inf"))


def _float_dtype(x) -> str:
    dtype = dtype_of(x)
    return dtype if dtype in dtypes.FLOAT_TYPES else config.floatx()


def _complex_dtype(x) -> str:
    return "complex128" if _float_dtype(x) == "float64" else "complex64"


def _matrix_shape(op, x, square=False):
    shape = tuple(shape_of(x))
    if len(shape) < 2:
        raise ValueError(
            f"`ops.{op}`: `x` must have rank >= 2 (a matrix or a batch of matrices). "
            f"Received: x.shape={shape}"
        )
    m, n = shape[-2:]
    if square and m is not None and n is not None and m != n:
        raise ValueError(
            f"`ops.{op}`: the last two dimensions of `x` must be equal (square matrices). "
            f"Received: x.shape={shape}"
        )
    return shape


def cholesky(x, upper=False):
    """Cholesky factor of a symmetric positive-definite matrix (lower unless ``upper``).

    Example:
        >>> lamina.ops.cholesky(np.array([[4.0, 2.0], [2.0, 2.0]]))
        array([[2., 0.],
               [1., 1.]])
    """
    shape = _matrix_shape("cholesky", x, square=True)
    if any_symbolic(x):
        return KerasTensor(shape, _float_dtype(x))
    return B.linalg.cholesky(x, upper=upper)


def det(x):
    """Determinant of (a batch of) square matrices.

    Example:
        >>> lamina.ops.det(np.array([[2.0, 1.0], [1.0, 3.0]]))
        array(5.)
    """
    shape = _matrix_shape("det", x, square=True)
    if any_symbolic(x):
        return KerasTensor(shape[:-2], _float_dtype(x))
    return B.linalg.det(x)


def eig(x):
    """Eigenvalues and eigenvectors of a general square matrix (complex results).

    Example:
        >>> w, v = lamina.ops.eig(np.array([[2.0, 0.0], [0.0, 3.0]]))
        >>> w
        array([2.+0.j, 3.+0.j])
    """
    shape = _matrix_shape("eig", x, square=True)
    if any_symbolic(x):
        dtype = _complex_dtype(x)
        return KerasTensor(shape[:-1], dtype), KerasTensor(shape, dtype)
    return B.linalg.eig(x)


def eigh(x):
    """Eigenvalues (ascending) and eigenvectors of a symmetric / Hermitian matrix.

    Example:
        >>> w, v = lamina.ops.eigh(np.array([[2.0, 1.0], [1.0, 2.0]]))
        >>> np.round(w, 4)
        array([1., 3.])
    """
    shape = _matrix_shape("eigh", x, square=True)
    if any_symbolic(x):
        dtype = _float_dtype(x)
        return KerasTensor(shape[:-1], dtype), KerasTensor(shape, dtype)
    return B.linalg.eigh(x)


def inv(x):
    """Inverse of (a batch of) square matrices.

    Example:
        >>> lamina.ops.inv(np.array([[2.0, 0.0], [0.0, 4.0]]))
        array([[0.5 , 0.  ],
               [0.  , 0.25]])
    """
    shape = _matrix_shape("inv", x, square=True)
    if any_symbolic(x):
        return KerasTensor(shape, _float_dtype(x))
    return B.linalg.inv(x)


def lu_factor(x):
    """LU factorization with partial pivoting: packed ``lu`` and 0-based int32 row ``pivots``.

    Example:
        >>> lu, pivots = lamina.ops.lu_factor(np.array([[1.0, 2.0], [3.0, 4.0]]))
        >>> pivots
        array([1, 1], dtype=int32)
    """
    shape = _matrix_shape("lu_factor", x)
    if any_symbolic(x):
        m, n = shape[-2:]
        k = None if m is None or n is None else min(m, n)
        return KerasTensor(shape, _float_dtype(x)), KerasTensor((*shape[:-2], k), "int32")
    return B.linalg.lu_factor(x)


def norm(x, ord=None, axis=None, keepdims=False):
    """Vector norm (one axis) or matrix norm (two axes) of ``x``.

    With ``axis=None`` and ``ord=None`` it is the 2-norm of the flattened ``x``; with an
    ``ord``, ``x`` must be a vector or a matrix.

    Example:
        >>> lamina.ops.norm(np.array([3.0, 4.0]))
        array(5.)
    """
    shape = tuple(shape_of(x))
    ndim = len(shape)
    if axis is None:
        if ord is not None:
            if ndim not in (1, 2):
                raise ValueError(
                    "`ops.norm`: with `ord` set and `axis=None`, `x` must be a vector or a "
                    f"matrix. Received: x.shape={shape}, ord={ord!r}"
                )
            axis = tuple(range(ndim))
    else:
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        if len(axes) not in (1, 2) or any(
            not isinstance(a, int) or not -ndim <= a < ndim for a in axes
        ):
            raise ValueError(
                f"`ops.norm`: `axis` must be one or two axes of `x` (rank {ndim}). "
                f"Received: axis={axis!r}"
            )
        axis = tuple(a % ndim for a in axes)
        if len(axis) == 2 and axis[0] == axis[1]:
            raise ValueError(f"`ops.norm`: the two axes must differ. Received: axis={axis}")
    if axis is not None:
        valid = _VECTOR_ORDS if len(axis) == 1 else _MATRIX_ORDS
        if ord not in valid and not (len(axis) == 1 and isinstance(ord, (int, float))):
            raise ValueError(
                f"`ops.norm`: invalid `ord`={ord!r} for a "
                f"{'vector' if len(axis) == 1 else 'matrix'} norm. Expected one of {valid}."
            )
    if any_symbolic(x):
        reduced = set(range(ndim)) if axis is None else set(axis)
        out = []
        for i, d in enumerate(shape):
            if i not in reduced:
                out.append(d)
            elif keepdims:
                out.append(1)
        return KerasTensor(out, _float_dtype(x))
    return B.linalg.norm(x, ord=ord, axis=axis, keepdims=keepdims)


def qr(x, mode="reduced"):
    """QR decomposition; ``mode`` is ``"reduced"`` (default) or ``"complete"``.

    Example:
        >>> x = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
        >>> q, r = lamina.ops.qr(x)
        >>> q.shape, r.shape, np.allclose(lamina.ops.matmul(q, r), x)
        ((3, 2), (2, 2), True)
    """
    if mode not in ("reduced", "complete"):
        raise ValueError(
            f"`ops.qr`: `mode` must be 'reduced' or 'complete'. Received: mode={mode!r}"
        )
    shape = _matrix_shape("qr", x)
    if any_symbolic(x):
        *batch, m, n = shape
        k = None if m is None or n is None else min(m, n)
        q_cols = m if mode == "complete" else k
        r_rows = m if mode == "complete" else k
        dtype = _float_dtype(x)
        return KerasTensor((*batch, m, q_cols), dtype), KerasTensor((*batch, r_rows, n), dtype)
    return B.linalg.qr(x, mode=mode)


def _check_solve(op, a, b):
    ashape = _matrix_shape(op, a, square=True)
    bshape = tuple(shape_of(b))
    n = ashape[-1]
    rows = bshape[0] if len(bshape) == 1 else (bshape[-2] if len(bshape) >= 2 else None)
    if not bshape or (n is not None and rows is not None and rows != n):
        raise ValueError(
            f"`ops.{op}`: `b` must be a vector of length {n} or matrices with {n} rows. "
            f"Received: a.shape={ashape}, b.shape={bshape}"
        )
    return ashape, bshape


def _solve_result(a, b, ashape, bshape):
    dtype = dtypes.result_type(_float_dtype(a), _float_dtype(b))
    if len(bshape) == 1:
        return KerasTensor((*ashape[:-2], ashape[-1]), dtype)
    batch = broadcast_shapes(ashape[:-2], bshape[:-2])
    return KerasTensor((*batch, ashape[-1], bshape[-1]), dtype)


def solve(a, b):
    """Solve ``a @ x = b``; ``b`` is a vector (rank 1) or a batch of matrices.

    Example:
        >>> lamina.ops.solve(np.array([[3.0, 1.0], [1.0, 2.0]]), np.array([9.0, 8.0]))
        array([2., 3.])
    """
    ashape, bshape = _check_solve("solve", a, b)
    if any_symbolic(a, b):
        return _solve_result(a, b, ashape, bshape)
    return B.linalg.solve(a, b)


def solve_triangular(a, b, lower=False):
    """Solve ``a @ x = b`` for triangular ``a`` (upper unless ``lower``).

    Example:
        >>> a = np.array([[2.0, 0.0], [1.0, 1.0]])
        >>> lamina.ops.solve_triangular(a, np.array([4.0, 3.0]), lower=True)
        array([2., 1.])
    """
    ashape, bshape = _check_solve("solve_triangular", a, b)
    if any_symbolic(a, b):
        return _solve_result(a, b, ashape, bshape)
    return B.linalg.solve_triangular(a, b, lower=lower)


def svd(x, full_matrices=True, compute_uv=True):
    """Singular value decomposition ``x = u @ diag(s) @ vh``; ``s`` alone without ``compute_uv``.

    Example:
        >>> lamina.ops.svd(np.array([[3.0, 0.0], [0.0, -4.0]]), compute_uv=False)
        array([4., 3.])
    """
    shape = _matrix_shape("svd", x)
    if any_symbolic(x):
        *batch, m, n = shape
        k = None if m is None or n is None else min(m, n)
        dtype = _float_dtype(x)
        s = KerasTensor((*batch, k), dtype)
        if not compute_uv:
            return s
        u_cols, v_rows = (m, n) if full_matrices else (k, k)
        return (
            KerasTensor((*batch, m, u_cols), dtype),
            s,
            KerasTensor((*batch, v_rows, n), dtype),
        )
    return B.linalg.svd(x, full_matrices=full_matrices, compute_uv=compute_uv)
