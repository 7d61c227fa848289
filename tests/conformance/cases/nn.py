"""Conformance cases of the NN builtins: dense, convolutions, pooling, softmax-like ops,
resizing, embedding lookup, QUANTIZE and DEQUANTIZE."""

from __future__ import annotations

import numpy as np
from harness import Case, Const

from siglite.ir import QuantParams

_RNG = np.random.default_rng(20240607)


def _f(*shape: int, scale: float = 1.0) -> np.ndarray:
    return (_RNG.standard_normal(shape) * scale).astype(np.float32)


def _d(*shape: int) -> np.ndarray:
    """Multiples of 1/8 in [-1, 1]: products and their sums are exact in float32, so results
    do not depend on the summation order a kernel picks (LiteRT's XNNPACK path differs)."""
    return (_RNG.integers(-8, 9, shape) / 8).astype(np.float32)


def _i32(*values: int) -> Const:
    return Const(np.array(values, np.int32))


# The writer stores attributes as given, and a zero stride is invalid; spell the defaults out.
_UNIT = dict(stride_h=1, stride_w=1, dilation_h_factor=1, dilation_w_factor=1)


def _act_id(act: str) -> str:
    return "" if act == "NONE" else f"-{act.lower()}"


def _conv_cases() -> list[Case]:
    grid = [
        # (n, h, w, c, o, kh, kw, sh, sw, dh, dw, padding, act); LiteRT's CONV_2D refuses to
        # prepare without a bias, so every case here has one
        (1, 7, 9, 3, 4, 3, 3, 1, 1, 1, 1, "SAME", "NONE"),
        (2, 8, 8, 5, 6, 3, 3, 2, 2, 1, 1, "SAME", "RELU"),
        (1, 9, 7, 2, 3, 2, 4, 3, 2, 1, 1, "VALID", "RELU6"),
        (1, 10, 11, 3, 2, 3, 3, 1, 1, 2, 3, "SAME", "RELU_N1_TO_1"),
        (1, 10, 11, 3, 2, 3, 2, 2, 1, 2, 2, "VALID", "NONE"),
        (3, 1, 1, 4, 5, 1, 1, 1, 1, 1, 1, "SAME", "NONE"),
        (1, 1, 1, 2, 3, 3, 3, 1, 1, 1, 1, "SAME", "RELU"),
        (1, 6, 6, 4, 4, 5, 5, 1, 1, 1, 1, "SAME", "TANH"),
        (1, 12, 12, 3, 8, 7, 7, 2, 2, 1, 1, "SAME", "NONE"),
        (2, 5, 5, 8, 16, 1, 1, 2, 2, 1, 1, "VALID", "RELU"),
        (1, 16, 16, 16, 32, 3, 3, 1, 1, 1, 1, "SAME", "RELU6"),
        (1, 6, 6, 6, 4, 3, 3, 1, 1, 1, 1, "SAME", "NONE"),
    ]
    cases = []
    for n, h, w, c, o, kh, kw, sh, sw, dh, dw, padding, act in grid:
        attrs = dict(padding=padding, stride_h=sh, stride_w=sw, dilation_h_factor=dh,
                     dilation_w_factor=dw, fused_activation=act)  # fmt: skip
        ci = c // 2 if (c, o) == (6, 4) else c  # one grouped convolution (2 groups)
        inputs = [_d(n, h, w, c), Const(_d(o, kh, kw, ci)), Const(_d(o))]
        cid = f"{n}x{h}x{w}x{c}-k{kh}x{kw}-s{sh}{sw}-d{dh}{dw}-{padding.lower()}{_act_id(act)}"
        cases.append(Case("CONV_2D", inputs, attrs, id=cid + ("-g2" if ci != c else "")))
    # weights as a graph input rather than a constant
    cases.append(Case("CONV_2D", [_d(1, 5, 5, 2), _d(3, 3, 3, 2), _d(3)],
                      dict(padding="SAME", **_UNIT), id="dynamic-weights"))  # fmt: skip
    return cases


def _depthwise_cases() -> list[Case]:
    grid = [
        # (n, h, w, c, mult, kh, kw, sh, sw, dh, dw, padding, act)
        (1, 7, 8, 3, 1, 3, 3, 1, 1, 1, 1, "SAME", "NONE"),
        (2, 9, 9, 4, 2, 3, 3, 2, 2, 1, 1, "SAME", "RELU6"),
        (1, 8, 10, 2, 3, 2, 3, 1, 2, 1, 1, "VALID", "RELU"),
        (1, 11, 9, 3, 2, 3, 3, 1, 1, 2, 2, "SAME", "NONE"),
        (1, 1, 1, 5, 1, 3, 3, 2, 2, 1, 1, "SAME", "NONE"),
        (1, 13, 13, 2, 1, 5, 5, 2, 2, 1, 1, "VALID", "TANH"),
        (1, 6, 6, 1, 4, 3, 3, 1, 1, 1, 1, "SAME", "RELU_N1_TO_1"),
    ]
    cases = []
    for n, h, w, c, m, kh, kw, sh, sw, dh, dw, padding, act in grid:
        attrs = dict(padding=padding, stride_h=sh, stride_w=sw, depth_multiplier=m,
                     dilation_h_factor=dh, dilation_w_factor=dw, fused_activation=act)  # fmt: skip
        inputs = [_d(n, h, w, c), Const(_d(1, kh, kw, c * m)), Const(_d(c * m))]
        cid = f"{n}x{h}x{w}x{c}-m{m}-k{kh}x{kw}-s{sh}{sw}-d{dh}{dw}-{padding.lower()}{_act_id(act)}"
        cases.append(Case("DEPTHWISE_CONV_2D", inputs, attrs, id=cid))
    return cases


def _transpose_conv_cases() -> list[Case]:
    grid = [
        # (n, h, w, c, o, kh, kw, sh, sw, padding, act, bias)
        (1, 4, 5, 3, 2, 3, 3, 2, 2, "SAME", "NONE", True),
        (2, 3, 3, 2, 4, 3, 3, 1, 1, "SAME", "RELU", True),
        (1, 4, 4, 3, 2, 2, 2, 2, 2, "VALID", "NONE", False),
        (1, 3, 5, 2, 3, 4, 3, 3, 2, "VALID", "RELU6", True),
        (1, 1, 1, 3, 2, 3, 3, 2, 2, "SAME", "NONE", False),
        (1, 5, 4, 1, 1, 5, 5, 1, 2, "SAME", "NONE", True),
        (1, 4, 4, 2, 3, 4, 4, 2, 2, "SAME", "NONE", True),
    ]
    cases = []
    for n, h, w, c, o, kh, kw, sh, sw, padding, act, bias in grid:
        if padding == "SAME":
            oh, ow = h * sh, w * sw
        else:
            oh, ow = (h - 1) * sh + kh, (w - 1) * sw + kw
        attrs = dict(padding=padding, stride_h=sh, stride_w=sw, fused_activation=act)
        inputs = [_i32(n, oh, ow, o), Const(_d(o, kh, kw, c)), _d(n, h, w, c),
                  Const(_d(o)) if bias else None]  # fmt: skip
        cid = f"{n}x{h}x{w}x{c}-k{kh}x{kw}-s{sh}{sw}-{padding.lower()}{_act_id(act)}"
        cases.append(Case("TRANSPOSE_CONV", inputs, attrs, id=cid + ("" if bias else "-nobias")))
    return cases


def _pool_cases() -> list[Case]:
    grid = [
        # (n, h, w, c, fh, fw, sh, sw, padding, act)
        (1, 7, 7, 3, 3, 3, 2, 2, "SAME", "NONE"),
        (2, 8, 9, 2, 2, 2, 2, 2, "VALID", "RELU"),
        (1, 6, 5, 4, 3, 2, 1, 1, "SAME", "RELU6"),
        (1, 10, 10, 1, 4, 4, 3, 3, "SAME", "NONE"),
        (1, 1, 1, 3, 3, 3, 1, 1, "SAME", "NONE"),
        (3, 5, 5, 2, 5, 5, 1, 1, "VALID", "NONE"),
        (1, 9, 9, 2, 3, 3, 1, 1, "SAME", "RELU_N1_TO_1"),
        (1, 8, 6, 3, 2, 3, 2, 1, "SAME", "TANH"),
    ]
    cases = []
    for op in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
        for n, h, w, c, fh, fw, sh, sw, padding, act in grid:
            attrs = dict(padding=padding, stride_h=sh, stride_w=sw, filter_height=fh,
                         filter_width=fw, fused_activation=act)  # fmt: skip
            cid = f"{n}x{h}x{w}x{c}-f{fh}x{fw}-s{sh}{sw}-{padding.lower()}{_act_id(act)}"
            cases.append(Case(op, [_d(n, h, w, c)], attrs, id=cid))
    return cases


def _dense_cases() -> list[Case]:
    cases = []
    for shape, keep, act, bias in [
        ((4, 6), False, "NONE", True),
        ((2, 3, 6), True, "RELU", True),
        ((2, 3, 6), False, "RELU6", False),
        ((1, 6), False, "RELU_N1_TO_1", True),
        ((3, 1, 2, 6), True, "NONE", False),
    ]:
        inputs = [_d(*shape), Const(_d(5, shape[-1])), Const(_d(5)) if bias else None]
        attrs = dict(keep_num_dims=keep, fused_activation=act)
        cid = "x".join(map(str, shape)) + ("-keep" if keep else "") + _act_id(act)
        cases.append(Case("FULLY_CONNECTED", inputs, attrs, id=cid + ("" if bias else "-nobias")))
    cases.append(Case("FULLY_CONNECTED", [_d(3, 4), _d(2, 4), _d(2)], {}, id="dynamic-weights"))
    for a, b, adj_x, adj_y in [
        ((2, 3, 4), (2, 4, 5), False, False),
        ((2, 4, 3), (2, 4, 5), True, False),
        ((2, 3, 4), (2, 5, 4), False, True),
        ((3, 4), (2, 1, 4, 6), False, False),
        ((2, 1, 4, 3), (1, 5, 2, 4), True, True),
        ((4, 3), (3, 2), False, False),
    ]:
        attrs = dict(adj_x=adj_x, adj_y=adj_y)
        cid = f"{'x'.join(map(str, a))}-{'x'.join(map(str, b))}-adj{int(adj_x)}{int(adj_y)}"
        cases.append(Case("BATCH_MATMUL", [_d(*a), _d(*b)], attrs, id=cid))
    cases.append(Case("BATCH_MATMUL", [_d(2, 3, 4), Const(_d(4, 5))], {}, id="const-rhs"))
    return cases


def _normalization_cases() -> list[Case]:
    cases = []
    for shape in [(3, 7), (2, 3, 4, 5), (1, 10)]:
        sid = "x".join(map(str, shape))
        for beta in (1.0, 0.5, 2.5):
            x = _f(*shape, scale=3.0)
            cases.append(Case("SOFTMAX", [x], dict(beta=beta), id=f"{sid}-beta{beta}"))
        cases.append(Case("LOG_SOFTMAX", [_f(*shape, scale=3.0)], {}, id=sid))
        cases.append(Case("L2_NORMALIZATION", [_f(*shape)], {}, id=sid))
    zero_row = _f(3, 4)
    zero_row[1] = 0.0
    cases.append(Case("L2_NORMALIZATION", [zero_row], {}, id="zero-row"))
    # An empty batch gives an empty output (an empty last axis crashes LiteRT's kernels).
    cases.append(Case("SOFTMAX", [_f(0, 3)], dict(beta=1.0), id="empty-batch"))
    cases.append(Case("LOG_SOFTMAX", [_f(0, 3)], {}, id="empty-batch"))
    return cases


def _resize_cases() -> list[Case]:
    sizes = [((4, 5), (8, 10)), ((5, 7), (3, 4)), ((3, 3), (7, 5)), ((1, 1), (3, 2)),
             ((6, 4), (6, 4)), ((4, 6), (1, 1)), ((2, 3), (5, 9))]  # fmt: skip
    modes = {"legacy": (False, False), "align": (True, False), "half": (False, True)}
    cases = []
    for (h, w), (oh, ow) in sizes:
        for mode, (align, half) in modes.items():
            attrs = dict(align_corners=align, half_pixel_centers=half)
            cid = f"{h}x{w}-to-{oh}x{ow}-{mode}"
            x = _f(2, h, w, 3)
            cases.append(Case("RESIZE_BILINEAR", [x, _i32(oh, ow)], attrs, id=cid))
            q = _RNG.integers(-100, 100, (1, h, w, 2)).astype(np.int8)
            for inp, kind in ((x, "f32"), (q, "i8")):
                nid = f"{cid}-{kind}"
                cases.append(Case("RESIZE_NEAREST_NEIGHBOR", [inp, _i32(oh, ow)], attrs, id=nid))
    return cases


def _embedding_cases() -> list[Case]:
    ids = np.array([2, 0, 2, 3, 1], np.int32)
    i8 = _RNG.integers(-9, 9, (4, 3)).astype(np.int8)
    i32 = _RNG.integers(-9, 9, (4, 3)).astype(np.int32)
    return [
        Case("EMBEDDING_LOOKUP", [ids, Const(_f(4, 3))], {}, id="f32-2d"),
        Case("EMBEDDING_LOOKUP", [ids, Const(_f(4, 2, 3))], {}, id="f32-3d"),
        Case("EMBEDDING_LOOKUP", [ids[:1], _f(5, 4)], {}, id="f32-dynamic-table"),
        Case("EMBEDDING_LOOKUP", [ids, Const(i8)], {}, id="i8"),
        Case("EMBEDDING_LOOKUP", [ids, Const(i32)], {}, id="i32"),
        *_hybrid_embedding_cases(ids),
    ]


def _hybrid_embedding_cases(ids: np.ndarray) -> list[Case]:
    """int8/uint8 tables with a float32 output: rows scaled per tensor or per row."""
    cases = []
    for dtype in ("int8", "uint8"):
        info = np.iinfo(dtype)
        table = _RNG.integers(info.min, info.max, (4, 3), endpoint=True).astype(dtype)
        for scales in ([0.25], [0.5, 0.125, 2.0, 0.03]):
            quant = {"in1": _quant(scales, np.zeros(len(scales)))}
            kind = "per-row" if len(scales) > 1 else "per-tensor"
            out = [("float32", (ids.size, 3))]
            cid = f"hybrid-{dtype}-{kind}"
            cases.append(Case("EMBEDDING_LOOKUP", [ids, Const(table)], {}, out, id=cid,
                              quantization=quant))  # fmt: skip
    return cases


def _quant(scales, zeros, axis: int = 0) -> QuantParams:
    return QuantParams(np.asarray(scales, np.float32), np.asarray(zeros, np.int64), axis)


def _quantize_cases() -> list[Case]:
    x = _f(3, 40, scale=3.0)
    # Saturation both ways and zero. No exact ties of x / scale: LiteRT's reference kernel
    # rounds them away from zero, its optimized kernel to even (the unit tests pin ties).
    x[0, :5] = np.array([100.0, -100.0, 0.0, 0.0499, -0.0751], np.float32)
    cases = []
    for dtype, zero in (("int8", -3), ("uint8", 128), ("int16", 0)):
        q = {"out0": _quant([0.05], [zero])}
        cases.append(Case("QUANTIZE", [x], {}, [(dtype, x.shape)], id=dtype, quantization=q))
    return cases


def _dequantize_cases() -> list[Case]:
    cases = []
    for dtype, zero in (("int8", -3), ("uint8", 128), ("int16", 0)):
        info = np.iinfo(dtype)
        q = _RNG.integers(info.min, info.max, (3, 40), endpoint=True).astype(dtype)
        quant = {"in0": _quant([0.037], [zero])}
        cases.append(Case("DEQUANTIZE", [q], {}, id=dtype, quantization=quant))
    for axis in (0, 3):
        w = _RNG.integers(-127, 127, (4, 3, 2, 5), endpoint=True).astype(np.int8)
        scales = _RNG.uniform(0.001, 0.1, w.shape[axis])
        quant = {"in0": _quant(scales, np.zeros(w.shape[axis]), axis)}
        # a graph input: LiteRT's XNNPACK path fails on a graph of constants only
        cases.append(Case("DEQUANTIZE", [w], {}, id=f"per-channel-axis{axis}", quantization=quant))
    cases.append(Case("DEQUANTIZE", [_f(3, 4).astype(np.float16)], {}, id="float16"))
    return cases


CASES = [
    *_conv_cases(),
    *_depthwise_cases(),
    *_transpose_conv_cases(),
    *_pool_cases(),
    *_dense_cases(),
    *_normalization_cases(),
    *_resize_cases(),
    *_embedding_cases(),
    *_quantize_cases(),
    *_dequantize_cases(),
]
