"""Nested Python structures (lists, tuples, named tuples, dicts) flattened into leaves and back.

Control flow takes and returns such structures, as TensorFlow's ``tf.nest`` allows: a branch of
``cond`` may return a dict, ``while_loop`` may carry a tuple of a tensor and a dict.
"""

from __future__ import annotations

from typing import Any

from siglite.errors import SigliteError

# A structure description: ("leaf",), ("none",), ("seq", type, [children]),
# ("dict", type, [keys], [children]).
Structure = tuple


def flatten(value: Any) -> tuple[list[Any], Structure]:
    """The leaves of ``value`` in a fixed order (dict keys sorted), and its structure."""
    leaves: list[Any] = []
    return leaves, _flatten(value, leaves)


def _flatten(value: Any, leaves: list[Any]) -> Structure:
    if value is None:
        return ("none",)
    if isinstance(value, dict):
        keys = sorted(value, key=str)
        return ("dict", type(value), keys, [_flatten(value[k], leaves) for k in keys])
    if isinstance(value, list | tuple):
        return ("seq", type(value), [_flatten(v, leaves) for v in value])
    leaves.append(value)
    return ("leaf",)


def unflatten(structure: Structure, leaves: list[Any]) -> Any:
    """The inverse of :func:`flatten`: ``leaves`` put back into ``structure``."""
    it = iter(leaves)
    out = _unflatten(structure, it)
    if next(it, _END) is not _END:
        raise SigliteError("internal: more values than the structure holds")
    return out


_END = object()


def _unflatten(structure: Structure, it: Any) -> Any:
    kind = structure[0]
    if kind == "none":
        return None
    if kind == "leaf":
        return next(it)
    if kind == "dict":
        _, cls, keys, children = structure
        items = {k: _unflatten(c, it) for k, c in zip(keys, children, strict=True)}
        return items if cls is dict else cls(items)
    _, cls, children = structure
    items = [_unflatten(c, it) for c in children]
    if cls in (list, tuple):
        return cls(items)
    return cls(*items)  # a named tuple


def describe(structure: Structure) -> str:
    """A short text form of a structure for error messages."""
    kind = structure[0]
    if kind in ("none", "leaf"):
        return "None" if kind == "none" else "tensor"
    if kind == "dict":
        pairs = zip(structure[2], structure[3], strict=True)
        inner = ", ".join(f"{k!r}: {describe(c)}" for k, c in pairs)
        return "{" + inner + "}"
    inner = ", ".join(describe(c) for c in structure[2])
    return f"[{inner}]" if structure[1] is list else f"({inner})"


def same_structure(a: Structure, b: Structure) -> bool:
    """Whether two structures match (lists and tuples count as the same, as in ``tf.nest``)."""
    if a[0] != b[0]:
        return False
    if a[0] == "dict":
        if a[2] != b[2]:
            return False
        return all(same_structure(x, y) for x, y in zip(a[3], b[3], strict=True))
    if a[0] == "seq":
        if len(a[2]) != len(b[2]):
            return False
        return all(same_structure(x, y) for x, y in zip(a[2], b[2], strict=True))
    return True
