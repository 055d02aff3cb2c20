"""`lamina.saving`: serialization registry (file formats arrive with the saving issue)."""

from lamina.saving.serialization import (
    custom_object_scope,
    deserialize_object,
    register_serializable,
    serialize_object,
)
