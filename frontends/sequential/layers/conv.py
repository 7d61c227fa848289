"""Conv2D and DepthwiseConv2D (NHWC, Keras kernel layouts converted to TFLite's)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from siglite.errors import UnsupportedOpError
from siglite.ir import SubgraphBuilder, Tensor

from .. import activations
from .base import Layer
from .core import apply_activation


def pair(value: int | Sequence[int], what: str) -> tuple[int, int]:
    """``3`` -> ``(3, 3)``; a pair stays a pair."""
    if isinstance(value, int | np.integer):
        return int(value), int(value)
    v = tuple(int(d) for d in value)
    if len(v) != 2:
        raise UnsupportedOpError(f"{what} must be an int or a pair, got {value!r}")
    return v[0], v[1]


def padding_attr(padding: str) -> str:
    """Keras ``'valid'`` / ``'same'`` as the TFLite enum value."""
    p = str(padding).upper()
    if p not in ("VALID", "SAME"):
        raise UnsupportedOpError(f"padding must be 'valid' or 'same', got {padding!r}")
    return p


def check_channels_last(data_format: str | None) -> None:
    if data_format not in (None, "channels_last"):
        raise UnsupportedOpError(
            f"only data_format='channels_last' is supported, got {data_format!r}"
        )


class _ConvBase(Layer):
    def __init__(
        self,
        kernel_size: int | Sequence[int],
        strides: int | Sequence[int] = 1,
        padding: str = "valid",
        data_format: str | None = None,
        dilation_rate: int | Sequence[int] = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        check_channels_last(data_format)
        self.kernel_size = pair(kernel_size, "kernel_size")
        self.strides = pair(strides, "strides")
        self.padding = padding_attr(padding)
        self.dilation_rate = pair(dilation_rate, "dilation_rate")
        self.activation = activations.resolve(activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer

    def _conv_attrs(self) -> dict[str, Any]:
        return {
            "padding": self.padding,
            "stride_h": self.strides[0],
            "stride_w": self.strides[1],
            "dilation_h_factor": self.dilation_rate[0],
            "dilation_w_factor": self.dilation_rate[1],
        }

    def _bias_const(self, g: SubgraphBuilder, channels: int, scope: str) -> Tensor:
        # Always give TFLite a bias tensor: its conv kernels expect three inputs.
        value = self.bias.numpy() if self.bias is not None else np.zeros(channels, np.float32)
        return g.const(value, f"{scope}/BiasAdd")


class Conv2D(_ConvBase):
    """2-D convolution; Keras kernel ``(kh, kw, in, filters)``, TFLite filter OHWI."""

    def __init__(self, filters: int, kernel_size: int | Sequence[int], **kwargs: Any) -> None:
        groups = kwargs.pop("groups", 1)
        if groups != 1:
            raise UnsupportedOpError(f"Conv2D groups={groups} is not supported (only 1)")
        super().__init__(kernel_size, **kwargs)
        self.filters = int(filters)

    def build(self, input_shape: tuple[int, ...]) -> None:
        cin = self.known_dim(input_shape, -1, "channel count")
        shape = (*self.kernel_size, cin, self.filters)
        self.kernel = self.add_weight("kernel", shape, self.kernel_initializer)
        self.bias = (
            self.add_weight("bias", (self.filters,), self.bias_initializer)
            if self.use_bias
            else None
        )

    def emit(self, g: SubgraphBuilder, x: Tensor, scope: str) -> Tensor:
        ohwi = np.ascontiguousarray(self.kernel.numpy().transpose(3, 0, 1, 2))
        w = g.const(ohwi, f"{scope}/convolution")
        b = self._bias_const(g, self.filters, scope)
        return apply_activation(
            g, "CONV_2D", (x, w, b), self.activation, scope, **self._conv_attrs()
        )


class DepthwiseConv2D(_ConvBase):
    """Depthwise convolution; Keras kernel ``(kh, kw, in, mult)``, TFLite ``(1, kh, kw, in*m)``."""

    def __init__(
        self,
        kernel_size: int | Sequence[int],
        strides: int | Sequence[int] = 1,
        padding: str = "valid",
        depth_multiplier: int = 1,
        depthwise_initializer: Any = "glorot_uniform",
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("kernel_initializer", depthwise_initializer)
        super().__init__(kernel_size, strides, padding, **kwargs)
        self.depth_multiplier = int(depth_multiplier)

    def build(self, input_shape: tuple[int, ...]) -> None:
        cin = self.known_dim(input_shape, -1, "channel count")
        shape = (*self.kernel_size, cin, self.depth_multiplier)
        self.kernel = self.add_weight("kernel", shape, self.kernel_initializer)
        out = cin * self.depth_multiplier
        self.bias = (
            self.add_weight("bias", (out,), self.bias_initializer) if self.use_bias else None
        )

    def emit(self, g: SubgraphBuilder, x: Tensor, scope: str) -> Tensor:
        kh, kw, cin, mult = self.kernel.shape
        # Output channel c * mult + m of TFLite matches Keras' (c, m) order: a plain reshape.
        filt = self.kernel.numpy().reshape(1, kh, kw, cin * mult)
        w = g.const(filt, f"{scope}/depthwise")
        b = self._bias_const(g, cin * mult, scope)
        attrs = self._conv_attrs() | {"depth_multiplier": mult}
        return apply_activation(g, "DEPTHWISE_CONV_2D", (x, w, b), self.activation, scope, **attrs)
