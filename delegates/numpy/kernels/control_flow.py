"""IF, WHILE and CALL_ONCE: kernels that run other subgraphs through the kernel context."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..table import KERNELS


def _truth(cond: Any) -> bool:
    flat = np.asarray(cond).reshape(-1)
    if flat.size != 1:
        raise ValueError(f"the condition must hold one value, it has {flat.size}")
    return bool(flat[0])


@KERNELS.register("IF", context=True)
def if_(ctx, cond, *args, then_subgraph_index: int, else_subgraph_index: int):
    """Run the then or else subgraph on ``args``, as ``cond`` says."""
    branch = then_subgraph_index if _truth(cond) else else_subgraph_index
    return tuple(ctx.call_subgraph(branch, list(args)))


@KERNELS.register("WHILE", context=True)
def while_(ctx, *args, cond_subgraph_index: int, body_subgraph_index: int):
    """Run the body subgraph on the loop values while the cond subgraph gives True."""
    values = list(args)
    while _truth(ctx.call_subgraph(cond_subgraph_index, values)[0]):
        values = ctx.call_subgraph(body_subgraph_index, values)
    return tuple(values)


@KERNELS.register("CALL_ONCE", context=True)
def call_once(ctx, *, init_subgraph_index: int):
    """Run the initializer subgraph the first time only (per interpreter)."""
    ctx.resources.run_once(init_subgraph_index, lambda: ctx.call_subgraph(init_subgraph_index, []))
    return ()
