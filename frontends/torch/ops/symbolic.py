"""Symbolic sizes (``sym_size`` and integer arithmetic on them), ``getitem`` and assertions."""

from __future__ import annotations

from typing import Any

import numpy as np

import siglite.dtypes as sdt

from ..context import Context, SymVal
from ..emit import runtime_dim, tensor
from . import handles

SYM_OPS = {
    "add": "ADD", "sub": "SUB", "mul": "MUL", "floordiv": "FLOOR_DIV", "mod": "FLOOR_MOD",
    "sym_max": "MAXIMUM", "sym_min": "MINIMUM",
}  # fmt: skip


@handles("aten.sym_size.int")
def sym_size(ctx: Context, x: Any, dim: int) -> Any:
    t = tensor(ctx, x)
    return runtime_dim(ctx, t, dim % t.rank)


@handles("aten.sym_numel.default")
def sym_numel(ctx: Context, x: Any) -> Any:
    t = tensor(ctx, x)
    shape = ctx.op("SHAPE", [t], (sdt.int32, (t.rank,)), "shape", out_type="INT32")
    axes = ctx.const(np.array([0], np.int32), "axes")
    return SymVal(ctx.op("REDUCE_PROD", [shape, axes], (sdt.int32, ()), keep_dims=False))


def _int(ctx: Context, v: Any) -> Any:
    if isinstance(v, SymVal):
        return v.tensor
    if isinstance(v, bool) or not isinstance(v, int):
        raise ctx.error(f"symbolic arithmetic on {type(v).__name__} is not supported")
    return ctx.const(np.array(v, np.int32), "dim")


def _sym_binary(op: str):
    def handler(ctx: Context, a: Any, b: Any) -> SymVal:
        return SymVal(ctx.op(op, [_int(ctx, a), _int(ctx, b)], (sdt.int32, ())))

    return handler


for _name, _op in SYM_OPS.items():
    handles(f"_operator.{_name}", f"torch.{_name}")(_sym_binary(_op))


@handles("_operator.getitem")
def getitem(ctx: Context, value: Any, index: Any) -> Any:
    if not isinstance(value, (tuple, list)):
        raise ctx.error(f"indexing a {type(value).__name__} value")
    return value[index]


def _no_op(ctx: Context, *args: Any, **kwargs: Any) -> None:
    # run-time checks torch.export adds for its shape guards; the signature shapes carry them
    return None


for _target in (
    "aten._assert_scalar.default",
    "aten.sym_constrain_range_for_size.default",
    "aten.sym_constrain_range.default",
    "aten._assert_tensor_metadata.default",
    "aten._assert_async.msg",
):
    handles(_target)(_no_op)
