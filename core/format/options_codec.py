"""Builtin options tables <-> ``Node.attrs``, driven by the specs in :mod:`.options_spec`.

Reading never fails because of options siglite does not know: an op without a spec, or a
union type that matches no spec, simply gets no attributes. Enum values become their names
(an unknown enum value stays an int), vectors become tuples.
"""

from __future__ import annotations

import struct
from functools import lru_cache
from typing import Any

import flatbuffers

from ..errors import InvalidModelError
from .flatbuf import SCALARS, Table

# Union slots of the Operator table: union number -> (type field id, value field id).
UNION_FIELDS = {1: (3, 4), 2: (11, 12)}

_PREPEND = {
    "bool": "PrependBool",
    "int8": "PrependInt8",
    "uint8": "PrependUint8",
    "int16": "PrependInt16",
    "uint16": "PrependUint16",
    "int32": "PrependInt32",
    "uint32": "PrependUint32",
    "int64": "PrependInt64",
    "uint64": "PrependUint64",
    "float32": "PrependFloat32",
    "float64": "PrependFloat64",
}


_SPEC: Any = None


def _spec_module() -> Any:
    global _SPEC
    if _SPEC is None:
        from . import options_spec

        _SPEC = options_spec
    return _SPEC


@lru_cache(maxsize=1)
def _by_union_type() -> dict[tuple[int, int], Any]:
    """Specs by ``(union, union_type)``; ops sharing a table share its fields."""
    return {(s.union, s.union_type): s for s in _spec_module().OPTIONS.values()}


def spec_for(op: str) -> Any | None:
    """The options spec of builtin ``op``, or ``None`` when it has no options table."""
    return _spec_module().OPTIONS.get(op)


def _scalar_kind(kind: str) -> str:
    """The stored scalar kind of a field kind (enums by their underlying type)."""
    if kind.startswith("enum:"):
        return _spec_module().ENUM_TYPES[kind[5:]]
    if kind == "subgraph":
        return "int32"
    return kind


def _to_attr(kind: str, raw: Any) -> Any:
    """A stored value (or a spec default) as an attribute value."""
    if kind.startswith("enum:") and isinstance(raw, int) and not isinstance(raw, bool):
        return _spec_module().ENUMS[kind[5:]].get(raw, raw)
    if kind.startswith("vector:") and raw is not None:
        return tuple(raw)
    return raw


def _read_field(table: Table, field: Any) -> Any:
    kind = field.kind
    what = f"{table.what}.{field.attr}"
    if kind == "string":
        return table.string(field.id, what, field.default)
    if kind.startswith("vector:"):
        values = table.vector(field.id, kind[7:], what)
        if values is None:
            return _to_attr(kind, field.default)
        table.buf.charge(values.size, what)
        items = values.tolist()
        return tuple(bool(v) for v in items) if kind == "vector:bool" else tuple(items)
    raw = table.scalar(field.id, _scalar_kind(kind), None)
    if raw is None:
        return _to_attr(kind, field.default)
    return _to_attr(kind, raw)


def defaults(spec: Any) -> dict[str, Any]:
    """The attribute values of an options table with every field absent."""
    return {f.attr: _to_attr(f.kind, f.default) for f in spec.fields}


def decode_options(
    op: str, union: int, utype: int, table: Table | None, what: str = "operator"
) -> dict[str, Any]:
    """Attributes from one options union of an operator (``{}`` when the op takes none).

    A table of another op's type is refused: its fields would be read as the wrong options.
    """
    spec = spec_for(op)
    if spec is None or spec.union != union:
        return {}  # the op has no options in this union; nothing in a stray table applies
    if utype == 0 or table is None:
        return defaults(spec)
    if spec.union_type != utype:
        found = _by_union_type().get((union, utype))
        name = found.table if found is not None else f"union type {utype}"
        raise InvalidModelError(f"{what}: {op} takes {spec.table}, but its options are {name}")
    return {f.attr: _read_field(table, f) for f in spec.fields}


def _enum_value(kind: str, value: Any, where: str) -> int:
    if isinstance(value, str):
        names = {v: k for k, v in _spec_module().ENUMS[kind[5:]].items()}
        if value.upper() not in names:
            raise InvalidModelError(
                f"{where}: {value!r} is not a {kind[5:]} value; expected one of {sorted(names)}"
            )
        return names[value.upper()]
    return int(value)


def _prepare_offsets(builder: flatbuffers.Builder, spec: Any, attrs: dict, where: str) -> dict:
    """Strings and vectors must be built before the table starts."""
    offsets: dict[str, int] = {}
    for f in spec.fields:
        value = attrs.get(f.attr, _to_attr(f.kind, f.default))
        if f.kind == "string" and value is not None:
            offsets[f.attr] = builder.CreateString(str(value))
        elif f.kind.startswith("vector:") and value is not None:
            fmt = SCALARS[f.kind[7:]]
            cast = float if f.kind.startswith("vector:float") else int
            try:
                items = [cast(v) for v in value]
            except (TypeError, ValueError) as e:
                raise InvalidModelError(
                    f"{where}: attribute {f.attr}={value!r} is not a sequence of {f.kind[7:]}"
                ) from e
            builder.StartVector(fmt.size, len(items), fmt.size)
            for v in reversed(items):
                getattr(builder, _PREPEND[f.kind[7:]])(v)
            offsets[f.attr] = builder.EndVector()
    return offsets


def check_attrs(op: str, attrs: dict, where: str) -> None:
    """Refuse attributes a builtin op has no option field for (they would be lost silently)."""
    spec = spec_for(op)
    known = {f.attr for f in spec.fields} if spec is not None else set()
    unknown = sorted(set(attrs) - known)
    if unknown:
        allowed = ", ".join(sorted(known)) or "none"
        raise InvalidModelError(
            f"{where}: {op} has no attribute {', '.join(unknown)} (its attributes: {allowed})"
        )


def encode_options(builder: flatbuffers.Builder, op: str, attrs: dict, where: str) -> Any:
    """Build ``op``'s options table; returns ``(union, union_type, offset)`` or ``None``."""
    check_attrs(op, attrs, where)
    spec = spec_for(op)
    if spec is None:
        return None
    offsets = _prepare_offsets(builder, spec, attrs, where)
    builder.StartObject(max((f.id for f in spec.fields), default=-1) + 1)
    for f in spec.fields:
        if f.attr in offsets:
            builder.PrependUOffsetTRelativeSlot(f.id, offsets[f.attr], 0)
            continue
        if f.kind == "string" or f.kind.startswith("vector:"):
            continue
        value = attrs.get(f.attr, _to_attr(f.kind, f.default))
        if value is None:
            continue
        if f.kind.startswith("enum:"):
            value = _enum_value(f.kind, value, f"{where}, attribute {f.attr}")
        kind = _scalar_kind(f.kind)
        try:
            value = float(value) if kind.startswith("float") else int(value)
            SCALARS[kind].pack(value)
        except (TypeError, ValueError, struct.error) as e:
            raise InvalidModelError(
                f"{where}: attribute {f.attr}={value!r} does not fit {kind}"
            ) from e
        # Written even when equal to the default, so readers with other defaults agree.
        getattr(builder, _PREPEND[kind])(value)
        builder.Slot(f.id)
    return spec.union, spec.union_type, builder.EndObject()
