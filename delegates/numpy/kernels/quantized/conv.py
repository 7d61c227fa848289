"""Integer CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and BATCH_MATMUL (per-tensor and
per-channel weights), as TFLite's reference integer kernels compute them.

The accumulation ``sum((x - x_zp) * (w - w_zp))`` is exact in float64 (every term is below
2**16 and far fewer than 2**37 terms are summed), so the float kernels' im2col and BLAS matrix
products do it; the rescaling to the output is TFLite's fixed-point arithmetic.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np

from siglite.errors import InvalidModelError

from ...table import KERNELS
from .. import conv as float_conv
from ..xp import array_module
from .common import (
    INT_TYPES,
    activation_range,
    channel_values,
    quant,
    requantize,
    scale,
    zero_point,
)
from .fixedpoint import quantize_multipliers, wrap32


@lru_cache(maxsize=256)
def _multipliers(in_scale: float, filter_scales: tuple[float, ...], out_scale: float):
    # double(input_scale) * double(filter_scale) / double(output_scale), as TFLite's
    # PopulateConvolutionQuantizationParams computes the effective scale.
    real = [float(in_scale) * float(f) / float(out_scale) for f in filter_scales]
    return quantize_multipliers(real)


def output_multipliers(in_t: Any, w_t: Any, out_t: Any, channels: int, op: str):
    """Per-output-channel (multiplier, shift) arrays of a weighted op."""
    ws = channel_values(quant(w_t, op).scales.astype(np.float32), channels, op, "filter scales")
    return _multipliers(
        float(scale(in_t, op)), tuple(float(s) for s in ws), float(scale(out_t, op))
    )


def centered(x: Any, tensor: Any, op: str, axis: int | None = None) -> Any:
    """``x - zero_point`` as float64 (per channel along ``axis`` for per-channel weights)."""
    xp = array_module(x)
    q = quant(tensor, op)
    zps = np.asarray(q.zero_points, dtype=np.float64)
    if zps.size > 1 and axis is not None:
        shape = [1] * x.ndim
        shape[axis] = zps.size
        zps = zps.reshape(shape)
    else:
        zps = zps[:1].reshape(())
    return x.astype(xp.float64) - xp.asarray(zps)


def _finish(ctx, acc: Any, bias: Any, op: str, fused: str, channels: int) -> Any:
    """Accumulators (float64, exact) plus bias, rescaled to the output tensor."""
    xp = array_module(acc)
    acc = acc.astype(xp.int64)
    if bias is not None:
        acc = acc + bias.astype(xp.int64)
    out_t = ctx.outputs[0]
    mult, shift = output_multipliers(ctx.inputs[0], ctx.inputs[1], out_t, channels, op)
    dtype = out_t.dtype.numpy
    lo, hi = activation_range(fused, out_t, dtype, op)
    rounding = "away" if op == "FULLY_CONNECTED" else None  # see fixedpoint.SINGLE_ROUNDING
    m, s = xp.asarray(mult), xp.asarray(shift)
    return requantize(wrap32(acc), m, s, zero_point(out_t, op), lo, hi, dtype, rounding)


def _conv(ctx, op: str, float_kernel: Any, axis: int, x, filt, bias, fused: str, geometry):
    """The float kernel on zero-point-centred operands (exact), rescaled to the output;
    ``axis`` is the filter's output-channel axis."""
    geometry = {k: v for k, v in geometry.items() if k in _CONV_ATTRS}
    xc = centered(x, ctx.inputs[0], op)
    fc = centered(filt, ctx.inputs[1], op, axis=axis)
    acc = float_kernel(xc, fc, None, **geometry)
    return _finish(ctx, acc, bias, op, fused, filt.shape[axis])


@KERNELS.register("CONV_2D", context=True, dtypes=INT_TYPES, quantized=True)
def conv_2d(ctx, x, filt, bias=None, *, fused_activation="NONE", **geometry: Any):
    """NHWC x OHWI convolution on quantized data (grouped when the filter is shallower)."""
    return _conv(ctx, "CONV_2D", float_conv.conv_2d, 0, x, filt, bias, fused_activation, geometry)


@KERNELS.register("DEPTHWISE_CONV_2D", context=True, dtypes=INT_TYPES, quantized=True)
def depthwise_conv_2d(ctx, x, filt, bias=None, *, fused_activation="NONE", **geometry: Any):
    """NHWC x 1HWO depthwise convolution on quantized data."""
    return _conv(
        ctx, "DEPTHWISE_CONV_2D", float_conv.depthwise_conv_2d, 3, x, filt, bias,
        fused_activation, geometry,
    )  # fmt: skip


_CONV_ATTRS = frozenset(
    ("padding", "stride_w", "stride_h", "dilation_w_factor", "dilation_h_factor")
)


@KERNELS.register("FULLY_CONNECTED", context=True, dtypes=INT_TYPES, quantized=True)
def fully_connected(ctx, x, weights, bias=None, *, fused_activation="NONE", keep_num_dims=False):
    """(..., I) x (O, I)^T + bias on quantized data; leading dims collapse unless kept."""
    units, depth = weights.shape
    if x.size % depth:
        raise InvalidModelError(f"FULLY_CONNECTED: input {x.shape} does not hold rows of {depth}")
    xc = centered(x, ctx.inputs[0], "FULLY_CONNECTED").reshape(-1, depth)
    wc = centered(weights, ctx.inputs[1], "FULLY_CONNECTED", axis=0)
    out = _finish(ctx, xc @ wc.T, bias, "FULLY_CONNECTED", fused_activation, units)
    return out.reshape(*x.shape[:-1], units) if keep_num_dims else out


@KERNELS.register("BATCH_MATMUL", context=True, dtypes=INT_TYPES, quantized=True)
def batch_matmul(ctx, x, y, *, adj_x=False, adj_y=False):
    """Quantized matrix product over the last two axes with broadcast batch axes."""
    xp = array_module(x)
    op = "BATCH_MATMUL"
    xc = centered(x, ctx.inputs[0], op)
    yc = centered(y, ctx.inputs[1], op)
    if adj_x:
        xc = xp.swapaxes(xc, -1, -2)
    if adj_y:
        yc = xp.swapaxes(yc, -1, -2)
    acc = xp.matmul(xc, yc).astype(xp.int64)
    out_t = ctx.outputs[0]
    # batch_matmul.cc multiplies the three float32 scales in float before widening
    real = float(scale(ctx.inputs[0], op) * scale(ctx.inputs[1], op) / scale(out_t, op))
    mult, shift = quantize_multipliers([real])
    dtype = out_t.dtype.numpy
    lo, hi = activation_range("NONE", out_t, dtype, op)
    return requantize(
        wrap32(acc), int(mult[0]), int(shift[0]), zero_point(out_t, op), lo, hi, dtype
    )
