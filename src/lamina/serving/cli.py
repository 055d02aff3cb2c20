"""``lamina serve MODEL``: serve a saved model until Ctrl-C.

`add_parser(commands)` adds the ``serve`` subcommand to the ``lamina`` command's subparsers and
`run(args)` runs it. ``python -m lamina.serving.cli MODEL ...`` works on its own too.
This module imports nothing of Lamina's backends until `run`, so ``--help`` is fast.
"""

from __future__ import annotations

import argparse
import os
import sys

from lamina.cli import _positive_int  # the `lamina` command's argument type, shared


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port in 0..65535, got {value}")
    return value


def configure(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the ``serve`` options to ``parser``."""
    parser.add_argument("model", metavar="MODEL", help="a saved model file (.lamina)")
    parser.add_argument(
        "--name", help="the model's name in URLs (default: the file name without .lamina)"
    )
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1; 0.0.0.0 for every interface)",
    )
    parser.add_argument(
        "--port", type=_port, default=8501, help="port (default: 8501; 0 picks a free one)"
    )
    parser.add_argument(
        "--max-body-bytes",
        type=_positive_int,
        default=16 * 2**20,
        metavar="N",
        help="largest request body accepted, 413 beyond (default: 16 MiB)",
    )
    parser.add_argument(
        "--max-instances",
        type=_positive_int,
        default=1024,
        metavar="N",
        help="most examples in one request, 413 beyond (default: 1024)",
    )
    parser.add_argument(
        "--timeout-s",
        type=_positive_float,
        default=30.0,
        metavar="S",
        help="answer 504 to a request not done after S seconds (default: 30)",
    )
    parser.add_argument(
        "--batch-max-size",
        type=_non_negative_int,
        default=0,
        metavar="N",
        help="merge concurrent requests into model calls of up to N examples "
        "(default: 0, no batching)",
    )
    parser.add_argument(
        "--batch-timeout-ms",
        type=float,
        default=2.0,
        metavar="MS",
        help="how long to wait for more requests to fill a batch (default: 2)",
    )
    parser.add_argument(
        "--workers",
        type=_positive_int,
        default=1,
        metavar="N",
        help="threads that run the model (default: 1)",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request to stderr")
    return parser


def add_parser(commands) -> argparse.ArgumentParser:
    """Add the ``serve`` subcommand to ``commands`` (an argparse subparsers object)."""
    parser = commands.add_parser(
        "serve",
        help="serve a saved model over HTTP (TF-Serving's REST API) with a drawing page",
        description=(
            "Serve a saved .lamina model over HTTP with TF-Serving's REST API: "
            "GET /v1/models/NAME, GET /v1/models/NAME/metadata, "
            "POST /v1/models/NAME:predict, and a page at / to draw a digit. "
            "Runs on any backend; LAMINA_BACKEND=numpy needs no training framework."
        ),
    )
    return configure(parser)


def run(args) -> int:
    """Serve ``args.model`` until Ctrl-C; returns the exit status."""
    if not os.path.isfile(args.model):
        print(f"lamina serve: error: no such model file: {args.model}", file=sys.stderr)
        return 1
    from lamina.serving.server import ModelServer

    try:
        server = ModelServer(
            args.model,
            name=args.name,
            host=args.host,
            port=args.port,
            max_body_bytes=args.max_body_bytes,
            max_instances=args.max_instances,
            timeout_s=args.timeout_s,
            batch_max_size=args.batch_max_size,
            batch_timeout_ms=args.batch_timeout_ms,
            workers=args.workers,
            verbose=args.verbose,
        )
    except (OSError, ValueError) as e:
        print(f"lamina serve: error: cannot load {args.model}: {e}", file=sys.stderr)
        return 1
    try:
        server._open()
    except OSError as e:
        print(
            f"lamina serve: error: cannot listen on {args.host}:{args.port}: {e}", file=sys.stderr
        )
        return 1
    batching = (
        f"batches of up to {args.batch_max_size} ({args.batch_timeout_ms:g} ms)"
        if args.batch_max_size > 1
        else "no batching"
    )
    print(
        f"Serving model {server.name!r} on the {server.backend} backend at {server.url} "
        f"({args.workers} worker(s), {batching}). Press Ctrl-C to stop.",
        flush=True,
    )
    print(f"  POST {server.url}v1/models/{server.name}:predict", flush=True)
    try:
        server._httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        print("Stopped.", flush=True)
    finally:
        server._close()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = configure(argparse.ArgumentParser(prog="lamina serve", description=__doc__))
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
