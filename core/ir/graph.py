"""The IR: a small, readable mirror of a TFLite model graph (think torch.fx).

Nodes refer to :class:`Tensor` objects, not indices; the file writer assigns indices. An
omitted optional input is ``None`` (``-1`` in the file). Constant tensors carry ``data`` (a numpy
array, a zero-copy view when the model was read from a file).

Attribute conventions for ``Node.attrs``: the builtin option fields under their schema names,
except ``fused_activation_function`` which is ``fused_activation``; enum values as upper-case
strings (``padding="SAME"``, ``fused_activation="RELU"``); vectors as tuples; subgraph references
(IF/WHILE/CALL_ONCE) as subgraph indices under the schema's field names.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..dtypes import DType, as_dtype
from .printer import format_model, format_subgraph, type_str


@dataclass(eq=False)
class QuantParams:
    """Affine quantization: ``real = scale * (q - zero_point)``, per tensor or per channel."""

    scales: np.ndarray
    zero_points: np.ndarray
    quantized_dimension: int = 0
    min: np.ndarray | None = None
    max: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.scales = np.atleast_1d(np.asarray(self.scales, dtype=np.float32))
        self.zero_points = np.atleast_1d(np.asarray(self.zero_points, dtype=np.int64))

    @property
    def per_channel(self) -> bool:
        return self.scales.size > 1

    @property
    def scale(self) -> float:
        """The per-tensor scale (the first one for per-channel parameters)."""
        return float(self.scales[0]) if self.scales.size else 0.0

    @property
    def zero_point(self) -> int:
        return int(self.zero_points[0]) if self.zero_points.size else 0

    def __repr__(self) -> str:
        if self.per_channel:
            return f"QuantParams(per_channel[{self.scales.size}], axis={self.quantized_dimension})"
        return f"QuantParams(scale={self.scale:g}, zero_point={self.zero_point})"


@dataclass(eq=False)
class Tensor:
    """A value in a subgraph: activation, constant (``data``), variable or resource handle."""

    name: str
    dtype: DType
    shape: tuple[int, ...]
    shape_signature: tuple[int, ...] | None = None
    data: np.ndarray | None = None
    quantization: QuantParams | None = None
    is_variable: bool = False
    sparsity: Any = None  # kept as read (opaque) so that a round trip loses nothing
    has_rank: bool = True

    def __post_init__(self) -> None:
        self.dtype = as_dtype(self.dtype)
        self.shape = tuple(int(d) for d in self.shape)
        if self.shape_signature is not None:
            self.shape_signature = tuple(int(d) for d in self.shape_signature)
            if self.shape_signature == self.shape:
                self.shape_signature = None

    @property
    def signature_shape(self) -> tuple[int, ...]:
        """The shape with ``-1`` for dynamic dimensions."""
        return self.shape if self.shape_signature is None else self.shape_signature

    @property
    def is_constant(self) -> bool:
        return self.data is not None and not self.is_variable

    @property
    def rank(self) -> int:
        return len(self.shape)

    def __repr__(self) -> str:
        return f"Tensor(%{self.name} : {type_str(self)})"


@dataclass(eq=False)
class Node:
    """One operator application."""

    op: str
    inputs: list[Tensor | None]
    outputs: list[Tensor]
    attrs: dict[str, Any] = field(default_factory=dict)
    version: int = 1
    intermediates: list[Tensor] = field(default_factory=list)
    # Raw custom options for custom ops whose options siglite does not decode.
    custom_options: bytes | None = None

    def __repr__(self) -> str:
        outs = ", ".join(f"%{t.name}" for t in self.outputs)
        return f"Node({self.op} -> {outs})"


@dataclass(eq=False)
class Subgraph:
    """Tensors, nodes in topological order, inputs and outputs."""

    name: str = ""
    tensors: list[Tensor] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    inputs: list[Tensor] = field(default_factory=list)
    outputs: list[Tensor] = field(default_factory=list)

    def add_tensor(self, tensor: Tensor) -> Tensor:
        self.tensors.append(tensor)
        return tensor

    def tensor_index(self, tensor: Tensor) -> int:
        for i, t in enumerate(self.tensors):
            if t is tensor:
                return i
        raise KeyError(f"tensor %{tensor.name} is not in subgraph {self.name!r}")

    def producers(self) -> dict[int, Node]:
        """Map ``id(tensor)`` to the node that writes it."""
        return {id(t): n for n in self.nodes for t in n.outputs}

    def consumers(self) -> dict[int, list[Node]]:
        """Map ``id(tensor)`` to the nodes that read it."""
        uses: dict[int, list[Node]] = {}
        for n in self.nodes:
            for t in n.inputs:
                if t is not None:
                    uses.setdefault(id(t), []).append(n)
        return uses

    def replace_all_uses(self, old: Tensor, new: Tensor) -> None:
        """Make every reader of ``old`` (nodes and subgraph outputs) read ``new`` instead."""
        for n in self.nodes:
            n.inputs = [new if t is old else t for t in n.inputs]
        self.outputs = [new if t is old else t for t in self.outputs]

    def __str__(self) -> str:
        return format_subgraph(self)

    def __repr__(self) -> str:
        return f"Subgraph({self.name!r}, {len(self.nodes)} nodes, {len(self.tensors)} tensors)"


@dataclass(eq=False)
class Signature:
    """A named entry point: a subgraph plus ordered name → tensor maps."""

    key: str
    subgraph: Subgraph
    inputs: dict[str, Tensor] = field(default_factory=dict)
    outputs: dict[str, Tensor] = field(default_factory=dict)

    def __repr__(self) -> str:
        return f"Signature({self.key!r}, inputs={list(self.inputs)}, outputs={list(self.outputs)})"


@dataclass(eq=False)
class Model:
    """Subgraphs, signatures (ordered by key), metadata and description."""

    subgraphs: list[Subgraph] = field(default_factory=list)
    signatures: dict[str, Signature] = field(default_factory=dict)
    metadata: dict[str, bytes] = field(default_factory=dict)
    description: str = ""
    version: int = 3

    def subgraph_index(self, subgraph: Subgraph) -> int:
        for i, s in enumerate(self.subgraphs):
            if s is subgraph:
                return i
        raise KeyError(f"subgraph {subgraph.name!r} is not in the model")

    def signature_index(self, key: str) -> int:
        return self.subgraph_index(self.signatures[key].subgraph)

    def signature_tensors(self, subgraph: Subgraph) -> list[Tensor]:
        """The input and output tensors of the signatures that run ``subgraph``, in signature
        order (passes keep these)."""
        return [
            t
            for sig in self.signatures.values()
            if sig.subgraph is subgraph
            for t in (*sig.inputs.values(), *sig.outputs.values())
        ]

    def get_signature_list(self) -> dict[str, dict[str, list[str]]]:
        """``{key: {"inputs": [...], "outputs": [...]}}`` with names sorted, as LiteRT reports."""
        return {
            k: {"inputs": sorted(s.inputs), "outputs": sorted(s.outputs)}
            for k, s in self.signatures.items()
        }

    def __str__(self) -> str:
        return format_model(self)

    def __repr__(self) -> str:
        return f"Model({len(self.subgraphs)} subgraphs, signatures={list(self.signatures)})"


def unique_name(base: str, taken: set[str]) -> str:
    """``base``, or ``base_<n>`` with the smallest ``n`` not in ``taken``; the name returned is
    added to ``taken``."""
    name, i = base, 1
    while name in taken:
        name, i = f"{base}_{i}", i + 1
    taken.add(name)
    return name
