"""`GRU`: the Gated Recurrent Unit layer."""

from __future__ import annotations

from lamina.layers.rnn._layer_args import CellLayer
from lamina.layers.rnn.cells import GRUCell

__all__ = ["GRU"]


class GRU(CellLayer):
    """Gated Recurrent Unit (Cho et al., 2014).

    With ``reset_after=True`` (the default) the reset gate applies after the recurrent matrix
    product and the bias is ``(2, 3 * units)`` (input and recurrent biases), as in Keras.

    Args:
        units: positive int, the output size.
        activation: activation of the candidate (default "tanh").
        recurrent_activation: activation of the gates (default "sigmoid").
        reset_after: see above.
        use_bias, initializers, regularizers, constraints, dropout, recurrent_dropout, seed:
            as `GRUCell`.
        return_sequences, return_state, go_backwards, stateful, unroll: as `RNN`.
        use_cudnn: "auto" (default) runs the backend's fused kernel when the call's options fit
            it (PyTorch: ``torch.gru``, cuDNN on CUDA; see the README), True requires it
            (error otherwise), False always runs the generic loop.
        implementation: keyword argument, 1 or 2 (default): as `GRUCell` (with dropout in
            training, 1 draws one mask per gate). Not part of the config (as in Keras).

    Input shape:
        ``(batch, time, features)``.

    Output shape:
        ``(batch, units)``, or ``(batch, time, units)`` with ``return_sequences``.

    Example:
        >>> print(lamina.layers.GRU(4)(np.ones((2, 5, 3), "float32")).shape)
        (2, 4)
    """

    _cell_class = GRUCell
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
        reset_after=True,
        zero_output_for_mask=False,
        use_cudnn="auto",
        **kwargs,
    ):
        super().__init__(dict(locals()), **kwargs)

    def _fused_misfit(self, mask, training):
        if not self.cell.reset_after:
            return "reset_after=False"
        return super()._fused_misfit(mask, training)

    def _run_fused(self, kernels, inputs, initial_state):
        cell = self.cell
        return kernels.gru(inputs, initial_state[0], cell.kernel, cell.recurrent_kernel, cell.bias)
