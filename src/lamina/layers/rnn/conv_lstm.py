"""`ConvLSTM1D`, `ConvLSTM2D`, `ConvLSTM3D`: LSTMs whose transformations are convolutions."""

from __future__ import annotations

from lamina import activations, config, ops
from lamina.layers.conv import conv_output_length
from lamina.layers.rnn._layer_args import CellLayer
from lamina.layers.rnn.cells import _Cell

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


class _ConvLSTMCell(_Cell):
    """One ConvLSTM step; weights as Keras: kernel ``(*kernel_size, in_channels, 4 * filters)``,
    recurrent_kernel ``(*kernel_size, filters, 4 * filters)``, bias ``(4 * filters,)``."""

    _n_gates = 4

    def __init__(
        self,
        rank,
        filters,
        kernel_size,
        strides=1,
        padding="valid",
        data_format=None,
        dilation_rate=1,
        recurrent_activation="sigmoid",
        unit_forget_bias=True,
        **kwargs,
    ):
        super().__init__(filters, **kwargs)
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
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = bool(unit_forget_bias)
        self.state_size = [filters, filters]
        self.output_size = None
        self._state_shape = None

    def _bias_initializer(self):
        from lamina.layers.rnn.cells import LSTMCell

        return LSTMCell._bias_initializer(self)

    def output_spatial(self, spatial):
        return tuple(
            conv_output_length(d, k, s, self.padding, r)
            for d, k, s, r in zip(spatial, self.kernel_size, self.strides, self.dilation_rate)
        )

    def build(self, input_shape):
        channels_last = self.data_format == "channels_last"
        in_channels = input_shape[-1] if channels_last else input_shape[1]
        spatial = input_shape[1:-1] if channels_last else input_shape[2:]
        out = self.output_spatial(spatial)
        self._state_shape = (*out, self.filters) if channels_last else (self.filters, *out)
        n = 4 * self.filters
        self.kernel = self.add_weight(
            name="kernel",
            shape=(*self.kernel_size, in_channels, n),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        self.recurrent_kernel = self.add_weight(
            name="recurrent_kernel",
            shape=(*self.kernel_size, self.filters, n),
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(n,),
                initializer=self._bias_initializer(),
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        self.built = True

    def get_initial_state(self, batch_size=None):
        shape = (batch_size, *self._state_shape)
        return [ops.zeros(shape, dtype=self.compute_dtype) for _ in range(2)]

    def call(self, inputs, states, training=None):
        h_prev, c_prev = states[0], states[1]
        x, h = self._dropped(inputs, h_prev, training)
        z = ops.conv(
            x,
            self.kernel,
            strides=self.strides,
            padding=self.padding,
            data_format=self.data_format,
            dilation_rate=self.dilation_rate,
        )
        z = ops.add(
            z, ops.conv(h, self.recurrent_kernel, padding="same", data_format=self.data_format)
        )
        axis = -1 if self.data_format == "channels_last" else 1
        if self.bias is not None:
            bias = self.bias
            if axis == 1:
                bias = ops.reshape(bias, (-1,) + (1,) * self.rank)
            z = ops.add(z, bias)
        z_i, z_f, z_c, z_o = ops.split(z, 4, axis=axis)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        c = ops.add(ops.multiply(f, c_prev), ops.multiply(i, self.activation(z_c)))
        o = self.recurrent_activation(z_o)
        h = ops.multiply(o, self.activation(c))
        return h, [h, c]

    def get_config(self):
        cfg = super().get_config()
        cfg.pop("units")
        return {
            **cfg,
            "filters": self.filters,
            "kernel_size": list(self.kernel_size),
            "strides": list(self.strides),
            "padding": self.padding,
            "data_format": self.data_format,
            "dilation_rate": list(self.dilation_rate),
            "recurrent_activation": activations.serialize(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
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
        for key in ("rank", "units", "unroll", "zero_output_for_mask"):
            cfg.pop(key, None)
        return cfg


class ConvLSTM1D(_ConvLSTM):
    """1D convolutional LSTM: inputs ``(batch, time, steps, channels)`` (channels_last).

    Args:
        filters: number of output channels.
        kernel_size, strides, padding, data_format, dilation_rate: of the input convolution
            (the recurrent convolution uses stride 1 and "same" padding).
        Other arguments: as `LSTM`.

    Example:
        >>> layer = lamina.layers.ConvLSTM1D(4, 3)
        >>> print(layer(np.ones((2, 5, 8, 3), "float32")).shape)
        (2, 6, 4)
    """

    _rank = 1


class ConvLSTM2D(_ConvLSTM):
    """2D convolutional LSTM: inputs ``(batch, time, rows, cols, channels)`` (channels_last).

    Args:
        filters: number of output channels.
        kernel_size, strides, padding, data_format, dilation_rate: of the input convolution
            (the recurrent convolution uses stride 1 and "same" padding).
        Other arguments: as `LSTM`.

    Example:
        >>> layer = lamina.layers.ConvLSTM2D(4, 3, padding="same")
        >>> print(layer(np.ones((2, 5, 6, 6, 3), "float32")).shape)
        (2, 6, 6, 4)
    """

    _rank = 2


class ConvLSTM3D(_ConvLSTM):
    """3D convolutional LSTM: inputs ``(batch, time, d1, d2, d3, channels)`` (channels_last).

    Args:
        filters: number of output channels.
        kernel_size, strides, padding, data_format, dilation_rate: of the input convolution.
        Other arguments: as `LSTM`.

    Example:
        >>> layer = lamina.layers.ConvLSTM3D(2, 2)
        >>> print(layer(np.ones((1, 3, 4, 4, 4, 1), "float32")).shape)
        (1, 3, 3, 3, 2)
    """

    _rank = 3
