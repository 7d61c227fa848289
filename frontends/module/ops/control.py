"""Control flow: ``cond`` (IF) and ``while_loop`` (WHILE) with traced branch/body subgraphs.

Tensors of the enclosing function used inside a branch or body are captured: they become
extra inputs of the IF node (and extra loop values of the WHILE node, passed through).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from siglite.errors import SigliteError
from siglite.ir import Tensor

from ..graph import SymbolicTensor, Trace, as_ir, current_trace, tracing, wrap


def _flatten(value: Any) -> tuple[list[Any], Any]:
    if value is None:
        return [], "none"
    if isinstance(value, list | tuple):
        return list(value), type(value)
    return [value], None


def _unflatten(items: Sequence[Any], kind: Any) -> Any:
    if kind == "none":
        return None
    if kind is None:
        return items[0]
    return kind(items) if kind in (list, tuple) else kind(*items)


def _run_branch(trace: Trace, fn: Callable[..., Any], args: Sequence[Any]) -> tuple[list, Any]:
    with tracing(trace):
        out = fn(*args)
        items, kind = _flatten(out)
        tensors = [as_ir(v, trace) for v in items]
    return tensors, kind


def _align_captures(traces: Sequence[Trace], n_fixed: int) -> list[SymbolicTensor]:
    """Give every trace the same inputs: its fixed ones, then the union of all captures."""
    outer: dict[int, SymbolicTensor] = {}
    for t in traces:
        for key, (sym, _) in t.captures.items():
            outer.setdefault(key, sym)
    for t in traces:
        fixed = t.subgraph.inputs[:n_fixed]
        extra = []
        for key, sym in outer.items():
            if key in t.captures:
                extra.append(t.captures[key][1])
            else:  # unused here, but the op passes it to every subgraph
                s = sym.tensor
                extra.append(t.builder.tensor(f"{s.name}_unused", s.dtype, s.signature_shape))
        t.subgraph.inputs = fixed + extra
    return list(outer.values())


def _merge_shape(a: Sequence[int], b: Sequence[int]) -> tuple[int, ...]:
    if len(a) != len(b):
        raise SigliteError(f"cond: branch outputs have different ranks: {list(a)} vs {list(b)}")
    return tuple(x if x == y else -1 for x, y in zip(a, b, strict=True))


def cond(pred: Any, true_fn: Callable[[], Any], false_fn: Callable[[], Any], name=None) -> Any:
    """``true_fn()`` if ``pred`` else ``false_fn()``; traced, an IF node with two subgraphs."""
    parent = current_trace()
    if parent is None or _is_static(pred):
        return true_fn() if bool(np.asarray(pred)) else false_fn()
    branches = [Trace(f"{name or 'cond'}_true", parent), Trace(f"{name or 'cond'}_false", parent)]
    outs = [_run_branch(t, fn, ()) for t, fn in zip(branches, (true_fn, false_fn), strict=True)]
    (t_out, kind), (f_out, f_kind) = outs
    if len(t_out) != len(f_out) or kind != f_kind:
        raise SigliteError("cond: true_fn and false_fn must return the same structure")
    types = []
    for a, b in zip(t_out, f_out, strict=True):
        if a.dtype != b.dtype:
            raise SigliteError(f"cond: branch outputs differ in dtype: {a.dtype} vs {b.dtype}")
        types.append((a.dtype, _merge_shape(a.signature_shape, b.signature_shape)))
    for t, tensors in zip(branches, (t_out, f_out), strict=True):
        t.subgraph.outputs = list(tensors)
    captured = _align_captures(branches, 0)
    p = as_ir(pred, parent)
    args = [as_ir(s, parent) for s in captured]
    out = parent.builder.op(
        "IF",
        p,
        *args,
        outputs=types,
        name=name or "cond",
        then_subgraph_index=parent.add_helper(branches[0]),
        else_subgraph_index=parent.add_helper(branches[1]),
    )
    res = () if not types else wrap(parent, out)
    return _unflatten(res if isinstance(res, tuple) else (res,), kind)


def _is_static(pred: Any) -> bool:
    return not isinstance(pred, SymbolicTensor) and not hasattr(pred, "read_in")


def _loop_trace(parent: Trace, label: str, specs: Sequence[tuple[Any, tuple]]) -> tuple:
    t = Trace(label, parent)
    syms = []
    for i, (dt, shape) in enumerate(specs):
        x = t.builder.tensor(f"loop_var_{i}", dt, shape)
        t.subgraph.inputs.append(x)
        syms.append(SymbolicTensor(t, x))
    return t, syms


def while_loop(
    cond: Callable[..., Any],
    body: Callable[..., Any],
    loop_vars: Any,
    maximum_iterations: int | None = None,
    name: str | None = None,
) -> Any:
    """Repeat ``body`` while ``cond`` holds; traced, a WHILE node with two subgraphs."""
    items, kind = _flatten(loop_vars)
    parent = current_trace()
    if parent is None:
        for _ in range(maximum_iterations if maximum_iterations is not None else 1 << 62):
            if not bool(np.asarray(cond(*items))):
                break
            items, _ = _flatten(body(*items))
        return _unflatten(items, kind)
    if maximum_iterations is not None:
        raise SigliteError("while_loop: maximum_iterations is not supported while tracing")
    init = [as_ir(v, parent) for v in items]
    specs = [(t.dtype, tuple(t.signature_shape)) for t in init]
    for _ in range(2):  # a second pass relaxes dimensions the body changes
        c_trace, c_args = _loop_trace(parent, f"{name or 'while'}_cond", specs)
        b_trace, b_args = _loop_trace(parent, f"{name or 'while'}_body", specs)
        c_out, _ = _run_branch(c_trace, cond, c_args)
        b_out, _ = _run_branch(b_trace, body, b_args)
        new = [
            (t.dtype, _merge_shape(s[1], t.signature_shape))
            for s, t in zip(specs, b_out, strict=True)
        ]
        if new == specs:
            break
        specs = new
    return _finish_while(parent, init, specs, (c_trace, c_out), (b_trace, b_out), kind, name)


def _finish_while(parent, init, specs, c, b, kind, name) -> Any:
    (c_trace, c_out), (b_trace, b_out) = c, b
    if len(c_out) != 1 or c_out[0].dtype.name != "bool":
        raise SigliteError("while_loop: cond must return one boolean scalar")
    if len(b_out) != len(init):
        raise SigliteError(f"while_loop: body returned {len(b_out)} values for {len(init)}")
    captured = _align_captures([c_trace, b_trace], len(init))
    c_trace.subgraph.outputs = list(c_out)
    b_trace.subgraph.outputs = list(b_out) + b_trace.subgraph.inputs[len(init) :]
    args: list[Tensor] = init + [as_ir(s, parent) for s in captured]
    types = specs + [(t.dtype, tuple(t.signature_shape)) for t in args[len(init) :]]
    out = parent.builder.op(
        "WHILE",
        *args,
        outputs=types,
        name=name or "while",
        cond_subgraph_index=parent.add_helper(c_trace),
        body_subgraph_index=parent.add_helper(b_trace),
    )
    res = wrap(parent, out)
    res = res if isinstance(res, tuple) else (res,)
    return _unflatten(res[: len(init)], kind)
