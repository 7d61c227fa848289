"""Running traced graphs from Python: concrete-function calls and one-off op evaluation.

A concrete function runs as a one-signature model on a cached :class:`siglite.Interpreter`.
Variables it assigns are resource variables of that interpreter; their final values are read
back into the Python ``Variable`` objects after every call. The cached interpreter is rebuilt
when any variable it uses was changed from elsewhere.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from siglite.errors import SigliteError
from siglite.ir import Model, Signature

from .assemble import READBACK_PREFIX, build_model
from .graph import Trace, const_array

EAGER_KEY = "serving_default"


def _versions(cf: Any) -> tuple:
    return tuple(sorted((n, v.version) for n, v in cf.trace.variables.items()))


def _runner(cf: Any) -> Any:
    from siglite.runtime import Interpreter

    key = _versions(cf)
    cached = cf._eager
    if cached is None or cached[0] != key:
        model = build_model([(EAGER_KEY, cf)], readback=True)
        interpreter = Interpreter(model=model)
        cached = (key, interpreter, interpreter.get_signature_runner(EAGER_KEY))
        cf._eager = cached
    return cached[2]


def _bind(cf: Any, args: tuple, kwargs: dict) -> dict[str, np.ndarray]:
    if len(args) > len(cf.arg_names):
        raise SigliteError(f"{cf.name}() takes {len(cf.arg_names)} arguments, got {len(args)}")
    by_arg = dict(zip(cf.arg_names, args, strict=False))
    for k, v in kwargs.items():
        if k in by_arg:
            raise SigliteError(f"{cf.name}() got two values for argument {k!r}")
        by_arg[k] = v
    inputs = {}
    for arg, spec in zip(cf.arg_names, cf.specs, strict=True):
        key = spec.name or arg
        value = by_arg.get(arg, by_arg.get(key))
        if value is None:
            raise SigliteError(f"{cf.name}() is missing argument {arg!r}")
        inputs[key] = const_array(np.asarray(value), spec.dtype)
    return inputs


def _structure(cf: Any, outputs: dict[str, np.ndarray]) -> Any:
    if cf.structure == "dict":
        return {k: outputs[k] for k in cf.outputs}
    if cf.structure == "none":
        return None
    values = [outputs[f"output_{i}"] for i in range(len(cf.outputs))]
    if cf.structure == "single":
        return values[0]
    return values if cf.structure == "list" else tuple(values)


def call_concrete(cf: Any, args: tuple, kwargs: dict) -> Any:
    """Run ``cf`` on array inputs; update assigned variables; return its structured result."""
    with cf._lock:
        runner = _runner(cf)
        outputs = runner(**_bind(cf, args, kwargs))
        for name in sorted(cf.trace.assigned):
            cf.trace.variables[name].set_value(outputs.pop(READBACK_PREFIX + name))
        if cf.trace.assigned:  # the interpreter's state now matches the Python values
            cf._eager = (_versions(cf), *cf._eager[1:])
    return _structure(cf, outputs)


def run_subgraph_once(trace: Trace, tensors: list[Any]) -> list[np.ndarray]:
    """Evaluate ``tensors`` of an input-free trace on a throwaway interpreter."""
    from siglite.runtime import Interpreter

    from .assemble import _resolve_refs

    sg = trace.subgraph
    sg.outputs = list(tensors)
    model = Model(subgraphs=[sg, *trace.helpers], description="siglite eager")
    model.signatures[EAGER_KEY] = Signature(
        EAGER_KEY, sg, {}, {f"output_{i}": t for i, t in enumerate(tensors)}
    )
    _resolve_refs(model)
    outputs = Interpreter(model=model).get_signature_runner(EAGER_KEY)()
    return [outputs[f"output_{i}"] for i in range(len(tensors))]
