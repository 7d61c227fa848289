"""Ops whose output size depends on values: OneHot, Compress, NonZero."""

from __future__ import annotations

import numpy as np

import siglite.dtypes as sdt

from ..context import NUMERIC, GraphContext, NodeView
from ..emit import binary, cast, normalize_axis, reshape, sig
from . import handler
from .elementwise import check_dtype


def _scalar_of(ctx: GraphContext, t, index: int):
    """Element ``index`` of a 1-element-per-entry vector, as a 0-d tensor."""
    if t.data is not None:
        return ctx.const(t.data.reshape(-1)[index].reshape(()))
    at = ctx.const(np.array(index, np.int32))
    return ctx.op("GATHER", [reshape(ctx, t, (-1,)), at], (t.dtype, ()), axis=0, batch_dims=0)


@handler("OneHot")
def one_hot(ctx: GraphContext, node: NodeView):
    indices, depth, values = node.input(0), node.input(1), node.input(2)
    check_dtype(node, indices, NUMERIC)
    check_dtype(node, depth, NUMERIC, "depth")
    if values.rank != 1 or sig(values)[0] != 2 or values.dtype.name == "string":
        raise node.error("values must be a numeric or bool vector [off, on]")
    axis = normalize_axis(int(node.attr("axis", -1)), indices.rank + 1, node.where)
    # ONNX casts indices and depth to integers (truncating floats) and counts negative indices
    # from the end; indices out of [-depth, depth) give an all-off row, as ONE_HOT does.
    idx = cast(ctx, indices, sdt.int64)
    depth = reshape(ctx, depth, ()) if depth.rank else depth
    depth64 = cast(ctx, depth, sdt.int64)
    negative = binary(ctx, "LESS", idx, ctx.const(np.array(0, np.int64)))
    shifted = binary(ctx, "ADD", idx, depth64)
    idx = ctx.op("SELECT_V2", [negative, shifted, idx], (sdt.int64, sig(idx)))
    depth32 = cast(ctx, depth, sdt.int32)
    off, on = _scalar_of(ctx, values, 0), _scalar_of(ctx, values, 1)
    n = int(depth.data) if depth.data is not None else -1
    out = list(sig(indices))
    out.insert(axis, n)
    return [ctx.op("ONE_HOT", [idx, depth32, on, off], (values.dtype, out), axis=axis)]


def _true_positions(ctx: GraphContext, cond):
    """int32 positions of the true entries of a bool vector."""
    where = ctx.op("WHERE", [cond], (sdt.int64, (-1, 1)))
    return reshape(ctx, cast(ctx, where, sdt.int32), (-1,))


@handler("Compress")
def compress(ctx: GraphContext, node: NodeView):
    x, cond = node.input(0), node.input(1)
    if cond.dtype.name != "bool" or cond.rank != 1:
        raise node.error("condition must be a bool vector")
    axis = node.attr("axis")
    if axis is None:
        x = reshape(ctx, x, (-1,))
        axis = 0
    axis = normalize_axis(int(axis), x.rank, node.where)
    # A true entry past the end of the axis makes GATHER fail at run time (ONNX: invalid).
    idx = _true_positions(ctx, cond)
    out = tuple(-1 if i == axis else d for i, d in enumerate(sig(x)))
    return [ctx.op("GATHER", [x, idx], (x.dtype, out), axis=axis, batch_dims=0)]


@handler("NonZero")
def non_zero(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    if x.dtype.name == "string":
        raise node.error("string tensors are not supported")
    if x.rank == 0:
        raise node.error("a 0-d input is not supported")
    where = ctx.op("WHERE", [x], (sdt.int64, (-1, x.rank)))
    perm = ctx.const(np.array([1, 0], np.int32))
    return [ctx.op("TRANSPOSE", [where, perm], (sdt.int64, (x.rank, -1)))]
