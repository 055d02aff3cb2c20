"""What `compile` turns its `loss` and `metrics` arguments into, for one or many outputs."""

from __future__ import annotations

from lamina import ops
from lamina.utils import tree


def _output_names(model):
    outputs = getattr(model, "_outputs_struct", None)
    if isinstance(outputs, dict):
        return sorted(outputs)
    flat = getattr(model, "_flat_outputs", None)
    if flat and len(flat) > 1:
        return [
            t._history[0].layer.name if t._history else f"output_{i}" for i, t in enumerate(flat)
        ]
    return None


def _match_outputs(spec, names, what):
    """Expand a per-output ``spec`` (single, list or dict) into a list aligned with ``names``."""
    if names is None:
        return [spec]
    if isinstance(spec, dict):
        unknown = [k for k in spec if k not in names]
        if unknown:
            raise ValueError(
                f"`compile({what}=...)` names outputs {unknown} that the model does not have. "
                f"Output names: {names}"
            )
        return [spec.get(n) for n in names]
    if isinstance(spec, (list, tuple)) and what == "loss":
        if len(spec) != len(names):
            raise ValueError(
                f"`compile(loss=[...])` got {len(spec)} losses for a model with {len(names)} "
                f"outputs ({names})."
            )
        return list(spec)
    if isinstance(spec, (list, tuple)) and what == "metrics":
        if len(spec) == len(names) and all(isinstance(s, (list, tuple)) or s is None for s in spec):
            return list(spec)
        return [spec for _ in names]
    return [spec for _ in names]


def _flatten_like_outputs(values, names):
    if names is None:
        return [values]
    if isinstance(values, dict):
        missing = [n for n in names if n not in values]
        if missing:
            raise ValueError(
                f"Targets are missing entries for outputs {missing}. Received keys: "
                f"{sorted(values)}"
            )
        return [values[n] for n in names]
    flat = list(values) if isinstance(values, (list, tuple)) else [values]
    if len(flat) != len(names):
        raise ValueError(
            f"The model has {len(names)} outputs ({names}) but {len(flat)} targets were given."
        )
    return flat


def _as_loss_object(loss):
    """Loss functions (``"mse"`` gives a function) gain reductions and sample weights."""
    from lamina import losses

    if isinstance(loss, losses.Loss):
        return loss
    return losses.LossFunctionWrapper(loss, name=getattr(loss, "__name__", None))


class CompileLoss:
    """The total training loss: each output's loss, weighted by ``loss_weights``, summed."""

    def __init__(self, loss, loss_weights=None, output_names=None):
        from lamina import losses

        self.output_names = output_names
        specs = _match_outputs(loss, output_names, "loss")
        self.losses = [_as_loss_object(losses.get(s)) if s is not None else None for s in specs]
        if loss_weights is None:
            self.weights = [1.0] * len(specs)
        elif isinstance(loss_weights, dict):
            self.weights = [float(loss_weights.get(n, 1.0)) for n in output_names or []]
        elif isinstance(loss_weights, (list, tuple)):
            self.weights = [float(w) for w in loss_weights]
        else:
            self.weights = [float(loss_weights)]
        if len(self.weights) != len(self.losses):
            raise ValueError(
                f"`loss_weights` has {len(self.weights)} entries for {len(self.losses)} outputs."
            )

    def __call__(self, y_true, y_pred, sample_weight=None):
        trues = _flatten_like_outputs(y_true, self.output_names)
        preds = _flatten_like_outputs(y_pred, self.output_names)
        weights = (
            _flatten_like_outputs(sample_weight, self.output_names)
            if isinstance(sample_weight, (list, tuple, dict)) and self.output_names
            else [sample_weight] * len(preds)
        )
        total = None
        for loss, w, t, p, sw in zip(self.losses, self.weights, trues, preds, weights):
            if loss is None:
                continue
            value = loss(t, p, sample_weight=sw)
            if w != 1.0:
                value = ops.multiply(value, w)
            total = value if total is None else ops.add(total, value)
        return total


class CompileMetrics:
    """Metric objects for each output, created once the first batch shows the label shapes."""

    def __init__(self, metrics, weighted_metrics, output_names):
        self.output_names = output_names
        self._metric_specs = _match_outputs(metrics, output_names, "metrics") if metrics else None
        self._weighted_specs = (
            _match_outputs(weighted_metrics, output_names, "metrics") if weighted_metrics else None
        )
        self.metrics = []  # (metric, output_index, weighted)
        self.built = False

    def build(self, y_true, y_pred):

        trues = _flatten_like_outputs(y_true, self.output_names)
        preds = _flatten_like_outputs(y_pred, self.output_names)
        for specs, weighted in ((self._metric_specs, False), (self._weighted_specs, True)):
            if not specs:
                continue
            for i, spec in enumerate(specs):
                if spec is None:
                    continue
                items = spec if isinstance(spec, (list, tuple)) else [spec]
                for item in items:
                    metric = resolve_metric(item, trues[i], preds[i])
                    _build_metric_state(metric, trues[i], preds[i])
                    if self.output_names:
                        metric.name = f"{self.output_names[i]}_{metric.name}"
                    if weighted:
                        metric.name = f"weighted_{metric.name}"
                    self.metrics.append((metric, i, weighted))
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        if not self.metrics:
            return
        trues = _flatten_like_outputs(y_true, self.output_names)
        preds = _flatten_like_outputs(y_pred, self.output_names)
        for metric, i, weighted in self.metrics:
            sw = sample_weight if weighted else None
            if isinstance(sw, (list, tuple, dict)):
                sw = _flatten_like_outputs(sw, self.output_names)[i]
            metric.update_state(trues[i], preds[i], sample_weight=sw)

    @property
    def variables(self):
        return [v for m, _, _ in self.metrics for v in m.variables]


def _build_metric_state(metric, y_true, y_pred):
    """Metrics whose state depends on the data shapes (AUC with multi_label, F1Score,
    R2Score) create it here, before any step is compiled."""
    if getattr(metric, "_built", True):
        return
    true_shape, pred_shape = tuple(y_true.shape), tuple(y_pred.shape)
    import inspect

    if len(inspect.signature(metric.build).parameters) == 1:
        metric.build(pred_shape)
    else:
        metric.build(true_shape, pred_shape)


def resolve_metric(identifier, y_true, y_pred):
    """A metric object for ``identifier``; "accuracy"/"acc" and "crossentropy"/"ce" pick the
    binary, sparse or categorical variant from the label and prediction shapes, as Keras does."""
    from lamina import metrics as metrics_module

    if identifier in ("accuracy", "acc", "crossentropy", "ce"):
        true_shape = tuple(getattr(y_true, "shape", ()))
        pred_shape = tuple(getattr(y_pred, "shape", ()))
        binary = len(pred_shape) > 0 and pred_shape[-1] == 1
        sparse = len(true_shape) < len(pred_shape) or (
            len(true_shape) == len(pred_shape) and true_shape[-1:] == (1,) and not binary
        )
        accuracy = identifier in ("accuracy", "acc")
        if binary:
            cls = metrics_module.BinaryAccuracy if accuracy else metrics_module.BinaryCrossentropy
        elif sparse:
            cls = (
                metrics_module.SparseCategoricalAccuracy
                if accuracy
                else metrics_module.SparseCategoricalCrossentropy
            )
        else:
            cls = (
                metrics_module.CategoricalAccuracy
                if accuracy
                else metrics_module.CategoricalCrossentropy
            )
        return cls(name=identifier)
    metric = metrics_module.get(identifier)
    if not isinstance(metric, metrics_module.Metric):
        metric = metrics_module.MeanMetricWrapper(metric)
    if isinstance(identifier, str):
        metric.name = identifier  # logs use the name the user wrote ("mae"), as in Keras
    return metric


def unpack_x_y_sample_weight(data):
    """``(x,)``, ``(x, y)`` or ``(x, y, sample_weight)`` -> (x, y, sample_weight)."""
    if isinstance(data, tuple):
        if len(data) == 1:
            return data[0], None, None
        if len(data) == 2:
            return data[0], data[1], None
        if len(data) == 3:
            return data
    return data, None, None


def batch_size_of(x):
    """The batch size of ``x``: an int, or a scalar tensor where the graph leaves it unknown
    (a `tf.function` retraced for a shorter last batch)."""
    for leaf in tree.flatten(x):
        shape = getattr(leaf, "shape", None)
        if shape is not None and len(shape):
            return shape[0] if shape[0] is not None else ops.shape(leaf)[0]
    return 1
