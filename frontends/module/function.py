"""``sl.function``, ``sl.TensorSpec`` and ``ConcreteFunction``: tracing Python into subgraphs."""

from __future__ import annotations

import functools
import inspect
import threading
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from siglite.dtypes import DType, as_dtype
from siglite.errors import SigliteError
from siglite.ir import Tensor

from .graph import SymbolicTensor, Trace, as_ir, current_trace, default_dtype, tracing

# Instance attribute prefix under which a method's per-instance Function is cached.
BOUND_SLOT = "_sl_function_"


class TensorSpec:
    """The dtype and shape (``None`` = any size) of a function argument, and its name."""

    def __init__(self, shape: Any = None, dtype: Any = "float32", name: str | None = None):
        if shape is None:
            raise SigliteError("TensorSpec: siglite needs a known rank; give shape=[...]")
        self.shape = tuple(None if d is None or int(d) < 0 else int(d) for d in shape)
        self.dtype: DType = as_dtype(dtype)
        self.name = name

    @classmethod
    def from_value(cls, value: Any, name: str | None = None) -> TensorSpec:
        """The spec of an array-like value."""
        if isinstance(value, TensorSpec):
            return value
        arr = np.asarray(value)
        dt = default_dtype(value)
        return cls(arr.shape, dt, name)

    @property
    def signature_shape(self) -> tuple[int, ...]:
        return tuple(-1 if d is None else d for d in self.shape)

    def is_compatible_with(self, value: Any) -> bool:
        """Whether an array-like fits this spec (dtype, rank and known sizes)."""
        other = TensorSpec.from_value(value)
        if other.dtype != self.dtype or len(other.shape) != len(self.shape):
            return False
        return all(a is None or a == b for a, b in zip(self.shape, other.shape, strict=True))

    def _key(self) -> tuple:
        return (self.shape, self.dtype.name, self.name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, TensorSpec) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"TensorSpec(shape={self.shape}, dtype=sl.{self.dtype.name}, name={self.name!r})"


class FuncGraph:
    """What ``ConcreteFunction.graph`` shows: the name, the subgraph and its helpers."""

    def __init__(self, trace: Trace) -> None:
        self.name = trace.subgraph.name
        self.subgraph = trace.subgraph
        self.helpers = list(trace.helpers)

    def __str__(self) -> str:
        return str(self.subgraph)


class ConcreteFunction:
    """One traced signature of a function: a subgraph with named inputs and outputs."""

    def __init__(
        self,
        name: str,
        trace: Trace,
        specs: Sequence[TensorSpec],
        arg_names,
        outputs: dict[str, Tensor],
        structure: str,
        owner: Any = None,
    ) -> None:
        self.name = name
        self.trace = trace
        self.specs = list(specs)
        self.arg_names = list(arg_names)
        self.inputs = dict(trace.builder.input_names)
        self.outputs = outputs
        self.structure = structure
        self.owner = owner
        self.graph = FuncGraph(trace)
        self._eager: Any = None
        self._lock = threading.Lock()

    @property
    def input_names(self) -> list[str]:
        return list(self.inputs)

    @property
    def structured_input_signature(self) -> tuple[tuple[TensorSpec, ...], dict]:
        return tuple(self.specs), {}

    @property
    def variables(self) -> tuple[Any, ...]:
        return tuple(self.trace.variables.values())

    @property
    def stateful(self) -> bool:
        return bool(self.trace.variables or self.trace.tables)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Run the traced graph on the reference kernels; returns numpy arrays."""
        from .eager import call_concrete

        return call_concrete(self, args, kwargs)

    def __repr__(self) -> str:
        return f"<ConcreteFunction {self.name}({', '.join(self.input_names)})>"


def _outputs(trace: Trace, out: Any) -> tuple[dict[str, Tensor], str]:
    if out is None:
        return {}, "none"
    if isinstance(out, dict):
        items = {str(k): v for k, v in out.items()}
        kind = "dict"
    elif isinstance(out, list | tuple):
        items = {f"output_{i}": v for i, v in enumerate(out)}
        kind = "list" if isinstance(out, list) else "tuple"
    else:
        items, kind = {"output_0": out}, "single"
    for key, v in items.items():
        if v is None or isinstance(v, list | tuple | dict):
            raise SigliteError(
                f"{trace.subgraph.name}: output {key!r} is a {type(v).__name__}; a function "
                "returns one tensor, a list or tuple of tensors, or a dict of tensors"
            )
    return {k: as_ir(v, trace) for k, v in items.items()}, kind


def trace_function(
    fn: Callable[..., Any],
    owner: Any,
    name: str,
    arg_names: Sequence[str],
    specs: Sequence[TensorSpec],
) -> ConcreteFunction:
    """Run ``fn`` on symbolic inputs described by ``specs`` and record the graph."""
    trace = Trace(name)
    with tracing(trace):
        args = []
        for arg, spec in zip(arg_names, specs, strict=True):
            t = trace.builder.input(spec.name or arg, spec.dtype, spec.signature_shape)
            args.append(SymbolicTensor(trace, t))
        result = fn(owner, *args) if owner is not None else fn(*args)
        outputs, structure = _outputs(trace, result)
    for key, t in outputs.items():
        trace.builder.output(t, key)
    return ConcreteFunction(name, trace, specs, arg_names, outputs, structure, owner)


class Function:
    """A Python function traced once per input signature (``sl.function``)."""

    def __init__(
        self,
        python_function: Callable[..., Any],
        input_signature=None,
        name: str | None = None,
        owner: Any = None,
    ) -> None:
        self.python_function = python_function
        self.input_signature = list(input_signature) if input_signature is not None else None
        self.name = name or python_function.__name__
        self.owner = owner
        self._cache: dict[tuple, ConcreteFunction] = {}
        self._lock = threading.RLock()
        functools.update_wrapper(self, python_function)
        params = list(inspect.signature(python_function).parameters.values())
        self._is_method = bool(params) and params[0].name == "self"
        self.arg_names = [p.name for p in params[1 if self._is_method else 0 :]]

    def __get__(self, instance: Any, owner: Any = None) -> Function:
        if instance is None:
            return self
        slot = f"{BOUND_SLOT}{self.name}_{id(self)}"
        bound = instance.__dict__.get(slot)
        if bound is None:
            bound = Function(self.python_function, self.input_signature, self.name, instance)
            instance.__dict__[slot] = bound
        return bound

    def _specs_for(self, args: Sequence[Any], kwargs: dict[str, Any]) -> list[TensorSpec]:
        values = list(args) + [kwargs[n] for n in self.arg_names[len(args) :] if n in kwargs]
        if self.input_signature is not None and not args and not kwargs:
            return list(self.input_signature)
        if len(values) != len(self.arg_names):
            raise SigliteError(
                f"{self.name}() takes {len(self.arg_names)} tensor arguments "
                f"({', '.join(self.arg_names)}), got {len(values)}"
            )
        if self.input_signature is not None:
            for spec, v in zip(self.input_signature, values, strict=True):
                if not isinstance(v, TensorSpec) and not spec.is_compatible_with(v):
                    got = TensorSpec.from_value(v)
                    raise SigliteError(
                        f"{self.name}(): argument does not match its input signature: expected "
                        f"{spec.dtype.name}{list(spec.shape)}, got {got.dtype.name}"
                        f"{list(got.shape)}"
                    )
            return list(self.input_signature)
        return [TensorSpec.from_value(v) for v in values]

    def get_concrete_function(self, *args: Any, **kwargs: Any) -> ConcreteFunction:
        """The traced graph for these specs (or the input signature when none are given)."""
        if self.input_signature is None and not args and not kwargs:
            if not self.arg_names:
                return self._concrete([])
            raise SigliteError(
                f"{self.name}: no input_signature; pass TensorSpecs or example values"
            )
        return self._concrete(self._specs_for(args, kwargs))

    def _concrete(self, specs: list[TensorSpec]) -> ConcreteFunction:
        key = tuple(specs)
        with self._lock:
            if key not in self._cache:
                self._cache[key] = trace_function(
                    self.python_function, self.owner, self.name, self.arg_names, specs
                )
            return self._cache[key]

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if current_trace() is not None:  # called from another traced function: inline it
            if self.owner is not None:
                return self.python_function(self.owner, *args, **kwargs)
            return self.python_function(*args, **kwargs)
        cf = self._concrete(self._specs_for(args, kwargs))
        return cf(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<sl.function {self.name}>"


def function(func: Callable[..., Any] | None = None, input_signature=None, **_: Any) -> Any:
    """Decorator: trace ``func`` into a graph per input signature (``tf.function``)."""
    if func is None:
        return lambda f: Function(f, input_signature)
    return Function(func, input_signature)
