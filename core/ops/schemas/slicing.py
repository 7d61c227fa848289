"""Schemas of the slicing and gathering builtins: SLICE, STRIDED_SLICE, GATHER, GATHER_ND.

Output shapes are exact where the index inputs are constants (``Tensor.data``) and use ``-1``
for dimensions known only at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...errors import InvalidModelError
from ..registry import OpSchema, register_op
from .base import const_ints, unknown_shape


def infer_slice(inputs: Sequence[Any], attrs: dict[str, Any]):
    """SLICE: the size input, -1 meaning the rest of the axis."""
    x, begin, size = inputs[0], const_ints(inputs[1]), const_ints(inputs[2])
    shape = x.signature_shape
    if begin is None or size is None:
        return [(x.dtype, unknown_shape(len(shape)))]
    out = [
        (-1 if d < 0 else d - b) if s == -1 else s
        for d, b, s in zip(shape, begin, size, strict=False)
    ]
    return [(x.dtype, tuple(out))]


def strided_slice_index(
    begin: Sequence[int],
    end: Sequence[int],
    strides: Sequence[int],
    *,
    begin_mask: int = 0,
    end_mask: int = 0,
    ellipsis_mask: int = 0,
    new_axis_mask: int = 0,
    shrink_axis_mask: int = 0,
    offset: bool = False,
) -> tuple[Any, ...]:
    """A numpy index tuple equivalent to a STRIDED_SLICE with these inputs and masks."""
    index: list[Any] = []
    seen_ellipsis = False
    for i, (b, e, s) in enumerate(zip(begin, end, strides, strict=False)):
        bit = 1 << i
        if ellipsis_mask & bit and not seen_ellipsis:
            index.append(Ellipsis)
            seen_ellipsis = True
        elif new_axis_mask & bit:
            index.append(None)
        elif shrink_axis_mask & bit:
            index.append(int(b))
        else:
            stop = int(b) + int(e) if offset else int(e)
            index.append(
                slice(None if begin_mask & bit else int(b), None if end_mask & bit else stop, s)
            )
    return tuple(index)


def _slice_shape(shape: Sequence[int], index: tuple[Any, ...]) -> tuple[int, ...]:
    """The shape ``index`` selects; output dims that depend on unknown input dims are -1.

    Unknown dims are probed with large sizes (negative indices move with the size) and, one
    axis at a time, with sizes 0 and 1 (in-range indices of a short axis are clamped).
    """
    big = 1 << 20

    def probe(fill: int, axis: int | None = None, size: int = 0) -> tuple[int, ...] | None:
        dims = tuple((size if i == axis else fill) if d < 0 else d for i, d in enumerate(shape))
        try:
            return np.broadcast_to(np.empty((), np.bool_), dims)[index].shape
        except IndexError:
            if axis is None:
                raise
            return None  # a shrink on this short axis: the axis is not in the output

    base = probe(big)
    others = [probe(big + 7)]
    for axis in (i for i, d in enumerate(shape) if d < 0):
        others += [probe(big, axis, 0), probe(big, axis, 1)]
    unknown = {
        i
        for o in others
        if o is not None
        for i, (a, b) in enumerate(zip(base, o, strict=True))
        if a != b
    }
    return tuple(-1 if i in unknown else d for i, d in enumerate(base))


def infer_strided_slice(inputs: Sequence[Any], attrs: dict[str, Any]):
    """STRIDED_SLICE: the shape the constant begin/end/strides select."""
    x = inputs[0]
    vals = [const_ints(t) for t in inputs[1:4]]
    if any(v is None for v in vals):
        return [(x.dtype, unknown_shape(len(x.signature_shape)))]
    keys = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")
    masks = {k: int(attrs.get(k, 0)) for k in keys}
    index = strided_slice_index(*vals, offset=bool(attrs.get("offset", False)), **masks)
    try:
        return [(x.dtype, _slice_shape(x.signature_shape, index))]
    except IndexError as e:
        raise InvalidModelError(f"STRIDED_SLICE: {e}") from None


def infer_gather(inputs: Sequence[Any], attrs: dict[str, Any]):
    """GATHER: params[:axis] + indices[batch_dims:] + params[axis + 1:]."""
    params, indices = inputs[0].signature_shape, inputs[1].signature_shape
    axis = attrs.get("axis", 0) % max(len(params), 1)
    batch = attrs.get("batch_dims", 0) % (len(indices) + 1) if indices else 0
    out = tuple(params[:axis]) + tuple(indices[batch:]) + tuple(params[axis + 1 :])
    return [(inputs[0].dtype, out)]


def infer_gather_nd(inputs: Sequence[Any], attrs: dict[str, Any]):
    """GATHER_ND: indices[:-1] + params[indices[-1]:]."""
    params, indices = inputs[0].signature_shape, inputs[1].signature_shape
    depth = indices[-1]
    if depth < 0:
        raise InvalidModelError("GATHER_ND: the last dimension of indices must be known")
    return [(inputs[0].dtype, tuple(indices[:-1]) + tuple(params[depth:]))]


SCHEMAS = [
    OpSchema("SLICE", infer=infer_slice, options="SliceOptions"),
    OpSchema("STRIDED_SLICE", infer=infer_strided_slice, options="StridedSliceOptions"),
    OpSchema("GATHER", infer=infer_gather, options="GatherOptions"),
    OpSchema("GATHER_ND", infer=infer_gather_nd, options="GatherNdOptions"),
]

for _schema in SCHEMAS:
    register_op(_schema)
