"""TFLite's fixed-point integer arithmetic, vectorized.

Integer values are carried as int64 arrays holding int32 (or int16) values, so products never
overflow; :func:`wrap32` reproduces C's two's-complement wrap-around where the reference kernels
rely on it. The functions follow TFLite's ``quantization_util`` and ``common.h`` (and the gemmlowp
fixed-point routines the reference kernels call) operation for operation, so results are
bit-exact.

Fixed-point numbers (gemmlowp's ``FixedPoint<int32, I>``) are plain raw arrays here; the number
of integer bits ``I`` is passed where an operation depends on it.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..xp import array_module

INT32_MIN = -(1 << 31)
INT32_MAX = (1 << 31) - 1

# TFLite rescales with double rounding (SaturatingRoundingDoublingHighMul, then
# RoundingDivideByPOT) unless built with TFLITE_SINGLE_ROUNDING (one rounding, half up).
# LiteRT's wheels use double rounding, except in FULLY_CONNECTED, whose integer path rounds the
# exact product once, ties away from zero (measured against LiteRT's reference kernels);
# kernels ask for that with ``rounding="away"``. This flag emulates single-rounding builds.
SINGLE_ROUNDING = False


def round_half_away(v: float) -> int:
    """``std::round`` of a double: to nearest, ties away from zero."""
    return int(math.copysign(math.floor(abs(v) + 0.5), v))


def quantize_multiplier(multiplier: float) -> tuple[int, int]:
    """A real multiplier as (int32 significand in [2^30, 2^31), power-of-two shift)."""
    if multiplier < 0:
        raise ValueError(f"quantized multipliers must be non-negative, got {multiplier}")
    if multiplier == 0.0:
        return 0, 0
    q, shift = math.frexp(multiplier)
    q_fixed = round_half_away(q * (1 << 31))
    if q_fixed == 1 << 31:
        q_fixed //= 2
        shift += 1
    if shift < -31:  # every bit would be shifted out
        return 0, 0
    if SINGLE_ROUNDING and shift > 30:
        return INT32_MAX, 30
    return q_fixed, shift


def quantize_multipliers(multipliers: Any) -> tuple[np.ndarray, np.ndarray]:
    """:func:`quantize_multiplier` of each value (per-channel scales), as int64 arrays."""
    pairs = [quantize_multiplier(float(m)) for m in np.asarray(multipliers, np.float64).ravel()]
    sig = np.array([p[0] for p in pairs], dtype=np.int64)
    shift = np.array([p[1] for p in pairs], dtype=np.int64)
    return sig, shift


def wrap32(x: Any) -> Any:
    """Two's-complement wrap of int64 values to the int32 range."""
    return ((x + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def _trunc_div_pot(xp: Any, v: Any, bits: int) -> Any:
    """``v / 2**bits`` truncated toward zero (C integer division)."""
    return xp.where(v >= 0, v >> bits, -((-v) >> bits))


def srdhm(a: Any, b: Any) -> Any:
    """SaturatingRoundingDoublingHighMul on int32 values: ``round(a * b / 2**31)``."""
    xp = array_module(a, b)
    a = xp.asarray(a, dtype=xp.int64)
    b = xp.asarray(b, dtype=xp.int64)
    ab = a * b
    nudge = xp.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    out = _trunc_div_pot(xp, ab + nudge, 31)
    return xp.where((a == b) & (a == INT32_MIN), INT32_MAX, out)


def rounding_divide_by_pot(x: Any, exponent: Any) -> Any:
    """RoundingDivideByPOT: ``x / 2**exponent`` rounded to nearest, ties away from zero."""
    xp = array_module(x)
    x = xp.asarray(x, dtype=xp.int64)
    exponent = xp.asarray(exponent, dtype=xp.int64)
    mask = (xp.int64(1) << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> exponent) + (remainder > threshold)


def multiply_by_quantized_multiplier(
    x: Any, multiplier: Any, shift: Any, rounding: str | None = None
) -> Any:
    """MultiplyByQuantizedMultiplier: ``x * multiplier * 2**(shift - 31)``, TFLite's rounding.

    ``multiplier`` and ``shift`` broadcast against ``x`` (per-channel arrays are fine).
    ``rounding``: ``"double"`` (SRDHM, then RoundingDivideByPOT), ``"single"`` (once, half
    up), ``"away"`` (once, ties away from zero); ``None`` follows :data:`SINGLE_ROUNDING`.
    """
    xp = array_module(x)
    x = xp.asarray(x, dtype=xp.int64)
    multiplier = xp.asarray(multiplier, dtype=xp.int64)
    shift = xp.asarray(shift, dtype=xp.int64)
    if rounding is None:
        rounding = "single" if SINGLE_ROUNDING else "double"
    if rounding != "double":
        total = 31 - shift
        half = xp.int64(1) << (total - 1)
        if rounding == "single":
            return (x * multiplier + half) >> total
        v = x * multiplier
        q = (xp.abs(v) + half) >> total
        return xp.where(v < 0, -q, q)
    left = xp.maximum(shift, 0)
    right = xp.maximum(-shift, 0)
    return rounding_divide_by_pot(srdhm(wrap32(x << left), multiplier), right)


def multiply_by_quantized_multiplier_gt_one(x: Any, multiplier: Any, left_shift: int) -> Any:
    """MultiplyByQuantizedMultiplierGreaterThanOne (double rounding builds)."""
    xp = array_module(x)
    x = xp.asarray(x, dtype=xp.int64)
    return srdhm(wrap32(x << int(left_shift)), multiplier)


def saturating_rounding_multiply_by_pot(x: Any, exponent: int) -> Any:
    """gemmlowp's SaturatingRoundingMultiplyByPOT on int32 raw values."""
    xp = array_module(x)
    if exponent == 0:
        return x
    if exponent < 0:
        return rounding_divide_by_pot(x, -exponent)
    threshold = (1 << (31 - exponent)) - 1
    out = wrap32(x << exponent)
    out = xp.where(x > threshold, INT32_MAX, out)
    return xp.where(x < -threshold, INT32_MIN, out)


def fixed_mul(a: Any, b: Any) -> Any:
    """The product of two fixed-point raws (integer bits add up)."""
    return srdhm(a, b)


def rescale(x: Any, src_integer_bits: int, dst_integer_bits: int) -> Any:
    """gemmlowp's Rescale: the same real value with a different number of integer bits."""
    return saturating_rounding_multiply_by_pot(x, src_integer_bits - dst_integer_bits)


def one_of(integer_bits: int) -> int:
    """The raw value of 1.0 (the largest raw when 1.0 is not representable)."""
    return INT32_MAX if integer_bits == 0 else 1 << (31 - integer_bits)


def _exp_quarter_interval(a: Any) -> Any:
    """exp(a) for raw Q0.31 ``a`` in [-1/4, 0): a Taylor expansion around -1/8."""
    constant_term = 1895147668  # exp(-1/8)
    constant_1_over_3 = 715827883
    x = wrap32(a + (1 << 28))
    x2 = fixed_mul(x, x)
    x3 = fixed_mul(x2, x)
    x4 = fixed_mul(x2, x2)
    x4_over_4 = saturating_rounding_multiply_by_pot(x4, -2)
    inner = fixed_mul(wrap32(x4_over_4 + x3), constant_1_over_3)
    poly = saturating_rounding_multiply_by_pot(wrap32(inner + x2), -1)
    return wrap32(constant_term + fixed_mul(constant_term, wrap32(x + poly)))


# exp(-2**k) in Q0.31 for the barrel shifter, k = -2 .. 4.
_EXP_BARREL = ((-2, 1672461947), (-1, 1302514674), (0, 790015084), (1, 290630308),
               (2, 39332535), (3, 720401), (4, 242))  # fmt: skip


def exp_on_negative_values(a: Any, integer_bits: int) -> Any:
    """gemmlowp's exp_on_negative_values: raw ``a`` (``integer_bits``) <= 0 to exp(a) in Q0.31."""
    xp = array_module(a)
    a = xp.asarray(a, dtype=xp.int64)
    fractional_bits = 31 - integer_bits
    quarter = 1 << (fractional_bits - 2)
    a_mod = wrap32((a & (quarter - 1)) - quarter)
    result = _exp_quarter_interval(rescale(a_mod, integer_bits, 0))
    remainder = wrap32(a_mod - a)
    for exponent, multiplier in _EXP_BARREL:
        if integer_bits > exponent:
            bit = (remainder >> (fractional_bits + exponent)) & 1
            result = xp.where(bit != 0, fixed_mul(result, multiplier), result)
    if integer_bits > 5:
        clamp = -(1 << (36 - integer_bits))
        result = xp.where(a < clamp, 0, result)
    return xp.where(a == 0, INT32_MAX, result)


def rounding_half_sum(a: Any, b: Any) -> Any:
    """gemmlowp's RoundingHalfSum on int32 raws."""
    xp = array_module(a)
    s = xp.asarray(a, dtype=xp.int64) + b
    return _trunc_div_pot(xp, s + xp.where(s >= 0, 1, -1), 1)


def one_over_one_plus_x_for_x_in_0_1(a: Any) -> Any:
    """1 / (1 + a) for raw Q0.31 ``a`` in [0, 1), by Newton-Raphson, as a Q0.31 raw."""
    half_denominator = rounding_half_sum(a, INT32_MAX)
    # Q2.29 constants 48/17 and -32/17
    x = wrap32(1515870810 + fixed_mul(half_denominator, -1010580540))
    one_q2 = one_of(2)
    for _ in range(3):
        half_denominator_times_x = fixed_mul(half_denominator, x)
        one_minus = wrap32(one_q2 - half_denominator_times_x)
        x = wrap32(x + rescale(fixed_mul(x, one_minus), 4, 2))
    return rescale(x, 1, 0)  # ExactMulByPot<-1> keeps the raw and makes it Q1.30


def count_leading_zeros32(x: Any) -> Any:
    """Leading zero bits of non-negative int32 values as uint32 (32 for zero)."""
    xp = array_module(x)
    x = xp.asarray(x, dtype=xp.int64) & 0xFFFFFFFF
    n = xp.full(x.shape, 32, dtype=xp.int64)
    for bit in range(32):
        n = xp.where(x >= (1 << bit), 31 - bit, n)
    return n


def get_reciprocal(x: Any, x_integer_digits: int) -> tuple[Any, Any]:
    """TFLite's GetReciprocal: (Q0.31 raw of 1/x scaled into [1/2, 1], num_bits_over_unit)."""
    headroom_plus_one = count_leading_zeros32(x)
    num_bits_over_unit = x_integer_digits - headroom_plus_one
    shifted = ((x & 0xFFFFFFFF) << headroom_plus_one) & 0xFFFFFFFF
    shifted_minus_one = wrap32(shifted - (1 << 31))
    return one_over_one_plus_x_for_x_in_0_1(shifted_minus_one), num_bits_over_unit


# --- 16-bit variants (HARD_SWISH) -------------------------------------------------------------

INT16_MIN = -(1 << 15)
INT16_MAX = (1 << 15) - 1


def wrap16(x: Any) -> Any:
    """Two's-complement wrap of integer values to the int16 range."""
    return ((x + (1 << 15)) & 0xFFFF) - (1 << 15)


def srdhm16(a: Any, b: Any) -> Any:
    """gemmlowp's SaturatingRoundingDoublingHighMul on int16 values."""
    xp = array_module(a)
    a = xp.asarray(a, dtype=xp.int64)
    ab = a * b
    nudge = xp.where(ab >= 0, 1 << 14, 1 - (1 << 14))
    out = wrap16(_trunc_div_pot(xp, ab + nudge, 15))
    return xp.where((a == b) & (a == INT16_MIN), INT16_MAX, out)


def sdhm16(a: Any, b: Any) -> Any:
    """SaturatingDoublingHighMul on int16 values: ``a * b / 2**15`` truncated toward zero."""
    xp = array_module(a)
    a = xp.asarray(a, dtype=xp.int64)
    out = wrap16(_trunc_div_pot(xp, a * b, 15))
    return xp.where((a == b) & (a == INT16_MIN), INT16_MAX, out)


def saturating_left_shift16(x: Any, amount: int) -> Any:
    """``x * 2**amount`` saturated to int16."""
    xp = array_module(x)
    return xp.clip(xp.asarray(x, dtype=xp.int64) << amount, INT16_MIN, INT16_MAX)
