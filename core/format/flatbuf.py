"""A validating, read-only view of a flatbuffer: tables, scalars, strings, vectors, unions.

Every offset, length and index is checked against the buffer before it is used, so malformed
input raises :class:`InvalidModelError` instead of ``IndexError`` / ``struct.error`` or a
huge allocation. Scalar vectors come back as zero-copy numpy views of the underlying buffer
(bytes, memoryview or mmap), which keep that buffer alive.

Shared offsets let a small file describe a huge object graph (a thousand tables pointing at one
long vector). A work budget proportional to the file size bounds what the reader materializes
as Python objects or copies, so such files fail fast instead of hanging.
"""

from __future__ import annotations

import struct
from typing import Any

import numpy as np

from ..errors import InvalidModelError

_U16 = struct.Struct("<H")
_I32 = struct.Struct("<i")
_U32 = struct.Struct("<I")

# Scalar kinds as they appear in schema descriptions -> their little-endian struct.
SCALARS: dict[str, struct.Struct] = {
    "bool": struct.Struct("<B"),
    "int8": struct.Struct("<b"),
    "uint8": struct.Struct("<B"),
    "int16": struct.Struct("<h"),
    "uint16": struct.Struct("<H"),
    "int32": struct.Struct("<i"),
    "uint32": struct.Struct("<I"),
    "int64": struct.Struct("<q"),
    "uint64": struct.Struct("<Q"),
    "float32": struct.Struct("<f"),
    "float64": struct.Struct("<d"),
}

# Little-endian numpy dtypes for scalar vectors (bools read as uint8).
VECTOR_DTYPES: dict[str, np.dtype] = {k: np.dtype(s.format) for k, s in SCALARS.items()}


def fail(what: str, problem: str) -> InvalidModelError:
    """The error for a malformed part ``what`` of the file."""
    return InvalidModelError(f"invalid model file: {what}: {problem}")


class Buffer:
    """The raw bytes of a flatbuffer with bounds-checked primitive reads and a work budget."""

    def __init__(self, data: Any) -> None:
        try:
            self.view = memoryview(data).cast("B")
        except TypeError as e:
            raise InvalidModelError(f"invalid model file: cannot read {type(data).__name__}") from e
        self.owner = data
        self.size = len(self.view)
        self.u8 = np.frombuffer(self.view, dtype=np.uint8) if self.size else np.empty(0, np.uint8)
        self.budget = 4 * self.size + 65536

    def check(self, pos: int, length: int, what: str) -> None:
        """Raise unless ``[pos, pos + length)`` lies inside the buffer."""
        if pos < 0 or length < 0 or pos + length > self.size:
            raise fail(
                what, f"{length} bytes at offset {pos} lie outside the {self.size}-byte file"
            )

    def charge(self, amount: int, what: str) -> None:
        """Spend work budget on materializing ``amount`` items; fail once it runs out."""
        self.budget -= amount
        if self.budget < 0:
            raise fail(what, "the structure is larger than the file could hold (shared offsets?)")

    def u16(self, pos: int, what: str) -> int:
        """A little-endian uint16 at ``pos``."""
        self.check(pos, 2, what)
        return _U16.unpack_from(self.view, pos)[0]

    def i32(self, pos: int, what: str) -> int:
        """A little-endian int32 at ``pos``."""
        self.check(pos, 4, what)
        return _I32.unpack_from(self.view, pos)[0]

    def u32(self, pos: int, what: str) -> int:
        """A little-endian uint32 at ``pos``."""
        self.check(pos, 4, what)
        return _U32.unpack_from(self.view, pos)[0]

    def vector_at(self, pos: int, elem_size: int, what: str) -> tuple[int, int]:
        """``(start, count)`` of the vector whose length prefix is at ``pos``."""
        count = self.u32(pos, what)
        self.check(pos + 4, count * elem_size, what)
        return pos + 4, count

    def array(self, start: int, count: int, dtype: np.dtype) -> np.ndarray:
        """A zero-copy view of ``count`` elements at ``start`` (bounds already checked)."""
        return np.frombuffer(self.view, dtype=dtype, count=count, offset=start)

    def region(self, start: int, length: int, what: str) -> np.ndarray:
        """A zero-copy uint8 view of ``length`` bytes at ``start``."""
        self.check(start, length, what)
        return self.u8[start : start + length]

    def root(self, identifier: bytes, what: str) -> Table:
        """The root table, after checking the 4-byte file identifier."""
        if self.size < 8:
            raise fail(what, f"{self.size} bytes is too short for a flatbuffer")
        found = bytes(self.view[4:8])
        if found != identifier:
            raise fail(what, f"file identifier is {found!r}, expected {identifier!r}")
        return Table(self, self.u32(0, what), what)


class Table:
    """One flatbuffer table; field accessors take the schema field id."""

    __slots__ = ("buf", "pos", "vt", "vtlen", "objsize", "what")

    def __init__(self, buf: Buffer, pos: int, what: str) -> None:
        buf.charge(1, what)
        self.buf, self.pos, self.what = buf, pos, what
        self.vt = pos - buf.i32(pos, what)
        self.vtlen = buf.u16(self.vt, f"{what} vtable")
        self.objsize = buf.u16(self.vt + 2, f"{what} vtable")
        if self.vtlen < 4 or self.vtlen % 2:
            raise fail(what, f"vtable size {self.vtlen} is not an even number >= 4")
        if self.objsize < 4:
            raise fail(what, f"table size {self.objsize} is smaller than its header")
        buf.check(self.vt, self.vtlen, f"{what} vtable")
        buf.check(pos, self.objsize, what)

    def field(self, fid: int, size: int) -> int:
        """Absolute position of field ``fid`` (``size`` bytes inline), or 0 when absent."""
        slot = 4 + 2 * fid
        if slot + 2 > self.vtlen:
            return 0
        off = _U16.unpack_from(self.buf.view, self.vt + slot)[0]
        if off == 0:
            return 0
        if off < 4 or off + size > self.objsize:
            raise fail(
                self.what, f"field {fid} at {off} lies outside the {self.objsize}-byte table"
            )
        return self.pos + off

    def has(self, fid: int) -> bool:
        """Whether field ``fid`` is present."""
        return self.field(fid, 0) != 0

    def scalar(self, fid: int, kind: str, default: Any = 0) -> Any:
        """A scalar field (``kind`` as in :data:`SCALARS`), or ``default`` when absent."""
        fmt = SCALARS[kind]
        pos = self.field(fid, fmt.size)
        if not pos:
            return default
        value = fmt.unpack_from(self.buf.view, pos)[0]
        return bool(value) if kind == "bool" else value

    def _ref(self, fid: int, what: str) -> int:
        """Target of the offset field ``fid``, or 0 when absent."""
        pos = self.field(fid, 4)
        if not pos:
            return 0
        target = pos + _U32.unpack_from(self.buf.view, pos)[0]
        self.buf.check(target, 4, what)
        return target

    def table(self, fid: int, what: str) -> Table | None:
        target = self._ref(fid, what)
        return Table(self.buf, target, what) if target else None

    def string(self, fid: int, what: str, default: str | None = None) -> str | None:
        """A string field decoded as UTF-8 (invalid bytes replaced, as names are informative)."""
        raw = self.raw_bytes(fid, what)
        return default if raw is None else raw.decode("utf-8", errors="replace")

    def raw_bytes(self, fid: int, what: str) -> bytes | None:
        """A string or ubyte vector field as a ``bytes`` copy."""
        target = self._ref(fid, what)
        if not target:
            return None
        start, count = self.buf.vector_at(target, 1, what)
        self.buf.charge(count // 16, what)
        return bytes(self.buf.view[start : start + count])

    def vector_region(self, fid: int, elem_size: int, what: str) -> tuple[int, int] | None:
        """``(start, count)`` of a vector field, or ``None`` when absent."""
        target = self._ref(fid, what)
        return self.buf.vector_at(target, elem_size, what) if target else None

    def vector(self, fid: int, kind: str, what: str) -> np.ndarray | None:
        """A scalar vector field as a zero-copy numpy view, or ``None`` when absent."""
        dtype = VECTOR_DTYPES[kind]
        region = self.vector_region(fid, dtype.itemsize, what)
        if region is None:
            return None
        return self.buf.array(region[0], region[1], dtype)

    def int_list(self, fid: int, kind: str, what: str) -> list[int] | None:
        """A scalar integer vector as Python ints (charged against the work budget)."""
        fmt = SCALARS[kind]
        region = self.vector_region(fid, fmt.size, what)
        if region is None:
            return None
        start, count = region
        self.buf.charge(count, what)
        # struct is faster than numpy for the short vectors (shapes, operator inputs) read here.
        return list(struct.unpack_from(f"<{count}{fmt.format[-1]}", self.buf.view, start))

    def tables(self, fid: int, what: str) -> list[Table]:
        """A vector of tables (empty when absent); element ``i`` is described as ``what[i]``."""
        region = self.vector_region(fid, 4, what)
        if region is None:
            return []
        start, count = region
        self.buf.charge(count, what)
        offs = self.buf.array(start, count, VECTOR_DTYPES["uint32"]).tolist()
        return [Table(self.buf, start + 4 * i + off, f"{what}[{i}]") for i, off in enumerate(offs)]

    def union(self, type_fid: int, value_fid: int, what: str) -> tuple[int, Table | None]:
        """``(type, table)`` of a union stored as a type field and a value field."""
        utype = self.scalar(type_fid, "uint8", 0)
        if utype == 0:
            return 0, None
        return utype, self.table(value_fid, what)
