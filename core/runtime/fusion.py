"""Turning a partitioned subgraph into plan steps: fused partitions run as one step.

A partition whose delegate computes in its own memory (``on_device``) or whose ``prepare``
returned a callable becomes a single step (TFLite's DELEGATE node). Its runner copies the border
inputs to the device once, runs the kernels there, and copies to the host only the outputs that
the host needs; intermediates never leave the device. Weights are uploaded on the first run and
kept on the device.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ExecutionError
from .partition import Partition, is_device_array


class FusedRunner:
    """Runs one partition's steps on its delegate's device: ``runner(*inputs) -> outputs``."""

    def __init__(self, partition: Partition, steps: list[Any], keep_on_device: set[int]) -> None:
        self.partition = partition
        self.delegate = partition.delegate
        self.steps = steps
        self.keep = keep_on_device
        self._constants: dict[int, Any] = {}

    def to_device(self, value: Any) -> Any:
        if value is None or is_device_array(value):
            return value
        convert = getattr(self.delegate, "to_device", None)
        return convert(value) if convert is not None else value

    def to_host(self, value: Any) -> Any:
        convert = getattr(self.delegate, "to_host", None)
        return convert(value) if convert is not None else np.asarray(value)

    def _constant(self, slot: int) -> Any:
        value = self._constants.get(slot)
        if value is None:
            value = self.to_device(self.partition.subgraph.tensors[slot].data)
            self._constants[slot] = value
        return value

    def __call__(self, *args: Any) -> tuple[Any, ...]:
        part = self.partition
        env = {s: self.to_device(v) for s, v in zip(part.inputs, args, strict=True)}
        for slot in part.constants:
            env[slot] = self._constant(slot)
        for step in self.steps:
            values = [None if i < 0 else env[i] for i in step.inputs]
            try:
                if step.context is not None:
                    result = step.fn(step.context, *values, **step.attrs)
                else:
                    result = step.fn(*values, **step.attrs)
            except Exception as exc:
                raise ExecutionError(
                    f"node {step.index} ({step.op}) on delegate {self.delegate.name!r}: "
                    f"{type(exc).__name__}: {exc}"
                ) from exc
            outs = result if isinstance(result, tuple) else (result,)
            if isinstance(result, list) and len(step.outputs) != 1:
                outs = tuple(result)
            env.update(zip(step.outputs, outs, strict=True))
        return tuple(env[s] if s in self.keep else self.to_host(env[s]) for s in part.outputs)


def fuse_steps(steps: list[Any], bindings: list[Any]) -> tuple[list[Any], frozenset[int]]:
    """Steps in the partitioned order, fused partitions as one step each; also the tensor
    slots that may hold device arrays."""
    layout = next((b.partition.layout for b in bindings if b.partition is not None), None)
    if layout is None:
        return steps, frozenset()
    from .plan import Step

    by_index = {s.index: s for s in steps}
    out = []
    for part in layout.partitions:
        inner = [by_index[i] for i in part.nodes]
        if not part.fused:
            out.extend(inner)
            continue
        runner = part.compiled
        if not callable(runner):
            runner = FusedRunner(part, inner, set(part.outputs) & layout.device_slots)
        first = part.subgraph.nodes[part.nodes[0]]
        out.append(
            Step(
                part.nodes[0],
                first,
                "DELEGATE",
                runner,
                None,
                {},
                tuple(part.inputs),
                tuple(part.outputs),
                part.delegate_name,
                inner,
            )  # fmt: skip
        )
    return out, layout.device_slots
