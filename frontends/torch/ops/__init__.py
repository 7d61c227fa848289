"""ATen op handlers: ``HANDLERS["aten.add.Tensor"](ctx, *args, **kwargs) -> value``.

A handler gets the FX node's arguments with FX values replaced by IR tensors, torch constants,
SymVals or Python values; it returns the node's value (a tensor, or a tuple for multi-output
ops). It reads every argument it is given and rejects values it cannot express exactly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

HANDLERS: dict[str, Callable[..., Any]] = {}


def handles(*targets: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a handler for the ATen overloads ``targets`` (e.g. ``"aten.add.Tensor"``)."""

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        for t in targets:
            HANDLERS[t] = fn
        return fn

    return deco


def load_handlers() -> dict[str, Callable[..., Any]]:
    """Import every handler module (registering them) and return the table."""
    from . import (  # noqa: F401
        conv,
        elementwise,
        indexing,
        linalg,
        normalization,
        pooling,
        reductions,
        scatter,
        shapes,
        symbolic,
    )

    return HANDLERS
