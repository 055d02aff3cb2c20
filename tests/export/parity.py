"""Helpers of the export tests: random weights, and ONNX Runtime vs `model.predict`."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort

from lamina.export import export_model

RTOL, ATOL = 1e-5, 2e-6
BATCHES = (2, 3)


def randomize(model, seed=0):
    """Give every weight random values (variances positive), so no default 0 or 1 hides a bug."""
    rng = np.random.default_rng(seed)
    for v in model.weights:
        if "int" in str(v.dtype):
            continue
        if "variance" in v.name:
            value = rng.uniform(0.5, 1.5, v.shape)
        else:
            value = rng.normal(0.0, 0.5, v.shape)
        v.assign(value.astype(str(v.dtype)))
    return model


def make_inputs(specs, batch, seed=1):
    """One array per ``(shape_without_batch, dtype, high)`` spec: floats in [-2, 2), ints in
    [0, high)."""
    rng = np.random.default_rng(seed + batch)
    arrays = []
    for shape, dtype, high in specs:
        if dtype.startswith(("int", "uint")):
            arrays.append(rng.integers(0, high, (batch, *shape)).astype(dtype))
        else:
            arrays.append(rng.uniform(-2, 2, (batch, *shape)).astype(dtype))
    return arrays


def session(path):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def run_session(sess, arrays):
    feeds = {i.name: a for i, a in zip(sess.get_inputs(), arrays)}
    return sess.run(None, feeds)


def predict(model, arrays, batch_size=None):
    x = arrays[0] if len(arrays) == 1 else arrays
    out = model.predict(x, batch_size=batch_size, verbose=0)
    return [np.asarray(o) for o in (out if isinstance(out, (list, tuple)) else [out])]


def check_parity(model, specs, tmp_path, rtol=RTOL, atol=ATOL, name="model.onnx"):
    """Export ``model`` once and compare ONNX Runtime at two batch sizes with `model.predict`
    (one predict call on both batches, so a compiling backend compiles once)."""
    path = tmp_path / name
    export_model(model, str(path), verbose=False)
    sess = session(path)
    batches = [make_inputs(specs, batch) for batch in BATCHES]
    joined = [np.concatenate(parts) for parts in zip(*batches)]
    want_all = predict(model, joined, batch_size=sum(BATCHES))
    start = 0
    for batch, arrays in zip(BATCHES, batches):
        got = run_session(sess, arrays)
        want = [w[start : start + batch] for w in want_all]
        start += batch
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert g.shape == w.shape
            assert g.dtype == w.dtype
            np.testing.assert_allclose(g, w, rtol=rtol, atol=atol)
    return sess
