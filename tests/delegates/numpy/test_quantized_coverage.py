"""Quantized nodes whose op has no integer kernel are refused when the graph is bound (the
dtype-free kernels would compute on raw integers and silently disagree with LiteRT); ops that
only move values still run on them, bit-exactly."""

from __future__ import annotations

import numpy as np
import pytest
from qmodels import FakeCupy, QBuilder, rand_int, run_litert, run_siglite

import siglite as sl
from siglite.delegates.cupy import CupyDelegate


def leaky_relu_model() -> tuple[bytes, dict]:
    b = QBuilder()
    x = b.input("x", [4, 16], 0.05, 10)
    y = b.op("LEAKY_RELU", x, scale=0.04, zp=-5, alpha=0.2)
    return b.build(y), {"x": rand_int([4, 16])}


def test_raw_integer_kernel_would_differ_from_litert():
    """The premise: the float-style LEAKY_RELU kernel on raw int8 values is wrong."""
    from siglite.delegates.numpy.kernels.elementwise import leaky_relu

    content, feeds = leaky_relu_model()
    raw = np.asarray(leaky_relu(feeds["x"], alpha=0.2)).astype(np.int8)
    assert not np.array_equal(raw, run_litert(content, feeds)["out0"])


def test_quantized_op_without_integer_kernel_is_refused():
    content, feeds = leaky_relu_model()
    interp = sl.Interpreter(model_content=content)
    placement = interp.get_placement()
    assert placement.nodes == [(0, "LEAKY_RELU", None)]
    assert "cannot run: LEAKY_RELU #0 (numpy: no integer kernel" in str(placement)
    with pytest.raises(sl.UnsupportedOpError, match="no integer kernel for quantized LEAKY_RELU"):
        interp.get_signature_runner()(**feeds)
    cupy = CupyDelegate(device_module=FakeCupy())
    placement = sl.Interpreter(model_content=content, experimental_delegates=[cupy]).get_placement()
    assert "cupy: no integer kernel for quantized LEAKY_RELU (int8)" in placement.why(0)


def test_value_moving_ops_still_run_on_quantized_data():
    b = QBuilder()
    x = b.input("x", [2, 3, 4], 0.05, 3)
    y = b.input("y", [2, 4, 3], 0.05, 3)
    perm = b.g.const(np.array([0, 2, 1], np.int32), "perm")
    t = b.op("TRANSPOSE", x, perm, scale=0.05, zp=3)
    m = b.op("MAXIMUM", t, y, scale=0.05, zp=3)
    content = b.build(m)
    feeds = {"x": rand_int([2, 3, 4]), "y": rand_int([2, 4, 3])}
    np.testing.assert_array_equal(
        run_siglite(content, feeds)["out0"], run_litert(content, feeds)["out0"]
    )


def test_comparison_with_differing_params_is_refused():
    b = QBuilder()
    x = b.input("x", [6], 0.05, 3)
    y = b.input("y", [6], 0.1, -3)
    z = b.op("MAXIMUM", x, y, scale=0.1, zp=-3)
    with pytest.raises(sl.UnsupportedOpError, match="differing scales or zero points"):
        sl.Interpreter(model_content=b.build(z)).get_signature_runner()(
            x=rand_int([6]), y=rand_int([6])
        )
