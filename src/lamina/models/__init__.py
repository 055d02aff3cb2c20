"""`lamina.models`: Model, Sequential, and loading saved models."""

from lamina.models.functional import Functional
from lamina.models.model import Model
from lamina.models.sequential import Sequential
from lamina.saving.model_file import load_model, model_from_json
