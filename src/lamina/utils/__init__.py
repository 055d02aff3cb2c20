"""`lamina.utils`: helpers with Keras's names."""

from lamina.utils.numerical_utils import normalize, to_categorical
from lamina.utils.progbar import Progbar
from lamina.utils.py_dataset import PyDataset
from lamina.utils.rng_utils import get_random_seed, set_random_seed

Sequence = PyDataset  # the older Keras name
