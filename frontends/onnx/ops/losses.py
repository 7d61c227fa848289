"""NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss, decomposed into builtins."""

from __future__ import annotations

import numpy as np

from ..context import FLOATS, GraphContext, NodeView
from ..emit import binary, cast, is_static, reshape, sig, unary
from . import handler
from .elementwise import check_dtype
from .indexing import gather_along
from .reductions import reduce


def _nll(ctx: GraphContext, node: NodeView, logp, target, weight):
    if not is_static(logp) or not is_static(target):
        raise node.error("static input shapes are needed")
    reduction = node.attr("reduction", "mean")
    if reduction not in ("none", "sum", "mean"):
        raise node.error(f"reduction={reduction!r} is not supported")
    ignore = node.attr("ignore_index")
    mask = None
    if ignore is not None:
        ignore_t = ctx.const(np.array(int(ignore), target.dtype.numpy))
        mask = binary(ctx, "NOT_EQUAL", target, ignore_t)
        zero = ctx.const(np.array(0, target.dtype.numpy))
        target = ctx.op("SELECT_V2", [mask, target, zero], (target.dtype, sig(target)))
    n, *rest = sig(target)
    idx = reshape(ctx, target, (n, 1, *rest))
    picked = reshape(ctx, gather_along(ctx, node, logp, idx, 1), sig(target))
    loss = unary(ctx, "NEG", picked)
    w = None
    if weight is not None:
        w = ctx.op("GATHER", [weight, target], (weight.dtype, sig(target)), axis=0, batch_dims=0)
    if mask is not None:
        m = cast(ctx, mask, logp.dtype)
        w = m if w is None else binary(ctx, "MUL", w, m)
    if w is not None:
        loss = binary(ctx, "MUL", loss, w)
    if reduction == "none":
        return loss
    axes = tuple(range(loss.rank))
    total = reduce(ctx, "SUM", loss, axes, False)
    if reduction == "sum":
        return total
    if w is None:
        return binary(
            ctx, "DIV", total, ctx.const(np.array(np.prod(sig(target)), logp.dtype.numpy))
        )
    return binary(ctx, "DIV", total, reduce(ctx, "SUM", w, axes, False))


@handler("NegativeLogLikelihoodLoss")
def nll_loss(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    check_dtype(node, x, FLOATS)
    return [_nll(ctx, node, x, node.input(1), node.input(2))]


def log_softmax_axis1(ctx: GraphContext, x):
    """log(softmax(x)) over axis 1, stable, in any float dtype."""
    m = reduce(ctx, "REDUCE_MAX", x, (1,), True)
    d = binary(ctx, "SUB", x, m)
    lse = unary(ctx, "LOG", reduce(ctx, "SUM", unary(ctx, "EXP", d), (1,), True))
    return binary(ctx, "SUB", d, lse)


@handler("SoftmaxCrossEntropyLoss")
def softmax_cross_entropy(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    check_dtype(node, x, FLOATS)
    if x.rank < 2:
        raise node.error("scores need a class dimension")
    logp = log_softmax_axis1(ctx, x)
    loss = _nll(ctx, node, logp, node.input(1), node.input(2))
    return [loss, logp]
