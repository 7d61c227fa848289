"""Reductions and scans: mean/sum/amax/amin/prod/any/all, argmax/argmin, cumsum."""

from __future__ import annotations

from typing import Any

import numpy as np

import siglite.dtypes as sdt
from siglite.ir import Tensor

from ..context import Context
from ..emit import cast, normalize_axis, reshape, tensor
from . import handles

REDUCE = {
    "mean": "MEAN", "sum": "SUM", "amax": "REDUCE_MAX", "amin": "REDUCE_MIN",
    "prod": "REDUCE_PROD", "any": "REDUCE_ANY",
}  # fmt: skip


def reduce(ctx: Context, op: str, x: Any, dims: Any, keepdim: bool, dtype: Any = None) -> Tensor:
    out_dtype = ctx.out_type()[0]
    t = tensor(ctx, x)
    if op in ("REDUCE_ANY", "REDUCE_ALL"):
        t = cast(ctx, t, sdt.bool_)
    elif dtype is not None or t.dtype != out_dtype:
        t = cast(ctx, t, out_dtype)
    if dims is None or (isinstance(dims, (list, tuple)) and len(dims) == 0):
        dims = list(range(t.rank))
    dims = [dims] if isinstance(dims, int) else dims
    if t.rank == 0:
        return t
    axes = sorted({normalize_axis(ctx, d, t.rank) for d in dims})
    y = ctx.emit(op, [t, ctx.ints(axes, "axes")], keep_dims=bool(keepdim))
    return cast(ctx, y, out_dtype) if y.dtype != out_dtype else y


def _reducer(op: str):
    def handler(ctx: Context, x: Any, dim: Any = None, keepdim: bool = False, *, dtype=None):
        return reduce(ctx, op, x, dim, keepdim, dtype)

    return handler


for _name, _op in REDUCE.items():
    handles(
        f"aten.{_name}.dim", f"aten.{_name}.dim_IntList", f"aten.{_name}.default",
        f"aten.{_name}.dims", f"aten.{_name}.dim_int",
    )(_reducer(_op))  # fmt: skip


def _arg(op: str):
    def handler(ctx: Context, x: Any, dim: Any = None, keepdim: bool = False) -> Tensor:
        t = tensor(ctx, x)
        dtype = ctx.out_type()[0]
        if dim is None:
            t, axis = reshape(ctx, t, [-1] if t.rank else [1]), 0
        else:
            axis = normalize_axis(ctx, dim, t.rank)
        axis_t = ctx.const(np.array([axis], np.int32), "axis")
        if keepdim:  # without a dim, torch keeps every dimension (as 1)
            y = ctx.op(op, [t, axis_t], output_type=dtype.tflite_name)
            if dim is None:
                return reshape(ctx, y, ctx.out_type()[1], ctx.out_type())
            return ctx.emit("EXPAND_DIMS", [y, ctx.const(np.array(axis, np.int32), "axis")])
        return ctx.emit(op, [t, axis_t], output_type=dtype.tflite_name)

    return handler


def _with_index(reducer: str, arg: str):
    """``torch.max(x, dim)`` / ``torch.min(x, dim)``: (values, indices)."""

    def handler(ctx: Context, x: Any, dim: int, keepdim: bool = False) -> tuple:
        t = tensor(ctx, x)
        axis = normalize_axis(ctx, dim, t.rank)
        (vdtype, vshape), (idtype, ishape) = ctx.out_type(index=0), ctx.out_type(index=1)
        axes = ctx.ints([axis], "axes")
        values = ctx.op(reducer, [t, axes], (vdtype, vshape), f"{ctx.node.name}_values",
                        keep_dims=bool(keepdim))  # fmt: skip
        if t.rank == 0:
            return values, ctx.const(np.zeros((), np.int64), "index")
        index = ctx.op(arg, [t, ctx.const(np.array([axis], np.int32), "axis")],
                       output_type=idtype.tflite_name)  # fmt: skip
        if keepdim:
            axis_t = ctx.const(np.array(axis, np.int32), "axis")
            index = ctx.op("EXPAND_DIMS", [index, axis_t], (idtype, ishape))
        return values, index

    return handler


handles("aten.max.dim")(_with_index("REDUCE_MAX", "ARG_MAX"))
handles("aten.min.dim")(_with_index("REDUCE_MIN", "ARG_MIN"))


@handles("aten.all.dim", "aten.all.default", "aten.all.dims")
def all_(ctx: Context, x: Any, dim: Any = None, keepdim: bool = False) -> Tensor:
    """all(x) = not any(not x): TFLite has no REDUCE_ALL builtin."""
    t = cast(ctx, tensor(ctx, x), sdt.bool_)
    inverted = ctx.op("LOGICAL_NOT", [t])
    if dim is None or (isinstance(dim, (list, tuple)) and not dim):
        dim = list(range(t.rank))
    dims = [dim] if isinstance(dim, int) else dim
    axes = sorted({normalize_axis(ctx, d, t.rank) for d in dims})
    some = ctx.op("REDUCE_ANY", [inverted, ctx.ints(axes, "axes")], keep_dims=bool(keepdim))
    return ctx.emit("LOGICAL_NOT", [some])


handles("aten.argmax.default")(_arg("ARG_MAX"))
handles("aten.argmin.default")(_arg("ARG_MIN"))


@handles("aten.cumsum.default")
def cumsum(ctx: Context, x: Any, dim: int, *, dtype: Any = None) -> Tensor:
    out_dtype = ctx.out_type()[0]
    t = cast(ctx, tensor(ctx, x), out_dtype)
    axis = ctx.const(np.array(normalize_axis(ctx, dim, t.rank), np.int32), "axis")
    return ctx.emit("CUMSUM", [t, axis], exclusive=False, reverse=False)


@handles("aten.var.correction")
def var(ctx: Context, x: Any, dim: Any = None, *, correction: Any = 1, keepdim: bool = False):
    t = tensor(ctx, x)
    dims = list(range(t.rank)) if dim is None else [dim] if isinstance(dim, int) else dim
    axes = sorted({normalize_axis(ctx, d, t.rank) for d in dims})
    if any(t.signature_shape[a] < 0 for a in axes):
        raise ctx.error("variance over a dynamic dimension")
    count = int(np.prod([t.signature_shape[a] for a in axes]))
    axes_t = ctx.ints(axes, "axes")
    mean = ctx.op("MEAN", [t, axes_t], keep_dims=True)
    sq = ctx.op("SQUARED_DIFFERENCE", [t, mean])
    total = ctx.op("SUM", [sq, axes_t], keep_dims=bool(keepdim))
    denom = max(count - (1 if correction is None else correction), 0)
    return ctx.emit("DIV", [total, ctx.scalar(denom, t.dtype)])


@handles("aten.linalg_vector_norm.default")
def vector_norm(ctx: Context, x: Any, ord: Any = 2, dim: Any = None, keepdim: bool = False,  # noqa: A002
                *, dtype: Any = None) -> Tensor:  # fmt: skip
    """The 1-, 2- and inf-norms (``F.normalize``, ``torch.norm``)."""
    t = cast(ctx, tensor(ctx, x), ctx.out_type()[0])
    dims = (
        list(range(t.rank)) if dim is None or dim == [] else [dim] if isinstance(dim, int) else dim
    )
    axes = ctx.ints(sorted({normalize_axis(ctx, d, t.rank) for d in dims}), "axes")
    keep = bool(keepdim)
    if ord == 2:
        total = ctx.op("SUM", [ctx.op("MUL", [t, t]), axes], keep_dims=keep)
        return ctx.emit("SQRT", [total])
    if ord == 1:
        return ctx.emit("SUM", [ctx.op("ABS", [t]), axes], keep_dims=keep)
    if ord == float("inf"):
        return ctx.emit("REDUCE_MAX", [ctx.op("ABS", [t]), axes], keep_dims=keep)
    raise ctx.error(f"vector norm of order {ord} is not supported")
