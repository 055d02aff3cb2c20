"""`Model`: a layer that can be trained. Functional, Sequential and subclassed models share it."""

from __future__ import annotations

from lamina.layers.base import Layer
from lamina.training.trainer import Trainer


class Model(Trainer, Layer):
    """A trainable stack of layers, built in one of three ways.

    Functional: ``Model(inputs, outputs)`` with tensors from `lamina.Input`.
    Subclassing: define layers in ``__init__`` and the forward pass in ``call``.
    Sequential: see `lamina.Sequential`.

    Example:
        >>> inputs = lamina.Input(shape=(4,))
        >>> outputs = lamina.layers.Dense(2)(inputs)
        >>> model = lamina.Model(inputs, outputs)
        >>> print(model(np.ones((3, 4))).shape)
        (3, 2)
    """

    def __new__(cls, *args, **kwargs):
        if cls is Model and (args or "inputs" in kwargs or "outputs" in kwargs):
            from lamina.models.functional import Functional

            return Functional.__new__(Functional, *args, **kwargs)
        return super().__new__(cls, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if args or "inputs" in kwargs:
            raise TypeError(
                f"{type(self).__name__}: a subclassed model takes no `inputs`/`outputs`. "
                "Build a functional model with `lamina.Model(inputs, outputs)` instead."
            )
        Layer.__init__(self, **kwargs)
        Trainer.__init__(self)

    def build(self, input_shape):
        """Create the weights by calling the model on a symbolic input of ``input_shape``."""
        if self.built:
            return
        from lamina.layers.node import symbolic_scope
        from lamina.layers.shape_structures import shapes_to_specs

        self._build_shapes = input_shape
        with symbolic_scope():
            self.call(shapes_to_specs(input_shape, self.compute_dtype))
        self.built = True

    def get_layer(self, name=None, index=None):
        """A layer found by ``name`` or by ``index`` in `layers`."""
        if (name is None) == (index is None):
            raise ValueError("`get_layer` takes exactly one of `name` or `index`.")
        layers = self.layers
        if index is not None:
            if not -len(layers) <= index < len(layers):
                raise ValueError(
                    f"`get_layer`: index {index} is out of range; model {self.name!r} has "
                    f"{len(layers)} layers."
                )
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(
            f"No layer named {name!r} in model {self.name!r}. "
            f"Layers: {[layer.name for layer in layers]}"
        )

    def export(self, filepath, format="onnx", input_signature=None, verbose=True, **kwargs):
        """Export the model for inference: ``"onnx"`` (any backend; Functional and Sequential
        models of built-in layers) or ``"tf_saved_model"`` (the TensorFlow backend; any model).
        See `lamina.export.export_model`."""
        from lamina.export import export_model

        if kwargs:
            raise TypeError(f"`export` got unexpected keyword arguments {sorted(kwargs)}.")
        return export_model(
            self, filepath, format=format, input_signature=input_signature, verbose=verbose
        )

    def save(self, filepath, overwrite=True):
        """Write the whole model (architecture, weights, optimizer state) to a ``.lamina``
        file; `lamina.models.load_model` reads it back on any backend."""
        from lamina.saving.model_file import save_model

        save_model(self, filepath, overwrite=overwrite)

    def to_json(self, **kwargs) -> str:
        """The architecture (no weights) as a JSON string; see `lamina.models.model_from_json`."""
        import json

        from lamina.saving.serialization import serialize_object

        return json.dumps(serialize_object(self), **kwargs)

    def save_weights(self, filepath, overwrite=True):
        """Write the weights to ``filepath`` (``*.weights.safetensors``), atomically."""
        from lamina.saving.weights import save_weights

        save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath):
        """Read weights written by `save_weights` into this (same-architecture) model."""
        from lamina.saving.weights import load_weights

        load_weights(self, filepath)

    def summary(
        self,
        line_length=None,
        positions=None,
        print_fn=None,
        expand_nested=False,
        show_trainable=False,
        layer_range=None,
    ):
        """Print a table of layers, output shapes and parameter counts."""
        from lamina.utils.summary import print_summary

        print_summary(
            self,
            line_length=line_length,
            positions=positions,
            print_fn=print_fn,
            show_trainable=show_trainable,
        )
