"""Max / average pooling and global pooling (NHWC)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from siglite.ir import SubgraphBuilder, Tensor

from .base import Layer
from .conv import check_channels_last, padding_attr, pair


class _Pooling2D(Layer):
    op = ""

    def __init__(
        self,
        pool_size: int | Sequence[int] = 2,
        strides: int | Sequence[int] | None = None,
        padding: str = "valid",
        data_format: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        check_channels_last(data_format)
        self.pool_size = pair(pool_size, "pool_size")
        # Keras: strides default to the pool size.
        self.strides = pair(strides, "strides") if strides is not None else self.pool_size
        self.padding = padding_attr(padding)

    def emit(self, g: SubgraphBuilder, x: Tensor, scope: str) -> Tensor:
        return g.op(
            self.op,
            x,
            name=f"{scope}/{self.op.title().replace('_', '')}",
            padding=self.padding,
            stride_h=self.strides[0],
            stride_w=self.strides[1],
            filter_height=self.pool_size[0],
            filter_width=self.pool_size[1],
            fused_activation="NONE",
        )


class MaxPooling2D(_Pooling2D):
    """Maximum over each window."""

    op = "MAX_POOL_2D"


class AveragePooling2D(_Pooling2D):
    """Mean over each window (padding not counted, as in Keras and TFLite)."""

    op = "AVERAGE_POOL_2D"


class _GlobalPooling2D(Layer):
    op = ""

    def __init__(self, data_format: str | None = None, keepdims: bool = False, **kwargs: Any):
        super().__init__(**kwargs)
        check_channels_last(data_format)
        self.keepdims = bool(keepdims)

    def emit(self, g: SubgraphBuilder, x: Tensor, scope: str) -> Tensor:
        axes = g.const(np.array([1, 2], np.int32), f"{scope}/reduction_indices")
        return g.op(self.op, x, axes, name=f"{scope}/{self.op.title()}", keep_dims=self.keepdims)


class GlobalAveragePooling2D(_GlobalPooling2D):
    """Mean over height and width."""

    op = "MEAN"


class GlobalMaxPooling2D(_GlobalPooling2D):
    """Maximum over height and width."""

    op = "REDUCE_MAX"
