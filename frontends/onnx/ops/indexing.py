"""Indexing ops: Gather, GatherElements, GatherND, Slice, Trilu."""

from __future__ import annotations

import numpy as np

import siglite.dtypes as sdt

from ..context import GraphContext, NodeView
from ..emit import binary, cast, is_static, normalize_axis, sig
from . import handler
from .runtime_axes import slice_runtime_axes
from .shapes import _i32


def _wrap_negative(ctx: GraphContext, node: NodeView, idx, x, start: int, count: int | None):
    """Indices with negative entries counted from the end (TFLite needs them non-negative).

    The indices address dims ``start`` (``count`` None: that one dim) or ``start .. start +
    count`` of ``x``; dynamic ones are read from its run-time shape.
    """
    dims = np.asarray(sig(x)[start] if count is None else sig(x)[start : start + count], np.int64)
    if idx.data is not None and dims.min() >= 0:
        return ctx.const(np.where(idx.data < 0, idx.data + dims, idx.data).astype(idx.dtype.numpy))
    if idx.data is not None and idx.data.min(initial=0) >= 0:
        return idx
    if dims.min() >= 0:
        size = ctx.const(dims.astype(idx.dtype.numpy))
    else:
        size = _runtime_dims(ctx, x, start, count, idx.dtype)
    zero = ctx.const(np.array(0, idx.dtype.numpy))
    shifted = binary(ctx, "ADD", idx, size)
    return ctx.op(
        "SELECT_V2", [binary(ctx, "LESS", idx, zero), shifted, idx], (idx.dtype, sig(idx))
    )


def _runtime_dims(ctx: GraphContext, x, start: int, count: int | None, dtype):
    """Dims ``start`` (a 0-d tensor when ``count`` is None) or ``start .. start + count`` of
    ``x``'s run-time shape, as ``dtype``."""
    shape = ctx.op("SHAPE", [x], (sdt.int32, (x.rank,)), out_type="INT32")
    n = 1 if count is None else count
    begin, size = ctx.const(np.array([start], np.int32)), ctx.const(np.array([n], np.int32))
    dims = ctx.op("SLICE", [shape, begin, size], (sdt.int32, (n,)))
    if count is None:
        dims = ctx.op("RESHAPE", [dims, ctx.const(np.zeros(0, np.int32))], (sdt.int32, ()))
    return cast(ctx, dims, dtype)


@handler("Gather")
def gather(ctx: GraphContext, node: NodeView):
    x, idx = node.input(0), node.input(1)
    if x.dtype.name == "string":
        raise node.error("string tensors are not supported")
    axis = normalize_axis(int(node.attr("axis", 0)), x.rank, node.where)
    idx = _wrap_negative(ctx, node, idx, x, axis, None)
    out = (*sig(x)[:axis], *sig(idx), *sig(x)[axis + 1 :])
    return [ctx.op("GATHER", [x, idx], (x.dtype, out), axis=axis, batch_dims=0)]


@handler("GatherND")
def gather_nd(ctx: GraphContext, node: NodeView):
    x, idx = node.input(0), node.input(1)
    if int(node.attr("batch_dims", 0)):
        raise node.error("batch_dims != 0 is not supported")
    k = sig(idx)[-1]
    if k < 0:
        raise node.error("the index depth (last indices dim) must be static")
    idx = _wrap_negative(ctx, node, idx, x, 0, k)
    out = (*sig(idx)[:-1], *sig(x)[k:])
    return [ctx.op("GATHER_ND", [x, idx], (x.dtype, out))]


@handler("GatherElements")
def gather_elements(ctx: GraphContext, node: NodeView):
    x, idx = node.input(0), node.input(1)
    axis = normalize_axis(int(node.attr("axis", 0)), x.rank, node.where)
    return [gather_along(ctx, node, x, idx, axis)]


def gather_along(ctx: GraphContext, node: NodeView, x, idx, axis: int):
    """``out[p] = x[p with p[axis] replaced by idx[p]]`` (GatherElements) via GATHER_ND."""
    if not is_static(idx):
        raise node.error("indices must have a static shape")
    idx = cast(ctx, _wrap_negative(ctx, node, idx, x, axis, None), sdt.int32)
    grid = np.indices(sig(idx), dtype=np.int32)
    parts = [idx if d == axis else ctx.const(grid[d]) for d in range(x.rank)]
    coords = ctx.op("PACK", parts, (sdt.int32, (*sig(idx), x.rank)), axis=x.rank,
                    values_count=x.rank)  # fmt: skip
    return ctx.op("GATHER_ND", [x, coords], (x.dtype, sig(idx)))


def _slice_args(node: NodeView, x):
    if node.has_input(1):
        starts = node.need_const(1, "starts").reshape(-1).tolist()
        ends = node.need_const(2, "ends").reshape(-1).tolist()
        axes = node.const(3).reshape(-1).tolist() if node.has_input(3) else None
        steps = node.const(4).reshape(-1).tolist() if node.has_input(4) else None
        if (node.has_input(3) and axes is None) or (node.has_input(4) and steps is None):
            raise node.error("axes and steps must be constants")
    else:
        starts, ends, axes = node.attr("starts"), node.attr("ends"), node.attr("axes")
        steps = None
    axes = list(range(len(starts))) if axes is None else axes
    steps = [1] * len(starts) if steps is None else steps
    return starts, ends, [normalize_axis(int(a), x.rank, node.where) for a in axes], steps


@handler("Slice")
def slice_op(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    if node.has_input(3) and node.const(3) is None:
        return [slice_runtime_axes(ctx, node, x)]
    if any(node.has_input(i) and node.const(i) is None for i in (1, 2, 4)):
        return [_dynamic_slice(ctx, node, x)]
    starts, ends, axes, steps = _slice_args(node, x)
    rank = x.rank
    begin, end, stride = [0] * rank, [0] * rank, [1] * rank
    begin_mask = end_mask = (1 << rank) - 1
    out = list(sig(x))
    for s, e, a, st in zip(starts, ends, axes, steps, strict=True):
        dim = sig(x)[a]
        if int(st) == 0:
            raise node.error("step 0 is not allowed")
        if dim < 0:
            raise node.error(f"slicing dynamic axis {a} is not supported")
        b, e2, st2 = slice(int(s), int(e), int(st)).indices(dim)
        out[a] = len(range(b, e2, st2))
        begin[a], stride[a] = b, st2
        begin_mask &= ~(1 << a)
        if e2 >= 0:
            end[a] = e2
            end_mask &= ~(1 << a)
    args = [ctx.const(_i32(v)) for v in (begin, end, stride)]
    return [ctx.op("STRIDED_SLICE", [x, *args], (x.dtype, out), begin_mask=begin_mask,
                   end_mask=end_mask, ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0,
                   offset=False)]  # fmt: skip


def _full_vector(ctx: GraphContext, values, axes: list[int], rank: int, fill: int):
    """A rank-long int32 vector: ``values[j]`` at ``axes[j]``, ``fill`` elsewhere (run time)."""
    if values.data is not None:
        full = np.full(rank, fill, np.int64)
        full[axes] = values.data.reshape(-1)
        return ctx.const(_i32(full))
    limits = [ctx.const(np.array(v, values.dtype.numpy)) for v in (-(2**31), 2**31 - 1)]
    v = binary(ctx, "MINIMUM", binary(ctx, "MAXIMUM", values, limits[0]), limits[1])
    v = cast(ctx, v, sdt.int32)
    both = ctx.op(
        "CONCATENATION",
        [ctx.const(np.array([fill], np.int32)), v],
        (sdt.int32, (len(axes) + 1,)),
        axis=0,
        fused_activation="NONE",
    )
    where = np.zeros(rank, np.int32)
    for j, a in enumerate(axes):
        where[a] = j + 1
    return ctx.op("GATHER", [both, ctx.const(where)], (sdt.int32, (rank,)), axis=0, batch_dims=0)


def _dynamic_slice(ctx: GraphContext, node: NodeView, x):
    """Starts/ends/steps known at run time (TFLite clamps them the way ONNX does)."""
    n = sig(node.input(1))[0]
    if node.has_input(3):
        axes = node.need_const(3, "axes").reshape(-1).tolist()
    else:
        axes = list(range(n))
    axes = [normalize_axis(int(a), x.rank, node.where) for a in axes]
    if len(set(axes)) != len(axes) or n != len(axes):
        raise node.error("axes must be distinct and match starts")
    if node.has_input(4) and node.const(4) is not None and 0 in node.const(4):
        raise node.error("step 0 is not allowed")
    steps = node.input(4) if node.has_input(4) else ctx.const(np.ones(n, np.int64))
    mask = sum(1 << a for a in range(x.rank) if a not in axes)
    args = [_full_vector(ctx, node.input(i), axes, x.rank, 0) for i in (1, 2)]
    args.append(_full_vector(ctx, steps, axes, x.rank, 1))
    out = tuple(-1 if i in axes else d for i, d in enumerate(sig(x)))
    return ctx.op("STRIDED_SLICE", [x, *args], (x.dtype, out), begin_mask=mask, end_mask=mask,
                  ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=0, offset=False)  # fmt: skip


@handler("Trilu")
def trilu(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    rows, cols = sig(x)[-2:]
    if rows < 0 or cols < 0:
        raise node.error("the last two dimensions must be static")
    upper = int(node.attr("upper", 1))
    k_t = node.input(1) if node.has_input(1) else ctx.const(np.array(0, np.int64))
    if k_t.data is not None:
        k = int(k_t.data.reshape(-1)[0])
        ones = np.ones((rows, cols), bool)
        mask = ctx.const(np.triu(ones, k) if upper else np.tril(ones, k))
    else:  # run-time k: compare each element's diagonal offset (col - row) with k
        offset = ctx.const((np.arange(cols)[None, :] - np.arange(rows)[:, None]).astype(np.int64))
        k_s = cast(ctx, k_t, sdt.int64)
        mask = binary(ctx, "GREATER_EQUAL" if upper else "LESS_EQUAL", offset, k_s)
    zero = ctx.const(np.array(0, x.dtype.numpy))
    return [ctx.op("SELECT_V2", [mask, x, zero], (x.dtype, sig(x)))]
