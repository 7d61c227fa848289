"""Schemas of elementwise, comparison and logical builtins (ADD ... SIGN, EQUAL ... WHERE)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...dtypes import bool_, int64
from ..registry import OpSchema, register_op
from .base import broadcast_binary, broadcast_shapes, same_as_first


def infer_compare(inputs: Sequence[Any], attrs: dict[str, Any]):
    """Comparisons and binary logic: a bool tensor of the broadcast shape."""
    a, b = inputs[0], inputs[1]
    return [(bool_, broadcast_shapes(a.signature_shape, b.signature_shape))]


def infer_select(inputs: Sequence[Any], attrs: dict[str, Any]):
    """SELECT: the value inputs' type; the shape of ``x`` (the condition may be a row mask)."""
    x, y = inputs[1], inputs[2]
    return [(x.dtype, broadcast_shapes(x.signature_shape, y.signature_shape))]


def infer_select_v2(inputs: Sequence[Any], attrs: dict[str, Any]):
    """SELECT_V2: the value inputs' type; all three shapes broadcast."""
    shapes = [t.signature_shape for t in inputs[:3]]
    return [(inputs[1].dtype, broadcast_shapes(*shapes))]


def infer_where(inputs: Sequence[Any], attrs: dict[str, Any]):
    """WHERE: int64 coordinates ``[num_true, rank]``; ``num_true`` is known only at run time."""
    return [(int64, (-1, len(inputs[0].signature_shape)))]


# op name -> options table; None where the schema has no table for the op.
_BINARY = {
    "ADD": "AddOptions",
    "SUB": "SubOptions",
    "MUL": "MulOptions",
    "DIV": "DivOptions",
    "FLOOR_DIV": "FloorDivOptions",
    "FLOOR_MOD": "FloorModOptions",
    "POW": "PowOptions",
    "MAXIMUM": "MaximumMinimumOptions",
    "MINIMUM": "MaximumMinimumOptions",
    "SQUARED_DIFFERENCE": "SquaredDifferenceOptions",
    "PRELU": None,
}
_UNARY = {
    "ABS": "AbsOptions",
    "NEG": "NegOptions",
    "EXP": "ExpOptions",
    "LOG": None,
    "SQRT": None,
    "RSQRT": None,
    "SQUARE": "SquareOptions",
    "SIN": None,
    "COS": "CosOptions",
    "TANH": None,
    "LOGISTIC": None,
    "RELU": None,
    "RELU6": None,
    "RELU_N1_TO_1": None,
    "LEAKY_RELU": "LeakyReluOptions",
    "ELU": None,
    "HARD_SWISH": "HardSwishOptions",
    "GELU": "GeluOptions",
    "FLOOR": None,
    "CEIL": None,
    "ROUND": None,
    "SIGN": "SignOptions",
    "LOGICAL_NOT": "LogicalNotOptions",
}
_COMPARE = {
    "EQUAL": "EqualOptions",
    "NOT_EQUAL": "NotEqualOptions",
    "LESS": "LessOptions",
    "LESS_EQUAL": "LessEqualOptions",
    "GREATER": "GreaterOptions",
    "GREATER_EQUAL": "GreaterEqualOptions",
    "LOGICAL_AND": "LogicalAndOptions",
    "LOGICAL_OR": "LogicalOrOptions",
}

SCHEMAS = (
    [OpSchema(op, infer=broadcast_binary, options=opt) for op, opt in _BINARY.items()]
    + [OpSchema(op, infer=same_as_first, options=opt) for op, opt in _UNARY.items()]
    + [OpSchema(op, infer=infer_compare, options=opt) for op, opt in _COMPARE.items()]
    + [
        OpSchema("SELECT", infer=infer_select, options="SelectOptions"),
        OpSchema("SELECT_V2", infer=infer_select_v2, options="SelectV2Options"),
        OpSchema("WHERE", infer=infer_where, options="WhereOptions"),
    ]
)

for _schema in SCHEMAS:
    register_op(_schema)
