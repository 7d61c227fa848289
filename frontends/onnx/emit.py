"""Small emitters shared by the op handlers (constant inputs are folded right away).

The layout and shape helpers common to every importer live in :mod:`siglite.ir.emitter`; they
are re-exported here so that handlers import all their emitters from one place.
"""

from __future__ import annotations

import siglite.dtypes as sdt
import siglite.ir.emitter as shared
from siglite.errors import InvalidModelError, UnsupportedOpError
from siglite.ir import Tensor
from siglite.ir.emitter import (
    NCHW_TO_NHWC,
    NHWC_TO_NCHW,
    cast,
    is_static,
    reshape,
    sig,
    to_nchw,
    to_nhwc,
    transpose,
)
from siglite.ops.schemas.base import broadcast_shapes

from .context import GraphContext

__all__ = [
    "NCHW_TO_NHWC", "NHWC_TO_NCHW", "binary", "bshape", "cast", "is_static", "normalize_axis",
    "reshape", "scalar", "sig", "to_nchw", "to_nhwc", "transpose", "unary",
]  # fmt: skip

COMPARISONS = frozenset({"EQUAL", "NOT_EQUAL", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL"})


def bshape(*tensors: Tensor) -> tuple[int, ...]:
    """The numpy broadcast of the tensors' signatures; an incompatible pair is unsupported."""
    try:
        return broadcast_shapes(*(sig(t) for t in tensors))
    except InvalidModelError as exc:
        raise UnsupportedOpError(str(exc)) from None


def unary(ctx: GraphContext, op: str, x: Tensor, name: str | None = None, **attrs) -> Tensor:
    return ctx.op(op, [x], (x.dtype, sig(x)), name, **attrs)


def binary(
    ctx: GraphContext, op: str, a: Tensor, b: Tensor, name: str | None = None, **attrs
) -> Tensor:
    """An elementwise binary op with numpy broadcasting; comparisons give bool."""
    dtype = sdt.bool_ if op in COMPARISONS else a.dtype
    return ctx.op(op, [a, b], (dtype, bshape(a, b)), name, **attrs)


def scalar(ctx: GraphContext, value: float, like: Tensor) -> Tensor:
    """A 0-d constant of ``like``'s dtype."""
    return ctx.scalar(value, like.dtype)


def normalize_axis(axis: int, rank: int, where: str) -> int:
    """``axis`` in ``[0, rank)``; ``where`` names the node for the error when out of range."""
    return shared.normalize_axis(axis, rank, lambda what: UnsupportedOpError(f"{where}: {what}"))
