"""`lamina.saving`: the serialization registry and weights files (safetensors).

Whole-model files (`model.save`, `load_model`) arrive with the saving issue.
"""

from lamina.saving.serialization import (
    custom_object_scope,
    deserialize_object,
    register_serializable,
    serialize_object,
)
from lamina.saving.weights import load_weights, save_weights
