"""How op functions add nodes (``emit``) and run at once outside a trace (``op``)."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np

from siglite.dtypes import DType
from siglite.errors import SigliteError

from ..graph import SymbolicTensor, Trace, as_ir, current_trace, dtype_of, tracing, wrap

F = TypeVar("F", bound=Callable[..., Any])


def trace_or_fail() -> Trace:
    trace = current_trace()
    if trace is None:  # op functions are wrapped with @op, so this means misuse
        raise SigliteError("this siglite op needs an active trace")
    return trace


def emit(
    op: str,
    *inputs: Any,
    outputs: Sequence[tuple[Any, Sequence[int]]] | None = None,
    name: str | None = None,
    dtype: DType | None = None,
    **attrs: Any,
) -> Any:
    """Append node ``op`` to the active trace; constants are made with ``dtype`` when given.

    Output types come from the op schema's ``infer`` unless ``outputs`` is given (ops whose
    result depends on something the schema cannot see, such as a variable's type).
    """
    trace = trace_or_fail()
    tensors = [None if v is None else as_ir(v, trace, dtype) for v in inputs]
    out = trace.builder.op(op, *tensors, outputs=outputs, name=name or op.lower(), **attrs)
    return wrap(trace, out)


def rank_of(x: Any) -> int:
    """The rank of a traced tensor, variable or Python/numpy value."""
    return len(x.shape) if hasattr(x, "shape") else np.ndim(x)


def common_dtype(*values: Any) -> DType | None:
    """The dtype the untyped values among ``values`` are converted to.

    As in TensorFlow, a traced tensor or variable decides (the first one), whatever side of the
    operator it is on; numpy arrays only decide when no tensor is involved; Python numbers never.
    """
    for v in values:
        if isinstance(v, SymbolicTensor) or hasattr(v, "read_in"):
            return dtype_of(v)
    for v in values:
        dt = dtype_of(v)
        if dt is not None:
            return dt
    return None


def same_dtype(what: str, *values: Any) -> DType | None:
    """The common dtype of ``values``; tensors and variables of different dtypes are an error,
    as in TensorFlow (which never converts a tensor implicitly)."""
    typed = [v for v in values if isinstance(v, SymbolicTensor) or hasattr(v, "read_in")]
    for v in typed[1:]:
        if v.dtype != typed[0].dtype:
            raise SigliteError(
                f"{what}: inputs have different dtypes ({typed[0].dtype.name} and "
                f"{v.dtype.name}); use sl.cast to convert one of them"
            )
    return common_dtype(*values)


def op(fn: F) -> F:
    """Make an op function run eagerly (returning numpy arrays) when no trace is active."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if current_trace() is not None:
            return fn(*args, **kwargs)
        return run_eagerly(fn, args, kwargs)

    return wrapper  # type: ignore[return-value]


def run_eagerly(fn: Callable[..., Any], args: Any, kwargs: Any) -> Any:
    """Trace ``fn`` on constants and evaluate the result with the reference kernels."""
    trace = Trace("eager")
    trace.eager = True
    with tracing(trace):
        result = fn(*args, **kwargs)
    leaves: list[SymbolicTensor] = []
    _collect(result, leaves)
    values = evaluate(trace, [t.tensor for t in leaves])
    table = {id(t): v for t, v in zip(leaves, values, strict=True)}
    return _rebuild(result, table)


def evaluate(trace: Trace, tensors: list[Any]) -> list[np.ndarray]:
    """Values of ``tensors`` of an input-free trace (folding, else a one-off interpreter)."""
    from siglite.passes.constant_folding import fold_constants_subgraph

    sg = trace.subgraph
    fold_constants_subgraph(sg, protect=())
    if all(t.data is not None for t in tensors):
        return [np.array(t.data) for t in tensors]
    from ..eager import run_subgraph_once

    return run_subgraph_once(trace, tensors)


def _collect(value: Any, out: list[SymbolicTensor]) -> None:
    if isinstance(value, SymbolicTensor):
        out.append(value)
    elif isinstance(value, list | tuple):
        for v in value:
            _collect(v, out)
    elif isinstance(value, dict):
        for v in value.values():
            _collect(v, out)


def _rebuild(value: Any, table: dict[int, np.ndarray]) -> Any:
    if isinstance(value, SymbolicTensor):
        return table[id(value)]
    if isinstance(value, list | tuple):
        items = [_rebuild(v, table) for v in value]
        return type(value)(items) if type(value) in (list, tuple) else type(value)(*items)
    if isinstance(value, dict):
        return {k: _rebuild(v, table) for k, v in value.items()}
    return value
