"""Array ops with TensorFlow's names: shapes, joining, slicing, gathering, casting, filling."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any

import numpy as np

from siglite.dtypes import as_dtype
from siglite.errors import SigliteError

from ..graph import const_array, is_symbolic
from ._core import common_dtype, emit, op, rank_of, same_dtype
from .math import maximum, minimum

_i32 = np.int32


def _ints(value: Any) -> Any:
    """Python/numpy integers as an int32 array; traced tensors pass through."""
    return value if is_symbolic(value) else np.asarray(value, _i32)


@op
def identity(x: Any, name: str | None = None) -> Any:
    """``x`` itself (no node is needed)."""
    return x if is_symbolic(x) else np.asarray(x)


@op
def matmul(a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False, name=None) -> Any:
    """Matrix product over the last two axes, batched over the others (BATCH_MATMUL)."""
    dt = same_dtype("matmul", a, b)
    return emit("BATCH_MATMUL", a, b, adj_x=transpose_a, adj_y=transpose_b, dtype=dt, name=name)


@op
def reshape(x: Any, shape: Any, name: str | None = None) -> Any:
    """``x`` with a new shape; one dimension may be -1 (RESHAPE)."""
    return emit("RESHAPE", x, _ints(shape), name=name)


@op
def transpose(x: Any, perm: Sequence[int] | None = None, name: str | None = None) -> Any:
    """Permute the axes (reverse them when ``perm`` is None) (TRANSPOSE)."""
    if perm is None:
        perm = list(builtins.range(rank_of(x)))[::-1]
    return emit("TRANSPOSE", x, _ints(perm), name=name)


@op
def concat(values: Sequence[Any], axis: int, name: str | None = None) -> Any:
    """Join tensors along an existing axis (CONCATENATION)."""
    return emit(
        "CONCATENATION",
        *values,
        axis=int(axis),
        fused_activation="NONE",
        dtype=same_dtype("concat", *values),
        name=name,
    )


@op
def stack(values: Sequence[Any], axis: int = 0, name: str | None = None) -> Any:
    """Join tensors along a new axis (PACK)."""
    dt = same_dtype("stack", *values)
    return emit("PACK", *values, values_count=len(values), axis=int(axis), dtype=dt, name=name)


@op
def unstack(x: Any, num: int | None = None, axis: int = 0, name: str | None = None) -> Any:
    """Split along ``axis`` into rank-reduced tensors (UNPACK)."""
    if num is None:
        num = x.shape[axis] if hasattr(x, "shape") else np.shape(x)[axis]
        if num is None:
            raise SigliteError("unstack: the axis length is unknown; pass num=")
    out = emit("UNPACK", x, num=int(num), axis=int(axis), name=name)
    return list(out) if isinstance(out, tuple) else [out]


@op
def split(x: Any, num_or_size_splits: Any, axis: int = 0, name: str | None = None) -> Any:
    """Split into equal parts (SPLIT) or parts of the given sizes (SPLIT_V)."""
    if isinstance(num_or_size_splits, int | np.integer):
        n = int(num_or_size_splits)
        out = emit("SPLIT", np.asarray(axis, _i32), x, num_splits=n, name=name)
    else:
        sizes = np.asarray(num_or_size_splits, _i32)
        n = len(sizes)
        out = emit("SPLIT_V", x, sizes, np.asarray(axis, _i32), num_splits=n, name=name)
    return list(out) if isinstance(out, tuple) else [out]


@op
def squeeze(x: Any, axis: Any = None, name: str | None = None) -> Any:
    """Drop size-1 axes (all of them when ``axis`` is None) (SQUEEZE)."""
    dims = () if axis is None else tuple(int(a) for a in np.atleast_1d(axis))
    return emit("SQUEEZE", x, squeeze_dims=dims, name=name)


@op
def expand_dims(x: Any, axis: int, name: str | None = None) -> Any:
    """Insert a size-1 axis at ``axis`` (EXPAND_DIMS)."""
    return emit("EXPAND_DIMS", x, np.asarray(axis, _i32), name=name)


@op
def gather(params: Any, indices: Any, axis: int | None = None, batch_dims: int = 0, name=None):
    """Pick slices of ``params`` along ``axis`` at ``indices`` (GATHER)."""
    idx = indices if is_symbolic(indices) else np.asarray(indices, _i32)
    return emit("GATHER", params, idx, axis=int(axis or 0), batch_dims=batch_dims, name=name)


@op
def gather_nd(params: Any, indices: Any, name: str | None = None) -> Any:
    """Gather slices addressed by the last axis of ``indices`` (GATHER_ND)."""
    return emit("GATHER_ND", params, _ints(indices), name=name)


@op
def cast(x: Any, dtype: Any, name: str | None = None) -> Any:
    """Convert element types (CAST)."""
    src = common_dtype(x) or as_dtype(np.asarray(x).dtype)
    dst = as_dtype(dtype)
    return emit("CAST", x, in_data_type=src.tflite_name, out_data_type=dst.tflite_name, name=name)


@op
def where(condition: Any, x: Any = None, y: Any = None, name: str | None = None) -> Any:
    """Pick from ``x`` where true, ``y`` elsewhere (SELECT_V2); coordinates alone (WHERE)."""
    if x is None and y is None:
        return emit("WHERE", condition, name=name)
    if x is None or y is None:
        raise SigliteError("where: give both x and y, or neither")
    return emit("SELECT_V2", condition, x, y, dtype=same_dtype("where", x, y), name=name)


@op
def shape(x: Any, out_type: Any = "int32", name: str | None = None) -> Any:
    """The shape of ``x`` as a 1-D tensor (SHAPE)."""
    return emit("SHAPE", x, out_type=as_dtype(out_type).tflite_name, name=name)


@op
def fill(dims: Any, value: Any, name: str | None = None) -> Any:
    """A tensor of shape ``dims`` filled with ``value`` (FILL)."""
    return emit("FILL", _ints(dims), value, name=name)


def _filled(shape: Any, dtype: Any, value: int) -> Any:
    if is_symbolic(shape):
        return fill(shape, np.asarray(value, as_dtype(dtype).numpy))
    return np.full(tuple(int(d) for d in np.atleast_1d(shape)), value, as_dtype(dtype).numpy)


def zeros(shape: Any, dtype: Any = "float32", name: str | None = None) -> Any:
    """A tensor of zeros (a constant, or FILL when ``shape`` is traced)."""
    return _filled(shape, dtype, 0)


def ones(shape: Any, dtype: Any = "float32", name: str | None = None) -> Any:
    """A tensor of ones (a constant, or FILL when ``shape`` is traced)."""
    return _filled(shape, dtype, 1)


@op
def zeros_like(x: Any, name: str | None = None) -> Any:
    """Zeros with the shape and dtype of ``x`` (ZEROS_LIKE)."""
    return emit("ZEROS_LIKE", x, name=name)


@op
def ones_like(x: Any, name: str | None = None) -> Any:
    """Ones with the shape and dtype of ``x`` (FILL of its SHAPE)."""
    dt = common_dtype(x) or as_dtype(np.asarray(x).dtype)
    return fill(shape(x), np.ones((), dt.numpy), name=name)


@op
def range(start: Any, limit: Any = None, delta: Any = 1, dtype: Any = None, name=None):  # noqa: A001
    """``[start, start + delta, ...)`` up to ``limit`` (RANGE)."""
    if limit is None:
        start, limit = 0, start
    dt = as_dtype(dtype) if dtype is not None else common_dtype(start, limit, delta)
    if dt is None:
        is_float = any(isinstance(v, float) for v in (start, limit, delta))
        dt = as_dtype("float32" if is_float else "int32")
    return emit("RANGE", start, limit, delta, dtype=dt, name=name)


@op
def pad(x: Any, paddings: Any, mode: str = "CONSTANT", constant_values: Any = 0, name=None):
    """Pad with a constant (PAD / PADV2) or by mirroring (MIRROR_PAD)."""
    pads = _ints(paddings)
    mode = mode.upper()
    if mode == "CONSTANT":
        if not is_symbolic(constant_values) and np.all(np.asarray(constant_values) == 0):
            return emit("PAD", x, pads, name=name)
        value = const_array(constant_values, common_dtype(x))
        return emit("PADV2", x, pads, value, name=name)
    if mode in ("REFLECT", "SYMMETRIC"):
        return emit("MIRROR_PAD", x, pads, mode=mode, name=name)
    raise SigliteError(f"pad: mode must be CONSTANT, REFLECT or SYMMETRIC, got {mode!r}")


@op
def tile(x: Any, multiples: Any, name: str | None = None) -> Any:
    """Repeat ``x`` along each axis (TILE)."""
    return emit("TILE", x, _ints(multiples), name=name)


@op
def broadcast_to(x: Any, shape: Any, name: str | None = None) -> Any:
    """Broadcast ``x`` to ``shape`` (BROADCAST_TO)."""
    return emit("BROADCAST_TO", x, _ints(shape), name=name)


@op
def clip_by_value(x: Any, clip_value_min: Any, clip_value_max: Any, name=None) -> Any:
    """``min(max(x, lo), hi)`` (MAXIMUM then MINIMUM)."""
    return minimum(maximum(x, clip_value_min), clip_value_max, name=name)


@op
def slice(x: Any, begin: Any, size: Any, name: str | None = None) -> Any:  # noqa: A001
    """The block starting at ``begin`` of extent ``size`` (-1: to the end) (SLICE)."""
    return emit("SLICE", x, _ints(begin), _ints(size), name=name)


@op
def reverse(x: Any, axis: Any, name: str | None = None) -> Any:
    """Reverse the order along the given axes (REVERSE_V2)."""
    return emit("REVERSE_V2", x, _ints(np.atleast_1d(axis)), name=name)


@op
def one_hot(
    indices: Any,
    depth: int,
    on_value: Any = 1.0,
    off_value: Any = 0.0,
    axis: int = -1,
    dtype: Any = "float32",
    name: str | None = None,
) -> Any:
    """One-hot vectors of length ``depth`` along ``axis``; indices outside ``[0, depth)`` give
    all ``off_value`` (EQUAL against a RANGE, then SELECT_V2)."""
    from .math import equal

    dt = as_dtype(dtype)
    on, off = (np.asarray(v, dt.numpy) for v in (on_value, off_value))
    r = rank_of(indices)
    at = int(axis) + r + 1 if int(axis) < 0 else int(axis)
    if not 0 <= at <= r:
        raise SigliteError(f"one_hot: axis {axis} is out of range for indices of rank {r}")
    positions = np.arange(int(depth), dtype=_i32).reshape((int(depth),) + (1,) * (r - at))
    hit = equal(expand_dims(cast(indices, "int32"), at), positions)
    return where(hit, on, off, name=name)


def rank(x: Any) -> Any:
    """The number of axes (a Python int: ranks are static in siglite)."""
    return np.asarray(rank_of(x), _i32)


@op
def size(x: Any, out_type: Any = "int32", name: str | None = None) -> Any:
    """The number of elements (product of SHAPE)."""
    from .math import reduce_prod

    return reduce_prod(shape(x, out_type=out_type), name=name)
