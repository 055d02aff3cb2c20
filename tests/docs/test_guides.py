"""The guides run: every ```python block of each page of docs/guides, in order, in one namespace.

The suite runs once per backend, so the guides run in the torch session (the default backend)
except `backends.md`, which runs in every session. Blocks marked ``` {.python .train} skip on
the NumPy backend (no gradients); blocks marked ``` {.python .no-run} (multi-machine launches,
pseudo-code) are not run. Each page runs in a temporary working folder.
"""

from __future__ import annotations

import os
import pathlib
import re

import pytest

import lamina

GUIDES = pathlib.Path(__file__).resolve().parents[2] / "docs" / "guides"
SHARED_DATA = pathlib.Path(__file__).resolve().parents[3] / "shared" / "data"
BACKEND = lamina.backend.backend()
EVERY_BACKEND = {"backends.md"}

# ```python, or ``` {.python .train} / ``` {.python .no-run}; the block ends at a closing fence.
FENCE = re.compile(
    r"^```[ \t]*(python|\{[^}\n]*\.python[^}\n]*\})[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S
)


def code_blocks(text):
    """(line number, classes, code) of each Python block of a Markdown page."""
    out = []
    for m in FENCE.finditer(text):
        info = m.group(1)
        classes = set(re.findall(r"\.([\w-]+)", info)) if info.startswith("{") else set()
        out.append((text.count("\n", 0, m.start()) + 1, classes, m.group(2)))
    return out


def test_blocks_are_found():
    blocks = code_blocks(
        "x\n```python\na = 1\n```\n``` {.python .no-run}\nb\n```\n```bash\nc\n```\n"
    )
    assert [(c, code) for _, c, code in blocks] == [
        (set(), "a = 1\n"),
        ({"python", "no-run"}, "b\n"),
    ]


PAGES = sorted(p.name for p in GUIDES.glob("*.md"))


def _random_mnist_mirror(tmp_path):
    import numpy as np

    folder = tmp_path / "mirror"
    folder.mkdir()
    rng = np.random.default_rng(0)
    np.savez(
        folder / "mnist.npz",
        x_train=rng.integers(0, 256, (2000, 28, 28), dtype=np.uint8),
        y_train=rng.integers(0, 10, 2000, dtype=np.uint8),
        x_test=rng.integers(0, 256, (500, 28, 28), dtype=np.uint8),
        y_test=rng.integers(0, 10, 500, dtype=np.uint8),
    )
    return folder


@pytest.mark.parametrize("page", PAGES)
def test_guide(page, tmp_path, monkeypatch):
    if BACKEND != "torch" and page not in EVERY_BACKEND:
        pytest.skip("guides run in the torch session (the default backend)")
    blocks = code_blocks((GUIDES / page).read_text())
    if not blocks:
        pytest.skip(f"{page} has no Python blocks")
    if not os.environ.get("LAMINA_DATA_DIR"):
        if (SHARED_DATA / "mnist.npz").exists():
            monkeypatch.setenv("LAMINA_DATA_DIR", str(SHARED_DATA))
        else:  # no offline mirror (and no network): random digits of MNIST's shapes
            monkeypatch.setenv("LAMINA_DATA_DIR", str(_random_mnist_mirror(tmp_path)))
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    lamina.utils.set_random_seed(0)
    namespace = {"__name__": f"guide_{page[:-3]}"}
    ran = 0
    environ = dict(os.environ)  # a page may set KERAS_BACKEND & co.: restore them afterwards
    try:
        ran = _run(page, blocks, namespace)
    finally:
        os.environ.clear()
        os.environ.update(environ)
    assert ran > 0


def _run(page, blocks, namespace):
    ran = 0
    for line, classes, code in blocks:
        if "no-run" in classes or ("train" in classes and BACKEND == "numpy"):
            continue
        try:
            exec(compile(code, f"docs/guides/{page}:{line}", "exec"), namespace)
        except Exception as e:
            raise AssertionError(f"docs/guides/{page}, block at line {line} failed: {e!r}") from e
        ran += 1
    return ran
