"""Inverse trigonometric and hyperbolic functions decomposed into builtins.

Atan/Asin/Acos go through ATAN2, which is exact to the float type. The inverse hyperbolic
functions use their logarithm forms, switching to a series near 0 (where ``log(1 + t)`` would
lose the low digits) and to ``log(2|x|)`` for large |x| (where ``x * x`` would overflow).
"""

from __future__ import annotations

import math

from ..context import GraphContext, NodeView
from ..emit import binary, bshape, scalar, unary
from . import handler
from .activations import _float_input

# |x| above this: sqrt(x^2 +- 1) == |x| to float64 precision and x^2 stays finite.
LARGE = 1e8
# |x| below this: the series below are exact to float32 rounding (the next term is ~x^9), and
# above it the logarithm forms lose at most a few float32 ulps.
SMALL = 0.05
ASINH_SERIES = (1.0, -1.0 / 6.0, 3.0 / 40.0, -15.0 / 336.0)
ATANH_SERIES = (1.0, 1.0 / 3.0, 1.0 / 5.0, 1.0 / 7.0)


def _select(ctx: GraphContext, cond, a, b):
    return ctx.op("SELECT_V2", [cond, a, b], (b.dtype, bshape(cond, a, b)))


def _cap(ctx: GraphContext, x):
    # MINIMUM is ``a < b ? a : b``: with x second a NaN x stays NaN.
    return ctx.op("MINIMUM", [scalar(ctx, LARGE, x), x], (x.dtype, x.signature_shape))


def _sqrt_one_minus_sq(ctx: GraphContext, x):
    return unary(ctx, "SQRT", binary(ctx, "SUB", scalar(ctx, 1.0, x), binary(ctx, "MUL", x, x)))


@handler("Atan", "Asin", "Acos")
def inverse_trig(ctx: GraphContext, node: NodeView):
    x = _float_input(node)
    if node.op_type == "Atan":
        y, c = x, scalar(ctx, 1.0, x)
    elif node.op_type == "Asin":
        y, c = x, _sqrt_one_minus_sq(ctx, x)
    else:
        y, c = _sqrt_one_minus_sq(ctx, x), x
    # |x| > 1 makes the square root NaN, and atan2 passes NaN on: the domain error ONNX gives.
    return [ctx.op("ATAN2", [y, c], (x.dtype, x.signature_shape))]


def _series(ctx: GraphContext, x, coeffs: tuple[float, ...]):
    """x * (c0 + c1 x^2 + c2 x^4 + ...), the odd Taylor series of asinh / atanh near 0."""
    x2 = binary(ctx, "MUL", x, x)
    acc = scalar(ctx, coeffs[-1], x)
    for c in coeffs[-2::-1]:
        acc = binary(ctx, "ADD", binary(ctx, "MUL", acc, x2), scalar(ctx, c, x))
    return binary(ctx, "MUL", acc, x)


def _large_log(ctx: GraphContext, a):
    """log(2a) for large positive a."""
    return binary(ctx, "ADD", unary(ctx, "LOG", a), scalar(ctx, math.log(2.0), a))


def _log_root(ctx: GraphContext, a, op: str):
    """``log(a + sqrt(a * a + 1))`` (``op`` ADD: asinh of ``a >= 0``) or
    ``log(a + sqrt(a * a - 1))`` (SUB: acosh), computed as ``log(2a)`` where ``a`` is large."""
    capped = _cap(ctx, a)
    root = unary(ctx, "SQRT", binary(ctx, op, binary(ctx, "MUL", capped, capped),
                                     scalar(ctx, 1.0, a)))  # fmt: skip
    mid = unary(ctx, "LOG", binary(ctx, "ADD", capped, root))
    big = binary(ctx, "GREATER", a, scalar(ctx, LARGE, a))
    return _select(ctx, big, _large_log(ctx, a), mid)


@handler("Asinh")
def asinh(ctx: GraphContext, node: NodeView):
    x = _float_input(node)
    a = unary(ctx, "ABS", x)
    y = _log_root(ctx, a, "ADD")
    y = binary(ctx, "MUL", unary(ctx, "SIGN", x), y)
    small = binary(ctx, "LESS", a, scalar(ctx, SMALL, x))
    return [_select(ctx, small, _series(ctx, x, ASINH_SERIES), y)]


@handler("Acosh")
def acosh(ctx: GraphContext, node: NodeView):
    x = _float_input(node)
    y = _log_root(ctx, x, "SUB")
    outside = binary(ctx, "LESS", x, scalar(ctx, 1.0, x))  # log(x + root) is finite there
    return [_select(ctx, outside, scalar(ctx, math.nan, x), y)]


@handler("Atanh")
def atanh(ctx: GraphContext, node: NodeView):
    x = _float_input(node)
    one = scalar(ctx, 1.0, x)
    ratio = binary(ctx, "DIV", binary(ctx, "ADD", one, x), binary(ctx, "SUB", one, x))
    y = binary(ctx, "MUL", unary(ctx, "LOG", ratio), scalar(ctx, 0.5, x))
    small = binary(ctx, "LESS", unary(ctx, "ABS", x), scalar(ctx, SMALL, x))
    return [_select(ctx, small, _series(ctx, x, ATANH_SERIES), y)]
