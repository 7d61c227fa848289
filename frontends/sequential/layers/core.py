"""Dense, Flatten, Reshape, Dropout and Embedding."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from siglite.errors import ConverterError
from siglite.ir import SubgraphBuilder, Tensor

from .. import activations
from .base import Layer


def apply_activation(
    g: SubgraphBuilder, op: str, inputs: Sequence[Tensor | None], act: str, scope: str, **attrs
) -> Tensor:
    """``op`` with ``act`` fused when TFLite can fuse it, else followed by the activation ops."""
    fused = activations.fused_code(act)
    y = g.op(op, *inputs, name=f"{scope}/{op.title().replace('_', '')}", **attrs,
             fused_activation=fused or "NONE")  # fmt: skip
    return y if fused is not None else activations.emit(g, y, act, scope)


class Dense(Layer):
    """``activation(x @ kernel + bias)`` on the last axis; kernel is ``(in, units)``."""

    def __init__(
        self,
        units: int,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = "glorot_uniform",
        bias_initializer: Any = "zeros",
        input_dim: int | None = None,
        **kwargs: Any,
    ) -> None:
        if input_dim is not None and kwargs.get("input_shape") is None:
            kwargs["input_shape"] = (input_dim,)
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = activations.resolve(activation)
        self.use_bias = use_bias
        self.kernel_initializer = kernel_initializer
        self.bias_initializer = bias_initializer

    def build(self, input_shape: tuple[int, ...]) -> None:
        fan_in = self.known_dim(input_shape, -1, "last dimension")
        self.kernel = self.add_weight("kernel", (fan_in, self.units), self.kernel_initializer)
        self.bias = (
            self.add_weight("bias", (self.units,), self.bias_initializer) if self.use_bias else None
        )

    def emit(self, g: SubgraphBuilder, x: Tensor, scope: str) -> Tensor:
        # TFLite stores fully-connected weights as (out, in).
        w = g.const(np.ascontiguousarray(self.kernel.numpy().T), f"{scope}/MatMul")
        b = g.const(self.bias.numpy(), f"{scope}/BiasAdd") if self.bias is not None else None
        return apply_activation(
            g, "FULLY_CONNECTED", (x, w, b), self.activation, scope, keep_num_dims=x.rank > 2
        )


def _resolve_shape(scope: str, in_shape: tuple[int, ...], target: Sequence[int]) -> list[int]:
    """A RESHAPE shape with the batch first; a -1 in ``target`` is worked out when possible."""
    target = [int(d) for d in target]
    rest = in_shape[1:]
    if -1 in target and all(d >= 0 for d in rest):
        known = int(np.prod([d for d in target if d != -1]))
        total = int(np.prod(rest))
        if known == 0 or total % known:
            raise ConverterError(f"{scope}: cannot reshape {in_shape} to (batch, *{target})")
        target[target.index(-1)] = total // known
    if -1 not in target:
        return [-1, *target]
    if in_shape[0] >= 0:
        return [in_shape[0], *target]
    raise ConverterError(
        f"{scope}: cannot reshape {in_shape} to (batch, *{target}) with both the batch and "
        "another dimension unknown"
    )


class Flatten(Layer):
    """Collapse everything but the batch dimension."""

    def emit(self, g: SubgraphBuilder, x: Tensor, scope: str) -> Tensor:
        shape = _resolve_shape(scope, x.signature_shape, [-1])
        s = g.const(np.array(shape, np.int32), f"{scope}/Const")
        return g.op("RESHAPE", x, s, name=f"{scope}/Reshape")


class Reshape(Layer):
    """Reshape to ``(batch, *target_shape)``; one -1 in ``target_shape`` is inferred."""

    def __init__(self, target_shape: Sequence[int], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)

    def emit(self, g: SubgraphBuilder, x: Tensor, scope: str) -> Tensor:
        shape = _resolve_shape(scope, x.signature_shape, self.target_shape)
        s = g.const(np.array(shape, np.int32), f"{scope}/shape")
        return g.op("RESHAPE", x, s, name=f"{scope}/Reshape")


class Dropout(Layer):
    """Random dropout while training; the identity at inference, so it emits nothing."""

    def __init__(self, rate: float, noise_shape: Any = None, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.rate = float(rate)

    def emit(self, g: SubgraphBuilder, x: Tensor, scope: str) -> Tensor:
        return x


class Embedding(Layer):
    """Rows of an ``(input_dim, output_dim)`` table picked by integer indices (GATHER)."""

    default_input_dtype = "int32"

    def __init__(
        self,
        input_dim: int,
        output_dim: int,
        embeddings_initializer: Any = "uniform",
        **kwargs: Any,
    ) -> None:
        kwargs.pop("input_length", None)  # Keras 2 argument, no effect on the graph
        super().__init__(**kwargs)
        self.input_dim = int(input_dim)
        self.output_dim = int(output_dim)
        self.embeddings_initializer = embeddings_initializer

    def build(self, input_shape: tuple[int, ...]) -> None:
        self.embeddings = self.add_weight(
            "embeddings", (self.input_dim, self.output_dim), self.embeddings_initializer
        )

    def emit(self, g: SubgraphBuilder, x: Tensor, scope: str) -> Tensor:
        if x.dtype.name not in ("int32", "int64"):
            x = g.op(
                "CAST",
                x,
                name=f"{scope}/Cast",
                in_data_type=x.dtype.tflite_name,
                out_data_type="INT32",
            )
        table = g.const(self.embeddings.numpy(), f"{scope}/embeddings")
        return g.op("GATHER", table, x, name=f"{scope}/GatherV2", axis=0, batch_dims=0)
