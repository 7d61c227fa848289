"""Shared pieces of the integer kernels: quantization parameters, activation ranges, output
rescaling."""

from __future__ import annotations

from typing import Any

import numpy as np

from siglite.errors import InvalidModelError

from ..xp import array_module
from .fixedpoint import multiply_by_quantized_multiplier, round_half_away

# The integer types these kernels run on.
INT_TYPES = ("int8", "uint8")


def quant(tensor: Any, op: str) -> Any:
    """The tensor's QuantParams; an error naming the tensor when it has none."""
    q = None if tensor is None else tensor.quantization
    if q is None or q.scales.size == 0:
        name = "?" if tensor is None else tensor.name
        raise InvalidModelError(f"{op}: tensor %{name} has no quantization parameters")
    return q


def scale(tensor: Any, op: str) -> np.float32:
    """The per-tensor scale as TFLite stores it (float32)."""
    return np.float32(quant(tensor, op).scales[0])


def zero_point(tensor: Any, op: str) -> int:
    """The per-tensor zero point."""
    return int(quant(tensor, op).zero_points[0])


def type_range(dtype: Any) -> tuple[int, int]:
    """The integer range of a numpy dtype."""
    info = np.iinfo(np.dtype(dtype))
    return int(info.min), int(info.max)


def activation_range(fused: str | None, out: Any, dtype: Any, op: str) -> tuple[int, int]:
    """CalculateActivationRangeQuantized: the fused activation as an output integer range."""
    lo, hi = type_range(dtype)
    s, zp = scale(out, op), zero_point(out, op)

    def q(f: float) -> int:  # f / scale is a float32 division in TFLite
        return zp + round_half_away(float(np.float32(f) / s))

    name = fused or "NONE"
    if name == "RELU":
        return max(lo, q(0.0)), hi
    if name == "RELU6":
        return max(lo, q(0.0)), min(hi, q(6.0))
    if name == "RELU_N1_TO_1":
        return max(lo, q(-1.0)), min(hi, q(1.0))
    if name == "NONE":
        return lo, hi
    raise InvalidModelError(f"{op}: fused activation {name} is not supported on integer data")


def requantize(
    acc: Any, multiplier: Any, shift: Any, out_zp: int, lo: int, hi: int, dtype: Any,
    rounding: str | None = None,
) -> Any:  # fmt: skip
    """Rescale int32 accumulators to the output: multiply, add the zero point, clamp, cast."""
    xp = array_module(acc)
    v = multiply_by_quantized_multiplier(acc, multiplier, shift, rounding) + out_zp
    return xp.clip(v, lo, hi).astype(dtype)


def channel_values(values: np.ndarray, channels: int, op: str, what: str) -> np.ndarray:
    """Per-channel parameters broadcast to ``channels`` (a single value repeats)."""
    values = np.asarray(values).ravel()
    if values.size == 1:
        return np.repeat(values, channels)
    if values.size != channels:
        raise InvalidModelError(f"{op}: {values.size} {what} for {channels} output channels")
    return values
