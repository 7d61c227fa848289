"""Reporting the memory plans of an interpreter."""

from __future__ import annotations

from typing import Any


class MemoryMixin:
    """``arena_bytes()`` and ``memory_plan()`` on an engine's current plans."""

    _engine: Any
    _model: Any

    @property
    def plans_built(self) -> int:
        """How many memory plans this interpreter has made (a new one per new input shape)."""
        return self._engine.plans_built

    def arena_bytes(self, subgraph_index: int | None = None) -> int:
        """Arena size of one subgraph's current plan, or the sum over all planned subgraphs."""
        summary = self.memory_plan()["subgraphs"]
        if subgraph_index is None:
            return sum(s["arena_bytes"] for s in summary.values())
        return summary.get(subgraph_index, {}).get("arena_bytes", 0)

    def memory_plan(self) -> dict[str, Any]:
        """A summary of the current memory plans.

        ``{"plans_built": n, "subgraphs": {index: {"input_shapes", "arena_bytes",
        "planned_bytes", "arena_tensors", "dynamic_tensors"}}}``: ``arena_bytes`` is the shared
        arena, ``planned_bytes`` what its tensors would take without sharing memory, and
        ``dynamic_tensors`` the indices of tensors allocated when they are computed.
        """
        out: dict[int, Any] = {}
        with self._engine.lock:
            for i in range(len(self._model.subgraphs)):
                rt = self._engine.existing_runtime(i)
                if rt is None or rt.current is None:
                    continue
                plan = rt.current.plan
                out[i] = {
                    "input_shapes": [tuple(s) for s in plan.input_shapes],
                    "arena_bytes": plan.arena_bytes,
                    "planned_bytes": plan.planned_bytes,
                    "arena_tensors": sorted(plan.offsets),
                    "dynamic_tensors": sorted(plan.dynamic),
                }
        return {"plans_built": self._engine.plans_built, "subgraphs": out}
