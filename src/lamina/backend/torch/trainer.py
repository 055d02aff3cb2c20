"""PyTorch steps: eager, with gradients from `torch.autograd.grad` and updates under no_grad.

``jit_compile=True`` compiles the step with `torch.compile`.
"""

from __future__ import annotations

import torch


def no_grad():
    return torch.no_grad()


def value_and_grad(fn, variables, has_aux=False):
    """``fn()``'s value and its gradients with respect to ``variables`` (a list)."""
    out = fn()
    loss = out[0] if has_aux else out
    params = [v.value for v in variables]
    wanted = [i for i, p in enumerate(params) if p.requires_grad]
    grads = [None] * len(params)
    if wanted and loss.requires_grad:
        found = torch.autograd.grad(loss, [params[i] for i in wanted], allow_unused=True)
        for i, g in zip(wanted, found):
            grads[i] = g
    if has_aux:
        return (loss.detach(), out[1]), grads
    return loss.detach(), grads


def compile_step(fn, state_variables, jit_compile=False, kind="train"):
    if jit_compile:
        fn = torch.compile(fn)
    if kind == "train":
        return fn

    def run_without_grad(data):
        with torch.no_grad():
            return fn(data)

    return run_without_grad
