"""Registers the edge-accelerator delegate through the plugin hooks."""

from siglite.plugins import hookimpl


@hookimpl
def register_delegates(register):
    from .delegate import EdgeDelegate

    register(
        "edge", EdgeDelegate, "integer-only NPU model (Edge-TPU-like): int8 ops, on-chip memory"
    )
