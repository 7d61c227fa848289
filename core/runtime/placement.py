"""Where each node runs: the delegate chosen for it, and runs of nodes on one delegate."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Placement:
    """Node placement of an interpreter: ``nodes[subgraph_index][node_index]`` is the name of
    the delegate running that node (``None`` when no delegate can)."""

    nodes: dict[int, list[str | None]]

    def delegate_of(self, node_index: int, subgraph_index: int = 0) -> str | None:
        return self.nodes[subgraph_index][node_index]

    def partitions(self, subgraph_index: int = 0) -> list[tuple[str | None, list[int]]]:
        """Maximal runs of consecutive nodes (plan order) placed on the same delegate."""
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
