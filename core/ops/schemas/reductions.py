"""Schemas of reductions and scans: MEAN, SUM, REDUCE_*, ARG_MAX/ARG_MIN, TOPK_V2, CUMSUM."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...dtypes import as_dtype, int32
from ..registry import OpSchema, register_op
from .base import const_ints, same_as_first


def reduced_shape(shape: Sequence[int], axes: Sequence[int], keep_dims: bool) -> tuple[int, ...]:
    """``shape`` with ``axes`` (possibly negative or repeated) reduced away or kept as 1."""
    rank = len(shape)
    drop = {a % rank for a in axes} if rank else set()
    if keep_dims:
        return tuple(1 if i in drop else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in drop)


def infer_reduce(inputs: Sequence[Any], attrs: dict[str, Any]):
    """Reductions: the input type, reduced over constant axes (else -1 dims)."""
    x, axes = inputs[0], const_ints(inputs[1])
    shape, keep = x.signature_shape, bool(attrs.get("keep_dims", False))
    if axes is not None:
        return [(x.dtype, reduced_shape(shape, axes, keep))]
    axis_shape = inputs[1].signature_shape
    count = axis_shape[0] if len(axis_shape) == 1 and axis_shape[0] >= 0 else 1
    return [(x.dtype, (-1,) * (len(shape) if keep else max(len(shape) - count, 0)))]


def infer_arg(inputs: Sequence[Any], attrs: dict[str, Any]):
    """ARG_MAX / ARG_MIN: output_type indices, the axis removed."""
    x, axis = inputs[0], const_ints(inputs[1])
    shape = x.signature_shape
    out = as_dtype(attrs.get("output_type") or "INT64")
    if axis is None:
        return [(out, (-1,) * (len(shape) - 1))]
    return [(out, reduced_shape(shape, axis[:1], False))]


def infer_topk(inputs: Sequence[Any], attrs: dict[str, Any]):
    """TOPK_V2: values of the input type and int32 indices, last axis k."""
    x, k = inputs[0], const_ints(inputs[1])
    shape = tuple(x.signature_shape[:-1]) + (k[0] if k is not None else -1,)
    return [(x.dtype, shape), (int32, shape)]


_REDUCERS = ("MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN", "REDUCE_PROD", "REDUCE_ANY")

SCHEMAS = [OpSchema(op, infer=infer_reduce, options="ReducerOptions") for op in _REDUCERS] + [
    OpSchema("ARG_MAX", infer=infer_arg, options="ArgMaxOptions"),
    OpSchema("ARG_MIN", infer=infer_arg, options="ArgMinOptions"),
    OpSchema("TOPK_V2", infer=infer_topk, options="TopKV2Options", num_outputs=2),
    OpSchema("CUMSUM", infer=same_as_first, options="CumsumOptions"),
]

for _schema in SCHEMAS:
    register_op(_schema)
