"""Loading plugins: built-ins first, then ``siglite`` entry points (lazy, idempotent).

``SIGLITE_LOAD_PLUGINS`` is an allow-list of entry-point names separated by commas; set and
empty, only the built-ins load. A plugin whose import or hook raises is skipped with a warning
that names it; the others still load.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
import threading
import warnings
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any

import pluggy

from ..errors import PluginError
from . import hookspecs

# Built-in plugin modules: they implement the same hooks as third-party plugins.
BUILTIN_PLUGINS: tuple[str, ...] = (
    "siglite.delegates.numpy.plugin",
    "siglite.delegates.cupy.plugin",
    "siglite.delegates.edge.plugin",
    "siglite.frontends.module.plugin",
    "siglite.frontends.sequential.plugin",
    "siglite.frontends.onnx.plugin",
    "siglite.frontends.torch.plugin",
)


@dataclass
class PluginInfo:
    """One registered thing, for ``siglite plugins``."""

    name: str
    kind: str  # "frontend" | "delegate" | "op"
    plugin: str
    version: str
    distribution: str
    description: str = ""


@dataclass
class Registry:
    """Everything the loaded plugins registered."""

    frontends: dict[str, Any] = field(default_factory=dict)
    delegates: dict[str, Any] = field(default_factory=dict)
    op_kernels: dict[tuple[str, str], Any] = field(default_factory=dict)
    entries: list[PluginInfo] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    ops: list[Any] = field(default_factory=list)  # schemas a plugin is about to register

    def kernel(self, delegate: str, op: str, dtype: str | None = None) -> Any:
        return self.op_kernels.get((delegate, op))


_lock = threading.RLock()
_registry: Registry | None = None
_state = threading.local()  # ``loading``: this thread is inside load_plugins()


def _dist_of(module_name: str) -> tuple[str, str]:
    top = module_name.split(".")[0]
    names = metadata.packages_distributions().get(top) or [top]
    try:
        return names[0], metadata.version(names[0])
    except metadata.PackageNotFoundError:
        return names[0], "unknown"


def _allowed(name: str) -> bool:
    allow = os.environ.get("SIGLITE_LOAD_PLUGINS")
    if allow is None:
        return True
    return name in {n.strip() for n in allow.split(",") if n.strip()}


def _collect(reg: Registry, plugin: Any, name: str, dist: str, version: str) -> None:
    from ..delegate import Kernel
    from ..ops.registry import OpSchema, check_op

    def info(n: str, kind: str, desc: str = "") -> None:
        reg.entries.append(PluginInfo(n, kind, name, version, dist, desc))

    def frontend(n: str, converter: Any, description: str = "") -> None:
        reg.frontends[n] = converter
        info(n, "frontend", description)

    def delegate(n: str, factory: Any, description: str = "") -> None:
        reg.delegates[n] = factory
        info(n, "delegate", description)

    def op(schema: OpSchema, kernels: dict[str, Any] | None = None) -> None:
        if not isinstance(schema, OpSchema):
            raise PluginError(f"plugin {name}: register_ops expects an OpSchema, got {schema!r}")
        if schema.source == "siglite" and name not in BUILTIN_PLUGINS:
            schema.source = name
        check_op(schema)
        reg.ops.append(schema)  # registered once every hook of the plugin has succeeded
        for delegate_name, fn in (kernels or {}).items():
            k = fn if isinstance(fn, Kernel) else Kernel(schema.name, fn)
            reg.op_kernels[(delegate_name, schema.name)] = k
        info(schema.name, "op", schema.doc)

    hooks = (
        ("register_frontends", frontend),
        ("register_delegates", delegate),
        ("register_ops", op),
    )
    for hook, cb in hooks:
        impl = getattr(plugin, hook, None)
        if impl is not None:
            impl(register=cb)


def _load_one(pm: pluggy.PluginManager, reg: Registry, name: str, loader: Any) -> None:
    try:
        plugin = loader()
        if pm.is_registered(plugin):
            return  # the same module reached twice (e.g. a built-in also exposed as an entry point)
        dist, version = _dist_of(plugin.__name__)
        staged = Registry()
        _collect(staged, plugin, name, dist, version)
    except Exception as exc:  # a broken plugin must not break the others
        reg.failed[name] = f"{type(exc).__name__}: {exc}"
        warnings.warn(
            f"siglite plugin {name!r} failed to load and was skipped: {exc}",
            RuntimeWarning,
            stacklevel=3,
        )
        return
    from ..ops.registry import register_op

    pm.register(plugin, name=name)
    for schema in staged.ops:
        register_op(schema)
    reg.frontends.update(staged.frontends)
    reg.delegates.update(staged.delegates)
    reg.op_kernels.update(staged.op_kernels)
    reg.entries += staged.entries


def load_plugins() -> Registry:
    """Load built-in and installed plugins once; later calls return the same registry."""
    global _registry
    with _lock:
        if _registry is not None:
            return _registry
        pm = pluggy.PluginManager("siglite")
        pm.add_hookspecs(hookspecs)
        reg = Registry()
        _state.loading = True
        try:
            for mod in BUILTIN_PLUGINS:
                if importlib.util.find_spec(mod.rsplit(".", 1)[0]) is None:
                    continue  # that part of siglite is not built yet / not installed
                _load_one(pm, reg, mod, lambda m=mod: importlib.import_module(m))
            for ep in metadata.entry_points(group="siglite"):
                if _allowed(ep.name):
                    _load_one(pm, reg, ep.name, ep.load)
        finally:
            _state.loading = False
        _registry = reg
        return reg


def ensure_loaded() -> None:
    """Load plugins now unless they are loaded or this thread is loading them.

    Looking up an op that no built-in schema names calls this, so plugin ops are known to the
    model builder and the writer without an explicit :func:`load_plugins`; a lookup made while
    a plugin is being imported does not start a second, nested load.
    """
    if _registry is None and not getattr(_state, "loading", False):
        load_plugins()


def registry() -> Registry:
    """The loaded registry (loads plugins on first use)."""
    return _registry if _registry is not None else load_plugins()


def reset_plugins() -> None:
    """Forget loaded plugins (tests use this after changing the environment)."""
    global _registry
    with _lock:
        _registry = None


def list_plugins() -> list[PluginInfo]:
    """Every registered frontend, delegate and op with its plugin and distribution."""
    return list(registry().entries)
