"""Gemm and MatMul: FULLY_CONNECTED for constant 2-D weights, BATCH_MATMUL otherwise."""

from __future__ import annotations

import numpy as np

from ..context import GraphContext, NodeView
from ..emit import binary, bshape, reshape, scalar, sig, transpose
from . import handler
from .elementwise import F32, check_dtype


@handler("Gemm")
def gemm(ctx: GraphContext, node: NodeView):
    a, b, c = node.input(0), node.input(1), node.input(2)
    check_dtype(node, a, F32)
    if a.rank != 2 or b.rank != 2 or b.dtype != a.dtype:
        raise node.error("A and B must be 2-D with the same dtype")
    alpha, beta = float(node.attr("alpha", 1.0)), float(node.attr("beta", 1.0))
    node.attr("broadcast")  # opset < 7: C always broadcasts in what we accept below
    if int(node.attr("transA", 0)):
        a = transpose(ctx, a, (1, 0))
    weights = b if int(node.attr("transB", 0)) else transpose(ctx, b, (1, 0))
    if alpha != 1.0 and weights.data is not None:
        weights = ctx.const((weights.data * alpha).astype(weights.data.dtype))
        alpha = 1.0
    n = sig(weights)[0]
    bias = None
    if c is not None and c.data is not None and n >= 0 and c.data.size == n and c.rank <= 2:
        if c.rank < 2 or c.shape[0] == 1:
            bias = ctx.const((c.data.reshape(n) * beta).astype(c.data.dtype))
            c = None
    y = ctx.op("FULLY_CONNECTED", [a, weights, bias], (a.dtype, (sig(a)[0], n)),
               fused_activation="NONE", keep_num_dims=False)  # fmt: skip
    if alpha != 1.0:
        y = binary(ctx, "MUL", y, scalar(ctx, alpha, y))
    if c is not None:
        if beta != 1.0:
            c = binary(ctx, "MUL", c, scalar(ctx, beta, c))
        y = binary(ctx, "ADD", y, c)
    return [y]


@handler("MatMul")
def matmul(ctx: GraphContext, node: NodeView):
    a, b = node.input(0), node.input(1)
    check_dtype(node, a, F32)
    if b.dtype != a.dtype:
        raise node.error("operand dtypes differ")
    if a.rank == 0 or b.rank == 0:
        raise node.error("MatMul needs operands of rank 1 or more")
    if b.data is not None and b.rank == 2 and a.rank >= 2:
        w = ctx.const(np.ascontiguousarray(b.data.T))
        out = (*sig(a)[:-1], b.shape[1])
        return [ctx.op("FULLY_CONNECTED", [a, w, None], (a.dtype, out),
                       fused_activation="NONE", keep_num_dims=True)]  # fmt: skip
    a2 = reshape(ctx, a, (1, sig(a)[0])) if a.rank == 1 else a
    b2 = reshape(ctx, b, (sig(b)[0], 1)) if b.rank == 1 else b
    batch = bshape(_batch(ctx, a2), _batch(ctx, b2)) if max(a2.rank, b2.rank) > 2 else ()
    out = (*batch, sig(a2)[-2], sig(b2)[-1])
    y = ctx.op("BATCH_MATMUL", [a2, b2], (a.dtype, out), adj_x=False, adj_y=False)
    if a.rank == 1 or b.rank == 1:
        drop = tuple(
            i for i, flag in ((len(out) - 2, a.rank == 1), (len(out) - 1, b.rank == 1)) if flag
        )
        kept = tuple(d for i, d in enumerate(out) if i not in drop)
        y = ctx.op("SQUEEZE", [y], (a.dtype, kept), squeeze_dims=drop)
    return [y]


class _Shape:
    """Shape-only stand-in so that broadcasting helpers can work on batch dimensions."""

    def __init__(self, shape) -> None:
        self.signature_shape = tuple(shape)


def _batch(ctx: GraphContext, t):
    return _Shape(sig(t)[:-2])
