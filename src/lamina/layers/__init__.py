"""`lamina.layers`: the layer catalog, with Keras 3 names, arguments and defaults.

One module per family; each lists its public names in ``__all__``.
"""

from lamina.layers.activations import *
from lamina.layers.attention import *
from lamina.layers.base import Layer
from lamina.layers.conv import *
from lamina.layers.conv_depthwise import *
from lamina.layers.core import *
from lamina.layers.input_layer import Input, InputLayer
from lamina.layers.input_spec import InputSpec
from lamina.layers.lambda_layer import *
from lamina.layers.merging import *
from lamina.layers.normalization import *
from lamina.layers.pooling import *
from lamina.layers.preprocessing import *
from lamina.layers.regularization import *
from lamina.layers.reshaping import *
from lamina.layers.rnn import *
from lamina.layers.spatial import *
from lamina.layers.text import *
from lamina.layers.wrappers import FlaxLayer, JaxLayer, TorchModuleWrapper
