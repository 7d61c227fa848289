"""Subgraph layout as TensorFlow's converter writes it, and subgraph-index bookkeeping.

Signature *i* lives in subgraph *i*: entry subgraphs come first in alphabetical key order,
helper subgraphs (initializers, IF/WHILE bodies) after them in their previous order.
"""

from __future__ import annotations

from ..ir.graph import Model, Node, Subgraph

# Node attributes that hold a subgraph index (the schema's field names).
SUBGRAPH_ATTRS = (
    "then_subgraph_index", "else_subgraph_index", "cond_subgraph_index", "body_subgraph_index",
    "init_subgraph_index", "subgraph", "decomposition_subgraph_index", "comparator_subgraph_index",
    "update_computation_subgraph_index",
)  # fmt: skip


def callees(node: Node) -> list[int]:
    """The indices of the subgraphs ``node`` calls (IF branches, WHILE bodies, CALL_ONCE ...)."""
    return [v for k, v in node.attrs.items() if k in SUBGRAPH_ATTRS and isinstance(v, int)]


def reorder_subgraphs(model: Model, order: list[Subgraph]) -> Model:
    """Put ``order`` (a subset of the model's subgraphs) first-and-only, fixing index attrs.

    Subgraphs not in ``order`` are dropped; a reference to a dropped one is an error.
    """
    old_index = {id(sg): i for i, sg in enumerate(model.subgraphs)}
    new_index = {old_index[id(sg)]: i for i, sg in enumerate(order)}
    for sg in order:
        for node in sg.nodes:
            for attr in SUBGRAPH_ATTRS:
                if attr in node.attrs and isinstance(node.attrs[attr], int):
                    node.attrs[attr] = new_index[node.attrs[attr]]
    model.subgraphs = list(order)
    return model


def reachable_subgraphs(model: Model, roots: list[Subgraph]) -> list[Subgraph]:
    """``roots`` and every subgraph their nodes call, transitively, in model order."""
    seen = {id(sg) for sg in roots}
    todo = list(roots)
    while todo:
        sg = todo.pop()
        for node in sg.nodes:
            for idx in callees(node):
                if 0 <= idx < len(model.subgraphs):
                    callee = model.subgraphs[idx]
                    if id(callee) not in seen:
                        seen.add(id(callee))
                        todo.append(callee)
    roots_ids = [id(sg) for sg in roots]
    rest = [sg for sg in model.subgraphs if id(sg) in seen and id(sg) not in roots_ids]
    return list(roots) + rest


def order_signatures(model: Model) -> Model:
    """Entry subgraphs in alphabetical signature order first, then helpers, then the rest."""
    if not model.signatures:
        return model
    keys = sorted(model.signatures)
    entries: list[Subgraph] = []
    for k in keys:
        sg = model.signatures[k].subgraph
        if all(sg is not e for e in entries):
            entries.append(sg)
    model.signatures = {k: model.signatures[k] for k in keys}
    order = reachable_subgraphs(model, entries)
    placed = {id(sg) for sg in order}
    order += [sg for sg in model.subgraphs if id(sg) not in placed]
    return reorder_subgraphs(model, order)
