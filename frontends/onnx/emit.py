"""Small emitters shared by the op handlers (constant inputs are folded right away)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

import siglite.dtypes as sdt
from siglite.errors import InvalidModelError, UnsupportedOpError
from siglite.ir import Tensor
from siglite.ops.schemas.base import broadcast_shapes

from .context import GraphContext

NCHW_TO_NHWC = (0, 2, 3, 1)
NHWC_TO_NCHW = (0, 3, 1, 2)


def sig(t: Tensor) -> tuple[int, ...]:
    return t.signature_shape


def is_static(t: Tensor) -> bool:
    return all(d >= 0 for d in sig(t))


def bshape(*tensors: Tensor) -> tuple[int, ...]:
    try:
        return broadcast_shapes(*(sig(t) for t in tensors))
    except InvalidModelError as exc:
        raise UnsupportedOpError(str(exc)) from None


def transpose(ctx: GraphContext, x: Tensor, perm: Sequence[int], name: str = "transpose") -> Tensor:
    perm = tuple(int(p) for p in perm)
    if perm == tuple(range(len(perm))):
        return x
    if x.data is not None:
        return ctx.const(np.transpose(x.data, perm), name)
    shape = tuple(sig(x)[p] for p in perm)
    return ctx.op("TRANSPOSE", [x, ctx.const(np.array(perm, np.int32))], x.dtype, shape, name)


def reshape(ctx: GraphContext, x: Tensor, shape: Sequence[int], name: str = "reshape") -> Tensor:
    """Reshape to ``shape`` (at most one -1)."""
    shape = tuple(int(d) for d in shape)
    if x.data is not None:
        return ctx.const(x.data.reshape(shape), name)
    if shape == sig(x) and shape.count(-1) <= 1:
        return x
    if shape.count(-1) > 1:
        raise UnsupportedOpError(f"reshape of %{x.name} to {shape}: more than one unknown dim")
    out = shape
    if -1 in shape and is_static(x):
        known = int(np.prod([d for d in shape if d != -1]))
        out = tuple(int(np.prod(sig(x))) // max(known, 1) if d == -1 else d for d in shape)
    new_shape = ctx.const(np.array(shape, np.int32))
    return ctx.op("RESHAPE", [x, new_shape], x.dtype, out, name, new_shape=shape)


def cast(ctx: GraphContext, x: Tensor, dtype: sdt.DType, name: str = "cast") -> Tensor:
    if x.dtype == dtype:
        return x
    if x.data is not None:
        return ctx.const(x.data.astype(dtype.numpy), name)
    return ctx.op(
        "CAST",
        [x],
        dtype,
        sig(x),
        name,
        in_data_type=x.dtype.tflite_name,
        out_data_type=dtype.tflite_name,
    )


def unary(ctx: GraphContext, op: str, x: Tensor, name: str | None = None, **attrs) -> Tensor:
    return ctx.op(op, [x], x.dtype, sig(x), name, **attrs)


def binary(
    ctx: GraphContext, op: str, a: Tensor, b: Tensor, name: str | None = None, **attrs
) -> Tensor:
    """An elementwise binary op with numpy broadcasting; comparisons give bool."""
    dtype = sdt.bool_ if op in COMPARISONS else a.dtype
    return ctx.op(op, [a, b], dtype, bshape(a, b), name, **attrs)


def scalar(ctx: GraphContext, value: float, like: Tensor) -> Tensor:
    return ctx.const(np.array(value, like.dtype.numpy))


def expand_to_rank(ctx: GraphContext, x: Tensor, rank: int) -> Tensor:
    """Prefix 1-dims so that ``x`` has ``rank`` dims (a numpy broadcasting no-op)."""
    if x.rank >= rank:
        return x
    return reshape(ctx, x, (1,) * (rank - x.rank) + sig(x))


def to_nhwc(ctx: GraphContext, x: Tensor) -> Tensor:
    return transpose(ctx, x, NCHW_TO_NHWC, "to_nhwc")


def to_nchw(ctx: GraphContext, x: Tensor) -> Tensor:
    return transpose(ctx, x, NHWC_TO_NCHW, "to_nchw")


def normalize_axis(axis: int, rank: int, where: str) -> int:
    if not -rank <= axis < max(rank, 1):
        raise UnsupportedOpError(f"{where}: axis {axis} out of range for rank {rank}")
    return axis % rank if rank else 0


COMPARISONS = frozenset({"EQUAL", "NOT_EQUAL", "LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL"})
