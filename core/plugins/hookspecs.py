"""The plugin hooks. Each takes a ``register`` callback (the ``llm`` style).

``register_frontends(register)``: ``register(name, converter, description="")`` where
``converter`` is a callable turning a source object into a :class:`siglite.Model`.

``register_delegates(register)``: ``register(name, factory, description="")`` where
``factory(**options)`` returns a :class:`siglite.Delegate`.

``register_ops(register)``: ``register(schema, kernels=None)`` where ``schema`` is a
:class:`siglite.OpSchema` and ``kernels`` maps a delegate name to a kernel function.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("siglite")
hookimpl = pluggy.HookimplMarker("siglite")


@hookspec
def register_frontends(register: Callable[..., Any]) -> None:
    """Register frontends: ``register(name, converter, description="")``."""


@hookspec
def register_delegates(register: Callable[..., Any]) -> None:
    """Register delegates: ``register(name, factory, description="")``."""


@hookspec
def register_ops(register: Callable[..., Any]) -> None:
    """Register ops: ``register(schema, kernels=None)``."""
