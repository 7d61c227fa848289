"""Shape and layout ops: Reshape, Flatten, (Un)Squeeze, Transpose, Concat, Split, Expand, Tile,
Shape, Size, ConstantOfShape, Range, Cast, Identity, Dropout, DepthToSpace, SpaceToDepth."""

from __future__ import annotations

import numpy as np

import siglite.dtypes as sdt
from siglite.ir import Tensor

from ..context import GraphContext, NodeView, onnx_dtype
from ..emit import (
    bshape,
    cast,
    is_static,
    normalize_axis,
    reshape,
    sig,
    to_nchw,
    to_nhwc,
    transpose,
)
from . import handler, runtime_axes


def _i32(values) -> np.ndarray:
    return np.clip(np.asarray(values, np.int64), -(2**31), 2**31 - 1).astype(np.int32)


@handler("Reshape")
def reshape_op(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    allowzero = int(node.attr("allowzero", 0))
    node.attr("consumed_inputs")
    if node.has_input(1) and node.const(1) is None:
        return [_dynamic_reshape(ctx, node, x, node.input(1), allowzero)]
    if node.has_input(1):
        shape = [int(d) for d in node.const(1).reshape(-1)]
    else:
        shape = [int(d) for d in node.attr("shape")]
    if shape.count(-1) > 1:
        raise node.error(f"target shape {shape} has more than one -1")
    copied = shape if allowzero else [sig(x)[i] if d == 0 else d for i, d in enumerate(shape)]
    if copied.count(-1) > 1:
        # a 0 copies a dynamic input dim: take it from the run-time shape
        target = ctx.const(np.array(shape, np.int64))
        out = _copied_sig(sig(x), shape)
        return [_dynamic_reshape(ctx, node, x, target, allowzero, out)]
    return [reshape(ctx, x, copied)]


def _copied_sig(in_sig: tuple[int, ...], shape: list[int]) -> tuple[int, ...]:
    """The output signature of a reshape whose 0s copy input dims (some of them dynamic): the
    -1 is known when every dynamic input dim is copied to the same position."""
    out = [in_sig[i] if d == 0 else d for i, d in enumerate(shape)]
    copied = {i for i, d in enumerate(shape) if d == 0}
    if -1 in shape and all(d >= 0 or i in copied for i, d in enumerate(in_sig)):
        rest = int(np.prod([d for i, d in enumerate(in_sig) if i not in copied]))
        known = int(np.prod([d for d in shape if d > 0]))
        if known > 0 and rest % known == 0:
            out[shape.index(-1)] = rest // known
    return tuple(out)


def _dynamic_reshape(ctx: GraphContext, node: NodeView, x, shape, allowzero: int, out=None):
    """A run-time target shape; ONNX's 0 ('copy this input dim') becomes the input's dim."""
    if shape.rank != 1 or sig(shape)[0] < 0:
        raise node.error("a run-time shape must be a vector of static length")
    k = sig(shape)[0]
    target = cast(ctx, shape, sdt.int32)
    if not allowzero:
        dims = ctx.op("SHAPE", [x], (sdt.int32, (x.rank,)), out_type="INT32")
        if k < x.rank:
            begin, size = ctx.const(np.array([0], np.int32)), ctx.const(np.array([k], np.int32))
            dims = ctx.op("SLICE", [dims, begin, size], (sdt.int32, (k,)))
        elif k > x.rank:
            extra = ctx.const(np.array([[0, k - x.rank]], np.int32))
            dims = ctx.op("PAD", [dims, extra], (sdt.int32, (k,)))
        zero = ctx.const(np.array(0, np.int32))
        is_zero = ctx.op("EQUAL", [target, zero], (sdt.bool_, (k,)))
        target = ctx.op("SELECT_V2", [is_zero, dims, target], (sdt.int32, (k,)))
    return ctx.op("RESHAPE", [x, target], (x.dtype, out or (-1,) * k))


@handler("Flatten")
def flatten(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    axis = int(node.attr("axis", 1))
    axis = axis + x.rank if axis < 0 else axis
    s = sig(x)
    head, tail = s[:axis], s[axis:]
    dims = [int(np.prod(p)) if min(p, default=1) >= 0 else -1 for p in (head, tail)]
    if dims != [-1, -1]:
        return [reshape(ctx, x, dims)]
    # both sides dynamic: the trailing size is computed at run time
    shape = ctx.op("SHAPE", [x], (sdt.int32, (x.rank,)), out_type="INT32")
    begin, size = ctx.const(np.array([axis], np.int32)), ctx.const(np.array([-1], np.int32))
    rest = ctx.op("SLICE", [shape, begin, size], (sdt.int32, (x.rank - axis,)))
    total = ctx.op("REDUCE_PROD", [rest, ctx.const(np.array([0], np.int32))], (sdt.int32, (1,)),
                   keep_dims=True)  # fmt: skip
    target = ctx.op("CONCATENATION", [ctx.const(np.array([-1], np.int32)), total],
                    (sdt.int32, (2,)), axis=0, fused_activation="NONE")  # fmt: skip
    return [ctx.op("RESHAPE", [x, target], (x.dtype, (-1, -1)))]


def _axes(node: NodeView):
    """The axes of (Un)Squeeze: the attribute (before opset 13) or the constant input 1 as a
    list, the input 1 tensor when it is known only at run time, or None when not given."""
    axes = node.attr("axes")
    if not node.has_input(1):
        return axes
    const = node.const(1)
    return node.input(1) if const is None else const.reshape(-1).tolist()


@handler("Squeeze")
def squeeze(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    axes = _axes(node)
    if isinstance(axes, Tensor):
        return [runtime_axes.squeeze(ctx, node, x, axes)]
    if axes is None:
        if not is_static(x):
            raise node.error("squeezing all size-1 dims needs a static shape")
        axes = [i for i, d in enumerate(sig(x)) if d == 1]
    axes = sorted({normalize_axis(int(a), x.rank, node.where) for a in axes})
    out = tuple(d for i, d in enumerate(sig(x)) if i not in axes)
    if x.data is not None:
        return [ctx.const(x.data.reshape(out))]
    return [ctx.op("SQUEEZE", [x], (x.dtype, out), squeeze_dims=tuple(axes))]


@handler("Unsqueeze")
def unsqueeze(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    axes = _axes(node)
    if isinstance(axes, Tensor):
        return [runtime_axes.unsqueeze(ctx, node, x, axes)]
    rank = x.rank + len(axes)
    axes = sorted({normalize_axis(int(a), rank, node.where) for a in axes})
    out = list(sig(x))
    for a in axes:
        out.insert(a, 1)
    if out.count(-1) <= 1:
        return [reshape(ctx, x, out)]
    y = x
    for a in axes:
        s = list(sig(y))
        s.insert(a, 1)
        y = ctx.op("EXPAND_DIMS", [y, ctx.const(np.array(a, np.int32))], (x.dtype, s))
    return [y]


@handler("Transpose")
def transpose_op(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    perm = node.attr("perm")
    perm = list(range(x.rank))[::-1] if perm is None else [int(p) for p in perm]
    return [transpose(ctx, x, perm)]


@handler("Concat")
def concat(ctx: GraphContext, node: NodeView):
    xs = [t for t in node.inputs() if t is not None]
    axis = normalize_axis(int(node.attr("axis", 1)), xs[0].rank, node.where)
    if any(t.dtype != xs[0].dtype or t.rank != xs[0].rank for t in xs):
        raise node.error("inputs must share dtype and rank")
    if xs[0].dtype.name == "string":
        raise node.error("string tensors are not supported")
    xs = [t for t in xs if sig(t)[axis] != 0] or xs[:1]
    if len(xs) == 1:
        return [xs[0]]
    dims = [sig(t)[axis] for t in xs]
    out = list(sig(xs[0]))
    out[axis] = -1 if min(dims) < 0 else sum(dims)
    return [ctx.op("CONCATENATION", xs, (xs[0].dtype, out), axis=axis, fused_activation="NONE")]


@handler("Split")
def split(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    axis = normalize_axis(int(node.attr("axis", 0)), x.rank, node.where)
    n_out = len(node.output_names)
    sizes = node.attr("split")
    if node.has_input(1) and node.const(1) is None:
        sizes_t = node.input(1)
        if sizes_t.rank != 1 or sig(sizes_t)[0] != n_out:
            raise node.error(f"run-time split sizes must be a vector of {n_out} values")
        shape = tuple(-1 if i == axis else d for i, d in enumerate(sig(x)))
        args = [x, cast(ctx, sizes_t, sdt.int32), ctx.const(np.array(axis, np.int32))]
        return ctx.op_multi("SPLIT_V", args, [(x.dtype, shape)] * n_out, num_splits=n_out)
    if node.has_input(1):
        sizes = node.const(1).reshape(-1).tolist()
    dim = sig(x)[axis]
    num = node.attr("num_outputs")
    if sizes is None and num is not None and dim >= 0 and dim % int(num):
        chunk = -(-dim // int(num))
        sizes = [min(chunk, dim - i * chunk) for i in range(int(num))]
    if sizes is None:
        if dim >= 0 and dim % n_out:
            raise node.error(f"dimension {dim} does not split evenly into {n_out}")
        each = -1 if dim < 0 else dim // n_out
        shapes = [tuple(each if i == axis else d for i, d in enumerate(sig(x)))] * n_out
        axis_t = ctx.const(np.array(axis, np.int32))
        return ctx.op_multi("SPLIT", [axis_t, x], [(x.dtype, s) for s in shapes], num_splits=n_out)
    sizes = [int(s) for s in sizes]
    shapes = [tuple(s if i == axis else d for i, d in enumerate(sig(x))) for s in sizes]
    size_t, axis_t = ctx.const(np.array(sizes, np.int32)), ctx.const(np.array(axis, np.int32))
    return ctx.op_multi("SPLIT_V", [x, size_t, axis_t], [(x.dtype, s) for s in shapes],
                        num_splits=len(sizes))  # fmt: skip


class _S:
    def __init__(self, s) -> None:
        self.signature_shape = tuple(int(d) for d in s)


@handler("Expand")
def expand(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    if node.const(1) is None:
        return [_dynamic_expand(ctx, node, x, node.input(1))]
    shape = node.const(1).reshape(-1).tolist()
    out = bshape(x, _S(shape))
    if out == sig(x):
        return [x]
    if min(out) < 0:
        raise node.error("the expanded shape must be static")
    return [ctx.op("BROADCAST_TO", [x, ctx.const(_i32(out))], (x.dtype, out))]


def _dynamic_expand(ctx: GraphContext, node: NodeView, x, shape):
    """Bidirectional broadcast to a run-time shape: each dim is max(shape, input dim)."""
    k = sig(shape)[0] if shape.rank == 1 else -1
    if k < 0:
        raise node.error("a run-time shape must be a vector of static length")
    rank = max(k, x.rank)
    dims = ctx.op("SHAPE", [x], (sdt.int32, (x.rank,)), out_type="INT32")
    if x.rank < rank:
        dims = ctx.op("PAD", [dims, ctx.const(np.array([[rank - x.rank, 0]], np.int32))],
                      (sdt.int32, (rank,)))  # fmt: skip
    target = cast(ctx, shape, sdt.int32)
    if k < rank:
        target = ctx.op("PAD", [target, ctx.const(np.array([[rank - k, 0]], np.int32))],
                        (sdt.int32, (rank,)))  # fmt: skip
    # Broadcasting never mixes 0 with other sizes, so max() is the broadcast of two dims.
    target = ctx.op("MAXIMUM", [target, dims], (sdt.int32, (rank,)))
    return ctx.op("BROADCAST_TO", [x, target], (x.dtype, (-1,) * rank))


@handler("Tile")
def tile(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    if node.const(1) is None:
        reps_t = cast(ctx, node.input(1), sdt.int32)
        return [ctx.op("TILE", [x, reps_t], (x.dtype, (-1,) * x.rank))]
    reps = node.const(1).reshape(-1)
    out = tuple(-1 if d < 0 else d * int(r) for d, r in zip(sig(x), reps, strict=True))
    return [ctx.op("TILE", [x, ctx.const(_i32(reps))], (x.dtype, out))]


@handler("Shape")
def shape_op(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    start, end = int(node.attr("start", 0)), node.attr("end")
    idx = slice(start, None if end is None else int(end))
    if is_static(x):
        return [ctx.const(np.array(sig(x)[idx], np.int64))]
    full = ctx.op("SHAPE", [x], (sdt.int64, (x.rank,)), out_type="INT64")
    b, e, _ = idx.indices(x.rank)
    if (b, e) == (0, x.rank):
        return [full]
    size = max(e - b, 0)
    return [
        ctx.op("SLICE", [full, ctx.const(_i32([b])), ctx.const(_i32([size]))], (sdt.int64, (size,)))
    ]


@handler("Size")
def size_op(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    if not is_static(x):
        raise node.error("Size of a dynamically shaped tensor is not supported")
    return [ctx.const(np.array(int(np.prod(sig(x))), np.int64))]


@handler("ConstantOfShape")
def constant_of_shape(ctx: GraphContext, node: NodeView):
    from onnx import numpy_helper

    value = node.attr("value")
    arr = np.zeros(1, np.float32) if value is None else numpy_helper.to_array(value)
    dtype = sdt.as_dtype(arr.dtype)
    dims = node.input(0)
    n = sig(dims)[0] if dims.rank == 1 else -1
    return [
        ctx.op(
            "FILL",
            [cast(ctx, dims, sdt.int32), ctx.const(arr.reshape(()))],
            (dtype, (-1,) * max(n, 0)),
        )
    ]


@handler("Cast", "CastLike")
def cast_op(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    if node.op_type == "Cast":
        to = onnx_dtype(int(node.attr("to")), node.where)
    else:
        to = node.input(1).dtype
    sat = node.attr("saturate", 1)
    mode = node.attr("round_mode", "up")
    if not int(sat) or mode != "up":
        raise node.error("saturate=0 / round_mode only apply to 8-bit floats, not supported")
    if "string" in (x.dtype.name, to.name) or "complex" in x.dtype.name + to.name:
        raise node.error(f"cast from {x.dtype.name} to {to.name} is not supported")
    if x.dtype == to:
        return [x]
    return [cast(ctx, x, to)]


@handler("Identity")
def identity(ctx: GraphContext, node: NodeView):
    return [node.input(0)]


@handler("Dropout")
def dropout(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    node.attr("seed"), node.attr("ratio"), node.attr("is_test"), node.attr("consumed_inputs")
    training = node.const(2) if node.has_input(2) else np.array(False)
    if training is None or bool(np.asarray(training).reshape(-1)[0]):
        raise node.error("training_mode must be a constant false")
    outs = [x]
    if node.wants_output(1):
        if not is_static(x):
            raise node.error("the mask output needs a static shape")
        outs.append(ctx.const(np.ones(sig(x), bool)))
    return outs


def _block(node: NodeView, x) -> int:
    if x.rank != 4:
        raise node.error("input must be 4-D")
    return int(node.attr("blocksize"))


@handler("DepthToSpace")
def depth_to_space(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    b = _block(node, x)
    mode = node.attr("mode", "DCR")
    if mode == "DCR":
        xh = to_nhwc(ctx, x)
        s = sig(xh)
        out = (s[0], s[1] * b if s[1] >= 0 else -1, s[2] * b if s[2] >= 0 else -1, s[3] // (b * b))
        return [to_nchw(ctx, ctx.op("DEPTH_TO_SPACE", [xh], (x.dtype, out), block_size=b))]
    if mode != "CRD" or not is_static(x):
        raise node.error(f"mode={mode!r} needs a static shape (CRD) or is unknown")
    n, c, h, w = sig(x)
    y = reshape(ctx, x, (n, c // (b * b), b, b, h, w))
    y = transpose(ctx, y, (0, 1, 4, 2, 5, 3))
    return [reshape(ctx, y, (n, c // (b * b), h * b, w * b))]


@handler("SpaceToDepth")
def space_to_depth(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    b = _block(node, x)
    xh = to_nhwc(ctx, x)
    s = sig(xh)
    out = (s[0], s[1] // b if s[1] >= 0 else -1, s[2] // b if s[2] >= 0 else -1, s[3] * b * b)
    return [to_nchw(ctx, ctx.op("SPACE_TO_DEPTH", [xh], (x.dtype, out), block_size=b))]


@handler("EyeLike")
def eye_like(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    if not is_static(x) or x.rank != 2:
        raise node.error("needs a static 2-D input")
    dt = node.attr("dtype")
    dtype = x.dtype if dt is None else onnx_dtype(int(dt), node.where)
    k = int(node.attr("k", 0))
    return [ctx.const(np.eye(*sig(x), k=k, dtype=dtype.numpy))]


@handler("Range")
def range_op(ctx: GraphContext, node: NodeView):
    start, limit, delta = node.input(0), node.input(1), node.input(2)
    return [ctx.op("RANGE", [start, limit, delta], (start.dtype, (-1,)))]
