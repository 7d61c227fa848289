"""Schemas of the neural-network builtins: dense layers, convolutions, pooling, resizing,
softmax-like normalizations, embedding lookup and (de)quantization.

Layouts are TFLite's: NHWC activations, OHWI filters for CONV_2D and TRANSPOSE_CONV, 1HWO
filters for DEPTHWISE_CONV_2D. Spatial output sizes follow TFLite's padding rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...dtypes import float32
from ...errors import InvalidModelError
from ..registry import OpSchema, register_op
from .base import broadcast_shapes, same_as_first


def conv_out_size(size: int, kernel: int, stride: int, dilation: int, padding: str) -> int:
    """TFLite's output size of one spatial axis; ``-1`` stays unknown."""
    if size < 0:
        return -1
    effective = (kernel - 1) * dilation + 1
    if padding == "SAME":
        return (size + stride - 1) // stride
    if padding == "VALID":
        out = (size + stride - effective) // stride
        if out <= 0:
            raise InvalidModelError(
                f"VALID padding: input size {size} is smaller than the effective kernel {effective}"
            )
        return out
    raise InvalidModelError(f"padding must be SAME or VALID, got {padding!r}")


def _rank_check(t: Any, rank: int, op: str, what: str) -> tuple[int, ...]:
    shape = tuple(t.signature_shape)
    if len(shape) != rank:
        raise InvalidModelError(f"{op}: {what} %{t.name} must have rank {rank}, got {shape}")
    return shape


def _spatial(inputs: Sequence[Any], attrs: dict[str, Any], op: str, kh: int, kw: int):
    n, h, w, _ = _rank_check(inputs[0], 4, op, "input")
    pad = attrs.get("padding", "SAME")
    oh = conv_out_size(h, kh, attrs.get("stride_h", 1), attrs.get("dilation_h_factor", 1), pad)
    ow = conv_out_size(w, kw, attrs.get("stride_w", 1), attrs.get("dilation_w_factor", 1), pad)
    return n, oh, ow


def infer_conv_2d(inputs: Sequence[Any], attrs: dict[str, Any]):
    """NHWC input, OHWI filter -> (N, OH, OW, O)."""
    o, kh, kw, _ = _rank_check(inputs[1], 4, "CONV_2D", "filter")
    n, oh, ow = _spatial(inputs, attrs, "CONV_2D", kh, kw)
    return [(inputs[0].dtype, (n, oh, ow, o))]


def infer_depthwise_conv_2d(inputs: Sequence[Any], attrs: dict[str, Any]):
    """NHWC input, 1HWO filter -> (N, OH, OW, O)."""
    _, kh, kw, o = _rank_check(inputs[1], 4, "DEPTHWISE_CONV_2D", "filter")
    n, oh, ow = _spatial(inputs, attrs, "DEPTHWISE_CONV_2D", kh, kw)
    return [(inputs[0].dtype, (n, oh, ow, o))]


def infer_pool_2d(inputs: Sequence[Any], attrs: dict[str, Any]):
    """NHWC input -> (N, OH, OW, C) with the filter size from the attributes."""
    kh, kw = attrs.get("filter_height", 1), attrs.get("filter_width", 1)
    n, oh, ow = _spatial(inputs, attrs, "POOL_2D", kh, kw)
    return [(inputs[0].dtype, (n, oh, ow, inputs[0].signature_shape[3]))]


def _const_vector(t: Any, length: int) -> tuple[int, ...] | None:
    if t is None or t.data is None:
        return None
    values = tuple(int(v) for v in np.asarray(t.data).reshape(-1))
    return values if len(values) == length else None


def infer_transpose_conv(inputs: Sequence[Any], attrs: dict[str, Any]):
    """Inputs (output_shape, OHWI weights, NHWC input[, bias]); the shape is the constant."""
    shape = _const_vector(inputs[0], 4)
    if shape is None:
        o = inputs[1].signature_shape[0]
        shape = (inputs[2].signature_shape[0], -1, -1, o)
    return [(inputs[2].dtype, shape)]


def infer_fully_connected(inputs: Sequence[Any], attrs: dict[str, Any]):
    """(..., I) x (O, I) -> (..., O) with keep_num_dims, else (batch, O)."""
    x, w = inputs[0], inputs[1]
    xs, ws = tuple(x.signature_shape), tuple(w.signature_shape)
    if len(ws) != 2:
        raise InvalidModelError(f"FULLY_CONNECTED: weights %{w.name} must be 2-D, got {ws}")
    units, depth = ws
    if attrs.get("keep_num_dims", False):
        return [(x.dtype, xs[:-1] + (units,))]
    if depth > 0 and all(d >= 0 for d in xs):
        batch = int(np.prod(xs)) // depth
    else:
        batch = -1
    return [(x.dtype, (batch, units))]


def infer_batch_matmul(inputs: Sequence[Any], attrs: dict[str, Any]):
    """(..., M, K) x (..., K, N) -> (broadcast batch..., M, N), after adj_x / adj_y."""
    a, b = tuple(inputs[0].signature_shape), tuple(inputs[1].signature_shape)
    if len(a) < 2 or len(b) < 2:
        raise InvalidModelError(f"BATCH_MATMUL: operands need rank >= 2, got {a} and {b}")
    m = a[-1] if attrs.get("adj_x", False) else a[-2]
    n = b[-2] if attrs.get("adj_y", False) else b[-1]
    return [(inputs[0].dtype, broadcast_shapes(a[:-2], b[:-2]) + (m, n))]


def infer_resize(inputs: Sequence[Any], attrs: dict[str, Any]):
    """NHWC input and a 2-element ``size`` -> (N, new_h, new_w, C)."""
    n, _, _, c = _rank_check(inputs[0], 4, "RESIZE", "input")
    size = _const_vector(inputs[1], 2) or (-1, -1)
    return [(inputs[0].dtype, (n, size[0], size[1], c))]


def infer_embedding_lookup(inputs: Sequence[Any], attrs: dict[str, Any]):
    """ids (K,) and value (V, ...) -> (K, ...) of value's type."""
    ids, value = inputs[0], inputs[1]
    return [(value.dtype, tuple(ids.signature_shape)[:1] + tuple(value.signature_shape)[1:])]


def infer_dequantize(inputs: Sequence[Any], attrs: dict[str, Any]):
    """Any quantized (or float16) tensor -> float32 of the same shape."""
    return [(float32, tuple(inputs[0].signature_shape))]


_SCHEMAS = [
    OpSchema("FULLY_CONNECTED", infer=infer_fully_connected, options="FullyConnectedOptions"),
    OpSchema("BATCH_MATMUL", infer=infer_batch_matmul, options="BatchMatMulOptions"),
    OpSchema("CONV_2D", infer=infer_conv_2d, options="Conv2DOptions"),
    OpSchema("DEPTHWISE_CONV_2D", infer=infer_depthwise_conv_2d, options="DepthwiseConv2DOptions"),
    OpSchema("TRANSPOSE_CONV", infer=infer_transpose_conv, options="TransposeConvOptions"),
    OpSchema("AVERAGE_POOL_2D", infer=infer_pool_2d, options="Pool2DOptions"),
    OpSchema("MAX_POOL_2D", infer=infer_pool_2d, options="Pool2DOptions"),
    OpSchema("SOFTMAX", infer=same_as_first, options="SoftmaxOptions"),
    OpSchema("LOG_SOFTMAX", infer=same_as_first, options="LogSoftmaxOptions"),
    OpSchema("L2_NORMALIZATION", infer=same_as_first, options="L2NormOptions"),
    OpSchema("RESIZE_BILINEAR", infer=infer_resize, options="ResizeBilinearOptions"),
    OpSchema("RESIZE_NEAREST_NEIGHBOR", infer=infer_resize, options="ResizeNearestNeighborOptions"),
    OpSchema("EMBEDDING_LOOKUP", infer=infer_embedding_lookup),
    # The output type of QUANTIZE is the output tensor's own choice (int8, uint8, int16), so
    # there is no rule to infer it from the inputs; builders pass outputs explicitly.
    OpSchema("QUANTIZE", options="QuantizeOptions"),
    OpSchema("DEQUANTIZE", infer=infer_dequantize, options="DequantizeOptions"),
]

for _schema in _SCHEMAS:
    register_op(_schema)
