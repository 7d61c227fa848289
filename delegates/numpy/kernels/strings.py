"""String kernels of Select-TF ops, with TensorFlow's semantics and error texts.

Strings are numpy object arrays of ``bytes``. These kernels run on the host only: string
tensors have no device representation.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np

from siglite.dtypes import as_dtype
from siglite.errors import ExecutionError

from ..table import KERNELS


def _strings(x: Any) -> np.ndarray:
    """``x`` as an object array of bytes (str elements encoded as UTF-8)."""
    arr = np.asarray(x, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    flat = out.reshape(-1)
    for i, v in enumerate(arr.reshape(-1)):
        flat[i] = _as_bytes(v)
    return out


def _as_bytes(v: Any) -> bytes:
    return v.encode("utf-8") if isinstance(v, str) else bytes(v)


def _map(fn: Callable[[bytes], Any], x: Any, otype: Any = object) -> np.ndarray:
    arr = _strings(x)
    out = np.empty(arr.shape, dtype=otype)
    flat = out.reshape(-1)
    for i, s in enumerate(arr.reshape(-1)):
        flat[i] = fn(s)
    return out


# ----------------------------------------------------------------------------- AsString


def _as_string_format(dtype: np.dtype, precision: int, scientific: bool, shortest: bool,
                      width: int, fill: str) -> str | None:  # fmt: skip
    """The printf format TF's AsString uses for ``dtype``; None for bools (true/false)."""
    kind = dtype.kind
    if kind not in "fcO":
        if scientific or shortest:
            raise ExecutionError(
                f"scientific and shortest format not supported for datatype {dtype}"
            )
        if precision >= 0:
            raise ExecutionError(f"precision not supported for datatype {dtype}")
    if len(fill) > 1:
        raise ExecutionError("Fill string must be one or fewer characters")
    if scientific and shortest:
        raise ExecutionError("Cannot select both scientific and shortest notation")
    if fill and fill not in " +-0#":
        raise ExecutionError(f'Fill argument not supported: "{fill}"')
    if kind == "b":
        return None
    if kind in "fc":
        conv = "g" if shortest else "e" if scientific else "f"
    elif kind in "iu":
        conv = "d"
        if kind == "u" and fill in " +":
            fill = ""  # printf's %u has no sign, so sign flags do nothing
    elif kind == "O":
        conv = "s"
    else:
        raise ExecutionError(f"Type not supported: {dtype}")
    width_part = str(width) if width > 0 else ""
    precision_part = f".{precision}" if precision >= 0 else ""
    return f"%{fill}{width_part}{precision_part}{conv}"


@KERNELS.register("AsString")
def as_string(x, *, precision=-1, scientific=False, shortest=False, width=-1, fill="", T=None):
    """AsString: printf-style ``%<fill><width>.<precision><f|e|g|d|s>`` per element."""
    x = np.asarray(x)
    fill = fill.decode() if isinstance(fill, bytes) else fill
    fmt = _as_string_format(x.dtype, precision, scientific, shortest, width, fill)
    if x.dtype == object and width <= 0:
        return _strings(x)
    out = np.empty(x.shape, dtype=object)
    flat, src = out.reshape(-1), x.reshape(-1)
    if fmt is None:
        for i, v in enumerate(src):
            flat[i] = b"true" if v else b"false"
    elif x.dtype.kind == "c":
        for i, v in enumerate(src):
            flat[i] = b"(%s,%s)" % (_fmt(fmt, v.real), _fmt(fmt, v.imag))
    elif x.dtype == object:
        bfmt = fmt.encode()
        for i, v in enumerate(src):
            flat[i] = bfmt % _as_bytes(v)
    else:
        for i, v in enumerate(src):
            flat[i] = _fmt(fmt, v)
    return out


def _fmt(fmt: str, v: Any) -> bytes:
    # float16/bfloat16/float32 are widened to double first, as C varargs do
    value = float(v) if isinstance(v, np.floating) else int(v) if fmt[-1] == "d" else v
    if isinstance(value, float) and not np.isfinite(value):
        fmt = fmt.replace("0", "", 1) if fmt[1:2] == "0" else fmt  # printf pads inf with spaces
    return (fmt % value).encode("ascii")


# ------------------------------------------------------------------------ StringToNumber

_FLOAT = re.compile(
    rb"[ \t\n\v\f\r]*[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf|infinity|nan)[ \t\n\v\f\r]*",
    re.IGNORECASE,
)
_INT = re.compile(rb"[ \t\n\v\f\r]*[+-]?\d+[ \t\n\v\f\r]*")


@KERNELS.register("StringToNumber")
def string_to_number(x, *, out_type="float32"):
    """StringToNumber: parse each string; any string that is not a number is an error."""
    dtype = as_dtype(out_type).numpy
    integral = dtype.kind == "i"
    if dtype not in (np.float32, np.float64, np.int32, np.int64):
        raise ExecutionError(f"StringToNumber: out_type {out_type} is not supported")
    limits = np.iinfo(dtype) if integral else None

    def parse(s: bytes) -> Any:
        if (_INT if integral else _FLOAT).fullmatch(s) is None:
            raise ExecutionError(f"StringToNumberOp could not correctly convert string: {_show(s)}")
        if not integral:
            return float(s)
        value = int(s)
        if not limits.min <= value <= limits.max:
            raise ExecutionError(f"StringToNumberOp could not correctly convert string: {_show(s)}")
        return value

    with np.errstate(over="ignore"):  # out-of-range floats become inf, as in TF
        return _map(parse, x, object).astype(dtype)


def _show(s: bytes) -> str:
    return s.decode("utf-8", "backslashreplace")


# ----------------------------------------------------------------------- simple mappings


@KERNELS.register("StringJoin")
def string_join(*inputs, separator="", N=None):
    """StringJoin: elementwise join of N string tensors; scalars broadcast to the others."""
    arrays = [_strings(a) for a in inputs]
    shapes = {a.shape for a in arrays if a.ndim}
    if len(shapes) > 1:
        a, b = sorted(shapes)[:2]
        raise ExecutionError(f"Input shapes do not match: {list(a)} vs. {list(b)}")
    shape = shapes.pop() if shapes else ()
    sep = _as_bytes(separator)
    cols = [np.broadcast_to(a, shape).reshape(-1) for a in arrays]
    out = np.empty(int(np.prod(shape, dtype=np.int64)), dtype=object)
    for i in range(out.size):
        out[i] = sep.join(c[i] for c in cols)
    return out.reshape(shape)


def _case(ascii_fn: Callable[[bytes], bytes], text_fn: Callable[[str], str]):
    def kernel(x, *, encoding=""):
        if encoding in ("", b""):
            return _map(ascii_fn, x)
        if encoding.lower() not in ("utf-8", "utf8"):
            raise ExecutionError(f"encoding must be '' or 'utf-8', got {encoding!r}")
        return _map(lambda s: text_fn(s.decode("utf-8", "surrogateescape")).encode(
            "utf-8", "surrogateescape"), x)  # fmt: skip

    return kernel


KERNELS.add("StringLower", _case(bytes.lower, str.lower))
KERNELS.add("StringUpper", _case(bytes.upper, str.upper))


@KERNELS.register("StringStrip")
def string_strip(x):
    """StringStrip: drop leading and trailing ASCII whitespace."""
    return _map(bytes.strip, x)


def _utf8_len(s: bytes) -> int:
    # characters = bytes that do not continue a multi-byte sequence
    return sum(1 for b in s if b & 0xC0 != 0x80)


@KERNELS.register("StringLength")
def string_length(x, *, unit="BYTE"):
    """StringLength: bytes, or UTF-8 characters with ``unit="UTF8_CHAR"``."""
    fn = _length_fn(unit)
    return _map(fn, x, np.int32)


def _length_fn(unit: str) -> Callable[[bytes], int]:
    if unit == "BYTE":
        return len
    if unit == "UTF8_CHAR":
        return _utf8_len
    raise ExecutionError(f"unit must be 'BYTE' or 'UTF8_CHAR', got {unit!r}")


# --------------------------------------------------------------------------------- Substr


def _char_starts(s: bytes) -> list[int]:
    """Byte offsets of every UTF-8 character start, plus the end."""
    return [i for i, b in enumerate(s) if b & 0xC0 != 0x80] + [len(s)]


@KERNELS.register("Substr")
def substr(x, pos, length, *, unit="BYTE", T=None):
    """Substr: ``len`` units from ``pos`` (negative counts from the end); ``len`` is clipped."""
    _length_fn(unit)
    s, p, n = np.broadcast_arrays(_strings(x), np.asarray(pos), np.asarray(length))
    out = np.empty(s.shape, dtype=object)
    flat = out.reshape(-1)
    items = zip(s.reshape(-1), p.reshape(-1), n.reshape(-1), strict=True)
    for i, (v, start, count) in enumerate(items):
        starts = _char_starts(v) if unit == "UTF8_CHAR" else None
        size = len(starts) - 1 if starts else len(v)
        begin = int(start) + size if start < 0 else int(start)
        if not 0 <= begin <= size:
            raise ExecutionError(
                f"pos {int(start)} out of range for string b'{_show(v)}' at index {i}"
            )
        end = size if count < 0 else min(size, begin + int(count))
        flat[i] = v[starts[begin] : starts[end]] if starts else v[begin:end]
    return out


# ---------------------------------------------------------------------------------- regex


def _re2(pattern: Any) -> re.Pattern[str]:
    """Compile an RE2 pattern with Python's re (RE2's common syntax is a subset of it)."""
    text = _as_bytes(pattern).decode("utf-8")
    # RE2 spells end-of-text \z; Python spells it \Z (RE2 has no \Z)
    text = re.sub(r"(?<!\\)((?:\\\\)*)\\z", r"\1\\Z", text)
    try:
        return re.compile(text)
    except re.error as e:
        raise ExecutionError(f"Invalid pattern: {text}, error: {e}") from None


def _rewrite(rewrite: Any, groups: int) -> Callable[[re.Match[str]], str]:
    """RE2 rewrite strings: ``\\0``-``\\9`` insert groups, ``\\\\`` a backslash."""
    text = _as_bytes(rewrite).decode("utf-8")
    parts: list[str | int] = []
    i = 0
    while i < len(text):
        if text[i] != "\\":
            parts.append(text[i])
        elif i + 1 < len(text) and text[i + 1] in "0123456789":
            if int(text[i + 1]) > groups:
                raise ExecutionError(
                    f"Invalid rewrite pattern: {text} uses group {text[i + 1]} of {groups}"
                )
            parts.append(int(text[i + 1]))
            i += 1
        elif i + 1 < len(text) and text[i + 1] == "\\":
            parts.append("\\")
            i += 1
        else:
            raise ExecutionError(f"Invalid rewrite pattern: {text}")
        i += 1
    return lambda m: "".join(p if isinstance(p, str) else (m.group(p) or "") for p in parts)


def _replace(s: bytes, regex: re.Pattern[str], repl, replace_global: bool) -> bytes:
    text = s.decode("utf-8", "surrogateescape")
    out, last, prev_end = [], 0, -1
    for m in regex.finditer(text):
        # RE2 does not take an empty match right where the previous match ended
        if m.start() == m.end() == prev_end:
            continue
        out += [text[last : m.start()], repl(m)]
        last = prev_end = m.end()
        if not replace_global:
            break
    out.append(text[last:])
    return "".join(out).encode("utf-8", "surrogateescape")


@KERNELS.register("StaticRegexReplace")
def static_regex_replace(x, *, pattern, rewrite, replace_global=True):
    """StaticRegexReplace: replace the first (or every) match of an RE2 pattern."""
    regex = _re2(pattern)
    repl = _rewrite(rewrite, regex.groups)
    return _map(lambda s: _replace(s, regex, repl, replace_global), x)


@KERNELS.register("RegexReplace")
def regex_replace(x, pattern, rewrite, *, replace_global=True):
    """RegexReplace: StaticRegexReplace with scalar pattern and rewrite inputs."""
    p, r = np.asarray(pattern).reshape(-1)[0], np.asarray(rewrite).reshape(-1)[0]
    return static_regex_replace(x, pattern=p, rewrite=r, replace_global=replace_global)


@KERNELS.register("StaticRegexFullMatch")
def static_regex_full_match(x, *, pattern):
    """StaticRegexFullMatch: whether each whole string matches the RE2 pattern."""
    regex = _re2(pattern)
    return _map(lambda s: regex.fullmatch(s.decode("utf-8", "surrogateescape")) is not None,
                x, np.bool_)  # fmt: skip


@KERNELS.register("RegexFullMatch")
def regex_full_match(x, pattern):
    """RegexFullMatch: StaticRegexFullMatch with a scalar pattern input."""
    return static_regex_full_match(x, pattern=np.asarray(pattern).reshape(-1)[0])
