"""Normalisations and softmax, decomposed into builtins (MUL/ADD/MEAN/RSQRT ...)."""

from __future__ import annotations

import numpy as np

import siglite.dtypes as sdt

from ..context import FLOATS, GraphContext, NodeView
from ..emit import (
    binary,
    cast,
    normalize_axis,
    reshape,
    scalar,
    sig,
    to_nchw,
    to_nhwc,
    transpose,
    unary,
)
from . import handler
from .elementwise import F32, check_dtype


def _channel_shaped(ctx: GraphContext, t, rank: int):
    """A per-channel [C] vector shaped [C, 1, ...] to broadcast against NC... data."""
    return reshape(ctx, t, (sig(t)[0],) + (1,) * max(rank - 2, 0))


def _only_first_output(node: NodeView) -> None:
    for i in range(1, len(node.output_names)):
        if node.wants_output(i):
            raise node.error(f"output {i} is only produced in training mode; not supported")


@handler("BatchNormalization")
def batch_norm(ctx: GraphContext, node: NodeView):
    x, scale, bias, mean, var = (node.input(i) for i in range(5))
    check_dtype(node, x, FLOATS)
    _only_first_output(node)
    eps = float(node.attr("epsilon", 1e-5))
    node.attr("momentum"), node.attr("is_test"), node.attr("consumed_inputs")
    if int(node.attr("training_mode", 0)) or not int(node.attr("spatial", 1)):
        raise node.error("training_mode=1 and spatial=0 are not supported")
    params = (scale, bias, mean, var)
    if all(p.data is not None for p in params):
        a = scale.data / np.sqrt(var.data.astype(np.float64) + eps)
        b = bias.data - mean.data * a
        a_t = ctx.const(a.astype(x.dtype.numpy).reshape((-1,) + (1,) * (x.rank - 2)))
        b_t = ctx.const(b.astype(x.dtype.numpy).reshape((-1,) + (1,) * (x.rank - 2)))
    else:
        inv = unary(ctx, "RSQRT", binary(ctx, "ADD", var, scalar(ctx, eps, var)))
        a = binary(ctx, "MUL", scale, inv)
        b = binary(ctx, "SUB", bias, binary(ctx, "MUL", mean, a))
        a_t, b_t = _channel_shaped(ctx, a, x.rank), _channel_shaped(ctx, b, x.rank)
    return [binary(ctx, "ADD", binary(ctx, "MUL", x, a_t), b_t)]


def _mean(ctx: GraphContext, x, axes):
    out = tuple(1 if i in axes else d for i, d in enumerate(sig(x)))
    return ctx.op("MEAN", [x, ctx.const(np.array(axes, np.int32))], (x.dtype, out), keep_dims=True)


def _normalize(ctx: GraphContext, x, axes, eps: float, stats: list | None = None):
    mean = _mean(ctx, x, axes)
    d = binary(ctx, "SUB", x, mean)
    var = _mean(ctx, binary(ctx, "MUL", d, d), axes)
    inv = unary(ctx, "RSQRT", binary(ctx, "ADD", var, scalar(ctx, eps, x)))
    if stats is not None:
        stats += [mean, inv]
    return binary(ctx, "MUL", d, inv)


@handler("InstanceNormalization")
def instance_norm(ctx: GraphContext, node: NodeView):
    x, scale, bias = node.input(0), node.input(1), node.input(2)
    check_dtype(node, x, FLOATS)
    y = _normalize(ctx, x, tuple(range(2, x.rank)), float(node.attr("epsilon", 1e-5)))
    y = binary(ctx, "MUL", y, _channel_shaped(ctx, scale, x.rank))
    return [binary(ctx, "ADD", y, _channel_shaped(ctx, bias, x.rank))]


@handler("LayerNormalization")
def layer_norm(ctx: GraphContext, node: NodeView):
    x, scale, bias = node.input(0), node.input(1), node.input(2)
    check_dtype(node, x, FLOATS)
    if int(node.attr("stash_type", 1)) != 1 and x.dtype.name != "float32":
        raise node.error("statistics are computed in the input type; stash_type must be 1")
    axis = normalize_axis(int(node.attr("axis", -1)), x.rank, node.where)
    stats: list = []
    y = _normalize(ctx, x, tuple(range(axis, x.rank)), float(node.attr("epsilon", 1e-5)), stats)
    y = binary(ctx, "MUL", y, scale)
    return [binary(ctx, "ADD", y, bias) if bias is not None else y, *stats]


@handler("RMSNormalization")
def rms_norm(ctx: GraphContext, node: NodeView):
    x, scale = node.input(0), node.input(1)
    check_dtype(node, x, FLOATS)
    node.attr("stash_type")
    axis = normalize_axis(int(node.attr("axis", -1)), x.rank, node.where)
    eps = float(node.attr("epsilon", 1e-5))
    ms = _mean(ctx, binary(ctx, "MUL", x, x), tuple(range(axis, x.rank)))
    inv = unary(ctx, "RSQRT", binary(ctx, "ADD", ms, scalar(ctx, eps, x)))
    return [binary(ctx, "MUL", binary(ctx, "MUL", x, inv), scale)]


@handler("LRN")
def lrn(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    check_dtype(node, x, F32)
    if x.rank != 4 or sig(x)[1] < 0:
        raise node.error("LRN needs 4-D input with a static channel dimension")
    size = int(node.attr("size"))
    alpha, beta = float(node.attr("alpha", 1e-4)), float(node.attr("beta", 0.75))
    bias = float(node.attr("bias", 1.0))
    c = sig(x)[1]
    lo, hi = (size - 1) // 2, size - 1 - (size - 1) // 2
    band = np.zeros((c, 1, 1, c), x.dtype.numpy)  # OHWI: output channel sums a channel window
    for o in range(c):
        band[o, 0, 0, max(0, o - lo) : min(c, o + hi + 1)] = alpha / size
    xh = to_nhwc(ctx, x)
    sq = binary(ctx, "MUL", xh, xh)
    zeros = ctx.const(np.zeros(c, x.dtype.numpy))
    s = ctx.op("CONV_2D", [sq, ctx.const(band), zeros], (x.dtype, sig(sq)), padding="VALID",
               stride_h=1, stride_w=1, dilation_h_factor=1, dilation_w_factor=1,
               fused_activation="NONE")  # fmt: skip
    den = binary(ctx, "POW", binary(ctx, "ADD", s, scalar(ctx, bias, x)), scalar(ctx, beta, x))
    return [to_nchw(ctx, binary(ctx, "DIV", xh, den))]


def _softmax_like(ctx: GraphContext, node: NodeView, op: str):
    x = node.input(0)
    check_dtype(node, x, F32)
    attrs = {"beta": 1.0} if op == "SOFTMAX" else {}
    if x.rank == 0:
        raise node.error("scalar input is not supported")
    if ctx.opset < 13:
        axis = normalize_axis(int(node.attr("axis", 1)), x.rank, node.where)
        if axis == x.rank - 1:
            return [unary(ctx, op, x, **attrs)]
        rest = sig(x)[axis:]
        if min(rest) < 0:
            raise node.error("axis before the last needs static trailing dimensions")
        flat = reshape(ctx, x, (-1, int(np.prod(rest))))
        y = unary(ctx, op, flat, **attrs)
        return [reshape(ctx, y, sig(x) if min(sig(x)) >= 0 else (-1, *rest))]
    axis = normalize_axis(int(node.attr("axis", -1)), x.rank, node.where)
    perm = list(range(x.rank))
    perm[axis], perm[-1] = perm[-1], perm[axis]
    y = unary(ctx, op, transpose(ctx, x, perm), **attrs)
    return [transpose(ctx, y, perm)]


@handler("Softmax")
def softmax(ctx: GraphContext, node: NodeView):
    return _softmax_like(ctx, node, "SOFTMAX")


@handler("LogSoftmax")
def log_softmax(ctx: GraphContext, node: NodeView):
    return _softmax_like(ctx, node, "LOG_SOFTMAX")


@handler("LpNormalization")
def lp_normalization(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    check_dtype(node, x, FLOATS)
    axis = normalize_axis(int(node.attr("axis", -1)), x.rank, node.where)
    p = int(node.attr("p", 2))
    if p not in (1, 2):
        raise node.error(f"p={p} is not supported (1 and 2 are)")
    axes = ctx.const(np.array([axis], np.int32))
    out = tuple(1 if i == axis else d for i, d in enumerate(sig(x)))
    v = unary(ctx, "ABS", x) if p == 1 else binary(ctx, "MUL", x, x)
    norm = ctx.op("SUM", [v, axes], (x.dtype, out), keep_dims=True)
    if p == 2:
        norm = unary(ctx, "SQRT", norm)
    # An all-zero slice has norm 0: divide by the smallest normal instead (0 / tiny = 0).
    norm = binary(ctx, "MAXIMUM", scalar(ctx, np.finfo(x.dtype.numpy).tiny, x), norm)
    return [binary(ctx, "DIV", x, norm)]


@handler("Hardmax")
def hardmax(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    check_dtype(node, x, FLOATS)
    default = 1 if ctx.opset < 13 else -1
    axis = normalize_axis(int(node.attr("axis", default)), x.rank, node.where)
    shape = sig(x)
    if ctx.opset < 13 and axis != x.rank - 1:
        rest = shape[axis:]
        if min(shape) < 0:
            raise node.error("a coerced axis needs a static shape")
        flat = reshape(ctx, x, (-1, int(np.prod(rest))))
        return [reshape(ctx, _one_hot_max(ctx, node, flat, 1), shape)]
    return [_one_hot_max(ctx, node, x, axis)]


def _one_hot_max(ctx: GraphContext, node: NodeView, x, axis: int):
    """1 at the first maximum along ``axis``, 0 elsewhere."""
    n = sig(x)[axis]
    if n < 0:
        raise node.error("the hardmax axis must be static")
    out = tuple(d for i, d in enumerate(sig(x)) if i != axis)
    idx = ctx.op("ARG_MAX", [x, ctx.const(np.array([axis], np.int32))], (sdt.int32, out),
                 output_type="INT32")  # fmt: skip
    kept = tuple(1 if i == axis else d for i, d in enumerate(sig(x)))
    idx = ctx.op("EXPAND_DIMS", [idx, ctx.const(np.array(axis, np.int32))], (sdt.int32, kept))
    positions = np.arange(n, dtype=np.int32).reshape([n if i == axis else 1 for i in range(x.rank)])
    hit = binary(ctx, "EQUAL", idx, ctx.const(positions))
    return cast(ctx, hit, x.dtype)
