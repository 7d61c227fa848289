"""The array module of the values a kernel receives: numpy, or CuPy for device arrays.

Kernels written against ``xp = array_module(x)`` run unchanged on the CuPy delegate.

Kernels that take ``out=`` (the runtime's preallocated arena view of their result) use
:func:`fits` to decide whether they may write there: only a numpy array of exactly the result's
shape and dtype that shares no memory with an input qualifies, so writing into it never changes
the computation or reads an input that was already overwritten.
"""

from __future__ import annotations

from typing import Any

import numpy as np

FLOAT32 = np.dtype(np.float32)

# Results smaller than this (in elements) ignore ``out``: a fresh small array and the runtime's
# copy cost less than checking that ``out`` fits (measured crossover near 8192 float32 values).
MIN_OUT_SIZE = 8192


def array_module(*arrays: Any) -> Any:
    """CuPy when any of ``arrays`` is a CuPy array, else numpy."""
    for a in arrays:
        if type(a) is np.ndarray:  # the common case, without the module-name test
            continue
        if type(a).__module__.startswith("cupy"):
            import cupy

            return cupy
    return np


def fits(out: Any, shape: tuple[int, ...], dtype: Any, *inputs: Any) -> Any:
    """``out`` when a kernel may write its result there, else None.

    ``out`` must be a numpy array of ``shape`` and ``dtype`` with at least
    :data:`MIN_OUT_SIZE` elements, every input a numpy array (not a device array) and none of
    them may overlap ``out``.
    """
    if type(out) is not np.ndarray or out.size < MIN_OUT_SIZE:
        return None
    if out.shape != shape or out.dtype != dtype:
        return None
    for a in inputs:
        if type(a) is not np.ndarray or np.may_share_memory(out, a):
            return None
    return out


def broadcast_shape(*arrays: Any) -> tuple[int, ...] | None:
    """The broadcast shape of the arrays' shapes (None when they do not broadcast).

    Plain Python: ``numpy.broadcast_shapes`` costs microseconds, as much as a small kernel.
    """
    shapes = [a.shape for a in arrays]
    first = shapes[0]
    if all(s == first for s in shapes):
        return first
    ndim = max(len(s) for s in shapes)
    result = [1] * ndim
    for s in shapes:
        for i, d in enumerate(s, ndim - len(s)):
            if d != result[i] and d != 1:
                if result[i] != 1:
                    return None  # the kernel's own computation raises the usual error
                result[i] = d
    return tuple(result)


def float_out(out: Any, x: Any, *others: Any) -> Any:
    """``out`` for a float32 elementwise result of ``x`` and ``others`` (broadcast), else None.

    ``x`` must be C-contiguous, as the fresh result then is: numpy picks the same inner loop
    (SIMD or not) for both, so the values are bit-identical.
    """
    if type(out) is not np.ndarray or out.size < MIN_OUT_SIZE:
        return None
    if type(x) is not np.ndarray or x.dtype != FLOAT32 or not x.flags.c_contiguous:
        return None
    shape = x.shape
    for a in others:  # the common case, equal shapes, without building lists
        if a.shape != shape:
            shape = broadcast_shape(x, *others)
            if shape is None:
                return None
            break
    return fits(out, shape, FLOAT32, x, *others)
