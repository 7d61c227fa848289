"""BatchNormalization (inference form) and LayerNormalization."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from siglite.errors import UnsupportedOpError
from siglite.ir import SubgraphBuilder, Tensor

from .base import Layer


def _axes(axis: int | Sequence[int], rank: int, who: str) -> list[int]:
    axes = [axis] if isinstance(axis, int | np.integer) else list(axis)
    out = sorted({int(a) + rank if a < 0 else int(a) for a in axes})
    if not out or out[0] < 1 or out[-1] >= rank:
        raise UnsupportedOpError(f"{who}: axis {axis!r} is out of range for rank {rank}")
    return out


def _broadcast_shape(shape: Sequence[int], axes: Sequence[int]) -> tuple[int, ...]:
    """The shape of a per-axis constant that broadcasts against ``shape`` (leading 1s dropped)."""
    full = [shape[i] if i in axes else 1 for i in range(len(shape))]
    while full and full[0] == 1:
        full.pop(0)
    return tuple(full)


_FOLDABLE = {"CONV_2D": 0, "DEPTHWISE_CONV_2D": 3, "FULLY_CONNECTED": 0}  # op -> channel axis


def _fold_into_producer(
    g: SubgraphBuilder, x: Tensor, mult: np.ndarray, offset: np.ndarray
) -> bool:
    """Scale the filter and bias of the op that just wrote ``x``, as TFLite's converter does.

    Only when that op is the last one, has no fused activation and constant weights; ``x`` is
    then read by nothing else yet (layers are a chain).
    """
    nodes = g.subgraph.nodes
    node = nodes[-1] if nodes else None
    if node is None or node.outputs[0] is not x or node.op not in _FOLDABLE:
        return False
    if node.attrs.get("fused_activation", "NONE") != "NONE":
        return False
    w, b = node.inputs[1], node.inputs[2] if len(node.inputs) > 2 else None
    if w is None or not w.is_constant or (b is not None and not b.is_constant):
        return False
    shape = [1] * w.rank
    shape[_FOLDABLE[node.op]] = -1
    new_w = (w.data.astype(np.float64) * mult.reshape(shape)).astype(np.float32)
    old_b = b.data.astype(np.float64) if b is not None else 0.0
    new_b = (old_b * mult + offset).astype(np.float32)
    node.inputs[1] = g.const(new_w, w.name)
    bias = g.const(new_b, b.name if b is not None else f"{x.name}/bias")
    node.inputs = [*node.inputs[:2], bias, *node.inputs[3:]]
    dropped = {id(w)} | ({id(b)} if b is not None else set())
    g.subgraph.tensors = [t for t in g.subgraph.tensors if id(t) not in dropped]
    return True


class BatchNormalization(Layer):
    """``(x - moving_mean) / sqrt(moving_variance + epsilon) * gamma + beta`` at inference.

    Weights in Keras order: gamma (if ``scale``), beta (if ``center``), moving_mean,
    moving_variance. The graph gets the folded form: one MUL and one ADD by constants.
    """

    def __init__(
        self,
        axis: int = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        moving_mean_initializer: Any = "zeros",
        moving_variance_initializer: Any = "ones",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.axis = int(axis)
        self.momentum = float(momentum)
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self._inits = (
            gamma_initializer,
            beta_initializer,
            moving_mean_initializer,
            moving_variance_initializer,
        )

    def build(self, input_shape: tuple[int, ...]) -> None:
        (axis,) = _axes(self.axis, len(input_shape), f"layer {self.name!r}")
        c = (self.known_dim(input_shape, axis, "channel count"),)
        g_init, b_init, m_init, v_init = self._inits
        self.gamma = self.add_weight("gamma", c, g_init) if self.scale else None
        self.beta = self.add_weight("beta", c, b_init) if self.center else None
        self.moving_mean = self.add_weight("moving_mean", c, m_init, trainable=False)
        self.moving_variance = self.add_weight("moving_variance", c, v_init, trainable=False)

    def folded(self) -> tuple[np.ndarray, np.ndarray]:
        """``(multiplier, offset)`` with ``y = x * multiplier + offset``."""
        var = self.moving_variance.numpy().astype(np.float64)
        mult = 1.0 / np.sqrt(var + self.epsilon)
        if self.gamma is not None:
            mult = mult * self.gamma.numpy()
        offset = -self.moving_mean.numpy() * mult
        if self.beta is not None:
            offset = offset + self.beta.numpy()
        return mult.astype(np.float32), offset.astype(np.float32)

    def emit(self, g: SubgraphBuilder, x: Tensor, scope: str) -> Tensor:
        (axis,) = _axes(self.axis, x.rank, f"layer {self.name!r}")
        shape = _broadcast_shape(x.signature_shape, [axis])
        mult, offset = self.folded()
        if axis == x.rank - 1 and _fold_into_producer(g, x, mult, offset):
            return x
        m = g.const(mult.reshape(shape), f"{scope}/mul")
        a = g.const(offset.reshape(shape), f"{scope}/add")
        y = g.op("MUL", x, m, name=f"{scope}/batchnorm/mul", fused_activation="NONE")
        return g.op("ADD", y, a, name=f"{scope}/batchnorm/add", fused_activation="NONE")


class LayerNormalization(Layer):
    """Normalise over ``axis`` per example, then scale by gamma and shift by beta."""

    def __init__(
        self,
        axis: int | Sequence[int] = -1,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = "zeros",
        gamma_initializer: Any = "ones",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.axis = axis
        self.epsilon = float(epsilon)
        self.center = center
        self.scale = scale
        self._inits = (gamma_initializer, beta_initializer)

    def build(self, input_shape: tuple[int, ...]) -> None:
        axes = _axes(self.axis, len(input_shape), f"layer {self.name!r}")
        shape = tuple(self.known_dim(input_shape, a, "normalised dimension") for a in axes)
        self.gamma = self.add_weight("gamma", shape, self._inits[0]) if self.scale else None
        self.beta = self.add_weight("beta", shape, self._inits[1]) if self.center else None

    def emit(self, g: SubgraphBuilder, x: Tensor, scope: str) -> Tensor:
        axes = _axes(self.axis, x.rank, f"layer {self.name!r}")
        ax = g.const(np.array(axes, np.int32), f"{scope}/moments/axes")
        mean = g.op("MEAN", x, ax, name=f"{scope}/moments/mean", keep_dims=True)
        sq = g.op("SQUARED_DIFFERENCE", x, mean, name=f"{scope}/moments/SquaredDifference")
        var = g.op("MEAN", sq, ax, name=f"{scope}/moments/variance", keep_dims=True)
        eps = g.const(np.float32(self.epsilon), f"{scope}/epsilon")
        var_eps = g.op("ADD", var, eps, name=f"{scope}/add", fused_activation="NONE")
        inv = g.op("RSQRT", var_eps, name=f"{scope}/Rsqrt")
        centred = g.op("SUB", x, mean, name=f"{scope}/sub", fused_activation="NONE")
        y = g.op("MUL", centred, inv, name=f"{scope}/mul", fused_activation="NONE")
        shape = _broadcast_shape(x.signature_shape, axes)
        if self.gamma is not None:
            gamma = g.const(self.gamma.numpy().reshape(shape), f"{scope}/gamma")
            y = g.op("MUL", y, gamma, name=f"{scope}/mul_gamma", fused_activation="NONE")
        if self.beta is not None:
            beta = g.const(self.beta.numpy().reshape(shape), f"{scope}/beta")
            y = g.op("ADD", y, beta, name=f"{scope}/add_beta", fused_activation="NONE")
        return y
