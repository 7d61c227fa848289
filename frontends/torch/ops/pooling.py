"""Pooling and resizing: max/avg/adaptive-avg pooling, nearest/bilinear upsampling (NHWC)."""

from __future__ import annotations

from typing import Any

import numpy as np

from siglite.ir import Tensor

from ..context import Context
from ..emit import sig, tensor, to_nchw, to_nhwc
from . import handles
from .conv import pad_nhwc, padding_mode


def _pair(v: Any, default: Any = None) -> tuple[int, int]:
    if v is None or (isinstance(v, (list, tuple)) and len(v) == 0):
        v = default
    if isinstance(v, int):
        return (v, v)
    return (int(v[0]), int(v[-1]))


def _nhwc_out(out: tuple) -> tuple:
    dtype, s = out
    return dtype, (s[0], s[2], s[3], s[1])


def _pool(ctx: Context, op: str, x: Tensor, kernel, stride, pads: list, mode: str, out) -> Tensor:
    xs = to_nhwc(ctx, x)
    if any(p for pair in pads for p in pair):
        xs = pad_nhwc(
            ctx, xs, pads, float(np.finfo(np.float32).min) if op == "MAX_POOL_2D" else 0.0
        )
    attrs = dict(padding=mode, stride_w=stride[1], stride_h=stride[0])
    y = ctx.op(op, [xs], _nhwc_out(out), filter_width=kernel[1], filter_height=kernel[0],
               fused_activation="NONE", **attrs)  # fmt: skip
    return to_nchw(ctx, y, out, ctx.node.name)


def _explicit_pads(ctx: Context, hw, kernel, stride, padding, out_hw) -> list[list[int]]:
    """Padding per side so that a VALID pool gives ``out_hw`` (ceil mode pads the end more)."""
    pads = []
    for i in range(2):
        if hw[i] < 0 or out_hw[i] < 0:
            if padding[i]:
                raise ctx.error("padded pooling over a dynamic spatial size")
            pads.append([0, 0])
            continue
        need = (out_hw[i] - 1) * stride[i] + kernel[i] - hw[i] - padding[i]
        pads.append([padding[i], max(need, padding[i])])
    return pads


def _check_4d(ctx: Context, t: Tensor) -> None:
    if t.rank != 4:
        raise ctx.error(f"pooling of a rank-{t.rank} tensor (only 2-D NCHW pooling)")


@handles("aten.max_pool2d_with_indices.default", "aten.max_pool2d.default")
def max_pool2d(ctx, x, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False):
    for user in ctx.node.users:
        if user.args[1:] and user.args[1] != 0:
            raise ctx.error("max pooling indices are not supported")
    if _pair(dilation) != (1, 1):
        raise ctx.error("dilated max pooling is not supported")
    t = tensor(ctx, x)
    _check_4d(ctx, t)
    kernel = _pair(kernel_size)
    stride, padding = _pair(stride, kernel), _pair(padding)
    out = ctx.out_type(index=0) if "indices" in str(ctx.node.target) else ctx.out_type()
    hw = sig(t)[2:]
    mode = padding_mode(hw, kernel, stride, (1, 1), list(padding), out[1][2:])
    pads = [[0, 0], [0, 0]]
    if mode is None or (mode == "VALID" and ceil_mode):
        mode, pads = "VALID", _explicit_pads(ctx, hw, kernel, stride, padding, out[1][2:])
    y = _pool(ctx, "MAX_POOL_2D", t, kernel, stride, pads, mode, out)
    return (y, None) if "indices" in str(ctx.node.target) else y


@handles("aten.avg_pool2d.default")
def avg_pool2d(ctx, x, kernel_size, stride=None, padding=0, ceil_mode=False,
               count_include_pad=True, divisor_override=None):  # fmt: skip
    if divisor_override is not None:
        raise ctx.error("divisor_override is not supported")
    t = tensor(ctx, x)
    _check_4d(ctx, t)
    kernel = _pair(kernel_size)
    stride, padding = _pair(stride, kernel), _pair(padding)
    out = ctx.out_type()
    hw = sig(t)[2:]
    mode = padding_mode(hw, kernel, stride, (1, 1), list(padding), out[1][2:])
    pads = [[0, 0], [0, 0]]
    if mode == "SAME" and count_include_pad:
        mode, pads = "VALID", [[padding[0]] * 2, [padding[1]] * 2]
    elif mode is None or (mode == "VALID" and ceil_mode):
        pads = _explicit_pads(ctx, hw, kernel, stride, padding, out[1][2:])
        if not count_include_pad or pads != [[padding[0]] * 2, [padding[1]] * 2]:
            raise ctx.error("this average pooling padding / ceil_mode has no TFLite equivalent")
        mode = "VALID"
    return _pool(ctx, "AVERAGE_POOL_2D", t, kernel, stride, pads, mode, out)


@handles("aten._adaptive_avg_pool2d.default", "aten.adaptive_avg_pool2d.default")
def adaptive_avg_pool2d(ctx: Context, x: Any, output_size: Any) -> Tensor:
    t = tensor(ctx, x)
    _check_4d(ctx, t)
    out = ctx.out_type()
    hw, ohw = sig(t)[2:], out[1][2:]
    if ohw == (1, 1):
        return ctx.emit("MEAN", [t, ctx.ints([2, 3], "axes")], keep_dims=True)
    if min(*hw, *ohw) < 0 or hw[0] % ohw[0] or hw[1] % ohw[1]:
        raise ctx.error(f"adaptive pooling from {hw} to {ohw} (needs divisible static sizes)")
    kernel = (hw[0] // ohw[0], hw[1] // ohw[1])
    return _pool(ctx, "AVERAGE_POOL_2D", t, kernel, kernel, [[0, 0], [0, 0]], "VALID", out)


def _check_scales(ctx: Context, t: Tensor, out: tuple, scales: Any) -> None:
    """torch maps output pixels with 1/scale_factor when one is given; TFLite with in/out."""
    scales = list(scales) if isinstance(scales, (list, tuple)) else [scales, scales]
    for i, scale in enumerate(scales[-2:]):
        size, out_size = sig(t)[2 + i], out[1][2 + i]
        if scale is None or scale <= 0 or size < 0:
            continue
        if abs(1.0 / scale - size / out_size) > 1e-9 * size / out_size:
            raise ctx.error(
                f"scale factor {scale} does not map {size} onto {out_size} pixels exactly; "
                "pass size= or recompute_scale_factor=True"
            )


def _resize(ctx: Context, op: str, x: Any, scales: Any = None, **attrs: Any) -> Tensor:
    t = tensor(ctx, x)
    _check_4d(ctx, t)
    out = ctx.out_type()
    size = out[1][2:]
    if min(size) < 0:
        raise ctx.error("resizing to a dynamic size is not supported")
    if not attrs.get("align_corners"):
        _check_scales(ctx, t, out, scales)
    y = ctx.op(op, [to_nhwc(ctx, t), ctx.ints(size, "size")], _nhwc_out(out), **attrs)
    return to_nchw(ctx, y, out, ctx.node.name)


@handles("aten.upsample_nearest2d.vec")
def upsample_nearest(ctx, x, output_size=None, scale_factors=None):
    return _resize(ctx, "RESIZE_NEAREST_NEIGHBOR", x, scale_factors, align_corners=False,
                   half_pixel_centers=False)  # fmt: skip


@handles("aten.upsample_nearest2d.default")
def upsample_nearest_sizes(ctx, x, output_size, scales_h=None, scales_w=None):
    return _resize(ctx, "RESIZE_NEAREST_NEIGHBOR", x, [scales_h, scales_w],
                   align_corners=False, half_pixel_centers=False)  # fmt: skip


@handles("aten.upsample_bilinear2d.vec")
def upsample_bilinear(ctx, x, output_size=None, align_corners=False, scale_factors=None):
    return _resize(ctx, "RESIZE_BILINEAR", x, scale_factors, align_corners=bool(align_corners),
                   half_pixel_centers=not align_corners)  # fmt: skip


@handles("aten.upsample_bilinear2d.default")
def upsample_bilinear_sizes(ctx, x, output_size, align_corners, scales_h=None, scales_w=None):
    corners = bool(align_corners)
    return _resize(ctx, "RESIZE_BILINEAR", x, [scales_h, scales_w], align_corners=corners,
                   half_pixel_centers=not corners)  # fmt: skip
