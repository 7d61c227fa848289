"""Shape and data-movement kernels with TFLite semantics (RESHAPE ... REVERSE_V2)."""

from __future__ import annotations

from typing import Any

import numpy as np

from siglite.dtypes import as_dtype
from siglite.ops.schemas.shapes import reshape_target, resolve_reshape
from siglite.ops.schemas.slicing import strided_slice_index

from ..table import KERNELS
from .activations import activate_into, apply_activation
from .reductions import host_ints
from .xp import array_module, fits

ints = host_ints  # shape, axis, paddings ... tensors as flat Python lists


class _Vector:
    """Just enough of a Tensor for :func:`reshape_target` to decide how to read a shape input."""

    def __init__(self, a: Any) -> None:
        self.signature_shape = a.shape
        self.dtype = as_dtype(a.dtype)
        self.data = np.asarray(a.get() if hasattr(a, "get") else a)


@KERNELS.register("RESHAPE")
def reshape(x, shape=None, *, new_shape=None):
    """Reshape to the shape input (an int32 vector) or the new_shape attribute."""
    target = reshape_target(_Vector(shape) if shape is not None else None, new_shape)
    return x.reshape(resolve_reshape(x.shape, target if target is not None else ints(shape)))


@KERNELS.register("TRANSPOSE")
def transpose(x, perm, *, out=None):
    """Permute the axes by perm."""
    moved = array_module(x).transpose(x, ints(perm))
    dest = fits(out, moved.shape, x.dtype, x)
    if dest is None:
        return moved
    np.copyto(dest, moved)
    return dest


@KERNELS.register("CONCATENATION")
def concatenation(*xs, axis=0, fused_activation="NONE", out=None):
    """Join the inputs along axis, then the fused activation."""
    dest = _concat_out(out, xs, axis)
    if dest is not None:
        np.concatenate(xs, axis=axis, out=dest)
        return activate_into(dest, fused_activation)
    xp = array_module(*xs)
    return apply_activation(xp.concatenate(xs, axis=axis), fused_activation)


def _concat_out(out: Any, xs: tuple[Any, ...], axis: int) -> Any:
    """``out`` when the inputs (all of its dtype) join into exactly its shape, else None."""
    if out is None or not xs or xs[0].ndim == 0:
        return None
    if any(x.dtype != out.dtype for x in xs):  # mixed types would be cast, not promoted
        return None
    a = axis % xs[0].ndim
    shape = list(xs[0].shape)
    shape[a] = sum(x.shape[a] if x.ndim == len(shape) else -1 for x in xs)
    return fits(out, tuple(shape), xs[0].dtype, *xs)


@KERNELS.register("SPLIT")
def split(axis, x, *, num_splits=1):
    """num_splits equal parts along the axis (the axis input comes first)."""
    return tuple(array_module(x).split(x, num_splits, axis=ints(axis)[0]))


@KERNELS.register("SPLIT_V")
def split_v(x, size_splits, axis, *, num_splits=0):
    """Parts of the given sizes along the axis; one size may be -1."""
    a = ints(axis)[0] % x.ndim
    sizes = ints(size_splits)
    if -1 in sizes:
        sizes[sizes.index(-1)] = x.shape[a] - (sum(sizes) + 1)
    return tuple(array_module(x).split(x, np.cumsum(sizes)[:-1].tolist(), axis=a))


@KERNELS.register("PACK")
def pack(*xs, axis=0, values_count=0):
    """Stack the inputs along a new axis."""
    return array_module(*xs).stack(xs, axis=axis)


@KERNELS.register("UNPACK")
def unpack(x, *, num=0, axis=0):
    """Split along axis into its slices, dropping the axis."""
    xp = array_module(x)
    return tuple(xp.moveaxis(x, axis, 0))


@KERNELS.register("SLICE")
def slice_(x, begin, size):
    """x[begin : begin + size]; a size of -1 takes the rest of the axis."""
    index = tuple(
        slice(b, d if s == -1 else b + s)
        for b, s, d in zip(ints(begin), ints(size), x.shape, strict=True)
    )
    return x[index]


@KERNELS.register("STRIDED_SLICE")
def strided_slice(x, begin, end, strides, **masks):
    """TensorFlow's strided slice with begin/end/ellipsis/new-axis/shrink masks."""
    index = strided_slice_index(ints(begin), ints(end), ints(strides), **masks)
    return x[index].copy()


@KERNELS.register("GATHER")
def gather(params, indices, *, axis=0, batch_dims=0):
    """Take indices along axis, with batch_dims leading batch axes."""
    xp = array_module(params)
    axis %= params.ndim
    batch_dims %= indices.ndim + 1 if indices.ndim else 1
    if batch_dims == 0:
        return xp.take(params, indices, axis=axis)
    batch = params.shape[:batch_dims]
    p = params.reshape((-1,) + params.shape[batch_dims:])
    i = indices.reshape((-1,) + indices.shape[batch_dims:])
    parts = [xp.take(p[b], i[b], axis=axis - batch_dims) for b in range(p.shape[0])]
    out_tail = params.shape[batch_dims:axis] + indices.shape[batch_dims:]
    out_tail += params.shape[axis + 1 :]
    if not parts:
        return xp.zeros(batch + out_tail, dtype=params.dtype)
    return xp.stack(parts).reshape(batch + out_tail)


@KERNELS.register("GATHER_ND")
def gather_nd(params, indices):
    """Take slices of params at the index tuples in the last axis of indices."""
    xp = array_module(params)
    depth = indices.shape[-1]
    flat = indices.reshape(-1, depth)
    out = params[tuple(flat[:, d] for d in range(depth))]
    return xp.asarray(out).reshape(indices.shape[:-1] + params.shape[depth:])


@KERNELS.register("SQUEEZE")
def squeeze(x, *, squeeze_dims=()):
    """Drop the squeeze_dims axes (all size-1 axes when none are given)."""
    dims = tuple(d % x.ndim for d in squeeze_dims or ())
    if not dims:
        dims = tuple(i for i, d in enumerate(x.shape) if d == 1)
    return x.reshape(tuple(d for i, d in enumerate(x.shape) if i not in dims))


@KERNELS.register("EXPAND_DIMS")
def expand_dims(x, axis):
    """Insert an axis of size 1 at the axis input."""
    a = ints(axis)[0] % (x.ndim + 1)
    return x.reshape(x.shape[:a] + (1,) + x.shape[a:])


@KERNELS.register("TILE")
def tile(x, multiples):
    """Repeat x multiples[i] times along each axis."""
    return array_module(x).tile(x, ints(multiples))


@KERNELS.register("BROADCAST_TO")
def broadcast_to(x, shape):
    """Broadcast x to the shape input."""
    return array_module(x).broadcast_to(x, tuple(ints(shape))).copy()


@KERNELS.register("SHAPE")
def shape_(x, *, out_type="INT32"):
    """The shape of x as a vector of out_type."""
    return np.asarray(x.shape, dtype=as_dtype(out_type or "INT32").numpy)


@KERNELS.register("CAST", context=True)
def cast(ctx, x):
    # The output tensor's type decides: CastOptions is optional in the file.
    """Convert to the output tensor's type (to bool: x != 0)."""
    out = ctx.outputs[0].dtype.numpy
    if out.kind == "b":
        return x != 0
    if x.dtype.kind == "f" and out.kind in "iu":
        return saturating_float_to_int(x, out)
    return x.astype(out)


def saturating_float_to_int(x: Any, out: Any) -> Any:
    """Float -> integer as LiteRT's CAST: truncate toward zero, clamp to the type's range,
    NaN -> the type's maximum (numpy's plain astype is undefined outside the range)."""
    xp, info = array_module(x), np.iinfo(out)
    wide = x.astype(np.float64, copy=False)
    high = xp.isnan(wide) | (wide >= float(info.max))
    low = wide <= float(info.min)
    inside = xp.where(high | low, 0, wide).astype(out)
    return xp.where(high, out.type(info.max), xp.where(low, out.type(info.min), inside))


@KERNELS.register("FILL")
def fill(dims, value):
    """A tensor of shape dims filled with the scalar value."""
    xp = array_module(value)
    return xp.full(tuple(ints(dims)), value.reshape(()), dtype=value.dtype)


@KERNELS.register("ZEROS_LIKE")
def zeros_like(x):
    """Zeros of x's shape and type."""
    return array_module(x).zeros_like(x)


@KERNELS.register("RANGE")
def range_(start, limit, delta):
    """start, start + delta, ... up to limit (exclusive)."""
    xp = array_module(start)
    s, lim, d = (
        np.asarray(v.get() if hasattr(v, "get") else v).reshape(()) for v in (start, limit, delta)
    )
    if start.dtype.kind in "iu":
        n = (abs(int(lim) - int(s)) + abs(int(d)) - 1) // abs(int(d))
    else:
        n = int(np.ceil(np.abs((lim - s) / d)))  # in the tensor's float type, as TFLite
    # TFLite accumulates start + delta + delta ...; cumsum rounds the same way.
    steps = xp.full((n,), d, dtype=start.dtype)
    if n:
        steps[0] = s
    return xp.cumsum(steps, dtype=start.dtype)


@KERNELS.register("REVERSE_V2")
def reverse_v2(x, axis):
    """Reverse the order along the axis input."""
    return array_module(x).flip(x, axis=tuple(a % x.ndim for a in ints(axis))).copy()


def _pairs(paddings: Any) -> list[tuple[int, int]]:
    flat = ints(paddings)
    return [(flat[2 * i], flat[2 * i + 1]) for i in range(len(flat) // 2)]


def _pad(x: Any, paddings: Any, **kw: Any) -> Any:
    if x.ndim == 0:  # numpy cannot pad a scalar, even by nothing
        return x.copy()
    width = np.asarray(ints(paddings), dtype=np.int64).reshape(x.ndim, 2)
    return array_module(x).pad(x, width, **kw)


def _pad_into(x: Any, paddings: Any, value: Any, out: Any) -> Any:
    """Constant padding written into ``out`` (None when it does not fit): the value on the
    borders and ``x`` inside, as ``numpy.pad`` fills a fresh array."""
    if out is None or x.ndim == 0:
        return None
    pairs = _pairs(paddings)
    if len(pairs) != x.ndim or min(min(p) for p in pairs) < 0:
        return None
    shape = tuple(d + lo + hi for d, (lo, hi) in zip(x.shape, pairs, strict=True))
    dest = fits(out, shape, x.dtype, x)
    if dest is None:
        return None
    for axis, (lo, hi) in enumerate(pairs):
        before = (slice(None),) * axis
        if lo:
            dest[(*before, slice(0, lo))] = value
        if hi:
            dest[(*before, slice(shape[axis] - hi, None))] = value
    dest[tuple(slice(lo, lo + d) for d, (lo, _) in zip(x.shape, pairs, strict=True))] = x
    return dest


@KERNELS.register("PAD")
def pad(x, paddings, *, out=None):
    """Pad with zeros by the [rank, 2] paddings."""
    dest = _pad_into(x, paddings, 0, out)
    return dest if dest is not None else _pad(x, paddings)


@KERNELS.register("PADV2")
def pad_v2(x, paddings, constant_values=None, *, out=None):
    """Pad with constant_values by the [rank, 2] paddings."""
    value = 0 if constant_values is None else constant_values.reshape(-1)[0]
    if constant_values is None or constant_values.dtype == x.dtype:
        dest = _pad_into(x, paddings, value, out)
        if dest is not None:
            return dest
    return _pad(x, paddings, constant_values=value)


@KERNELS.register("MIRROR_PAD")
def mirror_pad(x, paddings, *, mode="REFLECT"):
    """Pad by reflection (REFLECT excludes the edge, SYMMETRIC repeats it)."""
    return _pad(x, paddings, mode=str(mode).lower())


@KERNELS.register("SPACE_TO_DEPTH")
def space_to_depth(x, *, block_size=1):
    """Move block_size x block_size spatial blocks into channels (NHWC)."""
    n, h, w, c = x.shape
    b = block_size
    y = x.reshape(n, h // b, b, w // b, b, c).transpose(0, 1, 3, 2, 4, 5)
    return y.reshape(n, h // b, w // b, b * b * c)


@KERNELS.register("DEPTH_TO_SPACE")
def depth_to_space(x, *, block_size=1):
    """Move channels into block_size x block_size spatial blocks (NHWC)."""
    n, h, w, c = x.shape
    b = block_size
    y = x.reshape(n, h, w, b, b, c // (b * b)).transpose(0, 1, 3, 2, 4, 5)
    return y.reshape(n, h * b, w * b, c // (b * b))


@KERNELS.register("SPACE_TO_BATCH_ND")
def space_to_batch_nd(x, block_shape, paddings):
    """Pad the spatial axes and move blocks of them into the batch axis."""
    block, m = ints(block_shape), len(ints(block_shape))
    pads = _pairs(paddings) + [(0, 0)] * (x.ndim - 1 - m)
    y = array_module(x).pad(x, [(0, 0)] + pads)
    n, rest = y.shape[0], y.shape[1 + m :]
    split = [n]
    for d, b in zip(y.shape[1 : 1 + m], block, strict=True):
        split += [d // b, b]
    y = y.reshape(split + list(rest))
    perm = [2 + 2 * i for i in range(m)] + [0] + [1 + 2 * i for i in range(m)]
    perm += list(range(1 + 2 * m, y.ndim))
    return y.transpose(perm).reshape([n * int(np.prod(block))] + split[1::2] + list(rest))


@KERNELS.register("BATCH_TO_SPACE_ND")
def batch_to_space_nd(x, block_shape, crops):
    """Move batch blocks back into the spatial axes, then crop."""
    block, m = ints(block_shape), len(ints(block_shape))
    n = x.shape[0] // int(np.prod(block))
    spatial, rest = list(x.shape[1 : 1 + m]), list(x.shape[1 + m :])
    y = x.reshape(block + [n] + spatial + rest)
    perm = [m]
    for i in range(m):
        perm += [m + 1 + i, i]
    y = y.transpose(perm + list(range(2 * m + 1, y.ndim)))
    y = y.reshape([n] + [d * b for d, b in zip(spatial, block, strict=True)] + rest)
    index = [slice(None)] + [
        slice(lo, y.shape[1 + i] - hi) for i, (lo, hi) in enumerate(_pairs(crops))
    ]
    return y[tuple(index)].copy()
