"""Math ops on PyTorch tensors: reductions, segments, top-k, special functions, FFT."""

from __future__ import annotations

import torch

from lamina import config
from lamina.backend.torch.core import convert_to_tensor, to_torch_dtype


def _float(x):
    x = convert_to_tensor(x)
    if not (x.is_floating_point() or x.is_complex()):
        return x.to(to_torch_dtype(config.floatx()))
    return x


def _dims(axis):
    return tuple(axis) if isinstance(axis, (list, tuple)) else axis


def logsumexp(x, axis=None, keepdims=False):
    x = _float(x)
    if axis is None:
        out = torch.logsumexp(x.reshape(-1), dim=0)
        return out.reshape((1,) * x.ndim) if keepdims else out
    return torch.logsumexp(x, dim=_dims(axis), keepdim=keepdims)


def top_k(x, k, sorted=True):
    x = convert_to_tensor(x)
    if x.dtype == torch.bool:
        values, indices = torch.topk(x.to(torch.uint8), k, dim=-1, sorted=True)
        return values.to(torch.bool), indices.to(torch.int32)
    # A stable descending sort puts the lower index first among ties, as TensorFlow does.
    values, indices = torch.sort(x, dim=-1, descending=True, stable=True)
    return values[..., :k], indices[..., :k].to(torch.int32)


def in_top_k(targets, predictions, k):
    targets = convert_to_tensor(targets).long()
    predictions = convert_to_tensor(predictions)
    target_values = torch.gather(predictions, -1, targets[:, None])
    larger = torch.sum(predictions > target_values, dim=-1)
    return (larger < k) & torch.isfinite(target_values[:, 0])


def _segment(reduce, data, segment_ids, num_segments, init):
    data = convert_to_tensor(data)
    ids = convert_to_tensor(segment_ids).long()
    if num_segments is None:
        num_segments = int(ids.max()) + 1 if ids.numel() else 0
    keep = (ids >= 0) & (ids < num_segments)
    if not bool(keep.all()):
        data, ids = data[keep], ids[keep]
    index = ids.reshape(-1, *([1] * (data.ndim - 1))).expand_as(data)
    out = torch.full((num_segments, *data.shape[1:]), init, dtype=data.dtype, device=data.device)
    return out.scatter_reduce(0, index, data, reduce=reduce, include_self=reduce == "sum")


def _lowest(dtype):
    return float("-inf") if dtype.is_floating_point else torch.iinfo(dtype).min


def _highest(dtype):
    return float("inf") if dtype.is_floating_point else torch.iinfo(dtype).max


def segment_sum(data, segment_ids, num_segments=None, sorted=False):
    return _segment("sum", data, segment_ids, num_segments, 0)


def segment_max(data, segment_ids, num_segments=None, sorted=False):
    data = convert_to_tensor(data)
    out = _segment("amax", data, segment_ids, num_segments, 0)
    return _fill_empty(out, segment_ids, num_segments, _lowest(data.dtype))


def segment_min(data, segment_ids, num_segments=None, sorted=False):
    data = convert_to_tensor(data)
    out = _segment("amin", data, segment_ids, num_segments, 0)
    return _fill_empty(out, segment_ids, num_segments, _highest(data.dtype))


def segment_prod(data, segment_ids, num_segments=None, sorted=False):
    data = convert_to_tensor(data)
    out = _segment("prod", data, segment_ids, num_segments, 1)
    return _fill_empty(out, segment_ids, num_segments, 1)


def _fill_empty(out, segment_ids, num_segments, value):
    """Empty segments hold ``value`` (the reduction's identity), as in JAX."""
    ids = convert_to_tensor(segment_ids).long()
    ids = ids[(ids >= 0) & (ids < out.shape[0])]
    present = torch.zeros(out.shape[0], dtype=torch.bool, device=out.device)
    present[ids] = True
    present = present.reshape(-1, *([1] * (out.ndim - 1)))
    return torch.where(present, out, torch.tensor(value, dtype=out.dtype, device=out.device))


def erf(x):
    return torch.erf(_float(x))


def erfc(x):
    return torch.erfc(_float(x))


def erfinv(x):
    return torch.erfinv(_float(x))


def rsqrt(x):
    return torch.rsqrt(_float(x))


def logdet(x):
    sign, value = torch.linalg.slogdet(_float(x))
    return torch.where(sign > 0, value, torch.nan)


def extract_sequences(x, sequence_length, sequence_stride):
    return convert_to_tensor(x).unfold(-1, sequence_length, sequence_stride)


def _complex_input(x):
    real, imag = _float(x[0]), _float(x[1])
    return torch.complex(real, imag.to(real.dtype)), real.dtype


def fft(x):
    z, dtype = _complex_input(x)
    out = torch.fft.fft(z, dim=-1)
    return out.real.to(dtype), out.imag.to(dtype)


def fft2(x):
    z, dtype = _complex_input(x)
    out = torch.fft.fft2(z, dim=(-2, -1))
    return out.real.to(dtype), out.imag.to(dtype)


def ifft2(x):
    z, dtype = _complex_input(x)
    out = torch.fft.ifft2(z, dim=(-2, -1))
    return out.real.to(dtype), out.imag.to(dtype)


def rfft(x, fft_length=None):
    x = _float(x)
    out = torch.fft.rfft(x, n=fft_length, dim=-1)
    return out.real.to(x.dtype), out.imag.to(x.dtype)


def irfft(x, fft_length=None):
    z, dtype = _complex_input(x)
    return torch.fft.irfft(z, n=fft_length, dim=-1).to(dtype)
