"""ONNX op handlers: ``HANDLERS[op_type](ctx, node) -> list of output tensors``.

A handler reads every attribute it supports through ``node.attr`` (unread attributes are
rejected afterwards), validates the values it understands and raises
:class:`~siglite.errors.UnsupportedOpError` (via ``node.error``) for anything else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

HANDLERS: dict[str, Callable[..., Any]] = {}


def handler(*op_types: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a function as the handler of ``op_types``."""

    def wrap(fn: Callable[..., Any]) -> Callable[..., Any]:
        for op_type in op_types:
            HANDLERS[op_type] = fn
        return fn

    return wrap


def load_handlers() -> dict[str, Callable[..., Any]]:
    """Import the handler modules (registering them) and return the table."""
    from . import (  # noqa: F401
        activations,
        einsum,
        elementwise,
        indexing,
        linalg,
        losses,
        nn,
        normalization,
        pad,
        recurrent,
        reductions,
        resize,
        selection,
        shapes,
        trig,
    )

    return HANDLERS
