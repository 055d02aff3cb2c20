"""The demo's pictures: learning curves, a confusion matrix, and the digits the model got wrong.

Matplotlib is imported only when a picture is drawn, and figures are drawn on their own Agg
canvas (no pyplot, no window, no global state), so this works on servers without a display.
"""

from __future__ import annotations

import numpy as np


def have_matplotlib() -> bool:
    """Whether matplotlib can be imported (it comes with ``pip install 'lamina[demo]'``)."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _figure(width: float, height: float):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=100, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def learning_curves(history: dict, path: str, title: str = "", test: dict | None = None) -> str:
    """Loss and accuracy per epoch, training and validation, side by side.

    Args:
        history: ``History.history``: lists under ``loss``, ``accuracy``, ``val_loss``,
            ``val_accuracy`` (the validation ones may be absent).
        path: the PNG file to write.
        title: a line above both plots.
        test: optional ``{"loss": ..., "accuracy": ...}`` drawn as dashed lines.
    """
    fig = _figure(10, 4)
    axes = fig.subplots(1, 2)
    for ax, key, label in ((axes[0], "loss", "Loss"), (axes[1], "accuracy", "Accuracy")):
        train = history.get(key, [])
        epochs = np.arange(1, len(train) + 1)
        ax.plot(epochs, train, "o-", color="tab:blue", label="training")
        val = history.get(f"val_{key}")
        if val:
            ax.plot(np.arange(1, len(val) + 1), val, "s-", color="tab:orange", label="validation")
        if test and key in test:
            ax.axhline(test[key], ls="--", color="tab:green", label=f"test ({test[key]:.4f})")
        ax.set_xlabel("epoch")
        ax.set_ylabel(label.lower())
        ax.set_title(label)
        ax.grid(alpha=0.3)
        if len(epochs):
            ax.set_xticks(
                epochs if len(epochs) <= 20 else np.linspace(1, len(epochs), 10, dtype=int)
            )
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.savefig(path)
    return path


def confusion_matrix_plot(matrix: np.ndarray, path: str, title: str = "") -> str:
    """A 10x10 grid: rows are the true digits, columns the predicted ones, with counts.

    Colours show each row's fraction, so the errors of rare and common digits compare fairly.
    """
    matrix = np.asarray(matrix)
    n = matrix.shape[0]
    rows = matrix.sum(axis=1, keepdims=True)
    frac = matrix / np.maximum(rows, 1)
    fig = _figure(7, 6.2)
    ax = fig.subplots()
    # Off-diagonal errors are small fractions; a square-root scale makes them visible.
    image = ax.imshow(np.sqrt(frac), cmap="Blues", vmin=0, vmax=1)
    for i in range(n):
        for j in range(n):
            if matrix[i, j]:
                dark = np.sqrt(frac[i, j]) > 0.6
                ax.text(
                    j,
                    i,
                    str(int(matrix[i, j])),
                    ha="center",
                    va="center",
                    fontsize=8,
                    color="white" if dark else ("black" if i == j else "firebrick"),
                )
    ax.set_xticks(range(n))
    ax.set_yticks(range(n))
    ax.set_xlabel("predicted digit")
    ax.set_ylabel("true digit")
    ax.set_title(title or "Confusion matrix (test set)")
    bar = fig.colorbar(image, ax=ax, shrink=0.8)
    ticks = np.array([0, 0.01, 0.05, 0.2, 0.5, 1.0])
    bar.set_ticks(np.sqrt(ticks))
    bar.set_ticklabels([f"{t:.0%}" for t in ticks])
    bar.set_label("share of the true digit's images")
    fig.savefig(path)
    return path


def misclassified_grid(
    images: np.ndarray,
    true: np.ndarray,
    pred: np.ndarray,
    confidence: np.ndarray,
    path: str,
    max_images: int = 36,
    title: str = "",
) -> str:
    """The test digits the model got wrong, most confident mistakes first.

    Args:
        images: ``(n, 28, 28)`` or ``(n, 28, 28, 1)`` images of the misclassified digits.
        true, pred: their true and predicted labels.
        confidence: the predicted class's probability, used to order them.
        path: the PNG file to write.
        max_images: at most this many are shown.
    """
    order = np.argsort(-np.asarray(confidence))[:max_images]
    count = len(order)
    cols = min(6, max(count, 1))
    rows = max(1, -(-count // cols))
    fig = _figure(1.6 * cols + 0.4, 1.85 * rows + 0.6)
    if count == 0:
        ax = fig.subplots()
        ax.axis("off")
        ax.text(0.5, 0.5, "No misclassified test digits.", ha="center", va="center")
    else:
        axes = np.atleast_1d(fig.subplots(rows, cols)).ravel()
        for ax in axes:
            ax.axis("off")
        for ax, k in zip(axes, order):
            ax.imshow(np.asarray(images[k]).reshape(28, 28), cmap="gray_r", vmin=0, vmax=1)
            ax.set_title(
                f"true {int(true[k])}, pred {int(pred[k])}\n({float(confidence[k]):.0%} sure)",
                fontsize=8,
                color="firebrick",
            )
    total = len(confidence)
    shown = (
        f"the {count} most confident mistakes shown" if count < total else "most confident first"
    )
    fig.suptitle(f"{title or 'Misclassified test digits'}\n({shown})" if count else title)
    fig.savefig(path)
    return path
