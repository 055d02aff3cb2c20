"""Build the documentation site and take the two screenshots that README.md shows.

    .venv/bin/python tools/screenshot_docs.py            # writes docs/images/docs_home.png, docs_api.png

Run by hand (the test `tests/docs/test_build.py` takes its screenshots into a temporary folder).
Needs mkdocs (the `docs` extra), selenium, and Debian's chromium and chromedriver.
"""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]
API_PAGE = "api/layers/index.html"


def build(site_dir: pathlib.Path) -> None:
    """`mkdocs build --strict` into ``site_dir``; raises if the build fails."""
    mkdocs = pathlib.Path(sys.executable).with_name("mkdocs")
    subprocess.run(
        [
            str(mkdocs),
            "build",
            "--strict",
            "--quiet",
            "-f",
            str(ROOT / "mkdocs.yml"),
            "-d",
            str(site_dir),
        ],
        cwd=ROOT,
        check=True,
        env={**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"},
    )


def open_browser(width=1400, height=850):
    """A headless Chromium driven by selenium, with its console log kept."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        f"--window-size={width},{height}",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(options=options, service=Service(shutil.which("chromedriver")))


def serve(site_dir: pathlib.Path):
    """Serve ``site_dir`` over HTTP on a free local port (the search index loads with fetch,
    which browsers refuse for file:// pages). Returns (server, base URL)."""
    import functools
    import http.server
    import threading

    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


class _QuietHandler(__import__("http.server").server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main() -> None:
    out = ROOT / "docs" / "images"
    with tempfile.TemporaryDirectory() as tmp:
        site = pathlib.Path(tmp) / "site"
        build(site)
        server, url = serve(site)
        driver = open_browser()
        try:
            driver.get(url)
            driver.save_screenshot(str(out / "docs_home.png"))
            driver.get(url + API_PAGE)
            driver.save_screenshot(str(out / "docs_api.png"))
        finally:
            driver.quit()
            server.shutdown()
    print(f"wrote {out / 'docs_home.png'} and {out / 'docs_api.png'}")


if __name__ == "__main__":
    main()
