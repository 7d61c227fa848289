"""Custom-op attributes are stored as a flexbuffer map and come back after a round trip."""

import numpy as np
import pytest
from flatbuffers import flexbuffers

import siglite as sl
from siglite.delegate import Kernel
from siglite.ops.schemas.base import same_as_first
from siglite.plugins import registry


@pytest.fixture(scope="module")
def scale_by():
    """A test-only custom op ``ScaleBy(x, *, factor, offset)`` with a numpy kernel."""
    sl.register_op(sl.OpSchema("ScaleBy", opset="CUSTOM", infer=same_as_first, source="tests"))

    def scale(x, *, factor, offset=0.0):
        return (x * np.float32(factor) + np.float32(offset)).astype(np.float32)

    registry().op_kernels[("numpy", "ScaleBy")] = Kernel("ScaleBy", scale)
    yield
    registry().op_kernels.pop(("numpy", "ScaleBy"), None)


def _model(**attrs):
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [3])
    g.output(g.op("ScaleBy", x, **attrs), "y")
    mb.signature("serving_default", g)
    return mb.build()


def _run(model_or_bytes, x):
    key = "model" if isinstance(model_or_bytes, sl.Model) else "model_content"
    return sl.Interpreter(**{key: model_or_bytes}).get_signature_runner()(x=x)["y"]


def test_attributes_survive_the_file(scale_by):
    model = _model(factor=-0.5, offset=np.float32(0.25))
    data = sl.write_model(model)
    node = sl.read_model(data).subgraphs[0].nodes[0]
    assert node.attrs == {"factor": -0.5, "offset": 0.25}
    assert flexbuffers.Loads(node.custom_options) == node.attrs  # TFLite's convention
    x = np.array([1.0, -0.5, 2.0], np.float32)
    np.testing.assert_array_equal(_run(data, x), _run(model, x))
    np.testing.assert_array_equal(_run(data, x), x * -0.5 + 0.25)


def test_unstorable_attribute_is_a_clear_error(scale_by):
    with pytest.raises(sl.InvalidModelError, match="cannot be stored"):
        sl.write_model(_model(factor=object()))


def test_opaque_options_of_unregistered_custom_ops_stay_raw(scale_by):
    model = _model(factor=2.0)
    node = model.subgraphs[0].nodes[0]
    node.op, node.custom_options = "SomeoneElsesOp", b"\x00\x01\x02"
    read = sl.read_model(sl.write_model(model)).subgraphs[0].nodes[0]
    assert read.op == "SomeoneElsesOp" and read.custom_options == b"\x00\x01\x02"
    assert read.attrs == {}


def test_builtin_nodes_get_no_custom_options():
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [3])
    g.output(g.op("ADD", x, x, fused_activation="RELU"), "y")
    mb.signature("serving_default", g)
    data = sl.write_model(mb.build())
    node = sl.read_model(data).subgraphs[0].nodes[0]
    assert node.custom_options is None and node.attrs["fused_activation"] == "RELU"
    assert sl.write_model(sl.read_model(data)) == data
