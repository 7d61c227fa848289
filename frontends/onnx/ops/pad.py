"""Pad in every ONNX mode: constant (PAD/PADV2), reflect (MIRROR_PAD), edge and wrap (GATHER).

Edge and wrap have no builtin: each padded dimension becomes one GATHER whose indices are the
source positions, ``i - begin`` clamped into the dimension (edge) or taken modulo its size
(wrap). The indices are constants when the pads and the dimension are known at conversion and
are computed with RANGE otherwise. Pads given at run time, with or without (run-time) axes,
become per-dimension int32 vectors computed in the graph.
"""

from __future__ import annotations

import numpy as np

import siglite.dtypes as sdt

from ..context import GraphContext, NodeView
from ..emit import binary, normalize_axis, reshape, sig
from . import handler
from .indexing import _full_vector
from .runtime_axes import axes_count, clamp_i32, per_dim, shape_of

MODES = ("constant", "reflect", "edge", "wrap")


@handler("Pad")
def pad(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    mode = node.attr("mode", "constant")
    if mode not in MODES:
        raise node.error(f"mode={mode!r} is not supported ({', '.join(MODES)} are)")
    value = node.attr("value", 0.0)
    table = _static_table(node, x)
    if table is None:
        begin, end = _runtime_pads(ctx, node, x)
        return [_runtime_pad(ctx, node, x, mode, begin, end)]
    if mode in ("edge", "wrap"):
        return [_gather_pad_static(ctx, node, x, table, mode)]
    if table.min(initial=0) < 0:
        raise node.error(f"negative pads are not supported in mode {mode!r}")
    out = tuple(-1 if d < 0 else d + int(table[i].sum()) for i, d in enumerate(sig(x)))
    pads_t = ctx.const(table)
    if mode == "reflect":
        if any(table[i].max() >= d for i, d in enumerate(sig(x)) if d >= 0):
            raise node.error("reflect padding must be smaller than the dimension")
        return [ctx.op("MIRROR_PAD", [x, pads_t], (x.dtype, out), mode="REFLECT")]
    if node.has_input(2):
        value = node.const(2).reshape(-1)[0]
    if float(value) == 0.0:
        return [ctx.op("PAD", [x, pads_t], (x.dtype, out))]
    fill = ctx.const(np.array(value, x.dtype.numpy))
    return [ctx.op("PADV2", [x, pads_t, fill], (x.dtype, out))]


def _static_table(node: NodeView, x) -> np.ndarray | None:
    """The (rank, 2) int32 pad table when pads, axes and the fill value are constants."""
    if node.has_input(1):
        runtime = [i for i in (1, 2, 3) if node.has_input(i) and node.const(i) is None]
        if runtime:
            return None
        pads = node.const(1).reshape(-1).tolist()
    else:
        pads = node.attr("pads") or node.attr("paddings")
        if pads is None:
            raise node.error("the pads are missing")
    axes = list(range(x.rank))
    if node.has_input(3):
        axes = [normalize_axis(int(a), x.rank, node.where) for a in node.const(3).reshape(-1)]
    if len(pads) != 2 * len(axes) or len(set(axes)) != len(axes):
        raise node.error(f"pads {pads} do not give two values for each of the axes {axes}")
    table = np.zeros((x.rank, 2), np.int32)
    for i, a in enumerate(axes):
        table[a] = (int(pads[i]), int(pads[i + len(axes)]))
    return table


def _runtime_pads(ctx: GraphContext, node: NodeView, x):
    """int32[rank] vectors of the pads before and after each dimension, computed at run time."""
    pads = node.input(1)
    if not node.has_input(3):
        axes, k = None, x.rank
    elif node.const(3) is not None:
        axes = [normalize_axis(int(a), x.rank, node.where) for a in node.const(3).reshape(-1)]
        k = len(axes)
        if len(set(axes)) != k:
            raise node.error(f"axes {axes} repeat a dimension")
    else:
        axes, k = node.input(3), axes_count(node, node.input(3))
    if pads.rank != 1 or sig(pads)[0] != 2 * k:
        raise node.error(f"run-time pads must be a vector of {2 * k} values")
    halves = _halves(ctx, pads, k)
    if axes is None:
        return [clamp_i32(ctx, h) for h in halves]
    if isinstance(axes, list):
        return [_full_vector(ctx, h, axes, x.rank, 0) for h in halves]
    return [per_dim(ctx, h, axes, x.rank, 0) for h in halves]


def _halves(ctx: GraphContext, pads, k: int):
    if pads.data is not None:
        flat = pads.data.reshape(-1)
        return ctx.const(flat[:k].copy()), ctx.const(flat[k:].copy())
    axis = ctx.const(np.array(0, np.int32))
    return ctx.op_multi("SPLIT", [axis, pads], [(pads.dtype, (k,))] * 2, num_splits=2)


def _runtime_pad(ctx: GraphContext, node: NodeView, x, mode: str, begin, end):
    """Pad with int32[rank] pad vectors known at run time (negative pads fail when run)."""
    if mode in ("edge", "wrap"):
        for axis in range(x.rank):
            b, e = (_element(ctx, v, axis) for v in (begin, end))
            x = _gather_axis(ctx, x, axis, b, e, mode)
        return x
    table = ctx.op("PACK", [begin, end], (sdt.int32, (x.rank, 2)), axis=1, values_count=2)
    out = (-1,) * x.rank
    if mode == "reflect":
        return ctx.op("MIRROR_PAD", [x, table], (x.dtype, out), mode="REFLECT")
    if not node.has_input(2):
        fill = ctx.const(np.array(node.attr("value", 0.0), x.dtype.numpy))
        return ctx.op("PADV2", [x, table, fill], (x.dtype, out))
    value = node.input(2)
    value = reshape(ctx, value, ()) if value.rank else value
    return ctx.op("PADV2", [x, table, value], (x.dtype, out))


def _element(ctx: GraphContext, vector, i: int):
    """``vector[i]`` as a 0-d int32 tensor."""
    if vector.data is not None:
        return ctx.const(np.array(vector.data.reshape(-1)[i], np.int32))
    idx = ctx.const(np.array(i, np.int32))
    return ctx.op("GATHER", [vector, idx], (sdt.int32, ()), axis=0, batch_dims=0)


def _gather_pad_static(ctx: GraphContext, node: NodeView, x, table: np.ndarray, mode: str):
    for axis, (b, e) in enumerate(table.tolist()):
        if b == 0 and e == 0:
            continue
        n = sig(x)[axis]
        if n == 0:
            raise node.error(f"mode {mode!r} cannot pad the empty dimension {axis}")
        if n < 0:
            bt, et = (ctx.const(np.array(v, np.int32)) for v in (b, e))
            x = _gather_axis(ctx, x, axis, bt, et, mode)
            continue
        if n + min(b, 0) + min(e, 0) <= 0:
            raise node.error(f"pads ({b}, {e}) remove all of dimension {axis}")
        idx = _source_index(np.arange(n + b + e), n, b, e, mode)
        out = tuple(n + b + e if i == axis else d for i, d in enumerate(sig(x)))
        x = ctx.op("GATHER", [x, ctx.const(idx.astype(np.int32))], (x.dtype, out),
                   axis=axis, batch_dims=0)  # fmt: skip
    return x


def _source_index(pos: np.ndarray, n: int, b: int, e: int, mode: str) -> np.ndarray:
    """Where each output position reads from: negative pads crop first (as onnxruntime
    does), then the kept range is extended by its edge or wrapped around."""
    lo, kept = max(-b, 0), n - max(-b, 0) - max(-e, 0)
    src = pos - max(b, 0)
    src = np.clip(src, 0, kept - 1) if mode == "edge" else np.mod(src, kept)
    return (src + lo).astype(np.int32)


def _gather_axis(ctx: GraphContext, x, axis: int, begin, end, mode: str):
    """Pad ``axis`` by the 0-d int32 ``begin``/``end`` tensors with run-time indices
    (the same arithmetic as :func:`_source_index`)."""
    n = _dim(ctx, x, axis)
    zero, one = (ctx.const(np.array(v, np.int32)) for v in (0, 1))
    b_pos, e_pos = binary(ctx, "MAXIMUM", begin, zero), binary(ctx, "MAXIMUM", end, zero)
    lo = binary(ctx, "SUB", b_pos, begin)
    kept = binary(ctx, "SUB", binary(ctx, "SUB", n, lo), binary(ctx, "SUB", e_pos, end))
    length = binary(ctx, "ADD", binary(ctx, "ADD", n, begin), end)
    pos = ctx.op("RANGE", [zero, length, one], (sdt.int32, (-1,)))
    src = binary(ctx, "SUB", pos, b_pos)
    if mode == "edge":
        last = binary(ctx, "SUB", kept, one)
        src = binary(ctx, "MINIMUM", binary(ctx, "MAXIMUM", src, zero), last)
    else:
        src = binary(ctx, "FLOOR_MOD", src, kept)
    idx = binary(ctx, "ADD", src, lo)
    out = tuple(-1 if i == axis else d for i, d in enumerate(sig(x)))
    return ctx.op("GATHER", [x, idx], (x.dtype, out), axis=axis, batch_dims=0)


def _dim(ctx: GraphContext, x, axis: int):
    """Dimension ``axis`` of ``x`` as a 0-d int32 tensor."""
    if sig(x)[axis] >= 0:
        return ctx.const(np.array(sig(x)[axis], np.int32))
    return _element(ctx, shape_of(ctx, x), axis)
