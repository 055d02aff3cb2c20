"""Import time: `import lamina` with each backend against `import keras` with the same one.

Each import runs in a fresh interpreter (so nothing is cached in the process), alternating
Lamina and Keras in rounds; reports medians and the paired ratio.

    .venv/bin/python bench/import_time.py --backend torch --rounds 7
"""

from __future__ import annotations

import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import harness  # noqa: E402

_CODE = "import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"


def _import_seconds(module, backend):
    env = dict(os.environ, LAMINA_BACKEND=backend, KERAS_BACKEND=backend)
    out = subprocess.run(
        [sys.executable, "-c", _CODE.format(module=module)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return float(out.stdout.strip().splitlines()[-1])


def main():
    options = harness.setup(__doc__.splitlines()[0])
    _import_seconds("lamina", options.backend)  # warm the file system cache
    _import_seconds("keras", options.backend)
    variants = {
        "lamina": lambda: _import_seconds("lamina", options.backend),
        "keras": lambda: _import_seconds("keras", options.backend),
    }
    results = harness.alternate(variants, options.rounds)
    harness.report("import time", "s", results, options)


if __name__ == "__main__":
    main()
