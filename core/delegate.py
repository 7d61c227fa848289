"""The delegate contract: kernel tables, kernel context, and the Delegate base class.

A kernel is a plain function: input arrays positional (``None`` for an omitted optional
input), node attributes keyword-only. It returns one array, or a tuple/list for several
outputs. Only the attributes the function names are passed (``**kwargs`` gets them all).
A kernel registered with ``context=True`` receives a :class:`KernelContext` first.

    kernels = KernelTable("numpy")

    @kernels.register("ADD")
    def add(x, y, *, fused_activation="NONE"):
        return activate(x + y, fused_activation)

Kernels may be registered for specific input dtypes (``dtypes=("int8", "uint8")``); lookup tries
the node's first input dtype, then the dtype-free entry. A kernel registered with
``quantized=True`` is only chosen for nodes that carry quantization parameters, so plain integer
tensors (e.g. an int8 CONCATENATION without scales) keep the dtype-free kernel.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .errors import UnsupportedOpError


@dataclass
class Kernel:
    """A registered kernel function and how to call it."""

    op: str
    fn: Callable[..., Any]
    context: bool = False
    dtypes: tuple[str, ...] | None = None
    quantized: bool = False
    _accepted: frozenset[str] | None = field(default=None, repr=False)
    _takes_all: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        params = inspect.signature(self.fn).parameters.values()
        self._takes_all = any(p.kind is p.VAR_KEYWORD for p in params)
        self._accepted = frozenset(p.name for p in params if p.kind is p.KEYWORD_ONLY)

    def bind_attrs(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """The subset of ``attrs`` this kernel's signature accepts."""
        if self._takes_all:
            return dict(attrs)
        return {k: v for k, v in attrs.items() if k in self._accepted}


class KernelTable:
    """Kernels of one delegate, by op name (and optionally input dtype)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._kernels: dict[tuple[str, str | None], Kernel] = {}

    def register(
        self,
        *ops: str,
        context: bool = False,
        dtypes: Iterable[str] | None = None,
        quantized: bool = False,
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Decorator registering a function as the kernel of ``ops``."""
        dts = tuple(dtypes) if dtypes is not None else None

        def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
            for op in ops:
                for dt in dts or (None,):
                    self._kernels[(op, dt)] = Kernel(op, fn, context, dts, quantized)
            return fn

        return deco

    def add(
        self,
        op: str,
        fn: Callable[..., Any],
        *,
        context: bool = False,
        dtypes: Iterable[str] | None = None,
        quantized: bool = False,
    ) -> None:
        """Register ``fn`` without the decorator syntax."""
        self.register(op, context=context, dtypes=dtypes, quantized=quantized)(fn)

    def get(self, op: str, dtype: str | None = None, quantized: bool = True) -> Kernel | None:
        """The kernel for ``op`` on ``dtype``; ``quantized=False`` skips quantized kernels."""
        found = self._kernels.get((op, dtype))
        if found is not None and found.quantized and not quantized:
            found = None
        return found or self._kernels.get((op, None))

    def has(self, op: str, dtype: str | None = None, quantized: bool = True) -> bool:
        """Whether :meth:`get` finds a kernel."""
        return self.get(op, dtype, quantized) is not None

    def ops(self) -> set[str]:
        """Every op with a kernel in this table."""
        return {op for op, _ in self._kernels}

    def dtypes_of(self, op: str) -> set[str | None]:
        """The dtypes ``op`` has kernels for (``None``: the dtype-free kernel)."""
        return {dt for o, dt in self._kernels if o == op}


class KernelContext:
    """What a ``context=True`` kernel sees of the runtime; the runtime fills it in.

    Attributes: ``node`` (the IR node), ``inputs``/``outputs`` (its IR tensors, with
    quantization parameters), ``xp`` (the array module), ``resources`` (per-interpreter
    variables and hash tables), ``signature`` (key or None) and ``call_subgraph(index, args)``.
    """

    def __init__(
        self,
        node: Any,
        *,
        xp: Any = np,
        resources: Any = None,
        call_subgraph: Callable[[int, list[Any]], list[Any]] | None = None,
        signature: str | None = None,
    ) -> None:
        self.node = node
        self.inputs = node.inputs
        self.outputs = node.outputs
        self.xp = xp
        self.resources = resources
        self.signature = signature
        self._call = call_subgraph

    def call_subgraph(self, index: int, args: list[Any]) -> list[Any]:
        """Run subgraph ``index`` on ``args`` (its inputs, in order) and return its outputs."""
        if self._call is None:
            raise UnsupportedOpError(f"{self.node.op}: this runtime cannot call subgraphs")
        return self._call(index, args)


class Delegate:
    """Base class of delegates. A delegate claims nodes and runs them with its kernels.

    Subclasses set ``name`` and ``kernels`` and may override :meth:`supports` with their own
    limits (dtypes, shapes, memory). ``xp`` is the array module the kernels compute with.
    """

    name = "delegate"
    xp: Any = np

    def __init__(self, kernels: KernelTable | None = None, **options: Any) -> None:
        self.kernels = kernels if kernels is not None else KernelTable(self.name)
        self.options = options

    def kernel_for(self, node: Any) -> Kernel | None:
        """The kernel that runs ``node``: the delegate's own, else one a plugin registered."""
        dtype = _first_dtype(node)
        found = self.kernels.get(node.op, dtype, _is_quantized(node))
        if found is None:
            from .plugins import registry

            found = registry().kernel(self.name, node.op, dtype)
        return found

    def supports(self, node: Any, subgraph: Any = None) -> bool | str:
        """True when this delegate can run ``node``; a string gives the reason it cannot."""
        return True if self.kernel_for(node) is not None else "no kernel"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r}>"


def _is_quantized(node: Any) -> bool:
    tensors = [*node.inputs, *node.outputs]
    return any(t is not None and t.quantization is not None for t in tensors)


def _first_dtype(node: Any) -> str | None:
    for t in node.inputs:
        if t is not None:
            return t.dtype.name
    return None
