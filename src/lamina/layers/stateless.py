"""`stateless_call`: run a layer or model as a pure function of its variables' values.

This is what lets a user's own `jax.grad` / `jax.jit` loop (or a hand-written PyTorch or
TensorFlow loop over plain tensors) train a Lamina model: the values passed in stand in for the
variables during the call, and the non-trainable values the call leaves behind (batch-norm
statistics, seed states) come back out. The layer's variables are unchanged afterwards.
"""

from __future__ import annotations

from lamina import backend


def stateless_call(
    layer,
    trainable_variables,
    non_trainable_variables,
    *args,
    return_losses=False,
    **kwargs,
):
    """Call ``layer`` with ``trainable_variables`` / ``non_trainable_variables`` (lists of
    tensors, in the order of ``layer.trainable_variables`` / ``layer.non_trainable_variables``)
    standing in for its variables.

    Returns:
        ``(outputs, non_trainable_variables)``, plus ``losses`` when ``return_losses``.

    Example:
        >>> layer = keras.layers.Dense(2, kernel_initializer="ones")
        >>> _ = layer(np.ones((1, 3)))  # build it
        >>> kernel, bias = np.full((3, 2), 2.0, "float32"), np.zeros(2, "float32")
        >>> y, non_trainable = layer.stateless_call([kernel, bias], [], np.ones((1, 3)))
        >>> y  # computed with the kernel given, not the layer's own
        array([[6., 6.]], dtype=float32)
        >>> layer.kernel.numpy()[0]  # unchanged
        array([1., 1.], dtype=float32)
    """
    if not layer.built:
        raise ValueError(
            f"`stateless_call`: layer {layer.name!r} is not built, so it has no variables to "
            "stand in for. Call it once on data (or `build` it) first."
        )
    trainable = layer.trainable_variables
    non_trainable = layer.non_trainable_variables
    for what, given, expected in (
        ("trainable_variables", trainable_variables, trainable),
        ("non_trainable_variables", non_trainable_variables, non_trainable),
    ):
        if len(given) != len(expected):
            raise ValueError(
                f"`stateless_call` on {layer.name!r}: `{what}` must hold {len(expected)} values "
                f"(one per variable in `layer.{what}`). Received: {len(given)}."
            )
        for value, variable in zip(given, expected):
            shape = tuple(getattr(value, "shape", ()))
            if shape != tuple(variable.shape):
                raise ValueError(
                    f"`stateless_call` on {layer.name!r}: the value given for "
                    f"{variable.path!r} has shape {shape}, expected {tuple(variable.shape)}."
                )
    # Trainable values are bound as they are (so gradients flow to them); non-trainable
    # values are assigned, since a call may update them in place (torch, TensorFlow).
    trainable_originals = [v._value for v in trainable]
    non_trainable_originals = [_snapshot(v) for v in non_trainable]
    layer._clear_losses()
    try:
        for variable, value in zip(trainable, trainable_variables):
            variable._value = _as_value(variable, value)
        for variable, value in zip(non_trainable, non_trainable_variables):
            variable.assign(value)
        outputs = layer(*args, **kwargs)
        new_non_trainable = [_snapshot(v) for v in non_trainable]
        losses = list(layer.losses) if return_losses else None
    finally:
        for variable, value in zip(trainable, trainable_originals):
            variable._value = value
        for variable, value in zip(non_trainable, non_trainable_originals):
            variable.assign(value)
        layer._clear_losses()
    if return_losses:
        return outputs, new_non_trainable, losses
    return outputs, new_non_trainable


def _as_value(variable, value):
    """The tensor to bind: the backend's own tensors pass through untouched (a traced JAX value,
    a torch tensor that requires grad, a TensorFlow tensor watched by a tape)."""
    if hasattr(value, "_value") and hasattr(value, "assign"):
        value = value.value
    if backend.is_tensor(value) or _is_tracer(value):
        return value
    return backend.convert_to_tensor(value, variable.dtype)


def _is_tracer(value):
    return type(value).__module__.startswith("jax")


def _snapshot(variable):
    """The variable's current value, as a tensor that later assignments leave alone."""
    value = variable.value
    if backend.backend() in ("torch", "tensorflow"):
        from lamina import ops

        return ops.copy(value)
    return value
