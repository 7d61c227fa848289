"""Schemas of control flow (IF, WHILE, CALL_ONCE), resource variables and hash tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...dtypes import int64, resource
from ..registry import OpSchema, register_op


def infer_while(inputs: Sequence[Any], attrs: dict[str, Any]):
    """WHILE: the loop-carried values keep their input types (shapes may change at run time)."""
    return [(t.dtype, t.signature_shape) for t in inputs]


def infer_nothing(inputs: Sequence[Any], attrs: dict[str, Any]):
    """Ops with side effects only: no outputs."""
    return []


def infer_handle(inputs: Sequence[Any], attrs: dict[str, Any]):
    """A scalar resource handle."""
    return [(resource, ())]


def infer_find(inputs: Sequence[Any], attrs: dict[str, Any]):
    """HASHTABLE_FIND: one value (of the default value's type) per key."""
    keys, default = inputs[1], inputs[2]
    return [(default.dtype, keys.signature_shape)]


def infer_size(inputs: Sequence[Any], attrs: dict[str, Any]):
    """HASHTABLE_SIZE: the number of entries, as int64 ``[1]``."""
    return [(int64, (1,))]


_SCHEMAS = [
    OpSchema(
        "IF",
        options="IfOptions",
        num_outputs=None,
        doc="Runs then_subgraph_index or else_subgraph_index on inputs[1:] by inputs[0]; "
        "output types come from the branches",
    ),
    OpSchema(
        "WHILE",
        infer=infer_while,
        options="WhileOptions",
        num_outputs=None,
        doc="Runs body_subgraph_index while cond_subgraph_index returns true",
    ),
    OpSchema(
        "CALL_ONCE",
        infer=infer_nothing,
        options="CallOnceOptions",
        side_effects=True,
        num_outputs=0,
        doc="Runs init_subgraph_index once per interpreter",
    ),
    OpSchema(
        "VAR_HANDLE",
        infer=infer_handle,
        options="VarHandleOptions",
        doc="The handle of resource variable (container, shared_name)",
    ),
    OpSchema(
        "READ_VARIABLE",
        options="ReadVariableOptions",
        doc="The value of a resource variable; its type is the output tensor's",
    ),
    OpSchema(
        "ASSIGN_VARIABLE",
        infer=infer_nothing,
        options="AssignVariableOptions",
        side_effects=True,
        num_outputs=0,
        doc="Stores inputs[1] in the resource variable inputs[0]",
    ),
    OpSchema(
        "HASHTABLE",
        infer=infer_handle,
        options="HashtableOptions",
        doc="The handle of hash table table_id (key_dtype -> value_dtype)",
    ),
    OpSchema(
        "HASHTABLE_IMPORT",
        infer=infer_nothing,
        options="HashtableImportOptions",
        side_effects=True,
        num_outputs=0,
        doc="Fills a hash table with keys and values (only the first import counts)",
    ),
    OpSchema(
        "HASHTABLE_FIND",
        infer=infer_find,
        options="HashtableFindOptions",
        doc="Looks keys up in a hash table; missing keys give the default value",
    ),
    OpSchema(
        "HASHTABLE_SIZE",
        infer=infer_size,
        options="HashtableSizeOptions",
        doc="The number of entries of a hash table",
    ),
]

for _schema in _SCHEMAS:
    register_op(_schema)
