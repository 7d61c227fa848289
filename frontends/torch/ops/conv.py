"""aten.convolution: 1-D/2-D, depthwise, grouped and transposed, in NHWC with OHWI filters."""

from __future__ import annotations

from typing import Any

import numpy as np

import siglite.dtypes as sdt
from siglite.ir import Tensor

from ..context import Context
from ..emit import runtime_dim, runtime_shape, sig, tensor, to_nchw, to_nhwc
from . import handles
from .normalization import bn_scale_shift

BN = "aten._native_batch_norm_legit_no_training.default"


def same_padding(size: int, k: int, s: int, d: int) -> tuple[int, int, int]:
    """Output size and (before, after) padding of TFLite's SAME padding."""
    out = -(-size // s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return out, total // 2, total - total // 2


def padding_mode(hw: tuple[int, int], k, s, d, pad, out_hw) -> str | None:
    """'VALID' or 'SAME' when one of them equals explicit symmetric padding ``pad``, else None."""
    if pad == (0, 0) or pad == [0, 0]:
        return "VALID"
    if any(v < 0 for v in (*hw, *out_hw)):
        return None
    for i in range(2):
        out, before, _ = same_padding(hw[i], k[i], s[i], d[i])
        if out != out_hw[i] or before != pad[i]:
            return None
    return "SAME"


def pad_nhwc(ctx: Context, x: Tensor, pads: list[list[int]], value: float = 0.0) -> Tensor:
    """Explicit spatial padding of an NHWC tensor: ``pads`` = [[top, bottom], [left, right]]."""
    table = ctx.const(np.array([[0, 0], *pads, [0, 0]], np.int32), "paddings")
    if value == 0.0:
        return ctx.op("PAD", [x, table])
    return ctx.op("PADV2", [x, table, ctx.scalar(value, x.dtype)])


def _fold_bn(ctx: Context, w: Any, bias: Any) -> tuple[Any, Any]:
    """Fold the inference batch norm reading only this conv into (weight, bias), if any."""
    import torch

    users = list(ctx.node.users)
    if len(users) != 1 or str(users[0].target) != BN or not hasattr(w, "detach"):
        return w, bias
    bn = users[0]
    params = [ctx.values.get(a.name) if hasattr(a, "name") else a for a in bn.args[1:5]]
    if (
        not all(p is None or hasattr(p, "detach") for p in params)
        or bias is not None
        and not (hasattr(bias, "detach"))
    ):
        return w, bias
    scale, shift = bn_scale_shift(*params, bn.args[6])
    with torch.no_grad():
        w = w * scale.reshape(-1, *([1] * (w.dim() - 1)))
        bias = shift if bias is None else bias * scale + shift
    ctx.fused.add(bn.name)
    return w, bias


def _bias(ctx: Context, bias: Any, channels: int, dtype: sdt.DType) -> Tensor:
    if bias is None:
        return ctx.const(np.zeros(channels, dtype.numpy), "bias")
    return tensor(ctx, bias, dtype)


def conv2d(ctx, x: Tensor, w: Any, bias: Any, stride, padding, dilation, groups, out) -> Tensor:
    """NCHW x (O, I/g, kh, kw) -> NCHW ``out`` through an NHWC builtin."""
    dtype, out_nchw = out
    o, _, kh, kw = (int(v) for v in w.shape)
    n, c, h, wd = sig(x)
    out_nhwc = (out_nchw[0], out_nchw[2], out_nchw[3], out_nchw[1])
    xs = to_nhwc(ctx, x)
    mode = padding_mode((h, wd), (kh, kw), stride, dilation, list(padding), out_nchw[2:])
    if mode is None:
        xs = ctx_pad(ctx, xs, padding)
        mode = "VALID"
    attrs = dict(padding=mode, stride_h=int(stride[0]), stride_w=int(stride[1]),
                 dilation_h_factor=int(dilation[0]), dilation_w_factor=int(dilation[1]),
                 fused_activation="NONE")  # fmt: skip
    b = _bias(ctx, bias, o, dtype)
    if groups == 1:
        filt = ctx.const(_permuted(w, (0, 2, 3, 1)), "filter")
        y = ctx.op("CONV_2D", [xs, filt, b], (dtype, out_nhwc), **attrs)
    elif groups == c and o % c == 0:
        filt = ctx.const(_permuted(w, (1, 2, 3, 0)), "filter")
        y = ctx.op("DEPTHWISE_CONV_2D", [xs, filt, b], (dtype, out_nhwc),
                   depth_multiplier=o // c, **attrs)  # fmt: skip
    else:
        y = _grouped(ctx, xs, w, b, groups, (dtype, out_nhwc), attrs)
    return to_nchw(ctx, y, out, ctx.node.name)


def ctx_pad(ctx: Context, xs: Tensor, padding) -> Tensor:
    return pad_nhwc(ctx, xs, [[int(padding[0])] * 2, [int(padding[1])] * 2])


def _permuted(w: Any, perm: tuple[int, ...]) -> Any:
    return w.detach().permute(*perm).contiguous() if hasattr(w, "detach") else np.transpose(w, perm)


def _grouped(ctx, xs: Tensor, w: Any, b: Tensor, groups: int, out, attrs) -> Tensor:
    """Grouped convolution as SPLIT + one CONV_2D per group + CONCATENATION."""
    dtype, shape = out
    og = shape[3] // groups
    xsig = sig(xs)
    part = (xsig[0], xsig[1], xsig[2], xsig[3] // groups)
    axis = ctx.const(np.array(3, np.int32), "axis")
    xs_parts = ctx.op_multi("SPLIT", [axis, xs], [(dtype, part)] * groups, num_splits=groups)
    ys = []
    for g in range(groups):
        filt = ctx.const(_permuted(w[g * og : (g + 1) * og], (0, 2, 3, 1)), "filter")
        bg = ctx.const(b.data[g * og : (g + 1) * og], "bias")
        part_out = (dtype, (*shape[:3], og))
        ys.append(ctx.op("CONV_2D", [xs_parts[g], filt, bg], part_out, **attrs))
    return ctx.op("CONCATENATION", ys, (dtype, shape), axis=3, fused_activation="NONE")


def conv_transpose2d(ctx, x: Tensor, w: Any, bias: Any, stride, padding, dilation, out_pad, out):
    """NCHW transposed convolution: VALID TRANSPOSE_CONV, then crop ``padding``."""
    dtype, out_nchw = out
    if tuple(dilation) != (1, 1):
        raise ctx.error("dilated transposed convolution is not supported")
    _, o, kh, kw = (int(v) for v in w.shape)
    n, c, h, wd = sig(x)
    if min(h, wd, out_nchw[2], out_nchw[3]) < 0:
        raise ctx.error("transposed convolution needs static spatial sizes")
    full = [(h - 1) * stride[0] + kh + out_pad[0], (wd - 1) * stride[1] + kw + out_pad[1]]
    xs = to_nhwc(ctx, x)
    shape = runtime_shape(ctx, [runtime_dim(ctx, xs, 0), full[0], full[1], o])
    filt = ctx.const(_permuted(w, (1, 2, 3, 0)), "filter")
    attrs = dict(padding="VALID", stride_h=int(stride[0]), stride_w=int(stride[1]))
    y = ctx.op("TRANSPOSE_CONV", [shape, filt, xs, None], (dtype, (n, *full, o)),
               fused_activation="NONE", **attrs)  # fmt: skip
    out_nhwc = (out_nchw[0], out_nchw[2], out_nchw[3], out_nchw[1])
    if (padding[0], padding[1]) != (0, 0) or tuple(full) != out_nhwc[1:3]:
        begin = ctx.ints([0, padding[0], padding[1], 0], "begin")
        end = ctx.ints([0, padding[0] + out_nhwc[1], padding[1] + out_nhwc[2], 0], "end")
        y = ctx.op("STRIDED_SLICE", [y, begin, end, ctx.ints([1, 1, 1, 1], "strides")],
                   (dtype, out_nhwc), begin_mask=9, end_mask=9, ellipsis_mask=0,
                   new_axis_mask=0, shrink_axis_mask=0, offset=False)  # fmt: skip
    if bias is not None:
        y = ctx.op("ADD", [y, tensor(ctx, bias, dtype)], (dtype, out_nhwc))
    return to_nchw(ctx, y, out, ctx.node.name)


@handles("aten.convolution.default")
def convolution(ctx, x, w, bias, stride, padding, dilation, transposed, output_padding, groups):
    t = tensor(ctx, x)
    if not hasattr(w, "detach"):
        raise ctx.error("convolution weights must be constants (parameters)")
    out = ctx.out_type()
    if t.rank not in (3, 4):
        raise ctx.error(f"{t.rank - 2}-D convolution is not supported")
    one_d = t.rank == 3
    if one_d:  # (N, C, L) as (N, C, 1, L)
        t = ctx.op("EXPAND_DIMS", [t, ctx.const(np.array(2, np.int32), "axis")])
        w = w.unsqueeze(2)
        stride, padding, dilation = [1, *stride], [0, *padding], [1, *dilation]
        output_padding = [0, *output_padding]
        out = (out[0], (out[1][0], out[1][1], 1, out[1][2]))
    if transposed:
        if groups != 1:
            raise ctx.error("grouped transposed convolution is not supported")
        y = conv_transpose2d(ctx, t, w, bias, stride, padding, dilation, output_padding, out)
    else:
        if not one_d:
            w, bias = _fold_bn(ctx, w, bias)
        y = conv2d(ctx, t, w, bias, stride, padding, dilation, groups, out)
    if one_d:
        y = ctx.emit("SQUEEZE", [y], squeeze_dims=(2,))
    return y
