"""Seeded sampling with PyTorch: a cached `torch.Generator` per device, reseeded per call.

``seed`` is what `lamina.random.draw_seed` returns (a base seed and a counter) or a Python
int; the same seed gives the same values. The distributions torch cannot draw from a generator
(gamma, beta) are sampled with NumPy from the same seed and moved to the device.
"""

from __future__ import annotations

import math

import numpy as np
import torch

from lamina.backend.common import dtypes
from lamina.backend.torch.core import convert_to_tensor, default_device, to_torch_dtype

_GENERATORS: dict = {}


def _seed_int(seed) -> int:
    if isinstance(seed, int):
        return seed % 2**63
    if isinstance(seed, torch.Tensor):
        values = seed.detach().reshape(-1).tolist()
    else:
        values = np.asarray(seed).reshape(-1).tolist()
    base, counter = (int(v) for v in values)
    # Mix the two words so that neighbouring counters give unrelated torch seeds.
    return ((base & 0xFFFFFFFF) * 0x9E3779B97F4A7C15 + counter * 0xBF58476D1CE4E5B9) % 2**63


def _generator(seed, device=None):
    device = torch.device(device) if device is not None else default_device()
    if seed is None:
        return None
    gen = _GENERATORS.get(device)
    if gen is None:
        gen = _GENERATORS[device] = torch.Generator(device=device)
    gen.manual_seed(_seed_int(seed))
    return gen


def _numpy_rng(seed):
    if seed is None:
        return np.random.default_rng()
    return np.random.default_rng(_seed_int(seed))


def _dtype(dtype, default=None):
    return to_torch_dtype(dtypes.standardize_dtype(dtype if dtype is not None else default))


def _shape(shape):
    return tuple(int(d) for d in shape)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    device = default_device()
    values = torch.randn(
        _shape(shape), generator=_generator(seed, device), dtype=_dtype(dtype), device=device
    )
    return values * stddev + mean


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    device = default_device()
    values = torch.rand(
        _shape(shape), generator=_generator(seed, device), dtype=_dtype(dtype), device=device
    )
    return minval + values * (maxval - minval)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    # Inverse-CDF sampling restricted to [-2, 2] standard deviations.
    dtype = _dtype(dtype)
    work = torch.float64 if dtype == torch.float64 else torch.float32
    device = default_device()
    low = 0.5 * (1 + math.erf(-2 / math.sqrt(2)))
    u = torch.rand(_shape(shape), generator=_generator(seed, device), dtype=work, device=device)
    u = low + u * (1 - 2 * low)
    values = math.sqrt(2) * torch.erfinv(2 * u - 1)
    return (torch.clamp(values, -2, 2) * stddev + mean).to(dtype)


def randint(shape, minval, maxval, dtype="int32", seed=None):
    device = default_device()
    return torch.randint(
        int(minval),
        int(maxval),
        _shape(shape),
        generator=_generator(seed, device),
        dtype=_dtype(dtype),
        device=device,
    )


def categorical(logits, num_samples, dtype="int32", seed=None):
    logits = convert_to_tensor(logits)
    probs = torch.softmax(
        logits.to(torch.float32 if logits.dtype != torch.float64 else torch.float64), dim=-1
    )
    flat = probs.reshape(-1, probs.shape[-1])
    samples = torch.multinomial(
        flat, num_samples, replacement=True, generator=_generator(seed, probs.device)
    )
    return samples.reshape(*probs.shape[:-1], num_samples).to(_dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None):
    x = convert_to_tensor(inputs)
    if rate >= 1:
        return torch.zeros_like(x)
    shape = x.shape if noise_shape is None else _shape(noise_shape)
    noise = torch.rand(shape, generator=_generator(seed, x.device), device=x.device)
    keep = noise >= rate
    return torch.where(keep, x / (1 - rate), torch.zeros((), dtype=x.dtype, device=x.device))


def shuffle(x, axis=0, seed=None):
    x = convert_to_tensor(x)
    order = torch.randperm(x.shape[axis], generator=_generator(seed, x.device), device=x.device)
    return torch.index_select(x, axis, order)


def gamma(shape, alpha, dtype=None, seed=None):
    alpha = np.asarray(alpha.detach().cpu() if isinstance(alpha, torch.Tensor) else alpha)
    values = _numpy_rng(seed).gamma(alpha, size=_shape(shape))
    return torch.as_tensor(values, dtype=_dtype(dtype), device=default_device())


def binomial(shape, counts, probabilities, dtype=None, seed=None):
    device = default_device()
    counts = convert_to_tensor(counts, "float32").to(device)
    probabilities = convert_to_tensor(probabilities, "float32").to(device)
    counts, probabilities = torch.broadcast_tensors(counts, probabilities)
    counts = counts.expand(_shape(shape)).contiguous()
    probabilities = probabilities.expand(_shape(shape)).contiguous()
    values = torch.binomial(counts, probabilities, generator=_generator(seed, device))
    return values.to(_dtype(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None):
    def host(v):
        return np.asarray(v.detach().cpu() if isinstance(v, torch.Tensor) else v)

    values = _numpy_rng(seed).beta(host(alpha), host(beta), size=_shape(shape))
    return torch.as_tensor(values, dtype=_dtype(dtype), device=default_device())
