"""Batch norm (folded into the convolution before it when possible), layer norm, softmax."""

from __future__ import annotations

from typing import Any

import numpy as np

from siglite.ir import Tensor

from ..context import Context
from ..emit import normalize_axis, reshape, runtime_dim, sig, tensor, transpose
from . import handles


def bn_scale_shift(w: Any, b: Any, mean: Any, var: Any, eps: float) -> tuple[Any, Any]:
    """Per-channel ``scale, shift`` (torch tensors) of inference batch norm."""
    import torch

    with torch.no_grad():
        scale = torch.rsqrt(var + eps)
        if w is not None:
            scale = scale * w
        shift = -mean * scale
        if b is not None:
            shift = shift + b
    return scale, shift


@handles("aten._native_batch_norm_legit_no_training.default")
def batch_norm(
    ctx: Context, x: Any, w: Any, b: Any, mean: Any, var: Any, momentum: float, eps: float
):
    t = tensor(ctx, x)
    if ctx.node.name in ctx.fused:  # already applied by the convolution before it
        return (t, None, None)
    params = (w, b, mean, var)
    if not all(p is None or hasattr(p, "detach") for p in params):
        raise ctx.error("batch norm statistics and affine parameters must be constants")
    scale, shift = bn_scale_shift(w, b, mean, var, eps)
    shape = (-1,) + (1,) * (t.rank - 2)
    y = ctx.op("MUL", [t, ctx.const(scale.reshape(shape), "bn_scale")])
    dtype, out = ctx.out_type(index=0)
    y = ctx.op("ADD", [y, ctx.const(shift.reshape(shape), "bn_shift")], (dtype, out), ctx.node.name)
    return (y, None, None)


@handles("aten.native_layer_norm.default")
def layer_norm(ctx: Context, x: Any, shape: list, w: Any, b: Any, eps: float) -> tuple:
    t = tensor(ctx, x)
    axes = ctx.ints(list(range(t.rank - len(shape), t.rank)), "axes")
    mean = ctx.op("MEAN", [t, axes], keep_dims=True)
    centered = ctx.op("SUB", [t, mean])
    var = ctx.op("MEAN", [ctx.op("MUL", [centered, centered]), axes], keep_dims=True)
    rstd = ctx.op("RSQRT", [ctx.op("ADD", [var, ctx.scalar(eps, t.dtype)])])
    y = ctx.op("MUL", [centered, rstd])
    if w is not None:
        y = ctx.op("MUL", [y, tensor(ctx, w, t.dtype)])
    if b is not None:
        y = ctx.op("ADD", [y, tensor(ctx, b, t.dtype)])
    return (y, None, None)


def _softmax(ctx: Context, op: str, x: Any, dim: int, half_to_float: bool) -> Tensor:
    if half_to_float:
        raise ctx.error("half_to_float softmax is not supported")
    t = tensor(ctx, x)
    axis = normalize_axis(ctx, dim, t.rank)
    attrs = {"beta": 1.0} if op == "SOFTMAX" else {}
    if t.rank == 0:
        return ctx.const(np.array(1.0 if op == "SOFTMAX" else 0.0, np.float32))
    if axis == t.rank - 1:
        return ctx.emit(op, [t], **attrs)
    perm = list(range(t.rank))
    perm[axis], perm[-1] = perm[-1], perm[axis]
    y = ctx.op(op, [transpose(ctx, t, perm)], **attrs)
    return transpose(ctx, y, perm)


@handles("aten._softmax.default")
def softmax(ctx: Context, x: Any, dim: int, half_to_float: bool = False) -> Tensor:
    return _softmax(ctx, "SOFTMAX", x, dim, half_to_float)


@handles("aten._log_softmax.default")
def log_softmax(ctx: Context, x: Any, dim: int, half_to_float: bool = False) -> Tensor:
    return _softmax(ctx, "LOG_SOFTMAX", x, dim, half_to_float)


@handles("aten.native_group_norm.default")
def group_norm(ctx: Context, x: Any, w: Any, b: Any, n: Any, c: int, hw: Any, groups: int,
               eps: float) -> tuple:  # fmt: skip
    """Statistics over (C/G, H, W) of each group: a (N, G, -1) view, then per-channel affine."""
    t = tensor(ctx, x)
    dims = sig(t)
    if any(d < 0 for d in dims[1:]):
        raise ctx.error("group norm needs static channel and spatial sizes")
    per_group = int(np.prod(dims[1:])) // groups
    grouped = reshape(ctx, t, [runtime_dim(ctx, t, 0), groups, per_group])
    axes = ctx.ints([2], "axes")
    mean = ctx.op("MEAN", [grouped, axes], keep_dims=True)
    centered = ctx.op("SUB", [grouped, mean])
    var = ctx.op("MEAN", [ctx.op("MUL", [centered, centered]), axes], keep_dims=True)
    y = ctx.op("MUL", [centered, ctx.op("RSQRT", [ctx.op("ADD", [var, ctx.scalar(eps, t.dtype)])])])
    y = reshape(ctx, y, [runtime_dim(ctx, t, i) for i in range(t.rank)], (t.dtype, dims))
    shape = (-1,) + (1,) * (t.rank - 2)
    if w is not None:
        y = ctx.op("MUL", [y, tensor(ctx, w.reshape(shape) if hasattr(w, "detach") else w)])
    if b is not None:
        y = ctx.op("ADD", [y, tensor(ctx, b.reshape(shape) if hasattr(b, "detach") else b)])
    return (y, None, None)
