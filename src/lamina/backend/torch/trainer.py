"""PyTorch steps: eager, with gradients from `torch.autograd.grad` and updates under no_grad.

``jit_compile=True`` compiles the step with `torch.compile`.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from lamina.backend.torch.core import convert_to_tensor, from_torch_dtype


def no_grad():
    return torch.no_grad()


# Set by `lamina.distribution` while a multi-process fit runs: ``reducer(params, grads)``
# all-reduces the gradients across processes (see lamina/backend/torch/distribution.py). None on
# the single-process path, which then pays one global read per step.
gradient_reducer = None


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
    if gradient_reducer is not None:
        grads = gradient_reducer(params, grads)
    if has_aux:
        return (loss.detach(), out[1]), grads
    return loss.detach(), grads


def default_jit_compile():
    return False  # torch.compile is opt-in (as in Keras)


def compiled_steps_take_numpy():
    """Whether NumPy batches go to compiled steps unconverted (JAX's do)."""
    return False


def compile_step(fn, state_variables, jit_compile=False, kind="train", run_eagerly=False):
    if jit_compile and not run_eagerly:
        fn = torch.compile(fn)
    if kind == "train":
        return fn

    def run_without_grad(data):
        with torch.no_grad():
            return fn(data)

    return run_without_grad


def adam_update(
    variables, grads, momentums, velocities, learning_rate, iterations, beta_1, beta_2, epsilon
):
    """Adam's update for all ``variables`` at once, with PyTorch's multi-tensor kernels.

    Same formulas as the per-variable rule (Keras's): with ``t = iterations + 1`` and
    ``alpha = lr sqrt(1 - beta_2^t) / (1 - beta_1^t)``, ``m += (g - m)(1 - beta_1)``,
    ``v += (g^2 - v)(1 - beta_2)``, ``var -= alpha m / (sqrt(v) + epsilon)``. Eager PyTorch
    pays Python and dispatch costs per operation, so a handful of `torch._foreach_*` calls
    over the lists replace seven operations per variable. ``learning_rate`` and
    ``iterations`` are 0-d tensors: on the CPU the step size is computed from their values in
    Python (one ``addcdiv`` then applies it); on an accelerator it stays a tensor (no sync).
    """
    groups = {}
    for var, g, m, v in zip(variables, grads, momentums, velocities):
        p = var.value
        groups.setdefault((p.dtype, p.device), []).append((p, g, m.value, v.value))
    on_host = iterations.device.type == "cpu" and (
        not isinstance(learning_rate, torch.Tensor) or learning_rate.device.type == "cpu"
    )
    if on_host:
        # The step size as a Python number: reading host scalars costs no device sync, and
        # the last three operations fold into one ``addcdiv``.
        t = int(iterations) + 1
        wide = any(dtype == torch.float64 for dtype, _ in groups)
        alpha = _host_step_size(float(learning_rate), t, beta_1, beta_2, wide)
        fused = _FusedHostAdam(alpha, t, beta_1, beta_2, epsilon)
    else:
        alpha = _adam_step_size(learning_rate, iterations, beta_1, beta_2, variables)
    for (dtype, _), members in groups.items():
        params, gs, ms, vs = (list(t) for t in zip(*members))
        gs = [
            g
            if isinstance(g, torch.Tensor) and g.dtype == dtype
            else convert_to_tensor(g, dtype=from_torch_dtype(dtype))
            for g in gs
        ]
        if on_host and fused.fits(dtype, params, gs, ms, vs):
            # The kernel walks memory linearly: gradients that are views (a transposed weight's
            # gradient, say) are copied to contiguous tensors first.
            fused(params, [g.contiguous() for g in gs], ms, vs)
            continue
        torch._foreach_lerp_(ms, gs, 1.0 - beta_1)
        torch._foreach_lerp_(vs, torch._foreach_mul(gs, gs), 1.0 - beta_2)
        denominators = torch._foreach_sqrt(vs)
        torch._foreach_add_(denominators, epsilon)
        if on_host:
            torch._foreach_addcdiv_(params, ms, denominators, -alpha)
        else:
            steps = torch._foreach_mul(ms, alpha.to(dtype))
            torch._foreach_div_(steps, denominators)
            torch._foreach_sub_(params, steps)


class _FusedHostAdam:
    """Adam through PyTorch's fused CPU kernel (`torch._fused_adam_`): one pass over memory.

    The kernel reads ``m``, ``v``, the gradient and the variable once per element instead of
    the five passes of the multi-tensor operations (about 3x faster for an MLP's weights).
    It computes ``lr' / c1 * m / (sqrt(v) / sqrt(c2) + eps')`` with the bias corrections
    ``c1 = 1 - beta_1^t``, ``c2 = 1 - beta_2^t`` in float64. Passing ``eps' = epsilon /
    sqrt(c2)`` and ``lr' = alpha c1 / sqrt(c2)`` turns that into Keras's ``alpha m / (sqrt(v)
    + epsilon)`` with ``alpha`` the step size as Keras rounds it (`_host_step_size`: float32
    for float32 variables, where ``1 - beta_2^t`` differs from float64 by up to 1e-5).
    """

    _DTYPES = (torch.float32, torch.float64, torch.float16, torch.bfloat16)
    available = hasattr(torch, "_fused_adam_")

    def __init__(self, alpha, t, beta_1, beta_2, epsilon):
        self.beta_1, self.beta_2 = float(beta_1), float(beta_2)
        root_c2 = math.sqrt(1.0 - self.beta_2**t)
        self.lr = alpha * (1.0 - self.beta_1**t) / root_c2
        self.epsilon = float(epsilon) / root_c2
        self.step = torch.tensor(float(t))

    def fits(self, dtype, params, grads, momentums, velocities):
        return (
            self.available
            and dtype in self._DTYPES
            and all(g.layout == torch.strided and g.device.type == "cpu" for g in grads)
            and all(t.is_contiguous() for ts in (params, momentums, velocities) for t in ts)
        )

    def __call__(self, params, grads, momentums, velocities):
        torch._fused_adam_(
            params,
            grads,
            momentums,
            velocities,
            [],
            [self.step] * len(params),
            lr=self.lr,
            beta1=self.beta_1,
            beta2=self.beta_2,
            weight_decay=0.0,
            eps=self.epsilon,
            amsgrad=False,
            maximize=False,
        )


def _host_step_size(learning_rate, t, beta_1, beta_2, wide):
    # NumPy scalars in the widest variable dtype (float64 when ``wide``): the roundings of
    # the tensor formula (in float32, ``1 - beta_2^t`` differs from float64 by up to 1e-5).
    real = np.float64 if wide else np.float32
    t = real(t)
    return float(real(learning_rate) * np.sqrt(1 - real(beta_2) ** t) / (1 - real(beta_1) ** t))


def _adam_step_size(learning_rate, iterations, beta_1, beta_2, variables):
    # In the widest variable dtype, so float64 variables keep their precision.
    wide = any(v.value.dtype == torch.float64 for v in variables)
    dtype = torch.float64 if wide else torch.float32
    t = iterations.to(dtype) + 1
    lr = convert_to_tensor(learning_rate).to(dtype)
    return lr * torch.sqrt(1 - torch.pow(beta_2, t)) / (1 - torch.pow(beta_1, t))
