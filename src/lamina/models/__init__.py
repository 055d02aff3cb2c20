"""`lamina.models`: Model, Sequential and (with the saving issue) loading."""

from lamina.models.functional import Functional
from lamina.models.model import Model
from lamina.models.sequential import Sequential
