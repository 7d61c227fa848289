"""Shape ATen ops: view, permute, (un)squeeze, cat, slice, select, expand, split, pad, flip."""

from __future__ import annotations

from typing import Any

import numpy as np

import siglite.dtypes as sdt
from siglite.ir import Tensor

from ..context import Context, SymVal
from ..emit import normalize_axis, reshape, runtime_dim, runtime_shape, sig, tensor, transpose
from . import handles

INT64_MAX = 2**63 - 1


@handles("aten.view.default", "aten._unsafe_view.default", "aten.reshape.default")
def view(ctx: Context, x: Any, size: list) -> Tensor:
    t = tensor(ctx, x)
    out = ctx.out_type()
    dims = [d for d in size]
    # a size equal to the exported result is known exactly; fill it in for static dims
    dims = [out[1][i] if out[1][i] >= 0 else d for i, d in enumerate(dims)]
    return reshape(ctx, t, dims, out)


@handles("aten.permute.default")
def permute(ctx: Context, x: Any, dims: list) -> Tensor:
    t = tensor(ctx, x)
    perm = [normalize_axis(ctx, d, t.rank) for d in dims]
    return ctx.emit("TRANSPOSE", [t, ctx.ints(perm, "perm")])


@handles("aten.unsqueeze.default")
def unsqueeze(ctx: Context, x: Any, dim: int) -> Tensor:
    t = tensor(ctx, x)
    axis = normalize_axis(ctx, dim, t.rank + 1)
    return ctx.emit("EXPAND_DIMS", [t, ctx.const(np.array(axis, np.int32), "axis")])


@handles("aten.squeeze.dims", "aten.squeeze.dim", "aten.squeeze.default")
def squeeze(ctx: Context, x: Any, dims: Any = None) -> Tensor:
    t = tensor(ctx, x)
    if t.rank == 0:
        return t
    if dims is None:
        dims = range(t.rank)
    dims = [dims] if isinstance(dims, int) else dims
    axes = sorted({normalize_axis(ctx, d, t.rank) for d in dims})
    if any(sig(t)[a] < 0 for a in axes):
        raise ctx.error("squeeze of a dynamic dimension (its size is unknown at export)")
    axes = [a for a in axes if sig(t)[a] == 1]
    if not axes:
        return t
    return ctx.emit("SQUEEZE", [t], squeeze_dims=tuple(axes))


@handles("aten.cat.default")
def cat(ctx: Context, xs: list, dim: int = 0) -> Tensor:
    dtype, shape = ctx.out_type()
    parts = [tensor(ctx, v, dtype) for v in xs]
    # torch skips 1-D empty tensors in cat
    parts = [p for p in parts if not (p.rank == 1 and sig(p)[0] == 0)] or parts[:1]
    if len(parts) == 1:
        return parts[0]
    axis = normalize_axis(ctx, dim, len(shape))
    return ctx.emit("CONCATENATION", parts, axis=axis, fused_activation="NONE")


def _index_value(ctx: Context, v: Any) -> Tensor:
    if isinstance(v, SymVal):
        return v.tensor
    return ctx.const(np.array(int(v), np.int32), "index")


def strided_slice(
    ctx: Context, t: Tensor, axis: int, begin: Any, end: Any, step: int, shrink: bool = False
) -> Tensor:
    """STRIDED_SLICE of one axis; other axes are taken whole through the masks."""
    rank = t.rank
    full = (1 << rank) - 1
    begin_mask, end_mask = full & ~(1 << axis), full & ~(1 << axis)
    if begin is None:
        begin, begin_mask = 0, begin_mask | (1 << axis)
    if end is None or (isinstance(end, int) and end >= INT64_MAX // 2):
        end, end_mask = 0, end_mask | (1 << axis)
    if isinstance(end, int) and end < -(2**31):
        end = -(2**31)
    vals = []
    for v, default in ((begin, 0), (end, 0), (step, 1)):
        row = [_index_value(ctx, default)] * rank
        row[axis] = _index_value(ctx, v)
        if all(r.data is not None for r in row):
            vals.append(ctx.const(np.array([int(r.data) for r in row], np.int32), "slice"))
        else:
            vals.append(
                ctx.op("PACK", row, (sdt.int32, (rank,)), "slice", axis=0, values_count=rank)
            )
    return ctx.emit(
        "STRIDED_SLICE",
        [t, *vals],
        begin_mask=begin_mask,
        end_mask=end_mask,
        ellipsis_mask=0,
        new_axis_mask=0,
        shrink_axis_mask=(1 << axis) if shrink else 0,
        offset=False,
    )


@handles("aten.slice.Tensor")
def slice_(ctx: Context, x: Any, dim: int = 0, start: Any = None, end: Any = None, step: int = 1):
    t = tensor(ctx, x)
    axis = normalize_axis(ctx, dim, t.rank)
    if not isinstance(step, int) or step < 1:
        raise ctx.error(f"slice step {step!r} must be a positive integer")
    if start in (None, 0) and end is None and step == 1:
        return t
    if start in (None, 0) and isinstance(end, int) and step == 1:
        if end >= INT64_MAX // 2 or (sig(t)[axis] >= 0 and end >= sig(t)[axis]):
            return t
    return strided_slice(ctx, t, axis, start, end, step)


@handles("aten.select.int")
def select(ctx: Context, x: Any, dim: int, index: Any) -> Tensor:
    t = tensor(ctx, x)
    axis = normalize_axis(ctx, dim, t.rank)
    if isinstance(index, int) and index < 0 and sig(t)[axis] >= 0:
        index += sig(t)[axis]
    # with the shrink bit the end is begin + 1 whatever it says
    return strided_slice(ctx, t, axis, index, index, 1, shrink=True)


@handles("aten.expand.default")
def expand(ctx: Context, x: Any, size: list, implicit: bool = False) -> Tensor:
    t = tensor(ctx, x)
    if ctx.out_type()[1] == sig(t):
        return t
    lead = len(size) - t.rank
    dims: list[Any] = []
    for i, d in enumerate(size):
        if isinstance(d, int) and d == -1:
            d = runtime_dim(ctx, t, i - lead)
        dims.append(d)
    return ctx.emit("BROADCAST_TO", [t, runtime_shape(ctx, dims)])


@handles("aten.split_with_sizes.default", "aten.split.Tensor")
def split(ctx: Context, x: Any, sizes: Any, dim: int = 0) -> tuple:
    t = tensor(ctx, x)
    axis = normalize_axis(ctx, dim, t.rank)
    vals = ctx.meta_val()
    outs = [ctx.out_type(index=i) for i in range(len(vals))]
    lens = [s[axis] for _, s in outs]
    if any(n < 0 for n in lens):
        raise ctx.error("split of a dynamic dimension")
    return tuple(
        ctx.op_multi(
            "SPLIT_V",
            [t, ctx.ints(lens, "sizes"), ctx.const(np.array(axis, np.int32), "axis")],
            outs,
            ctx.node.name,
            num_splits=len(lens),
        )
    )


def _paddings(ctx: Context, t: Tensor, pad: list) -> Tensor:
    """The PAD paddings of torch's ``pad`` list ((before, after) pairs from the last dim)."""
    if any(p < 0 for p in pad):
        raise ctx.error("negative padding (cropping) is not supported")
    pairs = [[0, 0] for _ in range(t.rank)]
    for i in range(len(pad) // 2):
        pairs[t.rank - 1 - i] = [pad[2 * i], pad[2 * i + 1]]
    return ctx.const(np.array(pairs, np.int32), "paddings")


@handles("aten.constant_pad_nd.default")
def constant_pad(ctx: Context, x: Any, pad: list, value: float = 0.0) -> Tensor:
    t = tensor(ctx, x)
    paddings = _paddings(ctx, t, pad)
    if value == 0:
        return ctx.emit("PAD", [t, paddings])
    return ctx.emit("PADV2", [t, paddings, ctx.scalar(value, t.dtype)])


@handles("aten.flip.default")
def flip(ctx: Context, x: Any, dims: list) -> Tensor:
    t = tensor(ctx, x)
    axes = [normalize_axis(ctx, d, t.rank) for d in dims]
    return ctx.emit("REVERSE_V2", [t, ctx.ints(axes, "axes")])


@handles("aten.repeat.default")
def repeat(ctx: Context, x: Any, repeats: list) -> Tensor:
    t = tensor(ctx, x)
    if len(repeats) > t.rank:
        t = reshape(ctx, t, (1,) * (len(repeats) - t.rank) + sig(t))
    return ctx.emit("TILE", [t, ctx.ints(repeats, "multiples")])


@handles("aten.pixel_shuffle.default")
def pixel_shuffle(ctx: Context, x: Any, factor: int) -> Tensor:
    from ..emit import to_nchw, to_nhwc

    t = to_nhwc(ctx, tensor(ctx, x))
    y = ctx.op("DEPTH_TO_SPACE", [t], block_size=int(factor))
    return to_nchw(ctx, y, ctx.out_type(), ctx.node.name)


__all__ = ["transpose"]


@handles("aten.reflection_pad1d.default", "aten.reflection_pad2d.default")
def reflection_pad(ctx: Context, x: Any, pad: list) -> Tensor:
    t = tensor(ctx, x)
    return ctx.emit("MIRROR_PAD", [t, _paddings(ctx, t, pad)], mode="REFLECT")
