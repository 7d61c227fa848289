"""Integer activations as TFLite's reference kernels compute them: SOFTMAX (gemmlowp fixed
point), LOGISTIC and TANH (a 256-entry table built with float math), HARD_SWISH (16-bit fixed
point), RELU / RELU6 / RELU_N1_TO_1 (rescale, then clamp)."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import numpy as np

from ...table import KERNELS
from ..xp import array_module
from .common import INT_TYPES, requantize, scale, type_range, zero_point
from .fixedpoint import (
    INT32_MAX,
    exp_on_negative_values,
    fixed_mul,
    get_reciprocal,
    multiply_by_quantized_multiplier_gt_one,
    quantize_multiplier,
    rescale,
    round_half_away,
    rounding_divide_by_pot,
    saturating_left_shift16,
    sdhm16,
    srdhm16,
)

# Softmax works on input differences in Q5.26 and accumulates exponentials in Q12.19.
SCALED_DIFF_INTEGER_BITS = 5
ACCUMULATION_INTEGER_BITS = 12


@lru_cache(maxsize=256)
def softmax_params(beta: float, input_scale: float) -> tuple[int, int, int]:
    """(multiplier, left shift, diff_min) of PreprocessSoftmaxScaling / CalculateInputRadius."""
    bits = SCALED_DIFF_INTEGER_BITS
    real = min(beta * input_scale * (1 << (31 - bits)), float((1 << 31) - 1))
    mult, left_shift = quantize_multiplier(real)
    radius = math.floor(((1 << bits) - 1) * (1 << (31 - bits)) / (1 << left_shift))
    return mult, left_shift, -radius


@KERNELS.register("SOFTMAX", context=True, dtypes=INT_TYPES, quantized=True)
def softmax(ctx, x, *, beta=1.0):
    """Softmax over the last axis in fixed point; the output scale is 1/256."""
    xp = array_module(x)
    mult, left_shift, diff_min = softmax_params(float(beta), float(scale(ctx.inputs[0], "SOFTMAX")))
    diff = x.astype(xp.int64) - x.max(axis=-1, keepdims=True).astype(xp.int64)
    live = diff >= diff_min
    scaled = multiply_by_quantized_multiplier_gt_one(xp.where(live, diff, 0), mult, left_shift)
    exps = exp_on_negative_values(scaled, SCALED_DIFF_INTEGER_BITS)
    terms = rescale(exps, 0, ACCUMULATION_INTEGER_BITS)
    total = xp.where(live, terms, 0).sum(axis=-1, keepdims=True)
    reciprocal, bits_over_unit = get_reciprocal(total, ACCUMULATION_INTEGER_BITS)
    dtype = ctx.outputs[0].dtype.numpy
    lo, hi = type_range(dtype)
    exponent = bits_over_unit + 31 - 8 * np.dtype(dtype).itemsize
    out = rounding_divide_by_pot(fixed_mul(reciprocal, exps), exponent) + lo
    return xp.where(live, xp.clip(out, lo, hi), lo).astype(dtype)


def _lookup_table(ctx, op: str, fn, dtype: Any) -> np.ndarray:
    """PopulateLookupTable: the float function of every dequantized input value, requantized."""
    in_t, out_t = ctx.inputs[0], ctx.outputs[0]
    lo, hi = type_range(dtype)
    vals = np.arange(lo, hi + 1, dtype=np.int64)
    deq = scale(in_t, op) * (vals - zero_point(in_t, op)).astype(np.float32)
    transformed = fn(deq.astype(np.float32))
    inverse = np.float32(1) / scale(out_t, op)
    scaled = (transformed * inverse).astype(np.float32)
    q = np.array([round_half_away(float(v)) for v in scaled], dtype=np.int64)
    return np.clip(q + zero_point(out_t, op), lo, hi).astype(dtype)


def _sigmoid32(v: np.ndarray) -> np.ndarray:
    # 1.0f / (1.0f + std::exp(-v)) in float32; expf rounded from the double result
    e = np.exp(-v.astype(np.float64)).astype(np.float32)
    return np.float32(1) / (np.float32(1) + e)


def _tanh32(v: np.ndarray) -> np.ndarray:
    return np.tanh(v.astype(np.float64)).astype(np.float32)


def _apply_table(x: Any, table: np.ndarray) -> Any:
    xp = array_module(x)
    lo = type_range(x.dtype)[0]
    return xp.asarray(table)[x.astype(xp.int64) - lo]


@KERNELS.register("LOGISTIC", context=True, dtypes=INT_TYPES, quantized=True)
def logistic(ctx, x):
    """1 / (1 + exp(-x)) through a table of every input value."""
    return _apply_table(x, _lookup_table(ctx, "LOGISTIC", _sigmoid32, x.dtype))


@KERNELS.register("TANH", context=True, dtypes=INT_TYPES, quantized=True)
def tanh(ctx, x):
    """tanh(x) through a table of every input value."""
    return _apply_table(x, _lookup_table(ctx, "TANH", _tanh32, x.dtype))


def _int16_multiplier(real: float) -> tuple[int, int]:
    """QuantizeMultiplier, then DownScaleInt32ToInt16Multiplier."""
    m32, exponent = quantize_multiplier(real)
    if m32 >= INT32_MAX - (1 << 15):
        return (1 << 15) - 1, exponent
    return (m32 + (1 << 15)) >> 16, exponent


@lru_cache(maxsize=256)
def hard_swish_params(input_scale: float, output_scale: float):
    """(output multiplier, exponent, reluish multiplier, exponent) of HardSwishPrepare."""
    hires = np.float32(1.0 / 128.0) * np.float32(input_scale)
    out_m = _int16_multiplier(float(hires / np.float32(output_scale)))
    reluish = _int16_multiplier(float(hires / np.float32(3.0 / 32768.0)))
    return (*out_m, *reluish)


@KERNELS.register("HARD_SWISH", context=True, dtypes=INT_TYPES, quantized=True)
def hard_swish(ctx, x):
    """x * relu6(x + 3) / 6 in 16-bit fixed point."""
    xp = array_module(x)
    in_t, out_t = ctx.inputs[0], ctx.outputs[0]
    out_m, out_e, rel_m, rel_e = hard_swish_params(
        float(scale(in_t, "HARD_SWISH")), float(scale(out_t, "HARD_SWISH"))
    )
    hires = (x.astype(xp.int64) - zero_point(in_t, "HARD_SWISH")) * 128
    preshift_out = srdhm16(hires, out_m)
    reluish = hires
    if rel_e > 0:
        reluish = saturating_left_shift16(reluish, rel_e - 1)
    reluish = srdhm16(reluish, rel_m)
    if rel_e > 0:
        reluish = saturating_left_shift16(reluish, 1)
    if rel_e < 0:
        reluish = rounding_divide_by_pot(reluish, -rel_e)
    reluish = (reluish + (1 << 15)) >> 1
    out = rounding_divide_by_pot(sdhm16(reluish, preshift_out), -out_e)
    lo, hi = type_range(x.dtype)
    return xp.clip(out + zero_point(out_t, "HARD_SWISH"), lo, hi).astype(x.dtype)


def _relu_x(ctx, x, act_min: float, act_max: float | None, op: str):
    in_t, out_t = ctx.inputs[0], ctx.outputs[0]
    s_out, zp_out = scale(out_t, op), zero_point(out_t, op)
    lo, hi = type_range(x.dtype)
    lo = max(lo, zp_out + round_half_away(float(np.float32(act_min) / s_out)))
    if act_max is not None:
        hi = min(hi, zp_out + round_half_away(float(np.float32(act_max) / s_out)))
    mult, shift = quantize_multiplier(float(scale(in_t, op) / s_out))
    centered = x.astype(array_module(x).int64) - zero_point(in_t, op)
    return requantize(centered, mult, shift, zp_out, lo, hi, x.dtype)


@KERNELS.register("RELU", context=True, dtypes=INT_TYPES, quantized=True)
def relu(ctx, x):
    """max(x, 0), rescaled to the output's quantization."""
    return _relu_x(ctx, x, 0.0, None, "RELU")


@KERNELS.register("RELU6", context=True, dtypes=INT_TYPES, quantized=True)
def relu6(ctx, x):
    """min(max(x, 0), 6), rescaled to the output's quantization."""
    return _relu_x(ctx, x, 0.0, 6.0, "RELU6")


@KERNELS.register("RELU_N1_TO_1", context=True, dtypes=INT_TYPES, quantized=True)
def relu_n1_to_1(ctx, x):
    """min(max(x, -1), 1), rescaled to the output's quantization."""
    return _relu_x(ctx, x, -1.0, 1.0, "RELU_N1_TO_1")
