"""Schemas of builtins that the frontends emit beyond the core families: ADD_N, ATAN2,
REDUCE_ALL and ONE_HOT."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...errors import InvalidModelError
from ..registry import OpSchema, register_op
from .base import broadcast_binary, broadcast_shapes, const_ints
from .reductions import infer_reduce


def infer_add_n(inputs: Sequence[Any], attrs: dict[str, Any]):
    """ADD_N: every input has one shape (-1 dims resolved by the others) and input 0's type."""
    if len(inputs) < 2:  # LiteRT refuses fewer at allocation
        raise InvalidModelError(f"ADD_N needs at least two inputs, got {len(inputs)}")
    return [(inputs[0].dtype, broadcast_shapes(*(t.signature_shape for t in inputs)))]


def infer_one_hot(inputs: Sequence[Any], attrs: dict[str, Any]):
    """ONE_HOT(indices, depth, on, off): ``depth`` inserted at ``axis``; the type of ``on``."""
    indices, depth, on = inputs[0], inputs[1], inputs[2]
    values = const_ints(depth)
    size = values[0] if values else -1
    shape = list(indices.signature_shape)
    axis = int(attrs.get("axis", 0))  # the schema default, what a file without the field means
    if not -1 <= axis <= len(shape):
        raise InvalidModelError(f"ONE_HOT axis {axis} is out of range for rank {len(shape)}")
    shape.insert(len(shape) if axis == -1 else axis, size)
    return [(on.dtype, tuple(shape))]


SCHEMAS = [
    OpSchema("ADD_N", infer=infer_add_n, options="AddNOptions"),
    OpSchema("ATAN2", infer=broadcast_binary, options="ATan2Options"),
    OpSchema("REDUCE_ALL", infer=infer_reduce, options="ReducerOptions"),
    OpSchema("ONE_HOT", infer=infer_one_hot, options="OneHotOptions"),
]

for _schema in SCHEMAS:
    register_op(_schema)
