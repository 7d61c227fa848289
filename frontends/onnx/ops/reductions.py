"""Reductions, ArgMax/ArgMin, TopK and CumSum."""

from __future__ import annotations

import numpy as np

import siglite.dtypes as sdt

from ..context import FLOATS, GraphContext, NodeView
from ..emit import binary, cast, normalize_axis, reshape, scalar, sig, transpose, unary
from . import handler
from .elementwise import ARITH, check_dtype

REDUCE = {
    "ReduceSum": "SUM",
    "ReduceMean": "MEAN",
    "ReduceMax": "REDUCE_MAX",
    "ReduceMin": "REDUCE_MIN",
    "ReduceProd": "REDUCE_PROD",
}
COMPOSED = ("ReduceL1", "ReduceL2", "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp")


class DynamicAxes:
    """Axes known only at run time: an int32 tensor of ``count`` distinct axes."""

    def __init__(self, tensor, count: int) -> None:
        self.tensor, self.count = tensor, count

    def __bool__(self) -> bool:
        return True


def _axes(ctx: GraphContext, node: NodeView, x):
    """The reduced axes (a tuple or DynamicAxes), or ``None`` for 'no reduction'."""
    axes = node.attr("axes")
    noop = int(node.attr("noop_with_empty_axes", 0))
    if node.has_input(1) and node.const(1) is None:
        t = node.input(1)
        count = sig(t)[0] if t.rank == 1 else -1
        if count < 0:
            raise node.error("run-time axes need a static length")
        if count > 0:
            return DynamicAxes(cast(ctx, t, sdt.int32), count)
        axes = []
    elif node.has_input(1):
        axes = node.const(1).reshape(-1).tolist()
    if not axes:
        return None if noop else tuple(range(x.rank))
    return tuple(sorted({normalize_axis(int(a), x.rank, node.where) for a in axes}))


def reduce(ctx: GraphContext, op: str, x, axes, keep: bool):
    if isinstance(axes, DynamicAxes):
        out = (-1,) * (x.rank if keep else x.rank - axes.count)
        return ctx.op(op, [x, axes.tensor], (x.dtype, out), keep_dims=keep)
    if keep:
        out = tuple(1 if i in axes else d for i, d in enumerate(sig(x)))
    else:
        out = tuple(d for i, d in enumerate(sig(x)) if i not in axes)
    axes_t = ctx.const(np.array(axes, np.int32))
    return ctx.op(op, [x, axes_t], (x.dtype, out), keep_dims=keep)


@handler(*REDUCE, *COMPOSED)
def reduction(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    keep = bool(int(node.attr("keepdims", 1)))
    axes = _axes(ctx, node, x)
    if x.dtype.name == "bool" and node.op_type in ("ReduceMax", "ReduceMin"):
        if not axes:
            return [x]
        if node.op_type == "ReduceMax":
            return [reduce(ctx, "REDUCE_ANY", x, axes, keep)]
        # all(x) = not any(not x): REDUCE_ANY is the more widely implemented builtin
        inv = ctx.op("LOGICAL_NOT", [x], (x.dtype, sig(x)))
        any_t = reduce(ctx, "REDUCE_ANY", inv, axes, keep)
        return [ctx.op("LOGICAL_NOT", [any_t], (x.dtype, sig(any_t)))]
    check_dtype(node, x, ARITH if node.op_type in REDUCE else FLOATS)
    if 0 in sig(x) and node.op_type in ("ReduceMax", "ReduceMin", "ReduceLogSumExp"):
        raise node.error(
            "max/min over an empty set is not supported (TFLite gives the finite limit)"
        )
    if axes is None:
        axes = ()
    if node.op_type in REDUCE:
        return [reduce(ctx, REDUCE[node.op_type], x, axes, keep) if axes else x]
    if node.op_type == "ReduceLogSumExp":
        if not axes:
            return [x]
        m = reduce(ctx, "REDUCE_MAX", x, axes, True)
        finite = binary(ctx, "LESS", unary(ctx, "ABS", m), scalar(ctx, np.inf, m))
        m = ctx.op("SELECT_V2", [finite, m, scalar(ctx, 0.0, m)], (x.dtype, sig(m)))
        s = reduce(ctx, "SUM", unary(ctx, "EXP", binary(ctx, "SUB", x, m)), axes, keep)
        m_out = m if keep else reduce(ctx, "REDUCE_MAX", m, axes, False)
        return [binary(ctx, "ADD", unary(ctx, "LOG", s), m_out)]
    pre = {
        "ReduceL1": lambda: unary(ctx, "ABS", x),
        "ReduceL2": lambda: binary(ctx, "MUL", x, x),
        "ReduceSumSquare": lambda: binary(ctx, "MUL", x, x),
        "ReduceLogSum": lambda: x,
    }[node.op_type]()
    s = reduce(ctx, "SUM", pre, axes, keep) if axes else pre
    if node.op_type == "ReduceL2":
        s = unary(ctx, "SQRT", s)
    elif node.op_type == "ReduceLogSum":
        s = unary(ctx, "LOG", s)
    return [s]


@handler("ArgMax", "ArgMin")
def arg_reduce(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    check_dtype(node, x, ARITH)
    axis = normalize_axis(int(node.attr("axis", 0)), x.rank, node.where)
    keep = int(node.attr("keepdims", 1))
    last = int(node.attr("select_last_index", 0))
    n = sig(x)[axis]
    if last:
        if n < 0:
            raise node.error("select_last_index=1 needs a static reduced dimension")
        x = ctx.op("REVERSE_V2", [x, ctx.const(np.array([axis], np.int32))], (x.dtype, sig(x)))
    op = "ARG_MAX" if node.op_type == "ArgMax" else "ARG_MIN"
    out = tuple(d for i, d in enumerate(sig(x)) if i != axis)
    y = ctx.op(
        op, [x, ctx.const(np.array([axis], np.int32))], (sdt.int64, out), output_type="INT64"
    )
    if last:
        y = binary(ctx, "SUB", ctx.const(np.array(n - 1, np.int64)), y)
    if keep:
        kept = tuple(1 if i == axis else d for i, d in enumerate(sig(x)))
        y = ctx.op("EXPAND_DIMS", [y, ctx.const(np.array(axis, np.int32))], (sdt.int64, kept))
    return [y]


@handler("TopK")
def topk(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    check_dtype(node, x, FLOATS | {"int32", "int64"})
    k_t = None
    if node.has_input(1) and node.const(1) is None:
        k, k_t = -1, node.input(1)
        k_t = cast(ctx, reshape(ctx, k_t, ()) if k_t.rank else k_t, sdt.int32)
    elif node.has_input(1):
        k = int(node.const(1).reshape(-1)[0])
    else:
        k = int(node.attr("k"))
    axis = normalize_axis(int(node.attr("axis", -1)), x.rank, node.where)
    largest, _sorted = int(node.attr("largest", 1)), int(node.attr("sorted", 1))
    perm = list(range(x.rank))
    perm[axis], perm[-1] = perm[-1], perm[axis]
    xt = transpose(ctx, x, perm)
    if not largest:
        xt = unary(ctx, "NEG", xt)
    shape = (*sig(xt)[:-1], k)
    k_t = k_t if k_t is not None else ctx.const(np.array(k, np.int32))
    values, idx = ctx.op_multi("TOPK_V2", [xt, k_t],
                               [(x.dtype, shape), (sdt.int32, shape)])  # fmt: skip
    if not largest:
        values = unary(ctx, "NEG", values)
    return [transpose(ctx, values, perm), transpose(ctx, cast(ctx, idx, sdt.int64), perm)]


@handler("CumSum")
def cumsum(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    check_dtype(node, x, FLOATS | {"int32", "int64"})
    exclusive, rev = bool(node.attr("exclusive", 0)), bool(node.attr("reverse", 0))
    if node.const(1) is not None:
        axis = normalize_axis(int(node.const(1).reshape(-1)[0]), x.rank, node.where)
        axis_t = ctx.const(np.array(axis, np.int32))
    else:  # a run-time axis; CUMSUM accepts negative axes as ONNX does
        axis_t = cast(ctx, node.input(1), sdt.int32)
    return [ctx.op("CUMSUM", [x, axis_t], (x.dtype, sig(x)), exclusive=exclusive, reverse=rev)]
