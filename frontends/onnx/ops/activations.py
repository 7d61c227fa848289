"""Activation functions: builtins where TFLite has one, decompositions into builtins otherwise."""

from __future__ import annotations

from ..context import FLOATS, GraphContext, NodeView
from ..emit import binary, bshape, scalar, unary
from . import handler
from .elementwise import check_dtype


def _float_input(node: NodeView):
    x = node.input(0)
    check_dtype(node, x, FLOATS)
    return x


@handler("LeakyRelu")
def leaky_relu(ctx: GraphContext, node: NodeView):
    x = _float_input(node)
    return [unary(ctx, "LEAKY_RELU", x, alpha=float(node.attr("alpha", 0.01)))]


@handler("PRelu")
def prelu(ctx: GraphContext, node: NodeView):
    x, slope = _float_input(node), node.input(1)
    if slope.dtype != x.dtype:
        raise node.error("slope dtype differs from the input's")
    # ONNX broadcasts the slope to X only (unidirectional); PRELU's output has X's shape.
    if bshape(x, slope) != x.signature_shape:
        raise node.error("slope must broadcast to the input shape")
    return [ctx.op("PRELU", [x, slope], (x.dtype, x.signature_shape))]


def _elu(ctx: GraphContext, x, alpha: float):
    if alpha == 1.0:
        return unary(ctx, "ELU", x)
    neg = binary(ctx, "MUL", scalar(ctx, alpha, x), unary(ctx, "ELU", x))
    return ctx.op(
        "SELECT_V2",
        [binary(ctx, "GREATER", x, scalar(ctx, 0.0, x)), x, neg],
        (x.dtype, x.signature_shape),
    )


@handler("Elu")
def elu(ctx: GraphContext, node: NodeView):
    return [_elu(ctx, _float_input(node), float(node.attr("alpha", 1.0)))]


@handler("Selu")
def selu(ctx: GraphContext, node: NodeView):
    x = _float_input(node)
    alpha = float(node.attr("alpha", 1.67326319217681884765625))
    gamma = float(node.attr("gamma", 1.05070102214813232421875))
    return [binary(ctx, "MUL", _elu(ctx, x, alpha), scalar(ctx, gamma, x))]


@handler("Celu")
def celu(ctx: GraphContext, node: NodeView):
    x = _float_input(node)
    alpha = float(node.attr("alpha", 1.0))
    # celu(x) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1)) = alpha * elu(x / alpha)
    inner = unary(ctx, "ELU", binary(ctx, "MUL", x, scalar(ctx, 1.0 / alpha, x)))
    return [binary(ctx, "MUL", inner, scalar(ctx, alpha, x))]


@handler("HardSigmoid")
def hard_sigmoid(ctx: GraphContext, node: NodeView):
    x = _float_input(node)
    alpha, beta = float(node.attr("alpha", 0.2)), float(node.attr("beta", 0.5))
    y = binary(ctx, "ADD", binary(ctx, "MUL", x, scalar(ctx, alpha, x)), scalar(ctx, beta, x))
    # MAXIMUM/MINIMUM are ``a > b ? a : b``: the value goes second so that NaN stays NaN.
    y = binary(ctx, "MAXIMUM", scalar(ctx, 0.0, x), y)
    return [binary(ctx, "MINIMUM", scalar(ctx, 1.0, x), y)]


@handler("HardSwish")
def hard_swish(ctx: GraphContext, node: NodeView):
    return [unary(ctx, "HARD_SWISH", _float_input(node))]


@handler("Gelu")
def gelu(ctx: GraphContext, node: NodeView):
    approx = node.attr("approximate", "none")
    if approx not in ("none", "tanh"):
        raise node.error(f"approximate={approx!r} is not supported")
    return [unary(ctx, "GELU", _float_input(node), approximate=approx == "tanh")]


def _softplus(ctx: GraphContext, x):
    # log(1 + exp(x)) computed as max(x, 0) + log(1 + exp(-|x|)) so large x does not overflow.
    tail = unary(ctx, "EXP", unary(ctx, "NEG", unary(ctx, "ABS", x)))
    tail = unary(ctx, "LOG", binary(ctx, "ADD", tail, scalar(ctx, 1.0, x)))
    return binary(ctx, "ADD", unary(ctx, "RELU", x), tail)


@handler("Softplus")
def softplus(ctx: GraphContext, node: NodeView):
    return [_softplus(ctx, _float_input(node))]


@handler("Softsign")
def softsign(ctx: GraphContext, node: NodeView):
    x = _float_input(node)
    den = binary(ctx, "ADD", unary(ctx, "ABS", x), scalar(ctx, 1.0, x))
    return [binary(ctx, "DIV", x, den)]


@handler("Mish")
def mish(ctx: GraphContext, node: NodeView):
    x = _float_input(node)
    return [binary(ctx, "MUL", x, unary(ctx, "TANH", _softplus(ctx, x)))]


@handler("Swish")
def swish(ctx: GraphContext, node: NodeView):
    x = _float_input(node)
    alpha = float(node.attr("alpha", 1.0))
    scaled = x if alpha == 1.0 else binary(ctx, "MUL", x, scalar(ctx, alpha, x))
    return [binary(ctx, "MUL", x, unary(ctx, "LOGISTIC", scaled))]


@handler("ThresholdedRelu")
def thresholded_relu(ctx: GraphContext, node: NodeView):
    x = _float_input(node)
    alpha = float(node.attr("alpha", 1.0))
    keep = binary(ctx, "GREATER", x, scalar(ctx, alpha, x))
    return [ctx.op("SELECT_V2", [keep, x, scalar(ctx, 0.0, x)], (x.dtype, x.signature_shape))]


@handler("Shrink")
def shrink(ctx: GraphContext, node: NodeView):
    x = _float_input(node)
    lambd, bias = float(node.attr("lambd", 0.5)), float(node.attr("bias", 0.0))
    shape = x.signature_shape
    low = binary(ctx, "LESS", x, scalar(ctx, -lambd, x))
    high = binary(ctx, "GREATER", x, scalar(ctx, lambd, x))
    zero = scalar(ctx, 0.0, x)
    up = binary(ctx, "ADD", x, scalar(ctx, bias, x))
    down = binary(ctx, "SUB", x, scalar(ctx, bias, x))
    y = ctx.op("SELECT_V2", [high, down, zero], (x.dtype, shape))
    return [ctx.op("SELECT_V2", [low, up, y], (x.dtype, shape))]


@handler("Sinh", "Cosh")
def hyperbolic(ctx: GraphContext, node: NodeView):
    x = _float_input(node)
    ep, en = unary(ctx, "EXP", x), unary(ctx, "EXP", unary(ctx, "NEG", x))
    both = binary(ctx, "SUB" if node.op_type == "Sinh" else "ADD", ep, en)
    return [binary(ctx, "MUL", both, scalar(ctx, 0.5, x))]
