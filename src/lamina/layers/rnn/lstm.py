"""`LSTM`: the Long Short-Term Memory layer."""

from __future__ import annotations

from lamina.layers.rnn._layer_args import CellLayer
from lamina.layers.rnn.cells import LSTMCell

__all__ = ["LSTM"]


class LSTM(CellLayer):
    """Long Short-Term Memory layer (Hochreiter & Schmidhuber, 1997).

    Args:
        units: positive int, the output size.
        activation: activation of the cell and output (default "tanh").
        recurrent_activation: activation of the gates (default "sigmoid").
        unit_forget_bias: add 1 to the forget gate's bias at initialization (default True).
        use_bias, initializers, regularizers, constraints, dropout, recurrent_dropout, seed:
            as `LSTMCell`.
        return_sequences, return_state, go_backwards, stateful, unroll: as `RNN`.
        use_cudnn: "auto" (default) runs the backend's fused kernel when the call's options fit
            it (PyTorch: ``torch.lstm``, cuDNN on CUDA; see the README), True requires it
            (error otherwise), False always runs the generic loop.
        implementation: keyword argument, 1 or 2 (default): as `LSTMCell` (with dropout in
            training, 1 draws one mask per gate). Not part of the config (as in Keras).

    Input shape:
        ``(batch, time, features)``.

    Output shape:
        ``(batch, units)``, or ``(batch, time, units)`` with ``return_sequences``; with
        ``return_state`` also the final ``h`` and ``c``, each ``(batch, units)``.

    Example:
        >>> print(lamina.layers.LSTM(4)(np.ones((2, 5, 3), "float32")).shape)
        (2, 4)
    """

    _cell_class = LSTMCell
    _takes_implementation = True

    def __init__(
        self,
        units,
        activation="tanh",
        recurrent_activation="sigmoid",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        unit_forget_bias=True,
        kernel_regularizer=None,
        recurrent_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        zero_output_for_mask=False,
        use_cudnn="auto",
        **kwargs,
    ):
        super().__init__(dict(locals()), **kwargs)

    def _run_fused(self, kernels, inputs, initial_state):
        cell = self.cell
        h, c = initial_state
        return kernels.lstm(inputs, h, c, cell.kernel, cell.recurrent_kernel, cell.bias)
