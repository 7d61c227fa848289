"""Flatbuffer tables below the model level: tensors, operators, quantization, sparsity."""

from __future__ import annotations

from typing import Any

import flatbuffers
import numpy as np

from ..errors import InvalidModelError
from ..ir import Node, Tensor
from ..ops import BUILTIN_CODES
from .options_codec import UNION_FIELDS, encode_options


def table_vector(b: flatbuffers.Builder, offsets: list[int]) -> int:
    """A vector of tables (or strings) from their offsets."""
    b.StartVector(4, len(offsets), 4)
    for off in reversed(offsets):
        b.PrependUOffsetTRelative(off)
    return b.EndVector()


def num_vector(b: flatbuffers.Builder, values: Any, dtype: Any = np.int32) -> int:
    """A little-endian scalar vector (int32 unless ``dtype`` says otherwise)."""
    return b.CreateNumpyVector(np.asarray(values, dtype=np.dtype(dtype).newbyteorder("<")))


def _quantization_table(b: flatbuffers.Builder, q: Any) -> int:
    fields = [
        (0, q.min, np.float32),
        (1, q.max, np.float32),
        (2, q.scales, np.float32),
        (3, q.zero_points, np.int64),
    ]
    vecs = [
        (fid, num_vector(b, np.asarray(v).reshape(-1), dt))
        for fid, v, dt in fields
        if v is not None
    ]
    b.StartObject(7)
    for fid, vec in vecs:
        b.PrependUOffsetTRelativeSlot(fid, vec, 0)
    b.PrependInt32Slot(6, int(q.quantized_dimension), 0)
    return b.EndObject()


def _index_vector_table(b: flatbuffers.Builder, entry: Any) -> tuple[int, int]:
    utype, values = entry
    dtype = {1: np.int32, 2: np.uint16, 3: np.uint8}[utype]
    vec = num_vector(b, np.asarray(values).reshape(-1), dtype)
    b.StartObject(1)
    b.PrependUOffsetTRelativeSlot(0, vec, 0)
    return utype, b.EndObject()


def _sparsity_table(b: flatbuffers.Builder, sp: dict) -> int:
    dims = []
    for d in sp.get("dim_metadata", []):
        seg = _index_vector_table(b, d["array_segments"]) if d.get("array_segments") else None
        ind = _index_vector_table(b, d["array_indices"]) if d.get("array_indices") else None
        b.StartObject(6)
        b.PrependInt8Slot(0, int(d.get("format", 0)), 0)
        b.PrependInt32Slot(1, int(d.get("dense_size", 0)), 0)
        for type_fid, entry in ((2, seg), (4, ind)):
            if entry is not None:
                b.PrependUint8Slot(type_fid, entry[0], 0)
                b.PrependUOffsetTRelativeSlot(type_fid + 1, entry[1], 0)
        dims.append(b.EndObject())
    order = num_vector(b, list(sp.get("traversal_order", ())))
    block = num_vector(b, list(sp.get("block_map", ())))
    dim_vec = table_vector(b, dims)
    b.StartObject(3)
    for fid, vec in enumerate((order, block, dim_vec)):
        b.PrependUOffsetTRelativeSlot(fid, vec, 0)
    return b.EndObject()


def tensor_table(b: flatbuffers.Builder, t: Tensor, buffer: int) -> int:
    """One ``Tensor`` table; ``shape_signature`` only when a dimension is dynamic."""
    shape = num_vector(b, list(t.shape))
    sig = t.shape_signature
    sig_vec = num_vector(b, list(sig)) if sig is not None and any(d < 0 for d in sig) else None
    name = b.CreateString(t.name or "")
    quant = _quantization_table(b, t.quantization) if t.quantization is not None else None
    sparsity = _sparsity_table(b, t.sparsity) if isinstance(t.sparsity, dict) else None
    b.StartObject(9)
    b.PrependUOffsetTRelativeSlot(0, shape, 0)
    b.PrependInt8Slot(1, t.dtype.code, 0)
    b.PrependUint32Slot(2, buffer, 0)
    b.PrependUOffsetTRelativeSlot(3, name, 0)
    for fid, vec in ((4, quant), (6, sparsity), (7, sig_vec)):
        if vec is not None:
            b.PrependUOffsetTRelativeSlot(fid, vec, 0)
    b.PrependBoolSlot(5, bool(t.is_variable), False)
    b.PrependBoolSlot(8, bool(t.has_rank), False)
    return b.EndObject()


def _custom_options(node: Node, flex: bool, where: str) -> bytes | None:
    if flex:
        from .flex import encode_flex_options

        return encode_flex_options(node.op, dict(node.attrs), len(node.inputs))
    if node.custom_options is None and node.attrs and node.op not in BUILTIN_CODES:
        return encode_custom_attrs(node.attrs, where)
    return node.custom_options


def encode_custom_attrs(attrs: dict, where: str) -> bytes:
    """A custom op's attributes as a flexbuffer map, TFLite's convention for custom options."""
    from flatbuffers import flexbuffers

    def plain(value: Any) -> Any:
        if isinstance(value, np.generic | np.ndarray):
            return value.tolist()
        if isinstance(value, tuple):
            return [plain(v) for v in value]
        return value

    try:
        return bytes(flexbuffers.Dumps({str(k): plain(v) for k, v in attrs.items()}))
    except Exception as e:  # flexbuffers raises plain exceptions for unsupported values
        raise InvalidModelError(
            f"{where}: custom op attributes {attrs!r} cannot be stored: {e}"
        ) from e


def operator_table(
    b: flatbuffers.Builder, node: Node, opcode: tuple[int, bool], idx: dict[int, int], where: str
) -> int:
    """One ``Operator`` table: tensor indices (-1 for omitted inputs), options, custom options."""
    index, flex = opcode

    def refs(tensors: list[Any]) -> int:
        return num_vector(b, [-1 if t is None else idx[id(t)] for t in tensors])

    inputs, outputs = refs(node.inputs), refs(node.outputs)
    inter = refs(node.intermediates) if node.intermediates else None
    custom = _custom_options(node, flex, where)
    custom_vec = b.CreateByteVector(bytes(custom)) if custom is not None else None
    options = encode_options(b, node.op, node.attrs, where) if node.op in BUILTIN_CODES else None
    b.StartObject(13)
    b.PrependUint32Slot(0, index, 0)
    b.PrependUOffsetTRelativeSlot(1, inputs, 0)
    b.PrependUOffsetTRelativeSlot(2, outputs, 0)
    if options is not None:
        union, utype, offset = options
        type_fid, value_fid = UNION_FIELDS[union]
        b.PrependUint8Slot(type_fid, utype, 0)
        b.PrependUOffsetTRelativeSlot(value_fid, offset, 0)
    if custom_vec is not None:
        b.PrependUOffsetTRelativeSlot(5, custom_vec, 0)
    if inter is not None:
        b.PrependUOffsetTRelativeSlot(8, inter, 0)
    return b.EndObject()
