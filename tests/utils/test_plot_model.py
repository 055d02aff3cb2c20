"""plot_model and plot_history: valid PNG/SVG files showing every layer."""

from __future__ import annotations

import numpy as np
import pytest

import lamina
from lamina.utils.plot_history import plot_history
from lamina.utils.plot_model import plot_model

pytest.importorskip("matplotlib")
L = lamina.layers


def _functional():
    a = lamina.Input((4,), name="in_a")
    b = lamina.Input((3,), name="in_b")
    x = L.Dense(5, activation="relu", name="branch_a")(a)
    y = L.Dense(5, name="branch_b")(b)
    z = L.Add(name="merge")([x, y])
    return lamina.Model([a, b], [L.Dense(2, name="out_1")(z), L.Dense(1, name="out_2")(x)])


def _svg(path):
    text = path.read_text()
    assert text.lstrip().startswith("<?xml") and "<svg" in text and text.rstrip().endswith("</svg>")
    return text


def test_functional_svg_has_every_layer_and_shapes(tmp_path):
    model = _functional()
    path = tmp_path / "model.svg"
    plot_model(model, path, show_shapes=True, show_dtype=True, show_layer_activations=True)
    text = _svg(path)
    for layer in model.layers:
        assert layer.name in text
    assert "(None, 5)" in text and "float32" in text and "relu" in text


def test_png_sequential_and_lr(tmp_path):
    model = lamina.Sequential([lamina.Input((8,)), L.Dense(4, name="hidden"), L.Dense(1)])
    path = tmp_path / "seq.png"
    plot_model(model, path, rankdir="LR", dpi=50)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 500
    plain = tmp_path / "plain.svg"
    plot_model(model, plain, show_shapes=False, show_layer_names=False)
    text = _svg(plain)
    assert "hidden" not in text and "Dense" in text and "(None, 4)" not in text


def test_expand_nested(tmp_path):
    inner = lamina.Sequential([lamina.Input((4,)), L.Dense(3, name="inner_dense")], name="inner")
    i = lamina.Input((4,))
    model = lamina.Model(i, L.Dense(1, name="head")(inner(i)))
    collapsed, expanded = tmp_path / "c.svg", tmp_path / "e.svg"
    plot_model(model, collapsed)
    plot_model(model, expanded, expand_nested=True, show_trainable=True)
    assert "inner_dense" not in _svg(collapsed) and "inner" in _svg(collapsed)
    text = _svg(expanded)
    assert "inner_dense" in text and "head" in text and "trainable: True" in text


def test_layout_orders_branches():
    from lamina.utils.plot_model import _add_model, _Graph, _layout

    graph = _Graph()
    options = dict.fromkeys(("shapes", "dtype", "activations", "trainable", "expand"), False)
    options["names"] = True
    _add_model(graph, _functional(), options, prefix="")
    positions, width, depth = _layout(graph)
    assert depth == 4 and width == 2
    assert positions["merge"][1] == 2 and positions["out_1"][1] == 3
    assert positions["branch_a"][1] == positions["branch_b"][1] == 1
    assert ("branch_a", "merge") in graph.edges and ("branch_a", "out_2") in graph.edges


def test_bad_rankdir():
    with pytest.raises(ValueError, match="rankdir"):
        plot_model(_functional(), "x.png", rankdir="BT")


def test_plot_history(tmp_path):
    logs = {"loss": [1.0, 0.5], "accuracy": [0.5, 0.7], "val_loss": [1.1, 0.6]}
    fig = plot_history(logs, tmp_path / "h.png")
    assert (tmp_path / "h.png").read_bytes()[:4] == b"\x89PNG"
    assert [ax.get_title() for ax in fig.axes] == ["loss", "accuracy"]
    assert len(fig.axes[0].lines) == 2 and len(fig.axes[1].lines) == 1
    np.testing.assert_allclose(fig.axes[0].lines[1].get_ydata(), [1.1, 0.6])
    with pytest.raises(ValueError, match="were not logged"):
        plot_history(logs, metrics=["mae"])
