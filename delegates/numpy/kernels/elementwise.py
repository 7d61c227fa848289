"""Elementwise arithmetic and activation kernels with TFLite semantics (float and integer)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..table import KERNELS
from .activations import apply_activation
from .xp import array_module


# Overflow, division by zero and the like follow IEEE / two's complement as TFLite's C++ does;
# numpy's warnings about them are noise here.
def _quiet() -> Any:
    return np.errstate(all="ignore")  # a fresh one per use: errstate objects hold state


def _same(x: Any, y: Any) -> Any:
    """``y`` as an array of ``x``'s dtype (numpy would promote mixed int32/int64 operands)."""
    return array_module(x).asarray(y).astype(x.dtype, copy=False)


@KERNELS.register("ADD")
def add(x, y, *, fused_activation="NONE"):
    """x + y with broadcasting, then the fused activation."""
    return apply_activation(x + _same(x, y), fused_activation)


@KERNELS.register("SUB")
def sub(x, y, *, fused_activation="NONE"):
    """x - y with broadcasting, then the fused activation."""
    return apply_activation(x - _same(x, y), fused_activation)


@KERNELS.register("MUL")
def mul(x, y, *, fused_activation="NONE"):
    """x * y with broadcasting, then the fused activation."""
    with _quiet():
        return apply_activation(x * _same(x, y), fused_activation)


def trunc_div(x: Any, y: Any) -> Any:
    """Integer division rounding toward zero, as C++ ``/`` does."""
    xp = array_module(x)
    q = x // y
    fix = (q < 0) & (q * y != x)
    return xp.where(fix, q + 1, q).astype(x.dtype, copy=False)


@KERNELS.register("DIV")
def div(x, y, *, fused_activation="NONE"):
    """x / y; integers round toward zero as in C++."""
    y = _same(x, y)
    with _quiet():
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
@KERNELS.register("MAXIMUM")
def maximum(x, y):
    """Elementwise maximum with broadcasting (``x > y ? x : y``)."""
    y = _same(x, y)
    return array_module(x).where(x > y, x, y)


@KERNELS.register("MINIMUM")
def minimum(x, y):
    """Elementwise minimum with broadcasting (``x < y ? x : y``)."""
    y = _same(x, y)
    return array_module(x).where(x < y, x, y)


@KERNELS.register("SQUARED_DIFFERENCE")
def squared_difference(x, y):
    """(x - y) ** 2 with broadcasting."""
    with _quiet():
        d = x - _same(x, y)
        return d * d


@KERNELS.register("PRELU")
def prelu(x, alpha):
    """x where x >= 0, else alpha * x (alpha broadcast against x)."""
    return array_module(x).where(x >= 0, x, x * _same(x, alpha))


def _unary(op: str, fn: Any) -> None:
    def kernel(x):
        with _quiet():
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
for _op, _fn in _UNARY.items():
    _unary(_op, _fn)


@KERNELS.register("LEAKY_RELU")
def leaky_relu(x, *, alpha=0.2):
    """x where x > 0, else alpha * x."""
    xp = array_module(x)
    return xp.where(x > 0, x, x * xp.asarray(alpha, dtype=x.dtype))


def erfc(x: Any) -> Any:
    """The complementary error function, elementwise (numpy has none of its own)."""
    xp = array_module(x)
    if xp is np:
        return np.vectorize(math.erfc, otypes=[np.float64])(x)
    from cupyx.scipy.special import erfc as device_erfc

    return device_erfc(x)


@KERNELS.register("GELU")
def gelu(x, *, approximate=False):
    """GELU, exact (erf) or with the tanh approximation."""
    xp = array_module(x)
    if approximate:
        inner = math.sqrt(2 / math.pi) * (x + 0.044715 * x * x * x)
        return (0.5 * x * (1 + xp.tanh(inner))).astype(x.dtype, copy=False)
    # erfc keeps the relative accuracy of the far negative tail, where 1 + erf cancels.
    return (0.5 * x * erfc(-x * math.sqrt(0.5))).astype(x.dtype, copy=False)
