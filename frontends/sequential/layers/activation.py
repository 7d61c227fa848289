"""Activation, ReLU, LeakyReLU and Softmax layers."""

from __future__ import annotations

from typing import Any

from siglite.ir import SubgraphBuilder, Tensor

from .. import activations
from .base import Layer


class Activation(Layer):
    """Applies an activation given by Keras name or function."""

    def __init__(self, activation: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.activation = activations.resolve(activation)

    def emit(self, g: SubgraphBuilder, x: Tensor, scope: str) -> Tensor:
        return activations.emit(g, x, self.activation, scope)


class ReLU(Layer):
    """Clipped ReLU: ``max_value`` above it, ``x`` from ``threshold``, else a sloped line."""

    def __init__(
        self,
        max_value: float | None = None,
        negative_slope: float = 0.0,
        threshold: float = 0.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.max_value = None if max_value is None else float(max_value)
        self.negative_slope = float(negative_slope)
        self.threshold = float(threshold)

    def _below_threshold(self, g: SubgraphBuilder, x: Tensor, scope: str) -> Tensor:
        t = activations.scalar(g, self.threshold, scope)
        keep = g.op("GREATER_EQUAL", x, t, name=f"{scope}/GreaterEqual")
        shifted = g.op("SUB", x, t, name=f"{scope}/sub", fused_activation="NONE")
        slope = activations.scalar(g, self.negative_slope, scope)
        low = g.op("MUL", shifted, slope, name=f"{scope}/mul", fused_activation="NONE")
        return g.op("SELECT_V2", keep, x, low, name=f"{scope}/SelectV2")

    def emit(self, g: SubgraphBuilder, x: Tensor, scope: str) -> Tensor:
        if self.threshold != 0.0:
            y = self._below_threshold(g, x, scope)
        elif self.negative_slope != 0.0:
            y = g.op("LEAKY_RELU", x, name=f"{scope}/LeakyRelu", alpha=self.negative_slope)
        elif self.max_value == 6.0:
            return g.op("RELU6", x, name=f"{scope}/Relu6")
        else:
            y = g.op("RELU", x, name=f"{scope}/Relu")
        if self.max_value is None:
            return y
        m = activations.scalar(g, self.max_value, scope)
        return g.op("MINIMUM", y, m, name=f"{scope}/Minimum")


class LeakyReLU(Layer):
    """``x`` for ``x >= 0`` else ``negative_slope * x`` (Keras default slope 0.3)."""

    def __init__(self, negative_slope: float = 0.3, **kwargs: Any) -> None:
        alpha = kwargs.pop("alpha", None)  # Keras 2 spelling
        super().__init__(**kwargs)
        self.negative_slope = float(negative_slope if alpha is None else alpha)

    def emit(self, g: SubgraphBuilder, x: Tensor, scope: str) -> Tensor:
        return g.op("LEAKY_RELU", x, name=f"{scope}/LeakyRelu", alpha=self.negative_slope)


class Softmax(Layer):
    """Softmax over ``axis`` (the last by default)."""

    def __init__(self, axis: int = -1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.axis = int(axis)

    def emit(self, g: SubgraphBuilder, x: Tensor, scope: str) -> Tensor:
        return activations.emit_softmax(g, x, self.axis, scope)
