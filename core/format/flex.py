"""Custom options of Select-TF ("Flex") ops.

A Flex op is a custom op with code ``"Flex" + <TF op name>`` whose custom options are a
flexbuffer vector of two STRING-typed elements: the op name and a serialized TF ``NodeDef``. The
NodeDef bytes are not UTF-8, so the vector is parsed here directly (with bounds checks) rather
than through a generic flexbuffer decoder.
"""

from __future__ import annotations

from typing import Any

from flatbuffers import flexbuffers

from ..errors import InvalidModelError
from .nodedef import NodeDef, decode_nodedef, encode_nodedef

# flexbuffers type codes (flexbuffers.h): a packed type byte is (type << 2) | bit width.
_STRING, _KEY, _VECTOR, _BLOB = 5, 4, 10, 25


def decode_flex_options(custom_options: bytes) -> tuple[str, dict[str, Any]]:
    """The TF op name and attributes stored in a Flex op's custom options."""
    op_name, node = decode_flex_nodedef(custom_options)
    return op_name, node.attrs


def decode_flex_nodedef(custom_options: bytes) -> tuple[str, NodeDef]:
    """Like :func:`decode_flex_options`, with the whole parsed :class:`NodeDef`."""
    items = _read_string_vector(bytes(custom_options))
    if len(items) < 2:
        raise InvalidModelError(
            f"Flex custom options hold {len(items)} elements; expected [op name, NodeDef]"
        )
    try:
        op_name = items[0].decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidModelError("Flex custom options: the op name is not UTF-8") from None
    node = decode_nodedef(items[1])
    if node.op and node.op != op_name:
        raise InvalidModelError(
            f"Flex custom options name op {op_name!r} but its NodeDef is for {node.op!r}"
        )
    return op_name, node


def encode_flex_options(
    op_name: str, attrs: dict[str, Any], num_inputs: int, *, nodedef_extra: bytes = b""
) -> bytes:
    """Custom options for Flex op ``op_name``: its NodeDef has ``op``, ``attrs`` and one empty
    input per op input and no name, as TF's converter writes it. ``nodedef_extra`` appends
    serialized NodeDef fields siglite does not model (e.g. from :attr:`NodeDef.unknown`)."""
    node = NodeDef(op=op_name, attrs=dict(attrs), inputs=[""] * num_inputs, unknown=nodedef_extra)
    return encode_flex_nodedef(op_name, node)


def encode_flex_nodedef(op_name: str, node: NodeDef) -> bytes:
    """Custom options holding ``[op_name, serialized node]``."""
    b = flexbuffers.Builder()
    with b.Vector():
        # Both elements are typed STRING (with a trailing zero), as TF writes them; the
        # builder's public String() would insist on UTF-8 text.
        b._WriteBlob(op_name.encode("utf-8"), append_zero=True, type_=flexbuffers.Type.STRING)
        b._WriteBlob(encode_nodedef(node), append_zero=True, type_=flexbuffers.Type.STRING)
    return bytes(b.Finish())


def _read_uint(buf: bytes, pos: int, width: int) -> int:
    if pos < 0 or pos + width > len(buf):
        raise InvalidModelError("Flex custom options: an offset points outside the buffer")
    return int.from_bytes(buf[pos : pos + width], "little")


def _read_string_vector(buf: bytes) -> list[bytes]:
    """The elements of a flexbuffer root vector whose elements are strings or blobs."""
    if len(buf) < 3:
        raise InvalidModelError("Flex custom options are too short to be a flexbuffer")
    root_width = buf[-1]
    root_type = buf[-2]
    if root_width not in (1, 2, 4, 8) or root_type >> 2 != _VECTOR:
        raise InvalidModelError("Flex custom options are not a flexbuffer vector")
    root_pos = len(buf) - 2 - root_width
    vec = root_pos - _read_uint(buf, root_pos, root_width)
    width = 1 << (root_type & 3)
    count = _read_uint(buf, vec - width, width)
    if vec + count * (width + 1) > root_pos:
        raise InvalidModelError(f"Flex custom options: vector of {count} elements overflows")
    items = []
    for i in range(count):
        packed = buf[vec + count * width + i]
        if packed >> 2 not in (_STRING, _BLOB, _KEY):
            raise InvalidModelError(f"Flex custom options: element {i} is not a string")
        elem = vec + i * width
        start = elem - _read_uint(buf, elem, width)
        if packed >> 2 == _KEY:  # zero-terminated, no size prefix
            end = buf.find(b"\0", start)
            if start < 0 or end < 0:
                raise InvalidModelError(f"Flex custom options: element {i} is unterminated")
            items.append(buf[start:end])
            continue
        size_width = 1 << (packed & 3)
        size = _read_uint(buf, start - size_width, size_width)
        if start + size > len(buf):
            raise InvalidModelError(f"Flex custom options: element {i} overflows the buffer")
        items.append(buf[start : start + size])
    return items
