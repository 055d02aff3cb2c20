"""Run the test suite once per backend, each in its own process, and summarize.

Usage: python tools/run_tests.py numpy jax torch tensorflow -- [pytest args]
"""

import os
import re
import subprocess
import sys
import time


def main(argv):
    if "--" in argv:
        split = argv.index("--")
        backends, extra = argv[:split], argv[split + 1 :]
    else:
        backends, extra = argv, []
    backends = backends or ["numpy", "jax", "torch", "tensorflow"]
    results = []
    for backend in backends:
        env = dict(os.environ, LAMINA_BACKEND=backend, KERAS_BACKEND="tensorflow")
        print(f"\n===== backend: {backend} =====", flush=True)
        start = time.time()
        proc = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *extra],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        sys.stdout.write(proc.stdout)
        tail = [
            line for line in proc.stdout.splitlines() if re.search(r"\d+ (passed|failed)", line)
        ]
        summary = tail[-1].strip("= ") if tail else f"no summary (exit {proc.returncode})"
        results.append((backend, proc.returncode, summary, time.time() - start))
    print("\n===== summary =====")
    failed = 0
    for backend, code, summary, seconds in results:
        status = "ok" if code == 0 else "FAILED"
        failed += code != 0
        print(f"{backend:<11} {status:<7} {summary} ({seconds:.0f}s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
