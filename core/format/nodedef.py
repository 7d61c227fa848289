"""A small protobuf wire-format codec for TensorFlow's ``NodeDef`` and ``AttrValue``.

Select-TF ("Flex") ops carry a serialized ``NodeDef`` in their custom options. Only the parts a
Flex op needs are modelled; anything else is kept as raw bytes so that re-encoding is lossless.

Attribute values map to Python as: TF types → siglite :class:`~siglite.dtypes.DType`; shapes →
tuples (``-1`` for unknown dimensions) or ``None`` for unknown rank; ints, floats, bools as
Python values; strings as ``str`` when UTF-8, else ``bytes``; lists as Python lists. Kinds with
no mapping (tensors, functions, placeholders, unknown types) become :class:`RawAttr`.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

from .. import dtypes
from ..errors import InvalidModelError

# tensorflow/core/framework/types.proto DataType values with a siglite equivalent.
TF_DTYPES: dict[int, dtypes.DType] = {
    1: dtypes.float32, 2: dtypes.float64, 3: dtypes.int32, 4: dtypes.uint8, 5: dtypes.int16,
    6: dtypes.int8, 7: dtypes.string, 8: dtypes.complex64, 9: dtypes.int64, 10: dtypes.bool_,
    14: dtypes.bfloat16, 17: dtypes.uint16, 18: dtypes.complex128, 19: dtypes.float16,
    20: dtypes.resource, 21: dtypes.variant, 22: dtypes.uint32, 23: dtypes.uint64,
    24: dtypes.float8_e5m2, 25: dtypes.float8_e4m3fn, 29: dtypes.int4, 30: dtypes.uint4,
}  # fmt: skip
TF_DTYPE_CODES: dict[dtypes.DType, int] = {d: c for c, d in TF_DTYPES.items()}

_VARINT, _I64, _LEN, _I32 = 0, 1, 2, 5
# AttrValue field numbers (attr_value.proto); ListValue uses the same numbers for its lists.
_LIST, _S, _I, _F, _B, _TYPE, _SHAPE = 1, 2, 3, 4, 5, 6, 7


@dataclass(frozen=True)
class RawAttr:
    """An attribute value siglite does not interpret, kept as its serialized ``AttrValue``."""

    data: bytes


@dataclass
class NodeDef:
    """The fields of a TF ``NodeDef``; ``unknown`` holds unmodelled fields verbatim."""

    op: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)
    inputs: list[str] = field(default_factory=list)
    name: str = ""
    device: str = ""
    unknown: bytes = b""


# ---------------------------------------------------------------- wire-format primitives


def _read_varint(buf: bytes, pos: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= len(buf) or shift > 63:
            raise InvalidModelError("NodeDef: truncated or overlong varint")
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return result & 0xFFFFFFFFFFFFFFFF, pos


def _fields(buf: bytes):
    """Yield ``(field number, wire type, value, raw bytes of the whole field)``."""
    pos = 0
    while pos < len(buf):
        start = pos
        tag, pos = _read_varint(buf, pos)
        number, wire = tag >> 3, tag & 7
        if wire == _VARINT:
            value, pos = _read_varint(buf, pos)
        elif wire in (_I64, _I32):
            size = 8 if wire == _I64 else 4
            value, pos = buf[pos : pos + size], pos + size
        elif wire == _LEN:
            size, pos = _read_varint(buf, pos)
            value, pos = buf[pos : pos + size], pos + size
        else:
            raise InvalidModelError(f"NodeDef: unsupported protobuf wire type {wire}")
        if pos > len(buf) or number == 0:
            raise InvalidModelError("NodeDef: field runs past the end of its message")
        yield number, wire, value, buf[start:pos]


def _signed(value: int) -> int:
    return value - (1 << 64) if value >= 1 << 63 else value


def _varint(value: int) -> bytes:
    value &= 0xFFFFFFFFFFFFFFFF
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _tag(number: int, wire: int) -> bytes:
    return _varint(number << 3 | wire)


def _len_field(number: int, payload: bytes) -> bytes:
    return _tag(number, _LEN) + _varint(len(payload)) + payload


def _text(value: bytes) -> str | bytes:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value


def _utf8(value: bytes, what: str) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidModelError(f"NodeDef: {what} is not valid UTF-8") from None


# ---------------------------------------------------------------- shapes and types


def _decode_shape(buf: bytes) -> tuple[int, ...] | None:
    dims: list[int] = []
    for number, wire, value, _ in _fields(buf):
        if number == 3 and wire == _VARINT and value:
            return None
        if number == 2 and wire == _LEN:
            size = 0
            for n, w, v, _ in _fields(value):
                if n == 1 and w == _VARINT:
                    size = _signed(v)
            dims.append(size)
    return tuple(dims)


def _encode_shape(shape: tuple[int, ...] | None) -> bytes:
    if shape is None:
        return _tag(3, _VARINT) + b"\x01"
    out = b""
    for d in shape:
        dim = _tag(1, _VARINT) + _varint(int(d)) if int(d) != 0 else b""
        out += _len_field(2, dim)
    return out


def _decode_type(code: int) -> dtypes.DType | None:
    return TF_DTYPES.get(code)


def _encode_type(value: Any) -> int:
    dt = dtypes.as_dtype(value)
    if dt not in TF_DTYPE_CODES:
        raise InvalidModelError(f"NodeDef: tensor type {dt} has no TensorFlow DataType")
    return TF_DTYPE_CODES[dt]


# ---------------------------------------------------------------- AttrValue


def decode_attr(buf: bytes) -> Any:
    """Decode a serialized ``AttrValue`` into its Python value (see the module docstring)."""
    result: Any = RawAttr(bytes(buf))
    for number, wire, value, _ in _fields(buf):
        if number == _S and wire == _LEN:
            result = _text(value)
        elif number == _I and wire == _VARINT:
            result = _signed(value)
        elif number == _F and wire == _I32:
            result = struct.unpack("<f", value)[0]
        elif number == _B and wire == _VARINT:
            result = bool(value)
        elif number == _TYPE and wire == _VARINT and _decode_type(value) is not None:
            result = _decode_type(value)
        elif number == _SHAPE and wire == _LEN:
            result = _decode_shape(value)
        elif number == _LIST and wire == _LEN:
            result = _decode_list(value)
        else:
            return RawAttr(bytes(buf))
    return result


def _decode_list(buf: bytes) -> list[Any] | RawAttr:
    items: list[Any] = []
    for number, wire, value, _ in _fields(buf):
        if number == _S and wire == _LEN:
            items.append(_text(value))
        elif number == _SHAPE and wire == _LEN:
            items.append(_decode_shape(value))
        elif number in (_I, _B, _TYPE) and wire in (_VARINT, _LEN):
            raw = [value] if wire == _VARINT else _packed_varints(value)
            for v in raw:
                if number == _I:
                    items.append(_signed(v))
                elif number == _B:
                    items.append(bool(v))
                elif _decode_type(v) is not None:
                    items.append(_decode_type(v))
                else:
                    return RawAttr(_len_field(_LIST, bytes(buf)))
        elif number == _F and wire in (_I32, _LEN):
            if len(value) % 4:
                raise InvalidModelError("NodeDef: packed float list has a partial element")
            items.extend(struct.unpack(f"<{len(value) // 4}f", value))
        else:
            return RawAttr(_len_field(_LIST, bytes(buf)))
    return items


def _packed_varints(buf: bytes) -> list[int]:
    out, pos = [], 0
    while pos < len(buf):
        v, pos = _read_varint(buf, pos)
        out.append(v)
    return out


def encode_attr(value: Any) -> bytes:
    """Serialize a Python attribute value as an ``AttrValue``."""
    if isinstance(value, RawAttr):
        return value.data
    if isinstance(value, list):
        return _len_field(_LIST, _encode_list(value))
    if value is None or isinstance(value, tuple):
        return _len_field(_SHAPE, _encode_shape(value))
    if isinstance(value, bool):
        return _tag(_B, _VARINT) + _varint(int(value))
    if isinstance(value, int):
        return _tag(_I, _VARINT) + _varint(value)
    if isinstance(value, float):
        return _tag(_F, _I32) + struct.pack("<f", value)
    if isinstance(value, (str, bytes)):
        return _len_field(_S, value.encode("utf-8") if isinstance(value, str) else value)
    if isinstance(value, dtypes.DType):
        return _tag(_TYPE, _VARINT) + _varint(_encode_type(value))
    raise InvalidModelError(f"NodeDef: cannot encode attribute value {value!r}")


def _encode_list(items: list[Any]) -> bytes:
    if not items:
        return b""
    first = items[0]
    if all(isinstance(v, (str, bytes)) for v in items):
        return b"".join(_len_field(_S, v.encode() if isinstance(v, str) else v) for v in items)
    if all(v is None or isinstance(v, tuple) for v in items):
        return b"".join(_len_field(_SHAPE, _encode_shape(v)) for v in items)
    if all(isinstance(v, bool) for v in items):
        return _len_field(_B, b"".join(_varint(int(v)) for v in items))
    if all(isinstance(v, int) and not isinstance(v, bool) for v in items):
        return _len_field(_I, b"".join(_varint(v) for v in items))
    if all(isinstance(v, float) for v in items):
        return _len_field(_F, struct.pack(f"<{len(items)}f", *items))
    if all(isinstance(v, dtypes.DType) for v in items):
        return _len_field(_TYPE, b"".join(_varint(_encode_type(v)) for v in items))
    raise InvalidModelError(f"NodeDef: cannot encode a list attribute starting with {first!r}")


# ---------------------------------------------------------------- NodeDef


def decode_nodedef(buf: bytes) -> NodeDef:
    """Parse a serialized ``NodeDef``; raises :class:`InvalidModelError` when malformed."""
    node = NodeDef()
    unknown = bytearray()
    for number, wire, value, raw in _fields(bytes(buf)):
        if number == 1 and wire == _LEN:
            node.name = _utf8(value, "node name")
        elif number == 2 and wire == _LEN:
            node.op = _utf8(value, "op name")
        elif number == 3 and wire == _LEN:
            node.inputs.append(_utf8(value, "input name"))
        elif number == 4 and wire == _LEN:
            node.device = _utf8(value, "device")
        elif number == 5 and wire == _LEN:
            key, attr = _decode_map_entry(value)
            node.attrs[key] = attr
        else:
            unknown += raw
    node.unknown = bytes(unknown)
    return node


def _decode_map_entry(buf: bytes) -> tuple[str, Any]:
    key, attr = "", RawAttr(b"")
    for number, wire, value, _ in _fields(buf):
        if number == 1 and wire == _LEN:
            key = _utf8(value, "attribute name")
        elif number == 2 and wire == _LEN:
            attr = decode_attr(value)
    return key, attr


def encode_nodedef(node: NodeDef) -> bytes:
    """Serialize ``node`` in field-number order, as TensorFlow does."""
    out = bytearray()
    if node.name:
        out += _len_field(1, node.name.encode())
    if node.op:
        out += _len_field(2, node.op.encode())
    for name in node.inputs:
        out += _len_field(3, name.encode())
    if node.device:
        out += _len_field(4, node.device.encode())
    for key, value in node.attrs.items():
        entry = _len_field(1, key.encode()) + _len_field(2, encode_attr(value))
        out += _len_field(5, entry)
    return bytes(out + node.unknown)
