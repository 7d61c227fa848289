"""Float convolutions with TFLite semantics: CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV.

Activations are NHWC; CONV_2D and TRANSPOSE_CONV filters are OHWI, depthwise filters 1HWO.
The loops below run over kernel taps (at most KH*KW iterations), never over pixels.
"""

from __future__ import annotations

from typing import Any

from siglite.errors import InvalidModelError, UnsupportedOpError
from siglite.ops.schemas.nn import conv_out_size

from ..table import KERNELS
from .activations import apply_activation
from .xp import array_module


def axis_padding(size: int, kernel: int, stride: int, dilation: int, padding: str):
    """(output size, pad before, pad after) of one axis, as TFLite computes them.

    TFLite puts the odd element of a SAME padding after the data.
    """
    out = conv_out_size(size, kernel, stride, dilation, padding)
    effective = (kernel - 1) * dilation + 1
    total = max((out - 1) * stride + effective - size, 0)
    return out, total // 2, total - total // 2


def pad_nhwc(x: Any, pads_h: tuple[int, int], pads_w: tuple[int, int], value: float = 0.0):
    """``x`` padded on its two spatial axes (a no-op without padding)."""
    if pads_h == (0, 0) and pads_w == (0, 0):
        return x
    xp = array_module(x)
    return xp.pad(x, ((0, 0), pads_h, pads_w, (0, 0)), constant_values=value)


def tap(x: Any, i: int, j: int, out_hw: tuple[int, int], strides, dilations):
    """The view of padded ``x`` that kernel tap (i, j) reads for every output pixel."""
    (oh, ow), (sh, sw), (dh, dw) = out_hw, strides, dilations
    y0, x0 = i * dh, j * dw
    return x[:, y0 : y0 + (oh - 1) * sh + 1 : sh, x0 : x0 + (ow - 1) * sw + 1 : sw, :]


def _geometry(x, kh, kw, padding, stride_h, stride_w, dil_h, dil_w):
    _, h, w, _ = x.shape
    oh, ph0, ph1 = axis_padding(h, kh, stride_h, dil_h, padding)
    ow, pw0, pw1 = axis_padding(w, kw, stride_w, dil_w, padding)
    return pad_nhwc(x, (ph0, ph1), (pw0, pw1)), (oh, ow)


# Largest im2col buffer (elements) built at once; larger batches are convolved in slices.
IM2COL_LIMIT = 1 << 25


def _batch_step(x: Any, taps: int) -> int:
    """How many images of ``x`` one im2col buffer may hold."""
    per_image = max(1, x[0].size * taps)
    return max(1, IM2COL_LIMIT // per_image)


def require_float(op: str, *arrays: Any) -> None:
    """Refuse hybrid (quantized weights, float activations) nodes this float kernel would
    silently get wrong."""
    for a in arrays:
        if a is not None and a.dtype.kind != "f":
            raise UnsupportedOpError(f"{op}: the float kernel got a {a.dtype} operand")


def _add_bias(out: Any, bias: Any) -> Any:
    if bias is None:
        return out
    out += bias.astype(out.dtype, copy=False)
    return out


@KERNELS.register("CONV_2D", dtypes=("float32",))
def conv_2d(
    x,
    filt,
    bias=None,
    *,
    padding="SAME",
    stride_w=1,
    stride_h=1,
    dilation_w_factor=1,
    dilation_h_factor=1,
    fused_activation="NONE",
):
    """NHWC x OHWI -> NHWO. Grouped convolution when the filter holds fewer input channels."""
    xp = array_module(x)
    require_float("CONV_2D", filt, bias)
    o, kh, kw, ci = filt.shape
    c = x.shape[3]
    if c % ci or o % (c // ci):
        raise InvalidModelError(f"CONV_2D: input depth {c} does not match filter {filt.shape}")
    groups = c // ci
    attrs = dict(padding=padding, stride_w=stride_w, stride_h=stride_h,
                 dilation_w_factor=dilation_w_factor, dilation_h_factor=dilation_h_factor,
                 fused_activation=fused_activation)  # fmt: skip
    step = _batch_step(x, kh * kw)
    if step < x.shape[0]:
        parts = [conv_2d(x[i : i + step], filt, bias, **attrs) for i in range(0, len(x), step)]
        return xp.concatenate(parts)
    xpad, out_hw = _geometry(
        x, kh, kw, padding, stride_h, stride_w, dilation_h_factor, dilation_w_factor
    )
    strides, dils = (stride_h, stride_w), (dilation_h_factor, dilation_w_factor)
    taps = [tap(xpad, i, j, out_hw, strides, dils) for i in range(kh) for j in range(kw)]
    # im2col: (N, OH, OW, KH*KW, C), then one GEMM per group against the OHWI filter
    cols = xp.stack(taps, axis=3) if len(taps) > 1 else taps[0][:, :, :, None, :]
    n = x.shape[0]
    p = n * out_hw[0] * out_hw[1]
    if groups == 1:
        out = cols.reshape(p, kh * kw * c) @ filt.reshape(o, -1).T
    else:
        og = o // groups
        g_cols = cols.reshape(p, kh * kw, groups, ci).transpose(2, 0, 1, 3).reshape(groups, p, -1)
        g_filt = filt.reshape(groups, og, kh * kw * ci).transpose(0, 2, 1)
        out = xp.matmul(g_cols, g_filt).transpose(1, 0, 2)
    out = _add_bias(out.reshape(n, *out_hw, o), bias)
    return apply_activation(out, fused_activation)


@KERNELS.register("DEPTHWISE_CONV_2D", dtypes=("float32",))
def depthwise_conv_2d(
    x,
    filt,
    bias=None,
    *,
    padding="SAME",
    stride_w=1,
    stride_h=1,
    depth_multiplier=1,
    dilation_w_factor=1,
    dilation_h_factor=1,
    fused_activation="NONE",
):
    """NHWC x 1HWO -> NHWO, output channel ``c * M + m`` reading input channel ``c``.

    The multiplier comes from the filter (O / C), as TFLite's kernel derives it.
    """
    xp = array_module(x)
    require_float("DEPTHWISE_CONV_2D", filt, bias)
    _, kh, kw, o = filt.shape
    c = x.shape[3]
    if o % c:
        raise InvalidModelError(f"DEPTHWISE_CONV_2D: filter depth {o} is not a multiple of {c}")
    m = o // c
    xpad, out_hw = _geometry(
        x, kh, kw, padding, stride_h, stride_w, dilation_h_factor, dilation_w_factor
    )
    strides, dils = (stride_h, stride_w), (dilation_h_factor, dilation_w_factor)
    n = x.shape[0]
    w = filt.reshape(kh, kw, c, m)
    out = xp.zeros((n, *out_hw, c, m), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            out += tap(xpad, i, j, out_hw, strides, dils)[..., None] * w[i, j]
    out = _add_bias(out.reshape(n, *out_hw, o), bias)
    return apply_activation(out, fused_activation)


@KERNELS.register("TRANSPOSE_CONV")
def transpose_conv(
    output_shape,
    filt,
    x,
    bias=None,
    *,
    padding="SAME",
    stride_w=1,
    stride_h=1,
    fused_activation="NONE",
):
    """The gradient of CONV_2D with respect to its input: scatter every input pixel times the
    OHWI filter into an output of ``output_shape``, then crop TFLite's padding."""
    xp = array_module(x)
    require_float("TRANSPOSE_CONV", x, filt, bias)
    n, oh, ow, o = (int(v) for v in output_shape.reshape(-1))
    fo, kh, kw, ci = filt.shape
    _, h, w, c = x.shape
    if fo != o or ci != c:
        raise InvalidModelError(
            f"TRANSPOSE_CONV: filter {filt.shape} does not map {c} to {o} channels"
        )
    # The padding is the one a forward convolution from output_shape would use.
    _, ph, _ = axis_padding(oh, kh, stride_h, 1, padding)
    _, pw, _ = axis_padding(ow, kw, stride_w, 1, padding)
    full_h = max((h - 1) * stride_h + kh, ph + oh)
    full_w = max((w - 1) * stride_w + kw, pw + ow)
    full = xp.zeros((n, full_h, full_w, o), dtype=x.dtype)
    span_h, span_w = (h - 1) * stride_h + 1, (w - 1) * stride_w + 1
    for i in range(kh):
        for j in range(kw):
            contrib = x @ filt[:, i, j, :].T
            full[:, i : i + span_h : stride_h, j : j + span_w : stride_w, :] += contrib
    out = xp.ascontiguousarray(full[:, ph : ph + oh, pw : pw + ow, :])
    return apply_activation(_add_bias(out, bias), fused_activation)
