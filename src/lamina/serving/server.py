"""`ModelServer`: a saved model over HTTP with TF-Serving's REST API, on the standard library.

Endpoints (``NAME`` is the model's name, ``/versions/1`` may follow it):

- ``GET  /v1/models/NAME``            the model's status
- ``GET  /v1/models/NAME/metadata``   input and output names, shapes and dtypes
- ``POST /v1/models/NAME:predict``    ``{"instances": [...]}`` or ``{"inputs": ...}``
- ``GET  /``                          a page to draw a digit and see the model's answer

Each connection has a thread (``ThreadingHTTPServer``, at most ``max_connections``) that reads
and checks the request; the model runs in `InferencePool`'s worker threads, so a slow model
call never blocks reading, rejecting or answering other requests, and a request that waits
longer than ``timeout_s`` gets 504 while the server goes on.
"""

from __future__ import annotations

import html
import importlib.resources
import json
import os
import re
import sys
import threading
import time
import urllib.parse
from concurrent.futures import CancelledError
from concurrent.futures import TimeoutError as FutureTimeout
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import numpy as np

from lamina.serving.batching import InferencePool, QueueFullError
from lamina.serving.protocol import (
    RequestError,
    Signature,
    format_predictions,
    output_dict,
    parse_predict,
    snippet,
)

VERSION = "1"
_MODEL_PATH = re.compile(
    r"^/v1/models/(?P<name>[^/:]+)(?:/versions/(?P<version>[^/:]+))?"
    r"(?:(?P<metadata>/metadata)|:(?P<verb>[A-Za-z_]+))?$"
)
_STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/index.html": ("index.html", "text/html; charset=utf-8"),
    "/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/style.css": ("style.css", "text/css; charset=utf-8"),
}
_PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "style-src 'self'; script-src 'self'; frame-ancestors 'none'"
)


class ModelServer:
    """Serve one model with TF-Serving's REST API.

    Args:
        model_or_path: a `lamina.Model`, or the path of a ``.lamina`` file (loaded with
            ``compile=False``).
        name: the model's name in URLs; default: the file's stem, else the model's name.
        host: the address to listen on (``"0.0.0.0"`` for every interface).
        port: the port; 0 picks a free one (read it from `port` after `start`).
        max_body_bytes: largest request body accepted (413 beyond, decided from the
            ``Content-Length`` header before reading the body).
        max_instances: most examples in one request (413 beyond).
        timeout_s: a request that has not been answered after this many seconds gets 504.
        batch_max_size: merge concurrent requests into model calls of up to this many
            examples; 0 or 1 turns batching off.
        batch_timeout_ms: how long to wait for more requests to fill a batch.
        workers: threads that run the model.
        max_queue: most requests waiting for a worker (503 beyond).
        max_connections: most open connections (503 beyond).
        verbose: log each request to stderr.

    Example:
        >>> with ModelServer("mnist.lamina", port=0) as server:  # doctest: +SKIP
        ...     print(server.url)
        http://127.0.0.1:40123/
    """

    def __init__(
        self,
        model_or_path,
        name: str | None = None,
        host: str = "127.0.0.1",
        port: int = 8501,
        *,
        max_body_bytes: int = 16 * 2**20,
        max_instances: int = 1024,
        timeout_s: float = 30.0,
        batch_max_size: int = 0,
        batch_timeout_ms: float = 2.0,
        workers: int = 1,
        max_queue: int = 1024,
        max_connections: int = 256,
        verbose: bool = False,
    ):
        for arg, value in (
            ("max_body_bytes", max_body_bytes),
            ("max_instances", max_instances),
            ("workers", workers),
            ("max_queue", max_queue),
            ("max_connections", max_connections),
        ):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"`{arg}` must be a positive integer. Received: {arg}={value!r}")
        if not timeout_s > 0:
            raise ValueError(f"`timeout_s` must be positive. Received: timeout_s={timeout_s!r}")
        if isinstance(model_or_path, (str, os.PathLike)):
            from lamina.models import load_model

            path = os.fspath(model_or_path)
            model = load_model(path, compile=False)
            default_name = os.path.basename(path).removesuffix(".lamina")
        else:
            model = model_or_path
            default_name = getattr(model, "name", None) or "model"
        self.name = name or default_name
        if not re.fullmatch(r"[A-Za-z0-9._-]+", self.name):
            raise ValueError(
                "`name` must be letters, digits, '.', '_' or '-' (it goes into URLs). "
                f"Received: name={self.name!r}"
            )
        self.model = model
        self.signature = Signature.of(model)
        self.host = host
        self.port = port
        self.max_body_bytes = max_body_bytes
        self.max_instances = max_instances
        self.timeout_s = float(timeout_s)
        self.max_connections = max_connections
        self.verbose = verbose
        self._pool_args = dict(
            workers=workers,
            batch_max_size=batch_max_size,
            batch_timeout_ms=batch_timeout_ms,
            max_queue=max_queue,
        )
        self.pool: InferencePool | None = None
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._static = _load_static(self.name)
        from lamina import backend

        self.backend = backend.backend()

    # Life cycle -------------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def start(self) -> ModelServer:
        """Start serving in a background thread and return at once."""
        self._open()
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="lamina-serving",
            daemon=True,
        )
        self._thread.start()
        return self

    def serve_forever(self):
        """Serve in this thread until interrupted (Ctrl-C raises `KeyboardInterrupt`)."""
        self._open()
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        finally:
            self._close()

    def stop(self):
        """Stop serving: no new connections, workers finish the call they are in."""
        if self._httpd is None:
            return
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join()
            self._thread = None
        self._close()

    def __enter__(self) -> ModelServer:
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    def _open(self):
        if self._httpd is not None:
            raise RuntimeError(f"The server for model {self.name!r} is already running.")
        self._warm_up()
        self.pool = InferencePool(self._predict, **self._pool_args)
        handler = type("Handler", (_Handler,), {"timeout": max(self.timeout_s, 10.0)})
        self._httpd = _HTTPServer((self.host, self.port), handler, self)
        self.port = self._httpd.server_address[1]
        self.pool.start()

    def _close(self):
        httpd, self._httpd = self._httpd, None
        if httpd is not None:
            httpd.server_close()
        if self.pool is not None:
            self.pool.stop()

    def _warm_up(self):
        """One call on zeros, so that tracing and building happen before the first request."""
        shapes = [s.shape for s in self.signature.inputs]
        if any(s is None or any(d is None for d in s[1:]) for s in shapes):
            return
        arrays = {
            s.name: np.zeros((1, *s.shape[1:]), dtype=_np_dtype(s.dtype))
            for s in self.signature.inputs
        }
        self._predict(arrays)

    def _predict(self, arrays: dict) -> dict:
        outputs = self.model.predict_on_batch(self.signature.model_args(arrays))
        return output_dict(outputs, self.signature)

    # Answers (called from request threads) ---------------------------------------------
    def status(self) -> dict:
        return {
            "model_version_status": [
                {
                    "version": VERSION,
                    "state": "AVAILABLE",
                    "status": {"error_code": "OK", "error_message": ""},
                }
            ]
        }

    def metadata(self) -> dict:
        return self.signature.metadata(self.name, VERSION, self.backend)

    def predict(self, body: bytes, started: float) -> dict:
        request = parse_predict(body, self.signature, self.max_instances)
        try:
            future = self.pool.submit(request.arrays, request.batch_size)
        except QueueFullError as e:
            raise RequestError(503, f"The server is overloaded: {e} Retry later.") from None
        remaining = self.timeout_s - (time.monotonic() - started)
        try:
            outputs = future.result(timeout=max(remaining, 0.0))
        except (FutureTimeout, CancelledError):
            future.cancel()
            raise RequestError(
                504,
                f"The model did not answer within {self.timeout_s:g} s (the server's "
                "timeout, --timeout-s).",
            ) from None
        except Exception as e:
            raise RequestError(
                500, f"The model failed on this request: {type(e).__name__}: {snippet(str(e), 300)}"
            ) from None
        return format_predictions(outputs, request.row_form)


def _np_dtype(name):
    try:
        return np.dtype(name)
    except TypeError:
        import ml_dtypes

        return np.dtype(getattr(ml_dtypes, name))


def _load_static(model_name: str) -> dict:
    folder = importlib.resources.files("lamina.serving") / "static"
    files = {}
    for path, (filename, content_type) in _STATIC.items():
        data = (folder / filename).read_bytes()
        if filename == "index.html":
            data = data.replace(b"__LAMINA_MODEL_NAME__", html.escape(model_name).encode())
        files[path] = (data, content_type)
    return files


# HTTP -------------------------------------------------------------------------------------
class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024  # the listen backlog: bursts of new connections wait, not reset
    block_on_close = False

    def __init__(self, address, handler, app: ModelServer):
        self.app = app
        self._slots = threading.BoundedSemaphore(app.max_connections)
        super().__init__(address, handler)

    def process_request(self, request, client_address):
        if not self._slots.acquire(blocking=False):
            body = b'{"error":"The server has too many open connections; retry later."}'
            try:
                request.sendall(
                    b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
                    b"Connection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)
                )
            except OSError:
                pass
            self.shutdown_request(request)
            return
        super().process_request(request, client_address)

    def handle_error(self, request, client_address):
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return  # the client went away or stalled: nothing to answer
        super().handle_error(request, client_address)

    def process_request_thread(self, request, client_address):
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes
    server_version = "lamina-serving/1"
    sys_version = ""

    # Every method goes through `_dispatch`, so unknown ones get a JSON 405, not HTML 501.
    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_HEAD(self):
        self._dispatch("HEAD")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_PATCH(self):
        self._dispatch("PATCH")

    def do_OPTIONS(self):
        self._dispatch("OPTIONS")

    def log_message(self, format, *args):
        if self.server.app.verbose:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")

    def _dispatch(self, method: str):
        started = time.monotonic()
        try:
            status, payload, content_type, extra = self._route(method, started)
        except RequestError as e:
            status, payload, content_type, extra = e.status, {"error": e.message}, None, {}
            if e.status == 405:
                extra = {"Allow": getattr(e, "allow", "GET")}
        except Exception as e:  # a bug of ours: answer 500 and keep serving
            msg = f"Internal server error: {type(e).__name__}: {snippet(str(e), 200)}"
            status, payload, content_type, extra = 500, {"error": msg}, None, {}
            self.close_connection = True
        if content_type is None:
            body = json.dumps(payload, separators=(",", ":"), allow_nan=False).encode()
            content_type = "application/json"
        else:
            body = payload
        self._send(status, body, content_type, extra, head_only=method == "HEAD")

    def _send(self, status, body, content_type, extra, head_only=False):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in extra.items():
            self.send_header(key, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if not head_only:
            self.wfile.write(body)

    def _route(self, method, started):
        app: ModelServer = self.server.app
        path = urllib.parse.urlsplit(self.path).path
        if path in _STATIC:
            _allow(method, "GET", "HEAD")
            data, content_type = app._static[path]
            extra = {"Cache-Control": "no-cache"}
            if content_type.startswith("text/html"):
                extra["Content-Security-Policy"] = _PAGE_POLICY
            return 200, data, content_type, extra
        match = _MODEL_PATH.match(path)
        if match is None:
            raise RequestError(
                404,
                f"Unknown path {snippet(path)!r}. Endpoints: GET /v1/models/{app.name}, "
                f"GET /v1/models/{app.name}/metadata, POST /v1/models/{app.name}:predict, "
                "GET / (the drawing page).",
            )
        name = urllib.parse.unquote(match["name"])
        if name != app.name:
            raise RequestError(
                404, f"Model {snippet(name)!r} is not served here; this server serves {app.name!r}."
            )
        version = match["version"]
        if version is not None and version != VERSION:
            raise RequestError(
                404,
                f"Version {snippet(version, 20)!r} of model {app.name!r} is not served; "
                f"the only version is {VERSION}.",
            )
        verb = match["verb"]
        extra = {"Cache-Control": "no-store"}
        if verb is None:
            _allow(method, "GET", "HEAD")
            answer = app.metadata() if match["metadata"] else app.status()
            return 200, answer, None, extra
        if verb != "predict":
            raise RequestError(
                404, f"Unknown verb ':{snippet(verb, 20)}'; this server supports ':predict' only."
            )
        _allow(method, "POST")
        body = self._read_body(app.max_body_bytes)
        return 200, app.predict(body, started), None, extra

    def _read_body(self, limit: int) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            raise RequestError(
                411, "Chunked request bodies are not supported; send a Content-Length header."
            )
        length = self.headers.get("Content-Length")
        if length is None:
            self.close_connection = True
            raise RequestError(411, "A POST needs a Content-Length header.")
        try:
            n = int(length)
            if n < 0:
                raise ValueError
        except ValueError:
            self.close_connection = True
            raise RequestError(
                400, f"Bad Content-Length header {snippet(length, 20)!r}; expected bytes."
            ) from None
        if n > limit:
            # Refuse without reading: the unread body makes the connection unusable, close it.
            self.close_connection = True
            raise RequestError(
                413,
                f"The request body is {n} bytes; this server accepts at most {limit} "
                "(--max-body-bytes). Send fewer examples per request.",
            )
        try:
            body = self.rfile.read(n)
        except TimeoutError:
            self.close_connection = True
            raise RequestError(408, "The request body did not arrive in time.") from None
        if len(body) < n:
            self.close_connection = True
            raise RequestError(400, f"The body ended after {len(body)} of {n} bytes.")
        return body


def _allow(method, *allowed):
    if method not in allowed:
        e = RequestError(405, f"Method {method} is not allowed here; use {' or '.join(allowed)}.")
        e.allow = ", ".join(allowed)
        raise e
