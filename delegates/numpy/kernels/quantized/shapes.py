"""Integer data movement and (re)quantization: RESHAPE, CONCATENATION, PAD, PADV2, QUANTIZE
(int8/uint8/int16 -> int8/uint8/int16 requantization) and DEQUANTIZE."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from siglite.errors import InvalidModelError

from ...table import KERNELS
from .. import quantize as float_quantize
from .. import shapes as float_shapes
from ..xp import array_module
from .common import INT_TYPES, activation_range, quant, requantize, scale, type_range, zero_point
from .fixedpoint import quantize_multiplier


@KERNELS.register("RESHAPE", dtypes=INT_TYPES, quantized=True)
def reshape(x, shape=None, *, new_shape=None):
    """Reshape; the quantization is carried unchanged."""
    return float_shapes.reshape(x, shape, new_shape=new_shape)


def _rescale_float(xp, x, in_scale, in_zp, out_scale, out_zp, dtype):
    """ConcatenationWithScaling's float requantization of one input (round half away)."""
    factor = np.float32(in_scale) * (np.float32(1) / np.float32(out_scale))
    bias = np.float32(-in_zp) * factor
    v = x.astype(xp.float32) * factor + bias
    lo, hi = type_range(dtype)
    return xp.clip(float_quantize.round_half_away(xp, v) + out_zp, lo, hi).astype(dtype)


@KERNELS.register("CONCATENATION", context=True, dtypes=INT_TYPES, quantized=True)
def concatenation(ctx, *xs, axis=0, fused_activation="NONE"):
    """Join the inputs along axis, bringing each to the output's quantization."""
    xp = array_module(*xs)
    out_t = ctx.outputs[0]
    op = "CONCATENATION"
    s_out, zp_out = scale(out_t, op), zero_point(out_t, op)
    dtype = out_t.dtype.numpy
    parts = []
    for x, t in zip(xs, ctx.inputs, strict=True):
        s, zp = scale(t, op), zero_point(t, op)
        same = s == s_out and zp == zp_out
        parts.append(x if same else _rescale_float(xp, x, s, zp, s_out, zp_out, dtype))
    out = xp.concatenate(parts, axis=axis)
    lo, hi = activation_range(fused_activation, out_t, dtype, op)
    return xp.clip(out, lo, hi).astype(dtype)


@KERNELS.register("PAD", context=True, dtypes=INT_TYPES, quantized=True)
def pad(ctx, x, paddings):
    """Pad with the output zero point (the quantized 0.0)."""
    value = zero_point(ctx.outputs[0], "PAD")
    return float_shapes._pad(x, paddings, constant_values=value)


@KERNELS.register("PADV2", context=True, dtypes=INT_TYPES, quantized=True)
def pad_v2(ctx, x, paddings, constant_values=None):
    """Pad with constant_values (already quantized), else the output zero point."""
    if constant_values is None:
        return pad(ctx, x, paddings)
    return float_shapes._pad(x, paddings, constant_values=constant_values.reshape(-1)[0])


@lru_cache(maxsize=256)
def _requant_multiplier(in_scale: float, out_scale: float) -> tuple[int, int]:
    return quantize_multiplier(in_scale / out_scale)


@KERNELS.register("QUANTIZE", context=True, dtypes=(*INT_TYPES, "int16"), quantized=True)
def requantize_op(ctx, x):
    """Integer to integer requantization (int8 <-> uint8, a new scale or zero point)."""
    in_t, out_t = ctx.inputs[0], ctx.outputs[0]
    dtype = out_t.dtype.numpy
    if dtype.kind not in "iu":
        raise InvalidModelError(f"QUANTIZE: output %{out_t.name} must be an integer type")
    if quant(in_t, "QUANTIZE").per_channel:
        raise InvalidModelError(f"QUANTIZE: requantizing %{in_t.name} needs per-tensor parameters")
    mult, shift = _requant_multiplier(
        float(scale(in_t, "QUANTIZE")), float(scale(out_t, "QUANTIZE"))
    )
    centered = x.astype(array_module(x).int64) - zero_point(in_t, "QUANTIZE")
    lo, hi = type_range(dtype)
    return requantize(centered, mult, shift, zero_point(out_t, "QUANTIZE"), lo, hi, dtype)


# DEQUANTIZE's float kernel already handles every integer type, per tensor and per channel;
# registering it for the integer types makes it part of the integer kernel set.
KERNELS.add("DEQUANTIZE", float_quantize.dequantize, context=True, dtypes=INT_TYPES, quantized=True)
