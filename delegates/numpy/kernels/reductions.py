"""Reduction and scan kernels: MEAN, SUM, REDUCE_*, ARG_MAX/ARG_MIN, TOPK_V2, CUMSUM."""

from __future__ import annotations

from typing import Any

import numpy as np

from siglite.dtypes import as_dtype

from ..table import KERNELS
from .xp import FLOAT32, array_module, fits


def host_ints(t: Any) -> list[int]:
    """A small integer tensor (axes, k) as a Python list, copied from the device if needed."""
    return [int(v) for v in np.asarray(t.get() if hasattr(t, "get") else t).reshape(-1)]


def norm_axes(axis: Any, rank: int) -> tuple[int, ...]:
    """Axis values (negative and repeated ones allowed) as sorted unique non-negative axes."""
    values = host_ints(axis)
    return tuple(sorted({a % rank for a in values})) if rank else ()


def _extreme(dtype: Any, high: bool) -> Any:
    """TFLite's start value of max (``high=False``: the lowest finite value) or min."""
    if dtype.kind == "b":
        return high
    info = np.finfo(dtype) if dtype.kind == "f" else np.iinfo(dtype)
    return info.max if high else info.min


def _reduce_empty_safe(x, axes, keep_dims, fn, identity):
    xp = array_module(x)
    if x.size == 0:  # an empty reduction gives the identity, as TFLite's initial value
        shape = np.empty(x.shape, np.bool_).sum(axis=axes, keepdims=keep_dims).shape
        return xp.full(shape, identity, dtype=x.dtype)
    return fn(x, axis=axes, keepdims=keep_dims)


def _sum_out(out: Any, x: Any, axes: tuple[int, ...], keep_dims: bool) -> Any:
    """``out`` for a float32 sum of ``x`` over ``axes`` when it fits, else None.

    Only for a C-contiguous ``x``: numpy then lays out a fresh result the same way and adds in
    the same order, so the sums are bit-identical.
    """
    if out is None or x.dtype != FLOAT32 or type(x) is not np.ndarray:
        return None
    if not x.flags.c_contiguous:
        return None
    if keep_dims:
        shape = tuple(1 if i in axes else d for i, d in enumerate(x.shape))
    else:
        shape = tuple(d for i, d in enumerate(x.shape) if i not in axes)
    return fits(out, shape, FLOAT32, x)


@KERNELS.register("SUM")
def reduce_sum(x, axis, *, keep_dims=False, out=None):
    """Sum over the axes tensor, in the input type."""
    xp, axes = array_module(x), norm_axes(axis, x.ndim)
    dest = _sum_out(out, x, axes, keep_dims)
    return xp.sum(x, axis=axes, keepdims=keep_dims, dtype=x.dtype, out=dest)


@KERNELS.register("REDUCE_PROD")
def reduce_prod(x, axis, *, keep_dims=False):
    """Product over the axes tensor, in the input type."""
    xp = array_module(x)
    return xp.prod(x, axis=norm_axes(axis, x.ndim), keepdims=keep_dims, dtype=x.dtype)


@KERNELS.register("MEAN")
def mean(x, axis, *, keep_dims=False, out=None):
    """Mean over the axes tensor; integer means truncate toward zero."""
    xp, axes = array_module(x), norm_axes(axis, x.ndim)
    count = int(np.prod([x.shape[a] for a in axes], dtype=np.int64))
    if x.dtype.kind in "iu":  # integer means truncate toward zero, as C++ division does
        total = xp.sum(x, axis=axes, keepdims=keep_dims, dtype=np.int64)
        q = xp.abs(total) // max(count, 1)
        return (xp.sign(total) * q).astype(x.dtype)
    dest = _sum_out(out, x, axes, keep_dims)
    total = xp.sum(x, axis=axes, keepdims=keep_dims, dtype=x.dtype, out=dest)
    with np.errstate(all="ignore"):  # the mean of nothing is NaN, as in TFLite
        if dest is not None:
            return np.true_divide(dest, np.asarray(count, dtype=x.dtype), out=dest)
        return (total / xp.asarray(count, dtype=x.dtype)).astype(x.dtype, copy=False)


@KERNELS.register("REDUCE_MAX")
def reduce_max(x, axis, *, keep_dims=False):
    """Maximum over the axes; an empty reduction gives the type's lowest value."""
    axes, xp = norm_axes(axis, x.ndim), array_module(x)
    return _reduce_empty_safe(x, axes, keep_dims, xp.max, _extreme(x.dtype, False))


@KERNELS.register("REDUCE_MIN")
def reduce_min(x, axis, *, keep_dims=False):
    """Minimum over the axes; an empty reduction gives the type's highest value."""
    axes, xp = norm_axes(axis, x.ndim), array_module(x)
    return _reduce_empty_safe(x, axes, keep_dims, xp.min, _extreme(x.dtype, True))


@KERNELS.register("REDUCE_ANY")
def reduce_any(x, axis, *, keep_dims=False):
    """Logical OR over the axes tensor."""
    return array_module(x).any(x, axis=norm_axes(axis, x.ndim), keepdims=keep_dims)


def _arg(x, axis, output_type, fn):
    a = norm_axes(axis, x.ndim)[0]
    return fn(x, axis=a).astype(as_dtype(output_type or "INT64").numpy)


@KERNELS.register("ARG_MAX")
def arg_max(x, axis, *, output_type="INT64"):
    """Index of the first largest value along the axis, as output_type."""
    return _arg(x, axis, output_type, array_module(x).argmax)


@KERNELS.register("ARG_MIN")
def arg_min(x, axis, *, output_type="INT64"):
    """Index of the first smallest value along the axis, as output_type."""
    return _arg(x, axis, output_type, array_module(x).argmin)


@KERNELS.register("TOPK_V2")
def topk_v2(x, k):
    """The k largest values of the last axis and their int32 indices."""
    xp, k = array_module(x), host_ints(k)[0]
    n = x.shape[-1]
    # Largest first, ties to the lower index: a stable ascending sort of the reversed row,
    # read backwards.
    order = xp.argsort(x[..., ::-1], axis=-1, kind="stable")[..., ::-1][..., :k]
    indices = (n - 1 - order).astype(xp.int32)
    return xp.take_along_axis(x, indices, axis=-1), indices


@KERNELS.register("CUMSUM")
def cumsum(x, axis, *, exclusive=False, reverse=False):
    """Cumulative sum along the axis, optionally exclusive and/or reversed."""
    xp, a = array_module(x), norm_axes(axis, x.ndim)[0]
    if reverse:
        x = xp.flip(x, axis=a)
    out = xp.cumsum(x, axis=a, dtype=x.dtype)
    if exclusive and out.shape[a]:
        zero = xp.zeros_like(xp.take(out, [0], axis=a))
        out = xp.concatenate([zero, xp.take(out, xp.arange(out.shape[a] - 1), axis=a)], axis=a)
    return xp.flip(out, axis=a) if reverse else out
