"""Where each node runs: delegates, partitions, host<->device copies, and a compiler-style report.

:class:`Placement` describes one signature (``Interpreter.get_placement``); :class:`ModelPlacement`
is the model-wide node -> delegate table (``Interpreter.placement``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .partition import Copy, SubgraphLayout


@dataclass
class Placement:
    """The placement of one signature's subgraph.

    ``nodes``: ``(node_index, op, delegate_name)`` in node order (``None``: no delegate can run
    it). ``partitions``: ``(delegate_name, [node indices])`` in execution order. ``copies``:
    the transfers at partition borders (:class:`Copy`: tensor, direction, delegate), per run;
    a ``host->device`` copy of a signature input is skipped when the input is given as a device
    array, and weights are uploaded once. ``reasons``: for each node, why earlier delegates did
    not take it. ``report``: the mapping summary an accelerator compiler prints.
    """

    signature_key: str | None
    subgraph_index: int
    delegates: list[str]
    nodes: list[tuple[int, str, str | None]]
    partitions: list[tuple[str, list[int]]]
    copies: list[Copy] = field(default_factory=list)
    reasons: dict[int, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def of(
        cls, layout: SubgraphLayout | None, bindings: list, key: str | None, index: int, names
    ) -> Placement:
        """Build from a subgraph's bindings and partitioning."""
        nodes = [
            (b.node_index, b.node.op, b.delegate.name if b.delegate else None) for b in bindings
        ]
        parts = [(p.delegate_name, list(p.nodes)) for p in layout.partitions] if layout else []
        copies = list(layout.copies) if layout else []
        reasons = {b.node_index: dict(b.reasons) for b in bindings if b.reasons}
        return cls(key, index, list(names), nodes, parts, copies, reasons)

    @property
    def fallback(self) -> str:
        """The delegate that takes what the others leave (numpy)."""
        return self.delegates[-1]

    def fallback_nodes(self) -> list[int]:
        """Nodes left to the fallback delegate although other delegates were given."""
        if len(self.delegates) < 2:
            return []
        return [i for i, _, d in self.nodes if d == self.fallback or d is None]

    def counts(self) -> dict[str, int]:
        """How many nodes each delegate runs."""
        out: dict[str, int] = {}
        for _, _, d in self.nodes:
            out[d or "<none>"] = out.get(d or "<none>", 0) + 1
        return out

    def why(self, node_index: int) -> str:
        """Why the node is not on an earlier delegate: ``"cupy: no kernel; edge: ..."``."""
        return "; ".join(f"{d}: {r}" for d, r in self.reasons.get(node_index, {}).items())

    def _reason(self, node_index: int, delegate: str) -> str:
        return self.reasons.get(node_index, {}).get(delegate, "taken by an earlier delegate")

    @property
    def report(self) -> str:
        """Per delegate: ``N of M nodes mapped, K partitions; on CPU: OP (reason), ...``."""
        total = len(self.nodes)
        lines = []
        for name in self.delegates[:-1]:
            mapped = sum(1 for _, _, d in self.nodes if d == name)
            k = sum(1 for d, _ in self.partitions if d == name)
            line = f"{name}: {mapped} of {total} nodes mapped, {k} partition{'s' * (k != 1)}"
            others = [(i, op) for i, op, d in self.nodes if d != name]
            if others:
                items = ", ".join(f"{op} #{i} ({self._reason(i, name)})" for i, op in others)
                line += f"; on CPU: {items}"
            lines.append(line)
        return "\n".join(lines) or f"{self.fallback}: {total} of {total} nodes"

    def __str__(self) -> str:
        where = f"signature {self.signature_key!r}" if self.signature_key else "subgraph"
        lines = [f"placement of {where} (subgraph {self.subgraph_index}) on "
                 f"{', '.join(self.delegates)}:"]  # fmt: skip
        ops = {i: op for i, op, _ in self.nodes}
        for k, (name, ids) in enumerate(self.partitions):
            listed = ", ".join(f"{ops[i]}#{i}" for i in ids)
            lines.append(f"  partition {k}: {name} [{listed}]")
        for c in self.copies:
            lines.append(f"  copy %{c.tensor} {c.direction} ({c.delegate})")
        for i, op, d in self.nodes:
            if d is None:
                lines.append(f"  cannot run: {op} #{i} ({self.why(i) or 'no delegate'})")
        if len(self.delegates) > 1:
            lines.append(self.report)
        return "\n".join(lines)


@dataclass(frozen=True)
class ModelPlacement:
    """Node placement of a whole model: ``nodes[subgraph_index][node_index]`` is the name of
    the delegate running that node (``None`` when no delegate can)."""

    nodes: dict[int, list[str | None]]

    def delegate_of(self, node_index: int, subgraph_index: int = 0) -> str | None:
        return self.nodes[subgraph_index][node_index]

    def partitions(self, subgraph_index: int = 0) -> list[tuple[str | None, list[int]]]:
        """Maximal runs of consecutive nodes (node order) placed on the same delegate."""
        out: list[tuple[str | None, list[int]]] = []
        for i, name in enumerate(self.nodes[subgraph_index]):
            if out and out[-1][0] == name:
                out[-1][1].append(i)
            else:
                out.append((name, [i]))
        return out

    def counts(self) -> dict[str, int]:
        """How many nodes each delegate runs, over every subgraph."""
        out: dict[str, int] = {}
        for names in self.nodes.values():
            for name in names:
                key = name or "<none>"
                out[key] = out.get(key, 0) + 1
        return out

    def __str__(self) -> str:
        lines = []
        for sg in self.nodes:
            runs = ", ".join(
                f"{d or '<none>'}[{ids[0]}..{ids[-1]}]" for d, ids in self.partitions(sg)
            )
            lines.append(f"subgraph {sg}: {runs}")
        return "\n".join(lines)
