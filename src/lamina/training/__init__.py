"""`lamina.training`: the one training loop, its data adapters, and `value_and_grad`."""

from lamina.training.trainer import Trainer, value_and_grad
