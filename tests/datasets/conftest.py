"""Fixtures for the dataset tests: an isolated cache and mirror, and a local HTTP server."""

import http.server
import os
import threading

import pytest

# The offline mirror: LAMINA_DATA_DIR as the Makefile exports it, else ../shared/data.
SHARED_MIRROR = os.environ.get("LAMINA_DATA_DIR") or os.path.join(
    os.path.dirname(__file__), "..", "..", "..", "shared", "data"
)


@pytest.fixture
def shared_mirror():
    """The folder of the real offline mirror (skips when there is none)."""
    if not os.path.exists(os.path.join(SHARED_MIRROR, "mnist.npz")):
        pytest.skip("no offline data mirror (LAMINA_DATA_DIR or ../shared/data)")
    return SHARED_MIRROR


@pytest.fixture
def home(tmp_path, monkeypatch):
    """An empty LAMINA_HOME (so an empty cache) and no mirror; returns the cache folder."""
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("LAMINA_DATA_DIR", raising=False)
    return tmp_path / "home" / "datasets"


class _Server:
    """Serves `files` (URL path -> bytes) on 127.0.0.1 and counts the requests."""

    def __init__(self):
        self.files = {}
        self.requests = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                server.requests.append(self.path)
                body = server.files.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def url(self, path):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}{path}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    s = _Server()
    yield s
    s.close()
