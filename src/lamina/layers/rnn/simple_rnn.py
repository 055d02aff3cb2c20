"""`SimpleRNN`: a fully connected RNN whose output is fed back as its state."""

from __future__ import annotations

from lamina import activations
from lamina.layers.rnn._layer_args import CellLayer
from lamina.layers.rnn.cells import SimpleRNNCell

__all__ = ["SimpleRNN"]


class SimpleRNN(CellLayer):
    """A fully connected RNN: ``h_t = activation(x_t @ kernel + h_{t-1} @ recurrent_kernel +
    bias)``.

    Args:
        units: positive int, the output size.
        activation, use_bias, initializers, regularizers, constraints, dropout,
            recurrent_dropout, seed: as `SimpleRNNCell`.
        return_sequences, return_state, go_backwards, stateful, unroll: as `RNN`.

    Input shape:
        ``(batch, time, features)``.

    Output shape:
        ``(batch, units)``, or ``(batch, time, units)`` with ``return_sequences``.

    Example:
        >>> print(lamina.layers.SimpleRNN(4)(np.ones((2, 5, 3), "float32")).shape)
        (2, 4)
    """

    _cell_class = SimpleRNNCell
    _fused_activations = (activations.tanh, activations.relu)

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        zero_output_for_mask=False,
        seed=None,
        **kwargs,
    ):
        super().__init__(dict(locals()), **kwargs)

    def _run_fused(self, kernels, inputs, initial_state):
        cell = self.cell
        kind = "relu" if cell.activation is activations.relu else "tanh"
        return kernels.simple_rnn(
            inputs, initial_state[0], cell.kernel, cell.recurrent_kernel, cell.bias, kind
        )
