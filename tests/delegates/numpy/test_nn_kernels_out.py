"""Kernels that take ``out=``: filling it gives exactly the values of a fresh result, and an
``out`` of the wrong shape or dtype is ignored (the runtime then copies the result)."""

from __future__ import annotations

import numpy as np
import pytest

import siglite.delegates.numpy.kernels  # noqa: F401  (registers the kernels)
from siglite.delegates.numpy.table import KERNELS
from siglite.runtime.plan import accepts_out

RNG = np.random.default_rng(3)


def rand(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


CASES = [
    ("CONV_2D", (rand(2, 9, 7, 5), rand(6, 3, 3, 5), rand(6)),
     dict(padding="SAME", stride_h=2, stride_w=1, fused_activation="RELU")),
    ("CONV_2D", (rand(1, 6, 6, 4), rand(8, 1, 1, 4), None), dict(padding="VALID")),
    ("CONV_2D", (rand(1, 10, 11, 3), rand(2, 3, 2, 3), rand(2)),
     dict(padding="VALID", dilation_h_factor=2, dilation_w_factor=2, fused_activation="RELU6")),
    ("CONV_2D", (rand(2, 5, 6, 6), rand(9, 1, 1, 2), rand(9)), dict(padding="VALID")),
    ("CONV_2D", (rand(1, 7, 7, 4), rand(6, 3, 3, 2), None),
     dict(padding="SAME", stride_h=2, stride_w=2, fused_activation="RELU")),
    ("DEPTHWISE_CONV_2D", (rand(2, 9, 9, 4), rand(1, 3, 3, 8), rand(8)),
     dict(padding="SAME", stride_h=2, stride_w=2, depth_multiplier=2, fused_activation="RELU6")),
    ("DEPTHWISE_CONV_2D", (rand(1, 8, 6, 3), rand(1, 3, 3, 3), None), dict(padding="VALID")),
    ("TRANSPOSE_CONV", (np.array([1, 8, 10, 2], np.int32), rand(2, 3, 3, 3), rand(1, 4, 5, 3)),
     dict(padding="SAME", stride_h=2, stride_w=2, fused_activation="RELU")),
    ("FULLY_CONNECTED", (rand(2, 3, 6), rand(4, 6), rand(4)),
     dict(keep_num_dims=True, fused_activation="RELU")),
    ("FULLY_CONNECTED", (rand(5, 6), rand(4, 6), None), dict(fused_activation="RELU_N1_TO_1")),
    ("BATCH_MATMUL", (rand(3, 4, 5), rand(3, 6, 5)), dict(adj_y=True)),
    ("BATCH_MATMUL", (rand(2, 1, 4, 5), rand(3, 5, 2)), dict()),
    ("AVERAGE_POOL_2D", (rand(2, 7, 7, 3),),
     dict(padding="SAME", stride_h=2, stride_w=2, filter_height=3, filter_width=3)),
    ("MAX_POOL_2D", (rand(1, 8, 9, 2),),
     dict(padding="VALID", stride_h=2, stride_w=2, filter_height=2, filter_width=2,
          fused_activation="RELU")),
]  # fmt: skip


def _kernel(op, inputs):
    dtype = next(a for a in inputs if a is not None).dtype.name
    kernel = KERNELS.get(op, dtype)
    assert kernel is not None and accepts_out(kernel.fn), op
    return kernel


@pytest.mark.parametrize("op,inputs,attrs", CASES)
def test_out_gets_the_fresh_results_exactly(op, inputs, attrs):
    kernel = _kernel(op, inputs)
    want = kernel.fn(*inputs, **attrs)
    out = np.full(want.shape, np.nan, want.dtype)
    got = kernel.fn(*inputs, **attrs, out=out)
    assert got is out
    np.testing.assert_array_equal(out, want)


@pytest.mark.parametrize("op,inputs,attrs", CASES)
def test_out_of_another_shape_or_dtype_is_ignored(op, inputs, attrs):
    kernel = _kernel(op, inputs)
    want = kernel.fn(*inputs, **attrs)
    for out in (np.zeros((want.size + 1,), want.dtype), np.zeros(want.shape, np.float64)):
        got = kernel.fn(*inputs, **attrs, out=out)
        assert got is not out and not out.any()
        np.testing.assert_array_equal(got, want)


def test_results_stay_float32():
    for op, inputs, attrs in CASES:
        assert _kernel(op, inputs).fn(*inputs, **attrs).dtype == np.float32, op


@pytest.mark.parametrize("rows,depth,units", [(3, 512, 256), (8, 256, 512), (32, 128, 1024)])
def test_fully_connected_with_few_rows_matches_torch(rows, depth, units):
    """A few rows against a large weight matrix take the transposed product."""
    torch = pytest.importorskip("torch")
    x, w, b = rand(rows, depth), rand(units, depth), rand(units)
    kernel = _kernel("FULLY_CONNECTED", (x, w))
    want = torch.relu(torch.nn.functional.linear(*map(torch.from_numpy, (x, w, b)))).numpy()
    np.testing.assert_allclose(kernel.fn(x, w, b, fused_activation="RELU"), want, 1e-5, 1e-5)
    out = np.empty_like(want)
    assert kernel.fn(x, w, b, fused_activation="RELU", out=out) is out
    np.testing.assert_allclose(out, want, rtol=1e-5, atol=1e-5)


def test_conv_on_a_small_image_with_many_channels_matches_torch():
    """Few output pixels against a large filter take the transposed GEMM too."""
    torch = pytest.importorskip("torch")
    x, f, b = rand(1, 4, 4, 512), rand(256, 3, 3, 512), rand(256)
    kernel = _kernel("CONV_2D", (x, f))
    got = kernel.fn(x, f, b, padding="SAME", stride_h=1, stride_w=1)
    tx = torch.from_numpy(x.transpose(0, 3, 1, 2).copy())
    tf = torch.from_numpy(f.transpose(0, 3, 1, 2).copy())
    want = torch.nn.functional.conv2d(tx, tf, torch.from_numpy(b), padding=1)
    np.testing.assert_allclose(got, want.permute(0, 2, 3, 1).numpy(), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("groups,k", [(3, 1), (4, 1), (2, 3)])
def test_grouped_conv_matches_torch(groups, k):
    torch = pytest.importorskip("torch")
    x, f, b = rand(2, 6, 5, 12), rand(8 * groups, k, k, 12 // groups), rand(8 * groups)
    kernel = _kernel("CONV_2D", (x, f))
    got = kernel.fn(x, f, b, padding="VALID", stride_h=1, stride_w=1)
    tx = torch.from_numpy(x.transpose(0, 3, 1, 2).copy())
    tf = torch.from_numpy(f.transpose(0, 3, 1, 2).copy())
    want = torch.nn.functional.conv2d(tx, tf, torch.from_numpy(b), groups=groups)
    np.testing.assert_allclose(got, want.permute(0, 2, 3, 1).numpy(), rtol=1e-4, atol=1e-4)
