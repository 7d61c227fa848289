"""Kernels of ADD_N, ATAN2, REDUCE_ALL and ONE_HOT with TFLite semantics."""

from __future__ import annotations

from ..table import KERNELS
from .reductions import host_ints, norm_axes
from .xp import array_module


@KERNELS.register("ADD_N")
def add_n(*xs):
    """The elementwise sum of every input (all of one shape and type), left to right."""
    xp = array_module(*xs)
    total = xp.array(xs[0], copy=True)
    for x in xs[1:]:
        total += x  # integer sums wrap around like C++
    return total


@KERNELS.register("ATAN2")
def atan2(y, x):
    """The angle of ``(x, y)`` elementwise, in the inputs' float type."""
    return array_module(y).arctan2(y, x).astype(y.dtype, copy=False)


@KERNELS.register("REDUCE_ALL")
def reduce_all(x, axis, *, keep_dims=False):
    """Logical AND over the axes tensor (True over nothing)."""
    return array_module(x).all(x, axis=norm_axes(axis, x.ndim), keepdims=keep_dims)


@KERNELS.register("ONE_HOT")
def one_hot(indices, depth, on_value, off_value, *, axis=0):
    """``on_value`` where the depth position equals the index, else ``off_value``; indices out
    of ``[0, depth)`` give an all-``off_value`` row."""
    xp = array_module(indices)
    n = host_ints(depth)[0]
    axis = indices.ndim if axis == -1 else axis
    positions = xp.arange(n).reshape((n,) + (1,) * (indices.ndim - axis))
    hit = xp.expand_dims(indices, axis) == positions
    on, off = xp.asarray(on_value).reshape(()), xp.asarray(off_value).reshape(())
    return xp.where(hit, on, off).astype(on.dtype, copy=False)
