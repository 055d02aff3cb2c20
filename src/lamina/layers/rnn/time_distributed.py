"""`TimeDistributed`: applies a layer to every time step of a sequence."""

from __future__ import annotations

from lamina import ops
from lamina.layers.base import Layer
from lamina.utils import tree

__all__ = ["TimeDistributed"]


class TimeDistributed(Layer):
    """Applies ``layer`` to every temporal slice (axis 1) of its input, with shared weights.

    The batch and time axes are merged, the layer runs once on ``(batch * time, ...)``, and
    the result is split back into ``(batch, time, ...)``.

    Args:
        layer: the layer to apply at each time step.

    Input shape:
        ``(batch, time, ...)``.

    Output shape:
        ``(batch, time, ...)`` with the inner layer's per-step output shape.

    Example:
        >>> layer = lamina.layers.TimeDistributed(lamina.layers.Dense(4))
        >>> print(layer(np.ones((2, 5, 3), "float32")).shape)
        (2, 5, 4)
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(
                f"TimeDistributed: `layer` must be a layer instance. Received: layer={layer!r}"
            )
        super().__init__(**kwargs)
        self.layer = layer
        self.supports_masking = True

    def _check_shape(self, input_shape):
        if len(input_shape) < 3:
            raise ValueError(
                f"TimeDistributed {self.name!r}: inputs must have at least 3 axes "
                f"(batch, time, ...). Received input shape {tuple(input_shape)}."
            )

    def build(self, input_shape):
        input_shape = tuple(input_shape)
        self._check_shape(input_shape)
        if not self.layer.built:
            self.layer.build((None, *input_shape[2:]))
            self.layer.built = True
        self.built = True

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        self._check_shape(input_shape)
        inner = self.layer.compute_output_shape((None, *input_shape[2:]))
        inner = _as_shapes(inner)
        lead = (input_shape[0], input_shape[1])
        if isinstance(inner, list):
            return [(*lead, *s[1:]) for s in inner]
        return (*lead, *inner[1:])

    def call(self, inputs, training=None, mask=None):
        shape = ops.shape(inputs)
        batch, steps = shape[0], shape[1]
        x = ops.reshape(inputs, (-1, *tuple(inputs.shape)[2:]))
        kwargs = {}
        if self.layer._call_accepts_training:
            kwargs["training"] = training
        if mask is not None and self.layer._call_accepts_mask:
            kwargs["mask"] = ops.reshape(mask, (-1,))
        y = self.layer(x, **kwargs)
        return tree.map_structure(lambda t: ops.reshape(t, (batch, steps, *tuple(t.shape)[1:])), y)

    def compute_mask(self, inputs, previous_mask=None):
        return previous_mask

    def get_config(self):
        from lamina.saving.serialization import serialize_object

        inner = serialize_object(self.layer)
        inner.pop("build_config", None)
        return {**super().get_config(), "layer": inner}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.saving.serialization import deserialize_object

        config = dict(config)
        layer = deserialize_object(config.pop("layer"), custom_objects)
        return cls(layer, **config)


def _as_shapes(shape):
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
        return [tuple(s) for s in shape]
    return tuple(shape)
