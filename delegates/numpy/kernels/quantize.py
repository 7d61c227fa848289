"""QUANTIZE (float -> int8/uint8/int16) and DEQUANTIZE (quantized or float16 -> float32).

Both read the tensors' affine quantization (per tensor or per channel) from the kernel
context. Rounding is TFLite's: half away from zero, computed exactly.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from siglite.errors import InvalidModelError

from ..table import KERNELS
from .xp import array_module


def _params(tensor: Any, op: str):
    q = tensor.quantization
    if q is None or q.scales.size == 0:
        raise InvalidModelError(f"{op}: tensor %{tensor.name} has no quantization parameters")
    return q


def _channel_shape(q: Any, ndim: int) -> tuple[int, ...]:
    """The broadcast shape of per-channel parameters along the quantized dimension."""
    shape = [1] * ndim
    if q.per_channel:
        shape[q.quantized_dimension] = q.scales.size
    return tuple(shape)


def round_half_away(xp: Any, v: Any) -> Any:
    """Round to nearest, ties away from zero (``std::round``), exactly for any float input."""
    a = xp.abs(v.astype(xp.float64))
    r = xp.floor(a)
    r += (a - r) >= 0.5  # a - floor(a) is exact in binary floating point
    return xp.copysign(r, v)


def quantize_values(xp: Any, x: Any, q: Any, dtype: np.dtype) -> Any:
    """``clamp(round(x / scale) + zero_point)`` in the integer ``dtype``."""
    shape = _channel_shape(q, x.ndim)
    scale = xp.asarray(q.scales.reshape(shape).astype(np.float32))
    zero = xp.asarray(q.zero_points.reshape(shape).astype(np.float64))
    # x / scale is a float32 division in TFLite's kernel; rounding happens after it.
    v = round_half_away(xp, x.astype(xp.float32, copy=False) / scale) + zero
    info = np.iinfo(dtype)
    return xp.clip(v, info.min, info.max).astype(dtype)


@KERNELS.register("QUANTIZE", context=True, dtypes=("float32",))
def quantize(ctx, x):
    """Float input to the output tensor's integer type, scale and zero point."""
    xp = array_module(x)
    out = ctx.outputs[0]
    dtype = out.dtype.numpy
    if dtype.kind not in "iu":
        raise InvalidModelError(f"QUANTIZE: output %{out.name} must be an integer type")
    return quantize_values(xp, x, _params(out, "QUANTIZE"), dtype)


def dequantize_values(xp: Any, x: Any, q: Any) -> Any:
    """``scale * (q - zero_point)`` as float32."""
    if not q.per_channel:
        # TFLite multiplies by a double scale, then rounds to float once.
        diff = x.astype(xp.int32) - q.zero_point
        return (diff * float(q.scales[0])).astype(xp.float32)
    shape = _channel_shape(q, x.ndim)
    zero = xp.asarray(q.zero_points.reshape(shape).astype(np.int32))
    scale = xp.asarray(q.scales.reshape(shape).astype(np.float32))
    return (x.astype(xp.int32) - zero).astype(xp.float32) * scale


@KERNELS.register("DEQUANTIZE", context=True)
def dequantize(ctx, x):
    """Quantized input (int8, uint8, int16, per tensor or per channel) or float16 to float32."""
    xp = array_module(x)
    if x.dtype.kind == "f":
        return x.astype(xp.float32)
    return dequantize_values(xp, x, _params(ctx.inputs[0], "DEQUANTIZE"))
