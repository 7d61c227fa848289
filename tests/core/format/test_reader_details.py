"""Reader details: quantization, sparsity, metadata, errors that name the broken part."""

from __future__ import annotations

import numpy as np
import pytest
from ai_edge_litert import schema_py_generated as schema
from format_testutil import fixture_bytes

import siglite as sl
from siglite.errors import InvalidModelError
from siglite.ir import QuantParams


def _model_with(tensor_kw: dict, data: np.ndarray) -> sl.Model:
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", data.dtype, data.shape)
    c = g.const(data, "c", **tensor_kw)
    g.output(g.op("ADD", x, c, outputs=[(data.dtype, data.shape)]), "y")
    mb.signature("serving_default", g)
    return mb.build()


def test_per_channel_quantization_round_trip():
    q = QuantParams(
        np.array([0.5, 0.25, 0.125], np.float32),
        np.array([0, 1, -2]),
        quantized_dimension=1,
        min=np.array([-1.0, -2.0, -3.0], np.float32),
        max=np.array([1.0, 2.0, 3.0], np.float32),
    )
    data = np.arange(6, dtype=np.int8).reshape(2, 3)
    model = sl.read_model(sl.write_model(_model_with({"quantization": q}, data)))
    got = model.subgraphs[0].tensors[1]
    np.testing.assert_array_equal(got.data, data)
    for attr in ("scales", "zero_points", "min", "max"):
        np.testing.assert_array_equal(getattr(got.quantization, attr), getattr(q, attr))
    assert got.quantization.quantized_dimension == 1
    assert model.subgraphs[0].tensors[0].quantization is None


def test_sparsity_round_trip():
    sparsity = {
        "traversal_order": (0, 1, 2, 3),
        "block_map": (1,),
        "dim_metadata": [
            {"format": 0, "dense_size": 2, "array_segments": None, "array_indices": None},
            {
                "format": 1,
                "dense_size": 0,
                "array_segments": (1, np.array([0, 1, 2], np.int32)),
                "array_indices": (3, np.array([0, 1], np.uint8)),
            },
        ],
    }
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    t = g.tensor("w", sl.float32, [2, 4], data=np.array([1.0, 2.0], np.float32))
    t.sparsity = sparsity
    x = g.input("x", sl.float32, [2, 4])
    g.output(g.op("ADD", x, t, outputs=[(sl.float32, [2, 4])]), "y")
    mb.signature("serving_default", g)
    content = sl.write_model(mb.build())
    sp = schema.Model.GetRootAs(content, 0).Subgraphs(0).Tensors(0).Sparsity()
    assert list(sp.TraversalOrderAsNumpy()) == [0, 1, 2, 3]
    assert sp.DimMetadata(1).ArraySegmentsType() == 1
    got = sl.read_model(content).subgraphs[0].tensors[0]
    np.testing.assert_array_equal(got.data, [1.0, 2.0])  # compressed values, not reshaped
    assert got.sparsity["traversal_order"] == (0, 1, 2, 3)
    assert got.sparsity["block_map"] == (1,)
    dims = got.sparsity["dim_metadata"]
    assert dims[0] == {"format": 0, "dense_size": 2, "array_segments": None, "array_indices": None}
    assert dims[1]["array_segments"][0] == 1
    np.testing.assert_array_equal(dims[1]["array_segments"][1], [0, 1, 2])
    assert dims[1]["array_indices"][0] == 3
    np.testing.assert_array_equal(dims[1]["array_indices"][1], [0, 1])
    assert sl.write_model(sl.read_model(content)) == content


def test_metadata_kept_and_runtime_version_added():
    original = sl.read_model(fixture_bytes("int8_cnn"))
    again = sl.read_model(sl.write_model(original))
    assert again.metadata == original.metadata
    built = sl.read_model(sl.write_model(_model_with({}, np.ones(3, np.float32))))
    assert built.metadata["min_runtime_version"] == b"1.5.0".ljust(16, b"\0")


def test_variable_and_dtype_flags():
    data = np.ones(3, np.float32)
    model = sl.read_model(sl.write_model(_model_with({"is_variable": True}, data)))
    t = model.subgraphs[0].tensors[1]
    assert t.is_variable and t.has_rank
    np.testing.assert_array_equal(t.data, data)


def _patch_shape(content: bytes, tensor: int, value: int) -> bytes:
    data = bytearray(content)
    t = schema.Model.GetRootAs(content, 0).Subgraphs(0).Tensors(tensor)
    pos = t._tab.Vector(t._tab.Offset(4))
    data[pos : pos + 4] = np.int32(value).tobytes()
    return bytes(data)


def test_buffer_size_mismatch_names_tensor():
    content = sl.write_model(_model_with({}, np.ones(4, np.float32)))
    with pytest.raises(InvalidModelError, match=r"tensor 1 \('c'\).*16 bytes"):
        sl.read_model(_patch_shape(content, 1, 3))


def test_writer_rejects_data_shape_mismatch():
    model = _model_with({}, np.ones(4, np.float32))
    model.subgraphs[0].tensors[1].shape = (5,)
    with pytest.raises(InvalidModelError, match="4 elements but shape"):
        sl.write_model(model)


def test_bad_tensor_index_names_operator():
    model = _model_with({}, np.ones(4, np.float32))
    content = bytearray(sl.write_model(model))
    op = schema.Model.GetRootAs(bytes(content), 0).Subgraphs(0).Operators(0)
    pos = op._tab.Vector(op._tab.Offset(6))  # field 1: inputs
    content[pos : pos + 4] = np.int32(7).tobytes()
    with pytest.raises(InvalidModelError, match="subgraph 0 operator 0 inputs: tensor index 7"):
        sl.read_model(bytes(content))


def test_read_from_path_bytes_and_memoryview(tmp_path):
    content = fixture_bytes("seed_keras_sequential")
    path = tmp_path / "m.tflite"
    path.write_bytes(content)
    for source in (path, str(path), content, bytearray(content), memoryview(content)):
        model = sl.read_model(source)
        assert list(model.signatures) == ["serving_default"]


def test_intermediates_and_omitted_inputs_round_trip():
    """Operator.intermediates and -1 (omitted) inputs survive; LiteRT's schema reader agrees."""
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [2, 4])
    w = g.const(np.ones((3, 4), np.float32), "w")
    y = g.op("FULLY_CONNECTED", x, w, None, outputs=[(sl.float32, [2, 3])])
    scratch = [g.tensor(f"scratch{i}", sl.int16, [3]) for i in range(2)]
    g.subgraph.nodes[-1].intermediates = scratch
    g.output(y, "y")
    mb.signature("serving_default", g)
    content = sl.write_model(mb.build())
    op = schema.Model.GetRootAs(content, 0).Subgraphs(0).Operators(0)
    assert op.InputsAsNumpy().tolist()[2] == -1
    assert op.IntermediatesLength() == 2
    node = sl.read_model(content).subgraphs[0].nodes[0]
    assert node.inputs[2] is None
    assert [t.name for t in node.intermediates] == ["scratch0", "scratch1"]
    assert all(t.dtype is sl.int16 and t.shape == (3,) for t in node.intermediates)
    assert sl.write_model(sl.read_model(content)) == content
