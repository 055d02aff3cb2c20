"""XLA options for Lamina's compiled JAX steps.

On CPUs, XLA hands matrix products to YNNPACK by default (a "YNN fusion" per product). For
the small products of a training step (a Dense layer's forward product and its kernel
gradient, batch 32 to 128) Eigen's product, XLA's other CPU path, is faster: the 784-128-10
MLP's 16-step program ran at 0.85-0.94 of its time and the MNIST convnet's training step at
0.84 (paired rounds in one process). Convolutions stay with YNNPACK (they are a separate
fusion kind; without them the convnet's prediction is 1.4x slower), so only the product
fusions are turned off: the option lists the YNN fusion kinds to keep. Prediction keeps
XLA's defaults: there YNNPACK fuses the convnet's whole forward pass, products included,
and the products on their own measured no faster.

The option is experimental in XLA; a jaxlib that does not know it compiles without it.
"""

from __future__ import annotations

import functools

import jax

_CPU_OPTIONS = {"xla_cpu_experimental_ynn_fusion_type": "LIBRARY_FUSION_TYPE_REDUCE"}


@functools.cache
def _cpu_options_supported():
    try:
        jax.jit(lambda a: a @ a).lower(jax.numpy.ones((2, 2))).compile(
            compiler_options=_CPU_OPTIONS
        )
    except Exception:  # an unknown option or value: XLA's defaults then
        return False
    return True


def step_compiler_options(kind="train"):
    """The ``compiler_options`` for `jax.jit` of a Lamina step of ``kind`` ("train", "test"
    or "predict") on the default backend."""
    if kind != "predict" and jax.default_backend() == "cpu" and _cpu_options_supported():
        return dict(_CPU_OPTIONS)
    return None
