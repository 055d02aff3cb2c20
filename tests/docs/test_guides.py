"""The guides run: every ```python block of each page of docs/guides, in order, in one namespace.

The suite runs once per backend, and a block's classes say in which sessions it runs:

- ```python (untagged): in the torch session (the default backend); the blocks of
  `backends.md` run in every session.
- ``` {.python .jax}, ``` {.python .tensorflow}, ``` {.python .torch} (backend-tagged, for code
  that uses that framework directly): only in that backend's session. A page with blocks tagged
  for the session's backend runs in that session whole: its untagged blocks and its blocks
  tagged for that backend, in page order, so a tagged block uses the page's earlier `model`,
  `x`, ... as a reader would. Blocks tagged for other backends are left out.
- ``` {.python .train}: as untagged, but not on the NumPy backend (no gradients); it combines
  with a backend tag.

Every block runs in at least one session: a class other than these fails
`test_block_classes_are_known` (there is no "do not run" class). Each page runs in a temporary
working folder.
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
DEFAULT_BACKEND = "torch"
EVERY_BACKEND = {"backends.md"}
BACKEND_TAGS = {"jax", "tensorflow", "torch"}
KNOWN_CLASSES = {"python", "train"} | BACKEND_TAGS

# ```python, or ``` {.python .train} / ``` {.python .jax}; the block ends at a closing fence.
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


def runs_here(page, blocks):
    """Whether `page` runs in this session (see the module docstring)."""
    if BACKEND == DEFAULT_BACKEND or page in EVERY_BACKEND:
        return True
    return any(BACKEND in classes for _, classes, _ in blocks)


def block_runs_here(classes):
    """Whether a block with these classes runs in this session (when its page does)."""
    tags = classes & BACKEND_TAGS
    if tags and BACKEND not in tags:
        return False
    return not ("train" in classes and BACKEND == "numpy")


def test_blocks_are_found():
    blocks = code_blocks(
        "x\n```python\na = 1\n```\n``` {.python .jax}\nb\n```\n```bash\nc\n```\n"
        "``` {.python .train .tensorflow}\nd\n```\n"
    )
    assert [(c, code) for _, c, code in blocks] == [
        (set(), "a = 1\n"),
        ({"python", "jax"}, "b\n"),
        ({"python", "train", "tensorflow"}, "d\n"),
    ]
    assert [line for line, _, _ in blocks] == [2, 5, 11]


def test_block_selection():
    assert block_runs_here(set()) and block_runs_here({"python"})
    for tag in BACKEND_TAGS:
        assert block_runs_here({"python", tag}) == (tag == BACKEND)
        assert block_runs_here({"python", "train", tag}) == (tag == BACKEND)
    assert block_runs_here({"python", "train"}) == (BACKEND != "numpy")
    tagged = [(1, set(), ""), (2, {"python", "jax"}, ""), (3, {"python", "tensorflow"}, "")]
    assert runs_here("page.md", tagged) == (BACKEND != "numpy")
    assert runs_here("page.md", [(1, set(), "")]) == (BACKEND == DEFAULT_BACKEND)
    assert runs_here("backends.md", [(1, set(), "")])


PAGES = sorted(p.name for p in GUIDES.glob("*.md"))


@pytest.mark.parametrize("page", PAGES)
def test_block_classes_are_known(page):
    for line, classes, _ in code_blocks((GUIDES / page).read_text()):
        unknown = classes - KNOWN_CLASSES
        assert not unknown, (
            f"docs/guides/{page}:{line}: unknown class(es) {sorted(unknown)} on a Python block; "
            f"known: {sorted(KNOWN_CLASSES)} (every block runs in some session)"
        )
        assert len(classes & BACKEND_TAGS) <= 1, f"docs/guides/{page}:{line}: several backends"


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
    blocks = code_blocks((GUIDES / page).read_text())
    if not blocks:
        pytest.skip(f"{page} has no Python blocks")
    if not runs_here(page, blocks):
        pytest.skip(f"{page} runs in the {DEFAULT_BACKEND} session (no block tagged .{BACKEND})")
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
        if not block_runs_here(classes):
            continue
        try:
            exec(compile(code, f"docs/guides/{page}:{line}", "exec"), namespace)
        except Exception as e:
            raise AssertionError(f"docs/guides/{page}, block at line {line} failed: {e!r}") from e
        ran += 1
    return ran
