"""Convolutions and pooling: NCHW ONNX ops become NHWC builtins between TRANSPOSE nodes."""

from __future__ import annotations

import numpy as np

from ..context import GraphContext, NodeView
from ..emit import binary, sig, to_nchw, to_nhwc, transpose, unary
from . import handler
from .elementwise import F32, check_dtype
from .padding import Spatial, pad_nhwc, same_pads, spatial_params


def _to_2d(ctx: GraphContext, node: NodeView, x):
    """NCW inputs become NC1W so that 1-D ops use the 2-D builtins."""
    if x.rank == 3:
        axis = ctx.const(np.array(2, np.int32))
        s = sig(x)
        return ctx.op("EXPAND_DIMS", [x, axis], (x.dtype, (s[0], s[1], 1, s[2])))
    if x.rank != 4:
        raise node.error(f"{x.rank - 2}-D spatial input is not supported (1-D and 2-D are)")
    return x


def _from_2d(ctx: GraphContext, y, one_d: bool):
    if not one_d:
        return y
    s = sig(y)
    return ctx.op("SQUEEZE", [y], (y.dtype, (s[0], s[1], s[3])), squeeze_dims=(2,))


def _filter(ctx: GraphContext, node: NodeView, w, perm, one_d: bool):
    if one_d:
        s = sig(w)
        if w.data is not None:
            w = ctx.const(w.data[:, :, None, :])
        else:
            w = ctx.op(
                "EXPAND_DIMS",
                [w, ctx.const(np.array(2, np.int32))],
                (w.dtype, (s[0], s[1], 1, s[2])),
            )
    return transpose(ctx, w, perm, "filter")


@handler("Conv")
def conv(ctx: GraphContext, node: NodeView):
    x, w, b = node.input(0), node.input(1), node.input(2)
    check_dtype(node, x, F32)
    one_d = x.rank == 3
    x = _to_2d(ctx, node, x)
    if w.rank != x.rank - (1 if one_d else 0):
        raise node.error("weight rank does not match the input")
    kernel = tuple(sig(w)[2:]) if not one_d else (1, sig(w)[2])
    sp = spatial_params(node, x, kernel, one_d)
    group = int(node.attr("group", 1))
    cin, m = sig(x)[1], sig(w)[0]
    if cin < 0 or m < 0:
        raise node.error("the channel dimensions must be static")
    bias = b if b is not None else ctx.const(np.zeros(m, x.dtype.numpy), "bias")
    xh = pad_nhwc(ctx, to_nhwc(ctx, x), sp.explicit, 0.0)
    out_shape = (sig(x)[0], *sp.out_hw, m)
    attrs = {
        "padding": sp.padding,
        "stride_h": sp.strides[0],
        "stride_w": sp.strides[1],
        "dilation_h_factor": sp.dilations[0],
        "dilation_w_factor": sp.dilations[1],
        "fused_activation": "NONE",
    }
    if group == 1:
        f = _filter(ctx, node, w, (0, 2, 3, 1), one_d)
        y = ctx.op("CONV_2D", [xh, f, bias], (x.dtype, out_shape), **attrs)
    elif group == cin and sig(w)[1] == 1 and m % cin == 0:
        f = _filter(ctx, node, w, (1, 2, 3, 0), one_d)
        y = ctx.op("DEPTHWISE_CONV_2D", [xh, f, bias], (x.dtype, out_shape),
                   depth_multiplier=m // cin, **attrs)  # fmt: skip
    else:
        y = _grouped(ctx, node, xh, w, bias, group, out_shape, attrs, one_d)
    return [_from_2d(ctx, to_nchw(ctx, y), one_d)]


def _grouped(ctx, node, xh, w, bias, group, out_shape, attrs, one_d):
    cin, m = sig(xh)[3], sig(w)[0]
    if w.data is None or bias.data is None or cin % group or m % group:
        raise node.error(f"group={group} needs constant weights and divisible channels")
    cg, mg = cin // group, m // group
    xs = ctx.op_multi("SPLIT", [ctx.const(np.array(3, np.int32)), xh],
                      [(xh.dtype, (*sig(xh)[:3], cg))] * group, num_splits=group)  # fmt: skip
    ys = []
    for g in range(group):
        wg = ctx.const(w.data[g * mg : (g + 1) * mg])
        f = _filter(ctx, node, wg, (0, 2, 3, 1), one_d)
        bg = ctx.const(bias.data[g * mg : (g + 1) * mg])
        ys.append(ctx.op("CONV_2D", [xs[g], f, bg], (xh.dtype, (*out_shape[:3], mg)), **attrs))
    return ctx.op("CONCATENATION", ys, (xh.dtype, out_shape), axis=3, fused_activation="NONE")


def _pool_common(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    check_dtype(node, x, F32)
    if node.wants_output(1):
        raise node.error("the Indices output is not supported")
    node.attr("storage_order")  # only affects the Indices output
    one_d = x.rank == 3
    x = _to_2d(ctx, node, x)
    kernel = tuple(node.attr("kernel_shape") or ())
    if one_d:
        kernel = (1, *kernel)
    if len(kernel) != 2:
        raise node.error("kernel_shape must have one entry per spatial dimension")
    return x, one_d, kernel


@handler("MaxPool")
def max_pool(ctx: GraphContext, node: NodeView):
    x, one_d, kernel = _pool_common(ctx, node)
    sp = spatial_params(node, x, kernel, one_d, pool=True)
    if sp.dilations != (1, 1):
        raise node.error("dilated pooling is not supported")
    xh = pad_nhwc(ctx, to_nhwc(ctx, x), sp.explicit, -np.inf)
    y = _pool(ctx, "MAX_POOL_2D", xh, sp, kernel)
    return [_from_2d(ctx, to_nchw(ctx, y), one_d)]


@handler("AveragePool")
def average_pool(ctx: GraphContext, node: NodeView):
    x, one_d, kernel = _pool_common(ctx, node)
    sp = spatial_params(node, x, kernel, one_d, pool=True)
    include = int(node.attr("count_include_pad", 0))
    if sp.dilations != (1, 1):
        raise node.error("dilated pooling is not supported")
    xh = to_nhwc(ctx, x)
    if sp.explicit is None or include:
        pads = sp.explicit
        if include and sp.padding == "SAME":
            raise node.error("count_include_pad=1 with automatic padding is not supported")
        y = _pool(ctx, "AVERAGE_POOL_2D", pad_nhwc(ctx, xh, pads, 0.0), sp, kernel)
        if include and sp.ceil_extra:
            raise node.error("count_include_pad=1 with ceil_mode is not supported")
        return [_from_2d(ctx, to_nchw(ctx, y), one_d)]
    # Padding that TFLite cannot express: pool zero-padded input, rescale by the valid count.
    hw = sig(x)[2:]
    if min(hw) < 0:
        raise node.error("explicit average-pool padding needs static spatial dimensions")
    y = _pool(ctx, "AVERAGE_POOL_2D", pad_nhwc(ctx, xh, sp.explicit, 0.0), sp, kernel)
    scale = _valid_count_scale(hw, sp, kernel).astype(x.dtype.numpy)
    return [_from_2d(ctx, to_nchw(ctx, binary(ctx, "MUL", y, ctx.const(scale))), one_d)]


def _valid_count_scale(hw, sp: Spatial, kernel) -> np.ndarray:
    (t, b), (left, r) = sp.explicit
    mask = np.pad(np.ones(hw), ((t, b), (left, r)))
    oh, ow = sp.out_hw
    counts = np.empty((oh, ow))
    for i in range(oh):
        for j in range(ow):
            y0, x0 = i * sp.strides[0], j * sp.strides[1]
            counts[i, j] = mask[y0 : y0 + kernel[0], x0 : x0 + kernel[1]].sum()
    return (kernel[0] * kernel[1] / np.maximum(counts, 1)).reshape(1, oh, ow, 1)


def _pool(ctx, op, xh, sp: Spatial, kernel):
    s = sig(xh)
    return ctx.op(
        op,
        [xh],
        (xh.dtype, (s[0], *sp.out_hw, s[3])),
        padding=sp.padding,
        stride_h=sp.strides[0],
        stride_w=sp.strides[1],
        filter_height=kernel[0],
        filter_width=kernel[1],
        fused_activation="NONE",
    )


@handler("LpPool")
def lp_pool(ctx: GraphContext, node: NodeView):
    """(sum over the window of |x|^p)^(1/p): a VALID average pool of zero-padded |x|^p."""
    x, one_d, kernel = _pool_common(ctx, node)
    p = float(node.attr("p", 2))
    sp = spatial_params(node, x, kernel, one_d, pool=True)
    if sp.dilations != (1, 1):
        raise node.error("dilated pooling is not supported")
    explicit = sp.explicit
    if sp.padding == "SAME":
        hw = sig(x)[2:]
        if min(hw) < 0:
            raise node.error("auto_pad needs static spatial dimensions")
        pads = [same_pads(h, k, s, False) for h, k, s in zip(hw, kernel, sp.strides, strict=True)]
        explicit = (tuple(pads[0]), tuple(pads[1]))
    xh = to_nhwc(ctx, x)
    powered = binary(ctx, "POW", unary(ctx, "ABS", xh), ctx.const(np.array(p, np.float32)))
    valid = Spatial("VALID", None, sp.strides, sp.dilations, sp.out_hw)
    y = _pool(ctx, "AVERAGE_POOL_2D", pad_nhwc(ctx, powered, explicit, 0.0), valid, kernel)
    y = binary(ctx, "MUL", y, ctx.const(np.array(kernel[0] * kernel[1], np.float32)))
    y = binary(ctx, "POW", y, ctx.const(np.array(1.0 / p, np.float32)))
    return [_from_2d(ctx, to_nchw(ctx, y), one_d)]


@handler("GlobalAveragePool", "GlobalMaxPool")
def global_pool(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    check_dtype(node, x, F32)
    axes = tuple(range(2, x.rank))
    op = "MEAN" if node.op_type == "GlobalAveragePool" else "REDUCE_MAX"
    out = tuple(d if i < 2 else 1 for i, d in enumerate(sig(x)))
    axes_t = ctx.const(np.array(axes, np.int32))
    return [ctx.op(op, [x, axes_t], (x.dtype, out), keep_dims=True)]


def _transpose_pads(node: NodeView, hw, kernel, strides, outpad, full) -> tuple[int, ...]:
    """(top, left, bottom, right) to crop from the full transposed-conv output."""
    auto = node.attr("auto_pad", "NOTSET")
    out_shape = node.attr("output_shape")
    if out_shape is None and auto in ("SAME_UPPER", "SAME_LOWER"):
        out_shape = [h * s for h, s in zip(hw, strides, strict=True)]
    elif auto not in ("NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER"):
        raise node.error(f"auto_pad={auto!r} is not supported")
    if out_shape is None:
        pads = tuple(int(p) for p in node.attr("pads", (0,) * (2 * len(hw))))
        return pads if len(hw) == 2 else (0, pads[0], 0, pads[1])
    out_shape = [int(v) for v in out_shape][-len(hw) :]
    totals = [f - o for f, o in zip(full[-len(hw) :], out_shape, strict=True)]
    if min(totals) < 0:
        raise node.error("output_shape larger than the full output is not supported")
    upper = auto == "SAME_UPPER"
    begin = [t // 2 if upper else t - t // 2 for t in totals]
    end = [t - b for t, b in zip(totals, begin, strict=True)]
    if len(hw) == 1:
        return (0, begin[0], 0, end[0])
    return (begin[0], begin[1], end[0], end[1])


@handler("ConvTranspose")
def conv_transpose(ctx: GraphContext, node: NodeView):
    x, w, b = node.input(0), node.input(1), node.input(2)
    check_dtype(node, x, F32)
    one_d = x.rank == 3
    if x.rank not in (3, 4) or int(node.attr("group", 1)) != 1:
        raise node.error("only 1-D and 2-D ConvTranspose with group=1 are supported")
    if any(int(d) != 1 for d in node.attr("dilations", (1,))):
        raise node.error("dilations are not supported")
    n_sp = x.rank - 2
    kernel = tuple(sig(w)[2:])
    if tuple(node.attr("kernel_shape", kernel)) != kernel:
        raise node.error("kernel_shape differs from the weight shape")
    strides = tuple(int(v) for v in node.attr("strides", (1,) * n_sp))
    outpad = tuple(int(p) for p in node.attr("output_padding", (0,) * n_sp))
    hw = sig(x)[2:]
    if min(*hw, *kernel, sig(w)[1], sig(x)[0]) < 0:
        raise node.error("batch, spatial and channel dimensions must be static")
    full = [(h - 1) * s + k + op for h, s, k, op in zip(hw, strides, kernel, outpad, strict=True)]
    pads = _transpose_pads(node, hw, kernel, strides, outpad, full)
    if one_d:
        x, w = _to_2d(ctx, node, x), _filter_1d(ctx, w)
        full, strides = [1, *full], (1, *strides)
    y = _transpose_conv(ctx, x, w, full, strides)
    n, cout = sig(x)[0], sig(w)[1]
    if any(pads):
        t, left, bt, r = pads
        size = (n, full[0] - t - bt, full[1] - left - r, cout)
        begin = ctx.const(np.array([0, t, left, 0], np.int32))
        y = ctx.op("SLICE", [y, begin, ctx.const(np.array(size, np.int32))], (x.dtype, size))
    if b is not None:
        y = binary(ctx, "ADD", y, b)
    return [_from_2d(ctx, to_nchw(ctx, y), one_d)]


def _filter_1d(ctx: GraphContext, w):
    if w.data is not None:
        return ctx.const(w.data[:, :, None, :])
    s = sig(w)
    axis = ctx.const(np.array(2, np.int32))
    return ctx.op("EXPAND_DIMS", [w, axis], (w.dtype, (s[0], s[1], 1, s[2])))


def _transpose_conv(ctx: GraphContext, x, w, full, strides):
    n, cout = sig(x)[0], sig(w)[1]
    out_shape = ctx.const(np.array([n, *full, cout], np.int32))
    f = transpose(ctx, w, (1, 2, 3, 0), "filter")
    return ctx.op(
        "TRANSPOSE_CONV",
        [out_shape, f, to_nhwc(ctx, x), None],
        (x.dtype, (n, *full, cout)),
        padding="VALID",
        stride_h=strides[0],
        stride_w=strides[1],
        fused_activation="NONE",
    )
