"""Shared plumbing for the benchmarks: backend and thread set-up, alternating paired runs.

These machines are shared and throttle, so a lone time means little. Each benchmark runs
its variants (Lamina, Keras 3, a hand-written loop of the same backend) in rounds, one after
another within a round (A B C A B C ...), and reports the median of the per-round ratios
Lamina/Keras and Lamina/hand-written with their spread (min..max), next to median times.

Frameworks must be configured before they are imported, so every benchmark calls `setup()`
first and imports Lamina, Keras and the framework only afterwards.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

BACKENDS = ("jax", "torch", "tensorflow")


def setup(description: str, extra_args=None) -> argparse.Namespace:
    """Parse the common options and set the environment that the frameworks read at import."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--backend", choices=BACKENDS, default=os.environ.get("LAMINA_BACKEND"))
    parser.add_argument("--threads", type=int, default=0, help="0 = the frameworks' default")
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds")
    for args, kwargs in extra_args or ():
        parser.add_argument(*args, **kwargs)
    options = parser.parse_args()
    if options.backend is None:
        parser.error("choose --backend (jax, torch or tensorflow)")
    os.environ["LAMINA_BACKEND"] = options.backend
    os.environ["KERAS_BACKEND"] = options.backend
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if options.threads:
        n = str(options.threads)
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            os.environ[var] = n
        os.environ["TF_NUM_INTRAOP_THREADS"] = n
        os.environ["TF_NUM_INTEROP_THREADS"] = "1"
        if options.threads == 1:
            flags = os.environ.get("XLA_FLAGS", "")
            os.environ["XLA_FLAGS"] = f"{flags} --xla_cpu_multi_thread_eigen=false".strip()
    return options


def apply_threads(options):
    """Thread limits that must be set through the framework's API (after import)."""
    if not options.threads:
        return
    if options.backend == "torch":
        import torch

        torch.set_num_threads(options.threads)
        try:
            torch.set_num_interop_threads(1)
        except RuntimeError:  # allowed only before any parallel work has started
            pass
    elif options.backend == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(options.threads)
        tf.config.threading.set_inter_op_parallelism_threads(1)


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def alternate(variants: dict, rounds: int) -> dict[str, list[float]]:
    """Run each variant's ``measure()`` once per round, in turn; their results per variant."""
    results = {name: [] for name in variants}
    for r in range(rounds):
        for name, measure in variants.items():
            results[name].append(measure())
        line = "  ".join(f"{n}={results[n][-1]:.4g}" for n in variants)
        print(f"  round {r + 1}/{rounds}: {line}", file=sys.stderr, flush=True)
    return results


def ratio_summary(results: dict[str, list[float]], subject="lamina") -> dict[str, tuple]:
    """Median and (min, max) of the per-round ratios subject/other for each other variant."""
    out = {}
    for name, values in results.items():
        if name == subject:
            continue
        ratios = [a / b for a, b in zip(results[subject], values)]
        out[name] = (statistics.median(ratios), min(ratios), max(ratios))
    return out


def report(title: str, unit: str, results: dict[str, list[float]], options, scale=1.0):
    """Print the medians and the paired ratios as a Markdown table row block."""
    print(f"\n### {title}")
    print(
        f"backend {options.backend}, threads {options.threads or 'default'}, "
        f"{len(next(iter(results.values())))} rounds, {platform.node()}, "
        f"{time.strftime('%Y-%m-%d')}"
    )
    print("| variant | median " + unit + " | Lamina / variant (median, min..max) |")
    print("| --- | --- | --- |")
    ratios = ratio_summary(results)
    for name, values in results.items():
        median = statistics.median(values) * scale
        if name in ratios:
            m, lo, hi = ratios[name]
            cell = f"{m:.2f} ({lo:.2f}..{hi:.2f})"
        else:
            cell = "-"
        print(f"| {name} | {median:.4g} | {cell} |")
