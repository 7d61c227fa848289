"""A small builder API to create models without touching the file format.

mb = sl.ModelBuilder()
g = mb.subgraph("encode")
x = g.input("x", sl.float32, [-1, 4])        # -1: dynamic (shape 1, shape_signature -1)
w = g.const(np.ones((8, 4), np.float32), "w")
y = g.op("FULLY_CONNECTED", x, w, None, fused_activation="RELU")
g.output(y, "y")
mb.signature("encode", g)                     # names from input()/output()
model = mb.build()
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..dtypes import DType, as_dtype
from ..errors import InvalidModelError
from .emitter import GraphEmitter
from .graph import Model, Node, QuantParams, Signature, Subgraph, Tensor
from .lint import check


class SubgraphBuilder:
    """Adds tensors and nodes to one :class:`Subgraph`, naming them uniquely."""

    def __init__(self, name: str = "main") -> None:
        self.subgraph = Subgraph(name=name)
        self.input_names: dict[str, Tensor] = {}
        self.output_names: dict[str, Tensor] = {}
        # names and new tensors as the frontends make them; the builder's own constants are
        # not shared by content (each const() call is a tensor of its own)
        self._emitter = GraphEmitter(self.subgraph)
        self._emitter.empty_name = ""  # a name is kept as given, an empty one included

    def tensor(
        self,
        name: str,
        dtype: Any,
        shape: Sequence[int],
        *,
        data: np.ndarray | None = None,
        quantization: QuantParams | None = None,
        is_variable: bool = False,
    ) -> Tensor:
        """A new tensor; ``-1`` dims become shape 1 with a dynamic shape signature."""
        t = self._emitter.new_tensor(name, dtype, shape, data)
        t.quantization = quantization
        t.is_variable = is_variable
        return t

    def input(self, name: str, dtype: Any, shape: Sequence[int], **kw: Any) -> Tensor:
        """A subgraph input, also recorded as the signature input ``name``."""
        t = self.tensor(name, dtype, shape, **kw)
        self.subgraph.inputs.append(t)
        self.input_names[name] = t
        return t

    def const(self, value: Any, name: str = "const", dtype: Any = None, **kw: Any) -> Tensor:
        """A constant tensor holding ``value`` (converted to ``dtype`` when given)."""
        dt: DType = as_dtype(dtype) if dtype is not None else as_dtype(np.asarray(value).dtype)
        if dt.name == "string":
            arr = np.asarray(value, dtype=object)
            arr = (
                np.vectorize(
                    lambda s: s.encode() if isinstance(s, str) else bytes(s), otypes=[object]
                )(arr)
                if arr.size
                else arr
            )
        else:
            arr = np.asarray(value, dtype=dt.numpy)
        return self.tensor(name, dt, arr.shape, data=arr, **kw)

    def op(
        self,
        op: str,
        *inputs: Tensor | None,
        outputs: Sequence[tuple[Any, Sequence[int]]] | None = None,
        name: str | None = None,
        version: int = 1,
        **attrs: Any,
    ) -> Any:
        """Append a node; output types come from ``outputs`` or the op schema's ``infer``.

        Returns the output tensor, or a tuple when the op has several outputs.
        """
        from ..ops.registry import get_op

        if outputs is None:
            schema = get_op(op)
            if schema.infer is None:
                raise InvalidModelError(f"{op} has no shape rule: pass outputs=[(dtype, shape)]")
            outputs = schema.infer(list(inputs), attrs)
        outs = [
            self.tensor(f"{name or op.lower()}" + (f"_{i}" if len(outputs) > 1 else ""), dt, sh)
            for i, (dt, sh) in enumerate(outputs)
        ]
        self.subgraph.nodes.append(Node(op, list(inputs), outs, dict(attrs), version))
        return outs[0] if len(outs) == 1 else tuple(outs)

    def output(self, tensor: Tensor, name: str | None = None) -> Tensor:
        """Mark ``tensor`` as a subgraph output and signature output ``name``."""
        self.subgraph.outputs.append(tensor)
        self.output_names[name or tensor.name] = tensor
        return tensor


class ModelBuilder:
    """Collects subgraphs and signatures into a linted :class:`Model`."""

    def __init__(self, description: str = "siglite") -> None:
        self.model = Model(description=description)
        self._builders: list[SubgraphBuilder] = []

    def subgraph(self, name: str = "main") -> SubgraphBuilder:
        b = SubgraphBuilder(name)
        self.model.subgraphs.append(b.subgraph)
        self._builders.append(b)
        return b

    def signature(
        self,
        key: str,
        builder: SubgraphBuilder,
        inputs: dict[str, Tensor] | None = None,
        outputs: dict[str, Tensor] | None = None,
    ) -> Signature:
        sig = Signature(
            key,
            builder.subgraph,
            dict(inputs if inputs is not None else builder.input_names),
            dict(outputs if outputs is not None else builder.output_names),
        )
        self.model.signatures[key] = sig
        return sig

    def build(self) -> Model:
        """The model, checked by :func:`siglite.ir.check`."""
        return check(self.model)
