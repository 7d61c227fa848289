"""Running a flat plan: tensor values of one subgraph and the walk over its steps.

Statically shaped tensors live in views of one planned arena; a kernel's result is copied into
its output's view when the shapes match (kernels that take ``out=`` write there directly).
Anything else (unknown shapes, strings, resource handles, a result whose shape differs from the
plan) is dynamic: the value is kept as computed, copied first when it is a view into the arena
(whose memory is reused by later tensors).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from ..errors import ExecutionError
from ..ir import Tensor
from .arena import new_arena
from .partition import is_device_array
from .plan import MemoryPlan, Program, Step


class ExecState:
    """The tensor values of one subgraph under one memory plan."""

    def __init__(
        self, program: Program, plan: MemoryPlan, variables: dict[int, np.ndarray]
    ) -> None:
        self.plan = plan
        self.device_slots = program.device_slots
        self.arena = new_arena(plan.arena_bytes)
        tensors = program.tensors
        self.views: list[np.ndarray | None] = [None] * len(tensors)
        for i, offset in plan.offsets.items():
            dt = tensors[i].dtype.numpy
            shape = plan.shapes[i]
            nbytes = dt.itemsize * int(np.prod(shape, dtype=np.int64))
            self.views[i] = self.arena[offset : offset + nbytes].view(dt).reshape(shape)
        # One slot past the tensors always holds None: omitted optional inputs read it.
        self.values: list[Any] = [*self.views, None]
        for i in program.constants:
            self.values[i] = tensors[i].data
        for i, arr in variables.items():
            self.values[i] = arr
        self.ops = [_compile(step, self.views, len(tensors)) for step in program.steps]

    def store(self, index: int, value: Any, tensor: Tensor) -> None:
        """Write a computed (or fed) value of tensor ``index``."""
        view = self.views[index]
        if type(value) is np.ndarray and view is not None and value.shape == view.shape:
            if value.dtype == view.dtype:
                view[...] = value
            else:
                np.copyto(view, value, casting="unsafe")
            self.values[index] = view
            return
        if index in self.device_slots and is_device_array(value):
            self.values[index] = value  # only device partitions use it: no host copy
            return
        value = to_host(value)
        if view is not None and view.shape == value.shape:
            np.copyto(view, value, casting="unsafe")
            self.values[index] = view
        else:
            self.values[index] = own(value, tensor, self.arena)


# A step ready to run under one plan: (callable, keywords, input slots, single output slot or
# -1, that output's arena view or None, the step).
Op = tuple[Callable[..., Any], dict[str, Any], tuple[int, ...], int, Any, Step]


def _compile(step: Step, views: list[np.ndarray | None], none_slot: int) -> Op:
    call = step.fn if step.context is None else partial(step.fn, step.context)
    ins = tuple(none_slot if i < 0 else i for i in step.inputs)
    single = len(step.outputs) == 1
    out = step.outputs[0] if single else -1
    view = views[out] if single else None
    kwargs = dict(step.attrs)
    if view is not None and step.takes_out:
        kwargs["out"] = view
    return call, kwargs, ins, out, view, step


def to_host(value: Any) -> np.ndarray:
    """A numpy array for a kernel result (device arrays are copied to the host)."""
    if isinstance(value, np.ndarray):
        return value
    if type(value).__module__.startswith("cupy"):
        return value.get()
    return np.asarray(value)


def own(value: np.ndarray, tensor: Tensor, arena: np.ndarray) -> np.ndarray:
    """``value`` with the tensor's dtype, not sharing memory with the arena."""
    target = tensor.dtype._numpy
    if target is np.object_:
        if value.dtype != object:
            value = to_object(value)
        return value
    if target is not None and value.dtype != target:
        return value.astype(target)
    if arena.size and np.may_share_memory(value, arena):
        return value.copy()
    return value


def to_object(value: np.ndarray) -> np.ndarray:
    """A string array as an object array (``str`` elements encoded as UTF-8)."""
    out = np.empty(value.shape, dtype=object)
    flat = value.reshape(-1).tolist()
    out.reshape(-1)[:] = [s.encode() if isinstance(s, str) else s for s in flat]
    return out


def _split(result: Any, n: int) -> tuple[Any, ...]:
    """A kernel's return value as one entry per output."""
    if result is None:
        return ()
    if isinstance(result, tuple):
        return result
    if isinstance(result, list) and n != 1:
        return tuple(result)
    return (result,)


def run_steps(program: Program, state: ExecState, label: str) -> None:
    """Walk the plan once; kernel failures become :class:`ExecutionError` naming the node.

    A single result of the planned shape lands in its arena view (written there directly by
    kernels that take ``out=``); anything else goes through :meth:`ExecState.store`.
    """
    values = state.values
    step = None
    try:
        for call, kwargs, ins, out, view, step in state.ops:
            result = call(*[values[i] for i in ins], **kwargs)
            if view is not None:
                if result is view:
                    values[out] = view
                    continue
                if type(result) is np.ndarray and result.shape == view.shape:
                    if result.dtype == view.dtype:
                        view[...] = result
                    else:
                        np.copyto(view, result, casting="unsafe")
                    values[out] = view
                    continue
            _store_all(state, step, result, program.tensors)
    except Exception as exc:
        if step is None:
            raise
        raise _failure(step, label, exc) from exc


def _store_all(state: ExecState, step: Step, result: Any, tensors: list[Tensor]) -> None:
    outs = _split(result, len(step.outputs))
    if len(outs) != len(step.outputs):
        raise ExecutionError(
            f"the kernel returned {len(outs)} values for {len(step.outputs)} outputs"
        )
    for i, value in zip(step.outputs, outs, strict=True):
        state.store(i, value, tensors[i])


def _failure(step: Step, label: str, exc: Exception) -> ExecutionError:
    return ExecutionError(
        f"{label}: node {step.index} ({step.op}, delegate {step.delegate!r}) failed: "
        f"{type(exc).__name__}: {exc}"
    )
