"""Fused activation functions, as TFLite applies them after ADD, CONV_2D, FULLY_CONNECTED ..."""

from __future__ import annotations

from typing import Any

from siglite.errors import UnsupportedOpError

from .xp import array_module


def apply_activation(x: Any, name: str | None) -> Any:
    """Apply TFLite's fused activation ``name`` ("NONE", "RELU", "RELU6", ...) to ``x``."""
    if name is None or name == "NONE":
        return x
    xp = array_module(x)
    if name == "RELU":
        return xp.maximum(x, 0).astype(x.dtype, copy=False)
    if name == "RELU6":
        return xp.clip(x, 0, 6).astype(x.dtype, copy=False)
    if name == "RELU_N1_TO_1":
        return xp.clip(x, -1, 1).astype(x.dtype, copy=False)
    if name == "TANH":
        return xp.tanh(x).astype(x.dtype, copy=False)
    if name == "SIGN_BIT":
        # TFLite treats SIGN_BIT as "1 where the sign bit is set"; only float paths reach it.
        return xp.signbit(x).astype(x.dtype)
    raise UnsupportedOpError(f"unknown fused activation {name!r}")
