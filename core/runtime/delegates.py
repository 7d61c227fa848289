"""Finding delegates by name in the plugin registry and ordering them for an interpreter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..delegate import Delegate
from ..errors import DelegateError


def _available() -> dict[str, Any]:
    from ..plugins import registry

    return registry().delegates


def load_delegate(name: str, options: dict[str, Any] | None = None) -> Delegate:
    """Create the delegate registered as ``name`` with ``options`` (LiteRT's
    ``load_delegate`` takes a library path; siglite delegates are plugins found by name)."""
    factories = _available()
    if not isinstance(name, str) or name not in factories:
        known = ", ".join(sorted(factories)) or "none"
        raise DelegateError(f"no delegate named {name!r}; available delegates: {known}")
    unknown = _unknown_options(factories[name], options or {})
    if unknown:
        raise DelegateError(f"delegate {name!r} has no option {unknown}")
    try:
        delegate = factories[name](**dict(options or {}))
    except DelegateError:
        raise
    except Exception as exc:
        raise DelegateError(f"delegate {name!r} could not be created: {exc}") from exc
    if not isinstance(delegate, Delegate):
        raise DelegateError(f"delegate {name!r} did not create a siglite Delegate")
    return delegate


def resolve_delegates(
    experimental_delegates: Sequence[Any] | str | None, delegates: Sequence[Any] | str | None
) -> list[Delegate]:
    """Delegates in priority order: ``experimental_delegates``, then ``delegates`` (names or
    objects, or one string of comma-separated names), then the numpy delegate, which is always
    last."""
    out: list[Delegate] = []
    for item in _as_list(experimental_delegates) + _as_list(delegates):
        if isinstance(item, str):
            item = load_delegate(item)
        if not isinstance(item, Delegate):
            raise DelegateError(
                f"expected a delegate name or a siglite Delegate, got {type(item).__name__}"
            )
        out.append(item)
    numpy_delegates = [d for d in out if d.name == "numpy"]
    out = [d for d in out if d.name != "numpy"]
    out.append(numpy_delegates[0] if numpy_delegates else load_delegate("numpy"))
    return out


def _as_list(items: Sequence[Any] | str | None) -> list[Any]:
    """A list of delegates; a string is one name or several separated by commas (iterating
    over it would give single letters)."""
    if isinstance(items, str):
        return [name.strip() for name in items.split(",") if name.strip()]
    return list(items or [])


def _unknown_options(factory: Any, options: dict[str, Any]) -> str:
    """The option names ``factory`` does not take, with the ones it does (empty when fine)."""
    import inspect

    try:
        params = inspect.signature(factory).parameters.values()
    except (TypeError, ValueError):
        return ""
    if any(p.kind is p.VAR_KEYWORD for p in params):
        return ""
    known = [p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
    unknown = [k for k in options if k not in known]
    if not unknown:
        return ""
    return f"{', '.join(map(repr, unknown))} (its options: {', '.join(known) or 'none'})"
