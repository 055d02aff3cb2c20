"""Merging layers: combine a list of tensors into one.

`Concatenate` joins along an axis; `Add`, `Subtract`, `Multiply`, `Average`, `Maximum` and
`Minimum` combine element-wise (non-batch axes broadcast as in NumPy); `Dot` takes dot products
between samples. Each has a lowercase functional form: ``concatenate([a, b])``.
"""

from __future__ import annotations

from lamina import config, ops
from lamina.backend.common import dtypes
from lamina.backend.common.keras_tensor import KerasTensor
from lamina.layers.base import Layer

__all__ = [
    "Add",
    "Average",
    "Concatenate",
    "Dot",
    "Maximum",
    "Minimum",
    "Multiply",
    "Subtract",
    "add",
    "average",
    "concatenate",
    "dot",
    "maximum",
    "minimum",
    "multiply",
    "subtract",
]


def _fmt(shape):
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


class _Merge(Layer):
    """Base of the merging layers: checks the list of inputs, builds, merges masks."""

    supports_masking = True
    _num_inputs = None  # exact number of inputs, when the layer needs one

    def _check_shapes(self, input_shape):
        if not isinstance(input_shape, (list, tuple)) or not all(
            isinstance(s, (list, tuple)) for s in input_shape
        ):
            raise ValueError(
                f"{type(self).__name__} layer {self.name!r} must be called on a list of tensors, "
                f"e.g. `{type(self).__name__}()([x1, x2])`. Received an input of shape "
                f"{input_shape}."
            )
        shapes = [tuple(s) for s in input_shape]
        if self._num_inputs is not None and len(shapes) != self._num_inputs:
            raise ValueError(
                f"{type(self).__name__} layer {self.name!r} must be called on exactly "
                f"{self._num_inputs} inputs. Received {len(shapes)} inputs with shapes "
                f"{', '.join(_fmt(s) for s in shapes)}."
            )
        if not shapes:
            raise ValueError(
                f"{type(self).__name__} layer {self.name!r} must be called on a non-empty list "
                "of tensors."
            )
        batches = {s[0] for s in shapes if s} - {None}
        if len(batches) > 1:
            raise ValueError(
                f"{type(self).__name__} layer {self.name!r} got inputs with different batch "
                f"sizes: {', '.join(_fmt(s) for s in shapes)}."
            )
        return shapes

    def compute_output_spec(self, inputs, **kwargs):
        shape = self.compute_output_shape([tuple(x.shape) for x in inputs])
        dtype = dtypes.result_type(*[x.dtype for x in inputs])
        return KerasTensor(shape, dtype)

    def compute_mask(self, inputs, previous_mask=None):
        if previous_mask is None:
            return None
        if not isinstance(previous_mask, (list, tuple)):
            previous_mask = [previous_mask]
        masks = [ops.expand_dims(m, 0) for m in previous_mask if m is not None]
        if not masks:
            return None
        return ops.all(ops.concatenate(masks, axis=0), axis=0)


class _ElementwiseMerge(_Merge):
    """Element-wise merges: inputs of lower rank get size-1 axes after the batch axis."""

    def build(self, input_shape):
        shapes = self._check_shapes(input_shape)
        self._output_shape(shapes)
        ranks = [len(s) for s in shapes]
        top = max(ranks)
        self._expand = [top - r for r in ranks] if min(ranks) != top else None
        self.built = True

    def _output_shape(self, shapes):
        """Broadcast of the non-batch axes (aligned on the right), with the batch axis first."""
        rest = [s[1:] for s in shapes]
        ndim = max(len(r) for r in rest)
        out = []
        for i in range(ndim):
            sizes = [r[len(r) - ndim + i] for r in rest if len(r) - ndim + i >= 0]
            known = {d for d in sizes if d is not None and d != 1}
            if len(known) > 1:
                raise ValueError(
                    f"{type(self).__name__} layer {self.name!r} got inputs with shapes "
                    f"{' and '.join(_fmt(s) for s in shapes)}, which cannot be combined "
                    f"element-wise: sizes {sorted(known)} differ on a non-batch axis. Every axis "
                    "must match or be 1 (broadcast)."
                )
            out.append(known.pop() if known else (None if None in sizes else 1))
        batch = next((s[0] for s in shapes if s and s[0] is not None), None)
        return (batch, *out)

    def call(self, inputs):
        if self._expand is not None:
            inputs = [_expand_after_batch(x, n) for x, n in zip(inputs, self._expand)]
        return self._merge(inputs)

    def compute_output_shape(self, input_shape):
        return self._output_shape(self._check_shapes(input_shape))


def _expand_after_batch(x, n):
    for _ in range(n):
        x = ops.expand_dims(x, 1)
    return x


class Add(_ElementwiseMerge):
    """Adds a list of inputs element-wise.

    Example:
        >>> out = lamina.layers.Add()([np.ones((2, 3)), np.ones((2, 3))])
        >>> print(lamina.ops.convert_to_numpy(out))
        [[2. 2. 2.]
         [2. 2. 2.]]
    """

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.add(out, x)
        return out


class Subtract(_ElementwiseMerge):
    """Subtracts two inputs: ``inputs[0] - inputs[1]``.

    Example:
        >>> out = lamina.layers.Subtract()([np.ones((1, 2)), np.ones((1, 2))])
        >>> print(lamina.ops.convert_to_numpy(out))
        [[0. 0.]]
    """

    _num_inputs = 2

    def _merge(self, inputs):
        return ops.subtract(inputs[0], inputs[1])


class Multiply(_ElementwiseMerge):
    """Multiplies a list of inputs element-wise.

    Example:
        >>> out = lamina.layers.Multiply()([np.full((1, 2), 2.0), np.full((1, 2), 3.0)])
        >>> print(lamina.ops.convert_to_numpy(out))
        [[6. 6.]]
    """

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.multiply(out, x)
        return out


class Average(_ElementwiseMerge):
    """Averages a list of inputs element-wise.

    Example:
        >>> out = lamina.layers.Average()([np.zeros((1, 2)), np.ones((1, 2))])
        >>> print(lamina.ops.convert_to_numpy(out))
        [[0.5 0.5]]
    """

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.add(out, x)
        return ops.divide(out, len(inputs))


class Maximum(_ElementwiseMerge):
    """Element-wise maximum of a list of inputs.

    Example:
        >>> out = lamina.layers.Maximum()([np.zeros((1, 2)), np.ones((1, 2))])
        >>> print(lamina.ops.convert_to_numpy(out))
        [[1. 1.]]
    """

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.maximum(out, x)
        return out


class Minimum(_ElementwiseMerge):
    """Element-wise minimum of a list of inputs.

    Example:
        >>> out = lamina.layers.Minimum()([np.zeros((1, 2)), np.ones((1, 2))])
        >>> print(lamina.ops.convert_to_numpy(out))
        [[0. 0.]]
    """

    def _merge(self, inputs):
        out = inputs[0]
        for x in inputs[1:]:
            out = ops.minimum(out, x)
        return out


class Concatenate(_Merge):
    """Concatenates a list of inputs along ``axis``; all other axes must match.

    Args:
        axis: the concatenation axis (default -1, the features / channels).

    Example:
        >>> a, b = np.ones((2, 3)), np.zeros((2, 4))
        >>> print(lamina.layers.Concatenate()([a, b]).shape)
        (2, 7)
    """

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axis, bool) or not isinstance(axis, int):
            raise ValueError(f"Concatenate: `axis` must be an integer. Received: axis={axis!r}")
        self.axis = axis

    def build(self, input_shape):
        self._output_shape(self._check_shapes(input_shape))
        self.built = True

    def _output_shape(self, shapes):
        rank = len(shapes[0])
        for s in shapes[1:]:
            if len(s) != rank:
                raise ValueError(
                    f"Concatenate layer {self.name!r} got inputs of different ranks, with shapes "
                    f"{_fmt(shapes[0])} and {_fmt(s)}; all inputs need the same rank. Reshape "
                    "them first (e.g. with `layers.Reshape` or `layers.Flatten`)."
                )
        if not -rank <= self.axis < rank:
            raise ValueError(
                f"Concatenate layer {self.name!r}: axis {self.axis} is out of range for inputs "
                f"of rank {rank} (shapes {', '.join(_fmt(s) for s in shapes)})."
            )
        axis = self.axis % rank
        out = list(shapes[0])
        for s in shapes[1:]:
            for i in range(rank):
                if i == axis:
                    continue
                if out[i] is not None and s[i] is not None and out[i] != s[i]:
                    hint = (
                        ' If they come from convolutions with different kernel sizes, use padding="same" in both.'
                        if rank >= 3 and i != 0
                        else ""
                    )
                    raise ValueError(
                        f"Concatenate layer {self.name!r} got inputs with shapes "
                        f"{_fmt(shapes[0])} and {_fmt(s)} that differ on axis {i} "
                        f"({out[i]} vs {s[i]}); all axes except the concatenation axis "
                        f"({self.axis}) must match.{hint}"
                    )
                if out[i] is None:
                    out[i] = s[i]
        sizes = [s[axis] for s in shapes]
        out[axis] = None if None in sizes else sum(sizes)
        return tuple(out)

    def call(self, inputs):
        return ops.concatenate(inputs, axis=self.axis)

    def compute_output_shape(self, input_shape):
        return self._output_shape(self._check_shapes(input_shape))

    def compute_mask(self, inputs, previous_mask=None):
        if previous_mask is None:
            return None
        if not isinstance(previous_mask, (list, tuple)) or len(previous_mask) != len(inputs):
            return None
        if all(m is None for m in previous_mask):
            return None
        masks = []
        for x, m in zip(inputs, previous_mask):
            if m is None:
                masks.append(ops.ones_like(x, dtype="bool"))
            elif len(m.shape) < len(x.shape):
                masks.append(
                    ops.logical_or(ops.expand_dims(m, -1), ops.zeros_like(x, dtype="bool"))
                )
            else:
                masks.append(m)
        return ops.any(ops.concatenate(masks, axis=self.axis), axis=-1)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


_LETTERS = "bcdefghijklmnopqrstuvwxyz"


class Dot(_Merge):
    """Dot product between the samples of two tensors, along the given axes.

    For ``x`` of shape ``(batch, n)`` and ``y`` of shape ``(batch, n)`` the output is
    ``(batch, 1)``; in general the output has ``x``'s remaining axes, then ``y``'s.

    Args:
        axes: an int, or a pair of ints (one axis per input); not the batch axis.
        normalize: whether to L2-normalize both inputs along the axes first (the output is then
            the cosine similarity).

    Example:
        >>> x, y = np.ones((2, 5, 3)), np.ones((2, 4, 3))
        >>> print(lamina.layers.Dot(axes=(2, 2))([x, y]).shape)
        (2, 5, 4)
    """

    _num_inputs = 2

    def __init__(self, axes, normalize=False, **kwargs):
        super().__init__(**kwargs)
        if isinstance(axes, (list, tuple)):
            if len(axes) != 2 or not all(isinstance(a, int) for a in axes):
                raise ValueError(
                    f"Dot: `axes` must be an int or a pair of ints. Received: axes={axes!r}"
                )
            axes = tuple(axes)
        elif isinstance(axes, bool) or not isinstance(axes, int):
            raise ValueError(
                f"Dot: `axes` must be an int or a pair of ints. Received: axes={axes!r}"
            )
        self.axes = axes
        self.normalize = bool(normalize)
        self.supports_masking = False

    def _resolve_axes(self, shapes):
        pair = self.axes if isinstance(self.axes, tuple) else (self.axes, self.axes)
        out = []
        for a, s in zip(pair, shapes):
            if not -len(s) <= a < len(s) or a % len(s) == 0:
                raise ValueError(
                    f"Dot layer {self.name!r}: axes={self.axes} is not a non-batch axis of inputs "
                    f"with shapes {' and '.join(_fmt(s) for s in shapes)}."
                )
            out.append(a % len(s))
        return out

    def build(self, input_shape):
        shapes = self._check_shapes(input_shape)
        a1, a2 = self._resolve_axes(shapes)
        s1, s2 = shapes
        if s1[a1] is not None and s2[a2] is not None and s1[a1] != s2[a2]:
            raise ValueError(
                f"Dot layer {self.name!r}: inputs with shapes {_fmt(s1)} and {_fmt(s2)} have "
                f"different sizes on the dot axes ({s1[a1]} at axis {a1} vs {s2[a2]} at axis "
                f"{a2})."
            )
        letters1 = ["a"] + [_LETTERS[i] for i in range(len(s1) - 1)]
        letters2 = ["a"] + [_LETTERS[len(s1) - 1 + i] for i in range(len(s2) - 1)]
        letters2[a2] = letters1[a1]
        out = [c for i, c in enumerate(letters1) if i != a1] + [
            c for i, c in enumerate(letters2) if i not in (0, a2)
        ]
        self._equation = f"{''.join(letters1)},{''.join(letters2)}->{''.join(out)}"
        self._add_axis = len(out) == 1
        self._axes = (a1, a2)
        self.built = True

    def call(self, inputs):
        x, y = inputs
        if self.normalize:
            x = _l2_normalize(x, self._axes[0])
            y = _l2_normalize(y, self._axes[1])
        out = ops.einsum(self._equation, x, y)
        if self._add_axis:
            out = ops.expand_dims(out, -1)
        return out

    def compute_output_shape(self, input_shape):
        shapes = self._check_shapes(input_shape)
        a1, a2 = self._resolve_axes(shapes)
        s1, s2 = shapes
        out = [d for i, d in enumerate(s1) if i != a1] + [
            d for i, d in enumerate(s2) if i not in (0, a2)
        ]
        if len(out) == 1:
            out.append(1)
        return tuple(out)

    def compute_mask(self, inputs, previous_mask=None):
        return None

    def get_config(self):
        axes = list(self.axes) if isinstance(self.axes, tuple) else self.axes
        return {**super().get_config(), "axes": axes, "normalize": self.normalize}


def _l2_normalize(x, axis):
    square_sum = ops.sum(ops.square(x), axis=axis, keepdims=True)
    inv_norm = ops.minimum(ops.rsqrt(square_sum), 1.0 / config.epsilon())
    return ops.multiply(x, inv_norm)


def concatenate(inputs, axis=-1, **kwargs):
    """Functional form of `Concatenate`: ``concatenate([a, b], axis=-1)``.

    Example:
        >>> a, b = lamina.Input((3,)), lamina.Input((4,))
        >>> lamina.layers.concatenate([a, b]).shape
        (None, 7)
    """
    return Concatenate(axis=axis, **kwargs)(inputs)


def add(inputs, **kwargs):
    """Functional form of `Add`.

    Example:
        >>> a, b = np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])
        >>> lamina.layers.add([a, b])
        array([[4., 7.]], dtype=float32)
    """
    return Add(**kwargs)(inputs)


def subtract(inputs, **kwargs):
    """Functional form of `Subtract`.

    Example:
        >>> a, b = np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])
        >>> lamina.layers.subtract([a, b])
        array([[-2.,  3.]], dtype=float32)
    """
    return Subtract(**kwargs)(inputs)


def multiply(inputs, **kwargs):
    """Functional form of `Multiply`.

    Example:
        >>> a, b = np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])
        >>> lamina.layers.multiply([a, b])
        array([[ 3., 10.]], dtype=float32)
    """
    return Multiply(**kwargs)(inputs)


def average(inputs, **kwargs):
    """Functional form of `Average`.

    Example:
        >>> a, b = np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])
        >>> lamina.layers.average([a, b])
        array([[2. , 3.5]], dtype=float32)
    """
    return Average(**kwargs)(inputs)


def maximum(inputs, **kwargs):
    """Functional form of `Maximum`.

    Example:
        >>> a, b = np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])
        >>> lamina.layers.maximum([a, b])
        array([[3., 5.]], dtype=float32)
    """
    return Maximum(**kwargs)(inputs)


def minimum(inputs, **kwargs):
    """Functional form of `Minimum`.

    Example:
        >>> a, b = np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])
        >>> lamina.layers.minimum([a, b])
        array([[1., 2.]], dtype=float32)
    """
    return Minimum(**kwargs)(inputs)


def dot(inputs, axes=-1, **kwargs):
    """Functional form of `Dot`.

    Example:
        >>> a, b = np.array([[1.0, 5.0]]), np.array([[3.0, 2.0]])
        >>> lamina.layers.dot([a, b], axes=1)
        array([[13.]], dtype=float32)
    """
    return Dot(axes=axes, **kwargs)(inputs)
