"""Resize and Upsample.

4-D float resizes that TFLite's RESIZE_NEAREST_NEIGHBOR / RESIZE_BILINEAR compute exactly map
onto them. Everything else (run-time scales or sizes, cubic, other coordinate transformations
and rounding modes, ``axes``, ``keep_aspect_ratio_policy``, other ranks and dtypes) is built from
GATHERs along each resized axis, with the source coordinates computed in float64 from the
scales as the ONNX specification (and its reference implementation) does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

import siglite.dtypes as sdt
from siglite.errors import UnsupportedOpError

from ..context import FLOATS, GraphContext, NodeView
from ..emit import cast, normalize_axis, reshape, sig, to_nchw, to_nhwc
from . import handler
from .resize_axis import AxisPlan, resize_axis


@dataclass
class ResizeParams:
    """A Resize node's attributes and its scales / sizes / roi inputs (tensors or None)."""

    mode: str
    ctm: str
    nearest: str
    cubic_a: float
    exclude: bool
    extrapolation: float
    antialias: bool
    axes: list[int] | None
    policy: str
    roi: Any
    scales: Any
    sizes: Any


def _params(node: NodeView, x) -> ResizeParams:
    mode = node.attr("mode", "nearest")
    mode = "linear" if mode in ("bilinear", "linear") else mode
    if node.op_type == "Upsample":
        if node.has_input(1):
            scales = node.input(1)
        else:
            scales = node.ctx.const(np.array(node.attr("scales"), np.float32))
        return ResizeParams(mode, "asymmetric", "floor", -0.75, False, 0.0, False, None,
                            "stretch", None, scales, None)  # fmt: skip
    if node.ctx.opset < 11:
        raise node.error("Resize before opset 11 is not supported")
    scales = node.input(2) if node.has_input(2) else None
    if scales is not None and sig(scales) == (0,):
        scales = None
    sizes = node.input(3) if node.has_input(3) else None
    if sizes is not None and sig(sizes) == (0,):
        sizes = None
    if (scales is None) == (sizes is None):
        raise node.error("exactly one of scales and sizes must be given")
    axes = node.attr("axes")
    if axes is not None:
        axes = [normalize_axis(int(a), x.rank, node.where) for a in axes]
    return ResizeParams(
        mode,
        node.attr("coordinate_transformation_mode", "half_pixel"),
        node.attr("nearest_mode", "round_prefer_floor"),
        float(node.attr("cubic_coeff_a", -0.75)),
        bool(int(node.attr("exclude_outside", 0))),
        float(node.attr("extrapolation_value", 0.0)),
        bool(int(node.attr("antialias", 0))),
        axes,
        node.attr("keep_aspect_ratio_policy", "stretch"),
        node.input(1) if node.has_input(1) else None,
        scales,
        sizes,
    )


@handler("Resize", "Upsample")
def resize(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    p = _params(node, x)
    try:
        return [_tflite_resize(ctx, node, x, p)]
    except UnsupportedOpError:
        pass  # not something TFLite's resize ops compute exactly
    return [_gather_resize(ctx, node, x, p)]


# ---------------------------------------------------------------- TFLite's resize builtins


def _tflite_flags(node: NodeView, p: ResizeParams):
    if p.mode == "linear":
        table = {"align_corners": (True, False), "asymmetric": (False, False),
                 "half_pixel": (False, True), "pytorch_half_pixel": (False, True)}  # fmt: skip
        key: Any = p.ctm
        op = "RESIZE_BILINEAR"
    elif p.mode == "nearest":
        table = {("asymmetric", "floor"): (False, False),
                 ("tf_half_pixel_for_nn", "floor"): (False, True),
                 ("half_pixel", "round_prefer_ceil"): (False, True),
                 ("align_corners", "round_prefer_ceil"): (True, False)}  # fmt: skip
        key = (p.ctm, p.nearest)
        op = "RESIZE_NEAREST_NEIGHBOR"
    else:
        raise node.error(f"mode={p.mode!r} has no TFLite resize op")
    if key not in table:
        raise node.error(f"coordinate transformation {key!r} has no TFLite resize op")
    return op, table[key]


def _tflite_size(node: NodeView, x, scales, sizes):
    n, c, h, w = sig(x)
    if sizes is not None:
        sizes = [int(v) for v in sizes]
        if sizes[:2] != [n, c]:
            raise node.error("only the spatial dimensions may be resized")
        return sizes[2], sizes[3]
    scales = [float(v) for v in scales]
    if scales[:2] != [1.0, 1.0] or min(h, w) < 0:
        raise node.error("only static spatial dimensions may be scaled")
    oh, ow = int(np.floor(h * scales[2])), int(np.floor(w * scales[3]))
    # TFLite derives the scale from the sizes; it must equal the given scale.
    if min(oh, ow) < 1 or not (
        np.isclose(h / oh, 1 / scales[2]) and np.isclose(w / ow, 1 / scales[3])
    ):
        raise node.error("scales that do not divide the input size exactly")
    return oh, ow


def _tflite_resize(ctx: GraphContext, node: NodeView, x, p: ResizeParams):
    if x.rank != 4 or x.dtype.name != "float32":
        raise node.error("only 4-D float32 inputs")
    if p.antialias or p.exclude or p.axes is not None or p.policy != "stretch":
        raise node.error("antialias, exclude_outside, axes and keep_aspect_ratio_policy")
    scales = None if p.scales is None else p.scales.data
    sizes = None if p.sizes is None else p.sizes.data
    if scales is None and sizes is None:
        raise node.error("run-time scales or sizes")
    op, (align, half) = _tflite_flags(node, p)
    oh, ow = _tflite_size(node, x, scales, sizes)
    if p.ctm == "pytorch_half_pixel" and min(oh, ow) <= 1:
        raise node.error("pytorch_half_pixel with an output size of 1")
    xh = to_nhwc(ctx, x)
    s = sig(xh)
    size_t = ctx.const(np.array([oh, ow], np.int32))
    y = ctx.op(op, [xh, size_t], (x.dtype, (s[0], oh, ow, s[3])), align_corners=align,
               half_pixel_centers=half)  # fmt: skip
    return to_nchw(ctx, y)


# ---------------------------------------------------------------- the general case


def _element(ctx: GraphContext, t, j: int, dtype):
    """Entry ``j`` of vector ``t`` as a 0-d tensor of ``dtype``."""
    if t.data is not None:
        return ctx.const(np.asarray(t.data.reshape(-1)[j]).astype(dtype.numpy).reshape(()))
    at = ctx.const(np.array(j, np.int32))
    e = ctx.op("GATHER", [reshape(ctx, t, (-1,)), at], (t.dtype, ()), axis=0, batch_dims=0)
    return cast(ctx, e, dtype)


def _f64(ctx: GraphContext, value: float):
    return ctx.const(np.array(value, np.float64))


def _plans(ctx: GraphContext, node: NodeView, x, p: ResizeParams) -> list[AxisPlan]:
    """Per resized axis: its input length and float64 scale / int32 output length tensors."""
    axes = p.axes if p.axes is not None else list(range(x.rank))
    given = p.sizes if p.sizes is not None else p.scales
    if given.rank != 1 or sig(given)[0] != len(axes):
        raise node.error(f"scales / sizes must be a vector of {len(axes)} values")
    lengths = [sig(x)[a] for a in axes]
    if min(lengths, default=0) < 0:
        raise node.error("the resized dimensions must be static")
    f64 = sdt.float64
    if p.sizes is not None:
        outs = [_element(ctx, p.sizes, j, f64) for j in range(len(axes))]
        scales = [_div(ctx, o, _f64(ctx, n)) for o, n in zip(outs, lengths, strict=True)]
        if p.policy not in ("stretch", "not_larger", "not_smaller"):
            raise node.error(f"keep_aspect_ratio_policy={p.policy!r} is not supported")
        if p.policy != "stretch":
            op = "MINIMUM" if p.policy == "not_larger" else "MAXIMUM"
            one = scales[0]
            for s in scales[1:]:
                one = _scalar_op(ctx, op, one, s)
            scales = [one] * len(axes)
            # round half up, as the specification: floor(scale * length + 0.5)
            outs = [_floor(ctx, _add(ctx, _mul(ctx, one, _f64(ctx, n)), _f64(ctx, 0.5)))
                    for n in lengths]  # fmt: skip
    else:
        scales = [_element(ctx, p.scales, j, f64) for j in range(len(axes))]
        outs = [_floor(ctx, _mul(ctx, s, _f64(ctx, n))) for s, n in zip(scales, lengths,
                                                                          strict=True)]  # fmt: skip
    plans = []
    for j, (a, n) in enumerate(zip(axes, lengths, strict=True)):
        roi = None
        if p.ctm == "tf_crop_and_resize":
            roi = _roi(ctx, node, p, j, len(axes))
        plans.append(AxisPlan(a, n, scales[j], cast(ctx, outs[j], sdt.int32), roi))
    return plans


def _roi(ctx: GraphContext, node: NodeView, p: ResizeParams, j: int, k: int):
    if p.roi is None or p.roi.rank != 1 or sig(p.roi)[0] != 2 * k:
        raise node.error(f"tf_crop_and_resize needs a roi vector of {2 * k} values")
    return _element(ctx, p.roi, j, sdt.float64), _element(ctx, p.roi, k + j, sdt.float64)


# Scalar float64 arithmetic on the scales and sizes; constants fold now (the same IEEE float64
# operations the kernels run), so constant scales give static output shapes.
_FOLD = {"MUL": np.multiply, "ADD": np.add, "DIV": np.divide, "MINIMUM": np.minimum,
         "MAXIMUM": np.maximum, "FLOOR": np.floor}  # fmt: skip


def _scalar_op(ctx, op: str, *args):
    if all(a.data is not None for a in args):
        with np.errstate(all="ignore"):
            value = _FOLD[op](*(np.asarray(a.data, np.float64) for a in args))
        return ctx.const(np.asarray(value, np.float64))
    return ctx.op(op, list(args), (args[0].dtype, ()))


def _mul(ctx, a, b):
    return _scalar_op(ctx, "MUL", a, b)


def _add(ctx, a, b):
    return _scalar_op(ctx, "ADD", a, b)


def _div(ctx, a, b):
    return _scalar_op(ctx, "DIV", a, b)


def _floor(ctx, a):
    return _scalar_op(ctx, "FLOOR", a)


def _identity(plan: AxisPlan) -> bool:
    """A constant scale of 1 keeping the length: the reference skips such axes."""
    s, o = plan.scale.data, plan.out.data
    return s is not None and o is not None and float(s) == 1.0 and int(o) == plan.length


def _gather_resize(ctx: GraphContext, node: NodeView, x, p: ResizeParams):
    if p.antialias:
        raise node.error("antialias=1 is not supported")
    if p.mode not in ("nearest", "linear", "cubic"):
        raise node.error(f"mode={p.mode!r} is not supported")
    if p.mode != "nearest" and x.dtype.name not in FLOATS:
        raise node.error(f"mode={p.mode!r} needs a float input, got {x.dtype.name}")
    if x.dtype.name == "string":
        raise node.error("string tensors are not supported")
    plans = [q for q in _plans(ctx, node, x, p) if not _identity(q)]
    if p.ctm == "tf_crop_and_resize":
        plans = _plans(ctx, node, x, p)  # the roi crops even where the length is kept
    # The specification interpolates in float64 and casts the result back.
    y = x if p.mode == "nearest" else cast(ctx, x, sdt.float64)
    for plan in plans:
        y = resize_axis(ctx, node, y, plan, p)
    return cast(ctx, y, x.dtype) if y.dtype != x.dtype else y
