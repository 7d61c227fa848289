"""TFLite flatbuffer -> :class:`~siglite.ir.Model`.

Constant data are zero-copy numpy views of the file bytes (of the memory map when reading a
path), so loading a large model costs little memory and time. Every index is checked; a
malformed file raises :class:`InvalidModelError` naming the part that is wrong.
"""

from __future__ import annotations

import mmap
import os
from typing import Any

import numpy as np

from ..dtypes import DType, from_code
from ..errors import DTypeError, InvalidModelError
from ..ir import Model, Node, QuantParams, Signature, Subgraph, Tensor
from ..ops.builtin_codes import BUILTIN_CODES, BUILTIN_NAMES
from .flatbuf import Buffer, Table, fail
from .options_codec import UNION_FIELDS, decode_options

IDENTIFIER = b"TFL3"
CUSTOM_CODE = BUILTIN_CODES["CUSTOM"]
MAX_RANK = 64  # far above any real model; bounds the work a corrupt shape can cause


def read_model(source: str | os.PathLike | bytes | bytearray | memoryview | Any) -> Model:
    """Read a ``.tflite`` model from a path, bytes or any buffer (an mmap, a memoryview).

    A path is memory-mapped read-only; constant tensors view the mapping, which stays open
    as long as an array refers to it.
    """
    if isinstance(source, (str, os.PathLike)):
        source = _map_file(source)
    buf = Buffer(source)
    return _ModelReader(buf).read()


def _map_file(path: str | os.PathLike) -> Any:
    try:
        with open(path, "rb") as f:
            if os.fstat(f.fileno()).st_size == 0:
                return b""
            return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
    except OSError as e:
        raise InvalidModelError(f"cannot read model file {os.fspath(path)!r}: {e}") from e


class _ModelReader:
    """Reads one model; holds the buffer table and operator codes shared by subgraphs."""

    def __init__(self, buf: Buffer) -> None:
        self.buf = buf
        self.root = buf.root(IDENTIFIER, "model")
        self.buffers: list[Table] = []
        self.opcodes: list[tuple[str, int, str | None]] = []

    def read(self) -> Model:
        root = self.root
        self.buffers = root.tables(4, "buffers")
        self.opcodes = [self._opcode(t) for t in root.tables(1, "operator_codes")]
        subgraphs = [self._subgraph(t, i) for i, t in enumerate(root.tables(2, "subgraphs"))]
        model = Model(
            subgraphs=subgraphs,
            description=root.string(3, "model description", "") or "",
            version=root.scalar(0, "uint32", 0),
        )
        for t in root.tables(6, "metadata"):
            name = t.string(0, f"{t.what}.name", "") or ""
            model.metadata[name] = self._buffer_bytes(t.scalar(1, "uint32", 0), t.what)
        for t in root.tables(7, "signature_defs"):
            sig = self._signature(t, subgraphs)
            model.signatures.setdefault(sig.key, sig)  # a duplicate key: the first one wins
        return model

    # -- operator codes, buffers ------------------------------------------------------------

    def _opcode(self, t: Table) -> tuple[str, int, str | None]:
        code = max(t.scalar(3, "int32", 0), t.scalar(0, "int8", 0))
        version = t.scalar(2, "int32", 1)
        custom = t.string(1, f"{t.what}.custom_code")
        if code == CUSTOM_CODE:
            if custom is None:
                raise fail(t.what, "a CUSTOM operator code has no custom_code")
            return custom, version, custom
        if code < 0:
            raise fail(t.what, f"builtin code {code} is negative")
        return BUILTIN_NAMES.get(code, f"UNKNOWN_{code}"), version, None

    def _buffer_region(self, index: int, what: str) -> tuple[int, int] | None:
        """``(start, length)`` of buffer ``index``'s bytes, or ``None`` when it has none."""
        if index >= len(self.buffers):
            raise fail(what, f"buffer index {index} out of range ({len(self.buffers)} buffers)")
        b = self.buffers[index]
        offset, size = b.scalar(1, "uint64", 0), b.scalar(2, "uint64", 0)
        if offset > 1:  # data stored after the flatbuffer (models over 2 GB)
            self.buf.check(offset, size, f"{b.what} (offset/size)")
            return offset, size
        return b.vector_region(0, 1, f"{b.what}.data")

    def _buffer_bytes(self, index: int, what: str) -> bytes:
        region = self._buffer_region(index, what)
        if region is None:
            return b""
        self.buf.charge(region[1] // 16, what)
        return bytes(self.buf.view[region[0] : region[0] + region[1]])

    # -- subgraphs ----------------------------------------------------------------------------

    def _subgraph(self, t: Table, index: int) -> Subgraph:
        sg = Subgraph(name=t.string(4, f"subgraph {index} name", "") or "")
        where = f"subgraph {index}"
        sg.tensors = [
            self._tensor(tt, f"{where} tensor {i}")
            for i, tt in enumerate(t.tables(0, f"{where} tensors"))
        ]
        sg.inputs = self._tensor_refs(t.int_list(1, "int32", where), sg, f"{where} inputs", False)
        sg.outputs = self._tensor_refs(t.int_list(2, "int32", where), sg, f"{where} outputs", False)
        sg.nodes = [
            self._operator(ot, sg, f"{where} operator {i}")
            for i, ot in enumerate(t.tables(3, f"{where} operators"))
        ]
        _fill_empty_constants(sg)
        return sg

    @staticmethod
    def _tensor_refs(
        indices: list[int] | None, sg: Subgraph, what: str, optional: bool
    ) -> list[Any]:
        refs: list[Any] = []
        for i in indices or []:
            if optional and i == -1:
                refs.append(None)
            elif 0 <= i < len(sg.tensors):
                refs.append(sg.tensors[i])
            else:
                raise fail(what, f"tensor index {i} out of range ({len(sg.tensors)} tensors)")
        return refs

    # -- tensors ------------------------------------------------------------------------------

    def _tensor(self, t: Table, what: str) -> Tensor:
        shape = t.int_list(0, "int32", f"{what}.shape") or []
        sig = t.int_list(7, "int32", f"{what}.shape_signature")
        if len(shape) > MAX_RANK or (sig is not None and len(sig) > MAX_RANK):
            raise fail(what, f"rank above {MAX_RANK}")
        try:
            dtype = from_code(t.scalar(1, "int8", 0))
        except DTypeError as e:
            raise fail(what, str(e)) from None
        name = t.string(3, f"{what}.name", "") or ""
        sparsity = self._sparsity(t.table(6, f"{what}.sparsity"))
        tensor = Tensor(
            name,
            dtype,
            tuple(shape),
            tuple(sig) if sig is not None else None,
            quantization=self._quantization(t.table(4, f"{what}.quantization")),
            is_variable=t.scalar(5, "bool", False),
            sparsity=sparsity,
            has_rank=t.scalar(8, "bool", False),
        )
        region = self._buffer_region(t.scalar(2, "uint32", 0), what)
        # An empty buffer means "no data", as in LiteRT (buffer 0 is the empty sentinel).
        if region is not None and region[1] > 0:
            tensor.data = self._tensor_data(region, dtype, tensor, f"{what} ({name!r})")
        return tensor

    def _tensor_data(
        self, region: tuple[int, int], dtype: DType, tensor: Tensor, what: str
    ) -> np.ndarray:
        start, length = region
        if dtype.name == "string":
            from .strings import decode_strings

            self.buf.charge(length // 8, what)
            try:
                return decode_strings(self.buf.view[start : start + length], tensor.shape)
            except InvalidModelError as e:
                raise fail(what, str(e)) from None
        if dtype.itemsize == 0 or dtype._numpy is None or dtype.numpy.kind == "O":
            return self.buf.region(start, length, what)  # no numpy equivalent: raw bytes
        item = dtype.numpy.newbyteorder("<")
        if tensor.sparsity is not None:  # compressed values; the shape is the dense one
            return self.buf.array(start, length // item.itemsize, item)
        count = 1
        for d in tensor.shape:
            count *= d
        if any(d < 0 for d in tensor.shape) or count * item.itemsize != length:
            raise fail(
                what,
                f"buffer holds {length} bytes, shape {list(tensor.shape)} needs "
                f"{count * item.itemsize if count >= 0 else 'a known size'}",
            )
        return self.buf.array(start, count, item).reshape(tensor.shape)

    def _quantization(self, q: Table | None) -> QuantParams | None:
        if q is None:
            return None
        scales = q.vector(2, "float32", f"{q.what}.scale")
        zps = q.vector(3, "int64", f"{q.what}.zero_point")
        lo = q.vector(0, "float32", f"{q.what}.min")
        hi = q.vector(1, "float32", f"{q.what}.max")
        if all(v is None or v.size == 0 for v in (scales, zps, lo, hi)):
            return None
        scales = scales if scales is not None else np.zeros(0, np.float32)
        zps = zps if zps is not None else np.zeros(scales.size, np.int64)
        if zps.size not in (scales.size, 0) and scales.size:
            raise fail(q.what, f"{scales.size} scales but {zps.size} zero points")
        return QuantParams(scales, zps, q.scalar(6, "int32", 0), lo, hi)

    def _sparsity(self, s: Table | None) -> dict[str, Any] | None:
        """Sparsity kept as plain data so that the writer can put it back unchanged."""
        if s is None:
            return None
        dims = []
        for d in s.tables(2, f"{s.what}.dim_metadata"):
            dims.append(
                {
                    "format": d.scalar(0, "int8", 0),
                    "dense_size": d.scalar(1, "int32", 0),
                    "array_segments": self._index_vector(d, 2, 3),
                    "array_indices": self._index_vector(d, 4, 5),
                }
            )
        return {
            "traversal_order": tuple(s.int_list(0, "int32", s.what) or ()),
            "block_map": tuple(s.int_list(1, "int32", s.what) or ()),
            "dim_metadata": dims,
        }

    @staticmethod
    def _index_vector(d: Table, type_fid: int, value_fid: int) -> tuple[int, Any] | None:
        utype, table = d.union(type_fid, value_fid, f"{d.what} index vector")
        kinds = {1: "int32", 2: "uint16", 3: "uint8"}
        if table is None or utype not in kinds:
            return None
        values = table.vector(0, kinds[utype], table.what)
        return utype, (values if values is not None else np.zeros(0, np.int32))

    # -- operators ----------------------------------------------------------------------------

    def _operator(self, t: Table, sg: Subgraph, what: str) -> Node:
        index = t.scalar(0, "uint32", 0)
        if index >= len(self.opcodes):
            raise fail(what, f"opcode index {index} out of range ({len(self.opcodes)} codes)")
        op, version, custom = self.opcodes[index]
        node = Node(
            op,
            self._tensor_refs(t.int_list(1, "int32", what), sg, f"{what} inputs", True),
            self._tensor_refs(t.int_list(2, "int32", what), sg, f"{what} outputs", True),
            version=version,
            intermediates=self._tensor_refs(
                t.int_list(8, "int32", what), sg, f"{what} intermediates", False
            ),
        )
        options = self._custom_options(t, what)
        if custom is not None and custom.startswith("Flex"):
            from .flex import decode_flex_options

            try:
                node.op, node.attrs = decode_flex_options(options or b"")
            except InvalidModelError as e:
                raise fail(f"{what} ({custom})", str(e)) from None
        elif custom is not None:
            node.custom_options = options or b""
            node.attrs = decode_custom_attrs(custom, node.custom_options)
        else:
            node.custom_options = options
            for union, (type_fid, value_fid) in UNION_FIELDS.items():
                utype, table = t.union(type_fid, value_fid, f"{what} options")
                node.attrs.update(decode_options(op, union, utype, table, what))
        return node

    def _custom_options(self, t: Table, what: str) -> bytes | None:
        options = t.raw_bytes(5, f"{what}.custom_options")
        offset, size = t.scalar(9, "uint64", 0), t.scalar(10, "uint64", 0)
        if options is None and offset > 1:
            self.buf.check(offset, size, f"{what} large custom options")
            self.buf.charge(size // 16, what)
            options = bytes(self.buf.view[offset : offset + size])
        return options

    # -- signatures ---------------------------------------------------------------------------

    def _signature(self, t: Table, subgraphs: list[Subgraph]) -> Signature:
        key = t.string(2, f"{t.what}.signature_key", "") or ""
        index = t.scalar(4, "uint32", 0)
        what = f"signature {key!r}"
        if index >= len(subgraphs):
            raise fail(what, f"subgraph index {index} out of range ({len(subgraphs)} subgraphs)")
        sg = subgraphs[index]
        sig = Signature(key, sg)
        for fid, target in ((0, sig.inputs), (1, sig.outputs)):
            for m in t.tables(fid, f"{what} tensor maps"):
                name = m.string(0, f"{m.what}.name", "") or ""
                ti = m.scalar(1, "uint32", 0)
                if ti >= len(sg.tensors):
                    raise fail(what, f"{name!r} refers to tensor {ti} of {len(sg.tensors)}")
                target[name] = sg.tensors[ti]
        return sig


def _fill_empty_constants(sg: Subgraph) -> None:
    """Give zero-element tensors that nothing writes an empty value.

    Such a constant has no buffer data in the file (an empty buffer reads as "no data"), yet it
    is an ordinary empty tensor to the runtime, as in LiteRT (e.g. an empty RESHAPE shape).
    """
    written = {id(t) for n in sg.nodes for t in n.outputs if t is not None}
    written |= {id(t) for t in sg.inputs}
    for t in sg.tensors:
        if t.data is None and not t.is_variable and id(t) not in written:
            if 0 in t.shape and -1 not in t.signature_shape and t.dtype.itemsize:
                t.data = np.empty(t.shape, t.dtype.numpy)


def decode_custom_attrs(op: str, options: bytes) -> dict[str, Any]:
    """The attributes of a registered custom op, stored as a flexbuffer map (TFLite's custom-op
    convention). Other or undecodable options stay opaque in ``Node.custom_options`` only."""
    from ..ops.registry import CUSTOM, find_op

    schema = find_op(op)
    if not options or schema is None or schema.opset != CUSTOM:
        return {}
    from flatbuffers import flexbuffers

    try:
        value = flexbuffers.Loads(options)
    except Exception:  # noqa: BLE001  (opaque bytes of another convention: keep them raw)
        return {}
    return dict(value) if isinstance(value, dict) else {}
