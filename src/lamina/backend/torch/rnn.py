"""PyTorch's fused recurrent kernels for `SimpleRNN`, `LSTM` and `GRU`.

An optional backend module (only backends with fused kernels have one; the layers ask
`active.optional("rnn")`). ``torch.lstm``/``torch.gru``/``torch.rnn_tanh`` run the whole
sequence in one call: ATen's C++ loop on CPU, cuDNN on CUDA devices. Autograd differentiates
them, so training through them needs nothing else.

Every function takes Keras-layout weights (``kernel`` (features, gates * units),
``recurrent_kernel`` (units, gates * units), Keras gate order) and time-major inputs
``(time, batch, features)``, and returns ``(outputs (time, batch, units), final states)``.
"""

from __future__ import annotations

import torch

from lamina.backend.torch.core import convert_to_tensor


def _weights(kernel, recurrent_kernel, biases, order=None):
    """PyTorch's flat parameter list ``[w_ih, w_hh, b_ih, b_hh]`` from Keras-layout weights;
    ``order`` permutes the gate blocks (Keras's GRU order z, r, h is PyTorch's r, z, n)."""

    def gates(w):
        if order is None:
            return w
        blocks = torch.chunk(w, len(order), dim=-1)
        return torch.cat([blocks[i] for i in order], dim=-1)

    params = [gates(convert_to_tensor(kernel)).t(), gates(convert_to_tensor(recurrent_kernel)).t()]
    if biases is not None:
        params += [gates(convert_to_tensor(b)) for b in biases]
    return [p.contiguous() for p in params]


def _input_biases(bias, width):
    """A single Keras bias as PyTorch's pair: input bias and a zero recurrent bias."""
    if bias is None:
        return None
    bias = convert_to_tensor(bias)
    return [bias, torch.zeros(width, dtype=bias.dtype, device=bias.device)]


def simple_rnn(inputs, h, kernel, recurrent_kernel, bias, activation):
    """``activation`` is "tanh" or "relu"."""
    x = convert_to_tensor(inputs)
    run = torch.rnn_tanh if activation == "tanh" else torch.rnn_relu
    params = _weights(kernel, recurrent_kernel, _input_biases(bias, kernel.shape[-1]))
    outputs, h = run(x, h[None], params, bias is not None, 1, 0.0, False, False, False)
    return outputs, [h[0]]


def lstm(inputs, h, c, kernel, recurrent_kernel, bias):
    # Keras's LSTM gate order (input, forget, cell, output) is PyTorch's (i, f, g, o).
    x = convert_to_tensor(inputs)
    params = _weights(kernel, recurrent_kernel, _input_biases(bias, kernel.shape[-1]))
    outputs, h, c = torch.lstm(
        x, (h[None], c[None]), params, bias is not None, 1, 0.0, False, False, False
    )
    return outputs, [h[0], c[0]]


def gru(inputs, h, kernel, recurrent_kernel, bias):
    """The ``reset_after=True`` GRU (PyTorch's and cuDNN's); ``bias`` is (2, 3 * units)."""
    x = convert_to_tensor(inputs)
    biases = None if bias is None else list(convert_to_tensor(bias))
    params = _weights(kernel, recurrent_kernel, biases, order=(1, 0, 2))
    outputs, h = torch.gru(x, h[None], params, bias is not None, 1, 0.0, False, False, False)
    return outputs, [h[0]]
