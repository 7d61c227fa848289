"""Dead-code elimination: drop nodes nobody reads and tensors nobody uses."""

from __future__ import annotations

from ..ir.graph import Model, Subgraph
from ..ops.registry import find_op


def _has_side_effects(op: str) -> bool:
    schema = find_op(op)
    return schema is None or schema.side_effects or schema.opset == "CUSTOM"


def eliminate_dead_code_subgraph(sg: Subgraph, keep: tuple = ()) -> Subgraph:
    """Remove unused nodes and tensors of one subgraph, in place. ``keep``: tensors to retain."""
    live = {id(t) for t in sg.outputs} | {id(t) for t in keep}
    kept = []
    for node in reversed(sg.nodes):
        if _has_side_effects(node.op) or any(id(t) in live for t in node.outputs):
            kept.append(node)
            live |= {id(t) for t in node.inputs if t is not None}
    sg.nodes = kept[::-1]
    used = live | {id(t) for t in sg.inputs}
    used |= {id(t) for n in sg.nodes for t in n.outputs + n.intermediates}
    sg.tensors = [t for t in sg.tensors if id(t) in used]
    return sg


def eliminate_dead_code(model: Model) -> Model:
    """Remove unused nodes and tensors in every subgraph (signature tensors are kept)."""
    for sg in model.subgraphs:
        keep = tuple(
            t
            for sig in model.signatures.values()
            if sig.subgraph is sg
            for t in (*sig.inputs.values(), *sig.outputs.values())
        )
        eliminate_dead_code_subgraph(sg, keep)
    return model
