"""Example siglite plugin: the custom op ``RotateLeft`` (int32 bit rotation).

The plugin implements one hook, ``register_ops``, and is found through the entry point
``example_ops`` in the ``siglite`` group of this distribution's pyproject.toml.
"""

from __future__ import annotations

import numpy as np

import siglite as sl
from siglite.plugins import hookimpl


def rotate_left_shape(inputs, attrs):
    """Same dtype and shape as the first input; the shift must be an int32 scalar."""
    x, shift = inputs
    if x.dtype is not sl.int32 or shift.dtype is not sl.int32:
        raise sl.UnsupportedOpError("RotateLeft takes int32 values and an int32 shift")
    return [(x.dtype, x.signature_shape)]


def rotate_left(x, shift):
    """Rotate the 32 bits of every element of ``x`` left by ``shift``."""
    s = np.uint32(int(np.asarray(shift).reshape(-1)[0]) % 32)
    bits = np.asarray(x).view(np.uint32)
    rotated = (bits << s) | (bits >> ((np.uint32(32) - s) % np.uint32(32)))
    return rotated.astype(np.uint32).view(np.int32)


ROTATE_LEFT = sl.OpSchema(
    "RotateLeft",
    opset="CUSTOM",
    infer=rotate_left_shape,
    doc="rotate int32 bits left by a scalar shift",
)


@hookimpl
def register_ops(register):
    register(ROTATE_LEFT, kernels={"numpy": rotate_left})
