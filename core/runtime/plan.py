"""Execution plans: nodes bound to kernels (once per subgraph) and memory plans (once per set of
input shapes).

:func:`bind_nodes` is the single place that decides which delegate runs a node; it asks the
partitioner (:mod:`.partition`), and :func:`build_program` orders the steps by partition and fuses
device partitions into one step each (:mod:`.fusion`). :func:`plan_memory` infers every tensor's
shape from the op schemas and places the statically shaped ones in one arena (see
:mod:`.arena`); the rest are dynamic and are allocated when they are computed.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..delegate import Delegate, Kernel, KernelContext
from ..ir import Node, Subgraph, Tensor
from ..ops import find_op
from .arena import Allocation, plan_offsets


@dataclass
class Binding:
    """Which delegate and kernel run one node (``kernel`` is None when nobody can)."""

    node_index: int
    node: Node
    delegate: Delegate | None
    kernel: Kernel | None
    reasons: dict[str, str] = field(default_factory=dict)
    partition: Any = None  # the partition.Partition running this node


def bind_nodes(subgraph: Subgraph, delegates: Sequence[Delegate]) -> list[Binding]:
    """Bind each node (in node order) to a delegate: delegates in priority order claim
    partitions, the last one takes the rest (see :mod:`.partition`)."""
    from .partition import layout_subgraph

    return layout_subgraph(subgraph, delegates)[0]


@dataclass
class Step:
    """One node of the flat plan: a bound kernel and the tensor slots it reads and writes."""

    index: int
    node: Node
    op: str
    fn: Callable[..., Any]
    context: KernelContext | None
    attrs: dict[str, Any]
    inputs: tuple[int, ...]  # -1 for an omitted optional input
    outputs: tuple[int, ...]
    delegate: str
    inner: list[Step] | None = None  # a fused partition's own steps
    takes_out: bool = False  # the kernel accepts ``out=``: a preallocated result it may fill


def accepts_out(fn: Callable[..., Any]) -> bool:
    """Whether a kernel opts in to writing its (single) result into ``out=``.

    A kernel opts in with a keyword-only ``out=None`` parameter. It may fill ``out`` and return
    it, or ignore it and return a new array; the runtime copies in the second case.
    """
    try:
        param = inspect.signature(fn).parameters.get("out")
    except (TypeError, ValueError):  # builtins and some callables have no signature
        return False
    return param is not None and param.kind is param.KEYWORD_ONLY


@dataclass
class Program:
    """A subgraph ready to run: tensor slots and steps, independent of input shapes."""

    subgraph_index: int
    subgraph: Subgraph
    steps: list[Step]
    inputs: list[int]
    outputs: list[int]
    constants: list[int]
    variables: list[int]
    device_slots: frozenset[int] = frozenset()  # tensors that may hold device arrays

    @property
    def tensors(self) -> list[Tensor]:
        return self.subgraph.tensors


def build_program(
    subgraph_index: int,
    subgraph: Subgraph,
    bindings: list[Binding],
    make_context: Callable[[Node, Delegate], KernelContext],
) -> Program:
    """Steps with attributes pre-bound; every binding must have a kernel."""
    slot = {id(t): i for i, t in enumerate(subgraph.tensors)}
    steps = []
    for b in bindings:
        assert b.kernel is not None and b.delegate is not None
        node, kernel = b.node, b.kernel
        steps.append(
            Step(
                b.node_index,
                node,
                node.op,
                kernel.fn,
                make_context(node, b.delegate) if kernel.context else None,
                kernel.bind_attrs(node.attrs),
                tuple(-1 if t is None else slot[id(t)] for t in node.inputs),
                tuple(slot[id(t)] for t in node.outputs),
                b.delegate.name,
                takes_out=len(node.outputs) == 1 and accepts_out(kernel.fn),
            )
        )
    ts = subgraph.tensors
    from .fusion import fuse_steps

    steps, device_slots = fuse_steps(steps, bindings)
    return Program(
        subgraph_index,
        subgraph,
        steps,
        [slot[id(t)] for t in subgraph.inputs],
        [slot[id(t)] for t in subgraph.outputs],
        [i for i, t in enumerate(ts) if t.is_constant],
        [i for i, t in enumerate(ts) if t.is_variable],
        device_slots,
    )


@dataclass
class MemoryPlan:
    """Shapes and arena offsets for one set of input shapes."""

    input_shapes: tuple[tuple[int, ...], ...]
    shapes: dict[int, tuple[int, ...]]  # every tensor whose shape is known before running
    offsets: dict[int, int]  # arena tensors only
    arena_bytes: int
    planned_bytes: int  # sum of the arena tensors' sizes (what no sharing would need)
    dynamic: frozenset[int]  # computed tensors allocated at run time


def _shadow(t: Tensor, shape: tuple[int, ...] | None) -> Tensor:
    """A copy of ``t`` carrying the shape known at planning time (all -1 when unknown)."""
    sig = shape if shape is not None else tuple(-1 for _ in t.shape)
    concrete = tuple(1 if d < 0 else d for d in sig)
    return Tensor(t.name, t.dtype, concrete, sig, t.data, t.quantization, t.is_variable)


def infer_shapes(
    program: Program, input_shapes: Sequence[tuple[int, ...]]
) -> list[tuple[int, ...] | None]:
    """Every tensor's shape for the given input shapes (``None``: dynamic)."""
    tensors = program.tensors
    known: list[tuple[int, ...] | None] = [None] * len(tensors)
    for i in program.constants:
        known[i] = tuple(tensors[i].data.shape)
    for i in program.variables:
        known[i] = tensors[i].shape
    for i, shape in zip(program.inputs, input_shapes, strict=True):
        known[i] = tuple(shape)
    for outer in program.steps:
        for step in outer.inner or (outer,):
            for i, shape in zip(step.outputs, _infer_with(step, tensors, known), strict=True):
                known[i] = shape if shape is not None and min(shape, default=0) >= 0 else None
    return known


def _infer_with(step: Step, tensors: list[Tensor], known: list[Any]) -> list[Any]:
    schema = find_op(step.op)
    if schema is None or schema.infer is None:
        return [None] * len(step.outputs)
    ins = [None if i < 0 else _shadow(tensors[i], known[i]) for i in step.inputs]
    try:
        result = schema.infer(ins, dict(step.node.attrs))
    except Exception:  # a shape rule that cannot decide statically: run-time allocation
        return [None] * len(step.outputs)
    if len(result) != len(step.outputs):
        return [None] * len(step.outputs)
    return [tuple(int(d) for d in shape) for _, shape in result]


def _arena_dtype_ok(t: Tensor) -> bool:
    return t.dtype._numpy is not None and t.dtype.numpy.kind not in "OSUV"


def plan_memory(
    program: Program,
    input_shapes: Sequence[tuple[int, ...]],
    *,
    preserve_all: bool = False,
) -> MemoryPlan:
    """Infer shapes and place every statically shaped computed tensor in the arena."""
    tensors = program.tensors
    known = infer_shapes(program, input_shapes)
    n = len(program.steps)
    first: dict[int, int] = {i: 0 for i in program.inputs}
    last: dict[int, int] = {}
    for pos, step in enumerate(program.steps):
        for i in step.inputs:
            if i >= 0:
                last[i] = pos
        for i in step.outputs:
            first.setdefault(i, pos)
    for i in program.outputs:
        last[i] = n
    fixed = set(program.constants) | set(program.variables)
    requests, dynamic, planned = [], set(), 0
    for i, start in first.items():
        t = tensors[i]
        if i in fixed:
            continue
        if known[i] is None or not _arena_dtype_ok(t):
            dynamic.add(i)
            continue
        nbytes = t.dtype.numpy.itemsize * _prod(known[i])
        end = n if preserve_all else max(last.get(i, start), start)
        requests.append(Allocation(i, nbytes, 0 if preserve_all else start, end))
        planned += nbytes
    offsets, total = plan_offsets(requests)
    shapes = {i: s for i, s in enumerate(known) if s is not None}
    key = tuple(tuple(s) for s in input_shapes)
    return MemoryPlan(key, shapes, offsets, total, planned, frozenset(dynamic))


def _prod(shape: Sequence[int]) -> int:
    out = 1
    for d in shape:
        out *= int(d)
    return out
