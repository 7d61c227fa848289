"""Float NN kernels of the numpy delegate against torch eager (layouts transposed NHWC<->NCHW).

TFLite's SAME padding puts an odd pad element at the end, which torch does not do, so the
oracle pads explicitly before a padding-free torch op.
"""

from __future__ import annotations

import decimal
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import siglite as sl
import siglite.delegates.numpy.kernels  # noqa: F401  (registers the kernels)
from siglite.delegates.numpy.table import KERNELS
from siglite.dtypes import as_dtype
from siglite.ir import QuantParams, Tensor
from siglite.ops import get_op

RNG = np.random.default_rng(0)
# A fused TANH is no clamp in TFLite, so these ops leave values unchanged (LiteRT agrees; the
# conformance cases pin it).
ACTS = {"NONE": lambda t: t, "RELU": F.relu, "RELU6": lambda t: t.clamp(0, 6), "TANH": lambda t: t}


def rand(*shape, scale=1.0):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def call(op, *inputs, ctx=None, dtype="float32", **attrs):
    kernel = KERNELS.get(op, dtype)
    assert kernel is not None, op
    args = ((ctx,) if kernel.context else ()) + inputs
    return kernel.fn(*args, **kernel.bind_attrs(attrs))


def nchw(x):
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))


def nhwc(t):
    return t.permute(0, 2, 3, 1).numpy()


def tf_pads(size, k, s, d, padding):
    """TFLite's (before, after) padding: the odd element goes after."""
    eff = (k - 1) * d + 1
    if padding == "VALID":
        return 0, 0
    out = -(-size // s)
    total = max((out - 1) * s + eff - size, 0)
    return total // 2, total - total // 2


def torch_pad(t, h, w, kh, kw, sh, sw, dh, dw, padding, value=0.0):
    ph, pw = tf_pads(h, kh, sh, dh, padding), tf_pads(w, kw, sw, dw, padding)
    return F.pad(t, (pw[0], pw[1], ph[0], ph[1]), value=value)


def check_infer(op, inputs, attrs, out):
    tensors = [
        None if a is None else Tensor(f"t{i}", as_dtype(a.dtype), a.shape, data=a)
        for i, a in enumerate(inputs)
    ]
    [(dtype, shape)] = get_op(op).infer(tensors, attrs)
    assert tuple(shape) == out.shape and dtype.numpy == out.dtype


def close(got, want, rtol=1e-4, atol=1e-5):
    np.testing.assert_allclose(got, np.asarray(want), rtol=rtol, atol=atol)


CONV_GRID = [
    # (n, h, w, c, o, kh, kw, sh, sw, dh, dw, padding, act)
    (1, 7, 9, 3, 4, 3, 3, 1, 1, 1, 1, "SAME", "NONE"),
    (2, 8, 8, 5, 6, 3, 3, 2, 2, 1, 1, "SAME", "RELU"),
    (1, 9, 7, 2, 3, 2, 4, 3, 2, 1, 1, "VALID", "RELU6"),
    (1, 10, 11, 3, 2, 3, 3, 1, 1, 2, 3, "SAME", "TANH"),
    (1, 10, 11, 3, 2, 3, 2, 2, 1, 2, 2, "VALID", "NONE"),
    (3, 1, 1, 4, 5, 1, 1, 1, 1, 1, 1, "SAME", "NONE"),
    (1, 1, 1, 2, 3, 3, 3, 1, 1, 1, 1, "SAME", "RELU"),
    (1, 6, 6, 4, 4, 5, 5, 1, 1, 1, 1, "SAME", "NONE"),
    (1, 12, 12, 3, 8, 7, 7, 2, 2, 1, 1, "SAME", "NONE"),
]


@pytest.mark.parametrize("n,h,w,c,o,kh,kw,sh,sw,dh,dw,padding,act", CONV_GRID)
@pytest.mark.parametrize("with_bias", [True, False])
def test_conv_2d(n, h, w, c, o, kh, kw, sh, sw, dh, dw, padding, act, with_bias):
    x, f, b = rand(n, h, w, c), rand(o, kh, kw, c), rand(o) if with_bias else None
    attrs = dict(padding=padding, stride_h=sh, stride_w=sw, dilation_h_factor=dh,
                 dilation_w_factor=dw, fused_activation=act)  # fmt: skip
    got = call("CONV_2D", x, f, b, **attrs)
    t = torch_pad(nchw(x), h, w, kh, kw, sh, sw, dh, dw, padding)
    bias = None if b is None else torch.from_numpy(b)
    want = F.conv2d(t, torch.from_numpy(f.transpose(0, 3, 1, 2)), bias, (sh, sw), 0, (dh, dw))
    close(got, nhwc(ACTS[act](want)))
    check_infer("CONV_2D", [x, f, b], attrs, got)


def test_conv_2d_large_batch_in_slices(monkeypatch):
    from siglite.delegates.numpy.kernels import conv

    monkeypatch.setattr(conv, "IM2COL_LIMIT", 600)  # forces one or two images per slice
    x, f, b = rand(5, 6, 6, 2), rand(3, 3, 3, 2), rand(3)
    got = call("CONV_2D", x, f, b, padding="VALID", stride_h=1, stride_w=1)
    want = F.conv2d(nchw(x), torch.from_numpy(f.transpose(0, 3, 1, 2)), torch.from_numpy(b))
    close(got, nhwc(want))


@pytest.mark.parametrize("groups", [2, 3])
def test_grouped_conv_2d(groups):
    x, f = rand(2, 6, 5, 6), rand(6, 3, 3, 6 // groups)
    got = call("CONV_2D", x, f, None, padding="SAME")
    t = torch_pad(nchw(x), 6, 5, 3, 3, 1, 1, 1, 1, "SAME")
    want = F.conv2d(t, torch.from_numpy(f.transpose(0, 3, 1, 2)), groups=groups)
    close(got, nhwc(want))


DW_GRID = [
    # (n, h, w, c, mult, kh, kw, sh, sw, dh, dw, padding, act)
    (1, 7, 8, 3, 1, 3, 3, 1, 1, 1, 1, "SAME", "NONE"),
    (2, 9, 9, 4, 2, 3, 3, 2, 2, 1, 1, "SAME", "RELU6"),
    (1, 8, 10, 2, 3, 2, 3, 1, 2, 1, 1, "VALID", "RELU"),
    (1, 11, 9, 3, 2, 3, 3, 1, 1, 2, 2, "SAME", "NONE"),
    (1, 1, 1, 5, 1, 3, 3, 2, 2, 1, 1, "SAME", "NONE"),
    (1, 13, 13, 2, 1, 5, 5, 2, 2, 1, 1, "VALID", "TANH"),
]


@pytest.mark.parametrize("n,h,w,c,m,kh,kw,sh,sw,dh,dw,padding,act", DW_GRID)
def test_depthwise_conv_2d(n, h, w, c, m, kh, kw, sh, sw, dh, dw, padding, act):
    x, f, b = rand(n, h, w, c), rand(1, kh, kw, c * m), rand(c * m)
    attrs = dict(padding=padding, stride_h=sh, stride_w=sw, dilation_h_factor=dh,
                 dilation_w_factor=dw, depth_multiplier=m, fused_activation=act)  # fmt: skip
    got = call("DEPTHWISE_CONV_2D", x, f, b, **attrs)
    t = torch_pad(nchw(x), h, w, kh, kw, sh, sw, dh, dw, padding)
    weight = torch.from_numpy(np.ascontiguousarray(f[0].transpose(2, 0, 1)[:, None]))
    want = F.conv2d(t, weight, torch.from_numpy(b), (sh, sw), 0, (dh, dw), groups=c)
    close(got, nhwc(ACTS[act](want)))
    check_infer("DEPTHWISE_CONV_2D", [x, f, b], attrs, got)


TCONV_GRID = [
    # (n, h, w, c, o, kh, kw, sh, sw, padding, act)
    (1, 4, 5, 3, 2, 3, 3, 2, 2, "SAME", "NONE"),
    (2, 3, 3, 2, 4, 3, 3, 1, 1, "SAME", "RELU"),
    (1, 4, 4, 3, 2, 2, 2, 2, 2, "VALID", "NONE"),
    (1, 3, 5, 2, 3, 4, 3, 3, 2, "VALID", "RELU6"),
    (1, 1, 1, 3, 2, 3, 3, 2, 2, "SAME", "NONE"),
    (1, 5, 4, 1, 1, 5, 5, 1, 2, "SAME", "NONE"),
]


def tconv_out(size, k, s, padding):
    return size * s if padding == "SAME" else (size - 1) * s + k


@pytest.mark.parametrize("n,h,w,c,o,kh,kw,sh,sw,padding,act", TCONV_GRID)
@pytest.mark.parametrize("with_bias", [True, False])
def test_transpose_conv(n, h, w, c, o, kh, kw, sh, sw, padding, act, with_bias):
    x, f, b = rand(n, h, w, c), rand(o, kh, kw, c), rand(o) if with_bias else None
    oh, ow = tconv_out(h, kh, sh, padding), tconv_out(w, kw, sw, padding)
    shape = np.array([n, oh, ow, o], np.int32)
    attrs = dict(padding=padding, stride_h=sh, stride_w=sw, fused_activation=act)
    got = call("TRANSPOSE_CONV", shape, f, x, b, dtype="int32", **attrs)
    full = F.conv_transpose2d(nchw(x), torch.from_numpy(f.transpose(3, 0, 1, 2).copy()),
                              stride=(sh, sw))  # fmt: skip
    ph, pw = tf_pads(oh, kh, sh, 1, padding)[0], tf_pads(ow, kw, sw, 1, padding)[0]
    full = F.pad(full, (0, max(0, pw + ow - full.shape[3]), 0, max(0, ph + oh - full.shape[2])))
    want = full[:, :, ph : ph + oh, pw : pw + ow]
    if b is not None:
        want = want + torch.from_numpy(b)[:, None, None]
    close(got, nhwc(ACTS[act](want)))
    check_infer("TRANSPOSE_CONV", [shape, f, x, b], attrs, got)


POOL_GRID = [
    # (n, h, w, c, fh, fw, sh, sw, padding, act)
    (1, 7, 7, 3, 3, 3, 2, 2, "SAME", "NONE"),
    (2, 8, 9, 2, 2, 2, 2, 2, "VALID", "RELU"),
    (1, 6, 5, 4, 3, 2, 1, 1, "SAME", "RELU6"),
    (1, 10, 10, 1, 4, 4, 3, 3, "SAME", "NONE"),
    (1, 1, 1, 3, 3, 3, 1, 1, "SAME", "NONE"),
    (3, 5, 5, 2, 5, 5, 1, 1, "VALID", "NONE"),
    (1, 9, 9, 2, 3, 3, 1, 1, "SAME", "TANH"),
]


@pytest.mark.parametrize("n,h,w,c,fh,fw,sh,sw,padding,act", POOL_GRID)
def test_average_pool_2d(n, h, w, c, fh, fw, sh, sw, padding, act):
    x = rand(n, h, w, c)
    attrs = dict(padding=padding, stride_h=sh, stride_w=sw, filter_height=fh, filter_width=fw,
                 fused_activation=act)  # fmt: skip
    got = call("AVERAGE_POOL_2D", x, **attrs)
    sums = F.avg_pool2d(torch_pad(nchw(x), h, w, fh, fw, sh, sw, 1, 1, padding),
                        (fh, fw), (sh, sw), divisor_override=1)  # fmt: skip
    ones = torch.ones(1, 1, h, w)
    counts = F.avg_pool2d(torch_pad(ones, h, w, fh, fw, sh, sw, 1, 1, padding),
                          (fh, fw), (sh, sw), divisor_override=1)  # fmt: skip
    close(got, nhwc(ACTS[act](sums / counts)))
    check_infer("AVERAGE_POOL_2D", [x], attrs, got)


@pytest.mark.parametrize("n,h,w,c,fh,fw,sh,sw,padding,act", POOL_GRID)
def test_max_pool_2d(n, h, w, c, fh, fw, sh, sw, padding, act):
    x = rand(n, h, w, c)
    attrs = dict(padding=padding, stride_h=sh, stride_w=sw, filter_height=fh, filter_width=fw,
                 fused_activation=act)  # fmt: skip
    got = call("MAX_POOL_2D", x, **attrs)
    t = torch_pad(nchw(x), h, w, fh, fw, sh, sw, 1, 1, padding, value=-math.inf)
    want = F.max_pool2d(t, (fh, fw), (sh, sw))
    close(got, nhwc(ACTS[act](want)))
    check_infer("MAX_POOL_2D", [x], attrs, got)


@pytest.mark.parametrize("shape", [(4, 6), (2, 3, 5), (3, 1), (1, 7)])
@pytest.mark.parametrize("keep", [True, False])
@pytest.mark.parametrize("act", ["NONE", "RELU"])
def test_fully_connected(shape, keep, act):
    x, wt, b = rand(*shape), rand(5, shape[-1]), rand(5)
    attrs = dict(keep_num_dims=keep, fused_activation=act)
    for bias in (b, None):
        got = call("FULLY_CONNECTED", x, wt, bias, **attrs)
        tb = None if bias is None else torch.from_numpy(bias)
        want = ACTS[act](F.linear(torch.from_numpy(x), torch.from_numpy(wt), tb))
        close(got, want.numpy().reshape(got.shape))
        assert got.shape == (shape[:-1] + (5,) if keep else (math.prod(shape[:-1]), 5))
        check_infer("FULLY_CONNECTED", [x, wt, bias], attrs, got)


@pytest.mark.parametrize("a,b", [((2, 3, 4), (2, 4, 5)), ((3, 4), (2, 1, 4, 6)),
                                 ((2, 1, 3, 4), (1, 5, 4, 2)), ((4, 3), (3, 2))])  # fmt: skip
@pytest.mark.parametrize("adj_x", [False, True])
@pytest.mark.parametrize("adj_y", [False, True])
def test_batch_matmul(a, b, adj_x, adj_y):
    x = rand(*a[:-2], a[-1], a[-2]) if adj_x else rand(*a)
    y = rand(*b[:-2], b[-1], b[-2]) if adj_y else rand(*b)
    got = call("BATCH_MATMUL", x, y, adj_x=adj_x, adj_y=adj_y)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    want = torch.matmul(
        tx.transpose(-1, -2) if adj_x else tx, ty.transpose(-1, -2) if adj_y else ty
    )
    close(got, want)
    check_infer("BATCH_MATMUL", [x, y], dict(adj_x=adj_x, adj_y=adj_y), got)


@pytest.mark.parametrize("shape", [(3, 7), (2, 3, 4, 5), (6,)])
@pytest.mark.parametrize("beta", [1.0, 0.5, 2.5])
def test_softmax(shape, beta):
    x = rand(*shape, scale=3.0)
    close(call("SOFTMAX", x, beta=beta), torch.softmax(torch.from_numpy(x) * beta, -1))


@pytest.mark.parametrize("shape", [(3, 7), (2, 3, 4, 5), (6,)])
def test_log_softmax(shape):
    x = rand(*shape, scale=3.0)
    close(call("LOG_SOFTMAX", x), torch.log_softmax(torch.from_numpy(x), -1))


@pytest.mark.parametrize("shape", [(3, 7), (2, 3, 4, 5), (1, 1)])
def test_l2_normalization(shape):
    x = rand(*shape)
    x[0] = 0.0  # all-zero rows stay zero (the epsilon guard)
    want = F.normalize(torch.from_numpy(x), p=2.0, dim=-1, eps=1e-6)
    close(call("L2_NORMALIZATION", x), want)


class Ctx:
    """The part of KernelContext that QUANTIZE/DEQUANTIZE read."""

    def __init__(self, inp, out):
        self.inputs = inp if isinstance(inp, list) else [inp]
        self.outputs = [out]


def lookup_ctx(value, out_dtype=None, quant=None):
    table = Tensor("table", as_dtype(value.dtype), value.shape, quantization=quant)
    out = Tensor("rows", as_dtype(out_dtype or value.dtype), (1,))
    return Ctx([None, table], out)


def test_embedding_lookup_any_type():
    ids = np.array([2, 0, 2, 3], np.int32)
    for value in (rand(4, 3, 2), RNG.integers(-100, 100, (4, 5)).astype(np.int8)):
        got = call("EMBEDDING_LOOKUP", ids, value, ctx=lookup_ctx(value), dtype="int32")
        want = F.embedding(torch.from_numpy(ids).long(), torch.from_numpy(value.reshape(4, -1)))
        np.testing.assert_array_equal(got, want.numpy().reshape(got.shape))
        check_infer("EMBEDDING_LOOKUP", [ids, value], {}, got)


@pytest.mark.parametrize("per_row", [False, True])
def test_embedding_lookup_hybrid(per_row):
    ids = np.array([3, 1, 3], np.int32)
    value = RNG.integers(-128, 127, (4, 5), endpoint=True).astype(np.int8)
    scales = RNG.uniform(0.01, 1.0, 4 if per_row else 1).astype(np.float32)
    ctx = lookup_ctx(value, "float32", QuantParams(scales, np.zeros(scales.size)))
    got = call("EMBEDDING_LOOKUP", ids, value, ctx=ctx, dtype="int32")
    table = torch.from_numpy(value).float() * torch.from_numpy(scales)[:, None]
    np.testing.assert_array_equal(got, F.embedding(torch.from_numpy(ids).long(), table).numpy())


def test_embedding_lookup_out_of_range():
    value = rand(4, 2)
    with pytest.raises(sl.errors.SigliteError, match="out of bounds"):
        call("EMBEDDING_LOOKUP", np.array([4], np.int32), value, ctx=lookup_ctx(value))


RESIZE_SIZES = [((4, 5), (8, 10)), ((5, 7), (3, 4)), ((3, 3), (7, 5)), ((1, 1), (3, 2)),
                ((6, 4), (6, 4)), ((4, 6), (1, 1))]  # fmt: skip


def source_grid(out_size, in_size, align_corners):
    """torch grid_sample coordinates (align_corners=True) of TFLite's legacy sample points."""
    scale = np.float32(in_size - 1) / np.float32(out_size - 1) if align_corners and out_size > 1 \
        else np.float32(in_size) / np.float32(out_size)  # fmt: skip
    pos = np.arange(out_size, dtype=np.float32) * scale
    return pos / max(in_size - 1, 1) * 2 - 1 if in_size > 1 else np.zeros_like(pos)


@pytest.mark.parametrize("src,dst", RESIZE_SIZES)
@pytest.mark.parametrize("mode", ["legacy", "align_corners", "half_pixel"])
def test_resize_bilinear(src, dst, mode):
    x = rand(2, *src, 3)
    size = np.array(dst, np.int32)
    attrs = dict(align_corners=mode == "align_corners", half_pixel_centers=mode == "half_pixel")
    got = call("RESIZE_BILINEAR", x, size, **attrs)
    if mode == "legacy":
        gy, gx = source_grid(dst[0], src[0], False), source_grid(dst[1], src[1], False)
        grid = np.stack(np.broadcast_arrays(gx[None, :], gy[:, None]), -1)[None].repeat(2, 0)
        grid = torch.from_numpy(grid.astype(np.float32))
        want = F.grid_sample(
            nchw(x), grid, mode="bilinear", padding_mode="border", align_corners=True
        )
    else:
        want = F.interpolate(nchw(x), size=dst, mode="bilinear",
                             align_corners=mode == "align_corners")  # fmt: skip
    close(got, nhwc(want))
    check_infer("RESIZE_BILINEAR", [x, size], attrs, got)


@pytest.mark.parametrize("src,dst", RESIZE_SIZES)
@pytest.mark.parametrize("half_pixel", [False, True])
def test_resize_nearest_neighbor(src, dst, half_pixel):
    x = RNG.integers(-50, 50, (2, *src, 3)).astype(np.int8)
    size = np.array(dst, np.int32)
    attrs = dict(half_pixel_centers=half_pixel)
    got = call("RESIZE_NEAREST_NEIGHBOR", x, size, dtype="int8", **attrs)
    mode = "nearest-exact" if half_pixel else "nearest"
    want = F.interpolate(nchw(x.astype(np.float32)), size=dst, mode=mode)
    np.testing.assert_array_equal(got, nhwc(want).astype(np.int8))
    check_infer("RESIZE_NEAREST_NEIGHBOR", [x, size], attrs, got)


def test_resize_rejects_both_modes():
    with pytest.raises(sl.errors.SigliteError, match="half_pixel_centers"):
        call("RESIZE_BILINEAR", rand(1, 2, 2, 1), np.array([3, 3], np.int32),
             align_corners=True, half_pixel_centers=True)  # fmt: skip


def qtensor(dtype, shape, scales, zeros, axis=0):
    return Tensor("q", as_dtype(dtype), shape, quantization=QuantParams(scales, zeros, axis))


def half_away(v):
    d = decimal.Decimal(float(v)).quantize(decimal.Decimal(1), rounding=decimal.ROUND_HALF_UP)
    return int(d)


TORCH_QUANT_DEPRECATED = "ignore:torch.quantize_per_tensor:UserWarning"


@pytest.mark.filterwarnings(TORCH_QUANT_DEPRECATED)
@pytest.mark.parametrize("dtype,zero", [("int8", -3), ("uint8", 128), ("int16", 0)])
def test_quantize_per_tensor(dtype, zero):
    scale = np.float32(0.05)
    x = rand(4, 50, scale=4.0)
    x[0, :8] = np.array([0.025, -0.025, 0.075, -0.125, 1e9, -1e9, 0.0, 0.0499], np.float32)
    out = qtensor(dtype, x.shape, [scale], [zero])
    got = call("QUANTIZE", x, ctx=Ctx(None, out))
    info = np.iinfo(dtype)
    want = [min(max(half_away(v / scale) + zero, info.min), info.max) for v in x.reshape(-1)]
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got.reshape(-1), np.array(want))
    # torch agrees away from ties (it rounds ties to even)
    tq = {"int8": torch.qint8, "uint8": torch.quint8, "int16": None}[dtype]
    if tq is not None:
        ref = torch.quantize_per_tensor(torch.from_numpy(x[1:]), float(scale), zero, tq)
        assert np.abs(got[1:].astype(int) - ref.int_repr().numpy().astype(int)).max() <= 1


@pytest.mark.filterwarnings(TORCH_QUANT_DEPRECATED)
@pytest.mark.parametrize("axis", [0, 3])
def test_quantize_per_channel(axis):
    x = rand(4, 3, 2, 5)
    scales = RNG.uniform(0.01, 0.1, x.shape[axis]).astype(np.float32)
    zeros = RNG.integers(-5, 5, x.shape[axis])
    got = call("QUANTIZE", x, ctx=Ctx(None, qtensor("int8", x.shape, scales, zeros, axis)))
    ref = torch.quantize_per_channel(torch.from_numpy(x), torch.from_numpy(scales).double(),
                                     torch.from_numpy(zeros), axis, torch.qint8)  # fmt: skip
    np.testing.assert_array_equal(got, ref.int_repr().numpy())


@pytest.mark.parametrize("dtype,zero", [("int8", -3), ("uint8", 128), ("int16", 0)])
def test_dequantize_per_tensor(dtype, zero):
    info = np.iinfo(dtype)
    q = RNG.integers(info.min, info.max, (3, 40), endpoint=True).astype(dtype)
    got = call("DEQUANTIZE", q, ctx=Ctx(qtensor(dtype, q.shape, [0.037], [zero]), None))
    want = (torch.from_numpy(q.astype(np.int32)) - zero).double() * float(np.float32(0.037))
    assert got.dtype == np.float32
    close(got, want.float(), rtol=1e-6, atol=0)


@pytest.mark.filterwarnings(TORCH_QUANT_DEPRECATED)
@pytest.mark.parametrize("axis", [0, 1, 3])
def test_dequantize_per_channel(axis):
    q = RNG.integers(-128, 127, (4, 3, 2, 5)).astype(np.int8)
    scales = RNG.uniform(0.01, 0.1, q.shape[axis]).astype(np.float32)
    zeros = RNG.integers(-5, 5, q.shape[axis])
    got = call("DEQUANTIZE", q, ctx=Ctx(qtensor("int8", q.shape, scales, zeros, axis), None))
    ts, tz = torch.from_numpy(scales).double(), torch.from_numpy(zeros)
    tq = torch._make_per_channel_quantized_tensor(torch.from_numpy(q), ts, tz, axis)
    close(got, tq.dequantize(), rtol=1e-6, atol=0)


def test_dequantize_float16():
    x = rand(3, 4).astype(np.float16)
    got = call("DEQUANTIZE", x, ctx=Ctx(Tensor("h", sl.float16, x.shape), None))
    np.testing.assert_array_equal(got, torch.from_numpy(x).float().numpy())


def test_infer_keeps_unknown_dims():
    x = Tensor("x", sl.float32, (1, 7, 9, 3), shape_signature=(-1, 7, -1, 3))
    f = Tensor("f", sl.float32, (4, 3, 3, 3), data=rand(4, 3, 3, 3))
    attrs = dict(padding="VALID", stride_h=2, stride_w=2)
    assert get_op("CONV_2D").infer([x, f, None], attrs)[0][1] == (-1, 3, -1, 4)
    shape = Tensor("s", sl.int32, (4,))  # not a constant: spatial sizes unknown
    assert get_op("TRANSPOSE_CONV").infer([shape, f, x, None], attrs)[0][1] == (-1, -1, -1, 4)
    fc = get_op("FULLY_CONNECTED").infer([x, Tensor("w", sl.float32, (5, 3))], {})
    assert fc[0][1] == (-1, 5)


def test_float_kernels_refuse_quantized_weights():
    w8 = RNG.integers(-5, 5, (3, 4)).astype(np.int8)
    with pytest.raises(sl.errors.UnsupportedOpError, match="FULLY_CONNECTED"):
        call("FULLY_CONNECTED", rand(2, 4), w8, None)
    with pytest.raises(sl.errors.UnsupportedOpError, match="CONV_2D"):
        call("CONV_2D", rand(1, 3, 3, 4), w8.reshape(3, 1, 1, 4), None, padding="SAME")


@pytest.mark.parametrize("op", ["SOFTMAX", "LOG_SOFTMAX"])
def test_softmax_of_an_empty_last_axis_is_empty(op):
    # LiteRT crashes on this input, so numpy's own empty result is the reference.
    x = np.zeros((2, 0), np.float32)
    got = KERNELS.get(op, "float32").fn(x)
    assert got.shape == (2, 0) and got.dtype == np.float32


@pytest.mark.parametrize("value", [True, False])
def test_where_of_a_scalar_keeps_the_count(value):
    # LiteRT refuses a 0-d condition; numpy's argwhere gives the [count, 0] coordinates.
    got = KERNELS.get("WHERE").fn(np.array(value))
    assert got.dtype == np.int64 and got.shape == np.argwhere(np.array(value)).shape
