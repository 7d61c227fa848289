"""Malformed files: every outcome of reading is a Model or InvalidModelError, nothing else."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from format_testutil import ALL_FIXTURES, fixture_bytes
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import siglite as sl
from siglite.errors import InvalidModelError


def _generated_model() -> sl.Model:
    """Parts the fixtures lack: string constants, per-channel quantization, a custom op."""
    from siglite.ir import QuantParams

    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.string, [2])
    words = g.const(np.array([b"ab", b"cde"], dtype=object), "words")
    y = g.op("StringJoin", x, words, N=2, separator="-", outputs=[(sl.string, [2])])
    q = QuantParams(np.array([0.5, 0.25], np.float32), np.array([1, -1]), quantized_dimension=0)
    w = g.const(np.arange(8, dtype=np.int8).reshape(2, 4), "w", quantization=q)
    z = g.op("MyOp", y, w, outputs=[(sl.float32, [2])])
    g.subgraph.nodes[-1].custom_options = b"opaque"
    g.output(z, "z")
    mb.signature("serving_default", g)
    return mb.build()


FILES = {name: fixture_bytes(name) for name in ALL_FIXTURES}
FILES["generated"] = sl.write_model(_generated_model())
FILES["generated_external"] = sl.write_model(_generated_model(), external_buffers=True)


def _read_or_invalid(data: bytes) -> None:
    try:
        model = sl.read_model(data)
    except InvalidModelError:
        return
    assert isinstance(model, sl.Model)
    # Whatever reads also writes back, and the result reads again.
    assert isinstance(sl.read_model(sl.write_model(model)), sl.Model)


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(FILES[draw(st.sampled_from(sorted(FILES)))])
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["truncate", "flip", "offset", "junk", "byte"]))
        if kind == "truncate" and data:
            del data[draw(st.integers(0, len(data) - 1)) :]
        elif kind == "flip" and data:
            i = draw(st.integers(0, len(data) - 1))
            data[i] ^= 1 << draw(st.integers(0, 7))
        elif kind == "offset" and len(data) >= 4:
            i = draw(st.integers(0, len(data) - 4))
            value = draw(
                st.one_of(
                    st.integers(0, 2**32 - 1),
                    st.sampled_from([0, 1, 4, 2**31 - 1, 2**31, 2**32 - 1, len(data)]),
                    st.integers(0, len(data) + 64),
                )
            )
            data[i : i + 4] = struct.pack("<I", value)
        elif kind == "junk":
            data += draw(st.binary(min_size=1, max_size=64))
        elif kind == "byte" and data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_fixtures_read_or_fail_cleanly(data):
    _read_or_invalid(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=256))
def test_random_bytes_fail_cleanly(data):
    _read_or_invalid(b"\x10\x00\x00\x00TFL3" + data)


def test_unmutated_fixtures_read():
    for data in FILES.values():
        assert sl.read_model(data).signatures


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "too short"),
        (b"\x00" * 7, "too short"),
        (b"\x0c\x00\x00\x00XXXX" + b"\x00" * 32, "identifier"),
    ],
)
def test_hand_made_malformed(data, message):
    with pytest.raises(InvalidModelError, match=message):
        sl.read_model(data)


def test_wrong_identifier_on_real_model():
    data = bytearray(FILES["seed_keras_sequential"])
    data[4:8] = b"TFL2"
    with pytest.raises(InvalidModelError, match="identifier"):
        sl.read_model(bytes(data))


def _vector_length_positions(data: bytes) -> list[int]:
    """Positions of the vector length prefixes of the first subgraph's tensors' shapes."""
    from ai_edge_litert import schema_py_generated as schema

    root = schema.Model.GetRootAs(data, 0)
    tensor = root.Subgraphs(0).Tensors(0)
    o = tensor._tab.Offset(4)  # field 0: shape
    return [tensor._tab.Vector(o) - 4]


def test_huge_vector_length_is_rejected_before_allocating():
    data = bytearray(FILES["seed_keras_sequential"])
    (pos,) = _vector_length_positions(bytes(data))
    data[pos : pos + 4] = struct.pack("<I", 2**31)
    with pytest.raises(InvalidModelError, match="outside"):
        sl.read_model(bytes(data))


def _shared_vector_model(count: int) -> bytes:
    """A model whose ``count`` operators are one table with a ``count``-long input vector."""
    import flatbuffers

    b = flatbuffers.Builder(1024)
    inputs = b.CreateNumpyVector(np.zeros(count, np.int32))
    b.StartObject(3)
    b.PrependUOffsetTRelativeSlot(1, inputs, 0)
    op = b.EndObject()
    b.StartVector(4, count, 4)
    for _ in range(count):
        b.PrependUOffsetTRelative(op)
    ops = b.EndVector()
    shape = b.CreateNumpyVector(np.ones(1, np.int32))
    b.StartObject(1)
    b.PrependUOffsetTRelativeSlot(0, shape, 0)
    tensor = b.EndObject()
    b.StartVector(4, 1, 4)
    b.PrependUOffsetTRelative(tensor)
    tensors = b.EndVector()
    b.StartObject(4)
    b.PrependUOffsetTRelativeSlot(0, tensors, 0)
    b.PrependUOffsetTRelativeSlot(3, ops, 0)
    subgraph = b.EndObject()
    b.StartObject(1)
    code = b.EndObject()
    b.StartObject(3)
    buffer = b.EndObject()
    vectors = []
    for table in (code, subgraph, buffer):
        b.StartVector(4, 1, 4)
        b.PrependUOffsetTRelative(table)
        vectors.append(b.EndVector())
    b.StartObject(5)
    b.PrependUOffsetTRelativeSlot(1, vectors[0], 0)
    b.PrependUOffsetTRelativeSlot(2, vectors[1], 0)
    b.PrependUOffsetTRelativeSlot(4, vectors[2], 0)
    b.Finish(b.EndObject(), file_identifier=b"TFL3")
    return bytes(b.Output())


def test_shared_offsets_cannot_blow_up():
    # 100 operators sharing a 100-long vector is fine; 30000 x 30000 would need 10^9 items.
    small = sl.read_model(_shared_vector_model(100))
    assert len(small.subgraphs[0].nodes) == 100
    assert len(small.subgraphs[0].nodes[0].inputs) == 100
    with pytest.raises(InvalidModelError, match="larger than the file"):
        sl.read_model(_shared_vector_model(30000))


def test_missing_file_is_invalid_model(tmp_path):
    with pytest.raises(InvalidModelError, match="cannot read"):
        sl.read_model(tmp_path / "nope.tflite")


def test_empty_file_is_invalid_model(tmp_path):
    path = tmp_path / "empty.tflite"
    path.write_bytes(b"")
    with pytest.raises(InvalidModelError, match="too short"):
        sl.read_model(path)
