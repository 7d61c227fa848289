"""The op vocabulary: one :class:`OpSchema` per op, looked up by name.

Builtins are named as in TFLite (``CONV_2D``), Select-TF ops by their TF name (``AsString``) and
serialized as ``Flex<Name>`` custom ops, custom ops by their custom code. Adding an op means
adding its schema entry (built-ins in ``siglite.ops.schemas``, others through the
``register_ops`` plugin hook) and its kernels.

``infer(inputs, attrs)`` receives the node's input :class:`~siglite.ir.Tensor` objects (``None``
for omitted optional inputs; constant inputs carry ``data``) and the attribute dict, and returns
one ``(dtype, shape)`` pair per output; ``-1`` marks a dimension unknown until run time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..dtypes import DType
from ..errors import PluginError, UnsupportedOpError
from .builtin_codes import BUILTIN_CODES

BUILTINS = "BUILTINS"
SELECT = "SELECT"
CUSTOM = "CUSTOM"

InferFn = Callable[[Sequence[Any], dict[str, Any]], list[tuple[DType, tuple[int, ...]]]]


@dataclass
class OpSchema:
    """What siglite knows about one op."""

    name: str
    opset: str = BUILTINS
    infer: InferFn | None = None
    options: str | None = None  # builtin options table name, e.g. "Conv2DOptions"
    side_effects: bool = False  # kept by dead-code elimination even when its outputs are unused
    num_outputs: int | None = 1  # None: decided by attributes/inputs (SPLIT, UNPACK, IF, ...)
    min_version: int = 1  # the writer never writes a lower op version (LiteRT lacks some v1s)
    doc: str = ""
    source: str = "siglite"  # who registered it (a plugin's name for plugin ops)

    @property
    def builtin_code(self) -> int | None:
        return BUILTIN_CODES.get(self.name) if self.opset == BUILTINS else None

    @property
    def custom_code(self) -> str | None:
        if self.opset == SELECT:
            return "Flex" + self.name
        if self.opset == CUSTOM:
            return self.name
        return None


_SCHEMAS: dict[str, OpSchema] = {}


def check_op(schema: OpSchema, *, replace: bool = False) -> OpSchema | None:
    """Raise :class:`PluginError` unless ``schema`` may be registered; return the schema already
    registered by the same owner (re-registration is then a no-op), else ``None``."""
    if schema.opset not in (BUILTINS, SELECT, CUSTOM):
        raise PluginError(f"op {schema.name!r}: opset must be BUILTINS, SELECT or CUSTOM")
    if schema.opset == BUILTINS and schema.name not in BUILTIN_CODES:
        raise PluginError(f"op {schema.name!r} is not a TFLite builtin; register it as CUSTOM")
    old = _SCHEMAS.get(schema.name)
    if old is not None and old is not schema and not replace:
        if old.source == schema.source:
            return old  # idempotent re-registration by the same owner
        raise PluginError(f"op {schema.name!r} is already registered by {old.source}")
    return None


def register_op(schema: OpSchema, *, replace: bool = False) -> OpSchema:
    """Add an op to the vocabulary. Re-registering the same name needs ``replace=True``."""
    old = check_op(schema, replace=replace)
    if old is not None:
        return old
    _SCHEMAS[schema.name] = schema
    return schema


def get_op(name: str) -> OpSchema:
    """The schema of ``name``; builtins without an explicit entry get a bare schema."""
    _ensure_builtin_schemas()
    if name in _SCHEMAS:
        return _SCHEMAS[name]
    if name in BUILTIN_CODES:
        return OpSchema(name)
    from ..plugins.manager import ensure_loaded

    ensure_loaded()  # plugin ops register on first use of the plugin system
    if name in _SCHEMAS:
        return _SCHEMAS[name]
    raise UnsupportedOpError(f"unknown op {name!r}: not a TFLite builtin nor a registered op")


def find_op(name: str) -> OpSchema | None:
    """Like :func:`get_op` but returns ``None`` for unknown names."""
    try:
        return get_op(name)
    except UnsupportedOpError:
        return None


def all_ops() -> dict[str, OpSchema]:
    """Every registered schema, by name (plugin ops included)."""
    _ensure_builtin_schemas()
    from ..plugins.manager import ensure_loaded

    ensure_loaded()
    return dict(_SCHEMAS)


_loaded = False


def _ensure_builtin_schemas() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        from . import schemas  # noqa: F401  (registers the built-in entries on import)
