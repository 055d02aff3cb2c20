"""Text and categorical preprocessing layers (host-side; outputs are backend tensors)."""

from lamina.layers.text.category_encoding import CategoryEncoding
from lamina.layers.text.discretization import Discretization
from lamina.layers.text.hashing import Hashing
from lamina.layers.text.integer_lookup import IntegerLookup
from lamina.layers.text.string_lookup import StringLookup
from lamina.layers.text.text_vectorization import TextVectorization

__all__ = [
    "CategoryEncoding",
    "Discretization",
    "Hashing",
    "IntegerLookup",
    "StringLookup",
    "TextVectorization",
]
