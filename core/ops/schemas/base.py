"""Shared shape-inference helpers for op schemas."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...errors import InvalidModelError


def broadcast_shapes(*shapes: Sequence[int]) -> tuple[int, ...]:
    """Numpy broadcasting over shapes that may hold -1 (unknown) dimensions."""
    rank = max((len(s) for s in shapes), default=0)
    out = []
    for axis in range(rank):
        dims = [s[len(s) - rank + axis] for s in shapes if len(s) - rank + axis >= 0]
        known = {d for d in dims if d not in (1, -1)}
        if len(known) > 1:
            raise InvalidModelError(f"shapes {[tuple(s) for s in shapes]} do not broadcast")
        if known:
            out.append(known.pop())
        elif -1 in dims:
            out.append(-1)
        else:
            out.append(1)
    return tuple(out)


def same_as_first(inputs: Sequence[Any], attrs: dict[str, Any]):
    """Output has the dtype and shape of input 0 (unary elementwise ops)."""
    x = inputs[0]
    return [(x.dtype, x.signature_shape)]


def broadcast_binary(inputs: Sequence[Any], attrs: dict[str, Any]):
    """Output has input 0's dtype and the broadcast of both shapes."""
    a, b = inputs[0], inputs[1]
    return [(a.dtype, broadcast_shapes(a.signature_shape, b.signature_shape))]


def const_ints(t: Any) -> list[int] | None:
    """The values of a constant integer tensor as a flat list, or None when not constant."""
    if t is None or t.data is None:
        return None
    return [int(v) for v in np.asarray(t.data).reshape(-1)]


def unknown_shape(rank: int) -> tuple[int, ...]:
    """A shape signature of ``rank`` dimensions, every one known only at run time."""
    return (-1,) * rank
