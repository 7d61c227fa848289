"""``sl.Variable`` and ``sl.Module``.

A variable that no exported function assigns becomes a constant weight in the converted model;
one that some function assigns becomes a resource variable (VAR_HANDLE / READ_VARIABLE /
ASSIGN_VARIABLE) initialised once per interpreter by a CALL_ONCE initializer subgraph.
"""

from __future__ import annotations

import itertools
import re
import threading
from typing import Any

import numpy as np

from siglite.dtypes import DType, as_dtype
from siglite.errors import SigliteError
from siglite.ir import Node, Tensor

from .graph import SymbolicTensor, Trace, as_ir, const_array, current_trace, default_dtype

_names: dict[str, itertools.count] = {}
_names_lock = threading.Lock()


def _unique_name(base: str) -> str:
    base = re.sub(r"[^A-Za-z0-9_.\-/]", "_", base) or "Variable"
    with _names_lock:
        n = next(_names.setdefault(base, itertools.count()))
    return base if n == 0 else f"{base}_{n}"


class Variable:
    """A mutable tensor owned by Python and captured by traced functions."""

    __array_ufunc__ = None  # numpy defers to our reflected operators

    def __init__(
        self,
        initial_value: Any,
        trainable: bool = True,
        name: str | None = None,
        dtype: Any = None,
        shape: Any = None,
    ) -> None:
        if callable(initial_value):
            initial_value = initial_value()
        dt = as_dtype(dtype) if dtype is not None else default_dtype(initial_value)
        self._value = const_array(np.array(initial_value) if dtype is None else initial_value, dt)
        if dt.name != "string" and self._value.dtype != dt.numpy:
            self._value = self._value.astype(dt.numpy)
        self._dtype = dt
        self.trainable = trainable
        self.name = name or "Variable"
        self.handle_name = _unique_name(self.name)
        self.version = 0  # bumped whenever the Python-side value changes

    # -- value ---------------------------------------------------------------------------------
    @property
    def dtype(self) -> DType:
        return self._dtype

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self._value.shape)

    def numpy(self) -> np.ndarray:
        """A copy of the current value."""
        return np.array(self._value)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._value if dtype is None else self._value.astype(dtype)

    def set_value(self, value: Any) -> None:
        """Replace the Python-side value (after an eager call or an eager assign)."""
        arr = const_array(value, self._dtype)
        if arr.shape != self._value.shape:
            raise SigliteError(
                f"variable {self.name!r} has shape {self._value.shape}; cannot assign a value "
                f"of shape {arr.shape}"
            )
        self._value = arr
        self.version += 1

    # -- graph use -----------------------------------------------------------------------------
    def read_in(self, trace: Trace) -> Tensor:
        """The variable's value as a tensor of ``trace``."""
        if trace.root.eager:
            return trace.builder.const(self._value, self.handle_name, dtype=self._dtype)
        handle = trace.variable_handle(self)
        return trace.builder.op(
            "READ_VARIABLE",
            handle,
            outputs=[(self._dtype, self.shape)],
            name=f"{self.handle_name}_read",
        )

    def read_value(self) -> Any:
        """The current value (a traced tensor inside a function)."""
        trace = current_trace()
        if trace is None:
            return self.numpy()
        return SymbolicTensor(trace, self.read_in(trace))

    def value(self) -> Any:
        return self.read_value()

    def assign(self, value: Any, read_value: bool = True) -> Any:
        """Set the variable (an ASSIGN_VARIABLE node inside a traced function)."""
        trace = current_trace()
        if trace is None or trace.root.eager:
            self.set_value(np.asarray(value))
            return self.numpy() if read_value else None
        tensor = as_ir(value, trace, self._dtype)
        if tuple(tensor.signature_shape) != self.shape or tensor.dtype != self._dtype:
            raise SigliteError(
                f"cannot assign a {tensor.dtype.name}{list(tensor.signature_shape)} value to "
                f"variable {self.name!r} of type {self._dtype.name}{list(self.shape)}"
            )
        handle = trace.variable_handle(self)
        trace.builder.subgraph.nodes.append(Node("ASSIGN_VARIABLE", [handle, tensor], []))
        trace.root.assigned.add(self.handle_name)
        return self.read_value() if read_value else None

    def assign_add(self, delta: Any, read_value: bool = True) -> Any:
        from .ops.math import add

        return self.assign(add(self, delta), read_value)

    def assign_sub(self, delta: Any, read_value: bool = True) -> Any:
        from .ops.math import subtract

        return self.assign(subtract(self, delta), read_value)

    def __repr__(self) -> str:
        return f"<sl.Variable {self.name!r} shape={self.shape} dtype={self._dtype.name}>"


def _operator(name: str, reflected: bool = False):
    def method(self: Variable, other: Any = None) -> Any:
        from . import tensor_ops

        fn = getattr(tensor_ops, name)
        return fn(other, self) if reflected else fn(self, other)

    return method


def _install_operators() -> None:
    from .tensor_ops import BINARY

    for dunder, fname in BINARY.items():
        setattr(Variable, f"__{dunder}__", _operator(fname))
        setattr(Variable, f"__r{dunder}__", _operator(fname, reflected=True))
    for dunder in ("lt", "le", "gt", "ge"):
        setattr(Variable, f"__{dunder}__", _operator(dunder))
    Variable.__neg__ = lambda self: _operator("neg")(self)  # type: ignore[method-assign]
    Variable.__getitem__ = lambda self, key: _operator("getitem")(self, key)  # type: ignore


class Module:
    """A container of variables, sub-modules and traced functions (``tf.Module``)."""

    def __init__(self, name: str | None = None) -> None:
        self._module_name = name or re.sub(r"(?<!^)(?=[A-Z])", "_", type(self).__name__).lower()

    @property
    def name(self) -> str:
        return getattr(self, "_module_name", type(self).__name__.lower())

    def _walk(self, seen: set[int]) -> Any:
        for value in vars(self).values():
            yield from _flatten(value, seen)

    @property
    def variables(self) -> tuple[Variable, ...]:
        """Every variable reachable from this module's attributes, sub-modules included."""
        return tuple(v for v in self._walk({id(self)}) if isinstance(v, Variable))

    @property
    def trainable_variables(self) -> tuple[Variable, ...]:
        return tuple(v for v in self.variables if v.trainable)

    @property
    def submodules(self) -> tuple[Module, ...]:
        return tuple(v for v in self._walk({id(self)}) if isinstance(v, Module))


def _flatten(value: Any, seen: set[int]) -> Any:
    if id(value) in seen:
        return
    if isinstance(value, Variable):
        seen.add(id(value))
        yield value
    elif isinstance(value, Module):
        seen.add(id(value))
        yield value
        yield from value._walk(seen)
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _flatten(v, seen)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _flatten(v, seen)
