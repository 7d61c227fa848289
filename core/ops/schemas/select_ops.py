"""Schemas of Select-TF ("Flex") string ops, named and configured as in TensorFlow.

Attributes keep TF's names (``T``, ``precision``, ``out_type`` ...); TF type attributes are
siglite dtypes. In a model file these ops are custom ops ``Flex<Name>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...dtypes import as_dtype, bool_, float32, int32, string
from ..registry import SELECT, OpSchema, register_op
from .base import broadcast_shapes


def infer_as_string(inputs: Sequence[Any], attrs: dict[str, Any]):
    """AsString: one string per input element."""
    return [(string, inputs[0].signature_shape)]


def infer_string_to_number(inputs: Sequence[Any], attrs: dict[str, Any]):
    """StringToNumber: ``out_type`` (float32 by default), the input's shape."""
    return [(as_dtype(attrs.get("out_type", float32)), inputs[0].signature_shape)]


def infer_string_join(inputs: Sequence[Any], attrs: dict[str, Any]):
    """StringJoin: scalars broadcast against the (equal) shapes of the other inputs."""
    shapes = [t.signature_shape for t in inputs if t is not None and len(t.signature_shape)]
    return [(string, broadcast_shapes(*shapes) if shapes else ())]


def infer_same_strings(inputs: Sequence[Any], attrs: dict[str, Any]):
    """String to string, elementwise."""
    return [(string, inputs[0].signature_shape)]


def infer_string_length(inputs: Sequence[Any], attrs: dict[str, Any]):
    """StringLength: int32 lengths."""
    return [(int32, inputs[0].signature_shape)]


def infer_substr(inputs: Sequence[Any], attrs: dict[str, Any]):
    """Substr: the broadcast of input, pos and len."""
    return [(string, broadcast_shapes(*(t.signature_shape for t in inputs[:3])))]


def infer_full_match(inputs: Sequence[Any], attrs: dict[str, Any]):
    """(Static)RegexFullMatch: one bool per input string."""
    return [(bool_, inputs[0].signature_shape)]


_DOCS = {
    "AsString": (infer_as_string, "Numbers or bools to strings (printf-style, TF attrs)."),
    "StringToNumber": (infer_string_to_number, "Parse strings as numbers of out_type."),
    "StringJoin": (infer_string_join, "Join N string tensors elementwise with separator."),
    "StringLower": (infer_same_strings, "Lower-case (ASCII, or Unicode for utf-8)."),
    "StringUpper": (infer_same_strings, "Upper-case (ASCII, or Unicode for utf-8)."),
    "StringStrip": (infer_same_strings, "Strip leading and trailing ASCII whitespace."),
    "StringLength": (infer_string_length, "Length in bytes or UTF-8 characters (unit)."),
    "Substr": (infer_substr, "Substrings by pos and len, in bytes or UTF-8 characters."),
    "StaticRegexReplace": (infer_same_strings, "Replace RE2 pattern matches with rewrite."),
    "RegexReplace": (infer_same_strings, "Like StaticRegexReplace with pattern/rewrite inputs."),
    "StaticRegexFullMatch": (infer_full_match, "Whether each string fully matches pattern."),
    "RegexFullMatch": (infer_full_match, "Like StaticRegexFullMatch with a pattern input."),
}

SCHEMAS = {
    name: register_op(OpSchema(name, opset=SELECT, infer=infer, doc=doc))
    for name, (infer, doc) in _DOCS.items()
}
