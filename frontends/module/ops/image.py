"""``sl.image``: resizing NHWC images (RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR)."""

from __future__ import annotations

from typing import Any

import numpy as np
from siglite.errors import SigliteError

from ..graph import is_symbolic
from ._core import emit, op

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
    return emit(
        _METHODS[method], images, hw, align_corners=False, half_pixel_centers=True, name=name
    )
