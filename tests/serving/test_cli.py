"""``lamina serve``: the subcommand's parser, and a server in a NumPy-backend subprocess."""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import urllib.request

import numpy as np
import pytest

import lamina
from lamina import layers
from lamina.serving import cli


def test_add_parser_defaults_and_options():
    parser = argparse.ArgumentParser(prog="lamina")
    commands = parser.add_subparsers(dest="command")
    cli.add_parser(commands)
    args = parser.parse_args(["serve", "m.lamina"])
    assert (args.command, args.model, args.name, args.host, args.port) == (
        "serve",
        "m.lamina",
        None,
        "127.0.0.1",
        8501,
    )
    assert (args.workers, args.batch_max_size, args.timeout_s) == (1, 0, 30.0)
    args = parser.parse_args(
        "serve m.lamina --name digits --port 0 --max-body-bytes 1000 --max-instances 8 "
        "--timeout-s 2.5 --batch-max-size 16 --batch-timeout-ms 5 --workers 2".split()
    )
    assert (args.name, args.port, args.max_body_bytes, args.max_instances) == ("digits", 0, 1000, 8)
    assert (args.timeout_s, args.batch_max_size, args.batch_timeout_ms, args.workers) == (
        2.5,
        16,
        5.0,
        2,
    )
    for bad in (["--port", "70000"], ["--workers", "0"], ["--timeout-s", "-1"]):
        with pytest.raises(SystemExit):
            parser.parse_args(["serve", "m.lamina", *bad])


def test_run_reports_a_missing_file(tmp_path, capsys):
    parser = cli.configure(argparse.ArgumentParser())
    assert cli.run(parser.parse_args([str(tmp_path / "none.lamina")])) == 1
    assert "no such model file" in capsys.readouterr().err


def test_serve_on_the_numpy_backend_in_a_subprocess(tmp_path):
    """A model saved under the suite's backend, served by `lamina serve` on NumPy alone."""
    model = lamina.Sequential(
        [layers.Input(shape=(28, 28, 1)), layers.Flatten(), layers.Dense(10, activation="softmax")]
    )
    path = tmp_path / "digits.lamina"
    model.save(path)
    env = dict(os.environ, LAMINA_BACKEND="numpy", PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "lamina.serving.cli", str(path), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        # A shell's background job starts with SIGINT ignored, and children inherit that:
        # give the server the default handler, so that Ctrl-C (SIGINT) reaches it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        line = proc.stdout.readline()
        match = re.search(r"on the (\w+) backend at (http://\S+/)", line)
        assert match, (line, proc.stderr.read() if proc.poll() is not None else "")
        assert match[1] == "numpy"
        url = match[2]
        with urllib.request.urlopen(url + "v1/models/digits/metadata", timeout=10) as resp:
            assert json.load(resp)["lamina"]["backend"] == "numpy"
        x = np.random.default_rng(0).random((2, 28, 28, 1), dtype=np.float32)
        req = urllib.request.Request(
            url + "v1/models/digits:predict", data=json.dumps({"instances": x.tolist()}).encode()
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            got = np.array(json.load(resp)["predictions"])
        np.testing.assert_allclose(got, model.predict(x, verbose=0), atol=1e-6)
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            out, _ = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
            raise
    assert proc.returncode == 0 and "Stopped." in out
