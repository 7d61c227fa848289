"""``sl.nn``: activations, convolutions, pooling and normalization with TensorFlow's layouts.

Filters are given as TensorFlow lays them out (HWIO for conv2d, HWCM for depthwise_conv2d,
HW(out)(in) for conv2d_transpose) and rearranged for TFLite's kernels (OHWI, 1HW(C*M)); for
constant filters the rearranging node folds away at conversion.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from siglite.errors import SigliteError

from ..graph import is_symbolic
from ._core import common_dtype, emit, op, rank_of
from .array import identity, reshape, transpose
from .math import add, l2_normalize, multiply, rsqrt, sigmoid, subtract, tanh

__all__ = [
    "avg_pool2d",
    "batch_normalization",
    "bias_add",
    "conv2d",
    "conv2d_transpose",
    "depthwise_conv2d",
    "dropout",
    "elu",
    "gelu",
    "l2_normalize",
    "leaky_relu",
    "log_softmax",
    "max_pool2d",
    "moments",
    "relu",
    "relu6",
    "sigmoid",
    "silu",
    "softmax",
    "swish",
    "tanh",
]


def _act(op_name: str, doc: str):
    @op
    def fn(features: Any, name: str | None = None) -> Any:
        return emit(op_name, features, dtype=common_dtype(features), name=name)

    fn.__doc__ = doc
    return fn


relu = _act("RELU", "``max(x, 0)`` (RELU).")
relu6 = _act("RELU6", "``min(max(x, 0), 6)`` (RELU6).")
elu = _act("ELU", "``x`` if positive else ``exp(x) - 1`` (ELU).")


@op
def leaky_relu(features: Any, alpha: float = 0.2, name: str | None = None) -> Any:
    """``x`` if positive else ``alpha * x`` (LEAKY_RELU)."""
    return emit("LEAKY_RELU", features, alpha=float(alpha), name=name)


@op
def gelu(features: Any, approximate: bool = False, name: str | None = None) -> Any:
    """Gaussian error linear unit, exact or tanh-approximated (GELU)."""
    return emit("GELU", features, approximate=bool(approximate), name=name)


@op
def silu(features: Any, name: str | None = None) -> Any:
    """``x * sigmoid(x)``."""
    return multiply(features, sigmoid(features), name=name)


swish = silu


def _along(x: Any, axis: int | None, op_name: str, **attrs: Any) -> Any:
    """``op_name`` (which works on the last axis) applied along ``axis``: other axes are swapped
    to the end and back with TRANSPOSE, as TensorFlow's converter does."""
    rank = rank_of(x)
    a = -1 if axis is None else int(axis)
    if not -rank <= a < max(rank, 1):
        raise SigliteError(f"{op_name.lower()}: axis {axis} is out of range for rank {rank}")
    a %= max(rank, 1)
    if a == rank - 1 or rank == 0:
        return emit(op_name, x, **attrs)
    perm = list(range(rank))
    perm[a], perm[-1] = perm[-1], perm[a]
    return transpose(emit(op_name, transpose(x, perm), **attrs), perm)


@op
def softmax(logits: Any, axis: int | None = None, name: str | None = None) -> Any:
    """``exp(x) / sum(exp(x))`` along ``axis``, the last by default (SOFTMAX)."""
    return _along(logits, axis, "SOFTMAX", beta=1.0, name=name)


@op
def log_softmax(logits: Any, axis: int | None = None, name: str | None = None) -> Any:
    """``log(softmax(x))`` along ``axis``, the last by default (LOG_SOFTMAX)."""
    return _along(logits, axis, "LOG_SOFTMAX", name=name)


@op
def bias_add(value: Any, bias: Any, name: str | None = None) -> Any:
    """``value + bias`` over the last axis (ADD)."""
    return add(value, bias, name=name)


def dropout(x: Any, rate: float = 0.5, **_: Any) -> Any:
    """Inference-time dropout: the identity."""
    return identity(x)


def _pair(v: Any, name: str) -> tuple[int, int]:
    arr = [int(a) for a in np.atleast_1d(v if v is not None else 1)]
    if len(arr) == 1:
        return arr[0], arr[0]
    if len(arr) == 2:
        return arr[0], arr[1]
    if len(arr) == 4:
        if arr[0] != 1 or arr[3] != 1:
            raise SigliteError(f"{name}: batch and channel entries must be 1, got {arr}")
        return arr[1], arr[2]
    raise SigliteError(f"{name}: expected 1, 2 or 4 values, got {arr}")


def _padding(padding: Any) -> str:
    if not isinstance(padding, str) or padding.upper() not in ("SAME", "VALID"):
        raise SigliteError(f"padding must be 'SAME' or 'VALID', got {padding!r}")
    return padding.upper()


def _rearrange(w: Any, perm: list[int]) -> Any:
    if is_symbolic(w) or not isinstance(w, np.ndarray | list | tuple | float | int):
        return transpose(w, perm)
    return np.ascontiguousarray(np.transpose(np.asarray(w, np.float32), perm))


def _zeros_bias(n: int, x: Any) -> np.ndarray:
    dt = common_dtype(x)
    return np.zeros((n,), dt.numpy if dt is not None else np.float32)


@op
def conv2d(
    input: Any,
    filters: Any,
    strides: Any = 1,
    padding: str = "VALID",  # noqa: A002
    data_format: str = "NHWC",
    dilations: Any = None,
    name=None,
) -> Any:
    """2-D convolution, NHWC input and HWIO filters (CONV_2D)."""
    if data_format != "NHWC":
        raise SigliteError("conv2d: only data_format='NHWC' is supported")
    sh, sw = _pair(strides, "strides")
    dh, dw = _pair(dilations, "dilations")
    out_channels = int(np.shape(filters)[3]) if not is_symbolic(filters) else filters.shape[3]
    return emit(
        "CONV_2D",
        input,
        _rearrange(filters, [3, 0, 1, 2]),
        _zeros_bias(out_channels, input),
        padding=_padding(padding),
        stride_h=sh,
        stride_w=sw,
        dilation_h_factor=dh,
        dilation_w_factor=dw,
        fused_activation="NONE",
        name=name,
    )


@op
def depthwise_conv2d(
    input: Any,
    filter: Any,
    strides: Any = 1,
    padding: str = "VALID",  # noqa: A002
    data_format: str = "NHWC",
    dilations: Any = None,
    name=None,
) -> Any:
    """Depthwise 2-D convolution, HWCM filters (DEPTHWISE_CONV_2D with depth_multiplier M)."""
    kh, kw, c, mult = (
        (int(d) for d in np.shape(filter)) if not is_symbolic(filter) else filter.shape
    )
    if is_symbolic(filter) or not isinstance(filter, np.ndarray | list | tuple):
        w = reshape(filter, [1, kh, kw, c * mult])
    else:
        w = np.asarray(filter, np.float32).reshape(1, kh, kw, c * mult)
    sh, sw = _pair(strides, "strides")
    dh, dw = _pair(dilations, "dilations")
    return emit(
        "DEPTHWISE_CONV_2D",
        input,
        w,
        _zeros_bias(c * mult, input),
        padding=_padding(padding),
        stride_h=sh,
        stride_w=sw,
        depth_multiplier=mult,
        dilation_h_factor=dh,
        dilation_w_factor=dw,
        fused_activation="NONE",
        name=name,
    )


@op
def conv2d_transpose(
    input: Any,
    filters: Any,
    output_shape: Any,
    strides: Any = 1,  # noqa: A002
    padding: str = "SAME",
    name: str | None = None,
) -> Any:
    """Transposed 2-D convolution, HW(out)(in) filters (TRANSPOSE_CONV)."""
    sh, sw = _pair(strides, "strides")
    out_shape = output_shape if is_symbolic(output_shape) else np.asarray(output_shape, np.int32)
    return emit(
        "TRANSPOSE_CONV",
        out_shape,
        _rearrange(filters, [2, 0, 1, 3]),
        input,
        padding=_padding(padding),
        stride_h=sh,
        stride_w=sw,
        fused_activation="NONE",
        name=name,
    )


def _pool(op_name: str, doc: str):
    @op
    def fn(input: Any, ksize: Any, strides: Any, padding: str, data_format="NHWC", name=None):  # noqa: A002
        kh, kw = _pair(ksize, "ksize")
        sh, sw = _pair(strides, "strides")
        return emit(
            op_name,
            input,
            padding=_padding(padding),
            stride_h=sh,
            stride_w=sw,
            filter_height=kh,
            filter_width=kw,
            fused_activation="NONE",
            name=name,
        )

    fn.__doc__ = doc
    return fn


max_pool2d = _pool("MAX_POOL_2D", "Maximum over windows, NHWC (MAX_POOL_2D).")
avg_pool2d = _pool("AVERAGE_POOL_2D", "Average over windows, NHWC (AVERAGE_POOL_2D).")
max_pool = max_pool2d
avg_pool = avg_pool2d


@op
def batch_normalization(
    x: Any,
    mean: Any,
    variance: Any,
    offset: Any,
    scale: Any,
    variance_epsilon: float,
    name: str | None = None,
) -> Any:
    """``(x - mean) * scale / sqrt(variance + eps) + offset`` (MUL and ADD after folding)."""
    inv = rsqrt(add(variance, variance_epsilon))
    if scale is not None:
        inv = multiply(inv, scale)
    scaled_mean = multiply(mean, inv)
    shift = subtract(offset, scaled_mean) if offset is not None else multiply(scaled_mean, -1.0)
    return add(multiply(x, inv), shift, name=name)


@op
def moments(x: Any, axes: Any, keepdims: bool = False, name: str | None = None) -> Any:
    """Mean and variance over ``axes``."""
    from .math import reduce_mean, squared_difference

    mean = reduce_mean(x, axis=axes, keepdims=True)
    var = reduce_mean(squared_difference(x, mean), axis=axes, keepdims=keepdims)
    if not keepdims:
        mean = reduce_mean(x, axis=axes, keepdims=False)
    return mean, var


_unused = (tanh, l2_normalize)  # re-exported under sl.nn
