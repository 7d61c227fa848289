"""Float 2-D pooling with TFLite semantics: AVERAGE_POOL_2D and MAX_POOL_2D on NHWC.

Padded positions never take part: the average divides by the number of real elements under
the window, and the maximum ignores the padding.
"""

from __future__ import annotations

from typing import Any

from siglite.ops.schemas.nn import conv_out_size

from ..table import KERNELS
from .activations import activate_into
from .conv import array_module, axis_padding, pad_nhwc, tap, usable_out


def _axis_counts(xp: Any, size: int, out: int, pad: int, kernel: int, stride: int):
    """How many real (unpadded) input positions each output window covers on one axis."""
    start = xp.arange(out) * stride - pad
    return xp.minimum(start + kernel, size) - xp.maximum(start, 0)


def window_counts(xp: Any, geometry, filter_height, filter_width, stride_h, stride_w, dtype):
    """How many real input positions each output window covers, a ``(1, OH, OW, 1)`` array of
    ``dtype``; ``geometry`` is what :func:`_pool` returns after the result."""
    (h, w), (oh, ow), (ph, pw) = geometry
    counts_h = _axis_counts(xp, h, oh, ph, filter_height, stride_h)
    counts_w = _axis_counts(xp, w, ow, pw, filter_width, stride_w)
    return (counts_h[:, None] * counts_w[None, :]).astype(dtype)[None, :, :, None]


def _pool(x, reduce, fill, padding, stride_w, stride_h, filter_width, filter_height, out=None):
    """Reduce every window's taps into ``out`` (or a new array), one tap at a time."""
    _, h, w, _ = x.shape
    oh, ph0, ph1 = axis_padding(h, filter_height, stride_h, 1, padding)
    ow, pw0, pw1 = axis_padding(w, filter_width, stride_w, 1, padding)
    xpad = pad_nhwc(x, (ph0, ph1), (pw0, pw1), fill)
    acc = None
    for i in range(filter_height):
        for j in range(filter_width):
            v = tap(xpad, i, j, (oh, ow), (stride_h, stride_w), (1, 1))
            if acc is None:
                acc = v.copy() if out is None else _fill(out, v)
            else:
                acc = reduce(acc, v, out=acc)
    return acc, (h, w), (oh, ow), (ph0, pw0)


def _fill(out, v):
    out[...] = v
    return out


@KERNELS.register("AVERAGE_POOL_2D", dtypes=("float32",))
def average_pool_2d(
    x,
    *,
    padding="SAME",
    stride_w=1,
    stride_h=1,
    filter_width=1,
    filter_height=1,
    fused_activation="NONE",
    out=None,
):
    """Mean over each window's real elements."""
    xp = array_module(x)
    dest = _usable(out, x, padding, stride_w, stride_h, filter_width, filter_height)
    total, *geometry = _pool(
        x, xp.add, 0.0, padding, stride_w, stride_h, filter_width, filter_height, dest
    )
    counts = window_counts(xp, geometry, filter_height, filter_width, stride_h, stride_w, x.dtype)
    mean = xp.divide(total, counts, out=total)
    return activate_into(mean, fused_activation)


@KERNELS.register("MAX_POOL_2D", dtypes=("float32",))
def max_pool_2d(
    x,
    *,
    padding="SAME",
    stride_w=1,
    stride_h=1,
    filter_width=1,
    filter_height=1,
    fused_activation="NONE",
    out=None,
):
    """Maximum over each window's real elements."""
    xp = array_module(x)
    dest = _usable(out, x, padding, stride_w, stride_h, filter_width, filter_height)
    res, *_ = _pool(
        x, xp.maximum, -xp.inf, padding, stride_w, stride_h, filter_width, filter_height, dest
    )
    return activate_into(res, fused_activation)


def _usable(out, x, padding, stride_w, stride_h, filter_width, filter_height):
    """``out`` when it has the pooled result's shape and dtype."""
    if out is None:
        return None
    n, h, w, c = x.shape
    oh = conv_out_size(h, filter_height, stride_h, 1, padding)
    ow = conv_out_size(w, filter_width, stride_w, 1, padding)
    return usable_out(out, (n, oh, ow, c), x)
