"""The REST contract of `lamina.serving.ModelServer`, on a free loopback port."""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.serving import ModelServer

LIMITS = dict(max_body_bytes=100_000, max_instances=16, timeout_s=10.0)


def small_model():
    return lamina.Sequential(
        [
            layers.Input(shape=(3, 2)),
            layers.Flatten(),
            layers.Dense(5, activation="relu"),
            layers.Dense(4, activation="softmax"),
        ],
        name="small",
    )


def two_io_model():
    a = layers.Input(shape=(3,), name="a")
    b = layers.Input(shape=(2, 2), name="b")
    x = layers.concatenate([a, layers.Flatten()(b)])
    logits = layers.Dense(2, name="logits")(x)
    score = layers.Dense(1, activation="sigmoid", name="score")(x)
    return lamina.Model(inputs=[a, b], outputs=[logits, score], name="two")


@pytest.fixture(scope="module")
def model():
    return small_model()


@pytest.fixture(scope="module")
def server(model):
    with ModelServer(model, name="small", port=0, **LIMITS) as s:
        yield s


def request(server, method, path, body=None, headers=None):
    """(status, parsed JSON or raw bytes, response headers) of one request."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        data = resp.read()
        if resp.getheader("Content-Type", "").startswith("application/json") and data:
            data = json.loads(data)
        return resp.status, data, resp
    finally:
        conn.close()


def predict(server, body, name=None):
    return request(server, "POST", f"/v1/models/{name or server.name}:predict", body)


def raw(server, data: bytes, timeout=5.0) -> bytes:
    """Send raw bytes and read the whole answer (the server closes these connections)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=timeout) as sock:
        sock.sendall(data)
        chunks = []
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    return b"".join(chunks)


def rng_x(n, shape=(3, 2), seed=0):
    return np.random.default_rng(seed).normal(size=(n, *shape)).astype("float32")


# Status, metadata, page ---------------------------------------------------------------
def test_status(server):
    status, body, resp = request(server, "GET", "/v1/models/small")
    assert status == 200 and resp.getheader("Content-Type") == "application/json"
    assert body == {
        "model_version_status": [
            {
                "version": "1",
                "state": "AVAILABLE",
                "status": {"error_code": "OK", "error_message": ""},
            }
        ]
    }
    assert request(server, "GET", "/v1/models/small/versions/1")[0] == 200
    status, body, _ = request(server, "GET", "/v1/models/small/versions/2")
    assert status == 404 and "version" in body["error"].lower()


def test_head_has_no_body(server):
    status, body, resp = request(server, "HEAD", "/v1/models/small")
    assert status == 200 and body == b"" and int(resp.getheader("Content-Length")) > 0


def test_metadata(server):
    status, body, _ = request(server, "GET", "/v1/models/small/metadata")
    assert status == 200
    assert body["model_spec"] == {"name": "small", "signature_name": "", "version": "1"}
    sig = body["metadata"]["signature_def"]["signature_def"]["serving_default"]
    (inp,) = sig["inputs"].values()
    assert inp["dtype"] == "DT_FLOAT"
    assert [d["size"] for d in inp["tensor_shape"]["dim"]] == ["-1", "3", "2"]
    (out,) = sig["outputs"].values()
    assert [d["size"] for d in out["tensor_shape"]["dim"]] == ["-1", "4"]
    plain = body["lamina"]
    assert plain["inputs"][0]["shape"] == [None, 3, 2]
    assert plain["outputs"][0] == {"name": out["name"], "shape": [None, 4], "dtype": "float32"}
    assert plain["backend"] == lamina.backend.backend()


def test_page_and_static_files(server):
    status, page, resp = request(server, "GET", "/")
    assert status == 200 and resp.getheader("Content-Type") == "text/html; charset=utf-8"
    assert b'<canvas id="pad" width="280" height="280"' in page
    assert b'content="small"' in page and b"__LAMINA_MODEL_NAME__" not in page
    assert "default-src 'self'" in resp.getheader("Content-Security-Policy")
    assert b"http://" not in page and b"https://" not in page  # nothing from outside
    status, js, resp = request(server, "GET", "/app.js")
    assert status == 200 and resp.getheader("Content-Type").startswith("text/javascript")
    assert b"https://" not in js
    status, _, resp = request(server, "GET", "/style.css")
    assert status == 200 and resp.getheader("Content-Type").startswith("text/css")
    assert request(server, "POST", "/", b"{}")[0] == 405


# Predictions ----------------------------------------------------------------------------
def test_row_form_matches_model_predict(server, model):
    x = rng_x(5)
    status, body, _ = predict(server, {"instances": x.tolist()})
    assert status == 200
    np.testing.assert_allclose(
        np.array(body["predictions"]), model.predict(x, verbose=0), atol=1e-6
    )


def test_columnar_form_matches_model_predict(server, model):
    x = rng_x(3, seed=1)
    status, body, _ = predict(server, {"inputs": x.tolist()})
    assert status == 200 and set(body) == {"outputs"}
    np.testing.assert_allclose(np.array(body["outputs"]), model.predict(x, verbose=0), atol=1e-6)
    # The single input by name, and a signature_name, are accepted too.
    name = server.signature.input_names[0]
    status, body2, _ = predict(
        server, {"inputs": {name: x.tolist()}, "signature_name": "serving_default"}
    )
    assert status == 200 and body2 == body


def test_integers_are_accepted_for_float_inputs(server, model):
    x = np.arange(6, dtype="float32").reshape(1, 3, 2)
    status, body, _ = predict(server, {"instances": x.astype(int).tolist()})
    assert status == 200
    np.testing.assert_allclose(body["predictions"], model.predict(x, verbose=0), atol=1e-6)


def test_several_named_inputs_and_outputs():
    model = two_io_model()
    rng = np.random.default_rng(3)
    a = rng.normal(size=(3, 3)).astype("float32")
    b = rng.normal(size=(3, 2, 2)).astype("float32")
    logits, score = model.predict([a, b], verbose=0)
    with ModelServer(model, port=0, **LIMITS) as server:
        assert server.name == "two"
        meta = request(server, "GET", "/v1/models/two/metadata")[1]["lamina"]
        assert [i["name"] for i in meta["inputs"]] == ["a", "b"]
        assert [o["name"] for o in meta["outputs"]] == ["logits", "score"]
        rows = [{"a": a[i].tolist(), "b": b[i].tolist()} for i in range(3)]
        status, body, _ = predict(server, {"instances": rows})
        assert status == 200 and len(body["predictions"]) == 3
        got = body["predictions"]
        np.testing.assert_allclose([r["logits"] for r in got], logits, atol=1e-6)
        np.testing.assert_allclose([r["score"] for r in got], score, atol=1e-6)
        status, body, _ = predict(server, {"inputs": {"a": a.tolist(), "b": b.tolist()}})
        assert status == 200 and set(body["outputs"]) == {"logits", "score"}
        np.testing.assert_allclose(body["outputs"]["logits"], logits, atol=1e-6)
        np.testing.assert_allclose(body["outputs"]["score"], score, atol=1e-6)
        # Missing, unknown and mismatched inputs.
        status, body, _ = predict(server, {"instances": [{"a": a[0].tolist()}]})
        assert status == 400 and "missing ['b']" in body["error"]
        status, body, _ = predict(server, {"inputs": {"a": a.tolist(), "b": b.tolist(), "c": 1}})
        assert status == 400 and "unknown ['c']" in body["error"]
        status, body, _ = predict(server, {"inputs": {"a": a[:2].tolist(), "b": b.tolist()}})
        assert status == 400 and "same number of examples" in body["error"]
        status, body, _ = predict(server, {"instances": a.tolist()})
        assert status == 400 and "named inputs" in body["error"]
        status, body, _ = predict(server, {"inputs": a.tolist()})
        assert status == 400 and "by name" in body["error"]


# Bad requests ---------------------------------------------------------------------------
GOOD = [[[0, 1], [2, 3], [4, 5]]]


@pytest.mark.parametrize(
    "body, status, words",
    [
        (b"", 400, "empty"),
        (b"   ", 400, "empty"),
        (b"{not json", 400, "not valid JSON"),
        (b"\xff\xfe\x00", 400, "JSON"),
        (b"[1, 2]", 400, "JSON object"),
        (b'{"instances": [[1]], "inputs": [[1]]}', 400, "both"),
        (b'{"examples": []}', 400, "neither"),
        (b'{"instances": 5}', 400, "must be a list"),
        (b'{"instances": []}', 400, "no examples"),
        (b'{"instances": [[1, 2], [3, 4], [5, 6]]}', 400, "shape (3, 2)"),
        (b'{"instances": [[[1, 2], [3, 4]]]}', 400, "of shape (2, 2)"),
        (b'{"instances": [[[1, 2], [3, 4], [5]]]}', 400, "ragged"),
        (b'{"instances": [[[1, 2], [3, 4], [5, 6]], [[1, 2]]]}', 400, "ragged"),
        (b'{"instances": [[[1, 2], [3, "x"], [5, 6]]]}', 400, 'received "x" (string)'),
        (b'{"instances": [[[1, 2], [3, null], [5, 6]]]}', 400, "null"),
        (b'{"instances": [[[1, 2], [3, true], [5, 6]]]}', 400, "true/false"),
        (b'{"instances": [[[1, 2], [3, {}], [5, 6]]]}', 400, "object"),
        (b'{"instances": [[[1, 2], [3, 4], [5, 6]]], "signature_name": "x"}', 400, "signature"),
        (b'{"inputs": {"nope": [[1]]}}', 400, "missing"),
        (b"[" * 100_000 + b"]" * 100_000, 413, "bytes"),
    ],
)
def test_bad_bodies_get_4xx_with_a_message(server, body, status, words):
    got, answer, _ = predict(server, body)
    assert got == status, answer
    assert words in answer["error"]
    assert len(answer["error"]) < 400


def test_deep_nesting_within_the_body_cap(server):
    status, answer, _ = predict(server, b'{"instances": ' + b"[" * 5000 + b"]" * 5000 + b"}")
    assert status == 400 and "error" in answer


def test_error_messages_quote_only_a_short_piece_of_input(server):
    long = "A" * 5000
    for body in (
        {"instances": [[[1, 2], [3, long], [5, 6]]]},
        {"instances": long},
        {"inputs": {long: 1}},
        [long],
    ):
        status, answer, _ = predict(server, body)
        assert status == 400
        assert "A" * 81 not in answer["error"], answer["error"][:200]
    status, answer, _ = request(server, "GET", "/v1/models/" + "B" * 3000)
    assert status == 404 and "B" * 81 not in answer["error"]


def test_too_many_instances(server):
    status, answer, _ = predict(server, {"instances": GOOD * 17})
    assert status == 413 and "at most 16" in answer["error"]
    status, answer, _ = predict(server, {"inputs": GOOD * 17})
    assert status == 413 and "at most 16" in answer["error"]
    assert predict(server, {"instances": GOOD * 16})[0] == 200


def test_unknown_model_path_and_method(server):
    status, answer, _ = predict(server, {"instances": GOOD}, name="other")
    assert status == 404 and "'other' is not served" in answer["error"]
    assert request(server, "GET", "/v1/models/other/metadata")[0] == 404
    status, answer, _ = request(server, "GET", "/v2/models")
    assert status == 404 and "Unknown path" in answer["error"]
    status, answer, _ = request(server, "POST", "/v1/models/small:classify", b"{}")
    assert status == 404 and ":predict" in answer["error"]
    status, answer, resp = request(server, "GET", "/v1/models/small:predict")
    assert status == 405 and resp.getheader("Allow") == "POST"
    status, answer, resp = request(server, "POST", "/v1/models/small", b"{}")
    assert status == 405 and "GET" in resp.getheader("Allow")
    for method in ("PUT", "DELETE", "PATCH"):
        status, answer, _ = request(server, method, "/v1/models/small:predict", b"{}")
        assert status == 405 and method in answer["error"]


def test_missing_content_length_is_411(server):
    answer = raw(server, b"POST /v1/models/small:predict HTTP/1.1\r\nHost: x\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 411") and b"Content-Length" in answer
    chunked = (
        b"POST /v1/models/small:predict HTTP/1.1\r\nHost: x\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n"
    )
    assert raw(server, chunked).startswith(b"HTTP/1.1 411")
    bad = b"POST /v1/models/small:predict HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\n"
    assert raw(server, bad).startswith(b"HTTP/1.1 400")


def test_oversize_body_is_refused_before_it_is_sent(server):
    # Announce 1 GB and send none of it: the answer must come from the header alone.
    head = (
        b"POST /v1/models/small:predict HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n"
    )
    started = time.monotonic()
    answer = raw(server, head, timeout=3.0)
    assert time.monotonic() - started < 2.0
    assert answer.startswith(b"HTTP/1.1 413") and b"Connection: close" in answer
    assert b"at most 100000" in answer
    assert request(server, "GET", "/v1/models/small")[0] == 200


def test_truncated_body_does_not_stall_the_server(server, model):
    # A client that announces more than it sends holds its own connection only.
    sock = socket.create_connection(("127.0.0.1", server.port))
    try:
        sock.sendall(
            b"POST /v1/models/small:predict HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{"
        )
        x = rng_x(1, seed=9)
        status, body, _ = predict(server, {"instances": x.tolist()})
        assert status == 200
    finally:
        sock.close()


def test_keep_alive_serves_several_requests_on_one_connection(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        for _ in range(3):
            conn.request("POST", "/v1/models/small:predict", json.dumps({"instances": GOOD}))
            resp = conn.getresponse()
            assert resp.status == 200 and "predictions" in json.loads(resp.read())
            conn.request("POST", "/v1/models/small:predict", b"{bad")
            resp = conn.getresponse()
            assert resp.status == 400
            resp.read()
    finally:
        conn.close()


# Concurrency, batching, timeouts --------------------------------------------------------
def _hammer(server, threads=16, per_thread=4):
    """Each thread sends its own inputs; returns {(thread, i): (x, predictions or error)}."""
    results = {}

    def client(t):
        for i in range(per_thread):
            x = rng_x(1 + (t + i) % 3, seed=100 * t + i)
            status, body, _ = predict(server, {"instances": x.tolist()})
            results[t, i] = (x, np.array(body["predictions"]) if status == 200 else body)

    workers = [threading.Thread(target=client, args=(t,)) for t in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return results


def test_concurrent_clients_get_their_own_answers(server, model):
    results = _hammer(server)
    assert len(results) == 64
    for x, got in results.values():
        assert isinstance(got, np.ndarray), got
        np.testing.assert_allclose(got, model.predict(x, verbose=0), atol=1e-6)


def test_batching_gives_the_same_answers_in_fewer_calls(model):
    with ModelServer(model, port=0, batch_max_size=32, batch_timeout_ms=30, **LIMITS) as server:
        calls_before = server.pool.calls
        results = _hammer(server)
        calls = server.pool.calls - calls_before
    for x, got in results.values():
        assert isinstance(got, np.ndarray), got
        np.testing.assert_allclose(got, model.predict(x, verbose=0), atol=1e-6)
    assert calls < len(results), f"{calls} model calls for {len(results)} requests"


def test_a_slow_request_gets_504_and_the_server_goes_on():
    model = small_model()
    fast = model.predict_on_batch

    def slow_when_asked(x):
        if float(np.asarray(x).flat[0]) == 999.0:
            time.sleep(1.5)
        return fast(x)

    model.predict_on_batch = slow_when_asked
    limits = dict(LIMITS, timeout_s=0.4)
    with ModelServer(model, port=0, workers=2, **limits) as server:
        slow = np.full((1, 3, 2), 999.0, "float32").tolist()
        started = time.monotonic()
        status, answer, _ = predict(server, {"instances": slow})
        assert status == 504 and "0.4 s" in answer["error"]
        assert time.monotonic() - started < 1.2
        x = rng_x(2)
        status, body, _ = predict(server, {"instances": x.tolist()})
        assert status == 200
        np.testing.assert_allclose(body["predictions"], fast(x), atol=1e-6)
        assert request(server, "GET", "/v1/models/small")[0] == 200


def test_a_failing_model_gets_500_and_the_server_goes_on():
    model = small_model()
    fast = model.predict_on_batch

    def fails_when_asked(x):
        if float(np.asarray(x).flat[0]) == -1.0:
            raise RuntimeError("boom")
        return fast(x)

    model.predict_on_batch = fails_when_asked
    with ModelServer(model, port=0, **LIMITS) as server:
        bad = np.full((1, 3, 2), -1.0, "float32").tolist()
        status, answer, _ = predict(server, {"instances": bad})
        assert status == 500 and "RuntimeError: boom" in answer["error"]
        assert predict(server, {"instances": GOOD})[0] == 200


# The Python API -------------------------------------------------------------------------
def test_load_from_file_name_defaults_to_stem(tmp_path, model):
    path = tmp_path / "digits.lamina"
    model.save(path)
    server = ModelServer(str(path), port=0)
    assert server.name == "digits"
    server.start()
    try:
        x = rng_x(2)
        status, body, _ = predict(server, {"instances": x.tolist()})
        assert status == 200
        np.testing.assert_allclose(body["predictions"], model.predict(x, verbose=0), atol=1e-6)
    finally:
        server.stop()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
    server.stop()  # a second stop does nothing


def test_serve_forever_in_a_thread(model):
    server = ModelServer(model, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for _ in range(100):
        if server._httpd is not None:
            break
        time.sleep(0.02)
    assert request(server, "GET", "/v1/models/small")[0] == 200
    server._httpd.shutdown()
    thread.join(5)
    assert not thread.is_alive()


@pytest.mark.parametrize(
    "kwargs, words",
    [
        (dict(name="a/b"), "`name`"),
        (dict(max_body_bytes=0), "`max_body_bytes`"),
        (dict(workers=0), "`workers`"),
        (dict(timeout_s=0), "`timeout_s`"),
    ],
)
def test_bad_arguments(model, kwargs, words):
    with pytest.raises(ValueError, match=words):
        ModelServer(model, port=0, **kwargs)
