""":class:`~siglite.ir.Model` -> TFLite flatbuffer bytes that LiteRT accepts.

What the file gets, following what TensorFlow's converter emits: buffer 0 as the empty
sentinel; identical constant data stored once, 16-byte aligned; both ``builtin_code`` and
``deprecated_builtin_code``; Select-TF ops as ``Flex<Op>`` custom ops with flexbuffer options;
``SignatureDef`` tables whose tensor maps are sorted by name; ``min_runtime_version`` metadata.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from typing import Any

import flatbuffers
import numpy as np

from ..errors import InvalidModelError
from ..ir import Model, Node, Subgraph, Tensor
from ..ops import BUILTIN_CODES, CUSTOM, SELECT, find_op
from ..ops.builtin_codes import PLACEHOLDER_FOR_GREATER_OP_CODES
from .reader import CUSTOM_CODE, IDENTIFIER
from .write_tables import num_vector, operator_table, table_vector, tensor_table

SCHEMA_VERSION = 3
DEFAULT_MIN_RUNTIME = b"1.5.0"
ALIGN = 16


def write_model(model: Model, *, external_buffers: bool = False) -> bytes:
    """Serialize ``model`` to ``.tflite`` bytes.

    ``external_buffers=True`` stores constant data after the flatbuffer, referenced through
    ``Buffer.offset``/``size`` (the layout TFLite uses for models over 2 GB).
    """
    return b"".join(bytes(c) for c in _ModelWriter(model, external_buffers).chunks())


def save_model(model: Model, path: str | os.PathLike, *, external_buffers: bool = False) -> None:
    """Write ``model`` to a ``.tflite`` file without an extra in-memory copy of the bytes.

    The file is written beside ``path`` and then renamed over it, so saving a model over the
    file it was memory-mapped from is safe (the mapping keeps the old contents).
    """
    chunks = _ModelWriter(model, external_buffers).chunks()
    tmp = f"{os.fspath(path)}.{os.getpid()}.tmp"
    try:
        with open(tmp, "wb") as f:
            for chunk in chunks:
                f.write(chunk)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _le_bytes(data: np.ndarray) -> np.ndarray:
    """The little-endian bytes of ``data`` as a flat uint8 array (no copy when possible)."""
    arr = np.ascontiguousarray(data)
    if arr.dtype.byteorder == ">":
        arr = arr.astype(arr.dtype.newbyteorder("<"))
    return arr.reshape(-1).view(np.uint8)


def _tensor_bytes(t: Tensor, where: str) -> np.ndarray:
    data = t.data
    if t.dtype.name == "string":
        from .strings import encode_strings

        return np.frombuffer(encode_strings(np.asarray(data, dtype=object)), np.uint8)
    if t.dtype._numpy is None or t.dtype.numpy.kind == "O":
        return _le_bytes(np.asarray(data, dtype=np.uint8))
    try:
        arr = np.asarray(data, dtype=t.dtype.numpy)
    except (TypeError, ValueError) as e:
        raise InvalidModelError(f"{where}: data cannot be stored as {t.dtype.name}: {e}") from e
    if t.sparsity is None and arr.size != int(np.prod(t.shape, dtype=np.int64)):
        raise InvalidModelError(
            f"{where}: data has {arr.size} elements but shape {list(t.shape)} needs "
            f"{int(np.prod(t.shape, dtype=np.int64))}"
        )
    return _le_bytes(arr)


class _Buffers:
    """Buffer table contents: index 0 empty, constants de-duplicated by content."""

    def __init__(self) -> None:
        self.data: list[np.ndarray | None] = [None]
        self._by_key: dict[tuple[int, bytes], list[int]] = {}

    def add(self, data: np.ndarray, dedup: bool = True) -> int:
        key = (data.size, hashlib.blake2b(memoryview(data), digest_size=16).digest())
        if dedup:
            for i in self._by_key.get(key, []):
                if np.array_equal(self.data[i], data):
                    return i
        self.data.append(data)
        self._by_key.setdefault(key, []).append(len(self.data) - 1)
        return len(self.data) - 1

    @property
    def total_bytes(self) -> int:
        return sum(d.size + ALIGN for d in self.data if d is not None)


def _tensor_order(sg: Subgraph, extra: Iterable[Tensor]) -> list[Tensor]:
    """The subgraph's tensors, then any referenced tensor missing from its list."""
    order: dict[int, Tensor] = {id(t): t for t in sg.tensors}
    refs: list[Any] = [*sg.inputs, *sg.outputs, *extra]
    for n in sg.nodes:
        refs += [*n.inputs, *n.outputs, *n.intermediates]
    for t in refs:
        if t is not None and id(t) not in order:
            order[id(t)] = t
    return list(order.values())


def _op_code(node: Node) -> tuple[int, str | None, bool]:
    """``(builtin code, custom code, is_flex)`` of a node."""
    op = node.op
    if op in BUILTIN_CODES and op != "CUSTOM":
        return BUILTIN_CODES[op], None, False
    if op.startswith("UNKNOWN_") and op[8:].isdigit():
        return int(op[8:]), None, False
    schema = find_op(op)
    if schema is not None and schema.opset == SELECT:
        return CUSTOM_CODE, "Flex" + op, True
    if (schema is not None and schema.opset == CUSTOM) or node.custom_options is not None:
        return CUSTOM_CODE, op, False
    # An unregistered op without raw options is a Select-TF op read from a Flex node.
    return CUSTOM_CODE, "Flex" + op, True


class _ModelWriter:
    """Collects indices and buffers, then builds the flatbuffer bottom-up."""

    def __init__(self, model: Model, external: bool) -> None:
        self.model = model
        self.external = external
        self.buffers = _Buffers()
        self.indices: list[dict[int, int]] = []
        self.orders: list[list[Tensor]] = []
        self.tensor_buffer: dict[int, int] = {}
        self.opcodes: dict[tuple[int, str | None, int], int] = {}
        self._collect()

    def _collect(self) -> None:
        by_sg: dict[int, list[Tensor]] = {}
        for sig in self.model.signatures.values():
            by_sg.setdefault(id(sig.subgraph), []).extend(
                [*sig.inputs.values(), *sig.outputs.values()]
            )
        for si, sg in enumerate(self.model.subgraphs):
            order = _tensor_order(sg, by_sg.get(id(sg), []))
            self.orders.append(order)
            self.indices.append({id(t): i for i, t in enumerate(order)})
            for ti, t in enumerate(order):
                if t.data is not None:
                    where = f"subgraph {si} tensor {ti} (%{t.name})"
                    data = _tensor_bytes(t, where)
                    if data.size:
                        self.tensor_buffer[id(t)] = self.buffers.add(data, not t.is_variable)
        self.metadata: list[tuple[str, int]] = []
        meta = dict(self.model.metadata)
        meta.setdefault("min_runtime_version", DEFAULT_MIN_RUNTIME.ljust(16, b"\0"))
        meta.pop("buffer_location", None)
        if self.external:
            meta["buffer_location"] = b"outside flatbuffers"
        for name, value in meta.items():
            raw = np.frombuffer(bytes(value), np.uint8)
            self.metadata.append((name, self.buffers.add(raw, dedup=False)))

    # -- top level ----------------------------------------------------------------------------

    def chunks(self) -> list[Any]:
        """The file as a list of byte chunks (flatbuffer, then external data if any)."""
        if not self.external:
            return [self._build(0)]
        probe = self._build(1 << 40)
        base = -(-len(probe) // ALIGN) * ALIGN
        head = self._build(base)
        if len(head) != len(probe):
            raise InvalidModelError("external buffer layout changed size between passes")
        out: list[Any] = [head, b"\0" * (base - len(head))]
        for data in self.buffers.data[1:]:
            out += [data, b"\0" * (-data.size % ALIGN)]
        return out

    def _build(self, external_base: int) -> memoryview:
        size = 65536 + 512 * sum(len(o) for o in self.orders)
        if not self.external:
            size += self.buffers.total_bytes
        if size > flatbuffers.Builder.MAX_BUFFER_SIZE:
            raise InvalidModelError("model data exceeds 2 GB; use external_buffers=True")
        b = flatbuffers.Builder(size)
        buffers = self._buffer_tables(b, external_base)
        subgraphs = [self._subgraph(b, i) for i in range(len(self.model.subgraphs))]
        opcodes = [self._opcode_table(b, key) for key in self.opcodes]
        sigs = [self._signature(b, key) for key in self.model.signatures]
        metadata = [self._metadata(b, name, index) for name, index in self.metadata]
        description = b.CreateString(self.model.description or "")
        vecs = [table_vector(b, v) for v in (opcodes, subgraphs, buffers, metadata, sigs)]
        b.StartObject(8)
        b.PrependUint32Slot(0, SCHEMA_VERSION, 0)
        for fid, vec in zip((1, 2, 4, 6, 7), vecs, strict=True):
            b.PrependUOffsetTRelativeSlot(fid, vec, 0)
        b.PrependUOffsetTRelativeSlot(3, description, 0)
        b.Finish(b.EndObject(), file_identifier=IDENTIFIER)
        return memoryview(b.Bytes)[b.Head() :]

    def _buffer_tables(self, b: flatbuffers.Builder, external_base: int) -> list[int]:
        tables, rel = [], 0
        for data in self.buffers.data:
            vec = None
            if data is not None and not self.external:
                b.StartVector(1, data.size, ALIGN)
                b.head -= data.size
                b.Bytes[b.head : b.head + data.size] = memoryview(data)
                vec = b.EndVector()
            b.StartObject(3)
            if vec is not None:
                b.PrependUOffsetTRelativeSlot(0, vec, 0)
            if data is not None and self.external:
                b.PrependUint64Slot(1, external_base + rel, 0)
                b.PrependUint64Slot(2, data.size, 0)
                rel += data.size + (-data.size % ALIGN)
            tables.append(b.EndObject())
        return tables

    def _metadata(self, b: flatbuffers.Builder, name: str, index: int) -> int:
        s = b.CreateString(name)
        b.StartObject(2)
        b.PrependUOffsetTRelativeSlot(0, s, 0)
        b.PrependUint32Slot(1, index, 0)
        return b.EndObject()

    def _opcode_table(self, b: flatbuffers.Builder, key: tuple[int, str | None, int]) -> int:
        code, custom, version = key
        s = b.CreateString(custom) if custom is not None else None
        b.StartObject(4)
        b.PrependInt8Slot(0, min(code, PLACEHOLDER_FOR_GREATER_OP_CODES), 0)
        if s is not None:
            b.PrependUOffsetTRelativeSlot(1, s, 0)
        b.PrependInt32Slot(2, version, 1)
        b.PrependInt32Slot(3, code, 0)
        return b.EndObject()

    def _signature(self, b: flatbuffers.Builder, key: str) -> int:
        sig = self.model.signatures[key]
        try:
            si = self.model.subgraph_index(sig.subgraph)
        except KeyError:
            raise InvalidModelError(
                f"signature {key!r}: its subgraph is not in the model"
            ) from None
        maps = [
            table_vector(b, [self._tensor_map(b, n, t, si) for n, t in sorted(side.items())])
            for side in (sig.inputs, sig.outputs)
        ]
        k = b.CreateString(key)
        b.StartObject(5)
        b.PrependUOffsetTRelativeSlot(0, maps[0], 0)
        b.PrependUOffsetTRelativeSlot(1, maps[1], 0)
        b.PrependUOffsetTRelativeSlot(2, k, 0)
        b.PrependUint32Slot(4, si, 0)
        return b.EndObject()

    def _tensor_map(self, b: flatbuffers.Builder, name: str, t: Tensor, si: int) -> int:
        s = b.CreateString(name)
        b.StartObject(2)
        b.PrependUOffsetTRelativeSlot(0, s, 0)
        b.PrependUint32Slot(1, self.indices[si][id(t)], 0)
        return b.EndObject()

    # -- subgraphs ----------------------------------------------------------------------------

    def _subgraph(self, b: flatbuffers.Builder, si: int) -> int:
        sg = self.model.subgraphs[si]
        idx = self.indices[si]
        tensors = [tensor_table(b, t, self.tensor_buffer.get(id(t), 0)) for t in self.orders[si]]
        ops = [
            operator_table(b, n, self._opcode_index(n), idx, f"subgraph {si} node {i} ({n.op})")
            for i, n in enumerate(sg.nodes)
        ]
        vecs = [
            table_vector(b, tensors),
            num_vector(b, [idx[id(t)] for t in sg.inputs]),
            num_vector(b, [idx[id(t)] for t in sg.outputs]),
            table_vector(b, ops),
        ]
        name = b.CreateString(sg.name or "")
        b.StartObject(5)
        for fid, vec in enumerate(vecs):
            b.PrependUOffsetTRelativeSlot(fid, vec, 0)
        b.PrependUOffsetTRelativeSlot(4, name, 0)
        return b.EndObject()

    def _opcode_index(self, node: Node) -> tuple[int, bool]:
        code, custom, flex = _op_code(node)
        key = (code, custom, max(int(node.version), _min_version(node.op)))
        return self.opcodes.setdefault(key, len(self.opcodes)), flex


def _min_version(op: str) -> int:
    """The lowest op version LiteRT registers for ``op`` (from its schema; 1 by default)."""
    schema = find_op(op)
    return schema.min_version if schema is not None else 1
