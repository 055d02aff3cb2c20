"""`lamina export`: the subcommand's parser and `run`, on a saved `.lamina` model."""

from __future__ import annotations

import argparse

import numpy as np

import lamina
from lamina import layers
from lamina.export import cli
from tests.export.parity import make_inputs, randomize, run_session, session


def parse(argv):
    parser = argparse.ArgumentParser(prog="lamina")
    cli.add_parser(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def test_export_a_saved_model_to_onnx(tmp_path, capsys):
    model = lamina.Sequential(
        [lamina.Input((3, 3, 2)), layers.Conv2D(2, 2), layers.Flatten(), layers.Dense(3)]
    )
    randomize(model)
    saved = tmp_path / "net.lamina"
    model.save(str(saved))
    out = tmp_path / "exported.onnx"
    args = parse(["export", str(saved), "--format", "onnx", "--out", str(out)])
    assert args.command == "export"
    assert cli.run(args) == 0
    assert str(out) in capsys.readouterr().out
    x = make_inputs([((3, 3, 2), "float32", None)], 4)
    got = run_session(session(out), x)[0]
    np.testing.assert_allclose(got, model.predict(x[0], verbose=0), rtol=1e-5, atol=1e-6)


def test_default_output_path_and_quiet(tmp_path, capsys):
    model = lamina.Sequential([lamina.Input((2,)), layers.Dense(1)])
    saved = tmp_path / "tiny.lamina"
    model.save(str(saved))
    assert cli.run(parse(["export", str(saved), "--quiet"])) == 0
    assert (tmp_path / "tiny.onnx").is_file()
    assert capsys.readouterr().out == ""


def test_errors_are_reported_not_raised(tmp_path, capsys):
    assert cli.run(parse(["export", str(tmp_path / "missing.lamina")])) == 1
    assert "lamina export: error:" in capsys.readouterr().err
