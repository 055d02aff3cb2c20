"""Reading and setting an optimizer's learning rate, shared by the LR callbacks."""

from __future__ import annotations

import numpy as np


def get_learning_rate(model, who) -> float:
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not hasattr(optimizer, "learning_rate"):
        raise ValueError(
            f"{who} needs a compiled model whose optimizer has a `learning_rate`. "
            "Call `model.compile(optimizer=...)` first."
        )
    value = optimizer.learning_rate
    if not isinstance(value, (int, float)):
        from lamina.backend import convert_to_numpy

        value = np.asarray(convert_to_numpy(value))
    return float(value)


def set_learning_rate(model, value):
    model.optimizer.learning_rate = float(value)
