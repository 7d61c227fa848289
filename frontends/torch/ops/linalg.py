"""Matrix products: mm, addmm (FULLY_CONNECTED when the weights are constant), bmm."""

from __future__ import annotations

from typing import Any

from siglite.ir import Tensor

from ..context import Context
from ..emit import sig, tensor
from . import handles


def _is_const(v: Any) -> bool:
    return hasattr(v, "detach") or (isinstance(v, Tensor) and v.data is not None)


def _weights(ctx: Context, b: Any) -> Tensor:
    """The (out, in) FULLY_CONNECTED weights of a constant (in, out) right operand."""
    if hasattr(b, "detach"):
        return ctx.const(b.detach().t(), "weights")
    return ctx.const(b.data.T, "weights")


def _fc(ctx: Context, a: Any, b: Any, bias: Any) -> Tensor:
    x = tensor(ctx, a)
    dtype = ctx.out_type()[0]
    return (
        ctx.emit(
            "FULLY_CONNECTED",
            [x, _weights(ctx, b), bias],
            fused_activation="NONE",
            keep_num_dims=False,
            weights_format="DEFAULT",
            asymmetric_quantize_inputs=False,
        )
        if dtype.name == "float32"
        else _matmul(ctx, x, b, bias)
    )


def _matmul(ctx: Context, a: Any, b: Any, bias: Any = None) -> Tensor:
    x, y = tensor(ctx, a), tensor(ctx, b)
    if bias is None:
        return ctx.emit("BATCH_MATMUL", [x, y], adj_x=False, adj_y=False)
    prod = ctx.op("BATCH_MATMUL", [x, y], adj_x=False, adj_y=False)
    return ctx.emit("ADD", [prod, bias])


@handles("aten.mm.default")
def mm(ctx: Context, a: Any, b: Any) -> Tensor:
    if _is_const(b) and not _is_const(a):
        return _fc(ctx, a, b, None)
    return _matmul(ctx, a, b)


@handles("aten.addmm.default")
def addmm(ctx: Context, bias: Any, a: Any, b: Any, beta: Any = 1, alpha: Any = 1) -> Tensor:
    if beta != 1 or alpha != 1:
        raise ctx.error(f"addmm with beta={beta}, alpha={alpha} is not supported")
    dtype, shape = ctx.out_type()
    c = tensor(ctx, bias, dtype)
    if _is_const(b) and not _is_const(a) and c.data is not None and sig(c) == (shape[-1],):
        return _fc(ctx, a, b, c)
    return _matmul(ctx, a, b, c)


@handles("aten.bmm.default")
def bmm(ctx: Context, a: Any, b: Any) -> Tensor:
    return _matmul(ctx, a, b)
