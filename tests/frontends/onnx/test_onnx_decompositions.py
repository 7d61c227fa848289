"""ONNX ops converted by decomposition: function bodies (Attention ...), run-time axes, small
integer arithmetic, inverse trigonometry, OneHot/Compress/NonZero and the general Resize.

Oracles: onnxruntime, and ONNX's reference implementation (``onnx.reference``) where
onnxruntime's behaviour differs from the specification (NaN propagation, Resize variants).
"""

from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from onnx import helper  # noqa: E402
from onnx.reference import ReferenceEvaluator  # noqa: E402

import siglite as sl  # noqa: E402
from siglite.frontends.onnx import backend  # noqa: E402

RNG = np.random.default_rng(7)


def value(name, array):
    code = helper.np_dtype_to_tensor_dtype(np.asarray(array).dtype)
    return helper.make_tensor_value_info(name, code, np.asarray(array).shape)


def one_node_model(op, feeds, opset=21, n_out=1, **attrs):
    names = list(feeds)
    outs = [f"y{i}" for i in range(n_out)]
    node = helper.make_node(op, names, outs, **attrs)
    inputs = [value(n, a) for n, a in feeds.items()]
    outputs = [helper.make_empty_tensor_value_info(o) for o in outs]
    graph = helper.make_graph([node], "g", inputs, outputs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 10
    return model


def ort_run(model, feeds):
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return sess.run(None, feeds)


def ref_run(model, feeds):
    with np.errstate(all="ignore"):
        return ReferenceEvaluator(model).run(None, feeds)


def sl_run(model, feeds):
    with np.errstate(all="ignore"):
        return backend.prepare(model).run(list(feeds.values()))


def check(model, feeds, oracle=ort_run, rtol=1e-5, atol=1e-6):
    got = sl_run(model, feeds)
    want = oracle(model, feeds)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g.dtype == w.dtype and g.shape == w.shape, (g.dtype, g.shape, w.dtype, w.shape)
        np.testing.assert_allclose(g, w, rtol=rtol, atol=atol, equal_nan=True)


# ---------------------------------------------------------------- function bodies


@pytest.mark.parametrize("attrs", [{}, {"is_causal": 1}, {"scale": 0.3}])
def test_attention_runs_its_function_body(attrs):
    q = RNG.standard_normal((2, 4, 5, 8)).astype(np.float32)
    k = RNG.standard_normal((2, 2, 6, 8)).astype(np.float32)  # grouped-query heads
    v = RNG.standard_normal((2, 2, 6, 8)).astype(np.float32)
    model = one_node_model("Attention", {"q": q, "k": k, "v": v}, opset=23, **attrs)
    check(model, {"q": q, "k": k, "v": v}, oracle=ref_run, rtol=1e-4, atol=1e-5)
    ops = {n.op for n in sl.Converter.from_onnx(model).convert_model().subgraphs[0].nodes}
    assert {"BATCH_MATMUL", "SOFTMAX"} <= ops


def test_group_normalization_matches_onnxruntime():
    x = RNG.standard_normal((2, 6, 4, 4)).astype(np.float32)
    scale = RNG.standard_normal(6).astype(np.float32)
    bias = RNG.standard_normal(6).astype(np.float32)
    feeds = {"x": x, "s": scale, "b": bias}
    check(one_node_model("GroupNormalization", feeds, num_groups=3), feeds, rtol=1e-4, atol=1e-5)


def test_function_body_that_does_not_convert_names_the_node():
    x = RNG.standard_normal((2, 3)).astype(np.float16)
    model = one_node_model("Attention", {"q": x.reshape(1, 1, 2, 3)} | {
        "k": x.reshape(1, 1, 2, 3), "v": x.reshape(1, 1, 2, 3)}, opset=23)  # fmt: skip
    with pytest.raises(sl.UnsupportedOpError, match=r"\(Attention\).*function body.*float16"):
        backend.prepare(model)


# ---------------------------------------------------------------- run-time axes


@pytest.mark.parametrize("axes", [[0], [-1], [3, 1], [0, 2, -1]])
def test_unsqueeze_with_runtime_axes(axes):
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    feeds = {"x": x, "axes": np.array(axes, np.int64)}
    check(one_node_model("Unsqueeze", feeds), feeds)


@pytest.mark.parametrize("axes", [[1], [-1, 0]])
def test_squeeze_with_runtime_axes(axes):
    x = RNG.standard_normal((1, 1, 5, 1)).astype(np.float32)
    feeds = {"x": x, "axes": np.array(axes, np.int64)}
    check(one_node_model("Squeeze", feeds), feeds)


def test_slice_with_runtime_axes_and_steps():
    x = RNG.standard_normal((5, 6, 7)).astype(np.float32)
    feeds = {
        "x": x,
        "starts": np.array([-1, 1], np.int64),
        "ends": np.array([-(2**63), 100], np.int64),
        "axes": np.array([2, 0], np.int64),
        "steps": np.array([-2, 2], np.int64),
    }
    check(one_node_model("Slice", feeds), feeds)


# ---------------------------------------------------------------- integer arithmetic


@pytest.mark.parametrize("op", ["Add", "Sub", "Mul", "Div", "Mod"])
@pytest.mark.parametrize("dtype", [np.int8, np.uint8, np.int16, np.uint16, np.uint32])
def test_small_integer_arithmetic_wraps_like_onnxruntime(op, dtype):
    info = np.iinfo(dtype)
    a = RNG.integers(info.min, info.max, 64, endpoint=True).astype(dtype)
    b = RNG.integers(info.min, info.max, 64, endpoint=True).astype(dtype)
    b[b == 0] = 1
    if op == "Div" and info.min < 0:
        keep = ~((a == info.min) & (b == -1))  # overflowing quotient: undefined in C
        a, b = a[keep], b[keep]
    feeds = {"a": a, "b": b}
    check(one_node_model(op, feeds), feeds, oracle=ref_run, rtol=0, atol=0)


def test_uint64_add_wraps_and_uint64_div_is_rejected():
    a = np.array([2**64 - 1, 5, 2**63], np.uint64)
    b = np.array([2, 2**64 - 3, 2**63 + 7], np.uint64)
    feeds = {"a": a, "b": b}
    check(one_node_model("Add", feeds), feeds, oracle=ref_run, rtol=0, atol=0)
    with pytest.raises(sl.UnsupportedOpError, match=r"\(Div\).*uint64"):
        backend.prepare(one_node_model("Div", feeds))


@pytest.mark.parametrize("dtype", [np.int64, np.int16])
def test_integer_fmod_keeps_the_dividend_sign(dtype):
    a = np.array([-7, 7, -7, 7, 0, -1], dtype)
    b = np.array([3, -3, -3, 3, 5, 4], dtype)
    feeds = {"a": a, "b": b}
    check(one_node_model("Mod", feeds, fmod=1), feeds, rtol=0, atol=0)


# ---------------------------------------------------------------- elementwise math


@pytest.mark.parametrize("op", ["Asin", "Acos", "Atan", "Asinh", "Acosh", "Atanh"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_inverse_trigonometry_over_the_whole_range(op, dtype):
    mags = np.logspace(-12, 30, 60)
    x = np.concatenate([-mags, mags, np.linspace(-1, 1, 41), [0.0, np.nan, np.inf, -np.inf]])
    x = x.astype(dtype)
    feeds = {"x": x}
    rtol = 1e-5 if dtype == np.float32 else 1e-11
    check(one_node_model(op, feeds), feeds, oracle=ref_run, rtol=rtol, atol=0)


@pytest.mark.parametrize("op", ["Max", "Min"])
def test_max_min_propagate_nan_from_either_operand(op):
    a = np.array([np.nan, 1.0, 2.0, np.nan], np.float32)
    b = np.array([1.0, np.nan, 3.0, np.nan], np.float32)
    feeds = {"a": a, "b": b}
    check(one_node_model(op, feeds), feeds, oracle=ref_run)


def test_clip_keeps_nan():
    x = np.array([np.nan, -3.0, 0.5, 9.0], np.float32)
    feeds = {"x": x, "lo": np.array(-1.0, np.float32), "hi": np.array(2.0, np.float32)}
    check(one_node_model("Clip", feeds), feeds, oracle=ref_run)


# ---------------------------------------------------------------- data-dependent sizes


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_one_hot_with_negative_and_out_of_range_indices(axis):
    indices = np.array([[0, -1, 3], [7, -4, 2]], np.int64)
    feeds = {
        "i": indices,
        "depth": np.array(4, np.int64),
        "values": np.array([-1.0, 5.0], np.float32),
    }
    check(one_node_model("OneHot", feeds, axis=axis), feeds)


@pytest.mark.parametrize("axis", [None, 0, 1])
def test_compress_and_nonzero(axis):
    x = RNG.standard_normal((3, 4)).astype(np.float32)
    cond = np.array([True, False, True], bool)
    feeds = {"x": x, "c": cond}
    attrs = {} if axis is None else {"axis": axis}
    check(one_node_model("Compress", feeds, **attrs), feeds)
    m = np.array([[0, 2, 0], [1, 0, 3]], np.int32)
    check(one_node_model("NonZero", {"m": m}), {"m": m})


# ---------------------------------------------------------------- Resize


RESIZE_CASES = [
    ("nearest", "half_pixel", "round_prefer_floor", "scales", [1, 1, 1.7, 0.6]),
    ("nearest", "asymmetric", "ceil", "sizes", [1, 2, 7, 3]),
    ("nearest", "align_corners", "floor", "scales", [1, 1, 2.5, 1.5]),
    ("linear", "half_pixel", "round_prefer_floor", "scales", [1, 1, 0.6, 1.8]),
    ("linear", "pytorch_half_pixel", "round_prefer_floor", "sizes", [1, 2, 1, 9]),
    ("linear", "half_pixel_symmetric", "round_prefer_floor", "scales", [1, 1, 2.3, 0.7]),
    ("cubic", "half_pixel", "round_prefer_floor", "scales", [1, 1, 1.5, 0.75]),
    ("cubic", "align_corners", "round_prefer_floor", "sizes", [1, 2, 6, 3]),
]


@pytest.mark.parametrize(("mode", "ctm", "nearest", "kind", "values"), RESIZE_CASES)
@pytest.mark.parametrize("runtime", [False, True])
def test_resize_matches_the_reference(mode, ctm, nearest, kind, values, runtime):
    x = RNG.standard_normal((1, 2, 5, 4)).astype(np.float32)
    arg = np.array(values, np.float32 if kind == "scales" else np.int64)
    empty = np.zeros(0, np.float32)
    feeds = {"x": x, "roi": empty, kind: arg} if kind == "scales" else {
        "x": x, "roi": empty, "scales": empty, "sizes": arg}  # fmt: skip
    attrs = {"mode": mode, "coordinate_transformation_mode": ctm, "nearest_mode": nearest}
    names = list(feeds)
    node = helper.make_node("Resize", names, ["y"], **attrs)
    inits = [] if runtime else [onnx.numpy_helper.from_array(feeds[n], n) for n in names[1:]]
    inputs = [value("x", x)] + ([value(n, feeds[n]) for n in names[1:]] if runtime else [])
    graph = helper.make_graph([node], "g", inputs, [helper.make_empty_tensor_value_info("y")],
                              initializer=inits)  # fmt: skip
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 19)])
    run_feeds = feeds if runtime else {"x": x}
    check(model, run_feeds, oracle=ref_run, rtol=1e-5, atol=1e-6)


def test_resize_with_axes_and_aspect_ratio_policy():
    x = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    feeds = {"x": x, "roi": np.zeros(0, np.float32), "scales": np.zeros(0, np.float32),
             "sizes": np.array([7, 5], np.int64)}  # fmt: skip
    model = one_node_model("Resize", feeds, opset=19, axes=[2, 0],
                           keep_aspect_ratio_policy="not_larger", mode="linear")  # fmt: skip
    check(model, feeds, oracle=ref_run)


def test_resize_antialias_is_rejected():
    x = RNG.standard_normal((1, 1, 4, 4)).astype(np.float32)
    feeds = {"x": x, "roi": np.zeros(0, np.float32), "scales": np.array([1, 1, 0.5, 0.5],
                                                                        np.float32)}  # fmt: skip
    model = one_node_model("Resize", feeds, opset=19, antialias=1, mode="linear")
    with pytest.raises(sl.UnsupportedOpError, match=r"\(Resize\).*antialias"):
        backend.prepare(model)


@pytest.mark.parametrize(
    "attrs",
    [
        {"kernel_shape": [3, 3], "p": 3, "pads": [1, 0, 2, 1]},
        {"kernel_shape": [2, 3], "p": 2, "strides": [2, 1], "auto_pad": "SAME_UPPER"},
        {"kernel_shape": [2, 2], "p": 1, "auto_pad": "SAME_LOWER"},
    ],
)
def test_lp_pool_matches_onnxruntime(attrs):
    x = RNG.standard_normal((1, 2, 7, 6)).astype(np.float32)
    check(one_node_model("LpPool", {"x": x}, opset=18, **attrs), {"x": x}, rtol=1e-4, atol=1e-5)
