"""Dead-code elimination: drop nodes nobody reads and tensors nobody uses.

A node is kept when its op has side effects, or when it calls a subgraph (IF, WHILE, CALL ...)
that contains one, however deeply nested: a branch that assigns a variable must survive even if
the IF has no used outputs.
"""

from __future__ import annotations

from ..ir.graph import Model, Subgraph
from ..ops.registry import find_op
from .layout import callees


def _has_side_effects(op: str) -> bool:
    schema = find_op(op)
    return schema is None or schema.side_effects or schema.opset == "CUSTOM"


def effectful_subgraphs(model: Model) -> set[int]:
    """Indices of subgraphs that contain a side effect, directly or through the ones they call."""
    direct = {
        i for i, sg in enumerate(model.subgraphs) if any(_has_side_effects(n.op) for n in sg.nodes)
    }
    changed = True
    while changed:
        changed = False
        for i, sg in enumerate(model.subgraphs):
            if i not in direct and any(c in direct for n in sg.nodes for c in callees(n)):
                direct.add(i)
                changed = True
    return direct


def eliminate_dead_code_subgraph(
    sg: Subgraph, keep: tuple = (), effectful: frozenset[int] | set[int] = frozenset()
) -> Subgraph:
    """Remove unused nodes and tensors of one subgraph, in place. ``keep``: tensors to retain;
    ``effectful``: indices of subgraphs whose callers must be kept."""
    live = {id(t) for t in sg.outputs} | {id(t) for t in keep}
    kept = []
    for node in reversed(sg.nodes):
        calls_effect = any(c in effectful for c in callees(node))
        if _has_side_effects(node.op) or calls_effect or any(id(t) in live for t in node.outputs):
            kept.append(node)
            live |= {id(t) for t in node.inputs if t is not None}
    sg.nodes = kept[::-1]
    used = live | {id(t) for t in sg.inputs}
    used |= {id(t) for n in sg.nodes for t in n.outputs + n.intermediates}
    sg.tensors = [t for t in sg.tensors if id(t) in used]
    return sg


def eliminate_dead_code(model: Model) -> Model:
    """Remove unused nodes and tensors in every subgraph (signature tensors are kept)."""
    effectful = effectful_subgraphs(model)
    for sg in model.subgraphs:
        keep = tuple(model.signature_tensors(sg))
        eliminate_dead_code_subgraph(sg, keep, effectful)
    return model
