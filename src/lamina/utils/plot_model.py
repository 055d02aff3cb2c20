"""`plot_model`: draw a model's layer graph with matplotlib (no pydot or graphviz needed).

Layout: each layer's rank is its longest path from an input; layers within a rank are
ordered by the mean position of their parents (barycentric ordering, a few sweeps).
"""

from __future__ import annotations

import os


def plot_model(
    model,
    to_file="model.png",
    show_shapes=False,
    show_dtype=False,
    show_layer_names=True,
    rankdir="TB",
    expand_nested=False,
    dpi=200,
    show_layer_activations=False,
    show_trainable=False,
    **kwargs,
):
    """Draw ``model``'s layers and connections to ``to_file`` (PNG, SVG or PDF by suffix).

    Example:
        >>> import os
        >>> model = keras.Sequential(
        ...     [keras.Input((4,)), keras.layers.Dense(8), keras.layers.Dense(1)])
        >>> lamina.utils.plot_model(model, "model.png", show_shapes=True)
        'model.png'
        >>> os.path.getsize("model.png") > 0
        True
    """
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"`plot_model`: `rankdir` must be 'TB' or 'LR'. Received: {rankdir!r}")
    if kwargs:
        raise TypeError(f"`plot_model` got unexpected keyword arguments {sorted(kwargs)}.")
    options = {
        "shapes": show_shapes,
        "dtype": show_dtype,
        "names": show_layer_names,
        "activations": show_layer_activations,
        "trainable": show_trainable,
        "expand": expand_nested,
    }
    graph = _Graph()
    _add_model(graph, model, options, prefix="")
    _draw(graph, os.fspath(to_file), rankdir, dpi)
    return to_file


class _Graph:
    def __init__(self):
        self.labels = {}  # key -> text
        self.groups = {}  # key -> nested model name (for expanded nested models)
        self.edges = []  # (from, to)


def _graph_of(model):
    """The Functional graph behind ``model`` (a Sequential's inner graph), or None."""
    inner = getattr(model, "_functional", None)
    if inner is not None:
        return inner
    if hasattr(model, "_nodes") and hasattr(model, "_input_layers"):
        return model
    return None


def _shape_text(tensors):
    shapes = [tuple(t.shape) for t in tensors]
    return str(shapes[0]) if len(shapes) == 1 else str(shapes)


def _label(layer, node, options):
    head = type(layer).__name__
    lines = [f"{layer.name} ({head})" if options["names"] else head]
    if options["activations"]:
        activation = getattr(layer, "activation", None)
        if activation is not None:
            lines.append(f"activation: {getattr(activation, '__name__', activation)}")
    if options["shapes"] and node is not None:
        if node.input_tensors:
            lines.append(f"input: {_shape_text(node.input_tensors)}")
        lines.append(f"output: {_shape_text(node.output_tensors)}")
    if options["dtype"]:
        lines.append(f"dtype: {layer.dtype}")
    if options["trainable"]:
        lines.append(f"trainable: {layer.trainable}")
    return "\n".join(lines)


def _add_model(graph, model, options, prefix, group=None):
    """Add ``model``'s layers; returns ({input index: [entry keys]}, [exit keys])."""
    inner = _graph_of(model)
    if inner is None:  # a subclassed model: one box
        key = prefix + model.name
        graph.labels[key] = _label(model, None, options)
        return {0: [key]}, [key]
    keys = {}  # id(layer) -> (entry keys, exit keys)
    entries = {}
    for i, layer in enumerate(inner._input_layers):
        node = layer._inbound_nodes[0] if layer._inbound_nodes else None
        if group is None:
            key = prefix + layer.name
            graph.labels[key] = _label(layer, node, options)
            keys[id(layer)] = ([key], [key])
            entries[i] = [key]
        else:
            keys[id(layer)] = ([], [])
            entries[i] = []
    input_index = {id(layer): i for i, layer in enumerate(inner._input_layers)}
    for node in inner._nodes:
        layer = node.layer
        if id(layer) not in keys:
            nested = _graph_of(layer) is not None and layer is not model
            if options["expand"] and nested and _graph_of(layer) is not None:
                sub_entries, sub_exits = _add_model(
                    graph, layer, options, prefix + layer.name + "/", group=layer.name
                )
                keys[id(layer)] = ([k for ks in sub_entries.values() for k in ks], sub_exits)
            else:
                key = prefix + layer.name
                graph.labels[key] = _label(layer, node, options)
                if group is not None:
                    graph.groups[key] = group
                keys[id(layer)] = ([key], [key])
        targets = keys[id(layer)][0]
        for t in node.input_tensors:
            if t._history is None:
                continue
            parent = t._history[0].layer
            if group is not None and id(parent) in input_index:
                entries.setdefault(input_index[id(parent)], []).extend(targets)
                continue
            for source in keys[id(parent)][1]:
                for target in targets:
                    if (source, target) not in graph.edges:
                        graph.edges.append((source, target))
    exits = []
    for t in inner.outputs:
        exits.extend(keys[id(t._history[0].layer)][1])
    return entries, exits


def _layout(graph):
    nodes = list(graph.labels)
    parents = {n: [] for n in nodes}
    for a, b in graph.edges:
        parents[b].append(a)
    rank = {}

    def rank_of(n, depth=0):
        if n not in rank:
            rank[n] = 0 if not parents[n] else 1 + max(rank_of(p) for p in parents[n])
        return rank[n]

    for n in nodes:
        rank_of(n)
    levels = {}
    for n in nodes:
        levels.setdefault(rank[n], []).append(n)
    order = {}
    for r in sorted(levels):
        for i, n in enumerate(levels[r]):
            order[n] = i
    children = {n: [] for n in nodes}
    for a, b in graph.edges:
        children[a].append(b)
    for sweep in range(4):  # barycentric ordering, down then up
        ranks = sorted(levels) if sweep % 2 == 0 else sorted(levels, reverse=True)
        for r in ranks:
            neighbours = parents if sweep % 2 == 0 else children

            def barycenter(n, neighbours=neighbours):
                near = neighbours[n]
                return sum(order[m] for m in near) / len(near) if near else order[n]

            levels[r].sort(key=barycenter)
            for i, n in enumerate(levels[r]):
                order[n] = i
    width = max(len(v) for v in levels.values())
    positions = {}
    for r, members in levels.items():
        offset = (width - len(members)) / 2
        for i, n in enumerate(members):
            positions[n] = (offset + i, r)
    return positions, width, len(levels)


def _draw(graph, to_file, rankdir, dpi):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    positions, width, depth = _layout(graph)
    longest = max(max(len(line) for line in t.split("\n")) for t in graph.labels.values())
    most_lines = max(t.count("\n") + 1 for t in graph.labels.values())
    box_w = max(1.6, 0.085 * longest)
    box_h = 0.3 + 0.18 * most_lines
    step_x, step_y = box_w + 0.5, box_h + 0.6

    def place(n):
        col, row = positions[n]
        if rankdir == "TB":
            return col * step_x, -row * step_y
        return row * step_x, -col * step_y

    cols, rows = (width, depth) if rankdir == "TB" else (depth, width)
    with plt.rc_context({"svg.fonttype": "none"}):
        fig = plt.figure(figsize=(max(2.0, cols * step_x), max(1.5, rows * step_y)))
        ax = fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        for n, text in graph.labels.items():
            x, y = place(n)
            face = "#e8f0fe" if n not in graph.groups else "#fef7e0"
            ax.add_patch(
                FancyBboxPatch(
                    (x - box_w / 2, y - box_h / 2),
                    box_w,
                    box_h,
                    boxstyle="round,pad=0.02",
                    facecolor=face,
                    edgecolor="#3c4043",
                )
            )
            ax.text(x, y, text, ha="center", va="center", fontsize=8, family="monospace")
        for a, b in graph.edges:
            (x0, y0), (x1, y1) = place(a), place(b)
            if rankdir == "TB":
                start, end = (x0, y0 - box_h / 2), (x1, y1 + box_h / 2)
            else:
                start, end = (x0 + box_w / 2, y0), (x1 - box_w / 2, y1)
            ax.add_patch(
                FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10, color="#5f6368")
            )
        xs = [place(n)[0] for n in graph.labels]
        ys = [place(n)[1] for n in graph.labels]
        ax.set_xlim(min(xs) - box_w / 2 - 0.2, max(xs) + box_w / 2 + 0.2)
        ax.set_ylim(min(ys) - box_h / 2 - 0.2, max(ys) + box_h / 2 + 0.2)
        folder = os.path.dirname(to_file)
        if folder:
            os.makedirs(folder, exist_ok=True)
        fig.savefig(to_file, dpi=dpi)
        plt.close(fig)
