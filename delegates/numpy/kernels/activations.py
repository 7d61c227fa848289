"""Fused activation functions as TFLite applies them (ADD, CONV_2D, FULLY_CONNECTED ...)."""

from __future__ import annotations

from typing import Any

from siglite.errors import UnsupportedOpError

from .xp import array_module

_CLAMPS = {"RELU": (0, None), "RELU6": (0, 6), "RELU_N1_TO_1": (-1, 1)}
_NAMES = frozenset(_CLAMPS) | {"NONE", "TANH", "SIGN_BIT"}


def apply_activation(x: Any, name: str | None) -> Any:
    """The fused activation of ADD/SUB/MUL/DIV, convolutions, FULLY_CONNECTED ...: a clamp.

    TFLite turns the activation into an output range; TANH and SIGN_BIT have no range there,
    so those ops leave the values unchanged (LiteRT does the same).
    """
    if name is None or name == "NONE" or name not in _CLAMPS:
        if name is not None and name not in _NAMES:
            raise UnsupportedOpError(f"unknown fused activation {name!r}")
        return x
    lo, hi = _CLAMPS[name]
    xp = array_module(x)
    return xp.clip(x, lo, hi).astype(x.dtype, copy=False)


def activate_into(x: Any, name: str | None) -> Any:
    """:func:`apply_activation` overwriting ``x``, an array the kernel owns (same values: a clamp
    with a lower bound only is the maximum that ``clip`` computes)."""
    clamp = _CLAMPS.get(name) if name is not None else None
    if clamp is None:
        return apply_activation(x, name)  # no clamp: x itself (or an unknown-name error)
    lo, hi = clamp
    xp = array_module(x)
    if hi is None:
        return xp.maximum(x, lo, out=x)
    return xp.clip(x, lo, hi, out=x)
