"""Structural checks of the IR: topological order, dangling tensors, signature consistency."""

from __future__ import annotations

from ..errors import InvalidModelError
from .graph import Model, Subgraph


def lint_subgraph(sg: Subgraph, where: str = "") -> list[str]:
    """Problems in one subgraph, as readable sentences (empty when it is well formed)."""
    where = where or f"subgraph {sg.name!r}"
    problems: list[str] = []
    owned = {id(t) for t in sg.tensors}
    available = {id(t) for t in sg.inputs} | {id(t) for t in sg.tensors if t.data is not None}
    written: set[int] = set()
    for i, node in enumerate(sg.nodes):
        label = f"{where}, node {i} ({node.op})"
        for t in node.inputs:
            if t is None:
                continue
            if id(t) not in owned:
                problems.append(f"{label}: input %{t.name} is not a tensor of the subgraph")
            elif id(t) not in available and not t.is_variable:
                problems.append(f"{label}: input %{t.name} is read before it is written")
        for t in node.outputs:
            if id(t) not in owned:
                problems.append(f"{label}: output %{t.name} is not a tensor of the subgraph")
            if id(t) in written:
                problems.append(f"{label}: output %{t.name} is written by two nodes")
            written.add(id(t))
            available.add(id(t))
    for t in sg.inputs:
        if id(t) not in owned:
            problems.append(f"{where}: input %{t.name} is not a tensor of the subgraph")
    for t in sg.outputs:
        if id(t) not in owned:
            problems.append(f"{where}: output %{t.name} is not a tensor of the subgraph")
        elif id(t) not in available:
            problems.append(f"{where}: output %{t.name} is never written")
    return problems


def lint_model(model: Model) -> list[str]:
    """Problems in every subgraph and signature of ``model``."""
    problems: list[str] = []
    for i, sg in enumerate(model.subgraphs):
        problems += lint_subgraph(sg, f"subgraph {i} ({sg.name or 'unnamed'})")
    ids = {id(s) for s in model.subgraphs}
    for key, sig in model.signatures.items():
        if id(sig.subgraph) not in ids:
            problems.append(f"signature {key!r}: its subgraph is not in the model")
            continue
        owned = {id(t) for t in sig.subgraph.tensors}
        for kind, tensors in (("input", sig.inputs), ("output", sig.outputs)):
            for name, t in tensors.items():
                if id(t) not in owned:
                    problems.append(f"signature {key!r}: {kind} {name!r} is not in its subgraph")
    return problems


def check(model: Model) -> Model:
    """Raise :class:`InvalidModelError` listing every lint problem; return the model otherwise."""
    problems = lint_model(model)
    if problems:
        raise InvalidModelError("model failed lint:\n  " + "\n  ".join(problems))
    return model
