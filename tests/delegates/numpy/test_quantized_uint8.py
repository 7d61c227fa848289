"""uint8 (asymmetric, per-tensor) integer kernels against LiteRT's reference kernels, and int8
cases at the edges: zero points at the ends of the range, concatenation of inputs with other
scales, per-channel parameters along an axis other than 0.

Every case writes a small model with siglite's writer and runs the same bytes in LiteRT with
BUILTIN_REF; the outputs must be equal.
"""

from __future__ import annotations

import numpy as np
import pytest
from qmodels import QBuilder, qp, rand_int, run_litert, run_siglite

import siglite as sl

U8 = "uint8"


def same_as_reference(content: bytes, feeds: dict, min_distinct: int = 3) -> None:
    ours = run_siglite(content, feeds)
    ref = run_litert(content, feeds, reference=True)
    for name, expected in ref.items():
        got = ours[name]
        assert got.dtype == expected.dtype and got.shape == expected.shape, name
        assert len(np.unique(expected)) >= min(min_distinct, expected.size), name
        np.testing.assert_array_equal(got, expected, err_msg=f"{name} vs BUILTIN_REF")


def u8_input(b: QBuilder, name: str, shape, scale=0.05, zp=128):
    return b.input(name, shape, scale, zp, dtype=U8)


@pytest.mark.parametrize("act", ["NONE", "RELU6"])
def test_uint8_conv(act):
    b = QBuilder()
    x = u8_input(b, "x", [1, 7, 7, 3], 0.04, 100)
    w = b.weights([5, 3, 3, 3], 0.02, dtype=U8, zp=131)
    y = b.op("CONV_2D", x, w, b.bias(0.04, 0.02, 5), scale=0.25, zp=90, dtype=U8,
             padding="SAME", stride_w=2, stride_h=1, dilation_w_factor=1, dilation_h_factor=1,
             fused_activation=act)  # fmt: skip
    same_as_reference(b.build(y), {"x": rand_int([1, 7, 7, 3], U8)})


def test_uint8_depthwise_conv():
    b = QBuilder()
    x = u8_input(b, "x", [1, 6, 6, 2], 0.03, 120)
    w = b.weights([1, 3, 3, 4], 0.02, dtype=U8, zp=125)
    y = b.op("DEPTHWISE_CONV_2D", x, w, b.bias(0.03, 0.02, 4), scale=0.08, zp=110, dtype=U8,
             padding="VALID", stride_w=1, stride_h=1, depth_multiplier=2, dilation_w_factor=1,
             dilation_h_factor=1, fused_activation="RELU")  # fmt: skip
    same_as_reference(b.build(y), {"x": rand_int([1, 6, 6, 2], U8)})


def test_uint8_fully_connected():
    b = QBuilder()
    x = u8_input(b, "x", [3, 16], 0.04, 128)
    w = b.weights([6, 16], 0.01, dtype=U8, zp=140)
    y = b.op("FULLY_CONNECTED", x, w, b.bias(0.04, 0.01, 6), scale=0.1, zp=120, dtype=U8,
             fused_activation="NONE", keep_num_dims=False)  # fmt: skip
    same_as_reference(b.build(y), {"x": rand_int([3, 16], U8)})


@pytest.mark.parametrize("op", ["ADD", "SUB", "MUL"])
def test_uint8_binary(op):
    b = QBuilder()
    x = u8_input(b, "x", [2, 3, 6], 0.02, 120)
    y = u8_input(b, "y", [1, 6], 0.05, 140)
    out_scale = 0.02 if op == "MUL" else 0.05
    z = b.op(op, x, y, scale=out_scale, zp=128, dtype=U8, version=1, fused_activation="NONE")
    feeds = {"x": rand_int([2, 3, 6], U8), "y": rand_int([1, 6], U8, low=110, high=170)}
    same_as_reference(b.build(z), feeds)


@pytest.mark.parametrize("op", ["AVERAGE_POOL_2D", "MAX_POOL_2D"])
def test_uint8_pooling(op):
    b = QBuilder()
    x = u8_input(b, "x", [1, 6, 6, 2], 0.05, 100)
    y = b.op(op, x, scale=0.05, zp=100, dtype=U8, padding="SAME", stride_w=2, stride_h=2,
             filter_width=3, filter_height=2, fused_activation="RELU")  # fmt: skip
    same_as_reference(b.build(y), {"x": rand_int([1, 6, 6, 2], U8)})


@pytest.mark.parametrize("axes,keep,same", [([1, 2], True, False), ([2], False, True)])
def test_uint8_mean(axes, keep, same):
    b = QBuilder()
    x = u8_input(b, "x", [2, 4, 5, 3], 0.05, 100)
    axis = b.g.const(np.array(axes, np.int32), "axis")
    y = b.op("MEAN", x, axis, scale=0.05 if same else 0.03, zp=100 if same else 130, dtype=U8,
             keep_dims=keep)  # fmt: skip
    same_as_reference(b.build(y), {"x": rand_int([2, 4, 5, 3], U8)})


@pytest.mark.parametrize(
    "op,scale,zp", [("SOFTMAX", 1 / 256, 0), ("LOGISTIC", 1 / 256, 0), ("TANH", 1 / 128, 128),
                    ("HARD_SWISH", 0.03, 40), ("RELU", 0.03, 0), ("RELU6", 0.05, 10)],
)  # fmt: skip
def test_uint8_activations(op, scale, zp):
    b = QBuilder()
    x = u8_input(b, "x", [4, 64], 0.06, 130)
    attrs = {"beta": 1.0} if op == "SOFTMAX" else {}
    y = b.op(op, x, scale=scale, zp=zp, dtype=U8, **attrs)
    feeds = {"x": np.arange(256, dtype=np.uint8).reshape(4, 64)}
    same_as_reference(b.build(y), feeds)


def test_uint8_concatenation_with_differing_scales():
    """LiteRT rescales uint8 inputs to the output's parameters (int8 must share them)."""
    dtype = U8
    b = QBuilder()
    zps = (120, 90, 140)
    x = b.input("x", [2, 3], 0.05, zps[0], dtype=dtype)
    y = b.input("y", [2, 4], 0.02, zps[1], dtype=dtype)
    z = b.op("CONCATENATION", x, y, scale=0.04, zp=zps[2], dtype=dtype, axis=1,
             fused_activation="NONE")  # fmt: skip
    feeds = {"x": rand_int([2, 3], dtype), "y": rand_int([2, 4], dtype)}
    same_as_reference(b.build(z), feeds)


@pytest.mark.parametrize("dtype,zp", [("int8", -128), ("int8", 127), ("uint8", 0), ("uint8", 255)])
def test_zero_points_at_the_ends_of_the_range(dtype, zp):
    """ADD, MUL, FULLY_CONNECTED and AVERAGE_POOL_2D with every zero point at an extreme."""
    b = QBuilder()
    x = b.input("x", [1, 4, 4, 8], 0.05, zp, dtype=dtype)
    y = b.input("y", [1, 4, 4, 8], 0.03, zp, dtype=dtype)
    a = b.op("ADD", x, y, scale=0.1, zp=zp, dtype=dtype, fused_activation="NONE")
    # both factors have one sign, so the product's zero point sits at the low end
    low = int(np.iinfo(np.dtype(dtype)).min)
    m = b.op("MUL", a, y, scale=0.2, zp=low, dtype=dtype, fused_activation="NONE")
    p = b.op("AVERAGE_POOL_2D", m, scale=0.2, zp=low, dtype=dtype, padding="VALID", stride_w=2,
             stride_h=2, filter_width=2, filter_height=2, fused_activation="NONE")  # fmt: skip
    shape = b.g.const(np.array([1, 32], np.int32), "shape")
    r = b.op("RESHAPE", p, shape, scale=0.2, zp=low, dtype=dtype)
    w = b.weights([16, 32], 0.01, dtype=dtype, zp=0 if dtype == "int8" else 128)
    f = b.op("FULLY_CONNECTED", r, w, b.bias(0.2, 0.01, 16), scale=0.5, zp=zp, dtype=dtype,
             fused_activation="NONE", keep_num_dims=False)  # fmt: skip
    feeds = {"x": rand_int([1, 4, 4, 8], dtype), "y": rand_int([1, 4, 4, 8], dtype)}
    same_as_reference(b.build(a, m, p, f), feeds, min_distinct=2)


def test_per_channel_dequantize_and_quantize_along_axis_1():
    """Per-channel parameters on the last axis of a 2-D tensor (quantized_dimension 1)."""
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [3, 4])
    scales = np.array([0.01, 0.02, 0.05, 0.1], np.float32)
    data = rand_int([3, 4])
    w = g.const(data, "w", "int8", quantization=qp(scales, [0, 1, -2, 3], axis=1))
    d = g.op("DEQUANTIZE", w, version=2, outputs=[("float32", [3, 4])])
    g.output(g.op("ADD", x, d, fused_activation="NONE"), "y")
    mb.signature("serving_default", g)
    content = sl.write_model(mb.build())
    feeds = {"x": np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)}
    np.testing.assert_array_equal(run_siglite(content, feeds)["y"], run_litert(content, feeds)["y"])
