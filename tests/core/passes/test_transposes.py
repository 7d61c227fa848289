"""The transpose optimisation pass: removed nodes, and unchanged results (siglite runtime)."""

from __future__ import annotations

import numpy as np
import pytest

import siglite as sl
from siglite.passes.transposes import optimize_transposes

NCHW_TO_NHWC = np.array([0, 2, 3, 1], np.int32)
NHWC_TO_NCHW = np.array([0, 3, 1, 2], np.int32)


def _run(model: sl.Model, **inputs):
    interp = sl.Interpreter(model_content=sl.write_model(model))
    return interp.get_signature_runner("main")(**inputs)


def _ops(model: sl.Model) -> list[str]:
    return [n.op for n in model.subgraphs[0].nodes]


def _t(g, x, perm):
    shape = [x.shape[p] for p in perm]
    return g.op("TRANSPOSE", x, g.const(perm, "perm"), outputs=[(x.dtype, shape)])


def _model(build):
    mb = sl.ModelBuilder()
    g = mb.subgraph("main")
    x = g.input("x", sl.float32, [2, 3, 4, 5])
    g.output(build(g, x), "y")
    mb.signature("main", g)
    return mb.build()


def _check(build, expect_ops):
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 4, 5)).astype(np.float32)
    before = _run(_model(build), x=x)["y"]
    model = optimize_transposes(_model(build))
    assert _ops(model) == expect_ops
    np.testing.assert_allclose(_run(model, x=x)["y"], before, rtol=1e-6, atol=1e-6)


def test_cancelling_pair_is_removed():
    def build(g, x):
        y = _t(g, _t(g, x, NCHW_TO_NHWC), NHWC_TO_NCHW)
        return g.op("RELU", y, outputs=[(sl.float32, y.shape)])

    _check(build, ["RELU"])


def test_chain_composes_into_one_transpose():
    def build(g, x):
        return _t(g, _t(g, x, NCHW_TO_NHWC), np.array([0, 2, 1, 3], np.int32))

    _check(build, ["TRANSPOSE"])


def test_pushed_through_elementwise_with_constant_then_cancelled():
    def build(g, x):
        h = _t(g, x, NCHW_TO_NHWC)
        h = g.op("RELU", h, outputs=[(sl.float32, h.shape)])
        back = _t(g, h, NHWC_TO_NCHW)  # NCHW again
        bias = g.const(np.arange(3, dtype=np.float32).reshape(3, 1, 1), "bias")
        y = g.op("ADD", back, bias, outputs=[(sl.float32, back.shape)])
        y = g.op("LOGISTIC", y, outputs=[(sl.float32, y.shape)])
        return _t(g, y, NCHW_TO_NHWC)

    # The first transpose sinks below RELU and cancels; one remains for the NHWC output.
    _check(build, ["RELU", "ADD", "LOGISTIC", "TRANSPOSE"])


def test_binary_with_two_transposed_inputs():
    def build(g, x):
        a = _t(g, x, NCHW_TO_NHWC)
        a = g.op("EXP", a, outputs=[(sl.float32, a.shape)])
        b = _t(g, x, NCHW_TO_NHWC)
        b = g.op("NEG", b, outputs=[(sl.float32, b.shape)])
        a2 = _t(g, a, NHWC_TO_NCHW)
        b2 = _t(g, b, NHWC_TO_NCHW)
        return g.op("MUL", a2, b2, outputs=[(sl.float32, a2.shape)])

    _check(build, ["EXP", "NEG", "MUL"])


def test_concat_axis_is_remapped():
    def build(g, x):  # x read as NHWC here
        a = _t(g, g.op("RELU", x, outputs=[(sl.float32, x.shape)]), NHWC_TO_NCHW)
        b = _t(g, g.op("TANH", x, outputs=[(sl.float32, x.shape)]), NHWC_TO_NCHW)
        return g.op("CONCATENATION", a, b, outputs=[(sl.float32, (2, 10, 3, 4))], axis=1,
                    fused_activation="NONE")  # fmt: skip

    _check(build, ["RELU", "TANH", "CONCATENATION", "TRANSPOSE"])


def test_reduction_and_reshape_skip_transpose():
    def build(g, x):
        h = g.op("RELU", _t(g, x, NCHW_TO_NHWC), outputs=[(sl.float32, (2, 4, 5, 3))])
        back = _t(g, h, NHWC_TO_NCHW)
        axes = g.const(np.array([2, 3], np.int32), "axes")
        m = g.op("MEAN", back, axes, outputs=[(sl.float32, (2, 3, 1, 1))], keep_dims=True)
        shape = g.const(np.array([2, 3], np.int32), "shape")
        return g.op("RESHAPE", m, shape, outputs=[(sl.float32, (2, 3))])

    _check(build, ["RELU", "MEAN", "RESHAPE"])


def test_signature_output_transpose_is_kept():
    def build(g, x):
        return _t(g, x, NCHW_TO_NHWC)

    _check(build, ["TRANSPOSE"])


def test_fan_out_is_not_duplicated():
    def build(g, x):
        h = _t(g, x, NCHW_TO_NHWC)
        a = g.op("RELU", h, outputs=[(sl.float32, h.shape)])
        b = g.op("TANH", h, outputs=[(sl.float32, h.shape)])
        return g.op("ADD", a, b, outputs=[(sl.float32, h.shape)])

    _check(build, ["TRANSPOSE", "RELU", "TANH", "ADD"])


@pytest.mark.parametrize("perm", [(0, 1, 2, 3), (0, 2, 1, 3)])
def test_identity_and_plain_perms(perm):
    def build(g, x):
        y = _t(g, x, np.array(perm, np.int32))
        return g.op("ABS", y, outputs=[(sl.float32, y.shape)])

    expect = ["ABS"] if perm == (0, 1, 2, 3) else ["ABS", "TRANSPOSE"]
    _check(build, expect)


def _unary(g, op, x):
    return g.op(op, x, outputs=[(sl.float32, x.shape)])


def test_fan_out_region_moves_as_a_whole():
    """SiLU between two NHWC ops: x * sigmoid(x) reads the transposed tensor twice."""

    def build(g, x):
        h = _t(g, x, NHWC_TO_NCHW)
        y = g.op("MUL", h, _unary(g, "LOGISTIC", h), outputs=[(sl.float32, h.shape)])
        return _t(g, y, NCHW_TO_NHWC)

    _check(build, ["LOGISTIC", "MUL"])


def test_region_with_constants_reduction_and_residual():
    """Batch norm as multiply-add, a keep-dims mean gate and a residual add, NCHW inside."""

    def build(g, x):
        h = _t(g, x, NHWC_TO_NCHW)  # (2, 5, 3, 4)
        scale = g.const(np.linspace(0.5, 2, 5, dtype=np.float32).reshape(5, 1, 1), "scale")
        bn = _unary(g, "RELU", g.op("MUL", h, scale, outputs=[(sl.float32, h.shape)]))
        axes = g.const(np.array([2, 3], np.int32), "axes")
        gate = g.op("MEAN", bn, axes, outputs=[(sl.float32, (2, 5, 1, 1))], keep_dims=True)
        y = g.op("MUL", bn, _unary(g, "LOGISTIC", gate), outputs=[(sl.float32, h.shape)])
        y = g.op("ADD", y, h, outputs=[(sl.float32, h.shape)])
        return _t(g, y, NCHW_TO_NHWC)

    _check(build, ["MUL", "RELU", "MEAN", "LOGISTIC", "MUL", "ADD"])


def test_region_reading_another_layout_through_a_reshape():
    """A (N, C, 1, 1) gate computed outside the region is re-laid out by a RESHAPE."""

    def build(g, x):
        h = _t(g, x, NHWC_TO_NCHW)  # (2, 5, 3, 4)
        axes = g.const(np.array([1, 2], np.int32), "axes")
        pooled = g.op("MEAN", x, axes, outputs=[(sl.float32, (2, 5))], keep_dims=False)
        shape = g.const(np.array([2, 5, 1, 1], np.int32), "shape")
        gate = g.op("RESHAPE", pooled, shape, outputs=[(sl.float32, (2, 5, 1, 1))])
        y = g.op("MUL", h, _unary(g, "TANH", h), outputs=[(sl.float32, h.shape)])
        y = g.op("MUL", y, gate, outputs=[(sl.float32, h.shape)])
        return _t(g, y, NCHW_TO_NHWC)

    _check(build, ["MEAN", "RESHAPE", "RESHAPE", "TANH", "MUL", "MUL"])


def test_region_keeps_a_transpose_for_outside_readers():
    def build(g, x):
        h = _t(g, x, NHWC_TO_NCHW)
        a = _unary(g, "RELU", h)
        b = g.op("MUL", a, _unary(g, "TANH", h), outputs=[(sl.float32, h.shape)])
        back = _t(g, b, NCHW_TO_NHWC)
        shape = g.const(np.array([2, 60], np.int32), "shape")
        flat = g.op("RESHAPE", a, shape, outputs=[(sl.float32, (2, 60))])  # reads NCHW order
        shape2 = g.const(np.array([2, 3, 4, 5], np.int32), "shape2")
        flat = g.op("RESHAPE", flat, shape2, outputs=[(sl.float32, (2, 3, 4, 5))])
        return g.op("ADD", back, flat, outputs=[(sl.float32, (2, 3, 4, 5))])

    _check(build, ["RELU", "TRANSPOSE", "TANH", "MUL", "RESHAPE", "RESHAPE", "ADD"])


def test_equal_transposes_of_one_tensor_are_shared():
    def build(g, x):
        shape = g.const(np.array([2, 60], np.int32), "shape")
        a = g.op("RESHAPE", _t(g, x, NHWC_TO_NCHW), shape, outputs=[(sl.float32, (2, 60))])
        b = g.op("RESHAPE", _t(g, x, NHWC_TO_NCHW), shape, outputs=[(sl.float32, (2, 60))])
        return g.op("MUL", a, b, outputs=[(sl.float32, (2, 60))])

    _check(build, ["TRANSPOSE", "RESHAPE", "RESHAPE", "MUL"])
