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
    (torch backend). Defined here, not imported, because `lamina.layers` imports this package."""
    from lamina.layers.wrappers.torch_module_wrapper import torch_parameters as parameters

    return parameters(model)
