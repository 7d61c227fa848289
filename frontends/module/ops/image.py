"""``sl.image``: resizing NHWC images (RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR)."""

from __future__ import annotations

from typing import Any

import numpy as np

from siglite.dtypes import as_dtype
from siglite.errors import SigliteError

from ..graph import is_symbolic
from ._core import common_dtype, emit, op, rank_of
from .array import cast, expand_dims, squeeze

_METHODS = {"bilinear": "RESIZE_BILINEAR", "nearest": "RESIZE_NEAREST_NEIGHBOR"}


class ResizeMethod:
    """Names of the resize methods (``sl.image.ResizeMethod.BILINEAR`` ...)."""

    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"


@op
def resize(images: Any, size: Any, method: str = "bilinear", antialias: bool = False, name=None):
    """Resize to ``size`` = (height, width) with half-pixel centers, as TensorFlow 2 does."""
    if method not in _METHODS:
        raise SigliteError(f"resize: method must be one of {sorted(_METHODS)}, got {method!r}")
    if antialias:
        raise SigliteError("resize: antialias=True has no TFLite builtin")
    hw = size if is_symbolic(size) else np.asarray(size, np.int32)
    rank = rank_of(images)
    if rank not in (3, 4):
        raise SigliteError(f"resize: images must be [batch, h, w, c] or [h, w, c], got rank {rank}")
    x = expand_dims(images, 0) if rank == 3 else images
    dt = common_dtype(images) or as_dtype(np.asarray(images).dtype)
    if method == "bilinear" and dt.name != "float32":
        x = cast(x, "float32")  # TensorFlow's bilinear resize always returns float32
    out = emit(_METHODS[method], x, hw, align_corners=False, half_pixel_centers=True, name=name)
    return squeeze(out, axis=0) if rank == 3 else out
