"""`Bidirectional`: runs a recurrent layer forwards and a copy of it backwards, then merges."""

from __future__ import annotations

from lamina import ops
from lamina.layers.base import Layer

__all__ = ["Bidirectional"]

_MERGE_MODES = ("concat", "sum", "mul", "ave", None)


class Bidirectional(Layer):
    """Bidirectional wrapper for RNNs.

    Args:
        layer: an RNN layer (`LSTM`, `GRU`, `SimpleRNN`, `RNN`, or any layer with
            ``go_backwards``, ``return_sequences`` and ``return_state``). It serves as a template:
            the forward and backward layers are fresh copies made from its config.
        merge_mode: how the two outputs combine: "concat" (default), "sum", "mul", "ave", or
            None (a list of both outputs).
        weights: optional initial weights, the forward layer's then the backward layer's.
        backward_layer: optional layer for the backward direction (with ``go_backwards=True``);
            by default a copy of ``layer`` with ``go_backwards`` flipped.

    Call arguments:
        sequences, initial_state (forward states then backward states), mask, training.

    Example:
        >>> layer = lamina.layers.Bidirectional(lamina.layers.LSTM(4))
        >>> print(layer(np.ones((2, 5, 3), "float32")).shape)
        (2, 8)
    """

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        from lamina.saving.serialization import deserialize_object, serialize_object

        if not isinstance(layer, Layer):
            raise ValueError(
                f"Bidirectional: `layer` must be a layer instance (e.g. `LSTM(4)`). "
                f"Received: layer={layer!r}"
            )
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError(
                "Bidirectional: `backward_layer` must be a layer instance. "
                f"Received: backward_layer={backward_layer!r}"
            )
        if merge_mode not in _MERGE_MODES:
            raise ValueError(
                f"Bidirectional: `merge_mode` must be one of {list(_MERGE_MODES)}. "
                f"Received: merge_mode={merge_mode!r}"
            )
        super().__init__(**kwargs)
        config = serialize_object(layer)
        config.pop("build_config", None)
        config["config"]["name"] = "forward_" + _strip(layer.name, "forward_")
        own = {type(layer).__name__: type(layer)}
        self.forward_layer = deserialize_object(config, own)
        if backward_layer is None:
            config = serialize_object(layer)
            config.pop("build_config", None)
            config["config"]["go_backwards"] = not layer.go_backwards
            config["config"]["name"] = "backward_" + _strip(layer.name, "backward_")
            backward_layer = deserialize_object(config, own)
        self.backward_layer = backward_layer
        if self.forward_layer.go_backwards == self.backward_layer.go_backwards:
            raise ValueError(
                "Bidirectional: the forward and backward layers must have different "
                f"`go_backwards`. Received: {self.forward_layer.go_backwards} for both."
            )
        for attr in ("stateful", "return_sequences", "return_state"):
            a, b = getattr(self.forward_layer, attr), getattr(self.backward_layer, attr)
            if a != b:
                raise ValueError(
                    f"Bidirectional: the forward and backward layers must have the same `{attr}`. "
                    f"Received: {a} (forward) and {b} (backward)."
                )
        for sub in (self.forward_layer, self.backward_layer):
            # Masked steps give zeros in returned sequences, so that the two directions align.
            if hasattr(sub, "zero_output_for_mask"):
                sub.zero_output_for_mask = sub.return_sequences
        self.merge_mode = merge_mode
        self.stateful = layer.stateful
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self._initial_weights = list(weights) if weights else None

    def build(self, sequences_shape, initial_state_shape=None):
        for sub in (self.forward_layer, self.backward_layer):
            if not sub.built:
                sub.build(tuple(sequences_shape))
                sub.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None
        self.built = True

    def call(self, sequences, initial_state=None, mask=None, training=None):
        kwargs = {}
        if self.forward_layer._call_accepts_training:
            kwargs["training"] = training
        if self.forward_layer._call_accepts_mask and mask is not None:
            kwargs["mask"] = mask
        forward_state = backward_state = None
        if initial_state is not None:
            half = len(initial_state) // 2
            forward_state, backward_state = list(initial_state[:half]), list(initial_state[half:])
        y = self.forward_layer(sequences, initial_state=forward_state, **kwargs)
        y_rev = self.backward_layer(sequences, initial_state=backward_state, **kwargs)
        states = ()
        if self.return_state:
            states = tuple(y[1:]) + tuple(y_rev[1:])
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = ops.flip(y_rev, axis=1)
        if self.merge_mode == "concat":
            output = ops.concatenate([y, y_rev], axis=-1)
        elif self.merge_mode == "sum":
            output = ops.add(y, y_rev)
        elif self.merge_mode == "ave":
            output = ops.divide(ops.add(y, y_rev), 2)
        elif self.merge_mode == "mul":
            output = ops.multiply(y, y_rev)
        else:
            output = (y, y_rev)
        if self.return_state:
            return (*output, *states) if self.merge_mode is None else (output, *states)
        return list(output) if self.merge_mode is None else output

    def reset_states(self):
        for sub in (self.forward_layer, self.backward_layer):
            sub.reset_states()

    def reset_state(self):
        self.reset_states()

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        shape = self.forward_layer.compute_output_shape(tuple(sequences_shape))
        states = ()
        if self.return_state:
            shape, states = shape[0], tuple(shape[1:])
        if self.merge_mode == "concat":
            shape = (*shape[:-1], shape[-1] * 2)
        if self.merge_mode is None:
            if self.return_state:
                return (shape, shape, *states, *states)
            return [shape, shape]
        if self.return_state:
            return (shape, *states, *states)
        return tuple(shape)

    def compute_mask(self, inputs, previous_mask=None):
        mask = previous_mask[0] if isinstance(previous_mask, (list, tuple)) else previous_mask
        output_mask = mask if self.return_sequences else None
        outputs = [output_mask, output_mask] if self.merge_mode is None else [output_mask]
        if self.return_state:
            n = len(getattr(self.forward_layer, "state_size", ()))
            return outputs + [None] * (2 * n)
        return outputs if self.merge_mode is None else output_mask

    def get_config(self):
        from lamina.saving.serialization import serialize_object

        forward = serialize_object(self.forward_layer)
        backward = serialize_object(self.backward_layer)
        forward.pop("build_config", None)
        backward.pop("build_config", None)
        return {
            **super().get_config(),
            "merge_mode": self.merge_mode,
            "layer": forward,
            "backward_layer": backward,
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.saving.serialization import deserialize_object

        config = dict(config)
        layer = deserialize_object(config.pop("layer"), custom_objects)
        backward = config.pop("backward_layer", None)
        if backward is not None:
            backward = deserialize_object(backward, custom_objects)
        return cls(layer, backward_layer=backward, **config)


def _strip(name, prefix):
    return name[len(prefix) :] if name.startswith(prefix) else name
