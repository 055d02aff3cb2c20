"""`lamina.utils`: helpers with Keras's names."""

from lamina.utils.numerical_utils import normalize, to_categorical
from lamina.utils.progbar import Progbar
from lamina.utils.rng_utils import set_random_seed
