"""Recurrent cells: `SimpleRNNCell`, `LSTMCell`, `GRUCell`, and `StackedRNNCells`.

A cell computes one time step: ``call(inputs, states, training=None) -> (output, new_states)``
and declares ``state_size`` (and ``output_size``). `lamina.layers.RNN` runs it over time.
Weights, their names, shapes and gate order are those of Keras 3, so weights can be exchanged.
"""

from __future__ import annotations

import numbers

from lamina import activations, ops, random
from lamina.layers.arguments import add_weight_from_arguments, weight_arguments
from lamina.layers.base import Layer

__all__ = ["GRUCell", "LSTMCell", "SimpleRNNCell", "StackedRNNCells"]


def _positive_int(value, arg, layer):
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{layer}: `{arg}` must be a positive integer. Received: {arg}={value!r}")
    return value


def _rate(value, arg, layer):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(
            f"{layer}: `{arg}` must be a float between 0 and 1. Received: {arg}={value!r}"
        )
    return float(value)


def check_implementation(value, layer):
    """Keras's ``implementation`` argument of the LSTM and GRU cells and layers: 1 or 2."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value not in (1, 2):
        raise ValueError(
            f"{layer}: `implementation` must be 1 (one dropout mask and one matrix product per "
            "gate) or 2 (one mask and one product for all gates, the default). "
            f"Received: implementation={value!r}"
        )
    return int(value)


def _masked(value, mask):
    """``value`` times a dropout mask: one tensor, or a list of one per gate for a tuple of
    masks; ``value`` itself when there is no mask."""
    if mask is None:
        return value
    if isinstance(mask, tuple):
        return [ops.multiply(value, m) for m in mask]
    return ops.multiply(value, mask)


def _gate_products(values, kernel, n, bias=None):
    """The gates' pre-activations ``values @ kernel + bias``, split into ``n`` gates.

    ``values`` is one tensor (one product for all gates) or a list of one per gate (each gate's
    own product with its slice of ``kernel``, for per-gate dropout masks)."""
    if not isinstance(values, list):
        out = ops.matmul(values, kernel)
        if bias is not None:
            out = ops.add(out, bias)
        return ops.split(out, n, axis=-1)
    kernels = ops.split(kernel, n, axis=-1)
    out = [ops.matmul(v, k) for v, k in zip(values, kernels)]
    if bias is not None:
        out = [ops.add(o, b) for o, b in zip(out, ops.split(bias, n, axis=-1))]
    return out


# The weights' arguments, in Keras's config order.
_WEIGHT_ARGS = weight_arguments("kernel", "recurrent", "bias")


class _Cell(Layer):
    """Shared arguments of the built-in cells: weights (kernel, recurrent_kernel, bias) and the
    dropout masks, drawn once per RNN call and reused at every step (Keras semantics).

    A public cell has the explicit Keras signature and passes its ``locals()`` to
    `_init_arguments`."""

    _n_gates = 1
    _n_states = 1

    def _init_arguments(self, args):
        name = type(self).__name__
        self.units = _positive_int(args["units"], "units", name)
        self.activation = activations.get(args["activation"])
        self.use_bias = bool(args["use_bias"])
        for arg, module in _WEIGHT_ARGS:
            setattr(self, arg, module.get(args[arg]))
        self.dropout = _rate(args["dropout"], "dropout", name)
        self.recurrent_dropout = _rate(args["recurrent_dropout"], "recurrent_dropout", name)
        self.seed = args["seed"]
        if self.dropout > 0 or self.recurrent_dropout > 0:
            self.seed_generator = random.SeedGenerator(self.seed)
        self._dropout_mask = None
        self._recurrent_dropout_mask = None
        self._gate_masks = False
        self.state_size = self.units if self._n_states == 1 else [self.units] * self._n_states
        self.output_size = self.units
        self._state_shape = (self.units,)
        self.bias = None

    def _init_implementation(self, implementation, owner):
        """Keras's ``implementation`` (from ``**kwargs``; like Keras, not in the config).

        1 draws one dropout mask per gate and applies each before that gate's own matrix
        product; 2 draws one mask for all gates. As in Keras, ``recurrent_dropout > 0`` implies
        1. Without dropout both compute the same function, with one product for all gates.
        ConvLSTM's cell always draws per-gate masks (as Keras's) and applies them before its
        per-gate convolutions."""
        self.implementation = check_implementation(implementation, type(self).__name__)
        if self.recurrent_dropout > 0:
            self.implementation = 1
        self._gate_masks = self.implementation == 1 and type(self).call is owner.call

    # Weights ----------------------------------------------------------------------------
    def _weight_shapes(self, input_shape):
        """Shapes of ``kernel``, ``recurrent_kernel`` and ``bias`` for this input shape."""
        n = self._n_gates * self.units
        return (input_shape[-1], n), (self.units, n), (n,)

    def _bias_initializer(self):
        return self.bias_initializer

    def build(self, input_shape):
        kernel, recurrent, bias = self._weight_shapes(input_shape)
        self.kernel = add_weight_from_arguments(self, "kernel", kernel, "kernel")
        self.recurrent_kernel = add_weight_from_arguments(
            self, "recurrent_kernel", recurrent, "recurrent"
        )
        if self.use_bias:
            self.bias = add_weight_from_arguments(
                self, "bias", bias, "bias", self._bias_initializer()
            )
        self.built = True

    # Dropout masks ----------------------------------------------------------------------
    def _prepare_dropout_masks(self, step_input, states, training):
        state = states[0] if isinstance(states, (list, tuple)) else states
        self._dropout_mask = self._recurrent_dropout_mask = None
        if not training:
            return
        if 0 < self.dropout < 1:
            self._dropout_mask = self._draw_masks(step_input, self.dropout)
        if 0 < self.recurrent_dropout < 1:
            self._recurrent_dropout_mask = self._draw_masks(state, self.recurrent_dropout)

    def _draw_masks(self, like, rate):
        """A dropout mask shaped like ``like``, or a tuple of one per gate (implementation=1)."""
        ones = ops.ones_like(like)
        if not self._gate_masks:
            return random.dropout(ones, rate, seed=self.seed_generator)
        return tuple(
            random.dropout(ones, rate, seed=self.seed_generator) for _ in range(self._n_gates)
        )

    def _clear_dropout_masks(self):
        self._dropout_mask = self._recurrent_dropout_mask = None

    def _dropped(self, inputs, h, training):
        """Inputs and previous output with this call's dropout masks applied: each one tensor,
        or with per-gate masks (implementation=1) a list of one per gate."""
        if not training:
            return inputs, h
        if self._dropout_mask is None and self._recurrent_dropout_mask is None:
            # Called on its own (not by an RNN): masks for this call only.
            self._prepare_dropout_masks(inputs, [h], training)
            try:
                return self._apply_masks(inputs, h)
            finally:
                self._clear_dropout_masks()
        return self._apply_masks(inputs, h)

    def _apply_masks(self, inputs, h):
        return _masked(inputs, self._dropout_mask), _masked(h, self._recurrent_dropout_mask)

    def get_initial_state(self, batch_size=None):
        shape = (batch_size, *self._state_shape)
        return [ops.zeros(shape, dtype=self.compute_dtype) for _ in range(self._n_states)]

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            **{arg: module.serialize(getattr(self, arg)) for arg, module in _WEIGHT_ARGS},
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }


class SimpleRNNCell(_Cell):
    """One step of a fully connected RNN: ``h = activation(x @ kernel + h_prev @ recurrent_kernel
    + bias)``.

    Args:
        units: positive int, the size of the output and state.
        activation: activation (default "tanh").
        use_bias: whether to add a bias.
        kernel_initializer / recurrent_initializer / bias_initializer: initializers
            (defaults "glorot_uniform", "orthogonal", "zeros").
        kernel_regularizer / recurrent_regularizer / bias_regularizer: regularizers.
        kernel_constraint / recurrent_constraint / bias_constraint: constraints.
        dropout / recurrent_dropout: fractions of the inputs / of the recurrent state to drop
            during training (one mask per sequence).
        seed: int seed of the dropout masks.

    Example:
        >>> cell = lamina.layers.SimpleRNNCell(4)
        >>> out, states = cell(np.ones((2, 3)), [np.zeros((2, 4), "float32")])
        >>> print(out.shape)
        (2, 4)
    """

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
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self._init_arguments(locals())

    def call(self, inputs, states, training=None):
        h_prev = states[0] if isinstance(states, (list, tuple)) else states
        x, h = self._dropped(inputs, h_prev, training)
        out = ops.add(ops.matmul(x, self.kernel), ops.matmul(h, self.recurrent_kernel))
        if self.bias is not None:
            out = ops.add(out, self.bias)
        if self.activation is not None:
            out = self.activation(out)
        return out, ([out] if isinstance(states, (list, tuple)) else out)


class LSTMCell(_Cell):
    """One step of a Long Short-Term Memory layer (Hochreiter & Schmidhuber, 1997).

    Gates in the Keras order input, forget, cell, output: ``kernel`` is (input_dim, 4 * units),
    ``recurrent_kernel`` (units, 4 * units), ``bias`` (4 * units,). The states are ``[h, c]``.

    Args:
        units: positive int, the output size.
        activation: activation of the cell and output (default "tanh").
        recurrent_activation: activation of the gates (default "sigmoid").
        unit_forget_bias: add 1 to the forget gate's bias at initialization (default True).
        implementation: keyword argument, 1 or 2 (default). With dropout, 1 draws one mask per
            gate, 2 one mask for all gates; ``recurrent_dropout`` implies 1 (as in Keras).
            Not part of the config (as in Keras).
        Other arguments: as `SimpleRNNCell`.

    Example:
        >>> cell = lamina.layers.LSTMCell(4)
        >>> zeros = np.zeros((2, 4), "float32")
        >>> out, (h, c) = cell(np.ones((2, 3), "float32"), [zeros, zeros])
        >>> print(c.shape)
        (2, 4)
    """

    _n_gates = 4
    _n_states = 2
    _gate_axis = -1

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
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        **kwargs,
    ):
        implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        self._init_arguments(locals())
        self._init_implementation(implementation, LSTMCell)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)

    def _bias_initializer(self):
        if not self.unit_forget_bias:
            return self.bias_initializer
        base, units = self.bias_initializer, self.units

        def initializer(shape, dtype=None):
            return ops.concatenate(
                [
                    ops.convert_to_tensor(base((units,), dtype=dtype), dtype),
                    ops.ones((units,), dtype=dtype),
                    ops.convert_to_tensor(base((2 * units,), dtype=dtype), dtype),
                ]
            )

        return initializer

    def call(self, inputs, states, training=None):
        h_prev, c_prev = states[0], states[1]
        x, h = self._dropped(inputs, h_prev, training)
        if isinstance(x, list) or isinstance(h, list):  # implementation=1: masks per gate
            xs = _gate_products(x, self.kernel, 4, self.bias)
            hs = _gate_products(h, self.recurrent_kernel, 4)
            return self._gate_outputs([ops.add(a, b) for a, b in zip(xs, hs)], c_prev)
        z = ops.add(ops.matmul(x, self.kernel), ops.matmul(h, self.recurrent_kernel))
        if self.bias is not None:
            z = ops.add(z, self.bias)
        return self._gates(z, c_prev)

    def _gates(self, z, c_prev):
        """The step's output and states from the gates' pre-activations ``z``."""
        return self._gate_outputs(ops.split(z, 4, axis=self._gate_axis), c_prev)

    def _gate_outputs(self, gates, c_prev):
        """The step's output and states from the four gates' pre-activations."""
        z_i, z_f, z_c, z_o = gates
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = ops.add(ops.multiply(f, c_prev), ops.multiply(i, self.activation(z_c)))
        o = self.recurrent_activation(z_o)
        h = ops.multiply(o, self.activation(c))
        return h, [h, c]

    def get_config(self):
        return {
            **super().get_config(),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
        }


class GRUCell(_Cell):
    """One step of a Gated Recurrent Unit (Cho et al., 2014).

    Gates in the Keras order update, reset, candidate: ``kernel`` is (input_dim, 3 * units),
    ``recurrent_kernel`` (units, 3 * units); ``bias`` is (2, 3 * units) with
    ``reset_after=True`` (separate input and recurrent biases, the cuDNN variant, the default)
    and (3 * units,) otherwise.

    Args:
        units: positive int, the output size.
        activation: activation of the candidate (default "tanh").
        recurrent_activation: activation of the gates (default "sigmoid").
        reset_after: apply the reset gate after the recurrent matrix product (default True).
        implementation: keyword argument, 1 or 2 (default): as `LSTMCell`.
        Other arguments: as `SimpleRNNCell`.

    Example:
        >>> cell = lamina.layers.GRUCell(4)
        >>> out, _ = cell(np.ones((2, 3), "float32"), [np.zeros((2, 4), "float32")])
        >>> print(out.shape)
        (2, 4)
    """

    _n_gates = 3

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
        kernel_constraint=None,
        recurrent_constraint=None,
        bias_constraint=None,
        dropout=0.0,
        recurrent_dropout=0.0,
        seed=None,
        reset_after=True,
        **kwargs,
    ):
        implementation = kwargs.pop("implementation", 2)
        super().__init__(**kwargs)
        self._init_arguments(locals())
        self._init_implementation(implementation, GRUCell)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.reset_after = bool(reset_after)

    def _weight_shapes(self, input_shape):
        kernel, recurrent, bias = super()._weight_shapes(input_shape)
        return kernel, recurrent, ((2, *bias) if self.reset_after else bias)

    def call(self, inputs, states, training=None):
        h_prev = states[0] if isinstance(states, (list, tuple)) else states
        # `x` and `h` are tensors, or lists of one per gate with implementation=1's masks.
        x, h = self._dropped(inputs, h_prev, training)
        input_bias = recurrent_bias = None
        if self.bias is not None:
            if self.reset_after:
                input_bias, recurrent_bias = self.bias[0], self.bias[1]
            else:
                input_bias = self.bias
        x_z, x_r, x_h = _gate_products(x, self.kernel, 3, input_bias)
        if self.reset_after:
            r_z, r_r, r_h = _gate_products(h, self.recurrent_kernel, 3, recurrent_bias)
            z = self.recurrent_activation(ops.add(x_z, r_z))
            r = self.recurrent_activation(ops.add(x_r, r_r))
            candidate = self.activation(ops.add(x_h, ops.multiply(r, r_h)))
        else:
            h_z, h_r, h_h = h if isinstance(h, list) else (h, h, h)
            k_z, k_r, k_h = ops.split(self.recurrent_kernel, 3, axis=-1)
            z = self.recurrent_activation(ops.add(x_z, ops.matmul(h_z, k_z)))
            r = self.recurrent_activation(ops.add(x_r, ops.matmul(h_r, k_r)))
            candidate = self.activation(ops.add(x_h, ops.matmul(ops.multiply(r, h_h), k_h)))
        out = ops.add(ops.multiply(z, h_prev), ops.multiply(ops.subtract(1.0, z), candidate))
        return out, ([out] if isinstance(states, (list, tuple)) else out)

    def get_config(self):
        return {
            **super().get_config(),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "reset_after": self.reset_after,
        }


class StackedRNNCells(Layer):
    """A stack of cells run as one cell: each cell's output is the next cell's input.

    Args:
        cells: list of RNN cells.

    Example:
        >>> cells = [lamina.layers.LSTMCell(4), lamina.layers.GRUCell(3)]
        >>> layer = lamina.layers.RNN(lamina.layers.StackedRNNCells(cells))
        >>> print(layer(np.ones((2, 5, 3), "float32")).shape)
        (2, 3)
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(cells, (list, tuple)) or not cells:
            raise ValueError(
                f"StackedRNNCells: `cells` must be a non-empty list of cells. Received: {cells!r}"
            )
        for cell in cells:
            if not callable(getattr(cell, "call", None)) or not hasattr(cell, "state_size"):
                raise ValueError(
                    "StackedRNNCells: every cell needs a `call` method and a `state_size`. "
                    f"Received: {cell!r}"
                )
        self.cells = list(cells)

    @property
    def state_size(self):
        return [c.state_size for c in self.cells]

    @property
    def output_size(self):
        return _output_size(self.cells[-1])

    def get_initial_state(self, batch_size=None):
        states = []
        for cell in self.cells:
            fn = getattr(cell, "get_initial_state", None)
            if fn is not None:
                s = fn(batch_size=batch_size)
            else:
                sizes = (
                    cell.state_size
                    if isinstance(cell.state_size, (list, tuple))
                    else [cell.state_size]
                )
                s = [ops.zeros((batch_size, d), dtype=self.compute_dtype) for d in sizes]
            states.append(list(s) if isinstance(s, (list, tuple)) else [s])
        return states

    def build(self, input_shape):
        shape = tuple(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                cell.build(shape)
                cell.built = True
            shape = (shape[0], _output_size(cell))
        self.built = True

    def _prepare_dropout_masks(self, step_input, states, training):
        x = step_input
        for cell, s in zip(self.cells, states):
            prepare = getattr(cell, "_prepare_dropout_masks", None)
            if prepare is not None:
                prepare(x, s, training)
            x = ops.zeros((ops.shape(x)[0], _output_size(cell)), dtype=x.dtype)

    def _clear_dropout_masks(self):
        for cell in self.cells:
            clear = getattr(cell, "_clear_dropout_masks", None)
            if clear is not None:
                clear()

    def call(self, inputs, states, training=None):
        new_states = []
        for cell, state in zip(self.cells, states):
            state = list(state) if isinstance(state, (list, tuple)) else [state]
            if isinstance(cell, Layer) and cell._call_accepts_training:
                inputs, new = cell.call(inputs, state, training=training)
            else:
                inputs, new = cell.call(inputs, state)
            new_states.append(list(new) if isinstance(new, (list, tuple)) else [new])
        return inputs, new_states

    def get_config(self):
        from lamina.saving.serialization import serialize_object

        return {**super().get_config(), "cells": [serialize_object(c) for c in self.cells]}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.saving.serialization import deserialize_object

        config = dict(config)
        cells = [deserialize_object(c, custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)


def _output_size(cell):
    size = getattr(cell, "output_size", None)
    if isinstance(size, int):
        return size
    state = cell.state_size
    return state[0] if isinstance(state, (list, tuple)) else state
