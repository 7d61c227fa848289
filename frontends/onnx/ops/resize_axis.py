"""One axis of a general Resize: float64 source coordinates, then nearest / linear / cubic taps
gathered along the axis (edge samples repeat, as the specification's edge padding).

The formulas follow the ONNX specification's coordinate transformations and interpolation
coefficients term by term, so that float64 rounding matches its reference implementation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

import siglite.dtypes as sdt

from ..context import GraphContext, NodeView
from ..emit import binary, bshape, cast, reshape, sig

F64 = sdt.float64


@dataclass
class AxisPlan:
    """One resized axis: its static input length, float64 scale and int32 output length."""

    axis: int
    length: int
    scale: Any
    out: Any
    roi: tuple[Any, Any] | None = None


def _c(ctx: GraphContext, value: float):
    return ctx.const(np.array(value, np.float64))


# With constant scales the source coordinates are constants: they are computed now, with the
# same float64 operations the kernels would run, so that only the GATHERs remain in the model.
_NUMPY = {
    "ADD": np.add, "SUB": np.subtract, "MUL": np.multiply, "DIV": np.divide,
    "EQUAL": np.equal, "LESS": np.less, "GREATER": np.greater, "LESS_EQUAL": np.less_equal,
    "GREATER_EQUAL": np.greater_equal, "LOGICAL_AND": np.logical_and,
    "LOGICAL_OR": np.logical_or, "MAXIMUM": np.maximum, "MINIMUM": np.minimum,
    "FLOOR": np.floor, "SELECT_V2": np.where,
}  # fmt: skip


def _folded(ctx: GraphContext, op: str, inputs: list, out):
    """``op`` on ``inputs``: a constant when they all are, else a node of type ``out``."""
    if all(t.data is not None for t in inputs):
        with np.errstate(all="ignore"):
            value = _NUMPY[op](*(np.asarray(t.data) for t in inputs))
        return ctx.const(np.asarray(value).astype(out[0].numpy, copy=False))
    return ctx.op(op, inputs, out)


def _op(ctx: GraphContext, op: str, a, b):
    if a.data is not None and b.data is not None:
        dtype = sdt.bool_ if op in _BOOL_OPS else a.dtype
        return _folded(ctx, op, [a, b], (dtype, bshape(a, b)))
    return binary(ctx, op, a, b)


_BOOL_OPS = frozenset({"EQUAL", "LESS", "GREATER", "LESS_EQUAL", "GREATER_EQUAL"})


def _select(ctx: GraphContext, cond, a, b):
    return _folded(ctx, "SELECT_V2", [cond, a, b], (b.dtype, bshape(cond, a, b)))


def _half_pixel(ctx: GraphContext, y, s):
    return _op(ctx, "SUB", _op(ctx, "DIV", _op(ctx, "ADD", y, _c(ctx, 0.5)), s), _c(ctx, 0.5))


def coordinates(ctx: GraphContext, node: NodeView, plan: AxisPlan, ctm: str):
    """(source coordinate per output index, bool 'outside the input' or None)."""
    n, s = plan.length, plan.scale
    zero, one = ctx.const(np.array(0, np.int32)), ctx.const(np.array(1, np.int32))
    count = -1 if plan.out.data is None else int(plan.out.data)
    if count >= 0:
        y = ctx.const(np.arange(count, dtype=np.float64))
    else:
        y = cast(ctx, ctx.op("RANGE", [zero, plan.out, one], (sdt.int32, (count,))), F64)
    width = _op(ctx, "MUL", s, _c(ctx, float(n)))  # scale * length, a float
    width_is_one = _op(ctx, "EQUAL", width, _c(ctx, 1.0))
    if ctm == "half_pixel":
        return _half_pixel(ctx, y, s), None
    if ctm == "asymmetric":
        return _op(ctx, "DIV", y, s), None
    if ctm == "pytorch_half_pixel":
        return _select(ctx, width_is_one, _c(ctx, -0.5), _half_pixel(ctx, y, s)), None
    if ctm == "half_pixel_symmetric":
        adjustment = _op(ctx, "DIV", cast(ctx, plan.out, F64), width)
        offset = _op(ctx, "MUL", _c(ctx, n / 2), _op(ctx, "SUB", _c(ctx, 1.0), adjustment))
        inner = _op(ctx, "DIV", _op(ctx, "ADD", y, _c(ctx, 0.5)), s)
        return _op(ctx, "SUB", _op(ctx, "ADD", offset, inner), _c(ctx, 0.5)), None
    if ctm == "align_corners":
        span = _op(ctx, "DIV", _op(ctx, "MUL", y, _c(ctx, n - 1.0)),
                   _op(ctx, "SUB", width, _c(ctx, 1.0)))  # fmt: skip
        return _select(ctx, width_is_one, _c(ctx, 0.0), span), None
    if ctm == "tf_crop_and_resize":
        return _crop_coordinates(ctx, plan, y, width, width_is_one)
    raise node.error(f"coordinate_transformation_mode={ctm!r} is not supported")


def _crop_coordinates(ctx: GraphContext, plan: AxisPlan, y, width, width_is_one):
    n = float(plan.length)
    start, end = plan.roi
    extent = _op(ctx, "SUB", end, start)
    single = _op(ctx, "DIV", _op(ctx, "MUL", extent, _c(ctx, n - 1)), _c(ctx, 2.0))
    many = _op(ctx, "MUL", _op(ctx, "MUL", y, extent), _c(ctx, n - 1))
    many = _op(ctx, "DIV", many, _op(ctx, "SUB", width, _c(ctx, 1.0)))
    x = _select(ctx, width_is_one, single, many)
    x = _op(ctx, "ADD", x, _op(ctx, "MUL", start, _c(ctx, n - 1)))
    outside = _op(ctx, "LOGICAL_OR", _op(ctx, "LESS", x, _c(ctx, 0.0)),
                  _op(ctx, "GREATER", x, _c(ctx, n - 1)))  # fmt: skip
    return x, outside


def _gather(ctx: GraphContext, data, plan: AxisPlan, index):
    """data at float64 source ``index`` (clamped into the axis) along the plan's axis."""
    # MAXIMUM/MINIMUM are ``a > b ? a : b``; the bounds are never NaN.
    index = _folded(ctx, "MAXIMUM", [index, _c(ctx, 0.0)], (F64, sig(index)))
    index = _folded(ctx, "MINIMUM", [index, _c(ctx, plan.length - 1.0)], (F64, sig(index)))
    idx = cast(ctx, index, sdt.int32)
    out = list(sig(data))
    out[plan.axis] = sig(idx)[0]
    return ctx.op("GATHER", [data, idx], (data.dtype, out), axis=plan.axis, batch_dims=0)


def _along_axis(ctx: GraphContext, v, data, axis: int):
    """A per-output-index vector shaped to broadcast along ``axis`` of ``data``."""
    return reshape(ctx, v, (-1,) + (1,) * (data.rank - axis - 1))


def _nearest(ctx: GraphContext, node: NodeView, data, plan: AxisPlan, x, mode: str):
    floor = _folded(ctx, "FLOOR", [x], (F64, sig(x)))
    frac = _op(ctx, "SUB", x, floor)
    tests = {"round_prefer_floor": ("GREATER", 0.5), "round_prefer_ceil": ("GREATER_EQUAL", 0.5),
             "ceil": ("GREATER", 0.0)}  # fmt: skip
    if mode == "floor":
        index = floor
    elif mode in tests:
        op, at = tests[mode]
        up = cast(ctx, _op(ctx, op, frac, _c(ctx, at)), F64)
        index = _op(ctx, "ADD", floor, up)
    else:
        raise node.error(f"nearest_mode={mode!r} is not supported")
    return _gather(ctx, data, plan, index)


def _cubic_weights(ctx: GraphContext, t, a: float) -> list[Any]:
    """The specification's cubic coefficients for taps floor-1 .. floor+2 at fraction t."""

    def outer(r):  # ((A r - 5A) r + 8A) r - 4A
        v = _op(ctx, "SUB", _op(ctx, "MUL", r, _c(ctx, a)), _c(ctx, 5 * a))
        v = _op(ctx, "ADD", _op(ctx, "MUL", v, r), _c(ctx, 8 * a))
        return _op(ctx, "SUB", _op(ctx, "MUL", v, r), _c(ctx, 4 * a))

    def inner(r):  # ((A + 2) r - (A + 3)) r r + 1
        v = _op(ctx, "SUB", _op(ctx, "MUL", r, _c(ctx, a + 2)), _c(ctx, a + 3))
        v = _op(ctx, "MUL", _op(ctx, "MUL", v, r), r)
        return _op(ctx, "ADD", v, _c(ctx, 1.0))

    rest = _op(ctx, "SUB", _c(ctx, 1.0), t)
    return [outer(_op(ctx, "ADD", t, _c(ctx, 1.0))), inner(t), inner(rest),
            outer(_op(ctx, "ADD", rest, _c(ctx, 1.0)))]  # fmt: skip


def _interpolate(ctx: GraphContext, node: NodeView, data, plan: AxisPlan, x, p) -> Any:
    floor = _folded(ctx, "FLOOR", [x], (F64, sig(x)))
    t = _op(ctx, "SUB", x, floor)
    if p.mode == "linear":
        if p.exclude:
            raise node.error("exclude_outside=1 is only supported for mode='cubic'")
        taps, weights = (0, 1), [_op(ctx, "SUB", _c(ctx, 1.0), t), t]
    else:
        taps, weights = (-1, 0, 1, 2), _cubic_weights(ctx, t, p.cubic_a)
    positions = [_op(ctx, "ADD", floor, _c(ctx, float(k))) for k in taps]
    if p.exclude:
        weights = _exclude_outside(ctx, plan, positions, weights)
    out = None
    for pos, w in zip(positions, weights, strict=True):
        term = _op(ctx, "MUL", _gather(ctx, data, plan, pos), _along_axis(ctx, w, data,
                                                                          plan.axis))  # fmt: skip
        out = term if out is None else _op(ctx, "ADD", out, term)
    return out


def _exclude_outside(ctx: GraphContext, plan: AxisPlan, positions, weights):
    """Zero the weights of taps outside the input and renormalize (a zero sum stays 0)."""
    kept = []
    for pos, w in zip(positions, weights, strict=True):
        inside = _op(ctx, "LOGICAL_AND", _op(ctx, "GREATER_EQUAL", pos, _c(ctx, 0.0)),
                     _op(ctx, "LESS_EQUAL", pos, _c(ctx, plan.length - 1.0)))  # fmt: skip
        kept.append(_select(ctx, inside, w, _c(ctx, 0.0)))
    total = kept[0]
    for w in kept[1:]:
        total = _op(ctx, "ADD", total, w)
    total = _select(ctx, _op(ctx, "EQUAL", total, _c(ctx, 0.0)), _c(ctx, 1.0), total)
    return [_op(ctx, "DIV", w, total) for w in kept]


def resize_axis(ctx: GraphContext, node: NodeView, data, plan: AxisPlan, p) -> Any:
    """``data`` resized along ``plan.axis`` per the Resize parameters ``p``."""
    x, outside = coordinates(ctx, node, plan, p.ctm)
    if p.mode == "nearest":
        if p.exclude:
            raise node.error("exclude_outside=1 is only supported for mode='cubic'")
        y = _nearest(ctx, node, data, plan, x, p.nearest)
    else:
        y = _interpolate(ctx, node, data, plan, x, p)
    if outside is not None:
        fill = ctx.const(np.array(p.extrapolation, data.dtype.numpy))
        y = _select(ctx, _along_axis(ctx, outside, data, plan.axis), fill, y)
    return y
