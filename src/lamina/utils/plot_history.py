"""`plot_history`: loss and metric curves of a `fit` run, with matplotlib."""

from __future__ import annotations

import os


def plot_history(history, to_file=None, metrics=None):
    """Plot each logged quantity per epoch (training and, when present, validation).

    Args:
        history: the `History` that `fit` returned, or its ``history`` dict.
        to_file: save the figure there (PNG, SVG or PDF by suffix); ``None`` only returns it.
        metrics: the names to plot (default: every training quantity, loss first).

    Returns:
        The matplotlib figure.

    Example:
        >>> import os
        >>> history = {"loss": [1.0, 0.6, 0.4], "val_loss": [1.1, 0.8, 0.7]}  # or `fit`'s
        >>> figure = lamina.utils.plot_history(history, "history.png")
        >>> len(figure.axes), os.path.exists("history.png")
        (1, True)
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    logs = getattr(history, "history", history)
    if not isinstance(logs, dict) or not logs:
        raise ValueError(
            "`plot_history` expects the History returned by `fit` (or its `history` dict) "
            f"with at least one logged quantity. Received: {history!r}"
        )
    if metrics is None:
        names = [k for k in logs if not k.startswith("val_")]
        names.sort(key=lambda k: (k != "loss", k))
    else:
        names = [metrics] if isinstance(metrics, str) else list(metrics)
        missing = [n for n in names if n not in logs]
        if missing:
            raise ValueError(f"`plot_history`: {missing} were not logged. Logged: {sorted(logs)}")
    fig, axes = plt.subplots(1, len(names), figsize=(4.5 * len(names), 3.5), squeeze=False)
    for ax, name in zip(axes[0], names):
        values = logs[name]
        epochs = range(1, len(values) + 1)
        ax.plot(epochs, values, marker="o", label=f"train {name}")
        if f"val_{name}" in logs:
            val = logs[f"val_{name}"]
            ax.plot(range(1, len(val) + 1), val, marker="o", label=f"validation {name}")
        ax.set_xlabel("epoch")
        ax.set_title(name)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    if to_file is not None:
        to_file = os.fspath(to_file)
        folder = os.path.dirname(to_file)
        if folder:
            os.makedirs(folder, exist_ok=True)
        fig.savefig(to_file)
        plt.close(fig)
    return fig
