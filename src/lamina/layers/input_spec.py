"""`InputSpec`: what a layer accepts (rank, axis sizes, dtype), checked before it runs."""

from __future__ import annotations

from lamina.utils import tree


class InputSpec:
    """Constraints on a layer input: ``ndim``, ``min_ndim``, ``max_ndim``, ``axes`` {axis: size},
    ``shape`` (None for any size), ``dtype``.

    Example:
        >>> class Pairs(lamina.layers.Layer):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.input_spec = lamina.InputSpec(ndim=2, axes={-1: 2})
        ...     def call(self, x):
        ...         return x
        >>> Pairs()(np.ones((3, 5)))
        Traceback (most recent call last):
        ...
        ValueError: Input 0 of layer 'pairs' is incompatible with the layer: expected axis -1 of
        the input to have size 2, but received input with shape (3, 5)
    """

    def __init__(
        self,
        dtype=None,
        shape=None,
        ndim=None,
        max_ndim=None,
        min_ndim=None,
        axes=None,
        allow_last_axis_squeeze=False,
        name=None,
        optional=False,
    ):
        self.dtype = dtype
        self.shape = tuple(shape) if shape is not None else None
        self.ndim = len(shape) if shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = {int(k): v for k, v in (axes or {}).items()}
        self.name = name
        self.optional = optional

    def __repr__(self):
        parts = [f"{k}={v}" for k, v in vars(self).items() if v not in (None, {}, False)]
        return f"InputSpec({', '.join(parts)})"


def assert_input_compatibility(input_spec, inputs, layer_name):
    specs = tree.flatten(input_spec) if isinstance(input_spec, (list, tuple)) else [input_spec]
    values = tree.flatten(inputs) if isinstance(inputs, (list, tuple, dict)) else [inputs]
    if len(specs) != len(values):
        raise ValueError(
            f"Layer {layer_name!r} expects {len(specs)} input(s), but it received "
            f"{len(values)} input tensors."
        )
    for i, (spec, x) in enumerate(zip(specs, values)):
        if spec is None or x is None:
            continue
        shape = getattr(x, "shape", None)
        if shape is None:
            continue
        shape = tuple(shape)
        where = f"Input {i} of layer {layer_name!r}"
        if spec.ndim is not None and len(shape) != spec.ndim:
            raise ValueError(
                f"{where} is incompatible with the layer: expected ndim={spec.ndim}, found "
                f"ndim={len(shape)}. Full shape received: {shape}"
            )
        if spec.min_ndim is not None and len(shape) < spec.min_ndim:
            raise ValueError(
                f"{where} is incompatible with the layer: expected min_ndim={spec.min_ndim}, "
                f"found ndim={len(shape)}. Full shape received: {shape}"
            )
        if spec.max_ndim is not None and len(shape) > spec.max_ndim:
            raise ValueError(
                f"{where} is incompatible with the layer: expected max_ndim={spec.max_ndim}, "
                f"found ndim={len(shape)}. Full shape received: {shape}"
            )
        for axis, size in spec.axes.items():
            if size is None or -len(shape) > axis or axis >= len(shape):
                continue
            if shape[axis] is not None and shape[axis] != size:
                raise ValueError(
                    f"{where} is incompatible with the layer: expected axis {axis} of the input "
                    f"to have size {size}, but received input with shape {shape}"
                )
        if spec.shape is not None:
            for expected, got in zip(spec.shape, shape):
                if expected is not None and got is not None and expected != got:
                    raise ValueError(
                        f"{where} is incompatible with the layer: expected shape={spec.shape}, "
                        f"found shape={shape}"
                    )
