"""Spatial attributes of convolutions and pools: strides, dilations, padding, output sizes."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..context import GraphContext, NodeView
from ..emit import sig


@dataclass
class Spatial:
    """How a 2-D window op maps onto TFLite: ``padding`` plus explicit pads to add first."""

    padding: str  # "SAME" or "VALID"
    explicit: tuple[tuple[int, int], tuple[int, int]] | None
    strides: tuple[int, int]
    dilations: tuple[int, int]
    out_hw: tuple[int, int]
    ceil_extra: bool = False


def _pair(node: NodeView, name: str, default: int, one_d: bool) -> tuple[int, int]:
    value = node.attr(name)
    if value is None:
        return (default, default)
    value = tuple(int(v) for v in value)
    if one_d:
        value = (default, *value)
    if len(value) != 2:
        raise node.error(f"{name}={value} must have one entry per spatial dimension")
    return value  # type: ignore[return-value]


def _pads(node: NodeView, one_d: bool) -> list[list[int]]:
    pads = node.attr("pads")
    if pads is None:
        return [[0, 0], [0, 0]]
    pads = [int(p) for p in pads]
    if one_d:
        pads = [0, pads[0], 0, pads[1]]
    if len(pads) != 4 or min(pads) < 0:
        raise node.error(f"pads={pads} are not supported")
    return [[pads[0], pads[2]], [pads[1], pads[3]]]


def same_pads(size: int, k_eff: int, stride: int, lower: bool) -> list[int]:
    total = max((math.ceil(size / stride) - 1) * stride + k_eff - size, 0)
    small = total // 2
    return [total - small, small] if lower else [small, total - small]


def spatial_params(node: NodeView, x, kernel, one_d: bool, pool: bool = False) -> Spatial:
    """Read strides/dilations/pads/auto_pad (and ceil_mode for pools) of an NCHW op."""
    strides = _pair(node, "strides", 1, one_d)
    dilations = _pair(node, "dilations", 1, one_d)
    given = node.attr("kernel_shape")
    if (
        given is not None
        and not pool
        and tuple(int(k) for k in given) != tuple(kernel)[-len(given) :]
    ):
        raise node.error("kernel_shape differs from the weight shape")
    auto = node.attr("auto_pad", "NOTSET")
    hw = sig(x)[2:]
    k_eff = [(k - 1) * d + 1 for k, d in zip(kernel, dilations, strict=True)]
    static = min(hw) >= 0
    pads = _pads(node, one_d)
    if auto in ("SAME_UPPER", "SAME_LOWER"):
        if not static:
            if auto == "SAME_LOWER":
                raise node.error("auto_pad=SAME_LOWER needs static spatial dimensions")
            out = tuple(-1 if h < 0 else math.ceil(h / s) for h, s in zip(hw, strides, strict=True))
            return Spatial("SAME", None, strides, dilations, out)
        pads = [
            same_pads(h, k, s, auto == "SAME_LOWER")
            for h, k, s in zip(hw, k_eff, strides, strict=True)
        ]
    elif auto == "VALID":
        pads = [[0, 0], [0, 0]]
    elif auto != "NOTSET":
        raise node.error(f"auto_pad={auto!r} is not supported")
    ceil_extra = False
    if pool and int(node.attr("ceil_mode", 0)):
        ceil_extra = _apply_ceil(node, hw, k_eff, strides, pads)
    out = tuple(
        -1 if h < 0 else (h + p[0] + p[1] - k) // s + 1
        for h, p, k, s in zip(hw, pads, k_eff, strides, strict=True)
    )
    if not any(v for p in pads for v in p):
        return Spatial("VALID", None, strides, dilations, out, ceil_extra)
    same = static and all(
        p == same_pads(h, k, s, False) for p, h, k, s in zip(pads, hw, k_eff, strides, strict=True)
    )
    if same and not ceil_extra:
        return Spatial("SAME", None, strides, dilations, out)
    explicit = ((pads[0][0], pads[0][1]), (pads[1][0], pads[1][1]))
    return Spatial("VALID", explicit, strides, dilations, out, ceil_extra)


def _apply_ceil(node: NodeView, hw, k_eff, strides, pads) -> bool:
    if min(hw) < 0:
        raise node.error("ceil_mode=1 needs static spatial dimensions")
    changed = False
    for i, (h, k, s) in enumerate(zip(hw, k_eff, strides, strict=True)):
        span = h + pads[i][0] + pads[i][1] - k
        out = -(-span // s) + 1
        if (out - 1) * s >= h + pads[i][0]:  # the last window must start inside the input
            out -= 1
        extra = (out - 1) * s + k - (h + pads[i][0] + pads[i][1])
        if extra > 0:
            pads[i][1] += extra
            changed = True
    return changed


def pad_nhwc(ctx: GraphContext, xh, explicit, value: float):
    """Pad the spatial dims of an NHWC tensor (``value`` fills; -inf for max pooling)."""
    if explicit is None:
        return xh
    (t, b), (left, r) = explicit
    paddings = ctx.const(np.array([[0, 0], [t, b], [left, r], [0, 0]], np.int32))
    s = sig(xh)
    out = (s[0], s[1] + t + b if s[1] >= 0 else -1, s[2] + left + r if s[2] >= 0 else -1, s[3])
    if value == 0.0:
        return ctx.op("PAD", [xh, paddings], (xh.dtype, out))
    fill = ctx.const(np.array(value, xh.dtype.numpy))
    return ctx.op("PADV2", [xh, paddings, fill], (xh.dtype, out))
