"""Integer AVERAGE_POOL_2D, MAX_POOL_2D and MEAN, as TFLite's reference integer kernels compute
them. Pooling keeps the input's quantization (TFLite requires the output to share it)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ...table import KERNELS
from ..pooling import _pool, window_counts
from ..reductions import norm_axes
from ..xp import array_module
from .common import INT_TYPES, activation_range, requantize, scale, type_range, zero_point
from .fixedpoint import quantize_multiplier


def rounded_div(xp, acc, count):
    """``acc / count`` rounded half away from zero, as the reference kernels' integer formula
    ``(acc +- count / 2) / count`` with C's truncating division."""
    q = (xp.abs(acc) + count // 2) // count
    return xp.where(acc < 0, -q, q)


@KERNELS.register("AVERAGE_POOL_2D", context=True, dtypes=INT_TYPES, quantized=True)
def average_pool_2d(
    ctx, x, *, padding="SAME", stride_w=1, stride_h=1, filter_width=1, filter_height=1,
    fused_activation="NONE",
):  # fmt: skip
    """Rounded mean over each window's real elements."""
    xp = array_module(x)
    total, *geometry = _pool(
        x.astype(xp.int64), xp.add, 0, padding, stride_w, stride_h, filter_width, filter_height
    )
    counts = window_counts(xp, geometry, filter_height, filter_width, stride_h, stride_w, xp.int64)
    out_t = ctx.outputs[0]
    lo, hi = activation_range(fused_activation, out_t, x.dtype, "AVERAGE_POOL_2D")
    return xp.clip(rounded_div(xp, total, counts), lo, hi).astype(x.dtype)


@KERNELS.register("MAX_POOL_2D", context=True, dtypes=INT_TYPES, quantized=True)
def max_pool_2d(
    ctx, x, *, padding="SAME", stride_w=1, stride_h=1, filter_width=1, filter_height=1,
    fused_activation="NONE",
):  # fmt: skip
    """Maximum over each window's real elements, clamped to the fused activation."""
    xp = array_module(x)
    low = type_range(x.dtype)[0]
    out, *_ = _pool(x, xp.maximum, low, padding, stride_w, stride_h, filter_width, filter_height)
    lo, hi = activation_range(fused_activation, ctx.outputs[0], x.dtype, "MAX_POOL_2D")
    return xp.clip(out, lo, hi).astype(x.dtype)


@lru_cache(maxsize=256)
def _mean_multiplier(in_scale: float, out_scale: float, count: int) -> tuple[int, int]:
    """QuantizedMeanOrSum's multiplier: in_scale / out_scale with 1/count folded in, keeping
    as many bits as the int32 significand allows (LiteRT uses it for every integer mean)."""
    mult, shift = quantize_multiplier(in_scale / out_scale)
    if count == 0:
        return mult, shift
    bits = min(count.bit_length() - 1, 32, 31 + shift)
    return (mult << bits) // count, shift - bits


@KERNELS.register("MEAN", context=True, dtypes=INT_TYPES, quantized=True)
def mean(ctx, x, axis, *, keep_dims=False):
    """Quantized mean over the axes tensor, rescaled to the output's quantization."""
    xp = array_module(x)
    op = "MEAN"
    in_t, out_t = ctx.inputs[0], ctx.outputs[0]
    axes = norm_axes(axis, x.ndim)
    count = int(np.prod([x.shape[a] for a in axes], dtype=np.int64))
    mult, shift = _mean_multiplier(float(scale(in_t, op)), float(scale(out_t, op)), count)
    total = xp.sum(x.astype(xp.int64), axis=axes, keepdims=keep_dims)
    total = total - zero_point(in_t, op) * count
    lo, hi = type_range(x.dtype)
    return requantize(total, mult, shift, zero_point(out_t, op), lo, hi, x.dtype)
