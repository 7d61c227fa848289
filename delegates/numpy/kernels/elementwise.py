"""Elementwise arithmetic and activation kernels with TFLite semantics (float and integer).

Given ``out=`` (the result's arena view), the float32 kernels compute into it with the same
ufuncs in the same order, so the values are bit-identical to a fresh result (see
:func:`.xp.float_out`); any other case allocates a new array.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..table import KERNELS
from .activations import activate_into, apply_activation
from .xp import array_module, float_out


# Overflow, division by zero and the like follow IEEE / two's complement as TFLite's C++ does;
# numpy's warnings about them are noise here.
def _quiet() -> Any:
    return np.errstate(all="ignore")  # a fresh one per use: errstate objects hold state


def _same(x: Any, y: Any) -> Any:
    """``y`` as an array of ``x``'s dtype (numpy would promote mixed int32/int64 operands)."""
    return array_module(x).asarray(y).astype(x.dtype, copy=False)


@KERNELS.register("ADD")
def add(x, y, *, fused_activation="NONE", out=None):
    """x + y with broadcasting, then the fused activation."""
    y = _same(x, y)
    dest = float_out(out, x, y)
    if dest is None:
        return apply_activation(x + y, fused_activation)
    return activate_into(np.add(x, y, out=dest), fused_activation)


@KERNELS.register("SUB")
def sub(x, y, *, fused_activation="NONE", out=None):
    """x - y with broadcasting, then the fused activation."""
    y = _same(x, y)
    dest = float_out(out, x, y)
    if dest is None:
        return apply_activation(x - y, fused_activation)
    return activate_into(np.subtract(x, y, out=dest), fused_activation)


@KERNELS.register("MUL")
def mul(x, y, *, fused_activation="NONE", out=None):
    """x * y with broadcasting, then the fused activation."""
    y = _same(x, y)
    dest = float_out(out, x, y)
    with _quiet():
        if dest is None:
            return apply_activation(x * y, fused_activation)
        return activate_into(np.multiply(x, y, out=dest), fused_activation)


def trunc_div(x: Any, y: Any) -> Any:
    """Integer division rounding toward zero, as C++ ``/`` does."""
    xp = array_module(x)
    q = x // y
    fix = (q < 0) & (q * y != x)
    return xp.where(fix, q + 1, q).astype(x.dtype, copy=False)


@KERNELS.register("DIV")
def div(x, y, *, fused_activation="NONE", out=None):
    """x / y; integers round toward zero as in C++."""
    y = _same(x, y)
    dest = float_out(out, x, y)
    with _quiet():
        if dest is not None:
            return activate_into(np.true_divide(x, y, out=dest), fused_activation)
        q = trunc_div(x, y) if x.dtype.kind in "iu" else x / y
    return apply_activation(q, fused_activation)


@KERNELS.register("FLOOR_DIV")
def floor_div(x, y):
    """floor(x / y); for floats TFLite floors the float quotient."""
    xp, y = array_module(x), _same(x, y)
    with _quiet():
        return x // y if x.dtype.kind in "iu" else xp.floor(x / y)


@KERNELS.register("FLOOR_MOD")
def floor_mod(x, y):
    """The remainder with the sign of the divisor (Python's %), via fmod as TFLite."""
    xp, y = array_module(x), _same(x, y)
    with _quiet():
        r = xp.fmod(x, y)
        return xp.where((r != 0) & ((y < 0) != (r < 0)), r + y, r).astype(x.dtype, copy=False)


@KERNELS.register("POW")
def pow_(x, y):
    """x ** y elementwise (integer powers wrap around like C++)."""
    with _quiet():
        return array_module(x).power(x, _same(x, y))


# TFLite picks with one comparison, ``x > y ? x : y``: a NaN in ``x`` loses, a NaN in ``y`` wins
# and equal values (0.0 vs -0.0) give ``y``. numpy's maximum would propagate every NaN.
def _pick(x: Any, y: Any, take_x: Any, out: Any) -> Any:
    """``where(take_x, x, y)``, into ``out`` when it fits (a selection: the same bits)."""
    dest = float_out(out, x, y)
    if dest is None:
        return array_module(x).where(take_x, x, y)
    np.copyto(dest, y)
    np.copyto(dest, x, where=take_x)
    return dest


@KERNELS.register("MAXIMUM")
def maximum(x, y, *, out=None):
    """Elementwise maximum with broadcasting (``x > y ? x : y``)."""
    y = _same(x, y)
    return _pick(x, y, x > y, out)


@KERNELS.register("MINIMUM")
def minimum(x, y, *, out=None):
    """Elementwise minimum with broadcasting (``x < y ? x : y``)."""
    y = _same(x, y)
    return _pick(x, y, x < y, out)


@KERNELS.register("SQUARED_DIFFERENCE")
def squared_difference(x, y, *, out=None):
    """(x - y) ** 2 with broadcasting."""
    y = _same(x, y)
    dest = float_out(out, x, y)
    with _quiet():
        if dest is None:
            d = x - y
            return d * d
        np.subtract(x, y, out=dest)
        return np.multiply(dest, dest, out=dest)


@KERNELS.register("PRELU")
def prelu(x, alpha, *, out=None):
    """x where x >= 0, else alpha * x (alpha broadcast against x)."""
    alpha = _same(x, alpha)
    dest = float_out(out, x, alpha)
    if dest is None:
        return array_module(x).where(x >= 0, x, x * alpha)
    np.multiply(x, alpha, out=dest)
    np.copyto(dest, x, where=x >= 0)
    return dest


def _unary(op: str, fn: Any, into: Any) -> None:
    def kernel(x, *, out=None):
        with _quiet():
            dest = float_out(out, x)
            if dest is not None:
                return into(x, dest)
            return fn(array_module(x), x).astype(x.dtype, copy=False)

    kernel.__name__ = op.lower()
    kernel.__doc__ = f"{op} elementwise."
    KERNELS.add(op, kernel)


_UNARY = {
    "ABS": lambda xp, x: xp.abs(x),
    "NEG": lambda xp, x: -x,
    "EXP": lambda xp, x: xp.exp(x),
    "LOG": lambda xp, x: xp.log(x),
    "SQRT": lambda xp, x: xp.sqrt(x),
    "RSQRT": lambda xp, x: 1 / xp.sqrt(x),
    "SQUARE": lambda xp, x: x * x,
    "SIN": lambda xp, x: xp.sin(x),
    "COS": lambda xp, x: xp.cos(x),
    "TANH": lambda xp, x: xp.tanh(x),
    "LOGISTIC": lambda xp, x: 1 / (1 + xp.exp(-x)),
    "RELU": lambda xp, x: xp.maximum(x, 0),
    "RELU6": lambda xp, x: xp.clip(x, 0, 6),
    "RELU_N1_TO_1": lambda xp, x: xp.clip(x, -1, 1),
    "ELU": lambda xp, x: xp.where(x < 0, xp.expm1(x), x),
    "HARD_SWISH": lambda xp, x: x * xp.clip(x + 3, 0, 6) / 6,
    "FLOOR": lambda xp, x: xp.floor(x),
    "CEIL": lambda xp, x: xp.ceil(x),
    "ROUND": lambda xp, x: xp.rint(x),  # half to even, as TFLite's RoundToNearest
    "SIGN": lambda xp, x: xp.sign(x),
}


# The float32 computations of _UNARY written into ``o``: the same ufuncs on the same operands
# in the same order (``1 / s`` is ``true_divide(1, s)``, ``-x`` is ``negative(x)`` ...).
def _rsqrt_into(x: Any, o: Any) -> Any:
    np.sqrt(x, out=o)
    return np.true_divide(1, o, out=o)


def _logistic_into(x: Any, o: Any) -> Any:
    np.negative(x, out=o)
    np.exp(o, out=o)
    np.add(1, o, out=o)
    return np.true_divide(1, o, out=o)


def _elu_into(x: Any, o: Any) -> Any:
    np.expm1(x, out=o)
    np.copyto(o, x, where=~(x < 0))
    return o


def _hard_swish_into(x: Any, o: Any) -> Any:
    np.add(x, 3, out=o)
    np.clip(o, 0, 6, out=o)
    np.multiply(x, o, out=o)
    return np.true_divide(o, 6, out=o)


_INTO = {
    "ABS": lambda x, o: np.abs(x, out=o),
    "NEG": lambda x, o: np.negative(x, out=o),
    "EXP": lambda x, o: np.exp(x, out=o),
    "LOG": lambda x, o: np.log(x, out=o),
    "SQRT": lambda x, o: np.sqrt(x, out=o),
    "RSQRT": _rsqrt_into,
    "SQUARE": lambda x, o: np.multiply(x, x, out=o),
    "SIN": lambda x, o: np.sin(x, out=o),
    "COS": lambda x, o: np.cos(x, out=o),
    "TANH": lambda x, o: np.tanh(x, out=o),
    "LOGISTIC": _logistic_into,
    "RELU": lambda x, o: np.maximum(x, 0, out=o),
    "RELU6": lambda x, o: np.clip(x, 0, 6, out=o),
    "RELU_N1_TO_1": lambda x, o: np.clip(x, -1, 1, out=o),
    "ELU": _elu_into,
    "HARD_SWISH": _hard_swish_into,
    "FLOOR": lambda x, o: np.floor(x, out=o),
    "CEIL": lambda x, o: np.ceil(x, out=o),
    "ROUND": lambda x, o: np.rint(x, out=o),
    "SIGN": lambda x, o: np.sign(x, out=o),
}
for _op, _fn in _UNARY.items():
    _unary(_op, _fn, _INTO[_op])


@KERNELS.register("LEAKY_RELU")
def leaky_relu(x, *, alpha=0.2, out=None):
    """x where x > 0, else alpha * x."""
    xp = array_module(x)
    scale = xp.asarray(alpha, dtype=x.dtype)
    dest = float_out(out, x)
    if dest is None:
        return xp.where(x > 0, x, x * scale)
    np.multiply(x, scale, out=dest)
    np.copyto(dest, x, where=x > 0)
    return dest


def erfc(x: Any) -> Any:
    """The complementary error function, elementwise (numpy has none of its own)."""
    xp = array_module(x)
    if xp is np:
        return np.vectorize(math.erfc, otypes=[np.float64])(x)
    from cupyx.scipy.special import erfc as device_erfc

    return device_erfc(x)


@KERNELS.register("GELU")
def gelu(x, *, approximate=False, out=None):
    """GELU, exact (erf) or with the tanh approximation."""
    xp = array_module(x)
    dest = float_out(out, x)
    if approximate:
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x * x * x)
        t = 1 + xp.tanh(inner)
        if dest is not None:
            return np.multiply(0.5 * x, t, out=dest)
        return (0.5 * x * t).astype(x.dtype, copy=False)
    # erfc keeps the relative accuracy of the far negative tail, where 1 + erf cancels.
    e = erfc(-x * math.sqrt(0.5))
    if dest is not None:  # the float64 product rounded to float32, as astype does
        return np.multiply(0.5 * x, e, out=dest)
    return (0.5 * x * e).astype(x.dtype, copy=False)
