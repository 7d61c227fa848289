"""The dtypes each op really takes as its first input, for probing delegates in the op table.

A delegate is asked about a node of each dtype an op takes (not about a float32 node of every
op, which would make a string parser look like a numeric op). Ops take numbers unless listed
here; ops that only move, select or compare values also take bools and strings.
"""

from __future__ import annotations

# int8 / uint8 probes carry quantization parameters (a quantized model's tensors).
NUMBERS = ("float32", "int32", "int64", "int8", "uint8")
VALUES = (*NUMBERS, "bool", "string")

_STRING_OPS = (
    "StringToNumber", "StringJoin", "StringLower", "StringUpper", "StringStrip", "StringLength",
    "Substr", "StaticRegexReplace", "RegexReplace", "StaticRegexFullMatch", "RegexFullMatch",
)  # fmt: skip
_BOOL_OPS = ("LOGICAL_AND", "LOGICAL_OR", "LOGICAL_NOT", "REDUCE_ALL", "REDUCE_ANY", "SELECT",
             "SELECT_V2", "IF")  # fmt: skip
_RESOURCE_OPS = ("READ_VARIABLE", "ASSIGN_VARIABLE", "HASHTABLE_FIND", "HASHTABLE_IMPORT",
                 "HASHTABLE_SIZE")  # fmt: skip
_NO_INPUT_OPS = ("VAR_HANDLE", "HASHTABLE")
# The first input is an int32/int64 shape, axis, index or count tensor.
_INDEX_FIRST_OPS = ("SPLIT", "TRANSPOSE_CONV", "FILL", "ONE_HOT", "EMBEDDING_LOOKUP")
_VALUE_OPS = (
    "RESHAPE", "SQUEEZE", "EXPAND_DIMS", "TRANSPOSE", "GATHER", "GATHER_ND", "SLICE",
    "STRIDED_SLICE", "SPLIT_V", "PACK", "UNPACK", "TILE", "BROADCAST_TO", "REVERSE_V2",
    "CONCATENATION", "EQUAL", "NOT_EQUAL", "CAST", "WHERE", "ARG_MAX", "ARG_MIN", "SHAPE",
    "ZEROS_LIKE", "WHILE", "CALL_ONCE",
)  # fmt: skip

INPUT_DTYPES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(_STRING_OPS, ("string",)),
    **dict.fromkeys(_BOOL_OPS, ("bool",)),
    **dict.fromkeys(_RESOURCE_OPS, ("resource",)),
    **dict.fromkeys(_NO_INPUT_OPS, ()),
    **dict.fromkeys(_INDEX_FIRST_OPS, ("int32", "int64")),
    **dict.fromkeys(_VALUE_OPS, VALUES),
    "AsString": ("float32", "int32", "int64", "bool"),
    "DEQUANTIZE": ("int8", "uint8", "float16"),
    "QUANTIZE": ("float32", "int8", "uint8"),
}


def input_dtypes(op: str) -> tuple[str, ...]:
    """The first-input dtypes ``op`` takes (numbers for ops not listed)."""
    return INPUT_DTYPES.get(op, NUMBERS)
