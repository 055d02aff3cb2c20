"""The layer test harness: one call checks a layer's whole contract.

`run_layer_test(layer_cls, init_kwargs, input_shape, ...)` checks, in order:

1. symbolic call: on a `KerasTensor` of the full input shape and on `lamina.layers.Input` (batch
   None); output shapes and dtypes;
2. eager call on random data: output shape and dtype (and ``expected_output`` when given);
   symbolic and eager agree;
3. weight counts (trainable / non-trainable), losses;
4. config round trip: ``layer_cls.from_config(get_config())`` through JSON, and the serialized
   form through ``lamina.saving.serialization``; the rebuilt layer, given the same weights, gives
   the same output and the same config; then a file round trip: a functional model around the
   layer, saved with ``model.save`` to a ``.lamina`` file and loaded with ``load_model``,
   gives the same output (layers called with ``call_kwargs`` or without symbolic support skip
   this part);
5. gradients (jax / torch / tensorflow): ``trainer.value_and_grad`` of a random linear function of
   the output (``training=True``), run as one compiled step (``trainer.compile_step``: jax.jit,
   tf.function, eager torch), reaches every trainable weight (and the input, for float inputs)
   with finite, non-zero values;
6. Keras 3 oracle: ``keras.layers.<Name>(**init_kwargs)`` built on the same input, given the
   same weights (``set_weights(layer.get_weights())``; weight names and order must match
   Keras'), gives the same inference output within ``rtol`` / ``atol``.

Test modules import it as ``from tests.layers.harness import run_layer_test``. Keep its API
stable and add only keyword arguments with defaults.

Example:
    >>> from tests.layers.harness import run_layer_test
    >>> run_layer_test(lamina.layers.Dense, {"units": 3}, input_shape=(2, 4),
    ...                expected_output_shape=(2, 3), expected_num_trainable_weights=2)
"""

from __future__ import annotations

import json

import numpy as np

import lamina
from lamina.backend.common import dtypes

BACKEND = lamina.backend.backend()
TRAINING_BACKENDS = ("jax", "torch", "tensorflow")

__all__ = ["BACKEND", "TRAINING_BACKENDS", "keras_layer", "make_inputs", "run_layer_test", "to_np"]


def to_np(x):
    """A tensor, Variable, array or nested list/tuple of them as NumPy."""
    if isinstance(x, (list, tuple)):
        return type(x)(to_np(v) for v in x)
    if isinstance(x, dict):
        return {k: to_np(v) for k, v in x.items()}
    if isinstance(x, np.ndarray):
        return x
    if type(x).__name__ == "IndexedSlices":  # TensorFlow's sparse gradient of a gather
        import tensorflow as tf

        x = tf.convert_to_tensor(x)
    return np.array(lamina.backend.convert_to_numpy(x))


def _is_multi(input_shape) -> bool:
    return isinstance(input_shape, (list, tuple)) and any(
        isinstance(s, (list, tuple)) for s in input_shape
    )


def make_inputs(input_shape, input_dtype="float32", seed=0, int_high=10):
    """Random inputs: floats in [-1, 1), integers in [0, ``int_high``), booleans.

    ``input_shape`` is one shape, or a list of shapes for multi-input layers (then
    ``input_dtype`` may be a list too).
    """
    rng = np.random.default_rng(seed)
    if _is_multi(input_shape):
        dts = (
            input_dtype
            if isinstance(input_dtype, (list, tuple))
            else [input_dtype] * len(input_shape)
        )
        return [_random_array(rng, s, d, int_high) for s, d in zip(input_shape, dts)]
    return _random_array(rng, input_shape, input_dtype, int_high)


def _random_array(rng, shape, dtype, int_high):
    dtype = dtypes.standardize_dtype(dtype)
    np_dtype = dtypes.to_numpy_dtype(dtype)
    if dtype == "bool":
        return rng.random(shape) > 0.5
    if dtypes.is_float(dtype):
        return rng.uniform(-1.0, 1.0, size=shape).astype(np_dtype)
    return rng.integers(0, int_high, size=shape).astype(np_dtype)


def _symbolic_inputs(data, full_batch):
    """KerasTensors for ``data``: with the real batch size, or via `Input` (batch None)."""
    if isinstance(data, list):
        return [_symbolic_inputs(d, full_batch) for d in data]
    dtype = dtypes.standardize_dtype(data.dtype)
    if full_batch:
        return lamina.KerasTensor(data.shape, dtype)
    return lamina.layers.Input(shape=data.shape[1:], dtype=dtype)


def _shapes(x):
    if isinstance(x, (list, tuple)):
        return [_shapes(v) for v in x]
    return tuple(x.shape)


def _dtypes(x):
    if isinstance(x, (list, tuple)):
        return [_dtypes(v) for v in x]
    return dtypes.standardize_dtype(x.dtype)


def _batch_none(shape):
    if isinstance(shape, list):
        return [_batch_none(s) for s in shape]
    return (None, *tuple(shape)[1:])


def _assert_shape(got, expected, what):
    if isinstance(expected, list) or (
        isinstance(expected, tuple) and expected and isinstance(expected[0], (tuple, list))
    ):
        assert isinstance(got, list) and len(got) == len(expected), (
            f"{what}: expected {len(expected)} outputs with shapes {expected}, got {got}"
        )
        for g, e in zip(got, expected):
            _assert_shape(g, e, what)
        return
    assert tuple(got) == tuple(expected), f"{what}: expected shape {tuple(expected)}, got {got}"


def _call(layer, data, training, call_kwargs):
    kwargs = dict(call_kwargs or {})
    if training is not None:
        kwargs["training"] = training
    return layer(data, **kwargs)


def keras_layer(name, init_kwargs):
    """A Keras 3 layer ``keras.layers.<name>(**init_kwargs)`` (Keras is imported lazily)."""
    import keras

    cls = getattr(keras.layers, name, None)
    if cls is None:
        raise AssertionError(f"Keras has no layer named {name!r}; pass keras_oracle=False.")
    return cls(**init_kwargs)


def run_layer_test(
    layer_cls,
    init_kwargs=None,
    input_shape=(2, 3),
    input_dtype="float32",
    input_data=None,
    call_kwargs=None,
    expected_output_shape=None,
    expected_output_dtype=None,
    expected_output=None,
    expected_num_trainable_weights=None,
    expected_num_non_trainable_weights=None,
    expected_num_losses=None,
    keras_oracle=True,
    keras_init_kwargs=None,
    supports_training=True,
    run_symbolic_check=True,
    check_input_grad=True,
    training=None,
    rtol=1e-5,
    atol=1e-6,
    seed=0,
):
    """Check ``layer_cls(**init_kwargs)`` against its contract and Keras 3 (see module doc).

    Args:
        layer_cls: the Lamina layer class.
        init_kwargs: constructor arguments (the same are given to Keras unless
            ``keras_init_kwargs`` is set).
        input_shape: full input shape with the batch, or a list of shapes (multi-input).
        input_dtype: dtype of the random input (a list for multi-input layers).
        input_data: explicit input array(s), instead of random data.
        call_kwargs: extra keyword arguments for every call (e.g. ``mask``).
        expected_output_shape / expected_output_dtype / expected_output: eager-output checks
            (the symbolic shape is also checked against the shape).
        expected_num_trainable_weights / expected_num_non_trainable_weights /
            expected_num_losses: counts after the eager call.
        keras_oracle: True compares with ``keras.layers.<layer_cls.__name__>``; a string names
            another Keras layer; False skips the comparison.
        supports_training: False skips the gradient check (layers that are not differentiable).
        run_symbolic_check: False skips the symbolic calls (layers that need concrete values).
        check_input_grad: also require a gradient to reach a float input.
        training: the ``training`` flag of the eager and oracle calls (None: not passed).
        rtol / atol: tolerances against Keras and for the round trip.
        seed: seed of the random input.

    Returns:
        The built layer (so that a test can look further at it).
    """
    init_kwargs = dict(init_kwargs or {})
    data = input_data if input_data is not None else make_inputs(input_shape, input_dtype, seed)
    if isinstance(data, tuple):
        data = list(data)

    # 1. Symbolic calls (full batch and batch None).
    sym_dtype = None
    if run_symbolic_check:
        layer = layer_cls(**init_kwargs)
        sym_out = _call(layer, _symbolic_inputs(data, True), None, call_kwargs)
        sym_dtype = _dtypes(sym_out)
        if expected_output_shape is not None:
            _assert_shape(_shapes(sym_out), expected_output_shape, "symbolic output (full batch)")
        layer = layer_cls(**init_kwargs)
        sym_none = _call(layer, _symbolic_inputs(data, False), None, call_kwargs)
        if expected_output_shape is not None:
            _assert_shape(
                _shapes(sym_none),
                _batch_none(_as_list_or_tuple(expected_output_shape)),
                "symbolic output (batch None)",
            )
        if expected_output_dtype is not None:
            assert sym_dtype == expected_output_dtype, (
                f"symbolic output dtype {sym_dtype} != {expected_output_dtype}"
            )

    # 2. Eager call.
    layer = layer_cls(**init_kwargs)
    out = _call(layer, data, training, call_kwargs)
    assert layer.built, f"{layer_cls.__name__} is not built after an eager call"
    out_np = to_np(out)
    if expected_output_shape is not None:
        _assert_shape(_shapes(out), expected_output_shape, "eager output")
    if expected_output_dtype is not None:
        assert _dtypes(out) == expected_output_dtype, (
            f"eager output dtype {_dtypes(out)} != {expected_output_dtype}"
        )
    if sym_dtype is not None:
        assert _dtypes(out) == sym_dtype, (
            f"eager output dtype {_dtypes(out)} != symbolic output dtype {sym_dtype}"
        )
    if expected_output is not None:
        np.testing.assert_allclose(out_np, np.asarray(expected_output), rtol=rtol, atol=atol)

    # 3. Weight counts, losses.
    if expected_num_trainable_weights is not None:
        assert len(layer.trainable_weights) == expected_num_trainable_weights, (
            f"{len(layer.trainable_weights)} trainable weights "
            f"({[v.path for v in layer.trainable_weights]}), expected "
            f"{expected_num_trainable_weights}"
        )
    if expected_num_non_trainable_weights is not None:
        assert len(layer.non_trainable_weights) == expected_num_non_trainable_weights, (
            f"{len(layer.non_trainable_weights)} non-trainable weights "
            f"({[v.path for v in layer.non_trainable_weights]}), expected "
            f"{expected_num_non_trainable_weights}"
        )
    if expected_num_losses is not None:
        assert len(layer.losses) == expected_num_losses, (
            f"{len(layer.losses)} losses, expected {expected_num_losses}"
        )

    # 4. Config round trip, then through a model file.
    _check_config_round_trip(layer, layer_cls, data, call_kwargs, out_np, rtol, atol)
    if run_symbolic_check and not call_kwargs:
        _check_file_round_trip(layer, data, rtol, atol)

    # 5. Gradients.
    if supports_training and BACKEND in TRAINING_BACKENDS:
        _check_gradients(layer, data, call_kwargs, check_input_grad, seed)

    # 6. Keras oracle.
    if keras_oracle:
        name = keras_oracle if isinstance(keras_oracle, str) else layer_cls.__name__
        kwargs = init_kwargs if keras_init_kwargs is None else keras_init_kwargs
        _check_against_keras(layer, name, kwargs, data, call_kwargs, training, rtol, atol)
    return layer


def _as_list_or_tuple(shape):
    if isinstance(shape, list) or (
        isinstance(shape, tuple) and shape and isinstance(shape[0], (tuple, list))
    ):
        return [tuple(s) for s in shape]
    return tuple(shape)


def _check_config_round_trip(layer, layer_cls, data, call_kwargs, out_np, rtol, atol):
    config = layer.get_config()
    assert isinstance(config, dict), f"get_config() returned {type(config).__name__}"
    restored_config = json.loads(json.dumps(config))
    clone = layer_cls.from_config(restored_config)
    assert type(clone) is layer_cls
    clone_out = _call(clone, data, None, call_kwargs)
    assert len(clone.weights) == len(layer.weights)
    clone.set_weights(layer.get_weights())
    clone_out = to_np(_call(clone, data, None, call_kwargs))
    ref = to_np(_call(layer, data, None, call_kwargs))
    _assert_close(clone_out, ref, rtol, atol, "from_config clone")
    assert json.loads(json.dumps(clone.get_config())) == restored_config, (
        f"config changed in the round trip:\n{restored_config}\n{clone.get_config()}"
    )
    try:
        from lamina.saving import serialization
    except ImportError:
        return
    serialized = json.loads(json.dumps(serialization.serialize_layer(layer)))
    revived = serialization.deserialize_layer(serialized)
    assert type(revived) is layer_cls, f"deserialized a {type(revived).__name__}"


def _check_file_round_trip(layer, data, rtol, atol):
    import tempfile

    datas = data if isinstance(data, list) else [data]
    inputs = [
        lamina.Input(shape=np.shape(d)[1:], dtype=dtypes.standardize_dtype(np.asarray(d).dtype))
        for d in datas
    ]
    outputs = layer(inputs if isinstance(data, list) else inputs[0])
    model = lamina.Model(inputs if isinstance(data, list) else inputs[0], outputs)
    want = to_np(model(data))
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/layer.lamina"
        model.save(path)
        loaded = lamina.models.load_model(path)
    _assert_close(to_np(loaded(data)), want, rtol, atol, "model saved to a .lamina file and loaded")


def _assert_close(got, want, rtol, atol, what):
    if isinstance(want, (list, tuple)):
        assert len(got) == len(want), f"{what}: {len(got)} outputs vs {len(want)}"
        for g, w in zip(got, want):
            _assert_close(g, w, rtol, atol, what)
        return
    got, want = np.asarray(got), np.asarray(want)
    assert got.shape == want.shape, f"{what}: shape {got.shape} vs {want.shape}"
    if want.dtype.kind in "fc":
        np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, err_msg=what)
    else:
        np.testing.assert_array_equal(got, want, err_msg=what)


def _check_gradients(layer, data, call_kwargs, check_input_grad, seed):
    from lamina import ops

    trainer = lamina.backend.active.load("trainer")
    multi = isinstance(data, list)
    datas = data if multi else [data]
    input_vars = []
    for i, d in enumerate(datas):
        if check_input_grad and d.dtype.kind == "f":
            input_vars.append(lamina.Variable(d, name=f"input_{i}"))
        else:
            input_vars.append(None)
    graded_inputs = [v for v in input_vars if v is not None]

    out = to_np(_call(layer, data, True, call_kwargs))
    outs = out if isinstance(out, (list, tuple)) else [out]
    rng = np.random.default_rng(seed + 1)
    coefs = [
        rng.uniform(0.5, 1.5, size=o.shape).astype(o.dtype) if o.dtype.kind == "f" else None
        for o in outs
    ]

    def loss():
        inputs = [v if v is not None else d for v, d in zip(input_vars, datas)]
        y = _call(layer, inputs if multi else inputs[0], True, call_kwargs)
        ys = y if isinstance(y, (list, tuple)) else [y]
        total = 0.0
        for yi, c in zip(ys, coefs):
            if c is not None:
                total = ops.add(total, ops.sum(ops.multiply(yi, c)))
        return total

    variables = list(layer.trainable_weights) + graded_inputs
    if not variables:
        return

    def step(_):
        return trainer.value_and_grad(loss, variables)

    # One compiled step (jax.jit / tf.function / eager torch), as `fit` runs it: the layer's
    # variables and random-seed states are its state.
    state = _state_variables(layer) + graded_inputs
    value, grads = trainer.compile_step(step, state)(0)
    assert np.isfinite(to_np(value)), f"loss is not finite: {to_np(value)}"
    assert len(grads) == len(variables)
    for v, g in zip(variables, grads):
        assert g is not None, f"no gradient reaches {v.path}"
        g = to_np(g)
        assert g.shape == tuple(v.shape), f"gradient of {v.path} has shape {g.shape}"
        assert np.all(np.isfinite(g)), f"gradient of {v.path} is not finite"
        assert np.any(g != 0), f"gradient of {v.path} is all zeros"


def _state_variables(layer):
    """Every variable a call may read or assign: weights and seed-generator states."""
    found, seen = [], set()
    for sub in layer._flatten_layers():
        candidates = list(sub.variables) if sub is layer else []
        for value in vars(sub).values():
            state = getattr(value, "state", None)
            if isinstance(state, lamina.Variable):
                candidates.append(state)
        for v in candidates:
            if id(v) not in seen:
                seen.add(id(v))
                found.append(v)
    return found


def _check_against_keras(layer, name, init_kwargs, data, call_kwargs, training, rtol, atol):
    klayer = keras_layer(name, init_kwargs)
    kwargs = dict(call_kwargs or {})
    kwargs = {
        k: (to_np(v) if not isinstance(v, (bool, int, float, str)) else v)
        for k, v in kwargs.items()
    }
    if training is not None:
        kwargs["training"] = training
    klayer(data, **kwargs)  # builds
    kweights = klayer.weights
    names = [v.name for v in layer.weights]
    knames = [v.name for v in kweights]
    assert names == knames, f"weight names/order {names} differ from Keras' {knames}"
    assert len(layer.trainable_weights) == len(klayer.trainable_weights), (
        f"{len(layer.trainable_weights)} trainable weights vs Keras' {len(klayer.trainable_weights)}"
    )
    for v, kv in zip(layer.weights, kweights):
        assert tuple(v.shape) == tuple(kv.shape), f"{v.path}: {v.shape} vs Keras {kv.shape}"
    klayer.set_weights(layer.get_weights())
    want = klayer(data, **kwargs)
    want = [np.asarray(w) for w in want] if isinstance(want, (list, tuple)) else np.asarray(want)
    got = to_np(_call(layer, data, training, call_kwargs))
    _assert_close(got, want, rtol, atol, f"{layer.name} vs keras.layers.{name}")
