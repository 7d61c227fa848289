"""In-place writes as export functionalizes them: copy, slice/select_scatter, masked index_put."""

from __future__ import annotations

from typing import Any

import numpy as np

import siglite.dtypes as sdt
from siglite.ir import Tensor

from ..context import Context
from ..emit import normalize_axis, reshape, runtime_dim, runtime_shape, sig, tensor
from . import handles

INT64_MAX = 2**63 - 1


def broadcast_like(ctx: Context, src: Tensor, like: Tensor, out: tuple) -> Tensor:
    """``src`` broadcast to the shape of ``like`` (a no-op when the shapes already agree)."""
    if sig(src) == sig(like) and all(d >= 0 for d in sig(like)):
        return src
    dims = [runtime_dim(ctx, like, i) for i in range(like.rank)]
    return ctx.op("BROADCAST_TO", [src, runtime_shape(ctx, dims)], out)


@handles("aten.copy.default")
def copy(ctx: Context, dst: Any, src: Any, non_blocking: bool = False) -> Tensor:
    """``dst.copy_(src)`` functionalized: ``src`` cast to ``dst``'s dtype and shape."""
    dtype, shape = ctx.out_type()
    d = tensor(ctx, dst)
    s = tensor(ctx, src, dtype)
    return broadcast_like(ctx, s, d, (dtype, shape))


def _positions(ctx: Context, size: int, start: Any, end: Any, step: int) -> list[int]:
    if size < 0:
        raise ctx.error("writing into a slice of a dynamic dimension is not supported")
    if not all(isinstance(v, int) for v in (start, end, step)) or step < 1:
        raise ctx.error(f"slice {start}:{end}:{step} must have constant bounds and step >= 1")
    return list(range(size))[slice(start, end, step)]


def scatter_along(ctx: Context, base: Tensor, src: Tensor, axis: int, picked: list[int]):
    """``base`` with the positions ``picked`` of ``axis`` replaced by ``src`` (in that order).

    One GATHER from ``concat(base, src)`` along ``axis`` with a constant index vector.
    """
    size = sig(base)[axis]
    if sig(src)[axis] != len(picked):
        raise ctx.error(f"source has {sig(src)[axis]} entries along dim {axis}, not {len(picked)}")
    index = np.arange(size, dtype=np.int32)
    index[picked] = size + np.arange(len(picked), dtype=np.int32)
    if len(picked) == size:
        return ctx.emit("GATHER", [src, ctx.const(index - size, "indices")], axis=axis,
                        batch_dims=0)  # fmt: skip
    both_shape = list(sig(base))
    both_shape[axis] = size + len(picked)
    both = ctx.op("CONCATENATION", [base, src], (base.dtype, tuple(both_shape)), axis=axis,
                  fused_activation="NONE")  # fmt: skip
    return ctx.emit("GATHER", [both, ctx.const(index, "indices")], axis=axis, batch_dims=0)


@handles("aten.slice_scatter.default")
def slice_scatter(ctx: Context, base: Any, src: Any, dim: int = 0, start: Any = None,
                  end: Any = None, step: int = 1) -> Tensor:  # fmt: skip
    dtype = ctx.out_type()[0]
    b, s = tensor(ctx, base, dtype), tensor(ctx, src, dtype)
    axis = normalize_axis(ctx, dim, b.rank)
    start = 0 if start is None else start
    end = INT64_MAX if end is None else end
    picked = _positions(ctx, sig(b)[axis], start, end, step)
    return scatter_along(ctx, b, s, axis, picked)


@handles("aten.select_scatter.default")
def select_scatter(ctx: Context, base: Any, src: Any, dim: int, index: int) -> Tensor:
    dtype = ctx.out_type()[0]
    b, s = tensor(ctx, base, dtype), tensor(ctx, src, dtype)
    axis = normalize_axis(ctx, dim, b.rank)
    size = sig(b)[axis]
    if not isinstance(index, int) or size < 0:
        raise ctx.error("select_scatter needs a constant index into a static dimension")
    s_shape = list(sig(s))
    s_shape.insert(axis, 1)
    s = ctx.op("EXPAND_DIMS", [s, ctx.const(np.array(axis, np.int32), "axis")],
               (dtype, tuple(s_shape)))  # fmt: skip
    return scatter_along(ctx, b, s, axis, [index % size])


@handles("aten.index_put.default")
def index_put(ctx: Context, x: Any, indices: list, values: Any, accumulate: bool = False):
    """``x[mask] = value`` with one boolean mask and a single value: SELECT_V2."""
    dtype, shape = ctx.out_type()
    t = tensor(ctx, x, dtype)
    used = [i for i, v in enumerate(indices) if v is not None]
    mask = tensor(ctx, indices[used[0]]) if len(used) == 1 else None
    v = tensor(ctx, values, dtype)
    if mask is None or mask.dtype != sdt.bool_ or used[0] != 0 or accumulate:
        raise ctx.error("index_put is supported for x[bool_mask] = value only")
    if any(d != 1 for d in sig(v)):
        raise ctx.error("x[mask] = tensor (data-dependent count) is not supported")
    if mask.rank > t.rank:
        raise ctx.error(f"a rank-{mask.rank} mask for a rank-{t.rank} tensor")
    if mask.rank < t.rank:  # the mask covers the leading dims; trailing dims broadcast
        ones = [1] * (t.rank - mask.rank)
        dims = [runtime_dim(ctx, mask, i) for i in range(mask.rank)] + ones
        mask = reshape(ctx, mask, dims, (sdt.bool_, (*sig(mask), *ones)))
    v = reshape(ctx, v, [], (dtype, ())) if v.rank else v
    return ctx.emit("SELECT_V2", [mask, v, t])
