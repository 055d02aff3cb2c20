"""A save killed by SIGKILL at any moment leaves the previous file loadable."""

import os
import random
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import lamina

# Saves versions 0, 1, 2, ... of one model to the same file, as fast as it can; version k has
# every weight equal to k, so a loaded file shows which whole version it holds.
_SAVER = """
import sys
import numpy as np
import lamina
from lamina import layers
model = lamina.Sequential([lamina.Input((512,)), layers.Dense(512), layers.Dense(10)])
path, kind = sys.argv[1], sys.argv[2]
version = int(sys.argv[3])
while True:
    for v in model.weights:
        v.assign(np.full(v.shape, version, "float32"))
    if kind == "model":
        model.save(path)
    else:
        model.save_weights(path)
    print(version, flush=True)
    version += 1
"""


def _versions_in(path, kind):
    if kind == "model":
        weights = lamina.models.load_model(path).get_weights()
    else:
        model = lamina.Sequential(
            [lamina.Input((512,)), lamina.layers.Dense(512), lamina.layers.Dense(10)]
        )
        model.load_weights(path)
        weights = model.get_weights()
    return {float(v) for w in weights for v in np.unique(w)}


@pytest.mark.skipif(
    lamina.backend.backend() != "numpy", reason="process-level test; run once, in the numpy run"
)
@pytest.mark.parametrize("kind", ["model", "weights"])
def test_sigkill_during_saves_never_corrupts_the_file(tmp_path, kind):
    path = str(tmp_path / ("m.lamina" if kind == "model" else "m.weights.safetensors"))
    env = dict(os.environ, LAMINA_BACKEND="numpy")
    rng = random.Random(0)
    version = 0
    for _ in range(6):
        saver = subprocess.Popen(
            [sys.executable, "-c", _SAVER, path, kind, str(version)],
            stdout=subprocess.PIPE,
            env=env,
        )
        try:
            saver.stdout.readline()  # at least one save finished in this process
            time.sleep(rng.uniform(0.0, 0.3))  # then kill it somewhere in a later save
            saver.send_signal(signal.SIGKILL)
            saver.wait(timeout=30)
        finally:
            if saver.poll() is None:
                saver.kill()
        finished = [int(line) for line in saver.stdout.read().split()]
        saver.stdout.close()
        versions = _versions_in(path, kind)
        assert len(versions) == 1, f"a mix of versions {versions}: the file is corrupt"
        (loaded,) = versions
        assert version <= loaded <= version + len(finished) + 1
        version = int(loaded) + 1000  # the next process writes versions the file never had
