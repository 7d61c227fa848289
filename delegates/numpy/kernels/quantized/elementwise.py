"""Integer ADD, SUB and MUL with broadcasting, as TFLite's reference integer kernels compute them.

ADD and SUB bring both inputs to a common scale first: each value, shifted left by 20 bits, is
multiplied by ``input_scale / (2 * max_input_scale)``; the sum is then rescaled to the output.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from ...table import KERNELS
from ..xp import array_module
from .common import INT_TYPES, activation_range, requantize, scale, zero_point
from .fixedpoint import multiply_by_quantized_multiplier, quantize_multiplier

# The headroom ADD/SUB give 8-bit inputs before rescaling them (15 for int16).
LEFT_SHIFT = 20


@lru_cache(maxsize=256)
def _add_params(s1: float, s2: float, s_out: float):
    twice_max = float(np.float32(2) * max(np.float32(s1), np.float32(s2)))
    out_denominator = float(np.float32(1 << LEFT_SHIFT) * np.float32(s_out))
    return (
        quantize_multiplier(s1 / twice_max),
        quantize_multiplier(s2 / twice_max),
        quantize_multiplier(twice_max / out_denominator),
    )


def _add_or_sub(ctx, x, y, fused: str, sign: int, op: str):
    xp = array_module(x)
    t1, t2, out_t = ctx.inputs[0], ctx.inputs[1], ctx.outputs[0]
    (m1, e1), (m2, e2), (mo, eo) = _add_params(
        float(scale(t1, op)), float(scale(t2, op)), float(scale(out_t, op))
    )
    v1 = (x.astype(xp.int64) - zero_point(t1, op)) << LEFT_SHIFT
    v2 = (y.astype(xp.int64) - zero_point(t2, op)) << LEFT_SHIFT
    s1 = multiply_by_quantized_multiplier(v1, m1, e1)
    s2 = multiply_by_quantized_multiplier(v2, m2, e2)
    dtype = out_t.dtype.numpy
    lo, hi = activation_range(fused, out_t, dtype, op)
    return requantize(s1 + sign * s2, mo, eo, zero_point(out_t, op), lo, hi, dtype)


@KERNELS.register("ADD", context=True, dtypes=INT_TYPES, quantized=True)
def add(ctx, x, y, *, fused_activation="NONE"):
    """x + y on quantized data."""
    return _add_or_sub(ctx, x, y, fused_activation, 1, "ADD")


@KERNELS.register("SUB", context=True, dtypes=INT_TYPES, quantized=True)
def sub(ctx, x, y, *, fused_activation="NONE"):
    """x - y on quantized data."""
    return _add_or_sub(ctx, x, y, fused_activation, -1, "SUB")


@KERNELS.register("MUL", context=True, dtypes=INT_TYPES, quantized=True)
def mul(ctx, x, y, *, fused_activation="NONE"):
    """x * y on quantized data: the product of the centered values, rescaled once."""
    xp = array_module(x)
    op = "MUL"
    t1, t2, out_t = ctx.inputs[0], ctx.inputs[1], ctx.outputs[0]
    # mul.cc multiplies and divides the float32 scales in float before widening to double
    real = float(scale(t1, op) * scale(t2, op) / scale(out_t, op))
    m, e = quantize_multiplier(real)
    prod = (x.astype(xp.int64) - zero_point(t1, op)) * (y.astype(xp.int64) - zero_point(t2, op))
    dtype = out_t.dtype.numpy
    lo, hi = activation_range(fused_activation, out_t, dtype, op)
    return requantize(prod, m, e, zero_point(out_t, op), lo, hi, dtype)
