"""`RNN`: runs any recurrent cell over the time axis, and `_scan`, the time loop itself.

The loop is written once here (`_scan`): `ops.scan` inside traced code (``jax.lax.scan`` under
a JAX trace, one ``tf.while_loop`` inside TensorFlow graphs) and a Python loop on eager values,
on torch and NumPy, and with ``unroll=True`` everywhere.
"""

from __future__ import annotations

import numpy as np

from lamina import backend, ops
from lamina.backend.common.variables import name_scope
from lamina.layers.base import Layer
from lamina.utils import tree

__all__ = ["RNN"]


def _expand_mask(m, x):
    """A (batch,) boolean mask shaped to broadcast against ``x`` (batch, ...)."""
    rank = len(x.shape)
    return ops.reshape(m, (-1,) + (1,) * (rank - 1)) if rank > 1 else m


def _loop_kind(x):
    """How to run the loop for input ``x``: "scan" (`ops.scan`) or "python". The one framework
    switch of the RNN package (see the module doc): compiled loops inside traced code, a plain
    Python loop on eager values (no per-call compilation)."""
    name = backend.backend()
    if name == "jax":
        import jax

        return "scan" if isinstance(x, jax.core.Tracer) else "python"
    if name == "tensorflow":
        import tensorflow as tf

        return "python" if tf.executing_eagerly() else "scan"
    return "scan"


def _scan(
    step_fn,
    inputs_time_major,
    initial_states,
    mask=None,
    go_backwards=False,
    unroll=False,
    initial_output=None,
    zero_output_for_mask=False,
):
    """Run ``step_fn(x_t, states) -> (output, new_states)`` over axis 0 of the inputs.

    Args:
        step_fn: one time step; ``new_states`` has the structure of ``initial_states``.
        inputs_time_major: ``(time, batch, ...)`` tensor.
        initial_states: list (possibly nested) of ``(batch, ...)`` tensors.
        mask: optional ``(time, batch)`` boolean tensor; masked steps keep the previous states
            and repeat the previous output (zeros with ``zero_output_for_mask``).
        go_backwards: process the sequence from its end (outputs stay in processed order).
        unroll: a Python loop (also used on eager values, on torch and on NumPy).
        initial_output: ``(batch, output_size)`` zeros, the "previous output" of step 0
            (needed with a mask).

    Returns:
        ``(last_output, outputs (time, batch, ...), final_states)``.
    """
    inputs = inputs_time_major
    if go_backwards:
        inputs = ops.flip(inputs, axis=0)
        if mask is not None:
            mask = ops.flip(mask, axis=0)

    if mask is None:

        def body(carry, x):
            out, new = step_fn(x, carry)
            return tree.pack_sequence_as(carry, tree.flatten(new)), out

        carry, xs = initial_states, inputs
    else:

        def body(carry, xm):
            states, prev = carry
            x, m = xm
            out, new = step_fn(x, states)
            new = tree.pack_sequence_as(states, tree.flatten(new))
            new = tree.map_structure(lambda n, o: ops.where(_expand_mask(m, n), n, o), new, states)
            out = ops.where(_expand_mask(m, out), out, prev)
            return (new, out), out

        carry, xs = (initial_states, initial_output), (inputs, mask)

    kind = "python" if unroll else _loop_kind(inputs)
    if kind == "python":
        steps = ops.unstack(inputs, axis=0)
        masks = ops.unstack(mask, axis=0) if mask is not None else None
        outs = []
        for t, x in enumerate(steps):
            carry, out = body(carry, x if masks is None else (x, masks[t]))
            outs.append(out)
        outputs = ops.stack(outs, axis=0)
    else:
        carry, outputs = ops.scan(body, carry, xs)
    states = carry if mask is None else carry[0]
    if mask is not None and zero_output_for_mask:
        outputs = ops.where(_time_mask(mask, outputs), outputs, ops.zeros_like(outputs))
    return outputs[-1], outputs, states


def _time_mask(mask, outputs):
    """A (time, batch) mask shaped to broadcast against ``outputs`` (time, batch, ...)."""
    rank = len(outputs.shape)
    return ops.reshape(mask, tuple(ops.shape(mask)) + (1,) * (rank - 2))


class RNN(Layer):
    """Runs a recurrent ``cell`` over the time axis of its input.

    Args:
        cell: an RNN cell (a layer with ``state_size`` and ``call(inputs, states,
            training=None) -> (output, new_states)``), or a list of cells (stacked).
        return_sequences: return the output of every step (``(batch, time, units)``) instead
            of the last one.
        return_state: also return the final states (``output, *states``).
        go_backwards: process the sequence backwards (the output sequence is then reversed).
        stateful: the last state of each batch becomes the initial state of the next one
            (needs a fixed batch size; `reset_states()` clears it).
        unroll: run the time loop as a Python loop (faster for short sequences, more memory).
        zero_output_for_mask: output zeros at masked steps instead of repeating the previous
            output.

    Call arguments:
        sequences: ``(batch, time, features)``.
        initial_state: list of initial state tensors (zeros by default).
        mask: ``(batch, time)`` booleans; masked steps carry the previous state.
        training: whether dropout applies.

    Example:
        >>> layer = lamina.layers.RNN(lamina.layers.SimpleRNNCell(4))
        >>> print(layer(np.ones((2, 5, 3))).shape)
        (2, 4)
    """

    def __init__(
        self,
        cell,
        return_sequences=False,
        return_state=False,
        go_backwards=False,
        stateful=False,
        unroll=False,
        zero_output_for_mask=False,
        **kwargs,
    ):
        if isinstance(cell, (list, tuple)):
            from lamina.layers.rnn.cells import StackedRNNCells

            cell = StackedRNNCells(cell)
        if not callable(getattr(cell, "call", None)):
            raise ValueError(
                f"{type(self).__name__}: `cell` must have a `call(inputs, states)` method. "
                f"Received: cell={cell!r}"
            )
        state_size = getattr(cell, "state_size", None)
        if state_size is None or not isinstance(state_size, (int, list, tuple)):
            raise ValueError(
                f"{type(self).__name__}: `cell` must have a `state_size` attribute: an int or a "
                f"list of ints (one per state). Received: state_size={state_size!r} on {cell!r}"
            )
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = bool(return_sequences)
        self.return_state = bool(return_state)
        self.go_backwards = bool(go_backwards)
        self.stateful = bool(stateful)
        self.unroll = bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.supports_masking = True
        self.states = None
        self.state_size = [state_size] if isinstance(state_size, int) else list(state_size)

    # Building ---------------------------------------------------------------------------
    def build(self, sequences_shape, initial_state_shape=None):
        sequences_shape = tuple(sequences_shape)
        if len(sequences_shape) < 3:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: inputs must be (batch, time, features). "
                f"Received input shape {sequences_shape}."
            )
        step_shape = (sequences_shape[0], *sequences_shape[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            with name_scope(self.name):
                self.cell.build(step_shape)
            self.cell.built = True
        if self.stateful and self.states is None:
            batch = sequences_shape[0]
            if batch is None:
                raise ValueError(
                    f"{type(self).__name__} {self.name!r}: `stateful=True` needs a fixed batch "
                    f"size, but the input shape is {sequences_shape}. Give it with "
                    "`lamina.Input(batch_shape=(batch, time, features))` or `batch_size=`."
                )
            self._create_state_variables(batch)
        self.built = True

    def _create_state_variables(self, batch):
        with name_scope(self.name):
            self.states = tree.map_structure(
                lambda s: backend.Variable(
                    np.zeros(tuple(ops.shape(s)), dtype="float32"),
                    dtype=self.variable_dtype,
                    trainable=False,
                    name="rnn_state",
                ),
                self.get_initial_state(batch),
            )
        # Carried as non-trainable state by compiled steps, but not weights (as in Keras).
        self._seed_variables.extend(tree.flatten(self.states))

    def get_initial_state(self, batch_size):
        """The zero states for ``batch_size`` sequences (a list, one entry per state)."""
        fn = getattr(self.cell, "get_initial_state", None)
        if fn is not None:
            state = fn(batch_size=batch_size)
            return list(state) if isinstance(state, (list, tuple)) else [state]
        dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
        return [ops.zeros((batch_size, d), dtype=dtype) for d in tree.flatten(self.state_size)]

    def reset_states(self):
        """Set the states of a stateful RNN back to zeros."""
        self.reset_state()

    def reset_state(self):
        if self.states is not None:
            for v in tree.flatten(self.states):
                v.assign(np.zeros(tuple(v.shape), dtype=v.dtype))

    # Calling ----------------------------------------------------------------------------
    def call(self, sequences, initial_state=None, mask=None, training=None):
        if isinstance(mask, (list, tuple)):
            mask = tree.flatten(mask)[0]
        batch = ops.shape(sequences)[0]
        if initial_state is None:
            if self.stateful:
                initial_state = tree.map_structure(lambda v: v.value, self.states)
            else:
                initial_state = self.get_initial_state(batch)
        elif self.stateful and self.states is None:
            self._create_state_variables(batch)
        if not isinstance(initial_state, (list, tuple)):
            initial_state = [initial_state]
        dtype = getattr(self.cell, "compute_dtype", self.compute_dtype)
        initial_state = tree.map_structure(
            lambda s: ops.convert_to_tensor(s, dtype), list(initial_state)
        )
        if self.stateful and tuple(ops.shape(tree.flatten(self.states)[0]))[0] != batch:
            raise ValueError(
                f"{type(self).__name__} {self.name!r} is stateful with batch size "
                f"{tuple(self.states[0].shape)[0]}, but received a batch of {batch}. A stateful "
                "RNN needs the same batch size in every call."
            )
        _prepare_dropout(self.cell, sequences[:, 0], initial_state, training)
        try:
            last, outputs, states = self._loop(sequences, initial_state, mask, training)
        finally:
            _clear_dropout(self.cell)
        if self.stateful:
            for var, value in zip(tree.flatten(self.states), tree.flatten(states)):
                var.assign(value)
        if self.return_sequences:
            rank = len(outputs.shape)
            output = ops.transpose(outputs, (1, 0, *range(2, rank)))
        else:
            output = last
        if self.return_state:
            return (output, *states)
        return output

    def _loop(self, sequences, initial_state, mask, training):
        cell = self.cell
        call = cell.call if isinstance(cell, Layer) else cell
        kwargs = {}
        if isinstance(cell, Layer) and cell._call_accepts_training:
            kwargs["training"] = training

        def step(x, states):
            out, new = call(x, states, **kwargs)
            if not isinstance(new, (list, tuple)):
                new = [new]
            return out, new

        rank = len(sequences.shape)
        inputs = ops.transpose(sequences, (1, 0, *range(2, rank)))
        initial_output = None
        if mask is not None:
            mask = ops.transpose(ops.cast(mask, "bool"), (1, 0))
            size = getattr(cell, "output_size", None)
            if isinstance(size, int):
                first = tree.flatten(initial_state)[0]
                initial_output = ops.zeros((ops.shape(first)[0], size), dtype=first.dtype)
            else:
                initial_output = ops.zeros_like(tree.flatten(initial_state)[0])
        if self.unroll and sequences.shape[1] is None:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: `unroll=True` needs a known number of "
                "time steps; give it in the `Input` shape."
            )
        return _scan(
            step,
            inputs,
            initial_state,
            mask=mask,
            go_backwards=self.go_backwards,
            unroll=self.unroll,
            initial_output=initial_output,
            zero_output_for_mask=self.zero_output_for_mask,
        )

    # Shapes and masks -------------------------------------------------------------------
    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, length = sequences_shape[0], sequences_shape[1]
        size = getattr(self.cell, "output_size", None)
        if not isinstance(size, int):
            size = tree.flatten(self.state_size)[0]
        output = (batch, length, size) if self.return_sequences else (batch, size)
        if not self.return_state:
            return output
        if type(self.cell).__name__ == "StackedRNNCells":
            states = [[(batch, s) for s in tree.flatten(item)] for item in self.state_size]
        else:
            states = [(batch, s) for s in tree.flatten(self.state_size)]
        return (output, *states)

    def compute_mask(self, inputs, previous_mask=None):
        mask = (
            tree.flatten(previous_mask)[0]
            if isinstance(previous_mask, (list, tuple))
            else (previous_mask)
        )
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self.state_size)
        return output_mask

    # Config -----------------------------------------------------------------------------
    def _rnn_config(self):
        return {
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            "zero_output_for_mask": self.zero_output_for_mask,
        }

    def get_config(self):
        from lamina.saving.serialization import serialize_object

        return {
            **super().get_config(),
            **self._rnn_config(),
            "cell": serialize_object(self.cell),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from lamina.saving.serialization import deserialize_object

        config = dict(config)
        cell = deserialize_object(config.pop("cell"), custom_objects)
        return cls(cell, **config)


def _prepare_dropout(cell, step_input, states, training):
    """Draw the cells' dropout masks once per call (reused at every time step)."""
    prepare = getattr(cell, "_prepare_dropout_masks", None)
    if prepare is not None:
        prepare(step_input, states, training)


def _clear_dropout(cell):
    clear = getattr(cell, "_clear_dropout_masks", None)
    if clear is not None:
        clear()
