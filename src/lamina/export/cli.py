"""``lamina export MODEL --format onnx --out PATH``: export a saved ``.lamina`` model.

`add_parser` adds the subcommand to the ``lamina`` command's subparsers; `run` does the work
and returns the exit status. Nothing of Lamina is imported until `run`, so the backend can
still be chosen (``LAMINA_BACKEND``) before it loads.
"""

from __future__ import annotations

import argparse
import os
import sys

FORMATS = ("onnx", "tf_saved_model")


def add_parser(commands) -> argparse.ArgumentParser:
    """Add ``export`` to ``commands`` (an ``add_subparsers()`` object); returns its parser."""
    parser = commands.add_parser(
        "export",
        help="export a saved .lamina model to ONNX or a TensorFlow SavedModel",
        description=(
            "Load a model saved with `model.save('x.lamina')` and export it for inference: "
            "ONNX (any backend; Functional and Sequential models of built-in layers) or a "
            "TensorFlow SavedModel (the TensorFlow backend; any model). The batch size of "
            "the exported model is dynamic."
        ),
    )
    parser.add_argument("model", metavar="MODEL", help="the .lamina file to export")
    parser.add_argument(
        "--format",
        choices=FORMATS,
        default="onnx",
        help="onnx (default) or tf_saved_model (needs LAMINA_BACKEND=tensorflow)",
    )
    parser.add_argument(
        "--out",
        metavar="PATH",
        help="the file (onnx) or folder (tf_saved_model) to write; default: MODEL with the "
        "suffix .onnx, or MODEL's name followed by _saved_model",
    )
    parser.add_argument("--quiet", action="store_true", help="print nothing on success")
    return parser


def default_output(model_path: str, format: str) -> str:
    stem, _ = os.path.splitext(model_path)
    return stem + (".onnx" if format == "onnx" else "_saved_model")


def run(args) -> int:
    """Load ``args.model`` and export it; 0 on success, 1 (with a message) on failure."""
    out = args.out or default_output(args.model, args.format)
    try:
        from lamina.export import export_model
        from lamina.models import load_model

        model = load_model(args.model, compile=False)
        export_model(model, out, format=args.format, verbose=not args.quiet)
    except (ValueError, OSError) as e:
        print(f"lamina export: error: {e}", file=sys.stderr)
        return 1
    return 0
