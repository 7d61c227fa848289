"""RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR on NHWC with TFLite's coordinate rules.

Source coordinates are computed in float32, as TFLite does, so that ties land on the same
side. Nearest neighbour copies values of any type; bilinear here is the float kernel.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from siglite.errors import InvalidModelError

from ..table import KERNELS
from .xp import array_module


def _scale(in_size: int, out_size: int, align_corners: bool) -> np.float32:
    if align_corners and out_size > 1:
        return np.float32(in_size - 1) / np.float32(out_size - 1)
    return np.float32(in_size) / np.float32(out_size)


def _sizes(x: Any, size: Any, op: str, align_corners: bool, half_pixel_centers: bool):
    if align_corners and half_pixel_centers:
        raise InvalidModelError(f"{op}: align_corners and half_pixel_centers cannot both be set")
    out_h, out_w = (int(v) for v in np.asarray(size).reshape(-1)[:2])
    if out_h <= 0 or out_w <= 0:
        raise InvalidModelError(f"{op}: output size must be positive, got {(out_h, out_w)}")
    return x.shape[1], x.shape[2], out_h, out_w


def _nearest_index(in_size: int, out_size: int, align_corners: bool, half_pixel: bool):
    scale = _scale(in_size, out_size, align_corners)
    pos = (np.arange(out_size, dtype=np.float32) + np.float32(0.5 if half_pixel else 0.0)) * scale
    if align_corners:
        # TFLite rounds half away from zero here; positions are never negative
        idx = np.floor(pos.astype(np.float64) + 0.5)
    else:
        idx = np.floor(pos)
    idx = np.minimum(idx.astype(np.int64), in_size - 1)
    return np.maximum(idx, 0) if half_pixel else idx


@KERNELS.register("RESIZE_NEAREST_NEIGHBOR")
def resize_nearest_neighbor(x, size, *, align_corners=False, half_pixel_centers=False):
    """Each output pixel copies the input pixel its source coordinate falls on."""
    xp = array_module(x)
    h, w, oh, ow = _sizes(x, size, "RESIZE_NEAREST_NEIGHBOR", align_corners, half_pixel_centers)
    iy = xp.asarray(_nearest_index(h, oh, align_corners, half_pixel_centers))
    ix = xp.asarray(_nearest_index(w, ow, align_corners, half_pixel_centers))
    return x[:, iy][:, :, ix]


def _linear_terms(in_size: int, out_size: int, align_corners: bool, half_pixel: bool):
    """Lower/upper source indices and the float32 weight of the upper one, per output index."""
    scale = _scale(in_size, out_size, align_corners)
    pos = np.arange(out_size, dtype=np.float32)
    if half_pixel:
        pos = (pos + np.float32(0.5)) * scale - np.float32(0.5)
    else:
        pos = pos * scale
    lower = np.maximum(np.floor(pos), 0).astype(np.int64)
    upper = np.minimum(np.ceil(pos), in_size - 1).astype(np.int64)
    # TFLite weighs by (pos - lower) even when pos < 0 was clamped; lower == upper then.
    return lower, upper, (pos - lower.astype(np.float32)).astype(np.float32)


@KERNELS.register("RESIZE_BILINEAR", dtypes=("float32",))
def resize_bilinear(x, size, *, align_corners=False, half_pixel_centers=False):
    """Weighted mean of the four input pixels around each output pixel's source coordinate."""
    xp = array_module(x)
    h, w, oh, ow = _sizes(x, size, "RESIZE_BILINEAR", align_corners, half_pixel_centers)
    y0, y1, dy = (xp.asarray(a) for a in _linear_terms(h, oh, align_corners, half_pixel_centers))
    x0, x1, dx = (xp.asarray(a) for a in _linear_terms(w, ow, align_corners, half_pixel_centers))
    dy, dx = dy[None, :, None, None], dx[None, None, :, None]
    top, bottom = x[:, y0], x[:, y1]
    one = x.dtype.type(1)
    out = (
        top[:, :, x0] * (one - dy) * (one - dx)
        + bottom[:, :, x0] * dy * (one - dx)
        + top[:, :, x1] * (one - dy) * dx
        + bottom[:, :, x1] * dy * dx
    )
    return out
