"""Axes given as a run-time tensor (Unsqueeze, Squeeze, Slice): the per-dimension vectors that
the builtins need are computed in the graph from the axes' values.

The number of axes is the axes tensor's static length, so output ranks are known at
conversion; invalid axes (out of range, repeated) make a reshape or gather fail when run.
"""

from __future__ import annotations

import numpy as np

import siglite.dtypes as sdt

from ..context import GraphContext, NodeView
from ..emit import binary, cast, is_static, reshape, sig

INT32_LIMITS = (-(2**31), 2**31 - 1)


def axes_count(node: NodeView, axes) -> int:
    """The static number of run-time axes."""
    if axes.rank != 1 or sig(axes)[0] < 0:
        raise node.error("run-time axes must be a vector of static length")
    return sig(axes)[0]


def axis_hits(ctx: GraphContext, axes, rank: int):
    """bool[k, rank]: entry (j, p) is true when axis j (negative counts from the end) is p."""
    k = sig(axes)[0]
    norm = binary(ctx, "FLOOR_MOD", cast(ctx, axes, sdt.int32), ctx.const(np.array(rank, np.int32)))
    column = reshape(ctx, norm, (k, 1))
    return binary(ctx, "EQUAL", column, ctx.const(np.arange(rank, dtype=np.int32)[None, :]))


def axis_mask(ctx: GraphContext, axes, rank: int):
    """bool[rank]: true at the dimensions named by the run-time axes."""
    hits = axis_hits(ctx, axes, rank)
    zero = ctx.const(np.array([0], np.int32))
    return ctx.op("REDUCE_ANY", [hits, zero], (sdt.bool_, (rank,)), keep_dims=False)


def shape_of(ctx: GraphContext, x):
    """x's shape as an int32 vector (a constant when static)."""
    if is_static(x):
        return ctx.const(np.array(sig(x), np.int32))
    return ctx.op("SHAPE", [x], (sdt.int32, (x.rank,)), out_type="INT32")


def unsqueeze(ctx: GraphContext, node: NodeView, x, axes):
    """Insert size-1 dims at run-time ``axes``."""
    rank = x.rank + axes_count(node, axes)
    mask = axis_mask(ctx, axes, rank)
    if x.rank == 0:
        return reshape(ctx, x, (1,) * rank)
    # Kept dim p takes x's dim number (count of non-inserted dims before p).
    kept = cast(ctx, ctx.op("LOGICAL_NOT", [mask], (sdt.bool_, (rank,))), sdt.int32)
    zero = ctx.const(np.array(0, np.int32))
    pos = ctx.op("CUMSUM", [kept, zero], (sdt.int32, (rank,)), exclusive=True, reverse=False)
    pos = binary(ctx, "MINIMUM", pos, ctx.const(np.array(x.rank - 1, np.int32)))
    dims = ctx.op("GATHER", [shape_of(ctx, x), pos], (sdt.int32, (rank,)), axis=0, batch_dims=0)
    one = ctx.const(np.array(1, np.int32))
    target = ctx.op("SELECT_V2", [mask, one, dims], (sdt.int32, (rank,)))
    return ctx.op("RESHAPE", [x, target], (x.dtype, (-1,) * rank))


def squeeze(ctx: GraphContext, node: NodeView, x, axes):
    """Drop the (size-1) dims at run-time ``axes``; a dim that is not 1 fails the reshape."""
    rank = x.rank - axes_count(node, axes)
    if rank < 0:
        raise node.error(f"more axes than the input's {x.rank} dimensions")
    keep = ctx.op("LOGICAL_NOT", [axis_mask(ctx, axes, x.rank)], (sdt.bool_, (x.rank,)))
    where = ctx.op("WHERE", [keep], (sdt.int64, (-1, 1)))
    idx = reshape(ctx, cast(ctx, where, sdt.int32), (-1,))
    dims = ctx.op("GATHER", [shape_of(ctx, x), idx], (sdt.int32, (-1,)), axis=0, batch_dims=0)
    return ctx.op("RESHAPE", [x, dims], (x.dtype, (-1,) * rank))


def clamp_i32(ctx: GraphContext, values):
    """Integer values clamped to int32's range, as int32 (TFLite's slice bounds are int32)."""
    if values.data is not None:
        return ctx.const(np.clip(values.data.astype(np.int64), *INT32_LIMITS).astype(np.int32))
    limits = [ctx.const(np.array(v, values.dtype.numpy)) for v in INT32_LIMITS]
    if values.dtype.name != "int32":
        values = binary(ctx, "MINIMUM", binary(ctx, "MAXIMUM", values, limits[0]), limits[1])
    return cast(ctx, values, sdt.int32)


def per_dim(ctx: GraphContext, values, axes, rank: int, fill: int):
    """int32[rank]: ``values[j]`` at dim ``axes[j]`` (run-time axes), ``fill`` elsewhere."""
    k = sig(axes)[0]
    hits = axis_hits(ctx, axes, rank)
    placed = binary(ctx, "MUL", cast(ctx, hits, sdt.int32), reshape(ctx, clamp_i32(ctx, values),
                                                                     (k, 1)))  # fmt: skip
    zero = ctx.const(np.array([0], np.int32))
    summed = ctx.op("SUM", [placed, zero], (sdt.int32, (rank,)), keep_dims=False)
    any_hit = ctx.op("REDUCE_ANY", [hits, zero], (sdt.bool_, (rank,)), keep_dims=False)
    fill_t = ctx.const(np.array(fill, np.int32))
    return ctx.op("SELECT_V2", [any_hit, summed, fill_t], (sdt.int32, (rank,)))


def slice_runtime_axes(ctx: GraphContext, node: NodeView, x):
    """Slice with run-time axes: unsliced dims take the whole range."""
    axes = node.input(3)
    k = axes_count(node, axes)
    if sig(node.input(1))[0] != k or sig(node.input(2))[0] != k:
        raise node.error("starts, ends and axes must have the same length")
    steps = node.input(4) if node.has_input(4) else ctx.const(np.ones(k, np.int64))
    if steps.data is not None and 0 in steps.data:
        raise node.error("step 0 is not allowed")
    begin = per_dim(ctx, node.input(1), axes, x.rank, 0)
    end = per_dim(ctx, node.input(2), axes, x.rank, INT32_LIMITS[1])
    stride = per_dim(ctx, steps, axes, x.rank, 1)
    return ctx.op("STRIDED_SLICE", [x, begin, end, stride], (x.dtype, (-1,) * x.rank),
                  begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0,
                  shrink_axis_mask=0, offset=False)  # fmt: skip
