"""Integer AVERAGE_POOL_2D, MAX_POOL_2D and MEAN, as TFLite's reference integer kernels compute
them. Pooling keeps the input's quantization (TFLite requires the output to share it)."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ...table import KERNELS
from ..pooling import _pool, _window_counts
from ..reductions import norm_axes
from ..xp import array_module
from .common import INT_TYPES, activation_range, requantize, scale, type_range, zero_point
from .fixedpoint import multiply_by_quantized_multiplier, quantize_multiplier


def rounded_div(xp, acc, count):
    """``acc / count`` rounded half away from zero, as the reference kernels' integer formula
    ``(acc +- count / 2) / count`` with C's truncating division."""
    q = (xp.abs(acc) + count // 2) // count
    return xp.where(acc < 0, -q, q)


@KERNELS.register("AVERAGE_POOL_2D", context=True, dtypes=INT_TYPES)
def average_pool_2d(
    ctx, x, *, padding="SAME", stride_w=1, stride_h=1, filter_width=1, filter_height=1,
    fused_activation="NONE",
):  # fmt: skip
    """Rounded mean over each window's real elements."""
    xp = array_module(x)
    total, (h, w), (oh, ow), (ph, pw) = _pool(
        x.astype(xp.int64), xp.add, 0, padding, stride_w, stride_h, filter_width, filter_height
    )
    counts_h = _window_counts(xp, h, oh, ph, filter_height, stride_h)
    counts_w = _window_counts(xp, w, ow, pw, filter_width, stride_w)
    counts = (counts_h[:, None] * counts_w[None, :]).astype(xp.int64)[None, :, :, None]
    out_t = ctx.outputs[0]
    lo, hi = activation_range(fused_activation, out_t, x.dtype, "AVERAGE_POOL_2D")
    return xp.clip(rounded_div(xp, total, counts), lo, hi).astype(x.dtype)


@KERNELS.register("MAX_POOL_2D", context=True, dtypes=INT_TYPES)
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
def _mean_multiplier(in_scale: float, out_scale: float, count: int, spatial: bool):
    mult, shift = quantize_multiplier(in_scale / out_scale)
    if spatial or count == 0:
        return mult, shift
    # QuantizedMeanOrSum folds 1/count into the multiplier, keeping as many bits as it can
    bits = min(count.bit_length() - 1, 32, 31 + shift)
    return ((mult << bits) // count), shift - bits


@KERNELS.register("MEAN", context=True, dtypes=INT_TYPES)
def mean(ctx, x, axis, *, keep_dims=False):
    """Quantized mean over the axes tensor, rescaled to the output's quantization."""
    xp = array_module(x)
    op = "MEAN"
    in_t, out_t = ctx.inputs[0], ctx.outputs[0]
    raw_axes = [int(a) for a in np.asarray(axis.get() if hasattr(axis, "get") else axis).ravel()]
    axes = norm_axes(axis, x.ndim)
    count = int(np.prod([x.shape[a] for a in axes], dtype=np.int64))
    # The reference kernel has a dedicated path for keep_dims spatial means of 4-D int8 data.
    spatial = bool(keep_dims) and x.ndim == 4 and sorted(raw_axes) == [1, 2] and x.dtype == np.int8
    in_zp, out_zp = zero_point(in_t, op), zero_point(out_t, op)
    mult, shift = _mean_multiplier(float(scale(in_t, op)), float(scale(out_t, op)), count, spatial)
    total = xp.sum(x.astype(xp.int64), axis=axes, keepdims=keep_dims) - in_zp * count
    lo, hi = type_range(x.dtype)
    if spatial:
        acc = rounded_div(xp, multiply_by_quantized_multiplier(total, mult, shift), count)
        return xp.clip(acc + out_zp, lo, hi).astype(x.dtype)
    return requantize(total, mult, shift, out_zp, lo, hi, x.dtype)
