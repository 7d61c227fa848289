"""Small emitters shared by the ATen op handlers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import siglite.dtypes as sdt
from siglite.ir import Tensor

from .context import Context, SymVal

NCHW_TO_NHWC = (0, 2, 3, 1)
NHWC_TO_NCHW = (0, 3, 1, 2)


def sig(t: Tensor) -> tuple[int, ...]:
    return t.signature_shape


def is_ir(v: Any) -> bool:
    return isinstance(v, (Tensor, SymVal))


def tensor(ctx: Context, v: Any, dtype: sdt.DType | None = None) -> Tensor:
    """Value ``v`` (IR tensor, torch constant, SymVal, Python number) as an IR tensor."""
    if isinstance(v, SymVal):
        v = v.tensor
    if isinstance(v, Tensor):
        return v if dtype is None else cast(ctx, v, dtype)
    if hasattr(v, "detach"):
        t = ctx.const(v, "weight")
        return t if dtype is None else cast(ctx, t, dtype)
    if isinstance(v, (bool, int, float)):
        if dtype is None:
            dtype = (
                sdt.bool_
                if isinstance(v, bool)
                else sdt.int64
                if isinstance(v, int)
                else sdt.float32
            )
        return ctx.scalar(v, dtype)
    raise ctx.error(f"cannot use {type(v).__name__} value {v!r} as a tensor")


def transpose(ctx: Context, x: Tensor, perm: Sequence[int], name: str = "transpose") -> Tensor:
    perm = tuple(int(p) for p in perm)
    if perm == tuple(range(len(perm))):
        return x
    if x.data is not None:
        return ctx.const(np.transpose(x.data, perm), name)
    shape = tuple(sig(x)[p] for p in perm)
    return ctx.op("TRANSPOSE", [x, ctx.ints(perm, "perm")], (x.dtype, shape), name)


def to_nhwc(ctx: Context, x: Tensor) -> Tensor:
    return transpose(ctx, x, NCHW_TO_NHWC, "to_nhwc")


def to_nchw(ctx: Context, x: Tensor, out: tuple | None = None, name: str = "to_nchw") -> Tensor:
    if out is None:
        return transpose(ctx, x, NHWC_TO_NCHW, name)
    return ctx.op("TRANSPOSE", [x, ctx.ints(NHWC_TO_NCHW, "perm")], out, name)


def cast(ctx: Context, x: Tensor, dtype: sdt.DType, name: str = "cast") -> Tensor:
    if x.dtype == dtype:
        return x
    if x.data is not None and dtype != sdt.float16:  # (constants are float32 at most)
        return ctx.const(x.data.astype(dtype.numpy), name)
    return ctx.op(
        "CAST",
        [x],
        (dtype, sig(x)),
        name,
        in_data_type=x.dtype.tflite_name,
        out_data_type=dtype.tflite_name,
    )


def shape_tensor(ctx: Context, dims: Sequence[Any]) -> Tensor | list[int]:
    """A reshape target: a constant list (at most one unknown, as -1) or a runtime int32 vector."""
    syms = [d for d in dims if isinstance(d, SymVal)]
    if len(syms) <= 1:
        return [-1 if isinstance(d, SymVal) else int(d) for d in dims]
    return runtime_shape(ctx, dims)


def runtime_shape(ctx: Context, dims: Sequence[Any]) -> Tensor:
    """An int32 shape vector: a constant when every dim is an int, else PACKed at run time."""
    if not any(isinstance(d, SymVal) for d in dims):
        return ctx.ints([int(d) for d in dims])
    parts = [
        d.tensor if isinstance(d, SymVal) else ctx.const(np.array(int(d), np.int32), "dim")
        for d in dims
    ]
    return ctx.op(
        "PACK", parts, (sdt.int32, (len(parts),)), "shape", axis=0, values_count=len(parts)
    )


def reshape(ctx: Context, x: Tensor, dims: Sequence[Any], out: tuple | None = None) -> Tensor:
    """RESHAPE ``x`` to ``dims`` (ints and SymVals); ``out`` is the result type when known."""
    target = shape_tensor(ctx, dims)
    if isinstance(target, list):
        if x.data is not None and -1 not in target:
            return ctx.const(x.data.reshape(target), "reshaped")
        if out is None:
            out = (x.dtype, tuple(target))
            if -1 in target and all(d >= 0 for d in sig(x)):
                known = int(np.prod([d for d in target if d != -1]))
                total = int(np.prod(sig(x)))
                out = (x.dtype, tuple(total // max(known, 1) if d == -1 else d for d in target))
        if out[1] == sig(x) and sum(d < 0 for d in out[1]) <= 1:
            return x
        return ctx.op("RESHAPE", [x, ctx.ints(target)], out, "reshape", new_shape=tuple(target))
    if out is None:
        out = (x.dtype, tuple(-1 if isinstance(d, SymVal) else int(d) for d in dims))
    return ctx.op("RESHAPE", [x, target], out, "reshape")


def runtime_dim(ctx: Context, x: Tensor, axis: int) -> SymVal | int:
    """Dimension ``axis`` of ``x``: an int when static, else a SymVal read with SHAPE."""
    d = sig(x)[axis]
    if d >= 0:
        return d
    shape = ctx.op("SHAPE", [x], (sdt.int32, (x.rank,)), "shape", out_type="INT32")
    index = ctx.const(np.array(axis, np.int32), "axis")
    return SymVal(ctx.op("GATHER", [shape, index], (sdt.int32, ()), "dim", axis=0))


def normalize_axis(ctx: Context, axis: int, rank: int) -> int:
    if not -max(rank, 1) <= axis < max(rank, 1):
        raise ctx.error(f"axis {axis} out of range for rank {rank}")
    return axis % rank if rank else 0


def expand_rank(ctx: Context, x: Tensor, rank: int) -> Tensor:
    """Prefix 1-dims so that ``x`` has ``rank`` dims (a broadcasting no-op)."""
    if x.rank >= rank:
        return x
    dims = (1,) * (rank - x.rank) + sig(x)
    if x.data is not None:
        return ctx.const(x.data.reshape(dims), "expanded")
    return reshape(ctx, x, dims, (x.dtype, dims))
