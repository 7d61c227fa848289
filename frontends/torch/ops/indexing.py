"""Indexing: embedding, index (index tensors), index_select, gather, arange."""

from __future__ import annotations

from typing import Any

import numpy as np

import siglite.dtypes as sdt
from siglite.ir import Tensor

from ..context import Context, SymVal
from ..emit import cast, normalize_axis, sig, tensor, transpose
from . import handles


def _wrap_negative(ctx: Context, idx: Tensor, size: int) -> Tensor:
    """torch wraps negative indices; TFLite's GATHER rejects them."""
    if idx.data is not None:
        if size >= 0:
            return ctx.const(np.where(idx.data < 0, idx.data + size, idx.data), "indices")
        return idx
    if size < 0:
        return idx
    zero = ctx.scalar(0, idx.dtype)
    negative = ctx.op("LESS", [idx, zero])
    shifted = ctx.op("ADD", [idx, ctx.scalar(size, idx.dtype)])
    return ctx.op("SELECT_V2", [negative, shifted, idx])


def _gather(ctx: Context, x: Tensor, idx: Any, axis: int, wrap: bool = True) -> Tensor:
    i = tensor(ctx, idx)
    if i.dtype not in (sdt.int32, sdt.int64):
        raise ctx.error(f"{i.dtype.name} indices are not supported (integer indices only)")
    if wrap:
        i = _wrap_negative(ctx, i, sig(x)[axis])
    return ctx.emit("GATHER", [x, i], axis=axis, batch_dims=0)


@handles("aten.embedding.default")
def embedding(ctx, weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    return _gather(ctx, tensor(ctx, weight), indices, 0, wrap=False)


@handles("aten.index_select.default")
def index_select(ctx: Context, x: Any, dim: int, index: Any) -> Tensor:
    t = tensor(ctx, x)
    return _gather(ctx, t, index, normalize_axis(ctx, dim, t.rank))


@handles("aten.index.Tensor")
def index(ctx: Context, x: Any, indices: list) -> Tensor:
    t = tensor(ctx, x)
    used = [i for i, v in enumerate(indices) if v is not None]
    idxs = [tensor(ctx, indices[i]) for i in used]
    if any(i.dtype == sdt.bool_ for i in idxs):
        raise ctx.error("boolean mask indexing (data-dependent shape) is not supported")
    if len(used) == 1:
        return _gather(ctx, t, idxs[0], used[0])
    return _gather_nd(ctx, t, used, idxs)


def _gather_nd(ctx: Context, t: Tensor, dims: list[int], idxs: list[Tensor]) -> Tensor:
    """``x[i, j]`` (several index tensors): GATHER_ND with the indexed dims moved first."""
    shapes = [sig(i) for i in idxs]
    if any(d < 0 for s in shapes for d in s):
        raise ctx.error("several index tensors of dynamic shape are not supported")
    try:
        common = tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        raise ctx.error(f"index shapes {shapes} do not broadcast") from None
    parts = []
    for d, i in zip(dims, idxs, strict=True):
        if i.dtype not in (sdt.int32, sdt.int64):
            raise ctx.error(f"{i.dtype.name} indices are not supported (integer indices only)")
        i = cast(ctx, _wrap_negative(ctx, i, sig(t)[d]), sdt.int32)
        if sig(i) != common:
            i = ctx.op("BROADCAST_TO", [i, ctx.ints(common)], (sdt.int32, common))
        parts.append(i)
    rest = [a for a in range(t.rank) if a not in dims]
    xt = transpose(ctx, t, dims + rest)
    coords = ctx.op("PACK", parts, (sdt.int32, (*common, len(parts))), axis=len(common),
                    values_count=len(parts))  # fmt: skip
    nb = len(common)
    if dims != list(range(dims[0], dims[-1] + 1)) or dims[0] == 0:
        return ctx.emit("GATHER_ND", [xt, coords])
    # adjacent indexed dims: torch puts the index dims where the first indexed dim was
    g = ctx.op("GATHER_ND", [xt, coords])
    lead = [nb + a for a in range(dims[0])]
    perm = lead + list(range(nb)) + list(range(nb + dims[0], g.rank))
    return ctx.emit("TRANSPOSE", [g, ctx.ints(perm, "perm")])


@handles("aten.gather.default")
def gather(ctx: Context, x: Any, dim: int, index: Any, sparse_grad: bool = False) -> Tensor:
    """torch.gather as GATHER_ND over coordinates built from constant grids and ``index``."""
    t = tensor(ctx, x)
    idx = tensor(ctx, index)
    axis = normalize_axis(ctx, dim, t.rank)
    shape = sig(idx)
    if min(shape, default=0) < 0:
        raise ctx.error("gather with a dynamic index shape is not supported")
    idx = cast(ctx, _wrap_negative(ctx, idx, sig(t)[axis]), sdt.int32)
    grids = np.indices(shape, dtype=np.int32)
    parts = [idx if a == axis else ctx.const(grids[a], "grid") for a in range(t.rank)]
    coords = ctx.op("PACK", parts, (sdt.int32, (*shape, t.rank)), axis=len(shape),
                    values_count=t.rank)  # fmt: skip
    return ctx.emit("GATHER_ND", [t, coords])


@handles("aten.arange.start_step", "aten.arange.default", "aten.arange.start")
def arange(ctx: Context, *args: Any, **kwargs: Any) -> Tensor:
    """Only reached with a symbolic bound (static ranges are folded)."""
    extra = {k for k, v in kwargs.items() if v is not None} - {"dtype", "device", "layout",
                                                                "pin_memory"}  # fmt: skip
    if extra:
        raise ctx.error(f"arguments {sorted(extra)} are not supported")
    vals = list(args) + [1] * (3 - len(args)) if len(args) > 1 else [0, args[0], 1]
    dtype = ctx.out_type()[0]
    parts = [
        cast(ctx, v.tensor, dtype) if isinstance(v, SymVal) else ctx.scalar(v, dtype) for v in vals
    ]
    return ctx.emit("RANGE", parts)
