"""`lamina.saving`: model files (``.lamina``), weights files (safetensors), and the
serialization registry."""

from lamina.saving.keras_api import (
    CustomObjectScope,
    deserialize_keras_object,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
    serialize_keras_object,
)
from lamina.saving.model_file import load_model, model_from_json, save_model
from lamina.saving.serialization import (
    custom_object_scope,
    deserialize_object,
    register_serializable,
    serialize_object,
)
from lamina.saving.weights import load_weights, save_weights
