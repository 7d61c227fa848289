"""Float convolutions with TFLite semantics: CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV.

Activations are NHWC; CONV_2D and TRANSPOSE_CONV filters are OHWI, depthwise filters 1HWO.
Convolutions are GEMMs over im2col rows built from one strided window view; depthwise is one
``einsum`` over that view. Kernels that take ``out=`` write their result into it when it has the
result's shape and dtype (the runtime passes the output's arena view).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from siglite.errors import InvalidModelError, UnsupportedOpError
from siglite.ops.schemas.nn import conv_out_size

from ..table import KERNELS
from .activations import activate_into
from .xp import array_module as _array_module


def array_module(x: Any) -> Any:
    """The array module of ``x``: numpy at once for a numpy array (kernels call this on every
    run), else :func:`.xp.array_module`."""
    return np if type(x) is np.ndarray else _array_module(x)


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
    if xp is not np:
        return xp.pad(x, ((0, 0), pads_h, pads_w, (0, 0)), constant_values=value)
    # np.pad's generic machinery costs more than the copy itself on small images.
    n, h, w, c = x.shape
    (top, bottom), (left, right) = pads_h, pads_w
    out = np.full((n, h + top + bottom, w + left + right, c), value, dtype=x.dtype)
    out[:, top : top + h, left : left + w, :] = x
    return out


def tap(x: Any, i: int, j: int, out_hw: tuple[int, int], strides, dilations):
    """The view of padded ``x`` that kernel tap (i, j) reads for every output pixel."""
    (oh, ow), (sh, sw), (dh, dw) = out_hw, strides, dilations
    y0, x0 = i * dh, j * dw
    return x[:, y0 : y0 + (oh - 1) * sh + 1 : sh, x0 : x0 + (ow - 1) * sw + 1 : sw, :]


def windows(xpad: Any, kernel: tuple[int, int], out_hw, strides, dilations) -> Any:
    """A read-only view ``(N, OH, OW, KH, KW, C)`` of every output pixel's input window."""
    (kh, kw), (oh, ow), (sh, sw), (dh, dw) = kernel, out_hw, strides, dilations
    sn, sy, sx, sc = xpad.strides
    shape = (xpad.shape[0], oh, ow, kh, kw, xpad.shape[3])
    strides_ = (sn, sy * sh, sx * sw, sy * dh, sx * dw, sc)
    xp = array_module(xpad)
    if xp is np:
        return np.lib.stride_tricks.as_strided(xpad, shape, strides_, writeable=False)
    return xp.lib.stride_tricks.as_strided(xpad, shape, strides_)


def _geometry(x, kh, kw, padding, stride_h, stride_w, dil_h, dil_w):
    _, h, w, _ = x.shape
    oh, ph0, ph1 = axis_padding(h, kh, stride_h, dil_h, padding)
    ow, pw0, pw1 = axis_padding(w, kw, stride_w, dil_w, padding)
    return pad_nhwc(x, (ph0, ph1), (pw0, pw1)), (oh, ow)


def _im2col(x, kh, kw, padding, strides, dils) -> tuple[Any, tuple[int, int]]:
    """``(N*OH*OW, KH*KW*C)`` rows of input windows (tap-major, channel-minor), and (OH, OW).

    A 1x1 kernel at stride 1 needs no copy: the input itself is the matrix.
    """
    xpad, out_hw = _geometry(x, kh, kw, padding, *strides, *dils)
    n, c = x.shape[0], x.shape[3]
    rows = n * out_hw[0] * out_hw[1]
    if kh == kw == 1 and strides == (1, 1):
        return xpad.reshape(rows, c), out_hw
    return windows(xpad, (kh, kw), out_hw, strides, dils).reshape(rows, kh * kw * c), out_hw


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


def usable_out(out: Any, shape: tuple[int, ...], *operands: Any) -> Any:
    """``out`` when a kernel may write its result there: a numpy array of the result's shape
    and of its operands' common dtype (anything else and the kernel allocates its result)."""
    if out is None or type(out) is not np.ndarray or out.shape != shape:
        return None
    for a in operands:
        if type(a) is not np.ndarray or a.dtype != out.dtype:
            return None
    return out


def matmul_nt(a: Any, b: Any, out: Any = None) -> Any:
    """``a @ b.T`` for matrices (into ``out`` when given): FULLY_CONNECTED and im2col GEMMs.

    With few rows in ``a`` and a large ``b``, OpenBLAS computes the product faster in the
    transposed orientation, ``(b @ a.T).T`` (measured 1.1-1.8x for 3 to 64 rows).
    """
    xp = array_module(a)
    rows, size = a.shape[0], b.size
    if not (3 <= rows <= 32 and size >= 1 << 17) and not (3 <= rows <= 64 and size >= 1 << 18):
        return xp.matmul(a, b.T, out=out)
    res = xp.matmul(b, a.T).T
    if out is None:
        return xp.ascontiguousarray(res)
    out[...] = res
    return out


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
    out=None,
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
    strides, dils = (stride_h, stride_w), (dilation_h_factor, dilation_w_factor)
    # im2col, then one GEMM (per group) against the OHWI filter
    cols, out_hw = _im2col(x, kh, kw, padding, strides, dils)
    n, p = x.shape[0], cols.shape[0]
    dest = usable_out(out, (n, *out_hw, o), x, filt)
    if groups == 1:
        res = matmul_nt(cols, filt.reshape(o, -1), _rows(dest, p))
    else:
        res = _grouped_matmul(xp, cols, filt, groups, _rows(dest, p))
    res = activate_into(_add_bias(res, bias), fused_activation)
    return dest if dest is not None else res.reshape(n, *out_hw, o)


def _grouped_matmul(xp: Any, cols: Any, filt: Any, groups: int, res: Any) -> Any:
    """One GEMM per group of channels, written into the ``(P, O)`` result ``res`` (or a new
    one) through a strided view, so the group results need no reordering copy."""
    o, kh, kw, ci = filt.shape
    p, og, taps = cols.shape[0], o // groups, kh * kw
    if taps == 1:  # a 1x1 kernel's group columns are strided views of the input
        g_cols = cols.reshape(p, groups, ci).transpose(1, 0, 2)
    else:
        g_cols = cols.reshape(p, taps, groups, ci).transpose(2, 0, 1, 3).reshape(groups, p, -1)
    g_filt = filt.reshape(groups, og, taps * ci).transpose(0, 2, 1)
    if res is None:
        res = xp.empty((p, o), dtype=xp.result_type(cols, filt))
    xp.matmul(g_cols, g_filt, out=res.reshape(p, groups, og).transpose(1, 0, 2))
    return res


def _rows(dest: Any, rows: int) -> Any:
    """``dest`` as a ``(rows, channels)`` matrix (a view), or None."""
    return None if dest is None else dest.reshape(rows, dest.shape[-1])


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
    out=None,
):
    """NHWC x 1HWO -> NHWO, output channel ``c * M + m`` reading input channel ``c``.

    The multiplier comes from the filter (O / C), as TFLite's kernel derives it. Each output
    is the sum over the window's taps, computed by one ``einsum`` over a strided window view.
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
    win = windows(xpad, (kh, kw), out_hw, strides, dils)
    n = x.shape[0]
    dest = usable_out(out, (n, *out_hw, o), x, filt)
    target = None if dest is None else dest.reshape(n, *out_hw, c, m)
    res = xp.einsum("nhwijc,ijcm->nhwcm", win, filt.reshape(kh, kw, c, m), out=target)
    res = res.reshape(n, *out_hw, o)
    res = activate_into(_add_bias(res, bias), fused_activation)
    return dest if dest is not None else res


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
    out=None,
):
    """The gradient of CONV_2D with respect to its input: scatter every input pixel times the
    OHWI filter into an output of ``output_shape``, then crop TFLite's padding.

    One GEMM gives every pixel's contribution to every tap; the taps are then added into their
    strided places of the uncropped output.
    """
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
    taps = filt.transpose(3, 1, 2, 0).reshape(c, kh * kw * o)
    contrib = (x.reshape(-1, c) @ taps).reshape(n, h, w, kh, kw, o)
    for i in range(kh):
        for j in range(kw):
            full[:, i : i + span_h : stride_h, j : j + span_w : stride_w, :] += contrib[
                :, :, :, i, j, :
            ]
    crop = full[:, ph : ph + oh, pw : pw + ow, :]
    dest = usable_out(out, (n, oh, ow, o), x, filt)
    if dest is not None:
        dest[...] = crop
    res = dest if dest is not None else xp.ascontiguousarray(crop)
    return activate_into(_add_bias(res, bias), fused_activation)
