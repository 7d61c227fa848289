"""Elementwise ATen ops: arithmetic, comparisons, activations, casts, fills."""

from __future__ import annotations

from typing import Any

import numpy as np

import siglite.dtypes as sdt
from siglite.ir import Tensor

from ..context import Context, SymVal, torch_dtype
from ..emit import cast, runtime_dim, sig, tensor
from . import handles

UNARY = {
    "aten.abs.default": "ABS", "aten.neg.default": "NEG", "aten.exp.default": "EXP",
    "aten.log.default": "LOG", "aten.sqrt.default": "SQRT", "aten.rsqrt.default": "RSQRT",
    "aten.sin.default": "SIN", "aten.cos.default": "COS", "aten.tanh.default": "TANH",
    "aten.sigmoid.default": "LOGISTIC", "aten.relu.default": "RELU",
    "aten.floor.default": "FLOOR", "aten.ceil.default": "CEIL", "aten.round.default": "ROUND",
    "aten.sign.default": "SIGN", "aten.logical_not.default": "LOGICAL_NOT",
    "aten.hardswish.default": "HARD_SWISH",
}  # fmt: skip

BINARY = {
    "mul": "MUL", "maximum": "MAXIMUM", "minimum": "MINIMUM", "remainder": "FLOOR_MOD",
    "logical_and": "LOGICAL_AND", "logical_or": "LOGICAL_OR", "atan2": "ATAN2",
}  # fmt: skip

COMPARE = {
    "eq": "EQUAL", "ne": "NOT_EQUAL", "lt": "LESS", "le": "LESS_EQUAL", "gt": "GREATER",
    "ge": "GREATER_EQUAL",
}  # fmt: skip


def _probe(v: Any) -> Any:
    """A stand-in with ``v``'s torch type category, for torch's own promotion rules."""
    import torch

    if isinstance(v, SymVal):
        return 1
    if isinstance(v, Tensor):
        return torch.empty((1,) * v.rank if v.rank else (), dtype=getattr(torch, _tname(v.dtype)))
    return v


def _tname(dtype: sdt.DType) -> str:
    return "bool" if dtype.name in ("bool", "bool_") else dtype.name


def result_dtype(ctx: Context, a: Any, b: Any) -> sdt.DType:
    """torch's promoted dtype of ``a`` and ``b`` (tensors, constants, Python numbers)."""
    import torch

    return torch_dtype(torch.result_type(_probe(a), _probe(b)), str(ctx.node))


def binary(ctx: Context, op: str, a: Any, b: Any, dtype: sdt.DType | None = None) -> Tensor:
    dtype = dtype or result_dtype(ctx, a, b)
    return ctx.emit(op, [tensor(ctx, a, dtype), tensor(ctx, b, dtype)])


def _unary(op: str):
    def handler(ctx: Context, x: Any) -> Tensor:
        return ctx.emit(op, [tensor(ctx, x, ctx.out_type()[0])])

    return handler


for _target, _op in UNARY.items():
    handles(_target)(_unary(_op))


def _bool_only(ctx: Context, *values: Any) -> list[Tensor]:
    """Bitwise ops of bool tensors are logical ops; TFLite has no integer AND/OR/NOT."""
    if ctx.out_type()[0] != sdt.bool_:
        raise ctx.error(f"bitwise op on {ctx.out_type()[0].name} (bool tensors only)")
    return [tensor(ctx, v, sdt.bool_) for v in values]


@handles("aten.bitwise_not.default")
def bitwise_not(ctx: Context, x: Any) -> Tensor:
    return ctx.emit("LOGICAL_NOT", _bool_only(ctx, x))


def _bitwise(op: str):
    def handler(ctx: Context, a: Any, b: Any) -> Tensor:
        return ctx.emit(op, _bool_only(ctx, a, b))

    return handler


for _name, _op in {"and": "LOGICAL_AND", "or": "LOGICAL_OR", "xor": "NOT_EQUAL"}.items():
    handles(f"aten.bitwise_{_name}.Tensor", f"aten.bitwise_{_name}.Scalar")(_bitwise(_op))


@handles("aten.trunc.default")
def trunc(ctx: Context, x: Any) -> Tensor:
    t = tensor(ctx, x)
    if np.dtype(t.dtype.numpy).kind != "f":
        return t
    return ctx.emit("MUL", [ctx.op("SIGN", [t]), ctx.op("FLOOR", [ctx.op("ABS", [t])])])


@handles("aten.isnan.default")
def isnan(ctx: Context, x: Any) -> Tensor:
    t = tensor(ctx, x)
    return ctx.emit("NOT_EQUAL", [t, t])


def _binary(op: str):
    def handler(ctx: Context, a: Any, b: Any) -> Tensor:
        return binary(ctx, op, a, b)

    return handler


for _name, _op in BINARY.items():
    handles(f"aten.{_name}.Tensor", f"aten.{_name}.Scalar", f"aten.{_name}.default")(_binary(_op))


def _compare(op: str):
    def handler(ctx: Context, a: Any, b: Any) -> Tensor:
        return binary(ctx, op, a, b, result_dtype(ctx, a, b))

    return handler


for _name, _op in COMPARE.items():
    handles(f"aten.{_name}.Tensor", f"aten.{_name}.Scalar")(_compare(_op))


def _scaled(ctx: Context, b: Any, alpha: Any, dtype: sdt.DType) -> Any:
    if alpha == 1:
        return b
    return ctx.op("MUL", [tensor(ctx, b, dtype), ctx.scalar(alpha, dtype)])


@handles("aten.add.Tensor", "aten.add.Scalar")
def add(ctx: Context, a: Any, b: Any, alpha: Any = 1) -> Tensor:
    dtype = ctx.out_type()[0]
    return binary(ctx, "ADD", a, _scaled(ctx, b, alpha, dtype), dtype)


@handles("aten.sub.Tensor", "aten.sub.Scalar")
def sub(ctx: Context, a: Any, b: Any, alpha: Any = 1) -> Tensor:
    dtype = ctx.out_type()[0]
    return binary(ctx, "SUB", a, _scaled(ctx, b, alpha, dtype), dtype)


@handles("aten.rsub.Scalar", "aten.rsub.Tensor")
def rsub(ctx: Context, a: Any, b: Any, alpha: Any = 1) -> Tensor:
    dtype = ctx.out_type()[0]
    return binary(ctx, "SUB", b, _scaled(ctx, a, alpha, dtype), dtype)


@handles("aten.div.Tensor", "aten.div.Scalar", "aten.div.Tensor_mode", "aten.div.Scalar_mode")
def div(ctx: Context, a: Any, b: Any, rounding_mode: str | None = None) -> Tensor:
    dtype = ctx.out_type()[0]
    if rounding_mode is None:
        return binary(ctx, "DIV", a, b, dtype)
    if rounding_mode == "floor":
        return binary(ctx, "FLOOR_DIV", a, b, dtype)
    if rounding_mode == "trunc" and np.dtype(dtype.numpy).kind == "f":
        q = ctx.op("DIV", [tensor(ctx, a, dtype), tensor(ctx, b, dtype)])
        mag = ctx.op("FLOOR", [ctx.op("ABS", [q])])
        return ctx.emit("MUL", [ctx.op("SIGN", [q]), mag])
    raise ctx.error(f"rounding_mode={rounding_mode!r} for {dtype.name} is not supported")


@handles("aten.reciprocal.default")
def reciprocal(ctx: Context, x: Any) -> Tensor:
    return binary(ctx, "DIV", 1.0, x, ctx.out_type()[0])


@handles("aten.pow.Tensor_Scalar", "aten.pow.Tensor_Tensor", "aten.pow.Scalar")
def pow_(ctx: Context, a: Any, b: Any) -> Tensor:
    dtype = ctx.out_type()[0]
    special = {2: "SQUARE", 0.5: "SQRT", -0.5: "RSQRT"}
    if b == 2 and isinstance(b, (int, float)) and np.dtype(dtype.numpy).kind != "f":
        t = tensor(ctx, a, dtype)  # TFLite's SQUARE is float-only
        return ctx.emit("MUL", [t, t])
    if isinstance(b, (int, float)) and not isinstance(b, bool) and b in special:
        return ctx.emit(special[b], [tensor(ctx, a, dtype)])
    if isinstance(b, (int, float)) and b == 1:
        return tensor(ctx, a, dtype)
    return binary(ctx, "POW", a, b, dtype)


def _clamp(ctx: Context, x: Any, lo: Any, hi: Any) -> Tensor:
    dtype = ctx.out_type()[0]
    t = tensor(ctx, x, dtype)
    consts = all(v is None or isinstance(v, (int, float)) for v in (lo, hi))
    fused = {(0, 6): "RELU6", (-1, 1): "RELU_N1_TO_1", (0, None): "RELU"}
    if consts and dtype == sdt.float32 and (lo, hi) in fused:
        return ctx.emit(fused[(lo, hi)], [t])
    if lo is not None:
        t = ctx.op("MAXIMUM", [t, tensor(ctx, lo, dtype)])
    if hi is not None:
        t = ctx.op("MINIMUM", [t, tensor(ctx, hi, dtype)])
    return t


@handles("aten.clamp.default", "aten.clamp.Tensor")
def clamp(ctx: Context, x: Any, min: Any = None, max: Any = None) -> Tensor:  # noqa: A002
    if min is None and max is None:
        raise ctx.error("clamp without bounds")
    return _clamp(ctx, x, min, max)


@handles("aten.clamp_min.default", "aten.clamp_min.Tensor")
def clamp_min(ctx: Context, x: Any, lo: Any) -> Tensor:
    return _clamp(ctx, x, lo, None)


@handles("aten.clamp_max.default", "aten.clamp_max.Tensor")
def clamp_max(ctx: Context, x: Any, hi: Any) -> Tensor:
    return _clamp(ctx, x, None, hi)


@handles("aten.hardtanh.default")
def hardtanh(ctx: Context, x: Any, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    return _clamp(ctx, x, min_val, max_val)


@handles("aten.gelu.default")
def gelu(ctx: Context, x: Any, approximate: str = "none") -> Tensor:
    if approximate not in ("none", "tanh"):
        raise ctx.error(f"approximate={approximate!r} is not supported")
    return ctx.emit("GELU", [tensor(ctx, x)], approximate=approximate == "tanh")


@handles("aten.leaky_relu.default")
def leaky_relu(ctx: Context, x: Any, negative_slope: float = 0.01) -> Tensor:
    return ctx.emit("LEAKY_RELU", [tensor(ctx, x)], alpha=float(negative_slope))


@handles("aten.elu.default")
def elu(ctx: Context, x: Any, alpha: float = 1.0, scale: float = 1.0, input_scale: float = 1.0):
    if (alpha, scale, input_scale) != (1, 1, 1):
        raise ctx.error(f"elu with alpha={alpha}, scale={scale}, input_scale={input_scale}")
    return ctx.emit("ELU", [tensor(ctx, x)])


@handles("aten._prelu_kernel.default")
def prelu(ctx: Context, x: Any, weight: Any) -> Tensor:
    return ctx.emit("PRELU", [tensor(ctx, x), tensor(ctx, weight)])


@handles("aten.where.self", "aten.where.ScalarSelf", "aten.where.ScalarOther", "aten.where.Scalar")
def where(ctx: Context, cond: Any, a: Any, b: Any) -> Tensor:
    dtype = ctx.out_type()[0]
    c = tensor(ctx, cond, sdt.bool_)
    return ctx.emit("SELECT_V2", [c, tensor(ctx, a, dtype), tensor(ctx, b, dtype)])


@handles("aten._to_copy.default")
def to_copy(ctx: Context, x: Any, dtype: Any = None, **kwargs: Any) -> Tensor:
    extra = {k: v for k, v in kwargs.items() if v not in (None, False) and k != "device"}
    if extra.get("memory_format") is not None and "preserve" in str(extra["memory_format"]):
        extra.pop("memory_format")
    if extra and set(extra) - {"layout"}:
        raise ctx.error(f"arguments {sorted(extra)} are not supported")
    t = tensor(ctx, x)
    return cast(ctx, t, ctx.out_type()[0]) if dtype is not None else t


@handles("aten.clone.default", "aten.alias.default", "aten.lift_fresh_copy.default")
def identity(ctx: Context, x: Any, memory_format: Any = None) -> Tensor:
    return tensor(ctx, x)


def fill_like(ctx: Context, x: Tensor, value: Any) -> Tensor:
    dtype, shape = ctx.out_type()
    if all(d >= 0 for d in shape):
        return ctx.const(np.full(shape, value, dtype.numpy), "full")
    dims = ctx.op("SHAPE", [x], (sdt.int32, (x.rank,)), "shape", out_type="INT32")
    return ctx.emit("FILL", [dims, ctx.scalar(value, dtype)])


@handles("aten.full_like.default")
def full_like(ctx: Context, x: Any, fill_value: Any, **kwargs: Any) -> Tensor:
    return fill_like(ctx, tensor(ctx, x), fill_value)


@handles("aten.zeros_like.default")
def zeros_like(ctx: Context, x: Any, **kwargs: Any) -> Tensor:
    return fill_like(ctx, tensor(ctx, x), 0)


@handles("aten.ones_like.default")
def ones_like(ctx: Context, x: Any, **kwargs: Any) -> Tensor:
    return fill_like(ctx, tensor(ctx, x), 1)


@handles("aten.full.default")
def full(ctx: Context, size: Any, fill_value: Any, **kwargs: Any) -> Tensor:
    """Only reached with symbolic sizes (static fills are folded)."""
    dtype, _ = ctx.out_type()
    parts = [runtime_dim_value(ctx, d) for d in size]
    dims = ctx.op(
        "PACK", parts, (sdt.int32, (len(parts),)), "shape", axis=0, values_count=len(parts)
    )
    return ctx.emit("FILL", [dims, ctx.scalar(fill_value, dtype)])


def runtime_dim_value(ctx: Context, d: Any) -> Tensor:
    if isinstance(d, SymVal):
        return d.tensor
    return ctx.const(np.array(int(d), np.int32), "dim")


__all__ = ["binary", "result_dtype", "runtime_dim", "sig"]
