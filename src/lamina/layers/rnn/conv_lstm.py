"""`ConvLSTM1D`, `ConvLSTM2D`, `ConvLSTM3D`: LSTMs whose transformations are convolutions."""

from __future__ import annotations

from lamina import config, ops
from lamina.layers.arguments import conv_output_length
from lamina.layers.rnn._layer_args import CellLayer
from lamina.layers.rnn.cells import LSTMCell

__all__ = ["ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"]


def _tuple(value, rank, arg, layer):
    if isinstance(value, int) and not isinstance(value, bool):
        return (value,) * rank
    value = tuple(value)
    if len(value) != rank or not all(isinstance(v, int) and v > 0 for v in value):
        raise ValueError(
            f"{layer}: `{arg}` must be an int or {rank} positive ints. Received: {arg}={value!r}"
        )
    return value


class _ConvLSTMCell(LSTMCell):
    """One ConvLSTM step; weights as Keras: kernel ``(*kernel_size, in_channels, 4 * filters)``,
    recurrent_kernel ``(*kernel_size, filters, 4 * filters)``, bias ``(4 * filters,)``; the
    gates are `LSTMCell`'s, along the channel axis.

    Dropout as Keras's ConvLSTM: one mask per gate for ``dropout`` and one per gate for
    ``recurrent_dropout`` (drawn once per sequence), each applied before that gate's own
    convolution. Without masks (no dropout, or not training) one convolution computes all the
    gates."""

    # Made by `_ConvLSTM` from all of its arguments: no defaults here.
    def __init__(
        self,
        rank,
        filters,
        kernel_size,
        strides,
        padding,
        data_format,
        dilation_rate,
        recurrent_activation,
        unit_forget_bias,
        **kwargs,
    ):
        super().__init__(
            filters,
            recurrent_activation=recurrent_activation,
            unit_forget_bias=unit_forget_bias,
            **kwargs,
        )
        layer = f"ConvLSTM{rank}D"
        self.rank = rank
        self.filters = filters
        self.kernel_size = _tuple(kernel_size, rank, "kernel_size", layer)
        self.strides = _tuple(strides, rank, "strides", layer)
        self.dilation_rate = _tuple(dilation_rate, rank, "dilation_rate", layer)
        self.padding = str(padding).lower()
        if self.padding not in ("valid", "same"):
            raise ValueError(
                f"{layer}: `padding` must be 'valid' or 'same'. Received: padding={padding!r}"
            )
        self.data_format = config.standardize_data_format(data_format)
        self.output_size = None
        self._state_shape = None
        self._gate_axis = -1 if self.data_format == "channels_last" else 1
        self._bias_shape = None if self._gate_axis == -1 else (-1,) + (1,) * rank
        # Keras's ConvLSTM cell always draws one dropout mask per gate (it has no
        # `implementation` argument): as `LSTMCell`'s implementation=1.
        self.implementation = 1
        self._gate_masks = True

    def output_spatial(self, spatial):
        return tuple(
            conv_output_length(d, k, s, self.padding, r)
            for d, k, s, r in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)
        )

    def _weight_shapes(self, input_shape):
        channels_last = self.data_format == "channels_last"
        in_channels = input_shape[-1] if channels_last else input_shape[1]
        spatial = input_shape[1:-1] if channels_last else input_shape[2:]
        out = self.output_spatial(spatial)
        self._state_shape = (*out, self.filters) if channels_last else (self.filters, *out)
        n = 4 * self.filters
        return (*self.kernel_size, in_channels, n), (*self.kernel_size, self.filters, n), (n,)

    def call(self, inputs, states, training=None):
        h_prev, c_prev = states[0], states[1]
        # `x` and `h` are tensors, or lists of one per gate while per-gate masks are active.
        x, h = self._dropped(inputs, h_prev, training)
        if isinstance(x, list) or isinstance(h, list):
            xs = self._gate_convs(x, self.kernel, self.bias, self._input_conv)
            hs = self._gate_convs(h, self.recurrent_kernel, None, self._recurrent_conv)
            return self._gate_outputs([ops.add(a, b) for a, b in zip(xs, hs)], c_prev)
        z = ops.add(
            self._input_conv(x, self.kernel), self._recurrent_conv(h, self.recurrent_kernel)
        )
        if self.bias is not None:
            z = ops.add(z, self._shaped_bias(self.bias))
        return self._gates(z, c_prev)

    def _input_conv(self, x, kernel):
        return ops.conv(
            x,
            kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )

    def _recurrent_conv(self, h, kernel):
        return ops.conv(h, kernel, padding="same", data_format=self.data_format)

    def _shaped_bias(self, bias):
        return bias if self._bias_shape is None else ops.reshape(bias, self._bias_shape)

    def _gate_convs(self, values, kernel, bias, conv):
        """The four gates' pre-activations ``conv(values, kernel) + bias``: one convolution
        split along the channel axis for one tensor, else each gate's own convolution of its
        (masked) value with its slice of ``kernel``."""
        if not isinstance(values, list):
            out = conv(values, kernel)
            if bias is not None:
                out = ops.add(out, self._shaped_bias(bias))
            return ops.split(out, 4, axis=self._gate_axis)
        out = [conv(v, k) for v, k in zip(values, ops.split(kernel, 4, axis=-1))]
        if bias is not None:
            out = [ops.add(o, self._shaped_bias(b)) for o, b in zip(out, ops.split(bias, 4))]
        return out

    def get_config(self):
        cfg = super().get_config()
        cfg.pop("units")
        lstm = {key: cfg.pop(key) for key in ("recurrent_activation", "unit_forget_bias")}
        return {
            **cfg,
            "filters": self.filters,
            "kernel_size": list(self.kernel_size),
            "strides": list(self.strides),
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": list(self.dilation_rate),
            **lstm,
        }


class _ConvLSTM(CellLayer):
    _cell_class = _ConvLSTMCell
    _rank = None

    def __init__(
        self,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
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
        **kwargs,
    ):
        arguments = dict(locals())
        arguments["rank"] = self._rank
        super().__init__(arguments, **kwargs)

    def build(self, sequences_shape, initial_state_shape=None):
        if len(tuple(sequences_shape)) != self._rank + 3:
            raise ValueError(
                f"{type(self).__name__} {self.name!r}: inputs must have {self._rank + 3} axes "
                f"(batch, time, {self._rank} spatial, channels). Received input shape "
                f"{tuple(sequences_shape)}."
            )
        super().build(sequences_shape, initial_state_shape)

    def compute_output_shape(self, sequences_shape, initial_state_shape=None):
        batch, steps = sequences_shape[0], sequences_shape[1]
        cell = self.cell
        if cell.data_format == "channels_last":
            out = (*cell.output_spatial(sequences_shape[2:-1]), cell.filters)
        else:
            out = (cell.filters, *cell.output_spatial(sequences_shape[3:]))
        output = (batch, steps, *out) if self.return_sequences else (batch, *out)
        if self.return_state:
            return (output, (batch, *out), (batch, *out))
        return output

    def get_config(self):
        cfg = super().get_config()
        for key in ("rank", "units"):
            cfg.pop(key, None)
        return cfg


_DOC = """{n}D convolutional LSTM: inputs ``(batch, time, {spatial}, channels)`` (channels_last).

    Args:
        filters: number of output channels.
        kernel_size, strides, padding, data_format, dilation_rate: of the input convolution
            (the recurrent convolution uses stride 1 and "same" padding).
        Other arguments: as `LSTM`.

    Example:
        >>> layer = lamina.layers.ConvLSTM{n}D({arguments})
        >>> print(layer(np.ones({example_in}, "float32")).shape)
        {example_out}
"""


# By rank: the spatial axes, the example's arguments, input shape and output shape.
_EXAMPLES = {
    1: ("steps", "4, 3", "(2, 5, 8, 3)", "(2, 6, 4)"),
    2: ("rows, cols", '4, 3, padding="same"', "(2, 5, 6, 6, 3)", "(2, 6, 6, 4)"),
    3: ("d1, d2, d3", "2, 2", "(1, 3, 4, 4, 4, 1)", "(1, 3, 3, 3, 2)"),
}


def _doc(n):
    spatial, arguments, example_in, example_out = _EXAMPLES[n]
    return _DOC.format(
        n=n,
        spatial=spatial,
        arguments=arguments,
        example_in=example_in,
        example_out=example_out,
    )


class ConvLSTM1D(_ConvLSTM):
    __doc__ = _doc(1)
    _rank = 1


class ConvLSTM2D(_ConvLSTM):
    __doc__ = _doc(2)
    _rank = 2


class ConvLSTM3D(_ConvLSTM):
    __doc__ = _doc(3)
    _rank = 3
