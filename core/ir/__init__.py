"""The siglite IR: Model, Subgraph, Tensor, Node, Signature, plus lint, printing and builders."""

from .builder import ModelBuilder, SubgraphBuilder
from .graph import Model, Node, QuantParams, Signature, Subgraph, Tensor
from .lint import check, lint_model, lint_subgraph
from .printer import format_model, format_node, format_subgraph, type_str

__all__ = [
    "Model", "ModelBuilder", "Node", "QuantParams", "Signature", "Subgraph", "SubgraphBuilder",
    "Tensor", "check", "format_model", "format_node", "format_subgraph", "lint_model",
    "lint_subgraph", "type_str",
]  # fmt: skip
