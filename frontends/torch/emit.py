"""Small emitters shared by the ATen op handlers.

The layout and shape helpers common to every importer live in :mod:`siglite.ir.emitter`; they
are re-exported here, next to the ones that know symbolic sizes (:class:`SymVal`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import siglite.dtypes as sdt
import siglite.ir.emitter as shared
from siglite.ir import Tensor
from siglite.ir.emitter import NCHW_TO_NHWC, NHWC_TO_NCHW, cast, sig, to_nchw, to_nhwc, transpose

from .context import Context, SymVal

__all__ = [
    "NCHW_TO_NHWC", "NHWC_TO_NCHW", "cast", "is_ir", "normalize_axis", "reshape", "runtime_dim",
    "runtime_shape", "shape_tensor", "sig", "tensor", "to_nchw", "to_nhwc", "transpose",
]  # fmt: skip


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
        # (with the type given, several -1s pass through as they always have)
        if out is None:
            out = (x.dtype, shared.reshape_sig(sig(x), target))
        return shared.reshape(ctx, x, target, out=out)
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
    """``axis`` in ``[0, rank)`` by torch's rule (a 0-d tensor takes axes -1 and 0)."""
    return shared.normalize_axis(axis, rank, ctx.error, scalar_as_vector=True)
