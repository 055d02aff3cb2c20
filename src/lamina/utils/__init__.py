"""`lamina.utils`: helpers with Keras's names."""

from lamina.utils.numerical_utils import normalize, to_categorical
from lamina.utils.plot_history import plot_history
from lamina.utils.plot_model import plot_model
from lamina.utils.progbar import Progbar
from lamina.utils.py_dataset import PyDataset
from lamina.utils.rng_utils import get_random_seed, set_random_seed
from lamina.utils.sequence_utils import pad_sequences

Sequence = PyDataset  # the older Keras name


def torch_parameters(model):
    """The PyTorch tensors of ``model``'s trainable variables, for a plain PyTorch optimizer
    (torch backend). Defined here, not imported, because `lamina.layers` imports this package.

    Example:
        >>> import torch
        >>> model = keras.Sequential(
        ...     [keras.Input((3,)), keras.layers.Dense(1, kernel_initializer="ones")])
        >>> optimizer = torch.optim.SGD(lamina.utils.torch_parameters(model), lr=0.1)
        >>> loss = ops.mean(model(np.ones((1, 3), "float32")) ** 2)  # (1 + 1 + 1) ** 2 = 9
        >>> loss.backward()
        >>> optimizer.step()  # updates the model's variables in place
        >>> model.layers[0].bias.numpy()  # 0 - 0.1 * 2 * 3
        array([-0.6], dtype=float32)
    """
    from lamina.layers.wrappers.torch_module_wrapper import torch_parameters as parameters

    return parameters(model)


# Keras 3 also exports the serialization registry from `keras.utils`. They live in
# `lamina.saving` (which imports the layers, which import this package), so they are looked
# up on first use.
_FROM_SAVING = (
    "CustomObjectScope",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "register_keras_serializable",
    "serialize_keras_object",
)


def __getattr__(name):
    if name in _FROM_SAVING:
        from lamina import saving

        return getattr(saving, name)
    raise AttributeError(f"module 'lamina.utils' has no attribute {name!r}")
