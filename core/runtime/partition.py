"""Partitioning: which delegate runs each node, in which groups and in which order.

Delegates are tried in priority order, as TFLite applies them one after the other. Each one
claims the unassigned nodes it supports (``supports(node, subgraph)`` is True and it has a
kernel); the claimed nodes are grouped into maximal partitions that keep the graph acyclic
(TFLite's partitioner: a group grows while some claimed node has all its producers done, so no
path leaves a partition and comes back into it). A delegate may then keep only some partitions
(``select_partitions``) and compile each (``prepare``); a partition whose ``prepare`` raises goes
back to the later delegates with a warning. The last delegate (numpy) takes every node left.

Partitions are collapsed into single units before the next delegate partitions, so partitions
of different delegates never depend on each other in a cycle. The final schedule runs every
partition as a block, with the fallback nodes grouped the same way in between.
"""

from __future__ import annotations

import heapq
import warnings
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..delegate import Delegate
from ..ir import Node, Subgraph
from ..ops import find_op


def is_device_array(value: Any) -> bool:
    """True for arrays living on an accelerator (CuPy, or a class that says so)."""
    if getattr(type(value), "__siglite_device_array__", False):
        return True
    return not isinstance(value, np.ndarray) and hasattr(value, "__cuda_array_interface__")


def on_device(delegate: Delegate | None) -> bool:
    """Whether a delegate computes in its own memory (copies at its partitions' borders)."""
    return bool(getattr(delegate, "on_device", False))


@dataclass(eq=False)
class Partition:
    """A group of nodes one delegate runs as a block (``nodes`` in execution order)."""

    delegate: Delegate
    subgraph: Subgraph
    nodes: list[int]
    inputs: list[int] = field(default_factory=list)  # non-constant slots read from outside
    outputs: list[int] = field(default_factory=list)  # slots used outside or subgraph outputs
    constants: list[int] = field(default_factory=list)
    compiled: Any = None  # what the delegate's prepare() returned
    layout: SubgraphLayout | None = field(default=None, repr=False)

    @property
    def delegate_name(self) -> str:
        return self.delegate.name

    @property
    def fused(self) -> bool:
        """Run as one block (its delegate keeps intermediates in its own memory)."""
        return on_device(self.delegate) or callable(self.compiled)


@dataclass
class Copy:
    """A transfer at a partition border: tensor slot, name, direction and delegate."""

    slot: int
    tensor: str
    direction: str  # "host->device" or "device->host"
    delegate: str


@dataclass
class SubgraphLayout:
    """The partitioning of one subgraph."""

    subgraph: Subgraph
    delegates: list[Delegate]
    partitions: list[Partition]  # execution order
    device_slots: frozenset[int] = frozenset()
    copies: list[Copy] = field(default_factory=list)


class Graph:
    """Producer/consumer relations between the nodes of a subgraph (by tensor slot)."""

    def __init__(self, subgraph: Subgraph) -> None:
        self.subgraph = subgraph
        self.slot = {id(t): i for i, t in enumerate(subgraph.tensors)}
        n = len(subgraph.nodes)
        self.producer: dict[int, int] = {}
        self.consumers: dict[int, set[int]] = {}
        for i, node in enumerate(subgraph.nodes):
            for t in node.outputs:
                self.producer[self.slot[id(t)]] = i
        self.preds: list[set[int]] = [set() for _ in range(n)]
        previous_effect = None
        for i, node in enumerate(subgraph.nodes):
            for s in self.reads(i):
                self.consumers.setdefault(s, set()).add(i)
                if s in self.producer:
                    self.preds[i].add(self.producer[s])
            if _has_effects(node):  # stateful nodes keep their relative order
                if previous_effect is not None:
                    self.preds[i].add(previous_effect)
                previous_effect = i
        self.outputs = {self.slot[id(t)] for t in subgraph.outputs}

    def reads(self, i: int) -> list[int]:
        return [self.slot[id(t)] for t in self.subgraph.nodes[i].inputs if t is not None]

    def writes(self, i: int) -> list[int]:
        return [self.slot[id(t)] for t in self.subgraph.nodes[i].outputs]


def _has_effects(node: Node) -> bool:
    schema = find_op(node.op)
    if schema is None:
        return True
    return bool(schema.side_effects) or any(k.endswith("subgraph_index") for k in node.attrs)


def schedule(units: list[list[int]], graph: Graph, colors: list[Hashable]) -> list[list[int]]:
    """Group units (lists of nodes) into maximal same-colour runs in a dependency order.

    TFLite's greedy partitioner: a group takes every ready unit of its colour, including units
    made ready by the group itself; when none is left, the next group has the colour of the
    earliest ready unit. Returns the groups as lists of unit indices.
    """
    unit_of = {n: u for u, nodes in enumerate(units) for n in nodes}
    preds = [
        {unit_of[p] for n in nodes for p in graph.preds[n]} - {u} for u, nodes in enumerate(units)
    ]
    succs: list[set[int]] = [set() for _ in units]
    for u, ps in enumerate(preds):
        for p in ps:
            succs[p].add(u)
    waiting = [len(ps) for ps in preds]
    ready: dict[Hashable, list[tuple[int, int]]] = {}
    for u, count in enumerate(waiting):
        if count == 0:
            heapq.heappush(ready.setdefault(colors[u], []), (min(units[u]), u))
    groups: list[list[int]] = []
    while any(ready.values()):
        color = _earliest(ready)
        group: list[int] = []
        queue = ready[color]
        while queue:
            _, u = heapq.heappop(queue)
            group.append(u)
            for s in sorted(succs[u]):
                waiting[s] -= 1
                if waiting[s] == 0:
                    heapq.heappush(ready.setdefault(colors[s], []), (min(units[s]), s))
        groups.append(group)
    return groups


def _earliest(ready: dict[Hashable, list[tuple[int, int]]]) -> Hashable:
    """The colour of the ready unit with the lowest node index."""
    best = min((q[0][0], i) for i, q in enumerate(ready.values()) if q)
    return list(ready)[best[1]]


def _claim(delegate: Delegate, node: Node, subgraph: Subgraph) -> bool | str:
    """True when ``delegate`` takes ``node``, else the reason it does not."""
    try:
        ok = delegate.supports(node, subgraph)
    except Exception as exc:  # a delegate's bug must not break loading: treat as a refusal
        return f"supports() failed: {type(exc).__name__}: {exc}"
    if ok is True:
        return True if delegate.kernel_for(node) is not None else "no kernel"
    return ok if isinstance(ok, str) and ok else "not supported"


def _select(delegate: Delegate, candidates: list[list[int]], subgraph: Subgraph):
    """The delegate's choice among its candidate partitions: (kept, {node: reason})."""
    select = getattr(delegate, "select_partitions", None)
    if select is None:
        return candidates, {}
    kept, rejected = select([list(c) for c in candidates], subgraph)
    for nodes in kept:  # only whole partitions or a prefix of one keep the graph acyclic
        if not any(c[: len(nodes)] == list(nodes) for c in candidates):
            from ..errors import DelegateError

            raise DelegateError(
                f"delegate {delegate.name!r}: select_partitions returned nodes {list(nodes)}, "
                "which are not a candidate partition or a prefix of one"
            )
    return [list(k) for k in kept], dict(rejected)


def _make_partition(delegate: Delegate, graph: Graph, nodes: list[int]) -> Partition:
    """A partition with its border tensors: what it reads from outside and what leaves it."""
    sg = graph.subgraph
    inside = set(nodes)
    written = [s for i in nodes for s in graph.writes(i)]
    written_set = set(written)
    part = Partition(delegate, sg, list(nodes))
    seen: set[int] = set()
    for i in nodes:
        for s in graph.reads(i):
            if s in written_set or s in seen:
                continue
            seen.add(s)
            (part.constants if sg.tensors[s].is_constant else part.inputs).append(s)
    for s in written:
        leaves = any(c not in inside for c in graph.consumers.get(s, ()))
        if leaves or s in graph.outputs:
            part.outputs.append(s)
    return part


def _prepare(part: Partition) -> bool:
    """Let the delegate compile ``part``; False (with a warning) when it fails."""
    prepare = getattr(part.delegate, "prepare", None)
    if prepare is None:
        return True
    try:
        part.compiled = prepare(part)
    except Exception as exc:
        warnings.warn(
            f"delegate {part.delegate_name!r} failed to prepare nodes {part.nodes} "
            f"({type(exc).__name__}: {exc}); they run on the CPU instead",
            RuntimeWarning,
            stacklevel=4,
        )
        part.compiled = f"prepare failed: {type(exc).__name__}: {exc}"
        return False
    return True


def layout_subgraph(
    subgraph: Subgraph, delegates: Sequence[Delegate]
) -> tuple[list, SubgraphLayout]:
    """Bind every node of ``subgraph`` and partition it; returns (bindings, layout)."""
    from .plan import Binding

    delegates = list(delegates)
    graph = Graph(subgraph)
    nodes = subgraph.nodes
    bindings = [Binding(i, node, None, None) for i, node in enumerate(nodes)]
    units: list[list[int]] = [[i] for i in range(len(nodes))]
    owners: list[Partition | None] = [None] * len(units)
    for d in delegates[:-1]:
        claimed = set()
        for b in bindings:
            if b.delegate is None:
                ok = _claim(d, b.node, subgraph)
                if ok is True:
                    claimed.add(b.node_index)
                else:
                    b.reasons[d.name] = ok
        if not claimed:
            continue
        colors = [owners[u] is None and units[u][0] in claimed for u in range(len(units))]
        groups = schedule(units, graph, colors)
        candidates = [[n for u in g for n in units[u]] for g in groups if colors[g[0]]]
        kept, rejected = _select(d, candidates, subgraph)
        for i, why in rejected.items():
            bindings[i].reasons[d.name] = why
        for group in kept:
            part = _make_partition(d, graph, group)
            if not _prepare(part):
                for i in group:
                    bindings[i].reasons[d.name] = part.compiled
                continue
            for i in group:
                b = bindings[i]
                b.delegate, b.kernel, b.partition = d, d.kernel_for(b.node), part
            units, owners = _collapse(units, owners, part)
    _bind_rest(bindings, delegates[-1], subgraph)
    layout = _final_layout(subgraph, delegates, graph, units, owners, bindings)
    return bindings, layout


def _collapse(units, owners, part: Partition):
    """Replace the singleton units of ``part``'s nodes by one unit owned by ``part``."""
    inside = set(part.nodes)
    keep = [u for u in range(len(units)) if not (owners[u] is None and units[u][0] in inside)]
    return [units[u] for u in keep] + [list(part.nodes)], [owners[u] for u in keep] + [part]


def _bind_rest(bindings: list, fallback: Delegate, subgraph: Subgraph) -> None:
    for b in bindings:
        if b.delegate is None:
            ok = _claim(fallback, b.node, subgraph)
            if ok is True:
                b.delegate, b.kernel = fallback, fallback.kernel_for(b.node)
            else:
                b.reasons[fallback.name] = ok


def _final_layout(subgraph, delegates, graph, units, owners, bindings) -> SubgraphLayout:
    """Schedule partitions and the fallback nodes (grouped greedily) into one order."""
    colors: list[Hashable] = [("p", id(o)) if o is not None else "rest" for o in owners]
    partitions = []
    for group in schedule(units, graph, colors):
        owner = owners[group[0]]
        if owner is None:
            owner = _make_partition(delegates[-1], graph, [n for u in group for n in units[u]])
        partitions.append(owner)
    layout = SubgraphLayout(subgraph, delegates, partitions)
    for p in partitions:
        p.layout = layout
        for i in p.nodes:
            bindings[i].partition = p
    _borders(layout, graph)
    return layout


def _borders(layout: SubgraphLayout, graph: Graph) -> None:
    """Which border tensors stay in device memory, and the host<->device copies."""
    part_of = {n: p for p in layout.partitions for n in p.nodes}
    names = [t.name for t in layout.subgraph.tensors]
    device: set[int] = set()
    copies: list[Copy] = []
    fused = [p for p in layout.partitions if on_device(p.delegate)]  # fused, on the device
    for p in fused:
        for s in p.outputs:
            users = {part_of[c] for c in graph.consumers.get(s, ()) if c not in p.nodes}
            to_host = any(u.delegate is not p.delegate for u in users) or (
                s in graph.outputs and not getattr(p.delegate, "device_outputs", False)
            )
            if to_host:
                copies.append(Copy(s, names[s], "device->host", p.delegate_name))
            else:
                device.add(s)
    graph_inputs = {graph.slot[id(t)] for t in layout.subgraph.inputs}
    for p in fused:
        for s in p.inputs:
            if s in device:
                continue
            copies.append(Copy(s, names[s], "host->device", p.delegate_name))
            users = {part_of[c] for c in graph.consumers.get(s, ())}
            if s in graph_inputs and all(u.delegate is p.delegate for u in users):
                device.add(s)  # a device array fed here is used as it is
    layout.device_slots = frozenset(device)
    layout.copies = copies
