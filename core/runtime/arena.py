"""Greedy arena planning: tensors whose lifetimes do not overlap share memory.

Like TFLite's arena planner, tensors are placed largest first, each at the lowest aligned offset
that does not collide with an already placed tensor that is alive at the same time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ALIGNMENT = 64


@dataclass(frozen=True)
class Allocation:
    """A tensor's request: ``nbytes`` alive from step ``first`` to step ``last`` (inclusive)."""

    key: int
    nbytes: int
    first: int
    last: int


def _align(n: int, alignment: int) -> int:
    return (n + alignment - 1) // alignment * alignment


def plan_offsets(
    requests: list[Allocation], alignment: int = ALIGNMENT
) -> tuple[dict[int, int], int]:
    """Offsets by request key and the arena size in bytes."""
    order = sorted(requests, key=lambda r: (-r.nbytes, r.first, r.key))
    placed: list[tuple[int, int, Allocation]] = []  # (offset, end, request), sorted by offset
    offsets: dict[int, int] = {}
    total = 0
    for req in order:
        size = _align(max(req.nbytes, 1), alignment)
        offset = 0
        for start, end, other in placed:
            if other.last < req.first or req.last < other.first:
                continue  # not alive at the same time: may overlap in memory
            if start - offset >= size:
                break  # the gap before this live tensor is big enough
            offset = max(offset, end)
        offsets[req.key] = offset
        placed.append((offset, offset + size, req))
        placed.sort(key=lambda p: p[0])
        total = max(total, offset + size)
    return offsets, total


def new_arena(nbytes: int, alignment: int = ALIGNMENT) -> np.ndarray:
    """A zeroed uint8 buffer of ``nbytes`` whose first byte is ``alignment``-aligned."""
    raw = np.zeros(nbytes + alignment, dtype=np.uint8)
    shift = (-raw.ctypes.data) % alignment
    return raw[shift : shift + nbytes]
