"""Dynamic dimensions the frontend resolves at run time (oracles: onnxruntime and LiteRT):
Reshape's 0 copying a dynamic dim next to a -1, Flatten with dynamic dims on both sides,
negative run-time indices on dynamic axes, and Resize with constant scales keeping static
shapes. Each model runs with two different sizes for its symbolic dims."""

from __future__ import annotations

import numpy as np
import pytest

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from onnx_oracles import (  # noqa: E402
    assert_close,
    convert,
    litert_run,
    node_model,
    ort_run,
    sl_run,
)

import siglite as sl  # noqa: E402

RNG = np.random.default_rng(7)


def rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


def check(model, feeds_list, tol=1e-5):
    """siglite and LiteRT match onnxruntime for each feed dict."""
    for feeds in feeds_list:
        want = ort_run(model, feeds)
        assert_close(sl_run(model, feeds), want, tol, tol)
        assert_close(litert_run(model, feeds), want, tol, tol)


@pytest.mark.parametrize(
    "target, dims, out_sig",
    [
        ([0, -1], ["N", 3, 4, 5], (-1, 60)),
        ([0, 0, -1], ["N", 3, 4, 5], (-1, 3, 20)),
        ([0, 3, -1], [2, 3, "H", "W"], (2, 3, -1)),
        ([0, 0, -1], ["N", "C", 4, 5], (-1, -1, 20)),
    ],
)
def test_reshape_zero_copies_a_dynamic_dim(target, dims, out_sig):
    feeds = {"x": rand(2, 3, 4, 5)}
    model = node_model(
        "Reshape", ["x", "s"], ["y"], feeds, {"s": np.array(target)}, dims={"x": dims}
    )
    _, ir = convert(model)
    assert ir.signatures["serving_default"].outputs["y"].signature_shape == out_sig
    sizes = [(2, 3, 4, 5), (1, 3, 4, 5)] if dims[0] == "N" else [(2, 3, 4, 5), (2, 3, 2, 7)]
    check(model, [{"x": rand(*s)} for s in sizes])


@pytest.mark.parametrize("axis", [1, 2])
def test_flatten_with_dynamic_dims_on_both_sides(axis):
    feeds = {"x": rand(2, 3, 4, 5)}
    model = node_model("Flatten", ["x"], ["y"], feeds, dims={"x": ["N", "C", "H", 5]}, axis=axis)
    check(model, [{"x": rand(2, 3, 4, 5)}, {"x": rand(3, 1, 2, 5)}])


def test_gather_negative_runtime_indices_on_a_dynamic_axis():
    feeds = {"x": rand(4, 3), "i": np.array([[-1, 0], [2, -4]], np.int64)}
    model = node_model("Gather", ["x", "i"], ["y"], feeds, dims={"x": ["N", 3]}, axis=0)
    check(model, [feeds, {"x": rand(6, 3), "i": np.array([[-6, 5], [-1, 0]], np.int64)}])


def test_gather_nd_and_gather_elements_negative_indices_on_dynamic_dims():
    feeds = {"x": rand(3, 4), "i": np.array([[-1, 0], [1, -2]], np.int64)}
    model = node_model("GatherND", ["x", "i"], ["y"], feeds, dims={"x": ["N", "M"]})
    check(model, [feeds, {"x": rand(2, 5), "i": np.array([[-2, 4], [1, -5]], np.int64)}])
    feeds = {"x": rand(3, 4), "i": np.array([[-1, 0], [0, -4], [3, 1]], np.int64)}
    model = node_model("GatherElements", ["x", "i"], ["y"], feeds, dims={"x": [3, "M"]}, axis=1)
    check(model, [feeds, {"x": rand(3, 6), "i": np.array([[-6, 0], [5, -1], [3, 1]], np.int64)}])


def test_resize_with_constant_scales_keeps_static_shapes_for_a_following_conv():
    """half_pixel + round_prefer_floor has no TFLite resize op: the GATHER path must still
    give static output shapes, or the Conv after it could not be converted."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 5, 6])
    y = helper.make_empty_tensor_value_info("y")
    scales = numpy_helper.from_array(np.array([1, 1, 2, 2], np.float32), "s")
    w = numpy_helper.from_array(rand(4, 3, 3, 3), "w")
    nodes = [
        helper.make_node("Resize", ["x", "", "s"], ["r"], mode="nearest"),
        helper.make_node("Conv", ["r", "w"], ["y"], pads=[1, 1, 1, 1]),
    ]
    graph = helper.make_graph(nodes, "g", [x], [y], initializer=[scales, w])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    _, ir = convert(model)
    assert ir.signatures["serving_default"].outputs["y"].signature_shape == (1, 4, 10, 12)
    # the source indices are constants: only GATHERs remain, which LiteRT runs too
    assert [n.op for n in ir.subgraphs[0].nodes].count("GATHER") == 2
    check(model, [{"x": rand(1, 3, 5, 6)}], tol=1e-4)


def test_error_from_a_shared_helper_names_the_node():
    feeds = {"a": rand(3), "b": rand(4)}
    model = node_model("Add", ["a", "b"], ["y"], feeds)
    model.graph.node[0].name = "bad_add"
    with pytest.raises(sl.UnsupportedOpError, match=r"'bad_add' \(Add\).*broadcast"):
        convert(model)


def test_big_weights_keep_inferred_types():
    """Shape inference runs without the large initializers' data: the types it infers (and
    the declared-output check) are the same."""
    weight = rand(16, 300, 3, 3) * np.float32(
        0.02
    )  # above the size that inference sees only as a typed input
    feeds = {"x": rand(2, 300, 6, 6)}
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 300, 6, 6])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    nodes = [
        helper.make_node("Conv", ["x", "w"], ["c"]),
        helper.make_node("Shape", ["c"], ["s"]),
        helper.make_node("Gather", ["s", "one"], ["ch"], axis=0),
        helper.make_node("Concat", ["minus_one", "ch"], ["target"], axis=0),
        helper.make_node("Reshape", ["c", "target"], ["y"]),
    ]
    inits = [
        numpy_helper.from_array(weight, "w"),
        numpy_helper.from_array(np.array([1]), "one"),
        numpy_helper.from_array(np.array([-1]), "minus_one"),
    ]
    graph = helper.make_graph(nodes, "g", [x], [y], initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    from siglite.frontends.onnx.frontend import _value_infos, normalize

    _, inferred = normalize(model)
    assert _value_infos(inferred.graph)["c"] == (sl.float32, (-1, 16, 4, 4))
    assert len(model.graph.initializer) == 3  # the caller's model is left as it was
    check(model, [feeds, {"x": rand(3, 300, 6, 6)}], tol=1e-4)
