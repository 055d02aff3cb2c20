"""Batches grouped for one call of a compiled step (``steps_per_execution``).

A group of n batches reaches the compiled function in one of two forms:

- stacked: one batch whose arrays carry a leading axis of n, when the n batches are NumPy
  arrays of one shape each (array data with ``steps_per_execution > 1``, the usual case). The
  compiled step takes batch i as a slice of it. This turns 2n host-to-device transfers into 2:
  on JAX each transfer has a cost of its own, more than the computation of a small model's
  step (the MLP benchmark's 16-step call spent 1.9 ms of its 6.7 ms on 32 `device_put`s).
- a tuple of n batches otherwise (framework tensors from a dataset, a shorter last batch,
  ragged shapes, one step per call, a distribution that places each batch itself).

The adapter forms the groups (`DataAdapter.groups`: array data takes a group from its arrays
at once; other data is drawn batch by batch and stacked with `stack_batches`).
"""

from __future__ import annotations

import numpy as np

from lamina.utils import tree


class BatchGroup:
    """``size`` batches for one call: ``data`` is what the compiled function receives
    (``stacked`` says which form); ``first`` is the first batch, as backend tensors."""

    __slots__ = ("size", "data", "stacked", "_first")

    def __init__(self, size, data, stacked):
        self.size = size
        self.data = data
        self.stacked = stacked
        self._first = None

    @property
    def first(self):
        if self._first is None:  # sliced only when asked (the first group of an epoch)
            self._first = batch_at(self.data, 0) if self.stacked else self.data[0]
        return self._first


def batch_at(stacked, i):
    """Batch ``i`` of a stacked group (inside a compiled step: a static slice)."""
    if type(stacked) is tuple and not any(tree.is_nested(p) for p in stacked):
        return tuple(None if p is None else p[i] for p in stacked)  # no tree walk
    return tree.map_structure(lambda a: None if a is None else a[i], stacked)


def group_batches(adapter, n, convert, skip=0, stack=True):
    """Yields ``(first_step_index, BatchGroup)`` for groups of up to ``n`` batches of the
    adapter's epoch (`DataAdapter.groups` forms them), converted by ``convert``; the first
    ``skip`` batches are drawn but not used (a resumed run continues mid-epoch).
    ``stack=False`` keeps every group a tuple."""
    for start, size, data, stacked in adapter.groups(n, skip, stack):
        data = convert(data) if stacked else tuple(convert(b) for b in data)
        yield start, BatchGroup(size, data, stacked)


def stack_batches(batches):
    """The batches as one batch of arrays with a leading axis, or None if they are not all
    NumPy arrays (or None) in one structure with one shape per leaf."""
    flats = [tree.flatten(b) for b in batches]
    first = flats[0]
    for flat in flats:
        if len(flat) != len(first):
            return None
        for leaf, ref in zip(flat, first):
            if leaf is None and ref is None:
                continue
            if type(leaf) is not np.ndarray or type(ref) is not np.ndarray:
                return None
            if leaf.shape != ref.shape or leaf.dtype != ref.dtype:
                return None
    leaves = [None if column[0] is None else np.stack(column) for column in zip(*flats)]
    return tree.pack_sequence_as(batches[0], leaves)
