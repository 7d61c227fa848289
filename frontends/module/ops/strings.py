"""``sl.strings``: string ops, emitted as TensorFlow Select ops (``Flex<Name>`` in the file).

Converting a model that uses them needs ``OpsSet.SELECT_TF_OPS`` in
``target_spec.supported_ops``; siglite's interpreter runs them with its reference kernels.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from siglite.dtypes import as_dtype, string

from ..graph import const_array, is_symbolic
from ._core import common_dtype, emit, op


def _strings(x: Any) -> Any:
    return x if is_symbolic(x) or hasattr(x, "read_in") else const_array(x, string)


@op
def as_string(
    input: Any,
    precision: int = -1,
    scientific: bool = False,  # noqa: A002
    shortest: bool = False,
    width: int = -1,
    fill: str = "",
    name=None,
) -> Any:
    """Format numbers or booleans as strings, printf-style (AsString)."""
    dt = common_dtype(input) or as_dtype(np.asarray(input).dtype)
    return emit(
        "AsString",
        input,
        T=dt,
        precision=precision,
        scientific=scientific,
        shortest=shortest,
        width=width,
        fill=fill,
        name=name,
    )


@op
def to_number(string_tensor: Any, out_type: Any = "float32", name: str | None = None) -> Any:
    """Parse each string as a number of ``out_type`` (StringToNumber)."""
    return emit("StringToNumber", _strings(string_tensor), out_type=as_dtype(out_type), name=name)


@op
def join(inputs: list[Any], separator: str = "", name: str | None = None) -> Any:
    """Join string tensors elementwise with ``separator`` (StringJoin)."""
    parts = [_strings(x) for x in inputs]
    return emit("StringJoin", *parts, N=len(parts), separator=separator, name=name)


@op
def lower(input: Any, encoding: str = "", name: str | None = None) -> Any:  # noqa: A002
    """Lower-case each string (StringLower)."""
    return emit("StringLower", _strings(input), encoding=encoding, name=name)


@op
def upper(input: Any, encoding: str = "", name: str | None = None) -> Any:  # noqa: A002
    """Upper-case each string (StringUpper)."""
    return emit("StringUpper", _strings(input), encoding=encoding, name=name)


@op
def strip(input: Any, name: str | None = None) -> Any:  # noqa: A002
    """Strip leading and trailing whitespace (StringStrip)."""
    return emit("StringStrip", _strings(input), name=name)


@op
def length(input: Any, unit: str = "BYTE", name: str | None = None) -> Any:  # noqa: A002
    """The length of each string in bytes or UTF-8 characters (StringLength)."""
    return emit("StringLength", _strings(input), unit=unit, name=name)


@op
def substr(input: Any, pos: Any, len: Any, unit: str = "BYTE", name=None) -> Any:  # noqa: A002
    """Substrings starting at ``pos`` of length ``len`` (Substr)."""
    p = pos if is_symbolic(pos) else np.asarray(pos, np.int32)
    n = len if is_symbolic(len) else np.asarray(len, p.dtype.numpy if is_symbolic(p) else p.dtype)
    t = common_dtype(p)
    return emit("Substr", _strings(input), p, n, T=t, unit=unit, name=name)


@op
def regex_replace(
    input: Any,
    pattern: str,
    rewrite: str,
    replace_global: bool = True,  # noqa: A002
    name: str | None = None,
) -> Any:
    """Replace RE2 ``pattern`` matches with ``rewrite`` (StaticRegexReplace)."""
    return emit(
        "StaticRegexReplace",
        _strings(input),
        pattern=pattern,
        rewrite=rewrite,
        replace_global=replace_global,
        name=name,
    )
