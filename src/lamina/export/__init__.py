"""`lamina.export`: write a model for serving, as ONNX (every backend) or a TensorFlow
SavedModel (TensorFlow backend).

Example:
    >>> model = lamina.Sequential([lamina.Input((4,)), lamina.layers.Dense(2)])
    >>> path = lamina.export.export_model(model, "model.onnx", verbose=False)
    >>> import onnxruntime
    >>> session = onnxruntime.InferenceSession(path)
    >>> name = session.get_inputs()[0].name  # the model's input layer
    >>> print(session.run(None, {name: np.ones((3, 4), "float32")})[0].shape)
    (3, 2)
"""

from __future__ import annotations

FORMATS = ("onnx", "tf_saved_model")


def export_model(model, filepath, format="onnx", input_signature=None, verbose=True):
    """Export ``model`` for inference to ``filepath``.

    Args:
        model: a Lamina model. ONNX needs a Functional or Sequential model (nested ones too)
            built from the layers listed by `lamina.export.onnx_export.supported_layers`;
            "tf_saved_model" takes any model, subclassed ones included.
        filepath: the ``.onnx`` file, or the SavedModel folder, to write.
        format: "onnx" (default, any backend) or "tf_saved_model" (TensorFlow backend only).
        input_signature: optional input shapes (a shape tuple, or an object with ``shape`` and
            ``dtype`` such as `lamina.KerasTensor`, per input); the batch size stays dynamic.
            Default: the model's own input shapes.
        verbose: print a line saying what was written.

    Returns:
        ``filepath``.

    Example:
        >>> inputs = lamina.Input((4,), name="features")
        >>> outputs = lamina.layers.Dense(2, name="scores")(inputs)
        >>> model = lamina.Model(inputs, outputs, name="mlp")
        >>> lamina.export.export_model(model, "model.onnx")
        Exported Functional model 'mlp' to ONNX: model.onnx (3 nodes, opset 17, inputs features;
        outputs scores).
        'model.onnx'
    """
    if format == "onnx":
        try:
            from lamina.export.onnx_export import export_onnx
        except ModuleNotFoundError as e:
            if e.name not in ("onnx", "onnx.helper"):
                raise
            raise ModuleNotFoundError(
                'export: format="onnx" needs the `onnx` package. Install it with '
                "`pip install onnx` (and `onnxruntime` to run the exported file)."
            ) from e

        return export_onnx(model, filepath, input_signature=input_signature, verbose=verbose)
    if format == "tf_saved_model":
        from lamina.export.saved_model import export_saved_model

        return export_saved_model(model, filepath, input_signature=input_signature, verbose=verbose)
    raise ValueError(
        f"export: unknown `format` {format!r}. Accepted formats: "
        f"{', '.join(repr(f) for f in FORMATS)}."
    )


__all__ = ["FORMATS", "export_model"]
