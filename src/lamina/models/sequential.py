"""`Sequential`: a plain stack of layers, one input and one output."""

from __future__ import annotations

from lamina.backend.common.keras_tensor import KerasTensor
from lamina.layers.base import Layer, structure_changed
from lamina.layers.input_layer import Input, InputLayer
from lamina.models.model import Model


class Sequential(Model):
    """A linear stack of layers.

    The input shape comes from an `lamina.Input` as first element, or from ``input_shape=`` on
    the first layer; without either, the model is built on its first call or `fit`.

    Example:
        >>> model = lamina.Sequential([
        ...     lamina.layers.Flatten(input_shape=(28, 28)),
        ...     lamina.layers.Dense(128, activation="relu"),
        ...     lamina.layers.Dense(10, activation="softmax"),
        ... ])
        >>> print(model.count_params())
        101770
    """

    def __init__(self, layers=None, trainable=True, name=None):
        Model.__init__(self, trainable=trainable, name=name)
        self._layers_list: list[Layer] = []
        self._functional = None
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._maybe_rebuild()

    def add(self, layer, rebuild=True):
        """Append a layer (or an `Input` tensor, as the first element)."""
        if isinstance(layer, KerasTensor) and layer._history is not None:
            layer = layer._history[0].layer
        if not isinstance(layer, Layer):
            raise ValueError(
                "`Sequential.add` expects a layer instance (e.g. `layers.Dense(10)`). "
                f"Received: {layer!r} of type {type(layer).__name__}"
            )
        if isinstance(layer, InputLayer) and self._layers_list:
            raise ValueError(
                f"Sequential model {self.name!r}: an Input can only be the first element."
            )
        if any(existing is layer for existing in self._layers_list):
            raise ValueError(f"Layer {layer.name!r} is already in Sequential model {self.name!r}.")
        self._layers_list.append(layer)
        structure_changed()
        if rebuild:
            self._maybe_rebuild()
        else:
            self.built = False

    def pop(self, rebuild=True):
        """Remove and return the last layer."""
        layers = self.layers
        if not layers:
            raise ValueError(f"Sequential model {self.name!r} has no layers to pop.")
        layer = self._layers_list.pop()
        structure_changed()
        self.built = False
        self._functional = None
        if rebuild:
            self._maybe_rebuild()
        return layer

    @property
    def layers(self):
        return [layer for layer in self._layers_list if not isinstance(layer, InputLayer)]

    def _input_batch_shape(self):
        if not self._layers_list:
            return None
        first = self._layers_list[0]
        if isinstance(first, InputLayer):
            return first.batch_shape, first.dtype
        if first._batch_input_shape is not None:
            return first._batch_input_shape, None
        return None

    def _maybe_rebuild(self):
        spec = self._input_batch_shape()
        if spec is not None and len(self.layers) > 0:
            self.build(spec[0], dtype=spec[1])

    def build(self, input_shape=None, dtype=None):
        if input_shape is None:
            spec = self._input_batch_shape()
            if spec is None:
                raise ValueError(
                    f"Sequential model {self.name!r} cannot be built without an input shape. "
                    "Pass `input_shape=` to its first layer, start it with `lamina.Input(...)`, "
                    "or call it on data."
                )
            input_shape, dtype = spec
        first = self._layers_list[0]
        if isinstance(first, InputLayer):
            inputs = first.output_tensor
        else:
            inputs = Input(batch_shape=tuple(input_shape), dtype=dtype)
        x = inputs
        for layer in self.layers:
            x = layer(x)
        from lamina.models.functional import Functional

        self._functional = Functional(inputs, x, name=self.name + "_graph")
        self.built = True

    def call(self, inputs, training=None, mask=None):
        if self._functional is not None:
            return self._functional._run_graph([inputs])
        # Not built from a known input shape: build from the data, then run the graph.
        shape = tuple(getattr(inputs, "shape", ()))
        if not shape:
            raise ValueError(f"Sequential model {self.name!r} needs tensor inputs.")
        self.build((None, *shape[1:]), dtype=_dtype_name(inputs))
        return self._functional._run_graph([inputs])

    def compute_output_spec(self, inputs, training=None, mask=None):
        if self._functional is None:
            self.build((None, *inputs.shape[1:]), dtype=inputs.dtype)
        return self._functional.compute_output_spec(inputs)

    @property
    def inputs(self):
        return self._functional.inputs if self._functional else None

    @property
    def outputs(self):
        return self._functional.outputs if self._functional else None

    @property
    def input_shape(self):
        return self._functional.input_shape if self._functional else None

    @property
    def output_shape(self):
        return self._functional.output_shape if self._functional else None

    def get_config(self):
        from lamina.saving.serialization import serialize_layer

        return {
            "name": self.name,
            "trainable": self.trainable,
            "layers": [serialize_layer(layer) for layer in self._layers_list],
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.saving.serialization import deserialize_layer

        layers = [deserialize_layer(c, custom_objects) for c in config["layers"]]
        return cls(layers=layers, name=config.get("name"), trainable=config.get("trainable", True))


def _dtype_name(x):
    from lamina.backend.common import dtypes

    return dtypes.standardize_dtype(x.dtype) if hasattr(x, "dtype") else None
