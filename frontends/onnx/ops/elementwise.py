"""Elementwise ONNX ops: arithmetic, comparisons, logic, Where, Clip and simple unary math."""

from __future__ import annotations

import numpy as np

import siglite.dtypes as sdt

from ..context import FLOATS, NUMERIC, GraphContext, NodeView
from ..emit import binary, bshape, cast, scalar, unary
from . import handler

# TFLite-style dtype sets per op family (what the builtins accept).
# 8- and 16-bit integer arithmetic is quantized arithmetic in TFLite, so plain ints stop at int32.
ARITH = frozenset({"float32", "int32", "int64"}) | FLOATS
SIGNED = ARITH
FLOAT_ONLY = FLOATS
F32 = frozenset({"float32"})  # the NN builtins (conv, pools, matmul, softmax, resize)


def check_dtype(node: NodeView, t, allowed: frozenset[str], what: str = "input") -> None:
    if t.dtype.name not in allowed:
        raise node.error(f"{what} dtype {t.dtype.name} is not supported (supported: "
                         f"{', '.join(sorted(allowed))})")  # fmt: skip


BINARY = {"Add": "ADD", "Sub": "SUB", "Mul": "MUL", "Div": "DIV", "Pow": "POW"}


@handler(*BINARY)
def arithmetic(ctx: GraphContext, node: NodeView):
    a, b = node.input(0), node.input(1)
    if node.op_type != "Pow" and a.dtype.name not in ARITH:
        wrapping = node.op_type != "Div"
        return [widened_binary(ctx, node, BINARY[node.op_type], a, b, wrapping)]
    check_dtype(node, a, ARITH)
    if node.op_type == "Pow":
        if b.dtype != a.dtype:
            if a.dtype.name not in FLOATS and b.dtype.name in FLOATS:
                raise node.error("an integer base with a float exponent is not supported")
            b = cast(ctx, b, a.dtype)
        check_dtype(node, a, FLOATS | {"int32"})
    elif b.dtype != a.dtype:
        raise node.error(f"operand dtypes differ ({a.dtype.name}, {b.dtype.name})")
    if node.attrs.get("broadcast") is not None or node.attrs.get("axis") is not None:
        node.attr("broadcast"), node.attr("axis")
        if node.attrs.get("broadcast") and node.attrs.get("axis") is not None:
            raise node.error("legacy broadcast with an axis is not supported")
    return [binary(ctx, BINARY[node.op_type], a, b)]


def widened(node: NodeView, a, wrapping: bool):
    """The wider dtype that computes ``a``'s small-integer arithmetic exactly, or ``None``.

    TFLite's 8- and 16-bit arithmetic is quantized, so plain small integers are computed in
    int32 (int64 for uint32) and cast back, which wraps exactly as ONNX's integer arithmetic.
    uint64 fits only where the result is the same modulo 2**64 (``wrapping``: add, sub, mul).
    """
    name = a.dtype.name
    if name in ("int8", "int16", "uint8", "uint16"):
        return sdt.int32
    if name == "uint32" or (name == "uint64" and wrapping):
        return sdt.int64
    return None


def widened_binary(ctx: GraphContext, node: NodeView, op: str, a, b, wrapping: bool):
    """``op`` on small integers through a wider dtype; rejects what cannot be exact."""
    wide = widened(node, a, wrapping)
    if wide is None or b.dtype != a.dtype:
        check_dtype(node, a, ARITH)
        raise node.error(f"operand dtypes differ ({a.dtype.name}, {b.dtype.name})")
    y = binary(ctx, op, cast(ctx, a, wide), cast(ctx, b, wide))
    return cast(ctx, y, a.dtype)


VARIADIC = {"Max": "MAXIMUM", "Min": "MINIMUM", "Sum": "ADD", "Mean": "ADD"}


@handler(*VARIADIC)
def variadic(ctx: GraphContext, node: NodeView):
    xs = [t for t in node.inputs() if t is not None]
    minmax = node.op_type in ("Max", "Min")
    for t in xs:
        check_dtype(node, t, NUMERIC if minmax else ARITH)
        if t.dtype != xs[0].dtype:
            raise node.error("operand dtypes differ")
    if node.op_type == "Mean":
        check_dtype(node, xs[0], FLOATS)
    acc = xs[0]
    for t in xs[1:]:
        acc = _nan_aware(ctx, VARIADIC[node.op_type], acc, t) if minmax else \
            binary(ctx, VARIADIC[node.op_type], acc, t)  # fmt: skip
    if node.op_type == "Mean" and len(xs) > 1:
        acc = binary(ctx, "MUL", acc, scalar(ctx, 1.0 / len(xs), acc))
    return [acc]


def _nan_aware(ctx: GraphContext, op: str, a, b):
    """MAXIMUM/MINIMUM (``a > b ? a : b``) with NaN in either operand giving NaN, as numpy."""
    y = binary(ctx, op, a, b)  # already NaN where b is NaN
    if a.dtype.name not in FLOATS:
        return y
    a_nan = binary(ctx, "NOT_EQUAL", a, a)
    return ctx.op("SELECT_V2", [a_nan, a, y], (a.dtype, bshape(a_nan, a, y)))


COMPARE = {
    "Equal": "EQUAL",
    "Less": "LESS",
    "Greater": "GREATER",
    "LessOrEqual": "LESS_EQUAL",
    "GreaterOrEqual": "GREATER_EQUAL",
}


@handler(*COMPARE)
def compare(ctx: GraphContext, node: NodeView):
    a, b = node.input(0), node.input(1)
    check_dtype(node, a, NUMERIC | ({"bool"} if node.op_type == "Equal" else set()))
    if a.dtype != b.dtype:
        raise node.error("operand dtypes differ")
    return [binary(ctx, COMPARE[node.op_type], a, b)]


LOGIC = {"And": "LOGICAL_AND", "Or": "LOGICAL_OR", "Xor": "NOT_EQUAL"}


@handler(*LOGIC)
def logic(ctx: GraphContext, node: NodeView):
    a, b = node.input(0), node.input(1)
    check_dtype(node, a, frozenset({"bool"}))
    out = binary(ctx, LOGIC[node.op_type], a, b)
    out.dtype = sdt.bool_
    return [out]


@handler("Not")
def logical_not(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    check_dtype(node, x, frozenset({"bool"}))
    return [unary(ctx, "LOGICAL_NOT", x)]


@handler("Where")
def where(ctx: GraphContext, node: NodeView):
    c, a, b = node.input(0), node.input(1), node.input(2)
    if a.dtype != b.dtype or a.dtype.name == "string":
        raise node.error("operand dtypes must match and not be strings")
    return [ctx.op("SELECT_V2", [c, a, b], (a.dtype, bshape(c, a, b)))]


@handler("Mod")
def mod(ctx: GraphContext, node: NodeView):
    a, b = node.input(0), node.input(1)
    fmod = int(node.attr("fmod", 0))
    if a.dtype.name not in SIGNED:
        # Remainders of small integers are exact in a wider type; signs are kept by the cast.
        if fmod:
            return [_int_fmod(ctx, node, a, b)]
        return [widened_binary(ctx, node, "FLOOR_MOD", a, b, False)]
    if a.dtype != b.dtype:
        raise node.error(f"operand dtypes differ ({a.dtype.name}, {b.dtype.name})")
    if not fmod:  # numpy-style remainder (the divisor's sign), also what ONNX computes for floats
        return [binary(ctx, "FLOOR_MOD", a, b)]
    if a.dtype.name == "int64":
        return [_int_fmod(ctx, node, a, b)]
    if a.dtype.name not in FLOATS | {"int32"}:
        raise node.error(f"fmod=1 needs float or int32 inputs, got {a.dtype.name}")
    # C fmod keeps the dividend's sign: sign(a) * (|a| mod |b|).
    r = binary(ctx, "FLOOR_MOD", unary(ctx, "ABS", a), unary(ctx, "ABS", b))
    return [binary(ctx, "MUL", unary(ctx, "SIGN", a), r)]


def _int_fmod(ctx: GraphContext, node: NodeView, a, b):
    """C's integer ``%``: a - trunc(a / b) * b (integer DIV truncates toward zero)."""
    wide = a.dtype if a.dtype.name in SIGNED else widened(node, a, False)
    if wide is None or a.dtype != b.dtype:
        raise node.error(f"fmod=1 is not supported for {a.dtype.name} / {b.dtype.name} inputs")
    x, y = cast(ctx, a, wide), cast(ctx, b, wide)
    r = binary(ctx, "SUB", x, binary(ctx, "MUL", binary(ctx, "DIV", x, y), y))
    return cast(ctx, r, a.dtype)


UNARY = {
    "Abs": ("ABS", SIGNED),
    "Neg": ("NEG", SIGNED),
    "Exp": ("EXP", FLOAT_ONLY),
    "Log": ("LOG", FLOAT_ONLY),
    "Sqrt": ("SQRT", FLOAT_ONLY),
    "Sin": ("SIN", FLOAT_ONLY),
    "Cos": ("COS", FLOAT_ONLY),
    "Tanh": ("TANH", FLOAT_ONLY),
    "Sigmoid": ("LOGISTIC", FLOAT_ONLY),
    "Floor": ("FLOOR", FLOAT_ONLY),
    "Ceil": ("CEIL", FLOAT_ONLY),
    "Round": ("ROUND", FLOAT_ONLY),
    "Sign": ("SIGN", FLOATS | {"int32"}),
    "Relu": ("RELU", FLOAT_ONLY),
}


@handler(*UNARY)
def simple_unary(ctx: GraphContext, node: NodeView):
    op, allowed = UNARY[node.op_type]
    x = node.input(0)
    check_dtype(node, x, allowed)
    node.attr("consumed_inputs")  # opset < 6 bookkeeping, no meaning at inference
    return [unary(ctx, op, x)]


@handler("Reciprocal")
def reciprocal(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    check_dtype(node, x, FLOAT_ONLY)
    return [binary(ctx, "DIV", scalar(ctx, 1.0, x), x)]


@handler("Tan")
def tan(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    check_dtype(node, x, FLOAT_ONLY)
    return [binary(ctx, "DIV", unary(ctx, "SIN", x), unary(ctx, "COS", x))]


@handler("IsNaN")
def isnan(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    check_dtype(node, x, FLOAT_ONLY)
    return [binary(ctx, "NOT_EQUAL", x, x)]


@handler("IsInf")
def isinf(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    check_dtype(node, x, FLOAT_ONLY)
    pos, neg = int(node.attr("detect_positive", 1)), int(node.attr("detect_negative", 1))
    parts = []
    if pos:
        parts.append(binary(ctx, "EQUAL", x, scalar(ctx, np.inf, x)))
    if neg:
        parts.append(binary(ctx, "EQUAL", x, scalar(ctx, -np.inf, x)))
    if not parts:  # nothing detected: all false (NaN equals nothing)
        return [binary(ctx, "EQUAL", x, scalar(ctx, np.nan, x))]
    out = parts[0]
    for p in parts[1:]:
        out = binary(ctx, "LOGICAL_OR", out, p)
    return [out]


@handler("Clip")
def clip(ctx: GraphContext, node: NodeView):
    x = node.input(0)
    check_dtype(node, x, ARITH)
    lo_t, hi_t = node.input(1), node.input(2)
    lo_attr, hi_attr = node.attr("min"), node.attr("max")
    lo = ctx.const(np.array(lo_attr, x.dtype.numpy)) if lo_attr is not None else lo_t
    hi = ctx.const(np.array(hi_attr, x.dtype.numpy)) if hi_attr is not None else hi_t
    lo_v = None if lo is None or lo.data is None or lo.data.size != 1 else float(lo.data.flat[0])
    hi_v = None if hi is None or hi.data is None or hi.data.size != 1 else float(hi.data.flat[0])
    if x.dtype.name == "float32" and (lo_v, hi_v) in ((0.0, 6.0), (-1.0, 1.0), (0.0, None)):
        op = {(0.0, 6.0): "RELU6", (-1.0, 1.0): "RELU_N1_TO_1", (0.0, None): "RELU"}[(lo_v, hi_v)]
        return [unary(ctx, op, x)]
    # MAXIMUM/MINIMUM are ``a > b ? a : b``: x goes second so that NaN stays NaN (np.clip).
    out = x
    if lo is not None:
        out = ctx.op("MAXIMUM", [lo, out], (x.dtype, bshape(lo, out)))
    if hi is not None:
        out = ctx.op("MINIMUM", [hi, out], (x.dtype, bshape(hi, out)))
    return [out]
