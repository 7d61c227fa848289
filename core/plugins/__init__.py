"""Plugins: pluggy hooks with ``register`` callbacks, entry-point group ``siglite``."""

from .hookspecs import hookimpl
from .manager import (
    BUILTIN_PLUGINS,
    PluginInfo,
    Registry,
    list_plugins,
    load_plugins,
    registry,
    reset_plugins,
)

__all__ = [
    "BUILTIN_PLUGINS", "PluginInfo", "Registry", "hookimpl", "list_plugins", "load_plugins",
    "registry", "reset_plugins",
]  # fmt: skip
