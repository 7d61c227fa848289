"""Tracing state: the graph being recorded, symbolic tensors and how values enter a graph.

A :class:`Trace` records one subgraph. Calling a siglite op while a trace is active appends a
node; calling it with plain arrays and no active trace runs it at once (eager mode). Nested
traces (``cond`` branches, ``while_loop`` bodies) capture tensors of enclosing traces as extra
subgraph inputs, the way TensorFlow's function graphs capture outer tensors.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

import numpy as np

from siglite.dtypes import DType, as_dtype
from siglite.dtypes import float32 as _f32
from siglite.dtypes import int32 as _i32
from siglite.dtypes import string as _str
from siglite.errors import SigliteError
from siglite.ir import Subgraph, SubgraphBuilder, Tensor


class SubgraphRef:
    """A reference to a helper subgraph, resolved to its index when a model is assembled."""

    def __init__(self, subgraph: Subgraph) -> None:
        self.subgraph = subgraph

    def __repr__(self) -> str:
        return f"SubgraphRef({self.subgraph.name!r})"


class Trace:
    """One subgraph being recorded, with its captures, variables, tables and helper subgraphs."""

    def __init__(self, name: str, parent: Trace | None = None) -> None:
        self.builder = SubgraphBuilder(name)
        self.parent = parent
        # outer IR tensor id -> (outer SymbolicTensor, inner placeholder tensor)
        self.captures: dict[int, tuple[SymbolicTensor, Tensor]] = {}
        self.root = self if parent is None else parent.root
        self.eager = False  # an eager trace reads variables as constants of their values
        if parent is None:
            self.helpers: list[Subgraph] = []
            self.variables: dict[str, Any] = {}  # shared_name -> Variable
            self.assigned: set[str] = set()
            self.tables: dict[int, Any] = {}  # table_id -> StaticHashTable
        self._handles: dict[str, Tensor] = {}

    @property
    def subgraph(self) -> Subgraph:
        return self.builder.subgraph

    def is_ancestor_of(self, other: Trace) -> bool:
        t: Trace | None = other.parent
        while t is not None:
            if t is self:
                return True
            t = t.parent
        return False

    def capture(self, sym: SymbolicTensor) -> Tensor:
        """The placeholder standing for an enclosing trace's tensor ``sym`` in this trace."""
        key = id(sym.tensor)
        if key not in self.captures:
            outer = sym
            if self.parent is not None and sym.trace is not self.parent:
                outer = SymbolicTensor(self.parent, self.parent.capture(sym))
            t = sym.tensor
            inner = self.builder.tensor(t.name, t.dtype, t.signature_shape)
            self.subgraph.inputs.append(inner)
            self.captures[key] = (outer, inner)
        return self.captures[key][1]

    def variable_handle(self, var: Any) -> Tensor:
        """A VAR_HANDLE for ``var`` in this subgraph (one per subgraph and variable)."""
        name = var.handle_name
        self.root.variables[name] = var
        if name not in self._handles:
            from siglite.dtypes import resource

            self._handles[name] = self.builder.op(
                "VAR_HANDLE",
                outputs=[(resource, ())],
                name=f"{name}_handle",
                container="",
                shared_name=name,
            )
        return self._handles[name]

    def add_helper(self, sub: Trace) -> SubgraphRef:
        """Register ``sub`` (a finished nested trace) as a helper subgraph of the function."""
        self.root.helpers.append(sub.subgraph)
        return SubgraphRef(sub.subgraph)


_state = threading.local()


def current_trace() -> Trace | None:
    """The innermost active trace, or ``None`` in eager mode."""
    stack = getattr(_state, "stack", None)
    return stack[-1] if stack else None


class tracing:
    """Context manager that makes ``trace`` the active one."""

    def __init__(self, trace: Trace) -> None:
        self.trace = trace

    def __enter__(self) -> Trace:
        if not hasattr(_state, "stack"):
            _state.stack = []
        _state.stack.append(self.trace)
        return self.trace

    def __exit__(self, *exc: Any) -> None:
        _state.stack.pop()


class TensorShape(tuple):
    """A static shape with ``None`` for unknown dimensions (TensorFlow's ``TensorShape``)."""

    @property
    def rank(self) -> int:
        return len(self)

    def as_list(self) -> list[int | None]:
        return list(self)


class SymbolicTensor:
    """A value inside a traced function: a tensor of the subgraph being recorded."""

    __array_ufunc__ = None  # make numpy defer to our reflected operators

    def __init__(self, trace: Trace, tensor: Tensor) -> None:
        self.trace = trace
        self.tensor = tensor

    @property
    def dtype(self) -> DType:
        return self.tensor.dtype

    @property
    def shape(self) -> TensorShape:
        return TensorShape(None if d < 0 else d for d in self.tensor.signature_shape)

    @property
    def name(self) -> str:
        return self.tensor.name

    @property
    def ndim(self) -> int:
        return len(self.tensor.signature_shape)

    def get_shape(self) -> TensorShape:
        return self.shape

    def __repr__(self) -> str:
        dims = ", ".join("None" if d is None else str(d) for d in self.shape)
        return f"<SymbolicTensor {self.name!r} shape=({dims}) dtype={self.dtype.name}>"

    def __bool__(self) -> bool:
        raise SigliteError(
            f"the truth value of traced tensor %{self.name} is unknown while tracing: use "
            "sl.cond(pred, true_fn, false_fn) instead of `if`, and sl.while_loop(cond, body, "
            "loop_vars) instead of `while`"
        )

    def __len__(self) -> int:
        n = self.tensor.signature_shape[0] if self.ndim else -1
        if n < 0:
            raise SigliteError(f"len() of traced tensor %{self.name}: its first dim is unknown")
        return n

    def __iter__(self):
        from .ops.array import unstack

        return iter(unstack(self))

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        raise SigliteError(
            f"traced tensor %{self.name} has no value while tracing; use siglite ops on it"
        )

    __hash__ = object.__hash__


def is_symbolic(value: Any) -> bool:
    return isinstance(value, SymbolicTensor)


def default_dtype(value: Any) -> DType:
    """TensorFlow's dtype for a Python value: floats float32, ints int32, text string."""
    if isinstance(value, np.ndarray | np.generic):
        return as_dtype(value.dtype)
    arr = np.asarray(value)
    if arr.dtype.kind in "SUO":
        return _str
    if arr.dtype.kind == "f":
        return _f32
    if arr.dtype.kind in "iu":
        return _i32
    return as_dtype(arr.dtype)


def const_array(value: Any, dtype: Any = None) -> np.ndarray:
    """``value`` as a numpy array of ``dtype`` (strings become object arrays of bytes)."""
    dt = as_dtype(dtype) if dtype is not None else default_dtype(value)
    if dt.name == "string":
        arr = np.asarray(value, dtype=object)
        flat = [v.encode() if isinstance(v, str) else bytes(v) for v in arr.reshape(-1)]
        out = np.empty(len(flat), dtype=object)
        out[:] = flat
        return out.reshape(arr.shape)
    return np.asarray(value, dtype=dt.numpy)


def as_ir(value: Any, trace: Trace, dtype: Any = None) -> Tensor:
    """The IR tensor for ``value`` in ``trace``: captured, read from a variable, or a constant."""
    from .variables import Variable

    if isinstance(value, SymbolicTensor):
        if value.trace is trace:
            return value.tensor
        if value.trace.is_ancestor_of(trace):
            return trace.capture(value)
        raise SigliteError(
            f"tensor %{value.name} belongs to another traced function; pass it as an argument"
        )
    if isinstance(value, Variable):
        return value.read_in(trace)
    arr = const_array(value, dtype)
    if dtype is not None and not isinstance(value, np.ndarray | np.generic):
        _check_exact(value, arr)
    return trace.builder.const(arr, "const", dtype=as_dtype(dtype) if dtype else None)


def _check_exact(value: Any, arr: np.ndarray) -> None:
    """Refuse Python numbers that the tensor's dtype cannot hold (``int_tensor * 2.5``)."""
    if arr.dtype.kind not in "biu":
        return
    raw = np.asarray(value)
    if raw.dtype.kind in "fc" and not np.array_equal(raw, arr):
        raise SigliteError(
            f"cannot use {value!r} with a tensor of dtype {as_dtype(arr.dtype).name}: it is not "
            "a whole number; cast the tensor first (sl.cast(x, sl.float32))"
        )


def dtype_of(value: Any) -> DType | None:
    """The dtype a value already has (tensors, variables, numpy), else ``None`` (Python)."""
    from .variables import Variable

    if isinstance(value, SymbolicTensor | Variable):
        return value.dtype
    if isinstance(value, np.ndarray | np.generic):
        return as_dtype(value.dtype)
    return None


def wrap(trace: Trace, out: Tensor | Sequence[Tensor]) -> Any:
    """Symbolic tensor(s) for the output(s) of a node."""
    if isinstance(out, Tensor):
        return SymbolicTensor(trace, out)
    return tuple(SymbolicTensor(trace, t) for t in out)
