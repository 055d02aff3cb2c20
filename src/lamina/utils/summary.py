"""`Model.summary()`: a table of layers, output shapes and parameter counts, in Keras's layout."""

from __future__ import annotations

import textwrap

import numpy as np


def _count(variables) -> int:
    return int(sum(int(np.prod(v.shape)) for v in variables))


def _bytes(variables) -> int:
    from lamina.backend.common import dtypes

    total = 0
    for v in variables:
        total += int(np.prod(v.shape)) * dtypes.to_numpy_dtype(v.dtype).itemsize
    return total


def format_size(num_bytes: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if num_bytes >= scale:
            return f"{num_bytes / scale:.2f} {unit}"
    return f"{num_bytes:.2f} B"


def _output_shape(layer):
    nodes = getattr(layer, "_inbound_nodes", [])
    if nodes:
        shapes = [t.shape for t in nodes[0].output_tensors]
        return str(shapes[0]) if len(shapes) == 1 else str(shapes)
    return "?"


def _connections(layer, relevant_nodes):
    out = []
    for node in layer._inbound_nodes:
        if id(node) not in relevant_nodes:
            continue
        for t in node.input_tensors:
            if t._history is None:
                continue
            parent, index = t._history
            out.append(f"{parent.layer.name}[{parent.index}][{index}]")
    return ", ".join(out) if out else "-"


def _render_table(headers, rows, widths, aligns):
    def cell_lines(text, width):
        lines = []
        for part in str(text).split("\n"):
            lines.extend(
                textwrap.wrap(part, width, break_long_words=True, break_on_hyphens=False) or [""]
            )
        return lines

    def render_row(cells, left, mid, right):
        wrapped = [cell_lines(c, w) for c, w in zip(cells, widths)]
        height = max(len(w) for w in wrapped)
        lines = []
        for i in range(height):
            parts = []
            for w_lines, width, align in zip(wrapped, widths, aligns):
                text = w_lines[i] if i < len(w_lines) else ""
                parts.append(
                    " " + (text.rjust(width) if align == "right" else text.ljust(width)) + " "
                )
            lines.append(left + mid.join(parts) + right)
        return lines

    def rule(left, mid, right, fill):
        return left + mid.join(fill * (w + 2) for w in widths) + right

    lines = [rule("┏", "┳", "┓", "━")]
    lines += render_row(headers, "┃", "┃", "┃")
    lines.append(rule("┡", "╇", "┩", "━"))
    for i, row in enumerate(rows):
        lines += render_row(row, "│", "│", "│")
        if i < len(rows) - 1:
            lines.append(rule("├", "┼", "┤", "─"))
    lines.append(rule("└", "┴", "┘", "─"))
    return lines


def print_summary(model, line_length=None, positions=None, print_fn=None, show_trainable=False):
    """Print (or pass to ``print_fn``, line by line) the summary of ``model``."""
    from lamina.models.functional import Functional
    from lamina.models.sequential import Sequential

    print_fn = print_fn or print
    functional = isinstance(model, Functional)
    graph = model._functional if isinstance(model, Sequential) else model
    layers = model.layers
    relevant = {id(n) for n in getattr(graph, "_nodes", []) or []}
    headers = ["Layer (type)", "Output Shape", "Param #"]
    if functional:
        headers.append("Connected to")
    if show_trainable:
        headers.append("Trainable")
    rows = []
    for layer in layers:
        params = f"{_count(layer.weights):,}" if layer.built else "0 (unbuilt)"
        row = [
            f"{layer.name} ({type(layer).__name__})",
            _output_shape(layer) if model.built else "?",
            params,
        ]
        if functional:
            row.append(_connections(layer, relevant))
        if show_trainable:
            row.append("Y" if layer.trainable else "N")
        rows.append(row)
    total = line_length or (90 if functional else 78)
    fractions = positions or ([0.31, 0.27, 0.14, 0.28] if functional else [0.45, 0.33, 0.22])
    if positions and all(p > 1 for p in positions):
        fractions = [(b - a) / total for a, b in zip([0, *positions[:-1]], positions)]
    widths = [max(8, int(total * f) - 3) for f in fractions[: len(headers)]]
    if show_trainable:
        widths.append(9)
    aligns = ["left", "left", "right", "left", "left"][: len(headers)]
    print_fn(f'Model: "{model.name}"')
    for line in _render_table(headers, rows, widths, aligns):
        print_fn(line)
    trainable = model.trainable_weights if model.built else []
    non_trainable = model.non_trainable_weights if model.built else []
    all_bytes = _bytes(trainable) + _bytes(non_trainable)
    print_fn(
        f" Total params: {_count(trainable) + _count(non_trainable):,} ({format_size(all_bytes)})"
    )
    print_fn(f" Trainable params: {_count(trainable):,} ({format_size(_bytes(trainable))})")
    print_fn(
        f" Non-trainable params: {_count(non_trainable):,} ({format_size(_bytes(non_trainable))})"
    )
    optimizer = getattr(model, "optimizer", None)
    if optimizer is not None and getattr(optimizer, "built", False):
        opt_vars = optimizer.variables
        print_fn(f" Optimizer params: {_count(opt_vars):,} ({format_size(_bytes(opt_vars))})")
