"""Control flow: ``cond`` (IF) and ``while_loop`` (WHILE) with traced branch/body subgraphs.

Tensors of the enclosing function used inside a branch or body are captured: they become
extra inputs of the IF node (and extra loop values of the WHILE node, passed through).
Branches and loop variables may be nested lists, tuples and dicts, as with TensorFlow.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from siglite.errors import SigliteError
from siglite.ir import Tensor

from ..graph import SymbolicTensor, Trace, as_ir, current_trace, tracing, wrap
from ..structure import describe, flatten, same_structure, unflatten


def _run_branch(trace: Trace, fn: Callable[..., Any], args: Sequence[Any]) -> tuple[list, Any]:
    with tracing(trace):
        leaves, structure = flatten(fn(*args))
        tensors = [as_ir(v, trace) for v in leaves]
    return tensors, structure


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


def _merge_shape(a: Sequence[int], b: Sequence[int], what: str = "cond") -> tuple[int, ...]:
    if len(a) != len(b):
        raise SigliteError(f"{what}: values of different ranks meet: {list(a)} vs {list(b)}")
    return tuple(x if x == y else -1 for x, y in zip(a, b, strict=True))


def cond(pred: Any, true_fn: Callable[[], Any], false_fn: Callable[[], Any], name=None) -> Any:
    """``true_fn()`` if ``pred`` else ``false_fn()``; traced, an IF node with two subgraphs."""
    parent = current_trace()
    if parent is None or _is_static(pred):
        return true_fn() if bool(np.asarray(pred)) else false_fn()
    branches = [Trace(f"{name or 'cond'}_true", parent), Trace(f"{name or 'cond'}_false", parent)]
    outs = [_run_branch(t, fn, ()) for t, fn in zip(branches, (true_fn, false_fn), strict=True)]
    (t_out, structure), (f_out, f_structure) = outs
    if not same_structure(structure, f_structure):
        raise SigliteError(
            "cond: true_fn and false_fn must return the same structure; got "
            f"{describe(structure)} and {describe(f_structure)}"
        )
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
    return unflatten(structure, list(res if isinstance(res, tuple) else (res,)))


def _is_static(pred: Any) -> bool:
    return not isinstance(pred, SymbolicTensor) and not hasattr(pred, "read_in")


def _args(loop_vars: Any, structure: Any, leaves: Sequence[Any]) -> tuple:
    """The positional arguments of ``cond``/``body``: the top-level loop variables."""
    value = unflatten(structure, list(leaves))
    return tuple(value) if isinstance(loop_vars, list | tuple) else (value,)


def _loop_trace(parent: Trace, label: str, specs: Sequence[tuple[Any, tuple]]) -> tuple:
    t = Trace(label, parent)
    syms = []
    for i, (dt, shape) in enumerate(specs):
        x = t.builder.tensor(f"loop_var_{i}", dt, shape)
        t.subgraph.inputs.append(x)
        syms.append(SymbolicTensor(t, x))
    return t, syms


def _with_counter(cond: Callable, body: Callable, loop_vars: Any, limit: Any) -> tuple:
    """``cond``/``body``/``loop_vars`` with a hidden iteration counter bounded by ``limit``."""
    from .math import add, less, logical_and

    def c(i: Any, *user: Any) -> Any:
        return logical_and(less(i, limit), cond(*user))

    def b(i: Any, *user: Any) -> Any:
        out = body(*user)
        return (add(i, np.int32(1)), *(out if isinstance(out, list | tuple) else (out,)))

    inner = tuple(loop_vars) if isinstance(loop_vars, list | tuple) else (loop_vars,)
    return c, b, (np.int32(0), *inner)


def while_loop(
    cond: Callable[..., Any],
    body: Callable[..., Any],
    loop_vars: Any,
    maximum_iterations: Any = None,
    name: str | None = None,
) -> Any:
    """Repeat ``body`` while ``cond`` holds; traced, a WHILE node with two subgraphs.

    ``loop_vars`` may be a tensor or a (nested) list, tuple or dict of tensors; ``cond`` and
    ``body`` take its top-level elements as arguments, and ``body`` returns the same structure.
    """
    parent = current_trace()
    if parent is None:
        return _while_eagerly(cond, body, loop_vars, maximum_iterations)
    if maximum_iterations is not None:
        c, b, lv = _with_counter(cond, body, loop_vars, maximum_iterations)
        result = while_loop(c, b, lv, name=name)
        rest = tuple(result[1:])
        if not isinstance(loop_vars, list | tuple):
            return rest[0]
        return list(rest) if isinstance(loop_vars, list) else _retype(loop_vars, rest)
    items, structure = flatten(loop_vars)
    init = [as_ir(v, parent) for v in items]
    specs = [(t.dtype, tuple(t.signature_shape)) for t in init]
    for _ in range(sum(len(s[1]) for s in specs) + 1):  # relax the dims the body changes
        c_trace, c_args = _loop_trace(parent, f"{name or 'while'}_cond", specs)
        b_trace, b_args = _loop_trace(parent, f"{name or 'while'}_body", specs)
        c_out, _ = _run_branch(c_trace, cond, _args(loop_vars, structure, c_args))
        b_out, _ = _run_branch(b_trace, body, _args(loop_vars, structure, b_args))
        if len(b_out) != len(init):
            raise SigliteError(
                f"while_loop: body returned {len(b_out)} values for {len(init)} loop variables "
                f"({describe(structure)})"
            )
        new = []
        for s, t in zip(specs, b_out, strict=True):
            if t.dtype != s[0]:
                raise SigliteError(
                    f"while_loop: body changes a loop variable from {s[0].name} to {t.dtype.name}"
                )
            new.append((t.dtype, _merge_shape(s[1], t.signature_shape, "while_loop")))
        if new == specs:
            break
        specs = new
    out = _finish_while(parent, init, specs, (c_trace, c_out), (b_trace, b_out), name)
    return unflatten(structure, out)


def _retype(template: tuple, values: tuple) -> tuple:
    if type(template) is tuple:
        return values
    return type(template)(*values)  # a named tuple


def _while_eagerly(cond: Callable, body: Callable, loop_vars: Any, limit: Any) -> Any:
    _, structure = flatten(loop_vars)
    value = loop_vars
    n = 0
    while limit is None or n < int(np.asarray(limit)):
        args = tuple(value) if isinstance(loop_vars, list | tuple) else (value,)
        if not bool(np.asarray(cond(*args))):
            break
        leaves, _ = flatten(body(*args))
        value = unflatten(structure, leaves)
        n += 1
    return value


def _finish_while(parent, init, specs, c, b, name) -> list:
    (c_trace, c_out), (b_trace, b_out) = c, b
    if len(c_out) != 1 or c_out[0].dtype.name != "bool" or c_out[0].rank > 1:
        raise SigliteError("while_loop: cond must return one boolean scalar")
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
    return list(res[: len(init)])
