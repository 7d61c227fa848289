"""Schemas of shape and data-movement builtins (RESHAPE ... REVERSE_V2; slicing and gathering
are in :mod:`.slicing`).

Output shapes are exact where the shape-deciding inputs are constants (``Tensor.data``) and
use ``-1`` for dimensions known only at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...dtypes import as_dtype, int32
from ...errors import InvalidModelError
from ..registry import OpSchema, register_op
from .base import const_ints, same_as_first, unknown_shape


def _mul(d: int, k: int) -> int:
    return -1 if d < 0 else d * k


def _div(d: int, k: int) -> int:
    return -1 if d < 0 else d // k


def _vector_len(t: Any) -> int:
    shape = t.signature_shape
    return shape[0] if len(shape) == 1 and shape[0] >= 0 else 0


def resolve_reshape(in_shape: Sequence[int], new_shape: Sequence[int]) -> tuple[int, ...]:
    """Fill the single ``-1`` of ``new_shape`` from the element count of ``in_shape``."""
    new = [int(d) for d in new_shape]
    if -1 in new and all(d >= 0 for d in in_shape):
        known = int(np.prod([d for d in new if d != -1], dtype=np.int64))
        total = int(np.prod(in_shape, dtype=np.int64))
        new[new.index(-1)] = total // known if known else 0
    return tuple(new)


def reshape_target(shape_input: Any, new_shape: Sequence[int] | None) -> list[int] | None:
    """The requested shape: the shape input when it is an int32 vector, else the attribute."""
    if shape_input is not None and len(shape_input.signature_shape) == 1:
        if shape_input.dtype is int32:
            return const_ints(shape_input)
    if new_shape is None:
        return None
    new = [int(d) for d in new_shape]
    return [] if new == [0] else new  # old converters wrote [0] for a scalar


def infer_reshape(inputs: Sequence[Any], attrs: dict[str, Any]):
    """RESHAPE: the requested shape with its -1 filled in where possible."""
    x = inputs[0]
    shape_in = inputs[1] if len(inputs) > 1 else None
    target = reshape_target(shape_in, attrs.get("new_shape"))
    if target is None:
        rank = _vector_len(shape_in) if shape_in is not None else 0
        return [(x.dtype, unknown_shape(rank or len(attrs.get("new_shape") or ())))]
    return [(x.dtype, resolve_reshape(x.signature_shape, target))]


def infer_transpose(inputs: Sequence[Any], attrs: dict[str, Any]):
    """TRANSPOSE: the input shape permuted by a constant perm."""
    x, perm = inputs[0], const_ints(inputs[1])
    shape = x.signature_shape
    return [(x.dtype, tuple(shape[p] for p in perm) if perm else unknown_shape(len(shape)))]


def infer_concatenation(inputs: Sequence[Any], attrs: dict[str, Any]):
    """CONCATENATION: the axis sizes summed."""
    shapes = [t.signature_shape for t in inputs]
    rank = len(shapes[0])
    axis = attrs.get("axis", 0) % max(rank, 1)
    out = []
    for i in range(rank):
        dims = [s[i] for s in shapes]
        if i == axis:
            out.append(-1 if -1 in dims else sum(dims))
        else:
            out.append(max(dims))
    return [(inputs[0].dtype, tuple(out))]


def _split_shapes(shape: Sequence[int], axis: int | None, sizes: Sequence[int]):
    if axis is None:
        return [unknown_shape(len(shape)) for _ in sizes]
    axis %= len(shape)
    return [tuple(s if i == axis else d for i, d in enumerate(shape)) for s in sizes]


def infer_split(inputs: Sequence[Any], attrs: dict[str, Any]):
    """SPLIT: num_splits equal outputs."""
    axis_t, x = inputs[0], inputs[1]
    n = int(attrs.get("num_splits", 1))
    axis = const_ints(axis_t)
    shape = x.signature_shape
    dim = shape[axis[0] % len(shape)] if axis else -1
    return [
        (x.dtype, s) for s in _split_shapes(shape, axis[0] if axis else None, [_div(dim, n)] * n)
    ]


def infer_split_v(inputs: Sequence[Any], attrs: dict[str, Any]):
    """SPLIT_V: one output per size."""
    x, sizes_t, axis_t = inputs[0], inputs[1], inputs[2]
    axis, sizes = const_ints(axis_t), const_ints(sizes_t)
    shape = x.signature_shape
    if sizes is None:
        n = int(attrs.get("num_splits", _vector_len(sizes_t)))
        return [(x.dtype, unknown_shape(len(shape))) for _ in range(n)]
    if axis is not None and -1 in sizes:
        dim = shape[axis[0] % len(shape)]
        rest = -1 if dim < 0 else dim - sum(s for s in sizes if s != -1)
        sizes = [rest if s == -1 else s for s in sizes]
    return [(x.dtype, s) for s in _split_shapes(shape, axis[0] if axis else None, sizes)]


def infer_pack(inputs: Sequence[Any], attrs: dict[str, Any]):
    """PACK: a new axis of the input count."""
    shape = list(inputs[0].signature_shape)
    axis = attrs.get("axis", 0) % (len(shape) + 1)
    shape.insert(axis, len(inputs))
    return [(inputs[0].dtype, tuple(shape))]


def infer_unpack(inputs: Sequence[Any], attrs: dict[str, Any]):
    """UNPACK: num outputs without the axis."""
    shape = list(inputs[0].signature_shape)
    axis = attrs.get("axis", 0) % len(shape)
    num = int(attrs.get("num") or shape[axis])
    del shape[axis]
    return [(inputs[0].dtype, tuple(shape))] * num


def infer_squeeze(inputs: Sequence[Any], attrs: dict[str, Any]):
    """SQUEEZE: the shape without the squeezed axes."""
    shape = inputs[0].signature_shape
    dims = {d % len(shape) for d in attrs.get("squeeze_dims") or ()}
    if not dims:
        dims = {i for i, d in enumerate(shape) if d == 1}
    return [(inputs[0].dtype, tuple(d for i, d in enumerate(shape) if i not in dims))]


def infer_expand_dims(inputs: Sequence[Any], attrs: dict[str, Any]):
    """EXPAND_DIMS: a 1 inserted at the constant axis."""
    shape = list(inputs[0].signature_shape)
    axis = const_ints(inputs[1])
    if axis is None:
        return [(inputs[0].dtype, unknown_shape(len(shape) + 1))]
    shape.insert(axis[0] % (len(shape) + 1), 1)
    return [(inputs[0].dtype, tuple(shape))]


def infer_pad(inputs: Sequence[Any], attrs: dict[str, Any]):
    """PAD, PADV2, MIRROR_PAD: each axis grown by its constant paddings."""
    x, pads = inputs[0], const_ints(inputs[1])
    shape = x.signature_shape
    if pads is None:
        return [(x.dtype, unknown_shape(len(shape)))]
    out = [-1 if d < 0 else d + pads[2 * i] + pads[2 * i + 1] for i, d in enumerate(shape)]
    return [(x.dtype, tuple(out))]


def infer_tile(inputs: Sequence[Any], attrs: dict[str, Any]):
    """TILE: each axis multiplied by the constant multiples."""
    x, mult = inputs[0], const_ints(inputs[1])
    shape = x.signature_shape
    if mult is None:
        return [(x.dtype, unknown_shape(len(shape)))]
    return [(x.dtype, tuple(_mul(d, m) for d, m in zip(shape, mult, strict=False)))]


def infer_broadcast_to(inputs: Sequence[Any], attrs: dict[str, Any]):
    """BROADCAST_TO: the constant shape input."""
    x, shape = inputs[0], const_ints(inputs[1])
    return [(x.dtype, tuple(shape) if shape is not None else unknown_shape(_vector_len(inputs[1])))]


def infer_shape(inputs: Sequence[Any], attrs: dict[str, Any]):
    """SHAPE: a vector of out_type with one entry per input axis."""
    return [(as_dtype(attrs.get("out_type") or "INT32"), (len(inputs[0].signature_shape),))]


def infer_cast(inputs: Sequence[Any], attrs: dict[str, Any]):
    """CAST: the out_data_type attribute, the input shape."""
    out = attrs.get("out_data_type")
    if out is None:
        raise InvalidModelError("CAST: give out_data_type or the output type (outputs=...)")
    return [(as_dtype(out), inputs[0].signature_shape)]


def infer_fill(inputs: Sequence[Any], attrs: dict[str, Any]):
    """FILL: the value's type, the constant dims."""
    dims = const_ints(inputs[0])
    shape = tuple(dims) if dims is not None else unknown_shape(_vector_len(inputs[0]))
    return [(inputs[1].dtype, shape)]


def infer_range(inputs: Sequence[Any], attrs: dict[str, Any]):
    """RANGE: the number of steps from constant start, limit and delta."""
    start, limit, delta = (t.data for t in inputs[:3])
    if start is None or limit is None or delta is None:
        return [(inputs[0].dtype, (-1,))]
    s, lim, d = (np.asarray(v).reshape(()).item() for v in (start, limit, delta))
    if isinstance(s, int):
        n = (abs(lim - s) + abs(d) - 1) // abs(d)
    else:
        n = int(np.ceil(abs((lim - s) / d)))
    return [(inputs[0].dtype, (int(n),))]


def infer_space_to_depth(inputs: Sequence[Any], attrs: dict[str, Any]):
    """SPACE_TO_DEPTH: spatial dims divided, channels multiplied by block^2."""
    n, h, w, c = inputs[0].signature_shape
    b = int(attrs.get("block_size", 1))
    return [(inputs[0].dtype, (n, _div(h, b), _div(w, b), _mul(c, b * b)))]


def infer_depth_to_space(inputs: Sequence[Any], attrs: dict[str, Any]):
    """DEPTH_TO_SPACE: spatial dims multiplied, channels divided by block^2."""
    n, h, w, c = inputs[0].signature_shape
    b = int(attrs.get("block_size", 1))
    return [(inputs[0].dtype, (n, _mul(h, b), _mul(w, b), _div(c, b * b)))]


def _space_batch(inputs: Sequence[Any], to_batch: bool):
    x = inputs[0]
    shape = x.signature_shape
    block, pads = const_ints(inputs[1]), const_ints(inputs[2])
    if block is None or pads is None:
        return [(x.dtype, unknown_shape(len(shape)))]
    prod = int(np.prod(block, dtype=np.int64))
    out = [_mul(shape[0], prod) if to_batch else _div(shape[0], prod)]
    for i, b in enumerate(block):
        d, lo, hi = shape[i + 1], pads[2 * i], pads[2 * i + 1]
        if d < 0:
            out.append(-1)
        else:
            out.append((d + lo + hi) // b if to_batch else d * b - lo - hi)
    out += shape[len(block) + 1 :]
    return [(x.dtype, tuple(out))]


def infer_space_to_batch(inputs: Sequence[Any], attrs: dict[str, Any]):
    """SPACE_TO_BATCH_ND: padded spatial dims divided into the batch."""
    return _space_batch(inputs, True)


def infer_batch_to_space(inputs: Sequence[Any], attrs: dict[str, Any]):
    """BATCH_TO_SPACE_ND: the batch divided into cropped spatial dims."""
    return _space_batch(inputs, False)


SCHEMAS = [
    OpSchema("RESHAPE", infer=infer_reshape, options="ReshapeOptions"),
    OpSchema("TRANSPOSE", infer=infer_transpose, options="TransposeOptions"),
    OpSchema("CONCATENATION", infer=infer_concatenation, options="ConcatenationOptions"),
    OpSchema("SPLIT", infer=infer_split, options="SplitOptions", num_outputs=None),
    OpSchema("SPLIT_V", infer=infer_split_v, options="SplitVOptions", num_outputs=None),
    OpSchema("PACK", infer=infer_pack, options="PackOptions"),
    OpSchema("UNPACK", infer=infer_unpack, options="UnpackOptions", num_outputs=None),
    OpSchema("SQUEEZE", infer=infer_squeeze, options="SqueezeOptions"),
    OpSchema("EXPAND_DIMS", infer=infer_expand_dims, options="ExpandDimsOptions"),
    OpSchema("PAD", infer=infer_pad, options="PadOptions"),
    OpSchema("PADV2", infer=infer_pad, options="PadV2Options"),
    OpSchema("MIRROR_PAD", infer=infer_pad, options="MirrorPadOptions"),
    OpSchema("TILE", infer=infer_tile, options="TileOptions"),
    OpSchema("BROADCAST_TO", infer=infer_broadcast_to, options="BroadcastToOptions", min_version=2),
    OpSchema("SHAPE", infer=infer_shape, options="ShapeOptions"),
    OpSchema("CAST", infer=infer_cast, options="CastOptions"),
    OpSchema("FILL", infer=infer_fill, options="FillOptions"),
    OpSchema("ZEROS_LIKE", infer=same_as_first, options="ZerosLikeOptions"),
    OpSchema("RANGE", infer=infer_range, options="RangeOptions"),
    OpSchema("SPACE_TO_DEPTH", infer=infer_space_to_depth, options="SpaceToDepthOptions"),
    OpSchema("DEPTH_TO_SPACE", infer=infer_depth_to_space, options="DepthToSpaceOptions"),
    OpSchema("BATCH_TO_SPACE_ND", infer=infer_batch_to_space, options="BatchToSpaceNDOptions"),
    OpSchema("SPACE_TO_BATCH_ND", infer=infer_space_to_batch, options="SpaceToBatchNDOptions"),
    OpSchema("REVERSE_V2", infer=same_as_first, options="ReverseV2Options"),
]

for _schema in SCHEMAS:
    register_op(_schema)
